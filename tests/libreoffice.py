"""Recalculate workbooks in LibreOffice, headless: many files per call (each call costs ~3 s)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.fail("LibreOffice (soffice) is not installed; .ci/run installs it")
    return path


def convert(files: list[Path], out: Path, to: str = "xlsx") -> list[Path]:
    """Open each file in LibreOffice, which recalculates every formula, and save it as `to`."""
    out.mkdir(parents=True, exist_ok=True)
    profile = out / ".profile"  # its own profile: no clash with a desktop LibreOffice or a parallel run
    command = [soffice(), "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
               "--convert-to", to, "--outdir", str(out), *map(str, files)]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    results = [out / f"{file.stem}.{to}" for file in files]
    missing = [r.name for r in results if not r.exists()]
    assert not missing, f"LibreOffice did not convert {missing}"
    return results


def named_values(path: Path) -> dict[str, object]:
    """Every workbook-scope defined name of a recalculated file, with its cell's value."""
    workbook = load_workbook(path, data_only=True)
    values = {}
    for name, definition in workbook.defined_names.items():
        ((sheet, ref),) = list(definition.destinations)
        values[name] = workbook[sheet][ref.replace("$", "")].value
    return values
