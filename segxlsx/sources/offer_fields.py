"""An offer's fields, declared once: `OFFER` and `COMPETING`, one `Field` per row.

Each field says what it is called in an offer file, how a person reads it, what kind of value
it holds, where its input cell is in a workbook (a defined name), and whether the summary shows
it. Everything that handles offers works from these tables: the loaders (`offers.py`: YAML,
JSON, CSV and .xlsx), `validate`, `export`, the Offer sheet's inputs, the read-back of a
workbook's cells (`workbooks.py`), the list of what a hand edit changed, the summary's columns
and the intake sheet's header. A new field is one row here, the model's attribute it fills, and
nothing else, unless its kind is new.

A `Kind` is how a field's value is read (from a file's text, number or list, or from a cell),
checked, written back as an offer file says it, and shown in a sentence. Reading goes field by
field in the table's order, each kind taking what the fields before it settled (`Reading`: the
guide, then the region's band, then the currency the amounts are in).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..errors import InvalidValue, Location, OfferError, located
from ..model import (
    DEFAULT_CLIFF_MONTHS,
    DEFAULT_STAGE,
    PAY_COMPONENTS,
    STAGES,
    Band,
    CompetingOffer,
    Guide,
    Offer,
    Vesting,
    check_components,
    check_day,
    check_sign_on_years,
    schedule_of,
    unknown_choice,
)
from ..money import check_currency, parse_amount, parse_percent, tidy
from ..text import code_point
from ..xlsx.text import MAX_CELL_TEXT, excel_length
from .files import check_text, load_yaml, shorten

MAX_NAME_CHARS = 200  # a name, region or company; anything longer is a pasting accident
MAX_AMOUNT_CHARS = 40  # "CHF 1,250,000.00" is 16; longer text is not an amount
_PERCENT_NUMBER = re.compile(r"^\s*(?P<number>-?\d+(?:\.\d+)?)\s*%?\s*$")  # 25, "25", "25%", "-5"
# Vesting schedules known by name; `even` spreads the grant over the band's vesting years.
VESTING_PRESETS: dict[str, tuple[int, ...] | None] = {
    "even": None,
    "5/15/40/40": (5, 15, 40, 40),  # back-loaded, as Amazon grants vest
    "10/20/30/40": (10, 20, 30, 40),
}


@dataclass
class Reading:
    """What reading one offer has settled so far, in the table's order, for the fields after."""

    guides: Mapping[str, Guide]
    guide: Guide | None = None
    band: Band | None = None
    currency: str | None = None  # the offer's: a competing offer's amounts default to it
    for_competing: bool = False


class Kind:
    """How one kind of value is read, written back and shown; subclasses say how."""

    hint = ""  # what to type, in a few words, where a sheet offers the kind's choices

    def parse(self, value: Any, name: str, reading: Reading) -> Any:
        """The model's value from what a file (or a cell read back) gives; None is "not given"."""
        raise NotImplementedError

    def plain(self, value: Any) -> Any:
        """The model's value as an offer file writes it (YAML, JSON, and one CSV or sheet cell)."""
        return value

    def shown(self, value: Any) -> str:
        """The value in a sentence: "base 185,000 in offers/bay-area.yaml, 190,000 in the workbook"."""
        return repr(value) if isinstance(value, str) else str(value)

    def choices(self, guides: Mapping[str, Guide]) -> list[str] | None:
        """The values an intake sheet offers in a drop-down, if the kind has a fixed few."""
        return None

    def to_json(self, value: Any) -> Any:
        """The value as the folder's records keep it (JSON), read back exactly by `from_json`."""
        return value

    def from_json(self, value: Any) -> Any:
        """A value the folder's records kept; a ValueError or TypeError when it cannot be one."""
        if not isinstance(value, str):
            raise TypeError(f"expected text, got {type(value).__name__}")
        return value


class Name(Kind):
    """One line of text (a candidate, a company): no control characters at all."""

    def parse(self, value: Any, name: str, reading: Reading) -> str:
        text = _text(value, name, MAX_NAME_CHARS).strip()
        if _control_characters(text):
            raise InvalidValue(
                f"contains a control character ({code_point(_control_characters(text)[0])})", field=name
            )
        return text


class Notes(Kind):
    """Free text over several lines; tabs and line breaks are fine, other control characters not."""

    def parse(self, value: Any, name: str, reading: Reading) -> str:
        text = _text(value, name, MAX_CELL_TEXT).strip()  # Excel's limit for one cell
        bad = [c for c in _control_characters(text) if c not in "\t\n\r"]
        if bad:
            raise InvalidValue(f"contains a control character ({code_point(bad[0])})", field=name)
        return text


class GuideChoice(Kind):
    """The guide an offer is read against, by id; with a single guide loaded it need not be named."""

    hint = "the guide's id (its file name)"

    def parse(self, value: Any, name: str, reading: Reading) -> str:
        given, guides = Name().parse(value, name, reading), reading.guides
        reading.guide = _guide(given, guides, name)
        return reading.guide.id

    def choices(self, guides: Mapping[str, Guide]) -> list[str]:
        return sorted(guides)


class RegionChoice(Kind):
    """A region of the guide, matched case-insensitively, kept as the band spells it."""

    hint = "a region of the guide"

    def parse(self, value: Any, name: str, reading: Reading) -> str:
        region = Name().parse(value, name, reading)
        assert reading.guide is not None  # the guide is read first
        with located(field=name):
            reading.band = reading.guide.band(region)
        return reading.band.region

    def choices(self, guides: Mapping[str, Guide]) -> list[str]:
        return sorted({band.region for guide in guides.values() for band in guide.bands})


class Currency(Kind):
    """An ISO code; not given, the band's (an offer) or the offer's (a competing offer)."""

    hint = "empty for the band's own currency"

    def parse(self, value: Any, name: str, reading: Reading) -> str:
        code = Name().parse(value, name, reading).upper()
        if code:
            currency = check_currency(code, field=name)
        elif reading.for_competing:
            assert reading.currency is not None
            currency = reading.currency
        else:
            assert reading.band is not None  # the region is read first
            currency = reading.band.currency
        reading.currency = currency
        return currency

    def choices(self, guides: Mapping[str, Guide]) -> list[str]:
        return sorted({band.currency for guide in guides.values() for band in guide.bands})


class Money(Kind):
    """An amount in the currency read before it: 125000, "125,000", "£125K"."""

    def parse(self, value: Any, name: str, reading: Reading) -> Decimal:
        if value is None:
            return Decimal(0)
        assert reading.currency is not None
        with located(field=name):
            return _amount(value, reading.currency)

    def plain(self, value: Decimal) -> int | Decimal:
        return _number(value)

    def shown(self, value: Decimal) -> str:
        return f"{value:,}"

    def to_json(self, value: Decimal) -> str:
        return str(value)

    def from_json(self, value: Any) -> Decimal:
        return Decimal(value) if isinstance(value, str) else Decimal(str(float(value)))


class Percent(Kind):
    """A target bonus as a fraction of base, written "12%" or 0.12."""

    def parse(self, value: Any, name: str, reading: Reading) -> Decimal:
        with located(field=name):
            if isinstance(value, str) and value.strip().endswith("%"):
                return parse_percent(value)
            number = _plain_number(value)
            if number is None or number < 0:
                raise InvalidValue(f'expected a percentage such as "12%" or 0.12, got {kind_of(value)}')
            if number > 1:
                # 12 almost always means 12%, but guessing would turn a typo of 0.12 into 1200%.
                raise InvalidValue(
                    f'{number} is more than 100% of base; write a {number}% bonus as "{number}%" or {number / 100}'
                )
            return number

    def plain(self, value: Decimal) -> str:
        """ "15%": the form every offer format reads the same way."""
        return f"{(value * 100).normalize():f}%"

    def shown(self, value: Decimal) -> str:
        return f"{tidy(value * 100):f}%"

    to_json = Money.to_json
    from_json = Money.from_json


class AmountsByYear(Kind):
    """Money paid in year 1, 2, …: one amount (paid in year 1) or a list of them."""

    def parse(self, value: Any, name: str, reading: Reading) -> tuple[Decimal, ...]:
        if isinstance(value, str) and value.strip().startswith("["):  # a CSV cell: "[20000, 10000]"
            value = _cell_structure(value, name)
        if value is None:
            return ()
        if not isinstance(value, list):
            return (Money().parse(value, name, reading),)
        currency = reading.currency
        assert currency is not None
        return _each(value, name, lambda item: _amount(item, currency))

    def plain(self, value: tuple[Decimal, ...]) -> int | Decimal | list[int | Decimal] | None:
        value = without_zero_tail(value)
        if not value:
            return None
        return _number(value[0]) if len(value) == 1 else [_number(amount) for amount in value]

    def shown(self, value: tuple[Decimal, ...]) -> str:
        return "/".join(f"{amount:,}" for amount in without_zero_tail(value)) or "none"


class Schedule(Kind):
    """Percents of the grant per year: a list (`[5, 15, 40, 40]`, "25%" items too), a preset name
    (`even`), or the same with slashes (`5/15/40/40`); not given, even over the band's years."""

    def parse(self, value: Any, name: str, reading: Reading) -> tuple[Decimal, ...]:
        assert reading.band is not None
        band_years = reading.band.vesting_years
        if value is None:
            return Vesting.even(band_years).percents
        if isinstance(value, str) and value.strip().startswith("["):
            value = _cell_structure(value, name)
        if isinstance(value, str):
            return _vesting_preset(value.strip(), band_years, name)
        if not isinstance(value, list):
            raise InvalidValue(
                f"expected percents per year such as [25, 25, 25, 25] or a preset such as even, got {kind_of(value)}",
                field=name,
            )
        return _each(value, name, _percent)

    def plain(self, value: tuple[Decimal, ...]) -> str:
        return "/".join(format(_number(percent), "") for percent in value)

    def shown(self, value: tuple[Decimal, ...]) -> str:
        return "/".join(f"{_close(percent):,}" for percent in value)


class Months(Kind):
    """A whole number of months, 0 or more: 12 or "12"; not given, 12."""

    def parse(self, value: Any, name: str, reading: Reading) -> int:
        if value is None:
            return DEFAULT_CLIFF_MONTHS
        number = _plain_number(value) if not isinstance(value, bool) else None
        if number is None or number != number.to_integral_value() or number < 0:
            raise InvalidValue(f"expected a whole number, 0 or more, got {kind_of(value)}", field=name)
        return int(number)


class Frequency(Kind):
    """How often a grant vests: monthly, quarterly or yearly (the model checks the word)."""

    def parse(self, value: Any, name: str, reading: Reading) -> str:
        return Name().parse(value, name, reading).casefold() or "yearly"


class OneOf(Kind):
    """One word of a few (an offer's stage), in any case; not given, `default`."""

    def __init__(self, words: tuple[str, ...], default: str, what: str) -> None:
        self.words, self.default, self.what = words, default, what
        self.hint = f"{', '.join(words[:-1])} or {words[-1]}"

    def parse(self, value: Any, name: str, reading: Reading) -> str:
        word = Name().parse(value, name, reading).casefold() or self.default
        if word not in self.words:
            raise InvalidValue(unknown_choice(self.what, shorten(word, 40), self.words), field=name)
        return word

    def choices(self, guides: Mapping[str, Guide]) -> list[str]:
        return list(self.words)


class Day(Kind):
    """A date: `2026-12-12` in a file; a date cell of a sheet (intake or workbook) reads as one."""

    def parse(self, value: Any, name: str, reading: Reading) -> date | None:
        if value is None:
            return None
        if isinstance(value, datetime):  # a date cell, as openpyxl reads it
            value = value.date()
        if isinstance(value, str) and len(value) <= MAX_AMOUNT_CHARS:
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                pass
        if not isinstance(value, date):
            raise InvalidValue(f"expected a date such as 2026-12-12, got {kind_of(value)}", field=name)
        return check_day(value, field=name)

    def plain(self, value: date | None) -> str | None:
        return value.isoformat() if value else None

    def shown(self, value: date) -> str:
        return value.isoformat()

    def to_json(self, value: date) -> str:
        return value.isoformat()

    def from_json(self, value: Any) -> date:
        return date.fromisoformat(value)


class Components(Kind):
    """Parts of the package, each one of `model.PAY_COMPONENTS`: a list (`[base, bonus]`) or
    text listing them ("base, bonus", "base and sign-on"), as a file or a workbook cell gives
    them. `sign-on` and `sign on` are `sign_on`. Not given: none."""

    hint = "e.g. base, bonus"

    def parse(self, value: Any, name: str, reading: Reading) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str) and value.strip().startswith("["):
            value = _cell_structure(value, name)
        if isinstance(value, str):
            value = [part for part in re.split(r"\s*(?:,|;|\band\b)\s*", value.strip()) if part]
        if not isinstance(value, list):
            raise InvalidValue(
                f"expected components such as [base, bonus] (of {', '.join(PAY_COMPONENTS)}), got {kind_of(value)}",
                field=name,
            )
        names = []
        for number, item in enumerate(value, start=1):
            with located(field=name if len(value) == 1 else f"{name}[{number}]"):
                names.append(_component(item))
        return check_components(tuple(names), field=name)

    def plain(self, value: tuple[str, ...]) -> str | None:
        """ "base, bonus": one text every format (and a workbook cell) reads back the same."""
        return ", ".join(value) or None

    def shown(self, value: tuple[str, ...]) -> str:
        return ", ".join(value) or "none"

    def to_json(self, value: tuple[str, ...]) -> list[str]:
        return list(value)

    def from_json(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise TypeError("expected a list of components")
        return tuple(value)


class Component(Kind):
    """One part of the package, as `Components` reads each; not given: none."""

    hint = "e.g. stock"

    def parse(self, value: Any, name: str, reading: Reading) -> str | None:
        parts = Components().parse(value, name, reading)
        if len(parts) > 1:
            raise InvalidValue(f"expected one component, got {len(parts)}: {', '.join(parts)}", field=name)
        return parts[0] if parts else None

    def shown(self, value: str | None) -> str:
        return value or "none"

    def choices(self, guides: Mapping[str, Guide]) -> list[str]:
        return list(PAY_COMPONENTS)

    def from_json(self, value: Any) -> str | None:
        if value is not None and not isinstance(value, str):
            raise TypeError(f"expected text, got {type(value).__name__}")
        return value


def _component(item: Any) -> str:
    """One component as people write it: "Base", "sign-on", "sign on", "sign_on"."""
    if not isinstance(item, str) or len(item) > MAX_NAME_CHARS:
        raise InvalidValue(f"expected one of {', '.join(PAY_COMPONENTS)}, got {kind_of(item)}")
    word = re.sub(r"[\s-]+", "_", item.strip().casefold())
    if word == "signon":
        word = "sign_on"
    if word not in PAY_COMPONENTS:
        raise InvalidValue(unknown_choice("component", shorten(item.strip(), 40), PAY_COMPONENTS))
    return word


class Competing(Kind):
    """Competing offers: a list of mappings, each read by `COMPETING`; a CSV or sheet cell holds
    the same list in YAML or JSON flow form, e.g. `[{company: Snowflake, base: $215K, stock:
    $240K, bonus: 15%}]`. One mapping alone is taken as a list of one."""

    def parse(self, value: Any, name: str, reading: Reading) -> tuple[CompetingOffer, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = _cell_structure(value, name)
        if isinstance(value, dict):  # one competing offer written without the list around it
            value = [value]
        if not isinstance(value, list):
            raise InvalidValue(
                f"expected a list of competing offers (company, base, stock, bonus), got {kind_of(value)}",
                field=name,
            )
        return _each(value, name, lambda item: read_competing(item, reading))

    def plain(self, value: tuple[CompetingOffer, ...]) -> None:
        raise TypeError("competing offers are written field by field: see `plain_fields`")


@dataclass(frozen=True)
class Field:
    """One field of an offer (or of a competing offer)."""

    name: str  # as an offer file writes it, and the intake sheet's column
    label: str  # as a person reads it beside its input cell
    kind: Kind
    # The field's value as the model holds it, as it applies (a schedule not given is the
    # guide's even years): what a workbook shows, an export writes and a difference compares.
    value_of: Callable[[Any, Band], Any]
    required: bool = False
    default: Callable[[Band], Any] | None = None  # what a file that leaves it out gets; None: always written
    # The defined name of its input cell (one cell, or a range for values by year); for a
    # competing offer's field, the part after "competing_<n>_".
    cell: str | None = None
    summary: str | None = None  # its column's header in the summary, if it has one
    # The model's attribute it fills: "" for its own name, None for a part of the schedule
    # (vesting, cliff_months and vest_every make one `Vesting`).
    attribute: str | None = ""

    @property
    def model_attribute(self) -> str | None:
        return self.name if self.attribute == "" else self.attribute


OFFER: tuple[Field, ...] = (
    Field("candidate", "Candidate", Name(), lambda o, b: o.candidate, True, cell="offer_candidate", summary="Candidate"),
    Field("guide", "Guide", GuideChoice(), lambda o, b: o.guide_id, cell="offer_guide", summary="Guide",
          attribute="guide_id"),
    Field("region", "Region", RegionChoice(), lambda o, b: o.region, True, cell="offer_region", summary="Region"),
    Field("currency", "Currency", Currency(), lambda o, b: o.currency, cell="offer_currency", summary="Currency"),
    Field("base", "Base salary", Money(), lambda o, b: o.base, True, cell="offer_base", summary="Base"),
    Field("stock", "Stock grant (whole grant)", Money(), lambda o, b: o.stock, True, cell="offer_stock",
          summary="Stock"),
    Field("bonus", "Target bonus", Percent(), lambda o, b: o.bonus_pct, True, cell="offer_bonus_pct",
          summary="Bonus %", attribute="bonus_pct"),
    Field("sign_on", "Sign-on bonus", AmountsByYear(), lambda o, b: o.sign_on, default=lambda b: (),
          cell="offer_sign_on_by_year"),
    Field("vesting", "Vesting % of grant", Schedule(), lambda o, b: schedule_of(o, b.vesting_years).percents,
          default=lambda b: Vesting.even(b.vesting_years).percents, cell="offer_vesting", attribute=None),
    Field("cliff_months", "Cliff (months)", Months(), lambda o, b: schedule_of(o, b.vesting_years).cliff_months,
          default=lambda b: DEFAULT_CLIFF_MONTHS, cell="cliff_months", attribute=None),
    Field("vest_every", "Vests every", Frequency(), lambda o, b: schedule_of(o, b.vesting_years).every,
          default=lambda b: "yearly", cell="vest_every", attribute=None),
    Field("competing", "Competing offers", Competing(), lambda o, b: o.competing, default=lambda b: ()),
    Field("stage", "Stage", OneOf(STAGES, DEFAULT_STAGE, "stage"), lambda o, b: o.stage,
          default=lambda b: DEFAULT_STAGE, cell="offer_stage", summary="Stage"),
    Field("expires", "Offer expires", Day(), lambda o, b: o.expires, default=lambda b: None, cell="offer_expires",
          summary="Expires"),
    Field("keep", "Keep as offered", Components(), lambda o, b: o.keep, default=lambda b: (), cell="offer_keep"),
    Field("focus", "Argue for most", Component(), lambda o, b: o.focus, default=lambda b: None, cell="offer_focus"),
    Field("notes", "Notes", Notes(), lambda o, b: o.notes, default=lambda b: "", cell="offer_notes"),
)  # fmt: skip
COMPETING: tuple[Field, ...] = (
    Field("company", "Company", Name(), lambda c, b: c.company, True, cell="company"),
    Field("currency", "Currency", Currency(), lambda c, b: c.currency, cell="currency"),
    Field("base", "Base", Money(), lambda c, b: c.base, True, cell="base"),
    Field("stock", "Stock grant", Money(), lambda c, b: c.stock, True, cell="stock"),
    Field("bonus", "Target bonus", Percent(), lambda c, b: c.bonus_pct, True, cell="bonus_pct",
          attribute="bonus_pct"),
    Field("sign_on", "Sign-on bonus", AmountsByYear(), lambda c, b: c.sign_on, default=lambda b: (),
          cell="sign_on_by_year"),
    Field("vesting", "Vesting % of grant", Schedule(), lambda c, b: schedule_of(c, b.vesting_years).percents,
          default=lambda b: Vesting.even(b.vesting_years).percents, cell="vesting", attribute=None),
    Field("cliff_months", "Cliff (months)", Months(), lambda c, b: schedule_of(c, b.vesting_years).cliff_months,
          default=lambda b: DEFAULT_CLIFF_MONTHS, cell="cliff_months", attribute=None),
    Field("vest_every", "Vests every", Frequency(), lambda c, b: schedule_of(c, b.vesting_years).every,
          default=lambda b: "yearly", cell="vest_every", attribute=None),
    Field("expires", "Expires", Day(), lambda c, b: c.expires, default=lambda b: None, cell="expires"),
)  # fmt: skip
# How a grant vests; an offer and a competing offer state it the same way.
SCHEDULE_FIELDS = ("vesting", "cliff_months", "vest_every")
FIELDS = tuple(f.name for f in OFFER)
COMPETING_FIELDS = tuple(f.name for f in COMPETING)
SUMMARY_FIELDS = tuple(f for f in OFFER if f.summary)


def field_named(name: str, table: Sequence[Field] = OFFER) -> Field:
    return next(f for f in table if f.name == name)


def competing_cell(number: int, part: Field) -> str:
    """The defined name of competing offer `number`'s (from 1) input for `part`: competing_2_base."""
    assert part.cell is not None
    return f"competing_{number}_{part.cell}"


# -- reading ------------------------------------------------------------------------------------


def read_offer(fields: Any, guides: Mapping[str, Guide], source: Location | None = None) -> Offer:
    """Build one `Offer` from its fields as read from a file or a workbook's cells (a mapping of
    field name to value).

    Raises `OfferError` whose location is `source` plus the candidate (when known) and the field.
    """
    source = source or Location()
    with located(OfferError, **source.place, candidate=candidate_hint(fields)):
        given = _given(fields, FIELDS, "an offer")
        reading = Reading(guides)
        values = {f.name: _read(f, given, reading) for f in OFFER}
        return Offer(
            **_attributes(OFFER, values),
            source=replace(Location(), **source.place),  # type: ignore[arg-type]
            vesting=_vesting(values),
        )


def read_competing(item: Any, offer: Reading) -> CompetingOffer:
    """One competing offer; paid in the offer's currency unless it says otherwise, vesting on its
    own schedule when it gives one (else the guide's even years)."""
    given = _given(item, COMPETING_FIELDS, "a competing offer")
    reading = replace(offer, for_competing=True)
    values = {f.name: _read(f, given, reading) for f in COMPETING}
    assert offer.band is not None
    states_a_schedule = any(given.get(name) is not None for name in SCHEDULE_FIELDS)
    vesting = _vesting(values) if states_a_schedule else None
    if vesting is None:  # the model checks a stated schedule; the guide's years stand in for none
        check_sign_on_years(values["sign_on"], offer.band.vesting_years)
    return CompetingOffer(**_attributes(COMPETING, values), vesting=vesting)


def _attributes(table: Sequence[Field], values: Mapping[str, Any]) -> dict[str, Any]:
    """The model's attributes from the fields read, each under the attribute its field fills."""
    return {f.model_attribute: values[f.name] for f in table if f.model_attribute}


def _vesting(values: Mapping[str, Any]) -> Vesting:
    """The schedule's three fields as one `Vesting` (which checks them together)."""
    return Vesting(values["vesting"], values["cliff_months"], values["vest_every"])


def _read(f: Field, given: Mapping[str, Any], reading: Reading) -> Any:
    value = given.get(f.name)
    if value is None and f.required:
        raise InvalidValue("missing", field=f.name)
    return f.kind.parse(value, f.name, reading)


def _given(data: Any, known: tuple[str, ...], what: str) -> dict[str, Any]:
    """The fields given, by name; blanks are "not given".

    Field names are matched the way people write column headers: case, spaces and hyphens do
    not matter ("Sign on", "sign-on", "SIGN_ON"). An unknown name is an error, to catch typos.
    """
    if not isinstance(data, dict):
        raise InvalidValue(f"expected {what} (a mapping of field names to values), got {kind_of(data)}")
    values: dict[str, Any] = {}
    for key, value in data.items():
        written = shorten(str(key), 40)
        name = field_name(key)
        if name not in known:
            raise InvalidValue(unknown_choice("field", written, known), field=written)
        if name in values:
            raise InvalidValue("given twice", field=name)
        values[name] = None if blank(value) else value
    return values


# -- writing back -----------------------------------------------------------------------------


def plain_fields(offer: Offer, guide: Guide) -> dict[str, Any]:
    """An offer as an offer file writes it, in the table's order: what a file saying nothing
    would get left out, amounts as plain numbers, the bonus as "15%", competing offers likewise."""
    band = guide.band(offer.region)
    fields = _plain(OFFER, offer, band)
    if offer.competing:
        fields["competing"] = [_plain(COMPETING, other, band) for other in offer.competing]
    return fields


def _plain(table: Sequence[Field], item: Any, band: Band) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for f in table:
        if isinstance(f.kind, Competing):
            continue
        value = f.value_of(item, band)
        if f.default is not None and _same(value, f.default(band)):
            continue
        plain = f.kind.plain(value)
        if plain is not None:
            fields[f.name] = plain
    return fields


# -- what an edit changed ----------------------------------------------------------------------


def differences(before: Offer, after: Offer, guides: Mapping[str, Guide]) -> list[str]:
    """What `after` (read from a workbook) changes in `before` (from the offer file), one phrase each.

    "base 185,000 in offers/bay-area.yaml, 190,000 in the workbook". Schedules and sign-on are
    compared as they apply (an offer file's "even" is the band's years, 25% each).
    """
    source = before.source.file or "the offer file"
    old, new = _comparable(before, guides), _comparable(after, guides)
    changes = []
    for name in dict.fromkeys([*old, *new]):  # in the order an offer file lists them
        was, now = old.get(name), new.get(name)
        if was is None or now is None:
            shown_was, shown_now = (_shown(pair) for pair in (was, now))
        elif _same(was[1], now[1]):
            continue
        else:
            shown_was, shown_now = _shown(was), _shown(now)
        changes.append(f"{name} {shown_was} in {source}, {shown_now} in the workbook")
    return changes


def _comparable(offer: Offer, guides: Mapping[str, Guide]) -> dict[str, tuple[Kind, Any]]:
    """The offer's fields as they apply, by the name a difference gives them."""
    guide = guides.get(offer.guide_id)
    band = guide.band(offer.region) if guide is not None else None
    pairs: dict[str, tuple[Kind, Any]] = {}
    for f in OFFER:
        if isinstance(f.kind, Competing) or (band is None and f.name in SCHEDULE_FIELDS):
            continue
        pairs[_phrase(f)] = (f.kind, f.value_of(offer, band))
    for number, other in enumerate(offer.competing, start=1):
        for f in COMPETING:
            if band is None and f.name in SCHEDULE_FIELDS:
                continue
            pairs[f"competing {number} {_phrase(f)}"] = (f.kind, f.value_of(other, band))
    return pairs


def as_compared(offer: Offer, guides: Mapping[str, Guide]) -> dict[str, Any]:
    """The offer's fields as a difference compares them, each in one exact form: two offers
    give the same exactly when `differences` finds none between them (a round of an offer's
    history is known by it, whether read from a file or from a workbook's cells)."""
    return {name: _settled(value) for name, (_, value) in _comparable(offer, guides).items()}


def _settled(value: Any) -> Any:
    """A value in the form `_same` compares it in: amounts to 6 places, no zero years at the end."""
    if isinstance(value, Decimal):
        return _close(value)
    if isinstance(value, tuple):
        return tuple(_settled(item) for item in without_zero_tail(value))
    return value


def _phrase(f: Field) -> str:
    return f.name.replace("_", " ").replace("sign on", "sign-on").replace("vest every", "vests every")


def _shown(pair: tuple[Kind, Any] | None) -> str:
    if pair is None or pair[1] is None:
        return "nothing"
    kind, value = pair
    return kind.shown(value)


def _same(one: Any, other: Any) -> bool:
    """Two values of a field alike as they apply: sign-on without zero years at its end, and a
    schedule read from percent cells (33.333333%) alike the exact one (100/3)."""
    if isinstance(one, tuple) and isinstance(other, tuple):
        one, other = without_zero_tail(one), without_zero_tail(other)
        if all(isinstance(x, Decimal) for x in (*one, *other)):
            return len(one) == len(other) and all(
                _close(a) == _close(b) for a, b in zip(one, other, strict=True)
            )
    return one == other


def _close(number: Decimal) -> Decimal:
    return tidy(round(number, 6))


def without_zero_tail(amounts: Sequence[Any]) -> tuple[Any, ...]:
    """Amounts by year without the zero (or empty) years at the end: the Years sheet shows every year."""
    amounts = tuple(amounts)
    while amounts and amounts[-1] in (0, None, ""):
        amounts = amounts[:-1]
    return amounts


# -- values, typed ------------------------------------------------------------------------------


def _text(value: Any, name: str, limit: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidValue(f"expected text, got {kind_of(value)}", field=name)
    text = str(value)
    if len(text) > limit:
        raise InvalidValue(f"is {len(text):,} characters long, over the limit of {limit:,}", field=name)
    if excel_length(text) > MAX_CELL_TEXT:  # an emoji counts twice: cut, it would say less than written
        raise InvalidValue(
            f"is {excel_length(text):,} units long as Excel counts them (a character outside the basic "
            f"plane, such as an emoji, counts 2), over a cell's limit of {MAX_CELL_TEXT:,}",
            field=name,
        )
    return check_text(text, field=name)


def _guide(given: str, guides: Mapping[str, Guide], name: str) -> Guide:
    """The guide an offer names; with a single guide loaded the offer need not name it."""
    if given:
        for guide_id, guide in guides.items():
            if guide_id.casefold() == given.casefold():
                return guide
        raise InvalidValue(unknown_choice("guide", given, tuple(guides)), field=name)
    if len(guides) == 1:
        return next(iter(guides.values()))
    if not guides:
        raise InvalidValue("no guide is loaded to check this offer against", field=name)
    raise InvalidValue(
        f"missing: {len(guides)} guides are loaded, name one of {', '.join(guides)}", field=name
    )


def _vesting_preset(text: str, band_years: int, name: str) -> tuple[Decimal, ...]:
    key = text.casefold().replace(" ", "")
    if key in VESTING_PRESETS:
        preset = VESTING_PRESETS[key]
        return Vesting.even(band_years).percents if preset is None else tuple(map(Decimal, preset))
    if "/" in key:  # a schedule spelled the way people say it: "5/15/40/40"
        return _each(key.split("/"), name, _percent)
    known = tuple(VESTING_PRESETS)
    raise InvalidValue(
        f"{unknown_choice('vesting preset', shorten(text, 40), known)} (or percents per year, e.g. [25, 25, 25, 25])",
        field=name,
    )


def _each(items: Sequence[Any], name: str, read: Callable[[Any], Any]) -> tuple[Any, ...]:
    """Each item of a list field read by `read`, a problem named at its place: `name[2]`."""
    read_items = []
    for number, item in enumerate(items, start=1):
        with located(field=f"{name}[{number}]"):
            read_items.append(read(item))
    return tuple(read_items)


def _percent(value: Any) -> Decimal:
    """One year's percent of the grant: 25, 25.5, "25" or "25%" (all 25%, not a fraction)."""
    match = None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        match = _PERCENT_NUMBER.match(str(value))
    elif isinstance(value, str) and len(value) <= MAX_AMOUNT_CHARS:
        match = _PERCENT_NUMBER.match(value)
    if match is None:
        raise InvalidValue(f'expected a percent such as 25 or "25%", got {kind_of(value)}')
    percent = Decimal(match["number"])
    if not -100 <= percent <= 100:
        raise InvalidValue(f"expected a percent from 0 to 100, got {shorten(match['number'], 20)}")
    percent = tidy(percent)
    if percent < 0:
        raise InvalidValue(f"expected a percent of 0 or more, got {percent}")
    return percent


def _cell_structure(text: str, name: str) -> Any:
    """A CSV cell holding structure, e.g. `[{company: Snowflake, base: 215000, ...}]` (JSON also reads).

    The line number a parse error carries is the cell's own, not the file's, so it is dropped.
    """
    try:
        return load_yaml(text)
    except InvalidValue as error:
        raise InvalidValue(error.message, field=name) from None


def _amount(value: Any, currency: str) -> Decimal:
    """Money in `currency`: 125000, "125,000", "£125K"; a different currency written is an error."""
    amount = parse_amount(_amount_text(value), currency).amount  # type: ignore[union-attr]
    if amount < 0:
        raise InvalidValue(f"expected an amount of 0 or more, got {amount:,}")
    return tidy(amount)  # 120000.00 from JSON is 120000, as in a string


def _plain_number(value: Any) -> Decimal | None:
    """A number with no currency (0.12, "0.12"), or None when `value` is anything else."""
    try:
        number = parse_amount(_amount_text(value))
    except InvalidValue:
        return None
    return tidy(number) if isinstance(number, Decimal) else None


def _amount_text(value: Any) -> str | int | Decimal:
    """An amount as `parse_amount` takes it; what cannot be one is refused without echoing it whole."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise InvalidValue(f'expected an amount such as 125000 or "£125K", got {kind_of(value)}')
    if isinstance(value, float):
        # A YAML float, read back through the shortest text that gives it, without an exponent:
        # 0.00001 is "0.00001", not the "1e-05" nobody wrote.
        return format(Decimal(repr(value)), "f")
    if isinstance(value, str) and len(value) > MAX_AMOUNT_CHARS:
        raise InvalidValue(f'expected an amount such as 125000 or "£125K", got {shorten(value)!r}')
    return value


def _number(amount: Decimal) -> int | Decimal:
    return int(amount) if amount == amount.to_integral_value() else amount.normalize()


def field_name(key: Any) -> str:
    """A field's name as written ("Sign on", "sign-on", "SIGN_ON") as the table names it."""
    return str(key).strip().casefold().replace(" ", "_").replace("-", "_")


def blank(value: Any) -> bool:
    """An empty CSV cell or a YAML `~` means "not given", so a default applies."""
    return value is None or (isinstance(value, str) and not value.strip())


def _control_characters(text: str) -> list[str]:
    # Beyond what XML refuses (check_text), DEL and the C1 controls can hide text in a terminal.
    return [c for c in text if unicodedata.category(c) == "Cc"]


def candidate_hint(fields: Any) -> str | None:
    """The candidate's name for error messages, even when the offer is broken elsewhere."""
    if not isinstance(fields, dict):
        return None
    for key, value in fields.items():
        if field_name(key) == "candidate" and isinstance(value, str) and value.strip():
            return shorten(value.strip())
    return None


def kind_of(value: Any) -> str:
    """What a value is, in words, without printing it (a nested value may be an alias bomb)."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, (int, float, Decimal)):
        return "a number"
    if isinstance(value, str):
        return f"the text {shorten(value)!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__
