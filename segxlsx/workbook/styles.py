"""How the workbook looks: fonts, fills, number formats, and safe text cells.

Style objects are built once per process and shared; openpyxl stores each distinct style once.
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from ..money import SYMBOL_FOR

TITLE = Font(size=14, bold=True, color="1F3864")
SUBTITLE = Font(italic=True, color="595959")
SECTION = Font(size=12, bold=True, color="1F3864")
HEADER = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
LABEL = Font(bold=True)
MUTED = Font(color="808080", size=9)
# Inputs a user may edit are blue on pale yellow, the usual convention in financial models.
INPUT_FONT = Font(color="0000FF")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")

PERCENT = "0.0%"
RATIO = "0.00"
RATE = "0.000000"
DATE = "yyyy-mm-dd"

STATUS_FILLS = {  # conditional formatting on status cells
    "below": PatternFill("solid", fgColor="F8CBAD", bgColor="F8CBAD"),
    "within": PatternFill("solid", fgColor="C6EFCE", bgColor="C6EFCE"),
    "above": PatternFill("solid", fgColor="BDD7EE", bgColor="BDD7EE"),
}

MAX_CELL_TEXT = 32_767  # Excel's limit for one cell


def money_format(currency: str) -> str:
    """ "£"#,##0 for currencies with a symbol, "CHF "#,##0 for the rest; negatives keep the sign."""
    prefix = SYMBOL_FOR.get(currency) or f"{currency} "
    quoted = '"' + prefix.replace('"', "") + '"'
    return f"{quoted}#,##0;-{quoted}#,##0"


def put_text(sheet: Worksheet, ref: str, text: str, font: Font | None = None) -> Cell:
    """Write untrusted text as text, never a formula, within Excel's limits.

    openpyxl turns any string starting with "=" into a formula; forcing the type keeps
    "=HYPERLINK(…)" from a candidate's name inert. Characters XML cannot hold are dropped.
    """
    cell = sheet[ref]
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(text))[:MAX_CELL_TEXT]
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def put(
    sheet: Worksheet, ref: str, value: object, number_format: str | None = None, font: Font | None = None
) -> Cell:
    """Write a number, a boolean or one of our own formulas."""
    cell = sheet[ref]
    cell.value = value
    if number_format:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


def put_input(sheet: Worksheet, ref: str, value: object, number_format: str | None = None) -> Cell:
    """An input cell: a value the user may change, styled so they can see which cells those are."""
    cell = put(sheet, ref, value, number_format, INPUT_FONT)
    cell.fill = INPUT_FILL
    cell.border = BOX
    return cell


def header_row(sheet: Worksheet, row: int, titles: list[str], first_column: int = 1) -> None:
    for offset, title in enumerate(titles):
        cell = sheet.cell(row=row, column=first_column + offset, value=title)
        cell.font, cell.fill = HEADER, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def widths(sheet: Worksheet, by_column: dict[str, float]) -> None:
    for column, width in by_column.items():
        sheet.column_dimensions[column].width = width


def print_setup(sheet: Worksheet) -> None:
    """Landscape, fit to one page wide: how a recruiter prints a review."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def fit_rows(sheet: Worksheet, row: int, text: str, width_chars: float) -> None:
    """Give a wrapped cell's row room for its text.

    Neither openpyxl nor LibreOffice sizes rows for wrapped text when opening a file, so
    estimate the lines (about one character per unit of column width) and set the height.
    """
    lines = sum(max(1, -(-len(paragraph) // int(width_chars))) for paragraph in text.split("\n"))
    sheet.row_dimensions[row].height = max(15, 15 * lines)
