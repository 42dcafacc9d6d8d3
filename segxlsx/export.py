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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import OfferError, SegxlsxError, display_path
from .model import Guide, Offer
from .money import parse_percent
from .sources.guides import load_guides
from .sources.guides.yaml import yaml_text
from .sources.offer_fields import FIELDS, OFFER, Day, Percent, plain_fields
from .sources.offers import csv_cell
from .sources.workbooks import read_back
from .store.file_names import is_workbook_name
from .store.folder import OutputFolder, check_target, reading, write_atomically

EXPORT_SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx")


@dataclass(frozen=True)
class Export:
    """What an export wrote, and each workbook it could not read."""

    path: Path
    offers: tuple[Offer, ...]
    failures: tuple[OfferError, ...]
    notes: tuple[str, ...] = ()  # what was wrong with the folder's records

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
    check_target(target)
    guide_map = load_guides(guides)
    with reading(folder):  # a build writing meanwhile would mix its states into the export
        offers, failures, notes = folder_offers(folder, guide_map)
    if not offers:
        raise SegxlsxError(
            "no workbook in this folder could be read; nothing to export", file=display_path(folder)
        )
    write_atomically(target, offers_file_bytes(offers, guide_map, target.suffix.lower()))
    return Export(target, offers, failures, notes)


def folder_offers(
    folder: Path, guides: Mapping[str, Guide]
) -> tuple[tuple[Offer, ...], tuple[OfferError, ...], tuple[str, ...]]:
    """Each workbook's offer as it stands now, by file name; unreadable ones as failures; and
    what was wrong with the folder's records."""
    offers: list[Offer] = []
    failures: list[OfferError] = []
    with OutputFolder.viewed(folder) as records:
        for name, entry in records.workbooks():
            path = folder / name
            if entry.owner is None or not is_workbook_name(name) or not path.is_file():
                continue
            try:
                offers.append(read_back(path, guides))
            except OfferError as error:
                failures.append(
                    error if error.location.candidate else error.at(candidate=entry.owner.candidate)
                )
        notes = tuple(records.notes)
    return tuple(offers), tuple(failures), notes


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
        writer.writerows(
            {name: csv_cell(v) if isinstance(v, str) else v for name, v in row.items()} for row in cells
        )
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
    from .sheets.intake import offers_workbook
    from .sheets.styles import DATE, put, put_text
    from .xlsx.refs import column_letter

    workbook, sheet = offers_workbook()
    percents = {f.name for f in OFFER if isinstance(f.kind, Percent)}
    days = {f.name for f in OFFER if isinstance(f.kind, Day)}
    for number, row in enumerate(cells, start=2):
        for column, name in enumerate(FIELDS, start=1):
            value = row[name]
            ref = f"{column_letter(column)}{number}"
            if name in percents and value != "":
                # A number shown as a percentage, as Excel keeps one (text would be "a number
                # stored as text"); the loader reads 0.15 as 15%, as it reads "15%".
                fraction = parse_percent(value)
                put(sheet, ref, fraction, percent_format(fraction))
            elif name in days and value != "":  # a date cell, as a recruiter types one
                put(sheet, ref, date.fromisoformat(value), DATE)
            elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                put(sheet, ref, value, "#,##0" if name in ("base", "stock", "sign_on") else None)
            elif value != "":
                put_text(sheet, ref, str(value))
    return workbook_bytes(workbook, date(2000, 1, 1))  # no clock time: the same offers, the same bytes


def percent_format(fraction: Decimal) -> str:
    """ "0%" for 15%, "0.0%" for 12.5%: as many places as the percentage has, so none is lost."""
    places = max(0, -(fraction * 100).normalize().as_tuple().exponent)  # type: ignore[operator]
    return f"0.{'0' * places}%" if places else "0%"
