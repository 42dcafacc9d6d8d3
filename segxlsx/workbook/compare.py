"""The `Compare` sheet: each competing offer beside this one, in this offer's currency.

Competing offers are input on the Offer sheet in their own currency; here every figure is a
formula converting them through the Rates sheet, then the differences (green where this offer
is ahead, red where behind), who is ahead each year and the year the lead changes, if any.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from ..figures import OfferFigures
from ..model import Offer
from . import formulas as f
from .names import rate_name
from .offer import competing_cell
from .styles import (
    HEADER,
    HEADER_ALIGNMENT,
    HEADER_FILL,
    LABEL,
    LEFT,
    MUTED,
    RATE,
    SECTION,
    STATUS_FILLS,
    SUBTITLE,
    TITLE,
    YEAR_NUMBER,
    header_row,
    look,
    money_format,
    print_setup,
    put,
    put_formula,
    put_text,
    signed_money_format,
    widths,
)
from .years import total_comp_cell

TITLE_SHEET = "Compare"
HEADER_ROW = 4
CURRENCY_ROW, RATE_ROW, BASE_ROW, STOCK_ROW, BONUS_ROW, TOTAL_ROW = 5, 6, 7, 8, 9, 10
COMPONENTS = (
    (BASE_ROW, "Base"),
    (STOCK_ROW, "Stock per year"),
    (BONUS_ROW, "Target bonus"),
    (TOTAL_ROW, "Annual total comp"),
)
# What each component row shows, as `figures.CompetingFigures.ahead_on` names it.
COMPONENT_PARTS = {BASE_ROW: "base", STOCK_ROW: "stock_annual", BONUS_ROW: "bonus", TOTAL_ROW: "total_comp"}
FIRST_YEAR_ROW = 13
THIS_OFFER = "B"


def competitor_column(index: int) -> str:
    """Competing offer `index` (from 0) sits in C, D, …; this offer in B."""
    return get_column_letter(3 + index)


@dataclass(frozen=True)
class CompareRows:
    """Where each row is, for a table of `years` years."""

    years: int

    def year(self, year: int) -> int:
        return FIRST_YEAR_ROW + year - 1

    @property
    def differences_header(self) -> int:
        return self.year(self.years) + 3

    def difference(self, source_row: int) -> int:
        """The row holding this offer minus each competitor for a component or year row."""
        sources = [row for row, _ in COMPONENTS] + [self.year(y) for y in range(1, self.years + 1)]
        return self.differences_header + 1 + sources.index(source_row)

    def leader(self, year: int) -> int:
        return self.difference(self.year(self.years)) + 2 + year

    @property
    def lead_change(self) -> int:
        return self.leader(self.years) + 1


def write_compare(workbook: Workbook, offer: Offer, figures: OfferFigures, guide_years: str) -> None:
    """`guide_years`: the cell holding the years competing grants vest over."""
    sheet = workbook[TITLE_SHEET]
    rows = CompareRows(figures.vesting_years)
    put_text(sheet, "A1", "Competing offers beside this one", TITLE)
    put_text(
        sheet,
        "A2",
        f"Every amount in {offer.currency}, converted through the Rates sheet. Competing grants vest "
        "evenly over the guide's vesting years; edit competing offers on the Offer sheet.",
        SUBTITLE,
    )
    if not offer.competing:
        put_text(sheet, "A3", "This offer lists no competing offers (add them under `competing`).", MUTED)
    _figures(sheet, offer, rows, guide_years, figures)
    if offer.competing:
        _differences(sheet, offer, rows, figures)
        _leaders(sheet, offer, rows, figures)
    widths(sheet, {"A": 30} | {get_column_letter(c): 18 for c in range(2, 3 + len(offer.competing))})
    print_setup(sheet)


def _company_headers(sheet, row: int, offer: Offer) -> None:
    """Company names are untrusted text: written as text, then given the header's look."""
    header_row(sheet, row, ["", "This offer"])
    for index, other in enumerate(offer.competing):
        cell = put_text(sheet, f"{competitor_column(index)}{row}", other.company)
        look(cell, font=HEADER, fill=HEADER_FILL, alignment=HEADER_ALIGNMENT)


def _figures(sheet, offer: Offer, rows: CompareRows, guide_years: str, figures: OfferFigures) -> None:
    money = money_format(offer.currency)
    _company_headers(sheet, HEADER_ROW, offer)
    labels = [(CURRENCY_ROW, "Paid in"), (RATE_ROW, f"Value of 1 unit in {offer.currency}"), *COMPONENTS]
    for row, label in labels:
        put_text(sheet, f"A{row}", label, LABEL)
    this = THIS_OFFER
    put_formula(sheet, f"{this}{CURRENCY_ROW}", f.reference("offer_currency"), figures.offer_currency)
    own_rate = rate_name(offer.currency)
    put_formula(sheet, f"{this}{RATE_ROW}", f.reference(own_rate), figures.rates[offer.currency], RATE)
    for row, name in ((BASE_ROW, "offer_base"), (STOCK_ROW, "offer_stock_annual"), (BONUS_ROW, "offer_bonus"),
                      (TOTAL_ROW, "offer_total_comp")):  # fmt: skip
        put_formula(
            sheet,
            f"{this}{row}",
            f.reference(name),
            getattr(figures, name),
            money,
            LABEL if row == TOTAL_ROW else None,
        )
    for index, (other, shows) in enumerate(zip(offer.competing, figures.competing, strict=True)):
        col, code = competitor_column(index), other.currency
        base, stock, bonus_pct = (competing_cell(index, column) for column in "CDE")
        put_text(sheet, f"{col}{CURRENCY_ROW}", code)
        put_formula(sheet, f"{col}{RATE_ROW}", f.reference(rate_name(code)), shows.rate, RATE)
        put_formula(sheet, f"{col}{BASE_ROW}", f.converted(base, code), shows.base, money)
        put_formula(
            sheet, f"{col}{STOCK_ROW}", f.converted(f"{stock}/{guide_years}", code), shows.stock_annual, money
        )
        put_formula(sheet, f"{col}{BONUS_ROW}", f.converted(f"{base}*{bonus_pct}", code), shows.bonus, money)
        put_formula(
            sheet, f"{col}{TOTAL_ROW}", f.total(f"{col}{BASE_ROW}:{col}{BONUS_ROW}"),
            shows.total_comp_in_offer_currency, money, LABEL,
        )  # fmt: skip
    put_text(sheet, f"A{FIRST_YEAR_ROW - 1}", "Total comp, year by year", SECTION)
    for year in range(1, rows.years + 1):
        row = rows.year(year)
        put(sheet, f"A{row}", year, YEAR_NUMBER, LABEL, LEFT)
        ours = figures.years[year - 1].total_comp
        put_formula(sheet, f"{this}{row}", f.reference(total_comp_cell(year)), ours, money)
        for index, shows in enumerate(figures.competing):
            col = competitor_column(index)
            put_formula(
                sheet,
                f"{col}{row}",
                f.competing_in_year(
                    f"$A{row}", f"{col}${BASE_ROW}", f"{col}${BONUS_ROW}", f"{col}${STOCK_ROW}", guide_years
                ),
                shows.by_year[year - 1],
                money,
            )


def _differences(sheet, offer: Offer, rows: CompareRows, figures: OfferFigures) -> None:
    signed = signed_money_format(offer.currency)
    top = rows.differences_header
    put_text(sheet, f"A{top - 1}", "This offer minus each competitor (green: this offer ahead)", SECTION)
    _company_headers(sheet, top, offer)
    sources = [*COMPONENTS, *((rows.year(y), f"Year {y}") for y in range(1, rows.years + 1))]
    for position, (source, label) in enumerate(sources):
        row = rows.difference(source)
        put_text(sheet, f"A{row}", label, LABEL)
        for index, shows in enumerate(figures.competing):
            ahead = (
                shows.ahead_on[COMPONENT_PARTS[source]]
                if source in COMPONENT_PARTS
                else shows.ahead_by[position - len(COMPONENTS)]
            )
            col = competitor_column(index)
            put_formula(
                sheet, f"{col}{row}", f.difference(f"${THIS_OFFER}{source}", f"{col}{source}"), ahead, signed
            )
    first, last = rows.difference(BASE_ROW), rows.difference(rows.year(rows.years))
    area = f"C{first}:{competitor_column(len(offer.competing) - 1)}{last}"
    # To the cent, as the leader row judges it: float noise is neither ahead nor behind.
    for test, fill in ((">0", STATUS_FILLS["within"]), ("<0", STATUS_FILLS["below"])):
        sheet.conditional_formatting.add(area, FormulaRule(formula=[f"ROUND(C{first},2){test}"], fill=fill))


def _leaders(sheet, offer: Offer, rows: CompareRows, figures: OfferFigures) -> None:
    put_text(sheet, f"A{rows.leader(1) - 1}", "Who is ahead", SECTION)
    years = list(range(1, rows.years + 1))
    for year in years:
        put_text(sheet, f"A{rows.leader(year)}", f"Year {year}", LABEL)
    put_text(sheet, f"A{rows.lead_change}", "Lead changes in year", LABEL)
    for index, shows in enumerate(figures.competing):
        col = competitor_column(index)
        for year in years:
            ahead_by = f"{col}{rows.difference(rows.year(year))}"
            put_formula(
                sheet,
                f"{col}{rows.leader(year)}",
                f.leader(ahead_by, f"{col}${HEADER_ROW}"),
                shows.leaders[year - 1],
            )
        leaders = [f"{col}{rows.leader(year)}" for year in years]
        put_formula(
            sheet, f"{col}{rows.lead_change}", f.first_change(leaders, years), shows.lead_change, font=LABEL
        )
