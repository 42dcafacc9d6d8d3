"""`export`: the folder's current offers, hand edits included, written back to an offers file.

A batch lives for weeks and recruiters edit offers in the workbooks; the offer files fall behind.
Exporting reads every workbook the folder's manifest knows (`sources.workbooks.read_back`, validated like any
offer), and writes the offers as YAML, CSV or an .xlsx sheet in the formats `offers.py` reads,
so building from the export gives the same offers. A workbook whose inputs no longer validate is
not exported: it is a failure naming its cell, and the others are written.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import OfferError, SegxlsxError, display_path
from .model import Guide, Offer
from .sources.guides import load_guides
from .sources.guides.yaml import yaml_text
from .sources.offer_fields import FIELDS, plain_fields
from .sources.offers import OFFERS_SHEET
from .sources.workbooks import read_back
from .store.file_names import is_workbook_name
from .store.folder import write_new_file
from .store.manifest import Manifest

EXPORT_SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx")


@dataclass(frozen=True)
class Export:
    """What an export wrote, and each workbook it could not read."""

    path: Path
    offers: tuple[Offer, ...]
    failures: tuple[OfferError, ...]

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0


def export(folder: str | Path, target: str | Path, guides: Iterable[str | Path]) -> Export:
    """Write the offers of every workbook in `folder` to `target` (.yaml, .yml, .csv or .xlsx)."""
    folder, target = Path(folder), Path(target)
    if target.suffix.lower() not in EXPORT_SUFFIXES:
        raise SegxlsxError(
            f"expected a file ending in {', '.join(EXPORT_SUFFIXES)} to export to", file=display_path(target)
        )
    if not folder.is_dir():
        raise SegxlsxError("no such folder", file=display_path(folder))
    guide_map = load_guides(guides)
    offers, failures = folder_offers(folder, guide_map)
    if not offers:
        raise SegxlsxError(
            "no workbook in this folder could be read; nothing to export", file=display_path(folder)
        )
    _write_atomically(target, offers_file_bytes(offers, guide_map, target.suffix.lower()))
    return Export(target, offers, failures)


def folder_offers(
    folder: Path, guides: Mapping[str, Guide]
) -> tuple[tuple[Offer, ...], tuple[OfferError, ...]]:
    """Each workbook's offer as it stands now, by file name; unreadable ones as failures."""
    offers: list[Offer] = []
    failures: list[OfferError] = []
    for name, entry in Manifest.read(folder).items():
        path = folder / name
        if entry.owner is None or not is_workbook_name(name) or not path.is_file():
            continue
        try:
            offers.append(read_back(path, guides))
        except OfferError as error:
            failures.append(error if error.location.candidate else error.at(candidate=entry.owner.candidate))
    return tuple(offers), tuple(failures)


# -- files --------------------------------------------------------------------------------------


def offers_file_bytes(offers: Iterable[Offer], guides: Mapping[str, Guide], suffix: str) -> bytes:
    rows = [plain_fields(offer, guides[offer.guide_id]) for offer in offers]
    if suffix in (".yaml", ".yml"):
        return yaml_text(rows).encode("utf-8")
    cells = [{name: _cell_text(name, row.get(name)) for name in FIELDS} for row in rows]
    if suffix == ".csv":
        text = io.StringIO(newline="")
        writer = csv.DictWriter(text, FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(cells)
        return text.getvalue().encode("utf-8")
    return _xlsx_bytes(cells)


def _cell_text(name: str, value: Any) -> Any:
    """A field as one CSV or sheet cell: lists and competing offers in the JSON the loader reads."""
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, default=_json_number, ensure_ascii=False)
    return value


def _json_number(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    raise TypeError(type(value).__name__)


def _xlsx_bytes(cells: list[dict[str, Any]]) -> bytes:
    from datetime import date

    from .sheets import workbook_bytes
    from .sheets.styles import header_row, new_workbook, put, put_text
    from .xlsx.refs import column_letter

    workbook = new_workbook("Offers")
    sheet = workbook.add_sheet(OFFERS_SHEET)
    header_row(sheet, 1, list(FIELDS))
    for number, row in enumerate(cells, start=2):
        for column, name in enumerate(FIELDS, start=1):
            value = row[name]
            ref = f"{column_letter(column)}{number}"
            if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                put(sheet, ref, value, "#,##0" if name in ("base", "stock", "sign_on") else None)
            elif value != "":
                put_text(sheet, ref, str(value))
    return workbook_bytes(workbook, date(2000, 1, 1))  # no clock time: the same offers, the same bytes


def _write_atomically(target: Path, data: bytes) -> None:
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write_new_file(temporary, data)
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise SegxlsxError(f"cannot write it: {error.strerror or error}", file=display_path(target)) from None
