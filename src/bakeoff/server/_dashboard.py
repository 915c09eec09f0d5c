"""The dashboard: HTML pages from Jinja2 templates, drawn from the same data as the API.

No front-end build: the pages are rendered here and a little plain JavaScript keeps the
progress current by polling the API. Plotly's JavaScript comes from the installed plotly
package, so the dashboard works with no network beyond this server.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, Depends, Path
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from bakeoff._version import __version__
from bakeoff.exceptions import SpecError
from bakeoff.server._state import ServerState, server_state

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
State = Annotated[ServerState, Depends(server_state)]


@functools.cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("bakeoff.server", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
    )


@functools.cache
def _plotly_js() -> bytes:
    from plotly.offline import get_plotlyjs

    text: str = get_plotlyjs()
    return text.encode("utf-8")


@router.get("/static/plotly.js")
def plotly_js() -> Response:
    """Plotly's JavaScript from the installed package (cached by the browser)."""
    return Response(
        _plotly_js(),
        media_type="application/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def _page(template: str, **values: Any) -> HTMLResponse:
    text = _templates().get_template(template).render(version=__version__, **values)
    return HTMLResponse(text)


@router.get("/", response_class=HTMLResponse)
def studies_page(state: State) -> HTMLResponse:
    """Every study with its progress, kept current by polling ``/api/v1/studies``."""
    return _page(
        "studies.html.j2",
        studies=state.reader.studies(),
        read_only=state.settings.read_only,
    )


def _study_body(state: ServerState, name: str) -> str:
    from bakeoff.analysis._insights import write_insights
    from bakeoff.reports._html import html_table
    from bakeoff.reports._tables import summary_statistics
    from bakeoff.server._figures import dashboard_figures, svg_figure

    try:
        data = state.data.report(name).value
    except SpecError as exc:  # nothing complete yet: progress and cells only
        return _templates().get_template("study_body.html.j2").render(waiting=str(exc))
    analysis = data.analysis
    leaderboard = state.data.leaderboard(name).value
    per_dataset = analysis.models[
        [
            c
            for c in ("dataset", "budget", "model", "mean", "ci95_low", "ci95_high", "n", "rank")
            if c in analysis.models.columns
        ]
    ]
    figures = dashboard_figures(data)
    svgs = {
        key: svg_figure(key, data) for key in ("critical_difference", "hyperparameter_importance")
    }
    return (
        _templates()
        .get_template("study_body.html.j2")
        .render(
            waiting=None,
            metric=analysis.scores.metric,
            direction="higher" if analysis.scores.higher_is_better else "lower",
            leaderboard=leaderboard,
            findings=write_insights(analysis),
            per_dataset=Markup(html_table(per_dataset, table_id="per-dataset")),
            summary=Markup(html_table(summary_statistics(data), table_id="summary")),
            figures=figures,
            svgs={k: Markup(v) for k, v in svgs.items() if v},
            partial=data.partial,
            n_done=data.n_done,
            n_cells=data.n_cells,
        )
    )


@router.get("/studies/{name}", response_class=HTMLResponse)
def study_page(
    name: Annotated[str, Path(min_length=1, max_length=200)], state: State
) -> HTMLResponse:
    """A study's page.

    It shows progress, leaderboard, per-dataset results with intervals, the
    critical-difference diagram, learning curves, findings, the trials explorer and Pareto
    fronts (those the study's data allows).
    """
    found = state.reader.studies(name)
    if not found:
        state.reader.store.study(name)  # raises StudyNotFoundError, naming the closest
    summary = found[0]
    body = state.data.page(name, lambda: _study_body(state, name)).value
    return _page(
        "study.html.j2",
        study=summary,
        body=Markup(body),
        read_only=state.settings.read_only,
    )
