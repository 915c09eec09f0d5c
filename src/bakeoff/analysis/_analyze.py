"""The whole analysis of a set of scores, as tables and as one JSON document."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from bakeoff._seeding import derive_seed
from bakeoff.analysis._across import AcrossDatasets, compare_across_datasets, decide_across
from bakeoff.analysis._bayesian import (
    CORRELATED_T,
    DEFAULT_THRESHOLD,
    SIGNED_RANK,
    default_rope,
)
from bakeoff.analysis._curves import LearningCurve, crossing_budget, fit_learning_curve
from bakeoff.analysis._insights import write_insights
from bakeoff.analysis._ranks import CORRECTION_NAMES, CORRECTIONS, adjust
from bakeoff.analysis._scores import Scores
from bakeoff.analysis._within import compare_pairs, decide_pairs, describe_models
from bakeoff.exceptions import SpecError

__all__ = ["Analysis", "analyze"]


@dataclass
class Analysis:
    """Everything ``bakeoff analyze`` computes. Tables are pandas DataFrames."""

    scores: Scores
    settings: dict[str, Any]
    models: pd.DataFrame
    pairs: pd.DataFrame
    across: AcrossDatasets
    curves: list[LearningCurve]
    curve_findings: pd.DataFrame
    crossings: pd.DataFrame
    efficiency: pd.DataFrame
    wins: pd.DataFrame
    baseline: pd.DataFrame
    tuning_gain: pd.DataFrame
    meta_correlations: pd.DataFrame
    insights: list[str] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document: every statistic named with its test and correction."""
        across = self.across
        document: dict[str, Any] = _clean(
            {
                "source": self.scores.source,
                "metric": self.scores.metric,
                "higher_is_better": self.scores.higher_is_better,
                "settings": self.settings,
                "per_model": self.models.to_dict("records"),
                "claims": {
                    "level": self.settings["claim_level"],
                    "sentences": self.claims,
                    "families": self.settings["claim_families"],
                    "rule": "each family of findings that claims a difference is decided at "
                    "alpha / (number of families present), so that the chance of any false "
                    "claim stays at alpha (Bonferroni over families); with 3+ models the "
                    "across-dataset pairs are claimed only after the Iman–Davenport test "
                    "rejects at the same level",
                },
                "pairwise_within_dataset": {
                    "note": self.settings.get("within_note", ""),
                    "tests": [
                        "paired t-test or Nadeau–Bengio corrected resampled t-test (column 'test')",
                        "Wilcoxon signed-rank",
                    ],
                    "effect_sizes": ["Cohen's d_z", "Hedges' g"],
                    "bootstrap_ci": ["percentile", "BCa"],
                    "correction": self.settings["correction_name"],
                    "family": "every comparison of the study (all datasets, budgets and pairs)",
                    "comparisons": self.pairs.to_dict("records"),
                },
                "across_datasets": {
                    "budget": across.budget,
                    "datasets": across.datasets,
                    "dropped_datasets": across.dropped,
                    "average_ranks": across.average_ranks,
                    "rank_table": across.rank_table.reset_index().to_dict("records")
                    if not across.rank_table.empty
                    else [],
                    "friedman_test": across.friedman,
                    "iman_davenport_test": across.iman_davenport,
                    "nemenyi_critical_difference": across.critical_difference,
                    "nemenyi_pairs": across.nemenyi,
                    "pairwise_wilcoxon": {
                        "test": "Wilcoxon signed-rank over datasets",
                        "correction": across.correction,
                        "comparisons": across.pairwise,
                    },
                    "note": across.note,
                },
                "learning_curves": {
                    "model": "error(n) = a * n^(-b) + c, weighted least squares, "
                    "95% bootstrap intervals over seeds",
                    "error": "1 - score" if self.scores.higher_is_better else "score",
                    "curves": [c.to_dict() for c in self.curves],
                    "findings": self.curve_findings.to_dict("records"),
                    "crossings": self.crossings.to_dict("records"),
                },
                "efficiency": self.efficiency.to_dict("records"),
                "wins_ties_losses": self.wins.to_dict("records"),
                "baseline_improvement": self.baseline.to_dict("records"),
                "tuned_vs_default": self.tuning_gain.to_dict("records"),
                "dataset_characteristics": {
                    "test": "Spearman rank correlation of a dataset property with a model's rank",
                    "correction": self.settings["correction_name"],
                    "family": "every (property, model) correlation",
                    "correlations": self.meta_correlations.to_dict("records"),
                },
                "bayesian": self.settings.get("bayesian"),
                "insights": self.insights,
            }
        )
        return document

    def write_json(self, folder: str | Path) -> Path:
        """Write ``statistical_analysis.json`` into ``folder`` (created if missing)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "statistical_analysis.json"
        path.write_text(json.dumps(self.to_dict(), indent=2), encoding="utf-8")
        return path


def analyze(
    scores: Scores,
    *,
    alpha: float = 0.05,
    correction: str = "holm",
    baseline: str | None = None,
    target: float | None = None,
    effect_size: float = 0.5,
    flat_gain: float = 0.005,
    n_resamples: int = 10_000,
    seed: int = 0,
    dataset_properties: pd.DataFrame | None = None,
    bayesian: bool = False,
    rope: float | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    bayes_samples: int = 20_000,
) -> Analysis:
    """Run every analysis on ``scores``.

    Args:
        scores: The scores (from a store, a file or a DataFrame).
        alpha: Significance level.
        correction: ``holm``, ``bonferroni``, ``bh`` (Benjamini–Hochberg) or ``none``.
        baseline: A model to express every other model's improvement against.
        target: A score to reach; the learning curves give the rows needed.
        effect_size: The smallest effect (Cohen's d_z) worth detecting: comparisons
            whose test had less than 80% power for it are "undecided".
        flat_gain: A curve has flattened where doubling the data gains less than this.
        n_resamples: Bootstrap resamples for confidence intervals.
        seed: Seed of every bootstrap.
        dataset_properties: Optional table indexed by dataset with numeric columns
            (rows, features, ...), correlated with the models' ranks.
        bayesian: Also run the Bayesian comparisons with a region of practical
            equivalence (correlated Bayesian t-test within datasets, Bayesian signed-rank
            test across them), beside the frequentist tests.
        rope: Half-width of the region of practical equivalence, in the metric's units
            (default: :func:`~bakeoff.analysis.default_rope` of the scores).
        threshold: Posterior probability a Bayesian decision needs.
        bayes_samples: Monte Carlo samples of the Bayesian signed-rank test.

    Raises:
        SpecError: For an unknown correction or baseline, or alpha outside (0, 1).
    """
    if correction not in CORRECTIONS:
        raise SpecError(
            f"--correction must be one of {sorted(CORRECTIONS)}, but got {correction!r}."
        )
    if not 0 < alpha < 1:
        raise SpecError(f"--alpha must lie between 0 and 1, but got {alpha}.")
    if baseline is not None and baseline not in scores.models:
        from bakeoff._registry import suggest

        raise SpecError(
            f"--baseline '{baseline}' is not a model of {scores.source}."
            f"{suggest(baseline, scores.models)} Models: {', '.join(scores.models)}."
        )
    settings: dict[str, Any] = {
        "alpha": alpha,
        "correction": correction,
        "correction_name": CORRECTION_NAMES[correction],
        "baseline": baseline,
        "target": target,
        "effect_size": effect_size,
        "flat_gain_per_doubling": flat_gain,
        "bootstrap_resamples": n_resamples,
        "seed": seed,
    }
    if rope is not None and not (rope >= 0 and math.isfinite(rope)):
        raise SpecError(f"--rope must be a finite number >= 0, but got {rope}.")
    if not 0.5 < threshold < 1:
        raise SpecError(f"the Bayesian threshold must lie in (0.5, 1), but got {threshold}.")
    rope_relative = False
    if bayesian:
        if rope is None:
            rope, rope_relative = default_rope(
                scores.frame["score"].to_numpy(), higher_is_better=scores.higher_is_better
            )
        settings["bayesian"] = {
            "rope": rope,
            "rope_scale": (
                "relative: a share of each dataset's mean score; across datasets the "
                "differences are compared as shares of it"
                if rope_relative
                else "absolute, in the metric's units"
            ),
            "rope_default": "0.01 for higher-is-better scores in [0, 1]; else 1% of each "
            "dataset's mean score",
            "threshold": threshold,
            "within_dataset": CORRELATED_T,
            "across_datasets": SIGNED_RANK,
            "monte_carlo_samples": bayes_samples,
            "seed": seed,
            "hierarchical_model": "left out: it needs Stan's MCMC (no closed form)",
        }
    else:
        rope = None
    models = describe_models(scores)
    budget = scores.final_budget()
    if scores.frame.groupby(["dataset", "budget", "model"]).size().max() < 2:
        # A paper's table: one score per model and dataset. Within-dataset tests need
        # repeated seeds; say so once instead of a table of untestable rows.
        pairs = pd.DataFrame()
        settings["within_note"] = (
            "within-dataset tests need repeated seeds; every model has one score per "
            "dataset here, so only the comparison across datasets is tested"
        )
    else:
        pairs = compare_pairs(
            scores,
            alpha=alpha,
            correction=correction,
            effect_size=effect_size,
            n_resamples=n_resamples,
            seed=seed,
            rope=rope,
            threshold=threshold,
            rope_relative=rope_relative,
        )
    across = compare_across_datasets(
        scores,
        budget=budget,
        alpha=alpha,
        correction=correction,
        effect_size=effect_size,
        rope=rope,
        threshold=threshold,
        rope_relative=rope_relative,
        bayes_samples=bayes_samples,
        seed=derive_seed(seed, "signed-rank"),
    )
    meta = _meta(across, dataset_properties, correction, alpha)
    families = [
        name
        for name, present in (
            ("within datasets", "p_adjusted" in pairs and pairs["p_adjusted"].notna().any()),
            ("across datasets", any("p_adjusted" in r for r in across.pairwise)),
            ("dataset properties", not meta.empty),
        )
        if present
    ]
    level = alpha / max(len(families), 1)
    settings.update(claim_level=level, claim_families=families)
    pairs = decide_pairs(pairs, level=level, correction=correction, effect_size=effect_size)
    across = decide_across(across, level=level, correction=correction, effect_size=effect_size)
    if not meta.empty:
        meta["significant"] = meta["p_adjusted"] < level
    curves = _curves(scores, n_resamples=min(n_resamples, 1000), seed=seed)
    findings = _curve_findings(curves, target, flat_gain)
    crossings = _crossings(curves)
    analysis = Analysis(
        scores=scores,
        settings=settings,
        models=models,
        pairs=pairs,
        across=across,
        curves=curves,
        curve_findings=findings,
        crossings=crossings,
        efficiency=_efficiency(scores),
        wins=_wins(scores, pairs, budget),
        baseline=_baseline(scores, baseline, budget, across),
        tuning_gain=_tuning_gain(scores, pairs, budget, across),
        meta_correlations=meta,
    )
    findings_ = write_insights(analysis)
    analysis.insights = [f.text for f in findings_]
    analysis.claims = [f.text for f in findings_ if f.claim]
    return analysis


def _curves(scores: Scores, *, n_resamples: int, seed: int) -> list[LearningCurve]:
    frame = scores.frame
    if "n_train" not in frame.columns:
        numeric = frame[frame["budget"].str.isdigit()].assign(
            n_train=lambda f: f["budget"].astype(int)
        )
    else:
        numeric = frame
    curves = []
    table = numeric.groupby(["dataset", "model", "seed", "n_train"])["score"].mean()
    for (dataset, model), series in table.groupby(level=["dataset", "model"]):
        wide = series.droplevel(["dataset", "model"]).unstack("n_train").dropna()
        if wide.shape[1] < 3 or wide.shape[0] < 1:
            continue
        errors = 1 - wide.to_numpy() if scores.higher_is_better else wide.to_numpy()
        curves.append(
            fit_learning_curve(
                model,
                dataset,
                wide.columns.to_numpy(),
                errors,
                higher_is_better=scores.higher_is_better,
                n_resamples=n_resamples,
                seed=derive_seed(seed, "curve", dataset, model),
            )
        )
    return curves


def _curve_findings(
    curves: list[LearningCurve], target: float | None, flat_gain: float
) -> pd.DataFrame:
    rows = []
    for curve in curves:
        largest = curve.budgets[-1]
        rows.append(
            {
                "model": curve.model,
                "dataset": curve.dataset,
                "smallest_budget": float(curve.budgets[0]),
                "largest_budget": float(largest),
                "asymptotic_score": float(curve.score_at(np.inf)),
                "score_at_2x": float(curve.score_at(2 * largest)),
                "score_at_10x": float(curve.score_at(10 * largest)),
                "rows_to_flatten": curve.flattening_rows(flat_gain),
                "rows_for_target": curve.rows_for_score(target) if target is not None else None,
                "target_reachable": (curve.rows_for_score(target) is not None)
                if target is not None
                else None,
            }
        )
    return pd.DataFrame(rows)


def _crossings(curves: list[LearningCurve]) -> pd.DataFrame:
    rows = []
    by_dataset: dict[str, list[LearningCurve]] = {}
    for curve in curves:
        by_dataset.setdefault(curve.dataset, []).append(curve)
    for dataset, group in by_dataset.items():
        for first, second in combinations(group, 2):
            up_to = 10 * max(first.budgets[-1], second.budgets[-1])
            rows.append(
                {
                    "dataset": dataset,
                    "model_a": first.model,
                    "model_b": second.model,
                    "crossing_rows": crossing_budget(first, second, up_to=up_to),
                    "searched_up_to": up_to,
                }
            )
    return pd.DataFrame(rows)


def _efficiency(scores: Scores) -> pd.DataFrame:
    frame = scores.frame
    columns = [c for c in ("n_train", "seconds") if c in frame.columns]
    if not columns:
        return pd.DataFrame()
    table = frame.groupby(["dataset", "budget", "model"])[["score", *columns]].mean()
    if "n_train" in columns:
        table["score_per_row"] = table["score"] / table["n_train"]
    if "seconds" in columns:
        table["score_per_cpu_second"] = table["score"] / table["seconds"].where(
            table["seconds"] > 0
        )
    table = table.reset_index()
    if "n_train" in columns:
        table = _marginal_gains(table, higher_is_better=scores.higher_is_better)
    return table


def _marginal_gains(table: pd.DataFrame, *, higher_is_better: bool) -> pd.DataFrame:
    """What each step up in budget bought.

    The improvement over the model's next smaller budget (positive: better, whatever the
    metric's direction), per extra training row and per extra CPU second of the cell (tuning
    and refit). NaN at the smallest budget.
    """
    sign = 1.0 if higher_is_better else -1.0
    parts = []
    for _, group in table.groupby(["dataset", "model"], sort=False):
        group = group.sort_values("n_train")
        gain = sign * group["score"].diff()
        group = group.assign(gain_over_previous=gain)
        group["gain_per_extra_row"] = gain / group["n_train"].diff().where(lambda d: d > 0)
        if "seconds" in group.columns:
            extra = group["seconds"].diff()
            group["gain_per_extra_cpu_second"] = gain / extra.where(extra > 0)
        parts.append(group)
    if not parts:
        return table
    # Budgets are labels ("50", "100", "full"): ordered by their rows, not as text.
    ordered = pd.concat(parts).sort_values(["dataset", "model", "n_train"], kind="stable")
    return ordered.reset_index(drop=True)


def _wins(scores: Scores, pairs: pd.DataFrame, budget: str) -> pd.DataFrame:
    if pairs.empty:
        return pd.DataFrame()
    at = pairs[(pairs["budget"] == budget) & pairs["test"].notna()]
    rows = []
    sign = 1.0 if scores.higher_is_better else -1.0
    for (a, b), group in at.groupby(["model_a", "model_b"]):
        diff = sign * (group["mean_a"] - group["mean_b"])
        rows.append(
            {
                "model_a": a,
                "model_b": b,
                "budget": budget,
                "wins_a": int((diff > 0).sum()),
                "ties": int((diff == 0).sum()),
                "losses_a": int((diff < 0).sum()),
                "significant_wins_a": int((group["verdict"] == "a better").sum()),
                "significant_losses_a": int((group["verdict"] == "b better").sum()),
            }
        )
    return pd.DataFrame(rows)


def _across_test(across: AcrossDatasets, model: str, other: str) -> dict[str, Any]:
    """The across-dataset Wilcoxon result for ``model`` against ``other``."""
    for row in across.pairwise:
        if {row["model_a"], row["model_b"]} == {model, other}:
            return {
                "test": "Wilcoxon signed-rank over datasets",
                "correction": across.correction,
                "p": row.get("p"),
                "p_adjusted": row.get("p_adjusted"),
                "favoured": row.get("favoured"),
                "better": row.get("better"),
            }
    return {"test": None, "p": None, "p_adjusted": None, "favoured": None, "better": None}


def _baseline(
    scores: Scores, baseline: str | None, budget: str, across: AcrossDatasets
) -> pd.DataFrame:
    if baseline is None:
        return pd.DataFrame()
    frame = scores.frame[scores.frame["budget"] == budget]
    means = frame.groupby(["dataset", "model"])["score"].mean().unstack("model")
    sign = 1.0 if scores.higher_is_better else -1.0
    rows = []
    for model in means.columns:
        if model == baseline:
            continue
        # A model without a score at this budget (a study still running) compares nothing.
        both = means.reindex(columns=[model, baseline]).dropna()
        relative = sign * (both[model] - both[baseline]) / both[baseline].abs()
        rows.append(
            {
                "model": model,
                "baseline": baseline,
                "budget": budget,
                "n_datasets": len(both),
                "mean_relative_improvement": float(relative.mean()) if len(both) else None,
                "median_relative_improvement": float(relative.median()) if len(both) else None,
                "datasets_improved": int((relative > 0).sum()),
                **_across_test(across, model, baseline),
            }
        )
    return pd.DataFrame(rows)


def _tuning_gain(
    scores: Scores, pairs: pd.DataFrame, budget: str, across: AcrossDatasets
) -> pd.DataFrame:
    """What tuning gained: each tuned model against an untuned copy of itself."""
    rows = []
    frame = scores.frame[scores.frame["budget"] == budget]
    means = frame.groupby(["dataset", "model"])["score"].mean().unstack("model")
    sign = 1.0 if scores.higher_is_better else -1.0
    for tuned, default in scores.tuning_pairs():
        both = means.reindex(columns=[tuned, default]).dropna()
        relative = sign * (both[tuned] - both[default]) / both[default].abs()
        row: dict[str, Any] = {
            "tuned": tuned,
            "default": default,
            "budget": budget,
            "n_datasets": len(both),
            "mean_relative_improvement": float(relative.mean()) if len(both) else None,
            "datasets_improved": int((relative > 0).sum()),
            **_across_test(across, tuned, default),
        }
        if not pairs.empty and "verdict" in pairs.columns:
            at = pairs[
                (pairs["budget"] == budget)
                & pairs["model_a"].isin([tuned, default])
                & pairs["model_b"].isin([tuned, default])
            ]
            row.update(
                within_tested=int(at["test"].notna().sum()),
                significant_gains=int((at["better"] == tuned).sum()),
                significant_losses=int((at["better"] == default).sum()),
            )
        rows.append(row)
    return pd.DataFrame(rows)


def _meta(
    across: AcrossDatasets, properties: pd.DataFrame | None, correction: str, alpha: float
) -> pd.DataFrame:
    """Spearman ρ of each dataset property with each model's rank, corrected as a family."""
    if properties is None or across.rank_table.empty or len(across.datasets) < 3:
        return pd.DataFrame()
    table = across.rank_table
    properties = properties.reindex(table.index)
    rows = []
    for column in properties.select_dtypes("number").columns:
        values = properties[column]
        if values.nunique() < 2:
            continue
        for model in table.columns:
            if table[model].nunique() < 2:  # the same rank everywhere: nothing to correlate
                continue
            rho, p = _spearman(values.to_numpy(dtype=float), table[model].to_numpy(dtype=float))
            if not np.isfinite(p):
                continue
            rows.append(
                {
                    "property": column,
                    "model": model,
                    "spearman_rho": float(rho),
                    "p": float(p),
                    "n_datasets": int(values.notna().sum()),
                }
            )
    result = pd.DataFrame(rows)
    if not result.empty:
        result["p_adjusted"] = adjust(result["p"].to_numpy(), correction, alpha)
    return result


#: Up to this many datasets, Spearman's p-value is exact (every ordering of one variable,
#: 8! = 40,320 at most, a tenth of a second); beyond, SciPy's t approximation.
EXACT_SPEARMAN_MAX_N = 8


def _spearman(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Spearman's ρ and its two-sided p-value, exact for few pairs.

    SciPy's ``spearmanr`` takes its p-value from a t approximation that is far off for
    a handful of pairs: with 3 datasets and ρ = 1 it says p = 0, where the exact
    permutation p-value is 2 / 3! = 1/3, the smallest possible with 3 (so no claim can be
    made at α = 0.05). Up to :data:`EXACT_SPEARMAN_MAX_N` pairs the null distribution is
    enumerated instead, with SciPy's ``permutation_test`` over the pairings.
    """
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    rho, p = stats.spearmanr(x, y)
    if len(x) > EXACT_SPEARMAN_MAX_N or not np.isfinite(rho):
        return float(rho), float(p)
    # Ranks are what ρ compares; permuting the ranks of x (ties kept) is permuting x.
    rx = stats.rankdata(x)
    ry = stats.rankdata(y)
    ry_centred = ry - ry.mean()
    scale = np.sqrt(((rx - rx.mean()) ** 2).sum() * (ry_centred**2).sum())

    def statistic(ranks: np.ndarray, axis: int = -1) -> np.ndarray:
        centred = ranks - ranks.mean(axis=axis, keepdims=True)
        return np.asarray((centred * ry_centred).sum(axis=axis) / scale)

    exact = stats.permutation_test(
        (rx,),
        statistic,
        permutation_type="pairings",
        vectorized=True,
        n_resamples=np.inf,
        alternative="two-sided",
    )
    return float(rho), float(exact.pvalue)


def _clean(value: Any) -> Any:
    """JSON-ready: NaN and infinities become null, NumPy values plain Python."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
