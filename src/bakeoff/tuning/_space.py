"""Search spaces: named parameter distributions that map onto Optuna's.

A :class:`SearchSpace` is an ordered mapping of names to :class:`IntParam`,
:class:`FloatParam` or :class:`CategoricalParam`. A parameter may carry ``when``, a
condition on earlier categorical parameters (``l1_ratio`` only ``when: {penalty:
[elasticnet]}``); it is then suggested only when the condition holds, so incompatible
combinations are never sampled. ``grid`` lists the values ``method: grid`` walks through.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

if TYPE_CHECKING:
    import optuna

__all__ = ["CategoricalParam", "FloatParam", "IntParam", "Param", "SearchSpace"]

Choice = str | int | float | bool | None


class _ParamBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    #: Suggest this parameter only when every named earlier parameter takes one of the
    #: listed values.
    when: dict[str, list[Choice]] | None = None
    """search this parameter only when an earlier categorical one takes one of these values, e.g.
    {penalty: [elasticnet]}
    """

    def grid_values(self) -> list[Any] | None:
        """The values ``method: grid`` tries, or ``None`` if the parameter has none."""
        raise NotImplementedError

    def suggest(self, trial: optuna.Trial, name: str) -> Any:
        """Ask ``trial`` for this parameter's value."""
        raise NotImplementedError

    def distribution(self) -> optuna.distributions.BaseDistribution:
        """The Optuna distribution that :meth:`suggest` samples from."""
        raise NotImplementedError


class IntParam(_ParamBase):
    """An integer in ``[low, high]``, optionally on a log scale or with a step."""

    type: Literal["int"] = "int"
    """int"""
    low: int
    """the smallest value"""
    high: int
    """the largest value"""
    step: int = Field(1, ge=1)
    """the spacing of the values searched"""
    log: bool = False
    """sample on a log scale"""
    grid: list[int] | None = None
    """the values method: grid walks through (a range of at most 10 values is its own grid)"""

    @model_validator(mode="after")
    def _check(self) -> IntParam:
        _check_range(self.low, self.high, self.log, self.grid)
        if self.log and self.step != 1:
            raise ValueError("log=true cannot be combined with step; drop one of them")
        return self

    def grid_values(self) -> list[Any] | None:
        if self.grid is not None:
            return list(self.grid)
        n_values = (self.high - self.low) // self.step + 1
        # Small integer ranges are their own grid; large ones must be listed explicitly.
        return list(range(self.low, self.high + 1, self.step)) if n_values <= 10 else None

    def suggest(self, trial: optuna.Trial, name: str) -> Any:
        return trial.suggest_int(name, self.low, self.high, step=self.step, log=self.log)

    def distribution(self) -> optuna.distributions.BaseDistribution:
        from optuna.distributions import IntDistribution

        return IntDistribution(self.low, self.high, log=self.log, step=self.step)


class FloatParam(_ParamBase):
    """A float in ``[low, high]``, optionally on a log scale or with a step."""

    type: Literal["float"] = "float"
    """float"""
    low: float
    """the smallest value"""
    high: float
    """the largest value"""
    step: float | None = Field(None, gt=0)
    """the spacing of the values searched (none: continuous)"""
    log: bool = False
    """sample on a log scale"""
    grid: list[float] | None = None
    """the values method: grid walks through"""

    @model_validator(mode="after")
    def _check(self) -> FloatParam:
        _check_range(self.low, self.high, self.log, self.grid)
        if self.log and self.step is not None:
            raise ValueError("log=true cannot be combined with step; drop one of them")
        return self

    def grid_values(self) -> list[Any] | None:
        return list(self.grid) if self.grid is not None else None

    def suggest(self, trial: optuna.Trial, name: str) -> Any:
        return trial.suggest_float(name, self.low, self.high, step=self.step, log=self.log)

    def distribution(self) -> optuna.distributions.BaseDistribution:
        from optuna.distributions import FloatDistribution

        return FloatDistribution(self.low, self.high, log=self.log, step=self.step)


class CategoricalParam(_ParamBase):
    """One of a list of choices (str, int, float, bool or null)."""

    type: Literal["categorical"] = "categorical"
    """categorical"""
    choices: list[Choice] = Field(min_length=1)
    """the values to choose from (also its grid)"""

    @model_validator(mode="after")
    def _check(self) -> CategoricalParam:
        if len({json.dumps(c) for c in self.choices}) != len(self.choices):
            raise ValueError(f"choices must be distinct, but got {self.choices}")
        return self

    def grid_values(self) -> list[Any] | None:
        return list(self.choices)

    def suggest(self, trial: optuna.Trial, name: str) -> Any:
        return trial.suggest_categorical(name, self.choices)

    def distribution(self) -> optuna.distributions.BaseDistribution:
        from optuna.distributions import CategoricalDistribution

        return CategoricalDistribution(self.choices)


Param = Annotated[IntParam | FloatParam | CategoricalParam, Field(discriminator="type")]
_PARAM_ADAPTER: TypeAdapter[Any] = TypeAdapter(Param)


_PARAM_TAGS = ("int", "float", "categorical")


def _validated(name: str, param: Any) -> IntParam | FloatParam | CategoricalParam:
    """``param`` as a parameter, or a ValueError naming ``name`` and each problem once."""
    try:
        return _PARAM_ADAPTER.validate_python(param)  # type: ignore[no-any-return]
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            message = str(error["msg"]).removeprefix("Value error, ")
            field = ".".join(str(p) for p in error["loc"] if p not in _PARAM_TAGS)
            problems.append(f"{field}: {message}" if field else message)
        raise ValueError(f"{name}: {'; '.join(dict.fromkeys(problems))}") from None


def _check_range(low: float, high: float, log: bool, grid: list[Any] | None) -> None:
    for name, bound in (("low", low), ("high", high)):
        if not math.isfinite(bound):
            raise ValueError(f"{name} must be a finite number, but got {bound}; give a real bound")
    if not math.isfinite(high - low):
        raise ValueError(
            f"high - low must be a finite number, but low={low:g}, high={high:g} are "
            f"{high - low} apart; narrow the range (or use log: true for wide ones)"
        )
    if low > high:
        raise ValueError(f"low must be <= high, but got low={low}, high={high}; swap them")
    if log and low <= 0:
        raise ValueError(f"log=true needs low > 0, but got low={low}; raise low or drop log")
    if grid is not None:
        if not grid:
            raise ValueError("grid must list at least one value")
        outside = [v for v in grid if not low <= v <= high]
        if outside:
            raise ValueError(f"grid values {outside} lie outside [low={low}, high={high}]")


class SearchSpace(Mapping[str, Any]):
    """An ordered, immutable mapping of parameter names to parameters.

    Args:
        params: Names to parameters; dicts in the YAML form are accepted too.

    Raises:
        ValueError: If a ``when`` condition names a parameter that is not an earlier
            categorical one, or a value that parameter cannot take.

    Examples:
        >>> space = SearchSpace({"C": {"type": "float", "low": 0.01, "high": 10, "log": True}})
        >>> list(space)
        ['C']
    """

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        self._params: dict[str, IntParam | FloatParam | CategoricalParam] = {
            name: param  # type: ignore[misc]  # a _ParamBase is always one of the three
            if isinstance(param, _ParamBase)
            else _validated(name, param)
            for name, param in (params or {}).items()
        }
        self._check_conditions()
        self._distributions_json: dict[str, str] | None = None

    def _check_conditions(self) -> None:
        seen: dict[str, Any] = {}
        for name, param in self._params.items():
            for parent, values in (param.when or {}).items():
                parent_param = seen.get(parent)
                if not isinstance(parent_param, CategoricalParam):
                    raise ValueError(
                        f"'{name}.when' refers to '{parent}', which must be a categorical "
                        f"parameter listed before '{name}'"
                    )
                unknown = [v for v in values if v not in parent_param.choices]
                if unknown:
                    raise ValueError(
                        f"'{name}.when' expects {parent} in {unknown}, which are not among "
                        f"its choices {parent_param.choices}"
                    )
            seen[name] = param

    def __getitem__(self, name: str) -> IntParam | FloatParam | CategoricalParam:
        return self._params[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def __repr__(self) -> str:
        return f"SearchSpace({self.to_dict()!r})"

    def merged(self, overrides: Mapping[str, Any], *, drop: set[str] | None = None) -> SearchSpace:
        """Return a copy with ``overrides`` replacing or adding parameters.

        Args:
            overrides: Parameters to replace (kept in place) or add (appended).
            drop: Names to remove, e.g. parameters the study fixes.
        """
        merged: dict[str, Any] = dict(self._params)
        merged.update(overrides)
        drop = drop or set()
        kept = {k: v for k, v in merged.items() if k not in drop}
        # A parameter conditioned on a dropped one can no longer be decided: drop it too,
        # unless its condition is satisfied by the fixed value (handled by the caller).
        return SearchSpace(kept)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """The YAML form, with defaults omitted."""
        return {
            name: param.model_dump(exclude_defaults=True) | {"type": param.type}
            for name, param in self._params.items()
        }

    def canonical_json(self) -> str:
        """A stable text form for content hashes (order of parameters kept)."""
        return json.dumps(
            [[name, param.model_dump()] for name, param in self._params.items()],
            sort_keys=True,
            default=str,
        )

    def distributions_json(self) -> dict[str, str]:
        """Each parameter's Optuna distribution as Optuna's JSON text (computed once)."""
        if self._distributions_json is None:
            from optuna.distributions import distribution_to_json

            self._distributions_json = {
                name: distribution_to_json(param.distribution())
                for name, param in self._params.items()
            }
        return dict(self._distributions_json)

    def active(self, name: str, values: Mapping[str, Any]) -> bool:
        """Whether parameter ``name`` is active given the earlier ``values``."""
        condition = self._params[name].when or {}
        return all(values.get(parent) in allowed for parent, allowed in condition.items())

    def suggest(self, trial: optuna.Trial) -> dict[str, Any]:
        """Ask ``trial`` for a configuration, define-by-run, honouring conditions."""
        values: dict[str, Any] = {}
        for name, param in self._params.items():
            if self.active(name, values):
                values[name] = param.suggest(trial, name)
        return values

    def grid(self) -> list[dict[str, Any]]:
        """Every valid configuration of the grid, in a fixed order.

        Optuna's GridSampler takes a flat product, which would repeat a configuration
        once per value of a parameter that its condition switches off; this expands the
        conditional product instead, so each distinct configuration appears once.

        Raises:
            ValueError: If a parameter has no grid values (a wide int or any float range
                without ``grid``).
        """
        missing = [name for name, p in self._params.items() if p.grid_values() is None]
        if missing:
            raise ValueError(
                f"parameters {missing} have no grid values; add `grid: [...]` to each, "
                f"or use another tuning method"
            )
        configs: list[dict[str, Any]] = [{}]
        for name, param in self._params.items():
            values = param.grid_values() or []
            expanded: list[dict[str, Any]] = []
            for config in configs:
                if self.active(name, config):
                    expanded.extend(config | {name: v} for v in values)
                else:
                    expanded.append(config)
            configs = expanded
        return configs

    def grid_size(self) -> int:
        """Number of configurations :meth:`grid` yields."""
        return len(self.grid())
