"""What a build keeps while it runs, on disk rather than in memory: its plan and its summary's rows.

A build of 50,000 offers used to hold every offer, every job and every summary row at once;
this keeps them in a private SQLite database, in SQLite's own temporary file (deleted when it is
closed), of which only a bounded page cache sits in memory. Nothing here needs to survive a
crash: the output folder's manifest and journal are what last (see `folder.py`).

- The plan: for each offer in input order, its identity (offer file, candidate, occurrence), its
  workbook's name, what sat at that name when the build looked, its build fingerprint, and
  whether it can be skipped. Names are handed out over it, so it answers "is this name given?".
- The summary's rows, as the build records them (each with the key that orders it), then
  streamed back in that order when the summary is written.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Protocol

from .folder import Found
from .manifest import Owner
from .scratch import scratch_database

_SCHEMA = """
CREATE TABLE plan (
    number INTEGER PRIMARY KEY, file INTEGER, record INTEGER, source TEXT, candidate TEXT, occurrence INTEGER,
    name TEXT, member INTEGER, state TEXT, sha256 TEXT, problem TEXT, inode INTEGER, size INTEGER,
    mtime INTEGER, inputs TEXT, built TEXT, skip INTEGER
);
CREATE INDEX plan_owner ON plan (source, candidate);
CREATE INDEX plan_candidate ON plan (candidate, source);
CREATE INDEX plan_name ON plan (name);
CREATE TABLE row (
    seq INTEGER PRIMARY KEY, unknown_place INTEGER, place INTEGER, folder INTEGER, name TEXT,
    file TEXT, currency TEXT, action TEXT, changed TEXT, json TEXT, board TEXT
);
CREATE INDEX row_file ON row (file);
CREATE INDEX row_order ON row (unknown_place, place, folder, name, seq);  -- read in order, never sorted in memory
CREATE INDEX row_board ON row (board, unknown_place, place, folder, name, seq);
"""


@dataclass(frozen=True)
class Step:
    """One offer's place in the plan."""

    number: int  # its place among the offers that loaded, from 0
    file: int  # which offer file it is in: its place among the build's offer files, from 0
    record: int  # its place in its file, among offers and failures, from 0 (`offers.open_offer_file`)
    owner: Owner
    name: str  # its workbook's file name
    member: bool  # in this build's shard (always, unsharded)
    found: Found  # what sat at the workbook's place when the build looked
    inputs: str  # its fields' fingerprint (`batch.offer_fingerprint`)
    built: str  # its build fingerprint
    skip: bool  # inputs and file as the manifest recorded them: not rendered


class Row(Protocol):
    """What the ledger keeps of a summary row (`summary.row.SummaryRow`): its form in the
    folder's records, and beside it what it is sorted, counted and looked up by."""

    file: str
    currency: str
    action: str
    inputs_changed: str

    @property
    def board_key(self) -> str: ...  # where the board lists it (`summary.board.board_key`)

    def as_json(self) -> dict[str, object]: ...

    def amounts(self) -> Mapping[str, Decimal]: ...

    def text_widths(self) -> Mapping[str, float]: ...


@dataclass(frozen=True)
class Tally:
    """What the summary's title block counts, known before its rows go out."""

    rows: int
    actions: dict[str, int]  # by the order each first appears in the rows
    currencies: Counter[str]  # likewise: the first is the first row's
    # The sizes of what the rows show, so that columns are as wide as their widest cell.
    measures: Measures = field(default_factory=lambda: Measures())

    @classmethod
    def of(cls, rows: Iterable[Any]) -> Tally:
        """The tally of rows in hand (each with an `action`, a `currency`, `amounts()` and
        `text_widths()`), as `Ledger.tally` counts them."""
        actions: Counter[str] = Counter()
        currencies: Counter[str] = Counter()
        measures = Measures()
        for row in rows:
            actions[row.action] += 1
            if row.currency:
                currencies[row.currency] += 1
            measures.add(row)
        return cls(actions.total(), dict(actions), currencies, measures)


@dataclass
class Measures:
    """The smallest and largest of each amount the rows show, by currency and name, and the
    widest of each text: a streamed sheet sets its columns' widths before its rows go out."""

    amounts: dict[tuple[str, str], tuple[Decimal, Decimal]] = field(default_factory=dict)
    widest: dict[str, float] = field(default_factory=dict)

    def add(self, row: Row) -> None:
        for name, amount in row.amounts().items():
            key = (row.currency, name)
            low, high = self.amounts.get(key, (amount, amount))
            self.amounts[key] = (min(low, amount), max(high, amount))
        for name, width in row.text_widths().items():
            self.widest[name] = max(self.widest.get(name, 0.0), width)


class Ledger:
    """A build's plan and summary rows (see the module's docstring)."""

    def __init__(self) -> None:
        self._db = scratch_database(_SCHEMA)
        self._measures = Measures()  # of the rows added: a few numbers, whatever their count
        self._db.execute("BEGIN")  # one transaction for the whole build: nothing here is shared

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the plan ---------------------------------------------------------------------------

    def occurrence(self, source: str, candidate: str) -> int:
        """Which of the same-named candidates in one offer file the next one is: 1, 2, …"""
        query = "SELECT count(*) FROM plan WHERE source = ? AND candidate = ?"
        return self._db.execute(query, (source, candidate)).fetchone()[0] + 1

    def elsewhere(self, source: str, candidate: str) -> tuple[str, str] | None:
        """Another offer file planned before with the same candidate, and its workbook's name."""
        query = "SELECT source, name FROM plan WHERE candidate = ? AND source != ? ORDER BY number LIMIT 1"
        return self._db.execute(query, (candidate, source)).fetchone()

    def is_given(self, name: str) -> bool:
        return self._db.execute("SELECT 1 FROM plan WHERE name = ?", (name,)).fetchone() is not None

    def plan(self, step: Step) -> None:
        owner, found = step.owner, step.found
        stamp = found.stamp or (None, None, None)
        self._db.execute(
            "INSERT INTO plan VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (step.number, step.file, step.record, owner.source, owner.candidate, owner.occurrence, step.name,
             step.member, found.state, found.sha256, found.problem, *stamp, step.inputs, step.built,
             step.skip),
        )  # fmt: skip

    def unplan(self, first: int) -> None:
        """Take back the steps numbered `first` and after: an offer file planned from its record
        is planned whole or not at all (a scratch database keeps no journal to roll back)."""
        self._db.execute("DELETE FROM plan WHERE number >= ?", (first,))

    def steps(self) -> Iterator[Step]:
        """The plan, in input order, read as it is used (the build adds rows meanwhile, not steps)."""
        query = "SELECT * FROM plan ORDER BY number"
        for (
            number,
            file,
            record,
            source,
            candidate,
            occurrence,
            name,
            member,
            *found,
            inputs,
            built,
            skip,
        ) in self._db.execute(query):
            yield Step(number, file, record, Owner(source, candidate, occurrence), name, bool(member),
                       _found(*found), inputs, built, bool(skip))  # fmt: skip

    # -- the summary's rows -------------------------------------------------------------------

    def add_row(self, row: Row, key: tuple[bool, int, int, str] | None = None) -> None:
        """A summary row; rows come back in the order of `key` (unknown place last, place,
        folder, name), or as they were added when it is None."""
        unknown, place, folder, name = key or (False, 0, 0, "")
        self._db.execute(
            "INSERT INTO row VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (unknown, place, folder, name, row.file, row.currency, row.action, row.inputs_changed,
             json.dumps(row.as_json()), row.board_key),
        )  # fmt: skip
        self._measures.add(row)

    def is_listed(self, file: str) -> bool:
        return self._db.execute("SELECT 1 FROM row WHERE file = ?", (file,)).fetchone() is not None

    def tally(self) -> Tally:
        query = f"SELECT action, currency FROM row ORDER BY {_ROW_ORDER}"
        counted = Tally.of(_Counted(action, currency) for action, currency in self._db.execute(query))
        return replace(counted, measures=self._measures)

    def rows(self, board: bool = False) -> Iterator[tuple[dict[str, Any], str, str, str]]:
        """The rows in order, each as (its JSON form, file, action, changed), read as they are
        used; `board`: in the board's order (by each row's board key, then in order)."""
        query = (
            f"SELECT json, file, action, changed FROM row ORDER BY {'board, ' if board else ''}{_ROW_ORDER}"
        )
        for data, file, action, changed in self._db.execute(query):
            yield json.loads(data), file, action, changed

    def rows_digest(self) -> str:
        """A hash of the rows as kept, in order: equal exactly when `rows` would give the same."""
        digest = hashlib.sha256()
        query = f"SELECT json, file, action, changed FROM row ORDER BY {_ROW_ORDER}"
        for fields in self._db.execute(query):
            digest.update(json.dumps(fields).encode() + b"\n")
        return digest.hexdigest()


@dataclass(frozen=True)
class _Counted:
    action: str
    currency: str

    def amounts(self) -> dict[str, Decimal]:
        return {}

    def text_widths(self) -> dict[str, float]:
        return {}


_ROW_ORDER = "unknown_place, place, folder, name, seq"


def _found(state: str, sha256: str | None, problem: str | None, *stamp: int | None) -> Found:
    return Found(state, sha256, problem, None if stamp[0] is None else tuple(stamp))  # type: ignore[arg-type]
