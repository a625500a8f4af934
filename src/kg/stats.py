"""Counts per class and per relation, kept as a VoID description in the statistics graph.

Counting every typed resource or every attestation reads the whole store (~0.2 s at 10^6
quads, seconds at 10^7), too slow for a question asked often. So the counts are computed
once at the end of each ingest (:func:`refresh_statistics`) and written to
``kg.rdf.STATISTICS_GRAPH``, where the saved queries ``stats-classes`` and
``stats-relations`` read them::

    <https://w3id.org/vnkg/id/dataset> a void:Dataset ;
        void:classPartition <…/dataset/class/kg-Person> ;
        kg:relationPartition <…/dataset/relation/holds> .
    <…/dataset/class/kg-Person> void:class kg:Person ; void:entities 2874 .
    <…/dataset/relation/holds> kg:ofRelation "holds" ; kg:facts 3125 ; kg:articles 790 .

A store filled some other way (``oxigraph load`` of N-Quads shards, SPARQL Update by
hand) has no statistics or stale ones until ``kg stats --refresh``.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox

from .labels import settle_pref_labels
from .query import run, run_saved
from .rdf import ID, NS, STATISTICS_GRAPH, VOCABULARY_GRAPH, term

# The live counts. Classes are counted in every graph but the vocabulary's (the post and
# award concepts) and the statistics' own.
CLASSES = f"""SELECT ?class (COUNT(DISTINCT ?s) AS ?count)
WHERE {{ GRAPH ?g {{ ?s a ?class }}
         FILTER(?g != <{VOCABULARY_GRAPH.value}> && ?g != <{STATISTICS_GRAPH.value}>) }}
GROUP BY ?class"""
# two scans joined on ?att (a hash join) rather than one lookup per attestation; only
# attestations have a kg:relation
RELATIONS = """SELECT ?relation (COUNT(?att) AS ?facts) (COUNT(DISTINCT ?article) AS ?articles)
WHERE {
  { SELECT ?att ?relation WHERE { ?att kg:relation ?relation } }
  { SELECT ?att ?article WHERE { ?att prov:wasDerivedFrom ?article } }
}
GROUP BY ?relation"""

DATASET = ox.NamedNode(ID + "dataset")


def live_counts(store) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    """Instances per class IRI, and (facts, articles) per relation, counted now."""
    classes = {r[0].value: int(r[1].value) for r in run(store, CLASSES).rows}
    relations = {r[0].value: (int(r[1].value), int(r[2].value))
                 for r in run(store, RELATIONS).rows}
    return classes, relations


def statistics_quads(classes: dict[str, int], relations: dict[str, tuple[int, int]]
                     ) -> list[ox.Quad]:
    g = STATISTICS_GRAPH

    def quad(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> ox.Quad:
        return ox.Quad(s, term(p), o, g)

    def count(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=term("xsd:integer"))

    out = [quad(DATASET, "rdf:type", term("void:Dataset"))]
    for iri, n in sorted(classes.items()):
        part = ox.NamedNode(f"{DATASET.value}/class/{_local(iri)}")
        out += [quad(DATASET, "void:classPartition", part),
                quad(part, "void:class", ox.NamedNode(iri)), quad(part, "void:entities", count(n))]
    for name, (facts, articles) in sorted(relations.items()):
        part = ox.NamedNode(f"{DATASET.value}/relation/{_local(name)}")
        out += [quad(DATASET, "kg:relationPartition", part),
                quad(part, "rdf:type", term("kg:RelationPartition")),
                quad(part, "kg:ofRelation", ox.Literal(name)),
                quad(part, "kg:facts", count(facts)), quad(part, "kg:articles", count(articles))]
    return out


def refresh_statistics(store) -> None:
    """Recount and replace the statistics graph (an embedded Store or a RemoteStore
    opened for writing)."""
    store.replace_graph(STATISTICS_GRAPH, statistics_quads(*live_counts(store)))


def refresh(store) -> None:
    """What the end of ``kg ingest`` and ``kg stats --refresh`` do to a store: one
    preferred label per entity and language (kg.labels), then the counts."""
    settle_pref_labels(store)
    refresh_statistics(store)


def stored_counts(store) -> tuple[dict[str, int], dict[str, tuple[int, int]]] | None:
    """The counts of the statistics graph (through the saved queries that read it), or
    None when the store has none."""
    if not run(store, f"ASK {{ GRAPH <{STATISTICS_GRAPH.value}> {{ ?d a void:Dataset }} }}"):
        return None
    classes = {r[0].value: int(r[1].value) for r in run_saved(store, "stats-classes").rows}
    relations = {r[0].value: (int(r[1].value), int(r[2].value))
                 for r in run_saved(store, "stats-relations").rows}
    return classes, relations


def store_stats(store, *, live: bool = False) -> dict:
    """What ``kg stats`` prints: the stored counts (counted now if the store has none,
    or with ``live``)."""
    counts = None if live else stored_counts(store)
    classes, relations = counts or live_counts(store)
    return {
        "store": str(getattr(store, "path", None) or store.endpoint),
        "quads": len(store),
        "articles": store.graph_count(),
        "counted": "now" if counts is None else "at the last ingest",
        "classes": {_short(c): n for c, n in sorted(classes.items(), key=lambda kv: -kv[1])},
        "relations": {r: {"facts": f, "articles": a}
                      for r, (f, a) in sorted(relations.items(), key=lambda kv: -kv[1][0])},
    }


def _short(iri: str) -> str:
    for prefix, ns in NS.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _local(name: str) -> str:
    """A readable IRI segment for a class or relation (kg-Person, holds), a hash for
    anything else."""
    short = _short(name).replace(":", "-")
    if short.replace("-", "").replace("_", "").isalnum() and short.isascii():
        return short
    return hashlib.sha1(name.encode()).hexdigest()[:16]
