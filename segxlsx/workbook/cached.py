"""Cached values: what each formula cell shows before anyone recalculates.

Readers that never calculate (mail and phone previews, Quick Look, pandas, openpyxl with
`data_only=True`) show a formula cell's cached value or nothing. openpyxl writes every formula
with an empty `<v>`, so the sheets record, as they write each formula, the value our model
computes for it, and `fill` puts those values into the sheet's XML as the file is zipped.
Excel and LibreOffice still recalculate on open (`fullCalcOnLoad`); the cached value is the
model's figure, which the tests prove equals what they compute.
"""

from __future__ import annotations

import re
from decimal import Decimal
from weakref import WeakKeyDictionary

from openpyxl.worksheet.worksheet import Worksheet

from .text import xml_text

Cached = Decimal | int | bool | str

_VALUES: WeakKeyDictionary[Worksheet, dict[str, Cached]] = WeakKeyDictionary()


def record(sheet: Worksheet, ref: str, value: Cached) -> None:
    """Remember what the formula at `ref` shows, as the model computes it."""
    if value is None or isinstance(value, float):
        # A float would be a figure computed outside the Decimal model: a bug of ours.
        raise TypeError(f"{sheet.title}!{ref}: cached value {value!r} is not a model figure")
    _VALUES.setdefault(sheet, {})[ref] = value


def values_of(sheet: Worksheet) -> dict[str, Cached]:
    return _VALUES.get(sheet, {})


# A formula cell as openpyxl writes it, with either XML writer: an empty <v> after the <f>.
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?)><f>([^<]*)</f><v(?:></v>| ?/>)</c>')


def fill(xml: bytes, values: dict[str, Cached], part: str) -> bytes:
    """The sheet's XML with every formula cell's cached value written in its `<v>`.

    A formula cell without a recorded value is a bug of ours (a reader would see a blank), so
    it fails the build rather than slip through.
    """
    missing: list[str] = []

    def with_value(match: re.Match[bytes]) -> bytes:
        ref = match[1].decode()
        if ref not in values:
            missing.append(ref)
            return match[0]
        kind, text = _xml_value(values[ref])
        return b'<c r="%s"%s%s><f>%s</f><v>%s</v></c>' % (match[1], match[2], kind, match[3], text)

    filled = _FORMULA_CELL.sub(with_value, xml)
    if missing:
        raise AssertionError(f"{part}: formula cells without a cached value: {', '.join(missing[:10])}")
    return filled


def _xml_value(value: Cached) -> tuple[bytes, bytes]:
    """The `t` attribute and `<v>` text of a cached value: number, boolean ("b") or text ("str")."""
    if isinstance(value, bool):
        return b' t="b"', b"1" if value else b"0"
    if isinstance(value, str):
        return b' t="str"', xml_text(value).encode()
    return b"", number_text(value).encode()


def number_text(value: Decimal | int) -> str:
    """A number as Excel stores it: the shortest text that reads back as the same double."""
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text
