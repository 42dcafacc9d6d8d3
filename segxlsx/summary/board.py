"""The summary's first sheet, `Board`: every offer on a page a manager reads, by what is due.

One line per offer: who (the name opens the offer's workbook), where, its stage, its deadline
and the days left to it (as of the summary's date, which the title states), the round of its
negotiation and the day its inputs last changed, where each component sits against its band
(named: "Status" alone was read as base's and was total comp's), annual total comp and the gap
to the asks in the reporting currency, and whether the walk-away is met. Open offers come
first, the most urgent first (`board_order`). It prints one page wide at 8 points or more (its
columns are kept within a page; a long name wraps instead), running onto more pages tall with
its header repeated; the full table is the next sheet, `Summary`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING

from ..rules import day_in_words
from ..sheets.styles import (
    DATE,
    LINK,
    STATUS_FILLS,
    TOP,
    cut_at_word,
    header_row,
    money_format,
    print_setup,
    put,
    put_text,
    row_height,
)
from ..xlsx import Alignment, Sheet, Workbook
from ..xlsx.refs import column_letter
from .columns import IN_REPORT, REPORT, Column, char_width, value_of, widths
from .layout import FIRST_ROW, HEADER_ROW, SummaryHeading, status_fills, title_block
from .row import SummaryRow

if TYPE_CHECKING:
    from ..store.ledger import Tally

STATUS_WIDTH = 8  # "within", and a header such as "Total comp vs band" over three lines
BOARD = (
    Column("Candidate", "candidate", cap=30),
    Column("Region", "region", cap=16),
    Column("Stage", "stage", width=8),
    Column("Expires", "expires", DATE, 11),
    Column("Decision due", "decision_due", DATE, 11),
    Column("Days left", "days_left", '0;"expired";"today"', 8),
    Column("Round", "round", '"Round "0', 8),
    Column("Last change", "inputs_changed", DATE, 11),
    Column("Base vs band", "status_base", width=STATUS_WIDTH),
    Column("Stock vs band", "status_stock", width=STATUS_WIDTH),
    Column("Bonus vs band", "status_bonus_pct", width=STATUS_WIDTH),
    Column("Total comp vs band", "status", width=STATUS_WIDTH),
    Column("Total comp ({report})", "total_comp" + IN_REPORT, REPORT),
    Column("Gap to asks ({report})", "gap_total_comp" + IN_REPORT, REPORT),
    Column("Walk-away met", "walk_away_met", width=8),
)
# What gives way when the columns would not fit a page: the candidate's name, the link to the
# workbook (a file name has no spaces to part at), on one line, a long one cut with "…".
WRAPPED = ("candidate",)
# Yes or No under "Walk-away met", apart from the amount before it.
CENTRED = Alignment(horizontal="center", vertical="top")


def board_order(rows: Iterable[SummaryRow]) -> Iterator[SummaryRow]:
    """The board's rows in the order a manager reads them: open offers (verbal or written)
    first, the soonest decision due first (so one already past leads), then open offers with no
    deadline, then the settled ones (accepted, declined, withdrawn); in input order within each.

    The order is `board_key`'s. A ledger's rows (50,000 of them, perhaps) are sorted by the
    ledger on the key it keeps beside each row, never held here; rows in hand are sorted here.
    """
    in_board_order = getattr(rows, "in_board_order", None)
    if in_board_order is not None:
        return in_board_order()
    return iter(sorted(rows, key=board_key))  # stable: input order within a key


def board_key(row: SummaryRow) -> str:
    """Where the board lists `row`, as text that sorts so: its rank (0 open with a decision due,
    1 open with none, 2 settled), then the day it is due (ISO dates sort as days do)."""
    if not row.is_open:
        return "2"
    return f"0{row.decision_due.isoformat()}" if row.decision_due is not None else "1"


def write_board(
    workbook: Workbook, rows: Iterable[SummaryRow], heading: SummaryHeading, tally: Tally
) -> None:
    sheet = workbook.add_sheet("Board")
    report = heading.report_currency
    sized = _fitted(widths(BOARD, tally.measures, report, heading.rates), heading)
    for number, width in enumerate(sized, start=1):
        sheet.column_width(column_letter(number), width)
    if tally.rows:
        last = FIRST_ROW + tally.rows - 1
        status_fills(sheet, [n for n, c in enumerate(BOARD, start=1) if c.shows.startswith("status")], last)
        days = _LETTERS[_DAYS_LEFT]  # an open offer past its deadline: flagged as a band's "below" is
        sheet.conditional_fill(f"{days}{FIRST_ROW}:{days}{last}", f"AND(ISNUMBER({days}{FIRST_ROW}),{days}{FIRST_ROW}<0)",
                               STATUS_FILLS["below"])  # fmt: skip
    sheet.freeze(f"B{FIRST_ROW}")
    # Only its columns print: the page is fitted to them, and their width keeps 8 points.
    area = f"A1:{column_letter(len(BOARD))}{FIRST_ROW + max(tally.rows, 1) - 1}"
    print_setup(sheet, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    sheet.print_setup(area=area)
    row_height(sheet, HEADER_ROW, 40)  # three lines of a narrow header
    note = (
        "Open offers first, the soonest decision due first (competing deadlines too). Total comp: a year's base, stock and bonus; "
        f"gap to asks: what the asks add to it; both in {report}. A name opens its workbook "
        "(its rounds: sheet Offer history); every column: sheet Summary."
    )
    title_block(sheet, tally, heading, _title(heading.today), (note,), (len(BOARD), sum(sized)))
    header_row(sheet, HEADER_ROW, [column.title(report) for column in BOARD])
    sheet.flush()
    width_of = {column.shows: width for column, width in zip(BOARD, sized, strict=True)}
    for number, row in enumerate(board_order(rows), start=FIRST_ROW):
        _row(sheet, number, row, heading, width_of)
        sheet.flush()


def _title(today: date | None) -> str:
    """The board's title, with the day its days left count from."""
    return f"Offer reviews as of {day_in_words(today)}" if today else "Offer reviews"


def _fitted(sized: list[float], heading: SummaryHeading) -> list[float]:
    """The widths, the wrapped columns narrowed (never below half their width) when the board
    would not fit one page across at 8 points."""
    room = heading.page_characters * 0.95  # a little to spare: the widths are estimates
    over = sum(sized) - room
    give = [i for i, column in enumerate(BOARD) if column.shows in WRAPPED]
    if over <= 0:
        return sized
    spare = sum(sized[i] / 2 for i in give)
    share = min(1.0, over / spare) if spare else 0.0
    return [width - width / 2 * share if i in give else width for i, width in enumerate(sized)]


def _row(
    sheet: Sheet, number: int, row: SummaryRow, heading: SummaryHeading, width_of: dict[str, float]
) -> None:
    report = heading.report_currency
    for letter, column in zip(_LETTERS, BOARD, strict=True):
        ref = f"{letter}{number}"
        value = value_of(row, column, report, heading.rates, heading.today)
        if column.shows == "candidate":  # linked, relative: the summary sits beside the workbooks
            # On one line: LibreOffice never wraps a linked cell, so a long name is cut after a
            # word, with "…" (the Summary sheet has it whole).
            put_text(sheet, ref, cut_at_word(row.candidate, width_of["candidate"], char_width), LINK, TOP)
            sheet.link(ref, row.file)
        elif value is None:  # a figure not known stays empty, never a guess
            continue
        elif isinstance(value, str):
            put_text(sheet, ref, value, alignment=CENTRED if column.shows == "walk_away_met" else TOP)
        else:
            number_format = money_format(report) if column.number_format == REPORT else column.number_format
            put(sheet, ref, value, number_format, alignment=TOP)  # type: ignore[arg-type]


_LETTERS = [column_letter(number) for number in range(1, len(BOARD) + 1)]
_DAYS_LEFT = next(index for index, column in enumerate(BOARD) if column.shows == "days_left")
