"""Collections: a folder of data files plus a ``collection.yaml`` that describes them.

A collection is how a user brings a whole family of datasets (sites of one survey, years
of one registry) with the same metadata model as the shipped ones. A study names it as
``collection: NAME``, where NAME is a registered collection or a folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bakeoff._registry import Registry
from bakeoff._validation import format_validation_error
from bakeoff.datasets._base import Dataset
from bakeoff.datasets._registry import load_file
from bakeoff.datasets._types import FeatureKind
from bakeoff.exceptions import DatasetError, UnknownNameError

__all__ = [
    "COLLECTION_FILE",
    "Collection",
    "CollectionEntry",
    "find_collection",
    "list_collections",
    "read_collection",
    "register_collection",
]

#: The file, inside the folder, that describes a collection.
COLLECTION_FILE = "collection.yaml"


class CollectionEntry(BaseModel):
    """One dataset of a collection, as written in ``collection.yaml``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    path: str
    target: str
    task: Literal["classification", "regression"] | None = None
    drop: list[str] = Field(default_factory=list)
    types: dict[str, FeatureKind] = Field(default_factory=dict)
    description: str = ""
    license: str | None = None
    citation: str | None = None


class _CollectionFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    description: str = ""
    license: str = ""
    citation: str = ""
    datasets: list[CollectionEntry] = Field(min_length=1)


@dataclass(frozen=True)
class Collection:
    """A folder of datasets described by its ``collection.yaml``.

    Attributes:
        name: The collection's name (from its file).
        folder: The folder; entries' paths start from it.
        description: What the datasets are.
        license: Licence of every entry that names none of its own.
        citation: Citation of every entry that names none of its own.
        entries: The datasets, in the file's order.
    """

    name: str
    folder: Path
    description: str
    license: str
    citation: str
    entries: tuple[CollectionEntry, ...]

    def load(self) -> list[Dataset]:
        """Load and validate every dataset of the collection.

        Raises:
            DatasetError: Naming the collection, the file and the column at fault.
        """
        datasets = []
        for entry in self.entries:
            try:
                datasets.append(
                    load_file(
                        self.folder / entry.path,
                        target=entry.target,
                        name=entry.name,
                        task=entry.task,
                        drop=entry.drop,
                        types=entry.types,
                        description=entry.description,
                        license=entry.license if entry.license is not None else self.license,
                        citation=entry.citation if entry.citation is not None else self.citation,
                    )
                )
            except DatasetError as exc:
                raise DatasetError(f"collection '{self.name}': {exc}") from None
        return datasets


def read_collection(folder: str | Path) -> Collection:
    """Read the ``collection.yaml`` of ``folder``.

    Raises:
        DatasetError: If the folder or its file is missing or the file is invalid.
    """
    folder = Path(folder)
    spec_file = folder / COLLECTION_FILE
    if not folder.is_dir():
        raise DatasetError(f"collection folder '{folder}' does not exist. Check the path.")
    if not spec_file.is_file():
        raise DatasetError(
            f"collection folder '{folder}' has no {COLLECTION_FILE}. Add one that lists "
            f"its files (name, path, target per dataset); see docs/datasets.md."
        )
    try:
        data = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
        parsed = _CollectionFile.model_validate(data)
    except yaml.YAMLError as exc:
        raise DatasetError(f"{spec_file}: invalid YAML: {exc}") from None
    except ValidationError as exc:
        raise DatasetError(format_validation_error(exc, source=str(spec_file))) from None
    names = [e.name for e in parsed.datasets]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise DatasetError(f"{spec_file}: dataset names {repeated} repeat; make them distinct.")
    return Collection(
        name=parsed.name,
        folder=folder,
        description=parsed.description,
        license=parsed.license,
        citation=parsed.citation,
        entries=tuple(parsed.datasets),
    )


_COLLECTIONS: Registry[Collection] = Registry(
    "collection", "bakeoff datasets list --collection FOLDER"
)


def register_collection(folder: str | Path, *, replace: bool = False) -> Collection:
    """Read the collection in ``folder`` and register it under the name its file gives.

    Call it from a module that the study lists under ``imports`` (or from a plug-in), then
    name the collection in the study as ``collection: NAME``.
    """
    collection = read_collection(Path(folder).resolve())
    _COLLECTIONS.add(collection.name, collection, replace=replace)
    return collection


def list_collections() -> list[Collection]:
    """Every registered collection, sorted by name."""
    return [_COLLECTIONS.get(name) for name in _COLLECTIONS.names()]


def find_collection(name: str, *, base_dir: Path) -> Collection:
    """A registered collection called ``name``, else the folder ``name`` (from ``base_dir``).

    Raises:
        UnknownNameError: If ``name`` is neither a registered collection nor a folder.
    """
    if name in _COLLECTIONS.names():
        return _COLLECTIONS.get(name)
    folder = Path(name) if Path(name).is_absolute() else base_dir / name
    if folder.is_dir():
        return read_collection(folder)
    known = ", ".join(_COLLECTIONS.names()) or "none registered"
    raise UnknownNameError(
        f"unknown collection '{name}': it is neither a registered collection ({known}) nor "
        f"a folder '{folder}' with a {COLLECTION_FILE}."
    )
