"""Cell references: "B5" and (row, column), column letters, absolute references, sheet names.

Every workbook uses the same few hundred references, so each is worked out once per process.
"""

from __future__ import annotations

import re
from functools import lru_cache

MAX_ROW = 1_048_576
MAX_COLUMN = 16_384  # XFD
_CELL = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]+)")


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
        raise ValueError(f"{ref!r} is not a cell reference")
    row = int(found[2])
    if not 1 <= row <= MAX_ROW:
        raise ValueError(f"{ref!r}: row {row} is outside Excel's 1 to {MAX_ROW}")
    return row, column_number(found[1])


def cell_ref(row: int, column: int) -> str:
    return f"{column_letter(column)}{row}"


def cell_range(ref: str) -> tuple[int, int, int, int]:
    """ "B5:C9" (or one cell, "B5") → (first row, first column, last row, last column)."""
    first, _, last = ref.partition(":")
    top, left = coordinates(first)
    bottom, right = coordinates(last) if last else (top, left)
    if bottom < top or right < left:
        raise ValueError(f"{ref!r}: a range runs from its top left cell to its bottom right one")
    return top, left, bottom, right


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
