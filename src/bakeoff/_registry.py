"""A name → object registry with "did you mean" errors and plug-in discovery."""

from __future__ import annotations

import difflib
import importlib
import shlex
import sysconfig
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Generic, TypeVar

from bakeoff.exceptions import BakeoffError, BakeoffWarning, SpecError, UnknownNameError

__all__ = ["Registry", "load_plugins", "suggest"]

T = TypeVar("T")

#: Entry-point group through which installed packs register their components.
PLUGIN_GROUP = "bakeoff.plugins"
_plugins_loaded = False


def suggest(name: str, candidates: list[str]) -> str:
    """Return ``" Did you mean 'x'?"`` for the closest candidate, or ``""``."""
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def load_plugins() -> None:
    """Import every module advertised under the ``bakeoff.plugins`` entry-point group.

    A plug-in that fails to import is reported with a :class:`BakeoffWarning` and skipped,
    so one broken pack never stops the others.
    """
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    for entry_point in sorted(metadata.entry_points(group=PLUGIN_GROUP), key=lambda e: e.name):
        try:
            entry_point.load()
        except Exception as exc:
            warnings.warn(
                f"bakeoff plug-in '{entry_point.name}' ({entry_point.value}) failed to import "
                f"and was skipped: {type(exc).__name__}: {exc}",
                BakeoffWarning,
                stacklevel=2,
            )


def import_named(module: str, where: str, *, look_in: Sequence[Path] = ()) -> None:
    """Import ``module`` (it registers components), or say what to do about it.

    Args:
        module: The module's dotted name.
        where: Where it was asked for, for messages (``imports[0]``, ``--import``).
        look_in: Folders where a file of that name, not importable from there, gets a
            hint (the study file's folder, the working directory).

    Raises:
        SpecError: Naming ``where`` it was asked for (``imports[0]``, ``--import``).
    """
    try:
        importlib.import_module(module)
    except BakeoffError:
        raise  # raised on purpose by what the module called: it says what to fix
    except ImportError as exc:
        raise SpecError(
            f"{where}: cannot import module '{module}': {exc}. {_import_hint(module, exc, look_in)}"
        ) from None
    except SystemExit as exc:
        # A script turned module (sys.exit, argparse at the top) would end bakeoff
        # silently, even with status 0.
        raise SpecError(
            f"{where}: importing module '{module}' called sys.exit({exc.code!r}) "
            f"({_user_line(exc)}). A module a study imports must not exit; put its script "
            f'part under `if __name__ == "__main__":`.'
        ) from exc
    except Exception as exc:
        # The user's own code failed while it ran (a typo, a wrong call): their bug, not
        # bakeoff's, so a one-line error that points at their line, and the traceback
        # chained for --debug.
        raise SpecError(
            f"{where}: importing module '{module}' raised {type(exc).__name__}: {exc} "
            f"({_user_line(exc)}). Fix the module, or run again with --debug for the "
            f"traceback."
        ) from exc


def _import_hint(module: str, exc: ImportError, look_in: Sequence[Path]) -> str:
    """What to do about a module that is not found, from the files that are there."""
    stem = module.removesuffix(".py")
    if module.endswith(".py") and "/" not in stem:
        return f"Name the module, not its file: '{stem}'."
    top = stem.split(".")[0]
    missing = exc.name if isinstance(exc, ModuleNotFoundError) else None
    if missing and missing.split(".")[0] != top:
        return f"The module was found; '{missing}', which it imports, is not installed here."
    if missing == top:
        for folder in dict.fromkeys(path.resolve() for path in look_in):
            found = folder / f"{top}.py"
            if not found.is_file() and (folder / top / "__init__.py").is_file():
                found = folder / top  # a package, not any folder of that name
            if found.exists():
                return (
                    f"{found} is there, but its folder is not on Python's path: run with "
                    f"PYTHONPATH={shlex.quote(str(folder))} (added to any PYTHONPATH you "
                    f"have), or install it as a package."
                )
    return "Make sure it is installed or on PYTHONPATH."


def _user_line(exc: BaseException) -> str:
    """Where ``exc`` came from, as ``"file, line N"``.

    The innermost frame in the user's own files (not the standard library, installed
    packages or bakeoff), else the innermost frame.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    library = tuple(
        str(sysconfig.get_paths()[key]) for key in ("stdlib", "platstdlib", "purelib", "platlib")
    )
    own = str(Path(__file__).resolve().parent)
    for frame in reversed(frames):
        name = frame.filename
        if name.startswith("<") or name.startswith(library) or name.startswith(own):
            continue
        return f"{name}, line {frame.lineno}"
    last = frames[-1] if frames else None
    return f"{last.filename}, line {last.lineno}" if last else "no traceback"


def import_modules(modules: list[str]) -> None:
    """Import user modules named in a study's ``imports`` (they register components)."""
    for module in modules:
        importlib.import_module(module)


class Registry(Generic[T]):
    """Components of one kind, by name.

    Args:
        kind: What the registry holds, for messages (``"model"``).
        list_command: The CLI command that lists them, for messages.
    """

    def __init__(self, kind: str, list_command: str) -> None:
        self.kind = kind
        self.list_command = list_command
        self._items: dict[str, T] = {}

    def add(self, name: str, item: T, *, replace: bool = False) -> None:
        """Register ``item`` under ``name``; refuse a silent overwrite unless ``replace``."""
        if name in self._items and not replace and self._items[name] is not item:
            raise ValueError(
                f"A {self.kind} named '{name}' is already registered. "
                f"Pick another name, or pass replace=True to override it."
            )
        self._items[name] = item

    def get(self, name: str) -> T:
        """Return the item named ``name``.

        Raises:
            UnknownNameError: With the closest registered name and the listing command.
        """
        load_plugins()
        try:
            return self._items[name]
        except KeyError:
            hint = suggest(name, list(self._items))
            raise UnknownNameError(
                f"{self.kind.capitalize()} '{name}' is not registered.{hint} "
                f"See: {self.list_command}"
            ) from None

    def decorator(self, name: str, *, replace: bool = False) -> Callable[[T], T]:
        """Return a decorator that registers its target under ``name``."""

        def register(item: T) -> T:
            self.add(name, item, replace=replace)
            return item

        return register

    def names(self) -> list[str]:
        """Registered names, sorted."""
        load_plugins()
        return sorted(self._items)

    def __contains__(self, name: object) -> bool:
        load_plugins()
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.names())
