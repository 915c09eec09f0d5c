"""The Ray executor: each cell a Ray task, on a private runtime or a cluster.

The driver (this process) does what the local executor's parent does: it claims cells
in the store (:class:`~bakeoff.executors._claims.ClaimLoop`, leases renewed by a
thread), hands each to Ray as a task asking for ``num_cpus_per_cell`` CPUs and
``num_gpus_per_cell`` GPUs, relays the tasks' progress events to ``on_event``, and
accounts for tasks that die. Ray schedules; every node writes to the one store.

Faults: a Ray worker that dies mid-cell (killed, out of memory, its node lost) is
retried by Ray (``max_retries``); the retry finds the cell still claimed by this run and
resumes it from its stored trials, as the next ``bakeoff run`` would. When the retries
are spent, the trial that was running is stored as failed (as the local executor does
for a worker that crashes) and the cell is claimed again past it.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import pickle
import socket
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from bakeoff._optional import import_optional
from bakeoff.datasets import Dataset
from bakeoff.exceptions import BakeoffError, LeaseLostError, SpecError, StoreError
from bakeoff.executors._base import Executor
from bakeoff.executors._claims import ClaimLoop
from bakeoff.executors._workers import _store_crashed_trial
from bakeoff.protocol import CellOutcome, CellTask, Event
from bakeoff.store import CellStatus, Store
from bakeoff.store._urls import absolute_sqlite_url

__all__ = ["RayExecutor"]

#: How long the driver waits for a task before relaying events again. Each relay is a
#: call to the event actor, whose process shares the cores with the cells; a task's end
#: wakes the driver at once whatever this is.
_RELAY_SECONDS = 0.5


@dataclass
class _Running:
    task: CellTask
    trial: Event | None = None


class RayExecutor(Executor):
    """Run cells as Ray tasks (``execution.backend: ray``).

    Args:
        address: ``None`` or ``"local"``: a private Ray runtime on this machine, started
            for the run and shut down after it (or the runtime this process already
            started with ``ray.init``). ``"auto"``: the cluster this machine belongs to.
            ``"ray://host:port"`` (Ray Client) or ``"host:port"``: that cluster.
        n_jobs: Cells at once on a private runtime (it gets ``n_jobs ×
            num_cpus_per_cell`` CPUs). On a cluster, as many cells run as its resources
            allow.
        num_cpus_per_cell: CPUs Ray reserves for each cell.
        num_gpus_per_cell: GPUs Ray reserves for each cell (fractions share a GPU).
        max_retries: Times Ray runs a cell again when its worker process dies.

    Examples:
        >>> from bakeoff.executors import RayExecutor
        >>> executor = RayExecutor(n_jobs=2)  # study.run(executor=executor)
    """

    def __init__(
        self,
        *,
        address: str | None = None,
        n_jobs: int = 1,
        num_cpus_per_cell: float = 1.0,
        num_gpus_per_cell: float = 0.0,
        max_retries: int = 3,
    ) -> None:
        self.address = address
        self.n_jobs = n_jobs
        self.num_cpus_per_cell = num_cpus_per_cell
        self.num_gpus_per_cell = num_gpus_per_cell
        self.max_retries = max_retries
        self._started = False
        self._ray: ModuleType | None = None

    # -- connecting ------------------------------------------------------------------

    def prepare(self, storage: str) -> None:
        """Start or join Ray.

        Refuse a store the cluster's nodes cannot reach, and cells that ask for more than
        any node of it has.
        """
        _check_client_host(storage, self.address)
        ray = self._connect()
        nodes = [n for n in ray.nodes() if n.get("Alive")]
        _check_reachable(storage, nodes, ray.util.get_node_ip_address(), self.address)
        self._slots(ray)

    def close(self) -> None:
        """Shut down the private runtime, if this executor started it."""
        if self._started and self._ray is not None:
            self._ray.shutdown()
        self._started = False

    def _connect(self) -> ModuleType:
        if self._ray is not None and self._ray.is_initialized():
            return self._ray
        ray = import_optional("ray", extra="ray", purpose="execution.backend: ray")
        self._ray = ray
        if ray.is_initialized():
            return ray  # the caller's own runtime: theirs to shut down
        options: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": False,  # the progress display owns the terminal
            "logging_level": "warning",
        }
        private = self.address in (None, "local")
        path = None
        if private:
            # "local", not None: without an address ray.init joins RAY_ADDRESS or a
            # cluster `ray start` left on this machine, and the runtime is not private.
            options["address"] = "local"
            options["num_cpus"] = max(1, math.ceil(self.n_jobs * self.num_cpus_per_cell))
            # Workers on this machine import what this process can, as the local
            # executor's spawned workers do (the study's imports may live beside it).
            path = os.pathsep.join(p for p in sys.path if p and os.path.isdir(p))
        elif self.address is not None:
            options["address"] = self.address
            _check_answers(self.address)
        try:
            with _private_runtime_quiet(private), _inherited_pythonpath(path):
                ray.init(**options)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            # Ray Client sends the cluster's token only when told to: without it, a
            # cluster with token authentication (Ray's default) looks like a timeout.
            token = (
                " A cluster with token authentication also needs RAY_AUTH_MODE=token and "
                "its token (ray get-auth-token) on this machine."
                if str(self.address).startswith("ray://")
                else ""
            )
            raise SpecError(
                f"execution.address '{self.address}': no Ray cluster could be joined "
                f"({type(exc).__name__}: {exc}). Start one (ray start --head), check the "
                f"address, or use address: local for a private runtime on this machine."
                f"{token}"
            ) from None
        self._started = True
        return ray

    def _slots(self, ray: ModuleType) -> int:
        """How many cells the cluster can run at once with the resources each asks for."""
        resources = ray.cluster_resources()
        wanted = {"CPU": self.num_cpus_per_cell, "GPU": self.num_gpus_per_cell}
        slots = []
        for name, each in wanted.items():
            if each <= 0:
                continue
            have = float(resources.get(name, 0.0))
            if have < each:
                field = f"num_{name.lower()}s_per_cell"
                raise SpecError(
                    f"execution.{field} is {each:g}, but the Ray cluster has {have:g} "
                    f"{name}s: no cell could start. Lower {field}, or add nodes that "
                    f"have {name}s"
                )
            slots.append(int(have // each))
        return max(1, min(slots)) if slots else 1

    # -- running ---------------------------------------------------------------------

    def run(
        self,
        tasks: Sequence[CellTask],
        *,
        datasets: dict[str, Dataset],
        storage: str,
        imports: Sequence[str],
        on_event: Callable[[Event], None],
    ) -> tuple[list[CellOutcome], bool]:
        if not tasks:
            return [], False
        ray = self._connect()
        from bakeoff._ray_events import EventSink
        from bakeoff.executors._ray_cell import run_cell_task

        # Once per study, not once per task: every task gets a reference.
        needed = {t.dataset for t in tasks}
        refs = {name: ray.put(datasets[name]) for name in sorted(needed)}
        sink = EventSink.remote()  # type: ignore[attr-defined]
        # A task runs in its worker's folder, which on a cluster started elsewhere is
        # not this one: a relative SQLite path would name another (empty) file there.
        task_storage = absolute_sqlite_url(storage)

        def submit(task: CellTask) -> Any:
            payload = pickle.dumps(task)
            # A Ray Tune cell only drives its search: its trials, Ray actors of their
            # own, take the CPUs (holding one here could leave none for them).
            remote = run_cell_task.options(
                num_cpus=0 if task.method == "ray_tune" else self.num_cpus_per_cell,
                num_gpus=self.num_gpus_per_cell,
                max_retries=self.max_retries,
            )
            return remote.remote(payload, refs[task.dataset], task_storage, list(imports), sink)

        store = Store(storage, migrate_schema=False)
        try:
            with ClaimLoop(storage, tasks, tasks[0].owner, tasks[0].lease_seconds) as claims:
                return _Driver(ray, claims, store, sink, submit, on_event).loop(self._slots(ray))
        finally:
            store.close()
            ray.kill(sink)


class _Driver:
    """One run's loop: claim, submit, relay events, account for ends."""

    def __init__(
        self,
        ray: ModuleType,
        claims: ClaimLoop,
        store: Store,
        sink: Any,
        submit: Callable[[CellTask], Any],
        on_event: Callable[[Event], None],
    ) -> None:
        self.ray = ray
        self.claims = claims
        self.store = store
        self.sink = sink
        self.submit = submit
        self.on_event = on_event
        self.running: dict[Any, _Running] = {}
        self.by_key: dict[str, _Running] = {}
        # After a claim found nothing, when to look again (sooner if a cell ends): the
        # loop turns every _RELAY_SECONDS to relay events, claims need not.
        self._next_claim = 0.0

    def loop(self, slots: int) -> tuple[list[CellOutcome], bool]:
        outcomes: list[CellOutcome] = []
        interrupted = False
        waiting = False
        cancels = 0
        while True:
            try:
                if not interrupted:
                    self._fill(slots)
                if not self.running:
                    if interrupted or not self.claims.remaining():
                        break
                    if not waiting:
                        owners = sorted(set(self.claims.held_elsewhere()))
                        self.on_event({"event": "waiting", "key": "", "owners": owners})
                        waiting = True
                    time.sleep(self.claims.poll_seconds)
                    continue
                waiting = False
                done, _ = self.ray.wait(
                    list(self.running), num_returns=1, timeout=_RELAY_SECONDS, fetch_local=False
                )
                self._relay()
                for ref in done:
                    self._next_claim = 0.0  # a slot is free: claim at once
                    outcome = self._finish(ref, interrupted)
                    if outcome is not None:
                        outcomes.append(outcome)
                        interrupted |= outcome.status == CellStatus.INTERRUPTED
            except KeyboardInterrupt:
                # Ray's workers are not in the terminal's process group: pass the Ctrl-C
                # on. The first asks each cell to record its trial as interrupted; a
                # second stops the workers at once.
                interrupted = True
                cancels += 1
                for ref in self.running:
                    self.ray.cancel(ref, force=cancels > 1)
        return outcomes, interrupted

    def _fill(self, slots: int) -> None:
        # No more tasks than the cluster runs at once. One more, queued in Ray to bridge
        # the claim-and-submit between cells, made Ray start a worker process for it and
        # kill it as idle, again and again (24 cells on 2 CPUs: 6 worker processes
        # instead of 2, each importing bakeoff and scikit-learn; 76 s instead of 55 s).
        if time.monotonic() < self._next_claim:
            return
        while len(self.running) < slots:
            task = self.claims.claim()
            if task is None:
                self._next_claim = time.monotonic() + self.claims.poll_seconds
                return
            entry = _Running(task)
            self.running[self.submit(task)] = entry
            self.by_key[task.cell_key] = entry

    def _relay(self) -> None:
        for event in self.ray.get(self.sink.drain.remote()):
            entry = self.by_key.get(str(event.get("key", "")))
            if event["event"] == "trial_started":
                if entry is not None:
                    entry.trial = event
                continue
            if event["event"] == "trial" and entry is not None:
                entry.trial = None
            self.on_event(event)

    def _finish(self, ref: Any, interrupted: bool) -> CellOutcome | None:
        """The ended task's outcome; None when its cell goes back to be claimed again."""
        entry = self.running.pop(ref)
        self.by_key.pop(entry.task.cell_key, None)
        task = entry.task
        exceptions = self.ray.exceptions
        try:
            outcome: CellOutcome = self.ray.get(ref)
        except exceptions.TaskCancelledError:
            self.store.mark_interrupted(task.cell_id, task.owner)
            status = self.store.cell_statuses([task.cell_id]).get(task.cell_id)
            if status == CellStatus.COMPLETE:  # it finished as the cancel arrived
                outcome = CellOutcome(task.cell_key, task.label, CellStatus.COMPLETE)
            else:
                outcome = CellOutcome(
                    task.cell_key, task.label, CellStatus.INTERRUPTED, error="interrupted"
                )
        except exceptions.RayTaskError as exc:
            # Not the model (run_cell stores a model's failures): the task itself, e.g.
            # a study import missing on the worker's node. The cause, without Ray's frame.
            cause = getattr(exc, "cause", None) or exc
            outcome = self._fail(
                task, f"the Ray task running it raised {type(cause).__name__}: {cause}"
            )
        except exceptions.RayError as exc:
            # The worker died more often than Ray retries (or its node was lost).
            reason = f"the Ray worker running it died ({type(exc).__name__})"
            if interrupted:
                self.store.mark_interrupted(task.cell_id, task.owner)
                self.claims.done(task, CellStatus.INTERRUPTED)
                return CellOutcome(task.cell_key, task.label, CellStatus.INTERRUPTED, reason)
            if entry.trial is None:
                return self._fail(task, f"{reason} outside any trial")
            try:
                _store_crashed_trial(self.store, task, entry.trial, None, reason)
            except LeaseLostError:
                pass  # another runner holds the cell now
            except StoreError:
                # That trial is stored already: it ended, and its end was still in the
                # worker's outbox (a trial's end travels with the next event) when the
                # worker died after it, outside any trial (in the refit, say).
                return self._fail(task, f"{reason} outside any trial")
            else:
                # Outside the try above: a store failing here is not a stored trial.
                with contextlib.suppress(LeaseLostError):
                    self.store.mark_interrupted(task.cell_id, task.owner, error=reason)
            self.claims.done(task, "crashed")
            return None
        self.claims.done(task, outcome.status, cpu_seconds=outcome.cpu_seconds)
        return outcome

    def _fail(self, task: CellTask, error: str) -> CellOutcome:
        with contextlib.suppress(BakeoffError):  # another runner holds the cell now
            self.store.end_cell(task.cell_id, CellStatus.FAILED, task.owner, error=error)
        self.claims.done(task, CellStatus.FAILED)
        self.on_event(
            {"event": "cell_finished", "key": task.cell_key, "status": "failed", "error": error}
        )
        return CellOutcome(task.cell_key, task.label, CellStatus.FAILED, error=error)


def _check_reachable(
    storage: str, nodes: list[dict[str, Any]], here: str, address: str | None
) -> None:
    """Refuse an SQLite store when the cluster has nodes on other machines.

    They cannot open a file on this one (and SQLite's locks do not work over network file
    systems).
    """
    from sqlalchemy.engine import make_url

    try:
        backend = make_url(storage).get_backend_name()
    except Exception:
        return  # the store reports a malformed URL itself
    if backend != "sqlite":
        return
    local = {here, "127.0.0.1", "localhost", socket.gethostname()}
    elsewhere = sorted({str(n.get("NodeManagerAddress")) for n in nodes} - local)
    if elsewhere:
        raise StoreError(
            f"storage '{storage}' is an SQLite file on this machine, but the Ray cluster at "
            f"execution.address '{address}' has nodes on other machines "
            f"({', '.join(elsewhere[:3])}), which cannot reach it. Use a PostgreSQL store "
            "every node can reach (storage: postgresql+psycopg://user@host/db, pip install "
            '"bakeoff[postgres]"), or address: local'
        )


def _is_this_machine(host: str) -> bool:
    """Whether ``host`` names this machine.

    Loopback, its host name, or one of its addresses.
    """
    import ipaddress

    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(host).is_loopback:
            return True
    names = {"localhost", socket.gethostname(), socket.getfqdn()}
    if host in names:
        return True
    own: set[str] = set()
    for name in names:
        with contextlib.suppress(OSError):
            own |= {str(info[4][0]) for info in socket.getaddrinfo(name, None)}
    return host in own


def _check_client_host(storage: str, address: str | None) -> None:
    """Refuse an SQLite store with a Ray Client address of another machine.

    Checked before connecting: through Ray Client the cells (and the tasks' writes) run
    on the cluster, which cannot open a file on this machine. (A Ray Client address of
    this machine is checked like any cluster, node by node, once connected.)
    """
    if address is None or not address.startswith("ray://"):
        return
    from sqlalchemy.engine import make_url

    try:
        backend = make_url(storage).get_backend_name()
    except Exception:
        return  # the store reports a malformed URL itself
    host = address.removeprefix("ray://").rsplit(":", 1)[0].strip("[]")
    if backend == "sqlite" and not _is_this_machine(host):
        raise StoreError(
            f"storage '{storage}' is an SQLite file on this machine, but execution.address "
            f"'{address}' is a Ray Client address of another machine ({host}): the cells "
            "run on that cluster, which cannot reach the file. Use a PostgreSQL store "
            "every node can reach (storage: postgresql+psycopg://user@host/db, pip install "
            '"bakeoff[postgres]"), or address: local'
        )


def _check_answers(address: str, seconds: float = 10.0) -> None:
    """Refuse a ``host:port`` (or ``ray://host:port``) where nothing accepts a connection.

    ``ray.init`` retries an address no cluster answers at for many minutes; a closed
    port or an unknown host is known in at most ``seconds``.

    Raises:
        SpecError: If nothing answers at the address.
    """
    if address == "auto":
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return  # not host:port: ray.init says what is wrong with it
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=seconds):
            pass
    except OSError as exc:
        raise SpecError(
            f"execution.address '{address}': nothing answers at {host}:{port} "
            f"({exc.strerror or type(exc).__name__}). Start the cluster there (ray start "
            f"--head), check the address and port, or use address: local for a private "
            f"runtime on this machine."
        ) from None


@contextlib.contextmanager
def _inherited_pythonpath(path: str | None) -> Iterator[None]:
    """``PYTHONPATH`` set to ``path`` while a private runtime starts, then restored.

    The runtime's processes inherit this process's environment, so its workers get the
    path without a ``runtime_env``: a task with one cannot use the workers Ray starts
    ahead, and waits for workers started for it (about a second more for the first
    cells here, measured beside this).
    """
    if path is None:
        yield
        return
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = path
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = before


@contextlib.contextmanager
def _private_runtime_quiet(private: bool) -> Iterator[None]:
    """Hide Ray's start-up notes for a private runtime.

    The notes give its token for a cluster of one machine; a cluster's are kept, they may
    matter there.
    """
    if not private:
        yield
        return
    noisy = logging.getLogger("ray._private.authentication")
    level = noisy.level
    noisy.setLevel(logging.ERROR)
    try:
        yield
    finally:
        noisy.setLevel(level)
