"""A remote SPARQL 1.1 server as the store: the same methods the ingest, query and export
paths use on the embedded :class:`kg.store.Store` (replace_articles, replace_graph, query,
dump, __len__), spoken over plain HTTP (standard library only).

Writes replace each article's named graph, as the embedded store does, either with the
Graph Store HTTP Protocol (``PUT ?graph=IRI`` replaces the graph; pass ``graph_store``) or
with SPARQL Update (``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { ... } }``, several
articles per request). Reads send the query as a form POST and parse the answer with
pyoxigraph, so :func:`kg.query.run` sees the same result objects as on the embedded store.

Known servers::

    Oxigraph   oxigraph serve --location DIR --union-default-graph
               endpoint http://HOST:7878/query (update: /update, graph store: /store)
    Virtuoso   endpoint http://HOST:8890/sparql, update http://HOST:8890/sparql-auth with
               digest auth (a user with SPARQL_UPDATE), or grant SPARQL_UPDATE to "SPARQL"
    Fuseki     endpoint http://HOST:3030/DS/query (update: /DS/update, graph store: /DS/data)
               with tdb2:unionDefaultGraph true
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO
from urllib.parse import urlencode, urlsplit, urlunsplit

import pyoxigraph as ox

from .query import HINT
from .rdf import ENTITIES_GRAPH, GRAPH, SHARED_GRAPHS
from .store import FORMATS, PREFIXES, StoreError

# One kind of answer per Accept header: Virtuoso answers 406 to a mixed one.
RESULTS_ACCEPT = "application/sparql-results+xml, application/sparql-results+json;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, text/plain;q=0.5"
QUERY_FORM = re.compile(
    r"^(?:\s+|#[^\n]*\n?|BASE\s*<[^>]*>|PREFIX\s+[\w.-]*:\s*<[^>]*>)*"
    r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
RESULT_PARSERS = {
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_PARSERS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
OUR_GRAPHS = f'FILTER(STRSTARTS(STR(?g), "{GRAPH}"))'
MAX_TRIPLES_PER_UPDATE = 5000
MAX_TEMPLATE = 200  # Virtuoso compiles a template to SQL, one block per triple


def _has_bnode(t: ox.Triple) -> bool:
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def _ntriples(triples: list[ox.Triple]) -> str:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()


def _bnode_slices(triples: list[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    """Triples in slices of about ``size``, keeping every triple that mentions a blank
    node (transitively) in the same slice."""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def find(b: ox.BlankNode) -> ox.BlankNode:
        while parent.setdefault(b, b) != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        return b

    for t in triples:
        nodes = [x for x in (t.subject, t.object) if isinstance(x, ox.BlankNode)]
        for other in nodes[1:]:
            parent[find(other)] = find(nodes[0])
    groups: dict[ox.BlankNode, list[ox.Triple]] = {}
    for t in triples:
        b = t.subject if isinstance(t.subject, ox.BlankNode) else t.object
        groups.setdefault(find(b), []).append(t)
    part: list[ox.Triple] = []
    for group in groups.values():
        if part and len(part) + len(group) > size:
            yield part
            part = []
        part += group
    if part:
        yield part


class RemoteError(StoreError):
    """The remote server refused a request or could not be reached."""


def with_prefixes(sparql: str) -> str:
    """Declare the usual prefixes (kg, org, prov, ...) the query uses but does not declare
    (the embedded store predeclares them; a remote server does not)."""
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w.-]*)\s*:", sparql, re.I)}
    lines = [f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items()
             if k.lower() not in declared and re.search(rf"(?<![\w.-]){re.escape(k)}:", sparql)]
    return "\n".join([*lines, sparql]) if lines else sparql


def with_hints(sparql: str, server: str) -> str:
    """Put in front of the query the lines it carries for this server's engine (kg.query:
    ``# hint virtuoso: ...``); ``server`` is the HTTP Server header ("Virtuoso/07.20.3229
    (Linux) ...", "Apache Jena Fuseki (5.1.0)"), which names the engine as a word."""
    words = set(re.findall(r"[a-z]+", server.lower()))
    hints = [text for engine, text in HINT.findall(sparql) if engine.lower() in words]
    return "\n".join([*hints, sparql]) if hints else sparql


def default_update_endpoint(endpoint: str) -> str:
    """Oxigraph and Fuseki answer updates at .../update beside .../query; others (Virtuoso,
    GraphDB, Blazegraph) at the same URL."""
    parts = urlsplit(endpoint)
    if parts.path.endswith("/query"):
        return urlunsplit(parts._replace(path=parts.path[: -len("query")] + "update"))
    return endpoint


class RemoteStore:
    """A SPARQL 1.1 server behind the Store interface. Use as a context manager."""

    def __init__(self, endpoint: str, *, update_endpoint: str | None = None,
                 graph_store: str | None = None, auth: tuple[str, str] | None = None,
                 timeout: float = 300.0):
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or default_update_endpoint(endpoint)
        self.graph_store = graph_store
        self.path = endpoint  # what `kg stats` and reports print
        self.timeout = timeout
        handlers: list[urllib.request.BaseHandler] = []
        if auth:
            mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in {endpoint, self.update_endpoint, graph_store or endpoint}:
                mgr.add_password(None, url, *auth)
            handlers += [urllib.request.HTTPDigestAuthHandler(mgr),
                         urllib.request.HTTPBasicAuthHandler(mgr)]
        self._opener = urllib.request.build_opener(*handlers)
        self._server: str | None = None  # the Server header, once a request told it

    @classmethod
    def open(cls, endpoint: str, **kwargs) -> RemoteStore:
        store = cls(endpoint, **kwargs)
        store.query("ASK { }")  # fail early, with the server's message
        return store

    def close(self) -> None:
        pass

    def optimize(self) -> None:
        """Nothing to do: the server looks after its own storage (for Oxigraph's, run
        `oxigraph optimize` after a bulk load; see docs/scale.md)."""

    def flush(self) -> None:
        pass

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- HTTP ----------------------------------------------------------------------------

    def _request(self, url: str, data: bytes | None, headers: dict[str, str],
                 method: str = "POST") -> tuple[str, bytes, dict]:
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                ctype = (resp.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                if url == self.endpoint:  # the update or graph store URL may be another
                    self._server = resp.headers.get("Server") or ""
                return ctype, resp.read(), dict(resp.headers)
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace").strip()
            raise RemoteError(f"{url}: HTTP {exc.code} {exc.reason}: {body[:500]}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise RemoteError(f"{url}: {getattr(exc, 'reason', exc)}") from None

    def update(self, sparql: str) -> None:
        """Send one SPARQL Update request (form-encoded, which every server takes)."""
        self._request(self.update_endpoint, urlencode({"update": sparql}).encode(),
                      {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})

    # --- writing -------------------------------------------------------------------------

    def replace_graph(self, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> None:
        self._replace({graph.value: [q.triple for q in quads]})

    def replace_articles(self, batch: Iterable[tuple[str, list[ox.Quad]]]) -> int:
        """Replace each article's named graph(s) by the given quads; returns quads written."""
        graphs: dict[str, list[ox.Triple]] = {}
        for _, quads in batch:
            for q in quads:
                graphs.setdefault(q.graph_name.value, []).append(q.triple)
        shared = ENTITIES_GRAPH.value
        if shared in graphs:  # added to, never replaced (see kg.rdf.ENTITIES_GRAPH)
            graphs[shared] = list(dict.fromkeys(graphs[shared]))
        self._replace(graphs, keep={shared})
        return sum(len(ts) for ts in graphs.values())

    def _replace(self, graphs: dict[str, list[ox.Triple]], keep: set[str] = frozenset()
                 ) -> None:
        """Replace each graph by its triples; graphs in ``keep`` are added to instead."""
        if self.graph_store:
            for g, triples in graphs.items():
                url = self.graph_store + ("&" if "?" in self.graph_store else "?") + \
                    urlencode({"graph": g})
                body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
                method = "POST" if g in keep else "PUT"
                self._request(url, body, {"Content-Type": "application/n-triples"}, method)
            return
        ops: list[str] = []
        size = 0
        for g, triples in graphs.items():
            if g not in keep:
                ops.append(f"DROP SILENT GRAPH <{g}>")
            plain = [t for t in triples if not _has_bnode(t)]
            for i in range(0, len(plain), MAX_TRIPLES_PER_UPDATE):
                body = _ntriples(plain[i:i + MAX_TRIPLES_PER_UPDATE])
                ops.append(f"INSERT DATA {{ GRAPH <{g}> {{\n{body}}} }}")
            # Virtuoso refuses blank nodes in INSERT DATA; a template with an empty WHERE
            # makes the same fresh nodes. Each node stays within one template.
            for part in _bnode_slices([t for t in triples if _has_bnode(t)], MAX_TEMPLATE):
                ops.append(f"INSERT {{ GRAPH <{g}> {{\n{_ntriples(part)}}} }} WHERE {{}}")
            size += len(triples)
            if size >= MAX_TRIPLES_PER_UPDATE:
                self.update(" ;\n".join(ops))
                ops, size = [], 0
        if ops:
            self.update(" ;\n".join(ops))

    # --- reading -------------------------------------------------------------------------

    def query(self, sparql: str):
        """SELECT/ASK give pyoxigraph QuerySolutions/QueryBoolean, CONSTRUCT/DESCRIBE an
        iterator of Triples: the same objects the embedded store returns."""
        m = QUERY_FORM.match(sparql)
        graph = m is not None and m.group(1).upper() in {"CONSTRUCT", "DESCRIBE"}
        text = with_prefixes(sparql)
        if HINT.search(sparql):
            if self._server is None:
                self.query("ASK { }")  # learn which server this is
            text = with_hints(text, self._server or "")
        ctype, body, _ = self._request(
            self.endpoint, urlencode({"query": text}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
             "Accept": GRAPH_ACCEPT if graph else RESULTS_ACCEPT})
        if ctype in RESULT_PARSERS:
            return ox.parse_query_results(body, RESULT_PARSERS[ctype])
        if ctype in GRAPH_PARSERS:
            return (q.triple for q in ox.parse(body, format=GRAPH_PARSERS[ctype]))
        raise RemoteError(f"{self.endpoint}: unexpected answer type {ctype!r}")

    def graphs(self) -> list[str]:
        """The IRIs of this project's named graphs on the server (articles + vocabulary),
        leaving out anything else the server keeps (Virtuoso's system graphs)."""
        q = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {OUR_GRAPHS} }}"
        return sorted(s["g"].value for s in self.query(q))

    def __len__(self) -> int:
        q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {OUR_GRAPHS} }}"
        return int(next(iter(self.query(q)))["n"].value)

    def graph_count(self) -> int:
        """Number of article graphs (the shared graphs aside: kg.rdf.SHARED_GRAPHS)."""
        shared = {g.value for g in SHARED_GRAPHS}
        return sum(1 for g in self.graphs() if g not in shared)

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of this project's graphs, fetched one graph at a time (so a server's
        result-size cap does not cut the export)."""
        for g in self.graphs():
            node = ox.NamedNode(g)
            for t in self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"):
                yield ox.Quad(t.subject, t.predicate, t.object, node)

    def dump(self, output: IO[bytes] | str, fmt: str = "nquads") -> None:
        """As :meth:`kg.store.Store.dump`: N-Quads/TriG stream graph by graph; Turtle and
        JSON-LD write the union of all graphs."""
        if isinstance(output, str):
            with Path(output).open("wb") as fh:
                self._dump(fh, fmt)
        else:
            self._dump(output, fmt)

    def _dump(self, out: IO[bytes], fmt: str) -> None:
        rdf_format = FORMATS[fmt]
        if fmt == "nquads":
            for g in self.graphs():
                node = ox.NamedNode(g)
                triples = self.query(
                    f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")
                out.write(ox.serialize((ox.Quad(t.subject, t.predicate, t.object, node)
                                        for t in triples), format=rdf_format))
        elif rdf_format.supports_datasets:
            out.write(ox.serialize(self.quads(), format=rdf_format, prefixes=PREFIXES))
        else:
            triples = {ox.Triple(q.subject, q.predicate, q.object) for q in self.quads()}
            kwargs = {"prefixes": PREFIXES} if fmt == "turtle" else {}
            out.write(ox.serialize(sorted(triples, key=str), format=rdf_format, **kwargs))
