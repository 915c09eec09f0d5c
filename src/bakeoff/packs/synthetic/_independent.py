"""The ``independent`` baseline: every column drawn on its own from its real marginal.

It keeps each column's distribution (its shape scores near 1) and breaks every
relation between columns (its pair trends and its utility fall to what independence
gives): the floor any generator should clear.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["IndependentGenerator"]


class IndependentGenerator:
    """Samples each column independently, with replacement, from its fitted values.

    Args:
        random_state: Seed of the sampling.
    """

    def __init__(self, *, random_state: int = 0) -> None:
        self.random_state = random_state

    def fit(
        self,
        table: pd.DataFrame,
        kinds: Mapping[str, str],
        *,
        on_epoch: Callable[[int, int], None] | None = None,
    ) -> IndependentGenerator:
        """Keep the table's columns (missing values included: they are a value too)."""
        if table.empty:
            raise ValueError("the independent generator needs at least one row to fit")
        self.columns_: dict[str, pd.Series] = {
            str(c): table[c].reset_index(drop=True) for c in table.columns
        }
        return self

    def sample(self, n_rows: int) -> pd.DataFrame:
        """``n_rows`` rows of independent columns.

        Column ``j`` draws its own positions, so columns are independent of each other.
        """
        rng = np.random.default_rng(self.random_state)
        sampled: dict[str, Any] = {}
        for name, values in self.columns_.items():
            at = rng.integers(0, len(values), size=n_rows)
            sampled[name] = values.iloc[at].reset_index(drop=True)
        return pd.DataFrame(sampled)
