"""What the writer works out once per process gives the bytes it would give worked out afresh.

Each cache of the writing path is a pure function of its arguments (text, a layout's size,
a page's header): these tests hold the cached answers to the functions' own, and whole
workbooks built among others (every cache warm, filled by offers of other shapes) to the same
workbooks built with every cache of segxlsx emptied first.
"""

from __future__ import annotations

import inspect
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segxlsx.errors import InvalidValue
from segxlsx.model import CompetingOffer, Vesting
from segxlsx.sheets import render_offer, styles, workbook_bytes
from segxlsx.sheets.compare import CompareRows
from segxlsx.wording import load_wording
from segxlsx.xlsx import cells, memo, text

from .parity_cases import CASES, RATES

D = Decimal
WORDING = load_wording()
# Text as offers bring it: letters of any script, blanks at either end, markup and formula starts.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40) | st.sampled_from(
    ["", " ", "Acme ", " Acme", "=SUM(1)", "a & b <c>", "Zoë", "🏗" * 3, "x" * (memo.SHORT + 1)]
)
CACHED_TEXT = [cells.inline_string, cells.formula_xml, text.excel_literal, styles._safe_text]


@pytest.mark.parametrize("function", CACHED_TEXT, ids=lambda f: f.__name__)
@given(text=TEXT)
def test_text_worked_out_once_is_what_the_function_gives(function, text):
    if function is cells.formula_xml:
        text = "=" + text
    first, again = function(text), function(text)  # the second from the cache, when short
    assert first == again == function.__wrapped__(text)


@given(years=st.integers(1, 10), schedules=st.booleans())
def test_compare_rows_worked_out_once_are_where_they_were(years, schedules):
    rows = CompareRows(years, schedules)
    raw = {name: getattr(CompareRows, name) for name in ("cliff", "vest_every", "period", "four_years")}
    for name, attribute in raw.items():
        assert getattr(rows, name) == attribute.fget.__wrapped__(rows)
    for year in range(1, years + 1):
        assert rows.year(year) == CompareRows.year.__wrapped__(rows, year)
        assert rows.sign_on(year) == CompareRows.sign_on.__wrapped__(rows, year)
        assert rows.leader(year) == CompareRows.leader.__wrapped__(rows, year)
    for source in rows.sources:
        assert rows.difference(source) == CompareRows.difference.__wrapped__(rows, source)


def empty_every_cache() -> None:
    """Every cache of every segxlsx module, as in a fresh process: functions' and methods'
    (`cache_clear`), and the memos and dictionaries of parts built once per shape."""
    for name, module in list(sys.modules.items()):
        if not name.startswith("segxlsx"):
            continue
        for value in list(vars(module).values()):
            _empty(value)
            if inspect.isclass(value) and value.__module__ == name:
                for attribute in vars(value).values():
                    _empty(attribute.fget if isinstance(attribute, property) else attribute)


def _empty(value: object) -> None:
    if callable(getattr(value, "cache_clear", None)):
        value.cache_clear()  # type: ignore[union-attr]
    elif isinstance(value, memo.Memo) or type(value).__name__ == "OrderedDict":
        value.clear()  # type: ignore[union-attr]


COMPANIES = st.sampled_from(
    ["Snowflake", "Databricks & Co <Ltd>", "Monzo ", "=HYPERLINK(1)", "Zoë GmbH", "A" * 90]
)
COMPETING = st.builds(
    CompetingOffer,
    company=COMPANIES,
    currency=st.sampled_from(["USD", "GBP", "EUR", "JPY", "CHF"]),
    base=st.integers(90, 300).map(lambda k: D(k * 1000)),
    stock=st.integers(0, 400).map(lambda k: D(k * 1000)),
    bonus_pct=st.sampled_from([D(0), D("0.1"), D("0.15")]),
    sign_on=st.sampled_from([(), (D(10000),), (D(20000), D(5000))]),
    vesting=st.sampled_from(
        [
            None,
            Vesting.even(4, cliff_months=12, every="monthly"),
            Vesting.even(3, cliff_months=0, every="quarterly"),
        ]
    ),  # fmt: skip
    expires=st.sampled_from([None, date(2026, 12, 12)]),
)


@st.composite
def offers(draw):
    """An offer of any shape: its case's guide, region and schedule, 0 to 5 competing offers,
    names short, long or hostile, another currency, a deadline and stage, notes or none."""
    guide, offer = CASES[draw(st.sampled_from(sorted(CASES)))]
    try:
        return guide, replace(
            offer,
            candidate=draw(st.sampled_from(["Ada", "Zoë " * 25, "O'Brien & <Sons>", "+1", " Kim"])),
            competing=tuple(draw(st.lists(COMPETING, max_size=5))),
            notes=draw(st.sampled_from(["", "Note", "Line 1\nLine 2", "ß" * 300])),
            stage=draw(st.sampled_from(["verbal", "written", "accepted"])),
            expires=draw(st.sampled_from([None, date(2026, 12, 14)])),
            currency=draw(st.sampled_from([offer.currency, "USD", "GBP", "EUR"])),
        )
    except InvalidValue:  # a currency or schedule this case's guide does not take
        return guide, offer


def workbook_of(guide, offer) -> bytes:
    return workbook_bytes(render_offer(offer, guide, RATES, WORDING)[0], RATES.as_of)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=offers(), second=offers())
def test_a_workbook_built_after_others_is_the_one_built_in_a_fresh_process(first, second):
    """Caches warm with another offer's shape (and this one's, built once before) give the bytes
    an empty process gives: no cache answers for less than all it was asked."""
    workbook_of(*first)
    warm = workbook_of(*second), workbook_of(*first)
    empty_every_cache()
    assert (workbook_of(*second), workbook_of(*first)) == warm
