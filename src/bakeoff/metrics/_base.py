"""The Metric contract and its registry."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from bakeoff._registry import Registry

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Metric", "get", "list_metrics", "register_metric"]

Direction = Literal["maximize", "minimize"]
MetricFunction = Callable[..., float]

_REGISTRY: Registry[Metric] = Registry("metric", "bakeoff metrics list")


@dataclass(frozen=True)
class Metric:
    """A scoring function with a direction.

    The function is called as ``func(y_true, y_pred, y_proba, labels)``: ``y_proba`` is an
    ``(n_samples, n_classes)`` array whose columns follow ``labels`` (``None`` for
    regression or when ``needs_proba`` is false). A metric that declares ``columns``
    (e.g. an error per region of the feature space) is also given ``X=``, the scored
    rows' features (a DataFrame with at least those columns).

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
        """Score predictions; ``labels`` orders ``y_proba``'s columns (all classes);
        ``X`` holds the scored rows' features, for a metric with ``columns``."""
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
