"""Turn one offer, its guide and the rates into an Excel workbook.

`render_offer` builds the workbook in memory, every formula with the value the model computes
for it; `workbook_bytes` serialises it, cached values filled in, so that the same inputs give
the same bytes.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Hashable
from datetime import date, datetime

import openpyxl.xml
from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.packaging.extended import ExtendedProperties
from openpyxl.workbook._writer import WorkbookWriter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.writer.theme import theme_xml
from openpyxl.xml.constants import (
    ARC_APP,
    ARC_CORE,
    ARC_ROOT_RELS,
    ARC_STYLE,
    ARC_THEME,
    ARC_WORKBOOK,
    ARC_WORKBOOK_RELS,
)
from openpyxl.xml.functions import tostring

from .. import __version__
from ..figures import OfferFigures, offer_figures, vesting_of
from ..model import Guide, Offer
from ..rates import RateTable
from ..wording import Wording, offer_scripts
from . import cached
from .bands import write_bands
from .compare import competitor_years_cell, write_compare
from .names import check_all_defined
from .offer import write_offer
from .rates import write_rates
from .scripts import write_scripts
from .styles import Printing, label_pages, new_workbook
from .stylesheet import put_in_canonical_order, stylesheet_xml
from .years import write_years

SHEETS = ("Offer", "Bands", "Scripts", "Rates", "Years", "Compare")

if not openpyxl.xml.LXML:
    # Without lxml, openpyxl writes other bytes for the same workbook, and every file of an
    # earlier build would look changed. lxml is a dependency: only OPENPYXL_LXML=False gets here.
    raise ImportError(
        "segxlsx writes workbooks through lxml, so that the same inputs give the same bytes; "
        "lxml is missing or OPENPYXL_LXML=False turned it off (reinstall segxlsx, or unset OPENPYXL_LXML)"
    )


def render_offer(
    offer: Offer, guide: Guide, rates: RateTable, wording: Wording
) -> tuple[Workbook, OfferFigures]:
    """The offer's workbook and the figures it must show when recalculated."""
    figures = offer_figures(offer, guide, rates)
    workbook = new_workbook(f"Offer review: {offer.candidate}")
    workbook.active.title = SHEETS[0]
    for title in SHEETS[1:]:
        workbook.create_sheet(title)
    band = guide.band(offer.region)
    write_rates(workbook, offer.currency, figures.rates, rates, guide)
    bands = write_bands(workbook, guide, figures)
    competitor_years = [competitor_years_cell(index) for index in range(len(offer.competing))]
    write_offer(workbook, offer, guide, bands, figures, competitor_years)
    write_scripts(workbook, guide, offer.candidate, figures, offer_scripts(offer, guide, wording))
    write_years(workbook, offer, guide, vesting_of(offer, band), figures)
    write_compare(workbook, offer, figures)
    check_all_defined(workbook, list(figures.rates))
    label_pages(workbook, Printing(offer.candidate, rates.as_of, offer.currency))
    # Cached values serve readers that do not calculate; Excel and LibreOffice still recalculate
    # on open, so an edit made elsewhere (or a rate typed in) is never shown stale.
    workbook.calculation.fullCalcOnLoad = True
    return workbook, figures


_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose every entry carries one fixed time, so equal content gives equal bytes.

    openpyxl stamps entries with the current time; its writer only ever calls `writestr` and
    `write` (sheets go through `writestr`, see `_InMemoryWriter`), so these two are all that need fixing.
    Worksheet parts get their formulas' cached values on the way in (`cached.fill`).
    """

    def __init__(self, file, mode, compression, allowZip64, cached_values=None):  # type: ignore[no-untyped-def]
        super().__init__(file, mode, compression, allowZip64=allowZip64)
        self.cached_values = cached_values or {}  # part name → {cell: value}

    def writestr(self, name, data, compress_type=None, compresslevel=None):  # type: ignore[no-untyped-def]
        if isinstance(name, str):
            if name in self.cached_values:
                data = cached.fill(_as_bytes(data), self.cached_values[name], name)
            name = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
            name.compress_type = zipfile.ZIP_DEFLATED
            name.external_attr = 0o600 << 16
        super().writestr(name, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # type: ignore[no-untyped-def]
        with open(filename, "rb") as handle:
            self.writestr(arcname or str(filename), handle.read())

    def open(self, name, mode="r", pwd=None, *, force_zip64=False):  # type: ignore[no-untyped-def]
        """An entry to stream into, with the fixed time (`writestr` comes here with its ZipInfo)."""
        if mode == "w" and isinstance(name, str):
            name = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
            name.compress_type = zipfile.ZIP_DEFLATED
            name.external_attr = 0o600 << 16
        return super().open(name, mode, pwd, force_zip64=force_zip64)


class _InMemoryWriter(ExcelWriter):
    """openpyxl's writer with each sheet's XML kept in memory and the style table built once.

    openpyxl writes every sheet to a temporary file, reads it back into the zip and deletes it:
    six files created and removed per workbook, for parts of a few kilobytes. The bytes are
    the same; this is openpyxl 3.1's `write_worksheet` and `write_data` (pinned below 3.2) with
    a BytesIO, and `styles.xml` taken from `stylesheet_xml`.
    """

    def __init__(self, workbook: Workbook, archive: zipfile.ZipFile, styles_key: Hashable | None) -> None:
        super().__init__(workbook, archive)
        self.styles_key = styles_key

    def write_data(self) -> None:
        archive, workbook = self._archive, self.workbook
        archive.writestr(ARC_APP, _APP_PROPERTIES)
        archive.writestr(ARC_CORE, tostring(workbook.properties.to_tree()))
        archive.writestr(ARC_THEME, theme_xml)
        self._write_worksheets()
        self._write_charts()
        archive.writestr(ARC_STYLE, stylesheet_xml(workbook, self.styles_key))
        writer = WorkbookWriter(workbook)
        archive.writestr(ARC_ROOT_RELS, writer.write_root_rels())
        archive.writestr(ARC_WORKBOOK, writer.write())
        archive.writestr(ARC_WORKBOOK_RELS, writer.write_rels())
        self.manifest._write(archive, workbook)

    def write_worksheet(self, ws: Worksheet) -> None:
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        if self.workbook.write_only:  # the summary: its rows already went out, to openpyxl's file
            if not ws.closed:
                ws.close()
            writer = ws._writer
            ws._rels = writer._rels
            with open(writer.out, "rb") as written, self._archive.open(ws.path[1:], "w") as part:
                shutil.copyfileobj(written, part)  # a chunk at a time: 50,000 rows are ~50 MB of XML
            self.manifest.append(ws)
            writer.cleanup()
            return
        writer = WorksheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


def workbook_bytes(workbook: Workbook, stamp: date) -> bytes:
    """The .xlsx file's bytes, identical for identical content.

    The document's created and modified times become `stamp` (the rates' date: the day the
    numbers are true for); openpyxl's own `save` would stamp the clock time instead.
    """
    moment = datetime(stamp.year, stamp.month, stamp.day)
    workbook.properties.created = moment
    workbook.properties.modified = moment
    values = {
        f"xl/worksheets/sheet{number}.xml": cached.values_of(sheet)
        for number, sheet in enumerate(workbook.worksheets, start=1)  # openpyxl's part names
    }
    # A write-only sheet's cells were numbered as they went out: its styles stay in that order
    # (the same rows give the same order), and its style table is built for it alone.
    styles_key = None if workbook.write_only else put_in_canonical_order(workbook)
    out = io.BytesIO()
    archive = _FixedTimeZip(out, "w", zipfile.ZIP_DEFLATED, True, values)
    _InMemoryWriter(workbook, archive, styles_key).save()
    return out.getvalue()


def _app_properties() -> bytes:
    properties = ExtendedProperties()
    properties.Application = f"segxlsx {__version__}"
    properties.AppVersion = ".".join(__version__.split(".")[:2])
    return tostring(properties.to_tree())


_APP_PROPERTIES = _app_properties()


def _as_bytes(data: bytes | str) -> bytes:
    return data.encode() if isinstance(data, str) else data
