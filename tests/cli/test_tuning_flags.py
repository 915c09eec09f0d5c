"""``bakeoff run``'s tuning options and ``bakeoff tune``, run as a user would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

import bakeoff
from bakeoff.store import Store
from tests.conftest import run_cli, tiny_study


def small_study() -> dict[str, Any]:
    return tiny_study(
        study="flags",
        models=[
            {
                "name": "random_forest",
                "params": {"n_estimators": 5},
                "search_space": {"max_depth": {"type": "int", "low": 1, "high": 6}},
            }
        ],
        budgets=["full"],
        seeds=1,
        tuning={"method": "tpe", "n_trials": 3, "cv": 2},
    )


def write(folder: Path, spec: dict[str, Any], name: str = "study.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def stored(url: str, name: str) -> tuple[dict[str, Any], set[str]]:
    with Store(url) as store:
        return store.study(name)["spec"], set(store.cells_frame(name)["cell_key"])


def test_an_override_is_an_edit_of_the_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    write(tmp_path, small_study())
    done = run_cli("run", "study.yaml", "-s", url, "--tuning-trials", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    spec, keys = stored(url, "flags")
    assert spec["tuning"]["n_trials"] == 2  # the stored spec records what ran
    # The same cells as the file edited by hand, not those of the file as it is.
    edited = small_study()
    edited["tuning"]["n_trials"] = 2
    assert keys == {c.key for c in bakeoff.Study(**edited).cells()}
    assert keys.isdisjoint({c.key for c in bakeoff.Study(**small_study()).cells()})
    assert (bakeoff.results("flags", storage=url)["n_trials"] == 2).all()


def test_method_and_timeout_overrides_reach_the_stored_spec(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    write(tmp_path, small_study())
    done = run_cli(
        "run", "study.yaml", "-s", url, "--tuning-method", "random", "--tuning-timeout", "600",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    spec, _ = stored(url, "flags")
    assert spec["tuning"]["method"] == "random" and spec["tuning"]["timeout"] == 600


def test_no_tuning_runs_each_model_once_with_its_defaults(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    write(tmp_path, small_study())
    done = run_cli("run", "study.yaml", "-s", url, "--no-tune-hyperparameters", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    spec, _ = stored(url, "flags")
    assert spec["tuning"]["method"] == "none"
    table = bakeoff.results("flags", storage=url)
    assert (table["n_trials"] == 1).all() and (table["best_params"] == "{}").all()
    # The header says what runs: one trial per cell, not the file's n_trials.
    header = " ".join(done.stdout.split())
    assert "tuning none (one trial of the fixed parameters)" in header
    assert "trials," not in header.split("cells;")[1].split(".")[0]


def test_tuning_a_file_that_says_none(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    spec = small_study()
    spec["tuning"]["method"] = "none"
    write(tmp_path, spec)
    done = run_cli("run", "study.yaml", "-s", url, "--tune-hyperparameters", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    stored_spec, _ = stored(url, "flags")
    assert stored_spec["tuning"]["method"] == "tpe"
    assert (bakeoff.results("flags", storage=url)["n_trials"] == 3).all()


def test_a_bad_override_names_the_option_and_writes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    write(tmp_path, small_study())
    for args, expected in (
        (
            ["--tuning-method", "tpee"],
            "--tuning-method tpee: tuning.method: unknown tuning method 'tpee'. "
            "Did you mean 'tpe'?",
        ),
        (["--tuning-trials", "0"], "--tuning-trials 0: tuning.n_trials"),
        (["--tuning-timeout", "-5"], "--tuning-timeout -5.0: tuning.timeout"),
        (["--no-tune-hyperparameters", "--tuning-method", "tpe"], "Give one of them"),
    ):
        done = run_cli("run", "study.yaml", "-s", url, *args, cwd=tmp_path)
        assert done.returncode == 2, (args, done.stderr)
        assert expected in " ".join(done.stderr.split()), done.stderr
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "b.db").exists()


def test_tune_is_a_one_cell_study_every_command_reads(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    args = ["tune", "--model", "ridge", "--dataset", "diabetes", "--trials", "4", "--cv", "2"]
    done = run_cli(*args, "--metric", "mae", "--store", url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Best parameters: alpha=" in done.stdout
    table = bakeoff.results("tune-ridge-diabetes", storage=url)
    assert len(table) == 1 and table["status"].iloc[0] == "complete"
    assert "cv_mae" in table.columns  # the metric given is the objective
    assert len(bakeoff.trials("tune-ridge-diabetes", storage=url)) == 4
    for command in (
        ["status", "tune-ridge-diabetes"],
        ["trials", "tune-ridge-diabetes", "-f", "csv"],
        ["params", "export", "tune-ridge-diabetes"],
    ):
        shown = run_cli(*command, "-s", url, cwd=tmp_path)
        assert shown.returncode == 0, shown.stderr
    exported = yaml.safe_load(run_cli("params", "export", "tune-ridge-diabetes", "-s", url).stdout)
    assert exported["params"][0]["params"] == json.loads(table["best_params"].iloc[0])
    # Running it again resumes: the cell is complete and is not run again.
    again = run_cli(*args, "--metric", "mae", "--store", url, cwd=tmp_path)
    assert "1 from earlier runs" in again.stdout
    bad = run_cli("tune", "--model", "ridge", "--dataset", "diabetes", "--cv", "1", "-s", url)
    assert bad.returncode == 2 and "--cv 1: tuning.cv" in bad.stderr


def test_tune_takes_a_file_with_its_target(tmp_path: Path) -> None:
    from sklearn.datasets import load_wine

    load_wine(as_frame=True).frame.to_csv(tmp_path / "my wine.csv", index=False)
    url = f"sqlite:///{tmp_path / 'b.db'}"
    args = ["tune", "-m", "logistic_regression", "-d", "my wine.csv", "--trials", "2", "--cv", "2"]
    done = run_cli(*args, "--target", "target", "-s", url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    table = bakeoff.results("tune-logistic_regression-my-wine", storage=url)
    assert list(table["dataset"]) == ["my-wine"] and list(table["status"]) == ["complete"]
    missing = run_cli(*args, "-s", url, cwd=tmp_path)
    assert missing.returncode == 2 and "--target COLUMN" in missing.stderr


def test_the_pruner_override_reaches_the_keys_and_the_stored_spec(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    write(tmp_path, small_study())
    done = run_cli("run", "study.yaml", "-s", url, "--pruner", "median", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    spec, keys = stored(url, "flags")
    assert spec["tuning"]["pruner"] == "median"
    edited = small_study()
    edited["tuning"]["pruner"] = "median"
    assert keys == {c.key for c in bakeoff.Study(**edited).cells()}
    bad = run_cli("run", "study.yaml", "-s", url, "--pruner", "medain", cwd=tmp_path)
    assert bad.returncode == 2 and "--pruner medain: tuning.pruner" in bad.stderr


def test_tune_with_parallel_trials(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    args = ["tune", "-m", "ridge", "-d", "diabetes", "--trials", "4", "--cv", "2"]
    done = run_cli(*args, "--parallel-trials", "2", "--pruner", "median", "-s", url)
    assert done.returncode == 0, done.stderr
    with Store(url) as store:
        spec = store.study("tune-ridge-diabetes")["spec"]
    assert spec["tuning"]["parallel_trials"] == 2 and spec["tuning"]["pruner"] == "median"
    assert len(bakeoff.trials("tune-ridge-diabetes", storage=url)) == 4


def test_validate_checks_the_flags_as_run_would_apply_them(tmp_path: Path) -> None:
    write(tmp_path, small_study())
    done = run_cli("validate", "study.yaml", "--tuning-method", "tpee", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "--tuning-method tpee: tuning.method" in " ".join(done.stderr.split())
    plain = run_cli("validate", "study.yaml", cwd=tmp_path)
    untuned = run_cli("validate", "study.yaml", "--no-tune-hyperparameters", cwd=tmp_path)
    assert plain.returncode == untuned.returncode == 0, untuned.stderr
    cells = bakeoff.Study(**small_study()).cells()
    assert f"{len(cells)} cells" in plain.stdout and f"{len(cells)} cells" in untuned.stdout


def test_the_tuning_method_option_names_every_method_a_study_accepts() -> None:
    import inspect

    from bakeoff.cli._run import run as run_command
    from bakeoff.tuning import METHODS

    option = inspect.signature(run_command).parameters["tuning_method"].default
    listed = set(option.help.replace(",", " ").replace(".", " ").split())
    assert set(METHODS) <= listed, set(METHODS) - listed
