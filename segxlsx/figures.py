"""The band maths, computed once, exactly, in `Decimal`.

Every figure a workbook shows is written there as a formula; the tests recalculate the workbook
and compare it with the functions here. Pure: no I/O, no click, no openpyxl.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .model import Band, Range

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
