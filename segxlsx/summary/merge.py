"""One summary.xlsx from the manifests of many builds: the shards of a job array, or folders.

Each build (each shard, `build --shard K/N`) keeps in its manifest what the summary shows for
every workbook it wrote: the row, the day its inputs changed, what its last build did with it,
and its place in the input. `summarise` reads them all and writes one summary, in input order,
without opening a workbook, except one edited by hand since, which is read back as a build
would. It is the last step of a job array, once every shard is done.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from ..errors import SegxlsxError, display_path
from ..model import Guide, check_day
from ..sources.guides import load_guides
from ..sources.rates import RateTable, load_rates
from ..store.file_names import SUMMARY, is_workbook_name
from ..store.folder import OutputFolder, made_here, reading
from ..store.ledger import Ledger
from ..store.scratch import scratch_problem
from ..store.signatures import SUMMARY_KIND
from .row import NOT_IN_RUN, SummaryRow
from .sheet import SummaryHeading
from .write import folder_row, most_paid_in, why_kept, write_summary


@dataclass
class MergedSummary:
    """What `summarise` did, for the CLI's report and for tests."""

    path: Path | None  # None: kept, because edited by hand (see notes)
    workbooks: int = 0  # rows in the summary
    notes: list[str] = field(default_factory=list)


def summarise(
    folders: Iterable[str | Path],
    guides: Iterable[str | Path],
    out: str | Path | None = None,
    *,
    rates: str = "offline",
    as_of: date | None = None,
    strict_rates: bool = False,
    report_currency: str | None = None,
    force: bool = False,
    today: date | None = None,
) -> MergedSummary:
    """Write one summary of every workbook the folders' manifests know, to `out`.

    `today` is the summary's date, which its board counts days left from (default: today, on this computer's clock).

    `out` defaults to summary.xlsx in the first folder. It is written as a build writes its own:
    atomically, recorded in that folder's manifest, and a summary edited by hand since is kept
    unless `force`. Links lead from it to each workbook, wherever it sits.
    """
    if today is not None:
        check_day(today, "today")
    folders = list({Path(folder).resolve(): Path(folder) for folder in folders}.values())  # each once
    if not folders:
        raise SegxlsxError("no folders to summarise: name the output folders of the builds")
    for folder in folders:
        if not folder.is_dir():
            raise SegxlsxError("no such folder", file=display_path(folder))
    target = Path(out) if out else folders[0] / SUMMARY
    if target.suffix.lower() != ".xlsx":
        raise SegxlsxError(
            "expected a file ending in .xlsx to write the summary to", file=display_path(target)
        )
    made = made_here(target, but_summaries=True)
    if made:
        raise SegxlsxError(f"this is {made}; write the summary to another file", file=display_path(target))
    guide_map, table = load_guides(guides), load_rates(rates, as_of=as_of, strict=strict_rates, today=today)
    if report_currency:  # a code the rates lack would leave the column empty: say so now
        table.value_in(report_currency, table.base)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        day = today or date.today()
        return _merged(folders, target, guide_map, table, report_currency, force, day)
    except sqlite3.Error as error:
        raise scratch_problem(error) from None


def _merged(
    folders: list[Path],
    target: Path,
    guide_map: Mapping[str, Guide],
    table: RateTable,
    report_currency: str | None,
    force: bool,
    today: date,
) -> MergedSummary:
    with OutputFolder.locked(target.parent) as folder, Ledger() as ledger, ExitStack() as held:
        here = target.parent.resolve()
        for source in folders:  # no build writes to them while they are read
            held.enter_context(reading(source, skip=folder.lock_name if source.resolve() == here else None))
        merged = MergedSummary(None, notes=list(folder.notes))
        for key, row in _rows(folders, target.parent, guide_map, table, merged.notes):
            ledger.add_row(row, key)
        try:
            merged.path, merged.workbooks = _write(
                folder, target.name, ledger, guide_map, table, report_currency, force, merged.notes, today
            )
            folder.save_manifest()
        except OSError as error:
            raise SegxlsxError(
                f"cannot write the summary: {error.strerror or error}", file=display_path(target)
            ) from None
    return merged


def _rows(
    folders: list[Path], here: Path, guides: Mapping[str, Guide], table: RateTable, notes: list[str]
) -> Iterator[tuple[tuple[bool, int, int, str], SummaryRow]]:
    """Each workbook's row with its sort key: input position (unknown last), folder, name.

    A shard's manifest says what its build did; an unsharded folder's summary is its own. A
    workbook two builds' manifests name (unsharded, then sharded) is listed once.
    """
    for number, source in enumerate(folders):
        with OutputFolder.viewed(source) as folder:
            notes.extend(folder.notes)
            for name, entry in folder.workbooks():
                if entry.owner is None or not is_workbook_name(name):
                    continue
                path = source / name
                row = folder_row(path, entry, folder.inspect(name), guides, table, entry.action or NOT_IN_RUN)
                if row is not None:
                    link = Path(os.path.relpath(path, here)).as_posix()
                    key = (entry.position is None, entry.position or 0, number, name)
                    yield key, replace(row, file=link)


def _write(
    folder: OutputFolder,
    name: str,
    ledger: Ledger,
    guides: Mapping[str, Guide],
    table: RateTable,
    report_currency: str | None,
    force: bool,
    notes: list[str],
    today: date,
) -> tuple[Path | None, int]:
    """The summary written into `folder` as a build writes its own, and its number of rows;
    None when kept (see `notes`)."""
    path = folder.path / name
    found = folder.inspect(name, kind=SUMMARY_KIND)
    kept = why_kept(found, path, force)
    if kept:
        notes.append(kept)
        return None, 0
    tally = ledger.tally()
    heading = SummaryHeading(
        tuple(guides),
        table,
        report_currency or most_paid_in(tally.currencies, table, guides.values()),
        0,
        today,
    )
    problem = write_summary(folder, name, found, ledger, heading, tally, [])
    if problem:
        raise SegxlsxError(problem, file=display_path(path))
    return path, tally.rows
