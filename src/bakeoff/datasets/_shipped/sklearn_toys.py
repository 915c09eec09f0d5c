"""Small datasets that ship inside scikit-learn (always installed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bakeoff.datasets._registry import register_dataset

if TYPE_CHECKING:
    import pandas as pd

_SOURCE = "scikit-learn: sklearn.datasets.{}"
_UCI = "CC BY 4.0 (UCI Machine Learning Repository)"


def _with_class_names(loader: Callable[..., Any]) -> pd.DataFrame:
    bunch = loader(as_frame=True)
    frame = bunch.frame.copy()
    names = list(bunch.target_names)
    frame["target"] = [str(names[i]) for i in frame["target"]]
    return frame


@register_dataset(
    "iris",
    target="target",
    task="classification",
    description="Fisher's iris flowers: 4 measurements, 3 species",
    source=_SOURCE.format("load_iris"),
    package="scikit-learn",
    rows=150,
    n_numeric=4,
    n_categorical=0,
    license=_UCI,
    citation="Fisher, R. A. (1936). The use of multiple measurements in taxonomic "
    "problems. Annals of Eugenics 7(2), 179-188.",
)
def iris() -> pd.DataFrame:
    from sklearn import datasets as skd

    return _with_class_names(skd.load_iris)


@register_dataset(
    "wine",
    target="target",
    task="classification",
    description="Wine cultivars from 13 chemical measurements, 3 classes",
    source=_SOURCE.format("load_wine"),
    package="scikit-learn",
    rows=178,
    n_numeric=13,
    n_categorical=0,
    license=_UCI,
    citation="Aeberhard, S. & Forina, M. (1991). Wine [Dataset]. UCI Machine Learning Repository.",
)
def wine() -> pd.DataFrame:
    from sklearn import datasets as skd

    return _with_class_names(skd.load_wine)


@register_dataset(
    "breast_cancer",
    target="target",
    task="classification",
    description="Wisconsin diagnostic breast cancer: 30 cell-nucleus features, benign or malignant",
    source=_SOURCE.format("load_breast_cancer"),
    package="scikit-learn",
    rows=569,
    n_numeric=30,
    n_categorical=0,
    license=_UCI,
    citation="Wolberg, W., Mangasarian, O., Street, N. & Street, W. (1995). Breast Cancer "
    "Wisconsin (Diagnostic) [Dataset]. UCI Machine Learning Repository.",
)
def breast_cancer() -> pd.DataFrame:
    from sklearn import datasets as skd

    return _with_class_names(skd.load_breast_cancer)


@register_dataset(
    "digits",
    target="target",
    task="classification",
    description="Handwritten digits as 8x8 pixel counts, 10 classes",
    source=_SOURCE.format("load_digits"),
    package="scikit-learn",
    rows=1797,
    n_numeric=64,
    n_categorical=0,
    license=_UCI,
    citation="Alpaydin, E. & Kaynak, C. (1998). Optical Recognition of Handwritten Digits "
    "[Dataset]. UCI Machine Learning Repository.",
)
def digits() -> pd.DataFrame:
    from sklearn import datasets as skd

    return skd.load_digits(as_frame=True).frame


@register_dataset(
    "diabetes",
    target="target",
    task="regression",
    description="Diabetes progression one year after baseline from 10 standardised measurements",
    source=_SOURCE.format("load_diabetes"),
    package="scikit-learn",
    rows=442,
    n_numeric=10,
    n_categorical=0,
    license="BSD-3-Clause (as distributed with scikit-learn)",
    citation="Efron, B., Hastie, T., Johnstone, I. & Tibshirani, R. (2004). Least angle "
    "regression. Annals of Statistics 32(2), 407-499.",
)
def diabetes() -> pd.DataFrame:
    from sklearn import datasets as skd

    return skd.load_diabetes(as_frame=True).frame
