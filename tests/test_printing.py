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
from segxlsx.sheets.styles import header_name
from segxlsx.summary.columns import text_width

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
    candidate = header_name(offer.candidate).replace("&", "&&").replace("&", "&amp;").replace('"', "&quot;")
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


def test_the_summary_board_prints_on_one_page_in_one_typeface(tmp_path):
    import segxlsx

    from .conftest import ROOT

    segxlsx.build([ROOT / "data" / "offers"], [ROOT / "data" / "guides"], tmp_path, workers=1)
    (pdf,) = convert([tmp_path / "summary.xlsx"], tmp_path / "printed", to="pdf")
    pages = printed_pages(pdf, ["Board", "Summary", "Errors"])
    assert pages["Board"] == 1 and 1 <= pages["Summary"] <= 3 and set(pages) == {"Board", "Summary"}, pages
    with zipfile.ZipFile(tmp_path / "summary.xlsx") as archive:
        styles = archive.read("xl/styles.xml").decode()
    fonts = re.findall(r"<font>.*?</font>", re.search(r"<fonts[^>]*>(.*?)</fonts>", styles).group(1))
    assert fonts and all('<name val="Arial"/>' in font for font in fonts), fonts


# Offers paid in eight currencies, amounts from thousands of euros to billions of rupiah, long
# names that must wrap: summary.xlsx must print every figure (no "###") at 8 points or more.
MANY_CURRENCIES = [
    ("Tokyo", None, 15_500_000, 12_000_000), ("Tokyo", None, 150_000_000, 380_000_000),
    ("Zurich", None, 185_000, 120_000), ("Bangalore", None, 5_500_000, 4_000_000),
    ("Bangalore", None, 95_000_000, 60_000_000), ("Dublin", None, 120_000, 90_000),
    ("Toronto", None, 170_000, 110_000), ("Singapore", None, 190_000, 150_000),
    ("Zurich", "USD", 170_000, 110_000), ("Singapore", "IDR", 1_950_000_000, 1_500_000_000),
    ("Zurich", "CHF", 990_000, 1_900_000), ("Dublin", None, 101_000, 80_000),
]  # fmt: skip


@pytest.fixture(scope="module")
def many_currencies(tmp_path_factory):
    """The offers above built once, and their summary printed in each reporting currency: EUR
    (the default: two offers each are paid in EUR, JPY, INR and CHF, and EUR is the currency
    of the guide's reference region, Dublin), then JPY, INR and CHF."""
    import shutil

    import yaml

    import segxlsx

    from .conftest import FIXTURES

    folder = tmp_path_factory.mktemp("many-currencies")
    names = ["Aoife Ní Bhraonáin-Fitzgerald de Courcy", "Chloé Dubois", "Ravi Subramanian", "Lea Müller"]
    offers = [
        {"candidate": f"{names[n % len(names)]} {n}", "region": region, "base": base, "stock": stock,
         "bonus": "12%", **({"currency": currency} if currency else {}),
         **({"expires": f"2026-12-{10 + n}"} if n % 3 == 0 else {})}
        for n, (region, currency, base, stock) in enumerate(MANY_CURRENCIES)
    ]  # fmt: skip
    (folder / "offers.yaml").write_text(yaml.safe_dump(offers, allow_unicode=True), encoding="utf-8")
    guide = FIXTURES / "guides" / "stripe-software-engineer.md"
    summaries = []
    for report in (None, "JPY", "INR", "CHF"):
        out = folder / "out"
        report_ = segxlsx.build([folder / "offers.yaml"], [guide], out, workers=2, report_currency=report)
        assert report_.exit_code == 0, report_.failures
        summaries.append(folder / f"summary-{report_.report_currency}.xlsx")
        shutil.copy(out / "summary.xlsx", summaries[-1])
    pdfs = convert(summaries, folder / "printed", to="pdf")
    return {path.stem.removeprefix("summary-"): pdf for path, pdf in zip(summaries, pdfs, strict=True)}


def test_a_summary_in_many_currencies_prints_every_figure_at_8_points_or_more(many_currencies):
    from .libreoffice import printed_words

    assert list(many_currencies) == ["EUR", "JPY", "INR", "CHF"]
    for report, pdf in many_currencies.items():
        pages = printed_words(pdf, ["Board", "Summary"])
        words = [(page.sheet, word.text, word.size) for page in pages for line in page.body for word in line]
        assert not [text for _, text, _ in words if "##" in text], report  # a figure too wide for its column
        small = sorted({(sheet, round(size, 1)) for sheet, _, size in words if size < 7.95})
        assert not small, (report, small)
        board = [page for page in pages if page.sheet == "Board"]
        assert len(board) == 1, report  # one page across, and twelve offers fit on one page tall
        shown = " ".join(word.text for line in board[0].body for word in line)
        assert all(f"{name}" in shown for name in ("Ravi", "Subramanian", "Walk-away", f"({report})"))
        assert {page.sheet for page in pages} == {"Board", "Summary"}
        # The full table: its candidate column on every page it takes across, its header too.
        for page in pages:
            texts = [word.text for line in page.body for word in line]
            assert page.sheet != "Summary" or texts.count("Candidate") == 1


def test_a_long_name_in_a_page_header_is_cut_after_a_word_and_says_so():
    """The header names whose pages these are: whole up to 80 characters, else cut after a
    whole word with "…" (a single word that long, mid-word), never silently mid-word."""
    assert header_name("Ada Park") == "Ada Park"
    long = "Maximiliana Alexandrina Konstantinopoulou-Vanderbilt-Fitzgerald de la Cruz y Montenegro"
    assert (
        header_name(long) == "Maximiliana Alexandrina Konstantinopoulou-Vanderbilt-Fitzgerald de la Cruz y…"
    )
    assert header_name("x" * 100) == "x" * 79 + "…"
    assert all(len(header_name(name)) <= 80 for name in (long, "x" * 100, "a " * 60, "🙂" * 50))


def _runs_past_the_print_edge(path) -> list[tuple[str, str, str]]:
    """Text cells (not formulas, not wrapped) whose text, by its width in Arial's metrics,
    runs on past the right edge of its sheet's print area, where paper cuts it."""
    from openpyxl.utils import get_column_letter, range_boundaries

    found = []
    for sheet in load_workbook(path):
        area = sheet.print_area if isinstance(sheet.print_area, str) else sheet.print_area[0]
        _, _, last, _ = range_boundaries(area.split("!")[-1].replace("$", ""))
        widths = {
            c: (sheet.column_dimensions[get_column_letter(c)].width or 8.43) for c in range(1, last + 1)
        }
        for row in sheet.iter_rows(max_col=last):
            for cell in row:
                text = cell.value
                if not isinstance(text, str) or cell.data_type == "f" or cell.alignment.wrap_text:
                    continue
                font = cell.font  # widths in Arial's metrics, as LibreOffice's Liberation Sans draws
                needs = text_width(text, bool(font.b)) * (font.sz or 10) / 10
                if needs > sum(widths[c] for c in range(cell.column, last + 1)):
                    found.append((sheet.title, cell.coordinate, text[:60]))
    return found


@pytest.mark.parametrize("case", list(CASES))
def test_no_text_runs_past_the_edge_of_its_printed_page(case, built):
    """A long note, a rate's source, a name in a subtitle: text that would run on past the print
    area's right edge is wrapped within it, since paper cuts what runs past."""
    path, _, _ = built[case]
    assert _runs_past_the_print_edge(path) == []


def test_a_long_name_is_never_cut_at_the_edge_of_a_page_of_the_workbook_or_the_summary(tmp_path):
    """The longest name a file name holds, its offer's company longer still: every sheet of its
    workbook and of the summary keeps its text within the printed page; the board's linked name
    (which LibreOffice never wraps) is cut after a word, with "…"."""
    from segxlsx.batch import build

    from .conftest import SEED_YAML

    name = "Maximiliana Alexandrina Konstantinopoulou-Vanderbilt-Fitzgerald de la Cruz y Montenegro"
    offers = tmp_path / "long.yaml"
    offers.write_text(
        f"candidate: {name}\nregion: London\nbase: 125000\nstock: 90000\nbonus: 10%\ncompeting:\n"
        "  - {company: The Extraordinarily Long Named Multinational Data Infrastructure Corporation"
        " of Greater London Ltd, base: 150000, stock: 200000, bonus: 12%}\n",
        encoding="utf-8",
    )
    report = build([offers], [SEED_YAML], tmp_path / "out", workers=1)
    (workbook,) = (tmp_path / "out").glob("maximiliana-*.xlsx")
    assert report.exit_code == 0
    assert _runs_past_the_print_edge(workbook) == []
    assert _runs_past_the_print_edge(report.summary) == []
    board = load_workbook(report.summary)["Board"]
    (shown,) = [cell.value for row in board.iter_rows() for cell in row if cell.hyperlink is not None]
    assert shown.endswith("…") and name.startswith(shown[:-1]) and shown[-2] != " "
