"""Monte Carlo of the SABR dynamics: the expensive, high-fidelity surface.

Paths of ``dF = α_t F^β dW``, ``dα = ν α_t dZ``, ``dW dZ = ρ dt`` on a uniform time grid,
vectorised over paths (one NumPy array per state, updated step by step):

- the volatility exactly: ``α_{t+Δ} = α_t exp(ν √Δ Z − ν² Δ / 2)`` (it is lognormal);
- the forward, for β = 1, by log-Euler (``F_{t+Δ} = F_t exp(α_t √Δ W − α_t² Δ / 2)``,
  which keeps it positive), and for β < 1 by Euler with absorption at zero (a path that
  reaches 0 stays there, as the SABR forward does), so F ≥ 0 always;
- ``W = ρ Z + √(1 − ρ²) Z⊥``; antithetic variates optional (each normal draw also used
  with its sign flipped, and the pair's payoffs averaged before the error is taken).

Call prices (undiscounted) for every strike of a maturity come from the same paths, with
their standard errors; implied volatilities invert Black's formula by bisection on a
bracket (vectorised, so every point converges or is NaN with its reason), and their
standard errors are the prices' divided by Black's vega. Written by hand: no package
simulates SABR vectorised over paths and strikes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtr

__all__ = ["MonteCarloSurface", "black_call", "implied_black_vol", "sabr_monte_carlo"]

#: Implied volatilities are searched in [_VOL_LOW, _VOL_HIGH].
_VOL_LOW, _VOL_HIGH = 1e-6, 10.0


@dataclass(frozen=True)
class MonteCarloSurface:
    """Monte Carlo prices and implied volatilities at the strikes of one maturity.

    Attributes:
        strikes: The strikes.
        prices: Undiscounted call prices.
        price_errors: Their standard errors.
        vols: Implied Black volatilities (NaN where none exists; see ``reasons``).
        vol_errors: Standard errors of the volatilities (price error / vega).
        reasons: Why a volatility is NaN, per strike ("" where it is not).
        n_paths: Paths simulated (antithetic pairs count twice).
    """

    strikes: np.ndarray
    prices: np.ndarray
    price_errors: np.ndarray
    vols: np.ndarray
    vol_errors: np.ndarray
    reasons: list[str] = field(default_factory=list)
    n_paths: int = 0


def black_call(F: ArrayLike, K: ArrayLike, T: ArrayLike, vol: ArrayLike) -> np.ndarray:
    """Black's undiscounted call price ``F N(d1) − K N(d2)``."""
    F, K, T, vol = (np.asarray(a, dtype=float) for a in (F, K, T, vol))
    spread = vol * np.sqrt(T)
    with np.errstate(divide="ignore", invalid="ignore"):
        d1 = (np.log(F / K) + spread**2 / 2.0) / spread
    return np.asarray(F * ndtr(d1) - K * ndtr(d1 - spread))


def implied_black_vol(
    price: ArrayLike, F: ArrayLike, K: ArrayLike, T: ArrayLike, *, iterations: int = 200
) -> tuple[np.ndarray, list[str]]:
    """Black volatilities that reproduce ``price``, by bisection; NaN with a reason where
    no volatility does (a price at or below the intrinsic value, or at or above F)."""
    price, F, K, T = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (price, F, K, T)))
    intrinsic = np.maximum(F - K, 0.0)
    reasons = np.full(price.shape, "", dtype=object)
    reasons[price <= intrinsic] = "price at or below the intrinsic value: no volatility"
    reasons[price >= F] = "price at or above the forward: no volatility"
    reasons[~np.isfinite(price)] = "no price"
    low = np.full(price.shape, np.log(_VOL_LOW))
    high = np.full(price.shape, np.log(_VOL_HIGH))
    # Black's price increases with the volatility: bisect on its logarithm.
    for _ in range(iterations):
        middle = (low + high) / 2.0
        above = black_call(F, K, T, np.exp(middle)) > price
        high = np.where(above, middle, high)
        low = np.where(above, low, middle)
    vols = np.exp((low + high) / 2.0)
    out_of_range = (reasons == "") & (
        (black_call(F, K, T, _VOL_HIGH) < price) | (black_call(F, K, T, _VOL_LOW) > price)
    )
    reasons[out_of_range] = f"volatility outside [{_VOL_LOW:g}, {_VOL_HIGH:g}]"
    vols = np.where(reasons == "", vols, np.nan)
    return np.asarray(vols), [str(r) for r in reasons.ravel()]


def sabr_monte_carlo(
    F: float,
    strikes: ArrayLike,
    T: float,
    alpha: float,
    beta: float,
    rho: float,
    nu: float,
    *,
    n_paths: int = 100_000,
    n_steps: int = 200,
    seed: int = 0,
    antithetic: bool = True,
) -> MonteCarloSurface:
    """Price calls at ``strikes`` (one maturity ``T``) on simulated SABR paths.

    Args:
        F: Forward (> 0).
        strikes: Strikes (> 0).
        T: Time to expiry in years (> 0).
        alpha: Initial volatility (> 0).
        beta: CEV exponent in [0, 1].
        rho: Correlation in (−1, 1).
        nu: Volatility of volatility (≥ 0).
        n_paths: Paths (rounded up to even with antithetic variates).
        n_steps: Time steps.
        seed: Seed of the normal draws (same seed, same numbers).
        antithetic: Use antithetic variates.

    Returns:
        The prices, implied volatilities and their standard errors.
    """
    if not (F > 0 and T > 0 and alpha > 0 and 0 <= beta <= 1 and -1 < rho < 1 and nu >= 0):
        raise ValueError(
            f"sabr_monte_carlo: need F > 0, T > 0, alpha > 0, beta in [0, 1], rho in "
            f"(-1, 1), nu >= 0; got F={F}, T={T}, alpha={alpha}, beta={beta}, rho={rho}, "
            f"nu={nu}"
        )
    strikes = np.atleast_1d(np.asarray(strikes, dtype=float))
    if np.any(strikes <= 0):
        raise ValueError("sabr_monte_carlo: strikes must be > 0")
    rng = np.random.default_rng(seed)
    half = (n_paths + 1) // 2 if antithetic else n_paths
    dt = T / n_steps
    root_dt = np.sqrt(dt)
    orthogonal = np.sqrt(1.0 - rho**2)
    size = 2 * half if antithetic else half
    forward = np.full(size, float(F))
    vol = np.full(size, float(alpha))
    z_vol, z_other = np.empty(size), np.empty(size)
    for _ in range(n_steps):
        for draw in (z_vol, z_other):
            rng.standard_normal(out=draw[:half])
            if antithetic:
                np.negative(draw[:half], out=draw[half:])
        w = rho * z_vol + orthogonal * z_other
        if beta == 1.0:
            forward *= np.exp(vol * root_dt * w - vol**2 * dt / 2.0)
        else:
            alive = forward > 0.0
            step = vol * np.power(forward, beta, where=alive, out=np.zeros(size)) * root_dt * w
            forward = np.where(alive, np.maximum(forward + step, 0.0), 0.0)
        vol *= np.exp(nu * root_dt * z_vol - nu**2 * dt / 2.0)
    payoffs = np.maximum(forward[:, None] - strikes[None, :], 0.0)
    if antithetic:
        payoffs = (payoffs[:half] + payoffs[half:]) / 2.0  # independent pair means
    prices = payoffs.mean(axis=0)
    price_errors = payoffs.std(axis=0, ddof=1) / np.sqrt(len(payoffs))
    vols, reasons = implied_black_vol(prices, F, strikes, T)
    spread = vols * np.sqrt(T)
    d1 = (np.log(F / strikes) + spread**2 / 2.0) / spread
    vega = F * np.sqrt(T) * np.exp(-(d1**2) / 2.0) / np.sqrt(2.0 * np.pi)
    with np.errstate(divide="ignore", invalid="ignore"):
        vol_errors = np.where(np.isfinite(vols), price_errors / vega, np.nan)
    return MonteCarloSurface(strikes, prices, price_errors, vols, vol_errors, reasons, size)
