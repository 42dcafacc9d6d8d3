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
import os
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SegxlsxError
from ..history import Round, is_day, is_digest, is_whole, rounds_from_json
from .file_names import is_workbook_name
from .records import open_record, record_problem
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
    # Kept as edited by hand with inputs that differed from its offer file: when they match it
    # again (the offer file caught up), the next build takes the workbook back.
    differs: bool = False
    # Every set of inputs its offer has had, in order, each with the day first seen (`history`).
    rounds: tuple[Round, ...] = ()

    @classmethod
    def from_json(cls, data: object) -> Entry:
        """An entry as a manifest or journal line keeps it, each field checked (anyone may edit
        the file); a ValueError naming the field when it is not one."""
        if isinstance(data, str):  # version 1 kept only the hash
            return cls(_checked("sha256", data, _is_hash))
        if not isinstance(data, dict):
            raise ValueError("not an entry (a mapping of fields)")
        owner = None
        if "candidate" in data:
            owner = Owner(
                _checked("source", data.get("source", ""), _is_text),
                _checked("candidate", data["candidate"], _is_text),
                _checked("occurrence", data.get("occurrence", 1), _is_occurrence),
            )
        return cls(
            _checked("sha256", data.get("sha256"), _is_hash),
            owner,
            _checked("row", data.get("row"), lambda row: isinstance(row, dict)),
            _checked("inputs", data.get("inputs"), _is_digest),
            _checked("changed", data.get("changed"), is_day),
            _checked("built", data.get("built"), _is_digest),
            _checked("position", data.get("position"), _is_position),
            _checked("action", data.get("action"), lambda action: _is_text(action) and len(action) <= 40),
            _checked("differs", data.get("differs", False), lambda flag: isinstance(flag, bool)),
            rounds_from_json(data.get("rounds", [])),
        )

    def as_json(self) -> dict[str, object]:
        described = {
            "row": self.row,
            "inputs": self.inputs,
            "changed": self.changed,
            "built": self.built,
            "position": self.position,
            "action": self.action,
            "differs": self.differs or None,
            "rounds": [one.as_json() for one in self.rounds] or None,
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
        self.damage: list[str] = []  # what was wrong with the files read (`add_file`)
        self._recent: dict[str, Entry | None] = {}  # the last entries read or put (`get`)
        self._loaded: dict[str, Entry] = {}  # the first entries of the file being read, decoded
        # Once a build plans its offers, only the offer files it read are kept (`offer_file`).
        self._used_offer_files_only = False
        self._db = scratch_database(
            """
            CREATE TABLE entry (name TEXT PRIMARY KEY, source TEXT, candidate TEXT, occurrence INTEGER, json TEXT);
            CREATE INDEX entry_owner ON entry (source, candidate, occurrence);
            CREATE TABLE reading (name TEXT PRIMARY KEY, source TEXT, candidate TEXT, occurrence INTEGER, json TEXT);
            CREATE TABLE offer_file (key TEXT, part INTEGER, json TEXT, used INTEGER, PRIMARY KEY (key, part));
            CREATE TABLE reading_offer_file (key TEXT, part INTEGER, json TEXT, used INTEGER, PRIMARY KEY (key, part));
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
        """Add the entries of the manifest file at `path` over any of the same name.

        The file is anyone's to edit or break, so it is read as untrusted input: a regular file
        only (a FIFO would hang the build, /dev/zero never end), bounded in size and line
        length, each entry checked field by field. An entry that is not one is left out and a
        file that is no manifest gives none; either way `damage` says what was wrong, and the
        folder recovers its workbooks from their signatures (`store.signatures`).

        Read a line at a time when it is as `as_lines` writes it; otherwise (an older build's
        `indent=2`, a file edited by hand) as one JSON document, which the next save rewrites.
        Entries go to a table of their own first, so a file that turns out to be no manifest
        adds nothing (a scratch database keeps no journal to roll back).
        """
        try:
            handle = open_record(path, MAX_MANIFEST_BYTES)
        except FileNotFoundError:
            return
        except (OSError, ValueError) as error:
            self.damage.append(f"{path.name}: {record_problem(error)}")
            return
        with handle:
            if os.fstat(handle.fileno()).st_size == 0:
                problems = ["empty"]
            else:
                problems = self._load(handle, self._load_lines)
            if problems:  # edited by hand across lines, perhaps: as one document it may be whole
                as_document = self._load(handle, self._load_document)
                if not as_document or not as_document[0].startswith(_NOT_A_MANIFEST):
                    problems = as_document
        self.damage.extend(f"{path.name}: {problem}" for problem in problems)

    def _load(self, handle: Any, load: Callable[[Any], list[str]]) -> list[str]:
        """Read the entries of the file open in `handle` with `load`, into the manifest unless the
        file is no manifest in that form; what was wrong (nothing: all was right)."""
        handle.seek(0)
        self._db.execute("DELETE FROM reading")
        self._db.execute("DELETE FROM reading_offer_file")
        self._loaded = {}
        self._db.execute("BEGIN")  # one transaction: fast, not atomic
        try:
            problems = load(handle)
        except (OSError, ValueError, KeyError, TypeError, sqlite3.Error) as error:
            return [f"{_NOT_A_MANIFEST} ({record_problem(error)})"]
        finally:
            self._db.execute("COMMIT")
        self._db.execute("INSERT OR REPLACE INTO entry SELECT * FROM reading")
        self._db.execute("INSERT OR REPLACE INTO offer_file SELECT * FROM reading_offer_file")
        # Each entry was decoded to be checked: the first are kept so, and a build's first asks
        # of them (a rerun's, of every entry) decode none again.
        self._recent = self._loaded
        self._loaded = {}
        self._db.execute("DELETE FROM reading")
        self._db.execute("DELETE FROM reading_offer_file")
        return problems

    def _load_lines(self, handle: Any) -> list[str]:
        first = handle.readline(len(_FIRST_LINE) + 1).rstrip(b"\n")
        if first not in _FIRST_LINES:
            raise ValueError("its first line is not a manifest's")
        checked = first != _FIRST_LINE_2
        problems = []
        ended = False
        put: Callable[[Any, Any], None] = lambda name, data: self._put_all([(name, data)], checked)  # noqa: E731
        files = True  # the files' entries, until the offer files' records
        for number, line in enumerate(_lines(handle), start=2):
            line = line.rstrip(b"\n").removesuffix(b",")
            if line == _LAST_LINE:
                ended = True
            elif line == _OFFER_FILES_LINE and first == _FIRST_LINE:  # the offer files' records follow
                put, files = self._put_offer_file_part, False
            elif line:
                try:
                    written = _written(line) if checked and files else None
                    if written is not None and _check(written[0], written[1]) == written[2]:
                        self._put_entry(*written[:2])
                        continue
                    for name, data in json.loads(b"{" + line + b"}").items():
                        put(name, data)
                except (ValueError, TypeError, AttributeError) as error:
                    problems.append(f"line {number}: {record_problem(error)}")
        if not ended:
            problems.append("it ends before its last line (cut short)")
        return problems

    def _load_document(self, handle: Any) -> list[str]:
        if os.fstat(handle.fileno()).st_size > MAX_DOCUMENT_BYTES:
            raise ValueError("too large for a manifest in one piece")
        document = json.loads(handle.read())
        files = document["files"]
        if not isinstance(files, dict):
            raise ValueError("its files are not a mapping")
        checked = document.get("version") not in (None, 1, 2)  # before 3, no entry had a check
        problems = []
        for name, data in files.items():
            try:
                self._put_all([(name, data)], checked)
            except (ValueError, TypeError, AttributeError) as error:
                problems.append(f"{_shown(name)}: {record_problem(error)}")
        offer_files = document.get("offer_files", {})
        if not isinstance(offer_files, dict):
            return [*problems, "its offer files are not a mapping"]
        for name, data in offer_files.items():
            try:
                self._put_offer_file_part(name, data)
            except (ValueError, TypeError, AttributeError) as error:
                problems.append(f"{_shown(name)}: {record_problem(error)}")
        return problems

    def _put_entry(self, name: str, text: str) -> None:
        """An entry whose line is as `as_lines` wrote it, its check of its very text right: each
        field is checked all the same, but its JSON is kept as it is, not encoded again to be
        compared (a third of reading a manifest)."""
        entry = self._checked_entry(name, json.loads(text))
        self._insert("reading", name, entry, text)
        if len(self._loaded) < _RECENT:
            self._loaded[name] = entry

    def _checked_entry(self, name: Any, data: Any) -> Entry:
        if not plain_name(name) or not name.endswith((".xlsx", ".md")):  # workbooks, talking points
            raise ValueError(f"{_shown(name)} is not the name of a file segxlsx writes")
        entry = Entry.from_json(data)
        if entry.owner is not None and not is_workbook_name(name):  # no slug() makes it
            raise ValueError(f"{_shown(name)} is not the name of a workbook segxlsx writes")
        return entry

    def _put_all(self, files: Iterable[tuple[Any, Any]], checked: bool) -> None:
        """Entries into the reading table; each must carry its check when the manifest's version
        keeps them, so a changed byte anywhere in an entry (its name, its candidate) is caught."""
        for name, data in files:
            check = data.pop("check", None) if isinstance(data, dict) else None
            entry = self._checked_entry(name, data)
            if checked and check != _check(name, json.dumps(entry.as_json())):
                raise ValueError(
                    f"the entry of {_shown(name)} is not as segxlsx wrote it (its check differs)"
                )
            self._insert("reading", name, entry)
            if len(self._loaded) < _RECENT:
                self._loaded[name] = entry

    def _put_offer_file_part(self, name: str, data: Any) -> None:
        """A part of an offer file's record into the reading table, checked as an entry is."""
        match = _OFFER_FILE_PART.fullmatch(name) if isinstance(name, str) else None
        if match is None:
            raise ValueError(f"{_shown(name)} is not the name of an offer file's record")
        check = data.pop("check", None) if isinstance(data, dict) else None
        part = _offer_file_part(data)
        text = json.dumps(part)
        if check != _check(name, text):
            raise ValueError(f"the record {_shown(name)} is not as segxlsx wrote it (its check differs)")
        self._db.execute(
            "INSERT OR REPLACE INTO reading_offer_file VALUES (?, ?, ?, 0)", (match[1], int(match[2]), text)
        )

    @staticmethod
    def names_in(out: Path) -> list[str]:
        """The names of every manifest in a folder, the unsharded one and each shard's, sorted."""
        names = sorted(path.name for path in out.glob(".segxlsx-manifest*.json"))
        return [name for name in names if name == MANIFEST or _shard_manifest(name)]

    def get(self, name: str) -> Entry | None:
        # A build asks for one file's entry several times as it plans, lands and summarises it
        # (~8 times an offer): the last few entries read are kept, decoded.
        if name in self._recent:
            return self._recent[name]
        found = self._db.execute("SELECT json FROM entry WHERE name = ?", (name,)).fetchone()
        entry = Entry.from_json(json.loads(found[0])) if found else None
        self._remember(name, entry)
        return entry

    def _remember(self, name: str, entry: Entry | None) -> None:
        if len(self._recent) >= _RECENT:
            del self._recent[next(iter(self._recent))]  # the oldest: dicts keep their order
        self._recent[name] = entry

    def put(self, name: str, entry: Entry) -> None:
        if name in self._recent and self._recent[name] == entry:
            return  # a rerun's unchanged offer: its entry, bound and described, as it was
        self._insert("entry", name, entry)
        self._recent.pop(name, None)  # read again as written, through JSON, as any other

    def _insert(self, table: str, name: str, entry: Entry, text: str | None = None) -> None:
        """`entry` into `table`, as its JSON `text` when it is in hand (`_put_entry`)."""
        owner = (
            (entry.owner.source, entry.owner.candidate, entry.owner.occurrence)
            if entry.owner
            else (None,) * 3
        )
        row = (name, *owner, json.dumps(entry.as_json()) if text is None else text)
        self._db.execute(
            f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?, ?, ?)", row
        )  # table: ours, never input

    # -- offer files as a build read them --------------------------------------------------------

    def offer_file(self, key: str) -> Iterator[tuple[str, str, str]] | None:
        """The offers a build read from an offer file (`key`: its bytes and everything they were
        read with, `store.fingerprints.offer_file_key`), each as (candidate, its fields'
        fingerprint, its guide), in the file's order; None when none is kept. Iterating it
        raises LookupError where a part is missing (a damaged line left out)."""
        first = self._offer_file_part(key, 0)
        return None if first is None else self._offer_file_offers(key, first)

    def _offer_file_offers(self, key: str, part: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
        number = 0
        while True:
            yield from (tuple(offer) for offer in part["offers"])  # type: ignore[misc]
            if part.get("last"):
                return
            number += 1
            found = self._offer_file_part(key, number)
            if found is None:
                raise LookupError(f"part {number} of the record of offer file {key} is missing")
            part = found

    def _offer_file_part(self, key: str, number: int) -> dict[str, Any] | None:
        where = (key, number)
        found = self._db.execute("SELECT json FROM offer_file WHERE key = ? AND part = ?", where).fetchone()
        if found is None:
            return None
        self._db.execute("UPDATE offer_file SET used = 1 WHERE key = ? AND part = ?", where)
        return json.loads(found[0])

    def record_offer_file(self, key: str) -> OfferFileRecord:
        """Keep the offers of an offer file as a build reads them, for the next build."""
        self._db.execute("DELETE FROM offer_file WHERE key = ?", (key,))
        return OfferFileRecord(self, key)

    def _put_offer_file(self, key: str, number: int, part: dict[str, Any]) -> None:
        row = (key, number, json.dumps(part))
        self._db.execute("INSERT OR REPLACE INTO offer_file VALUES (?, ?, ?, 1)", row)

    def forget_offer_file(self, key: str) -> None:
        self._db.execute("DELETE FROM offer_file WHERE key = ?", (key,))

    def keep_used_offer_files_only(self) -> None:
        """From now on, save only the offer files looked up or recorded: a build that reads its
        offers keeps the records of its own files, not of files long gone."""
        self._used_offer_files_only = True

    def names(self) -> Iterator[str]:
        """Every entry's file name, in `items`' order, none of them decoded."""
        for (name,) in self._db.execute("SELECT name FROM entry ORDER BY name"):
            yield name

    def items(self) -> Iterator[tuple[str, Entry]]:
        """Every entry, by file name (code point order, as Python sorts: SQLite compares UTF-8)."""
        for name, text in self._db.execute("SELECT name, json FROM entry ORDER BY name"):
            entry = self._recent.get(name)
            yield name, Entry.from_json(json.loads(text)) if entry is None else entry

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
            checked = f'{text[:-1]}, "check": "{_check(name, text)}"}}'
            yield (b",\n" if number else b"") + f"{json.dumps(name)}: {checked}".encode()
        yield b"\n" + _OFFER_FILES_LINE + b"\n"
        parts = self._db.execute(
            "SELECT key, part, json FROM offer_file WHERE used OR ? ORDER BY key, part",
            (not self._used_offer_files_only,),
        )
        for number, (key, part, text) in enumerate(parts):
            name = f"{key}/{part}"
            checked = f'{text[:-1]}, "check": "{_check(name, text)}"}}'
            yield (b",\n" if number else b"") + f"{json.dumps(name)}: {checked}".encode()
        yield b"\n" + _LAST_LINE + b"\n"

    def close(self) -> None:
        self._db.close()


# Entries a manifest keeps decoded (a few KiB each): a rerun of up to this many offers decodes
# each once, when the file is read, not at each of the ~5 steps that ask for it; a folder of
# 50,000 workbooks is not held decoded.
_RECENT = 1024
_NOT_A_MANIFEST = "not a manifest segxlsx wrote"
# Version 3 gives each entry a check of its contents and name: a flipped byte anywhere in it is
# caught, and the file is taken back by its signature instead of trusted wrongly. Version 4
# entries may keep their offer's rounds; version 5 adds, after the files, the records of the
# offer files a build read (`offer_file`: "KEY/PART" lines in "offer_files"); versions 2-4 are
# read as ever (no records yet).
_FIRST_LINE = b'{"version": 5, "files": {'
_FIRST_LINE_2 = b'{"version": 2, "files": {'
_FIRST_LINES = (_FIRST_LINE, b'{"version": 4, "files": {', b'{"version": 3, "files": {', _FIRST_LINE_2)
_OFFER_FILES_LINE = b'}, "offer_files": {'
# A part of an offer file's record: its key, and the part's number.
_OFFER_FILE_PART = re.compile(r"([0-9a-f]{64})/(0|[1-9][0-9]{0,8})")
_PART_BYTES = 256 << 10  # a part of an offer file's record is one line, well under MAX_LINE_BYTES
_LAST_LINE = b"}}"


MAX_MANIFEST_BYTES = 1 << 31  # ~4 million workbooks' entries
MAX_DOCUMENT_BYTES = 64 << 20  # a manifest edited into one JSON document is read whole
MAX_LINE_BYTES = 1 << 20  # one entry: its summary row is a few hundred bytes


def _lines(handle: Any) -> Iterator[bytes]:
    """The file's lines, none longer than an entry can be (a ValueError if one is)."""
    while line := handle.readline(MAX_LINE_BYTES + 1):
        if len(line) > MAX_LINE_BYTES:
            raise ValueError(f"a line longer than {MAX_LINE_BYTES:,} bytes")
        yield line


_CHECK_TAIL = len(', "check": "0123456789abcdef"}')
_NAME = json.JSONDecoder()


def _written(line: bytes) -> tuple[str, str, str] | None:
    """A manifest line as `as_lines` writes an entry, `"NAME": {…, "check": "CHECK"}`, taken
    apart: (NAME, the entry's JSON, CHECK); None when it is not in that form."""
    tail = line[-_CHECK_TAIL:]
    if len(line) <= _CHECK_TAIL or not (tail.startswith(b', "check": "') and tail.endswith(b'"}')):
        return None
    try:
        text = line[:-_CHECK_TAIL].decode()
        name, end = _NAME.raw_decode(text)
    except ValueError:  # not UTF-8 (UnicodeDecodeError), no name first
        return None
    if not isinstance(name, str) or text[end : end + 3] != ": {":
        return None
    return name, text[end + 2 :] + "}", tail[12:-2].decode("ascii", "replace")


def _check(name: str, text: str) -> str:
    """An entry's check: its file name and its JSON (as `Entry.as_json` gives it), hashed."""
    return hashlib.sha256(f"{name}\0{text}".encode()).hexdigest()[:16]


# -- what an entry's fields may hold -------------------------------------------------------------

MAX_OCCURRENCE = 1_000_000  # the millionth same-named candidate of one offer file
MAX_TEXT = 4_096  # a candidate's name or an offer file's, as the manifest keeps it


def _checked(field: str, value: Any, valid: Callable[[Any], bool]) -> Any:
    if value is None or valid(value):
        return value
    raise ValueError(f"{field} {_shown(value)} is not what segxlsx writes there")


def _shown(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, float) else repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= MAX_TEXT and "\0" not in value


def _is_hash(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value) is not None


def _is_digest(value: Any) -> bool:
    return is_digest(value, longest=128)


def _is_occurrence(value: Any) -> bool:
    return is_whole(value, 1, MAX_OCCURRENCE)


def _is_position(value: Any) -> bool:
    return is_whole(value, 0, 2**53)


class OfferFileRecord:
    """The offers of one offer file, kept part by part as a build reads them (`Manifest.record_offer_file`).

    A file of 50,000 offers is never held whole: each part is one line of the manifest, of up
    to `_PART_BYTES`, and only the last says it is the last (so a record cut short is no record).
    """

    def __init__(self, manifest: Manifest, key: str) -> None:
        self._manifest = manifest
        self.key = key
        self._offers: list[list[str]] = []
        self._bytes = 0
        self._parts = 0

    def add(self, candidate: str, inputs: str, guide: str) -> None:
        self._offers.append([candidate, inputs, guide])
        self._bytes += len(candidate) + len(inputs) + len(guide) + 16  # as JSON, about (ASCII)
        if self._bytes >= _PART_BYTES // 8:  # JSON escapes at most ~6 bytes a character
            self._put(last=False)

    def finish(self) -> None:
        self._put(last=True)

    def _put(self, last: bool) -> None:
        part: dict[str, Any] = {"offers": self._offers}
        if last:
            part["last"] = True
        self._manifest._put_offer_file(self.key, self._parts, part)
        self._parts += 1
        self._offers, self._bytes = [], 0


MAX_RECORD_OFFERS = 100_000  # offers in one part of an offer file's record


def _offer_file_part(data: Any) -> dict[str, Any]:
    """A part of an offer file's record as the manifest keeps it, each field checked."""
    if not isinstance(data, dict) or set(data) - {"offers", "last"}:
        raise ValueError("not a part of an offer file's record")
    offers = data.get("offers")
    if not isinstance(offers, list) or len(offers) > MAX_RECORD_OFFERS:
        raise ValueError("its offers are not a list of offers")
    for offer in offers:
        if not (isinstance(offer, list) and len(offer) == 3):
            raise ValueError("an offer in it is not (candidate, fingerprint, guide)")
        _checked("candidate", offer[0], _is_text)
        _checked("inputs", offer[1], _is_digest)
        _checked("guide", offer[2], _is_text)
        if None in offer:
            raise ValueError("an offer in it lacks a field")
    if data.get("last", True) is not True:
        raise ValueError("its last is not what segxlsx writes there")
    part: dict[str, Any] = {"offers": offers}
    if data.get("last"):
        part["last"] = True
    return part


def plain_name(name: object) -> bool:
    """A name of a file right inside the folder: what a manifest or journal edited by hand may not escape."""
    return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name and "\0" not in name
