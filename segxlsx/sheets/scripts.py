"""The `Scripts` sheet: what to say, with this candidate's numbers, what the coach should know, and
the guide's own levers.

Each line has the candidate's words ("What to say", safe to paste into an email) beside the
coach's note ("For you"). Both are formulas, so they follow any edit: the amounts they say sit
in a table below them, each a formula writing its figure the one way prose writes money
("$276K"), with the exact figure beside it.
"""

from __future__ import annotations

from decimal import Decimal

from .. import rules
from ..claims import CLAIM, FIGURE, PITCH, Sentence, read_sentences
from ..figures import OfferFigures
from ..model import Guide
from ..scripts import (
    COUNT_FIELDS,
    DATE_FIELDS,
    MONEY_FIELDS,
    PERCENT_FIELDS,
    PLACE_FIELDS,
    Choice,
    Piece,
    Placeholder,
    figure_text,
    place_source,
)
from ..wording import NOTHING_TO_SAY, OfferScripts, condition_formula
from ..xlsx import Workbook
from ..xlsx.text import MAX_FORMULA, excel_length, excel_literal
from . import formulas as f
from .offer import competing_input, competing_total_cell
from .paper import SMALLEST_TEXT, print_in_blocks, wrap_to_print_edge
from .styles import (
    COACH_NOTE,
    LABEL,
    MUTED,
    PERCENT,
    SECTION,
    SMALL_WIDTH,
    SUBTITLE,
    TITLE,
    WRAP,
    WRAPPED,
    fit_rows,
    fit_wrapped,
    header_row,
    money_format,
    paper_for,
    put_formula,
    put_text,
    split_for_rows,
    widths,
    wrapped_lines,
)

HEADER_ROW, FIRST_LINE_ROW = 4, 5
# Where the candidate's words and the coach's notes are; the tests read these columns.
SAY, NOTE = "B", "C"
LABEL_WIDTH, SAY_WIDTH, NOTE_WIDTH = 30, 70, 60  # columns A, B and C, in characters
GUIDE_TEXT_WIDTH = SAY_WIDTH + NOTE_WIDTH  # the guide's levers run across both

AMOUNT_LABELS = {
    "offer_base": "Offer: base",
    "offer_stock": "Offer: stock grant",
    "offer_stock_annual": "Offer: stock per year",
    "offer_bonus_pct": "Offer: target bonus",
    "offer_bonus": "Offer: bonus at target",
    "offer_sign_on": "Offer: sign-on (total)",
    "offer_total_comp": "Offer: annual total comp",
    "ask_base": "Ask: base",
    "ask_stock": "Ask: stock grant",
    "ask_bonus_pct": "Ask: target bonus",
    "walk_away_stock": "Walk-away stock grant",
    "walk_away_gap": "Stock short of the walk-away",
    "year1_total_comp": "Year one as offered",
    "avg_total_comp": "Average year",
    "year1_total_comp_at_ask": "Year one at the asks",
    "sign_on_to_ask": "Sign-on that closes the year-one gap",
    "grant_sign_on": "Sign-on for the grant's first year",
    "ask_floor": "Least raise worth asking (a year)",
    "target_place_base": "Guide's base target: where it sits",
    "target_place_stock": "Guide's stock target: where it sits",
    "walk_away_total_comp": "Total comp at the walk-away grant",
    "base_to_walk_away": "Base that reaches it with this grant",
}


def write_scripts(
    workbook: Workbook, guide: Guide, candidate: str, figures: OfferFigures, scripts: OfferScripts
) -> None:
    sheet = workbook["Scripts"]
    currency = figures.offer_currency
    put_text(sheet, "A1", f"Scripts for {candidate}", TITLE)
    subtitle = (
        f"What to say is in {candidate}'s words, with this offer's figures in {currency}; "
        "the notes beside it are for you. Both follow the Offer sheet."
    )
    put_text(sheet, "A2", subtitle, SUBTITLE, alignment=WRAP)
    header_row(sheet, HEADER_ROW, ["Lever", "What to say (safe to paste)", "For you (never to be said)"])
    texts = scripts.texts(figures, currency)
    amounts_top = FIRST_LINE_ROW + len(scripts.lines) + 1
    cells = _amounts(sheet, amounts_top, scripts, figures)
    for row, (line, (say, note)) in enumerate(zip(scripts.lines, texts, strict=True), start=FIRST_LINE_ROW):
        put_text(sheet, f"A{row}", line.lever, LABEL, alignment=WRAP)
        if line.say:
            _script_cell(sheet, f"{SAY}{row}", line.say, say, cells, scripts.text)
        else:
            put_text(sheet, f"{SAY}{row}", NOTHING_TO_SAY, alignment=WRAP)
        _script_cell(sheet, f"{NOTE}{row}", line.note, note, cells, scripts.text, font=COACH_NOTE)
        _fit(sheet, row, (say, SAY_WIDTH), (note, NOTE_WIDTH))
    companies = tuple(other.company for other in figures.competing)
    guide_top = amounts_top + len(cells) + 3
    guide_end = _guide_levers(sheet, guide, companies, guide_top)
    sheet.freeze(f"A{FIRST_LINE_ROW}")
    widths(sheet, {"A": LABEL_WIDTH, SAY: SAY_WIDTH, NOTE: NOTE_WIDTH})
    wrap_to_print_edge(sheet, [("A2", subtitle)])  # a long name would run it off the page
    wrap_to_print_edge(sheet, [(f"A{guide_top + 1}", GUIDE_WORDS)], SMALL_WIDTH)
    # No print titles: "What to say (safe to paste)" heads the candidate's lines alone. The
    # guide's own words start a page of their own and read on, row by row, over as many as
    # they need (their heading and note with the first).
    print_in_blocks(
        sheet,
        paper_for(currency),
        smallest=SMALLEST_TEXT,  # read at length: hardly smaller to save a page
        flowing=(guide_top + 2, guide_end - 1),
        new_page_at=[guide_top],
    )


GUIDE_WORDS = (
    "The guide author's words, not this candidate's script. On the left, what a candidate may "
    "borrow of each lever; on the right, for you, what they may not: claims of offers the "
    "guide's author held, and the guide's own figures."
)


def _fit(sheet, row: int, *texts: tuple[str, int]) -> None:
    """Size a row for the tallest of its wrapped texts."""
    tallest = max(texts, key=lambda pair: wrapped_lines(*pair))
    fit_rows(sheet, row, *tallest)


def _script_cell(sheet, ref: str, pieces: list[Piece], shows: str, cells, text, font=None) -> None:
    """The live formula showing `shows`, or `shows` itself when Excel would refuse the formula.

    A very long guide pitch or a long list of competitors can pass Excel's limit; the text is
    then fixed rather than live, which beats a file Excel has to repair.
    """
    formula = "=" + pieces_expression(pieces, cells, text)
    if excel_length(formula) <= MAX_FORMULA:
        put_formula(sheet, ref, formula, shows, font=font, alignment=WRAP)
    else:
        put_text(sheet, ref, shows, font, alignment=WRAP)


def pieces_expression(pieces: list[Piece], cells: dict[str, str], text: dict[str, str]) -> str:
    """A string expression for pieces of wording: literals, the amounts' cells, choices as IF."""
    parts = []
    for piece in pieces:
        if isinstance(piece, str):
            parts.append(excel_literal(piece))
        elif isinstance(piece, Choice):
            yes = pieces_expression(list(piece.yes), cells, text)
            no = pieces_expression(list(piece.no), cells, text)
            condition = condition_formula(piece.condition, competing_total_cell, _competing_expires)
            parts.append(f"IF({condition},{yes},{no})")
        elif piece.name in COUNT_FIELDS:
            parts.append(piece.name)  # a number joined into text reads as itself: "4"
        elif piece.name in DATE_FIELDS:  # a day in words, from its cell on the Offer sheet
            parts.append(rules.day_in_words.formula(piece.name, year=False))
        elif piece.key in cells:
            parts.append(cells[piece.key])
        else:
            parts.append(excel_literal(text[piece.name]))
    return "&".join(parts) or '""'


def _competing_expires(index: int) -> str:
    return competing_input(index, "expires")


def _amounts(sheet, top: int, scripts: OfferScripts, figures: OfferFigures) -> dict[str, str]:
    """The table of every amount the scripts say: as said, and exact. Returns key → its cell."""
    currency = figures.offer_currency
    put_text(sheet, f"A{top}", "The amounts above, as the scripts say them", SECTION)
    header_row(sheet, top + 1, ["Figure", "As said (nearest thousand)", "Exact"])
    values = figures.named()
    companies = [other.company for other in figures.competing]
    cells = {}
    used = [p for p in scripts.amounts() if p.name in (*MONEY_FIELDS, *PERCENT_FIELDS, *PLACE_FIELDS)]
    for row, placeholder in enumerate(sorted(used, key=_amount_order), start=top + 2):
        source, value, label = _amount_source(placeholder, values, figures, companies)
        # A long company's name wraps, never running into its figure.
        put_text(sheet, f"A{row}", label, alignment=WRAPPED)
        fit_wrapped(sheet, row, label, LABEL_WIDTH)
        as_percent = placeholder.name in PERCENT_FIELDS or placeholder.name in PLACE_FIELDS
        number_format = PERCENT if as_percent else money_format(currency)
        said = figure_text(placeholder.name, value, currency)
        if placeholder.name in PLACE_FIELDS:
            put_formula(sheet, f"{SAY}{row}", "=" + rules.band_place.formula(source), said)
        elif placeholder.name in PERCENT_FIELDS:
            put_formula(sheet, f"{SAY}{row}", "=" + rules.short_percent.formula(source), said)
        else:
            put_formula(sheet, f"{SAY}{row}", "=" + rules.short_money.formula(source, currency), said)
        put_formula(sheet, f"{NOTE}{row}", f.reference(source), value, number_format)
        cells[placeholder.key] = f"${SAY}${row}"
    return cells


def _amount_order(placeholder: Placeholder) -> tuple[int, int]:
    order = (*MONEY_FIELDS, *PERCENT_FIELDS, *PLACE_FIELDS)
    return order.index(placeholder.name), placeholder.index or 0


def _amount_source(
    placeholder: Placeholder, values: dict[str, object], figures: OfferFigures, companies: list[str]
) -> tuple[str, Decimal, str]:
    """Where the workbook finds an amount, its value in the model, and its label."""
    if placeholder.name == "total_comp":
        index = placeholder.index
        total = figures.competing[index].total_comp_in_offer_currency
        return competing_total_cell(index), total, f"{companies[index]}: annual total comp"
    if placeholder.name in PLACE_FIELDS:  # said in words, from the penetration it names
        source = place_source(placeholder.name)
        return source, values[source], AMOUNT_LABELS[placeholder.name]
    return placeholder.name, values[placeholder.name], AMOUNT_LABELS[placeholder.name]


def _guide_levers(sheet, guide: Guide, companies: tuple[str, ...], top: int) -> int:
    """The guide's own words, labelled as the guide's, in the sheet's two voices: on the left
    what a candidate may borrow of each lever (its sentences that claim nothing, `claims`), on
    the right, for the coach, what they may not (competing claims, true of the guide's author;
    the guide's own figures) and the guide's background prose."""
    put_text(sheet, f"A{top}", f"The guide's levers, as {guide.company}'s guide wrote them", SECTION)
    put_text(sheet, f"A{top + 1}", GUIDE_WORDS, MUTED, alignment=WRAP)
    read = read_sentences(guide, companies)
    entries = [
        (f"{lever.number}. {lever.name}", _borrowed(said), _held_back(said, companies))
        for lever, said in zip(guide.levers, read.levers, strict=True)
    ]
    entries += [(section.heading, "", "\n\n".join(section.paragraphs)) for section in guide.lever_sections]
    if guide.narrative:
        entries.append(("Negotiation DNA", "", "\n\n".join(guide.narrative)))
    strategy = guide.strategy
    entries.append(
        (
            "The guide's strategy, as written",
            "",
            f"{strategy.script} {strategy.walk_away_line}".strip()
            + "\n\nIts ask is on Negotiate up with this offer's figures, with the pitch a candidate may "
            "say; its walk-away is on the walk-away line.",
        )
    )
    row = top + 2
    for label, say, note in entries:
        # A text taller than Excel's tallest row reads on in the rows below it.
        says = split_for_rows(say, SAY_WIDTH) if say else [""]
        notes = split_for_rows(note, NOTE_WIDTH) if note else [""]
        for part in range(max(len(says), len(notes))):
            put_text(sheet, f"A{row}", label if part == 0 else f"{label} (continued)", LABEL, alignment=WRAP)
            said = says[part] if part < len(says) else ""
            noted = notes[part] if part < len(notes) else ""
            if said:
                put_text(sheet, f"{SAY}{row}", said, alignment=WRAP)
            if noted:
                put_text(sheet, f"{NOTE}{row}", noted, COACH_NOTE, alignment=WRAP)
            _fit(sheet, row, (said, SAY_WIDTH), (noted, NOTE_WIDTH))
            row += 1
    return row


def _borrowed(said: tuple[Sentence, ...]) -> str:
    """A lever's sentences a candidate may say as written; "—" when it has none."""
    return " ".join(sentence.text for sentence in said if sentence.kind == PITCH) or NOTHING_TO_SAY


def _held_back(said: tuple[Sentence, ...], companies: tuple[str, ...]) -> str:
    """For the coach: each sentence of a lever a candidate may not say, and why."""
    notes = []
    for sentence in said:
        if sentence.kind == CLAIM:
            notes.append(f'Not for the candidate: "{sentence.text}" (a competing claim: {sentence.why}).')
        elif sentence.kind == FIGURE:
            notes.append(
                f'Not for the candidate: "{sentence.text}" (the guide\'s own figure: {sentence.why}).'
            )
    if any(sentence.kind == CLAIM for sentence in said):
        notes.append(
            "Their own competing offers are on the counter line above."
            if companies
            else "This candidate lists no competing offers."
        )
    return " ".join(notes)
