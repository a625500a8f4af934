"""Crash safety: `kg ingest` killed with SIGKILL in the middle of a run leaves a store that
opens, in which every article recorded as done (a kg:Article node in its graph) has
exactly the triples an uninterrupted run gives it, and re-running the same command ends
with exactly the triples of an uninterrupted run."""

from __future__ import annotations

import os
import pty
import random
import re
import select
import shutil
import signal
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from kg import Store
from kg.rdf import ENTITIES_GRAPH, STATISTICS_GRAPH, graph_iri
from kg.rdf import SHARED_GRAPHS as SHARED

from .conftest import SAMPLES, run_kg

N_ARTICLES = 240  # three ingest batches of 64 and a part
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
            "Dương", "Lý", "Phan", "Trịnh", "Mai"]
NAMES = ["Lê Thị Thu Hà", "Phan Quốc Việt", "Trần Minh Khoa", "Trịnh Thị Hoa",
         "Nguyễn Hữu Tâm", "Bùi Quang Hải", "Đỗ Văn Bình", "Vũ Thị Lan", "Hoàng Đức Minh",
         "Ngô Thị Mai", "Lý Thanh Sơn", "Đặng Văn Lực", "Mai Văn Đức"]


SHARED_GRAPHS = {g.value for g in SHARED}  # vocabulary, entities, statistics


def make_corpus(directory: Path, n: int = N_ARTICLES, version: int = 1) -> Path:
    """``n`` articles made from data/samples with their own ids and people (the family
    name of everyone named changes with the article). Version 2 changes every article."""
    directory.mkdir(parents=True, exist_ok=True)
    samples = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    for i in range(n):
        text = samples[i % len(samples)]
        for k, name in enumerate(NAMES):
            surname = SURNAMES[(i // len(samples) + k) % len(SURNAMES)]
            text = text.replace(name, surname + name[name.index(" "):])
        if version > 1:
            head, rest = text.split("\n", 1)
            text = f"{head} (bản {version})\n{rest}\nBài viết được cập nhật lần {version}.\n"
        (directory / f"art-{i:04d}.txt").write_text(text, encoding="utf-8")
    return directory


def graphs(store: Path) -> dict[str, frozenset[str]]:
    """The store as {graph IRI: its triples in N-Triples form}; blank node labels (the
    vocabulary's OWL lists) differ from load to load and are blanked out."""
    out: dict[str, set[str]] = defaultdict(set)
    with Store.open(store) as s:
        for q in s.db:
            triple = f"{q.subject} {q.predicate} {q.object}"
            out[q.graph_name.value].add(re.sub(r"(?<![\w\"])_:\w+", "_:b", triple))
    return {g: frozenset(t) for g, t in out.items()}


def recorded(store: Path) -> set[str]:
    with Store.open(store) as s:
        return set(s.article_ids())


KILL_FROM, KILL_TO = 55, 85  # percent of the progress bar (see the first test below)


def ingest_and_kill(corpus: Path, store: Path, at_percent: int) -> int:
    """Run the real `kg ingest` with its progress bar on a terminal and SIGKILL it once
    the bar reaches ``at_percent``; returns how far it got (percent)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "ingest", str(corpus), "--store", str(store),
         "--progress", "--batch", "64"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    seen, buf = 0, b""
    try:
        while seen < at_percent:
            ready, _, _ = select.select([master], [], [], 120)
            assert ready, "kg ingest printed no progress for 2 minutes"
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the terminal closed: the process ended
                chunk = b""
            assert chunk, f"kg ingest ended before {at_percent}%: {buf[-300:]!r}"
            buf = (buf + chunk)[-4096:]
            seen = max([seen, *map(int, re.findall(rb"(\d+)%", buf))])
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(60) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return seen


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, dict[str, frozenset[str]], int]:
    """The corpus, the graphs and the quad count of an uninterrupted run."""
    root = tmp_path_factory.mktemp("crash-ref")
    corpus = make_corpus(root / "corpus")
    r = run_kg("ingest", str(corpus), "--store", str(root / "ref"))
    assert r.returncode == 0, r.stderr.decode()
    ref = graphs(root / "ref")
    assert len(ref) == N_ARTICLES + len(SHARED_GRAPHS)
    with Store.open(root / "ref") as s:
        return corpus, ref, len(s)


def check_recorded_articles_are_complete(store: Path, ref: dict[str, frozenset[str]]) -> set:
    got = graphs(store)
    done = recorded(store)
    for article_id in done:
        g = graph_iri(article_id).value
        assert got[g] == ref[g], f"article {article_id} is recorded but incomplete"
    # nothing half-written either: every article graph belongs to a done article, and the
    # shared entities graph holds only what the uninterrupted run puts there
    assert set(got) - SHARED_GRAPHS == {graph_iri(a).value for a in done}
    assert got.get(ENTITIES_GRAPH.value, frozenset()) <= ref[ENTITIES_GRAPH.value]
    return done


def test_sigkill_mid_ingest_then_rerun(reference, tmp_path):
    corpus, ref, ref_quads = reference
    store = tmp_path / "kg-data"
    # The bar counts mapped articles; a batch is written in a thread while the next is
    # mapped, and handed over only once the one before is committed. So at 55 % = 132
    # mapped (the second batch of 64 handed over) the first is committed, and at 85 % =
    # 204 mapped at most 192 of the 240 are; a random point in between each run.
    at = random.randint(KILL_FROM, KILL_TO)
    ingest_and_kill(corpus, store, at)
    # the store opens, for the command line reader and for a writer
    r = run_kg("stats", "--store", str(store), "--format", "json")
    assert r.returncode == 0, r.stderr.decode()
    done = check_recorded_articles_are_complete(store, ref)
    assert 64 <= len(done) < N_ARTICLES, (at, len(done))
    # the same command again ends with exactly the uninterrupted run's triples
    r = run_kg("ingest", str(corpus), "--store", str(store))
    assert r.returncode == 0, r.stderr.decode()
    assert graphs(store) == ref
    with Store.open(store) as s:
        assert len(s) == ref_quads
        assert s.graph_count() == N_ARTICLES


def test_sigkill_mid_reingest_keeps_each_article_old_or_new(reference, tmp_path):
    """Re-ingesting changed articles replaces each graph in one transaction: after a
    crash every article is entirely the old version or entirely the new one."""
    corpus, ref_v1, _ = reference
    corpus_v2 = make_corpus(tmp_path / "v2", version=2)
    r = run_kg("ingest", str(corpus_v2), "--store", str(tmp_path / "ref-v2"))
    assert r.returncode == 0, r.stderr.decode()
    ref_v2 = graphs(tmp_path / "ref-v2")
    store = tmp_path / "kg-data"
    shutil.copytree(corpus.parent / "ref", store)  # the uninterrupted run's store
    assert graphs(store) == ref_v1

    ingest_and_kill(corpus_v2, store, random.randint(KILL_FROM, KILL_TO))
    got = graphs(store)
    assert set(got) == set(ref_v1)  # no article lost, none half-dropped
    entities = ENTITIES_GRAPH.value
    assert got[entities] <= ref_v1[entities] | ref_v2[entities]
    versions = {1: 0, 2: 0}
    for g, triples in got.items():
        if g in SHARED_GRAPHS:
            continue
        assert triples in (ref_v1[g], ref_v2[g]), f"{g} is neither version"
        versions[1 if triples == ref_v1[g] else 2] += 1
    assert versions[2] >= 64 and versions[1] > 0, versions
    r = run_kg("ingest", str(corpus_v2), "--store", str(store))
    assert r.returncode == 0
    final = graphs(store)
    # every article graph is the new version; the shared entities graph is only ever
    # added to (kg.rdf.ENTITIES_GRAPH), so it keeps what version 1 put there as well (and
    # the statistics count those entities too)
    changed = {entities, STATISTICS_GRAPH.value}
    assert {g: t for g, t in final.items() if g not in changed} == {
        g: t for g, t in ref_v2.items() if g not in changed}
    assert final[entities] == ref_v1[entities] | ref_v2[entities]


def test_replace_articles_replaces_exactly(tmp_path):
    """Library level: replacing writes the new graph exactly (the old triples go, the
    kept ones stay, an id given twice keeps its last quads, odd strings survive)."""
    import pyoxigraph as ox

    from kg.rdf import article_iri, term

    def article(aid: str, *titles: str) -> list[ox.Quad]:
        g, a = graph_iri(aid), article_iri(aid)
        return [ox.Quad(a, term("rdf:type"), term("kg:Article"), g),
                ox.Quad(a, term("dcterms:identifier"), ox.Literal(aid), g),
                *(ox.Quad(a, term("dcterms:title"), ox.Literal(t), g) for t in titles)]

    def titles(s: Store, aid: str) -> set[str]:
        return {q.object.value for q in s.db.quads_for_pattern(
            None, term("dcterms:title"), None, graph_iri(aid))}

    odd = 'q"uote \\ back\\u0041slash \n\t\r 😀 <script>'
    with Store.open(tmp_path / "s", write=True) as s:
        assert s.replace_articles([("a", article("a", "one", "keep")),
                                   ("b", article("b", "one"))]) == 7
        s.replace_articles([("a", article("a", "x")), ("a", article("a", "two", "keep", odd))])
        assert titles(s, "a") == {"two", "keep", odd} and titles(s, "b") == {"one"}
        s.replace_articles([("b", article("b", "one"))])  # unchanged: nothing to write
        assert titles(s, "b") == {"one"} and len(s) == 8
        s.replace_articles([("b", [])])  # an article with no quads leaves no empty graph
        assert not s.has_article("b") and s.graph_count() == 1
        assert set(s.article_ids()) == {"a"}


def test_bulk_written_article_without_its_record_is_not_done_and_is_completed(tmp_path):
    """New articles go in with Oxigraph's bulk path and their kg:Article records follow
    in a transaction (kg.store.Store._add_new). A crash between the two leaves a graph
    without a record: no reader counts it as done, and ingesting the article again
    writes it complete, exactly as an uninterrupted run."""
    from kg.pipeline import ingest
    from kg.store import ARTICLE_CLASS, BULK_MIN_QUADS, RDF_TYPE

    corpus = make_corpus(tmp_path / "c", n=40)
    ref = tmp_path / "ref"
    with Store.open(ref, write=True) as s:
        ingest([corpus], s)
    expected = graphs(ref)
    with Store.open(ref) as s:
        quads = [q for q in s.db if q.graph_name.value not in SHARED_GRAPHS]
    assert len(quads) >= BULK_MIN_QUADS  # the batch took the bulk path
    content = [q for q in quads if not (q.predicate == RDF_TYPE and q.object == ARTICLE_CLASS)]
    crashed = tmp_path / "crashed"
    with Store.open(crashed, write=True) as s:  # what the crash leaves: content, no records
        s.db.bulk_extend(content)
        assert s.graph_count() == 40 and set(s.article_ids()) == set()
        ingest([corpus], s)
    assert graphs(crashed) == expected


def test_ingest_reads_ahead_of_the_writer_by_a_bounded_window(tmp_path):
    """With extraction in worker processes the input is read as results are taken,
    never all at once (an archive of millions of articles must stream)."""
    from kg.articles import read_path
    from kg.pipeline import WINDOW, extracted

    corpus = make_corpus(tmp_path / "c", n=WINDOW * 2 + 40)
    pulled = 0

    def counting():
        nonlocal pulled
        for a in read_path(corpus):
            pulled += 1
            yield a

    ahead = []
    for n, _ in enumerate(extracted(counting(), jobs=1, rdf=False), 1):
        ahead.append(pulled - n)
    assert n == WINDOW * 2 + 40
    assert max(ahead) <= WINDOW + 8, max(ahead)  # a chunk in flight at most beyond it


def _slow_process_article(article, rdf=True):
    """An extraction process made slow (a pool pickles its function by name)."""
    import time

    from kg import pipeline

    time.sleep(0.05)
    return pipeline.__dict__["_ORIGINAL_PROCESS_ARTICLE"](article, rdf)


def test_the_writer_extracts_too_while_the_workers_are_behind(tmp_path, monkeypatch):
    """With jobs=1 the writing process takes the next articles itself when the one it
    needs is not ready, and the results still come in input order. (The worker is made
    slow by a pause before each article; the pause is inherited through fork.)"""
    from kg import pipeline
    from kg.articles import read_path

    corpus = make_corpus(tmp_path / "c", n=40)
    here = os.getpid()
    local: list[str] = []
    extract_map = pipeline._extract_map

    def counted(article, rdf=True):
        if os.getpid() == here:
            local.append(str(article))
        return extract_map(article, rdf)

    monkeypatch.setitem(pipeline.__dict__, "_ORIGINAL_PROCESS_ARTICLE", pipeline.process_article)
    monkeypatch.setattr(pipeline, "process_article", _slow_process_article)
    monkeypatch.setattr(pipeline, "_extract_map", counted)
    ids = [done.article.id for done in pipeline.extracted(read_path(corpus), jobs=1, rdf=False)]
    assert ids == [f"art-{i:04d}" for i in range(40)]
    assert local, "the writer never helped"
    assert len(local) < 40, "the worker never delivered"
