"""Hagan's formula against QuantLib and its limits; the Monte Carlo against Black and Hagan."""

from __future__ import annotations

import numpy as np
import pytest
import QuantLib as ql  # a dev dependency: an independent Hagan implementation

from bakeoff.packs.sabr import (
    black_call,
    hagan_lognormal_vol,
    implied_black_vol,
    sabr_monte_carlo,
)

CASES = [
    # F, T, alpha, beta, rho, nu
    (0.03, 1.0, 0.02, 0.5, -0.3, 0.4),
    (0.05, 5.0, 0.03, 0.3, 0.2, 0.6),
    (100.0, 0.5, 0.25, 1.0, -0.7, 1.2),
    (0.01, 10.0, 0.005, 0.0, 0.5, 0.3),
]


@pytest.mark.parametrize(("F", "T", "alpha", "beta", "rho", "nu"), CASES)
def test_hagan_equals_quantlibs_implementation(
    F: float, T: float, alpha: float, beta: float, rho: float, nu: float
) -> None:
    strikes = F * np.array([0.4, 0.7, 0.9, 0.99, 1.0, 1.01, 1.2, 1.6, 2.5])
    ours = hagan_lognormal_vol(F, strikes, T, alpha, beta, rho, nu)
    # QuantLib's sabrVolatility(strike, forward, expiry, alpha, beta, nu, rho): Hagan
    # et al. (2002), a second implementation written independently.
    theirs = [ql.sabrVolatility(k, F, T, alpha, beta, nu, rho) for k in strikes]
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)


def test_hagan_broadcasts_over_every_argument() -> None:
    strikes = np.linspace(0.02, 0.04, 5)[:, None]
    maturities = np.array([0.5, 1.0, 2.0])[None, :]
    surface = hagan_lognormal_vol(0.03, strikes, maturities, 0.02, 0.5, -0.3, 0.4)
    assert surface.shape == (5, 3)
    assert surface[2, 1] == pytest.approx(
        float(hagan_lognormal_vol(0.03, 0.03, 1.0, 0.02, 0.5, -0.3, 0.4))
    )


def test_hagans_limits() -> None:
    # beta = 1 and nu = 0: the flat Black volatility alpha, at every strike.
    flat = hagan_lognormal_vol(0.03, np.linspace(0.01, 0.09, 9), 3.0, 0.2, 1.0, 0.4, 0.0)
    np.testing.assert_allclose(flat, 0.2, rtol=1e-14)
    # At the money: Hagan's ATM formula (2.18), written out here.
    F, T, a, b, r, n = 0.04, 2.0, 0.03, 0.6, -0.2, 0.5
    atm = a / F ** (1 - b) * (
        1 + T * ((1 - b) ** 2 / 24 * a**2 / F ** (2 - 2 * b) + r * b * n * a / (4 * F ** (1 - b))
                 + (2 - 3 * r**2) / 24 * n**2)
    )  # fmt: skip
    assert float(hagan_lognormal_vol(F, F, T, a, b, r, n)) == pytest.approx(atm, rel=1e-14)
    # Continuous through the money (the z/x(z) series meets the exact ratio).
    near = hagan_lognormal_vol(F, F * (1 + np.array([-1e-7, 1e-7, -1e-3, 1e-3])), T, a, b, r, n)
    assert np.all(np.isfinite(near))
    np.testing.assert_allclose(near[:2], atm, rtol=1e-6)
    # nu -> 0 with beta < 1: no division by zero, the ratio tends to 1.
    assert np.isfinite(hagan_lognormal_vol(F, 0.05, T, a, b, r, 1e-14))


@pytest.mark.parametrize("bad", [{"F": -1.0}, {"rho": 1.0}, {"beta": 1.5}, {"alpha": 0.0}])
def test_hagan_refuses_arguments_out_of_range(bad: dict[str, float]) -> None:
    arguments = {"F": 0.03, "K": 0.03, "T": 1.0, "alpha": 0.02, "beta": 0.5, "rho": 0.0, "nu": 0.3}
    name = next(iter(bad))
    with pytest.raises(ValueError, match=f"{name} must be"):
        hagan_lognormal_vol(**{**arguments, **bad})


def test_black_inversion_round_trips_and_says_why_it_cannot() -> None:
    F, T = 0.03, 2.0
    strikes = np.array([0.01, 0.02, 0.03, 0.05, 0.08])
    vols = np.array([0.5, 0.3, 0.2, 0.25, 0.4])
    implied, reasons = implied_black_vol(black_call(F, strikes, T, vols), F, strikes, T)
    np.testing.assert_allclose(implied, vols, rtol=1e-9)
    assert reasons == [""] * 5
    implied, reasons = implied_black_vol([0.019, 0.031], F, [0.01, 0.02], T)
    assert np.isnan(implied).all()
    assert reasons == [
        "price at or below the intrinsic value: no volatility",
        "price at or above the forward: no volatility",
    ]


def test_monte_carlo_with_no_vol_of_vol_is_black() -> None:
    strikes = np.array([0.02, 0.025, 0.03, 0.035, 0.045])
    surface = sabr_monte_carlo(
        0.03, strikes, 1.0, 0.2, 1.0, 0.0, 0.0, n_paths=40_000, n_steps=20, seed=3
    )
    assert surface.reasons == [""] * 5
    # Log-Euler is exact for beta = 1 and nu = 0: only Monte Carlo error is left.
    assert np.all(np.abs(surface.vols - 0.2) < 4 * surface.vol_errors)
    assert np.all(surface.vol_errors < 0.01)


def test_monte_carlo_agrees_with_hagan_where_hagan_is_accurate() -> None:
    # Short maturity, near the money: Hagan's expansion is accurate to well below the
    # Monte Carlo error of 200,000 paths.
    F = 0.03
    strikes = F * np.array([0.9, 0.95, 1.0, 1.05, 1.1])
    args = (0.25, 0.02, 0.5, -0.3, 0.4)
    surface = sabr_monte_carlo(F, strikes, *args, n_paths=200_000, n_steps=100, seed=5)
    hagan = hagan_lognormal_vol(F, strikes, *args)
    assert np.all(np.abs(surface.vols - hagan) < 4 * surface.vol_errors + 5e-4)


def test_monte_carlo_is_seeded_and_keeps_the_forward_non_negative() -> None:
    args = (0.02, [0.01, 0.02, 0.03], 10.0, 0.03, 0.2, 0.0, 0.8)
    a = sabr_monte_carlo(*args, n_paths=2_000, n_steps=50, seed=9)
    b = sabr_monte_carlo(*args, n_paths=2_000, n_steps=50, seed=9)
    c = sabr_monte_carlo(*args, n_paths=2_000, n_steps=50, seed=10)
    np.testing.assert_array_equal(a.prices, b.prices)
    assert not np.array_equal(a.prices, c.prices)
    # Absorbed at zero, never below: call prices stay within no-arbitrage bounds.
    assert np.all(a.prices <= 0.02) and np.all(
        a.prices >= np.maximum(0.02 - np.array([0.01, 0.02, 0.03]), 0)
    )


def test_antithetic_variates_reduce_the_error() -> None:
    args = (0.03, [0.03], 1.0, 0.2, 1.0, 0.0, 0.3)
    plain = sabr_monte_carlo(*args, n_paths=20_000, n_steps=20, seed=2, antithetic=False)
    paired = sabr_monte_carlo(*args, n_paths=20_000, n_steps=20, seed=2, antithetic=True)
    assert paired.price_errors[0] < plain.price_errors[0]
