"""The `Rates` sheet: one editable rate per currency, and where every number came from."""

from __future__ import annotations

from .. import __version__
from ..figures import rate_name
from ..model import Guide
from ..sources.rates import RateTable
from ..xlsx import Workbook
from .names import define
from .paper import print_in_blocks, wrap_to_print_edge
from .styles import (
    DATE,
    LABEL,
    MUTED,
    RATE,
    SECTION,
    SUBTITLE,
    TITLE,
    WRAPPED,
    header_row,
    paper_for,
    put,
    put_input,
    put_text,
    widths,
)

FIRST_RATE_ROW = 5


def write_rates(
    workbook: Workbook, offer_currency: str, rates: dict[str, object], table: RateTable, guide: Guide
) -> None:
    """`rates` maps each currency used to its value in the offer's currency."""
    sheet = workbook["Rates"]
    put_text(sheet, "A1", "Exchange rates", TITLE)
    put_text(
        sheet,
        "A2",
        f"Value of one unit of each currency in {offer_currency}. Edit a rate and every converted figure follows.",
        SUBTITLE,
    )
    header_row(sheet, 4, ["Currency", f"Value of 1 unit in {offer_currency}", "Rate date", "Source"])
    row, notes = FIRST_RATE_ROW, []
    for code, value in rates.items():
        put_text(sheet, f"A{row}", code, LABEL)
        put_input(sheet, f"B{row}", value, RATE)
        define(workbook, rate_name(code), sheet.title, f"B{row}")
        put(sheet, f"C{row}", table.as_of, DATE)
        source = "fixed: the offer's own currency" if code == offer_currency else table.source
        put_text(sheet, f"D{row}", source, alignment=WRAPPED)  # its last line beside the rate
        notes.append((f"D{row}", source))
        row += 1
    notes += _sources(sheet, row + 1, table, guide)
    widths(sheet, {"A": 26, "B": 22, "C": 14, "D": 60})
    wrap_to_print_edge(sheet, notes)  # the print area ends at D: a long source is wrapped within it
    print_in_blocks(sheet, paper_for(offer_currency))


def _sources(sheet, row: int, table: RateTable, guide: Guide) -> list[tuple[str, str]]:
    """Where the numbers come from; returns the facts written in B, by cell."""
    put_text(sheet, f"A{row}", "Where the numbers come from", SECTION)
    facts = [
        ("Guide", guide.title),
        ("Guide id", guide.id),
        ("Rates", f"{table.source}, {table.as_of.isoformat()} (quoted against {table.base})"),
        ("Made by", f"segxlsx {__version__}"),
    ] + [("Guide source", source) for source in guide.sources]
    for offset, (label, text) in enumerate(facts, start=1):
        put_text(sheet, f"A{row + offset}", label, LABEL)
        put_text(sheet, f"B{row + offset}", text, alignment=WRAPPED)  # across C and D, wrapped
    put_text(
        sheet,
        f"A{row + len(facts) + 2}",
        "Money is computed exactly; rates are shown to six decimal places but stored in full.",
        MUTED,
    )
    return [(f"B{row + offset}", text) for offset, (_, text) in enumerate(facts, start=1)]
