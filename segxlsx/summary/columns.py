"""The summary's columns: what each shows, in which number format, and how wide it is.

Both sheets of the summary (the board and the full table) are streamed: their widths go out
before their rows. A money column is as wide as the widest amount it will show, with the
currency's symbol or code, as the build's tally measured the rows (`ledger.Measures`: the
smallest and largest of each amount in each currency), so no currency shows `###`; a text
column as wide as its longest text, up to a cap past which it wraps.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from ..errors import RatesError
from ..money import money_prefix
from ..rules import yes_or_no
from ..sources.offer_fields import SUMMARY_FIELDS
from ..sources.rates import RateTable

if TYPE_CHECKING:
    from ..store.ledger import Measures
    from .row import SummaryRow

MONEY = "money"  # number format: the row's own currency
REPORT = "report"  # number format: the reporting currency
# What a column shows beyond the row's fields and figures: an amount converted to the
# reporting currency is the amount's name and this suffix.
IN_REPORT = "@report"
_OFFER_FIELDS = frozenset(f.name for f in SUMMARY_FIELDS)
PADDING = 2.0  # a cell's margins and a little air, in a digit's width


@dataclass(frozen=True)
class Column:
    """One column: its header ("{report}" for the reporting currency's code), what it shows (an
    offer field's name, a `SummaryRow` attribute, or an amount's name + IN_REPORT), its number
    format (MONEY, REPORT, a format, or None for text) and its width in characters (None: as
    wide as what it shows, measured; `cap` the most a measured text column takes)."""

    header: str
    shows: str
    number_format: str | None = None
    width: float | None = None
    cap: float = 24

    def title(self, report: str) -> str:
        return self.header.format(report=report)


def value_of(
    row: SummaryRow, column: Column, report: str, rates: RateTable, today: date | None = None
) -> object:
    """What `row` shows in `column`: a number, a date, a word, or None for an empty cell.
    `today`: the summary's date, which days left count from."""
    shows = column.shows
    if shows == "days_left":
        return row.days_left(today)
    if shows.endswith(IN_REPORT):
        name = shows.removesuffix(IN_REPORT)
        amount = row.offer.get(name) if name in _OFFER_FIELDS else getattr(row, name)
        return converted(amount, row.currency, report, rates)
    if shows in _OFFER_FIELDS:
        return row.offer.get(shows)
    value = getattr(row, shows)
    if shows == "walk_away_met" and value is not None:
        return yes_or_no(value)  # as people say it: a boolean shows TRUE/FALSE in Excel
    if shows == "inputs_changed":  # kept as ISO text in the folder's records
        return _day(value)
    return value


def converted(amount: Decimal | None, currency: str, report: str, rates: RateTable) -> Decimal | None:
    """`amount` in the reporting currency at the build's rates, to the cent; None when it
    cannot be known (a currency these rates lack)."""
    if amount is None or not currency:
        return None
    try:
        return round(rates.convert(amount, currency, report), 2)
    except RatesError:
        return None


def _day(text: str | None) -> date | str | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:  # a record edited by hand: shown as it is
        return text


# -- widths -------------------------------------------------------------------------------------


def widths(columns: tuple[Column, ...], measures: Measures, report: str, rates: RateTable) -> list[float]:
    """Each column's width: as given, or measured (money by its widest amount, text by its
    longest, up to its cap), and never narrower than the longest word of its header."""
    return [
        max(_measured(column, measures, report, rates), header_width(column.title(report)))
        for column in columns
    ]


def _measured(column: Column, measures: Measures, report: str, rates: RateTable) -> float:
    if column.width is not None:
        return column.width
    if column.number_format in (MONEY, REPORT):
        return money_width(column, measures, report, rates)
    return min(column.cap, measures.widest.get(column.shows, 0) + PADDING)


def money_width(column: Column, measures: Measures, report: str, rates: RateTable) -> float:
    """The width of the widest amount `column` shows, its symbol or code included: the
    smallest and the largest amount of each currency, as its number format shows them."""
    name = column.shows.removesuffix(IN_REPORT)
    shown = []
    for (currency, amount_name), extremes in measures.amounts.items():
        if amount_name != name:
            continue
        for amount in extremes:
            if column.number_format == REPORT:
                in_report = converted(amount, currency, report, rates)
                if in_report is not None:
                    shown.append(money_text(report, in_report))
            else:
                shown.append(money_text(currency, amount))
    return max((text_width(text) for text in shown), default=0) + PADDING


def money_text(currency: str, amount: Decimal) -> str:
    """`amount` as `sheets.styles.money_format` shows it: "-£1,234", "CHF 1,234", "¥15,500,000"."""
    whole = amount.quantize(Decimal(1), ROUND_HALF_UP)  # Excel rounds halves away from zero
    return f"{'-' if whole < 0 else ''}{money_prefix(currency)}{abs(whole):,}"


def text_width(text: str, bold: bool = False) -> float:
    """How many digits' widths `text` takes in Arial (LibreOffice's Liberation Sans has the
    same metrics): a column's width is counted in digits."""
    return sum(map(_WIDTHS.__getitem__, text)) * (_BOLD if bold else 1)


def char_width(ch: str) -> float:
    """One character's width, in digits (`text_width`)."""
    return _WIDTHS[ch]


class _Widths(dict[str, float]):
    """Each character's width in digits, worked out the first time it is asked for: Arial's
    own for printable ASCII and the currency symbols, else 600 thousandths of an em, or 1000
    for a wide (CJK) character."""

    def __missing__(self, ch: str) -> float:
        width = self[ch] = _ARIAL.get(ch, 1000 if unicodedata.east_asian_width(ch) in "WF" else 600) / 556
        return width


# Arial's advance widths (thousandths of an em) of the printable ASCII characters, from " " to
# "~" (a digit is 556). Bold is about a tenth wider.
_ARIAL = dict(
    zip(
        map(chr, range(32, 127)),
        map(
            int,
            """278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556
            556 556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667
            556 833 722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556
            556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722
            500 500 500 334 260 334 584""".split(),
        ),
        strict=True,
    )
) | {"£": 556, "€": 556, "¥": 556, "₹": 556}
_WIDTHS = _Widths()
_BOLD = 1.1


def header_width(title: str) -> float:
    """The narrowest a column may be for its header to wrap between words, not inside one."""
    return max((text_width(word, bold=True) for word in title.split()), default=0) + PADDING / 2


def lines_in(text: str, width: float) -> int:
    """About how many lines `text` wraps to in a column `width` wide (LibreOffice does not size
    a row for wrapped text when it opens a file: the row is given its height)."""
    room = max(width - PADDING / 2, 1.0)  # a cell's own margins: the rest of the padding is air
    if text_width(text) <= room:
        return 1
    lines, used = 1, 0.0
    for word in text.split():
        size = text_width(word)
        if used and used + 0.5 + size > room:
            lines, used = lines + 1, 0.0
        elif used:
            used += 0.5
        while size > room:  # a word longer than a line breaks where it must
            lines, size = lines + 1, size - room
        used += size
    return lines
