"""``/api/v1`` read routes: studies, cells, trials, leaderboard, analysis, downloads."""

from __future__ import annotations

import io
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from bakeoff._version import __version__
from bakeoff.exceptions import SpecError
from bakeoff.server._errors import ERROR_RESPONSES, ServerError
from bakeoff.server._queries import CellFilter, clean
from bakeoff.server._responses import json_bytes, json_response
from bakeoff.server._state import ServerState, server_state

__all__ = ["router"]

T = TypeVar("T")

router = APIRouter(prefix="/api/v1", tags=["read"], responses=ERROR_RESPONSES)

State = Annotated[ServerState, Depends(server_state)]
StudyName = Annotated[
    str, Path(min_length=1, max_length=200, description="The study's name (its `study:` field).")
]
CellKey = Annotated[
    str,
    Path(
        pattern=r"^[0-9a-f]{6,64}$",
        description="A cell key, or a unique prefix of at least 6 of its hex digits.",
    ),
]
Limit = Annotated[int, Query(ge=1, le=1000, description="Items per page (at most 1,000).")]
Offset = Annotated[int, Query(ge=0, le=10**9, description="Items to skip.")]


class CellState(str, Enum):
    """A cell's state, as ``bakeoff status`` names it."""

    complete = "complete"
    failed = "failed"
    interrupted = "interrupted"
    running = "running"
    pending = "pending"


class Download(str, Enum):
    """A table of the study as a file."""

    results_csv = "results.csv"
    results_parquet = "results.parquet"
    trials_csv = "trials.csv"
    trials_parquet = "trials.parquet"


def _stamped(cached: Any) -> dict[str, Any]:
    return {"fresh": cached.fresh}


@router.get("/health", summary="The server and its store answer")
def health(state: State) -> dict[str, Any]:
    """Whether the store can be read now, with the server's version and write mode."""
    state.reader.ping()
    return {
        "status": "ok",
        "version": __version__,
        "read_only": state.settings.read_only,
    }


@router.get("/studies", summary="Every study with its progress")
def list_studies(state: State) -> dict[str, Any]:
    """Each study's status, cell counts, trials and progress.

    Its cells in each state, trials so far and the share of cells finished (complete or
    failed), as ``bakeoff status`` counts them.
    """
    studies = state.reader.studies()
    for study in studies:
        run = state.runs.get(study["name"])
        study["server_run"] = run.describe() if run else None
    return {"studies": studies}


@router.get("/studies/{name}", summary="One study: spec, provenance, status")
def get_study(name: StudyName, state: State) -> dict[str, Any]:
    """A study's stored spec, provenance, status and runs.

    The stored spec, provenance (versions, machine, data fingerprints), status, cell counts,
    the runs that worked on it, and the run this server started, if any.
    """
    store = state.reader.store
    info = store.study(name)
    runs = store.runs_frame(name)
    run = state.runs.get(name)
    found = state.reader.studies(name)
    if not found:  # deleted since: the store names the closest study
        store.study(name)
    document: dict[str, Any] = clean(
        {
            **found[0],
            "seed": info["seed"],
            "spec_hash": info["spec_hash"],
            "bakeoff_version": info["bakeoff_version"],
            "spec": info["spec"],
            "provenance": info["provenance"],
            "runs": [
                {
                    "started_at": r.started_at,
                    "finished_at": r.finished_at,
                    "status": r.status,
                    "bakeoff_version": r.bakeoff_version,
                }
                for r in runs.itertuples()
            ],
            "server_run": run.describe() if run else None,
        }
    )
    return document


_JSON: dict[str, Any] = {"response_class": JSONResponse, "response_model": None}


@router.get("/studies/{name}/cells", summary="The study's cells, filtered and paged", **_JSON)
async def list_cells(
    name: StudyName,
    state: State,
    model: Annotated[str | None, Query(max_length=200)] = None,
    dataset: Annotated[str | None, Query(max_length=200)] = None,
    budget: Annotated[
        str | None, Query(max_length=20, description="A budget as stored: rows, or 'full'.")
    ] = None,
    seed: Annotated[
        int | None, Query(ge=0, le=2**63 - 1, description="A seed, as the study lists them.")
    ] = None,
    status: CellState | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """Cells in design order: design, status, trials, CV and test scores, timings."""
    where = CellFilter(model, dataset, budget, seed, status.value if status else None)
    # A page already answered at the study's current stamp is sent at once: no query.
    stamp = state.reader.known_stamp(name)
    if stamp is not None:
        body = state.pages.peek(("cells", stamp, where, limit, offset))
        if body is not None:
            return json_response(body)
    return await _store_work(state, _cells_page, state, name, where, limit, offset)


async def _store_work(state: ServerState, work: Callable[..., T], *args: Any) -> T:
    """``work(*args)`` on the event loop or in a worker thread, by store.

    On the event loop for a local SQLite file (a page costs about a millisecond, less than
    handing it to a worker thread; under 50 clients the threads' wait for the interpreter
    lock, not the queries, made the slowest answers), in a worker thread for a server-based
    store (a network round trip must not stall the loop).
    """
    if state.reader.local:
        return work(*args)
    return await run_in_threadpool(work, *args)


def _cells_page(
    state: ServerState, name: str, where: CellFilter, limit: int, offset: int
) -> Response:
    reader = state.reader
    study_id, stamp = reader.current_stamp(name)
    key = ("cells", stamp, where, limit, offset)
    body = state.pages.peek(key)
    if body is None:
        body = reader.cells_page_json(study_id, stamp, where, limit=limit, offset=offset)
        state.pages.put(key, body)
    return json_response(body)


def _cell(state: ServerState, name: str, key: str) -> tuple[int, dict[str, Any]]:
    study_id = state.reader.study_id(name)
    try:
        found = state.reader.cell(study_id, key)
    except ValueError as exc:
        raise ServerError(400, "AmbiguousKey", str(exc)) from None
    if found is None:
        raise ServerError(404, "CellNotFound", f"study '{name}' has no cell with key '{key}'")
    return found


@router.get("/studies/{name}/cells/{key}", summary="One cell with its search account")
def get_cell(name: StudyName, key: CellKey, state: State) -> dict[str, Any]:
    """The cell's row, and how its search went (method, stop reason, Pareto front)."""
    return _cell(state, name, key)[1]


@router.get("/studies/{name}/cells/{key}/trials", summary="A cell's trials, paged")
def list_trials(
    name: StudyName, key: CellKey, state: State, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    """Trials by number: state, value(s), parameters, steps, duration, error."""
    cell_id, _ = _cell(state, name, key)
    return state.reader.trials_page(cell_id, limit=limit, offset=offset)


@router.get("/studies/{name}/leaderboard", summary="Models ranked at the compared budget", **_JSON)
async def leaderboard(name: StudyName, state: State) -> Response:
    """The report's leaderboard.

    Per model, the mean score with its 95% interval and the average rank across datasets.
    ``fresh`` is false while a newer one is computed.
    """
    stamp = state.reader.known_stamp(name)
    if stamp is None:  # only the stamp is old: asking for it is one small query
        _, stamp = await _store_work(state, state.reader.current_stamp, name)
    body = state.pages.peek(("leaderboard", name, stamp))
    if body is not None:
        return json_response(body)
    # The analysis may have to be computed (seconds): always off the event loop.
    return await run_in_threadpool(_leaderboard, state, name)


def _leaderboard(state: ServerState, name: str) -> Response:
    _, stamp = state.reader.current_stamp(name)
    try:
        cached = state.data.leaderboard(name)
    except SpecError as exc:  # no complete cell yet: an empty board, with the reason
        return json_response({"study": name, "rows": [], "note": str(exc), "fresh": True})
    body = json_bytes({**cached.value, **_stamped(cached)})
    if cached.fresh:  # computed at this stamp or a later one: never older than its key
        state.pages.put(("leaderboard", name, stamp), body)
    return json_response(body)


@router.get("/studies/{name}/analysis", summary="The statistical analysis as JSON")
def analysis(name: StudyName, state: State) -> dict[str, Any]:
    """``statistical_analysis.json`` as ``bakeoff analyze`` writes it, plus ``fresh``.

    Tests, effect sizes, ranks, critical difference, learning-curve fits, findings;
    ``fresh`` is false while a newer analysis is being computed.
    """
    cached = state.data.analysis(name)
    return {**cached.value.to_dict(), **_stamped(cached)}


@router.get("/studies/{name}/optimization", summary="The account of every search")
def optimization_account(name: StudyName, state: State) -> dict[str, Any]:
    """What ``bakeoff optimization`` computes.

    Per searched cell its history, the trials to reach the best, and advice.
    """
    cached = state.data.optimization(name)
    return {**cached.value, **_stamped(cached)}


_MEDIA = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}


@router.get(
    "/studies/{name}/downloads/{file}",
    summary="Results or trials as CSV or Parquet",
    response_class=Response,
    responses={200: {"content": {_MEDIA["csv"]: {}, _MEDIA["parquet"]: {}}}},
)
def download(name: StudyName, file: Download, state: State) -> Response:
    """The tables ``bakeoff results`` and ``bakeoff trials`` write, as files."""
    from bakeoff import _results
    from bakeoff._table_files import exportable

    table, fmt = file.value.split(".")
    state.reader.study_id(name)  # a 404 naming the closest study, before any work
    reader = _results.results if table == "results" else _results.trials
    frame = exportable(reader(name, storage=state.settings.storage))
    buffer = io.BytesIO()
    if fmt == "csv":
        buffer.write(frame.to_csv(index=False).encode("utf-8"))
    else:
        frame.to_parquet(buffer, index=False)
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:80] or "study"
    return Response(
        buffer.getvalue(),
        media_type=_MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{safe}-{file.value}"'},
    )


@router.get("/runs", summary="The runs this server started")
def list_runs(state: State) -> dict[str, Any]:
    """Each submitted study's run: state, exit status and its last lines of output."""
    return {"runs": [run.describe() for run in state.runs.all()]}
