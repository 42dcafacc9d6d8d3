"""The band maths, computed once, exactly, in `Decimal`.

Every figure a workbook shows is written there as a formula; the tests recalculate the workbook
and compare it with the functions here. Pure: no I/O, no click, no openpyxl.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal
from typing import TYPE_CHECKING

from .model import Band, CompetingOffer, Guide, Offer, Range, Vesting, check_sign_on_years

if TYPE_CHECKING:  # rates.py reads files; the maths only needs the table's shape
    from .sources.rates import RateTable

# A stated total comp further than this from base + stock/yr + bonus is flagged for review.
DISCREPANCY_LIMIT = Decimal("0.02")
# The share-price changes the Years sheet starts with (its input cells): a fall, flat, a rise.
STOCK_SCENARIOS = (Decimal("-0.3"), Decimal(0), Decimal("0.3"))


def annual_total_comp(base: Decimal, stock: Decimal, vesting_years: int, bonus_pct: Decimal) -> Decimal:
    """Annual total comp: base + one year of the stock grant + the target bonus."""
    return base + stock / vesting_years + base * bonus_pct


def band_total_comp(band: Band) -> Range:
    """The band's annual total comp computed from its parts, not as the guide states it."""
    return Range(
        annual_total_comp(band.base.min, band.stock.min, band.vesting_years, band.bonus_pct.min),
        annual_total_comp(band.base.max, band.stock.max, band.vesting_years, band.bonus_pct.max),
    )


def relative_difference(stated: Decimal, computed: Decimal) -> Decimal:
    """How far the computed figure is from the stated one, as a fraction of the stated."""
    return (computed - stated) / stated if stated else Decimal(0)


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
        """What the Bands sheet's flag column reads."""
        return "check" if self.flagged else "ok"


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

THOUSAND = Decimal("1E3")


def range_penetration(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """(value − min) / (max − min): 0 at the band's min, 1 at its max, outside 0..1 off the band.

    A band with min = max has no range to penetrate: at or above it counts as 1, below as 0.
    """
    if high == low:
        return Decimal(1) if value >= high else Decimal(0)
    return (value - low) / (high - low)


def compa_ratio(value: Decimal, midpoint: Decimal) -> Decimal:
    """The offer over the band's midpoint: 1.00 is exactly mid-band."""
    return value / midpoint


def midpoint(band_range: Range) -> Decimal:
    return (band_range.min + band_range.max) / 2


def status(value: Decimal, low: Decimal, high: Decimal) -> str:
    """Where a figure sits against its band: below, within or above."""
    return "below" if value < low else "above" if value > high else "within"


def round_to_thousand(amount: Decimal) -> Decimal:
    """Excel's ROUND(amount, -3): half away from zero, which Decimal calls ROUND_HALF_UP."""
    return amount.quantize(THOUSAND, rounding=ROUND_HALF_UP).quantize(Decimal(1))


def ask_at(penetration: Decimal, band_range: Range) -> Decimal:
    """The amount at `penetration` through a band, rounded to the nearest 1,000.

    Asks are stated in round thousands because that is how people say them ("£152K").
    """
    return round_to_thousand(band_range.min + penetration * (band_range.max - band_range.min))


def scaled(band_range: Range, rate: Decimal) -> Range:
    """A band range converted by a rate (value of one band-currency unit in the offer's)."""
    return Range(band_range.min * rate, band_range.max * rate)


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
        midpoint(band_range),
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
        return midpoint(self.band)


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

    @property
    def ask(self) -> Decimal:
        """Never below what is already offered: nobody asks for less than they have."""
        return max(self.in_band, self.offered)

    @property
    def gap(self) -> Decimal:
        """Ask minus offer: what the offer must still gain, 0 when it is there already."""
        return self.ask - self.offered

    @property
    def raise_needed(self) -> bool:
        return self.ask > self.offered


def mapped_ask(target: Decimal, reference: Range, band_range: Range, offered: Decimal) -> Ask:
    """A target keeps its range penetration in the reference band, applied to the offer's band."""
    penetration = range_penetration(target, reference.min, reference.max)
    return Ask(target, penetration, ask_at(penetration, band_range), offered)


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

CENT = Decimal("0.01")


def vesting_of(offer: Offer, band: Band) -> Vesting:
    """The offer's vesting or, when it does not say, the guide's: even over the band's years."""
    return offer.vesting or Vesting.even(band.vesting_years)


def vested_share(vesting: Vesting, month: int) -> Decimal:
    """The share of the grant (0 to 1) vested by the end of `month`, counted from the start date.

    The rule, written once more as `workbook.formulas.vested_share`:
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


def stock_by_year(stock: Decimal, vesting: Vesting) -> tuple[Decimal, ...]:
    """What vests in each 12-month year: the grant vested by the year's end minus by its start.

    Taken as differences of running totals, so the years always add up to the whole grant.
    """
    vested = [stock * vested_share(vesting, 12 * year) for year in range(vesting.years + 1)]
    return tuple(vested[year] - vested[year - 1] for year in range(1, vesting.years + 1))


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
    bonus = offer.base * offer.bonus_pct
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
        falls, flat, rises = SCENARIO_LABELS
        return falls if self.change < 0 else rises if self.change > 0 else flat


SCENARIO_LABELS = ("Share price falls", "Share price flat", "Share price rises")


def stock_scenario(change: Decimal, stock: Decimal, years: tuple[YearFigures, ...]) -> ScenarioFigures:
    """Only the stock moves with the share price; base, bonus and sign-on are cash."""
    by_year = tuple(row.total_comp + row.stock * change for row in years)
    return ScenarioFigures(change, stock * (1 + change), by_year, sum(by_year) / len(by_year))


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
        ok, not_100 = SCHEDULE_NOTES
        return not_100 if abs(self.vesting_share - 1) > SCHEDULE_TOLERANCE else ok


# A schedule's percents may add up to 99.99…% (three even years); further off is an edit's slip.
SCHEDULE_TOLERANCE = Decimal("0.000001")
SCHEDULE_NOTES = ("← adds up to 100%", "← not 100%: each year is scaled to the whole grant")


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


def whole_percent(fraction: Decimal) -> str:
    """Excel's TEXT(fraction, "0%"): a whole percent, half away from zero."""
    return f"{(fraction * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def year_one_against_average(year1: Decimal, average: Decimal) -> str:
    """A sentence such as "Year one pays 12% less than the average year"."""
    difference = year1 - average
    if average == 0 or difference.quantize(CENT, rounding=ROUND_HALF_UP) == 0:
        return "Year one pays the average year"
    side = "less" if difference < 0 else "more"
    return f"Year one pays {whole_percent(abs(difference) / average)} {side} than the average year"


def round_up_to_thousand(amount: Decimal) -> Decimal:
    """Excel's ROUNDUP(ROUND(amount, 2), -3): to the next 1,000, away from zero.

    Up, not to the nearest, so that the amount said does close the gap. Rounding to cents
    first keeps a float's last-digit noise in the workbook (23000.000000001) from lifting an
    exact 23,000 to 24,000.
    """
    cents = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return cents.quantize(THOUSAND, rounding=ROUND_UP).quantize(Decimal(1))


def sign_on_to_ask(year1_at_ask: Decimal, year1: Decimal) -> Decimal:
    """The extra year-one sign-on that lifts year one to its value at the asks; 0 when there."""
    return round_up_to_thousand(max(Decimal(0), year1_at_ask - year1))


def base_to_reach(total_comp: Decimal, stock_annual: Decimal, bonus_pct: Decimal, base: Decimal) -> Decimal:
    """The base whose annual total comp, with this stock per year and bonus %, reaches `total_comp`.

    Never below the offer's own base: a package already there needs no raise.
    """
    return max(base, round_up_to_thousand((total_comp - stock_annual) / (1 + bonus_pct)))


# -- competing offers -----------------------------------------------------------------------------


NO_LEAD_CHANGE = "no change"
# Compare totals every offer over its first four years: the usual grant, and a usual first stay.
TOTAL_YEARS = 4


def competing_vesting(other: CompetingOffer, guide_years: int) -> Vesting:
    """A competing grant's schedule; without one, even over the guide's years, 12-month cliff."""
    return other.vesting or Vesting.even(guide_years)


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
        return tuple(names[leader(difference)] for difference in self.ahead_by)

    @property
    def lead_change(self) -> int | str:
        """The year the lead changes, or "no change", as the Compare sheet says it."""
        return self.lead_changes_in or NO_LEAD_CHANGE


def leader(ahead_by: Decimal) -> int:
    """1 when this offer is ahead, −1 behind, 0 level: to the cent, as the workbook's ROUND(…,2)."""
    cents = ahead_by.quantize(CENT, rounding=ROUND_HALF_UP)
    return (cents > 0) - (cents < 0)


def lead_change_year(ahead_by: tuple[Decimal, ...]) -> int | None:
    """The first year whose leader (this offer, the other, or level) differs from the year before."""
    leaders = [leader(difference) for difference in ahead_by]
    for year in range(2, len(leaders) + 1):
        if leaders[year - 1] != leaders[year - 2]:
            return year
    return None


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
    base, stock_annual = other.base * rate, other.stock / years * rate
    bonus = other.base * other.bonus_pct * rate
    horizon = len(ours)
    stock = padded(stock_by_year(other.stock, vesting), horizon)
    sign_on = padded(other.sign_on, horizon)
    by_year = tuple(base + bonus + (stock[y] + sign_on[y]) * rate for y in range(horizon))
    ahead_by = tuple(mine - theirs for mine, theirs in zip(ours, by_year, strict=True))
    theirs = {
        "base": base,
        "stock_annual": stock_annual,
        "bonus": bonus,
        "total_comp": total * rate,
        "four_years": sum(by_year[:TOTAL_YEARS], Decimal(0)),
    }
    return CompetingFigures(
        company=other.company,
        currency=other.currency,
        rate=rate,
        vesting=vesting,
        total_comp=total,
        total_comp_in_offer_currency=total * rate,
        base=base,
        stock_annual=stock_annual,
        bonus=bonus,
        by_year=by_year,
        ahead_by=ahead_by,
        lead_changes_in=lead_change_year(ahead_by),
        ahead_on={part: this[part] - theirs[part] for part in theirs},
    )


# -- every figure of one offer's workbook --------------------------------------------------------


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
    walk_away_total_comp: Decimal  # annual total comp with the walk-away grant instead of the offer's
    base_to_walk_away: Decimal  # the base that reaches it with the offer's own grant
    # -- tables: not defined names -------------------------------------------------------------
    rates: dict[str, Decimal]  # rate_<CODE>: value of one CODE in the offer's currency
    comparison: dict[str, Comparison]  # base, stock, bonus_pct, total_comp against the band
    band_chart: tuple[ChartRow, ...]  # the Offer sheet's chart: yearly figures against the band
    asks: dict[str, Ask]  # base, stock, bonus_pct, walk_away
    bands: tuple[BandFigures, ...]  # every band of the guide, in its order
    share_vested_at_cliff: Decimal
    competing: tuple[CompetingFigures, ...]
    compare_by_year: tuple[Decimal, ...]  # this offer each year of the Compare sheet, which may run longer
    years: tuple[YearFigures, ...]  # the Years sheet's table
    year_totals: YearTotals
    scenarios: tuple[ScenarioFigures, ...]  # stock_scenario_<n> is scenario n's change

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

    def named(self) -> dict[str, object]:
        """Every defined name and its value: rates as rate_<CODE>, scenarios as stock_scenario_<n>."""
        values = {f: getattr(self, f) for f in self.__dataclass_fields__ if f not in _TABLES}
        values.update({f"rate_{code}": rate for code, rate in self.rates.items()})
        values.update({f"stock_scenario_{n}": s.change for n, s in enumerate(self.scenarios, start=1)})
        return values


_TABLES = frozenset(
    ("rates", "comparison", "band_chart", "asks", "bands", "share_vested_at_cliff", "competing", "compare_by_year", "years",
     "year_totals", "scenarios")
)  # fmt: skip


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
    vesting = vesting_of(offer, band)
    years = vesting.years
    offer_total = annual_total_comp(offer.base, offer.stock, years, offer.bonus_pct)
    against = {
        "base": comparison(offer.base, base),
        "stock": comparison(offer.stock, stock),
        "bonus_pct": comparison(offer.bonus_pct, band.bonus_pct),
        "total_comp": comparison(offer_total, total),
    }
    reference, strategy = guide.reference_band, guide.strategy
    asks = {
        "base": mapped_ask(strategy.target_base, reference.base, base, offer.base),
        "stock": mapped_ask(strategy.target_stock, reference.stock, stock, offer.stock),
        "bonus_pct": Ask(strategy.target_bonus_pct, None, strategy.target_bonus_pct, offer.bonus_pct),
        "walk_away": mapped_ask(strategy.walk_away_stock, reference.stock, stock, offer.stock),
    }
    ask_base, ask_stock, walk_away = asks["base"].ask, asks["stock"].ask, asks["walk_away"].in_band
    table = year_by_year(offer, vesting)
    year1 = table[0].total_comp
    year1_at_ask = (
        ask_base + ask_stock * table[0].vested_share + ask_base * asks["bonus_pct"].ask + table[0].sign_on
    )
    walk_away_total = annual_total_comp(offer.base, walk_away, years, offer.bonus_pct)
    schedules = [competing_vesting(other, band_years) for other in offer.competing]
    ours = by_year_over(table, compare_years(years, schedules), offer.base + offer.base * offer.bonus_pct)
    this = {
        "base": offer.base,
        "stock_annual": offer.stock / years,
        "bonus": offer.base * offer.bonus_pct,
        "total_comp": offer_total,
        "four_years": sum(ours[:TOTAL_YEARS], Decimal(0)),
    }
    at_cliff = vested_share(vesting, vesting.cliff_months)
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
        ask_base=ask_base,
        ask_stock=ask_stock,
        ask_bonus_pct=asks["bonus_pct"].ask,
        walk_away_stock=walk_away,
        walk_away_met=offer.stock >= walk_away,
        walk_away_gap=asks["walk_away"].gap,
        vesting_years=years,
        cliff_months=vesting.cliff_months,
        vest_every=vesting.every,
        months_between_vests=vesting.months_between_vests,
        stock_vested_at_cliff=offer.stock * at_cliff,
        year1_total_comp=year1,
        avg_total_comp=sum(row.total_comp for row in table) / years,
        year1_total_comp_at_ask=year1_at_ask,
        sign_on_to_ask=sign_on_to_ask(year1_at_ask, year1),
        walk_away_total_comp=walk_away_total,
        base_to_walk_away=base_to_reach(walk_away_total, offer.stock / years, offer.bonus_pct, offer.base),
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
    )
