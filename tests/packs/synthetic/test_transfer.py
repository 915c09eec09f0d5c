"""Transferring tuned settings to the nearest dataset (no SDV needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import bakeoff.packs.synthetic  # noqa: F401  (registers the pack's metrics)
from bakeoff._params_file import read_params, write_params
from bakeoff.exceptions import SpecError
from bakeoff.packs.synthetic.transfer import (
    nearest_datasets,
    transfer_comparison,
    transfer_params,
)


def test_each_dataset_takes_the_closest_other_in_standardised_meta_features() -> None:
    properties = pd.DataFrame(
        {
            # rows differ by a factor 100 in scale from the shares: standardising keeps
            # the rows from deciding alone.
            "rows": [100.0, 200.0, 5000.0, 5100.0],
            "numeric_share": [0.9, 0.1, 0.85, 0.15],
            "classes": [2.0, np.nan, 3.0, np.nan],  # only the class targets have it
            "constant": [1.0, 1.0, 1.0, 1.0],  # no spread: ignored
        },
        index=["a", "b", "c", "d"],
    )
    # By hand, standardised with the population sd: rows → ±0.98, ±1.02; shares →
    # ±1.06, ±0.93; classes → a −1, c +1. RMS distances: a–b 1.51 (rows, shares), a–c
    # 1.64 (with classes), a–d 2.02, b–d 1.42, b–c 1.98, c–d 1.32.
    scaled = (properties - properties.mean()) / properties.std(ddof=0)

    def rms(x: str, y: str) -> float:
        both = scaled[["rows", "numeric_share", "classes"]].loc[[x, y]].dropna(axis=1)
        return float(np.sqrt(((both.loc[x] - both.loc[y]) ** 2).mean()))

    expected = {
        name: min((o for o in "abcd" if o != name), key=lambda o: (rms(name, o), o))
        for name in "abcd"
    }
    assert nearest_datasets(properties) == expected
    assert expected == {"a": "b", "b": "d", "c": "d", "d": "c"}
    with pytest.raises(SpecError, match="at least two datasets"):
        nearest_datasets(properties.iloc[:1])


def exported() -> dict[str, object]:
    def entry(model: str, dataset: str, budget: int, epochs: int) -> dict[str, object]:
        return {
            "model": model,
            "model_name": model,
            "dataset": dataset,
            "budget": budget,
            "params": {"epochs": epochs},
            "objective": "tstr",
            "direction": "maximize",
            "cv_score": 0.5,
            "test_scores": {"tstr": 0.4},
            "seed": 0,
            "cell_key": "k",
            "seeds": [],
        }

    return {
        "format": "bakeoff-params/1",
        "study": "s",
        "params": [
            entry("ctgan", "a", 100, 50),
            entry("ctgan", "b", 100, 300),
            entry("ctgan", "b", 250, 500),  # a has no 250 entry: b's 250 cannot transfer
            entry("tvae", "a", 100, 150),
        ],
    }


def test_the_parameters_file_gives_each_dataset_its_neighbours_settings(tmp_path: Path) -> None:
    document = exported()
    moved = transfer_params(document, {"a": "b", "b": "a"})
    path = write_params({**moved, "format": document["format"]}, tmp_path / "moved.yaml")
    read = read_params(path)
    assert read.lookup("ctgan", "a", 100)["params"] == {"epochs": 300}
    assert read.lookup("ctgan", "a", 100)["transferred_from"] == "b"
    assert read.lookup("ctgan", "b", 100)["params"] == {"epochs": 50}
    # Nothing to take from: a has no 250 entry for b, b has no tvae entry for a.
    assert read.lookup("ctgan", "b", 250) is None
    assert read.lookup("tvae", "b", 100) is None
    assert read.lookup("tvae", "a", 100) is None
    assert len(read.entries) == 2


def results(model: str, scores: np.ndarray) -> pd.DataFrame:
    keys = [(d, b, s) for d in ("a", "b", "c") for b in (100, 250) for s in (0, 1)]
    return pd.DataFrame(
        {
            "model": model,
            "dataset": [k[0] for k in keys],
            "budget": [float(k[1]) for k in keys],
            "seed": [k[2] for k in keys],
            "status": "complete",
            "test_tstr": scores,
        }
    )


def test_transferred_settings_are_tested_pair_by_pair_against_own_tuning_and_defaults() -> None:
    rng = np.random.default_rng(4)
    tuned = rng.uniform(0.5, 0.8, 12)
    default = tuned - 0.2 + rng.normal(0, 0.01, 12)
    moved = tuned - 0.05 + rng.normal(0, 0.01, 12)
    own = pd.concat([results("ctgan", tuned), results("ctgan_default", default)])
    table = transfer_comparison(own, results("ctgan", moved), metrics=["tstr"])
    pooled = table[table["budget"] == "all"].set_index("against")
    # Independently: scipy's paired t-test on the same pairs.
    for against, other in (("own tuning", tuned), ("defaults", default)):
        row = pooled.loc[against]
        test = stats.ttest_rel(moved, other)
        assert row["n_pairs"] == 12 and row["model"] == "ctgan"
        assert row["mean_difference"] == pytest.approx(np.mean(moved - other))
        assert row["t_p_value"] == pytest.approx(test.pvalue)
        assert row["mean_transferred"] == pytest.approx(moved.mean())
    # Transferred settings lost to the dataset's own tuning and beat the defaults.
    assert pooled.loc["own tuning", "decision"] == "own tuning better"
    assert pooled.loc["own tuning", "other"] == "ctgan"
    assert pooled.loc["defaults", "decision"] == "transferred better"
    assert pooled.loc["defaults", "other"] == "ctgan_default"
    # The two studies swapped: one message saying which goes first.
    with pytest.raises(ValueError, match="Give the tuned study's results first"):
        transfer_comparison(results("ctgan", moved), own, metrics=["tstr"])


def test_a_finished_study_gives_a_transfer_study_that_runs_on_the_same_rows(
    tmp_path: Path,
) -> None:
    # The independent baseline needs no SDV; its exported parameters are empty, which
    # is enough to carry the file from the first study to the second.
    import bakeoff
    from bakeoff.packs.synthetic.transfer import write_transfer_file

    url = f"sqlite:///{tmp_path / 's.db'}"
    common = {
        "seed": 7,
        "datasets": [
            {"name": name, "task": "synthesis"} for name in ("penguins", "salaries", "caschool")
        ],
        "models": ["independent"],
        "metrics": ["tstr", "quality_score", "trtr"],
        "budgets": [60],
        "seeds": 2,
    }
    first = bakeoff.Study(study="first", tuning={"n_trials": 2}, **common)
    assert first.run(storage=url, progress=False).exit_code == 0
    nearest = write_transfer_file("first", tmp_path / "moved.yaml", storage=url)
    assert set(nearest) == {"penguins", "salaries", "caschool"}
    assert all(nearest[name] != name for name in nearest)
    read = read_params(tmp_path / "moved.yaml")
    entries = {key[1]: entry for key, entry in read.entries.items()}
    assert {name: entry["transferred_from"] for name, entry in entries.items()} == nearest
    # The neighbour's score and cell are named as the source's; the study seed is kept;
    # entries shared by two datasets are written out in full (no YAML anchors).
    text = (tmp_path / "moved.yaml").read_text()
    assert "&id" not in text and "seed: 7" in text
    assert all("source_cv_score" in e and "cv_score" not in e for e in entries.values())
    second = bakeoff.Study(
        study="second",
        tuning={"method": "none", "params_from": str(tmp_path / "moved.yaml")},
        **common,
    )
    assert second.run(storage=url, progress=False).exit_code == 0
    own = bakeoff.results("first", storage=url)
    moved = bakeoff.results("second", storage=url)
    # The same seed: every pair met the same rows, so the real-data score trtr agrees.
    both = own.merge(moved, on=["dataset", "budget", "seed"], suffixes=("", "_moved"))
    assert len(both) == 6
    assert np.allclose(both["test_trtr"], both["test_trtr_moved"])
    table = transfer_comparison(own, moved, metrics=["tstr"])
    assert set(table["against"]) == {"own tuning"}  # no `_default` copies in `first`
    assert (table["n_pairs"][table["budget"] == "all"] == 6).all()
    # A study with cells not complete would transfer settings tuned on part of the
    # seeds: refused, naming how many.
    partial = bakeoff.Study(
        study="partial", tuning={"n_trials": 2}, execution={"max_cpu_seconds": 0.01}, **common
    )
    partial.run(storage=url, progress=False)
    status = bakeoff.results("partial", storage=url)["status"]
    assert (status == "complete").any() and (status != "complete").any()
    with pytest.raises(SpecError, match=r"cells not complete .*Finish it first"):
        write_transfer_file("partial", tmp_path / "partial.yaml", storage=url)
    assert not (tmp_path / "partial.yaml").exists()


def test_the_transfer_study_file_runs_the_first_studys_cells_without_a_search(
    tmp_path: Path,
) -> None:
    import yaml

    from tests.conftest import run_cli
    from tests.packs.synthetic.sdv_required import SDV_INSTALLED

    examples = Path(__file__).resolve().parents[3] / "examples"
    first = yaml.safe_load((examples / "synthetic.yaml").read_text())
    spec = yaml.safe_load((examples / "synthetic_transfer.yaml").read_text())
    # The same rows and cells as the first study: its seed, datasets, budgets, seeds
    # and tuned labels.
    for field in ("seed", "datasets", "budgets", "seeds", "split", "metrics"):
        assert spec[field] == first[field], field
    tuned = [m for m in first["models"] if isinstance(m, str) and m != "independent"]
    assert spec["models"] == tuned
    entries = [
        {"model": m, "dataset": d["name"], "budget": b, "params": {}}
        for m in spec["models"]
        for d in spec["datasets"]
        for b in spec["budgets"]
    ]
    (tmp_path / "synthetic-transfer-params.yaml").write_text(
        yaml.safe_dump({"format": "bakeoff-params/1", "study": "synthetic", "params": entries})
    )
    (tmp_path / "synthetic_transfer.yaml").write_text(yaml.safe_dump(spec))
    done = run_cli("validate", str(tmp_path / "synthetic_transfer.yaml"))
    if not SDV_INSTALLED:
        assert done.returncode == 2
        assert 'pip install "bakeoff[synthetic]"' in done.stderr.replace("\n", " ")
        return
    assert done.returncode == 0, done.stderr
    assert "240 cells" in done.stdout
