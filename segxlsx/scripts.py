"""Negotiation scripts: a strategy's targets and walk-away, and wording with placeholders and choices.

The importer reads a guide's targets out of its prose ("I'd like $195K in Twilio RSUs … with a
$198K base and 12% bonus target"). The same finder tells `claims` which of the strategy's
sentences are its ask, so each candidate's script asks in its own words for what this offer
still lacks; what the other sentences claim is `claims`' to judge. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .errors import InvalidValue
from .money import ISO_CURRENCIES, SYMBOL_PATTERN, Money, parse_amount
from .rules import band_place, day_in_words, short_money, short_percent

_SYMBOL_PREFIX = rf"(?:{SYMBOL_PATTERN}|(?-i:\b[A-Z]{{3}}) ?)"  # "$", "CA$", "CHF "…
_AMOUNT_IN_PROSE = rf"{_SYMBOL_PREFIX}\d[\d,]*(?:\.\d+)?"
MONEY_IN_PROSE = re.compile(rf"{_AMOUNT_IN_PROSE}(?: ?[KkMm]\b)?")  # an amount a script may ask for
# Any amount a guide states, market sizes too ("$15B", "$2bn"): what makes a sentence a figure.
STATED_MONEY = re.compile(rf"{_AMOUNT_IN_PROSE}(?: ?[KkMmBb]n?\b)?")
_M = MONEY_IN_PROSE.pattern
_PERCENT = r"\d+(?:\.\d+)?\s*%"
_WORDS = r"(?:\s+[\w/&'’.-]+){0,5}?"  # up to five words between an amount and what it is
_STOCK_WORDS = r"(?:RSUs?|stock|equity|shares|grant)\b"

# Each target: the phrasings that name it; the amount is the group "m" or "m2".
_TARGET_PATTERNS = {
    "base": rf"(?P<m>{_M})\s+(?:annual\s+)?base\b|\bbase(?:\s+salary)?\s+of\s+(?P<m2>{_M})",
    "stock": rf"(?P<m>{_M}){_WORDS}\s+{_STOCK_WORDS}|{_STOCK_WORDS}{_WORDS}\s+of\s+(?P<m2>{_M})",
    "bonus_pct": rf"(?P<m>{_PERCENT}){_WORDS}\s+bonus|bonus(?:\s+target)?\s+of\s+(?P<m2>{_PERCENT})",
}
_EXAMPLES = {"base": "'$198K base'", "stock": "'$195K in RSUs'", "bonus_pct": "'12% bonus target'"}
_WALK_AWAY = re.compile(
    rf"(?:accept|walk[- ]away|minimum|at least|no less than|floor)[^.]*?(?P<m>{_M})", re.I
)


@dataclass(frozen=True)
class Found:
    """A target found in prose: where its amount is written, and its value."""

    start: int
    end: int
    value: Money | Decimal  # Money for amounts, a fraction for the bonus


@dataclass(frozen=True)
class Placeholder:
    """A slot in a script for a figure of the candidate's, e.g. "ask_base".

    `index` picks one competing offer for the figures that have one per competitor.
    """

    name: str
    index: int | None = None

    @property
    def key(self) -> str:
        return self.name if self.index is None else f"{self.name}[{self.index}]"


@dataclass(frozen=True)
class Choice:
    """Wording that reads one way or the other on a condition of the offer's figures.

    The workbook writes it as IF(condition, yes, no), so a script follows an edit that, say,
    lifts the base to the ask; `render` takes the same branch from the model's figures.
    """

    condition: str  # a name of `CONDITIONS`
    yes: tuple[Piece, ...]
    no: tuple[Piece, ...] = ()


Piece = str | Placeholder | Choice

# The conditions scripts may turn on, each a rule over figures written once for the model
# (`wording.conditions`) and once for the workbook (`workbook.formulas.condition`).
CONDITIONS = (
    "raise_stock",
    "raise_base",
    "raise_bonus_pct",
    "any_raise",
    "walk_away_met",
    "sign_on_needed",  # any year-one gap at the asks
    "sign_on_offered",
    "grant_raised",  # a raise in the grant is asked, so a sign-on may stand in for its first year
    "grant_sign_on_worth",  # that sign-on is worth asking for (at least the floor)
    "all_sign_on_worth",  # the sign-on closing the whole year-one gap is
    *(f"kept_{component}" for component in ("base", "stock", "bonus", "sign_on")),
    *(f"focus_{component}" for component in ("base", "stock", "bonus", "sign_on")),
    "open",  # the offer is still open (verbal or written): a settled one has nothing left to ask
    "has_deadline",  # a decision is due: a deadline is set and the offer is open
    "own_deadline_first",  # this offer's own deadline is the first (on a tie, it is)
)


def pays_more(index: int) -> str:
    """The condition that competing offer `index` pays more a year than this offer."""
    return f"pays_more[{index}]"


def any_pays_more(count: int) -> str:
    """The condition that any of the first `count` competing offers pays more a year."""
    return f"any_pays_more[{count}]"


def expires_first(index: int) -> str:
    """The condition that competing offer `index`'s deadline is the first (after this offer's
    own and any listed before it, on a tie)."""
    return f"expires_first[{index}]"


def strategy_targets(script: str) -> dict[str, Found]:
    """Find the target base, stock and bonus % in a negotiate-up script."""
    found = {}
    for target, pattern in _TARGET_PATTERNS.items():
        found[target] = _first(pattern, script, target)
    return found


def _first(pattern: str, text: str, target: str) -> Found:
    for match in re.finditer(pattern, text, re.I):
        group = "m" if match["m"] else "m2"
        written = match[group]
        if target == "bonus_pct":
            return Found(match.start(group), match.end(group), Decimal(written.rstrip("% ")) / 100)
        if _names_a_currency(written):
            return Found(match.start(group), match.end(group), _money(written))
    raise InvalidValue(
        f"cannot find the target {target.replace('_pct', '')} in the strategy script (expected e.g. {_EXAMPLES[target]})",
        field="strategy",
    )


def walk_away(text: str) -> Found:
    """The walk-away in "Accept if above $180K RSUs", "walk away below …", "minimum …"."""
    match = _WALK_AWAY.search(text)
    if not match:
        raise InvalidValue(
            "cannot find the walk-away (expected e.g. 'Accept if above $180K RSUs.' after the script)",
            field="strategy",
        )
    return Found(match.start("m"), match.end("m"), _money(match["m"]))


# How a guide's walk-away line reads: "Accept if above $180K RSUs" names the grant above which
# the guide would accept; "Walk away below A$200K", "minimum …", "don't accept below …" the
# least it would accept. The coach's note keeps the guide's meaning.
ACCEPT_ABOVE, WALK_AWAY_BELOW = "accept above", "walk away below"


def walk_away_sense(line: str) -> str:
    """Whether the guide's walk-away line says when to accept, or when to walk away."""
    if re.search(r"\b(?:don['’]?t|do\s+not|never|not|won['’]?t)\s+accept", line, re.I):
        return WALK_AWAY_BELOW
    if re.search(r"\baccept\w*\b", line, re.I) and re.search(
        r"\b(?:above|over|more\s+than|beyond|exceeds?|exceeding)\b", line, re.I
    ):
        return ACCEPT_ABOVE
    return WALK_AWAY_BELOW


def listed(items: list[list[Piece]]) -> list[Piece]:
    """Items joined as people write them: "A", "A and B", "A, B and C"."""
    out: list[Piece] = []
    for position, item in enumerate(items):
        if position:
            out.append(" and " if position == len(items) - 1 else ", ")
        out += item
    return out


_FIELD = re.compile(r"\{(\w*)\}")


def template_pieces(text: str, known: frozenset[str] | set[str]) -> list[Piece]:
    """Parse wording such as "Your grant of {offer_stock} …"; an unknown {name} is an error, and
    so is any other brace ("{ asks }", "{asks!r}", an unclosed "{asks"): it would otherwise be
    said to the candidate word for word."""
    pieces: list[Piece] = []
    position = 0
    for match in _FIELD.finditer(text):
        _no_stray_brace(text[position : match.start()])
        if match[1] not in known:
            raise InvalidValue(f"unknown placeholder {{{match[1]}}}; known: {', '.join(sorted(known))}")
        pieces += [text[position : match.start()], Placeholder(match[1])]
        position = match.end()
    _no_stray_brace(text[position:])
    pieces.append(text[position:])
    return [p for p in pieces if p != ""]


def _no_stray_brace(words: str) -> None:
    brace = min((at for at in (words.find("{"), words.find("}")) if at >= 0), default=-1)
    if brace >= 0:
        around = words[max(0, brace - 20) : brace + 20]
        raise InvalidValue(
            f"a brace that is not a placeholder, in {around!r}: a placeholder is a known name in "
            "braces, such as {ask_base}, and wording holds no other braces"
        )


def _names_a_currency(text: str) -> bool:
    code = re.match(r"[A-Z]{3}", text)
    return code is None or code[0] in ISO_CURRENCIES


def _money(text: str) -> Money:
    value = parse_amount(text.replace(" K", "K").replace(" M", "M"))
    if not isinstance(value, Money):
        raise InvalidValue(f"{text!r} does not say its currency")
    return value


# -- what a placeholder stands for -------------------------------------------------------------

MONEY_FIELDS = (  # in the order the Scripts sheet lists the amounts it says
    "offer_base",
    "offer_stock",
    "offer_stock_annual",
    "offer_bonus",
    "offer_sign_on",
    "offer_total_comp",
    "ask_base",
    "ask_stock",
    "walk_away_stock",
    "walk_away_gap",
    "year1_total_comp",
    "avg_total_comp",
    "year1_total_comp_at_ask",
    "sign_on_to_ask",
    "grant_sign_on",
    "ask_floor",
    "walk_away_total_comp",
    "base_to_walk_away",
    "total_comp",  # a competing offer's, in competitor.txt
)
PERCENT_FIELDS = ("offer_bonus_pct", "ask_bonus_pct")
# Where a guide's target sits in its band, said in words with its percent (`rules.band_place`);
# each is the place of a figure named the same without "place" (target_place_base: target_pen_base).
PLACE_FIELDS = ("target_place_base", "target_place_stock")
# Days, said in words without the year ("Thursday 10 December", `rules.day_in_words`); nothing
# when none is set.
DATE_FIELDS = ("decision_due", "answer_by")
COUNT_FIELDS = ("vesting_years",)
TEXT_FIELDS = (
    "company",
    "parent_company",
    "role",
    "region",
    "reference_region",
    "offer_currency",
    "guide_walk_away_line",
    "asks",  # the list the ask template names, filled by wording.py
    "held",  # the same for what is kept as offered
    "competing_offers",  # "an offer from A", "offers from A and B"
    "competitors",  # the counter lever's list: "a competing offer from A at $300K a year"
    "component",  # in kept_note.txt: "the base", "the grant"…
    "competitor",  # in deadline_note_competing.txt: the competing company whose deadline is first
)
KNOWN_FIELDS = frozenset(
    MONEY_FIELDS + PERCENT_FIELDS + PLACE_FIELDS + DATE_FIELDS + COUNT_FIELDS + TEXT_FIELDS
)


def place_source(name: str) -> str:
    """The figure a place field says in words: target_place_base → target_pen_base."""
    return name.replace("_place_", "_pen_")


def figure_text(name: str, value: object, currency: str) -> str:
    """A figure as the scripts say it: money rounded (`short_money`), percents, counts, text."""
    if name in MONEY_FIELDS:
        return short_money(value, currency)
    if name in PERCENT_FIELDS:
        return short_percent(value)
    if name in PLACE_FIELDS:
        return band_place(value)
    if name in DATE_FIELDS:
        return day_in_words(value, year=False)  # type: ignore[arg-type]
    return str(value)


def render(pieces: list[Piece], currency: str, values: dict[str, object], conditions: dict[str, bool]) -> str:
    """The text a script's formula shows, computed in Python from the model."""
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
        elif isinstance(piece, Choice):
            branch = piece.yes if conditions[piece.condition] else piece.no
            out.append(render(list(branch), currency, values, conditions))
        else:
            out.append(figure_text(piece.name, values[piece.key], currency))
    return "".join(out)


def placeholders(pieces: list[Piece]) -> list[Placeholder]:
    """Every placeholder in `pieces`, both branches of each choice included, in order."""
    found: list[Placeholder] = []
    for piece in pieces:
        if isinstance(piece, Placeholder):
            found.append(piece)
        elif isinstance(piece, Choice):
            found += placeholders([*piece.yes, *piece.no])
    return found


def filled(pieces: list[Piece], **fills: list[Piece]) -> list[Piece]:
    """`pieces` with the named placeholders replaced by the given pieces (lists, names…)."""
    out: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, Placeholder) and piece.name in fills:
            out += fills[piece.name]
        else:
            out.append(piece)
    return out


def for_competitor(pieces: list[Piece], index: int, company: str) -> list[Piece]:
    """A competitor's template with its company written in and its figures indexed."""
    out: list[Piece] = []
    for piece in filled(pieces, company=[company]):
        out.append(Placeholder(piece.name, index) if isinstance(piece, Placeholder) else piece)
    return out
