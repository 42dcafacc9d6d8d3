"""Negotiation scripts: where a strategy names its targets, and wording with placeholders.

The importer reads a guide's targets out of its prose ("I'd like $195K in Twilio RSUs … with a
$198K base and 12% bonus target"); the Scripts sheet rewrites the same prose with a candidate's
asks. Both use `strategy_targets`, so the amounts the workbook replaces are exactly the amounts
the importer read. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .errors import InvalidValue
from .money import ISO_CURRENCIES, SYMBOL_PATTERN, Money, parse_amount, short_money

_SYMBOL_PREFIX = rf"(?:{SYMBOL_PATTERN}|(?-i:\b[A-Z]{{3}}) ?)"  # "$", "CA$", "CHF "…
MONEY_IN_PROSE = re.compile(rf"{_SYMBOL_PREFIX}\d[\d,]*(?:\.\d+)?(?: ?[KkMm]\b)?")
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


Piece = str | Placeholder


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


def with_placeholders(text: str, slots: dict[str, Found]) -> list[Piece]:
    """`text` cut into literal pieces and placeholders where the found amounts were written."""
    pieces: list[Piece] = []
    position = 0
    for name, found in sorted(slots.items(), key=lambda item: item[1].start):
        pieces += [text[position : found.start], Placeholder(name)]
        position = found.end
    pieces.append(text[position:])
    return [p for p in pieces if p != ""]


def negotiate_up_pieces(script: str) -> list[Piece]:
    """The guide's script with its targets replaced by the candidate's asks."""
    targets = strategy_targets(script)
    return with_placeholders(script, {f"ask_{name}": found for name, found in targets.items()})


def walk_away_pieces(line: str) -> list[Piece]:
    """The guide's walk-away line with its amount replaced by the candidate's walk-away."""
    try:
        return with_placeholders(line, {"walk_away_stock": walk_away(line)})
    except InvalidValue:
        return [line] if line else []


_FIELD = re.compile(r"\{(\w*)\}")


def template_pieces(text: str, known: frozenset[str] | set[str]) -> list[Piece]:
    """Parse wording such as "Your grant of {offer_stock} …"; an unknown {name} is an error."""
    pieces: list[Piece] = []
    position = 0
    for match in _FIELD.finditer(text):
        if match[1] not in known:
            raise InvalidValue(f"unknown placeholder {{{match[1]}}}; known: {', '.join(sorted(known))}")
        pieces += [text[position : match.start()], Placeholder(match[1])]
        position = match.end()
    pieces.append(text[position:])
    return [p for p in pieces if p != ""]


def _names_a_currency(text: str) -> bool:
    code = re.match(r"[A-Z]{3}", text)
    return code is None or code[0] in ISO_CURRENCIES


def _money(text: str) -> Money:
    value = parse_amount(text.replace(" K", "K").replace(" M", "M"))
    if not isinstance(value, Money):
        raise InvalidValue(f"{text!r} does not say its currency")
    return value


# -- what a placeholder stands for -------------------------------------------------------------

MONEY_FIELDS = frozenset(
    {
        "offer_base",
        "offer_stock",
        "offer_stock_annual",
        "offer_bonus",
        "offer_sign_on",
        "offer_total_comp",
        "ask_base",
        "ask_stock",
        "walk_away_stock",
        "year1_total_comp",
        "avg_total_comp",
        "year1_total_comp_at_ask",
        "sign_on_to_ask",
        "walk_away_total_comp",
        "base_to_walk_away",
        "total_comp",  # a competing offer's, in competitor.txt
    }
)
PERCENT_FIELDS = frozenset({"offer_bonus_pct", "ask_bonus_pct"})
TEXT_FIELDS = frozenset({"company", "parent_company", "role", "region", "competitors"})
KNOWN_FIELDS = MONEY_FIELDS | PERCENT_FIELDS | TEXT_FIELDS


def short_percent(fraction: Decimal) -> str:
    """ "12%" or "12.5%": what the workbook's ROUND(x*100,2)&"%" gives."""
    percent = (fraction * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    return f"{percent:f}%"


def render(pieces: list[Piece], currency: str, values: dict[str, object]) -> str:
    """The text a script's formula shows, computed in Python (what the tests compare with)."""
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
        elif piece.name in MONEY_FIELDS:
            out.append(short_money(values[piece.key], currency))
        elif piece.name in PERCENT_FIELDS:
            out.append(short_percent(values[piece.key]))
        else:
            out.append(str(values[piece.key]))
    return "".join(out)


def with_competitors(counter: list[Piece], competitor: list[Piece], companies: list[str]) -> list[Piece]:
    """The counter lever with {competitors} spelled out: "A at $X a year, B at … and C at …"."""
    items = [_one_competitor(competitor, index, company) for index, company in enumerate(companies)]
    listed: list[Piece] = []
    for position, item in enumerate(items):
        if position:
            listed.append(" and " if position == len(items) - 1 else ", ")
        listed += item
    out: list[Piece] = []
    for piece in counter:
        out += listed if isinstance(piece, Placeholder) and piece.name == "competitors" else [piece]
    return out


def _one_competitor(template: list[Piece], index: int, company: str) -> list[Piece]:
    out: list[Piece] = []
    for piece in template:
        if isinstance(piece, Placeholder) and piece.name == "company":
            out.append(company)
        elif isinstance(piece, Placeholder) and piece.name == "total_comp":
            out.append(Placeholder("total_comp", index))
        else:
            out.append(piece)
    return out
