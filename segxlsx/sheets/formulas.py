"""Plain Excel over cells: a reference, a sum, an average. The rules are in `segxlsx.rules`."""

from __future__ import annotations

from datetime import date

from ..xlsx.cells import excel_day


def reference(value: str) -> str:
    return f"={value}"


def total(cells: str) -> str:
    return f"=SUM({cells})"


def average(cells: str) -> str:
    return f"=AVERAGE({cells})"


def day_shown(day: date | None) -> int | str:
    """What a cell whose formula gives a day shows: its day number, or "" for none."""
    return "" if day is None else int(excel_day(day))
