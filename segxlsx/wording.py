"""The script wording users may edit, read from `templates/`.

Each file is short text with `{placeholders}`; an unknown placeholder is an error naming the
file, found when the wording is loaded, before any workbook is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import SegxlsxError, display_path, located
from .figures import OfferFigures
from .inputs import check_text, read_text
from .model import Guide, Offer
from .scripts import (
    KNOWN_FIELDS,
    Piece,
    negotiate_up_pieces,
    render,
    template_pieces,
    walk_away_pieces,
    with_competitors,
)

DEFAULT_FOLDER = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE_NAMES = (
    "walk_away_met",
    "walk_away_missed",
    "counter",
    "competitor",
    "first_year_gap",
    "first_year_met",
)


class TemplateError(SegxlsxError):
    """Script wording that cannot be used."""


@dataclass(frozen=True)
class Wording:
    walk_away_met: list[Piece]
    walk_away_missed: list[Piece]
    counter: list[Piece]
    competitor: list[Piece]
    first_year_gap: list[Piece]  # when a sign-on is needed to bring year one up to the asks
    first_year_met: list[Piece]  # when year one already reaches them


def load_wording(folder: Path | None = None) -> Wording:
    """Read every template of `folder` (default: the project's `templates/`)."""
    folder = folder or DEFAULT_FOLDER
    pieces = {}
    for name in TEMPLATE_NAMES:
        path = folder / f"{name}.txt"
        with located(TemplateError, file=display_path(path)):
            text = check_text(read_text(path))  # wording goes into every workbook's Scripts sheet
            pieces[name] = template_pieces(" ".join(text.split()), KNOWN_FIELDS | {"total_comp"})
    return Wording(**pieces)


@dataclass(frozen=True)
class OfferScripts:
    """The scripts of one offer's workbook, as pieces of text and placeholders."""

    negotiate_up: list[Piece]
    walk_away_line: list[Piece]  # the guide's own, with the candidate's walk-away
    walk_away_met: list[Piece]
    walk_away_missed: list[Piece]
    counter: list[Piece]  # empty when the offer lists no competing offers
    first_year_gap: list[Piece]
    first_year_met: list[Piece]
    text: dict[str, str]  # what the text placeholders stand for

    def walk_away(self, met: bool) -> list[Piece]:
        """The guide's walk-away line, then our sentence for an offer that meets it or not."""
        lead = [*self.walk_away_line, " "] if self.walk_away_line else []
        return lead + (self.walk_away_met if met else self.walk_away_missed)

    def first_year(self, gap: bool) -> list[Piece]:
        return self.first_year_gap if gap else self.first_year_met

    def texts(self, figures: OfferFigures, currency: str) -> dict[str, str]:
        """What each of the candidate's scripts reads, computed in Python from the figures."""
        values = figures.named() | self.text
        values |= {
            f"total_comp[{i}]": c.total_comp_in_offer_currency for i, c in enumerate(figures.competing)
        }
        pieces = {
            "negotiate_up": self.negotiate_up,
            "walk_away": self.walk_away(figures.walk_away_met),
            "first_year": self.first_year(figures.sign_on_to_ask > 0),
            "counter": self.counter,
        }
        return {name: render(p, currency, values) for name, p in pieces.items()}


def offer_scripts(offer: Offer, guide: Guide, wording: Wording) -> OfferScripts:
    companies = [other.company for other in offer.competing]
    counter = with_competitors(wording.counter, wording.competitor, companies) if companies else []
    return OfferScripts(
        negotiate_up=negotiate_up_pieces(guide.strategy.script),
        walk_away_line=walk_away_pieces(guide.strategy.walk_away_line),
        walk_away_met=wording.walk_away_met,
        walk_away_missed=wording.walk_away_missed,
        counter=counter,
        first_year_gap=wording.first_year_gap,
        first_year_met=wording.first_year_met,
        text={
            "company": guide.company,
            "parent_company": guide.parent_company,
            "role": guide.role,
            "region": offer.region,
        },
    )
