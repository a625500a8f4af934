"""The store projected onto a networkx graph: persons, bodies, events, awards, resolutions.

Nodes carry ``label``, ``type`` (person, party, state, body, meeting, congress, award,
resolution, collective), ``search`` (accent-folded label) and ``degree``/``centrality``;
edges carry ``label`` (the post or relation, Vietnamese), ``label_en``, ``relation``,
``evidence`` (one sentence), ``article`` (title), ``date`` and ``articles`` (count of
supporting articles). Used by the explorer (viz.py) and by researchers directly
(``nx.write_gexf`` opens in Gephi).
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from .query import run
from .text import fold

BODY_TYPES = {
    "https://w3id.org/vnkg/ontology#PartyBody": "party",
    "https://w3id.org/vnkg/ontology#StateBody": "state",
    "https://w3id.org/vnkg/ontology#OtherBody": "body",
    "https://w3id.org/vnkg/ontology#Congress": "congress",
}

PREFIX = """PREFIX kg: <https://w3id.org/vnkg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

MEMBERSHIPS = PREFIX + """
SELECT ?p ?pname ?b ?bname ?btype ?post ?post_en ?status
       (COUNT(DISTINCT ?art) AS ?n) (SAMPLE(?ev) AS ?evidence) (SAMPLE(?title) AS ?atitle)
       (MIN(?d) AS ?first) (MAX(?d) AS ?last)
WHERE {
  ?m a org:Membership ; org:member ?p ; org:organization ?b ; org:role ?role ;
     prov:wasDerivedFrom ?art .
  GRAPH ?g { ?m kg:status ?status }
  ?p foaf:name ?pname . ?b rdfs:label ?bname .
  OPTIONAL { ?b a ?btype . FILTER(?btype IN (kg:PartyBody, kg:StateBody, kg:OtherBody, kg:Congress)) }
  OPTIONAL { ?role skos:prefLabel ?post . FILTER(LANG(?post) = "vi") }
  OPTIONAL { ?role skos:prefLabel ?post_en . FILTER(LANG(?post_en) = "en") }
  OPTIONAL { ?att kg:asserts ?m ; kg:evidence ?ev ; prov:wasDerivedFrom ?art }
  OPTIONAL { ?art dcterms:title ?title }
  OPTIONAL { ?art dcterms:date ?d }
}
GROUP BY ?p ?pname ?b ?bname ?btype ?post ?post_en ?status
"""

AWARDS = PREFIX + """
SELECT ?c ?giver ?gname ?rec ?rname ?rtype ?award (COUNT(DISTINCT ?art) AS ?n)
       (SAMPLE(?ev) AS ?evidence) (SAMPLE(?title) AS ?atitle) (MIN(?d) AS ?first)
WHERE {
  ?c a kg:AwardConferral ; kg:awardLabel ?award ; kg:recipient ?rec ; prov:wasDerivedFrom ?art .
  ?rec rdfs:label ?rname . OPTIONAL { ?rec a ?rtype . FILTER(?rtype IN (foaf:Person, kg:Collective, kg:PartyBody, kg:StateBody, kg:OtherBody)) }
  OPTIONAL { ?c kg:giver ?giver . ?giver rdfs:label ?gname }
  OPTIONAL { ?att kg:asserts ?c ; kg:evidence ?ev }
  OPTIONAL { ?art dcterms:title ?title }
  OPTIONAL { ?art dcterms:date ?d }
}
GROUP BY ?c ?giver ?gname ?rec ?rname ?rtype ?award
"""

ADOPTS = PREFIX + """
SELECT ?r ?rname ?b ?bname ?btype (COUNT(DISTINCT ?art) AS ?n) (SAMPLE(?ev) AS ?evidence)
       (SAMPLE(?title) AS ?atitle) (MIN(?d) AS ?first)
WHERE {
  ?r a kg:Resolution ; rdfs:label ?rname ; kg:adoptedBy ?b ; prov:wasDerivedFrom ?art .
  ?b rdfs:label ?bname .
  OPTIONAL { ?b a ?btype . FILTER(?btype IN (kg:PartyBody, kg:StateBody, kg:OtherBody, kg:Congress)) }
  OPTIONAL { ?att kg:asserts ?r ; kg:evidence ?ev }
  OPTIONAL { ?art dcterms:title ?title }
  OPTIONAL { ?art dcterms:date ?d }
}
GROUP BY ?r ?rname ?b ?bname ?btype
"""

CHAIRS = PREFIX + """
SELECT ?e ?p ?pname ?ev ?title ?d
WHERE {
  ?e a kg:Meeting ; kg:chairedBy ?p ; prov:wasDerivedFrom ?art .
  ?p foaf:name ?pname .
  OPTIONAL { ?att kg:asserts ?e ; kg:evidence ?ev }
  OPTIONAL { ?art dcterms:title ?title }
  OPTIONAL { ?art dcterms:date ?d }
}
"""


def _node(g: nx.MultiDiGraph, iri: str, label: str, kind: str) -> None:
    if iri not in g:
        g.add_node(iri, label=label, type=kind, search=fold(label))


def build_graph(store) -> nx.MultiDiGraph:
    """The whole store as a graph (see the module docstring for attributes)."""
    g = nx.MultiDiGraph()
    for r in run(store, MEMBERSHIPS).records():
        status = r["status"].rsplit("#", 1)[-1]
        _node(g, r["p"], r["pname"], "person")
        _node(g, r["b"], r["bname"], BODY_TYPES.get(r["btype"], "body"))
        g.add_edge(r["p"], r["b"], relation="former" if status == "Former" else "holds",
                   label=r["post"], label_en=r["post_en"], evidence=r["evidence"],
                   article=r["atitle"], date=r["last"] or r["first"], first=r["first"],
                   articles=int(r["n"] or 0))
    for r in run(store, AWARDS).records():
        rtype = r["rtype"].rsplit("/", 1)[-1]
        kind = "person" if rtype == "Person" else BODY_TYPES.get(r["rtype"], "collective")
        _node(g, r["rec"], r["rname"], kind)
        _node(g, r["c"], r["award"], "award")
        g.add_edge(r["c"], r["rec"], relation="awarded to", label=r["award"],
                   label_en="awarded to", evidence=r["evidence"], article=r["atitle"],
                   date=r["first"], articles=int(r["n"] or 0))
        if r["giver"]:
            _node(g, r["giver"], r["gname"], "body")
            g.add_edge(r["giver"], r["c"], relation="confers", label="trao tặng",
                       label_en="confers", evidence=r["evidence"], article=r["atitle"],
                       date=r["first"], articles=int(r["n"] or 0))
    for r in run(store, ADOPTS).records():
        _node(g, r["b"], r["bname"], BODY_TYPES.get(r["btype"], "body"))
        _node(g, r["r"], r["rname"], "resolution")
        g.add_edge(r["b"], r["r"], relation="adopts", label="thông qua", label_en="adopts",
                   evidence=r["evidence"], article=r["atitle"], date=r["first"],
                   articles=int(r["n"] or 0))
    for r in run(store, CHAIRS).records():
        _node(g, r["p"], r["pname"], "person")
        _node(g, r["e"], r["title"] or "Hội nghị", "meeting")
        g.add_edge(r["p"], r["e"], relation="chairs", label="chủ trì", label_en="chairs",
                   evidence=r["ev"], article=r["title"], date=r["d"], articles=1)
    add_centrality(g)
    return g


def add_centrality(g: nx.MultiDiGraph) -> None:
    """Degree and a centrality score (degree centrality of the undirected simple graph:
    linear time, so it scales to the whole corpus)."""
    simple = nx.Graph(g)
    rank = nx.degree_centrality(simple) if simple.number_of_nodes() > 1 else {}
    for n, d in g.degree():
        g.nodes[n]["degree"] = d
        g.nodes[n]["centrality"] = rank.get(n, 0.0)


def find_nodes(g: nx.MultiDiGraph, name: str) -> list[str]:
    """Nodes whose label matches ``name`` accent- and case-blind; exact first."""
    q = fold(name)
    exact = [n for n, d in g.nodes(data=True) if d.get("search") == q]
    return exact or [n for n, d in g.nodes(data=True) if q in d.get("search", "")]


def neighbourhood(g: nx.MultiDiGraph, centres: Iterable[str], depth: int) -> nx.MultiDiGraph:
    keep: set[str] = set()
    und = g.to_undirected(as_view=True)
    for c in centres:
        keep |= set(nx.single_source_shortest_path_length(und, c, cutoff=depth))
    return g.subgraph(keep).copy()


def filter_graph(g: nx.MultiDiGraph, *, types: set[str] | None = None,
                 since: str | None = None, until: str | None = None) -> nx.MultiDiGraph:
    """Keep node types (person, body = every body kind, event, award, resolution) and
    edges dated within [since, until] (undated edges stay)."""
    h = g.copy()
    if types:
        expand = {"body": {"party", "state", "body", "collective"}, "event": {"meeting", "congress"}}
        wanted = set().union(*(expand.get(t, {t}) for t in types))
        h.remove_nodes_from([n for n, d in g.nodes(data=True) if d.get("type") not in wanted])
    if since or until:
        drop = [(u, v, k) for u, v, k, d in h.edges(keys=True, data=True)
                if d.get("date") and ((since and d["date"] < since) or (until and d["date"] > until))]
        h.remove_edges_from(drop)
        h.remove_nodes_from([n for n in list(h) if h.degree(n) == 0])
    return h
