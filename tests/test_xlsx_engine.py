"""The writing engine (`segxlsx.xlsx`) on its own: what the sheets do not use yet, read back by
openpyxl (a reader that knows nothing of how the file was written), and what it refuses."""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from segxlsx.sheets.styles import BODY, HEADER, LABEL, PERCENT, STATUS_FILLS, new_workbook, put, put_text
from segxlsx.xlsx import Chart, Guidance, Marker, PageText, Series, Table, Workbook
from segxlsx.xlsx.refs import absolute, column_letter, column_number, coordinates, on_sheet

DAY = date(2026, 11, 27)


def read(workbook: Workbook):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(workbook.to_bytes(DAY)))


def test_references_convert_both_ways():
    assert [column_letter(n) for n in (1, 26, 27, 702, 703, 16384)] == ["A", "Z", "AA", "ZZ", "AAA", "XFD"]
    assert all(column_number(column_letter(n)) == n for n in range(1, 2000))
    assert coordinates("$B$5") == (5, 2) and absolute("A1:H41") == "$A$1:$H$41"
    assert on_sheet("Bob's", "B5") == "'Bob''s'!$B$5"
    for bad in ("", "5B", "XFE1", "A0", "A1048577", "b5"):
        with pytest.raises(ValueError):
            coordinates(bad)


def test_custom_properties_and_defined_ranges_read_back():
    workbook = new_workbook("Props")
    sheet = workbook.add_sheet("Data")
    put(sheet, "B2", 7)
    workbook.properties.update(layout_version="3", offers=2, checked=True)
    workbook.define("one_cell", "Data", "B2")
    workbook.define("some_cells", "Data", "B2:B9")
    data = workbook.to_bytes(DAY)
    read_back = load_workbook(io.BytesIO(data))
    properties = {p.name: p.value for p in read_back.custom_doc_props}
    assert properties.pop("segxlsx signature").startswith("sha256:")  # every file is signed
    assert properties == {"layout_version": "3", "offers": 2, "checked": True}
    names = read_back.defined_names
    assert (
        names["one_cell"].attr_text == "'Data'!$B$2" and names["some_cells"].attr_text == "'Data'!$B$2:$B$9"
    )
    listed = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    assert b'PartName="/docProps/custom.xml"' in listed


def test_a_sheet_in_memory_carries_links_merges_checks_and_printing():
    workbook = new_workbook("Everything")
    sheet = workbook.add_sheet("Sheet")
    put_text(sheet, "A1", "Ada & Bob", HEADER)
    sheet.link("A1", "ada.xlsx")
    sheet.merge("A3:C3")
    sheet.freeze("B2")
    sheet.conditional_fill("D2:D9", '$D2="below"', STATUS_FILLS["below"])
    sheet.validate_list("E2:E9", ["monthly", "yearly"], guidance=Guidance("Every", "how often", "pick one"))
    sheet.validate_between("F2", "0", "1", allow_blank=True)
    sheet.print_setup(landscape=False, scale=85, title_rows="1:1", area="A1:F9")
    sheet.label_pages(
        PageText(left="Ada && Bob\nline two", right="&A"), PageText(center="Page &P"), "Arial", 8
    )
    sheet.page_break(5)
    shown = read(workbook)["Sheet"]
    assert shown["A1"].hyperlink.target == "ada.xlsx"
    assert [str(r) for r in shown.merged_cells.ranges] == ["A3:C3"]
    assert shown.freeze_panes == "B2"
    assert [dv.type for dv in shown.data_validations.dataValidation] == ["list", "decimal"]
    assert shown.data_validations.dataValidation[0].prompt == "how often"
    assert shown.page_setup.orientation == "portrait" and shown.print_title_rows == "$1:$1"
    assert shown.oddHeader.left.text == "Ada && Bob\nline two"  # the line feed kept as _x000a_
    assert [b.id for b in shown.row_breaks.brk] == [5]
    assert shown.page_setup.scale == 85 and not shown.sheet_properties.pageSetUpPr.fitToPage


def test_page_breaks_are_refused_where_no_reader_would_keep_them():
    """Under fit-to-page Excel and LibreOffice ignore manual breaks: asking for both is a bug."""
    sheet = new_workbook("Breaks").add_sheet("Sheet")
    sheet.print_setup(pages_wide=1, pages_tall=0)
    with pytest.raises(ValueError, match="ignore page breaks"):
        sheet.page_break(5)
    scaled = new_workbook("Breaks").add_sheet("Sheet")
    scaled.page_break(5)
    with pytest.raises(ValueError, match="ignore page breaks"):
        scaled.print_setup(pages_wide=1)
    with pytest.raises(ValueError, match="scaled or fitted"):
        new_workbook("Both").add_sheet("Sheet").print_setup(pages_wide=1, scale=80)
    with pytest.raises(ValueError, match="10% to 400%"):
        new_workbook("Tiny").add_sheet("Sheet").print_setup(scale=5)


def test_title_columns_repeat_beside_title_rows_on_every_page():
    workbook = new_workbook("Wide")
    sheet = workbook.add_sheet("Wide")
    put_text(sheet, "A6", "Candidate")
    sheet.print_setup(pages_wide=3, pages_tall=0, title_rows="6:6", title_columns="A:A")
    shown = read(workbook)["Wide"]
    assert (shown.print_title_cols, shown.print_title_rows) == ("$A:$A", "$6:$6")
    assert shown.page_setup.fitToWidth == 3
    with zipfile.ZipFile(io.BytesIO(workbook.to_bytes(date(2026, 1, 1)))) as archive:
        names = archive.read("xl/workbook.xml").decode()
    assert (
        "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">'Wide'!$A:$A,'Wide'!$6:$6</definedName>"
        in names
    )
    with pytest.raises(ValueError):
        sheet.print_setup(title_columns="1:A")


def test_two_charts_on_a_sheet_each_get_their_part():
    workbook = new_workbook("Charts")
    sheet = workbook.add_sheet("Sheet")
    for row, (label, value) in enumerate((("One", 1), ("Two", 2)), start=1):
        put_text(sheet, f"A{row}", label)
        put(sheet, f"B{row}", value)
    values, labels = on_sheet("Sheet", "B1:B2"), on_sheet("Sheet", "A1:A2")
    line = Series("Values", values, [Decimal(1), Decimal(2)], marker=Marker("circle"), smooth=False)
    sheet.chart("D1", Chart("Lines", labels, ["One", "Two"], lines=(line,)))
    sheet.chart("D20", Chart("Columns", labels, ["One", "Two"], columns=(Series("Values", values, [1, 2]),)))
    names = zipfile.ZipFile(io.BytesIO(workbook.to_bytes(DAY))).namelist()
    assert {"xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/drawings/drawing1.xml"} <= set(names)
    assert len(read(workbook)["Sheet"]._charts) == 2


def test_a_streamed_sheet_writes_rows_in_order_with_links_and_a_table(tmp_path):
    workbook = new_workbook("Streamed", streamed=True)
    sheet = workbook.add_sheet("Rows")
    sheet.table(Table("Things", "A1:B3", ("Name", "Share")))
    sheet.freeze("A2")
    for row, title in enumerate(("Name", "Share"), start=1):
        put_text(sheet, f"{column_letter(row)}1", title, HEADER)
    sheet.flush()
    for row, (name, share) in enumerate((("Zoë", "0.5"), ("Ann", "0.25")), start=2):
        put_text(sheet, f"A{row}", name, LABEL)
        put(sheet, f"B{row}", Decimal(share), PERCENT)
        sheet.link(f"A{row}", f"{name.lower()}.xlsx")
        sheet.flush()
    put_text(sheet, "A2", "again")
    with pytest.raises(ValueError, match="row 2 was already written"):
        sheet.flush()
    sheet.cells.clear()
    path = tmp_path / "streamed.xlsx"
    with path.open("wb") as file:
        workbook.save(file, DAY)
    shown = load_workbook(path)["Rows"]
    assert [[c.value for c in row] for row in shown.iter_rows()] == [
        ["Name", "Share"],
        ["Zoë", 0.5],
        ["Ann", 0.25],
    ]
    assert shown["A3"].hyperlink.target == "ann.xlsx" and list(shown.tables) == ["Things"]
    assert shown["A2"].font.b and shown["B2"].number_format == PERCENT


def test_bad_names_and_settings_are_refused_where_they_are_made():
    workbook = Workbook("t", BODY)
    workbook.add_sheet("Offer")
    for title in ("offer", "x" * 32, "a/b", "", "'quoted'"):
        with pytest.raises(ValueError):
            workbook.add_sheet(title)
    sheet = workbook["Offer"]
    with pytest.raises(ValueError, match="drop-down"):
        sheet.validate_list("A1", ["x" * 200, "y" * 60])
    with pytest.raises(ValueError, match="drop-down"):
        sheet.validate_list("A1", ["a,b"])
    for call in (lambda: sheet.merge("C3:A1"), lambda: sheet.freeze("1A"), lambda: sheet.page_break(0)):
        with pytest.raises(ValueError):
            call()


def _zipped_by_zipfile(parts: list[tuple[str, bytes]], streamed: tuple[str, list[bytes]]) -> bytes:
    """The same parts written by the standard library's zipfile, as segxlsx once wrote them."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:

        def entry(name: str) -> zipfile.ZipInfo:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            return info

        for name, data in parts:
            archive.writestr(entry(name), data)
        with archive.open(entry(streamed[0]), "w") as part:
            for piece in streamed[1]:
                part.write(piece)
    return out.getvalue()


def test_the_zip_is_byte_for_byte_what_zipfile_writes_shared_parts_deflated_once():
    from segxlsx.xlsx.package import _Zip

    parts = [
        ("xl/theme/theme1.xml", b"<a:theme>" + b"x" * 5000 + b"</a:theme>"),
        ("xl/worksheets/sheet1.xml", bytes(range(256)) * 40),
        ("xl/m\u00e9dia/caf\u00e9.xml", b"<empty/>"),  # a name that is not ASCII
        ("docProps/core.xml", b""),
    ]
    streamed = ("xl/worksheets/sheet2.xml", [b"<row>%d</row>" % n for n in range(3000)])
    for _ in range(3):  # kept deflated when seen again, the third time from those kept
        out = io.BytesIO()
        archive = _Zip(out)
        for name, data in parts:
            archive.add(name, data)
        entry = archive.start(streamed[0])
        for piece in streamed[1]:
            archive.write(entry, piece)
        archive.finish(entry)
        archive.close()
        assert out.getvalue() == _zipped_by_zipfile(parts, streamed)
        with zipfile.ZipFile(out) as read:
            assert read.testzip() is None and read.read(parts[2][0]) == parts[2][1]


def test_parts_each_workbook_has_of_its_own_never_push_out_the_parts_a_shape_shares():
    """Shared parts are kept once seen again; a workbook's own parts, however many, pass by."""
    from segxlsx.xlsx import package

    shapes = [[b"<shape %d part %d/>" % (shape, n) + b"x" * 2000 for n in range(13)] for shape in range(4)]
    for workbook in range(40):  # the shapes by turns: 13 parts shared with its shape, 13 of its own
        for n, part in enumerate(shapes[workbook % 4]):
            package._deflated(part)
            package._deflated(b"<own %d %d/>" % (workbook, n) + b"y" * 2000)
    shared = [part for parts in shapes for part in parts]
    assert all(part in package._SHARED for part in shared)
    assert not any(part.startswith(b"<own") for part in package._SHARED)
    for part in (shared[0], b"<own 0 0/>" + b"y" * 2000):  # kept or not, what deflating gives
        deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        fresh = zlib.crc32(part), deflate.compress(part) + deflate.flush(), hashlib.sha256(part).digest()
        assert package._deflated(part) == fresh
