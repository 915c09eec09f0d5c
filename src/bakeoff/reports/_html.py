"""``report.html``: one self-contained file.

Plotly's JavaScript is embedded from the installed package, never fetched; the findings come
first and the spec last.
"""

from __future__ import annotations

import html
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup

from bakeoff.analysis._insights import write_insights
from bakeoff.reports._data import ReportData
from bakeoff.reports._figures import FIGURES, leaderboard_rows, model_colors
from bakeoff.reports._interactive import interactive_figures
from bakeoff.reports._tables import model_comparisons, summary_statistics

__all__ = ["html_table", "write_html"]


@dataclass
class _Section:
    id: str
    title: str
    intro: str = ""
    blocks: list[str] = field(default_factory=list)


def _cell(value: Any) -> str:
    """A table cell that shows 4 significant digits.

    Numbers keep their exact value in ``data-value`` (for sorting and for checking against
    the JSON).
    """
    if isinstance(value, bool) or value is None:
        return f'<td class="text">{"" if value is None else value}</td>'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if math.isnan(number):
            return '<td data-value="NaN">–</td>'
        shown = (
            f"{int(number):,}" if number.is_integer() and abs(number) < 1e15 else f"{number:.4g}"
        )
        return f'<td data-value="{number!r}">{shown}</td>'
    return f'<td class="text">{html.escape(str(value))}</td>'


def html_table(frame: pd.DataFrame, *, table_id: str, columns: list[str] | None = None) -> str:
    """A sortable HTML table of ``frame`` (every value escaped)."""
    columns = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = []
    for row in frame[columns].itertuples(index=False):
        values = [v.item() if hasattr(v, "item") else v for v in row]
        body.append("<tr>" + "".join(_cell(v) for v in values) + "</tr>")
    return (
        f'<div class="scroll"><table class="sortable" id="{table_id}"><thead><tr>{head}</tr>'
        f"</thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _svg(figure_name: str, data: ReportData) -> str | None:
    import matplotlib.pyplot as plt

    from bakeoff.reports._figures import _STYLE

    with plt.rc_context(_STYLE):
        figure = FIGURES[figure_name](data, model_colors(data.palette_models))
        if isinstance(figure, str):
            return None
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", bbox_inches="tight")
        plt.close(figure)
    text: str = buffer.getvalue()
    return text[text.index("<svg") :]


def write_html(data: ReportData, folder: Path, *, skipped: dict[str, str]) -> Path:
    """Write ``report.html`` into ``folder``."""
    from plotly.offline import get_plotlyjs

    analysis = data.analysis
    figures = interactive_figures(data)

    def plot(name: str) -> str:
        if name not in figures:
            reason = skipped.get(name, "not enough data")
            return f'<p class="note">No figure: {html.escape(reason)}.</p>'
        return str(
            figures[name].to_html(
                full_html=False,
                include_plotlyjs=False,
                div_id=f"figure-{name}",
                config={"displaylogo": False, "responsive": True},
            )
        )

    sections = [
        _Section(
            "leaderboard",
            "Leaderboard",
            f"Mean {analysis.scores.metric} at budget {analysis.across.budget}, with 95% "
            "intervals (over datasets where there are several, else over seeds).",
            [plot("leaderboard"), html_table(leaderboard_rows(data), table_id="table-leaderboard")],
        )
    ]
    ranks = pd.DataFrame(
        {
            "model": list(analysis.across.average_ranks),
            "average_rank": list(analysis.across.average_ranks.values()),
        }
    )
    cd = _svg("critical_difference", data)
    if cd is None:
        why = skipped.get("critical_difference", analysis.across.note or "not enough data")
        cd = f'<p class="note">No diagram: {html.escape(why)}.</p>'
    sections.append(
        _Section(
            "ranks",
            "Average ranks and critical difference",
            "Demšar's diagram: models joined by a bar cannot be told apart by the Nemenyi test.",
            [cd, html_table(ranks, table_id="table-ranks")],
        )
    )
    sections.append(
        _Section(
            "per-dataset",
            "Scores per dataset",
            "Mean, standard deviation and 95% t-interval over seeds, per model, dataset, budget.",
            [
                plot("scores_by_dataset"),
                html_table(summary_statistics(data), table_id="table-summary"),
            ],
        )
    )
    comparisons = model_comparisons(data)
    shown = [
        "scope",
        "dataset",
        "budget",
        "model_a",
        "model_b",
        "test",
        "mean_difference",
        "p",
        "p_adjusted",
        "better",
        "verdict",
        "cohen_dz",
    ]
    sections.append(
        _Section(
            "comparisons",
            "Pairwise comparisons",
            f"{analysis.settings['correction_name']}-corrected; 'better' is set only where the "
            "test found the difference at the claim level.",
            [html_table(comparisons, table_id="table-comparisons", columns=shown)],
        )
    )
    curve_blocks = [plot("learning_curves")]
    if not analysis.curve_findings.empty:
        curve_blocks.append(html_table(analysis.curve_findings, table_id="table-curves"))
    sections.append(
        _Section(
            "learning-curves",
            "Learning curves",
            "error(n) = a·n^(−b) + c, with 95% bootstrap bands in figures/.",
            curve_blocks,
        )
    )
    if analysis.settings.get("bayesian"):
        simplex = _svg("posterior_simplex", data)
        bayes = comparisons[
            [
                c
                for c in (
                    "scope",
                    "dataset",
                    "budget",
                    "model_a",
                    "model_b",
                    "p_a_better",
                    "p_rope",
                    "p_b_better",
                    "bayes_decision",
                )
                if c in comparisons
            ]
        ]
        settings = analysis.settings["bayesian"]
        sections.append(
            _Section(
                "bayesian",
                "Bayesian comparisons",
                f"Posterior probabilities with a region of practical equivalence of "
                f"±{settings['rope']:g}; a decision needs probability {settings['threshold']:g}. "
                f"Within datasets: {settings['within_dataset']}; across datasets: "
                f"{settings['across_datasets']}.",
                [simplex or "", html_table(bayes, table_id="table-bayesian")],
            )
        )
    importance = _svg("hyperparameter_importance", data)
    if importance is None:
        why = skipped.get("hyperparameter_importance", "no search to account for")
        importance = f'<p class="note">No importance figure: {html.escape(why)}.</p>'
    advice = "".join(
        f"<li>{html.escape(r['text'])}</li>"
        for r in (data.optimization.recommendations if data.optimization else [])
    )
    sections.append(
        _Section(
            "optimization",
            "Optimisation",
            "How each search went (every number in analysis/optimization.json; "
            "bakeoff optimization STUDY prints the same account).",
            [
                plot("optimization_history"),
                importance,
                f"<ul>{advice}</ul>" if advice else "",
                plot("pareto_front"),
                plot("runtime_vs_score"),
            ],
        )
    )
    sections += _tuning_gain_and_overfitting(data)
    if not data.failed.empty:
        sections.append(
            _Section(
                "failed-cells",
                "Failed cells",
                "",
                [html_table(data.failed, table_id="table-failed")],
            )
        )
    if data.study is not None:
        spec = json.dumps(data.study.get("spec", {}), indent=2, default=str)
        provenance = json.dumps(
            {"provenance": data.study.get("provenance"), "runs": data.study.get("runs", [])},
            indent=2,
            default=str,
        )
        sections.append(
            _Section(
                "spec",
                "Study spec and provenance",
                "",
                [
                    f"<h3>Spec</h3><pre>{html.escape(spec)}</pre>",
                    f"<h3>Provenance of every run</h3><pre>{html.escape(provenance)}</pre>",
                ],
            )
        )
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("bakeoff.reports", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
    )
    template = environment.get_template("report.html.j2")
    direction = "higher" if analysis.scores.higher_is_better else "lower"
    text = template.render(
        title=f"bakeoff report: {data.source}",
        subtitle=(
            f"{analysis.scores.metric} ({direction} is better) · {len(analysis.scores.models)} "
            f"models · {len(analysis.scores.datasets)} datasets · budgets "
            f"{', '.join(analysis.scores.budgets())}"
        ),
        source=data.source,
        partial=data.partial,
        n_done=data.n_done,
        n_cells=data.n_cells,
        n_failed=len(data.failed),
        findings=write_insights(analysis),
        claim_level=f"{analysis.settings['claim_level']:g}",
        correction=analysis.settings["correction_name"],
        sections=[
            {
                "id": s.id,
                "title": s.title,
                "intro": s.intro,
                "blocks": [Markup(b) for b in s.blocks],
            }
            for s in sections
        ],
        plotly_js=Markup(get_plotlyjs()),
    )
    path = folder / "report.html"
    path.write_text(text, encoding="utf-8")
    return path


def _tuning_gain_and_overfitting(data: ReportData) -> list[_Section]:
    """The tuned-versus-default and overfitting tables of report.md, as sections."""
    sections = []
    if not data.tuning_gain.empty:
        sections.append(
            _Section(
                "tuned-vs-default",
                "Tuned versus default",
                "Each model tuned against its tune: false copy, paired over (dataset, budget, "
                "seed) cells; difference tuned − default (positive: tuning helped); the "
                "decision is the paired t-test's, per budget and over all budgets ('all'). "
                "Also in analysis/tuning_gain.csv.",
                [html_table(data.tuning_gain, table_id="table-tuning-gain")],
            )
        )
    if not data.overfitting.empty:
        sections.append(
            _Section(
                "overfitting",
                f"Overfitting ({html.escape(str(data.overfitting['metric'].iloc[0]))})",
                "The refitted model's score on its own training rows minus its inner-CV "
                "score (gap_cv) and minus its test score (gap_test), mean over cells with "
                "95% t-intervals, per model and budget. Also in analysis/overfitting.csv.",
                [html_table(data.overfitting, table_id="table-overfitting")],
            )
        )
    return sections
