"""Every figure of one offer's workbook, computed once, exactly, in `Decimal`.

Each figure is a rule of `rules.py` applied to the offer, its guide and the rates; the sheets
write the same rule's Excel form in its cell, with this figure as the cell's cached value.
`OfferFigures` names its scalar figures as the workbook's defined names. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .model import Band, CompetingOffer, Guide, Offer, Range, Vesting, check_sign_on_years, schedule_of
from .rules import (
    NO_LEAD_CHANGE,
    annual_total_comp,
    ask_at,
    ask_floor,
    ask_for,
    at_least,
    base_to_reach,
    bonus_at_target,
    compa_ratio,
    competing_in_year,
    converted,
    decision_due,
    difference,
    flag_over,
    grant_sign_on,
    grant_worth,
    kept,
    larger,
    lead_change_year,
    leader,
    midpoint,
    open_stage,
    range_penetration,
    relative_difference,
    scenario_label,
    schedule_note,
    shortfall,
    sign_on_to_ask,
    status,
    stock_per_year,
    vested_share,
    vesting_in_year,
    with_share_price_change,
    working_day_before,
    year1_total_comp_at,
    year_one_against_average,
)

if TYPE_CHECKING:  # rates.py reads files; the maths only needs the table's shape
    from .sources.rates import RateTable

# A stated total comp further than this from base + stock/yr + bonus is flagged for review.
DISCREPANCY_LIMIT = Decimal("0.02")
# The share-price changes the Years sheet starts with (its input cells): a fall, flat, a rise.
STOCK_SCENARIOS = (Decimal("-0.3"), Decimal(0), Decimal("0.3"))


def band_total_comp(band: Band) -> Range:
    """The band's annual total comp computed from its parts, not as the guide states it."""
    return Range(
        annual_total_comp(band.base.min, band.stock.min, band.vesting_years, band.bonus_pct.min),
        annual_total_comp(band.base.max, band.stock.max, band.vesting_years, band.bonus_pct.max),
    )


@dataclass(frozen=True)
class TotalCompCheck:
    """A band's stated total comp beside the computed one, with the >2% flag."""

    stated: Range
    computed: Range
    min_difference: Decimal  # (computed − stated) / stated
    max_difference: Decimal

    @property
    def flagged(self) -> bool:
        return max(abs(self.min_difference), abs(self.max_difference)) > DISCREPANCY_LIMIT

    @property
    def flag(self) -> str:
        """What the Bands sheet's flag column reads: "check" or "ok"."""
        return flag_over(DISCREPANCY_LIMIT, self.min_difference, self.max_difference)


def total_comp_check(band: Band) -> TotalCompCheck:
    computed = band_total_comp(band)
    stated = band.total_comp_stated
    return TotalCompCheck(
        stated,
        computed,
        relative_difference(stated.min, computed.min),
        relative_difference(stated.max, computed.max),
    )


# -- one offer against its band --------------------------------------------------------------


def scaled(band_range: Range, rate: Decimal) -> Range:
    """A band range converted by a rate (value of one band-currency unit in the offer's)."""
    return Range(converted(band_range.min, rate), converted(band_range.max, rate))


@dataclass(frozen=True)
class Comparison:
    """One figure of the offer against its band: a row of the Offer sheet's comparison."""

    offered: Decimal
    band: Range
    midpoint: Decimal
    penetration: Decimal
    status: str  # below / within / above

    @property
    def band_width(self) -> Decimal:
        """Max minus min: the floating bar the chart draws from the band's min."""
        return self.band.max - self.band.min


def comparison(offered: Decimal, band_range: Range) -> Comparison:
    return Comparison(
        offered,
        band_range,
        midpoint(band_range.min, band_range.max),
        range_penetration(offered, band_range.min, band_range.max),
        status(offered, band_range.min, band_range.max),
    )


@dataclass(frozen=True)
class ChartRow:
    """One bar of the Offer sheet's chart: a yearly figure's band, from min to max, and the offer."""

    label: str
    band: Range
    offered: Decimal

    @property
    def width(self) -> Decimal:
        return self.band.max - self.band.min

    @property
    def midpoint(self) -> Decimal:
        return midpoint(self.band.min, self.band.max)


def band_chart(against: dict[str, Comparison], band_years: int, offer_years: int) -> tuple[ChartRow, ...]:
    """Yearly figures only, so the bars share an axis: the grant is shown per year, not whole."""
    stock = against["stock"]
    per_year = Range(stock.band.min / band_years, stock.band.max / band_years)
    return (
        ChartRow("Base salary", against["base"].band, against["base"].offered),
        ChartRow("Stock per year", per_year, stock.offered / offer_years),
        ChartRow("Annual total comp", against["total_comp"].band, against["total_comp"].offered),
    )


@dataclass(frozen=True)
class Ask:
    """One row of "What to ask for": the guide's target, where it sits, and what to ask here.

    The walk-away row reads the same way, its "ask" being the least stock worth accepting.
    """

    target: Decimal  # as the guide states it, in the reference band's currency
    target_penetration: Decimal | None  # in the reference band; None for the bonus %, asked as given
    in_band: Decimal  # the target carried to the offer's band, in the offer's currency
    offered: Decimal
    # What may hold an ask at the offer (`rules.ask_for`): the candidate keeps the component, or
    # the raise is worth less than `floor` a year (a year of it is the raise × times / over).
    # No floor: the walk-away, which is a line, not an ask.
    kept: bool = False
    floor: Decimal | None = None
    times: Decimal = Decimal(1)
    over: Decimal = Decimal(1)

    @property
    def ask(self) -> Decimal:
        """Never below what is already offered: nobody asks for less than they have; and the
        offer itself for a component kept, or a raise not worth asking for."""
        if self.floor is None:
            return larger(self.in_band, self.offered)
        return ask_for(self.in_band, self.offered, self.times, self.over, self.floor, self.kept)

    @property
    def held(self) -> bool:
        """The target is above the offer, yet the offer is what is asked (kept, or under the floor)."""
        return larger(self.in_band, self.offered) > self.offered and not self.raise_needed

    @property
    def gap(self) -> Decimal:
        """Ask minus offer: what the offer must still gain, 0 when it is there already."""
        return difference(self.ask, self.offered)

    @property
    def raise_needed(self) -> bool:
        return self.ask > self.offered


def mapped_ask(target: Decimal, reference: Range, band_range: Range, offered: Decimal, **holds: Any) -> Ask:
    """A target keeps its range penetration in the reference band, applied to the offer's band.

    `holds`: what may hold the ask at the offer (`Ask.kept`, `floor`, `times`, `over`).
    """
    penetration = range_penetration(target, reference.min, reference.max)
    return Ask(target, penetration, ask_at(penetration, band_range.min, band_range.max), offered, **holds)


@dataclass(frozen=True)
class BandFigures:
    """A band as the Bands sheet shows it: stated beside computed, and in the offer's currency."""

    region: str
    check: TotalCompCheck  # in the band's own currency
    base: Range  # converted to the offer's currency, like the two below
    stock: Range
    total_comp: Range


def band_figures(band: Band, rate: Decimal) -> BandFigures:
    check = total_comp_check(band)
    return BandFigures(
        band.region, check, scaled(band.base, rate), scaled(band.stock, rate), scaled(check.computed, rate)
    )


# -- year by year --------------------------------------------------------------------------------


def stock_by_year(stock: Decimal, vesting: Vesting) -> tuple[Decimal, ...]:
    """What vests in each 12-month year: the grant vested by the year's end minus by its start.

    Taken as differences of running totals, so the years always add up to the whole grant.
    """
    shares = [vested_share(vesting, 12 * year) for year in range(vesting.years + 1)]
    return tuple(
        vesting_in_year(stock, shares[year], shares[year - 1]) for year in range(1, vesting.years + 1)
    )


@dataclass(frozen=True)
class YearFigures:
    """One row of the Years sheet, in the offer's currency."""

    year: int
    vesting_pct: Decimal  # the schedule's percent for the year, as written (25 is 25%)
    vested_share: Decimal  # of the whole grant, by the end of the year
    stock: Decimal  # vesting in the year
    base: Decimal
    bonus: Decimal  # at target
    sign_on: Decimal  # paid in the year
    total_comp: Decimal
    cumulative: Decimal


def year_by_year(offer: Offer, vesting: Vesting) -> tuple[YearFigures, ...]:
    """Each year's pay: base, the stock vesting that year, target bonus and that year's sign-on."""
    check_sign_on_years(offer.sign_on, vesting.years)
    sign_on = offer.sign_on + (Decimal(0),) * (vesting.years - len(offer.sign_on))
    bonus = bonus_at_target(offer.base, offer.bonus_pct)
    rows: list[YearFigures] = []
    cumulative = Decimal(0)
    for year, stock in enumerate(stock_by_year(offer.stock, vesting), start=1):
        total = offer.base + stock + bonus + sign_on[year - 1]
        cumulative += total
        rows.append(
            YearFigures(
                year=year,
                vesting_pct=vesting.percents[year - 1],
                vested_share=vested_share(vesting, 12 * year),
                stock=stock,
                base=offer.base,
                bonus=bonus,
                sign_on=sign_on[year - 1],
                total_comp=total,
                cumulative=cumulative,
            )
        )
    return tuple(rows)


@dataclass(frozen=True)
class ScenarioFigures:
    """The grant and each year's total comp if the share price moved by `change` (0.3 is +30%)."""

    change: Decimal
    grant_value: Decimal
    by_year: tuple[Decimal, ...]
    average: Decimal

    @property
    def label(self) -> str:
        return scenario_label(self.change)


def stock_scenario(change: Decimal, stock: Decimal, years: tuple[YearFigures, ...]) -> ScenarioFigures:
    """Only the stock moves with the share price; base, bonus and sign-on are cash."""
    by_year = tuple(with_share_price_change(row.total_comp, row.stock, change) for row in years)
    return ScenarioFigures(change, grant_worth(stock, change), by_year, sum(by_year) / len(by_year))


@dataclass(frozen=True)
class YearTotals:
    """The Years table's bottom row: each column over the vesting years."""

    vesting_share: Decimal  # the schedule's percents over 100: 1 when they add up to 100%
    stock: Decimal
    base: Decimal
    bonus: Decimal
    sign_on: Decimal
    total_comp: Decimal

    @property
    def schedule_note(self) -> str:
        """Beside the schedule's total: whether it adds up to 100%, which an edit can break."""
        return schedule_note(self.vesting_share)


def year_totals(years: tuple[YearFigures, ...]) -> YearTotals:
    def total(column: str) -> Decimal:
        return sum((getattr(row, column) for row in years), Decimal(0))

    return YearTotals(
        total("vesting_pct") / 100,
        total("stock"),
        total("base"),
        total("bonus"),
        total("sign_on"),
        total("total_comp"),
    )


# -- competing offers -----------------------------------------------------------------------------


# Compare totals every offer over its first four years: the usual grant, and a usual first stay.
TOTAL_YEARS = 4


def compare_years(this_years: int, others: list[Vesting]) -> int:
    """How many years the Compare sheet runs: every schedule in full, and at least TOTAL_YEARS."""
    return max(TOTAL_YEARS, this_years, *(vesting.years for vesting in others))


def by_year_over(years: tuple[YearFigures, ...], horizon: int, after: Decimal) -> tuple[Decimal, ...]:
    """This offer's total comp each year of the comparison; once the grant has vested, `after`."""
    return tuple(row.total_comp for row in years) + (after,) * (horizon - len(years))


def padded(amounts: tuple[Decimal, ...], years: int) -> tuple[Decimal, ...]:
    return amounts + (Decimal(0),) * (years - len(amounts))


@dataclass(frozen=True)
class CompetingFigures:
    company: str
    currency: str
    rate: Decimal  # value of one unit of its currency in the offer's
    vesting: Vesting  # its own schedule, or the guide's even years
    total_comp: Decimal  # annual, in its own currency: its grant over its own vesting years
    total_comp_in_offer_currency: Decimal
    # As the Compare sheet shows them, in the offer's currency:
    base: Decimal
    stock_annual: Decimal
    bonus: Decimal
    by_year: tuple[Decimal, ...]  # total comp each year of the comparison: stock as it vests, sign-on
    ahead_by: tuple[Decimal, ...]  # this offer's total comp minus the competitor's, per year
    lead_changes_in: int | None  # the first year whose leader differs from the year before
    # This offer minus the competitor, per row: base, stock_annual, bonus, total_comp, four_years.
    ahead_on: dict[str, Decimal]

    @property
    def four_years(self) -> Decimal:
        return sum(self.by_year[:TOTAL_YEARS], Decimal(0))

    @property
    def leaders(self) -> tuple[str, ...]:
        """Who is ahead each year: "this offer", the company, or "level"."""
        names = {1: "this offer", -1: self.company, 0: "level"}
        return tuple(names[leader(gap)] for gap in self.ahead_by)

    @property
    def lead_change(self) -> int | str:
        """The year the lead changes, or "no change", as the Compare sheet says it."""
        return self.lead_changes_in or NO_LEAD_CHANGE


def competing_figures(
    other: CompetingOffer,
    vesting: Vesting,
    rate: Decimal,
    ours: tuple[Decimal, ...],
    this: dict[str, Decimal],
) -> CompetingFigures:
    """A competing offer beside this one, year by year over `ours` (this offer's years).

    Its grant vests on `vesting`; its sign-on is paid in the years it says. `this` is this offer's
    base, stock_annual, bonus and total_comp, to set the other beside.
    """
    years = vesting.years
    total = annual_total_comp(other.base, other.stock, years, other.bonus_pct)
    base = converted(other.base, rate)
    stock_annual = converted(stock_per_year(other.stock, years), rate)
    bonus = converted(bonus_at_target(other.base, other.bonus_pct), rate)
    horizon = len(ours)
    shares = [vested_share(vesting, 12 * year) for year in range(horizon + 1)]
    sign_on = padded(other.sign_on, horizon)
    by_year = tuple(
        competing_in_year(base, bonus, other.stock, shares[y + 1], shares[y], sign_on[y], rate)
        for y in range(horizon)
    )
    ahead_by = tuple(difference(mine, theirs) for mine, theirs in zip(ours, by_year, strict=True))
    theirs = {
        "base": base,
        "stock_annual": stock_annual,
        "bonus": bonus,
        "total_comp": converted(total, rate),
        "four_years": sum(by_year[:TOTAL_YEARS], Decimal(0)),
    }
    return CompetingFigures(
        company=other.company,
        currency=other.currency,
        rate=rate,
        vesting=vesting,
        total_comp=total,
        total_comp_in_offer_currency=converted(total, rate),
        base=base,
        stock_annual=stock_annual,
        bonus=bonus,
        by_year=by_year,
        ahead_by=ahead_by,
        lead_changes_in=lead_change_year(ahead_by),
        ahead_on={part: difference(this[part], theirs[part]) for part in theirs},
    )


# -- every figure of one offer's workbook --------------------------------------------------------


def _table() -> Any:
    """A field of `OfferFigures` that is a table of figures, not a defined name of its own."""
    return field(metadata={"table": True})


@dataclass(frozen=True)
class OfferFigures:
    """Every figure an offer's workbook shows.

    The scalar fields are named as the workbook's defined names; the tables after them hold
    the other cells' figures (comparison rows, asks, bands, years, competitors), so that every
    formula cell of the workbook shows a figure computed here.
    """

    offer_currency: str
    offer_base: Decimal
    offer_stock: Decimal
    offer_stock_annual: Decimal
    offer_bonus_pct: Decimal
    offer_bonus: Decimal
    offer_sign_on: Decimal  # the total over every year it is paid in
    offer_total_comp: Decimal
    band_base_min: Decimal
    band_base_mid: Decimal
    band_base_max: Decimal
    band_stock_min: Decimal
    band_stock_mid: Decimal
    band_stock_max: Decimal
    band_bonus_pct_min: Decimal
    band_bonus_pct_max: Decimal
    band_total_comp_min: Decimal
    band_total_comp_max: Decimal
    pen_base: Decimal
    pen_stock: Decimal
    pen_bonus_pct: Decimal
    pen_total_comp: Decimal
    compa_base: Decimal
    ask_floor: Decimal  # the least raise a year worth asking for (rules.ask_floor)
    target_pen_base: Decimal  # where the guide's targets sit in the reference band
    target_pen_stock: Decimal
    ask_base: Decimal
    ask_stock: Decimal
    ask_bonus_pct: Decimal
    walk_away_stock: Decimal
    walk_away_met: bool
    walk_away_gap: Decimal  # how far the offer's stock is below the walk-away; 0 when met
    vesting_years: int  # the offer's own schedule: its annual figures spread the grant over these
    cliff_months: int
    vest_every: str
    months_between_vests: int
    stock_vested_at_cliff: Decimal  # what vests at once on the cliff date
    year1_total_comp: Decimal  # months 1–12: base + stock vested + bonus + year-one sign-on
    avg_total_comp: Decimal  # the years' total comp averaged over the vesting years
    year1_total_comp_at_ask: Decimal  # year one at ask base, ask stock, ask bonus %, same sign-on
    sign_on_to_ask: Decimal  # extra year-one sign-on to reach it, rounded up to 1,000; 0 when there
    grant_sign_on: Decimal  # the grant's share of that gap: the sign-on that stands in for it
    walk_away_total_comp: Decimal  # annual total comp with the walk-away grant instead of the offer's
    base_to_walk_away: Decimal  # the base that reaches it with the offer's own grant
    # The first deadline of this offer and its competing offers, while the offer is open, and
    # the working day before it, when the candidate asks for an answer; None when none is set.
    decision_due: date | None
    answer_by: date | None
    # -- tables: not defined names -------------------------------------------------------------
    rates: dict[str, Decimal] = _table()  # rate_<CODE>: value of one CODE in the offer's currency
    comparison: dict[str, Comparison] = _table()  # base, stock, bonus_pct, total_comp against the band
    band_chart: tuple[ChartRow, ...] = _table()  # the Offer sheet's chart: yearly figures against the band
    asks: dict[str, Ask] = _table()  # base, stock, bonus_pct, walk_away
    bands: tuple[BandFigures, ...] = _table()  # every band of the guide, in its order
    share_vested_at_cliff: Decimal = _table()
    competing: tuple[CompetingFigures, ...] = _table()
    compare_by_year: tuple[Decimal, ...] = _table()  # this offer each year of Compare, which may run longer
    years: tuple[YearFigures, ...] = _table()  # the Years sheet's table
    year_totals: YearTotals = _table()
    scenarios: tuple[ScenarioFigures, ...] = _table()  # stock_scenario_<n> is scenario n's change
    keep: tuple[str, ...] = _table()  # the components the candidate keeps as offered
    focus: str | None = _table()  # the component they want the argument on
    deadlines: tuple[date | None, ...] = _table()  # this offer's, then each competing offer's

    @property
    def statuses(self) -> dict[str, str]:
        """base, stock, bonus_pct, total_comp → below / within / above."""
        return {component: row.status for component, row in self.comparison.items()}

    @property
    def four_years(self) -> Decimal:
        """This offer's total comp over the Compare sheet's first TOTAL_YEARS years."""
        return sum(self.compare_by_year[:TOTAL_YEARS], Decimal(0))

    @property
    def year_one_against_average(self) -> str:
        return year_one_against_average(self.year1_total_comp, self.avg_total_comp)

    @property
    def gap_total_comp(self) -> Decimal:
        """What the asks add to annual total comp (ask base, ask stock, ask bonus %, over the
        offer's own vesting years, minus the offer's): the gap to the asks in one figure."""
        at_asks = annual_total_comp(self.ask_base, self.ask_stock, self.vesting_years, self.ask_bonus_pct)
        return difference(at_asks, self.offer_total_comp)

    def named(self) -> dict[str, object]:
        """Every defined name and its value: rates as rate_<CODE>, scenarios as stock_scenario_<n>."""
        values: dict[str, object] = {name: getattr(self, name) for name in NAMED_FIGURES}
        values.update({rate_name(code): rate for code, rate in self.rates.items()})
        values.update({scenario_name(n): s.change for n, s in enumerate(self.scenarios, start=1)})
        return values


# The workbook's defined names for figures: every scalar field of OfferFigures, declared there.
NAMED_FIGURES = tuple(f.name for f in fields(OfferFigures) if not f.metadata.get("table"))


def rate_name(code: str) -> str:
    """The defined name of a currency's rate cell: rate_GBP (one unit of GBP in the offer's currency)."""
    return f"rate_{code}"


def scenario_name(number: int) -> str:
    """The defined name of a share-price change input: stock_scenario_1 (numbered from 1)."""
    return f"stock_scenario_{number}"


def currencies_used(offer: Offer, guide: Guide) -> list[str]:
    """The offer's currency first, then every other currency the workbook converts from."""
    others = {band.currency for band in guide.bands} | {c.currency for c in offer.competing}
    return [offer.currency, *sorted(others - {offer.currency})]


def offer_figures(offer: Offer, guide: Guide, rates: RateTable) -> OfferFigures:
    """Compute everything the offer's workbook shows, exactly."""
    values_in_offer = {code: rates.value_in(code, offer.currency) for code in currencies_used(offer, guide)}
    band = guide.band(offer.region)
    rate = values_in_offer[band.currency]
    base, stock = scaled(band.base, rate), scaled(band.stock, rate)
    band_years = band.vesting_years
    total = Range(
        annual_total_comp(base.min, stock.min, band_years, band.bonus_pct.min),
        annual_total_comp(base.max, stock.max, band_years, band.bonus_pct.max),
    )
    vesting = schedule_of(offer, band.vesting_years)
    years = vesting.years
    offer_total = annual_total_comp(offer.base, offer.stock, years, offer.bonus_pct)
    against = {
        "base": comparison(offer.base, base),
        "stock": comparison(offer.stock, stock),
        "bonus_pct": comparison(offer.bonus_pct, band.bonus_pct),
        "total_comp": comparison(offer_total, total),
    }
    reference, strategy = guide.reference_band, guide.strategy
    floor = ask_floor(offer_total)

    def holds(component: str, times: Decimal = Decimal(1), over: Decimal = Decimal(1)) -> dict[str, Any]:
        return {"kept": kept(component, offer.keep), "floor": floor, "times": times, "over": over}

    asks = {
        "base": mapped_ask(strategy.target_base, reference.base, base, offer.base, **holds("base")),
        "stock": mapped_ask(
            strategy.target_stock, reference.stock, stock, offer.stock, **holds("stock", over=Decimal(years))
        ),
        "bonus_pct": Ask(
            strategy.target_bonus_pct,
            None,
            strategy.target_bonus_pct,
            offer.bonus_pct,
            **holds("bonus", times=offer.base),
        ),  # fmt: skip
        "walk_away": mapped_ask(strategy.walk_away_stock, reference.stock, stock, offer.stock),
    }
    ask_base, ask_stock, walk_away = asks["base"].ask, asks["stock"].ask, asks["walk_away"].in_band
    table = year_by_year(offer, vesting)
    year1 = table[0].total_comp
    first = table[0]
    year1_at_ask = year1_total_comp_at(
        ask_base, ask_stock, first.vested_share, asks["bonus_pct"].ask, first.sign_on
    )
    walk_away_total = annual_total_comp(offer.base, walk_away, years, offer.bonus_pct)
    schedules = [schedule_of(other, band_years) for other in offer.competing]
    bonus = bonus_at_target(offer.base, offer.bonus_pct)
    ours = by_year_over(table, compare_years(years, schedules), offer.base + bonus)
    this = {
        "base": offer.base,
        "stock_annual": stock_per_year(offer.stock, years),
        "bonus": bonus,
        "total_comp": offer_total,
        "four_years": sum(ours[:TOTAL_YEARS], Decimal(0)),
    }
    at_cliff = vested_share(vesting, vesting.cliff_months)
    deadlines = (offer.expires, *(other.expires for other in offer.competing))
    due = decision_due(open_stage(offer.stage), *deadlines)
    return OfferFigures(
        offer_currency=offer.currency,
        offer_base=offer.base,
        offer_stock=offer.stock,
        offer_stock_annual=this["stock_annual"],
        offer_bonus_pct=offer.bonus_pct,
        offer_bonus=this["bonus"],
        offer_sign_on=offer.sign_on_total,
        offer_total_comp=offer_total,
        band_base_min=base.min,
        band_base_mid=against["base"].midpoint,
        band_base_max=base.max,
        band_stock_min=stock.min,
        band_stock_mid=against["stock"].midpoint,
        band_stock_max=stock.max,
        band_bonus_pct_min=band.bonus_pct.min,
        band_bonus_pct_max=band.bonus_pct.max,
        band_total_comp_min=total.min,
        band_total_comp_max=total.max,
        pen_base=against["base"].penetration,
        pen_stock=against["stock"].penetration,
        pen_bonus_pct=against["bonus_pct"].penetration,
        pen_total_comp=against["total_comp"].penetration,
        compa_base=compa_ratio(offer.base, against["base"].midpoint),
        ask_floor=floor,
        target_pen_base=asks["base"].target_penetration,
        target_pen_stock=asks["stock"].target_penetration,
        ask_base=ask_base,
        ask_stock=ask_stock,
        ask_bonus_pct=asks["bonus_pct"].ask,
        walk_away_stock=walk_away,
        walk_away_met=at_least(offer.stock, walk_away),
        walk_away_gap=shortfall(walk_away, offer.stock),
        vesting_years=years,
        cliff_months=vesting.cliff_months,
        vest_every=vesting.every,
        months_between_vests=vesting.months_between_vests,
        stock_vested_at_cliff=offer.stock * at_cliff,
        year1_total_comp=year1,
        avg_total_comp=sum(row.total_comp for row in table) / years,
        year1_total_comp_at_ask=year1_at_ask,
        sign_on_to_ask=sign_on_to_ask(year1_at_ask, year1),
        grant_sign_on=grant_sign_on(ask_stock, offer.stock, first.vested_share),
        walk_away_total_comp=walk_away_total,
        base_to_walk_away=base_to_reach(walk_away_total, this["stock_annual"], offer.bonus_pct, offer.base),
        decision_due=due,
        answer_by=working_day_before(due),
        rates=values_in_offer,
        comparison=against,
        band_chart=band_chart(against, band_years, years),
        asks=asks,
        bands=tuple(band_figures(b, values_in_offer[b.currency]) for b in guide.bands),
        share_vested_at_cliff=at_cliff,
        competing=tuple(
            competing_figures(other, schedule, values_in_offer[other.currency], ours, this)
            for other, schedule in zip(offer.competing, schedules, strict=True)
        ),
        compare_by_year=ours,
        years=table,
        year_totals=year_totals(table),
        scenarios=tuple(stock_scenario(change, offer.stock, table) for change in STOCK_SCENARIOS),
        keep=offer.keep,
        focus=offer.focus,
        deadlines=deadlines,
    )
