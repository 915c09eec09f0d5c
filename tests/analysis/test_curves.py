"""Learning curves: the power-law fit, extrapolation, targets, flattening and crossings."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import curve_fit

from bakeoff.analysis import crossing_budget, fit_learning_curve
from bakeoff.analysis._curves import fit_power_law

BUDGETS = np.array([50, 100, 200, 400, 800, 1600])


def power_law(n, a, b, c):
    return a * n**-b + c


def test_fit_recovers_the_curve_that_generated_the_data() -> None:
    # Error 2.0 * n^-0.5 + 0.05, measured on 10 seeds with small noise.
    rng = np.random.default_rng(0)
    errors = power_law(BUDGETS, 2.0, 0.5, 0.05) + rng.normal(0, 0.002, size=(10, len(BUDGETS)))
    curve = fit_learning_curve(
        "m", "d", BUDGETS, errors, higher_is_better=False, n_resamples=300, seed=0
    )
    assert curve.a == pytest.approx(2.0, rel=0.15)
    assert curve.b == pytest.approx(0.5, abs=0.03)
    assert curve.c == pytest.approx(0.05, abs=0.01)
    assert curve.intervals["b"][0] <= 0.5 <= curve.intervals["b"][1]
    assert curve.r2 > 0.99


def test_fit_agrees_with_scipy_curve_fit() -> None:
    rng = np.random.default_rng(1)
    mean = power_law(BUDGETS, 1.2, 0.7, 0.1) + rng.normal(0, 0.003, size=len(BUDGETS))
    a, b, c, _ = fit_power_law(BUDGETS, mean)
    reference, _ = curve_fit(
        power_law, BUDGETS, mean, p0=[1, 0.5, 0.05], bounds=([0, 0.01, 0], [np.inf, 3, np.inf])
    )
    # Same curve (the exponent grid has a step of 0.01).
    grid = np.geomspace(50, 16000, 50)
    assert power_law(grid, a, b, c) == pytest.approx(power_law(grid, *reference), abs=2e-3)


def test_targets_flattening_and_crossing_follow_the_formula() -> None:
    errors = np.tile(power_law(BUDGETS, 2.0, 0.5, 0.05), (3, 1))
    curve = fit_learning_curve(
        "m", "d", BUDGETS, 1 - errors, higher_is_better=True, n_resamples=0, seed=0
    )
    curve.a, curve.b, curve.c = 2.0, 0.5, 0.05  # exact values for the formulas below
    # Score 0.9 -> error 0.1 = 2 n^-0.5 + 0.05 -> n = (2 / 0.05)^2 = 1600.
    assert curve.rows_for_score(0.9) == pytest.approx(1600)
    # Above the asymptote (score 0.95) is never reached.
    assert curve.rows_for_score(0.96) is None
    # Gain per doubling 2 n^-0.5 (1 - 2^-0.5) = 0.005 -> n = (2 * 0.29289 / 0.005)^2.
    assert curve.flattening_rows(0.005) == pytest.approx((2 * (1 - 2**-0.5) / 0.005) ** 2)
    other = fit_learning_curve(
        "o", "d", BUDGETS, 1 - errors, higher_is_better=True, n_resamples=0, seed=0
    )
    other.a, other.b, other.c = 0.5, 0.2, 0.1  # starts lower, ends higher
    # 2 n^-0.5 + 0.05 = 0.5 n^-0.2 + 0.1 has one root; check it by substitution.
    n = crossing_budget(curve, other, up_to=1e6)
    assert n is not None
    assert curve.error_at(n) == pytest.approx(other.error_at(n), abs=1e-4)
    same = fit_learning_curve(
        "s", "d", BUDGETS, 1 - errors, higher_is_better=True, n_resamples=0, seed=0
    )
    same.a, same.b, same.c = 1.0, 0.5, 0.05  # always below the first: no crossing
    assert crossing_budget(curve, same, up_to=1e6) is None


def test_flattening_findings_stay_within_the_range_the_fit_saw() -> None:
    import pandas as pd

    from bakeoff.analysis import analyze
    from bakeoff.analysis._insights import write_insights
    from bakeoff.analysis._scores import Scores

    # Accuracy = 1 − (a·n^−0.5 + 0.05) at budgets 50, 100, 200 (no noise). The gain of a
    # doubling is a·(1 − 2^−0.5)·n^−0.5; under 0.005 from n = (a · 58.6)²:
    # a = 0.5 -> 858 rows (inside 10 × 200); a = 5 -> 85,786 (beyond); a = 0.01 -> 0.3
    # (below the smallest budget).
    rows = []
    for dataset, a in (("inside", 0.5), ("beyond", 5.0), ("flat", 0.01)):
        for budget in (50, 100, 200):
            for seed in range(3):
                error = a * budget**-0.5 + 0.05 + 1e-6 * seed
                rows.append((dataset, "m", str(budget), seed, 1 - error, budget))
    frame = pd.DataFrame(rows, columns=["dataset", "model", "budget", "seed", "score", "n_train"])
    analysis = analyze(Scores.from_frame(frame, metric="accuracy"), n_resamples=200)
    text = {f.text.split(",")[0].removeprefix("On "): f.text for f in write_insights(analysis)}
    import re

    found = re.search(
        r"flattens \(a doubling gains under 0.005\) after about ([\d,]+) rows", text["inside"]
    )
    assert found and abs(float(found.group(1).replace(",", "")) - 858) < 0.02 * 858
    assert "does not flatten" in text["beyond"] and "(2,000 rows)" in text["beyond"]
    assert "already flat" in text["flat"] and "50 rows" in text["flat"]


def test_target_findings_say_when_the_crossing_lies_outside_the_measured_budgets() -> None:
    import pandas as pd

    from bakeoff.analysis import analyze
    from bakeoff.analysis._insights import write_insights
    from bakeoff.analysis._scores import Scores

    # Accuracy = 1 − (a·n^−0.5 + 0.05) at budgets 50, 100, 200; the target 0.9 (error
    # 0.1) is met at n = (a / 0.05)²: a = 0.5 -> 100 rows (measured range), a = 0.1 ->
    # 4 rows (below the smallest budget), a = 3 -> 3,600 rows (past 10 × 200).
    rows = []
    for dataset, a in (("inside", 0.5), ("below", 0.1), ("beyond", 3.0)):
        for budget in (50, 100, 200):
            for seed in range(3):
                error = a * budget**-0.5 + 0.05 + 1e-6 * seed
                rows.append((dataset, "m", str(budget), seed, 1 - error, budget))
    frame = pd.DataFrame(rows, columns=["dataset", "model", "budget", "seed", "score", "n_train"])
    analysis = analyze(Scores.from_frame(frame, metric="accuracy"), n_resamples=200, target=0.9)
    findings = [f.text for f in write_insights(analysis)]
    said = {}
    for previous, text in itertools.pairwise(findings):
        if text.startswith("  It "):
            said[previous.split(",")[0].removeprefix("On ")] = text
    assert said["inside"].startswith("  It reaches 0.9 at about 1")  # ~100 rows
    assert "already at the smallest budget, 50 rows" in said["below"]
    assert "below any budget measured" in said["below"]
    assert "only past 10× the largest budget" in said["beyond"]
