"""How an offer's sheets go on paper: landscape, one page wide, never a block cut in two.

A block is what must be read on one page: a table with its heading, a chart, the title with
what follows it. On paper a sheet's blocks are its runs of filled rows (our sheets leave a
blank row between sections, and a chart fills the rows it covers).

Why not fit-to-page: a sheet fitted to pages ignores its manual page breaks, in Excel and in
LibreOffice alike, so a break could fall anywhere, mid-chart or under a heading. So every
sheet is printed at an explicit scale, which both honour with manual breaks:

- the scale fits the print area's columns to the paper's width (Letter for USD and CAD, A4
  otherwise; landscape) and the tallest block to a page's height;
- a manual break goes after a block when the next one would not fit on the page, or where a
  sheet asks for a new page (Scripts: the guide's own words never share a page with the
  candidate's);
- of the scales from that one down to `SMALLEST` percent, the largest that prints the sheet on
  its fewest pages is taken (so Offer, Bands and Rates print on one page, Years on two);
  Scripts, read at length, is printed no smaller than `SMALLEST_TEXT` percent;
- rows with a long list in them (`flowing`: the guide's levers) may part between any two rows,
  the list's heading staying with its first.

Sizes are worked out from what the file says, not measured: every row's height is written, in
whole pixels (rows with larger fonts get theirs here; the rest are held to the default), so
Excel and LibreOffice agree on where each row starts and which rows a chart covers. Column widths are not the same on paper in the two
(a width unit is Excel's 7 pixels, LibreOffice's digit of Liberation Sans, ~6% wider): widths
are counted LibreOffice's way and charts Excel's, each the larger of the two for what it sizes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..xlsx import PAPER_A4, PAPER_LETTER, Font
from ..xlsx.refs import column_letter, column_number, coordinates
from ..xlsx.worksheet import MARGINS, Sheet
from .styles import MAX_ROW_HEIGHT, WRAP, fit_wrapped, put_text

# Paper, portrait, in points; printed landscape.
PAPER_POINTS = {PAPER_LETTER: (612.0, 792.0), PAPER_A4: (595.28, 841.89)}
SAFETY = 0.98  # of a page's height or width used: printers round each row and column
SMALLEST = 60  # percent: a sheet is printed smaller to save a page, never below this
SMALLEST_TEXT = 70  # percent: the same for a sheet of long text (Scripts)
DEFAULT_HEIGHT = 15.0  # points: a row of 10-point text, as every sheet of ours sizes it
DEFAULT_WIDTH = 8.43  # characters: Excel's column with no width of its own
WIDTH_POINTS = {"wide": 5.6, "narrow": 5.25}  # a width unit on paper: LibreOffice, Excel
POINTS_PER_CM = 72 / 2.54
TITLE_ROWS = 3  # a sheet's title, its subtitle and a line under them: never a page on their own


@dataclass(frozen=True)
class Block:
    """Rows `first` to `last`, printed on one page; `new_page`: at the top of a page."""

    first: int
    last: int
    new_page: bool = False


def printable(paper: int) -> tuple[float, float]:
    """The width and height a landscape page prints on, in points, inside the margins."""
    short, long = PAPER_POINTS[paper]
    left, right, top, bottom = (inches * 72 for inches in MARGINS[:4])
    return long - left - right, short - top - bottom


def print_in_blocks(
    sheet: Sheet,
    paper: int,
    *,
    smallest: int = SMALLEST,
    flowing: tuple[int, int] | None = None,
    new_page_at: Iterable[int] = (),
    last_column: str | None = None,
) -> None:
    """Set `sheet` up to print landscape on `paper`, each block whole (see the module's rule).

    `smallest`: how small, in percent, it may print where that saves a page; `flowing` (first,
    last): rows that may part between pages, the first staying with the heading above it;
    `new_page_at`: rows that start a page; `last_column`: where the print area ends (when None,
    the last filled column or a chart's edge).
    """
    sheet.default_height = DEFAULT_HEIGHT
    pin_row_heights(sheet)
    columns = _column_count(sheet, last_column)
    last_row = _last_row(sheet, columns)
    area = f"A1:{column_letter(columns)}{last_row}"
    width, height = printable(paper)
    heights = [0.0] + [row_height(sheet, row) for row in range(1, last_row + 1)]
    blocks = blocks_of(sheet, last_row, columns, flowing, set(new_page_at))
    starts = _starts(blocks)
    # A block on a new page takes the blank rows above it along: they are its first.
    spans = tuple(sum(heights[start + 1 : block.last + 1]) for start, block in starts)
    largest = min(_percent(width / _width(sheet, columns)), _percent(height / max(spans)))
    pages = tuple((start, block.new_page) for start, block in starts)
    scale, breaks = _scale_and_breaks(pages, spans, height, largest, smallest)
    sheet.print_setup(landscape=True, paper=paper, centered=True, area=area, scale=scale)
    for row in breaks:
        sheet.page_break(row)


def _percent(ratio: float) -> int:
    return max(10, min(100, math.floor(100 * ratio * SAFETY)))


def _starts(blocks: list[Block]) -> list[tuple[int, Block]]:
    """Each block with the row before its span (the previous block's last row, or 0)."""
    return list(zip([0] + [block.last for block in blocks[:-1]], blocks, strict=True))


# Offers of one shape lay their sheets out alike: each layout is worked out once per process.
@lru_cache(maxsize=1024)
def _scale_and_breaks(
    pages: tuple[tuple[int, bool], ...], spans: tuple[float, ...], height: float, largest: int, smallest: int
) -> tuple[int, tuple[int, ...]]:
    """The largest scale, from `largest` down to `smallest` percent, at which the sheet takes
    its fewest pages, and its breaks there. `pages`: each block's row before it and whether it
    starts a page; `spans`: each block's height; `height`: a page's, in points."""
    scales = range(largest, min(largest, smallest) - 1, -1)
    layouts = [(scale, _breaks(pages, spans, height * SAFETY * 100 / scale)) for scale in scales]
    fewest = min(len(breaks) for _, breaks in layouts)
    return next((scale, breaks) for scale, breaks in layouts if len(breaks) == fewest)


def _breaks(pages: tuple[tuple[int, bool], ...], spans: tuple[float, ...], room: float) -> tuple[int, ...]:
    """A break before each block that would not fit on the page it would start on, or that
    asks for a page of its own; `room` is a page's height at the scale, in the sheet's points."""
    breaks, used = [], 0.0
    for (start, new_page), needs in zip(pages, spans, strict=True):
        if used and (new_page or used + needs > room):
            breaks.append(start)
            used = needs
        else:
            used += needs
    return tuple(breaks)


def blocks_of(
    sheet: Sheet, last_row: int, columns: int, flowing: tuple[int, int] | None, new_pages: set[int]
) -> list[Block]:
    """The sheet's runs of filled rows (the title kept with the block after it), the rows of
    `flowing` each a block of their own but the first, which stays with its heading."""
    filled = _filled_rows(sheet, columns)
    runs: list[list[int]] = []
    for row in range(1, last_row + 1):
        if row in filled:
            if runs and runs[-1][1] == row - 1 and row not in new_pages:
                runs[-1][1] = row
            else:
                runs.append([row, row])
    if len(runs) > 1 and runs[0][1] <= TITLE_ROWS and runs[1][0] not in new_pages:
        runs[0:2] = [[runs[0][0], runs[1][1]]]  # the sheet's title never ends a page alone
    blocks = []
    for first, last in runs:
        new_page = first in new_pages
        if flowing and first <= flowing[0] <= last:
            head, end = flowing
            blocks.append(Block(first, head, new_page))
            blocks += [Block(row, row) for row in range(head + 1, min(end, last) + 1)]
            if end < last:
                blocks.append(Block(end + 1, last))
        else:
            blocks.append(Block(first, last, new_page))
    return blocks


def _filled_rows(sheet: Sheet, columns: int) -> set[int]:
    filled = {row for row, column in sheet.cells if column <= columns}
    for top, _, bottom, _ in sheet.merges:
        filled.update(range(top, bottom + 1))
    for anchor, chart in sheet.charts:
        first, _ = coordinates(anchor)
        filled.update(range(first, chart_last_row(sheet, anchor, chart.height) + 1))
    return filled


def chart_last_row(sheet: Sheet, anchor: str, height_cm: float) -> int:
    """The row a chart placed at `anchor`, `height_cm` tall, ends in."""
    row, _ = coordinates(anchor)
    left = height_cm * POINTS_PER_CM
    while True:
        left -= row_height(sheet, row)
        if left <= 0:
            return row
        row += 1


def chart_last_column(sheet: Sheet, anchor: str, width_cm: float) -> int:
    """The column a chart placed at `anchor`, `width_cm` wide, ends in, columns counted at
    their narrowest (Excel's): where it reaches furthest."""
    _, column = coordinates(anchor)
    left = width_cm * POINTS_PER_CM
    while True:
        left -= sheet.widths.get(column, DEFAULT_WIDTH) * WIDTH_POINTS["narrow"]
        if left <= 0:
            return column
        column += 1


def _last_row(sheet: Sheet, columns: int) -> int:
    rows = [row for row, column in sheet.cells if column <= columns]
    rows += [chart_last_row(sheet, anchor, chart.height) for anchor, chart in sheet.charts]
    return max(rows)


def wrap_to_print_edge(sheet: Sheet, notes: Iterable[tuple[str, str]], per_unit: float = 1.0) -> None:
    """`wrap_across` each text of `notes` (cell, text) to the edge of the sheet's print area (its
    last filled column, or a chart's): a long note running on past that edge would be cut on
    paper. Called once the sheet's cells, charts and widths are all there."""
    last = _column_count(sheet, None)
    for ref, text in notes:
        wrap_across(sheet, ref, text, last, per_unit)


def across(sheet: Sheet, row: int, text: str, font: Font, last: int) -> None:
    """`text` written in column A and wrapped across the page's columns, A to `last`."""
    put_text(sheet, f"A{row}", text, font, alignment=WRAP)
    wrap_across(sheet, f"A{row}", text, last)


def wrap_across(sheet: Sheet, ref: str, text: str, last: int, per_unit: float = 1.0) -> None:
    """Wrap the text at `ref` (written with a wrapping alignment) across its row to column
    `last`, merged, its row sized for the lines it takes there (`styles.fit_wrapped`).
    `per_unit`: its characters to a unit of column width (`styles.SMALL_WIDTH` for small text)."""
    row, first = coordinates(ref)
    if last > first:
        sheet.merge(f"{ref}:{column_letter(last)}{row}")
    width = sum(sheet.widths.get(column, DEFAULT_WIDTH) for column in range(first, max(first, last) + 1))
    fit_wrapped(sheet, row, text, width * per_unit)


def _column_count(sheet: Sheet, last_column: str | None) -> int:
    """The print area's last column: as given, or the last filled one or a chart's edge."""
    charts = [chart_last_column(sheet, anchor, chart.width) for anchor, chart in sheet.charts]
    if last_column is not None:
        given = column_number(last_column)
        beyond = [anchor for (anchor, _), edge in zip(sheet.charts, charts, strict=True)
                  if coordinates(anchor)[1] <= given < edge]  # fmt: skip
        if beyond:
            raise ValueError(f"{sheet.title}: the chart at {beyond[0]} runs past column {last_column}")
        return given
    return max([column for _, column in sheet.cells] + charts)


def _width(sheet: Sheet, columns: int) -> float:
    """Columns A to `columns` on paper, at their widest (LibreOffice's)."""
    return sum(sheet.widths.get(c, DEFAULT_WIDTH) for c in range(1, columns + 1)) * WIDTH_POINTS["wide"]


def row_height(sheet: Sheet, row: int) -> float:
    return sheet.heights.get(row, sheet.default_height or DEFAULT_HEIGHT)


PIXEL = 0.75  # points: Excel draws a row a whole number of pixels (at 96 to the inch) tall


@lru_cache(maxsize=64)  # a few font sizes, asked for every row
def height_for(points: float) -> float:
    """A row's height for text of `points` points: at least the default, in whole pixels."""
    return max(DEFAULT_HEIGHT, whole_pixels(points * 1.3))


def whole_pixels(points: float) -> float:
    """`points` up to whole pixels, within Excel's tallest row."""
    tallest = math.floor(MAX_ROW_HEIGHT / PIXEL) * PIXEL
    return min(tallest, math.ceil(points / PIXEL - 1e-9) * PIXEL)


def pin_row_heights(sheet: Sheet) -> None:
    """Give every row whose fonts need more than the default height that height, so that no
    reader sizes it otherwise (Excel would size it from its fonts, LibreOffice would not); the
    rest are held to the default (`Sheet.default_height`). Every height is whole pixels."""
    for row, points in sheet.heights.items():  # Excel would round them so; now both do
        sheet.heights[row] = whole_pixels(points)
    largest: dict[int, float] = {}
    for (row, _), (look, _, _) in sheet.cells.items():  # every cell: a comparison each, no call
        size = look.font.size if look.font is not None else 10
        if size > largest.get(row, 0):
            largest[row] = size
    for row, size in sorted(largest.items()):
        if row not in sheet.heights and height_for(size) > DEFAULT_HEIGHT:
            sheet.row_height(row, height_for(size))
