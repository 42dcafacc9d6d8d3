"""Turn one offer, its guide and the rates into an Excel workbook.

`render_offer` builds the workbook in memory; `workbook_bytes` serialises it so that the same
inputs give the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from ..figures import OfferFigures, offer_figures, vesting_of
from ..model import Guide, Offer
from ..rates import RateTable
from ..wording import Wording, offer_scripts
from . import bands as b
from .bands import write_bands
from .compare import write_compare
from .names import check_all_defined
from .offer import write_offer
from .rates import write_rates
from .scripts import write_scripts
from .years import write_years

SHEETS = ("Offer", "Bands", "Scripts", "Rates", "Years", "Compare")


def render_offer(
    offer: Offer, guide: Guide, rates: RateTable, wording: Wording
) -> tuple[Workbook, OfferFigures]:
    """The offer's workbook and the figures it must show when recalculated."""
    figures = offer_figures(offer, guide, rates)
    workbook = Workbook()
    workbook.active.title = SHEETS[0]
    for title in SHEETS[1:]:
        workbook.create_sheet(title)
    band = guide.band(offer.region)
    vesting = vesting_of(offer, band)
    write_rates(workbook, offer.currency, figures.rates, rates, guide)
    bands = write_bands(workbook, guide, offer.currency)
    write_offer(workbook, offer, guide, bands, vesting.years)
    scripts = offer_scripts(offer, guide, wording)
    write_scripts(
        workbook, guide, offer.candidate, offer.currency, scripts, scripts.texts(figures, offer.currency)
    )
    write_years(workbook, offer, guide, vesting)
    write_compare(workbook, offer, vesting.years, bands.cell(band.region, b.YEARS))
    check_all_defined(workbook, list(figures.rates))
    workbook.calculation.fullCalcOnLoad = True  # no cached values: make every reader calculate
    return workbook, figures


_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose every entry carries one fixed time, so equal content gives equal bytes.

    openpyxl stamps entries with the current time (and worksheets with their temporary file's);
    its writer only ever calls `writestr` and `write`, so these two are all that need fixing.
    """

    def writestr(self, name, data, compress_type=None, compresslevel=None):  # type: ignore[no-untyped-def]
        if isinstance(name, str):
            name = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
            name.compress_type = zipfile.ZIP_DEFLATED
            name.external_attr = 0o600 << 16
        super().writestr(name, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # type: ignore[no-untyped-def]
        with open(filename, "rb") as handle:
            self.writestr(arcname or str(filename), handle.read())


def workbook_bytes(workbook: Workbook, stamp: date) -> bytes:
    """The .xlsx file's bytes, identical for identical content.

    The document's created and modified times become `stamp` (the rates' date: the day the
    numbers are true for); openpyxl's own `save` would stamp the clock time instead.
    """
    moment = datetime(stamp.year, stamp.month, stamp.day)
    workbook.properties.created = moment
    workbook.properties.modified = moment
    out = io.BytesIO()
    ExcelWriter(workbook, _FixedTimeZip(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return out.getvalue()
