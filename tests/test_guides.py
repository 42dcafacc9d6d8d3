"""The guide importer: the seed, other guides of its family, mojibake, and bad guides."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from segxlsx.errors import GuideError
from segxlsx.figures import band_total_comp, total_comp_check
from segxlsx.model import Range
from segxlsx.sources.guides import dump_guide, load_guide, load_guides, read_guide
from segxlsx.sources.guides.mojibake import find_mojibake, repair

from .conftest import FIXTURES, SEED, SEED_YAML, SHARED_SEED

D = Decimal


def _k(low, high):
    return Range(D(low) * 1000, D(high) * 1000)


@pytest.fixture(scope="module")
def seed():
    return read_guide(SEED)


def test_the_fixture_copy_is_the_seed_byte_for_byte():
    if not SHARED_SEED.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_seed_header(seed):
    guide = seed.guide
    assert guide.id == "segment-data-engineer"
    assert guide.title == "Data Engineer | Segment Global Negotiation Guide"
    assert (guide.role, guide.company, guide.parent_company) == ("Data Engineer", "Segment", "Twilio")
    assert guide.tagline == "Twilio RSU Package + Bonus | AI-Powered CDP Data Infrastructure 2026"


@pytest.mark.parametrize(
    "region, currency, base, stock, bonus, stated",
    [
        ("San Francisco", "USD", (168, 202), (110, 200), ("0.10", "0.15"), (218, 278)),
        ("New York", "USD", (162, 195), (105, 190), ("0.10", "0.15"), (210, 268)),
        ("London", "GBP", (118, 148), (78, 140), ("0.10", "0.15"), (150, 198)),
    ],
)
def test_seed_bands_every_number(seed, region, currency, base, stock, bonus, stated):
    band = seed.guide.band(region)
    assert band.region == region and band.currency == currency
    assert band.base == _k(*base)
    assert band.stock == _k(*stock)
    assert band.vesting_years == 4
    assert band.bonus_pct == Range(D(bonus[0]), D(bonus[1]))
    assert band.total_comp_stated == _k(*stated)


def test_seed_regions_in_order(seed):
    assert seed.guide.regions == ("San Francisco", "New York", "London")


def test_seed_levers_mapping_and_sections(seed):
    guide = seed.guide
    assert [(lever.number, lever.name) for lever in guide.levers] == [
        (1, "AI CDP Infrastructure"),
        (2, "Snowflake/Databricks Counter"),
        (3, "Scale Expertise Premium"),
        (4, "CDP Market Growth"),
    ]
    assert guide.levers[1].script.startswith("I have offers from Snowflake and Databricks")
    assert guide.levers[0].script.endswith("My equity should reflect the AI transformation value.")
    assert guide.level_mapping == (
        "Segment DE",
        "Google L3-L4",
        "Snowflake DE",
        "Databricks DE",
        "mParticle Senior DE",
    )
    assert [s.heading for s in guide.lever_sections] == ["AI-Powered CDP Infrastructure Lever"]
    assert len(guide.lever_sections[0].paragraphs) == 2
    assert len(guide.narrative) == 2 and guide.narrative[0].startswith("Segment Data Engineers build")
    assert guide.sources == (
        "Segment — AI CDP Infrastructure Roadmap 2026",
        "Segment/Twilio DE Comp — Levels.fyi 2025-2026",
        "CDP Market — AI Growth Projections 2026-2028",
        "Customer Data Platform — DE Compensation Benchmarks 2026",
    )


def test_seed_targets_and_walk_away(seed):
    strategy = seed.guide.strategy
    assert strategy.reference_region == "San Francisco" and strategy.currency == "USD"
    assert strategy.target_base == 198000
    assert strategy.target_stock == 195000
    assert strategy.target_bonus_pct == D("0.12")
    assert strategy.walk_away_stock == 180000
    assert strategy.script.startswith("I'd like $195K in Twilio RSUs over 4 years")
    assert strategy.walk_away_line == "Accept if above $180K RSUs."


def test_seed_mojibake_is_repaired_and_the_lost_emoji_reported(seed):
    text = dump_guide(seed.guide)
    assert find_mojibake(text) == []
    for sequence in ("â€", "Â£", "ðŸ", "ï¸"):
        assert sequence not in text
    assert "Â" not in text and "â€" not in text
    assert "— AI-powered identity resolution" in text  # an em dash restored
    assert [d.line for d in seed.dropped] == [19, 19]


def test_seed_total_comp_computed_beside_stated(seed):
    sf = seed.guide.band("San Francisco")
    assert band_total_comp(sf) == Range(D("212300"), D("282300"))  # 168 + 110/4 + 16.8 ...
    check = total_comp_check(sf)
    assert check.flagged  # stated $218K is 2.6% above the computed $212.3K
    assert round(check.min_difference, 4) == D("-0.0261")
    london = total_comp_check(seed.guide.band("London"))
    assert london.flagged and round(london.max_difference, 4) == D("0.0364")


def test_the_committed_yaml_is_what_the_importer_makes(seed):
    assert SEED_YAML.read_text(encoding="utf-8") == dump_guide(seed.guide, source=SEED.name)


def test_yaml_round_trip_gives_the_same_guide(seed, tmp_path):
    path = tmp_path / "segment-data-engineer.yaml"
    path.write_text(dump_guide(seed.guide), encoding="utf-8")
    assert load_guide(path) == seed.guide


# -- other guides of the family ---------------------------------------------------------------


def test_a_guide_with_six_regions_and_every_notation():
    guide = load_guide(FIXTURES / "guides" / "stripe-software-engineer.md")
    assert guide.regions == ("Dublin", "Toronto", "Singapore", "Zurich", "Bangalore", "Tokyo")
    assert [b.currency for b in guide.bands] == ["EUR", "CAD", "SGD", "CHF", "INR", "JPY"]
    assert guide.band("toronto").base == Range(D(150000), D(190000))  # thousands separators, hyphen
    assert guide.band("Singapore").stock == _k(120, 240)  # "to"
    assert guide.band("Zurich").bonus_pct == Range(D("0.08"), D("0.12"))  # em dash
    assert guide.band("Bangalore").base == Range(D(4500000), D(6000000))  # M suffix
    assert guide.band("Tokyo").total_comp_stated == Range(D(18000000), D(26000000))
    assert [s.heading for s in guide.lever_sections] == [
        "🌍 Global Reliability Lever",
        "💰 Equity Refresh Lever",
    ]
    s = guide.strategy
    assert (s.reference_region, s.currency) == ("Dublin", "EUR")
    assert (s.target_base, s.target_stock, s.target_bonus_pct, s.walk_away_stock) == (
        135000,
        150000,
        D("0.14"),
        120000,
    )


def test_a_guide_with_other_headers_phrasing_and_iso_codes():
    guide = load_guide(FIXTURES / "guides" / "atlassian-product-manager.md")
    assert guide.parent_company == "Atlassian"
    assert [b.vesting_years for b in guide.bands] == [3, 3, 3]
    assert guide.band("Hong Kong").stock == Range(D(900000), D(1800000))
    assert guide.band("London").base == Range(D(120000), D(150000))  # "120,000 GBP"
    s = guide.strategy
    assert (s.reference_region, s.currency) == ("Sydney", "AUD")
    assert (s.target_base, s.target_stock, s.target_bonus_pct, s.walk_away_stock) == (
        220000,
        280000,
        D("0.15"),
        200000,
    )
    assert s.walk_away_line == "Walk away below A$200K in equity."


def _as_the_seed_arrived(text: str) -> str:
    """Make mojibake the way the seed's was: UTF-8 bytes decoded as cp1252, undefined bytes lost."""
    return text.encode("utf-8").decode("cp1252", errors="ignore")


def test_a_mojibake_guide_reads_like_the_clean_one(tmp_path):
    clean_path = FIXTURES / "guides" / "stripe-software-engineer.md"
    broken_path = tmp_path / "stripe-software-engineer.md"
    broken_path.write_text(_as_the_seed_arrived(clean_path.read_text(encoding="utf-8")), encoding="utf-8")
    assert "â‚¬" in broken_path.read_text(encoding="utf-8")  # it really is broken

    clean, broken = load_guide(clean_path), read_guide(broken_path)
    assert broken.guide.bands == clean.bands
    assert broken.guide.strategy == clean.strategy
    assert broken.guide.levers == clean.levers
    assert broken.guide.narrative == clean.narrative  # “five nines” kept, its ” restored
    # 🌍 lost its last byte (8D) and cannot be told from other emoji: dropped, and said so.
    assert [s.heading for s in broken.guide.lever_sections] == [
        "Global Reliability Lever",
        "💰 Equity Refresh Lever",
    ]
    assert [d.text for d in broken.dropped] == ["ðŸŒ"]
    assert find_mojibake(dump_guide(broken.guide)) == []


@pytest.mark.parametrize(
    "clean",
    ["– — “quoted” it’s £ € ¥ ₹ café Zürich São Paulo 🚀 💰 📈 ✅", "plain ASCII text", "naïve » ok"],
)
def test_repair_leaves_clean_text_alone_and_fixes_broken_text(clean):
    assert repair(clean) == (clean, [])
    assert repair(_as_the_seed_arrived(clean))[0] == clean


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_ascii_text_that_repair_skips_is_text_ftfy_would_leave_alone(text):
    """`repair` does not load ftfy for ASCII text without escapes or carriage returns (fast
    start); that is only right while ftfy, as configured, would change nothing in it."""
    from segxlsx.sources.guides.mojibake import _ftfy, needs_repair

    ftfy, config = _ftfy()
    if not needs_repair(text):
        assert ftfy.fix_text(text, config) == text


# -- bad guides -------------------------------------------------------------------------------

SEED_TEXT = SEED.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "old, new, line, message",
    [
        ("$168Kâ€“$202K", "$202Kâ€“$168K", 7, "'San Francisco.base': min 202,000 is above max 168,000"),
        ("Â£118Kâ€“Â£148K", "118Kâ€“148K", 9, "does not say its currency"),
        ("10â€“15% | Â£150K", "10â€“150% | Â£150K", 9, "between 0% and 100%"),
        ("| Â£78Kâ€“Â£140K", "| Â£78K or so", 9, "'London.stock': expected a range"),
        ("Stock (RSU/4yr)", "Stock (RSU)", 5, "vesting years"),
        ("with a $198K base and", "with a better base and", 32, "target base"),
        (" Accept if above $180K RSUs.", "", 32, "walk-away"),
        ("### Data Engineer | Segment Global Negotiation Guide", "Data Engineer guide", 1, "title"),
        ("1. **AI CDP Infrastructure:**", "1. AI CDP Infrastructure:", 27, "expected a lever"),
        ("- [Segment â€” AI CDP", "Some stray text [Segment â€” AI CDP", 35, "no place for"),
        ("| London | Â£118K", "| San Francisco | Â£118K", 9, "appears twice"),
    ],
)
def test_bad_guides_name_the_line_and_what_was_expected(tmp_path, old, new, line, message):
    assert old in SEED_TEXT
    path = tmp_path / "bad.md"
    path.write_text(SEED_TEXT.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(GuideError) as caught:
        load_guide(path)
    assert caught.value.location.file.endswith("bad.md")
    assert caught.value.location.line == line
    assert message in str(caught.value)


def test_a_guide_without_targets_says_what_is_missing(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text(SEED_TEXT.split("> **Negotiate")[0], encoding="utf-8")
    with pytest.raises(GuideError, match="ends without the '> \\*\\*Negotiate Up Strategy:\\*\\*' quote"):
        load_guide(path)


def _seed_yaml():
    return yaml.safe_load(SEED_YAML.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "change, field, message",
    [
        (
            lambda d: d["bands"][1]["base"].update(min=300000),
            "bands[1].base",
            "min 300,000 is above max 195,000",
        ),
        (lambda d: d["bands"][2].update(currency="GBX"), "bands[2].currency", "not an ISO 4217"),
        (
            lambda d: d["bands"][0]["bonus_pct"].update(max=1.5),
            "bands[0].bonus_pct.max",
            "between 0% and 100%",
        ),
        (lambda d: d["negotiate_up"].pop("target_stock"), "negotiate_up.target_stock", "missing"),
        (
            lambda d: d["negotiate_up"].update(reference_region="Paris"),
            "strategy.reference_region",
            "unknown region 'Paris'",
        ),
        (lambda d: d["bands"][0]["stock"].update(max="lots"), "bands[0].stock.max", "cannot read 'lots'"),
        (lambda d: d.update(bands="none"), "bands", "expected a list"),
        # A band of one amount: range penetration would divide by nothing.
        (
            lambda d: d["bands"][1]["base"].update(min=0, max=0),
            "bands[1].base",
            "band's base runs from 0 to 0: a band needs its min below its max",
        ),
        (
            lambda d: d["bands"][2]["stock"].update(min=150000, max=150000),
            "bands[2].stock",
            "band's stock runs from 150,000 to 150,000: a band needs its min below its max",
        ),
        # One region written twice, once with another case and a space.
        (
            lambda d: d["bands"][1].update(region=" " + d["bands"][0]["region"].lower() + " "),
            "bands[1].region",
            "appears twice",
        ),
    ],
)
def test_bad_yaml_guides_name_the_key(tmp_path, change, field, message):
    data = _seed_yaml()
    change(data)
    path = tmp_path / "guide.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(GuideError) as caught:
        load_guide(path)
    assert caught.value.location.field == field
    assert message in caught.value.message


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "guide.yaml"
    path.write_text("title: x\nbands: [\n  - oops: : :\n", encoding="utf-8")
    with pytest.raises(GuideError) as caught:
        load_guide(path)
    assert caught.value.location.line is not None and "invalid YAML" in caught.value.message


def test_load_guides_reads_a_folder_and_refuses_two_guides_with_one_id(tmp_path):
    assert list(load_guides([SEED_YAML.parent])) == ["segment-data-engineer"]
    (tmp_path / "segment-data-engineer.yaml").write_bytes(SEED_YAML.read_bytes())
    with pytest.raises(GuideError, match="second guide with the id"):
        load_guides([SEED_YAML.parent, tmp_path])


@pytest.mark.parametrize(
    "edit, field, message",
    [
        (lambda g: g.__setitem__("level_maping", g.pop("level_mapping")), None,
         "unknown key 'level_maping' (did you mean 'level_mapping'?)"),
        (lambda g: g["bands"][1].__setitem__("bonus", "10%"), "bands[1]",
         "unknown key 'bonus' (did you mean 'bonus_pct'?)"),
        (lambda g: g["negotiate_up"].__setitem__("walk_away", "x"), "negotiate_up",
         "unknown key 'walk_away' (did you mean 'walk_away_line'?)"),
    ],
)  # fmt: skip
def test_a_guide_key_nothing_reads_is_refused_with_its_likely_meaning(tmp_path, edit, field, message):
    """A typo in a guide's key would drop what it holds without a word: refused, as an offer's
    unknown field is, naming where it is and what it was likely meant to be."""
    data = yaml.safe_load(SEED_YAML.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "guide.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(GuideError) as caught:
        load_guide(path)
    assert caught.value.message.startswith(message) and caught.value.location.field == field
