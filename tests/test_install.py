"""The package as a user installs it: a wheel with everything it needs, working in a fresh venv.

One wheel is built per session from a copy of the sources (a build in the clone itself would
leave build/ behind, whose stale files a later build would ship). Installing it into a new venv
fetches its dependencies from the package registry: this is the suite's one slow test (~30 s).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.install

# What the wheel is built from: the project's metadata, its code and the folders it ships.
BUILD_INPUTS = ("pyproject.toml", "README.md", "segxlsx", "templates", "data")
# Where each shipped folder of the repository sits inside the wheel (pyproject's package-dir).
SHIPPED = {"templates": "segxlsx/templates", "data/guides": "segxlsx/examples/guides", "data/offers": "segxlsx/examples/offers", "data/markdown": "segxlsx/examples/markdown"}  # fmt: skip


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)])
    (built,) = out.glob("segxlsx-*.whl")
    return built


def _run(command: list[str], **options) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, **options)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"
    return result


def _sources() -> dict[str, bytes]:
    """Every file the wheel must hold, by its name in the wheel, with the bytes of the source."""
    files = {
        path.relative_to(ROOT).as_posix(): path.read_bytes()
        for path in (ROOT / "segxlsx").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    for folder, inside in SHIPPED.items():
        for path in (ROOT / folder).iterdir():
            files[f"{inside}/{path.name}"] = path.read_bytes()
    return files


def test_the_wheel_holds_every_source_file_byte_for_byte(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        packed = {name: archive.read(name) for name in archive.namelist() if ".dist-info/" not in name}

    sources = _sources()
    assert sorted(packed) == sorted(sources)  # nothing missing (a new subpackage), nothing extra
    assert [name for name in sources if packed[name] != sources[name]] == []
    # The Markdown guide format's example, as the README points at it: the seed as it arrived.
    seed = (ROOT / "tests" / "fixtures" / "seed" / "segment-data-engineer.md").read_bytes()
    assert packed["segxlsx/examples/markdown/segment-data-engineer.md"] == seed


def test_a_wheel_in_a_fresh_venv_runs_init_then_build(wheel: Path, tmp_path: Path) -> None:
    """A newcomer's first run from a wheel: `segxlsx init demo && cd demo && segxlsx build`."""
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    python, segxlsx = venv / "bin" / "python", venv / "bin" / "segxlsx"
    # The venv must see only the wheel: not this checkout through PYTHONPATH.
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    _run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)], env=env)
    home = tmp_path / "home"  # a folder with no repository in sight
    home.mkdir()

    _run([str(segxlsx), "init", "demo"], cwd=home, env=env)
    built = _run([str(segxlsx), "build"], cwd=home / "demo", env=env)

    assert built.stdout.startswith("8 written, 0 unchanged, 0 kept, 0 failed -> output/summary.xlsx")
    workbooks = sorted((home / "demo" / "output").glob("*.xlsx"))
    assert len(workbooks) == 9  # seven example offers, the intake sheet's example row, the summary
    for workbook in workbooks:
        with zipfile.ZipFile(workbook) as archive:
            assert archive.testzip() is None and "xl/workbook.xml" in archive.namelist()
    where = _run(
        [str(python), "-c", "import segxlsx.wording as w; print(w.DEFAULT_FOLDER)"], cwd=home, env=env
    )
    assert Path(where.stdout.strip()).is_relative_to(venv)  # the wording came from the wheel
