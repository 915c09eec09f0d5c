"""Plain-language findings, each citing the statistic behind it.

A sentence says one model is better than another, or that models differ, only when the
named test, after the named correction, found it at the study's claim level; its
direction is the one the test's statistic takes (the signed-rank sums, the mean
difference), never a count of wins. Every such sentence is marked as a claim, so the
calibration tests can count them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from bakeoff.analysis._analyze import Analysis

__all__ = ["Finding", "claim_level", "write_insights"]


@dataclass(frozen=True)
class Finding:
    """One sentence of the findings; ``claim`` if it states that models differ."""

    text: str
    claim: bool = False


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def claim_level(analysis: Analysis) -> float:
    """The significance level a finding needs before it claims a difference.

    Findings draw on up to three families of tests (pairs within datasets, pairs
    across datasets, dataset properties against ranks), each corrected within itself.
    Claiming from each at alpha would let a false claim through up to three times as
    often, so each family is held at alpha / (families present) (Bonferroni), keeping
    the chance of any false claim at alpha.
    """
    return float(analysis.settings["claim_level"])


def write_insights(analysis: Analysis) -> list[Finding]:
    """The findings of ``analysis``, most general first."""
    findings: list[Finding] = []
    findings += _across(analysis)
    findings += _within(analysis)
    findings += _properties(analysis)
    findings += _curves(analysis)
    findings += _baseline(analysis)
    findings += _tuning(analysis)
    findings += _bayesian(analysis)
    return findings


_BAYES_WORDS = {
    "a practically better": "{a} is practically better than {b}",
    "b practically better": "{b} is practically better than {a}",
    "practically equivalent": "{a} and {b} are practically equivalent",
    "undecided": "undecided between {a} and {b}",
}


def rope_text(settings: dict[str, Any]) -> str:
    """``±0.01`` or ``±1% of each dataset's mean score``."""
    rope = settings["rope"]
    if str(settings.get("rope_scale", "")).startswith("relative"):
        return f"±{100 * rope:g}% of each dataset's mean score"
    return f"±{rope:g}"


def _bayesian(analysis: Analysis) -> list[Finding]:
    """The Bayesian decisions, beside (not instead of) the tests' findings."""
    settings = analysis.settings.get("bayesian")
    if not settings:
        return []
    rope, threshold = rope_text(settings), settings["threshold"]
    findings = []
    for row in analysis.across.pairwise:
        if "bayes_decision" not in row:
            continue
        verdict = _BAYES_WORDS[row["bayes_decision"]].format(a=row["model_a"], b=row["model_b"])
        findings.append(
            Finding(
                f"Bayesian signed-rank test across datasets (ROPE {rope}): {verdict} "
                f"(P({row['model_a']} better) = {row['p_a_better']:.3f}, P(equivalent) = "
                f"{row['p_rope']:.3f}, P({row['model_b']} better) = {row['p_b_better']:.3f}; "
                f"decision threshold {threshold:g})."
            )
        )
    pairs = analysis.pairs
    if not pairs.empty and "bayes_decision" in pairs.columns:
        tested = pairs[pairs["test"].notna()]
        counts = tested["bayes_decision"].value_counts()
        different = counts.get("a practically better", 0) + counts.get("b practically better", 0)
        findings.append(
            Finding(
                f"Within datasets, the correlated Bayesian t-test (ROPE {rope}, threshold "
                f"{threshold:g}) finds {different} "
                f"of {len(tested)} comparisons practically different, "
                f"{counts.get('practically equivalent', 0)} practically equivalent and "
                f"{counts.get('undecided', 0)} undecided."
            )
        )
    return findings


def _paired_summary(
    row: dict[str, Any], names: dict[str, str], level: float, correction: str
) -> tuple[str, bool]:
    """Say "X is better than Y across datasets (test)", or that the test did not decide.

    ``names`` maps the two models' labels to how the sentence names them. The direction
    is the test's (``better`` is set only where it found one).
    """
    model, other = names.values()
    if row.get("p_adjusted") is None:
        return f"{model} and {other} were not tested across datasets (fewer than 2)", False
    test = f"Wilcoxon–{correction} {_p(row['p_adjusted'])}"
    better = row.get("better")
    if better:
        worse = next(name for label, name in names.items() if label != better)
        sentence = f"{names[better]} is better than {worse} across datasets ({test} < {level:g})"
        return sentence, True
    # Not "no difference": a test that did not decide is not evidence of equality (the
    # power analysis says how many datasets a decision would need).
    return (
        f"undecided between {model} and {other} across datasets ({test}, ≥ {level:g}; "
        f"not evidence that they perform the same)",
        False,
    )


def _tuning(analysis: Analysis) -> list[Finding]:
    findings = []
    level = claim_level(analysis)
    correction = analysis.settings["correction_name"]
    for row in analysis.tuning_gain.to_dict("records"):
        if row["mean_relative_improvement"] is None:
            continue
        names = {
            row["tuned"]: f"{row['tuned']} (tuned)",
            row["default"]: f"{row['default']} (untuned)",
        }
        summary, claim = _paired_summary(row, names, level, correction)
        within = ""
        if row.get("within_tested") == row.get("within_tested") and row.get("within_tested"):
            within = (
                f"; within datasets, significantly better on {row['significant_gains']} and "
                f"worse on {row['significant_losses']} of {row['within_tested']} tested "
                "comparisons"
            )
            claim = claim or bool(row["significant_gains"]) or bool(row["significant_losses"])
        findings.append(
            Finding(
                f"Tuning: {summary}; mean relative change "
                f"{100 * row['mean_relative_improvement']:+.1f}% over {row['n_datasets']} "
                f"datasets{within}.",
                claim=claim,
            )
        )
    return findings


def _across(analysis: Analysis) -> list[Finding]:
    across = analysis.across
    alpha = analysis.settings["alpha"]
    level = claim_level(analysis)
    findings: list[Finding] = []
    if not across.average_ranks:
        return [Finding(f"No comparison across datasets: {across.note}")] if across.note else []
    n = len(across.datasets)
    best, best_rank = next(iter(across.average_ranks.items()))
    firsts = int((across.rank_table[best] == 1).sum()) if not across.rank_table.empty else 0
    findings.append(
        Finding(
            f"{best} has the best average rank ({best_rank:.2f}) over {n} dataset(s) at "
            f"budget {across.budget}, ranking first on {firsts} of {n} (a description, not "
            f"a test)."
        )
    )
    if across.dropped:
        findings.append(
            Finding(
                "Left out of the comparison across datasets because a model has no score "
                f"there: {', '.join(across.dropped)}."
            )
        )
    if across.iman_davenport is None:
        if across.note:
            findings.append(Finding(across.note[0].upper() + across.note[1:] + "."))
        return findings
    f_p = across.iman_davenport["p"]
    value = across.iman_davenport["statistic"]
    statistic = (
        f"Iman–Davenport F = {value:.2f}, {_p(f_p)}"
        if np.isfinite(value)
        else f"every dataset ranks the models alike; exact permutation {_p(f_p)}"
    )
    if across.ranks_differ:
        findings.append(
            Finding(
                f"The models' ranks differ across datasets ({statistic} < {level:g}).",
                claim=True,
            )
        )
    else:
        findings.append(
            Finding(
                f"Across datasets the models' ranks are not distinguishable ({statistic}, "
                f"≥ {level:g}; with {n} datasets only large differences can be detected)."
            )
        )
    for row in across.pairwise:
        better = row.get("better")
        if not better:
            continue
        worse = row["model_b"] if better == row["model_a"] else row["model_a"]
        sums = (row["rank_sum_a"], row["rank_sum_b"])
        if better != row["model_a"]:
            sums = sums[::-1]
        wins = row["wins_a"] if better == row["model_a"] else row["wins_b"]
        findings.append(
            Finding(
                f"{better} beats {worse} across datasets (Wilcoxon signed-rank, rank sums "
                f"{sums[0]:g} vs {sums[1]:g}; {across.correction}-adjusted "
                f"{_p(row['p_adjusted'])} < {level:g}; better on {wins} of "
                f"{row['n_datasets']} datasets).",
                claim=True,
            )
        )
    weak = [r for r in across.pairwise if (r.get("power_at_effect") or 0.0) < 0.8]
    if weak and not any(r.get("better") for r in across.pairwise):
        needed = max((r.get("datasets_for_power_80") or 0) for r in weak)
        findings.append(
            Finding(
                f"Across datasets, {len(weak)} pairwise comparison(s) are under-powered: with "
                f"{n} datasets the corrected Wilcoxon test has under 80% power for d_z = "
                f"{analysis.settings['effect_size']:g}; about {needed} datasets would be "
                "needed."
            )
        )
    cd = across.critical_difference.get(f"{alpha:.2f}")
    close = [r for r in across.nemenyi if not r["significant"]]
    if close and cd is not None:
        pairs = ", ".join(f"{r['model_a']} and {r['model_b']}" for r in close[:3])
        findings.append(
            Finding(
                f"Not distinguishable by the Nemenyi test (rank difference below CD = "
                f"{cd:.2f} at α = {alpha:g}): {pairs}" + (" and others." if len(close) > 3 else ".")
            )
        )
    return findings


def _within(analysis: Analysis) -> list[Finding]:
    pairs = analysis.pairs
    settings = analysis.settings
    if pairs.empty or "verdict" not in pairs.columns:
        note = settings.get("within_note")
        return [Finding(note[0].upper() + note[1:] + ".")] if note else []
    findings: list[Finding] = []
    tested = pairs[pairs["test"].notna()]
    level = claim_level(analysis)
    significant = tested[tested["better"].notna()]
    if len(tested):
        test_names = " / ".join(sorted(tested["test"].unique()))
        findings.append(
            Finding(
                f"Within datasets, {len(significant)} of {len(tested)} pairwise comparisons "
                f"found a significant difference ({test_names}, "
                f"{settings['correction_name']} correction over the whole study, adjusted "
                f"p < {level:g}"
                + (
                    ", alpha split between the families of findings)."
                    if level < settings["alpha"]
                    else ")."
                ),
                claim=len(significant) > 0,
            )
        )
    for row in significant.sort_values("p_adjusted").head(5).itertuples():
        loser = row.model_b if row.better == row.model_a else row.model_a
        effect = f", d_z = {abs(row.cohen_dz):.2f}" if row.cohen_dz is not None else ""
        effect = "" if effect and not np.isfinite(row.cohen_dz) else effect
        findings.append(
            Finding(
                f"On {row.dataset} (budget {row.budget}), {row.better} beats {loser} "
                f"({row.test}, {_p(row.p_adjusted)} adjusted{effect}).",
                claim=True,
            )
        )
    undecided = tested[tested["verdict"] == "undecided"]
    if len(undecided):
        needed = undecided["seeds_for_power_80"].dropna()
        level_used = float(tested["power_level"].iloc[0])
        follow = (
            f"about {int(needed.max())} seeds would give 80% power for d_z = "
            f"{settings['effect_size']:g} at that level"
            if len(needed)
            else "more seeds cannot fix this with overlapping splits; add datasets"
        )
        findings.append(
            Finding(
                f"{len(undecided)} comparison(s) are undecided, not 'no difference': their "
                f"tests had under 80% power to detect d_z = {settings['effect_size']:g} at "
                f"the per-comparison level the correction applies ({level_used:.2g}) "
                f"({follow})."
            )
        )
    constant = tested[tested["note"].str.startswith("constant difference", na=False)]
    if len(constant):
        findings.append(
            Finding(
                f"{len(constant)} comparison(s) have a constant difference on every seed: the "
                "t-test and effect size are undefined there, and the sign test decides."
            )
        )
    untested = pairs[pairs["test"].isna()]
    if len(untested):
        findings.append(
            Finding(
                f"{len(untested)} comparison(s) could not be tested: fewer than 2 common seeds."
            )
        )
    return findings


def _properties(analysis: Analysis) -> list[Finding]:
    table = analysis.meta_correlations
    if table.empty:
        return []
    level = claim_level(analysis)
    correction = analysis.settings["correction_name"]
    found = table[table["significant"]]
    if found.empty:
        return [
            Finding(
                f"No dataset property correlates with a model's rank ({len(table)} Spearman "
                f"correlations, {correction}-corrected, none with adjusted p < {level:g})."
            )
        ]
    return [
        Finding(
            f"{row.model}'s rank correlates with the dataset property {row.property} "
            f"(Spearman ρ = {row.spearman_rho:+.2f} over {row.n_datasets} datasets, "
            f"{correction}-adjusted {_p(row.p_adjusted)} < {level:g} over {len(table)} "
            "correlations; rank 1 is best, so a negative ρ means better on larger values).",
            claim=True,
        )
        for row in found.sort_values("p_adjusted").itertuples()
    ]


def _curves(analysis: Analysis) -> list[Finding]:
    table = analysis.curve_findings
    findings: list[Finding] = []
    if table.empty:
        return findings
    gain = analysis.settings["flat_gain_per_doubling"]
    for row in table.itertuples():
        # A fit says nothing far outside the budgets it saw: below the smallest, or past
        # 10x the largest (the range the figures draw), the finding says so instead.
        flat = row.rows_to_flatten
        where = f"On {row.dataset}, {row.model}'s learning curve"
        if flat <= row.smallest_budget:
            text = (
                f"{where} is already flat (a doubling gains under {gain:g}) at the smallest "
                f"budget, {row.smallest_budget:,.0f} rows"
            )
        elif flat > 10 * row.largest_budget:
            text = (
                f"{where} does not flatten (a doubling still gains {gain:g} or more) within "
                f"10× the largest budget ({10 * row.largest_budget:,.0f} rows), by its fit"
            )
        else:
            text = (
                f"{where} flattens (a doubling gains under {gain:g}) after about {flat:,.0f} rows"
            )
        findings.append(Finding(f"{text}; its fitted asymptote is {row.asymptotic_score:.3f}."))
        if analysis.settings["target"] is not None:
            target = analysis.settings["target"]
            if row.rows_for_target is None or not np.isfinite(row.rows_for_target):
                findings.append(
                    Finding(f"  It does not reach {target:g} at any budget by its fit.")
                )
            elif row.rows_for_target < row.smallest_budget:
                findings.append(
                    Finding(
                        f"  It reaches {target:g} already at the smallest budget, "
                        f"{row.smallest_budget:,.0f} rows (its fit puts the crossing at "
                        f"about {row.rows_for_target:,.0f} rows, below any budget measured)."
                    )
                )
            elif row.rows_for_target > 10 * row.largest_budget:
                findings.append(
                    Finding(
                        f"  It reaches {target:g} only past 10× the largest budget "
                        f"(about {row.rows_for_target:,.0f} rows by its fit, far beyond "
                        "what was measured)."
                    )
                )
            else:
                findings.append(
                    Finding(f"  It reaches {target:g} at about {row.rows_for_target:,.0f} rows.")
                )
    for row in analysis.crossings.itertuples():
        if row.crossing_rows is not None and np.isfinite(row.crossing_rows):
            findings.append(
                Finding(
                    f"On {row.dataset}, the fitted curves of {row.model_a} and {row.model_b} "
                    f"cross at about {row.crossing_rows:,.0f} rows."
                )
            )
    return findings


def _baseline(analysis: Analysis) -> list[Finding]:
    table = analysis.baseline
    findings: list[Finding] = []
    level = claim_level(analysis)
    correction = analysis.settings["correction_name"]
    for row in table.to_dict("records"):
        if row["mean_relative_improvement"] is None:
            continue
        names = {row["model"]: row["model"], row["baseline"]: row["baseline"]}
        summary, claim = _paired_summary(row, names, level, correction)
        findings.append(
            Finding(
                f"Against the baseline {row['baseline']}: {summary}; {row['model']}'s mean "
                f"relative change {100 * row['mean_relative_improvement']:+.1f}% over "
                f"{row['n_datasets']} datasets.",
                claim=claim,
            )
        )
    return findings
