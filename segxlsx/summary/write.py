"""summary.xlsx written into an output folder: as a build writes a workbook, and only when it changed.

The rows come from a build's ledger (`store.ledger`): the build's own, then every other workbook
the folder's records know, as they were kept (`folder_row`). A summary edited by hand, or
something in its way, is left alone and said so (`why_kept`); one made from the same rows,
heading and failures as the one there is not made again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from ..errors import SegxlsxError, display_path
from ..model import Guide
from ..sources.rates import RateTable
from ..store.fingerprints import summary_fingerprint
from ..store.folder import Found, OutputFolder, file_hash, new_file
from ..store.ledger import Ledger, Tally
from ..store.manifest import Entry
from .edited import read_hand_edits
from .row import SummaryRow
from .sheet import SummaryHeading


def why_kept(found: Found, path: Path, force: bool) -> str | None:
    """Why the summary at `path` is to be left as it is, as a note for the user; None when it
    may be written: something in its way, or edited by hand (unless `force`)."""
    if found.state == "blocked":
        return f"{display_path(path)}: {found.problem}"
    if found.state == "foreign" and not force:
        return (
            f"{display_path(path)} was edited by hand, or not written by segxlsx; "
            "kept it (use --force to replace it)"
        )
    return None


def write_summary(
    folder: OutputFolder,
    name: str,
    found: Found,
    ledger: Ledger,
    heading: SummaryHeading,
    tally: Tally,
    failures: Sequence[SegxlsxError],
) -> str | None:
    """Write the ledger's rows as the summary `name` in `folder`, unless the same bytes are there.

    The workbook is streamed to a temporary file (rows from the ledger) and hashed there, never
    held whole. Returns why it could not land, if it could not. A summary made from the same
    rows, heading and failures as the one in the folder (as the manifest has it) is not made
    again: an unchanged rerun of many offers spent a third of its time there.
    """
    from .sheet import render_summary, save_summary

    made_from = summary_fingerprint(
        ledger.rows_digest(), heading.rates, heading.guides, heading.report_currency, failures, heading.today
    )
    known = folder.manifest.get(name)
    if found.state == "ours" and known is not None and known.built == made_from:
        return None
    workbook = render_summary(rows_of(ledger), list(failures), heading, tally)
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


def rows_of(ledger: Ledger) -> LedgerRows:
    """The ledger's rows, in order, read as they are used, afresh each time they are iterated."""
    return LedgerRows(ledger)


class LedgerRows(Iterable[SummaryRow]):
    """A ledger's summary rows: each sheet of the summary reads them in turn, none holds them."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def __iter__(self) -> Iterator[SummaryRow]:
        return self._rows(board=False)

    def in_board_order(self) -> Iterator[SummaryRow]:
        """The rows as the board lists them, sorted by the ledger on each row's `board_key`."""
        return self._rows(board=True)

    def _rows(self, board: bool) -> Iterator[SummaryRow]:
        for data, file, action, changed in self.ledger.rows(board=board):
            row = SummaryRow.from_json(data, file, action, changed)
            assert row is not None  # the ledger keeps only rows that were SummaryRows
            yield row


def folder_row(
    path: Path, entry: Entry, found: Found, guides: Mapping[str, Guide], table: RateTable, action: str
) -> SummaryRow | None:
    """A workbook's row as the folder keeps it, marked with what this run did (`action`).

    One edited by hand since, or one whose row was never kept (a build from before rows were
    kept), is read back from its cells; only the edited one says so, and its inputs changed
    the day the file did. None when the workbook is gone.
    """
    if found.state == "new":
        return None
    if found.state != "foreign":
        row = earlier_row(entry, path, action)
        if row is not None:
            return row
    row = read_hand_edits(path, guides, table).row
    if found.state != "foreign":
        row = replace(row, edits="")
    changed = found.changed_on if found.state == "foreign" else entry.changed
    # Read from its cells, a row knows no rounds: the folder's records do.
    return replace(row, action=action, inputs_changed=changed or "", round=len(entry.rounds) or None)


def earlier_row(entry: Entry | None, path: Path, action: str) -> SummaryRow | None:
    """The row an earlier build kept for a workbook still at `path`, marked with `action`."""
    if entry is None or entry.row is None or not path.is_file():
        return None
    return SummaryRow.from_json(entry.row, path.name, action, entry.changed or "")


def most_paid_in(counts: Counter[str], table: RateTable, guides: Iterable[Guide] = ()) -> str:
    """The currency most offers are paid in; the rates' base when none.

    On a tie, the currency of a guide's reference region (the guides in order), the region its
    targets are stated in; else the one the first of the tied offers is paid in (`counts`
    lists currencies in the order the rows first use them, as `ledger.Tally` counts them).
    """
    if not counts:
        return table.base
    most = max(counts.values())
    tied = [code for code, count in counts.items() if count == most]
    references = (guide.reference_band.currency for guide in guides)
    return next((code for code in references if code in tied), tied[0])
