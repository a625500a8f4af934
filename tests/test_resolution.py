"""One person, one node: names, bodies and careers across constructed articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg import Store, ingest, run, run_saved
from kg.bodies import article_locality, complete_body
from kg.careers import careers, explain
from kg.lexicon import load_lexicon
from kg.rdf import body_key

from .conftest import run_kg


def article(folder: Path, name: str, date: str, title: str, *paragraphs: str) -> None:
    text = f" date {date} {title}\n\n" + "\n\n".join(paragraphs) + "\n"
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")


def build(tmp_path: Path, judgements: Path | None = None) -> Path:
    store = tmp_path / "kg"
    with Store.open(store, write=True) as s:
        report = ingest([tmp_path / "in"], s, judgements=judgements)
    assert not report.errors, report.errors
    return store


def persons_named(store: Path, name_key_part: str) -> dict[str, set[str]]:
    q = """SELECT DISTINCT ?p ?article WHERE {
             ?p a foaf:Person ; kg:searchKey ?k .
             GRAPH ?g { ?p prov:wasDerivedFrom ?a . ?a dcterms:identifier ?article }
             FILTER(CONTAINS(?k, ?name_folded)) }"""
    out: dict[str, set[str]] = {}
    with Store.open(store) as s:
        for r in run(s, q, {"name": name_key_part}).records():
            out.setdefault(r["p"], set()).add(r["article"])
    return out


@pytest.fixture
def src(tmp_path: Path) -> Path:
    (tmp_path / "in").mkdir()
    return tmp_path / "in"


def test_tone_placement_variants_are_one_person(tmp_path, src):
    article(src, "a1", "2026-01-10", "Tin một",
            "Ông Nguyễn Văn Hoà, Giám đốc Sở Y tế tỉnh Nghệ An, phát biểu tại hội nghị.")
    article(src, "a2", "2026-02-10", "Tin hai",
            "Ông Nguyễn Văn Hòa, Giám đốc Sở Y tế tỉnh Nghệ An, kiểm tra bệnh viện.")
    people = persons_named(build(tmp_path), "nguyen van hoa")
    assert len(people) == 1
    assert set().union(*people.values()) == {"a1", "a2"}


def test_abbreviation_and_locality_variants_are_one_body():
    lex = load_lexicon()
    text = ("UBND Thành phố Hà Nội họp. Ông Lê Văn Minh, Phó Chủ tịch UBND Thành phố, "
            "làm việc tại Hà Nội. Hà Nội mưa.")
    assert article_locality(text, lex) == "Hà Nội"
    variants = ["UBND TP Hà Nội", "Ủy ban nhân dân thành phố Hà Nội",
                complete_body("UBND Thành phố", "Hà Nội", lex),
                complete_body("UBND TP. Hà Nội", "Hà Nội", lex)]
    assert len({body_key(v, lex) for v in variants}) == 1
    assert complete_body("Thành ủy", "Hà Nội", lex) == "Thành ủy Hà Nội"
    assert complete_body("UBND tỉnh", "Nghệ An", lex) == "UBND tỉnh Nghệ An"
    # no clear locality: left as written
    assert article_locality("Hà Nội và Nghệ An, Nghệ An và Hà Nội.", lex) is None
    assert complete_body("Thành ủy", None, lex) == "Thành ủy"


def test_implicit_locality_merges_bodies_across_articles(tmp_path, src):
    article(src, "h1", "2026-01-05", "Hà Nội họp",
            "Sáng 5/1, tại Hà Nội, ông Trần Quang Vinh, Phó Chủ tịch UBND Thành phố, chủ trì "
            "cuộc họp. Hà Nội sẽ triển khai kế hoạch.")
    article(src, "h2", "2026-01-06", "Hà Nội",
            "Ông Đinh Công Sơn, Chủ tịch UBND TP Hà Nội, làm việc với các sở.")
    store = build(tmp_path)
    with Store.open(store) as s:
        roster = run_saved(s, "body-roster", {"name": "uy ban nhan dan thanh pho ha noi"})
    people = {r["person"] for r in roster.records()}
    assert {"Trần Quang Vinh", "Đinh Công Sơn"} <= people
    assert len({r["body"] for r in roster.records()}) >= 1


def test_same_name_in_different_provinces_kept_apart(tmp_path, src):
    article(src, "p1", "2026-03-01", "Nghệ An",
            "Ông Nguyễn Văn Hùng, Giám đốc Sở Tài chính tỉnh Nghệ An, báo cáo.")
    article(src, "p2", "2026-03-02", "Hà Tĩnh",
            "Ông Nguyễn Văn Hùng, Giám đốc Sở Xây dựng tỉnh Hà Tĩnh, báo cáo.")
    article(src, "p3", "2026-03-03", "Nghệ An lần nữa",
            "Ông Nguyễn Văn Hùng, Giám đốc Sở Tài chính tỉnh Nghệ An, kiểm tra dự án.")
    store = build(tmp_path)
    people = persons_named(store, "nguyen van hung")
    assert sorted(map(sorted, people.values())) == [["p1", "p3"], ["p2"]]
    with Store.open(store) as s:
        notes = explain(s, "nguyen van hung")
    text = json.dumps(notes, ensure_ascii=False)
    assert "different provinces: Hà Tĩnh vs Nghệ An" in text
    r = run_kg("why", "nguyen van hung", "--store", str(store))
    assert r.returncode == 0 and "kept apart" in r.stdout.decode()


def test_curated_not_same_judgement_splits_a_merge(tmp_path, src):
    article(src, "q1", "2026-04-01", "Một",
            "Bà Trần Thị Lan, Phó Giám đốc Sở Tư pháp tỉnh Nghệ An, phát biểu.")
    article(src, "q2", "2026-04-02", "Hai",
            "Bà Trần Thị Lan, Phó Giám đốc Sở Tư pháp tỉnh Nghệ An, trả lời báo chí.")
    assert len(persons_named(build(tmp_path), "tran thi lan")) == 1
    table = tmp_path / "judgements.tsv"
    table.write_text("not-same\tTrần Thị Lan\tq1\tq2\n", encoding="utf-8")
    split = tmp_path / "split"
    split.mkdir()
    (split / "in").symlink_to(src)
    people = persons_named(build(split, judgements=table), "tran thi lan")
    assert sorted(map(sorted, people.values())) == [["q1"], ["q2"]]


def test_career_appointment_then_dismissal(tmp_path, src):
    article(src, "c1", "2025-03-01", "Bổ nhiệm",
            "Ông Phạm Hữu Lộc được bổ nhiệm giữ chức Giám đốc Sở Công Thương tỉnh Nghệ An.")
    article(src, "c2", "2025-08-01", "Làm việc",
            "Ông Phạm Hữu Lộc, Giám đốc Sở Công Thương tỉnh Nghệ An, làm việc với doanh nghiệp.")
    article(src, "c3", "2026-01-20", "Miễn nhiệm",
            "UBND tỉnh Nghệ An quyết định miễn nhiệm chức vụ Giám đốc Sở Công Thương tỉnh "
            "Nghệ An đối với ông Phạm Hữu Lộc.")
    store = build(tmp_path)
    with Store.open(store) as s:
        (career,) = careers(s, "pham huu loc")
    post = next(p for p in career.posts if p.post == "Giám đốc")
    assert (post.first, post.last) == ("2025-03-01", "2026-01-20")
    assert post.articles == {"c1", "c2", "c3"}
    assert post.acquired == "appointed"
    assert post.status == "dismissed"
    out = run_kg("person", "Phạm Hữu Lộc", "--store", str(store)).stdout.decode()
    assert "dismissed" in out and "appointed" in out and "2025-03-01" in out


def test_reingest_keeps_person_iris(tmp_path, src):
    article(src, "r1", "2026-01-01", "Một",
            "Ông Nguyễn Văn Hùng, Giám đốc Sở Tài chính tỉnh Nghệ An, báo cáo.")
    article(src, "r2", "2026-01-02", "Hai",
            "Ông Nguyễn Văn Hùng, Giám đốc Sở Xây dựng tỉnh Hà Tĩnh, báo cáo.")
    store = build(tmp_path)
    before = persons_named(store, "nguyen van hung")
    with Store.open(store, write=True) as s:
        count = len(s)
        again = ingest([src], s)
    assert again.triples_after == count
    assert persons_named(store, "nguyen van hung") == before
