"""How cells look, and the workbook's style table (`xl/styles.xml`).

A `Look` is everything a cell's format says: a number format, a font, a fill, a border, an
alignment and whether the text carries a quote prefix. Each part is a frozen value; sheets
build their looks once per process from a few constants.

Excel numbers fonts, fills, borders, number formats and cell formats in tables. `style_table`
numbers them in an order that depends only on which looks a workbook uses, never on which
cell used each first, so every offer that uses the same looks (most offers of a guide in one
currency) has the same `styles.xml`, worked out once per process. A streamed workbook (the
summary) numbers them as its rows first use them instead (`FirstUse`): its rows are written
before the table can be known.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .memo import Memo
from .text import xml_attribute

# A colour is six hex digits, "1F3864"; files carry it with an alpha byte in front, "001F3864".


@dataclass(frozen=True)
class Font:
    name: str
    size: float
    bold: bool = False
    italic: bool = False
    colour: str | None = None
    underline: str | None = None  # "single", "double"…


@dataclass(frozen=True)
class Fill:
    """A solid fill; `background` matters to conditional formats, which Excel draws with it."""

    colour: str
    background: str | None = None


@dataclass(frozen=True)
class Side:
    style: str = "thin"  # "thin", "medium", "dashed"…
    colour: str | None = None


@dataclass(frozen=True)
class Border:
    left: Side | None = None
    right: Side | None = None
    top: Side | None = None
    bottom: Side | None = None


@dataclass(frozen=True)
class Alignment:
    horizontal: str | None = None  # "left", "center", "right"…
    vertical: str | None = None  # "top", "center", "bottom"
    wrap: bool = False


@dataclass(frozen=True, eq=False)
class Look:
    """How a cell looks. Compared by identity: sheets make one `Look` per look in a process
    (`sheets.styles.look_of`), and a workbook's table numbers looks by what they are.

    `font` None is the workbook's default font; `quote_prefix` marks text that starts like a
    formula as text to Excel's editor too.
    """

    number_format: str | None = None
    font: Font | None = None
    fill: Fill | None = None
    border: Border | None = None
    alignment: Alignment | None = None
    quote_prefix: bool = False


# Excel's built-in number formats keep their own numbers; the workbook's own start at 164.
BUILTIN_FORMATS = {
    "General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4,
    '"$"#,##0_);("$"#,##0)': 5, '"$"#,##0_);[Red]("$"#,##0)': 6,
    '"$"#,##0.00_);("$"#,##0.00)': 7, '"$"#,##0.00_);[Red]("$"#,##0.00)': 8,
    "0%": 9, "0.00%": 10, "0.00E+00": 11, "# ?/?": 12, "# ??/??": 13, "mm-dd-yy": 14,
    "d-mmm-yy": 15, "d-mmm": 16, "mmm-yy": 17, "h:mm AM/PM": 18, "h:mm:ss AM/PM": 19,
    "h:mm": 20, "h:mm:ss": 21, "m/d/yy h:mm": 22, "#,##0_);(#,##0)": 37,
    "#,##0_);[Red](#,##0)": 38, "#,##0.00_);(#,##0.00)": 39, "#,##0.00_);[Red](#,##0.00)": 40,
    r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)': 41,
    r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)': 42,
    r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)': 43,
    r'_("$"* #,##0.00_)_("$"* \(#,##0.00\)_("$"* "-"??_)_(@_)': 44,
    "mm:ss": 45, "[h]:mm:ss": 46, "mmss.0": 47, "##0.0E+0": 48, "@": 49,
}  # fmt: skip
FIRST_CUSTOM_FORMAT = 164


# -- the order of each table ---------------------------------------------------------------------
# Each table lists, after the entries Excel expects first (the default font; no fill and the
# gray125 fill; no border), what the looks use, sorted by a description of each: its fields as
# text, in the field order of the descriptions openpyxl's writer sorted by when it wrote these
# files, so that a workbook keeps its bytes (sizes compare as text: "10.0" before "9.0").


def _colour(colour: str | None) -> str:
    return "None" if colour is None else f"<rgb='00{colour}'>"


def _described(item: Font | Fill | Border | Alignment) -> str:
    if isinstance(item, Font):
        return (
            f"name={item.name!r}, b={item.bold}, i={item.italic}, color={_colour(item.colour)}, "
            f"sz={float(item.size)!r}, u={item.underline!r}"
        )
    if isinstance(item, Fill):
        return f"fgColor={_colour(item.colour)}, bgColor={_colour(item.background or '000000')}"
    if isinstance(item, Border):
        sides = (item.left, item.right, item.top, item.bottom)
        return ", ".join(
            "None" if side is None else f"<style={side.style!r}, color={_colour(side.colour)}>"
            for side in sides
        )
    return f"horizontal={item.horizontal!r}, vertical={item.vertical!r}, wrapText={item.wrap or None}"


# -- the XML of each entry -----------------------------------------------------------------------


def _number(value: float) -> str:
    return "%.16g" % value  # noqa: UP031 (how sizes have always been written)


def _colour_xml(tag: str, colour: str) -> str:
    return f'<{tag} rgb="00{colour}"/>'


def font_xml(font: Font) -> str:
    return "".join(
        (
            f'<font><name val="{xml_attribute(font.name)}"/>',
            '<b val="1"/>' if font.bold else "",
            '<i val="1"/>' if font.italic else "",
            _colour_xml("color", font.colour) if font.colour else "",
            f'<sz val="{_number(font.size)}"/>',
            f'<u val="{xml_attribute(font.underline)}"/>' if font.underline else "",
            "</font>",
        )
    )


def fill_xml(fill: Fill) -> str:
    background = _colour_xml("bgColor", fill.background) if fill.background else ""
    return f'<fill><patternFill patternType="solid">{_colour_xml("fgColor", fill.colour)}{background}</patternFill></fill>'


def border_xml(border: Border) -> str:
    parts = []
    for tag, side in (
        ("left", border.left),
        ("right", border.right),
        ("top", border.top),
        ("bottom", border.bottom),
    ):
        if side is None:
            continue
        style = f'<{tag} style="{xml_attribute(side.style)}"'
        parts.append(f"{style}>{_colour_xml('color', side.colour)}</{tag}>" if side.colour else f"{style}/>")
    return f"<border>{''.join(parts)}</border>"


def alignment_xml(alignment: Alignment) -> str:
    horizontal = f' horizontal="{alignment.horizontal}"' if alignment.horizontal else ""
    vertical = f' vertical="{alignment.vertical}"' if alignment.vertical else ""
    wrap = ' wrapText="1"' if alignment.wrap else ""
    return f"<alignment{horizontal}{vertical}{wrap}/>"


_NO_FILL = "<fill><patternFill/></fill>"
_GRAY_FILL = '<fill><patternFill patternType="gray125"/></fill>'
_NO_BORDER = "<border><left/><right/><top/><bottom/><diagonal/></border>"
# Excel's 64 indexed colours (the legacy palette), which every styles.xml of ours has listed.
_INDEXED = (
    "000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF 000000 FFFFFF FF0000 00FF00 0000FF FFFF00 "
    "FF00FF 00FFFF 800000 008000 000080 808000 800080 008080 C0C0C0 808080 9999FF 993366 FFFFCC CCFFFF "
    "660066 FF8080 0066CC CCCCFF 000080 FF00FF FFFF00 00FFFF 800080 800000 008080 0000FF 00CCFF CCFFFF "
    "CCFFCC FFFF99 99CCFF FF99CC CC99FF FFCC99 3366FF 33CCCC 99CC00 FFCC00 FF9900 FF6600 666699 969696 "
    "003366 339966 003300 333300 993300 993366 333399 333333"
).split()
_TAIL = (
    '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>'
    + "<colors><indexedColors>"
    + "".join(_colour_xml("rgbColor", colour) for colour in _INDEXED)
    + "</indexedColors></colors></styleSheet>"
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# A cell format: font, fill, border, number format, alignment (0: none) and quote prefix, by
# number; sorted as tuples in this order.
CellFormat = tuple[int, int, int, int, int, int]
_PLAIN: CellFormat = (0, 0, 0, 0, 0, 0)


class _Tables:
    """The tables a look's parts are numbered in, and the cell formats made of those numbers."""

    def __init__(self, default_font: Font) -> None:
        self.fonts: list[Font] = [default_font]
        self.fills: list[Fill | None] = [None, None]  # no fill, gray125: always there, in place
        self.borders: list[Border | None] = [None]
        self.alignments: list[Alignment | None] = [None]
        self.formats: list[str] = []  # the workbook's own number formats, from 164
        self.cells: list[CellFormat] = [_PLAIN]
        self.dxfs: list[Fill] = []  # conditional formats' fills, in the order first used

    def file(self, look: Look) -> None:
        """Add the look's parts to the tables, each the first time it is seen."""
        if look.number_format and look.number_format not in BUILTIN_FORMATS:
            _add(self.formats, look.number_format)
        for table, part in (
            (self.fonts, look.font),
            (self.fills, look.fill),
            (self.borders, look.border),
            (self.alignments, look.alignment),
        ):
            if part is not None:
                _add(table, part)

    def cell_format(self, look: Look) -> CellFormat:
        number_format = look.number_format
        if not number_format:
            format_number = 0
        elif number_format in BUILTIN_FORMATS:
            format_number = BUILTIN_FORMATS[number_format]
        else:
            format_number = FIRST_CUSTOM_FORMAT + self.formats.index(number_format)
        return (
            self.fonts.index(look.font) if look.font is not None else 0,
            self.fills.index(look.fill) if look.fill is not None else 0,
            self.borders.index(look.border) if look.border is not None else 0,
            format_number,
            self.alignments.index(look.alignment) if look.alignment is not None else 0,
            int(look.quote_prefix),
        )

    def sort(self) -> None:
        """Put each table in canonical order, past its fixed entries."""
        for table, fixed in ((self.fonts, 1), (self.fills, 2), (self.borders, 1), (self.alignments, 1)):
            table[fixed:] = sorted(table[fixed:], key=_described)  # type: ignore[arg-type]
        self.formats.sort()

    def xml(self) -> bytes:
        formats = "".join(
            f'<numFmt numFmtId="{number}" formatCode="{xml_attribute(code)}"/>'
            for number, code in enumerate(self.formats, FIRST_CUSTOM_FORMAT)
        )
        fills = [_NO_FILL, _GRAY_FILL, *(fill_xml(fill) for fill in self.fills[2:])]  # type: ignore[arg-type]
        borders = [_NO_BORDER, *(border_xml(border) for border in self.borders[1:])]  # type: ignore[arg-type]
        dxfs = "".join(f"<dxf>{fill_xml(fill)}</dxf>" for fill in self.dxfs)
        parts = (
            f'<styleSheet xmlns="{_MAIN}">',
            f'<numFmts count="{len(self.formats)}">{formats}</numFmts>'
            if formats
            else '<numFmts count="0"/>',
            f'<fonts count="{len(self.fonts)}">{"".join(map(font_xml, self.fonts))}</fonts>',
            f'<fills count="{len(fills)}">{"".join(fills)}</fills>',
            f'<borders count="{len(borders)}">{"".join(borders)}</borders>',
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>',
            f'<cellXfs count="{len(self.cells)}">{"".join(map(self._xf, self.cells))}</cellXfs>',
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0"/></cellStyles>',
            f'<dxfs count="{len(self.dxfs)}">{dxfs}</dxfs>' if dxfs else "",
            _TAIL,
        )
        return "".join(parts).encode()

    def _xf(self, cell: CellFormat) -> str:
        font, fill, border, number_format, alignment, quote_prefix = cell
        start = f'<xf numFmtId="{number_format}" fontId="{font}" fillId="{fill}" borderId="{border}"'
        end = f' pivotButton="0" quotePrefix="{quote_prefix}" xfId="0"'
        if not alignment:
            return f"{start}{end}/>"
        return f'{start} applyAlignment="1"{end}>{alignment_xml(self.alignments[alignment])}</xf>'  # type: ignore[arg-type]


def _add(table: list, item: object) -> None:
    if item not in table:
        table.append(item)


@dataclass(frozen=True)
class StyleTable:
    """A workbook's `styles.xml`, and what each look's cells carry: ` s="N"`, or nothing for
    the plain look; each conditional format's fill by its `dxfId`."""

    xml: bytes
    numbers: dict[Look, str]
    dxf_ids: dict[Fill, int]


_TABLES = Memo(64)  # (looks, conditional fills, default font) → their style table


def style_table(looks: Iterable[Look], dxfs: Iterable[Fill], default_font: Font) -> StyleTable:
    """The style table of a workbook whose cells use `looks` and whose conditional formats
    use `dxfs` (in the order first used), in canonical order."""
    looks, dxfs = frozenset(looks), tuple(dict.fromkeys(dxfs))
    key = (looks, dxfs, default_font)
    table = _TABLES.get(key)
    if table is None:
        tables = _Tables(default_font)
        for look in looks:
            tables.file(look)
        tables.sort()
        formats = {look: tables.cell_format(look) for look in looks}
        tables.cells += sorted(set(formats.values()) - {_PLAIN})
        position = {cell: index for index, cell in enumerate(tables.cells)}
        numbers = {look: f' s="{position[cell]}"' if cell != _PLAIN else "" for look, cell in formats.items()}
        tables.dxfs = list(dxfs)
        table = _TABLES.keep(key, StyleTable(tables.xml(), numbers, {fill: i for i, fill in enumerate(dxfs)}))
    return table  # type: ignore[return-value]


class FirstUse:
    """A style table numbered as looks are first used: a streamed sheet's rows go out before
    the workbook's looks are all known, each cell carrying its look's number."""

    def __init__(self, default_font: Font) -> None:
        self.tables = _Tables(default_font)
        self.numbers: dict[Look, str] = {}
        self.positions: dict[CellFormat, int] = {_PLAIN: 0}

    def number(self, look: Look) -> str:
        """The look's ` s="N"` (nothing for the plain look), numbered the first time."""
        number = self.numbers.get(look)
        if number is None:
            self.tables.file(look)
            cell = self.tables.cell_format(look)
            if cell not in self.positions:
                self.positions[cell] = len(self.tables.cells)
                self.tables.cells.append(cell)
            number = self.numbers[look] = f' s="{self.positions[cell]}"' if cell != _PLAIN else ""
        return number

    def dxf_id(self, fill: Fill) -> int:
        if fill not in self.tables.dxfs:
            self.tables.dxfs.append(fill)
        return self.tables.dxfs.index(fill)

    def xml(self) -> bytes:
        return self.tables.xml()
