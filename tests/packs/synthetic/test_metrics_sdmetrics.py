"""The similarity metrics against SDMetrics, a second implementation of the same
definitions (its QualityReport), on tables where the definitions coincide."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from tests.packs.synthetic.sdv_required import require_sdv

require_sdv()

import bakeoff.packs.synthetic  # noqa: E402, F401  (registers the metrics)
from bakeoff import metrics  # noqa: E402
from bakeoff.metrics import SynthesisTables  # noqa: E402
from bakeoff.packs.synthetic import _similarity  # noqa: E402


def _pair(kind: str, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n = 300
    if kind == "numeric":
        a = rng.normal(size=n)
        real = pd.DataFrame({"a": a, "b": a + rng.normal(size=n), "c": rng.gamma(2, size=n)})
        s = rng.normal(size=n)
        synthetic = pd.DataFrame(
            {"a": s * 1.2, "b": 0.3 * s + rng.normal(size=n), "c": rng.gamma(2.5, size=n)}
        )
        return real, synthetic
    levels = np.array(["p", "q", "r"])
    a = rng.integers(0, 3, n)
    real = pd.DataFrame(
        {
            "a": levels[a],
            "b": levels[(a + rng.integers(0, 2, n)) % 3],
            "c": levels[rng.integers(0, 3, n)],
        }
    )
    s = rng.integers(0, 3, n)
    synthetic = pd.DataFrame(
        {"a": levels[s], "b": levels[rng.integers(0, 3, n)], "c": levels[(s * 2) % 3]}
    )
    return real, synthetic


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_single_column_and_pair_scores_equal_sdmetrics(seed: int) -> None:
    from sdmetrics.column_pairs import ContingencySimilarity, CorrelationSimilarity
    from sdmetrics.single_column import KSComplement, TVComplement

    real, synthetic = _pair("numeric", seed)
    for c in real.columns:
        assert _similarity.ks_complement(real[c], synthetic[c]) == pytest.approx(
            KSComplement.compute(real[c], synthetic[c]), abs=1e-12
        )
    ours = _similarity.correlation_similarity(real[["a", "b"]], synthetic[["a", "b"]])
    theirs = CorrelationSimilarity.compute(real[["a", "b"]], synthetic[["a", "b"]])
    assert ours == pytest.approx(theirs, abs=1e-12)
    real, synthetic = _pair("categorical", seed)
    for c in real.columns:
        assert _similarity.tv_complement(real[c], synthetic[c]) == pytest.approx(
            TVComplement.compute(real[c], synthetic[c]), abs=1e-12
        )
    ours = _similarity.contingency_similarity(real[["a", "b"]], synthetic[["a", "b"]])
    theirs = ContingencySimilarity.compute(real[["a", "b"]], synthetic[["a", "b"]])
    assert ours == pytest.approx(theirs, abs=1e-12)


@pytest.mark.parametrize("kind", ["numeric", "categorical"])
def test_quality_score_equals_sdmetrics_quality_report(kind: str) -> None:
    from sdmetrics.reports.single_table import QualityReport

    real, synthetic = _pair(kind, 5)
    sdtype = "numerical" if kind == "numeric" else "categorical"
    report = QualityReport()
    # SDMetrics' report averages only the pairs whose real correlation (association)
    # passes 0.5 (0.3) by default; bakeoff averages every pair, as it does with 0.
    report.real_correlation_threshold = 0
    report.real_association_threshold = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report.generate(
            real,
            synthetic,
            {"columns": {c: {"sdtype": sdtype} for c in real.columns}},
            verbose=False,
        )
    tables = SynthesisTables(
        real=real,
        synthetic=synthetic,
        holdout=real,
        target="a",
        target_task="regression" if kind == "numeric" else "classification",
        kinds=dict.fromkeys(real.columns, kind),
        seed=0,
    )
    properties = report.get_properties().set_index("Property")["Score"]
    assert metrics.get("column_shapes").score_tables(tables) == pytest.approx(
        properties["Column Shapes"], abs=1e-12
    )
    assert metrics.get("column_pair_trends").score_tables(tables) == pytest.approx(
        properties["Column Pair Trends"], abs=1e-12
    )
    assert metrics.get("quality_score").score_tables(tables) == pytest.approx(
        report.get_score(), abs=1e-12
    )
