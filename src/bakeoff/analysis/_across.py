"""Across datasets: one mean score per model and dataset, ranked and tested."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from bakeoff.analysis._bayesian import decide, signed_rank_posterior, signed_rank_samples
from bakeoff.analysis._paired import cohen_dz, t_test_power, wilcoxon_test
from bakeoff.analysis._ranks import (
    CORRECTION_NAMES,
    adjust,
    average_ranks,
    friedman_test,
    iman_davenport,
    nemenyi_critical_difference,
    rank_scores,
)
from bakeoff.analysis._scores import Scores
from bakeoff.analysis._within import decision_level, seeds_needed

__all__ = ["AcrossDatasets", "compare_across_datasets", "decide_across", "signed_rank_sums"]


@dataclass
class AcrossDatasets:
    """Models compared over datasets at one budget (Demšar 2006).

    Attributes:
        budget: The budget compared.
        datasets: Datasets on which every model has a score (the Friedman blocks).
        dropped: Datasets left out because a model has no score there (failed cells).
        rank_table: Rank of each model (columns) on each dataset (rows); 1 is best.
        average_ranks: Mean rank per model, best first.
        friedman: chi2, df, p (``None`` with fewer than 2 datasets or models).
        iman_davenport: F, df1, df2, p.
        critical_difference: Nemenyi CD at α = 0.05 and 0.10.
        nemenyi: Pairs whose average ranks differ by more than the CD at the study's α.
        pairwise: Wilcoxon signed-rank over datasets for each pair, with corrected p, the
            signed-rank sums ``rank_sum_a`` / ``rank_sum_b``, ``favoured`` (the model the
            sums favour) and ``better`` (that model, only where the test found it).
        claim_level: The level at which claims were decided.
        note: Why something could not be computed.
    """

    budget: str
    datasets: list[str]
    dropped: list[str]
    rank_table: pd.DataFrame
    average_ranks: dict[str, float]
    friedman: dict[str, float] | None = None
    iman_davenport: dict[str, float] | None = None
    critical_difference: dict[str, float] = field(default_factory=dict)
    nemenyi: list[dict[str, object]] = field(default_factory=list)
    pairwise: list[dict[str, Any]] = field(default_factory=list)
    correction: str = "holm"
    claim_level: float = 0.05
    ranks_differ: bool = False
    note: str = ""
    posterior_samples: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)


def signed_rank_sums(d: np.ndarray) -> tuple[float, float]:
    """Wilcoxon's R+ and R−.

    The sums of the ranks of ``|d|`` over positive and negative differences (zeros dropped,
    ties given average ranks).

    The direction of the signed-rank test is the larger sum, not the number of wins:
    many small wins can lose to a few large losses.
    """
    d = np.asarray(d, dtype=float)
    d = d[d != 0]
    if d.size == 0:
        return 0.0, 0.0
    ranks = stats.rankdata(np.abs(d))
    return float(ranks[d > 0].sum()), float(ranks[d < 0].sum())


def _power_over_datasets(n: int, level: float, effect_size: float) -> dict[str, object]:
    """Power of the comparison over ``n`` datasets at ``level``, and datasets for 80%.

    Uses the paired t-test's power on the per-dataset differences, divided by the
    Wilcoxon test's asymptotic relative efficiency under normality (3/π ≈ 0.955) to
    count datasets: an approximation, named as such in the output.
    """
    needed = seeds_needed(effect_size, alpha=level)
    return {
        "power_at_effect": float(t_test_power(effect_size, n, alpha=level)),
        "power_level": level,
        "datasets_for_power_80": int(np.ceil(needed / (3 / np.pi))) if needed else None,
        "power_method": "paired t-test power at the corrected level, Wilcoxon ARE 3/pi",
    }


def compare_across_datasets(
    scores: Scores,
    *,
    budget: str,
    alpha: float,
    correction: str,
    effect_size: float = 0.5,
    rope: float | None = None,
    threshold: float = 0.95,
    rope_relative: bool = False,
    bayes_samples: int = 20_000,
    seed: int = 0,
) -> AcrossDatasets:
    """Friedman, Iman–Davenport, Nemenyi and pairwise Wilcoxon–``correction`` at ``budget``.

    With ``rope``, each pair also gets the Bayesian signed-rank test's ``p_a_better``,
    ``p_rope``, ``p_b_better`` and ``bayes_decision``, and its posterior samples are kept
    in ``posterior_samples`` for the triangle plot.
    """
    frame = scores.frame[scores.frame["budget"] == budget]
    sign = 1.0 if scores.higher_is_better else -1.0
    means = frame.groupby(["dataset", "model"])["score"].mean().unstack("model")
    complete = means.dropna()
    dropped = sorted(set(means.index) - set(complete.index))
    models = list(complete.columns)
    result = AcrossDatasets(
        budget=budget,
        datasets=list(complete.index),
        dropped=dropped,
        rank_table=pd.DataFrame(),
        average_ranks={},
        correction=CORRECTION_NAMES[correction],
    )
    if complete.empty or len(models) < 2:
        result.note = "not enough data: need at least 2 models with scores on a dataset"
        return result
    oriented = sign * complete.to_numpy()
    result.rank_table = pd.DataFrame(rank_scores(oriented), index=complete.index, columns=models)
    ranks = average_ranks(oriented)
    result.average_ranks = dict(
        sorted(zip(models, map(float, ranks), strict=True), key=lambda item: item[1])
    )
    n, k = oriented.shape
    if n < 2:
        result.note = f"not enough data: {n} dataset(s); tests across datasets need at least 2"
        return result
    chi2, p = friedman_test(oriented)
    f, f_p = iman_davenport(chi2, n, k)
    result.friedman = {"statistic": float(chi2), "df": k - 1, "p": float(p)}
    result.iman_davenport = {
        "statistic": float(f),
        "df1": k - 1,
        "df2": (k - 1) * (n - 1),
        "p": float(f_p),
    }
    result.critical_difference = {
        "0.05": nemenyi_critical_difference(k, n, 0.05),
        "0.10": nemenyi_critical_difference(k, n, 0.10),
    }
    cd = nemenyi_critical_difference(k, n, alpha)
    for a, b in combinations(models, 2):
        gap = result.average_ranks[a] - result.average_ranks[b]
        result.nemenyi.append(
            {
                "model_a": a,
                "model_b": b,
                "rank_difference": float(gap),
                "critical_difference": cd,
                "significant": bool(abs(gap) > cd),
            }
        )
    pairs = list(combinations(sorted(means.columns), 2))
    stats_rows = []
    for a, b in pairs:
        both = means[[a, b]].dropna()
        d = sign * (both[a] - both[b]).to_numpy()
        if len(d) < 2:
            stats_rows.append({"model_a": a, "model_b": b, "n_datasets": len(d), "p": np.nan})
            continue
        statistic, w_p = wilcoxon_test(d)
        plus, minus = signed_rank_sums(d)
        dz = float(cohen_dz(d))
        stats_rows.append(
            {
                "model_a": a,
                "model_b": b,
                "n_datasets": len(d),
                "wins_a": int((d > 0).sum()),
                "ties": int((d == 0).sum()),
                "wins_b": int((d < 0).sum()),
                "rank_sum_a": plus,
                "rank_sum_b": minus,
                "mean_difference": float(d.mean()),
                "median_difference": float(np.median(d)),
                "favoured": a if plus > minus else b if minus > plus else None,
                "statistic": float(statistic),
                "p": float(w_p),
                "cohen_dz": dz if np.isfinite(dz) else None,
            }
        )
        if rope is not None:
            # A relative ROPE compares each dataset's difference as a share of its scale.
            scale = np.maximum((both[a].abs() + both[b].abs()).to_numpy() / 2, 1e-300)
            shown = d / scale if rope_relative else d
            samples = signed_rank_samples(shown, rope, samples=bayes_samples, seed=seed)
            p_a, p_rope, p_b = signed_rank_posterior(samples)
            stats_rows[-1].update(
                p_a_better=p_a,
                p_rope=p_rope,
                p_b_better=p_b,
                bayes_decision=decide(p_a, p_rope, p_b, threshold=threshold),
            )
            result.posterior_samples[(a, b)] = samples
    valid = [r for r in stats_rows if np.isfinite(r["p"])]
    adjusted = adjust(np.array([r["p"] for r in valid]), correction, alpha)
    for row, p_adj in zip(valid, adjusted, strict=True):
        row["p_adjusted"] = float(p_adj)
    result.pairwise = stats_rows
    return decide_across(result, level=alpha, correction=correction, effect_size=effect_size)


def decide_across(
    result: AcrossDatasets, *, level: float, correction: str, effect_size: float
) -> AcrossDatasets:
    """Decide the across-dataset claims of ``result`` at the claim level ``level``.

    With three or more models, a pair is declared different only when the
    Iman–Davenport test also rejects at ``level`` (Demšar's procedure: post-hoc tests
    after the omnibus test), so that under the complete null the chance of any
    across-dataset claim stays at ``level``; with two models the pair is the family.
    The direction of a claim is the larger signed-rank sum.
    """
    result.claim_level = level
    k = len(result.average_ranks)
    omnibus = result.iman_davenport is not None and result.iman_davenport["p"] < level
    result.ranks_differ = bool(omnibus)
    gate = omnibus or k <= 2
    valid = [r for r in result.pairwise if "p_adjusted" in r]
    per_test = decision_level(level, correction, len(valid))
    for row in result.pairwise:
        row.update(_power_over_datasets(int(row["n_datasets"]), per_test, effect_size))
        found = gate and row.get("p_adjusted", 1.0) < level and row.get("favoured") is not None
        row["significant"] = bool(found)
        row["better"] = row.get("favoured") if found else None
    return result
