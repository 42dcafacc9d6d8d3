"""A build's plan: every offer read once and given its workbook's name, what sits there, and
whether it must be built; then read again as jobs for the workers, in the same order.

The plan lives in the build's ledger (`store.ledger`), a few hundred bytes per offer on disk, so
no step holds every offer at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import OfferError, SegxlsxError
from ..history import Round, is_new, round_inputs, rounds_digest
from ..model import Guide, Offer
from ..sources.offers import OpenedOfferFile, open_offer_file
from ..sources.rates import RateTable
from ..store.file_names import is_workbook_name, unique_slug
from ..store.fingerprints import offer_fingerprint
from ..store.folder import Found, OutputFolder
from ..store.ledger import Ledger, Step
from ..store.manifest import Entry, Owner, Shard
from ..store.signatures import owner_label
from ..summary.row import UNCHANGED, SummaryRow
from ..talking_points import points_name
from ..wording import Wording
from .report import Outcome, Progress


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
    fingerprint: Callable[
        [str, str, str, str], str
    ]  # everything a workbook is made from (`store.fingerprints`)
    offer_file_key: Callable[[str], str]  # what an offer file's offers are kept under (`store.fingerprints`)
    talking_points: bool = False  # also write each offer's candidate copy (`talking_points.py`)
    replace: frozenset[str] = frozenset()  # workbooks to rebuild even if edited by hand (--replace)


@dataclass(frozen=True)
class Points:
    """Where an offer's talking points go, beside its workbook, and what sat there."""

    name: str
    temporary: Path
    found: Found


@dataclass(frozen=True)
class Job:
    """One offer for a worker: what to build, where, and what the plan found there."""

    number: int  # the offer's place among those that loaded, from 0
    offer: Offer | None  # None when skipped (not read again), or `stale`
    owner: Owner
    name: str  # the workbook's file name in the output folder
    temporary: Path  # where the worker writes it; the build renames it into place
    found: Found  # what was at the workbook's place when the build looked
    force: bool
    inputs: str = ""  # the offer's fields' fingerprint (offer_fingerprint)
    built: str = ""  # the offer's build fingerprint (workbook_fingerprints)
    skip: bool = False  # its fingerprint and file are as the manifest recorded them: not rendered
    stale: bool = False  # the offer file changed since the build planned: not this offer any more
    differed: bool = False  # kept last time with inputs other than its offer file's (`Entry.differs`)
    points: Points | None = None  # with --talking-points, unless skipped
    rounds: tuple[Round, ...] = ()  # the offer's rounds so far, as the manifest keeps them
    day: str = ""  # ISO: the day a new round starts, if its inputs start one


# A private switch: False reads every offer file again, as builds before offer files' records
# did (the tests compare the two).
_SKIP_UNCHANGED_FILES = True


@dataclass
class _Count:
    """How far a plan has come: offers planned, those of this build's shard, those it renders."""

    number: int = 0
    planned: int = 0
    to_build: int = 0


def plan_offers(
    run: Run, folder: OutputFolder, ledger: Ledger, failures: list[SegxlsxError], notes: list[str]
) -> tuple[int, int]:
    """Read every offer once and plan it: its file name, what sits there, whether to build it.

    Offers that do not load join `failures`; a candidate whose offer is in two files joins
    `notes` (each file's offer gets a workbook). Names are given over every offer, the other
    shards' too, so that N shards writing into one folder give the names one unsharded build
    would. Returns how many offers this build (its shard) has, and how many of them it renders.

    An offer file whose bytes, and all they were read with, are as an earlier build recorded
    them, and whose every offer is skipped, is planned from the manifest's record of its offers
    without being parsed (`_plan_recorded`): the same steps and notes as reading it gives.
    """
    count = _Count()
    folder.manifest.keep_used_offer_files_only()
    for number, path in enumerate(run.inputs.offer_files):
        opened = open_offer_file(path, run.inputs.guides)
        key = run.offer_file_key(opened.digest) if opened.digest is not None else None
        recorded = folder.manifest.offer_file(key) if key is not None and _SKIP_UNCHANGED_FILES else None
        if recorded is None or not _plan_recorded(
            number, opened.file, recorded, run, folder, ledger, count, notes
        ):
            _plan_read(number, opened, key, run, folder, ledger, count, failures, notes)
    return count.planned, count.to_build


def _plan_read(
    file: int, opened: OpenedOfferFile, key: str | None, run: Run, folder: OutputFolder, ledger: Ledger,
    count: _Count, failures: list[SegxlsxError], notes: list[str],
) -> None:  # fmt: skip
    """Plan an offer file's offers as they are read, and record them for the next build unless
    one did not load (a file with problems is read every time, so its problems are said every time)."""
    record = folder.manifest.record_offer_file(key) if key is not None else None
    for number, load in enumerate(opened.loaders):
        item = load()
        if isinstance(item, OfferError):
            failures.append(item)
            record = None
            continue
        fields = offer_fingerprint(item)
        step = _step(count.number, file, number, item.source.file, item.candidate, fields, item.guide_id,
                     item, folder, ledger, run)  # fmt: skip
        assert step is not None  # an offer in hand is always planned
        _add(step, ledger, count, notes)
        if record is not None:
            record.add(item.candidate, fields, item.guide_id)
    if record is not None:
        record.finish()
    elif key is not None:
        folder.manifest.forget_offer_file(key)


def _plan_recorded(
    file: int, source: str, offers: Iterator[tuple[str, str, str]], run: Run, folder: OutputFolder,
    ledger: Ledger, count: _Count, notes: list[str],
) -> bool:  # fmt: skip
    """Plan an offer file's offers from the manifest's record of them, all or none: False (and
    nothing planned) when one would need the offer itself, to build it or to start a round.
    `source`: the file as its offers' locations name it."""
    said: list[str] = []
    counted = replace(count)
    try:
        for number, (candidate, fields, guide_id) in enumerate(offers):
            step = _step(counted.number, file, number, source, candidate, fields, guide_id, None,
                         folder, ledger, run)  # fmt: skip
            if step is None or (step.member and not step.skip):
                break
            _add(step, ledger, counted, said)
        else:
            notes += said
            count.number, count.planned, count.to_build = counted.number, counted.planned, counted.to_build
            return True
    except LookupError:  # a part of the record is missing
        pass
    ledger.unplan(count.number)
    return False


def _add(step: Step, ledger: Ledger, count: _Count, notes: list[str]) -> None:
    """A step into the plan; a note when its candidate has an offer in another file too, or a
    second one in the same file."""
    if step.owner.occurrence == 2:  # once, at the second: a third is told apart the same way
        notes.append(
            f"{step.owner.source}: {step.owner.candidate!r} has more than one offer in this file: each "
            f"gets a workbook ({step.name} for the second), told apart by their order in the file, "
            "so removing or moving one hands its workbook and rounds to the next; if they are one "
            "offer, keep one"
        )
    twin = ledger.elsewhere(step.owner.source, step.owner.candidate)
    if twin is not None and step.owner.occurrence == 1:
        source, name = twin
        notes.append(
            f"{step.owner.candidate!r} has an offer in {source} and in {step.owner.source}: each gets a "
            f"workbook ({name}, {step.name}); if they are one offer, keep it in one file"
        )
    ledger.plan(step)
    count.number += 1
    count.planned += step.member
    count.to_build += step.member and not step.skip


def _step(
    number: int, file: int, record: int, source: str | None, candidate: str, fields: str, guide_id: str,
    offer: Offer | None, folder: OutputFolder, ledger: Ledger, run: Run,
) -> Step | None:  # fmt: skip
    """An offer's step: `fields` its fingerprint, `offer` itself when read (None: from a record,
    and then None when the step needs the offer, to start a round)."""
    first = Owner.of(source, candidate)
    owner = replace(first, occurrence=ledger.occurrence(first.source, first.candidate))
    name = file_name(owner, folder, ledger)
    if run.shard is not None and not run.shard.holds(owner):
        return Step(number, file, record, owner, name, False, Found("new"), "", "", False)
    if guide_id not in run.inputs.guides:  # a record's guide (a read offer's is always there)
        return None
    found = folder.inspect(name)
    entry = folder.manifest.get(name)  # after inspect, which may set its hash right
    history = _history(offer, guide_id, fields, entry, run)
    if history is None:
        return None
    built = run.fingerprint(guide_id, fields, owner_label(owner), history)
    skip = not (run.force or name in run.replace) and _unchanged(entry, name, found, built)
    if run.talking_points:  # and its talking points are there, as this build would make them
        skip = skip and _points_unchanged(folder, points_name(name), built)
    return Step(number, file, record, owner, name, True, found, fields, built, skip)


def _history(offer: Offer | None, guide_id: str, fields: str, entry: Entry | None, run: Run) -> str | None:
    """The rounds its workbook's Offer history will list, in a few bytes: those kept, and the
    day a new one starts when the offer's inputs start one (so a rebuild with nothing new is
    the same on any day, and one that starts a round is not). `fields`: the offer's fingerprint.
    None when that takes the offer, and it is not given.
    """
    rounds = entry.rounds if entry else ()
    listed = [(one.inputs, one.day) for one in rounds]
    # Its fields as the last build made its last round from: no new round, and no need to
    # compare them field by field (a third of an unchanged rerun's time per offer).
    if rounds and entry is not None and entry.inputs == fields:
        return rounds_digest(listed)
    if offer is None:
        return None
    inputs = round_inputs(offer, run.inputs.guides[guide_id])
    if is_new(rounds, inputs):
        listed.append((inputs, round_day(entry, fields, run.today)))
    return rounds_digest(listed)


def round_day(entry: Entry | None, inputs: str, today: str) -> str:
    """The day a new round of an offer was first seen: today, but for the first round of a
    folder built before rounds were kept, the day the manifest says its inputs last changed."""
    if entry is not None and not entry.rounds and entry.inputs == inputs and entry.changed:
        return entry.changed
    return today


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


def _unchanged(entry: Entry | None, name: str, found: Found, built: str) -> bool:
    """Whether a workbook's inputs and bytes are what its manifest `entry` recorded, with a usable row."""
    if entry is None or entry.row is None or found.state != "ours" or entry.built != built:
        return False
    return SummaryRow.from_json(entry.row, name) is not None


def _points_unchanged(folder: OutputFolder, name: str, built: str) -> bool:
    """Whether talking points were written from these inputs and are as segxlsx wrote them."""
    entry = folder.manifest.get(name)
    return entry is not None and entry.built == built and folder.inspect(name).state == "ours"


def jobs(run: Run, folder: OutputFolder, ledger: Ledger) -> Iterator[Job]:
    """This build's offers read again, in input order, each made a job as its plan says.

    A skipped offer is only counted past, not checked or built again, and a file whose offers
    are all skipped is not read again at all. An offer that is not what was planned (its file
    edited since) fails, and the next build takes it as it is then.
    """
    reading: tuple[int, Iterator[tuple[int, Callable[[], Offer | OfferError]]]] | None = None
    for step in ledger.steps():
        if not step.member:
            continue
        entry = folder.manifest.get(step.name)
        job = Job(step.number, None, step.owner, step.name, folder.temporary(step.name), step.found,
                  run.force or step.name in run.replace, step.inputs, step.built, step.skip,
                  differed=entry is not None and entry.differs, rounds=entry.rounds if entry else (),
                  day=round_day(entry, step.inputs, run.today))  # fmt: skip
        if step.skip:
            yield job
            continue
        if run.talking_points:
            md = points_name(step.name)
            job = replace(job, points=Points(md, folder.temporary(md), folder.inspect(md)))
        if reading is None or reading[0] != step.file:
            path = run.inputs.offer_files[step.file]
            reading = (step.file, enumerate(open_offer_file(path, run.inputs.guides).loaders))
        load = next((load for record, load in reading[1] if record == step.record), None)
        offer = load() if load else None
        fresh = isinstance(offer, Offer) and _same_owner(offer, step.owner)
        yield replace(job, offer=offer) if fresh else replace(job, stale=True)


def known(job: Job) -> Outcome | SegxlsxError | None:
    """A job's result when it needs no worker: a skipped offer, or one that changed under the build."""
    if job.stale:
        return OfferError("the offer file changed while the build ran; build again to build this offer")
    if job.skip:
        return Outcome(job.name, UNCHANGED, job.found.sha256, None)
    return None


def _same_owner(offer: Offer, owner: Owner) -> bool:
    first = Owner.of(offer.source.file, offer.candidate)
    return (first.source, first.candidate) == (owner.source, owner.candidate)
