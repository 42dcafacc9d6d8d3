"""The `Offer history` sheet: how the offer moved, one row per round of its negotiation.

A round is each set of inputs the offer has had, as the output folder's records keep it
(`segxlsx.history`): the day first seen, the figures, the stage, the change from the round
before and the asks as they stood. Past rounds are records, so their figures are values; what
derives from them (annual total comp, the change, total comp at the asks) is a formula over
the row, by the same rules as the Offer sheet. With more than one round a chart shows total
comp by round against total comp at the asks: how far the negotiation has come, and how far
it has to go.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from .. import rules
from ..history import Round, what_changed
from ..xlsx import Alignment, Chart, Marker, Series, Workbook
from ..xlsx.refs import column_number, on_sheet
from .paper import across, print_in_blocks
from .styles import (
    DATE,
    LABEL,
    PERCENT,
    SUBTITLE,
    TITLE,
    TOP,
    WRAP,
    axis_money_format,
    fit_rows,
    header_row,
    money_format,
    paper_for,
    put,
    put_formula,
    put_text,
    row_height,
    signed_money_format,
    widths,
)

# Not "History": Excel keeps that name for itself (its change tracking) and repairs a
# workbook that uses it.
TITLE_SHEET = "Offer history"
HEADER_ROW = 4
FIRST_ROW = HEADER_ROW + 1
# Each column: its header, its width, and what it shows.
COLUMNS = {
    "A": ("Round", 9),
    "B": ("First seen", 11),
    "C": ("Stage", 9),
    "D": ("Base", 12),
    "E": ("Stock grant (whole)", 12),
    "F": ("Vests over (years)", 8),
    "G": ("Target bonus", 8),
    "H": ("Sign-on (total)", 11),
    "I": ("Annual total comp", 12),
    "J": ("Change in total comp", 11),
    "K": ("What changed", 34),
    "L": ("Ask base", 12),
    "M": ("Ask stock", 12),
    "N": ("Ask bonus", 8),
    "O": ("Total comp at the asks", 12),
}
LAST_COLUMN = "O"
WHAT_CHANGED_WIDTH = COLUMNS["K"][1] - 1  # what its text wraps in
TOP_LEFT = Alignment(horizontal="left", vertical="top")  # a day, apart from the amounts after it


def write_history(workbook: Workbook, rounds: Sequence[Round]) -> None:
    """The sheet, `rounds` in order (the last is the offer as it now stands)."""
    sheet = workbook[TITLE_SHEET]
    widths(sheet, {column: width for column, (_, width) in COLUMNS.items()})
    put_text(sheet, "A1", "How this offer moved, round by round", TITLE)
    subtitle = (
        "A round is each set of inputs this offer has had (its offer file, or this workbook edited "
        "by hand), first seen on the day shown; the asks as they stood then. Amounts in each round's "
        "currency; the last round is the offer as it now stands."
    )
    across(sheet, 2, subtitle, SUBTITLE, column_number(LAST_COLUMN))
    header_row(sheet, HEADER_ROW, [header for header, _ in COLUMNS.values()])
    row_height(sheet, HEADER_ROW, 40)  # three lines of a narrow header
    before = None
    for row, one in enumerate(rounds, start=FIRST_ROW):
        _round(sheet, row, one, before)
        before = one
    if len(rounds) > 1:
        sheet.chart(f"A{FIRST_ROW + len(rounds) + 1}", _chart(rounds))
    print_in_blocks(sheet, paper_for(rounds[-1].currency), last_column=LAST_COLUMN)


def _round(sheet, row: int, one: Round, before: Round | None) -> None:  # type: ignore[no-untyped-def]
    money = money_format(one.currency)
    # Every cell at the top of its row, as the words of "What changed" that may wrap.
    put_text(sheet, f"A{row}", f"Round {row - HEADER_ROW}", LABEL, TOP)
    put(sheet, f"B{row}", date.fromisoformat(one.day) if one.day else None, DATE, alignment=TOP_LEFT)
    put_text(sheet, f"C{row}", one.stage, alignment=TOP)
    for column, amount in (("D", one.base), ("E", one.stock), ("H", one.sign_on), ("L", one.ask_base),
                           ("M", one.ask_stock)):  # fmt: skip
        put(sheet, f"{column}{row}", amount, money, alignment=TOP)
    put(sheet, f"F{row}", one.years, alignment=TOP)
    put(sheet, f"G{row}", one.bonus_pct, PERCENT, alignment=TOP)
    put(sheet, f"N{row}", one.ask_bonus_pct, PERCENT, alignment=TOP)
    total = rules.annual_total_comp.formula(f"D{row}", f"E{row}", f"F{row}", f"G{row}")
    put_formula(sheet, f"I{row}", total, one.total_comp, money, LABEL, TOP)
    at_asks = rules.annual_total_comp.formula(f"L{row}", f"M{row}", f"F{row}", f"N{row}")
    put_formula(sheet, f"O{row}", at_asks, one.total_comp_at_asks, money, alignment=TOP)
    # A change across currencies is no amount: said in words only.
    if before is not None and before.currency == one.currency:
        change = rules.difference(one.total_comp, before.total_comp)
        put_formula(sheet, f"J{row}", rules.difference.formula(f"I{row}", f"I{row - 1}"), change,
                    signed_money_format(one.currency), alignment=TOP)  # fmt: skip
    said = what_changed(before, one)
    put_text(sheet, f"K{row}", said, alignment=WRAP)
    fit_rows(sheet, row, said, WHAT_CHANGED_WIDTH)


def _chart(rounds: Sequence[Round]) -> Chart:
    """Total comp by round against total comp at the asks, in the current round's currency."""
    first, last = FIRST_ROW, FIRST_ROW + len(rounds) - 1
    currency = rounds[-1].currency

    def cells(column: str) -> str:
        return on_sheet(TITLE_SHEET, f"${column}${first}:${column}${last}")

    totals = [one.total_comp for one in rounds]
    asks = [one.total_comp_at_asks for one in rounds]
    # Columns for what was offered, a line for the asks: how far each round came, and how far
    # it had to go.
    return Chart(
        f"Total comp by round, against the asks ({currency})",
        cells("A"),
        [f"Round {number}" for number in range(1, len(rounds) + 1)],
        columns=(Series("Annual total comp", cells("I"), totals, colour="4472C4"),),
        lines=(
            Series(
                "At the asks",
                cells("O"),
                asks,
                colour="C00000",
                marker=Marker("dash", 12, "C00000"),
                line=False,
            ),
        ),  # fmt: skip
        gap_width=80,
        axis_format=axis_money_format(currency, max(*totals, *asks)),
        height=7.5,
        width=16,
    )
