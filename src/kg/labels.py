"""One preferred label per entity and language (SKOS integrity condition S14).

A body's IRI comes from the key of its name (case, tone placement and punctuation
blind), so "Bộ Giao thông vận tải" and "bộ Giao thông Vận tải" are one body. Each
article states the name as it wrote it (abbreviations expanded) as ``skos:prefLabel``,
and on the corpus one body in eight ended up with two to five of them, so that a roster
listed the same body once per spelling. After each load, :func:`settle_pref_labels`
keeps one per entity and language in the shared entities graph, chosen by a fixed rule
over every spelling the entity has (preferred and alternative), and turns the others
into ``skos:altLabel``. The rule does not depend on the order the articles came in, so
N-Quads shards from ``kg.distributed`` loaded elsewhere and settled end as ``kg ingest``
ends.
"""

from __future__ import annotations

import pyoxigraph as ox

from .query import run
from .rdf import ENTITIES_GRAPH, term
from .store import replace_update

PREF, ALT = term("skos:prefLabel"), term("skos:altLabel")
LABELS = f"""SELECT ?s ?p ?l WHERE {{
  VALUES ?p {{ <{PREF.value}> <{ALT.value}> }}
  GRAPH <{ENTITIES_GRAPH.value}> {{ ?s ?p ?l }}
}}"""


def preference(label: str) -> tuple[bool, int, int, str]:
    """Sort key, best first: a capital first letter, then the fewest capitals (official
    Vietnamese names capitalise the first word and proper names only: "Bộ Giao thông
    vận tải"), then the shortest, then code point order."""
    return not label[:1].isupper(), sum(c.isupper() for c in label), len(label), label


def settle_pref_labels(store) -> int:
    """Leave at most one skos:prefLabel per entity and language in the entities graph
    (an embedded Store or a RemoteStore opened for writing); returns how many became
    skos:altLabel."""
    pref: dict[tuple[ox.NamedNode, str], set[ox.Literal]] = {}
    alt: dict[tuple[ox.NamedNode, str], set[ox.Literal]] = {}
    for s, p, label in run(store, LABELS).rows:
        if isinstance(label, ox.Literal) and label.language:
            (pref if p == PREF else alt).setdefault((s, label.language), set()).add(label)
    delete: list[ox.Quad] = []
    insert: list[ox.Quad] = []
    g = ENTITIES_GRAPH
    for (s, lang), prefs in pref.items():
        if len(prefs) < 2:
            continue
        best = min(prefs | alt.get((s, lang), set()), key=lambda lit: preference(lit.value))
        for label in prefs - {best}:
            delete.append(ox.Quad(s, PREF, label, g))
            insert.append(ox.Quad(s, ALT, label, g))
        if best not in prefs:  # not reached by ingests (see the module docstring)
            delete.append(ox.Quad(s, ALT, best, g))
            insert.append(ox.Quad(s, PREF, best, g))
    if delete:
        store.update(replace_update((), insert, delete))
    return len(delete)
