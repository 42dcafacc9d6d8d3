"""The `Compare` sheet: each competing offer beside this one, in this offer's currency.

Competing offers are input on the Offer sheet in their own currency, their schedules (how each
grant vests, sign-on by year) here; every other figure is a formula converting them through the
Rates sheet. Then the differences (green where this offer is ahead, red where behind), who is
ahead each year and the year the lead changes, if any. The years run over every schedule in
full and at least four, with a four-year total: the figure people compare offers by.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .. import rules
from ..figures import TOTAL_YEARS, OfferFigures, rate_name
from ..model import VEST_EVERY, Offer
from ..sources.offer_fields import COMPETING, competing_cell
from ..xlsx import Chart, Marker, Series, Workbook
from ..xlsx.refs import column_letter, on_sheet
from . import formulas as f
from .names import define
from .offer import competing_input
from .paper import across, print_in_blocks
from .styles import (
    LABEL,
    LEFT,
    MIDDLE,
    MUTED,
    NAMES,
    PERCENT,
    RATE,
    SECTION,
    STATUS_FILLS,
    SUBTITLE,
    TITLE,
    TOP,
    YEAR_NUMBER,
    axis_money_format,
    fit_rows,
    header_row,
    money_format,
    paper_for,
    put,
    put_formula,
    put_header,
    put_input,
    put_text,
    signed_money_format,
    widths,
    wrapped_lines,
)
from .years import total_comp_cell

TITLE_SHEET = "Compare"
HEADER_ROW = 4
CURRENCY_ROW, RATE_ROW, BASE_ROW, STOCK_ROW, BONUS_ROW, TOTAL_ROW, YEARS_ROW = 5, 6, 7, 8, 9, 10, 11
COMPONENTS = (
    (BASE_ROW, "Base"),
    (STOCK_ROW, "Stock per year"),
    (BONUS_ROW, "Target bonus"),
    (TOTAL_ROW, "Annual total comp"),
)
# What each component row shows, as `figures.CompetingFigures.ahead_on` names it.
COMPONENT_PARTS = {BASE_ROW: "base", STOCK_ROW: "stock_annual", BONUS_ROW: "bonus", TOTAL_ROW: "total_comp"}
SCHEDULE_TOP = 13  # the section title of "How each competing grant vests"
THIS_OFFER = "B"
COLUMN_WIDTH = 16  # each offer's column, in characters
NAME_WIDTH = COLUMN_WIDTH - 3  # what of it a bold name wraps in
LEAST_COLUMNS = 6  # A to F: the page's width even with few competing offers


def competitor_column(index: int) -> str:
    """Competing offer `index` (from 0) sits in C, D, …; this offer in B."""
    return column_letter(3 + index)


def difference_column(index: int) -> str:
    """In the difference and leader tables competitors start at B: there is no "this offer" there."""
    return column_letter(2 + index)


def competitor_years_cell(index: int) -> str:
    """The cell counting the years competing offer `index`'s grant vests over."""
    return f"{TITLE_SHEET}!${competitor_column(index)}${YEARS_ROW}"


_once = functools.lru_cache(maxsize=4096)  # a few layouts (years, schedules) a batch


@dataclass(frozen=True)
class CompareRows:
    """Where each row is, for a comparison over `years` years; `schedules` False when there
    are no competing grants to schedule (their rows then take no room)."""

    years: int
    schedules: bool = True

    # Each row is a pure function of the layout, asked for ~500 times a workbook: worked out once.
    @_once
    def vesting(self, year: int) -> int:
        """A competing grant's percent vesting in `year`: the schedule's inputs."""
        return SCHEDULE_TOP + 1 + year

    @property
    @_once
    def cliff(self) -> int:
        return self.vesting(self.years) + 1

    @property
    @_once
    def vest_every(self) -> int:
        return self.cliff + 1

    @property
    @_once
    def period(self) -> int:
        """Months between vests, from `vest_every`: what the year-by-year formulas count in."""
        return self.vest_every + 1

    @_once
    def sign_on(self, year: int) -> int:
        return self.period + year

    @_once
    def year(self, year: int) -> int:
        if not self.schedules:
            return SCHEDULE_TOP + year
        return self.sign_on(self.years) + 2 + year

    @property
    @_once
    def four_years(self) -> int:
        return self.year(self.years) + 1

    @property
    @_once
    def differences_header(self) -> int:
        return self.four_years + 3

    @property
    @_once
    def sources(self) -> tuple[int, ...]:
        """The rows the difference table subtracts, in its order."""
        return (
            *(row for row, _ in COMPONENTS),
            *(self.year(y) for y in range(1, self.years + 1)),
            self.four_years,
        )

    @_once
    def difference(self, source_row: int) -> int:
        """The row holding this offer minus each competitor for a component, year or total row."""
        return self.differences_header + 1 + self.sources.index(source_row)

    @_once
    def leader(self, year: int) -> int:
        return self.difference(self.four_years) + 2 + year

    @property
    @_once
    def lead_change(self) -> int:
        return self.leader(self.years) + 1


def write_compare(workbook: Workbook, offer: Offer, figures: OfferFigures) -> None:
    sheet = workbook[TITLE_SHEET]
    rows = CompareRows(len(figures.compare_by_year), schedules=bool(offer.competing))
    # As wide as five columns of figures at least, as every landscape page of the workbook.
    last = max(LEAST_COLUMNS, 2 + len(offer.competing))
    widths(sheet, {"A": 30} | {column_letter(c): COLUMN_WIDTH for c in range(2, last + 1)})
    put_text(sheet, "A1", "Competing offers beside this one", TITLE)
    if offer.competing:
        subtitle = (
            f"Every amount in {offer.currency}, converted through the Rates sheet. Edit competing offers "
            "on the Offer sheet, and how each grant vests below."
        )
    else:
        subtitle = (
            "No competing offers are listed for this offer. List them under `competing` in the offer "
            "file (company, base, stock and bonus; currency, sign-on and vesting where they differ) "
            f"and build again: each is then set here beside this offer, year by year, in {offer.currency}."
        )
    across(sheet, 2, subtitle, SUBTITLE, last)
    _figures(sheet, offer, figures)
    if offer.competing:
        _schedules(workbook, sheet, offer, rows, figures)
    _years(sheet, offer, rows, figures)
    if offer.competing:
        _differences(sheet, offer, rows, figures)
        _leaders(sheet, offer, rows, figures)
    if offer.competing:
        _chart(sheet, offer, rows, figures)
    print_in_blocks(sheet, paper_for(offer.currency), last_column=column_letter(last))


def _chart(sheet, offer: Offer, rows: CompareRows, figures: OfferFigures) -> None:
    """Total comp each year, one line per offer: where the lead changes hands is where they cross."""
    largest = max((*figures.compare_by_year, *(v for c in figures.competing for v in c.by_year)))
    axis = axis_money_format(offer.currency, largest)
    lines = [("This offer", figures.compare_by_year), *((c.company, c.by_year) for c in figures.competing)]
    sheet.chart(
        f"A{rows.lead_change + 3}", _lines_chart(sheet.title, rows.year(1), offer.currency, axis, lines)
    )


def _lines_chart(
    sheet_title: str, first_year_row: int, currency: str, axis: str, lines: list[tuple[str, tuple]]
) -> Chart:
    """`lines`: each offer's name and its total comp by year, in columns from B."""
    years = len(lines[0][1])

    def cells(column: str) -> str:
        return on_sheet(sheet_title, f"{column}{first_year_row}:{column}{first_year_row + years - 1}")

    series = tuple(
        Series(name, cells(column_letter(column)), values, marker=Marker("circle"), smooth=False)
        for column, (name, values) in enumerate(lines, start=2)
    )
    return Chart(
        f"Total comp, year by year ({currency})",
        cells("A"),
        [f"Year {year}" for year in range(1, years + 1)],
        lines=series,
        axis_format=axis,
        # Taller with each offer past three: the legend takes a line for each long name.
        height=7.5 + 0.6 * max(0, len(lines) - 3),
        width=16,
    )


def _company_headers(sheet, row: int, offer: Offer, this_offer: bool = True) -> None:
    """Company names are untrusted text: written as text, then given the header's look."""
    header_row(sheet, row, ["", "This offer"] if this_offer else [""])
    column = competitor_column if this_offer else difference_column
    for index, other in enumerate(offer.competing):
        put_header(sheet, f"{column(index)}{row}", other.company)
    _fit_names(sheet, row, offer)


def _fit_names(sheet, row: int, offer: Offer) -> None:  # type: ignore[no-untyped-def]
    """A row of company names, wrapped in their columns: as tall as the longest needs."""
    if offer.competing:
        longest = max(
            (other.company for other in offer.competing), key=lambda name: wrapped_lines(name, NAME_WIDTH)
        )
        fit_rows(sheet, row, longest, NAME_WIDTH)


def _figures(sheet, offer: Offer, figures: OfferFigures) -> None:
    money = money_format(offer.currency)
    _company_headers(sheet, HEADER_ROW, offer)
    labels = [(CURRENCY_ROW, "Paid in"), (RATE_ROW, f"Value of 1 unit in {offer.currency}"), *COMPONENTS,
              (YEARS_ROW, "Grant vests over (years)")]  # fmt: skip
    for row, label in labels:
        put_text(sheet, f"A{row}", label, LABEL)
    this = THIS_OFFER
    put_formula(sheet, f"{this}{CURRENCY_ROW}", f.reference("offer_currency"), figures.offer_currency)
    own_rate = rate_name(offer.currency)
    put_formula(sheet, f"{this}{RATE_ROW}", f.reference(own_rate), figures.rates[offer.currency], RATE)
    for row, name in ((BASE_ROW, "offer_base"), (STOCK_ROW, "offer_stock_annual"), (BONUS_ROW, "offer_bonus"),
                      (TOTAL_ROW, "offer_total_comp"), (YEARS_ROW, "vesting_years")):  # fmt: skip
        number_format = None if row == YEARS_ROW else money
        put_formula(sheet, f"{this}{row}", f.reference(name), getattr(figures, name), number_format,
                    LABEL if row == TOTAL_ROW else None)  # fmt: skip
    for index, (other, shows) in enumerate(zip(offer.competing, figures.competing, strict=True)):
        col, code = competitor_column(index), other.currency
        base, stock, bonus_pct = (competing_input(index, name) for name in ("base", "stock", "bonus"))
        years = f"{col}${YEARS_ROW}"
        put_text(sheet, f"{col}{CURRENCY_ROW}", code)
        put_formula(sheet, f"{col}{RATE_ROW}", f.reference(rate_name(code)), shows.rate, RATE)
        put_formula(
            sheet, f"{col}{BASE_ROW}", rules.converted.formula(base, rate_name(code)), shows.base, money
        )
        put_formula(
            sheet,
            f"{col}{STOCK_ROW}",
            rules.converted.formula(f"{stock}/{years}", rate_name(code)),
            shows.stock_annual,
            money,
        )
        put_formula(
            sheet,
            f"{col}{BONUS_ROW}",
            rules.converted.formula(f"{base}*{bonus_pct}", rate_name(code)),
            shows.bonus,
            money,
        )
        put_formula(
            sheet, f"{col}{TOTAL_ROW}", f.total(f"{col}{BASE_ROW}:{col}{BONUS_ROW}"),
            shows.total_comp_in_offer_currency, money, LABEL,
        )  # fmt: skip


def _schedules(workbook, sheet, offer: Offer, rows: CompareRows, figures: OfferFigures) -> None:
    """Each competing grant's schedule and sign-on, as inputs (each under its field's defined
    name), in its own currency."""
    put_text(sheet, f"A{SCHEDULE_TOP}", "How each competing grant vests (edit here)", SECTION)
    _company_headers(sheet, SCHEDULE_TOP + 1, offer)
    put_text(sheet, f"{THIS_OFFER}{SCHEDULE_TOP + 2}", "on the Years sheet", MUTED)
    for year in range(1, rows.years + 1):
        put(sheet, f"A{rows.vesting(year)}", year, '"Vests in year "0', LABEL, LEFT)
        put_text(sheet, f"A{rows.sign_on(year)}", f"Sign-on paid in year {year} (own currency)", LABEL)
    for row, label in ((rows.cliff, "Cliff (months)"), (rows.vest_every, "Vests every"),
                       (rows.period, "Months between vests")):  # fmt: skip
        put_text(sheet, f"A{row}", label, LABEL)
    for index, (other, shows) in enumerate(zip(offer.competing, figures.competing, strict=True)):
        col, vesting = competitor_column(index), shows.vesting
        for year in range(1, rows.years + 1):
            if year <= vesting.years:
                put_input(sheet, f"{col}{rows.vesting(year)}", vesting.percents[year - 1] / 100, PERCENT)
            sign_on = other.sign_on[year - 1] if year <= len(other.sign_on) else 0
            put_input(sheet, f"{col}{rows.sign_on(year)}", sign_on, money_format(other.currency))
        put_input(sheet, f"{col}{rows.cliff}", vesting.cliff_months)
        put_input(sheet, f"{col}{rows.vest_every}", vesting.every)
        sheet.validate_list(f"{col}{rows.vest_every}", tuple(VEST_EVERY))
        put_formula(
            sheet,
            f"{col}{rows.period}",
            rules.months_between_vests.formula(f"{col}{rows.vest_every}"),
            vesting.months_between_vests,
        )
        percents = f"{col}${rows.vesting(1)}:{col}${rows.vesting(rows.years)}"
        put_formula(sheet, f"{col}{YEARS_ROW}", f"=COUNT({percents})", vesting.years)
        inputs = {
            "vesting": f"{col}{rows.vesting(1)}:{col}{rows.vesting(vesting.years)}",
            "cliff_months": f"{col}{rows.cliff}",
            "vest_every": f"{col}{rows.vest_every}",
            "sign_on": f"{col}{rows.sign_on(1)}:{col}{rows.sign_on(rows.years)}",
        }
        for field in COMPETING:
            if field.name in inputs:
                define(workbook, competing_cell(index + 1, field), sheet.title, inputs[field.name])


def _years(sheet, offer: Offer, rows: CompareRows, figures: OfferFigures) -> None:
    money = money_format(offer.currency)
    this = THIS_OFFER
    first = rows.year(1)
    put_text(sheet, f"A{first - 1}", "Total comp, year by year", SECTION)
    for year, ours in enumerate(figures.compare_by_year, start=1):
        row = rows.year(year)
        put(sheet, f"A{row}", year, YEAR_NUMBER, LABEL, LEFT)
        # Past this offer's own vesting years its grant has vested: base and bonus are left.
        source = (
            f.reference(total_comp_cell(year)) if year <= figures.vesting_years else "=offer_base+offer_bonus"
        )
        put_formula(sheet, f"{this}{row}", source, ours, money)
    put_text(sheet, f"A{rows.four_years}", f"First {TOTAL_YEARS} years", LABEL)
    last = rows.year(TOTAL_YEARS)
    put_formula(sheet, f"{this}{rows.four_years}", f.total(f"{this}{first}:{this}{last}"), figures.four_years,
                money, LABEL)  # fmt: skip
    years = f"$A${rows.vesting(1)}:$A${rows.vesting(rows.years)}"
    for index, shows in enumerate(figures.competing):
        col = competitor_column(index)
        stock = competing_input(index, "stock")
        percents = f"{col}${rows.vesting(1)}:{col}${rows.vesting(rows.years)}"
        period = f"{col}${rows.period}"
        for year in range(1, rows.years + 1):
            row = rows.year(year)
            share_by_end = rules.vested_share.formula(
                f"12*$A{row}", f"{col}${rows.cliff}", period, years, percents
            )
            share_by_start = rules.vested_share.formula(f"12*($A{row}-1)", f"{col}${rows.cliff}", period, years,
                                                       percents)  # fmt: skip
            formula = rules.competing_in_year.formula(
                f"{col}${BASE_ROW}", f"{col}${BONUS_ROW}", stock, share_by_end, share_by_start,
                f"{col}${rows.sign_on(year)}", rate_name(shows.currency),
            )  # fmt: skip
            put_formula(sheet, f"{col}{row}", formula, shows.by_year[year - 1], money)
        put_formula(sheet, f"{col}{rows.four_years}", f.total(f"{col}{first}:{col}{last}"), shows.four_years,
                    money, LABEL)  # fmt: skip


def _differences(sheet, offer: Offer, rows: CompareRows, figures: OfferFigures) -> None:
    signed = signed_money_format(offer.currency)
    top = rows.differences_header
    put_text(sheet, f"A{top - 1}", "This offer minus each competitor (green: this offer ahead)", SECTION)
    _company_headers(sheet, top, offer, this_offer=False)
    labels = [*(label for _, label in COMPONENTS), *(f"Year {y}" for y in range(1, rows.years + 1)),
              f"First {TOTAL_YEARS} years"]  # fmt: skip
    for position, (source, label) in enumerate(zip(rows.sources, labels, strict=True)):
        row = rows.difference(source)
        put_text(sheet, f"A{row}", label, LABEL)
        for index, shows in enumerate(figures.competing):
            if source in COMPONENT_PARTS:
                ahead = shows.ahead_on[COMPONENT_PARTS[source]]
            elif source == rows.four_years:
                ahead = shows.ahead_on["four_years"]
            else:
                ahead = shows.ahead_by[position - len(COMPONENTS)]
            theirs = f"{competitor_column(index)}{source}"
            put_formula(sheet, f"{difference_column(index)}{row}", rules.difference.formula(f"${THIS_OFFER}{source}", theirs),
                        ahead, signed)  # fmt: skip
    first, last = rows.difference(BASE_ROW), rows.difference(rows.four_years)
    area = f"B{first}:{difference_column(len(offer.competing) - 1)}{last}"
    # To the cent, as the leader row judges it: float noise is neither ahead nor behind.
    for test, fill in ((">0", STATUS_FILLS["within"]), ("<0", STATUS_FILLS["below"])):
        sheet.conditional_fill(area, f"ROUND(B{first},2){test}", fill)


def _leaders(sheet, offer: Offer, rows: CompareRows, figures: OfferFigures) -> None:
    put_text(sheet, f"A{rows.leader(1) - 1}", "Who is ahead", SECTION)
    years = list(range(1, rows.years + 1))
    for year in years:  # at the top of its row, as the names beside it
        put_text(sheet, f"A{rows.leader(year)}", f"Year {year}", LABEL, alignment=TOP)
    put_text(sheet, f"A{rows.lead_change}", "Lead changes in year", LABEL)
    for index, shows in enumerate(figures.competing):
        col = difference_column(index)
        company = f"{competitor_column(index)}${HEADER_ROW}"
        for year in years:
            ahead_by = f"{col}{rows.difference(rows.year(year))}"
            put_formula(
                sheet,
                f"{col}{rows.leader(year)}",
                rules.leader.formula(ahead_by, company),
                shows.leaders[year - 1],
                alignment=NAMES,
            )
        leaders = [f"{col}{rows.leader(year)}" for year in years]
        put_formula(
            sheet,
            f"{col}{rows.lead_change}",
            rules.lead_change_year.formula(leaders, years),
            shows.lead_change,
            font=LABEL,
            alignment=MIDDLE,  # a year's number is never read into the next column's words
        )
    for year in years:
        _fit_names(sheet, rows.leader(year), offer)
