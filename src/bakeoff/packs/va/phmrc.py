"""The PHMRC gold-standard verbal-autopsy files, read from a path the user gives.

The Population Health Metrics Research Consortium (PHMRC) released its gold-standard
VA data as one CSV file per module (adult, child, neonate): one row per death, the
interview's answers in columns named by questionnaire section (``a1_01_1`` … ``a7_14``
for adults, ``c1_…`` for children and neonates), the interview's general questions
(``g1_…`` … ``g5_…``), words of the open narrative (``word_…``), the site, and the
gold-standard cause at three levels of detail (``gs_text34``, ``gs_text46``,
``gs_text55``). Nothing is downloaded: the files are the user's (Murray et al., 2011,
Population Health Metrics 9:27; distributed by the Global Health Data Exchange).

:func:`read_phmrc` keeps the symptom sections, the age in years (``g5_04a``) and the sex
(``g5_02``) as features, codes yes/no answers as 1/0 ("Don't Know" and "Refused to
Answer" as missing), keeps ``site`` (for ``split.kind: leave_one_group_out``), names the
chosen cause list's column ``cause``, and leaves out identifiers and every other
gold-standard column (``gs_…``, ``va…``), which would leak the cause. It is registered
as the file reader ``phmrc``::

    datasets:
      - name: phmrc_adult
        path: IHME_PHMRC_VA_DATA_ADULT_Y2013M09D11_0.csv
        reader: phmrc
        reader_options: {module: adult, causes: 34}
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from bakeoff.datasets import register_reader
from bakeoff.exceptions import DatasetError

if TYPE_CHECKING:  # registering the reader imports no pandas (bakeoff starts fast)
    import pandas as pd

__all__ = ["CAUSE_LISTS", "MODULES", "read_phmrc"]

#: Modules of the PHMRC questionnaire and the prefix of their symptom sections.
MODULES = {"adult": "a", "child": "c", "neonate": "c"}
#: Cause lists: the number a study names, and the gold-standard column it reads.
CAUSE_LISTS = {34: "gs_text34", 46: "gs_text46", 55: "gs_text55"}
_YES_NO = {"yes": 1.0, "no": 0.0}
_UNKNOWN = {"don't know", "dont know", "refused to answer", "refused", "dk", ""}
_DEMOGRAPHICS = {"g5_04a": "age", "g5_02": "sex"}
_UNKNOWN_AGE = 999


def read_phmrc(
    path: Path, *, module: str = "adult", causes: int | str = 34, words: bool = False
) -> pd.DataFrame:
    """A PHMRC module file as features, ``site`` and ``cause``.

    Args:
        path: The module's CSV file.
        module: ``adult``, ``child`` or ``neonate`` (rows of other modules are left out
            when the file has a ``module`` column).
        causes: The cause list: 34 (the default, the aggregated list of the PHMRC
            papers: 34 adult, 21 child and 6 neonate causes), 46 or 55.
        words: Also keep the open narrative's word indicators (``word_…``).

    Raises:
        DatasetError: If the file lacks the columns of the PHMRC layout.
        ValueError: For an unknown module or cause list.
    """
    import pandas as pd

    if module not in MODULES:
        raise ValueError(f"module '{module}' is not one of {sorted(MODULES)}")
    if isinstance(causes, str) and causes.strip().isdigit():
        causes = int(causes)  # `causes: "46"` in a study file means the list of 46
    if causes not in CAUSE_LISTS:
        raise ValueError(
            f"causes: {causes} is not a PHMRC cause list; use one of {list(CAUSE_LISTS)}"
        )
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, low_memory=False)
    cause_column = CAUSE_LISTS[causes]
    missing = [c for c in ("site", cause_column) if c not in raw.columns]
    if missing:
        raise DatasetError(
            f"'{path}' is not a PHMRC file: it has no column {missing[0]!r} (a PHMRC module "
            f"file has site, gs_text34, gs_text46, gs_text55 and the a…/c… symptom columns)"
        )
    if "module" in raw.columns:
        modules = raw["module"].str.strip().str.lower()
        held = sorted(set(modules) - {""})
        raw = raw[modules == module].reset_index(drop=True)
        if raw.empty:
            raise DatasetError(
                f"'{path}' holds no row of module '{module}': its rows are of module "
                f"{', '.join(map(repr, held)) or 'none'}; set reader_options: {{module: "
                f"{held[0] if held else 'adult'}}} or give that module's file"
            )
    section = re.compile(rf"^{MODULES[module]}\d+_")
    symptoms = [c for c in raw.columns if section.match(c)]
    if not symptoms:
        raise DatasetError(
            f"'{path}' has no symptom column of the {module} module (names like "
            f"{MODULES[module]}1_01_1)"
        )
    kept = symptoms + ([c for c in raw.columns if c.startswith("word_")] if words else [])
    table = pd.DataFrame({"site": raw["site"].str.strip()})
    for column, name in _DEMOGRAPHICS.items():
        if column in raw.columns:
            table[name] = _answers(raw[column])
    if "age" in table and table["age"].dtype.kind == "f":
        # PHMRC codes an unknown age in years as 999: missing, not a 999-year-old.
        table["age"] = table["age"].where(table["age"] < _UNKNOWN_AGE)
    coded = pd.DataFrame({column: _answers(raw[column]) for column in kept})
    table = pd.concat([table, coded], axis=1)
    table["cause"] = raw[cause_column].str.strip()
    return table[table["cause"] != ""].reset_index(drop=True)


def _answers(column: pd.Series) -> pd.Series:
    """Yes/no answers as 1/0, numbers as numbers, unknowns as missing, else the text."""
    import pandas as pd

    text = column.str.strip()
    lower = text.str.lower()
    known = lower[~lower.isin(_UNKNOWN)]
    if known.isin(_YES_NO.keys()).all():
        return lower.map(_YES_NO).astype(float)
    numbers = pd.to_numeric(known, errors="coerce")
    if numbers.notna().all():
        return pd.to_numeric(text.where(~lower.isin(_UNKNOWN)), errors="coerce")
    return text.where(~lower.isin(_UNKNOWN))


register_reader(
    "phmrc",
    read_phmrc,
    target="cause",
    description="PHMRC gold-standard verbal-autopsy module file (bakeoff.packs.va)",
    citation="Murray CJL et al. (2011). Population Health Metrics Research Consortium gold "
    "standard verbal autopsy validation study. Population Health Metrics 9:27.",
)
