"""Small datasets that ship inside scikit-learn and load offline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from sklearn import datasets as skd

from bakeoff.datasets._registry import register_dataset

_SOURCE = "scikit-learn sklearn.datasets.{}"


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
    description="Fisher's iris flowers: 150 rows, 4 numeric features, 3 species",
    source=_SOURCE.format("load_iris"),
)
def iris() -> pd.DataFrame:
    return _with_class_names(skd.load_iris)


@register_dataset(
    "wine",
    target="target",
    task="classification",
    description="Wine cultivars from chemical analysis: 178 rows, 13 numeric features, 3 classes",
    source=_SOURCE.format("load_wine"),
)
def wine() -> pd.DataFrame:
    return _with_class_names(skd.load_wine)


@register_dataset(
    "breast_cancer",
    target="target",
    task="classification",
    description="Wisconsin diagnostic breast cancer: 569 rows, 30 numeric features, binary",
    source=_SOURCE.format("load_breast_cancer"),
)
def breast_cancer() -> pd.DataFrame:
    return _with_class_names(skd.load_breast_cancer)


@register_dataset(
    "digits",
    target="target",
    task="classification",
    description="Handwritten digits, 8x8 pixels: 1,797 rows, 64 numeric features, 10 classes",
    source=_SOURCE.format("load_digits"),
)
def digits() -> pd.DataFrame:
    return skd.load_digits(as_frame=True).frame


@register_dataset(
    "diabetes",
    target="target",
    task="regression",
    description="Diabetes progression after one year: 442 rows, 10 numeric features",
    source=_SOURCE.format("load_diabetes"),
)
def diabetes() -> pd.DataFrame:
    return skd.load_diabetes(as_frame=True).frame
