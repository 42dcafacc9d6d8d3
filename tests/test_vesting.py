"""The vesting rule in Decimal: what vests in each year, for any schedule, cliff and frequency.

The workbook's formulas are proved equal to these functions in test_workbook.py (LibreOffice);
here the rule itself is checked against properties that must hold for every input.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from segxlsx.figures import stock_by_year
from segxlsx.model import VEST_EVERY, Vesting
from segxlsx.rules import vested_share

D = Decimal


@st.composite
def schedules(draw) -> Vesting:
    """Any schedule a recruiter could write: 1 to 10 years of percents (to 0.01) adding up to 100,
    or even over 1 to 10 years (33.33…% cannot be written exactly), with any cliff and frequency."""
    years = draw(st.integers(1, 10))
    if draw(st.booleans()):
        percents = Vesting.even(years).percents
    else:
        cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=years - 1, max_size=years - 1)))
        bounds = [0, *cuts, 10_000]
        percents = tuple(D(high - low) / 100 for low, high in zip(bounds, bounds[1:], strict=False))
    cliff = draw(st.integers(0, 12 * years))
    return Vesting(percents, cliff, draw(st.sampled_from(list(VEST_EVERY))))


grants = st.integers(0, 10**10).map(D) | st.decimals(0, 10**9, places=2, allow_nan=False)


@given(schedules(), grants)
def test_the_years_add_up_to_the_whole_grant(vesting, stock):
    by_year = stock_by_year(stock, vesting)
    assert len(by_year) == vesting.years
    assert sum(by_year) == stock
    assert all(amount >= 0 for amount in by_year)


@given(schedules())
def test_nothing_vests_before_the_cliff_and_everything_by_the_end(vesting):
    shares = [vested_share(vesting, month) for month in range(12 * vesting.years + 1)]
    assert shares == sorted(shares)  # never un-vests
    assert all(share == 0 for share in shares[: vesting.cliff_months])
    assert shares[-1] == 1


@given(schedules())
def test_the_frequency_only_moves_stock_within_a_year(vesting):
    """At each year end every frequency has vested the same; the cliff is what moves years."""
    for every in VEST_EVERY:
        other = Vesting(vesting.percents, vesting.cliff_months, every)
        assert [vested_share(other, 12 * y) for y in range(vesting.years + 1)] == [
            vested_share(vesting, 12 * y) for y in range(vesting.years + 1)
        ]


@given(schedules())
def test_with_a_cliff_of_a_year_or_less_each_year_gets_its_percent(vesting):
    if vesting.cliff_months > 12:
        vesting = Vesting(vesting.percents, 12, vesting.every)
    by_year = stock_by_year(D(10**6), vesting)
    total = sum(vesting.percents)
    for amount, percent in zip(by_year, vesting.percents, strict=True):
        assert abs(amount - D(10**6) * percent / total) < D("1e-15")


@pytest.mark.parametrize(
    ("every", "cliff", "at_cliff"),
    [
        ("monthly", 12, D("0.25")),  # the first year's 25%, all at once on the first anniversary
        ("monthly", 6, D("0.125")),  # six months' worth
        ("quarterly", 7, D("0.125")),  # two quarters have passed by month 7
        ("quarterly", 2, D(0)),  # no vest date yet: the first is month 3
        ("yearly", 6, D(0)),
        ("monthly", 18, D("0.375")),  # year one's 25% and half of year two's
        ("yearly", 18, D("0.25")),  # year two's single vest date is month 24
    ],
)
def test_what_vests_on_the_cliff_date(every, cliff, at_cliff):
    assert vested_share(Vesting.even(4, cliff, every), cliff) == at_cliff


def test_a_back_loaded_grant_month_by_month():
    vesting = Vesting((D(5), D(15), D(40), D(40)), 12, "monthly")
    assert vested_share(vesting, 11) == 0
    assert vested_share(vesting, 12) == D("0.05")
    assert vested_share(vesting, 13) == D("0.05") + D("0.15") / 12
    assert stock_by_year(D(100_000), vesting) == (5000, 15000, 40000, 40000)
