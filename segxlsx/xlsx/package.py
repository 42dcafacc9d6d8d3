"""The .xlsx package: a zip of XML parts, what type each part is, how they refer to each other,
and the document's properties.

The same content gives the same bytes: every zip entry carries one fixed time, and the
document's dates are the day its numbers are true for, never the clock.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterable, Mapping
from datetime import date
from types import TracebackType
from typing import IO

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
    """An .xlsx file being written into `file`, part after part; `close` adds the list of
    content types, which must come last. Parts are listed there in the order Excel's own
    files have them: styles, theme and properties first, then the rest as added. `signer`
    follows the parts as they are written."""

    def __init__(self, file: IO[bytes]) -> None:
        self.signer = Signer()
        self.zip = zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.overrides = [
            ("/xl/styles.xml", "styles"),
            ("/xl/theme/theme1.xml", "theme"),
            ("/docProps/core.xml", "core"),
            ("/docProps/app.xml", "app"),
        ]

    def add(self, name: str, data: bytes, kind: str | None = None) -> None:
        """Write part `name`; `kind` (a key of CONTENT_TYPES) lists it among the content types."""
        self.zip.writestr(_entry(name), data)
        self.signer.part(name, hashlib.sha256(data).digest())
        self.list(name, kind)

    def open(self, name: str, kind: str | None = None) -> _Part:
        """Part `name` to write into a piece at a time (a streamed sheet of 50,000 rows)."""
        self.list(name, kind)
        return _Part(self.zip.open(_entry(name), "w"), name, self.signer)

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
        self.zip.writestr(_entry("[Content_Types].xml"), types.encode())
        self.zip.close()

    def abandon(self) -> None:
        """Let go of the zip after a failure (a full disk): what it held is of no more use."""
        try:
            self.zip.close()
        except Exception:  # noqa: BLE001 (the disk that failed the part fails its end too)
            pass


class _Part:
    """A part being written a piece at a time, hashed as it goes for the signature."""

    def __init__(self, file: IO[bytes], name: str, signer: Signer) -> None:
        self.file, self.name, self.signer = file, name, signer
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.file.write(data)

    def __enter__(self) -> _Part:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.file.close()
        if kind is None:
            self.signer.part(self.name, self.digest.digest())


def _entry(name: str) -> zipfile.ZipInfo:
    """An entry named `name` with the fixed time, deflated, readable by its owner only."""
    entry = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o600 << 16
    return entry


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
