"""segxlsx build: many offers, a summary, exit codes, and the safety rules of batch.py."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from segxlsx.batch import build
from segxlsx.cli import main
from segxlsx.store.file_names import slug, unique_slugs
from segxlsx.store.folder import LOCK
from segxlsx.store.manifest import MANIFEST
from segxlsx.summary.sheet import FIRST_ROW, HEADER_ROW

from .conftest import ROOT, SEED_YAML

GUIDES = [SEED_YAML]
GOOD_OFFERS = ROOT / "data" / "offers"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def summary_rows(path: Path) -> list[dict[str, object]]:
    """The summary's table as {header: value} per row, whatever the columns' order."""
    sheet = load_workbook(path)["Summary"]
    rows = sheet.iter_rows(min_row=HEADER_ROW, values_only=True)
    header = next(rows)
    return [dict(zip(header, row, strict=True)) for row in rows]


def this_run(out: Path, *actions: str) -> list[tuple[object, object]]:
    """(candidate, workbook) of each summary row this build gave one of `actions`, in order."""
    rows = summary_rows(out / "summary.xlsx")
    return [(row["Candidate"], row["Workbook"]) for row in rows if row["This run"] in actions]


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
        ("王小明", "wang-xiao-ming"),  # a name in any script gets a readable file
        ("—", "offer"),
        ("", "offer"),
        ("a" * 300, "a" * 60),
    ],
)
def test_slug(name, expected):
    assert slug(name) == expected


def test_unique_slugs_in_input_order_and_never_the_summary():
    assert unique_slugs(["Ada", "ada", "ADA!", "Summary", "王伟", "—", "…", "con"]) == [
        "ada", "ada-2", "ada-3", "summary-2", "wang-wei", "offer", "offer-2", "con-2",
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
    rows = summary_rows(out / "summary.xlsx")
    assert [r["Candidate"] for r in rows] == [
        "Ada Park",
        '=HYPERLINK("http://evil","x")',
        "Dee Ray",
        "../../etc/passwd",
    ]
    assert (rows[0]["Guide"], rows[0]["Region"], rows[0]["Currency"]) == (
        "segment-data-engineer",
        "San Francisco",
        "USD",
    )
    assert (
        rows[0]["Base"] == 190000 and rows[0]["Total comp"] == 190000 + 40000 + 22800
    )  # values, not formulas
    assert rows[0]["Workbook"] == "ada-park.xlsx" and rows[0]["This run"] == "written"
    link = next(cell for cell in workbook["Summary"][FIRST_ROW] if cell.value == "ada-park.xlsx")
    assert link.hyperlink.target == "ada-park.xlsx"
    for row in workbook["Summary"].iter_rows(min_row=FIRST_ROW):
        assert all(cell.data_type != "f" for cell in row)
    errors = list(workbook["Errors"].iter_rows(min_row=2, values_only=True))
    assert [(e[2], e[4], e[5]) for e in errors] == [
        ("offer 2", "Ben Ode", "region"),
        ("row 1", "Cai Lin", "bonus"),
        (None, None, None),
    ]
    assert errors[2][0].endswith("d.json") and "empty" in errors[2][6]


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
    assert [o.file for o in again.kept] == ["jordan-lee.xlsx"]
    assert again.count("unchanged") == 6 and not again.count("written")
    assert edited.read_bytes() == hand_made

    result = run("build", GOOD_OFFERS, "--guide", SEED_YAML, "--out", out)
    assert "jordan-lee.xlsx" in result.stderr and "--force" in result.stderr

    forced = build([GOOD_OFFERS], GUIDES, out, force=True)
    assert forced.count("written") == 1
    assert this_run(out, "written") == [("Jordan Lee", "jordan-lee.xlsx")]
    assert edited.read_bytes() != hand_made
    manifest = json.loads((out / MANIFEST).read_text())
    assert set(manifest["files"]) == {p.name for p in out.glob("*.xlsx")}


def test_a_workbook_segxlsx_never_wrote_is_not_overwritten(tmp_path):
    out = tmp_path / "out"
    stranger = write(out / "jordan-lee.xlsx", "someone else's file")
    report = build([GOOD_OFFERS], GUIDES, out)
    assert stranger.read_text() == "someone else's file"
    assert [o.file for o in report.kept] == ["jordan-lee.xlsx"]


# A build killed mid-way, by any signal: tests/test_stopping.py.


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
    assert report.stopped_early and this_run(tmp_path / "out", "written") == [("Ann", "ann.xlsx")]
    assert [(f.location.row, f.location.candidate) for f in report.failures] == [(2, "Bo")]
    assert "no JPY rate" in report.failures[0].message
    assert not (tmp_path / "out" / "cy.xlsx").exists()


# -- the output folder: names that stay, one build at a time, files that are in the way -------------

HEADER = "candidate,region,base,stock,bonus\n"


def test_a_new_candidate_never_takes_an_earlier_candidates_file(tmp_path):
    offers = write(tmp_path / "offers" / "offers.csv", HEADER + "Jose Nunez,London,120000,90000,10%\n")
    out = tmp_path / "out"
    build([offers], GUIDES, out)
    edited = out / "jose-nunez.xlsx"
    workbook = load_workbook(edited)
    workbook["Offer"]["B9"] = 1  # the recruiter works on Jose's workbook
    workbook.save(edited)
    hand_made = edited.read_bytes()

    # Another candidate, spelled almost alike, is added later and listed first.
    write(offers, HEADER + "José Núñez,London,130000,95000,10%\nJose Nunez,London,120000,90000,10%\n")
    build([offers], GUIDES, out)
    assert this_run(out, "written", "kept") == [
        ("José Núñez", "jose-nunez-2.xlsx"),
        ("Jose Nunez", "jose-nunez.xlsx"),
    ]
    assert edited.read_bytes() == hand_made
    summary = load_workbook(out / "summary.xlsx")["Summary"]
    links = [(row[0].value, row[-1].hyperlink.target) for row in summary.iter_rows(min_row=FIRST_ROW)]
    assert links == [("José Núñez", "jose-nunez-2.xlsx"), ("Jose Nunez", "jose-nunez.xlsx")]

    # Reruns keep every name: in another order, and with the offers moved to another folder.
    moved = write(tmp_path / "moved" / "offers.csv", HEADER + "Jose Nunez,London,120000,90000,10%\n"
                  "José Núñez,London,130000,95000,10%\n")  # fmt: skip
    build([moved], GUIDES, out)
    assert this_run(out, "unchanged", "kept") == [
        ("Jose Nunez", "jose-nunez.xlsx"),
        ("José Núñez", "jose-nunez-2.xlsx"),
    ]
    owners = json.loads((out / MANIFEST).read_text())["files"]
    assert owners["jose-nunez-2.xlsx"]["candidate"] == "José Núñez"
    assert owners["jose-nunez.xlsx"]["source"] == "offers.csv"


def test_a_manifest_edited_to_send_a_workbook_outside_the_folder_is_not_followed(tmp_path):
    offers = write(tmp_path / "offers" / "offers.csv", HEADER + "Ada Park,London,120000,90000,10%\n")
    owner = {"sha256": None, "source": "offers.csv", "candidate": "Ada Park"}
    for name in ["../outside.xlsx", "summary.xlsx", ".hidden.xlsx", "ada-park.xlsm"]:
        write(tmp_path / "out" / MANIFEST, json.dumps({"version": 2, "files": {name: owner}}))
        build([offers], GUIDES, tmp_path / "out")
        assert this_run(tmp_path / "out", "written", "unchanged") == [("Ada Park", "ada-park.xlsx")], name
    assert not (tmp_path / "outside.xlsx").exists()


def test_a_second_build_into_the_same_folder_is_exit_2_and_touches_nothing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    in_flight = write(out / ".jordan-lee.xlsx.4242-0badf00d.tmp", "the first build's file, half written")
    with open(out / LOCK, "a") as first_build:
        fcntl.flock(first_build, fcntl.LOCK_EX)
        result = run("build", GOOD_OFFERS, "--guide", SEED_YAML, "--out", out)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: {out}: another segxlsx run is using this folder; wait for it to finish or choose another --out"
    )
    assert in_flight.exists() and not list(out.glob("*.xlsx"))

    # Once the first build is gone, its leftovers are provably dead and cleared.
    assert run("build", GOOD_OFFERS, "--guide", SEED_YAML, "--out", out).exit_code == 0
    assert not in_flight.exists()


@pytest.mark.parametrize(
    "lock_file", [".~lock.jordan-lee.xlsx#", "~$jordan-lee.xlsx"], ids=["LibreOffice", "Excel"]
)
def test_a_workbook_open_in_libreoffice_or_excel_is_kept_and_said_so(tmp_path, lock_file):
    out = tmp_path / "out"
    build([GOOD_OFFERS], GUIDES, out)
    before = (out / "jordan-lee.xlsx").read_bytes()
    write(out / lock_file, ",recruiter,laptop,27.11.2026 09:12,file:///home/recruiter;")
    result = run("build", GOOD_OFFERS, "--guide", SEED_YAML, "--out", out, "--force")
    assert result.exit_code == 1
    assert "0 written, 6 unchanged, 0 kept, 1 failed" in result.stdout
    assert (
        f"jordan-lee.yml, candidate 'Jordan Lee': jordan-lee.xlsx is open in LibreOffice or Excel ({lock_file}); "
        "kept it, close it and build again"
    ) in result.stderr
    assert (out / "jordan-lee.xlsx").read_bytes() == before


def test_a_workbook_opened_while_the_build_runs_is_not_replaced(tmp_path):
    out = tmp_path / "out"
    build([GOOD_OFFERS], GUIDES, out)
    before = (out / "jordan-lee.xlsx").read_bytes()

    def recruiter_opens_jordans_workbook(done: int, total: int) -> None:
        if done == 1:  # after the build looked at every place, before Jordan's workbook lands
            write(out / ".~lock.jordan-lee.xlsx#", ",recruiter,laptop,27.11.2026 09:12,")

    # Rates of another day: every workbook comes out different and is rewritten.
    report = build(
        [GOOD_OFFERS], GUIDES, out, as_of=date(2025, 6, 30), progress=recruiter_opens_jordans_workbook
    )
    assert [(f.location.candidate, f.message) for f in report.failures] == [
        (
            "Jordan Lee",
            "jordan-lee.xlsx is open in LibreOffice or Excel (.~lock.jordan-lee.xlsx#); kept it, close it and build again",
        )
    ]
    assert report.count("written") == 6
    assert (out / "jordan-lee.xlsx").read_bytes() == before
    assert not list(out.glob(".*.tmp"))


@pytest.mark.parametrize(
    "obstacle",
    [
        "folder",
        "FIFO",
        "symbolic link",
        pytest.param(
            "unreadable file", marks=pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
        ),
    ],
)
def test_something_else_where_a_workbook_goes_fails_that_offer_and_the_rest_build(tmp_path, obstacle):
    out = tmp_path / "out"
    out.mkdir()
    target, elsewhere = out / "jordan-lee.xlsx", write(tmp_path / "elsewhere.xlsx", "not ours to touch")
    if obstacle == "folder":
        target.mkdir()
    elif obstacle == "FIFO":
        os.mkfifo(target)  # reading it to compare would wait forever for a writer
    elif obstacle == "symbolic link":
        target.symlink_to(elsewhere)
    else:
        write(target, "x").chmod(0)
    command = [sys.executable, "-m", "segxlsx.cli", "build", str(GOOD_OFFERS), "--guide", str(SEED_YAML),
               "--out", str(out), "--workers", "2"]  # fmt: skip
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, env=environment)
    assert result.returncode == 1, result.stderr
    assert "6 written, 0 unchanged, 0 kept, 1 failed" in result.stdout
    failures = [line for line in result.stderr.splitlines() if "jordan-lee.xlsx" in line]
    assert len(failures) == 1 and "candidate 'Jordan Lee'" in failures[0], result.stderr
    assert (obstacle if obstacle != "unreadable file" else "cannot read") in failures[0]
    assert "Traceback" not in result.stderr
    assert elsewhere.read_text() == "not ours to touch"


def test_the_summary_shows_each_offers_deadline_as_a_date(tmp_path):
    from datetime import datetime

    offers = write(
        tmp_path / "offers.csv",
        "candidate,region,base,stock,bonus,expires\n"
        "Ada Park,London,130000,100000,12%,2026-12-12\n"
        "Ben Ode,London,120000,90000,10%,\n",
    )
    report = build([offers], GUIDES, tmp_path / "out", workers=1)

    assert report.exit_code == 0
    rows = summary_rows(tmp_path / "out" / "summary.xlsx")
    assert [(row["Candidate"], row["Expires"]) for row in rows] == [
        ("Ada Park", datetime(2026, 12, 12)),
        ("Ben Ode", None),
    ]


def test_a_candidate_twice_in_one_file_is_built_twice_and_said_on_every_build(tmp_path):
    """Two offers of one name in one file are told apart only by their order: each gets a
    workbook, and every build says what removing or moving one of them would do."""
    offers = write(
        tmp_path / "o.yaml",
        "- {candidate: Wei Zhang, region: London, base: 120000, stock: 1000, bonus: 10%}\n"
        "- {candidate: Wei Zhang, region: New York, base: 170000, stock: 1000, bonus: 10%}\n"
        "- {candidate: Wei Zhang, region: London, base: 125000, stock: 1000, bonus: 10%}\n",
    )
    for _ in range(2):  # the second from the manifest's record of the file, unread
        report = build([offers], GUIDES, tmp_path / "out", workers=1)
        assert [note for note in report.notes if "more than one offer" in note] == [
            "o.yaml: 'Wei Zhang' has more than one offer in this file: each gets a workbook "
            "(wei-zhang-2.xlsx for the second), told apart by their order in the file, so removing or "
            "moving one hands its workbook and rounds to the next; if they are one offer, keep one"
        ]
    assert report.count("unchanged") == 3


def test_an_offer_in_two_files_is_built_twice_and_said(tmp_path):
    """The weekly export beside the files it came from: each copy gets a workbook, and the build says so."""
    offers = tmp_path / "offers"
    write(offers / "a.csv", "candidate,region,base,stock,bonus\nAda Park,London,130000,100000,12%\n")
    write(
        offers / "current.yaml",
        "{candidate: Ada Park, region: London, base: 131000, stock: 100000, bonus: 12%}\n",
    )
    report = build([offers], GUIDES, tmp_path / "out", workers=1)

    assert report.count("written") == 2
    assert [note for note in report.notes if "has an offer in" in note] == [
        "'Ada Park' has an offer in a.csv and in current.yaml: each gets a workbook (ada-park.xlsx, "
        "ada-park-2.xlsx); if they are one offer, keep it in one file"
    ]
