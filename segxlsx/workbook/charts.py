"""Charts as Excel and previews should draw them: axes shown, each series with its data cached."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from openpyxl.chart._chart import ChartBase
from openpyxl.chart.data_source import AxDataSource, NumData, NumVal, StrData, StrRef, StrVal
from openpyxl.chart.series import Series

from .cached import number_text


def cache_series(
    series: Series,
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
