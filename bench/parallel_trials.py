"""Parallel trials within one cell: bakeoff's processes beside Optuna's threads.

One cell (random forest on digits, 64 trials of TPE, 5-fold inner CV) is tuned four
ways, each timed by the wall clock:

- ``bakeoff parallel_trials 1``: ``bakeoff run``'s cell loop, one trial at a time;
- ``bakeoff parallel_trials 2``: two trials at a time, each in a forked process, over
  a sliding window of four, told in trial order (deterministic: the same numbers on
  every run);
- ``optuna n_jobs 1``: ``study.optimize`` on the same objective (same model, folds and
  metric), one trial at a time;
- ``optuna n_jobs 2``: ``study.optimize(n_jobs=2)``, Optuna's thread pool (not
  reproducible, as Optuna's FAQ says).

Speed-ups are each method's own: parallel over its sequential run. Beside them, the
machine's ceiling: what two pure-CPU processes gain over one, measured before and after
(below 2 when other programs share the cores, and then no contender can reach 2
either). The goal on a 2-core machine is ≥ 1.8× for bakeoff, ahead of Optuna's threads
(which share one interpreter, so they gain only where the model's code releases the
GIL).

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


def _spin(n: int = 20_000_000) -> None:
    total = 0
    for i in range(n):
        total += i


def machine_ceiling() -> float:
    """Speed-up of two pure-CPU processes over one, now: what the machine gives two
    workers (below 2 when other programs share its cores)."""
    import multiprocessing

    clock = time.perf_counter()
    _spin()
    one = time.perf_counter() - clock
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_spin) for _ in range(2)]
    clock = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return 2 * one / (time.perf_counter() - clock)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=64)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="8 trials, 2 folds")
    args = parser.parse_args()
    if args.quick:
        args.trials, args.folds = 8, 2
    before = machine_ceiling()
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
    after = machine_ceiling()
    print(f"random forest on digits, TPE, {args.trials} trials, {args.folds}-fold inner CV")
    print(frame.to_string(index=False))
    print(
        f"machine ceiling (two pure-CPU processes over one): {before:.2f}x before, "
        f"{after:.2f}x after"
    )


if __name__ == "__main__":
    main()
