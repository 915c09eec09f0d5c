"""The cost of running ``n_jobs: 1`` cells in a supervised worker.

Since issue 11 ``bakeoff run`` with one job runs its cells in one spawned worker process
that the runner watches (so that a model that segfaults fails its trial, not the run),
instead of in the runner itself (``Study.run(supervised=True)``). This runs the same
small study both ways, alternating, and prints the wall time of each and their ratio:

- ``in process``: the cells in the runner (``Study.run()`` from Python);
- ``worker``: the cells in one spawned worker, events back over a pipe.

A cheap model (logistic regression on iris, 2-fold CV) makes the difference as visible
as it can be; with models that take seconds it vanishes.

Run::

    python bench/worker.py              # 4 cells x 50 trials, best of 3 each
    python bench/worker.py --quick      # 2 cells x 5 trials, once: checks it still runs
"""

from __future__ import annotations

import argparse
import tempfile
import time
from typing import Any

import bakeoff


def study(seeds: int, n_trials: int, storage: str) -> dict[str, Any]:
    return {
        "study": "worker",
        "seed": 0,
        "datasets": ["iris"],
        "models": ["logistic_regression"],
        "budgets": ["full"],
        "seeds": seeds,
        "tuning": {"method": "random", "n_trials": n_trials, "cv": 2},
        "metrics": ["accuracy"],
        "storage": storage,
        "execution": {"n_jobs": 1},
    }


def time_run(seeds: int, n_trials: int, *, supervised: bool) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        spec = study(seeds, n_trials, f"sqlite:///{tmp}/bench.db")
        clock = time.perf_counter()
        summary = bakeoff.Study(**spec).run(progress=False, supervised=supervised)
        seconds = time.perf_counter() - clock
        assert summary.exit_code == 0
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=4, help="cells")
    parser.add_argument("--trials", type=int, default=50, help="trials per cell")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="2 cells x 5 trials, once")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.trials, args.repeats = 2, 5, 1
    time_run(args.seeds, 2, supervised=True)  # warm imports and caches
    inline, forked = [], []
    for _ in range(args.repeats):
        inline.append(time_run(args.seeds, args.trials, supervised=False))
        forked.append(time_run(args.seeds, args.trials, supervised=True))
    n = args.seeds * args.trials
    best_inline, best_forked = min(inline), min(forked)
    print(f"{args.seeds} cells x {args.trials} trials ({n} trials), best of {args.repeats}")
    print(f"  in process     {best_inline:7.3f} s   {best_inline / n * 1e3:7.2f} ms/trial")
    print(f"  worker         {best_forked:7.3f} s   {best_forked / n * 1e3:7.2f} ms/trial")
    print(f"  worker ÷ in process: {best_forked / best_inline:.3f}×")
    print(f"  difference: {(best_forked - best_inline) * 1e3:+.0f} ms per run")


if __name__ == "__main__":
    main()
