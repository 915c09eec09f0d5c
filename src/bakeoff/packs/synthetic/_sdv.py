"""SDV's single-table synthesizers behind the :class:`bakeoff.models.Generator` contract.

SDV (Business Source License 1.1: free for development and research, not for
production use without DataCebo's permission; see docs/packs/synthetic.md) is imported
here only, when the first generator is built.
"""

from __future__ import annotations

import contextlib
import importlib
import random
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd

from bakeoff.exceptions import MissingExtraError

__all__ = ["SDVGenerator", "sdv_metadata"]

#: bakeoff's feature kinds as SDV's sdtypes.
SDTYPES = {
    "numeric": "numerical",
    "categorical": "categorical",
    "boolean": "boolean",
    "datetime": "datetime",
}
_TABLE = "table"
# Parameters the search space gives as text ("256,256"): SDV takes tuples of widths.
_WIDTHS = ("generator_dim", "discriminator_dim", "compress_dims", "decompress_dims")
# Column names SDV's libraries cannot take: ctgan's transformer calls
# ``DataFrame.assign(**{column: values})``, whose own first parameter is ``self``
# (Wooldridge's loanapp has a column "self": "self-employed").
_UNSAFE_NAMES = frozenset({"self"})


def _sdv_module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise MissingExtraError(
            f"the SDV generators need the Python package 'sdv', which is not installed. "
            f'Install it with: pip install "bakeoff[synthetic]" ({exc})'
        ) from exc


def sdv_metadata(
    table: pd.DataFrame, kinds: Mapping[str, str], overrides: Mapping[str, str] | None = None
) -> Any:
    """SDV metadata for a table whose columns have these feature kinds.

    A ``boolean`` column is SDV's boolean only when it holds true/false values; two
    labels (``female``/``male``) are categorical to SDV.

    Args:
        table: The table (its dtypes settle what the kinds leave open).
        kinds: Column to bakeoff feature kind (``numeric``, ``categorical``, ``boolean``,
            ``datetime``).
        overrides: Column to SDV sdtype, replacing what the kind gives (a study's
            ``sdtypes`` parameter, e.g. ``{zip: categorical}``).

    Raises:
        ValueError: An override names a column the table does not have.
    """
    unknown = sorted(set(overrides or {}) - set(kinds))
    if unknown:
        raise ValueError(
            f"sdtypes names columns the table does not have: {unknown} (its columns: "
            f"{', '.join(kinds)})"
        )
    columns = {c: {"sdtype": SDTYPES.get(k, "categorical")} for c, k in kinds.items()}
    for column, kind in kinds.items():
        if kind == "boolean" and not pd.api.types.is_bool_dtype(table[column]):
            columns[column] = {"sdtype": "categorical"}
    for column, sdtype in (overrides or {}).items():
        columns[column] = {"sdtype": sdtype}
    metadata = _sdv_module("sdv.metadata")
    return metadata.Metadata.load_from_dict({"tables": {_TABLE: {"columns": columns}}})


def _settings(params: Mapping[str, Any]) -> dict[str, Any]:
    settings = {k: v for k, v in params.items() if k != "sdtypes"}
    for name in _WIDTHS:
        if isinstance(settings.get(name), str):
            settings[name] = tuple(int(w) for w in str(settings[name]).split(","))
    return settings


class SDVGenerator:
    """One SDV single-table synthesizer, seeded, with bakeoff's column kinds.

    Args:
        synthesizer: The class name in ``sdv.single_table`` (``CTGANSynthesizer`` ...).
        params: Its keyword arguments (widths as ``"256,256"`` are turned into tuples),
            plus ``sdtypes``, overrides of the metadata built from the feature kinds.
        random_state: Seeds the fit (PyTorch, NumPy) and the sampling.
    """

    def __init__(self, synthesizer: str, params: Mapping[str, Any], *, random_state: int) -> None:
        self.synthesizer = synthesizer
        self.params = dict(params)
        self.random_state = random_state

    def fit(
        self,
        table: pd.DataFrame,
        kinds: Mapping[str, str],
        *,
        on_epoch: Callable[[int, int], None] | None = None,
    ) -> SDVGenerator:
        """Fit the synthesizer on ``table``.

        ``on_epoch(done, total)`` is called after each epoch of the networks (CTGAN, TVAE,
        CopulaGAN).
        """
        single_table = _sdv_module("sdv.single_table")
        self.columns_ = list(table.columns)
        self.names_ = _safe_names(self.columns_)
        overrides = self.params.get("sdtypes")
        metadata = sdv_metadata(
            table.rename(columns=self.names_),
            {self.names_.get(c, c): k for c, k in kinds.items()},
            {self.names_.get(c, c): t for c, t in overrides.items()} if overrides else None,
        )
        model = getattr(single_table, self.synthesizer)(metadata, **_settings(self.params))
        _seed_everything(self.random_state)
        with _epochs_reported(on_epoch):
            model.fit({_TABLE: table.rename(columns=self.names_)})
        self.model_ = model
        return self

    def sample(self, n_rows: int) -> pd.DataFrame:
        """``n_rows`` synthetic rows, the same for the same seed and fit."""
        self.model_._set_random_state(self.random_state)
        sampled = self.model_.sample(n_rows)
        frame = sampled[_TABLE] if isinstance(sampled, dict) else sampled
        frame = frame.rename(columns={safe: name for name, safe in self.names_.items()})
        return frame[self.columns_].reset_index(drop=True)


def _safe_names(columns: list[Any]) -> dict[Any, str]:
    """A name SDV can take for each column that has one it cannot (see _UNSAFE_NAMES)."""
    taken = {str(c) for c in columns}
    names: dict[Any, str] = {}
    for column in columns:
        if column in _UNSAFE_NAMES:
            safe = f"{column}_"
            while safe in taken:
                safe += "_"
            taken.add(safe)
            names[column] = safe
    return names


def _seed_everything(seed: int) -> None:
    # SDV and ctgan draw from PyTorch's and NumPy's global generators while they fit;
    # a cell runs in its own process, so seeding them here makes the fit reproducible.
    import torch

    # One thread, always: a trial run in a forked child (trial limits, parallel trials)
    # hangs in its first layer when the parent's PyTorch already started a pool of
    # OpenMP threads, which the child does not inherit. Cells run side by side instead.
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    np.random.seed(seed % 2**32)
    random.seed(seed)


@contextlib.contextmanager
def _epochs_reported(on_epoch: Callable[[int, int], None] | None) -> Iterator[None]:
    """Report each epoch of ctgan's training loops to ``on_epoch``.

    ctgan (CTGAN, TVAE, and so CopulaGAN) offers no callback: its loops iterate over
    ``tqdm(range(epochs))``, looked up in its modules. While the fit runs, that name
    is an iterator that calls ``on_epoch`` as each epoch ends.
    """
    if on_epoch is None:
        yield
        return
    modules = []
    for name in ("ctgan.synthesizers.ctgan", "ctgan.synthesizers.tvae"):
        with contextlib.suppress(ImportError):
            modules.append(importlib.import_module(name))
    saved = [getattr(m, "tqdm", None) for m in modules]

    def reporting(iterable: Any, *args: Any, **kwargs: Any) -> _EpochLoop:
        return _EpochLoop(iterable, on_epoch)

    try:
        for module in modules:
            module.tqdm = reporting  # type: ignore[attr-defined]
        yield
    finally:
        for module, original in zip(modules, saved, strict=True):
            module.tqdm = original  # type: ignore[attr-defined]


class _EpochLoop:
    """Iterates over the epochs like tqdm, calling ``on_epoch`` after each one."""

    def __init__(self, epochs: Any, on_epoch: Callable[[int, int], None]) -> None:
        self.epochs = list(epochs)
        self.on_epoch = on_epoch

    def __iter__(self) -> Iterator[Any]:
        total = len(self.epochs)
        for done, epoch in enumerate(self.epochs, start=1):
            yield epoch
            self.on_epoch(done, total)

    def set_description(self, *args: Any, **kwargs: Any) -> None:
        """Accept what tqdm's method is given (the losses, which ctgan also keeps)."""
