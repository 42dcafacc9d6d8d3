"""Cell references: "B5" and (row, column), column letters, absolute references, sheet names,
written and read back ("'Sheet name'!$B$3" as a defined name holds it: `areas`).

Every workbook uses the same few hundred references, so each is worked out once per process.
A reference that is not one is a `ValueError` in one wording (`_broken`), however it is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

MAX_ROW = 1_048_576
MAX_COLUMN = 16_384  # XFD
_CELL = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})")


@lru_cache(maxsize=512)
def column_letter(column: int) -> str:
    """1 → "A", 27 → "AA"."""
    if not 1 <= column <= MAX_COLUMN:
        raise ValueError(f"column {column} is outside Excel's A to XFD")
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@lru_cache(maxsize=512)
def column_number(letters: str) -> int:
    """ "A" → 1, "AA" → 27."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    if not letters.isalpha() or not letters.isupper() or not 1 <= number <= MAX_COLUMN:
        raise ValueError(f"{letters!r} is not a column of Excel's A to XFD")
    return number


@lru_cache(maxsize=8192)
def coordinates(ref: str) -> tuple[int, int]:
    """ "B5" (or "$B$5") → (5, 2)."""
    found = _CELL.fullmatch(ref)
    if found is None:
        raise _broken(ref)
    row, column = int(found[2]), 0
    for letter in found[1]:
        column = column * 26 + ord(letter) - 64
    if not 1 <= row <= MAX_ROW or column > MAX_COLUMN:
        raise _broken(ref)
    return row, column


def cell_ref(row: int, column: int) -> str:
    return f"{column_letter(column)}{row}"


def cell_range(ref: str) -> tuple[int, int, int, int]:
    """ "B5:C9" (or one cell, "B5") → (first row, first column, last row, last column)."""
    first, _, last = ref.partition(":")
    try:
        top, left = coordinates(first)
        bottom, right = coordinates(last) if last else (top, left)
    except ValueError:
        raise _broken(ref) from None
    if bottom < top or right < left:  # a range runs from its top left cell to its bottom right one
        raise _broken(ref)
    return top, left, bottom, right


def _broken(ref: str) -> ValueError:
    return ValueError(f"{ref!r} is not a cell or a range of cells of Excel's A1 to XFD{MAX_ROW}")


def absolute(ref: str) -> str:
    """ "B5" → "$B$5", "A1:H41" → "$A$1:$H$41"."""
    top, left, bottom, right = cell_range(ref)
    first = f"${column_letter(left)}${top}"
    return first if ":" not in ref else f"{first}:${column_letter(right)}${bottom}"


def quoted_sheet(title: str) -> str:
    """A sheet's name as formulas and defined names write it: always quoted, quotes doubled."""
    return "'" + title.replace("'", "''") + "'"


@lru_cache(maxsize=2048)  # the same names point at the same cells in every workbook
def on_sheet(title: str, ref: str) -> str:
    """ "'Offer'!$B$9": an absolute reference to a cell or range of sheet `title`."""
    return f"{quoted_sheet(title)}!{absolute(ref)}"


_AREA = re.compile(r"(?:'((?:[^']|'')+)'|([^'!,]+))!([^',]+)")


def areas(text: str) -> Iterator[tuple[str, tuple[int, int, int, int]]]:
    """The areas a defined name holds, as `on_sheet` writes them and Excel keeps them, several
    apart by commas: "'Year''s pay'!$B$16:$B$19,Offer!$B$9" → each one's sheet (quotes undone)
    and `cell_range`, one by one (a hostile name can hold a million). Anything else (whole rows
    or columns, a constant) is `_broken`, raised when reached."""
    at = 0
    while True:
        area = _AREA.match(text, at)
        if area is None:
            raise _broken(text)
        sheet = area[1].replace("''", "'") if area[1] is not None else area[2].strip()
        try:
            yield sheet, cell_range(area[3])
        except ValueError:
            raise _broken(text) from None
        at = area.end()
        if at == len(text):
            return
        if text[at] != ",":
            raise _broken(text)
        at += 1
