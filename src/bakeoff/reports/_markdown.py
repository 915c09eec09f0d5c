"""``report.md``: a short summary for a README or a pull request."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bakeoff._budgets import budget_label
from bakeoff.analysis._insights import write_insights
from bakeoff.reports._captions import figure_captions
from bakeoff.reports._data import ReportData
from bakeoff.reports._figures import leaderboard_rows

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["write_markdown"]


def write_markdown(data: ReportData, folder: Path, *, figures: list[str]) -> Path:
    """Write ``report.md`` into ``folder``."""
    analysis = data.analysis
    direction = "higher" if analysis.scores.higher_is_better else "lower"
    lines = [
        f"# bakeoff report: {data.source}",
        "",
        f"{analysis.scores.metric} ({direction} is better), "
        f"{len(analysis.scores.models)} models, {len(analysis.scores.datasets)} datasets, "
        f"budgets {', '.join(analysis.scores.budgets())}.",
        "",
    ]
    if data.partial:
        lines += [f"> **Partial study:** {data.n_done} of {data.n_cells} cells finished.", ""]
    if not data.failed.empty:
        lines += [f"> **{len(data.failed)} failed cell(s)** (left out of the tables):", ""]
        for row in data.failed.itertuples():
            reason = (str(row.error or "").strip().splitlines() or [""])[-1][:160]
            lines.append(
                f"- {row.model} · {row.dataset} · budget {row.budget} · seed {row.seed}: `{reason}`"
            )
        lines.append("")
    lines += ["## Findings", ""]
    lines += [
        f"- {'**' if f.claim else ''}{f.text}{'**' if f.claim else ''}"
        for f in write_insights(analysis)
    ]
    board = leaderboard_rows(data)
    if not board.empty:
        lines += [
            "",
            f"## Leaderboard (budget {analysis.across.budget})",
            "",
            "| model | mean | 95% CI | average rank |",
            "|---|---:|---|---:|",
        ]
        ranks = analysis.across.average_ranks
        for row in board.itertuples():
            rank = ranks.get(row.model)
            lines.append(
                f"| {row.model} | {row.mean:.4f} | {row.ci95_low:.4f} – {row.ci95_high:.4f} | "
                f"{'' if rank is None else f'{rank:.2f}'} |"
            )
    lines += _tuning_gain_lines(data) + _overfitting_lines(data)
    if figures:
        lines += ["", "## Figures", ""]
        captions = figure_captions(data, figures)
        for number, name in enumerate(figures, start=1):
            lines += [
                f"![{name}](figures/{name}.png)",
                "",
                f"*Figure {number}. {captions[name]}*",
                "",
            ]
    path = folder / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _tuning_gain_lines(data: ReportData) -> list[str]:
    gain = data.tuning_gain
    if gain.empty:
        return []
    pooled = gain[gain["budget"] == "all"]
    lines = [
        "",
        "## Tuned versus default",
        "",
        "Paired over (dataset, budget, seed) cells; difference tuned − default (positive: "
        "tuning helped); decision from the paired t-test.",
        "",
        "| model | metric | pairs | tuned | default | relative gain | difference [95% CI] "
        "| t-test p | Wilcoxon p | decision |",
        "|---|---|---:|---:|---:|---:|---|---:|---:|---|",
    ]
    for row in pooled.itertuples():
        lines.append(
            f"| {row.model} | {row.metric} | {row.n_pairs} | {row.mean_tuned:.4f} | "
            f"{row.mean_default:.4f} | {row.relative_gain:+.1%} | {row.mean_difference:+.4f} "
            f"[{row.ci_low:+.4f}, {row.ci_high:+.4f}] | {row.t_p_value:.2g} | "
            f"{row.wilcoxon_p_value:.2g} | {row.decision} |"
        )
    return lines


def _overfitting_lines(data: ReportData) -> list[str]:
    gaps = data.overfitting
    if gaps.empty:
        return []
    lines = [
        "",
        f"## Overfitting ({gaps['metric'].iloc[0]})",
        "",
        "The refitted model on its own training rows minus its inner-CV score (gap to "
        "validation) and minus its test score; mean over cells with a 95% t-interval.",
        "",
        "| model | budget | cells | train | inner CV | test | train − CV [95% CI] "
        "| train − test [95% CI] |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for row in gaps.itertuples():
        budget = budget_label(row.budget)
        lines.append(
            f"| {row.model} | {budget} | {row.n_cells} | {row.train:.4f} | {row.cv:.4f} | "
            f"{row.test:.4f} | {row.gap_cv:+.4f} [{row.gap_cv_low:+.4f}, "
            f"{row.gap_cv_high:+.4f}] | {row.gap_test:+.4f} [{row.gap_test_low:+.4f}, "
            f"{row.gap_test_high:+.4f}] |"
        )
    return lines + _gap_change_lines(gaps)


def _gap_change_lines(gaps: pd.DataFrame) -> list[str]:
    """Did tuning change the train − test gap: the paired tuned − default difference."""
    changed = gaps.dropna(subset=["default"]) if "default" in gaps else gaps.iloc[:0]
    if changed.empty:
        return []
    lines = [
        "",
        "Tuned against its default copy, paired by dataset and seed: the change of the "
        "train − test gap (negative: tuning narrowed it), with its 95% t-interval and the "
        "paired t-test's decision.",
        "",
        "| model | budget | pairs | gap change [95% CI] | p | decision |",
        "|---|---|---:|---|---:|---|",
    ]
    for row in changed.itertuples():
        budget = budget_label(row.budget)
        lines.append(
            f"| {row.model} | {budget} | {int(row.n_pairs)} | {row.gap_change:+.4f} "
            f"[{row.gap_change_low:+.4f}, {row.gap_change_high:+.4f}] | "
            f"{row.gap_change_p_value:.3g} | {row.gap_change_decision} |"
        )
    return lines
