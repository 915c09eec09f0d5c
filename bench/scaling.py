"""Scaling one study over workers: the local executor with 1 and 2 jobs, and Ray.

The same study (by default 64 cells of CPU-bound work: a random forest tuned on the
digits data) runs, each time into a fresh store:

- ``local, n_jobs 1``: cells one after another in one supervised worker (as ``bakeoff
  run`` does);
- ``local, n_jobs 2``: two spawned workers;
- ``ray, 2 CPUs``: a private Ray runtime with 2 CPUs, each cell a Ray task (the
  runtime's start counted);
- ``ray, 2 CPUs, started``: the same on a runtime started before the clock, as on a
  cluster that is already up (``address: auto``);
- ``ray tune, 2 CPUs``: the same cells and trial counts with ``tuning.method:
  ray_tune`` (``scheduler: fifo``, so no trial stops early; ``parallel_trials: 2``) on
  the Ray executor: each cell's trials are Ray Tune trials. Its searcher is Optuna's TPE
  through Ray Tune (random for these few trials, as TPE's start-up is 10 trials, but not
  the same draws), so its configurations, and numbers, are not the other three's.

It prints each wall time and its speed-up over ``n_jobs 1``, checks that the local and
Ray stores hold identical numbers, and then measures two costs on a Ray runtime that is
already started, in this process:

- Ray's own cost per cell: cells that do almost nothing (logistic regression on iris,
  untuned) on Ray and in process; the difference, divided by the cells, is what Ray adds
  to each (submitting, scheduling, the pickled task, events through an actor, the result
  back);
- Ray Tune's own cost per trial: one cell of cheap trials (a one-tree forest on iris,
  reporting its 5 checkpoints a fold as under Ray Tune) with ``ray_tune`` (fifo, one
  trial at a time) and with bakeoff's own loop (random search, a pruner that never
  prunes, so the same steps are reported); the difference, divided by the trials.

The machine's ceiling is printed before and after: what two pure-CPU processes gain over
one at that moment (below 2 when other programs share the cores; then no executor can
reach 2 either).

Run::

    python bench/scaling.py             # 64 cells x 8 trials; 64 trivial cells; 32 trials
    python bench/scaling.py --quick     # 2 cells x 1 trial; 4 trivial cells; 4 trials
    python bench/scaling.py --no-ray-tune   # the executors alone (a third of the time)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import bakeoff
from bakeoff.executors import LocalExecutor, RayExecutor

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.parallel_trials import machine_ceiling
from tests.helpers import assert_same_numbers, stored_numbers


def study(cells: int, n_trials: int) -> dict[str, Any]:
    """``cells`` cells of one tuned random forest: one per seed."""
    return {
        "study": "scaling",
        "seed": 0,
        "datasets": ["digits"],
        "models": [
            {
                "name": "random_forest",
                "params": {"n_estimators": 40},
                "search_space": {"max_depth": {"type": "int", "low": 4, "high": 12}},
            }
        ],
        "budgets": ["full"],
        "seeds": cells,
        "tuning": {"method": "random", "n_trials": n_trials, "cv": 2},
        "metrics": ["accuracy"],
    }


def trivial(cells: int) -> dict[str, Any]:
    """Cells that cost almost nothing themselves: what is left is the executor's."""
    return {
        "study": "trivial",
        "seed": 0,
        "datasets": ["iris"],
        "models": ["logistic_regression"],
        "budgets": ["full"],
        "seeds": cells,
        "tuning": {"method": "none", "cv": 2},
        "metrics": ["accuracy"],
    }


def on_ray_tune(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` tuned by Ray Tune: every trial to its end, two at a time."""
    tuning = {"method": "ray_tune", "scheduler": "fifo", "parallel_trials": 2}
    return {**spec, "study": "scaling_tune", "tuning": {**spec["tuning"], **tuning}}


def cheap_trials(n_trials: int, *, ray_tune: bool) -> dict[str, Any]:
    """One cell of ``n_trials`` cheap trials that report the forest's 5 checkpoints a
    fold: through Ray Tune (fifo, one at a time), or bakeoff's own loop (a pruner that
    never prunes makes it report the same steps)."""
    if ray_tune:
        tuning: dict[str, Any] = {"method": "ray_tune", "scheduler": "fifo"}
    else:
        tuning = {
            "method": "random",
            "pruner": "median",
            "pruner_options": {"n_startup_trials": 10**6},
        }
    return {
        "study": "cheap_tune" if ray_tune else "cheap_loop",
        "seed": 0,
        "datasets": ["iris"],
        "models": [
            {
                "name": "random_forest",
                "params": {"n_estimators": 1},
                "search_space": {"max_depth": {"type": "int", "low": 1, "high": 6}},
            }
        ],
        "budgets": ["full"],
        "seeds": 1,
        "tuning": {**tuning, "n_trials": n_trials, "cv": 2},
        "metrics": ["accuracy"],
    }


def timed(spec: dict[str, Any], url: str, executor: Any) -> float:
    clock = time.perf_counter()
    summary = bakeoff.Study(**spec).run(storage=url, executor=executor, progress=False)
    seconds = time.perf_counter() - clock
    assert summary.exit_code == 0, summary.describe()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cells", type=int, default=64)
    parser.add_argument("--trials", type=int, default=8, help="trials per cell")
    parser.add_argument("--trivial", type=int, default=64, help="cells of the overhead run")
    parser.add_argument("--tune-trials", type=int, default=32, help="trials of the Ray Tune cost")
    parser.add_argument(
        "--quick", action="store_true", help="2 cells x 1 trial; 4 trivial; 4 cheap trials"
    )
    parser.add_argument(
        "--no-ray-tune",
        action="store_true",
        help="leave out the Ray Tune run (most of the time taken): the executors alone",
    )
    args = parser.parse_args()
    if args.quick:
        args.cells, args.trials, args.trivial, args.tune_trials = 2, 1, 4, 4
    spec = study(args.cells, args.trials)
    before = machine_ceiling()
    with tempfile.TemporaryDirectory() as tmp:
        urls = {name: f"sqlite:///{tmp}/{name}.db" for name in ("one", "two", "ray", "tune")}
        runs = {
            "local, n_jobs 1": timed(spec, urls["one"], LocalExecutor(1, supervised=True)),
            "local, n_jobs 2": timed(spec, urls["two"], LocalExecutor(2)),
            "ray, 2 CPUs": timed(spec, urls["ray"], RayExecutor(n_jobs=2)),
        }
        if not args.no_ray_tune:
            runs["ray tune, 2 CPUs"] = timed(on_ray_tune(spec), urls["tune"], RayExecutor(n_jobs=2))
        import ray

        # As on a cluster that is already up (address: auto): the runtime's start
        # outside the clock; its workers' first imports still inside, as the local
        # executor's spawned workers pay theirs.
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        try:
            urls["warm"] = f"sqlite:///{tmp}/warm_ray.db"
            runs["ray, 2 CPUs, started"] = timed(spec, urls["warm"], RayExecutor())
        finally:
            ray.shutdown()
        same = stored_numbers("scaling", urls["one"])
        for name in ("two", "ray", "warm"):
            assert_same_numbers(same, stored_numbers("scaling", urls[name]))

        # The overhead run: a runtime started once, outside the clock.
        ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
        try:
            warm = trivial(2)
            timed(warm, f"sqlite:///{tmp}/warm.db", RayExecutor())  # start its worker
            small = trivial(args.trivial)
            on_ray = timed(small, f"sqlite:///{tmp}/t_ray.db", RayExecutor())
            in_process = timed(small, f"sqlite:///{tmp}/t_local.db", LocalExecutor(1))
            # One Ray Tune cell first, to start what it starts once per process.
            timed(cheap_trials(2, ray_tune=True), f"sqlite:///{tmp}/c_warm.db", LocalExecutor(1))
            n = args.tune_trials
            tune_wall = timed(
                cheap_trials(n, ray_tune=True), f"sqlite:///{tmp}/c_tune.db", LocalExecutor(1)
            )
            loop_wall = timed(
                cheap_trials(n, ray_tune=False), f"sqlite:///{tmp}/c_loop.db", LocalExecutor(1)
            )
        finally:
            ray.shutdown()
    after = machine_ceiling()
    base = runs["local, n_jobs 1"]
    load = os.getloadavg()[0]
    print(
        f"{args.cells} cells x {args.trials} trials of a random forest on digits "
        f"({os.cpu_count()} cores, load average {load:.1f} at the end)"
    )
    for name, seconds in runs.items():
        print(f"  {name:22s} {seconds:7.2f} s   speed-up {base / seconds:5.2f}x")
    print("  numbers: identical in the local and Ray stores (Ray Tune's search differs)")
    print(
        f"machine ceiling (two pure-CPU processes over one): {before:.2f}x before, "
        f"{after:.2f}x after"
    )
    per_cell = (on_ray - in_process) / args.trivial * 1e3
    print(
        f"Ray per-cell overhead ({args.trivial} trivial cells, one CPU, warm runtime): "
        f"{on_ray:.2f} s on Ray vs {in_process:.2f} s in process = {per_cell:+.1f} ms a cell"
    )
    per_trial = (tune_wall - loop_wall) / n * 1e3
    print(
        f"Ray Tune per-trial overhead (one cell of {n} cheap trials, one at a time, warm "
        f"runtime): {tune_wall:.2f} s through Ray Tune vs {loop_wall:.2f} s in bakeoff's "
        f"loop = {per_trial:+.0f} ms a trial"
    )


if __name__ == "__main__":
    main()
