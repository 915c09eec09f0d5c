"""Per-cell bookkeeping: tiny cells through ``bakeoff run`` beside a plain scikit-learn loop.

A tiny cell (logistic regression on iris, ``tuning.method: none``, 2-fold inner CV, three
metrics) costs the model a few milliseconds, so everything else ``bakeoff run`` does for a
cell shows: claiming it, events to the runner, the trial and the result written to the
store, the predictions, the lease. Both contenders do the same model work per cell:

- ``plain loop``: in this process, per cell a stratified outer split (75/25), the
  budget's rows, 2 stratified inner folds (fit, predict, accuracy on each), the refit on
  the budget's rows, predictions and probabilities on the test rows, and accuracy,
  macro F1 and log loss; the same preprocessing pipeline (median imputation and scaling
  in a ``ColumnTransformer``) and the same estimator settings as bakeoff's model;
- ``bakeoff run``: the same design as a study file, run by the command line as a user
  would (``bakeoff run study.yaml -q``: a spawned worker, a SQLite store in WAL mode).

Each cell is one of 2 budgets (100 rows and ``full``: 112) × N/2 seeds. The two run in
turn five times (``--repeats``) and the best of each is kept. ``bakeoff run``'s
cost per cell is marginal (from the first cell's end to the last cell's end, as the
store recorded them, divided by the cells after the first), so the command's start (imports, the
worker's start, loading iris) is left out and reported apart.

It then runs 2,000 and 20,000 cells (``--growth``) and reports wall time, per-cell cost
and the store's size at each, with the growth exponent ``b`` of ``time ∝ cells^b``
between sizes (1 is linear; a query that scans every cell per cell shows as ~2), and the
store's bytes per cell and per trial, table by table, for a classification and a
regression study with 10 trials per cell (``--sizes``).

Run::

    python bench/cells.py                   # best of 5 at 400 cells, growth to 20,000: ~25 min
    python bench/cells.py --growth 200,2000 # a shorter growth series
    python bench/cells.py --quick           # 20 cells compared, growth to 200 (CI: that it runs)
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_iris
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, log_loss
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

BUDGETS = [100, "full"]


def study(n_cells: int, storage: str, *, name: str = "cells") -> dict[str, Any]:
    """The tiny-cell study: 2 budgets × n_cells/2 seeds of logistic regression on iris."""
    return {
        "study": name,
        "seed": 0,
        "datasets": ["iris"],
        "models": ["logistic_regression"],
        "budgets": BUDGETS,
        "seeds": max(1, n_cells // len(BUDGETS)),
        "metrics": ["accuracy", "f1_macro", "log_loss"],
        "tuning": {"method": "none", "cv": 2},
        "storage": storage,
        "execution": {"n_jobs": 1},
    }


# ---------------------------------------------------------------- the plain loop


def plain_pipeline(columns: list[str], seed: int) -> Pipeline:
    """What bakeoff builds for logistic regression with its default parameters."""
    numeric = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    estimator = LogisticRegression(
        C=1.0, l1_ratio=0.0, solver="lbfgs", max_iter=2000, random_state=seed
    )
    return Pipeline(
        [
            ("preprocess", ColumnTransformer([("numeric", numeric, columns)], remainder="drop")),
            ("model", estimator),
        ]
    )


def plain_cell(X: Any, y: np.ndarray, budget: int | str, seed: int) -> dict[str, float]:
    """One cell by hand: split, budget, 2-fold CV, refit, 3 metrics on the test rows and
    on the training rows."""
    positions = np.arange(len(y))
    train, test = train_test_split(positions, test_size=0.25, random_state=seed, stratify=y)
    if budget != "full":
        train, _ = train_test_split(train, train_size=budget, random_state=seed, stratify=y[train])
    X_train, y_train = X.iloc[train], y[train]
    folds = StratifiedKFold(n_splits=2, shuffle=True, random_state=seed)
    cv = []
    for fit_idx, val_idx in folds.split(np.zeros(len(y_train)), y_train):
        pipeline = plain_pipeline(list(X.columns), seed)
        pipeline.fit(X_train.iloc[fit_idx], y_train[fit_idx])
        cv.append(accuracy_score(y_train[val_idx], pipeline.predict(X_train.iloc[val_idx])))
    pipeline = plain_pipeline(list(X.columns), seed).fit(X_train, y_train)
    y_pred = pipeline.predict(X.iloc[test])
    proba = pipeline.predict_proba(X.iloc[test])
    # The refitted model on its own training rows too, as every bakeoff cell scores it
    # (the overfitting gap of bakeoff.analysis): model work, not bookkeeping.
    fit_pred = pipeline.predict(X_train)
    fit_proba = pipeline.predict_proba(X_train)
    return {
        "cv": float(np.mean(cv)),
        "accuracy": accuracy_score(y[test], y_pred),
        "f1_macro": f1_score(y[test], y_pred, average="macro"),
        "log_loss": log_loss(y[test], proba, labels=pipeline.classes_),
        "train_accuracy": accuracy_score(y_train, fit_pred),
        "train_f1_macro": f1_score(y_train, fit_pred, average="macro"),
        "train_log_loss": log_loss(y_train, fit_proba, labels=pipeline.classes_),
    }


def time_plain(n_cells: int) -> tuple[float, float]:
    """(seconds per cell, mean test accuracy) of the plain loop over ``n_cells`` cells."""
    bunch = load_iris(as_frame=True)
    X = bunch.frame.drop(columns="target")
    names = list(bunch.target_names)
    y = np.array([str(names[i]) for i in bunch.frame["target"]], dtype=object)
    plain_cell(X, y, "full", 0)  # warm-up: first calls load code paths
    accuracies = []
    clock, cpu = time.perf_counter(), time.process_time()
    seeds = max(1, n_cells // len(BUDGETS))
    for seed in range(seeds):
        for budget in BUDGETS:
            accuracies.append(plain_cell(X, y, budget, seed)["accuracy"])
    n = seeds * len(BUDGETS)
    PLAIN_CPU.append((time.process_time() - cpu) / n)
    return (time.perf_counter() - clock) / n, float(np.mean(accuracies))


#: CPU seconds per cell of each plain loop timed (``compare`` reports the least).
PLAIN_CPU: list[float] = []


def children_cpu() -> float:
    """CPU seconds of this process's finished children and theirs (``bakeoff run``'s
    runner and workers, once it has exited)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------- bakeoff run


def run_bakeoff(spec: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Run ``spec`` with ``bakeoff run -q`` and read its timings and size from the store."""
    path = folder / f"{spec['study']}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    clock, cpu = time.perf_counter(), children_cpu()
    completed = subprocess.run(
        [sys.executable, "-m", "bakeoff", "run", str(path), "-q"],
        capture_output=True,
        text=True,
        cwd=folder,
        env={**os.environ, "BAKEOFF_CACHE": str(folder / "cache")},
    )
    wall, cpu = time.perf_counter() - clock, children_cpu() - cpu
    if completed.returncode != 0:
        raise SystemExit(f"bakeoff run failed:\n{completed.stdout}\n{completed.stderr}")
    database = Path(spec["storage"].removeprefix("sqlite:///"))
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        n_cells, n_trials, first, last, accuracy = connection.execute(
            "SELECT count(*), sum(n_trials), min(finished_at), max(finished_at), "
            "avg(json_extract(test_scores_json, '$.accuracy')) FROM bakeoff_cells "
            "WHERE status = 'complete'"
        ).fetchone()
        tables = dict(
            connection.execute(
                "SELECT name, sum(pgsize - unused) FROM dbstat GROUP BY name"
            ).fetchall()
        )
    # From the first cell's end to the last one's: the first cell pays for the worker's
    # first calls into scikit-learn (lazy imports, caches), which the plain loop's
    # warm-up call leaves out too.
    span = _seconds(last) - _seconds(first)
    return {
        "wall": wall,
        "cpu": cpu,
        "cells": n_cells,
        "trials": n_trials,
        "per_cell": span / max(1, n_cells - 1),
        "start_up": wall - span,
        "bytes": database.stat().st_size,
        "tables": tables,
        "accuracy": accuracy,
    }


def _seconds(stamp: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(stamp).timestamp()


# ---------------------------------------------------------------- reports


def compare(n_cells: int, folder: Path, repeats: int) -> dict[str, Any]:
    """The plain loop and ``bakeoff run`` in turn, ``repeats`` times; the best of each."""
    plain, found = math.inf, None
    for repeat in range(repeats):
        seconds, plain_accuracy = time_plain(n_cells)
        plain = min(plain, seconds)
        name = f"compare{n_cells}_{repeat}"
        run = run_bakeoff(study(n_cells, f"sqlite:///{folder / f'{name}.db'}", name=name), folder)
        if found is None or run["per_cell"] < found["per_cell"]:
            found = run
    assert found is not None
    ratio = found["per_cell"] / plain
    print(
        f"\n{found['cells']} tiny cells (logistic regression on iris, no tuning, 2-fold CV), "
        f"best of {repeats}:"
    )
    print(f"  plain scikit-learn loop   {plain * 1e3:7.2f} ms/cell   1.00x")
    print(
        f"  bakeoff run (marginal)    {found['per_cell'] * 1e3:7.2f} ms/cell   {ratio:.2f}x   "
        f"bookkeeping {(found['per_cell'] - plain) * 1e3:+.2f} ms/cell"
    )
    print(
        f"  bakeoff run wall          {found['wall']:7.2f} s (start-up and end "
        f"{found['start_up']:.2f} s)"
    )
    print(
        f"  mean test accuracy        plain {plain_accuracy:.4f}, bakeoff {found['accuracy']:.4f}"
        " (different seeded splits; the same model)"
    )
    # CPU: the runner's claims and event handling run on the other core beside the
    # worker, which wall time does not show. Marginal, as above: the CPU of this run
    # less that of a run of 20 cells (start-up, imports), over the cells between.
    small = run_bakeoff(study(20, f"sqlite:///{folder / 'cpu20.db'}", name="cpu20"), folder)
    cpu_per_cell = (found["cpu"] - small["cpu"]) / max(1, found["cells"] - small["cells"])
    plain_cpu = min(PLAIN_CPU)
    print(
        f"  CPU per cell              plain {plain_cpu * 1e3:.2f} ms, bakeoff run (runner and "
        f"worker, marginal) {cpu_per_cell * 1e3:.2f} ms: {cpu_per_cell / plain_cpu:.2f}x, "
        f"{(cpu_per_cell - plain_cpu) * 1e3:+.2f} ms/cell"
    )
    return found


def growth(sizes: list[int], folder: Path, first: dict[str, Any] | None) -> None:
    print("\nGrowth (bakeoff run, the same tiny cells):")
    print(
        f"  {'cells':>7} {'wall s':>9} {'ms/cell':>8} {'store MB':>9} {'bytes/cell':>11} {'b':>6}"
    )
    previous: tuple[int, float] | None = None
    for size in sizes:
        if first is not None and first["cells"] == size:
            found = first
        else:
            spec = study(size, f"sqlite:///{folder / f'growth{size}.db'}", name=f"growth{size}")
            found = run_bakeoff(spec, folder)
        span = found["per_cell"] * found["cells"]
        exponent = ""
        if previous is not None:
            exponent = (
                f"{math.log(span / previous[1]) / math.log(found['cells'] / previous[0]):.3f}"
            )
        previous = (found["cells"], span)
        print(
            f"  {found['cells']:>7,} {found['wall']:>9.1f} {found['per_cell'] * 1e3:>8.2f} "
            f"{found['bytes'] / 1e6:>9.2f} {found['bytes'] / found['cells']:>11,.0f} {exponent:>6}"
        )
    print("  b: growth exponent of the cells' time (first start to last end) since the row above")


def claim_costs(sizes: list[int], folder: Path, *, claims: int = 200) -> None:
    """What claiming a cell costs in studies of each size, without any model.

    The executors' claim loop on a real store: ``claims`` cells claimed and ended one
    after another, as one runner does. A claim that reads every open cell grows with the
    study; one that reads a fixed chunk does not.
    """
    from types import SimpleNamespace

    from bakeoff.executors._claims import ClaimLoop
    from bakeoff.store import CellDefinition, Store

    print(f"\nClaiming a cell (the claim loop alone, {claims} claims, each cell then ended):")
    for size in sizes:
        url = f"sqlite:///{folder / f'claims{size}.db'}"
        store = Store(url)
        prepared = store.prepare_study(
            name="claims",
            spec_json="{}",
            spec_hash="0" * 64,
            seed=0,
            bakeoff_version="bench",
            provenance={},
            datasets=[],
            cell_definitions=[
                CellDefinition(f"{i:064d}", "m", "d", "full", i, {}) for i in range(size)
            ],
        )
        tasks = [
            SimpleNamespace(cell_id=cell_id, budget="full", warm_from=(), max_cpu_seconds=None)
            for cell_id in sorted(prepared.cell_ids.values())
        ]
        with ClaimLoop(url, tasks, "bench", 60.0) as loop:
            clock = time.perf_counter()
            for _ in range(min(claims, size)):
                task = loop.claim()
                assert task is not None
                store.end_cell(task.cell_id, "complete", "bench")
                loop.done(task, "complete")
            seconds = (time.perf_counter() - clock) / min(claims, size)
        store.close()
        print(f"  {size:>7,} cells: {seconds * 1e3:7.2f} ms per claim")


def store_sizes(n_cells: int, folder: Path) -> None:
    """Bytes per cell and per trial, table by table, with 10 random-search trials a cell."""
    print(f"\nStore size per cell and per trial ({n_cells} cells, 10 trials each, used bytes):")
    studies = {
        "classification (logistic regression, iris)": {"datasets": ["iris"]},
        "regression (ridge, diabetes)": {
            "datasets": ["diabetes"],
            "models": ["ridge"],
            "metrics": ["rmse", "r2", "mae"],
        },
    }
    for label, changes in studies.items():
        spec = study(n_cells, "", name="sizes")
        spec.update(changes)
        spec["budgets"] = ["full"]
        spec["seeds"] = n_cells
        spec["tuning"] = {"method": "random", "n_trials": 10, "cv": 2}
        spec["storage"] = f"sqlite:///{folder / ('sizes_' + label.split()[0] + '.db')}"
        found = run_bakeoff(spec, folder)
        tables = found["tables"]
        cells = found["cells"]

        def used(*prefixes: str, tables: dict[str, int] = tables) -> int:
            return sum(v for k, v in tables.items() if k.startswith(prefixes))

        # bakeoff_cell_predictions since schema 0006; bakeoff_predictions (and its
        # index) before, so that the script also measures an older bakeoff.
        predictions = used("bakeoff_cell_predictions", "bakeoff_predictions", "bakeoff_ix_pred")
        trials = used("bakeoff_trials", "sqlite_autoindex_bakeoff_trials")
        cell_rows = used("bakeoff_cells", "bakeoff_ix_cells", "sqlite_autoindex_bakeoff_cells")
        print(
            f"  {label}: file {found['bytes'] / cells:,.0f} B/cell; predictions "
            f"{predictions / cells:,.0f} B/cell; cell row {cell_rows / cells:,.0f} B/cell; "
            f"trials {trials / found['trials']:,.0f} B/trial"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cells", type=int, default=400, help="cells in the comparison")
    parser.add_argument(
        "--growth", default="200,2000,20000", help="cell counts of the growth series ('' for none)"
    )
    parser.add_argument(
        "--sizes", type=int, default=200, help="cells per store-size study (0 for none)"
    )
    parser.add_argument("--repeats", type=int, default=5, help="of the comparison, best kept")
    parser.add_argument(
        "--quick", action="store_true", help="20 cells compared; growth to 200 cells only"
    )
    args = parser.parse_args()
    if args.quick:
        # CI runs every benchmark --quick only to see that it still runs: the growth
        # exponent wants two sizes, and 2,000 cells alone took CI three minutes.
        args.cells, args.growth, args.sizes, args.repeats = 20, "20,200", 4, 1
    sizes = [int(s) for s in args.growth.split(",") if s.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first = compare(args.cells, folder, args.repeats)
        claim_costs(sizes or [20, 200], folder)
        if sizes:
            growth(sizes, folder, first)
        if args.sizes > 0:
            store_sizes(args.sizes, folder)


if __name__ == "__main__":
    main()
