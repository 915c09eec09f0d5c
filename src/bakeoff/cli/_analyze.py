"""``bakeoff analyze``: statistics of a stored study, or of any table of scores."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from bakeoff.cli._app import STORAGE_HELP, app, console, default_storage
from bakeoff.exceptions import SpecError
from bakeoff.store import DEFAULT_STORAGE


@app.command()
def analyze(
    study: str | None = typer.Argument(
        None,
        help="The study to analyse (its `study:` name). Leave out with --scores.",
        show_default=False,
    ),
    storage: str | None = typer.Option(None, "--storage", "-s", help=STORAGE_HELP),
    scores_file: Path | None = typer.Option(
        None,
        "--scores",
        help="Analyse this CSV/JSON/Parquet file instead of a study: bakeoff's own results "
        "export (bakeoff results -o results.csv), or a long table with columns dataset, "
        "model, score (and optionally seed, budget, n_train, n_test).",
    ),
    lower_is_better: bool = typer.Option(
        False, "--lower-is-better", help="With --scores: lower scores are better (errors)."
    ),
    metric: str | None = typer.Option(
        None,
        "--metric",
        help="Which of the study's metrics (default: its tuning objective); with --scores, "
        "a results export's test_METRIC column or a long table's column.",
    ),
    baseline: str | None = typer.Option(
        None, "--baseline", help="Express every model's improvement against this model."
    ),
    alpha: float = typer.Option(0.05, "--alpha", help="Significance level."),
    correction: str = typer.Option(
        "holm",
        "--correction",
        help="Multiple-testing correction: holm, bonferroni, bh (Benjamini–Hochberg), none.",
    ),
    target: float | None = typer.Option(
        None, "--target", help="A score to reach: the learning curves give the rows needed."
    ),
    effect_size: float = typer.Option(
        0.5,
        "--effect-size",
        help="Smallest effect worth detecting (Cohen's d_z); comparisons with under 80% "
        "power for it are reported as undecided.",
    ),
    resamples: int = typer.Option(10_000, "--resamples", min=100, help="Bootstrap resamples."),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap."),
    bayesian: bool = typer.Option(
        False,
        "--bayesian",
        help="Also give the Bayesian comparisons: P(A better), P(practically equivalent), "
        "P(B better) (correlated Bayesian t-test within datasets, Bayesian signed-rank "
        "test across them).",
    ),
    rope: float | None = typer.Option(
        None,
        "--rope",
        help="Region of practical equivalence, ± in the metric's units (default 0.01 for "
        "scores in [0, 1], else 1% of their mean magnitude). Implies --bayesian.",
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Folder for statistical_analysis.json (created if missing)."
    ),
) -> None:
    """Compare the models with the right test for the design, and say how sure it is.

    Within each dataset and budget: paired or Nadeau–Bengio corrected t-test, Wilcoxon,
    effect sizes, bootstrap intervals, power. Across datasets: Friedman, Iman–Davenport,
    Nemenyi critical difference, pairwise Wilcoxon with the chosen correction. Learning
    curves over budgets. Ends with findings in plain language.
    """
    from bakeoff.analysis import Scores, analyze, dataset_properties

    if (study is None) == (scores_file is None):
        raise SpecError("give either a STUDY name or --scores FILE (exactly one of them).")
    if scores_file is not None:
        from bakeoff._score_files import scores_from_file

        scores = scores_from_file(
            scores_file, metric=metric, lower_is_better=True if lower_is_better else None
        )
        properties = None
    else:
        url = storage or default_storage() or DEFAULT_STORAGE
        scores = Scores.from_store(study or "", storage=url, metric=metric)
        properties = dataset_properties(study or "", url)
    result = analyze(
        scores,
        alpha=alpha,
        correction=correction,
        baseline=baseline,
        target=target,
        effect_size=effect_size,
        n_resamples=resamples,
        seed=seed,
        dataset_properties=properties,
        bayesian=bayesian or rope is not None,
        rope=rope,
    )
    _print(result)
    if out is not None:
        path = result.write_json(out)
        console.print(f"Wrote {path}", highlight=False, markup=False)


def _print(result) -> None:  # type: ignore[no-untyped-def]
    across = result.across
    direction = "higher" if result.scores.higher_is_better else "lower"
    console.print(
        f"[bold]{escape(result.scores.source)}[/]: {escape(result.scores.metric)} "
        f"({direction} is better), "
        f"{len(result.scores.models)} models, {len(result.scores.datasets)} datasets.",
        highlight=False,
    )
    for note in result.scores.notes:
        console.print(f"[dim]Note:[/] {escape(note)}", highlight=False)
    if across.average_ranks:
        table = Table(title=Text(f"Average ranks at budget {across.budget} (1 = best)"))
        table.add_column("model")
        table.add_column("average rank", justify="right")
        for model, rank in across.average_ranks.items():
            table.add_row(Text(model), f"{rank:.2f}")
        console.print(table)
    if across.iman_davenport:
        console.print(
            f"Friedman χ² = {across.friedman['statistic']:.3f} (p = {across.friedman['p']:.4f}); "
            f"Iman–Davenport F = {_num(across.iman_davenport['statistic'])} "
            f"(p = {across.iman_davenport['p']:.4f}); Nemenyi CD = "
            f"{across.critical_difference['0.05']:.3f} (α = 0.05), "
            f"{across.critical_difference['0.10']:.3f} (α = 0.10).",
            highlight=False,
        )
    pairs = result.pairs
    if result.settings.get("within_note"):
        console.print(
            f"[dim]Within datasets:[/] {result.settings['within_note']}.", highlight=False
        )
    if not pairs.empty:
        table = Table(
            title=f"Pairwise within datasets ({result.settings['correction_name']}-corrected)"
        )
        for column in (
            "dataset",
            "budget",
            "a",
            "b",
            "mean diff",
            "test",
            "p adj",
            "Wilcoxon p adj",
            "d_z",
            "verdict",
        ):
            table.add_column(column)
        for row in pairs.itertuples():
            p_adj = getattr(row, "p_adjusted", float("nan"))
            w_adj = getattr(row, "wilcoxon_p_adjusted", float("nan"))
            table.add_row(
                *(
                    Text(str(v))
                    for v in (
                        row.dataset,
                        row.budget,
                        row.model_a,
                        row.model_b,
                        _num(getattr(row, "mean_difference", None)),
                        "NB-corrected t"
                        if row.test and "Nadeau" in row.test
                        else (row.test or "-"),
                        _num(p_adj),
                        _num(w_adj),
                        _num(getattr(row, "cohen_dz", None)),
                        row.verdict,
                    )
                )
            )
        console.print(table)
    for note in _curve_notes(result):
        console.print(f"[dim]Note:[/] {escape(note)}", highlight=False)
    _print_bayesian(result)
    console.print("[bold]Findings[/]")
    for line in result.insights:
        console.print(f"- {line}", highlight=False, markup=False)


def _curve_notes(result) -> list[str]:  # type: ignore[no-untyped-def]
    """Why there are no learning curves (and so no answer to --target), when there are none."""
    if result.curves:
        return []
    frame = result.scores.frame
    column = "n_train" if "n_train" in frame.columns else "budget"
    sizes = frame.groupby(["dataset", "model"])[column].nunique()
    most = int(sizes.max()) if len(sizes) else 0
    budgets = ", ".join(result.scores.budgets())
    notes = [
        f"no learning curves: a curve needs scores at 3 or more training sizes for a dataset "
        f"and model, and these scores have at most {most} (budgets: {budgets}). Add budgets "
        f"to the study, e.g. budgets: [50, 100, 200, full], and run it again."
    ]
    target = result.settings.get("target")
    if target is not None:
        notes.append(f"--target {target:g}: the rows needed come from learning curves; none here.")
    return notes


def _num(value: object) -> str:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "-"
    if number != number:
        return "-"
    return "∞" if number in (float("inf"), float("-inf")) else f"{number:.4g}"


def _print_bayesian(result) -> None:  # type: ignore[no-untyped-def]
    from bakeoff.analysis._insights import rope_text

    settings = result.settings.get("bayesian")
    rows = [r for r in result.across.pairwise if "bayes_decision" in r]
    if not settings or not rows:
        return
    table = Table(
        title=f"Bayesian signed-rank test across datasets (ROPE {rope_text(settings)}, "
        f"threshold {settings['threshold']:g})"
    )
    for column in ("a", "b", "P(a better)", "P(equivalent)", "P(b better)", "decision"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            escape(row["model_a"]),
            escape(row["model_b"]),
            f"{row['p_a_better']:.3f}",
            f"{row['p_rope']:.3f}",
            f"{row['p_b_better']:.3f}",
            row["bayes_decision"],
        )
    console.print(table)
