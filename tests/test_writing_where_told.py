"""Files written where the user says: `export -o`, `summary -o`, `import-guide -o`.

Each is written whole or not at all (a full disk or a file-size limit leaves the old file and no
half file), never over a workbook or record of a build's folder nor over the file being read,
and never while a build writes to the folder read. A CSV export is opened in spreadsheets, so
text that would start a formula there is neutralised as OWASP advises, and reads back as it was.
"""

from __future__ import annotations

import fcntl
import os
import resource
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from segxlsx.batch import build
from segxlsx.cli import main
from segxlsx.export import offers_file_bytes
from segxlsx.model import Offer
from segxlsx.sources.guides import load_guides
from segxlsx.sources.offers import csv_cell, csv_text, load_offers
from segxlsx.store.folder import LOCK

from .conftest import ROOT, SEED, SEED_YAML

OFFERS = ROOT / "data" / "offers"
FORMULA_STARTS = "=+-@\t\r\n\uff1d'"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("built") / "out"
    assert build([OFFERS], [SEED_YAML], out, today=date(2026, 11, 23)).exit_code == 0
    return out


# -- CSV injection ------------------------------------------------------------------------------


@given(st.sampled_from(FORMULA_STARTS), st.text(max_size=20))
def test_csv_cells_that_would_start_a_formula_get_a_quote_and_read_back_as_they_were(start, rest):
    text = start + rest
    cell = csv_cell(text)
    assert cell == "'" + text
    assert csv_text(cell) == text


@given(st.text(max_size=20).filter(lambda t: not t or t[0] not in FORMULA_STARTS))
def test_other_csv_cells_are_written_and_read_as_they_are(text):
    assert csv_cell(text) == text == csv_text(text)


def test_a_csv_export_opens_no_formula_and_builds_the_same_offers(tmp_path):
    guides = load_guides([SEED_YAML])
    source = tmp_path / "hostile.yaml"
    source.write_text(
        '- {candidate: \'=HYPERLINK("http://x","y")\', region: London, base: 130000, stock: 100000,'
        " bonus: 12%, notes: '+1 555 0100'}\n"
        "- {candidate: '@SUM(A1)', region: London, base: 130000, stock: 100000, bonus: 12%,"
        ' notes: "-2% vs last year\\tfine"}\n'
        '- {candidate: "\'quoted", region: London, base: 130000, stock: 100000, bonus: 12%,'
        ' notes: "\\tled by a tab"}\n',
        encoding="utf-8",
    )
    offers = load_offers([source], guides).offers
    exported = tmp_path / "export.csv"
    exported.write_bytes(offers_file_bytes(offers, guides, ".csv"))

    text = exported.read_text(encoding="utf-8")
    for line in text.splitlines()[1:]:
        for cell in line.split(","):
            assert cell.lstrip('"')[:1] not in set("=+-@\t\r"), cell
    assert "'=HYPERLINK" in text and "'+1 555" in text and "'@SUM" in text and "''quoted" in text
    again = load_offers([exported], guides).offers
    assert [_plain(o) for o in again] == [_plain(o) for o in offers]


def _plain(offer: Offer) -> tuple[object, ...]:
    return (offer.candidate, offer.notes, offer.base, offer.region)


# -- never over what a build made, never over what is read --------------------------------------


def test_export_and_import_guide_refuse_a_workbook_a_summary_or_a_record_of_a_build(folder):
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    refusals = {
        "jordan-lee.xlsx": "Jordan Lee's workbook",
        "summary.xlsx": "a build's summary",
        ".segxlsx-manifest.json": "one of the folder's own records",
    }
    for name, what in refusals.items():
        for args in (("export", folder, "--guide", SEED_YAML), ("import-guide", SEED)):
            result = run(*args, "-o", folder / name)
            assert result.exit_code == 2
            assert (
                result.stderr.splitlines()[-1]
                == (f"Error: {folder / name}: this is {what}; write to a file of your own")
                or name.startswith(".")
                and "ending in" in result.stderr
            )
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


def test_summary_out_may_replace_a_summary_but_not_a_candidates_workbook(folder, tmp_path):
    workbook = folder / "priya-raman.xlsx"
    before = workbook.read_bytes()
    result = run("summary", folder, "-o", workbook, "--guide", SEED_YAML)
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == f"Error: {workbook}: this is Priya Raman's workbook; write the summary to another file"
    )
    assert workbook.read_bytes() == before

    result = run("summary", folder, "-o", tmp_path / "summary.csv", "--guide", SEED_YAML)
    assert result.exit_code == 2 and "ending in .xlsx" in result.stderr
    assert run("summary", folder, "--guide", SEED_YAML).exit_code == 0  # its own summary.xlsx, again


def test_import_guide_refuses_to_write_over_the_guide_it_reads(tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_bytes(SEED.read_bytes())
    result = run("import-guide", guide, "-o", guide)
    assert result.exit_code == 2 and "this is the file being read" in result.stderr
    assert guide.read_bytes() == SEED.read_bytes()


# -- while a build writes -----------------------------------------------------------------------


def test_export_and_summary_wait_for_no_build_and_say_so(folder, tmp_path):
    with open(folder / LOCK, "a") as build_running:
        fcntl.flock(build_running, fcntl.LOCK_EX)
        for args in (
            ("export", folder, "-o", tmp_path / "o.yaml"),
            ("summary", folder, "-o", tmp_path / "s.xlsx"),
        ):
            result = run(*args, "--guide", SEED_YAML)
            assert result.exit_code == 2
            assert result.stderr.strip() == (
                f"Error: {folder}: a segxlsx build is writing to this folder; wait for it to finish"
            )
    assert not list(tmp_path.glob("[!.]*"))  # neither the export nor the summary


def test_a_build_waits_for_an_export_reading_its_folder(folder, tmp_path):
    """The export's lock is shared: two exports may read at once, a build may not write meanwhile."""
    from segxlsx.store.folder import reading

    with reading(folder), reading(folder):
        result = run("build", OFFERS, "--guide", SEED_YAML, "--out", folder)
    assert result.exit_code == 2 and "another segxlsx run is using this folder" in result.stderr


# -- a full disk, as a file-size limit (ulimit -f) gives it ------------------------------------


def _limited(args: list[object], max_bytes: int, cwd: Path) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return subprocess.run(
        [sys.executable, "-m", "segxlsx.program", *map(str, args)],
        preexec_fn=limit, capture_output=True, text=True, cwd=cwd, timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip


@pytest.mark.parametrize("suffix", [".csv", ".yaml", ".xlsx"])
def test_export_past_a_file_size_limit_leaves_the_old_file_and_no_half_one(folder, tmp_path, suffix):
    target = tmp_path / f"current{suffix}"
    target.write_bytes(b"last week's")
    done = _limited(["export", folder, "-o", target, "--guide", SEED_YAML], 400, tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == f"Error: {target.name}: cannot write it: File too large"
    assert target.read_bytes() == b"last week's"
    assert sorted(path.name for path in tmp_path.iterdir()) == [target.name]


def test_import_guide_past_a_file_size_limit_leaves_no_file(tmp_path):
    target = tmp_path / "guides" / "seed.yaml"
    done = _limited(["import-guide", SEED, "-o", target], 1000, tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[-1] == "Error: guides/seed.yaml: cannot write it: File too large"
    assert not target.exists() and not list(target.parent.iterdir())


def test_a_build_refuses_to_write_into_a_folder_of_offers_it_reads(tmp_path, monkeypatch):
    """`build offers -o offers` would have every later build read its workbooks and summary as
    offer files: refused in one line, exit 2, nothing written, however the folder is spelt."""
    offers = tmp_path / "offers"
    offers.mkdir()
    for source in OFFERS.iterdir():
        (offers / source.name).write_bytes(source.read_bytes())
    before = sorted(offers.iterdir())
    monkeypatch.chdir(tmp_path)
    for out in ("offers", "./offers/", offers, "offers/../offers"):
        result = run("build", "offers", "--guide", SEED_YAML, "-o", out, "-q")
        assert result.exit_code == 2, result.output
        assert "the output folder is also a folder of offers" in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert sorted(offers.iterdir()) == before
    assert run("build", "offers", "--guide", SEED_YAML, "-o", "offers/built", "-q").exit_code == 0
