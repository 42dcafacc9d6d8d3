"""The writing engine: a workbook's parts as XML, zipped, the same inputs giving the same bytes.

The sheets (`segxlsx.sheets`) say what each cell holds and how it looks; this package turns
that into the .xlsx file's parts, one module per part, as XlsxWriter does:

- `workbook`: `Workbook` (sheets, defined names, properties) and the writing of the file;
- `worksheet`: `Sheet` and `StreamedSheet` (cells, sizes, merges, panes, conditional fills,
  drop-downs, links, printing, charts, tables);
- `cells`: each cell's XML as it is put; `styles`: looks and `styles.xml`;
- `chart`, `drawing`, `table`: those parts; `package`: the zip, content types, relationships
  and document properties; `theme`: the Office theme; `refs`, `text`, `memo`: helpers.

No library writes the XML; reading is `sources.xlsx_reader`'s (intake sheets, workbooks edited
by hand), and openpyxl only the tests'.
"""

from .chart import Chart, Marker, Series
from .styles import Alignment, Border, Fill, Font, Look, Side
from .table import Table
from .workbook import Workbook
from .worksheet import PAPER_A4, PAPER_LETTER, Guidance, PageText, Sheet, StreamedSheet

__all__ = [
    "PAPER_A4",
    "PAPER_LETTER",
    "Alignment",
    "Border",
    "Chart",
    "Fill",
    "Font",
    "Guidance",
    "Look",
    "Marker",
    "PageText",
    "Series",
    "Side",
    "Sheet",
    "StreamedSheet",
    "Table",
    "Workbook",
]
