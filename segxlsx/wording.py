"""The script wording users may edit, read from `templates/`, and each offer's scripts built from it.

Each file is short text with `{placeholders}`; an unknown placeholder is an error naming the
file, found when the wording is loaded, before any workbook is written.

A script line has two voices. "What to say" is the candidate's, safe to paste into an email: it
claims only what the offer file says (the competing offers it lists) and never asks for less
than is offered. "For you" is the coach's: thresholds, the walk-away, where the numbers come
from; never to be said.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .claims import strategy_parts
from .errors import SegxlsxError, display_path, located
from .figures import OfferFigures
from .model import PAY_COMPONENTS, Guide, Offer
from .rules import kept, leader, open_stage
from .scripts import (
    ACCEPT_ABOVE,
    KNOWN_FIELDS,
    PLACE_FIELDS,
    Choice,
    Piece,
    Placeholder,
    any_pays_more,
    expires_first,
    filled,
    for_competitor,
    listed,
    pays_more,
    place_source,
    placeholders,
    render,
    template_pieces,
    walk_away_sense,
)
from .sources.files import check_text, read_text
from .sources.shipped import shipped_folder

# The wording shipped with segxlsx: inside the installed package, or the repository's templates/.
DEFAULT_FOLDER = shipped_folder("templates")
TEMPLATE_NAMES = (
    # What the candidate says.
    "ask",
    "ask_stock",
    "ask_base",
    "ask_bonus_pct",
    "hold",
    "hold_stock",
    "hold_base",
    "hold_bonus_pct",
    "focus_stock",
    "focus_base",
    "focus_bonus",
    "all_met",
    "competing_claim",
    "counter",
    "counter_ahead",
    "competitor",
    "first_year",
    "first_year_additional",
    "first_year_all",
    "first_year_all_additional",
    "deadline",
    "deadline_competing",
    # For the coach.
    "asks_note",
    "asks_note_same_band",
    "kept_note",
    "walk_away_met",
    "walk_away_missed",
    "accept_above_met",
    "accept_above_missed",
    "first_year_gap",
    "first_year_gap_all",
    "first_year_small",
    "first_year_small_all",
    "first_year_no_vesting",
    "first_year_no_grant",
    "first_year_met",
    "first_year_met_additional",
    "first_year_kept",
    "base_to_walk_away",
    "counter_note",
    "deadline_note",
    "deadline_note_competing",
    "settled_note",
)
# Components in the order a guide's ask names them: the grant first, as the seed does.
COMPONENTS = ("stock", "base", "bonus_pct")
# Each as an offer's `keep` and `focus` name it (`model.PAY_COMPONENTS`), and as a note says it.
KEEP_NAME = {"stock": "stock", "base": "base", "bonus_pct": "bonus"}
SAID_AS = {"stock": "the grant", "base": "the base", "bonus": "the bonus target", "sign_on": "the sign-on"}
# What a script line shows when the candidate has nothing to say on it.
NOTHING_TO_SAY = "—"


class TemplateError(SegxlsxError):
    """Script wording that cannot be used."""


@dataclass(frozen=True)
class Wording:
    """Every template, as pieces of text and placeholders, by name."""

    pieces: dict[str, list[Piece]]
    # Templates the folder lacks, taken from the wording shipped with segxlsx: a folder made by an
    # earlier version has none of the lines added since, and its builds must not stop for that.
    shipped: tuple[str, ...] = field(
        default=(), repr=False
    )  # the bytes are the pieces': not in a fingerprint
    # Templates emptied: what they would say is left out of every script, which may be meant
    # (a note the coach does not want) or not (an ask lost), so it is said.
    empty: tuple[str, ...] = field(default=(), repr=False)

    @property
    def notes(self) -> tuple[str, ...]:
        notes = []
        if self.shipped:
            names = ", ".join(f"{name}.txt" for name in self.shipped)
            notes.append(
                f"templates: {names} not in your folder; the wording shipped with segxlsx is used "
                "(copy it from a new `segxlsx init` folder to edit it)"
            )
        if self.empty:
            names = ", ".join(f"{name}.txt" for name in self.empty)
            notes.append(f"templates: {names} empty; what each would say is left out of every script")
        return tuple(notes)

    def __getitem__(self, name: str) -> list[Piece]:
        return self.pieces[name]


def load_wording(folder: Path | None = None) -> Wording:
    """Read every template of `folder` (default: the wording shipped with segxlsx)."""
    folder = folder or DEFAULT_FOLDER
    pieces, shipped, empty = {}, [], []
    for name in TEMPLATE_NAMES:
        path = folder / f"{name}.txt"
        if not path.exists() and not path.is_symlink() and folder.is_dir():
            path = DEFAULT_FOLDER / path.name
            shipped.append(name)
        try:
            text = check_text(read_text(path))  # wording goes into every workbook's Scripts sheet
            pieces[name] = template_pieces(" ".join(text.split()), KNOWN_FIELDS)
        except SegxlsxError:
            # Named only when refused: resolving ~40 paths cost a build ~10 ms of its start-up.
            with located(TemplateError, file=display_path(path)):
                raise
        if not pieces[name]:
            empty.append(name)
    return Wording(pieces, tuple(shipped) if folder != DEFAULT_FOLDER else (), tuple(empty))


@dataclass(frozen=True)
class ScriptLine:
    """One row of the Scripts sheet: a lever, the candidate's words, the coach's note."""

    lever: str
    say: list[Piece]  # empty: nothing for the candidate to say on this lever
    note: list[Piece]


@dataclass(frozen=True)
class OfferScripts:
    """The scripts of one offer's workbook, as pieces of text, placeholders and choices."""

    lines: list[ScriptLine]
    text: dict[str, str] = field(default_factory=dict)  # what the text placeholders stand for
    open: bool = True  # the offer's stage is open (`rules.open_stage`), as its file gives it

    def amounts(self) -> list[Placeholder]:
        """Every figure the lines say, once each, in order of first use."""
        seen: dict[str, Placeholder] = {}
        for line in self.lines:
            for found in placeholders(line.say + line.note):
                if found.name not in self.text:
                    seen.setdefault(found.key, found)
        return list(seen.values())

    def texts(self, figures: OfferFigures, currency: str) -> list[tuple[str, str]]:
        """What each line says and notes, computed in Python from the figures."""
        values = figures.named() | self.text
        values |= {
            f"total_comp[{i}]": c.total_comp_in_offer_currency for i, c in enumerate(figures.competing)
        }
        values |= {name: values[place_source(name)] for name in PLACE_FIELDS}
        when = conditions(figures, self.open)
        return [
            (
                render(line.say, currency, values, when) if line.say else NOTHING_TO_SAY,
                render(line.note, currency, values, when),
            )
            for line in self.lines
        ]


def conditions(figures: OfferFigures, is_open: bool = True) -> dict[str, bool]:
    """The model's side of each condition a script turns on (`scripts.CONDITIONS`); `is_open`:
    whether the offer's stage is open (`rules.open_stage`)."""
    raises = {f"raise_{c}": figures.asks[c].raise_needed for c in COMPONENTS}
    ahead = {
        pays_more(i): leader(figures.offer_total_comp - other.total_comp_in_offer_currency) < 0
        for i, other in enumerate(figures.competing)
    }
    ahead[any_pays_more(len(figures.competing))] = any(ahead.values())
    named = {f"kept_{c}": kept(c, figures.keep) for c in PAY_COMPONENTS}
    named |= {f"focus_{c}": kept(c, (figures.focus,) if figures.focus else ()) for c in PAY_COMPONENTS}
    due, (own, *competing) = figures.decision_due, figures.deadlines
    first = {expires_first(i): due is not None and day == due for i, day in enumerate(competing)}
    return (
        raises
        | ahead
        | named
        | first
        | {
            "any_raise": any(raises.values()),
            "walk_away_met": figures.walk_away_met,
            "sign_on_needed": figures.sign_on_to_ask > 0,
            "sign_on_offered": figures.offer_sign_on > 0,
            "grant_raised": figures.grant_sign_on > 0,
            "grant_sign_on_worth": figures.grant_sign_on >= figures.ask_floor,
            "all_sign_on_worth": figures.sign_on_to_ask >= figures.ask_floor,
            "open": is_open,
            "has_deadline": due is not None,
            "own_deadline_first": due is not None and own == due,
        }
    )


# Each condition above as its cell's formula does it (`sheets.scripts`): the same rule in Excel.
_CONDITION_FORMULAS = {
    "raise_stock": "ask_stock>offer_stock",
    "raise_base": "ask_base>offer_base",
    "raise_bonus_pct": "ask_bonus_pct>offer_bonus_pct",
    "any_raise": "OR(ask_stock>offer_stock,ask_base>offer_base,ask_bonus_pct>offer_bonus_pct)",
    "walk_away_met": "walk_away_met",
    "sign_on_needed": "sign_on_to_ask>0",
    "sign_on_offered": "offer_sign_on>0",
    "grant_raised": "grant_sign_on>0",
    "grant_sign_on_worth": "grant_sign_on>=ask_floor",
    "all_sign_on_worth": "sign_on_to_ask>=ask_floor",
    "open": open_stage.formula("offer_stage"),  # type: ignore[attr-defined]
    "has_deadline": "ISNUMBER(decision_due)",
    "own_deadline_first": "AND(ISNUMBER(offer_expires),offer_expires=decision_due)",
    **{f"kept_{c}": kept.formula(c, "offer_keep") for c in PAY_COMPONENTS},  # type: ignore[attr-defined]
    **{f"focus_{c}": kept.formula(c, "offer_focus") for c in PAY_COMPONENTS},  # type: ignore[attr-defined]
}


def condition_formula(
    name: str, competing_total: Callable[[int], str], competing_expires: Callable[[int], str]
) -> str:
    """A condition of `conditions` as an Excel expression; `competing_total(i)` is the cell of
    competing offer i's annual total comp in the offer's currency, `competing_expires(i)` the
    cell of its deadline."""
    indexed = re.fullmatch(r"(pays_more|any_pays_more|expires_first)\[(\d+)\]", name)
    if indexed and indexed[1] == "pays_more":  # to the cent, as `rules.leader` judges who is ahead
        return f"ROUND({competing_total(int(indexed[2]))}-offer_total_comp,2)>0"
    if indexed and indexed[1] == "any_pays_more":
        each = [
            condition_formula(pays_more(i), competing_total, competing_expires)
            for i in range(int(indexed[2]))
        ]
        return f"OR({','.join(each)})" if each else "FALSE"
    if indexed:
        cell = competing_expires(int(indexed[2]))
        return f"AND(ISNUMBER({cell}),{cell}=decision_due)"
    return _CONDITION_FORMULAS[name]


def offer_scripts(offer: Offer, guide: Guide, wording: Wording) -> OfferScripts:
    strategy = guide.strategy
    accept_above = walk_away_sense(strategy.walk_away_line) == ACCEPT_ABOVE
    met, missed = (
        ("accept_above_met", "accept_above_missed") if accept_above else ("walk_away_met", "walk_away_missed")
    )
    same_band = guide.band(offer.region).region == guide.reference_band.region
    lines = [
        ScriptLine(
            "Negotiate up",
            _negotiate_up(offer, guide, wording),
            wording["asks_note_same_band" if same_band else "asks_note"]
            + _kept_notes(wording)
            + _deadline_note(offer, wording),
        ),
        ScriptLine(
            "Walk-away (never say it)",
            [],
            [Choice("walk_away_met", tuple(wording[met]), tuple(wording[missed]))],
        ),
        ScriptLine("Close the first-year gap", [_first_year_say(wording)], _first_year_note(wording)),
    ]
    if offer.competing:
        # An offer paying less than this one is weak leverage: it is named, never its figure.
        competitors = [
            [Choice(pays_more(i), tuple(for_competitor(wording["competitor"], i, c.company)), (c.company,))]
            for i, c in enumerate(offer.competing)
        ]
        lead = "a competing offer from " if len(competitors) == 1 else "competing offers from "
        held = [lead, *listed(competitors)]
        # "The package needs to be competitive" only while an offer held pays more than this one.
        counter = Choice(
            any_pays_more(len(competitors)),
            tuple(filled(wording["counter"], competitors=held)),
            tuple(filled(wording["counter_ahead"], competitors=held)),
        )
        lines.append(ScriptLine("Counter with competing offers", [counter], wording["counter_note"]))
    return OfferScripts(
        [
            _while_open(line, wording["settled_note"] if number == 0 else [])
            for number, line in enumerate(lines)
        ],
        text={
            "company": guide.company,
            "parent_company": guide.parent_company,
            "role": guide.role,
            "region": offer.region,
            "reference_region": strategy.reference_region,
            "offer_currency": offer.currency,
            "guide_walk_away_line": strategy.walk_away_line,
        },
        open=open_stage(offer.stage),
    )


def _while_open(line: ScriptLine, settled: list[Piece]) -> ScriptLine:
    """A line as said while the offer is open. Once it is settled (accepted, declined,
    withdrawn) the candidate says nothing on it, and the coach's note begins with `settled`
    (the first line's says why). The stage is an input cell: the lines follow it when it is
    changed in the workbook."""
    say = [Choice("open", tuple(line.say), (NOTHING_TO_SAY,))] if line.say else []
    note = [Choice("open", (), (*settled, " ")), *line.note] if settled else line.note
    return ScriptLine(line.lever, say, note)


def _negotiate_up(offer: Offer, guide: Guide, wording: Wording) -> list[Piece]:
    """The ask (or, with every target met, thanks and what is left), where the candidate wants
    the argument, the guide's pitch, the offers held.

    Which components still need raising is a condition, so the sentence follows an edit; the
    guide's own sentences are only those that claim nothing (`claims`): its competing claims
    are replaced by one naming exactly the offers in the offer file, and left out without.
    """
    companies = tuple(other.company for other in offer.competing)
    parts = strategy_parts(guide, also=companies)
    pieces: list[Piece] = list(_ask_or_thanks(wording, COMPONENTS, ()))
    # Where the candidate wants the argument: said while that component and another are being
    # raised ("Of these, the grant matters most to me"); with one ask alone it goes without saying.
    for component in COMPONENTS:
        focus = KEEP_NAME[component]
        said = (" ", *wording[f"focus_{focus}"])
        first, second = (other for other in COMPONENTS if other != component)
        with_another = Choice(f"raise_{first}", said, (Choice(f"raise_{second}", said),))
        pieces.append(Choice(f"focus_{focus}", (Choice(f"raise_{component}", (with_another,)),)))
    # The guide's pitch, while something is asked: a sentence arguing for the grant (or the base,
    # the bonus) only while that is being raised, never beside "I'm happy with it as offered".
    for sentence, components in parts.pitch:
        said: Piece = Choice("any_raise", (" ", sentence))
        for component in reversed(components):
            said = Choice(
                f"raise_{component}", (" ", sentence), (said,) if said.condition != "any_raise" else ()
            )
        pieces.append(said)
    if offer.competing:
        held = ["an offer from "] if len(companies) == 1 else ["offers from "]
        claim = filled(wording["competing_claim"], competing_offers=held + listed([[c] for c in companies]))
        pieces.append(Choice("any_raise", (" ", *claim)))
    # Answer in time: a day to settle by, before the first deadline (this offer's own, or a
    # competing one's, said as "another offer" only when the offer file lists one).
    ask = Choice("own_deadline_first", tuple(wording["deadline"]), tuple(wording["deadline_competing"]))
    if not offer.competing:
        ask = Choice("own_deadline_first", tuple(wording["deadline"]))
    pieces.append(Choice("has_deadline", (" ", ask)))
    return pieces


def _deadline_note(offer: Offer, wording: Wording) -> list[Piece]:
    """For the coach: which deadline bites first, this offer's or a competing one's, and the day
    the candidate asks to settle by; nothing when no decision is due."""
    whose: Piece = ""  # never shown: a deadline is first, or none is due
    for index in reversed(range(len(offer.competing))):
        whose = Choice(expires_first(index), (offer.competing[index].company,), (whose,))
    competing = filled(wording["deadline_note_competing"], competitor=[whose])
    first = Choice("own_deadline_first", tuple(wording["deadline_note"]), tuple(competing))
    if not offer.competing:
        first = Choice("own_deadline_first", tuple(wording["deadline_note"]))
    return [Choice("has_deadline", (" ", first))]


def _kept_notes(wording: Wording) -> list[Piece]:
    """For the coach: each component the candidate keeps as offered, while it is kept."""
    return [
        Choice(f"kept_{component}", (" ", *filled(wording["kept_note"], component=[said])))
        for component, said in SAID_AS.items()
    ]


def _first_year_say(wording: Wording) -> Choice:
    """The sign-on line: for the grant's first year if the grant can't move, or (the candidate's
    focus being the sign-on) for the whole year-one gap; "additional" when one is offered; none
    when the sign-on is kept or the amount is under the floor."""

    def either(name: str) -> Choice:
        return Choice("sign_on_offered", tuple(wording[f"{name}_additional"]), tuple(wording[name]))

    grant = Choice("grant_sign_on_worth", (either("first_year"),), (NOTHING_TO_SAY,))
    whole = Choice("all_sign_on_worth", (either("first_year_all"),), (NOTHING_TO_SAY,))
    return Choice("kept_sign_on", (NOTHING_TO_SAY,), (Choice("focus_sign_on", (whole,), (grant,)),))


def _first_year_note(wording: Wording) -> list[Piece]:
    """For the coach: what the sign-on line asks for and why, or why it asks for none."""
    met = Choice(
        "sign_on_offered", tuple(wording["first_year_met_additional"]), tuple(wording["first_year_met"])
    )
    # Why no sign-on stands in for the grant: its share is too small, none of it vests in year
    # one, or no raise in the grant is asked for at all.
    no_share = Choice(
        "raise_stock", tuple(wording["first_year_no_vesting"]), tuple(wording["first_year_no_grant"])
    )
    for_grant = Choice(
        "grant_sign_on_worth",
        tuple(wording["first_year_gap"]),
        (Choice("grant_raised", tuple(wording["first_year_small"]), (no_share,)),),
    )
    for_all = Choice(
        "all_sign_on_worth", tuple(wording["first_year_gap_all"]), tuple(wording["first_year_small_all"])
    )
    gap = Choice("focus_sign_on", (for_all,), (for_grant,))
    note = Choice(
        "kept_sign_on", tuple(wording["first_year_kept"]), (Choice("sign_on_needed", (gap,), (met,)),)
    )
    return [note, Choice("walk_away_met", (), (" ", *wording["base_to_walk_away"]))]


def _ask_or_thanks(
    wording: Wording, undecided: tuple[str, ...], raised: tuple[str, ...]
) -> tuple[Piece, ...]:
    """A choice on each component in turn (raise it or not), then the sentences for that case.

    Asks name only what needs raising, in the guide's order, and say what is kept as offered;
    with nothing to raise the candidate thanks and names what is left to settle.
    """
    if undecided:
        first, rest = undecided[0], undecided[1:]
        yes = _ask_or_thanks(wording, rest, (*raised, first))
        return (Choice(f"raise_{first}", yes, _ask_or_thanks(wording, rest, raised)),)
    if not raised:
        return tuple(wording["all_met"])
    held = [c for c in COMPONENTS if c not in raised]
    asks = filled(wording["ask"], asks=listed([wording[f"ask_{c}"] for c in raised]))
    if held:
        asks += [" ", *filled(wording["hold"], held=listed([wording[f"hold_{c}"] for c in held]))]
    return tuple(asks)
