"""The output folder: what segxlsx wrote there and for whom, one build at a time, no half files.

Each rule is there because a build can be stopped at any instant (Ctrl-C, SIGTERM, SIGKILL, a
full disk) and the next build must carry on as if nothing happened:

- Manifest (`manifest.py`): each file segxlsx wrote, its hash and the offer it belongs to.
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
import secrets
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import SegxlsxError, display_path
from .manifest import MANIFEST, Entry, Manifest, Owner, Shard, plain_name

JOURNAL = ".segxlsx-journal.jsonl"
LOCK = ".segxlsx.lock"


# -- what is at a workbook's place --------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """What sits where a file should go, as far as a build cares."""

    state: str  # new (nothing), ours (bytes as we wrote them), foreign (edited, or never ours), blocked
    sha256: str | None = None  # of the file there now
    problem: str | None = None  # blocked: why the file cannot be written
    stamp: tuple[int, int, int] | None = None  # inode, size, mtime: tells if it changed since

    @property
    def changed_on(self) -> str | None:
        """The UTC day (ISO) the file there last changed: for a hand-edited workbook, the day
        its inputs did."""
        if self.stamp is None:
            return None
        return datetime.fromtimestamp(self.stamp[2] / 1e9, UTC).date().isoformat()


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
        for pattern in (f".*.xlsx.{run}.tmp", f".*.md.{run}.tmp", f".{self.manifest_name}.{run}.tmp"):
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
            if plain_name(data["file"]):
                landed.setdefault(data["file"], []).append(Entry.from_json(data))
        except (ValueError, KeyError, TypeError):
            continue
    return landed


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
