"""A candidate says only what is true of them: every sentence of a guide's scripts is classed by
what it claims, and no competing claim reaches a candidate without competing offers.

Table-driven cases for the classes (the issue's own sentences among them), then properties
over generated guides whose strategy and levers mix claims with plain pitch: whatever the
offer, a candidate holding no competing offers never has a claim sentence in what they say.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segxlsx.claims import (
    ASK,
    CLAIM,
    FIGURE,
    PITCH,
    classify,
    common_words,
    employers,
    held_back,
    own_names,
    read_sentences,
    sentences,
)
from segxlsx.figures import offer_figures
from segxlsx.model import CompetingOffer, Lever, Offer
from segxlsx.scripts import ACCEPT_ABOVE, WALK_AWAY_BELOW, walk_away_sense
from segxlsx.talking_points import talking_points
from segxlsx.wording import load_wording, offer_scripts

from .parity_cases import RATES, SEGMENT, STRIPE

D = Decimal
WORDING = load_wording()


def kind(text: str, guide=SEGMENT) -> str:
    from segxlsx.claims import common_words, own_names

    return classify(text, employers(guide), own_names(guide), common_words(guide)).kind


@pytest.mark.parametrize(
    "text",
    [
        # The issue's: a reworded guide, no keyword the old cut looked for.
        "Confluent has already offered me a bigger grant, and Datadog is close behind.",
        "Datadog is close behind.",
        "Datadog's package is bigger.",
        # Employers the guide names (level mapping, lever titles), in any form.
        "Snowflake and Databricks both came back higher.",
        "Google-scale infrastructure is what I have run for years.",
        "mParticle wants an answer by Friday.",
        # Offers, matches and counters, whoever the employer.
        "I have two other offers on the table.",
        "I'm weighing a written offer right now.",
        "They have offered me a larger grant.",
        "Another company will match this package.",
        "If you can't move, I'll take their counter.",
        "I have a competing offer.",
        "I could earn more elsewhere.",
        "I've been interviewing with other companies.",
        "Acme Inc. has offered me more.",
        "Acme is paying 20% more for the same role.",
        "I already have a number from Acme.",
        "Siemens' package is richer.",
        "I'm also talking to Netflix.",
        "I have another opportunity that pays well.",
        "Offers I've received are higher.",
        "Compared with Acme, this grant is light.",
        "I'm being recruited by Acme.",
        "Meta came in at $250K.",
    ],
)
def test_a_competing_claim_is_a_claim_however_it_is_worded(text):
    assert kind(text) == CLAIM


@pytest.mark.parametrize(
    ("text", "guide"),
    [
        ("Segment's RSU grant must be competitive for the AI infrastructure complexity.", SEGMENT),
        ("Segment offers Twilio RSUs with real liquidity.", SEGMENT),  # "offers", the guide's own
        ("Stripe's tender offers make the RSUs worth their face value.", STRIPE),
        ("My remit spans Jira and Confluence, and the equity should match that scope.", SEGMENT),
        ("Processing billions of events daily requires specialised expertise.", SEGMENT),
        ("I own payments reliability work that is core to Stripe's revenue.", STRIPE),
    ],
)
def test_a_pitch_that_claims_nothing_is_a_pitch(text, guide):
    assert kind(text, guide) == PITCH


def test_a_sentence_with_the_guides_own_amount_is_a_figure():
    assert kind("The CDP market is projected to reach $15B+ by 2028.") == FIGURE
    assert kind("I won't accept less than $180K in RSUs.") == FIGURE


def test_other_employers_come_from_the_level_mapping_and_competing_lever_titles():
    assert employers(SEGMENT) == ("Google", "Snowflake", "Databricks", "mParticle")  # not Segment
    assert employers(STRIPE) == ("Google", "Adyen", "Block")
    assert "Shopify" in employers(SEGMENT, also=("Shopify",))


def test_sentences_end_where_people_end_them():
    assert sentences(
        "I have offers. mParticle has offered me more! e.g. Snowflake too. Acme Inc. has offered."
    ) == [
        "I have offers.",
        "mParticle has offered me more!",
        "e.g. Snowflake too.",
        "Acme Inc. has offered.",
    ]


def test_the_seed_guides_claims_are_found_and_listed():
    read = read_sentences(SEGMENT)
    assert [s.kind for s in read.strategy] == [ASK, PITCH, CLAIM, PITCH]
    assert [s.kind for s in read.levers[1]] == [
        CLAIM,
        PITCH,
    ]  # "I have offers from Snowflake and Databricks…"
    listed = held_back(SEGMENT)
    assert any("I have Snowflake and Databricks offers" in line and "the strategy" in line for line in listed)
    assert any("lever 2 (Snowflake/Databricks Counter)" in line for line in listed)
    assert any("lever 4" in line and "$15B" in line for line in listed)


@pytest.mark.parametrize(
    ("line", "sense"),
    [
        ("Accept if above $180K RSUs.", ACCEPT_ABOVE),
        ("Accept anything over €120K in RSUs.", ACCEPT_ABOVE),
        ("Walk away below A$200K in equity.", WALK_AWAY_BELOW),
        ("Minimum $150K RSUs.", WALK_AWAY_BELOW),
        ("Don't accept below $150K RSUs.", WALK_AWAY_BELOW),
    ],
)
def test_the_walk_away_line_keeps_its_sense(line, sense):
    assert walk_away_sense(line) == sense


# -- properties over generated guides -----------------------------------------------------------

PLAIN = [
    "I'm building the AI-powered CDP infrastructure.",
    "My work directly accelerates the platform's scaling.",
    "Segment's RSU grant must be competitive for the complexity.",
    "I bring deep experience with real-time event processing.",
    "The role is central to the next growth phase.",
]
EMPLOYERS = ["Snowflake", "Databricks", "Google", "mParticle", "Confluent", "Datadog"]
CLAIMS = [
    "{0} has offered me a bigger grant.",
    "I have an offer from {0} with larger equity.",
    "{0} is close behind.",
    "{0} will match the package.",
    "My counter from {0} is higher.",
    "I have competing offers.",
    "{0} and {1} both want me.",
    "I'm holding {0} and {1} offers with larger equity packages.",
    "Their counter is on the table.",
    "{0}-scale pipelines are my daily work.",
]


@st.composite
def guides(draw):
    """The seed guide with its strategy and levers rewritten: claims (naming employers from its
    level mapping and lever titles, or claiming offers, matches, counters) mixed with plain pitch."""
    chosen = draw(st.lists(st.sampled_from(EMPLOYERS), min_size=2, max_size=3, unique=True))
    mapping = ("Segment DE", *(f"{name} Senior DE" for name in chosen[:1]))

    def claim() -> str:
        names = draw(st.permutations(chosen))
        return draw(st.sampled_from(CLAIMS)).format(*names)

    def mixed() -> list[str]:
        return [
            claim() if is_claim else draw(st.sampled_from(PLAIN))
            for is_claim in draw(st.lists(st.booleans(), max_size=4))
        ]

    ask = "I'd like $195K in Twilio RSUs over 4 years with a $198K base and 12% bonus target."
    script = " ".join([ask, *mixed(), claim(), *mixed()])
    counter = "/".join(chosen[1:]) + " Counter"
    levers = (
        Lever(1, "Platform Scope", " ".join([*mixed(), draw(st.sampled_from(PLAIN))])),
        Lever(2, counter, " ".join([claim(), *mixed()])),
    )
    guide = replace(
        SEGMENT, level_mapping=mapping, levers=levers, strategy=replace(SEGMENT.strategy, script=script)
    )
    return guide, [claim_text for claim_text in _claims_in(guide)]


def _claims_in(guide) -> list[str]:
    read = read_sentences(guide)
    return [s.text for s in (*read.strategy, *(s for lever in read.levers for s in lever)) if s.kind == CLAIM]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_candidates_companies_read_as_if_the_guide_had_named_them(data):
    """Read with a candidate's competing companies, a guide reads as every sentence classified
    afresh with them, though only the sentences that name one are read again."""
    guide, _ = data.draw(guides())
    also = tuple(
        data.draw(st.lists(st.sampled_from([*EMPLOYERS, "Hooli", "snowflake", "Segment", " "]), max_size=3))
    )
    names = employers(guide, also)
    afresh = [
        s if s.kind == ASK else classify(s.text, names, own_names(guide), common_words(guide))
        for s in _every_sentence(read_sentences(guide))
    ]
    assert _every_sentence(read_sentences(guide, also)) == afresh


def _every_sentence(read) -> list:
    return [*read.strategy, *(s for lever in read.levers for s in lever)]


POSITIONS = st.sampled_from([D("0.4"), D("0.8"), D("1.0"), D("1.3")])


@st.composite
def offers(draw, guide, competing: bool):
    band = draw(st.sampled_from(guide.bands))
    base = (band.base.max * draw(POSITIONS)).quantize(D(1000))
    stock = (band.stock.max * draw(POSITIONS)).quantize(D(1000))
    others = ()
    if competing:
        others = (CompetingOffer("Hooli", band.currency, D(150000), D(200000), D("0.1")),)
    return Offer(
        "Cand", guide.id, band.region, band.currency, base, stock, D("0.1"),
        sign_on=draw(st.sampled_from([(), (D(20000),)])), competing=others,
        keep=draw(st.sampled_from([(), ("base",), ("stock", "bonus")])),
    )  # fmt: skip


def _said(offer, guide) -> list[str]:
    """What the candidate says: each "What to say" of the Scripts sheet, and their talking points."""
    scripts = offer_scripts(offer, guide, WORDING)
    figures = offer_figures(offer, guide, RATES)
    return [say for say, _ in scripts.texts(figures, offer.currency)] + [
        talking_points(offer, guide, figures, scripts)
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_candidate_without_competing_offers_never_says_a_claim(data):
    guide, claims = data.draw(guides())
    assert claims, "the generator always writes a claim"
    offer = data.draw(offers(guide, competing=False))
    said = " ".join(_said(offer, guide))
    for claim in claims:
        assert claim not in said, (claim, said)
    for name in EMPLOYERS:  # no employer, the guide's nor any other
        assert name not in said, (name, said)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_candidate_with_competing_offers_claims_only_their_own(data):
    guide, claims = data.draw(guides())
    offer = data.draw(offers(guide, competing=True))
    said = " ".join(_said(offer, guide))
    assert "Hooli" in said
    for claim in claims:  # the guide's claims stay the guide's: never said as written
        assert claim not in said, (claim, said)
    for name in EMPLOYERS:
        assert name not in said, (name, said)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_claim_reaches_the_scripts_sheets_what_to_say_column(data):
    """Every cell under "What to say (safe to paste)", the guide's levers included: a claim of
    the guide's is in the coach's column or nowhere."""
    import io

    from openpyxl import load_workbook

    from segxlsx.sheets import render_offer, workbook_bytes
    from segxlsx.sheets.scripts import NOTE, SAY

    guide, claims = data.draw(guides())
    offer = data.draw(offers(guide, competing=data.draw(st.booleans())))
    workbook, _ = render_offer(offer, guide, RATES, WORDING)
    sheet = load_workbook(io.BytesIO(workbook_bytes(workbook, RATES.as_of)), data_only=True)["Scripts"]
    said = " ".join(str(sheet[f"{SAY}{row}"].value or "") for row in range(1, sheet.max_row + 1))
    noted = " ".join(str(sheet[f"{NOTE}{row}"].value or "") for row in range(1, sheet.max_row + 1))
    for claim in claims:
        assert claim not in said, claim
    lever_claims = [s.text for lever in read_sentences(guide).levers for s in lever if s.kind == CLAIM]
    for claim in lever_claims:  # the guide's words are all still there, for the coach
        assert claim in noted, claim
