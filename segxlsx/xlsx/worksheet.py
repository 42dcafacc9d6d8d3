"""A worksheet (`xl/worksheets/sheetN.xml`): its cells, and everything around them.

`Sheet` holds what a sheet shows until the workbook is saved: cells (recorded by `cells`),
sizes, merges, frozen panes, conditional fills, drop-downs, links, charts, an Excel table and
how it prints. `StreamedSheet` is the same for a sheet too big to hold (the summary of 50,000
workbooks): its rows go to a temporary file as they come, in order, and only what surrounds
them is held.

Each setting is a method, checked as it is made (a bad reference fails where it was written,
not when the file is saved); the XML is written in the order the schema requires.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import IO

from . import cells
from .cells import Record
from .chart import Chart
from .package import RELATIONSHIPS_END, RELATIONSHIPS_START, relationship
from .refs import cell_range, cell_ref, column_number, coordinates
from .styles import Fill, FirstUse, Look
from .table import Table
from .text import xml_attribute, xml_text

PAPER_LETTER, PAPER_A4 = 1, 9  # Excel's numbers for the two papers offers print on
# The margins of every printed page, in inches: left, right, top, bottom, header, footer.
MARGINS = (0.75, 0.75, 1.0, 1.0, 0.5, 0.5)
_IGNORED_BREAKS = (
    "{}: Excel and LibreOffice ignore page breaks on a sheet fitted to pages; print it at a scale"
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


@dataclass(frozen=True)
class Guidance:
    """What Excel says about a checked cell: `prompt` when it is selected, `error` when a value
    is refused, each under `title`."""

    title: str
    prompt: str
    error: str


@dataclass(frozen=True)
class _Validation:
    ref: str
    kind: str  # "list", "decimal" or "date"
    formulas: tuple[str, ...]
    allow_blank: bool
    guidance: Guidance | None


@dataclass(frozen=True)
class PageText:
    """A header or footer: its left, centre and right parts in Excel's codes ("&P" the page
    number, "&A" the sheet's name; a literal "&" written "&&"), None for a part left out."""

    left: str | None = None
    center: str | None = None
    right: str | None = None


class Sheet:
    """A sheet held in memory until its workbook is saved."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.cells: dict[tuple[int, int], Record] = {}
        self.heights: dict[int, float] = {}
        self.widths: dict[int, float] = {}
        # Merged ranges have always been listed in the order of a set of their bounds; a set of
        # the same bounds, filled in the same order, keeps that order, and so every file's bytes.
        self.merges: set[tuple[int, int, int, int]] = set()
        self.frozen: tuple[int, int] | None = None  # the top left cell that scrolls
        self.fills: dict[str, list[tuple[str, Fill]]] = {}  # range → its rules, formula and fill
        self.validations: list[_Validation] = []
        self.links: list[tuple[str, str]] = []
        self.charts: list[tuple[str, Chart]] = []
        self.table_part: Table | None = None
        self.breaks: list[int] = []  # rows a page ends after
        self.landscape: bool | None = None
        self.paper: int | None = None
        self.pages_wide: int | None = None  # scaled to fit so many pages (0: as many as needed)
        self.pages_tall: int | None = None
        self.scale: int | None = None  # printed at this percent (fitting to pages left off)
        # Rows no height is given for: None leaves them to the reader (Excel sizes them from
        # their fonts, LibreOffice takes the sheet's default of 15 points); a number holds them
        # to it in both.
        self.default_height: float | None = None
        self.centered = False
        self.area: str | None = None
        self.title_rows: str | None = None
        self.title_columns: str | None = None
        self.header = self.footer = PageText()
        self.page_font: tuple[str | None, int | None] = (None, None)

    # -- sizes and layout ------------------------------------------------------------------------

    def column_width(self, column: str, characters: float) -> None:
        """Column `column` ("B") is `characters` wide."""
        self.widths[column_number(column)] = characters

    def row_height(self, row: int, points: float) -> None:
        coordinates(f"A{row}")
        self.heights[row] = points

    def merge(self, ref: str) -> None:
        """Merge `ref` ("B5:C5"); its first cell holds what the merged cell shows."""
        self.merges.add(cell_range(ref))

    def freeze(self, top_left: str) -> None:
        """Keep the rows above and the columns left of `top_left` in view ("A4": rows 1 to 3)."""
        self.frozen = coordinates(top_left)

    # -- what cells do ---------------------------------------------------------------------------

    def conditional_fill(self, ref: str, formula: str, fill: Fill) -> None:
        """Fill the cells of `ref` with `fill` where `formula` (without "=", relative to the
        range's first cell) is true. Rules apply in the order given."""
        self.fills.setdefault(_ranges(ref), []).append((formula, fill))

    def validate_list(
        self, ref: str, choices: Sequence[str], allow_blank: bool = False, guidance: Guidance | None = None
    ) -> None:
        """A drop-down of `choices` over `ref`; Excel refuses anything else. Excel takes a typed-in
        list of at most 255 characters, none of them a comma or a double quote."""
        listed = ",".join(choices)
        if not choices or len(listed) > 255 or any("," in c or '"' in c for c in choices):
            raise ValueError(f"{self.title}!{ref}: Excel cannot offer {listed!r} as a drop-down")
        self.validations.append(_Validation(_ranges(ref), "list", (f'"{listed}"',), allow_blank, guidance))

    def validate_between(
        self, ref: str, low: str, high: str, allow_blank: bool = False, guidance: Guidance | None = None
    ) -> None:
        """`ref` takes a number from `low` to `high` (formulas, e.g. "0" and "1")."""
        self.validations.append(_Validation(_ranges(ref), "decimal", (low, high), allow_blank, guidance))

    def validate_dates(
        self, ref: str, low: str, high: str, allow_blank: bool = False, guidance: Guidance | None = None
    ) -> None:
        """`ref` takes a date from `low` to `high` (day numbers, e.g. "36526" for 2000-01-01)."""
        self.validations.append(_Validation(_ranges(ref), "date", (low, high), allow_blank, guidance))

    def link(self, ref: str, path: str) -> None:
        """Cell `ref` opens the file at `path`, relative to this one ("../q4/ada.xlsx"), when
        clicked."""
        coordinates(ref)
        self.links.append((ref, file_uri(path)))

    def chart(self, anchor: str, chart: Chart) -> None:
        """Place `chart` with its top left corner at cell `anchor`."""
        coordinates(anchor)
        self.charts.append((anchor, chart))

    def table(self, table: Table) -> None:
        """Make `table.ref` an Excel table: a header row, a filter, banded rows."""
        cell_range(table.ref)
        self.table_part = table

    # -- printing --------------------------------------------------------------------------------

    def print_setup(
        self,
        *,
        landscape: bool | None = None,
        paper: int | None = None,
        pages_wide: int | None = None,
        pages_tall: int | None = None,
        centered: bool | None = None,
        area: str | None = None,
        title_rows: str | None = None,
        title_columns: str | None = None,
        scale: int | None = None,
    ) -> None:
        """How the sheet prints; what is not given stays as it was.

        `pages_wide` and `pages_tall` scale it to fit that many pages (0: as many as its rows
        need); `scale` prints it at that percent instead (10 to 400), and only then are manual
        page breaks kept: under fitting to pages Excel and LibreOffice both ignore them.
        `area` ("A1:H41") prints only that; `title_rows` ("4:4") repeat on every page,
        `title_columns` ("A:A") on every page across.
        """
        fitted = self._fitted or pages_wide is not None or pages_tall is not None
        if scale is not None and not 10 <= scale <= 400:
            raise ValueError(f"{self.title}: Excel prints at 10% to 400%, not {scale}%")
        if fitted and (scale is not None or self.scale is not None):
            raise ValueError(f"{self.title}: a sheet is either scaled or fitted to pages, not both")
        if fitted and self.breaks:
            raise ValueError(_IGNORED_BREAKS.format(self.title))
        if area is not None:
            cell_range(area)
        if title_rows is not None:
            first, _, last = title_rows.partition(":")
            coordinates(f"A{first}"), coordinates(f"A{last or first}")
        if title_columns is not None:
            first, _, last = title_columns.partition(":")
            column_number(first), column_number(last or first)
        for name, value in (("landscape", landscape), ("paper", paper), ("pages_wide", pages_wide),
                            ("pages_tall", pages_tall), ("centered", centered), ("area", area),
                            ("title_rows", title_rows), ("title_columns", title_columns),
                            ("scale", scale)):  # fmt: skip
            if value is not None:
                setattr(self, name, value)

    @property
    def _fitted(self) -> bool:
        return self.pages_wide is not None or self.pages_tall is not None

    def label_pages(
        self, header: PageText, footer: PageText, font: str | None = None, size: int | None = None
    ) -> None:
        """Every printed page's header and footer, each part in `font` ("Arial,Regular") at `size` points."""
        self.header, self.footer, self.page_font = header, footer, (font, size)

    def page_break(self, row: int) -> None:
        """Start a new printed page after `row` (on a sheet printed at a scale: see `print_setup`)."""
        coordinates(f"A{row}")
        if self._fitted:
            raise ValueError(_IGNORED_BREAKS.format(self.title))
        if row not in self.breaks:
            self.breaks.append(row)
            self.breaks.sort()

    # -- the XML ---------------------------------------------------------------------------------

    def head(self, dimension: bool = True) -> str:
        """The part before the rows: properties, size, view, default sizes, columns."""
        fit = ' fitToPage="1"' if self.pages_wide is not None or self.pages_tall is not None else ""
        size = f'<dimension ref="{cells.dimension(self)}"/>' if dimension else ""
        return (
            f'<worksheet xmlns="{_MAIN}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>'
            f'<pageSetUpPr{fit}/></sheetPr>{size}<sheetViews><sheetView workbookViewId="0">{self._view()}'
            f"</sheetView></sheetViews>{self._format()}{cells.columns(self)}"
        )

    def _format(self) -> str:
        if self.default_height is None:
            return '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
        # customHeight: without it Excel takes defaultRowHeight for a hint and sizes rows itself.
        return f'<sheetFormatPr baseColWidth="8" defaultRowHeight="{cells.double(self.default_height)}" customHeight="1"/>'

    def _view(self) -> str:
        if self.frozen is None or self.frozen == (1, 1):
            return '<selection activeCell="A1" sqref="A1"/>'
        row, column = self.frozen
        split = (f' xSplit="{column - 1}"' if column > 1 else "") + (
            f' ySplit="{row - 1}"' if row > 1 else ""
        )
        pane = "bottomRight" if row > 1 and column > 1 else "bottomLeft" if row > 1 else "topRight"
        view = f'<pane{split} topLeftCell="{cell_ref(row, column)}" activePane="{pane}" state="frozen"/>'
        others = '<selection pane="topRight"/><selection pane="bottomLeft"/>' if pane == "bottomRight" else ""
        return f'{view}{others}<selection pane="{pane}" activeCell="A1" sqref="A1"/>'

    def relationships(self, drawing: int | None, table: int | None) -> list[tuple[str, str, bool]]:
        """The sheet's relationships, in the order its XML numbers them: links, drawing, table
        (a streamed sheet's links are written apart, as they come)."""
        related = [("hyperlink", target, True) for _, target in self.links]
        if drawing is not None:
            related.append(("drawing", f"/xl/drawings/drawing{drawing}.xml", False))
        if table is not None:
            related.append(("table", f"/xl/tables/table{table}.xml", False))
        return related

    def tail(self, dxf_id: Callable[[Fill], int], links: int) -> tuple[str, str]:
        """The parts after the rows, before and after the hyperlinks (`links` of them, whose
        relationships come first: rId1 to rIdN)."""
        before = [self._merges(), self._conditional_fills(dxf_id), self._validations()]
        after = [
            '<printOptions horizontalCentered="1"/>' if self.centered else "",
            _margins(),
            self._page_setup(),
            self._header_footer(),
        ]
        if self.breaks:
            each = "".join(f'<brk id="{row}" min="0" max="16383" man="1"/>' for row in self.breaks)
            after.append(
                f'<rowBreaks count="{len(self.breaks)}" manualBreakCount="{len(self.breaks)}">{each}</rowBreaks>'
            )
        related = links
        if self.charts:
            related += 1
            after.append(f'<drawing {_R} r:id="rId{related}"/>')
        if self.table_part is not None:
            related += 1
            after.append(f'<tableParts count="1"><tablePart {_R} r:id="rId{related}"/></tableParts>')
        after.append("</worksheet>")
        return "".join(before), "".join(after)

    def _merges(self) -> str:
        if not self.merges:
            return ""
        refs = [
            _ranges(f"{cell_ref(top, left)}:{cell_ref(bottom, right)}")
            for top, left, bottom, right in self.merges
        ]
        each = "".join(f'<mergeCell ref="{ref}"/>' for ref in refs)
        return f'<mergeCells count="{len(refs)}">{each}</mergeCells>'

    def _conditional_fills(self, dxf_id: Callable[[Fill], int]) -> str:
        parts, priority = [], 0
        for ref, rules in self.fills.items():
            each = []
            for formula, fill in rules:
                priority += 1
                each.append(
                    f'<cfRule type="expression" priority="{priority}" dxfId="{dxf_id(fill)}">'
                    f"<formula>{xml_text(formula)}</formula></cfRule>"
                )
            parts.append(
                f'<conditionalFormatting sqref="{xml_attribute(ref)}">{"".join(each)}</conditionalFormatting>'
            )
        return "".join(parts)

    def _validations(self) -> str:
        if not self.validations:
            return ""
        each = []
        for check in self.validations:
            said = check.guidance
            shown = "1" if said else "0"
            words = (
                f' errorTitle="{xml_attribute(said.title)}" error="{xml_attribute(said.error)}"'
                f' promptTitle="{xml_attribute(said.title)}" prompt="{xml_attribute(said.prompt)}"'
                if said
                else ""
            )
            between = ' operator="between"' if check.kind in ("decimal", "date") else ""
            formulas = "".join(
                f"<formula{n}>{xml_text(formula)}</formula{n}>"
                for n, formula in enumerate(check.formulas, start=1)
            )
            each.append(
                f'<dataValidation sqref="{check.ref}" showDropDown="0" showInputMessage="{shown}" '
                f'showErrorMessage="{shown}" allowBlank="{int(check.allow_blank)}"{words} type="{check.kind}"'
                f"{between}>{formulas}</dataValidation>"
            )
        return f'<dataValidations count="{len(each)}">{"".join(each)}</dataValidations>'

    def links_xml(self) -> str:
        return "".join(_link(ref, number) for number, (ref, _) in enumerate(self.links, start=1))

    def _page_setup(self) -> str:
        attributes = ""
        if self.landscape is not None:
            attributes += f' orientation="{"landscape" if self.landscape else "portrait"}"'
        if self.paper is not None:
            attributes += f' paperSize="{self.paper}"'
        if self.pages_tall is not None:
            attributes += f' fitToHeight="{self.pages_tall}"'
        if self.pages_wide is not None:
            attributes += f' fitToWidth="{self.pages_wide}"'
        if self.scale is not None:
            attributes += f' scale="{self.scale}"'
        return f"<pageSetup{attributes}/>" if attributes else ""

    def _header_footer(self) -> str:
        return _header_footer(self.header, self.footer, self.page_font)

    def xml(self, number: Callable[[Look], str], dxf_id: Callable[[Fill], int]) -> bytes:
        """The whole sheet, its looks numbered by `number` and its fills' styles by `dxf_id`."""
        written = cells.rows(self, number)
        data = f"<sheetData>{''.join(xml for _, xml in written)}</sheetData>" if written else "<sheetData/>"
        before, after = self.tail(dxf_id, len(self.links))
        links = f"<hyperlinks>{self.links_xml()}</hyperlinks>" if self.links else ""
        return f"{self.head()}{data}{before}{links}{after}".encode()


# Every sheet of a workbook has the same header and footer, and every workbook of a candidate.
@lru_cache(maxsize=256)
def _header_footer(header: PageText, footer: PageText, page_font: tuple[str | None, int | None]) -> str:
    """`<headerFooter>` for these texts, each part in `page_font` (font, size); "" for none."""
    if not any((*_parts(header), *_parts(footer))):
        return ""
    font, size = page_font
    codes = (f'&"{font}"' if font else "") + (f"&{size} " if size else "")

    def item(tag: str, text: PageText) -> str:
        packed = "".join(
            f"&{key}{codes}{part}" for key, part in zip("LCR", _parts(text), strict=True) if part is not None
        )
        return f"<{tag}>{xml_text(_escape_controls(packed))}</{tag}>"

    empty = "<evenHeader></evenHeader><evenFooter></evenFooter><firstHeader></firstHeader><firstFooter></firstFooter>"
    return f"<headerFooter>{item('oddHeader', header)}{item('oddFooter', footer)}{empty}</headerFooter>"


def _ranges(ref: str) -> str:
    """Ranges separated by spaces, as the sheet lists them: each checked, one cell as itself ("B34")."""
    written = []
    for each in ref.split(" "):
        top, left, bottom, right = cell_range(each)
        first = cell_ref(top, left)
        written.append(first if (top, left) == (bottom, right) else f"{first}:{cell_ref(bottom, right)}")
    return " ".join(written)


def _margins() -> str:
    sides = zip(("left", "right", "top", "bottom", "header", "footer"), MARGINS, strict=True)
    return "<pageMargins " + " ".join(f'{side}="{cells.double(inches)}"' for side, inches in sides) + "/>"


def _parts(text: PageText) -> tuple[str | None, str | None, str | None]:
    return text.left, text.center, text.right


def _escape_controls(text: str) -> str:
    """Control characters as OOXML writes them in a header: "\\n" as "_x000a_"."""
    return "".join(f"_x{ord(ch):04x}_" if "\x01" <= ch <= "\x19" else ch for ch in text)


def _ascii(xml: str) -> bytes:
    """A streamed sheet's XML: ASCII, every other character as a reference ("é" as "&#233;"),
    as streamed sheets have always been written."""
    return xml.encode("ascii", "xmlcharrefreplace")


# What a relative reference may hold as it is (RFC 3986's unreserved, sub-delims, ":", "@" and
# "/"); any other ASCII character is escaped, so that a folder named "Q4 #2" or "reviews 50%" is
# not read as a fragment or an escape. Other characters stay as they are, as an IRI holds them.
_URI_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/")


def file_uri(path: str) -> str:
    """A relative file path as a hyperlink's target: "../p #1/ada.xlsx" → "../p%20%231/ada.xlsx"."""
    return "".join(ch if ch in _URI_SAFE or ord(ch) > 127 else f"%{ord(ch):02X}" for ch in path)


def _link(ref: str, number: int) -> str:
    return f'<hyperlink {_R} ref="{ref}" r:id="rId{number}"/>'


class StreamedSheet(Sheet):
    """A sheet whose rows go out as they come, top to bottom, to a temporary file: the summary
    of 50,000 workbooks holds one row at a time, and its links are written as they are made.

    What comes before the rows in the file (frozen panes, widths, fitting to pages) must be
    set before the first `flush`; the rest (printing, tables, links) may come later. Looks are
    numbered as rows first use them (`styles.FirstUse`).
    """

    def __init__(self, title: str, styles: FirstUse) -> None:
        super().__init__(title)
        self.styles = styles
        self.written = 0  # the last row sent
        self.started = False
        self.rows: IO[bytes] = tempfile.TemporaryFile()
        self.link_count = 0
        self.link_xml: IO[bytes] = tempfile.TemporaryFile()  # <hyperlink> elements
        self.link_targets: IO[bytes] = tempfile.TemporaryFile()  # their relationships

    def link(self, ref: str, path: str) -> None:
        coordinates(ref)
        self.link_count += 1
        self.link_xml.write(_ascii(_link(ref, self.link_count)))
        self.link_targets.write(relationship("hyperlink", file_uri(path), True, self.link_count).encode())

    def flush(self) -> None:
        """Send the rows recorded so far, in order; a row sent cannot be written again."""
        if not self.started:
            self.rows.write(_ascii(f"{self.head(dimension=False)}<sheetData>"))
            self.started = True
        for row, xml in cells.rows(self, self.styles.number, closed=True):
            if row <= self.written:
                raise ValueError(f"{self.title}: row {row} was already written")
            self.rows.write(_ascii(xml))
            self.written = row
        self.cells.clear()
        self.heights.clear()

    def write(self, part: IO[bytes], dxf_id: Callable[[Fill], int]) -> None:
        """The whole sheet into `part`, a chunk at a time."""
        self.flush()
        self.rows.seek(0)
        shutil.copyfileobj(self.rows, part)
        before, after = self.tail(dxf_id, self.link_count)
        part.write(_ascii(f"</sheetData>{before}"))
        if self.link_count:
            part.write(b"<hyperlinks>")
            self.link_xml.seek(0)
            shutil.copyfileobj(self.link_xml, part)
            part.write(b"</hyperlinks>")
        part.write(_ascii(after))

    def write_relationships(self, part: IO[bytes], others: Sequence[tuple[str, str, bool]]) -> None:
        """The sheet's `.rels`: its links' relationships, then `others` (its drawing, its table)."""
        part.write(RELATIONSHIPS_START.encode())
        self.link_targets.seek(0)
        shutil.copyfileobj(self.link_targets, part)
        for number, (kind, target, external) in enumerate(others, start=self.link_count + 1):
            part.write(relationship(kind, target, external, number).encode())
        part.write(RELATIONSHIPS_END.encode())

    def close(self) -> None:
        """Let go of the temporary files."""
        for file in (self.rows, self.link_xml, self.link_targets):
            file.close()
