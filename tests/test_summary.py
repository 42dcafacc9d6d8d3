"""summary.xlsx as a manager and an analyst read it: the reporting currency."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from segxlsx.batch import build
from segxlsx.summary.write import most_paid_in

from .conftest import ROOT
from .parity_cases import RATES, SEGMENT, STRIPE
from .test_batch import summary_rows

MONDAY = date(2026, 11, 23)


# -- the reporting currency ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paid_in", "expected", "why"),
    [
        (["USD", "CHF", "CHF"], "CHF", "most offers"),
        (["CHF", "USD"], "USD", "a tie: the guide's reference region is paid in USD"),
        (["USD", "CHF"], "USD", "a tie: the same, whichever comes first"),
        (["CHF", "JPY"], "CHF", "a tie without the reference currency: the first offer's"),
        (["JPY", "CHF", "CHF", "JPY"], "JPY", "the first offer's, not alphabetical"),
        ([], "USD", "no offers: the rates' base"),
    ],
)
def test_the_reporting_currency_on_a_tie_is_the_guides_reference_regions_else_the_first_offers(
    paid_in, expected, why
):
    assert SEGMENT.reference_band.currency == "USD" and RATES.base == "USD"
    assert most_paid_in(Counter(paid_in), RATES, [SEGMENT]) == expected, why


def test_with_several_guides_the_first_guides_reference_currency_breaks_a_tie():
    assert STRIPE.reference_band.currency == "EUR"
    assert most_paid_in(Counter(["USD", "EUR"]), RATES, [STRIPE, SEGMENT]) == "EUR"
    assert most_paid_in(Counter(["EUR", "USD"]), RATES, [SEGMENT, STRIPE]) == "USD"


def test_a_build_reports_in_the_reference_regions_currency_on_a_tie(tmp_path):
    offers = tmp_path / "offers.csv"
    offers.write_text(
        "candidate,region,currency,base,stock,bonus\n"
        "Ada Park,Zurich,CHF,200000,100000,10%\nBen Ode,Dublin,,120000,90000,10%\n"
    )
    guide = ROOT / "tests" / "fixtures" / "guides" / "stripe-software-engineer.md"
    report = build([offers], [guide], tmp_path / "out", today=MONDAY)
    assert report.exit_code == 0 and report.report_currency == "EUR"  # was CHF, alphabetically
    assert "Total comp (EUR)" in summary_rows(tmp_path / "out" / "summary.xlsx")[0]
