"""The offer workbook, recalculated by LibreOffice, shows exactly what the Python model computes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from segxlsx.figures import OfferFigures
from segxlsx.guides import load_guide
from segxlsx.model import CompetingOffer, Offer
from segxlsx.rates import RateTable
from segxlsx.scripts import render
from segxlsx.wording import load_wording, offer_scripts
from segxlsx.workbook import SHEETS, render_offer, workbook_bytes
from segxlsx.workbook.names import SPEC_NAMES
from segxlsx.workbook.scripts import COUNTER_CELL, NEGOTIATE_UP_CELL, WALK_AWAY_CELL

from .conftest import FIXTURES, SEED_YAML
from .libreoffice import convert, named_values

D = Decimal
RATES = RateTable(
    base="USD",
    as_of=date(2026, 11, 27),
    source="test reference rates",
    per_base={"GBP": D("0.79"), "EUR": D("0.92"), "JPY": D("150.5"), "CHF": D("0.88"), "INR": D("83.2"),
              "CAD": D("1.36"), "SGD": D("1.34")},
)  # fmt: skip
SEGMENT = load_guide(SEED_YAML)
STRIPE = load_guide(FIXTURES / "guides" / "stripe-software-engineer.md")
HOSTILE = ['=HYPERLINK("http://evil","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]


def offer(name, guide, region, currency, base, stock, bonus, **more) -> Offer:
    return Offer(name, guide.id, region, currency, D(base), D(stock), D(bonus), **more)


CASES = {
    "sf-within": (SEGMENT, offer("Ada", SEGMENT, "San Francisco", "USD", 185000, 150000, "0.12")),
    "ny-below": (SEGMENT, offer("Ben", SEGMENT, "New York", "USD", 150000, 90000, "0.08")),
    "london-above": (SEGMENT, offer("Cai", SEGMENT, "London", "GBP", 160000, 150000, "0.16")),
    "london-paid-in-eur": (SEGMENT, offer("Dee", SEGMENT, "London", "EUR", 150000, 120000, "0.12")),
    "sf-competing": (
        SEGMENT,
        offer(
            "Eve",
            SEGMENT,
            "San Francisco",
            "USD",
            190000,
            185000,
            "0.1",
            sign_on=D(25000),
            competing=(
                CompetingOffer("Snowflake", "USD", D(200000), D(320000), D("0.1")),
                CompetingOffer("Databricks", "GBP", D(150000), D(200000), D("0.12")),
                CompetingOffer("Monzo", "EUR", D(140000), D(40000), D("0.05")),
            ),
        ),  # fmt: skip
    ),
    "hostile": (
        SEGMENT,
        offer(HOSTILE[0], SEGMENT, "London", "GBP", 130000, 100000, "0.1", notes=" ".join(HOSTILE)),
    ),
    "tokyo-jpy": (STRIPE, offer("Fumi", STRIPE, "Tokyo", "JPY", 15500000, 12000000, "0.12")),
    "zurich-paid-in-usd": (STRIPE, offer("Gio", STRIPE, "Zurich", "USD", 170000, 110000, "0.1")),
}


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, tuple[Path, OfferFigures, Offer]]:
    folder = tmp_path_factory.mktemp("workbooks")
    wording = load_wording()
    built = {}
    for name, (guide, case) in CASES.items():
        workbook, figures = render_offer(case, guide, RATES, wording)
        path = folder / f"{name}.xlsx"
        path.write_bytes(workbook_bytes(workbook, RATES.as_of))
        built[name] = (path, figures, case)
    return built


@pytest.fixture(scope="session")
def recalculated(built, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("recalculated")
    paths = convert([path for path, _, _ in built.values()], out)
    return dict(zip(built, paths, strict=True))


def assert_same(name: str, shown: object, expected: object) -> None:
    if isinstance(expected, bool):
        assert shown is expected, name
    elif isinstance(expected, Decimal):
        assert isinstance(shown, (int, float)), f"{name}: {shown!r}"
        tolerance = D("0.005") if abs(expected) >= 1 else D("1e-9")  # a cent, or a ratio's 1e-9
        assert abs(D(repr(shown)) - expected) <= tolerance, f"{name}: workbook {shown} != model {expected}"
    else:
        assert shown == expected, name


@pytest.mark.parametrize("case", CASES)
def test_every_defined_name_equals_the_model(case, built, recalculated):
    _, figures, _ = built[case]
    shown = named_values(recalculated[case])
    expected = figures.named()
    assert set(SPEC_NAMES) <= set(shown)
    assert {n for n in shown if n.startswith("rate_")} == {n for n in expected if n.startswith("rate_")}
    for name, value in expected.items():
        assert_same(name, shown[name], value)


def test_the_cases_cover_below_within_and_above(built):
    statuses = {status for _, figures, _ in built.values() for status in figures.statuses.values()}
    assert statuses == {"below", "within", "above"}
    assert {figures.walk_away_met for _, figures, _ in built.values()} == {True, False}


@pytest.mark.parametrize("case", CASES)
def test_statuses_and_scripts_read_as_the_model_says(case, built, recalculated):
    _, figures, offer_ = built[case]
    workbook = load_workbook(recalculated[case], data_only=True)
    assert workbook.sheetnames[:4] == list(SHEETS)
    status_cells = [workbook["Offer"][f"H{row}"].value for row in (23, 24, 25, 26)]
    assert status_cells == [figures.statuses[c] for c in ("base", "stock", "bonus_pct", "total_comp")]
    guide = SEGMENT if offer_.guide_id == SEGMENT.id else STRIPE
    scripts = offer_scripts(offer_, guide, load_wording())
    values = (
        figures.named()
        | scripts.text
        | {f"total_comp[{i}]": c.total_comp_in_offer_currency for i, c in enumerate(figures.competing)}
    )
    sheet = workbook["Scripts"]
    assert sheet[NEGOTIATE_UP_CELL].value == render(scripts.negotiate_up, offer_.currency, values)
    walk = scripts.walk_away_met if figures.walk_away_met else scripts.walk_away_missed
    assert sheet[WALK_AWAY_CELL].value == render(
        [*scripts.walk_away_line, " ", *walk], offer_.currency, values
    )
    if offer_.competing:
        assert sheet[COUNTER_CELL].value == render(scripts.counter, offer_.currency, values)


def test_a_london_offer_in_pounds_never_reads_dollars(recalculated):
    script = load_workbook(recalculated["london-above"], data_only=True)["Scripts"][NEGOTIATE_UP_CELL].value
    assert script.startswith("I'd like £") and "$" not in script.split("RSUs")[0]
    assert "£" in script and "$195K" not in script and "$198K" not in script


def test_the_competing_offers_are_named_with_their_total_comp(recalculated):
    counter = load_workbook(recalculated["sf-competing"], data_only=True)["Scripts"][COUNTER_CELL].value
    # Snowflake: 200K + 320K/4 + 20K = $300K; Databricks: (150K + 50K + 18K) × 1/0.79 in dollars
    assert counter.startswith(
        "I have competing offers from Snowflake at $300K a year, Databricks at $275,949 a year and Monzo at "
    )


def test_hostile_text_stays_text(built, recalculated):
    path, _, _ = built["hostile"]
    for source in (path, recalculated["hostile"]):
        sheet = load_workbook(source)["Offer"]  # formulas as written, not values
        assert sheet["B5"].value == HOSTILE[0] and sheet["B5"].data_type == "s"
        assert sheet["B14"].value == " ".join(HOSTILE) and sheet["B14"].data_type == "s"
        assert sheet["A1"].value == f"Offer review: {HOSTILE[0]}"


def test_editing_a_rate_moves_every_converted_figure(built, tmp_path):
    path, figures, _ = built["london-paid-in-eur"]
    workbook = load_workbook(path)
    ((sheet, ref),) = list(workbook.defined_names["rate_GBP"].destinations)
    old = figures.rates["GBP"]
    new = old * D("1.25")
    workbook[sheet][ref.replace("$", "")].value = new
    edited = tmp_path / "edited.xlsx"
    workbook.save(edited)
    shown = named_values(convert([edited], tmp_path / "out")[0])
    assert_same("rate_GBP", shown["rate_GBP"], new)
    for name in ("band_base_min", "band_base_max", "band_stock_min", "band_total_comp_max"):
        assert_same(name, shown[name], getattr(figures, name) * D("1.25"))
    assert shown["ask_base"] != float(figures.ask_base)  # the asks follow the band
    assert_same("offer_base", shown["offer_base"], figures.offer_base)  # inputs stay put


def test_same_inputs_give_the_same_bytes():
    guide, case = CASES["sf-competing"]
    wording = load_wording()
    first = workbook_bytes(render_offer(case, guide, RATES, wording)[0], RATES.as_of)
    second = workbook_bytes(render_offer(case, guide, RATES, wording)[0], RATES.as_of)
    assert first == second


def test_sheet_titles_and_names_respect_excels_limits(built):
    workbook = load_workbook(built["tokyo-jpy"][0])
    assert all(len(title) <= 31 and not set(title) & set("[]:*?/\\") for title in workbook.sheetnames)
    for name in workbook.defined_names:
        assert name.replace("_", "").isalnum() and len(name) <= 255
