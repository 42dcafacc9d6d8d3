"""The offers.xlsx intake sheet: where a recruiter types offers, checked as they type.

The sheet is the `.xlsx` offer format of SPEC.md ("Offers"): a header row with the CSV's
columns and one example row. Drop-downs offer the guides' regions and currencies, and the bonus
column takes a percentage, so the commonest mistakes (a misspelt region, a bonus typed as 12
for 12%) are caught in Excel rather than at build time. `segxlsx init` writes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from ..model import FIRST_DAY, LAST_DAY, Guide
from ..sources.offer_fields import FIELDS, OFFER, Day, Percent
from ..sources.offers import OFFERS_SHEET
from ..xlsx import Guidance, Sheet, Workbook
from ..xlsx.cells import excel_day
from ..xlsx.package import KIND_PROPERTY, OFFERS_KIND
from ..xlsx.refs import column_letter
from .styles import DATE, PERCENT, header_row, money_format, new_workbook, put, put_text, widths

LAST_ROW = 1000  # how far down the drop-downs and checks reach
# The example row, filled from the first guide's reference band so it loads as an offer.
EXAMPLE_NOTES = "An example: replace this row with a real offer, or delete it."
WIDTHS = {"candidate": 24, "guide": 24, "region": 16, "notes": 48, "competing": 30}


def offers_workbook() -> tuple[Workbook, Sheet]:
    """A workbook of offers (an intake sheet, an `.xlsx` export): its sheet with a column per
    field, headed. It says it holds offers (`KIND_PROPERTY`), so that no build or summary ever
    takes it for a file of its own to replace, whatever it is named."""
    workbook = new_workbook("Offers")
    workbook.properties[KIND_PROPERTY] = OFFERS_KIND
    sheet = workbook.add_sheet(OFFERS_SHEET)
    header_row(sheet, 1, list(FIELDS))
    return workbook, sheet


def intake_workbook(guides: Mapping[str, Guide]) -> Workbook:
    """An offers sheet, a column per offer field, with drop-downs for the fields that take one of
    a few values (the guides, their regions and currencies, the stages), dates checked as dates,
    and one example row."""
    if not guides:
        raise ValueError("an intake sheet needs at least one guide")  # a bug of ours, not input
    workbook, sheet = offers_workbook()
    column = {name: column_letter(number) for number, name in enumerate(FIELDS, start=1)}
    _example(sheet, column, next(iter(guides.values())))
    for field in OFFER:  # each column checked as its field's kind is: a drop-down, a percentage
        letter = column[field.name]
        choices = field.kind.choices(guides)
        if choices is not None:
            _choices(sheet, letter, choices, field.label, field.kind.hint)
        elif isinstance(field.kind, Percent):
            _as_percent(sheet, letter, field.label)
        elif isinstance(field.kind, Day):
            _as_date(sheet, letter, field.label)
    widths(sheet, {letter: WIDTHS.get(name, 12) for name, letter in column.items()})
    sheet.freeze("B2")
    return workbook


def intake_bytes(guides: Mapping[str, Guide], stamp: date) -> bytes:
    """The intake sheet's file: `stamp` dates it, so the same guides give the same bytes."""
    from . import workbook_bytes

    return workbook_bytes(intake_workbook(guides), stamp)


def _example(sheet, column: Mapping[str, str], guide: Guide) -> None:  # type: ignore[no-untyped-def]
    band = guide.reference_band
    money = money_format(band.currency)
    for name, text in (
        ("candidate", "Example Candidate"),
        ("guide", guide.id),
        ("region", band.region),
        ("currency", band.currency),
        ("notes", EXAMPLE_NOTES),
    ):
        put_text(sheet, f"{column[name]}2", text)
    put(sheet, f"{column['base']}2", _rounded((band.base.min + band.base.max) / 2), money)
    put(sheet, f"{column['stock']}2", _rounded((band.stock.min + band.stock.max) / 2), money)
    put(sheet, f"{column['bonus']}2", band.bonus_pct.min, PERCENT)


def _rounded(amount):  # type: ignore[no-untyped-def]
    return int(round(amount, -3))


def _choices(sheet, letter: str, values: list[str], title: str, hint: str) -> None:  # type: ignore[no-untyped-def]
    """A drop-down over a column. Excel caps a typed-in list at 255 characters; past that the
    column takes any text and the build checks it."""
    choices = [value.replace('"', "") for value in values]
    if not values or len(",".join(choices)) > 255 or any("," in value for value in values):
        return
    said = Guidance(title, prompt=hint, error=f"Choose one of: {', '.join(values)}")
    sheet.validate_list(f"{letter}2:{letter}{LAST_ROW}", choices, allow_blank=True, guidance=said)


def _as_date(sheet, letter: str, title: str) -> None:  # type: ignore[no-untyped-def]
    """Cells that take a date (a deadline), shown as one: 12/12/2026 typed in stays a date."""
    said = Guidance(
        title, prompt="A date, e.g. 2026-12-12", error=f"Type a date from {FIRST_DAY} to {LAST_DAY}"
    )
    low, high = (str(int(excel_day(day))) for day in (FIRST_DAY, LAST_DAY))
    sheet.validate_dates(f"{letter}2:{letter}{LAST_ROW}", low, high, allow_blank=True, guidance=said)
    for row in range(2, LAST_ROW + 1):
        put(sheet, f"{letter}{row}", None, DATE)


def _as_percent(sheet, letter: str, title: str) -> None:  # type: ignore[no-untyped-def]
    """Cells that take 0%–100%, shown as a percentage: 12 typed into a % cell is 12%."""
    said = Guidance(
        title,
        prompt="A percentage of base, e.g. 12%",
        error="Type a percentage, e.g. 12%",
    )
    sheet.validate_between(f"{letter}2:{letter}{LAST_ROW}", "0", "1", allow_blank=True, guidance=said)
    for row in range(3, LAST_ROW + 1):  # row 2 holds the example, already a percentage
        put(sheet, f"{letter}{row}", None, PERCENT)
