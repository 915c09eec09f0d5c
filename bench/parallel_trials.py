"""Parallel trials within one cell: bakeoff's process batches beside Optuna's threads.

One cell (random forest on digits, 64 trials of TPE, 5-fold inner CV) is tuned four
ways, each timed by the wall clock:

- ``bakeoff parallel_trials 1``: ``bakeoff run``'s cell loop, one trial at a time;
- ``bakeoff parallel_trials 2``: batches of two trials, each in a forked process,
  told in trial order (deterministic: the same numbers on every run);
- ``optuna n_jobs 1``: ``study.optimize`` on the same objective (same model, folds and
  metric), one trial at a time;
- ``optuna n_jobs 2``: ``study.optimize(n_jobs=2)``, Optuna's thread pool (not
  reproducible, as Optuna's FAQ says).

Speed-ups are each method's own: parallel over its sequential run. The goal on a 2-core
machine is ≥ 1.8× for bakeoff, ahead of Optuna's threads (which share one interpreter,
so they gain only where the model's code releases the GIL).

Run::

    python bench/parallel_trials.py           # 64 trials
    python bench/parallel_trials.py --quick   # 8 trials, 2 folds: checks it runs
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pandas as pd
from sklearn.model_selection import StratifiedKFold

import bakeoff
from bakeoff import datasets as dataset_registry
from bakeoff import models as model_registry
from bakeoff.tuning import SearchSpace

MODEL = {"name": "random_forest", "params": {"n_estimators": 60, "n_jobs": 1}}


def bakeoff_wall(parallel: int, args: argparse.Namespace, folder: Path) -> float:
    study = bakeoff.Study(
        study=f"parallel{parallel}",
        datasets=["digits"],
        models=[MODEL],
        metrics=["accuracy"],
        tuning={
            "method": "tpe",
            "n_trials": args.trials,
            "cv": args.folds,
            "parallel_trials": parallel,
        },
    )
    clock = time.perf_counter()
    summary = study.run(storage=f"sqlite:///{folder / f'p{parallel}.db'}", progress=False)
    assert summary.exit_code == 0, summary.describe()
    return time.perf_counter() - clock


def optuna_wall(n_jobs: int, args: argparse.Namespace) -> float:
    dataset = dataset_registry.load("digits")
    X, y = dataset.X.to_numpy(), dataset.y.to_numpy()
    model = model_registry.get(MODEL["name"])
    space = model.search_space()
    fixed: dict[str, Any] = {**model.default_params(), **MODEL["params"]}
    space = SearchSpace({k: v for k, v in space.items() if k not in fixed})
    folds = list(StratifiedKFold(args.folds, shuffle=True, random_state=0).split(X, y))

    def objective(trial: optuna.Trial) -> float:
        params = space.suggest(trial)
        scores = []
        for fit, val in folds:
            estimator = model.build({**fixed, **params}, task="classification", random_state=0)
            estimator.fit(X[fit], y[fit])
            scores.append(float(np.mean(estimator.predict(X[val]) == y[val])))
        return float(np.mean(scores))

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=0))
    clock = time.perf_counter()
    study.optimize(objective, n_trials=args.trials, n_jobs=n_jobs)
    return time.perf_counter() - clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=64)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="8 trials, 2 folds")
    args = parser.parse_args()
    if args.quick:
        args.trials, args.folds = 8, 2
    with tempfile.TemporaryDirectory() as tmp:
        walls = {
            "bakeoff parallel_trials 1": bakeoff_wall(1, args, Path(tmp)),
            "bakeoff parallel_trials 2": bakeoff_wall(2, args, Path(tmp)),
        }
    walls["optuna n_jobs 1"] = optuna_wall(1, args)
    walls["optuna n_jobs 2 (threads)"] = optuna_wall(2, args)
    rows = [{"contender": name, "wall s": round(seconds, 1)} for name, seconds in walls.items()]
    frame = pd.DataFrame(rows)
    frame["speed-up over its n=1"] = [
        1.0,
        round(walls["bakeoff parallel_trials 1"] / walls["bakeoff parallel_trials 2"], 2),
        1.0,
        round(walls["optuna n_jobs 1"] / walls["optuna n_jobs 2 (threads)"], 2),
    ]
    print(f"random forest on digits, TPE, {args.trials} trials, {args.folds}-fold inner CV")
    print(frame.to_string(index=False))


if __name__ == "__main__":
    main()
