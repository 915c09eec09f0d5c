"""What each report figure shows, in a sentence or two: the captions of report.tex and report.md.

A paper's figure needs a caption that says what is plotted, over what, and at which
settings (metric, budget, test level), so a figure copied out of the report still reads
on its own. The captions are plain text; each writer escapes them for its format.
"""

from __future__ import annotations

from collections.abc import Callable

from bakeoff.reports._data import ReportData
from bakeoff.reports._figures import leaderboard_rows

__all__ = ["figure_captions"]


def _direction(data: ReportData) -> str:
    return "higher is better" if data.analysis.scores.higher_is_better else "lower is better"


def _leaderboard(data: ReportData) -> str:
    analysis = data.analysis
    table = leaderboard_rows(data)
    over = table["interval_over"].iloc[0] if len(table) else "seeds"
    detail = "of the per-dataset means" if over == "datasets" else "over seeds"
    return (
        f"Mean test {analysis.scores.metric} of each model at budget "
        f"{analysis.across.budget} ({_direction(data)}), with its 95% t-interval {detail}. "
        f"Which differences are significant is the tests' answer, in the tables."
    )


def _scores_by_dataset(data: ReportData) -> str:
    analysis = data.analysis
    return (
        f"Test {analysis.scores.metric} of each model on each dataset at budget "
        f"{analysis.across.budget} ({_direction(data)}): one point per seed, the bar at their mean."
    )


def _critical_difference(data: ReportData) -> str:
    across = data.analysis.across
    alpha = data.analysis.settings["alpha"]
    cd = across.critical_difference.get(f"{alpha:.2f}")
    shown = f" CD = {cd:.2f}" if cd is not None else ""
    return (
        f"Critical-difference diagram (Demšar, 2006): each model's average rank over "
        f"{len(across.datasets)} datasets at budget {across.budget} (1 is best). Models "
        f"joined by a thick bar differ by less than the critical difference{shown} of the "
        f"Nemenyi test at α = {alpha:g}: the test cannot tell them apart."
    )


def _curves(data: ReportData, *, log_log: bool) -> str:
    analysis = data.analysis
    metric = analysis.scores.metric
    higher = analysis.scores.higher_is_better
    target = analysis.settings.get("target")
    error = f"1 − {metric}" if higher else metric
    if log_log:
        shown = f"The error ({error})" if higher else f"Test {metric}"
        axes = "log–log axes, where the power law's part above c is a straight line"
    else:
        shown, axes = f"Test {metric}", "training rows on a log axis"
    band = (
        " with its 95% bootstrap band over seeds"
        if any(curve.band for curve in analysis.curves)
        else ""
    )
    if target is not None:
        marker = f"triangles mark where a curve reaches the target {target:g} (dashed line)"
    else:
        gain = analysis.settings.get("flat_gain_per_doubling", 0.005)
        marker = f"triangles mark where doubling the data gains less than {gain:g}"
    return (
        f"{shown} against the training budget n per dataset ({axes}): the mean over seeds "
        f"(points) and the fitted power law error = a·n^(−b) + c, with error = {error} "
        f"(lines, drawn to 10× the largest budget){band}; {marker}."
    )


def _optimization_history(data: ReportData) -> str:
    return (
        "Progress of the hyperparameter search per model: after each complete trial, the "
        "running best of the tuning objective as a share of the cell's own gain from its "
        "first trial (0) to its final best (1); the median over cells, the interquartile "
        "range shaded."
    )


def _pareto_front(data: ReportData) -> str:
    from bakeoff.reports._figures import pareto_axes

    axes = pareto_axes(data)
    x, y = axes[2] if not isinstance(axes, str) else ("the first objective", "the second")
    return (
        f"Pareto fronts of {x} against {y} per model: faint dots are every complete trial, "
        f"solid dots the members of each cell's front, rings the configurations refitted."
    )


def _hyperparameter_importance(data: ReportData) -> str:
    return (
        "Hyperparameter importance per model: each parameter's fANOVA importance (the "
        "share of the objective's variance it explains), the mean over cells with its range "
        "as whiskers; circles: PED-ANOVA's mean."
    )


def _runtime_vs_score(data: ReportData) -> str:
    return (
        f"Test {data.analysis.scores.metric} of each cell against its CPU seconds (tuning "
        f"and refit, log axis), one point per cell."
    )


def _posterior_simplex(data: ReportData) -> str:
    rope = data.analysis.settings.get("bayesian", {}).get("rope")
    within = f" (within ±{rope:g})" if rope is not None else ""
    return (
        "Bayesian signed-rank test across datasets (Benavoli et al., 2017), one triangle "
        "per pair of models: posterior samples of the probabilities that the left model is "
        f"better, that the two are practically equivalent{within}, and that the right one "
        "is better, in barycentric coordinates; dashed lines split the triangle where each "
        "probability is the largest."
    )


_CAPTIONS: dict[str, Callable[[ReportData], str]] = {
    "leaderboard": _leaderboard,
    "scores_by_dataset": _scores_by_dataset,
    "critical_difference": _critical_difference,
    "learning_curves": lambda d: _curves(d, log_log=False),
    "learning_curves_loglog": lambda d: _curves(d, log_log=True),
    "optimization_history": _optimization_history,
    "pareto_front": _pareto_front,
    "hyperparameter_importance": _hyperparameter_importance,
    "runtime_vs_score": _runtime_vs_score,
    "posterior_simplex": _posterior_simplex,
}


def figure_captions(data: ReportData, names: list[str]) -> dict[str, str]:
    """The caption of each drawn figure in ``names`` (plain text, unescaped)."""
    return {name: _CAPTIONS[name](data) for name in names}
