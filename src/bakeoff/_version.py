"""The package version."""

from importlib import metadata

try:
    __version__ = metadata.version("bakeoff")
except metadata.PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+unknown"
