"""Import optional dependencies with an error that names the extra to install."""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from bakeoff.exceptions import MissingExtraError

__all__ = ["import_optional", "require_optional"]


def import_optional(module: str, *, extra: str, purpose: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingExtraError` naming ``extra``.

    Args:
        module: The module to import, e.g. ``"xgboost"``.
        extra: The bakeoff extra that installs it, e.g. ``"xgboost"``.
        purpose: What needs it, for the message, e.g. ``"the 'xgboost' model"``.

    Returns:
        The imported module.

    Raises:
        MissingExtraError: If the import fails.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(
            f"{purpose} needs the Python package '{module}', which is not installed. "
            f'Install it with: pip install "bakeoff[{extra}]"'
        ) from exc


def require_optional(module: str, *, extra: str, purpose: str) -> None:
    """Check that ``module`` is installed, without importing it.

    Not importing it keeps a study's checks fast. Raise :class:`MissingExtraError` naming
    ``extra`` if it is not installed.

    Raises:
        MissingExtraError: If ``module`` cannot be found.
    """
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise MissingExtraError(
            f"{purpose} needs the Python package '{module}', which is not installed. "
            f'Install it with: pip install "bakeoff[{extra}]"'
        )
