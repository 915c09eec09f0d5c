"""The VA metrics against hand-computed cases and an independent computation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

import bakeoff.packs.va  # noqa: F401  (registers the metrics)
from bakeoff import metrics
from tests.conftest import run_cli, tiny_study


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


def test_csmf_method_option_selects_the_probability_variant(tmp_path: Path) -> None:
    import bakeoff

    url = f"sqlite:///{tmp_path / 'csmf.db'}"
    spec = tiny_study(
        study="csmf_method",
        models=[{"name": "logistic_regression", "tune": False}],
        budgets=["full"],
        seeds=1,
        metrics=[
            {"name": "csmf_accuracy", "csmf_method": "probabilities"},
            {"name": "cccsmf_accuracy", "csmf_method": "probabilities"},
            "csmf_accuracy",
        ],
        imports=["bakeoff.packs.va"],
    )
    summary = bakeoff.Study(**spec).run(storage=url, progress=False)
    assert summary.exit_code == 0, summary.describe()
    row = bakeoff.results("csmf_method", storage=url).iloc[0]
    # Recomputed from the stored probabilities with the published formula.
    predictions = bakeoff.predictions("csmf_method", storage=url)
    proba_columns = [c for c in predictions.columns if c.startswith("proba_")]
    labels = [c.removeprefix("proba_") for c in proba_columns]
    mean = predictions[proba_columns].to_numpy(dtype=float).mean(axis=0)
    true = predictions["y_true"].astype(str).value_counts(normalize=True).reindex(labels).fillna(0)
    expected = 1 - np.abs(true.to_numpy() - mean / mean.sum()).sum() / (2 * (1 - true.min()))
    assert row["test_csmf_accuracy_proba"] == pytest.approx(expected)
    assert row["test_cccsmf_accuracy_proba"] == pytest.approx((expected - 0.632) / 0.368)
    assert "test_csmf_accuracy" in row.index  # the top-1 variant beside it


def test_an_unknown_csmf_method_is_one_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    spec = tiny_study(
        storage=f"sqlite:///{tmp_path / 'bad.db'}",
        metrics=[{"name": "csmf_accuracy", "csmf_method": "softmax"}],
        imports=["bakeoff.packs.va"],
    )
    path.write_text(yaml.safe_dump(spec))
    result = run_cli("run", str(path))
    assert result.returncode == 2
    assert "metrics[0]" in result.stderr and "'softmax'" in result.stderr
    assert "probabilities" in result.stderr and "top1" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "bad.db").exists()


def test_metrics_show_gives_the_formula_its_source_and_the_csmf_method_option() -> None:
    result = run_cli("metrics", "show", "csmf_accuracy")
    assert result.returncode == 0, result.stderr
    assert "(2 (1 − min_j CSMF_true_j))" in result.stdout
    assert "Population Health Metrics 9:28" in result.stdout
    assert "csmf_method: top1 → csmf_accuracy, probabilities → csmf_accuracy_proba" in (
        result.stdout
    )
