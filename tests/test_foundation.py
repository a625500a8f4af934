"""The whole path on the bundled samples and the real corpus: read, extract, store,
query, export, draw."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg import Store, ingest, read_path, run
from kg.articles import Article, ReadError
from kg.extract import Extractor
from kg.extract.facts import EXPORT_FIELDS
from kg.rdf import SHARED_GRAPHS

from .conftest import CORPUS, SAMPLES, SHARED, need_shared, run_kg

SEED = SHARED / "corpus" / "seed" / "seed-0001.txt"


# --- readers -------------------------------------------------------------------------------

def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


GOOD = " date 2026-01-02 Tiêu đề\n\nÔng Nguyễn Văn An, Chủ tịch UBND tỉnh Hòa Bắc, phát biểu.\n"


@pytest.mark.parametrize("name,data,message", [
    ("latin1.txt",
     " date 2026-01-02 Tiêu đề\n\nÔng Nguyễn".encode("cp1252", "replace") + b"\xe9\xff",
     "not UTF-8"),
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"   \n\n  \n", "empty file"),
    ("nodate.txt", "Tiêu đề không có dòng ngày\n\nNội dung.\n", "no date line"),
    ("baddate.txt", " date 2026-02-30 Tiêu đề\n\nNội dung.\n", "impossible date"),
    ("binary.txt", b"\x00\x01\x02\x03PK\x00\x00binary", "binary data"),
])
def test_reader_errors_name_the_file_and_the_rest_goes_on(tmp_path, name, data, message):
    write(tmp_path / "a-good.txt", GOOD)
    bad = write(tmp_path / name, data)
    write(tmp_path / "z-good.txt", GOOD)
    items = list(read_path(tmp_path))
    errors = [i for i in items if isinstance(i, ReadError)]
    articles = [i for i in items if isinstance(i, Article)]
    assert [a.id for a in articles] == ["a-good", "z-good"]
    assert len(errors) == 1 and message in errors[0].message
    assert str(bad) in str(errors[0])


def test_ingest_cli_reports_bad_files_and_ingests_the_others(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    write(src / "good.txt", GOOD)
    write(src / "bad.txt", " date 2026-13-01 Tiêu đề\n\nx\n")
    write(src / "worse.txt", b"\xff\xfe\x00garbage\x00")
    r = run_kg("ingest", str(src), "--store", str(tmp_path / "kg"))
    err = r.stderr.decode()
    assert r.returncode == 1
    assert "bad.txt:1: impossible date" in err
    assert "worse.txt" in err
    assert "2 input(s) failed" in err
    with Store.open(tmp_path / "kg") as store:
        assert list(store.article_ids()) == ["good"]


def test_jsonl_and_stdin_readers(tmp_path):
    rows = [
        {"id": "j1", "title": "Tin một", "text": "Ông Lê Văn Tám, Bí thư Tỉnh ủy Hòa Bắc, chủ trì.",
         "date": "2026-01-05", "url": "https://example.org/j1"},
        {"id": "j2", "title": "Tin hai"},
    ]
    path = write(tmp_path / "a.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
                 + "\n{broken\n")
    items = list(read_path(path))
    assert isinstance(items[0], Article) and items[0].url == "https://example.org/j1"
    assert [str(e) for e in items[1:]] == [
        f"{path}:2: missing field(s): text", f"{path}:3: not JSON: Expecting property name "
        "enclosed in double quotes (column 2)"]
    r = run_kg("extract", "-", input=GOOD)
    assert r.returncode == 0, r.stderr
    facts = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert any(f["relation"] == "holds" and f["article"] == "stdin" for f in facts)


def test_text_is_nfc(tmp_path):
    import unicodedata

    path = write(tmp_path / "nfd.txt", unicodedata.normalize("NFD", GOOD))
    (article,) = read_path(path)
    assert unicodedata.is_normalized("NFC", article.text)
    assert "Nguyễn Văn An" in article.text


# --- extraction -----------------------------------------------------------------------------

def test_seed_article_gives_the_gold_holds_and_chairs():
    need_shared(SEED)
    (article,) = read_path(SEED)
    facts = Extractor().extract(article)
    got = {(f.relation, f.person, f.post, f.body) for f in facts}
    assert ("holds", "Phạm Đức Tiến", "Phó Bí thư Thường trực", "Thành ủy") in got
    assert ("holds", "Phạm Đức Tiến", "Bí thư", "Đảng ủy các cơ quan Đảng thành phố") in got
    assert ("chairs", "Phạm Đức Tiến", "", "") in got


def test_every_fact_carries_its_provenance():
    for article in read_path(SAMPLES):
        for f in Extractor().extract(article):
            assert f.article == article.id and f.extractor
            assert 0 <= f.start < f.end <= len(article.text)
            assert f.sentence in article.text
            assert article.text[f.start:f.end] in f.sentence
            assert 0 < f.confidence <= 1


def test_samples_cover_every_relation():
    relations = {f.relation for a in read_path(SAMPLES) for f in Extractor().extract(a)}
    assert {"holds", "held", "elected", "appointed", "chairs", "awards", "adopts",
            "mentions"} <= relations


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "tsv"])
def test_extract_formats(fmt):
    r = run_kg("extract", str(SAMPLES), "--format", fmt)
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode()
    if fmt == "jsonl":
        rows = [json.loads(line) for line in out.splitlines()]
        assert list(rows[0]) == list(EXPORT_FIELDS)
    else:
        rows = list(csv.DictReader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
        assert tuple(rows[0]) == EXPORT_FIELDS
    assert any(r["relation"] == "elected" and r["person"] == "Phan Quốc Việt" for r in rows)


# --- store, query, export -------------------------------------------------------------------

def test_reingest_replaces_graphs(tmp_path):
    path = tmp_path / "kg"
    with Store.open(path, write=True) as store:
        first = ingest([SAMPLES], store)
        second = ingest([SAMPLES], store)
    assert first.triples_added > 1000
    assert second.triples_added == 0 and second.triples_after == first.triples_after


def test_corpus_subset_reingest_keeps_the_count(tmp_path):
    corpus = need_shared(CORPUS)
    files = sorted(corpus.glob("*.txt"))
    subset = tmp_path / "subset"
    subset.mkdir()
    for f in random.Random(7).sample(files, 60):
        shutil.copy(f, subset / f.name)
    r1 = run_kg("ingest", str(subset), "--store", str(tmp_path / "kg"))
    assert r1.returncode == 0, r1.stderr
    with Store.open(tmp_path / "kg") as store:
        count = len(store)
        assert store.graph_count() == 60
    r2 = run_kg("ingest", str(subset), "--store", str(tmp_path / "kg"))
    assert r2.returncode == 0
    with Store.open(tmp_path / "kg") as store:
        assert len(store) == count


def test_query_formats(sample_store):
    q = ("SELECT DISTINCT ?name WHERE { ?p a foaf:Person ; foaf:name ?name "
         "FILTER(STRSTARTS(?name, \"Phan\")) }")
    r = run_kg("query", q, "--store", str(sample_store), "--format", "json")
    data = json.loads(r.stdout)
    assert data["head"]["vars"] == ["name"]
    assert {"type": "literal", "value": "Phan Quốc Việt", "xml:lang": "vi"} in [
        b["name"] for b in data["results"]["bindings"]]
    table = run_kg("query", q, "--store", str(sample_store)).stdout.decode()
    assert "Phan Quốc Việt" in table and "(1 rows)" in table
    r = run_kg("query", "--saved", "person-career", "-p", "name=phan quoc viet",
               "--store", str(sample_store), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout.decode())))
    assert {"person": "Phan Quốc Việt", "post": "Chủ tịch"}.items() <= next(
        row for row in rows if row["post"] == "Chủ tịch").items()
    bad = run_kg("query", "SELECT WHERE {", "--store", str(sample_store))
    assert bad.returncode == 1 and "syntax error" in bad.stderr.decode()


def test_query_list_shows_saved_queries():
    out = run_kg("query", "--list").stdout.decode()
    assert "person-career" in out and "name=..." in out


def test_export_formats_load_elsewhere(sample_store, tmp_path):
    with Store.open(sample_store) as store:
        total_graphs = store.graph_count()
    nq = tmp_path / "kg.nq"
    assert run_kg("export", "--format", "nquads", "-o", str(nq),
                  "--store", str(sample_store)).returncode == 0
    fresh = ox.Store()
    fresh.load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    assert len(fresh) > 1000
    ds = rdflib.Dataset()
    ds.parse(nq, format="nquads")
    assert len(list(ds.quads((None, None, None, None)))) == len(fresh)
    assert len(list(fresh.named_graphs())) == total_graphs + len(SHARED_GRAPHS)
    for fmt, rdflib_fmt in [("turtle", "turtle"), ("jsonld", "json-ld"), ("trig", "trig")]:
        out = run_kg("export", "--format", fmt, "--store", str(sample_store))
        assert out.returncode == 0, out.stderr
        g = rdflib.Graph() if fmt == "turtle" else rdflib.Dataset()
        g.parse(data=out.stdout.decode(), format=rdflib_fmt)
        n = len(g) if fmt == "turtle" else len(list(g.quads((None, None, None, None))))
        assert n > 1000


def test_stats(sample_store):
    r = run_kg("stats", "--store", str(sample_store), "--format", "json")
    s = json.loads(r.stdout)
    assert s["articles"] == 5
    assert s["counted"] == "at the last ingest"
    assert s["classes"]["org:Membership"] >= 10
    assert s["relations"]["holds"]["facts"] >= 5
    live = json.loads(run_kg("stats", "--store", str(sample_store), "--live",
                             "--format", "json").stdout)
    assert live["counted"] == "now"
    assert (live["classes"], live["relations"]) == (s["classes"], s["relations"])


def test_the_statistics_follow_the_store(tmp_path):
    """Counted again by each ingest; a store written some other way (here: an article
    removed through the API) keeps the old counts until `kg stats --refresh`."""
    store = tmp_path / "kg"
    assert run_kg("ingest", "--store", str(store), str(SAMPLES / "sample-0001.txt")).returncode == 0
    one = json.loads(run_kg("stats", "--store", str(store), "--format", "json").stdout)
    assert run_kg("ingest", "--store", str(store), str(SAMPLES)).returncode == 0
    five = json.loads(run_kg("stats", "--store", str(store), "--format", "json").stdout)
    assert five["classes"]["kg:Article"] == 5 and one["classes"]["kg:Article"] == 1
    assert five["relations"]["holds"]["facts"] > one["relations"]["holds"]["facts"]
    with Store.open(store, write=True) as st:
        assert st.remove_article("sample-0002")
    stale = json.loads(run_kg("stats", "--store", str(store), "--format", "json").stdout)
    assert stale["classes"]["kg:Article"] == 5
    fresh = json.loads(run_kg("stats", "--store", str(store), "--refresh",
                              "--format", "json").stdout)
    assert fresh["classes"]["kg:Article"] == 4
    live = json.loads(run_kg("stats", "--store", str(store), "--live", "--format", "json").stdout)
    assert (live["classes"], live["relations"]) == (fresh["classes"], fresh["relations"])


def test_missing_store_is_a_clear_error(tmp_path):
    r = run_kg("stats", "--store", str(tmp_path / "nothing"))
    assert r.returncode == 1 and "no store at" in r.stderr.decode()


def test_viz_writes_a_self_contained_page(sample_store, tmp_path):
    out = tmp_path / "g.html"
    r = run_kg("viz", "-o", str(out), "--store", str(sample_store))
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    assert "Phan Quốc Việt" in html
    assert "vis.Network" in html
    assert "http://" not in html.replace("http://www.w3.org", "") or "src=\"http" not in html
    assert 'src="http' not in html and "<link" not in html


def test_optimize_merges_what_bulk_writes_left(tmp_path):
    """Every bulk write leaves its own sorted files, whose key ranges overlap (keys are
    hashes); lookups then search each. Store.optimize merges them, answers unchanged."""
    from kg.rdf import article_iri, graph_iri, term

    def article(aid: str) -> list[ox.Quad]:
        g, a = graph_iri(aid), article_iri(aid)
        return [ox.Quad(a, term("rdf:type"), term("kg:Article"), g),
                *(ox.Quad(ox.NamedNode(f"{a.value}/fact/{i}"), term("kg:start"), ox.Literal(i), g)
                  for i in range(600))]

    def files() -> int:
        return len(list((tmp_path / "kg").rglob("*.sst")))

    query = "SELECT (COUNT(*) AS ?n) (SUM(?i) AS ?sum) WHERE { ?f kg:start ?i }"
    with Store.open(tmp_path / "kg", write=True) as store:
        for batch in range(4):  # 4 bulk writes of 5 articles
            store.replace_articles((f"a{batch}-{k}", article(f"a{batch}-{k}")) for k in range(5))
        store.flush()
        before, answer = files(), run(store, query).values()
        store.optimize()
        assert files() < before
        assert run(store, query).values() == answer == [[str(20 * 600), str(20 * 179700)]]


def test_ingest_compacts_after_a_big_run_only(tmp_path):
    from kg.pipeline import OPTIMIZE_SHARE

    samples = sorted(SAMPLES.glob("*.txt"))
    with Store.open(tmp_path / "kg", write=True) as store:
        first = ingest(samples[:-1], store)  # a new store: everything written is new
        assert first.optimized
        top_up = ingest(samples[-1:], store)
        assert top_up.quads_written < OPTIMIZE_SHARE * top_up.triples_after
        assert not top_up.optimized
        assert ingest(samples[-1:], store, optimize=True).optimized


def test_ingest_writes_the_tail_in_small_batches(tmp_path, monkeypatch):
    """Once the input is all read, what is left goes in batches of TAIL_BATCH whenever
    the writer is free, not in one full batch after the last article is mapped (that
    write would run on one core while the other waits)."""
    from kg import pipeline

    from .test_crash import make_corpus

    corpus = make_corpus(tmp_path / "c", n=40)  # all read at once (WINDOW is 256)
    monkeypatch.setattr(pipeline, "TAIL_BATCH", 8)
    sizes: list[int] = []

    class Recording(Store):
        def replace_articles(self, batch):
            batch = list(batch)
            sizes.append(len(batch))
            return super().replace_articles(batch)

    with Recording.open(tmp_path / "kg", write=True) as store:
        report = ingest([corpus], store, jobs=1, batch=1000)
        assert report.articles == 40
        assert len(list(store.article_ids())) == 40
    assert sum(sizes) == 40
    assert len(sizes) >= 2 and sizes[0] == 8, sizes  # a full batch would be one write of 40
