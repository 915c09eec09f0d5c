"""Command-line options that override a study file's tuning, applied before validation.

An override is written into the study's fields before they are checked, so a bad value
gets the same one-line message as in the file (naming the option), the cells' keys
change as for any edit of the file, and the stored spec records what ran.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from bakeoff.exceptions import SpecError

__all__ = ["TuningFlags"]


@dataclass(frozen=True)
class TuningFlags:
    """The tuning options of ``bakeoff run``; ``None`` leaves the file's value."""

    tune: bool | None = None
    method: str | None = None
    n_trials: int | None = None
    timeout: float | None = None

    def args(self) -> list[str]:
        """The options as typed, to repeat them in a command the user can paste."""
        out: list[str] = []
        if self.tune is not None:
            out.append("--tune-hyperparameters" if self.tune else "--no-tune-hyperparameters")
        for flag, value in (
            ("--tuning-method", self.method),
            ("--tuning-trials", self.n_trials),
            ("--tuning-timeout", self.timeout),
        ):
            if value is not None:
                out += [flag, str(value)]
        return out

    def apply(self, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """The study's fields with the options applied, and which option set which field.

        ``--no-tune-hyperparameters`` runs every model once with its defaults (``method:
        none``, and no ``params_from``); ``--tune-hyperparameters`` searches even where
        the file says ``method: none`` (with TPE unless ``--tuning-method`` names
        another).

        Raises:
            SpecError: If the options contradict each other.
        """
        if self.tune is False and self.method not in (None, "none"):
            raise SpecError(
                f"--no-tune-hyperparameters runs each model with its defaults, but "
                f"--tuning-method is '{self.method}'. Give one of them"
            )
        if self.tune is True and self.method == "none":
            raise SpecError(
                "--tune-hyperparameters asks for a search, but --tuning-method is 'none' "
                "(no search). Give one of them"
            )
        data = copy.deepcopy(data)
        tuning = data.get("tuning")
        if tuning is None:
            tuning = data["tuning"] = {}
        if not isinstance(tuning, dict):
            return data, {}  # validation reports the file's own mistake
        flags: dict[str, str] = {}
        if self.tune is False:
            tuning["method"] = "none"
            tuning.pop("params_from", None)
            flags["tuning.method"] = "--no-tune-hyperparameters"
        implied = "none" if tuning.get("params_from") else "tpe"
        if self.tune is True and (self.method or tuning.get("method") or implied) == "none":
            tuning["method"] = "tpe"
            tuning.pop("params_from", None)
            flags["tuning.method"] = "--tune-hyperparameters"
        for field, flag, value in (
            ("method", "--tuning-method", self.method),
            ("n_trials", "--tuning-trials", self.n_trials),
            ("timeout", "--tuning-timeout", self.timeout),
        ):
            if value is not None:
                tuning[field] = value
                flags[f"tuning.{field}"] = f"{flag} {value}"
        return data, flags
