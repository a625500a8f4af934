"""`kg serve` over real HTTP: the server runs in a subprocess on a free loopback port and
is spoken to with SPARQLWrapper, curl and urllib."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest

from kg import Store, run, run_saved, saved_queries
from kg.server import parse_accept, serialize_solutions

from .conftest import SAMPLES, run_kg

PERSONS = """PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT DISTINCT ?name WHERE { ?p a foaf:Person ; foaf:name ?name } ORDER BY ?name"""
# Four-fold cross product of every triple: ~2e14 rows on the sample store, i.e. hours.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TIMEOUT = 2


class Server:
    def __init__(self, proc: subprocess.Popen, url: str):
        self.proc = proc
        self.url = url
        self.sparql = url + "/sparql"


def start_server(store: Path, *args: str) -> Server:
    """`kg serve --port 0` in a subprocess; the port is read from its first line."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", "--store", str(store), "--port", "0", *args],
        stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert proc.stderr is not None
    line = proc.stderr.readline()
    m = re.search(r"http://([\d.]+):(\d+)/sparql", line)
    if not m:
        proc.kill()
        raise AssertionError(f"kg serve did not start: {line}{proc.stderr.read()}")
    return Server(proc, f"http://{m.group(1)}:{m.group(2)}")


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(10)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait()


@pytest.fixture(scope="module")
def server(sample_store: Path) -> Iterator[Server]:
    s = start_server(sample_store, "--timeout", str(TIMEOUT), "--max-rows", "1000")
    yield s
    stop_server(s)


def http(url: str, data: bytes | None = None, headers: dict | None = None,
         method: str | None = None, timeout: float = 60):
    """(status, headers, body) of one request; HTTP errors are answers, not exceptions."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def post_query(server: Server, query: str, accept: str = "application/sparql-results+json"):
    return http(server.sparql, urlencode({"query": query}).encode(),
                {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})


def embedded_names(store: Path) -> list[str]:
    with Store.open(store) as st:
        return [r[0] for r in run(st, PERSONS).values()]


# --- clients ------------------------------------------------------------------------------


def test_binds_loopback_by_default(server: Server) -> None:
    assert server.url.startswith("http://127.0.0.1:")


def test_sparqlwrapper_select(server: Server, sample_store: Path) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(server.sparql)
    client.setQuery(PERSONS)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    names = [b["name"]["value"] for b in result["results"]["bindings"]]
    assert names == embedded_names(sample_store)
    assert len(names) > 3


def test_sparqlwrapper_post_xml_and_ask(server: Server) -> None:
    from SPARQLWrapper import JSON, POST, XML, SPARQLWrapper

    client = SPARQLWrapper(server.sparql)
    client.setMethod(POST)
    client.setQuery("ASK { ?p a <http://xmlns.com/foaf/0.1/Person> }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True
    client.setQuery(PERSONS)
    client.setReturnFormat(XML)
    doc = client.query().convert()  # an xml.dom Document
    assert len(doc.getElementsByTagName("result")) > 3


def test_curl_csv(server: Server, sample_store: Path) -> None:
    curl = shutil.which("curl")
    if not curl:
        pytest.skip("curl is not installed")
    out = subprocess.run([curl, "-sS", "-f", "-H", "Accept: text/csv", server.sparql,
                          "--data-urlencode", f"query={PERSONS}"],
                         capture_output=True, check=True, timeout=60)
    lines = out.stdout.decode().splitlines()
    assert lines[0] == "name"
    assert lines[1:] == embedded_names(sample_store)


@pytest.mark.parametrize("how", ["accept", "param"])
@pytest.mark.parametrize("fmt,media,parser", [
    ("json", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("tsv", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
])
def test_result_formats_round_trip(server: Server, sample_store: Path, how: str, fmt: str,
                                   media: str, parser: ox.QueryResultsFormat) -> None:
    q = "SELECT ?p ?name ?date WHERE { ?p foaf:name ?name OPTIONAL { ?p dcterms:date ?date } }"
    if how == "accept":
        status, headers, body = post_query(server, q, media)
    else:
        status, headers, body = http(server.sparql + "?" + urlencode({"query": q, "format": fmt}))
    assert status == 200, body
    assert headers["Content-Type"].startswith(media)
    got = sorted((str(s["p"]), str(s["name"])) for s in ox.parse_query_results(body, parser))
    with Store.open(sample_store) as st:
        want = sorted((str(s["p"]), str(s["name"])) for s in st.query(q))
    assert got == want and got


def test_post_sparql_query_body(server: Server, sample_store: Path) -> None:
    status, _, body = http(server.sparql, PERSONS.encode(),
                           {"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert status == 200
    assert body.decode().splitlines()[1:] == embedded_names(sample_store)


@pytest.mark.parametrize("accept,fmt", [("text/turtle", ox.RdfFormat.TURTLE),
                                        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                                        ("application/ld+json", ox.RdfFormat.JSON_LD)])
def test_construct_formats(server: Server, accept: str, fmt: ox.RdfFormat) -> None:
    q = "CONSTRUCT { ?p a foaf:Person ; foaf:name ?n } WHERE { ?p a foaf:Person ; foaf:name ?n }"
    status, headers, body = post_query(server, q, accept)
    assert status == 200, body
    assert headers["Content-Type"].startswith(accept)
    triples = list(ox.parse(body, format=fmt))
    names = {t.object.value for t in triples if t.predicate.value.endswith("/name")}
    assert names and len(triples) == 2 * len({t.subject for t in triples})


def test_not_acceptable(server: Server) -> None:
    status, _, body = post_query(server, PERSONS, "image/png")
    assert status == 406 and b"SELECT" in body


def test_row_cap(server: Server) -> None:
    status, headers, body = post_query(server, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 200
    assert headers["X-KG-Row-Limit"] == "1000"
    assert headers["X-KG-Truncated"] == "true"
    assert len(json.loads(body)["results"]["bindings"]) == 1000
    status, headers, body = post_query(server, PERSONS)
    assert "X-KG-Truncated" not in headers


# --- refusals -----------------------------------------------------------------------------

UPDATE = "INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }"


@pytest.mark.parametrize("how", ["form", "sparql-update", "as-query", "as-query-prefixed"])
def test_updates_refused(server: Server, sample_store: Path, how: str) -> None:
    before = len(embedded_names(sample_store))
    if how == "form":
        r = http(server.sparql, urlencode({"update": UPDATE}).encode(),
                 {"Content-Type": "application/x-www-form-urlencoded"})
    elif how == "sparql-update":
        r = http(server.sparql, UPDATE.encode(), {"Content-Type": "application/sparql-update"})
    elif how == "as-query":
        r = post_query(server, UPDATE)
    else:
        r = post_query(server, "PREFIX x: <urn:x#>\n# sneaky\nDELETE WHERE { ?s ?p ?o }")
    status, _, body = r
    assert status == 403
    assert b"read-only" in body
    assert post_query(server, "ASK { <urn:a> <urn:b> <urn:c> }")[2].find(b"false") > 0
    assert len(embedded_names(sample_store)) == before


def test_sparqlwrapper_update_refused(server: Server) -> None:
    from SPARQLWrapper import POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(server.sparql)
    client.setMethod(POST)
    client.setQuery(UPDATE)
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)):
        client.query()


def test_malformed_query_400_with_parser_message(server: Server) -> None:
    status, _, body = post_query(server, "SELECT ?x WHERE { ?x ?y }")
    assert status == 400
    assert b"syntax error" in body and b"1:" in body  # the parser's position


def test_missing_query_400(server: Server) -> None:
    assert http(server.sparql)[0] == 400


def test_request_size_limit(server: Server) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (1 << 20)
    status, _, body = http(server.sparql, big.encode(),
                           {"Content-Type": "application/sparql-query"})
    assert status == 413 and b"limit" in body


def test_unsupported_media_type(server: Server) -> None:
    assert http(server.sparql, b"{}", {"Content-Type": "application/json"})[0] == 415


def test_cors_preflight_and_headers(server: Server) -> None:
    status, headers, _ = http(server.sparql, method="OPTIONS", headers={
        "Origin": "http://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "content-type" in headers["Access-Control-Allow-Headers"].lower()
    _, headers, _ = post_query(server, PERSONS)
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "X-KG-Row-Limit" in headers["Access-Control-Expose-Headers"]


def test_timeout_cuts_query_while_others_are_served(server: Server,
                                                    sample_store: Path) -> None:
    long_answer: dict = {}

    def endless() -> None:
        t0 = time.monotonic()
        long_answer["r"] = post_query(server, ENDLESS)
        long_answer["done"] = time.monotonic()
        long_answer["took"] = long_answer["done"] - t0

    t = threading.Thread(target=endless)
    t.start()
    time.sleep(0.3)
    status, _, body = post_query(server, PERSONS, "text/csv")
    answered = time.monotonic()
    assert status == 200
    assert body.decode().splitlines()[1:] == embedded_names(sample_store)
    t.join(120)
    assert not t.is_alive()
    status, _, body = long_answer["r"]
    assert status == 503 and b"timeout" in body
    assert answered < long_answer["done"]  # the other client was not held up behind it
    # the killed worker was replaced: the server goes on answering
    for _ in range(3):
        assert post_query(server, PERSONS)[0] == 200


def test_queries_listing_and_running(server: Server, sample_store: Path) -> None:
    status, headers, body = http(server.url + "/queries", headers={"Accept": "application/json"})
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    items = {it["name"]: it for it in json.loads(body)}
    assert set(items) == set(saved_queries())
    with Store.open(sample_store) as st:
        for name, it in items.items():
            if it["params"]:
                assert it["sparql_url"] is None
                continue
            status, _, body = http(server.url + it["sparql_url"])
            assert status == 200, (name, body)
            rows = json.loads(body)["results"]["bindings"]
            assert len(rows) == len(run_saved(st, name).rows), name
    status, headers, page = http(server.url + "/queries")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert all(f"/queries/{n}" in page.decode() for n in items)


def test_saved_query_with_parameter(server: Server, sample_store: Path) -> None:
    with Store.open(sample_store) as st:
        name = run(st, PERSONS).values()[0][0]
        want = run_saved(st, "person-career", {"name": name})
    status, _, body = http(server.url + "/queries/person-career?"
                           + urlencode({"name": name, "format": "json"}))
    assert status == 200
    assert len(json.loads(body)["results"]["bindings"]) == len(want.rows) > 0
    assert http(server.url + "/queries/person-career")[0] == 400
    assert http(server.url + "/queries/no-such-query")[0] == 404


def test_explorer_page(server: Server) -> None:
    status, headers, body = http(server.url + "/", timeout=120)
    assert status == 200, body[:300]
    assert headers["Content-Type"].startswith("text/html")
    assert b"<html" in body.lower()


def test_server_holds_reader_lock(server: Server, sample_store: Path) -> None:
    r = run_kg("ingest", str(SAMPLES), "--store", str(sample_store))
    assert r.returncode != 0
    assert b"in use" in r.stderr or b"written" in r.stderr


# --- units of the negotiation and serialisers ----------------------------------------------


def test_parse_accept_orders_by_quality() -> None:
    got = parse_accept("text/csv;q=0.5, application/sparql-results+xml, */*;q=0.1, x/y;q=0")
    assert got == ["application/sparql-results+xml", "text/csv", "*/*"]


def test_serialisers_escape_and_round_trip() -> None:
    a = ox.NamedNode("http://x.org/a?b=c&d")
    lit = ox.Literal('say "hi"\n<b>&', language="vi")
    n = ox.Literal("5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    rows = [[a, lit, n], [ox.BlankNode("b0"), None, ox.Literal("x")]]
    for fmt, parser in [("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML),
                        ("tsv", ox.QueryResultsFormat.TSV)]:
        back = list(ox.parse_query_results(serialize_solutions(fmt, ["s", "l", "n"], rows),
                                           parser))
        assert back[0]["s"] == a and back[0]["l"] == lit and back[0]["n"] == n, fmt
        assert back[1]["l"] is None and back[1]["n"] == ox.Literal("x"), fmt
