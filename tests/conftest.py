"""Shared fixtures. Tests that need the real corpus read it from ../shared and skip,
with the reason, where it is absent (a fresh machine without it still passes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
SHARED = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "articles"
NEGATIVES = SHARED / "corpus" / "negatives"
GOLD_DEV = SHARED / "eval" / "gold-dev.jsonl"
SCORE_PY = SHARED / "eval" / "score.py"


def need_shared(path: Path = CORPUS) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared corpus is not on this machine)")
    return path


@pytest.fixture
def corpus() -> Path:
    return need_shared(CORPUS)


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> Path:
    """A store built from data/samples once per test session (read-only use)."""
    from kg import Store, ingest

    path = tmp_path_factory.mktemp("store") / "kg-data"
    with Store.open(path, write=True) as store:
        report = ingest([SAMPLES], store)
    assert report.articles == len(list(SAMPLES.glob("*.txt")))
    return path


def run_kg(*args: str, input: str | bytes | None = None, env: dict | None = None,
           cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the real `kg` command line in a subprocess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args],
        input=input.encode() if isinstance(input, str) else input,
        capture_output=True, env=full_env, cwd=cwd, timeout=timeout,
    )
