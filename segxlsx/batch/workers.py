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
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

from ..errors import OfferError

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


@contextmanager
def _long_lived_frozen() -> Iterator[None]:
    """What exists before the jobs (modules, guides, rates, parts built once) kept out of the
    cyclic garbage collector while they run.

    Each job makes and drops thousands of objects, so the collector runs often, and a full
    collection walks every object in the process: ~7% of a build's time, half of it walking
    objects that live for the whole build. Frozen (`gc.freeze`), they are not walked again; and
    in workers forked while they are frozen the collector does not write to them either, so
    more of their memory pages stay shared with the build's process (the use Python's
    documentation gives `gc.freeze` for). Objects made during the jobs are collected as ever.
    A caller that froze objects of its own keeps them as it has them.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@_long_lived_frozen()
def run_jobs(
    work: Callable[[Any], Any],
    jobs: Iterable[Any],
    workers: int,
    setup: Callable[..., None],
    setup_args: tuple[Any, ...],
    on_result: Result,
    *,
    known: Callable[[Any], Any] = lambda job: None,
    to_build: int = 2,
) -> None:
    """Run `work(job)` for each job, here or in `workers` processes; `on_result` sees them in order.

    `known(job)` is a job's result when it needs no work (an offer skipped as unchanged), else
    None. `jobs` may be a generator: it is read only as far as the jobs in flight need, so a
    batch of any size holds a bounded number of them. `to_build` (how many need work, if known)
    sizes the batches; with one or none, no process is started. `setup(*setup_args)` runs once
    in each process before its first job. When `on_result` returns False (--fail-fast) or
    anything is raised (`Interrupted`), the workers are stopped at once.
    """
    if workers <= 1 or to_build <= 1:
        setup(*setup_args)
        for job in jobs:
            result = known(job)
            if on_result(job, work(job) if result is None else result) is False:
                return
        return
    pool = ProcessPoolExecutor(
        workers, mp_context=_context(), initializer=_start_worker, initargs=(os.getpid(), setup, setup_args)
    )
    finished = False
    try:
        for batch, results in _results(_in_flight(pool, work, jobs, known, _batch_size(to_build, workers))):
            for job, result in zip(batch, results, strict=True):
                if on_result(job, result) is False:
                    return
        finished = True
    finally:
        if not finished:
            _stop_workers(pool)
        pool.shutdown(wait=True)


def _batch_size(to_build: int, workers: int) -> int:
    """Up to 8 offers a batch, and at least 32 batches a worker.

    One offer is ~9 ms of work, and sending a batch costs well under a millisecond: a batch of
    8 is ~70 ms of one worker's time. At the end of a build one worker may finish while the
    other still has a batch to go; short batches keep that wait short (400 offers on 2 workers:
    batches of 12 gave 1.75-1.80x over one worker, of 6 1.85-1.93x, of 3 1.68-1.75x).
    """
    return max(1, min(8, to_build // (workers * 32)))


_BATCHES_IN_FLIGHT = 4  # per worker: enough that none waits for work, few enough to hold little
_WAITING_AT_MOST = 4096  # jobs with known results read ahead of the batch they wait behind


def _in_flight(
    pool: ProcessPoolExecutor, work, jobs, known, size: int
) -> Iterator[tuple[list[Any], Future | list[Any]]]:  # type: ignore[no-untyped-def]
    """Batches in job order, each with its future (sent to the workers) or its known results.

    At most a few batches per worker are out at once, and jobs are read from `jobs` only as
    those come back, so a generator of 50,000 offers is never held whole.
    """
    pending: deque[tuple[list[Any], Future | list[Any]]] = deque()
    out, waiting = 0, 0
    limit = _BATCHES_IN_FLIGHT * pool._max_workers  # type: ignore[attr-defined]
    source = iter(jobs)
    batch: list[Any] = []
    exhausted = False
    while pending or not exhausted:
        while not exhausted and out < limit and waiting < _WAITING_AT_MOST:
            job = next(source, _END)
            if job is _END:
                exhausted = True
                if batch:
                    pending.append((batch, _submit(pool, work, batch)))
                    out += 1
                break
            result = known(job)
            if result is not None:
                if batch:  # results stay in job order: the batch so far goes first
                    pending.append((batch, _submit(pool, work, batch)))
                    out, batch = out + 1, []
                pending.append(([job], [result]))
                waiting += 1
                continue
            batch.append(job)
            if len(batch) == size:
                pending.append((batch, _submit(pool, work, batch)))
                out, batch = out + 1, []
        if not pending:
            continue
        jobs_done, results = pending.popleft()
        if isinstance(results, Future):
            out -= 1
        else:
            waiting -= 1
        yield jobs_done, results


_END = object()


def _submit(pool: ProcessPoolExecutor, work, batch: list[Any]) -> Future:  # type: ignore[no-untyped-def]
    """Send one batch out. The pool forks its workers on the first: forked with the build's
    signal handlers, a worker hit by Ctrl-C before it had set its own would raise `Interrupted`
    and break the pool, so the signals wait until it has."""
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        return pool.submit(_work_batch, work, batch)
    except BrokenProcessPool as error:  # a worker died: this batch fails as the others do
        future: Future = Future()
        future.set_exception(error)
        return future
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def _results(
    batches: Iterable[tuple[list[Any], Future | list[Any]]],
) -> Iterator[tuple[list[Any], list[Any]]]:
    """Each batch with its results, in job order; a worker that died fails its jobs, not the build."""
    for batch, future in batches:
        if not isinstance(future, Future):
            yield batch, future
            continue
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
