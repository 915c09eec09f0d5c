"""Meta-features of a dataset.

For the "which dataset properties predict performance" question: size, feature types,
classes, missingness and two complexity landmarks.

Computed once per dataset content and cached as JSON under the user's cache folder
(``$BAKEOFF_CACHE``, else ``$XDG_CACHE_HOME/bakeoff``, else ``~/.cache/bakeoff``), keyed
by the dataset's fingerprint.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
from sklearn.decomposition import PCA
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeRegressor

from bakeoff._seeding import derive_seed
from bakeoff.datasets._base import Dataset
from bakeoff.datasets._cache import cache_dir, write_cache_file

__all__ = ["META_FEATURES", "compute_meta_features", "meta_features"]

#: Landmarks and PCA look at a seeded sample of at most this many rows.
SAMPLE_ROWS = 2000

#: Name and meaning of every meta-feature.
META_FEATURES = {
    "rows": "rows",
    "features": "feature columns",
    "numeric_share": "share of features that are numeric",
    "categorical_share": "share of features that are categorical or boolean",
    "mean_categorical_cardinality": "mean number of levels of the categorical features",
    "missing_share": "share of missing feature cells",
    "classes": "number of classes (classification)",
    "class_imbalance": "majority class count / minority class count (classification)",
    "target_skew": "skewness of the target (regression)",
    "intrinsic_dimension_pca95": "principal components explaining 95% of the variance of "
    "the encoded, standardised features",
    "landmark": "5-fold CV accuracy of 1-nearest-neighbour (classification) or R² of a "
    "decision stump (regression)",
}


def meta_features(dataset: Dataset) -> dict[str, float | None]:
    """The dataset's meta-features, from the cache when computed before."""
    path = cache_dir() / "meta" / f"{dataset.fingerprint}.json"
    if path.is_file():
        try:
            return dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            pass  # an unreadable cache entry is recomputed
    values = compute_meta_features(dataset)
    write_cache_file(path, json.dumps(values).encode("utf-8"))
    return values


def compute_meta_features(dataset: Dataset) -> dict[str, float | None]:
    """Compute the meta-features of ``dataset`` (see :data:`META_FEATURES`).

    The two complexity measures are ``None`` when the table is too small for them.
    """
    X, y = dataset.X, dataset.y
    categorical = dataset.categorical_columns
    numeric = dataset.numeric_columns
    n_features = X.shape[1]
    classification = dataset.target_task == "classification"
    values: dict[str, float | None] = {
        "rows": float(len(X)),
        "features": float(n_features),
        "numeric_share": len(numeric) / n_features,
        "categorical_share": len(categorical) / n_features,
        "mean_categorical_cardinality": float(np.mean([X[c].nunique() for c in categorical]))
        if categorical
        else 0.0,
        "missing_share": float(X.isna().to_numpy().mean()),
        "classes": None,
        "class_imbalance": None,
        "target_skew": None,
    }
    if classification:
        counts = y.value_counts()
        values["classes"] = float(len(counts))
        values["class_imbalance"] = float(counts.max() / counts.min())
    else:
        values["target_skew"] = float(y.astype(float).skew())
    try:
        values.update(_complexity(dataset, classification))
    except Exception:  # too few rows or classes for 5 folds: unknown, not a failed study
        values.update(intrinsic_dimension_pca95=None, landmark=None)
    return values


def _complexity(dataset: Dataset, classification: bool) -> dict[str, float | None]:
    """PCA intrinsic dimension and the landmark score, on a seeded sample of rows."""
    from bakeoff.datasets._preprocess import pipeline_for

    X, y = dataset.X, dataset.y
    values: dict[str, float | None] = {}
    rng = np.random.default_rng(derive_seed(dataset.fingerprint, "meta-features"))
    rows = np.sort(rng.permutation(len(X))[:SAMPLE_ROWS])
    Xs, ys = X.iloc[rows], y.to_numpy()[rows]
    encode = pipeline_for(dataset, PCA(), scale=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        encoded = encode[:-1].fit_transform(Xs)
        explained = PCA().fit(encoded).explained_variance_ratio_
        values["intrinsic_dimension_pca95"] = float(np.searchsorted(np.cumsum(explained), 0.95) + 1)
        seed = derive_seed(dataset.fingerprint, "landmark")
        if classification:
            estimator = pipeline_for(dataset, KNeighborsClassifier(n_neighbors=1), scale=True)
            smallest = int(np.unique(ys, return_counts=True)[1].min())
            folds = (
                StratifiedKFold(5, shuffle=True, random_state=seed)
                if smallest >= 5
                else (KFold(5, shuffle=True, random_state=seed))
            )
            scores = cross_val_score(estimator, Xs, ys, cv=folds, scoring="accuracy")
        else:
            estimator = pipeline_for(dataset, DecisionTreeRegressor(max_depth=1), scale=False)
            scores = cross_val_score(
                estimator, Xs, ys, cv=KFold(5, shuffle=True, random_state=seed), scoring="r2"
            )
    values["landmark"] = float(np.mean(scores))
    return values
