"""SHACL validation of the graph against ``ontology/shapes.ttl``.

Two engines read the same shapes file:

* ``sparql`` (default) compiles the SHACL Core subset the shapes use (targets by class
  and by subject-of, cardinality, class, datatype, node kind, value lists, ranges,
  lengths, ``sh:hasValue``, ``sh:lessThan``, ``sh:uniqueLang``, ``sh:node``) into SPARQL
  queries and runs them on Oxigraph: the whole corpus validates in seconds, without
  copying the store.
* ``pyshacl`` runs the reference implementation on an rdflib copy of the union graph:
  slower, and the yardstick the tests compare the SPARQL engine with.

Both see the union of the named graphs (articles and vocabulary), as queries do.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD

from .lexicon import resource_dir

ENGINES = ("sparql", "pyshacl")
RDFS_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LANG_STRING = RDF.langString


@dataclass(frozen=True)
class Violation:
    shape: str  # the node shape (kgsh:Membership ...)
    component: str  # the SHACL constraint component (MinCount, Datatype ...)
    focus: str
    path: str = ""
    value: str = ""
    message: str = ""

    def key(self) -> tuple[str, str, str]:
        """What two engines must agree on: the focus node, the path, the component."""
        return (self.focus, self.path, self.component)


@dataclass
class Report:
    engine: str
    triples: int
    checks: int
    seconds: float
    violations: list[Violation] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.violations

    def summary(self) -> str:
        head = "conforms" if self.conforms else f"{len(self.violations)} violation(s)"
        return (f"{head}: {self.triples} triples, {self.checks} checks, "
                f"{self.seconds:.1f} s ({self.engine})")

    def text(self, examples: int = 3) -> str:
        """A readable report: one block per shape and message, with a few focus nodes."""
        lines = [self.summary()]
        groups: dict[tuple[str, str, str], list[Violation]] = {}
        for v in self.violations:
            groups.setdefault((v.shape, v.component, v.message), []).append(v)
        for (shape, component, message), vs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            lines.append(f"\n{len(vs)} x {_short(shape)} [{component}] {message}")
            for v in vs[:examples]:
                detail = f"  {v.focus}"
                if v.path:
                    detail += f"  {_short(v.path)}"
                if v.value:
                    detail += f" = {v.value[:80]}"
                lines.append(detail)
            if len(vs) > examples:
                lines.append(f"  ... and {len(vs) - examples} more")
        return "\n".join(lines)

    def counts(self) -> Counter[str]:
        return Counter(f"{_short(v.shape)} {v.component} {_short(v.path)}".strip()
                       for v in self.violations)


def _short(iri: str) -> str:
    from .rdf import NS

    for prefix, ns in {**NS, "kgsh": "https://w3id.org/vnkg/shapes#"}.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def shapes_path() -> Path:
    return resource_dir("ontology") / "shapes.ttl"


def load_shapes(path: Path | None = None) -> rdflib.Graph:
    return rdflib.Graph().parse(path or shapes_path(), format="turtle")


# --- entry points ----------------------------------------------------------------------


def validate_store(store, engine: str = "sparql", shapes: rdflib.Graph | None = None) -> Report:
    """Validate a :class:`kg.store.Store` (its union graph)."""
    shapes = shapes if shapes is not None else load_shapes()
    if engine == "sparql":
        return SparqlValidator(shapes).run(store.query, len(store))
    return _pyshacl(_union_to_rdflib(store.db), shapes)


def validate_file(path: str | Path, engine: str = "sparql",
                  shapes: rdflib.Graph | None = None) -> Report:
    """Validate an RDF file (N-Quads, TriG, Turtle, N-Triples, RDF/XML, JSON-LD)."""
    shapes = shapes if shapes is not None else load_shapes()
    db = ox.Store()
    fmt = ox.RdfFormat.from_extension(Path(path).suffix.lstrip(".")) or ox.RdfFormat.N_QUADS
    kwargs = {} if fmt.supports_datasets else {"to_graph": ox.DefaultGraph()}
    db.load(path=str(path), format=fmt, **kwargs)
    return validate_oxigraph(db, engine, shapes)


def validate_oxigraph(db: ox.Store, engine: str = "sparql",
                      shapes: rdflib.Graph | None = None) -> Report:
    """Validate an in-memory or on-disk pyoxigraph Store (union of all its graphs)."""
    shapes = shapes if shapes is not None else load_shapes()
    if engine == "sparql":
        return SparqlValidator(shapes).run(
            lambda q: db.query(q, use_default_graph_as_union=True), len(db))
    return _pyshacl(_union_to_rdflib(db), shapes)


def _union_to_rdflib(db: ox.Store) -> rdflib.Graph:
    triples = db.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } ",
                       use_default_graph_as_union=False)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    default = ox.serialize(db.quads_for_pattern(None, None, None, ox.DefaultGraph()),
                           format=ox.RdfFormat.N_QUADS)
    g = rdflib.Graph()
    quiet = logging.getLogger("rdflib.term")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # ill-typed literals are reported by the shapes instead
    try:
        g.parse(data=data, format="nt")
        if default:
            g.parse(data=default, format="nquads")
    finally:
        quiet.setLevel(level)
    return g


# --- pyshacl -------------------------------------------------------------------------------


def _pyshacl(data: rdflib.Graph, shapes: rdflib.Graph) -> Report:
    import pyshacl

    started = time.perf_counter()
    _, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                     allow_warnings=True)
    out = []
    nested = set(results.objects(None, SH.detail))  # sh:node details, reported by the parent
    for r in results.subjects(RDF.type, SH.ValidationResult):
        if r in nested:
            continue
        src = results.value(r, SH.sourceShape)
        node_shape = _owner(shapes, src)
        comp = str(results.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1]
        out.append(Violation(
            shape=str(node_shape), component=comp.removesuffix("ConstraintComponent"),
            focus=str(results.value(r, SH.focusNode)),
            path=str(results.value(r, SH.resultPath) or ""),
            value=str(results.value(r, SH.value) or ""),
            message=str(results.value(r, SH.resultMessage) or "")))
    n_checks = sum(1 for _ in _checks(shapes))
    return Report("pyshacl", len(data), n_checks, time.perf_counter() - started,
                  sorted(out, key=lambda v: (v.shape, v.focus, v.path)))


def _owner(shapes: rdflib.Graph, shape) -> rdflib.term.Node:
    """The node shape a property shape belongs to (the shape itself for a node shape)."""
    owner = shapes.value(predicate=SH.property, object=shape)
    return owner if owner is not None else shape


# --- SPARQL engine ---------------------------------------------------------------------------


def _n3(term: rdflib.term.Node) -> str:
    """A shapes-graph term in SPARQL syntax (IRIs and literals only)."""
    if isinstance(term, rdflib.BNode):
        raise ValueError("blank nodes cannot stand for values in a compiled check")
    return term.n3()


@dataclass(frozen=True)
class Check:
    shape: str
    component: str
    path: str
    message: str
    query: str
    has_value: bool = True


def _checks(shapes: rdflib.Graph) -> Iterator[Check]:
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        target = _target(shapes, shape)
        if target is None:
            continue  # only used through sh:node
        yield from _shape_checks(shapes, shape, target)


def _target(shapes: rdflib.Graph, shape) -> str | None:
    parts = []
    classes = sorted(shapes.objects(shape, SH.targetClass), key=str)
    if classes:
        vals = " ".join(_n3(c) for c in classes)
        parts.append(f"{{ VALUES ?_tc {{ {vals} }} ?focus {RDF_TYPE}/{RDFS_SUBCLASS}* ?_tc }}")
    for p in sorted(shapes.objects(shape, SH.targetSubjectsOf), key=str):
        parts.append(f"{{ ?focus {_n3(p)} ?_any }}")
    if not parts:
        return None
    return " UNION ".join(parts)


def _message(shapes: rdflib.Graph, node) -> str:
    m = shapes.value(node, SH.message)
    return str(m) if m is not None else ""


def _shape_checks(shapes: rdflib.Graph, shape, target: str) -> Iterator[Check]:
    """The checks of one node shape. The union graph repeats a triple once per article
    graph, so focus nodes and (focus, value) pairs are made distinct before any test."""
    s = str(shape)
    focus = f"{{ SELECT DISTINCT ?focus WHERE {{ {target} }} }}"
    for comp, cond in _value_conditions(shapes, shape, "?focus"):
        q = f"SELECT ?focus WHERE {{ {focus} FILTER({cond}) }}"
        yield Check(s, comp, "", _message(shapes, shape), q, has_value=False)
    for prop in sorted(shapes.objects(shape, SH.property), key=str):
        path = shapes.value(prop, SH.path)
        if not isinstance(path, rdflib.URIRef):
            raise ValueError(f"{s}: only predicate paths are supported, not {path!r}")
        p, msg = _n3(path), _message(shapes, prop)
        pairs = f"{{ SELECT DISTINCT ?focus ?value WHERE {{ {focus} ?focus {p} ?value }} }}"
        lo, hi = shapes.value(prop, SH.minCount), shapes.value(prop, SH.maxCount)
        if lo is not None and int(lo) > 0:
            q = (f"SELECT ?focus WHERE {{ {{ SELECT ?focus (COUNT(DISTINCT ?v) AS ?n) WHERE {{ "
                 f"{focus} OPTIONAL {{ ?focus {p} ?v }} }} GROUP BY ?focus }} "
                 f"FILTER(?n < {int(lo)}) }}")
            yield Check(s, "MinCount", str(path), msg, q, has_value=False)
        if hi is not None:
            q = (f"SELECT ?focus WHERE {{ {{ SELECT ?focus (COUNT(DISTINCT ?value) AS ?n) "
                 f"WHERE {{ {pairs} }} GROUP BY ?focus }} FILTER(?n > {int(hi)}) }}")
            yield Check(s, "MaxCount", str(path), msg, q, has_value=False)
        if shapes.value(prop, SH.uniqueLang) == rdflib.Literal(True):
            q = (f"SELECT DISTINCT ?focus WHERE {{ {{ SELECT ?focus ?lang "
                 f"(COUNT(DISTINCT ?value) AS ?n) WHERE {{ {pairs} BIND(LANG(?value) AS ?lang) "
                 f'FILTER(?lang != "") }} GROUP BY ?focus ?lang }} FILTER(?n > 1) }}')
            yield Check(s, "UniqueLang", str(path), msg, q, has_value=False)
        for hv in shapes.objects(prop, SH.hasValue):
            q = f"SELECT ?focus WHERE {{ {focus} FILTER NOT EXISTS {{ ?focus {p} {_n3(hv)} }} }}"
            yield Check(s, "HasValue", str(path), msg, q, has_value=False)
        for other in shapes.objects(prop, SH.lessThan):
            q = (f"SELECT DISTINCT ?focus ?value WHERE {{ {pairs} "
                 f"?focus {_n3(other)} ?_o FILTER(!(?value < ?_o)) }}")
            yield Check(s, "LessThan", str(path), msg, q)
        for comp, cond in _value_conditions(shapes, prop, "?value"):
            q = f"SELECT ?focus ?value WHERE {{ {pairs} FILTER({cond}) }}"
            yield Check(s, comp, str(path), msg, q)


def _value_conditions(shapes: rdflib.Graph, node, var: str) -> Iterator[tuple[str, str]]:
    """(component, SPARQL expression true when ``var`` violates it) for the value-level
    constraints of a shape."""
    for c in shapes.objects(node, SH["class"]):
        yield "Class", f"NOT EXISTS {{ {var} {RDF_TYPE}/{RDFS_SUBCLASS}* {_n3(c)} }}"
    for d in shapes.objects(node, SH.datatype):
        yield "Datatype", _datatype_violation(var, d)
    for k in shapes.objects(node, SH.nodeKind):
        test = {SH.IRI: "isIRI", SH.Literal: "isLiteral", SH.BlankNode: "isBlank"}.get(k)
        if test is None:
            raise ValueError(f"unsupported sh:nodeKind {k}")
        yield "NodeKind", f"!{test}({var})"
    for lst in shapes.objects(node, SH["in"]):
        vals = ", ".join(_n3(t) for t in Collection(shapes, lst))
        yield "In", f"!({var} IN ({vals}))"
    for m in shapes.objects(node, SH.minInclusive):
        yield "MinInclusive", f"!({var} >= {_n3(m)})"
    for m in shapes.objects(node, SH.maxInclusive):
        yield "MaxInclusive", f"!({var} <= {_n3(m)})"
    for m in shapes.objects(node, SH.minLength):
        yield "MinLength", f"(isBlank({var}) || STRLEN(STR({var})) < {int(m)})"
    for ref in shapes.objects(node, SH.node):
        fails = [c for _, c in _value_conditions(shapes, ref, var)]
        for prop in shapes.objects(ref, SH.property):
            p = _n3(shapes.value(prop, SH.path))
            for hv in shapes.objects(prop, SH.hasValue):
                fails.append(f"NOT EXISTS {{ {var} {p} {_n3(hv)} }}")
            lo = shapes.value(prop, SH.minCount)
            if lo is not None and int(lo) > 0:
                fails.append(f"NOT EXISTS {{ {var} {p} ?_x }}")
            inner = [c for _, c in _value_conditions(shapes, prop, "?_y")]
            if inner:
                fails.append(f"EXISTS {{ {var} {p} ?_y FILTER({' || '.join(inner)}) }}")
        if fails:
            yield "Node", " || ".join(f"({f})" for f in fails)


_CASTS = {XSD.date, XSD.integer, XSD.decimal, XSD.boolean, XSD.dateTime, XSD.double}


def _datatype_violation(var: str, dt) -> str:
    if dt == LANG_STRING:
        return f"(!isLiteral({var}) || LANG({var}) = \"\")"
    cond = f"(!isLiteral({var}) || DATATYPE({var}) != {_n3(dt)}"
    if dt in _CASTS:  # ill-typed lexical forms ("2026-02-30"^^xsd:date) fail the cast
        cond += f" || sameTerm(COALESCE({_n3(dt)}(STR({var})), \"!\"), \"!\")"
    return cond + ")"


class SparqlValidator:
    def __init__(self, shapes: rdflib.Graph):
        self.checks = list(_checks(shapes))

    def run(self, query, triples: int) -> Report:
        started = time.perf_counter()
        out: list[Violation] = []
        for c in self.checks:
            for row in query(c.query):
                value = row["value"] if c.has_value else None
                out.append(Violation(c.shape, c.component, row["focus"].value, c.path,
                                     _plain(value), c.message))
        out.sort(key=lambda v: (v.shape, v.focus, v.path))
        return Report("sparql", triples, len(self.checks), time.perf_counter() - started, out)


def _plain(term) -> str:
    if term is None:
        return ""
    return term.value if isinstance(term, ox.NamedNode | ox.BlankNode) else str(term)
