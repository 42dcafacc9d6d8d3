"""An offer's workbook read back: its input cells turned into an `Offer` again, checked like an
offer file.

Recruiters edit offers in the workbooks themselves (the blue input cells are there for it), so a
workbook kept because it was edited is the truth about its offer. Every input cell has a
workbook-scope defined name, declared with its field (`offer_fields`), and is read through that
name only, never at a row number: a row inserted above it in Excel moves the name with it. The
values go to the same reader as an offer file's fields, and a value that does not validate is
named with its cell, never guessed.

Each workbook records the layout it was written with (the custom document property
`LAYOUT_PROPERTY`). Layout 1 (segxlsx 0.2 and before) named only the money inputs and the
schedule's cliff and frequency: its other inputs are found where that layout put them, their
labels checked first. A layout this segxlsx does not know is refused in one line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import InvalidValue, Location, OfferError, SegxlsxError, display_path
from ..model import MAX_COMPETING_OFFERS, MAX_VESTING_YEARS, Guide, Offer, Vesting
from ..xlsx.memo import for_short_text
from ..xlsx.refs import areas, column_letter, coordinates
from .files import MAX_FILE_BYTES, read_bytes, shorten
from .offer_fields import (
    COMPETING,
    OFFER,
    AmountsByYear,
    Competing,
    Field,
    Schedule,
    competing_cell,
    read_offer,
    without_zero_tail,
)

LAYOUT = 2  # the layout segxlsx writes now
LAYOUT_PROPERTY = "segxlsx layout"


def read_back(path: Path, guides: Mapping[str, Guide], max_bytes: int = MAX_FILE_BYTES) -> Offer:
    """The offer a workbook's input cells describe, validated like an offer file's.

    Raises `OfferError` naming the workbook, the cell (`Offer!B9`), the candidate and the field.
    """
    file = display_path(path)
    cells = _Cells(path, file, max_bytes)
    fields, where = _inputs(cells)
    try:
        read = read_offer(fields, guides, Location(file=file))
    except OfferError as error:
        raise error.at(cell=_cell_of(error.location.field, where)) from None
    return _as_an_offer_file_says_it(read, guides[read.guide_id])


def rates_day(path: Path, max_bytes: int = MAX_FILE_BYTES) -> date | None:
    """The day of the rates a workbook was built on: segxlsx dates each document by its rates
    (`sheets.workbook_bytes`), and Excel and LibreOffice keep that date when they save."""
    from .xlsx_reader import XlsxFile  # as `_Cells` does

    try:
        return XlsxFile(read_bytes(path, max_bytes)).created()
    except (SegxlsxError, OSError):
        return None


# -- the input cells, by name -------------------------------------------------------------------


def _inputs(cells: _Cells) -> tuple[dict[str, Any], dict[str, str]]:
    """The offer's fields as an offer file would give them, and the cell each came from (by the
    field's name as an error names it: `base`, `vesting[3]`, `competing[2].base`)."""
    names = cells.names()
    cells.read_only([cell for named in names.values() for cell in named])
    fields: dict[str, Any] = {}
    where: dict[str, str] = {}
    for f in OFFER:
        if isinstance(f.kind, Competing):
            competing = _competing(cells, names, where, f.name)
            if competing:
                fields[f.name] = competing
        elif f.cell is not None:
            fields[f.name] = _value(cells, names, f, f.cell, where, f.name)
    return fields, where


# The defined names read-back asks for: the inputs', not the ~50 figures' beside them, whose
# cells lie on other sheets and further down (reading them was ~3/4 of a read-back); a figure's
# name gone bad (#REF! after a sheet was deleted) does not stop the inputs being read.
_INPUT_NAMES = frozenset(
    [f.cell for f in OFFER if f.cell is not None and not isinstance(f.kind, Competing)]
    + [competing_cell(n, f) for n in range(1, MAX_COMPETING_OFFERS + 1) for f in COMPETING]
)


def _competing(
    cells: _Cells, names: dict[str, list[str]], where: dict[str, str], name: str
) -> list[dict[str, Any]]:
    """Each competing offer's fields, while the workbook names a company for it."""
    found = []
    company = COMPETING[0]
    for number in range(1, MAX_COMPETING_OFFERS + 1):
        if competing_cell(number, company) not in names:
            break
        cells_of: dict[str, str] = {}
        read = {
            f.name: _value(cells, names, f, competing_cell(number, f), cells_of, f"{name}[{number}].{f.name}")
            for f in COMPETING
        }
        if not read[company.name]:
            break
        where |= cells_of
        found.append(read)
    return found


def _value(
    cells: _Cells, names: dict[str, list[str]], f: Field, name: str, where: dict[str, str], path: str
) -> Any:
    """A field's value from its named cell (or cells, for values by year), as a file writes it;
    the cells it came from go into `where` under `path` (and `path[n]` for each year's)."""
    if name not in names:
        if f.required or f.default is None:
            raise OfferError(f"the workbook has no defined name {name}", file=cells.file, field=path)
        return None  # a field this workbook's layout has no cell for: not given
    named = names[name]
    where[path] = named[0]
    if isinstance(f.kind, (Schedule, AmountsByYear)):
        kept = [(cell, cells.value(cell)) for cell in named]
        if isinstance(f.kind, Schedule):  # a percent cell holds the fraction (0.25 is 25%); a file writes 25
            kept = [(cell, _percent_of_grant(value)) for cell, value in kept if value not in (None, "")]
        where |= {f"{path}[{number}]": cell for number, (cell, _) in enumerate(kept, start=1)}
        values = [value for _, value in kept]
        return values if isinstance(f.kind, Schedule) else list(without_zero_tail(values)) or None
    if len(named) != 1:
        raise OfferError(
            f"the defined name {name} should be one cell, not {len(named)}", file=cells.file, cell=named[0]
        )
    return cells.value(named[0])


def _percent_of_grant(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(str(value)) * 100
    return value


def _cell_of(field: str | None, where: dict[str, str]) -> str | None:
    """The cell a field's value came from; a nested field falls back to its parent's."""
    while field:
        if field in where:
            return where[field]
        field = field.rpartition(".")[0] or (field.partition("[")[0] if "[" in field else "")
    return None


def _as_an_offer_file_says_it(read: Offer, guide: Guide) -> Offer:
    """The offer with its schedules as an offer file's loader makes them.

    A workbook holds 33.33% where the loader holds 100/3, and spells out a competing grant's
    default schedule (even, 12-month cliff) that a file leaves out; both should read back as
    the same offer.
    """
    even = Vesting.even(guide.band(read.region).vesting_years)  # what a grant with no schedule has
    vesting = even if read.vesting and _rounded(even) == _rounded(read.vesting) else read.vesting
    competing = tuple(
        replace(other, vesting=None) if _rounded(even) == _rounded(other.vesting) else other
        for other in read.competing
    )
    return replace(read, vesting=vesting, competing=competing)


def _rounded(vesting: Vesting | None) -> Vesting | None:
    """A schedule read from percent cells (0.333…) compared with the exact one (100/3)."""
    if vesting is None:
        return None
    return replace(vesting, percents=tuple(round(percent, 6).normalize() for percent in vesting.percents))


# -- the workbook ---------------------------------------------------------------------------------


class _Cells:
    """A workbook's cells by "Sheet!B9", values as saved (a formula as its saved value), read
    within budgets (`xlsx_reader`): a sheet is read once, when a cell of it is first wanted."""

    def __init__(self, path: Path, file: str, max_bytes: int) -> None:
        # Imported here: `sheets` imports this module for `LAYOUT`, and a build that reads no
        # workbook back (a fresh folder) need not pay the reader's ~9 ms with ElementTree.
        from .xlsx_reader import XlsxFile

        self.file = file
        try:
            self.book = XlsxFile(read_bytes(path, max_bytes))
        except InvalidValue as error:
            raise OfferError(error.message, file=file) from None
        self._sheets: dict[str, dict[tuple[int, int], Any]] = {}  # the cells read, by sheet
        self._whole: set[str] = set()  # the sheets read in full

    def layout(self) -> int:
        """The layout the workbook was written with: its property, or 1 for a workbook of
        segxlsx 0.2 (which named its money inputs but recorded no layout)."""
        properties = self._read(self.book.custom_properties)
        if LAYOUT_PROPERTY in properties:
            return self._layout_number(properties[LAYOUT_PROPERTY])
        if "offer_base" in self.book.defined_names:
            return 1
        raise OfferError(
            "it is not a workbook segxlsx wrote (it has no defined name offer_base)", file=self.file
        )

    def _layout_number(self, value: Any) -> int:
        """A layout number as saved: segxlsx writes a whole number (`vt:i4`); LibreOffice saves it
        again as a decimal one (`vt:r8`, 2.0); a hand-typed property may be its text."""
        text = str(value).strip()
        number = text.removesuffix(".0")
        if isinstance(value, bool) or not number.isdigit() or int(number) < 1:
            raise OfferError(
                f"its {LAYOUT_PROPERTY!r} property ({text[:20]!r}) is not a layout segxlsx wrote",
                file=self.file,
            )
        return int(number)

    def names(self) -> dict[str, list[str]]:
        """The inputs' workbook-scope defined names, with their cells ("Offer!B9", …); a layout
        1 workbook's unnamed inputs added where that layout put them."""
        layout = self.layout()
        if layout > LAYOUT:
            raise OfferError(
                f"it was written by a newer segxlsx (layout {layout}); this one reads layouts 1 to {LAYOUT}: "
                "upgrade segxlsx to read it",
                file=self.file,
            )
        names = {
            name: self._destinations(name, text)
            for name, text in self.book.defined_names.items()
            if name in _INPUT_NAMES
        }
        if layout == 1:
            names |= _layout_1_names(self)
        return names

    def _destinations(self, name: str, text: str) -> list[str]:
        try:
            return list(_named_cells(name, text))
        except ValueError as error:
            raise OfferError(str(error), file=self.file) from None

    def read_only(self, wheres: list[str]) -> None:
        """Read, of each sheet, only the cells `wheres` (and each sheet only up to the last of
        them): what read-back needs of a workbook, once its names are known."""
        wanted: dict[str, set[tuple[int, int]]] = {}
        worksheets = set(self.book.worksheets())
        for where in wheres:
            sheet, _, ref = where.rpartition("!")
            if sheet in worksheets and sheet not in self._sheets:
                wanted.setdefault(sheet, set()).add(coordinates(ref))
        for sheet, positions in wanted.items():
            self._sheets[sheet] = self._read(
                lambda sheet=sheet, positions=positions: self.book.cells(sheet, positions)
            )

    def value(self, where: str) -> Any:
        sheet, _, ref = where.rpartition("!")
        position = coordinates(ref)  # every place read is one this module made
        if sheet not in self._whole and position not in self._sheets.get(sheet, {}):
            if sheet not in self.book.worksheets():
                raise OfferError(f"the workbook has no sheet {sheet!r}", file=self.file, cell=where)
            whole = self._read(lambda: list(self.book.rows(sheet)))
            self._sheets[sheet] = {
                (row, column): value for row, cells in whole for column, value in cells.items()
            }
            self._whole.add(sheet)
        value = self._sheets[sheet].get(position)
        from .xlsx_reader import CellProblem  # imported by __init__ already: a dictionary look-up

        if isinstance(value, CellProblem):
            raise OfferError(value.message, file=self.file, cell=where)
        return value

    def _read(self, reading: Any) -> Any:
        try:
            return reading()
        except InvalidValue as error:
            raise OfferError(error.message, file=self.file) from None


MAX_NAMED_CELLS = 64  # a schedule by year is at most 10 cells; more is not a name of ours


@for_short_text  # the same names point at the same cells in every workbook of a layout
def _named_cells(name: str, text: str) -> tuple[str, ...]:
    """The cells ("Offer!B9") a defined name points at, as Excel writes one: `'Sheet name'!$B$9`,
    a range `Years!$B$16:$B$19`, several areas apart by commas; `ValueError`, its message a
    sentence, for one that points nowhere (`#REF!`) or at anything but cells."""
    if "#REF!" in text.upper():
        raise ValueError(
            f"the defined name {name} points nowhere ({shorten(text, 40)}): the sheet or cells it "
            "named were deleted"
        )
    cells: list[str] = []
    try:
        for sheet, (top, left, bottom, right) in areas(text):
            # All its areas together: a hostile name of a million one-cell areas is refused at
            # the 65th cell, not held.
            if len(cells) + (bottom - top + 1) * (right - left + 1) > MAX_NAMED_CELLS:
                raise _TooMany(f"the defined name {name} points at more than {MAX_NAMED_CELLS} cells")
            cells += [
                f"{sheet}!{column_letter(c)}{r}"
                for r in range(top, bottom + 1)
                for c in range(left, right + 1)
            ]
    except _TooMany:
        raise
    except ValueError:
        raise ValueError(
            f"the defined name {name} points at {shorten(text, 40)}, which is not a cell or a range of cells"
        ) from None
    return tuple(cells)


class _TooMany(ValueError):
    """A name of more cells than any of ours."""


# -- layout 1 ---------------------------------------------------------------------------------------
# Where segxlsx 0.2 put the inputs it did not name. Frozen here: the sheets have moved on since.

_V1_TEXT = {"offer_candidate": ("Candidate", 5), "offer_guide": ("Guide", 6), "offer_region": ("Region", 7),
            "offer_notes": ("Notes", 14)}  # fmt: skip
_V1_FIRST_YEAR_ROW = 16  # Years: one row per vesting year, numbered in column A
_V1_COMPETING_ROW = 39  # Offer: one row per competing offer, company to bonus in A to E
_V1_COMPETING_COLUMNS = {"company": "A", "currency": "B", "base": "C", "stock": "D", "bonus_pct": "E"}
_V1_SCHEDULE_TOP = 13  # Compare: "Vests in year N" rows below this, then the cliff, then sign-on by year


def _layout_1_names(cells: _Cells) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for name, (label, row) in _V1_TEXT.items():
        _check_label(cells, f"Offer!A{row}", label)
        names[name] = [f"Offer!B{row}"]
    years = _numbered(cells, "Years", "A", _V1_FIRST_YEAR_ROW)
    rows = range(_V1_FIRST_YEAR_ROW, _V1_FIRST_YEAR_ROW + years)
    names["offer_vesting"] = [f"Years!B{row}" for row in rows]
    names["offer_sign_on_by_year"] = [f"Years!H{row}" for row in rows]
    schedule_years = _numbered(cells, "Compare", "A", _V1_SCHEDULE_TOP + 2)
    cliff_row = _V1_SCHEDULE_TOP + 2 + schedule_years
    for index in range(MAX_COMPETING_OFFERS):
        row, number = _V1_COMPETING_ROW + index, index + 1
        if not cells.value(f"Offer!A{row}"):
            break
        names |= {
            f"competing_{number}_{part}": [f"Offer!{column}{row}"]
            for part, column in _V1_COMPETING_COLUMNS.items()
        }
        column = column_letter(3 + index)
        names[f"competing_{number}_vesting"] = [
            f"Compare!{column}{_V1_SCHEDULE_TOP + 1 + year}" for year in range(1, schedule_years + 1)
        ]
        names[f"competing_{number}_cliff_months"] = [f"Compare!{column}{cliff_row}"]
        names[f"competing_{number}_sign_on_by_year"] = [
            f"Compare!{column}{cliff_row + year}" for year in range(1, schedule_years + 1)
        ]
    return names


def _check_label(cells: _Cells, where: str, label: str) -> None:
    """An unnamed input's label beside it must still say what it is: rows inserted above it in
    Excel would move it, and reading the wrong cell would be a guess."""
    if str(cells.value(where) or "").strip().casefold() != label.casefold():
        raise OfferError(
            f"expected the label {label!r} at {where}; the sheet's rows have moved, "
            "so its inputs cannot be read safely",
            file=cells.file,
            cell=where,
            field=label.lower(),
        )


def _numbered(cells: _Cells, sheet: str, column: str, first: int) -> int:
    """How many rows from `first` number 1, 2, … in `column`: the years a table runs over."""
    count = 0
    while count < MAX_VESTING_YEARS and cells.value(f"{sheet}!{column}{first + count}") == count + 1:
        count += 1
    return count
