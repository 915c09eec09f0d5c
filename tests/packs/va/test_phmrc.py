"""The PHMRC reader, on a small file in the PHMRC column layout written here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import bakeoff
from bakeoff.exceptions import DatasetError
from bakeoff.packs.va.phmrc import read_phmrc
from tests.conftest import run_cli

CAUSES = ["Stroke", "Pneumonia", "Road Traffic"]


def phmrc_file(tmp_path: Path, rows_per_site: int = 40) -> Path:
    rng = np.random.default_rng(1)
    records = []
    for site in ["Mexico", "AP", "Dar"]:
        for i in range(rows_per_site):
            cause = CAUSES[i % 3]
            answer = lambda p: rng.choice(["Yes", "No", "Don't Know"], p=p)  # noqa: E731
            records.append(
                {
                    "site": site,
                    "module": "Adult",
                    "gs_code34": f"G{i % 3}",
                    "gs_text34": cause,
                    "va34": str(i % 3 + 1),
                    "gs_text46": f"{cause} (46)",
                    "gs_text55": f"{cause} (55)",
                    "newid": str(len(records) + 1),
                    "g5_02": rng.choice(["Male", "Female"]),
                    "g5_04a": str(int(rng.integers(20, 90))) if i % 7 else "Don't Know",
                    "a1_01_1": answer([0.8, 0.15, 0.05] if i % 3 == 0 else [0.1, 0.85, 0.05]),
                    "a2_02": answer([0.7, 0.25, 0.05] if i % 3 == 1 else [0.1, 0.85, 0.05]),
                    "a2_03": str(int(rng.integers(0, 30))),
                    "a5_01_1": answer([0.9, 0.05, 0.05] if i % 3 == 2 else [0.05, 0.9, 0.05]),
                    "word_fever": str(int(i % 3 == 1)),
                }
            )
    path = tmp_path / "IHME_PHMRC_VA_DATA_ADULT_test.csv"
    pd.DataFrame(records).to_csv(path, index=False)
    return path


def test_the_reader_keeps_symptoms_site_and_the_chosen_cause_list(tmp_path: Path) -> None:
    path = phmrc_file(tmp_path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    table = read_phmrc(path)
    assert list(table.columns) == [
        "site", "age", "sex", "a1_01_1", "a2_02", "a2_03", "a5_01_1", "cause"
    ]  # fmt: skip
    # Nothing that would leak the cause or identify the death.
    assert not any(c.startswith(("gs_", "va", "newid", "word_")) for c in table.columns)
    assert table["cause"].tolist() == raw["gs_text34"].tolist()
    expected = raw["a1_01_1"].map({"Yes": 1.0, "No": 0.0, "Don't Know": np.nan})
    pd.testing.assert_series_equal(table["a1_01_1"], expected, check_names=False)
    assert table["age"].isna().sum() == (raw["g5_04a"] == "Don't Know").sum()
    assert pd.api.types.is_numeric_dtype(table["a2_03"])
    assert set(table["sex"]) == {"Male", "Female"}
    assert read_phmrc(path, causes=46)["cause"].str.endswith("(46)").all()
    assert "word_fever" in read_phmrc(path, words=True).columns


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"module": "elderly"}, "module 'elderly'"),
        ({"causes": 12}, "not a PHMRC cause list"),
        ({"module": "child"}, "no row of module 'child': its rows are of module 'adult'"),
    ],
)
def test_wrong_reader_options_say_what_is_wrong(
    tmp_path: Path, options: dict[str, object], message: str
) -> None:
    with pytest.raises((ValueError, DatasetError), match=message):
        read_phmrc(phmrc_file(tmp_path), **options)  # type: ignore[arg-type]


def test_a_file_not_in_the_phmrc_layout_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    pd.DataFrame({"x": [1, 2], "y": ["a", "b"]}).to_csv(path, index=False)
    with pytest.raises(DatasetError, match="is not a PHMRC file"):
        read_phmrc(path)


def spec(tmp_path: Path, **options: object) -> dict[str, object]:
    return {
        "study": "phmrc",
        "datasets": [
            {
                "name": "phmrc_adult",
                "path": str(phmrc_file(tmp_path)),
                "reader": "phmrc",
                "reader_options": {"module": "adult", **options},
            }
        ],
        "models": [{"name": "logistic_regression", "tune": False}],
        "metrics": ["csmf_accuracy", "cod_accuracy"],
        "budgets": ["full"],
        "seeds": 1,
        "split": {"kind": "leave_one_group_out", "group": "site"},
        "tuning": {"cv": 2},
    }


def test_a_study_reads_a_phmrc_file_and_holds_each_site_out(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert bakeoff.Study(**spec(tmp_path)).run(storage=url, progress=False).exit_code == 0
    results = bakeoff.results("phmrc", storage=url)
    assert sorted(results["dataset"]) == ["phmrc_adult.AP", "phmrc_adult.Dar", "phmrc_adult.Mexico"]
    assert (results["n_test"] == 40).all() and (results["n_train"] == 80).all()
    # Signature symptoms make the causes learnable: far above chance (1/3 per death).
    assert (results["test_cod_accuracy"] > 0.6).all()


def test_bad_reader_options_in_a_study_are_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec(tmp_path, colour="red")))
    done = run_cli("validate", str(path))
    assert done.returncode == 2, done.stderr
    assert "reader 'phmrc' does not take reader_options 'colour'" in done.stderr
    # The fix is in the message: the options the reader does take.
    assert "the options it takes: module, causes, words" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unknown_age_coded_999_is_missing_and_a_quoted_cause_list_is_read(
    tmp_path: Path,
) -> None:
    path = phmrc_file(tmp_path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw.loc[[1, 2, 3], "g5_04a"] = "999"
    raw.to_csv(path, index=False)
    table = read_phmrc(path)
    assert table.loc[[1, 2, 3], "age"].isna().all()
    assert table["age"].max() < 90
    unknown = (raw["g5_04a"] == "Don't Know") | (raw["g5_04a"] == "999")
    assert table["age"].isna().sum() == unknown.sum()
    # `causes: "46"` (quoted in YAML) is the list of 46, as `causes: 46` is.
    pd.testing.assert_frame_equal(read_phmrc(path, causes="46"), read_phmrc(path, causes=46))
