"""`kg ingest/query/export --endpoint` against real SPARQL servers started here on free
loopback ports: Oxigraph server (the `oxigraph` CLI from PyPI) and Virtuoso (Debian's
virtuoso-opensource). Each is skipped, with the reason, when its binary is missing."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import Store, run, run_saved, saved_queries
from kg.localservers import (
    Virtuoso,
    oxigraph_binary,
    start_oxigraph,
    stop,
    virtuoso_available,
)
from kg.remote import (
    RemoteError,
    RemoteStore,
    _bnode_slices,
    default_update_endpoint,
    with_hints,
    with_prefixes,
)

from .conftest import SAMPLES, run_kg

VIRTUOSO_VAD = Path("/usr/share/virtuoso-opensource-7/vad")


@dataclass
class Endpoint:
    name: str
    query: str
    args: list[str] = field(default_factory=list)  # extra `kg ingest` options


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory) -> Iterator[str]:
    """`oxigraph serve` on a free port; yields its base URL."""
    if not oxigraph_binary():
        pytest.skip("the oxigraph CLI is missing (pip install oxigraph)")
    proc, base = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    try:
        yield base
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory) -> Iterator[str]:
    """A throw-away Virtuoso on free loopback ports; yields its base URL. Writes go to
    /sparql-auth with digest auth (dba/dba, test-only database)."""
    if not virtuoso_available():
        pytest.skip("Virtuoso is missing (apt-get install virtuoso-opensource)")
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso"), VIRTUOSO_VAD, isql_timeout=120)
    try:
        yield server.base
    finally:
        server.stop()


@pytest.fixture(params=["oxigraph-update", "oxigraph-gsp", "virtuoso-update"])
def endpoint(request) -> Endpoint:
    if request.param.startswith("oxigraph"):
        base = request.getfixturevalue("oxigraph")
        args = ["--graph-store", base + "/store"] if request.param.endswith("gsp") else []
        return Endpoint(request.param, base + "/query", args)
    base = request.getfixturevalue("virtuoso")
    return Endpoint(request.param, base + "/sparql",
                    ["--update-endpoint", base + "/sparql-auth", "--auth", "dba:dba"])


def saved_args(store: Path) -> dict[str, list[str]]:
    """`kg query` arguments for every saved query, parameters taken from the store."""
    with Store.open(store) as st:
        person = run(st, "SELECT ?n WHERE { ?p a foaf:Person ; foaf:name ?n } "
                         "ORDER BY ?n LIMIT 1").values()[0][0]
        body = run(st, "SELECT ?n WHERE { ?m org:organization ?b . ?b rdfs:label ?n } "
                       "ORDER BY ?n LIMIT 1").values()[0][0]
    out = {}
    for name, q in saved_queries().items():
        args = ["--saved", name]
        for p in q.params:
            args += ["-p", f"{p}={person if name.startswith('person') else body}"]
        out[name] = args
    return out


def rows(result: subprocess.CompletedProcess) -> list[str]:
    assert result.returncode == 0, result.stderr.decode()
    lines = result.stdout.decode().splitlines()
    return [lines[0], *sorted(lines[1:])]


def test_ingest_matches_embedded_store(endpoint: Endpoint, tmp_path: Path) -> None:
    embedded = tmp_path / "kg-data"
    r = run_kg("ingest", str(SAMPLES), "--store", str(embedded))
    assert r.returncode == 0, r.stderr.decode()
    r = run_kg("ingest", str(SAMPLES), "--endpoint", endpoint.query, *endpoint.args)
    assert r.returncode == 0, r.stderr.decode()
    with Store.open(embedded) as st, RemoteStore.open(endpoint.query) as remote:
        assert len(remote) == len(st) > 1000
        assert remote.graph_count() == st.graph_count() == len(list(SAMPLES.glob("*.txt")))
    # every saved query through the library (same code path as the CLI, minus the
    # process start-up), and two of them through `kg query` itself
    nonempty = 0
    all_args = saved_args(embedded)
    with Store.open(embedded) as st, RemoteStore.open(endpoint.query) as remote:
        for name, args in all_args.items():
            params = dict(a.split("=", 1) for a in args[3::2])
            want = sorted(run_saved(st, name, params).values())
            got = sorted(run_saved(remote, name, params).values())
            assert got == want, f"{endpoint.name}: saved query {name} differs"
            nonempty += bool(want)
    assert nonempty >= len(saved_queries()) // 2
    for name in ("memberships", "person-career"):
        args = all_args[name]
        want = rows(run_kg("query", *args, "--store", str(embedded), "--format", "tsv"))
        got = rows(run_kg("query", *args, "--endpoint", endpoint.query, "--format", "tsv"))
        assert got == want and len(want) > 1, f"{endpoint.name}: kg query --saved {name}"


def test_reingest_replaces_graphs(endpoint: Endpoint) -> None:
    one = sorted(SAMPLES.glob("*.txt"))[0]
    assert run_kg("ingest", str(SAMPLES), "--endpoint", endpoint.query,
                  *endpoint.args).returncode == 0
    with RemoteStore.open(endpoint.query) as remote:
        before = len(remote)
    r = run_kg("ingest", str(one), "--endpoint", endpoint.query, *endpoint.args)
    assert r.returncode == 0, r.stderr.decode()
    assert "+0 quads" in r.stderr.decode()
    with RemoteStore.open(endpoint.query) as remote:
        assert len(remote) == before


def test_export_matches_embedded(endpoint: Endpoint, tmp_path: Path) -> None:
    embedded = tmp_path / "kg-data"
    assert run_kg("ingest", str(SAMPLES), "--store", str(embedded)).returncode == 0
    assert run_kg("ingest", str(SAMPLES), "--endpoint", endpoint.query,
                  *endpoint.args).returncode == 0
    got = run_kg("export", "--endpoint", endpoint.query, "--format", "nquads")
    want = run_kg("export", "--store", str(embedded), "--format", "nquads")
    assert got.returncode == 0, got.stderr.decode()
    remote_ds, local_ds = ox.Dataset(ox.parse(got.stdout, format=ox.RdfFormat.N_QUADS)), \
        ox.Dataset(ox.parse(want.stdout, format=ox.RdfFormat.N_QUADS))
    assert len(remote_ds) == len(local_ds)

    def ground(ds: ox.Dataset) -> set[str]:  # blank node labels differ between stores
        return {str(q) for q in ds if not any(isinstance(t, ox.BlankNode) for t in q)}

    assert ground(remote_ds) == ground(local_ds)


def test_query_errors_are_reported(oxigraph: str) -> None:
    r = run_kg("query", "SELECT ?x WHERE { ?x", "--endpoint", oxigraph + "/query")
    assert r.returncode == 1
    assert b"HTTP 400" in r.stderr and b"Traceback" not in r.stderr
    r = run_kg("query", "ASK {}", "--endpoint", "http://127.0.0.1:9/query")
    assert r.returncode == 1 and b"Traceback" not in r.stderr


def test_construct_and_ask_through_remote(oxigraph: str) -> None:
    assert run_kg("ingest", str(SAMPLES), "--endpoint", oxigraph + "/query").returncode == 0
    with RemoteStore.open(oxigraph + "/query") as remote:
        assert run(remote, "ASK { ?p a foaf:Person }") is True
        triples = run(remote, "CONSTRUCT { ?p a foaf:Person } WHERE { ?p a foaf:Person }")
        assert triples and all(isinstance(t, ox.Triple) for t in triples)


@pytest.mark.parametrize("server", ["oxigraph", "virtuoso"])
def test_a_hint_goes_to_its_engine_only(server: str, request) -> None:
    """A "# hint virtuoso:" line is sent to Virtuoso (which refuses this unknown option,
    so the test sees that it arrived) and is only a comment to Oxigraph."""
    base = request.getfixturevalue(server)
    q = "# hint virtuoso: DEFINE sql:no-such-option 1\nSELECT (1 AS ?x) WHERE { }"
    with RemoteStore(base + ("/query" if server == "oxigraph" else "/sparql")) as remote:
        if server == "virtuoso":
            with pytest.raises(RemoteError, match="no-such-option"):
                remote.query(q)
        else:
            assert [s["x"].value for s in remote.query(q)] == ["1"]


# --- units ---------------------------------------------------------------------------------


def test_with_hints_picks_the_server_s_lines() -> None:
    q = ('# hint virtuoso: DEFINE sql:select-option "order"\n# hint fuseki: X\n'
         "# hint virtuoso:\nSELECT * WHERE { ?s ?p ?o }")
    out = with_hints(q, "Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu")
    assert out == 'DEFINE sql:select-option "order"\n' + q  # an empty hint takes no line
    assert with_hints(q, "Apache Jena Fuseki (5.1.0)") == "X\n" + q
    assert with_hints(q, "Oxigraph/0.5.3") == q == with_hints(q, "") == with_hints(q, "nginx")


def test_with_prefixes_adds_only_missing_used_prefixes() -> None:
    q = "PREFIX foaf: <http://example.org/f#>\nSELECT * WHERE { ?p foaf:name ?n ; kg:x ?y }"
    out = with_prefixes(q)
    assert "PREFIX kg: <https://w3id.org/vnkg/ontology#>" in out
    assert out.count("PREFIX foaf:") == 1 and "PREFIX org:" not in out


def test_default_update_endpoint() -> None:
    assert default_update_endpoint("http://h:7878/query") == "http://h:7878/update"
    assert default_update_endpoint("http://h:3030/ds/query") == "http://h:3030/ds/update"
    assert default_update_endpoint("http://h:8890/sparql") == "http://h:8890/sparql"


def test_bnode_slices_keep_nodes_together() -> None:
    p = ox.NamedNode("urn:p")
    triples = []
    for i in range(50):
        a, b = ox.BlankNode(f"a{i}"), ox.BlankNode(f"b{i}")
        triples += [ox.Triple(ox.NamedNode(f"urn:s{i}"), p, a), ox.Triple(a, p, b),
                    ox.Triple(b, p, ox.Literal("x"))]
    slices = list(_bnode_slices(triples, 10))
    assert sum(len(s) for s in slices) == len(triples) and len(slices) > 5
    where: dict[str, int] = {}
    for i, part in enumerate(slices):
        for t in part:
            for x in (t.subject, t.object):
                if isinstance(x, ox.BlankNode):
                    assert where.setdefault(x.value, i) == i
