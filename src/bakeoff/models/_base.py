"""The Model contract and its registry.

A Model is a named factory of scikit-learn-compatible estimators plus a default search
space. bakeoff wraps what :meth:`Model.build` returns in a preprocessing pipeline
(imputation, one-hot encoding, scaling when ``needs_scaling``) fitted inside each fold,
so a model only has to handle a numeric matrix.

Any scikit-learn estimator joins a study through :func:`register_estimator`; a model
that needs more logic (translating parameters, wrapping) subclasses :class:`Model`.

A model of the ``synthesis`` task (a table generator) builds a :class:`Generator`
instead: the protocol fits it on the real training table and samples a synthetic one.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, Union, runtime_checkable

from bakeoff._registry import Registry

if TYPE_CHECKING:
    import pandas as pd
    from sklearn.base import BaseEstimator

    from bakeoff.tuning import SearchSpace

#: An estimator class (or factory), or its import path ``"package.module:Class"``, which
#: is imported only when the first estimator is built.
EstimatorFactory = Union["Callable[..., BaseEstimator]", str]

__all__ = [
    "EstimatorModel",
    "Generator",
    "Model",
    "get",
    "list_models",
    "register_estimator",
    "register_model",
]

_REGISTRY: Registry[Model] = Registry("model", "bakeoff models list")


@runtime_checkable
class Generator(Protocol):
    """What a ``synthesis`` model's :meth:`Model.build` returns: a table generator.

    ``kinds`` gives every column's kind (``numeric``, ``categorical``, ``boolean``,
    ``datetime``; the target's included), from the dataset's feature kinds, so that a
    generator need not guess them. ``on_epoch(done, total)``, when given, is called as
    training progresses (for a generator that trains in epochs).
    """

    def fit(
        self,
        table: pd.DataFrame,
        kinds: Mapping[str, str],
        *,
        on_epoch: Callable[[int, int], None] | None = None,
    ) -> Any:
        """Learn the table (features and target)."""

    def sample(self, n_rows: int) -> pd.DataFrame:
        """``n_rows`` synthetic rows with the table's columns."""


class Model:
    """Base class of every model.

    Attributes:
        name: Registry name, used in study files and results.
        tasks: Task kinds the model handles.
        needs_scaling: Whether numeric features are standardised before the estimator.
        description: One line for ``bakeoff models list``.
        check_param_names: Refuse parameter names the estimator does not list.
    """

    name: str = ""
    tasks: tuple[str, ...] = ("classification", "regression")
    needs_scaling: bool = False
    description: str = ""
    #: Whether study files may only name parameters the estimator's ``get_params`` lists.
    #: False for estimators that accept any keyword (XGBoost forwards them).
    check_param_names: bool = True
    #: The finer resource the model reports while it fits, for pruning (``"boosting
    #: rounds"``, ``"epochs"``), or None: then a trial's steps are its inner folds.
    #: A model that sets it implements :meth:`fit_steps`.
    resource: str | None = None
    #: Checkpoints one fit reports when ``resource`` is set, spread evenly over the fit
    #: (the same count whatever the configuration, so steps compare across trials).
    steps_per_fit: int = 10
    #: ``(module, extra)``: the optional package the model needs and the bakeoff extra
    #: that installs it, e.g. ``("sdv", "synthetic")``. A study naming the model is
    #: refused before it runs when the module is missing (one message naming
    #: ``pip install "bakeoff[extra]"``), instead of failing every cell.
    needs_extra: tuple[str, str] | None = None

    def default_params(self) -> dict[str, Any]:
        """Fixed parameters applied to every configuration (a study may override them)."""
        return {}

    def search_space(self) -> SearchSpace:
        """The default search space (with grid values for ``method: grid``)."""
        from bakeoff.tuning import SearchSpace

        return SearchSpace()

    def parameter_names(self) -> list[str]:
        """The default search space's parameter names, for listings.

        Builds the space by default; a model whose space is a plain mapping returns its
        keys instead, so that ``bakeoff models list`` does not load the validation
        library (pydantic) that building a space needs.
        """
        return list(self.search_space())

    def build(self, params: Mapping[str, Any], *, task: str, random_state: int) -> BaseEstimator:
        """Return an unfitted estimator for ``params`` (fixed and tuned, merged).

        Args:
            params: Parameter values; fixed parameters already merged in.
            task: ``"classification"`` or ``"regression"``; ``"synthesis"`` for a
                generator, which returns a :class:`Generator` instead.
            random_state: Seed to pass to the estimator if it takes one.
        """
        raise NotImplementedError

    def fit_steps(
        self,
        pipeline: Any,
        X: Any,
        y: Any,
        *,
        X_val: Any,
        on_step: Callable[[Any, Any], None],
    ) -> None:
        """Fit ``pipeline`` on ``(X, y)``, reporting predictions on ``X_val`` as it goes.

        The pruning hook for models with a finer resource than the inner fold (see
        :attr:`resource`). Call ``on_step(y_pred, proba)`` at each of the
        :attr:`steps_per_fit` checkpoints, with predictions of the model as trained so
        far (``proba`` None for regression, else one column per class in ``classes_``
        order of the final estimator). ``on_step`` raises ``optuna.TrialPruned`` when
        the trial should stop: let it propagate. Afterwards ``pipeline`` must be fitted
        as ``pipeline.fit(X, y)`` would leave it (pruned fits excepted).

        Args:
            pipeline: The unfitted pipeline (preprocessing, then the estimator).
            X: Training features of the fold.
            y: Training target of the fold.
            X_val: Validation features of the fold.
            on_step: Receives each checkpoint's predictions.
        """
        raise NotImplementedError(f"model '{self.name}' reports no finer resource")

    def check_params(self, params: Mapping[str, Any], *, runs_here: bool) -> None:
        """Refuse fixed parameters that cannot work, when the study is validated.

        Called by ``bakeoff validate`` and before ``bakeoff run`` writes anything, with
        the model's fixed parameters (its defaults and the study's ``params``), so that a
        setting every cell would fail on is one message up front, not a failure per
        cell. The default accepts everything.

        Args:
            params: The fixed parameters, defaults merged in.
            runs_here: Whether the cells run on this machine (``backend: local``); with
                Ray they run on the cluster's nodes, so checks of this machine's hardware
                (a GPU, memory) do not apply.

        Raises:
            ValueError: Naming the parameter, the bad value and what to write instead.
        """

    def param_names(self, task: str) -> set[str] | None:
        """The parameter names a study may fix or search on ``task``.

        By default, what the estimator built from :meth:`default_params` lists in its
        own ``get_params()`` (and, for a wrapper, what its inner ``estimator`` lists).
        ``None`` accepts any name: when ``check_param_names`` is false, or when the
        estimator cannot be built here (a missing extra, which running reports).
        """
        if not self.check_param_names:
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                estimator = self.build(self.default_params(), task=task, random_state=0)
        except Exception:
            return None
        own = estimator.get_params(deep=False)
        names = set(own)
        inner = own.get("estimator")
        if inner is not None and hasattr(inner, "get_params"):
            names |= set(inner.get_params(deep=False))
            names.discard("estimator")
        return names

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


#: ``(model, pipeline, X, y, X_val=, on_step=)``: an :class:`EstimatorModel`'s pruning hook.
StepFitter = Callable[..., None]


class EstimatorModel(Model):
    """A model made from scikit-learn estimator classes.

    Args:
        name: Registry name.
        estimators: Task kind to estimator class (or factory), e.g.
            ``{"classification": RandomForestClassifier}``, or to its import path
            (``"sklearn.ensemble:RandomForestClassifier"``), imported at the first build
            so that registering the model imports nothing heavy.
        search_space: Default search space (YAML-style dicts accepted).
        fixed_params: Parameters passed to every build.
        needs_scaling: Standardise numeric features first.
        description: One line for listings.
        resource: The finer resource ``fit_steps`` reports (see :attr:`Model.resource`).
        steps_per_fit: Checkpoints per fit when ``resource`` is set.
        fit_steps: ``(model, pipeline, X, y, X_val=, on_step=)``, the pruning hook
            (:meth:`Model.fit_steps`), when ``resource`` is set.
    """

    def __init__(
        self,
        name: str,
        estimators: Mapping[str, EstimatorFactory],
        *,
        search_space: Mapping[str, Any] | SearchSpace | None = None,
        fixed_params: Mapping[str, Any] | None = None,
        needs_scaling: bool = False,
        description: str = "",
        resource: str | None = None,
        steps_per_fit: int = 10,
        fit_steps: StepFitter | None = None,
    ) -> None:
        if (resource is None) != (fit_steps is None):
            raise ValueError(f"model '{name}': give both resource= and fit_steps=, or neither")
        self.resource = resource
        self.steps_per_fit = steps_per_fit
        self._fit_steps = fit_steps
        self.name = name
        self.estimators = dict(estimators)
        self.tasks = tuple(sorted(self.estimators))
        # Validated on first use (a study, ``models show``), not here: registering the
        # shipped models and the packs at start-up must not load pydantic.
        self._space_spec = search_space
        self._space: SearchSpace | None = None
        self._fixed = dict(fixed_params or {})
        self.needs_scaling = needs_scaling
        self.description = description

    def default_params(self) -> dict[str, Any]:
        return dict(self._fixed)

    def search_space(self) -> SearchSpace:
        if self._space is None:
            from bakeoff.tuning import SearchSpace

            spec = self._space_spec
            self._space = spec if isinstance(spec, SearchSpace) else SearchSpace(spec)
        return self._space

    def parameter_names(self) -> list[str]:
        return list(self._space_spec or ())

    def fit_steps(
        self,
        pipeline: Any,
        X: Any,
        y: Any,
        *,
        X_val: Any,
        on_step: Callable[[Any, Any], None],
    ) -> None:
        if self._fit_steps is None:
            super().fit_steps(pipeline, X, y, X_val=X_val, on_step=on_step)
            return
        self._fit_steps(self, pipeline, X, y, X_val=X_val, on_step=on_step)

    def build(self, params: Mapping[str, Any], *, task: str, random_state: int) -> BaseEstimator:
        estimator = self.estimator_class(task)(**params)
        if "random_state" in estimator.get_params() and "random_state" not in params:
            estimator.set_params(random_state=random_state)
        return estimator

    def estimator_class(self, task: str) -> Callable[..., BaseEstimator]:
        """The estimator class (or factory) for ``task``, imported if given by path."""
        factory = self.estimators[task]
        if isinstance(factory, str):
            module, _, attribute = factory.partition(":")
            factory = getattr(importlib.import_module(module), attribute)
            self.estimators[task] = factory
        return factory


def checked_search_space(model: Model) -> SearchSpace:
    """``model``'s default search space, checked (it is not when the model registers).

    Raises:
        SpecError: Naming the model, the parameter and where to fix it.
    """
    from bakeoff.exceptions import SpecError

    try:
        return model.search_space()
    except ValueError as exc:
        raise SpecError(
            f"model '{model.name}' was registered with an invalid default search space: "
            f"{exc}. Fix it where the model is registered (its register_estimator call or "
            f"search_space method)"
        ) from None


def register_model(model: Model, *, replace: bool = False) -> Model:
    """Register a :class:`Model` instance under its ``name``."""
    if not model.name:
        raise ValueError(f"{model!r} has no name; set its `name` attribute")
    _REGISTRY.add(model.name, model, replace=replace)
    return model


def register_estimator(
    name: str,
    estimator: EstimatorFactory | Mapping[str, EstimatorFactory],
    *,
    search_space: Mapping[str, Any] | None = None,
    task: str | None = None,
    fixed_params: Mapping[str, Any] | None = None,
    needs_scaling: bool = False,
    description: str = "",
    replace: bool = False,
) -> Model:
    """Register any scikit-learn-compatible estimator as a model.

    Args:
        name: Name for study files.
        estimator: An estimator class, or a mapping of task kind to class. A class may
            be given by import path (``"sklearn.neighbors:KNeighborsClassifier"``, with
            ``task``): it is imported when a cell first builds it, so that a pack loaded
            at start-up keeps ``bakeoff models list`` fast.
        search_space: Parameter name to ``{type: int|float|categorical, ...}``.
        task: With a single class, its task kind; inferred from scikit-learn's
            ``ClassifierMixin``/``RegressorMixin`` when ``None``.
        fixed_params: Parameters passed to every build.
        needs_scaling: Standardise numeric features first.
        description: One line for listings.
        replace: Replace a model already registered under ``name``.

    Examples:
        >>> from sklearn.neighbors import KNeighborsClassifier
        >>> m = register_estimator(
        ...     "knn", KNeighborsClassifier, needs_scaling=True, replace=True,
        ...     search_space={"n_neighbors": {"type": "int", "low": 1, "high": 30}},
        ... )
        >>> m.tasks
        ('classification',)
    """
    if isinstance(estimator, Mapping):
        estimators = dict(estimator)
    elif isinstance(estimator, str) and task is None:
        raise ValueError(
            f"register_estimator({name!r}, {estimator!r}): an estimator given by import "
            f"path needs task='classification' or task='regression'"
        )
    else:
        kind = task or _task_of(estimator)  # type: ignore[arg-type]
        estimators = {kind: estimator}
    model = EstimatorModel(
        name,
        estimators,
        search_space=search_space,
        fixed_params=fixed_params,
        needs_scaling=needs_scaling,
        description=description,
    )
    return register_model(model, replace=replace)


def _task_of(estimator: Callable[..., BaseEstimator]) -> str:
    kind = getattr(estimator, "_estimator_type", None)
    if kind is None and isinstance(estimator, type):
        from sklearn.base import ClassifierMixin, RegressorMixin

        if issubclass(estimator, ClassifierMixin):
            kind = "classifier"
        elif issubclass(estimator, RegressorMixin):
            kind = "regressor"
    if kind == "classifier":
        return "classification"
    if kind == "regressor":
        return "regression"
    raise ValueError(
        f"cannot tell the task of {estimator!r}; pass task='classification' or task='regression'"
    )


def get(name: str) -> Model:
    """Return the registered model ``name`` (with a "did you mean" error)."""
    return _REGISTRY.get(name)


def list_models() -> list[Model]:
    """Every registered model, sorted by name."""
    return [_REGISTRY.get(name) for name in _REGISTRY.names()]
