"""Datasets from small single-purpose data packages: palmerpenguins and vega_datasets."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from bakeoff.datasets._registry import package_dir, register_dataset

if TYPE_CHECKING:
    import pandas as pd

_EXTRA = "datasets"


@register_dataset(
    "penguins",
    target="species",
    task="classification",
    description="Palmer Archipelago penguins: species (3 classes) from island, sex, bill, "
    "flipper and body mass, with missing values",
    source="palmerpenguins: load_penguins()",
    package="palmerpenguins",
    extra=_EXTRA,
    rows=344,
    n_numeric=5,
    n_categorical=2,
    license="CC0-1.0",
    citation="Horst, A. M., Hill, A. P. & Gorman, K. B. (2020). palmerpenguins: Palmer "
    "Archipelago (Antarctica) penguin data. doi:10.5281/zenodo.3960218.",
)
def penguins() -> pd.DataFrame:
    from palmerpenguins import load_penguins

    return load_penguins()


def _vega_file(name: str) -> str:
    folder = package_dir("vega_datasets", extra=_EXTRA, purpose=f"dataset '{name}'")
    return str(folder / "_data" / name)


@register_dataset(
    "auto_mpg",
    target="Miles_per_Gallon",
    task="regression",
    description="Fuel consumption of 398 cars (1970-82) from engine, weight, year and "
    "origin; the 8 cars without a figure dropped, names as ids",
    source="vega_datasets: _data/cars.json",
    package="vega_datasets",
    extra=_EXTRA,
    types={"Name": "id", "Year": "datetime"},
    rows=398,
    n_numeric=6,
    n_categorical=1,
    license="CC BY 4.0 (UCI Machine Learning Repository)",
    citation="Quinlan, R. (1993). Auto MPG [Dataset]. UCI Machine Learning Repository.",
)
def auto_mpg() -> pd.DataFrame:
    import pandas as pd

    with open(_vega_file("cars.json"), encoding="utf-8") as handle:
        frame = pd.DataFrame.from_records(json.load(handle))
    return frame.dropna(subset=["Miles_per_Gallon"]).reset_index(drop=True)


@register_dataset(
    "seattle_weather",
    target="weather",
    task="classification",
    description="Daily weather in Seattle 2012-15 (5 imbalanced classes) from date, "
    "rain, temperatures and wind",
    source="vega_datasets: _data/seattle-weather.csv",
    package="vega_datasets",
    extra=_EXTRA,
    types={"date": "datetime"},
    rows=1461,
    n_numeric=5,
    n_categorical=0,
    license="Public domain (NOAA)",
    citation="NOAA National Centers for Environmental Information, Global Historical "
    "Climatology Network daily, station Seattle-Tacoma, as packaged by vega_datasets.",
)
def seattle_weather() -> pd.DataFrame:
    import pandas as pd

    from bakeoff.datasets._files import EXACT_FLOATS

    return pd.read_csv(_vega_file("seattle-weather.csv"), **EXACT_FLOATS)
