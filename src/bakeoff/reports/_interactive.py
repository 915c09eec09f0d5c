"""Interactive figures for the HTML report (Plotly).

They are drawn from the same data as the matplotlib ones and with the same colour per model.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from bakeoff.reports._data import ReportData
from bakeoff.reports._figures import (
    leaderboard_rows,
    model_colors,
    optimization_progress,
    pareto_axes,
)

__all__ = ["interactive_figures"]

_LAYOUT = {
    "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
    "template": "plotly_white",
    "height": 380,
}


def _leaderboard(data: ReportData, colors: dict[str, str]) -> go.Figure | None:
    table = leaderboard_rows(data)
    if table.empty:
        return None
    figure = go.Figure(
        go.Scatter(
            x=table["mean"],
            y=table["model"],
            mode="markers",
            marker={"color": [colors[m] for m in table["model"]], "size": 10},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (table["ci95_high"] - table["mean"]).fillna(0).clip(lower=0),
                "arrayminus": (table["mean"] - table["ci95_low"]).fillna(0).clip(lower=0),
            },
        )
    )
    figure.update_layout(
        title=f"Leaderboard at budget {data.analysis.across.budget} (mean, 95% CI)",
        xaxis_title=data.analysis.scores.metric,
        yaxis={"autorange": "reversed"},
        **_LAYOUT,
    )
    return figure


def _scores_by_dataset(data: ReportData, colors: dict[str, str]) -> go.Figure | None:
    scores = data.analysis.scores
    frame = scores.frame[scores.frame["budget"] == data.analysis.across.budget]
    if frame.empty:
        return None
    figure = go.Figure()
    for model in data.models:
        part = frame[frame["model"] == model]
        figure.add_trace(
            go.Box(
                x=part["dataset"],
                y=part["score"],
                name=model,
                marker_color=colors[model],
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
            )
        )
    figure.update_layout(
        boxmode="group",
        title="Scores over seeds, per dataset",
        yaxis_title=scores.metric,
        **_LAYOUT,
    )
    return figure


def _learning_curves(data: ReportData, colors: dict[str, str]) -> go.Figure | None:
    curves = data.analysis.curves
    if not curves:
        return None
    figure = go.Figure()
    higher = data.analysis.scores.higher_is_better
    for curve in curves:
        color = colors[curve.model]
        group = f"{curve.model} · {curve.dataset}"
        n = np.asarray(curve.budgets, dtype=float)
        observed = np.asarray(curve.mean_error)
        figure.add_trace(
            go.Scatter(
                x=n,
                y=1 - observed if higher else observed,
                mode="markers",
                marker={"color": color},
                name=group,
                legendgroup=group,
            )
        )
        grid = np.geomspace(n[0], 10 * n[-1], 60)
        figure.add_trace(
            go.Scatter(
                x=grid,
                y=curve.score_at(grid),
                mode="lines",
                line={"color": color},
                name=f"{group} (fit)",
                legendgroup=group,
                showlegend=False,
            )
        )
    target = data.analysis.settings.get("target")
    if target is not None:
        figure.add_hline(y=target, line_dash="dash", line_color="gray")
    figure.update_layout(
        title="Learning curves with fitted power laws",
        xaxis={"type": "log", "title": "training rows"},
        yaxis_title=data.analysis.scores.metric,
        **_LAYOUT,
    )
    return figure


def _optimization_history(data: ReportData, colors: dict[str, str]) -> go.Figure | None:
    if data.trials is None or data.trials.empty:
        return None
    progress = optimization_progress(data.trials, data.analysis.scores.higher_is_better)
    if progress.empty or progress["number"].max() < 1:
        return None
    figure = go.Figure()
    for model in sorted(progress["model"].unique()):
        median = progress[progress["model"] == model].groupby("number")["progress"].median()
        figure.add_trace(
            go.Scatter(
                x=median.index,
                y=median.to_numpy(),
                mode="lines",
                name=model,
                line={"color": colors[model]},
            )
        )
    figure.update_layout(
        title="Optimisation history (running best, median over cells)",
        xaxis_title="trial",
        yaxis_title="share of the final gain",
        **_LAYOUT,
    )
    return figure


def _pareto_front(data: ReportData, colors: dict[str, str]) -> go.Figure | None:
    axes = pareto_axes(data)
    if isinstance(axes, str):
        return None
    cloud, front, (x, y) = axes
    figure = go.Figure()
    for model in sorted(front["model"].unique()):
        color = colors.get(model, "#555555")
        trials = cloud[cloud["model"] == model]
        members = front[front["model"] == model]
        figure.add_trace(
            go.Scatter(
                x=trials[f"value_{x}"],
                y=trials[f"value_{y}"],
                mode="markers",
                name=f"{model}: all trials",
                marker={"color": color, "size": 4, "opacity": 0.25},
            )
        )
        figure.add_trace(
            go.Scatter(
                x=members[f"value_{x}"],
                y=members[f"value_{y}"],
                mode="markers",
                name=f"{model}: fronts",
                text=members["dataset"],
                marker={
                    "color": color,
                    "size": [11 if c else 7 for c in members["chosen"]],
                    "line": {
                        "color": "black",
                        "width": [1.5 if c else 0 for c in members["chosen"]],
                    },
                },
            )
        )
    figure.update_layout(
        title="Pareto fronts (outlined: the member refitted)",
        xaxis_title=x,
        yaxis_title=y,
        **_LAYOUT,
    )
    return figure


def _runtime_vs_score(data: ReportData, colors: dict[str, str]) -> go.Figure | None:
    frame = data.analysis.scores.frame
    if "seconds" not in frame or not (frame["seconds"] > 0).any():
        return None
    figure = go.Figure()
    for model in data.models:
        part = frame[frame["model"] == model]
        figure.add_trace(
            go.Scatter(
                x=part["seconds"].clip(lower=1e-3),
                y=part["score"],
                mode="markers",
                name=model,
                marker={"color": colors[model], "size": 6, "opacity": 0.7},
                text=part["dataset"],
            )
        )
    figure.update_layout(
        title="Runtime against score",
        xaxis={"type": "log", "title": "CPU seconds per cell"},
        yaxis_title=data.analysis.scores.metric,
        **_LAYOUT,
    )
    return figure


def interactive_figures(data: ReportData) -> dict[str, go.Figure]:
    """The report's interactive figures by name (those the data allows)."""
    colors = model_colors(data.palette_models)
    drawn = {
        "leaderboard": _leaderboard(data, colors),
        "scores_by_dataset": _scores_by_dataset(data, colors),
        "learning_curves": _learning_curves(data, colors),
        "optimization_history": _optimization_history(data, colors),
        "pareto_front": _pareto_front(data, colors),
        "runtime_vs_score": _runtime_vs_score(data, colors),
    }
    return {name: figure for name, figure in drawn.items() if figure is not None}
