"""Predictions stored compactly (schema 0006): typed arrays, read back exactly."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import sqlalchemy as sa

from bakeoff.store import CellPredictions, Store, schema_revision
from bakeoff.store._predictions import pack_array, unpack_array


@pytest.mark.parametrize(
    "array",
    [
        np.array([3, 1, 4, 1, 5], dtype=np.int64),
        np.array([0.1, 1e-300, -2.5, math.pi, np.nan, np.inf]),
        np.array([[0.2, 0.8], [1.0, 0.0], [1 / 3, 2 / 3]]),
        np.array([], dtype=np.int32),
        np.array([7], dtype=">i4"),  # big-endian input comes back in native order
    ],
)
def test_an_array_packs_and_unpacks_bit_for_bit(array: np.ndarray) -> None:
    back = unpack_array(pack_array(array))
    assert back.shape == array.shape
    assert back.tobytes() == array.astype(array.dtype.newbyteorder("<")).tobytes()


CASES = {
    "text classes": (["setosa", "virginica", "setosa"], ["setosa", "setosa", "versicolor"]),
    "integer classes": ([0, 1, 1], [1, 1, 0]),
    "boolean classes": ([True, False, True], [True, True, False]),
    "regression": ([1.5, -0.25, 1e-12], [1.4999999999999998, -0.3, 0.0]),
    "integer target, float predictions": ([3, 4, 5], [3.2, 3.9, 5.0]),
    "mixed labels": (["a", 1, 2.5], [True, "a", 1]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_predictions_read_back_as_the_python_values_json_gave(case: str) -> None:
    y_true, y_pred = CASES[case]
    proba = [[0.25, 0.75], [1.0, 0.0], [0.1234567891, 0.8765432109]]
    stored = CellPredictions(rows=[4, 17, 2**31 + 5], y_true=y_true, y_pred=y_pred, proba=proba)
    back = CellPredictions.from_row(stored.to_row())
    # What the per-row JSON of schema 0005 gave back: the reference for "exact".
    as_json = json.loads(json.dumps([y_true, y_pred, proba]))
    assert [back.y_true, back.y_pred, back.proba] == as_json
    assert [type(v) for v in back.y_true + back.y_pred] == [type(v) for v in y_true + y_pred]
    assert back.rows == [4, 17, 2**31 + 5]


def test_a_cell_of_iris_takes_a_fraction_of_its_json_rows() -> None:
    rng = np.random.default_rng(0)
    n = 38  # iris' test rows at test_size 0.25
    labels = ["setosa", "versicolor", "virginica"]
    proba = rng.dirichlet(np.ones(3), size=n).round(10)
    cell = CellPredictions.from_arrays(
        np.arange(n) * 4, rng.choice(labels, n), rng.choice(labels, n), proba
    )
    packed = cell.to_row()
    binary = sum(len(v) for k, v in packed.items() if isinstance(v, bytes)) + len(
        packed["labels_json"]
    )
    # The old rows: row, y_true, y_pred and proba as JSON text, one row each.
    rows = sum(
        len(json.dumps(v))
        for i in range(n)
        for v in (cell.rows[i], cell.y_true[i], cell.y_pred[i], cell.proba[i])  # type: ignore[index]
    )
    # The probabilities' 24 bytes a row dominate; JSON spends ~40 characters on them.
    assert binary < rows / 2


def test_a_store_at_schema_0005_keeps_its_predictions_exactly(store_url: str) -> None:
    from alembic import command

    from bakeoff.store._engine import _alembic_config, create_engine

    engine = create_engine(store_url)
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0005")
        connection.exec_driver_sql(
            "insert into bakeoff_studies (id, name, spec_json, spec_hash, seed, status, "
            "created_at, bakeoff_version, provenance_json) values "
            "(1, 'old', '{}', 'h', 0, 'complete', '2026-01-01 00:00:00', '0.0', '{}')"
        )
        for cell_id, key in ((1, "a"), (2, "b")):
            connection.exec_driver_sql(
                "insert into bakeoff_cells (id, study_id, cell_key, model, dataset, budget, "
                "seed, status, in_design, definition_json) values "
                f"({cell_id}, 1, '{key * 64}', 'm', 'd', 'full', 0, 'complete', true, '{{}}')"
            )
        old_rows = [
            (1, 7, '"yes"', '"no"', "[0.3, 0.7]"),
            (1, 2, '"no"', '"no"', "[0.9, 0.1]"),
            (2, 5, "1.5", "1.25", None),
            (2, 9, "-3", "0.125", None),
        ]
        NAMES = ("cell_id", "row", "y_true", "y_pred", "proba_json")
        connection.execute(
            sa.text(
                "insert into bakeoff_predictions (cell_id, row, y_true, y_pred, proba_json) "
                "values (:cell_id, :row, :y_true, :y_pred, :proba_json)"
            ),
            [dict(zip(NAMES, r, strict=True)) for r in old_rows],
        )
    engine.dispose()
    store = Store(store_url)  # opening upgrades
    assert schema_revision(store.engine)[0] == "0007"
    assert "bakeoff_predictions" not in sa.inspect(store.engine).get_table_names()
    frame = store.predictions_frame("old")
    expected = sorted(old_rows, key=lambda r: (r[0], r[1]))
    assert frame["row"].tolist() == [r[1] for r in expected]
    assert frame["y_true"].tolist() == [json.loads(r[2]) for r in expected]
    assert frame["y_pred"].tolist() == [json.loads(r[3]) for r in expected]
    assert [type(v) for v in frame["y_true"]] == [str, str, float, int]
    probas = frame["proba"].tolist()
    assert probas[:2] == [[0.9, 0.1], [0.3, 0.7]] and probas[2:] == [None, None]
    with store.engine.connect() as connection:
        count = "select count(*) from bakeoff_cell_predictions"
        assert connection.exec_driver_sql(count).scalar_one() == 2
