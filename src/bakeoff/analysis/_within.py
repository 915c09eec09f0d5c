"""Within one dataset and budget: every model's scores, and every pair compared."""

from __future__ import annotations

import functools
from itertools import combinations

import numpy as np
import pandas as pd

from bakeoff._seeding import derive_seed
from bakeoff.analysis._paired import (
    bootstrap_intervals,
    cohen_dz,
    corrected_t_test,
    hedges_g,
    mean_interval,
    paired_t_test,
    t_test_power,
    wilcoxon_test,
)
from bakeoff.analysis._ranks import adjust
from bakeoff.analysis._scores import Scores

__all__ = ["MAX_SEEDS_FOR_POWER", "compare_pairs", "describe_models", "seeds_needed"]

#: The largest follow-up ``seeds_needed`` looks at.
MAX_SEEDS_FOR_POWER = 1000

PAIRED_T = "paired t-test"
CORRECTED_T = "Nadeau–Bengio corrected resampled t-test"


def describe_models(scores: Scores) -> pd.DataFrame:
    """Per dataset, budget and model: seeds, mean, sd, 95% t-interval and rank."""
    frame = scores.frame
    rows = []
    for (dataset, budget, model), group in frame.groupby(["dataset", "budget", "model"]):
        values = group["score"].to_numpy()
        low, high = mean_interval(values) if len(values) > 1 else (np.nan, np.nan)
        rows.append(
            {
                "dataset": dataset,
                "budget": budget,
                "model": model,
                "n_seeds": len(values),
                "mean": float(values.mean()),
                "sd": float(values.std(ddof=1)) if len(values) > 1 else float("nan"),
                "ci95_low": float(low),
                "ci95_high": float(high),
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    sign = 1 if scores.higher_is_better else -1
    table["rank"] = table.groupby(["dataset", "budget"])["mean"].rank(
        ascending=sign < 0, method="average"
    )
    return table.sort_values(["dataset", "budget", "rank"], ignore_index=True)


@functools.lru_cache(maxsize=4096)
def seeds_needed(
    effect_size: float, *, alpha: float, power: float = 0.8, test_train_ratio: float = 0.0
) -> int | None:
    """Smallest number of seeds whose test reaches ``power`` for ``effect_size``.

    ``None`` when no number up to 1,000 does: with the Nadeau–Bengio correction the
    power is capped, however many seeds, because the seeds share training rows.
    """
    if not np.isfinite(effect_size) or effect_size == 0:
        return None
    n = np.arange(2, MAX_SEEDS_FOR_POWER + 1)
    reached = np.flatnonzero(
        t_test_power(effect_size, n, alpha=alpha, test_train_ratio=test_train_ratio) >= power
    )
    return int(n[reached[0]]) if reached.size else None


def compare_pairs(
    scores: Scores,
    *,
    alpha: float,
    correction: str,
    effect_size: float,
    n_resamples: int,
    seed: int,
) -> pd.DataFrame:
    """Every pair of models on every dataset and budget, over their common seeds.

    The t-test is the Nadeau–Bengio corrected one when the scores come from repeated
    splits of one dataset (``scores.resampled``), else the paired t-test; the column
    ``test`` names it. ``verdict`` is ``"a better"``, ``"b better"``, ``"no
    difference found"`` (not significant although the test had power ≥ 0.8 for an
    effect of ``effect_size``) or ``"undecided"`` (not significant and under-powered,
    or fewer than 2 common seeds). p-values are corrected over every comparison of the
    study (all datasets, budgets and pairs) as one family.
    """
    frame = scores.frame
    sign = 1.0 if scores.higher_is_better else -1.0
    family: list[dict[str, object]] = []
    for (dataset, budget), group in frame.groupby(["dataset", "budget"], sort=True):
        wide = group.pivot(index="seed", columns="model", values="score")
        ratio = 0.0
        if scores.resampled and {"n_train", "n_test"} <= set(group.columns):
            ratio = float((group["n_test"] / group["n_train"]).mean())
        # Pairs measured on the same seeds are compared in one vectorised batch; every
        # batch of n seeds uses the same resamples (a valid bootstrap for each pair).
        batches: dict[tuple[object, ...], list[tuple[str, str]]] = {}
        present = wide.notna().to_numpy()
        column = {name: i for i, name in enumerate(wide.columns)}
        for a, b in combinations(sorted(wide.columns), 2):
            both = present[:, column[a]] & present[:, column[b]]
            seeds = tuple(wide.index[both].tolist())
            batches.setdefault(seeds, []).append((a, b))
        for seeds, pairs in batches.items():
            rows = wide.loc[list(seeds)]
            family += _compare_batch(
                str(dataset),
                str(budget),
                pairs,
                rows,
                ratio,
                sign,
                alpha,
                effect_size,
                n_resamples,
                derive_seed(seed, "bootstrap", len(seeds)),
            )
    # One family for the whole study: a claim about any dataset keeps the family-wise
    # error (Holm, Bonferroni) or the false discovery rate (BH) at alpha.
    _correct(family, correction, alpha)
    return pd.DataFrame(family)


def _compare_batch(
    dataset: str,
    budget: str,
    pairs: list[tuple[str, str]],
    wide: pd.DataFrame,
    ratio: float,
    sign: float,
    alpha: float,
    effect_size: float,
    n_resamples: int,
    seed: int,
) -> list[dict[str, object]]:
    n = len(wide)
    x = np.array([wide[a].to_numpy() for a, _ in pairs]).reshape(len(pairs), n)
    y = np.array([wide[b].to_numpy() for _, b in pairs]).reshape(len(pairs), n)
    rows: list[dict[str, object]] = [
        {
            "dataset": dataset,
            "budget": budget,
            "model_a": a,
            "model_b": b,
            "n_seeds": n,
            "mean_a": float(x[i].mean()) if n else np.nan,
            "mean_b": float(y[i].mean()) if n else np.nan,
        }
        for i, (a, b) in enumerate(pairs)
    ]
    if n < 2:
        for row in rows:
            row.update(test=None, note=f"not enough data: {n} common seed(s); need at least 2")
        return rows
    d = x - y
    t, p, df = corrected_t_test(d, ratio) if ratio > 0 else paired_t_test(d)
    w_stat, w_p = wilcoxon_test(d)
    dz = cohen_dz(d)
    g = hedges_g(x, y)
    intervals = bootstrap_intervals(d, n_resamples=n_resamples, seed=seed)
    power_observed = t_test_power(np.nan_to_num(dz), n, alpha=alpha, test_train_ratio=ratio)
    power_at_effect = float(t_test_power(effect_size, n, alpha=alpha, test_train_ratio=ratio))
    needed = seeds_needed(effect_size, alpha=alpha, test_train_ratio=ratio)
    for i, row in enumerate(rows):
        mean = float(d[i].mean())
        a, b = pairs[i]
        row.update(
            test=CORRECTED_T if ratio > 0 else PAIRED_T,
            test_train_ratio=ratio,
            mean_difference=mean,
            t=float(t[i]),
            df=int(df),
            p=float(p[i]),
            wilcoxon_statistic=float(w_stat[i]),
            wilcoxon_p=float(w_p[i]),
            cohen_dz=float(dz[i]),
            hedges_g=float(g[i]),
            ci95_percentile=(
                float(intervals["percentile"][0][i]),
                float(intervals["percentile"][1][i]),
            ),
            ci95_bca=(float(intervals["BCa"][0][i]), float(intervals["BCa"][1][i])),
            power_observed=float(power_observed[i]) if np.isfinite(dz[i]) else None,
            power_at_effect=power_at_effect,
            seeds_for_power_80=needed,
            better=(a if sign * mean > 0 else b) if mean != 0 else None,
            note="",
        )
        if not np.isfinite(p[i]):
            row.update(
                p=None,
                t=None,
                note="cannot be tested: the difference is the same on every seed, so its "
                "spread (and the t-test) is undefined; add seeds",
            )
        elif np.all(d[i] == 0):
            row["note"] = "identical scores on every seed"
    return rows


def _correct(family: list[dict[str, object]], correction: str, alpha: float) -> None:
    tested = [r for r in family if r.get("test") and r.get("p") is not None]
    if not tested:
        for row in family:
            row.setdefault("verdict", "undecided")
        return
    p_adj = adjust(np.array([r["p"] for r in tested]), correction, alpha)
    w_adj = adjust(np.array([r["wilcoxon_p"] for r in tested]), correction, alpha)
    for row, p, w in zip(tested, p_adj, w_adj, strict=True):
        row["p_adjusted"] = float(p)
        row["wilcoxon_p_adjusted"] = float(w)
        if p < alpha and row["better"] is not None:
            row["verdict"] = "a better" if row["better"] == row["model_a"] else "b better"
        elif float(row["power_at_effect"]) >= 0.8:  # type: ignore[arg-type]
            row["verdict"] = "no difference found"
        else:
            row["verdict"] = "undecided"
    for row in family:
        row.setdefault("verdict", "undecided")
