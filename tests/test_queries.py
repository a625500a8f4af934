"""The saved query library: each query answers a known question on the sample store,
and runs unchanged (its own PREFIX lines, no kg help) on a plain pyoxigraph store
loaded from the N-Quads export.

The extractor improves in parallel, so the assertions stick to facts the sample
articles state plainly (Phan Quốc Việt is Chủ tịch of UBND tỉnh Hòa Bắc in 2 articles).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import Store, run_saved, saved_queries
from kg.query import bind, run, saved_query

from .conftest import CORPUS, need_shared

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"

PARAMS = {
    "person-career": {"name": "phan quoc viet"},
    "body-roster": {"name": "ubnd tinh hoa bac"},
    "current-holders": {"post": "Chủ tịch"},
    "awards-by-giver": {"name": "ban thuong vu tinh uy"},
    "awards-by-recipient": {"name": "mai van duc"},
    "person-meetings": {"name": "tran minh khoa"},
    "co-members": {"name": "phan quoc viet"},
    "sub-bodies": {"name": "ubnd tinh hoa bac"},
    "roster-en": {"name": "ubnd tinh hoa bac"},
    "career-timeline": {"name": "phan quoc viet"},
    "person-why": {"name": "phan quoc viet"},
}


def records(store_path, name: str, params: dict[str, str] | None = None) -> list[dict[str, str]]:
    with Store.open(store_path) as store:
        return run_saved(store, name, params if params is not None else PARAMS.get(name)).records()


def test_library_has_at_least_twelve_documented_queries():
    queries = saved_queries()
    assert len(queries) >= 12
    for q in queries.values():
        assert q.description, f"{q.name} has no leading comment"
        for p in q.params:
            assert re.search(rf"\?{p}(_folded)?\b", q.text), f"{q.name} never uses ?{p}"
        used = set(re.findall(r"\b([a-z]+):[A-Za-z]", _strip_iris(q.text)))
        declared_prefixes = set(re.findall(r"^PREFIX\s+(\w+):", q.text, re.MULTILINE))
        missing = used - declared_prefixes
        assert not missing, f"{q.name} relies on undeclared prefixes {missing}"


def _strip_iris(text: str) -> str:
    text = re.sub(r"<[^>]*>", "", text)
    text = re.sub(r'"[^"]*"', "", text)
    return "\n".join(line for line in text.splitlines() if not line.startswith("#"))


def test_known_names_still_work(sample_store):
    for name in ["memberships", "awards", "resolutions", "meetings-chaired", "facts-evidence",
                 "stats-classes", "stats-relations"]:
        assert records(sample_store, name), name


def test_memberships(sample_store):
    rows = records(sample_store, "memberships")
    top = [r for r in rows if r["person"] == "Phan Quốc Việt" and r["post"] == "Chủ tịch"]
    assert top and top[0]["body"] == "Ủy ban nhân dân tỉnh Hòa Bắc" and top[0]["articles"] == "2"


def test_person_career(sample_store):
    rows = records(sample_store, "person-career")
    chair = [r for r in rows
             if r["post"] == "Chủ tịch" and r["body"] == "Ủy ban nhân dân tỉnh Hòa Bắc"]
    assert len(chair) == 1
    assert chair[0]["articles"] == "2"
    assert (chair[0]["first"], chair[0]["last"]) == ("2026-02-03", "2026-04-22")
    assert "Current" in chair[0]["status"]
    assert {r["person"] for r in rows} == {"Phan Quốc Việt"}


def test_person_career_accent_blind(sample_store):
    assert records(sample_store, "person-career", {"name": "Phan Quốc Việt"}) == \
        records(sample_store, "person-career", {"name": "PHAN QUOC VIET"})


def test_body_roster(sample_store):
    rows = records(sample_store, "body-roster")
    assert {"Phan Quốc Việt", "Vũ Thị Lan"} <= {r["person"] for r in rows}
    assert all("Hòa Bắc" in r["body"] for r in rows)


def test_current_holders(sample_store):
    rows = records(sample_store, "current-holders")
    found = {(r["province"], r["body"], r["person"]) for r in rows}
    assert ("Hòa Bắc", "Ủy ban nhân dân tỉnh Hòa Bắc", "Phan Quốc Việt") in found
    assert ("Hòa Bắc", "Hội đồng nhân dân tỉnh Hòa Bắc", "Nguyễn Hữu Tâm") in found
    assert all(r["title"] == "Chủ tịch" for r in rows)
    # Mai Văn Đức is "nguyên Chủ tịch" (former) of a district: neither current nor provincial
    assert "Mai Văn Đức" not in {r["person"] for r in rows}
    assert records(sample_store, "current-holders", {"post": "chủ tịch"}) == rows


def test_awards_by_giver(sample_store):
    rows = records(sample_store, "awards-by-giver")
    assert [(r["award"], r["recipient"]) for r in rows] == [("Bằng khen", "12 tập thể")]


def test_awards_by_recipient(sample_store):
    rows = records(sample_store, "awards-by-recipient")
    assert len(rows) == 1 and rows[0]["award"].startswith("Huy hiệu")
    assert rows[0]["date"] == "2026-05-19"


def test_awards(sample_store):
    rows = records(sample_store, "awards")
    assert ("Ban Thường vụ Tỉnh ủy", "Bằng khen") in {(r["giver"], r["award"]) for r in rows}


def test_resolutions_by_congress(sample_store):
    rows = records(sample_store, "congress-resolutions")
    by = {r["congress"]: r for r in rows}
    r = by["Đại hội Đảng bộ xã Sông Mây lần thứ I"]
    assert r["resolution"] == "Nghị quyết Đại hội Đảng bộ xã Sông Mây lần thứ I"
    assert r["organizer"] == "Đảng bộ xã Sông Mây"
    assert {x["resolution"] for x in records(sample_store, "resolutions")} >= {
        "Nghị quyết Đại hội Đảng bộ xã Sông Mây lần thứ I"}


def test_meetings_chaired_by_a_person(sample_store):
    rows = records(sample_store, "person-meetings")
    assert len(rows) == 1
    assert rows[0]["date"] == "2026-01-15"
    assert "Trần Minh Khoa" in rows[0]["evidence"]
    assert "Nguyễn Hữu Tâm" in {r["person"] for r in records(sample_store, "meetings-chaired")}


def test_co_members(sample_store):
    rows = records(sample_store, "co-members")
    assert ("Ủy ban nhân dân tỉnh Hòa Bắc", "Vũ Thị Lan") in {(r["body"], r["other"]) for r in rows}
    assert "Phan Quốc Việt" not in {r["other"] for r in rows}


def test_sub_bodies(sample_store):
    rows = records(sample_store, "sub-bodies")
    assert ("Sở Y tế tỉnh Hòa Bắc", "Ủy ban nhân dân tỉnh Hòa Bắc") in {
        (r["body"], r["within"]) for r in rows}
    party = records(sample_store, "sub-bodies", {"name": "tinh uy"})
    assert "Ban Thường vụ Tỉnh ủy" in {r["body"] for r in party}


def test_roster_in_english(sample_store):
    rows = records(sample_store, "roster-en")
    chair = [r for r in rows if r["person"] == "Phan Quốc Việt"]
    assert chair and chair[0]["post"] == "Chairman"
    assert chair[0]["bodyType"] == "People's Committee"
    assert chair[0]["personAscii"] == "phan quoc viet"
    assert chair[0]["status"] == "Current"


def test_facts_evidence(sample_store):
    rows = records(sample_store, "facts-evidence")
    holds = [r for r in rows if r["article"] == "sample-0004" and r["relation"] == "holds"
             and "Phan Quốc Việt" in r["evidence"]]
    assert holds
    assert all(int(r["start"]) < int(r["end"]) for r in rows)


def test_body_heads(sample_store):
    rows = records(sample_store, "body-heads")
    assert ("Ủy ban nhân dân tỉnh Hòa Bắc", "Phan Quốc Việt", "Chủ tịch") in {
        (r["body"], r["person"], r["post"]) for r in rows}
    assert "Vũ Thị Lan" not in {r["person"] for r in rows}  # a deputy is not a head


def test_personnel_events(sample_store):
    rows = records(sample_store, "personnel-events")
    found = {(r["event"], r["person"], r["post"]) for r in rows}
    assert ("elected", "Phan Quốc Việt", "Chủ tịch") in found
    assert ("elected", "Đặng Văn Lực", "Bí thư") in found
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)


def test_province_mergers_query(tmp_path):
    """A store holding one body of a merged province (Hà Giang, within Tuyên Quang
    since 1 July 2025), mapped from a fact directly so the test does not depend on the
    extractor."""
    from kg.articles import Article
    from kg.extract.facts import Fact
    from kg.rdf import Mapper

    art = Article(id="t-merger", title="Tin thử", body="Ông Nguyễn Văn Thử.", date="2024-05-01")
    fact = Fact(article="t-merger", relation="holds", person="Nguyễn Văn Thử", post="Bí thư",
                body="Tỉnh ủy Hà Giang", post_id="https://w3id.org/vnkg/post/bi-thu",
                sentence="Ông Nguyễn Văn Thử, Bí thư Tỉnh ủy Hà Giang.", start=0, end=10)
    with Store.open(tmp_path / "s", write=True) as store:
        store.replace_articles([("t-merger", Mapper().quads(art, [fact]))])
    rows = records(tmp_path / "s", "province-mergers")
    assert [(r["province"], r["predecessor"], r["successor"], r["date"]) for r in rows] == [
        ("Hà Giang", "Tỉnh ủy Hà Giang", "Tỉnh ủy Tuyên Quang", "2025-07-01")]


# --- the same answers on a plain SPARQL store, without kg ------------------------------------


@pytest.fixture(scope="module")
def plain_store(sample_store, tmp_path_factory) -> ox.Store:
    path = tmp_path_factory.mktemp("export") / "kg.nq"
    with Store.open(sample_store) as store:
        store.dump(str(path), "nquads")
    db = ox.Store()
    db.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return db


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_saved_query_runs_unchanged_on_a_plain_store(name, sample_store, plain_store):
    q = saved_query(name)
    params = PARAMS.get(name, {})
    assert set(q.params) <= set(params), f"add test parameters for {name}"
    text = bind(q.text, params)  # a VALUES block: standard SPARQL, no kg
    plain = plain_store.query(text, use_default_graph_as_union=True)
    plain_rows = sorted(tuple(str(s[v]) if s[v] is not None else "" for v in plain.variables)
                        for s in plain)
    with Store.open(sample_store) as store:
        ours = store.db.query(text, use_default_graph_as_union=True)
        our_rows = sorted(tuple(str(s[v]) if s[v] is not None else "" for v in ours.variables)
                          for s in ours)
    assert plain_rows == our_rows
    if not name.startswith("province-"):
        assert plain_rows, f"{name} found nothing on the samples"


def test_memberships_answer_from_plain_nquads(sample_store, plain_store):
    """The issue's acceptance query: N-Quads in a fresh store, plain SPARQL (named graphs,
    no union default), the people, posts and bodies the extractor reported, each
    membership linked to its article."""
    from kg.lexicon import load_lexicon
    from kg.pipeline import iter_facts

    lex = load_lexicon()

    q = """
    PREFIX org: <http://www.w3.org/ns/org#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX foaf: <http://xmlns.com/foaf/0.1/>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT DISTINCT ?name ?role ?article WHERE {
      GRAPH <https://w3id.org/vnkg/graph/entities> {
        ?m a org:Membership ; org:member ?p ; org:organization ?b ; org:role ?role .
        ?p foaf:name ?name .
      }
      GRAPH ?g { ?m prov:wasDerivedFrom ?a . ?a dcterms:identifier ?article }
    }"""
    got = {(s["name"].value, s["role"].value, s["article"].value) for s in plain_store.query(q)}
    expected = {(f.person, f.post_id, f.article) for f in iter_facts([SAMPLES])
                if f.relation in {"holds", "held", "elected", "appointed", "dismissed"}
                and (f.body or lex.post_by_iri[f.post_id].default_body)}
    assert ("Phan Quốc Việt", "https://w3id.org/vnkg/post/chu-tich", "sample-0004") in got
    assert expected <= got
    bodies = {s["label"].value for s in plain_store.query("""
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?label
        WHERE { GRAPH ?g { ?m org:organization ?b . ?b rdfs:label ?label } }""")}
    assert {f.body for f in iter_facts([SAMPLES]) if f.body and f.relation == "holds"} <= bodies


def test_bind_reaches_sub_selects():
    """The name is bound in every WHERE, so a sub-select can look it up first; a WHERE in
    a comment is left alone."""
    text = ("SELECT ?p WHERE {  # not this where {\n"
            "  { SELECT DISTINCT ?p WHERE { ?p ?k ?key FILTER(CONTAINS(?key, ?name_folded)) } }\n}")
    bound = bind(text, {"name": 'Lê "Văn" A'})
    assert bound.count("VALUES (?name ?name_folded)") == 2
    assert '"le \\"van\\" a"' in bound
    db = ox.Store()
    db.add(ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:k"), ox.Literal('le "van" an')))
    assert [s["p"].value for s in db.query(bound)] == ["urn:x"]


# The plain forms of queries rewritten for speed (docs/benchmarks.md): same answers.
PLAIN = {
    "current-holders": """
SELECT DISTINCT ?province ?body ?person ?title ?since ?last WHERE {
  ?role skos:inScheme <https://w3id.org/vnkg/post/scheme> ; skos:prefLabel ?title .
  FILTER(LANG(?title) = "vi" && LCASE(STR(?title)) = LCASE(STR(?post)))
  ?m a org:Membership ; org:role ?role ; org:organization ?b ; org:member/foaf:name ?person .
  ?b kg:province ?province .
  { SELECT ?b (SAMPLE(?l) AS ?body) WHERE { ?b kg:province ?pr ; skos:prefLabel ?l } GROUP BY ?b }
  { SELECT ?m (MIN(?d) AS ?since) (MAX(?d) AS ?last)
    WHERE { GRAPH ?g { ?m kg:attestedOn ?d } } GROUP BY ?m }
  GRAPH ?g1 { ?m kg:status kg:Current ; kg:attestedOn ?last }
  FILTER NOT EXISTS { GRAPH ?g2 { ?m kg:status kg:Former ; kg:attestedOn ?last } }
}""",
    "career-timeline": """
SELECT ?p ?person ?m ?post ?b ?body ?article ?date ?status ?event WHERE {
  ?p a foaf:Person ; kg:searchKey ?key ; foaf:name ?person .
  FILTER(CONTAINS(?key, ?name_folded))
  ?m kg:holder ?p .
  GRAPH ?g {
    ?m kg:status ?s ; prov:wasDerivedFrom ?art .
    BIND(REPLACE(STR(?s), "^.*#", "") AS ?status)
    OPTIONAL {
      { ?m kg:acquiredBy ?ev } UNION { ?m kg:endedBy ?ev }
      ?ev a ?evt . FILTER(?evt IN (kg:Election, kg:Appointment, kg:Dismissal))
      BIND(REPLACE(STR(?evt), "^.*#", "") AS ?event)
    }
  }
  ?m kg:post ?seat . ?seat org:role ?role .
  ?role skos:prefLabel ?post . FILTER(LANG(?post) = "vi")
  OPTIONAL { ?seat org:postIn ?b . ?b skos:prefLabel ?body }
  ?art dcterms:identifier ?article .
  OPTIONAL { ?art dcterms:date ?date }
}""",
    "sub-bodies": """
SELECT DISTINCT ?top ?body ?within WHERE {
  ?t a org:Organization ; kg:searchKey ?key ; skos:prefLabel ?top .
  FILTER(CONTAINS(?key, ?name_folded))
  ?b org:subOrganizationOf+ ?t .
  FILTER(?b != ?t)
  ?b org:subOrganizationOf ?w ; skos:prefLabel ?body .
  ?w skos:prefLabel ?within .
}""",
    "body-roster": """
SELECT ?body ?person ?post (COUNT(DISTINCT ?article) AS ?articles) (MAX(?date) AS ?last) WHERE {
  { SELECT DISTINCT ?b WHERE { ?b kg:searchKey ?key . FILTER(CONTAINS(?key, ?name_folded)) } }
  ?b skos:prefLabel ?body .
  ?m org:organization ?b ; org:member/foaf:name ?person ; org:role/skos:prefLabel ?post ;
     prov:wasDerivedFrom ?article .
  FILTER(LANG(?post) = "vi")
  OPTIONAL { ?article dcterms:date ?date }
}
GROUP BY ?body ?person ?post""",
    "roster-en": """
SELECT ?body ?bodyType ?post ?person ?personAscii ?status (COUNT(DISTINCT ?article) AS ?articles)
WHERE {
  { SELECT DISTINCT ?b WHERE { ?b kg:searchKey ?key . FILTER(CONTAINS(?key, ?name_folded)) } }
  ?b skos:prefLabel ?body .
  ?m org:organization ?b ; org:member ?p ; org:role ?role .
  ?role skos:prefLabel ?post . FILTER(LANG(?post) = "en")
  ?p foaf:name ?person ; kg:searchKey ?personAscii .
  OPTIONAL { ?b kg:bodyType ?bt
             OPTIONAL { ?bt skos:prefLabel ?bodyType FILTER(LANG(?bodyType) = "en") } }
  GRAPH ?g { ?m kg:status ?s ; prov:wasDerivedFrom ?article }
  ?s skos:prefLabel ?status FILTER(LANG(?status) = "en")
}
GROUP BY ?body ?bodyType ?post ?person ?personAscii ?status""",
    "co-members": """
SELECT ?person ?body ?other (GROUP_CONCAT(DISTINCT ?otherPost; separator=", ") AS ?posts)
WHERE {
  { SELECT DISTINCT ?p WHERE { ?p kg:searchKey ?key . FILTER(CONTAINS(?key, ?name_folded)) } }
  ?p foaf:name ?person ; org:memberOf ?b .
  ?b skos:prefLabel ?body .
  ?m org:organization ?b ; org:member ?q ; org:role ?role .
  FILTER(?q != ?p)
  ?role skos:prefLabel ?otherPost . FILTER(LANG(?otherPost) = "vi")
  ?q foaf:name ?other .
}
GROUP BY ?person ?body ?other""",
    "awards": """
SELECT ?giver ?award ?recipient ?date ?title WHERE {
  ?c a kg:AwardConferral ; kg:awardLabel ?award ; kg:recipient/rdfs:label ?recipient ;
     prov:wasDerivedFrom ?article .
  ?article dcterms:title ?title .
  OPTIONAL { ?c kg:giver ?g OPTIONAL { ?g skos:prefLabel ?giver } }
  OPTIONAL { ?article dcterms:date ?date }
}""",
    "meetings-chaired": """
SELECT ?person ?date ?title ?evidence WHERE {
  ?meeting a kg:Meeting ; kg:chairedBy/foaf:name ?person ; prov:wasDerivedFrom ?article .
  ?att kg:asserts ?meeting ; kg:evidence ?evidence .
  ?article dcterms:title ?title .
  OPTIONAL { ?article dcterms:date ?date }
}""",
    "province-mergers": """
SELECT DISTINCT ?province ?predecessor ?successor ?date WHERE {
  ?e a org:ChangeEvent ; org:originalOrganization ?a ; org:resultingOrganization ?b .
  ?a skos:prefLabel ?predecessor .
  ?b skos:prefLabel ?successor .
  OPTIONAL { ?e dcterms:date ?date }
  OPTIONAL { ?a kg:province ?province }
}""",
    "resolutions": """
SELECT ?body ?resolution (COUNT(DISTINCT ?article) AS ?articles) WHERE {
  ?r a kg:Resolution ; kg:adoptedBy ?by ; rdfs:label ?resolution ; prov:wasDerivedFrom ?article .
  ?by skos:prefLabel ?body .
}
GROUP BY ?body ?resolution""",
    "personnel-events": """
SELECT DISTINCT ?date ?event ?person ?post ?body ?evidence WHERE {
  VALUES (?type ?event) {
    (kg:Election "elected") (kg:Appointment "appointed") (kg:Dismissal "dismissed") }
  ?e a ?type ; kg:membership ?m ; kg:person/foaf:name ?person ; prov:wasDerivedFrom ?article .
  ?m kg:post ?seat . ?seat org:role/skos:prefLabel ?post . FILTER(LANG(?post) = "vi")
  OPTIONAL { ?att kg:asserts ?m ; kg:relation ?event ; kg:evidence ?evidence ;
                  prov:wasDerivedFrom ?article }
  OPTIONAL { ?seat org:postIn ?b OPTIONAL { ?b skos:prefLabel ?body } }
  OPTIONAL { ?e schema:startDate ?date }
}""",
    "facts-evidence": """
SELECT ?article ?relation ?evidence ?start ?end ?confidence
WHERE {
  ?att a kg:Attestation ; kg:relation ?relation ; kg:evidence ?evidence ;
       kg:start ?start ; kg:end ?end ; kg:confidence ?confidence ;
       prov:wasDerivedFrom/dcterms:identifier ?article .
  FILTER(?relation != "mentions")
}
ORDER BY ?article ?start""",
    "memberships": """
SELECT ?person ?post ?body (COUNT(DISTINCT ?article) AS ?articles) (MIN(?date) AS ?first)
       (MAX(?date) AS ?last)
WHERE {
  ?m a org:Membership ; org:member ?p ; org:role ?role ; prov:wasDerivedFrom ?article .
  ?p foaf:name ?person .
  ?role skos:prefLabel ?post . FILTER(LANG(?post) = "vi")
  OPTIONAL { ?m org:organization/skos:prefLabel ?body }
  OPTIONAL { ?article dcterms:date ?date }
}
GROUP BY ?person ?post ?body
ORDER BY DESC(?articles) ?person""",
    "body-heads": """
SELECT ?body ?person ?post (MIN(?date) AS ?first) (MAX(?date) AS ?last)
WHERE {
  ?p org:headOf ?b ; foaf:name ?person .
  ?m org:member ?p ; org:organization ?b ; org:role/skos:prefLabel ?post ;
     prov:wasDerivedFrom ?article .
  FILTER(LANG(?post) = "vi")
  ?b skos:prefLabel ?body .
  OPTIONAL { ?article dcterms:date ?date }
}
GROUP BY ?body ?person ?post
ORDER BY ?body ?first""",
}


def _fast_and_plain(store_path: Path, name: str, params: dict) -> tuple[list, list]:
    """The saved query's rows and its plain form's, each sorted."""
    with Store.open(store_path) as store:
        return (sorted(run_saved(store, name, params).values()),
                sorted(run(store, PLAIN[name], params).values()))


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_rewritten_query_answers_like_its_plain_form(name, sample_store):
    fast, plain = _fast_and_plain(sample_store, name, PARAMS.get(name, {}))
    assert fast or name == "province-mergers"  # no merged province in the samples
    assert fast == plain


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory) -> Path:
    """The real corpus ingested once per session (skips where ../shared is absent)."""
    from kg import ingest

    need_shared(CORPUS)
    path = tmp_path_factory.mktemp("corpus") / "kg-data"
    with Store.open(path, write=True) as store:
        ingest([CORPUS], store)
    return path


CORPUS_PARAMS = {**PARAMS, "body-roster": {"name": "dang uy"}, "roster-en": {"name": "dang uy"},
                 "current-holders": {"post": "Chủ tịch"}}


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_rewritten_query_answers_like_its_plain_form_on_the_corpus(name, corpus_store):
    fast, plain = _fast_and_plain(corpus_store, name, CORPUS_PARAMS.get(name, {}))
    assert fast == plain


# Sorting on five-character slices of a string (?x_1 ... ?x_5, held inline by Oxigraph)
# instead of the string itself: the same order.
_SLICES = re.compile(r"\?(\w+)_1 \?\1_2 \?\1_3 \?\1_4 \?\1_5")
SLICED = sorted(n for n, q in saved_queries().items() if _SLICES.search(q.text))


def _sorted_on_values(text: str) -> tuple[str, list[str]]:
    """The query ordered by the strings themselves, and the columns it orders by."""
    head, order = text.rsplit("ORDER BY", 1)
    order = _SLICES.sub(r"?\1", order)
    return head + "ORDER BY" + order, re.findall(r"\?(\w+)", order)


@pytest.mark.parametrize("name", SLICED)
@pytest.mark.parametrize("where", ["sample_store", "corpus_store"])
def test_sort_on_slices_orders_like_the_strings(name, where, request):
    assert len(SLICED) >= 2
    path = request.getfixturevalue(where)
    params = (PARAMS if where == "sample_store" else CORPUS_PARAMS).get(name, {})
    text = saved_query(name).text
    plain, columns = _sorted_on_values(text)
    with Store.open(path) as store:
        fast, slow = run(store, text, params), run(store, plain, params)
    cols = [fast.columns.index(c) for c in columns if c in fast.columns]
    assert len(cols) == len(columns)
    assert sorted(fast.values()) == sorted(slow.values())
    def keys(table):
        return [[r[i] for i in cols] for r in table.values()]

    assert keys(fast) == keys(slow)


_PREFIXED_SLICES = re.compile(
    r'BIND\(CONCAT\("\|", STR\(\?(\w+)\)\) AS \?\1_s\) BIND\(SUBSTR\(\?\1_s, 2, 5\) AS \?\1_1\) '
    r'BIND\(SUBSTR\(\?\1_s, 7, 5\) AS \?\1_2\)\n\s*BIND\(SUBSTR\(\?\1_s, 12, 5\) AS \?\1_3\) '
    r'BIND\(SUBSTR\(\?\1_s, 17, 5\) AS \?\1_4\) BIND\(SUBSTR\(\?\1_s, 22\) AS \?\1_5\)')


def test_sliced_queries_cut_the_slices_from_a_prefixed_copy():
    """Every sliced variable of personnel-events is cut from a "|"-prefixed copy (one read
    from the store instead of five). (co-members sorted that way took 61 s on Virtuoso.)"""
    for name in ["personnel-events"]:
        text = saved_query(name).text
        order = text.rsplit("ORDER BY", 1)[1]
        sliced = set(_SLICES.findall(order))
        assert sliced and sliced == set(_PREFIXED_SLICES.findall(text)), name


def test_prefixed_slices_order_like_the_strings():
    """Slices of CONCAT("|", STR(?x)) at 2, 7, 12, 17, 22: the order of ?x itself, for
    language-tagged and plain strings, multi-byte letters, prefixes of one another,
    strings shorter than a slice and longer than all five."""
    names = ["Đảng uỷ tỉnh Hòa Bắc", "Đảng uỷ tỉnh Hòa Bắc mở rộng thêm nữa", "Đảng uỷ",
             "Đảng", "Ban Thường vụ Tỉnh ủy Hòa Bắc", "Ban Thường vụ Tỉnh ủy Hòa Bắ",
             "a", "", "Ủy ban nhân dân tỉnh Hòa Bắc và thành phố", "Zeta", "zeta", "Ｚ"]
    db = ox.Store()
    for i, n in enumerate(names):
        for lang in ("vi", None):
            o = ox.Literal(n, language=lang) if lang else ox.Literal(n)
            db.add(ox.Quad(ox.NamedNode(f"urn:e{i}"), ox.NamedNode(f"urn:{lang}"), o))
    text = ("SELECT ?x WHERE { ?e ?p ?x\n"
            '  BIND(CONCAT("|", STR(?x)) AS ?x_s) BIND(SUBSTR(?x_s, 2, 5) AS ?x_1) '
            "BIND(SUBSTR(?x_s, 7, 5) AS ?x_2)\n"
            "  BIND(SUBSTR(?x_s, 12, 5) AS ?x_3) BIND(SUBSTR(?x_s, 17, 5) AS ?x_4) "
            "BIND(SUBSTR(?x_s, 22) AS ?x_5)\n}\nORDER BY ?x_1 ?x_2 ?x_3 ?x_4 ?x_5")
    assert _PREFIXED_SLICES.search(text)
    got = [s["x"].value for s in db.query(text)]
    assert got == sorted(n for n in names for _ in range(2))


def test_roster_en_counts_the_articles_stating_each_status(tmp_path):
    """One row per status a membership is given, counting the articles (graphs) that
    give it: two articles say current, one says former (not three and three, as a count
    of every article of the membership on each row would say)."""
    from kg.rdf import search_triples

    kg_, org = "https://w3id.org/vnkg/ontology#", "http://www.w3.org/ns/org#"
    skos = "http://www.w3.org/2004/02/skos/core#"
    b, m, p = (ox.NamedNode(f"urn:x:{n}") for n in ("b", "m", "p"))
    role = ox.NamedNode("https://w3id.org/vnkg/post/chu-tich")
    ent = ox.NamedNode("urn:x:entities")
    quads = [(b, ox.NamedNode(skos + "prefLabel"), ox.Literal("UBND tỉnh X", language="vi")),
             (m, ox.NamedNode(org + "organization"), b), (m, ox.NamedNode(org + "member"), p),
             (m, ox.NamedNode(org + "role"), role),
             (p, ox.NamedNode("http://xmlns.com/foaf/0.1/name"), ox.Literal("Lê Văn A")),
             (p, ox.NamedNode(kg_ + "searchKey"), ox.Literal("le van a")),
             (role, ox.NamedNode(skos + "prefLabel"), ox.Literal("Chairman", language="en"))]
    quads += list(search_triples(b, ["ubnd tinh x"]))
    with Store.open(tmp_path / "kg", write=True) as store:
        store.db.extend(ox.Quad(*q, ent) for q in quads)
        for i, status in enumerate(["Current", "Current", "Former"]):
            g = ox.NamedNode(f"urn:x:g{i}")
            store.db.extend([
                ox.Quad(m, ox.NamedNode(kg_ + "status"), ox.NamedNode(kg_ + status), g),
                ox.Quad(m, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"),
                        ox.NamedNode(f"urn:x:a{i}"), g)])
        rows = run_saved(store, "roster-en", {"name": "tinh x"}).records()
    assert sorted((r["person"], r["post"], r["status"], r["articles"]) for r in rows) == [
        ("Lê Văn A", "Chairman", "Current", "2"), ("Lê Văn A", "Chairman", "Former", "1")]


# The name lookup by search tokens (kg:searchToken) against CONTAINS over every key.
_TOKEN_LOOKUP = re.compile(
    r"\{ SELECT DISTINCT \?(\w+) WHERE \{\n\s*# by the search tokens.*?"
    r"FILTER\(CONTAINS\(\?key, \?name_folded\)\) \} LIMIT 1000000 \}", re.DOTALL)


def _scan_form(text: str) -> str:
    """The query with its token lookup replaced by CONTAINS over every kg:searchKey."""
    out, n = _TOKEN_LOOKUP.subn(
        lambda m: f"{{ SELECT DISTINCT ?{m.group(1)} WHERE {{ ?{m.group(1)} kg:searchKey ?key . "
                  "FILTER(CONTAINS(?key, ?name_folded)) } }", text)
    assert n == 1
    return out


def _cells(rows: list[list[str]]) -> list[tuple[str, ...]]:
    # GROUP_CONCAT lists come in the order the plan met them: compare them as sets
    return sorted(tuple(", ".join(sorted(c.split(", "))) for c in r) for r in rows)


TOKEN_QUERIES = sorted(n for n, q in saved_queries().items() if "kg:searchToken" in q.text)
NAMES = ["phan quoc viet", "Phan Quốc Việt", "quoc", "uoc vi", "an quoc viet", "phan q",
         "ubnd tinh hoa bac", "tinh uy", "hoa", "ệt", "v", "", "  ", "xyzzy", 'Lê "Văn" A',
         "tran minh khoa", "so y te"]


@pytest.mark.parametrize("name", TOKEN_QUERIES)
def test_token_lookup_answers_like_contains_over_every_key(name, sample_store):
    assert len(TOKEN_QUERIES) >= 7
    q = saved_query(name)
    scan = _scan_form(q.text)
    with Store.open(sample_store) as store:
        for value in NAMES:
            fast = run(store, q.text, {"name": value}).values()
            plain = run(store, scan, {"name": value}).values()
            assert _cells(fast) == _cells(plain), (name, value)


def test_token_lookup_is_exact_on_word_boundaries():
    """A name's first word may end a key's word, its last word start one, a one-word name
    sit inside one: the tokens find exactly the keys CONTAINS finds."""
    from kg.rdf import search_triples
    from kg.text import fold

    keys = ["pham duc tien", "tien", "le van tien", "ban chap hanh dang uy", "dang uyen",
            "hai dang uy ban", "nguyen  van a", "", "a.b (c)", "x y z"]
    db = ox.Store()
    for i, k in enumerate(keys):
        for s, p, o in search_triples(ox.NamedNode(f"urn:e{i}"), [k]):
            db.add(ox.Quad(s, p, o))
    m = _TOKEN_LOOKUP.search(saved_query("person-career").text)
    lookup = f"PREFIX kg: <https://w3id.org/vnkg/ontology#>\nSELECT ?p WHERE {{\n{m.group(0)}\n}}"
    for name in ["tien", "ti", "ien", "duc ti", "ham duc", "dang uy", "g uy", "dang uye", "uy",
                 "van a", "nguyen  van", "", " ", "a.b (c", "b (c)", "y", "x y z", "y z", "zz"]:
        text = bind(lookup, {"name": name})
        got = sorted(s["p"].value for s in db.query(text))
        want = sorted(f"urn:e{i}" for i, k in enumerate(keys) if fold(name) in k)
        assert got == want, name
