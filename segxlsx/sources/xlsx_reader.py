"""An .xlsx file read as untrusted input: its XML streamed, within budgets, never trusted.

Intake sheets (offers typed into Excel) and workbooks edited by hand come from people and their
tools; a file may claim a million rows (`<dimension ref="A1:XFD1048576"/>`), hold twelve million
shared strings, expand a small zip into gigabytes, put a chart sheet where a table should be,
or hold a cell that is not what its type says. So nothing here believes the file: no declared
dimension is used, every part is decompressed through a byte counter, rows, columns, shared
strings, text and time are bounded (`Budget`), and only worksheets are read. What breaks a
budget is one `InvalidValue` naming the limit; a malformed cell is a `CellProblem` in its place,
for the reader to report at its row, never a traceback.

openpyxl is not used: it pads rows to the declared dimension and trusts the shared strings.
"""

from __future__ import annotations

import functools
import io
import math
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import IO, Any, TypeVar
from xml.etree import ElementTree

from ..errors import InvalidValue

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
_TYPES = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"
_DCTERMS = "{http://purl.org/dc/terms/}"
_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_CELL = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384  # Excel's own sheet


@dataclass(frozen=True)
class Budget:
    """What one file may cost to read. Far above any real intake sheet or segxlsx workbook."""

    rows: int = 50_000  # rows with something in them, per sheet: a batch's offers, and more
    columns: int = 256  # the columns a cell with something in it may reach (an offer has ~15)
    shared_strings: int = 1_000_000
    text_bytes: int = 64 * 1024 * 1024  # the shared strings and the cells' text, expanded, in all
    part_bytes: int = 256 * 1024 * 1024  # one part of the zip, decompressed: a zip bomb stops here
    parts: int = 1_000  # entries in the zip
    seconds: float = 60.0


@dataclass(frozen=True)
class CellProblem:
    """A cell whose content is not what it claims to be: reported at its row by the reader."""

    message: str


@dataclass(frozen=True)
class SheetEntry:
    name: str
    part: str | None  # the worksheet's part in the zip; None for a chart sheet or a dialog


class XlsxFile:
    """The sheets, defined names, custom properties and cells of an .xlsx file's bytes."""

    def __init__(self, data: bytes, budget: Budget = Budget()) -> None:
        self.budget = budget
        self._deadline = time.monotonic() + budget.seconds
        self._text_bytes = 0
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            names = self._zip.namelist()
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            raise InvalidValue("cannot read it as an Excel workbook (not a zip file)") from None
        if len(names) > budget.parts:
            raise InvalidValue(f"holds {len(names):,} parts, over the limit of {budget.parts:,}")
        self._names = set(names)
        if "xl/workbook.xml" not in self._names:
            raise InvalidValue("cannot read it as an Excel workbook (it has no xl/workbook.xml)")
        self.date1904 = False
        self.sheets: list[SheetEntry] = []
        self.defined_names: dict[str, str] = {}
        self._read_workbook()
        self._shared: list[str] | None = None
        self._date_styles: frozenset[int] | None = None

    # -- the workbook ----------------------------------------------------------------------------

    def _read_workbook(self) -> None:
        targets: dict[str, str] = {}
        if "xl/_rels/workbook.xml.rels" in self._names:
            targets = dict(self._read_part("xl/_rels/workbook.xml.rels", _RELS_TAGS, _worksheet_targets))
        self.date1904, sheets, names = self._read_part("xl/workbook.xml", _BOOK_TAGS, _workbook_entries)
        for name, relationship in sheets:
            part = targets.get(relationship)
            self.sheets.append(SheetEntry(name, part if part in self._names else None))
        self.defined_names = dict(names)

    def worksheets(self) -> list[str]:
        return [sheet.name for sheet in self.sheets if sheet.part]

    def custom_properties(self) -> dict[str, Any]:
        """The document's custom properties, each as its type says: a whole number, a decimal,
        text or a yes/no; a value that is not what its type says is its text."""
        found: dict[str, Any] = {}
        if "docProps/custom.xml" not in self._names:
            return found
        for element in self._elements("docProps/custom.xml", f"{_CUSTOM}property"):
            for value in element:
                kind, text = value.tag.removeprefix(_TYPES), (value.text or "").strip()
                found[element.get("name", "")] = _typed(kind, text)
        return found

    def created(self) -> date | None:
        """The day the document says it was created (`dcterms:created`), which Excel and
        LibreOffice keep when they save; None when it says none, or nothing readable."""
        if "docProps/core.xml" not in self._names:
            return None
        for element in self._elements("docProps/core.xml", f"{_DCTERMS}created"):
            try:
                return date.fromisoformat((element.text or "").strip()[:10])
            except ValueError:
                return None
        return None

    # -- cells ------------------------------------------------------------------------------------

    def rows(self, sheet: str) -> Iterator[tuple[int, dict[int, Any]]]:
        """Each row of `sheet` that holds something, in order: its number and its cells' values by
        column (1 = A). Blank cells are left out; a cell that is not what it claims is a
        `CellProblem`. A row or column past the budget stops the reading with one error."""
        part = self._part_of(sheet)
        rows = 0
        for number, cells in self._sheet_rows(part, sheet):
            if not cells:
                continue
            rows += 1
            if rows > self.budget.rows:
                raise InvalidValue(
                    f"the sheet {sheet!r} has more than {self.budget.rows:,} rows with something in them; "
                    "split it into several files",
                )
            yield number, cells

    def cells(self, sheet: str, wanted: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Any]:
        """The values of the cells `wanted` ((row, column) pairs) of `sheet`; a blank one is None.
        Reading stops at the last row wanted."""
        wanted = set(wanted)
        found: dict[tuple[int, int], Any] = dict.fromkeys(wanted)
        last = max((row for row, _ in wanted), default=0)
        for number, cells in self._sheet_rows(self._part_of(sheet), sheet, wanted):
            if number > last:
                break
            for column, value in cells.items():
                if (number, column) in found:
                    found[number, column] = value
        return found

    def _part_of(self, sheet: str) -> str:
        for entry in self.sheets:
            if entry.name == sheet:
                if entry.part is None:
                    raise InvalidValue(f"the sheet {sheet!r} is a chart sheet, not a table")
                return entry.part
        raise InvalidValue(f"the workbook has no sheet {sheet!r}")

    def _sheet_rows(
        self, part: str, sheet: str, wanted: set[tuple[int, int]] | None = None
    ) -> Iterator[tuple[int, dict[int, Any]]]:
        """Each row's number and cells; of `wanted` cells only, when given (the others are
        passed over unread: a value's reading is most of a cell's cost)."""
        row_number, row_cells = 0, {}
        # Each cell at its end, checked and cleared: a row of a million cells is never held.
        for event, element in self._events(part, f"{_MAIN}row", f"{_MAIN}c"):
            if element.tag == f"{_MAIN}c":
                if event == "end":
                    row, column = _position(element.get("r"), row_number, row_cells)
                    if wanted is None or (row, column) in wanted:
                        value = self._value(element)
                    else:  # held, unread: a next cell without a reference still comes after it
                        value = _UNREAD if len(element) else None
                    if value is not None:
                        if column > self.budget.columns:
                            raise InvalidValue(
                                f"the sheet {sheet!r} has a cell in column {column:,}, past the limit of "
                                f"{self.budget.columns:,} columns"
                            )
                        row_cells[column] = value
                    element.clear()
                continue
            if event == "start":
                number = element.get("r")
                row_number = int(number) if number and number.isdigit() else row_number + 1
                if not 1 <= row_number <= MAX_ROWS:
                    raise InvalidValue(
                        f"the sheet {sheet!r} has a row numbered {row_number:,}, which Excel cannot"
                    )
                row_cells = {}
            else:
                yield row_number, row_cells
                element.clear()

    def _value(self, cell: ElementTree.Element) -> Any:
        """What a cell holds: None when blank; a formula's saved value, or a problem when none was saved."""
        kind = cell.get("t", "n")
        formula = cell.find(f"{_MAIN}f")
        raw = cell.find(f"{_MAIN}v")
        text = raw.text if raw is not None else None
        if kind == "inlineStr":
            inline = cell.find(f"{_MAIN}is")
            return self._counted(_text_of(inline)) if inline is not None else None
        if text is None:
            if formula is not None and (formula.text or "").strip():
                return CellProblem(
                    "holds a formula saved without its value; type the figure, or open and save the file in Excel"
                )
            return None
        if kind == "s":
            return self._shared_string(text)
        if kind in ("str", "e"):
            return self._counted(text) if kind == "str" else CellProblem(f"holds the error {text[:20]}")
        if kind == "b":
            return (
                text.strip() in ("1", "true")
                if text.strip() in ("0", "1", "true", "false")
                else CellProblem(f"holds {text[:20]!r} where a yes/no value should be")
            )
        if kind == "d":
            try:
                return datetime.fromisoformat(text.strip())
            except ValueError:
                return CellProblem(f"holds {text[:20]!r} where a date should be")
        try:
            number = float(text)
        except ValueError:
            return CellProblem(f"holds {text[:20]!r} where a number should be")
        if not math.isfinite(number):
            return CellProblem(f"holds {text[:20]!r} where a number should be")
        style = cell.get("s")
        if style and style.isdigit() and int(style) in self._dates():
            return self._date(number)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number

    def _date(self, serial: float) -> datetime | CellProblem:
        epoch = datetime(1904, 1, 1) if self.date1904 else datetime(1899, 12, 30)
        if not 0 <= serial < 2_958_466:  # Excel's last day is 9999-12-31
            return CellProblem(f"holds {serial} where a date should be")
        return epoch + timedelta(days=serial)

    def _shared_string(self, text: str) -> str | CellProblem:
        if self._shared is None:
            self._shared = self._read_shared_strings()
        index = text.strip()
        if not index.isdigit() or int(index) >= len(self._shared):
            return CellProblem(f"refers to shared text {index[:12]!r}, which the file does not hold")
        return self._shared[int(index)]

    def _read_shared_strings(self) -> list[str]:
        strings: list[str] = []
        if "xl/sharedStrings.xml" not in self._names:
            return strings
        for element in self._elements("xl/sharedStrings.xml", f"{_MAIN}si"):
            if len(strings) >= self.budget.shared_strings:
                raise InvalidValue(f"holds more than {self.budget.shared_strings:,} shared strings")
            strings.append(self._counted(_text_of(element)))
            element.clear()
        return strings

    def _counted(self, text: str) -> str:
        self._text_bytes += len(text)
        if self._text_bytes > self.budget.text_bytes:
            raise InvalidValue(f"holds more than {self.budget.text_bytes:,} characters of text")
        return text

    def _dates(self) -> frozenset[int]:
        """The cell formats (a cell's `s`) whose number format shows a date or a time."""
        if self._date_styles is None:
            self._date_styles = frozenset()
            if "xl/styles.xml" in self._names:
                self._date_styles = self._read_part("xl/styles.xml", _STYLE_TAGS, _formats_shown_as_dates)
        return self._date_styles

    def _read_part(self, part: str, tags: tuple[str, ...], reading: Callable[[Events], _T]) -> _T:
        """`reading` of the events of `tags` in `part`. A small part is read whole and what
        `reading` makes of its bytes kept: the workbooks of one segxlsx, or saved by one
        program, share their styles, workbook and relationships, so each is read once."""
        info = self._zip.getinfo(part)
        if info.file_size > _SMALL_PART:
            return reading(self._events(part, *tags))
        try:
            data = _Bounded(self._zip.open(info), _SMALL_PART, part).read_all()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            if isinstance(error, InvalidValue):
                raise
            raise InvalidValue(f"cannot read its part {part} ({type(error).__name__})") from None
        return _read_once(reading, tags, data, part)

    # -- XML, streamed and bounded ------------------------------------------------------------------

    def _elements(self, part: str, *tags: str) -> Iterator[ElementTree.Element]:
        for event, element in self._events(part, *tags):
            if event == "end":
                yield element

    def _events(self, part: str, *tags: str) -> Iterator[tuple[str, ElementTree.Element]]:
        """Start and end events of the elements `tags` of a part, parsed as it is decompressed."""
        try:
            stream = _Bounded(self._zip.open(part), self.budget.part_bytes, part)
            checks = 0
            for event, element in ElementTree.iterparse(stream, events=("start", "end")):
                checks += 1
                if checks % 4096 == 0 and time.monotonic() > self._deadline:
                    raise InvalidValue(f"took longer than {self.budget.seconds:g} s to read")
                if element.tag in tags:
                    yield event, element
        except ElementTree.ParseError as error:
            raise InvalidValue(f"cannot read its part {part} (not well-formed XML: {error})") from None
        except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError) as error:
            if isinstance(error, InvalidValue):
                raise
            raise InvalidValue(f"cannot read its part {part} ({type(error).__name__})") from None


_PIECE = 4096


class _Bounded:
    """A part's decompressed bytes, read through a counter: past `limit`, an error, and no more.
    A document type declaration is refused: Excel never writes one, and entities can bomb."""

    def __init__(self, stream: IO[bytes], limit: int, part: str) -> None:
        self.stream, self.limit, self.part, self.read_so_far = stream, limit, part, 0
        self.head = b""

    def read(self, size: int = -1) -> bytes:
        # Small pieces: the XML parser reads what it is given in full, and a read-back that wants
        # a sheet's first rows stops after the piece that holds them.
        chunk = self.stream.read(min(size, _PIECE) if size > 0 else _PIECE)
        self.read_so_far += len(chunk)
        if self.read_so_far > self.limit:
            raise InvalidValue(f"its part {self.part} expands past {self.limit:,} bytes")
        if len(self.head) < 1024:
            self.head += chunk[:1024]
            if b"<!DOCTYPE" in self.head or b"<!ENTITY" in self.head:
                raise InvalidValue(f"its part {self.part} declares a document type, which Excel never writes")
        return chunk

    def read_all(self) -> bytes:
        pieces = []
        while chunk := self.read():
            pieces.append(chunk)
        return b"".join(pieces)


_SMALL_PART = 256 * 1024  # a part read whole, and its reading kept by its bytes (32 at most)
_STYLE_TAGS = (f"{_MAIN}numFmt", f"{_MAIN}cellXfs", f"{_MAIN}xf")


_RELS_TAGS = (f"{_RELS}Relationship",)
_BOOK_TAGS = (f"{_MAIN}sheet", f"{_MAIN}definedName", f"{_MAIN}workbookPr")
_T = TypeVar("_T")
Events = Iterable[tuple[str, ElementTree.Element]]


@functools.lru_cache(maxsize=32)
def _read_once(reading: Callable[[Events], _T], tags: tuple[str, ...], data: bytes, part: str) -> _T:
    """What `reading` makes of a small part's bytes (its events of `tags`): immutable, shared."""
    events = ElementTree.iterparse(io.BytesIO(data), events=("start", "end"))
    try:
        return reading((event, element) for event, element in events if element.tag in tags)
    except ElementTree.ParseError as error:
        raise InvalidValue(f"cannot read its part {part} (not well-formed XML: {error})") from None


def _worksheet_targets(events: Events) -> tuple[tuple[str, str], ...]:
    """The workbook's relationships to worksheets: each id and the part it names."""
    return tuple(
        (element.get("Id", ""), _part_path(element.get("Target", "")))
        for event, element in events
        if event == "end" and element.get("Type") == _WORKSHEET
    )


def _workbook_entries(
    events: Events,
) -> tuple[bool, tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """Whether the workbook counts days from 1904, its sheets (name, relationship id) in order,
    and its workbook-scope defined names (name, what it refers to)."""
    date1904, sheets, names = False, [], []
    for event, element in events:
        if event != "end":
            continue
        tag = element.tag
        if tag == f"{_MAIN}workbookPr":
            date1904 = element.get("date1904") in ("1", "true")
        elif tag == f"{_MAIN}sheet":
            sheets.append((element.get("name", ""), element.get(f"{_OFFICE_RELS}id", "")))
        elif element.get("localSheetId") is None and element.get("name"):
            names.append((element.get("name", ""), (element.text or "").strip()))
    return date1904, tuple(sheets), tuple(names)


def _formats_shown_as_dates(events: Iterable[tuple[str, ElementTree.Element]]) -> frozenset[int]:
    """The cell formats (numbered in order from 0) whose number format is a date's or a time's."""
    custom: dict[int, str] = {}
    found: set[int] = set()
    formats, inside = 0, False
    for event, element in events:
        if element.tag == f"{_MAIN}cellXfs":
            inside = event == "start"
        elif event == "end" and element.tag == f"{_MAIN}numFmt":
            number = element.get("numFmtId", "")
            if number.isdigit():
                custom[int(number)] = element.get("formatCode", "")
        elif event == "end" and inside:  # a cell format, numbered in order from 0
            number = element.get("numFmtId", "0")
            if number.isdigit() and _is_date_format(int(number), custom):
                found.add(formats)
            formats += 1
    return frozenset(found)


_UNREAD = object()  # a cell that holds something, passed over by `cells`


def _text_of(item: ElementTree.Element) -> str:
    """A string item's text: its own `<t>`, or its rich text runs' (`<r><t>`), not the phonetic
    guides (`<rPh>`) beside them."""
    plain = item.find(f"{_MAIN}t")
    if plain is not None:
        return plain.text or ""
    return "".join(run.findtext(f"{_MAIN}t") or "" for run in item.findall(f"{_MAIN}r"))


def _part_path(target: str) -> str:
    target = target.lstrip("/")
    return target if target.startswith("xl/") else f"xl/{target}"


def _position(ref: str | None, row: int, cells: dict[int, Any]) -> tuple[int, int]:
    """A cell's row and column from its `r`, or, without one, the next column of its row."""
    if ref:
        match = _CELL.fullmatch(ref)
        if match:
            column = 0
            for letter in match[1]:
                column = column * 26 + ord(letter) - 64
            if column <= MAX_COLUMNS:
                return int(match[2]), column
    return row, max(cells, default=0) + 1


def _typed(kind: str, text: str) -> Any:
    try:
        if kind in ("i1", "i2", "i4", "i8", "int", "ui1", "ui2", "ui4", "ui8", "uint"):
            return int(text)
        if kind in ("r4", "r8", "decimal"):
            number = float(text)
            return number if math.isfinite(number) else text
        if kind == "bool":
            return text in ("1", "true")
    except ValueError:
        return text
    return text


_BUILTIN_DATES = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
_QUOTED_OR_COLOUR = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')


def _is_date_format(number: int, custom: dict[int, str]) -> bool:
    """Whether number format `number` shows a date or a time (Excel's built-in ones, or a custom
    code with a day, month or year part outside quoted text)."""
    if number in _BUILTIN_DATES:
        return True
    code = custom.get(number)
    if not code:
        return False
    shown = _QUOTED_OR_COLOUR.sub("", code.split(";")[0]).lower()
    return any(part in shown for part in "dmyhs")
