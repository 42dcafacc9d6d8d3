"""Build many offers: one workbook each, a summary, safely and in parallel.

`build` is the library call behind `segxlsx build`. It never prints; it reports progress to a
callback and returns a `BuildReport`. Safety rules, each for a reason:

- Atomic writes, journalled: a worker writes each workbook under a temporary name; this process
  records it in the folder's journal and renames it into place (`store.folder`), so a build
  stopped at any moment leaves no half file and the next build knows every file it wrote.
- No silent loss: a file whose bytes changed since segxlsx wrote it (edited by hand), or that it
  never wrote, is kept and reported, unless `force`; one open in LibreOffice or Excel, or
  something that is not a file where a workbook goes, fails that offer and the rest build.
- Determinism: the same inputs and rates give the same bytes, so an unchanged offer is not rewritten.
- Names: a file name comes from the candidate's name reduced to `[a-z0-9-]`, so no name can lead
  outside the output folder, and once given it belongs to that offer (offer file + candidate)
  in the manifest: a later "José Núñez" never takes the earlier "Jose Nunez"'s file.
- Stopping: Ctrl-C and SIGTERM stop the workers, throw away what was in flight, and still write
  the summary and manifest of what was done (`workers.py`).

The steps, each in its own module: `plan` (every offer read once, named, and judged), `job`
(one workbook, in a worker), `landing` (each result put in place, in input order), `report`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from ..errors import OfferError, SegxlsxError, display_path
from ..model import check_day
from ..sources.guides import load_guides
from ..sources.offers import input_order, iter_offers, offer_files
from ..sources.rates import load_rates
from ..store.file_names import SUMMARY, is_workbook_name
from ..store.fingerprints import offer_file_keys, workbook_fingerprints
from ..store.folder import OutputFolder
from ..store.ledger import Ledger
from ..store.manifest import Owner, Shard
from ..store.scratch import scratch_problem
from ..store.signatures import SUMMARY_KIND
from ..summary.row import FAILED, NOT_IN_RUN
from ..summary.sheet import SummaryHeading
from ..summary.write import folder_row, most_paid_in, why_kept, write_summary
from ..validation import input_notes
from ..wording import load_wording
from .job import build_one, start_worker
from .landing import recorder
from .plan import Inputs, Run, jobs, known, plan_offers
from .report import BuildReport, Outcome, Progress
from .workers import Interrupted, Interrupts, run_jobs, usable_cores

__all__ = ["BuildReport", "Outcome", "build"]


def build(
    offers: Iterable[str | Path],
    guides: Iterable[str | Path],
    out: str | Path,
    *,
    rates: str = "offline",
    as_of: date | None = None,
    strict_rates: bool = False,
    workers: int = 1,
    force: bool = False,
    fail_fast: bool = False,
    templates: Path | None = None,
    progress: Progress | None = None,
    report_currency: str | None = None,
    today: date | None = None,
    shard: Shard | str | None = None,
    talking_points: bool = False,
    replace: Iterable[str] = (),
) -> BuildReport:
    """Build one workbook per offer, and the summary, into `out`.

    Problems that stop everything (a bad guide, rates that cannot be had, a missing path, the
    folder locked by another build) raise `SegxlsxError`; a bad offer is a failure in the report
    and the rest are built. SIGINT or SIGTERM during the build stops it with what was done
    recorded and summarised, and `report.interrupted` set.

    The summary lists every workbook in `out`, this build's and earlier ones'; its common
    currency is `report_currency` (default: the one most offers are paid in). `today` dates
    inputs that changed in this build and the rounds it starts, and is the summary's date, which
    its board counts days left from (default: today, on this computer's clock); workbooks never depend on it.

    `shard` ("K/N" or a `Shard`) builds only the offers whose identity hashes to shard K of N,
    with the shard's own manifest, journal and lock, and no summary: `summarise` merges the
    shards' manifests into one when all are done. Skipped offers (inputs and file unchanged)
    are not rendered; `force` renders every offer.

    `talking_points` also writes each offer's candidate copy beside its workbook, `<slug>.md`:
    only what the candidate may say, with its amounts (`segxlsx.talking_points`), written as
    safely as the workbooks (atomically, journalled, kept when edited by hand).

    `replace` names workbooks of `out` ("jordan-lee.xlsx") to rebuild from their offers even if
    edited by hand, as `force` does for every one.
    """
    if isinstance(shard, str):
        shard = Shard.parse(shard)
    offers = list(offers)  # listed twice: the files to read, and what else their folders hold
    _apart_from_offers(offers, Path(out))
    if today is not None:  # it dates rounds for good: a typo's year 0226 would stay in the records
        check_day(today, "today")
    report = BuildReport(Path(out))
    with Interrupts() as interrupts:
        try:
            guide_map, wording = load_guides(guides), load_wording(templates)
            files = tuple(offer_files(offers))
            inputs = Inputs(
                guide_map, wording, files, load_rates(rates, as_of=as_of, strict=strict_rates, today=today)
            )
            report.rates_day = inputs.table.as_of
            if report_currency:  # a code the rates lack would leave the column empty: say so now
                inputs.table.value_in(report_currency, inputs.table.base)
            report.notes = input_notes(guide_map, wording, inputs.table, offers)
            cores = usable_cores()
            if workers > cores:  # each worker is a process of ~25 MB, for no gain past the cores
                report.notes.append(f"--workers {workers}: this computer has {cores} core(s); using {cores}")
                workers = cores
            if fail_fast:  # every offer checked before the output folder is touched
                report.failures = [
                    item for item in iter_offers(files, guide_map) if isinstance(item, OfferError)
                ]
            if not (fail_fast and report.failures):
                day = (today or date.today()).isoformat()
                made_from = (inputs.guides, inputs.wording, inputs.table)
                fingerprint, file_key = workbook_fingerprints(*made_from), offer_file_keys(*made_from)
                run = Run(inputs, workers, force, fail_fast, progress, input_order(files), day,
                          report_currency, shard, fingerprint, file_key, talking_points,
                          frozenset(replace))  # fmt: skip
                _build_into(report, run, interrupts)
                report.notes += [
                    f"--replace {name}: no offer of this build has that workbook; nothing replaced"
                    for name in sorted(run.replace - report.replaced)
                ]
            report.stopped_early = fail_fast and bool(report.failures)
        except Interrupted:
            pass  # stopped before the output folder was touched: nothing to record
        except sqlite3.Error as error:  # the plan and manifest live in the temporary folder
            raise scratch_problem(error) from None
        report.interrupted = interrupts.received
    return report


def _apart_from_offers(offers: list[str | Path], out: Path) -> None:
    """Refuse an output folder that is also a folder of offers: the next build would read its
    workbooks and summary as offer files (one error a row), and could land on an intake sheet."""
    try:
        target = out.resolve()
        same = [path for path in map(Path, offers) if path.is_dir() and path.resolve() == target]
    except (OSError, RuntimeError):  # a path that cannot be resolved is no folder of offers
        return
    if same:
        raise SegxlsxError(
            "the output folder is also a folder of offers: the next build would read its workbooks "
            "as offers; choose another --out",
            file=display_path(out),
        )


def _build_into(report: BuildReport, run: Run, interrupts: Interrupts) -> None:
    """Build every offer into the output folder, held for this build; stopped or not, record what was done.

    Offers are read twice: once to plan (names, what is there, what can be skipped), keeping a
    few hundred bytes per offer on disk (`Ledger`), and once more to build, as the workers take
    them. No step holds every offer, job or summary row at once.
    """
    _make_folder(report.out)
    with OutputFolder.locked(report.out, run.shard) as folder, Ledger() as ledger:
        report.notes.extend(folder.notes)
        inputs = run.inputs
        try:
            planned, to_build = plan_offers(run, folder, ledger, report.failures, report.notes)
            record = recorder(report, folder, ledger, interrupts, planned, run)
            setup = (inputs.guides, inputs.wording, inputs.table)
            work = jobs(run, folder, ledger)
            run_jobs(
                build_one, work, run.workers, start_worker, setup, record, known=known, to_build=to_build
            )
        except Interrupted:
            pass  # stop building; what was done is still summarised and recorded below
        with interrupts.finishing():
            report.failures.sort(key=run.order)
            _finish(report, folder, ledger, run)


def _make_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SegxlsxError(
            f"cannot write to the output folder: {error.strerror or error}", file=display_path(out)
        ) from None


def _finish(report: BuildReport, folder: OutputFolder, ledger: Ledger, run: Run) -> None:
    """The summary of what was done, and the manifest that makes the journal unnecessary."""
    what = "the summary"
    try:
        if run.shard is None:  # a shard's summary is the merged one (`summarise`), made after all
            report.summary = _write_summary(report, folder, ledger, run)
        what = "the manifest"
        folder.save_manifest()
    except OSError as error:
        # The workbooks that landed are in the journal: the next build carries on from them.
        raise SegxlsxError(
            f"cannot write {what}: {error.strerror or error}; build again to finish",
            file=display_path(report.out),
        ) from None


def _write_summary(report: BuildReport, folder: OutputFolder, ledger: Ledger, run: Run) -> Path | None:
    """The summary: this build's rows (in the ledger already), then every other workbook's."""
    path = report.out / SUMMARY
    found = folder.inspect(SUMMARY, kind=SUMMARY_KIND)
    kept = why_kept(found, path, run.force)
    if kept:
        report.notes.append(kept)
        return None
    _list_other_workbooks(report, folder, ledger, run)
    table, tally = run.inputs.table, ledger.tally()
    guides = run.inputs.guides.values()
    currency = report.report_currency = run.report_currency or most_paid_in(tally.currencies, table, guides)
    today = date.fromisoformat(run.today)  # the board counts days left from the build's day
    heading = SummaryHeading(tuple(run.inputs.guides), table, currency, len(report.failures), today)
    problem = write_summary(folder, SUMMARY, found, ledger, heading, tally, report.failures)
    if problem:  # opened or replaced while the offers were building
        report.notes.append(f"{display_path(path)}: {problem}")
        return None
    return path


def _list_other_workbooks(report: BuildReport, folder: OutputFolder, ledger: Ledger, run: Run) -> None:
    """Every workbook in the folder this build did not list yet, by file name, into the ledger.

    Each is listed as an earlier build left it (`summary.write.folder_row`). A workbook deleted
    from the folder is gone from the summary too. An offer that failed to load keeps its
    earlier workbook, marked failed.
    """
    failed = _failed_owners(report.failures)
    # This build's own rows are listed already: their entries need not even be decoded.
    for name, entry in folder.workbooks(
        but=lambda name: not is_workbook_name(name) or ledger.is_listed(name)
    ):
        if entry.owner is None:
            continue
        action = FAILED if (entry.owner.source, entry.owner.candidate) in failed else NOT_IN_RUN
        row = folder_row(
            folder.path / name, entry, folder.inspect(name), run.inputs.guides, run.inputs.table, action
        )
        if row is not None:
            ledger.add_row(row)


def _failed_owners(failures: Iterable[SegxlsxError]) -> set[tuple[str, str]]:
    """Offers that failed, as (offer file name, candidate): a bad row still owns its workbook."""
    owners = (
        Owner.of(error.location.file, error.location.candidate)
        for error in failures
        if error.location.candidate
    )
    return {(owner.source, owner.candidate) for owner in owners}
