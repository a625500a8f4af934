"""The ingest path: read -> extract -> map -> store, with a report at the end.

Extraction is a pure function of one article, so ``jobs >= 1`` runs it in that many
worker processes (``jobs=0``: here); this process maps facts to quads (with the person
resolver, which must see the articles in order) and stays the only writer.
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import multiprocessing as mp
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pyoxigraph as ox

from . import bodies
from .articles import Article, ArticleFile, ReadError, read_paths
from .extract import Extractor, Fact
from .rdf import VOCABULARY_GRAPH, Mapper, vocabulary_quads
from .resolve import load_judgements, load_resolver
from .stats import refresh
from .store import Store

if TYPE_CHECKING:
    from .remote import RemoteStore

BATCH = 512  # articles per write: fewer, bigger bulk writes (64 cost the writer ~25 % more
# CPU on the corpus; 256 a fifth more compaction than 512, each bulk write making RocksDB
# merge the store's files again); a crash loses at most the batch being written and the
# one being mapped, which the same command, run again, completes (docs/reliability.md)
TAIL_BATCH = 64  # articles per write once the input is all read (see ingest)
WINDOW = 256  # articles read ahead of the writer at most
# articles queued per extraction process: enough to keep it busy while the writer writes a
# batch, few enough that the writer is not left waiting for a long queue at the end
QUEUED = 32
# An ingest that wrote at least this share of the store's quads compacts it at the end
# (kg.store.Store.optimize): the first ingest of a corpus does, a daily top-up does not.
OPTIMIZE_SHARE = 0.1
PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass
class IngestReport:
    articles: int = 0
    facts: int = 0
    quads_written: int = 0
    triples_before: int = 0
    triples_after: int = 0
    errors: list[ReadError] = field(default_factory=list)
    seconds: float = 0.0
    optimized: bool = False

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
GC_YOUNG_THRESHOLD = 20_000  # allocations between collections of young objects (700)


def tune_gc() -> None:
    """Set the garbage collector for batch work, once the lexicon is loaded.

    Extraction makes about a million short-lived objects per thousand articles, none
    in a reference cycle. At Python's default threshold (a collection every 700 net
    allocations) the collector walked them 2,000 times per pass over the corpus: 10 %
    of extraction time. Now young objects are collected every 20,000 allocations
    (almost all are freed before that), and what is loaded (the lexicon's tries, which
    live as long as the process) is frozen out of full collections.
    """
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def _worker() -> tuple[Extractor, Mapper]:
    global _WORKER
    if _WORKER is None:
        ex = Extractor()
        _WORKER = (ex, Mapper(ex.lex))
        tune_gc()
    return _WORKER


class Extracted(NamedTuple):
    article: Article
    facts: list[Fact]
    quads: list[ox.Quad]  # empty unless mapped (``rdf=True``)
    locality: str | None  # the province the article is about (kg.bodies.article_locality)


def _die_with_parent(parent: int) -> None:
    """Worker initializer: end when the writer ends, even by SIGKILL (an orphaned worker
    would go on extracting for nobody). It no longer holds the store's lock either way:
    forked children close their copy of it (kg.store._drop_inherited_locks)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the writer died before the line above
        os._exit(1)


def _extract_map(article: Article | ArticleFile, rdf: bool = True) -> Extracted | ReadError:
    """Extract (and with ``rdf``, map) one article; a bug on one article becomes an
    error line, not a stopped batch. The file is read here and the article's locality
    worked out here too, so that the writer, which maps, has less to do."""
    if isinstance(article, ArticleFile):
        article = article.read()
        if isinstance(article, ReadError):
            return article
    ex, mapper = _worker()
    try:
        facts = ex.extract(article)
        locality = bodies.article_locality(article.text, ex.lex)
        return Extracted(article, facts,
                         mapper.quads(article, facts, locality) if rdf else [], locality)
    except Exception as exc:  # noqa: BLE001 - reported with the article, batch goes on
        return ReadError(article.source or article.id,
                         f"extraction failed ({type(exc).__name__}: {exc}); please report it")


def process_article(article: Article | ArticleFile, rdf: bool = True
                    ) -> tuple[Article, list[Fact], bytes, str | None] | ReadError:
    """Worker-side step; the quads travel as N-Quads bytes between processes."""
    done = _extract_map(article, rdf)
    if isinstance(done, ReadError):
        return done
    data = ox.serialize(done.quads, format=ox.RdfFormat.N_QUADS) if done.quads else b""
    return done.article, done.facts, data, done.locality


def extracted(items: Iterable[Article | ReadError | ArticleFile], jobs: int = 1,
              errors: list[ReadError] | None = None, rdf: bool = True
              ) -> Iterator[Extracted]:
    """Articles through extraction (and with ``rdf``, mapping), in input order; read and
    extraction errors are collected into ``errors`` and skipped.

    ``jobs`` extraction processes run beside this one, which is free to map and write
    meanwhile (so ``jobs=1`` already uses two cores), and which extracts articles
    itself while the next result is not ready; ``jobs=0`` extracts here, in this
    process only. At most ``WINDOW`` articles are in flight: input is read as the
    results are taken, never all at once. Files handed over as
    :class:`~kg.articles.ArticleFile` are read where they are extracted.
    """
    errors = errors if errors is not None else []

    def articles() -> Iterator[Article | ArticleFile]:
        for it in items:
            if isinstance(it, ReadError):
                errors.append(it)
            else:
                yield it

    if jobs <= 0:
        for article in articles():
            done = _extract_map(article, rdf)
            if isinstance(done, ReadError):
                errors.append(done)
            else:
                yield done
        return
    ctx = mp.get_context("fork")
    source = articles()
    # In input order: results of the extraction processes (AsyncResult) and of this
    # process, which extracts the next article itself whenever the one it needs is not
    # ready yet (rather than wait, it helps: jobs=1 keeps both cores busy whichever side
    # is slower on this input and this machine).
    flight: deque[AsyncResult | Extracted | ReadError] = deque()
    with ctx.Pool(jobs, initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
        for article in itertools.islice(source, QUEUED * jobs):  # queued for the workers
            flight.append(pool.apply_async(process_article, (article, rdf)))
        while flight:
            head = flight[0]
            if isinstance(head, AsyncResult) and not head.ready() and len(flight) < WINDOW:
                article = next(source, None)
                if article is not None:
                    flight.append(_extract_map(article, rdf))
                    continue
            flight.popleft()
            if isinstance(head, AsyncResult):
                for article in itertools.islice(source, 1):  # keep the workers fed
                    flight.append(pool.apply_async(process_article, (article, rdf)))
                head = _from_worker(head.get())
            if isinstance(head, ReadError):
                errors.append(head)
            else:
                yield head


def _from_worker(done: tuple[Article, list[Fact], bytes, str | None] | ReadError
                 ) -> Extracted | ReadError:
    if isinstance(done, ReadError):
        return done
    article, facts, data, locality = done
    quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS)) if data else []
    return Extracted(article, facts, quads, locality)


def iter_facts(paths: Iterable[str | Path], jobs: int = 1,
               errors: list[ReadError] | None = None) -> Iterator[Fact]:
    """Facts of every article under ``paths`` (no store involved)."""
    for done in extracted(read_paths(paths, defer=True), jobs, errors, rdf=False):
        yield from done.facts


def ingest(paths: Iterable[str | Path], store: Store | RemoteStore, *, jobs: int = 1,
           progress: Callable[[Article | ReadError], None] | None = None,
           batch: int = BATCH, judgements: Path | None = None,
           optimize: bool | None = None) -> IngestReport:
    """Ingest articles into ``store`` (opened for writing; an embedded Store or a
    kg.remote.RemoteStore); one named graph per article, replaced when it comes again.
    ``judgements``: curated same/not-same person table (default
    data/person_judgements.tsv). ``optimize``: compact the store at the end (None: when
    this run wrote at least OPTIMIZE_SHARE of the store's quads)."""
    report = IngestReport(triples_before=len(store))
    started = time.perf_counter()
    store.replace_graph(VOCABULARY_GRAPH, vocabulary_quads())

    told = 0  # errors passed to ``progress`` so far

    def tell(article: Article | None = None) -> None:
        """Progress counts articles once they are mapped (not when read: reading runs
        ahead of the writer), and errors in the order they are found."""
        nonlocal told
        if progress is None:
            return
        while told < len(report.errors):
            progress(report.errors[told])
            told += 1
        if article is not None:
            progress(article)

    # Extraction runs in the workers; mapping runs here, where the person resolver sees
    # every article in order (and what the store already holds). The Extractor is built
    # here before the workers fork, so they inherit it instead of loading it again.
    lex = _worker()[0].lex
    mapper = Mapper(lex, resolver=load_resolver(
        store, lex, load_judgements(judgements) if judgements else None), once=True)
    pending: list[tuple[str, list[ox.Quad]]] = []
    read_all = False  # every input read: what is left is in flight or pending

    def inputs() -> Iterator[Article | ReadError | ArticleFile]:
        nonlocal read_all
        yield from read_paths(paths, defer=True)
        read_all = True

    # Batches are written in a thread, one at a time and in order, while the next one is
    # mapped: the store's bulk load runs without Python's lock. Once the input is all
    # read, smaller batches go whenever the writer is free, so that little is left to
    # write after the last article is mapped (a full batch then took ~0.7 s of the
    # corpus's ~11 s, on one core while the other waited).
    with ThreadPoolExecutor(1, thread_name_prefix="kg-store-writer") as writer:
        writing: Future[int] | None = None
        for article, facts, _, locality in extracted(inputs(), jobs, report.errors,
                                                     rdf=False):
            try:
                quads = mapper.quads(article, facts, locality)
            except Exception as exc:  # noqa: BLE001 - one article's bug is reported
                report.errors.append(ReadError(
                    article.source or article.id,
                    f"mapping failed ({type(exc).__name__}: {exc})"))
                tell()
                continue
            tell(article)
            report.articles += 1
            report.facts += len(facts)
            pending.append((article.id, quads))
            if len(pending) >= batch or (
                    read_all and len(pending) >= min(batch, TAIL_BATCH)
                    and (writing is None or writing.done())):
                if writing is not None:
                    report.quads_written += writing.result()  # a failed write stops here
                writing, pending = writer.submit(store.replace_articles, pending), []
        if writing is not None:
            report.quads_written += writing.result()
    if pending:
        report.quads_written += store.replace_articles(pending)
    tell()
    refresh(store)  # one skos:prefLabel per body (kg.labels), then the counts (kg.stats)
    store.flush()
    report.triples_after = len(store)
    if optimize or (optimize is None
                    and report.quads_written >= OPTIMIZE_SHARE * report.triples_after):
        store.optimize()
        report.optimized = True
    report.seconds = time.perf_counter() - started
    return report
