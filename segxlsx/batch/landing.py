"""Each job's result in the build's own process, in input order, as it arrives: the workbook
renamed into place (journalled first), its row kept, the report told."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..errors import OfferError, SegxlsxError
from ..store.folder import OutputFolder
from ..store.ledger import Ledger
from ..summary.row import FAILED, KEPT, WRITTEN, SummaryRow
from ..summary.write import earlier_row
from .plan import Job, Run
from .report import BuildReport, Outcome
from .workers import Interrupts


def recorder(
    report: BuildReport, folder: OutputFolder, ledger: Ledger, interrupts: Interrupts, total: int, run: Run
) -> Callable[[Job, Outcome | SegxlsxError], bool]:
    """What to do with each job's result: land it, then note it; False stops the build (--fail-fast)."""
    done = 0

    def record(job: Job, result: Outcome | SegxlsxError) -> bool:
        nonlocal done
        with interrupts.deferred():  # a signal must not fall between the journal and the rename
            result = _land(folder, job, result)
            if isinstance(result, Outcome):
                result = _described(folder, job, result, run.today)
                report.counts[result.action] += 1
                report.skipped += job.skip
                if result.action == KEPT:
                    report.kept.append(result)
                assert result.row is not None  # `_described` completes it
                ledger.add_row(result.row)
            else:
                report.failures.append(_located(result, job))
                earlier = earlier_row(folder.manifest.get(job.name), folder.path / job.name, FAILED)
                if earlier is not None:
                    ledger.add_row(earlier)
        done += 1
        if run.progress:
            run.progress(done, total)
        return not (run.fail_fast and isinstance(result, SegxlsxError))

    return record


def _located(error: SegxlsxError, job: Job) -> SegxlsxError:
    """A job's failure, named by its offer's place in the input."""
    if job.offer is None:
        return error.at(file=job.owner.source, candidate=job.owner.candidate)
    return error.at(**job.offer.source.place, candidate=job.offer.candidate)


def _land(folder: OutputFolder, job: Job, result: Outcome | SegxlsxError) -> Outcome | SegxlsxError:
    """A written workbook into its place, journalled; and the file name kept for its offer either way."""
    folder.remember(job.name, job.owner)
    if not (isinstance(result, Outcome) and result.action == WRITTEN):
        return result
    try:
        folder.land(job.name, job.temporary, result.sha256 or "", job.owner, job.found)
    except SegxlsxError as error:
        return OfferError(error.message)
    except OSError as error:
        return OfferError(f"cannot write {job.name}: {error.strerror or error}")
    return result


def _described(folder: OutputFolder, job: Job, outcome: Outcome, today: str) -> Outcome:
    """The outcome with its summary row complete, that row kept in the manifest for later builds.

    A skipped offer's outcome has no row yet: the manifest's is its row.
    """
    if outcome.action == KEPT:  # the inputs are the hand edits, changed when the file last was
        inputs, day, built = None, job.found.changed_on or today, None
    else:
        inputs, day, built = job.inputs, today, job.built
    # Only a shard keeps what its build did: the merged summary, made later, has no run of its
    # own to tell. An unsharded folder's manifest stays what an uninterrupted build would leave.
    action = outcome.action if folder.shard else None
    row = outcome.row.as_json() if outcome.row else None
    entry = folder.describe(job.name, row, inputs, day, built=built, position=job.number, action=action)
    whole = outcome.row or SummaryRow.from_json(entry.row or {}, job.name)
    assert whole is not None  # a skipped offer's row was checked when it was planned
    return replace(outcome, row=replace(whole, action=outcome.action, inputs_changed=entry.changed or ""))
