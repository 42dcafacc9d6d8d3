"""Write the same offer workbooks through each candidate writer, and time them.

    python bench/bench_writers.py [--offers 100] [--rounds 5] [--check 5] [--profile-top 20]

Needs the bench extra (`pip install -e '.[test,bench]'`): XlsxWriter.

segxlsx writes workbooks through a fork of openpyxl's private writer; the candidates are
XlsxWriter, openpyxl's public API, today's engine, and hand-written XML. To compare them on the
same content:

1. segxlsx builds `--offers` real workbooks (bench_build.py's synthetic offers: four regions,
   three currencies, every fifth with a competing offer) through its front door.
2. Untimed, each workbook is read back into a neutral replay with openpyxl's public reader
   (formulas, and with `data_only` their cached values), and its charts from the chart parts of
   the zip, since openpyxl's reader keeps charts only in private attributes.
3. Each writer writes every replay; CPU time per offer, after one warm-up round, over
   `--rounds` rounds in which every writer takes its turn (the order rotating), so that a busy
   spell on a shared machine falls on all of them. Each round's figure is also taken against two
   others of the same round: bench_build.py's bare-openpyxl yardstick (as many cells, a third
   each text, number, formula, no styles), and the zip floor (the workbook's own XML parts,
   deflated: what any writer pays at least).
4. Each writer's file is read back the same way and compared with its replay: what it keeps.
5. cProfile shows where XlsxWriter's time goes, and what its public options can change.

What the replay approximates: charts are rebuilt from their type, grouping, series (name,
categories, values), fills, lines, markers, title, value-axis format, gridlines, legend and
anchor, not copied (fonts of titles, axis details and data caches are the writer's own);
array formulas would be written as plain formulas (these workbooks have none); conditional
formats keep their formula, fill, font colour and boldness; fills keep a solid colour only;
theme colours are dropped (these workbooks use none).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import posixpath
import pstats
import statistics
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import xlsxwriter
import xlsxwriter.worksheet

# The offers and the yardstick are bench_build.py's own (it imports segxlsx.batch in turn).
from bench_build import GUIDE, bare_workbook, synthetic_offers, zipped
from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell, MergedCell, WriteOnlyCell
from openpyxl.chart import AreaChart, BarChart, LineChart, PieChart, ScatterChart
from openpyxl.chart import Series as ChartSeries
from openpyxl.chart.axis import ChartLines
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.legend import LegendEntry
from openpyxl.chart.marker import Marker
from openpyxl.chart.series import SeriesLabel
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.formatting.rule import Rule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break

# Everything this bench takes from segxlsx, in one place: the library's front door.
import segxlsx
from segxlsx.wording import load_wording

# --- the replay: one workbook's content in plain values ----------------------------------------


@dataclass(frozen=True)
class Look:
    """One distinct cell style. Colours are RRGGBB, None where there is none."""

    number_format: str
    font: tuple[str | None, float | None, bool, bool, str | None, str | None]  # name, size, b, i, u, colour
    fill: str | None  # a solid fill's colour
    borders: tuple[tuple[str | None, str | None], ...]  # (style, colour): left, right, top, bottom
    horizontal: str | None
    vertical: str | None
    wrap: bool
    indent: float
    rotation: int


# row, column (both from 0), kind ("f" formula, "s", "n", "b", "d", "" blank), the value (a
# formula's cached value), the formula ("=…") or None, and the look's index in Replay.looks.
CellRecord = tuple[int, int, str, Any, str | None, int]


@dataclass(frozen=True)
class Row:
    index: int  # from 0
    height: float | None
    cells: tuple[CellRecord, ...]


@dataclass(frozen=True)
class Conditional:
    sqref: str
    kind: str
    formulas: tuple[str, ...]
    fill: str | None
    font_colour: str | None
    bold: bool
    stop: bool


@dataclass(frozen=True)
class Validation:
    sqref: str
    kind: str
    operator: str | None
    formula1: str | None
    formula2: str | None
    allow_blank: bool
    hide_dropdown: bool
    show_input: bool
    show_error: bool


@dataclass(frozen=True)
class Printing:
    landscape: bool
    paper: int | None
    fit: tuple[int, int] | None  # pages wide, pages tall (0: as many as it takes)
    centre_across: bool
    centre_down: bool
    margins: tuple[float, float, float, float, float, float]  # left, right, top, bottom, header, footer
    header: str  # Excel's mini-format: &L&"Arial,Regular"&8 Candidate&R…
    footer: str
    header_parts: tuple[tuple[str | None, str | None, int | None, str | None], ...]  # left, centre, right:
    footer_parts: tuple[
        tuple[str | None, str | None, int | None, str | None], ...
    ]  # text, font, size, colour
    area: str | None  # "A1:H39"
    title_rows: tuple[int, int] | None  # from 0
    row_breaks: tuple[int, ...]


@dataclass(frozen=True)
class SeriesSpec:
    name: str | None
    name_ref: str | None
    categories: str | None
    values: str
    fill: str | None  # RRGGBB, "none", or None for the writer's own
    line: str | None
    marker: tuple[str | None, int | None, str | None] | None  # symbol, size, colour


@dataclass(frozen=True)
class Plot:
    kind: str  # bar, line, area, pie, scatter
    direction: str | None  # col or bar
    grouping: str | None
    gap: int | None
    overlap: int | None
    series: tuple[SeriesSpec, ...]


@dataclass(frozen=True)
class ChartSpec:
    row: int
    column: int
    width: int  # EMU; 0 where the drawing does not say (a two-cell anchor without an extent)
    height: int
    title: str | None
    plots: tuple[Plot, ...]
    y_format: str | None
    y_gridlines: bool
    legend: str | None  # b, t, l, r, tr; None for no legend
    legend_deleted: tuple[int, ...]


@dataclass(frozen=True)
class SheetReplay:
    title: str
    rows: tuple[Row, ...]
    merges: dict[tuple[int, int], tuple[int, int]]  # first cell → last cell, from 0
    widths: tuple[tuple[int, float], ...]
    freeze: tuple[int, int] | None
    conditionals: tuple[Conditional, ...]
    validations: tuple[Validation, ...]
    printing: Printing
    charts: tuple[ChartSpec, ...]
    names: tuple[tuple[str, str], ...]  # names scoped to this sheet


@dataclass(frozen=True)
class Replay:
    title: str | None
    creator: str | None
    created: datetime | None
    looks: tuple[Look, ...]  # looks[0] is the workbook's default style
    sheets: tuple[SheetReplay, ...]
    names: tuple[tuple[str, str], ...]  # workbook-scope defined names, "'Rates'!$B$5"

    def cells(self) -> Iterable[tuple[str, CellRecord]]:
        for sheet in self.sheets:
            for row in sheet.rows:
                for cell in row.cells:
                    yield sheet.title, cell


def replay_of(data: bytes) -> Replay:
    """The content of an .xlsx file, read with openpyxl's public reader (charts from the zip)."""
    formulas = load_workbook(io.BytesIO(data))
    cached = load_workbook(io.BytesIO(data), data_only=True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        charts = _charts_by_sheet(archive)
    looks: dict[Look, int] = {_look_of(Cell(formulas.worksheets[0])): 0}  # a cell of no style
    sheets = []
    for sheet in formulas.worksheets:
        values = cached[sheet.title]
        merges = {
            (span.min_row - 1, span.min_col - 1): (span.max_row - 1, span.max_col - 1)
            for span in sheet.merged_cells.ranges
        }
        rows: dict[int, list[CellRecord]] = {}
        for line in sheet.iter_rows():
            for cell in line:
                if isinstance(cell, MergedCell):  # the rest of a merged range: no value of its own
                    continue
                place = (cell.row - 1, cell.column - 1)
                if cell.value is None and not cell.has_style and place not in merges:
                    continue  # made by iter_rows, not in the file
                look = looks.setdefault(_look_of(cell), len(looks))
                kind, value, formula = _kind_of(cell, values)
                rows.setdefault(place[0], []).append((*place, kind, value, formula, look))
        heights = {
            index - 1: dimension.height
            for index, dimension in sheet.row_dimensions.items()
            if dimension.height is not None
        }
        sheets.append(
            SheetReplay(
                title=sheet.title,
                rows=tuple(
                    Row(index, heights.get(index), tuple(rows.get(index, ())))
                    for index in sorted(rows.keys() | heights.keys())
                ),
                merges=merges,
                widths=tuple(
                    (column - 1, dimension.width)
                    for dimension in sheet.column_dimensions.values()
                    if dimension.customWidth and dimension.width
                    for column in range(dimension.min, dimension.max + 1)
                ),
                freeze=(
                    tuple(n - 1 for n in coordinate_to_tuple(sheet.freeze_panes))  # type: ignore[misc]
                    if sheet.freeze_panes
                    else None
                ),
                conditionals=tuple(
                    _conditional_of(str(formatting.sqref), rule)
                    for formatting in sheet.conditional_formatting
                    for rule in sorted(formatting.rules, key=lambda rule: rule.priority)
                ),
                validations=tuple(_validation_of(item) for item in sheet.data_validations.dataValidation),
                printing=_printing_of(sheet),
                charts=charts.get(sheet.title, ()),
                names=tuple((name, named.attr_text) for name, named in sheet.defined_names.items()),
            )
        )
    return Replay(
        title=formulas.properties.title,
        creator=formulas.properties.creator,
        created=formulas.properties.created,
        looks=tuple(looks),
        sheets=tuple(sheets),
        names=tuple((name, named.attr_text) for name, named in formulas.defined_names.items()),
    )


def _kind_of(cell: Cell, values: Any) -> tuple[str, Any, str | None]:
    value = cell.value
    if cell.data_type == "f" or isinstance(value, ArrayFormula):
        formula = value.text if isinstance(value, ArrayFormula) else value
        return "f", values.cell(cell.row, cell.column).value, formula
    if value is None:
        return "", None, None
    if isinstance(value, bool):
        return "b", value, None
    if isinstance(value, int | float):
        return "n", value, None
    if isinstance(value, datetime | date | clock):
        return "d", value, None
    return "s", str(value), None


def _rgb(colour: Any) -> str | None:
    if colour is None or colour.type != "rgb" or not isinstance(colour.rgb, str):
        return None  # theme and indexed colours: none in these workbooks
    return colour.rgb[-6:].upper()


def _look_of(cell: Cell) -> Look:
    font, fill, border, alignment = cell.font, cell.fill, cell.border, cell.alignment
    return Look(
        number_format=cell.number_format,
        font=(font.name, font.sz, bool(font.b), bool(font.i), font.u, _rgb(font.color)),
        fill=_rgb(fill.fgColor) if fill.fill_type == "solid" else None,
        borders=tuple(
            (side.style, _rgb(side.color) if side.style else None)
            for side in (border.left, border.right, border.top, border.bottom)
        ),
        horizontal=alignment.horizontal,
        vertical=alignment.vertical,
        wrap=bool(alignment.wrap_text),
        indent=alignment.indent or 0,
        rotation=alignment.text_rotation or 0,
    )


def _conditional_of(sqref: str, rule: Rule) -> Conditional:
    style = rule.dxf
    fill = font = None
    if style is not None:
        fill = style.fill and (_rgb(style.fill.bgColor) or _rgb(style.fill.fgColor))
        font = style.font
    return Conditional(
        sqref=sqref,
        kind=rule.type,
        formulas=tuple(rule.formula or ()),
        fill=fill,
        font_colour=_rgb(font.color) if font is not None else None,
        bold=bool(font is not None and font.b),
        stop=bool(rule.stopIfTrue),
    )


def _validation_of(item: DataValidation) -> Validation:
    return Validation(
        sqref=str(item.sqref),
        kind=item.type or "any",
        operator=item.operator,
        formula1=item.formula1,
        formula2=item.formula2,
        allow_blank=bool(item.allow_blank),
        hide_dropdown=bool(item.showDropDown),
        show_input=bool(item.showInputMessage),
        show_error=bool(item.showErrorMessage),
    )


def _printing_of(sheet: Any) -> Printing:
    setup, margins = sheet.page_setup, sheet.page_margins
    fits = sheet.sheet_properties.pageSetUpPr and sheet.sheet_properties.pageSetUpPr.fitToPage
    area = sheet.print_area
    titles = sheet.print_title_rows
    first, _, last = (titles or "").replace("$", "").partition(":")
    return Printing(
        landscape=setup.orientation == "landscape",
        paper=int(setup.paperSize) if setup.paperSize else None,
        fit=(_pages(setup.fitToWidth), _pages(setup.fitToHeight)) if fits else None,
        centre_across=bool(sheet.print_options.horizontalCentered),
        centre_down=bool(sheet.print_options.verticalCentered),
        margins=(margins.left, margins.right, margins.top, margins.bottom, margins.header, margins.footer),
        header=str(sheet.oddHeader) if sheet.oddHeader else "",
        footer=str(sheet.oddFooter) if sheet.oddFooter else "",
        header_parts=_parts(sheet.oddHeader),
        footer_parts=_parts(sheet.oddFooter),
        area=area.split("!")[-1].replace("$", "") if area else None,
        title_rows=(int(first) - 1, int(last) - 1) if titles else None,
        row_breaks=tuple(item.id for item in sheet.row_breaks.brk),
    )


def _parts(item: Any) -> tuple[tuple[str | None, str | None, int | None, str | None], ...]:
    return tuple(
        (part.text, part.font, part.size, part.color) for part in (item.left, item.center, item.right)
    )


def _pages(count: Any) -> int:
    return 1 if count is None else int(count)


# The chart parts, read from the zip: openpyxl's reader keeps charts in private attributes only.
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"


def _charts_by_sheet(archive: zipfile.ZipFile) -> dict[str, tuple[ChartSpec, ...]]:
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    parts = _relationships(archive, "xl/workbook.xml")
    charts = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        sheet_part = parts[sheet.get(f"{_REL}id")][1]
        found = []
        for kind, drawing in _relationships(archive, sheet_part).values():
            if kind != "drawing":
                continue
            targets = _relationships(archive, drawing)
            for anchor in ElementTree.fromstring(archive.read(drawing)):
                reference = anchor.find(f".//{_C}chart")
                start = anchor.find(f"{_XDR}from")
                if reference is None or start is None:
                    continue
                extent = anchor.find(f"{_XDR}ext")
                if extent is None:
                    extent = anchor.find(f".//{_XDR}xfrm/{_A}ext")
                width, height = (0, 0) if extent is None else (int(extent.get("cx")), int(extent.get("cy")))
                xml = archive.read(targets[reference.get(f"{_REL}id")][1])
                row, column = int(start.findtext(f"{_XDR}row")), int(start.findtext(f"{_XDR}col"))
                found.append(_chart_of(ElementTree.fromstring(xml), row, column, width, height))
        if found:
            charts[sheet.get("name")] = tuple(found)
    return charts


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id → (type's last word, the target part's name)."""
    folder, name = posixpath.split(part)
    path = posixpath.join(folder, "_rels", name + ".rels")
    if path not in archive.namelist():
        return {}
    found = {}
    for item in ElementTree.fromstring(archive.read(path)).iter(f"{_PACKAGE_REL}Relationship"):
        target = item.get("Target")
        target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[item.get("Id")] = (item.get("Type").rsplit("/", 1)[-1], target)
    return found


def _chart_of(root: ElementTree.Element, row: int, column: int, width: int, height: int) -> ChartSpec:
    chart = root.find(f"{_C}chart")
    area = chart.find(f"{_C}plotArea")
    title = chart.find(f"{_C}title")
    plots = []
    for element in area:
        kind = element.tag.removeprefix(_C)
        if not kind.endswith("Chart"):
            continue
        plots.append(
            Plot(
                kind=kind.removesuffix("Chart"),
                direction=_value(element, "barDir"),
                grouping=_value(element, "grouping"),
                gap=_number(_value(element, "gapWidth")),
                overlap=_number(_value(element, "overlap")),
                series=tuple(_series_of(item) for item in element.findall(f"{_C}ser")),
            )
        )
    value_axis = area.find(f"{_C}valAx")
    number_format = value_axis.find(f"{_C}numFmt") if value_axis is not None else None
    legend = chart.find(f"{_C}legend")
    return ChartSpec(
        row=row,
        column=column,
        width=width,
        height=height,
        title="".join(text.text or "" for text in title.iter(f"{_A}t")) if title is not None else None,
        plots=tuple(plots),
        y_format=number_format.get("formatCode") if number_format is not None else None,
        y_gridlines=value_axis is not None and value_axis.find(f"{_C}majorGridlines") is not None,
        legend=_value(legend, "legendPos") or "r" if legend is not None else None,
        legend_deleted=tuple(
            int(_value(entry, "idx"))
            for entry in (legend.findall(f"{_C}legendEntry") if legend is not None else ())
            if _value(entry, "delete") in ("1", "true")
        ),
    )


def _series_of(element: ElementTree.Element) -> SeriesSpec:
    name = element.find(f"{_C}tx")
    marker = element.find(f"{_C}marker")
    return SeriesSpec(
        name=name.findtext(f"{_C}v") if name is not None else None,
        name_ref=name.findtext(f"{_C}strRef/{_C}f") if name is not None else None,
        categories=element.findtext(f"{_C}cat//{_C}f"),
        values=element.findtext(f"{_C}val//{_C}f") or element.findtext(f"{_C}yVal//{_C}f") or "",
        fill=_colour(element.find(f"{_C}spPr")),
        line=_colour(element.find(f"{_C}spPr/{_A}ln")),
        marker=(
            (_value(marker, "symbol"), _number(_value(marker, "size")), _colour(marker.find(f"{_C}spPr")))
            if marker is not None
            else None
        ),
    )


def _value(element: ElementTree.Element | None, tag: str) -> str | None:
    found = element.find(f"{_C}{tag}") if element is not None else None
    return found.get("val") if found is not None else None


def _number(text: str | None) -> int | None:
    return int(text) if text is not None else None


def _colour(properties: ElementTree.Element | None) -> str | None:
    if properties is None:
        return None
    if properties.find(f"{_A}noFill") is not None:
        return "none"
    colour = properties.find(f"{_A}solidFill/{_A}srgbClr")
    return colour.get("val").upper() if colour is not None else None


# --- what a written file keeps of its replay -----------------------------------------------------


def differences(source: Replay, written: Replay) -> dict[str, int]:
    """How many things of each kind the written workbook has otherwise than the source."""
    found: dict[str, int] = {}

    def count(what: str, number: int) -> None:
        if number:
            found[what] = found.get(what, 0) + number

    theirs = {(title, cell[0], cell[1]): cell for title, cell in written.cells()}
    ours = {(title, cell[0], cell[1]): cell for title, cell in source.cells()}
    for place, cell in ours.items():
        other = theirs.get(place)
        kind, value, formula, look = cell[2:]
        other_kind, other_value, other_formula, other_look = other[2:] if other else ("", None, None, 0)
        if kind == "f":
            count("formulas", formula != other_formula)
            count("cached values", not _same_value(value, other_value))
        elif kind:
            count("values", other_kind != kind or not _same_value(value, other_value))
        count("styles", source.looks[look] != written.looks[other_look])
    count("cells too many", len(theirs.keys() - ours.keys()))
    pairs = list(zip(source.sheets, written.sheets, strict=False))
    count("sheets", len(source.sheets) != len(written.sheets) or any(a.title != b.title for a, b in pairs))
    for a, b in pairs:
        count("merges", len(set(a.merges.items()) ^ set(b.merges.items())))
        # XlsxWriter rounds heights to whole pixels (26 pt → 26.25) and leaves out the default's (15)
        count(
            "heights",
            sum(abs((x.height or 15) - (y.height or 15)) > 0.5 for x, y in _by_index(a.rows, b.rows)),
        )
        widths = dict(b.widths)
        # Excel keeps a width with a few pixels' padding that each writer rounds its own way
        count(
            "widths",
            sum(abs(widths.get(c, 0) - w) > 1 for c, w in a.widths)
            + len(widths.keys() - dict(a.widths).keys()),
        )
        count("panes", a.freeze != b.freeze)
        count("conditional formats", len(set(a.conditionals) ^ set(b.conditionals)))
        count("validations", len(set(a.validations) ^ set(b.validations)))
        count(
            "print set-up", sum(x != y for x, y in zip(_fields(a.printing), _fields(b.printing), strict=True))
        )
        count("charts", len({_chart_key(c) for c in a.charts} ^ {_chart_key(c) for c in b.charts}))
        count("sheet names", len(set(a.names) ^ set(b.names)))
    count("defined names", len({_ref(n) for n in source.names} ^ {_ref(n) for n in written.names}))
    count("document title", source.title != written.title)
    return found


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and not isinstance(a, bool) and isinstance(b, int | float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a))
    return a == b or (a in (None, "") and b in (None, ""))


def _by_index(a: Iterable[Row], b: Iterable[Row]) -> list[tuple[Row, Row]]:
    theirs = {row.index: row for row in b}
    return [(row, theirs.get(row.index, Row(row.index, None, ()))) for row in a]


def _fields(printing: Printing) -> tuple:
    return tuple(getattr(printing, name) for name in printing.__dataclass_fields__)


def _ref(item: tuple[str, str]) -> tuple[str, str]:
    return item[0], item[1].replace("'", "").replace("$", "")


def _chart_key(chart: ChartSpec) -> tuple:
    """What a rebuilt chart must keep: its place, title, and each plot's type and series ranges."""
    strip = lambda ref: ref and ref.replace("'", "").replace("$", "")  # noqa: E731
    return (
        chart.row,
        chart.column,
        chart.title,
        tuple(
            (
                plot.kind,
                plot.direction,
                plot.grouping,
                tuple((s.name, strip(s.name_ref), strip(s.categories), strip(s.values)) for s in plot.series),
            )
            for plot in chart.plots
        ),
    )


# --- the writers ---------------------------------------------------------------------------------

EMU_PER_PIXEL = 9525
EMU_PER_CM = 360000


def xlsxwriter_bytes(replay: Replay, options: dict[str, Any], cells: str = "typed") -> bytes:
    """The replay written by XlsxWriter's public API. `cells`: "typed" (write_string, write_number,
    write_formula…), "write" (the generic write(), which looks at each value), or "private" (typed,
    on a worksheet whose formula preparation is skipped: for scale only, not a public option)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"default_format_properties": _xlsxwriter_default(replay), **options})
    book.set_properties(
        {"title": replay.title or "", "author": replay.creator or "", "created": replay.created}
    )
    formats = [None] + [book.add_format(_xlsxwriter_format(look)) for look in replay.looks[1:]]
    emphases: dict[tuple, Any] = {}
    through_write = cells == "write"
    formulas_through_write = through_write and options.get("strings_to_formulas", True)
    worksheet_class = _UnpreparedFormulas if cells == "private" else None
    for sheet in replay.sheets:
        ws = book.add_worksheet(sheet.title, worksheet_class=worksheet_class)
        for column, width in sheet.widths:
            ws.set_column(column, column, width)
        if sheet.freeze:
            ws.freeze_panes(*sheet.freeze)
        merges = sheet.merges
        # Row by row, in order, as constant_memory requires: a merge before its first cell's value.
        for row in sheet.rows:
            if row.height is not None:
                ws.set_row(row.index, row.height)
            for r, c, kind, value, formula, look in row.cells:
                style = formats[look]
                if merges and (r, c) in merges:
                    ws.merge_range(r, c, *merges[r, c], "", style)
                if kind == "f":
                    if formulas_through_write:
                        ws.write(r, c, formula, style, "" if value is None else value)
                    else:
                        ws.write_formula(r, c, formula, style, "" if value is None else value)
                elif through_write:
                    ws.write(r, c, value, style)
                elif kind == "s":
                    ws.write_string(r, c, value, style)
                elif kind == "n":
                    ws.write_number(r, c, value, style)
                elif kind == "b":
                    ws.write_boolean(r, c, value, style)
                elif kind == "d":
                    ws.write_datetime(r, c, value, style)
                else:
                    ws.write_blank(r, c, None, style)
        for rule in sheet.conditionals:
            key = (rule.fill, rule.font_colour, rule.bold)
            if key not in emphases:
                emphases[key] = book.add_format(_xlsxwriter_emphasis(rule))
            ranges = rule.sqref.split()
            conditional = {"type": "formula", "criteria": "=" + rule.formulas[0], "format": emphases[key]}
            if rule.stop:
                conditional["stop_if_true"] = True
            if len(ranges) > 1:
                conditional["multi_range"] = rule.sqref
            ws.conditional_format(ranges[0], conditional)
        for validation in sheet.validations:
            ws.data_validation(validation.sqref.split()[0], _xlsxwriter_validation(validation))
        _xlsxwriter_printing(ws, sheet.printing)
        for chart in sheet.charts:
            ws.insert_chart(chart.row, chart.column, _xlsxwriter_chart(book, chart))
        for name, ref in sheet.names:
            book.define_name(f"'{sheet.title}'!{name}", "=" + ref)
    for name, ref in replay.names:
        book.define_name(name, "=" + ref)
    book.close()
    return out.getvalue()


class _UnpreparedFormulas(xlsxwriter.worksheet.Worksheet):
    """PRIVATE, for scale only: a worksheet that stores formulas as given, without
    `_write_formula`'s dynamic-array search and `_prepare_formula`'s 28 regular expressions.
    Overriding an underscored method is the same kind of dependence as today's fork."""

    def _write_formula(self, row, col, formula, cell_format=None, value=0):  # type: ignore[no-untyped-def]
        if self._check_dimensions(row, col):
            return -1
        self.table[row][col] = xlsxwriter.worksheet.CellFormulaTuple(formula[1:], cell_format, value)
        return 0


_FORMATS: dict[Look, dict[str, Any]] = {}  # XlsxWriter's properties of each look, worked out once
_BORDERS = {
    None: 0, "thin": 1, "medium": 2, "dashed": 3, "dotted": 4, "thick": 5, "double": 6, "hair": 7,
    "mediumDashed": 8, "dashDot": 9, "mediumDashDot": 10, "dashDotDot": 11, "mediumDashDotDot": 12,
    "slantDashDot": 13,
}  # fmt: skip
_VERTICAL = {
    "top": "top",
    "center": "vcenter",
    "bottom": "bottom",
    "justify": "vjustify",
    "distributed": "vdistributed",
}


def _xlsxwriter_default(replay: Replay) -> dict[str, Any]:
    name, size = replay.looks[0].font[:2]
    return {"font_name": name or "Calibri", "font_size": size or 11}


def _xlsxwriter_format(look: Look) -> dict[str, Any]:
    properties = _FORMATS.get(look)
    if properties is not None:
        return properties
    name, size, bold, italic, underline, colour = look.font
    properties = {"font_name": name, "font_size": size}
    if look.number_format != "General":
        properties["num_format"] = look.number_format
    if bold:
        properties["bold"] = True
    if italic:
        properties["italic"] = True
    if underline:
        properties["underline"] = {"single": 1, "double": 2, "singleAccounting": 33, "doubleAccounting": 34}[
            underline
        ]
    if colour:
        properties["font_color"] = "#" + colour
    if look.fill:
        properties |= {"pattern": 1, "bg_color": "#" + look.fill}
    for side, (style, side_colour) in zip(("left", "right", "top", "bottom"), look.borders, strict=True):
        if style:
            properties[side] = _BORDERS[style]
            if side_colour:
                properties[f"{side}_color"] = "#" + side_colour
    if look.horizontal and look.horizontal != "general":
        properties["align"] = {"centerContinuous": "center_across"}.get(look.horizontal, look.horizontal)
    if look.vertical:
        properties["valign"] = _VERTICAL[look.vertical]
    if look.wrap:
        properties["text_wrap"] = True
    if look.indent:
        properties["indent"] = int(look.indent)
    if look.rotation:
        properties["rotation"] = look.rotation
    _FORMATS[look] = properties
    return properties


def _xlsxwriter_emphasis(rule: Conditional) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    if rule.fill:
        properties |= {"pattern": 1, "bg_color": "#" + rule.fill}
    if rule.font_colour:
        properties["font_color"] = "#" + rule.font_colour
    if rule.bold:
        properties["bold"] = True
    return properties


_CRITERIA = {
    "between": "between", "notBetween": "not between", "equal": "==", "notEqual": "!=",
    "greaterThan": ">", "lessThan": "<", "greaterThanOrEqual": ">=", "lessThanOrEqual": "<=",
}  # fmt: skip


def _xlsxwriter_validation(validation: Validation) -> dict[str, Any]:
    options: dict[str, Any] = {
        "ignore_blank": validation.allow_blank,
        "dropdown": not validation.hide_dropdown,  # the file's showDropDown="1" hides it
        "show_input": validation.show_input,
        "show_error": validation.show_error,
    }
    first = validation.formula1 or ""
    if validation.kind == "list":
        listed = first.startswith('"')
        return options | {
            "validate": "list",
            "source": first.strip('"').split(",") if listed else "=" + first,
        }
    if validation.kind == "custom":
        return options | {"validate": "custom", "value": "=" + first}
    options |= {
        "validate": {"textLength": "length"}.get(validation.kind, validation.kind),
        "criteria": _CRITERIA[validation.operator or "between"],
        "value" if validation.formula2 is None else "minimum": "=" + first,
    }
    if validation.formula2 is not None:
        options["maximum"] = "=" + validation.formula2
    return options


def _xlsxwriter_printing(ws: Any, printing: Printing) -> None:
    if printing.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if printing.paper:
        ws.set_paper(printing.paper)
    if printing.fit:
        ws.fit_to_pages(*printing.fit)
    if printing.centre_across:
        ws.center_horizontally()
    if printing.centre_down:
        ws.center_vertically()
    ws.set_margins(*printing.margins[:4])
    if printing.header:
        ws.set_header(printing.header, {"margin": printing.margins[4]})
    if printing.footer:
        ws.set_footer(printing.footer, {"margin": printing.margins[5]})
    if printing.row_breaks:
        ws.set_h_pagebreaks(list(printing.row_breaks))
    if printing.area:
        ws.print_area(printing.area)
    if printing.title_rows:
        ws.repeat_rows(*printing.title_rows)


_MARKERS = {"dash": "long_dash", "dot": "short_dash", "auto": "automatic"}
_LEGEND = {"b": "bottom", "t": "top", "l": "left", "r": "right", "tr": "overlay_top_right"}


def _xlsxwriter_chart(book: Any, spec: ChartSpec) -> Any:
    made = None
    for plot in spec.plots:
        kind = ("column" if plot.direction == "col" else "bar") if plot.kind == "bar" else plot.kind
        chart_type = {"type": kind}
        if plot.grouping in ("stacked", "percentStacked"):
            chart_type["subtype"] = "stacked" if plot.grouping == "stacked" else "percent_stacked"
        chart = book.add_chart(chart_type)
        for index, series in enumerate(plot.series):
            options: dict[str, Any] = {"values": "=" + series.values}
            if series.categories:
                options["categories"] = "=" + series.categories
            if series.name_ref:
                options["name"] = "=" + series.name_ref
            elif series.name is not None:
                options["name"] = series.name
            if series.fill:
                options["fill"] = _xlsxwriter_colour(series.fill)
            if series.line:
                options["line" if plot.kind in ("line", "scatter") else "border"] = _xlsxwriter_colour(
                    series.line
                )
            if series.marker:
                symbol, size, colour = series.marker
                marker: dict[str, Any] = {"type": _MARKERS.get(symbol, symbol or "automatic")}
                if size:
                    marker["size"] = size
                if colour and colour != "none":
                    marker["fill"] = marker["border"] = {"color": "#" + colour}
                options["marker"] = marker
            if index == 0 and plot.kind == "bar":
                if plot.gap is not None:
                    options["gap"] = plot.gap
                if plot.overlap is not None:
                    options["overlap"] = plot.overlap
            chart.add_series(options)
        if made is None:
            made = chart
        else:
            made.combine(chart)
    if spec.title:
        made.set_title({"name": spec.title, "name_font": {"size": 11, "bold": True}})
    axis: dict[str, Any] = {"major_gridlines": {"visible": spec.y_gridlines}}
    if spec.y_format:
        axis["num_format"] = spec.y_format
    made.set_y_axis(axis)
    if spec.legend:
        legend: dict[str, Any] = {"position": _LEGEND.get(spec.legend, "right")}
        if spec.legend_deleted:
            legend["delete_series"] = list(spec.legend_deleted)
        made.set_legend(legend)
    else:
        made.set_legend({"none": True})
    if spec.width:
        made.set_size(
            {"width": round(spec.width / EMU_PER_PIXEL), "height": round(spec.height / EMU_PER_PIXEL)}
        )
    return made


def _xlsxwriter_colour(colour: str) -> dict[str, Any]:
    return {"none": True} if colour == "none" else {"color": "#" + colour}


# openpyxl's public API: style objects made once per look, shared by every workbook (they are
# immutable); what differs from openpyxl's own default (Calibri 11) is set on each cell.
_OPENPYXL_STYLES: dict[Look, tuple[tuple[str, Any], ...]] = {}


def _openpyxl_style(look: Look) -> tuple[tuple[str, Any], ...]:
    settings = _OPENPYXL_STYLES.get(look)
    if settings is not None:
        return settings
    name, size, bold, italic, underline, colour = look.font
    font = Font(name=name, sz=size, b=bold, i=italic, u=underline, color=colour)
    fill = PatternFill("solid", fgColor=look.fill) if look.fill else PatternFill()
    border = Border(*(Side(style=style, color=colour) for style, colour in look.borders))
    alignment = Alignment(
        horizontal=look.horizontal,
        vertical=look.vertical,
        wrap_text=look.wrap or None,
        indent=look.indent,
        text_rotation=look.rotation,
    )
    defaults = {"font": Font(), "fill": PatternFill(), "border": Border(), "alignment": Alignment()}
    chosen = {"font": font, "fill": fill, "border": border, "alignment": alignment}
    settings = tuple(
        (attribute, style) for attribute, style in chosen.items() if style != defaults[attribute]
    )
    if look.number_format != "General":
        settings += (("number_format", look.number_format),)
    _OPENPYXL_STYLES[look] = settings
    return settings


def openpyxl_bytes(replay: Replay, write_only: bool = False) -> bytes:
    """The replay written by openpyxl's public API (no cached values: it has no way to write them).

    `write_only`: openpyxl's streaming workbook, rows appended in order, merges added to
    `merged_cells` (its write-only sheet has no `merge_cells`)."""
    book = Workbook(write_only=write_only)
    if not write_only:
        book.remove(book.active)
    book.properties.title = replay.title
    book.properties.creator = replay.creator
    book.properties.created = replay.created
    styles = [_openpyxl_style(look) for look in replay.looks]
    for sheet in replay.sheets:
        ws = book.create_sheet(sheet.title)
        for column, width in sheet.widths:
            ws.column_dimensions[get_column_letter(column + 1)].width = width
        if sheet.freeze:
            ws.freeze_panes = get_column_letter(sheet.freeze[1] + 1) + str(sheet.freeze[0] + 1)
        _openpyxl_printing(ws, sheet.printing)  # before the rows: a write-only sheet starts with them
        if write_only:
            _append_rows(ws, sheet, styles)
            for (r, c), (r2, c2) in sheet.merges.items():
                ws.merged_cells.add(f"{get_column_letter(c + 1)}{r + 1}:{get_column_letter(c2 + 1)}{r2 + 1}")
        else:
            for row in sheet.rows:
                if row.height is not None:
                    ws.row_dimensions[row.index + 1].height = row.height
                for r, c, kind, value, formula, look in row.cells:
                    cell = ws.cell(r + 1, c + 1, formula if kind == "f" else value)
                    if kind == "s" and value.startswith("="):
                        cell.data_type = "s"  # text, not a formula
                    for attribute, style in styles[look]:
                        setattr(cell, attribute, style)
            for (r, c), (r2, c2) in sheet.merges.items():
                ws.merge_cells(start_row=r + 1, start_column=c + 1, end_row=r2 + 1, end_column=c2 + 1)
        for rule in sheet.conditionals:
            fill = PatternFill("solid", fgColor=rule.fill, bgColor=rule.fill) if rule.fill else None
            font = (
                Font(color=rule.font_colour, b=rule.bold or None) if rule.font_colour or rule.bold else None
            )
            ws.conditional_formatting.add(
                rule.sqref,
                Rule(
                    type=rule.kind,
                    formula=list(rule.formulas),
                    dxf=DifferentialStyle(font=font, fill=fill),
                    stopIfTrue=rule.stop or None,
                ),
            )
        for validation in sheet.validations:
            ws.data_validations.append(
                DataValidation(
                    type=validation.kind,
                    operator=validation.operator,
                    formula1=validation.formula1,
                    formula2=validation.formula2,
                    allow_blank=validation.allow_blank,
                    showDropDown=validation.hide_dropdown,
                    showInputMessage=validation.show_input,
                    showErrorMessage=validation.show_error,
                    sqref=validation.sqref,
                )
            )
        for spec in sheet.charts:
            ws.add_chart(_openpyxl_chart(spec), get_column_letter(spec.column + 1) + str(spec.row + 1))
        for name, ref in sheet.names:
            ws.defined_names[name] = DefinedName(name, attr_text=ref)
    for name, ref in replay.names:
        book.defined_names[name] = DefinedName(name, attr_text=ref)
    book.calculation.fullCalcOnLoad = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _append_rows(ws: Any, sheet: SheetReplay, styles: list[tuple[tuple[str, Any], ...]]) -> None:
    """Rows for a write-only sheet: appended in order, the gaps as empty rows."""
    next_row = 0
    for row in sheet.rows:
        while next_row < row.index:
            ws.append(())
            next_row += 1
        if row.height is not None:
            ws.row_dimensions[row.index + 1].height = row.height
        values: list[Any] = [None] * (row.cells[-1][1] + 1 if row.cells else 0)
        for _, c, kind, value, formula, look in row.cells:
            cell = WriteOnlyCell(ws, formula if kind == "f" else value)
            if kind == "s" and value.startswith("="):
                cell.data_type = "s"
            for attribute, style in styles[look]:
                setattr(cell, attribute, style)
            values[c] = cell
        ws.append(values)
        next_row += 1


def _openpyxl_printing(ws: Any, printing: Printing) -> None:
    ws.page_setup.orientation = "landscape" if printing.landscape else "portrait"
    if printing.paper:
        ws.page_setup.paperSize = printing.paper
    if printing.fit:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = printing.fit
    ws.print_options.horizontalCentered = printing.centre_across or None
    ws.print_options.verticalCentered = printing.centre_down or None
    left, right, top, bottom, header, footer = printing.margins
    ws.page_margins = PageMargins(left, right, top, bottom, header, footer)
    for item, parts in ((ws.oddHeader, printing.header_parts), (ws.oddFooter, printing.footer_parts)):
        for part, (text, font, size, colour) in zip((item.left, item.center, item.right), parts, strict=True):
            if text is not None:
                part.text, part.font, part.size, part.color = text, font, size, colour
    for row in printing.row_breaks:
        ws.row_breaks.append(Break(id=row))
    if printing.area:
        ws.print_area = printing.area
    if printing.title_rows:
        ws.print_title_rows = f"{printing.title_rows[0] + 1}:{printing.title_rows[1] + 1}"


_OPENPYXL_CHARTS = {
    "bar": BarChart,
    "line": LineChart,
    "area": AreaChart,
    "pie": PieChart,
    "scatter": ScatterChart,
}


def _openpyxl_chart(spec: ChartSpec) -> Any:
    made = None
    for plot in spec.plots:
        chart = _OPENPYXL_CHARTS[plot.kind]()
        if plot.direction:
            chart.type = plot.direction
        if plot.grouping:
            chart.grouping = plot.grouping
        if plot.gap is not None:
            chart.gapWidth = plot.gap
        if plot.overlap is not None:
            chart.overlap = plot.overlap
        for item in plot.series:
            series = ChartSeries(item.values, title=item.name)
            if item.name_ref:
                series.tx = SeriesLabel(strRef=StrRef(item.name_ref))
            if item.categories:
                series.cat = AxDataSource(strRef=StrRef(item.categories))
            properties = series.graphicalProperties
            if item.fill == "none":
                properties.noFill = True
            elif item.fill:
                properties.solidFill = item.fill
            if item.line == "none":
                properties.line.noFill = True
            elif item.line:
                properties.line.solidFill = item.line
            if item.marker:
                symbol, size, colour = item.marker
                series.marker = Marker(symbol=symbol, size=size)
                if colour and colour != "none":
                    series.marker.graphicalProperties = GraphicalProperties(solidFill=colour)
                    series.marker.graphicalProperties.line.solidFill = colour
            chart.series.append(series)
        if made is None:
            made = chart
        else:
            made += chart
    made.title = spec.title
    made.x_axis.delete = made.y_axis.delete = False
    if spec.y_format:
        made.y_axis.number_format = spec.y_format
    made.y_axis.majorGridlines = ChartLines() if spec.y_gridlines else None
    if spec.legend:
        made.legend.position = spec.legend
        made.legend.legendEntry = [LegendEntry(idx=index, delete=True) for index in spec.legend_deleted]
    else:
        made.legend = None
    if spec.width:
        made.width, made.height = spec.width / EMU_PER_CM, spec.height / EMU_PER_CM
    return made


# --- timing --------------------------------------------------------------------------------------


@dataclass
class Case:
    """One offer: its model, its replay, its file's parts, and its sheets' cell counts."""

    offer: Any
    replay: Replay
    parts: list[tuple[str, bytes]]
    mix: list[tuple[str, int]]


@dataclass(frozen=True)
class Writer:
    label: str
    write: Callable[[Any], Any]  # timed: the workbook's bytes, or for `checked=False` whatever it makes
    prepare: Callable[[Case], Any] = field(default=lambda case: case.replay)  # untimed
    checked: bool = True  # whether its file is read back against the replay


def writers(guide: Any, table: Any, wording: Any, scratch: Path) -> list[Writer]:
    def render(offer: Any) -> Any:
        return segxlsx.render_offer(offer, guide, table, wording)[0]

    in_memory = {"in_memory": True}
    plain = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    streamed = {"constant_memory": True, "tmpdir": str(scratch)}
    return [
        Writer("bare openpyxl, same cells (yardstick)", bare_workbook, lambda case: case.mix, checked=False),
        Writer("zip floor: the parts, deflated", zipped, lambda case: case.parts),
        Writer(
            "segxlsx: render_offer + workbook_bytes",
            lambda offer: segxlsx.workbook_bytes(render(offer), table.as_of),
            lambda case: case.offer,
        ),
        # what any writer's build pays before writing: the figures every formula's value comes from
        Writer(
            "segxlsx: offer_figures alone",
            lambda offer: segxlsx.offer_figures(offer, guide, table),
            lambda case: case.offer,
            checked=False,
        ),
        # rendered untimed, just before: a rendered workbook is written once
        Writer(
            "segxlsx: workbook_bytes alone",
            lambda book: segxlsx.workbook_bytes(book, table.as_of),
            lambda case: render(case.offer),
        ),
        Writer("XlsxWriter in memory, write_string/number/formula", lambda r: xlsxwriter_bytes(r, in_memory)),
        Writer(
            "XlsxWriter in memory, write() (strings_to_* defaults)",
            lambda r: xlsxwriter_bytes(r, in_memory, "write"),
        ),
        Writer(
            "XlsxWriter in memory, write(), strings_to_* all off",
            lambda r: xlsxwriter_bytes(r, in_memory | plain, "write"),
        ),
        Writer(
            "XlsxWriter constant_memory (temp files, inline strings)", lambda r: xlsxwriter_bytes(r, streamed)
        ),
        Writer(
            "XlsxWriter in memory, formula prep skipped (PRIVATE)",
            lambda r: xlsxwriter_bytes(r, in_memory, "private"),
        ),
        Writer("openpyxl public API", openpyxl_bytes),
        Writer("openpyxl public API, write-only", lambda r: openpyxl_bytes(r, write_only=True)),
    ]


def timed_rounds(cases: list[Case], chosen: list[Writer], rounds: int) -> dict[str, list[float]]:
    """CPU seconds per offer of each writer, per round; round 0 warms up and is left out."""
    seconds: dict[str, list[float]] = {writer.label: [] for writer in chosen}
    for round_ in range(rounds + 1):
        shift = round_ % len(chosen)
        for writer in chosen[shift:] + chosen[:shift]:  # each writer first in turn
            gc.collect()
            spent = 0.0
            for case in cases:
                given = writer.prepare(case)
                start = time.process_time()
                writer.write(given)
                spent += time.process_time() - start
            if round_:
                seconds[writer.label].append(spent / len(cases))
    return seconds


# --- where XlsxWriter's time goes ----------------------------------------------------------------


def xlsxwriter_profile(
    cases: list[Case], top: int
) -> tuple[dict[str, float], list[tuple[str, float, float]]]:
    """cProfile of the typed in-memory XlsxWriter path over every case (after a warm-up): each
    kind of work's share of the time, and the functions that cost most, each with the C and
    library helpers it called charged to it (seconds so charged, cumulative seconds)."""
    for case in cases[:3]:
        xlsxwriter_bytes(case.replay, {"in_memory": True})
    profiler = cProfile.Profile()
    profiler.enable()
    for case in cases:
        xlsxwriter_bytes(case.replay, {"in_memory": True})
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    charged = _charged_time(stats)
    total = sum(charged.values())
    shares: dict[str, float] = {}
    for key, seconds in charged.items():
        shares[_kind_of_work(key)] = shares.get(_kind_of_work(key), 0.0) + seconds / total
    costliest = sorted(charged.items(), key=lambda item: -item[1])[:top]
    listed = [(_name(key), seconds, stats[key][3]) for key, seconds in costliest]
    return dict(sorted(shares.items(), key=lambda item: -item[1])), listed


def _charged_time(stats: dict) -> dict[tuple, float]:
    """Each function's own time, with that of the C and library helpers it called (re, str,
    isinstance…) charged to it: a helper's time goes up to its callers, in proportion to the
    time each call site spent in it, until it reaches XlsxWriter, this file or the zip."""
    charged: dict[tuple, float] = {}

    def charge(key: tuple, seconds: float, depth: int) -> None:
        callers = stats[key][4]
        if _stops_here(key) or not callers or depth > 8:
            charged[key] = charged.get(key, 0.0) + seconds
            return
        whole = sum(timing[2] for timing in callers.values())
        for caller, timing in callers.items():
            if caller in stats:
                share = timing[2] / whole if whole else 1 / len(callers)
                charge(caller, seconds * share, depth + 1)

    for key, entry in stats.items():
        charge(key, entry[2], 0)
    return charged


def _stops_here(key: tuple) -> bool:
    return "/xlsxwriter/" in key[0] or key[0] == __file__ or _zips(key)


def _zips(key: tuple) -> bool:
    return key[0].endswith("zipfile/__init__.py") or key[0].endswith("zipfile.py") or "zlib" in key[2]


# The storing half of worksheet.py's `_write…` methods (the rest write XML when the file closes).
_STORING = {"_write", "_write_string", "_write_number", "_write_blank", "_write_boolean", "_write_datetime"}
# workbook.py's functions by what they do (the rest: the workbook part and packaging).
_WORKBOOK = {
    "add_format": "styles: formats, their keys, styles.xml",
    "_prepare_format_properties": "styles: formats, their keys, styles.xml",
    "_prepare_fonts": "styles: formats, their keys, styles.xml",
    "_prepare_num_formats": "styles: formats, their keys, styles.xml",
    "_prepare_borders": "styles: formats, their keys, styles.xml",
    "_prepare_fills": "styles: formats, their keys, styles.xml",
    "_prepare_sst_string_data": "shared strings table",
    "add_chart": "charts: objects, cached data, XML",
    "_prepare_drawings": "charts: objects, cached data, XML",
    "_add_chart_data": "charts: objects, cached data, XML",
    "_get_chart_range": "charts: objects, cached data, XML",
    "define_name": "defined names (checks, sorting)",
    "_prepare_defined_names": "defined names (checks, sorting)",
    "_sort_defined_names": "defined names (checks, sorting)",
    "_extract_named_ranges": "defined names (checks, sorting)",
    "__init__": "workbook and sheet objects",
    "add_worksheet": "workbook and sheet objects",
    "_add_sheet": "workbook and sheet objects",
}


def _kind_of_work(key: tuple) -> str:
    file, _, function = key
    module = Path(file).name
    if file == __file__:
        return "this bench's glue (replay → XlsxWriter calls)"
    if _zips(key):
        return "zip (deflate)"
    if "/xlsxwriter/" not in file:
        return f"Python, outside XlsxWriter ({module or function})"
    if module == "worksheet.py":
        if function in ("_prepare_formula", "_write_formula"):
            return "formula preparation: 28 re.sub + a dynamic-array search per formula"
        if function == "__init__":
            return "workbook and sheet objects"
        if function in ("_assemble_xml_file", "_calculate_spans") or (
            function.startswith("_write_") and function not in _STORING
        ):
            return "sheet XML (cells, rows and the rest)"
        if function in ("_prepare_chart", "insert_chart"):
            return "charts: objects, cached data, XML"
        return "storing cells and sheet settings (the public calls, A1 and bound checks)"
    if module == "workbook.py":
        return _WORKBOOK.get(function, "other parts: workbook.xml, rels, content types, theme, props")
    if module in ("format.py", "styles.py"):
        return "styles: formats, their keys, styles.xml"
    if module == "sharedstrings.py":
        return "shared strings table"
    if module.startswith("chart") or module in ("drawing.py", "shape.py"):
        return "charts: objects, cached data, XML"
    if module == "color.py":
        return "colours (formats and charts)"
    if module == "xmlwriter.py":
        return "XML primitives: tags, attributes, escaping (every part)"
    if module == "utility.py":
        return "cell references (A1 ⇄ row, column; string widths)"
    return "other parts: workbook.xml, rels, content types, theme, props"


def _name(key: tuple) -> str:
    file, line, function = key
    return f"{Path(file).name}:{line}({function})" if file != "~" else function


# --- the run -------------------------------------------------------------------------------------


def build_cases(count: int, folder: Path) -> tuple[list[Case], Any, Any, Any]:
    """`count` offers built by segxlsx, each with its replay (all untimed)."""
    guide = segxlsx.load_guide(GUIDE)
    table = segxlsx.load_rates("offline")
    wording = load_wording()
    loaded = segxlsx.load_offers([synthetic_offers(folder, count)], {guide.id: guide})
    assert not loaded.failures, loaded.failures[:3]
    cases = []
    for offer in loaded.offers:
        data = segxlsx.workbook_bytes(segxlsx.render_offer(offer, guide, table, wording)[0], table.as_of)
        replay = replay_of(data)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = [(item.filename, archive.read(item)) for item in archive.infolist()]
        # bench_build.cell_mix's count: cells that hold something (a formula counts)
        mix = [
            (sheet.title, sum(1 for row in sheet.rows for cell in row.cells if cell[2]))
            for sheet in replay.sheets
        ]
        cases.append(Case(offer, replay, parts, mix))
    return cases, guide, table, wording


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--offers", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds, after one warm-up round")
    parser.add_argument("--check", type=int, default=5, help="offers whose files are read back and compared")
    parser.add_argument(
        "--profile-top", type=int, default=20, help="functions listed from XlsxWriter's profile"
    )
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        cases, guide, table, wording = build_cases(args.offers, scratch)
        chosen = writers(guide, table, wording, scratch)
        kept = _what_each_keeps(cases[: args.check], chosen)
        gc.collect()
        gc.freeze()  # the replays are not garbage: no collection should walk them, whoever is timed
        began = time.perf_counter()
        seconds = timed_rounds(cases, chosen, args.rounds)
        took = time.perf_counter() - began
        shares, functions = xlsxwriter_profile(cases, args.profile_top)
    load_after = os.getloadavg()
    _report(args, cases, chosen, seconds, kept, shares, functions, load_before, load_after, took)


def _what_each_keeps(cases: list[Case], chosen: list[Writer]) -> dict[str, dict[str, int]]:
    """Each writer's files read back and compared with their replays (the yardstick and the
    segxlsx rows against segxlsx's own file: the floor and segxlsx are that file by definition)."""
    kept: dict[str, dict[str, int]] = {}
    for writer in chosen:
        if not writer.checked:
            continue
        found: dict[str, int] = {}
        for case in cases:
            for what, number in differences(
                case.replay, replay_of(writer.write(writer.prepare(case)))
            ).items():
                found[what] = found.get(what, 0) + number
        kept[writer.label] = found
    return kept


def _report(args, cases, chosen, seconds, kept, shares, functions, load_before, load_after, took) -> None:  # type: ignore[no-untyped-def]
    cells = statistics.median(sum(count for _, count in case.mix) for case in cases)
    formulas = statistics.median(
        sum(1 for _, cell in case.replay.cells() if cell[2] == "f") for case in cases
    )
    looks = statistics.median(len(case.replay.looks) for case in cases)
    charts = statistics.median(sum(len(sheet.charts) for sheet in case.replay.sheets) for case in cases)
    print(
        f"{len(cases)} offers; per workbook (median): {cells:.0f} cells holding something, {formulas:.0f} of "
        f"them formulas, {looks:.0f} distinct styles, {charts:.0f} charts, "
        f"{sum(len(n) for n in (cases[0].replay.names,))} defined names"
    )
    print(
        f"load average (1, 5, 15 min) before: {' '.join(f'{x:.2f}' for x in load_before)}, "
        f"after: {' '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} CPUs; timed rounds took {took:.0f} s"
    )
    print(f"CPU ms per offer: median of {args.rounds} rounds (min-max); ratios are per round, same round")
    print(
        "XlsxWriter and openpyxl rows write a ready replay: the content (figures, formula text, wording)\n"
        "is built already, as in 'workbook_bytes alone'; 'render_offer + workbook_bytes' builds it too.\n"
        "PRIVATE: overrides an underscored XlsxWriter method, to size that cost; not a public option.\n"
    )
    bare = seconds[chosen[0].label]
    floor = seconds[chosen[1].label]
    width = max(len(writer.label) for writer in chosen)
    print(f"{'writer':<{width}}  {'ms/offer':>20}  {'x bare openpyxl':>17}  {'x zip floor':>17}")
    for writer in chosen:
        times = seconds[writer.label]
        to_bare = [t / b for t, b in zip(times, bare, strict=True)]
        to_floor = [t / f for t, f in zip(times, floor, strict=True)]
        print(
            f"{writer.label:<{width}}  {_spread([1000 * t for t in times], '.1f'):>20}  "
            f"{_spread(to_bare, '.2f'):>17}  {_spread(to_floor, '.1f'):>17}"
        )
    print(f"\nwhat each file keeps of its replay ({min(args.check, len(cases))} offers read back):")
    for label, found in kept.items():
        told = ", ".join(f"{what} {number}" for what, number in found.items()) or "everything compared"
        print(f"  {label}: {'differs in ' if found else ''}{told}")
    print(
        "\nXlsxWriter (typed, in memory) under cProfile: share of its time by kind of work "
        "(C helpers charged to their callers; cProfile weighs small calls heavily)"
    )
    for kind, share in shares.items():
        if share >= 0.005:
            print(f"  {share:6.1%}  {kind}")
    print(
        f"\nits {len(functions)} costliest functions (s with helpers charged, cumulative s; {len(cases)} offers)"
    )
    for name, own, cumulative in functions:
        print(f"  {own:7.3f} {cumulative:7.3f}  {name}")


def _spread(values: list[float], spec: str) -> str:
    return f"{statistics.median(values):{spec}} ({min(values):{spec}}-{max(values):{spec}})"


if __name__ == "__main__":
    main()
