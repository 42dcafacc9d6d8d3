"""Offers as recruiters write them: YAML, JSON or CSV files in, `Offer` objects out.

A batch is worth only what its worst file lets through, so nothing here stops at the first bad
offer: each offer that cannot be used becomes one `OfferError` naming its file, its row (CSV) or
index (YAML/JSON list), its candidate and its field, and the others load. Only an unusable list
of paths (a missing file, a folder with no offers) stops the run, since then nothing can be done.

File formats (fields as in SPEC.md, "Offers"):
- `.yaml`/`.yml`/`.json`: one offer (a mapping) or a list of them; `competing` is a list of
  mappings (one mapping alone is taken as a list of one).
- `.csv`: a header row naming the fields, then one offer per row; empty cells mean "not given".
- `.xlsx`: the same table on the sheet named "Offers", else the first sheet; numbers, Excel
  percentages (0.12 shown as 12%) and text such as "12%" all read; a date reads as its ISO text.
  Rows are numbered as Excel numbers them (the header is row 1), since that is what the user sees.
  Header names ignore case, spaces and hyphens ("Sign on"). A `competing` cell holds the same
  list in YAML flow form or JSON, e.g. `[{company: Snowflake, base: $215K, stock: $240K,
  bonus: 15%}]`. A header with more semicolons than commas makes `;` the delimiter.
- A competing offer is paid in the offer's currency unless it gives its own `currency`.
- `vesting` is a list of percents per year (`[5, 15, 40, 40]`, `"25%"` items too), a preset
  name (`even`) or the same written with slashes (`5/15/40/40`); in a CSV cell, either form.
  Without it the grant vests evenly over the band's vesting years. `cliff_months` defaults to
  12, `vest_every` to `yearly`. `sign_on` is one amount (paid in year 1) or a list by year.

Every file is untrusted: it is read through `inputs` (regular files only, a size cap, YAML 1.2
with duplicate keys refused and aliases bounded by what they expand to), nested values are never
printed whole, and text an Excel file cannot hold is refused here, field by field, with its
code point, before it can break a workbook later.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import InvalidValue, Location, OfferError, SegxlsxError, display_path, located
from ..model import (
    DEFAULT_CLIFF_MONTHS,
    Band,
    CompetingOffer,
    Guide,
    Offer,
    Vesting,
    check_sign_on_years,
    unknown_choice,
)
from ..money import check_currency, parse_amount, parse_percent, tidy
from ..text import code_point
from .files import (
    MAX_FILE_BYTES,
    check_file_name,
    check_text,
    load_json,
    load_yaml,
    read_bytes,
    read_text,
    shorten,
)

OFFER_SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".xlsx")
# How a grant vests; an offer and a competing offer state it the same way.
SCHEDULE_FIELDS = ("vesting", "cliff_months", "vest_every")
PAY_FIELDS = ("currency", "base", "stock", "bonus", "sign_on", *SCHEDULE_FIELDS)
FIELDS = ("candidate", "guide", "region", *PAY_FIELDS, "competing", "notes")
COMPETING_FIELDS = ("company", *PAY_FIELDS)

MAX_NAME_CHARS = 200  # a name, region or company; anything longer is a pasting accident
MAX_NOTES_CHARS = 32_767  # Excel's limit for one cell: longer notes could not be written
MAX_AMOUNT_CHARS = 40  # "CHF 1,250,000.00" is 16; longer text is not an amount
_PERCENT_NUMBER = re.compile(r"^\s*(?P<number>-?\d+(?:\.\d+)?)\s*%?\s*$")  # 25, "25", "25%", "-5"
# Vesting schedules known by name; `even` spreads the grant over the band's vesting years.
VESTING_PRESETS: dict[str, tuple[int, ...] | None] = {
    "even": None,
    "5/15/40/40": (5, 15, 40, 40),  # back-loaded, as Amazon grants vest
    "10/20/30/40": (10, 20, 30, 40),
}


@dataclass(frozen=True)
class LoadedOffers:
    """What a load produced: the offers that can be used and one error per offer that cannot."""

    offers: tuple[Offer, ...] = ()
    failures: tuple[OfferError, ...] = ()

    def __add__(self, other: LoadedOffers) -> LoadedOffers:
        return LoadedOffers(self.offers + other.offers, self.failures + other.failures)


def load_offers(
    paths: Iterable[str | Path], guides: Mapping[str, Guide], max_bytes: int = MAX_FILE_BYTES
) -> LoadedOffers:
    """Load offer files and folders of them, in input order (a folder's files sorted by name).

    A bad offer or file is reported in `failures` and the rest load; a path that does not exist,
    or no offer file at all, raises `SegxlsxError` (nothing could run).
    """
    return _collected(iter_offers(paths, guides, max_bytes))


def iter_offers(
    paths: Iterable[str | Path], guides: Mapping[str, Guide], max_bytes: int = MAX_FILE_BYTES
) -> Iterator[Offer | OfferError]:
    """Each offer of `load_offers`, or the error that stands for it, one at a time in input order.

    A build of 50,000 offers reads them this way rather than holding them all: the same files
    give the same offers, in the same order, each time.
    """
    return (load() for load in offer_loaders(paths, guides, max_bytes))


def offer_loaders(
    paths: Iterable[str | Path], guides: Mapping[str, Guide], max_bytes: int = MAX_FILE_BYTES
) -> Iterator[Callable[[], Offer | OfferError]]:
    """What `iter_offers` gives, each as a function that checks and builds it only when called.

    A build reads its offers a second time to hand them to the workers; the offers it skips as
    unchanged are then only counted past, not checked again (most of a rerun's reading).
    """
    for path in offer_files(paths):
        yield from _file_loaders(path, guides, max_bytes)


def _collected(items: Iterable[Offer | OfferError]) -> LoadedOffers:
    offers: list[Offer] = []
    failures: list[OfferError] = []
    for item in items:
        (failures if isinstance(item, OfferError) else offers).append(item)  # type: ignore[arg-type]
    return LoadedOffers(tuple(offers), tuple(failures))


def offer_files(paths: Iterable[str | Path]) -> list[Path]:
    """The offer files named, with folders expanded to the offer files inside them (sorted).

    In a folder, other files are skipped silently (a README, a spreadsheet beside its CSV), and
    so are hidden ones: editors and macOS leave `.~lock.offers.csv#` and `._offers.csv` there.
    """
    paths = [Path(path) for path in paths]
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if _is_offer_file(p))
        elif path.exists() or path.is_symlink():  # a link that loops is read, and refused, below
            files.append(path)
        else:
            raise SegxlsxError("no such file or folder", file=display_path(path))
    if not files:
        where = ", ".join(display_path(path) for path in paths) or "the paths given"
        raise SegxlsxError(f"no offer files ({', '.join(OFFER_SUFFIXES)}) in {where}")
    return files


def input_order(paths: Iterable[str | Path]) -> Callable[[SegxlsxError], tuple[int, int]]:
    """A sort key that puts problems in the order their offers stand in the input: by file (as
    `offer_files` lists them), then by row or position. Loading finds some problems and building
    others; every report lists them in this one order."""
    files = {display_path(path): number for number, path in enumerate(offer_files(paths))}

    def key(error: SegxlsxError) -> tuple[int, int]:
        where = error.location
        return files.get(where.file or "", len(files)), where.row or where.index or 0

    return key


def _is_offer_file(path: Path) -> bool:
    # Not `is_file()`: an offers.csv that is a FIFO, a device or a looping link is reported, not skipped.
    # Excel's own lock beside an open workbook is `~$offers.xlsx`.
    return path.suffix.lower() in OFFER_SUFFIXES and not path.name.startswith((".", "~$"))


def read_offer_file(
    path: str | Path, guides: Mapping[str, Guide], max_bytes: int = MAX_FILE_BYTES
) -> LoadedOffers:
    """Load every offer in one file; a file that cannot be read at all is one failure."""
    return _collected(offer_file_items(path, guides, max_bytes))


def offer_file_items(
    path: str | Path, guides: Mapping[str, Guide], max_bytes: int = MAX_FILE_BYTES
) -> Iterator[Offer | OfferError]:
    """Each offer in one file, or the error that stands for it, as its rows are read."""
    return (load() for load in _file_loaders(Path(path), guides, max_bytes))


def _file_loaders(
    path: Path, guides: Mapping[str, Guide], max_bytes: int
) -> Iterator[Callable[[], Offer | OfferError]]:
    file = display_path(path)
    records = _read_records(path, max_bytes)
    while True:
        try:
            with located(OfferError, file=file):
                record = next(records, None)
        except OfferError as error:  # the file cannot be read at all: one failure, and no offers
            yield partial(_given, error)
            return
        if record is None:
            return
        if record.problem:
            yield partial(_given, _as_offer_error(record.problem.at(file=file)))
            continue
        yield partial(_offer_of, record.fields, guides, replace(record.source, file=file))


def _given(error: OfferError) -> OfferError:
    return error


def _offer_of(fields: Any, guides: Mapping[str, Guide], source: Location) -> Offer | OfferError:
    try:
        return offer_from_fields(fields, guides, source)
    except OfferError as error:
        return error


def offer_from_fields(fields: Any, guides: Mapping[str, Guide], source: Location | None = None) -> Offer:
    """Build one `Offer` from its fields as read from a file (a mapping of field name to value).

    Raises `OfferError` whose location is `source` plus the candidate (when known) and the field.
    """
    source = source or Location()
    with located(OfferError, **source.place, candidate=_candidate_hint(fields)):
        return _build_offer(_Fields(fields, FIELDS, "an offer"), guides, source)


def _as_offer_error(error: SegxlsxError) -> OfferError:
    return error if isinstance(error, OfferError) else OfferError(error.message, error.location)


# --- from fields to the model ------------------------------------------------------------------


def _build_offer(fields: _Fields, guides: Mapping[str, Guide], source: Location) -> Offer:
    candidate = fields.name("candidate")
    guide = _guide(fields.name("guide", required=False), guides)
    band = _band(guide, fields.name("region"))
    currency = fields.currency(default=band.currency)
    return Offer(
        candidate=candidate,
        guide_id=guide.id,
        region=band.region,
        currency=currency,
        base=fields.amount("base", currency),
        stock=fields.amount("stock", currency),
        bonus_pct=fields.bonus(),
        sign_on=fields.amounts_by_year("sign_on", currency),
        competing=_competing(fields.get("competing", required=False), currency, band),
        notes=fields.notes(),
        source=Location(**source.place),  # type: ignore[arg-type]
        vesting=_vesting(fields, band),
    )


def _vesting(fields: _Fields, band: Band) -> Vesting:
    """The offer's vesting, every part defaulted: even over the band's years, 12-month cliff, yearly."""
    percents = _vesting_percents(fields.get("vesting", required=False), band.vesting_years)
    cliff = fields.whole_number("cliff_months", default=DEFAULT_CLIFF_MONTHS)
    every = fields.name("vest_every", required=False).casefold() or "yearly"  # the model checks it
    return Vesting(percents, cliff, every)


def _vesting_percents(value: Any, band_years: int) -> tuple[Decimal, ...]:
    """Percents per year from a list, a preset name or "5/15/40/40"; the model checks the total."""
    if value is None:
        return Vesting.even(band_years).percents
    if isinstance(value, str) and value.strip().startswith("["):
        value = _cell_structure(value, "vesting")
    if isinstance(value, str):
        return _vesting_preset(value.strip(), band_years)
    if not isinstance(value, list):
        raise InvalidValue(
            f"expected percents per year such as [25, 25, 25, 25] or a preset such as even, got {_kind(value)}",
            field="vesting",
        )
    percents = []
    for number, item in enumerate(value, start=1):
        with located(field=f"vesting[{number}]"):
            percents.append(_percent(item))
    return tuple(percents)


def _vesting_preset(text: str, band_years: int) -> tuple[Decimal, ...]:
    key = text.casefold().replace(" ", "")
    if key in VESTING_PRESETS:
        preset = VESTING_PRESETS[key]
        return Vesting.even(band_years).percents if preset is None else tuple(map(Decimal, preset))
    if "/" in key:  # a schedule spelled the way people say it: "5/15/40/40"
        percents = []
        for number, part in enumerate(key.split("/"), start=1):
            with located(field=f"vesting[{number}]"):
                percents.append(_percent(part))
        return tuple(percents)
    known = tuple(VESTING_PRESETS)
    raise InvalidValue(
        f"{unknown_choice('vesting preset', shorten(text, 40), known)} (or percents per year, e.g. [25, 25, 25, 25])",
        field="vesting",
    )


def _percent(value: Any) -> Decimal:
    """One year's percent of the grant: 25, 25.5, "25" or "25%" (all 25%, not a fraction)."""
    match = None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        match = _PERCENT_NUMBER.match(str(value))
    elif isinstance(value, str) and len(value) <= MAX_AMOUNT_CHARS:
        match = _PERCENT_NUMBER.match(value)
    if match is None:
        raise InvalidValue(f'expected a percent such as 25 or "25%", got {_kind(value)}')
    percent = Decimal(match["number"])
    if not -100 <= percent <= 100:
        raise InvalidValue(f"expected a percent from 0 to 100, got {shorten(match['number'], 20)}")
    percent = tidy(percent)
    if percent < 0:
        raise InvalidValue(f"expected a percent of 0 or more, got {percent}")
    return percent


def _guide(given: str, guides: Mapping[str, Guide]) -> Guide:
    """The guide an offer names; with a single guide loaded the offer need not name it."""
    if given:
        for guide_id, guide in guides.items():
            if guide_id.casefold() == given.casefold():
                return guide
        raise InvalidValue(unknown_choice("guide", given, tuple(guides)), field="guide")
    if len(guides) == 1:
        return next(iter(guides.values()))
    if not guides:
        raise InvalidValue("no guide is loaded to check this offer against", field="guide")
    raise InvalidValue(
        f"missing: {len(guides)} guides are loaded, name one of {', '.join(guides)}", field="guide"
    )


def _band(guide: Guide, region: str) -> Band:
    with located(field="region"):
        return guide.band(region)


def _competing(value: Any, currency: str, band: Band) -> tuple[CompetingOffer, ...]:
    """Competing offers: a list of mappings (a CSV cell holds the same list in YAML/JSON flow form).

    A competing offer is paid in the candidate's own offer currency unless it says otherwise; its
    grant vests on its own schedule when it gives one, like the offer's (`_vesting`).
    """
    if value is None:
        return ()
    if isinstance(value, str):
        value = _cell_structure(value)
    if isinstance(value, dict):  # one competing offer written without the list around it
        value = [value]
    if not isinstance(value, list):
        raise InvalidValue(
            f"expected a list of competing offers (company, base, stock, bonus), got {_kind(value)}",
            field="competing",
        )
    built = []
    for number, item in enumerate(value, start=1):
        with located(field=f"competing[{number}]"):
            built.append(
                _competing_offer(_Fields(item, COMPETING_FIELDS, "a competing offer"), currency, band)
            )
    return tuple(built)


def _competing_offer(fields: _Fields, offer_currency: str, band: Band) -> CompetingOffer:
    currency = fields.currency(default=offer_currency)
    sign_on = fields.amounts_by_year("sign_on", currency)
    vesting = _vesting(fields, band) if _states_a_schedule(fields) else None
    if vesting is None:  # the model checks a stated schedule; the guide's years stand in for none
        check_sign_on_years(sign_on, band.vesting_years)
    return CompetingOffer(
        company=fields.name("company"),
        currency=currency,
        base=fields.amount("base", currency),
        stock=fields.amount("stock", currency),
        bonus_pct=fields.bonus(),
        sign_on=sign_on,
        vesting=vesting,
    )


def _states_a_schedule(fields: _Fields) -> bool:
    """Whether a competing offer says how its grant vests; without, the guide's even years apply."""
    return any(fields.get(name, required=False) is not None for name in SCHEDULE_FIELDS)


def _cell_structure(text: str, field: str = "competing") -> Any:
    """A CSV cell holding structure, e.g. `[{company: Snowflake, base: 215000, ...}]` (JSON also reads).

    The line number a parse error carries is the cell's own, not the file's, so it is dropped.
    """
    try:
        return load_yaml(text)
    except InvalidValue as error:
        raise InvalidValue(error.message, field=field) from None


# --- one offer's fields, typed -----------------------------------------------------------------


class _Fields:
    """The fields of one offer (or competing offer); each getter names its field on error.

    Field names are matched the way people write column headers: case, spaces and hyphens do
    not matter ("Sign on", "sign-on", "SIGN_ON"). An unknown name is an error, to catch typos.
    """

    def __init__(self, data: Any, known: tuple[str, ...], what: str) -> None:
        if not isinstance(data, dict):
            raise InvalidValue(f"expected {what} (a mapping of field names to values), got {_kind(data)}")
        self.values: dict[str, Any] = {}
        for key, value in data.items():
            written = shorten(str(key), 40)
            name = _field_name(key)
            if name not in known:
                raise InvalidValue(unknown_choice("field", written, known), field=written)
            if name in self.values:
                raise InvalidValue("given twice", field=name)
            self.values[name] = None if _blank(value) else value

    def get(self, name: str, required: bool = True) -> Any:
        value = self.values.get(name)
        if value is None and required:
            raise InvalidValue("missing", field=name)
        return value

    def name(self, name: str, required: bool = True) -> str:
        """A one-line name (candidate, region, company): no control characters at all."""
        text = self._text(name, required, MAX_NAME_CHARS).strip()
        if _control_characters(text):
            raise InvalidValue(
                f"contains a control character ({code_point(_control_characters(text)[0])})", field=name
            )
        return text

    def notes(self) -> str:
        """Free text over several lines; tabs and line breaks are fine, other control characters not."""
        text = self._text("notes", False, MAX_NOTES_CHARS).strip()
        bad = [c for c in _control_characters(text) if c not in "\t\n\r"]
        if bad:
            raise InvalidValue(f"contains a control character ({code_point(bad[0])})", field="notes")
        return text

    def _text(self, name: str, required: bool, limit: int) -> str:
        value = self.get(name, required)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise InvalidValue(f"expected text, got {_kind(value)}", field=name)
        text = str(value)
        if len(text) > limit:
            raise InvalidValue(f"is {len(text):,} characters long, over the limit of {limit:,}", field=name)
        return check_text(text, field=name)

    def currency(self, default: str) -> str:
        code = self.name("currency", required=False).upper()
        return check_currency(code, field="currency") if code else default

    def amount(self, name: str, currency: str, required: bool = True) -> Decimal:
        """Money in `currency`: 125000, "125,000", "£125K"; a different currency written is an error."""
        value = self.get(name, required)
        if value is None:
            return Decimal(0)
        with located(field=name):
            return _amount(value, currency)

    def amounts_by_year(self, name: str, currency: str) -> tuple[Decimal, ...]:
        """One amount (paid in year 1) or a list of them, one per year; not given is none."""
        value = self.get(name, required=False)
        if isinstance(value, str) and value.strip().startswith("["):  # a CSV cell: "[20000, 10000]"
            value = _cell_structure(value, name)
        if value is None:
            return ()
        if not isinstance(value, list):
            return (self.amount(name, currency),)
        amounts = []
        for number, item in enumerate(value, start=1):
            with located(field=f"{name}[{number}]"):
                amounts.append(_amount(item, currency))
        return tuple(amounts)

    def whole_number(self, name: str, default: int) -> int:
        """A count such as months: 12 or "12"; not given is `default`."""
        value = self.get(name, required=False)
        if value is None:
            return default
        number = _plain_number(value) if not isinstance(value, bool) else None
        if number is None or number != number.to_integral_value() or number < 0:
            raise InvalidValue(f"expected a whole number, 0 or more, got {_kind(value)}", field=name)
        return int(number)

    def bonus(self) -> Decimal:
        """A target bonus as a fraction of base, written "12%" or 0.12."""
        value = self.get("bonus")
        with located(field="bonus"):
            if isinstance(value, str) and value.strip().endswith("%"):
                return parse_percent(value)
            number = _plain_number(value)
            if number is None or number < 0:
                raise InvalidValue(f'expected a percentage such as "12%" or 0.12, got {_kind(value)}')
            if number > 1:
                # 12 almost always means 12%, but guessing would turn a typo of 0.12 into 1200%.
                raise InvalidValue(
                    f'{number} is more than 100% of base; write a {number}% bonus as "{number}%" or {number / 100}'
                )
            return number


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
        raise InvalidValue(f'expected an amount such as 125000 or "£125K", got {_kind(value)}')
    if isinstance(value, float):
        return str(value)  # a YAML float, read back through the shortest text that gives it
    if isinstance(value, str) and len(value) > MAX_AMOUNT_CHARS:
        raise InvalidValue(f'expected an amount such as 125000 or "£125K", got {shorten(value)!r}')
    return value


def _field_name(key: Any) -> str:
    return str(key).strip().casefold().replace(" ", "_").replace("-", "_")


def _blank(value: Any) -> bool:
    """An empty CSV cell or a YAML `~` means "not given", so a default applies."""
    return value is None or (isinstance(value, str) and not value.strip())


def _control_characters(text: str) -> list[str]:
    # Beyond what XML refuses (check_text), DEL and the C1 controls can hide text in a terminal.
    return [c for c in text if unicodedata.category(c) == "Cc"]


def _candidate_hint(fields: Any) -> str | None:
    """The candidate's name for error messages, even when the offer is broken elsewhere."""
    if not isinstance(fields, dict):
        return None
    for key, value in fields.items():
        if _field_name(key) == "candidate" and isinstance(value, str) and value.strip():
            return shorten(value.strip())
    return None


def _kind(value: Any) -> str:
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


# --- files to records --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Record:
    """One offer's raw fields and where they came from, or why that offer cannot be read."""

    source: Location
    fields: Any = None
    problem: OfferError | None = None


def _read_records(path: Path, max_bytes: int) -> Iterator[_Record]:
    """The file's records as they are read; what makes the whole file unreadable is raised."""
    suffix = path.suffix.lower()
    if suffix not in OFFER_SUFFIXES:
        raise InvalidValue(
            f"expected an offer file ending in {', '.join(OFFER_SUFFIXES)}, not {suffix or 'no suffix'!r}"
        )
    if suffix == ".xlsx":
        yield from _xlsx_records(read_bytes(check_file_name(path), max_bytes))
        return
    try:
        text = read_text(check_file_name(path), max_bytes)
    except InvalidValue as error:
        if suffix == ".csv" and error.message.startswith("not UTF-8"):
            # Excel's plain "CSV" is Windows-1252; its "CSV UTF-8" choice is the one that reads.
            raise InvalidValue(f'{error.message}; in Excel, save it as "CSV UTF-8"') from None
        raise
    if not text.strip():
        raise InvalidValue("the file is empty; expected one offer or a list of them")
    if suffix == ".csv":
        yield from _csv_records(text)
        return
    yield from _document_records(load_json(text) if suffix == ".json" else load_yaml(text))


def _document_records(data: Any) -> Iterator[_Record]:
    """A YAML/JSON document: one offer (a mapping) or a list of them, numbered from 1."""
    if isinstance(data, list):
        if not data:
            raise InvalidValue("the file holds an empty list; expected at least one offer")
        return (_Record(Location(index=number), item) for number, item in enumerate(data, start=1))
    if isinstance(data, dict):
        return iter([_Record(Location(), data)])
    if data is None:
        raise InvalidValue("the file holds no offer (only comments?)")
    raise InvalidValue(f"expected an offer (a mapping of fields) or a list of offers, got {_kind(data)}")


def _csv_records(text: str) -> Iterator[_Record]:
    """One offer per row under a header row; rows are numbered from 1 below the header.

    Excel set to a European locale saves CSV with semicolons, so a header with more semicolons
    than commas is read that way. A row the csv module cannot read (a stray quote) is one
    problem, named by the line its record starts on, and reading goes on from the next line:
    an unclosed quote would otherwise swallow every row after it. So every row is either an
    offer or a problem. Rows are given as they are read (a generator).
    """
    first_line = text.lstrip("\ufeff").partition("\n")[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    any_rows = False
    with _cells_up_to(len(text)):
        source = _Lines(text)
        reader = csv.reader(source, delimiter=delimiter, strict=True)
        header = _csv_header(reader)
        row = 0
        while True:
            start, start_at = source.taken, source.position  # lines before this record, and where it starts
            try:
                cells = next(reader, None)
            except csv.Error as error:
                row += 1
                problem = OfferError(_csv_problem(error), line=start + 1, row=row)
                any_rows = True
                yield _Record(Location(row=row), problem=problem)
                # The record may have run on over many lines (or to the end, for an unclosed
                # quote); those lines hold the next rows, so read again from the one after its start.
                source = _Lines(text, start_at, start)
                next(source)
                reader = csv.reader(source, delimiter=delimiter, strict=True)
                continue
            if cells is None:
                break
            row += 1
            if any(cell.strip() for cell in cells):  # blank lines are skipped but still counted
                any_rows = True
                yield _csv_record(header, cells, Location(row=row))
    if not any_rows:
        raise InvalidValue("the file has a header row but no offers below it", line=1)


class _Lines:
    """A file's lines for `csv.reader`, split where csv itself would (as `newline=""` does),
    counting how many it has taken.

    Cut from the text one at a time: a list of a 5 MB file's lines, or a StringIO of it (four
    bytes a character), would hold several times the file.
    """

    _LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")

    def __init__(self, text: str, position: int = 0, taken: int = 0) -> None:
        self.text = text
        self.position = position  # where the next line starts
        self.taken = taken

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.position >= len(self.text):
            raise StopIteration
        line = self._LINE.match(self.text, self.position)
        assert line is not None  # the pattern matches at any position
        self.position = line.end()
        self.taken += 1
        return line[0]


@contextmanager
def _cells_up_to(size: int) -> Iterator[None]:
    """Let csv read a cell as long as the whole file, for this read only.

    The csv module refuses a cell over 131,072 characters and cannot go on after it; the file
    cap already bounds every cell, and a long cell then gets our own per-field message. The
    limit is process-wide, so it is put back afterwards (loading runs in one thread).
    """
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, size + 1))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _csv_problem(error: csv.Error) -> str:
    if "unexpected end of data" in str(error):
        # The reader only notices an unclosed quote at the end of the file; the record's first
        # line, which the caller reports, is where the quote was opened.
        return "invalid CSV: a quoted cell in the row starting here is never closed"
    return f"invalid CSV: {error}"


def _csv_header(reader: Any) -> list[str]:
    try:
        header = next(reader, None) or []
    except csv.Error as error:
        raise InvalidValue(_csv_problem(error), line=1) from None
    return _checked_header(header, line=reader.line_num)


def _checked_header(header: list[str], **where: Any) -> list[str]:
    """A header row naming each field once (a CSV's first line, an .xlsx sheet's first row)."""
    seen: set[str] = set()
    for cell in header:
        name = _field_name(cell)
        if name and name in seen:
            raise InvalidValue(f"the header names {cell.strip()!r} twice", **where)
        seen.add(name)
    if not seen - {""}:
        raise InvalidValue("the header row names no fields", **where)
    return header


def _csv_record(header: list[str], cells: list[Any], source: Location) -> _Record:
    """A row as a mapping of header to cell; a value in a column without a header is an error.

    Spreadsheets often add empty trailing cells or an unnamed empty column; those are harmless.
    A CSV's cells are text; an .xlsx sheet's may be numbers too.
    """
    named = [(header[i].strip() if i < len(header) else "", cell) for i, cell in enumerate(cells)]
    fields = {name: cell for name, cell in named if name}
    for column, (name, cell) in enumerate(named, start=1):
        if not name and not _blank(cell):
            problem = f"column {column} holds {shorten(str(cell).strip(), 30)!r} but the header names no field for it"
            return _Record(source, problem=OfferError(problem, source, candidate=_candidate_hint(fields)))
    return _Record(source, fields)


# --- .xlsx sheets to records -----------------------------------------------------------------------

OFFERS_SHEET = "Offers"


def _xlsx_records(data: bytes) -> Iterator[_Record]:
    """The offers table of an .xlsx file: one offer per row under a header row, as in a CSV.

    Cells are read as values (a formula as the value last saved with it); each row then goes
    through the CSV's own row rules, so both formats give the same per-row errors.
    """
    sheet_name, rows = _xlsx_rows(data)
    header_cells = next(rows, None) or ()
    header = _checked_header([_header_text(cell) for cell in header_cells], sheet=sheet_name, row=1)
    any_rows = False
    for number, cells in enumerate(rows, start=2):
        values = [_xlsx_value(cell) for cell in cells]
        if any(not _blank(value) for value in values):
            any_rows = True
            yield _csv_record(header, values, Location(sheet=sheet_name, row=number))
    if not any_rows:
        raise InvalidValue("the sheet has a header row but no offers below it", sheet=sheet_name)


def _xlsx_rows(data: bytes) -> tuple[str, Iterator[tuple[Any, ...]]]:
    """The offers sheet's name and its rows of values; a file that is no workbook is refused."""
    from openpyxl import load_workbook  # only .xlsx offers pay for importing openpyxl here

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zip, XML and key errors for a damaged file
        raise InvalidValue(f"cannot read it as an Excel workbook ({type(error).__name__})") from None
    names = workbook.sheetnames
    if not names:
        raise InvalidValue("the workbook has no sheets")
    wanted = next((name for name in names if name.casefold() == OFFERS_SHEET.casefold()), names[0])
    return wanted, workbook[wanted].iter_rows(values_only=True)


def _header_text(cell: Any) -> str:
    return "" if cell is None else str(cell)


def _xlsx_value(cell: Any) -> Any:
    """A cell's value as the offer fields take it.

    A whole number saved as 185000.0 is 185000; a date is its ISO text (notes, say); a bonus
    formatted as a percentage is already its fraction (0.12), which `bonus` reads as 12%.
    """
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time() else cell.isoformat(sep=" ")
    if isinstance(cell, (date, time, timedelta)):
        return cell.isoformat() if not isinstance(cell, timedelta) else str(cell)
    return cell
