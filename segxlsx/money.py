"""Money as written by people: "£125K", "CHF 140,000", "$168K–$202K", "12%".

Everything here is pure and exact: amounts are `Decimal`, never floats. Guides and offers both
parse money through these functions, so the two can never disagree about what "£1.2M" means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .errors import InvalidValue

# Active ISO 4217 codes (precious metals and funds left out).
ISO_CURRENCIES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
    KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
    MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
    SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH
    UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL
    """.split()
)

# Longest first, so "CA$" is not read as "$".
CURRENCY_SYMBOLS: dict[str, str] = {
    "CA$": "CAD",
    "HK$": "HKD",
    "NZ$": "NZD",
    "US$": "USD",
    "A$": "AUD",
    "S$": "SGD",
    "$": "USD",
    "£": "GBP",
    "€": "EUR",
    "¥": "JPY",
    "₹": "INR",
}
# The symbol a script writes for a currency; codes without one are written as "CHF 140K".
SYMBOL_FOR = {code: symbol for symbol, code in reversed(CURRENCY_SYMBOLS.items())}
SYMBOL_FOR["USD"] = "$"


def money_prefix(currency: str) -> str:
    """What an amount in `currency` is written after: its symbol ("£"), else its code ("CHF ")."""
    return SYMBOL_FOR.get(currency) or f"{currency} "


SUFFIXES = {"": Decimal(1), "K": Decimal(1000), "M": Decimal(1_000_000)}

# Any currency symbol, longest first; prose finders in scripts.py use it too.
SYMBOL_PATTERN = "|".join(re.escape(s) for s in CURRENCY_SYMBOLS)
_AMOUNT = re.compile(
    rf"""^\s*
    (?:(?P<symbol>{SYMBOL_PATTERN})|(?P<code>[A-Z]{{3}}))?\s*
    (?P<number>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
    \s*(?P<suffix>[kKmM]?)
    (?:\s*(?P<code_after>[A-Z]{{3}}))?
    \s*$""",
    re.VERBOSE,
)
# A range's two ends: en dash, em dash, hyphen or the word "to".
_RANGE_SPLIT = re.compile(r"\s*(?:[\u2013\u2014-]|\bto\b)\s*")
# "131.500" or "€1.250.000": thousands written with dots, as Excel does in a European locale.
_DOT_THOUSANDS = re.compile(r"^\D*[1-9]\d{0,2}(?:\.\d{3})+(?:\s*[A-Z]{3})?\s*$")
_PERCENT = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*%\s*$")
# No pay comes near a trillion in any currency (yen and rupiah included), so a larger number is
# a typing or pasting accident. The bound also keeps every figure, converted and rounded to the
# cent, inside Decimal's 28 digits, where a 29-digit amount would stop a build.
MAX_AMOUNT = Decimal(10) ** 12


@dataclass(frozen=True)
class Money:
    """An exact amount in an ISO currency."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        check_currency(self.currency)

    def __str__(self) -> str:
        return f"{self.currency} {self.amount:,}"


def check_currency(code: str, field: str | None = None) -> str:
    """Return `code` when it is an ISO 4217 currency code, else raise `InvalidValue`."""
    if not isinstance(code, str) or code not in ISO_CURRENCIES:
        raise InvalidValue(f"{code!r} is not an ISO 4217 currency code (e.g. USD, GBP, EUR)", field=field)
    return code


def check_amount_range(number: Decimal, field: str | None = None) -> Decimal:
    """`number` when it is finite and at most `MAX_AMOUNT` either side of 0, else `InvalidValue`."""
    if not number.is_finite():
        raise InvalidValue(f"expected a number, got {number}", field=field)
    if abs(number) > MAX_AMOUNT:
        raise InvalidValue(f"{_size_of(number)} is over the limit of {MAX_AMOUNT:,}", field=field)
    return number


def _size_of(number: Decimal) -> str:
    """A number too large to use, said without printing thousands of digits."""
    digits = number.adjusted() + 1
    return f"{number:,f}" if digits <= 20 else f"a number of {digits:,} digits"


def parse_amount(text: str | int | Decimal, currency: str | None = None) -> Money | Decimal:
    """Parse one amount: "£125K", "CHF 140,000", "1.2M", "125000".

    Returns `Money` when the text names its currency (or `currency` is given), else a bare
    `Decimal`. A currency written in the text that contradicts `currency` is an error.
    """
    if isinstance(text, (int, Decimal)) and not isinstance(text, bool):
        amount = check_amount_range(Decimal(text))
        return Money(amount, currency) if currency else amount
    if not isinstance(text, str):
        raise InvalidValue(f'expected an amount such as 125000 or "£125K", got {text!r}')
    if _DOT_THOUSANDS.match(text):
        # Read with a decimal point it would quietly turn a salary into 131.50: refuse, never guess.
        whole = int("".join(c for c in text if c.isdigit()))
        raise InvalidValue(
            f"{text!r} is ambiguous: write {whole} or {whole:,} (a dot is a decimal point here)"
        )
    match = _AMOUNT.match(text)
    if not match:
        raise InvalidValue(f'cannot read {text!r} as an amount (write e.g. 125000, "£125K", "CHF 140,000")')
    written = _written_currency(match, text)
    if written and currency and written != currency:
        raise InvalidValue(f"{text!r} is in {written} but the currency is {currency}")
    try:
        amount = Decimal(match["number"].replace(",", "")) * SUFFIXES[match["suffix"].upper()]
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise InvalidValue(f"cannot read {text!r} as an amount") from None
    amount = tidy(check_amount_range(amount))
    code = written or currency
    return Money(amount, code) if code else amount


def tidy(amount: Decimal) -> Decimal:
    """Drop meaningless trailing zeros ("1200000.0" → "1200000") without going to exponents."""
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()


def _written_currency(match: re.Match[str], text: str) -> str | None:
    if match["symbol"]:
        return CURRENCY_SYMBOLS[match["symbol"]]
    code = match["code"] or match["code_after"]
    return check_currency(code) if code else None


def parse_money_range(text: str, currency: str | None = None) -> tuple[Money | Decimal, Money | Decimal]:
    """Parse "$168K–$202K", "CHF 140K to 180K", "£95,000 - £110,000".

    A currency written on one end only applies to both; the two ends must agree.
    """
    ends = _split_range(text)
    low, high = (parse_amount(end, currency) for end in ends)
    code = _range_currency(low, high, text)
    if code is None:
        return low, high
    return _as_money(low, code), _as_money(high, code)


def _range_currency(low: Money | Decimal, high: Money | Decimal, text: str) -> str | None:
    codes = {m.currency for m in (low, high) if isinstance(m, Money)}
    if len(codes) > 1:
        raise InvalidValue(f"the two ends of {text!r} are in different currencies")
    return codes.pop() if codes else None


def _as_money(value: Money | Decimal, code: str) -> Money:
    return value if isinstance(value, Money) else Money(value, code)


def _split_range(text: str) -> list[str]:
    ends = [end for end in _RANGE_SPLIT.split(text.strip()) if end]
    if len(ends) != 2:
        raise InvalidValue(f'expected a range such as "$168K–$202K" or "10–15%", got {text!r}')
    return ends


def parse_percent(text: str) -> Decimal:
    """Parse "12%" or "12.5 %" into a fraction (0.12)."""
    match = _PERCENT.match(text)
    if not match:
        raise InvalidValue(f'expected a percentage such as "12%", got {text!r}')
    return tidy(check_amount_range(Decimal(match["number"])) / 100)


def parse_percent_range(text: str) -> tuple[Decimal, Decimal]:
    """Parse "10–15%" or "10% to 15%" into fractions; the % may be written once, at the end."""
    low, high = _split_range(text)
    if not high.rstrip().endswith("%"):
        raise InvalidValue(f'expected a percentage range such as "10–15%", got {text!r}')
    return parse_percent(low if low.rstrip().endswith("%") else low + "%"), parse_percent(high)
