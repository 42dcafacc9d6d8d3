"""segxlsx's own files recognised by what they contain, not only by what the manifest says.

Every file segxlsx writes signs its parts in a custom document property
(`xlsx.package.SIGNATURE_PROPERTY`), and a workbook names its offer in another
(`OWNER_PROPERTY`). A file whose parts still match its signature is one segxlsx wrote and
nobody has saved since (Excel and LibreOffice rewrite every part when they save, keeping the
properties: the signature then no longer matches). When the manifest is lost or damaged, the
folder's workbooks and summary are recognised this way and taken back, instead of every one of
them counting as edited by hand for good.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..history import Round, rounds_from_json
from ..xlsx.package import KIND_PROPERTY, SIGNATURE_PROPERTY, UNSIGNED_PARTS, Signer
from .manifest import Entry, Owner
from .records import open_record

OWNER_PROPERTY = "segxlsx offer"
# A workbook's rounds (`history`), as JSON cut into properties of at most 255 characters (what
# Excel's dialog holds), numbered from 1: a folder whose manifest is lost takes them back with
# the workbook, and its Offer history stays as it was.
ROUNDS_PROPERTY = "segxlsx rounds"
_PIECE = 255
MAX_FILE_BYTES = 256 << 20  # a summary of 50,000 offers is ~5 MB
MAX_PART_BYTES = 256 << 20  # one part, expanded: a zip bomb stops here
MAX_PROPERTIES_BYTES = 1 << 20
MAX_PARTS = 1_000
_CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"


def owner_label(owner: Owner) -> str:
    """The offer a workbook belongs to, as its `OWNER_PROPERTY` keeps it."""
    return json.dumps(owner.as_json(), ensure_ascii=False, sort_keys=True)


def rounds_properties(rounds: tuple[Round, ...]) -> dict[str, str]:
    """A workbook's rounds as its custom properties keep them."""
    text = json.dumps([one.as_json() for one in rounds], separators=(",", ":"))
    pieces = [text[start : start + _PIECE] for start in range(0, len(text), _PIECE)]
    return {f"{ROUNDS_PROPERTY} {number}": piece for number, piece in enumerate(pieces, start=1)}


def rounds_in(properties: dict[str, str]) -> tuple[Round, ...]:
    """The rounds a workbook's properties keep; none when they keep none, or none that are rounds."""
    pieces = []
    while (piece := properties.get(f"{ROUNDS_PROPERTY} {len(pieces) + 1}")) is not None:
        pieces.append(piece)
    try:
        return rounds_from_json(json.loads("".join(pieces))) if pieces else ()
    except ValueError:
        return ()


WORKBOOK_KIND, SUMMARY_KIND = "workbook", "summary"  # the kinds of file a build writes and replaces
BUILT_KINDS = (WORKBOOK_KIND, SUMMARY_KIND)


@dataclass(frozen=True)
class Signed:
    """A file segxlsx wrote, untouched since: its hash, its offer (None: not a workbook), and
    what it is: a `WORKBOOK_KIND` (it names its offer), a `SUMMARY_KIND`, or what its `KIND_PROPERTY`
    says (`xlsx.package.OFFERS_KIND`)."""

    sha256: str
    owner: Owner | None
    rounds: tuple[Round, ...] = ()
    kind: str = SUMMARY_KIND

    def entry(self) -> Entry:
        return Entry(self.sha256, self.owner, rounds=self.rounds)


def signed(path: Path) -> Signed | None:
    """What `path` is, if segxlsx wrote it and nobody has saved it since; None otherwise (not
    ours, edited, unreadable, not a regular file)."""
    from xml.etree import ElementTree  # ~3 ms a build into a fresh folder never needs

    try:
        with open_record(path, MAX_FILE_BYTES) as handle:
            whole = hashlib.file_digest(handle, "sha256").hexdigest()
            handle.seek(0)
            properties = _verified_properties(handle)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, ElementTree.ParseError):
        return None
    if properties is None:
        return None
    label, kind = properties.get(OWNER_PROPERTY), properties.get(KIND_PROPERTY)
    if kind is not None or label is None:
        return Signed(whole, None, kind=kind or SUMMARY_KIND)
    try:
        return Signed(whole, Entry.from_json(json.loads(label)).owner, rounds_in(properties), WORKBOOK_KIND)
    except (ValueError, TypeError):
        return None


def _verified_properties(handle: object) -> dict[str, str] | None:
    """The custom properties of the zip in `handle` when its parts match their signature."""
    from xml.etree import ElementTree  # as `signed`

    with zipfile.ZipFile(handle) as package:  # type: ignore[arg-type]
        entries = package.infolist()
        if len(entries) > MAX_PARTS:
            return None
        signer = Signer()
        custom = b""
        for entry in entries:
            if entry.filename == "docProps/custom.xml":
                custom = _read(package, entry, MAX_PROPERTIES_BYTES)
            elif entry.filename not in UNSIGNED_PARTS:
                signer.part(entry.filename, _digest(package, entry))
    if b"<!DOCTYPE" in custom or b"<!ENTITY" in custom:
        return None
    properties = {
        element.get("name", ""): "".join(element.itertext())
        for element in ElementTree.fromstring(custom or b"<none/>").iter(f"{_CUSTOM}property")
    }
    return properties if properties.get(SIGNATURE_PROPERTY) == signer.value() else None


def _digest(package: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    """One part's SHA-256, read a piece at a time, refused past `MAX_PART_BYTES` expanded,
    whatever the zip claims."""
    digest, size = hashlib.sha256(), 0
    with package.open(entry) as part:
        while piece := part.read(1 << 20):
            size += len(piece)
            if size > MAX_PART_BYTES:
                raise ValueError("a part too large for a file segxlsx wrote")
            digest.update(piece)
    return digest.digest()


def _read(package: zipfile.ZipFile, entry: zipfile.ZipInfo, limit: int) -> bytes:
    with package.open(entry) as part:
        data = part.read(limit + 1)
    if len(data) > limit:
        raise ValueError("document properties too large for a file segxlsx wrote")
    return data
