from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from segxlsx.errors import InvalidValue
from segxlsx.money import (
    CURRENCY_SYMBOLS,
    Money,
    parse_amount,
    parse_money_range,
    parse_percent,
    parse_percent_range,
)
from segxlsx.rules import short_money


@pytest.mark.parametrize(
    "text, amount, currency",
    [
        ("$168K", "168000", "USD"),
        ("£125K", "125000", "GBP"),
        ("€95,000", "95000", "EUR"),
        ("¥14M", "14000000", "JPY"),
        ("₹4.5M", "4500000", "INR"),
        ("CA$150,000", "150000", "CAD"),
        ("A$ 180K", "180000", "AUD"),
        ("S$160K", "160000", "SGD"),
        ("HK$1.1M", "1100000", "HKD"),
        ("CHF 140K", "140000", "CHF"),
        ("140,000 GBP", "140000", "GBP"),
        ("125000", "125000", None),
        ("125,000", "125000", None),
        ("1.25k", "1250", None),
        ("99.5", "99.5", None),
    ],
)
def test_amounts_in_every_notation(text, amount, currency):
    value = parse_amount(text)
    if currency:
        assert value == Money(Decimal(amount), currency)
    else:
        assert value == Decimal(amount)


@pytest.mark.parametrize(
    "text, message",
    [
        ("12 apples", "cannot read"),
        ("$", "cannot read"),
        ("1,00,000", "cannot read"),
        ("XYZ 100", "not an ISO 4217"),
        ("", "cannot read"),
    ],
)
def test_unreadable_amounts_say_why(text, message):
    with pytest.raises(InvalidValue, match=message):
        parse_amount(text)


def test_a_written_currency_must_match_the_expected_one():
    assert parse_amount("£125K", "GBP") == Money(Decimal(125000), "GBP")
    with pytest.raises(InvalidValue, match="is in GBP but the currency is USD"):
        parse_amount("£125K", "USD")


@pytest.mark.parametrize(
    "text, low, high",
    [
        ("$168K–$202K", 168000, 202000),  # en dash
        ("$168K—$202K", 168000, 202000),  # em dash
        ("$168K-$202K", 168000, 202000),  # hyphen
        ("$168K to $202K", 168000, 202000),
        ("CHF 140K - 180K", 140000, 180000),  # currency written once
    ],
)
def test_money_ranges(text, low, high):
    lo, hi = parse_money_range(text)
    assert (lo.amount, hi.amount) == (low, high)
    assert lo.currency == hi.currency


def test_a_range_in_two_currencies_is_an_error():
    with pytest.raises(InvalidValue, match="different currencies"):
        parse_money_range("$100K–£120K")


@pytest.mark.parametrize(
    "text, low, high",
    [("10–15%", "0.10", "0.15"), ("10% - 12.5%", "0.10", "0.125"), ("8 to 12%", "0.08", "0.12")],
)
def test_percent_ranges(text, low, high):
    assert parse_percent_range(text) == (Decimal(low), Decimal(high))


def test_percent():
    assert parse_percent("12%") == Decimal("0.12")
    with pytest.raises(InvalidValue):
        parse_percent("12")


@pytest.mark.parametrize(
    "amount, currency, text",
    [
        (195000, "USD", "$195K"),
        (1200000, "GBP", "£1.2M"),
        (1254999, "GBP", "£1.25M"),  # from a million, to the nearest ten thousand
        (140000, "CHF", "CHF 140K"),
        (275949, "USD", "$276K"),  # to the nearest thousand: exact figures are for tables
        (1234, "EUR", "€1K"),
        (499, "EUR", "€0"),
        ("999500", "USD", "$1M"),
        ("2500.00", "USD", "$3K"),  # half away from zero, as Excel's ROUND
    ],
)
def test_short_money_writes_like_the_guides(amount, currency, text):
    assert short_money(Decimal(amount), currency) == text


symbols = st.sampled_from(sorted(CURRENCY_SYMBOLS))


@given(st.integers(min_value=0, max_value=10**12), symbols)
def test_thousands_separators_round_trip(amount, symbol):
    value = parse_amount(f"{symbol}{amount:,}")
    assert value == Money(Decimal(amount), CURRENCY_SYMBOLS[symbol])


@given(
    st.one_of(st.integers(1, 999).map(lambda k: k * 1000), st.integers(100, 10**6).map(lambda t: t * 10_000)),
    symbols,
)
def test_short_money_round_trips(amount, symbol):
    """Thousands below a million, ten thousands above it: what the prose writes exactly."""
    currency = CURRENCY_SYMBOLS[symbol]
    assert parse_amount(short_money(Decimal(amount), currency)) == Money(Decimal(amount), currency)


@pytest.mark.parametrize("text", ["131.500", "€1.250.000", "131.500 EUR"])
def test_thousands_written_with_dots_are_refused_not_guessed(text):
    with pytest.raises(InvalidValue, match="is ambiguous: write"):
        parse_amount(text)


def test_a_guide_band_with_dot_thousands_is_refused_too():
    with pytest.raises(InvalidValue, match="ambiguous"):
        parse_money_range("€131.500–€150.000")
