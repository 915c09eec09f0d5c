"""Full analysis of a large synthetic store, beside a straightforward pandas/SciPy loop.

The store holds one study of 20 datasets x 8 models x 5 budgets x 10 seeds (8,000
complete cells) and 10,000 trials, written through bakeoff's own Store. Timed:

- ``bakeoff``: ``Scores.from_store`` + ``analyze`` with 10,000 bootstrap resamples;
- ``loop``: what one writes by hand with pandas and SciPy: for every dataset, budget and
  pair, ``ttest_rel``, ``wilcoxon`` and ``scipy.stats.bootstrap`` (percentile and BCa,
  10,000 resamples); Friedman per budget; and ``curve_fit`` of every learning curve with
  200 bootstrap refits. Reading the same store with pandas is included.

Run::

    python bench/analysis.py            # the figures in docs/performance.md
    python bench/analysis.py --quick    # tiny sizes, seconds: checks the script still runs
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from itertools import combinations
from pathlib import Path

import numpy as np
from _synthetic import synthetic_store
from scipy import stats
from scipy.optimize import curve_fit

from bakeoff.analysis import Scores, analyze

N_DATASETS, N_MODELS, N_SEEDS = 20, 8, 10
BUDGETS = [100, 200, 400, 800, 1600]
N_TRIALS = 10_000
N_RESAMPLES = 10_000
N_CURVE_REFITS = 200
QUICK = False


def use_quick_sizes() -> None:
    """Tiny sizes for ``--quick`` (CI runs it so that the script cannot rot)."""
    global N_DATASETS, N_MODELS, N_SEEDS, BUDGETS, N_TRIALS, N_RESAMPLES, N_CURVE_REFITS, QUICK
    QUICK = True
    N_DATASETS, N_MODELS, N_SEEDS = 3, 3, 3
    BUDGETS = [100, 200, 400]
    N_TRIALS = 100
    N_RESAMPLES = 200
    N_CURVE_REFITS = 5


def build_store(folder: Path) -> str:
    return synthetic_store(
        folder,
        datasets=N_DATASETS,
        models=N_MODELS,
        budgets=BUDGETS,
        seeds=N_SEEDS,
        # N_TRIALS in all: one per cell, a second for the first cells.
        trials_of=lambda i, n_cells: 2 if i < N_TRIALS - n_cells else 1,
    )


def bakeoff_analysis(url: str) -> float:
    clock = time.perf_counter()
    scores = Scores.from_store("bench", storage=url)
    analyze(scores, n_resamples=N_RESAMPLES)
    return time.perf_counter() - clock


def power_law(n, a, b, c):  # type: ignore[no-untyped-def]
    return a * n**-b + c


def loop_analysis(url: str) -> float:
    clock = time.perf_counter()
    import bakeoff

    frame = bakeoff.results("bench", storage=url)
    frame = frame[frame["status"] == "complete"]
    rng = np.random.default_rng(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for (_, _), group in frame.groupby(["dataset", "budget"]):
            wide = group.pivot(index="seed", columns="model", values="test_accuracy")
            for a, b in combinations(wide.columns, 2):
                stats.ttest_rel(wide[a], wide[b])
                stats.wilcoxon(wide[a], wide[b])
                diff = (wide[a] - wide[b]).to_numpy()
                for method in ("percentile", "BCa"):
                    stats.bootstrap(
                        (diff,), np.mean, n_resamples=N_RESAMPLES, method=method, random_state=rng
                    )
        for _, group in frame.groupby("budget"):
            means = group.groupby(["dataset", "model"])["test_accuracy"].mean().unstack()
            stats.friedmanchisquare(*means.to_numpy().T)
        for (_, _), group in frame.groupby(["dataset", "model"]):
            wide = group.pivot(index="seed", columns="n_train", values="test_accuracy")
            n = wide.columns.to_numpy(dtype=float)
            error = 1 - wide.to_numpy()
            for _ in range(N_CURVE_REFITS):
                sample = error[rng.integers(0, len(error), len(error))].mean(axis=0)
                curve_fit(
                    power_law,
                    n,
                    sample,
                    p0=[1, 0.5, 0.05],
                    bounds=([0, 0.01, 0], [np.inf, 3, np.inf]),
                    maxfev=2000,
                )
    return time.perf_counter() - clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a few seconds")
    if parser.parse_args().quick:
        use_quick_sizes()
    with tempfile.TemporaryDirectory() as tmp:
        print("building the synthetic store ...", flush=True)
        url = build_store(Path(tmp))
        ours = min(bakeoff_analysis(url) for _ in range(3))
        print(f"bakeoff analyze (best of 3): {ours:.2f} s", flush=True)
        loop = loop_analysis(url)
        print(f"pandas/SciPy loop:           {loop:.2f} s")
        print(f"speed-up: {loop / ours:.1f}x")
    bayesian_signed_rank()


def bayesian_signed_rank() -> None:
    """The Bayesian signed-rank test for every pair of 10 models over 50 datasets (45
    pairs, 20,000 Monte Carlo samples each, as ``analyze --bayesian``), beside baycomp's
    loop over samples for one pair."""
    import baycomp

    from bakeoff.analysis import signed_rank_posterior, signed_rank_samples

    rng = np.random.default_rng(0)
    models, datasets = (4, 10) if QUICK else (10, 50)
    scores = rng.normal(0.8, 0.05, size=(datasets, 1)) + rng.normal(0, 0.01, (datasets, models))
    pairs = list(combinations(range(models), 2))
    clock = time.perf_counter()
    for a, b in pairs:
        signed_rank_posterior(signed_rank_samples(scores[:, a] - scores[:, b], 0.01))
    ours = time.perf_counter() - clock
    clock = time.perf_counter()
    baycomp.SignedRankTest.probs(scores[:, 1], scores[:, 0], rope=0.01, nsamples=20_000)
    theirs = time.perf_counter() - clock
    print(
        f"Bayesian signed-rank, {models} models x {datasets} datasets ({len(pairs)} pairs): "
        f"{ours:.2f} s; baycomp: {theirs:.2f} s for one pair ({theirs * len(pairs):.1f} s for "
        f"all, {theirs * len(pairs) / ours:.0f}x)"
    )


if __name__ == "__main__":
    main()
