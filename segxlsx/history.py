"""An offer's rounds: each set of inputs it has had, in the order they came, with the day each was
first seen.

A negotiation is a sequence (a verbal number, a written offer, a counter, a revised offer), so
the output folder keeps, for each offer (its offer file and candidate), every set of inputs a
build found for it: from its offer file, or from its workbook edited by hand. A set that
differs from the round before starts a round; the same set again (a rebuild, a re-save) does
not, so a workbook rebuilt with nothing new keeps its bytes on any day. Going back to earlier
terms is a round of its own: the negotiation moved.

A round keeps what the Offer history sheet shows of it (the figures, the stage, the asks as they
stood), not the whole offer: the offer as it now stands is its file or its workbook.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from . import rules
from .figures import OfferFigures
from .model import STAGES, Guide, Offer
from .sources.offer_fields import as_compared
from .xlsx.memo import Memo

MAX_ROUNDS = 1_000  # more than any negotiation has: a record holding more is not ours


@dataclass(frozen=True)
class Round:
    """One round of an offer: its inputs as first seen on `day`, and what Offer history shows of them.

    Amounts are in the round's own currency (a region moved is a round too); `years` is what
    its grant vests over, which its annual total comp spreads the stock over.
    """

    day: str  # ISO date the round was first seen; "" when no folder recorded it
    inputs: str  # which set of inputs this is (`round_inputs`)
    currency: str
    years: int
    base: Decimal
    stock: Decimal
    bonus_pct: Decimal
    sign_on: Decimal  # the total over every year it is paid in
    stage: str
    expires: str  # ISO date, or ""
    ask_base: Decimal
    ask_stock: Decimal
    ask_bonus_pct: Decimal

    @classmethod
    def of(cls, offer: Offer, guide: Guide, figures: OfferFigures, day: str) -> Round:
        return cls(
            day,
            round_inputs(offer, guide),
            offer.currency,
            figures.vesting_years,
            offer.base,
            offer.stock,
            offer.bonus_pct,
            figures.offer_sign_on,
            offer.stage,
            offer.expires.isoformat() if offer.expires else "",
            figures.ask_base,
            figures.ask_stock,
            figures.ask_bonus_pct,
        )

    @property
    def total_comp(self) -> Decimal:
        return rules.annual_total_comp(self.base, self.stock, self.years, self.bonus_pct)

    @property
    def total_comp_at_asks(self) -> Decimal:
        return rules.annual_total_comp(self.ask_base, self.ask_stock, self.years, self.ask_bonus_pct)

    def as_json(self) -> dict[str, object]:
        """The round as the folder's manifest keeps it: amounts as text, so they come back exact."""
        return {
            f.name: str(value) if isinstance(value, Decimal) else value
            for f in fields(self)
            if (value := getattr(self, f.name)) != ""
        }

    @classmethod
    def from_json(cls, data: object) -> Round:
        """A round as the manifest kept it, each field checked (anyone may edit the file); a
        ValueError naming the field when it is not one."""
        if not isinstance(data, dict):
            raise ValueError("a round that is not a mapping of fields")
        unknown = set(data) - _FIELDS
        if unknown:
            raise ValueError(f"a round with a field segxlsx does not write: {sorted(unknown)[0]!r}")
        values = {name: _checked(name, data.get(name, "" if name in _OPTIONAL else None)) for name in _FIELDS}
        return cls(**values)


def round_inputs(offer: Offer, guide: Guide) -> str:
    """Which set of inputs an offer is, in a few bytes: the same for an offer read from its file
    and from its workbook exactly when the two differ in nothing (`offer_fields.as_compared`)."""
    # A build asks it of each offer while rendering its workbook and again for the workbook's
    # properties: the few offers last asked of are answered from here (with the same guide).
    found = _LAST_INPUTS.get(offer)
    if found is not None and found[0] is guide:
        return found[1]
    compared = as_compared(offer, {guide.id: guide})
    inputs = hashlib.sha256(repr(sorted(compared.items())).encode()).hexdigest()[:16]
    _LAST_INPUTS.keep(offer, (guide, inputs))
    return inputs


_LAST_INPUTS = Memo(16)  # offer → (its guide, its round inputs)


def is_new(rounds: Sequence[Round], inputs: str) -> bool:
    """Whether inputs `inputs` start a round: none yet, or other than the last one's."""
    return not rounds or rounds[-1].inputs != inputs


def with_round(rounds: Sequence[Round], latest: Round) -> tuple[Round, ...]:
    """The rounds once `latest` is seen: one more when it differs from the last, else as they
    were; the last `MAX_ROUNDS` of them, so the folder's records never hold more than they accept."""
    if not is_new(rounds, latest.inputs):
        return tuple(rounds)
    return (*rounds, latest)[-MAX_ROUNDS:]


def rounds_digest(rounds: Sequence[tuple[str, str]]) -> str:
    """Rounds, each as (its inputs, its day), in a few bytes: what a workbook's Offer history is
    made from, for its build fingerprint (`store.fingerprints`). A round's figures are set when
    it is first seen and never change after, so these two say which rounds it lists."""
    return hashlib.sha256(repr(list(rounds)).encode()).hexdigest()[:16]


def what_changed(before: Round | None, after: Round) -> str:
    """The change from the round before in a few words: "base +10,000; stage verbal → written".

    Amounts are compared only within one currency; a round whose shown figures are alike
    changed something else (a competing offer, the schedule, the notes): "other terms".
    """
    if before is None:
        return "first seen"
    if before.currency != after.currency:
        return f"now paid in {after.currency}"
    said = []
    for name, label in (("base", "base"), ("stock", "stock"), ("sign_on", "sign-on")):
        change = getattr(after, name) - getattr(before, name)
        if change:
            said.append(f"{label} {change:+,.0f}")
    if after.bonus_pct != before.bonus_pct:
        said.append(f"bonus {rules.short_percent(before.bonus_pct)} → {rules.short_percent(after.bonus_pct)}")
    if after.stage != before.stage:
        said.append(f"stage {before.stage} → {after.stage}")
    if after.expires != before.expires:
        said.append(f"expires {_day(after.expires)}" if after.expires else "no deadline now")
    return "; ".join(said) or "other terms"


def _day(iso: str) -> str:
    return rules.day_in_words(date.fromisoformat(iso), year=False)


# -- what a kept round's fields may hold ---------------------------------------------------------

_FIELDS = frozenset(f.name for f in fields(Round))
_OPTIONAL = ("day", "expires")
_AMOUNTS = ("base", "stock", "bonus_pct", "sign_on", "ask_base", "ask_stock", "ask_bonus_pct")


def _checked(name: str, value: Any) -> Any:
    if name in _AMOUNTS:
        return _amount(name, value)
    if name == "years":
        if is_whole(value, 1, 100):
            return value
    elif name == "stage":
        if value in STAGES:
            return value
    elif name in _OPTIONAL:
        if value == "" or is_day(value):
            return value
    elif name == "currency":
        if isinstance(value, str) and len(value) == 3 and value.isascii() and value.isupper():
            return value
    elif is_digest(value, longest=64):
        return value  # inputs: a digest
    raise ValueError(f"a round's {name} {str(value)[:40]!r} is not what segxlsx writes there")


def _amount(name: str, value: Any) -> Decimal:
    try:
        amount = Decimal(value) if isinstance(value, str) and len(value) <= 40 else None
    except ArithmeticError:
        amount = None
    if amount is None or not amount.is_finite():
        raise ValueError(f"a round's {name} {str(value)[:40]!r} is not an amount")
    return amount


def is_day(value: Any) -> bool:
    """A day as the folder's records write it: an ISO date, exactly."""
    try:
        return isinstance(value, str) and date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def is_whole(value: Any, low: int, high: int) -> bool:
    """A whole number as the folder's records write it (never a bool), from `low` to `high`."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def is_digest(value: Any, longest: int) -> bool:
    """A digest as the folder's records write it: lower-case hex, 1 to `longest` digits."""
    return (
        isinstance(value, str) and 0 < len(value) <= longest and all(c in "0123456789abcdef" for c in value)
    )


def rounds_from_json(data: object) -> tuple[Round, ...]:
    """The rounds a manifest entry keeps, checked; a ValueError when they are not rounds."""
    if not isinstance(data, list) or len(data) > MAX_ROUNDS:
        raise ValueError(f"rounds: not a list of at most {MAX_ROUNDS:,} rounds")
    return tuple(Round.from_json(item) for item in data)
