"""Formula text for each figure: the same rules as `figures.py`, written for Excel.

One function per rule, so "penetration = (value − min) / (max − min)" exists once in Python and
once here; the LibreOffice tests prove the two agree. Arguments are cell references or names.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..figures import NO_LEAD_CHANGE, SCENARIO_LABELS
from ..model import VEST_EVERY
from ..money import SYMBOL_FOR
from ..xlsx.text import MAX_LITERAL, chunks
from .names import rate_name


def annual_total_comp(base: str, stock: str, years: str, bonus_pct: str) -> str:
    return f"={base}+{stock}/{years}+{base}*{bonus_pct}"


def per_year(stock: str, years: str) -> str:
    return f"={stock}/{years}"


def bonus(base: str, bonus_pct: str) -> str:
    return f"={base}*{bonus_pct}"


def midpoint(low: str, high: str) -> str:
    return f"=({low}+{high})/2"


def range_penetration(value: str, low: str, high: str) -> str:
    return f"=IF({high}={low},IF({value}>={high},1,0),({value}-{low})/({high}-{low}))"


def compa_ratio(value: str, mid: str) -> str:
    return f"={value}/{mid}"


def status(value: str, low: str, high: str) -> str:
    return f'=IF({value}<{low},"below",IF({value}>{high},"above","within"))'


def ask_at(penetration: str, low: str, high: str) -> str:
    # ROUND(…,-3): asks are said in round thousands ("£152K").
    return f"=ROUND({low}+{penetration}*({high}-{low}),-3)"


def larger(value: str, other: str) -> str:
    return f"=MAX({value},{other})"


def shortfall(floor: str, value: str) -> str:
    """How far `value` is below `floor`; 0 when it is not."""
    return f"=MAX(0,{floor}-{value})"


def converted(amount: str, currency: str) -> str:
    """An amount in `currency` converted to the offer's currency through the Rates sheet."""
    return f"={amount}*{rate_name(currency)}"


def at_least(value: str, floor: str) -> str:
    return f"={value}>={floor}"


def difference(value: str, base: str) -> str:
    return f"={value}-{base}"


def relative_difference(stated: str, computed: str) -> str:
    return f"=IF({stated}=0,0,({computed}-{stated})/{stated})"


def flag_over(limit: str, *differences: str) -> str:
    worst = ",".join(f"ABS({d})" for d in differences)
    return f'=IF(MAX({worst})>{limit},"check","ok")'


def reference(value: str) -> str:
    return f"={value}"


# -- text built by formulas, mirrored by `money.short_money` and `percent_text` --------------


def money_text(value: str, currency: str) -> str:
    """An expression giving "$195K", "£1.25M" or "CHF 140K" for `value` (see `money.short_money`)."""
    # To the cent first, as the model does: a float a hair under a half thousand must round
    # the way the exact figure does.
    cents = f"ROUND({value},2)"
    symbol = SYMBOL_FOR.get(currency)
    prefix = literal(symbol if symbol else f"{currency} ")
    millions, thousands = f"ROUND({cents},-4)", f"ROUND({cents},-3)"
    return (
        f'{prefix}&IF(ABS({thousands})>=1000000,{millions}/1000000&"M",'
        f'IF({thousands}=0,"0",{thousands}/1000&"K"))'
    )


# The conditions scripts turn on (`scripts.CONDITIONS`), as `wording.conditions` decides them.
_CONDITIONS = {
    "raise_stock": "ask_stock>offer_stock",
    "raise_base": "ask_base>offer_base",
    "raise_bonus_pct": "ask_bonus_pct>offer_bonus_pct",
    "any_raise": "OR(ask_stock>offer_stock,ask_base>offer_base,ask_bonus_pct>offer_bonus_pct)",
    "walk_away_met": "walk_away_met",
    "sign_on_needed": "sign_on_to_ask>0",
}


def condition(name: str, competing_total: Callable[[int], str]) -> str:
    """A script's condition as a formula; `competing_total(i)` is competing offer i's total comp cell."""
    indexed = re.fullmatch(r"pays_more\[(\d+)\]", name)
    if indexed:  # to the cent, as `figures.leader` judges who is ahead
        return f"ROUND({competing_total(int(indexed[1]))}-offer_total_comp,2)>0"
    return _CONDITIONS[name]


def percent_text(value: str) -> str:
    """An expression giving "12%" or "12.5%" for a fraction."""
    return f'ROUND({value}*100,2)&"%"'


def literal(text: str) -> str:
    """`text` as an Excel string expression: quotes doubled, long text cut into pieces Excel takes.

    Excel refuses a string constant over 255 UTF-16 units inside a formula.
    """
    if not text:
        return '""'
    return "&".join('"' + piece.replace('"', '""') + '"' for piece in chunks(text, MAX_LITERAL))


# -- year by year: the rules of `figures.vested_share` and the Years sheet ---------------------


def months_between_vests(every: str) -> str:
    """1, 3 or 12 from the frequency's word; any other word shows #N/A rather than a guess."""
    formula = "NA()"
    for word, months in reversed(VEST_EVERY.items()):
        formula = f'IF({every}="{word}",{months},{formula})'
    return "=" + formula


def vested_share(month: str, cliff: str, period: str, years: str, percents: str) -> str:
    return "=" + vested_share_expression(month, cliff, period, years, percents)


def vested_share_expression(month: str, cliff: str, period: str, years: str, percents: str) -> str:
    """The share of the grant vested by the end of `month` (see `figures.vested_share`).

    `years` and `percents` are the schedule's year numbers and percents, `period` the months
    between vests. The month falls in year y = ROUNDUP(month/12); the years before it count in
    full, and y's own percent for the part of its vest dates already passed.
    """
    year = f"ROUNDUP({month}/12,0)"
    passed = f"(INT(({month}-12*({year}-1))/{period})*{period}/12)"
    scheduled = f'SUMIF({years},"<"&{year},{percents})+INDEX({percents},{year})*{passed}'
    return (
        f"IF(OR({month}<=0,{month}<{cliff}),0,"
        f"IF({month}>=12*ROWS({percents}),1,({scheduled})/SUM({percents})))"
    )


def vesting_in_year(stock: str, share_by_end: str, share_by_start: str | None) -> str:
    """The grant vested by the year's end minus by its start."""
    return (
        f"={stock}*{share_by_end}"
        if share_by_start is None
        else f"={stock}*({share_by_end}-{share_by_start})"
    )


def total(cells: str) -> str:
    return f"=SUM({cells})"


def average(cells: str) -> str:
    return f"=AVERAGE({cells})"


def with_share_price_change(total_comp: str, stock: str, change: str) -> str:
    """Total comp when only the stock moves with the share price."""
    return f"={total_comp}+{stock}*{change}"


def scenario_label(change: str) -> str:
    """ "Share price falls", "… flat" or "… rises", as `figures.ScenarioFigures.label` says."""
    falls, flat, rises = (literal(label) for label in SCENARIO_LABELS)
    return f"=IF({change}<0,{falls},IF({change}>0,{rises},{flat}))"


def grant_worth(stock: str, change: str) -> str:
    return f"={stock}*(1+{change})"


def year1_total_comp_at(base: str, stock: str, share_year1: str, bonus_pct: str, sign_on_year1: str) -> str:
    return f"={base}+{stock}*{share_year1}+{base}*{bonus_pct}+{sign_on_year1}"


def round_up_to_thousand(amount: str) -> str:
    # Up, so the amount said does close the gap; to cents first, so float noise (23000.000001)
    # cannot lift an exact 23,000 to 24,000.
    return f"ROUNDUP(ROUND({amount},2),-3)"


def sign_on_to_ask(at_ask: str, year1: str) -> str:
    return "=" + round_up_to_thousand(f"MAX(0,{at_ask}-{year1})")


def base_to_reach(total_comp: str, stock_annual: str, bonus_pct: str, base: str) -> str:
    return f"=MAX({base},{round_up_to_thousand(f'({total_comp}-{stock_annual})/(1+{bonus_pct})')})"


def year_one_against_average(difference: str, avg: str) -> str:
    """A sentence such as "Year one pays 12% less than the average year"."""
    share = f'TEXT(ABS({difference})/{avg},"0%")'
    return (
        f'=IF(OR({avg}=0,ROUND({difference},2)=0),"Year one pays the average year",'
        f'"Year one pays "&{share}&IF({difference}<0," less"," more")&" than the average year")'
    )


# -- competing offers ---------------------------------------------------------------------------


def competing_in_year(
    base: str, bonus: str, stock: str, share_by_end: str, share_by_start: str, sign_on: str, rate: str
) -> str:
    """A competing offer's total comp in a year: cash, the grant vesting that year, its sign-on.

    `base` and `bonus` are already in the offer's currency; the grant and sign-on are converted.
    """
    return f"={base}+{bonus}+({stock}*(({share_by_end})-({share_by_start}))+{sign_on})*{rate}"


def leader(ahead_by: str, them: str) -> str:
    # To the cent: float noise must not make two equal offers look one ahead of the other.
    return f'=IF(ROUND({ahead_by},2)>0,"this offer",IF(ROUND({ahead_by},2)<0,{them},"level"))'


def first_change(leaders: list[str], years: list[int]) -> str:
    """The first year whose leader differs from the year before's, or "no change"."""
    formula = literal(NO_LEAD_CHANGE)
    for index in range(len(leaders) - 1, 0, -1):
        formula = f"IF({leaders[index]}<>{leaders[index - 1]},{years[index]},{formula})"
    return "=" + formula
