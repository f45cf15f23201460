"""Quality gates, measured by the scorer against the hand-written gold annotations.

Gates (not to be lowered): seeds responsibility pairs F1 ≥ 0.95, lead pairs F1 ≥ 0.95, entities
F1 ≥ 0.90; corpus (tuning) responsibility pairs F1 ≥ 0.95; held-out (corpus 04, 06, 23, 32, 34,
never used for tuning) responsibility pairs F1 ≥ 0.95, lead pairs F1 ≥ 0.90, entities F1 ≥ 0.85, and
every held-out document's jurisdiction right.
"""
from __future__ import annotations

import pytest

from extract.score import gold_files, score


@pytest.fixture(scope="module")
def seeds():
    if not gold_files("seeds"):
        pytest.fail("no gold annotations under tests/gold/seeds")
    return score("seeds")


@pytest.fixture(scope="module")
def corpus():
    if not gold_files("corpus"):
        pytest.fail("no gold annotations under tests/gold/corpus")
    return score("corpus")


def _detail(res, metric):
    x = res[metric]
    return f"{metric}: P={x.precision:.3f} R={x.recall:.3f} misses={x.misses[:8]} extras={x.extras[:8]}"


def test_seeds_responsibility_pairs_f1_at_least_095(seeds):
    assert seeds["responsibility pairs"].f1 >= 0.95, _detail(seeds, "responsibility pairs")


def test_seeds_lead_pairs_f1_at_least_095(seeds):
    assert seeds["lead pairs"].f1 >= 0.95, _detail(seeds, "lead pairs")


def test_seeds_entities_f1_at_least_090(seeds):
    assert seeds["entities"].f1 >= 0.90, _detail(seeds, "entities")


def test_corpus_responsibility_pairs_f1_at_least_095(corpus):
    assert corpus["responsibility pairs"].f1 >= 0.95, _detail(corpus, "responsibility pairs")


def test_corpus_jurisdictions_are_right(corpus):
    j = corpus["jurisdiction"]
    assert j.tp >= 9 and j.fp == 0 and j.fn == 0, _detail(corpus, "jurisdiction")


def test_scorer_counts_a_missing_relation_as_a_miss(seeds):
    """The scorer itself: an empty prediction has recall 0 on a gold set that is not empty."""
    from extract.score import PRF
    m = PRF()
    m.add("d", {("a", "b")}, set())
    assert (m.tp, m.fn, m.recall, m.f1) == (0, 1, 0.0, 0.0)
    assert seeds["responsibility pairs"].tp > 100  # the seeds' gold is really used


@pytest.fixture(scope="module")
def holdout():
    if not gold_files("holdout"):
        pytest.fail("no gold annotations under tests/gold/holdout")
    return score("holdout")


def test_holdout_responsibility_pairs_f1_at_least_095(holdout):
    """Gold written by reading, never used to tune the extractor."""
    assert holdout["responsibility pairs"].f1 >= 0.95, _detail(holdout, "responsibility pairs")


def test_holdout_lead_pairs_f1_at_least_090(holdout):
    assert holdout["lead pairs"].f1 >= 0.90, _detail(holdout, "lead pairs")


def test_holdout_entities_f1_at_least_085(holdout):
    assert holdout["entities"].f1 >= 0.85, _detail(holdout, "entities")


def test_holdout_jurisdictions_are_right(holdout):
    j = holdout["jurisdiction"]
    assert j.tp == 3 and j.fp == 0 and j.fn == 0, _detail(holdout, "jurisdiction")
