"""Workbooks a compensation team would print and hand out: page setup, one typeface, who made
the file, and each sheet within its page budget when LibreOffice prints it. Where each heading,
table and chart lands on the page: test_paper.py."""

from __future__ import annotations

import re
import zipfile

import pytest
from openpyxl import load_workbook

from segxlsx import __version__
from segxlsx.sheets import SHEETS
from segxlsx.sheets import offer as o

from .libreoffice import convert, printed_pages
from .parity_cases import CASES

# The most pages each sheet may print on (Scripts flows on, the guide's words on pages of their own).
PAGE_BUDGET = {"Offer": 1, "Bands": 2, "Rates": 1, "Years": 2, "Compare": 2}
# Cases that stretch a page: three competitors, six regions in yen, a five-year comparison.
PRINTED = ["sf-competing", "tokyo-jpy", "sf-competing-own-schedules", "london-paid-in-eur", "hostile"]
LETTER = 1  # openpyxl's paperSize for US Letter; A4 is 9


@pytest.fixture(scope="session")
def printed(built, tmp_path_factory):
    """The PRINTED cases printed to PDF in one LibreOffice call: case → sheet → pages."""
    paths = [built[case][0] for case in PRINTED]
    pdfs = convert(paths, tmp_path_factory.mktemp("printed"), to="pdf")
    return {case: printed_pages(pdf, list(SHEETS)) for case, pdf in zip(PRINTED, pdfs, strict=True)}


@pytest.mark.parametrize("case", PRINTED)
def test_each_sheet_prints_within_its_page_budget(case, printed):
    pages = printed[case]
    assert "?" not in pages, f"a page without its sheet's name in the header: {pages}"
    assert set(pages) == set(SHEETS), pages  # every sheet prints
    for sheet, budget in PAGE_BUDGET.items():
        assert pages[sheet] <= budget, f"{sheet} prints on {pages[sheet]} pages: {dict(pages)}"


@pytest.mark.parametrize("case", list(CASES))
def test_every_sheet_is_set_up_for_paper(case, built):
    path, _, offer = built[case]
    workbook = load_workbook(path)
    for sheet in workbook:
        setup = sheet.page_setup
        assert int(setup.paperSize) == (LETTER if offer.currency in ("USD", "CAD") else 9), sheet.title
        assert setup.orientation == "landscape", sheet.title
        # Printed at a scale, never fitted to pages: under fit-to-page both Excel and LibreOffice
        # ignore the manual breaks that keep each block whole.
        assert 60 <= int(setup.scale) <= 100 and not sheet.sheet_properties.pageSetUpPr.fitToPage
        assert setup.fitToWidth is None and setup.fitToHeight is None
        assert sheet.print_area and not sheet.print_title_rows, sheet.title
        header, footer = sheet.oddHeader, sheet.oddFooter
        assert header.right.text == "&A" and footer.center.text == "Page &P of &N"
        assert footer.right.text == "Confidential" and footer.left.text == "Rates of 2026-11-27"
    with zipfile.ZipFile(path) as archive:  # openpyxl reads a header with quotes back wrongly
        headers = re.findall(
            r"<oddHeader>(.*?)</oddHeader>", archive.read("xl/worksheets/sheet1.xml").decode()
        )
    candidate = offer.candidate[:80].replace("&", "&&").replace("&", "&amp;").replace('"', "&quot;")
    assert len(headers) == 1 and candidate in headers[0].replace('"', "&quot;"), headers
    assert workbook["Offer"].print_area.endswith(
        tuple(f"$H${n}" for n in range(30, 80))
    )  # not the chart data


def test_one_typeface_names_every_font(built):
    for case in ("sf-competing", "hostile", "tokyo-jpy"):
        with zipfile.ZipFile(built[case][0]) as archive:
            styles = archive.read("xl/styles.xml").decode()
        fonts = re.findall(r"<font>.*?</font>", re.search(r"<fonts[^>]*>(.*?)</fonts>", styles).group(1))
        assert fonts and all('<name val="Arial"/>' in font for font in fonts), fonts


def test_the_file_says_segxlsx_made_it_and_for_whom(built):
    path, _, offer = built["sf-within"]
    workbook = load_workbook(path)
    assert (
        workbook.properties.creator == "segxlsx"
        and workbook.properties.title == f"Offer review: {offer.candidate}"
    )
    with zipfile.ZipFile(path) as archive:
        app = archive.read("docProps/app.xml").decode()
    assert f"<Application>segxlsx {__version__}</Application>" in app and "openpyxl" not in app.lower()


@pytest.mark.parametrize(
    ("case", "symbol"), [("london-above", "£"), ("tokyo-jpy", "¥"), ("zurich-even-over-3-years", "CHF ")]
)
def test_money_is_formatted_in_the_offers_own_currency(case, symbol, built):
    sheet = load_workbook(built[case][0])["Offer"]
    refs = (f"B{o.INPUT_ROW['base']}", f"B{o.TOTAL}", f"C{o.COMPARE_ROWS['base']}", f"F{o.ASK_BASE}")
    for ref in refs:  # base, annual total comp, band min, the base ask
        assert f'"{symbol}"#,##0' in sheet[ref].number_format, (ref, sheet[ref].number_format)


def test_charts_draw_a_year_of_each_offer_and_the_year_by_year(built):
    with zipfile.ZipFile(built["sf-competing"][0]) as archive:
        charts = [archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/charts/")]
    assert len(charts) == 3  # the band chart on Offer, pay year by year on Years, Compare's lines
    band, years, compare = sorted(
        charts, key=lambda xml: ("barChart" not in xml, "lineChart" in xml and "barChart" not in xml)
    )
    assert "Stock per year" in band and "Midpoint" in band
    assert all(title in years for title in ("Base", "Target bonus", "Stock vesting", "Sign-on"))
    assert all(title in compare for title in ("This offer", "Snowflake", "Databricks", "Monzo"))
    for chart in charts:  # every value axis from 0, so that charts compare by eye
        assert re.search(r'<valAx>.*?<scaling><orientation val="minMax"/><min val="0"/></scaling>', chart)


def test_the_summary_prints_on_one_page_in_one_typeface(tmp_path):
    import segxlsx

    from .conftest import ROOT

    segxlsx.build([ROOT / "data" / "offers"], [ROOT / "data" / "guides"], tmp_path, workers=1)
    (pdf,) = convert([tmp_path / "summary.xlsx"], tmp_path / "printed", to="pdf")
    assert printed_pages(pdf, ["Summary", "Errors"]) == {"Summary": 1}  # no empty Errors pages
    with zipfile.ZipFile(tmp_path / "summary.xlsx") as archive:
        styles = archive.read("xl/styles.xml").decode()
    fonts = re.findall(r"<font>.*?</font>", re.search(r"<fonts[^>]*>(.*?)</fonts>", styles).group(1))
    assert fonts and all('<name val="Arial"/>' in font for font in fonts), fonts
