"""The workbook-scope defined names of the SPEC, in one place.

Users and tests rely on these names; each points at exactly one cell. Sheets call `define`
as they write the cell, and `check_all_defined` runs before a workbook is saved.
"""

from __future__ import annotations

import re

from openpyxl.utils import quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook

from ..figures import STOCK_SCENARIOS

OFFER_NAMES = (
    "offer_currency",
    "offer_base",
    "offer_stock",
    "offer_stock_annual",
    "offer_bonus_pct",
    "offer_bonus",
    "offer_sign_on",
    "offer_total_comp",
)
BAND_NAMES = (
    "band_base_min",
    "band_base_mid",
    "band_base_max",
    "band_stock_min",
    "band_stock_mid",
    "band_stock_max",
    "band_bonus_pct_min",
    "band_bonus_pct_max",
    "band_total_comp_min",
    "band_total_comp_max",
)
PENETRATION_NAMES = ("pen_base", "pen_stock", "pen_bonus_pct", "pen_total_comp", "compa_base")
ASK_NAMES = ("ask_base", "ask_stock", "ask_bonus_pct", "walk_away_stock", "walk_away_met")
YEAR_NAMES = ("year1_total_comp", "avg_total_comp", "sign_on_to_ask")


def scenario_name(number: int) -> str:
    """The defined name of a share-price change input: stock_scenario_1 (numbered from 1)."""
    return f"stock_scenario_{number}"


SCENARIO_NAMES = tuple(scenario_name(n) for n in range(1, len(STOCK_SCENARIOS) + 1))
SPEC_NAMES = OFFER_NAMES + BAND_NAMES + PENETRATION_NAMES + ASK_NAMES + YEAR_NAMES + SCENARIO_NAMES
# Names the SPEC does not ask for, kept for readable formulas and for the tests.
SCHEDULE_NAMES = (
    "vesting_years",
    "vest_every",
    "cliff_months",
    "months_between_vests",
    "stock_vested_at_cliff",
)
ASK_SOLVED_NAMES = ("year1_total_comp_at_ask", "walk_away_total_comp", "base_to_walk_away", "walk_away_gap")

_VALID = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,254}")


def rate_name(code: str) -> str:
    """The defined name of a currency's rate cell: rate_GBP."""
    return f"rate_{code}"


def define(workbook: Workbook, name: str, sheet_title: str, cell: str) -> str:
    """Point workbook-scope `name` at one absolute cell; returns the name for use in formulas."""
    if not _VALID.fullmatch(name) or re.fullmatch(r"[A-Za-z]{1,3}\d+", name):
        raise ValueError(f"{name!r} is not a valid defined name")  # a bug of ours, not input
    column, row = re.fullmatch(r"([A-Z]+)(\d+)", cell).groups()
    target = f"{quote_sheetname(sheet_title)}!${column}${row}"
    workbook.defined_names[name] = DefinedName(name, attr_text=target)
    return name


def check_all_defined(workbook: Workbook, currencies: list[str]) -> None:
    """Every name of the SPEC, and a rate name per currency, must exist before saving."""
    wanted = set(SPEC_NAMES + SCHEDULE_NAMES + ASK_SOLVED_NAMES) | {rate_name(code) for code in currencies}
    missing = wanted - set(workbook.defined_names)
    if missing:
        raise AssertionError(f"workbook lacks defined names: {sorted(missing)}")
