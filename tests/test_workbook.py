"""The offer workbook, recalculated by LibreOffice, shows exactly what the Python model computes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from segxlsx.figures import NAMED_FIGURES
from segxlsx.rules import NO_LEAD_CHANGE
from segxlsx.sheets import SHEETS, render_offer, workbook_bytes
from segxlsx.sheets import compare as c
from segxlsx.sheets import offer as o
from segxlsx.sheets import years as y
from segxlsx.sheets.scripts import FIRST_LINE_ROW, NOTE, SAY
from segxlsx.wording import load_wording, offer_scripts
from segxlsx.xlsx.memo import Memo

from .conftest import ROOT
from .libreoffice import convert, named_values
from .parity_cases import CASES, EDITED, HOSTILE, RATES, SEGMENT, STRIPE, D, offer
from .reference_workbooks import BUILDERS, REFERENCES


def assert_same(name: str, shown: object, expected: object) -> None:
    if isinstance(expected, date) or (expected is None and name in DAY_FIGURES):
        # A day: a date cell (openpyxl reads a datetime); none, an empty text (LibreOffice saves
        # a formula's empty text as an empty cell).
        assert shown == datetime.combine(expected, time()) if expected else shown in ("", None), name
    elif isinstance(expected, bool):
        assert shown is expected, name
    elif isinstance(expected, Decimal):
        assert isinstance(shown, (int, float)), f"{name}: {shown!r}"
        tolerance = D("0.005") if abs(expected) >= 1 else D("1e-9")  # a cent, or a ratio's 1e-9
        assert abs(D(repr(shown)) - expected) <= tolerance, f"{name}: workbook {shown} != model {expected}"
    else:
        assert shown == expected, name


DAY_FIGURES = ("decision_due", "answer_by")  # a day, or None: a cell showing "" then
# The defined names SPEC.md promises, as it lists them ("Workbook-scope defined names").
SPEC_NAMES = (
    "offer_currency offer_base offer_stock offer_stock_annual offer_bonus_pct offer_bonus offer_sign_on "
    "offer_total_comp band_base_min band_base_mid band_base_max band_stock_min band_stock_mid "
    "band_stock_max band_bonus_pct_min band_bonus_pct_max band_total_comp_min band_total_comp_max "
    "pen_base pen_stock pen_bonus_pct pen_total_comp compa_base ask_base ask_stock ask_bonus_pct "
    "walk_away_stock walk_away_met year1_total_comp avg_total_comp sign_on_to_ask"
).split()


@pytest.mark.parametrize("case", [*CASES, *EDITED])
def test_every_defined_name_equals_the_model(case, built, recalculated):
    _, figures, _ = built[case]
    shown = named_values(recalculated[case])
    expected = figures.named()
    assert set(SPEC_NAMES) <= set(NAMED_FIGURES) <= set(shown)
    assert {n for n in shown if n.startswith("rate_")} == {n for n in expected if n.startswith("rate_")}
    for name, value in expected.items():
        assert_same(name, shown[name], value)


def test_the_cases_cover_below_within_and_above(built):
    statuses = {status for _, figures, _ in built.values() for status in figures.statuses.values()}
    assert statuses == {"below", "within", "above"}
    assert {figures.walk_away_met for _, figures, _ in built.values()} == {True, False}


@pytest.mark.parametrize("case", CASES)
def test_statuses_and_scripts_read_as_the_model_says(case, built, recalculated):
    _, figures, offer_ = built[case]
    workbook = load_workbook(recalculated[case], data_only=True)
    assert workbook.sheetnames == list(SHEETS)  # Offer, Bands, Scripts, Rates, Years, Compare
    status_cells = [workbook["Offer"][f"H{row}"].value for row in o.COMPARE_ROWS.values()]
    assert status_cells == [figures.statuses[c] for c in ("base", "stock", "bonus_pct", "total_comp")]
    guide = SEGMENT if offer_.guide_id == SEGMENT.id else STRIPE
    texts = offer_scripts(offer_, guide, load_wording()).texts(figures, offer_.currency)
    sheet = workbook["Scripts"]
    for row, (say, note) in enumerate(texts, start=FIRST_LINE_ROW):
        assert (sheet[f"{SAY}{row}"].value, sheet[f"{NOTE}{row}"].value) == (say, note)
    assert len(texts) == (4 if offer_.competing else 3)


def test_a_london_offer_in_pounds_never_reads_dollars(recalculated):
    scripts = load_workbook(recalculated["london-quarterly-after-7-month-cliff"], data_only=True)["Scripts"]
    script = scripts[f"{SAY}{FIRST_LINE_ROW}"].value
    assert script.startswith("I'd like £137K in Twilio RSUs over 4 years and a base of £144K.")
    assert "$" not in script


def test_the_competing_offers_are_named_with_their_total_comp(recalculated):
    scripts = load_workbook(recalculated["sf-competing"], data_only=True)["Scripts"]
    counter = scripts[f"{SAY}{FIRST_LINE_ROW + 3}"].value
    # Snowflake: 200K + 320K/4 + 20K = $300K; Databricks: (150K + 50K + 18K) / 0.79 = $275,949
    # Monzo pays less than this offer ($171K against $255K): named without its figure
    assert counter.startswith(
        "I have competing offers from Snowflake at $300K a year, Databricks at $276K a year and Monzo. "
    )


def test_hostile_text_stays_text(built, recalculated):
    path, _, _ = built["hostile"]
    for source in (path, recalculated["hostile"]):
        sheet = load_workbook(source)["Offer"]  # formulas as written, not values
        candidate, notes = (f"B{o.INPUT_ROW[name]}" for name in ("candidate", "notes"))
        assert sheet[candidate].value == HOSTILE[0] and sheet[candidate].data_type == "s"
        assert sheet[notes].value == " ".join(HOSTILE) and sheet[notes].data_type == "s"
        assert sheet["A1"].value == f"Offer review: {HOSTILE[0]}"
        compare = load_workbook(source)["Compare"]
        header = compare[f"{c.competitor_column(0)}{c.HEADER_ROW}"]
        assert header.value == HOSTILE[1] and header.data_type == "s"
        assert load_workbook(source)["Years"]["A1"].value == f"Year by year: {HOSTILE[0]}"


def test_editing_a_rate_moves_every_converted_figure(built, tmp_path):
    path, figures, _ = built["london-paid-in-eur"]
    workbook = load_workbook(path)
    ((sheet, ref),) = list(workbook.defined_names["rate_GBP"].destinations)
    old = figures.rates["GBP"]
    new = old * D("1.25")
    workbook[sheet][ref.replace("$", "")].value = new
    edited = tmp_path / "edited.xlsx"
    workbook.save(edited)
    shown = named_values(convert([edited], tmp_path / "out")[0])
    assert_same("rate_GBP", shown["rate_GBP"], new)
    for name in ("band_base_min", "band_base_max", "band_stock_min", "band_total_comp_max"):
        assert_same(name, shown[name], getattr(figures, name) * D("1.25"))
    assert shown["ask_base"] != float(figures.ask_base)  # the asks follow the band
    assert_same("offer_base", shown["offer_base"], figures.offer_base)  # inputs stay put


def test_same_inputs_give_the_same_bytes():
    guide, case = CASES["sf-competing"]
    wording = load_wording()
    first = workbook_bytes(render_offer(case, guide, RATES, wording)[0], RATES.as_of)
    second = workbook_bytes(render_offer(case, guide, RATES, wording)[0], RATES.as_of)
    assert first == second


def test_sheet_titles_and_names_respect_excels_limits(built):
    workbook = load_workbook(built["tokyo-jpy"][0])
    assert all(len(title) <= 31 and not set(title) & set("[]:*?/\\") for title in workbook.sheetnames)
    for name in workbook.defined_names:
        assert name.replace("_", "").isalnum() and len(name) <= 255


# --- Years and Compare: every table cell against the model ------------------------------------


def sheet_of(recalculated, case: str, title: str):
    return load_workbook(recalculated[case], data_only=True)[title]


@pytest.mark.parametrize("case", [*CASES, *EDITED])
def test_the_year_by_year_table_equals_the_model(case, built, recalculated):
    _, figures, _ = built[case]
    sheet = sheet_of(recalculated, case, "Years")
    for row in figures.years:
        r = y.year_row(row.year)
        assert sheet[f"{y.YEAR_COL}{r}"].value == row.year
        for column, expected in (
            (y.PCT_COL, row.vesting_pct / 100),
            (y.MONTH_COL, D(12 * row.year)),
            (y.SHARE_COL, row.vested_share),
            (y.STOCK_COL, row.stock),
            (y.BASE_COL, row.base),
            (y.BONUS_COL, row.bonus),
            (y.SIGN_ON_COL, row.sign_on),
            (y.TOTAL_COL, row.total_comp),
            (y.CUMULATIVE_COL, row.cumulative),
        ):
            assert_same(f"Years!{column}{r} (year {row.year})", sheet[f"{column}{r}"].value, expected)
    totals = y.totals_row(len(figures.years))
    assert_same("stock over the years", sheet[f"{y.STOCK_COL}{totals}"].value, figures.offer_stock)
    assert_same("percents over the years", sheet[f"{y.PCT_COL}{totals}"].value, D(1))
    assert_same("months between vests", sheet[f"B{y.PERIOD_ROW}"].value, D(figures.months_between_vests))


@pytest.mark.parametrize("case", [*CASES, *EDITED])
def test_each_stock_scenario_equals_the_model(case, built, recalculated):
    _, figures, _ = built[case]
    sheet = sheet_of(recalculated, case, "Years")
    years = len(figures.years)
    for number, scenario in enumerate(figures.scenarios, start=1):
        row = y.scenario_row(years, number)
        assert_same(f"scenario {number} change", sheet[f"B{row}"].value, scenario.change)
        assert_same(f"scenario {number} grant", sheet[f"C{row}"].value, scenario.grant_value)
        for year, expected in enumerate(scenario.by_year, start=1):
            assert_same(
                f"scenario {number} year {year}",
                sheet[f"{y.scenario_year_column(year)}{row}"].value,
                expected,
            )
        assert_same(
            f"scenario {number} average",
            sheet[f"{y.scenario_year_column(years + 1)}{row}"].value,
            scenario.average,
        )
    labels = [sheet[f"A{y.scenario_row(years, n)}"].value for n in (1, 2, 3)]
    assert labels == ["Share price falls", "Share price flat", "Share price rises"]


COMPETING_CASES = [name for name, (_, case) in CASES.items() if case.competing] + list(EDITED)


@pytest.mark.parametrize("case", COMPETING_CASES)
def test_competing_offers_side_by_side_equal_the_model(case, built, recalculated):
    _, figures, offer_ = built[case]
    sheet = sheet_of(recalculated, case, "Compare")
    rows = c.CompareRows(len(figures.compare_by_year))
    assert rows.years >= max(4, len(figures.years))  # every schedule in full, and four years at least
    this = {c.BASE_ROW: figures.offer_base, c.STOCK_ROW: figures.offer_stock_annual,
            c.BONUS_ROW: figures.offer_bonus, c.TOTAL_ROW: figures.offer_total_comp,
            rows.four_years: figures.four_years}  # fmt: skip
    for source, expected in this.items():
        assert_same(f"this offer, row {source}", sheet[f"{c.THIS_OFFER}{source}"].value, expected)
    for year, total in enumerate(figures.compare_by_year, start=1):
        assert_same(f"this offer, year {year}", sheet[f"{c.THIS_OFFER}{rows.year(year)}"].value, total)
    assert sheet[f"{c.THIS_OFFER}{rows.differences_header}"].value != "This offer"  # no empty column
    for index, other in enumerate(figures.competing):
        col, diff = c.competitor_column(index), c.difference_column(index)
        assert sheet[f"{col}{c.HEADER_ROW}"].value == other.company
        assert sheet[f"{diff}{rows.differences_header}"].value == other.company
        assert sheet[f"{col}{c.CURRENCY_ROW}"].value == other.currency
        assert sheet[f"{col}{c.YEARS_ROW}"].value == other.vesting.years
        theirs = {c.BASE_ROW: other.base, c.STOCK_ROW: other.stock_annual, c.BONUS_ROW: other.bonus,
                  c.TOTAL_ROW: other.total_comp_in_offer_currency, rows.four_years: other.four_years}  # fmt: skip
        for source, expected in theirs.items():
            assert_same(f"{other.company} row {source}", sheet[f"{col}{source}"].value, expected)
            assert_same(
                f"{other.company} difference row {source}",
                sheet[f"{diff}{rows.difference(source)}"].value,
                this[source] - expected,
            )
        for year in range(1, rows.years + 1):
            assert_same(f"{other.company} year {year}", sheet[f"{col}{rows.year(year)}"].value,
                        other.by_year[year - 1])  # fmt: skip
            assert_same(f"{other.company} ahead by, year {year}",
                        sheet[f"{diff}{rows.difference(rows.year(year))}"].value, other.ahead_by[year - 1])  # fmt: skip
        lead = sheet[f"{diff}{rows.lead_change}"].value
        assert lead == (other.lead_changes_in or NO_LEAD_CHANGE), other.company
    assert offer_.competing


def test_the_cases_cover_lead_changes_cliffs_and_both_first_year_scripts(built):
    figures = [f for _, f, _ in built.values()]
    leads = {other.lead_changes_in for f in figures for other in f.competing}
    assert None in leads and len(leads - {None}) >= 2  # no change, and changes in different years
    assert {f.sign_on_to_ask > 0 for f in figures} == {True, False}
    assert {f.base_to_walk_away > f.offer_base for f in figures} == {True, False}
    assert {f.vest_every for f in figures} == {"monthly", "quarterly", "yearly"}
    assert any(f.years[0].stock == 0 for f in figures)  # a cliff past the first year
    assert len({f.vesting_years for f in figures}) > 1
    # monthly and yearly vesting after the same 18-month cliff differ only in what the cliff releases
    monthly, yearly = built["ny-monthly-after-18-month-cliff"][1], built["sf-yearly-after-18-month-cliff"][1]
    assert monthly.stock_vested_at_cliff / monthly.offer_stock == D("0.375")
    assert yearly.stock_vested_at_cliff / yearly.offer_stock == D("0.25")
    assert [r.vested_share for r in monthly.years] == [r.vested_share for r in yearly.years]


def test_year_one_and_the_average_stand_side_by_side_at_the_top(built, recalculated):
    path, figures, _ = built["sf-back-loaded-monthly"]
    workbook = load_workbook(path)
    names = {name: list(workbook.defined_names[name].destinations)[0] for name in
             ("year1_total_comp", "avg_total_comp")}  # fmt: skip
    (_, year_one), (_, average) = names["year1_total_comp"], names["avg_total_comp"]
    assert year_one.replace("$", "") == "A5" and average.replace("$", "") == "E5"  # same row, near the top
    sheet = workbook["Years"]
    for ref in ("A5", "E5"):
        assert sheet[ref].font.sz >= 20 and sheet[ref].font.b
    assert sheet["A5"].fill.fgColor.rgb != sheet["E5"].fill.fgColor.rgb
    shown = sheet_of(recalculated, "sf-back-loaded-monthly", "Years")
    assert shown["I6"].value == "Year one pays 10% less than the average year"
    assert figures.year1_total_comp < figures.avg_total_comp


def test_a_back_loaded_grant_makes_year_one_smaller_than_the_average(built):
    figures = built["sf-back-loaded-monthly"][1]
    assert [row.stock for row in figures.years] == [10000, 30000, 80000, 80000]
    assert [row.sign_on for row in figures.years] == [20000, 10000, 0, 0]
    # year one: 185K base + 10K stock + 22.2K bonus + 20K sign-on; average adds 50K stock, 7.5K sign-on
    assert figures.year1_total_comp == D("237200.00")
    assert figures.avg_total_comp == D("264700.00")
    assert figures.offer_sign_on == 30000
    assert [other.lead_changes_in for other in figures.competing] == [3, 2]


def test_a_script_too_long_for_an_excel_formula_is_written_as_its_text(tmp_path):
    long_script = SEGMENT.strategy.script + " " + "We should talk about the roadmap. " * 300
    guide = replace(SEGMENT, strategy=replace(SEGMENT.strategy, script=long_script))
    case = offer("Hal", guide, "London", "GBP", 130000, 100000, "0.1")
    workbook, figures = render_offer(case, guide, RATES, load_wording())
    path = tmp_path / "long.xlsx"
    path.write_bytes(workbook_bytes(workbook, RATES.as_of))
    sheet = load_workbook(path)["Scripts"]
    cell = sheet[f"{SAY}{FIRST_LINE_ROW}"]
    say, _ = offer_scripts(case, guide, load_wording()).texts(figures, "GBP")[0]
    assert cell.data_type == "s" and cell.value == say
    assert cell.value.startswith(f"I'd like £{figures.ask_stock / 1000:.0f}K in Twilio RSUs")
    assert sheet[f"{NOTE}{FIRST_LINE_ROW}"].data_type == "f"  # the others stay live


def test_workbooks_are_written_without_openpyxl():
    """segxlsx writes every part itself (`segxlsx.xlsx`): no openpyxl release can change a
    workbook's bytes, and writing never imports it (it only reads intake sheets and edits)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from tests.reference_workbooks import BUILDERS\n"
        "for build in BUILDERS.values(): build()\n"
        "assert 'openpyxl' not in sys.modules, [m for m in sys.modules if m.startswith('openpyxl')]\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize("name", list(BUILDERS))
def test_workbooks_match_their_reference_files_part_by_part(name):
    """Each kind of workbook is the file its reference is, part by part (`reference_workbooks`
    says where they come from and how a change meant to change them writes them anew)."""
    import io
    import zipfile

    made = zipfile.ZipFile(io.BytesIO(BUILDERS[name]()))
    reference = zipfile.ZipFile(REFERENCES / name)
    assert made.namelist() == reference.namelist()
    for part in reference.namelist():
        ours, theirs = made.read(part), reference.read(part)
        if ours != theirs:
            at = next(
                (i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b),
                min(len(ours), len(theirs)),
            )
            raise AssertionError(
                f"{name} {part} differs at byte {at} (python -m tests.reference_workbooks writes them anew):\n"
                f"  made:      {ours[max(0, at - 80) : at + 80]!r}\n  reference: {theirs[max(0, at - 80) : at + 80]!r}"
            )
    assert [(i.filename, i.date_time, i.external_attr) for i in made.infolist()] == [
        (i.filename, i.date_time, i.external_attr) for i in reference.infolist()
    ]


def test_the_style_table_does_not_depend_on_the_order_looks_are_first_used():
    """Styles are numbered in a canonical order, so a workbook's bytes depend on its looks, not
    on which cell happened to use each look first."""
    from datetime import date

    from segxlsx.sheets.styles import LABEL, PERCENT, TITLE, new_workbook, put, put_text

    def written(order):
        workbook = new_workbook("Order")
        sheet = workbook.add_sheet("Sheet")
        for write in order:
            write(sheet)
        return workbook_bytes(workbook, date(2026, 1, 2))

    title = lambda sheet: put_text(sheet, "A1", "Title", TITLE)  # noqa: E731
    label = lambda sheet: put_text(sheet, "A2", "Label", LABEL)  # noqa: E731
    share = lambda sheet: put(sheet, "B2", D("0.5"), PERCENT)  # noqa: E731
    assert written([title, label, share]) == written([share, label, title])


def test_parts_worked_out_once_serve_every_workbook_of_the_same_shape(monkeypatch):
    """Style tables are kept per set of looks: an offer built after the others gives the bytes
    it gives when built first."""
    from segxlsx.xlsx import styles

    wording = load_wording()
    in_one_run = {
        name: workbook_bytes(render_offer(case, guide, RATES, wording)[0], RATES.as_of)
        for name, (guide, case) in CASES.items()
    }
    for name, (guide, case) in reversed(CASES.items()):
        monkeypatch.setattr(styles, "_TABLES", Memo(64))  # as if this offer were the first built
        assert workbook_bytes(render_offer(case, guide, RATES, wording)[0], RATES.as_of) == in_one_run[name]


def test_workbooks_alike_but_for_a_defined_name_get_their_own_workbook_part():
    import io
    import zipfile
    from datetime import date

    from segxlsx.sheets.names import define
    from segxlsx.sheets.styles import new_workbook

    def workbook_xml(cell: str) -> bytes:
        workbook = new_workbook("Names")
        workbook.add_sheet("Sheet")
        define(workbook, "offer_base", "Sheet", cell)
        data = workbook_bytes(workbook, date(2026, 1, 2))
        return zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")

    assert b"$B$5" in workbook_xml("B5") and b"$B$6" in workbook_xml("B6")
