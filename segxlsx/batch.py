"""Build many offers: one workbook each, a summary, safely and in parallel.

`build` is the library call behind `segxlsx build`. It never prints; it reports progress to a
callback and returns a `BuildReport`. Safety rules, each for a reason:

- Atomic writes, journalled: a worker writes each workbook under a temporary name; this process
  records it in the folder's journal and renames it into place (see `folder.py`), so a build
  stopped at any moment leaves no half file and the next build knows every file it wrote.
- No silent loss: a file whose bytes changed since segxlsx wrote it (edited by hand), or that it
  never wrote, is kept and reported, unless `force`; one open in LibreOffice or Excel, or
  something that is not a file where a workbook goes, fails that offer and the rest build.
- Determinism: the same inputs and rates give the same bytes, so an unchanged offer is not rewritten.
- Names: a file name comes from the candidate's name reduced to `[a-z0-9-]`, so no name can lead
  outside the output folder, and once given it belongs to that offer (offer file + candidate)
  in the manifest: a later "José Núñez" never takes the earlier "Jose Nunez"'s file.
- Stopping: Ctrl-C and SIGTERM stop the workers, throw away what was in flight, and still write
  the summary and manifest of what was done (see `workers.py`).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from .errors import OfferError, SegxlsxError, display_path
from .figures import OfferFigures, offer_figures
from .folder import MANIFEST, Found, Manifest, OutputFolder, Owner, write_new_file
from .guides import load_guides
from .model import Guide, Offer
from .names import slug_words
from .offers import load_offers, offer_files
from .rates import RateTable, load_rates
from .wording import Wording, load_wording
from .workers import Interrupted, Interrupts, run_jobs

__all__ = ["MANIFEST", "BuildReport", "Outcome", "SummaryRow", "build", "slug", "unique_slugs"]

SUMMARY = "summary.xlsx"
MAX_SLUG = 60
_WORKBOOK_STEM = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # what slug() makes, "-2" and all
# Names a candidate's file may not take: the summary, and names Windows reserves.
_RESERVED = (
    {"summary", "con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)


@dataclass(frozen=True)
class SummaryRow:
    """What the summary shows for one built offer: values, not formulas."""

    candidate: str
    guide: str
    region: str
    currency: str
    base: Decimal
    stock: Decimal
    bonus_pct: Decimal
    total_comp: Decimal
    pen_base: Decimal
    pen_stock: Decimal
    pen_bonus_pct: Decimal
    pen_total_comp: Decimal
    compa_base: Decimal
    ask_base: Decimal
    ask_stock: Decimal
    walk_away_met: bool
    status: str  # where annual total comp sits against the band: below / within / above
    file: str  # the workbook's name inside the output folder

    @classmethod
    def of(cls, offer: Offer, figures: OfferFigures, file: str) -> SummaryRow:
        return cls(
            candidate=offer.candidate,
            guide=offer.guide_id,
            region=offer.region,
            currency=offer.currency,
            base=figures.offer_base,
            stock=figures.offer_stock,
            bonus_pct=figures.offer_bonus_pct,
            total_comp=figures.offer_total_comp,
            pen_base=figures.pen_base,
            pen_stock=figures.pen_stock,
            pen_bonus_pct=figures.pen_bonus_pct,
            pen_total_comp=figures.pen_total_comp,
            compa_base=figures.compa_base,
            ask_base=figures.ask_base,
            ask_stock=figures.ask_stock,
            walk_away_met=figures.walk_away_met,
            status=figures.statuses["total_comp"],
            file=file,
        )


@dataclass(frozen=True)
class Outcome:
    """What happened to one offer."""

    file: str
    action: str  # written, unchanged (same bytes already there), kept (edited by hand)
    sha256: str | None
    row: SummaryRow


@dataclass
class BuildReport:
    """Everything a build did, for the CLI's report and for tests."""

    out: Path
    outcomes: list[Outcome] = field(default_factory=list)  # input order
    failures: list[SegxlsxError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. live rates fell back to offline
    summary: Path | None = None
    stopped_early: bool = False  # --fail-fast stopped at the first bad offer
    interrupted: int | None = None  # the signal (SIGINT, SIGTERM) that stopped the build

    def with_action(self, action: str) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.action == action]

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 128 + self.interrupted  # the shell's own convention: 130 for Ctrl-C, 143 for SIGTERM
        return 1 if self.failures else 0


Progress = Callable[[int, int], None]  # (done, total)


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
) -> BuildReport:
    """Build one workbook per offer, and the summary, into `out`.

    Problems that stop everything (a bad guide, rates that cannot be had, a missing path, the
    folder locked by another build) raise `SegxlsxError`; a bad offer is a failure in the report
    and the rest are built. SIGINT or SIGTERM during the build stops it with what was done
    recorded and summarised, and `report.interrupted` set.
    """
    offers = list(offers)  # read twice: to load, and to order the failures as the input
    report = BuildReport(Path(out))
    with Interrupts() as interrupts:
        try:
            guide_map, wording = load_guides(guides), load_wording(templates)
            loaded = load_offers(offers, guide_map)
            inputs = Inputs(
                guide_map, wording, loaded.offers, load_rates(rates, as_of=as_of, strict=strict_rates)
            )
            guide_notes = [note for guide in guide_map.values() for note in guide.notes]
            report.failures, report.notes = list(loaded.failures), guide_notes + list(inputs.table.notes)
            if not (fail_fast and report.failures):
                run = Run(inputs, workers, force, fail_fast, progress, _input_order(offers))
                _build_into(report, run, interrupts)
            report.stopped_early = fail_fast and bool(report.failures)
        except Interrupted:
            pass  # stopped before the output folder was touched: nothing to record
        report.interrupted = interrupts.received
    return report


@dataclass(frozen=True)
class Inputs:
    """What every offer's workbook is made from."""

    guides: Mapping[str, Guide]
    wording: Wording
    offers: tuple[Offer, ...]
    table: RateTable


@dataclass(frozen=True)
class Run:
    """How this build goes about it."""

    inputs: Inputs
    workers: int
    force: bool
    fail_fast: bool
    progress: Progress | None
    order: Callable[[SegxlsxError], tuple[int, int]]  # sorts failures in input order


def _build_into(report: BuildReport, run: Run, interrupts: Interrupts) -> None:
    """Build every offer into the output folder, held for this build; stopped or not, record what was done."""
    _make_folder(report.out)
    with OutputFolder.locked(report.out) as folder:
        inputs = run.inputs
        try:
            jobs = plan_jobs(inputs.offers, folder, run.force)
            record = _recorder(report, folder, interrupts, len(jobs), run)
            setup = (inputs.guides, inputs.wording, inputs.table)
            run_jobs(build_one, jobs, run.workers, _start_worker, setup, record)
        except Interrupted:
            pass  # stop building; what was done is still summarised and recorded below
        with interrupts.finishing():
            report.failures.sort(key=run.order)
            _finish(report, folder, inputs.table, run.force)


def _make_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SegxlsxError(
            f"cannot write to the output folder: {error.strerror or error}", file=display_path(out)
        ) from None


def _recorder(report: BuildReport, folder: OutputFolder, interrupts: Interrupts, total: int, run: Run):  # type: ignore[no-untyped-def]
    """What to do with each job's result, in input order, as it arrives: land it, then note it."""
    done = 0

    def record(job: Job, result: Outcome | SegxlsxError) -> bool:
        nonlocal done
        with interrupts.deferred():  # a signal must not fall between the journal and the rename
            result = _land(folder, job, result)
            if isinstance(result, Outcome):
                report.outcomes.append(result)
            else:
                source = job.offer.source
                where = {"file": source.file, "row": source.row, "index": source.index}
                report.failures.append(result.at(**where, candidate=job.offer.candidate))
        done += 1
        if run.progress:
            run.progress(done, total)
        return not (run.fail_fast and isinstance(result, SegxlsxError))

    return record


def _land(folder: OutputFolder, job: Job, result: Outcome | SegxlsxError) -> Outcome | SegxlsxError:
    """A written workbook into its place, journalled; and the file name kept for its offer either way."""
    folder.remember(job.name, job.owner)
    if not (isinstance(result, Outcome) and result.action == "written"):
        return result
    try:
        folder.land(job.name, job.temporary, result.sha256 or "", job.owner, job.found)
    except SegxlsxError as error:
        return OfferError(error.message)
    except OSError as error:
        return OfferError(f"cannot write {job.name}: {error.strerror or error}")
    return result


def _finish(report: BuildReport, folder: OutputFolder, table: RateTable, force: bool) -> None:
    """The summary of what was done, and the manifest that makes the journal unnecessary."""
    what = "the summary"
    try:
        report.summary = _write_summary(report, folder, table, force)
        what = "the manifest"
        folder.save_manifest()
    except OSError as error:
        # The workbooks that landed are in the journal: the next build carries on from them.
        raise SegxlsxError(
            f"cannot write {what}: {error.strerror or error}; build again to finish",
            file=display_path(report.out),
        ) from None


def _input_order(paths: Iterable[str | Path]) -> Callable[[SegxlsxError], tuple[int, int]]:
    """Sort failures as their offers stand in the input: by file, then row or position.

    Loading finds some problems and building others; the report lists them in one order.
    """
    files = {display_path(path): number for number, path in enumerate(offer_files(paths))}

    def key(error: SegxlsxError) -> tuple[int, int]:
        where = error.location
        return files.get(where.file or "", len(files)), where.row or where.index or 0

    return key


# -- file names ------------------------------------------------------------------------------


def slug(name: str) -> str:
    """A file name from a candidate's name in any script (王小明 → wang-xiao-ming): lower-case
    ASCII letters, digits and hyphens, so no name can lead outside the output folder."""
    return slug_words(name)[:MAX_SLUG].strip("-") or "offer"


def unique_slugs(names: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Slugs made unique in input order: the second "ada" becomes "ada-2"; `taken` are never given."""
    taken = set(_RESERVED) | set(taken)
    result = []
    for name in names:
        base = slug(name)
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = f"{base}-{number}"
        taken.add(candidate)
        result.append(candidate)
    return result


def offer_owners(offers: Iterable[Offer]) -> list[Owner]:
    """Each offer's identity: its file, its candidate, and which of same-named ones in that file."""
    seen: Counter[Owner] = Counter()
    owners = []
    for offer in offers:
        first = Owner.of(offer.source.file, offer.candidate)
        seen[first] += 1
        owners.append(replace(first, occurrence=seen[first]))
    return owners


def file_names(owners: list[Owner], manifest: Manifest) -> list[str]:
    """Each offer's workbook name: the one the manifest keeps for it, else a new one nobody owns.

    New names are handed out in input order, so a build stopped half-way and then resumed gives
    the same names as one that was never stopped.
    """
    # The manifest sits in the folder where anyone may edit it: a name it gives back must still
    # be one slug() could have made, so no manifest can send a workbook outside the folder.
    kept = {owner: name for owner, name in manifest.names_by_owner().items() if _is_workbook_name(name)}
    new = [owner for owner in owners if owner not in kept]
    owned = (name.removesuffix(".xlsx") for name in manifest.owned_names())
    given = dict(zip(new, unique_slugs((owner.candidate for owner in new), owned), strict=True))
    return [kept.get(owner) or f"{given[owner]}.xlsx" for owner in owners]


def _is_workbook_name(name: str) -> bool:
    stem = name.removesuffix(".xlsx")
    return name.endswith(".xlsx") and stem not in _RESERVED and _WORKBOOK_STEM.fullmatch(stem) is not None


# -- one offer, in a worker ------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    index: int
    offer: Offer
    owner: Owner
    name: str  # the workbook's file name in the output folder
    temporary: Path  # where the worker writes it; the build renames it into place
    found: Found  # what was at the workbook's place when the build looked
    force: bool


def plan_jobs(offers: Iterable[Offer], folder: OutputFolder, force: bool) -> list[Job]:
    offers = list(offers)
    owners = offer_owners(offers)
    names = file_names(owners, folder.manifest)
    return [
        Job(index, offer, owner, name, folder.temporary(name), folder.inspect(name), force)
        for index, (offer, owner, name) in enumerate(zip(offers, owners, names, strict=True))
    ]


_context: dict[str, object] = {}  # what every job in a worker process shares, sent once


def _start_worker(guides: Mapping[str, Guide], wording: Wording, table: RateTable) -> None:
    _context.update(guides=guides, table=table, wording=wording)


def build_one(job: Job) -> Outcome | SegxlsxError:
    """Render and compare one offer's workbook, and write it under its temporary name.

    A bad offer is returned, not raised. The build's process renames the file into place.
    """
    from .workbook import render_offer, workbook_bytes

    if job.found.state == "blocked":
        return OfferError(job.found.problem or f"cannot write {job.name}")
    guide = _context["guides"][job.offer.guide_id]
    table: RateTable = _context["table"]
    try:
        if job.found.state == "foreign" and not job.force:
            figures = offer_figures(job.offer, guide, table)
            return Outcome(job.name, "kept", None, SummaryRow.of(job.offer, figures, job.name))
        workbook, figures = render_offer(job.offer, guide, table, _context["wording"])
        data = workbook_bytes(workbook, table.as_of)
        digest = hashlib.sha256(data).hexdigest()
        if job.found.state == "ours" and job.found.sha256 == digest:
            action = "unchanged"
        else:
            write_new_file(job.temporary, data)
            action = "written"
    except SegxlsxError as error:
        return OfferError(error.message, error.location)
    except OSError as error:
        return OfferError(f"cannot write {job.name}: {error.strerror or error}")
    except Exception as error:  # a bug of ours must not cost the rest of the batch
        return OfferError(f"could not build this offer ({type(error).__name__}: {error}); please report it")
    return Outcome(job.name, action, digest, SummaryRow.of(job.offer, figures, job.name))


# -- the summary -------------------------------------------------------------------------------


def _write_summary(report: BuildReport, folder: OutputFolder, table: RateTable, force: bool) -> Path | None:
    from .workbook import workbook_bytes
    from .workbook.summary import render_summary

    path = report.out / SUMMARY
    found = folder.inspect(SUMMARY)
    if found.state == "blocked":
        report.notes.append(f"{display_path(path)}: {found.problem}")
        return None
    if found.state == "foreign" and not force:
        report.notes.append(f"{display_path(path)} was edited by hand; kept it (use --force to replace it)")
        return None
    data = workbook_bytes(render_summary([o.row for o in report.outcomes], report.failures), table.as_of)
    digest = hashlib.sha256(data).hexdigest()
    if found.state != "ours" or found.sha256 != digest:
        temporary = folder.temporary(SUMMARY)
        write_new_file(temporary, data)
        try:
            folder.land(SUMMARY, temporary, digest, None, found)
        except SegxlsxError as error:  # opened or replaced while the offers were building
            report.notes.append(f"{display_path(path)}: {error.message}")
            return None
    return path
