"""Errors of a volatility surrogate in volatility points, overall and per region.

One volatility point is 0.01 of implied volatility (1 %). The regions follow the
moneyness K / F of the call (``log_moneyness`` = ln K/F in the ``sabr_surfaces`` rows):
in the money below 0.95, at the money from 0.95 to 1.05, out of the money above 1.05;
and the maturity: short up to one year, long beyond. A region with no scored row
scores NaN.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from bakeoff.metrics import register_metric

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["REGIONS", "region_mask"]

#: Region name to (column, low, high): rows with low <= column < high.
REGIONS: dict[str, tuple[str, float, float]] = {
    "itm": ("log_moneyness", -math.inf, math.log(0.95)),
    "atm": ("log_moneyness", math.log(0.95), math.log(1.05)),
    "otm": ("log_moneyness", math.log(1.05), math.inf),
    "short": ("maturity", 0.0, 1.0 + 1e-12),
    "long": ("maturity", 1.0 + 1e-12, math.inf),
}


def region_mask(X: pd.DataFrame, region: str) -> np.ndarray:
    """Which rows of ``X`` lie in ``region`` (a key of :data:`REGIONS`)."""
    import numpy as np

    column, low, high = REGIONS[region]
    values = X[column].to_numpy(dtype=float)
    return np.asarray((values >= low) & (values < high))


def _points(errors: np.ndarray, kind: str) -> float:
    import numpy as np

    if len(errors) == 0:
        return float("nan")
    if kind == "rmse":
        return float(np.sqrt(np.mean(errors**2)) * 100)
    return float(np.mean(np.abs(errors)) * 100)


@register_metric("rmse_vol_points", direction="minimize", tasks=("regression",))
def _rmse_points(y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any) -> float:
    """Root mean squared error in volatility points (100 × the error in volatility).

    RMSE = 100 · sqrt(mean_i (σ̂_i − σ_i)²), σ the implied volatilities.

    Source: the usual root mean squared error, quoted in volatility points as
    implied-volatility surrogates are (1 point = 0.01 of volatility); computed here.
    """
    return _points(y_pred.astype(float) - y_true.astype(float), "rmse")


@register_metric("mae_vol_points", direction="minimize", tasks=("regression",))
def _mae_points(y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any) -> float:
    """Mean absolute error in volatility points (100 × the error in volatility).

    MAE = 100 · mean_i |σ̂_i − σ_i|.

    Source: the usual mean absolute error, in volatility points; computed here.
    """
    return _points(y_pred.astype(float) - y_true.astype(float), "mae")


def _regional(kind: str, region: str) -> Any:
    def score(
        y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any, *, X: Any
    ) -> float:
        mask = region_mask(X, region)
        return _points(y_pred.astype(float)[mask] - y_true.astype(float)[mask], kind)

    column, low, high = REGIONS[region]
    score.__doc__ = (
        f"{kind.upper()} in volatility points over the {region.upper()} rows.\n\n"
        f"Rows with {low:.4g} <= {column} < {high:.4g}; NaN when none is scored.\n\n"
        f"Source: {kind}_vol_points restricted to those rows (the regions of "
        f"docs/packs/sabr.md); computed here."
    )
    # Named for what it computes, not `_regional.<locals>.score`, where it is shown.
    score.__name__ = score.__qualname__ = f"{kind}_{region}"
    return score


for _kind in ("rmse", "mae"):
    for _region, (_column, _, _) in REGIONS.items():
        register_metric(
            f"{_kind}_{_region}",
            direction="minimize",
            tasks=("regression",),
            columns=(_column,),
        )(_regional(_kind, _region))
