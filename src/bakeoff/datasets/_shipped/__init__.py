"""The datasets that come with bakeoff, one module per package that ships them.

Importing this package registers them all; it loads no data (loaders run on demand).
"""

from bakeoff.datasets._shipped import (  # noqa: F401  (each module registers its datasets)
    packages,
    rdatasets,
    sklearn_toys,
    statsmodels_sets,
    wooldridge_sets,
)
