"""Charts as Excel and previews should draw them: axes shown, each series with its data cached.

A chart's XML is the same for every offer of a guide in one currency but for the figures and
labels it caches, so `draw` builds and writes it through openpyxl once per shape, with
stand-ins where those go, and fills each offer's in (building one took ~1.5 ms).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.chart import Reference, Series
from openpyxl.chart._chart import ChartBase
from openpyxl.chart.data_source import AxDataSource, NumData, NumVal, StrData, StrRef, StrVal
from openpyxl.chart.legend import LegendEntry
from openpyxl.chart.reference import DummyWorksheet
from openpyxl.chart.series import Series as SeriesType
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from .cells import number_text, openpyxl_number
from .memo import Memo
from .text import xml_text


@dataclass(frozen=True)
class Shown:
    """What a chart shows from its sheet: each series' values, and its texts (category labels,
    series names), which become the chart's caches."""

    numbers: tuple[tuple[Decimal, ...], ...]
    texts: tuple[tuple[str, ...], ...] = ()


class Drawn(ChartBase):
    """A chart already written as XML, placed on a sheet like any other (see `draw`)."""

    __hash__ = object.__hash__  # one object per chart; openpyxl's hash would walk its fields

    def __init__(self, xml: bytes, width: float, height: float) -> None:
        # No ChartBase set-up: the drawing reads only where it goes and how big it is.
        self.xml, self.width, self.height = xml, width, height


Build = Callable[..., ChartBase]  # (*shape, shown) → the chart
_TEMPLATES = Memo(256)  # shape → its XML cut at the stand-ins (None: built for each offer)


def draw(sheet: Worksheet, anchor: str, build: Build, shape: tuple[Hashable, ...], shown: Shown) -> None:
    """Place at `anchor` the chart `build(*shape, shown)` draws.

    `shape` must hold everything but `shown` that the chart depends on: the chart is built
    once per shape with stand-ins for what `shown` holds, and each offer's figures and labels
    are written where the stand-ins were. A shape whose fixed text happens to contain a
    stand-in is built for each offer instead.
    """
    key = (
        build.__module__,
        build.__qualname__,
        shape,
        tuple(map(len, shown.numbers)),
        tuple(map(len, shown.texts)),
    )
    if key in _TEMPLATES:
        template = _TEMPLATES[key]
    else:
        template = _TEMPLATES.keep(key, _template(build(*shape, _stand_ins(shown)), shown))
    if template is None:
        chart = build(*shape, shown)
        drawn = Drawn(tostring(chart._write()), chart.width, chart.height)
    else:
        parts, slots, width, height = template
        values = _slot_values(shown)
        filled = [parts[0]]
        for slot, part in zip(slots, parts[1:], strict=True):
            filled += (values[slot], part)
        drawn = Drawn(b"".join(filled), width, height)
    sheet.add_chart(drawn, anchor)


def _stand_ins(shown: Shown) -> Shown:
    """`shown` with every value and text replaced by a marker that can be found in the XML."""
    # From 1, every number's marker reads "1.…e+300", and none can be found inside another
    # (slot 0 would be "1e+300", the end of "1.000001e+300").
    slot = iter(range(1, 1_000_000))
    numbers = tuple(tuple(Decimal(f"1.{next(slot):06d}E+300") for _ in series) for series in shown.numbers)
    texts = tuple(tuple(f"\ue000{next(slot)}\ue001" for _ in labels) for labels in shown.texts)
    return Shown(numbers, texts)


def _slot_values(shown: Shown) -> list[bytes]:
    """What each stand-in's place in the XML holds for `shown`, as openpyxl writes it."""
    numbers = [openpyxl_number(value).encode() for series in shown.numbers for value in series]
    return numbers + [xml_text(text).encode() for labels in shown.texts for text in labels]


def _template(chart: ChartBase, shown: Shown) -> tuple[list[bytes], list[int], float, float] | None:
    """The chart's XML cut at each stand-in, and which stand-in goes in each cut (a category's
    label is cached by every series); None if a stand-in is missing or found other than as an
    element's whole text."""
    xml = tostring(chart._write())
    markers = _slot_values(_stand_ins(shown))
    found = []
    for slot, marker in enumerate(markers):
        wrapped = b">" + marker + b"<"  # an element's whole text: <c:v>marker</c:v>
        if xml.count(wrapped) != xml.count(marker) or marker not in xml:
            return None
        at = xml.find(wrapped)
        while at >= 0:
            found.append((at + 1, slot, len(marker)))
            at = xml.find(wrapped, at + 1)
    parts, slots, start = [], [], 0
    for position, slot, length in sorted(found):
        parts.append(xml[start:position])
        slots.append(slot)
        start = position + length
    parts.append(xml[start:])
    return parts, slots, chart.width, chart.height


def sheet_named(title: str) -> DummyWorksheet:
    """What a chart's `Reference` needs of a sheet: its name (the chart is built apart from it)."""
    return DummyWorksheet(title)


def cache_series(
    series: SeriesType,
    values: Sequence[Decimal],
    categories: Sequence[str] | None = None,
    title: str | None = None,
    number_format: str = "General",
) -> None:
    """Give a series made from References its caches: values, text categories and title.

    openpyxl's `set_categories` makes a number reference; categories here are labels, so they
    become a text reference with its text cache, as Excel writes them.
    """
    series.val.numRef.numCache = NumData(
        formatCode=number_format,
        ptCount=len(values),
        pt=[NumVal(idx=i, v=number_text(v)) for i, v in enumerate(values)],
    )
    if categories is not None:
        formula = series.cat.numRef.f if series.cat.numRef is not None else series.cat.strRef.f
        series.cat = AxDataSource(strRef=StrRef(f=formula, strCache=_text_cache(categories)))
    if title is not None:
        series.tx.strRef.strCache = _text_cache([title])


def _text_cache(texts: Sequence[str]) -> StrData:
    return StrData(ptCount=len(texts), pt=[StrVal(idx=i, v=t) for i, t in enumerate(texts)])


def show_axes(*charts: ChartBase) -> None:
    """Say every axis is shown: without `<c:delete val="0"/>` Excel draws openpyxl's axes hidden."""
    for chart in charts:
        for axis in (chart.x_axis, chart.y_axis):
            axis.delete = False


def hide_from_legend(chart: ChartBase, *hidden: SeriesType) -> None:
    """Leave series out of the legend, e.g. the invisible base a floating bar stands on.

    Legend entries count every series of the chart and of the charts combined into it.
    """
    everything = [*chart.series, *(s for other in chart._charts[1:] for s in other.series)]
    chart.legend.legendEntry = [LegendEntry(idx=everything.index(series), delete=True) for series in hidden]


def column_series(
    chart: ChartBase,
    sheet,
    column: int,
    rows: tuple[int, int],
    title: str,
    values: Sequence[Decimal],
    number_format: str = "#,##0",
) -> SeriesType:
    """A series over one column's rows, titled in words rather than by a header cell (the
    tables a chart draws from do not always have their header right above them)."""
    first, last = rows
    series = Series(Reference(sheet, min_col=column, min_row=first, max_row=last), title=title)
    chart.series.append(series)
    cache_series(series, values, number_format=number_format)
    return series


def label_categories(
    chart: ChartBase, sheet, column: int, rows: tuple[int, int], labels: Sequence[str]
) -> None:
    """Every series of `chart` takes its categories from `column`, with `labels` as their cache."""
    first, last = rows
    chart.set_categories(Reference(sheet, min_col=column, min_row=first, max_row=last))
    for series in chart.series:
        formula = series.cat.numRef.f
        series.cat = AxDataSource(strRef=StrRef(f=formula, strCache=_text_cache(labels)))


def chart_title(chart: ChartBase, text: str, points: int = 11) -> None:
    """A chart title at a size that leaves room for the chart (the default is a large 18 pt)."""
    run = RegularTextRun(t=text, rPr=CharacterProperties(sz=points * 100, b=True))
    paragraph = Paragraph(
        pPr=ParagraphProperties(defRPr=CharacterProperties(sz=points * 100, b=True)), r=[run]
    )
    chart.title = Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)
