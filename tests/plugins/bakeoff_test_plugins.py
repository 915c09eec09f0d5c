"""Models used by the tests: registered when a study lists this module in `imports`."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier

from bakeoff.datasets import register_dataset
from bakeoff.models import register_estimator


class FlakyClassifier(ClassifierMixin, BaseEstimator):
    """Raises in ``fit`` when ``fail`` is true; otherwise predicts the majority class."""

    def __init__(self, fail: bool = False, strategy: str = "prior") -> None:
        self.fail = fail
        self.strategy = strategy

    def fit(self, X, y):  # type: ignore[no-untyped-def]
        if self.fail:
            raise RuntimeError("FlakyClassifier was told to fail")
        self.inner_ = DummyClassifier(strategy=self.strategy).fit(X, y)
        self.classes_ = self.inner_.classes_
        return self

    def _fit_majority(self, X, y):  # type: ignore[no-untyped-def]
        self.inner_ = DummyClassifier(strategy=self.strategy).fit(X, y)
        self.classes_ = self.inner_.classes_
        return self

    def predict(self, X):  # type: ignore[no-untyped-def]
        return self.inner_.predict(X)

    def predict_proba(self, X):  # type: ignore[no-untyped-def]
        return self.inner_.predict_proba(X)


class BrokenClassifier(FlakyClassifier):
    """Always raises in ``fit``."""

    def fit(self, X, y):  # type: ignore[no-untyped-def]
        raise ValueError("BrokenClassifier cannot be fitted")


class NoisyClassifier(ClassifierMixin, BaseEstimator):
    """Predicts by a seeded coin: its score depends only on ``random_state`` and ``bias``."""

    def __init__(self, bias: float = 0.5, random_state: int | None = None) -> None:
        self.bias = bias
        self.random_state = random_state

    def fit(self, X, y):  # type: ignore[no-untyped-def]
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):  # type: ignore[no-untyped-def]
        rng = np.random.default_rng(self.random_state)
        return np.where(rng.random(len(X)) < self.bias, self.classes_[0], self.classes_[-1])


register_estimator(
    "flaky",
    FlakyClassifier,
    search_space={"fail": {"type": "categorical", "choices": [True, False]}},
    replace=True,
)
register_estimator(
    "broken",
    BrokenClassifier,
    search_space={"strategy": {"type": "categorical", "choices": ["prior", "uniform"]}},
    replace=True,
)
register_estimator(
    "noisy",
    NoisyClassifier,
    search_space={"bias": {"type": "float", "low": 0.0, "high": 1.0}},
    replace=True,
)


class CrashingClassifier(FlakyClassifier):
    """Takes its whole process down in ``fit``: ``crash`` is "exit" (``os._exit(3)``),
    "segfault" (a real SIGSEGV) or "none"."""

    def __init__(self, crash: str = "none", strategy: str = "prior") -> None:
        self.crash = crash
        self.strategy = strategy

    def fit(self, X, y):  # type: ignore[no-untyped-def]
        import ctypes
        import os

        if self.crash == "exit":
            os._exit(3)
        if self.crash == "segfault":
            ctypes.string_at(0)
        self.inner_ = DummyClassifier(strategy=self.strategy).fit(X, y)
        self.classes_ = self.inner_.classes_
        return self


register_estimator(
    "crashing",
    CrashingClassifier,
    search_space={"crash": {"type": "categorical", "choices": ["exit", "none", "segfault"]}},
    replace=True,
)


class SleepyClassifier(FlakyClassifier):
    """Sleeps ``seconds`` in ``fit``: a runaway trial when that is long."""

    def __init__(self, seconds: float = 0.0, strategy: str = "prior") -> None:
        self.seconds = seconds
        self.strategy = strategy

    def fit(self, X, y):  # type: ignore[no-untyped-def]
        import time

        time.sleep(self.seconds)
        return self._fit_majority(X, y)


class HungryClassifier(FlakyClassifier):
    """Allocates ``megabytes`` (and touches them) in ``fit``."""

    def __init__(self, megabytes: int = 0, strategy: str = "prior") -> None:
        self.megabytes = megabytes
        self.strategy = strategy

    def fit(self, X, y):  # type: ignore[no-untyped-def]
        block = np.ones(self.megabytes * 2**20 // 8)
        self.touched_ = float(block[-1]) if len(block) else 0.0
        return self._fit_majority(X, y)


register_estimator(
    "sleepy",
    SleepyClassifier,
    search_space={"seconds": {"type": "categorical", "choices": [0.0, 60.0]}},
    replace=True,
)
register_estimator(
    "hungry",
    HungryClassifier,
    search_space={"megabytes": {"type": "categorical", "choices": [1, 4000]}},
    replace=True,
)


@register_dataset("test_generated", target="y", task="regression", replace=True)
def _generated(n_rows: int = 50, slope: float = 1.0) -> pd.DataFrame:
    """A generated dataset whose settings come from a study's ``options:``."""
    if n_rows < 10:
        raise ValueError(f"n_rows must be at least 10, but got {n_rows}")
    rng = np.random.default_rng(0)
    x = rng.normal(size=n_rows)
    return pd.DataFrame({"x": x, "y": slope * x + rng.normal(size=n_rows)})
