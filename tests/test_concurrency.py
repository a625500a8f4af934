"""Concurrency: one writer at a time, readers wait for the writer (or say clearly why not),
and the store is never corrupted.

A real writer is held open deterministically: `kg ingest -` opens the store for writing
and then reads its articles from standard input, so it holds the write lock until the
test closes its stdin."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import Store, StoreBusy
from kg.store import DB_NAME, LOCK_NAME

from .conftest import SAMPLES, run_kg

ARTICLE = (SAMPLES / "sample-0003.txt").read_text(encoding="utf-8")


def kg_popen(*args: str, stdin=subprocess.DEVNULL) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg.cli", *args], stdin=stdin,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def lock_text(store: Path) -> str:
    try:
        return (store / LOCK_NAME).read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def flock_holders(lock: Path) -> list[tuple[int, str]]:
    """(pid, READ|WRITE) of each flock() held on ``lock``, from /proc/locks."""
    st = lock.stat()
    inode = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    out = []
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()
        if "->" in parts:  # a waiter, not a holder
            continue
        if len(parts) >= 6 and parts[1] == "FLOCK" and parts[5] == inode:
            out.append((int(parts[4]), parts[3]))
    return out


def held_writer(store: Path) -> subprocess.Popen:
    """A `kg ingest -` that holds the write lock until its stdin is closed."""
    proc = kg_popen("ingest", "-", "--store", str(store), stdin=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while f"pid {proc.pid} " not in lock_text(store):
        assert proc.poll() is None, proc.stderr.read().decode()  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "the writer never took the lock"
        time.sleep(0.05)
    return proc


def release(proc: subprocess.Popen, data: bytes = ARTICLE.encode()) -> tuple[int, str]:
    _, err = proc.communicate(data, timeout=300)
    return proc.returncode, err.decode()


@pytest.fixture
def store(tmp_path) -> Path:
    """A store that already holds the samples (readers need one to exist)."""
    path = tmp_path / "kg-data"
    r = run_kg("ingest", str(SAMPLES), "--store", str(path))
    assert r.returncode == 0, r.stderr.decode()
    return path


def test_second_writer_and_readers_stop_with_store_in_use(store):
    writer = held_writer(store)
    try:
        assert "kg ingest -" in lock_text(store)
        # run the second writer and the three readers side by side, none waits
        procs = {
            "ingest": kg_popen("ingest", str(SAMPLES), "--store", str(store)),
            "query": kg_popen("query", "--store", str(store), "SELECT * WHERE { ?s ?p ?o }"),
            "export": kg_popen("export", "--store", str(store), "--format", "nquads"),
            "stats": kg_popen("stats", "--store", str(store)),
        }
        for name, p in procs.items():
            out, err = p.communicate(timeout=300)
            msg = err.decode()
            assert p.returncode == 1, (name, msg)
            assert out == b"", name  # nothing half-read went out
            assert msg.count("\n") == 1 and msg.startswith("Error: store in use: "), msg
            assert f"being written by pid {writer.pid} (kg ingest - --store" in msg, msg
            assert "--wait SECONDS" in msg
            if name != "ingest":
                assert "readers wait until the write ends" in msg
        # the database itself refuses a second read-write opening too
        with pytest.raises(OSError):
            ox.Store(str(store / DB_NAME))
        assert writer.poll() is None
    finally:
        code, err = release(writer)
    assert code == 0, err
    r = run_kg("stats", "--store", str(store), "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout)["articles"] == 6


def test_waiting_writer_and_reader_run_after_the_writer(store, tmp_path):
    more = tmp_path / "more"
    more.mkdir()
    (more / "extra.txt").write_text(ARTICLE, encoding="utf-8")
    writer = held_writer(store)
    waiting_writer = kg_popen("ingest", str(more), str(SAMPLES), "--store", str(store),
                              "--wait", "300")
    waiting_reader = kg_popen("stats", "--store", str(store), "--wait", "300",
                              "--format", "json")
    time.sleep(1.5)
    # both are still waiting: the lock is the held writer's
    assert waiting_writer.poll() is None and waiting_reader.poll() is None
    assert f"pid {writer.pid} " in lock_text(store)
    assert flock_holders(store / LOCK_NAME) == [(writer.pid, "WRITE")]
    writer.stdin.write(ARTICLE.encode())  # type: ignore[union-attr]
    writer.stdin.close()  # type: ignore[union-attr]
    # never two writers, never a reader beside a writer: the kernel's own list of the
    # locks held on the lock file, watched until everyone is done
    seen_writers = set()
    while waiting_writer.poll() is None or waiting_reader.poll() is None:
        holders = flock_holders(store / LOCK_NAME)
        writers = [pid for pid, kind in holders if kind == "WRITE"]
        assert len(writers) <= 1 and not (writers and len(holders) > 1), holders
        seen_writers.update(writers)
        time.sleep(0.005)
    assert waiting_writer.pid in seen_writers
    assert writer.wait(300) == 0, writer.stderr.read().decode()  # type: ignore[union-attr]
    out, err = waiting_writer.communicate(timeout=300)
    assert waiting_writer.returncode == 0, err.decode()
    out, err = waiting_reader.communicate(timeout=300)
    assert waiting_reader.returncode == 0, err.decode()
    assert json.loads(out)["articles"] in {6, 7}  # before or after the waiting writer
    with Store.open(store) as s:
        assert set(s.article_ids()) == {f"sample-000{i}" for i in range(1, 6)} | {
            "stdin", "extra"}
        quads = len(s)
    # the same inputs one after the other give the same store
    ref = tmp_path / "ref"
    for args in ([str(SAMPLES)], ["-"], [str(more), str(SAMPLES)]):
        r = run_kg("ingest", *args, "--store", str(ref), input=ARTICLE)
        assert r.returncode == 0, r.stderr.decode()
    with Store.open(ref) as s:
        assert len(s) == quads


def test_reader_blocks_writer_but_not_other_readers(store):
    with Store.open(store) as reader:
        assert len(reader) > 0
        r = run_kg("ingest", str(SAMPLES), "--store", str(store))
        msg = r.stderr.decode()
        assert r.returncode == 1 and msg.startswith("Error: store in use: ")
        assert "open in another kg process (a reader such as kg query or kg serve" in msg
        r = run_kg("stats", "--store", str(store))  # readers share
        assert r.returncode == 0 and b"articles: 5" in r.stdout
        r = run_kg("query", "--store", str(store), "--format", "csv",
                   "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert r.returncode == 0
    r = run_kg("ingest", str(SAMPLES), "--store", str(store))
    assert r.returncode == 0


def test_killed_writer_leaves_no_lock_and_no_stale_name(store):
    writer = held_writer(store)
    writer.send_signal(signal.SIGKILL)
    assert writer.wait(60) == -signal.SIGKILL
    assert f"pid {writer.pid} " in lock_text(store)  # the name stays behind ...
    with Store.open(store) as reader:  # ... but the lock went with the process
        assert set(reader.article_ids()) == {f"sample-000{i}" for i in range(1, 6)}
        r = run_kg("ingest", str(SAMPLES), "--store", str(store))
        msg = r.stderr.decode()
        assert r.returncode == 1 and str(writer.pid) not in msg  # a dead pid is not named
    r = run_kg("ingest", str(SAMPLES), "--store", str(store))
    assert r.returncode == 0, r.stderr.decode()
    assert lock_text(store) == ""  # a writer that ends cleanly leaves no name


def test_library_lock_rules(tmp_path):
    path = tmp_path / "s"
    with Store.open(path, write=True):
        with pytest.raises(StoreBusy, match="store in use: .* being written by pid"):
            Store.open(path, write=True)
        with pytest.raises(StoreBusy, match="after waiting 0.3 s; readers wait"):
            Store.open(path, wait=0.3)
    with Store.open(path) as a, Store.open(path) as b:  # readers share
        assert len(a) == len(b) == 0
        with pytest.raises(StoreBusy, match="open in another kg process"):
            Store.open(path, write=True)
    with Store.open(path, write=True) as w:
        assert w.writable


def test_reader_on_a_read_only_copy(tmp_path, store):
    """A reader needs no write access: a store copied without write bits (as CI lays
    out ../shared) opens, with or without its lock file."""
    import shutil

    copy = tmp_path / "ro"
    shutil.copytree(store, copy)
    (copy / LOCK_NAME).unlink()
    for p in [copy, *copy.rglob("*")]:
        p.chmod(0o555 if p.is_dir() else 0o444)
    try:
        with Store.open(copy) as s:
            assert len(set(s.article_ids())) == 5
    finally:
        for p in [copy, *copy.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)


def test_database_held_by_another_program(store):
    """A program that opens the Oxigraph database itself, without kg's lock: a kg writer
    stops with a clear message instead of an OSError."""
    db = ox.Store(str(store / DB_NAME))
    try:
        r = run_kg("ingest", str(SAMPLES), "--store", str(store))
        msg = r.stderr.decode()
        assert r.returncode == 1
        assert msg.startswith("Error: store in use: the database in ") and "another program" in msg
    finally:
        del db
    r = run_kg("ingest", str(SAMPLES), "--store", str(store))
    assert r.returncode == 0, r.stderr.decode()


def test_a_forked_child_does_not_keep_the_store_locked(tmp_path):
    """The writer's extraction processes are forked children; when the writer dies (say
    SIGKILL), a child still running must not hold the store's lock (a flock is shared
    by fork): the next writer opens the store at once."""
    store = tmp_path / "kg-data"
    script = (
        "import os, sys, time\n"
        "from kg import Store\n"
        "s = Store.open(sys.argv[1], write=True)\n"
        "if os.fork() == 0:\n"
        "    print('child up', flush=True)  # os.fork has returned: its hooks have run\n"
        "    time.sleep(60)\n"
        "    os._exit(0)\n"
        "os._exit(0)  # the writer ends without closing anything\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(store)],
                            stdout=subprocess.PIPE, start_new_session=True)
    try:
        assert proc.stdout.readline().strip() == b"child up"
        assert proc.wait(30) == 0
        with Store.open(store, write=True) as s:  # the child sleeps on; no StoreBusy
            assert s.writable
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the sleeping child
