"""A rerun skips an offer file it read before: planned from the manifest's record of its offers.

The record is only ever a shortcut: whatever was edited in between (an offer file, a guide, the
wording, the rates, a workbook by hand), a build that skips files leaves the very bytes and says
the very things that a build reading every file does.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segxlsx.batch import build, plan
from segxlsx.sources import offers as offers_module
from segxlsx.store.file_names import SUMMARY
from segxlsx.store.folder import LOCK
from segxlsx.store.manifest import MANIFEST, MAX_LINE_BYTES, Manifest

from .conftest import ROOT, SEED_YAML

MONDAY = date(2026, 11, 23)
OFFER_COUNT = 7
RATES = "as_of: 2026-11-20\nbase: USD\nrates: {{GBP: {gbp}, EUR: 0.92, CAD: 1.38}}\n"


def contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.name != LOCK}


class Inputs:
    """A build's inputs in a folder of their own, to edit between builds."""

    def __init__(self, root: Path) -> None:
        self.offers = root / "offers"
        self.guides = root / "guides"
        self.templates = root / "templates"
        self.rates = root / "rates.yaml"
        shutil.copytree(ROOT / "data" / "offers", self.offers)
        self.guides.mkdir()
        shutil.copy(SEED_YAML, self.guides)
        shutil.copytree(ROOT / "templates", self.templates)
        self.rates.write_text(RATES.format(gbp=0.79), encoding="utf-8")

    def build(self, out: Path, **options: object):  # type: ignore[no-untyped-def]
        return build(
            [self.offers], [self.guides], out, templates=self.templates, rates=str(self.rates),
            today=MONDAY, **options,
        )  # fmt: skip


@pytest.fixture
def inputs(tmp_path):
    return Inputs(tmp_path / "in")


def said(report) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    """Everything a build reports that a user sees, in a form two builds can be compared by."""
    kept = [(o.file, o.action, o.differences, str(o.problem), o.taken_back) for o in report.kept]
    failures = [(str(failure), failure.location) for failure in report.failures]
    return (dict(report.counts), report.skipped, kept, failures, report.notes, report.exit_code,
            sorted(report.replaced), report.points and dict(report.points))  # fmt: skip


def about_manifest(report) -> list[str]:  # type: ignore[no-untyped-def]
    return [note for note in report.notes if MANIFEST in note]


# -- the edits ---------------------------------------------------------------------------------


def _offer_files(inputs: Inputs) -> list[Path]:
    return sorted(path for path in inputs.offers.iterdir() if not path.name.startswith("."))


def _workbooks(out: Path) -> list[Path]:
    return sorted(path for path in out.glob("*.xlsx") if path.name != SUMMARY)


def edit(action: str, number: int, inputs: Inputs, out: Path) -> dict[str, object]:
    """Make one edit (`number` picks what it touches and how); the build options it asks for."""
    files, workbooks = _offer_files(inputs), _workbooks(out)
    file = files[number % len(files)]
    if action == "comment" and file.suffix in (".yaml", ".yml"):  # new bytes, the same offers
        file.write_text(file.read_text(encoding="utf-8") + f"# seen {number}\n", encoding="utf-8")
    elif action == "value" and file.suffix in (".yaml", ".yml"):
        text = file.read_text(encoding="utf-8")
        file.write_text(
            re.sub(r"stock: \d+", f"stock: {100000 + 1000 * number}", text, count=1), encoding="utf-8"
        )
    elif action == "rename":
        file.rename(file.with_name(f"renamed-{number}{file.suffix}"))
    elif action == "delete" and len(files) > 1:
        file.unlink()
    elif action == "twin":  # the same candidates in two files: a note names both
        shutil.copy(file, file.with_name(f"copy-{number}{file.suffix}"))
    elif action == "problem":  # a file with a bad offer beside a good one
        header, good, *_ = (ROOT / "data" / "offers" / "london.csv").read_text(encoding="utf-8").splitlines()
        bad = good.replace("Oliver Bennett", f"Bad Row {number}").replace("£132K", "lots")
        (inputs.offers / f"problem-{number}.csv").write_text(f"{header}\n{good}\n{bad}\n", encoding="utf-8")
    elif action == "guide":
        guide = next(inputs.guides.iterdir())
        guide.write_text(guide.read_text(encoding="utf-8") + f"# reviewed {number}\n", encoding="utf-8")
    elif action == "template":
        template = inputs.templates / "ask.txt"
        template.write_text(
            template.read_text(encoding="utf-8").rstrip("\n") + f" ({number})\n", encoding="utf-8"
        )
    elif action == "rates":
        inputs.rates.write_text(RATES.format(gbp=0.70 + number / 100), encoding="utf-8")
    elif action == "hand_edit" and workbooks:
        path = workbooks[number % len(workbooks)]
        path.write_bytes(path.read_bytes() + b"edited")
    elif action == "delete_workbook" and workbooks:
        workbooks[number % len(workbooks)].unlink()
    elif action == "replace" and workbooks:
        return {"replace": [workbooks[number % len(workbooks)].name]}
    elif action == "force":
        return {"force": True}
    elif action == "talking_points":
        return {"talking_points": True}
    elif action == "shard":  # a shard's own manifest, beside the unsharded build's
        return {"shard": f"{number % 2 + 1}/2"}
    return {}


ACTIONS = ["comment", "value", "rename", "delete", "twin", "problem", "guide", "template", "rates",
           "hand_edit", "delete_workbook", "replace", "force", "talking_points", "shard", "nothing"]  # fmt: skip


def both_ways(inputs: Inputs, out: Path, saved: Path, monkeypatch, **options: object):  # type: ignore[no-untyped-def]
    """Build `out` reading every offer file, then from the same folder skipping those recorded:
    both must leave the same bytes and say the same; the folder is left as the second left it."""
    shutil.rmtree(saved, ignore_errors=True)
    shutil.copytree(out, saved)  # copy2: each file's time as it was, which a hand edit is dated by
    with monkeypatch.context() as patched:
        patched.setattr(plan, "_SKIP_UNCHANGED_FILES", False)
        reading = inputs.build(out, **options)
    read = contents(out)
    shutil.rmtree(out)
    shutil.copytree(saved, out)
    skipping = inputs.build(out, **options)
    assert contents(out) == read
    assert said(skipping) == said(reading)
    return skipping


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 20)), min_size=1, max_size=4))
def test_a_build_that_skips_files_leaves_what_one_that_reads_them_leaves(
    tmp_path_factory, monkeypatch, edits
):
    root = tmp_path_factory.mktemp("edits")
    inputs, out, saved = Inputs(root / "in"), root / "out", root / "saved"
    assert inputs.build(out).exit_code == 0
    both_ways(inputs, out, saved, monkeypatch)  # the first rerun
    for action, number in edits:
        options = edit(action, number, inputs, out)
        both_ways(inputs, out, saved, monkeypatch, **options)
        both_ways(inputs, out, saved, monkeypatch, **options)  # and again, with nothing changed


def _count_reading(monkeypatch) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """How many offers are checked and how many files parsed, from now on."""
    counted = {"offers": 0, "parsed": 0}

    def counting(name: str, key: str) -> None:
        real = getattr(offers_module, name)

        def counted_call(*args: object, **kwargs: object) -> object:
            counted[key] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(offers_module, name, counted_call)

    counting("read_offer", "offers")
    for name in ("_csv_records", "_document_records", "_xlsx_records"):
        counting(name, "parsed")
    return counted


def test_an_unchanged_rerun_parses_no_offer_file(inputs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert inputs.build(out).exit_code == 0
    counted = _count_reading(monkeypatch)
    report = inputs.build(out)
    assert report.skipped == OFFER_COUNT and counted == {"offers": 0, "parsed": 0}
    assert not about_manifest(report)  # every line of it read as written, records and all
    # One file changed: that file alone is read again, and its offers are skipped all the same.
    jordan = inputs.offers / "jordan-lee.yml"
    jordan.write_text(jordan.read_text(encoding="utf-8") + "# seen\n", encoding="utf-8")
    report = inputs.build(out)
    assert report.skipped == OFFER_COUNT and counted == {"offers": 1, "parsed": 1}
    counted.update(offers=0, parsed=0)
    assert inputs.build(out).skipped == OFFER_COUNT and counted == {"offers": 0, "parsed": 0}


def test_a_file_with_a_problem_is_read_and_its_problem_said_on_every_build(inputs, tmp_path, monkeypatch):
    header, good, *_ = (inputs.offers / "london.csv").read_text(encoding="utf-8").splitlines()
    (inputs.offers / "london.csv").write_text(
        f"{header}\n{good}\n{good.replace('£132K', 'lots')}\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    first = inputs.build(out)
    counted = _count_reading(monkeypatch)
    again = inputs.build(out)
    assert again.failures and said(again)[3] == said(first)[3] and counted["parsed"] == 1


def test_a_candidate_in_two_files_is_said_on_every_rerun(inputs, tmp_path, monkeypatch):
    shutil.copy(inputs.offers / "jordan-lee.yml", inputs.offers / "jordan-lee-copy.yml")
    out = tmp_path / "out"
    first = inputs.build(out)
    counted = _count_reading(monkeypatch)
    again = inputs.build(out)
    assert any("has an offer in" in note for note in first.notes)
    assert again.notes == first.notes and counted == {"offers": 0, "parsed": 0}


def test_the_manifest_keeps_only_the_offer_files_of_the_last_build(inputs, tmp_path):
    out = tmp_path / "out"
    inputs.build(out)
    kept = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["offer_files"]
    assert len(kept) == len(_offer_files(inputs))
    (inputs.offers / "dana-whitfield.json").unlink()
    inputs.build(out)
    assert len(json.loads((out / MANIFEST).read_text(encoding="utf-8"))["offer_files"]) == len(kept) - 1


def test_a_version_4_manifest_is_read_and_rewritten_as_version_5(inputs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    inputs.build(out)
    lines = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    files = lines[1 : lines.index('}, "offer_files": {')]
    (out / MANIFEST).write_text(
        "\n".join(['{"version": 4, "files": {', *files, "}}"]) + "\n", encoding="utf-8"
    )
    counted = _count_reading(monkeypatch)
    report = inputs.build(out)
    assert (
        report.skipped == OFFER_COUNT
        and not about_manifest(report)
        and counted["parsed"] == len(_offer_files(inputs))
    )
    assert (out / MANIFEST).read_text(encoding="utf-8").splitlines()[0] == '{"version": 5, "files": {'
    counted.update(offers=0, parsed=0)
    assert inputs.build(out).skipped == OFFER_COUNT and counted == {"offers": 0, "parsed": 0}


def test_a_damaged_record_is_one_line_said_and_its_file_read_again(inputs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    inputs.build(out)
    text = (out / MANIFEST).read_text(encoding="utf-8")
    damaged = re.sub(r'\["Jordan Lee"', '["Jordan Lea"', text, count=1)
    assert damaged != text
    (out / MANIFEST).write_text(damaged, encoding="utf-8")
    counted = _count_reading(monkeypatch)
    report = inputs.build(out)
    assert report.skipped == OFFER_COUNT and counted["parsed"] == 1
    assert len(about_manifest(report)) == 1 and "check differs" in about_manifest(report)[0]


def test_a_large_file_is_recorded_in_parts_and_a_part_lost_is_no_record(tmp_path):
    """A record is written part by part, each a line well under a line's limit; one part lost
    (a damaged line left out) makes the record unusable, never short."""
    manifest = Manifest()
    record = manifest.record_offer_file("a" * 64)
    offers = [
        (f"Candidate {number:05d} " + "é" * 40, f"{number:016x}", "segment-data-engineer")
        for number in range(3000)
    ]
    for offer in offers:
        record.add(*offer)
    record.finish()
    (tmp_path / MANIFEST).write_bytes(b"".join(manifest.as_lines()))
    manifest.close()
    lines = (tmp_path / MANIFEST).read_bytes().splitlines()
    parts = [line for line in lines if line.startswith(b'"' + b"a" * 64)]
    assert len(parts) > 2 and max(map(len, parts)) < MAX_LINE_BYTES
    again = Manifest.read(tmp_path)
    assert list(again.offer_file("a" * 64)) == offers and not again.damage
    again.close()
    (tmp_path / MANIFEST).write_bytes(b"\n".join(line for line in lines if line != parts[1]) + b"\n")
    cut = Manifest.read(tmp_path)
    with pytest.raises(LookupError):
        list(cut.offer_file("a" * 64))
    cut.close()
