"""Edits read back: a workbook's input cells turned into an `Offer` again, checked like any offer.

Recruiters edit offers in the workbooks themselves (the blue input cells are there for it), so a
workbook kept because it was edited is the truth about its offer. This module reads its inputs
(through the SPEC's defined names where they exist, else at the cells the sheets put them in),
hands them to the same loader as an offer file (`offers.offer_from_fields`), and says which cell
holds a value that does not validate, never guessing a figure. `differences` says what changed
against the offer file, in the words the build's report uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import InvalidValue, Location, OfferError, display_path
from .figures import competing_vesting, vesting_of
from .model import MAX_COMPETING_OFFERS, MAX_VESTING_YEARS, CompetingOffer, Guide, Offer, Vesting
from .money import tidy
from .sheets import compare, offer, years
from .sources.files import MAX_FILE_BYTES, read_bytes
from .sources.offers import offer_from_fields

# Text inputs the Offer sheet shows in column B (no defined name: they are not figures).
TEXT_CELLS = {
    "candidate": f"B{offer.CANDIDATE}",
    "guide": f"B{offer.GUIDE}",
    "region": f"B{offer.REGION}",
    "notes": f"B{offer.NOTES}",
}
# Inputs with a defined name of the SPEC (or of the schedule), by offer field.
NAMED_INPUTS = {
    "currency": "offer_currency",
    "base": "offer_base",
    "stock": "offer_stock",
    "bonus": "offer_bonus_pct",
    "vest_every": "vest_every",
    "cliff_months": "cliff_months",
}
COMPETING_COLUMNS = {"company": "A", "currency": "B", "base": "C", "stock": "D", "bonus": "E"}
EDITED = "edited in the workbook"


def read_back(path: Path, guides: Mapping[str, Guide], max_bytes: int = MAX_FILE_BYTES) -> Offer:
    """The offer a workbook's input cells describe, validated like an offer file's.

    Raises `OfferError` naming the workbook, the cell (`Offer!B9`), the candidate and the field.
    """
    file = display_path(path)
    reader = _Cells(path, file, max_bytes)
    fields, cells = _fields(reader)
    try:
        read = offer_from_fields(fields, guides, Location(file=file))
    except OfferError as error:
        raise error.at(cell=_cell_of(error.location.field, cells)) from None
    return _as_an_offer_file_says_it(read, guides[read.guide_id])


def _as_an_offer_file_says_it(read: Offer, guide: Guide) -> Offer:
    """The offer with its schedules as an offer file's loader makes them.

    A workbook holds 33.33% where the loader holds 100/3, and spells out a competing grant's
    default schedule (even, 12-month cliff) that a file leaves out; both should read back as
    the same offer.
    """
    band = guide.band(read.region)
    even = vesting_of(replace(read, vesting=None), band)
    vesting = even if read.vesting and _rounded(even) == _rounded(read.vesting) else read.vesting
    competing = tuple(
        replace(other, vesting=None)
        if _rounded(competing_vesting(replace(other, vesting=None), band.vesting_years))
        == _rounded(other.vesting)
        else other
        for other in read.competing
    )
    return replace(read, vesting=vesting, competing=competing)


def _rounded(vesting: Vesting | None) -> Vesting | None:
    """A schedule read from percent cells (0.333…) compared with the exact one (100/3)."""
    if vesting is None:
        return None
    return replace(vesting, percents=tuple(_close(p) for p in vesting.percents))


def _close(percent: Decimal) -> Decimal:
    return tidy(round(percent, 6))


def differences(before: Offer, after: Offer, guides: Mapping[str, Guide]) -> list[str]:
    """What `after` (read from a workbook) changes in `before` (from the offer file), one phrase each.

    "base 185,000 in offers/bay-area.yaml, 190,000 in the workbook". Vesting and sign-on are
    compared as they apply (an offer file's "even" is the band's years, 25% each).
    """
    source = before.source.file or "the offer file"
    old_values, new_values = _comparable(before, guides), _comparable(after, guides)
    changes = []
    for name in dict.fromkeys([*old_values, *new_values]):  # in the order an offer file lists them
        old, new = old_values.get(name), new_values.get(name)
        if old != new:
            changes.append(f"{name} {_shown(old)} in {source}, {_shown(new)} in the workbook")
    return changes


def _comparable(offer_: Offer, guides: Mapping[str, Guide]) -> dict[str, object]:
    """The offer's inputs as (name, value) pairs, schedules as they apply."""
    guide = guides.get(offer_.guide_id)
    pairs: list[tuple[str, object]] = [
        ("candidate", offer_.candidate),
        ("guide", offer_.guide_id),
        ("region", offer_.region),
        ("currency", offer_.currency),
        ("base", offer_.base),
        ("stock", offer_.stock),
        ("bonus", _Percent(offer_.bonus_pct)),
        ("sign-on", _trimmed(offer_.sign_on)),
        ("notes", offer_.notes),
    ]
    if guide is not None:
        band = guide.band(offer_.region)
        pairs += _schedule_pairs(vesting_of(offer_, band))
    for number, other in enumerate(offer_.competing, start=1):
        schedule = competing_vesting(other, band.vesting_years) if guide is not None else None
        pairs += [(f"competing {number} {name}", value) for name, value in _competing_pairs(other, schedule)]
    return dict(pairs)


def _schedule_pairs(vesting: Vesting) -> list[tuple[str, object]]:
    return [
        ("vesting", tuple(_close(p) for p in vesting.percents)),
        ("cliff months", vesting.cliff_months),
        ("vests every", vesting.every),
    ]


def _competing_pairs(other: CompetingOffer, schedule: Vesting | None) -> list[tuple[str, object]]:
    pairs: list[tuple[str, object]] = [
        ("company", other.company),
        ("currency", other.currency),
        ("base", other.base),
        ("stock", other.stock),
        ("bonus", _Percent(other.bonus_pct)),
        ("sign-on", _trimmed(other.sign_on)),
    ]
    return pairs + (_schedule_pairs(schedule)[:2] if schedule else [])


class _Percent(Decimal):
    """A fraction shown as a percent in a difference: 0.15 is "15%"."""


def _shown(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, _Percent):
        return f"{tidy(Decimal(value) * 100):f}%"
    if isinstance(value, Decimal):
        return f"{value:,}"
    if isinstance(value, tuple):
        return "/".join(_shown(item) for item in value) or "none"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def _trimmed(amounts: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
    """Sign-on by year without the zero years at the end: the Years sheet shows every year."""
    amounts = tuple(amounts)
    while amounts and not amounts[-1]:
        amounts = amounts[:-1]
    return amounts


# -- the cells ------------------------------------------------------------------------------------


class _Cells:
    """A workbook's cells by sheet and reference, values as saved (a formula as its saved value)."""

    def __init__(self, path: Path, file: str, max_bytes: int) -> None:
        import io

        from openpyxl import load_workbook

        try:
            self.data = read_bytes(path, max_bytes)
            self.workbook = load_workbook(io.BytesIO(self.data))
        except InvalidValue as error:
            raise OfferError(error.message, file=file) from None
        except Exception as error:  # zip, XML or key errors from a damaged or foreign file
            raise OfferError(
                f"cannot read it as a segxlsx workbook ({type(error).__name__}); build it again with --force",
                file=file,
            ) from None
        self.file = file
        self._values = None  # the saved values, loaded only if an input holds a formula

    def named(self, name: str) -> str:
        """ "Sheet!B9" for a workbook-scope defined name of one cell."""
        definition = self.workbook.defined_names.get(name)
        destinations = list(definition.destinations) if definition is not None else []
        if len(destinations) != 1:
            raise OfferError(f"the workbook has no defined name {name} (one cell)", file=self.file)
        sheet, ref = destinations[0]
        return f"{sheet}!{ref.replace('$', '')}"

    def value(self, where: str) -> Any:
        sheet, ref = where.split("!")
        if sheet not in self.workbook.sheetnames:
            raise OfferError(f"the workbook has no sheet {sheet!r}", file=self.file, cell=where)
        value = self.workbook[sheet][ref].value
        if isinstance(value, str) and value.startswith("="):
            value = self._saved(sheet, ref, where)
        return value

    def _saved(self, sheet: str, ref: str, where: str) -> Any:
        """The value saved with a formula typed into an input cell; none saved is an error."""
        import io

        from openpyxl import load_workbook

        if self._values is None:
            self._values = load_workbook(io.BytesIO(self.data), data_only=True)
        value = self._values[sheet][ref].value
        if value is None:
            raise OfferError(
                "holds a formula saved without its value; type the figure, or open and save the file in Excel",
                file=self.file,
                cell=where,
            )
        return value


def _fields(cells: _Cells) -> tuple[dict[str, Any], dict[str, str]]:
    """The offer's fields as an offer file would give them, and the cell each came from."""
    where = {name: f"{offer.TITLE_SHEET}!{ref}" for name, ref in TEXT_CELLS.items()}
    for name, cell in where.items():
        _check_label(cells, cell, name)
    where |= {name: cells.named(defined) for name, defined in NAMED_INPUTS.items()}
    fields = {name: cells.value(cell) for name, cell in where.items()}
    year_cells = _year_rows(cells)
    percents = [f"{years.TITLE_SHEET}!{years.PCT_COL}{row}" for row in year_cells]
    sign_ons = [f"{years.TITLE_SHEET}!{years.SIGN_ON_COL}{row}" for row in year_cells]
    fields["vesting"] = [_percent_of_grant(cells.value(cell)) for cell in percents]
    fields["sign_on"] = _without_zero_tail([cells.value(cell) for cell in sign_ons])
    where |= {f"vesting[{n}]": cell for n, cell in enumerate(percents, start=1)}
    where |= {f"sign_on[{n}]": cell for n, cell in enumerate(sign_ons, start=1)}
    where["vesting"] = f"{years.TITLE_SHEET}!{years.PCT_COL}{years.FIRST_YEAR_ROW}"
    competing, competing_cells = _competing(cells)
    if competing:
        fields["competing"] = competing
        where |= competing_cells
    return fields, where


def _check_label(cells: _Cells, cell: str, field: str) -> None:
    """A text input has no defined name: its label beside it must still say what it is.

    Rows inserted above it in Excel would move it; reading the wrong cell would be a guess.
    """
    sheet, ref = cell.split("!")
    label = f"{sheet}!A{ref[1:]}"
    if str(cells.value(label) or "").strip().casefold() != field.casefold():
        raise OfferError(
            f"expected the label {field.capitalize()!r} at {label}; the sheet's rows have moved, "
            "so its inputs cannot be read safely",
            file=cells.file,
            cell=label,
            field=field,
        )


def _year_rows(cells: _Cells) -> list[int]:
    """The Years table's rows: one per vesting year, numbered 1, 2, … in column A."""
    rows = []
    for year in range(1, MAX_VESTING_YEARS + 1):
        row = years.year_row(year)
        if cells.value(f"{years.TITLE_SHEET}!{years.YEAR_COL}{row}") != year:
            break
        rows.append(row)
    return rows


def _competing(cells: _Cells) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Competing offers: their figures on the Offer sheet, their schedules on Compare."""
    found: list[dict[str, Any]] = []
    where: dict[str, str] = {}
    schedule_years = _schedule_years(cells)
    for index in range(MAX_COMPETING_OFFERS):
        if not cells.value(_plain(offer.competing_cell(index, "A"))):
            break
        prefix = f"competing[{index + 1}]"
        item = {}
        for name, column in COMPETING_COLUMNS.items():
            cell = _plain(offer.competing_cell(index, column))
            item[name], where[f"{prefix}.{name}"] = cells.value(cell), cell
        column = compare.competitor_column(index)
        rows = compare.CompareRows(schedule_years)
        percents = [f"{compare.TITLE_SHEET}!{column}{rows.vesting(y)}" for y in range(1, schedule_years + 1)]
        sign_ons = [f"{compare.TITLE_SHEET}!{column}{rows.sign_on(y)}" for y in range(1, schedule_years + 1)]
        values = [cells.value(cell) for cell in percents]
        item["vesting"] = [_percent_of_grant(v) for v in values if v is not None and v != ""]
        item["cliff_months"] = cells.value(f"{compare.TITLE_SHEET}!{column}{rows.cliff}")
        item["sign_on"] = _without_zero_tail([cells.value(cell) for cell in sign_ons])
        where |= {f"{prefix}.vesting[{n}]": cell for n, cell in enumerate(percents, start=1)}
        where |= {f"{prefix}.sign_on[{n}]": cell for n, cell in enumerate(sign_ons, start=1)}
        where[f"{prefix}.cliff_months"] = f"{compare.TITLE_SHEET}!{column}{rows.cliff}"
        found.append(item)
    return found, where


def _plain(reference: str) -> str:
    """ "Offer!$C$39" as "Offer!C39", as a recruiter reads it."""
    return reference.replace("$", "")


def _schedule_years(cells: _Cells) -> int:
    """How many years the Compare sheet's schedule inputs run over (column A numbers them)."""
    count = 0
    while (
        count < 10
        and cells.value(f"{compare.TITLE_SHEET}!A{compare.CompareRows(0).vesting(count + 1)}") == count + 1
    ):
        count += 1
    return count


def _percent_of_grant(value: Any) -> Any:
    """A vesting cell holds a fraction shown as a percent (0.25 is 25%); offer files write 25."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return tidy(Decimal(str(value)) * 100)
    return value


def _without_zero_tail(values: list[Any]) -> list[Any] | None:
    """Sign-on by year as an offer file writes it: the zero years at the end left out."""
    while values and (values[-1] in (0, None, "")):
        values = values[:-1]
    return values or None


def _cell_of(field: str | None, cells: dict[str, str]) -> str | None:
    """The cell a field's value came from; a nested field falls back to its parent's cell."""
    while field:
        if field in cells:
            return cells[field]
        field = field.rpartition(".")[0] or (field.partition("[")[0] if "[" in field else "")
    return None
