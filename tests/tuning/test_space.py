"""Search spaces: default grids, conditional sampling, Optuna mapping."""

from __future__ import annotations

import itertools

import numpy as np
import optuna
import pytest
from sklearn.datasets import load_breast_cancer, load_iris

from bakeoff import models
from bakeoff.tuning import SearchSpace

# The grids the core-engine issue prescribes, written out independently of the code.
XGBOOST_GRID = {
    "max_depth": [3, 6, 9, 12],
    "learning_rate": [0.01, 0.05, 0.1, 0.3],
    "n_estimators": [100, 200, 300, 500],
    "subsample": [0.6, 0.8, 1.0],
    "colsample_bytree": [0.6, 0.8, 1.0],
    "reg_alpha": [0, 0.01, 0.1, 1.0],
    "reg_lambda": [1, 2, 5, 10],
}
RANDOM_FOREST_GRID = {
    "n_estimators": [100, 200, 300, 500],
    "max_depth": [None, 10, 20, 30],
    "min_samples_split": [2, 5, 10],
    "min_samples_leaf": [1, 2, 4],
    "max_features": ["sqrt", "log2", 0.5, 0.8],
}


@pytest.mark.parametrize(
    ("name", "expected"), [("xgboost", XGBOOST_GRID), ("random_forest", RANDOM_FOREST_GRID)]
)
def test_default_grid_values_are_exactly_the_prescribed_lists(name, expected) -> None:
    space = models.get(name).search_space()
    assert {p: space[p].grid_values() for p in space} == expected


@pytest.mark.parametrize(
    ("name", "expected"), [("xgboost", XGBOOST_GRID), ("random_forest", RANDOM_FOREST_GRID)]
)
def test_flat_grid_is_the_full_product(name, expected) -> None:
    configs = models.get(name).search_space().grid()
    product = [
        dict(zip(expected, values, strict=True)) for values in itertools.product(*expected.values())
    ]
    assert len(configs) == len(product) == int(np.prod([len(v) for v in expected.values()]))

    def key(config):
        # Numbers compare by value (a float grid holds 0 as 0.0).
        return sorted(
            (k, v if isinstance(v, str) or v is None else float(v)) for k, v in config.items()
        )

    assert sorted(map(key, configs), key=repr) == sorted(map(key, product), key=repr)


def test_logistic_regression_grid_is_the_conditional_product() -> None:
    configs = models.get("logistic_regression").search_space().grid()
    c_values = [0.001, 0.01, 0.1, 1.0, 10.0, 100.0]
    expected = [{"C": c, "penalty": "l1"} for c in c_values]
    expected += [{"C": c, "penalty": "l2"} for c in c_values]
    expected += [
        {"C": c, "penalty": "elasticnet", "l1_ratio": r} for c in c_values for r in (0.1, 0.5, 0.9)
    ]
    # 6 C values x (l1 + l2 + 3 elastic-net ratios) = 30 distinct configurations.
    key = lambda c: sorted(c.items())  # noqa: E731
    assert sorted(map(key, configs)) == sorted(map(key, expected))
    assert len(configs) == 30


@pytest.mark.parametrize("sampler", ["random", "tpe"])
def test_conditional_space_never_samples_an_invalid_combination(sampler) -> None:
    space = models.get("logistic_regression").search_space()
    make = optuna.samplers.RandomSampler if sampler == "random" else optuna.samplers.TPESampler
    study = optuna.create_study(sampler=make(seed=0), direction="maximize")
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    def objective(trial: optuna.Trial) -> float:
        params = space.suggest(trial)
        # l1_ratio is present exactly when the penalty is elastic net.
        assert ("l1_ratio" in params) == (params["penalty"] == "elasticnet")
        assert set(params) <= {"C", "penalty", "l1_ratio"}
        return params["C"]

    study.optimize(objective, n_trials=200)
    assert {t.params["penalty"] for t in study.trials} == {"l1", "l2", "elasticnet"}


@pytest.mark.parametrize("loader", [load_breast_cancer, load_iris])
def test_every_logistic_regression_grid_configuration_fits(loader) -> None:
    # Binary (liblinear allowed) and multiclass (lbfgs or saga): every configuration builds a
    # compatible solver, so none fails.
    X, y = loader(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    model = models.get("logistic_regression")
    for config in model.search_space().grid():
        estimator = model.build(
            {**model.default_params(), **config, "max_iter": 200},
            task="classification",
            random_state=0,
        )
        estimator.fit(X[:120], y[:120])
        assert estimator.predict_proba(X[:5]).shape == (5, len(np.unique(y)))


def test_suggest_maps_types_onto_optuna_distributions() -> None:
    space = SearchSpace(
        {
            "n": {"type": "int", "low": 1, "high": 64, "log": True},
            "lr": {"type": "float", "low": 0.001, "high": 1.0, "log": True},
            "step": {"type": "float", "low": 0.0, "high": 1.0, "step": 0.25},
            "kind": {"type": "categorical", "choices": ["a", None, 3]},
        }
    )
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    trial = study.ask()
    space.suggest(trial)
    dists = trial.distributions
    assert dists["n"] == optuna.distributions.IntDistribution(1, 64, log=True)
    assert dists["lr"] == optuna.distributions.FloatDistribution(0.001, 1.0, log=True)
    assert dists["step"] == optuna.distributions.FloatDistribution(0.0, 1.0, step=0.25)
    assert dists["kind"] == optuna.distributions.CategoricalDistribution(["a", None, 3])


def test_condition_must_refer_to_an_earlier_categorical() -> None:
    with pytest.raises(ValueError, match="must be a categorical parameter listed before"):
        SearchSpace(
            {
                "l1_ratio": {"type": "float", "low": 0, "high": 1, "when": {"penalty": ["en"]}},
                "penalty": {"type": "categorical", "choices": ["en", "l2"]},
            }
        )


def test_condition_values_must_be_choices() -> None:
    with pytest.raises(ValueError, match="not among its choices"):
        SearchSpace(
            {
                "penalty": {"type": "categorical", "choices": ["en", "l2"]},
                "ratio": {"type": "float", "low": 0, "high": 1, "when": {"penalty": ["l1"]}},
            }
        )


def test_grid_values_outside_the_range_are_refused() -> None:
    with pytest.raises(ValueError, match=r"grid values \[20\] lie outside"):
        SearchSpace({"d": {"type": "int", "low": 1, "high": 10, "grid": [1, 20]}})


def test_small_int_range_is_its_own_grid() -> None:
    space = SearchSpace({"d": {"type": "int", "low": 2, "high": 8, "step": 2}})
    assert space.grid() == [{"d": 2}, {"d": 4}, {"d": 6}, {"d": 8}]
