"""The summary workbook: every workbook in the output folder in one table, and every failure.

Cells hold values, not formulas, so readers that do not calculate (pandas, a mail preview)
see the numbers; each row links to its offer's workbook. Money is shown in each offer's own
currency, and once more in one reporting currency so that offers paid in USD, GBP and EUR can
be compared and sorted. A title block says what the table is made from.
"""

from __future__ import annotations

import json
import tempfile
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, TYPE_CHECKING

from lxml import etree
from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.packaging.relationship import Relationship, RelationshipList
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.xml.functions import tostring

from ..errors import RatesError, SegxlsxError
from ..sheets.styles import (
    DATE,
    LINK,
    PERCENT,
    RATIO,
    STATUS_FILLS,
    SUBTITLE,
    TITLE,
    WRAP,
    Printing,
    header_row,
    label_pages,
    money_format,
    new_workbook,
    print_setup,
    put,
    put_text,
    row_height,
    widths,
)
from ..sources.offer_fields import (
    SUMMARY_FIELDS,
    Currency,
    Day,
    GuideChoice,
    Kind,
    Money,
    Name,
    Percent,
    RegionChoice,
)
from ..sources.rates import RateTable
from ..xlsx import cells
from ..xlsx.stylesheet import Look
from ..xlsx.writer import _FixedTimeZip, _InMemoryWriter
from .row import SummaryRow

# Excel shows a boolean as TRUE/FALSE whatever its format; LibreOffice shows 1/0 without this.
BOOLEAN = '"TRUE";"TRUE";"FALSE"'
MONEY = "money"  # number format: the row's own currency
REPORT = "report"  # number format: the reporting currency
# The offer's own columns come from the schema (`offer_fields.SUMMARY_FIELDS`): number formats
# and widths by the kind of each field; a kind not listed is text, 12 characters wide.
_OFFER_LOOKS: dict[type[Kind], tuple[str | None, float]] = {
    Name: (None, 22),
    GuideChoice: (None, 21),
    RegionChoice: (None, 12),
    Currency: (None, 9),
    Money: (MONEY, 11),
    Percent: (PERCENT, 7),
    Day: (DATE, 10),
}
COLUMNS = (
    # header, the row's field (an offer field's name, an attribute of `row.SummaryRow`, or REPORT
    # for the converted total), number format, width
    *((f.summary, f.name, *_OFFER_LOOKS.get(type(f.kind), (None, 12))) for f in SUMMARY_FIELDS),
    ("Total comp", "total_comp", MONEY, 12),
    ("Total comp ({report})", REPORT, REPORT, 12),
    ("Penetration base", "pen_base", PERCENT, 11),
    ("Penetration stock", "pen_stock", PERCENT, 11),
    ("Penetration bonus %", "pen_bonus_pct", PERCENT, 11),
    ("Penetration total comp", "pen_total_comp", PERCENT, 11),
    ("Compa-ratio base", "compa_base", RATIO, 8),
    ("Ask base", "ask_base", MONEY, 11),
    ("Ask stock", "ask_stock", MONEY, 11),
    ("Walk-away met", "walk_away_met", BOOLEAN, 9),
    ("Status", "status", None, 8),
    ("This run", "action", None, 10),
    ("Inputs changed", "inputs_changed", None, 10),
    ("Edits", "edits", None, 24),
    ("Workbook", "file", None, 22),
)
_OFFER_FIELDS = {f.name for f in SUMMARY_FIELDS}
if TYPE_CHECKING:
    from ..store.ledger import Tally

HEADER_ROW = 6  # below the title block
FIRST_ROW = HEADER_ROW + 1


@dataclass(frozen=True)
class SummaryHeading:
    """What the title block says: where the table comes from."""

    guides: tuple[str, ...]
    rates: RateTable
    report_currency: str
    failures: int


class _Streamed:
    """A write-only sheet that `styles.put`, `put_text` and `header_row` write to as to any:
    they record cells (`cells`), and `flush` sends the rows recorded so far into the sheet.

    openpyxl's write-only mode writes each row as it comes and keeps no cell objects: the
    summary of 50,000 workbooks holds one row at a time. Rows must come top to bottom. Each row
    goes out as the XML `cells` makes of it, the same as for an offer's sheets, rather than
    through openpyxl's cell objects (three times the time, all of it in the build's own process).
    """

    def __init__(self, sheet) -> None:  # type: ignore[no-untyped-def]
        self.sheet, self.parent = sheet, sheet.parent
        self.links = _Links()
        self.written = 0  # the last row sent
        self.numbers: dict[Look, str] = {}  # each look's ` s="…"`, numbered as first used
        # What openpyxl would make at the first row, with a writer that takes links from `links`.
        sheet._writer = _LinkingWriter(sheet, self.links)
        sheet._writer.write_top()
        sheet._rows = _rows_of(sheet)  # where openpyxl's `append` would send rows: raw elements here
        next(sheet._rows)

    @property
    def title(self) -> str:
        return self.sheet.title

    def link(self, ref: str, target: str) -> None:
        self.links.add(ref, target)

    def flush(self) -> None:
        """Send the rows recorded so far, in order, each numbered as openpyxl numbers styles:
        as cells first use them."""
        for row, xml in cells.take_rows(self, self._number):
            if row <= self.written:
                raise ValueError(f"{self.title}: row {row} was already written")
            self.sheet._rows.send(etree.fromstring(xml))
            self.written = row

    close = flush

    def _number(self, look: Look) -> str:
        number = self.numbers.get(look)
        if number is None:
            style = look.filed_in(self.parent)
            number = self.numbers[look] = f' s="{self.parent._cell_styles.add(style)}"' if any(style) else ""
        return number


def _rows_of(sheet):  # type: ignore[no-untyped-def]
    """openpyxl's `WriteOnlyWorksheet._write_rows`, taking each row as an element already made."""
    xf = sheet._writer.xf.send(True)
    with xf.element("sheetData"):
        try:
            while True:
                xf.write((yield))
        except GeneratorExit:
            pass
    sheet._writer.xf.send(None)


def render_summary(
    rows: Iterable[SummaryRow],
    failures: list[SegxlsxError],
    heading: SummaryHeading,
    tally: Tally | None = None,
) -> Workbook:
    """`rows`: this build's offers in input order, then the rest.

    Written in openpyxl's write-only mode (see `_Streamed`): everything that is not a cell
    (widths, the table, colours, frozen panes, printing) is set before the rows go out, from
    `tally` (`ledger.Tally`, which counts them); so `rows` can be a stream, read once. Without a
    tally, the rows are counted first. Save it with `save_summary`.
    """
    if tally is None:
        from ..store.ledger import Tally

        rows = list(rows)
        tally = Tally.of(rows)
    workbook = new_workbook("Offer reviews")
    workbook.remove(workbook.active)
    # new_workbook's fonts and properties, in write-only mode: openpyxl has no public switch.
    workbook._Workbook__write_only = True
    try:
        _fill(workbook, rows, failures, heading, tally)
    except BaseException:
        _let_go(workbook)
        raise
    return workbook


def _fill(
    workbook: Workbook,
    rows: Iterable[SummaryRow],
    failures: list[SegxlsxError],
    heading: SummaryHeading,
    tally: Tally,
) -> None:
    sheet = workbook.create_sheet("Summary")
    headers = [header.format(report=heading.report_currency) for header, *_ in COLUMNS]
    last = FIRST_ROW + tally.rows - 1
    if tally.rows:  # an Excel table needs at least one data row; it brings the autofilter
        ref = f"A{HEADER_ROW}:{_letter(len(COLUMNS))}{last}"
        table = Table(displayName="Offers", ref=ref, autoFilter=AutoFilter(ref=ref))
        # Named here: openpyxl would read them from the header cells, which write-only mode lets go.
        table.tableColumns = [TableColumn(id=i, name=name) for i, name in enumerate(headers, start=1)]
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        with warnings.catch_warnings():  # "add table columns manually": done, just above
            warnings.simplefilter("ignore", UserWarning)
            sheet.add_table(table)
        status = _letter(_column_of("status"))
        for word, fill in STATUS_FILLS.items():
            rule = FormulaRule(formula=[f'${status}{FIRST_ROW}="{word}"'], fill=fill)
            sheet.conditional_formatting.add(f"{status}{FIRST_ROW}:{status}{last}", rule)
    sheet.freeze_panes = f"B{FIRST_ROW}"
    widths(sheet, {_letter(i): width for i, (*_, width) in enumerate(COLUMNS, start=1)})
    print_setup(sheet, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    cells = _Streamed(sheet)
    row_height(cells, HEADER_ROW, 40)  # three lines of a narrow header  # type: ignore[arg-type]
    _title_block(cells, tally, heading)
    header_row(cells, HEADER_ROW, headers)  # type: ignore[arg-type]
    cells.flush()
    for number, row in enumerate(rows, start=FIRST_ROW):
        _row(cells, number, row, heading)
        cells.flush()
    if failures:  # an empty Errors sheet would print blank pages
        _errors(workbook, failures)
    label_pages(workbook, Printing("Offer reviews", heading.rates.as_of, heading.report_currency))


def _let_go(workbook: Workbook, archive: zipfile.ZipFile | None = None) -> None:
    """What a summary that could not be made or written (a full disk) holds, closed now.

    Each write-only sheet has two streams open on its temporary file, the rows inside the
    sheet; left to the garbage collector they are closed in any order, and each complains
    that the other went first. The rows are closed first, then the sheet, then the zip, and
    what fails here (the disk is still full) is of no more use than the file it was for.
    """
    for sheet in workbook.worksheets:
        writer = getattr(sheet, "_writer", None)
        for stream in (getattr(sheet, "_rows", None), getattr(writer, "xf", None)):
            if stream is not None:
                with suppress(Exception):
                    stream.close()
        if writer is not None:
            with suppress(Exception):
                writer.cleanup()  # its temporary file
    if archive is not None:
        with suppress(Exception):
            archive.close()


def _title_block(sheet, tally: Tally, heading: SummaryHeading) -> None:  # type: ignore[no-untyped-def]
    rates = heading.rates
    # The folder's own name stays out: the same inputs built elsewhere give the same bytes.
    put_text(sheet, "A1", "Offer reviews", TITLE)
    put_text(sheet, "A2", f"Guides: {', '.join(heading.guides)}", SUBTITLE)
    put_text(
        sheet,
        "A3",
        f"Rates: {rates.source}, {rates.as_of.isoformat()}; total comp converted to "
        f"{heading.report_currency} at these rates",
        SUBTITLE,
    )
    put_text(sheet, "A4", _counts(tally, heading.failures), SUBTITLE)


def _counts(tally: Tally, failures: int) -> str:
    """ "7 workbooks: 1 written, 5 unchanged, 1 kept; 2 offers failed"."""
    parts = ", ".join(f"{count} {action}" for action, count in tally.actions.items())
    text = f"{tally.rows} workbook{'s' if tally.rows != 1 else ''}" + (f": {parts}" if parts else "")
    return text + (
        f"; {failures} offer{'s' if failures != 1 else ''} failed (see Errors)" if failures else ""
    )


def _row(sheet, number: int, row: SummaryRow, heading: SummaryHeading) -> None:  # type: ignore[no-untyped-def]
    for column, (_, attribute, number_format, _) in enumerate(COLUMNS, start=1):
        ref = f"{_letter(column)}{number}"
        if attribute == REPORT:
            value = _converted(row.total_comp, row.currency, heading)
            number_format = money_format(heading.report_currency)
        elif attribute in _OFFER_FIELDS:
            value = row.offer.get(attribute)
        else:
            value = getattr(row, attribute)
        if number_format == MONEY:
            number_format = money_format(row.currency) if row.currency else "#,##0"
        if attribute == "file":  # linked, relative: the summary sits beside the workbooks
            put_text(sheet, ref, value, LINK)  # the typeface of the rest; Excel's "Hyperlink" names Calibri
            sheet.link(ref, value)
        elif attribute == "edits":  # why an edit cannot be read can be long: wrap it in its column
            put_text(sheet, ref, value or "", alignment=WRAP)
        elif isinstance(value, str) or (value is None and number_format is None):
            put_text(sheet, ref, value or "")
        elif value is not None:  # a figure that cannot be known stays empty, never a guess
            put(sheet, ref, value, number_format)


def _converted(amount: Decimal | None, currency: str, heading: SummaryHeading) -> Decimal | None:
    if amount is None or not currency:
        return None
    try:
        return round(heading.rates.convert(amount, currency, heading.report_currency), 2)
    except RatesError:  # a currency these rates lack: the row's own total still shows
        return None


def _errors(workbook: Workbook, failures: list[SegxlsxError]) -> None:
    sheet = workbook.create_sheet("Errors")
    sheet.freeze_panes = "A2"
    widths(sheet, {"A": 30, "B": 10, "C": 12, "D": 12, "E": 24, "F": 16, "G": 80})
    print_setup(sheet, landscape=True, title_rows="1:1")
    cells = _Streamed(sheet)
    header_row(cells, 1, ["File", "Sheet", "Row or index", "Cell", "Candidate", "Field", "Message"])  # type: ignore[arg-type]
    for number, failure in enumerate(failures, start=2):
        where = failure.location
        place = (
            f"row {where.row}"
            if where.row
            else f"offer {where.index}"
            if where.index
            else (f"line {where.line}" if where.line else "")
        )
        texts = (
            where.file or "",
            where.sheet or "",
            place,
            where.cell or "",
            where.candidate or "",
            where.field or "",
            failure.message,
        )
        for column, text in enumerate(texts, start=1):
            put_text(cells, f"{_letter(column)}{number}", text)  # type: ignore[arg-type]
        cells.flush()
    cells.flush()


def _letter(column: int) -> str:
    return get_column_letter(column)


def _column_of(attribute: str) -> int:
    return next(i for i, (_, name, *_) in enumerate(COLUMNS, start=1) if name == attribute)


def save_summary(workbook: Workbook, stamp: date, file: IO[bytes]) -> None:
    """Write the summary's .xlsx to `file`, identical for identical content, as `workbook_bytes`
    would give it, but never whole in memory: the sheet's XML goes from openpyxl's temporary
    file into the zip a chunk at a time (50,000 rows are ~50 MB of XML)."""
    moment = datetime(stamp.year, stamp.month, stamp.day)  # as `workbook_bytes`: the rates' day
    workbook.properties.created = moment
    workbook.properties.modified = moment
    links = {
        f"xl/worksheets/_rels/sheet{number}.xml.rels": sheet._writer.links  # openpyxl's part names
        for number, sheet in enumerate(workbook.worksheets, start=1)
        if isinstance(sheet._writer, _LinkingWriter) and sheet._writer.links.count
    }
    archive = _LinkedZip(file, links)
    try:
        _InMemoryWriter(workbook, archive, None).save()  # a write-only workbook's styles stay in their order
    except BaseException:
        _let_go(workbook, archive)
        raise


class _Links:
    """A sheet's hyperlinks, (cell, target) in a temporary file until the sheet's end.

    openpyxl keeps every hyperlink of a sheet, and a relationship for each, as objects until the
    file is saved: ~2 KiB a row, 100 MB for 50,000 rows. These are written from this file
    instead, one at a time, as the very bytes openpyxl would write (`_LinkingWriter`, `_LinkedZip`).
    """

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()
        self.count = 0

    def add(self, ref: str, target: str) -> None:
        self.file.write(json.dumps([ref, target]).encode() + b"\n")
        self.count += 1

    def __iter__(self) -> Iterator[tuple[str, str]]:
        self.file.seek(0)
        for line in self.file:
            ref, target = json.loads(line)
            yield ref, target


class _LinkingWriter(WorksheetWriter):
    """openpyxl's sheet writer, with the sheet's hyperlinks from `_Links`: `<hyperlink>` elements
    numbered rId1…rIdN, and the sheet's other relationships (its table's) numbered after them."""

    def __init__(self, sheet, links: _Links) -> None:  # type: ignore[no-untyped-def]
        super().__init__(sheet)
        self.links = links

    def write_hyperlinks(self) -> None:
        if not self.links.count:
            return
        xf = self.xf.send(True)  # the XML stream itself, as openpyxl's own rows are written
        with xf.element("hyperlinks"):
            for number, (ref, _) in enumerate(self.links, start=1):
                xf.write(Hyperlink(ref=ref, id=f"rId{number}").to_tree())
        self.xf.send(None)
        self._rels = _RelationshipsAfter(self.links.count)


class _RelationshipsAfter(RelationshipList):
    """A sheet's relationships numbered after its `before` hyperlinks' (which `_LinkedZip` writes)."""

    def __init__(self, before: int) -> None:
        super().__init__()
        self.before = before

    def append(self, value: Relationship) -> None:
        if not value.Id:
            value.Id = f"rId{self.before + len(self) + 1}"
        super().append(value)


class _LinkedZip(_FixedTimeZip):
    """The zip, with each linked sheet's hyperlink relationships written first in its `.rels`
    part, one at a time, from its `_Links`."""

    def __init__(self, file: IO[bytes], links: dict[str, _Links]) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, True)
        self.links = links

    def writestr(self, name, data, compress_type=None, compresslevel=None):  # type: ignore[no-untyped-def]
        links = self.links.get(name) if isinstance(name, str) else None
        if links is None:
            return super().writestr(name, data, compress_type, compresslevel)
        opening, _, rest = (data.encode() if isinstance(data, str) else data).partition(b">")
        with self.open(name, "w") as part:
            part.write(opening + b">")  # <Relationships xmlns="…">
            for number, (_, target) in enumerate(links, start=1):
                link = Relationship(type="hyperlink", TargetMode="External", Target=target, Id=f"rId{number}")
                part.write(tostring(link.to_tree()))
            part.write(rest)
        return None
