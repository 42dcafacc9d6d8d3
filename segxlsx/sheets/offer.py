"""The `Offer` sheet: the offer's inputs, its band comparison, the asks and a chart.

Every derived cell is a formula over the input cells on this sheet, the Bands sheet and the
Rates sheet; the defined names of the SPEC point here.
"""

from __future__ import annotations

from .. import rules
from ..figures import ChartRow, OfferFigures, rate_name
from ..model import Guide, Offer
from ..sources.offer_fields import (
    COMPETING,
    OFFER,
    AmountsByYear,
    Competing,
    Component,
    Components,
    Day,
    Field,
    Frequency,
    Kind,
    Money,
    Months,
    OneOf,
    Percent,
    Schedule,
    competing_cell,
    field_named,
)
from ..xlsx import Chart, Guidance, Marker, Series, Workbook
from ..xlsx.refs import column_letter, on_sheet, quoted_sheet
from . import bands as b
from . import formulas as f
from .bands import BandsSheet
from .names import define
from .paper import print_in_blocks
from .styles import (
    BOLD_WIDTH,
    DATE,
    LABEL,
    LEFT,
    MIDDLE,
    MUTED,
    PERCENT,
    RATIO,
    SECTION,
    STATUS_FILLS,
    SUBTITLE,
    TITLE,
    TOP,
    WRAP,
    WRAPPED,
    axis_money_format,
    fit_rows,
    header_row,
    merge,
    money_format,
    paper_for,
    put_formula,
    put_input,
    put_text,
    row_height,
    widths,
)
from .years import PCT_COL, SIGN_ON_COL, schedule_range

TITLE_SHEET = "Offer"
# The offer's inputs, a row each from FIRST_INPUT, in the order of the field table
# (`offer_fields.OFFER`), each input in column B under its field's defined name. A field whose
# input lies on Years (the sign-on by year, the vesting schedule) shows here what it comes to;
# the schedule's cliff and frequency are on Years alone; competing offers have their table below.
FIRST_INPUT = 5
_ELSEWHERE = (Months, Frequency, Competing)
INPUT_FIELDS = tuple(field for field in OFFER if not isinstance(field.kind, _ELSEWHERE))
INPUT_ROW = {field.name: FIRST_INPUT + number for number, field in enumerate(INPUT_FIELDS)}
YEARS = INPUT_ROW["vesting"]  # how many years the schedule on Years runs over
# The sections below the inputs, each two rows below the one before; the deadline beside a
# year of pay, in the columns the chart leaves free above.
STOCK_ANNUAL = FIRST_INPUT + len(INPUT_FIELDS) + 2
BONUS, TOTAL = STOCK_ANNUAL + 1, STOCK_ANNUAL + 2
DECISION_DUE, ANSWER_BY = STOCK_ANNUAL, BONUS
COMPARE_HEADER = TOTAL + 3
COMPARE_ROWS = {
    part: COMPARE_HEADER + 1 + number
    for number, part in enumerate(("base", "stock", "bonus_pct", "total_comp"))
}
ASK_HEADER = COMPARE_ROWS["total_comp"] + 3
ASK_BASE, ASK_STOCK, ASK_BONUS, WALK_AWAY, WALK_AWAY_MET, ASK_FLOOR = range(ASK_HEADER + 1, ASK_HEADER + 7)
COMPETING_TOP = ASK_FLOOR + 3
# A competing offer's inputs on its row of the table, in the field table's order
# (`offer_fields.COMPETING`); its schedule and sign-on are on Compare.
COMPETING_INPUTS = tuple(
    field for field in COMPETING if not isinstance(field.kind, (AmountsByYear, Schedule, *_ELSEWHERE))
)
CHART_DATA_COLUMN = "K"
WALK_AWAY_FLAG_COLUMN = "L"  # `walk_away_met`, TRUE or FALSE, beside the chart's data
NOTES_WIDTH = 34  # columns B and C together, in characters
COMPANY_WIDTH = 30  # column A


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
    _deadline(workbook, sheet, figures)
    _annual(workbook, sheet, money, figures)
    _comparison(workbook, sheet, offer, bands, money, figures)
    _asks(workbook, sheet, guide, bands, money, figures)
    if offer.competing:
        _competing(workbook, sheet, offer, competitor_years, money, figures)
    _chart(sheet, offer, bands, figures)
    sheet.freeze("A4")
    widths(sheet, {"A": COMPANY_WIDTH, "B": 18, "C": 16, "D": 16, "E": 16, "F": 16, "G": 16, "H": 12}
           | {"K": 18, "L": 12, "M": 12, "N": 12, "O": 12})  # fmt: skip
    # The report, on one page; the chart's data beside it (from K) stays on screen.
    print_in_blocks(sheet, paper_for(offer.currency), last_column="H")


def _label(sheet, row: int, text: str) -> None:
    put_text(sheet, f"A{row}", text, LABEL)


def _inputs(workbook, sheet, offer: Offer, guide: Guide, money: str, figures: OfferFigures) -> None:
    put_text(sheet, "A4", "The offer", SECTION)
    band = guide.band(offer.region)
    for field in INPUT_FIELDS:
        _input(workbook, sheet, INPUT_ROW[field.name], field, field.value_of(offer, band), money, figures)


def _input(workbook, sheet, row: int, field: Field, value, money: str, figures: OfferFigures) -> None:
    """One field's row: its label, and its input (named as its field says) or what it comes to."""
    kind, cell = field.kind, f"B{row}"
    if isinstance(kind, Schedule):  # the schedule is input on Years, which shows it year by year
        _label(sheet, row, "Vesting years")
        years = figures.vesting_years
        put_formula(sheet, cell, f"=ROWS({schedule_range(PCT_COL, years)})", years)
        put_text(sheet, f"C{row}", "← set on Years", MUTED)  # column C only: the chart covers D
        define(workbook, "vesting_years", sheet.title, cell)
        return
    if isinstance(kind, AmountsByYear):  # the sign-on by year is input on Years
        _label(sheet, row, f"{field.label} (total)")
        put_formula(
            sheet,
            cell,
            f.total(schedule_range(SIGN_ON_COL, figures.vesting_years)),
            figures.offer_sign_on,
            money,
        )
        put_text(sheet, f"C{row}", "← by year on Years", MUTED)
        define(workbook, "offer_sign_on", sheet.title, cell)
        return
    if isinstance(kind, (Money, Percent, Day)):  # figures a recruiter edits: blue on yellow
        _label(sheet, row, field.label)
        put_input(sheet, cell, value, _number_format(kind, money))  # none given: an empty input
    elif isinstance(kind, (Components, Component)):  # the asks and scripts follow it: an input
        _label(sheet, row, field.label)
        put_input(sheet, cell, kind.plain(value))
        put_text(sheet, f"C{row}", f"← {kind.hint}", MUTED)
    elif isinstance(kind, OneOf):  # a word of a few: an input with its drop-down
        _label(sheet, row, field.label)
        put_input(sheet, cell, value)
        choose = Guidance(field.label, prompt=kind.hint, error=f"Choose one of: {', '.join(kind.words)}")
        sheet.validate_list(cell, kind.words, guidance=choose)
        put_text(sheet, f"C{row}", "← from the list", MUTED)
    else:  # names, choices and notes: wrapped in full within B and C, as the chart covers D
        put_text(sheet, f"A{row}", field.label, LABEL, alignment=TOP)
        put_text(sheet, cell, value, alignment=WRAP)
        merge(sheet, f"{cell}:C{row}")
        fit_rows(sheet, row, value, NOTES_WIDTH)
    assert field.cell is not None
    define(workbook, field.cell, sheet.title, cell)


def _deadline(workbook, sheet, figures: OfferFigures) -> None:
    """When a decision is due (the first deadline of this offer and its competing offers, while
    it is open) and when to ask for an answer, as dates and in words. No count of days left:
    a workbook rebuilt another day keeps its bytes (the summary counts them)."""
    put_text(sheet, f"D{DECISION_DUE - 1}", "Deadline", SECTION)
    deadlines = [INPUT_NAME_EXPIRES] + [
        competing_input(index, "expires") for index in range(len(figures.competing))
    ]
    is_open = rules.open_stage.formula("offer_stage")
    for row, label, name, formula, day in (
        (DECISION_DUE, "Decision due", "decision_due", rules.decision_due.formula(is_open, *deadlines),
         figures.decision_due),
        (ANSWER_BY, "Answer by", "answer_by", rules.working_day_before.formula("decision_due"),
         figures.answer_by),
    ):  # fmt: skip
        put_text(sheet, f"D{row}", label, LABEL)
        # Left, apart from the words that follow it.
        font = LABEL if row == DECISION_DUE else None
        put_formula(sheet, f"E{row}", formula, f.day_shown(day), DATE, font, alignment=LEFT)
        define(workbook, name, sheet.title, f"E{row}")
        put_formula(sheet, f"F{row}", "=" + rules.day_in_words.formula(f"E{row}"), rules.day_in_words(day))
        merge(sheet, f"F{row}:H{row}")
    put_text(sheet, f"D{TOTAL}", DEADLINE_NOTE, MUTED)
    merge(sheet, f"D{TOTAL}:H{TOTAL}")


# Under the deadline: what it is, since a competing offer's may come first.
DEADLINE_NOTE = (
    "The soonest deadline, competing offers' too, while this offer is open; answer the working day before."
)


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
    converted = f" (converted to {offer.currency})" if bands.currencies[region] != offer.currency else ""
    put_text(sheet, f"A{COMPARE_HEADER - 1}", f"Against the {region} band{converted}", SECTION)
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
        # Centred: a status never reads on from the compa-ratio beside it ("0.94within").
        put_formula(
            sheet,
            f"H{row}",
            rules.status.formula(f"B{row}", f"C{row}", f"E{row}"),
            shows.status,
            alignment=MIDDLE,
        )
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
    # An ask is held at the offer when the candidate keeps the component, or when a year of the
    # raise is under ask_floor: a raise of the grant vests over its years, of the bonus % on the base.
    holds = {
        "base": ("1", "1", rules.kept.formula("base", "offer_keep")),
        "stock": ("1", "vesting_years", rules.kept.formula("stock", "offer_keep")),
        "bonus_pct": ("offer_base", "1", rules.kept.formula("bonus", "offer_keep")),
    }
    for row, label, target, low, high, offer_name, name, band_prefix, component in (
        (ASK_BASE, "Base salary", bands.target_base, b.BASE_MIN, b.BASE_MAX, "offer_base", "ask_base",
         "band_base", "base"),
        (ASK_STOCK, "Stock grant", bands.target_stock, b.STOCK_MIN, b.STOCK_MAX, "offer_stock", "ask_stock",
         "band_stock", "stock"),
        (WALK_AWAY, "Walk-away stock (the floor)", bands.walk_away_stock, b.STOCK_MIN, b.STOCK_MAX,
         "offer_stock", "walk_away_stock", "band_stock", "walk_away"),
    ):  # fmt: skip
        shows = figures.asks[component]
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
            define(workbook, f"target_pen_{component}", sheet.title, f"C{row}")
            ask = rules.ask_for.formula(
                f"D{row}", f"E{row}", *holds[component][:2], "ask_floor", holds[component][2]
            )
            put_formula(sheet, f"F{row}", ask, shows.ask, money, LABEL)
            put_formula(sheet, f"G{row}", rules.difference.formula(f"F{row}", f"E{row}"), shows.gap, money)
            define(workbook, name, sheet.title, f"F{row}")
    bonus = figures.asks["bonus_pct"]
    _label(sheet, ASK_BONUS, "Target bonus")
    put_formula(sheet, f"B{ASK_BONUS}", f.reference(bands.target_bonus_pct), bonus.target, PERCENT)
    put_text(sheet, f"C{ASK_BONUS}", "asked as given", MUTED)
    put_formula(sheet, f"D{ASK_BONUS}", f.reference(f"B{ASK_BONUS}"), bonus.in_band, PERCENT)
    put_formula(sheet, f"E{ASK_BONUS}", f.reference("offer_bonus_pct"), bonus.offered, PERCENT)
    ask = rules.ask_for.formula(f"D{ASK_BONUS}", f"E{ASK_BONUS}", *holds["bonus_pct"][:2], "ask_floor",
                                holds["bonus_pct"][2])  # fmt: skip
    put_formula(sheet, f"F{ASK_BONUS}", ask, bonus.ask, PERCENT, LABEL)
    put_formula(
        sheet, f"G{ASK_BONUS}", rules.difference.formula(f"F{ASK_BONUS}", f"E{ASK_BONUS}"), bonus.gap, PERCENT
    )
    define(workbook, "ask_bonus_pct", sheet.title, f"F{ASK_BONUS}")
    # `walk_away_met` is TRUE or FALSE, for formulas, beside the chart's data (off the page);
    # the report says Yes or No.
    flag = f"{WALK_AWAY_FLAG_COLUMN}{WALK_AWAY_MET}"
    put_text(sheet, f"{CHART_DATA_COLUMN}{WALK_AWAY_MET}", "Walk-away met (TRUE/FALSE)", MUTED)
    put_formula(sheet, flag, rules.at_least.formula("offer_stock", "walk_away_stock"), figures.walk_away_met)
    define(workbook, "walk_away_met", sheet.title, flag)
    _label(sheet, WALK_AWAY_MET, "Walk-away met?")
    shown = f"B{WALK_AWAY_MET}"
    put_formula(
        sheet, shown, rules.yes_or_no.formula("walk_away_met"), rules.yes_or_no(figures.walk_away_met),
        font=LABEL, alignment=MIDDLE,
    )  # fmt: skip
    sheet.conditional_fill(shown, f'$B${WALK_AWAY_MET}="Yes"', STATUS_FILLS["within"])
    sheet.conditional_fill(shown, f'$B${WALK_AWAY_MET}="No"', STATUS_FILLS["below"])
    _label(sheet, ASK_FLOOR, "Least raise worth asking")
    put_formula(sheet, f"B{ASK_FLOOR}", rules.ask_floor.formula("offer_total_comp"), figures.ask_floor, money)
    put_text(sheet, f"C{ASK_FLOOR}", "a year, 1% of pay", MUTED)  # column C only: the chart covers D
    define(workbook, "ask_floor", sheet.title, f"B{ASK_FLOOR}")


def competing_total_cell(index: int) -> str:
    """The cell holding competing offer `index`'s annual total comp in the offer's currency."""
    return _competing_cell(index, len(COMPETING_INPUTS) + 2)


def competing_input(index: int, name: str) -> str:
    """The cell of competing offer `index`'s (from 0) input for field `name` (base, stock, bonus…)."""
    return _competing_cell(index, _COMPETING_COLUMN[name])


_COMPETING_COLUMN = {field.name: number for number, field in enumerate(COMPETING_INPUTS, start=1)}
INPUT_NAME_EXPIRES = field_named("expires").cell


def _number_format(kind: Kind, money: str) -> str:
    """An input figure's number format: `money` (its currency's), a percent or a date."""
    return {Money: money, Percent: PERCENT, Day: DATE}[type(kind)]


def _competing_cell(index: int, column: int) -> str:
    return f"{TITLE_SHEET}!${column_letter(column)}${COMPETING_TOP + 2 + index}"


def _competing(workbook, sheet, offer: Offer, years: list[str], money: str, figures: OfferFigures) -> None:
    """One row per competing offer: its inputs (`COMPETING_INPUTS`), each under its defined
    name, then its annual total comp, in its own currency and in the offer's. `years`: for each
    competing offer, the cell of the years its grant vests over (on Compare)."""
    put_text(sheet, f"A{COMPETING_TOP}", "Competing offers", SECTION)
    row_height(sheet, COMPETING_TOP + 1, 30)
    totals = ["Total comp (own currency)", f"Total comp ({offer.currency})"]
    header_row(sheet, COMPETING_TOP + 1, [f.label for f in COMPETING_INPUTS] + totals)
    base, stock, bonus = (column_letter(_COMPETING_COLUMN[name]) for name in ("base", "stock", "bonus"))
    for index, (other, shows) in enumerate(zip(offer.competing, figures.competing, strict=True)):
        row = COMPETING_TOP + 2 + index
        own = money_format(other.currency)
        for column, field in enumerate(COMPETING_INPUTS, start=1):
            cell, value = f"{column_letter(column)}{row}", field.value_of(other, None)
            if isinstance(field.kind, (Money, Percent, Day)):  # none given: an empty input
                put_input(sheet, cell, value, _number_format(field.kind, own))
            elif column == 1:  # the company, wrapped: a long name never runs under the currency
                put_text(sheet, cell, value, LABEL, alignment=WRAPPED)
                fit_rows(sheet, row, value, COMPANY_WIDTH / BOLD_WIDTH)
            else:
                put_text(sheet, cell, value)
            define(workbook, competing_cell(index + 1, field), sheet.title, cell)
        total = column_letter(len(COMPETING_INPUTS) + 1)
        put_formula(
            sheet,
            f"{total}{row}",
            rules.annual_total_comp.formula(f"{base}{row}", f"{stock}{row}", years[index], f"{bonus}{row}"),
            shows.total_comp,
            own,
        )
        put_formula(
            sheet,
            f"{column_letter(len(COMPETING_INPUTS) + 2)}{row}",
            rules.converted.formula(f"{total}{row}", rate_name(other.currency)),
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
        width=14.0,  # within columns D to H, the print area, however narrow a reader draws them
    )
