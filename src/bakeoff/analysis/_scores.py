"""The input of every analysis: one score per model, dataset, budget and seed.

Scores come from a bakeoff store (the outer-test score of each complete cell) or from
any long table with columns ``dataset``, ``model``, ``score`` and optionally ``seed``,
``budget``, ``n_train``, ``n_test``, ``seconds``. Analysis never reads anything else.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from bakeoff._budgets import budget_label
from bakeoff.exceptions import SpecError

__all__ = ["Scores"]

_REQUIRED = ("dataset", "model", "score")
_OPTIONAL_DEFAULTS = {"seed": 0, "budget": "full"}


@dataclass(frozen=True)
class Scores:
    """A long table of scores and how to read them.

    Attributes:
        frame: Columns dataset, model, budget (text), seed, score, and where known
            n_train, n_test (rows), seconds (tuning plus refit time).
        metric: The score's name, e.g. ``"accuracy"``.
        higher_is_better: Direction of the score.
        resampled: Whether scores of different seeds come from overlapping training
            sets (repeated random splits of one dataset), which calls for the
            Nadeau–Bengio corrected t-test.
        source: Where the scores came from, for the report.
        notes: What was left out and why (e.g. datasets scored by another metric).
    """

    frame: pd.DataFrame
    metric: str
    higher_is_better: bool
    resampled: bool
    source: str
    notes: tuple[str, ...] = ()

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        metric: str = "score",
        higher_is_better: bool = True,
        resampled: bool | None = None,
        source: str = "a table",
    ) -> Scores:
        """Validate a long table of scores.

        Args:
            frame: Columns ``dataset``, ``model``, ``score``; optionally ``seed``,
                ``budget``, ``n_train``, ``n_test``, ``seconds``.
            metric: Name of the score.
            higher_is_better: Direction of the score.
            resampled: Whether seeds share training rows; by default true exactly when
                ``n_train`` and ``n_test`` are given.
            source: Description for the report.

        Raises:
            SpecError: If a column is missing, a score is not a finite number, or a
                (dataset, model, budget, seed) repeats.
        """
        missing = [c for c in _REQUIRED if c not in frame.columns]
        if missing:
            raise SpecError(
                f"{source}: missing column(s) {missing}; a scores table needs columns "
                f"dataset, model, score (and optionally seed, budget). "
                f"Columns found: {list(frame.columns)}"
            )
        data = frame.copy()
        for column, default in _OPTIONAL_DEFAULTS.items():
            if column not in data.columns:
                data[column] = default
        data["dataset"] = data["dataset"].astype(str)
        data["model"] = data["model"].astype(str)
        data["budget"] = data["budget"].map(_budget_text)
        scores = pd.to_numeric(data["score"], errors="coerce")
        bad = data.loc[~np.isfinite(scores.to_numpy(dtype=float)), "score"]
        if len(bad):
            raise SpecError(
                f"{source}: column 'score' must hold finite numbers, but row "
                f"{bad.index[0]} holds {bad.iloc[0]!r}. Remove or fix such rows."
            )
        data["score"] = scores.astype(float)
        key = ["dataset", "model", "budget", "seed"]
        repeated = data.duplicated(key, keep=False)
        if repeated.any():
            first = data.loc[repeated, key].iloc[0].to_dict()
            raise SpecError(
                f"{source}: {int(repeated.sum())} rows repeat a (dataset, model, budget, "
                f"seed), e.g. {first}. Give each repetition its own seed."
            )
        if resampled is None:
            resampled = {"n_train", "n_test"} <= set(data.columns)
        columns = [*key, "score"] + [
            c for c in ("n_train", "n_test", "seconds", "model_name", "tuned") if c in data.columns
        ]
        data = data[columns].sort_values(key, kind="stable", ignore_index=True)
        return cls(data, metric, higher_is_better, bool(resampled), source)

    @classmethod
    def from_csv(cls, path: str | Path, *, higher_is_better: bool = True) -> Scores:
        """Read a long CSV (or Parquet) table of scores.

        Raises:
            SpecError: If the file is missing or unreadable, or its table is invalid.
        """
        path = Path(path)
        if not path.is_file():
            raise SpecError(f"scores file '{path}' does not exist. Check the path.")
        try:
            if path.suffix.lower() in (".parquet", ".pq"):
                frame = pd.read_parquet(path)
            else:
                frame = pd.read_csv(path)
        except Exception as exc:
            raise SpecError(f"cannot read scores file '{path}': {exc}") from None
        return cls.from_frame(frame, higher_is_better=higher_is_better, source=str(path))

    @classmethod
    def from_store(
        cls, study: str, *, storage: str | None = None, metric: str | None = None
    ) -> Scores:
        """The outer-test scores of the complete cells of a stored study.

        Args:
            study: The study's name.
            storage: The store's URL.
            metric: A metric of the study; its tuning objective by default.

        Raises:
            StudyNotFoundError: If the study is not in the store.
            SpecError: If the metric is not one of the study's, or no cell is complete.
        """
        from bakeoff import metrics
        from bakeoff._results import results

        table = results(study, storage=storage)
        done = table[table["status"] == "complete"] if not table.empty else table
        if done.empty:
            raise SpecError(
                f"study '{study}' has no complete cell yet; run it first "
                f"(bakeoff run), or wait for cells to finish."
            )
        available = [c.removeprefix("test_") for c in done.columns if c.startswith("test_")]
        objective = next(c.removeprefix("cv_") for c in done.columns if c.startswith("cv_"))
        name = metric or objective
        if name not in available:
            from bakeoff._registry import suggest

            raise SpecError(
                f"--metric '{name}' is not among study '{study}''s metrics {available}."
                f"{suggest(name, available)}"
            )
        unscored = sorted(set(done.loc[done[f"test_{name}"].isna(), "dataset"]))
        kinds = _model_kinds(study, storage)
        frame = long_scores(done, name)
        frame.insert(0, "tuned", done["cell_key"].map(lambda k: kinds[k][1]))
        frame.insert(0, "model_name", done["cell_key"].map(lambda k: kinds[k][0]))
        frame = frame.dropna(subset=["score"])
        direction = metrics.get(name).direction
        scores = cls.from_frame(
            frame,
            metric=name,
            higher_is_better=direction == "maximize",
            resampled=True,
            source=f"study '{study}'",
        )
        if unscored:
            others = [m for m in available if m != name]
            note = (
                f"datasets {unscored} have no '{name}' score (another task) and are left "
                f"out; analyse them with --metric, one of {others}"
            )
            scores = dataclasses.replace(scores, notes=(note,))
        return scores

    # -- views -----------------------------------------------------------------------

    def tuning_pairs(self) -> list[tuple[str, str]]:
        """(tuned label, untuned label) pairs of the same registered model."""
        if not {"model_name", "tuned"} <= set(self.frame.columns):
            return []
        kinds = self.frame.drop_duplicates("model")[["model", "model_name", "tuned"]]
        pairs = []
        for _, group in kinds.groupby("model_name"):
            tuned = sorted(group.loc[group["tuned"].astype(bool), "model"])
            default = sorted(group.loc[~group["tuned"].astype(bool), "model"])
            pairs += [(t, d) for t in tuned for d in default]
        return pairs

    @property
    def models(self) -> list[str]:
        return sorted(self.frame["model"].unique())

    @property
    def datasets(self) -> list[str]:
        return sorted(self.frame["dataset"].unique())

    def budgets(self) -> list[str]:
        """Budgets in increasing order of rows, ``full`` last."""
        values = self.frame["budget"].unique().tolist()
        return sorted(values, key=lambda b: (b == "full", int(b) if b.isdigit() else 0, b))

    def oriented(self) -> pd.Series:
        """Scores with the sign flipped when lower is better, so higher always wins."""
        sign = 1.0 if self.higher_is_better else -1.0
        return sign * self.frame["score"]

    def final_budget(self) -> str:
        """The budget compared across datasets: ``full`` if present, else the largest."""
        return self.budgets()[-1]


def _budget_text(value: object) -> str:
    # bakeoff's tables hold budgets as numbers (inf for full); a user's table may hold
    # any label.
    try:
        return budget_label(value)
    except (TypeError, ValueError):
        return str(value)


def _model_kinds(study: str, storage: str | None) -> dict[str, tuple[str, bool]]:
    """Cell key to (registered model name, whether the cell searched a space)."""
    import json

    from bakeoff.store import DEFAULT_STORAGE, Store

    with Store(storage or DEFAULT_STORAGE, must_exist=True) as store:
        cells = store.cells_frame(study)
    kinds = {}
    for key, text in zip(cells["cell_key"], cells["definition_json"], strict=True):
        model = json.loads(text)["model"]
        kinds[key] = (model["name"], bool(model["search_space"]))
    return kinds


def dataset_properties(study: str, storage: str | None = None) -> pd.DataFrame | None:
    """The stored properties of each dataset of ``study``, for ``analyze``.

    Meta-features, or rows and features for a store that has none, indexed by dataset.
    """
    import json

    from bakeoff.store import DEFAULT_STORAGE, Store

    with Store(storage or DEFAULT_STORAGE, must_exist=True) as store:
        frame = store.datasets_frame(study)
    if frame.empty:
        return None
    frame = frame.drop_duplicates("name", keep="last").set_index("name")
    meta = frame["meta_json"].map(lambda text: json.loads(text) if isinstance(text, str) else {})
    properties = pd.DataFrame(list(meta), index=frame.index)
    if properties.empty:
        properties = frame[["n_rows", "n_features"]]
    return properties.apply(pd.to_numeric, errors="coerce")


def long_scores(cells: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The long scores table, one row per cell.

    Its columns are dataset, model, budget, seed, score, n_train, n_test and seconds, as
    ``bakeoff results`` or the store gives them.
    """
    zero = pd.Series(0.0, index=cells.index)
    return pd.DataFrame(
        {
            "dataset": cells["dataset"],
            "model": cells["model"],
            "budget": cells["budget"],
            "seed": cells["seed"],
            "score": cells[f"test_{metric}"],
            "n_train": cells["n_train"],
            "n_test": cells["n_test"],
            "seconds": cells.get("tune_seconds", zero).fillna(0)
            + cells.get("refit_seconds", zero).fillna(0),
        }
    )
