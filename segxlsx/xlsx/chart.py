"""Charts (`xl/charts/chartN.xml`): stacked columns, lines, or both on one pair of axes.

The shapes segxlsx draws: a floating bar per figure with markers over it (Offer), pay stacked
year by year (Years), one line per offer (Compare). Every series carries its data as the
sheet shows it (its cache), so previews and readers that never calculate draw the chart too,
and its axes are said to be shown (`<delete val="0"/>`): without it Excel hides them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .cells import double
from .text import xml_attribute, xml_text

_CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
_CATEGORY_AXIS, _VALUE_AXIS = 10, 100
_FROM_ZERO = '<min val="0"/>'  # every value axis starts at 0 (see `Chart`)


@dataclass(frozen=True)
class Marker:
    """A mark at each point of a line: "circle", "diamond", "dash"…; `colour` fills and rims it."""

    symbol: str
    size: int | None = None
    colour: str | None = None


@dataclass(frozen=True)
class Series:
    """One series: its name as the legend shows it, the cells its values come from (an absolute
    reference with its sheet, "'Years'!$F$16:$F$19") and those values as the sheet shows them.

    `name_cell`: the cell that holds the name, when the sheet has one ("'Offer'!L22").
    `colour` fills a column. `hidden`: drawn with no fill and no line (the invisible base a
    floating bar stands on). `line` False: a line series shows its markers only. `smooth`
    False says so (None leaves it to the reader).
    """

    name: str
    values: str
    numbers: Sequence[Decimal]
    name_cell: str | None = None
    colour: str | None = None
    hidden: bool = False
    line: bool = True
    marker: Marker | None = None
    smooth: bool | None = None
    in_legend: bool = True
    number_format: str = "#,##0"


@dataclass(frozen=True)
class Chart:
    """Stacked columns (`columns`) and lines (`lines`) over the same categories: the labels
    `labels` of the cells `categories`. Sizes are in centimetres.

    `axis_format` is the value axis's number format; `gridlines` draws lines across from it.
    The value axis starts at 0 on every chart: left to the reader, LibreOffice starts a line
    chart's near its lowest value ($165K) and a column chart's at 0, so two charts of the same
    figures would not compare by eye.
    `gap_width` and `overlap` are the columns' (percent of a column's width).
    """

    title: str
    categories: str
    labels: Sequence[str]
    columns: tuple[Series, ...] = ()
    lines: tuple[Series, ...] = ()
    axis_format: str | None = None
    gridlines: bool = True
    gap_width: int = 150
    overlap: int = 100
    legend: str = "b"  # where: "b" (below), "r", "t", "l"
    title_points: int = 11
    width: float = 15.0
    height: float = 7.5

    def xml(self) -> bytes:
        labels = _categories(self.categories, self.labels)
        every = (*self.columns, *self.lines)
        series = [_series(index, one, labels) for index, one in enumerate(every)]
        axes = f'<axId val="{_CATEGORY_AXIS}"/><axId val="{_VALUE_AXIS}"/>'
        plot = []
        if self.columns:
            plot.append(
                '<barChart><barDir val="col"/><grouping val="stacked"/>'
                + "".join(series[: len(self.columns)])
                + f'<gapWidth val="{self.gap_width}"/><overlap val="{self.overlap}"/>{axes}</barChart>'
            )
        if self.lines:
            plot.append(
                '<lineChart><grouping val="standard"/>'
                + "".join(series[len(self.columns) :])
                + f"{axes}</lineChart>"
            )
        hidden = "".join(
            f'<legendEntry><idx val="{index}"/><delete val="1"/></legendEntry>'
            for index, one in enumerate(every)
            if not one.in_legend
        )
        parts = (
            f'<chartSpace xmlns="{_CHART}"><chart>',
            _title(self.title, self.title_points),
            "<plotArea>",
            *plot,
            _axes(self.axis_format, self.gridlines),
            "</plotArea>",
            f'<legend><legendPos val="{self.legend}"/>{hidden}</legend>',
            '<plotVisOnly val="1"/><dispBlanksAs val="gap"/></chart></chartSpace>',
        )
        return "".join(parts).encode()


def _title(text: str, points: int) -> str:
    """A title at a size that leaves room for the chart (Excel's default is a large 18 pt)."""
    size = f'sz="{points * 100}" b="1"'
    return (
        f"<title><tx><rich><a:bodyPr{_A}/><a:p{_A}><a:pPr><a:defRPr {size}/></a:pPr>"
        f"<a:r><a:rPr {size}/><a:t>{xml_text(text)}</a:t></a:r></a:p></rich></tx>"
        '<overlay val="0"/></title>'
    )


def _texts(texts: Sequence[str]) -> str:
    points = "".join(f'<pt idx="{index}"><v>{xml_text(text)}</v></pt>' for index, text in enumerate(texts))
    return f'<strCache><ptCount val="{len(texts)}"/>{points}</strCache>'


def _categories(cells: str, labels: Sequence[str]) -> str:
    """Every series' `<cat>`: the categories are labels, so a text reference with its cache."""
    return f"<cat><strRef><f>{xml_text(cells)}</f>{_texts(labels)}</strRef></cat>"


def _series(index: int, series: Series, categories: str) -> str:
    if series.name_cell:
        name = f"<tx><strRef><f>{xml_text(series.name_cell)}</f>{_texts([series.name])}</strRef></tx>"
    else:
        name = f"<tx><v>{xml_text(series.name)}</v></tx>"
    fill = f"<a:noFill{_A}/>" if series.hidden else _solid(series.colour, _A)
    no_line = "<a:noFill/>" if series.hidden or not series.line else ""
    shape = f'<spPr>{fill}<a:ln{_A}>{no_line}<a:prstDash val="solid"/></a:ln></spPr>'
    points = "".join(f'<pt idx="{i}"><v>{double(value)}</v></pt>' for i, value in enumerate(series.numbers))
    values = (
        f"<val><numRef><f>{xml_text(series.values)}</f><numCache><formatCode>{xml_text(series.number_format)}"
        f'</formatCode><ptCount val="{len(series.numbers)}"/>{points}</numCache></numRef></val>'
    )
    smooth = "" if series.smooth is None else f'<smooth val="{int(series.smooth)}"/>'
    return (
        f'<ser><idx val="{index}"/><order val="{index}"/>{name}{shape}{_marker(series.marker)}'
        f"{categories}{values}{smooth}</ser>"
    )


def _solid(colour: str | None, namespace: str = "") -> str:
    return f'<a:solidFill{namespace}><a:srgbClr val="{colour}"/></a:solidFill>' if colour else ""


def _marker(marker: Marker | None) -> str:
    if marker is None:
        return ""
    size = f'<size val="{marker.size}"/>' if marker.size is not None else ""
    rim = f'<a:ln{_A}>{_solid(marker.colour)}<a:prstDash val="solid"/></a:ln>'
    return (
        f'<marker><symbol val="{marker.symbol}"/>{size}<spPr>{_solid(marker.colour, _A)}{rim}</spPr></marker>'
    )


def _axes(number_format: str | None, gridlines: bool) -> str:
    """The category axis and the value axis, each shown. (Both say they sit on the left, as
    every chart of ours always has; Excel and LibreOffice place a column chart's category
    axis at the bottom whatever it says.)"""
    shared = '<scaling><orientation val="minMax"/>{}</scaling><delete val="0"/><axPos val="l"/>'
    ticks = '<majorTickMark val="none"/><minorTickMark val="none"/>'
    number = (
        f'<numFmt formatCode="{xml_attribute(number_format)}" sourceLinked="0"/>' if number_format else ""
    )
    lines = "<majorGridlines/>" if gridlines else ""
    return (
        f'<catAx><axId val="{_CATEGORY_AXIS}"/>{shared.format("")}{ticks}<crossAx val="{_VALUE_AXIS}"/>'
        '<lblOffset val="100"/></catAx>'
        f'<valAx><axId val="{_VALUE_AXIS}"/>{shared.format(_FROM_ZERO)}{lines}{number}{ticks}'
        f'<crossAx val="{_CATEGORY_AXIS}"/></valAx>'
    )
