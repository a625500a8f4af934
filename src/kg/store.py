"""The graph store: an embedded Oxigraph database in a directory, behind one small API.

Concurrency rule (a file lock beside the database): one writer at a time, and no reader
while a writer works. A second writer, or a reader during an ingest, waits up to
``wait`` seconds and then stops with a clear "store in use" message. Readers share.

Crash safety: each article's named graph is written with one transactional
``extend`` call that carries the article's ``kg:Article`` record too, so an article the
store lists as done always has all its triples.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from .rdf import NS, VOCABULARY_GRAPH, article_iri, graph_iri

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
        if not write and not (path / DB_NAME).exists():
            raise StoreError(f"no store at {path} (run 'kg ingest' first, or pass --store)")
        path.mkdir(parents=True, exist_ok=True)
        lock = _acquire(path / LOCK_NAME, exclusive=write, wait=wait)
        try:
            db_path = str(path / DB_NAME)
            db = ox.Store(db_path) if write else ox.Store.read_only(db_path)
        except OSError as exc:
            lock.close()
            raise StoreError(f"cannot open the store at {path}: {exc}") from None
        return cls(path, db, lock, write)

    def close(self) -> None:
        if self.db is not None:
            if self.writable:
                with suppress(OSError):
                    self.db.flush()
            self.db = None  # type: ignore[assignment]
        if not self._lock.closed:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()

    def flush(self) -> None:
        """Make the writes so far durable (a no-op on a read-only handle)."""
        if self.writable:
            self.db.flush()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing -------------------------------------------------------------------------

    def replace_articles(self, batch: Iterable[tuple[str, list[ox.Quad]]]) -> int:
        """Replace each article's named graph by the given quads; returns quads written.

        Old graphs are dropped first; the new quads of the whole batch go in one
        transaction, so a crash leaves each article either complete or absent.
        """
        batch = list(batch)
        for article_id, _ in batch:
            g = graph_iri(article_id)
            if self.db.contains_named_graph(g):
                self.db.remove_graph(g)
        quads = [q for _, qs in batch for q in qs]
        self.db.extend(quads)
        return len(quads)

    def replace_graph(self, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> None:
        if self.db.contains_named_graph(graph):
            self.db.remove_graph(graph)
        self.db.extend(list(quads))

    def remove_article(self, article_id: str) -> bool:
        g = graph_iri(article_id)
        if self.db.contains_named_graph(g):
            self.db.remove_graph(g)
            return True
        return False

    def load(self, path: str | Path, fmt: str | None = None) -> None:
        """Bulk-load an RDF file (N-Quads, TriG, ...) with Oxigraph's loader."""
        kwargs = {"format": FORMATS[fmt]} if fmt else {}
        self.db.bulk_load(path=str(path), **kwargs)

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
        return sum(1 for g in self.db.named_graphs() if g != VOCABULARY_GRAPH)

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
        if isinstance(output, str):
            Path(output).write_bytes(data)
        else:
            output.write(data)


def _acquire(path: Path, *, exclusive: bool, wait: float) -> IO[str]:
    fh = path.open("a+")
    mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fh, mode)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                fh.seek(0)
                holder = fh.read().strip() or "another process"
                fh.close()
                what = "written" if not exclusive else "in use"
                raise StoreBusy(
                    f"store {path.parent} is {what} by {holder}; "
                    "wait for it to finish (or pass --wait SECONDS)"
                ) from None
            time.sleep(0.1)
    if exclusive:
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} (kg writer)")
        fh.flush()
    return fh
