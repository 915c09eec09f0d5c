"""Pruning: CPU saved and test score kept, pruner none vs median vs asha, in one run.

The same study (3 datasets × xgboost and random forest × seeds, TPE, 50 trials, 5-fold
inner CV) runs three times, with ``tuning.pruner`` none, median and asha; everything
else is equal. For each run it prints the CPU seconds spent (this process, which runs
every cell: ``n_jobs: 1``), the inner folds evaluated, the trials pruned and the mean
test accuracy, and for the pruned runs the CPU ratio to the unpruned run and the paired
difference in test accuracy per cell (pruned − unpruned) with its 95 % t-interval
(pairs: the same model, dataset and seed).

A pruner enters the cells' keys, so the pruned and unpruned searches draw different
configurations: the paired difference holds the sampler's own noise as well as the
pruner's effect, which is what "not worse beyond seed noise" is measured against (the
spread of the unpruned run's test accuracy between seeds is printed beside it).

Run::

    python bench/pruning.py            # 5 seeds, 50 trials (about 20 min on 2 cores)
    python bench/pruning.py --quick    # 1 seed, 10 trials, 2 datasets: checks it runs
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

import bakeoff

DATASETS = ["breast_cancer", "biopsy", "anes96"]
MODELS = [
    # Tree counts fixed (and small), so that the benchmark measures the pruner's saving
    # on the inner folds rather than the cost of the largest forests.
    {"name": "xgboost", "params": {"n_estimators": 100}},
    {"name": "random_forest", "params": {"n_estimators": 50}},
]
PRUNERS: dict[str, dict[str, Any]] = {
    "none": {},
    "median": {"n_startup_trials": 5},
    "asha": {},
}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _per_fold(pruner: str) -> dict[str, int]:
    per_fold = {}
    for entry in MODELS:
        model = bakeoff.models.get(entry["name"])
        fine = pruner != "none" and model.resource is not None
        per_fold[entry["name"]] = model.steps_per_fit if fine else 1
    return per_fold


def run(pruner: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    url = f"sqlite:///{folder / f'{pruner}.db'}"
    study = bakeoff.Study(
        study="pruning",
        datasets=DATASETS[: args.datasets],
        models=MODELS,
        seeds=args.seeds,
        metrics=["accuracy"],
        tuning={
            "method": "tpe",
            "n_trials": args.trials,
            "cv": 5,
            "pruner": pruner,
            "pruner_options": PRUNERS[pruner],
        },
    )
    clock, cpu = time.perf_counter(), cpu_seconds()
    summary = study.run(storage=url, progress=False)
    cpu, wall = cpu_seconds() - cpu, time.perf_counter() - clock
    assert summary.exit_code == 0, summary.describe()
    results = bakeoff.results("pruning", storage=url)
    trials = bakeoff.trials("pruning", storage=url)
    return {
        "pruner": pruner,
        "cpu": cpu,
        "wall": wall,
        # Steps are folds, except under a pruner for models with a finer resource
        # (XGBoost's boosting rounds, the forest's trees): then checkpoints per fold.
        "folds": int(np.ceil(trials["steps"] / trials["model"].map(_per_fold(pruner))).sum()),
        "pruned": int((trials["state"] == "PRUNED").sum()),
        "trials": len(trials),
        "scores": results.set_index(["model", "dataset", "seed"])["test_accuracy"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--datasets", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1 seed, 10 trials, 2 datasets")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.trials, args.datasets = 1, 10, 2
    print(
        f"{args.datasets} datasets × {len(MODELS)} models × {args.seeds} seeds, TPE, "
        f"{args.trials} trials, 5-fold inner CV, n_jobs 1"
    )
    with tempfile.TemporaryDirectory() as tmp:
        runs = [run(pruner, args, Path(tmp)) for pruner in PRUNERS]
    base = runs[0]
    spread = base["scores"].groupby(level=["model", "dataset"]).std().mean()
    rows = []
    for r in runs:
        row = {
            "pruner": r["pruner"],
            "CPU s": round(r["cpu"], 1),
            "CPU vs none": round(r["cpu"] / base["cpu"], 3),
            "CPU saved": f"{1 - r['cpu'] / base['cpu']:.0%}",
            "folds started": r["folds"],
            "trials pruned": f"{r['pruned']}/{r['trials']}",
            "test accuracy": round(float(r["scores"].mean()), 4),
        }
        if r is not base:
            diff = (r["scores"] - base["scores"]).dropna()
            half = (
                stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))
                if len(diff) > 1
                else float("nan")
            )
            row["paired diff [95% CI]"] = (
                f"{diff.mean():+.4f} [{diff.mean() - half:+.4f}, {diff.mean() + half:+.4f}]"
            )
        rows.append(row)
    print(pd.DataFrame(rows).to_string(index=False))
    print(
        f"between-seed spread of the unpruned test accuracy (mean SD per model × "
        f"dataset): {spread:.4f}"
    )
    print(json.dumps({r["pruner"]: round(r["cpu"], 2) for r in runs}))


if __name__ == "__main__":
    main()
