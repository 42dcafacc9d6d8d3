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
import heapq
import itertools
import json
import os
import secrets
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import SegxlsxError, display_path
from .manifest import MANIFEST, Entry, Manifest, Owner, Shard, plain_name
from .records import is_regular, open_record, record_problem, what_is
from .signatures import BUILT_KINDS, WORKBOOK_KIND, signed

JOURNAL = ".segxlsx-journal.jsonl"
LOCK = ".segxlsx.lock"
MAX_JOURNAL_BYTES = 64 << 20  # a line per file landed since the last manifest
MAX_JOURNAL_LINE = 1 << 16


# -- what is at a workbook's place --------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """What sits where a file should go, as far as a build cares."""

    state: str  # new (nothing), ours (bytes as we wrote them), foreign (edited, or never ours), blocked
    sha256: str | None = None  # of the file there now
    problem: str | None = None  # blocked: why the file cannot be written
    stamp: tuple[int, int, int] | None = None  # inode, size, mtime: tells if it changed since
    by_signature: bool = False  # ours by its signature, though no manifest has its hash

    @property
    def changed_on(self) -> str | None:
        """The day (ISO, on this computer's clock, as a build's today is) the file there last
        changed: for a hand-edited workbook, the day its inputs did."""
        if self.stamp is None:
            return None
        return datetime.fromtimestamp(self.stamp[2] / 1e9).date().isoformat()


def open_elsewhere(path: Path) -> Path | None:
    """The lock file LibreOffice or Excel keeps beside a workbook it has open, if any."""
    for lock in (path.with_name(f".~lock.{path.name}#"), path.with_name(f"~${path.name}")):
        if os.path.lexists(lock):
            return lock
    return None


def inspect(path: Path, *manifests: Manifest, kind: str = WORKBOOK_KIND) -> Found:
    """Whether a file may be written at `path`, and if something is there, whose it is: ours
    when one of the folder's `manifests` (its own build's, or another shard's) has its hash, or
    it carries a valid signature as a file of `kind` (a `WORKBOOK_KIND` or a `SUMMARY_KIND`: an export
    or an intake sheet is never ours to replace).

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
            problem=f"{what_is(info.st_mode)} named {path.name} is in the way; move it or choose another --out",
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
    stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
    entries = (manifest.get(path.name) for manifest in manifests)
    if any(entry is not None and entry.sha256 == digest for entry in entries):
        return Found("ours", digest, stamp=stamp)
    # The manifest may have lost or garbled the hash (it is anyone's to edit): a file whose parts
    # still match their signature is ours all the same, whatever the manifest says.
    mark = signed(path) if path.suffix == ".xlsx" else None  # talking points carry no signature
    if mark is not None and mark.sha256 == digest and mark.kind == kind:
        return Found("ours", digest, stamp=stamp, by_signature=True)
    return Found("foreign", digest, stamp=stamp)


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


def made_here(path: Path, *, but_summaries: bool = False) -> str | None:
    """What `path` is to the builds of its folder: a candidate's workbook, a summary (unless
    `but_summaries`), or one of the folder's own records; None for a file no build made.
    Commands that write a file where the user says (`export`, `summary -o`) must not write over
    these."""
    if path.name.startswith(".segxlsx"):
        return "one of the folder's own records"
    for manifest_name in Manifest.names_in(path.parent):
        manifest = Manifest.read(path.parent, manifest_name)
        try:
            entry = manifest.get(path.name)
        finally:
            manifest.close()
        if entry is not None:
            if entry.owner:
                return f"{entry.owner.candidate}'s workbook"
            if path.suffix == ".md":
                return "a candidate's talking points"
            return None if but_summaries else "a build's summary"
    return None


# -- writing files ------------------------------------------------------------------------------


def write_new_file(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (bytes, or its pieces in order) to a file that must not exist yet, durably."""
    with new_file(path) as handle:
        for piece in [data] if isinstance(data, bytes) else data:
            handle.write(piece)


def check_target(target: Path, *, reads: Path | None = None) -> None:
    """Refuse a file the user names to write (`export -o`, `import-guide -o`) when writing it
    would destroy what it must not: a build's own file, or the very file being read."""
    made = made_here(target)
    if made:
        raise SegxlsxError(f"this is {made}; write to a file of your own", file=display_path(target))
    if reads is not None and target.resolve() == reads.resolve():
        raise SegxlsxError("this is the file being read; write to another", file=display_path(target))


def write_atomically(target: Path, data: bytes) -> None:
    """Put `data` at `target` whole or not at all (a full disk leaves the old file, or none, and
    no half file); for files the user names (`export -o`, `import-guide -o`)."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_new_file(temporary, data)
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise SegxlsxError(f"cannot write it: {error.strerror or error}", file=display_path(target)) from None


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
        self._lost = False  # whether the manifest was missing or damaged when read
        self.notes: list[str] = []  # what was wrong with the folder's records, for the build to say
        self._journal: int | None = None  # descriptor, opened on the first landing

    @classmethod
    @contextmanager
    def viewed(cls, path: Path) -> Iterator[OutputFolder]:
        """`path`'s records as a build would find them, read only (`export`, `summary` of other
        folders); hold `reading(path)` meanwhile. Nothing is written: files taken back by their
        signatures are taken back in memory, and the next build there records them."""
        folder = cls(path)
        try:
            folder._read_manifests()
            folder._take_back_signed()
            yield folder
        finally:
            folder.manifest.close()
            folder.others.close()

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

    def inspect(self, name: str, kind: str = WORKBOOK_KIND) -> Found:
        found = inspect(self.path / name, self.manifest, self.others, kind=kind)
        entry = self.manifest.get(name)
        if found.by_signature and entry is not None:  # set the manifest right
            self.manifest.put(name, replace(entry, sha256=found.sha256))
        return found

    def workbooks(self, but: Callable[[str], bool] = lambda name: False) -> Iterator[tuple[str, Entry]]:
        """Every file the folder's builds own, by name, each once (a file in two manifests, as
        after an unsharded build and then a sharded one, is the one's whose hash it has,
        this build's own first); `but` those it names, whose entries are not even decoded."""
        names = heapq.merge(self.manifest.names(), self.others.names())
        for name, _ in itertools.groupby(names):
            if but(name):
                continue
            mine, theirs = self.manifest.get(name), self.others.get(name)
            if mine is not None and theirs is not None and theirs.sha256 != mine.sha256:
                now = _hash_if_file(self.path / name)
                yield name, theirs if now is not None and theirs.sha256 == now else mine
            else:
                yield name, mine or theirs  # type: ignore[misc]

    def land(self, name: str, temporary: Path, sha256: str, owner: Owner | None, found: Found) -> None:
        """Rename a finished temporary file into place, journalled first.

        `found` is what was at the place when the build looked; if that changed since (the file
        was opened, edited or replaced), nothing is replaced and the reason is raised.
        """
        path = self.path / name
        if _stamp(path) != found.stamp or (found.stamp and open_elsewhere(path)):
            temporary.unlink(missing_ok=True)
            problem = inspect(path, self.manifest, self.others).problem
            raise SegxlsxError(problem or f"{name} changed while the build ran; kept it, build again")
        self._append({"file": name, "sha256": sha256, **(owner.as_json() if owner else {})})
        os.replace(temporary, path)
        self.manifest.put(name, replace(self.manifest.get(name) or Entry(None), sha256=sha256, owner=owner))

    def remember(self, name: str, owner: Owner) -> None:
        """Bind a file name to its offer without writing it (kept, unchanged or failed)."""
        entry = self.manifest.get(name)
        if entry is not None and entry.owner == owner:
            return  # bound already, as every offer of a rerun is
        self.manifest.put(name, replace(entry or Entry(None), owner=owner))

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
        elif row is None and all(getattr(entry, field) == value for field, value in more.items()):
            return entry  # as it was: a rerun's skipped offer
        entry = replace(entry, row=entry.row if row is None else row, **more)
        self.manifest.put(name, entry)
        return entry

    def save_manifest(self) -> None:
        """Fold everything recorded into the manifest, atomically, and start a fresh journal."""
        temporary = self.temporary(self.manifest_name)
        write_new_file(temporary, self.manifest.as_lines())
        try:
            os.replace(temporary, self.path / self.manifest_name)
        except IsADirectoryError:
            temporary.unlink()
            raise SegxlsxError(
                "a folder where segxlsx keeps its manifest; remove it",
                file=display_path(self.path / self.manifest_name),
            ) from None
        _sync_folder(self.path)
        if self._journal is not None:
            os.close(self._journal)
            self._journal = None
        journal = self.path / self.journal_name
        try:
            journal.unlink(missing_ok=True)
        except IsADirectoryError:
            raise SegxlsxError(
                "a folder where segxlsx keeps its journal; remove it", file=display_path(journal)
            ) from None

    def discard_temporaries(self) -> None:
        """Remove this run's temporary files: what was in flight when the build stopped."""
        for leftover in self.path.glob(f".*.{self.run}.tmp"):
            leftover.unlink(missing_ok=True)

    def _append(self, entry: dict[str, object]) -> None:
        """One journal line, durable before the file it names is renamed into place."""
        if self._journal is None:
            flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_NONBLOCK  # a FIFO: no wait
            try:
                self._journal = os.open(self.path / self.journal_name, flags, 0o644)
            except OSError as error:  # a FIFO with no reader, a link, a folder in its place
                raise OSError(error.errno, f"its journal {self.journal_name} is not a file") from None
            if not is_regular(self._journal):
                os.close(self._journal)
                self._journal = None
                raise OSError(errno.EINVAL, f"its journal {self.journal_name} is not a file")
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
        """Read the manifests, fold in a dead build's journal, clear its temporary files, and take
        back by their signatures the workbooks a lost or damaged manifest no longer lists.

        Under the lock, every temporary file left here belongs to a build that is gone.
        """
        self._remove_dead_temporaries()
        self._read_manifests()
        changed = False
        journal = self.path / self.journal_name
        if os.path.lexists(journal):
            for name, entries in _read_journal(journal, self.notes).items():
                self.manifest.put(name, self._what_landed(name, entries))
            changed = True
        changed |= self._take_back_signed()
        if changed:
            self.save_manifest()

    def _read_manifests(self) -> None:
        self.manifest.close()
        self.manifest = Manifest.read(self.path, self.manifest_name)
        others = [name for name in Manifest.names_in(self.path) if name != self.manifest_name]
        for name in others:
            self.others.add_file(self.path / name)
        # Lost: damaged, or missing where no other build keeps one (a folder of shards has none).
        missing = not others and not os.path.lexists(self.path / self.manifest_name)
        self._lost = bool(self.manifest.damage) or missing
        if self.others.damage:
            self.notes.append(f"{display_path(self.path)}/{_said(self.others.damage)}")

    def _take_back_signed(self) -> bool:
        """Put back into the manifest each file segxlsx wrote here, untouched since (it carries a
        valid signature), that the manifest lost; only when it was lost or damaged, since a
        signature is read by opening the file. A shard takes back only its own offers' files."""
        if not self._lost:
            return False
        taken = 0
        for name in _signed_candidates(self.path):
            if self.manifest.get(name) is not None or self.others.get(name) is not None:
                continue
            found = signed(self.path / name)
            if found is None or found.kind not in BUILT_KINDS:  # an export is no build's to take
                continue
            if self.shard and (found.owner is None or not self.shard.holds(found.owner)):
                continue
            self.manifest.put(name, found.entry())
            taken += 1
        if self.manifest.damage:
            self.notes.append(
                f"{display_path(self.path)}/{_said(self.manifest.damage)}; {taken} file(s) segxlsx wrote here "
                "recognised by their signatures and taken back"
            )
        return taken > 0

    def _what_landed(self, name: str, journalled: list[Entry]) -> Entry:
        """The journal says a file was about to land; whether the rename happened, the bytes tell."""
        before = self.manifest.get(name)
        now = _hash_if_file(self.path / name)
        for entry in [*reversed(journalled), *([before] if before else [])]:
            if now is not None and entry.sha256 == now:
                # Its offer's rounds are as the file carries them: the journal keeps only hashes.
                found = signed(self.path / name) if name.endswith(".xlsx") else None
                rounds = found.rounds if found is not None and found.sha256 == now else entry.rounds
                return Entry(entry.sha256, journalled[-1].owner or entry.owner, rounds=rounds)
        return journalled[-1]  # edited since it landed (or never landed): the hash will say so

    def _remove_dead_temporaries(self) -> None:
        # Only names this module makes, and only this shard's (or, unsharded, no shard's): under
        # its own lock a shard knows nothing of the others' builds.
        run = f"{self.run_prefix}[0-9]*" if self.run_prefix else "[0-9]*"
        for pattern in (f".*.xlsx.{run}.tmp", f".*.md.{run}.tmp", f".{self.manifest_name}.{run}.tmp"):
            for leftover in self.path.glob(pattern):
                leftover.unlink(missing_ok=True)


def _said(damage: list[str]) -> str:
    """A manifest's damage in one line: the first problem, and how many more."""
    more = f" (and {len(damage) - 1} more)" if len(damage) > 1 else ""
    return f"{damage[0]}{more}"


def _signed_candidates(folder: Path) -> list[str]:
    """Names of the folder's files that could be segxlsx's: .xlsx, not hidden, regular."""
    with os.scandir(folder) as entries:
        return sorted(
            entry.name
            for entry in entries
            if entry.name.endswith(".xlsx")
            and not entry.name.startswith((".", "~$"))
            and entry.is_file(follow_symlinks=False)
        )


def _read_journal(path: Path, notes: list[str]) -> dict[str, list[Entry]]:
    """Journal lines by file name, oldest first; a torn last line (a crash mid-append) is
    skipped. A journal that is not a regular file, or not a journal, is said in `notes`."""
    landed: dict[str, list[Entry]] = {}
    try:
        with open_record(path, MAX_JOURNAL_BYTES) as handle:
            for line in iter(lambda: handle.readline(MAX_JOURNAL_LINE), b""):
                try:
                    data = json.loads(line)
                    entry = Entry.from_json(data)
                    if plain_name(data["file"]):
                        landed.setdefault(data["file"], []).append(entry)
                except (ValueError, KeyError, TypeError):
                    continue
    except (OSError, ValueError) as error:
        notes.append(
            f"{display_path(path)}: {record_problem(error)}; not read (the build carries on without it)"
        )
    return landed


IN_USE = "another segxlsx run is using this folder; wait for it to finish or choose another --out"
BUILD_WRITING = "a segxlsx build is writing to this folder; wait for it to finish"


def _take_lock(out: Path, name: str = LOCK) -> int:
    try:
        descriptor = os.open(out / name, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as error:
        raise SegxlsxError(
            f"cannot write to the output folder: {record_problem(error)}", file=display_path(out / name)
        ) from None
    if not is_regular(descriptor):
        os.close(descriptor)
        raise SegxlsxError(
            "not a lock file segxlsx made (not a regular file); remove it", file=display_path(out / name)
        )
    _lock(descriptor, fcntl.LOCK_EX, out, IN_USE)
    return descriptor


@contextmanager
def reading(folder: Path, *, skip: str | None = None) -> Iterator[None]:
    """Hold `folder` still while its workbooks are read (`export`, `summary`): no build writes
    to it meanwhile, and reads by other commands may go on together.

    A shared lock on each of its builds' locks (the unsharded build's and each shard's); `skip`
    is one this process already holds. A folder no one may write to needs none.
    """
    names = {LOCK} | {path.name for path in _lock_files(folder)}
    descriptors: list[int] = []
    try:
        for name in sorted(names - {skip}):
            descriptor = _open_to_share(folder / name)
            if descriptor is not None:
                _lock(descriptor, fcntl.LOCK_SH, folder, BUILD_WRITING)
                descriptors.append(descriptor)
        yield
    finally:
        for descriptor in descriptors:
            os.close(descriptor)


def _lock_files(folder: Path) -> list[Path]:
    try:
        return list(folder.glob(".segxlsx*.lock"))
    except OSError:
        return []


def _open_to_share(path: Path) -> int | None:
    """The lock file, made if it can be (a build starting later must see us); None when it
    neither exists nor can be made, or is not a regular file."""
    for flags in (os.O_RDWR | os.O_CREAT, os.O_RDONLY):
        try:
            descriptor = os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
        except OSError:
            continue
        if stat.S_ISREG(os.fstat(descriptor).st_mode):
            return descriptor
        os.close(descriptor)
        return None
    return None


def _lock(descriptor: int, kind: int, folder: Path, held: str) -> None:
    try:
        fcntl.flock(descriptor, kind | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise FolderLocked(held, file=display_path(folder)) from None
