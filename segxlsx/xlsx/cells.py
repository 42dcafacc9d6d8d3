"""What each sheet shows, cell by cell, kept as the XML it is written as.

openpyxl makes a `Cell` object per cell, styles it through descriptors that look each font and
fill up in the workbook's tables, and writes it element by element through lxml: most of the
time a workbook took. Our sheets write every cell through `styles.put_*`, which record here the
cell's look (one `Look` object per look in the process) and its content as XML, a formula's
cached value included; rows' heights and columns' widths likewise. `sheet_data` and `columns`
write them in the very bytes openpyxl writes for the same cells and sizes; the rest of the
sheet (merges, conditional formats, printing) is still openpyxl's objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from weakref import WeakKeyDictionary

from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.worksheet import Worksheet

from .stylesheet import Look
from .text import xml_text

Cached = Decimal | int | bool | str  # what a formula shows, as the model computes it
Number = Decimal | int | float | bool | date
# A cell as written: its look, its type attribute (` t="…"`, or none) and its content's XML.
Record = tuple[Look, str, str]


class _Recorded:
    """One sheet's cells by (row, column), and the heights of rows and widths of columns
    (in points and characters) that were set: openpyxl made an object for each."""

    __slots__ = ("cells", "heights", "widths")

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], Record] = {}
        self.heights: dict[int, float] = {}
        self.widths: dict[int, float] = {}


_SHEETS: WeakKeyDictionary[Worksheet, _Recorded] = WeakKeyDictionary()


def _recorded(sheet: Worksheet) -> _Recorded:
    recorded = _SHEETS.get(sheet)
    if recorded is None:
        recorded = _SHEETS[sheet] = _Recorded()
    return recorded


def cells_of(sheet: Worksheet) -> dict[tuple[int, int], Record]:
    """The sheet's cells as recorded, by (row, column)."""
    return _recorded(sheet).cells


def set_height(sheet: Worksheet, row: int, points: float) -> None:
    _recorded(sheet).heights[row] = points


def set_width(sheet: Worksheet, column: int, characters: float) -> None:
    _recorded(sheet).widths[column] = characters


def put_text(sheet: Worksheet, row: int, column: int, look: Look, text: str) -> None:
    """Text, always a string (openpyxl's inline string, never a formula)."""
    if not text:  # openpyxl writes an empty string as an empty cell of that type
        cells_of(sheet)[row, column] = (look, ' t="inlineStr"', "")
        return
    space = ' xml:space="preserve"' if text != text.strip() else ""
    cells_of(sheet)[row, column] = (look, ' t="inlineStr"', f"<is><t{space}>{xml_text(text)}</t></is>")


def put_value(sheet: Worksheet, row: int, column: int, look: Look, value: Number | None) -> None:
    """A number, a boolean, a date (a day number, as Excel keeps dates), or nothing but a look."""
    if value is None:
        cells_of(sheet)[row, column] = (look, ' t="n"', "")
    elif isinstance(value, bool):
        cells_of(sheet)[row, column] = (look, ' t="b"', f"<v>{int(value)}</v>")
    elif isinstance(value, date):
        day = to_excel(value if isinstance(value, datetime) else datetime(value.year, value.month, value.day))
        cells_of(sheet)[row, column] = (look, ' t="n"', f"<v>{openpyxl_number(day)}</v>")
    else:
        cells_of(sheet)[row, column] = (look, ' t="n"', f"<v>{openpyxl_number(value)}</v>")


def put_formula(sheet: Worksheet, row: int, column: int, look: Look, formula: str, shows: Cached) -> None:
    """A formula (with its "=") and the value it shows: what a reader that does not recalculate sees."""
    if shows is None or isinstance(shows, float):
        # A float would be a figure computed outside the Decimal model: a bug of ours.
        where = f"{sheet.title}!{get_column_letter(column)}{row}"
        raise TypeError(f"{where}: cached value {shows!r} is not a model figure")
    kind, value = _cached_xml(shows)
    cells_of(sheet)[row, column] = (look, kind, f"<f>{xml_text(formula[1:])}</f><v>{value}</v>")


def openpyxl_number(value: Decimal | int | float) -> str:
    """A number as openpyxl writes a cell's value, a size or a chart's cached point: through a
    double, to 16 significant digits."""
    return "%.16g" % value  # noqa: UP031 (a Decimal's own format would not go through the double)


def _cached_xml(value: Cached) -> tuple[str, str]:
    """The `t` attribute and `<v>` text of a cached value: number, boolean ("b") or text ("str")."""
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, str):
        return ' t="str"', xml_text(value)
    return "", number_text(value)


def number_text(value: Decimal | int) -> str:
    """A number as Excel stores it: the shortest text that reads back as the same double."""
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def looks_used(sheets: Iterable[Worksheet]) -> set[Look]:
    return {look for sheet in sheets for look, _, _ in cells_of(sheet).values()}


def dimension(sheet: Worksheet) -> str:
    """The range the sheet's cells span, "A1:H40" ("A1:A1" for none), as openpyxl computes it."""
    cells = cells_of(sheet)
    if not cells:
        return "A1:A1"
    rows = [row for row, _ in cells]
    columns = [column for _, column in cells]
    return f"{get_column_letter(min(columns))}{min(rows)}:{get_column_letter(max(columns))}{max(rows)}"


def sheet_data(sheet: Worksheet, numbers: Mapping[Look, str]) -> str:
    """The sheet's `<sheetData>`: its rows in order, each with its height and its cells.

    A cell's `s` is its look's number in the workbook's cell formats (`numbers`), known only
    once the style table is in its canonical order.
    """
    rows = _rows(_recorded(sheet), numbers.__getitem__)
    return f"<sheetData>{''.join(xml for _, xml in rows)}</sheetData>" if rows else "<sheetData/>"


def take_rows(sheet: Worksheet, number: Callable[[Look], str]) -> list[tuple[int, str]]:
    """The rows recorded so far, in order, as XML, and then forgotten: a sheet that streams its
    rows out (the summary's) holds only the rows not yet sent. `number` gives a look's ` s="…"`."""
    recorded = _recorded(sheet)
    rows = _rows(recorded, number)
    recorded.cells.clear()
    recorded.heights.clear()
    return rows


def _rows(recorded: _Recorded, number: Callable[[Look], str]) -> list[tuple[int, str]]:
    """Each row with its height and its cells, in order; a sized row with no cell of its own
    (sized for what spans it) too."""
    by_row: dict[int, list[tuple[int, Record]]] = {row: [] for row in recorded.heights}
    for (row, column), record in sorted(recorded.cells.items()):
        by_row.setdefault(row, []).append((column, record))
    rows = []
    for row, cells in sorted(by_row.items()):
        height = recorded.heights.get(row)
        sized = f' ht="{openpyxl_number(height)}" customHeight="1"' if height is not None else ""
        each = "".join(
            f'<c r="{get_column_letter(column)}{row}"{number(look)}{kind}>{content}</c>'
            for column, (look, kind, content) in cells
        )
        rows.append((row, f'<row r="{row}"{sized}>{each}</row>'))
    return rows


def columns(sheet: Worksheet) -> str:
    """The sheet's `<cols>`: each column given a width, as openpyxl writes it; "" for none."""
    widths = _recorded(sheet).widths
    if not widths:
        return ""
    each = "".join(
        f'<col width="{openpyxl_number(widths[column])}" customWidth="1" min="{column}" max="{column}"/>'
        for column in sorted(widths)
    )
    return f"<cols>{each}</cols>"
