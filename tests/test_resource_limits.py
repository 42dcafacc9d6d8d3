"""Running short of memory or disk: build, export and summary under `ulimit -v` and `ulimit -f`.

Whatever the limit, a command ends with one line and its exit code, never a traceback or a hang,
and leaves nothing a rerun with room cannot finish: after it, the folder builds whole.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from .conftest import ROOT, SEED_YAML

OFFERS = ROOT / "data" / "offers"
MB = 1024 * 1024
WORKBOOKS = 7 + 1  # the shipped examples and the summary


def segxlsx(*args: object, cwd: Path, memory: int | None = None, file_size: int | None = None):
    def limit() -> None:
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if file_size:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    return subprocess.run(
        [sys.executable, "-m", "segxlsx.program", *map(str, args), "--guide", SEED_YAML],
        preexec_fn=limit, capture_output=True, text=True, cwd=cwd, timeout=180,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip


def assert_said_in_a_line(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr and "Fatal Python error" not in done.stderr, done.stderr
    if done.returncode == 2:
        assert done.stderr.splitlines()[-1].startswith("Error: "), done.stderr
    else:
        assert done.returncode in (0, 1), done.stderr


def assert_builds_whole(out: Path) -> None:
    done = segxlsx("build", OFFERS, "--out", out, "-q", cwd=out.parent)
    assert done.returncode == 0, done.stderr
    workbooks = sorted(out.glob("*.xlsx"))
    assert len(workbooks) == WORKBOOKS and not list(out.glob("*.tmp")) and not list(out.glob(".*.tmp"))
    for path in workbooks:
        load_workbook(path, read_only=True).close()  # whole files, not a half one under a final name


@pytest.mark.parametrize("memory", [30 * MB, 42 * MB, 48 * MB, 80 * MB])
@pytest.mark.parametrize("workers", [1, 2])
def test_a_build_short_of_memory_says_so_in_a_line_and_a_rerun_finishes(tmp_path, memory, workers):
    out = tmp_path / "out"
    done = segxlsx("build", OFFERS, "--out", out, "-w", workers, cwd=tmp_path, memory=memory)
    assert_said_in_a_line(done)
    assert_builds_whole(out)


@pytest.mark.parametrize("file_size", [2_000, 12_000, 28_000])  # workbooks are 26–31 KB
def test_a_build_past_a_file_size_limit_fails_its_offers_in_a_line_each_and_a_rerun_finishes(
    tmp_path, file_size
):
    out = tmp_path / "out"
    done = segxlsx("build", OFFERS, "--out", out, cwd=tmp_path, file_size=file_size)
    assert_said_in_a_line(done)
    assert done.returncode in (1, 2)
    assert "File too large" in done.stderr
    assert_builds_whole(out)


@pytest.mark.parametrize("memory", [30 * MB, 48 * MB])
@pytest.mark.parametrize("file_size", [None, 3_000])
def test_export_and_summary_short_of_memory_or_disk_say_so_in_a_line(tmp_path, memory, file_size):
    out = tmp_path / "out"
    assert segxlsx("build", OFFERS, "--out", out, "-q", cwd=tmp_path).returncode == 0
    before = {path.name: path.read_bytes() for path in out.glob("*.xlsx")}
    for command in (
        ("export", out, "-o", tmp_path / "current.csv"),
        ("summary", out, "-o", tmp_path / "all.xlsx"),
    ):
        done = segxlsx(*command, cwd=tmp_path, memory=memory, file_size=file_size)
        assert_said_in_a_line(done)
    assert {path.name: path.read_bytes() for path in out.glob("*.xlsx")} == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_bad_offer_is_kept_as_its_message_alone_never_its_traceback(tmp_path):
    """A traceback keeps its frames' locals alive (~8 KB an offer): a million bad rows were
    gigabytes. Every failure a build reports holds its message and place, nothing more."""
    from segxlsx.batch import build

    rows = "".join(f"C{n},Atlantis,abc,100000,12%\n" for n in range(300))
    (tmp_path / "bad.csv").write_text("candidate,region,base,stock,bonus\n" + rows, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("{candidate: [unclosed\n", encoding="utf-8")
    report = build([tmp_path / "bad.csv", tmp_path / "broken.yaml"], [SEED_YAML], tmp_path / "out")
    assert len(report.failures) == 301
    assert all(f.__traceback__ is None and f.__context__ is None for f in report.failures)
