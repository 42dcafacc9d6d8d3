"""The offers the workbook tests build, recalculate in LibreOffice and compare with the model.

Each case is a situation a recruiter meets: every region, paid in another currency, below,
within and above the band, competing offers in three currencies, hostile text, a six-region
guide in JPY and CHF, and the vesting schedules, cliffs and frequencies.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from segxlsx.model import CompetingOffer, Offer, Vesting
from segxlsx.sheets import offer as o
from segxlsx.sheets import years as y
from segxlsx.sources.guides import load_guide
from segxlsx.sources.rates import RateTable

from .conftest import FIXTURES, SEED_YAML

D = Decimal
RATES = RateTable(
    base="USD",
    as_of=date(2026, 11, 27),
    source="test reference rates",
    per_base={"GBP": D("0.79"), "EUR": D("0.92"), "JPY": D("150.5"), "CHF": D("0.88"), "INR": D("83.2"),
              "CAD": D("1.36"), "SGD": D("1.34")},
)  # fmt: skip
SEGMENT = load_guide(SEED_YAML)
STRIPE = load_guide(FIXTURES / "guides" / "stripe-software-engineer.md")
HOSTILE = ['=HYPERLINK("http://evil","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]


def offer(name, guide, region, currency, base, stock, bonus, **more) -> Offer:
    return Offer(name, guide.id, region, currency, D(base), D(stock), D(bonus), **more)


CASES = {
    "sf-within": (SEGMENT, offer("Ada", SEGMENT, "San Francisco", "USD", 185000, 150000, "0.12")),
    "ny-below": (SEGMENT, offer("Ben", SEGMENT, "New York", "USD", 150000, 90000, "0.08")),
    "london-above": (SEGMENT, offer("Cai", SEGMENT, "London", "GBP", 160000, 150000, "0.16")),
    "london-paid-in-eur": (SEGMENT, offer("Dee", SEGMENT, "London", "EUR", 150000, 120000, "0.12")),
    "sf-competing": (
        SEGMENT,
        offer(
            "Eve",
            SEGMENT,
            "San Francisco",
            "USD",
            190000,
            185000,
            "0.1",
            sign_on=D(25000),
            competing=(
                CompetingOffer("Snowflake", "USD", D(200000), D(320000), D("0.1")),
                CompetingOffer("Databricks", "GBP", D(150000), D(200000), D("0.12")),
                CompetingOffer("Monzo", "EUR", D(140000), D(40000), D("0.05")),
            ),
        ),  # fmt: skip
    ),
    "hostile": (
        SEGMENT,
        offer(HOSTILE[0], SEGMENT, "London", "GBP", 130000, 100000, "0.1", notes=" ".join(HOSTILE),
              competing=(CompetingOffer(HOSTILE[1], "GBP", D(120000), D(150000), D("0.1")),)),
    ),  # fmt: skip
    "tokyo-jpy": (STRIPE, offer("Fumi", STRIPE, "Tokyo", "JPY", 15500000, 12000000, "0.12")),
    "zurich-paid-in-usd": (STRIPE, offer("Gio", STRIPE, "Zurich", "USD", 170000, 110000, "0.1")),
    # Year by year: schedules, cliffs, frequencies, split sign-on, competing offers converted.
    "sf-back-loaded-monthly": (
        SEGMENT,
        offer("Hal", SEGMENT, "San Francisco", "USD", 185000, 200000, "0.12",
              sign_on=(D(20000), D(10000)),
              vesting=Vesting((D(5), D(15), D(40), D(40)), 12, "monthly"),
              competing=(CompetingOffer("Snowflake", "USD", D(195000), D(200000), D("0.1")),
                         CompetingOffer("Monzo", "GBP", D(150000), D(100000), D("0.1")))),
    ),
    "ny-monthly-after-18-month-cliff": (
        SEGMENT,
        offer("Ida", SEGMENT, "New York", "USD", 170000, 120000, "0.1",
              vesting=Vesting.even(4, cliff_months=18, every="monthly")),
    ),
    "sf-yearly-after-18-month-cliff": (
        SEGMENT,
        offer("Jon", SEGMENT, "San Francisco", "USD", 180000, 150000, "0.1",
              vesting=Vesting.even(4, cliff_months=18, every="yearly")),
    ),
    "london-quarterly-after-7-month-cliff": (
        SEGMENT,
        offer("Kay", SEGMENT, "London", "GBP", 135000, 110000, "0.12", sign_on=D(15000),
              vesting=Vesting((D(10), D(20), D(30), D(40)), 7, "quarterly"),
              competing=(CompetingOffer("Stripe", "EUR", D(150000), D(90000), D("0.1")),)),
    ),
    "zurich-even-over-3-years": (
        STRIPE,
        offer("Lea", STRIPE, "Zurich", "CHF", 160000, 90000, "0.1", sign_on=(D(10000), D(5000), D(5000)),
              vesting=Vesting.even(3, cliff_months=0, every="quarterly"),
              competing=(CompetingOffer("Google", "USD", D(150000), D(120000), D("0.15")),)),
    ),
    # Competing grants on their own schedules, with sign-ons: a five-year grant stretches Compare.
    "sf-competing-own-schedules": (
        SEGMENT,
        offer("Nour", SEGMENT, "San Francisco", "USD", 190000, 200000, "0.12",
              competing=(CompetingOffer("Snowflake", "USD", D(200000), D(300000), D("0.1"),
                                        sign_on=(D(30000), D(10000)),
                                        vesting=Vesting((D(10), D(20), D(30), D(40)), 12, "yearly")),
                         CompetingOffer("Monzo", "GBP", D(150000), D(100000), D("0.1"),
                                        vesting=Vesting.even(5, cliff_months=6, every="monthly")),
                         CompetingOffer("Stripe", "EUR", D(160000), D(90000), D("0.1"), sign_on=(D(20000),),
                                        vesting=Vesting.even(3, cliff_months=0, every="quarterly")))),
    ),
    "sf-above-the-asks": (
        SEGMENT,
        offer("Mo", SEGMENT, "San Francisco", "USD", 215000, 320000, "0.15", sign_on=D(40000)),
    ),
    # Deadlines: a verbal offer due on a Monday, a competing one due the Saturday before (it bites
    # first: the answer is asked for the Friday), another with none; and a settled offer, whose
    # own deadline no longer counts.
    "sf-deadlines": (
        SEGMENT,
        offer("Quinn", SEGMENT, "San Francisco", "USD", 180000, 150000, "0.1", stage="verbal",
              expires=date(2026, 12, 14),
              competing=(CompetingOffer("Snowflake", "USD", D(200000), D(250000), D("0.1")),
                         CompetingOffer("Databricks", "GBP", D(150000), D(200000), D("0.1"),
                                        expires=date(2026, 12, 12)))),
    ),
    "ny-accepted": (
        SEGMENT,
        offer("Rae", SEGMENT, "New York", "USD", 175000, 140000, "0.12", stage="accepted",
              expires=date(2026, 12, 18)),
    ),
    # The candidate keeps the base as offered and wants the argument on the sign-on (one offered).
    "ny-keeps-base-focus-sign-on": (
        SEGMENT,
        offer("Pia", SEGMENT, "New York", "USD", 172000, 120000, "0.1", sign_on=D(20000), keep=("base",),
              focus="sign_on"),
    ),
}  # fmt: skip


def edit_back_loaded(workbook) -> None:
    """A user who retypes the schedule, the cliff, the frequency, the sign-on and the base."""
    years = workbook["Years"]
    for year in range(1, 5):
        years[f"{y.PCT_COL}{y.year_row(year)}"].value = D("0.25")
    years[f"B{y.CLIFF_ROW}"].value = 18
    years[f"B{y.VEST_EVERY_ROW}"].value = "quarterly"
    years[f"{y.SIGN_ON_COL}{y.year_row(1)}"].value = D(5000)
    years[f"{y.SIGN_ON_COL}{y.year_row(2)}"].value = D(0)
    years[f"{y.SIGN_ON_COL}{y.year_row(4)}"].value = D(7000)
    workbook["Offer"]["B9"].value = D(200000)  # offer_base


def edit_deadline(workbook) -> None:
    """A user who hears the offer is now in writing and due sooner: a Wednesday, before the
    competing offer's Saturday."""
    offer_sheet = workbook["Offer"]
    offer_sheet[f"B{o.INPUT_ROW['stage']}"].value = "written"
    offer_sheet[f"B{o.INPUT_ROW['expires']}"].value = date(2026, 12, 9)


def edit_keep(workbook) -> None:
    """A user who types that the candidate keeps the base and argues for the bonus."""
    workbook["Offer"][f"B{o.INPUT_ROW['keep']}"].value = "base"
    workbook["Offer"][f"B{o.INPUT_ROW['focus']}"].value = "bonus"


def edit_focus(workbook) -> None:
    """A user who types that the candidate keeps the sign-on offered and argues for the base."""
    workbook["Offer"][f"B{o.INPUT_ROW['keep']}"].value = "sign-on"
    workbook["Offer"][f"B{o.INPUT_ROW['focus']}"].value = "Base"


# A case built, then edited as a user would, then recalculated with the others: the model of
# the offer as edited is what the recalculated workbook must show.
EDITED = {
    "edited-schedule": (
        "sf-back-loaded-monthly",
        edit_back_loaded,
        lambda o: replace(o, base=D(200000), sign_on=(D(5000), D(0), D(0), D(7000)),
                          vesting=Vesting.even(4, cliff_months=18, every="quarterly")),
    ),
    "edited-keep": ("sf-competing", edit_keep, lambda o: replace(o, keep=("base",), focus="bonus")),
    "edited-deadline": (
        "sf-deadlines", edit_deadline, lambda o: replace(o, stage="written", expires=date(2026, 12, 9))
    ),
    "edited-focus": (
        "london-quarterly-after-7-month-cliff",
        edit_focus,
        lambda o: replace(o, keep=("sign_on",), focus="base"),
    ),
}  # fmt: skip


def _rounds_so_far(guide, *earlier: tuple[str, Offer]) -> tuple:
    """Rounds as a folder would have kept them: each earlier offer, first seen on its day."""
    from segxlsx.figures import offer_figures
    from segxlsx.history import Round

    return tuple(Round.of(one, guide, offer_figures(one, guide, RATES), day) for day, one in earlier)


_ADA = CASES["sf-within"][1]
# Workbooks whose Offer history lists several rounds: name → (guide, offer now, rounds before, day).
ROUNDS = {
    "three-rounds": (
        SEGMENT,
        _ADA,
        _rounds_so_far(
            SEGMENT,
            ("2026-11-20", replace(_ADA, base=D(170000), stock=D(120000), stage="verbal")),
            ("2026-11-24", replace(_ADA, base=D(180000), stock=D(140000), expires=date(2026, 12, 4))),
        ),
        "2026-11-27",
    ),
}
