"""Warm start across budgets: does the full-data cell get there in fewer trials?

The same study (xgboost on 3 datasets × seeds, budgets 100, 200 and full, TPE) runs
with ``tuning.warm_start: none`` and ``budgets``. For each full-budget cell it prints:

- the trials the search needed to reach the cold (``none``) search's final best CV
  score: the warm search starts from the smaller budgets' best configurations;
- the test accuracy of the refitted model, warm − cold, paired by dataset and seed,
  with its 95 % t-interval;
- the total CPU seconds of each run (both run every trial: warm start changes where a
  search starts, not how many trials it runs; combine it with ``tuning.patience`` to
  turn a head start into fewer trials).

Run::

    python bench/warm_start.py           # 3 datasets × 3 seeds, 30 trials
    python bench/warm_start.py --quick   # 1 dataset, 1 seed, 6 trials: checks it runs
"""

from __future__ import annotations

import argparse
import resource
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

import bakeoff

DATASETS = ["breast_cancer", "biopsy", "anes96"]


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(mode: str, args: argparse.Namespace, folder: Path) -> tuple[pd.DataFrame, float]:
    url = f"sqlite:///{folder / f'{mode}.db'}"
    study = bakeoff.Study(
        study="warm",
        datasets=DATASETS[: args.datasets],
        models=[{"name": "xgboost", "params": {"n_estimators": 100}}],
        budgets=[100, 200, "full"],
        seeds=args.seeds,
        metrics=["accuracy"],
        tuning={"method": "tpe", "n_trials": args.trials, "cv": 5, "warm_start": mode},
    )
    cpu = cpu_seconds()
    summary = study.run(storage=url, progress=False)
    cpu = cpu_seconds() - cpu
    assert summary.exit_code == 0, summary.describe()
    trials = bakeoff.trials("warm", storage=url)
    trials = trials[np.isinf(trials["budget"])]
    results = bakeoff.results("warm", storage=url)
    results = results[np.isinf(results["budget"])].set_index(["dataset", "seed"])
    curves = (
        trials.sort_values("number")
        .groupby(["dataset", "seed"])["value"]
        .agg(lambda v: np.maximum.accumulate(v.fillna(-np.inf).to_numpy()))
    )
    frame = pd.DataFrame({"curve": curves, "test": results["test_accuracy"]})
    return frame, cpu


def trials_to_reach(curve: np.ndarray, target: float) -> float:
    hits = np.nonzero(curve >= target - 1e-12)[0]
    return float(hits[0] + 1) if len(hits) else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--datasets", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1 dataset, 1 seed, 6 trials")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.trials, args.datasets = 1, 6, 1
    with tempfile.TemporaryDirectory() as tmp:
        cold, cold_cpu = run("none", args, Path(tmp))
        warm, warm_cpu = run("budgets", args, Path(tmp))
    rows = []
    for key in cold.index:
        target = cold.loc[key, "curve"][-1]
        rows.append(
            {
                "dataset": key[0],
                "seed": key[1],
                "cold trials to its best": trials_to_reach(cold.loc[key, "curve"], target),
                "warm trials to cold best": trials_to_reach(warm.loc[key, "curve"], target),
                "warm best CV after 1 trial": round(float(warm.loc[key, "curve"][0]), 4),
                "cold best CV after 1 trial": round(float(cold.loc[key, "curve"][0]), 4),
                "test warm - cold": round(float(warm.loc[key, "test"] - cold.loc[key, "test"]), 4),
            }
        )
    frame = pd.DataFrame(rows)
    print(
        f"xgboost, budgets 100/200/full, TPE, {args.trials} trials, 5-fold inner CV; "
        f"full-budget cells"
    )
    print(frame.to_string(index=False))
    diff = frame["test warm - cold"]
    if len(diff) > 1:
        half = stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))
        print(f"test accuracy, warm - cold: {diff.mean():+.4f} ± {half:.4f} (95% t-interval)")
    reached = frame["warm trials to cold best"]
    print(
        f"warm reached the cold search's final best in {reached.notna().sum()}/{len(frame)} "
        f"cells; median trials to it: warm {reached.median():.0f}, cold "
        f"{frame['cold trials to its best'].median():.0f} of {args.trials}"
    )
    print(f"CPU seconds: cold {cold_cpu:.1f}, warm {warm_cpu:.1f}")


if __name__ == "__main__":
    main()
