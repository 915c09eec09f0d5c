"""Same spec, same numbers: whatever n_jobs, and in fresh processes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import bakeoff
from tests.conftest import run_cli, tiny_study
from tests.helpers import assert_same_numbers, stored_numbers


@pytest.mark.slow
def test_n_jobs_1_and_2_and_a_second_run_give_identical_numbers(tmp_path: Path) -> None:
    stores = []
    for name, n_jobs in (("serial", 1), ("parallel", 2), ("again", 1)):
        url = f"sqlite:///{tmp_path / f'{name}.db'}"
        path = tmp_path / f"{name}.yaml"
        spec = tiny_study(
            storage=url,
            execution={"n_jobs": n_jobs},
            tuning={"method": "tpe", "n_trials": 4, "cv": 2},
        )
        path.write_text(yaml.safe_dump(spec))
        # Each run is its own process: string hashing differs between them, seeds must not.
        completed = run_cli("run", str(path))
        assert completed.returncode == 0, completed.stderr
        stores.append(url)
    numbers = [stored_numbers("tiny", url) for url in stores]
    assert_same_numbers(numbers[0], numbers[1])
    assert_same_numbers(numbers[0], numbers[2])


def test_a_different_study_seed_changes_the_numbers(tmp_path: Path) -> None:
    small = dict(
        seeds=1,
        budgets=["full"],
        models=["logistic_regression"],
        tuning={"method": "random", "n_trials": 3, "cv": 2},
    )
    urls = []
    for seed in (0, 1):
        url = f"sqlite:///{tmp_path / f's{seed}.db'}"
        assert bakeoff.Study(**tiny_study(seed=seed, **small)).run(storage=url).exit_code == 0
        urls.append(url)
    a, b = (bakeoff.trials("tiny", storage=u) for u in urls)
    assert list(a["params"]) != list(b["params"])


# Model-based samplers start modelling after 2 trials here, so the resumed half of the
# run is decided by the model fitted on replayed trials, not by start-up sampling.
SAMPLER_OPTIONS = {"tpe": {"n_startup_trials": 2}, "gp": {"n_startup_trials": 2}}


@pytest.mark.parametrize("method", ["random", "grid", "qmc", "cmaes", "tpe", "gp"])
def test_each_sampler_resumes_from_replayed_trials_identically(tmp_path: Path, method) -> None:
    # Run 8 trials in one go, and 4 + 4 with a restart in between (n_trials raised through
    # the store's replay path): the second half must match.
    from bakeoff.protocol import SearchSettings, tune
    from bakeoff.tuning import SearchSpace

    space = SearchSpace(
        {
            "x": {"type": "float", "low": -2.0, "high": 2.0, "grid": [-2, -1, 0, 1, 2]},
            "y": {"type": "int", "low": 0, "high": 4},
        }
    )

    def objective(params, trial):
        return [(params["x"] - 0.3) ** 2 + params["y"]]

    def run(n_trials, replayed):
        records = []
        outcome = tune(
            space=space,
            objective=objective,
            settings=SearchSettings(
                directions=("minimize",),
                method=method,
                n_trials=n_trials,
                cell_seed=42,
                sampler_options=SAMPLER_OPTIONS.get(method) or {},
            ),
            replayed=replayed,
            on_trials=records.extend,
        )
        return outcome.records

    straight = run(8, [])
    first = run(4, [])
    continued = run(8, first)
    assert [r.params for r in continued] == [r.params for r in straight]
    assert [r.values for r in continued] == [r.values for r in straight]
