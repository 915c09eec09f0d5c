"""``/api/v1`` write routes: submit a study, cancel a running one (bearer token)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from bakeoff.exceptions import SpecError
from bakeoff.server._auth import require_writer
from bakeoff.server._errors import ERROR_RESPONSES, ServerError
from bakeoff.server._runs import interrupt_runners
from bakeoff.server._state import ServerState, server_state

__all__ = ["router"]

router = APIRouter(
    prefix="/api/v1",
    tags=["write"],
    dependencies=[Depends(require_writer)],
    responses=ERROR_RESPONSES,
)

State = Annotated[ServerState, Depends(server_state)]

_AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing or wrong bearer token"},
    403: {"description": "The server is read-only (started without a token)"},
}


class Submission(BaseModel):
    """A study to run: its spec as a JSON object, or the text of a study file."""

    model_config = ConfigDict(extra="forbid")

    spec: dict[str, Any] | None = Field(
        None, description="The study's fields, as in study.yaml (give this or `yaml`)."
    )
    yaml: str | None = Field(
        None, max_length=2**20, description="The text of a study file (give this or `spec`)."
    )
    n_jobs: int = Field(1, ge=1, le=256, description="Worker processes (as --n-jobs).")
    retry_failed: bool = Field(False, description="Run failed cells again (--retry-failed).")


def _spec_of(submission: Submission) -> dict[str, Any]:
    from bakeoff.spec._yaml import load_study_yaml

    if (submission.spec is None) == (submission.yaml is None):
        raise SpecError("give the study as exactly one of `spec` (an object) or `yaml` (text)")
    if submission.spec is not None:
        return submission.spec
    source = "the submitted spec"
    data = load_study_yaml((submission.yaml or "").encode("utf-8"), source)
    if data is None:
        raise SpecError(f"{source} is empty; a study needs at least `study`, `datasets`, `models`.")
    if not isinstance(data, dict):
        raise SpecError(f"{source} must hold a mapping of keys (study, datasets, ...), not a list.")
    return data


@router.post(
    "/studies",
    status_code=202,
    summary="Submit a study to run",
    responses={**_AUTH_RESPONSES, 409: {"description": "Already running here"}},
)
def submit(submission: Submission, state: State) -> dict[str, Any]:
    """Check the study as ``bakeoff run`` does, then run it in the background.

    The check is exactly that of ``bakeoff run``: an invalid study gets the CLI's message
    with 422, and nothing is written. The run is ``bakeoff run`` on this server's store.
    Submitting a stored study again resumes it.
    """
    run = state.runs.submit(
        _spec_of(submission), n_jobs=submission.n_jobs, retry_failed=submission.retry_failed
    )
    return {"study": run.study, "n_cells": run.n_cells, "run": run.describe()}


@router.post(
    "/studies/{name}/cancel",
    status_code=202,
    summary="Cancel a running study",
    responses={**_AUTH_RESPONSES, 409: {"description": "Not running, or only on other hosts"}},
)
def cancel(
    name: Annotated[str, Path(min_length=1, max_length=200)], state: State
) -> dict[str, Any]:
    """Interrupt the study's run as Ctrl-C would.

    Running cells end as interrupted, finished trials are kept, and running the study again
    resumes them.

    A run this server started is interrupted with its whole process group; a run
    started elsewhere on this machine (``bakeoff run`` in a terminal, ``Study.run`` in
    a notebook) through the runner that holds its cells' leases. Runners on other
    hosts are named in a 409: stop them where they run.
    """
    try:
        run = state.runs.cancel(name)
        return {"study": name, "run": run.describe(), "signalled": [run.pid]}
    except ServerError as exc:
        if exc.kind != "NotRunningHere":
            raise
    owners = state.reader.live_runners(state.reader.study_id(name))
    signalled, elsewhere = interrupt_runners(owners)
    if signalled:
        return {"study": name, "run": None, "signalled": signalled, "elsewhere": elsewhere}
    if elsewhere:
        raise ServerError(
            409,
            "RunningElsewhere",
            f"study '{name}' runs where this server cannot interrupt it: on other "
            f"machines, as another user, or ignoring Ctrl-C's signal "
            f"({', '.join(sorted(elsewhere))}); stop it where it runs (Ctrl-C, or kill "
            f"-TERM PID: its running cells are then taken over once their lease ends), "
            f"and run the same command again to resume",
        )
    raise ServerError(
        409, "NotRunning", f"study '{name}' has no running cell: there is nothing to cancel"
    )
