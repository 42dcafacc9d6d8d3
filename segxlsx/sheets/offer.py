"""The `Offer` sheet: the offer's inputs, its band comparison, the asks and a chart.

Every derived cell is a formula over the input cells on this sheet, the Bands sheet and the
Rates sheet; the defined names of the SPEC point here.
"""

from __future__ import annotations

from .. import rules
from ..figures import ChartRow, OfferFigures, rate_name
from ..model import Guide, Offer
from ..xlsx import Chart, Marker, Series, Workbook
from ..xlsx.refs import on_sheet, quoted_sheet
from . import bands as b
from . import formulas as f
from .bands import BandsSheet
from .names import define
from .styles import (
    LABEL,
    MUTED,
    PERCENT,
    RATIO,
    SECTION,
    STATUS_FILLS,
    SUBTITLE,
    TITLE,
    TOP,
    WRAP,
    axis_money_format,
    fit_rows,
    header_row,
    merge,
    money_format,
    print_setup,
    put_formula,
    put_input,
    put_text,
    row_height,
    widths,
)
from .years import PCT_COL, SIGN_ON_COL, schedule_range

TITLE_SHEET = "Offer"
# Inputs, one per row in column B.
CANDIDATE, GUIDE, REGION, CURRENCY, BASE, STOCK, YEARS, BONUS_PCT, SIGN_ON, NOTES = range(5, 15)
STOCK_ANNUAL, BONUS, TOTAL = 17, 18, 19
COMPARE_HEADER = 22
COMPARE_ROWS = {"base": 23, "stock": 24, "bonus_pct": 25, "total_comp": 26}
ASK_HEADER = 29
ASK_BASE, ASK_STOCK, ASK_BONUS, WALK_AWAY, WALK_AWAY_MET = 30, 31, 32, 33, 34
COMPETING_TOP = 37
CHART_DATA_COLUMN = "K"
NOTES_WIDTH = 34  # columns B and C together, in characters


def write_offer(
    workbook: Workbook,
    offer: Offer,
    guide: Guide,
    bands: BandsSheet,
    figures: OfferFigures,
    competitor_years: list[str],
) -> None:
    """`competitor_years`: the cell counting each competing grant's vesting years (on Compare)."""
    sheet = workbook[TITLE_SHEET]
    money = money_format(offer.currency)
    put_text(sheet, "A1", f"Offer review: {offer.candidate}", TITLE)
    put_text(
        sheet,
        "A2",
        f"{guide.title}. Blue cells on yellow are inputs; everything else follows them.",
        SUBTITLE,
    )
    _inputs(workbook, sheet, offer, guide, money, figures)
    _annual(workbook, sheet, money, figures)
    _comparison(workbook, sheet, offer, bands, money, figures)
    _asks(workbook, sheet, guide, bands, money, figures)
    if offer.competing:
        _competing(sheet, offer, competitor_years, money, figures)
    _chart(sheet, offer, bands, figures)
    sheet.freeze("A4")
    widths(sheet, {"A": 30, "B": 18, "C": 16, "D": 16, "E": 16, "F": 16, "G": 16, "H": 12}
           | {"K": 18, "L": 12, "M": 12, "N": 12, "O": 12})  # fmt: skip
    last = COMPETING_TOP + 1 + len(offer.competing) if offer.competing else WALK_AWAY_MET
    sheet.print_setup(area=f"A1:H{last}")  # the report; the chart's data beside it stays on screen
    print_setup(sheet, pages_tall=1)


def _label(sheet, row: int, text: str) -> None:
    put_text(sheet, f"A{row}", text, LABEL)


def _inputs(workbook, sheet, offer: Offer, guide: Guide, money: str, figures: OfferFigures) -> None:
    put_text(sheet, "A4", "The offer", SECTION)
    band = guide.band(offer.region)
    for row, label, text in (
        (CANDIDATE, "Candidate", offer.candidate),
        (GUIDE, "Guide", guide.id),
        (REGION, "Region", band.region),
    ):
        _label(sheet, row, label)
        put_text(sheet, f"B{row}", text)  # runs on over the empty cell beside it
    # Notes say what matters ("expires 12 December"): wrapped in full beside the chart's foot.
    put_text(sheet, f"A{NOTES}", "Notes", LABEL, alignment=TOP)
    put_text(sheet, f"B{NOTES}", offer.notes, alignment=WRAP)
    merge(sheet, f"B{NOTES}:C{NOTES}")
    fit_rows(sheet, NOTES, offer.notes, NOTES_WIDTH)
    _label(sheet, CURRENCY, "Currency")
    put_text(sheet, f"B{CURRENCY}", offer.currency)
    define(workbook, "offer_currency", sheet.title, f"B{CURRENCY}")
    for row, label, name, value, number_format in (
        (BASE, "Base salary", "offer_base", offer.base, money),
        (STOCK, "Stock grant (whole grant)", "offer_stock", offer.stock, money),
        (BONUS_PCT, "Target bonus", "offer_bonus_pct", offer.bonus_pct, PERCENT),
    ):
        _label(sheet, row, label)
        put_input(sheet, f"B{row}", value, number_format)
        define(workbook, name, sheet.title, f"B{row}")
    # The schedule (a percent per year, sign-on by year) is input on the Years sheet, which
    # shows how they fall year by year; these two follow it.
    vesting_years = figures.vesting_years
    _label(sheet, YEARS, "Vesting years")
    put_formula(sheet, f"B{YEARS}", f"=ROWS({schedule_range(PCT_COL, vesting_years)})", vesting_years)
    put_text(sheet, f"C{YEARS}", "← the schedule on Years", MUTED)
    define(workbook, "vesting_years", sheet.title, f"B{YEARS}")
    _label(sheet, SIGN_ON, "Sign-on bonus (total)")
    put_formula(
        sheet,
        f"B{SIGN_ON}",
        f.total(schedule_range(SIGN_ON_COL, vesting_years)),
        figures.offer_sign_on,
        money,
    )
    put_text(sheet, f"C{SIGN_ON}", "← by year on Years", MUTED)
    define(workbook, "offer_sign_on", sheet.title, f"B{SIGN_ON}")


def _annual(workbook, sheet, money: str, figures: OfferFigures) -> None:
    put_text(sheet, f"A{STOCK_ANNUAL - 1}", "A year of it", SECTION)
    years = f"$B${YEARS}"
    for row, label, name, formula in (
        (
            STOCK_ANNUAL,
            "Stock per year",
            "offer_stock_annual",
            rules.stock_per_year.formula("offer_stock", years),
        ),
        (
            BONUS,
            "Bonus at target",
            "offer_bonus",
            rules.bonus_at_target.formula("offer_base", "offer_bonus_pct"),
        ),
        (
            TOTAL,
            "Annual total comp",
            "offer_total_comp",
            rules.annual_total_comp.formula("offer_base", "offer_stock", years, "offer_bonus_pct"),
        ),
    ):
        _label(sheet, row, label)
        put_formula(sheet, f"B{row}", formula, getattr(figures, name), money, LABEL if row == TOTAL else None)
        define(workbook, name, sheet.title, f"B{row}")


def _comparison(workbook, sheet, offer: Offer, bands: BandsSheet, money: str, figures: OfferFigures) -> None:
    region = offer.region
    put_text(
        sheet, f"A{COMPARE_HEADER - 1}", f"Against the {region} band (converted to {offer.currency})", SECTION
    )
    row_height(sheet, COMPARE_HEADER, 30)
    header_row(
        sheet,
        COMPARE_HEADER,
        [
            "Component",
            "Offer",
            "Band min",
            "Midpoint",
            "Band max",
            "Range penetration",
            "Compa-ratio",
            "Status",
        ],
    )
    # The band's own vesting years, as figures.band_total_comp spreads its grant.
    years = bands.cell(region, b.YEARS)
    rows = COMPARE_ROWS
    base_min, base_max = (
        bands.in_offer_currency(region, "base_min"),
        bands.in_offer_currency(region, "base_max"),
    )
    stock_min, stock_max = (
        bands.in_offer_currency(region, "stock_min"),
        bands.in_offer_currency(region, "stock_max"),
    )
    bonus_min, bonus_max = bands.cell(region, b.BONUS_MIN), bands.cell(region, b.BONUS_MAX)
    spec = {
        "base": (
            "Base salary",
            "offer_base",
            f.reference(base_min),
            f.reference(base_max),
            money,
            "band_base",
        ),
        "stock": (
            "Stock grant",
            "offer_stock",
            f.reference(stock_min),
            f.reference(stock_max),
            money,
            "band_stock",
        ),
        "bonus_pct": (
            "Target bonus",
            "offer_bonus_pct",
            f.reference(bonus_min),
            f.reference(bonus_max),
            PERCENT,
            "band_bonus_pct",
        ),
        "total_comp": (
            "Annual total comp",
            "offer_total_comp",
            rules.annual_total_comp.formula("band_base_min", "band_stock_min", years, "band_bonus_pct_min"),
            rules.annual_total_comp.formula("band_base_max", "band_stock_max", years, "band_bonus_pct_max"),
            money,
            "band_total_comp",
        ),
    }
    for component, (label, value, low, high, number_format, prefix) in spec.items():
        row, shows = rows[component], figures.comparison[component]
        _label(sheet, row, label)
        put_formula(sheet, f"B{row}", f.reference(value), shows.offered, number_format)
        put_formula(sheet, f"C{row}", low, shows.band.min, number_format)
        put_formula(
            sheet, f"D{row}", rules.midpoint.formula(f"C{row}", f"E{row}"), shows.midpoint, number_format
        )
        put_formula(sheet, f"E{row}", high, shows.band.max, number_format)
        put_formula(
            sheet,
            f"F{row}",
            rules.range_penetration.formula(f"B{row}", f"C{row}", f"E{row}"),
            shows.penetration,
            PERCENT,
        )
        put_formula(sheet, f"H{row}", rules.status.formula(f"B{row}", f"C{row}", f"E{row}"), shows.status)
        define(workbook, f"{prefix}_min", sheet.title, f"C{row}")
        define(workbook, f"{prefix}_max", sheet.title, f"E{row}")
        define(workbook, f"pen_{component}", sheet.title, f"F{row}")
        if component in ("base", "stock"):
            define(workbook, f"{prefix}_mid", sheet.title, f"D{row}")
    put_formula(
        sheet,
        f"G{rows['base']}",
        rules.compa_ratio.formula("offer_base", "band_base_mid"),
        figures.compa_base,
        RATIO,
    )
    define(workbook, "compa_base", sheet.title, f"G{rows['base']}")
    status_range = f"H{rows['base']}:H{rows['total_comp']}"
    for word, fill in STATUS_FILLS.items():
        sheet.conditional_fill(status_range, f'$H{rows["base"]}="{word}"', fill)


def _asks(workbook, sheet, guide: Guide, bands: BandsSheet, money: str, figures: OfferFigures) -> None:
    """The guide's targets carried to this band; each ask is the larger of that and the offer.

    Every gap is ask minus offer: what the offer must still gain, never negative. The walk-away
    row reads the same way, with the walk-away as the floor the offer must reach.
    """
    reference = guide.strategy.reference_region
    put_text(sheet, f"A{ASK_HEADER - 1}", "What to ask for", SECTION)
    header_row(
        sheet,
        ASK_HEADER,
        [
            "Ask",
            f"Guide target ({reference})",
            "Target's penetration",
            "Target in this band",
            "Offer",
            "Ask (never below the offer)",
            "Still to gain (ask − offer)",
        ],
    )
    row_height(sheet, ASK_HEADER, 30)
    guide_money = money_format(guide.strategy.currency)
    for row, label, target, low, high, offer_name, name, band_prefix, shows in (
        (ASK_BASE, "Base salary", bands.target_base, b.BASE_MIN, b.BASE_MAX, "offer_base", "ask_base",
         "band_base", figures.asks["base"]),
        (ASK_STOCK, "Stock grant", bands.target_stock, b.STOCK_MIN, b.STOCK_MAX, "offer_stock", "ask_stock",
         "band_stock", figures.asks["stock"]),
        (WALK_AWAY, "Walk-away stock (the floor)", bands.walk_away_stock, b.STOCK_MIN, b.STOCK_MAX,
         "offer_stock", "walk_away_stock", "band_stock", figures.asks["walk_away"]),
    ):  # fmt: skip
        _label(sheet, row, label)
        put_formula(sheet, f"B{row}", f.reference(target), shows.target, guide_money)
        penetration = rules.range_penetration.formula(
            f"B{row}", bands.cell(reference, low), bands.cell(reference, high)
        )
        put_formula(sheet, f"C{row}", penetration, shows.target_penetration, PERCENT)
        in_band = rules.ask_at.formula(f"C{row}", f"{band_prefix}_min", f"{band_prefix}_max")
        put_formula(sheet, f"D{row}", in_band, shows.in_band, money)
        put_formula(sheet, f"E{row}", f.reference(offer_name), shows.offered, money)
        if row == WALK_AWAY:
            define(workbook, name, sheet.title, f"D{row}")
            put_formula(sheet, f"G{row}", rules.shortfall.formula(f"D{row}", f"E{row}"), shows.gap, money)
            define(workbook, "walk_away_gap", sheet.title, f"G{row}")
        else:
            put_formula(sheet, f"F{row}", rules.larger.formula(f"D{row}", f"E{row}"), shows.ask, money, LABEL)
            put_formula(sheet, f"G{row}", rules.difference.formula(f"F{row}", f"E{row}"), shows.gap, money)
            define(workbook, name, sheet.title, f"F{row}")
    bonus = figures.asks["bonus_pct"]
    _label(sheet, ASK_BONUS, "Target bonus")
    put_formula(sheet, f"B{ASK_BONUS}", f.reference(bands.target_bonus_pct), bonus.target, PERCENT)
    put_text(sheet, f"C{ASK_BONUS}", "asked as given", MUTED)
    put_formula(sheet, f"D{ASK_BONUS}", f.reference(f"B{ASK_BONUS}"), bonus.in_band, PERCENT)
    put_formula(sheet, f"E{ASK_BONUS}", f.reference("offer_bonus_pct"), bonus.offered, PERCENT)
    put_formula(
        sheet,
        f"F{ASK_BONUS}",
        rules.larger.formula(f"D{ASK_BONUS}", f"E{ASK_BONUS}"),
        bonus.ask,
        PERCENT,
        LABEL,
    )
    put_formula(
        sheet, f"G{ASK_BONUS}", rules.difference.formula(f"F{ASK_BONUS}", f"E{ASK_BONUS}"), bonus.gap, PERCENT
    )
    define(workbook, "ask_bonus_pct", sheet.title, f"F{ASK_BONUS}")
    _label(sheet, WALK_AWAY_MET, "Walk-away met?")
    put_formula(
        sheet,
        f"B{WALK_AWAY_MET}",
        rules.at_least.formula("offer_stock", "walk_away_stock"),
        figures.walk_away_met,
        None,
        LABEL,
    )
    define(workbook, "walk_away_met", sheet.title, f"B{WALK_AWAY_MET}")
    sheet.conditional_fill(f"B{WALK_AWAY_MET}", f"$B${WALK_AWAY_MET}=TRUE", STATUS_FILLS["within"])
    sheet.conditional_fill(f"B{WALK_AWAY_MET}", f"$B${WALK_AWAY_MET}=FALSE", STATUS_FILLS["below"])


def competing_total_cell(index: int) -> str:
    """The cell holding competing offer `index`'s annual total comp in the offer's currency."""
    return competing_cell(index, "G")


def competing_cell(index: int, column: str) -> str:
    """A cell of competing offer `index`'s row: C base, D stock grant, E bonus % (own currency)."""
    return f"{TITLE_SHEET}!${column}${COMPETING_TOP + 2 + index}"


def _competing(sheet, offer: Offer, years: list[str], money: str, figures: OfferFigures) -> None:
    """`years`: for each competing offer, the cell of the years its grant vests over."""
    put_text(sheet, f"A{COMPETING_TOP}", "Competing offers", SECTION)
    row_height(sheet, COMPETING_TOP + 1, 30)
    header_row(
        sheet,
        COMPETING_TOP + 1,
        [
            "Company",
            "Currency",
            "Base",
            "Stock grant",
            "Target bonus",
            "Total comp (own currency)",
            f"Total comp ({offer.currency})",
        ],
    )
    for index, (other, shows) in enumerate(zip(offer.competing, figures.competing, strict=True)):
        row = COMPETING_TOP + 2 + index
        own = money_format(other.currency)
        put_text(sheet, f"A{row}", other.company, LABEL)
        put_text(sheet, f"B{row}", other.currency)
        put_input(sheet, f"C{row}", other.base, own)
        put_input(sheet, f"D{row}", other.stock, own)
        put_input(sheet, f"E{row}", other.bonus_pct, PERCENT)
        put_formula(
            sheet,
            f"F{row}",
            rules.annual_total_comp.formula(f"C{row}", f"D{row}", years[index], f"E{row}"),
            shows.total_comp,
            own,
        )
        put_formula(
            sheet,
            f"G{row}",
            rules.converted.formula(f"F{row}", rate_name(other.currency)),
            shows.total_comp_in_offer_currency,
            money,
        )


def _chart(sheet, offer: Offer, bands: BandsSheet, figures: OfferFigures) -> None:
    """A floating bar per yearly figure (band min to max), a dash at the midpoint, a diamond at
    the offer. Its data sits beside the report, outside the print area."""
    col, top = CHART_DATA_COLUMN, COMPARE_HEADER
    money = money_format(offer.currency)
    titles = ["Chart data", "Band min", "Band range", "Midpoint", "Offer"]
    header_row(sheet, top, titles, first_column=11)
    years = bands.cell(offer.region, b.YEARS)
    sources = [COMPARE_ROWS["base"], COMPARE_ROWS["stock"], COMPARE_ROWS["total_comp"]]
    for row, source, shows in zip(range(top + 1, top + 4), sources, figures.band_chart, strict=True):
        per = f"/{years}" if shows.label == "Stock per year" else ""  # the grant, a year of it
        offered = "=offer_stock_annual" if per else f.reference(f"B{source}")
        put_text(sheet, f"{col}{row}", shows.label)
        put_formula(sheet, f"L{row}", f"=C{source}{per}", shows.band.min, money)
        put_formula(sheet, f"M{row}", f"=(E{source}-C{source}){per}", shows.width, money)
        put_formula(sheet, f"N{row}", f"=D{source}{per}", shows.midpoint, money)
        put_formula(sheet, f"O{row}", offered, shows.offered, money)
    rows = figures.band_chart
    title = f"A year against the {offer.region} band ({offer.currency})"
    axis = axis_money_format(offer.currency, max(r.band.max for r in rows))
    # Beside the inputs, which leave columns D to H free.
    sheet.chart("D4", _band_chart(sheet.title, top, tuple(titles), title, axis, rows))


def _band_chart(
    sheet_title: str, top: int, titles: tuple[str, ...], title: str, axis: str, rows: tuple[ChartRow, ...]
) -> Chart:
    def series(column: str, name: str, values: list, **looks) -> Series:  # type: ignore[no-untyped-def]
        """Named by its header cell in the chart data's header row, its values below it."""
        cells = on_sheet(sheet_title, f"{column}{top + 1}:{column}{top + 3}")
        return Series(name, cells, values, name_cell=f"{quoted_sheet(sheet_title)}!{column}{top}", **looks)

    # The invisible base that lifts the band to its min, the band on it, and marks for the
    # midpoint and the offer, with no line between them.
    _, *names = titles
    lift = series("L", names[0], [r.band.min for r in rows], hidden=True, in_legend=False)
    band = series("M", names[1], [r.width for r in rows], colour="9DC3E6")
    midpoint = series(
        "N", names[2], [r.midpoint for r in rows], line=False, marker=Marker("dash", 14, "1F3864")
    )
    offered = series(
        "O", names[3], [r.offered for r in rows], line=False, marker=Marker("diamond", 10, "C00000")
    )
    return Chart(
        title,
        on_sheet(sheet_title, f"{CHART_DATA_COLUMN}{top + 1}:{CHART_DATA_COLUMN}{top + 3}"),
        [r.label for r in rows],
        columns=(lift, band),
        lines=(midpoint, offered),
        axis_format=axis,
        gridlines=False,
        gap_width=80,
        height=7.5,
        width=14.5,  # within columns D to H, the print area
    )
