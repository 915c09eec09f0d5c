"""The VA metrics against hand-computed cases and an independent computation."""

from __future__ import annotations

import numpy as np
import pytest

import bakeoff.packs.va  # noqa: F401  (registers the metrics)
from bakeoff import metrics


def score(name: str, y_true, y_pred, proba=None, labels=None) -> float:  # type: ignore[no-untyped-def]
    return metrics.get(name)(np.asarray(y_true), np.asarray(y_pred), proba, labels=labels)


def test_csmf_accuracy_on_a_hand_computed_case() -> None:
    # True fractions (a, b, c) = (.5, .25, .25), predicted (.25, .5, .25):
    # Σ|diff| = .5, min true = .25, so 1 − .5 / (2 × .75) = 2/3.
    truth, pred = ["a", "a", "b", "c"], ["a", "b", "b", "c"]
    assert score("csmf_accuracy", truth, pred, labels=["a", "b", "c"]) == pytest.approx(2 / 3)
    # Chance-corrected: (2/3 − 0.632) / (1 − 0.632).
    expected = (2 / 3 - 0.632) / 0.368
    assert score("cccsmf_accuracy", truth, pred, labels=["a", "b", "c"]) == pytest.approx(expected)
    assert score("cod_accuracy", truth, pred, labels=["a", "b", "c"]) == 0.75


def test_a_cause_absent_from_the_truth_still_counts() -> None:
    # Cause list (a, b, c); truth all a: (1, 0, 0); predicted (.5, .5, 0).
    # Σ|diff| = 1, min true = 0: 1 − 1 / 2 = 0.5.
    assert score("csmf_accuracy", ["a", "a"], ["a", "b"], labels=["a", "b", "c"]) == 0.5
    # The worst assignment (everything on a cause with no deaths) scores 0.
    assert score("csmf_accuracy", ["a", "a"], ["c", "c"], labels=["a", "b", "c"]) == 0.0


def test_a_single_cause_scores_one() -> None:
    assert score("csmf_accuracy", ["a", "a"], ["a", "a"], labels=["a"]) == 1.0
    assert score("ccc", ["a", "a"], ["a", "a"], labels=["a"]) == 1.0


def test_proba_fractions_are_the_mean_probabilities() -> None:
    truth = ["a", "b"]
    proba = np.array([[0.8, 0.2], [0.4, 0.6]])  # mean (.6, .4); true (.5, .5)
    # Σ|diff| = .2, min true = .5: 1 − .2 / 1 = 0.8.
    value = score("csmf_accuracy_proba", truth, ["a", "b"], proba, labels=["a", "b"])
    assert value == pytest.approx(0.8)


def test_ccc_on_a_hand_computed_case() -> None:
    # N = 3 causes. Sensitivities: a 1/2, b 1, c 0 (c has no deaths: not averaged).
    # CCC_a = (.5 − 1/3) / (2/3) = 0.25, CCC_b = (1 − 1/3) / (2/3) = 1 -> mean 0.625.
    truth, pred = ["a", "a", "b"], ["a", "c", "b"]
    assert score("ccc", truth, pred, labels=["a", "b", "c"]) == pytest.approx(0.625)


def test_top_k_cod_accuracy() -> None:
    proba = np.array([[0.5, 0.3, 0.2], [0.1, 0.2, 0.7], [0.2, 0.5, 0.3]])
    truth = ["b", "a", "c"]  # ranks 2, 3, 2
    assert (
        score("top2_cod_accuracy", truth, ["a", "c", "b"], proba, labels=["a", "b", "c"]) == 2 / 3
    )
    assert score("top3_cod_accuracy", truth, ["a", "c", "b"], proba, labels=["a", "b", "c"]) == 1.0


def independent_csmf_accuracy(truth: list[str], pred: list[str], causes: list[str]) -> float:
    """Murray et al.'s formula written out again, with plain Python counts."""
    n = len(truth)
    true = {c: truth.count(c) / n for c in causes}
    predicted = {c: pred.count(c) / n for c in causes}
    error = sum(abs(true[c] - predicted[c]) for c in causes)
    return 1 - error / (2 * (1 - min(true.values())))


def test_csmf_accuracy_equals_an_independent_computation_on_random_data() -> None:
    rng = np.random.default_rng(0)
    causes = [f"c{i}" for i in range(8)]
    for _ in range(50):
        truth = list(rng.choice(causes, size=60, p=rng.dirichlet(np.ones(8))))
        pred = list(rng.choice(causes, size=60))
        expected = independent_csmf_accuracy(truth, pred, causes)
        assert score("csmf_accuracy", truth, pred, labels=causes) == pytest.approx(expected)
