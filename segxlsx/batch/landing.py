"""Each job's result in the build's own process, in input order, as it arrives: the workbook
renamed into place (journalled first), its row kept, the report told."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from ..errors import OfferError, SegxlsxError, display_path
from ..store.folder import OutputFolder
from ..store.ledger import Ledger
from ..store.manifest import Entry
from ..summary.row import FAILED, KEPT, UNCHANGED, WRITTEN, SummaryRow
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
                if run.talking_points:
                    _land_points(report, folder, job, result)
                report.counts[result.action] += 1
                report.skipped += job.skip
                if job.name in run.replace:
                    report.replaced.add(job.name)
                if result.taken_back:
                    report.notes.append(
                        f"{display_path(folder.path / job.name)}: its inputs match its offer file again; "
                        "rebuilt from it, no longer kept"
                    )
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


def _land_points(report: BuildReport, folder: OutputFolder, job: Job, outcome: Outcome) -> None:
    """An offer's talking points into place beside its workbook, journalled like it, and noted.

    The manifest keeps their hash (so a rerun knows its own file from a hand edit) and what they
    were made from, but no owner: the workbook of the same name owns them, and nothing that
    lists workbooks (the summary, export) takes them for one.
    """
    points = outcome.points
    counts = report.points if report.points is not None else Counter()
    report.points = counts
    if points is None:  # skipped: inputs, workbook and talking points as the manifest has them
        if job.skip:
            counts[UNCHANGED] += 1
        return
    if points.action == WRITTEN:
        assert job.points is not None and points.sha256 is not None
        try:
            folder.land(points.file, job.points.temporary, points.sha256, None, job.points.found)
        except (SegxlsxError, OSError) as error:
            problem = error.message if isinstance(error, SegxlsxError) else error.strerror or str(error)
            points = replace(points, action=FAILED, problem=f"cannot write {points.file}: {problem}")
    if points.action in (WRITTEN, UNCHANGED):
        entry = folder.manifest.get(points.file) or Entry(points.sha256)
        built = job.built if outcome.action != KEPT else None  # a kept workbook's are its edits'
        folder.manifest.put(points.file, replace(entry, sha256=points.sha256, built=built))
    elif points.action == KEPT:
        report.notes.append(
            f"{display_path(folder.path / points.file)}: kept, edited by hand since segxlsx wrote it "
            "(or not segxlsx's); --force replaces it"
        )
    else:
        report.notes.append(f"{display_path(folder.path / points.file)}: {points.problem}")
    counts[points.action] += 1


def _described(folder: OutputFolder, job: Job, outcome: Outcome, today: str) -> Outcome:
    """The outcome with its summary row complete, that row kept in the manifest for later builds.

    A skipped offer's outcome has no row yet: the manifest's is its row.
    """
    if outcome.action == KEPT:  # the inputs are the hand edits, changed when the file last was
        inputs, day, built = None, job.found.changed_on or today, None
    else:
        inputs, day, built = job.inputs, today, job.built
    differs = outcome.action == KEPT and outcome.needs_attention
    # Only a shard keeps what its build did: the merged summary, made later, has no run of its
    # own to tell. An unsharded folder's manifest stays what an uninterrupted build would leave.
    action = outcome.action if folder.shard else None
    # The rounds as this build saw them (a skipped offer's, or an unreadable hand edit's, stay).
    rounds = job.rounds if outcome.rounds is None else outcome.rounds
    row = replace(outcome.row, round=len(rounds) or None) if outcome.row else None
    entry = folder.describe(
        job.name,
        row.as_json() if row else None,
        inputs,
        day,
        built=built,
        position=job.number,
        action=action,
        differs=differs,
        rounds=rounds,
    )
    whole = row or SummaryRow.from_json(entry.row or {}, job.name)
    assert whole is not None  # a skipped offer's row was checked when it was planned
    return replace(outcome, row=replace(whole, action=outcome.action, inputs_changed=entry.changed or ""))
