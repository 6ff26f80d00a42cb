"""summitsim: an agent-based simulator of pre-summit diplomacy with a numba Monte Carlo core."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("summitsim")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
