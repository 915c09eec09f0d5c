"""Scaling one study over workers: the local executor with 1 and 2 jobs, and Ray.

The same study (by default 32 cells of CPU-bound work: a random forest tuned on the
digits data) runs, each time into a fresh store:

- ``local, n_jobs 1``: cells one after another in one supervised worker (as ``bakeoff
  run`` does);
- ``local, n_jobs 2``: two spawned workers;
- ``ray, 2 CPUs``: a private Ray runtime with 2 CPUs, each cell a Ray task (the
  runtime's start counted).

It prints each wall time and its speed-up over ``n_jobs 1``, checks that the three
stores hold identical numbers, and then measures the Ray path's own cost per cell:
cells that do almost nothing (logistic regression on iris, untuned), run on a Ray runtime
that is already started and in this process, side by side; the difference, divided by
the cells, is what Ray adds to each (submitting, scheduling, the pickled task, events
through an actor, the result back).

Ray Tune is not measured: ``tuning.method: ray_tune`` is not implemented (see
docs/scale-out.md).

Run::

    python bench/scaling.py             # 32 cells x 8 trials; 64 trivial cells
    python bench/scaling.py --quick     # 2 cells x 1 trial; 4 trivial cells
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


def timed(spec: dict[str, Any], url: str, executor: Any) -> float:
    clock = time.perf_counter()
    summary = bakeoff.Study(**spec).run(storage=url, executor=executor, progress=False)
    seconds = time.perf_counter() - clock
    assert summary.exit_code == 0, summary.describe()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cells", type=int, default=32)
    parser.add_argument("--trials", type=int, default=8, help="trials per cell")
    parser.add_argument("--trivial", type=int, default=64, help="cells of the overhead run")
    parser.add_argument("--quick", action="store_true", help="2 cells x 1 trial; 4 trivial")
    args = parser.parse_args()
    if args.quick:
        args.cells, args.trials, args.trivial = 2, 1, 4
    spec = study(args.cells, args.trials)
    with tempfile.TemporaryDirectory() as tmp:
        urls = {name: f"sqlite:///{tmp}/{name}.db" for name in ("one", "two", "ray")}
        runs = {
            "local, n_jobs 1": timed(spec, urls["one"], LocalExecutor(1, supervised=True)),
            "local, n_jobs 2": timed(spec, urls["two"], LocalExecutor(2)),
            "ray, 2 CPUs": timed(spec, urls["ray"], RayExecutor(n_jobs=2)),
        }
        same = stored_numbers("scaling", urls["one"])
        for name in ("two", "ray"):
            assert_same_numbers(same, stored_numbers("scaling", urls[name]))

        import ray

        # The overhead run: a runtime started once, outside the clock.
        ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
        try:
            warm = trivial(2)
            timed(warm, f"sqlite:///{tmp}/warm.db", RayExecutor())  # start its worker
            small = trivial(args.trivial)
            on_ray = timed(small, f"sqlite:///{tmp}/t_ray.db", RayExecutor())
            in_process = timed(small, f"sqlite:///{tmp}/t_local.db", LocalExecutor(1))
        finally:
            ray.shutdown()
    base = runs["local, n_jobs 1"]
    load = os.getloadavg()[0]
    print(
        f"{args.cells} cells x {args.trials} trials of a random forest on digits "
        f"({os.cpu_count()} cores, load average {load:.1f} before the overhead run)"
    )
    for name, seconds in runs.items():
        print(f"  {name:16s} {seconds:7.2f} s   speed-up {base / seconds:5.2f}x")
    print("  numbers: identical in the three stores")
    per_cell = (on_ray - in_process) / args.trivial * 1e3
    print(
        f"Ray per-cell overhead ({args.trivial} trivial cells, one CPU, warm runtime): "
        f"{on_ray:.2f} s on Ray vs {in_process:.2f} s in process = {per_cell:+.1f} ms a cell"
    )


if __name__ == "__main__":
    main()
