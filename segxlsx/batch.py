"""Build many offers: one workbook each, a summary, safely and in parallel.

`build` is the library call behind `segxlsx build`. It never prints; it reports progress to a
callback and returns a `BuildReport`. Safety rules, each for a reason:

- Atomic writes: every file is written under a hidden temporary name in the output folder and
  renamed into place, so a run killed at any moment leaves no truncated workbook under a final name.
- No silent loss: `.segxlsx-manifest.json` records the hash of each file written. A file whose bytes
  changed since (edited by hand), or that we never wrote, is kept and reported, unless `force`.
- Determinism: the same inputs and rates give the same bytes, so an unchanged offer is not rewritten.
- Slugs: file names come from candidates' names but are reduced to `[a-z0-9-]`, so no name can
  lead outside the output folder, and are made unique in input order (`-2`, `-3`).
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from .errors import OfferError, SegxlsxError, display_path
from .figures import OfferFigures, offer_figures
from .guides import load_guides
from .model import Guide, Offer
from .offers import load_offers, offer_files
from .rates import RateTable, load_rates
from .wording import Wording, load_wording

MANIFEST = ".segxlsx-manifest.json"
SUMMARY = "summary.xlsx"
MAX_SLUG = 60
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

    def with_action(self, action: str) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.action == action]

    @property
    def exit_code(self) -> int:
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

    Problems that stop everything (a bad guide, rates that cannot be had, a missing path) raise
    `SegxlsxError`; a bad offer is a failure in the report and the rest are built.
    """
    offers = list(offers)  # read twice: to load, and to order the failures as the input
    guide_map = load_guides(guides)
    wording = load_wording(templates)
    loaded = load_offers(offers, guide_map)
    table = load_rates(rates, as_of=as_of, strict=strict_rates)
    report = BuildReport(Path(out), failures=list(loaded.failures), notes=list(table.notes))
    if fail_fast and report.failures:
        report.stopped_early = True
        return report
    try:
        report.out.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(report.out)
    except OSError as error:
        raise SegxlsxError(
            f"cannot write to the output folder: {error.strerror or error}", file=display_path(report.out)
        ) from None
    manifest = Manifest.read(report.out)
    jobs = plan_jobs(loaded.offers, report.out, manifest, force)
    results = _run(jobs, guide_map, table, wording, workers, fail_fast, progress)
    _record(report, manifest, jobs, results)
    report.stopped_early = fail_fast and len(report.failures) > len(loaded.failures)
    report.failures.sort(key=_input_order(offers))
    try:
        report.summary = _write_summary(report, manifest, table, force)
        manifest.write(report.out)
    except OSError as error:
        raise SegxlsxError(
            f"cannot write the summary: {error.strerror or error}", file=display_path(report.out)
        ) from None
    return report


def _record(report: BuildReport, manifest: Manifest, jobs: list[Job], results: list) -> None:
    """Each job's outcome into the report (and the manifest), or its failure with its place."""
    for job, result in zip(jobs, results, strict=True):
        if isinstance(result, Outcome):
            report.outcomes.append(result)
            if result.action != "kept":
                manifest.files[result.file] = result.sha256
        elif result is not None:  # None: not run, --fail-fast stopped first
            source = job.offer.source
            report.failures.append(
                result.at(file=source.file, row=source.row, index=source.index, candidate=job.offer.candidate)
            )


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
    """A file name from a candidate's name: lower-case ASCII letters, digits and hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_name.lower()).split()
    text = "-".join(words)[:MAX_SLUG].strip("-")
    return text or "offer"


def unique_slugs(names: Iterable[str]) -> list[str]:
    """Slugs made unique in input order: the second "ada" becomes "ada-2"."""
    taken = set(_RESERVED)
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


# -- the manifest of what we wrote ---------------------------------------------------------------


@dataclass
class Manifest:
    """The hash of each file a build wrote, so a later build can tell a hand edit from its own."""

    files: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def read(cls, out: Path) -> Manifest:
        path = out / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            files = {str(k): str(v) for k, v in data["files"].items()}
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            # A damaged manifest protects nothing: every existing file counts as hand-made.
            return cls()
        return cls(files)

    def write(self, out: Path) -> None:
        text = json.dumps({"version": 1, "files": dict(sorted(self.files.items()))}, indent=2) + "\n"
        write_atomically(out / MANIFEST, text.encode("utf-8"))

    def state(self, path: Path) -> str:
        """new (no file), ours (bytes as we wrote them) or foreign (edited, or never ours)."""
        if not path.exists():
            return "new"
        return "ours" if self.files.get(path.name) == file_hash(path) else "foreign"


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_atomically(path: Path, data: bytes) -> None:
    """Write under a hidden temporary name beside `path`, then rename: never a half file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _remove_stale_temporaries(out: Path) -> None:
    """Temporary files left by a run that was killed are never complete: remove them."""
    for pattern in (".*.xlsx.*.tmp", f".{MANIFEST}.*.tmp"):  # only names write_atomically makes
        for leftover in out.glob(pattern):
            leftover.unlink(missing_ok=True)


# -- one offer, in a worker ------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    index: int
    offer: Offer
    path: Path
    state: str  # new, ours or foreign: see Manifest.state
    force: bool


def plan_jobs(offers: Iterable[Offer], out: Path, manifest: Manifest, force: bool) -> list[Job]:
    offers = list(offers)
    names = unique_slugs(offer.candidate for offer in offers)
    return [
        Job(index, offer, out / f"{name}.xlsx", manifest.state(out / f"{name}.xlsx"), force)
        for index, (offer, name) in enumerate(zip(offers, names, strict=True))
    ]


_context: dict[str, object] = {}  # what every job in a worker process shares, sent once


def _start_worker(guides: Mapping[str, Guide], table: RateTable, wording: Wording) -> None:
    _context.update(guides=guides, table=table, wording=wording)


def build_one(job: Job) -> Outcome | SegxlsxError:
    """Render, compare and write one offer's workbook; a bad offer is returned, not raised."""
    from .workbook import render_offer, workbook_bytes

    guide = _context["guides"][job.offer.guide_id]
    table: RateTable = _context["table"]
    try:
        if job.state == "foreign" and not job.force:
            figures = offer_figures(job.offer, guide, table)
            return Outcome(job.path.name, "kept", None, SummaryRow.of(job.offer, figures, job.path.name))
        workbook, figures = render_offer(job.offer, guide, table, _context["wording"])
        data = workbook_bytes(workbook, table.as_of)
        digest = hashlib.sha256(data).hexdigest()
        if job.state == "ours" and file_hash(job.path) == digest:
            action = "unchanged"
        else:
            write_atomically(job.path, data)
            action = "written"
    except SegxlsxError as error:
        return OfferError(error.message, error.location)
    except OSError as error:
        return OfferError(f"cannot write {job.path.name}: {error.strerror or error}")
    except Exception as error:  # a bug of ours must not cost the rest of the batch
        return OfferError(f"could not build this offer ({type(error).__name__}: {error}); please report it")
    return Outcome(job.path.name, action, digest, SummaryRow.of(job.offer, figures, job.path.name))


def _run(jobs, guides, table, wording, workers, fail_fast, progress) -> list[Outcome | SegxlsxError | None]:
    """Run the jobs, in this process or in `workers` processes; results in job order."""
    results: list[Outcome | SegxlsxError | None] = [None] * len(jobs)
    if workers <= 1 or len(jobs) <= 1:
        _start_worker(guides, table, wording)
        _collect(map(build_one, jobs), results, fail_fast, progress)
        return results
    # Jobs go out in chunks: one offer is ~15 ms of work, so sending them one by one would spend
    # a noticeable share of it on inter-process traffic. Results come back in input order.
    chunk = max(1, min(16, len(jobs) // (workers * 4)))
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(guides, table, wording)) as pool:
        outcomes = pool.map(build_one, jobs, chunksize=chunk)
        if not _collect(outcomes, results, fail_fast, progress):
            pool.shutdown(wait=True, cancel_futures=True)
    return results


def _collect(outcomes, results, fail_fast: bool, progress: Progress | None) -> bool:
    """Store outcomes as they arrive; False when --fail-fast stopped at a bad offer."""
    for index, outcome in enumerate(outcomes):
        results[index] = outcome
        if progress:
            progress(index + 1, len(results))
        if fail_fast and isinstance(outcome, SegxlsxError):
            return False
    return True


# -- the summary -------------------------------------------------------------------------------


def _write_summary(report: BuildReport, manifest: Manifest, table: RateTable, force: bool) -> Path | None:
    from .workbook import workbook_bytes
    from .workbook.summary import render_summary

    path = report.out / SUMMARY
    if manifest.state(path) == "foreign" and not force:
        report.notes.append(f"{display_path(path)} was edited by hand; kept it (use --force to replace it)")
        return None
    data = workbook_bytes(render_summary([o.row for o in report.outcomes], report.failures), table.as_of)
    if manifest.state(path) != "ours" or file_hash(path) != hashlib.sha256(data).hexdigest():
        write_atomically(path, data)
    manifest.files[SUMMARY] = hashlib.sha256(data).hexdigest()
    return path
