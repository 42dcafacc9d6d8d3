"""segxlsx build: many offers, a summary, exit codes, and the safety rules of batch.py."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from segxlsx.batch import MANIFEST, build, slug, unique_slugs
from segxlsx.cli import main
from segxlsx.folder import LOCK

from .conftest import ROOT, SEED_YAML

GUIDES = [SEED_YAML]
GOOD_OFFERS = ROOT / "data" / "offers"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Ada Lovelace", "ada-lovelace"),
        ("../../etc/passwd", "etc-passwd"),
        ('=HYPERLINK("http://x","y")', "hyperlink-http-x-y"),
        ("+cmd|' /C calc'!A0", "cmd-c-calc-a0"),
        ("José Ñúñez", "jose-nunez"),
        ("王伟", "offer"),
        ("", "offer"),
        ("a" * 300, "a" * 60),
    ],
)
def test_slug(name, expected):
    assert slug(name) == expected


def test_unique_slugs_in_input_order_and_never_the_summary():
    assert unique_slugs(["Ada", "ada", "ADA!", "Summary", "王伟", "李娜", "con"]) == [
        "ada", "ada-2", "ada-3", "summary-2", "offer", "offer-2", "con-2",
    ]  # fmt: skip


def test_build_the_shipped_examples_with_the_cli(tmp_path):
    result = run("build", GOOD_OFFERS, "--guide", SEED_YAML, "--out", tmp_path / "out", "--workers", 2)
    assert result.exit_code == 0, result.output
    built = sorted(p.name for p in (tmp_path / "out").glob("*.xlsx"))
    assert "summary.xlsx" in built and len(built) == 8
    summary = load_workbook(tmp_path / "out" / "summary.xlsx")
    assert list(summary["Summary"].tables) == ["Offers"]


MIXED = {
    "a.yaml": """
- {candidate: Ada Park, region: San Francisco, base: 190000, stock: 160000, bonus: 12%}
- {candidate: Ben Ode, region: Atlantis, base: 1, stock: 1, bonus: 1%}
- {candidate: "=HYPERLINK(\\"http://evil\\",\\"x\\")", region: London, base: "£130K", stock: "£90K", bonus: 0.1}
""",
    "b.csv": "candidate,region,base,stock,bonus\nCai Lin,new york,170000,120000,15\nDee Ray,London,125000,90000,10%\n",
    "c.json": '{"candidate": "../../etc/passwd", "region": "London", "base": 120000, "stock": 80000, "bonus": "10%"}',
    "d.json": "",
}


@pytest.fixture
def mixed(tmp_path) -> Path:
    for name, text in MIXED.items():
        write(tmp_path / "offers" / name, text)
    return tmp_path / "offers"


def test_a_mixed_batch_builds_the_good_reports_the_bad_and_exits_1(mixed, tmp_path):
    out = tmp_path / "out"
    result = run("build", mixed, "--guide", SEED_YAML, "--out", out, "--workers", 2)
    assert result.exit_code == 1
    assert "4 written, 0 unchanged, 0 kept, 3 failed" in result.stdout
    assert "a.yaml, offer 2, candidate 'Ben Ode', field 'region': unknown region 'Atlantis'" in result.stderr
    assert "b.csv, row 1, candidate 'Cai Lin', field 'bonus'" in result.stderr
    assert "d.json" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            MANIFEST,
            LOCK,  # kept: removing a lock file lets two builds lock two different files
            "summary.xlsx",
            "ada-park.xlsx",
            "hyperlink-http-evil-x.xlsx",
            "dee-ray.xlsx",
            "etc-passwd.xlsx",
        ]
    )  # nothing outside out/, nothing for the bad offers
    workbook = load_workbook(out / "summary.xlsx")
    rows = list(workbook["Summary"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [
        "Ada Park",
        '=HYPERLINK("http://evil","x")',
        "Dee Ray",
        "../../etc/passwd",
    ]
    assert rows[0][1:4] == ("segment-data-engineer", "San Francisco", "USD")
    assert rows[0][4] == 190000 and rows[0][7] == 190000 + 40000 + 22800  # values, not formulas
    assert rows[0][-1] == "ada-park.xlsx"
    assert workbook["Summary"]["R2"].hyperlink.target == "ada-park.xlsx"
    for row in workbook["Summary"].iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)
    errors = list(workbook["Errors"].iter_rows(min_row=2, values_only=True))
    assert [(e[1], e[2], e[3]) for e in errors] == [
        ("offer 2", "Ben Ode", "region"),
        ("row 1", "Cai Lin", "bonus"),
        (None, None, None),
    ]
    assert errors[2][0].endswith("d.json") and "empty" in errors[2][4]


def test_fail_fast_stops_before_building(mixed, tmp_path):
    result = run("build", mixed, "--guide", SEED_YAML, "--out", tmp_path / "out", "--fail-fast")
    assert result.exit_code == 1 and "--fail-fast" in result.stderr
    assert not list((tmp_path / "out").glob("*.xlsx")) if (tmp_path / "out").exists() else True


def test_a_bad_guide_is_exit_2_and_writes_nothing(tmp_path):
    bad = write(tmp_path / "g.yaml", "title: x\n")
    result = run("build", GOOD_OFFERS, "--guide", bad, "--out", tmp_path / "out")
    assert result.exit_code == 2 and result.stderr.startswith("Error: ") and "g.yaml" in result.stderr
    assert not (tmp_path / "out").exists()


def test_same_inputs_give_byte_identical_files(tmp_path):
    first = build([GOOD_OFFERS], GUIDES, tmp_path / "one", workers=2)
    second = build([GOOD_OFFERS], GUIDES, tmp_path / "two", workers=1)
    assert first.exit_code == second.exit_code == 0
    names = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "two").iterdir())
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_a_rerun_skips_unchanged_and_keeps_hand_edits_unless_forced(tmp_path):
    out = tmp_path / "out"
    build([GOOD_OFFERS], GUIDES, out)
    edited = out / "jordan-lee.xlsx"
    workbook = load_workbook(edited)
    workbook["Offer"]["B9"] = 1  # a recruiter edits the base by hand
    workbook.save(edited)
    hand_made = edited.read_bytes()

    again = build([GOOD_OFFERS], GUIDES, out)
    assert [o.file for o in again.with_action("kept")] == ["jordan-lee.xlsx"]
    assert len(again.with_action("unchanged")) == 6 and not again.with_action("written")
    assert edited.read_bytes() == hand_made

    result = run("build", GOOD_OFFERS, "--guide", SEED_YAML, "--out", out)
    assert "jordan-lee.xlsx" in result.stderr and "--force" in result.stderr

    forced = build([GOOD_OFFERS], GUIDES, out, force=True)
    assert [o.file for o in forced.with_action("written")] == ["jordan-lee.xlsx"]
    assert edited.read_bytes() != hand_made
    manifest = json.loads((out / MANIFEST).read_text())
    assert set(manifest["files"]) == {p.name for p in out.glob("*.xlsx")}


def test_a_workbook_segxlsx_never_wrote_is_not_overwritten(tmp_path):
    out = tmp_path / "out"
    stranger = write(out / "jordan-lee.xlsx", "someone else's file")
    report = build([GOOD_OFFERS], GUIDES, out)
    assert stranger.read_text() == "someone else's file"
    assert [o.file for o in report.with_action("kept")] == ["jordan-lee.xlsx"]


def _synthetic_offers(folder: Path, count: int) -> Path:
    rows = ["candidate,region,base,stock,bonus"]
    rows += [f"Candidate {i},San Francisco,{170000 + i},{150000 + i},12%" for i in range(count)]
    return write(folder / "many.csv", "\n".join(rows) + "\n")


def test_a_killed_build_leaves_only_complete_workbooks(tmp_path):
    offers = _synthetic_offers(tmp_path / "offers", 400)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "segxlsx.cli", "build", str(offers), "--guide", str(SEED_YAML),
               "--out", str(out), "--workers", "2", "--quiet"]  # fmt: skip
    process = subprocess.Popen(command, cwd=tmp_path, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(list(out.glob("*.xlsx"))) < 20 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the whole run, workers included, mid-way
    process.wait()
    finals = list(out.glob("*.xlsx"))
    assert 20 <= len(finals) < 400, "the build should have been killed mid-way"
    for path in finals:
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
        load_workbook(path)  # opens: no truncated file under a final name
    rerun = build([offers], GUIDES, out, workers=2)
    assert rerun.exit_code == 0 and not list(out.glob(".*.tmp"))
    assert len(list(out.glob("*.xlsx"))) == 401


def test_an_output_folder_that_cannot_be_made_is_exit_2(tmp_path):
    blocker = write(tmp_path / "file", "not a folder")
    result = run("build", GOOD_OFFERS, "--guide", SEED_YAML, "--out", blocker / "out")
    assert result.exit_code == 2 and "cannot write to the output folder" in result.stderr


def test_fail_fast_stops_at_an_offer_that_fails_while_building(tmp_path):
    offers = write(
        tmp_path / "offers.csv",
        "candidate,region,currency,base,stock,bonus\n"
        "Ann,London,GBP,120000,90000,10%\nBo,London,JPY,20000000,9000000,10%\nCy,London,GBP,125000,90000,10%\n",
    )
    rates = write(tmp_path / "rates.yaml", "as_of: 2026-11-27\nbase: USD\nrates: {GBP: 0.79}\n")
    report = build([offers], GUIDES, tmp_path / "out", rates=str(rates), fail_fast=True)
    assert report.stopped_early and [o.file for o in report.outcomes] == ["ann.xlsx"]
    assert [(f.location.row, f.location.candidate) for f in report.failures] == [(2, "Bo")]
    assert "no JPY rate" in report.failures[0].message
    assert not (tmp_path / "out" / "cy.xlsx").exists()
