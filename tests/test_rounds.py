"""Rounds of a negotiation: each set of inputs an offer has had, kept in the folder; the Offer
history sheet that lists them; and the summary's board, sorted by what is due."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from segxlsx import rules
from segxlsx.batch import build
from segxlsx.cli import main
from segxlsx.export import export
from segxlsx.history import Round, with_round
from segxlsx.sheets.history import TITLE_SHEET
from segxlsx.sources.offers import load_offers
from segxlsx.store.ledger import Ledger
from segxlsx.store.manifest import Manifest
from segxlsx.summary.board import board_order
from segxlsx.summary.layout import HEADER_ROW, SummaryHeading
from segxlsx.summary.row import SummaryRow
from segxlsx.summary.sheet import render_summary, save_summary
from segxlsx.summary.write import rows_of

from .conftest import ROOT, SEED_YAML
from .parity_cases import RATES, ROUNDS, SEGMENT
from .test_cached_values import formula_values, same

GUIDES = [SEED_YAML]
MONDAY = date(2026, 11, 23)
ADA = {"candidate": "Ada Park", "region": "San Francisco", "base": 180000, "stock": 150000, "bonus": "12%",
       "stage": "verbal"}  # fmt: skip
WORKBOOK = "ada-park.xlsx"


def write_offer(offers: Path, **changes: object) -> None:
    """Ada's offer file with `changes` (JSON is YAML too)."""
    offers.mkdir(exist_ok=True)
    (offers / "ada.yaml").write_text(json.dumps(ADA | changes, default=str))


def rounds_of(out: Path, name: str = WORKBOOK) -> tuple[Round, ...]:
    entry = Manifest.read(out).get(name)
    assert entry is not None
    return entry.rounds


def history(path: Path) -> list[dict[str, object]]:
    """The Offer history sheet as {header: value} per round (the values cached in the file)."""
    sheet = load_workbook(path, data_only=True)[TITLE_SHEET]
    rows = sheet.iter_rows(min_row=4, values_only=True)
    header = next(rows)
    return [dict(zip(header, row, strict=True)) for row in rows if str(row[0] or "").startswith("Round")]


def board(path: Path) -> tuple[str, list[dict[str, object]]]:
    """The board's title and its rows as {header: cell}."""
    sheet = load_workbook(path)["Board"]
    rows = sheet.iter_rows(min_row=HEADER_ROW)
    header = [cell.value for cell in next(rows)]
    return sheet["A1"].value, [dict(zip(header, row, strict=True)) for row in rows]


def edit_in_workbook(path: Path, day: date, **inputs: object) -> None:
    """Save the workbook as Excel would, with named inputs changed, on `day`."""
    workbook = load_workbook(path)
    for name, value in inputs.items():
        ((sheet, ref),) = workbook.defined_names[name].destinations
        workbook[sheet][ref.replace("$", "")] = value
    workbook.save(path)
    noon = datetime(day.year, day.month, day.day, 12).timestamp()  # local noon: the day a build sees
    os.utime(path, (noon, noon))


def test_three_rounds_from_the_offer_file_a_hand_edit_and_the_offer_file_again(tmp_path):
    offers, out = tmp_path / "offers", tmp_path / "out"
    days = [MONDAY, MONDAY + timedelta(days=2), MONDAY + timedelta(days=4)]
    write_offer(offers)  # round 1: a verbal number
    assert build([offers], GUIDES, out, today=days[0]).exit_code == 0
    edit_in_workbook(out / WORKBOOK, days[1], offer_base=185000)  # round 2: typed into the workbook
    assert build([offers], GUIDES, out, today=days[1]).count("kept") == 1
    expires = days[2] + timedelta(days=10)
    write_offer(offers, base=190000, stage="written", expires=expires.isoformat())  # round 3: written
    assert build([offers], GUIDES, out, today=days[2], replace=[WORKBOOK]).count("written") == 1

    rounds = history(out / WORKBOOK)
    assert [row["Round"] for row in rounds] == ["Round 1", "Round 2", "Round 3"]
    assert [row["First seen"].date() for row in rounds] == days
    assert [row["Base"] for row in rounds] == [180000, 185000, 190000]
    assert [row["Stage"] for row in rounds] == ["verbal", "verbal", "written"]
    assert [row["What changed"] for row in rounds] == [
        "first seen", "base +5,000", f"base +5,000; stage verbal → written; expires Monday {expires.day} December"
    ]  # fmt: skip
    totals = [row["Annual total comp"] for row in rounds]
    assert totals[0] == 180000 + 150000 / 4 + 180000 * 0.12
    assert [row["Change in total comp"] for row in rounds[1:]] == pytest.approx([5600, 5600])
    assert all(row["Ask base"] >= row["Base"] for row in rounds)  # the asks as they stood

    title, lines = board(out / "summary.xlsx")
    assert title == f"Offer reviews as of {days[2].strftime('%A')} {days[2].day} November 2026"
    (line,) = lines
    assert line["Round"].value == 3 and line["Round"].number_format == '"Round "0'
    assert line["Days left"].value == 10 and line["Stage"].value == "written"
    assert line["Last change"].value.date() == days[2]

    exported = tmp_path / "now.yaml"  # the offer as it now stands; its history stays in the folder
    export(out, exported, GUIDES)
    (now,) = load_offers([exported], {SEGMENT.id: SEGMENT}).offers
    assert (now.base, now.stage, now.expires) == (Decimal(190000), "written", expires)
    assert len(rounds_of(out)) == 3


def test_a_lost_manifest_keeps_the_rounds_the_workbook_carries(tmp_path):
    offers, out = tmp_path / "offers", tmp_path / "out"
    write_offer(offers)
    build([offers], GUIDES, out, today=MONDAY)
    write_offer(offers, base=182000)
    build([offers], GUIDES, out, today=MONDAY + timedelta(days=1))
    before = (out / WORKBOOK).read_bytes()
    (out / ".segxlsx-manifest.json").unlink()
    report = build([offers], GUIDES, out, today=MONDAY + timedelta(days=9))
    assert report.count("unchanged") == 1 and (out / WORKBOOK).read_bytes() == before
    assert [one.day for one in rounds_of(out)] == ["2026-11-23", "2026-11-24"]


# -- properties ---------------------------------------------------------------------------------


def collapsed(sets: list[int]) -> list[int]:
    """The input sets that start a round: each one that differs from the one before."""
    return [one for number, one in enumerate(sets) if number == 0 or sets[number - 1] != one]


def _round(inputs: int, day: str) -> Round:
    return Round(day, f"{inputs:04x}", "USD", 4, *[Decimal(1)] * 4, "written", "", *[Decimal(1)] * 3)


@given(st.lists(st.integers(0, 3), min_size=1, max_size=12))
def test_each_new_set_of_inputs_is_a_round_in_order_and_a_repeat_is_none(sets):
    rounds: tuple[Round, ...] = ()
    for day, inputs in enumerate(sets, start=1):
        rounds = with_round(rounds, _round(inputs, date(2026, 1, day).isoformat()))
    assert [int(one.inputs, 16) for one in rounds] == collapsed(sets)
    starts = [day for day, one in enumerate(sets, start=1) if day == 1 or sets[day - 2] != one]
    assert [one.day for one in rounds] == [date(2026, 1, day).isoformat() for day in starts]


def test_an_offer_keeps_its_last_thousand_rounds_which_its_records_accept():
    from segxlsx.history import MAX_ROUNDS, rounds_from_json

    rounds = tuple(_round(number, "") for number in range(MAX_ROUNDS))
    more = with_round(rounds, _round(MAX_ROUNDS, ""))
    assert len(more) == MAX_ROUNDS and more[-1].inputs == f"{MAX_ROUNDS:04x}" and more[0] == rounds[1]
    assert rounds_from_json([one.as_json() for one in more]) == more


VARIANTS = ({}, {"base": 185000}, {"stock": 160000, "stage": "written"})


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, len(VARIANTS) - 1), min_size=1, max_size=4), st.integers(1, 400))
def test_builds_of_one_offer_keep_its_rounds_and_a_rebuild_keeps_every_byte(sets, later):
    with tempfile.TemporaryDirectory() as folder:
        offers, out = Path(folder) / "offers", Path(folder) / "out"
        for day, variant in enumerate(sets):
            write_offer(offers, **VARIANTS[variant])
            assert build([offers], GUIDES, out, today=MONDAY + timedelta(days=day)).exit_code == 0
        starts = [day for day, one in enumerate(sets) if day == 0 or sets[day - 1] != one]
        assert [one.day for one in rounds_of(out)] == [
            (MONDAY + timedelta(days=d)).isoformat() for d in starts
        ]
        assert len(history(out / WORKBOOK)) == len(collapsed(sets))
        before = (out / WORKBOOK).read_bytes()
        build([offers], GUIDES, out, today=MONDAY + timedelta(days=len(sets) + later))
        assert (out / WORKBOOK).read_bytes() == before


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    out = tmp_path_factory.mktemp("shipped") / "out"
    assert build([ROOT / "data" / "offers"], GUIDES, out, today=MONDAY).exit_code == 0
    return out


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dates(date(2020, 1, 1), date(2040, 12, 31)))
def test_a_rebuild_with_nothing_new_leaves_every_workbook_byte_identical_on_any_day(shipped, today):
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        shutil.copytree(shipped, out)
        build([ROOT / "data" / "offers"], GUIDES, out, today=today)
        for path in shipped.glob("*.xlsx"):
            if path.name != "summary.xlsx":  # the one file that may change from day to day
                assert (out / path.name).read_bytes() == path.read_bytes(), path.name


STAGES = ("verbal", "written", "accepted", "declined", "withdrawn")


def row(number: int, stage: str, expires: date | None, competing: date | None = None) -> SummaryRow:
    """A row as a build makes one: the decision due is the sooner of the offer's own deadline
    and a competing offer's, while the offer is open (`rules.decision_due`)."""
    offer = {"candidate": f"Candidate {number}", "guide": "g", "region": "r", "currency": "USD",
             "stage": stage, "expires": expires}  # fmt: skip
    due = rules.decision_due(rules.open_stage(stage), expires, competing)
    return SummaryRow(f"candidate-{number}.xlsx", offer, decision_due=due)


@settings(max_examples=25, deadline=None)
@given(st.dates(date(2026, 1, 1), date(2027, 12, 31)), st.dates(date(2026, 1, 1), date(2027, 12, 31)),
       st.none() | st.dates(date(2026, 1, 1), date(2027, 12, 31)), st.sampled_from(STAGES))  # fmt: skip
def test_days_left_count_to_the_decision_due_from_the_summarys_date(today, expires, competing, stage):
    """Days left count to the sooner of the offer's own deadline and a competing offer's, as
    the workbook's Decision due says, shown beside its Expires."""
    path = Path(tempfile.mkdtemp()) / "summary.xlsx"
    with path.open("wb") as file:
        heading = SummaryHeading(("g",), RATES, "USD", 0, today)
        save_summary(render_summary([row(1, stage, expires, competing)], [], heading), RATES.as_of, file)
    _, (line,) = board(path)
    shutil.rmtree(path.parent)
    due = min(day for day in (expires, competing) if day is not None)
    is_open = stage in ("verbal", "written")
    assert line["Days left"].value == ((due - today).days if is_open else None)
    assert line["Decision due"].value == (datetime.combine(due, time()) if is_open else None)
    assert line["Expires"].value == datetime.combine(expires, time())


some_day = st.none() | st.dates(date(2026, 11, 1), date(2026, 12, 31))
offers_on_a_board = st.lists(st.tuples(st.sampled_from(STAGES), some_day, some_day), max_size=12)


@given(offers_on_a_board)
def test_the_board_lists_open_offers_first_soonest_decision_first_then_the_rest(offers):
    rows = [
        row(number, stage, expires, competing) for number, (stage, expires, competing) in enumerate(offers)
    ]
    listed = [r.file for r in board_order(rows)]
    is_open = [r for r in rows if r.offer["stage"] in ("verbal", "written")]
    first = [min(d for d in (e, c) if d) if e or c else None for _, e, c in offers]
    by_file = {r.file: day for r, day in zip(rows, first, strict=True)}
    due = sorted((r for r in is_open if by_file[r.file]), key=lambda r: by_file[r.file])
    expected = due + [r for r in is_open if not by_file[r.file]] + [r for r in rows if r not in is_open]
    assert listed == [r.file for r in expected]  # input order within each: sorted() is stable
    with Ledger() as ledger:  # the ledger sorts a build's rows itself, by the same key
        for one in rows:
            ledger.add_row(one)
        assert [r.file for r in board_order(rows_of(ledger))] == listed


def test_today_pins_the_summarys_date_from_the_command_line(tmp_path):
    out = tmp_path / "out"
    args = ["build", str(ROOT / "data" / "offers"), "--guide", str(SEED_YAML), "-o", str(out), "-q"]
    result = CliRunner().invoke(main, [*args, "--today", "2026-12-01"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    title, lines = board(out / "summary.xlsx")
    assert title == "Offer reviews as of Tuesday 1 December 2026"
    assert [line["Round"].value for line in lines] == [1] * len(lines)


def test_offer_history_formulas_equal_what_libreoffice_computes(built, recalculated):
    name = "three-rounds"
    ours = {
        where: value for where, value in formula_values(built[name][0]).items() if where[0] == TITLE_SHEET
    }
    theirs = load_workbook(recalculated[name], data_only=True)[TITLE_SHEET]
    assert len(ours) == 3 + 3 + 2  # total comp and at the asks for each round, the two changes
    wrong = [f"{ref}: {value!r} vs {theirs[ref].value!r}" for (_, ref), value in ours.items()
             if not same(value, theirs[ref].value)]  # fmt: skip
    assert not wrong, wrong
    _, _, earlier, _ = ROUNDS[name]
    assert [row["Base"] for row in history(built[name][0])] == [170000, 180000, 185000]
    assert [one.base for one in earlier] == [170000, 180000]
