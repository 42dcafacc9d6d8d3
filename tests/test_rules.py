"""Each rule's two forms agree: its Decimal form and its Excel formula, evaluated in-process.

`rules.py` writes every rule of the band maths twice, side by side. Here each pair is evaluated
on generated arguments, the formula with the arguments written in as numbers or text and
computed by `formulas` (a pure-Python Excel evaluator), and compared with the Decimal form: a
drift in either fails in a second, before any workbook is built. The workbooks' own formulas,
wired to their cells, are checked in test_formulas_match_model.py and, in LibreOffice, in
test_workbook.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import formulas  # test-only (pyproject's `test` extra)
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from segxlsx import rules

# Amounts as offers have them, and ones on the half-thousand, where rounding rules differ.
money = st.one_of(
    st.integers(0, 3_000_000).map(Decimal),
    st.integers(0, 6_000).map(lambda n: Decimal(n * 500)),
    st.decimals(0, 3_000_000, places=2),
)
signed = st.one_of(money, money.map(lambda amount: -amount))
fraction = st.decimals(0, 1, places=4)
change = st.decimals(-1, 1, places=2)
years = st.integers(1, 10)
words = st.sampled_from(["monthly", "quarterly", "yearly"])
currencies = st.sampled_from(["USD", "GBP", "EUR", "JPY", "CHF", "INR", "CAD"])


@dataclass(frozen=True)
class Case:
    """How to draw a rule's arguments, and how the formula's value compares with the Decimal's."""

    arguments: Callable[[Any], tuple[Any, ...]]  # draw -> the Decimal form's arguments
    formula_arguments: Callable[..., tuple[str, ...]] | None = (
        None  # those arguments as the formula takes them
    )
    expected: Callable[[Any], Any] = lambda value: value  # the Decimal form's value as the formula shows it


def _number(value: Any) -> str:
    text = f"{value}" if not isinstance(value, Decimal) else f"{value:f}"
    return f"({text})" if text.startswith("-") else text


def _no_exact_half_percent(year1: Decimal, average: Decimal) -> tuple[Decimal, Decimal]:
    assume(abs(year1 - average) / average * 100 % 1 != Decimal("0.5"))
    return year1, average


def _no_exact_half(value: Decimal, scale: int) -> Decimal:
    assume(value * scale % 1 != Decimal("0.5"))
    return value


def _text(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _plain(*values: Any) -> tuple[str, ...]:
    return tuple(_number(value) for value in values)


# Every rule of `rules.RULES` with its arguments, but those whose formula reads ranges of cells
# (the vesting schedule, the years' leaders): those are checked through whole workbooks.
CASES: dict[str, Case] = {
    "annual_total_comp": Case(lambda d: (d(money), d(money), d(years), d(fraction))),
    "stock_per_year": Case(lambda d: (d(money), d(years))),
    "bonus_at_target": Case(lambda d: (d(money), d(fraction))),
    "converted": Case(lambda d: (d(money), d(st.decimals(Decimal("0.001"), 200, places=6)))),
    "midpoint": Case(lambda d: (d(money), d(money))),
    "range_penetration": Case(lambda d: (d(money), d(money), d(money))),
    "compa_ratio": Case(lambda d: (d(money), d(money.filter(bool)))),
    "status": Case(lambda d: (d(money), d(money), d(money))),
    "relative_difference": Case(lambda d: (d(money), d(money))),
    "flag_over": Case(
        lambda d: (Decimal("0.02"), d(st.decimals(-1, 1, places=4)), d(st.decimals(-1, 1, places=4)))
    ),
    "ask_at": Case(lambda d: (d(st.decimals(-1, 2, places=4)), d(money), d(money))),
    "larger": Case(lambda d: (d(money), d(money))),
    "difference": Case(lambda d: (d(signed), d(signed))),
    "shortfall": Case(lambda d: (d(money), d(money))),
    "at_least": Case(lambda d: (d(money), d(money))),
    "yes_or_no": Case(lambda d: (d(st.booleans()),), lambda flag: ("TRUE" if flag else "FALSE",)),
    "months_between_vests": Case(lambda d: (d(words),), lambda every: (_text(every),)),
    "with_share_price_change": Case(lambda d: (d(money), d(money), d(change))),
    "grant_worth": Case(lambda d: (d(money), d(change))),
    "scenario_label": Case(lambda d: (d(change),)),
    "year1_total_comp_at": Case(lambda d: (d(money), d(money), d(fraction), d(fraction), d(money))),
    "round_up_to_thousand": Case(lambda d: (d(signed),)),
    "sign_on_to_ask": Case(lambda d: (d(money), d(money))),
    "base_to_reach": Case(lambda d: (d(money), d(money), d(fraction), d(money))),
    # TEXT(…, "0%") in `formulas` rounds exact halves to even where Excel and the model round
    # them up: a gap of exactly half a percent of the average is left out.
    "year_one_against_average": Case(
        lambda d: _no_exact_half_percent(d(money), d(money.filter(bool))),
        lambda year1, average: _plain(year1 - average, average),
    ),
    "competing_in_year": Case(
        lambda d: (
            d(money),
            d(money),
            d(money),
            Decimal(1),
            d(fraction),
            d(money),
            d(st.decimals("0.01", 10, places=4)),
        )
    ),
    "leader": Case(
        lambda d: (d(signed),),
        lambda gap: (_number(gap), _text("Other")),
        lambda lead: {1: "this offer", -1: "Other", 0: "level"}[lead],
    ),
    "short_money": Case(lambda d: (d(signed), d(currencies)), lambda amount, code: (_number(amount), code)),
    # ROUND(…, 2) in `formulas` rounds the float (0.035 is 0.03499…) where Excel and LibreOffice
    # round the 15 digits they show, as the model does: an exact half is left out here.
    "short_percent": Case(lambda d: (_no_exact_half(d(st.decimals(0, 1, places=6)), 10_000),)),
    "schedule_note": Case(lambda d: (d(st.decimals("0.9", "1.1", places=8)),)),
    "ask_floor": Case(lambda d: (d(money),)),
    # As the Offer sheet asks: a base (a year already), a grant (over its years), a bonus % (of the base).
    "ask_for": Case(
        lambda d: (
            d(
                st.one_of(
                    st.tuples(money, money, st.just(Decimal(1)), st.just(Decimal(1))),
                    st.tuples(money, money, st.just(Decimal(1)), st.sampled_from([Decimal(3), Decimal(4)])),
                    st.tuples(fraction, fraction, money, st.just(Decimal(1))),
                )
            )
            + (d(st.one_of(money, st.integers(2, 30).map(lambda n: Decimal(n * 500)))), d(st.booleans()))
        ),
        lambda target, offered, times, over, floor, kept: (
            *_plain(target, offered, times, over, floor),
            "TRUE" if kept else "FALSE",
        ),
    ),
    "kept": Case(
        lambda d: (
            d(st.sampled_from(["base", "stock", "bonus", "sign_on"])),
            tuple(d(st.lists(st.sampled_from(["base", "stock", "bonus", "sign_on"]), unique=True))),
        ),
        lambda component, components: (component, _text(", ".join(components))),
    ),
    "grant_sign_on": Case(lambda d: (d(money), d(money), d(fraction))),
    "band_place": Case(
        lambda d: (
            d(
                st.one_of(
                    st.decimals(-1, 2, places=4),
                    st.sampled_from(
                        [
                            Decimal(0),
                            Decimal("0.25"),
                            Decimal("0.5"),
                            Decimal("0.75"),
                            Decimal(1),
                            Decimal("-0.001"),
                            Decimal("0.995"),
                        ]
                    ),
                )
            ),
        )
    ),
}
ELSEWHERE = {"vested_share", "vesting_in_year", "lead_change_year"}  # their formulas read ranges


def test_every_rule_is_checked_here_or_through_whole_workbooks():
    names = {rule.__name__ for rule in rules.RULES}
    assert names == set(CASES) | ELSEWHERE


@cache
def _compiled(formula: str) -> Callable[[], Any]:
    return formulas.Parser().ast(formula if formula.startswith("=") else f"={formula}")[1].compile()


def _evaluated(formula: str) -> Any:
    value = _compiled(formula)()
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, bool) or isinstance(value, str):
        return value
    return Decimal(repr(float(value)))


def _same(shown: Any, exact: Any) -> bool:
    if isinstance(exact, bool) or isinstance(exact, str):
        return shown == exact
    exact = Decimal(exact)
    return abs(shown - exact) <= max(Decimal("1e-9"), abs(exact) * Decimal("1e-12"))


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_rules_formula_equals_its_decimal_form(name, data):
    case, rule = CASES[name], getattr(rules, name)
    arguments = case.arguments(data.draw)
    try:
        exact = rule(*arguments)
    except (ArithmeticError, ZeroDivisionError):
        return  # no figure to compare (a band with min = max is the rule's own business)
    formula_arguments = (case.formula_arguments or _plain)(*arguments)
    formula = rule.formula(*formula_arguments)
    shown = _evaluated(formula)
    assert _same(shown, case.expected(exact)), (
        f"{name}{arguments}: Decimal gives {exact!r}, {formula} gives {shown!r}"
    )


def test_a_rule_that_drifted_is_caught():
    """The check itself: ROUND swapped for ROUNDUP in the ask is found on the first half-thousand."""
    exact = rules.ask_at(Decimal("0.5"), Decimal(100_000), Decimal(101_000))  # 100,500: rounds up to 101,000
    drifted = rules.ask_at.formula("0.5", "100000", "101000").replace("ROUND(", "ROUNDDOWN(")
    assert not _same(_evaluated(drifted), exact)
    assert _same(_evaluated(rules.ask_at.formula("0.5", "100000", "101000")), exact)
