"""Plain-language findings, each citing the statistic behind it.

A sentence says one model is better than another only when the named test, after the
named correction, found it; otherwise it says the comparison is undecided or found no
difference, and why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from bakeoff.analysis._analyze import Analysis

__all__ = ["write_insights"]


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def claim_level(analysis: Analysis) -> float:
    """The significance level a finding needs before it claims a difference.

    Findings draw on two families of tests (pairs within datasets, pairs across
    datasets), each corrected at alpha. Claiming from both at alpha would let a false
    claim through up to twice as often, so when both families exist each is held at
    alpha / 2 (Bonferroni), keeping the chance of any false claim at alpha.
    """
    alpha = float(analysis.settings["alpha"])
    both = bool(analysis.across.pairwise) and not analysis.pairs.empty
    return alpha / 2 if both else alpha


def write_insights(analysis: Analysis) -> list[str]:
    """The findings of ``analysis``, most general first."""
    lines: list[str] = []
    lines += _across(analysis)
    lines += _within(analysis)
    lines += _curves(analysis)
    lines += _baseline(analysis)
    lines += _tuning(analysis)
    return lines


def _tuning(analysis: Analysis) -> list[str]:
    lines = []
    for row in analysis.tuning_gain.to_dict("records"):
        if row["mean_relative_improvement"] is None:
            continue
        lines.append(
            f"Tuning {row['tuned']} changed its score by "
            f"{100 * row['mean_relative_improvement']:+.1f}% on average against its "
            f"untuned copy {row['default']} (better on {row['datasets_improved']} of "
            f"{row['n_datasets']} datasets; significantly better on "
            f"{row.get('significant_gains', 0)}, significantly worse on "
            f"{row.get('significant_losses', 0)} by the corrected pairwise test)."
        )
    return lines


def _across(analysis: Analysis) -> list[str]:
    across = analysis.across
    alpha = analysis.settings["alpha"]
    lines: list[str] = []
    if not across.average_ranks:
        return [f"No comparison across datasets: {across.note}"] if across.note else []
    n = len(across.datasets)
    best, best_rank = next(iter(across.average_ranks.items()))
    firsts = int((across.rank_table[best] == 1).sum()) if not across.rank_table.empty else 0
    lines.append(
        f"{best} has the best average rank ({best_rank:.2f}) over {n} dataset(s) at budget "
        f"{across.budget}, ranking first on {firsts} of {n}."
    )
    if across.dropped:
        lines.append(
            f"Left out of the comparison across datasets because a model has no score "
            f"there: {', '.join(across.dropped)}."
        )
    if across.iman_davenport is None:
        if across.note:
            lines.append(across.note[0].upper() + across.note[1:] + ".")
        return lines
    f_p = across.iman_davenport["p"]
    if f_p < alpha:
        lines.append(
            f"The models' ranks differ across datasets (Iman–Davenport F = "
            f"{across.iman_davenport['statistic']:.2f}, {_p(f_p)})."
        )
    else:
        lines.append(
            f"Across datasets the models' ranks are not distinguishable (Iman–Davenport "
            f"{_p(f_p)}; with {n} datasets only large differences can be detected)."
        )
    cd = across.critical_difference.get(f"{alpha:.2f}")
    level = claim_level(analysis)
    for row in across.pairwise:
        if row.get("p_adjusted", 1.0) < level:
            winner, loser = (
                (row["model_a"], row["model_b"])
                if row["wins_a"] > row["wins_b"]
                else (row["model_b"], row["model_a"])
            )
            wins = max(row["wins_a"], row["wins_b"])
            lines.append(
                f"{winner} beats {loser} across datasets (Wilcoxon–{across.correction} "
                f"{_p(row['p_adjusted'])} < {level:g}; better on {wins} of "
                f"{row['n_datasets']})."
            )
    weak = [r for r in across.pairwise if r.get("power_at_effect", 1.0) < 0.8]
    if weak and not any(r.get("p_adjusted", 1.0) < level for r in across.pairwise):
        needed = max((r.get("datasets_for_power_80") or 0) for r in weak)
        lines.append(
            f"Across datasets, {len(weak)} pairwise comparison(s) are under-powered: with "
            f"{n} datasets the Wilcoxon test has under 80% power for d_z = "
            f"{analysis.settings['effect_size']:g}; about {needed} datasets would be needed."
        )
    close = [r for r in across.nemenyi if not r["significant"]]
    if close and cd is not None:
        pairs = ", ".join(f"{r['model_a']} and {r['model_b']}" for r in close[:3])
        lines.append(
            f"Not distinguishable by the Nemenyi test (rank difference below CD = {cd:.2f} "
            f"at α = {alpha:g}): {pairs}" + (" and others." if len(close) > 3 else ".")
        )
    return lines


def _within(analysis: Analysis) -> list[str]:
    pairs = analysis.pairs
    if pairs.empty or "verdict" not in pairs.columns:
        return []
    lines: list[str] = []
    tested = pairs[pairs["test"].notna()]
    if "p_adjusted" not in tested.columns:
        tested = tested.assign(p_adjusted=np.nan)
    settings = analysis.settings
    level = claim_level(analysis)
    significant = tested[
        tested["verdict"].isin(["a better", "b better"]) & (tested["p_adjusted"] < level)
    ]
    if len(tested):
        test_names = " / ".join(sorted(tested["test"].unique()))
        lines.append(
            f"Within datasets, {len(significant)} of {len(tested)} pairwise comparisons "
            f"found a significant difference ({test_names}, {settings['correction_name']} "
            f"correction over the whole study, adjusted p < {level:g}"
            + (
                ", alpha split between within- and across-dataset findings)."
                if level < settings["alpha"]
                else ")."
            )
        )
    for row in significant.sort_values("p_adjusted").head(5).itertuples():
        winner = row.model_a if row.verdict == "a better" else row.model_b
        loser = row.model_b if row.verdict == "a better" else row.model_a
        lines.append(
            f"On {row.dataset} (budget {row.budget}), {winner} beats {loser} "
            f"({_p(row.p_adjusted)} adjusted, d_z = {abs(row.cohen_dz):.2f})."
        )
    undecided = tested[tested["verdict"] == "undecided"]
    if len(undecided):
        needed = undecided["seeds_for_power_80"].dropna()
        follow = (
            f"about {int(needed.max())} seeds would give 80% power for d_z = "
            f"{settings['effect_size']:g}"
            if len(needed)
            else "more seeds cannot fix this with overlapping splits; add datasets"
        )
        lines.append(
            f"{len(undecided)} comparison(s) are undecided, not 'no difference': their tests "
            f"had under 80% power to detect d_z = {settings['effect_size']:g} "
            f"({follow})."
        )
    untested = pairs[pairs["test"].isna()]
    if len(untested):
        lines.append(
            f"{len(untested)} comparison(s) could not be tested: fewer than 2 common seeds."
        )
    return lines


def _curves(analysis: Analysis) -> list[str]:
    findings = analysis.curve_findings
    lines: list[str] = []
    if findings.empty:
        return lines
    gain = analysis.settings["flat_gain_per_doubling"]
    for row in findings.itertuples():
        lines.append(
            f"On {row.dataset}, {row.model}'s learning curve flattens (a doubling gains "
            f"under {gain:g}) after about {row.rows_to_flatten:,.0f} rows; its fitted "
            f"asymptote is {row.asymptotic_score:.3f}."
        )
        if analysis.settings["target"] is not None:
            target = analysis.settings["target"]
            if row.rows_for_target is None or not np.isfinite(row.rows_for_target):
                lines.append(f"  It does not reach {target:g} at any budget by its fit.")
            else:
                lines.append(f"  It reaches {target:g} at about {row.rows_for_target:,.0f} rows.")
    for row in analysis.crossings.itertuples():
        if row.crossing_rows is not None and np.isfinite(row.crossing_rows):
            lines.append(
                f"On {row.dataset}, the fitted curves of {row.model_a} and {row.model_b} "
                f"cross at about {row.crossing_rows:,.0f} rows."
            )
    return lines


def _baseline(analysis: Analysis) -> list[str]:
    table = analysis.baseline
    lines: list[str] = []
    for row in table.to_dict("records"):
        if row["mean_relative_improvement"] is None:
            continue
        lines.append(
            f"Against {row['baseline']}, {row['model']} changes the score by "
            f"{100 * row['mean_relative_improvement']:+.1f}% on average (better on "
            f"{row['datasets_improved']} of {row['n_datasets']} datasets; see the "
            f"pairwise tests for which differences are significant)."
        )
    return lines
