"""Live progress of a run: cells done of the total with an ETA, and each running cell.

The CLI and :meth:`bakeoff.Study.run` show the same display; Rich draws it in place on a
terminal and in a notebook, and prints one line per finished cell elsewhere (CI, logs).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from bakeoff.protocol import Event
from bakeoff.store import CellStatus

__all__ = ["RunDisplay"]


class RunDisplay:
    """Cells done / total with an ETA, and the trial and best score of each running cell.

    On a terminal it redraws in place; elsewhere (CI, a log file) it prints one line per
    finished cell.
    """

    def __init__(self, console: Console, *, total: int, done: int, quiet: bool = False) -> None:
        self.console = console
        self.quiet = quiet
        self.live_mode = (console.is_terminal or console.is_jupyter) and not quiet
        self._lock = threading.Lock()
        self._running: dict[str, dict[str, Any]] = {}
        self._finished = done
        self._total = total
        self._progress = Progress(
            TextColumn("[bold]cells"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
        )
        self._bar = self._progress.add_task("cells", total=total, completed=done)
        self._live: Live | None = None
        self._started = time.perf_counter()

    def __enter__(self) -> RunDisplay:
        if self.live_mode:
            self._live = Live(self._render(), console=self.console, refresh_per_second=4)
            self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.update(self._render())
            self._live.__exit__(None, None, None)

    def on_event(self, event: Event) -> None:
        with self._lock:
            kind = event["event"]
            key = event["key"]
            if kind == "cell_started":
                self._running[key] = {
                    "label": event["label"],
                    "trial": event["n_replayed"],
                    "n_trials": event["n_trials"],
                    "best": None,
                }
            elif kind == "trial" and key in self._running:
                self._running[key].update(trial=event["number"] + 1, best=event["best"], epoch=None)
            elif kind == "epoch" and key in self._running:
                # A generator that trains in epochs (synthesis cells) shows how far it is.
                self._running[key]["epoch"] = f"epoch {event['done']}/{event['total']}"
            elif kind == "cell_finished":
                info = self._running.pop(key, {"label": key[:12]})
                # An interrupted cell is not done: the next run resumes it.
                if event["status"] != CellStatus.INTERRUPTED:
                    self._finished += 1
                    self._progress.update(self._bar, completed=self._finished)
                if not self.live_mode and not self.quiet:
                    self._print_line(info, event)
            if self._live is not None:
                self._live.update(self._render())

    def _print_line(self, info: dict[str, Any], event: Event) -> None:
        status = event["status"]
        if status == CellStatus.COMPLETE:
            scores = ", ".join(f"{k}={v:.4g}" for k, v in event.get("test_scores", {}).items())
            detail = f"test {scores}"
        elif status == CellStatus.INTERRUPTED:
            detail = f"after {info.get('trial', 0)} trials; the next run resumes it"
        else:
            last_lines = (event.get("error") or "").strip().splitlines()[-1:] or [""]
            detail = str(last_lines[0])[:160]
        self.console.print(
            f"[{self._finished}/{self._total}] {info.get('label')}: {status} {detail}",
            highlight=False,
            markup=False,
        )

    def _render(self) -> Group:
        table = Table(box=None, show_header=bool(self._running), pad_edge=False)
        table.add_column("running cell")
        table.add_column("trial", justify="right")
        table.add_column("best cv", justify="right")
        for info in self._running.values():
            best = info["best"]
            epoch = info.get("epoch")
            table.add_row(
                Text(info["label"]),
                f"{info['trial']}/{info['n_trials']}" + (f" ({epoch})" if epoch else ""),
                "" if best is None else f"{best:.4f}",
            )
        return Group(self._progress, table)
