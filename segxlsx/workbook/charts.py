"""Charts as Excel and previews should draw them: axes shown, each series with its data cached."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from openpyxl.chart import Reference, Series
from openpyxl.chart._chart import ChartBase
from openpyxl.chart.data_source import AxDataSource, NumData, NumVal, StrData, StrRef, StrVal
from openpyxl.chart.legend import LegendEntry
from openpyxl.chart.series import Series as SeriesType
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun

from .cached import number_text
from .styles import quoted_prefix


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


def axis_money_format(currency: str, largest: Decimal) -> str:
    """An axis in the offer's currency, in thousands ("$150K") or, for big numbers, millions."""
    prefix = quoted_prefix(currency)
    if largest >= 10_000_000:
        return f'{prefix}#,##0.0,,"M"'
    return f'{prefix}#,##0,"K"'


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
