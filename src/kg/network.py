"""The store projected onto a networkx graph: persons, bodies, events, awards, resolutions.

Nodes carry ``label``, ``type`` (person, party, state, body, meeting, congress, award,
resolution, collective), ``label_en`` (what kind of thing it is, in English), ``search``
(accent-folded label), ``articles`` (how many articles support it) and
``degree``/``centrality``. Edges carry ``label`` (the post or relation, Vietnamese),
``label_en``, ``relation`` (holds, former, chairs, awarded to, confers, adopts),
``evidence`` (one sentence), ``article`` (its title), ``date`` (latest dated support),
``first`` (earliest), ``articles`` (count of supporting articles) and ``sources`` (up to
five ``{evidence, article, date, id}`` records, most confident first). Used by the explorer
(viz.py) and by researchers directly (``nx.write_gexf`` opens in Gephi).

Why the queries look the way they do: the store's default graph is the union of all
named graphs, so a triple stated in ten article graphs comes back ten times and a join of
several patterns over popular nodes multiplies those copies (an aggregate over
memberships once took minutes on the 1005-article corpus). So what an article says
(statuses, attestations, provenance) is read inside ``GRAPH ?g`` — one row per article,
which is also what "supporting articles" counts — structure (who is a member of what) is
read from the entities graph where it is stated once, or as single patterns, and the rest
of the joining happens in Python. All of it takes a few seconds for the corpus.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

import networkx as nx

from .query import run
from .text import fold

ONT = "https://w3id.org/vnkg/ontology#"
VOCABULARY = "https://w3id.org/vnkg/graph/vocabulary"
CLASS_TYPES = {
    "http://xmlns.com/foaf/0.1/Person": "person",
    ONT + "PartyBody": "party",
    ONT + "StateBody": "state",
    ONT + "OtherBody": "body",
    ONT + "Congress": "congress",
    ONT + "Collective": "collective",
    ONT + "Meeting": "meeting",
    ONT + "Resolution": "resolution",
    ONT + "AwardConferral": "award",
}
# Which class wins when a node has several (a congress is also an organisation).
TYPE_RANK = ["person", "congress", "party", "state", "body", "collective", "meeting",
             "resolution", "award"]
TYPE_EN = {
    "person": "Person", "party": "Party body", "state": "State body", "body": "Other body",
    "congress": "Congress", "collective": "Collective", "meeting": "Meeting",
    "resolution": "Resolution", "award": "Award",
}
# What the --type option and the page's filters mean by each word.
TYPE_GROUPS = {
    "person": {"person"},
    "body": {"party", "state", "body", "collective"},
    "event": {"meeting", "congress"},
    "award": {"award"},
    "resolution": {"resolution"},
}
MAX_SOURCES = 5

PREFIX = """PREFIX kg: <https://w3id.org/vnkg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
"""

ARTICLES = PREFIX + """
SELECT ?g ?id ?title ?date WHERE { GRAPH ?g {
  ?art a kg:Article ; dcterms:identifier ?id ; dcterms:title ?title .
  OPTIONAL { ?art dcterms:date ?date } } }"""
LABELS = PREFIX + """
SELECT ?s ?l (COUNT(?g) AS ?n) WHERE { GRAPH ?g { ?s rdfs:label ?l } } GROUP BY ?s ?l"""
TYPES = PREFIX + """
SELECT DISTINCT ?s ?t WHERE { ?s a ?t .
  FILTER(?t IN (foaf:Person, kg:PartyBody, kg:StateBody, kg:OtherBody, kg:Congress,
                kg:Collective, kg:Meeting, kg:Resolution, kg:AwardConferral)) }"""
BODY_TYPES = PREFIX + "SELECT DISTINCT ?b ?bt WHERE { ?b kg:bodyType ?bt }"
VOCAB = PREFIX + f"SELECT ?c ?l WHERE {{ GRAPH <{VOCABULARY}> {{ ?c skos:prefLabel ?l }} }}"
ATTESTATIONS = PREFIX + """
SELECT ?g ?node ?ev ?conf ?post WHERE { GRAPH ?g {
  ?att kg:asserts ?node ; kg:evidence ?ev .
  OPTIONAL { ?att kg:confidence ?conf }
  OPTIONAL { ?att kg:postAsWritten ?post } } }"""
MEMBERSHIPS = PREFIX + """
SELECT ?g ?m ?p ?b ?role ?status WHERE {
  GRAPH ?g { ?m kg:status ?status }
  GRAPH <https://w3id.org/vnkg/graph/entities> {
    ?m org:member ?p ; org:role ?role ; org:organization ?b } }"""
AWARDS = PREFIX + """
SELECT ?g ?c ?award ?type ?rec ?giver WHERE { GRAPH ?g {
  ?c kg:awardLabel ?award ; kg:recipient ?rec .
  OPTIONAL { ?c kg:awardType ?type }
  OPTIONAL { ?c kg:giver ?giver } } }"""
ADOPTS = PREFIX + """SELECT ?g ?r ?b WHERE {
  GRAPH ?g { ?r prov:wasDerivedFrom ?art }
  GRAPH <https://w3id.org/vnkg/graph/entities> { ?r kg:adoptedBy ?b } }"""
CHAIRS = PREFIX + """
SELECT ?g ?e ?p ?d WHERE { GRAPH ?g {
  ?e kg:chairedBy ?p . OPTIONAL { ?e schema:startDate ?d } } }"""


class _Builder:
    """Reads the store once and assembles nodes and edges with their provenance."""

    def __init__(self, store) -> None:
        self.store = store
        self.articles = {r["g"]: r for r in self._rows(ARTICLES)}
        counts: dict[str, Counter] = defaultdict(Counter)
        for r in self._rows(LABELS):
            counts[r["s"]][r["l"]] += int(r["n"] or 1)
        # The spelling most articles use is the one shown.
        self.labels = {s: c.most_common(1)[0][0] for s, c in counts.items()}
        types: dict[str, set[str]] = defaultdict(set)
        for r in self._rows(TYPES):
            types[r["s"]].add(CLASS_TYPES[r["t"]])
        self.types = {s: min(ts, key=TYPE_RANK.index) for s, ts in types.items()}
        self.vocab: dict[str, dict[str, str]] = defaultdict(dict)
        for r in run(store, VOCAB).rows:
            c, lit = r
            if c is not None and lit is not None:
                self.vocab[c.value].setdefault(lit.language or "", lit.value)
        self.body_type = {r["b"]: r["bt"] for r in self._rows(BODY_TYPES)}
        # (article graph, asserted node) -> best attestation there
        self.evidence: dict[tuple[str, str], dict] = {}
        for r in self._rows(ATTESTATIONS):
            k = (r["g"], r["node"])
            conf = float(r["conf"] or 0)
            if k not in self.evidence or conf > self.evidence[k]["conf"]:
                self.evidence[k] = {"ev": r["ev"], "conf": conf, "post": r["post"]}
        self.g = nx.MultiDiGraph()
        # (u, v, key) -> list of (article graph, evidence node, extra)
        self.support: dict[tuple[str, str, str], list[tuple[str, str, dict]]] = defaultdict(list)
        self.edge_info: dict[tuple[str, str, str], dict] = {}

    def _rows(self, sparql: str) -> list[dict[str, str]]:
        return run(self.store, sparql).records()

    def node(self, iri: str, kind: str | None = None, label: str | None = None) -> None:
        if iri in self.g:
            return
        kind = self.types.get(iri, kind or "body")
        label = self.labels.get(iri) or label or iri.rsplit("/", 1)[-1]
        en = TYPE_EN.get(kind, kind)
        bt = self.vocab.get(self.body_type.get(iri, ""), {}).get("en")
        if bt:
            en = f"{en}: {bt}"
        self.g.add_node(iri, label=label, type=kind, label_en=en, search=fold(label))

    def edge(self, u: str, v: str, key: str, graph: str, fact: str, **info: str) -> None:
        self.support[(u, v, key)].append((graph, fact, info))
        self.edge_info.setdefault((u, v, key), info)

    def finish(self) -> nx.MultiDiGraph:
        node_articles: dict[str, set[str]] = defaultdict(set)
        for (u, v, key), sup in self.support.items():
            info = dict(self.edge_info[(u, v, key)])
            sources = []
            for graph in dict.fromkeys(s[0] for s in sup):  # one per article, in order
                fact = next(s[1] for s in sup if s[0] == graph)
                art = self.articles.get(graph, {})
                ev = self.evidence.get((graph, fact), {})
                sources.append({"evidence": ev.get("ev", ""), "article": art.get("title", ""),
                                "date": art.get("date", ""), "id": art.get("id", ""),
                                "conf": ev.get("conf", 0.0), "extra": next(
                                    s[2] for s in sup if s[0] == graph)})
            # The most confident sentence first, then the newest article.
            sources.sort(key=lambda s: (s["conf"], s["date"]), reverse=True)
            dates = sorted(s["date"] for s in sources if s["date"])
            if info.pop("status_from_sources", None):
                info.update(_membership_status(sources, info))
            best = sources[0]
            node_articles[u].update(s["id"] for s in sources)
            node_articles[v].update(s["id"] for s in sources)
            self.g.add_edge(
                u, v, key=key, **info, evidence=best["evidence"], article=best["article"],
                date=dates[-1] if dates else "", first=dates[0] if dates else "",
                articles=len(sources),
                sources=[{k: s[k] for k in ("evidence", "article", "date", "id")}
                         for s in sources[:MAX_SOURCES]])
        for n, arts in node_articles.items():
            self.g.nodes[n]["articles"] = len(arts)
        return self.g


def _membership_status(sources: list[dict], info: dict) -> dict[str, str]:
    """holds or former: what the newest dated article says, else whether any says current."""
    dated = [s for s in sources if s["date"]]
    newest = [max(dated, key=lambda s: s["date"])] if dated else sources
    statuses = [s["extra"]["status"] for s in newest]
    former = all(st.endswith("Former") for st in statuses)
    if not former:
        return {"relation": "holds"}
    return {"relation": "former", "label": f"nguyên {info['label']}",
            "label_en": f"former {info['label_en']}"}


def build_graph(store) -> nx.MultiDiGraph:
    """The whole store as a graph (see the module docstring for attributes)."""
    b = _Builder(store)
    for r in b._rows(MEMBERSHIPS):
        b.node(r["p"], "person")
        b.node(r["b"], "body")
        ev = b.evidence.get((r["g"], r["m"]), {})
        post = b.vocab.get(r["role"], {})
        label = post.get("vi") or ev.get("post") or r["role"].rsplit("/", 1)[-1]
        b.edge(r["p"], r["b"], r["m"], r["g"], r["m"], relation="holds", label=label,
               label_en=post.get("en") or label, status=r["status"], status_from_sources="1")
    for r in b._rows(AWARDS):
        b.node(r["rec"], "collective")
        b.node(r["c"], "award", r["award"])
        en = b.vocab.get(r["type"], {}).get("en") or "award"
        b.g.nodes[r["c"]]["label_en"] = f"Award: {en}"
        b.edge(r["c"], r["rec"], "awarded", r["g"], r["c"], relation="awarded to",
               label="trao cho", label_en=f"{en} awarded to")
        if r["giver"]:
            b.node(r["giver"], "body")
            b.edge(r["giver"], r["c"], "confers", r["g"], r["c"], relation="confers",
                   label="trao tặng", label_en="confers")
    for r in b._rows(ADOPTS):
        b.node(r["b"], "body")
        b.node(r["r"], "resolution")
        b.edge(r["b"], r["r"], "adopts", r["g"], r["r"], relation="adopts",
               label="thông qua", label_en="adopts")
    for r in b._rows(CHAIRS):
        b.node(r["p"], "person")
        b.node(r["e"], "meeting", "Hội nghị")
        b.edge(r["p"], r["e"], "chairs", r["g"], r["e"], relation="chairs", label="chủ trì",
               label_en="chairs")
    g = b.finish()
    for *_, d in g.edges(data=True):
        d.pop("status", None)
    add_centrality(g)
    return g


def add_centrality(g: nx.MultiDiGraph) -> None:
    """Degree and a centrality score (degree centrality of the undirected simple graph:
    linear time, so it scales to the whole corpus)."""
    simple = nx.Graph(g)
    rank = nx.degree_centrality(simple) if simple.number_of_nodes() > 1 else {}
    for n in g:
        g.nodes[n]["degree"] = simple.degree(n)
        g.nodes[n]["centrality"] = rank.get(n, 0.0)


def find_nodes(g: nx.MultiDiGraph, name: str,
               types: Iterable[str] | None = None) -> list[str]:
    """Nodes whose label matches ``name`` accent- and case-blind: exact matches first,
    then labels containing it; each group most connected first. ``types`` limits the
    node types searched."""
    q = fold(name)
    if not q:
        return []
    wanted = set(types) if types else None
    cand = [(n, d) for n, d in g.nodes(data=True) if not wanted or d.get("type") in wanted]
    rank = lambda nd: (-nd[1].get("degree", 0), nd[1].get("label", ""))  # noqa: E731
    exact = [n for n, d in sorted(cand, key=rank) if d.get("search") == q]
    return exact or [n for n, d in sorted(cand, key=rank) if q in d.get("search", "")]


def neighbourhood(g: nx.MultiDiGraph, centres: Iterable[str], depth: int) -> nx.MultiDiGraph:
    """The nodes within ``depth`` hops of any centre (edges in either direction)."""
    keep: set[str] = set()
    und = g.to_undirected(as_view=True)
    for c in centres:
        keep |= set(nx.single_source_shortest_path_length(und, c, cutoff=depth))
    return g.subgraph(keep).copy()


def expand_types(types: Iterable[str]) -> set[str]:
    """--type words (person, body, event, award, resolution or a node type) to node types."""
    return set().union(*(TYPE_GROUPS.get(t.strip(), {t.strip()}) for t in types))


def filter_graph(g: nx.MultiDiGraph, *, types: set[str] | None = None,
                 since: str | None = None, until: str | None = None) -> nx.MultiDiGraph:
    """Keep node types (person, body = every body kind, event, award, resolution) and
    edges whose dates meet [since, until] (undated edges stay); nodes left without an
    edge by the date filter go too."""
    h = g.copy()
    if types:
        wanted = expand_types(types)
        h.remove_nodes_from([n for n, d in g.nodes(data=True) if d.get("type") not in wanted])
    if since or until:
        drop = [(u, v, k) for u, v, k, d in h.edges(keys=True, data=True)
                if d.get("date") and ((since and d["date"] < since)
                                      or (until and (d.get("first") or d["date"]) > until))]
        h.remove_edges_from(drop)
        h.remove_nodes_from([n for n in list(h) if h.degree(n) == 0])
    return h
