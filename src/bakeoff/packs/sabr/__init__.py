"""SABR volatility surfaces: neural surrogates trained on Hagan (LF) and Monte Carlo (HF).

Importing the pack registers the ``sabr_surfaces`` dataset (generated, cached by
content), its error metrics in volatility points (overall and per region) and the four
surrogates ``direct_mlp``, ``residual_mlp``, ``cnn_only`` and ``mda_cnn``; bakeoff imports
it at start-up through the ``bakeoff.plugins`` entry point. Its functions load NumPy,
SciPy and PyTorch on first use only. See docs/packs/sabr.md.
"""

import importlib
from typing import TYPE_CHECKING, Any

from bakeoff.packs.sabr import registry  # noqa: F401  (registers the pack's names)

if TYPE_CHECKING:
    from bakeoff.packs.sabr.adaptive import AdaptiveBudgets, adaptive_budgets
    from bakeoff.packs.sabr.data import SABRDataConfig, generate_surfaces, load_surfaces
    from bakeoff.packs.sabr.hagan import hagan_lognormal_vol
    from bakeoff.packs.sabr.monte_carlo import (
        MonteCarloSurface,
        black_call,
        implied_black_vol,
        sabr_monte_carlo,
        sabr_monte_carlo_grid,
    )

__all__ = [
    "AdaptiveBudgets",
    "MonteCarloSurface",
    "SABRDataConfig",
    "adaptive_budgets",
    "black_call",
    "generate_surfaces",
    "hagan_lognormal_vol",
    "implied_black_vol",
    "load_surfaces",
    "sabr_monte_carlo",
    "sabr_monte_carlo_grid",
]

_MODULES = {
    "AdaptiveBudgets": "adaptive",
    "adaptive_budgets": "adaptive",
    "MonteCarloSurface": "monte_carlo",
    "SABRDataConfig": "data",
    "black_call": "monte_carlo",
    "generate_surfaces": "data",
    "hagan_lognormal_vol": "hagan",
    "implied_black_vol": "monte_carlo",
    "load_surfaces": "data",
    "sabr_monte_carlo": "monte_carlo",
    "sabr_monte_carlo_grid": "monte_carlo",
}


def __getattr__(name: str) -> Any:
    # NumPy and SciPy load with the function that needs them, not with the plug-in.
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_MODULES[name]}"), name)
    globals()[name] = value
    return value
