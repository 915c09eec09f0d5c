"""tuning.trial_timeout and tuning.trial_memory: a runaway or crashing trial fails alone."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import bakeoff
from tests.conftest import run_cli


def limited_study(url: str, model: str, **tuning: object) -> dict:
    return {
        "study": "limits",
        "imports": ["bakeoff_test_plugins"],
        "datasets": ["iris"],
        "models": [model],
        "budgets": ["full"],
        "seeds": 1,
        "tuning": {"method": "grid", "n_trials": 3, "cv": 2, **tuning},
        "metrics": ["accuracy"],
        "storage": url,
    }


def failed_errors(url: str) -> dict[str, str]:
    trials = bakeoff.trials("limits", storage=url)
    failed = trials[trials["state"] == "FAIL"]
    return dict(zip(failed["params"], failed["error"], strict=True))


def test_a_trial_past_its_timeout_is_stopped_and_the_cell_goes_on(store_url: str) -> None:
    import bakeoff_test_plugins  # noqa: F401  (registers the models in this process)

    # The grid is seconds = 0 and 60: the second trial would sleep a minute.
    spec = limited_study(store_url, "sleepy", trial_timeout=3)
    summary = bakeoff.Study(**spec).run()
    assert summary.exit_code == 0
    errors = failed_errors(store_url)
    assert list(errors) == ['{"seconds": 60.0}']
    assert "trial_timeout = 3 s" in errors['{"seconds": 60.0}']
    # A limit the study set is a reason and a fix, not a traceback.
    assert "Traceback" not in errors['{"seconds": 60.0}']
    assert "Raise tuning.trial_timeout" in errors['{"seconds": 60.0}']
    results = bakeoff.results("limits", storage=store_url)
    assert results["status"].tolist() == ["complete"]
    assert results["best_params"].tolist() == ['{"seconds": 0.0}']


def test_a_trial_past_its_memory_fails_and_the_cell_goes_on(store_url: str) -> None:
    import bakeoff_test_plugins  # noqa: F401

    # The grid is 1 MB and 4000 MB; the trial may allocate 300 MB.
    spec = limited_study(store_url, "hungry", trial_memory=300)
    assert bakeoff.Study(**spec).run().exit_code == 0
    errors = failed_errors(store_url)
    assert list(errors) == ['{"megabytes": 4000}']
    assert "trial_memory = 300 MB" in errors['{"megabytes": 4000}']
    results = bakeoff.results("limits", storage=store_url)
    assert results["status"].tolist() == ["complete"]


@pytest.mark.slow
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_with_a_limit_a_crashing_trial_fails_alone(tmp_path: Path, n_jobs: int) -> None:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    path = tmp_path / "study.yaml"
    # Two seeds, so that n_jobs 2 runs two spawned workers, each forking its trials.
    spec = limited_study(url, "crashing", trial_timeout=60)
    spec.update(seeds=2, execution={"n_jobs": n_jobs})
    path.write_text(yaml.safe_dump(spec))
    completed = run_cli("run", str(path))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    trials = bakeoff.trials("limits", storage=url)
    failed = trials[trials["state"] == "FAIL"].set_index(["seed", "params"])["error"]
    for seed in (0, 1):
        assert "exited with status 3" in failed[(seed, '{"crash": "exit"}')]
        assert "signal 11 (SIGSEGV)" in failed[(seed, '{"crash": "segfault"}')]
        # Contained by the trial's own process: its worker lived on.
        assert "trial's process" in failed[(seed, '{"crash": "exit"}')]
    assert bakeoff.results("limits", storage=url)["status"].tolist() == ["complete"] * 2


def test_a_trial_in_its_own_process_scores_as_it_would_in_place() -> None:
    import optuna
    from sklearn.datasets import load_iris
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import cross_val_score

    from bakeoff.protocol._isolation import TrialLimits, run_isolated

    X, y = load_iris(return_X_y=True)

    def objective(params: dict, trial: optuna.Trial) -> float:
        model = RandomForestClassifier(n_estimators=10, random_state=0, **params)
        scores = cross_val_score(model, X, y, cv=3)
        for step, score in enumerate(scores):
            trial.report(float(score), step)
        trial.set_user_attr("fold_scores", scores.tolist())
        return float(scores.mean())

    def evaluate(isolated: bool) -> optuna.trial.FrozenTrial:
        study = optuna.create_study(direction="maximize")
        trial = study.ask()
        params = {"max_depth": trial.suggest_int("max_depth", 2, 2)}
        limits = TrialLimits(seconds=600, memory_mb=4000)
        value = (
            run_isolated(objective, params, trial, limits) if isolated else objective(params, trial)
        )
        return study.tell(trial, value)

    here, there = evaluate(False), evaluate(True)
    # The score, the reported steps and the attributes come back unchanged.
    assert there.value == here.value
    assert there.intermediate_values == here.intermediate_values
    assert len(there.intermediate_values) == 3
    assert there.user_attrs == here.user_attrs


def test_unset_limits_keep_the_cell_keys_of_earlier_releases() -> None:
    from tests.conftest import tiny_study

    # Keys computed by bakeoff before trial limits existed (commit cb796cd): a store it
    # wrote resumes its cells instead of setting them aside.
    before = [
        "847bd3ec4c3bc022cb313e52391c85dea4c1e8b23f10b50ba16812d6d6a306e7",
        "efe50903441dc9488bf86a91c9b5b5e9418e02d1047f2fdc3607a23e1a921f75",
    ]
    spec = tiny_study(seeds=1, budgets=["full"])
    assert sorted(c.key for c in bakeoff.Study(**spec).cells()) == before
    spec["tuning"] = {**spec["tuning"], "trial_timeout": 60}
    # A limit can change what is stored (a trial stopped), so setting one makes new cells.
    assert not set(c.key for c in bakeoff.Study(**spec).cells()) & set(before)
