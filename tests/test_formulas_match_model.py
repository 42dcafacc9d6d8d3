"""Every formula of many workbooks, recalculated in-process, equals the value the model cached.

The LibreOffice tests (test_cached_values.py, test_workbook.py) recalculate the parity cases in
a real spreadsheet, which is slow, so they are few. This module recalculates every formula cell
of those cases and of generated offers with `formulas` (a pure-Python Excel evaluator) and
compares each with the value that `figures.py` computed in Decimal and the writer cached, so
that a formula and its Decimal twin cannot drift apart in the default run without a failure
naming the cell, within seconds.

Recalculating means what a spreadsheet does on open: input cells as written, every formula from
its formula text, the formulas it reads evaluated first. Only the cached values are compared.

Speed is the design: `formulas.ExcelModel().loads(…).finish()` takes ~2 s a workbook (it parses
and compiles every one of its ~250 formulas each time). Here each formula is reduced to its
shape, its references replaced by placeholders (`'ARG0'!A1`, `'ARG1'!A1:A5`), so that one
compiled function serves the same formula in every row, column and workbook: ~120 shapes cover
all the workbooks of a run, and a workbook costs ~0.3 s of evaluation.
"""

from __future__ import annotations

import io
import os
import random
import re
import sys
import zipfile
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

import formulas  # test-only (pyproject's `test` extra): a missing one fails, never skips
import numpy as np
import pytest
import schedula  # formulas' dispatcher: its EMPTY is an empty cell
from formulas.ranges import Ranges
from formulas.tokens.operand import XlError
from lxml import etree
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries

# segxlsx through its front door and the model's types, nothing else: when segxlsx's modules
# move, this block is the one to update.
import segxlsx
from segxlsx.model import PAY_COMPONENTS, STAGES, CompetingOffer, Offer, Vesting
from segxlsx.sheets.offer import ASK_BASE, TOTAL
from segxlsx.wording import load_wording

from .conftest import FIXTURES, SEED_YAML
from .parity_cases import CASES, RATES

D = Decimal
WORDING = load_wording()
# The shipped guide and every fixture guide: 3 to 6 regions, 3- and 4-year grants, USD, GBP,
# EUR, CAD, SGD, CHF, INR, JPY, AUD and HKD bands.
GUIDES = (segxlsx.load_guide(SEED_YAML), *map(segxlsx.load_guide, sorted((FIXTURES / "guides").iterdir())))
OFFLINE = segxlsx.load_rates("offline")
# The bands' currencies and a few more an offer or a competing offer may be paid in.
CURRENCIES = tuple(
    sorted({band.currency for guide in GUIDES for band in guide.bands} | {"USD", "EUR", "GBP"})
)
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
SHEETS_WITH_FORMULAS = {"Offer", "Bands", "Scripts", "Years", "Compare", "Offer history"}
# The smallest workbook (a one-year grant, no competing offer) has ~170 formula cells: fewer
# means cells went unchecked.
FEWEST_FORMULAS = 150
# Offers generated per run: 14 take every region (12) and every kind of schedule (14) by turn,
# at ~0.45 s of CPU each, and the module ~15 s. FORMULAS_MATCH_MODEL_OFFERS=250 checks more,
# when there is time (offer n is always the same offer).
GENERATED = int(os.environ.get("FORMULAS_MATCH_MODEL_OFFERS", 14))


# -- comparing: the LibreOffice parity tests' rule, and float rounding ----------------------------

# The known float-zero: a difference of two figures that are equal in Decimal is 0 in the model
# (or 1e-20, Decimal's 28 digits through a cross rate), but in floats it is the rounding left
# in the figures subtracted: Compare!B35 (`=$B8-C8`, this grant a year less a competing one
# converted from pounds) is -8.9e-08 when both are ¥150,000,000 a year, 3 units in the last
# place (ulps) of 1.5e8, and over the absolute 1e-9 of the rule below. Nearly equal figures
# lose digits the same way (-0.2415390001 against -0.2415390015 out of ¥31.6M). A formula is
# good to a few ulps of the largest number it reads, whatever its result: at most 9 over 215
# workbooks measured; 64 ulps is 1.4e-14 of that number (2e-6 yen of ¥150M): no room for drift.
FLOAT_ROUNDING = 64 * sys.float_info.epsilon


def same(cached: object, computed: object, largest_read: float = 0.0) -> bool:
    """Numbers within 1e-9 relative (an absolute 1e-9 near zero), text and booleans exactly.

    The rule of test_cached_values.py, which compares the same cached values with LibreOffice,
    and for numbers also within `FLOAT_ROUNDING` of `largest_read`, the largest number the
    cell's formula read (see FLOAT_ROUNDING). -0.0 equals 0, as numbers do.
    """
    if isinstance(cached, bool) or isinstance(computed, bool):
        return cached is computed
    if isinstance(cached, (int, float)) and isinstance(computed, (int, float)):
        difference = abs(cached - computed)
        return (
            difference <= 1e-9 * max(1.0, abs(cached), abs(computed))
            or difference <= FLOAT_ROUNDING * largest_read
        )
    return cached == computed


def plain(value: object) -> object:
    """A value `formulas` computed, as `read_sheet` reads a cached one: bool, int, float or str."""
    if value is schedula.EMPTY:  # a formula that reads an empty cell shows 0, as in Excel
        return 0
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, XlError):
        return str(value)  # "#VALUE!": never equal to a cached figure
    return value


# -- recalculating ------------------------------------------------------------------------------


@cache
def pieces(formula: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`formula` cut around its arguments: (the text between, the references and joined text).

    A text literal joined with `&` is an argument too: `&` reads a literal and a cell holding the
    same text alike, so the scripts of every guide, region and currency share their shapes.
    Other literals stay, where a function may read typed text differently (SUM("1") is 1, a
    cell holding "1" adds nothing). Tokenized once per formula text for the session: most cells
    have the same formula text as in the workbook before.
    """
    tokens = Tokenizer(formula).items
    between, operands, text = [], [], "="
    for index, token in enumerate(tokens):
        joined = any(
            0 <= i < len(tokens) and tokens[i].type == Token.OP_IN and tokens[i].value == "&"
            for i in (index - 1, index + 1)
        )
        if token.type == Token.OPERAND and (
            token.subtype == Token.RANGE or (token.subtype == Token.TEXT and joined)
        ):
            between.append(text)
            operands.append(token.value)
            text = ""
        else:
            text += token.value
    return (*between, text), tuple(operands)


@dataclass(frozen=True)
class Shape:
    """A formula with each reference and joined text replaced by a placeholder of the same size."""

    text: str  # "=ROUND('ARG0'!A1+'ARG1'!A1*('ARG2'!A1-'ARG0'!A1),-3)"
    arguments: tuple[object, ...]  # placeholder n → (sheet, bounds), or a text literal's text


def placeholder(number: int, argument: object) -> str:
    """`'ARG3'!A1` for a cell or a text, `'ARG3'!A1:A5` for a range of five rows."""
    if isinstance(argument, str):
        return f"'ARG{number}'!A1"
    left, top, right, bottom = argument[1]
    size = (
        "" if (left, top) == (right, bottom) else f":{get_column_letter(right - left + 1)}{bottom - top + 1}"
    )
    return f"'ARG{number}'!A1{size}"


@cache
def compiled(shape: str) -> tuple[object, tuple[tuple[int, dict], ...]]:
    """A shape compiled once by `formulas.Parser`; for each of its inputs, the placeholder and range."""
    function = formulas.Parser().ast(shape)[1].compile()
    inputs = tuple(
        (int(re.match(r"'?ARG(\d+)", name)[1]), Ranges.get_range(name)) for name in function.inputs
    )
    return function, inputs


class Recalculation:
    """A workbook recalculated by `formulas`: input cells as written, every formula evaluated."""

    def __init__(self, xlsx: bytes):
        self.inputs: dict[tuple[str, int, int], object] = {}
        self.formulas: dict[tuple[str, int, int], str] = {}
        self.cached: dict[tuple[str, int, int], object] = {}
        with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
            book = etree.fromstring(archive.read("xl/workbook.xml"))
            rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            targets = {rel.get("Id"): rel.get("Target").lstrip("/") for rel in rels}
            for sheet in book.iter(f"{MAIN}sheet"):
                target = targets[sheet.get(RELATIONSHIP)]
                path = target if target.startswith("xl/") else f"xl/{target}"
                self.read_sheet(sheet.get("name"), etree.fromstring(archive.read(path)))
        self.names = {}
        for defined in book.iter(f"{MAIN}definedName"):  # each of the SPEC's names is one cell
            sheet, ref = defined.text.rsplit("!", 1)
            sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet
            self.names[defined.get("name").casefold()] = (sheet, range_boundaries(ref.replace("$", "")))
        self.values: dict[tuple[str, int, int], object] = {}
        self.in_order: list[tuple[str, int, int]] = []  # a cell after every cell it reads
        # The largest number each formula read: the scale of its float rounding (see `same`).
        self.largest_read: dict[tuple[str, int, int], float] = {}

    def read_sheet(self, title: str, sheet: etree._Element) -> None:
        """Every cell of a sheet's XML: its formula and cached value, or its value."""
        for cell in sheet.iter(f"{MAIN}c"):
            column, row = coordinate_to_tuple(cell.get("r"))[::-1]
            where, formula = (title, column, row), cell.find(f"{MAIN}f")
            kind, value = cell.get("t", "n"), cell.findtext(f"{MAIN}v")
            if kind == "inlineStr":
                value = "".join(t.text or "" for t in cell.iter(f"{MAIN}t"))
            elif kind == "b":
                value = value == "1"
            elif kind == "n":  # a number, or an empty cell with a look (an input left blank)
                if value is not None:
                    value = int(value) if value.lstrip("-").isdigit() else float(value)
            else:  # a formula's text ("str"), or an error ("e")
                assert kind in ("str", "e"), (
                    f"{title}!{cell.get('r')}: cells of type {kind!r} are not read here"
                )
            if formula is None:
                self.inputs[where] = value
            else:
                assert formula.get("t") is None, (
                    f"{title}!{cell.get('r')}: shared and array formulas are not read here"
                )
                self.formulas[where], self.cached[where] = "=" + formula.text, value

    def value(self, where: tuple[str, int, int]) -> object:
        if where in self.values:
            if self.values[where] is _EVALUATING:
                raise AssertionError(f"{address(where)} reads itself (a circular reference)")
            return self.values[where]
        if where not in self.formulas:
            return self.inputs.get(where, schedula.EMPTY)
        self.values[where] = _EVALUATING
        self.values[where] = plain(self.evaluate(where))
        self.in_order.append(where)
        return self.values[where]

    def shape(self, where: tuple[str, int, int]) -> Shape:
        between, operands = pieces(self.formulas[where])
        # A reference written twice is one placeholder; each text its own, even when two texts
        # are the same: the shape then depends on the formula's form alone, not on its words.
        numbers: dict[str, int] = {}
        arguments, text = [], [between[0]]
        for index, (operand, after) in enumerate(zip(operands, between[1:], strict=True)):
            key = f"text {index}" if operand.startswith('"') else operand
            if key not in numbers:
                numbers[key] = len(arguments)
                arguments.append(self.argument(where[0], operand))
            text += (placeholder(numbers[key], arguments[numbers[key]]), after)
        return Shape("".join(text), tuple(arguments))

    def argument(self, sheet: str, operand: str) -> object:
        """A text literal's text, or the sheet and bounds a reference points at."""
        return operand[1:-1].replace('""', '"') if operand.startswith('"') else self.target(sheet, operand)

    def target(self, sheet: str, reference: str) -> tuple[str, tuple[int, int, int, int]]:
        """The sheet and bounds a reference or defined name points at, seen from `sheet`."""
        if reference.casefold() in self.names:
            return self.names[reference.casefold()]
        if "!" in reference:
            sheet, reference = reference.rsplit("!", 1)
            if sheet.startswith("'"):
                sheet = sheet[1:-1].replace("''", "'")
        bounds = range_boundaries(reference.replace("$", ""))
        assert None not in bounds, f"a whole row or column ({reference}): not evaluated here"
        return sheet, bounds

    def evaluate(self, where: tuple[str, int, int]) -> object:
        shape = self.shape(where)
        function, inputs = compiled(shape.text)
        blocks = []
        for number, _ in inputs:
            if isinstance(shape.arguments[number], str):  # a joined text
                blocks.append([[shape.arguments[number]]])
                continue
            sheet, (left, top, right, bottom) = shape.arguments[number]
            rows = range(top, bottom + 1)
            blocks.append(
                [[self.value((sheet, column, row)) for column in range(left, right + 1)] for row in rows]
            )
        self.largest_read[where] = max(
            (
                abs(v)
                for b in blocks
                for r in b
                for v in r
                if isinstance(v, (int, float)) and not isinstance(v, bool)
            ),
            default=0.0,
        )
        return computed(shape.text, tuple(map(repr, blocks)), function, inputs, blocks)


_EVALUATING = object()
_results: dict[tuple[str, tuple[str, ...]], object] = {}


def computed(shape: str, key: tuple[str, ...], function, inputs, blocks: list) -> object:
    """`function` of `blocks`, each (shape, inputs) evaluated once per session.

    Two cells in five of a run are the same shape over the same values as a cell before (a
    guide's bands, its lever texts, a row of a schedule); every function in our workbooks is
    deterministic (no NOW, RAND or INDIRECT), so the earlier result is this one.
    """
    if (shape, key) not in _results:
        ranges = (r for _, r in inputs)
        result = function(
            *(Ranges().set_value(r, np.array(b, dtype=object)) for r, b in zip(ranges, blocks, strict=True))
        )
        _results[shape, key] = np.asarray(getattr(result, "value", result)).ravel()[0]
    return _results[shape, key]


def address(where: tuple[str, int, int]) -> str:
    sheet, column, row = where
    return f"{sheet}!{get_column_letter(column)}{row}"


def formula_elements(xlsx: bytes) -> int:
    """How many formula cells the file holds, counted in its XML, apart from any reader."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        return sum(len(re.findall(rb"<f[ >]", archive.read(n))) for n in sheets)


# -- the check ------------------------------------------------------------------------------------


def check(offer: Offer, guide, rates) -> int:
    """Build the offer's workbook, recalculate it, and compare every formula cell; returns how many."""
    workbook, _ = segxlsx.render_offer(offer, guide, rates, WORDING)
    xlsx = segxlsx.workbook_bytes(workbook, rates.as_of)
    return check_bytes(xlsx)


def check_bytes(xlsx: bytes) -> int:
    book = Recalculation(xlsx)
    for where in book.formulas:
        book.value(where)
    wrong = [  # in the order they are computed: the first is where a drift starts
        f"{address(where)}: the model cached {book.cached[where]!r}, its formula gives "
        f"{book.values[where]!r}: {book.formulas[where][:300]}"
        for where in book.in_order
        if not same(book.cached[where], book.values[where], book.largest_read[where])
    ]
    assert not wrong, f"{len(wrong)} formula cells disagree with the model:\n" + "\n".join(wrong[:10])
    assert {sheet for sheet, _, _ in book.formulas} == SHEETS_WITH_FORMULAS
    assert len(book.formulas) == formula_elements(xlsx) >= FEWEST_FORMULAS
    return len(book.formulas)


# -- the parity cases: the offers LibreOffice recalculates, here too ----------------------------


@pytest.mark.parametrize("case", CASES)
def test_every_formula_of_a_parity_case_gives_the_cached_value(case):
    guide, offer = CASES[case]
    assert check(offer, guide, RATES) >= FEWEST_FORMULAS


# -- generated offers -----------------------------------------------------------------------------


def generated_offer(number: int) -> tuple[object, Offer]:
    """Offer `number` of the generated set: regions and schedules by turn, the rest drawn from its own seed.

    Each offer has its own seed, so adding offers changes none of the earlier ones.
    """
    draw = random.Random(f"formulas-match-model {number}")
    guide, region = REGIONS[number % len(REGIONS)]
    band = guide.band(region)
    currency = band.currency if number % 3 == 0 else draw.choice(CURRENCIES)
    vesting = drawn_vesting(draw, SCHEDULES[number % len(SCHEDULES)])
    years = vesting.years if vesting else band.vesting_years
    competing = [drawn_competing_offer(draw, band) for _ in range(draw.randint(0, 5))]
    offer = Offer(
        draw.choice(("Ada Lovelace", "王小明", "Zoë O'Brien")),
        guide.id,
        band.region,
        currency,
        drawn_base(draw, band, currency),
        drawn_amount(draw, band.stock, band.currency, currency),
        draw.choice((band.bonus_pct.min, band.bonus_pct.max, D(0), D(draw.randint(0, 300)) / 1000)),
        sign_on=tuple(
            drawn_amount(draw, D(20_000), "USD", currency) for _ in range(draw.randint(0, min(3, years)))
        ),
        competing=tuple(competing),
        vesting=vesting,
    )
    if draw.random() < 0.3:  # one competing offer matched this one, paid in another currency
        offer = replace(offer, competing=(*competing[:4], matched(offer, band, draw.choice(CURRENCIES))))
    # What the candidate keeps and argues for, from a seed of its own: the draws above stay as they were.
    choose = random.Random(f"formulas-match-model keep {number}")
    keep = tuple(choose.sample(PAY_COMPONENTS, choose.randint(0, 2)))
    focus = choose.choice([None, *(c for c in PAY_COMPONENTS if c not in keep)])
    # Its stage and deadlines, and its competing offers', from a seed of their own likewise.
    when = random.Random(f"formulas-match-model deadlines {number}")

    def deadline() -> date | None:
        return when.choice([None, date(2026, 11, 23) + timedelta(days=when.randint(0, 60))])

    competing = tuple(replace(other, expires=deadline()) for other in offer.competing)
    offer = replace(offer, stage=when.choice(STAGES), expires=deadline(), competing=competing)
    return guide, replace(offer, keep=keep, focus=focus)


REGIONS = [(guide, region) for guide in GUIDES for region in guide.regions]


def drawn_amount(draw: random.Random, around, currency: str, paid_in: str) -> Decimal:
    """A band's min, max or midpoint, nothing, or anything up to twice the midpoint, converted
    to `paid_in`: whole, in thousands or to the cent."""
    low, high = (around, around) if isinstance(around, Decimal) else (around.min, around.max)
    amount = draw.choice((low, high, (low + high) / 2, D(0), (low + high) * draw.randint(0, 100) / 100))
    step = draw.choice((D(1), D(1000), D("0.01")))
    return (OFFLINE.convert(amount, currency, paid_in) / step).quantize(D(1)) * step


def drawn_base(draw: random.Random, band, paid_in: str) -> Decimal:
    """A base as `drawn_amount` draws it, but never nothing (a base of 0 is refused at load):
    the band's min instead."""
    drawn = drawn_amount(draw, band.base, band.currency, paid_in)
    return drawn or OFFLINE.convert(band.base.min, band.currency, paid_in).quantize(D(1))


# Every kind of schedule an offer may have: the guide's (None), the preset, even and any percents
# over one to six years. Generated offers take them by turn; competing offers draw theirs.
SCHEDULES = (None, ("5/15/40/40", 4)) + tuple(
    (kind, years) for kind in ("even", "percents") for years in range(1, 7)
)


def drawn_vesting(draw: random.Random, schedule: tuple[str, int] | None | bool = True) -> Vesting | None:
    """A schedule of the kind and length given (drawn when True), with any cliff and frequency."""
    if schedule is True:
        schedule = draw.choice(SCHEDULES)
    if schedule is None:
        return None
    kind, years = schedule
    if kind == "5/15/40/40":
        percents = tuple(map(D, (5, 15, 40, 40)))
    elif kind == "even":
        percents = Vesting.even(years).percents  # 33.33…% a year over three
    else:  # 100% cut at random tenths of a percent; a year may vest nothing
        cuts = sorted(draw.randint(0, 1000) for _ in range(years - 1))
        percents = tuple(D(b - a) / 10 for a, b in zip([0, *cuts], [*cuts, 1000], strict=True))
    months = 12 * len(percents)
    cliff = min(months, draw.choice((0, 6, 12, 18, 24, draw.randint(0, months))))
    return Vesting(percents, cliff, draw.choice(("monthly", "quarterly", "yearly")))


def drawn_competing_offer(draw: random.Random, band) -> CompetingOffer:
    currency = draw.choice(CURRENCIES)
    vesting = drawn_vesting(draw)
    years = vesting.years if vesting else band.vesting_years
    return CompetingOffer(
        draw.choice(("Snowflake", "Databricks", "Monzo", "Google", 'Acme "Rockets" & Co')),
        currency,
        drawn_base(draw, band, currency),
        drawn_amount(draw, band.stock, band.currency, currency),
        D(draw.randint(0, 300)) / 1000,
        tuple(drawn_amount(draw, D(20_000), "USD", currency) for _ in range(draw.randint(0, min(3, years)))),
        vesting,
    )


def matched(offer: Offer, band, currency: str) -> CompetingOffer:
    """A competing offer worth exactly `offer`, paid in `currency`: every difference 0 in Decimal."""

    def converted(amount: Decimal) -> Decimal:
        return OFFLINE.convert(amount, offer.currency, currency)

    return CompetingOffer(
        "Matching Co",
        currency,
        converted(offer.base),
        converted(offer.stock),
        offer.bonus_pct,
        tuple(map(converted, offer.sign_on)),
        offer.vesting or Vesting.even(band.vesting_years),
    )


def named(number: int) -> str:
    _, offer = generated_offer(number)
    return f"{number:02d}-{offer.region.lower().replace(' ', '-')}-in-{offer.currency.lower()}"


@pytest.mark.parametrize("number", range(GENERATED), ids=named)
def test_every_formula_of_a_generated_offer_gives_the_cached_value(number):
    guide, offer = generated_offer(number)
    assert check(offer, guide, OFFLINE) >= FEWEST_FORMULAS


def test_the_generated_offers_cover_every_region_and_every_kind_of_schedule():
    offers = [generated_offer(number)[1] for number in range(GENERATED)]
    assert {(o.guide_id, o.region) for o in offers} == {(g.id, r) for g, r in REGIONS}
    bands = {(g.id, b.region): b for g in GUIDES for b in g.bands}
    assert sum(o.currency != bands[o.guide_id, o.region].currency for o in offers) >= GENERATED // 3
    schedules = [o.vesting for o in offers] + [c.vesting for o in offers for c in o.competing]
    given = [v for v in schedules if v]
    assert None in schedules and {v.every for v in given} == {"monthly", "quarterly", "yearly"}
    assert {v.years for v in given} == {1, 2, 3, 4, 5, 6}
    assert {0, 12}.issubset({v.cliff_months for v in given}) and any(v.cliff_months > 12 for v in given)
    assert {len(o.competing) for o in offers} == {0, 1, 2, 3, 4, 5}
    assert {len(o.keep) for o in offers} == {0, 1, 2} and {o.focus for o in offers} == {None, *PAY_COMPONENTS}
    assert any(len(o.sign_on) > 1 for o in offers) and any(
        c.company == "Matching Co" for o in offers for c in o.competing
    )


def test_a_difference_that_is_zero_in_the_model_may_carry_float_rounding():
    # The float-zero (FLOAT_ROUNDING): ¥150M of stock a year against the same grant paid in pounds.
    guide = next(g for g in GUIDES if "Tokyo" in g.regions)
    band = guide.band("Tokyo")
    vesting = Vesting.even(3, cliff_months=0, every="monthly")
    offer = Offer("Aiko", guide.id, "Tokyo", "JPY", D(15_500_000), D(450_000_000), D("0.12"), vesting=vesting)
    offer = replace(offer, competing=(matched(offer, band, "GBP"),))
    xlsx = segxlsx.workbook_bytes(segxlsx.render_offer(offer, guide, OFFLINE, WORDING)[0], OFFLINE.as_of)
    book = Recalculation(xlsx)
    beyond_parity_rule = {
        address(where): (book.cached[where], book.value(where))
        for where in book.formulas
        if not same(book.cached[where], book.value(where))
    }
    assert beyond_parity_rule, "no float-zero here any more: find another case or drop FLOAT_ROUNDING"
    assert all(abs(cached) < 1e-9 < abs(ours) for cached, ours in beyond_parity_rule.values()), (
        beyond_parity_rule
    )
    check_bytes(xlsx)


# -- the check itself: it must fail on a wrong figure and on a wrong formula ---------------------


def tampered(xlsx: bytes, cell: str, old: bytes, new: bytes) -> bytes:
    """The workbook with `old` replaced by `new` in one cell of the Offer sheet (the first)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                (element,) = re.findall(rb'<c r="%s"[ >].*?</c>' % cell.encode(), data)
                assert element.count(old) == 1, (element, old)
                data = data.replace(element, element.replace(old, new))
            target.writestr(item, data)
    return out.getvalue()


@pytest.fixture(scope="module")
def ny_below() -> bytes:
    guide, offer = CASES["ny-below"]
    return segxlsx.workbook_bytes(segxlsx.render_offer(offer, guide, RATES, WORDING)[0], RATES.as_of)


def test_a_cached_value_off_by_a_cent_fails_naming_its_cell(ny_below):
    # The Offer sheet's offer_total_comp: 150,000 + 90,000 / 4 + 150,000 × 8% = 184,500.
    cell = f"B{TOTAL}"
    xlsx = tampered(ny_below, cell, b"<v>184500</v>", b"<v>184500.01</v>")
    with pytest.raises(
        AssertionError, match=rf"Offer!{cell}: the model cached 184500\.01, its formula gives 184500"
    ):
        check_bytes(xlsx)


def test_a_formula_that_rounds_up_fails_naming_its_cell(ny_below):
    # The base ask mapped to New York's band (column D of the ask's row), rounded up instead of
    # to the nearest thousand: it moves by a thousand, and the ask (column F) with it.
    cell = f"D{ASK_BASE}"
    xlsx = tampered(ny_below, cell, b"<f>ROUND(", b"<f>ROUNDUP(")
    with pytest.raises(AssertionError, match=rf"Offer!{cell}: the model cached \d+, its formula gives \d+"):
        check_bytes(xlsx)
