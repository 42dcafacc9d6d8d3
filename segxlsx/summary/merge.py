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
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from ..batch import (
    NOT_IN_RUN,
    SUMMARY,
    SummaryRow,
    edited_by_hand,
    is_workbook_name,
    most_paid_in,
    scratch_problem,
    write_summary,
)
from ..errors import SegxlsxError, display_path
from ..model import Guide
from ..sources.guides import load_guides
from ..sources.rates import RateTable, load_rates
from ..store.folder import Entry, Manifest, OutputFolder, inspect
from ..store.ledger import Ledger


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
) -> MergedSummary:
    """Write one summary of every workbook the folders' manifests know, to `out`.

    `out` defaults to summary.xlsx in the first folder. It is written as a build writes its own:
    atomically, recorded in that folder's manifest, and a summary edited by hand since is kept
    unless `force`. Links lead from it to each workbook, wherever it sits.
    """
    folders = list({Path(folder).resolve(): Path(folder) for folder in folders}.values())  # each once
    if not folders:
        raise SegxlsxError("no folders to summarise: name the output folders of the builds")
    for folder in folders:
        if not folder.is_dir():
            raise SegxlsxError("no such folder", file=display_path(folder))
    target = Path(out) if out else folders[0] / SUMMARY
    guide_map, table = load_guides(guides), load_rates(rates, as_of=as_of, strict=strict_rates)
    if report_currency:  # a code the rates lack would leave the column empty: say so now
        table.value_in(report_currency, table.base)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _merged(folders, target, guide_map, table, report_currency, force)
    except sqlite3.Error as error:
        raise scratch_problem(error) from None


def _merged(
    folders: list[Path],
    target: Path,
    guide_map: Mapping[str, Guide],
    table: RateTable,
    report_currency: str | None,
    force: bool,
) -> MergedSummary:
    with OutputFolder.locked(target.parent) as folder, Ledger() as ledger:
        for key, row in _rows(folders, target.parent, guide_map, table):
            ledger.add_row(row, key)
        merged = MergedSummary(None)
        try:
            merged.path, merged.workbooks = _write(
                folder, target.name, ledger, guide_map, table, report_currency, force, merged.notes
            )
            folder.save_manifest()
        except OSError as error:
            raise SegxlsxError(
                f"cannot write the summary: {error.strerror or error}", file=display_path(target)
            ) from None
    return merged


def _rows(
    folders: list[Path], here: Path, guides: Mapping[str, Guide], table: RateTable
) -> Iterator[tuple[tuple[bool, int, int, str], SummaryRow]]:
    """Each workbook's row with its sort key: input position (unknown last), folder, name."""
    for number, folder in enumerate(folders):
        for manifest_name in Manifest.names_in(folder):
            manifest = Manifest.read(folder, manifest_name)
            for name, entry in manifest.items():
                if entry.owner is None or not is_workbook_name(name):
                    continue
                row = _row(folder / name, manifest, entry, guides, table)
                if row is not None:
                    link = Path(os.path.relpath(folder / name, here)).as_posix()
                    key = (entry.position is None, entry.position or 0, number, name)
                    yield key, replace(row, file=link)
            manifest.close()


def _row(
    path: Path, manifest: Manifest, entry: Entry, guides: Mapping[str, Guide], table: RateTable
) -> SummaryRow | None:
    """What the manifest kept for a workbook; read back if edited since; None if it is gone."""
    found = inspect(path, manifest)
    if found.state == "new":
        return None
    # A shard's manifest says what its build did; an unsharded folder's summary is its own.
    action, changed = entry.action or NOT_IN_RUN, entry.changed or ""
    row = SummaryRow.from_json(entry.row, path.name) if entry.row and found.state != "foreign" else None
    if row is None:
        row = edited_by_hand(path, guides, table).row
    return replace(row, action=action, inputs_changed=changed)


def _write(
    folder: OutputFolder,
    name: str,
    ledger: Ledger,
    guides: Mapping[str, Guide],
    table: RateTable,
    report_currency: str | None,
    force: bool,
    notes: list[str],
) -> tuple[Path | None, int]:
    """The summary written into `folder` as a build writes its own, and its number of rows;
    None when kept (see `notes`)."""
    from .sheet import SummaryHeading

    path = folder.path / name
    found = folder.inspect(name)
    if found.state == "blocked" or (found.state == "foreign" and not force):
        why = (
            found.problem
            or "was edited by hand, or not written by segxlsx; kept it (use --force to replace it)"
        )
        notes.append(f"{display_path(path)}: {why}")
        return None, 0
    tally = ledger.tally()
    heading = SummaryHeading(
        tuple(guides), table, report_currency or most_paid_in(tally.currencies, table), 0
    )
    problem = write_summary(folder, name, found, ledger, heading, tally, [])
    if problem:
        raise SegxlsxError(problem, file=display_path(path))
    return path, tally.rows
