"""Every bad study gives one readable SpecError naming the field, value and fix."""

from __future__ import annotations

import pytest

from bakeoff import Study
from bakeoff.exceptions import DatasetError, SpecError, UnknownNameError
from bakeoff.spec import parse_spec
from tests.conftest import tiny_study


def error_of(**overrides: object) -> str:
    with pytest.raises(SpecError) as info:
        Study(**tiny_study(**overrides)).resolve()
    return str(info.value)


def test_unknown_key_names_the_closest_valid_key() -> None:
    message = error_of(tuning={"n_trial": 3})
    assert "tuning" in message and "'n_trial'" in message
    assert "Did you mean 'n_trials'?" in message


def test_unknown_top_level_key_lists_valid_keys() -> None:
    message = error_of(budget=[10])
    assert "unknown key 'budget'" in message and "Did you mean 'budgets'?" in message


def test_low_above_high_names_the_parameter_and_the_fix() -> None:
    message = error_of(
        models=[
            {
                "name": "random_forest",
                "search_space": {"max_depth": {"type": "int", "low": 12, "high": 2}},
            }
        ]
    )
    assert "models[0].search_space.max_depth" in message
    assert "low=12" in message and "high=2" in message and "swap" in message


def test_log_scale_needs_positive_low() -> None:
    message = error_of(
        models=[
            {
                "name": "logistic_regression",
                "search_space": {"C": {"type": "float", "low": 0, "high": 1, "log": True}},
            }
        ]
    )
    assert "log=true needs low > 0" in message


def test_unknown_model_suggests_the_registered_name() -> None:
    with pytest.raises(UnknownNameError) as info:
        Study(**tiny_study(models=["xgbost"])).resolve()
    assert "models[0].name" in str(info.value)
    assert "Did you mean 'xgboost'?" in str(info.value)


def test_unknown_dataset_suggests_and_explains_files() -> None:
    with pytest.raises(UnknownNameError) as info:
        Study(**tiny_study(datasets=["irsi"])).resolve()
    assert "Did you mean 'iris'?" in str(info.value) and "path:" in str(info.value)


def test_unknown_metric_suggests() -> None:
    message = error_of(metrics=["acuracy"])
    assert "metrics[0]" in message and "Did you mean 'accuracy'?" in message


def test_metric_of_the_wrong_task_is_refused() -> None:
    message = error_of(metrics=["rmse"])
    assert "'rmse' does not apply to classification" in message


def test_unknown_search_space_parameter_is_refused() -> None:
    message = error_of(
        models=[
            {
                "name": "random_forest",
                "search_space": {"max_dept": {"type": "int", "low": 1, "high": 3}},
            }
        ]
    )
    assert "takes no parameter 'max_dept'" in message and "max_depth" in message


def test_empty_datasets_list() -> None:
    message = error_of(datasets=[])
    assert message == "study: datasets: is empty; list at least one"


def test_empty_design_when_no_model_fits_any_task() -> None:
    message = error_of(datasets=["diabetes"], models=["logistic_regression"], metrics=None)
    assert "the design is empty" in message


@pytest.mark.parametrize("budget", [0, -5, "half", True])
def test_bad_budget_values(budget: object) -> None:
    message = error_of(budgets=[40, budget])
    assert 'budgets[1] must be a positive int or "full"' in message


def test_budget_larger_than_training_split() -> None:
    message = error_of(budgets=[500])
    # iris: 150 rows, test_size 0.25 -> ceil(37.5) = 38 test rows, 112 training rows.
    assert "500 is larger than the training split of dataset 'iris' (112 of 150 rows" in message


def test_budget_smaller_than_cv_folds() -> None:
    message = error_of(budgets=[2], tuning={"n_trials": 2, "cv": 5})
    # iris has three classes of equal size: 5 inner folds need 5 rows of each, 15 in all.
    assert "too few" in message and "Use at least 15" in message


def test_unknown_tuning_method() -> None:
    message = error_of(tuning={"method": "bayes"})
    assert "unknown tuning method 'bayes'" in message and "tpe" in message


def test_grid_needs_values_for_every_parameter() -> None:
    message = error_of(
        tuning={"method": "grid", "n_trials": 3, "cv": 2},
        models=[
            {
                "name": "random_forest",
                "search_space": {"max_samples": {"type": "float", "low": 0.1, "high": 1.0}},
            }
        ],
    )
    assert "['max_samples'] have no grid values" in message


def test_duplicate_model_labels_ask_for_a_label() -> None:
    message = error_of(models=["random_forest", "random_forest"])
    assert "repeat" in message and "label" in message


def test_missing_file_names_the_path(tmp_path) -> None:
    with pytest.raises(DatasetError) as info:
        Study(
            **tiny_study(datasets=[{"name": "mine", "path": "nope.csv", "target": "y"}]),
            base_dir=tmp_path,
        ).resolve()
    assert "datasets[0]" in str(info.value) and "nope.csv" in str(info.value)


def test_missing_target_column_suggests_a_column(tmp_path) -> None:
    (tmp_path / "data.csv").write_text("x1,x2,label\n1,2,a\n2,3,b\n3,4,a\n4,5,b\n")
    with pytest.raises(DatasetError) as info:
        Study(
            **tiny_study(
                datasets=[{"name": "mine", "path": "data.csv", "target": "labl"}], budgets=["full"]
            ),
            base_dir=tmp_path,
        ).resolve()
    assert "no target column 'labl'" in str(info.value) and "Did you mean 'label'?" in str(
        info.value
    )


def test_non_numeric_regression_target(tmp_path) -> None:
    (tmp_path / "data.csv").write_text("x,y\n1,a\n2,b\n3,c\n4,d\n")
    with pytest.raises(DatasetError) as info:
        Study(
            **tiny_study(
                datasets=[
                    {"name": "mine", "path": "data.csv", "target": "y", "task": "regression"}
                ],
                models=["random_forest"],
                metrics=None,
                budgets=["full"],
            ),
            base_dir=tmp_path,
        ).resolve()
    assert "is not numeric" in str(info.value) and "task: classification" in str(info.value)


def test_file_dataset_without_target() -> None:
    with pytest.raises(SpecError) as info:
        parse_spec(tiny_study(datasets=[{"name": "mine", "path": "data.csv"}]))
    assert "names no target" in str(info.value)


def test_seeds_count_expands_to_a_list() -> None:
    assert parse_spec(tiny_study(seeds=3)).seeds == [0, 1, 2]


def test_defaults_are_filled_in() -> None:
    spec = parse_spec({"study": "s", "datasets": ["iris"], "models": ["random_forest"]})
    assert spec.budgets == ["full"] and spec.seeds == [0]
    assert spec.tuning.method == "tpe" and spec.tuning.n_trials == 50 and spec.tuning.cv == 5
    assert spec.split.test_size == 0.25 and spec.execution.n_jobs == 1


@pytest.mark.parametrize("model", ["xgboost", "random_forest"])
@pytest.mark.parametrize("where", ["params", "search_space"])
def test_a_misspelt_parameter_is_refused_on_every_model(model: str, where: str) -> None:
    # n_estimator was tuned and silently ignored by XGBoost (it forwards any keyword).
    value = {"type": "int", "low": 5, "high": 10} if where == "search_space" else 5
    message = error_of(models=[{"name": model, where: {"n_estimator": value}}])
    assert f"models[0].{where}.n_estimator: model '{model}' takes no parameter" in message
    assert "Did you mean 'n_estimators'?" in message


def _unused_by_xgboost(params: dict) -> bool:
    """XGBoost's own verdict: does it warn that a parameter is not used?"""
    import warnings

    import numpy as np
    import xgboost

    model = xgboost.XGBClassifier(n_estimators=1, verbosity=1, **params)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(np.arange(8.0).reshape(-1, 1), np.arange(8) % 2)
    return any("are not used" in str(w.message) for w in caught)


@pytest.mark.parametrize(
    "params",
    [
        {"booster": "dart", "rate_drop": 0.1, "skip_drop": 0.5},
        {"eta": 0.2, "lambda": 2.0, "alpha": 0.1},
        {"booster": "gblinear", "feature_selector": "shuffle"},
        {"max_leaves": 8, "grow_policy": "lossguide"},
    ],
)
def test_booster_parameters_xgboost_uses_are_accepted(params: dict) -> None:
    pytest.importorskip("xgboost")
    assert not _unused_by_xgboost(params)
    Study(**tiny_study(models=[{"name": "xgboost", "params": params}])).resolve()


@pytest.mark.parametrize("name", ["n_estimator", "max_dept", "learningrate"])
def test_names_xgboost_ignores_are_refused(name: str) -> None:
    pytest.importorskip("xgboost")
    assert _unused_by_xgboost({name: 1})
    message = error_of(models=[{"name": "xgboost", "params": {name: 1}}])
    assert f"takes no parameter '{name}'" in message


def test_a_parameter_of_one_task_only_is_refused_for_the_other() -> None:
    # class_weight exists on RandomForestClassifier, not on RandomForestRegressor.
    message = error_of(
        datasets=["iris", "diabetes"],
        models=[{"name": "random_forest", "params": {"class_weight": "balanced"}}],
        budgets=["full"],
    )
    assert "takes no parameter 'class_weight' on regression" in message
