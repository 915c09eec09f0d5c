"""The Nadeau–Bengio test on real null runs through the protocol.

Two copies of one model (a small random forest under two labels, so each copy gets its
own ``random_state`` from its cell key) are run on the same splits, seeds and budgets by
a real study; neither is better, so every significant difference is a false positive.
Each study gives one comparison per dataset and budget. The rates say how the
``n_test / n_train`` heuristic behaves at small and full budgets, beside the plain
paired t-test on the same differences.

Run ``python -m tests.analysis.real_null`` to print the table in docs/analysis.md (about
10 minutes on 2 cores); the slow test runs a smaller version.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ALPHA = 0.05
DATASETS = ("breast_cancer", "wine", "digits")
BUDGETS = (60, "full")
N_SEEDS = 10


def null_study(index: int, folder: Path, *, n_jobs: int = 2) -> pd.DataFrame:
    """One real null study; its within-dataset comparisons (uncorrected)."""
    import bakeoff
    from bakeoff.analysis import Scores, compare_pairs

    copy = {"name": "random_forest", "params": {"n_estimators": 5, "max_depth": 4}}
    spec = {
        "study": f"null-{index}",
        "seed": index,
        "datasets": list(DATASETS),
        "models": [
            {**copy, "label": "forest_a", "tune": False},
            {**copy, "label": "forest_b", "tune": False},
        ],
        "budgets": list(BUDGETS),
        "seeds": N_SEEDS,
        "metrics": ["accuracy"],
    }
    url = f"sqlite:///{folder / f'null-{index}.db'}"
    summary = bakeoff.Study(**spec).run(storage=url, n_jobs=n_jobs)
    assert summary.exit_code == 0, summary
    scores = Scores.from_store(spec["study"], storage=url)
    pairs = compare_pairs(
        scores, alpha=ALPHA, correction="none", effect_size=0.5, n_resamples=100, seed=0
    )
    frame = scores.frame
    d = frame.pivot_table(index=["dataset", "budget", "seed"], columns="model", values="score")
    plain = []
    from bakeoff.analysis import paired_t_test

    for row in pairs.itertuples():
        diff = d.loc[(row.dataset, row.budget)]
        plain.append(float(paired_t_test((diff["forest_a"] - diff["forest_b"]).to_numpy())[1]))
    return pairs.assign(plain_p=plain, study=index)


def rates(n_studies: int, *, n_jobs: int = 2) -> pd.DataFrame:
    """Type-I error per budget over ``n_studies`` real null studies."""
    with tempfile.TemporaryDirectory() as tmp:
        table = pd.concat([null_study(i, Path(tmp), n_jobs=n_jobs) for i in range(n_studies)])
    tested = table[table["p"].notna()]
    return (
        tested.groupby("budget")
        .agg(
            comparisons=("p", "size"),
            test_train_ratio=("test_train_ratio", "mean"),
            nadeau_bengio=("p", lambda p: float((p < ALPHA).mean())),
            plain_paired_t=("plain_p", lambda p: float((np.asarray(p) < ALPHA).mean())),
        )
        .reset_index()
    )


if __name__ == "__main__":
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    result = rates(n)
    print(f"{n} real null studies: {', '.join(DATASETS)}; {N_SEEDS} seeds; alpha = {ALPHA}\n")
    print("| budget | comparisons | n_test/n_train | Nadeau–Bengio | plain paired t |")
    print("|---|---:|---:|---:|---:|")
    for row in result.itertuples():
        print(
            f"| {row.budget} | {row.comparisons} | {row.test_train_ratio:.2f} | "
            f"{100 * row.nadeau_bengio:.1f}% | {100 * row.plain_paired_t:.1f}% |"
        )
