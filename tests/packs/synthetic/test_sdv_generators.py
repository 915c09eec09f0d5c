"""SDV's generators through bakeoff: each fits and samples a table like its input."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.packs.synthetic.sdv_required import require_sdv

require_sdv()

import bakeoff.packs.synthetic  # noqa: E402, F401  (registers the generators)
from bakeoff import models  # noqa: E402
from bakeoff.datasets import Dataset  # noqa: E402
from bakeoff.packs.synthetic._sdv import sdv_metadata  # noqa: E402
from bakeoff.protocol._synthesis import column_kinds  # noqa: E402

TINY = {"epochs": 2, "batch_size": 100, "pac": 2}
SETTINGS = {
    "gaussian_copula": {"default_distribution": "norm"},
    "ctgan": TINY,
    "tvae": {"epochs": 2, "batch_size": 100},
    "copulagan": {**TINY, "default_distribution": "norm"},
}


def mixed_table(n: int = 120) -> Dataset:
    """Numbers, text categories, a true/false column, dates, and a class target."""
    frame = pd.DataFrame(
        {
            "amount": [float(i % 17) * 1.5 for i in range(n)],
            "count": [i % 7 for i in range(n)],
            "colour": [["red", "green", "blue"][i % 3] for i in range(n)],
            "flag": [i % 4 == 0 for i in range(n)],
            "when": pd.date_range("2021-01-01", periods=n, freq="D"),
            "label": [["yes", "no"][i % 2] for i in range(n)],
        }
    )
    return Dataset("mixed", frame, target="label", task="synthesis")


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_each_generator_samples_a_table_with_the_inputs_columns_and_types(name: str) -> None:
    dataset = mixed_table()
    model = models.get(name)
    params = {**model.default_params(), **SETTINGS[name]}
    generator = model.build(params, task="synthesis", random_state=3)
    generator.fit(dataset.frame, column_kinds(dataset))
    sample = generator.sample(50)
    assert list(sample.columns) == list(dataset.frame.columns) and len(sample) == 50
    assert pd.api.types.is_float_dtype(sample["amount"])
    assert (
        pd.api.types.is_integer_dtype(sample["count"])
        or sample["count"].dropna().map(float.is_integer).all()
    )
    assert set(sample["colour"].dropna()) <= {"red", "green", "blue"}
    assert pd.api.types.is_bool_dtype(sample["flag"])
    assert pd.api.types.is_datetime64_any_dtype(sample["when"])
    assert set(sample["label"].dropna()) <= {"yes", "no"}
    # Seeded: the same seed and data give the same table.
    again = model.build(params, task="synthesis", random_state=3)
    again.fit(dataset.frame, column_kinds(dataset))
    pd.testing.assert_frame_equal(again.sample(50), sample)


@pytest.mark.parametrize("name", ["ctgan", "gaussian_copula"])
def test_a_column_named_self_is_fitted_and_comes_back_under_its_name(name: str) -> None:
    # ctgan's transformer passes column names as keywords to DataFrame.assign, whose
    # first parameter is "self" (Wooldridge's loanapp has such a column); a column
    # "self_" beside it must keep its own name and values.
    dataset = mixed_table()
    frame = dataset.frame.copy()
    frame["self"], frame["self_"] = frame["amount"] * 2, frame["count"]
    dataset = Dataset("selfish", frame, target="label", task="synthesis")
    model = models.get(name)
    generator = model.build(
        {**model.default_params(), **SETTINGS[name]}, task="synthesis", random_state=3
    )
    sample = generator.fit(dataset.frame, column_kinds(dataset)).sample(40)
    assert list(sample.columns) == list(frame.columns)
    assert sample["self"].between(frame["self"].min(), frame["self"].max()).all()
    assert set(sample["self_"]) <= set(frame["self_"])


def test_metadata_follows_the_feature_kinds_and_takes_overrides() -> None:
    dataset = mixed_table()
    kinds = column_kinds(dataset)
    columns = sdv_metadata(dataset.frame, kinds).to_dict()["tables"]["table"]["columns"]
    assert {c: v["sdtype"] for c, v in columns.items()} == {
        "amount": "numerical",
        "count": "numerical",
        "colour": "categorical",
        "flag": "boolean",
        "when": "datetime",
        "label": "categorical",
    }
    # Two text labels are bakeoff's boolean kind but SDV's categorical.
    two_labels = pd.DataFrame({"sex": ["f", "m"] * 5, "y": range(10)})
    assert (
        sdv_metadata(two_labels, {"sex": "boolean", "y": "numeric"}).to_dict()["tables"]["table"][
            "columns"
        ]["sex"]["sdtype"]
        == "categorical"
    )
    overridden = sdv_metadata(dataset.frame, kinds, {"count": "categorical"}).to_dict()
    assert overridden["tables"]["table"]["columns"]["count"]["sdtype"] == "categorical"
    with pytest.raises(ValueError, match="nope"):
        sdv_metadata(dataset.frame, kinds, {"nope": "categorical"})


@pytest.mark.parametrize("name", ["ctgan", "tvae"])
def test_the_networks_report_every_epoch(name: str) -> None:
    dataset = mixed_table()
    seen: list[tuple[int, int]] = []
    model = models.get(name)
    params = {**model.default_params(), **SETTINGS[name], "epochs": 3}
    generator = model.build(params, task="synthesis", random_state=0)
    generator.fit(dataset.frame, column_kinds(dataset), on_epoch=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    # The library's loop is restored afterwards.
    import ctgan.synthesizers.ctgan as module

    assert module.tqdm.__module__.startswith("tqdm")


def test_a_network_trains_in_a_forked_trial_after_one_trained_here(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # A trial limit forks each trial: a forked child must not hang on the parent's
    # PyTorch threads (they are not inherited), after a fit in the parent.
    import bakeoff

    spec = {
        "study": "forked",
        "datasets": [{"name": "penguins", "task": "synthesis"}],
        "models": [
            {"name": "ctgan", "params": {**TINY, "embedding_dim": 16}, "tune": False},
            {
                "name": "ctgan",
                "label": "ctgan_tuned",
                "params": TINY,
                "search_space": {"generator_dim": {"type": "categorical", "choices": ["32,32"]}},
            },
        ],
        "budgets": [60],
        "tuning": {"n_trials": 1, "trial_timeout": 120},
        "metrics": ["quality_score"],
    }
    url = f"sqlite:///{tmp_path / 'forked.db'}"
    summary = bakeoff.Study(**spec).run(storage=url, n_jobs=1, progress=False)
    assert summary.exit_code == 0, summary.describe()
