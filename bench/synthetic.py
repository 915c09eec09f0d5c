"""The synthetic-data pack's costs: bakeoff around SDV, and the metric suite per cell.

1. **Overhead.** One SDV generator fitted and sampled through bakeoff (the registered
   model's generator: metadata from the feature kinds, seeding, the epoch hook) against
   the same SDV synthesizer fitted and sampled directly (the same metadata and
   settings), alternating, in one run. Printed: the median seconds of each and their
   ratio. Goal: bakeoff ≤ 1.05 × SDV.
2. **Metric suite.** Every synthesis metric of the pack scored once on a sampled table
   (the refit's scoring in a cell) against a CTGAN fit at its default settings (300
   epochs, batch 500) on the same rows. Printed: seconds per metric, the suite's total
   and its ratio to the fit. Goal: the suite < 10 % of the fit.

The table: a mixed one of N rows (4 numeric columns with correlations, 2 categorical,
a date, a class target), generated with a fixed seed.

SDV requires pandas < 3. Run it in an environment with ``bakeoff[synthetic]``; elsewhere
the script runs itself with ``$BAKEOFF_TEST_SDV_PYTHON`` when that names one, and
otherwise measures the metric suite against the ``independent`` generator only.

Run::

    python bench/synthetic.py              # 10,000 rows; CTGAN at 300 epochs (minutes)
    python bench/synthetic.py --quick      # 1,000 rows, 5 epochs: checks that it runs
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import bakeoff.packs.synthetic  # noqa: F401  (registers the generators and metrics)
from bakeoff import metrics, models
from bakeoff.datasets import Dataset
from bakeoff.metrics import SynthesisTables
from bakeoff.protocol._synthesis import column_kinds

SUITE = [
    "tstr",
    "trtr",
    "tstr_ratio",
    "trts",
    "column_shapes",
    "column_pair_trends",
    "quality_score",
    "detection_score",
    "dcr_ratio",
    "exact_copies",
]


def mixed_table(n_rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n_rows)
    b = 0.8 * a + rng.normal(scale=0.6, size=n_rows)
    c = rng.gamma(2.0, size=n_rows)
    region = rng.choice(["north", "south", "east", "west"], size=n_rows, p=[0.4, 0.3, 0.2, 0.1])
    plan = np.where(a + rng.normal(size=n_rows) > 0, "premium", "basic")
    return pd.DataFrame(
        {
            "age": np.round(40 + 10 * a),
            "income": np.exp(10 + 0.3 * b),
            "visits": rng.poisson(2 + c),
            "score": c + 0.5 * (region == "north"),
            "region": region,
            "plan": plan,
            "joined": pd.Timestamp("2015-01-01")
            + pd.to_timedelta(rng.integers(0, 3000, n_rows), "D"),
            "churned": np.where(
                b - 0.5 * (plan == "premium") + rng.normal(size=n_rows) > 0.3, "yes", "no"
            ),
        }
    )


def through_bakeoff(
    name: str, params: dict[str, Any], table: pd.DataFrame, kinds: dict[str, str]
) -> tuple[float, pd.DataFrame]:
    clock = time.perf_counter()
    generator = models.get(name).build(params, task="synthesis", random_state=0)
    generator.fit(table, kinds, on_epoch=lambda done, total: None)
    sample = generator.sample(len(table))
    return time.perf_counter() - clock, sample


def directly(
    synthesizer: str, params: dict[str, Any], table: pd.DataFrame, kinds: dict[str, str]
) -> float:
    import torch
    from sdv import single_table
    from sdv.metadata import Metadata

    # The metadata a user writes by hand for this table (two text labels are SDV's
    # categorical, not boolean).
    sdtypes = {"numeric": "numerical", "datetime": "datetime", "boolean": "categorical"}
    columns = {c: {"sdtype": sdtypes.get(k, "categorical")} for c, k in kinds.items()}
    clock = time.perf_counter()
    metadata = Metadata.load_from_dict({"tables": {"table": {"columns": columns}}})
    torch.set_num_threads(1)  # as bakeoff does (one thread: forked trials stay safe)
    torch.manual_seed(0)
    model = getattr(single_table, synthesizer)(metadata, **params)
    model.fit({"table": table})
    model.sample(len(table))
    return time.perf_counter() - clock


def overhead(table: pd.DataFrame, kinds: dict[str, str], epochs: int, repeats: int) -> None:
    print(f"1. bakeoff around SDV: fit + sample of {len(table):,} rows, median of {repeats}")
    cases = [
        ("gaussian_copula", "GaussianCopulaSynthesizer", {"default_distribution": "beta"}),
        ("ctgan", "CTGANSynthesizer", {"epochs": epochs, "enable_gpu": False}),
    ]
    for name, synthesizer, params in cases:
        ours, theirs = [], []
        # Warm up both paths (imports, first allocations) before anything is timed.
        through_bakeoff(name, params, table.head(200), kinds)
        directly(synthesizer, params, table.head(200), kinds)
        for _ in range(repeats):  # alternating, so that drifts of the machine hit both
            ours.append(through_bakeoff(name, params, table, kinds)[0])
            theirs.append(directly(synthesizer, params, table, kinds))
        ratio = float(np.median(ours) / np.median(theirs))
        print(
            f"   {name:16s} SDV {np.median(theirs):7.2f} s   bakeoff {np.median(ours):7.2f} s"
            f"   ratio {ratio:.3f}  (goal ≤ 1.05)"
        )


def suite_cost(table: pd.DataFrame, kinds: dict[str, str], epochs: int, sdv: bool) -> None:
    real, holdout = table.iloc[: len(table) * 4 // 5], table.iloc[len(table) * 4 // 5 :]
    real, holdout = real.reset_index(drop=True), holdout.reset_index(drop=True)
    if sdv:
        params = {"epochs": epochs, "enable_gpu": False}
        fit_seconds, sample = through_bakeoff("ctgan", params, real, kinds)
        what = f"CTGAN fit + sample at {epochs} epochs"
    else:
        fit_seconds, sample = through_bakeoff("independent", {}, real, kinds)
        what = "independent fit + sample (SDV absent: no CTGAN to compare with)"
    print(
        f"2. the metric suite on {len(real):,} fitted, {len(sample):,} sampled and "
        f"{len(holdout):,} holdout rows"
    )
    tables = SynthesisTables(real, sample, holdout, "churned", "classification", kinds, seed=0)
    total = 0.0
    for name in SUITE:
        clock = time.perf_counter()
        value = metrics.get(name).score_tables(tables)
        seconds = time.perf_counter() - clock
        total += seconds
        print(f"   {name:20s} {seconds:7.3f} s   (value {value:.4f})")
    print(f"   suite total          {total:7.3f} s")
    print(
        f"   {what}: {fit_seconds:.2f} s;  suite / fit = {total / fit_seconds:.3f}  (goal < 0.10)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--epochs", type=int, default=300, help="CTGAN's epochs for part 2")
    parser.add_argument("--overhead-epochs", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1,000 rows, 5 epochs, 1 repeat")
    parser.add_argument("--suite-only", action="store_true", help="part 2 only")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.epochs, args.overhead_epochs, args.repeats = 1000, 5, 2, 1
    sdv = importlib.util.find_spec("sdv") is not None
    other = os.environ.get("BAKEOFF_TEST_SDV_PYTHON")
    if not sdv and other and os.environ.get("BAKEOFF_BENCH_DELEGATED") != "1":
        env = dict(os.environ, BAKEOFF_BENCH_DELEGATED="1")
        source = str(Path(__file__).resolve().parents[1] / "src")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [source, env.get("PYTHONPATH")]))
        sys.exit(subprocess.run([other, __file__, *sys.argv[1:]], env=env).returncode)
    warnings.simplefilter("ignore")
    data = Dataset("bench", mixed_table(args.rows), target="churned", task="synthesis")
    kinds = column_kinds(data)
    if sdv and not args.suite_only:
        overhead(data.frame, kinds, args.overhead_epochs, args.repeats)
    elif args.suite_only:
        print("1. skipped (--suite-only)")
    else:
        print('1. skipped: SDV is not installed here (pip install "bakeoff[synthetic]")')
    suite_cost(data.frame, kinds, args.epochs, sdv)


if __name__ == "__main__":
    main()
