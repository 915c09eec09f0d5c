"""Within one dataset and budget: every model's scores, and every pair compared."""

from __future__ import annotations

import functools
from itertools import combinations

import numpy as np
import pandas as pd

from bakeoff._seeding import derive_seed
from bakeoff.analysis._bayesian import correlated_bayesian_t_test, decide
from bakeoff.analysis._paired import (
    bootstrap_intervals,
    cohen_dz,
    corrected_t_test,
    hedges_g,
    mean_interval,
    paired_t_test,
    sign_test,
    t_test_power,
    wilcoxon_test,
)
from bakeoff.analysis._ranks import adjust
from bakeoff.analysis._scores import Scores

__all__ = [
    "MAX_SEEDS_FOR_POWER",
    "compare_pairs",
    "decide_pairs",
    "decision_level",
    "describe_models",
    "seeds_needed",
]

#: The largest follow-up ``seeds_needed`` looks at.
MAX_SEEDS_FOR_POWER = 1000

PAIRED_T = "paired t-test"
CORRECTED_T = "Nadeau–Bengio corrected resampled t-test"
SIGN_TEST = "sign test (constant difference: t-test undefined)"

#: From this n_test / n_train on, real null runs show the Nadeau–Bengio test to be far
#: below its nominal level (tests/analysis/real_null.py, docs/analysis.md).
CONSERVATIVE_RATIO = 1.0


def decision_level(level: float, correction: str, m: int) -> float:
    """The per-comparison level at which a corrected family of ``m`` tests decides.

    For Holm, Bonferroni and Benjamini–Hochberg it is the most conservative step,
    ``level / m``: a comparison is certain to be declared at ``p < level / m`` and may
    need that much. Power for "no difference found" is computed here, so the verdict
    never rests on a power the corrected test did not have.
    """
    return level if correction == "none" else level / max(m, 1)


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
    rope: float | None = None,
    threshold: float = 0.95,
    rope_relative: bool = False,
) -> pd.DataFrame:
    """Every pair of models on every dataset and budget, over their common seeds.

    With ``rope``, each pair also gets the correlated Bayesian t-test's ``p_a_better``,
    ``p_rope``, ``p_b_better`` and ``bayes_decision`` at ``threshold``.

    The t-test is the Nadeau–Bengio corrected one when the scores come from repeated
    splits of one dataset (``scores.resampled``), else the paired t-test; where the
    difference is constant up to rounding the t-test is undefined and the exact sign
    test decides instead. The column ``test`` names the test. p-values are corrected
    over every comparison of the study (all datasets, budgets and pairs) as one family,
    and decided at ``alpha`` by :func:`decide_pairs`.
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
                n_resamples,
                derive_seed(seed, "bootstrap", len(seeds)),
                rope,
                threshold,
                rope_relative,
            )
    # One family for the whole study: a claim about any dataset keeps the family-wise
    # error (Holm, Bonferroni) or the false discovery rate (BH) at alpha.
    _correct(family, correction, alpha)
    table = pd.DataFrame(family)
    return decide_pairs(table, level=alpha, correction=correction, effect_size=effect_size)


def _compare_batch(
    dataset: str,
    budget: str,
    pairs: list[tuple[str, str]],
    wide: pd.DataFrame,
    ratio: float,
    sign: float,
    n_resamples: int,
    seed: int,
    rope: float | None = None,
    threshold: float = 0.95,
    rope_relative: bool = False,
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
    scale = np.maximum(np.abs(x).mean(axis=-1), np.abs(y).mean(axis=-1))
    t, p, df = (
        corrected_t_test(d, ratio, scale=scale) if ratio > 0 else paired_t_test(d, scale=scale)
    )
    w_stat, w_p = wilcoxon_test(d)
    signs = sign_test(d)
    dz = cohen_dz(d, scale=scale)
    g = hedges_g(x, y)
    intervals = bootstrap_intervals(d, n_resamples=n_resamples, seed=seed)
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
            cohen_dz=float(dz[i]) if np.isfinite(dz[i]) else None,
            hedges_g=float(g[i]) if np.isfinite(g[i]) else None,
            ci95_percentile=(
                float(intervals["percentile"][0][i]),
                float(intervals["percentile"][1][i]),
            ),
            ci95_bca=(float(intervals["BCa"][0][i]), float(intervals["BCa"][1][i])),
            favoured=(a if sign * mean > 0 else b) if np.isfinite(t[i]) and t[i] != 0 else None,
            note="",
        )
        if not np.isfinite(p[i]):
            # The difference is the same on every seed (up to rounding): the t-test and
            # d_z are undefined, and the sign test (here equal to the exact Wilcoxon
            # test) says how surprising n differences of one sign are.
            row.update(
                test=SIGN_TEST,
                t=None,
                p=float(signs[i]),
                wilcoxon_p=float(signs[i]),
                cohen_dz=None,
                favoured=a if sign * mean > 0 else b,
                note="constant difference: the t-test and d_z are undefined; the sign test decides",
            )
        elif row["t"] == 0:
            row["note"] = (
                "identical scores on every seed"
                if not np.any(d[i])
                else "equal means: the per-seed differences cancel out"
            )
        elif ratio >= CONSERVATIVE_RATIO:
            row["note"] = (
                f"n_test/n_train = {ratio:.2f}: the Nadeau–Bengio correction is very "
                "conservative at a budget this small (real null runs: no false positive; "
                "docs/analysis.md), so 'undecided' here is weak evidence either way"
            )
    if rope is not None:
        width = rope * scale if rope_relative else np.full(len(pairs), rope)
        p_a, p_rope, p_b = correlated_bayesian_t_test(sign * d, ratio, width, scale=scale)
        for i, row in enumerate(rows):
            if row["test"] == SIGN_TEST:
                row["bayes_note"] = (
                    "the difference is the same on every seed: the posterior is a point "
                    "mass, so its certainty says only that the seeds agreed"
                )
            row.update(
                rope_width=float(width[i]),
                p_a_better=float(p_a[i]),
                p_rope=float(p_rope[i]),
                p_b_better=float(p_b[i]),
                bayes_decision=decide(
                    float(p_a[i]), float(p_rope[i]), float(p_b[i]), threshold=threshold
                ),
            )
    return rows


def _correct(family: list[dict[str, object]], correction: str, alpha: float) -> None:
    tested = [r for r in family if r.get("test") and r.get("p") is not None]
    if not tested:
        return
    p_adj = adjust(np.array([r["p"] for r in tested]), correction, alpha)
    w_adj = adjust(np.array([r["wilcoxon_p"] for r in tested]), correction, alpha)
    for row, p, w in zip(tested, p_adj, w_adj, strict=True):
        row["p_adjusted"] = float(p)
        row["wilcoxon_p_adjusted"] = float(w)


def decide_pairs(
    pairs: pd.DataFrame, *, level: float, correction: str, effect_size: float
) -> pd.DataFrame:
    """Verdicts of the within-dataset comparisons at the claim level ``level``.

    ``verdict`` is ``"a better"`` / ``"b better"`` (corrected p below ``level``; the
    direction is the sign of the tested mean difference), ``"no difference found"``
    (not significant although the test had ≥ 80% power for ``effect_size`` at the
    level the correction actually applies, see :func:`decision_level`) or
    ``"undecided"``. ``better`` names the better model only when the test found one.
    Adds ``power_at_effect``, ``power_level`` and ``seeds_for_power_80`` computed at
    that level.
    """
    if pairs.empty:
        return pairs
    table = pairs.copy()
    if "p_adjusted" not in table.columns:
        table["p_adjusted"] = np.nan
    tested = (table["test"].notna() & table["p_adjusted"].notna()).to_numpy()
    per_test = decision_level(level, correction, int(tested.sum()))
    ratio = table.get("test_train_ratio", pd.Series(0.0, index=table.index)).fillna(0.0)
    n_seeds = table["n_seeds"].to_numpy(dtype=float)
    power = np.where(
        tested,
        t_test_power(
            effect_size, np.maximum(n_seeds, 2), alpha=per_test, test_train_ratio=ratio.to_numpy()
        ),
        np.nan,
    )
    needed = [
        seeds_needed(effect_size, alpha=per_test, test_train_ratio=float(r)) if ok else None
        for ok, r in zip(tested, ratio, strict=True)
    ]
    verdicts: list[str] = []
    better: list[str | None] = []
    for i, row in enumerate(table.to_dict("records")):
        if tested[i] and row["p_adjusted"] < level and row.get("favoured") is not None:
            better.append(row["favoured"])
            verdicts.append("a better" if row["favoured"] == row["model_a"] else "b better")
            continue
        better.append(None)
        decisive = tested[i] and row["test"] != SIGN_TEST and power[i] >= 0.8
        verdicts.append("no difference found" if decisive else "undecided")
    table["verdict"] = verdicts
    table["better"] = better
    table["power_at_effect"] = [float(v) if np.isfinite(v) else None for v in power]
    table["power_level"] = per_test
    table["seeds_for_power_80"] = needed
    return table
