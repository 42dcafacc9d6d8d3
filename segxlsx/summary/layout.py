"""What the summary's sheets share: the heading, where rows start, the page, status colours
and the title block."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..sheets.styles import STATUS_FILLS, SUBTITLE, TITLE, WRAP, Printing, put_text, row_height
from ..sources.rates import RateTable
from ..xlsx import PAPER_LETTER, Sheet
from ..xlsx.refs import column_letter
from .columns import lines_in

if TYPE_CHECKING:
    from ..store.ledger import Tally

HEADER_ROW = 6  # below the title block
FIRST_ROW = HEADER_ROW + 1
LINE = 13  # points: a line of 10-point text
MAX_ROW_LINES = 409 // LINE  # Excel's tallest row is 409 points
# How much of a row fits across a printed page at 8 points, in characters (a digit's width at
# 10 points, about 5.25 points): landscape A4 (734 points between its 0.75" margins) and
# Letter (684), the sheet's 10-point text scaled to 8.
PAGE_CHARACTERS = {"A4": 734 / 5.25 / 0.8, "Letter": 684 / 5.25 / 0.8}


@dataclass(frozen=True)
class SummaryHeading:
    """What the title block says: where the table comes from."""

    guides: tuple[str, ...]
    rates: RateTable
    report_currency: str
    failures: int
    # The summary's date: what the board counts days left from, stated in its title. None: no
    # day (a summary made outside a build), and no days counted.
    today: date | None = None

    @property
    def page_characters(self) -> float:
        """How wide a row prints across one page at 8 points, on the summary's paper."""
        paper = Printing("", self.rates.as_of, self.report_currency).paper
        return PAGE_CHARACTERS["Letter" if paper == PAPER_LETTER else "A4"]


def fit_lines(sheet: Sheet, row: int, lines: int) -> None:
    """Give a row of wrapped text `lines` lines (LibreOffice does not size rows for wrapped
    text when it opens a file); one line keeps the default height."""
    if lines > 1:
        row_height(sheet, row, LINE * min(lines, MAX_ROW_LINES))


def pages_across(sized: list[float], heading: SummaryHeading) -> int:
    """How many pages wide columns of these widths print at 8 points or more, the first
    column repeated on each page."""
    page, total, repeated = heading.page_characters, sum(sized), sized[0]
    if total <= page:
        return 1
    return math.ceil((total - repeated) / (page - repeated))


def status_fills(sheet: Sheet, columns: list[int], last: int) -> None:
    """Below, within and above in their colours, in each of `columns` (numbers) down to `last`."""
    for column in columns:
        letter = column_letter(column)
        for word, fill in STATUS_FILLS.items():
            sheet.conditional_fill(
                f"{letter}{FIRST_ROW}:{letter}{last}", f'${letter}{FIRST_ROW}="{word}"', fill
            )


def title_block(
    sheet: Sheet,
    tally: Tally,
    heading: SummaryHeading,
    title: str,
    notes: tuple[str, ...] = (),
    across: tuple[int, float] | None = None,
) -> None:
    """The title, then what the sheet is made from (guides, rates, counts) and `notes`, a row
    each above the header row.

    `across`: the columns the sheet prints and their width; each line is merged over them and
    wraps within, so it prints inside the page (a line that ran past the last column would
    widen what LibreOffice fits to the page, and shrink the type).
    """
    rates = heading.rates
    # The folder's own name stays out: the same inputs built elsewhere give the same bytes.
    lines = (
        f"Guides: {', '.join(heading.guides)}",
        f"Rates: {rates.source}, {rates.as_of.isoformat()}; total comp converted to "
        f"{heading.report_currency} at these rates",
        counts(tally, heading.failures),
        *notes,
    )
    assert 1 + len(lines) < HEADER_ROW, "the title block runs into the header row"
    put_text(sheet, "A1", title, TITLE)
    for row, line in enumerate(lines, start=2):
        if across is None:
            put_text(sheet, f"A{row}", line, SUBTITLE)
            continue
        columns, width = across
        sheet.merge(f"A{row}:{column_letter(columns)}{row}")
        put_text(sheet, f"A{row}", line, SUBTITLE, WRAP)
        fit_lines(sheet, row, lines_in(line, width))


def counts(tally: Tally, failures: int) -> str:
    """ "7 workbooks: 1 written, 5 unchanged, 1 kept; 2 offers failed"."""
    parts = ", ".join(f"{count} {action}" for action, count in tally.actions.items())
    text = f"{tally.rows} workbook{'s' if tally.rows != 1 else ''}" + (f": {parts}" if parts else "")
    return text + (
        f"; {failures} offer{'s' if failures != 1 else ''} failed (see Errors)" if failures else ""
    )
