"""``report.md``: a short summary for a README or a pull request."""

from __future__ import annotations

from pathlib import Path

from bakeoff.analysis._insights import write_insights
from bakeoff.reports._data import ReportData
from bakeoff.reports._figures import leaderboard_rows

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
    if figures:
        lines += ["", "## Figures", ""]
        lines += [f"![{name}](figures/{name}.png)" for name in figures]
    path = folder / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
