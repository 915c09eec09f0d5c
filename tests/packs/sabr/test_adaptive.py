"""Adaptive HF budgets: where the next level goes, when it stops, what it saved."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

import bakeoff
from bakeoff.analysis import fit_learning_curve
from bakeoff.packs.sabr.adaptive import _band_interval, _next_level, _straddle, adaptive_budgets
from tests.packs.sabr.test_ready_study import reduced_spec


def test_the_next_level_is_the_geometric_middle_of_the_bands_interval() -> None:
    assert _next_level(150.0, 600.0, [50, 100, 200], 1000) == 300  # sqrt(150 · 600)
    assert _next_level(None, None, [50, 100, 200], 1000) == 400  # past the largest, doubled
    assert _next_level(2000.0, 8000.0, [50, 100, 200], 1000) == 1000  # capped
    assert _next_level(2000.0, 8000.0, [50, 100, 1000], 1000) is None  # nothing new left


def test_two_close_levels_that_straddle_the_target_stop_it() -> None:
    means = {50.0: 3.0, 100.0: 2.2, 140.0: 1.9, 200.0: 1.5}
    assert _straddle(means, 2.0, 1.5) == (100, 140)
    assert _straddle(means, 2.5, 1.5) is None  # 50 and 100 straddle it, but 2x apart


def test_the_bands_interval_brackets_the_true_crossing_of_a_known_curve() -> None:
    # errors = 4 n^-0.5 + 0.1 with seed noise; the target 0.5 is met at n = (4 / 0.4)^2 = 100.
    rng = np.random.default_rng(0)
    budgets = np.array([25.0, 50.0, 200.0, 400.0])
    errors = 4 * budgets**-0.5 + 0.1 + rng.normal(0, 0.01, size=(6, 4))
    curve = fit_learning_curve(
        "m", "d", budgets, errors, higher_is_better=False, n_resamples=400, seed=0
    )
    low, high = _band_interval(curve, 0.5)
    assert low is not None and high is not None
    assert low <= 100 * 1.1 and high >= 100 / 1.1
    assert curve.rows_for_score(0.5) == pytest.approx(100, rel=0.15)


@pytest.mark.slow
def test_an_adaptive_run_measures_only_the_levels_it_chose(tmp_path: Path) -> None:
    spec = reduced_spec()
    spec["study"] = "sabr_adaptive"
    spec["models"] = [m for m in spec["models"] if m["name"] == "residual_mlp"]
    spec["budgets"] = [40, 80, 160, 320]  # the fixed grid it is compared with
    url = f"sqlite:///{tmp_path / 'a.db'}"
    first = adaptive_budgets(
        spec, storage=url, target=0.0, model="residual_mlp", start=(40, 80, 160), max_rounds=0
    )
    assert first.reason.startswith("even the band's optimistic edge") or first.reason == (
        "0 levels added"
    )
    means = first.rounds[0]["mean_error"]
    # A target between the errors at 80 and 160: the run adds levels up to 320 at most.
    target = float(np.sqrt(means[80.0] * means[160.0]))
    outcome = adaptive_budgets(
        spec,
        storage=url,
        target=target,
        model="residual_mlp",
        start=(40, 80, 160),
        max_budget=320,
        max_rounds=2,
    )
    assert outcome.budgets[:3] == [40, 80, 160]
    assert len(set(outcome.budgets)) == len(outcome.budgets) <= 5
    assert all(20 <= b <= 320 for b in outcome.budgets)
    results = bakeoff.results("sabr_adaptive", storage=url)
    # Exactly the chosen levels were run, once per seed, and nothing else.
    assert sorted(results["budget"].unique()) == sorted(float(b) for b in outcome.budgets)
    assert outcome.cells == len(results) == 2 * len(outcome.budgets)
    assert outcome.grid_cells == 2 * 4 and outcome.grid_hf_points == 320
    assert outcome.hf_points == max(outcome.budgets)
    if outcome.bracketed:
        small, large = (int(x) for x in outcome.reason.split(" HF")[0].split(" and "))
        last = outcome.rounds[-1]["mean_error"]
        assert last[float(small)] > target >= last[float(large)] and large / small <= 1.5
    assert "budgets measured" in outcome.describe()


@pytest.mark.slow
def test_measured_levels_that_straddle_the_target_are_split_first(tmp_path: Path) -> None:
    # A new user's case: the means at 50, 100, 200 were 1.574, 1.436, 1.527 (not
    # monotone), so the fitted curve's asymptote sat above the target 1.5; the measured
    # levels 50 and 100 straddle it all the same, and a level between them must follow.
    # The means differ from machine to machine (float kernels), so the target is set from
    # the first round's own means: halfway between the smallest level's mean and the
    # first mean below it, which some measured pair must then straddle.
    import yaml

    spec = yaml.safe_load(
        """
study: sabr_adapt
seed: 11
datasets:
  - name: sabr_surfaces
    options: {n_parameter_sets: 32, mc_paths: 3000, steps_per_year: 25,
              maturities: [0.25, 1.0, 3.0]}
models:
  - name: residual_mlp
    params: {epochs: 40, mlp_widths: "16,16", learning_rate: 0.002, batch_size: 32,
             dropout: 0.1, patience: 10}
metrics: [rmse_vol_points]
budgets: [50, 100, 200, 400, 600]
seeds: 2
split: {kind: holdout, group: surface, test_size: 0.25}
tuning: {method: none}
"""
    )
    url = f"sqlite:///{tmp_path / 'adapt.db'}"
    common = {"storage": url, "model": "residual_mlp", "max_budget": 600}
    measured = adaptive_budgets(spec, target=0.0, max_rounds=0, **common).rounds[0]
    first = measured["mean_error"]
    levels = sorted(first)
    lower = next((level for level in levels if first[level] < first[levels[0]]), None)
    assert lower is not None, first  # more HF points never helped: the model learned nothing
    target = (first[levels[0]] + first[lower]) / 2
    wide = [(a, b) for a, b in itertools.pairwise(levels) if first[a] > target >= first[b]]
    assert wide and wide[0][1] == lower and wide[0][1] / wide[0][0] > 1.5, (first, target)

    outcome = adaptive_budgets(spec, target=target, max_rounds=2, **common)
    assert outcome.rounds[0]["mean_error"] == first  # the same cells, read back
    a, b = wide[0]
    # Split first: the next level is the straddling pair's geometric middle, whatever
    # the fitted curve says.
    assert outcome.budgets[3] == round((a * b) ** 0.5)
