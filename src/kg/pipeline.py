"""The ingest path: read -> extract -> map -> store, with a report at the end.

Extraction and mapping are pure functions of one article, so ``jobs > 1`` runs them in
worker processes while this process stays the only writer.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .articles import Article, ReadError, read_paths
from .extract import Extractor, Fact
from .rdf import VOCABULARY_GRAPH, Mapper, vocabulary_quads
from .store import Store

BATCH = 64


@dataclass
class IngestReport:
    articles: int = 0
    facts: int = 0
    quads_written: int = 0
    triples_before: int = 0
    triples_after: int = 0
    errors: list[ReadError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def triples_added(self) -> int:
        return self.triples_after - self.triples_before

    def summary(self) -> str:
        rate = self.articles / self.seconds if self.seconds else 0.0
        return (
            f"{self.articles} articles, {self.facts} facts, "
            f"{self.triples_added:+d} quads (store now {self.triples_after}), "
            f"{len(self.errors)} errors, {self.seconds:.1f} s ({rate:.0f} articles/s)"
        )


# --- workers ---------------------------------------------------------------------------

_WORKER: tuple[Extractor, Mapper] | None = None


def _worker() -> tuple[Extractor, Mapper]:
    global _WORKER
    if _WORKER is None:
        ex = Extractor()
        _WORKER = (ex, Mapper(ex.lex))
    return _WORKER


def process_article(article: Article) -> tuple[Article, list[Fact], bytes]:
    """Extract and map one article; the quads travel as N-Quads bytes between processes."""
    ex, mapper = _worker()
    facts = ex.extract(article)
    quads = mapper.quads(article, facts)
    return article, facts, ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


def _process_local(article: Article) -> tuple[Article, list[Fact], list[ox.Quad]]:
    ex, mapper = _worker()
    facts = ex.extract(article)
    return article, facts, mapper.quads(article, facts)


def extracted(items: Iterable[Article | ReadError], jobs: int = 1,
              errors: list[ReadError] | None = None
              ) -> Iterator[tuple[Article, list[Fact], list[ox.Quad]]]:
    """Articles through extraction and mapping, in input order; read errors are
    collected into ``errors`` and skipped."""
    errors = errors if errors is not None else []

    def articles() -> Iterator[Article]:
        for it in items:
            if isinstance(it, ReadError):
                errors.append(it)
            else:
                yield it

    if jobs <= 1:
        yield from map(_process_local, articles())
        return
    ctx = mp.get_context("fork")
    with ctx.Pool(jobs) as pool:
        for article, facts, data in pool.imap(process_article, articles(), chunksize=8):
            yield article, facts, list(ox.parse(data, format=ox.RdfFormat.N_QUADS))


def iter_facts(paths: Iterable[str | Path], jobs: int = 1,
               errors: list[ReadError] | None = None) -> Iterator[Fact]:
    """Facts of every article under ``paths`` (no store involved)."""
    errors = errors if errors is not None else []
    items = read_paths(paths)
    if jobs <= 1:
        ex = _worker()[0]
        for it in items:
            if isinstance(it, ReadError):
                errors.append(it)
            else:
                yield from ex.extract(it)
        return
    for _, facts, _ in extracted(items, jobs, errors):
        yield from facts


def ingest(paths: Iterable[str | Path], store: Store, *, jobs: int = 1,
           progress: Callable[[Article | ReadError], None] | None = None,
           batch: int = BATCH) -> IngestReport:
    """Ingest articles into ``store`` (opened for writing); one named graph per article,
    replaced when the article comes again."""
    report = IngestReport(triples_before=len(store))
    started = time.perf_counter()
    store.replace_graph(VOCABULARY_GRAPH, vocabulary_quads())

    def tapped() -> Iterator[Article | ReadError]:
        for it in read_paths(paths):
            if progress:
                progress(it)
            yield it

    pending: list[tuple[str, list[ox.Quad]]] = []
    for article, facts, quads in extracted(tapped(), jobs, report.errors):
        report.articles += 1
        report.facts += len(facts)
        pending.append((article.id, quads))
        if len(pending) >= batch:
            report.quads_written += store.replace_articles(pending)
            pending = []
    if pending:
        report.quads_written += store.replace_articles(pending)
    store.db.flush()
    report.triples_after = len(store)
    report.seconds = time.perf_counter() - started
    return report
