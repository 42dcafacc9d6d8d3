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
import os
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from ..errors import Location, OfferError, SegxlsxError, display_path
from ..figures import OfferFigures, offer_figures
from ..model import Guide, Offer
from ..sources.guides import load_guides
from ..sources.offers import iter_offers, offer_files, offer_loaders
from ..sources.rates import RateTable, load_rates
from ..store.file_names import slug_words
from ..store.folder import MANIFEST, Found, OutputFolder, Owner, Shard, file_hash, new_file, write_new_file
from ..store.ledger import Ledger, Step, Tally
from ..wording import Wording, load_wording
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


# What happened to a workbook in a build, as the summary's "This run" column says it.
WRITTEN, UNCHANGED, KEPT, FAILED, NOT_IN_RUN = "written", "unchanged", "kept", "failed", "not in this run"
FIGURES = (
    "base stock bonus_pct total_comp pen_base pen_stock pen_bonus_pct pen_total_comp compa_base "
    "ask_base ask_stock walk_away_met status"
).split()


@dataclass(frozen=True)
class SummaryRow:
    """What the summary shows for one workbook: values, not formulas.

    The figures are None when they cannot be known: a workbook whose edited inputs no longer
    validate shows why in `edits` instead of a guess.
    """

    candidate: str
    guide: str
    region: str
    currency: str
    file: str  # the workbook's name inside the output folder
    base: Decimal | None = None
    stock: Decimal | None = None
    bonus_pct: Decimal | None = None
    total_comp: Decimal | None = None
    pen_base: Decimal | None = None
    pen_stock: Decimal | None = None
    pen_bonus_pct: Decimal | None = None
    pen_total_comp: Decimal | None = None
    compa_base: Decimal | None = None
    ask_base: Decimal | None = None
    ask_stock: Decimal | None = None
    walk_away_met: bool | None = None
    status: str | None = None  # where annual total comp sits against the band: below / within / above
    action: str = ""  # what this build did with the workbook: WRITTEN, UNCHANGED, KEPT, FAILED, NOT_IN_RUN
    inputs_changed: str = ""  # ISO date: when the offer's inputs (or the hand edits) last changed
    edits: str = ""  # "edited in the workbook", and why its figures are missing if they are

    @classmethod
    def of(cls, offer: Offer, figures: OfferFigures, file: str) -> SummaryRow:
        return cls(
            candidate=offer.candidate,
            guide=offer.guide_id,
            region=offer.region,
            currency=offer.currency,
            file=file,
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
        )

    @classmethod
    def without_figures(cls, offer: Offer, file: str, edits: str = "") -> SummaryRow:
        return cls(offer.candidate, offer.guide_id, offer.region, offer.currency, file, edits=edits)

    def as_json(self) -> dict[str, object]:
        """For the manifest: Decimals as text, so they come back exact; the run's own words left out."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        del data["action"], data["inputs_changed"]
        return {k: str(v) if isinstance(v, Decimal) else v for k, v in data.items() if v not in (None, "")}

    @classmethod
    def from_json(cls, data: Mapping[str, object], file: str) -> SummaryRow | None:
        """A row the manifest kept; None when it is not one (a manifest edited by hand, say)."""
        try:
            values = {name: data.get(name) for name in cls.__dataclass_fields__ if name in data}
            for name in FIGURES:
                if isinstance(values.get(name), str) and name != "status":
                    values[name] = Decimal(values[name])  # type: ignore[arg-type]
            texts = ("candidate", "guide", "region", "currency")
            if not all(isinstance(values.get(name), str) for name in texts):
                return None
            return cls(**{**values, "file": file})  # type: ignore[arg-type]
        except (ArithmeticError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class Outcome:
    """What happened to one offer."""

    file: str
    action: str  # written, unchanged (same bytes already there), kept (edited by hand)
    sha256: str | None
    row: SummaryRow | None  # None for an offer skipped as unchanged, until its manifest row is taken
    # For a workbook kept because edited by hand: what its inputs change in the offer file, or
    # why they cannot be read (`problem`); either needs the recruiter's attention.
    differences: tuple[str, ...] = ()
    problem: SegxlsxError | None = None

    @property
    def needs_attention(self) -> bool:
        return bool(self.differences or self.problem)


@dataclass
class BuildReport:
    """What a build did, for the CLI's report and for tests.

    Counts, and only the outcomes that need the recruiter: a build of 50,000 offers does not
    keep 50,000 of them. What each workbook is now, the summary lists.
    """

    out: Path
    counts: Counter[str] = field(default_factory=Counter)  # workbooks by action: written, unchanged, kept
    kept: list[Outcome] = field(default_factory=list)  # workbooks kept, edited by hand, in input order
    skipped: int = 0  # offers not rendered at all: inputs and file as the manifest recorded them
    failures: list[SegxlsxError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. live rates fell back to offline
    summary: Path | None = None
    stopped_early: bool = False  # --fail-fast stopped at the first bad offer
    interrupted: int | None = None  # the signal (SIGINT, SIGTERM) that stopped the build
    report_currency: str | None = None  # the summary's common currency

    def count(self, action: str) -> int:
        return self.counts[action]

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 128 + self.interrupted  # the shell's own convention: 130 for Ctrl-C, 143 for SIGTERM
        edited = any(outcome.needs_attention for outcome in self.kept)
        return 1 if self.failures or edited else 0


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
    report_currency: str | None = None,
    today: date | None = None,
    shard: Shard | str | None = None,
) -> BuildReport:
    """Build one workbook per offer, and the summary, into `out`.

    Problems that stop everything (a bad guide, rates that cannot be had, a missing path, the
    folder locked by another build) raise `SegxlsxError`; a bad offer is a failure in the report
    and the rest are built. SIGINT or SIGTERM during the build stops it with what was done
    recorded and summarised, and `report.interrupted` set.

    The summary lists every workbook in `out`, this build's and earlier ones'; its common
    currency is `report_currency` (default: the one most offers are paid in). `today` dates
    inputs that changed in this build (default: today's UTC date).

    `shard` ("K/N" or a `Shard`) builds only the offers whose identity hashes to shard K of N,
    with the shard's own manifest, journal and lock, and no summary: `summarise` merges the
    shards' manifests into one when all are done. Skipped offers (inputs and file unchanged)
    are not rendered; `force` renders every offer.
    """
    if isinstance(shard, str):
        shard = Shard.parse(shard)
    report = BuildReport(Path(out))
    with Interrupts() as interrupts:
        try:
            guide_map, wording = load_guides(guides), load_wording(templates)
            files = tuple(offer_files(offers))
            inputs = Inputs(guide_map, wording, files, load_rates(rates, as_of=as_of, strict=strict_rates))
            if report_currency:  # a code the rates lack would leave the column empty: say so now
                inputs.table.value_in(report_currency, inputs.table.base)
            guide_notes = [note for guide in guide_map.values() for note in guide.notes]
            report.notes = guide_notes + list(inputs.table.notes)
            if fail_fast:  # every offer checked before the output folder is touched
                report.failures = [
                    item for item in iter_offers(files, guide_map) if isinstance(item, OfferError)
                ]
            if not (fail_fast and report.failures):
                day = (today or datetime.now(UTC).date()).isoformat()
                run = Run(
                    inputs,
                    workers,
                    force,
                    fail_fast,
                    progress,
                    _input_order(files),
                    day,
                    report_currency,
                    shard,
                    input_fingerprints(inputs),
                )
                _build_into(report, run, interrupts)
            report.stopped_early = fail_fast and bool(report.failures)
        except Interrupted:
            pass  # stopped before the output folder was touched: nothing to record
        except sqlite3.Error as error:  # the plan and manifest live in the temporary folder
            raise scratch_problem(error) from None
        report.interrupted = interrupts.received
    return report


@dataclass(frozen=True)
class Inputs:
    """What every offer's workbook is made from."""

    guides: Mapping[str, Guide]
    wording: Wording
    offer_files: tuple[Path, ...]  # read twice, in this order: to plan, then to build
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
    today: str  # ISO date, for inputs that changed in this build
    report_currency: str | None
    shard: Shard | None
    fingerprint: Callable[[Offer], str]  # everything a workbook is made from, see input_fingerprints


def _build_into(report: BuildReport, run: Run, interrupts: Interrupts) -> None:
    """Build every offer into the output folder, held for this build; stopped or not, record what was done.

    Offers are read twice: once to plan (names, what is there, what can be skipped), keeping a
    few hundred bytes per offer on disk (`Ledger`), and once more to build, as the workers take
    them. No step holds every offer, job or summary row at once.
    """
    _make_folder(report.out)
    with OutputFolder.locked(report.out, run.shard) as folder, Ledger() as ledger:
        inputs = run.inputs
        try:
            planned, to_build = plan_offers(report, run, folder, ledger)
            record = _recorder(report, folder, ledger, interrupts, planned, run)
            setup = (inputs.guides, inputs.wording, inputs.table)
            jobs = _jobs(run, folder, ledger)
            run_jobs(
                build_one, jobs, run.workers, _start_worker, setup, record, known=_known, to_build=to_build
            )
        except Interrupted:
            pass  # stop building; what was done is still summarised and recorded below
        with interrupts.finishing():
            report.failures.sort(key=run.order)
            _finish(report, folder, ledger, run)


def scratch_problem(error: sqlite3.Error) -> SegxlsxError:
    """A build's working files (`Ledger`, the manifest's entries) could not be kept: say where.

    What landed is in the folder's journal, so the next build carries on from it.
    """
    where = os.environ.get("SQLITE_TMPDIR") or os.environ.get("TMPDIR") or "/tmp"
    return SegxlsxError(
        f"cannot keep the build's working files in the temporary folder ({where}): {error}; "
        "free some space there or set TMPDIR, and build again"
    )


def _known(job: Job) -> Outcome | SegxlsxError | None:
    """A job's result when it needs no worker: a skipped offer, or one that changed under the build."""
    if job.stale:
        return OfferError("the offer file changed while the build ran; build again to build this offer")
    if job.skip:
        return Outcome(job.name, UNCHANGED, job.found.sha256, None)
    return None


def _make_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SegxlsxError(
            f"cannot write to the output folder: {error.strerror or error}", file=display_path(out)
        ) from None


def _recorder(  # type: ignore[no-untyped-def]
    report: BuildReport, folder: OutputFolder, ledger: Ledger, interrupts: Interrupts, total: int, run: Run
):
    """What to do with each job's result, in input order, as it arrives: land it, then note it."""
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
                ledger.add_row(result.row)
            else:
                report.failures.append(_located(result, job))
                earlier = _earlier_row(folder, job.name, FAILED)
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
    source = job.offer.source
    where = {"file": source.file, "sheet": source.sheet, "row": source.row, "index": source.index}
    return error.at(**where, candidate=job.offer.candidate)


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


def _described(folder: OutputFolder, job: Job, outcome: Outcome, today: str) -> Outcome:
    """The outcome with its summary row complete, that row kept in the manifest for later builds.

    A skipped offer's outcome has no row yet: the manifest's is its row.
    """
    if outcome.action == KEPT:  # the inputs are the hand edits, changed when the file last was
        inputs, day, built = None, _day_of(job.found.stamp) or today, None
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


def offer_fingerprint(offer: Offer) -> str:
    """What an offer's inputs are, in a few bytes: the same offer read again gives the same."""
    return hashlib.sha256(repr(replace(offer, source=Location())).encode()).hexdigest()[:16]


def input_fingerprints(inputs: Inputs) -> Callable[[Offer], str]:
    """Each offer's build fingerprint: a hash of everything its workbook's bytes are made from.

    The offer's fields, its guide, the rate table (values, date, source), the wording, and the
    versions of segxlsx and of openpyxl (which writes the XML). What all offers share is hashed
    once here; per offer it is one more hash of its fields. The whole table, not only the
    currencies a workbook shows: a few more rebuilds on a new rate day, never a stale workbook.
    """
    shared = repr((_writer_and_rates(inputs.table), inputs.wording))
    guides = {name: _digest(shared + repr(guide)) for name, guide in inputs.guides.items()}

    def fingerprint(offer: Offer) -> str:
        return _digest(guides[offer.guide_id] + offer_fingerprint(offer))

    return fingerprint


def _writer_and_rates(table: RateTable) -> tuple[object, ...]:
    """What every file's bytes depend on beyond its own inputs: the versions of segxlsx and of
    openpyxl (which writes the XML), and the whole rate table (values, date, source)."""
    import openpyxl

    from .. import __version__

    return (
        __version__,
        openpyxl.__version__,
        table.base,
        table.as_of,
        table.source,
        sorted(table.per_base.items()),
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _day_of(stamp: tuple[int, int, int] | None) -> str | None:
    """The UTC day of a file's last change, from what `folder.inspect` found."""
    if stamp is None:
        return None
    return datetime.fromtimestamp(stamp[2] / 1e9, UTC).date().isoformat()


def _earlier_row(folder: OutputFolder, name: str, action: str) -> SummaryRow | None:
    """The row an earlier build kept for a workbook still in the folder, marked with `action`."""
    entry = folder.manifest.get(name)
    if entry is None or entry.row is None or not (folder.path / name).is_file():
        return None
    row = SummaryRow.from_json(entry.row, name)
    return replace(row, action=action, inputs_changed=entry.changed or "") if row else None


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
    given = set(taken)
    result = []
    for name in names:
        result.append(unique_slug(name, given.__contains__))
        given.add(result[-1])
    return result


def unique_slug(name: str, is_taken: Callable[[str], bool]) -> str:
    """The slug of `name`, numbered ("ada-2", "ada-3") past those `is_taken` and those reserved."""
    base = slug(name)
    candidate, number = base, 1
    while candidate in _RESERVED or is_taken(candidate):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def is_workbook_name(name: str) -> bool:
    stem = name.removesuffix(".xlsx")
    return name.endswith(".xlsx") and stem not in _RESERVED and _WORKBOOK_STEM.fullmatch(stem) is not None


# -- one offer, in a worker ------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    number: int  # the offer's place among those that loaded, from 0
    offer: Offer | None  # None when skipped (not read again), or `stale`
    owner: Owner
    name: str  # the workbook's file name in the output folder
    temporary: Path  # where the worker writes it; the build renames it into place
    found: Found  # what was at the workbook's place when the build looked
    force: bool
    inputs: str = ""  # the offer's fields' fingerprint (offer_fingerprint)
    built: str = ""  # the offer's build fingerprint (input_fingerprints)
    skip: bool = False  # its fingerprint and file are as the manifest recorded them: not rendered
    stale: bool = False  # the offer file changed since the build planned: not this offer any more


def plan_offers(report: BuildReport, run: Run, folder: OutputFolder, ledger: Ledger) -> tuple[int, int]:
    """Read every offer once and plan it: its file name, what sits there, whether to build it.

    Offers that do not load become failures. Names are given over every offer, the other
    shards' too, so that N shards writing into one folder give the names one unsharded build
    would. Returns how many offers this build (its shard) has, and how many of them it renders.
    """
    planned = to_build = number = 0
    for record, item in enumerate(iter_offers(run.inputs.offer_files, run.inputs.guides)):
        if isinstance(item, OfferError):
            report.failures.append(item)
            continue
        step = _step(number, record, item, folder, ledger, run)
        ledger.plan(step)
        number += 1
        planned += step.member
        to_build += step.member and not step.skip
    return planned, to_build


def _step(number: int, record: int, offer: Offer, folder: OutputFolder, ledger: Ledger, run: Run) -> Step:
    first = Owner.of(offer.source.file, offer.candidate)
    owner = replace(first, occurrence=ledger.occurrence(first.source, first.candidate))
    name = file_name(owner, folder, ledger)
    if run.shard is not None and not run.shard.holds(owner):
        return Step(number, record, owner, name, False, Found("new"), "", "", False)
    found, built = folder.inspect(name), run.fingerprint(offer)
    skip = not run.force and _unchanged(folder, name, found, built)
    return Step(number, record, owner, name, True, found, offer_fingerprint(offer), built, skip)


def file_name(owner: Owner, folder: OutputFolder, ledger: Ledger) -> str:
    """An offer's workbook name: the one the folder's manifests keep for it, else a new one nobody owns.

    New names are handed out in input order, so a build stopped half-way and then resumed gives
    the same names as one that was never stopped.
    """
    # The manifest sits in the folder where anyone may edit it: a name it gives back must still
    # be one slug() could have made, so no manifest can send a workbook outside the folder.
    kept = folder.name_of(owner)
    if kept is not None and is_workbook_name(kept):
        return kept

    def is_taken(stem: str) -> bool:
        return folder.is_owned(f"{stem}.xlsx") or ledger.is_given(f"{stem}.xlsx")

    return f"{unique_slug(owner.candidate, is_taken)}.xlsx"


def _unchanged(folder: OutputFolder, name: str, found: Found, built: str) -> bool:
    """Whether a workbook's inputs and bytes are what the manifest recorded, with a usable row."""
    entry = folder.manifest.get(name)
    if entry is None or entry.row is None or found.state != "ours" or entry.built != built:
        return False
    return SummaryRow.from_json(entry.row, name) is not None


def _jobs(run: Run, folder: OutputFolder, ledger: Ledger) -> Iterator[Job]:
    """This build's offers read again, in input order, each made a job as its plan says.

    A skipped offer is only counted past, not checked or built again. An offer that is not what
    was planned (its file edited since) fails, and the next build takes it as it is then.
    """
    loaders = enumerate(offer_loaders(run.inputs.offer_files, run.inputs.guides))
    for step in ledger.steps():
        load = next((load for record, load in loaders if record == step.record), None)
        if not step.member:
            continue
        job = Job(step.number, None, step.owner, step.name, folder.temporary(step.name), step.found,
                  run.force, step.inputs, step.built, step.skip)  # fmt: skip
        if step.skip:
            yield job
            continue
        offer = load() if load else None
        fresh = isinstance(offer, Offer) and _same_owner(offer, step.owner)
        yield replace(job, offer=offer) if fresh else replace(job, stale=True)


def _same_owner(offer: Offer, owner: Owner) -> bool:
    first = Owner.of(offer.source.file, offer.candidate)
    return (first.source, first.candidate) == (owner.source, owner.candidate)


_context: dict[str, object] = {}  # what every job in a worker process shares, sent once


def _start_worker(guides: Mapping[str, Guide], wording: Wording, table: RateTable) -> None:
    _context.update(guides=guides, table=table, wording=wording)


def build_one(job: Job) -> Outcome | SegxlsxError:
    """Render and compare one offer's workbook, and write it under its temporary name.

    A bad offer is returned, not raised. The build's process renames the file into place.
    """
    from ..sheets import render_offer, workbook_bytes

    assert job.offer is not None  # skipped and stale jobs never come here (`_known`)
    if job.found.state == "blocked":
        return OfferError(job.found.problem or f"cannot write {job.name}")
    guide = _context["guides"][job.offer.guide_id]
    table: RateTable = _context["table"]
    try:
        if job.found.state == "foreign" and not job.force:
            return edited_by_hand(job.temporary.parent / job.name, _context["guides"], table, job.offer)
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


def edited_by_hand(
    path: Path, guides: Mapping[str, Guide], table: RateTable, offer: Offer | None = None
) -> Outcome:
    """A workbook kept because it was edited: its inputs read back, checked, and recomputed.

    `offer` is what the offer file says, when this build has it: the outcome lists what the
    workbook changes in it. Inputs that no longer validate give no figures, only the problem.
    """
    from ..edits import EDITED, differences, read_back  # openpyxl: only when a workbook is read

    name = path.name
    try:
        edited = read_back(path, guides)
        figures = offer_figures(edited, guides[edited.guide_id], table)
    except SegxlsxError as error:
        problem = OfferError(error.message, error.location)
        if offer is not None and not problem.location.candidate:
            problem = problem.at(candidate=offer.candidate)
        cell = f"{error.location.cell}: " if error.location.cell else ""
        row = _unreadable_row(offer, name, f"{EDITED}; {cell}{error.message}")
        return Outcome(name, KEPT, None, row, problem=problem)
    changes = tuple(differences(offer, edited, guides)) if offer is not None else ()
    return Outcome(name, KEPT, None, replace(SummaryRow.of(edited, figures, name), edits=EDITED), changes)


def _unreadable_row(offer: Offer | None, name: str, edits: str) -> SummaryRow:
    if offer is not None:
        return SummaryRow.without_figures(offer, name, edits)
    return SummaryRow("", "", "", "", name, edits=edits)


# -- the summary -------------------------------------------------------------------------------


def _write_summary(report: BuildReport, folder: OutputFolder, ledger: Ledger, run: Run) -> Path | None:
    """The summary: this build's rows (in the ledger already), then every other workbook's."""
    path = report.out / SUMMARY
    found = folder.inspect(SUMMARY)
    if found.state == "blocked":
        report.notes.append(f"{display_path(path)}: {found.problem}")
        return None
    if found.state == "foreign" and not run.force:
        report.notes.append(f"{display_path(path)} was edited by hand; kept it (use --force to replace it)")
        return None
    from ..summary.sheet import SummaryHeading

    _list_other_workbooks(report, folder, ledger, run)
    table, tally = run.inputs.table, ledger.tally()
    currency = report.report_currency = run.report_currency or most_paid_in(tally.currencies, table)
    heading = SummaryHeading(tuple(run.inputs.guides), table, currency, len(report.failures))
    problem = write_summary(folder, SUMMARY, found, ledger, heading, tally, report.failures)
    if problem:  # opened or replaced while the offers were building
        report.notes.append(f"{display_path(path)}: {problem}")
        return None
    return path


def write_summary(  # type: ignore[no-untyped-def]
    folder: OutputFolder,
    name: str,
    found: Found,
    ledger: Ledger,
    heading,
    tally: Tally,
    failures: list[SegxlsxError],
) -> str | None:
    """Write the ledger's rows as the summary `name` in `folder`, unless the same bytes are there.

    The workbook is streamed to a temporary file (rows from the ledger, the zip from openpyxl's
    own file) and hashed there, never held whole. Returns why it could not land, if it could not.
    `heading` is a `workbook.summary.SummaryHeading`. A summary made from the same rows, heading
    and failures as the one in the folder (as the manifest has it) is not made again: an
    unchanged rerun of many offers spent a third of its time there.
    """
    from ..summary.sheet import render_summary, save_summary

    made_from = _summary_fingerprint(ledger, heading, failures)
    known = folder.manifest.get(name)
    if found.state == "ours" and known is not None and known.built == made_from:
        return None
    workbook = render_summary(ledger.rows(_summary_row), failures, heading, tally)
    temporary = folder.temporary(name)
    with new_file(temporary) as handle:
        save_summary(workbook, heading.rates.as_of, handle)
    digest = file_hash(temporary)
    if found.state == "ours" and found.sha256 == digest:
        temporary.unlink()
    else:
        try:
            folder.land(name, temporary, digest, None, found)
        except SegxlsxError as error:
            return error.message
    entry = folder.manifest.get(name)
    if entry is not None:
        folder.manifest.put(name, replace(entry, built=made_from))
    return None


def _summary_fingerprint(ledger: Ledger, heading, failures: list[SegxlsxError]) -> str:  # type: ignore[no-untyped-def]
    """Everything a summary's bytes are made from: its rows in order (as the ledger keeps them),
    its heading (the rates in full: totals are converted with them), its failures, and the tool
    that writes it."""
    heading_and_failures = (
        _writer_and_rates(heading.rates),
        heading.guides,
        heading.report_currency,
        heading.failures,
        [(str(failure), failure.location) for failure in failures],
    )
    return _digest(repr(heading_and_failures) + ledger.rows_digest())


def _summary_row(data: Mapping[str, object], file: str, action: str, changed: str) -> SummaryRow:
    row = SummaryRow.from_json(data, file)
    assert row is not None  # the ledger keeps only rows that were SummaryRows
    return replace(row, action=action, inputs_changed=changed)


def _list_other_workbooks(report: BuildReport, folder: OutputFolder, ledger: Ledger, run: Run) -> None:
    """Every workbook in the folder this build did not list yet, by file name, into the ledger.

    Each is listed as an earlier build left it (the manifest keeps its row); one edited by hand
    since is read back, as in a build of its offer. A workbook deleted from the folder is gone
    from the summary too. An offer that failed to load keeps its earlier workbook, marked failed.
    """
    failed = _failed_owners(report.failures)
    for name, entry in folder.manifest.items():
        if entry.owner is None or not is_workbook_name(name) or ledger.is_listed(name):
            continue
        action = FAILED if _owner_key(entry.owner) in failed else NOT_IN_RUN
        found = folder.inspect(name)
        if found.state == "new":
            continue
        row = _earlier_row(folder, name, action) if found.state != "foreign" else None
        if row is None:  # edited by hand, or no row kept (a build from before rows were kept)
            outcome = edited_by_hand(folder.path / name, run.inputs.guides, run.inputs.table)
            row = outcome.row
            assert row is not None
            if found.state != "foreign":
                row = replace(row, edits="")
            changed = _day_of(found.stamp) if found.state == "foreign" else entry.changed
            row = replace(row, action=action, inputs_changed=changed or "")
        ledger.add_row(row)


def _failed_owners(failures: Iterable[SegxlsxError]) -> set[tuple[str, str]]:
    """Offers that failed, as (offer file name, candidate): a bad row still owns its workbook."""
    return {
        _owner_key(Owner.of(error.location.file, error.location.candidate))
        for error in failures
        if error.location.candidate
    }


def _owner_key(owner: Owner) -> tuple[str, str]:
    return owner.source, owner.candidate


def most_paid_in(counts: Counter[str], table: RateTable) -> str:
    """The currency most offers are paid in (ties: alphabetical), the rates' base when none."""
    if not counts:
        return table.base
    return min(counts, key=lambda code: (-counts[code], code))
