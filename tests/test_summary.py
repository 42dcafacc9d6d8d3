"""summary.xlsx as a manager and an analyst read it: the board, the full table's new columns,
money columns as wide as their widest amount, the reporting currency, rows kept by older builds."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from segxlsx.batch import build
from segxlsx.figures import offer_figures
from segxlsx.sources.rates import RateTable, load_rates
from segxlsx.store.ledger import Ledger, Tally
from segxlsx.summary.columns import money_text, text_width
from segxlsx.summary.row import SummaryRow
from segxlsx.summary.sheet import COLUMNS, HEADER_ROW, SummaryHeading, render_summary, save_summary
from segxlsx.summary.write import most_paid_in

from .conftest import ROOT, SEED_YAML
from .parity_cases import CASES, RATES, SEGMENT, STRIPE
from .test_batch import summary_rows

D = Decimal
MONDAY = date(2026, 11, 23)


def board_rows(path) -> list[dict[str, object]]:
    """The board as {header: cell} per row (cells, for their links and formats)."""
    sheet = load_workbook(path)["Board"]
    rows = sheet.iter_rows(min_row=HEADER_ROW)
    header = [cell.value for cell in next(rows)]
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    out = tmp_path_factory.mktemp("shipped") / "out"
    assert build([ROOT / "data" / "offers"], [SEED_YAML], out, today=MONDAY).exit_code == 0
    return out


def test_the_board_comes_first_one_line_per_offer(shipped):
    workbook = load_workbook(shipped / "summary.xlsx")
    assert workbook.sheetnames[:2] == ["Board", "Summary"]
    board, table = board_rows(shipped / "summary.xlsx"), summary_rows(shipped / "summary.xlsx")
    assert sorted(row["Candidate"].value for row in board) == sorted(row["Candidate"] for row in table)
    assert list(board[0]) == [
        "Candidate", "Region", "Stage", "Expires", "Decision due", "Days left", "Round", "Last change",
        "Base vs band", "Stock vs band", "Bonus vs band", "Total comp vs band", "Total comp (USD)", "Gap to asks (USD)",
        "Walk-away met",
    ]  # fmt: skip
    by_name = {row["Candidate"]: row for row in table}
    for line in board:
        row = by_name[line["Candidate"].value]
        name = line["Candidate"]
        assert name.hyperlink.target == row["Workbook"] and name.font.underline == "single"
        assert line["Walk-away met"].value == row["Walk-away met"] and row["Walk-away met"] in ("Yes", "No")
        assert [line[f"{c} vs band"].value for c in ("Base", "Stock", "Bonus", "Total comp")] == [
            row[f"Status {c}"] for c in ("base", "stock", "bonus %", "total comp")
        ]
        assert line["Total comp (USD)"].value == row["Total comp (USD)"]
        assert line["Total comp (USD)"].number_format.startswith('"$"#,##0')


def test_each_component_is_rated_against_its_own_band_and_the_gap_is_the_models(shipped):
    """Marcus Chen: base and stock below their bands, the bonus % within; the gap to the asks is
    what the asks add to a year's total comp, as the model computes it."""
    from segxlsx.sources.offers import load_offers

    guides = {SEGMENT.id: SEGMENT}
    offers = {o.candidate: o for o in load_offers([ROOT / "data" / "offers"], guides).offers}
    figures = offer_figures(offers["Marcus Chen"], SEGMENT, load_rates("offline"))
    row = next(r for r in summary_rows(shipped / "summary.xlsx") if r["Candidate"] == "Marcus Chen")
    assert (
        [row[f"Status {c}"] for c in ("base", "stock", "bonus %", "total comp")]
        == [figures.statuses[c] for c in ("base", "stock", "bonus_pct", "total_comp")]
        == ["below", "below", "within", "below"]
    )
    assert row["Gap base"] == figures.ask_base - figures.offer_base == figures.asks["base"].gap
    assert row["Gap stock"] == figures.asks["stock"].gap
    at_asks = (
        figures.ask_base
        + figures.ask_stock / figures.vesting_years
        + figures.ask_base * figures.ask_bonus_pct
    )
    assert row["Gap total comp"] == pytest.approx(float(at_asks - figures.offer_total_comp))
    line = next(b for b in board_rows(shipped / "summary.xlsx") if b["Candidate"].value == "Marcus Chen")
    assert line["Gap to asks (USD)"].value == pytest.approx(float(at_asks - figures.offer_total_comp))


def test_dates_are_date_cells_with_a_date_format(tmp_path):
    offers = tmp_path / "offers.csv"
    offers.write_text(
        "candidate,region,base,stock,bonus,expires\nAda Park,London,130000,100000,12%,2026-12-12\n"
    )
    assert build([offers], [SEED_YAML], tmp_path / "out", today=MONDAY).exit_code == 0
    workbook = load_workbook(tmp_path / "out" / "summary.xlsx")
    table = workbook["Summary"]
    header = [cell.value for cell in table[HEADER_ROW]]
    first = table[HEADER_ROW + 1]
    for title, day in (("Expires", datetime(2026, 12, 12)), ("Inputs changed", datetime(2026, 11, 23))):
        cell = first[header.index(title)]
        assert (cell.value, cell.is_date, cell.number_format) == (day, True, "yyyy-mm-dd"), title
    (line,) = board_rows(tmp_path / "out" / "summary.xlsx")
    assert line["Expires"].value == datetime(2026, 12, 12) and line["Expires"].is_date


# -- money columns as wide as their widest amount ------------------------------------------------


def test_a_money_columns_width_fits_its_widest_amount_in_any_currency():
    rows = [
        SummaryRow("a.xlsx", {"candidate": "A", "guide": "g", "region": "Zurich", "currency": "CHF",
                              "base": D(1_250_000), "stock": D(0)}, D("1234567.5")),
        SummaryRow("b.xlsx", {"candidate": "B", "guide": "g", "region": "Tokyo", "currency": "JPY",
                              "base": D(150_000_000), "stock": D(0)}, D(9)),
        SummaryRow("c.xlsx", {"candidate": "C", "guide": "g", "region": "Tokyo", "currency": "IDR",
                              "base": D(1_950_000_000), "stock": D(0)}, D(9)),
    ]  # fmt: skip
    workbook = render_summary(rows, [], SummaryHeading(("g",), RATES_WITH_IDR, "JPY", 0))
    sheet = workbook["Summary"]
    width = {column.header: sheet.widths[n] for n, column in enumerate(COLUMNS, start=1)}
    assert width["Base"] >= text_width("IDR 1,950,000,000") + 1
    assert width["Total comp"] >= text_width("CHF 1,234,568") + 1  # rounded as Excel shows it
    converted = D("1234567.5") * RATES_WITH_IDR.value_in("CHF", "JPY")
    assert width["Total comp ({report})"] >= text_width(money_text("JPY", converted)) + 1
    workbook.close()


RATES_WITH_IDR = RateTable(
    base=RATES.base, as_of=RATES.as_of, source=RATES.source, per_base={**RATES.per_base, "IDR": D(16_000)}
)


def test_the_ledger_measures_its_rows_as_rows_in_hand_do():
    _, offer = CASES["tokyo-jpy"]
    _, other = CASES["sf-within"]
    rows = [
        SummaryRow.of(offer, offer_figures(offer, STRIPE, RATES), "fumi.xlsx"),
        SummaryRow.of(other, offer_figures(other, SEGMENT, RATES), "ada.xlsx"),
    ]
    with Ledger() as ledger:
        for row in rows:
            ledger.add_row(row)
        assert ledger.tally() == Tally.of(rows)
    assert Tally.of(rows).measures.amounts[("JPY", "base")] == (D(15_500_000), D(15_500_000))


# -- the reporting currency ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paid_in", "expected", "why"),
    [
        (["USD", "CHF", "CHF"], "CHF", "most offers"),
        (["CHF", "USD"], "USD", "a tie: the guide's reference region is paid in USD"),
        (["USD", "CHF"], "USD", "a tie: the same, whichever comes first"),
        (["CHF", "JPY"], "CHF", "a tie without the reference currency: the first offer's"),
        (["JPY", "CHF", "CHF", "JPY"], "JPY", "the first offer's, not alphabetical"),
        ([], "USD", "no offers: the rates' base"),
    ],
)
def test_the_reporting_currency_on_a_tie_is_the_guides_reference_regions_else_the_first_offers(
    paid_in, expected, why
):
    assert SEGMENT.reference_band.currency == "USD" and RATES.base == "USD"
    assert most_paid_in(Counter(paid_in), RATES, [SEGMENT]) == expected, why


def test_with_several_guides_the_first_guides_reference_currency_breaks_a_tie():
    assert STRIPE.reference_band.currency == "EUR"
    assert most_paid_in(Counter(["USD", "EUR"]), RATES, [STRIPE, SEGMENT]) == "EUR"
    assert most_paid_in(Counter(["EUR", "USD"]), RATES, [SEGMENT, STRIPE]) == "USD"


def test_a_build_reports_in_the_reference_regions_currency_on_a_tie(tmp_path):
    offers = tmp_path / "offers.csv"
    offers.write_text(
        "candidate,region,currency,base,stock,bonus\n"
        "Ada Park,Zurich,CHF,200000,100000,10%\nBen Ode,Dublin,,120000,90000,10%\n"
    )
    guide = ROOT / "tests" / "fixtures" / "guides" / "stripe-software-engineer.md"
    report = build([offers], [guide], tmp_path / "out", today=MONDAY)
    assert report.exit_code == 0 and report.report_currency == "EUR"  # was CHF, alphabetically
    assert "Total comp (EUR)" in summary_rows(tmp_path / "out" / "summary.xlsx")[0]


# -- rows kept by an earlier segxlsx ---------------------------------------------------------------


def test_a_row_kept_by_segxlsx_0_3_reads_back_and_shows_empty_cells_for_what_it_lacks(tmp_path):
    kept = {  # as 0.3's manifest keeps a row: one status (total comp's), no gaps
        "file": "ada.xlsx",
        "offer": {"candidate": "Ada", "guide": "segment-data-engineer", "region": "London", "currency": "GBP",
                  "base": "130000", "stock": "100000", "bonus": "0.12"},
        "total_comp": "170600", "pen_base": "0.5", "pen_stock": "0.4", "pen_bonus_pct": "0.4",
        "pen_total_comp": "0.45", "compa_base": "1", "ask_base": "144000", "ask_stock": "137000",
        "walk_away_met": False, "status": "within",
    }  # fmt: skip
    row = SummaryRow.from_json(kept, "ada.xlsx", "not in this run", "2026-11-23")
    assert row is not None and row.status == "within" and row.ask_base == D(144000)
    assert row.status_base is row.gap_base is row.gap_total_comp is None
    path = tmp_path / "summary.xlsx"
    with path.open("wb") as file:
        save_summary(render_summary([row], [], SummaryHeading(("g",), RATES, "GBP", 0)), RATES.as_of, file)
    (table,) = summary_rows(path)
    assert (table["Status total comp"], table["Status base"], table["Gap base"]) == ("within", None, None)
    assert table["Walk-away met"] == "No" and table["Inputs changed"] == datetime(2026, 11, 23)
    (line,) = board_rows(path)
    assert line["Gap to asks (GBP)"].value is None and line["Total comp (GBP)"].value == 170600


def test_the_summary_reads_its_rows_once_for_each_sheet():
    with pytest.raises(TypeError, match="once for each sheet"):
        render_summary(iter([]), [], SummaryHeading(("g",), RATES, "USD", 0))


def test_the_board_stays_within_a_page_at_8_points_whatever_the_names_and_amounts():
    from segxlsx.summary.board import BOARD

    rows = [
        SummaryRow(f"{n}.xlsx", {"candidate": "Aoife Ní Bhraonáin-Fitzgerald " * 6, "guide": "g",
                                 "region": "Singapore " * 10, "currency": "IDR", "base": D(10**12),
                                 "stock": D(10**12)}, D(10**12), gap_total_comp=D(10**12))
        for n in range(3)
    ]  # fmt: skip
    for report in ("IDR", "USD"):
        heading = SummaryHeading(("g",), RATES_WITH_IDR, report, 0)
        workbook = render_summary(rows, [], heading)
        widths = [workbook["Board"].widths[n] for n in range(1, len(BOARD) + 1)]
        assert sum(widths) <= heading.page_characters, (report, widths)
        workbook.close()


def test_failures_past_what_a_sheet_holds_are_counted_not_listed(tmp_path, monkeypatch):
    """Excel repairs a sheet of more than 1,048,576 rows; the Errors sheet stops one short and says how many more."""
    import segxlsx.summary.sheet as sheet
    from segxlsx.errors import OfferError

    monkeypatch.setattr(sheet, "MAX_ROW", 6)
    monkeypatch.setattr(sheet, "FIRST_ROW", 5)  # no offers: the Errors sheet alone is at stake here
    failures = [OfferError(f"bad {n}", file="offers.csv", row=n, candidate=f"C{n}") for n in range(1, 11)]
    heading = SummaryHeading(("segment-data-engineer",), RATES, "USD", len(failures))
    workbook = render_summary([], failures, heading)
    path = tmp_path / "summary.xlsx"
    with open(path, "wb") as file:
        save_summary(workbook, RATES.as_of, file)
    rows = list(load_workbook(path)["Errors"].iter_rows(values_only=True))
    assert len(rows) == 6  # the header, four failures, the count
    assert [row[6] for row in rows[1:5]] == ["bad 1", "bad 2", "bad 3", "bad 4"]
    assert (
        rows[5][0] == "… and 6 more not listed: a sheet holds 6 rows; the build's own output lists every one"
    )


def test_workbooks_past_what_a_sheet_holds_are_counted_not_listed(tmp_path, monkeypatch):
    """More offers than a sheet's rows: every sheet lists as many as fit, the table says how many more."""
    import segxlsx.summary.sheet as sheet

    monkeypatch.setattr(sheet, "MAX_ROW", sheet.FIRST_ROW + 3)
    guide, case = CASES["sf-within"]
    rows = [
        SummaryRow.of(
            replace(case, candidate=f"Candidate {n}"), offer_figures(case, guide, RATES), f"c{n}.xlsx"
        )
        for n in range(10)
    ]
    heading = SummaryHeading(("segment-data-engineer",), RATES, "USD", 0)
    path = tmp_path / "summary.xlsx"
    with open(path, "wb") as file:
        save_summary(render_summary(rows, [], heading), RATES.as_of, file)
    book = load_workbook(path)
    table = list(book["Summary"].iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert [row[0] for row in table[:3]] == ["Candidate 0", "Candidate 1", "Candidate 2"]
    assert table[3][0] == "… and 7 more workbooks not listed: a sheet holds 10 rows; they are in the folder"
    assert book["Board"].max_row <= sheet.MAX_ROW and book["Summary"].max_row <= sheet.MAX_ROW


@pytest.mark.parametrize("folder", ["p #1%20x", "Q4 reviews?", "50% [final]"])
def test_a_merged_summarys_links_reach_workbooks_in_folders_named_anyhow(tmp_path, folder):
    """A link's target is a URI: a folder named with a space, "#", "%" or "?" is escaped in it,
    so that it leads to the workbook rather than to a fragment or a folder that is not there."""
    from urllib.parse import unquote

    from segxlsx.summary.merge import summarise

    out = tmp_path / folder
    assert build([ROOT / "data" / "offers" / "bay-area.yaml"], [SEED_YAML], out).exit_code == 0
    target = tmp_path / "merged" / "summary.xlsx"
    summarise([out], [SEED_YAML], target)
    links = [cell.hyperlink.target for row in load_workbook(target)["Board"].iter_rows() for cell in row
             if cell.hyperlink is not None]  # fmt: skip
    assert links and all(" " not in link and "#" not in link and "?" not in link for link in links)
    for link in links:
        assert (target.parent / unquote(link)).is_file(), link
