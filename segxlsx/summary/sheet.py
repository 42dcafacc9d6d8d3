"""The summary workbook: every workbook in the output folder in one table, and every failure.

Cells hold values, not formulas, so readers that do not calculate (pandas, a mail preview)
see the numbers; each row links to its offer's workbook. Money is shown in each offer's own
currency, and once more in one reporting currency so that offers paid in USD, GBP and EUR can
be compared and sorted. A title block says what the table is made from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO, TYPE_CHECKING

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
from ..xlsx import Table, Workbook
from ..xlsx.refs import column_letter
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


def render_summary(
    rows: Iterable[SummaryRow],
    failures: list[SegxlsxError],
    heading: SummaryHeading,
    tally: Tally | None = None,
) -> Workbook:
    """`rows`: this build's offers in input order, then the rest.

    A streamed workbook (`xlsx.StreamedSheet`): each row goes out as it comes, and the summary
    of 50,000 workbooks holds one row at a time. Everything that is not a cell (widths, the
    table, colours, frozen panes, printing) is set before the rows go out, from `tally`
    (`ledger.Tally`, which counts them); so `rows` can be a stream, read once. Without a
    tally, the rows are counted first. Save it with `save_summary`.
    """
    if tally is None:
        from ..store.ledger import Tally

        rows = list(rows)
        tally = Tally.of(rows)
    workbook = new_workbook("Offer reviews", streamed=True)
    try:
        _fill(workbook, rows, failures, heading, tally)
    except BaseException:
        workbook.close()  # its temporary files, now rather than when collected
        raise
    return workbook


def _fill(
    workbook: Workbook,
    rows: Iterable[SummaryRow],
    failures: list[SegxlsxError],
    heading: SummaryHeading,
    tally: Tally,
) -> None:
    sheet = workbook.add_sheet("Summary")
    headers = [header.format(report=heading.report_currency) for header, *_ in COLUMNS]
    last = FIRST_ROW + tally.rows - 1
    if tally.rows:  # an Excel table needs at least one data row; it brings the autofilter
        # Its columns are named as the header cells are, which are gone by the time it is written.
        sheet.table(Table("Offers", f"A{HEADER_ROW}:{_letter(len(COLUMNS))}{last}", tuple(headers)))
        status = _letter(_column_of("status"))
        for word, fill in STATUS_FILLS.items():
            sheet.conditional_fill(
                f"{status}{FIRST_ROW}:{status}{last}", f'${status}{FIRST_ROW}="{word}"', fill
            )
    sheet.freeze(f"B{FIRST_ROW}")
    widths(sheet, {_letter(i): width for i, (*_, width) in enumerate(COLUMNS, start=1)})
    print_setup(sheet, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    row_height(sheet, HEADER_ROW, 40)  # three lines of a narrow header
    _title_block(sheet, tally, heading)
    header_row(sheet, HEADER_ROW, headers)
    sheet.flush()
    for number, row in enumerate(rows, start=FIRST_ROW):
        _row(sheet, number, row, heading)
        sheet.flush()
    if failures:  # an empty Errors sheet would print blank pages
        _errors(workbook, failures)
    label_pages(workbook, Printing("Offer reviews", heading.rates.as_of, heading.report_currency))


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
    sheet = workbook.add_sheet("Errors")
    sheet.freeze("A2")
    widths(sheet, {"A": 30, "B": 10, "C": 12, "D": 12, "E": 24, "F": 16, "G": 80})
    print_setup(sheet, landscape=True, title_rows="1:1")
    header_row(sheet, 1, ["File", "Sheet", "Row or index", "Cell", "Candidate", "Field", "Message"])
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
            put_text(sheet, f"{_letter(column)}{number}", text)
        sheet.flush()
    sheet.flush()


def _letter(column: int) -> str:
    return column_letter(column)


def _column_of(attribute: str) -> int:
    return next(i for i, (_, name, *_) in enumerate(COLUMNS, start=1) if name == attribute)


def save_summary(workbook: Workbook, stamp: date, file: IO[bytes]) -> None:
    """Write the summary's .xlsx to `file`, identical for identical content, as `workbook_bytes`
    would give it (`stamp` is the rates' day), but never whole in memory: each sheet's rows go
    from their temporary file into the zip a chunk at a time (50,000 rows are ~50 MB of XML)."""
    workbook.save(file, stamp)
