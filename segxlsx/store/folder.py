"""The output folder: what segxlsx wrote there and for whom, one build at a time, no half files.

Each rule is there because a build can be stopped at any instant (Ctrl-C, SIGTERM, SIGKILL, a
full disk) and the next build must carry on as if nothing happened:

- Manifest: `.segxlsx-manifest.json` maps each file segxlsx wrote to its hash and to the offer it
  belongs to (the offer file's name and the candidate). A hash tells our own bytes from a hand
  edit; the owner keeps a file name with its candidate for good.
- Journal: before a finished file is renamed into place, one line naming it, its hash and its
  owner is appended to `.segxlsx-journal.jsonl` and fsynced. A build that dies leaves a manifest
  and a journal that together know every file it landed; the next build folds the journal into
  the manifest. (On this project's machine an append costs ~0.15 ms on an idle disk and
  ~1.3 ms while the workers fsync their own files, in this process while they render; rewriting
  the manifest atomically for each file cost 1.1-1.8 ms on an idle disk, growing with the folder.)
- Temporary files carry the build's own run id (`.<name>.<pid>-<token>.tmp`): a build removes
  only its own, except under the lock, where any other is provably a dead build's.
- Lock: `.segxlsx.lock`, held with `flock` for the whole build. A second build into the same
  folder stops at once with a clear message rather than waiting: a script that runs builds in
  parallel is told, not silently serialised. Worker processes inherit the lock, so a folder is
  not free again until the last of them has gone.
- A workbook open in LibreOffice (`.~lock.<name>#`) or Excel (`~$<name>`) is never replaced.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import secrets
import sqlite3
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import SegxlsxError, display_path
from .scratch import scratch_database

MANIFEST = ".segxlsx-manifest.json"
JOURNAL = ".segxlsx-journal.jsonl"
LOCK = ".segxlsx.lock"
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
    row: dict[str, Any] | None = None  # batch.SummaryRow as JSON
    inputs: str | None = None
    changed: str | None = None  # ISO date
    # Everything the workbook's bytes were made from (offer, guide, rates, wording, versions): a
    # build that finds it unchanged, and the file as written, skips the offer without rendering.
    built: str | None = None
    position: int | None = None  # the offer's place in the build's input: merged summaries keep it
    action: str | None = None  # what the last build did with it, for a summary made later


def _entry_from_json(data: object) -> Entry:
    if isinstance(data, str):  # version 1 kept only the hash
        return Entry(data)
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
    return Entry(
        str(sha256) if sha256 is not None else None,
        owner,
        row,
        inputs,
        changed,
        built,
        position if isinstance(position, int) else None,
        action if isinstance(action, str) else None,
    )


def _entry_as_json(entry: Entry) -> dict[str, object]:
    described = {
        "row": entry.row,
        "inputs": entry.inputs,
        "changed": entry.changed,
        "built": entry.built,
        "position": entry.position,
        "action": entry.action,
    }
    return {
        "sha256": entry.sha256,
        **(entry.owner.as_json() if entry.owner else {}),
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
            if _plain_name(name):
                self._insert("reading", name, _entry_from_json(data))

    @staticmethod
    def names_in(out: Path) -> list[str]:
        """The names of every manifest in a folder, the unsharded one and each shard's, sorted."""
        names = sorted(path.name for path in out.glob(".segxlsx-manifest*.json"))
        return [name for name in names if name == MANIFEST or _shard_manifest(name)]

    def get(self, name: str) -> Entry | None:
        found = self._db.execute("SELECT json FROM entry WHERE name = ?", (name,)).fetchone()
        return _entry_from_json(json.loads(found[0])) if found else None

    def put(self, name: str, entry: Entry) -> None:
        self._insert("entry", name, entry)

    def _insert(self, table: str, name: str, entry: Entry) -> None:
        owner = (
            (entry.owner.source, entry.owner.candidate, entry.owner.occurrence)
            if entry.owner
            else (None,) * 3
        )
        row = (name, *owner, json.dumps(_entry_as_json(entry)))
        self._db.execute(
            f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?, ?, ?)", row
        )  # table: ours, never input

    def items(self) -> Iterator[tuple[str, Entry]]:
        """Every entry, by file name (code point order, as Python sorts: SQLite compares UTF-8)."""
        for name, text in self._db.execute("SELECT name, json FROM entry ORDER BY name"):
            yield name, _entry_from_json(json.loads(text))

    def name_of(self, owner: Owner) -> str | None:
        """The file name this manifest gives the offer `owner`, if any."""
        found = self._db.execute(
            "SELECT name FROM entry WHERE source = ? AND candidate = ? AND occurrence = ? ORDER BY name DESC",
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


# -- what is at a workbook's place --------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """What sits where a file should go, as far as a build cares."""

    state: str  # new (nothing), ours (bytes as we wrote them), foreign (edited, or never ours), blocked
    sha256: str | None = None  # of the file there now
    problem: str | None = None  # blocked: why the file cannot be written
    stamp: tuple[int, int, int] | None = None  # inode, size, mtime: tells if it changed since


def open_elsewhere(path: Path) -> Path | None:
    """The lock file LibreOffice or Excel keeps beside a workbook it has open, if any."""
    for lock in (path.with_name(f".~lock.{path.name}#"), path.with_name(f"~${path.name}")):
        if os.path.lexists(lock):
            return lock
    return None


def inspect(path: Path, manifest: Manifest) -> Found:
    """Whether a file may be written at `path`, and if something is there, whose it is.

    Never follows a symbolic link and never opens anything but a regular file, so a FIFO
    cannot hang the build and a link cannot lead a write outside the folder.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return Found("new")
    except OSError as error:
        return Found("blocked", problem=f"cannot look at {path.name}: {error.strerror or error}")
    if not stat.S_ISREG(info.st_mode):
        return Found(
            "blocked",
            problem=f"{_what_is(info.st_mode)} named {path.name} is in the way; move it or choose another --out",
        )
    lock = open_elsewhere(path)
    if lock is not None:
        return Found(
            "blocked",
            problem=f"{path.name} is open in LibreOffice or Excel ({lock.name}); kept it, close it and build again",
        )
    try:
        digest = file_hash(path)
    except OSError as error:
        return Found(
            "blocked",
            problem=f"cannot read {path.name} to check it was not edited by hand: {error.strerror or error}",
        )
    entry = manifest.get(path.name)
    state = "ours" if entry is not None and entry.sha256 == digest else "foreign"
    return Found(state, digest, stamp=(info.st_ino, info.st_size, info.st_mtime_ns))


def _what_is(mode: int) -> str:
    kinds = [
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "a device")


def file_hash(path: Path) -> str:
    """The SHA-256 of a regular file; anything else (a FIFO swapped in since) is an OSError."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _hash_if_file(path: Path) -> str | None:
    try:
        return file_hash(path)
    except OSError:  # missing, not a regular file, unreadable
        return None


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


# -- writing files ------------------------------------------------------------------------------


def write_new_file(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (bytes, or its pieces in order) to a file that must not exist yet, durably."""
    with new_file(path) as handle:
        for piece in [data] if isinstance(data, bytes) else data:
            handle.write(piece)


@contextmanager
def new_file(path: Path) -> Iterator[Any]:
    """A file that must not exist yet, open to write, and durable when the block ends (before
    it is renamed into place); removed if the block fails."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    try:
        with os.fdopen(descriptor, "w+b") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)  # a half file under a temporary name is still a half file
        raise


def _sync_folder(folder: Path) -> None:
    """Make the renames in `folder` durable (a rename lives in the folder, not in the file)."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# -- the folder, locked for one build -------------------------------------------------------------


class FolderLocked(SegxlsxError):
    """Another build is writing to the same output folder."""


class OutputFolder:
    """The output folder while one build holds it: the manifest, the journal, this run's temporaries."""

    def __init__(self, path: Path, shard: Shard | None = None) -> None:
        self.path = path
        self.shard = shard
        # A shard has its own manifest, journal, lock and temporaries, so that the N runs of a
        # job array can share one folder: each holds its own files, never another's.
        tag = f".{shard.tag}" if shard else ""
        self.manifest_name = f".segxlsx-manifest{tag}.json" if shard else MANIFEST
        self.journal_name = f".segxlsx-journal{tag}.jsonl" if shard else JOURNAL
        self.lock_name = f".segxlsx{tag}.lock" if shard else LOCK
        self.run_prefix = f"shard-{shard.tag}." if shard else ""
        self.run = f"{self.run_prefix}{os.getpid()}-{secrets.token_hex(4)}"  # names this build's temporaries
        self.manifest = Manifest()
        # What the folder's other manifests (the other shards') hold: names no new name may take.
        self.others = Manifest()
        self._journal: int | None = None  # descriptor, opened on the first landing

    @classmethod
    @contextmanager
    def locked(cls, path: Path, shard: Shard | None = None) -> Iterator[OutputFolder]:
        """Hold `path` for one build: lock it, recover what a dead build left, and let go after."""
        folder = cls(path, shard)
        lock = _take_lock(path, folder.lock_name)
        try:
            try:
                folder._recover()
            except OSError as error:
                raise SegxlsxError(
                    f"cannot write to the output folder: {error.strerror or error}", file=display_path(path)
                ) from None
            yield folder
        finally:
            folder.discard_temporaries()
            if folder._journal is not None:
                os.close(folder._journal)
            folder.manifest.close()
            folder.others.close()
            os.close(lock)

    def name_of(self, owner: Owner) -> str | None:
        """The name the folder's manifests give an offer: this build's own first, then the other shards'."""
        return self.manifest.name_of(owner) or self.others.name_of(owner)

    def is_owned(self, name: str) -> bool:
        """Whether a name belongs to an offer, as this build's manifest says, else another shard's."""
        entry = self.manifest.get(name) or self.others.get(name)
        return entry is not None and entry.owner is not None

    def temporary(self, name: str) -> Path:
        return self.path / f".{name}.{self.run}.tmp"

    def inspect(self, name: str) -> Found:
        return inspect(self.path / name, self.manifest)

    def land(self, name: str, temporary: Path, sha256: str, owner: Owner | None, found: Found) -> None:
        """Rename a finished temporary file into place, journalled first.

        `found` is what was at the place when the build looked; if that changed since (the file
        was opened, edited or replaced), nothing is replaced and the reason is raised.
        """
        path = self.path / name
        if _stamp(path) != found.stamp or (found.stamp and open_elsewhere(path)):
            temporary.unlink(missing_ok=True)
            problem = inspect(path, self.manifest).problem
            raise SegxlsxError(problem or f"{name} changed while the build ran; kept it, build again")
        self._append({"file": name, "sha256": sha256, **(owner.as_json() if owner else {})})
        os.replace(temporary, path)
        self.manifest.put(name, replace(self.manifest.get(name) or Entry(None), sha256=sha256, owner=owner))

    def remember(self, name: str, owner: Owner) -> None:
        """Bind a file name to its offer without writing it (kept, unchanged or failed)."""
        self.manifest.put(name, replace(self.manifest.get(name) or Entry(None), owner=owner))

    def describe(
        self, name: str, row: dict[str, Any] | None, inputs: str | None, today: str, **more: Any
    ) -> Entry:
        """Keep what the summary shows for a workbook (None: the row kept already), and the day
        its inputs last changed.

        `inputs` fingerprints the offer it was built from (None: unknown, as for a hand-edited
        file, whose `today` is the day it was edited); the day moves only when they change, so
        a rebuild of the same inputs gives the same summary. `more`: Entry's `built`,
        `position` and `action`.
        """
        entry = self.manifest.get(name) or Entry(None)
        if inputs is None or entry.inputs != inputs or entry.changed is None:
            entry = replace(entry, inputs=inputs, changed=today)
        entry = replace(entry, row=entry.row if row is None else row, **more)
        self.manifest.put(name, entry)
        return entry

    def save_manifest(self) -> None:
        """Fold everything recorded into the manifest, atomically, and start a fresh journal."""
        temporary = self.temporary(self.manifest_name)
        write_new_file(temporary, self.manifest.as_lines())
        os.replace(temporary, self.path / self.manifest_name)
        _sync_folder(self.path)
        if self._journal is not None:
            os.close(self._journal)
            self._journal = None
        (self.path / self.journal_name).unlink(missing_ok=True)

    def discard_temporaries(self) -> None:
        """Remove this run's temporary files: what was in flight when the build stopped."""
        for leftover in self.path.glob(f".*.{self.run}.tmp"):
            leftover.unlink(missing_ok=True)

    def _append(self, entry: dict[str, object]) -> None:
        """One journal line, durable before the file it names is renamed into place."""
        if self._journal is None:
            self._journal = os.open(
                self.path / self.journal_name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644
            )
        line = (json.dumps(entry) + "\n").encode("utf-8")
        end = os.lseek(self._journal, 0, os.SEEK_END)
        try:
            if os.write(self._journal, line) != len(line):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            os.fsync(self._journal)
        except OSError:
            os.ftruncate(self._journal, end)  # a torn line would hide the lines after it
            raise

    def _recover(self) -> None:
        """Read the manifest, fold in a dead build's journal, and clear its temporary files.

        Under the lock, every temporary file left here belongs to a build that is gone.
        """
        self._remove_dead_temporaries()
        self.manifest.close()
        self.manifest = Manifest.read(self.path, self.manifest_name)
        for name in Manifest.names_in(self.path):
            if name != self.manifest_name:
                self.others.add_file(self.path / name)
        journal = self.path / self.journal_name
        if not os.path.lexists(journal):
            return
        landed = _read_journal(journal)
        for name, entries in landed.items():
            self.manifest.put(name, self._what_landed(name, entries))
        self.save_manifest()

    def _what_landed(self, name: str, journalled: list[Entry]) -> Entry:
        """The journal says a file was about to land; whether the rename happened, the bytes tell."""
        before = self.manifest.get(name)
        now = _hash_if_file(self.path / name)
        for entry in [*reversed(journalled), *([before] if before else [])]:
            if now is not None and entry.sha256 == now:
                return Entry(entry.sha256, journalled[-1].owner or entry.owner)
        return journalled[-1]  # edited since it landed (or never landed): the hash will say so

    def _remove_dead_temporaries(self) -> None:
        # Only names this module makes, and only this shard's (or, unsharded, no shard's): under
        # its own lock a shard knows nothing of the others' builds.
        run = f"{self.run_prefix}[0-9]*" if self.run_prefix else "[0-9]*"
        for pattern in (f".*.xlsx.{run}.tmp", f".{self.manifest_name}.{run}.tmp"):
            for leftover in self.path.glob(pattern):
                leftover.unlink(missing_ok=True)


def _read_journal(path: Path) -> dict[str, list[Entry]]:
    """Journal lines by file name, oldest first; a torn last line (a crash mid-append) is skipped."""
    landed: dict[str, list[Entry]] = {}
    try:
        lines = path.read_bytes().splitlines()
    except OSError:
        return landed
    for line in lines:
        try:
            data = json.loads(line)
            if _plain_name(data["file"]):
                landed.setdefault(data["file"], []).append(_entry_from_json(data))
        except (ValueError, KeyError, TypeError):
            continue
    return landed


def _plain_name(name: object) -> bool:
    """A name of a file right inside the folder: what a manifest or journal edited by hand may not escape."""
    return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name and "\0" not in name


def _take_lock(out: Path, name: str = LOCK) -> int:
    try:
        descriptor = os.open(out / name, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as error:
        raise SegxlsxError(
            f"cannot write to the output folder: {error.strerror or error}", file=display_path(out)
        ) from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise FolderLocked(
            "another segxlsx build is writing to this folder; wait for it to finish or choose another --out",
            file=display_path(out),
        ) from None
    return descriptor
