"""`kg`: the command line, a thin layer over the library (every command calls one
function a researcher can import)."""

from __future__ import annotations

import csv
import functools
import json
import sys
from pathlib import Path

import click

from . import __version__
from .articles import ReadError
from .extract.facts import EXPORT_FIELDS
from .query import format_table, run, run_saved, safe_cell, saved_queries
from .store import FORMATS, Store, StoreBusy, StoreError, default_store_path

STORE_HELP = "Store directory (default: $KG_STORE or ./kg-data)."


def store_option(f):
    return click.option("--store", "store_path", type=click.Path(file_okay=False),
                        envvar="KG_STORE", default=None, help=STORE_HELP)(f)


def wait_option(f):
    return click.option("--wait", type=float, default=0.0, show_default=True,
                        help="Seconds to wait when another process holds the store.")(f)


def open_store(path: str | None, *, write: bool = False, wait: float = 0.0) -> Store:
    try:
        return Store.open(path or default_store_path(), write=write, wait=wait)
    except (StoreBusy, StoreError) as exc:
        raise click.ClickException(str(exc)) from None


def endpoint_options(write: bool = False):
    """--endpoint (and, for writing, --update-endpoint/--graph-store) plus --auth, handed
    to the command as one ``remote`` dict (None when no endpoint is given)."""

    def decorate(f):
        @functools.wraps(f)
        def wrapper(*args, endpoint: str | None, auth: str | None,
                    update_endpoint: str | None = None, graph_store: str | None = None,
                    **kwargs):
            remote = None
            if endpoint:
                remote = {"endpoint": endpoint, "update_endpoint": update_endpoint,
                          "graph_store": graph_store}
                if auth:
                    user, _, password = auth.partition(":")
                    remote["auth"] = (user, password)
            return f(*args, remote=remote, **kwargs)

        opts = [click.option("--endpoint", envvar="KG_ENDPOINT", metavar="URL",
                             help="Use a SPARQL 1.1 server instead of the embedded store "
                                  "(e.g. http://127.0.0.1:7878/query).")]
        if write:
            opts += [click.option("--update-endpoint", metavar="URL",
                                  help="SPARQL Update URL (default: .../update beside a "
                                       ".../query endpoint, else the endpoint itself)."),
                     click.option("--graph-store", metavar="URL",
                                  help="Write through the Graph Store HTTP Protocol "
                                       "(PUT ?graph=) at this URL instead of SPARQL Update.")]
        opts.append(click.option("--auth", envvar="KG_ENDPOINT_AUTH", metavar="USER:PASSWORD",
                                 help="HTTP digest/basic credentials (better: $KG_ENDPOINT_AUTH)."))
        for opt in reversed(opts):
            wrapper = opt(wrapper)
        return wrapper

    return decorate


def open_any(store_path: str | None, remote: dict | None, *, write: bool = False,
             wait: float = 0.0):
    """The embedded store, or the remote server when --endpoint was given."""
    if not remote:
        return open_store(store_path, write=write, wait=wait)
    from .remote import RemoteStore

    try:
        return RemoteStore.open(**remote)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None


class ErrorSink:
    """Prints each read error as one line on stderr as it happens."""

    def __init__(self) -> None:
        self.errors: list[ReadError] = []

    def append(self, err: ReadError) -> None:
        self.errors.append(err)
        click.echo(f"error: {err}", err=True)


def _finish(errors: list[ReadError], what: str) -> None:
    if errors:
        click.echo(f"{len(errors)} input(s) failed; {what}", err=True)
        sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """A knowledge graph of Vietnamese organisations and officials, from news articles.

    \b
    Typical session:
      kg ingest data/samples            # articles -> facts -> RDF in ./kg-data
      kg stats                          # what the store holds
      kg query --saved person-career --param name="pham duc tien"
      kg viz -o graph.html              # interactive graph, opens offline
      kg export --format nquads -o kg.nq

    Inputs are files in the article format (line 1: ' date YYYY-MM-DD Title', a blank
    line, paragraphs), directories of them (recursive), JSON Lines (id, title, text,
    date, url, source) or '-' for standard input.
    """


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "tsv"]), default="jsonl",
              show_default=True, help="Output format of the facts table.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Write to a file instead of standard output.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Extraction processes; this one extracts too while they are behind "
                   "(0: extract in this process only).")
def extract(paths: tuple[str, ...], fmt: str, output, jobs: int) -> None:
    """Extract facts from articles, without touching the store.

    One row per fact with the columns article, relation, person, post, body, giver,
    award, recipient, resolution, event, date, sentence, start, end, confidence
    (then sentence_index, post_id, extractor). start/end index the article text
    (title, blank line, body). Score against a gold file:

    \b
      kg extract DIR --format jsonl > pred.jsonl
      python ../shared/eval/score.py ../shared/eval/gold-dev.jsonl pred.jsonl
    """
    from .pipeline import iter_facts

    sink = ErrorSink()
    writer = None
    if fmt in {"csv", "tsv"}:
        writer = csv.DictWriter(output, fieldnames=EXPORT_FIELDS, lineterminator="\n",
                                delimiter="," if fmt == "csv" else "\t")
        writer.writeheader()
    for fact in iter_facts(paths, jobs=jobs, errors=sink):  # type: ignore[arg-type]
        row = fact.row()
        if writer is not None:
            writer.writerow({k: safe_cell(str(v)) for k, v in row.items()})
        else:
            output.write(json.dumps(row, ensure_ascii=False) + "\n")
    output.flush()
    _finish(sink.errors, "the other articles were extracted")


@main.command()
@click.argument("paths", nargs=-1, required=True)
@store_option
@wait_option
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Extraction processes beside the one writer, which maps and writes "
                   "meanwhile and extracts too while they are behind (0: everything in "
                   "one process).")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar (default: on when stderr is a terminal).")
@click.option("--judgements", type=click.Path(dir_okay=False, exists=True),
              help="Curated same/not-same person table (default: data/person_judgements.tsv).")
@click.option("--batch", type=click.IntRange(min=1), default=None,
              help="Articles per write (default: kg.pipeline.BATCH, 512): bigger is faster; "
                   "a crash loses at most two batches (re-run the same command to complete them).")
@click.option("--optimize/--no-optimize", default=None,
              help="Compact the store at the end, which makes queries up to several times "
                   "faster after a big load (default: when this run wrote at least a tenth "
                   "of the store's quads).")
@endpoint_options(write=True)
def ingest(paths: tuple[str, ...], store_path: str | None, wait: float, jobs: int,
           progress: bool | None, judgements: str | None, batch: int | None,
           optimize: bool | None, remote: dict | None) -> None:
    """Read articles, extract facts and store them as RDF (one named graph per article).

    Re-ingesting an article replaces its graph, so running the same ingest twice
    leaves the store unchanged. Bad files are reported one line each and skipped;
    the exit code is 1 when any input failed. With --endpoint the graphs go to a
    SPARQL 1.1 server (SPARQL Update, or the Graph Store Protocol with --graph-store).
    """
    from .articles import iter_files
    from .pipeline import BATCH
    from .pipeline import ingest as run_ingest

    show = sys.stderr.isatty() if progress is None else progress
    total = sum(1 for p in paths if not Path(p).is_dir()) + sum(
        sum(1 for _ in iter_files(Path(p))) for p in paths if Path(p).is_dir())
    bar = click.progressbar(length=total, label="ingest", file=sys.stderr) if show else None

    printed: set[int] = set()

    def tick(item) -> None:
        if isinstance(item, ReadError):
            printed.add(id(item))
            click.echo(f"\nerror: {item}" if show else f"error: {item}", err=True)
        if bar is not None:
            bar.update(1)

    with open_any(store_path, remote, write=True, wait=wait) as store:
        try:
            report = run_ingest(paths, store, jobs=jobs, progress=tick,
                                batch=batch or BATCH, optimize=optimize,
                                judgements=Path(judgements) if judgements else None)
        except StoreError as exc:  # a remote server refused a write
            raise click.ClickException(str(exc)) from None
    if bar is not None:
        bar.render_finish()
    for err in report.errors:  # extraction or mapping failures, not printed yet
        if id(err) not in printed:
            click.echo(f"error: {err}", err=True)
    click.echo(report.summary(), err=True)
    _finish(report.errors, "the other articles were ingested")


@main.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "file_", type=click.File("r", encoding="utf-8"),
              help="Read the query from a .rq file.")
@click.option("--saved", help="Run a saved query by name (see --list).")
@click.option("--param", "-p", multiple=True, metavar="NAME=VALUE",
              help="Parameter of a saved query, e.g. -p name='Phạm Đức Tiến'.")
@click.option("--list", "list_", is_flag=True, help="List the saved queries and exit.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]),
              default="table", show_default=True,
              help="table is aligned text; json is SPARQL 1.1 Query Results JSON.")
@store_option
@wait_option
@endpoint_options()
def query(sparql: str | None, file_, saved: str | None, param: tuple[str, ...], list_: bool,
          fmt: str, store_path: str | None, wait: float, remote: dict | None) -> None:
    """Run SPARQL over the store (the default graph is the union of all articles).

    \b
      kg query 'SELECT ?name WHERE { ?p a foaf:Person ; foaf:name ?name } LIMIT 5'
      kg query -f my-query.rq --format csv > out.csv
      kg query --saved body-roster -p name="ubnd tinh nghe an"

    The usual prefixes (kg, org, prov, skos, foaf, schema, dcterms, rdfs, xsd, time)
    are predeclared. --endpoint URL asks a SPARQL 1.1 server instead.
    """
    if list_:
        for q in saved_queries().values():
            params = " ".join(f"{k}=..." for k in q.params)
            click.echo(f"{q.name:<20} {q.description}" + (f"  [{params}]" if params else ""))
        return
    params = {}
    for p in param:
        if "=" not in p:
            raise click.BadParameter(f"expected NAME=VALUE, got {p!r}", param_hint="--param")
        k, v = p.split("=", 1)
        params[k] = v
    sources = [s for s in (sparql, file_, saved) if s]
    if len(sources) != 1:
        raise click.UsageError("give exactly one of: a SPARQL string, -f FILE, --saved NAME")
    with open_any(store_path, remote, wait=wait) as store:
        try:
            result = run_saved(store, saved, params) if saved else run(
                store, file_.read() if file_ else sparql, params)
        except StoreError as exc:  # the remote server refused the query
            raise click.ClickException(str(exc)) from None
        except (KeyError, ValueError) as exc:
            raise click.ClickException(str(exc).strip('"')) from None
        except SyntaxError as exc:
            raise click.ClickException(f"SPARQL syntax error: {exc}") from None
    if isinstance(result, bool):
        click.echo("true" if result else "false")
    elif isinstance(result, list):
        import pyoxigraph as ox

        sys.stdout.buffer.write(ox.serialize(result, format=ox.RdfFormat.TURTLE))
    else:
        click.echo(format_table(result, fmt))


@main.command()
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="nquads",
              show_default=True,
              help="nquads/trig keep one graph per article; turtle/jsonld write the union.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="-",
              help="Output file (default: standard output).")
@store_option
@wait_option
@endpoint_options()
def export(fmt: str, output: str, store_path: str | None, wait: float,
           remote: dict | None) -> None:
    """Export the whole store (or a SPARQL server's kg graphs, --endpoint) as RDF."""
    with open_any(store_path, remote, wait=wait) as store:
        try:
            if output == "-":
                store.dump(sys.stdout.buffer, fmt)
                sys.stdout.buffer.flush()
            else:
                store.dump(output, fmt)
                click.echo(f"wrote {output}", err=True)
        except StoreError as exc:  # a remote server refused a read
            raise click.ClickException(str(exc)) from None


@main.command()
@store_option
@endpoint_options(write=True)
@wait_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--refresh", is_flag=True,
              help="First settle the bodies' preferred labels and recount the statistics "
                   "graph, as kg ingest does at its end (needed after loading N-Quads "
                   "with a store's own bulk loader).")
@click.option("--live", is_flag=True,
              help="Count now, without reading or writing the statistics graph.")
def stats(store_path: str | None, remote: dict | None, wait: float, fmt: str, refresh: bool,
          live: bool) -> None:
    """Counts per class and per relation.

    The counts are those written to the statistics graph at the end of the last
    `kg ingest` (what the saved queries stats-classes and stats-relations read), or
    counted now when the store has none.

    \b
      kg stats
      kg stats --refresh --endpoint http://localhost:7878/query
    """
    from .stats import refresh as refresh_store
    from .stats import store_stats

    with open_any(store_path, remote, write=refresh, wait=wait) as store:
        try:
            if refresh:
                refresh_store(store)
            s = store_stats(store, live=live)
        except StoreError as exc:  # a remote server refused
            raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(s, ensure_ascii=False, indent=1))
        return
    click.echo(f"store: {s['store']}\nquads: {s['quads']}\narticles: {s['articles']}\n"
               f"counted: {s['counted']}\n")
    from .query import aligned

    click.echo(aligned(["class", "count"], [[k, str(v)] for k, v in s["classes"].items()]))
    click.echo()
    rows = [[k, str(v["facts"]), str(v["articles"])] for k, v in s["relations"].items()]
    click.echo(aligned(["relation", "facts", "articles"], rows))


@main.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.argument("paths", nargs=-1, required=True)
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Extraction processes (0: extract in this process).")
@click.option("--json", "as_json", is_flag=True, help="Scores as JSON.")
def eval_(gold: str, paths: tuple[str, ...], jobs: int, as_json: bool) -> None:
    """Extract facts from PATHS and score them against a gold file: precision, recall
    and F1 per relation, strict and lenient (the rules of the annotation guidelines).

    
      kg eval ../shared/eval/gold-dev.jsonl ../shared/corpus/articles
    """
    from .evaluate import evaluate, load_gold, report
    from .pipeline import iter_facts

    gold_rows = load_gold(gold)
    wanted = {str(g["article"]) for g in gold_rows}
    sink = ErrorSink()
    # in a directory, read only the gold articles
    inputs = [str(Path(p) / f"{a}.txt") for p in paths if Path(p).is_dir() for a in sorted(wanted)
              if (Path(p) / f"{a}.txt").exists()] + [p for p in paths if not Path(p).is_dir()]
    facts = [f for f in iter_facts(inputs, jobs=jobs, errors=sink)  # type: ignore[arg-type]
             if f.article in wanted]
    scores = evaluate(gold_rows, facts)
    if as_json:
        click.echo(json.dumps({rel: {m: {"tp": s.tp, "fp": s.fp, "fn": s.fn,
                                         "precision": round(s.precision, 4),
                                         "recall": round(s.recall, 4), "f1": round(s.f1, 4)}
                                     for m, s in modes.items()}
                               for rel, modes in scores.items()}, indent=1))
    else:
        click.echo(report(scores))
    _finish(sink.errors, "the other articles were scored")


@main.command()
@click.argument("name")
@store_option
@wait_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def person(name: str, store_path: str | None, wait: float, fmt: str) -> None:
    """A person's career: every post, body, first and last date seen, articles.

    NAME is matched accent- and case-blind ("pham duc tien"). Same-name people that
    the resolver kept apart are listed separately (see `kg why`). Status rule:
    docs/resolution.md.
    """
    from .careers import careers
    from .query import aligned

    with open_store(store_path, wait=wait) as store:
        found = careers(store, name)
    if not found:
        raise click.ClickException(f"no person matches {name!r}")
    if fmt == "json":
        click.echo(json.dumps([{"iri": c.iri, "name": c.name, "posts": [
            {k: (sorted(v) if isinstance(v, set) else v) for k, v in vars(p).items()
             if not k.startswith("_")} for p in c.posts]} for c in found],
            ensure_ascii=False, indent=1))
        return
    for c in found:
        click.echo(f"{c.name}  <{c.iri}>  ({c.articles} articles)")
        click.echo(aligned(
            ["post", "body", "first", "last", "articles", "acquired", "status"],
            [[p.post, p.body, p.first, p.last, str(len(p.articles)), p.acquired, p.status]
             for p in c.posts]))
        click.echo()


@main.command()
@click.argument("name")
@store_option
@wait_option
def body(name: str, store_path: str | None, wait: float) -> None:
    """The roster of a body: who holds or held which post in it, with their articles.

    NAME is part of the body's name, accent-blind, abbreviations allowed
    ("ubnd tinh nghe an").
    """
    with open_store(store_path, wait=wait) as store:
        table = run_saved(store, "body-roster", {"name": name})
    if not table.rows:
        raise click.ClickException(f"no body matches {name!r}")
    click.echo(format_table(table))


@main.command()
@click.argument("name")
@store_option
@wait_option
def why(name: str, store_path: str | None, wait: float) -> None:
    """Explain the identity of a person: which mentions were merged, on what evidence,
    and which same-name people were kept apart and why. Override a decision with a
    line in data/person_judgements.tsv (then re-ingest)."""
    from .careers import explain

    with open_store(store_path, wait=wait) as store:
        people = explain(store, name)
    if not people:
        raise click.ClickException(f"no person matches {name!r}")
    for iri, entry in people.items():
        click.echo(f"{entry['name']}  <{iri}>  named in {len(entry['articles'])} article(s)")
        for a in entry["articles"]:
            where = f" [{a['provinces']}]" if a["provinces"] else ""
            click.echo(f"  {a['article']} {a['date'] or '(undated)'}{where}: {a['note']}")


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="graph.html",
              show_default=True, help="The HTML file to write.")
@click.option("--focus", help="Centre on a person or body (accent-blind: 'pham duc tien').")
@click.option("--depth", type=int, default=2, show_default=True,
              help="Hops around the focus.")
@click.option("--type", "types", help="Node types to keep: person,body,event,award,resolution.")
@click.option("--since", help="Keep facts dated on or after YYYY-MM-DD.")
@click.option("--until", help="Keep facts dated on or before YYYY-MM-DD.")
@click.option("--max-nodes", type=int, default=1500, show_default=True,
              help="Keep the most central nodes above this size (the page says what was left out).")
@store_option
@wait_option
def viz(output: str, focus: str | None, depth: int, types: str | None, since: str | None,
        until: str | None, max_nodes: int, store_path: str | None, wait: float) -> None:
    """Write an interactive graph (one self-contained HTML file; works offline)."""
    from .viz import render

    with open_store(store_path, wait=wait) as store:
        try:
            info = render(store, output, focus=focus, depth=depth,
                          types=set(types.split(",")) if types else None,
                          since=since, until=until, max_nodes=max_nodes)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {output}: {info}", err=True)


@main.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (loopback unless you mean to share it).")
@click.option("--port", type=int, default=8000, show_default=True, help="0 picks a free port.")
@click.option("--timeout", type=float, default=10.0, show_default=True,
              help="Seconds a query may run before it is cut (503).")
@click.option("--max-rows", type=int, default=10_000, show_default=True,
              help="Row (or triple) cap of one answer, said in the X-KG-Row-Limit header.")
@click.option("--workers", type=int, default=2, show_default=True,
              help="Query worker processes (each holds a read-only store handle).")
@click.option("--max-body", type=int, default=1 << 20, show_default=True,
              help="Largest request body in bytes (413 above).")
@click.option("--verbose", "-v", is_flag=True, help="Log each request on stderr.")
def serve(store_path: str | None, host: str, port: int, timeout: float, max_rows: int,
          workers: int, max_body: int, verbose: bool) -> None:
    """Serve the store read-only as a SPARQL 1.1 endpoint at /sparql.

    \b
      kg serve --port 8000
      curl -H 'Accept: text/csv' 'http://127.0.0.1:8000/sparql' \\
           --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5'

    Also: / (the explorer page), /queries (the saved queries; /queries/NAME?param=...
    runs one). Updates are refused. The server holds a reader lock: `kg ingest` into
    the same store waits until the server stops.
    """
    from .server import make_server
    from .server import serve as run_server

    path = store_path or str(default_store_path())
    try:
        server = make_server(path, host, port, timeout=timeout, max_rows=max_rows,
                             max_body=max_body, workers=workers, verbose=verbose)
    except (StoreBusy, StoreError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    h, p = server.server_address[:2]
    click.echo(f"SPARQL endpoint at http://{h}:{p}/sparql (store {path}; "
               f"timeout {timeout:g} s, max {max_rows} rows); Ctrl-C stops", err=True)
    run_server(server)


@main.command()
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@store_option
@wait_option
@click.option("--engine", type=click.Choice(["sparql", "pyshacl"]), default="sparql",
              show_default=True,
              help="sparql compiles the shapes to queries (fast); pyshacl is the reference.")
@click.option("--examples", type=int, default=3, show_default=True,
              help="Focus nodes shown per kind of violation.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def validate(file: str | None, store_path: str | None, wait: float, engine: str,
             examples: int, fmt: str) -> None:
    """Check the store (or an exported FILE) against the SHACL shapes (ontology/shapes.ttl).

    \b
      kg validate                       # the store in ./kg-data
      kg validate kg.nq                 # an export (N-Quads, TriG, Turtle ...)
      kg validate --engine pyshacl      # the reference implementation (slower)

    Exits 1 and prints the violations grouped by shape when the graph does not conform.
    """
    from dataclasses import asdict

    from .validate import validate_file, validate_store

    if file:
        report = validate_file(file, engine)
    else:
        with open_store(store_path, wait=wait) as store:
            report = validate_store(store, engine)
    if fmt == "json":
        click.echo(json.dumps({"conforms": report.conforms, "engine": report.engine,
                               "triples": report.triples, "checks": report.checks,
                               "seconds": round(report.seconds, 3),
                               "violations": [asdict(v) for v in report.violations]},
                              ensure_ascii=False, indent=1))
    else:
        click.echo(report.text(examples))
    if not report.conforms:
        sys.exit(1)


if __name__ == "__main__":
    main()
