"""Worker processes for a build, and how a build stops: on Ctrl-C, on SIGTERM, or by dying.

- During a build, SIGINT and SIGTERM raise `Interrupted` in the build's main thread, except
  inside `Interrupts.deferred()` (while a file lands), where they wait for the block to end, and
  inside `Interrupts.finishing()` (the summary and manifest of what was done), where they are
  only noted. The build stops its workers, removes what was in flight and records the rest.
- Workers ignore SIGINT (Ctrl-C in a terminal reaches the whole process group; the build
  decides), die on SIGTERM (how the build stops them), and on Linux are killed by the kernel
  when the build's process dies, even by SIGKILL (`prctl(PR_SET_PDEATHSIG)`). Each job also
  checks that its parent is still there, for the instant before `prctl` and for other systems.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

from .errors import OfferError

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class Interrupted(BaseException):
    """A build was asked to stop by a signal. A BaseException, so no `except Exception` eats it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class Interrupts:
    """SIGINT and SIGTERM turned into `Interrupted` for the length of a `with` block.

    Only the main thread can set signal handlers; elsewhere (a notebook's worker thread) the
    block runs with the handlers it has.
    """

    def __init__(self) -> None:
        self.received: int | None = None  # the first stop signal, if any
        self._raised = False
        self._holding = 0
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> Interrupts:
        if threading.current_thread() is threading.main_thread():
            for signum in STOP_SIGNALS:
                self._previous[signum] = signal.signal(signum, self._on_signal)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _on_signal(self, signum: int, frame: object) -> None:
        if self.received is None:
            self.received = signum
        if not self._holding:
            self._raise()

    def _raise(self) -> None:
        if self.received is not None and not self._raised:  # once: a second Ctrl-C while the
            self._raised = True  # build records what it did must not cut that short
            raise Interrupted(self.received)

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """A block a signal must not cut in half; the signal takes effect when it ends."""
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1
        if not self._holding:
            self._raise()

    @contextmanager
    def finishing(self) -> Iterator[None]:
        """The last block of a build: signals are noted in `received`, never raised."""
        self._holding += 1
        self._raised = True
        try:
            yield
        finally:
            self._holding -= 1


# -- running jobs -------------------------------------------------------------------------------

Result = Callable[[Any, Any], bool]  # (job, result) -> False to stop early


def run_jobs(
    work: Callable[[Any], Any],
    jobs: Sequence[Any],
    workers: int,
    setup: Callable[..., None],
    setup_args: tuple[Any, ...],
    on_result: Result,
) -> None:
    """Run `work(job)` for each job, here or in `workers` processes; `on_result` sees them in order.

    `setup(*setup_args)` runs once in each process before its first job. When `on_result` returns
    False (--fail-fast) or anything is raised (`Interrupted`), the workers are stopped at once.
    """
    if workers <= 1 or len(jobs) <= 1:
        setup(*setup_args)
        for job in jobs:
            if on_result(job, work(job)) is False:
                return
        return
    pool = ProcessPoolExecutor(
        workers, mp_context=_context(), initializer=_start_worker, initargs=(os.getpid(), setup, setup_args)
    )
    finished = False
    try:
        # Forked with the build's signal handlers, a worker hit by Ctrl-C before it had set its
        # own would raise `Interrupted` and break the pool: the signals wait until it has.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            batches = _submit(pool, work, jobs, workers)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        for batch, results in _results(batches):
            for job, result in zip(batch, results, strict=True):
                if on_result(job, result) is False:
                    return
        finished = True
    finally:
        if not finished:
            _stop_workers(pool)
        pool.shutdown(wait=True)


def _submit(pool: ProcessPoolExecutor, work, jobs, workers) -> list[tuple[Sequence[Any], Future]]:  # type: ignore[no-untyped-def]
    """Send the jobs out in batches.

    One offer is ~15 ms of work, so sending them one by one would spend a noticeable share of
    it on inter-process traffic; a batch of 16 is ~0.25 s of one worker's time.
    """
    size = max(1, min(16, len(jobs) // (workers * 4)))
    batches = [jobs[start : start + size] for start in range(0, len(jobs), size)]
    return [(batch, pool.submit(_work_batch, work, batch)) for batch in batches]


def _results(batches: list[tuple[Sequence[Any], Future]]) -> Iterator[tuple[Sequence[Any], list[Any]]]:
    """Each batch with its results, in job order; a worker that died fails its jobs, not the build."""
    for batch, future in batches:
        try:
            yield batch, future.result()
        except BrokenProcessPool:
            died = OfferError("a worker process died while building this offer (killed, or out of memory?)")
            yield batch, [died] * len(batch)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now, whatever they are doing: what they had in flight is thrown away.

    ProcessPoolExecutor has no public way to do this before Python 3.14 (`terminate_workers`).
    Their futures are left alone (not cancelled) so that the pool can mark them broken cleanly.
    """
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        process.terminate()
    for process in processes:
        process.join()


def _context() -> multiprocessing.context.BaseContext:
    # Forked workers are the build's own children, which is what "die with the parent" needs
    # (a forkserver would be their parent instead). Python 3.11 forks by default on Linux anyway.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


# -- inside a worker ------------------------------------------------------------------------------

_parent: int | None = None  # the build's process id, in a worker


def _start_worker(parent: int, setup: Callable[..., None], setup_args: tuple[Any, ...]) -> None:
    global _parent
    _parent = parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # forked with the build's handler: undo it
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # blocked by the build while it forked
    _die_with_parent()
    if os.getppid() != parent:  # the build died before prctl took effect
        os._exit(1)
    setup(*setup_args)


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: the check before each job is what is left
        pass


def _work_batch(work: Callable[[Any], Any], batch: Sequence[Any]) -> list[Any]:
    results = []
    for job in batch:
        if _parent is not None and os.getppid() != _parent:  # orphaned: nobody wants this work
            os._exit(1)
        results.append(work(job))
    return results
