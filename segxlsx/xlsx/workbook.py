"""A workbook (`xl/workbook.xml`): its sheets, defined names and calculation settings, the
document's properties, and the writing of the whole .xlsx file.

`Workbook.save` writes every part, in the order Excel's own files have them, to a file or a
stream; `to_bytes` gives the file's bytes. The same content gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from typing import IO

from .. import __version__
from .drawing import drawing_relationships, drawing_xml
from .package import (
    SIGNATURE_PROPERTY,
    CustomValue,
    Package,
    app_properties,
    core_properties,
    custom_properties,
    relationships,
    root_relationships,
)
from .refs import absolute, on_sheet, quoted_sheet
from .styles import FirstUse, Font, StyleTable, style_table
from .text import xml_attribute, xml_text
from .theme import THEME_XML
from .worksheet import Sheet, StreamedSheet

MAX_TITLE = 31  # Excel's longest sheet name
_FORBIDDEN_IN_TITLES = set("\\/?*[]:")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_VIEWS = (
    '<workbookPr/><workbookProtection/><bookViews><workbookView visibility="visible" minimized="0" '
    'showHorizontalScroll="1" showVerticalScroll="1" showSheetTabs="1" tabRatio="600" firstSheet="0" '
    'activeTab="0" autoFilterDateGrouping="1"/></bookViews>'
)


class Workbook:
    """Sheets in order, workbook-scope defined names, and what the document says of itself.

    `default_font` is what a cell without a font of its own shows. A `streamed` workbook's
    sheets are `StreamedSheet`s, their rows written as they come (the summary); its looks are
    numbered as first used. Any other is held whole until saved, and its style table is in
    canonical order (`styles.style_table`).
    """

    def __init__(
        self, title: str | None, default_font: Font, creator: str = "segxlsx", streamed: bool = False
    ) -> None:
        self.title, self.default_font, self.creator = title, default_font, creator
        self.application = f"segxlsx {__version__}"
        self.application_version = ".".join(__version__.split(".")[:2])
        self.sheets: list[Sheet] = []
        self.defined_names: dict[str, str] = {}  # name → what it refers to: "'Offer'!$B$9"
        self.properties: dict[str, CustomValue] = {}  # the document's custom properties
        # Excel and LibreOffice recalculate every formula on opening, so a figure is never
        # shown stale; the cached values serve readers that do not calculate.
        self.full_calc_on_load = True
        self.first_use = FirstUse(default_font) if streamed else None

    def add_sheet(self, title: str) -> Sheet:
        """A new sheet at the end; a title Excel would refuse or rename is refused here."""
        if (
            not title
            or len(title) > MAX_TITLE
            or _FORBIDDEN_IN_TITLES & set(title)
            or title[0] == "'"
            or title[-1] == "'"
        ):
            raise ValueError(f"{title!r} is not a sheet name Excel takes")
        if any(sheet.title.lower() == title.lower() for sheet in self.sheets):
            raise ValueError(f"the workbook has a sheet named {title!r} already")
        sheet = StreamedSheet(title, self.first_use) if self.first_use else Sheet(title)
        self.sheets.append(sheet)
        return sheet

    def __getitem__(self, title: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise KeyError(title)

    def __iter__(self) -> Iterator[Sheet]:
        return iter(self.sheets)

    def define(self, name: str, sheet_title: str, ref: str) -> None:
        """Workbook-scope `name` refers to cell or range `ref` ("B9", "B16:B19") of a sheet.
        Defined again, it keeps its place among the names."""
        self.defined_names[name] = on_sheet(sheet_title, ref)

    # -- writing ---------------------------------------------------------------------------------

    def to_bytes(self, day: date) -> bytes:
        """The .xlsx file's bytes; `day` dates the document (created and modified)."""
        out = io.BytesIO()
        self.save(out, day)
        return out.getvalue()

    def save(self, file: IO[bytes], day: date) -> None:
        """Write the .xlsx file to `file`, part after part; a streamed sheet's rows are copied
        in a chunk at a time, never held whole."""
        package = Package(file)
        try:
            self._write(package, day)
            package.close()
        except BaseException:
            package.abandon()
            raise
        finally:
            self.close()

    def close(self) -> None:
        """Let go of what streamed sheets hold (their temporary files)."""
        for sheet in self.sheets:
            if isinstance(sheet, StreamedSheet):
                sheet.close()

    def _write(self, package: Package, day: date) -> None:
        package.add("docProps/app.xml", app_properties(self.application, self.application_version))
        package.add("docProps/core.xml", core_properties(self.creator, self.title, day))
        package.add("xl/theme/theme1.xml", THEME_XML.encode())
        table = self._style_table()
        if table is None:
            number, dxf_id = None, self.first_use.dxf_id  # type: ignore[union-attr]
        else:
            number, dxf_id = table.numbers.__getitem__, table.dxf_ids.__getitem__
        charts = []
        drawings = tables = 0
        for index, sheet in enumerate(self.sheets, start=1):
            name = f"xl/worksheets/sheet{index}.xml"
            drawing = table_number = None
            if sheet.charts:
                drawings += 1
                drawing = drawings
            if sheet.table_part is not None:
                tables += 1
                table_number = tables
            related = sheet.relationships(drawing, table_number)
            if isinstance(sheet, StreamedSheet):
                with package.open(name, "worksheet") as part:
                    sheet.write(part, dxf_id)
            else:
                package.add(name, sheet.xml(number, dxf_id), "worksheet")  # type: ignore[arg-type]
            if drawing is not None:
                numbers = range(len(charts) + 1, len(charts) + len(sheet.charts) + 1)
                package.add(f"xl/drawings/drawing{drawing}.xml", drawing_xml(sheet.charts), "drawing")
                package.add(f"xl/drawings/_rels/drawing{drawing}.xml.rels", drawing_relationships(numbers))
                charts += [chart for _, chart in sheet.charts]
            if table_number is not None:
                package.add(f"xl/tables/table{table_number}.xml", sheet.table_part.xml(table_number), "table")  # type: ignore[union-attr]
            rels = f"xl/worksheets/_rels/sheet{index}.xml.rels"
            if isinstance(sheet, StreamedSheet):
                if sheet.link_count or related:
                    with package.open(rels) as part:
                        sheet.write_relationships(part, related)
            elif related:
                package.add(rels, relationships(related))
        for index, chart in enumerate(charts, start=1):
            package.add(f"xl/charts/chart{index}.xml", chart.xml(), "chart")
        package.add("xl/styles.xml", table.xml if table is not None else self.first_use.xml())  # type: ignore[union-attr]
        package.add("_rels/.rels", root_relationships())
        package.add("xl/workbook.xml", self._workbook_xml())
        sheets = [
            ("worksheet", f"/xl/worksheets/sheet{index}.xml", False)
            for index in range(1, len(self.sheets) + 1)
        ]
        package.add(
            "xl/_rels/workbook.xml.rels",
            relationships([*sheets, ("styles", "styles.xml", False), ("theme", "theme/theme1.xml", False)]),
        )
        package.list("xl/workbook.xml", "workbook")
        # Last, as it signs every part before it.
        signed = {**self.properties, SIGNATURE_PROPERTY: package.signer.value()}
        package.add("docProps/custom.xml", custom_properties(signed), "custom")

    def _style_table(self) -> StyleTable | None:
        """The canonical style table of a workbook held whole; None for a streamed one, whose
        looks were numbered as its rows went out."""
        if self.first_use is not None:
            return None
        looks = {look for sheet in self.sheets for look, _, _ in sheet.cells.values()}
        fills = [fill for sheet in self.sheets for rules in sheet.fills.values() for _, fill in rules]
        return style_table(looks, fills, self.default_font)

    def _workbook_xml(self) -> bytes:
        sheets = "".join(
            f'<sheet {_R} name="{xml_attribute(sheet.title)}" sheetId="{index}" state="visible" r:id="rId{index}"/>'
            for index, sheet in enumerate(self.sheets, start=1)
        )
        names = [(name, "", target) for name, target in self.defined_names.items()]
        for index, sheet in enumerate(self.sheets):
            local = f' localSheetId="{index}"'
            titles = []  # columns first, as Excel writes them: 'Summary'!$A:$A,'Summary'!$6:$6
            for span in (sheet.title_columns, sheet.title_rows):
                if span:
                    first, _, last = span.partition(":")
                    titles.append(f"{quoted_sheet(sheet.title)}!${first}:${last or first}")
            if titles:
                names.append(("_xlnm.Print_Titles", local, ",".join(titles)))
            if sheet.area:
                names.append(
                    ("_xlnm.Print_Area", local, f"{quoted_sheet(sheet.title)}!{absolute(sheet.area)}")
                )
        defined = "".join(
            f'<definedName name="{name}"{local}>{xml_text(target)}</definedName>'
            for name, local, target in names
        )
        calculation = ' fullCalcOnLoad="1"' if self.full_calc_on_load else ""
        return (
            f'<workbook xmlns="{_MAIN}">{_VIEWS}<sheets>{sheets}</sheets>'
            + (f"<definedNames>{defined}</definedNames>" if defined else "<definedNames/>")
            + f'<calcPr calcId="124519"{calculation}/></workbook>'
        ).encode()
