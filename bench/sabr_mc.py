"""SABR Monte Carlo throughput against the rate NumPy draws its normal variates.

The scheme needs two standard normals per path and time step; drawing them is the floor
of any simulation that does not reuse randomness. This prints, in one run, the rate of
``numpy.random.Generator.standard_normal`` (as path-steps per second: normals / 2), and
the path-steps per second of :func:`bakeoff.packs.sabr.sabr_monte_carlo` for β = 1
(log-Euler) and β = 0.5 (Euler with absorption), with and without antithetic variates,
as a share of the rate that bounds each (antithetic variates draw one normal per
path-step, so their bound is twice the plain one). Goal: ≥ 50 %.

Run::

    python bench/sabr_mc.py            # 100,000 paths × 200 steps, best of 3
    python bench/sabr_mc.py --quick    # 10,000 paths × 20 steps
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from bakeoff.packs.sabr import sabr_monte_carlo

STRIKES = 0.03 * np.array([0.6, 0.8, 0.9, 1.0, 1.1, 1.2, 1.5])


def best_of(repeats: int, work: object) -> float:
    times = []
    for _ in range(repeats):
        clock = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - clock)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paths", type=int, default=100_000)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.paths, args.steps, args.repeats = 10_000, 20, 1
    path_steps = args.paths * args.steps
    rng = np.random.default_rng(0)
    buffer = np.empty(args.paths)

    def draw() -> None:
        for _ in range(2 * args.steps):
            rng.standard_normal(out=buffer)

    floor = path_steps / best_of(args.repeats, draw)
    rows = [{"contender": "standard_normal (2 per path-step)", "path-steps/s": floor}]
    for beta in (1.0, 0.5):
        for antithetic in (False, True):
            seconds = best_of(
                args.repeats,
                lambda beta=beta, antithetic=antithetic: sabr_monte_carlo(
                    0.03, STRIKES, 2.0, 0.02 if beta < 1 else 0.2, beta, -0.3, 0.4,
                    n_paths=args.paths, n_steps=args.steps, seed=1, antithetic=antithetic,
                ),
            )  # fmt: skip
            rows.append(
                {
                    "contender": f"sabr_monte_carlo beta={beta:g}"
                    + (" antithetic" if antithetic else ""),
                    "path-steps/s": path_steps / seconds,
                }
            )
    frame = pd.DataFrame(rows)
    # Antithetic variates draw half the normals: their RNG-bound rate is twice the floor.
    bound = np.where(frame["contender"].str.endswith("antithetic"), 2 * floor, floor)
    frame["share of the RNG rate"] = (frame["path-steps/s"] / bound).round(2)
    frame["path-steps/s"] = frame["path-steps/s"].map(lambda v: f"{v:,.0f}")
    print(f"{args.paths:,} paths × {args.steps} steps, best of {args.repeats}")
    print(frame.to_string(index=False))


if __name__ == "__main__":
    main()
