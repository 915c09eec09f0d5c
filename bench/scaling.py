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

The machine's ceiling is printed before each round and after the last: what two
pure-CPU processes gain over one at that moment (below 2 when other programs share the
cores; then no executor can reach 2 either). Beside each wall time, the cells' own time
(the sum of their start-to-finish spans in the store) as a share of the workers × the
wall time: a low share means workers waited between cells (the executor's cost), a
high share with a lower speed-up means the cells themselves ran slower there. With
``--rounds N`` the executors run N times, round after round, and the median speed-ups
are printed: one round on a noisy machine settles little.

Run::

    python bench/scaling.py             # 64 cells x 8 trials; 64 trivial cells; 32 trials
    python bench/scaling.py --quick     # 2 cells x 1 trial; 4 trivial cells; 4 trials
    python bench/scaling.py --no-ray-tune   # the executors alone (a third of the time)
    python bench/scaling.py --no-ray-tune --rounds 3   # three rounds side by side, medians
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

import bakeoff
from bakeoff.executors import LocalExecutor, RayExecutor

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._process_cpu import ProcessCPU
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


#: CPU seconds per kind of process during each run of :func:`timed` given a ``label``.
PROCESS_CPU: dict[str, dict[str, float]] = {}


def timed(spec: dict[str, Any], url: str, executor: Any, label: str | None = None) -> float:
    with ProcessCPU(interval=0.5) as processes:
        clock = time.perf_counter()
        summary = bakeoff.Study(**spec).run(storage=url, executor=executor, progress=False)
        seconds = time.perf_counter() - clock
    assert summary.exit_code == 0, summary.describe()
    if label is not None:
        PROCESS_CPU[label] = processes.totals()
    return seconds


def cell_seconds(url: str, study_name: str) -> float:
    """The cells' own time: the sum of each cell's finish less its start, from the store.

    Beside a run's wall time × its workers it shows where a shortfall is: cells that ran
    slower on an executor, or workers left idle between them.
    """
    from bakeoff.store import Store

    with Store(url) as store:
        cells = store.cells_frame(study_name)
    spans = pd.to_datetime(cells["finished_at"]) - pd.to_datetime(cells["started_at"])
    return float(spans.dt.total_seconds().sum())


def executor_runs(
    spec: dict[str, Any], folder: Path, *, ray_tune: bool
) -> tuple[dict[str, float], dict[str, float]]:
    """One round: the study on each executor, each into a fresh store.

    Returns each run's wall time and its cells' own time (:func:`cell_seconds`). The
    local and Ray stores are checked to hold identical numbers.
    """
    import ray

    folder.mkdir(parents=True)
    urls = {name: f"sqlite:///{folder}/{name}.db" for name in ("one", "two", "ray", "tune")}
    round_name = folder.name
    runs = {
        name: timed(spec, urls[key], executor, f"{round_name}: {name}")
        for name, key, executor in (
            ("local, n_jobs 1", "one", LocalExecutor(1, supervised=True)),
            ("local, n_jobs 2", "two", LocalExecutor(2)),
            ("ray, 2 CPUs", "ray", RayExecutor(n_jobs=2)),
        )
    }
    if ray_tune:
        runs["ray tune, 2 CPUs"] = timed(on_ray_tune(spec), urls["tune"], RayExecutor(n_jobs=2))
    # As on a cluster that is already up (address: auto): the runtime's start outside
    # the clock; its workers' first imports still inside, as the local executor's
    # spawned workers pay theirs.
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        urls["warm"] = f"sqlite:///{folder}/warm_ray.db"
        name = "ray, 2 CPUs, started"
        runs[name] = timed(spec, urls["warm"], RayExecutor(), f"{round_name}: {name}")
    finally:
        ray.shutdown()
    same = stored_numbers("scaling", urls["one"])
    for name in ("two", "ray", "warm"):
        assert_same_numbers(same, stored_numbers("scaling", urls[name]))
    stores = dict(zip(runs, ("one", "two", "ray", "tune"), strict=False))
    stores["ray, 2 CPUs, started"] = "warm"
    busy = {
        name: cell_seconds(urls[key], "scaling_tune" if key == "tune" else "scaling")
        for name, key in stores.items()
    }
    return runs, busy


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
        "--rounds",
        type=int,
        default=1,
        help="run the executors this many times, one after another, each round after its "
        "own measure of the machine's ceiling; the median speed-ups are printed",
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
    rounds: list[tuple[float, dict[str, float], dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for number in range(args.rounds):
            ceiling = machine_ceiling()
            # Ray Tune once: its search is not the others', so its figure is its own.
            ray_tune = not args.no_ray_tune and number == 0
            runs, busy = executor_runs(spec, Path(tmp) / f"round{number}", ray_tune=ray_tune)
            rounds.append((ceiling, runs, busy))
        import ray

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
    load = os.getloadavg()[0]
    print(
        f"{args.cells} cells x {args.trials} trials of a random forest on digits "
        f"({os.cpu_count()} cores, load average {load:.1f} at the end)"
    )
    speedups: dict[str, list[float]] = {}
    for number, (ceiling, runs, busy) in enumerate(rounds, start=1):
        print(
            f"round {number} of {len(rounds)} (machine ceiling, two pure-CPU processes over "
            f"one: {ceiling:.2f}x before it)"
        )
        base = runs["local, n_jobs 1"]
        for name, seconds in runs.items():
            speedups.setdefault(name, []).append(base / seconds)
            line = f"  {name:22s} {seconds:7.2f} s   speed-up {base / seconds:5.2f}x"
            if not name.startswith("ray tune"):  # its cells run trials two at a time
                workers = 1 if name == "local, n_jobs 1" else 2
                share = busy[name] / (workers * seconds)
                line += f"   cells' own time {busy[name]:7.2f} s, {share:4.0%} of {workers} x wall"
            print(line)
    print("  numbers: identical in the local and Ray stores (Ray Tune's search differs)")
    print("CPU seconds per kind of process during each run (from /proc):")
    for label, used in PROCESS_CPU.items():
        shown = ", ".join(f"{kind} {seconds:.1f}" for kind, seconds in used.items())
        print(f"  {label}: {shown}")
    print(f"machine ceiling after the last round: {after:.2f}x")
    if len(rounds) > 1:
        print(f"median speed-up over {len(rounds)} rounds (each over its own n_jobs 1):")
        for name, values in speedups.items():
            if name != "local, n_jobs 1":
                shown = ", ".join(f"{v:.2f}" for v in values)
                print(f"  {name:22s} {statistics.median(values):5.2f}x   ({shown})")
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
