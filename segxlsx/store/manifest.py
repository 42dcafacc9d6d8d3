"""The folder's manifest: every file segxlsx wrote there, its hash, and the offer it belongs to.

`.segxlsx-manifest.json` maps each file segxlsx wrote to its hash and to the offer it belongs to
(the offer file's name and the candidate). A hash tells our own bytes from a hand edit; the owner
keeps a file name with its candidate for good. A workbook's entry also keeps its summary row, the
day its inputs last changed and what its bytes were made from, so a later build can skip it or
list it without opening it. A shard of a job array keeps a manifest of its own.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SegxlsxError
from .scratch import scratch_database

MANIFEST = ".segxlsx-manifest.json"
_SHARD_MANIFEST = re.compile(r"\.segxlsx-manifest\.\d+-of-\d+\.json")


@dataclass(frozen=True)
class Owner:
    """The offer a file belongs to: which offer file, which candidate, and which of same-named ones.

    The offer file is named without its folder, so a moved folder, or a build run from another
    directory, keeps every file name.
    """

    source: str  # the offer file's name
    candidate: str
    occurrence: int = 1  # the second "Ada Park" in the same file is occurrence 2

    @classmethod
    def of(cls, source: str | None, candidate: str, occurrence: int = 1) -> Owner:
        # The same name typed on a Mac and on Windows may differ in composed accents only.
        return cls(Path(source or "").name, unicodedata.normalize("NFC", candidate), occurrence)

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {"source": self.source, "candidate": self.candidate}
        if self.occurrence != 1:
            data["occurrence"] = self.occurrence
        return data


@dataclass(frozen=True)
class Shard:
    """Shard K of N: the offers whose identity hashes to K, built by one run of a job array.

    The hash is of the identity (offer file name, candidate, occurrence), not of the position,
    so an offer stays in its shard when others are added or removed.
    """

    number: int  # 1..count
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
        if not match or not 1 <= int(match[1]) <= int(match[2]):
            raise SegxlsxError(f"--shard {text!r}: write K/N with 1 <= K <= N, e.g. 2/8")
        return cls(int(match[1]), int(match[2]))

    @property
    def tag(self) -> str:
        """How the shard's own files in the folder are told apart: "2-of-8"."""
        return f"{self.number}-of-{self.count}"

    def holds(self, owner: Owner) -> bool:
        key = f"{owner.source}\0{owner.candidate}\0{owner.occurrence}".encode()
        return int.from_bytes(hashlib.sha256(key).digest()[:8], "big") % self.count == self.number - 1


def _shard_manifest(name: str) -> bool:
    return _SHARD_MANIFEST.fullmatch(name) is not None


@dataclass(frozen=True)
class Entry:
    """What the manifest knows of one file: the hash segxlsx wrote it with, and its offer.

    A workbook's entry also keeps what the summary showed for it (`row`), so a later build of
    other offers can still list it without opening it, and when its offer's inputs last
    changed: `inputs` fingerprints them, `changed` is the day a build first saw them so.
    """

    sha256: str | None
    owner: Owner | None = None  # None: the summary, or a file from before owners were kept
    row: dict[str, Any] | None = None  # its summary row, as `summary.row.SummaryRow.as_json` keeps it
    inputs: str | None = None
    changed: str | None = None  # ISO date
    # Everything the workbook's bytes were made from (offer, guide, rates, wording, versions): a
    # build that finds it unchanged, and the file as written, skips the offer without rendering.
    built: str | None = None
    position: int | None = None  # the offer's place in the build's input: merged summaries keep it
    action: str | None = None  # what the last build did with it, for a summary made later

    @classmethod
    def from_json(cls, data: object) -> Entry:
        """An entry as a manifest or journal line keeps it; a ValueError when it is not one."""
        if isinstance(data, str):  # version 1 kept only the hash
            return cls(data)
        if not isinstance(data, dict):
            raise ValueError("not an entry")
        owner = None
        if "candidate" in data:
            owner = Owner(str(data.get("source", "")), str(data["candidate"]), int(data.get("occurrence", 1)))
        sha256 = data.get("sha256")
        row = data.get("row") if isinstance(data.get("row"), dict) else None
        texts = [data.get(key) for key in ("inputs", "changed", "built")]
        inputs, changed, built = (str(text) if text is not None else None for text in texts)
        position = data.get("position")
        action = data.get("action")
        return cls(
            str(sha256) if sha256 is not None else None,
            owner,
            row,
            inputs,
            changed,
            built,
            position if isinstance(position, int) else None,
            action if isinstance(action, str) else None,
        )

    def as_json(self) -> dict[str, object]:
        described = {
            "row": self.row,
            "inputs": self.inputs,
            "changed": self.changed,
            "built": self.built,
            "position": self.position,
            "action": self.action,
        }
        return {
            "sha256": self.sha256,
            **(self.owner.as_json() if self.owner else {}),
            **{key: value for key, value in described.items() if value is not None},
        }


class Manifest:
    """Every file segxlsx wrote in the folder, by file name, kept on disk rather than in memory.

    The manifest file is JSON, one file per line (`as_lines`), as every build since version 2
    wrote it: people read it, diff it, and edit it. While a build runs, its entries live in a
    private SQLite database in SQLite's own temporary file, deleted when it is closed, of which
    only a bounded page cache sits in memory: a folder of 50,000 workbooks has ~25 MB of
    manifest, which as a dict of entries was most of a build's memory. An entry is kept as its
    JSON text, with its owner beside it for the lookups that naming needs.
    """

    def __init__(self) -> None:
        self._db = scratch_database(
            """
            CREATE TABLE entry (name TEXT PRIMARY KEY, source TEXT, candidate TEXT, occurrence INTEGER, json TEXT);
            CREATE INDEX entry_owner ON entry (source, candidate, occurrence);
            CREATE TABLE reading (name TEXT PRIMARY KEY, source TEXT, candidate TEXT, occurrence INTEGER, json TEXT);
            """
        )

    @classmethod
    def read(cls, out: Path, name: str = MANIFEST) -> Manifest:
        """The manifest file `name` in `out`; empty when missing or damaged.

        A damaged manifest protects nothing: every existing file then counts as hand-made.
        """
        manifest = cls()
        manifest.add_file(out / name)
        return manifest

    def add_file(self, path: Path) -> None:
        """Add the entries of the manifest file at `path` over any of the same name; none if it is
        missing or damaged: all or nothing, so it is read into a table of its own first (a scratch
        database keeps no journal to roll back).

        Read a line at a time when it is as `as_lines` writes it; otherwise (an older build's
        `indent=2`, a file edited by hand) as one JSON document, which the next save rewrites.
        """
        for load in (self._load_lines, self._load_document):
            self._db.execute("DELETE FROM reading")
            self._db.execute("BEGIN")  # one transaction: fast, not atomic
            try:
                with open(path, "rb") as handle:
                    load(handle)
            except FileNotFoundError:
                break
            except (OSError, ValueError, KeyError, TypeError, AttributeError, sqlite3.Error):
                continue
            finally:
                self._db.execute("COMMIT")
            self._db.execute("INSERT OR REPLACE INTO entry SELECT * FROM reading")
            break
        self._db.execute("DELETE FROM reading")

    def _load_lines(self, handle: Any) -> None:
        if handle.readline().rstrip(b"\n") != _FIRST_LINE:
            raise ValueError("not a manifest a line per file")
        for line in handle:
            line = line.rstrip(b"\n").removesuffix(b",")
            if line and line != _LAST_LINE:
                self._put_all(json.loads(b"{" + line + b"}").items())

    def _load_document(self, handle: Any) -> None:
        self._put_all(json.loads(handle.read())["files"].items())

    def _put_all(self, files: Iterable[tuple[Any, Any]]) -> None:
        for name, data in files:
            if plain_name(name):
                self._insert("reading", name, Entry.from_json(data))

    @staticmethod
    def names_in(out: Path) -> list[str]:
        """The names of every manifest in a folder, the unsharded one and each shard's, sorted."""
        names = sorted(path.name for path in out.glob(".segxlsx-manifest*.json"))
        return [name for name in names if name == MANIFEST or _shard_manifest(name)]

    def get(self, name: str) -> Entry | None:
        found = self._db.execute("SELECT json FROM entry WHERE name = ?", (name,)).fetchone()
        return Entry.from_json(json.loads(found[0])) if found else None

    def put(self, name: str, entry: Entry) -> None:
        self._insert("entry", name, entry)

    def _insert(self, table: str, name: str, entry: Entry) -> None:
        owner = (
            (entry.owner.source, entry.owner.candidate, entry.owner.occurrence)
            if entry.owner
            else (None,) * 3
        )
        row = (name, *owner, json.dumps(entry.as_json()))
        self._db.execute(
            f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?, ?, ?)", row
        )  # table: ours, never input

    def items(self) -> Iterator[tuple[str, Entry]]:
        """Every entry, by file name (code point order, as Python sorts: SQLite compares UTF-8)."""
        for name, text in self._db.execute("SELECT name, json FROM entry ORDER BY name"):
            yield name, Entry.from_json(json.loads(text))

    def name_of(self, owner: Owner) -> str | None:
        """The file name this manifest gives the offer `owner`, if any."""
        found = self._db.execute(
            "SELECT name FROM entry WHERE source = ? AND candidate = ? AND occurrence = ? AND name LIKE '%.xlsx' "
            "ORDER BY name DESC",
            (owner.source, owner.candidate, owner.occurrence),
        ).fetchone()
        return found[0] if found else None

    def as_lines(self) -> Iterator[bytes]:
        """The manifest as JSON, one file per line, by file name.

        Not `indent=2`: Python's JSON encoder is pure Python with an indent, and for a folder of
        thousands of workbooks it held a few KiB of small strings per entry at once and took
        seconds; one line per file keeps it readable and diffable, and lets it be written and
        read a line at a time.
        """
        yield _FIRST_LINE + b"\n"
        rows = self._db.execute("SELECT name, json FROM entry ORDER BY name")
        for number, (name, text) in enumerate(rows):
            yield (b",\n" if number else b"") + f"{json.dumps(name)}: {text}".encode()
        yield b"\n" + _LAST_LINE + b"\n"

    def close(self) -> None:
        self._db.close()


_FIRST_LINE = b'{"version": 2, "files": {'
_LAST_LINE = b"}}"


def plain_name(name: object) -> bool:
    """A name of a file right inside the folder: what a manifest or journal edited by hand may not escape."""
    return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name and "\0" not in name
