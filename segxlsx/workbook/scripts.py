"""The `Scripts` sheet: what to say, with this candidate's numbers, and the guide's levers.

The candidate's scripts are formulas that spell out the asks ("£152K") from the Offer sheet,
so they follow any edit; the guide's own levers are shown as the guide wrote them.
"""

from __future__ import annotations

from openpyxl.workbook.workbook import Workbook

from ..model import Guide
from ..scripts import MONEY_FIELDS, PERCENT_FIELDS, Piece, Placeholder
from ..wording import OfferScripts
from . import formulas as f
from .offer import competing_total_cell
from .styles import (
    LABEL,
    SECTION,
    SUBTITLE,
    TITLE,
    WRAP,
    fit_rows,
    header_row,
    print_setup,
    put_formula,
    put_text,
    split_for_rows,
    widths,
)
from .text import MAX_FORMULA, excel_length

# Where the candidate's own scripts are; the tests read these cells back.
NEGOTIATE_UP_CELL, WALK_AWAY_CELL, FIRST_YEAR_CELL, COUNTER_CELL = "B5", "B6", "B7", "B8"
TEXT_WIDTH = 110  # column B, in characters


def write_scripts(
    workbook: Workbook,
    guide: Guide,
    candidate: str,
    currency: str,
    scripts: OfferScripts,
    texts: dict[str, str],
) -> None:
    """`texts` are the scripts as the model reads them (`OfferScripts.texts`): what each script's
    formula shows, and the text written instead of a formula too long for Excel."""
    sheet = workbook["Scripts"]
    put_text(sheet, "A1", f"Scripts for {candidate}", TITLE)
    put_text(
        sheet, "A2", f"Amounts are this offer's asks in {currency}; they follow the Offer sheet.", SUBTITLE
    )
    header_row(sheet, 4, ["Lever", "What to say"])
    _candidate_row(sheet, 5, "Negotiate up", scripts.negotiate_up, scripts, currency, texts["negotiate_up"])
    _choice_row(sheet, 6, "Walk-away", "walk_away_met", scripts.walk_away(True), scripts.walk_away(False),
                scripts, currency, texts["walk_away"])  # fmt: skip
    _choice_row(sheet, 7, "Close the first-year gap", "sign_on_to_ask>0", scripts.first_year(True),
                scripts.first_year(False), scripts, currency, texts["first_year"])  # fmt: skip
    row = 8
    if scripts.counter:
        _candidate_row(
            sheet, row, "Counter with competing offers", scripts.counter, scripts, currency, texts["counter"]
        )
        row += 1
    row = _guide_levers(sheet, guide, row + 1)
    sheet.freeze_panes = "A5"
    widths(sheet, {"A": 34, "B": TEXT_WIDTH})
    print_setup(sheet)


def _choice_row(sheet, row: int, label: str, condition: str, when_true: list[Piece], when_false: list[Piece],
                scripts: OfferScripts, currency: str, text: str) -> None:  # fmt: skip
    """A script that reads one way or the other, e.g. whether the offer meets the walk-away."""
    yes = pieces_expression(when_true, scripts.text, currency)
    no = pieces_expression(when_false, scripts.text, currency)
    put_text(sheet, f"A{row}", label, LABEL, alignment=WRAP)
    _script_cell(sheet, f"B{row}", f"=IF({condition},{yes},{no})", text)
    fit_rows(sheet, row, max(_approximate(when_true), _approximate(when_false), key=len), TEXT_WIDTH)


def _candidate_row(
    sheet, row: int, label: str, pieces: list[Piece], scripts: OfferScripts, currency: str, text: str
) -> None:
    put_text(sheet, f"A{row}", label, LABEL, alignment=WRAP)
    _script_cell(sheet, f"B{row}", "=" + pieces_expression(pieces, scripts.text, currency), text)
    fit_rows(sheet, row, _approximate(pieces), TEXT_WIDTH)


def _script_cell(sheet, ref: str, formula: str, text: str) -> None:
    """The live formula showing `text`, or `text` itself when Excel would refuse the formula.

    A very long guide script or a long list of competitors can pass Excel's limit; the text is
    then fixed rather than live, which beats a file Excel has to repair.
    """
    if excel_length(formula) <= MAX_FORMULA:
        put_formula(sheet, ref, formula, text, alignment=WRAP)
    else:
        put_text(sheet, ref, text, alignment=WRAP)


def _approximate(pieces: list[Piece]) -> str:
    """The text as long as it will about be once figures such as "£152K" are in."""
    return "".join(p if isinstance(p, str) else "£000,000" for p in pieces)


def pieces_expression(pieces: list[Piece], text: dict[str, str], currency: str) -> str:
    """A string expression for pieces of wording: literals joined with formatted figures."""
    parts = []
    for piece in pieces:
        if isinstance(piece, str):
            parts.append(f.literal(piece))
        else:
            parts.append(_placeholder(piece, text, currency))
    return "&".join(parts) or '""'


def _placeholder(piece: Placeholder, text: dict[str, str], currency: str) -> str:
    if piece.name == "total_comp":
        return f.money_text(competing_total_cell(piece.index), currency)
    if piece.name in MONEY_FIELDS:
        return f.money_text(piece.name, currency)
    if piece.name in PERCENT_FIELDS:
        return f.percent_text(piece.name)
    return f.literal(text[piece.name])


def _guide_levers(sheet, guide: Guide, top: int) -> int:
    put_text(sheet, f"A{top}", f"The guide's levers ({guide.company})", SECTION)
    entries = [(f"{lever.number}. {lever.name}", lever.script) for lever in guide.levers]
    entries += [(section.heading, "\n\n".join(section.paragraphs)) for section in guide.lever_sections]
    if guide.narrative:
        entries.append(("Negotiation DNA", "\n\n".join(guide.narrative)))
    strategy = guide.strategy
    entries.append(
        ("The guide's strategy, as written", f"{strategy.script} {strategy.walk_away_line}".strip())
    )
    row = top + 1
    for label, text in entries:
        # A section taller than Excel's tallest row reads on in the rows below it.
        for part, piece in enumerate(split_for_rows(text, TEXT_WIDTH)):
            put_text(sheet, f"A{row}", label if part == 0 else f"{label} (continued)", LABEL, alignment=WRAP)
            put_text(sheet, f"B{row}", piece, alignment=WRAP)
            fit_rows(sheet, row, piece, TEXT_WIDTH)
            row += 1
    return row
