"""SPARQL over the store, and the library of saved queries shipped in ``kg/queries``.

A saved query is a ``.rq`` file whose leading comment says what it is for::

    # Career of a person: posts, bodies, first and last dates seen, articles.
    # param name: part of the person's name (accent and case blind)

Parameters are bound with SPARQL substitutions (never pasted into the query text). A line
``# hint ENGINE: TEXT`` anywhere in the file is a comment to every engine but one:
kg.remote puts TEXT in front of the query when the server is ENGINE (``# hint virtuoso:
DEFINE sql:select-option "order"``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .text import fold

QUERY_DIR = Path(__file__).parent / "queries"
HINT = re.compile(r"^#[ \t]*hint[ \t]+([\w.-]+):[ \t]*(\S.*?)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class SavedQuery:
    name: str
    description: str
    params: dict[str, str] = field(default_factory=dict)
    text: str = ""
    path: Path | None = None


def _parse_saved(path: Path) -> SavedQuery:
    text = path.read_text(encoding="utf-8")
    desc: list[str] = []
    params: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line.lstrip("#").strip()
        m = re.match(r"param\s+(\w+):\s*(.*)", body)
        if m:
            params[m.group(1)] = m.group(2)
        elif body and not HINT.match(line):
            desc.append(body)
    return SavedQuery(path.stem, " ".join(desc), params, text, path)


def saved_queries() -> dict[str, SavedQuery]:
    return {p.stem: _parse_saved(p) for p in sorted(QUERY_DIR.glob("*.rq"))}


def saved_query(name: str) -> SavedQuery:
    queries = saved_queries()
    if name not in queries:
        raise KeyError(f"no saved query {name!r}; known: {', '.join(queries)}")
    return queries[name]


_IRI_OR_STRING = re.compile(r'<[^<>\s]*>|"(?:[^"\\\n]|\\.)*"')


def bind(sparql: str, params: dict[str, str]) -> str:
    """Bind parameters with a VALUES block at the top of every WHERE clause.

    Each value becomes an RDF literal serialised by Oxigraph (quotes, backslashes and
    newlines escaped), so user input is data, never query text. A parameter ``name``
    also binds ``?name_folded`` (accent- and case-blind) for matching ``kg:searchKey``.
    The block goes into the outermost WHERE and into each sub-select's, so that a
    sub-select can look the name up first (a one-row VALUES joined where the parameter
    is unused changes nothing).
    """
    if not params:
        return sparql
    names, values = [], []
    for k, v in params.items():
        if not re.fullmatch(r"[A-Za-z_]\w*", k):
            raise ValueError(f"bad parameter name {k!r}")
        names += [f"?{k}", f"?{k}_folded"]
        values += [str(ox.Literal(v)), str(ox.Literal(fold(v)))]
    block = f"\n  VALUES ({' '.join(names)}) {{ ({' '.join(values)}) }}\n"
    out, last = [], 0
    for m in re.finditer(r"\bWHERE\s*\{", sparql, re.IGNORECASE):
        line = sparql[sparql.rfind("\n", 0, m.start()) + 1 : m.start()]
        if "#" in _IRI_OR_STRING.sub("", line):
            continue  # in a comment
        out += [sparql[last : m.end()], block]
        last = m.end()
    if not out:
        raise ValueError("a parameterised query needs a WHERE clause")
    return "".join(out) + sparql[last:]


@dataclass
class Table:
    """Query results as plain Python values, with their SPARQL terms kept."""

    columns: list[str]
    rows: list[list[ox.NamedNode | ox.Literal | ox.BlankNode | None]]

    def values(self) -> list[list[str]]:
        return [[_plain(v) for v in row] for row in self.rows]

    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.values()]


def _plain(v: object) -> str:
    if v is None:
        return ""
    return getattr(v, "value", str(v))


def to_table(solutions: ox.QuerySolutions) -> Table:
    cols = [v.value for v in solutions.variables]
    rows = [[sol[c] for c in cols] for sol in solutions]
    return Table(cols, rows)


def run(store, sparql: str, params: dict[str, str] | None = None):
    """Run a query on a :class:`kg.store.Store`; SELECT gives a Table, ASK a bool,
    CONSTRUCT/DESCRIBE a list of triples."""
    result = store.query(bind(sparql, params or {}))
    if isinstance(result, ox.QuerySolutions):
        return to_table(result)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    return list(result)


def run_saved(store, name: str, params: dict[str, str] | None = None):
    q = saved_query(name)
    missing = [p for p in q.params if p not in (params or {})]
    if missing:
        needs = ", ".join(f"--param {m}=..." for m in missing)
        raise ValueError(f"saved query {name!r} needs: {needs}")
    return run(store, q.text, params)


# --- output ------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ gets a leading '."""
    return "'" + value if value.startswith(FORMULA_START) else value


def format_table(table: Table, fmt: str = "table") -> str:
    values = table.values()
    if fmt == "json":
        return json.dumps(sparql_json(table), ensure_ascii=False, indent=1)
    if fmt in {"csv", "tsv"}:
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(table.columns)
        w.writerows([[safe_cell(c) for c in row] for row in values])
        return buf.getvalue()
    return aligned(table.columns, values)


def aligned(columns: list[str], rows: Iterable[list[str]], max_width: int = 60) -> str:
    rows = [[_clip(c, max_width) for c in r] for r in rows]
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    out = [line.rstrip(), "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    out.append(f"({len(rows)} rows)")
    return "\n".join(out)


def _clip(s: str, n: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def sparql_json(table: Table) -> dict:
    """SPARQL 1.1 Query Results JSON."""
    def term_json(v):
        if isinstance(v, ox.NamedNode):
            return {"type": "uri", "value": v.value}
        if isinstance(v, ox.BlankNode):
            return {"type": "bnode", "value": v.value}
        d = {"type": "literal", "value": v.value}
        if v.language:
            d["xml:lang"] = v.language
        elif v.datatype and v.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            d["datatype"] = v.datatype.value
        return d

    return {
        "head": {"vars": table.columns},
        "results": {"bindings": [
            {c: term_json(v) for c, v in zip(table.columns, row, strict=True) if v is not None}
            for row in table.rows
        ]},
    }
