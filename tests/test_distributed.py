"""kg.distributed on a real Dask LocalCluster (2 worker processes): the N-Quads shards
load into a fresh Oxigraph store with the same dataset as `kg ingest`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import Store, read_paths
from kg.distributed import VOCABULARY_NAME, input_files, plan, to_nquads
from kg.rdf import ENTITIES_GRAPH, STATISTICS_GRAPH
from kg.stats import refresh

from .conftest import SAMPLES, run_kg

distributed = pytest.importorskip("dask.distributed", reason="pip install 'dask[distributed]'")


@pytest.fixture(scope="module")
def client() -> Iterator:
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       host="127.0.0.1", dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def load_shards(files: list[str], path: Path) -> ox.Store:
    """The shards loaded as a store's bulk loader would, then settled and counted as
    docs/scale.md says (`kg stats --refresh`)."""
    with Store.open(path, write=True) as store:
        for f in files:
            store.load(f, "nquads")
        refresh(store)
    db = ox.Store()
    with Store.open(path) as store:
        db.bulk_extend(store.db)
    return db


def ground(quads) -> set[str]:
    return {str(q) for q in quads
            if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))}


def ingested(inputs: list[Path], tmp: Path) -> Store:
    r = run_kg("ingest", *map(str, inputs), "--store", str(tmp / "kg-data"))
    assert r.returncode == 0, r.stderr.decode()
    return Store.open(tmp / "kg-data")


def test_shards_match_ingest(client, tmp_path: Path) -> None:
    out = tmp_path / "nq"
    report = to_nquads([SAMPLES], out, partitions=2, client=client)
    assert not report.errors
    parts = sorted(out.glob("part-*.nq"))
    assert len(parts) == 2 and (out / VOCABULARY_NAME).exists()
    assert report.articles == len(list(SAMPLES.glob("*.txt")))
    assert all(p.stat().st_size > 0 for p in parts)
    loaded = load_shards(report.files, tmp_path / "shards")
    with ingested([SAMPLES], tmp_path) as st:
        statistics = len(list(st.db.quads_for_pattern(None, None, None, STATISTICS_GRAPH)))
        assert len(loaded) == len(st) <= report.quads + statistics
        assert ground(loaded) == ground(st.db)
    # one named graph per article, each in exactly one shard (the entities graph aside)
    graphs = [{q.graph_name for q in ox.parse(path=str(p), format=ox.RdfFormat.N_QUADS)}
              - {ENTITIES_GRAPH} for p in parts]
    assert not graphs[0] & graphs[1]
    assert sum(map(len, graphs)) == report.articles


def test_jsonl_shards(client, tmp_path: Path) -> None:
    shards = [tmp_path / "in" / "a.jsonl", tmp_path / "in" / "b.jsonl"]
    shards[0].parent.mkdir()
    articles = [a for a in read_paths([SAMPLES])]
    for i, shard in enumerate(shards):
        shard.write_text("".join(
            json.dumps({"id": a.id, "title": a.title, "text": a.body, "date": a.date}) + "\n"
            for a in articles[i::2]), encoding="utf-8")
    report = to_nquads(shards, tmp_path / "nq", partitions=4, client=client)
    assert len(report.files) == 3  # one partition per shard (a shard is not split), + vocab
    assert report.articles == len(articles) and not report.errors
    with ingested(shards, tmp_path) as st:
        assert len(load_shards(report.files, tmp_path / "shards")) == len(st)


def test_bad_input_reported_not_fatal(client, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    report = to_nquads([SAMPLES, bad], tmp_path / "nq", partitions=2, client=client)
    assert report.articles == len(list(SAMPLES.glob("*.txt")))
    assert len(report.errors) == 1 and "bad.txt" in report.errors[0]


def test_local_scheduler_without_client(tmp_path: Path) -> None:
    report = to_nquads([SAMPLES], tmp_path / "nq", partitions=2)
    with ingested([SAMPLES], tmp_path) as st:
        assert len(load_shards(report.files, tmp_path / "shards")) == len(st)


def test_plan_is_balanced_and_complete() -> None:
    files = [f"f{i}" for i in range(11)]
    groups = plan(files, 4)
    assert [len(g) for g in groups] == [3, 3, 3, 2]
    assert sum(groups, []) == files
    assert plan(files[:2], 8) == [["f0"], ["f1"]]
    assert input_files([SAMPLES]) == sorted(str(p) for p in SAMPLES.glob("*.txt"))
