"""The output folder's own records (manifest, journal, lock) read as the untrusted input they are.

Anyone can edit, cut, empty or replace them. Whatever they hold, a build says what was wrong in
one line and goes on: no hang (a FIFO, a link to /dev/zero), no traceback (`occurrence: 1e400`),
and never a false "edited by hand": segxlsx's own files carry a signature of their parts and are
recognised by it when the manifest is lost. Sharded and unsharded builds of one folder agree on
whose each workbook is.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from segxlsx.batch import build
from segxlsx.store.folder import JOURNAL, LOCK
from segxlsx.store.manifest import MANIFEST, Entry
from segxlsx.store.signatures import signed
from segxlsx.summary.merge import summarise

from .conftest import ROOT, SEED_YAML
from .test_batch import summary_rows

GUIDES = [SEED_YAML]
OFFERS = ROOT / "data" / "offers"
MONDAY = date(2026, 11, 23)
OFFER_COUNT = 7
WORKBOOKS = sorted(
    [
        "dana-whitfield",
        "hannah-price",
        "jordan-lee",
        "marcus-chen",
        "oliver-bennett",
        "priya-raman",
        "sofia-moreau",
    ]
)


@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("first") / "out"
    assert build([OFFERS], GUIDES, out, today=MONDAY).exit_code == 0
    return {path.name: path.read_bytes() for path in out.iterdir() if path.name != LOCK}


@pytest.fixture
def out(tmp_path, first_build):
    """A copy of a finished build's folder, to damage."""
    folder = tmp_path / "out"
    folder.mkdir()
    for name, data in first_build.items():
        (folder / name).write_bytes(data)
    return folder


def rebuild(out: Path):
    report = build([OFFERS], GUIDES, out, today=MONDAY)
    assert report.exit_code == 0, [str(f) for f in report.failures]
    return report


def assert_all_ours_again(out: Path, first_build: dict[str, bytes]) -> None:
    """Nothing kept for a hand edit, and the folder as the first build left it."""
    again = rebuild(out)
    assert not again.kept and again.count("unchanged") == OFFER_COUNT and again.skipped == OFFER_COUNT
    workbooks = {f"{name}.xlsx" for name in WORKBOOKS}  # the summary says what this build did
    assert {path.name: path.read_bytes() for path in out.glob("*.xlsx") if path.name in workbooks} == {
        name: data for name, data in first_build.items() if name in workbooks
    }


# -- signatures ------------------------------------------------------------------------------------


def test_every_file_segxlsx_writes_is_signed_and_a_save_elsewhere_unsigns_it(out, tmp_path):
    for path in out.glob("*.xlsx"):
        found = signed(path)
        assert found is not None
        if path.name == "summary.xlsx":
            assert found.owner is None
        else:
            assert found.owner is not None and path.name.startswith(found.owner.candidate.lower().split()[0])
    # A save by another program rewrites the parts and keeps the properties: no longer ours.
    workbook = load_workbook(out / "jordan-lee.xlsx")
    workbook.save(tmp_path / "resaved.xlsx")
    assert signed(tmp_path / "resaved.xlsx") is None
    assert signed(tmp_path) is None and signed(out / MANIFEST) is None


# -- a damaged manifest: said in a line, and recovered from -------------------------------------


def test_an_emptied_manifest_is_said_and_every_file_taken_back_by_its_signature(out, first_build):
    (out / MANIFEST).write_bytes(b"")
    report = rebuild(out)
    assert not report.kept
    (note,) = [note for note in report.notes if MANIFEST in note]
    assert note.endswith(
        f"{MANIFEST}: empty; 8 file(s) segxlsx wrote here recognised by their signatures and taken back"
    )
    assert_all_ours_again(out, first_build)


def test_a_cut_manifest_loses_only_its_last_entries_and_they_are_taken_back(out, first_build):
    data = (out / MANIFEST).read_bytes()
    (out / MANIFEST).write_bytes(data[: len(data) // 2])
    report = rebuild(out)
    assert not report.kept and any("taken back" in note for note in report.notes)
    assert_all_ours_again(out, first_build)


@pytest.mark.parametrize(
    "field, value, said",
    [
        ("occurrence", "1e400", "occurrence inf"),
        ("occurrence", "0", "occurrence 0"),
        ("occurrence", "true", "occurrence true"),
        ("sha256", '"../../etc/passwd"', 'sha256 "../../etc/passwd"'),
        ("changed", '"2026-13-45"', 'changed "2026-13-45"'),
        ("position", "-1", "position -1"),
        ("row", "[1, 2]", "row [1, 2]"),
    ],
)
def test_an_entry_out_of_range_is_named_by_its_field_and_its_file_taken_back(
    out, first_build, field, value, said
):
    lines = (out / MANIFEST).read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(n for n, line in enumerate(lines) if line.startswith('"jordan-lee.xlsx"'))
    entry = json.loads("{" + lines[number].rstrip(",\n") + "}")["jordan-lee.xlsx"]
    entry.pop(field, None)
    text = json.dumps(entry)[:-1] + f', "{field}": {value}}}'
    lines[number] = f'"jordan-lee.xlsx": {text}' + (",\n" if lines[number].endswith(",\n") else "\n")
    (out / MANIFEST).write_text("".join(lines), encoding="utf-8")
    report = rebuild(out)
    assert not report.kept
    (note,) = [note for note in report.notes if MANIFEST in note]
    assert f'"jordan-lee.xlsx": {said} is not what segxlsx writes there' in note and "1 file(s)" in note
    assert_all_ours_again(out, first_build)


def test_a_hand_edit_stays_a_hand_edit_when_the_manifest_is_lost(out):
    workbook = load_workbook(out / "jordan-lee.xlsx")
    workbook.save(out / "jordan-lee.xlsx")  # as Excel would: same inputs, every part rewritten
    (out / MANIFEST).unlink()
    report = build([OFFERS], GUIDES, out, today=MONDAY)
    assert [kept.file for kept in report.kept] == ["jordan-lee.xlsx"]
    assert report.count("unchanged") == OFFER_COUNT - 1


@pytest.mark.parametrize("record", [MANIFEST, JOURNAL])
@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder"])
def test_a_record_that_is_no_file_is_named_and_never_waited_on(out, first_build, record, kind):
    path = out / record
    path.unlink(missing_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "segxlsx.program", "build", OFFERS, "--guide", SEED_YAML, "--out", out, "-q"],
        capture_output=True, text=True, timeout=60, cwd=out.parent,
    )  # fmt: skip
    assert "Traceback" not in done.stderr
    if kind == "folder":  # a record cannot be saved over, nor removed as, a folder
        assert done.returncode == 2 and done.stderr.strip().splitlines()[-1].startswith(
            f"Error: out/{record}: "
        )
        return
    assert done.returncode == 0, done.stderr
    assert record in done.stderr
    assert_all_ours_again(out, first_build)


def test_a_lock_that_is_no_file_is_refused_by_name(out):
    (out / LOCK).unlink(missing_ok=True)
    os.mkfifo(out / LOCK)
    with pytest.raises(Exception) as stopped:
        build([OFFERS], GUIDES, out, today=MONDAY)
    assert str(stopped.value) == f"{out / LOCK}: not a lock file segxlsx made (not a regular file); remove it"


# -- sharded and unsharded builds of one folder ---------------------------------------------------


def test_sharded_and_unsharded_builds_of_one_folder_agree_whose_each_workbook_is(out, first_build):
    for shard in ("1/2", "2/2"):
        report = build([OFFERS], GUIDES, out, today=MONDAY, shard=shard)
        assert report.exit_code == 0 and not report.kept
    merged = summarise([out], GUIDES)
    assert merged.workbooks == OFFER_COUNT
    rows = summary_rows(out / "summary.xlsx")
    assert sorted(row["Workbook"] for row in rows) == [f"{name}.xlsx" for name in WORKBOOKS]
    assert not any(row.get("Edits") for row in rows)
    report = rebuild(out)  # and back to one build
    assert not report.kept and report.count("unchanged") == OFFER_COUNT


def test_a_workbook_rewritten_by_a_shard_is_not_a_hand_edit_to_the_unsharded_build(out, tmp_path):
    changed = tmp_path / "offers"
    changed.mkdir()
    for path in OFFERS.iterdir():
        (changed / path.name).write_bytes(path.read_bytes())
    text = (changed / "jordan-lee.yml").read_text(encoding="utf-8")
    (changed / "jordan-lee.yml").write_text(
        text.replace("notes:", "notes: Revised.", 1) if "notes:" in text else text + "notes: Revised.\n",
        encoding="utf-8",
    )
    for shard in ("1/2", "2/2"):
        assert not build([changed], GUIDES, out, today=MONDAY, shard=shard).kept
    report = build([changed], GUIDES, out, today=MONDAY)
    assert not report.kept and report.exit_code == 0
    rows = summary_rows(out / "summary.xlsx")
    assert len(rows) == OFFER_COUNT


# -- fuzz: whatever the records hold, a build goes on and takes its files back ------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_damaged_records_never_stop_a_build_nor_make_hand_edits(first_build, tmp_path_factory, data):
    out = tmp_path_factory.mktemp("fuzz")
    for name, content in first_build.items():
        (out / name).write_bytes(content)
    record = data.draw(st.sampled_from([MANIFEST, JOURNAL]))
    original = (
        first_build.get(MANIFEST, b"")
        if record == MANIFEST
        else b'{"file": "jordan-lee.xlsx", "sha256": "00"}\n'
    )
    how = data.draw(st.sampled_from(["truncate", "flip", "garbage"]))
    if how == "truncate":
        damaged = original[: data.draw(st.integers(0, len(original)))]
    elif how == "flip":
        at = data.draw(st.integers(0, max(len(original) - 1, 0)))
        damaged = bytearray(original)
        damaged[at] ^= 1 << data.draw(st.integers(0, 7))
        damaged = bytes(damaged)
    else:
        damaged = data.draw(st.binary(max_size=2000))
    (out / record).write_bytes(damaged)
    report = build([OFFERS], GUIDES, out, today=MONDAY)
    assert report.exit_code == 0 and not report.kept
    # Each offer's workbook is listed once and is that offer's own, untouched file. (A flip can
    # leave a manifest that is valid but names a workbook otherwise: then that name is used.)
    rows = summary_rows(out / "summary.xlsx")
    assert len(rows) == OFFER_COUNT
    for row in rows:
        mark = signed(out / row["Workbook"])
        assert mark is not None and mark.owner is not None and mark.owner.candidate == row["Candidate"]


@given(st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=10),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=4)))  # fmt: skip
def test_an_entry_is_read_or_refused_with_a_value_error(value):
    try:
        Entry.from_json(value)
    except ValueError:
        pass


def test_random_bytes_for_a_manifest_are_refused_in_a_line(out):
    rng = random.Random(7)
    (out / MANIFEST).write_bytes(bytes(rng.randrange(256) for _ in range(5000)))
    report = rebuild(out)
    (note,) = [note for note in report.notes if MANIFEST in note]
    assert "not a manifest segxlsx wrote" in note and "\n" not in note


@pytest.mark.parametrize("at", [1, 4, 8])
def test_records_replaced_by_fifos_mid_build_stop_it_in_a_line_and_the_next_build_recovers(
    tmp_path, monkeypatch, first_build, at
):
    """The manifest and journal swapped for FIFOs between two landings: no hang, no traceback;
    the next build says what it found, takes its files back and finishes the folder."""
    from segxlsx.store.folder import OutputFolder

    out = tmp_path / "out"
    landed = OutputFolder.land
    count = 0

    def land(self, *args, **kwargs):
        nonlocal count
        count += 1
        if count == at:
            if self._journal is not None:
                os.close(self._journal)
                self._journal = None
            for name in (self.journal_name, self.manifest_name):
                (self.path / name).unlink(missing_ok=True)
                os.mkfifo(self.path / name)
        return landed(self, *args, **kwargs)

    monkeypatch.setattr(OutputFolder, "land", land)
    try:
        report = build([OFFERS], GUIDES, out, today=MONDAY)
        assert all("\n" not in str(failure) for failure in report.failures)
    except Exception as stopped:  # a build that cannot record what it did stops, in one line
        assert "\n" not in str(stopped) and "journal" in str(stopped) or "cannot write" in str(stopped)
    monkeypatch.setattr(OutputFolder, "land", landed)
    report = build([OFFERS], GUIDES, out, today=MONDAY)
    assert report.exit_code == 0 and not report.kept
    assert sorted(path.name for path in out.glob("*.xlsx")) == sorted(
        [f"{n}.xlsx" for n in WORKBOOKS] + ["summary.xlsx"]
    )
    assert (out / MANIFEST).is_file() and not (out / JOURNAL).exists()
