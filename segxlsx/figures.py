"""The band maths, computed once, exactly, in `Decimal`.

Every figure a workbook shows is written there as a formula; the tests recalculate the workbook
and compare it with the functions here. Pure: no I/O, no click, no openpyxl.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from .model import Band, CompetingOffer, Guide, Offer, Range

if TYPE_CHECKING:  # rates.py reads files; the maths only needs the table's shape
    from .rates import RateTable

# A stated total comp further than this from base + stock/yr + bonus is flagged for review.
DISCREPANCY_LIMIT = Decimal("0.02")


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
class CompetingFigures:
    company: str
    currency: str
    total_comp: Decimal  # annual, in its own currency
    total_comp_in_offer_currency: Decimal


@dataclass(frozen=True)
class OfferFigures:
    """Every figure an offer's workbook shows, named as its workbook-scope defined names."""

    offer_currency: str
    offer_base: Decimal
    offer_stock: Decimal
    offer_stock_annual: Decimal
    offer_bonus_pct: Decimal
    offer_bonus: Decimal
    offer_sign_on: Decimal
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
    rates: dict[str, Decimal]  # rate_<CODE>: value of one CODE in the offer's currency
    statuses: dict[str, str]  # base, stock, bonus_pct, total_comp → below / within / above
    competing: tuple[CompetingFigures, ...]

    def named(self) -> dict[str, object]:
        """Every defined name and its value, the rates as rate_<CODE>."""
        values = {
            f: getattr(self, f)
            for f in self.__dataclass_fields__
            if f not in ("rates", "statuses", "competing")
        }
        values.update({f"rate_{code}": rate for code, rate in self.rates.items()})
        return values


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
    years = band.vesting_years
    total = Range(
        annual_total_comp(base.min, stock.min, years, band.bonus_pct.min),
        annual_total_comp(base.max, stock.max, years, band.bonus_pct.max),
    )
    offer_total = annual_total_comp(offer.base, offer.stock, years, offer.bonus_pct)
    reference, strategy = guide.reference_band, guide.strategy
    walk_away = ask_at(
        range_penetration(strategy.walk_away_stock, reference.stock.min, reference.stock.max), stock
    )
    return OfferFigures(
        offer_currency=offer.currency,
        offer_base=offer.base,
        offer_stock=offer.stock,
        offer_stock_annual=offer.stock / years,
        offer_bonus_pct=offer.bonus_pct,
        offer_bonus=offer.base * offer.bonus_pct,
        offer_sign_on=offer.sign_on,
        offer_total_comp=offer_total,
        band_base_min=base.min,
        band_base_mid=midpoint(base),
        band_base_max=base.max,
        band_stock_min=stock.min,
        band_stock_mid=midpoint(stock),
        band_stock_max=stock.max,
        band_bonus_pct_min=band.bonus_pct.min,
        band_bonus_pct_max=band.bonus_pct.max,
        band_total_comp_min=total.min,
        band_total_comp_max=total.max,
        pen_base=range_penetration(offer.base, base.min, base.max),
        pen_stock=range_penetration(offer.stock, stock.min, stock.max),
        pen_bonus_pct=range_penetration(offer.bonus_pct, band.bonus_pct.min, band.bonus_pct.max),
        pen_total_comp=range_penetration(offer_total, total.min, total.max),
        compa_base=compa_ratio(offer.base, midpoint(base)),
        ask_base=ask_at(
            range_penetration(strategy.target_base, reference.base.min, reference.base.max), base
        ),
        ask_stock=ask_at(
            range_penetration(strategy.target_stock, reference.stock.min, reference.stock.max), stock
        ),
        ask_bonus_pct=strategy.target_bonus_pct,
        walk_away_stock=walk_away,
        walk_away_met=offer.stock >= walk_away,
        rates=values_in_offer,
        statuses={
            "base": status(offer.base, base.min, base.max),
            "stock": status(offer.stock, stock.min, stock.max),
            "bonus_pct": status(offer.bonus_pct, band.bonus_pct.min, band.bonus_pct.max),
            "total_comp": status(offer_total, total.min, total.max),
        },
        competing=tuple(_competing(c, years, values_in_offer[c.currency]) for c in offer.competing),
    )


def _competing(other: CompetingOffer, years: int, rate: Decimal) -> CompetingFigures:
    total = annual_total_comp(other.base, other.stock, years, other.bonus_pct)
    return CompetingFigures(other.company, other.currency, total, total * rate)
