"""The workbook-scope defined names: each points at one cell (or a range), and every one is
there before saving.

Which names a workbook has is declared once elsewhere: every scalar figure of
`figures.OfferFigures` (with a rate per currency and a name per share-price scenario), and every
input cell of the field table (`sources.offer_fields`). Sheets call `define` as they write the cell.
"""

from __future__ import annotations

import functools
import re

from ..figures import NAMED_FIGURES, STOCK_SCENARIOS, rate_name, scenario_name
from ..sources.offer_fields import COMPETING, OFFER, competing_cell
from ..xlsx import Workbook

_VALID = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,254}")
_LIKE_A_CELL = re.compile(r"[A-Za-z]{1,3}\d+")


def define(workbook: Workbook, name: str, sheet_title: str, cell: str) -> str:
    """Point workbook-scope `name` at one absolute cell ("B9") or range ("B16:B19"); returns
    the name for use in formulas."""
    if not _valid(name):
        raise ValueError(f"{name!r} is not a valid defined name")  # a bug of ours, not input
    workbook.define(name, sheet_title, cell)
    return name


@functools.lru_cache(maxsize=1024)  # the same few dozen names in every workbook
def _valid(name: str) -> bool:
    return bool(_VALID.fullmatch(name)) and not _LIKE_A_CELL.fullmatch(name)


def check_all_defined(workbook: Workbook, currencies: list[str], competing: int) -> None:
    """Every figure's name, a rate name per currency, a name per scenario, and the name of every
    input cell (the offer's, and each of `competing` competing offers') must exist before saving:
    read-back finds the inputs by these names alone."""
    scenarios = {scenario_name(number) for number in range(1, len(STOCK_SCENARIOS) + 1)}
    inputs = {field.cell for field in OFFER if field.cell} | {
        competing_cell(number, field)
        for number in range(1, competing + 1)
        for field in COMPETING
        if field.cell
    }
    wanted = set(NAMED_FIGURES) | scenarios | {rate_name(code) for code in currencies} | inputs
    missing = wanted - set(workbook.defined_names)
    if missing:
        raise AssertionError(f"workbook lacks defined names: {sorted(missing)}")
