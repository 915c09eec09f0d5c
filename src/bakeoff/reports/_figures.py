"""Publication figures (matplotlib, PNG and PDF), one function per figure.

Every figure draws from the report's data only, uses one colour per model across every
figure (:func:`model_colors`) and is sized for a paper's column (3.5 in) or page width
(7 in) at 8 pt type. Figures that need data the study does not have (fewer than 3
budgets for learning curves, no trials for the optimisation history) are skipped, and
the reason is returned.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only; never a window
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from bakeoff.reports._data import ReportData
from bakeoff.reports._tables import final_budget_means

__all__ = ["FIGURES", "leaderboard_rows", "model_colors", "write_figures"]

COLUMN, PAGE = 3.5, 7.0
_STYLE: Any = {
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "legend.fontsize": 7,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "savefig.dpi": 200,
    "pdf.fonttype": 42,  # embedded TrueType: editable text in the PDF
}


def model_colors(models: list[str]) -> dict[str, str]:
    """One colour per model, fixed by the sorted model names (same in every figure)."""
    palette: Any = matplotlib.colormaps["tab10" if len(models) <= 10 else "tab20"]
    palette = palette.colors
    return {
        m: matplotlib.colors.to_hex(palette[i % len(palette)]) for i, m in enumerate(sorted(models))
    }


def leaderboard_rows(data: ReportData) -> pd.DataFrame:
    """Per model at the compared budget: mean score with its 95% interval.

    Over datasets (a t-interval of the per-dataset means) when there are two or more;
    on one dataset, the t-interval over seeds.
    """
    means = final_budget_means(data)
    rows = []
    for model in means.columns:
        values = means[model].dropna().to_numpy()
        if len(values) >= 2:
            half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / math.sqrt(len(values))
            low, high, over = values.mean() - half, values.mean() + half, "datasets"
        else:
            table = data.analysis.models
            row = table[
                (table["model"] == model) & (table["budget"] == data.analysis.across.budget)
            ]
            low = float(row["ci95_low"].iloc[0]) if len(row) else np.nan
            high = float(row["ci95_high"].iloc[0]) if len(row) else np.nan
            over = "seeds"
        rows.append(
            {
                "model": model,
                "mean": float(values.mean()),
                "ci95_low": low,
                "ci95_high": high,
                "n": len(values),
                "interval_over": over,
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    ascending = not data.analysis.scores.higher_is_better
    return table.sort_values("mean", ascending=ascending, ignore_index=True)


def _leaderboard(data: ReportData, colors: dict[str, str]) -> Figure | str:
    table = leaderboard_rows(data)
    if table.empty:
        return "no model has a score at the compared budget"
    fig, ax = plt.subplots(figsize=(COLUMN, 0.35 * len(table) + 0.8))
    y = np.arange(len(table))[::-1]
    low = (table["mean"] - table["ci95_low"]).fillna(0).clip(lower=0)
    high = (table["ci95_high"] - table["mean"]).fillna(0).clip(lower=0)
    ax.errorbar(table["mean"], y, xerr=[low, high], fmt="none", ecolor="0.4", capsize=2, lw=0.8)
    ax.scatter(table["mean"], y, c=[colors[m] for m in table["model"]], zorder=3, s=18)
    ax.set_yticks(y, table["model"])
    over = table["interval_over"].iloc[0]
    ax.set_xlabel(f"{data.analysis.scores.metric} (mean, 95% CI over {over})")
    ax.set_title(f"Leaderboard at budget {data.analysis.across.budget}")
    return fig


def _scores_by_dataset(data: ReportData, colors: dict[str, str]) -> Figure | str:
    scores = data.analysis.scores
    frame = scores.frame[scores.frame["budget"] == data.analysis.across.budget]
    datasets = sorted(frame["dataset"].unique())
    if not datasets:
        return "no scores at the compared budget"
    columns = min(3, len(datasets))
    rows = math.ceil(len(datasets) / columns)
    fig, axes = plt.subplots(
        rows, columns, figsize=(PAGE if columns > 1 else COLUMN, 1.9 * rows), squeeze=False
    )
    models = data.models
    jitter = np.random.default_rng(0)
    for ax, dataset in zip(axes.flat, datasets, strict=False):
        part = frame[frame["dataset"] == dataset]
        for i, model in enumerate(models):
            values = part.loc[part["model"] == model, "score"].to_numpy()
            if not len(values):
                continue
            x = i + jitter.uniform(-0.15, 0.15, len(values))
            ax.scatter(x, values, s=8, color=colors[model], alpha=0.7, lw=0)
            ax.hlines(values.mean(), i - 0.3, i + 0.3, color=colors[model], lw=1.5)
        ax.set_xticks(range(len(models)), models, rotation=30, ha="right")
        ax.set_title(dataset)
    for ax in list(axes.flat)[len(datasets) :]:
        ax.set_visible(False)
    fig.supylabel(scores.metric, fontsize=8)
    return fig


def _critical_difference(data: ReportData, colors: dict[str, str]) -> Figure | str:
    """Demšar's diagram: average ranks on an axis.

    Models are joined by a bar where the Nemenyi test cannot tell them apart (rank
    difference below the CD).
    """
    across = data.analysis.across
    alpha = data.analysis.settings["alpha"]
    cd = across.critical_difference.get(f"{alpha:.2f}")
    ranks = across.average_ranks
    if cd is None or len(ranks) < 2:
        return across.note or "the critical-difference diagram needs 2+ datasets and 2+ models"
    names = list(ranks)
    values = np.array([ranks[n] for n in names])
    k = len(names)
    half = math.ceil(k / 2)
    order = np.argsort(values, kind="stable")
    sorted_ranks = values[order]
    # Cliques: maximal runs of rank-sorted models within the CD of each other.
    cliques: list[tuple[int, int]] = []
    for i in range(k):
        j = i
        while j + 1 < k and sorted_ranks[j + 1] - sorted_ranks[i] < cd:
            j += 1
        if j > i and not any(a <= i and j <= b for a, b in cliques):
            cliques.append((i, j))
    # Vertical layout, top down: CD bar, rank axis, clique bars, then the model labels.
    clique_space = 0.18 * (len(cliques) + 1)
    label_step = 0.32
    bottom = -clique_space - label_step * (max(half, k - half) + 0.5)
    fig, ax = plt.subplots(figsize=(COLUMN if k <= 6 else PAGE, 0.55 * (1.2 - bottom)))
    ax.set_xlim(0.5, k + 0.5)
    ax.set_ylim(bottom, 1.0)
    ax.axis("off")
    ax.hlines(0.0, 1, k, color="black", lw=0.8)
    for tick in range(1, k + 1):
        ax.vlines(tick, 0.0, 0.08, color="black", lw=0.8)
        ax.text(tick, 0.13, str(tick), ha="center", va="bottom", fontsize=7)
    ax.hlines(0.62, 1, 1 + cd, color="black", lw=1)
    ax.vlines([1, 1 + cd], 0.57, 0.67, color="black", lw=1)
    ax.text(1 + cd / 2, 0.72, f"CD = {cd:.2f} (Nemenyi, α = {alpha:g})", ha="center", fontsize=7)
    for n, (i, j) in enumerate(cliques):
        y = -0.18 * (n + 1)
        ax.hlines(y, sorted_ranks[i] - 0.04, sorted_ranks[j] + 0.04, color="black", lw=2.2)
    for position, index in enumerate(order):
        rank = values[index]
        left = position < half
        step = position if left else k - 1 - position
        level = -clique_space - label_step * (step + 0.5)
        edge = 0.9 if left else k + 0.1
        color = colors[names[index]]
        ax.plot([rank, rank, edge], [0.0, level, level], color=color, lw=0.9)
        ax.text(
            edge - 0.05 if left else edge + 0.05,
            level,
            f"{names[index]} ({rank:.2f})",
            ha="right" if left else "left",
            va="center",
            fontsize=7,
        )
    ax.set_title(f"Average ranks over {len(across.datasets)} datasets (1 = best)")
    return fig


def _learning_curves(data: ReportData, colors: dict[str, str], *, log_log: bool) -> Figure | str:
    curves = data.analysis.curves
    if not curves:
        return "learning curves need 3+ numeric budgets for a model on a dataset"
    datasets = sorted({c.dataset for c in curves})
    columns = min(3, len(datasets))
    rows = math.ceil(len(datasets) / columns)
    fig, axes = plt.subplots(
        rows, columns, figsize=(PAGE if columns > 1 else COLUMN, 2.2 * rows), squeeze=False
    )
    higher = data.analysis.scores.higher_is_better
    target = data.analysis.settings.get("target")
    findings = data.analysis.curve_findings
    for ax, dataset in zip(axes.flat, datasets, strict=False):
        for curve in (c for c in curves if c.dataset == dataset):
            color = colors[curve.model]
            n = np.asarray(curve.budgets, dtype=float)
            observed = np.asarray(curve.mean_error)
            shown = observed if log_log else (1 - observed if higher else observed)
            ax.scatter(n, shown, color=color, s=10, zorder=3)
            grid = np.geomspace(n[0], 10 * n[-1], 60)
            fitted = curve.error_at(grid)
            ax.plot(
                grid,
                fitted if log_log else curve.score_at(grid),
                color=color,
                lw=1,
                label=curve.model,
            )
            if curve.band:
                rows_band = np.asarray(curve.band["rows"])
                low, high = np.asarray(curve.band["low"]), np.asarray(curve.band["high"])
                if not log_log and higher:
                    low, high = 1 - high, 1 - low
                ax.fill_between(rows_band, low, high, color=color, alpha=0.15, lw=0)
            marker = findings[(findings["dataset"] == dataset) & (findings["model"] == curve.model)]
            if len(marker):
                row = marker.iloc[0]
                best = row["rows_for_target"] if target is not None else row["rows_to_flatten"]
                if best is not None and np.isfinite(best) and n[0] <= best <= 10 * n[-1]:
                    value = curve.error_at(best) if log_log else curve.score_at(best)
                    ax.scatter([best], [value], marker="v", color=color, s=22, zorder=4)
        if target is not None:
            line = (1 - target if higher else target) if log_log else target
            ax.axhline(line, color="0.3", ls="--", lw=0.7)
        ax.set_xscale("log")
        if log_log:
            ax.set_yscale("log")
        ax.set_title(dataset)
        ax.set_xlabel("training rows")
    for ax in list(axes.flat)[len(datasets) :]:
        ax.set_visible(False)
    metric = data.analysis.scores.metric
    label = ("error" if higher else metric) if log_log else metric
    axes[0, 0].set_ylabel(label)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="lower center",
        ncol=min(4, len(labels)),
        frameon=False,
        bbox_to_anchor=(0.5, -0.02),
    )
    fig.subplots_adjust(bottom=0.25 if rows == 1 else 0.12)
    return fig


def optimization_progress(trials: pd.DataFrame, higher_is_better: bool) -> pd.DataFrame:
    """Each cell's running best, scaled from its first trial (0) to its final best (1)."""
    done = trials[trials["state"] == "COMPLETE"].dropna(subset=["value"])
    rows = []
    for (model, cell), group in done.sort_values("number").groupby(["model", "cell_key"]):
        values = group["value"].to_numpy(dtype=float)
        best = np.maximum.accumulate(values) if higher_is_better else np.minimum.accumulate(values)
        span = best[-1] - best[0]
        progress = (best - best[0]) / span if span != 0 else np.ones_like(best)
        for number, p in zip(group["number"], progress, strict=True):
            rows.append(
                {"model": model, "cell_key": cell, "number": int(number), "progress": float(p)}
            )
    return pd.DataFrame(rows)


def _optimization_history(data: ReportData, colors: dict[str, str]) -> Figure | str:
    """Per model: the running best as a share of each cell's own gain.

    By complete trial, median over cells with the interquartile range (from the optimisation
    account).
    """
    if data.trials is None or data.trials.empty:
        return "no trials (a scores table, or a study without tuning)"
    account = data.optimization
    models = [m for m in (account.models if account else []) if len(m["history"]) > 1]
    if not models:
        return "every cell ran a single trial: there is no search to show"
    fig, ax = plt.subplots(figsize=(COLUMN, 2.4))
    for model in models:
        steps = model["history"]
        x = [s["position"] for s in steps]
        color = colors.get(model["model"], "0.3")
        ax.fill_between(
            x, [s["q25"] for s in steps], [s["q75"] for s in steps], color=color, alpha=0.15, lw=0
        )
        ax.plot(x, [s["median"] for s in steps], color=color, lw=1.2, label=model["model"])
    ax.set_xlabel("complete trial")
    ax.set_ylabel("running best (share of final gain)")
    ax.set_ylim(-0.05, 1.05)
    ax.set_title("Optimisation history (median over cells, quartiles shaded)")
    ax.legend(frameon=False)
    return fig


def pareto_axes(data: ReportData) -> tuple[pd.DataFrame, pd.DataFrame, list[str]] | str:
    """(complete trials, front members, the two objectives plotted), or why there are none.

    The first two objectives are plotted; a study with more lists them all in
    ``bakeoff trials --pareto``.
    """
    if data.pareto is None or data.pareto.empty or data.trials is None:
        return "the cells were tuned on one objective: there is no Pareto front"
    objectives = [c.removeprefix("value_") for c in data.pareto.columns if c.startswith("value_")]
    columns = [f"value_{o}" for o in objectives[:2]]
    cloud = data.trials[data.trials["state"] == "COMPLETE"].dropna(subset=columns)
    return cloud, data.pareto, objectives[:2]


def _pareto_front(data: ReportData, colors: dict[str, str]) -> Figure | str:
    axes = pareto_axes(data)
    if isinstance(axes, str):
        return axes
    cloud, front, (x, y) = axes
    fig, ax = plt.subplots(figsize=(COLUMN, 2.6))
    for model in sorted(front["model"].unique()):
        color = colors.get(model, "0.3")
        trials = cloud[cloud["model"] == model]
        ax.scatter(trials[f"value_{x}"], trials[f"value_{y}"], s=5, color=color, alpha=0.2, lw=0)
        members = front[front["model"] == model]
        ax.scatter(
            members[f"value_{x}"], members[f"value_{y}"], s=12, color=color, lw=0, label=model
        )
        chosen = members[members["chosen"]]
        ax.scatter(
            chosen[f"value_{x}"],
            chosen[f"value_{y}"],
            s=28,
            facecolor="none",
            edgecolor="black",
            lw=0.8,
        )
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title("Pareto fronts (dots: fronts; rings: refitted; faint: all trials)")
    ax.legend(frameon=False, markerscale=1.5)
    return fig


def _hyperparameter_importance(data: ReportData, colors: dict[str, str]) -> Figure | str:
    """Per model: each parameter's fANOVA importance.

    The mean over cells with its range, and PED-ANOVA's mean beside it (from the
    optimisation account).
    """
    account = data.optimization
    if account is None:
        return "no search to account for (a scores table, or no tuned cell)"
    models = [m for m in account.models if len(m["importance"].get("fanova", {})) >= 2]
    if not models:
        needed = account.settings.get("min_trials", "enough")
        return (
            f"no model searched two or more parameters in a cell with {needed} or more "
            f"complete trials (importance needs them; run more trials)"
        )
    columns = min(2, len(models))
    rows = math.ceil(len(models) / columns)
    longest = max(len(m["importance"]["fanova"]) for m in models)
    fig, axes = plt.subplots(
        rows,
        columns,
        figsize=(COLUMN * columns, 0.3 + 0.22 * longest * rows + 0.5),
        squeeze=False,
    )
    for ax, model in zip(axes.flat, models, strict=False):
        fanova = model["importance"]["fanova"]
        ped = model["importance"].get("ped_anova", {})
        names = list(fanova)[::-1]  # the most important on top
        y = np.arange(len(names))
        means = np.array([fanova[n]["mean"] for n in names])
        low = means - np.array([fanova[n]["min"] for n in names])
        high = np.array([fanova[n]["max"] for n in names]) - means
        color = colors.get(model["model"], "0.3")
        ax.barh(y, means, color=color, alpha=0.8, height=0.6, label="fANOVA (mean, range)")
        ax.errorbar(means, y, xerr=[low, high], fmt="none", ecolor="0.3", lw=0.8, capsize=2)
        shown = [(i, ped[n]["mean"]) for i, n in enumerate(names) if n in ped]
        if shown:
            ax.scatter(
                [v for _, v in shown],
                [i for i, _ in shown],
                marker="o",
                facecolors="none",
                edgecolors="black",
                s=14,
                lw=0.8,
                zorder=3,
                label="PED-ANOVA (mean)",
            )
        ax.set_yticks(y, names)
        ax.set_xlim(0, 1)
        ax.set_xlabel("importance (share of the objective's variance)")
        ax.set_title(f"{model['model']} ({model['n_cells']} cells)")
    for ax in list(axes.flat)[len(models) :]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, frameon=False)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def _runtime_vs_score(data: ReportData, colors: dict[str, str]) -> Figure | str:
    frame = data.analysis.scores.frame
    if "seconds" not in frame or not (frame["seconds"] > 0).any():
        return "no timings (a scores table without a 'seconds' column)"
    fig, ax = plt.subplots(figsize=(COLUMN, 2.4))
    for model in data.models:
        part = frame[frame["model"] == model]
        ax.scatter(
            part["seconds"].clip(lower=1e-3),
            part["score"],
            s=8,
            alpha=0.6,
            color=colors[model],
            lw=0,
            label=model,
        )
    ax.set_xscale("log")
    ax.set_xlabel("CPU seconds per cell (tuning + refit)")
    ax.set_ylabel(data.analysis.scores.metric)
    ax.set_title("Runtime against score")
    ax.legend(frameon=False, markerscale=1.5)
    return fig


def _posterior_simplex(data: ReportData, colors: dict[str, str]) -> Figure | str:
    """Benavoli et al.'s triangle, per pair across datasets.

    Each posterior sample of (P(A better), P(equivalent), P(B better)) as a point in
    barycentric coordinates.
    """
    samples = data.analysis.across.posterior_samples
    if not samples:
        return "no Bayesian comparison across datasets (run with --bayesian and 2+ datasets)"
    pairs = list(samples)
    columns = min(3, len(pairs))
    rows = math.ceil(len(pairs) / columns)
    fig, axes = plt.subplots(
        rows, columns, figsize=(PAGE if columns > 1 else COLUMN, 2.3 * rows), squeeze=False
    )
    corners = np.array([[0.0, 0.0], [0.5, math.sqrt(3) / 2], [1.0, 0.0]])  # A, rope, B
    pick = np.random.default_rng(0)
    for ax, (a, b) in zip(axes.flat, pairs, strict=False):
        points = samples[(a, b)]
        shown = points[pick.choice(len(points), size=min(3000, len(points)), replace=False)]
        xy = shown @ corners
        ax.scatter(xy[:, 0], xy[:, 1], s=1.5, alpha=0.25, color="0.3", lw=0, rasterized=True)
        ax.plot(*np.vstack([corners, corners[:1]]).T, color="black", lw=0.8)
        centre = corners.mean(axis=0)
        for k in range(3):  # regions where each probability is the largest
            edge = (corners[k] + corners[(k + 1) % 3]) / 2
            ax.plot([centre[0], edge[0]], [centre[1], edge[1]], color="0.5", lw=0.6, ls="--")
        ax.text(-0.04, -0.06, a, ha="left", va="top", fontsize=7, color=colors.get(a, "black"))
        ax.text(1.04, -0.06, b, ha="right", va="top", fontsize=7, color=colors.get(b, "black"))
        ax.text(0.5, math.sqrt(3) / 2 + 0.04, "rope", ha="center", va="bottom", fontsize=7)
        ax.set_xlim(-0.08, 1.08)
        ax.set_ylim(-0.15, 1.0)
        ax.set_aspect("equal")
        ax.axis("off")
    for ax in list(axes.flat)[len(pairs) :]:
        ax.set_visible(False)
    rope = data.analysis.settings.get("bayesian", {}).get("rope")
    fig.suptitle(f"Bayesian signed-rank posteriors (ROPE ±{rope:g})", fontsize=8)
    return fig


FIGURES: dict[str, Callable[[ReportData, dict[str, str]], Figure | str]] = {
    "leaderboard": _leaderboard,
    "scores_by_dataset": _scores_by_dataset,
    "critical_difference": _critical_difference,
    "learning_curves": lambda d, c: _learning_curves(d, c, log_log=False),
    "learning_curves_loglog": lambda d, c: _learning_curves(d, c, log_log=True),
    "optimization_history": _optimization_history,
    "pareto_front": _pareto_front,
    "hyperparameter_importance": _hyperparameter_importance,
    "runtime_vs_score": _runtime_vs_score,
    "posterior_simplex": _posterior_simplex,
}


def write_figures(data: ReportData, folder: Path) -> tuple[list[str], dict[str, str]]:
    """Draw every figure into ``folder`` as PNG and PDF.

    Returns:
        (names drawn, {name: why it was skipped}).
    """
    folder.mkdir(parents=True, exist_ok=True)
    colors = model_colors(data.palette_models)
    drawn, skipped = [], {}
    with plt.rc_context(_STYLE):
        for name, draw in FIGURES.items():
            if name == "posterior_simplex" and not data.analysis.settings.get("bayesian"):
                continue  # not asked for: nothing to say
            figure = draw(data, colors)
            if isinstance(figure, str):
                skipped[name] = figure
                continue
            figure.tight_layout() if name not in (
                "learning_curves",
                "learning_curves_loglog",
            ) else None
            for suffix in ("png", "pdf"):
                figure.savefig(folder / f"{name}.{suffix}", bbox_inches="tight")
            plt.close(figure)
            drawn.append(name)
    return drawn, skipped
