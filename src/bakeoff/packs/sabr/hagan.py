"""Hagan's closed-form SABR implied volatility: the cheap, low-fidelity surface.

Hagan, Kumar, Lesniewski and Woodward (2002), "Managing smile risk", Wilmott Magazine,
pp. 84–108, equations (2.17a)–(2.17c) (A.69 in the appendix): the lognormal (Black)
implied volatility of the SABR model

    dF = α_t F^β dW,  dα = ν α_t dZ,  dW dZ = ρ dt,  α_0 = α,

to second order in the time to expiry. Accurate for short maturities near the money;
biased for long maturities and low strikes, which is what the Monte Carlo surface of
:mod:`bakeoff.packs.sabr.monte_carlo` corrects. Written by hand, vectorised with
NumPy: QuantLib has the formula (the tests compare against it) but one point per call.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["hagan_lognormal_vol"]

#: Below this |z| the ratio z / x(z) is taken from its Taylor series (x(z) → 0 there).
_SMALL_Z = 1e-5
#: Below this |ln(F/K)| the strike is at the money (the general formula divides by it).
_SMALL_LOG_MONEYNESS = 1e-12


def hagan_lognormal_vol(
    F: ArrayLike,
    K: ArrayLike,
    T: ArrayLike,
    alpha: ArrayLike,
    beta: ArrayLike,
    rho: ArrayLike,
    nu: ArrayLike,
) -> np.ndarray:
    """Hagan et al. (2002) lognormal implied volatility, broadcast over all arguments.

    Args:
        F: Forward (> 0).
        K: Strike (> 0).
        T: Time to expiry in years (≥ 0).
        alpha: Initial volatility α (> 0).
        beta: CEV exponent β in [0, 1].
        rho: Correlation ρ in (−1, 1).
        nu: Volatility of volatility ν (≥ 0).

    Returns:
        The implied Black volatility, with the broadcast shape of the arguments. At the
        money (K = F) it is the ATM formula (2.18); as z → 0 (ν → 0 or K → F) the ratio
        z / x(z) tends to 1 through its series, with no division by zero.

    Raises:
        ValueError: If an argument is outside its range.

    Examples:
        >>> float(hagan_lognormal_vol(0.03, 0.03, 1.0, 0.2, 1.0, 0.0, 0.0))  # flat Black
        0.2
    """
    F, K, T, alpha, beta, rho, nu = np.broadcast_arrays(
        *(np.asarray(a, dtype=float) for a in (F, K, T, alpha, beta, rho, nu))
    )
    _check(F, K, T, alpha, beta, rho, nu)
    one_minus_beta = 1.0 - beta
    log_fk = np.log(F / K)
    fk_beta = (F * K) ** (one_minus_beta / 2.0)  # (FK)^((1-β)/2)
    denominator = fk_beta * (
        1.0 + one_minus_beta**2 / 24.0 * log_fk**2 + one_minus_beta**4 / 1920.0 * log_fk**4
    )
    z = nu / alpha * fk_beta * log_fk
    correction = 1.0 + T * (
        one_minus_beta**2 / 24.0 * alpha**2 / fk_beta**2
        + rho * beta * nu * alpha / (4.0 * fk_beta)
        + (2.0 - 3.0 * rho**2) / 24.0 * nu**2
    )
    vol = alpha / denominator * _z_over_x(z, rho) * correction
    # At the money the expression above is already the ATM formula (log_fk = 0, z = 0,
    # ratio 1); the explicit branch keeps exact equality with Hagan's (2.18).
    atm = np.abs(log_fk) < _SMALL_LOG_MONEYNESS
    if np.any(atm):
        f_beta = F**one_minus_beta
        atm_vol = (
            alpha
            / f_beta
            * (
                1.0
                + T
                * (
                    one_minus_beta**2 / 24.0 * alpha**2 / f_beta**2
                    + rho * beta * nu * alpha / (4.0 * f_beta)
                    + (2.0 - 3.0 * rho**2) / 24.0 * nu**2
                )
            )
        )
        vol = np.where(atm, atm_vol, vol)
    return np.asarray(vol)


def _z_over_x(z: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """Compute z / x(z), x(z) = ln((√(1 − 2ρz + z²) + z − ρ) / (1 − ρ)); its series near 0."""
    small = np.abs(z) < _SMALL_Z
    safe_z = np.where(small, 1.0, z)
    root = np.sqrt(1.0 - 2.0 * rho * safe_z + safe_z**2)
    x = np.log((root + safe_z - rho) / (1.0 - rho))
    ratio = safe_z / x
    # x(z) = z + ρ z²/2 + (3ρ² − 1) z³/6 + …, so z/x(z) = 1 − ρz/2 + (2 − 3ρ²) z²/12 + …
    series = 1.0 - rho * z / 2.0 + (2.0 - 3.0 * rho**2) * z**2 / 12.0
    return np.asarray(np.where(small, series, ratio))


def _check(
    F: np.ndarray,
    K: np.ndarray,
    T: np.ndarray,
    alpha: np.ndarray,
    beta: np.ndarray,
    rho: np.ndarray,
    nu: np.ndarray,
) -> None:
    rules = [
        ("F", F, F > 0, "> 0"),
        ("K", K, K > 0, "> 0"),
        ("T", T, T >= 0, ">= 0"),
        ("alpha", alpha, alpha > 0, "> 0"),
        ("beta", beta, (beta >= 0) & (beta <= 1), "in [0, 1]"),
        ("rho", rho, (rho > -1) & (rho < 1), "in (-1, 1)"),
        ("nu", nu, nu >= 0, ">= 0"),
    ]
    for name, values, ok, rule in rules:
        if not np.all(ok):
            bad = values[~ok].flat[0]
            raise ValueError(f"hagan_lognormal_vol: {name} must be {rule}; got {bad}")
