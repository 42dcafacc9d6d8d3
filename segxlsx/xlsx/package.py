"""The .xlsx package: a zip of XML parts, what type each part is, how they refer to each other,
and the document's properties.

The same content gives the same bytes: every zip entry carries one fixed time, and the
document's dates are the day its numbers are true for, never the clock.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import TracebackType
from typing import IO, Any

from .text import xml_attribute, xml_text

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry

_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CORE_PROPERTIES = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml."
CONTENT_TYPES = {
    "styles": _SPREADSHEET + "styles+xml",
    "theme": "application/vnd.openxmlformats-officedocument.theme+xml",
    "core": "application/vnd.openxmlformats-package.core-properties+xml",
    "app": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    "custom": "application/vnd.openxmlformats-officedocument.custom-properties+xml",
    "worksheet": _SPREADSHEET + "worksheet+xml",
    "drawing": "application/vnd.openxmlformats-officedocument.drawing+xml",
    "chart": "application/vnd.openxmlformats-officedocument.drawingml.chart+xml",
    "table": _SPREADSHEET + "table+xml",
    "workbook": _SPREADSHEET + "sheet.main+xml",
}


# Every file segxlsx writes carries, among its custom properties, a signature of all its other
# parts: a file whose parts still match it is ours and untouched, whatever became of the
# folder's manifest (`store.signatures`). It proves nothing against forgery; it is a label.
SIGNATURE_PROPERTY = "segxlsx signature"
# What a signed file is when it is not a build's own workbook or summary: `offers` for an export
# or an intake sheet, which hold offers someone typed or kept, so no build or summary ever takes
# one for its own to replace, whatever its name (`store.signatures`).
KIND_PROPERTY, OFFERS_KIND = "segxlsx kind", "offers"
UNSIGNED_PARTS = frozenset(
    {"docProps/custom.xml", "[Content_Types].xml"}
)  # the signature's own, and the list


class Signer:
    """The signature of a package: each signed part's name and SHA-256, in the zip's order."""

    def __init__(self) -> None:
        self._all = hashlib.sha256()

    def part(self, name: str, digest: bytes) -> None:
        if name not in UNSIGNED_PARTS:
            self._all.update(name.encode() + b"\0" + digest)

    def value(self) -> str:
        return f"sha256:{self._all.hexdigest()}"


class Package:
    """An .xlsx file being written into `file` (seekable), part after part; `close` adds the
    list of content types, which must come last. Parts are listed there in the order Excel's
    own files have them: styles, theme and properties first, then the rest as added. `signer`
    follows the parts as they are written."""

    def __init__(self, file: IO[bytes]) -> None:
        self.signer = Signer()
        self.zip = _Zip(file)
        self.overrides = [
            ("/xl/styles.xml", "styles"),
            ("/xl/theme/theme1.xml", "theme"),
            ("/docProps/core.xml", "core"),
            ("/docProps/app.xml", "app"),
        ]

    def add(self, name: str, data: bytes, kind: str | None = None) -> None:
        """Write part `name`; `kind` (a key of CONTENT_TYPES) lists it among the content types."""
        self.signer.part(name, self.zip.add(name, data))
        self.list(name, kind)

    def open(self, name: str, kind: str | None = None) -> _Part:
        """Part `name` to write into a piece at a time (a streamed sheet of 50,000 rows)."""
        self.list(name, kind)
        return _Part(self.zip, name, self.signer)

    def list(self, name: str, kind: str | None) -> None:
        if kind is not None and ("/" + name, kind) not in self.overrides:
            self.overrides.append(("/" + name, kind))

    def close(self) -> None:
        """Write `[Content_Types].xml` and finish the zip."""
        overrides = "".join(
            f'<Override PartName="{xml_attribute(name)}" ContentType="{CONTENT_TYPES[kind]}"/>'
            for name, kind in self.overrides
        )
        types = (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'
        )
        self.zip.add("[Content_Types].xml", types.encode())
        self.zip.close()

    def abandon(self) -> None:
        """Let go of the zip after a failure (a full disk): what it held is of no more use.
        Nothing is held but the file, which is its writer's to delete."""


class _Part:
    """A part being written a piece at a time, deflated and hashed as it goes."""

    def __init__(self, zip: _Zip, name: str, signer: Signer) -> None:
        self.zip, self.name, self.signer = zip, name, signer
        self.entry = zip.start(name)
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.zip.write(self.entry, data)
        return len(data)

    def __enter__(self) -> _Part:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None:
            self.zip.finish(self.entry)
            self.signer.part(self.name, self.digest.digest())


# -- the zip ----------------------------------------------------------------------------------------
# Written here rather than by zipfile so that a part every workbook of a shape shares (theme,
# styles, drawings, workbook.xml) is deflated and hashed once per process, not once per file:
# zipfile takes only data to deflate. The bytes are zipfile's own for the same parts, field for
# field (PKWARE's APPNOTE.TXT 4.3.7, 4.3.12, 4.3.16): one fixed time, deflated at zlib's
# default level, made on Unix (3), readable by its owner only, no data descriptor (the sizes
# are written back into the local header), UTF-8 flagged for a name that is not ASCII.
# tests/test_xlsx_engine.py holds them to zipfile's.

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20  # 2.0, deflate: the version needed to read it, and the one that wrote it
_UNIX = 3
_OWNER_ONLY = 0o600 << 16  # the permissions, in the high bytes of the external attributes
_UTF8_NAME = 0x800
_DOS_DATE = (_ZIP_EPOCH[0] - 1980) << 9 | _ZIP_EPOCH[1] << 5 | _ZIP_EPOCH[2]
_DOS_TIME = _ZIP_EPOCH[3] << 11 | _ZIP_EPOCH[4] << 5 | _ZIP_EPOCH[5] // 2
_ZIP_LIMIT = 0xFFFFFFFF  # past it a zip needs its 64-bit records, which no file of ours does


@dataclass
class _Entry:
    name: bytes
    flags: int
    offset: int  # of its local header
    crc: int = 0
    size: int = 0
    compressed: int = 0
    deflate: Any = None  # a part written in pieces: its compressor


class _Zip:
    """A zip being written into a seekable file: each part's local header and data, then the
    central directory."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.entries: list[_Entry] = []

    def add(self, name: str, data: bytes) -> bytes:
        """Write a part whole; returns its SHA-256."""
        crc, deflated, digest = _deflated(data)
        entry = self._entry(name)
        entry.crc, entry.size, entry.compressed = crc, len(data), len(deflated)
        self.file.write(_local(entry) + entry.name)
        self.file.write(deflated)
        return digest

    def start(self, name: str) -> _Entry:
        """Begin a part written in pieces: its header now, its sizes once it is finished."""
        entry = self._entry(name)
        entry.deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        self.file.write(_local(entry) + entry.name)
        return entry

    def write(self, entry: _Entry, data: bytes) -> None:
        entry.crc = zlib.crc32(data, entry.crc)
        entry.size += len(data)
        deflated = entry.deflate.compress(data)
        entry.compressed += len(deflated)
        self.file.write(deflated)

    def finish(self, entry: _Entry) -> None:
        rest = entry.deflate.flush()
        entry.compressed += len(rest)
        self.file.write(rest)
        end = self.file.tell()
        self.file.seek(entry.offset)
        self.file.write(_local(entry))
        self.file.seek(end)

    def close(self) -> None:
        start = self.file.tell()
        for entry in self.entries:
            self.file.write(_central(entry) + entry.name)
        end = self.file.tell()
        if len(self.entries) > 0xFFFF or end > _ZIP_LIMIT:
            raise ValueError("the file would need zip64 records: more parts or bytes than a workbook has")
        count = len(self.entries)
        self.file.write(_END.pack(b"PK\x05\x06", 0, 0, count, count, end - start, start, 0))
        self.file.flush()

    def _entry(self, name: str) -> _Entry:
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), _UTF8_NAME
        entry = _Entry(encoded, flags, self.file.tell())
        self.entries.append(entry)
        return entry


def _local(entry: _Entry) -> bytes:
    if max(entry.size, entry.compressed, entry.offset) > _ZIP_LIMIT:
        raise ValueError("the file would need zip64 records: a part larger than a workbook has")
    return _LOCAL.pack(
        b"PK\x03\x04", _VERSION, 0, entry.flags, _DEFLATED, _DOS_TIME, _DOS_DATE, entry.crc,
        entry.compressed, entry.size, len(entry.name), 0,
    )  # fmt: skip


def _central(entry: _Entry) -> bytes:
    return _CENTRAL.pack(
        b"PK\x01\x02", _VERSION, _UNIX, _VERSION, 0, entry.flags, _DEFLATED, _DOS_TIME, _DOS_DATE,
        entry.crc, entry.compressed, entry.size, len(entry.name), 0, 0, 0, 0, _OWNER_ONLY, entry.offset,
    )  # fmt: skip


_DEFLATED = 8  # the compression method
Deflated = tuple[int, bytes, bytes]  # a part's CRC-32, deflated bytes and SHA-256
_SHARED_BYTES = 64 * 1024  # the largest part kept: a workbook's are ~15 KiB at most
# Parts kept by their bytes, in two rooms. A part seen again (by its hash, among the last few
# thousand seen) waits in `_KEPT_ONCE`; one asked for again there moves to `_SHARED`, which
# only such parts enter. So each workbook's own parts (~13 of its 23; all of them when a
# process builds the same offers twice, as the benches do) never push out the parts its shape
# shares: with every part kept on sight, in a batch of 8 shapes 2 shared parts in 13 were
# deflated again. Kept at most: 128 parts of 64 KiB.
_SHARED: OrderedDict[bytes, Deflated] = OrderedDict()
_SHARED_PARTS = 64  # a few shapes' shared parts
_KEPT_ONCE: OrderedDict[bytes, Deflated] = OrderedDict()
_KEPT_ONCE_PARTS = 64  # room for a few shapes' shared parts between their offers
_SEEN_ONCE: OrderedDict[int, None] = OrderedDict()  # hashes: a hint, never taken for a part
_SEEN_HASHES = 4096


def _deflated(data: bytes) -> Deflated:
    """A part's CRC-32, deflated bytes and SHA-256: the parts the offers of one shape share are
    deflated and hashed once."""
    done = _SHARED.get(data)
    if done is not None:
        _SHARED.move_to_end(data)
        return done
    done = _KEPT_ONCE.pop(data, None)
    if done is not None:
        _keep(_SHARED, data, done, _SHARED_PARTS)
        return done
    deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    done = zlib.crc32(data), deflate.compress(data) + deflate.flush(), hashlib.sha256(data).digest()
    if len(data) <= _SHARED_BYTES and _seen_before(data):  # a summary's sheet is nobody else's
        _keep(_KEPT_ONCE, data, done, _KEPT_ONCE_PARTS)
    return done


def _keep(room: OrderedDict[bytes, Deflated], data: bytes, done: Deflated, size: int) -> None:
    room[data] = done
    if len(room) > size:
        room.popitem(last=False)


def _seen_before(data: bytes) -> bool:
    """Whether a part with `data`'s hash was deflated lately; remembers that it was."""
    key = hash(data)
    if key in _SEEN_ONCE:
        _SEEN_ONCE.move_to_end(key)
        return True
    _SEEN_ONCE[key] = None
    if len(_SEEN_ONCE) > _SEEN_HASHES:
        _SEEN_ONCE.popitem(last=False)
    return False


RELATIONSHIPS_START = f'<Relationships xmlns="{_RELATIONSHIPS}">'
RELATIONSHIPS_END = "</Relationships>"


def relationship(kind: str, target: str, external: bool, number: int) -> str:
    """One relationship, rId`number`; a `kind` without a scheme is one of the Office
    document's ("worksheet", "chart"…)."""
    kind = kind if "://" in kind else _OFFICE + kind
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Type="{kind}" Target="{xml_attribute(target)}"{mode} Id="rId{number}"/>'


def relationships(targets: Iterable[tuple[str, str, bool]]) -> bytes:
    """A `.rels` part: each (kind, target, external) numbered rId1, rId2… in order."""
    each = "".join(relationship(*target, number) for number, target in enumerate(targets, start=1))
    return f"{RELATIONSHIPS_START}{each}{RELATIONSHIPS_END}".encode()


def root_relationships() -> bytes:
    """Where a reader finds the workbook and the document's properties."""
    return relationships(
        [
            ("officeDocument", "xl/workbook.xml", False),
            (CORE_PROPERTIES, "docProps/core.xml", False),
            ("extended-properties", "docProps/app.xml", False),
            ("custom-properties", "docProps/custom.xml", False),
        ]
    )


def app_properties(application: str, version: str) -> bytes:
    return (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>{xml_text(application)}</Application><AppVersion>{xml_text(version)}</AppVersion></Properties>"
    ).encode()


def core_properties(creator: str, title: str | None, day: date) -> bytes:
    """Who made the document, its title, and when: created and modified on `day`, at midnight."""
    dc = 'xmlns:dc="http://purl.org/dc/elements/1.1/"'
    dated = 'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="dcterms:W3CDTF"'
    moment = f"{day.isoformat()}T00:00:00Z"
    titled = f"<dc:title {dc}>{xml_text(title)}</dc:title>" if title is not None else ""
    return (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">'
        f"<dc:creator {dc}>{xml_text(creator)}</dc:creator>{titled}"
        f"<dcterms:created {dated}>{moment}</dcterms:created><dcterms:modified {dated}>{moment}</dcterms:modified>"
        f"<cp:lastModifiedBy>{xml_text(creator)}</cp:lastModifiedBy></cp:coreProperties>"
    ).encode()


CustomValue = str | int | bool


def custom_properties(properties: Mapping[str, CustomValue]) -> bytes:
    """The document's own named properties (File > Properties > Custom in Excel)."""
    each = []
    for number, (name, value) in enumerate(properties.items(), start=2):  # Excel numbers them from 2
        if isinstance(value, bool):
            typed = f"<vt:bool>{'true' if value else 'false'}</vt:bool>"
        elif isinstance(value, int):
            typed = f"<vt:i4>{value}</vt:i4>"
        else:
            typed = f"<vt:lpwstr>{xml_text(value)}</vt:lpwstr>"
        each.append(
            f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{number}" '
            f'name="{xml_attribute(name)}">{typed}</property>'
        )
    return (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        f'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{"".join(each)}</Properties>'
    ).encode()
