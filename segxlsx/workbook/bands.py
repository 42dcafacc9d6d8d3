"""The `Bands` sheet: every region in its own currency and converted, plus the guide's targets.

The Offer sheet reads its band and the reference band from here, so a user who corrects a
band figure sees the offer's comparison and asks follow.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.workbook.workbook import Workbook

from ..figures import DISCREPANCY_LIMIT, BandFigures, OfferFigures
from ..model import Guide
from . import formulas as f
from .styles import (
    LABEL,
    MUTED,
    PERCENT,
    SECTION,
    SUBTITLE,
    TITLE,
    WRAP,
    header_row,
    money_format,
    print_setup,
    put_formula,
    put_input,
    put_text,
    widths,
)

TITLE_ROW, HEADER_ROW = 1, 4
FIRST_BAND_ROW = HEADER_ROW + 1

# Columns of the band table, in its own currency, then converted to the offer's currency.
REGION, CURRENCY = "A", "B"
BASE_MIN, BASE_MAX, STOCK_MIN, STOCK_MAX, YEARS = "C", "D", "E", "F", "G"
BONUS_MIN, BONUS_MAX, STATED_MIN, STATED_MAX = "H", "I", "J", "K"
COMPUTED_MIN, COMPUTED_MAX, DIFF_MIN, DIFF_MAX, CHECK = "L", "M", "N", "O", "P"
# The converted table sits below the first one, one row per region again.
CONV_BASE_MIN, CONV_BASE_MAX, CONV_STOCK_MIN, CONV_STOCK_MAX = "C", "D", "E", "F"
CONV_TOTAL_MIN, CONV_TOTAL_MAX = "G", "H"

HEADERS = [
    "Region", "Currency", "Base min", "Base max", "Stock grant min", "Stock grant max", "Vesting years",
    "Bonus min", "Bonus max", "Stated total comp min", "Stated total comp max",
    "Computed total comp min", "Computed total comp max", "Stated vs computed (min)",
    "Stated vs computed (max)", "Over 2%?",
]  # fmt: skip


@dataclass(frozen=True)
class BandsSheet:
    """Where the Offer sheet finds what it needs on the Bands sheet."""

    title: str
    band_rows: dict[str, int]  # region → row, in its own currency
    converted_rows: dict[str, int]  # region → row, in the offer's currency
    target_base: str  # absolute references, e.g. "Bands!$B$12"
    target_stock: str
    target_bonus_pct: str
    walk_away_stock: str
    limit: str

    def cell(self, region: str, column: str) -> str:
        """A cell of the region's band in its own currency."""
        return f"{self.title}!${column}${self.band_rows[region]}"

    def converted(self, region: str, column: str) -> str:
        """A cell of the region's band converted to the offer's currency."""
        return f"{self.title}!${column}${self.converted_rows[region]}"


def write_bands(workbook: Workbook, guide: Guide, figures: OfferFigures, title: str = "Bands") -> BandsSheet:
    sheet = workbook[title]
    offer_currency = figures.offer_currency
    shows = {band.region: band for band in figures.bands}
    put_text(sheet, "A1", f"Bands: {guide.title}", TITLE)
    put_text(
        sheet,
        "A2",
        "Each region in its own currency. Computed total comp = base + stock grant / vesting years + base × bonus.",
        SUBTITLE,
    )
    header_row(sheet, HEADER_ROW, HEADERS)
    sheet.row_dimensions[HEADER_ROW].height = 45
    rows = {band.region: row for row, band in enumerate(guide.bands, start=FIRST_BAND_ROW)}
    for band in guide.bands:
        _band_row(sheet, rows[band.region], band, shows[band.region])
    limit_row = FIRST_BAND_ROW + len(guide.bands) + 1
    put_text(sheet, f"A{limit_row}", "Flag when stated and computed differ by more than", LABEL)
    put_input(sheet, f"E{limit_row}", DISCREPANCY_LIMIT, PERCENT)
    for region, row in rows.items():
        flag = f.flag_over(f"$E${limit_row}", f"{DIFF_MIN}{row}", f"{DIFF_MAX}{row}")
        put_formula(sheet, f"{CHECK}{row}", flag, shows[region].check.flag)
    converted_rows = _converted_table(sheet, guide, rows, offer_currency, limit_row + 2, shows)
    targets_row = max(converted_rows.values()) + 2
    targets = _targets(sheet, guide, targets_row)
    _level_mapping(sheet, guide, targets_row + 7)
    sheet.freeze_panes = f"B{FIRST_BAND_ROW}"
    widths(sheet, {"A": 24, "B": 10} | {c: 14 for c in "CDEFGHIJKLMNOP"})
    print_setup(sheet)
    return BandsSheet(title, rows, converted_rows, *targets, limit=f"{title}!$E${limit_row}")


def _band_row(sheet, row: int, band, shows: BandFigures) -> None:
    own = money_format(band.currency)
    put_text(sheet, f"{REGION}{row}", band.region, LABEL)
    put_text(sheet, f"{CURRENCY}{row}", band.currency)
    for column, value in ((BASE_MIN, band.base.min), (BASE_MAX, band.base.max), (STOCK_MIN, band.stock.min),
                          (STOCK_MAX, band.stock.max), (STATED_MIN, band.total_comp_stated.min),
                          (STATED_MAX, band.total_comp_stated.max)):  # fmt: skip
        put_input(sheet, f"{column}{row}", value, own)
    put_input(sheet, f"{YEARS}{row}", band.vesting_years)
    put_input(sheet, f"{BONUS_MIN}{row}", band.bonus_pct.min, PERCENT)
    put_input(sheet, f"{BONUS_MAX}{row}", band.bonus_pct.max, PERCENT)
    r, check = str(row), shows.check
    put_formula(
        sheet,
        f"{COMPUTED_MIN}{r}",
        f.annual_total_comp(BASE_MIN + r, STOCK_MIN + r, YEARS + r, BONUS_MIN + r),
        check.computed.min,
        own,
    )
    put_formula(
        sheet,
        f"{COMPUTED_MAX}{r}",
        f.annual_total_comp(BASE_MAX + r, STOCK_MAX + r, YEARS + r, BONUS_MAX + r),
        check.computed.max,
        own,
    )
    put_formula(
        sheet,
        f"{DIFF_MIN}{r}",
        f.relative_difference(STATED_MIN + r, COMPUTED_MIN + r),
        check.min_difference,
        PERCENT,
    )
    put_formula(
        sheet,
        f"{DIFF_MAX}{r}",
        f.relative_difference(STATED_MAX + r, COMPUTED_MAX + r),
        check.max_difference,
        PERCENT,
    )


def _converted_table(
    sheet, guide: Guide, rows: dict[str, int], offer_currency: str, top: int, shows: dict[str, BandFigures]
) -> dict[str, int]:
    """Every band converted to the offer's currency by formulas over the first table and Rates."""
    put_text(sheet, f"A{top}", f"Converted to {offer_currency} (through the Rates sheet)", SECTION)
    header_row(sheet, top + 1, ["Region", "Currency", "Base min", "Base max", "Stock grant min", "Stock grant max",
                                "Computed total comp min", "Computed total comp max"])  # fmt: skip
    sheet.row_dimensions[top + 1].height = 30
    money = money_format(offer_currency)
    converted_rows = {}
    for row, band in enumerate(guide.bands, start=top + 2):
        converted_rows[band.region] = row
        source = rows[band.region]
        put_text(sheet, f"A{row}", band.region, LABEL)
        put_text(sheet, f"B{row}", f"{band.currency} → {offer_currency}")
        converted = shows[band.region]
        for target, column, value in (
            (CONV_BASE_MIN, BASE_MIN, converted.base.min),
            (CONV_BASE_MAX, BASE_MAX, converted.base.max),
            (CONV_STOCK_MIN, STOCK_MIN, converted.stock.min),
            (CONV_STOCK_MAX, STOCK_MAX, converted.stock.max),
            (CONV_TOTAL_MIN, COMPUTED_MIN, converted.total_comp.min),
            (CONV_TOTAL_MAX, COMPUTED_MAX, converted.total_comp.max),
        ):
            put_formula(
                sheet, f"{target}{row}", f.converted(f"{column}{source}", band.currency), value, money
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
    put_text(sheet, f"A{top}", "Level mapping", SECTION)
    for offset, level in enumerate(guide.level_mapping, start=1):
        put_text(sheet, f"A{top + offset}", level, alignment=WRAP)
