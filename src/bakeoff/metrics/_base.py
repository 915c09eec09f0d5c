"""The Metric contract and its registry."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from bakeoff._registry import Registry

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["SYNTHESIS", "Metric", "SynthesisTables", "get", "list_metrics", "register_metric"]

#: The task kind whose metrics score tables (:class:`SynthesisTables`), not predictions.
SYNTHESIS = "synthesis"

Direction = Literal["maximize", "minimize"]
MetricFunction = Callable[..., float]

_REGISTRY: Registry[Metric] = Registry("metric", "bakeoff metrics list")


@dataclass(frozen=True)
class SynthesisTables:
    """What a synthesis metric scores: a sampled table beside the real ones.

    Every table holds the features and the target, with the same columns. During tuning
    ``real`` is the part of the budget's rows the generator was fitted on and
    ``holdout`` the validation rows carved from the budget; for the final scores
    ``real`` is all the budget's rows and ``holdout`` the outer test split, which the
    generator never sees.

    Attributes:
        real: The real rows the generator was fitted on.
        synthetic: The rows it sampled.
        holdout: Real rows it never saw (utility is tested on them; privacy compares
            their distances to ``real`` with the synthetic rows').
        target: The target column.
        target_task: ``"classification"`` or ``"regression"``: what the evaluators are.
        kinds: Each column's kind (``numeric``, ``categorical``, ``boolean``,
            ``datetime``), the target's included.
        seed: Seed for the metrics' own randomness (evaluators, detection folds).
        cache: Shared by the metrics scoring these tables, so that ``tstr``,
            ``trtr`` and ``tstr_ratio`` fit each evaluator once.
    """

    real: pd.DataFrame
    synthetic: pd.DataFrame
    holdout: pd.DataFrame
    target: str
    target_task: str
    kinds: Mapping[str, str]
    seed: int
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Metric:
    """A scoring function with a direction.

    The function is called as ``func(y_true, y_pred, y_proba, labels)``: ``y_proba`` is an
    ``(n_samples, n_classes)`` array whose columns follow ``labels`` (``None`` for
    regression or when ``needs_proba`` is false). A metric that declares ``columns``
    (e.g. an error per region of the feature space) is also given ``X=``, the scored
    rows' features (a DataFrame with at least those columns). A metric of the
    ``synthesis`` task scores tables instead: ``func(tables)`` with a
    :class:`SynthesisTables` (see :meth:`score_tables`).

    Attributes:
        name: Registry name, used in study files and result columns (``test_<name>``).
        direction: ``"maximize"`` or ``"minimize"``.
        needs_proba: Whether the function reads class probabilities.
        tasks: Task kinds the metric applies to.
        func: The scoring function.
        description: One line for ``bakeoff metrics list``.
        columns: Feature columns the metric reads from the scored rows (given as ``X``);
            a study whose dataset lacks one is refused at validation.
        variants: Options a study may give with the metric, each value naming the
            registered metric it selects: ``{"csmf_method": {"top1": "csmf_accuracy",
            "probabilities": "csmf_accuracy_proba"}}`` lets a study write
            ``{name: csmf_accuracy, csmf_method: probabilities}``.
    """

    name: str
    direction: Direction
    func: MetricFunction
    needs_proba: bool = False
    tasks: tuple[str, ...] = ("classification",)
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    variants: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    columns: tuple[str, ...] = ()

    def variant(self, options: Mapping[str, Any]) -> str:
        """The registered name that ``options`` (a study's metric entry) select.

        Raises:
            ValueError: An option this metric does not have, or a value it does not
                offer; the message lists what it offers.
        """
        name = self.name
        for option, value in options.items():
            choices = self.variants.get(option)
            if choices is None:
                offered = ", ".join(sorted(self.variants)) or "none"
                raise ValueError(
                    f"metric '{self.name}' has no option '{option}' (its options: {offered})"
                )
            if str(value) not in choices:
                raise ValueError(f"{option}: {value!r} is not one of {', '.join(sorted(choices))}")
            name = choices[str(value)]
        return name

    def __call__(
        self,
        y_true: Sequence[Any] | np.ndarray,
        y_pred: Sequence[Any] | np.ndarray,
        y_proba: np.ndarray | None = None,
        *,
        labels: Sequence[Any] | None = None,
        X: Any = None,
    ) -> float:
        """Score predictions.

        ``labels`` orders ``y_proba``'s columns (all classes); ``X`` holds the scored rows'
        features, for a metric with ``columns``.
        """
        import numpy as np

        if self.needs_proba and y_proba is None:
            raise ValueError(f"metric '{self.name}' needs class probabilities (y_proba)")
        if not self.columns:
            return float(self.func(np.asarray(y_true), np.asarray(y_pred), y_proba, labels))
        if X is None or any(c not in X.columns for c in self.columns):
            raise ValueError(
                f"metric '{self.name}' reads the features {', '.join(self.columns)} of the "
                f"scored rows (X=)"
            )
        return float(self.func(np.asarray(y_true), np.asarray(y_pred), y_proba, labels, X=X))

    @property
    def scores_tables(self) -> bool:
        """Whether the metric scores a synthetic table (the ``synthesis`` task)."""
        return SYNTHESIS in self.tasks

    def score_tables(self, tables: SynthesisTables) -> float:
        """Score a synthetic table against the real ones (a ``synthesis`` metric).

        Raises:
            ValueError: If the metric scores predictions, not tables.
        """
        if not self.scores_tables:
            raise ValueError(
                f"metric '{self.name}' scores predictions ({', '.join(self.tasks)}), not a "
                f"synthetic table"
            )
        return float(self.func(tables))

    def better(self, a: float, b: float) -> bool:
        """Whether score ``a`` is strictly better than ``b``."""
        return a > b if self.direction == "maximize" else a < b


def register_metric(
    name: str,
    *,
    direction: Direction,
    needs_proba: bool = False,
    tasks: tuple[str, ...] = ("classification",),
    description: str = "",
    variants: Mapping[str, Mapping[str, str]] | None = None,
    columns: Sequence[str] = (),
    replace: bool = False,
) -> Callable[[MetricFunction], MetricFunction]:
    """Register ``func(y_true, y_pred, y_proba, labels) -> float`` as a metric.

    With ``tasks=("synthesis",)`` the function is ``func(tables) -> float`` and scores a
    :class:`SynthesisTables`.

    Examples:
        >>> @register_metric("error_rate", direction="minimize", replace=True)
        ... def error_rate(y_true, y_pred, y_proba, labels):
        ...     return float((y_true != y_pred).mean())
        >>> get("error_rate").direction
        'minimize'
    """

    def decorate(func: MetricFunction) -> MetricFunction:
        metric = Metric(
            name=name,
            direction=direction,
            func=func,
            needs_proba=needs_proba,
            tasks=tasks,
            description=description or (func.__doc__ or "").strip().split("\n")[0],
            variants=dict(variants or {}),
            columns=tuple(columns),
        )
        _REGISTRY.add(name, metric, replace=replace)
        return func

    return decorate


def get(name: str) -> Metric:
    """Return the registered metric ``name``.

    Raises:
        UnknownNameError: With a suggestion when the name is close to a registered one.
    """
    return _REGISTRY.get(name)


def list_metrics() -> list[Metric]:
    """Every registered metric, sorted by name."""
    return [_REGISTRY.get(name) for name in _REGISTRY.names()]
