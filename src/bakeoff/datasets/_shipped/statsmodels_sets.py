"""Datasets that ship inside statsmodels (a core dependency, always installed)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from bakeoff.datasets._registry import register_dataset

if TYPE_CHECKING:
    import pandas as pd


def _load(module: str) -> pd.DataFrame:
    frame = importlib.import_module(f"statsmodels.datasets.{module}").load_pandas().data
    return frame.reset_index(drop=True)


@register_dataset(
    "anes96",
    target="vote",
    task="classification",
    description="1996 US presidential vote (Clinton or Dole, 58/42) from party id, "
    "ideology, age, education, income and media use",
    source="statsmodels: statsmodels.datasets.anes96",
    package="statsmodels",
    rows=944,
    n_numeric=10,
    n_categorical=0,
    license="Public domain (statsmodels' COPYRIGHT note)",
    citation="Rosenstone, S. J., Kinder, D. R. & Miller, W. E. (1997). American National "
    "Election Study, 1996. ICPSR.",
)
def anes96() -> pd.DataFrame:
    return _load("anes96")


@register_dataset(
    "randhie",
    target="mdvis",
    task="regression",
    description="Outpatient visits in the RAND health insurance experiment (a count, "
    "20,190 person-years) from coinsurance, income and health",
    source="statsmodels: statsmodels.datasets.randhie",
    package="statsmodels",
    rows=20190,
    n_numeric=9,
    n_categorical=0,
    license="Public domain (statsmodels' COPYRIGHT note)",
    citation="Manning, W. G. et al. (1987). Health insurance and the demand for medical "
    "care: evidence from a randomized experiment. American Economic Review 77(3), "
    "251-277.",
)
def randhie() -> pd.DataFrame:
    return _load("randhie")


@register_dataset(
    "fair",
    target="affairs",
    task="regression",
    description="Time spent in extramarital affairs (1974 survey of women) from marriage "
    "rating, age, children, religiousness, education and coded occupations",
    source="statsmodels: statsmodels.datasets.fair",
    package="statsmodels",
    types={"occupation": "categorical", "occupation_husb": "categorical"},
    rows=6366,
    n_numeric=6,
    n_categorical=2,
    license="Included in statsmodels with permission of the author",
    citation="Fair, R. C. (1978). A theory of extramarital affairs. Journal of Political "
    "Economy 86(1), 45-61.",
)
def fair() -> pd.DataFrame:
    return _load("fair")
