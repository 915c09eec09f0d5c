"""The utility–privacy–cost front on hand-made results."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bakeoff.packs.synthetic.tradeoff import plot_tradeoff, tradeoff


def results() -> pd.DataFrame:
    rows = [
        # model, dataset, tstr, dcr, seconds
        ("fast", "d1", 0.6, 1.0, 1.0),
        ("fast", "d2", 0.6, 1.0, 1.0),
        ("useful", "d1", 0.9, 0.9, 50.0),
        ("useful", "d2", 0.9, 0.9, 50.0),
        ("private", "d1", 0.5, 2.0, 20.0),
        ("private", "d2", 0.5, 2.0, 20.0),
        # Worse than "useful" on all three: off the front.
        ("dominated", "d1", 0.8, 0.8, 60.0),
        ("dominated", "d2", 0.8, 0.8, 60.0),
        # A failed cell does not count.
        ("fast", "d3", 0.0, 0.0, 999.0),
    ]
    frame = pd.DataFrame(
        rows, columns=["model", "dataset", "test_tstr", "test_dcr_ratio", "refit_seconds"]
    )
    frame["status"] = ["complete"] * 8 + ["failed"]
    return frame


def test_the_front_keeps_each_model_that_is_best_somewhere() -> None:
    table = tradeoff(results()).set_index("model")
    assert table.loc["fast", "refit_seconds"] == 1.0  # the failed cell left out
    assert table["pareto"].to_dict() == {
        "dominated": False,
        "fast": True,
        "private": True,
        "useful": True,
    }


def test_a_front_per_dataset(tmp_path: Path) -> None:
    frame = results()
    # On d2 "dominated" becomes the most useful: it joins that dataset's front only.
    frame.loc[7, "test_tstr"] = 0.95
    table = tradeoff(frame, by=("dataset", "model"))
    on_front = table[table["pareto"]].groupby("dataset")["model"].apply(set).to_dict()
    assert on_front["d1"] == {"fast", "useful", "private"}
    assert on_front["d2"] == {"fast", "useful", "private", "dominated"}
    figure = plot_tradeoff(tradeoff(results()), tmp_path / "tradeoff.png")
    assert figure.stat().st_size > 1000
