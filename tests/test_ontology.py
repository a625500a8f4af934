"""The ontology, the SKOS schemes, the mapping to RDF and the SHACL validation."""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg import Store, ingest, run
from kg.articles import Article
from kg.extract.facts import Fact
from kg.lexicon import load_lexicon
from kg.rdf import Mapper, head_posts, parent_body, successor_body
from kg.validate import validate_file, validate_oxigraph, validate_store

from .conftest import CORPUS, need_shared, run_kg

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
KG = rdflib.Namespace("https://w3id.org/vnkg/ontology#")
POST = "https://w3id.org/vnkg/post/"
ORG = "http://www.w3.org/ns/org#"


@pytest.mark.parametrize("path", sorted(ONTOLOGY.glob("*.ttl")), ids=lambda p: p.name)
def test_ontology_files_parse_with_rdflib_and_pyoxigraph(path):
    g = rdflib.Graph().parse(path, format="turtle")
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    assert len(g) > 10
    assert len(triples) == len(g)


def kg_terms() -> tuple[rdflib.Graph, set[rdflib.URIRef]]:
    g = rdflib.Graph().parse(ONTOLOGY / "kg.ttl")
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
             OWL.NamedIndividual}
    terms = {s for k in kinds for s in g.subjects(RDF.type, k)
             if isinstance(s, rdflib.URIRef) and str(s).startswith(str(KG))}
    return g, terms


def test_every_kg_term_is_labelled_and_commented_in_vietnamese_and_english():
    g, terms = kg_terms()
    assert len(terms) > 50
    for t in terms:
        for prop in (RDFS.label, RDFS.comment):
            langs = {o.language for o in g.objects(t, prop)}
            assert {"vi", "en"} <= langs, f"{t} lacks a {prop} in vi or en"


def test_ontology_has_its_own_namespace():
    g, _ = kg_terms()
    onto = rdflib.URIRef("https://w3id.org/vnkg/ontology")
    assert (onto, RDF.type, OWL.Ontology) in g
    assert {o.language for o in g.objects(onto, rdflib.URIRef("http://purl.org/dc/terms/title"))} \
        == {"vi", "en"}


def test_every_kg_term_the_store_uses_is_declared(sample_store):
    _, terms = kg_terms()
    with Store.open(sample_store) as store:
        used = {r["t"].value for r in store.query(
            "SELECT DISTINCT ?t WHERE { GRAPH ?g { { ?s ?t ?o } UNION { ?s a ?t } } "
            "FILTER(?g != <https://w3id.org/vnkg/graph/vocabulary>) "
            "FILTER(STRSTARTS(STR(?t), 'https://w3id.org/vnkg/ontology#')) }")}
    assert used
    assert used <= {str(t) for t in terms}, used - {str(t) for t in terms}


def test_schemes_are_declared_as_the_values_of_role_body_type_and_award_type():
    g, _ = kg_terms()
    assert (KG.bodyType, RDFS.range, KG.BodyType) in g
    assert (KG.awardType, RDFS.range, KG.AwardType) in g
    assert (KG.PostType, RDFS.subClassOf, rdflib.URIRef(ORG + "Role")) in g
    restriction = [r for r in g.objects(rdflib.URIRef(ORG + "Membership"), RDFS.subClassOf)
                   if (r, OWL.onProperty, rdflib.URIRef(ORG + "role")) in g]
    assert restriction and (restriction[0], OWL.allValuesFrom, KG.PostType) in g


def test_every_post_concept_has_vietnamese_and_english_labels():
    g = rdflib.Graph().parse(ONTOLOGY / "posts.ttl")
    concepts = set(g.subjects(SKOS.inScheme, rdflib.URIRef(POST + "scheme")))
    assert len(concepts) > 100
    for c in concepts:
        langs = {o.language for o in g.objects(c, SKOS.prefLabel)}
        assert {"vi", "en"} <= langs, f"{c} lacks a vi or en prefLabel"


def test_head_posts_are_concepts_of_the_post_scheme():
    lex = load_lexicon()
    heads = head_posts()
    assert POST + "chu-tich" in heads and POST + "bi-thu" in heads
    assert POST + "pho-chu-tich" not in heads
    assert heads <= set(lex.post_by_iri), heads - set(lex.post_by_iri)


# --- the mapping --------------------------------------------------------------------------


@pytest.mark.parametrize("label,parent", [
    ("Ban Thường vụ Tỉnh ủy Nghệ An", "Tỉnh ủy Nghệ An"),
    ("Sở Y tế tỉnh Nghệ An", "UBND tỉnh Nghệ An"),
    ("Sở Giáo dục và Đào tạo tỉnh Nghệ An", "UBND tỉnh Nghệ An"),
    ("Ban Tổ chức Tỉnh ủy Hòa Bắc", "Tỉnh ủy Hòa Bắc"),
    ("Vụ Tổ chức cán bộ Bộ Công an", "Bộ Công an"),
    ("UBND tỉnh Nghệ An", None),
    ("UBND và HĐND tỉnh Nghệ An", None),
    ("Đoàn đại biểu Quốc hội tỉnh Nghệ An", None),
    ("Sở Tài chính", None),
])
def test_parent_body_from_the_name(label, parent):
    assert parent_body(label, load_lexicon()) == parent


@pytest.mark.parametrize("label,successor", [
    ("Tỉnh ủy Hà Giang", "Tỉnh ủy Tuyên Quang"),
    ("Ban Tổ chức Tỉnh ủy Hà Giang", "Ban Tổ chức Tỉnh ủy Tuyên Quang"),
    ("UBND tỉnh Bình Dương", "UBND thành phố Hồ Chí Minh"),
    ("Tỉnh uỷ Hậu Giang", "Thành ủy Cần Thơ"),
    ("UBND tỉnh Nghệ An", None),
    ("Thành ủy Đà Nẵng", None),
])
def test_successor_body_after_the_2025_mergers(label, successor):
    found = successor_body(label, load_lexicon())
    assert (found[0] if found else None) == successor


def _graph(facts: list[Fact], article_id: str = "t1") -> ox.Store:
    art = Article(id=article_id, title="Tin thử", body="Nội dung.", date="2024-05-01")
    db = ox.Store()
    db.extend(Mapper().quads(art, facts))
    db.extend(_vocabulary())
    return db


def _vocabulary():
    from kg.rdf import vocabulary_quads

    return list(vocabulary_quads())


def _fact(**kw) -> Fact:
    base = dict(article="t1", relation="holds", sentence="Câu làm chứng.", start=0, end=14,
                confidence=0.9, date="2024-05-01")
    return Fact(**{**base, **kw})


def _ask(db: ox.Store, where: str) -> bool:
    prefixes = ("PREFIX org: <http://www.w3.org/ns/org#> "
                "PREFIX kg: <https://w3id.org/vnkg/ontology#> "
                "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> ")
    return bool(db.query(prefixes + f"ASK {{ {where} }}", use_default_graph_as_union=True))


def test_mapping_head_of_sub_organisation_and_change_event():
    db = _graph([_fact(person="Nguyễn Văn Thử", post="Bí thư", body="Tỉnh ủy Hà Giang",
                       post_id=POST + "bi-thu"),
                 _fact(person="Trần Thị Mẫu", post="Phó Giám đốc", body="Sở Y tế tỉnh Hà Giang",
                       post_id=POST + "pho-giam-doc")])
    assert _ask(db, '?p org:headOf ?b . ?b rdfs:label "Tỉnh ủy Hà Giang"@vi')
    assert not _ask(db, '?p org:headOf ?b . ?b rdfs:label "Sở Y tế tỉnh Hà Giang"@vi')
    assert _ask(db, '?s rdfs:label "Sở Y tế tỉnh Hà Giang"@vi ; org:subOrganizationOf ?u . '
                    '?u rdfs:label "UBND tỉnh Hà Giang"@vi')
    assert _ask(db, '?b rdfs:label "Tỉnh ủy Hà Giang"@vi ; org:changedBy ?e . '
                    '?e a org:ChangeEvent ; org:originalOrganization ?b ; '
                    'org:resultingOrganization/rdfs:label "Tỉnh ủy Tuyên Quang"@vi')
    assert validate_oxigraph(db).conforms


def test_a_post_without_a_body_is_an_occupancy_not_a_membership():
    db = _graph([_fact(person="Nguyễn Văn Thử", post="Bộ trưởng", post_id=POST + "bo-truong")])
    assert _ask(db, '?m a kg:Occupancy ; kg:holder ?p ; kg:post/org:role ?r ; kg:status kg:Current')
    assert not _ask(db, "?m a org:Membership")
    assert validate_oxigraph(db).conforms


def test_dismissal_ends_the_membership_and_marks_it_former():
    db = _graph([_fact(relation="dismissed", person="Đỗ Văn Thử", post="Chủ tịch",
                       body="UBND tỉnh Nghệ An", post_id=POST + "chu-tich")])
    assert _ask(db, "?m a org:Membership ; kg:status kg:Former ; kg:endedBy ?e . "
                    "?e a kg:Dismissal ; kg:membership ?m")
    assert validate_oxigraph(db).conforms


# --- validation -------------------------------------------------------------------------------


def test_sample_store_conforms_with_both_engines(sample_store):
    with Store.open(sample_store) as store:
        fast = validate_store(store)
        ref = validate_store(store, engine="pyshacl")
    assert fast.conforms, fast.text()
    assert ref.conforms, ref.text()
    assert fast.checks > 50


def broken(sample_store) -> ox.Store:
    """The sample graph with one break of each kind the shapes must catch."""
    db = ox.Store()
    with Store.open(sample_store) as store:
        db.extend(store.db.quads_for_pattern(None, None, None, None))

    def one(p: str) -> ox.Quad:
        return next(iter(db.quads_for_pattern(None, ox.NamedNode(p), None, None)))

    def drop_all(s, p: str) -> None:
        for q in list(db.quads_for_pattern(s, ox.NamedNode(p), None, None)):
            db.remove(q)

    m = one(ORG + "organization").subject
    drop_all(m, ORG + "organization")  # membership without organisation
    att = one(str(KG.extractor)).subject
    drop_all(att, str(KG.extractor))  # fact without extractor version
    drop_all(att, str(KG.evidence))  # ... and without evidence
    d = one("http://purl.org/dc/terms/date")
    db.remove(d)
    bad_date = ox.Literal("2026-02-30",
                          datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    db.add(ox.Quad(d.subject, d.predicate, bad_date, d.graph_name))
    lbl = one(str(RDFS.label))
    db.add(ox.Quad(lbl.subject, lbl.predicate, ox.Literal("no language tag"), lbl.graph_name))
    pref = one(str(SKOS.prefLabel))  # a second preferred label in the same language
    db.add(ox.Quad(pref.subject, pref.predicate,
                   ox.Literal(pref.object.value + " (2)", language=pref.object.language),
                   pref.graph_name))
    return db


EXPECTED = {
    "kgsh:Membership MinCount org:organization",
    "kgsh:Attestation MinCount kg:extractor",
    "kgsh:Attestation MinCount kg:evidence",
    "kgsh:Dates Datatype dcterms:date",
    "kgsh:Labels Datatype rdfs:label",
    "kgsh:Labels UniqueLang skos:prefLabel",
}


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_a_broken_graph_is_caught(sample_store, engine):
    report = validate_oxigraph(broken(sample_store), engine)
    assert not report.conforms
    assert set(report.counts()) == EXPECTED, report.text()


def test_engines_agree_on_the_broken_graph(sample_store):
    db = broken(sample_store)
    a, b = validate_oxigraph(db, "sparql"), validate_oxigraph(db, "pyshacl")
    assert {v.key() for v in a.violations} == {v.key() for v in b.violations}


def test_kg_validate_command(sample_store, tmp_path):
    ok = run_kg("validate", "--store", str(sample_store))
    assert ok.returncode == 0, ok.stderr.decode()
    assert b"conforms" in ok.stdout
    bad = tmp_path / "broken.nq"
    broken(sample_store).dump(str(bad), format=ox.RdfFormat.N_QUADS)
    out = run_kg("validate", str(bad))
    assert out.returncode == 1
    text = out.stdout.decode()
    assert "6 violation(s)" in text
    assert "one preferred label per language" in text
    assert "a membership has exactly one organisation" in text
    assert "a date is a valid xsd:date" in text
    assert not validate_file(bad).conforms


@pytest.mark.corpus
def test_corpus_graph_conforms(tmp_path):
    corpus = need_shared(CORPUS)
    from kg import ingest

    with Store.open(tmp_path / "full", write=True) as store:
        ingest([corpus], store, jobs=2)
    with Store.open(tmp_path / "full") as store:
        started = time.perf_counter()
        report = validate_store(store)
        assert time.perf_counter() - started >= 0
    assert report.conforms, report.text()
    assert report.triples > 100_000


def test_a_membership_stated_twice_in_one_article_maps_once_with_its_event():
    same = dict(person="Phan Văn Thử", post="Chủ tịch", body="UBND tỉnh Nghệ An",
                post_id=POST + "chu-tich")
    db = _graph([_fact(**same), _fact(relation="elected", **same)])
    assert _ask(db, "?m a org:Membership ; kg:acquiredBy ?e . ?e a kg:Election")
    assert validate_oxigraph(db).conforms


BODY_SPELLINGS = ["bộ Giao thông Vận tải", "Bộ Giao thông Vận tải", "Bộ Giao thông vận tải"]


def test_one_preferred_label_per_body_whatever_the_order(tmp_path):
    """Articles spell one body three ways (one IRI: the key is case blind). After each
    ingest the body keeps one skos:prefLabel, the same whatever order or number of runs
    brought the spellings, and the others are skos:altLabel (SKOS S14, kgsh:Labels)."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    for i, body in enumerate(BODY_SPELLINGS):
        (corpus / f"gt-{i}.txt").write_text(
            f" date 2026-03-0{i + 1} Họp báo\n\nÔng Nguyễn Văn Hùng{i}, Thứ trưởng {body}, "
            "cho biết dự án sẽ hoàn thành trong năm nay.\n", encoding="utf-8")
    files = sorted(corpus.glob("*.txt"))
    labels = """SELECT ?p ?l WHERE { ?b rdfs:label ?any ; ?p ?l
                FILTER(CONTAINS(LCASE(STR(?any)), "giao thông vận tải"))
                VALUES ?p { skos:prefLabel skos:altLabel } }"""
    seen = []
    for name, runs in (("one-run", [files]), ("backwards", [[f] for f in reversed(files)])):
        with Store.open(tmp_path / name, write=True) as store:
            for run_files in runs:
                ingest(run_files, store)
                rows = {(p.value.rsplit("#", 1)[1], lit.value)
                        for p, lit in run(store, labels).rows}
                assert sum(p == "prefLabel" for p, _ in rows) == 1, rows
            assert validate_store(store).conforms
        seen.append(rows)
    assert seen[0] == seen[1] == {("prefLabel", "Bộ Giao thông vận tải"),
                                  ("altLabel", "Bộ Giao thông Vận tải"),
                                  ("altLabel", "bộ Giao thông Vận tải")}
