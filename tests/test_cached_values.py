"""Workbooks that are right before anyone recalculates: every formula cell carries its value.

The strongest check we have: for every formula cell of every sheet of the parity set, the value
segxlsx caches (from its Decimal model) equals what LibreOffice computes when it recalculates.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook

import segxlsx
from segxlsx.model import LeverSection
from segxlsx.sheets import offer as o
from segxlsx.sheets import render_offer, workbook_bytes
from segxlsx.sheets.styles import MAX_ROW_HEIGHT, put_text
from segxlsx.wording import load_wording
from segxlsx.xlsx.text import MAX_CELL_TEXT, MAX_LITERAL, chunks, cut, excel_length, xml_text
from segxlsx.xlsx.text import excel_literal as literal

from .conftest import ROOT
from .parity_cases import CASES, RATES, SEGMENT, offer

VALIDATOR = ROOT.parent / "shared" / "tools" / "ooxml" / "ox_validate.py"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


def formula_values(path: Path) -> dict[tuple[str, str], object]:
    """Every formula cell of a workbook → the value stored for it (None when there is none; ""
    for an empty text, which openpyxl reads as None too: a deadline's words when none is set)."""
    formulas = load_workbook(path)
    values = load_workbook(path, data_only=True)
    empty = _empty_texts(path, [sheet.title for sheet in formulas])
    return {
        (sheet.title, cell.coordinate): ""
        if (sheet.title, cell.coordinate) in empty
        else values[sheet.title][cell.coordinate].value
        for sheet in formulas
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    }


def _empty_texts(path: Path, titles: list[str]) -> set[tuple[str, str]]:
    """The formula cells whose cached value is an empty text (`t="str"` and `<v></v>`)."""
    found = set()
    with zipfile.ZipFile(path) as package:
        for number, title in enumerate(titles, start=1):
            xml = package.read(f"xl/worksheets/sheet{number}.xml").decode()
            found |= {
                (title, ref)
                for ref in re.findall(r'<c r="([A-Z]+\d+)"[^>]* t="str"><f>[^<]*</f><v></v>', xml)
            }
    return found


def same(ours: object, theirs: object) -> bool:
    """Numbers within 1e-9 relative (an absolute 1e-9 near zero), text and booleans exactly."""
    if isinstance(ours, bool) or isinstance(theirs, bool):
        return ours is theirs
    if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)):
        return abs(ours - theirs) <= 1e-9 * max(1.0, abs(ours), abs(theirs))
    return ours == theirs


@pytest.mark.parametrize("case", CASES)
def test_every_formula_cell_caches_what_libreoffice_computes(case, built, recalculated):
    ours = formula_values(built[case][0])
    theirs = load_workbook(recalculated[case], data_only=True)
    assert {sheet for sheet, _ in ours} == {"Offer", "Bands", "Scripts", "Years", "Compare", "Offer history"}
    missing = [where for where, value in ours.items() if value is None]
    assert not missing, f"formula cells without a cached value: {missing[:5]}"
    wrong = [
        f"{sheet}!{ref}: cached {value!r}, LibreOffice {theirs[sheet][ref].value!r}"
        for (sheet, ref), value in ours.items()
        # LibreOffice saves an empty text as an empty cell
        if not same(value, theirs[sheet][ref].value)
        and not (value == "" and theirs[sheet][ref].value is None)
    ]
    assert not wrong, "\n".join(wrong[:10])


def test_cached_values_have_their_types(built):
    values = formula_values(built["sf-competing"][0])
    assert values[("Offer", f"B{o.TOTAL}")] == 255_250  # annual total comp, a number
    assert values[("Offer", f"H{o.COMPARE_ROWS['base']}")] in (
        "below",
        "within",
        "above",
    )  # a status, as text
    assert isinstance(values[("Offer", f"{o.WALK_AWAY_FLAG_COLUMN}{o.WALK_AWAY_MET}")], bool)  # walk_away_met
    assert values[("Offer", f"B{o.WALK_AWAY_MET}")] in ("Yes", "No")  # as the report says it
    assert values[("Scripts", "B5")].startswith("I'd like ")  # a script sentence
    assert values[("Compare", "C6")] == 1  # Snowflake pays in dollars, like the offer


def test_pandas_sees_the_figures_without_recalculating(built):
    pandas = pytest.importorskip("pandas")
    path, figures, _ = built["london-above"]
    sheets = pandas.read_excel(path, sheet_name=None, header=None)
    offer_sheet = sheets["Offer"]

    first = offer_sheet.index[offer_sheet[0] == "Annual total comp"][0]  # "A year of it"
    assert offer_sheet.iat[first, 1] == pytest.approx(float(figures.offer_total_comp))
    rows = {"Base salary": "base", "Stock grant": "stock", "Target bonus": "bonus_pct"}
    comparison = offer_sheet.iloc[o.COMPARE_ROWS["base"] - 1 : o.COMPARE_ROWS["total_comp"]]
    for label, component in rows.items():
        (penetration,) = comparison[comparison[0] == label][5]
        assert penetration == pytest.approx(float(figures.comparison[component].penetration))
    (total_penetration,) = comparison[comparison[0] == "Annual total comp"][5]
    assert total_penetration == pytest.approx(float(figures.pen_total_comp))
    assert offer_sheet.iat[o.ASK_BASE - 1, 5] == pytest.approx(float(figures.ask_base))
    assert offer_sheet.iat[o.ASK_STOCK - 1, 5] == pytest.approx(float(figures.ask_stock))
    script = sheets["Scripts"].iat[4, 1]
    assert script.startswith("Thank you: the package meets what I was looking for, with a base of £160K")


# -- charts ---------------------------------------------------------------------------------------


def chart_xml(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("xl/charts/chart1.xml"))


def test_the_band_chart_carries_its_data_and_shows_its_axes(built):
    path, figures, _ = built["london-above"]
    chart = chart_xml(path)
    rows = figures.band_chart
    expected = {
        "Band min": [r.band.min for r in rows],
        "Band range": [r.width for r in rows],
        "Midpoint": [r.midpoint for r in rows],
        "Offer": [r.offered for r in rows],
    }
    series = chart.findall(f".//{C}ser")
    assert len(series) == 4
    for ser in series:
        title = ser.find(f"{C}tx/{C}strRef/{C}strCache/{C}pt/{C}v").text
        values = [float(v.text) for v in ser.findall(f"{C}val/{C}numRef/{C}numCache/{C}pt/{C}v")]
        assert values == pytest.approx([float(v) for v in expected[title]]), title
        categories = [v.text for v in ser.findall(f"{C}cat/{C}strRef/{C}strCache/{C}pt/{C}v")]
        assert categories == ["Base salary", "Stock per year", "Annual total comp"]  # a year of each
    axes = [a for a in chart.iter() if etree.QName(a).localname in ("catAx", "valAx")]
    assert axes and all(a.find(f"{C}delete").get("val") == "0" for a in axes)
    (hidden,) = chart.findall(f".//{C}legend/{C}legendEntry")  # the invisible base of the bars
    assert hidden.find(f"{C}idx").get("val") == "0" and hidden.find(f"{C}delete").get("val") == "1"
    money_axis = chart.find(f".//{C}valAx/{C}numFmt").get("formatCode")
    assert money_axis == '"£"#,##0,"K"'


# -- Excel's limits -------------------------------------------------------------------------------


def test_no_row_is_taller_than_excel_allows(built):
    for path, _, _ in built.values():
        for sheet in load_workbook(path):
            heights = [d.height for d in sheet.row_dimensions.values() if d.height]
            assert max(heights, default=0) <= MAX_ROW_HEIGHT, (path.name, sheet.title)


def test_a_guide_section_taller_than_a_row_reads_on_in_the_rows_below(tmp_path):
    paragraphs = tuple(f"Paragraph {n}: " + "leverage the competing offer calmly. " * 40 for n in range(12))
    long = LeverSection("Equity deep-dive", paragraphs)
    guide = replace(SEGMENT, lever_sections=(*SEGMENT.lever_sections, long))
    case = offer("Nia", guide, "London", "GBP", 130000, 100000, "0.1")
    path = tmp_path / "long.xlsx"
    path.write_bytes(workbook_bytes(render_offer(case, guide, RATES, load_wording())[0], RATES.as_of))
    sheet = load_workbook(path)["Scripts"]
    rows = [
        r for r in range(1, sheet.max_row + 1) if str(sheet[f"A{r}"].value).startswith("Equity deep-dive")
    ]
    assert len(rows) > 1 and sheet[f"A{rows[1]}"].value == "Equity deep-dive (continued)"
    assert all(sheet.row_dimensions[r].height <= MAX_ROW_HEIGHT for r in rows)
    # A lever section is the guide's background, for the coach: in the notes' column.
    shown = "\n\n".join(sheet[f"C{r}"].value for r in rows)
    assert shown == "\n\n".join(paragraphs)  # every word, in order, split between paragraphs
    assert all(sheet[f"B{r}"].value is None for r in rows)


EMOJI = "🏗"  # outside the Basic Multilingual Plane: two UTF-16 units in Excel's count


def test_lengths_are_counted_as_excel_counts_them():
    assert excel_length("£195K") == 5 and excel_length(EMOJI) == 2
    assert excel_length(cut(EMOJI * 20_000, MAX_CELL_TEXT)) == MAX_CELL_TEXT - 1  # never half an emoji
    pieces = chunks(("a" + EMOJI) * 300, MAX_LITERAL)
    assert all(excel_length(p) <= MAX_LITERAL for p in pieces) and "".join(pieces) == ("a" + EMOJI) * 300
    for piece in re.findall(r'"((?:[^"]|"")*)"', literal(EMOJI * 200 + '"quoted"' * 50)):
        assert excel_length(piece.replace('""', '"')) <= MAX_LITERAL


def test_a_cell_holds_at_most_32767_utf16_units(tmp_path):
    from segxlsx.sheets.styles import new_workbook

    workbook = new_workbook("t")
    put_text(workbook.add_sheet("Sheet"), "A1", EMOJI * 20_000)
    (tmp_path / "t.xlsx").write_bytes(workbook_bytes(workbook, RATES.as_of))
    text = load_workbook(tmp_path / "t.xlsx").active["A1"].value
    assert excel_length(text) <= MAX_CELL_TEXT and set(text) == {EMOJI}


def test_text_xml_cannot_hold_never_reaches_a_file():
    assert xml_text("a\ufffeb\udc80c\x01d\te<") == "a\ufffdb\ufffdc\ufffdd\te&lt;"


# -- the validator: Excel's view of everything the tests build ------------------------------------


@pytest.fixture(scope="session")
def shipped_examples(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("shipped")
    report = segxlsx.build(
        [ROOT / "data" / "offers"], [ROOT / "data" / "guides"], out, rates="offline", workers=1
    )
    assert report.exit_code == 0
    return out


@pytest.mark.skipif(not VALIDATOR.exists(), reason="../shared/tools/ooxml is not beside this clone")
def test_excel_would_open_every_workbook_without_repair(built, shipped_examples, tmp_path):
    files = [shipped_examples] + [built[case][0] for case in CASES]
    report = tmp_path / "report.json"
    run = subprocess.run(
        [sys.executable, str(VALIDATOR), *map(str, files), "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    found = json.loads(report.read_text())
    serious = [f for f in found["findings"] if f[0] in ("REPAIR", "WRONG")]
    assert not serious, "\n".join(map(str, serious[:10]))
    assert run.returncode == 0, run.stdout[-2000:]
    assert found["stats"]["files"] == len(CASES) + len(list(shipped_examples.glob("*.xlsx")))
    assert found["stats"]["formula_cells"] > 1000
    # The only formula cells the validator finds without a value cache an empty text (`<v></v>`):
    # a deadline's day and words when none is set.
    empty = sum(len(_empty_texts(path, load_workbook(path, read_only=True).sheetnames))
                for path in [*shipped_examples.glob("*.xlsx"), *files[1:]])  # fmt: skip
    assert found["stats"].get("formula_cells_without_cached_value", 0) == empty
    assert found["stats"].get("chart_refs_without_cache", 0) == 0


def test_cells_are_written_with_their_cached_values_numbers_text_and_booleans():
    from decimal import Decimal

    from segxlsx.sheets.styles import look_of, new_workbook
    from segxlsx.xlsx import cells

    sheet = new_workbook("t").add_sheet("Sheet")
    look = look_of()
    for column, shows in enumerate((Decimal("0.125"), "a < b & c", True, 12), start=1):
        cells.put_formula(sheet, 1, column, look, "=X", shows)
    cells.put_text(sheet, 2, 1, look, " =HYPERLINK(1) ")
    assert cells.sheet_data(sheet, {look: ""}) == (
        '<sheetData><row r="1"><c r="A1"><f>X</f><v>0.125</v></c><c r="B1" t="str"><f>X</f><v>a &lt; b &amp; c</v></c>'
        '<c r="C1" t="b"><f>X</f><v>1</v></c><c r="D1"><f>X</f><v>12</v></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t> =HYPERLINK(1) </t></is></c></row></sheetData>'
    )
    with pytest.raises(TypeError, match="A3"):
        cells.put_formula(sheet, 3, 1, look, "=X", 0.5)  # a float is a figure from outside the model


def _blank_ended_workbook(path: Path) -> Path:
    """An offer built through the Python API (no loader strips its text) whose candidate, notes
    and competing company have blank ends."""
    from segxlsx.model import CompetingOffer

    guide, ada = CASES["sf-within"]
    blank_ended = replace(
        ada,
        candidate=" Ada ",
        notes="  indented note ",
        competing=(CompetingOffer("Acme ", "USD", ada.base, ada.stock, ada.bonus_pct),),
    )
    workbook, _ = render_offer(blank_ended, guide, RATES, load_wording())
    path.write_bytes(workbook_bytes(workbook, RATES.as_of))
    return path


def test_text_with_blank_ends_keeps_them_without_an_attribute_the_schema_refuses(tmp_path):
    """`<t>` takes no attribute in the schema: `xml:space="preserve"` on an inline string has a
    strict reader ask Excel to repair the sheet. The blanks are written as they are."""
    path = _blank_ended_workbook(tmp_path / "blank.xlsx")
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")]
    assert not any(b"xml:space" in sheet for sheet in sheets)
    assert any(b"<t>Acme </t>" in sheet for sheet in sheets)
    assert any(b"<t>  indented note </t>" in sheet for sheet in sheets)


@pytest.mark.skipif(not VALIDATOR.exists(), reason="../shared/tools/ooxml is not beside this clone")
def test_excel_would_open_text_with_blank_ends_without_repair(tmp_path):
    path = _blank_ended_workbook(tmp_path / "blank.xlsx")
    run = subprocess.run(
        [sys.executable, str(VALIDATOR), str(path)], capture_output=True, text=True, timeout=300
    )
    assert "REPAIR" not in run.stdout and run.returncode == 0, run.stdout[-2000:]
