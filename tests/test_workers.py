"""Worker processes: a dead worker fails only the offer it was building, and never more workers
than offers. The pool is forked processes and pipes; the build's own thread waits on them."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from segxlsx.batch.workers import DIED, run_jobs
from segxlsx.errors import OfferError


def _nothing() -> None:
    pass


def _square_or_die(job: int) -> int:
    if job in (5, 17):  # as the kernel's out-of-memory killer would
        os.kill(os.getpid(), signal.SIGKILL)
    return job * job


def _my_process(job: int) -> int:
    return os.getpid()


@pytest.mark.parametrize("workers", [2, 3])
def test_a_killed_worker_fails_only_the_offer_it_was_building(workers):
    results: list[tuple[int, object]] = []
    run_jobs(_square_or_die, range(40), workers, _nothing, (), lambda job, result: results.append((job, result)) or True,
             to_build=40)  # fmt: skip
    assert [job for job, _ in results] == list(range(40))  # every job, in order
    failed = {job: result for job, result in results if isinstance(result, OfferError)}
    assert set(failed) == {5, 17} and all(error.message == DIED for error in failed.values())
    assert all(result == job * job for job, result in results if job not in failed)


def test_never_more_workers_than_offers_to_build():
    seen: set[int] = set()
    run_jobs(_my_process, range(3), 64, _nothing, (), lambda job, pid: seen.add(pid), to_build=3)
    assert 1 <= len(seen) <= 3 and os.getpid() not in seen


def test_one_offer_to_build_is_built_here_with_no_process():
    seen: set[int] = set()
    run_jobs(_my_process, range(5), 8, _nothing, (), lambda job, pid: seen.add(pid), to_build=1)
    assert seen == {os.getpid()}


def test_the_pool_starts_no_thread_of_its_own():
    """A thread that dies (no memory to start it, under `ulimit -v`) would leave the build
    waiting forever: the pool has none."""
    before = set(threading.enumerate())
    during: list[set[threading.Thread]] = []
    run_jobs(_my_process, range(20), 2, _nothing, (), lambda job, pid: during.append(set(threading.enumerate())),
             to_build=20)  # fmt: skip
    assert all(threads == before for threads in during)


def test_workers_past_the_cores_are_not_started_and_the_build_says_so(tmp_path, monkeypatch):
    """`-w 60` on a 2-core machine starts 2 processes (each holds ~25 MB, for no gain), and the
    report says why."""
    import segxlsx.batch as batch
    from segxlsx.batch import workers as pool

    from .conftest import ROOT, SEED_YAML

    started = []
    monkeypatch.setattr(batch, "usable_cores", lambda: 2)
    real = pool._Pool.__init__

    def counted(self, count, *rest):  # type: ignore[no-untyped-def]
        started.append(count)
        real(self, count, *rest)

    monkeypatch.setattr(pool._Pool, "__init__", counted)
    report = batch.build([ROOT / "data" / "offers"], [SEED_YAML], tmp_path / "out", workers=60)
    assert report.exit_code == 0 and started == [2]
    assert "--workers 60: this computer has 2 core(s); using 2" in report.notes
