"""`export`: the folder's current offers, hand edits included, written back to an offers file.

A batch lives for weeks and recruiters edit offers in the workbooks; the offer files fall behind.
Exporting reads every workbook the folder's manifest knows (`edits.read_back`, validated like any
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

from .edits import read_back
from .errors import OfferError, SegxlsxError, display_path
from .figures import competing_vesting, vesting_of
from .model import DEFAULT_CLIFF_MONTHS, CompetingOffer, Guide, Offer, Vesting
from .sources.guides import load_guides
from .sources.guides.yaml import yaml_text
from .sources.offers import FIELDS, OFFERS_SHEET
from .store.folder import Manifest, write_new_file

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
        if entry.owner is None or not path.is_file():
            continue
        try:
            offers.append(read_back(path, guides))
        except OfferError as error:
            failures.append(error if error.location.candidate else error.at(candidate=entry.owner.candidate))
    return tuple(offers), tuple(failures)


# -- offers as plain fields ---------------------------------------------------------------------


def offer_fields(offer: Offer, guide: Guide) -> dict[str, Any]:
    """An offer as an offer file writes it: what is default left out, amounts as plain numbers."""
    band = guide.band(offer.region)
    fields: dict[str, Any] = {
        "candidate": offer.candidate,
        "guide": offer.guide_id,
        "region": offer.region,
        "currency": offer.currency,
        "base": _number(offer.base),
        "stock": _number(offer.stock),
        "bonus": _percent(offer.bonus_pct),
    }
    if offer.sign_on:
        fields["sign_on"] = _amounts(offer.sign_on)
    fields |= _schedule(vesting_of(offer, band), band.vesting_years)
    if offer.competing:
        fields["competing"] = [_competing_fields(other, band.vesting_years) for other in offer.competing]
    if offer.notes:
        fields["notes"] = offer.notes
    return fields


def _competing_fields(other: CompetingOffer, guide_years: int) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "company": other.company,
        "currency": other.currency,
        "base": _number(other.base),
        "stock": _number(other.stock),
        "bonus": _percent(other.bonus_pct),
    }
    if other.sign_on:
        fields["sign_on"] = _amounts(other.sign_on)
    if other.vesting is not None:
        fields |= _schedule(competing_vesting(other, guide_years), guide_years, always=True)
    return fields


def _schedule(vesting: Vesting, band_years: int, always: bool = False) -> dict[str, Any]:
    """Vesting, cliff and frequency, each only when it is not what a file saying nothing gets."""
    fields: dict[str, Any] = {}
    if always or vesting.percents != Vesting.even(band_years).percents:
        fields["vesting"] = "/".join(format(_number(p), "") for p in vesting.percents)
    if always or vesting.cliff_months != DEFAULT_CLIFF_MONTHS:
        fields["cliff_months"] = vesting.cliff_months
    if vesting.every != "yearly":
        fields["vest_every"] = vesting.every
    return fields


def _number(amount: Decimal) -> int | Decimal:
    return int(amount) if amount == amount.to_integral_value() else amount.normalize()


def _percent(fraction: Decimal) -> str:
    """ "15%": the form every offer format reads the same way."""
    return f"{(fraction * 100).normalize():f}%"


def _amounts(amounts: tuple[Decimal, ...]) -> int | Decimal | list[int | Decimal]:
    return _number(amounts[0]) if len(amounts) == 1 else [_number(a) for a in amounts]


# -- files --------------------------------------------------------------------------------------


def offers_file_bytes(offers: Iterable[Offer], guides: Mapping[str, Guide], suffix: str) -> bytes:
    rows = [offer_fields(offer, guides[offer.guide_id]) for offer in offers]
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
