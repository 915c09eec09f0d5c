"""Per-trial seeding: a reused, reseeded sampler behaves exactly like a fresh one."""

from __future__ import annotations

import optuna
import pytest

from bakeoff._seeding import derive_seed
from bakeoff.tuning import SearchSpace, make_sampler_factory

SPACE = SearchSpace(
    {
        "x": {"type": "float", "low": -3.0, "high": 3.0},
        "n": {"type": "int", "low": 1, "high": 50, "log": True},
        "kind": {"type": "categorical", "choices": ["a", "b", "c"]},
    }
)


def run(sampler_for_trial, n_trials: int = 25) -> list[dict]:
    study = optuna.create_study(sampler=sampler_for_trial(0))
    asked = []
    for number in range(n_trials):
        study.sampler = sampler_for_trial(number)
        trial = study.ask()
        params = SPACE.suggest(trial)
        study.tell(trial, (params["x"] - 1) ** 2 + params["n"] / 50)
        asked.append(params)
    return asked


@pytest.mark.parametrize(
    ("method", "fresh"),
    [
        ("random", lambda seed: optuna.samplers.RandomSampler(seed=seed)),
        # 25 trials: past TPE's 10 random start-up trials, into its model-based phase.
        ("tpe", lambda seed: optuna.samplers.TPESampler(seed=seed)),
    ],
)
def test_reseeding_one_sampler_equals_building_one_per_trial(method, fresh) -> None:
    # The independent reference: a brand-new Optuna sampler per trial, seeded with the
    # trial's seed, is what makes a resumed cell equal to an uninterrupted one.
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    cell_seed = 1234
    reference = run(lambda n: fresh(derive_seed(cell_seed, "sampler", n)))
    reused = run(make_sampler_factory(method, cell_seed=cell_seed))
    assert reused == reference


def test_the_reused_sampler_is_one_object() -> None:
    factory = make_sampler_factory("tpe", cell_seed=0)
    assert factory(0) is factory(7)


def test_trial_seeds_differ_between_trials_and_cells() -> None:
    seeds = {derive_seed(cell, "sampler", n) for cell in (1, 2) for n in range(50)}
    assert len(seeds) == 100


def _qmc_trials(cell_seed: int, n_trials: int = 8, replay_from: int | None = None) -> list[dict]:
    """Run a QMC cell on the conditional logistic-regression space through the tuner."""
    from bakeoff import models
    from bakeoff.protocol._tuner import SearchSettings, tune

    space = models.get("logistic_regression").search_space()
    records: list = []

    def objective(params, trial):
        return [float(params["C"])]

    outcome = tune(
        space=space,
        objective=objective,
        settings=SearchSettings(
            directions=("maximize",),
            method="qmc",
            n_trials=n_trials if replay_from is None else replay_from,
            cell_seed=cell_seed,
        ),
        replayed=[],
        on_trials=records.extend,
    )
    if replay_from is not None:
        outcome = tune(
            space=space,
            objective=objective,
            settings=SearchSettings(
                directions=("maximize",), method="qmc", n_trials=n_trials, cell_seed=cell_seed
            ),
            replayed=list(outcome.records),
            on_trials=records.extend,
        )
    return [r.params for r in outcome.records]


def test_qmc_explores_conditional_values_and_differs_between_cells() -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    first = _qmc_trials(cell_seed=11, n_trials=16)
    # l1_ratio exists only under the elastic-net penalty, so QMC leaves it to its
    # independent sampler: it must vary between trials, not repeat one value.
    l1_ratios = [p["l1_ratio"] for p in first if "l1_ratio" in p]
    assert len(l1_ratios) >= 2 and len(set(l1_ratios)) == len(l1_ratios), first
    # Scrambled with the cell's seed: another cell gets other Sobol points (the first
    # trial is the independent sampler's; compare the sequence after it).
    other = _qmc_trials(cell_seed=12, n_trials=16)
    assert [p["C"] for p in other][1:] != [p["C"] for p in first][1:]
    # And a cell resumed after 5 trials asks for exactly the same configurations.
    assert _qmc_trials(cell_seed=11, n_trials=16, replay_from=5) == first
