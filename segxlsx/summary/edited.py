"""A workbook edited by hand, read back for its summary row: its inputs, checked and recomputed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..errors import OfferError, SegxlsxError
from ..figures import OfferFigures, offer_figures
from ..model import Guide, Offer
from ..sources.rates import RateTable
from .row import EDITED, RESAVED, SummaryRow


@dataclass(frozen=True)
class HandEdits:
    """What a workbook's own input cells say now, as the summary shows it."""

    row: SummaryRow
    differences: tuple[str, ...] = ()  # what the edits change in the offer file, one phrase each
    problem: SegxlsxError | None = None  # why the inputs cannot be read back: then `row` has no figures
    offer: Offer | None = None  # the offer its cells describe, when they validate
    figures: OfferFigures | None = None  # and its figures, on the build's rates
    rates_day: date | None = None  # the day of the rates it was built on, when the file says

    @property
    def needs_attention(self) -> bool:
        return bool(self.differences or self.problem)


def read_hand_edits(
    path: Path, guides: Mapping[str, Guide], table: RateTable, offer: Offer | None = None
) -> HandEdits:
    """The workbook at `path` read back through its input cells, checked like an offer file.

    `offer` is what the offer file says, when the caller has it: the differences are what the
    workbook changes in it. Inputs that no longer validate give no figures, only the problem.
    """
    from ..sources.offer_fields import differences
    from ..sources.workbooks import rates_day, read_back

    name, built_on = path.name, rates_day(path)
    try:
        edited = read_back(path, guides)
        figures = offer_figures(edited, guides[edited.guide_id], table)
    except SegxlsxError as error:
        problem = OfferError(error.message, error.location)
        if offer is not None and not problem.location.candidate:
            problem = problem.at(candidate=offer.candidate)
        cell = f"{error.location.cell}: " if error.location.cell else ""
        return HandEdits(
            SummaryRow.without_figures(offer, name, f"{EDITED}; {cell}{error.message}"),
            problem=problem,
            rates_day=built_on,
        )
    changes = tuple(differences(offer, edited, guides)) if offer is not None else ()
    # Saved again with the same inputs (Excel asks to save a workbook it recalculated): say so.
    said = RESAVED if offer is not None and not changes else EDITED
    if built_on is not None and built_on < table.as_of:  # its figures are of older rates than the rest
        said += f"; built on rates of {built_on.isoformat()}"
    row = replace(SummaryRow.of(edited, figures, name), edits=said)
    return HandEdits(row, changes, offer=edited, figures=figures, rates_day=built_on)
