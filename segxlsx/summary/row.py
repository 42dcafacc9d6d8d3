"""One row of summary.xlsx: what it shows for a workbook, and the one form the folder keeps it in.

A row shows the offer's fields the schema gives a summary column (`offer_fields.SUMMARY_FIELDS`)
and the figures below. A build keeps each workbook's row in the folder's manifest
(`SummaryRow.as_json`), so a later build of other offers, or `segxlsx summary`, lists it without
opening the workbook; the build's scratch ledger keeps rows in the same form while it runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..figures import OfferFigures
from ..history import is_day
from ..model import DEFAULT_STAGE, Offer
from ..rules import open_stage
from ..sources.offer_fields import SUMMARY_FIELDS, Money

# What happened to a workbook in a build, as the summary's "This run" column says it.
WRITTEN, UNCHANGED, KEPT, FAILED, NOT_IN_RUN = "written", "unchanged", "kept", "failed", "not in this run"
# What the Edits column says of a workbook whose inputs were read back from its cells.
EDITED = "edited in the workbook"
RESAVED = "re-saved, no input changed"  # saved again since segxlsx wrote it, its inputs as the offer file's
# The offer's fields that say whose a row is: known even when the workbook's inputs cannot be
# read (from the offer file), and kept in the folder's records even when empty.
IDENTITY = ("candidate", "guide", "region", "currency")
# The figures a row shows, as `OfferFigures` names them; `status` is total comp's (its name
# since 0.2), `status_<component>` the others'; `gap_<x>` is ask minus offer.
FIGURES = (
    "total_comp pen_base pen_stock pen_bonus_pct pen_total_comp compa_base ask_base ask_stock walk_away_met status "
    "status_base status_stock status_bonus_pct gap_base gap_stock gap_total_comp"
).split()
# Which of them are words, not amounts or ratios.
WORDS = frozenset({"status", "status_base", "status_stock", "status_bonus_pct"})
# The money a row shows in its own currency, by name: the offer's fields of the `Money` kind
# and these figures (the summary sizes its money columns by the widest of each).
MONEY_FIGURES = ("total_comp", "ask_base", "ask_stock", "gap_base", "gap_stock", "gap_total_comp")
_MONEY_FIELDS = tuple(f.name for f in SUMMARY_FIELDS if isinstance(f.kind, Money))
# What one build did, kept apart from the row in the folder's records (the manifest, the ledger).
_THIS_RUN = ("action", "inputs_changed")
# Rows kept by segxlsx 0.2 named the offer's fields as attributes of the row.
_LEGACY_NAMES = {"bonus": "bonus_pct"}


@dataclass(frozen=True)
class SummaryRow:
    """What the summary shows for one workbook: values, not formulas.

    The figures are None when they cannot be known: a workbook whose edited inputs no longer
    validate shows why in `edits` instead of a guess.
    """

    file: str  # the workbook's name inside the output folder
    # The offer's fields with a summary column, by name, as the model holds them.
    offer: Mapping[str, Any] = field(default_factory=dict)
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
    status_base: str | None = None  # and base, stock and the bonus %, each against its own band
    status_stock: str | None = None
    status_bonus_pct: str | None = None
    gap_base: Decimal | None = None  # ask minus offer: what the offer must still gain (0 when there)
    gap_stock: Decimal | None = None
    gap_total_comp: Decimal | None = None  # what the asks add to annual total comp
    action: str = ""  # what this build did with the workbook: WRITTEN, UNCHANGED, KEPT, FAILED, NOT_IN_RUN
    inputs_changed: str = ""  # ISO date: when the offer's inputs (or the hand edits) last changed
    edits: str = ""  # "edited in the workbook", and why its figures are missing if they are
    round: int | None = None  # the round of its negotiation the offer is at (`history`), from 1
    # When a decision is due: the soonest deadline, the offer's own or a competing offer's, while
    # the offer is open (`rules.decision_due`); what the board counts days left to.
    decision_due: date | None = None

    @property
    def candidate(self) -> str:
        return self.offer.get("candidate", "")

    @property
    def currency(self) -> str:
        return self.offer.get("currency", "")

    @property
    def is_open(self) -> bool:
        """Whether the offer still waits for a decision (a row kept before stages were: written)."""
        return open_stage(self.offer.get("stage") or DEFAULT_STAGE)

    def days_left(self, today: date | None) -> int | None:
        """Calendar days from `today` to the day an open offer's decision is due (its own
        deadline or a competing offer's, the sooner): negative once it has passed; None for a
        settled offer, one with no deadline, or no day to count from."""
        if today is None or self.decision_due is None or not self.is_open:
            return None
        return (self.decision_due - today).days

    def amounts(self) -> dict[str, Decimal]:
        """The money the row shows in its own currency, by name (the offer's fields' and figures')."""
        shown = {name: self.offer.get(name) for name in _MONEY_FIELDS}
        shown.update((name, getattr(self, name)) for name in MONEY_FIGURES)
        return {name: amount for name, amount in shown.items() if isinstance(amount, Decimal)}

    def texts(self) -> dict[str, str]:
        """The text the summary sizes its columns by: the offer's names, the workbook's name."""
        texts = {name: self.offer.get(name) or "" for name in ("candidate", "guide", "region")}
        return texts | {"file": self.file}

    @property
    def board_key(self) -> str:
        """Where the board lists this row (`board.board_key`): kept beside it by the ledger."""
        from .board import board_key

        return board_key(self)

    def text_widths(self) -> dict[str, float]:
        """How wide each of `texts` is, in a column's units (a digit's width)."""
        from .columns import text_width

        return {name: text_width(text) for name, text in self.texts().items()}

    @classmethod
    def of(cls, offer: Offer, figures: OfferFigures, file: str) -> SummaryRow:
        return cls(
            file=file,
            offer={f.name: f.value_of(offer, None) for f in SUMMARY_FIELDS},  # type: ignore[arg-type]
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
            status_base=figures.statuses["base"],
            status_stock=figures.statuses["stock"],
            status_bonus_pct=figures.statuses["bonus_pct"],
            gap_base=figures.asks["base"].gap,
            gap_stock=figures.asks["stock"].gap,
            gap_total_comp=figures.gap_total_comp,
            decision_due=figures.decision_due,
        )

    @classmethod
    def without_figures(cls, offer: Offer | None, file: str, edits: str = "") -> SummaryRow:
        """The row of a workbook whose figures cannot be known; `offer` says whose, when known."""
        whose = {
            f.name: f.value_of(offer, None) if offer else "" for f in SUMMARY_FIELDS if f.name in IDENTITY
        }
        return cls(file, whose, edits=edits)  # type: ignore[arg-type]

    def as_json(self) -> dict[str, object]:
        """The row as the folder keeps it: the offer's fields each as its kind keeps it (amounts
        as text, so they come back exact), the figures likewise; what one build did (`action`,
        `inputs_changed`) left out."""
        offer = {
            f.name: f.kind.to_json(self.offer[f.name])
            for f in SUMMARY_FIELDS
            if f.name in self.offer and (f.name in IDENTITY or self.offer[f.name] not in (None, ""))
        }
        data: dict[str, object] = {"file": self.file, "offer": offer}
        for name in (*FIGURES, "edits", "round"):
            value = getattr(self, name)
            if value not in (None, ""):
                data[name] = str(value) if isinstance(value, Decimal) else value
        data["decision_due"] = self.decision_due.isoformat() if self.decision_due else ""
        return data

    @classmethod
    def from_json(
        cls, data: Mapping[str, object], file: str, action: str = "", inputs_changed: str = ""
    ) -> SummaryRow | None:
        """A row the folder kept, with what this build did; None when it is not one (a manifest
        edited by hand, say)."""
        try:
            kept = data.get("offer")
            if kept is None:  # a row as segxlsx 0.2 kept it: the offer's fields beside the figures
                kept = {
                    f.name: data[_LEGACY_NAMES.get(f.name, f.name)]
                    for f in SUMMARY_FIELDS
                    if _LEGACY_NAMES.get(f.name, f.name) in data
                }
            if not isinstance(kept, Mapping):
                return None
            offer = {f.name: f.kind.from_json(kept[f.name]) for f in SUMMARY_FIELDS if f.name in kept}
            if not all(isinstance(offer.get(name), str) for name in IDENTITY):
                return None
            values: dict[str, Any] = {name: data[name] for name in (*FIGURES, "edits") if name in data}
            number = data.get("round")
            if number is not None:  # kept since rounds were: a whole number from 1
                if not isinstance(number, int) or isinstance(number, bool) or number < 1:
                    return None
                values["round"] = number
            for name in FIGURES:  # rows kept before a figure was shown lack it: an empty cell
                if isinstance(values.get(name), str) and name not in WORDS:
                    values[name] = Decimal(values[name])
            due = data.get("decision_due")
            if due is None:  # kept before the decision was: the offer's own deadline
                values["decision_due"] = (
                    offer.get("expires") if isinstance(offer.get("expires"), date) else None
                )
            elif due == "" or is_day(due):
                values["decision_due"] = date.fromisoformat(due) if due else None
            else:
                return None
            return cls(file, offer, **values, action=action, inputs_changed=inputs_changed)
        except (ArithmeticError, TypeError, ValueError, KeyError):
            return None
