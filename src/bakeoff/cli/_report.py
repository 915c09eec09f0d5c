"""``bakeoff report``: the standard results folder of a study, or of any scores table."""

from __future__ import annotations

from pathlib import Path

import typer

from bakeoff.cli._app import STORAGE_HELP, app, console, default_storage
from bakeoff.exceptions import SpecError
from bakeoff.store import DEFAULT_STORAGE

FORMATS_HELP = "Comma-separated: html, latex, markdown (tables, JSON and figures always)."


def parse_formats(text: str) -> list[str]:
    """``"html,latex"`` -> ``["html", "latex"]``, refusing unknown formats."""
    from bakeoff.reports import FORMATS

    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise SpecError(
            f"--format: unknown format(s) {unknown or [text]}; choose from {', '.join(FORMATS)}, "
            "e.g. --format html,latex"
        )
    return formats


def write_study_report(
    study: str,
    out: Path,
    *,
    storage: str,
    formats: list[str],
    with_cells: bool = False,
    **options: object,
) -> Path:
    """Collect, analyse and write a stored study's report; print where it went."""
    from bakeoff.reports import collect_from_store, write_report

    data = collect_from_store(study, storage=storage, **options)  # type: ignore[arg-type]
    data.study = {**(data.study or {}), "storage": storage}
    report = write_report(data, out, formats=formats, with_cells=with_cells)
    _say(report, data.partial, data.n_done, data.n_cells)
    return report.folder


def _say(report, partial: bool, done: int, total: int) -> None:  # type: ignore[no-untyped-def]
    main = report.folder / "report.html"
    console.print(
        f"Wrote {len(report.files)} files to {report.folder}"
        + (f" (open {main})" if main.exists() else ""),
        highlight=False,
        markup=False,
    )
    if partial:
        console.print(f"Partial study: {done} of {total} cells finished.", highlight=False)
    for name, why in report.skipped_figures.items():
        console.print(f"No figure '{name}': {why}.", highlight=False, markup=False, style="dim")


@app.command()
def report(
    study: str | None = typer.Argument(
        None, help="The study (its `study:` name). Leave out with --scores.", show_default=False
    ),
    out: Path = typer.Option(..., "--out", "-o", help="The folder to write (created if missing)."),
    storage: str | None = typer.Option(None, "--storage", "-s", help=STORAGE_HELP),
    scores_file: Path | None = typer.Option(
        None, "--scores", help="Report on this CSV/Parquet scores table instead of a study."
    ),
    lower_is_better: bool = typer.Option(
        False, "--lower-is-better", help="With --scores: lower scores are better."
    ),
    formats: str = typer.Option("html,latex,markdown", "--format", "-f", help=FORMATS_HELP),
    with_cells: bool = typer.Option(
        False,
        "--with-cells",
        help="Also write cells/CELL/ (config, trials, refitted model) for each cell.",
    ),
    metric: str | None = typer.Option(None, "--metric", help="Which of the study's metrics."),
    baseline: str | None = typer.Option(None, "--baseline", help="Model to compare against."),
    alpha: float = typer.Option(0.05, "--alpha", help="Significance level."),
    correction: str = typer.Option("holm", "--correction", help="holm, bonferroni, bh, none."),
    target: float | None = typer.Option(None, "--target", help="A score to reach."),
    resamples: int = typer.Option(10_000, "--resamples", min=100, help="Bootstrap resamples."),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap."),
    bayesian: bool = typer.Option(
        False, "--bayesian", help="Add the Bayesian comparisons (as `analyze --bayesian`)."
    ),
    rope: float | None = typer.Option(
        None, "--rope", help="Region of practical equivalence (implies --bayesian)."
    ),
) -> None:
    """Write the standard results folder: tables, figures, report.html, report.tex, report.md.

    DIR/ holds detailed_results.csv, trials.parquet, summary_statistics.csv,
    performance_vs_budget.csv, statistical_analysis.json, analysis/, figures/ (PNG and
    PDF), report.html (one file that opens offline), report.md, report.tex and tables/.
    """
    chosen = parse_formats(formats)
    if (study is None) == (scores_file is None):
        raise SpecError("give either a STUDY name or --scores FILE (exactly one of them).")
    options = dict(
        alpha=alpha,
        correction=correction,
        baseline=baseline,
        target=target,
        n_resamples=resamples,
        seed=seed,
        bayesian=bayesian or rope is not None,
        rope=rope,
    )
    if scores_file is not None:
        from bakeoff.reports import collect_from_scores, write_report

        data = collect_from_scores(
            scores_file,
            higher_is_better=False if lower_is_better else None,
            metric=metric,
            **options,
        )
        result = write_report(data, out, formats=chosen)
        _say(result, data.partial, data.n_done, data.n_cells)
        return
    url = storage or default_storage() or DEFAULT_STORAGE
    write_study_report(
        study or "",
        out,
        storage=url,
        formats=chosen,
        with_cells=with_cells,
        metric=metric,
        **options,
    )
