"""Writing a workbook's bytes: the same inputs, the same bytes, and fast.

openpyxl's writer, with each sheet's XML kept in memory, cells and sizes from our own records
(`cells`), and the parts every offer of a shape shares (style table, charts, drawings,
`workbook.xml`, print settings) written once per process (`memo.Memo`).
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Mapping
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.descriptors.serialisable import Serialisable
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.packaging.extended import ExtendedProperties
from openpyxl.packaging.relationship import RelationshipList, get_rels_path
from openpyxl.styles.stylesheet import write_stylesheet
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
    SHEET_MAIN_NS,
)
from openpyxl.xml.functions import tostring

from .. import __version__
from . import cells
from .memo import Memo
from .stylesheet import StyleTable, style_table

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose every entry carries one fixed time, so equal content gives equal bytes.

    openpyxl stamps entries with the current time; its writer only ever calls `writestr` and
    `write` (sheets go through `writestr`, see `_InMemoryWriter`), so these two are all that need fixing.
    """

    def writestr(self, name, data, compress_type=None, compresslevel=None):  # type: ignore[no-untyped-def]
        super().writestr(_entry(name), data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # type: ignore[no-untyped-def]
        with open(filename, "rb") as handle:
            self.writestr(arcname or str(filename), handle.read())

    def open(self, name, mode="r", pwd=None, *, force_zip64=False):  # type: ignore[no-untyped-def]
        """An entry to stream into, with the fixed time (`writestr` comes here with its ZipInfo)."""
        return super().open(_entry(name) if mode == "w" else name, mode, pwd, force_zip64=force_zip64)


def _entry(name: str | zipfile.ZipInfo) -> zipfile.ZipInfo:
    """An entry named `name` with the fixed time, deflated, readable by its owner only."""
    if isinstance(name, zipfile.ZipInfo):
        return name
    entry = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o600 << 16
    return entry


class _InMemoryWriter(ExcelWriter):
    """openpyxl's writer with each sheet's XML kept in memory, its cells written from our
    records, and the style table built once.

    openpyxl writes every sheet to a temporary file, reads it back into the zip and deletes it:
    six files created and removed per workbook, for parts of a few kilobytes. This is openpyxl
    3.1's `write_worksheet` and `write_data` (pinned below 3.2) with a BytesIO, `<sheetData>`
    from `cells.sheet_data`, and `styles.xml` from the workbook's `StyleTable`.
    """

    def __init__(self, workbook: Workbook, archive: zipfile.ZipFile, styles: StyleTable | None) -> None:
        super().__init__(workbook, archive)
        self.styles = styles  # None for a write-only workbook, whose cells carry their own styles
        self.headers: dict[tuple, bytes] = {}  # every sheet of a workbook has the same header and footer

    def write_data(self) -> None:
        archive, workbook = self._archive, self.workbook
        archive.writestr(ARC_APP, _APP_PROPERTIES)
        archive.writestr(ARC_CORE, tostring(workbook.properties.to_tree()))
        archive.writestr(ARC_THEME, theme_xml)
        self._write_worksheets()
        self._write_charts()
        styles = self.styles.xml if self.styles else tostring(write_stylesheet(workbook))
        archive.writestr(ARC_STYLE, styles)
        for name, xml in zip(
            (ARC_ROOT_RELS, ARC_WORKBOOK, ARC_WORKBOOK_RELS), _workbook_parts(workbook), strict=True
        ):
            archive.writestr(name, xml)
        self.manifest._write(archive, workbook)

    def _write_drawing(self, drawing: SpreadsheetDrawing) -> None:
        """openpyxl 3.1's, with the drawing's XML (where each chart sits, which part it is)
        built once per layout: the same for every offer of a shape."""
        self._drawings.append(drawing)
        drawing._id = len(self._drawings)
        for chart in drawing.charts:
            self._charts.append(chart)
            chart._id = len(self._charts)
        key = tuple((chart.anchor, chart.width, chart.height, chart._id) for chart in drawing.charts)
        parts = _DRAWINGS.get(key) if not drawing.images else None
        if parts is None:
            parts = (tostring(drawing._write()), tostring(drawing._write_rels()))
            if not drawing.images:
                _DRAWINGS.keep(key, parts)
        self._archive.writestr(drawing.path[1:], parts[0])
        self._archive.writestr(get_rels_path(drawing.path)[1:], parts[1])
        self.manifest.append(drawing)

    def _write_charts(self) -> None:
        for chart in self._charts:  # every chart of ours is drawn already (`charts.draw`)
            self._archive.writestr(chart.path[1:], chart.xml)
            self.manifest.append(chart)

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
        if ws._cells or ws.row_dimensions or ws.column_dimensions:  # would be left out of the file
            raise AssertionError(
                f"{ws.title}: cells, rows or columns set past styles.put_*, row_height, widths"
            )
        writer = _SheetWriter(ws, self.styles.numbers, self.headers)
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


class _SheetWriter(WorksheetWriter):
    """openpyxl's sheet writer, with the cells from `cells.sheet_data`, and each element
    serialised as it comes rather than streamed through lxml's incremental writer (a third
    of the time a sheet took, for a few kilobytes). The bytes are the same."""

    def __init__(self, ws: Worksheet, numbers: Mapping[cells.Look, str], headers: dict[tuple, bytes]) -> None:
        # openpyxl 3.1's __init__, with this object where its stream was
        self.ws, self.numbers, self.headers = ws, numbers, headers
        ws._hyperlinks, ws._comments = [], []
        self._rels = RelationshipList()
        self.xf, self.parts = self, [_WORKSHEET_START]

    def send(self, element: object) -> None:  # what openpyxl's methods send to their stream
        self.parts.append(tostring(element))

    def write_dimensions(self) -> None:
        self.parts.append(b'<dimension ref="%s"/>' % cells.dimension(self.ws).encode())

    def write_rows(self) -> None:
        self.parts.append(cells.sheet_data(self.ws, self.numbers).encode())

    def write_cols(self) -> None:
        self.parts.append(cells.columns(self.ws).encode())

    def write_format(self) -> None:
        self.ws.sheet_format.outlineLevelCol = self.ws.column_dimensions.max_outline
        self.parts.append(_attributes_only(self.ws.sheet_format))

    def write_print(self) -> None:
        if self.ws.print_options:
            self.parts.append(_attributes_only(self.ws.print_options))

    def write_margins(self) -> None:
        if self.ws.page_margins:
            self.parts.append(_attributes_only(self.ws.page_margins))

    def write_page(self) -> None:
        if self.ws.page_setup:
            self.parts.append(_attributes_only(self.ws.page_setup))

    def write_merged_cells(self) -> None:
        merged = [f'<mergeCell ref="{ref}"/>' for ref in self.ws.merged_cells]
        if merged:
            self.parts.append(f'<mergeCells count="{len(merged)}">{"".join(merged)}</mergeCells>'.encode())

    def write_formatting(self) -> None:
        for formatting in self.ws.conditional_formatting:  # styles numbered already: style_table
            self.send(formatting.to_tree())

    def write_header(self) -> None:
        """The header and footer, serialised once for the sheets of a workbook that share them."""
        printed = self.ws.HeaderFooter
        key = tuple(
            (part.text, part.font, part.size, part.color)
            for item in map(printed.__getattribute__, _HEADERS_AND_FOOTERS)
            for part in (item.left, item.center, item.right)
        ) + (printed.differentOddEven, printed.differentFirst, printed.scaleWithDoc, printed.alignWithMargins)
        if key not in self.headers:
            self.headers[key] = tostring(printed.to_tree()) if printed else b""
        self.parts.append(self.headers[key])

    def close(self) -> None:
        self.parts.append(b"</worksheet>")

    def read(self) -> bytes:
        return b"".join(self.parts)


def _workbook_parts(workbook: Workbook) -> tuple[bytes, bytes, bytes]:
    """The root relationships, `workbook.xml` and its relationships: the sheets, the defined
    names, what prints. The same for every offer of a shape, so written once per shape.

    Names are made by `names.define` (a name and a cell, nothing else) and by openpyxl for
    print areas and titles; a workbook with other workbook-level parts is written afresh.
    """
    plain = not (workbook._external_links or workbook._pivots or workbook.chartsheets or workbook.code_name)
    key = (
        tuple(
            (name, named.attr_text, named.localSheetId, named.hidden)
            for name, named in workbook.defined_names.items()
        ),
        tuple(
            (sheet.title, sheet.sheet_state, sheet.print_titles, sheet.print_area)
            for sheet in workbook.worksheets
        ),
        workbook.active.title,
        workbook.calculation.fullCalcOnLoad,
        workbook.epoch,
    )
    parts = _WORKBOOK_PARTS.get(key) if plain else None
    if parts is None:
        writer = WorkbookWriter(workbook)
        parts = (writer.write_root_rels(), writer.write(), writer.write_rels())
        if plain:
            _WORKBOOK_PARTS.keep(key, parts)
    return parts


_WORKBOOK_PARTS = Memo(256)


def _attributes_only(element: Serialisable) -> bytes:
    """An element that is a tag and its attributes (a sheet's format, print options, margins,
    page setup): serialised once per distinct set of attributes, most the same on every sheet."""
    if element.__elements__ or element.__nested__:
        return tostring(element.to_tree())
    key = (type(element), tuple(element))
    xml = _ATTRIBUTES_ONLY.get(key)
    return xml if xml is not None else _ATTRIBUTES_ONLY.keep(key, tostring(element.to_tree()))


_ATTRIBUTES_ONLY = Memo(256)
_HEADERS_AND_FOOTERS = ("oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter")
_DRAWINGS = Memo(256)  # charts' places → a drawing's XML and relationships

_WORKSHEET_START = b'<worksheet xmlns="%s">' % SHEET_MAIN_NS.encode()


def workbook_bytes(workbook: Workbook, stamp: date) -> bytes:
    """The .xlsx file's bytes, identical for identical content.

    The document's created and modified times become `stamp` (the rates' date: the day the
    numbers are true for); openpyxl's own `save` would stamp the clock time instead.
    """
    moment = datetime(stamp.year, stamp.month, stamp.day)
    workbook.properties.created = moment
    workbook.properties.modified = moment
    # A write-only sheet's cells were numbered as they went out: its styles stay in that order
    # (the same rows give the same order), and its style table is built for it alone.
    styles = None if workbook.write_only else style_table(workbook, cells.looks_used(workbook.worksheets))
    out = io.BytesIO()
    archive = _FixedTimeZip(out, "w", zipfile.ZIP_DEFLATED, True)
    _InMemoryWriter(workbook, archive, styles).save()
    return out.getvalue()


def _app_properties() -> bytes:
    properties = ExtendedProperties()
    properties.Application = f"segxlsx {__version__}"
    properties.AppVersion = ".".join(__version__.split(".")[:2])
    return tostring(properties.to_tree())


_APP_PROPERTIES = _app_properties()
