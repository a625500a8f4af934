"""The README's two set-up commands stay true: CI runs the test one verbatim."""

from __future__ import annotations

import re

from .conftest import ROOT


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", text)[:2]


def test_ci_runs_the_readme_test_command():
    main_job, tests = readme_commands()
    assert "pytest" in tests and "kg ingest data/samples" in main_job and "kg viz" in main_job
    assert tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
