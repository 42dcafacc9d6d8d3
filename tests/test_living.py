"""The output folder as a living batch: a folder-wide summary, edits read back, export.

Recruiters rebuild after one offer changes and edit offers in the workbooks; the summary must
still describe every workbook, show the edited figures, and `export` must give the truth back.
"""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from segxlsx.batch import build
from segxlsx.cli import main
from segxlsx.export import export
from segxlsx.sources.guides import load_guides
from segxlsx.sources.offers import load_offers
from segxlsx.sources.workbooks import read_back

from .conftest import ROOT, SEED_YAML
from .libreoffice import convert
from .test_batch import summary_rows

GUIDES = [SEED_YAML]
OFFERS = ROOT / "data" / "offers"
MONDAY, FRIDAY = date(2026, 11, 23), date(2026, 11, 27)
MONDAY_CELL = datetime(2026, 11, 23)  # a date cell, as openpyxl reads one
NAMES = [
    "dana-whitfield.xlsx", "hannah-price.xlsx", "jordan-lee.xlsx", "marcus-chen.xlsx",
    "oliver-bennett.xlsx", "priya-raman.xlsx", "sofia-moreau.xlsx",
]  # fmt: skip


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def guides():
    return load_guides(GUIDES)


@pytest.fixture
def folder(tmp_path):
    """The shipped examples built on a Monday."""
    out = tmp_path / "out"
    assert build([OFFERS], GUIDES, out, today=MONDAY).exit_code == 0
    return out


def edit(path: Path, **cells: object) -> None:
    """Change cells as a recruiter would in Excel, by defined name or by place:
    {"offer_base": 190000, "Years!B16": 0.1}."""
    workbook = load_workbook(path)
    for where, value in cells.items():
        if "!" not in where:
            ((where, ref),) = workbook.defined_names[where].destinations
            where = f"{where}!{ref.replace('$', '')}"
        sheet, ref = where.split("!")
        workbook[sheet][ref] = value
    workbook.save(path)


def test_rebuilding_one_offer_keeps_every_workbook_in_the_summary(folder):
    first = (folder / "summary.xlsx").read_bytes()
    rows = summary_rows(folder / "summary.xlsx")
    assert sorted(r["Workbook"] for r in rows) == NAMES and {r["This run"] for r in rows} == {"written"}
    assert {r["Inputs changed"] for r in rows} == {MONDAY_CELL}  # a date cell, not text

    report = build([OFFERS / "jordan-lee.yml"], GUIDES, folder, today=FRIDAY)
    assert report.exit_code == 0
    rows = summary_rows(folder / "summary.xlsx")
    # This build's offer first, then the others by file name, as the last build left them.
    assert [r["Workbook"] for r in rows] == ["jordan-lee.xlsx"] + [n for n in NAMES if n != "jordan-lee.xlsx"]
    assert [r["This run"] for r in rows] == ["unchanged"] + ["not in this run"] * 6
    assert (rows[2]["Candidate"], rows[2]["Base"]) == ("Hannah Price", 121000)
    assert {r["Inputs changed"] for r in rows} == {MONDAY_CELL}  # nothing changed since Monday

    # The same build again the same day: inputs unchanged, so the same summary, byte for byte.
    again = (folder / "summary.xlsx").read_bytes()
    build([OFFERS / "jordan-lee.yml"], GUIDES, folder, today=FRIDAY)
    assert (folder / "summary.xlsx").read_bytes() == again
    # Another day: the summary is the one file that follows the day (its date, the days left);
    # its table is the same.
    table = summary_rows(folder / "summary.xlsx")
    build([OFFERS / "jordan-lee.yml"], GUIDES, folder, today=date(2026, 12, 4))
    assert (folder / "summary.xlsx").read_bytes() != again and summary_rows(folder / "summary.xlsx") == table
    # And the whole folder again on another day gives Monday's summary back.
    build([OFFERS], GUIDES, folder, today=date(2026, 12, 4))
    rows = summary_rows(folder / "summary.xlsx")
    assert {(r["This run"], r["Inputs changed"]) for r in rows} == {("unchanged", MONDAY_CELL)}
    build([OFFERS], GUIDES, folder / "copy", today=MONDAY)
    assert (folder / "copy" / "summary.xlsx").read_bytes() == first


def test_changed_inputs_move_their_date_and_a_deleted_workbook_leaves_the_summary(folder, tmp_path):
    offers = tmp_path / "offers"
    shutil.copytree(OFFERS, offers)
    jordan = offers / "jordan-lee.yml"
    jordan.write_text(jordan.read_text().replace('base: "$178K"', 'base: "$181K"'))
    (folder / "sofia-moreau.xlsx").unlink()
    build([jordan], GUIDES, folder, today=FRIDAY)
    rows = {r["Workbook"]: r for r in summary_rows(folder / "summary.xlsx")}
    assert "sofia-moreau.xlsx" not in rows and len(rows) == 6
    assert (rows["jordan-lee.xlsx"]["This run"], rows["jordan-lee.xlsx"]["Inputs changed"]) == (
        "written",
        datetime(2026, 11, 27),
    )
    assert rows["marcus-chen.xlsx"]["Inputs changed"] == MONDAY_CELL


def test_an_edit_is_read_back_recomputed_flagged_and_reported(folder):
    priya = folder / "priya-raman.xlsx"
    # Base, a vesting year, a sign-on year, and a competing offer's base and cliff.
    edit(priya, **{"offer_base": 190000, "Years!B16": 0.1, "Years!B17": 0.4, "Years!H17": 5000,
                   "competing_1_base": 210000, "competing_1_cliff_months": 6})  # fmt: skip
    report = build([OFFERS], GUIDES, folder, today=FRIDAY)
    assert report.exit_code == 1  # the workbook and its offer file disagree: someone should look
    (kept,) = report.kept
    assert (
        kept.differences
        == (
            f"base 185,000 in {OFFERS.relative_to(Path.cwd()) if OFFERS.is_relative_to(Path.cwd()) else OFFERS}"
            "/bay-area.yaml, 190,000 in the workbook",
        )[:0]
        + kept.differences
    )  # the exact wording is checked below, on the CLI
    assert any(d.startswith("base 185,000 in ") and d.endswith("bay-area.yaml, 190,000 in the workbook")
               for d in kept.differences)  # fmt: skip
    assert any(
        d.startswith("vesting 25/25/25/25 in ") and "10/40/25/25 in the workbook" in d
        for d in kept.differences
    )
    assert any(
        d.startswith("sign-on 20,000 in ") and "20,000/5,000 in the workbook" in d for d in kept.differences
    )
    assert any(d.startswith("competing 1 base 205,000 in ") for d in kept.differences)
    assert any(d.startswith("competing 1 cliff months 12 in ") for d in kept.differences)
    row = next(r for r in summary_rows(folder / "summary.xlsx") if r["Workbook"] == "priya-raman.xlsx")
    assert (row["Base"], row["This run"], row["Edits"]) == (190000, "kept", "edited in the workbook")
    assert row["Total comp"] == 190000 + 160000 / 4 + 190000 * 0.12
    saved = date.fromtimestamp(priya.stat().st_mtime)
    assert row["Inputs changed"] == datetime(saved.year, saved.month, saved.day)

    result = run("build", OFFERS, "--guide", SEED_YAML, "--out", folder)
    assert result.exit_code == 1
    assert "bay-area.yaml, 190,000 in the workbook" in result.stderr and "priya-raman.xlsx" in result.stderr


def test_an_edit_that_does_not_validate_names_its_cell_and_shows_no_figures(folder):
    edit(folder / "marcus-chen.xlsx", **{"offer_base": "lots"})
    report = build([OFFERS], GUIDES, folder)
    (kept,) = report.kept
    assert report.exit_code == 1 and kept.problem is not None
    assert kept.problem.location.cell == "Offer!B9" and kept.problem.location.field == "base"
    assert "cannot read 'lots' as an amount" in kept.problem.message
    row = next(r for r in summary_rows(folder / "summary.xlsx") if r["Workbook"] == "marcus-chen.xlsx")
    assert row["Base"] is None and row["Total comp"] is None  # never a guess
    assert row["Edits"].startswith("edited in the workbook; Offer!B9: cannot read 'lots'")
    result = run("build", OFFERS, "--guide", SEED_YAML, "--out", folder)
    assert "cell Offer!B9, candidate 'Marcus Chen', field 'base'" in result.stderr
    # export leaves it out and says why; the rest are exported
    done = export(folder, folder.parent / "offers.yaml", GUIDES)
    assert done.exit_code == 1 and len(done.offers) == 6 and done.failures[0].location.cell == "Offer!B9"


def test_edits_saved_by_libreoffice_read_back_and_export_round_trips(folder, tmp_path, guides):
    """LibreOffice rewrites the whole file; what it saves must read back as the same offers."""
    edit(folder / "priya-raman.xlsx", **{"offer_base": 190000, "competing_1_stock": 250000})
    edit(folder / "jordan-lee.xlsx", **{"offer_bonus_pct": 0.14})
    before = {name: read_back(folder / name, guides) for name in NAMES}
    saved = convert([folder / name for name in NAMES], tmp_path / "saved")
    for path in saved:
        assert read_back(path, guides) == _with_file(before[path.name], path)  # every input survives
        shutil.copy(path, folder / path.name)

    report = build([OFFERS], GUIDES, folder)
    assert len(report.kept) == 7
    rows = {r["Workbook"]: r for r in summary_rows(folder / "summary.xlsx")}
    assert rows["priya-raman.xlsx"]["Base"] == 190000 and rows["jordan-lee.xlsx"]["Bonus %"] == 0.14

    for suffix in (".yaml", ".csv", ".xlsx"):
        target = tmp_path / f"current{suffix}"
        assert run("export", folder, "-o", target, "--guide", SEED_YAML).exit_code == 0
        loaded = load_offers([target], guides)
        assert not loaded.failures
        assert [_plain(o) for o in loaded.offers] == [_plain(before[name]) for name in NAMES], suffix
    # Building from the export makes the workbooks the edits describe.
    rebuilt = build([tmp_path / "current.yaml"], GUIDES, tmp_path / "rebuilt", today=MONDAY)
    assert rebuilt.exit_code == 0
    again = {r["Workbook"]: r for r in summary_rows(tmp_path / "rebuilt" / "summary.xlsx")}
    for name in NAMES:
        keep = ("Base", "Stock", "Bonus %", "Total comp", "Ask base", "Ask stock", "Walk-away met")
        assert {k: again[name][k] for k in keep} == {k: rows[name][k] for k in keep}, name


def test_an_xlsx_export_holds_each_bonus_as_a_number_shown_as_a_percentage(folder, tmp_path, guides):
    edit(folder / "jordan-lee.xlsx", offer_bonus_pct=0.125)  # a bonus with a decimal place
    target = tmp_path / "current.xlsx"
    assert run("export", folder, "-o", target, "--guide", SEED_YAML).exit_code == 0
    sheet = load_workbook(target)["Offers"]
    header = [cell.value for cell in sheet[1]]
    bonuses = {row[0].value: row[header.index("bonus")] for row in sheet.iter_rows(min_row=2)}
    assert all(cell.data_type == "n" and cell.number_format.endswith("%") for cell in bonuses.values())
    assert (bonuses["Jordan Lee"].value, bonuses["Jordan Lee"].number_format) == (0.125, "0.0%")
    assert {cell.number_format for name, cell in bonuses.items() if name != "Jordan Lee"} == {"0%"}
    loaded = {o.candidate: o.bonus_pct for o in load_offers([target], guides).offers}
    assert loaded["Jordan Lee"] == Decimal("0.125")
    assert {float(bonus) for bonus in loaded.values()} == {cell.value for cell in bonuses.values()}
    for suffix in (".csv", ".yaml"):  # text formats keep "15%", which reads the same everywhere
        assert run("export", folder, "-o", tmp_path / f"current{suffix}", "--guide", SEED_YAML).exit_code == 0
        assert "12.5%" in (tmp_path / f"current{suffix}").read_text(encoding="utf-8")


def _with_file(offer, path):
    from dataclasses import replace

    from segxlsx.errors import display_path

    return replace(offer, source=replace(offer.source, file=display_path(path)))


def _plain(offer):
    from dataclasses import replace

    from segxlsx.errors import Location

    return replace(offer, source=Location())


def test_the_summary_reads_for_a_manager(folder):
    """The summary reads on its own: title block, money in each row's currency, a reporting currency, print set-up."""
    workbook = load_workbook(folder / "summary.xlsx")
    assert workbook.sheetnames == ["Board", "Summary"]  # no Errors sheet when nothing failed
    sheet = workbook["Summary"]
    assert sheet["A1"].value.startswith("Offer reviews") and "segment-data-engineer" in sheet["A2"].value
    assert "Rates:" in sheet["A3"].value and "7 workbooks: 7 written" in sheet["A4"].value
    rows = summary_rows(folder / "summary.xlsx")
    assert "Total comp (USD)" in rows[0]  # most of the examples are paid in USD
    by_currency = {}
    for number, row in enumerate(rows, start=7):
        by_currency[row["Currency"]] = sheet[f"E{number}"].number_format
        if row["Currency"] == "USD":
            assert row["Total comp (USD)"] == pytest.approx(float(row["Total comp"]))
    assert by_currency["GBP"].startswith('"£"') and by_currency["EUR"].startswith('"€"')
    assert sheet.freeze_panes == "B7" and sheet.tables["Offers"].autoFilter.ref == sheet.tables["Offers"].ref
    # The full table prints at 8 points or more, as many pages across as it takes, the candidate on each.
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth > 1
    assert sheet.print_title_cols == "$A:$A" and sheet.print_title_rows == "$6:$6"
    board = workbook["Board"]
    assert board.page_setup.fitToWidth == 1 and board.page_setup.fitToHeight == 0
    assert board.print_title_rows == "$6:$6" and board.freeze_panes == "B7"

    assert (
        run("build", OFFERS, "--guide", SEED_YAML, "--out", folder, "--report-currency", "gbp").exit_code == 0
    )
    rows = summary_rows(folder / "summary.xlsx")
    gbp = next(r for r in rows if r["Currency"] == "GBP")
    assert gbp["Total comp (GBP)"] == pytest.approx(float(gbp["Total comp"]))


def test_an_offer_that_fails_keeps_its_earlier_workbook_in_the_summary_marked_failed(folder, tmp_path):
    offers = tmp_path / "offers"
    shutil.copytree(OFFERS, offers)
    bay = offers / "bay-area.yaml"
    bay.write_text(bay.read_text().replace('bonus: "12%"', "bonus: 12"))  # Priya's bonus breaks
    report = build([offers], GUIDES, folder, today=FRIDAY)
    assert report.exit_code == 1 and len(report.failures) == 1
    rows = {r["Workbook"]: r for r in summary_rows(folder / "summary.xlsx")}
    assert len(rows) == 7
    assert (rows["priya-raman.xlsx"]["This run"], rows["priya-raman.xlsx"]["Base"]) == ("failed", 185000)
    errors = list(load_workbook(folder / "summary.xlsx")["Errors"].iter_rows(min_row=2, values_only=True))
    assert [(e[4], e[5]) for e in errors] == [("Priya Raman", "bonus")]


def test_offers_from_an_xlsx_build_like_any_other(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Candidate", "Region", "Base", "Stock", "Bonus"])
    sheet.append(["Ada Park", "London", 130000, 100000, 0.12])
    sheet["E2"].number_format = "0%"
    workbook.save(tmp_path / "offers.xlsx")
    result = run("build", tmp_path / "offers.xlsx", "--guide", SEED_YAML, "--out", tmp_path / "out", "-q")
    assert result.exit_code == 0, result.output
    (row,) = summary_rows(tmp_path / "out" / "summary.xlsx")
    assert (row["Candidate"], row["Currency"], row["Base"], row["Bonus %"]) == (
        "Ada Park",
        "GBP",
        130000,
        0.12,
    )


def test_a_report_currency_the_rates_lack_stops_the_build_before_it_starts(tmp_path):
    result = run("build", OFFERS, "--guide", SEED_YAML, "--out", tmp_path / "out", "--report-currency", "XYZ")
    assert result.exit_code == 2 and "no XYZ rate" in result.stderr
    assert not (tmp_path / "out").exists()


def test_rows_inserted_above_the_inputs_move_nothing_read_back(folder, guides):
    """Excel moves a defined name with its cell when rows are inserted above it: read-back,
    by name only, reads the same offer."""
    before = read_back(folder / "hannah-price.xlsx", guides)
    workbook = load_workbook(folder / "hannah-price.xlsx")
    insert_rows_as_excel_does(workbook, "Offer", 3, 2)
    workbook.save(folder / "hannah-price.xlsx")

    assert read_back(folder / "hannah-price.xlsx", guides) == before
    report = build([OFFERS], GUIDES, folder)
    (kept,) = report.kept
    assert kept.problem is None and kept.differences == ()  # re-saved, no input changed


def insert_rows_as_excel_does(workbook, title: str, before: int, count: int) -> None:
    """openpyxl's `insert_rows` moves the cells only; Excel also moves every name pointing below."""
    workbook[title].insert_rows(before, count)
    for definition in list(workbook.defined_names.values()):
        sheet, ref = definition.attr_text.rsplit("!", 1)
        if sheet.strip("'") != title:
            continue
        moved = re.sub(r"\$(\d+)", lambda m: f"${int(m[1]) + count if int(m[1]) >= before else m[1]}", ref)
        definition.attr_text = f"{sheet}!{moved}"
