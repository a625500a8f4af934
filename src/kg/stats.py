"""Counts per class and per relation, from the saved statistics queries."""

from __future__ import annotations

from .query import run_saved


def store_stats(store) -> dict:
    classes = {
        _short(r["class"]): int(r["count"]) for r in run_saved(store, "stats-classes").records()
    }
    relations = {
        r["relation"]: {"facts": int(r["facts"]), "articles": int(r["articles"])}
        for r in run_saved(store, "stats-relations").records()
    }
    return {
        "store": str(store.path),
        "quads": len(store),
        "articles": store.graph_count(),
        "classes": classes,
        "relations": relations,
    }


def _short(iri: str) -> str:
    from .rdf import NS

    for prefix, ns in NS.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri
