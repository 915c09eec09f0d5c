"""The synthesis task: a generator fits the budget's rows, its sample is scored, and the
outer test rows never reach it."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

import bakeoff
from bakeoff import metrics
from bakeoff.datasets import Dataset, register_frame
from bakeoff.exceptions import SpecError
from bakeoff.metrics import SynthesisTables, register_metric
from bakeoff.models import Generator, Model, register_model
from bakeoff.tuning import SearchSpace

#: Every table a recording generator was fitted on, and every table a recording metric
#: scored, in this process (the studies below run inline, n_jobs=1).
FITTED: list[pd.DataFrame] = []
SCORED: list[SynthesisTables] = []


class _Recorder:
    """A generator that remembers its training table and returns it, with noise."""

    def __init__(self, noise: float, random_state: int) -> None:
        self.noise = noise
        self.random_state = random_state

    def fit(
        self,
        table: pd.DataFrame,
        kinds: Mapping[str, str],
        *,
        on_epoch: Callable[[int, int], None] | None = None,
    ) -> _Recorder:
        FITTED.append(table.copy())
        for epoch in range(1, 4):  # three "epochs", reported as a network's would be
            if on_epoch is not None:
                on_epoch(epoch, 3)
        self.table = table.reset_index(drop=True)
        self.kinds = dict(kinds)
        return self

    def sample(self, n_rows: int) -> pd.DataFrame:
        rng = np.random.default_rng(self.random_state)
        sample = self.table.sample(n_rows, replace=True, random_state=self.random_state)
        sample = sample.reset_index(drop=True)
        sample["x"] = sample["x"] + rng.normal(0, self.noise, n_rows)
        return sample


class RecordingGenerator(Model):
    name = "test_recording_generator"
    tasks = ("synthesis",)

    def search_space(self) -> SearchSpace:
        return SearchSpace({"noise": {"type": "float", "low": 0.0, "high": 2.0}})

    def param_names(self, task: str) -> set[str] | None:
        return {"noise"}

    def build(self, params: Mapping[str, Any], *, task: str, random_state: int) -> Generator:
        assert task == "synthesis"
        return _Recorder(float(params.get("noise", 0.0)), random_state)


register_model(RecordingGenerator(), replace=True)


@register_metric("test_x_mean_gap", direction="minimize", tasks=("synthesis",), replace=True)
def _x_mean_gap(tables: SynthesisTables) -> float:
    """|mean x real − mean x synthetic|, recording what it was given."""
    SCORED.append(tables)
    return float(abs(tables.real["x"].mean() - tables.synthetic["x"].mean()))


@register_metric("test_holdout_rows", direction="maximize", tasks=("synthesis",), replace=True)
def _holdout_rows(tables: SynthesisTables) -> float:
    """How many real rows the generator never saw were scored against."""
    return float(len(tables.holdout))


def _table(n: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            # A unique tag per row (a non-integer number, so not read as an id):
            # which rows a generator saw is read off it.
            "tag": np.arange(n) + 0.5,
            "x": rng.normal(size=n),
            "colour": rng.choice(["red", "green"], size=n),
            "y": rng.choice(["a", "b"], size=n),
        }
    )


@pytest.fixture
def synthesis_study(store_url: str) -> Callable[..., bakeoff.Study]:
    register_frame("synthesis_toy", _table(), target="y", replace=True)
    FITTED.clear()
    SCORED.clear()

    def make(**overrides: Any) -> bakeoff.Study:
        spec: dict[str, Any] = {
            "study": "synthesis_toy",
            "datasets": [{"name": "synthesis_toy", "task": "synthesis"}],
            "models": ["test_recording_generator"],
            "budgets": [60],
            "seeds": 1,
            "split": {"test_size": 0.25},
            "tuning": {"n_trials": 3},
            "metrics": ["test_x_mean_gap", "test_holdout_rows"],
        }
        spec.update(overrides)
        return bakeoff.Study(**spec)

    return make


def test_the_test_split_never_reaches_the_generator(
    synthesis_study: Callable[..., bakeoff.Study], store_url: str
) -> None:
    summary = synthesis_study().run(storage=store_url, n_jobs=1, progress=False)
    assert summary.exit_code == 0
    all_tags = set(_table()["tag"])
    # 3 trials and the refit: 4 fits, and the metric saw 3 validations and the test.
    assert len(FITTED) == 4 and len(SCORED) == 4
    test_tags = set(SCORED[-1].holdout["tag"])
    # 25 % of 120 rows are the outer test split; the budget is 60 of the other 90.
    assert len(test_tags) == math.ceil(0.25 * 120)
    seen = set().union(*(set(t["tag"]) for t in FITTED))
    assert not seen & test_tags
    assert seen <= all_tags - test_tags
    # The refit uses the whole budget; each trial fits the budget less its validation
    # rows (25 % of 60 = 15), which are scored and never fitted.
    refit = set(FITTED[-1]["tag"])
    assert len(refit) == 60 and len(FITTED[-1]) == 60
    for fitted, scored in zip(FITTED[:-1], SCORED[:-1], strict=True):
        validation = set(scored.holdout["tag"])
        assert len(validation) == 15 and len(fitted) == 45
        assert not validation & set(fitted["tag"])
        assert validation | set(fitted["tag"]) == refit
        # What the metric calls the real rows is what the generator was fitted on.
        assert set(scored.real["tag"]) == set(fitted["tag"])
    assert set(SCORED[-1].real["tag"]) == refit


def test_a_synthesis_cell_stores_its_scores_and_no_predictions(
    synthesis_study: Callable[..., bakeoff.Study], store_url: str
) -> None:
    assert synthesis_study().run(storage=store_url, n_jobs=1, progress=False).exit_code == 0
    results = bakeoff.results("synthesis_toy", storage=store_url)
    row = results.iloc[0]
    assert row["status"] == "complete" and row["n_train"] == 60 and row["n_test"] == 30
    assert row["test_test_holdout_rows"] == 30
    # The gap of the refit's sample, recomputed here from the tables it was given.
    final = SCORED[-1]
    expected = abs(final.real["x"].mean() - final.synthetic["x"].mean())
    assert row["test_test_x_mean_gap"] == pytest.approx(expected)
    assert bakeoff.predictions("synthesis_toy", storage=store_url).empty


def test_two_metrics_are_searched_together_by_default(
    synthesis_study: Callable[..., bakeoff.Study], store_url: str
) -> None:
    assert synthesis_study().run(storage=store_url, n_jobs=1, progress=False).exit_code == 0
    engine = sa.create_engine(store_url)
    with engine.connect() as connection:
        search = json.loads(
            connection.execute(sa.text("SELECT search_json FROM bakeoff_cells")).scalar()
        )
    engine.dispose()
    assert search["objectives"] == ["test_x_mean_gap", "test_holdout_rows"]
    assert search["selection"]["rule"] == "knee"


def test_one_metric_is_searched_alone(
    synthesis_study: Callable[..., bakeoff.Study], store_url: str
) -> None:
    study = synthesis_study(metrics=["test_x_mean_gap"])
    assert study.run(storage=store_url, n_jobs=1, progress=False).exit_code == 0
    trials = bakeoff.trials("synthesis_toy", storage=store_url)
    # The chosen trial is the one with the smallest gap (the metric is minimised).
    best = bakeoff.results("synthesis_toy", storage=store_url).iloc[0]
    assert best["cv_test_x_mean_gap"] == pytest.approx(trials["value"].min())


def test_synthesis_trials_run_under_trial_limits_in_their_own_process(
    synthesis_study: Callable[..., bakeoff.Study], store_url: str
) -> None:
    # A trial limit runs each trial in a forked child: the scores come back from it.
    study = synthesis_study(tuning={"n_trials": 2, "trial_timeout": 60})
    assert study.run(storage=store_url, n_jobs=1, progress=False).exit_code == 0
    trials = bakeoff.trials("synthesis_toy", storage=store_url)
    assert list(trials["state"]) == ["COMPLETE", "COMPLETE"]
    assert trials["value_test_holdout_rows"].tolist() == [15.0, 15.0]


def test_the_same_spec_gives_the_same_scores(
    synthesis_study: Callable[..., bakeoff.Study], tmp_path: Path
) -> None:
    scores = []
    for run in range(2):
        url = f"sqlite:///{tmp_path / f'run{run}.db'}"
        assert synthesis_study().run(storage=url, n_jobs=1, progress=False).exit_code == 0
        scores.append(bakeoff.results("synthesis_toy", storage=url)["test_test_x_mean_gap"][0])
    assert scores[0] == scores[1]


def test_a_dataset_declared_synthesis_keeps_its_target_kind() -> None:
    dataset = Dataset("toy", _table(), target="y", task="synthesis")
    assert dataset.task == "synthesis" and dataset.target_task == "classification"
    regression = Dataset("toy_r", _table(), target="x").for_synthesis()
    assert regression.task == "synthesis" and regression.target_task == "regression"
    assert regression.fingerprint == Dataset("toy_r", _table(), target="x").fingerprint


def test_a_supervised_model_is_not_paired_with_a_synthesis_dataset(
    synthesis_study: Callable[..., bakeoff.Study],
) -> None:
    study = synthesis_study(models=["logistic_regression"], metrics=None)
    with pytest.raises(SpecError, match="the design is empty"):
        study.cells()


def test_a_prediction_metric_refuses_to_score_tables() -> None:
    with pytest.raises(ValueError, match="scores predictions"):
        metrics.get("accuracy").score_tables(None)  # type: ignore[arg-type]


def test_a_prediction_metric_in_a_synthesis_study_is_refused(
    synthesis_study: Callable[..., bakeoff.Study],
) -> None:
    with pytest.raises(SpecError, match="metric 'accuracy' does not apply to synthesis"):
        synthesis_study(metrics=["accuracy"]).cells()


def test_a_generators_epochs_reach_the_progress_display(
    synthesis_study: Callable[..., bakeoff.Study], store_url: str
) -> None:
    from rich.console import Console

    from bakeoff._progress import RunDisplay

    events: list[dict[str, Any]] = []
    study = synthesis_study(tuning={"n_trials": 1})
    assert (
        study.run(storage=store_url, n_jobs=1, progress=False, on_event=events.append).exit_code
        == 0
    )
    epochs = [(e["stage"], e["done"], e["total"]) for e in events if e["event"] == "epoch"]
    # The first epoch and the last of each fit (the others fall within the same second).
    assert epochs == [("trial", 1, 3), ("trial", 3, 3), ("refit", 1, 3), ("refit", 3, 3)]
    console = Console(record=True, width=200, force_terminal=False)
    display = RunDisplay(console, total=1, done=0)
    started = next(e for e in events if e["event"] == "cell_started")
    display.on_event(started)
    display.on_event(next(e for e in events if e["event"] == "epoch"))
    console.print(display._render())
    # During the first trial: no trial done yet, its fit at epoch 1 of 3.
    assert "0/1 (epoch 1/3)" in console.export_text()


def test_task_synthesis_on_a_suite_applies_to_every_member(
    synthesis_study: Callable[..., bakeoff.Study],
) -> None:
    study = synthesis_study(
        datasets=[{"suite": "classification-small", "task": "synthesis", "exclude": ["digits"]}],
        budgets=["full"],
    )
    datasets = study.resolve().datasets
    assert len(datasets) >= 2
    assert {d.task for d in datasets.values()} == {"synthesis"}
    assert {d.target_task for d in datasets.values()} == {"classification"}
    # Each member's cells pair with the generator; none is skipped.
    assert len(study.cells()) == len(datasets)


def test_task_synthesis_on_a_file(
    synthesis_study: Callable[..., bakeoff.Study], tmp_path: Path
) -> None:
    path = tmp_path / "table.csv"
    _table().to_csv(path, index=False)
    study = synthesis_study(
        datasets=[{"name": "from_file", "path": str(path), "target": "y", "task": "synthesis"}]
    )
    dataset = study.resolve().datasets["from_file"]
    assert dataset.task == "synthesis" and dataset.target_task == "classification"


def test_a_weighted_selection_refits_the_best_weighted_trial(
    synthesis_study: Callable[..., bakeoff.Study], store_url: str
) -> None:
    # All the weight on the gap (the other objective is the same in every trial): the
    # refitted trial is the one with the smallest gap.
    tuning = {
        "n_trials": 4,
        "objectives": ["test_x_mean_gap", "test_holdout_rows"],
        "selection": "weighted",
        "weights": {"test_x_mean_gap": 1.0, "test_holdout_rows": 0.0},
    }
    assert (
        synthesis_study(tuning=tuning).run(storage=store_url, n_jobs=1, progress=False).exit_code
        == 0
    )
    trials = bakeoff.trials("synthesis_toy", storage=store_url)
    chosen = bakeoff.pareto("synthesis_toy", storage=store_url).query("chosen")
    assert chosen["value_test_x_mean_gap"].item() == trials["value_test_x_mean_gap"].min()
    assert "weighted" in chosen["reason"].item()
