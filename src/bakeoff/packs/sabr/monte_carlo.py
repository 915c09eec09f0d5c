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

__all__ = [
    "MonteCarloSurface",
    "black_call",
    "implied_black_vol",
    "sabr_monte_carlo",
    "sabr_monte_carlo_grid",
]

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
    """Black volatilities that reproduce ``price``, by bisection.

    NaN with a reason where no volatility does (a price at or below the intrinsic value, or
    at or above F).
    """
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
    strikes = _checked("sabr_monte_carlo", F, strikes, T, alpha, beta, rho, nu)
    rng = np.random.default_rng(seed)
    paths = _Paths(F, alpha, beta, rho, nu, n_paths=n_paths, antithetic=antithetic, rng=rng)
    paths.advance(T, n_steps)
    forward, half = paths.forward, paths.half
    size = len(forward)
    payoffs = np.maximum(forward[:, None] - strikes[None, :], 0.0)
    if antithetic:
        payoffs = (payoffs[:half] + payoffs[half:]) / 2.0  # independent pair means
    prices = payoffs.mean(axis=0)
    price_errors = payoffs.std(axis=0, ddof=1) / np.sqrt(len(payoffs))
    vols, reasons = implied_black_vol(prices, F, strikes, T)
    vol_errors = _vol_errors(vols, price_errors, F, strikes, T)
    return MonteCarloSurface(strikes, prices, price_errors, vols, vol_errors, reasons, size)


def _checked(
    caller: str,
    F: float,
    strikes: ArrayLike,
    T: float,
    alpha: float,
    beta: float,
    rho: float,
    nu: float,
) -> np.ndarray:
    """The strikes as an array, once the parameters are checked."""
    if not (F > 0 and T > 0 and alpha > 0 and 0 <= beta <= 1 and -1 < rho < 1 and nu >= 0):
        raise ValueError(
            f"{caller}: need F > 0, T > 0, alpha > 0, beta in [0, 1], rho in "
            f"(-1, 1), nu >= 0; got F={F}, T={T}, alpha={alpha}, beta={beta}, rho={rho}, "
            f"nu={nu}"
        )
    checked = np.atleast_1d(np.asarray(strikes, dtype=float))
    if np.any(checked <= 0):
        raise ValueError(f"{caller}: strikes must be > 0")
    return checked


class _Paths:
    """SABR paths advanced in time, the state one NumPy array per variable."""

    def __init__(
        self,
        F: float,
        alpha: float,
        beta: float,
        rho: float,
        nu: float,
        *,
        n_paths: int,
        antithetic: bool,
        rng: np.random.Generator,
    ) -> None:
        self.beta, self.rho, self.nu, self.rng, self.antithetic = beta, rho, nu, rng, antithetic
        self.half = (n_paths + 1) // 2 if antithetic else n_paths
        size = 2 * self.half if antithetic else self.half
        self.forward = np.full(size, float(F))
        self.vol = np.full(size, float(alpha))
        self._z_vol, self._z_other = np.empty(size), np.empty(size)
        self._power = np.empty(size)
        self._orthogonal = np.sqrt(1.0 - rho**2)

    def advance(self, horizon: float, n_steps: int) -> None:
        """Move every path ``horizon`` years ahead in ``n_steps`` equal steps."""
        half = self.half
        dt = horizon / n_steps
        root_dt = np.sqrt(dt)
        for _ in range(n_steps):
            for draw in (self._z_vol, self._z_other):
                self.rng.standard_normal(out=draw[:half])
                if self.antithetic:
                    np.negative(draw[:half], out=draw[half:])
            w = self.rho * self._z_vol + self._orthogonal * self._z_other
            vol = self.vol
            if self.beta == 1.0:
                self.forward *= np.exp(vol * root_dt * w - vol**2 * dt / 2.0)
            elif self.beta > 0.0:
                # An absorbed path (F = 0) has 0^β = 0: its step is 0 and it stays at 0,
                # so no mask is needed; the step is built in place in w.
                np.power(self.forward, self.beta, out=self._power)
                w *= self._power
                w *= vol
                w *= root_dt
                self.forward += w
                np.maximum(self.forward, 0.0, out=self.forward)
            else:  # β = 0: 0^0 = 1 would move an absorbed path
                alive = self.forward > 0.0
                step = vol * root_dt * w
                self.forward = np.where(alive, np.maximum(self.forward + step, 0.0), 0.0)
            self.vol *= np.exp(self.nu * root_dt * self._z_vol - self.nu**2 * dt / 2.0)


def sabr_monte_carlo_grid(
    F: float,
    strikes: ArrayLike,
    maturities: ArrayLike,
    alpha: float,
    beta: float,
    rho: float,
    nu: float,
    *,
    n_paths: int = 50_000,
    steps_per_year: int = 50,
    seed: int = 0,
    antithetic: bool = True,
) -> tuple[np.ndarray, np.ndarray, list[list[str]]]:
    """Implied volatilities on a strike × maturity grid, every maturity from one path set.

    The paths run once to the longest maturity (``steps_per_year`` steps a year, at least
    one step between maturities) and every maturity reads them where they pass. Strikes
    below the forward are priced with puts and the others with calls (out of the money,
    where the Monte Carlo error is smallest); a put is turned into its call by parity
    (C = P + F − K, which the absorbed forward, a martingale, keeps) before Black's
    formula is inverted.

    Returns:
        ``(vols, vol_errors, reasons)``: arrays of shape (maturities, strikes), NaN with a
        reason where no volatility exists, and the reasons (``""`` where none).
    """
    maturities = np.atleast_1d(np.asarray(maturities, dtype=float))
    if np.any(np.diff(maturities) <= 0):
        raise ValueError("sabr_monte_carlo_grid: maturities must be increasing")
    strikes = _checked("sabr_monte_carlo_grid", F, strikes, maturities[0], alpha, beta, rho, nu)
    paths = _Paths(
        F, alpha, beta, rho, nu, n_paths=n_paths, antithetic=antithetic,
        rng=np.random.default_rng(seed),
    )  # fmt: skip
    below = strikes < F
    vols = np.empty((len(maturities), len(strikes)))
    errors = np.empty_like(vols)
    reasons: list[list[str]] = []
    now = 0.0
    for i, maturity in enumerate(maturities):
        paths.advance(maturity - now, max(1, round((maturity - now) * steps_per_year)))
        now = maturity
        out_of_money = np.where(
            below[None, :],
            np.maximum(strikes[None, :] - paths.forward[:, None], 0.0),
            np.maximum(paths.forward[:, None] - strikes[None, :], 0.0),
        )
        if antithetic:
            out_of_money = (out_of_money[: paths.half] + out_of_money[paths.half :]) / 2.0
        prices = out_of_money.mean(axis=0) + np.where(below, F - strikes, 0.0)
        price_errors = out_of_money.std(axis=0, ddof=1) / np.sqrt(len(out_of_money))
        vols[i], found = implied_black_vol(prices, F, strikes, maturity)
        errors[i] = _vol_errors(vols[i], price_errors, F, strikes, maturity)
        reasons.append(found)
    return vols, errors, reasons


def _vol_errors(
    vols: np.ndarray, price_errors: np.ndarray, F: float, strikes: np.ndarray, T: float
) -> np.ndarray:
    """Standard errors of implied volatilities: the price's over Black's vega."""
    spread = vols * np.sqrt(T)
    with np.errstate(divide="ignore", invalid="ignore"):
        d1 = (np.log(F / strikes) + spread**2 / 2.0) / spread
        vega = F * np.sqrt(T) * np.exp(-(d1**2) / 2.0) / np.sqrt(2.0 * np.pi)
        return np.asarray(np.where(np.isfinite(vols), price_errors / vega, np.nan))
