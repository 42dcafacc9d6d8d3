"""The command line: help, version, import-guide, and how errors are shown."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from segxlsx import __version__
from segxlsx.cli import main

from .conftest import ROOT, SEED, SEED_YAML


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_every_command_has_help_with_examples(run):
    for name, command in main.commands.items():
        assert command.help, f"{name} has no help"
        result = run(name, "--help")
        assert result.exit_code == 0 and "Examples:" in result.output, name


def test_help_starts_without_the_heavy_libraries():
    code = "import sys; from segxlsx.cli import main; print(sorted(m for m in ('openpyxl', 'ftfy', 'yaml', 'currency_converter', 'forex_python') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_pure_layers_import_no_io_library():
    code = "import sys; import segxlsx.model, segxlsx.figures, segxlsx.money; print(sorted(m for m in ('click', 'openpyxl', 'yaml') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_import_guide_to_stdout_is_the_committed_yaml(run):
    result = run("import-guide", SEED)
    assert result.exit_code == 0
    assert result.stdout == SEED_YAML.read_text(encoding="utf-8")
    assert "dropped 'ðŸ—'" in result.stderr and ":19:" in result.stderr
    assert "London: stated total comp differs from base + stock/year + bonus by up to 3.6%" in result.stderr


def test_import_guide_lists_what_a_candidate_will_not_say(run):
    """The guide's author sees each sentence classed as a competing claim, or as a figure of the
    guide's own: no candidate says them as written."""
    result = run("import-guide", SEED)
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: segment-data-engineer: ")]
    assert notes == [
        'note: segment-data-engineer: the strategy: "I have Snowflake and Databricks offers with larger '
        'equity packages." is a competing claim (names Snowflake, Databricks; claims an offer): a candidate '
        "makes it only with their own competing offers, in their own words",
        'note: segment-data-engineer: lever 2 (Snowflake/Databricks Counter): "I have offers from Snowflake '
        'and Databricks with larger equity grants." is a competing claim (names Snowflake, Databricks; '
        "claims an offer): a candidate makes it only with their own competing offers, in their own words",
        'note: segment-data-engineer: lever 4 (CDP Market Growth): "The CDP market is projected to reach '
        "$15B+ by 2028 with AI features driving adoption.\" states the guide's own figure ($15B): shown to "
        "the coach, never in what a candidate says",
    ]


def test_import_guide_to_a_file(run, tmp_path):
    out = tmp_path / "deep" / "guide.yaml"
    result = run("import-guide", SEED, "-o", out)
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == SEED_YAML.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "content, message",
    [
        (
            "not a guide at all\n",
            "bad.md:1: expected the guide's title as its first line, e.g. '### Role | Company Global Negotiation Guide'",
        ),
        (
            SEED.read_text(encoding="utf-8").replace("$168K", "$999K", 1),
            "bad.md:7, field 'San Francisco.base': min 999,000 is above max 202,000",
        ),
    ],
)
def test_a_bad_guide_is_one_line_and_exit_2(run, in_tmp, content, message):
    (in_tmp / "bad.md").write_text(content, encoding="utf-8")
    result = run("import-guide", "bad.md")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {message}"
    assert "Traceback" not in result.output


def test_a_missing_guide_is_exit_2(run, in_tmp):
    result = run("import-guide", "nope.md")
    assert result.exit_code == 2 and "nope.md" in result.stderr


def test_a_guide_that_is_not_utf8_says_so(run, in_tmp):
    (in_tmp / "latin1.md").write_bytes("### Café | X Global Negotiation Guide\n".encode("latin-1"))
    result = run("import-guide", "latin1.md")
    assert result.exit_code == 2 and "latin1.md: not UTF-8 text" in result.stderr


def test_the_library_is_callable_without_click(tmp_path):
    code = (
        "import sys, segxlsx; "
        f"report = segxlsx.build([{str(SEED_YAML.parent.parent / 'offers')!r}], [{str(SEED_YAML)!r}], {str(tmp_path)!r}); "
        "print(report.exit_code, report.count('written'), 'click' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "7", "False"]


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2226-12-07", "9999-12-31"])
def test_a_today_outside_the_days_a_deadline_may_fall_on_is_refused(run, tmp_path, day):
    """--today dates the rounds a build starts, for good: a year no deadline may have (a typo)
    is refused in one line, exit 2, before anything is written, by build and summary alike."""
    out = tmp_path / "out"
    result = run("build", ROOT / "data" / "offers", "--guide", SEED_YAML, "-o", out, "--today", day)
    assert result.exit_code == 2 and not out.exists()
    assert "field 'today': expected a date from 2000-01-01 to 2099-12-31" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert run("build", ROOT / "data" / "offers", "--guide", SEED_YAML, "-o", out, "-q").exit_code == 0
    result = run("summary", out, "--guide", SEED_YAML, "-o", tmp_path / "s.xlsx", "--today", day)
    assert result.exit_code == 2 and "expected a date from 2000-01-01 to 2099-12-31" in result.output
    assert not (tmp_path / "s.xlsx").exists()


def test_every_command_writes_with_out_and_init_says_how_to_go_there_pasteably(run, tmp_path, monkeypatch):
    """`-o/--out` names where every command writes (import-guide's `--output` still works); the
    folder `init` tells the user to go to is quoted for a shell, spaces and all."""
    guide = ROOT / "tests" / "fixtures" / "guides" / "atlassian-product-manager.md"
    for option in ("--out", "--output", "-o"):
        target = tmp_path / f"guide{option}.yaml"
        assert run("import-guide", guide, option, target).exit_code == 0 and target.exists()
    monkeypatch.chdir(tmp_path)
    result = run("init", "sp ace/é")
    assert result.exit_code == 0 and "cd 'sp ace/é' && segxlsx build" in result.output
