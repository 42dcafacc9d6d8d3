"""Spreadsheets that lie: intake sheets and hand-edited workbooks whose parts claim what they are not.

An .xlsx is a zip of XML parts a person's tools wrote; each test here writes the parts by hand
the way a hostile or broken tool would (a dimension of a million rows, twelve million shared
strings, a zip that expands into gigabytes, a chart sheet where the table should be, cells
whose type lies) and checks that reading gives offers, or one line naming the file and the
problem, quickly, never a traceback and never a hang.
"""

from __future__ import annotations

import io
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segxlsx.errors import InvalidValue, OfferError
from segxlsx.sources.guides import load_guides
from segxlsx.sources.offers import read_offer_file
from segxlsx.sources.xlsx_reader import Budget, XlsxFile

from .conftest import SEED_YAML

GUIDES = load_guides([SEED_YAML])
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = ["candidate", "region", "base", "stock", "bonus"]
GOOD = ["Ada Park", "London", "130000", "100000", "12%"]


def sheet_xml(rows: list[list[str]], dimension: str = "", extra: str = "") -> str:
    """A worksheet whose cells are inline text (`<c t="inlineStr">`) or raw cell XML."""
    out = [
        f'<worksheet xmlns="{MAIN}">',
        f'<dimension ref="{dimension}"/>' if dimension else "",
        "<sheetData>",
    ]
    for number, cells in enumerate(rows, start=1):
        out.append(f'<row r="{number}">')
        for column, cell in enumerate(cells):
            ref = f"{chr(65 + column)}{number}"
            out.append(cell.replace("REF", ref) if cell.startswith("<c") else
                       f'<c r="{ref}" t="inlineStr"><is><t>{cell}</t></is></c>')  # fmt: skip
        out.append("</row>")
    out += ["</sheetData>", extra, "</worksheet>"]
    return "".join(out)


def xlsx(
    path: Path,
    sheets: dict[str, str | None],
    shared: str | None = None,
    parts: dict[str, bytes] | None = None,
) -> Path:
    """An .xlsx of `sheets` (name → worksheet XML, or None for a chart sheet), written part by part."""
    entries, relations = [], []
    for number, (name, xml) in enumerate(sheets.items(), start=1):
        kind = "worksheet" if xml is not None else "chartsheet"
        folder = "worksheets" if xml is not None else "chartsheets"
        entries.append(f'<sheet name="{name}" sheetId="{number}" r:id="rId{number}"/>')
        relations.append(
            f'<Relationship Id="rId{number}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/{kind}" Target="{folder}/sheet{number}.xml"/>'
        )
    book = (
        f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<sheets>{''.join(entries)}</sheets></workbook>"
    )
    rels = f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{"".join(relations)}</Relationships>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        for number, xml in enumerate(sheets.values(), start=1):
            if xml is not None:
                archive.writestr(f"xl/worksheets/sheet{number}.xml", xml)
            else:
                archive.writestr(f"xl/chartsheets/sheet{number}.xml", "<chartsheet/>")
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
        for name, data in (parts or {}).items():
            archive.writestr(name, data)
    return path


def loaded(path: Path):
    started = time.monotonic()
    result = read_offer_file(path, GUIDES)
    return result, time.monotonic() - started


def test_a_declared_dimension_of_a_million_rows_is_not_believed(tmp_path):
    """A 2 KB sheet claiming XFD1048576, with one blank cell there: read as the two rows it has."""
    far = '<c r="XFD1048576"/>'
    xml = sheet_xml([HEADER, GOOD], dimension="A1:XFD1048576").replace(
        "</sheetData>", f'<row r="1048576">{far}</row></sheetData>'
    )
    result, seconds = loaded(xlsx(tmp_path / "wide.xlsx", {"Offers": xml}))
    assert [o.candidate for o in result.offers] == ["Ada Park"] and not result.failures
    assert seconds < 2, seconds


def test_more_shared_strings_than_the_budget_stop_in_one_line(tmp_path):
    """Twelve million empty strings fit in half a megabyte zipped: the count is bounded, not the zip."""
    assert Budget().shared_strings == 1_000_000
    many = "<si><t/></si>" * 120_000
    shared = f'<sst xmlns="{MAIN}">{many}</sst>'
    xml = sheet_xml([HEADER, ['<c r="REF" t="s"><v>0</v></c>', *GOOD[1:]]])
    path = xlsx(tmp_path / "strings.xlsx", {"Offers": xml}, shared=shared)
    started = time.monotonic()
    with pytest.raises(Exception, match="^holds more than 100,000 shared strings$"):
        list(XlsxFile(path.read_bytes(), Budget(shared_strings=100_000)).rows("Offers"))
    assert time.monotonic() - started < 5


def test_a_part_that_expands_past_its_budget_is_refused(tmp_path):
    """A zip entry of a few bytes that inflates into more than a part may hold: stopped there."""
    path = xlsx(tmp_path / "bomb.xlsx", {"Offers": sheet_xml([HEADER] + [GOOD] * 100)})
    book = XlsxFile(path.read_bytes(), Budget(part_bytes=2_000))
    with pytest.raises(Exception, match="its part xl/worksheets/sheet1.xml expands past 2,000 bytes"):
        list(book.rows("Offers"))


def test_a_document_type_declaration_is_refused(tmp_path):
    bomb = '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]>' + sheet_xml([HEADER, GOOD])
    result, _ = loaded(xlsx(tmp_path / "dtd.xlsx", {"Offers": bomb}))
    (failure,) = result.failures
    assert "declares a document type" in failure.message


def test_rows_past_the_budget_stop_the_file_in_one_line(tmp_path):
    path = xlsx(tmp_path / "long.xlsx", {"Offers": sheet_xml([HEADER] + [GOOD] * 30)})
    book = XlsxFile(path.read_bytes(), Budget(rows=20))
    with pytest.raises(
        Exception, match="has more than 20 rows with something in them; split it into several files"
    ):
        list(book.rows("Offers"))


def test_a_cell_past_the_column_budget_is_named(tmp_path):
    xml = sheet_xml([HEADER, GOOD]).replace(
        "</row></sheetData>", '<c r="ZZ2" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    )
    result, _ = loaded(xlsx(tmp_path / "far.xlsx", {"Offers": xml}))
    (failure,) = result.failures
    assert "has a cell in column 702, past the limit of 256 columns" in failure.message


@pytest.mark.parametrize("sheets", [{"Chart": None, "Offers": "TABLE"}, {"Offers": None, "Q4": "TABLE"}])
def test_a_chart_sheet_is_never_read_as_the_table(tmp_path, sheets):
    table = sheet_xml([HEADER, GOOD])
    path = xlsx(tmp_path / "charts.xlsx", {name: (table if xml else None) for name, xml in sheets.items()})
    result, _ = loaded(path)
    assert [o.candidate for o in result.offers] == ["Ada Park"] and not result.failures


def test_a_workbook_of_chart_sheets_alone_is_one_line(tmp_path):
    result, _ = loaded(xlsx(tmp_path / "only.xlsx", {"Offers": None}))
    (failure,) = result.failures
    assert failure.message == "the workbook has no sheet with a table to read (its sheets: 'Offers')"


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ('<c r="REF" t="d"><v>not-a-date</v></c>', "column C holds 'not-a-date' where a date should be"),
        ('<c r="REF"><v>abc</v></c>', "column C holds 'abc' where a number should be"),
        ('<c r="REF"><v>NaN</v></c>', "column C holds 'NaN' where a number should be"),
        ('<c r="REF" t="s"><v>7</v></c>', "column C refers to shared text '7', which the file does not hold"),
        ('<c r="REF" t="e"><v>#N/A</v></c>', "column C holds the error #N/A"),
        ('<c r="REF"><f>A1*2</f></c>', "column C holds a formula saved without its value"),
    ],
)
def test_a_cell_that_lies_about_its_type_is_one_error_at_its_row(tmp_path, cell, message):
    bad = [GOOD[0].replace("Ada", "Ben"), GOOD[1], cell, *GOOD[3:]]
    result, _ = loaded(xlsx(tmp_path / "cells.xlsx", {"Offers": sheet_xml([HEADER, GOOD, bad, GOOD])}))
    assert [o.candidate for o in result.offers] == ["Ada Park", "Ada Park"]
    (failure,) = result.failures
    assert failure.message.startswith(message)
    assert (failure.location.row, failure.location.field, failure.location.candidate) == (
        3,
        "base",
        "Ben Park",
    )


def test_rich_text_and_numbers_read_as_excel_shows_them(tmp_path):
    shared = f'<sst xmlns="{MAIN}"><si><r><t>Ada </t></r><r><t>Park</t></r><rPh><t>x</t></rPh></si></sst>'
    row = ['<c r="REF" t="s"><v>0</v></c>', "London", '<c r="REF"><v>130000.0</v></c>', "100000", "12%"]
    result, _ = loaded(xlsx(tmp_path / "rich.xlsx", {"Offers": sheet_xml([HEADER, row])}, shared=shared))
    (offer,) = result.offers
    assert (offer.candidate, offer.base) == ("Ada Park", Decimal(130000))


# Cells of every type, with any text in them: the reader gives offers or one error per bad row.
cell_types = st.sampled_from(["n", "s", "str", "inlineStr", "b", "e", "d", ""])
cell_texts = st.text(st.characters(codec="ascii", exclude_categories=("Cc",)), max_size=12).map(
    lambda text: text.replace("&", "&amp;").replace("<", "&lt;")
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(cell_types, cell_texts), min_size=5, max_size=5))
def test_any_cell_of_any_type_is_read_or_reported_never_a_traceback(tmp_path, cells):
    row = []
    for kind, text in cells:
        if kind == "inlineStr":
            row.append(f'<c r="REF" t="inlineStr"><is><t>{text}</t></is></c>')
        else:
            typed = f' t="{kind}"' if kind else ""
            row.append(f'<c r="REF"{typed}><v>{text}</v></c>')
    shared = f'<sst xmlns="{MAIN}"><si><t>London</t></si></sst>'
    result, _ = loaded(xlsx(tmp_path / "any.xlsx", {"Offers": sheet_xml([HEADER, row, GOOD])}, shared=shared))
    assert len(result.offers) + len(result.failures) >= 1
    assert all(isinstance(failure, OfferError) for failure in result.failures)
    assert result.offers[-1:] and result.offers[-1].candidate == "Ada Park"


def test_a_file_that_is_no_zip_or_no_workbook_is_one_line(tmp_path):
    (tmp_path / "junk.xlsx").write_bytes(b"not a zip at all")
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("hello.txt", "hi")
    (tmp_path / "empty.xlsx").write_bytes(empty.getvalue())
    for name, message in (("junk.xlsx", "not a zip file"), ("empty.xlsx", "it has no xl/workbook.xml")):
        result, _ = loaded(tmp_path / name)
        (failure,) = result.failures
        assert message in failure.message


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    part=st.sampled_from(["sheet", "shared", "book", "rels"]),
    how=st.sampled_from(["truncate", "flip", "insert"]),
    data=st.data(),
)
def test_any_part_damaged_any_way_is_read_or_one_line_never_a_traceback(tmp_path, part, how, data):
    """Dimensions, shared strings, the workbook and its relationships, cut, flipped or padded:
    an offer or one of our errors per row or file, within the budgets' time."""
    dimension = data.draw(st.sampled_from(["", "A1:E3", "A1:XFD1048576", "Z9:A1", "A0", "junk"]))
    shared = (
        f'<sst xmlns="{MAIN}" count="2" uniqueCount="2"><si><t>London</t></si><si><t>Bo Li</t></si></sst>'
    )
    row = ['<c r="REF" t="s"><v>1</v></c>', '<c r="REF" t="s"><v>0</v></c>', "140000", "90000", "10%"]
    sheet = sheet_xml([HEADER, row, GOOD], dimension=dimension)
    path = xlsx(tmp_path / "damaged.xlsx", {"Offers": sheet}, shared=shared)
    name = {"sheet": "xl/worksheets/sheet1.xml", "shared": "xl/sharedStrings.xml", "book": "xl/workbook.xml",
            "rels": "xl/_rels/workbook.xml.rels"}[part]  # fmt: skip
    with zipfile.ZipFile(path) as archive:
        parts = {entry: archive.read(entry) for entry in archive.namelist()}
    original = parts[name]
    at = data.draw(st.integers(0, len(original) - 1))
    if how == "truncate":
        parts[name] = original[:at]
    elif how == "flip":
        parts[name] = (
            original[:at] + bytes([original[at] ^ (1 << data.draw(st.integers(0, 7)))]) + original[at + 1 :]
        )
    else:
        parts[name] = original[:at] + data.draw(st.binary(min_size=1, max_size=40)) + original[at:]
    with zipfile.ZipFile(path, "w") as archive:
        for entry, content in parts.items():
            archive.writestr(entry, content)
    result, seconds = loaded(path)
    assert all(isinstance(failure, OfferError) for failure in result.failures)
    assert len(result.offers) + len(result.failures) >= 1 and seconds < 10
    assert all("\n" not in str(failure) for failure in result.failures)
    try:  # and a few cells of it read back, as a workbook's inputs are
        XlsxFile(path.read_bytes()).cells("Offers", [(2, 1), (3, 3)])
    except InvalidValue as error:
        assert "\n" not in error.message


# -- a sheet's XML read without building it: what ElementTree would have read, and no more -----------

LAUGHS = (
    '<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {b} "{f"&{a};" * 10}">' for a, b in zip("abcdefgh", "bcdefghi", strict=True))
    + "]>"
)


@pytest.mark.parametrize("padding", [0, 3000])
def test_a_billion_laughs_sheet_is_refused_in_one_line_however_far_down(tmp_path, padding):
    """Entities declared after a long comment (past the first KiB the bytes are checked in) are
    refused by the parser itself, for an intake sheet and for the cells read back alike."""
    bomb = f'<?xml version="1.0"?><!--{"x" * padding}-->{LAUGHS}' + sheet_xml([HEADER, GOOD]).replace(
        "Ada Park", "&i;"
    )
    path = xlsx(tmp_path / "laughs.xlsx", {"Offers": bomb})
    started = time.monotonic()
    result, _ = loaded(path)
    (failure,) = result.failures
    assert "its part xl/worksheets/sheet1.xml declares a document type, which Excel never writes" in (
        failure.message
    )
    with pytest.raises(Exception, match="^its part xl/worksheets/sheet1.xml declares a document type"):
        XlsxFile(path.read_bytes()).cells("Offers", [(2, 1)])
    assert time.monotonic() - started < 2


M = f"{{{MAIN}}}"


def element_tree_text(item) -> str:
    """A string item's text as an ElementTree reading gives it: its `<t>`'s, or its runs'."""
    plain = item.find(f"{M}t")
    if plain is not None:
        return plain.text or ""
    return "".join(run.findtext(f"{M}t") or "" for run in item.findall(f"{M}r"))


def element_tree_values(sheet: str, sst: str) -> dict[tuple[int, int], object]:
    """The values of a sheet's cells as an ElementTree reading gives them (its first `<v>`, `<f>`
    and `<is>`, each one's own text): the reference the streamed reader is held to."""
    from xml.etree import ElementTree

    found: dict[tuple[int, int], object] = {}
    m = M
    shared = [element_tree_text(item) for item in ElementTree.fromstring(sst).iter(f"{m}si")]
    for row in ElementTree.fromstring(sheet).iter(f"{m}row"):
        for cell in row.findall(f"{m}c"):
            ref = cell.get("r", "")
            position = (int(ref[1:]), ord(ref[0]) - 64)
            kind, raw = cell.get("t", "n"), cell.find(f"{m}v")
            text = raw.text if raw is not None else None
            if kind == "inlineStr":
                inline = cell.find(f"{m}is")
                if inline is not None:
                    found[position] = element_tree_text(inline)
            elif text is None:
                formula = cell.find(f"{m}f")
                if formula is not None and (formula.text or "").strip():
                    found[position] = "formula without its value"
            elif kind == "s":
                found[position] = (
                    shared[int(text)] if text.isdigit() and int(text) < len(shared) else "no such"
                )
            elif kind == "str":
                found[position] = text
            else:
                try:
                    number = float(text)
                    found[position] = int(number) if number.is_integer() else number
                except ValueError:
                    found[position] = "not a number"
    return found


def read_as(value: object) -> object:
    """A value as `element_tree_values` says it: a problem by what it is about."""
    message = getattr(value, "message", None)
    if message is None:
        return value
    if "formula" in message:
        return "formula without its value"
    return "no such" if "shared text" in message else "not a number"


# Pieces of a cell's content, in any order and nesting: values, formulas, inline and rich text,
# phonetic guides, unknown elements, text between elements (ElementTree's tails), a second `<v>`.
words = st.sampled_from(["", "7", " 7 ", "2.5", "-0", "1e3", "x", "Ada &amp; Bo", "0", "1", "99"])
inner = st.recursive(
    st.builds(lambda word: word, words),
    lambda pieces: st.one_of(
        st.builds(
            lambda tag, content: f"<{tag}>{content}</{tag}>", st.sampled_from(["t", "r", "rPh", "x"]), pieces
        ),  # fmt: skip
        st.builds(lambda a, b: a + b, pieces, pieces),
    ),
    max_leaves=6,
)
content = st.lists(
    st.one_of(
        st.builds("<v>{}</v>".format, inner),
        st.builds("<f>{}</f>".format, inner),
        st.builds("<is>{}</is>".format, inner),
        st.just("<v/>"),
        words,
    ),
    max_size=4,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cells=st.lists(
        st.tuples(st.sampled_from(['t="n"', 't="s"', 't="str"', 't="inlineStr"', ""]), content),
        min_size=1,
        max_size=8,
    ),
    width=st.integers(1, 4),
    shared=st.lists(inner, min_size=3, max_size=3),
)
def test_cells_read_streamed_are_what_element_tree_reads_and_rows_and_cells_agree(
    tmp_path, cells, width, shared
):
    """Every cell the streamed reader gives (shared strings too) is the value an ElementTree
    reading of the same XML gives, whether the whole sheet is read (an intake sheet) or a few cells of it (read-back)."""
    rows = [cells[start : start + width] for start in range(0, len(cells), width)]
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData>'
    for number, row in enumerate(rows, start=1):
        sheet += (
            f'<row r="{number}">'
            + "".join(
                f'<c r="{chr(65 + column)}{number}" {kind}>{inside}</c>'
                for column, (kind, inside) in enumerate(row)
            )
            + "</row>"
        )
    sheet += "</sheetData></worksheet>"
    sst = f'<sst xmlns="{MAIN}">' + "".join(f"<si>{item}</si>" for item in shared) + "</sst>"
    path = xlsx(tmp_path / "cells.xlsx", {"Offers": sheet}, shared=sst)
    expected = element_tree_values(sheet, sst)
    book = XlsxFile(path.read_bytes())
    whole = {(number, column): read_as(value) for number, values in book.rows("Offers")
             for column, value in values.items()}  # fmt: skip
    assert whole == expected
    for position in [(1, 1), (len(rows), 1), (1, width)]:
        assert read_as(XlsxFile(path.read_bytes()).cells("Offers", [position])[position]) == expected.get(
            position
        )
    corners = [(1, 1), (len(rows), width)]  # the rows between passed over
    read = XlsxFile(path.read_bytes()).cells("Offers", corners)
    assert {position: read_as(value) for position, value in read.items()} == {
        position: expected.get(position) for position in corners
    }


def test_custom_properties_are_read_as_their_types_say_and_nothing_more(tmp_path):
    """Each property's value as its type says, or its own text; of several values, the last;
    text after a value's first child, a property with no value, a nested one: as ElementTree
    read them."""
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    properties = (
        f'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        f'xmlns:vt="{vt}"><property name="a"><vt:i4>2</vt:i4></property>'
        '<property name="b"><vt:r8> 2.0 </vt:r8></property><property name="c"><vt:lpwstr>x<vt:y/>z</vt:lpwstr>'
        '</property><property name="d"/><property name="e"><vt:bool>true</vt:bool><vt:i4>x</vt:i4></property>'
        '<property name="f"><i4>3</i4></property><property name="g"><vt:r8>inf</vt:r8></property>'
        '<x><property name="n"><vt:ui8>9</vt:ui8></property></x></Properties>'
    )
    path = xlsx(
        tmp_path / "properties.xlsx",
        {"Offers": sheet_xml([HEADER])},
        parts={"docProps/custom.xml": properties.encode()},
    )
    assert XlsxFile(path.read_bytes()).custom_properties() == {
        "a": 2, "b": 2.0, "c": "x", "e": "x", "f": "3", "g": "inf", "n": 9
    }  # fmt: skip


def test_a_cell_whose_reference_says_another_row_is_not_read_as_a_wanted_one(tmp_path):
    """`<c r="B9">` inside row 2: read-back wants row 2's B, and gets nothing, not a placeholder."""
    sheet = sheet_xml([HEADER, ['<c r="B9" t="inlineStr"><is><t>London</t></is></c>']])
    path = xlsx(tmp_path / "lying.xlsx", {"Offers": sheet})
    assert XlsxFile(path.read_bytes()).cells("Offers", [(2, 2)]) == {(2, 2): None}


def test_a_row_without_a_wanted_cell_is_passed_over_whatever_it_holds(tmp_path):
    """Read-back reads the rows that hold its cells: a row between them is passed over to its
    end, though it nests rows of its own or reaches past the column budget (it keeps nothing)."""
    between = [
        '<c r="REF" t="inlineStr"><is><t>a</t><row r="99"/></is></c>',
        f'<c r="{"A" * 3}2" t="inlineStr"><is><t>wide</t></is></c>',
    ]
    sheet = sheet_xml([HEADER, between, GOOD])
    path = xlsx(tmp_path / "between.xlsx", {"Offers": sheet})
    assert XlsxFile(path.read_bytes()).cells("Offers", [(1, 1), (3, 2)]) == {
        (1, 1): "candidate",
        (3, 2): "London",
    }


def test_a_cell_passed_over_in_a_wanted_row_is_still_held_to_the_column_budget(tmp_path):
    """Read-back passes over the cells of its rows that it does not want, but one that holds
    something past the column budget still stops the reading in one line; an empty one there
    costs nothing and stops nothing, as in a whole reading."""
    far = '<c r="ZZ2" t="inlineStr"><is><t>x<r><t>y</t></r></t></is></c>'
    path = xlsx(tmp_path / "far.xlsx", {"Offers": sheet_xml([HEADER, [*GOOD, far]])})
    with pytest.raises(InvalidValue, match="has a cell in column 702, past the limit of 256 columns"):
        XlsxFile(path.read_bytes()).cells("Offers", [(2, 1)])
    empty = xlsx(tmp_path / "empty.xlsx", {"Offers": sheet_xml([HEADER, [*GOOD, '<c r="ZZ2" s="3"/>']])})
    assert XlsxFile(empty.read_bytes()).cells("Offers", [(2, 1), (2, 2)]) == {
        (2, 1): "Ada Park",
        (2, 2): "London",
    }


def test_a_cell_without_a_reference_after_one_passed_over_takes_the_next_column(tmp_path):
    """A cell without `r` follows the cell before it, read or passed over: B2 passed over holds
    something, so the cell after it is C2."""
    row = ["Ada Park", "London", '<c t="inlineStr"><is><t>130000</t></is></c>']
    path = xlsx(tmp_path / "no-ref.xlsx", {"Offers": sheet_xml([HEADER, row])})
    assert XlsxFile(path.read_bytes()).cells("Offers", [(2, 1), (2, 3)]) == {
        (2, 1): "Ada Park",
        (2, 3): "130000",
    }


def test_one_huge_text_in_a_small_file_is_refused_before_it_is_held(tmp_path):
    """A 200 KB intake sheet can inflate into one text of 20 million characters: refused in one
    line once it passes what any Excel cell holds, with a few megabytes held, not the text."""
    import tracemalloc

    huge = '<c r="REF" t="inlineStr"><is><t>' + "x" * 20_000_000 + "</t></is></c>"
    path = xlsx(tmp_path / "huge.xlsx", {"Offers": sheet_xml([HEADER, [huge, *GOOD[1:]]])})
    assert path.stat().st_size < 200_000
    tracemalloc.start()
    try:
        result, _ = loaded(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    (failure,) = result.failures
    assert (
        "holds a text of more than 131,068 characters, more than a cell of Excel's holds" in failure.message
    )
    assert peak < 16 * 1024 * 1024, peak
