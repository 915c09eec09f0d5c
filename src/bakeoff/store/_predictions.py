"""A cell's outer-test predictions as one row of typed binary arrays.

Until schema 0006 each test row of each cell was a row of JSON text (about 80 bytes for
a row of iris, five times what its numbers need, plus an index entry), and a finished
cell wrote one INSERT per test row. Now a cell's predictions are one row: the row
positions, ``y_true`` and ``y_pred``, and the class probabilities, each a NumPy array
stored as its bytes after a one-line header that names its dtype and shape.

Reading back is exact: integers and floats keep their type and every bit; labels that
are not numbers (text, booleans) are stored as small integer codes into the cell's list
of labels (JSON), and come back as the same Python values the JSON rows gave.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = ["CellPredictions", "pack_array", "unpack_array"]


def pack_array(values: np.ndarray) -> bytes:
    r"""``values`` as bytes: a header ``dtype;shape\\n`` (little-endian) and its data.

    Examples:
        >>> import numpy as np
        >>> unpack_array(pack_array(np.array([[0.25, 0.75]]))).tolist()
        [[0.25, 0.75]]
    """
    import numpy as np

    array = np.ascontiguousarray(values)
    dtype = array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype
    array = array.astype(dtype, copy=False)
    shape = ",".join(str(n) for n in array.shape)
    return f"{dtype.str};{shape}\n".encode("ascii") + array.tobytes()


def unpack_array(blob: bytes) -> np.ndarray:
    """The array :func:`pack_array` stored."""
    import numpy as np

    header, _, data = bytes(blob).partition(b"\n")
    dtype, _, shape = header.decode("ascii").partition(";")
    dims = tuple(int(n) for n in shape.split(",")) if shape else ()
    return np.frombuffer(data, dtype=np.dtype(dtype)).reshape(dims)


@dataclass(frozen=True)
class CellPredictions:
    """One cell's outer-test predictions.

    Attributes:
        rows: Row positions in the loaded dataset.
        y_true: The true targets (Python values).
        y_pred: The predictions (Python values).
        proba: Class probabilities, one list per row in the dataset's class order, or
            ``None`` when the model gives none (regression).
    """

    rows: list[int]
    y_true: list[Any]
    y_pred: list[Any]
    proba: list[list[float]] | None

    @classmethod
    def from_arrays(cls, rows: Any, y_true: Any, y_pred: Any, proba: Any | None) -> CellPredictions:
        """From the arrays a cell computed (NumPy or lists)."""
        import numpy as np

        return cls(
            rows=[int(r) for r in np.asarray(rows)],
            y_true=_values(y_true),
            y_pred=_values(y_pred),
            proba=None if proba is None else np.asarray(proba, dtype=float).tolist(),
        )

    def to_row(self) -> dict[str, Any]:
        """The store's columns.

        ``n_rows``, ``rows``, ``labels_json``, ``y_true``, ``y_pred``, ``proba``.
        """
        import numpy as np

        n = len(self.rows)
        width = np.int32 if not self.rows or max(self.rows) < 2**31 else np.int64
        labels: list[Any] = []
        y_true = _encode(self.y_true, labels)
        y_pred = _encode(self.y_pred, labels)
        return {
            "n_rows": n,
            "rows": pack_array(np.asarray(self.rows, dtype=width)),
            "labels_json": json.dumps(labels) if labels else None,
            "y_true": y_true,
            "y_pred": y_pred,
            "proba": None
            if self.proba is None
            else pack_array(np.asarray(self.proba, dtype=float).reshape(n, -1)),
        }

    @classmethod
    def from_row(cls, row: Any) -> CellPredictions:
        """Read back what :meth:`to_row` stored (a mapping with its columns)."""
        labels = json.loads(row["labels_json"]) if row["labels_json"] else []
        proba = row["proba"]
        return cls(
            rows=unpack_array(row["rows"]).tolist(),
            y_true=_decode(row["y_true"], labels),
            y_pred=_decode(row["y_pred"], labels),
            proba=None if proba is None else unpack_array(proba).tolist(),
        )


def _values(values: Any) -> list[Any]:
    """Python values of an array (NumPy scalars made plain), as the JSON rows held them."""
    import numpy as np

    array = np.asarray(values)
    if array.dtype.kind in "iuf":
        return list(array.tolist())
    return [v.item() if hasattr(v, "item") else v for v in array.tolist()]


def _encode(values: Sequence[Any], labels: list[Any]) -> bytes:
    """The packed array of ``values``, extending ``labels`` with any it codes.

    Integers (not booleans) are stored as 64-bit integers and floats as 64-bit floats
    when every value is one; anything else is a code into ``labels``.
    """
    import numpy as np

    if values and all(type(v) is int for v in values):
        return pack_array(np.asarray(values, dtype=np.int64))
    if values and all(type(v) is float for v in values):
        return pack_array(np.asarray(values, dtype=np.float64))
    index = {_key(v): i for i, v in enumerate(labels)}
    codes = []
    for value in values:
        key = _key(value)
        if key not in index:
            index[key] = len(labels)
            labels.append(value)
        codes.append(index[key])
    width = np.uint8 if len(labels) <= 2**8 else np.uint16 if len(labels) <= 2**16 else np.int32
    return b"L" + pack_array(np.asarray(codes, dtype=width))


def _decode(blob: bytes, labels: list[Any]) -> list[Any]:
    blob = bytes(blob)
    if blob.startswith(b"L"):
        return [labels[i] for i in unpack_array(blob[1:]).tolist()]
    return list(unpack_array(blob).tolist())


def _key(value: Any) -> tuple[str, Any]:
    # True == 1 and 1.0 == 1 in Python: the type keeps them apart, as JSON does.
    return (type(value).__name__, value)
