"""Each rule of the band maths in its two forms, side by side: exact in `Decimal`, and as Excel.

`figures.py` computes every figure of a workbook with the Decimal form; the sheets write the
Excel form (`rule.formula(...)`, arguments being cell references or defined names), and every
formula cell carries the Decimal figure as its cached value. The two must agree: the tests
evaluate every formula of many generated workbooks in-process, and recalculate some in
LibreOffice. A rule's Excel form returns a whole formula ("=…") unless it says otherwise.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any

from .model import OPEN_STAGES, VEST_EVERY, Vesting
from .money import money_prefix
from .xlsx.text import excel_literal

RULES: list[Callable[..., Any]] = []  # every rule that has both forms, in the order written here


def excel(rule: Callable[..., Any]) -> Callable[[Callable[..., str]], Callable[..., str]]:
    """Give `rule` (a Decimal function) its Excel form, as `rule.formula`."""

    def attach(formula: Callable[..., str]) -> Callable[..., str]:
        rule.formula = formula  # type: ignore[attr-defined]
        RULES.append(rule)
        return formula

    return attach


THOUSAND = Decimal("1E3")
CENT = Decimal("0.01")

# -- a year of pay ---------------------------------------------------------------------------------


def annual_total_comp(base: Decimal, stock: Decimal, vesting_years: int, bonus_pct: Decimal) -> Decimal:
    """Annual total comp: base + one year of the stock grant + the target bonus."""
    return base + stock / vesting_years + base * bonus_pct


@excel(annual_total_comp)
def _(base: str, stock: str, years: str, bonus_pct: str) -> str:
    return f"={base}+{stock}/{years}+{base}*{bonus_pct}"


def stock_per_year(stock: Decimal, vesting_years: int) -> Decimal:
    """A year of the grant: the whole grant spread evenly over its vesting years."""
    return stock / vesting_years


@excel(stock_per_year)
def _(stock: str, years: str) -> str:
    return f"={stock}/{years}"


def bonus_at_target(base: Decimal, bonus_pct: Decimal) -> Decimal:
    return base * bonus_pct


@excel(bonus_at_target)
def _(base: str, bonus_pct: str) -> str:
    return f"={base}*{bonus_pct}"


def converted(amount: Decimal, rate: Decimal) -> Decimal:
    """An amount in another currency, in the offer's: `rate` is one unit of it in the offer's."""
    return amount * rate


@excel(converted)
def _(amount: str, rate: str) -> str:
    """`rate`: the rate's defined name (`rate_GBP`) or cell, on the Rates sheet."""
    return f"={amount}*{rate}"


# -- against the band --------------------------------------------------------------------------------


def midpoint(low: Decimal, high: Decimal) -> Decimal:
    return (low + high) / 2


@excel(midpoint)
def _(low: str, high: str) -> str:
    return f"=({low}+{high})/2"


def range_penetration(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """(value − min) / (max − min): 0 at the band's min, 1 at its max, outside 0..1 off the band.

    A band with min = max has no range to penetrate: at or above it counts as 1, below as 0.
    """
    if high == low:
        return Decimal(1) if value >= high else Decimal(0)
    return (value - low) / (high - low)


@excel(range_penetration)
def _(value: str, low: str, high: str) -> str:
    return f"=IF({high}={low},IF({value}>={high},1,0),({value}-{low})/({high}-{low}))"


def compa_ratio(value: Decimal, mid: Decimal) -> Decimal:
    """The offer over the band's midpoint: 1.00 is exactly mid-band."""
    return value / mid


@excel(compa_ratio)
def _(value: str, mid: str) -> str:
    return f"={value}/{mid}"


def status(value: Decimal, low: Decimal, high: Decimal) -> str:
    """Where a figure sits against its band: below, within or above."""
    return "below" if value < low else "above" if value > high else "within"


@excel(status)
def _(value: str, low: str, high: str) -> str:
    return f'=IF({value}<{low},"below",IF({value}>{high},"above","within"))'


def relative_difference(stated: Decimal, computed: Decimal) -> Decimal:
    """How far the computed figure is from the stated one, as a fraction of the stated."""
    return (computed - stated) / stated if stated else Decimal(0)


@excel(relative_difference)
def _(stated: str, computed: str) -> str:
    return f"=IF({stated}=0,0,({computed}-{stated})/{stated})"


def flag_over(limit: Decimal, *differences: Decimal) -> str:
    """ "check" when any difference is further than `limit` from 0, else "ok"."""
    return "check" if max(abs(difference) for difference in differences) > limit else "ok"


@excel(flag_over)
def _(limit: str, *differences: str) -> str:
    worst = ",".join(f"ABS({d})" for d in differences)
    return f'=IF(MAX({worst})>{limit},"check","ok")'


# -- what to ask for -------------------------------------------------------------------------------


def round_to_thousand(amount: Decimal) -> Decimal:
    """Excel's ROUND(amount, -3): half away from zero, which Decimal calls ROUND_HALF_UP."""
    return amount.quantize(THOUSAND, rounding=ROUND_HALF_UP).quantize(Decimal(1))


def ask_at(penetration: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """The amount at `penetration` through a band, rounded to the nearest 1,000.

    Asks are stated in round thousands because that is how people say them ("£152K").
    """
    return round_to_thousand(low + penetration * (high - low))


@excel(ask_at)
def _(penetration: str, low: str, high: str) -> str:
    return f"=ROUND({low}+{penetration}*({high}-{low}),-3)"


def larger(value: Decimal, other: Decimal) -> Decimal:
    """An ask is never below what is already offered: nobody asks for less than they have."""
    return max(value, other)


@excel(larger)
def _(value: str, other: str) -> str:
    return f"=MAX({value},{other})"


def difference(value: Decimal, base: Decimal) -> Decimal:
    """What `value` adds to `base`: an ask minus the offer is what the offer must still gain."""
    return value - base


@excel(difference)
def _(value: str, base: str) -> str:
    return f"={value}-{base}"


def shortfall(floor: Decimal, value: Decimal) -> Decimal:
    """How far `value` is below `floor`; 0 when it is not."""
    return max(Decimal(0), floor - value)


@excel(shortfall)
def _(floor: str, value: str) -> str:
    return f"=MAX(0,{floor}-{value})"


def at_least(value: Decimal, floor: Decimal) -> bool:
    return value >= floor


@excel(at_least)
def _(value: str, floor: str) -> str:
    return f"={value}>={floor}"


def yes_or_no(flag: bool) -> str:
    """A check as a reader says it: Yes or No (a TRUE or FALSE cell shows as such whatever its
    number format)."""
    return "Yes" if flag else "No"


@excel(yes_or_no)
def _(flag: str) -> str:
    return f'=IF({flag},"Yes","No")'


# -- year by year ------------------------------------------------------------------------------------


def months_between_vests(every: str) -> int:
    """1, 3 or 12 months from the frequency's word (a key of `model.VEST_EVERY`)."""
    return VEST_EVERY[every]


@excel(months_between_vests)
def _(every: str) -> str:
    """Any other word shows #N/A rather than a guess."""
    formula = "NA()"
    for word, months in reversed(VEST_EVERY.items()):
        formula = f'IF({every}="{word}",{months},{formula})'
    return "=" + formula


def vested_share(vesting: Vesting, month: int) -> Decimal:
    """The share of the grant (0 to 1) vested by the end of `month`, counted from the start date.

    - year y is months 12y−11 to 12y; its percent vests in equal tranches on the months of that
      year that are multiples of the frequency (every 1, 3 or 12 months);
    - nothing vests before the cliff; on the cliff, every tranche dated before it vests at once;
    - by the end of the last year the whole grant has vested. Shares are taken over the
      schedule's own total, so even over 3 years (33.33…% each, adding up to 99.99…%) still vests
      the whole grant.
    Every frequency has vested the same at a year end, so the frequency decides when within a
    year the stock arrives, and how much a cliff that is not on a year end releases; the cliff
    is what moves stock from one year to the next.
    """
    if month <= 0 or month < vesting.cliff_months:
        return Decimal(0)
    if month >= 12 * vesting.years:
        return Decimal(1)
    year = (month + 11) // 12
    period = vesting.months_between_vests
    tranches = (month - 12 * (year - 1)) // period  # vest dates of `year` passed by `month`
    passed = Decimal(tranches * period) / 12  # of the year's percent: exactly 1 at a year end
    percents = vesting.percents
    scheduled = sum(percents[: year - 1], Decimal(0)) + percents[year - 1] * passed
    return scheduled / sum(percents)


@excel(vested_share)
def _(month: str, cliff: str, period: str, years: str, percents: str) -> str:
    """The expression alone, no "=": it is a part of other formulas.

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


def vesting_in_year(stock: Decimal, share_by_end: Decimal, share_by_start: Decimal) -> Decimal:
    """What vests in a year: the grant vested by its end minus by its start, so that the years
    always add up to the whole grant."""
    return stock * share_by_end - stock * share_by_start


@excel(vesting_in_year)
def _(stock: str, share_by_end: str, share_by_start: str | None) -> str:
    """`share_by_start` None: the first year, which starts with nothing vested."""
    if share_by_start is None:
        return f"={stock}*{share_by_end}"
    return f"={stock}*({share_by_end}-{share_by_start})"


# A schedule's percents may add up to 99.99…% (three even years); further off is an edit's slip.
SCHEDULE_TOLERANCE = Decimal("0.000001")
SCHEDULE_NOTES = ("← adds up to 100%", "← not 100%: each year is scaled to the whole grant")


def schedule_note(vesting_share: Decimal) -> str:
    """Beside the schedule's total (its percents over 100): whether it adds up to 100%, which an
    edit can break. Each year is scaled to the schedule's own total, so the grant still vests."""
    ok, not_100 = SCHEDULE_NOTES
    return not_100 if abs(vesting_share - 1) > SCHEDULE_TOLERANCE else ok


@excel(schedule_note)
def _(vesting_share: str) -> str:
    ok, not_100 = SCHEDULE_NOTES
    return f"=IF(ABS({vesting_share}-1)>{SCHEDULE_TOLERANCE},{excel_literal(not_100)},{excel_literal(ok)})"


def with_share_price_change(total_comp: Decimal, stock: Decimal, change: Decimal) -> Decimal:
    """A year's total comp when only the stock moves with the share price; base, bonus and
    sign-on are cash."""
    return total_comp + stock * change


@excel(with_share_price_change)
def _(total_comp: str, stock: str, change: str) -> str:
    return f"={total_comp}+{stock}*{change}"


def grant_worth(stock: Decimal, change: Decimal) -> Decimal:
    return stock * (1 + change)


@excel(grant_worth)
def _(stock: str, change: str) -> str:
    return f"={stock}*(1+{change})"


SCENARIO_LABELS = ("Share price falls", "Share price flat", "Share price rises")


def scenario_label(change: Decimal) -> str:
    falls, flat, rises = SCENARIO_LABELS
    return falls if change < 0 else rises if change > 0 else flat


@excel(scenario_label)
def _(change: str) -> str:
    falls, flat, rises = (excel_literal(label) for label in SCENARIO_LABELS)
    return f"=IF({change}<0,{falls},IF({change}>0,{rises},{flat}))"


def year1_total_comp_at(
    base: Decimal, stock: Decimal, share_year1: Decimal, bonus_pct: Decimal, sign_on_year1: Decimal
) -> Decimal:
    """Year one's total comp at a base, a grant and a bonus %: the grant as much as vests in it."""
    return base + stock * share_year1 + base * bonus_pct + sign_on_year1


@excel(year1_total_comp_at)
def _(base: str, stock: str, share_year1: str, bonus_pct: str, sign_on_year1: str) -> str:
    return f"={base}+{stock}*{share_year1}+{base}*{bonus_pct}+{sign_on_year1}"


def round_up_to_thousand(amount: Decimal) -> Decimal:
    """Excel's ROUNDUP(ROUND(amount, 2), -3): to the next 1,000, away from zero.

    Up, not to the nearest, so that the amount said does close the gap. Rounding to cents
    first keeps a float's last-digit noise in the workbook (23000.000000001) from lifting an
    exact 23,000 to 24,000.
    """
    cents = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return cents.quantize(THOUSAND, rounding=ROUND_UP).quantize(Decimal(1))


@excel(round_up_to_thousand)
def _(amount: str) -> str:
    """The expression alone, no "=": it is a part of other formulas."""
    return f"ROUNDUP(ROUND({amount},2),-3)"


def sign_on_to_ask(year1_at_ask: Decimal, year1: Decimal) -> Decimal:
    """The extra year-one sign-on that lifts year one to its value at the asks; 0 when there."""
    return round_up_to_thousand(max(Decimal(0), year1_at_ask - year1))


@excel(sign_on_to_ask)
def _(at_ask: str, year1: str) -> str:
    return "=" + round_up_to_thousand.formula(f"MAX(0,{at_ask}-{year1})")  # type: ignore[attr-defined]


def base_to_reach(total_comp: Decimal, stock_annual: Decimal, bonus_pct: Decimal, base: Decimal) -> Decimal:
    """The base whose annual total comp, with this stock per year and bonus %, reaches `total_comp`.

    Never below the offer's own base: a package already there needs no raise.
    """
    return max(base, round_up_to_thousand((total_comp - stock_annual) / (1 + bonus_pct)))


@excel(base_to_reach)
def _(total_comp: str, stock_annual: str, bonus_pct: str, base: str) -> str:
    reached = round_up_to_thousand.formula(f"({total_comp}-{stock_annual})/(1+{bonus_pct})")  # type: ignore[attr-defined]
    return f"=MAX({base},{reached})"


# -- what is worth asking for ---------------------------------------------------------------------

# A raise worth less than this share of a year's pay is not asked for: a coach would not spend
# the candidate's goodwill on it, and it is within what rounding and a rate's move make of the
# figures anyway. Nor one under 1,000 of the currency: asks are said to the nearest thousand.
FLOOR_SHARE = Decimal("0.01")
FLOOR_MINIMUM = Decimal(1000)


def ask_floor(total_comp: Decimal) -> Decimal:
    """The least raise a year worth asking for: 1% of annual total comp to the nearest 1,000
    (as prose says it, so the note's "$3K" is the floor itself), and at least 1,000.

    Rounded to the cent first, as the workbook's formula does.
    """
    share = (total_comp * FLOOR_SHARE).quantize(CENT, rounding=ROUND_HALF_UP)
    return max(FLOOR_MINIMUM, round_to_thousand(share))


@excel(ask_floor)
def _(total_comp: str) -> str:
    return f"=MAX({FLOOR_MINIMUM},ROUND(ROUND({total_comp}*{FLOOR_SHARE},2),-3))"


def ask_for(
    target: Decimal, offered: Decimal, times: Decimal, over: Decimal, floor: Decimal, kept: bool
) -> Decimal:
    """What to ask for one component: the target carried to this band, never below the offer;
    the offer itself when the candidate keeps it, or when the raise is worth less than `floor`
    a year.

    A year of the raise is the raise × `times` / `over`: a base is a year already (1, 1), a
    grant vests over its years (1, years), a bonus % is paid on the base (base, 1). Compared
    to the cent, without dividing, so both forms judge the same figures alike.
    """
    raised = larger(target, offered)
    worth = ((raised - offered) * times).quantize(CENT, rounding=ROUND_HALF_UP)
    if kept or worth < (floor * over).quantize(CENT, rounding=ROUND_HALF_UP):
        return offered
    return raised


@excel(ask_for)
def _(target: str, offered: str, times: str, over: str, floor: str, kept: str) -> str:
    """`kept`: a condition, such as `kept.formula(...)`."""
    raised = f"MAX({target},{offered})"
    return f"=IF(OR({kept},ROUND(({raised}-{offered})*{times},2)<ROUND({floor}*{over},2)),{offered},{raised})"


# How each component is found in a workbook's `keep` and `focus` cells ("base, sign_on"): any
# spelling an offer file accepts holds the word, and no component's word is in another's.
COMPONENT_WORDS = {"base": "base", "stock": "stock", "bonus": "bonus", "sign_on": "sign"}


def kept(component: str, components: tuple[str, ...]) -> bool:
    """Whether `component` is among the components a candidate named (in `keep` or `focus`)."""
    return component in components


@excel(kept)
def _(component: str, cell: str) -> str:
    """The expression alone, no "=": a condition of other formulas. `component` is a key of
    COMPONENT_WORDS, written into the formula; `cell` the text cell that lists them."""
    return f'ISNUMBER(SEARCH("{COMPONENT_WORDS[component]}",{cell}))'


def grant_sign_on(ask_stock: Decimal, offer_stock: Decimal, share_year1: Decimal) -> Decimal:
    """The grant's share of the year-one gap: how much more of the grant at the ask than as
    offered would vest in year one, rounded up to 1,000. The sign-on that stands in for the
    grant's first year if the grant cannot move; 0 when no raise in the grant is asked."""
    return round_up_to_thousand(max(Decimal(0), (ask_stock - offer_stock) * share_year1))


@excel(grant_sign_on)
def _(ask_stock: str, offer_stock: str, share_year1: str) -> str:
    return "=" + round_up_to_thousand.formula(f"MAX(0,({ask_stock}-{offer_stock})*{share_year1})")  # type: ignore[attr-defined]


# Where a figure sits in its band, in words, by its whole percent of the way from min to max.
PLACES = (
    (0, "below the band"),
    (1, "at the bottom"),
    (25, "in the bottom quarter"),
    (50, "in the lower half"),
    (51, "at the midpoint"),
    (75, "in the upper half"),
    (100, "in the top quarter"),
    (101, "at the top"),
)
ABOVE_THE_BAND = "above the band"


def band_place(penetration: Decimal) -> str:
    """ "in the top quarter (88% of the way from min to max)", or "below the band".

    Judged on the whole percent said (to the cent first, as `short_money` rounds), so the
    words and the number never disagree.
    """
    percent = (
        (penetration * 100)
        .quantize(CENT, rounding=ROUND_HALF_UP)
        .quantize(Decimal(1), rounding=ROUND_HALF_UP)
    )
    percent = percent if percent else Decimal(0)  # never "-0%"
    words = next((words for below, words in PLACES if percent < below), ABOVE_THE_BAND)
    if 0 <= percent <= 100:
        return f"{words} ({percent}% of the way from min to max)"
    return words


@excel(band_place)
def _(penetration: str) -> str:
    """The expression alone, no "=": a part of the scripts' sentences."""
    percent = f"ROUND(ROUND({penetration}*100,2),0)"
    words = excel_literal(ABOVE_THE_BAND)
    for below, said in reversed(PLACES):
        words = f"IF({percent}<{below},{excel_literal(said)},{words})"
    way = f'" ("&{percent}&"% of the way from min to max)"'
    return f'{words}&IF(AND({percent}>=0,{percent}<=100),{way},"")'


def whole_percent(fraction: Decimal) -> str:
    """Excel's TEXT(fraction, "0%"): a whole percent, half away from zero."""
    return f"{(fraction * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def year_one_against_average(year1: Decimal, average: Decimal) -> str:
    """A sentence such as "Year one pays 12% less than the average year"."""
    gap = year1 - average
    if average == 0 or gap.quantize(CENT, rounding=ROUND_HALF_UP) == 0:
        return "Year one pays the average year"
    side = "less" if gap < 0 else "more"
    return f"Year one pays {whole_percent(abs(gap) / average)} {side} than the average year"


@excel(year_one_against_average)
def _(gap: str, average: str) -> str:
    """`gap`: year one minus the average, already a cell."""
    share = f'TEXT(ABS({gap})/{average},"0%")'
    return (
        f'=IF(OR({average}=0,ROUND({gap},2)=0),"Year one pays the average year",'
        f'"Year one pays "&{share}&IF({gap}<0," less"," more")&" than the average year")'
    )


# -- competing offers ------------------------------------------------------------------------------

NO_LEAD_CHANGE = "no change"


def competing_in_year(
    base: Decimal,
    bonus: Decimal,
    stock: Decimal,
    share_by_end: Decimal,
    share_by_start: Decimal,
    sign_on: Decimal,
    rate: Decimal,
) -> Decimal:
    """A competing offer's total comp in a year: cash, the grant vesting that year, its sign-on.

    `base` and `bonus` are already in the offer's currency; the grant and sign-on are converted.
    """
    return base + bonus + (stock * (share_by_end - share_by_start) + sign_on) * rate


@excel(competing_in_year)
def _(
    base: str, bonus: str, stock: str, share_by_end: str, share_by_start: str, sign_on: str, rate: str
) -> str:
    return f"={base}+{bonus}+({stock}*(({share_by_end})-({share_by_start}))+{sign_on})*{rate}"


def leader(ahead_by: Decimal) -> int:
    """1 when this offer is ahead, −1 behind, 0 level: to the cent, so that float noise never
    makes two equal offers look one ahead of the other."""
    cents = ahead_by.quantize(CENT, rounding=ROUND_HALF_UP)
    return (cents > 0) - (cents < 0)


@excel(leader)
def _(ahead_by: str, them: str) -> str:
    """Who is ahead, in words: "this offer", the other company's name (`them`), or "level"."""
    return f'=IF(ROUND({ahead_by},2)>0,"this offer",IF(ROUND({ahead_by},2)<0,{them},"level"))'


def lead_change_year(ahead_by: tuple[Decimal, ...]) -> int | None:
    """The first year whose leader (this offer, the other, or level) differs from the year before."""
    leaders = [leader(gap) for gap in ahead_by]
    for year in range(2, len(leaders) + 1):
        if leaders[year - 1] != leaders[year - 2]:
            return year
    return None


@excel(lead_change_year)
def _(leaders: list[str], years: list[int]) -> str:
    """`leaders`: the cells saying who is ahead each year; the year, or "no change"."""
    formula = excel_literal(NO_LEAD_CHANGE)
    for index in range(len(leaders) - 1, 0, -1):
        formula = f"IF({leaders[index]}<>{leaders[index - 1]},{years[index]},{formula})"
    return "=" + formula


# -- money in words ---------------------------------------------------------------------------------


def short_money(amount: Decimal, currency: str) -> str:
    """Money as scripts say it: "$195K", "$276K" for 275,949, "£1.25M", "CHF 140K".

    One way everywhere in prose: to the nearest thousand with K, from a million to the nearest
    ten thousand with M; exact figures belong in tables. Judged to the cent first, as the
    workbook's formula does, so both round the same float-free amount.
    """
    cents = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    millions = cents.quantize(Decimal("1E4"), rounding=ROUND_HALF_UP)
    thousands = cents.quantize(THOUSAND, rounding=ROUND_HALF_UP)
    if abs(thousands) >= 1_000_000:
        number = f"{(millions / 1_000_000).normalize():f}M"
    elif thousands == 0:
        number = "0"
    else:
        number = f"{(thousands / 1000).normalize():f}K"
    return f"{money_prefix(currency)}{number}"


@excel(short_money)
def _(value: str, currency: str) -> str:
    """The expression alone, no "=": it is a part of the scripts' sentences."""
    cents = f"ROUND({value},2)"
    prefix = excel_literal(money_prefix(currency))
    millions, thousands = f"ROUND({cents},-4)", f"ROUND({cents},-3)"
    return (
        f'{prefix}&IF(ABS({thousands})>=1000000,{millions}/1000000&"M",'
        f'IF({thousands}=0,"0",{thousands}/1000&"K"))'
    )


def short_percent(fraction: Decimal) -> str:
    """ "12%" or "12.5%": a percent to two places at most, as the scripts say it."""
    percent = (fraction * 100).quantize(CENT, rounding=ROUND_HALF_UP).normalize()
    return f"{percent:f}%"


@excel(short_percent)
def _(value: str) -> str:
    """The expression alone, no "=": it is a part of the scripts' sentences."""
    return f'ROUND({value}*100,2)&"%"'


# -- deadlines ----------------------------------------------------------------------------------

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")  # fmt: skip


def open_stage(stage: str) -> bool:
    """Whether an offer at `stage` still waits for a decision (verbal or written)."""
    return stage in OPEN_STAGES


@excel(open_stage)
def _(stage: str) -> str:
    """The expression alone, no "=": a condition of other formulas."""
    return f"OR({','.join(f'{stage}={excel_literal(word)}' for word in OPEN_STAGES)})"


def decision_due(is_open: bool, *deadlines: date | None) -> date | None:
    """The day a decision is due: the first of the deadlines given (this offer's and its
    competing offers'), while the offer is open; None when none is given or it is settled."""
    given = [day for day in deadlines if day is not None]
    return min(given) if is_open and given else None


@excel(decision_due)
def _(is_open: str, *deadlines: str) -> str:
    """`deadlines`: cells, each a date or empty (MIN and COUNT pass over empty cells)."""
    listed = ",".join(deadlines)
    return f'=IF(AND({is_open},COUNT({listed})>0),MIN({listed}),"")'


def working_day_before(day: date | None) -> date | None:
    """The last working day (Monday to Friday) before `day`: a deadline on a Monday or at a
    weekend is answered on the Friday before."""
    if day is None:
        return None
    return day - timedelta(days={0: 3, 6: 2}.get(day.weekday(), 1))


@excel(working_day_before)
def _(day: str) -> str:
    # WEEKDAY counts Sunday as 1: back 2 days from a Sunday, 3 from a Monday, else 1.
    return f'=IF(ISNUMBER({day}),{day}-CHOOSE(WEEKDAY({day}),2,3,1,1,1,1,1),"")'


def day_in_words(day: date | None, year: bool = True) -> str:
    """ "Friday 12 December 2026", or "Friday 12 December" as a sentence says it; "" for none.

    In English whoever opens the workbook: TEXT(day, "dddd d mmmm") would give "Freitag" in a
    German Excel, whose TEXT even reads its format letters in the reader's language ("TTTT").
    """
    if day is None:
        return ""
    words = f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"
    return f"{words} {day.year}" if year else words


@excel(day_in_words)
def _(day: str, year: bool = True) -> str:
    """The expression alone, no "=": a cell's text, or a part of the scripts' sentences."""
    # WEEKDAY counts from Sunday; DAY_NAMES from Monday.
    weekday = ",".join(excel_literal(name) for name in (DAY_NAMES[-1], *DAY_NAMES[:-1]))
    month = ",".join(excel_literal(name) for name in MONTH_NAMES)
    words = f'CHOOSE(WEEKDAY({day}),{weekday})&" "&DAY({day})&" "&CHOOSE(MONTH({day}),{month})'
    if year:
        words += f'&" "&YEAR({day})'
    return f'IF(ISNUMBER({day}),{words},"")'
