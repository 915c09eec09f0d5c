"""SABR volatility surfaces: neural surrogates trained on Hagan (LF) and Monte Carlo (HF).

Importing the pack registers the ``sabr_surfaces`` dataset (generated, cached by
content), its error metrics in volatility points (overall and per region) and the four
surrogates ``direct_mlp``, ``residual_mlp``, ``cnn_only`` and ``mda_cnn``; bakeoff imports
it at start-up through the ``bakeoff.plugins`` entry point. Its functions load NumPy,
SciPy and PyTorch on first use only. See docs/packs/sabr.md.
"""

from typing import TYPE_CHECKING

from bakeoff._lazy import lazy_attributes
from bakeoff.packs.sabr import registry  # noqa: F401  (registers the pack's names)

if TYPE_CHECKING:
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
    "MonteCarloSurface",
    "SABRDataConfig",
    "black_call",
    "generate_surfaces",
    "hagan_lognormal_vol",
    "implied_black_vol",
    "load_surfaces",
    "sabr_monte_carlo",
    "sabr_monte_carlo_grid",
]

__getattr__, __dir__ = lazy_attributes(
    __name__,
    {
        "MonteCarloSurface": "bakeoff.packs.sabr.monte_carlo:MonteCarloSurface",
        "SABRDataConfig": "bakeoff.packs.sabr.data:SABRDataConfig",
        "black_call": "bakeoff.packs.sabr.monte_carlo:black_call",
        "generate_surfaces": "bakeoff.packs.sabr.data:generate_surfaces",
        "hagan_lognormal_vol": "bakeoff.packs.sabr.hagan:hagan_lognormal_vol",
        "implied_black_vol": "bakeoff.packs.sabr.monte_carlo:implied_black_vol",
        "load_surfaces": "bakeoff.packs.sabr.data:load_surfaces",
        "sabr_monte_carlo": "bakeoff.packs.sabr.monte_carlo:sabr_monte_carlo",
        "sabr_monte_carlo_grid": "bakeoff.packs.sabr.monte_carlo:sabr_monte_carlo_grid",
    },
)
