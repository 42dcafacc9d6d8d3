"""Working folders: `segxlsx init`, and where `build` looks when it is given no paths."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from segxlsx.cli import main
from segxlsx.sources.shipped import shipped_folder
from segxlsx.wording import DEFAULT_FOLDER
from segxlsx.workspace import (
    README,
    Inputs,
    WorkspaceError,
    default_inputs,
    make_working_folder,
)

from .conftest import ROOT


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_shipped_folders_are_the_repository_folders_in_a_source_tree() -> None:
    # Run from this checkout (PYTHONPATH, or an editable install), the package holds no copy.
    assert shipped_folder("templates").resolve() == DEFAULT_FOLDER.resolve() == ROOT / "templates"
    assert shipped_folder("guides").resolve() == ROOT / "data" / "guides"
    assert shipped_folder("offers").resolve() == ROOT / "data" / "offers"


def test_init_lays_out_a_working_folder_of_the_shipped_examples(run, in_tmp) -> None:
    result = run("init", "demo")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "made demo/guides, demo/offers, demo/templates, demo/README.txt",
        "next: edit the offers, then cd demo && segxlsx build (README.txt says more)",
    ]
    assert sorted(p.name for p in (in_tmp / "demo").iterdir()) == [README, "guides", "offers", "templates"]
    assert _files(in_tmp / "demo" / "guides") == _files(ROOT / "data" / "guides")
    offers = _files(in_tmp / "demo" / "offers")
    intake = offers.pop("offers.xlsx")  # the intake sheet, made for the example guide
    assert offers == _files(ROOT / "data" / "offers")
    assert intake.startswith(b"PK") and load_workbook(in_tmp / "demo" / "offers" / "offers.xlsx")["Offers"]
    assert _files(in_tmp / "demo" / "templates") == _files(ROOT / "templates")
    readme = (in_tmp / "demo" / README).read_text(encoding="utf-8")
    assert "segxlsx build" in readme and "offers/" in readme and "{placeholders}" in readme


def test_init_with_no_folder_lays_out_the_current_one(run, in_tmp) -> None:
    (in_tmp / "notes.md").write_text("mine\n", encoding="utf-8")  # other files do not stop it

    result = run("init")

    assert result.exit_code == 0, result.output
    assert (
        result.stdout.splitlines()[-1] == "next: edit the offers, then segxlsx build (README.txt says more)"
    )
    assert (in_tmp / "guides" / "segment-data-engineer.yaml").is_file()


@pytest.mark.parametrize(
    ("existing", "shown"),
    [("guides", "guides/"), ("offers", "offers/"), ("templates", "templates/"), (README, README)],
)
def test_init_never_overwrites_a_working_folder(run, in_tmp, existing: str, shown: str) -> None:
    target = in_tmp / "demo" / existing
    target.parent.mkdir()
    if existing == README:
        target.write_text("mine\n", encoding="utf-8")
    else:
        target.mkdir()

    result = run("init", "demo")

    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: demo already has {shown}: segxlsx init never overwrites a working folder "
        "(name a new one: segxlsx init NEW-FOLDER)\n"
    )
    assert [p.name for p in (in_tmp / "demo").iterdir()] == [existing]  # nothing written


def test_build_in_a_working_folder_needs_no_arguments_and_takes_today(run, in_tmp, monkeypatch) -> None:
    """init, cd, build with --as-of today: exit 0, and a note on the rates' age."""
    assert run("init", "demo").exit_code == 0
    monkeypatch.chdir(in_tmp / "demo")
    today = date.today()

    result = run("build", "--as-of", today, "--workers", 1)

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("8 written, 0 unchanged, 0 kept, 0 failed -> output/summary.xlsx")
    days = (today - date(2026, 10, 30)).days
    assert result.stderr == (
        f"warning: rates of 2026-10-30, {days} days before {today}, the last day of the offline ECB "
        "rates (--rates live fetches newer ones)\n"
    )
    # seven example offers, the intake sheet's example row, and the summary
    assert len(list((in_tmp / "demo" / "output").glob("*.xlsx"))) == 9

    strict = run("build", "--as-of", today, "--strict-rates")
    assert strict.exit_code == 2 and strict.stderr.count("\n") == 1 and "--strict-rates" in strict.stderr


def test_build_with_nothing_to_read_says_what_to_do(run, in_tmp) -> None:
    for command in ("build", "validate"):
        result = run(command)

        assert result.exit_code == 2
        assert result.stderr == (
            "Error: no guides here: run `segxlsx init` to start a working folder, or pass --guide and OFFERS\n"
        )
    assert list(in_tmp.iterdir()) == []


def test_default_inputs_of_a_working_folder(in_tmp) -> None:
    make_working_folder(in_tmp)

    assert default_inputs() == Inputs((Path("offers"),), (Path("guides"),), Path("templates"))
    assert default_inputs([Path("new.csv")]) == Inputs(
        (Path("new.csv"),), (Path("guides"),), Path("templates")
    )


def test_default_inputs_of_the_repository() -> None:
    assert default_inputs(folder=ROOT) == Inputs(
        (ROOT / "data" / "offers",), (ROOT / "data" / "guides",), ROOT / "templates"
    )


@pytest.mark.parametrize(
    ("offers", "guides", "expected"),
    [
        (["a.csv"], ["g.yaml"], Inputs((Path("a.csv"),), (Path("g.yaml"),), None)),  # shipped wording
        (["a.csv"], [], "no guides here"),
        ([], ["g.yaml"], "no offers here"),
    ],
)
def test_default_inputs_outside_a_working_folder(in_tmp, offers, guides, expected) -> None:
    (in_tmp / "templates").mkdir()  # a templates/ of some other project is not ours to read
    offers, guides = [Path(p) for p in offers], [Path(p) for p in guides]
    if isinstance(expected, Inputs):
        assert default_inputs(offers, guides) == expected
    else:
        with pytest.raises(WorkspaceError, match=expected):
            default_inputs(offers, guides)


def test_every_command_finds_its_guides_in_a_working_folder(run, in_tmp, monkeypatch) -> None:
    """`summary` and `export` read the working folder's guides as `build` does: no --guide needed."""
    assert run("init", "demo").exit_code == 0
    monkeypatch.chdir(in_tmp / "demo")
    assert run("build", "--workers", 1, "--quiet").exit_code == 0

    summary = run("summary", "output")
    exported = run("export", "output", "-o", "current.yaml")

    assert summary.exit_code == 0, summary.output
    assert summary.stdout == "8 workbook(s) -> output/summary.xlsx\n"
    assert exported.exit_code == 0, exported.output
    assert exported.stdout == "8 offer(s) exported, 0 failed -> current.yaml\n"
    assert (in_tmp / "demo" / "current.yaml").read_text(encoding="utf-8").count("candidate:") == 8


def test_summary_and_export_with_no_guides_here_say_what_to_do(run, in_tmp) -> None:
    (in_tmp / "output").mkdir()
    for args in (("summary", "output"), ("export", "output", "-o", "x.yaml")):
        result = run(*args)

        assert result.exit_code == 2
        assert result.stderr == (
            "Error: no guides here: run `segxlsx init` to start a working folder, or pass --guide\n"
        )
