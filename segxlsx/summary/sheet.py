"""The summary workbook: a board a manager reads on one page, every workbook of the output
folder in one table, and every failure.

Cells hold values, not formulas, so readers that do not calculate (pandas, a mail preview)
see the numbers; each row links to its offer's workbook. Money is shown in each offer's own
currency, and once more in one reporting currency so that offers paid in USD, GBP and EUR can
be compared and sorted. A title block says what the table is made from.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from typing import IO, TYPE_CHECKING

from ..errors import SegxlsxError
from ..sheets.styles import (
    DATE,
    LINK,
    PERCENT,
    RATIO,
    TOP,
    WRAP,
    Printing,
    header_row,
    label_pages,
    money_format,
    new_workbook,
    print_setup,
    put,
    put_text,
    row_height,
)
from ..sheets.styles import (
    widths as column_widths,  # summary.columns' widths measures them
)
from ..sources.offer_fields import (
    SUMMARY_FIELDS,
    Currency,
    Day,
    GuideChoice,
    Kind,
    Money,
    Name,
    OneOf,
    Percent,
    RegionChoice,
)
from ..xlsx import Sheet, Table, Workbook
from ..xlsx.refs import MAX_ROW, column_letter
from .board import STATUS_WIDTH, write_board
from .columns import IN_REPORT, MONEY, REPORT, Column, lines_in, value_of, widths
from .layout import FIRST_ROW, HEADER_ROW, SummaryHeading, fit_lines, pages_across, status_fills, title_block
from .row import SummaryRow

if TYPE_CHECKING:
    from ..store.ledger import Tally

# The offer's own columns come from the schema (`offer_fields.SUMMARY_FIELDS`): number formats
# and widths by the kind of each field (None: measured); a kind not listed is text, 12 wide.
_OFFER_LOOKS: dict[type[Kind], tuple[str | None, float | None]] = {
    Name: (None, None),  # measured, and wrapped past its cap
    GuideChoice: (None, None),
    RegionChoice: (None, None),
    Currency: (None, 9),
    Money: (MONEY, None),
    Percent: (PERCENT, 7),
    Day: (DATE, 11),
    OneOf: (None, 9),
}
COLUMNS = (
    *(Column(f.summary, f.name, *_OFFER_LOOKS.get(type(f.kind), (None, 12))) for f in SUMMARY_FIELDS),  # type: ignore[arg-type]
    Column("Total comp", "total_comp", MONEY),
    Column("Total comp ({report})", "total_comp" + IN_REPORT, REPORT),
    # Each component against its own band: "Status" alone read as base's, and was total comp's.
    Column("Status base", "status_base", width=STATUS_WIDTH),
    Column("Status stock", "status_stock", width=STATUS_WIDTH),
    Column("Status bonus %", "status_bonus_pct", width=STATUS_WIDTH),
    Column("Status total comp", "status", width=STATUS_WIDTH),
    Column("Penetration base", "pen_base", PERCENT, 9),
    Column("Penetration stock", "pen_stock", PERCENT, 9),
    Column("Penetration bonus %", "pen_bonus_pct", PERCENT, 9),
    Column("Penetration total comp", "pen_total_comp", PERCENT, 9),
    Column("Compa-ratio base", "compa_base", RATIO, 8),
    Column("Ask base", "ask_base", MONEY),
    Column("Ask stock", "ask_stock", MONEY),
    Column("Gap base", "gap_base", MONEY),
    Column("Gap stock", "gap_stock", MONEY),
    Column("Gap total comp", "gap_total_comp", MONEY),
    Column("Walk-away met", "walk_away_met", width=8),
    Column("This run", "action", width=10),
    Column("Inputs changed", "inputs_changed", DATE, 11),
    Column(
        "Round", "round", width=7
    ),  # of its negotiation: the sheet Offer history of its workbook lists them
    Column("Edits", "edits", width=24),
    Column("Workbook", "file", cap=68),  # a file name whole: a linked cell never wraps
)
STATUS_COLUMNS = ("status_base", "status_stock", "status_bonus_pct", "status")
WRAPPED = ("candidate", "edits")  # text that wraps in its column, the row as tall as it needs


def render_summary(
    rows: Iterable[SummaryRow],
    failures: list[SegxlsxError],
    heading: SummaryHeading,
    tally: Tally | None = None,
) -> Workbook:
    """`rows`: this build's offers in input order, then the rest; read once for each sheet
    (a list, or `write.rows_of(ledger)`, which reads the ledger afresh each time).

    A streamed workbook (`xlsx.StreamedSheet`): each row goes out as it comes, and the summary
    of 50,000 workbooks holds one row at a time. Everything that is not a cell (widths, the
    table, colours, frozen panes, printing) is set before the rows go out, from `tally`
    (`ledger.Tally`, which counts and measures them). Without a tally, the rows are counted
    first. Save it with `save_summary`.
    """
    if iter(rows) is rows:
        raise TypeError("the summary reads its rows once for each sheet: give a list or a ledger's rows")
    if tally is None:
        from ..store.ledger import Tally

        tally = Tally.of(rows)
    unlisted = max(0, tally.rows - (MAX_ROW - FIRST_ROW))  # a sheet holds MAX_ROW rows, one of them to say so
    if unlisted:
        rows, tally = _AtMost(rows, tally.rows - unlisted), replace(tally, rows=tally.rows - unlisted)
    workbook = new_workbook("Offer reviews", streamed=True)
    try:
        write_board(workbook, rows, heading, tally)
        _table(workbook, rows, heading, tally, unlisted)
        if failures:  # an empty Errors sheet would print blank pages
            _errors(workbook, failures)
        label_pages(workbook, Printing("Offer reviews", heading.rates.as_of, heading.report_currency))
    except BaseException:
        workbook.close()  # its temporary files, now rather than when collected
        raise
    return workbook


class _AtMost:
    """The first `limit` of `rows`, each time they are read (the summary reads them per sheet)."""

    def __init__(self, rows: Iterable[SummaryRow], limit: int) -> None:
        self.rows, self.limit = rows, limit

    def __iter__(self) -> Iterator[SummaryRow]:
        return itertools.islice(self.rows, self.limit)

    def in_board_order(self) -> Iterator[SummaryRow]:
        from .board import board_order

        return itertools.islice(board_order(self.rows), self.limit)


def _table(
    workbook: Workbook, rows: Iterable[SummaryRow], heading: SummaryHeading, tally: Tally, unlisted: int = 0
) -> None:
    """Sheet `Summary`: the table `Offers`, every column of every row, in input order."""
    sheet = workbook.add_sheet("Summary")
    report = heading.report_currency
    headers = [column.title(report) for column in COLUMNS]
    last = FIRST_ROW + tally.rows - 1
    if tally.rows:  # an Excel table needs at least one data row; it brings the autofilter
        # Its columns are named as the header cells are, which are gone by the time it is written.
        sheet.table(Table("Offers", f"A{HEADER_ROW}:{column_letter(len(COLUMNS))}{last}", tuple(headers)))
        status_fills(sheet, [_column_of(name) for name in STATUS_COLUMNS], last)
    sheet.freeze(f"B{FIRST_ROW}")
    sized = widths(COLUMNS, tally.measures, report, heading.rates)
    for number, width in enumerate(sized, start=1):
        sheet.column_width(column_letter(number), width)
    print_setup(sheet, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    # Only the table prints (the board before it has the title block, which would widen the
    # page's fit, and which column A, repeated, would clip); too wide for one page at 8 points,
    # as many pages across as it takes, the candidate on each.
    sheet.print_setup(area=f"A{HEADER_ROW}:{column_letter(len(COLUMNS))}{max(last, HEADER_ROW)}")
    across = pages_across(sized, heading)
    if across > 1:
        sheet.print_setup(pages_wide=across, title_columns="A:A")
    row_height(sheet, HEADER_ROW, 40)  # three lines of a narrow header
    title_block(sheet, tally, heading, "Offer reviews: every workbook")
    header_row(sheet, HEADER_ROW, headers)
    sheet.flush()
    wrapped = {
        column.shows: width for column, width in zip(COLUMNS, sized, strict=True) if column.shows in WRAPPED
    }
    for number, row in enumerate(rows, start=FIRST_ROW):
        _row(sheet, number, row, heading, wrapped)
        sheet.flush()
    if unlisted:
        put_text(
            sheet,
            f"A{FIRST_ROW + tally.rows}",
            f"… and {unlisted:,} more workbooks not listed: a sheet holds {MAX_ROW:,} rows; they are in the folder",
        )
        sheet.flush()


def _row(
    sheet: Sheet, number: int, row: SummaryRow, heading: SummaryHeading, wrapped: dict[str, float]
) -> None:
    texts = {"candidate": row.candidate, "edits": row.edits}
    fit_lines(sheet, number, max(lines_in(texts[name], width) for name, width in wrapped.items()))
    for letter, column in zip(_LETTERS, COLUMNS, strict=True):
        put_value(sheet, f"{letter}{number}", row, column, heading)


def put_value(sheet: Sheet, ref: str, row: SummaryRow, column: Column, heading: SummaryHeading) -> None:
    """One cell of `row`: a number in its format, a date, a word, or a link to the workbook;
    nothing when there is nothing to show (a figure that cannot be known is never a guess)."""
    value = value_of(row, column, heading.report_currency, heading.rates)
    if value is None or value == "":
        return
    if column.shows == "file":  # linked, relative: the summary sits beside the workbooks
        # In the typeface of the rest: Excel's "Hyperlink" style names Calibri.
        put_text(sheet, ref, row.file, LINK, TOP)
        sheet.link(ref, row.file)
    elif column.shows in WRAPPED:  # a long name, or why an edit cannot be read: wrapped in its column
        put_text(sheet, ref, str(value), alignment=WRAP)
    elif isinstance(value, str):
        put_text(sheet, ref, value, alignment=TOP)
    else:
        number_format = column.number_format
        if number_format == REPORT:
            number_format = money_format(heading.report_currency)
        elif number_format == MONEY:
            number_format = money_format(row.currency) if row.currency else "#,##0"
        put(sheet, ref, value, number_format, alignment=TOP)  # type: ignore[arg-type]


_LETTERS = [column_letter(number) for number in range(1, len(COLUMNS) + 1)]


def _errors(workbook: Workbook, failures: list[SegxlsxError]) -> None:
    sheet = workbook.add_sheet("Errors")
    sheet.freeze("A2")
    column_widths(sheet, {"A": 30, "B": 10, "C": 12, "D": 12, "E": 24, "F": 16, "G": 80})
    print_setup(sheet, landscape=True, title_rows="1:1")
    header_row(sheet, 1, ["File", "Sheet", "Row or index", "Cell", "Candidate", "Field", "Message"])
    listed = failures[: MAX_ROW - 2]  # a sheet holds MAX_ROW rows: the header, these, one more line
    for number, failure in enumerate(listed, start=2):
        where = failure.location
        place = (
            f"row {where.row}"
            if where.row
            else f"offer {where.index}"
            if where.index
            else (f"line {where.line}" if where.line else "")
        )
        texts = (
            where.file or "",
            where.sheet or "",
            place,
            where.cell or "",
            where.candidate or "",
            where.field or "",
            failure.message,
        )
        for column, text in enumerate(texts, start=1):
            put_text(sheet, f"{column_letter(column)}{number}", text)
        sheet.flush()
    if len(failures) > len(listed):
        more = len(failures) - len(listed)
        put_text(
            sheet,
            f"A{len(listed) + 2}",
            f"… and {more:,} more not listed: a sheet holds {MAX_ROW:,} rows; the build's own output lists every one",
        )
    sheet.flush()


def _column_of(shows: str) -> int:
    return next(i for i, column in enumerate(COLUMNS, start=1) if column.shows == shows)


def save_summary(workbook: Workbook, stamp: date, file: IO[bytes]) -> None:
    """Write the summary's .xlsx to `file`, identical for identical content, as `workbook_bytes`
    would give it (`stamp` is the rates' day), but never whole in memory: each sheet's rows go
    from their temporary file into the zip a chunk at a time (50,000 rows are ~50 MB of XML)."""
    workbook.save(file, stamp)
