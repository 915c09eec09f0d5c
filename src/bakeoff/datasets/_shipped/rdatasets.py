"""Datasets of R packages, from the Rdatasets snapshot that ships inside ``pydataset``.

``pydataset`` prints a line and unpacks 81 MB into the home folder when imported, so it
is never imported: its archive is found by path and one CSV is read straight out of it.
"""

from __future__ import annotations

import io
import tarfile
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bakeoff.datasets._cache import cache_dir, write_cache_file
from bakeoff.datasets._registry import package_dir, register_dataset

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["read_rdataset"]

_PACKAGE = "pydataset"
_EXTRA = "datasets"
_GPL = "GPL-2 | GPL-3 (R package {})"
_MASS = (
    "Venables, W. N. & Ripley, B. D. (2002). Modern Applied Statistics with S, 4th ed. Springer."
)
_CAR = "Fox, J. & Weisberg, S. (2011). An R Companion to Applied Regression, 2nd ed. Sage."


def read_rdataset(package: str, item: str) -> pd.DataFrame:
    """Read dataset ``item`` of R package ``package`` from pydataset's archive.

    Reaching one member means decompressing the archive up to it (about 0.4 s), so the
    member's bytes are kept in the cache folder, under pydataset's version, after the
    first read. R writes missing values as ``NA``; nothing else is read as missing (so a
    level called ``None`` stays a level). The first column, R's row names, becomes the
    index.
    """
    import pandas as pd

    from bakeoff.datasets._files import EXACT_FLOATS

    archive = package_dir(_PACKAGE, extra=_EXTRA, purpose=f"dataset {package}::{item}")
    cached = cache_dir() / "rdatasets" / metadata.version(_PACKAGE) / package / f"{item}.csv"
    try:
        data = cached.read_bytes()
    except OSError:
        data = _extract(archive / "resources.tar.gz", f"resources/rdata/csv/{package}/{item}.csv")
        write_cache_file(cached, data)
    return pd.read_csv(
        io.BytesIO(data),
        index_col=0,
        keep_default_na=False,
        na_values=["NA"],
        **EXACT_FLOATS,
    )


def _extract(archive: Path, member: str) -> bytes:
    with tarfile.open(archive) as tar:
        handle = tar.extractfile(member)
        if handle is None:  # pragma: no cover - the archive is fixed
            raise FileNotFoundError(member)
        return handle.read()


def _register(
    name: str, package: str, item: str, *, drop_missing_target: bool = False, **info: Any
) -> None:

    source = f"pydataset: Rdatasets {package}::{item}"

    def load() -> pd.DataFrame:
        frame = read_rdataset(package, item)
        if drop_missing_target:
            frame = frame.dropna(subset=[info["target"]])
        return frame.reset_index(drop=True)

    register_dataset(name, source=source, package=_PACKAGE, extra=_EXTRA, **info)(load)


# ---------------------------------------------------------------- classification
_register(
    "flchain",
    "survival",
    "flchain",
    target="death",
    task="classification",
    description="Serum free light chain and death in a Minnesota cohort (72/28); "
    "follow-up time and cause of death dropped as leaks",
    drop=("futime", "chapter"),
    types={"mgus": "boolean"},
    rows=7874,
    n_numeric=6,
    n_categorical=2,
    license="LGPL-2 | LGPL-3 (R package survival)",
    citation="Dispenzieri, A. et al. (2012). Use of nonclonal serum immunoglobulin free "
    "light chains to predict overall survival in the general population. Mayo Clinic "
    "Proceedings 87(6), 517-523.",
)
_register(
    "chile",
    "car",
    "Chile",
    target="vote",
    task="classification",
    description="Voting intention in the 1988 Chilean plebiscite (4 classes) from "
    "region, sex, education, age, income; rows without an answer dropped",
    rows=2532,
    n_numeric=4,
    n_categorical=3,
    license=_GPL.format("car"),
    citation=_CAR,
    drop_missing_target=True,
)
_register(
    "survey_smoking",
    "MASS",
    "survey",
    target="Smoke",
    task="classification",
    description="Smoking habit of 236 statistics students (4 imbalanced classes) from "
    "hand spans, pulse, height, exercise; the row without an answer is dropped",
    drop_missing_target=True,
    rows=236,
    n_numeric=5,
    n_categorical=6,
    license=_GPL.format("MASS"),
    citation=_MASS,
)
_register(
    "biopsy",
    "MASS",
    "biopsy",
    target="class",
    task="classification",
    description="Breast tumour biopsies, benign or malignant (65/35), from 9 graded "
    "cell features; sample ID dropped",
    drop=("ID",),
    rows=699,
    n_numeric=9,
    n_categorical=0,
    license=_GPL.format("MASS"),
    citation="Wolberg, W. H. & Mangasarian, O. L. (1990). Multisurface method of pattern "
    "separation for medical diagnosis applied to breast cytology. PNAS 87, 9193-9196.",
)
_register(
    "birthwt",
    "MASS",
    "birthwt",
    target="low",
    task="classification",
    description="Low birth weight (69/31) from the mother's age, weight, race, smoking "
    "and history; the birth weight itself dropped as a leak",
    drop=("bwt",),
    types={"race": "categorical", "smoke": "boolean", "ht": "boolean", "ui": "boolean"},
    rows=189,
    n_numeric=4,
    n_categorical=4,
    license=_GPL.format("MASS"),
    citation="Hosmer, D. W. & Lemeshow, S. (1989). Applied Logistic Regression. Wiley.",
)
_register(
    "participation",
    "Ecdat",
    "Participation",
    target="lfp",
    task="classification",
    description="Labour force participation of Swiss women (binary) from income, age, "
    "education, children, nationality",
    rows=872,
    n_numeric=5,
    n_categorical=1,
    license=_GPL.format("Ecdat"),
    citation="Gerfin, M. (1996). Parametric and semi-parametric estimation of the binary "
    "response model of labour market participation. Journal of Applied Econometrics "
    "11(3), 321-339.",
)
_register(
    "males_union",
    "Ecdat",
    "Males",
    target="union",
    task="classification",
    description="Union membership of young US men, 1980-87 (76/24), with mixed "
    "demographics; a panel: the person id is dropped, but one man's years can fall "
    "on both sides of a split",
    drop=("nr",),
    rows=4360,
    n_numeric=4,
    n_categorical=6,
    license=_GPL.format("Ecdat"),
    citation="Vella, F. & Verbeek, M. (1998). Whose wages do unions raise? A dynamic model "
    "of unionism and wage rate determination for young men. Journal of Applied "
    "Econometrics 13(2), 163-183.",
)

# ---------------------------------------------------------------- regression
_register(
    "diamonds",
    "ggplot2",
    "diamonds",
    target="price",
    task="regression",
    description="Prices of 53,940 round diamonds from carat, cut, colour, clarity and size",
    rows=53940,
    n_numeric=6,
    n_categorical=3,
    license=_GPL.format("ggplot2").replace("GPL-2 | GPL-3", "GPL-2"),
    citation="Wickham, H. (2016). ggplot2: Elegant Graphics for Data Analysis. Springer.",
)
_register(
    "mpg",
    "ggplot2",
    "mpg",
    target="hwy",
    task="regression",
    description="Highway fuel economy of 234 cars (1999, 2008) from make, engine, "
    "transmission, drive; city economy dropped as a near-copy of the target",
    drop=("cty",),
    rows=234,
    n_numeric=3,
    n_categorical=6,
    license=_GPL.format("ggplot2").replace("GPL-2 | GPL-3", "GPL-2"),
    citation="Wickham, H. (2016). ggplot2: Elegant Graphics for Data Analysis. Springer. "
    "Data from the US EPA fuel economy site.",
)
_register(
    "msleep",
    "ggplot2",
    "msleep",
    target="sleep_total",
    task="regression",
    description="Daily sleep of 83 mammals from taxonomy, diet, conservation status, "
    "brain and body weight; REM sleep and hours awake dropped as leaks",
    drop=("sleep_rem", "awake"),
    # 77 genera in 83 rows: near-unique, but a real category (and so declared).
    types={"genus": "categorical"},
    rows=83,
    n_numeric=3,
    n_categorical=4,
    license=_GPL.format("ggplot2").replace("GPL-2 | GPL-3", "GPL-2"),
    citation="Savage, V. M. & West, G. B. (2007). A quantitative, theoretical framework "
    "for understanding mammalian sleep. PNAS 104(3), 1051-1056.",
)
_register(
    "salaries",
    "car",
    "Salaries",
    target="salary",
    task="regression",
    description="Nine-month salaries of US college professors (2008-09) from rank, "
    "discipline, years of service and sex",
    rows=397,
    n_numeric=2,
    n_categorical=3,
    license=_GPL.format("car"),
    citation=_CAR,
)
_register(
    "prestige",
    "car",
    "Prestige",
    target="prestige",
    task="regression",
    description="Prestige of 102 Canadian occupations (1971) from education, income, "
    "share of women and type; the census occupation code dropped as an id",
    types={"census": "id"},
    rows=102,
    n_numeric=3,
    n_categorical=1,
    license=_GPL.format("car"),
    citation=_CAR,
)
_register(
    "computers",
    "Ecdat",
    "Computers",
    target="price",
    task="regression",
    description="Prices of 6,259 personal computers (1993-95) from speed, disk, memory, "
    "screen, CD, multimedia, brand and advertising",
    rows=6259,
    n_numeric=6,
    n_categorical=3,
    license=_GPL.format("Ecdat"),
    citation="Stengos, T. & Zacharias, E. (2006). Intertemporal pricing and price "
    "discrimination: a semiparametric hedonic analysis of the personal computer "
    "market. Journal of Applied Econometrics 21(3), 371-386.",
)
_register(
    "caschool",
    "Ecdat",
    "Caschool",
    target="testscr",
    task="regression",
    description="Average test scores of 420 California school districts; reading and "
    "maths scores dropped (their mean is the target), district ids dropped",
    drop=("readscr", "mathscr", "district"),
    types={"distcod": "id"},
    rows=420,
    n_numeric=10,
    n_categorical=2,
    license=_GPL.format("Ecdat"),
    citation="Stock, J. H. & Watson, M. W. (2003). Introduction to Econometrics. Addison-Wesley.",
)
_register(
    "cars93",
    "MASS",
    "Cars93",
    target="Price",
    task="regression",
    description="Prices of 93 cars sold in the US in 1993 from 20 mixed features with "
    "missing values; minimum and maximum price dropped as leaks, model names as ids",
    drop=("Min.Price", "Max.Price"),
    rows=93,
    n_numeric=15,
    n_categorical=7,
    license=_GPL.format("MASS"),
    citation="Lock, R. H. (1993). 1993 New Car Data. Journal of Statistics Education 1(1).",
)
