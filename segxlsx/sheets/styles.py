"""How the workbook looks: fonts, fills, number formats, and safe text cells.

Style values are built once per process and shared; the engine stores each distinct one once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..money import money_prefix
from ..text import visible
from ..xlsx import (
    PAPER_A4,
    PAPER_LETTER,
    Alignment,
    Border,
    Fill,
    Font,
    Look,
    PageText,
    Side,
    Workbook,
    cells,
)
from ..xlsx.memo import for_short_text
from ..xlsx.refs import column_letter, coordinates
from ..xlsx.text import MAX_CELL_TEXT, cut, starts_like_formula
from ..xlsx.worksheet import Sheet

# One typeface on every font, named: a font that names none is drawn in whatever the reader
# defaults to (LibreOffice picks a serif beside Excel's Calibri). Arial is on every Excel and,
# as its metric twin Liberation Sans, in every LibreOffice.
FAMILY = "Arial"


def _font(**looks: object) -> Font:
    return Font(FAMILY, **looks)  # type: ignore[arg-type]


BODY = _font(size=10)  # every cell without a look of its own, and the workbook's default
TITLE = _font(size=14, bold=True, colour="1F3864")
SUBTITLE = _font(size=10, italic=True, colour="595959")
SECTION = _font(size=12, bold=True, colour="1F3864")
HEADER = _font(size=10, bold=True, colour="FFFFFF")
HEADER_FILL = Fill("1F3864")
LABEL = _font(size=10, bold=True)
MUTED = _font(colour="808080", size=9)
COACH_NOTE = _font(size=10, italic=True, colour="595959")  # what the coach reads beside the candidate's words
LINK = _font(size=10, colour="0563C1", underline="single")
# Inputs a user may edit are blue on pale yellow, the usual convention in financial models.
INPUT_FONT = _font(size=10, colour="0000FF")
INPUT_FILL = Fill("FFF2CC")
THIN = Side("thin", "BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(vertical="top", wrap=True)
WRAPPED = Alignment(wrap=True)  # at the foot of its row, as the figures beside it
HEADER_ALIGNMENT = Alignment(vertical="center", wrap=True)
TOP = Alignment(vertical="top")

PERCENT = "0.0%"
RATIO = "0.00"
RATE = "#,##0.00####"  # 1.00, 0.79, 0.006645: as many places as a rate needs, up to six
DATE = "yyyy-mm-dd"

STATUS_FILLS = {  # conditional formatting on status cells
    "below": Fill("F8CBAD", background="F8CBAD"),
    "within": Fill("C6EFCE", background="C6EFCE"),
    "above": Fill("BDD7EE", background="BDD7EE"),
}


@functools.cache  # a few currencies, asked for every money cell
def money_format(currency: str) -> str:
    """ "£"#,##0 for currencies with a symbol, "CHF "#,##0 for the rest; negatives keep the sign."""
    quoted = quoted_prefix(currency)
    return f"{quoted}#,##0;-{quoted}#,##0"


def quoted_prefix(currency: str) -> str:
    """The symbol ("£") or code ("CHF ") as a quoted literal of a number format."""
    return '"' + money_prefix(currency).replace('"', "") + '"'


def axis_money_format(currency: str, largest: Decimal) -> str:
    """An axis in the offer's currency, in thousands ("$150K") or, for big numbers, millions."""
    prefix = quoted_prefix(currency)
    if largest >= 10_000_000:
        return f'{prefix}#,##0.0,,"M"'
    return f'{prefix}#,##0,"K"'


def put_text(
    sheet: Sheet,
    ref: str,
    text: str,
    font: Font | None = None,
    alignment: Alignment | None = None,
    fill: Fill | None = None,
) -> None:
    """Write untrusted text as text, never a formula, within Excel's limits.

    The cell is always a string: "=HYPERLINK(…)" from a candidate's name stays inert, and
    carries a quote prefix so that it stays text when edited in Excel too. Characters XML
    cannot hold (refused where they enter) would show as U+FFFD rather than corrupt the file.
    """
    row, column = coordinates(ref)
    text, formula_like = _safe_text(str(text))
    look = look_of(font=font, fill=fill, alignment=alignment, quote_prefix=formula_like)
    cells.put_text(sheet, row, column, look, text)


def put(
    sheet: Sheet,
    ref: str,
    value: cells.Number | None,
    number_format: str | None = None,
    font: Font | None = None,
    alignment: Alignment | None = None,
) -> None:
    """Write a number, a boolean or a date (text goes through `put_text`, formulas through
    `put_formula`); None gives an empty cell with the look."""
    if isinstance(value, str):
        raise TypeError(f"{sheet.title}!{ref}: text must go through put_text or put_formula")
    row, column = coordinates(ref)
    cells.put_value(sheet, row, column, look_of(number_format, font, alignment=alignment), value)


def put_formula(
    sheet: Sheet,
    ref: str,
    formula: str,
    shows: cells.Cached,
    number_format: str | None = None,
    font: Font | None = None,
    alignment: Alignment | None = None,
    fill: Fill | None = None,
) -> None:
    """Write one of our own formulas and what it shows, as the model computes it.

    `shows` becomes the cell's cached value: what a reader that does not recalculate sees.
    """
    row, column = coordinates(ref)
    style = look_of(number_format, font, fill, alignment=alignment)
    cells.put_formula(sheet, row, column, style, formula, shows)


def put_input(
    sheet: Sheet, ref: str, value: cells.Number | str | None, number_format: str | None = None
) -> None:
    """An input cell: a value the user may change (a number, a date, or a word from a drop-down;
    None: empty, to type one in), styled so they can see which cells those are."""
    row, column = coordinates(ref)
    if isinstance(value, str):
        text, formula_like = _safe_text(value)
        style = look_of(number_format, INPUT_FONT, INPUT_FILL, BOX, quote_prefix=formula_like)
        cells.put_text(sheet, row, column, style, text)
    else:
        cells.put_value(sheet, row, column, look_of(number_format, INPUT_FONT, INPUT_FILL, BOX), value)


@for_short_text  # most text is a label every offer writes
def _safe_text(text: str) -> tuple[str, bool]:
    """`text` as a cell holds it (printable, within Excel's limit), and whether it starts like
    a formula."""
    text = cut(visible(text), MAX_CELL_TEXT)
    return text, starts_like_formula(text)


def put_header(sheet: Sheet, ref: str, title: str) -> None:
    """A column's header: white on dark blue, wrapped."""
    put_text(sheet, ref, title, HEADER, HEADER_ALIGNMENT, HEADER_FILL)


def header_row(sheet: Sheet, row: int, titles: list[str], first_column: int = 1) -> None:
    for offset, title in enumerate(titles):
        put_header(sheet, f"{column_letter(first_column + offset)}{row}", title)


def merge(sheet: Sheet, cell_range: str) -> None:
    """Merge `cell_range`; its first cell holds what the merged cell shows (the covered cells
    stay unwritten)."""
    sheet.merge(cell_range)


_LOOKS: dict[tuple[str | None, int, int, int, int, bool], Look] = {}


def look_of(
    number_format: str | None = None,
    font: Font | None = None,
    fill: Fill | None = None,
    border: Border | None = None,
    alignment: Alignment | None = None,
    quote_prefix: bool = False,
) -> Look:
    """The one `Look` of this process for a number format and the style constants above.

    Looks are always built from those constants, so their ids identify a look (the objects
    live as long as the process); number formats are few (a money format per currency).
    `quote_prefix`: for text that starts like a formula (`put_text` and `put_input` decide).
    """
    font = font or BODY
    key = (number_format, id(font), id(fill), id(border), id(alignment), quote_prefix)
    found = _LOOKS.get(key)
    if found is None:
        found = _LOOKS[key] = Look(number_format, font, fill, border, alignment, quote_prefix)
    return found


def widths(sheet: Sheet, by_column: dict[str, float]) -> None:
    """Columns' widths, in characters."""
    for column, width in by_column.items():
        sheet.column_width(column, width)


def row_height(sheet: Sheet, row: int, points: float) -> None:
    sheet.row_height(row, points)


def new_workbook(title: str, streamed: bool = False) -> Workbook:
    """An empty workbook whose default font is ours and whose properties say segxlsx made it.

    `streamed`: its sheets write their rows as they come (the summary's, see `xlsx.Workbook`).
    """
    return Workbook(cut(visible(title), 200), default_font=BODY, creator="segxlsx", streamed=streamed)


@dataclass(frozen=True)
class Printing:
    """How one workbook prints: whose it is, the rates' date, the paper for its currency."""

    who: str  # the header's left part: the candidate, or what the file is
    rates_date: date
    currency: str | None = None  # the offer's: Letter for USD and CAD, A4 for everything else

    @property
    def paper(self) -> int:
        return paper_for(self.currency)


# Where Letter paper is the norm: offers paid in these are printed in the US and Canada.
LETTER_CURRENCIES = frozenset({"USD", "CAD"})


def paper_for(currency: str | None) -> int:
    """Letter for an offer paid in USD or CAD, A4 for everything else."""
    return PAPER_LETTER if currency in LETTER_CURRENCIES else PAPER_A4


MAX_HEADER_PART = 80  # Excel allows 255 characters for a whole header, codes included


def print_setup(
    sheet: Sheet, landscape: bool = True, pages_tall: int = 0, title_rows: str | None = None
) -> None:
    """How a sheet prints: orientation, one page wide and `pages_tall` high (0: as many as its
    rows need), and `title_rows` such as "4:4" repeated on every page."""
    sheet.print_setup(
        landscape=landscape, pages_wide=1, pages_tall=pages_tall, centered=True, title_rows=title_rows
    )


def header_name(who: str) -> str:
    """Whose a page is, as its header says it (`cut_at_word` to `MAX_HEADER_PART`)."""
    return cut_at_word(visible(who), MAX_HEADER_PART)


def cut_at_word(
    text: str, limit: float, char_width: Callable[[str], float] = lambda ch: 1 + (ord(ch) > 0xFFFF)
) -> str:
    """`text` whole when its characters take no more than `limit` (by `char_width`: UTF-16 units,
    as Excel counts, unless given), else cut after a whole word (or mid-word, for a word that
    long) and ended with "…": never cut short without a sign."""
    if sum(map(char_width, text)) <= limit:
        return text
    room, used, end = limit - char_width("…"), 0.0, 0
    for end, ch in enumerate(text):  # noqa: B007 (where it stops is the point)
        used += char_width(ch)
        if used > room:
            break
    start = text[:end]
    space = start.rfind(" ")
    if space >= end // 2:
        start = start[:space]
    return start.rstrip() + "…"


def label_pages(workbook: Workbook, printing: Printing) -> None:
    """Every sheet's paper, header (whose, which sheet) and footer (page N of M, rates, Confidential)."""
    # "&" starts a code in a header: a candidate's "&" is written "&&". "&A" is the sheet's name.
    header = PageText(left=header_name(printing.who).replace("&", "&&"), right="&A")
    footer = PageText(f"Rates of {printing.rates_date.isoformat()}", "Page &P of &N", "Confidential")
    for sheet in workbook.sheets:
        sheet.print_setup(paper=printing.paper)
        sheet.label_pages(header, footer, font=f"{FAMILY},Regular", size=8)


LINE_HEIGHT = 15  # points, a row of one line
# Points a line of wrapped 10-point text takes: Excel's 12.75 with a little to spare (LibreOffice
# draws Liberation Sans in 11.5); 15 a line left a third of a long script's row empty on paper.
WRAPPED_LINE = 13
BOLD_WIDTH = 1.15  # bold text is about this much wider than regular: fewer characters a line
SMALL_WIDTH = 1.1  # 9-point text (MUTED) fits about this many more characters a line than 10-point
MAX_ROW_HEIGHT = 409  # points: Excel's tallest row
MAX_ROW_LINES = MAX_ROW_HEIGHT // WRAPPED_LINE


def wrapped_lines(text: str, width_chars: float) -> int:
    """About how many lines `text` takes wrapped in a column `width_chars` wide.

    A file says each row's height, and LibreOffice does not size rows for wrapped text when
    opening one, so the lines are estimated: about one character per unit of column width.
    """
    return sum(max(1, -(-len(paragraph) // int(width_chars))) for paragraph in text.split("\n"))


def fit_rows(sheet: Sheet, row: int, text: str, width_chars: float) -> None:
    """Give a wrapped cell's row room for its text, up to Excel's tallest row.

    Text taller than that is split over rows before it gets here (`split_for_rows`).
    """
    lines = min(wrapped_lines(text, width_chars), MAX_ROW_LINES)
    row_height(sheet, row, max(LINE_HEIGHT, WRAPPED_LINE * lines))


def fit_wrapped(sheet: Sheet, row: int, text: str, width_chars: float) -> None:
    """Size a wrapped cell's row for its text when it takes more than a line; a line takes the
    sheet's own height, as a row no one sized does."""
    if wrapped_lines(text, width_chars) > 1:
        fit_rows(sheet, row, text, width_chars)


def split_for_rows(text: str, width_chars: float) -> list[str]:
    """`text` in pieces that each fit one row of Excel's tallest height when wrapped.

    Cut between paragraphs where possible, then between sentences, then between words, so a
    long guide section reads on across rows as it was written.
    """
    pieces: list[str] = []
    for separator in ("\n\n", "\n", ". ", " "):
        pieces = _pack(text, separator, width_chars)
        if all(wrapped_lines(piece, width_chars) <= MAX_ROW_LINES for piece in pieces):
            return pieces
    return [chunk for piece in pieces for chunk in _hard_cut(piece, width_chars)]


def _pack(text: str, separator: str, width_chars: float) -> list[str]:
    """Join the parts of `text` between `separator`s greedily into pieces that fit a row."""
    parts = text.split(separator)
    pieces = [parts[0]]
    for part in parts[1:]:
        joined = pieces[-1] + separator + part
        if wrapped_lines(joined, width_chars) <= MAX_ROW_LINES:
            pieces[-1] = joined
        else:
            pieces[-1] += separator.rstrip(" ") if separator == ". " else ""
            pieces.append(part)
    return pieces


def _hard_cut(text: str, width_chars: float) -> list[str]:
    size = int(width_chars) * (MAX_ROW_LINES - 1)
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


# The Years sheet's headline figures: big, side by side, each on its own tint, so year one and
# the average are never read as the same number.
HEADLINE = _font(size=22, bold=True, colour="1F3864")
HEADLINE_LABEL = _font(size=11, bold=True, colour="595959")
HEADLINE_NOTE = _font(italic=True, size=9, colour="595959")
YEAR_ONE_FILL = Fill("FCE4D6")
AVERAGE_FILL = Fill("DDEBF7")
DIFFERENCE_FILL = Fill("F2F2F2")
CENTER = Alignment(horizontal="center", vertical="center", wrap=True)
MIDDLE = Alignment(horizontal="center")  # a word in a column of figures, apart from them
NAMES = Alignment(horizontal="center", vertical="top", wrap=True)  # names in narrow columns
LEFT = Alignment(horizontal="left")
YEAR_NUMBER = '"Year "0'  # a year's number, still a number for formulas to compare


def signed_money_format(currency: str) -> str:
    """A difference: "+£2,000" or "-£2,000"; the cell's fill says ahead or behind, so no red text
    on a red fill."""
    quoted = quoted_prefix(currency)
    return f"+{quoted}#,##0;-{quoted}#,##0;{quoted}0"
