"""An .xlsx file read as untrusted input: its XML streamed, within budgets, never trusted.

Intake sheets (offers typed into Excel) and workbooks edited by hand come from people and their
tools; a file may claim a million rows (`<dimension ref="A1:XFD1048576"/>`), hold twelve million
shared strings, expand a small zip into gigabytes, put a chart sheet where a table should be,
or hold a cell that is not what its type says. So nothing here believes the file: no declared
dimension is used, every part is decompressed through a byte counter, rows, columns, shared
strings, text and time are bounded (`Budget`), and only worksheets are read. What breaks a
budget is one `InvalidValue` naming the limit; a malformed cell is a `CellProblem` in its place,
for the reader to report at its row, never a traceback.

The worksheets and the shared strings, which are most of a file, are parsed by expat's callbacks
(`_StreamedXml`): no element is built, and a read-back that wants ~20 cells of a sheet's first
rows stops parsing at the row after them. The small parts (the workbook, its relationships,
styles, properties) are read with ElementTree. Either way, a document type declaration is
refused: Excel never writes one, and its entities can bomb or reach out of the file.

openpyxl is not used: it pads rows to the declared dimension and trusts the shared strings.
"""

from __future__ import annotations

import contextlib
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
from xml.parsers import expat

from ..errors import InvalidValue
from ..xlsx.refs import MAX_ROW, coordinates
from ..xlsx.text import MAX_CELL_TEXT

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
_TYPES = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"
_DCTERMS = "{http://purl.org/dc/terms/}"
_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"


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
        self._deadline = _Deadline(time.monotonic() + budget.seconds, budget.seconds)
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
        if "docProps/custom.xml" in self._names:
            for _ in self._fed("docProps/custom.xml", _PropertiesXml(found)):
                pass
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
        for number, cells in self._sheet_rows(self._part_of(sheet), sheet, wanted):
            for column, value in cells.items():
                # A cell not read is in its row to place the next one; a cell whose reference
                # says another row than its row's number is never a wanted one's value.
                if (number, column) in found and value is not _UNREAD:
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
        passed over unread: a value's reading is most of a cell's cost), and then only up to
        the last row wanted."""
        reading = _SheetXml(self, sheet, part, wanted)
        try:
            for _ in self._fed(part, reading):
                yield from reading.ended_rows()
        except _PastLastRow:
            pass
        yield from reading.ended_rows()

    def _value(self, cell: _CellXml) -> Any:
        """What a cell holds: None when blank; a formula's saved value, or a problem when none was saved."""
        kind = cell.kind
        if kind == "inlineStr":
            return self._counted(cell.inline) if cell.inline is not None else None
        text = cell.value or None  # `<v/>` holds nothing
        if text is None:
            if cell.formula and cell.formula.strip():
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
        style = cell.style
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
        reading = _SharedStringsXml(self, strings)
        for _ in self._fed("xl/sharedStrings.xml", reading):
            pass
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
        with _one_line_errors(part):
            data = _Bounded(self._zip.open(info), _SMALL_PART, part, self._deadline).read_all()
        return _read_once(reading, tags, data, part)

    # -- XML, streamed and bounded ------------------------------------------------------------------

    def _elements(self, part: str, *tags: str) -> Iterator[ElementTree.Element]:
        for event, element in self._events(part, *tags):
            if event == "end":
                yield element

    def _events(self, part: str, *tags: str) -> Iterator[tuple[str, ElementTree.Element]]:
        """Start and end events of the elements `tags` of a part, parsed as it is decompressed."""
        with _one_line_errors(part):
            for event, element in ElementTree.iterparse(self._stream(part), events=("start", "end")):
                if element.tag in tags:
                    yield event, element

    def _stream(self, part: str) -> _Bounded:
        return _Bounded(self._zip.open(part), self.budget.part_bytes, part, self._deadline)

    def _fed(self, part: str, reading: _StreamedXml) -> Iterator[None]:
        """`part` fed to `reading`'s parser as it is decompressed, piece by piece: after each, a
        pause, for what it made of it to be taken."""
        with _one_line_errors(part):
            stream = self._stream(part)
            while piece := stream.read():
                reading.parser.Parse(piece, False)
                yield
            reading.parser.Parse(b"", True)


@contextlib.contextmanager
def _one_line_errors(part: str) -> Iterator[None]:
    """A part that cannot be read said in one line naming it, whichever parser found it out."""
    try:
        yield
    except (ElementTree.ParseError, expat.ExpatError) as error:
        raise InvalidValue(f"cannot read its part {part} (not well-formed XML: {error})") from None
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError) as error:
        if isinstance(error, InvalidValue):
            raise
        raise InvalidValue(f"cannot read its part {part} ({type(error).__name__})") from None


@dataclass(frozen=True)
class _Deadline:
    """When a file's reading must be done by (`time.monotonic`), and the budget it came from."""

    at: float
    seconds: float

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise InvalidValue(f"took longer than {self.seconds:g} s to read")


def _document_type_refused(part: str) -> InvalidValue:
    return InvalidValue(f"its part {part} declares a document type, which Excel never writes")


_PIECE = 4096


class _Bounded:
    """A part's decompressed bytes, read through a counter: past `limit`, an error, and no more;
    past the deadline, too (a piece's parsing takes a bounded time, so no parse runs long).
    A document type declaration in its first KiB is refused: Excel never writes one, and
    entities can bomb (the streamed reader's parser refuses one anywhere: `_StreamedXml`)."""

    def __init__(self, stream: IO[bytes], limit: int, part: str, deadline: _Deadline) -> None:
        self.stream, self.limit, self.part, self.deadline, self.read_so_far = stream, limit, part, deadline, 0
        self.head = b""

    def read(self, size: int = -1) -> bytes:
        # Small pieces: the XML parser reads what it is given in full, and a read-back that wants
        # a sheet's first rows stops after the piece that holds them.
        self.deadline.check()
        chunk = self.stream.read(min(size, _PIECE) if size > 0 else _PIECE)
        self.read_so_far += len(chunk)
        if self.read_so_far > self.limit:
            raise InvalidValue(f"its part {self.part} expands past {self.limit:,} bytes")
        if len(self.head) < 1024:
            self.head += chunk[:1024]
            if b"<!DOCTYPE" in self.head or b"<!ENTITY" in self.head:
                raise _document_type_refused(self.part)
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
    with _one_line_errors(part):
        return reading((event, element) for event, element in events if element.tag in tags)


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
MAX_TEXT = 4 * MAX_CELL_TEXT  # characters of one text element: a cell's, rich text's runs and more

# expat names an element "namespace}name" (its `namespace_separator`); ElementTree "{namespace}name"
_ROW, _C, _V, _F, _IS, _T, _R, _SI = (
    f"{_MAIN[1:]}{name}" for name in ("row", "c", "v", "f", "is", "t", "r", "si")
)
_PROPERTY, _VALUE_TYPES = f"{_CUSTOM[1:]}property", _TYPES[1:]


class _StreamedXml:
    """A part read by expat's callbacks, `start` and `end`, as its pieces are fed (`XlsxFile._fed`):
    no element is built. Text is gathered only `into` a list given for the element just opened,
    up to its first child (what ElementTree calls an element's text). A document type is refused
    wherever it is: Excel never writes one, and the entities it declares can bomb or reach out."""

    def __init__(self, part: str) -> None:
        self.into: list[str] | None = None
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.buffer_text = True  # one text, one call
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.parser.StartDoctypeDeclHandler = lambda *_: _refuse(part)  # before any entity it declares

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        raise NotImplementedError

    def end(self, tag: str) -> None:
        raise NotImplementedError

    def text(self, data: str) -> None:
        into = self.into
        if into is not None:
            into.append(data)
            # Its length looked at as the pieces double (16, 32, …): a text of a million pieces
            # costs ~20 looks, and one past what any cell holds is refused before it is held.
            count = len(into)
            if count >= 16 and not count & (count - 1) and sum(map(len, into)) > MAX_TEXT:
                raise InvalidValue(
                    f"holds a text of more than {MAX_TEXT:,} characters, more than a cell of Excel's holds"
                )


class _StringItem:
    """A string item's text (a cell's `<is>`, a shared string's `<si>`): its own `<t>`, or its rich
    text runs' (`<r><t>`), not the phonetic guides (`<rPh>`) beside them. Told of each element
    opened and closed inside it, and how deep (1 for its child)."""

    __slots__ = ("plain", "runs", "in_run")

    def __init__(self) -> None:
        self.plain: list[str] | None = None
        self.runs: list[list[str] | None] = []
        self.in_run = False

    def start(self, tag: str, depth: int) -> list[str] | None:
        """Where the text of `tag`, just opened, goes: a `<t>` of the item's own or of a run."""
        if depth == 1:
            if tag == _T and self.plain is None:
                self.plain = []
                return self.plain
            if tag == _R:
                self.in_run = True
                self.runs.append(None)
        elif depth == 2 and tag == _T and self.in_run and self.runs[-1] is None:
            self.runs[-1] = []
            return self.runs[-1]
        return None

    def end(self, tag: str, depth: int) -> None:
        if depth == 1 and tag == _R:
            self.in_run = False

    @property
    def text(self) -> str:
        if self.plain is not None:
            return "".join(self.plain)
        return "".join("".join(run) for run in self.runs if run is not None)


class _CellXml:
    """A cell as its XML says it: the type and style on its start tag, and what ElementTree
    would give of its first `<v>`, `<f>` and `<is>` (each one's own text, up to its first child).
    Gathered only of a cell whose value is read."""

    # What a cell has until its XML says otherwise: set here once, not for each of a sheet's cells.
    depth = 0  # of the element open inside it: 1 for its child
    v: list[str] | None = None
    f: list[str] | None = None
    is_: _StringItem | None = None
    in_is = False  # inside that first `<is>`

    def __init__(self, column: int, kind: str, style: str | None) -> None:
        self.column, self.kind, self.style = column, kind, style

    def start(self, tag: str) -> list[str] | None:
        """Where the text of `tag`, just opened in the cell, goes, if a value is read from it."""
        if self.depth > 1:
            return self.is_.start(tag, self.depth - 1) if self.in_is else None  # type: ignore[union-attr]
        if tag == _V and self.v is None:
            self.v = []
            return self.v
        if tag == _F and self.f is None:
            self.f = []
            return self.f
        if tag == _IS and self.is_ is None:
            self.is_, self.in_is = _StringItem(), True
        return None

    def end(self, tag: str) -> None:
        """The end of `tag`, inside the cell."""
        if self.in_is:
            if self.depth > 1:
                self.is_.end(tag, self.depth - 1)  # type: ignore[union-attr]
            else:
                self.in_is = False
        self.depth -= 1

    @property
    def value(self) -> str | None:
        return "".join(self.v) if self.v is not None else None

    @property
    def formula(self) -> str | None:
        return "".join(self.f) if self.f is not None else None

    @property
    def inline(self) -> str | None:
        """Its inline string; None without an `<is>`."""
        return self.is_.text if self.is_ is not None else None


class _SheetXml(_StreamedXml):
    """A worksheet's rows: a cell's value is read from its start tag and texts (`_CellXml`), and
    each cell is checked and let go at its end, so a row of a million cells is never held. Rows
    ended are kept until asked for (`ended_rows`), after each piece; a row past the last wanted
    stops the parsing."""

    def __init__(self, book: XlsxFile, sheet: str, part: str, wanted: set[tuple[int, int]] | None) -> None:
        super().__init__(part)
        self.book, self.sheet, self.wanted = book, sheet, wanted
        self.last_row = max((row for row, _ in wanted), default=0) if wanted is not None else MAX_ROW
        self.row_number, self.row_cells = 0, {}
        self.rows: list[tuple[int, dict[int, Any]]] = []
        self.cell: _CellXml | None = None  # the cell being read
        # The rows that hold a wanted cell: any other row before the last is passed over.
        self.wanted_rows = {row for row, _ in wanted} if wanted is not None else None
        self.skipped_depth = 0  # of the element open inside a row or a cell passed over
        self.unread_column, self.unread_holds = 0, False  # of the cell passed over
        # Text is wanted only inside a cell whose value is read (`_start_cell` turns it on).
        self.parser.CharacterDataHandler = None

    def ended_rows(self) -> list[tuple[int, dict[int, Any]]]:
        rows, self.rows = self.rows, []
        return rows

    # The two handlers below run for every element of the sheet's first rows: kept short.
    def start(self, tag: str, attributes: dict[str, str]) -> None:
        cell = self.cell
        if cell is None:
            if tag == _C:
                self._start_cell(attributes)
            elif tag == _ROW:
                self._start_row(attributes)
            return
        cell.depth += 1
        self.into = cell.start(tag)  # an element's own text ends where its first child starts

    def end(self, tag: str) -> None:
        cell = self.cell
        if cell is None:
            if tag == _ROW:
                self.rows.append((self.row_number, self.row_cells))
                self.row_cells = {}
            return
        self.into = None  # the text after an element is not its own
        if not cell.depth:
            self._end_cell(cell)
        elif cell.in_is:
            cell.end(tag)
        else:
            cell.depth -= 1

    def _start_row(self, attributes: dict[str, str]) -> None:
        number = attributes.get("r")
        self.row_number = int(number) if number and number.isdigit() else self.row_number + 1
        if not 1 <= self.row_number <= MAX_ROW:
            raise InvalidValue(
                f"the sheet {self.sheet!r} has a row numbered {self.row_number:,}, which Excel cannot"
            )
        self.row_cells = {}
        if self.row_number > self.last_row:
            raise _PastLastRow  # the parsing stops here, in the middle of a piece
        if self.wanted_rows is not None and self.row_number not in self.wanted_rows:
            self.parser.StartElementHandler = self._start_skipped
            self.parser.EndElementHandler = self._end_skipped

    # A row with no wanted cell, passed over to its end: nothing of it is kept or checked (a
    # cell past the column budget there costs no memory), and each of its elements costs two
    # calls of a line each, not the cells' handlers (~40% of reading an Offer sheet's inputs).
    def _start_skipped(self, tag: str, attributes: dict[str, str]) -> None:
        self.skipped_depth += 1

    def _end_skipped(self, tag: str) -> None:
        if self.skipped_depth:
            self.skipped_depth -= 1
            return
        self._resume()
        self.rows.append((self.row_number, {}))

    def _resume(self) -> None:
        """Back to the cells' own handlers, once what was passed over has ended."""
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end

    def _start_cell(self, attributes: dict[str, str]) -> None:
        position = _position(attributes.get("r"), self.row_number, self.row_cells)
        if self.wanted is None or position in self.wanted:
            self.cell = _CellXml(position[1], attributes.get("t", "n"), attributes.get("s"))
            self.parser.CharacterDataHandler = self.text
        else:
            self.unread_column, self.unread_holds = position[1], False
            self.parser.StartElementHandler = self._start_unread
            self.parser.EndElementHandler = self._end_unread

    # A cell of a wanted row that is not wanted itself, passed over to its end like a row: only
    # whether it holds something is kept (`_UNREAD`), for the next cell without a reference to
    # be placed after it, and its column is held to the budget.
    def _start_unread(self, tag: str, attributes: dict[str, str]) -> None:
        self.skipped_depth += 1
        self.unread_holds = True

    def _end_unread(self, tag: str) -> None:
        if self.skipped_depth:
            self.skipped_depth -= 1
            return
        self._resume()
        if self.unread_holds:
            self._keep(self.unread_column, _UNREAD)

    def _end_cell(self, cell: _CellXml) -> None:
        self.cell = None
        self.parser.CharacterDataHandler = None
        value = self.book._value(cell)
        if value is not None:
            self._keep(cell.column, value)

    def _keep(self, column: int, value: Any) -> None:
        if column > self.book.budget.columns:
            raise InvalidValue(
                f"the sheet {self.sheet!r} has a cell in column {column:,}, past the limit of "
                f"{self.book.budget.columns:,} columns"
            )
        self.row_cells[column] = value


class _SharedStringsXml(_StreamedXml):
    """The shared strings, each `<si>`'s text, counted against the budgets, into `strings`."""

    def __init__(self, book: XlsxFile, strings: list[str]) -> None:
        super().__init__("xl/sharedStrings.xml")
        self.book, self.strings = book, strings
        self.item: _StringItem | None = None  # the one being read
        self.depth = 0  # of the element open inside it

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if self.item is not None:
            self.depth += 1
            self.into = self.item.start(tag, self.depth)
        elif tag == _SI:
            if len(self.strings) >= self.book.budget.shared_strings:
                raise InvalidValue(f"holds more than {self.book.budget.shared_strings:,} shared strings")
            self.item = _StringItem()

    def end(self, tag: str) -> None:
        self.into = None
        if self.item is None:
            return
        if self.depth:
            self.item.end(tag, self.depth)
            self.depth -= 1
        else:
            self.strings.append(self.book._counted(self.item.text))
            self.item = None


class _PropertiesXml(_StreamedXml):
    """The custom properties into `found`: each `<property>`'s name, and its value (its child,
    `<vt:i4>2</vt:i4>`) as its type says (`_typed`); of several children, the last."""

    def __init__(self, found: dict[str, Any]) -> None:
        super().__init__("docProps/custom.xml")
        self.found = found
        self.name: str | None = None  # of the property being read
        self.depth = 0  # of the element open inside it
        self.kind, self.value = "", [""]

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if self.name is None:
            if tag == _PROPERTY:
                self.name = attributes.get("name", "")
            return
        self.depth += 1
        if self.depth == 1:
            self.kind, self.value = tag.removeprefix(_VALUE_TYPES), []
            self.into = self.value
        else:
            self.into = None  # a value's own text ends at its first child

    def end(self, tag: str) -> None:
        self.into = None
        if self.name is None:
            return
        if self.depth == 1:
            self.found[self.name] = _typed(self.kind, "".join(self.value).strip())
        elif self.depth == 0:
            self.name = None
            return
        self.depth -= 1


class _PastLastRow(Exception):
    """Raised by a row past the last one wanted, out of the parser, to stop it."""


def _refuse(part: str) -> None:
    raise _document_type_refused(part)


def _part_path(target: str) -> str:
    target = target.lstrip("/")
    return target if target.startswith("xl/") else f"xl/{target}"


def _position(ref: str | None, row: int, cells: dict[int, Any]) -> tuple[int, int]:
    """A cell's row and column from its `r`, or, without one (or a broken one), the next column
    of its row."""
    if ref:
        try:
            return coordinates(ref)
        except ValueError:
            pass
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
