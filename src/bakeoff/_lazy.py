"""Package attributes imported on first use, so that ``import bakeoff`` stays cheap.

The command line starts in a fraction of a second only if importing a package does not
import SciPy, scikit-learn, Optuna or pandas behind it. A package lists its public names
with the module that defines each; the module is imported the first time the name is
read, and the value is then kept on the package like an ordinary attribute.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return a module ``__getattr__`` and ``__dir__`` serving ``exports`` on demand.

    Args:
        package: The package's ``__name__``.
        exports: Public name to ``"module"`` (the name is that module) or
            ``"module:attribute"``.

    Examples:
        >>> getter, _ = lazy_attributes("bakeoff", {"Store": "bakeoff.store:Store"})
        >>> getter("Store").__name__
        'Store'
    """

    def __getattr__(name: str) -> Any:
        target = exports.get(name)
        if target is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module_name, _, attribute = target.partition(":")
        module = importlib.import_module(module_name)
        value = getattr(module, attribute) if attribute else module
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        # The public names, submodules and private names; not the helpers the package
        # module imported to set this up (``TYPE_CHECKING``, ``lazy_attributes``).
        module = sys.modules[package]
        public = set(getattr(module, "__all__", ()))
        shown = {
            name
            for name, value in vars(module).items()
            if name.startswith("_") or name in public or isinstance(value, ModuleType)
        }
        return sorted(shown | set(exports))

    return __getattr__, __dir__
