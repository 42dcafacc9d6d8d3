"""Incremental builds and shards: an unchanged offer is not built again, N shards make one build.

Skipping must never change a byte: whatever a build skips, rebuilding it gives the same file.
"""

from __future__ import annotations

import fcntl
import gc
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from segxlsx.batch import build
from segxlsx.cli import main
from segxlsx.sources.offers import offer_files
from segxlsx.store.file_names import SUMMARY
from segxlsx.store.manifest import MANIFEST, Shard

from .conftest import ROOT, SEED_YAML
from .test_batch import summary_rows

GUIDES = [SEED_YAML]
OFFERS = ROOT / "data" / "offers"
MONDAY = date(2026, 11, 23)
OFFER_COUNT = 7  # the shipped examples


def contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.xlsx"))}


def manifest(folder: Path, name: str = MANIFEST) -> dict:
    return json.loads((folder / name).read_text(encoding="utf-8"))


@pytest.fixture
def built(tmp_path):
    out = tmp_path / "out"
    assert build([OFFERS], GUIDES, out, today=MONDAY).exit_code == 0
    return out


def test_an_unchanged_rerun_builds_nothing_and_changes_no_byte(built):
    before = contents(built)
    report = build([OFFERS], GUIDES, built, today=MONDAY)
    assert report.skipped == OFFER_COUNT
    assert report.counts == {"unchanged": OFFER_COUNT}
    # The summary changes once, from "written" to "unchanged"; its rows come from the manifest.
    assert contents(built) | {SUMMARY: b""} == before | {SUMMARY: b""}
    assert {row["This run"] for row in summary_rows(built / SUMMARY)} == {"unchanged"}


def test_a_summary_made_from_the_same_rows_is_not_made_again_and_any_change_makes_it(built, monkeypatch):
    import segxlsx.summary.sheet as summary

    build([OFFERS], GUIDES, built, today=MONDAY)  # its summary now says "unchanged" throughout
    made = []
    render = summary.render_summary
    monkeypatch.setattr(summary, "render_summary", lambda *args: made.append(1) or render(*args))
    before = contents(built)
    build([OFFERS], GUIDES, built, today=MONDAY)
    assert made == [] and contents(built) == before  # the same rows, heading and failures
    build([OFFERS], GUIDES, built, today=MONDAY, report_currency="EUR")  # another heading
    assert made == [1] and contents(built)[SUMMARY] != before[SUMMARY]
    (built / SUMMARY).unlink()  # a summary that is gone is made, whatever the manifest says
    build([OFFERS], GUIDES, built, today=MONDAY, report_currency="EUR")
    assert made == [1, 1] and (built / SUMMARY).is_file()


def test_a_lost_fingerprint_rebuilds_and_gives_the_same_bytes(built):
    build([OFFERS], GUIDES, built, today=MONDAY)  # skipped: its summary says "unchanged"
    before = contents(built)
    data = manifest(built)
    for entry in data["files"].values():
        entry.pop("built", None)
    (built / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    report = build([OFFERS], GUIDES, built, today=MONDAY)
    assert report.skipped == 0
    assert report.counts == {"unchanged": OFFER_COUNT}  # rendered, same bytes
    assert contents(built) == before
    assert build([OFFERS], GUIDES, built, today=MONDAY).skipped == OFFER_COUNT  # fingerprints back


def test_changed_templates_rates_or_force_build_again(built, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "walk_away_met.txt").write_text(
        "Met: {offer_stock} clears {walk_away_stock}.\n", encoding="utf-8"
    )
    assert build([OFFERS], GUIDES, built, today=MONDAY, templates=templates).skipped == 0
    assert build([OFFERS], GUIDES, built, today=MONDAY, as_of=date(2026, 10, 1)).skipped == 0
    report = build([OFFERS], GUIDES, built, today=MONDAY)  # back to the first build's inputs
    assert report.skipped == 0 and report.counts == {"written": OFFER_COUNT}
    report = build([OFFERS], GUIDES, built, today=MONDAY, force=True)
    assert report.skipped == 0 and report.counts == {"unchanged": OFFER_COUNT}


def test_rates_are_fingerprinted_by_what_the_workbooks_show_not_where_the_file_lies(tmp_path):
    """A rate file moved to another folder, unchanged, rebuilds nothing; renamed, it rebuilds,
    since every workbook's Rates sheet names the file its rates came from."""
    rates = "as_of: 2026-11-20\nbase: USD\nrates: {GBP: 0.79, EUR: 0.92, CAD: 1.38}\n"
    first = tmp_path / "finance" / "q4.yaml"
    first.parent.mkdir()
    first.write_text(rates, encoding="utf-8")
    out = tmp_path / "out"
    assert build([OFFERS], GUIDES, out, today=MONDAY, rates=str(first)).exit_code == 0
    before = contents(out)
    moved = tmp_path / "elsewhere" / "q4.yaml"
    moved.parent.mkdir()
    first.rename(moved)
    report = build([OFFERS], GUIDES, out, today=MONDAY, rates=str(moved))
    assert report.skipped == OFFER_COUNT and contents(out) | {SUMMARY: b""} == before | {SUMMARY: b""}
    renamed = moved.with_name("q4-final.yaml")
    moved.rename(renamed)
    assert build([OFFERS], GUIDES, out, today=MONDAY, rates=str(renamed)).skipped == 0


def test_a_workbook_edited_by_hand_is_not_skipped(built):
    path = built / "jordan-lee.xlsx"
    workbook = load_workbook(path)
    workbook["Offer"]["A1"].value = "Jordan's offer, with my notes"
    workbook.save(path)
    report = build([OFFERS], GUIDES, built, today=MONDAY)
    assert report.skipped == OFFER_COUNT - 1
    assert [outcome.file for outcome in report.kept] == [path.name]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_three_shards_in_one_folder_then_summary_equal_one_build(built, tmp_path):
    shared = tmp_path / "shards"
    for number in (1, 2, 3):
        assert build([OFFERS], GUIDES, shared, today=MONDAY, shard=f"{number}/3").exit_code == 0
        assert (shared / f".segxlsx-manifest.{number}-of-3.json").is_file()
    assert not (shared / SUMMARY).exists()  # a shard writes none: it knows only its own offers
    shard_files = [set(manifest(shared, f".segxlsx-manifest.{n}-of-3.json")["files"]) for n in (1, 2, 3)]
    assert sum(map(len, shard_files)) == OFFER_COUNT and set.union(*shard_files) == set(contents(built)) - {
        SUMMARY
    }
    result = run("summary", shared, "--guide", SEED_YAML)
    assert result.exit_code == 0, result.output
    # Same names, same bytes, and the same summary as one unsharded build of the same offers.
    assert contents(shared) == contents(built) | {SUMMARY: contents(shared)[SUMMARY]}
    assert summary_rows(shared / SUMMARY) == summary_rows(built / SUMMARY)
    again = run("build", OFFERS, "--guide", SEED_YAML, "-o", shared, "--shard", "2/3")
    assert "unchanged" in again.output and "0 written" in again.output


def test_shards_in_separate_folders_merge_with_links_to_each(built, tmp_path):
    for number in (1, 2):
        build([OFFERS], GUIDES, tmp_path / f"part-{number}", today=MONDAY, shard=f"{number}/2")
    target = tmp_path / "all" / SUMMARY
    result = run("summary", tmp_path / "part-1", tmp_path / "part-2", "-o", target, "--guide", SEED_YAML)
    assert result.exit_code == 0, result.output
    merged, single = summary_rows(target), summary_rows(built / SUMMARY)
    assert [row["Workbook"].split("/")[-1] for row in merged] == [row["Workbook"] for row in single]
    assert all(row["Workbook"].startswith("../part-") for row in merged)
    assert [{**row, "Workbook": ""} for row in merged] == [{**row, "Workbook": ""} for row in single]


def test_each_shard_holds_its_own_lock(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with (out / ".segxlsx.1-of-2.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # shard 1 of 2 still building
        assert run("build", OFFERS, "--guide", SEED_YAML, "-o", out, "--shard", "1/2").exit_code == 2
        assert run("build", OFFERS, "--guide", SEED_YAML, "-o", out, "--shard", "2/2").exit_code == 0


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0"])
def test_a_bad_shard_is_refused(text, tmp_path):
    result = run("build", OFFERS, "--guide", SEED_YAML, "-o", tmp_path / "out", "--shard", text)
    assert result.exit_code == 2 and "--shard" in result.stderr


def test_every_offer_falls_in_exactly_one_shard():
    from segxlsx.store.manifest import Owner

    owners = [Owner.of("offers.csv", f"Candidate {n}") for n in range(300)]
    counts = [sum(Shard(k, 4).holds(owner) for owner in owners) for k in (1, 2, 3, 4)]
    assert sum(counts) == 300 and min(counts) > 50  # the hash spreads them


def test_the_merged_summary_reads_back_a_workbook_edited_by_hand_and_keeps_its_own_edits(tmp_path):
    shared = tmp_path / "shards"
    for number in (1, 2):
        build([OFFERS], GUIDES, shared, today=MONDAY, shard=f"{number}/2")
    path = shared / "jordan-lee.xlsx"
    workbook = load_workbook(path)
    workbook["Offer"]["A1"].value = "Jordan's offer, with my notes"
    workbook.save(path)
    assert run("summary", shared, "--guide", SEED_YAML).exit_code == 0
    rows = {row["Workbook"]: row for row in summary_rows(shared / SUMMARY)}
    assert rows["jordan-lee.xlsx"]["Edits"] == "edited in the workbook"
    assert {row["Edits"] for name, row in rows.items() if name != path.name} == {None}
    summary = load_workbook(shared / SUMMARY)
    summary["Summary"]["A1"].value = "Reviews, week 48"
    summary.save(shared / SUMMARY)
    kept = run("summary", shared, "--guide", SEED_YAML)
    assert kept.exit_code == 1 and "edited by hand" in kept.stderr
    assert run("summary", shared, "--guide", SEED_YAML, "--force").exit_code == 0


def test_a_shard_clears_only_its_own_dead_temporaries(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    theirs, mine = out / ".ada.xlsx.shard-2-of-2.999-dead.tmp", out / ".ada.xlsx.shard-1-of-2.999-dead.tmp"
    for path in (theirs, mine):
        path.write_bytes(b"half a workbook")
    build([OFFERS], GUIDES, out, today=MONDAY, shard="1/2")
    assert theirs.exists() and not mine.exists()  # shard 2 may still be writing it
    build([OFFERS], GUIDES, out, today=MONDAY, shard="2/2")
    assert not theirs.exists()


# -- flat memory: what a build of 50,000 offers holds at once --------------------------------------


def test_a_manifest_in_an_earlier_builds_format_is_read_and_rewritten_a_line_per_file(built):
    """A folder an older segxlsx wrote (`indent=2`) keeps working: unchanged offers are skipped."""
    (built / MANIFEST).write_text(json.dumps(manifest(built), indent=2), encoding="utf-8")
    report = build([OFFERS], GUIDES, built, today=MONDAY)
    assert report.skipped == OFFER_COUNT and not report.kept
    lines = (built / MANIFEST).read_text(encoding="utf-8").splitlines()
    files = lines[: lines.index('}, "offer_files": {')]
    assert lines[0] == '{"version": 5, "files": {' and len(files) == OFFER_COUNT + 1 + 1  # and the summary
    assert lines[-1] == "}}" and len(manifest(built)["offer_files"]) == len(offer_files([OFFERS]))


def test_a_manifest_edited_by_hand_across_lines_is_still_read(built):
    text = (built / MANIFEST).read_text(encoding="utf-8")
    (built / MANIFEST).write_text(text.replace(', "source": ', ',\n  "source": '), encoding="utf-8")
    assert build([OFFERS], GUIDES, built, today=MONDAY).skipped == OFFER_COUNT


def _double(number: int) -> int:
    return number * 2


def _nothing(*args: object) -> None:
    pass


def test_jobs_are_read_only_as_the_workers_need_them_and_results_come_in_order():
    from segxlsx.batch.workers import run_jobs

    read, seen = [], []

    def jobs():
        for number in range(2000):
            read.append(number)
            yield number

    def on_result(job: int, result: int) -> bool:
        seen.append((job, result, len(read)))
        return True

    # Multiples of 3 need no worker: their result is known, and still comes in its place.
    known = lambda job: -job if job % 3 == 0 else None  # noqa: E731
    run_jobs(_double, jobs(), 2, _nothing, (), on_result, known=known, to_build=1333)
    assert [(job, result) for job, result, _ in seen] == [
        (n, -n if n % 3 == 0 else n * 2) for n in range(2000)
    ]
    assert seen[0][2] < 500  # the first result came before the generator was read far


def _freeze_count(number: int) -> int:
    return gc.get_freeze_count()


@pytest.mark.parametrize("workers", [1, 2])
def test_jobs_run_with_what_existed_before_them_frozen_and_the_process_left_as_it_was(workers: int):
    from segxlsx.batch.workers import run_jobs

    counts: list[int] = []
    assert gc.get_freeze_count() == 0
    run_jobs(_freeze_count, range(4), workers, _nothing, (), lambda job, count: counts.append(count))
    # The build's objects were kept out of the collector in this process and in each worker,
    # and are collected as ever once the jobs are done.
    assert len(counts) == 4 and min(counts) > 1000
    assert gc.get_freeze_count() == 0

    gc.freeze()  # a caller that froze objects of its own keeps them frozen
    try:
        frozen = gc.get_freeze_count()
        run_jobs(_freeze_count, range(4), workers, _nothing, (), lambda job, count: counts.append(count))
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
