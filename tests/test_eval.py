"""`kg eval` scores like the project's reference scorer (../shared/eval/score.py)."""

from __future__ import annotations

import json
import subprocess
import sys

from kg.evaluate import evaluate, norm

from .conftest import CORPUS, GOLD_DEV, SAMPLES, SCORE_PY, need_shared, run_kg


def test_normalisation_is_tone_case_and_abbreviation_blind():
    assert norm("UBND tỉnh Thanh Hoá") == norm("Ủy ban nhân dân Tỉnh Thanh Hóa")
    assert norm("Đồng chí Phạm Đức Tiến", person=True) == norm("Phạm Đức Tiến")
    assert norm("Tỉnh ủy tỉnh Hà Nam") == norm("Tỉnh ủy Hà Nam")


def test_scores_on_a_constructed_gold():
    gold = [{"article": "sample-0002", "persons": ["Phan Quốc Việt", "Đỗ Văn Bình"], "facts": [
        {"relation": "elected", "person": "Phan Quốc Việt", "post": "Chủ tịch",
         "body": "Ủy ban nhân dân tỉnh Hòa Bắc"},
        {"relation": "chairs", "person": "Nguyễn Hữu Tâm"},
        {"relation": "holds", "person": "Nobody Here", "post": "Bí thư", "body": "Tỉnh ủy"},
    ]}]
    r = run_kg("extract", str(SAMPLES / "sample-0002.txt"))
    facts = [json.loads(line) for line in r.stdout.decode().splitlines()]
    scores = evaluate(gold, facts)
    assert scores["elected"]["lenient"].tp == 1
    assert scores["chairs"]["strict"].tp == 1
    assert scores["holds"]["lenient"].fn == 1
    assert scores["persons"]["strict"].recall == 1.0


def test_kg_eval_agrees_with_the_reference_scorer(tmp_path):
    need_shared(GOLD_DEV)
    need_shared(CORPUS)
    ours = run_kg("eval", str(GOLD_DEV), str(CORPUS), "--json")
    assert ours.returncode == 0, ours.stderr
    ours = json.loads(ours.stdout)
    ids = [json.loads(line)["article"] for line in GOLD_DEV.read_text().splitlines() if line]
    pred = run_kg("extract", *[str(CORPUS / f"{a}.txt") for a in ids])
    (tmp_path / "pred.jsonl").write_bytes(pred.stdout)
    cmd = [sys.executable, str(SCORE_PY), str(GOLD_DEV), str(tmp_path / "pred.jsonl"), "--json"]
    ref = subprocess.run(cmd, capture_output=True, check=True)
    theirs = json.loads(ref.stdout)["scores"]
    for rel, modes in theirs.items():
        for mode, m in modes.items():
            assert (ours[rel][mode]["tp"], ours[rel][mode]["fp"], ours[rel][mode]["fn"]) == \
                (m["tp"], m["fp"], m["fn"]), (rel, mode)
