"""A workbook of each kind segxlsx writes, built from fixed inputs, and the file each must give.

The files in tests/fixtures/workbooks/ are the reference: an offer's workbook (charts on three
sheets, merges, conditional fills, a drop-down, page breaks), one with hostile text, the intake
sheet, a summary (streamed, with links, a table, a non-ASCII name and an Errors sheet) and an
.xlsx export. They were first written by the writer segxlsx had before its own engine, so the
engine is held to the very bytes users' folders already hold (test_workbook.py compares them
part by part, as XlsxWriter's comparison tests do).

A change meant to change the bytes (a new cell, a new defined name) writes them anew:

    python -m tests.reference_workbooks

and the part-by-part diff of tests/fixtures/workbooks/ in review shows what changed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from segxlsx.errors import OfferError
from segxlsx.export import offers_file_bytes
from segxlsx.sheets import render_offer, workbook_bytes
from segxlsx.sheets.intake import intake_bytes
from segxlsx.summary.row import SummaryRow
from segxlsx.summary.sheet import SummaryHeading, render_summary, save_summary
from segxlsx.wording import load_wording

from .conftest import FIXTURES
from .parity_cases import CASES, RATES, SEGMENT, STRIPE

REFERENCES = FIXTURES / "workbooks"


def _offer(case: str) -> bytes:
    guide, offer = CASES[case]
    return workbook_bytes(render_offer(offer, guide, RATES, load_wording())[0], RATES.as_of)


def _summary() -> bytes:
    D = Decimal

    def offer(candidate, guide, region, currency, base=None, stock=None, bonus=None):
        fields = {"candidate": candidate, "guide": guide, "region": region, "currency": currency}
        return fields | ({"base": base, "stock": stock, "bonus": bonus} if base else {})

    rows = [
        SummaryRow("chloe-dubois.xlsx", offer("Chloé Dubois", SEGMENT.id, "London", "EUR", D(150000), D(120000),
                   D("0.12")), D(198750), D("0.4"), D("0.5"), D("0.2"), D("0.45"), D("0.98"), D(160000),
                   D(130000), True, "within", action="written", inputs_changed="2026-11-23"),
        SummaryRow("wang-xiao-ming.xlsx", offer("王小明", SEGMENT.id, "San Francisco", "USD", D(185000), D(150000),
                   D("0.12")), D(244700), D("0.5"), D("0.45"), D("0.4"), D("0.48"), D(1), D(198000),
                   D(195000), False, "below", action="kept", inputs_changed="2026-11-24",
                   edits="edited in the workbook"),
        SummaryRow("hyperlink-1.xlsx", offer("=HYPERLINK(1)", STRIPE.id, "Tokyo", "JPY"), action="failed"),
    ]  # fmt: skip
    failures = [
        OfferError("unknown region 'Londn' (did you mean 'London'?)", file="offers.yaml", index=2,
                   candidate="Nina Patel", field="region"),
    ]  # fmt: skip
    heading = SummaryHeading((SEGMENT.id, STRIPE.id), RATES, "USD", len(failures), date(2026, 11, 30))
    out = io.BytesIO()
    save_summary(render_summary(rows, failures, heading), RATES.as_of, out)
    return out.getvalue()


def _intake() -> bytes:
    return intake_bytes({SEGMENT.id: SEGMENT, STRIPE.id: STRIPE}, date(2026, 11, 27))


def _export() -> bytes:
    offers = [offer for _, offer in CASES.values()]
    return offers_file_bytes(offers, {SEGMENT.id: SEGMENT, STRIPE.id: STRIPE}, ".xlsx")


BUILDERS: dict[str, Callable[[], bytes]] = {
    "offer-sf-competing.xlsx": lambda: _offer("sf-competing"),
    "offer-hostile.xlsx": lambda: _offer("hostile"),
    "intake.xlsx": _intake,
    "summary.xlsx": _summary,
    "export.xlsx": _export,
}


if __name__ == "__main__":
    REFERENCES.mkdir(exist_ok=True)
    for name, build in BUILDERS.items():
        (REFERENCES / name).write_bytes(build())
        print(f"wrote {REFERENCES / name}")
