"""Output safety: spreadsheet formulas are neutralised in CSV/TSV, and special characters
survive every RDF export exactly (read back with rdflib and with pyoxigraph)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg import Store
from kg.articles import Article, read_path
from kg.query import safe_cell
from kg.rdf import ID, NS

from .conftest import run_kg

FORMULA = ("=", "+", "-", "@")
ODD_TITLE = ('=HYPERLINK("http://evil.example/?q=1","click") "quoted" \'single\' '
             'back\\slash \\u0041 \\n 😀 <script>alert("x")</script> &amp; ]]>')
ODD_SOURCE = 'tab\there "q" \\ new\nline\r\nand <b>bold</b> 🇻🇳'
ARTICLES = [
    {"id": "evil-1", "title": ODD_TITLE, "source": ODD_SOURCE, "date": "2026-01-02",
     "url": 'https://example.org/a?b="c"&d=<e>',
     "text": "=1+2 Đồng chí Trần Minh Khoa, Chủ tịch UBND tỉnh Hòa Bắc, chủ trì hội nghị."
             "\n\n+SUM(A1) Ông Lê Văn Nam, Bí thư Tỉnh ủy Hòa Bắc, phát biểu \"ý kiến\" "
             "\\ kết luận.\n\n-2+3 Bà Nguyễn Thị Lan,\tPhó Chủ tịch HĐND tỉnh Hòa Bắc, dự họp."
             "\n\n@SUM(1) Đồng chí Phạm Văn Hùng, Giám đốc Sở Tài chính tỉnh Hòa Bắc 😀 "
             "<script>x</script> phát biểu."},
    {"id": "evil-2", "title": "+cmd|' /C calc'!A0", "text": "Nội dung\tvới tab.\n\nHết."},
    {"id": "evil-3", "title": "-1", "text": "@ Đoạn văn."},
    {"id": "evil-4", "title": "@import", "text": "Bình thường."},
]
KG = NS["kg"]
DCT = NS["dcterms"]
PREDICATES = {"title": DCT + "title", "source": DCT + "source", "evidence": KG + "evidence",
              "url": NS["schema"] + "url"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("odd")
    f = d / "odd.jsonl"
    f.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n",
                 encoding="utf-8")
    return f


@pytest.fixture(scope="module")
def articles(corpus) -> dict[str, Article]:
    items = list(read_path(corpus))
    assert all(isinstance(a, Article) for a in items)
    return {a.id: a for a in items}  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def store(corpus, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("odd-store") / "kg-data"
    r = run_kg("ingest", str(corpus), "--store", str(path))
    assert r.returncode == 0, r.stderr.decode()
    return path


def test_safe_cell():
    for v in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]:
        assert safe_cell(v) == "'" + v
    for v in ["", "1", "abc", " =1", "Đồng chí", "'=x"]:
        assert safe_cell(v) == v


def _cells(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


@pytest.mark.parametrize("fmt,delimiter", [("csv", ","), ("tsv", "\t")])
def test_extract_csv_neutralises_formulas(corpus, articles, fmt, delimiter):
    r = run_kg("extract", str(corpus), "--format", fmt)
    assert r.returncode == 0, r.stderr.decode()
    rows = _cells(r.stdout.decode(), delimiter)
    header, body = rows[0], rows[1:]
    assert body
    for row in body:
        assert len(row) == len(header)
        for cell in row:
            assert not cell.startswith(FORMULA), cell
    sentences = {row[header.index("sentence")] for row in body}
    # each dangerous sentence is there, neutralised and otherwise exact
    for start in FORMULA:
        original = next(s for s in articles["evil-1"].body.split("\n\n") if s.startswith(start))
        expected = "'" + original.split(". ")[0]
        assert any(s.startswith(expected) for s in sentences), (start, sentences)


@pytest.mark.parametrize("fmt,delimiter", [("csv", ","), ("tsv", "\t")])
def test_query_csv_neutralises_formulas_and_keeps_the_rest(store, articles, fmt, delimiter):
    r = run_kg("query", "--store", str(store), "--format", fmt,
               "SELECT ?id ?title ?source WHERE { ?a dcterms:identifier ?id ; "
               "dcterms:title ?title . OPTIONAL { ?a dcterms:source ?source } } ORDER BY ?id")
    assert r.returncode == 0, r.stderr.decode()
    rows = _cells(r.stdout.decode(), delimiter)
    assert rows[0] == ["id", "title", "source"]
    got = {row[0]: row for row in rows[1:] if row}
    assert sorted(got) == sorted(articles)
    for aid, art in articles.items():
        title = got[aid][1]
        assert not title.startswith(FORMULA)
        assert title == ("'" + art.title if art.title.startswith(FORMULA) else art.title)
    assert got["evil-1"][2] == ODD_SOURCE


def _expected(store: Path) -> dict[str, set[str]]:
    with Store.open(store) as s:
        return {name: {q.object.value for q in s.db.quads_for_pattern(
            None, ox.NamedNode(iri), None, None) if q.subject.value.startswith(ID)}
            for name, iri in PREDICATES.items()}


def _values_rdflib(path: Path, fmt: str) -> dict[str, set[str]]:
    rdflib_format = {"nquads": "nquads", "trig": "trig", "turtle": "turtle",
                     "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}[fmt]
    ds = rdflib.Dataset()
    ds.parse(path, format=rdflib_format)
    return {name: {str(o) for s, _, o, _ in ds.quads((None, rdflib.URIRef(iri), None, None))
                   if str(s).startswith(ID)}
            for name, iri in PREDICATES.items()}


def _values_oxigraph(path: Path, fmt: str) -> dict[str, set[str]]:
    from kg.store import FORMATS

    out: dict[str, set[str]] = {name: set() for name in PREDICATES}
    by_iri = {iri: name for name, iri in PREDICATES.items()}
    for t in ox.parse(path=str(path), format=FORMATS[fmt]):
        name = by_iri.get(t.predicate.value)
        if name and t.subject.value.startswith(ID):
            out[name].add(t.object.value)
    return out


@pytest.mark.parametrize("fmt", ["nquads", "trig", "turtle", "ntriples", "jsonld", "rdfxml"])
def test_special_characters_round_trip_through_every_export(store, articles, tmp_path, fmt):
    expected = _expected(store)
    # the store holds exactly what the reader read
    assert expected["title"] == {a.title for a in articles.values()}
    assert ODD_TITLE in expected["title"] and ODD_SOURCE in expected["source"]
    assert any("😀 <script>x</script>" in e for e in expected["evidence"])
    assert any('"ý kiến" \\ kết luận' in e for e in expected["evidence"])
    out = tmp_path / f"export.{fmt}"
    r = run_kg("export", "--store", str(store), "--format", fmt, "-o", str(out))
    assert r.returncode == 0, r.stderr.decode()
    assert _values_oxigraph(out, fmt) == expected
    assert _values_rdflib(out, fmt) == expected
