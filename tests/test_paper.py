"""Paper that never splits or mislabels: offers that stretch every sheet, printed through
LibreOffice and read back word by word with their places on the page.

Counting pages let a chart cut in two and a heading alone at a page's foot pass; here every
heading, chart and the scripts' column titles are found on the page and checked where they lie.
All the workbooks are printed in one LibreOffice call.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from segxlsx.model import CompetingOffer, Vesting
from segxlsx.sheets import SHEETS, render_offer, workbook_bytes
from segxlsx.wording import load_wording

from .libreoffice import PrintedPage, Word, convert, printed_words
from .parity_cases import RATES, SEGMENT, STRIPE, offer

D = Decimal
LONG_NAME = "Maximiliana Alexandrovna Okonkwo-Fitzgerald de la Cruz Tanaka"  # 60 characters
COMPANIES = (  # long names, in three currencies, one on a five-year schedule
    ("Hyperion Quantum Data Infrastructure Holdings", "USD", Vesting.even(4)),
    (
        "Northwind Analytics & Observability Platforms",
        "GBP",
        Vesting.even(5, cliff_months=6, every="monthly"),
    ),
    (
        "Blue Meridian Realtime Streaming Technologies",
        "EUR",
        Vesting.even(3, cliff_months=0, every="quarterly"),
    ),
    ("Cascadia Federated Lakehouse Systems Group", "USD", Vesting.even(4)),
    ("Polaris Customer Intelligence Cloud Services", "GBP", Vesting.even(4)),
)
FIVE = tuple(
    CompetingOffer(company, currency, D(150000 + 10000 * n), D(200000 + 40000 * n), D("0.1"),
                   sign_on=(D(20000),) if n % 2 else (), vesting=vesting)
    for n, (company, currency, vesting) in enumerate(COMPANIES)
)  # fmt: skip
# A guide whose own strategy runs long: its pitch says much more before the asks.
PITCH = (
    " I have spent six years running event pipelines at a scale few teams reach, and I have led the "
    "migration of a petabyte warehouse to a streaming architecture without a day of downtime. The "
    "identity resolution work I shipped last year cut duplicate profiles by a third for our largest "
    "customers, and I expect to bring that same discipline to Segment's real-time audiences. I am "
    "excited about the role and the team, and I want to make this work; I also know what the market "
    "pays for this profile today, and I would like the package to reflect the scope of what you are "
    "asking me to own from the first quarter."
)
LONG_GUIDE = replace(SEGMENT, strategy=replace(SEGMENT.strategy, script=SEGMENT.strategy.script + PITCH))
NOTES = "Wants the equity gap closed rather than more base; relocating; start date flexible. " * 4
STRETCHING = {
    "letter-alone": (LONG_GUIDE, offer(LONG_NAME, LONG_GUIDE, "San Francisco", "USD", 182000, 150000, "0.1",
                                       notes=NOTES.strip())),
    "letter-five-competitors": (LONG_GUIDE, offer("Priya Raman", LONG_GUIDE, "New York", "USD", 176000, 140000,
                                                  "0.12", sign_on=(D(20000), D(10000)), competing=FIVE)),
    "a4-five-competitors": (SEGMENT, offer(LONG_NAME, SEGMENT, "London", "GBP", 128000, 100000, "0.1",
                                           competing=FIVE, notes=NOTES.strip())),
    "a4-alone": (LONG_GUIDE, offer("Oliver Bennett", LONG_GUIDE, "London", "EUR", 150000, 110000, "0.12")),
    "a4-six-regions": (STRIPE, offer(LONG_NAME, STRIPE, "Tokyo", "JPY", 15500000, 12000000, "0.12",
                                     competing=FIVE[:3])),
}  # fmt: skip
LETTER, A4 = (792, 612), (842, 595)  # landscape, in points


@pytest.fixture(scope="session")
def printed_stretching(tmp_path_factory):
    """Each stretching offer's workbook and its printed pages: case → (path, pages)."""
    folder = tmp_path_factory.mktemp("stretching")
    wording, paths = load_wording(), []
    for name, (guide, case) in STRETCHING.items():
        path = folder / f"{name}.xlsx"
        path.write_bytes(workbook_bytes(render_offer(case, guide, RATES, wording)[0], RATES.as_of))
        paths.append(path)
    pdfs = convert(paths, folder / "printed", to="pdf")
    return {
        name: (path, printed_words(pdf, list(SHEETS)))
        for name, path, pdf in zip(STRETCHING, paths, pdfs, strict=True)
    }


@pytest.mark.parametrize("case", STRETCHING)
def test_every_sheet_prints_landscape_on_its_paper(case, printed_stretching):
    _, pages = printed_stretching[case]
    paper = LETTER if STRETCHING[case][1].currency in ("USD", "CAD") else A4
    assert {page.sheet for page in pages} == set(SHEETS), [page.sheet for page in pages]
    assert all((round(page.width), round(page.height)) == paper for page in pages)


def _text(line: list[Word]) -> str:
    return " ".join(word.text for word in line)


GAP = 12  # points: words further apart than this belong to different cells (or chart parts)


def _find(pages: list[PrintedPage], text: str, whole: bool = False) -> list[tuple[PrintedPage, int]]:
    """Where `text` is printed: each page and the index of its line in the page's body.
    `whole`: only where nothing runs on from it, before or after (a cell's whole text)."""
    wanted = text.split()
    found = []
    for page in pages:
        for index, line in enumerate(page.body):
            words = [word.text for word in line]
            for at in range(len(words) - len(wanted) + 1):
                if words[at : at + len(wanted)] != wanted:
                    continue
                before = line[at - 1].right if at else -GAP
                after = line[at + len(wanted)].left if at + len(wanted) < len(line) else 1e9
                if not whole or (
                    line[at].left - before >= GAP and after - line[at + len(wanted) - 1].right >= GAP
                ):
                    found.append((page, index))
                    break
    return found


def _headings(path) -> dict[str, list[tuple[str, str]]]:
    """Each sheet's title and section headings (their fonts say which), each with the label of
    the last labelled row of its block (the rows down to the next blank one): what must print
    on the heading's page. The guide's levers read on over pages: their first one only."""
    workbook = load_workbook(path, data_only=True)
    headings: dict[str, list[tuple[str, str]]] = {}
    for sheet in workbook:
        rows = {row[0].row: row for row in sheet.iter_rows() if any(c.value is not None for c in row)}
        for number, row in rows.items():
            heading = row[0]
            if not (heading.data_type == "s" and heading.font.b and heading.font.sz in (12, 14)):
                continue
            flowing, end = heading.value.startswith("The guide's levers"), number
            while end + 1 in rows and not (flowing and end == number + 2):  # its note, its first
                end += 1
            labels = [rows[r][0].value for r in range(number + 1, end + 1) if r in rows]
            last = next((str(label) for label in reversed(labels) if label), heading.value)
            headings.setdefault(sheet.title, []).append((heading.value, last))
    return headings


@pytest.mark.parametrize("case", STRETCHING)
def test_no_heading_is_the_last_line_of_a_page(case, printed_stretching):
    """Nor is its table cut: the label of the table's last row prints on the heading's page."""
    path, pages = printed_stretching[case]
    for sheet, headings in _headings(path).items():
        on_sheet = [page for page in pages if page.sheet == sheet]
        for heading, last in headings:
            found = _find(on_sheet, heading, whole=True)
            assert len(found) == 1, f"{sheet}: {heading!r} printed {len(found)} times"
            ((page, index),) = found
            assert index < len(page.body) - 1, f"{sheet}: {heading!r} ends page {page.number}"
            below = replace(page, lines=[[], *page.body[index:], []])
            opening = " ".join(last.split()[:3])
            assert _find([below], opening), f"{sheet}: {heading!r} on page {page.number}, {last!r} not"


def _charts(path) -> list[tuple[str, list[str], float]]:
    """Each chart's title, the names its legend shows and its height in points."""
    charts = []
    with zipfile.ZipFile(path) as archive:

        def numbered(prefix: str) -> list[str]:
            names = [n for n in archive.namelist() if re.fullmatch(rf"{prefix}\d+\.xml", n)]
            return sorted(names, key=lambda n: int(re.search(r"(\d+)\.xml", n).group(1)))

        # Charts are numbered in the order their sheets' drawings place them.
        heights = [
            int(cy) / 12_700
            for drawing in numbered("xl/drawings/drawing")
            for cy in re.findall(r'<ext cx="\d+" cy="(\d+)"/>', archive.read(drawing).decode())
        ]
        for name, height in zip(numbered("xl/charts/chart"), heights, strict=True):
            xml = archive.read(name).decode()
            title = re.search(r"<a:t>(.*?)</a:t>", xml).group(1)
            hidden = {int(i) for i in re.findall(r'<legendEntry><idx val="(\d+)"/><delete val="1"/>', xml)}
            series = re.findall(r"<ser>.*?<tx>.*?<v>(.*?)</v>", xml)  # each name, as the legend shows it
            names = [v for i, v in enumerate(series) if i not in hidden]
            charts.append((title.replace("&amp;", "&"), [n.replace("&amp;", "&") for n in names], height))
    return charts


@pytest.mark.parametrize("case", STRETCHING)
def test_each_chart_prints_whole_on_one_page(case, printed_stretching):
    """A chart's title, its value axis down to 0 and its legend's last entry: on one page, in
    that order, within a chart's height of each other and above the footer."""
    path, pages = printed_stretching[case]
    charts = _charts(path)
    assert len(charts) == (3 if STRETCHING[case][1].competing else 2)  # Offer, Years, Compare's
    for title, legend, height in charts:
        found = _find(pages, title)
        assert len(found) == 1, f"chart {title!r} printed {len(found)} times"
        ((page, index),) = found
        top = page.body[index][0].top
        below = page.body[index + 1 :]
        zero = [line[0].top for line in below if any(re.fullmatch(r"\D*0(\.0)?[KM]", w.text) for w in line)]
        assert zero, f"{title!r}: its value axis's 0 is not on page {page.number}"
        last = legend[-1].split()[0]
        ends = [line[0].top for line in below if line[0].top > zero[0] and last in _text(line).split()]
        assert ends, f"{title!r}: its legend ({last!r}) is not on page {page.number} below the axis"
        assert ends[0] - top <= height, f"{title!r}: {last!r} lies beyond the chart"
        assert ends[0] < page.footer_top, f"{title!r} runs into the footer of page {page.number}"


def _guide_prose(guide) -> list[str]:
    """Words only the guide's own section prints: its heading, its labels (their first words:
    a long one wraps) and the openings of its texts."""
    texts = [lever.script for lever in guide.levers] + list(guide.narrative)
    labels = [f"{lever.number}. {lever.name}" for lever in guide.levers]
    labels += [section.heading for section in guide.lever_sections]
    return [
        f"The guide's levers, as {guide.company}'s",
        "Negotiation DNA",
        "The guide's strategy,",
        *(" ".join(label.split()[:3]) for label in labels),
        *(" ".join(text.split()[:6]) for text in texts),
    ]


@pytest.mark.parametrize("case", STRETCHING)
def test_safe_to_paste_never_heads_the_guides_own_words(case, printed_stretching):
    _, pages = printed_stretching[case]
    guide, offer_ = STRETCHING[case]
    scripts = [page for page in pages if page.sheet == "Scripts"]
    titled = [page for page in scripts if _find([page], "What to say (safe to paste)")]
    assert len(titled) == 1, "the scripts' column titles head one page only"
    assert _find(titled, "For you (never to be said)")
    prose = [text for text in _guide_prose(guide) if _find(titled, text)]
    assert not prose, f"under 'safe to paste' on page {titled[0].number}: {prose}"
    if not offer_.competing:  # the guide's own claim of offers is never the candidate's words
        assert not _find(titled, "I have Snowflake and Databricks offers")
    assert all(_find(scripts, text) for text in _guide_prose(guide)[:3])  # the guide's words print
