"""`kg ingest/query/export --endpoint` against real SPARQL servers started here on free
loopback ports: Oxigraph server (the `oxigraph` CLI from PyPI) and Virtuoso (Debian's
virtuoso-opensource). Each is skipped, with the reason, when its binary is missing."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import Store, run, run_saved, saved_queries
from kg.remote import RemoteStore, _bnode_slices, default_update_endpoint, with_prefixes

from .conftest import SAMPLES, run_kg

VIRTUOSO_VAD = Path("/usr/share/virtuoso-opensource-7/vad")
VIRTUOSO_ROOT = Path("/var/lib/virtuoso-opensource-7/vsp")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not come up in {seconds} s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass
class Endpoint:
    name: str
    query: str
    args: list[str] = field(default_factory=list)  # extra `kg ingest` options


def oxigraph_binary() -> str | None:
    local = Path(sys.executable).parent / "oxigraph"
    return str(local) if local.exists() else shutil.which("oxigraph")


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory) -> Iterator[str]:
    """`oxigraph serve` on a free port; yields its base URL."""
    binary = oxigraph_binary()
    if not binary:
        pytest.skip("the oxigraph CLI is missing (pip install oxigraph)")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
         "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/query?query=ASK%7B%7D", proc)
        yield base
    finally:
        stop(proc)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
DirsAllowed = ., {d}, {vad}
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {root}
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 600
"""
# Hide Virtuoso's own graphs (quad-map metadata, service description, LDP) from the
# anonymous /sparql user, so that GRAPH ?g sees the knowledge graph only.
PRIVATE = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"
VIRTUOSO_SETUP = [
    f"DB.DBA.RDF_GRAPH_GROUP_CREATE ('{PRIVATE}', 1);",
    *[f"DB.DBA.RDF_GRAPH_GROUP_INS ('{PRIVATE}', '{g}');" for g in (
        "http://www.openlinksw.com/schemas/virtrdf#", "http://localuriqaserver/sparql",
        "http://www.w3.org/ns/ldp#")],
    "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);",
]


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory) -> Iterator[str]:
    """A throw-away Virtuoso on free loopback ports; yields its base URL. Writes go to
    /sparql-auth with digest auth (dba/dba, test-only database)."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if not binary or not isql:
        pytest.skip("Virtuoso is missing (apt-get install virtuoso-opensource)")
    d = tmp_path_factory.mktemp("virtuoso")
    sql, http = free_port(), free_port()
    (d / "virtuoso.ini").write_text(VIRTUOSO_INI.format(
        d=d, sql=sql, http=http, vad=VIRTUOSO_VAD, root=VIRTUOSO_ROOT))
    proc = subprocess.Popen([binary, "+foreground", "+configfile", str(d / "virtuoso.ini")],
                            cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http}"
    try:
        wait_http(base + "/sparql?query=ASK%7B%7D", proc)
        subprocess.run([isql, f"127.0.0.1:{sql}", "dba", "dba",
                        "exec=" + " ".join(VIRTUOSO_SETUP)],
                       check=True, capture_output=True, timeout=120)
        yield base
    finally:
        stop(proc)


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


# --- units ---------------------------------------------------------------------------------


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
