"""SABR volatility surfaces: Hagan's formula (low fidelity) and Monte Carlo (high).

The first part of the SABR pack (docs/packs/sabr.md): the two fidelities the neural
surrogates will be trained on. Importing it registers nothing yet.
"""

from bakeoff.packs.sabr.hagan import hagan_lognormal_vol
from bakeoff.packs.sabr.monte_carlo import (
    MonteCarloSurface,
    black_call,
    implied_black_vol,
    sabr_monte_carlo,
)

__all__ = [
    "MonteCarloSurface",
    "black_call",
    "hagan_lognormal_vol",
    "implied_black_vol",
    "sabr_monte_carlo",
]
