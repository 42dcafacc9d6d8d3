"""Workbooks saved by hand since segxlsx wrote them: kept, said why, and a way out of it.

A kept workbook always says what differs from its offer file (or that it was only re-saved),
and on older rates says so; one whose inputs match its offer file again is taken back without
`--force`; `--replace NAME` rebuilds one on purpose; a kept workbook whose offer file is gone
stays listed and never blocks the folder.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from segxlsx.batch import build
from segxlsx.cli import main
from segxlsx.store.manifest import MANIFEST, Manifest
from segxlsx.store.signatures import signed

from .conftest import ROOT, SEED_YAML
from .test_batch import summary_rows

GUIDES = [SEED_YAML]
EARLIER, LATER = date(2026, 10, 20), date(2026, 10, 30)  # two days the shipped offline rates have


@pytest.fixture
def folder(tmp_path):
    """The shipped offers copied (to edit), built on the later rates."""
    offers = tmp_path / "offers"
    shutil.copytree(ROOT / "data" / "offers", offers)
    out = tmp_path / "out"
    assert build([offers], GUIDES, out, as_of=LATER).exit_code == 0
    return offers, out


def resave(path: Path, **inputs: object) -> None:
    """Save a workbook as another program would (every part rewritten), setting named inputs."""
    workbook = load_workbook(path)
    for name, value in inputs.items():
        ((sheet, ref),) = workbook.defined_names[name].destinations
        workbook[sheet][ref.replace("$", "")] = value
    workbook.save(path)


def run(offers: Path, out: Path, *more: str):
    args = ["build", str(offers), "--guide", str(SEED_YAML), "--out", str(out), "--as-of", LATER.isoformat()]
    return CliRunner().invoke(main, [*args, "-q", *more], catch_exceptions=False)


def edits_of(out: Path, name: str) -> str:
    return next(row["Edits"] for row in summary_rows(out / "summary.xlsx") if row["Workbook"] == name)


def test_a_workbook_only_re_saved_is_kept_and_says_so(folder):
    offers, out = folder
    resave(out / "jordan-lee.xlsx")
    result = run(offers, out)
    assert result.exit_code == 0  # nothing differs: nothing needs the recruiter
    assert "  out/jordan-lee.xlsx\n    re-saved, no input changed\n" in result.stderr.replace(
        str(out.parent) + "/", ""
    )
    assert edits_of(out, "jordan-lee.xlsx") == "re-saved, no input changed"


def test_a_kept_workbook_whose_offer_file_catches_up_is_taken_back(folder):
    offers, out = folder
    resave(out / "jordan-lee.xlsx", offer_base=191000)
    report = build([offers], GUIDES, out, as_of=LATER)
    assert [kept.file for kept in report.kept] == ["jordan-lee.xlsx"] and report.exit_code == 1
    (difference,) = report.kept[0].differences
    assert difference.startswith("base 178,000 in ") and difference.endswith(", 191,000 in the workbook")
    assert Manifest.read(out).get("jordan-lee.xlsx").differs

    text = (offers / "jordan-lee.yml").read_text(encoding="utf-8")
    (offers / "jordan-lee.yml").write_text(text.replace('base: "$178K"', "base: 191000"), encoding="utf-8")
    report = build([offers], GUIDES, out, as_of=LATER)
    assert not report.kept and report.exit_code == 0 and report.count("written") == 1
    assert any("jordan-lee.xlsx: its inputs match its offer file again" in note for note in report.notes)
    assert signed(out / "jordan-lee.xlsx") is not None  # segxlsx's own file again
    assert not Manifest.read(out).get("jordan-lee.xlsx").differs
    assert build([offers], GUIDES, out, as_of=LATER).skipped == 7  # and left alone from then on


def test_replace_rebuilds_the_workbooks_named_and_no_other(folder):
    offers, out = folder
    resave(out / "jordan-lee.xlsx", offer_base=191000)
    resave(out / "priya-raman.xlsx", offer_base=199000)
    result = run(offers, out, "--replace", "jordan-lee.xlsx", "--replace", "nobody.xlsx")
    assert result.exit_code == 1  # priya-raman.xlsx still differs from its offer file
    assert signed(out / "jordan-lee.xlsx") is not None and signed(out / "priya-raman.xlsx") is None
    assert (
        "--replace nobody.xlsx: no offer of this build has that workbook; nothing replaced" in result.stderr
    )
    assert "Kept 1 workbook(s)" in result.stderr and "priya-raman.xlsx" in result.stderr


def test_a_kept_workbook_on_older_rates_says_so(folder):
    offers, out = folder
    assert build([offers], GUIDES, out, as_of=EARLIER, replace=["jordan-lee.xlsx"]).exit_code == 0
    resave(out / "jordan-lee.xlsx")
    result = run(offers, out)
    assert f"built on rates of {EARLIER}; this build's are of {LATER}" in result.stderr
    assert edits_of(out, "jordan-lee.xlsx") == f"re-saved, no input changed; built on rates of {EARLIER}"


def test_a_kept_workbook_whose_offer_file_is_gone_stays_listed_and_blocks_nothing(folder):
    offers, out = folder
    workbook = load_workbook(out / "jordan-lee.xlsx")
    workbook["Years"].title = "Yea!rs"  # an edit Excel allows, names and all (openpyxl keeps the names' text)
    for definition in workbook.defined_names.values():
        definition.attr_text = definition.attr_text.replace("'Years'!", "'Yea!rs'!")
    workbook.save(out / "jordan-lee.xlsx")
    (offers / "jordan-lee.yml").unlink()
    for more in ((), ("--force",)):
        result = run(offers, out, *more)
        assert result.exit_code == 0, result.stderr
        assert "Traceback" not in result.stderr
        rows = {row["Workbook"]: row for row in summary_rows(out / "summary.xlsx")}
        assert len(rows) == 7 and rows["jordan-lee.xlsx"]["Candidate"] == "Jordan Lee"
    assert (out / MANIFEST).exists()


def test_an_offers_file_segxlsx_wrote_is_never_replaced_by_a_build_or_a_summary(folder, tmp_path):
    """An export or an intake sheet carries segxlsx's signature too, but holds offers someone
    typed or kept: wherever it lies (at the summary's name, at a workbook's, or as `summary -o`'s
    target), a build or a summary keeps it and says so, as it keeps a file it never wrote."""
    from segxlsx.export import export
    from segxlsx.summary.merge import summarise
    from segxlsx.workspace import make_working_folder

    offers, out = folder
    intake = make_working_folder(tmp_path / "work") and tmp_path / "work" / "offers" / "offers.xlsx"
    for target in (tmp_path / "week49.xlsx", intake):
        if target != intake:
            export(out, target, GUIDES)
        before = target.read_bytes()
        assert signed(target) is not None and signed(target).owner is None  # ours, and no workbook
        merged = summarise([out], GUIDES, target)
        assert merged.path is None and target.read_bytes() == before
        assert "edited by hand, or not written by segxlsx; kept it" in " ".join(merged.notes)
    for name in ("summary.xlsx", "priya-raman.xlsx"):
        elsewhere = tmp_path / f"into-{name}"
        elsewhere.mkdir()
        export(out, elsewhere / name, GUIDES)
        before = (elsewhere / name).read_bytes()
        report = build([offers], GUIDES, elsewhere, as_of=LATER)
        assert (elsewhere / name).read_bytes() == before, name
        if name == "summary.xlsx":
            assert report.summary is None and any("summary.xlsx" in note for note in report.notes)
        else:
            assert [kept.file for kept in report.kept] == [name]
