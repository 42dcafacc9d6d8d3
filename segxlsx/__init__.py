"""segxlsx: compensation negotiation guides and candidate offers in, Excel workbooks out.

The library comes first; `segxlsx.cli` is a thin wrapper over it. Heavy modules (openpyxl,
ftfy, the rate sources) are imported only when a command needs them, so `--help` starts fast.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("segxlsx")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"
