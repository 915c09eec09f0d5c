"""split.kind: leave_one_group_out, Dirichlet-resampled test sets, training scores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import bakeoff
from bakeoff.protocol import dirichlet_resamples
from tests.conftest import run_cli


def grouped_csv(tmp_path: Path, n_per_site: int = 120) -> Path:
    rng = np.random.default_rng(0)
    frames = []
    for i, site in enumerate(["north", "south", "east west"]):
        x = rng.normal(size=(n_per_site, 3))
        label = np.where(x[:, 0] + 0.3 * i + rng.normal(0, 0.5, n_per_site) > 0, "yes", "no")
        frame = pd.DataFrame(x, columns=["a", "b", "c"])
        frame["site"] = site
        frame["label"] = label
        frames.append(frame)
    path = tmp_path / "sites.csv"
    pd.concat(frames, ignore_index=True).to_csv(path, index=False)
    return path


def grouped_study(tmp_path: Path, **split: Any) -> dict[str, Any]:
    return {
        "study": "groups",
        "datasets": [{"name": "sites", "path": str(grouped_csv(tmp_path)), "target": "label"}],
        "models": [{"name": "logistic_regression", "tune": False}],
        "metrics": ["accuracy", "balanced_accuracy"],
        "budgets": [60, "full"],
        "seeds": 2,
        "split": {"kind": "leave_one_group_out", "group": "site", **split},
        "tuning": {"cv": 3},
    }


def test_leaving_a_site_out_tests_on_that_site_only_and_trains_on_the_others(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    study = bakeoff.Study(**grouped_study(tmp_path))
    assert study.run(storage=url, progress=False).exit_code == 0
    frame = pd.read_csv(tmp_path / "sites.csv")
    results = bakeoff.results("groups", storage=url)
    # One dataset per site, named after it (a space is not allowed in a name).
    assert sorted(results["dataset"].unique()) == ["sites.east_west", "sites.north", "sites.south"]
    predictions = bakeoff.predictions("groups", storage=url)
    for dataset, rows in predictions.groupby("dataset"):
        site = {"sites.east_west": "east west"}.get(dataset, dataset.split(".")[1])
        # Every test row is the held-out site's, and all of its rows are tested.
        assert set(frame.loc[rows["row"].unique(), "site"]) == {site}
        assert rows["row"].nunique() == (frame["site"] == site).sum()
    full = results[results["budget"] == np.inf]
    assert (full["n_train"] == 240).all()  # the two other sites
    assert (results[results["budget"] == 60]["n_train"] == 60).all()


def test_the_group_column_is_not_a_feature(tmp_path: Path) -> None:
    study = bakeoff.Study(**grouped_study(tmp_path))
    datasets = study.resolve().datasets
    assert all("site" not in d.X.columns for d in datasets.values())


@pytest.mark.parametrize(
    ("split", "expected"),
    [
        ({"group": "town"}, "has no column 'town'"),
        ({"group": None}, "needs `group`"),
        ({"kind": "kfold"}, "kfold splits rows"),
        ({"test_size": 0.3}, "`test_size` is for kind: holdout"),
    ],
)
def test_a_wrong_group_split_is_exit_2_and_writes_nothing(
    tmp_path: Path, split: dict[str, Any], expected: str
) -> None:
    import yaml

    spec = grouped_study(tmp_path, **split)
    spec["split"] = {k: v for k, v in spec["split"].items() if v is not None}
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec))
    done = run_cli("run", str(path), "--storage", f"sqlite:///{tmp_path / 'x.db'}")
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.db").exists()


def test_dirichlet_draws_have_dirichlet_compositions() -> None:
    # With many rows per draw the multinomial noise is small, so the share of each
    # class across draws follows the Dirichlet's marginal: Beta(alpha, (K-1) alpha).
    y = np.repeat(np.array(["a", "b", "c", "d"]), [50, 300, 150, 500])
    draws = dirichlet_resamples(y, draws=1500, alpha=1.0, seed=3)
    assert all(len(d) == len(y) for d in draws)
    shares = np.array([[np.mean(y[d] == c) for c in "abcd"] for d in draws])
    for j in range(4):
        assert stats.kstest(shares[:, j], stats.beta(1.0, 3.0).cdf).pvalue > 0.001
    # Rows of a class are drawn from that class's rows only.
    assert set(np.concatenate(draws)) <= set(range(len(y)))
    # A large alpha gives compositions close to even, whatever the test split's.
    even = dirichlet_resamples(y, draws=50, alpha=1e5, seed=3)
    assert np.allclose([np.mean(y[d] == "a") for d in even], 0.25, atol=0.05)


def test_dirichlet_scores_center_on_the_composition_free_score(tmp_path: Path) -> None:
    # Over Dirichlet(1) compositions every class is equally likely on average, so the
    # expected accuracy of a re-sampled test set is the mean per-class recall (balanced
    # accuracy) of the stored predictions, whatever the test split's own composition.
    from sklearn.metrics import balanced_accuracy_score

    url = f"sqlite:///{tmp_path / 'd.db'}"
    spec = grouped_study(tmp_path, dirichlet_draws=400)
    spec["budgets"] = ["full"]
    spec["seeds"] = 1
    assert bakeoff.Study(**spec).run(storage=url, progress=False).exit_code == 0
    results = bakeoff.results("groups", storage=url).set_index("dataset")
    predictions = bakeoff.predictions("groups", storage=url)
    for dataset, rows in predictions.groupby("dataset"):
        stored = results.loc[dataset]
        balanced = balanced_accuracy_score(rows["y_true"], rows["y_pred"])
        assert stored["sd_test_accuracy"] > 0
        error = 4 * stored["sd_test_accuracy"] / np.sqrt(400)
        assert abs(stored["test_accuracy"] - balanced) < error + 0.01, dataset


def test_training_scores_are_the_refitted_models_own(tmp_path: Path) -> None:
    # A majority-class model scores the training rows' majority share on them: known
    # from the data alone.
    from sklearn.dummy import DummyClassifier

    bakeoff.models.register_estimator("majority", DummyClassifier, replace=True)
    url = f"sqlite:///{tmp_path / 't.db'}"
    spec = grouped_study(tmp_path)
    spec["models"] = [{"name": "majority", "tune": False}]
    spec["budgets"] = ["full"]
    assert bakeoff.Study(**spec).run(storage=url, progress=False).exit_code == 0
    frame = pd.read_csv(tmp_path / "sites.csv")
    results = bakeoff.results("groups", storage=url)
    for row in results.itertuples():
        site = {"sites.east_west": "east west"}.get(row.dataset, row.dataset.split(".")[1])
        training = frame.loc[frame["site"] != site, "label"]
        assert row.train_accuracy == pytest.approx(training.value_counts(normalize=True).max())
    gaps = bakeoff.analysis.overfitting(results)
    assert list(gaps["model"]) == ["majority"]
    expected = results["train_accuracy"] - results["cv_accuracy"]
    assert gaps.loc[0, "gap_cv"] == pytest.approx(expected.mean())
    low, high = stats.t.interval(0.95, len(expected) - 1, expected.mean(), stats.sem(expected))
    assert (gaps.loc[0, "gap_cv_low"], gaps.loc[0, "gap_cv_high"]) == pytest.approx((low, high))


def test_default_split_settings_keep_the_cell_keys() -> None:
    from tests.conftest import tiny_study

    spec = tiny_study(seeds=1, budgets=["full"])
    plain = sorted(c.key for c in bakeoff.Study(**spec).cells())
    spec["split"] = {"kind": "holdout", "test_size": 0.25, "dirichlet_draws": 0}
    assert sorted(c.key for c in bakeoff.Study(**spec).cells()) == plain
    spec["split"]["dirichlet_draws"] = 10
    assert not set(c.key for c in bakeoff.Study(**spec).cells()) & set(plain)


def test_outer_kfold_tests_every_row_exactly_once_with_stratified_folds(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    spec = grouped_study(tmp_path)
    spec["study"] = "kfold"
    spec["split"] = {"kind": "kfold", "folds": 4}
    assert bakeoff.Study(**spec).run(storage=url, progress=False).exit_code == 0
    frame = pd.read_csv(tmp_path / "sites.csv")
    results = bakeoff.results("kfold", storage=url)
    assert sorted(results["dataset"].unique()) == [f"sites.fold{i}" for i in range(1, 5)]
    predictions = bakeoff.predictions("kfold", storage=url)
    tested = predictions.groupby("dataset")["row"].unique()
    rows = np.concatenate(tested.to_numpy())
    # Each of the 360 rows is in one fold's test rows, and in no other.
    assert sorted(rows.tolist()) == list(range(len(frame)))
    # Stratified: each fold's share of "yes" is within one row of the whole's.
    overall = (frame["label"] == "yes").mean()
    for fold_rows in tested:
        assert abs((frame.loc[fold_rows, "label"] == "yes").mean() - overall) <= 1 / len(fold_rows)
    # The folds do not move with the cell seed: both seeds test the same rows.
    by_seed = predictions.groupby(["dataset", "seed"])["row"].apply(lambda r: sorted(r.unique()))
    for dataset in tested.index:
        assert by_seed[(dataset, 0)] == by_seed[(dataset, 1)]
    full = results[results["budget"] == np.inf]
    assert (full["n_train"] == 270).all()  # the three other folds


@pytest.mark.parametrize(
    ("split", "expected"),
    [
        ({"kind": "kfold", "folds": 1}, "folds"),
        ({"kind": "kfold", "test_size": 0.3}, "`test_size` is for kind: holdout"),
        ({"folds": 3}, "`folds: 3` is for kind: kfold"),
        ({"kind": "kfold", "folds": 400}, "has 360 rows, fewer than 400 folds"),
    ],
)
def test_a_wrong_kfold_split_is_exit_2_and_writes_nothing(
    tmp_path: Path, split: dict[str, Any], expected: str
) -> None:
    import yaml

    spec = grouped_study(tmp_path)
    spec["split"] = split
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec))
    done = run_cli("run", str(path), "--storage", f"sqlite:///{tmp_path / 'x.db'}")
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.db").exists()


def test_a_grouped_holdout_tests_whole_groups_and_keeps_inner_folds_whole(tmp_path: Path) -> None:
    from bakeoff.protocol import inner_folds

    rng = np.random.default_rng(1)
    n_groups, per_group = 30, 8
    frame = pd.DataFrame(rng.normal(size=(n_groups * per_group, 2)), columns=["a", "b"])
    frame["surface"] = np.repeat([f"s{i}" for i in range(n_groups)], per_group)
    frame["y"] = frame["a"] + rng.normal(0, 1.0, len(frame))
    path = tmp_path / "grouped.csv"
    frame.to_csv(path, index=False)
    url = f"sqlite:///{tmp_path / 'g.db'}"
    spec = {
        "study": "grouped",
        "datasets": [{"name": "grouped", "path": str(path), "target": "y"}],
        "models": [{"name": "ridge", "tune": False}],
        "metrics": ["rmse"],
        "seeds": 3,
        "split": {"kind": "holdout", "group": "surface", "test_size": 0.2},
        "tuning": {"cv": 3},
    }
    study = bakeoff.Study(**spec)
    assert all("surface" not in d.X.columns for d in study.resolve().datasets.values())
    assert study.run(storage=url, progress=False).exit_code == 0
    predictions = bakeoff.predictions("grouped", storage=url)
    tested_sets = []
    for _, rows in predictions.groupby("seed"):
        tested = frame.loc[rows["row"].unique()]
        # Every group with a tested row has all of its rows tested: whole groups only.
        assert (tested.groupby("surface").size() == per_group).all()
        assert tested["surface"].nunique() == 6  # 20 % of 30 groups
        tested_sets.append(frozenset(tested["surface"]))
    assert len(set(tested_sets)) > 1  # each seed holds out other groups
    results = bakeoff.results("grouped", storage=url)
    assert (results["n_train"] == 24 * per_group).all()
    # Inner folds keep groups whole as well.
    groups = np.repeat(np.arange(10), 4)
    for fit, val in inner_folds(np.zeros(40), n_splits=3, seed=0, stratify=False, groups=groups):
        assert not set(groups[fit]) & set(groups[val])
