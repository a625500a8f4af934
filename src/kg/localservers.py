"""Throw-away SPARQL servers on loopback: Oxigraph server and Virtuoso.

For the remote-store tests, the benchmarks, and anyone who wants to try
``kg ingest --endpoint`` on this machine. Every server binds 127.0.0.1 on a free port and
keeps its data in the folder it is given.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

VIRTUOSO_ROOT = Path("/var/lib/virtuoso-opensource-7/vsp")

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
DirsAllowed = ., {d}, {allowed}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {root}
ServerThreads = 20
MaxClientConnections = 20
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 600
"""
# Hide Virtuoso's own graphs (quad-map metadata, service description, LDP) from the
# anonymous /sparql user, so that GRAPH ?g sees the knowledge graph only.
PRIVATE = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"
VIRTUOSO_SETUP = (
    f"DB.DBA.RDF_GRAPH_GROUP_CREATE ('{PRIVATE}', 1); "
    + " ".join(f"DB.DBA.RDF_GRAPH_GROUP_INS ('{PRIVATE}', '{g}');" for g in (
        "http://www.openlinksw.com/schemas/virtrdf#", "http://localuriqaserver/sparql",
        "http://www.w3.org/ns/ldp#"))
    + " DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, seconds: float = 120) -> None:
    """Wait until ``url`` answers; fail early when the server process exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up in {seconds} s")


def stop(proc: subprocess.Popen, seconds: float = 30) -> None:
    proc.terminate()
    try:
        proc.wait(seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def oxigraph_binary() -> str | None:
    """The `oxigraph` CLI of this Python environment (pip install oxigraph), or on PATH."""
    local = Path(sys.executable).parent / "oxigraph"
    return str(local) if local.exists() else shutil.which("oxigraph")


def start_oxigraph(location: Path) -> tuple[subprocess.Popen, str]:
    """`oxigraph serve` with a union default graph; returns the process and base URL
    (query at BASE/query, update at BASE/update, graph store at BASE/store)."""
    port = free_port()
    proc = subprocess.Popen([oxigraph_binary() or "oxigraph", "serve", "--location",
                             str(location), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/query?query=ASK%7B%7D", proc)
    except RuntimeError:
        stop(proc)
        raise
    return proc, base


def virtuoso_available() -> bool:
    return bool(shutil.which("virtuoso-t") and shutil.which("isql-vt"))


class Virtuoso:
    """A throw-away Virtuoso 7 (Debian's virtuoso-opensource) in folder ``d``: SPARQL at
    BASE/sparql, authenticated updates at BASE/sparql-auth (digest, dba/dba: a test-only
    database). ``allowed``: a folder its bulk loader may read."""

    def __init__(self, d: Path, allowed: Path, *, buffers: int = 170000,
                 isql_timeout: float = 3600):
        d.mkdir(parents=True, exist_ok=True)
        self.sql, self.http = free_port(), free_port()
        self.isql_timeout = isql_timeout
        (d / "virtuoso.ini").write_text(VIRTUOSO_INI.format(
            d=d, sql=self.sql, http=self.http, allowed=allowed, root=VIRTUOSO_ROOT,
            buffers=buffers, dirty=buffers * 3 // 4))
        self.proc = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile",
                                      str(d / "virtuoso.ini")], cwd=d,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.http}"
        try:
            wait_http(self.base + "/sparql?query=ASK%7B%7D", self.proc)
            self.isql(VIRTUOSO_SETUP)
        except (RuntimeError, subprocess.SubprocessError):
            self.stop()
            raise

    def isql(self, sql: str) -> str:
        return subprocess.run(["isql-vt", f"127.0.0.1:{self.sql}", "dba", "dba", "exec=" + sql],
                              check=True, capture_output=True, text=True,
                              timeout=self.isql_timeout).stdout

    def stop(self) -> None:
        stop(self.proc, 60)
