"""The summary workbook: every built offer in one table, and every failure.

Cells hold values, not formulas, so readers that do not calculate (pandas, a mail preview)
see the numbers; each row links to its offer's workbook.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.worksheet.table import Table, TableStyleInfo

from ..errors import SegxlsxError
from .styles import PERCENT, RATIO, STATUS_FILLS, header_row, print_setup, put, put_text, widths

# Excel shows a boolean as TRUE/FALSE whatever its format; LibreOffice shows 1/0 without this.
BOOLEAN = '"TRUE";"TRUE";"FALSE"'
COLUMNS = (
    # header, attribute of SummaryRow, number format (None: text), width
    ("Candidate", "candidate", None, 28),
    ("Guide", "guide", None, 24),
    ("Region", "region", None, 16),
    ("Currency", "currency", None, 10),
    ("Base", "base", "#,##0", 12),
    ("Stock", "stock", "#,##0", 12),
    ("Bonus %", "bonus_pct", PERCENT, 10),
    ("Total comp", "total_comp", "#,##0", 13),
    ("Penetration base", "pen_base", PERCENT, 13),
    ("Penetration stock", "pen_stock", PERCENT, 13),
    ("Penetration bonus %", "pen_bonus_pct", PERCENT, 13),
    ("Penetration total comp", "pen_total_comp", PERCENT, 13),
    ("Compa-ratio base", "compa_base", RATIO, 11),
    ("Ask base", "ask_base", "#,##0", 12),
    ("Ask stock", "ask_stock", "#,##0", 12),
    ("Walk-away met", "walk_away_met", BOOLEAN, 12),
    ("Status", "status", None, 10),
    ("Workbook", "file", None, 30),
)
TEXT_ATTRIBUTES = {"candidate", "guide", "region", "currency", "status", "file"}


def render_summary(rows: list, failures: list[SegxlsxError]) -> Workbook:
    """`rows` are `batch.SummaryRow`s in input order."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Summary"
    header_row(sheet, 1, [header for header, *_ in COLUMNS])
    for number, row in enumerate(rows, start=2):
        for column, (_, attribute, number_format, _) in enumerate(COLUMNS, start=1):
            ref = f"{_letter(column)}{number}"
            value = getattr(row, attribute)
            if attribute in TEXT_ATTRIBUTES:
                put_text(sheet, ref, value)
            else:
                put(sheet, ref, value, number_format)
        link = sheet[f"{_letter(len(COLUMNS))}{number}"]
        link.hyperlink = row.file  # relative: the summary sits beside the workbooks
        link.style = "Hyperlink"
    last = len(rows) + 1
    if rows:  # an Excel table needs at least one data row
        table = Table(displayName="Offers", ref=f"A1:{_letter(len(COLUMNS))}{last}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        sheet.add_table(table)
        status = _letter(_column_of("status"))
        for word, fill in STATUS_FILLS.items():
            rule = FormulaRule(formula=[f'${status}2="{word}"'], fill=fill)
            sheet.conditional_formatting.add(f"{status}2:{status}{last}", rule)
    sheet.freeze_panes = "B2"
    widths(sheet, {_letter(i): width for i, (*_, width) in enumerate(COLUMNS, start=1)})
    sheet.row_dimensions[1].height = 30
    print_setup(sheet)
    _errors(workbook, failures)
    return workbook


def _errors(workbook: Workbook, failures: list[SegxlsxError]) -> None:
    sheet = workbook.create_sheet("Errors")
    header_row(sheet, 1, ["File", "Row or index", "Candidate", "Field", "Message"])
    for number, failure in enumerate(failures, start=2):
        where = failure.location
        place = (
            f"row {where.row}"
            if where.row
            else f"offer {where.index}"
            if where.index
            else (f"line {where.line}" if where.line else "")
        )
        for column, text in enumerate(
            (where.file or "", place, where.candidate or "", where.field or "", failure.message), start=1
        ):
            put_text(sheet, f"{_letter(column)}{number}", text)
    sheet.freeze_panes = "A2"
    widths(sheet, {"A": 36, "B": 14, "C": 28, "D": 20, "E": 90})


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def _column_of(attribute: str) -> int:
    return next(i for i, (_, name, *_) in enumerate(COLUMNS, start=1) if name == attribute)
