"""The candidate's copy (`build --talking-points`): only what they may say, with its amounts,
beside each workbook, written as safely as the workbooks are."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner

from segxlsx.batch import build
from segxlsx.cli import main
from segxlsx.export import export
from segxlsx.figures import offer_figures
from segxlsx.model import CompetingOffer, Offer
from segxlsx.rules import short_money
from segxlsx.sources.guides import load_guides
from segxlsx.sources.offers import load_offers
from segxlsx.store.file_names import is_workbook_name
from segxlsx.talking_points import talking_points
from segxlsx.wording import load_wording, offer_scripts

from .conftest import ROOT, SEED_YAML
from .parity_cases import CASES, HOSTILE, RATES, SEGMENT
from .test_batch import summary_rows
from .test_living import edit

D = Decimal
GUIDES = [SEED_YAML]
OFFERS = ROOT / "data" / "offers"
MONDAY = date(2026, 11, 23)
WORDING = load_wording()


def points_of(offer: Offer, guide=SEGMENT) -> str:
    figures = offer_figures(offer, guide, RATES)
    return talking_points(offer, guide, figures, offer_scripts(offer, guide, WORDING))


@pytest.fixture
def folder(tmp_path):
    out = tmp_path / "out"
    report = build([OFFERS], GUIDES, out, today=MONDAY, talking_points=True)
    assert report.exit_code == 0 and report.points == {"written": 7}
    return out


def test_each_workbook_gets_its_candidates_copy_and_nothing_else(folder):
    workbooks = sorted(p.name for p in folder.glob("*.xlsx") if p.name != "summary.xlsx")
    assert sorted(p.name for p in folder.glob("*.md")) == [name.replace(".xlsx", ".md") for name in workbooks]
    assert not is_workbook_name("priya-raman.md")
    assert [row["Candidate"] for row in summary_rows(folder / "summary.xlsx")] != []
    assert all(row["Workbook"].endswith(".xlsx") for row in summary_rows(folder / "summary.xlsx"))
    done = export(folder, folder.parent / "offers.yaml", GUIDES)
    assert len(done.offers) == 7 and not done.failures  # the .md files are not taken for workbooks


def test_the_copy_holds_what_the_candidate_may_say_and_never_the_coachs_part(folder):
    guides = load_guides(GUIDES)
    for offer in load_offers([OFFERS], guides).offers:
        slug = offer.candidate.lower().replace(" ", "-")
        text = (folder / f"{slug}.md").read_text(encoding="utf-8")
        assert text.startswith(f"# What to say: {offer.candidate}\n")
        for coach in ("walk-away", "walk away", "Never say", "Accept if above", "For you", "Year one pays"):
            assert coach.casefold() not in text.casefold(), (coach, text)
        assert offer.notes.split(".")[0] not in text  # the offer's notes are the recruiter's
        assert "Snowflake and Databricks offers with larger equity" not in text  # the guide's claim
        if not offer.competing:
            assert "## Counter with competing offers" not in text and "offer from" not in text


def test_the_copy_says_each_amount_as_the_workbook_says_it():
    guide, offer = CASES["sf-competing"]
    figures = offer_figures(offer, guide, RATES)
    text = points_of(offer)
    assert f"a base of {short_money(figures.ask_base, 'USD')}" in text
    assert "Snowflake at $300K a year, Databricks at $276K a year and Monzo" in text
    assert short_money(figures.walk_away_stock, "USD") == "$180K" and "$180K" not in text


def test_a_rebuild_knows_its_own_copies_and_keeps_one_edited_by_hand(folder):
    marcus = folder / "marcus-chen.md"
    before = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.md")}
    again = build([OFFERS], GUIDES, folder, today=MONDAY, talking_points=True)
    assert again.points == {"unchanged": 7} and again.skipped == 7
    assert {p.name: p.stat().st_mtime_ns for p in folder.glob("*.md")} == before
    marcus.write_text(marcus.read_text(encoding="utf-8") + "\nCall me first.\n", encoding="utf-8")
    kept = build([OFFERS], GUIDES, folder, today=MONDAY, talking_points=True)
    assert kept.points == {"unchanged": 6, "kept": 1} and kept.exit_code == 0
    assert any("marcus-chen.md: kept, edited by hand" in note for note in kept.notes)
    assert marcus.read_text(encoding="utf-8").endswith("Call me first.\n")
    forced = build([OFFERS], GUIDES, folder, today=MONDAY, talking_points=True, force=True)
    assert forced.points["written"] == 1 and "Call me first." not in marcus.read_text(encoding="utf-8")


def test_a_copy_that_went_missing_or_was_never_asked_for_is_written(tmp_path):
    out = tmp_path / "out"
    assert build([OFFERS], GUIDES, out, today=MONDAY).points is None  # not asked for: none written
    assert not list(out.glob("*.md"))
    report = build([OFFERS], GUIDES, out, today=MONDAY, talking_points=True)
    assert report.points == {"written": 7} and report.count("unchanged") == 7  # the workbooks stay
    (out / "hannah-price.md").unlink()
    again = build([OFFERS], GUIDES, out, today=MONDAY, talking_points=True)
    assert again.points == {"written": 1, "unchanged": 6} and (out / "hannah-price.md").exists()


def test_a_dead_builds_half_written_copy_is_cleared(folder):
    leftover = folder / ".marcus-chen.md.4242-deadbeef.tmp"
    leftover.write_text("# half", encoding="utf-8")
    build([OFFERS], GUIDES, folder, today=MONDAY, talking_points=True)
    assert not leftover.exists()


def test_a_workbook_edited_by_hand_gets_the_copy_its_own_inputs_say(folder):
    edit(folder / "marcus-chen.xlsx", offer_keep="base")
    report = build([OFFERS], GUIDES, folder, today=MONDAY, talking_points=True)
    assert report.count("kept") == 1 and report.points["written"] == 1
    text = (folder / "marcus-chen.md").read_text(encoding="utf-8")
    assert "I'm happy with the $158K base as offered." in text and "a base of" not in text


def test_the_command_line_writes_them_and_says_so(tmp_path):
    result = CliRunner().invoke(
        main,
        ["build", str(OFFERS), "--guide", str(SEED_YAML), "-o", str(tmp_path), "-w", "1", "--talking-points"],
    )
    assert result.exit_code == 0, result.output
    assert "talking points: 7 written, 0 unchanged, 0 kept, 0 failed" in result.stdout
    assert (tmp_path / "priya-raman.md").is_file()


def test_untrusted_text_cannot_make_markdown_of_the_copy():
    link = "[click](http://evil)"
    offer = Offer(
        f"{HOSTILE[0]} <script>", SEGMENT.id, "London", "GBP", D(130000), D(100000), D("0.1"),
        competing=(CompetingOffer(link, "GBP", D(150000), D(200000), D("0.1")),),
    )  # fmt: skip
    text = points_of(offer)
    assert "[click](http://evil)" not in text and r"\[click\](http://evil)" in text
    assert "<script>" not in text and r"\<script\>" in text
    assert all(not line.startswith(("-", "+", "=", "<")) for line in text.splitlines())


def test_the_copy_is_the_same_bytes_for_the_same_inputs(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    for out in (one, two):
        build([OFFERS], GUIDES, out, today=MONDAY, talking_points=True, workers=2 if out == two else 1)
    for path in one.glob("*.md"):
        assert path.read_bytes() == (two / path.name).read_bytes()
    assert os.path.getsize(one / "priya-raman.md") > 0
