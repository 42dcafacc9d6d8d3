"""Turn one offer, its guide and the rates into an Excel workbook.

`render_offer` builds the workbook in memory; `workbook_bytes` serialises it so that the same
inputs give the same bytes (openpyxl stamps the save time; we stamp the rates' date instead).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

from openpyxl import Workbook

from ..figures import OfferFigures, offer_figures
from ..model import Guide, Offer
from ..rates import RateTable
from ..wording import Wording, offer_scripts
from .bands import write_bands
from .names import check_all_defined
from .offer import write_offer
from .rates import write_rates
from .scripts import write_scripts

SHEETS = ("Offer", "Bands", "Scripts", "Rates")


def render_offer(
    offer: Offer, guide: Guide, rates: RateTable, wording: Wording
) -> tuple[Workbook, OfferFigures]:
    """The offer's workbook and the figures it must show when recalculated."""
    figures = offer_figures(offer, guide, rates)
    workbook = Workbook()
    workbook.active.title = SHEETS[0]
    for title in SHEETS[1:]:
        workbook.create_sheet(title)
    write_rates(workbook, offer.currency, figures.rates, rates, guide)
    bands = write_bands(workbook, guide, offer.currency)
    write_offer(workbook, offer, guide, bands)
    write_scripts(workbook, guide, offer.candidate, offer.currency, offer_scripts(offer, guide, wording))
    check_all_defined(workbook, list(figures.rates))
    workbook.calculation.fullCalcOnLoad = True  # no cached values: make every reader calculate
    return workbook, figures


_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def workbook_bytes(workbook: Workbook, stamp: date) -> bytes:
    """The .xlsx file's bytes, identical for identical content.

    The document's created and modified times become `stamp` (the rates' date: the day the
    numbers are true for) and every zip entry gets one fixed time.
    """
    moment = datetime(stamp.year, stamp.month, stamp.day)
    workbook.properties.created = moment
    workbook.properties.modified = moment
    raw = io.BytesIO()
    workbook.save(raw)
    iso = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":  # openpyxl sets modified to now on save
                data = _MODIFIED.sub(rb"\g<1>" + iso + rb"\g<2>", data)
            entry = zipfile.ZipInfo(item.filename, date_time=_ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, data)
    return out.getvalue()
