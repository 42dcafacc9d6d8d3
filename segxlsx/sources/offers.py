"""Offers as recruiters write them: YAML, JSON, CSV or .xlsx files in, `Offer` objects out.

A batch is worth only what its worst file lets through, so nothing here stops at the first bad
offer: each offer that cannot be used becomes one `OfferError` naming its file, its row (CSV) or
index (YAML/JSON list), its candidate and its field, and the others load. Only an unusable list
of paths (a missing file, a folder with no offers) stops the run, since then nothing can be done.

File formats (fields as in SPEC.md, "Offers"):
- `.yaml`/`.yml`/`.json`: one offer (a mapping) or a list of them; `competing` is a list of
  mappings (one mapping alone is taken as a list of one).
- `.csv`: a header row naming the fields, then one offer per row; empty cells mean "not given".
  A cell that starts with `'` and then `=`, `+`, `-`, `@`, a tab or another `'` loses that `'`:
  it is how `export` (and a spreadsheet) keeps such text from becoming a formula.
- `.xlsx`: the same table on the sheet named "Offers", else the first sheet; numbers, Excel
  percentages (0.12 shown as 12%) and text such as "12%" all read; a date reads as its ISO text.
  Rows are numbered as Excel numbers them (the header is row 1), since that is what the user sees.
  Header names ignore case, spaces and hyphens ("Sign on"). A `competing` cell holds the same
  list in YAML flow form or JSON, e.g. `[{company: Snowflake, base: $215K, stock: $240K,
  bonus: 15%}]`. A header with more semicolons than commas makes `;` the delimiter.

What each field holds, and how it is read and checked, is `offer_fields` (the one table of an
offer's fields); this module turns files into records of fields, and records into offers.

Every file is untrusted: it is read through `files` (regular files only, a size cap, YAML 1.2
with duplicate keys refused and aliases bounded by what they expand to), nested values are never
printed whole, and text an Excel file cannot hold is refused here, field by field, with its
code point, before it can break a workbook later.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, time
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import InvalidValue, Location, OfferError, SegxlsxError, display_path, located
from ..model import Guide, Offer
from ..xlsx.refs import column_letter
from ..xlsx.text import starts_like_formula
from .files import MAX_FILE_BYTES, check_file_name, decode_text, load_json, load_yaml, read_bytes, shorten
from .offer_fields import blank, candidate_hint, field_name, kind_of, read_offer

OFFER_SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".xlsx")


@dataclass(frozen=True)
class LoadedOffers:
    """What a load produced: the offers that can be used and one error per offer that cannot."""

    offers: tuple[Offer, ...] = ()
    failures: tuple[OfferError, ...] = ()

    def __add__(self, other: LoadedOffers) -> LoadedOffers:
        return LoadedOffers(self.offers + other.offers, self.failures + other.failures)


def load_offers(
    paths: Iterable[str | Path], guides: Mapping[str, Guide], max_bytes: int = MAX_FILE_BYTES
) -> LoadedOffers:
    """Load offer files and folders of them, in input order (a folder's files sorted by name).

    A bad offer or file is reported in `failures` and the rest load; a path that does not exist,
    or no offer file at all, raises `SegxlsxError` (nothing could run).
    """
    return _collected(iter_offers(paths, guides, max_bytes))


def iter_offers(
    paths: Iterable[str | Path], guides: Mapping[str, Guide], max_bytes: int = MAX_FILE_BYTES
) -> Iterator[Offer | OfferError]:
    """Each offer of `load_offers`, or the error that stands for it, one at a time in input order.

    A build of 50,000 offers reads them this way rather than holding them all: the same files
    give the same offers, in the same order, each time.
    """
    return (load() for load in offer_loaders(paths, guides, max_bytes))


def offer_loaders(
    paths: Iterable[str | Path], guides: Mapping[str, Guide], max_bytes: int = MAX_FILE_BYTES
) -> Iterator[Callable[[], Offer | OfferError]]:
    """What `iter_offers` gives, each as a function that checks and builds it only when called.

    A build reads its offers a second time to hand them to the workers; the offers it skips as
    unchanged are then only counted past, not checked again (most of a rerun's reading).
    """
    for path in offer_files(paths):
        yield from _file_loaders(path, guides, max_bytes)


def _collected(items: Iterable[Offer | OfferError]) -> LoadedOffers:
    offers: list[Offer] = []
    failures: list[OfferError] = []
    for item in items:
        (failures if isinstance(item, OfferError) else offers).append(item)  # type: ignore[arg-type]
    return LoadedOffers(tuple(offers), tuple(failures))


def offer_files(paths: Iterable[str | Path]) -> list[Path]:
    """The offer files named, with folders expanded to the offer files inside them (sorted).

    What else a folder holds is not read (`skipped_files` says what and why): its sub-folders,
    other formats, hidden files and editors' locks (`.~lock.offers.csv#`, `~$offers.xlsx`).
    """
    paths = [Path(path) for path in paths]
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if _why_skipped(p) is None)
        elif path.exists() or path.is_symlink():  # a link that loops is read, and refused, below
            files.append(path)
        else:
            raise SegxlsxError("no such file or folder", file=display_path(path))
    if not files:
        where = ", ".join(display_path(path) for path in paths) or "the paths given"
        raise SegxlsxError(f"no offer files ({', '.join(OFFER_SUFFIXES)}) in {where}")
    return files


def skipped_files(paths: Iterable[str | Path]) -> list[str]:
    """What the folders among `paths` hold and a build does not read, one line each with why:
    every file there is either read or named."""
    notes = []
    for path in map(Path, paths):
        if path.is_dir():
            for entry in sorted(path.iterdir()):
                why = _why_skipped(entry)
                if why is not None:
                    notes.append(f"{display_path(entry)}: not read, {why}")
    return notes


def _why_skipped(path: Path) -> str | None:
    """Why a folder's entry is not an offer file to read; None when it is one.

    Not `is_file()`: an offers.csv that is a FIFO, a device or a looping link is read, and
    refused, not skipped.
    """
    name, suffix = path.name, path.suffix.lower()
    if name.startswith(("~$", ".~lock.")):
        return "the lock file of a workbook open in Excel or LibreOffice"
    if name.startswith("."):
        return "a hidden file"
    if path.is_dir() and not path.is_symlink():
        return "a folder (offers in it are read only when it is named)"
    if suffix in OFFER_SUFFIXES:
        return None
    if suffix in (".xlsm", ".xls", ".xlsb", ".ods", ".numbers"):
        return f"a {suffix} spreadsheet: save it as .xlsx (or .csv) to read its offers"
    if suffix == ".tsv":
        return "tab-separated: save it as .csv to read its offers"
    return f"not an offer file ({', '.join(OFFER_SUFFIXES)})"


def input_order(paths: Iterable[str | Path]) -> Callable[[SegxlsxError], tuple[int, int]]:
    """A sort key that puts problems in the order their offers stand in the input: by file (as
    `offer_files` lists them), then by row or position. Loading finds some problems and building
    others; every report lists them in this one order."""
    files = {display_path(path): number for number, path in enumerate(offer_files(paths))}

    def key(error: SegxlsxError) -> tuple[int, int]:
        where = error.location
        return files.get(where.file or "", len(files)), where.row or where.index or 0

    return key


def read_offer_file(
    path: str | Path, guides: Mapping[str, Guide], max_bytes: int = MAX_FILE_BYTES
) -> LoadedOffers:
    """Load every offer in one file; a file that cannot be read at all is one failure."""
    return _collected(offer_file_items(path, guides, max_bytes))


def offer_file_items(
    path: str | Path, guides: Mapping[str, Guide], max_bytes: int = MAX_FILE_BYTES
) -> Iterator[Offer | OfferError]:
    """Each offer in one file, or the error that stands for it, as its rows are read."""
    return (load() for load in _file_loaders(Path(path), guides, max_bytes))


def _file_loaders(
    path: Path, guides: Mapping[str, Guide], max_bytes: int
) -> Iterator[Callable[[], Offer | OfferError]]:
    yield from open_offer_file(path, guides, max_bytes).loaders


@dataclass(frozen=True)
class OpenedOfferFile:
    """An offer file read once: what its bytes are, and its offers' loaders, read from those bytes.

    A build recognises a file it has read before by `digest`; its offers come from the very
    bytes the digest was taken of, so a file edited between the two can never pass for the old.
    """

    file: str  # its path as messages and its offers' locations show it (`display_path`)
    digest: str | None  # of its suffix and bytes; None when it could not be read at all
    loaders: Iterator[Callable[[], Offer | OfferError]]


def open_offer_file(
    path: Path, guides: Mapping[str, Guide], max_bytes: int = MAX_FILE_BYTES
) -> OpenedOfferFile:
    """Read one offer file's bytes now; its offers are checked as its loaders are called."""
    file = display_path(path)
    try:
        with located(OfferError, file=file):
            suffix, data = _file_bytes(path, max_bytes)
    except OfferError as error:  # the file cannot be read at all: one failure, and no offers
        return OpenedOfferFile(file, None, iter([partial(_given, error.plain())]))
    digest = hashlib.sha256(suffix.encode() + b"\0" + data).hexdigest()
    return OpenedOfferFile(file, digest, _loaders_of(_records_of(suffix, data), guides, file))


def _loaders_of(
    records: Iterator[_Record], guides: Mapping[str, Guide], file: str
) -> Iterator[Callable[[], Offer | OfferError]]:
    while True:
        try:
            with located(OfferError, file=file):
                record = next(records, None)
        except OfferError as error:  # the file cannot be read at all: one failure, and no offers
            yield partial(_given, error.plain())
            return
        if record is None:
            return
        if record.problem:
            yield partial(_given, _as_offer_error(record.problem.at(file=file)))
            continue
        yield partial(_offer_of, record.fields, guides, replace(record.source, file=file))


def _given(error: OfferError) -> OfferError:
    return error


def _offer_of(fields: Any, guides: Mapping[str, Guide], source: Location) -> Offer | OfferError:
    try:
        return read_offer(fields, guides, source)
    except OfferError as error:
        return error.plain()  # type: ignore[return-value]


def _as_offer_error(error: SegxlsxError) -> OfferError:
    return error if isinstance(error, OfferError) else OfferError(error.message, error.location)


# --- files to records --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Record:
    """One offer's raw fields and where they came from, or why that offer cannot be read."""

    source: Location
    fields: Any = None
    problem: OfferError | None = None


def _file_bytes(path: Path, max_bytes: int) -> tuple[str, bytes]:
    """The file's suffix (lower case) and bytes; what makes it unreadable is raised."""
    suffix = path.suffix.lower()
    if suffix not in OFFER_SUFFIXES:
        raise InvalidValue(
            f"expected an offer file ending in {', '.join(OFFER_SUFFIXES)}, not {suffix or 'no suffix'!r}"
        )
    return suffix, read_bytes(check_file_name(path), max_bytes)


def _records_of(suffix: str, data: bytes) -> Iterator[_Record]:
    """The records of a file's bytes as they are read; what makes the whole file unreadable is raised."""
    if suffix == ".xlsx":
        yield from _xlsx_records(data)
        return
    try:
        text = decode_text(data)
    except InvalidValue as error:
        if suffix == ".csv" and error.message.startswith("not UTF-8"):
            # Excel's plain "CSV" is Windows-1252; its "CSV UTF-8" choice is the one that reads.
            raise InvalidValue(f'{error.message}; in Excel, save it as "CSV UTF-8"') from None
        raise
    if not text.strip():
        raise InvalidValue("the file is empty; expected one offer or a list of them")
    if suffix == ".csv":
        yield from _csv_records(text)
        return
    yield from _document_records(load_json(text) if suffix == ".json" else load_yaml(text))


def _document_records(data: Any) -> Iterator[_Record]:
    """A YAML/JSON document: one offer (a mapping) or a list of them, numbered from 1."""
    if isinstance(data, list):
        if not data:
            raise InvalidValue("the file holds an empty list; expected at least one offer")
        return (_Record(Location(index=number), item) for number, item in enumerate(data, start=1))
    if isinstance(data, dict):
        return iter([_Record(Location(), data)])
    if data is None:
        raise InvalidValue("the file holds no offer (only comments?)")
    raise InvalidValue(f"expected an offer (a mapping of fields) or a list of offers, got {kind_of(data)}")


def _csv_records(text: str) -> Iterator[_Record]:
    """One offer per row under a header row; rows are numbered from 1 below the header.

    Excel set to a European locale saves CSV with semicolons, so a header with more semicolons
    than commas is read that way. A row the csv module cannot read (a stray quote) is one
    problem, named by the line its record starts on, and reading goes on from the next line:
    an unclosed quote would otherwise swallow every row after it. So every row is either an
    offer or a problem. Rows are given as they are read (a generator).
    """
    first_line = text.lstrip("\ufeff").partition("\n")[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    any_rows = False
    with _cells_up_to(len(text)):
        source = _Lines(text)
        reader = csv.reader(source, delimiter=delimiter, strict=True)
        header = _csv_header(reader)
        row = 0
        while True:
            start, start_at = source.taken, source.position  # lines before this record, and where it starts
            try:
                cells = next(reader, None)
            except csv.Error as error:
                row += 1
                problem = OfferError(_csv_problem(error), line=start + 1, row=row)
                any_rows = True
                yield _Record(Location(row=row), problem=problem)
                # The record may have run on over many lines (or to the end, for an unclosed
                # quote); those lines hold the next rows, so read again from the one after its start.
                source = _Lines(text, start_at, start)
                next(source)
                reader = csv.reader(source, delimiter=delimiter, strict=True)
                continue
            if cells is None:
                break
            row += 1
            if any(cell.strip() for cell in cells):  # blank lines are skipped but still counted
                any_rows = True
                yield _csv_record(header, [csv_text(cell) for cell in cells], Location(row=row))
    if not any_rows:
        raise InvalidValue("the file has a header row but no offers below it", line=1)


class _Lines:
    """A file's lines for `csv.reader`, split where csv itself would (as `newline=""` does),
    counting how many it has taken.

    Cut from the text one at a time: a list of a 5 MB file's lines, or a StringIO of it (four
    bytes a character), would hold several times the file.
    """

    _LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")

    def __init__(self, text: str, position: int = 0, taken: int = 0) -> None:
        self.text = text
        self.position = position  # where the next line starts
        self.taken = taken

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.position >= len(self.text):
            raise StopIteration
        line = self._LINE.match(self.text, self.position)
        assert line is not None  # the pattern matches at any position
        self.position = line.end()
        self.taken += 1
        return line[0]


def csv_cell(text: str) -> str:
    """Text as a CSV cell someone will open in a spreadsheet: text that would start a formula
    there (`=HYPERLINK(…)`, `+`, `-`, `@`, a tab…) gets the `'` a user types to keep a cell text,
    as OWASP advises against CSV injection; so does text that starts with `'`, so that reading
    it back (`csv_text`) takes exactly one off."""
    return f"'{text}" if starts_like_formula(text) or text.startswith("'") else text


def csv_text(cell: str) -> str:
    """A CSV cell's text: `csv_cell` undone (a spreadsheet hides that `'` too)."""
    if cell.startswith("'") and (starts_like_formula(cell[1:]) or cell[1:].startswith("'")):
        return cell[1:]
    return cell


@contextmanager
def _cells_up_to(size: int) -> Iterator[None]:
    """Let csv read a cell as long as the whole file, for this read only.

    The csv module refuses a cell over 131,072 characters and cannot go on after it; the file
    cap already bounds every cell, and a long cell then gets our own per-field message. The
    limit is process-wide, so it is put back afterwards (loading runs in one thread).
    """
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, size + 1))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _csv_problem(error: csv.Error) -> str:
    if "unexpected end of data" in str(error):
        # The reader only notices an unclosed quote at the end of the file; the record's first
        # line, which the caller reports, is where the quote was opened.
        return "invalid CSV: a quoted cell in the row starting here is never closed"
    return f"invalid CSV: {error}"


def _csv_header(reader: Any) -> list[str]:
    try:
        header = next(reader, None) or []
    except csv.Error as error:
        raise InvalidValue(_csv_problem(error), line=1) from None
    return _checked_header(header, line=reader.line_num)


def _checked_header(header: list[str], **where: Any) -> list[str]:
    """A header row naming each field once (a CSV's first line, an .xlsx sheet's first row)."""
    seen: set[str] = set()
    for cell in header:
        name = field_name(cell)
        if name and name in seen:
            raise InvalidValue(f"the header names {cell.strip()!r} twice", **where)
        seen.add(name)
    if not seen - {""}:
        raise InvalidValue("the header row names no fields", **where)
    return header


def _csv_record(header: list[str], cells: list[Any], source: Location) -> _Record:
    """A row as a mapping of header to cell; a value in a column without a header is an error.

    Spreadsheets often add empty trailing cells or an unnamed empty column; those are harmless.
    A CSV's cells are text; an .xlsx sheet's may be numbers too.
    """
    named = [(header[i].strip() if i < len(header) else "", cell) for i, cell in enumerate(cells)]
    fields = {name: cell for name, cell in named if name}
    for column, (name, cell) in enumerate(named, start=1):
        if not name and not blank(cell):
            problem = f"column {column} holds {shorten(str(cell).strip(), 30)!r} but the header names no field for it"
            return _Record(source, problem=OfferError(problem, source, candidate=candidate_hint(fields)))
    return _Record(source, fields)


# --- .xlsx sheets to records -----------------------------------------------------------------------

OFFERS_SHEET = "Offers"


def _xlsx_records(data: bytes) -> Iterator[_Record]:
    """The offers table of an .xlsx file: one offer per row under a header row, as in a CSV.

    The sheet named "Offers", else the first worksheet (a chart sheet is no table). Cells are
    read as values (a formula as the value last saved with it), streamed and within budgets
    (`xlsx_reader`); each row then goes through the CSV's own row rules, so both formats give
    the same per-row errors, and a cell that is not what it claims is one error at its row.
    """
    from .xlsx_reader import CellProblem, XlsxFile  # with ElementTree, ~9 ms only .xlsx offers need

    book = XlsxFile(data)
    sheets = book.worksheets()
    if not sheets:
        others = ", ".join(repr(sheet.name) for sheet in book.sheets) or "none"
        raise InvalidValue(f"the workbook has no sheet with a table to read (its sheets: {others})")
    wanted = next((name for name in sheets if name.casefold() == OFFERS_SHEET.casefold()), sheets[0])
    rows = book.rows(wanted)
    first = next(rows, None)
    header_cells = _row_values(first[1]) if first and first[0] == 1 else []
    if any(isinstance(cell, CellProblem) for cell in header_cells):
        raise InvalidValue("the header row holds a cell that is not text", sheet=wanted, row=1)
    header = _checked_header([_header_text(cell) for cell in header_cells], sheet=wanted, row=1)
    any_rows = False
    for number, cells in rows:
        values = _row_values(cells)
        source = Location(sheet=wanted, row=number)
        problem = next(
            ((column, cell) for column, cell in enumerate(values, start=1) if isinstance(cell, CellProblem)),
            None,
        )
        any_rows = True
        if problem is not None:
            column, cell = problem
            field = (
                header[column - 1].strip() if column <= len(header) and header[column - 1].strip() else None
            )
            named = {
                header[c].strip(): v
                for c, v in enumerate(values)
                if c < len(header) and not isinstance(v, CellProblem)
            }
            error = OfferError(
                f"column {column_letter(column)} {cell.message}",
                source,
                field=field,
                candidate=candidate_hint(named),
            )
            yield _Record(source, problem=error)
            continue
        yield _csv_record(header, [_xlsx_value(cell) for cell in values], source)
    if not any_rows:
        raise InvalidValue("the sheet has a header row but no offers below it", sheet=wanted)


def _row_values(cells: dict[int, Any]) -> list[Any]:
    """A row's cells by column, blanks as None, up to its last cell with something in it."""
    return [cells.get(column) for column in range(1, max(cells, default=0) + 1)]


def _header_text(cell: Any) -> str:
    return "" if cell is None else str(cell)


def _xlsx_value(cell: Any) -> Any:
    """A cell's value as the offer fields take it.

    A date is its ISO text (a date cell at midnight its day: 2026-12-12); a bonus formatted as
    a percentage is already its fraction (0.12), which `bonus` reads as 12%.
    """
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time() else cell.isoformat(sep=" ")
    return cell
