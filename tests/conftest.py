"""Shared paths and fixtures for the test-suite."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# The seed guide exactly as it arrived; shared/ sits beside the clone, a copy sits in fixtures.
SHARED_SEED = ROOT.parent / "shared" / "seeds" / "segment-data-engineer.md"
SEED = FIXTURES / "seed" / "segment-data-engineer.md"
SEED_YAML = ROOT / "data" / "guides" / "segment-data-engineer.yaml"


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run with `tmp_path` as the working directory, so relative paths in messages are short."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- the parity set: offers built, then recalculated in LibreOffice once for the whole session --


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Each case of `parity_cases` built into a workbook: name → (path, figures, offer)."""
    from openpyxl import load_workbook

    from segxlsx.figures import offer_figures
    from segxlsx.sheets import render_offer, workbook_bytes
    from segxlsx.wording import load_wording

    from .parity_cases import CASES, EDITED, RATES, ROUNDS

    folder = tmp_path_factory.mktemp("workbooks")
    wording = load_wording()
    built = {}
    for name, (guide, case) in CASES.items():
        workbook, figures = render_offer(case, guide, RATES, wording)
        path = folder / f"{name}.xlsx"
        path.write_bytes(workbook_bytes(workbook, RATES.as_of))
        built[name] = (path, figures, case)
    for name, (source, edit, edited) in EDITED.items():
        guide, case = CASES[source]
        workbook = load_workbook(built[source][0])
        edit(workbook)
        path = folder / f"{name}.xlsx"
        workbook.save(path)
        built[name] = (path, offer_figures(edited(case), guide, RATES), edited(case))
    for name, (guide, case, rounds, day) in ROUNDS.items():
        workbook, figures = render_offer(case, guide, RATES, wording, rounds, day)
        path = folder / f"{name}.xlsx"
        path.write_bytes(workbook_bytes(workbook, RATES.as_of))
        built[name] = (path, figures, case)
    return built


@pytest.fixture(scope="session")
def recalculated(built, tmp_path_factory):
    """The parity set as LibreOffice saves it after recalculating every formula: name → path."""
    from .libreoffice import convert

    out = tmp_path_factory.mktemp("recalculated")
    paths = convert([path for path, _, _ in built.values()], out)
    return dict(zip(built, paths, strict=True))
