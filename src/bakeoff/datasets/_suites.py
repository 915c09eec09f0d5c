"""Suites: named, fixed lists of registered datasets that a study can name at once.

Members are listed by name rather than chosen by a rule, so that a suite means the same
datasets in every version of bakeoff and a study that names one stays reproducible; the
tests check that every member satisfies the suite's rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from bakeoff._registry import Registry

__all__ = ["Suite", "get_suite", "list_suites", "register_suite", "suite_members"]


@dataclass(frozen=True)
class Suite:
    """A named list of datasets.

    Attributes:
        name: The name a study uses (``suite: NAME``).
        description: What the datasets have in common.
        members: Dataset names, in the order the study lists them; empty means every
            registered dataset at the time the study is resolved.
    """

    name: str
    description: str
    members: tuple[str, ...] = ()


_SUITES: Registry[Suite] = Registry("suite", "bakeoff datasets suites")

#: Rows at most in a "small" suite: a few seconds per trial for the shipped models.
SMALL_ROWS = 10_000


def register_suite(
    name: str, members: list[str] | tuple[str, ...], *, description: str = "", replace: bool = False
) -> Suite:
    """Register a suite of dataset names (they are looked up when a study is resolved)."""
    suite = Suite(name, description, tuple(members))
    _SUITES.add(name, suite, replace=replace)
    return suite


def get_suite(name: str) -> Suite:
    """Return the suite ``name``."""
    return _SUITES.get(name)


def list_suites() -> list[Suite]:
    """Every registered suite, sorted by name."""
    return [_SUITES.get(name) for name in _SUITES.names()]


def suite_members(name: str) -> list[str]:
    """The dataset names of suite ``name`` (``all``: every registered dataset)."""
    suite = get_suite(name)
    if suite.members:
        return list(suite.members)
    from bakeoff.datasets._registry import list_datasets

    return [info.name for info in list_datasets()]


register_suite(
    "classification-small",
    [
        "iris", "wine", "breast_cancer", "digits", "penguins", "biopsy", "birthwt",
        "participation", "survey_smoking", "chile", "anes96", "seattle_weather", "loanapp",
        "flchain", "males_union",
    ],
    description=f"classification tables of at most {SMALL_ROWS:,} rows: binary and "
    "multiclass, balanced and imbalanced",
)  # fmt: skip
register_suite(
    "regression-small",
    [
        "diabetes", "mpg", "msleep", "salaries", "prestige", "cars93", "caschool",
        "auto_mpg", "wage2", "computers", "fair",
    ],
    description=f"regression tables of at most {SMALL_ROWS:,} rows",
)  # fmt: skip
register_suite(
    "mixed-types",
    [
        "penguins", "flchain", "chile", "survey_smoking", "birthwt", "males_union",
        "loanapp", "diamonds", "mpg", "msleep", "salaries", "computers", "caschool",
        "cars93", "wage2", "fair",
    ],
    description="tables with at least two categorical or boolean and at least two "
    "numeric features (for synthetic-data studies); most have missing values",
)  # fmt: skip
register_suite("all", [], description="every registered dataset")
