"""The generators without SDV: the independent baseline, the search spaces, the extra."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bakeoff.packs.synthetic  # noqa: F401  (registers the generators)
from bakeoff import models
from bakeoff.datasets import Dataset
from bakeoff.exceptions import MissingExtraError
from bakeoff.protocol._synthesis import column_kinds
from tests.conftest import run_cli

GENERATORS = ["copulagan", "ctgan", "gaussian_copula", "independent", "tvae"]


def table(n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    a = rng.normal(size=n)
    return pd.DataFrame(
        {
            "a": a,
            "b": 2 * a + rng.normal(scale=0.1, size=n),
            "colour": np.where(a > 0, "red", "blue"),
            "when": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 99, n), "D"),
            "y": np.where(a > 0, "yes", "no"),
        }
    )


def test_the_pack_registers_its_generators_for_the_synthesis_task() -> None:
    registered = {m.name for m in models.list_models() if "synthesis" in m.tasks}
    assert set(GENERATORS) <= registered


def test_independent_keeps_each_column_and_breaks_their_relation() -> None:
    dataset = Dataset("t", table(), target="y", task="synthesis")
    generator = models.get("independent").build({}, task="synthesis", random_state=1)
    sample = generator.fit(dataset.frame, column_kinds(dataset)).sample(300)
    assert list(sample.columns) == list(dataset.frame.columns)
    assert (sample.dtypes == dataset.frame.dtypes).all()
    # Every value comes from its own column; none is invented.
    for column in dataset.frame.columns:
        assert set(sample[column]) <= set(dataset.frame[column])
    # a and b correlate at ≈ 1 in the data; drawn apart, at ≈ 0 (|ρ| < 4/√300 surely).
    assert abs(sample["a"].corr(sample["b"])) < 4 / np.sqrt(300)
    # Seeded: the same seed gives the same rows.
    again = models.get("independent").build({}, task="synthesis", random_state=1)
    pd.testing.assert_frame_equal(
        again.fit(dataset.frame, column_kinds(dataset)).sample(300), sample
    )


def test_the_gan_spaces_pair_every_batch_size_with_every_pac() -> None:
    # CTGAN refuses a batch size that pac does not divide, or an odd one.
    for name in ("ctgan", "copulagan"):
        space = models.get(name).search_space().to_dict()
        for batch in space["batch_size"]["choices"]:
            for pac in space["pac"]["choices"]:
                assert batch % pac == 0 and batch % 2 == 0


def test_each_sdv_generator_searches_its_real_hyperparameters() -> None:
    spaces = {name: set(models.get(name).search_space()) for name in GENERATORS}
    assert {"default_distribution"} <= spaces["gaussian_copula"]
    gan = {"epochs", "batch_size", "pac", "embedding_dim", "generator_dim"}
    gan |= {"discriminator_dim", "generator_lr", "discriminator_lr"}
    assert gan <= spaces["ctgan"] and gan | {"default_distribution"} <= spaces["copulagan"]
    assert {"compress_dims", "decompress_dims", "l2scale", "loss_factor"} <= spaces["tvae"]
    assert spaces["independent"] == set()


def test_a_missing_sdv_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes `import sdv...` raise ImportError, as if not installed.
    for module in ("sdv", "sdv.single_table", "sdv.metadata"):
        monkeypatch.setitem(sys.modules, module, None)
    dataset = Dataset("t", table(), target="y", task="synthesis")
    generator = models.get("ctgan").build({}, task="synthesis", random_state=0)
    with pytest.raises(MissingExtraError, match=r'pip install "bakeoff\[synthetic\]"'):
        generator.fit(dataset.frame, column_kinds(dataset))


@pytest.mark.skipif(
    __import__("importlib").util.find_spec("sdv") is not None, reason="SDV is installed here"
)
def test_a_study_naming_an_sdv_generator_without_sdv_is_refused(tmp_path: Path) -> None:
    (tmp_path / "study.yaml").write_text(
        "study: needs_sdv\n"
        "imports: [bakeoff.packs.synthetic]\n"
        "datasets: [{name: penguins, task: synthesis}]\n"
        "models: [ctgan]\n",
        encoding="utf-8",
    )
    completed = run_cli("run", "study.yaml", cwd=tmp_path)
    assert completed.returncode == 2
    assert 'pip install "bakeoff[synthetic]"' in completed.stderr.replace("\n", " ")
    assert "models[0]" in completed.stderr and "Traceback" not in completed.stderr
    assert not (tmp_path / "bakeoff.db").exists()


def test_registering_the_pack_imports_no_heavy_library() -> None:
    from tests.cli.test_startup import imported_after

    # SDV is not imported either: it loads with the first generator built.
    code = "import bakeoff.packs.synthetic\nassert 'sdv' not in sys.modules\n"
    assert imported_after(code) == []
    listing = (
        "import bakeoff.packs.synthetic\n"
        "from bakeoff import metrics, models\n"
        "[m.description for m in metrics.list_metrics() + models.list_models()]\n"
    )
    assert imported_after(listing) == []
