"""Models: registry contract, the shipped models, and a user's own estimator in a study."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import yaml
from sklearn.datasets import load_iris
from sklearn.neighbors import KNeighborsClassifier

import bakeoff
from bakeoff import models
from bakeoff.exceptions import MissingExtraError, UnknownNameError
from tests.conftest import cli_env, run_cli


def test_shipped_models_are_listed_sorted() -> None:
    names = [m.name for m in models.list_models()]
    assert {"logistic_regression", "random_forest", "xgboost"} <= set(names)
    assert names == sorted(names)


def test_unknown_model_suggests_the_closest() -> None:
    with pytest.raises(UnknownNameError, match="Did you mean 'random_forest'"):
        models.get("random_forrest")


@pytest.mark.parametrize("name", ["logistic_regression", "random_forest", "xgboost"])
def test_shipped_models_fit_multiclass_with_any_sampled_configuration(name) -> None:
    X, y = load_iris(return_X_y=True)
    model = models.get(name)
    space = model.search_space()
    rng = np.random.default_rng(0)
    for config in [space.grid()[i] for i in rng.choice(len(space.grid()), 3, replace=False)]:
        estimator = model.build(
            {**model.default_params(), **config}, task="classification", random_state=0
        )
        estimator.fit(X, y)
        assert estimator.predict(X).shape == (150,)


def test_multiclass_l2_logistic_regression_solves_the_multinomial_problem_by_lbfgs() -> None:
    # The same problem as scikit-learn's own default (lbfgs, L2, multinomial): the same
    # coefficients to the solver's tolerance. saga, used before, needed hundreds of
    # epochs to get there at large C.
    from sklearn.linear_model import LogisticRegression

    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    for C in (0.01, 1.0, 100.0):
        ours = models.get("logistic_regression").build(
            {"penalty": "l2", "C": C, "max_iter": 2000}, task="classification", random_state=0
        )
        ours.fit(X, y)
        reference = LogisticRegression(C=C, max_iter=2000, tol=1e-4).fit(X, y)
        assert ours.solver_ == "lbfgs"
        np.testing.assert_allclose(ours.coef_, reference.coef_, rtol=1e-6, atol=1e-8)
    # An L1 part still needs saga on more than two classes.
    l1 = models.get("logistic_regression").build(
        {"penalty": "l1", "C": 1.0, "max_iter": 2000}, task="classification", random_state=0
    )
    assert l1.fit(X, y).solver_ == "saga"


def test_xgboost_copes_with_a_missing_class() -> None:
    # Labels 0 and 2 only: XGBoost alone would refuse non-contiguous labels.
    X = np.random.default_rng(0).normal(size=(40, 3))
    y = np.array([0, 2] * 20)
    estimator = models.get("xgboost").build(
        {"n_estimators": 5}, task="classification", random_state=0
    )
    estimator.fit(X, y)
    assert set(estimator.predict(X)) <= {0, 2} and list(estimator.classes_) == [0, 2]


def test_a_user_estimator_runs_in_a_study(store_url) -> None:
    models.register_estimator(
        "test_knn",
        KNeighborsClassifier,
        needs_scaling=True,
        replace=True,
        search_space={"n_neighbors": {"type": "int", "low": 1, "high": 15}},
    )
    study = bakeoff.Study(
        study="knn",
        datasets=["iris"],
        models=["test_knn"],
        seeds=1,
        tuning={"method": "random", "n_trials": 3, "cv": 2},
    )
    summary = study.run(storage=store_url)
    assert summary.exit_code == 0
    best = bakeoff.results("knn", storage=store_url)["best_params"].iloc[0]
    assert "n_neighbors" in best


def test_a_missing_extra_names_the_pip_line(monkeypatch) -> None:
    # None in sys.modules makes `import xgboost` raise ImportError, as if not installed.
    monkeypatch.setitem(__import__("sys").modules, "xgboost", None)
    with pytest.raises(MissingExtraError, match=r'pip install "bakeoff\[xgboost\]"'):
        models.get("xgboost").build({}, task="classification", random_state=0)


def test_an_estimator_registered_by_import_path_builds_when_first_used() -> None:
    # A pack loaded at start-up names its class by path, so listing models imports
    # nothing; the class is imported when a cell builds the estimator.
    model = models.register_estimator(
        "knn_by_path",
        "sklearn.neighbors:KNeighborsClassifier",
        task="classification",
        search_space={"n_neighbors": {"type": "int", "low": 1, "high": 9}},
        replace=True,
    )
    assert model.tasks == ("classification",)
    built = model.build({"n_neighbors": 3}, task="classification", random_state=0)
    assert type(built) is KNeighborsClassifier and built.n_neighbors == 3


def test_an_import_path_without_a_task_is_refused() -> None:
    with pytest.raises(ValueError, match="needs task="):
        models.register_estimator("knn_no_task", "sklearn.neighbors:KNeighborsClassifier")


def test_a_model_file_saved_before_the_estimators_moved_still_loads() -> None:
    # Artifacts pickled by earlier releases name bakeoff.models._sklearn's class.
    import pickle

    from bakeoff.models._estimators import PenaltyLogisticRegression

    old = b"cbakeoff.models._sklearn\n_PenaltyLogisticRegression\n."  # a GLOBAL opcode
    assert pickle.loads(old) is PenaltyLogisticRegression


def test_a_registered_space_with_low_above_high_is_one_message_at_validation(
    tmp_path, write_study
) -> None:
    # The space is checked on first use, not at registration (so that registering the
    # shipped models and packs at start-up loads no validation library): a study naming
    # the model gets exit 2, the parameter, the fix, and an untouched store.
    (tmp_path / "badspace.py").write_text(
        "import bakeoff\n"
        "bakeoff.register_estimator('bad_knn', 'sklearn.neighbors:KNeighborsClassifier',\n"
        "    task='classification',\n"
        "    search_space={'n_neighbors': {'type': 'int', 'low': 30, 'high': 1}})\n"
    )
    study = write_study(
        {
            "study": "bad",
            "imports": ["badspace"],
            "datasets": ["iris"],
            "models": ["bad_knn"],
            "tuning": {"n_trials": 2, "cv": 2},
            "storage": f"sqlite:///{tmp_path / 'store.db'}",
        }
    )
    for command in ("validate", "run"):
        done = run_cli(command, str(study), cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert "models[0].name: model 'bad_knn' was registered with an invalid" in done.stderr
        assert "n_neighbors: low must be <= high, but got low=30, high=1; swap them" in (
            " ".join(done.stderr.split())
        )
    assert not (tmp_path / "store.db").exists()


def test_listing_models_names_their_parameters_without_building_the_spaces() -> None:
    for model in models.list_models():
        assert model.parameter_names() == list(model.search_space()), model.name


def test_models_show_and_list_take_a_module_to_import(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # A model registered by a study's `imports:` module can be looked at before a run;
    # a bad space there is the same one message as at validation, and a missing module
    # says how to make it importable.
    (tmp_path / "mine.py").write_text(
        "import bakeoff\n"
        "bakeoff.register_estimator('my_knn', 'sklearn.neighbors:KNeighborsClassifier',\n"
        "    task='classification',\n"
        "    search_space={'n_neighbors': {'type': 'int', 'low': 1, 'high': 25}})\n"
        "bakeoff.register_estimator('bad_knn', 'sklearn.neighbors:KNeighborsClassifier',\n"
        "    task='classification',\n"
        "    search_space={'n_neighbors': {'type': 'int', 'low': 30, 'high': 1}})\n"
    )
    shown = run_cli("models", "show", "my_knn", "--import", "mine", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "n_neighbors" in shown.stdout and "[1, 25]" in shown.stdout
    listed = run_cli("models", "list", "-i", "mine", "--format", "csv", cwd=tmp_path)
    assert listed.returncode == 0 and "my_knn" in listed.stdout
    bad = run_cli("models", "show", "bad_knn", "--import", "mine", cwd=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "model 'bad_knn' was registered with an invalid default search space" in bad.stderr
    missing = run_cli("models", "list", "--import", "not_a_module_here", cwd=tmp_path)
    assert missing.returncode == 2
    assert "--import not_a_module_here: cannot import module" in " ".join(missing.stderr.split())


def test_a_module_that_fails_while_importing_is_the_users_error_with_its_line(
    tmp_path: Path, write_study: Callable[..., Path]
) -> None:
    # The user's module raising (here a misspelt call, at line 3) is not a bug in
    # bakeoff: one line naming the module, the error and the user's line, exit 2.
    (tmp_path / "typo.py").write_text(
        "import bakeoff\n"
        "\n"
        "bakeoff.register_estimater('knn', 'sklearn.neighbors:KNeighborsClassifier')\n"
    )
    spec = write_study(
        {
            "study": "typo",
            "imports": ["typo"],
            "datasets": ["iris"],
            "models": ["logistic_regression"],
            "budgets": ["full"],
            "seeds": 1,
            "tuning": {"method": "none"},
        }
    )
    for args in (["validate", str(spec)], ["models", "list", "--import", "typo"]):
        done = run_cli(*args, cwd=tmp_path)
        message = " ".join(done.stderr.split())
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr and "bug in bakeoff" not in message
        assert "importing module 'typo' raised AttributeError" in message
        assert "register_estimater" in message and "typo.py, line 3" in message
    ran = run_cli("run", str(spec), "--storage", f"sqlite:///{tmp_path}/store.db", cwd=tmp_path)
    assert ran.returncode == 2 and "imports[0]: importing module 'typo'" in ran.stderr
    assert not (tmp_path / "store.db").exists()
    debug = run_cli("--debug", "validate", str(spec), cwd=tmp_path)
    assert "Traceback" in debug.stderr and 'typo.py", line 3' in debug.stderr
    # A module that exits (a script made a module) is the same kind of error, not a
    # silent exit 0.
    (tmp_path / "typo.py").write_text("import sys\n\nsys.exit()\n")
    done = run_cli("validate", str(spec), cwd=tmp_path)
    message = " ".join(done.stderr.split())
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "importing module 'typo' called sys.exit(None)" in message
    assert "typo.py, line 3" in message


def test_a_module_beside_the_study_but_off_the_path_gets_the_fix(tmp_path: Path) -> None:
    # The newcomer's case: mymodels.py written next to study.yaml, `imports: [mymodels]`,
    # and the folder not on Python's path. The error names the file and the PYTHONPATH
    # that fixes it; the model it would have registered is not reported as a typo.
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "mymodels.py").write_text(
        "import bakeoff\n\n"
        "bakeoff.register_estimator(\n"
        "    'my_knn', 'sklearn.neighbors:KNeighborsClassifier', task='classification'\n"
        ")\n"
    )
    study = {
        "study": "beside",
        "imports": ["mymodels"],
        "datasets": ["iris"],
        "models": ["my_knn"],
        "budgets": ["full"],
        "seeds": 1,
        "tuning": {"method": "none"},
    }
    spec = folder / "study.yaml"
    spec.write_text(yaml.safe_dump(study))
    done = run_cli("validate", str(spec), cwd=tmp_path)
    message = " ".join(done.stderr.split())
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{folder.resolve() / 'mymodels.py'} is there" in message
    assert f"PYTHONPATH={folder.resolve()}" in message
    assert "Model 'my_knn' is not registered" in message
    assert "imports[0] failed above, and may be what registers it" in message
    # Following the message fixes it.
    env = cli_env()
    env["PYTHONPATH"] = os.pathsep.join([str(folder.resolve()), env["PYTHONPATH"]])

    def validate_on_path() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bakeoff", "validate", str(spec)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    fixed = validate_on_path()
    assert fixed.returncode == 0, fixed.stderr
    # A module that is found but misses a dependency is not the module missing.
    (folder / "mymodels.py").write_text("import surely_not_installed_dependency\n")
    missing = validate_on_path()
    message = " ".join(missing.stderr.split())
    assert missing.returncode == 2, missing.stderr
    assert "No module named 'surely_not_installed_dependency'" in message
    assert "is there, but" not in message
    assert "'surely_not_installed_dependency', which it imports, is not installed" in message
    # A file name where a module name belongs.
    spec.write_text(yaml.safe_dump({**study, "imports": ["mymodels.py"]}))
    done = run_cli("validate", str(spec), cwd=folder)
    assert done.returncode == 2, done.stderr
    assert "Name the module, not its file: 'mymodels'" in " ".join(done.stderr.split())
