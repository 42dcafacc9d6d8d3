"""Exchange rates: a table of rates from one source on one date, and the sources that make one.

A `RateTable` quotes every currency against the source's base currency; any other pair is a
cross rate through that base. Every number is a `Decimal`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .errors import RatesError


@dataclass(frozen=True)
class RateTable:
    """Rates from one source: `per_base[code]` units of `code` buy one unit of `base`."""

    base: str
    as_of: date
    source: str  # shown to users beside every rate, e.g. "European Central Bank reference rates"
    per_base: Mapping[str, Decimal]

    def value_in(self, code: str, target: str) -> Decimal:
        """The value of one unit of `code` in `target` (a cross rate through the base)."""
        return self._per_base(target) / self._per_base(code)

    def convert(self, amount: Decimal, code: str, target: str) -> Decimal:
        return amount * self.value_in(code, target)

    def _per_base(self, code: str) -> Decimal:
        if code == self.base:
            return Decimal(1)
        try:
            return self.per_base[code]
        except KeyError:
            known = ", ".join(sorted({self.base, *self.per_base}))
            raise RatesError(f"no {code} rate from {self.source} on {self.as_of} (it has {known})") from None
