"""The workbook's style table in one fixed order, and its XML built once per distinct table.

openpyxl numbers fonts, fills, borders, number formats and cell formats in the order cells
first use them, so the same looks could be numbered differently by two offers whose sheets
happen to use them in another order. `put_in_canonical_order` renumbers them in an order
that depends only on which looks the workbook uses: sorted by what each one is. Then every
offer that uses the same looks (most offers of a guide in one currency) has the same
`styles.xml`, which `stylesheet_xml` builds once per process.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from openpyxl import Workbook
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.xml.functions import tostring

from . import cells

# How many entries of each table Excel expects in place, never reordered: the default font,
# border, alignment and protection, and the two fills every file starts with (none, gray125).
_FIXED = {"_fonts": 1, "_fills": 2, "_borders": 1, "_alignments": 1, "_protections": 1}
# Where each table's index sits in a StyleArray (openpyxl's field order).
_FIELD = {"_fonts": 0, "_fills": 1, "_borders": 2, "_protections": 4, "_alignments": 5}
_NUMBER_FORMAT = 3


def put_in_canonical_order(workbook: Workbook) -> Hashable:
    """Renumber the workbook's styles in canonical order, every cell's style with them.

    Returns a key that is equal for two workbooks exactly when their style tables are.
    """
    renumber: dict[int, dict[int, int]] = {}
    key: list[tuple[str, ...]] = []
    for table, fixed in _FIXED.items():
        items = list(getattr(workbook, table))
        keys = [_style_key(item, remember=index >= fixed) for index, item in enumerate(items)]
        order = fixed_then_sorted(items, fixed, keys)
        setattr(workbook, table, IndexedList([items[old] for old in order]))
        renumber[_FIELD[table]] = {old: new for new, old in enumerate(order)}
        key.append(tuple(keys[old] for old in order))
    formats = list(workbook._number_formats)
    order = fixed_then_sorted(formats, 0, formats)
    workbook._number_formats = IndexedList([formats[old] for old in order])
    renumber[_NUMBER_FORMAT] = {
        BUILTIN_FORMATS_MAX_SIZE + old: BUILTIN_FORMATS_MAX_SIZE + new for new, old in enumerate(order)
    }
    key.append(tuple(workbook._number_formats))
    cell_styles = _renumber_cells(workbook, renumber)
    # Cell formats are numbered as sheets are written; listing them first, sorted, fixes their order.
    workbook._cell_styles = IndexedList([StyleArray(), *sorted(cell_styles - {StyleArray()}, key=tuple)])
    for named in workbook._named_styles:
        named._recalculate()  # a named style finds its font (and the rest) at their new numbers
    key.append(tuple(tuple(style) for style in workbook._cell_styles))
    key.append(tuple(_style_key(named, remember=False) for named in workbook._named_styles))
    key.append(tuple(_style_key(style, remember=False) for style in workbook._differential_styles.styles))
    return tuple(key)


def fixed_then_sorted(items: list, fixed: int, keys: list) -> list[int]:
    """The indexes of `items`: the first `fixed` where they are, the rest sorted by `keys`."""
    rest = sorted(range(fixed, len(items)), key=keys.__getitem__)
    return [*range(min(fixed, len(items))), *rest]


def _renumber_cells(workbook: Workbook, renumber: dict[int, dict[int, int]]) -> set[StyleArray]:
    """Give every cell's (and row's and column's) style the new numbers; returns the styles used."""
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
    for sheet in workbook.worksheets:
        for holder in (
            *sheet._cells.values(),
            *sheet.row_dimensions.values(),
            *sheet.column_dimensions.values(),
        ):
            if holder._style is not None:
                yield holder._style
    yield from cells.styles_used(workbook.worksheets)


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


_STYLESHEETS: dict[Hashable, bytes] = {}  # key → styles.xml
_MAX_STYLESHEETS = 64  # a few per guide and currency; a bound against an unusual batch


def stylesheet_xml(workbook: Workbook, key: Hashable | None) -> bytes:
    """`xl/styles.xml` of a workbook in canonical order, built once per distinct style table.

    `key` is what `put_in_canonical_order` returned for it; None for a table never seen again
    (a write-only summary's), which is built and not kept.
    """
    if key is None:
        return tostring(write_stylesheet(workbook))
    xml = _STYLESHEETS.get(key)
    if xml is None:
        if len(_STYLESHEETS) >= _MAX_STYLESHEETS:
            _STYLESHEETS.clear()
        xml = _STYLESHEETS[key] = tostring(write_stylesheet(workbook))
    return xml
