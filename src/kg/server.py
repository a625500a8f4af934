"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over the store, on the standard
library's ThreadingHTTPServer.

Each query runs in a worker process (a small pool, each worker holding a read-only store
handle). pyoxigraph releases the GIL but a running query cannot be interrupted from
Python, so the only way to cut a query that overruns ``timeout`` is to kill its process:
the pool kills it, starts a fresh worker and answers 503, while the other workers keep
serving other clients. Results are capped at ``max_rows`` rows (or triples), said in the
``X-KG-Row-Limit`` header, with ``X-KG-Truncated: true`` when the cap cut the answer.

Routes: ``/sparql`` (GET ?query=, POST application/sparql-query or form), ``/`` (the
explorer page, rendered from the store by kg.viz on first request), ``/queries`` (the
saved queries, JSON or HTML) and ``/queries/NAME?param=value`` (run one, parameters
bound by kg.query.bind).
"""

from __future__ import annotations

import csv
import html
import io
import json
import multiprocessing as mp
import queue
import re
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit
from xml.sax.saxutils import escape as xml_escape

import pyoxigraph as ox

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_BODY = 1 << 20
ROW_LIMIT_HEADER = "X-KG-Row-Limit"
TRUNCATED_HEADER = "X-KG-Truncated"

# --- formats and content negotiation ------------------------------------------------------

RESULT_TYPES = {  # media type -> short name, for SELECT and ASK
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
RESULT_MEDIA = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8"}
GRAPH_TYPES = {  # media type -> short name, for CONSTRUCT and DESCRIBE
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
    "application/rdf+xml": "rdfxml",
}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                 "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}
GRAPH_MEDIA = {"turtle": "text/turtle; charset=utf-8", "ntriples": "application/n-triples",
               "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml"}
FORMAT_ALIASES = {"nt": "ntriples", "n-triples": "ntriples", "ttl": "turtle",
                  "json-ld": "jsonld", "rdf": "rdfxml", "text": "tsv"}

UPDATE_RE = re.compile(
    r"^\s*(?:(?:#[^\n]*\n|BASE\s*<[^>]*>|PREFIX\s+[\w.-]*:\s*<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)


def parse_accept(accept: str | None) -> list[str]:
    """Media types of an Accept header, best first (q-values honoured, q=0 dropped)."""
    if not accept:
        return []
    ranked = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if fields[0] and q > 0:
            ranked.append((-q, i, fields[0].lower()))
    return [m for _, _, m in sorted(ranked)]


def choose(prefs: list[str], table: dict[str, str], default: str) -> str | None:
    """The short format name for the first acceptable media type; None = not acceptable."""
    if not prefs:
        return default
    for media in prefs:
        if media in table:
            return table[media]
        if media in {"*/*", "application/*", "text/*"}:
            return default
    return None


def wanted_formats(format_param: str | None, accept: str | None) -> list[str]:
    """The client's wishes as a list of media types or short names, best first."""
    if format_param:
        f = format_param.strip().lower()
        return [FORMAT_ALIASES.get(f, f)]
    return parse_accept(accept)


def _pick(wants: list[str], table: dict[str, str], names: set[str], default: str) -> str | None:
    if len(wants) == 1 and wants[0] in names:
        return wants[0]
    return choose(wants, table, default)


# --- result serialisers (own code, so a capped result is still a valid document) ----------


def _term_json(t: Any) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {"subject": _term_json(t.subject),
                                            "predicate": _term_json(t.predicate),
                                            "object": _term_json(t.object)}}
    d = {"type": "literal", "value": t.value}
    if t.language:
        d["xml:lang"] = t.language
    elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        d["datatype"] = t.datatype.value
    return d


def _term_xml(t: Any) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{xml_escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{xml_escape(t.value)}</bnode>"
    if isinstance(t, ox.Triple):
        return ("<triple>" + "".join(
            f"<{k}>{_term_xml(getattr(t, k))}</{k}>" for k in ("subject", "predicate", "object"))
            + "</triple>")
    if t.language:
        return f'<literal xml:lang="{xml_escape(t.language)}">{xml_escape(t.value)}</literal>'
    if t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        return (f'<literal datatype="{xml_escape(t.datatype.value)}">'
                f"{xml_escape(t.value)}</literal>")
    return f"<literal>{xml_escape(t.value)}</literal>"


def serialize_solutions(fmt: str, variables: list[str], rows: list[list[Any]]) -> bytes:
    """SPARQL 1.1 results (JSON, XML, CSV, TSV) of a SELECT; ``None`` is unbound."""
    if fmt == "json":
        doc = {"head": {"vars": variables}, "results": {"bindings": [
            {v: _term_json(t) for v, t in zip(variables, row, strict=True) if t is not None}
            for row in rows]}}
        return json.dumps(doc, ensure_ascii=False).encode()
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
               "<head>" + "".join(f'<variable name="{v}"/>' for v in variables) + "</head>",
               "<results>"]
        for row in rows:
            out.append("<result>" + "".join(
                f'<binding name="{v}">{_term_xml(t)}</binding>'
                for v, t in zip(variables, row, strict=True) if t is not None) + "</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode()
    if fmt == "csv":  # plain values, as the W3C CSV format says (lossy by design)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(variables)
        for row in rows:
            w.writerow(["" if t is None else (t.value if not isinstance(t, ox.Triple) else str(t))
                        for t in row])
        return buf.getvalue().encode()
    if fmt == "tsv":  # RDF terms in SPARQL/Turtle syntax
        lines = ["\t".join("?" + v for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(f"unknown results format {fmt!r}")


def serialize_boolean(fmt: str, value: bool) -> bytes:
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{word}</boolean></sparql>\n").encode()
    return (f"_askResult\r\n{word}\r\n" if fmt == "csv" else f"?_askResult\n{word}\n").encode()


# --- the query worker ----------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def _error(status: int, message: str) -> Answer:
    return Answer(status, (message.rstrip() + "\n").encode())


def execute(store: Any, request: dict, max_rows: int) -> Answer:
    """Run one query on an open kg Store and serialise the answer (worker side)."""
    sparql: str = request["query"]
    wants: list[str] = request.get("wants", [])
    try:
        kwargs: dict = {}
        if request.get("default_graphs") or request.get("named_graphs"):
            if request.get("default_graphs"):
                kwargs["default_graph"] = [ox.NamedNode(g) for g in request["default_graphs"]]
            else:
                kwargs["use_default_graph_as_union"] = True
            if request.get("named_graphs"):
                kwargs["named_graphs"] = [ox.NamedNode(g) for g in request["named_graphs"]]
            from .store import PREFIXES

            result = store.db.query(sparql, prefixes=PREFIXES, **kwargs)
        else:
            result = store.query(sparql)
    except SyntaxError as exc:
        if UPDATE_RE.match(sparql):
            return _error(403, "this endpoint is read-only: SPARQL Update is refused")
        return _error(400, f"SPARQL syntax error: {exc}")
    except (ValueError, OSError) as exc:
        return _error(400, f"query failed: {exc}")
    limit = {ROW_LIMIT_HEADER: str(max_rows)}
    try:
        if isinstance(result, ox.QueryBoolean):
            fmt = _pick(wants, RESULT_TYPES, set(RESULT_MEDIA), "json")
            if fmt is None:
                return _error(406, "not acceptable: ASK answers come as " + ", ".join(RESULT_MEDIA))
            return Answer(200, serialize_boolean(fmt, bool(result)), RESULT_MEDIA[fmt], limit)
        if isinstance(result, ox.QuerySolutions):
            fmt = _pick(wants, RESULT_TYPES, set(RESULT_MEDIA), "json")
            if fmt is None:
                return _error(406, "not acceptable: SELECT answers come as "
                              + ", ".join(RESULT_MEDIA.values()))
            variables = [v.value for v in result.variables]
            rows = []
            for sol in result:
                if len(rows) >= max_rows:
                    limit[TRUNCATED_HEADER] = "true"
                    break
                rows.append([sol[v] for v in variables])
            return Answer(200, serialize_solutions(fmt, variables, rows), RESULT_MEDIA[fmt], limit)
        fmt = _pick(wants, GRAPH_TYPES, set(GRAPH_FORMATS), "turtle")
        if fmt is None:
            return _error(406, "not acceptable: CONSTRUCT/DESCRIBE answers come as "
                          + ", ".join(GRAPH_MEDIA.values()))
        triples = []
        for t in result:
            if len(triples) >= max_rows:
                limit[TRUNCATED_HEADER] = "true"
                break
            triples.append(t)
        from .store import PREFIXES

        kwargs = {"prefixes": PREFIXES} if fmt == "turtle" else {}
        body = ox.serialize(triples, format=GRAPH_FORMATS[fmt], **kwargs)
        return Answer(200, body, GRAPH_MEDIA[fmt], limit)
    except (OSError, ValueError) as exc:  # evaluation errors surface while iterating
        return _error(400, f"query failed: {exc}")


def _worker_main(conn: Connection, store_path: str, max_rows: int) -> None:
    import signal

    from .store import Store

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle

    try:
        store = Store.open(store_path, wait=30)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which gives up
        conn.send(("dead", str(exc)))
        return
    conn.send(("ready", ""))
    while True:
        try:
            request = conn.recv()
        except (EOFError, KeyboardInterrupt):
            break
        try:
            answer = execute(store, request, max_rows)
        except Exception as exc:  # noqa: BLE001 - one bad query must not kill the worker
            answer = _error(500, f"internal error: {type(exc).__name__}: {exc}")
        conn.send(("answer", answer))
    store.close()


class _Worker:
    def __init__(self, ctx: Any, store_path: str, max_rows: int):
        parent, child = ctx.Pipe()
        self.conn = parent
        self.proc = ctx.Process(target=_worker_main, args=(child, store_path, max_rows),
                                daemon=True, name="kg-sparql-worker")
        self.proc.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(timeout):
            raise TimeoutError("query worker did not start")
        kind, msg = self.conn.recv()
        if kind != "ready":
            raise RuntimeError(f"query worker failed: {msg}")
        self.ready = True

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class QueryPool:
    """``size`` worker processes; a query that overruns its timeout kills its worker."""

    def __init__(self, store_path: str | Path, size: int = 2,
                 max_rows: int = DEFAULT_MAX_ROWS, timeout: float = DEFAULT_TIMEOUT):
        self.store_path = str(store_path)
        self.max_rows = max_rows
        self.timeout = timeout
        self._ctx = mp.get_context("spawn")  # never fork a threaded server
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(max(1, size)):
            self._add()
        for w in list(self._all):
            w.wait_ready(60)

    def _add(self) -> None:
        w = _Worker(self._ctx, self.store_path, self.max_rows)
        with self._lock:
            self._all.add(w)
        self._idle.put(w)

    def _retire(self, w: _Worker) -> None:
        w.kill()
        with self._lock:
            self._all.discard(w)
        if not self._closed:
            self._add()

    def run(self, request: dict) -> Answer:
        try:
            w = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return _error(503, f"all {len(self._all)} query workers are busy; try again later")
        try:
            w.wait_ready(60)  # a fresh worker may still be starting; not the query's time
            w.conn.send(request)
            if not w.conn.poll(self.timeout):
                self._retire(w)
                return Answer(503, f"query cut after the {self.timeout:g} s timeout\n".encode())
            _, answer = w.conn.recv()
        except (EOFError, OSError, TimeoutError, RuntimeError) as exc:
            self._retire(w)
            return _error(500, f"query worker failed: {exc}")
        self._idle.put(w)
        return answer

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for w in workers:
            w.kill()


# --- HTTP ----------------------------------------------------------------------------------


@dataclass
class ServerConfig:
    store_path: Path
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    max_body: int = DEFAULT_MAX_BODY
    workers: int = 2
    verbose: bool = False


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], config: ServerConfig):
        from .store import Store

        self.config = config
        # The server's own reader handle: holds the shared lock (no writer while we
        # serve) and feeds the explorer page.
        self.store = Store.open(config.store_path)
        self.pool = QueryPool(config.store_path, config.workers, config.max_rows,
                              config.timeout)
        self._explorer: Path | None = None
        self._explorer_lock = threading.Lock()
        self._tmp = tempfile.TemporaryDirectory(prefix="kg-serve-")
        super().__init__(address, Handler)

    def explorer(self) -> Path:
        with self._explorer_lock:
            if self._explorer is None:
                from .viz import render

                path = Path(self._tmp.name) / "explorer.html"
                render(self.store, path)
                self._explorer = path
            return self._explorer

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()
        self.store.close()
        self._tmp.cleanup()


CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Expose-Headers": f"{ROW_LIMIT_HEADER}, {TRUNCATED_HEADER}",
    "Access-Control-Max-Age": "86400",
}


class Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = "kg-sparql"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if self.server.config.verbose:
            super().log_message(format, *args)

    # --- plumbing ----------------------------------------------------------------------

    def _send(self, answer: Answer) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.send_header("Vary", "Accept")
        for k, v in {**CORS, **answer.headers}.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def _fail(self, status: int, message: str, close: bool = False) -> None:
        if close:
            self.close_connection = True
        self._send(_error(status, message))

    def _body(self) -> bytes | None:
        """The request body, or None after answering 411/413."""
        length = self.headers.get("Content-Length")
        if length is None:
            if self.headers.get("Transfer-Encoding"):
                self._fail(411, "send a Content-Length (chunked bodies are not accepted)", True)
                return None
            return b""
        try:
            n = int(length)
        except ValueError:
            self._fail(400, "bad Content-Length", True)
            return None
        if n > self.server.config.max_body:
            if n <= 16 * self.server.config.max_body:
                # read and drop it, so the client sees the answer rather than a reset
                left = n
                while left > 0:
                    chunk = self.rfile.read(min(1 << 16, left))
                    if not chunk:
                        break
                    left -= len(chunk)
            self._fail(413, f"request body of {n} bytes is over the "
                       f"{self.server.config.max_body} byte limit", True)
            return None
        return self.rfile.read(n)

    # --- verbs -------------------------------------------------------------------------

    def do_OPTIONS(self) -> None:  # noqa: N802
        self._send(Answer(204, b"", headers={"Allow": "GET, POST, OPTIONS"}))

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if len(url.query) > self.server.config.max_body:
            return self._fail(413, "query string over the size limit")
        params = parse_qs(url.query, keep_blank_values=True)
        if url.path == "/sparql":
            return self._sparql(params)
        if url.path == "/":
            return self._explorer()
        if url.path in {"/queries", "/queries/"}:
            return self._queries(params)
        if url.path.startswith("/queries/"):
            return self._saved(url.path.removeprefix("/queries/"), params)
        self._fail(404, f"no such page {url.path!r}; try /sparql, /queries or /")

    do_HEAD = do_GET  # noqa: N815

    def do_POST(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        body = self._body()
        if body is None:
            return
        if url.path != "/sparql":
            return self._fail(404 if not url.path.startswith("/queries") else 405,
                              "POST goes to /sparql")
        params = parse_qs(url.query, keep_blank_values=True)
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return self._fail(400, "the request body is not UTF-8")
        if ctype == "application/sparql-update":
            return self._fail(403, "this endpoint is read-only: SPARQL Update is refused")
        if ctype == "application/sparql-query":
            params["query"] = [text]
        elif ctype == "application/x-www-form-urlencoded":
            for k, v in parse_qs(text, keep_blank_values=True).items():
                params.setdefault(k, []).extend(v)
        else:
            return self._fail(415, "POST a query as application/sparql-query or as "
                              "application/x-www-form-urlencoded (query=...)")
        self._sparql(params)

    # --- routes ------------------------------------------------------------------------

    def _sparql(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            return self._fail(403, "this endpoint is read-only: SPARQL Update is refused")
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            return self._fail(400, "give exactly one 'query' parameter")
        self._run(queries[0], params)

    def _run(self, sparql: str, params: dict[str, list[str]]) -> None:
        if UPDATE_RE.match(sparql):
            return self._fail(403, "this endpoint is read-only: SPARQL Update is refused")
        fmt = (params.get("format") or params.get("output") or [None])[0]
        request = {
            "query": sparql,
            "wants": wanted_formats(fmt, self.headers.get("Accept")),
            "default_graphs": params.get("default-graph-uri", []),
            "named_graphs": params.get("named-graph-uri", []),
        }
        self._send(self.server.pool.run(request))

    def _explorer(self) -> None:
        try:
            body = self.server.explorer().read_bytes()
        except Exception as exc:  # noqa: BLE001 - the endpoint keeps working without it
            return self._fail(500, f"the explorer page could not be rendered: {exc}")
        self._send(Answer(200, body, "text/html; charset=utf-8"))

    def _queries(self, params: dict[str, list[str]]) -> None:
        from .query import saved_queries

        items = [{"name": q.name, "description": q.description, "params": q.params,
                  "sparql": q.text, "run": f"/queries/{q.name}",
                  "sparql_url": None if q.params else "/sparql?query=" + quote(q.text)}
                 for q in saved_queries().values()]
        fmt = (params.get("format") or [None])[0]
        prefs = parse_accept(self.headers.get("Accept"))
        as_json = fmt == "json" or (fmt is None and choose(
            prefs, {"application/json": "json", "text/html": "html"}, "html") == "json")
        if as_json:
            body = json.dumps(items, ensure_ascii=False, indent=1).encode()
            return self._send(Answer(200, body, "application/json"))
        self._send(Answer(200, _queries_html(items).encode(), "text/html; charset=utf-8"))

    def _saved(self, name: str, params: dict[str, list[str]]) -> None:
        from .query import bind, saved_query

        try:
            q = saved_query(name)
        except KeyError as exc:
            return self._fail(404, str(exc).strip('"'))
        values = {k: v[0] for k, v in params.items() if k in q.params}
        missing = [p for p in q.params if p not in values]
        if missing:
            return self._fail(400, f"saved query {name!r} needs: "
                              + ", ".join(f"{m}=..." for m in missing))
        try:
            sparql = bind(q.text, values)
        except ValueError as exc:
            return self._fail(400, str(exc))
        self._run(sparql, params)


def _queries_html(items: list[dict]) -> str:
    e = html.escape
    parts = ["<!doctype html><html lang='en'><meta charset='utf-8'><title>Saved queries</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
             "pre{background:#f4f4f4;padding:.5em;overflow:auto}</style>",
             "<h1>Saved queries</h1><p>Each runs against <code>/sparql</code>; "
             "answers as JSON, XML, CSV or TSV (<code>format=</code> or the Accept header).</p>"]
    for it in items:
        parts.append(f"<h2 id='{e(it['name'])}'>{e(it['name'])}</h2><p>{e(it['description'])}</p>")
        parts.append(f"<form action='{e(it['run'])}' method='get'>")
        for p, desc in it["params"].items():
            parts.append(f"<label>{e(p)} <input name='{e(p)}' required title='{e(desc)}'>"
                         "</label> ")
        parts.append("<select name='format'><option>json</option><option>csv</option>"
                     "<option>tsv</option><option>xml</option></select> "
                     "<button>Run</button></form>")
        parts.append(f"<details><summary>SPARQL</summary><pre>{e(it['sparql'])}</pre></details>")
    return "\n".join(parts) + "\n</html>\n"


def make_server(store_path: str | Path, host: str = "127.0.0.1", port: int = 8000, *,
                timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS,
                max_body: int = DEFAULT_MAX_BODY, workers: int = 2,
                verbose: bool = False) -> SparqlServer:
    config = ServerConfig(Path(store_path), timeout, max_rows, max_body, workers, verbose)
    return SparqlServer((host, port), config)


def serve(server: SparqlServer) -> None:
    """Serve until Ctrl-C or SIGTERM, then stop the workers and release the store."""
    import signal

    def stop(*_: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
