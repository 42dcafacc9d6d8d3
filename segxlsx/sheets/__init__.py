"""Turn one offer, its guide and the rates into an Excel workbook.

`render_offer` builds the workbook in memory, every formula with the value the model computes
for it; `workbook_bytes` serialises it (`segxlsx.xlsx`), cached values filled in, so that the
same inputs give the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..figures import OfferFigures, offer_figures
from ..history import Round, with_round
from ..model import Guide, Offer, schedule_of
from ..sources.rates import RateTable
from ..sources.workbooks import LAYOUT, LAYOUT_PROPERTY
from ..wording import Wording, offer_scripts
from ..xlsx import Workbook
from .bands import write_bands
from .compare import competitor_years_cell, write_compare
from .history import write_history
from .names import check_all_defined
from .offer import write_offer
from .rates import write_rates
from .scripts import write_scripts
from .styles import Printing, label_pages, new_workbook
from .years import write_years

__all__ = ["SHEETS", "render_offer", "workbook_bytes"]

SHEETS = ("Offer", "Bands", "Scripts", "Rates", "Years", "Compare", "Offer history")


def render_offer(
    offer: Offer,
    guide: Guide,
    rates: RateTable,
    wording: Wording,
    rounds: Sequence[Round] = (),
    day: str = "",
) -> tuple[Workbook, OfferFigures]:
    """The offer's workbook and the figures it must show when recalculated.

    `rounds`: the offer's rounds so far, as its output folder keeps them; the offer is the last
    of them or starts the next, first seen on `day` (ISO; "" outside a folder: not recorded).
    """
    figures = offer_figures(offer, guide, rates)
    workbook = new_workbook(f"Offer review: {offer.candidate}")
    for title in SHEETS:
        workbook.add_sheet(title)
    band = guide.band(offer.region)
    write_rates(workbook, offer.currency, figures.rates, rates, guide)
    bands = write_bands(workbook, guide, figures)
    competitor_years = [competitor_years_cell(index) for index in range(len(offer.competing))]
    write_offer(workbook, offer, guide, bands, figures, competitor_years)
    write_scripts(workbook, guide, offer.candidate, figures, offer_scripts(offer, guide, wording))
    write_years(workbook, offer, guide, schedule_of(offer, band.vesting_years), figures)
    write_compare(workbook, offer, figures)
    write_history(workbook, with_round(rounds, Round.of(offer, guide, figures, day)))
    check_all_defined(workbook, list(figures.rates), len(offer.competing))
    # Read-back goes by the input cells' names; the layout says which names to expect.
    workbook.properties[LAYOUT_PROPERTY] = LAYOUT
    label_pages(workbook, Printing(offer.candidate, rates.as_of, offer.currency))
    # Cached values serve readers that do not calculate; Excel and LibreOffice still recalculate
    # on open, so an edit made elsewhere (or a rate typed in) is never shown stale.
    workbook.full_calc_on_load = True
    return workbook, figures


def workbook_bytes(workbook: Workbook, stamp: date) -> bytes:
    """The .xlsx file's bytes, identical for identical content. The document's created and
    modified dates are `stamp` (the rates' date: the day the numbers are true for), never the
    clock's."""
    return workbook.to_bytes(stamp)
