"""The graph store: an embedded Oxigraph database in a directory, behind one small API.

Concurrency rule (a file lock beside the database): one writer at a time, and no reader
while a writer works. A second writer, or a reader during an ingest, waits up to
``wait`` seconds and then stops with a clear "store in use" message. Readers share.
Readers never open the database while a writer holds it: Oxigraph's read-only mode is
undefined behaviour while another process writes (see docs/reliability.md).

Crash safety: a batch of new articles is written with Oxigraph's bulk path and then
their ``kg:Article`` records in one transaction; a batch that replaces articles is one
SPARQL update that deletes the old triples that go and inserts the new ones. So an
article the store lists as done always has all its triples, and a re-ingested article
is either the old version or the new one.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from .rdf import ENTITIES_GRAPH, NS, SHARED_GRAPHS, article_iri, graph_iri

DEFAULT_STORE = "kg-data"
LOCK_NAME = "kg.lock"
DB_NAME = "oxigraph"

FORMATS = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
PREFIXES = {k: v for k, v in NS.items() if k not in {"id"}}
ARTICLE_CLASS = ox.NamedNode(NS["kg"] + "Article")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
BULK_MIN_QUADS = 2_000  # below this a plain transaction is cheaper than a bulk write


class StoreBusy(RuntimeError):
    """Another process holds the store."""


class StoreError(RuntimeError):
    """The store cannot be opened or used."""


def default_store_path() -> Path:
    return Path(os.environ.get("KG_STORE", DEFAULT_STORE))


class Store:
    """An Oxigraph store on disk. Use as a context manager::

        with Store.open("kg-data", write=True) as store:
            store.replace_articles([(article_id, quads)])
    """

    def __init__(self, path: Path, db: ox.Store, lock: IO[str], write: bool):
        self.path = path
        self.db = db
        self._lock = lock
        self.writable = write

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path | None = None, *, write: bool = False,
             wait: float = 0.0) -> Store:
        path = Path(path) if path else default_store_path()
        if path.exists() and not path.is_dir():
            raise StoreError(f"{path} is a file, not a store directory")
        if not write and not (path / DB_NAME).exists():
            raise StoreError(f"no store at {path} (run 'kg ingest' first, or pass --store)")
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the store at {path}: {exc.strerror or exc}") from None
        lock = _acquire(path / LOCK_NAME, exclusive=write, wait=wait)
        db_path = str(path / DB_NAME)
        # A writer that has just let go of the kg lock may still be closing the database
        # (RocksDB's own lock): give it a moment before calling the store busy.
        deadline = time.monotonic() + max(wait, 2.0)
        while True:
            try:
                db = ox.Store(db_path) if write else ox.Store.read_only(db_path)
                break
            except OSError as exc:
                if "lock" in str(exc).lower() and time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                lock.close()
                _HELD_LOCKS.discard(lock)
                if "lock" in str(exc).lower():
                    raise StoreBusy(
                        f"store in use: the database in {path} is open in another program "
                        f"({exc})") from None
                raise StoreError(f"cannot open the store at {path}: {exc}") from None
        return cls(path, db, lock, write)

    def close(self) -> None:
        if self.db is not None:
            if self.writable:
                with suppress(OSError):
                    self.db.flush()
            self.db = None  # type: ignore[assignment]
        if not self._lock.closed:
            if self.writable:
                with suppress(OSError):  # no stale "pid N" left for the next reader
                    self._lock.seek(0)
                    self._lock.truncate()
                    self._lock.flush()
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            _HELD_LOCKS.discard(self._lock)

    def flush(self) -> None:
        """Make the writes so far durable (a no-op on a read-only handle)."""
        if self.writable:
            self.db.flush()

    def optimize(self) -> None:
        """Compact the store's indexes (RocksDB's compaction of everything).

        Each bulk write adds sorted files whose key ranges overlap those already there
        (keys are hashes, spread over the whole range), and every lookup then searches
        each of them. Measured on the saved queries: a store loaded in one go from 10^6
        quads answered about 2x faster once compacted, one of 10^7 quads 5-10x; the
        corpus store written by `kg ingest` 1.5-2.7x. It costs about 4 µs per quad (0.7 s at
        2x10^5 quads, 44 s at 10^7), so `kg ingest` runs it only in a run that grows
        the store by a good share (kg.pipeline.OPTIMIZE_SHARE)."""
        self.db.optimize()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing -------------------------------------------------------------------------

    def replace_articles(self, batch: Iterable[tuple[str, list[ox.Quad]]]) -> int:
        """Replace each article's named graph by the given quads; returns quads written.

        The whole batch is one transaction: a crash leaves every article of it either
        as it was before or complete. An id given twice keeps its last quads.
        """
        batch = list(batch)
        latest = dict(batch)  # last wins, first position kept
        graphs = [graph_iri(article_id) for article_id in latest]
        quads = [q for qs in latest.values() for q in qs]
        if len(latest) < len(batch):  # what earlier versions add to the entities graph stays
            quads += [q for _, qs in batch for q in qs if q.graph_name == ENTITIES_GRAPH]
        self._replace(graphs, quads)
        return len(quads)

    def replace_graph(self, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> None:
        """Replace one named graph by ``quads`` in one transaction."""
        self._replace([graph], list(quads))

    def _replace(self, graphs: list[ox.NamedNode], quads: list[ox.Quad]) -> None:
        old_graphs = [g for g in graphs if self.db.contains_named_graph(g)]
        if not old_graphs:
            self._add_new(quads)
            return
        # Removing the old quads and inserting the new ones must be one transaction, and
        # pyoxigraph exposes no transaction object: a SPARQL update runs in exactly one.
        # Only the difference is written, so re-ingesting unchanged articles is cheap.
        old = {q for g in old_graphs for q in self.db.quads_for_pattern(None, None, None, g)}
        new = set(quads)
        removed, added = old - new, new - old
        # quads bound for graphs not being replaced (the shared entities graph) are
        # written only when the store lacks them
        replaced = set(old_graphs)
        added = {q for q in added if q.graph_name in replaced or q not in self.db}
        if any(isinstance(t, ox.BlankNode) for q in removed for t in (q.subject, q.object)):
            self.db.update(replace_update(old_graphs, quads))  # DELETE DATA takes no bnodes
            return
        emptied = set(old_graphs) - {q.graph_name for q in new}
        if removed or added or emptied:
            self.db.update(replace_update(emptied, added, removed))

    def _add_new(self, quads: list[ox.Quad]) -> None:
        """Write graphs the store does not hold yet, fast and still crash-safe.

        Oxigraph's bulk path (``bulk_extend``: sorted files handed to RocksDB in one
        ingestion) is about 3x cheaper than a transaction, but it is not documented as
        atomic. So the content goes in first and the ``kg:Article`` records, which say
        "this article is complete", follow in a second bulk write once the content is on
        disk: a crash in between (or inside either write) leaves graphs without a record,
        which no reader counts as done and which the next ingest of the same articles
        replaces (by difference) with the full graph. The records go in bulk too: a
        transaction between two ingestions makes RocksDB flush its memtable each batch.
        Small batches take the transactional path alone (a bulk write costs a few files).
        """
        if len(quads) < BULK_MIN_QUADS:
            self.db.extend(quads)  # transactional: all of it or nothing
            return
        content, records = [], []
        for q in quads:
            (records if q.object == ARTICLE_CLASS and q.predicate == RDF_TYPE
             else content).append(q)
        self._bulk(content)
        self._bulk(records)

    def _bulk(self, quads: list[ox.Quad]) -> None:
        """One bulk write, handed over as N-Quads: Oxigraph parses and loads bytes without
        holding Python's lock (``bulk_extend`` holds it throughout), so an ingest's other
        threads (reading the extraction processes' results, mapping the next batch) go on
        meanwhile. Blank nodes would be relabelled by the parser: quads with any take
        ``bulk_extend``."""
        data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        if b"_:" in data:  # a blank node (or that text inside a literal: the safe path)
            self.db.bulk_extend(quads)
        else:
            self.db.bulk_load(data, format=ox.RdfFormat.N_QUADS)

    def update(self, sparql: str) -> None:
        """Run one SPARQL Update (one transaction)."""
        self.db.update(sparql, prefixes=PREFIXES)

    def remove_article(self, article_id: str) -> bool:
        g = graph_iri(article_id)
        if self.db.contains_named_graph(g):
            self.db.remove_graph(g)
            return True
        return False

    def load(self, path: str | Path, fmt: str | None = None, *, optimize: bool = True) -> None:
        """Bulk-load an RDF file (N-Quads, TriG, ...) with Oxigraph's loader, then compact
        (:meth:`optimize`) unless told not to."""
        kwargs = {"format": FORMATS[fmt]} if fmt else {}
        self.db.bulk_load(path=str(path), **kwargs)
        if optimize:
            self.optimize()

    # --- reading -------------------------------------------------------------------------

    def query(self, sparql: str):
        """Run a SPARQL query; the default graph is the union of all named graphs."""
        return self.db.query(sparql, use_default_graph_as_union=True, prefixes=PREFIXES)

    def has_article(self, article_id: str) -> bool:
        return any(self.db.quads_for_pattern(article_iri(article_id), None, None,
                                             graph_iri(article_id)))

    def article_ids(self) -> Iterator[str]:
        q = "SELECT ?id WHERE { GRAPH ?g { ?a a kg:Article ; dcterms:identifier ?id } }"
        for row in self.query(q):
            yield row["id"].value

    def __len__(self) -> int:
        return len(self.db)

    def graph_count(self) -> int:
        """Number of article graphs (the shared graphs aside: kg.rdf.SHARED_GRAPHS)."""
        return sum(1 for g in self.db.named_graphs() if g not in SHARED_GRAPHS)

    def dump(self, output: IO[bytes] | str, fmt: str = "nquads") -> None:
        """Write the store. Dataset formats keep one graph per article; Turtle and
        JSON-LD write the union of all graphs."""
        rdf_format = FORMATS[fmt]
        if rdf_format.supports_datasets:
            self.db.dump(output, format=rdf_format, prefixes=PREFIXES)
            return
        triples = self.db.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        kwargs = {"prefixes": PREFIXES} if fmt in {"turtle"} else {}
        data = ox.serialize(triples, format=rdf_format, **kwargs)
        if rdf_format == ox.RdfFormat.RDF_XML:
            # Oxigraph writes a carriage return raw, and XML parsers turn it into a line
            # feed; as a character reference it survives (the writer itself never emits \r).
            data = data.replace(b"\r", b"&#13;")
        if isinstance(output, str):
            Path(output).write_bytes(data)
        else:
            output.write(data)


def replace_update(drop: Iterable[ox.NamedNode], insert: Iterable[ox.Quad],
                   delete: Iterable[ox.Quad] = ()) -> str:
    """A SPARQL update that deletes ``delete``, drops the graphs ``drop`` and inserts
    ``insert`` (terms in their N-Triples form, which SPARQL reads back exactly)."""
    deleted, inserted = _quad_block(delete), _quad_block(insert)
    parts = [f"DELETE DATA {{\n{deleted}\n}}"] if deleted else []
    parts += [f"DROP SILENT GRAPH {g}" for g in drop]
    if inserted:
        parts.append(f"INSERT DATA {{\n{inserted}\n}}")
    return " ;\n".join(parts) or "DROP SILENT GRAPH <urn:kg:none>"


def _quad_block(quads: Iterable[ox.Quad]) -> str:
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        g = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
        by_graph.setdefault(g, []).append(f"{q.subject} {q.predicate} {q.object} .")
    return "\n".join(
        "\n".join(triples) if not g else f"GRAPH {g} {{\n" + "\n".join(triples) + "\n}"
        for g, triples in by_graph.items())


def _holder(fh: IO[str], path: Path) -> str:
    """Who holds the lock, for the message: the writer writes its pid and command into
    the lock file; readers share the lock without a name."""
    fh.seek(0)
    text = fh.read().strip()
    pid = text.split()[1] if text.startswith("pid ") and len(text.split()) > 1 else ""
    if pid.isdigit():
        try:
            os.kill(int(pid), 0)
            return text
        except ProcessLookupError:
            pass
        except PermissionError:
            return text
    return ""


def _command() -> str:
    argv = [os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv)]
    if argv and argv[0] in {"cli.py", "__main__.py", "kg"}:
        argv[0] = "kg"
    return " ".join(argv)[:100] or "python"


def _open_lock(path: Path, exclusive: bool) -> IO[str] | None:
    try:
        return path.open("a+", encoding="utf-8")
    except OSError as exc:
        if exclusive:
            raise StoreError(f"cannot write the store at {path.parent}: "
                             f"{exc.strerror or exc}") from None
    # A reader on a read-only copy: lock the existing file, or go without a lock when
    # none can be made (then no kg process can write there either).
    try:
        return path.open("r", encoding="utf-8")
    except OSError:
        return None


# Lock files this process holds. A forked child (an extraction process of kg ingest)
# closes its copies at once: a flock belongs to the open file, shared through fork, so a
# child still holding it would keep the store locked after its parent ended (a SIGKILLed
# ingest) until the child ended too.
_HELD_LOCKS: set[IO[str]] = set()


def _drop_inherited_locks() -> None:
    for fh in list(_HELD_LOCKS):
        with suppress(OSError):
            fh.close()  # the child's descriptor only: the parent's lock stays
    _HELD_LOCKS.clear()


os.register_at_fork(after_in_child=_drop_inherited_locks)


def _acquire(path: Path, *, exclusive: bool, wait: float) -> IO[str]:
    fh = _open_lock(path, exclusive)
    if fh is None:
        return open(os.devnull, encoding="utf-8")  # noqa: SIM115 (closed by Store.close)
    mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fh, mode)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                holder = _holder(fh, path)
                fh.close()
                raise StoreBusy(_busy_message(path.parent, holder, exclusive, wait)) from None
            time.sleep(0.1)
    if exclusive:
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} ({_command()})")
        fh.flush()
    _HELD_LOCKS.add(fh)
    return fh


def _busy_message(store: Path, holder: str, exclusive: bool, wait: float) -> str:
    waited = f" after waiting {wait:g} s" if wait else ""
    if holder:
        who = f"being written by {holder}"
    elif exclusive:
        who = "open in another kg process (a reader such as kg query or kg serve, or a writer)"
    else:
        who = "being written by another kg process"
    why = ("" if exclusive else
           "; readers wait until the write ends, because reading a store while it is "
           "written is unsafe")
    return (f"store in use: {store} is {who}{waited}{why}; try again when it is done, or "
            "pass --wait SECONDS to wait for it")
