"""One row of summary.xlsx: what it shows for a workbook, and the one form the folder keeps it in.

A build keeps each workbook's row in the folder's manifest (`SummaryRow.as_json`), so a later
build of other offers, or `segxlsx summary`, lists it without opening the workbook; the build's
scratch ledger keeps rows in the same form while it runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal

from ..figures import OfferFigures
from ..model import Offer

# What happened to a workbook in a build, as the summary's "This run" column says it.
WRITTEN, UNCHANGED, KEPT, FAILED, NOT_IN_RUN = "written", "unchanged", "kept", "failed", "not in this run"
# What the Edits column says of a workbook whose inputs were read back from its cells.
EDITED = "edited in the workbook"
# The figures a row shows, as `OfferFigures` names them; the rest of a row is text.
FIGURES = (
    "base stock bonus_pct total_comp pen_base pen_stock pen_bonus_pct pen_total_comp compa_base "
    "ask_base ask_stock walk_away_met status"
).split()
# The texts that say whose a row is: kept in the folder's records even when empty (a workbook
# that cannot be read has no candidate), so that a row always reads back as a row.
_IDENTITY = ("candidate", "guide", "region", "currency")
# What one build did, kept apart from the row in the folder's records (the manifest, the ledger).
_THIS_RUN = ("action", "inputs_changed")


@dataclass(frozen=True)
class SummaryRow:
    """What the summary shows for one workbook: values, not formulas.

    The figures are None when they cannot be known: a workbook whose edited inputs no longer
    validate shows why in `edits` instead of a guess.
    """

    candidate: str
    guide: str
    region: str
    currency: str
    file: str  # the workbook's name inside the output folder
    base: Decimal | None = None
    stock: Decimal | None = None
    bonus_pct: Decimal | None = None
    total_comp: Decimal | None = None
    pen_base: Decimal | None = None
    pen_stock: Decimal | None = None
    pen_bonus_pct: Decimal | None = None
    pen_total_comp: Decimal | None = None
    compa_base: Decimal | None = None
    ask_base: Decimal | None = None
    ask_stock: Decimal | None = None
    walk_away_met: bool | None = None
    status: str | None = None  # where annual total comp sits against the band: below / within / above
    action: str = ""  # what this build did with the workbook: WRITTEN, UNCHANGED, KEPT, FAILED, NOT_IN_RUN
    inputs_changed: str = ""  # ISO date: when the offer's inputs (or the hand edits) last changed
    edits: str = ""  # "edited in the workbook", and why its figures are missing if they are

    @classmethod
    def of(cls, offer: Offer, figures: OfferFigures, file: str) -> SummaryRow:
        return cls(
            candidate=offer.candidate,
            guide=offer.guide_id,
            region=offer.region,
            currency=offer.currency,
            file=file,
            base=figures.offer_base,
            stock=figures.offer_stock,
            bonus_pct=figures.offer_bonus_pct,
            total_comp=figures.offer_total_comp,
            pen_base=figures.pen_base,
            pen_stock=figures.pen_stock,
            pen_bonus_pct=figures.pen_bonus_pct,
            pen_total_comp=figures.pen_total_comp,
            compa_base=figures.compa_base,
            ask_base=figures.ask_base,
            ask_stock=figures.ask_stock,
            walk_away_met=figures.walk_away_met,
            status=figures.statuses["total_comp"],
        )

    @classmethod
    def without_figures(cls, offer: Offer | None, file: str, edits: str = "") -> SummaryRow:
        """The row of a workbook whose figures cannot be known; `offer` says whose, when known."""
        if offer is None:
            return cls("", "", "", "", file, edits=edits)
        return cls(offer.candidate, offer.guide_id, offer.region, offer.currency, file, edits=edits)

    def as_json(self) -> dict[str, object]:
        """The row as the folder keeps it: Decimals as text, so they come back exact; what one
        build did (`action`, `inputs_changed`) left out."""
        data = {
            field.name: getattr(self, field.name) for field in fields(self) if field.name not in _THIS_RUN
        }
        return {
            name: str(value) if isinstance(value, Decimal) else value
            for name, value in data.items()
            if name in _IDENTITY or value not in (None, "")
        }

    @classmethod
    def from_json(
        cls, data: Mapping[str, object], file: str, action: str = "", inputs_changed: str = ""
    ) -> SummaryRow | None:
        """A row the folder kept, with what this build did; None when it is not one (a manifest
        edited by hand, say)."""
        try:
            names = {field.name for field in fields(cls)} - {*_THIS_RUN, "file"}
            values = {name: data[name] for name in names if name in data}
            for name in FIGURES:
                if isinstance(values.get(name), str) and name != "status":
                    values[name] = Decimal(values[name])  # type: ignore[arg-type]
            if not all(isinstance(values.get(name), str) for name in _IDENTITY):
                return None
            return cls(**values, file=file, action=action, inputs_changed=inputs_changed)  # type: ignore[arg-type]
        except (ArithmeticError, TypeError, ValueError):
            return None
