"""What each sheet shows, cell by cell, kept as the XML it is written as.

Our sheets write every cell through `sheets.styles.put_*`, which record here the cell's look
(one `Look` object per look in the process) and its content as XML, a formula's cached value
included; rows' heights and columns' widths likewise. `rows` writes them out, in order, once
the workbook's style table has numbered the looks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from .memo import for_short_text
from .refs import cell_ref, column_letter
from .styles import Look
from .text import xml_text

Cached = Decimal | int | bool | str  # what a formula shows, as the model computes it
Number = Decimal | int | float | bool | date
# A cell as written: its look, its type attribute (` t="…"`, or none) and its content's XML.
Record = tuple[Look, str, str]


class Recorded(Protocol):
    """A sheet as far as its cells go (`worksheet.Sheet`, `worksheet.StreamedSheet`)."""

    title: str
    cells: dict[tuple[int, int], Record]
    heights: dict[int, float]
    widths: dict[int, float]


def put_text(sheet: Recorded, row: int, column: int, look: Look, text: str) -> None:
    """Text, always a string (an inline string, never a formula)."""
    sheet.cells[row, column] = (look, ' t="inlineStr"', inline_string(text))


@for_short_text
def inline_string(text: str) -> str:
    """An inline string's content: `<is><t>…</t></is>`, "" for empty text (an empty cell of that
    type).

    Never `<t xml:space="preserve">`, even for text with blank ends: the schema gives `<t>` no
    attribute, and a reader that holds a sheet to it (ox_validate) has Excel repair the file.
    The blanks stay in the file; Excel may show the text without them, as an offer's notes are
    read without theirs (`sources.offer_fields`).
    """
    return f"<is><t>{xml_text(text)}</t></is>" if text else ""


def put_value(sheet: Recorded, row: int, column: int, look: Look, value: Number | None) -> None:
    """A number, a boolean, a date (a day number, as Excel keeps dates), or nothing but a look."""
    if value is None:
        sheet.cells[row, column] = (look, ' t="n"', "")
    elif isinstance(value, bool):
        sheet.cells[row, column] = (look, ' t="b"', f"<v>{int(value)}</v>")
    elif isinstance(value, date):
        sheet.cells[row, column] = (look, ' t="n"', f"<v>{double(excel_day(value))}</v>")
    else:
        sheet.cells[row, column] = (look, ' t="n"', f"<v>{double(value)}</v>")


def put_formula(sheet: Recorded, row: int, column: int, look: Look, formula: str, shows: Cached) -> None:
    """A formula (with its "=") and the value it shows: what a reader that does not recalculate sees."""
    if shows is None or isinstance(shows, float):
        # A float would be a figure computed outside the Decimal model: a bug of ours.
        raise TypeError(
            f"{sheet.title}!{cell_ref(row, column)}: cached value {shows!r} is not a model figure"
        )
    kind, value = _cached_xml(shows)
    sheet.cells[row, column] = (look, kind, f"{formula_xml(formula)}<v>{value}</v>")


@for_short_text
def formula_xml(formula: str) -> str:
    """`<f>…</f>` for a formula given with its "="."""
    return f"<f>{xml_text(formula[1:])}</f>"


_EPOCH = datetime(1899, 12, 30)  # day 0 of Excel's 1900 date system


def excel_day(moment: date) -> float:
    """A date (or a moment) as Excel's day number: days since 1899-12-30, a day's fraction after
    the point. Excel counts a 29 February 1900 that never was, so days before March 1900 are
    one less."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    since = moment - _EPOCH
    days = since.days - (1 if 0 < since.days <= 60 else 0)
    return days + since.seconds / 86_400 + since.microseconds / 86_400_000_000


def double(value: Decimal | int | float) -> str:
    """A number as a value, a size or a chart's cached point is written: through a double, to
    16 significant digits."""
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


def looks_used(sheets: Iterable[Recorded]) -> set[Look]:
    return {look for sheet in sheets for look, _, _ in sheet.cells.values()}


def dimension(sheet: Recorded) -> str:
    """The range the sheet's cells span, "A1:H40" ("A1:A1" for none)."""
    if not sheet.cells:
        return "A1:A1"
    rows = [row for row, _ in sheet.cells]
    columns = [column for _, column in sheet.cells]
    return f"{column_letter(min(columns))}{min(rows)}:{column_letter(max(columns))}{max(rows)}"


def sheet_data(sheet: Recorded, numbers: Mapping[Look, str]) -> str:
    """The sheet's `<sheetData>`: its rows in order, each with its height and its cells.

    A cell's `s` is its look's number in the workbook's cell formats (`numbers`), known only
    once the style table is in its canonical order.
    """
    written = rows(sheet, numbers.__getitem__)
    return f"<sheetData>{''.join(xml for _, xml in written)}</sheetData>" if written else "<sheetData/>"


def rows(sheet: Recorded, number: Callable[[Look], str], closed: bool = False) -> list[tuple[int, str]]:
    """Each row with its height and its cells, in order, as XML; a sized row with no cell of
    its own (sized for what spans it) too. `number` gives a look's ` s="…"`.

    `closed`: an element with no content is written `<c …/>` rather than `<c …></c>`. Rows
    streamed out have always been written the first way, those of sheets in memory the second.
    """
    records = sheet.cells
    by_row: dict[int, list[tuple[int, int]]] = {row: [] for row in sheet.heights}
    for key in sorted(records):
        by_row.setdefault(key[0], []).append(key)
    written = []
    for row, keys in sorted(by_row.items()):
        height = sheet.heights.get(row)
        sized = f' ht="{double(height)}" customHeight="1"' if height is not None else ""
        each = []
        for key in keys:  # every cell of every sheet passes here: a look-up and a string each
            look, kind, content = records[key]
            if closed and not content:
                each.append(f'<c r="{column_letter(key[1])}{row}"{number(look)}{kind}/>')
            else:
                each.append(f'<c r="{column_letter(key[1])}{row}"{number(look)}{kind}>{content}</c>')
        xml = "".join(each)
        written.append(
            (row, f'<row r="{row}"{sized}/>' if closed and not xml else f'<row r="{row}"{sized}>{xml}</row>')
        )
    return written


def columns(sheet: Recorded) -> str:
    """The sheet's `<cols>`: each column given a width; "" for none."""
    widths = sheet.widths
    if not widths:
        return ""
    each = "".join(
        f'<col width="{double(widths[column])}" customWidth="1" min="{column}" max="{column}"/>'
        for column in sorted(widths)
    )
    return f"<cols>{each}</cols>"
