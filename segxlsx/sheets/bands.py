"""The `Bands` sheet: every region in its own currency, its stated total comp checked, the bands
in other currencies converted, and the guide's targets and level mapping.

The Offer sheet reads its band and the reference band from here, so a user who corrects a
band figure sees the offer's comparison and asks follow. Three narrow tables rather than one
wide one, so the sheet prints at a readable size.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import rules
from ..figures import DISCREPANCY_LIMIT, BandFigures, OfferFigures, rate_name
from ..model import Guide
from ..xlsx import Workbook
from .paper import print_in_blocks
from .styles import (
    LABEL,
    MIDDLE,
    MUTED,
    PERCENT,
    SECTION,
    STATUS_FILLS,
    SUBTITLE,
    TITLE,
    header_row,
    money_format,
    paper_for,
    put_formula,
    put_input,
    put_text,
    row_height,
    widths,
)

HEADER_ROW = 4
FIRST_BAND_ROW = HEADER_ROW + 1

# The band table, in each band's own currency.
REGION, CURRENCY = "A", "B"
BASE_MIN, BASE_MAX, STOCK_MIN, STOCK_MAX, YEARS, BONUS_MIN, BONUS_MAX = "C", "D", "E", "F", "G", "H", "I"
# The total comp check, one row per region again.
STATED_MIN, STATED_MAX, COMPUTED_MIN, COMPUTED_MAX, DIFF_MIN, DIFF_MAX, FLAG = (
    "B",
    "C",
    "D",
    "E",
    "F",
    "G",
    "H",
)
# In the offer's currency: which column of the converted table holds what the Offer sheet reads.
CONVERTED = {"base_min": "C", "base_max": "D", "stock_min": "E", "stock_max": "F"}
OWN = {"base_min": BASE_MIN, "base_max": BASE_MAX, "stock_min": STOCK_MIN, "stock_max": STOCK_MAX}

FLAG_WORD = "check"  # what `figures.TotalCompCheck.flag` says of a band to look at


@dataclass(frozen=True)
class BandsSheet:
    """Where the Offer sheet finds what it needs on the Bands sheet."""

    title: str
    offer_currency: str
    currencies: dict[str, str]  # region → the band's currency
    band_rows: dict[str, int]  # region → row, in its own currency
    converted_rows: dict[str, int]  # region → row converted to the offer's currency (other currencies only)
    target_base: str  # absolute references, e.g. "Bands!$B$12"
    target_stock: str
    target_bonus_pct: str
    walk_away_stock: str

    def cell(self, region: str, column: str) -> str:
        """A cell of the region's band in its own currency."""
        return f"{self.title}!${column}${self.band_rows[region]}"

    def in_offer_currency(self, region: str, figure: str) -> str:
        """base_min, base_max, stock_min or stock_max of a band, in the offer's currency.

        A band already in that currency is read as it stands: converting it would be a row of
        "USD → USD" noise.
        """
        if self.currencies[region] == self.offer_currency:
            return self.cell(region, OWN[figure])
        return f"{self.title}!${CONVERTED[figure]}${self.converted_rows[region]}"


def write_bands(workbook: Workbook, guide: Guide, figures: OfferFigures, title: str = "Bands") -> BandsSheet:
    sheet = workbook[title]
    offer_currency = figures.offer_currency
    shows = {band.region: band for band in figures.bands}
    put_text(sheet, "A1", f"Bands: {guide.title}", TITLE)
    put_text(sheet, "A2", "Each region in its own currency; the stock grant is the whole grant.", SUBTITLE)
    header_row(sheet, HEADER_ROW, ["Region", "Currency", "Base min", "Base max", "Stock grant min",
                                   "Stock grant max", "Vesting years", "Bonus min", "Bonus max"])  # fmt: skip
    row_height(sheet, HEADER_ROW, 30)
    rows = {band.region: row for row, band in enumerate(guide.bands, start=FIRST_BAND_ROW)}
    for band in guide.bands:
        _band_row(sheet, rows[band.region], band)
    check_top = FIRST_BAND_ROW + len(guide.bands) + 1
    converted_top, check_rows = _total_comp_check(sheet, guide, rows, shows, check_top)
    converted_rows = _converted_table(sheet, guide, rows, check_rows, offer_currency, converted_top, shows)
    targets_row = converted_top + 3 + len(converted_rows)
    targets = _targets(sheet, guide, targets_row)
    _level_mapping(sheet, guide, targets_row + 7)
    sheet.freeze(f"B{FIRST_BAND_ROW}")
    widths(sheet, {"A": 26} | {c: 15 for c in "BCDEFGHI"})
    print_in_blocks(sheet, paper_for(offer_currency))
    currencies = {band.region: band.currency for band in guide.bands}
    return BandsSheet(title, offer_currency, currencies, rows, converted_rows, *targets)


def _band_row(sheet, row: int, band) -> None:
    own = money_format(band.currency)
    put_text(sheet, f"{REGION}{row}", band.region, LABEL)
    put_text(sheet, f"{CURRENCY}{row}", band.currency)
    for column, value in ((BASE_MIN, band.base.min), (BASE_MAX, band.base.max), (STOCK_MIN, band.stock.min),
                          (STOCK_MAX, band.stock.max)):  # fmt: skip
        put_input(sheet, f"{column}{row}", value, own)
    put_input(sheet, f"{YEARS}{row}", band.vesting_years)
    put_input(sheet, f"{BONUS_MIN}{row}", band.bonus_pct.min, PERCENT)
    put_input(sheet, f"{BONUS_MAX}{row}", band.bonus_pct.max, PERCENT)


def _total_comp_check(
    sheet, guide: Guide, rows: dict[str, int], shows: dict[str, BandFigures], top: int
) -> tuple[int, dict[str, int]]:
    """Stated total comp beside the computed one, the difference, and a coloured flag over the limit.

    Returns the first free row below, and region → its row here.
    """
    put_text(sheet, f"A{top}", "Total comp as the guide states it, and as computed", SECTION)
    put_text(sheet, f"A{top + 1}", "Computed = base + stock grant / vesting years + base × bonus; the "
             "workbook always uses the computed one.", SUBTITLE)  # fmt: skip
    header_row(sheet, top + 2, ["Region", "Stated min", "Stated max", "Computed min", "Computed max",
                                "Stated vs computed (min)", "Stated vs computed (max)", "Flag"])  # fmt: skip
    row_height(sheet, top + 2, 30)
    first = top + 3
    limit_row = first + len(guide.bands) + 1
    limit = f"$E${limit_row}"
    for row, band in enumerate(guide.bands, start=first):
        own, check, r = money_format(band.currency), shows[band.region].check, rows[band.region]
        put_text(sheet, f"A{row}", band.region, LABEL)
        put_input(sheet, f"{STATED_MIN}{row}", band.total_comp_stated.min, own)
        put_input(sheet, f"{STATED_MAX}{row}", band.total_comp_stated.max, own)
        for column, low_or_high, value in ((COMPUTED_MIN, "min", check.computed.min),
                                           (COMPUTED_MAX, "max", check.computed.max)):  # fmt: skip
            source = (
                (BASE_MIN, STOCK_MIN, BONUS_MIN) if low_or_high == "min" else (BASE_MAX, STOCK_MAX, BONUS_MAX)
            )
            base, stock, bonus = (f"{c}{r}" for c in source)
            put_formula(
                sheet,
                f"{column}{row}",
                rules.annual_total_comp.formula(base, stock, f"{YEARS}{r}", bonus),
                value,
                own,
            )
        put_formula(sheet, f"{DIFF_MIN}{row}", rules.relative_difference.formula(f"{STATED_MIN}{row}", f"{COMPUTED_MIN}{row}"),
                    check.min_difference, PERCENT)  # fmt: skip
        put_formula(sheet, f"{DIFF_MAX}{row}", rules.relative_difference.formula(f"{STATED_MAX}{row}", f"{COMPUTED_MAX}{row}"),
                    check.max_difference, PERCENT)  # fmt: skip
        flag = rules.flag_over.formula(limit, f"{DIFF_MIN}{row}", f"{DIFF_MAX}{row}")
        put_formula(sheet, f"{FLAG}{row}", flag, check.flag, font=LABEL, alignment=MIDDLE)  # apart from the %
    flags = f"{FLAG}{first}:{FLAG}{first + len(guide.bands) - 1}"
    sheet.conditional_fill(flags, f'${FLAG}{first}="{FLAG_WORD}"', STATUS_FILLS["below"])
    put_text(sheet, f"A{limit_row}", "Flag when stated and computed differ by more than", LABEL)
    put_input(sheet, f"E{limit_row}", DISCREPANCY_LIMIT, PERCENT)
    put_text(sheet, f"A{limit_row + 1}", f'"{FLAG_WORD}": the guide\'s own total comp for the band is further '
             "from the computed one than this; worth a look, as the guide may round or count differently.", MUTED)  # fmt: skip
    return limit_row + 3, {band.region: row for row, band in enumerate(guide.bands, start=first)}


def _converted_table(
    sheet,
    guide: Guide,
    rows: dict[str, int],
    check_rows: dict[str, int],
    offer_currency: str,
    top: int,
    shows: dict[str, BandFigures],
) -> dict[str, int]:
    """The bands in other currencies, converted to the offer's by formulas over the first table
    and the Rates sheet. Returns region → row, for those bands only."""
    others = [band for band in guide.bands if band.currency != offer_currency]
    put_text(sheet, f"A{top}", f"Converted to {offer_currency} (through the Rates sheet)", SECTION)
    if not others:
        put_text(sheet, f"A{top + 1}", f"Every band is in {offer_currency} already.", MUTED)
        return {}
    header_row(sheet, top + 1, ["Region", "From", "Base min", "Base max", "Stock grant min", "Stock grant max",
                                "Computed total comp min", "Computed total comp max"])  # fmt: skip
    row_height(sheet, top + 1, 30)
    money = money_format(offer_currency)
    converted_rows = {}
    for row, band in enumerate(others, start=top + 2):
        converted_rows[band.region] = row
        source, converted = rows[band.region], shows[band.region]
        put_text(sheet, f"A{row}", band.region, LABEL)
        put_text(sheet, f"B{row}", band.currency)
        for target, column, value in (
            ("C", BASE_MIN, converted.base.min),
            ("D", BASE_MAX, converted.base.max),
            ("E", STOCK_MIN, converted.stock.min),
            ("F", STOCK_MAX, converted.stock.max),
        ):
            put_formula(
                sheet,
                f"{target}{row}",
                rules.converted.formula(f"{column}{source}", rate_name(band.currency)),
                value,
                money,
            )
        for target, column, value in (("G", COMPUTED_MIN, converted.total_comp.min),
                                      ("H", COMPUTED_MAX, converted.total_comp.max)):  # fmt: skip
            computed = f"{column}{check_rows[band.region]}"
            put_formula(
                sheet,
                f"{target}{row}",
                rules.converted.formula(computed, rate_name(band.currency)),
                value,
                money,
            )
    return converted_rows


def _targets(sheet, guide: Guide, top: int) -> tuple[str, str, str, str]:
    strategy = guide.strategy
    money = money_format(strategy.currency)
    put_text(
        sheet,
        f"A{top}",
        f"Negotiate-up targets ({strategy.reference_region}, {strategy.currency}: the reference band)",
        SECTION,
    )
    rows = (
        ("Target base", strategy.target_base, money),
        ("Target stock grant", strategy.target_stock, money),
        ("Target bonus", strategy.target_bonus_pct, PERCENT),
        ("Walk-away stock grant", strategy.walk_away_stock, money),
    )
    refs = []
    for offset, (label, value, number_format) in enumerate(rows, start=1):
        put_text(sheet, f"A{top + offset}", label, LABEL)
        put_input(sheet, f"B{top + offset}", value, number_format)
        refs.append(f"{sheet.title}!$B${top + offset}")
    put_text(
        sheet,
        f"A{top + 5}",
        "Asks keep the target's range penetration in the reference band, applied to the offer's band.",
        MUTED,
    )
    return tuple(refs)


def _level_mapping(sheet, guide: Guide, top: int) -> None:
    """The guide's "Segment DE = Google L3-L4 = …" as a table: each row the same level elsewhere."""
    put_text(sheet, f"A{top}", "Level mapping: the same level at each company", SECTION)
    header_row(sheet, top + 1, ["Company", "Level"])
    for row, level in enumerate(guide.level_mapping, start=top + 2):
        company, _, title = level.partition(" ")
        put_text(sheet, f"A{row}", company, LABEL)
        put_text(sheet, f"B{row}", title)
