"""Plain Excel over cells: a reference, a sum, an average. The rules are in `segxlsx.rules`."""

from __future__ import annotations


def reference(value: str) -> str:
    return f"={value}"


def total(cells: str) -> str:
    return f"=SUM({cells})"


def average(cells: str) -> str:
    return f"=AVERAGE({cells})"
