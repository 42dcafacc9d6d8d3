"""A sheet's drawing (`xl/drawings/drawingN.xml`): where each of its charts sits, and how big."""

from __future__ import annotations

from collections.abc import Sequence

from .chart import Chart
from .package import relationships
from .refs import coordinates

_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_EMU_PER_CM = 360_000  # drawings measure in English Metric Units


def drawing_xml(placed: Sequence[tuple[str, Chart]]) -> bytes:
    """Each chart at its anchor cell ("D4"), its top left corner there, at its own size."""
    anchors = []
    for number, (anchor, chart) in enumerate(placed, start=1):
        row, column = coordinates(anchor)
        anchors.append(
            f"<oneCellAnchor><from><col>{column - 1}</col><colOff>0</colOff><row>{row - 1}</row><rowOff>0</rowOff>"
            f'</from><ext cx="{int(chart.width * _EMU_PER_CM)}" cy="{int(chart.height * _EMU_PER_CM)}"/>'
            f'<graphicFrame><nvGraphicFramePr><cNvPr id="{number}" name="Chart {number}"/><cNvGraphicFramePr/>'
            '</nvGraphicFramePr><xfrm/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
            '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
            f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId{number}"/>'
            "</a:graphicData></a:graphic></graphicFrame><clientData/></oneCellAnchor>"
        )
    return f'<wsDr xmlns="{_DRAWING}">{"".join(anchors)}</wsDr>'.encode()


def drawing_relationships(chart_numbers: Sequence[int]) -> bytes:
    """The drawing's charts, rId1… in the order they are placed: `xl/charts/chartN.xml`."""
    return relationships(("chart", f"/xl/charts/chart{number}.xml", False) for number in chart_numbers)
