"""What ships with segxlsx besides code: the script wording and the example guide and offers.

In a wheel they sit inside the package (`segxlsx/templates`, `segxlsx/examples/guides`,
`segxlsx/examples/offers`), copied there at build time from the repository's `templates/` and
`data/`, which stay the one copy in git (see `[tool.setuptools]` in pyproject.toml). Run from a
source tree (an editable install, or PYTHONPATH) the package folder holds no copy, and the
repository's own folders are used.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

# Each shipped folder: where it sits inside the installed package, and where in the repository.
_FOLDERS = {
    "templates": ("templates", "templates"),
    "guides": ("examples/guides", "data/guides"),
    "offers": ("examples/offers", "data/offers"),
}


def shipped_folder(name: str) -> Path:
    """The shipped folder `name` ("templates", "guides" or "offers"), installed or in the source tree."""
    in_package, in_repository = _FOLDERS[name]
    # A wheel is always unpacked onto disk, so the package's resources are plain paths.
    package = Path(str(files("segxlsx")))
    installed = package / in_package
    return installed if installed.is_dir() else package.parent / in_repository
