"""A build stopped at any moment (Ctrl-C, SIGTERM, SIGKILL, a crash) is resumed exactly by the next.

The interrupted builds run as real processes with two workers, as a recruiter's terminal would
run them; the folder they leave, once rebuilt, must be the folder an uninterrupted build makes.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from segxlsx import batch
from segxlsx.errors import SegxlsxError
from segxlsx.store.folder import JOURNAL
from segxlsx.store.manifest import MANIFEST
from segxlsx.summary.sheet import HEADER_ROW

from .conftest import ROOT, SEED_YAML
from .test_batch import summary_rows

GUIDES = [SEED_YAML]
LAST_RATES = date(2026, 10, 30)  # the shipped rates' last day: builds with no note on their age


def build(*args, **options) -> batch.BuildReport:
    return batch.build(*args, as_of=LAST_RATES, **options)


OFFERS = 400


def _synthetic_offers(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["candidate,region,base,stock,bonus"]
    rows += [f"Candidate {i},San Francisco,{170000 + i},{150000 + i},12%" for i in range(count)]
    path = folder / "many.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    return _synthetic_offers(tmp_path_factory.mktemp("offers"), OFFERS)


@pytest.fixture(scope="module")
def uninterrupted(many, tmp_path_factory) -> Path:
    """The folder a build that nobody stopped makes: what every resumed build must equal."""
    out = tmp_path_factory.mktemp("uninterrupted") / "out"
    assert build([many], GUIDES, out, workers=2).exit_code == 0
    return out


def folder_contents(out: Path) -> dict[str, object]:
    """Every file's bytes, but the summary's own: its "This run" column says what each build did
    (a resumed build leaves unchanged what the stopped one wrote), so it is compared row by row
    without it, and the manifest without the summary's hash."""
    contents: dict[str, object] = {path.name: path.read_bytes() for path in sorted(out.iterdir())}
    if "summary.xlsx" in contents:
        rows = summary_rows(out / "summary.xlsx")
        contents["summary.xlsx"] = [{k: v for k, v in row.items() if k != "This run"} for row in rows]
    if MANIFEST in contents:
        manifest = json.loads(contents[MANIFEST])
        manifest["files"].pop("summary.xlsx", None)
        contents[MANIFEST] = manifest
    return contents


def children_of(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.append(int(entry.name))
    return children


def alive(pid: int) -> bool:
    """Running, not merely a zombie waiting for a parent that is gone to collect it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def start_build(offers: Path, out: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "segxlsx.cli", "build", str(offers), "--guide", str(SEED_YAML),
               "--out", str(out), "--workers", "2", "--quiet",
               "--as-of", LAST_RATES.isoformat()]  # fmt: skip
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        command, cwd=out.parent, env=environment, start_new_session=True, stderr=subprocess.PIPE, text=True
    )


def wait_for_workbooks(process: subprocess.Popen, out: Path, count: int) -> None:
    deadline = time.monotonic() + 60
    while len(list(out.glob("*.xlsx"))) < count and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)


# How each signal reaches the build: Ctrl-C in a terminal goes to the whole process group; a
# service manager's SIGTERM and the OOM killer's SIGKILL go to the build's process alone.
@pytest.mark.parametrize(
    "signum, to_group, exit_code",
    [(signal.SIGINT, True, 130), (signal.SIGTERM, False, 143), (signal.SIGKILL, False, -signal.SIGKILL)],
    ids=["SIGINT", "SIGTERM", "SIGKILL"],
)
def test_a_stopped_build_is_resumed_into_the_folder_an_unstopped_one_makes(
    many, uninterrupted, tmp_path, signum, to_group, exit_code
):
    out = tmp_path / "out"
    process = start_build(many, out)
    wait_for_workbooks(process, out, 40)
    workers = children_of(process.pid)
    assert len(workers) == 2, "the build should be running on its two workers"
    stopped_at = time.monotonic()
    if to_group:
        os.killpg(process.pid, signum)
    else:
        os.kill(process.pid, signum)
    stderr = process.communicate(timeout=30)[1]
    took = time.monotonic() - stopped_at
    assert process.returncode == exit_code, stderr
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(alive(pid) for pid in workers), "a worker outlived its build"

    landed = sorted(p.name for p in out.glob("*.xlsx") if p.name != "summary.xlsx")
    assert 40 <= len(landed) < OFFERS, "the build should have been stopped mid-way"
    for path in out.glob("*.xlsx"):  # never a half file under a final name
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
    if signum != signal.SIGKILL:
        assert took < 5, f"took {took:.1f} s to stop"
        assert stderr.strip().splitlines() == [
            f"interrupted: {len(landed)} written, 0 unchanged, 0 kept, 0 failed -> out/summary.xlsx"
        ]  # one line, no traceback from the build or its workers
        assert not (out / JOURNAL).exists() and not list(out.glob(".*.tmp"))  # it cleaned up after itself
        summary = load_workbook(out / "summary.xlsx")["Summary"]
        assert summary.max_row == HEADER_ROW + len(landed)  # the summary of what was done
        assert set(json.loads((out / MANIFEST).read_text())["files"]) == {*landed, "summary.xlsx"}

    rerun = build([many], GUIDES, out, workers=2)
    assert rerun.exit_code == 0 and not rerun.failures and not rerun.notes
    assert rerun.kept == [], "the build's own workbooks were taken for hand edits"
    assert rerun.count("unchanged") >= len(landed) - 1  # the last may not have landed
    assert folder_contents(out) == folder_contents(uninterrupted)


def test_a_build_that_dies_between_two_files_leaves_a_journal_the_next_build_trusts(tmp_path):
    offers = _synthetic_offers(tmp_path / "offers", 12)
    out = tmp_path / "out"
    build([offers], GUIDES, out)
    first = offers.read_text()
    # New figures for every offer, so each workbook is rewritten over one the manifest knows.
    offers.write_text(first.replace(",12%", ",15%"), encoding="utf-8")

    class Crash(Exception):
        pass

    def crash_after_five(done: int, total: int) -> None:
        if done == 5:
            raise Crash  # the process dies here: no summary, no manifest, only the journal

    with pytest.raises(Crash):
        build([offers], GUIDES, out, progress=crash_after_five)
    assert len((out / JOURNAL).read_text().splitlines()) == 5
    with open(out / JOURNAL, "a") as journal:
        journal.write('{"file": "candidate-9.xlsx", "sha2')  # and a line torn by the crash

    rerun = build([offers], GUIDES, out)
    assert rerun.exit_code == 0 and rerun.kept == []
    assert [rerun.count(action) for action in ("unchanged", "written")] == [5, 7]
    assert not (out / JOURNAL).exists() and not list(out.glob(".*.tmp"))
    # The same two rounds of every offer built without a crash give the very same folder.
    second = offers.read_text()
    offers.write_text(first, encoding="utf-8")
    build([offers], GUIDES, tmp_path / "fresh")
    offers.write_text(second, encoding="utf-8")
    assert build([offers], GUIDES, tmp_path / "fresh").exit_code == 0
    assert folder_contents(out) == folder_contents(tmp_path / "fresh")


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_in_a_library_build_records_what_was_done_and_reports_it(tmp_path, workers):
    offers = _synthetic_offers(tmp_path / "offers", 40)
    out = tmp_path / "out"

    def ctrl_c_after_three(done: int, total: int) -> None:
        if done == 3:
            os.kill(os.getpid(), signal.SIGINT)

    previous = signal.getsignal(signal.SIGINT)
    report = build([offers], GUIDES, out, workers=workers, progress=ctrl_c_after_three)
    assert signal.getsignal(signal.SIGINT) is previous  # the caller's handler is back
    assert report.interrupted == signal.SIGINT and report.exit_code == 130
    assert report.count("written") == 3
    assert load_workbook(out / "summary.xlsx")["Summary"].max_row == HEADER_ROW + 3
    assert not (out / JOURNAL).exists() and not list(out.glob(".*.tmp"))
    assert build([offers], GUIDES, out, workers=workers).count("unchanged") == 3


@pytest.fixture
def small_disk(tmp_path):
    """A 400 KB file system: room for about fifteen workbooks."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root)")
    yield mount
    subprocess.run(["umount", "--lazy", str(mount)], check=True)


# A summary cut short by the full disk lets go of its files and streams there and then: left to
# the garbage collector, they failed once more, each as "Exception ignored in ...".
@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_a_build_that_fills_the_disk_is_resumed_once_there_is_room(small_disk, tmp_path):
    offers = _synthetic_offers(tmp_path / "offers", 30)
    with pytest.raises(SegxlsxError, match="No space left on device"):
        build([offers], GUIDES, small_disk / "out")
    gc.collect()
    assert 5 < len(list((small_disk / "out").glob("*.xlsx"))) < 30
    for path in (small_disk / "out").glob("*.xlsx"):
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None

    out = tmp_path / "out"  # the recruiter moves the folder to a bigger disk and builds again
    shutil.copytree(small_disk / "out", out)
    rerun = build([offers], GUIDES, out)
    assert rerun.exit_code == 0 and rerun.kept == [] and not rerun.notes
    build([offers], GUIDES, tmp_path / "fresh")
    assert folder_contents(out) == folder_contents(tmp_path / "fresh")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_signal_while_the_program_starts_ends_it_quietly(stop):
    """The program's entry (`segxlsx.program`, what the installed `segxlsx` runs) answers stop
    signals from its first instruction: one arriving while the command line is still being
    imported ends it with the shell's code and no traceback. (Before that instruction is
    Python's own start-up, which no program can answer for.)"""
    code = (
        "import os, signal, segxlsx.program\n"
        f"os.kill(os.getpid(), {int(stop)})\n"
        "from segxlsx.cli import main\n"
        "print('still running')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (128 + stop, "", "")


def test_the_installed_program_starts_at_its_entry():
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "segxlsx"]
    assert script.value == "segxlsx.program:main"
