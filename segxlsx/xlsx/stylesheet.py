"""How cells look, and the workbook's style table in one fixed order, built once per set of looks.

openpyxl numbers fonts, fills, borders, number formats and cell formats in the order cells
first use them, so the same looks could be numbered differently by two offers whose sheets
happen to use them in another order. `style_table` numbers them in an order that
depends only on which looks the workbook uses: sorted by what each one is. Then every offer
that uses the same looks (most offers of a guide in one currency) has the same `styles.xml`,
and it, with each look's number, is worked out once per process.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.xml.functions import tostring

from .memo import Memo


@dataclass(frozen=True, eq=False)
class Look:
    """How a cell looks: a number format and style objects (the constants of `styles`, so
    that one `Look` per process stands for each; see `styles.look_of`)."""

    number_format: str | None
    font: Font
    fill: PatternFill | None
    border: Border | None
    alignment: Alignment | None

    def filed_in(self, workbook: Workbook) -> StyleArray:
        """This look's style array in `workbook`, its parts added to the workbook's tables the
        first time (openpyxl hashes each style object to find it there: the slow part)."""
        filed = _FILED.get(workbook)
        if filed is None:
            filed = _FILED[workbook] = {}
        style = filed.get(self)
        if style is None:
            cell = Cell(_Filing(workbook))
            if self.number_format:
                cell.number_format = self.number_format
            for name in ("font", "fill", "border", "alignment"):
                if getattr(self, name) is not None:
                    setattr(cell, name, getattr(self, name))
            style = filed[self] = cell._style
        return style


class _Filing:
    """Where a cell that is never placed stands: its style descriptors reach the workbook
    through `parent`, as through a sheet."""

    def __init__(self, workbook: Workbook) -> None:
        self.parent = workbook


_FILED: WeakKeyDictionary[Workbook, dict[Look, StyleArray]] = WeakKeyDictionary()


@dataclass(frozen=True)
class StyleTable:
    """A workbook's `styles.xml`, and what each look's cells carry: ` s="N"`, or nothing for
    the default look."""

    xml: bytes
    numbers: dict[Look, str]


_TABLES = Memo(64)  # the looks a workbook uses → its style table


def style_table(workbook: Workbook, looks: Iterable[Look]) -> StyleTable:
    """The style table of a workbook whose cells use `looks`, in canonical order.

    Worked out once per distinct set of looks (and conditional formats' styles); a workbook
    with other styled parts (a row's or column's own style) is worked out afresh.
    """
    _file_differential_styles(workbook)
    looks = frozenset(looks)
    differential = tuple(_style_key(style, remember=False) for style in workbook._differential_styles.styles)
    plain = not any(any(style) for style in _own_styles(workbook))
    # What a cell without a look shows: `styles.new_workbook` makes it the same in every workbook
    defaults = tuple(_style_key(named.font) for named in workbook._named_styles) + (
        _style_key(workbook._fonts[0]),
    )
    key = (looks, differential, defaults) if plain else None
    table = _TABLES.get(key) if plain else None
    if table is None:
        arrays = {look: look.filed_in(workbook) for look in looks}
        _renumber(workbook)
        numbers = {
            look: f' s="{workbook._cell_styles.add(style)}"' if any(style) else ""
            for look, style in arrays.items()
        }
        table = StyleTable(tostring(write_stylesheet(workbook)), numbers)
        if plain:
            _TABLES.keep(key, table)
    return table


def _file_differential_styles(workbook: Workbook) -> None:
    """Number conditional formats' styles now, in the order openpyxl's sheet writer would
    (sheet by sheet, rule by rule), so that they are in the table before it is written."""
    default = DifferentialStyle()
    for sheet in workbook.worksheets:
        for formatting in sheet.conditional_formatting:
            for rule in formatting.rules:
                if rule.dxf and rule.dxf != default:
                    rule.dxfId = workbook._differential_styles.add(rule.dxf)


# How many entries of each table Excel expects in place, never reordered: the default font,
# border, alignment and protection, and the two fills every file starts with (none, gray125).
_FIXED = {"_fonts": 1, "_fills": 2, "_borders": 1, "_alignments": 1, "_protections": 1}
# Where each table's index sits in a StyleArray (openpyxl's field order).
_FIELD = {"_fonts": 0, "_fills": 1, "_borders": 2, "_protections": 4, "_alignments": 5}
_NUMBER_FORMAT = 3


def _renumber(workbook: Workbook) -> None:
    """Renumber the workbook's style tables in canonical order, every style array with them."""
    renumber: dict[int, dict[int, int]] = {}
    for table, fixed in _FIXED.items():
        items = list(getattr(workbook, table))
        keys = [_style_key(item, remember=index >= fixed) for index, item in enumerate(items)]
        order = fixed_then_sorted(items, fixed, keys)
        setattr(workbook, table, IndexedList([items[old] for old in order]))
        renumber[_FIELD[table]] = {old: new for new, old in enumerate(order)}
    formats = list(workbook._number_formats)
    order = fixed_then_sorted(formats, 0, formats)
    workbook._number_formats = IndexedList([formats[old] for old in order])
    renumber[_NUMBER_FORMAT] = {
        BUILTIN_FORMATS_MAX_SIZE + old: BUILTIN_FORMATS_MAX_SIZE + new for new, old in enumerate(order)
    }
    cell_styles = _renumber_cells(workbook, renumber)
    # Cell formats are numbered as sheets are written; listing them first, sorted, fixes their order.
    workbook._cell_styles = IndexedList([StyleArray(), *sorted(cell_styles - {StyleArray()}, key=tuple)])
    for named in workbook._named_styles:
        named._recalculate()  # a named style finds its font (and the rest) at their new numbers


def fixed_then_sorted(items: list, fixed: int, keys: list) -> list[int]:
    """The indexes of `items`: the first `fixed` where they are, the rest sorted by `keys`."""
    rest = sorted(range(fixed, len(items)), key=keys.__getitem__)
    return [*range(min(fixed, len(items))), *rest]


def _renumber_cells(workbook: Workbook, renumber: dict[int, dict[int, int]]) -> set[StyleArray]:
    """Give every look's (and row's and column's) style the new numbers; returns the styles used."""
    distinct = {id(style): style for style in _styles_of(workbook)}  # a shared array is renumbered once
    new_for: dict[tuple[int, ...], StyleArray] = {}  # most cells share a few dozen looks
    for style in distinct.values():
        old = tuple(style)
        new = new_for.get(old)
        if new is None:
            new = new_for[old] = StyleArray(
                [
                    renumber[field].get(number, number) if field in renumber else number
                    for field, number in enumerate(old)
                ]
            )  # built-in number formats keep their numbers
        style[:] = new
    return set(new_for.values())


def _styles_of(workbook: Workbook) -> Iterable[StyleArray]:
    yield from _FILED.get(workbook, {}).values()
    yield from _own_styles(workbook)


def _own_styles(workbook: Workbook) -> Iterable[StyleArray]:
    """The style arrays openpyxl keeps on its own objects: rows', columns' (and cells', were any
    written past `styles.put_*`, which the writer refuses)."""
    for sheet in workbook.worksheets:
        for holder in (
            *sheet._cells.values(),
            *sheet.row_dimensions.values(),
            *sheet.column_dimensions.values(),
        ):
            if holder._style is not None:
                yield holder._style


_KEYS: dict[int, tuple[object, str]] = {}  # id → (style object, its key): our constants
_MAX_KEYS = 1024


def _style_key(style: object, remember: bool = True) -> str:
    """What a style object is, as text: every attribute, nested colours and sides included.

    The looks are module constants used by every workbook, so each is described once; the
    object is kept with its key so that its id cannot be reused by another while cached.
    Objects each workbook makes afresh (its defaults, named and conditional styles) are not.
    """
    known = _KEYS.get(id(style))
    if known is not None and known[0] is style:
        return known[1]
    key = f"{type(style).__name__}:{style!r}"
    if remember and len(_KEYS) < _MAX_KEYS:
        _KEYS[id(style)] = (style, key)
    return key
