"""The `Years` sheet: pay year by year, how the grant vests, stock scenarios, the ask solved.

The schedule is input here (a percent of the grant per year, the cliff, how often stock vests,
the sign-on paid each year); every other cell is a formula over it and the Offer sheet, so the
table follows any edit. The headline sets year one beside the average year, big and apart,
because the two are easily confused: a cliff or a back-loaded grant makes year one much
smaller than the average the offer letter implies.
"""

from __future__ import annotations

from .. import rules
from ..figures import STOCK_SCENARIOS, OfferFigures, YearFigures, scenario_name
from ..model import VEST_EVERY, Guide, Offer, Vesting
from ..rules import SCHEDULE_TOLERANCE
from ..sources.offer_fields import field_named
from ..xlsx import Chart, Series, Workbook
from ..xlsx.refs import column_letter, on_sheet
from . import formulas as f
from .names import define
from .paper import print_in_blocks, wrap_to_print_edge
from .styles import (
    AVERAGE_FILL,
    CENTER,
    DIFFERENCE_FILL,
    HEADLINE,
    HEADLINE_LABEL,
    HEADLINE_NOTE,
    LABEL,
    LEFT,
    MUTED,
    PERCENT,
    SECTION,
    SMALL_WIDTH,
    STATUS_FILLS,
    SUBTITLE,
    TITLE,
    TOP,
    WRAP,
    YEAR_NUMBER,
    YEAR_ONE_FILL,
    axis_money_format,
    header_row,
    merge,
    money_format,
    paper_for,
    put,
    put_formula,
    put_input,
    put_text,
    row_height,
    signed_money_format,
    widths,
)

TITLE_SHEET = "Years"
# The headline: three boxes side by side, label above, figure, a note below.
HEADLINE_ROW = 5
YEAR_ONE_BOX, AVERAGE_BOX, DIFFERENCE_BOX = ("A", "C"), ("E", "G"), ("I", "J")
# How the grant vests: inputs in column B.
VEST_EVERY_ROW, CLIFF_ROW, PERIOD_ROW, AT_CLIFF_ROW = 9, 10, 11, 12
# The year table: one row per vesting year from FIRST_YEAR_ROW.
TABLE_HEADER_ROW = 15
FIRST_YEAR_ROW = 16
YEAR_COL, PCT_COL, MONTH_COL, SHARE_COL, STOCK_COL = "A", "B", "C", "D", "E"
BASE_COL, BONUS_COL, SIGN_ON_COL, TOTAL_COL, CUMULATIVE_COL = "F", "G", "H", "I", "J"
TABLE_HEADERS = [
    "Year", "Vesting % of grant", "Months from start", "Share vested by then", "Stock vesting",
    "Base", "Target bonus", "Sign-on", "Total comp", "Cumulative",
]  # fmt: skip
FIRST_SCENARIO_YEAR_COL = 4  # D: scenario rows run the years across, after change and grant


def year_row(year: int) -> int:
    return FIRST_YEAR_ROW + year - 1


def totals_row(years: int) -> int:
    return FIRST_YEAR_ROW + years


def scenario_row(years: int, number: int) -> int:
    """The row of scenario `number` (from 1): below the table, its section title and header."""
    return totals_row(years) + 4 + number


def solve_row(years: int) -> int:
    """The first row of "Solving for the ask"."""
    return scenario_row(years, len(STOCK_SCENARIOS)) + 3


def scenario_year_column(year: int) -> str:
    return column_letter(FIRST_SCENARIO_YEAR_COL + year - 1)


def schedule_range(column: str, years: int, sheet: bool = True) -> str:
    """A column of the year table, absolute: "Years!$B$16:$B$19"."""
    cells = f"${column}${FIRST_YEAR_ROW}:${column}${year_row(years)}"
    return f"{TITLE_SHEET}!{cells}" if sheet else cells


def total_comp_cell(year: int) -> str:
    """The cell holding this offer's total comp in `year`, for other sheets."""
    return f"{TITLE_SHEET}!${TOTAL_COL}${year_row(year)}"


def write_years(
    workbook: Workbook, offer: Offer, guide: Guide, vesting: Vesting, figures: OfferFigures
) -> None:
    sheet = workbook[TITLE_SHEET]
    money = money_format(offer.currency)
    put_text(sheet, "A1", f"Year by year: {offer.candidate}", TITLE)
    put_text(
        sheet,
        "A2",
        "Blue cells on yellow are inputs (the vesting schedule, sign-on by year, share-price changes); "
        "everything else follows them and the Offer sheet.",
        SUBTITLE,
    )
    _headline(workbook, sheet, vesting.years, offer.currency, figures)
    _how_the_grant_vests(workbook, sheet, vesting, money, figures)
    _table(workbook, sheet, offer, vesting, money, figures)
    _scenarios(workbook, sheet, guide, vesting.years, money, figures)
    notes = _solve_for_the_ask(workbook, sheet, vesting.years, money, figures)
    _chart(sheet, vesting.years, offer.currency, figures)
    widths(sheet, {"A": 32} | {column_letter(c): 13 for c in range(2, 15)})
    wrap_to_print_edge(sheet, notes, SMALL_WIDTH)  # the print area ends at the year table's edge
    print_in_blocks(sheet, paper_for(offer.currency))


def _chart(sheet, years: int, currency: str, figures: OfferFigures) -> None:
    """Each year's pay stacked: base and bonus (cash), the stock vesting that year, the sign-on."""
    rows = figures.years
    axis = axis_money_format(currency, max(row.total_comp for row in rows))
    # Below the tables, so it prints with them.
    sheet.chart(f"A{solve_row(years) + 6}", _pay_chart(sheet.title, years, currency, axis, rows))


_PAY_SERIES = (  # column, series name, `YearFigures` attribute, colour
    (BASE_COL, "Base", "base", "1F3864"),
    (BONUS_COL, "Target bonus", "bonus", "5B9BD5"),
    (STOCK_COL, "Stock vesting", "stock", "70AD47"),
    (SIGN_ON_COL, "Sign-on", "sign_on", "FFC000"),
)


def _pay_chart(
    sheet_title: str, years: int, currency: str, axis: str, rows: tuple[YearFigures, ...]
) -> Chart:
    def cells(column: str) -> str:
        return on_sheet(sheet_title, f"{column}{FIRST_YEAR_ROW}:{column}{year_row(years)}")

    series = tuple(
        Series(title, cells(column), [getattr(row, figure) for row in rows], colour=colour)
        for column, title, figure, colour in _PAY_SERIES
    )
    return Chart(
        f"Pay year by year ({currency})",
        cells(YEAR_COL),
        [f"Year {row.year}" for row in rows],
        columns=series,
        axis_format=axis,
        gridlines=False,
        gap_width=60,
        height=7.5,
        width=16,
    )


def _box(sheet, row: int, box: tuple[str, str], value: str, shows=None, number_format=None, **looks) -> None:  # type: ignore[no-untyped-def]
    """One merged cell across a headline box, styled once: a label, or a formula that `shows`."""
    first, last = box
    if shows is None:
        put_text(sheet, f"{first}{row}", value, **looks)
    else:
        put_formula(sheet, f"{first}{row}", value, shows, number_format, **looks)
    merge(sheet, f"{first}{row}:{last}{row}")


def _headline(workbook, sheet, years: int, currency: str, figures: OfferFigures) -> None:
    money = money_format(currency)
    label_row, note_row = HEADLINE_ROW - 1, HEADLINE_ROW + 1
    year_one = f"{YEAR_ONE_BOX[0]}{HEADLINE_ROW}"
    average = f"{AVERAGE_BOX[0]}{HEADLINE_ROW}"
    difference = f"{DIFFERENCE_BOX[0]}{HEADLINE_ROW}"
    for box, fill, label, figure, shows, note in (
        (
            YEAR_ONE_BOX,
            YEAR_ONE_FILL,
            "First-year total comp (months 1–12)",
            f.reference(f"{TOTAL_COL}{FIRST_YEAR_ROW}"),
            figures.year1_total_comp,
            "base + stock vested by month 12 + bonus + year-one sign-on",
        ),
        (
            AVERAGE_BOX,
            AVERAGE_FILL,
            f"Average year over the {years} vesting years",
            f.average(schedule_range(TOTAL_COL, years, sheet=False)),
            figures.avg_total_comp,
            "the whole grant and every sign-on, spread over the years",
        ),
    ):
        _box(sheet, label_row, box, label, font=HEADLINE_LABEL, fill=fill, alignment=CENTER)
        _box(
            sheet,
            HEADLINE_ROW,
            box,
            figure,
            shows,
            number_format=money,
            font=HEADLINE,
            fill=fill,
            alignment=CENTER,
        )
        _box(sheet, note_row, box, note, font=HEADLINE_NOTE, fill=fill, alignment=CENTER)
    _box(sheet, label_row, DIFFERENCE_BOX, "Year one minus the average", font=HEADLINE_LABEL,
         fill=DIFFERENCE_FILL, alignment=CENTER)  # fmt: skip
    _box(sheet, HEADLINE_ROW, DIFFERENCE_BOX, rules.difference.formula(year_one, average),
         figures.year1_total_comp - figures.avg_total_comp, number_format=signed_money_format(currency),
         font=HEADLINE, fill=DIFFERENCE_FILL, alignment=CENTER)  # fmt: skip
    _box(sheet, note_row, DIFFERENCE_BOX, rules.year_one_against_average.formula(difference, average),
         figures.year_one_against_average, font=HEADLINE_NOTE, fill=DIFFERENCE_FILL,
         alignment=CENTER)  # fmt: skip
    define(workbook, "year1_total_comp", sheet.title, year_one)
    define(workbook, "avg_total_comp", sheet.title, average)
    row_height(sheet, label_row, 30)
    row_height(sheet, HEADLINE_ROW, 36)
    row_height(sheet, note_row, 26)


def _how_the_grant_vests(workbook, sheet, vesting: Vesting, money: str, figures: OfferFigures) -> None:
    put_text(sheet, f"A{VEST_EVERY_ROW - 1}", "How the grant vests", SECTION)
    years = vesting.years
    rows = (
        (VEST_EVERY_ROW, "Vests every", "monthly, quarterly or yearly: each year's percent vests in "
         "equal parts on those dates, counted from the start date"),
        (CLIFF_ROW, "Cliff (months)", "nothing vests before the cliff; what was due by then vests on the day"),
        (PERIOD_ROW, "Months between vests", ""),
        (AT_CLIFF_ROW, "Vests on the cliff date", "share of the grant and its value, at once"),
    )  # fmt: skip
    for row, label, note in rows:
        put_text(sheet, f"A{row}", label, LABEL)
        if note:
            put_text(sheet, f"D{row}", note, MUTED)
    put_input(sheet, f"B{VEST_EVERY_ROW}", vesting.every)
    sheet.validate_list(f"B{VEST_EVERY_ROW}", tuple(VEST_EVERY))
    put_input(sheet, f"B{CLIFF_ROW}", vesting.cliff_months)
    put_formula(
        sheet,
        f"B{PERIOD_ROW}",
        rules.months_between_vests.formula("vest_every"),
        figures.months_between_vests,
    )
    put_formula(
        sheet,
        f"B{AT_CLIFF_ROW}",
        "="
        + rules.vested_share.formula(
            "cliff_months",
            "cliff_months",
            "months_between_vests",
            schedule_range(YEAR_COL, years, sheet=False),
            schedule_range(PCT_COL, years, sheet=False),
        ),
        figures.share_vested_at_cliff,
        PERCENT,
    )
    put_formula(
        sheet, f"C{AT_CLIFF_ROW}", f"=offer_stock*B{AT_CLIFF_ROW}", figures.stock_vested_at_cliff, money
    )
    for name, cell in (
        (_cell_name("vest_every"), f"B{VEST_EVERY_ROW}"),
        (_cell_name("cliff_months"), f"B{CLIFF_ROW}"),
        ("months_between_vests", f"B{PERIOD_ROW}"),
        ("stock_vested_at_cliff", f"C{AT_CLIFF_ROW}"),
    ):
        define(workbook, name, sheet.title, cell)


def _cell_name(field: str) -> str:
    """The defined name of an offer field's input cell(s), as the field table declares it."""
    name = field_named(field).cell
    assert name is not None
    return name


def _table(workbook, sheet, offer: Offer, vesting: Vesting, money: str, figures: OfferFigures) -> None:
    years = vesting.years
    put_text(sheet, f"A{TABLE_HEADER_ROW - 1}", f"Year by year ({offer.currency})", SECTION)
    header_row(sheet, TABLE_HEADER_ROW, TABLE_HEADERS)
    row_height(sheet, TABLE_HEADER_ROW, 30)
    year_numbers = schedule_range(YEAR_COL, years, sheet=False)
    percents = schedule_range(PCT_COL, years, sheet=False)
    sign_on = offer.sign_on + (0,) * (years - len(offer.sign_on))
    for shows in figures.years:
        year, row = shows.year, year_row(shows.year)
        put(sheet, f"{YEAR_COL}{row}", year, YEAR_NUMBER, LABEL, LEFT)
        put_input(sheet, f"{PCT_COL}{row}", vesting.percents[year - 1] / 100, PERCENT)
        put_formula(sheet, f"{MONTH_COL}{row}", f"=12*{YEAR_COL}{row}", 12 * year)
        put_formula(
            sheet,
            f"{SHARE_COL}{row}",
            "="
            + rules.vested_share.formula(
                f"{MONTH_COL}{row}", "cliff_months", "months_between_vests", year_numbers, percents
            ),
            shows.vested_share,
            PERCENT,
        )
        before = f"{SHARE_COL}{row - 1}" if year > 1 else None
        put_formula(
            sheet,
            f"{STOCK_COL}{row}",
            rules.vesting_in_year.formula("offer_stock", f"{SHARE_COL}{row}", before),
            shows.stock,
            money,
        )
        put_formula(sheet, f"{BASE_COL}{row}", f.reference("offer_base"), shows.base, money)
        put_formula(sheet, f"{BONUS_COL}{row}", f.reference("offer_bonus"), shows.bonus, money)
        put_input(sheet, f"{SIGN_ON_COL}{row}", sign_on[year - 1], money)
        put_formula(
            sheet, f"{TOTAL_COL}{row}", f.total(f"{STOCK_COL}{row}:{SIGN_ON_COL}{row}"), shows.total_comp, money,
            LABEL,
        )  # fmt: skip
        cumulative = f.total(f"${TOTAL_COL}${FIRST_YEAR_ROW}:{TOTAL_COL}{row}")
        put_formula(sheet, f"{CUMULATIVE_COL}{row}", cumulative, shows.cumulative, money)
    # The schedule's inputs, a cell a year, each column under its field's defined name.
    for name, column in (("vesting", PCT_COL), ("sign_on", SIGN_ON_COL)):
        cells = schedule_range(column, years, sheet=False).replace("$", "")
        define(workbook, _cell_name(name), sheet.title, cells)
    _totals(sheet, years, money, figures)


def _totals(sheet, years: int, money: str, figures: OfferFigures) -> None:
    row, totals = totals_row(years), figures.year_totals
    put_text(sheet, f"A{row}", "Over the vesting years", LABEL)
    put_formula(
        sheet, f"{PCT_COL}{row}", f.total(schedule_range(PCT_COL, years, sheet=False)), totals.vesting_share,
        PERCENT, LABEL,
    )  # fmt: skip
    for column, shows in (
        (STOCK_COL, totals.stock),
        (BASE_COL, totals.base),
        (BONUS_COL, totals.bonus),
        (SIGN_ON_COL, totals.sign_on),
        (TOTAL_COL, totals.total_comp),
    ):
        put_formula(
            sheet, f"{column}{row}", f.total(schedule_range(column, years, sheet=False)), shows, money, LABEL
        )
    # Each year's share is over the schedule's own total, so an edit that breaks 100% still
    # vests the whole grant; say so rather than let it pass unseen.
    put_formula(
        sheet,
        f"{MONTH_COL}{row}",
        rules.schedule_note.formula(f"{PCT_COL}{row}"),
        totals.schedule_note,
        font=MUTED,
    )
    sheet.conditional_fill(
        f"{PCT_COL}{row}", f"ABS(${PCT_COL}${row}-1)>{SCHEDULE_TOLERANCE}", STATUS_FILLS["below"]
    )


def _scenarios(workbook, sheet, guide: Guide, years: int, money: str, figures: OfferFigures) -> None:
    top = scenario_row(years, 1) - 3
    put_text(sheet, f"A{top}", "Stock scenarios: the stock is not guaranteed", SECTION)
    put_text(
        sheet,
        f"A{top + 1}",
        f"{guide.parent_company} RSUs are worth what its shares trade at when they vest, more or less "
        "than the grant's value today. Edit a share-price change (blue) to see the grant and each "
        "year's total comp move; base, bonus and sign-on are cash and stay put.",
        MUTED,
        alignment=WRAP,
    )
    merge(sheet, f"A{top + 1}:J{top + 1}")
    row_height(sheet, top + 1, 26)
    header_row(
        sheet,
        top + 2,
        ["Scenario", "Share price change", "Grant worth"]
        + [f"Year {year}" for year in range(1, years + 1)]
        + ["Average year"],
    )
    row_height(sheet, top + 2, 30)
    for number, shows in enumerate(figures.scenarios, start=1):
        row = scenario_row(years, number)
        put_formula(sheet, f"A{row}", rules.scenario_label.formula(f"B{row}"), shows.label, font=LABEL)
        put_input(sheet, f"B{row}", shows.change, PERCENT)
        define(workbook, scenario_name(number), sheet.title, f"B{row}")
        put_formula(
            sheet, f"C{row}", rules.grant_worth.formula("offer_stock", f"$B{row}"), shows.grant_value, money
        )
        for year in range(1, years + 1):
            source = year_row(year)
            put_formula(
                sheet,
                f"{scenario_year_column(year)}{row}",
                rules.with_share_price_change.formula(
                    f"${TOTAL_COL}${source}", f"${STOCK_COL}${source}", f"$B{row}"
                ),
                shows.by_year[year - 1],
                money,
            )
        cells = f"{scenario_year_column(1)}{row}:{scenario_year_column(years)}{row}"
        put_formula(
            sheet, f"{scenario_year_column(years + 1)}{row}", f.average(cells), shows.average, money, LABEL
        )


def _solve_for_the_ask(
    workbook, sheet, years: int, money: str, figures: OfferFigures
) -> list[tuple[str, str]]:
    """The asks solved for, each with how; returns the notes written, by cell."""
    top = solve_row(years)
    put_text(sheet, f"A{top}", "Solving for the ask", SECTION)
    first = FIRST_YEAR_ROW
    rows = (
        (
            "year1_total_comp_at_ask",
            "Year one at the asks",
            rules.year1_total_comp_at.formula("ask_base", "ask_stock", f"${SHARE_COL}${first}", "ask_bonus_pct",
                                  f"${SIGN_ON_COL}${first}"),
            "ask base + ask stock vesting in year one (same schedule) + bonus at the ask % + year-one sign-on",
        ),
        (
            "sign_on_to_ask",
            "Sign-on that closes the year-one gap",
            rules.sign_on_to_ask.formula("year1_total_comp_at_ask", "year1_total_comp"),
            "year one at the asks minus year one as offered, on top of any sign-on offered; "
            "rounded up to 1,000; 0 when year one is already there",
        ),
        (
            "grant_sign_on",
            "Sign-on for the grant's first year",
            rules.grant_sign_on.formula("ask_stock", "offer_stock", f"${SHARE_COL}${first}"),
            "the grant's share of that gap: (ask stock − offer stock) × the share vesting in year one, "
            "rounded up to 1,000; what to ask as a sign-on if the grant cannot move",
        ),
        (
            "walk_away_total_comp",
            "Total comp at the walk-away grant",
            rules.annual_total_comp.formula("offer_base", "walk_away_stock", "vesting_years", "offer_bonus_pct"),
            "this offer with the walk-away stock grant in place of its own",
        ),
        (
            "base_to_walk_away",
            "Base that reaches it with this grant",
            rules.base_to_reach.formula("walk_away_total_comp", "offer_stock_annual", "offer_bonus_pct", "offer_base"),
            "with the offer's own grant and bonus %; rounded up to 1,000; the offer's base when the "
            "grant already meets the walk-away",
        ),
    )  # fmt: skip
    notes = []
    for offset, (name, label, formula, note) in enumerate(rows, start=1):
        row = top + offset
        put_text(sheet, f"A{row}", label, LABEL, alignment=TOP)  # beside the first line of its note
        put_formula(sheet, f"B{row}", formula, getattr(figures, name), money, LABEL, alignment=TOP)
        put_text(sheet, f"C{row}", note, MUTED, alignment=WRAP)
        define(workbook, name, sheet.title, f"B{row}")
        notes.append((f"C{row}", note))
    return notes
