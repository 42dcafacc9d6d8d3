"""Offers from .xlsx: the CSV's columns on a sheet, the CSV's per-row errors, and the intake sheet."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from segxlsx.sheets.intake import intake_bytes
from segxlsx.sources.guides import load_guides
from segxlsx.sources.offers import load_offers

from .conftest import SEED_YAML
from .libreoffice import convert

HEADER = ["Candidate", "Region", "Currency", "Base", "Stock", "Bonus", "Sign on", "Vesting", "Notes"]


@pytest.fixture(scope="module")
def guides():
    return load_guides([SEED_YAML])


def offers_sheet(path, rows, title="Offers", first=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook()
    if first:  # a sheet before the offers, which must not be read
        workbook.active.title = first
        sheet = workbook.create_sheet(title)
    else:
        sheet = workbook.active
        sheet.title = title
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2, min_col=6, max_col=6):
        cells[0].number_format = "0%"
    workbook.save(path)
    return path


GOOD = [
    ["Ada Park", "San Francisco", None, 185000, 240000, 0.15, 20000, "5/15/40/40", datetime(2026, 12, 12)],
    ["Ben Ode", "london", "GBP", "£132K", "110,000", "12%", None, None, "ok"],
]
BAD = [
    ["Cy Bad", "London", None, "lots", 1, 0.1],
    [None] * 9,  # an empty row is skipped, still counted
    ["Di Bad", "London", None, 100000, 1, 12],
    ["Ed Bad", "Mars", None, 100000, 1, 0.1],
]


def test_offers_from_an_xlsx_written_by_openpyxl_and_one_saved_by_libreoffice(tmp_path, guides):
    written = offers_sheet(tmp_path / "made" / "team.xlsx", GOOD + BAD, first="Read me")
    (saved,) = convert([written], tmp_path / "saved")
    for path in (written, saved):
        loaded = load_offers([path], guides)
        ada, ben = loaded.offers
        assert (ada.base, ada.stock, ada.bonus_pct, ada.sign_on) == (
            185000,
            240000,
            Decimal("0.15"),
            (20000,),
        )
        assert ada.vesting.percents == (5, 15, 40, 40) and ada.notes == "2026-12-12"
        assert ada.source.sheet == "Offers" and ada.source.row == 2
        assert (ben.region, ben.currency, ben.base, ben.bonus_pct) == (
            "London",
            "GBP",
            132000,
            Decimal("0.12"),
        )
        problems = [str(failure) for failure in loaded.failures]
        assert [p.split(": ")[0] for p in problems] == [
            f"{path.name}, sheet 'Offers', row 4, candidate 'Cy Bad', field 'base'",
            f"{path.name}, sheet 'Offers', row 6, candidate 'Di Bad', field 'bonus'",
            f"{path.name}, sheet 'Offers', row 7, candidate 'Ed Bad', field 'region'",
        ] or path


def test_the_first_sheet_is_read_when_none_is_named_offers(tmp_path, guides):
    path = offers_sheet(tmp_path / "o.xlsx", GOOD, title="Q4")
    assert [o.candidate for o in load_offers([path], guides).offers] == ["Ada Park", "Ben Ode"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not a zip", "cannot read it as an Excel workbook"),
        (None, "the sheet has a header row but no offers below it"),
    ],
)
def test_an_xlsx_that_cannot_be_used_is_one_failure(tmp_path, guides, content, message):
    path = tmp_path / "o.xlsx"
    if content is None:
        offers_sheet(path, [])
    else:
        path.write_bytes(content)
    (failure,) = load_offers([path], guides).failures
    assert message in failure.message


def test_the_intake_sheet_opens_with_its_checks_and_its_example_loads(tmp_path, guides):
    path = tmp_path / "offers.xlsx"
    path.write_bytes(intake_bytes(guides, date(2026, 11, 27)))
    assert path.read_bytes() == intake_bytes(guides, date(2026, 11, 27))  # same guides, same bytes
    sheet = load_workbook(path)["Offers"]
    checks = {str(check.sqref).split(":")[0]: check for check in sheet.data_validations.dataValidation}
    region = next(c for c in checks.values() if c.type == "list" and "San Francisco" in c.formula1)
    assert all(band.region in region.formula1 for band in guides["segment-data-engineer"].bands)
    assert any(c.type == "list" and "GBP" in c.formula1 for c in checks.values())
    bonus = next(c for c in checks.values() if c.type == "decimal")
    assert (bonus.formula1, bonus.formula2) == ("0", "1")
    loaded = load_offers([path], guides)
    assert not loaded.failures
    (example,) = loaded.offers
    assert example.candidate == "Example Candidate" and example.region == "San Francisco"


@pytest.mark.parametrize("found_when", ["loading", "computing its figures"])
def test_validate_and_build_name_a_bad_row_of_an_xlsx_alike(tmp_path, found_when):
    """One offer location, whichever command finds the problem and whenever: file, sheet, row,
    candidate, field. A currency the rates lack is found only once the figures are computed."""
    from click.testing import CliRunner

    from segxlsx.cli import main

    bad = BAD[0] if found_when == "loading" else ["Cy Bad", "London", "EUR", 100000, 1, 0.1]
    sheet = offers_sheet(tmp_path / "offers.xlsx", [GOOD[0], bad])
    rates = tmp_path / "rates.yaml"
    rates.write_text("{as_of: 2026-11-27, base: USD, rates: {GBP: 0.79}}\n", encoding="utf-8")
    runner = CliRunner()
    arguments = [str(sheet), "--guide", str(SEED_YAML), "--rates", str(rates)]

    validated = runner.invoke(main, ["validate", *arguments])
    built = runner.invoke(main, ["build", *arguments, "--out", str(tmp_path / "out"), "-w", "1", "-q"])

    (problem,) = [line for line in validated.stdout.splitlines() if "Cy Bad" in line]
    (failure,) = [line.strip() for line in built.stderr.splitlines() if "Cy Bad" in line]
    assert "offers.xlsx, sheet 'Offers', row 3, candidate 'Cy Bad'" in problem
    assert problem == failure
