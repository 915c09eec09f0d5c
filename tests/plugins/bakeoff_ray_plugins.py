"""A model for the Ray executor's tests: registered when a study imports this module."""

from __future__ import annotations

import os
import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from bakeoff.models import register_estimator


class SlowNoisyClassifier(ClassifierMixin, BaseEstimator):
    """A seeded coin that takes ``delay`` seconds to fit.

    Its scores depend only on ``random_state`` and ``bias``, so a cell gives the same
    numbers however long it takes and wherever it runs; the delay leaves a test time to
    kill the process running it mid-cell. With ``die_above_rows``, a fit on more rows
    than that ends its process at once (the refit after the trials, not their folds),
    after adding a line to the file ``death_log`` names, if any.
    """

    def __init__(
        self,
        bias: float = 0.5,
        delay: float = 0.0,
        random_state: int | None = None,
        die_above_rows: int | None = None,
        death_log: str | None = None,
    ):
        self.bias = bias
        self.delay = delay
        self.random_state = random_state
        self.die_above_rows = die_above_rows
        self.death_log = death_log

    def fit(self, X, y):  # type: ignore[no-untyped-def]
        if self.die_above_rows is not None and len(X) > self.die_above_rows:
            if self.death_log is not None:
                with open(self.death_log, "a", encoding="utf-8") as log:
                    log.write(f"{os.getpid()}\n")
            os._exit(1)
        time.sleep(self.delay)
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):  # type: ignore[no-untyped-def]
        rng = np.random.default_rng(self.random_state)
        return np.where(rng.random(len(X)) < self.bias, self.classes_[0], self.classes_[-1])


register_estimator(
    "slow_noisy",
    SlowNoisyClassifier,
    search_space={"bias": {"type": "float", "low": 0.0, "high": 1.0}},
    replace=True,
)
