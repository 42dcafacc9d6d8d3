"""Worker processes for a build, and how a build stops: on Ctrl-C, on SIGTERM, or by dying.

- During a build, SIGINT and SIGTERM raise `Interrupted` in the build's main thread, except
  inside `Interrupts.deferred()` (while a file lands), where they wait for the block to end, and
  inside `Interrupts.finishing()` (the summary and manifest of what was done), where they are
  only noted. The build stops its workers, removes what was in flight and records the rest.
- Workers ignore SIGINT (Ctrl-C in a terminal reaches the whole process group; the build
  decides), die on SIGTERM (how the build stops them), and on Linux are killed by the kernel
  when the build's process dies, even by SIGKILL (`prctl(PR_SET_PDEATHSIG)`). Each job also
  checks that its parent is still there, for the instant before `prctl` and for other systems.
- A worker that dies (killed, out of memory) fails the one offer it was building; the offers
  it had not started go to the others, and a new worker takes its place. The pool is forked
  processes and pipes the build's own thread watches (`multiprocessing.connection.wait`): no
  thread of its own that could die silently and leave the build waiting.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..errors import OfferError

# multiprocessing (with socket and pickle) and ctypes are imported by the pool that needs them:
# ~12 ms a build of one offer, or of offers all unchanged, never uses.
if TYPE_CHECKING:
    import multiprocessing
    from multiprocessing.connection import Connection

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
    sizes the batches and caps the workers (no more processes than offers to build); with one
    or none, no process is started. `setup(*setup_args)` runs once in each process before its
    first job. When `on_result` returns False (--fail-fast) or anything is raised
    (`Interrupted`), the workers are stopped at once.
    """
    workers = min(workers, to_build)
    pool = None
    if workers > 1:
        try:
            pool = _Pool(workers, work, setup, setup_args)
        except OSError:  # no process can be had (memory, a process limit): build here instead
            pool = None
    if pool is None:
        _run_here(work, jobs, setup, setup_args, on_result, known)
        return
    try:
        for job, result in pool.results(jobs, known, _batch_size(to_build, workers)):
            if on_result(job, result) is False:
                return
    finally:
        pool.stop()


def usable_cores() -> int:
    """The cores this process may run on (a container or `taskset` may allow fewer than the
    machine has): more workers than these only wait their turn, and each holds its memory."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on every system
        return os.cpu_count() or 1


def _run_here(work, jobs, setup, setup_args, on_result, known) -> None:  # type: ignore[no-untyped-def]
    setup(*setup_args)
    for job in jobs:
        result = known(job)
        if on_result(job, work(job) if result is None else result) is False:
            return


def _batch_size(to_build: int, workers: int) -> int:
    """Up to 8 offers a batch, and at least 32 batches a worker.

    One offer is ~9 ms of work, and sending a batch costs well under a millisecond: a batch of
    8 is ~70 ms of one worker's time. At the end of a build one worker may finish while the
    other still has a batch to go; short batches keep that wait short (400 offers on 2 workers:
    batches of 12 gave 1.75-1.80x over one worker, of 6 1.85-1.93x, of 3 1.68-1.75x).
    """
    return max(1, min(8, to_build // (workers * 32)))


_BATCHES_AHEAD = 4  # per worker: batches read from `jobs` and waiting, so that none waits for work
_WAITING_AT_MOST = 4096  # jobs with known results read ahead of the batch they wait behind
DIED = "a worker process died while building this offer (killed, or out of memory?)"


class _Slot:
    """One job's place in the build's order: its result, once known."""

    __slots__ = ("job", "result", "done", "known")

    def __init__(self, job: Any, result: Any = None) -> None:
        self.job, self.result = job, result
        self.done = self.known = result is not None  # known: no worker needed


class _Worker:
    """A forked worker process, its end of a pipe, and the slots of the batch it is building."""

    def __init__(self, context: multiprocessing.context.BaseContext, work, setup, setup_args) -> None:  # type: ignore[no-untyped-def]
        ours, theirs = context.Pipe()
        self.process = context.Process(
            target=_worker_main, args=(theirs, os.getpid(), work, setup, setup_args), daemon=True
        )
        # Forked with the build's signal handlers: a worker hit by Ctrl-C before it set its own
        # would raise `Interrupted` in the wrong process, so the signals wait until it has.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            self.process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        theirs.close()
        self.connection: Connection = ours
        self.busy: deque[_Slot] = deque()  # the batch sent, its jobs not yet answered, in order

    def send(self, slots: list[_Slot]) -> None:
        self.busy.extend(slots)
        self.connection.send([slot.job for slot in slots])

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.connection.close()


class _Pool:
    """Worker processes building batches of jobs, their results given back in the jobs' order."""

    def __init__(self, count: int, work, setup, setup_args) -> None:  # type: ignore[no-untyped-def]
        self.context = _context()
        self.make = lambda: _Worker(self.context, work, setup, setup_args)
        self.workers = [self.make() for _ in range(count)]

    def results(self, jobs: Iterable[Any], known, size: int) -> Iterator[tuple[Any, Any]]:  # type: ignore[no-untyped-def]
        """(job, result) in job order, each as soon as it and every job before it are done."""
        order: deque[_Slot] = deque()  # every job read and not yet given back, in order
        ready: deque[list[_Slot]] = deque()  # batches read, not yet sent to a worker
        source, exhausted, waiting = iter(jobs), False, 0
        while True:
            while (
                not exhausted
                and len(ready) < _BATCHES_AHEAD * len(self.workers)
                and waiting < _WAITING_AT_MOST
            ):
                batch: list[_Slot] = []
                while len(batch) < size:
                    job = next(source, _END)
                    if job is _END:
                        exhausted = True
                        break
                    slot = _Slot(job, known(job))
                    order.append(slot)
                    if slot.known:
                        waiting += 1
                    else:
                        batch.append(slot)
                if batch:
                    ready.append(batch)
                if exhausted:
                    break
            for worker in list(self.workers):
                if not worker.busy and ready:
                    batch = ready.popleft()
                    try:
                        worker.send(batch)
                    except OSError:  # it died idle, between batches: the batch waits for another
                        worker.busy.clear()
                        ready.appendleft(batch)
                        self._replace(worker, ready, building=False)
            while order and order[0].done:
                slot = order.popleft()
                waiting -= slot.known
                yield slot.job, slot.result
            if not order and exhausted and not ready:
                return
            self._collect(ready)

    def _collect(self, ready: deque[list[_Slot]]) -> None:
        """Wait for a worker to answer or die; a dead one's unbuilt jobs go back to be sent again."""
        busy = [worker for worker in self.workers if worker.busy]
        if not busy:
            return
        by_handle = {}
        for worker in busy:
            by_handle[worker.connection] = worker
            by_handle[worker.process.sentinel] = worker
        from multiprocessing.connection import wait

        for handle in wait(list(by_handle)):
            worker = by_handle[handle]
            if not worker.busy:
                continue  # answered through its other handle already
            try:
                while worker.busy and worker.connection.poll():
                    result = worker.connection.recv()
                    slot = worker.busy.popleft()
                    slot.result, slot.done = result, True
            except (EOFError, OSError):  # its end closed: it died; its sentinel says so at once or soon
                worker.process.join(timeout=5)
            if worker.busy and not worker.process.is_alive():
                self._replace(worker, ready)

    def _replace(self, dead: _Worker, ready: deque[list[_Slot]], building: bool = True) -> None:
        """The job a dead worker was building fails; the ones after it are sent again."""
        if building:
            failed = dead.busy.popleft()
            failed.result, failed.done = OfferError(DIED), True
        if dead.busy:
            ready.appendleft(list(dead.busy))
            dead.busy.clear()
        dead.stop()
        index = self.workers.index(dead)
        try:
            self.workers[index] = self.make()
        except OSError:  # no new process can be had (memory, a process limit): the rest go on
            del self.workers[index]
            if not self.workers:
                raise

    def stop(self) -> None:
        """Stop the workers now, whatever they are doing: what they had in flight is thrown away."""
        for worker in self.workers:
            worker.stop()


_END = object()


def _context() -> multiprocessing.context.BaseContext:
    # Forked workers are the build's own children, which is what "die with the parent" needs
    # (a forkserver would be their parent instead). Python 3.11 forks by default on Linux anyway.
    import multiprocessing

    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


# -- inside a worker ------------------------------------------------------------------------------

_parent: int | None = None  # the build's process id, in a worker


def _worker_main(connection: Connection, parent: int, work, setup, setup_args) -> None:  # type: ignore[no-untyped-def]
    """A worker's life: set up once, then build each batch sent, answering job by job. Whatever
    ends it (the build gone, a pipe broken) ends it quietly: the build judges by what it got."""
    try:
        _start_worker(parent, setup, setup_args)
        while True:
            try:
                batch = connection.recv()
            except (EOFError, OSError):  # the build closed its end: nothing more to do
                os._exit(0)
            for job in batch:
                if _parent is not None and os.getppid() != _parent:  # orphaned: nobody wants this work
                    os._exit(1)
                connection.send(work(job))
    except BaseException:
        os._exit(1)


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
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: the check before each job is what is left
        pass
