"""bench/synthetic.py: generated articles are in the project's format and state the facts
they were written to state (learned here from data/samples, so no corpus is needed)."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from kg.articles import Article, read_path
from kg.extract import Extractor

from .conftest import ROOT, SAMPLES, need_shared

sys.path.insert(0, str(ROOT / "bench"))
import synthetic  # noqa: E402


@pytest.fixture(scope="module")
def model() -> synthetic.Model:
    ex = Extractor()
    facts, arts = [], []
    for a in read_path(SAMPLES):
        assert isinstance(a, Article)
        facts += [f.row() for f in ex.extract(a)]
        arts.append((a.id, a.date, len(a.body)))
    return synthetic.learn(facts, arts, ex.lex.surnames)


def test_generated_articles_read_back_with_planted_facts(model, tmp_path: Path) -> None:
    info = synthetic.write(model, 20, tmp_path, seed=3, shard=8)
    assert info["articles"] == 20
    assert sorted(p.name for p in (tmp_path / "articles").iterdir()) == ["0000", "0001", "0002"]
    items = list(read_path(tmp_path / "articles"))
    assert len(items) == 20 and all(isinstance(a, Article) for a in items)
    assert all(a.date and a.title and a.body for a in items)
    first = next((tmp_path / "articles" / "0000").iterdir()).read_text(encoding="utf-8")
    assert first.startswith(" date ") and first.split("\n")[1] == ""
    with gzip.open(tmp_path / "planted.jsonl.gz", "rt", encoding="utf-8") as fh:
        planted = [json.loads(line) for line in fh]
    assert sum(f["relation"] == "holds" for f in planted) >= 10
    scores = synthetic.check(tmp_path)
    assert scores["holds"]["recall"] >= 0.9 and scores["holds"]["precision"] >= 0.9
    assert scores["mentions"]["recall"] >= 0.9


def test_seeded_and_persons_grow(model) -> None:
    a = [s.text for s in synthetic.Generator(model, seed=5).articles(10)]
    b = [s.text for s in synthetic.Generator(model, seed=5).articles(10)]
    assert a == b
    gen = synthetic.Generator(model, seed=5)
    for _ in gen.articles(200):
        pass
    assert gen.persons.new > 0  # new names from real syllables, beside the known ones
    assert len(gen.persons.names) == len(model.persons) + gen.persons.new


def test_no_corpus_sentence_in_generated_text(tmp_path: Path) -> None:
    """On the real corpus: no generated sentence is a corpus sentence."""
    corpus = need_shared()
    from kg.text import split_sentences

    model = synthetic.learn_from_corpus(corpus)
    real = set()
    for a in read_path(corpus):
        if isinstance(a, Article):
            real.update(a.text[s:e] for s, e in split_sentences(a.text))
    for art in synthetic.Generator(model, seed=1).articles(200):
        body = art.text.split("\n", 2)[2]
        sentences = {body[s:e] for s, e in split_sentences(body)}
        assert not sentences & {s for s in real if len(s) > 30}
