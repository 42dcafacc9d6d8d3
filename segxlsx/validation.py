"""`validate`: what a build would make of the offers, without writing anything.

An offer that validates must build. So validation reads the same guides, templates, offers and
rates as `batch.build`, and computes each offer's figures as a build does (a currency the rates
lack, say, fails here as it would there). Writing the workbook adds nothing that can fail for a
valid offer: text, amounts and competing offers are all checked as they are loaded, and
`tests/test_hostile_inputs.py` generates offers to show it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .claims import held_back
from .errors import OfferError, SegxlsxError
from .figures import offer_figures
from .model import Guide, Offer
from .sources.guides import load_guides
from .sources.offers import LoadedOffers, input_order, load_offers, skipped_files
from .sources.rates import RateTable, load_rates
from .wording import Wording, load_wording


@dataclass(frozen=True)
class Validation:
    """The offers a build would write, one error per offer it would not, and what to know."""

    offers: tuple[Offer, ...]
    failures: tuple[OfferError, ...]
    notes: tuple[str, ...]  # e.g. live rates fell back to offline, a guide's text was mended
    # Each sentence of a guide's scripts a candidate will not say as written (`claims.held_back`).
    held_back: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0


def validate(
    offers: Iterable[str | Path],
    guides: Iterable[str | Path],
    *,
    rates: str = "offline",
    as_of: date | None = None,
    strict_rates: bool = False,
    templates: Path | None = None,
) -> Validation:
    """Check offers as `build` would, with the same arguments, and write nothing.

    Problems that stop everything (a bad guide or template, rates that cannot be had, a missing
    path) raise `SegxlsxError`, as they do for `build`.
    """
    offers = list(offers)  # read twice: to load, and to list failures in input order
    guide_map = load_guides(guides)
    wording = load_wording(templates)
    loaded = load_offers(offers, guide_map)
    table = load_rates(rates, as_of=as_of, strict=strict_rates)
    checked = check_figures(loaded, guide_map, table)
    notes = tuple(input_notes(guide_map, wording, table, offers))
    claims = tuple(line for guide in guide_map.values() for line in held_back(guide))
    return Validation(checked.offers, tuple(sorted(checked.failures, key=input_order(offers))), notes, claims)


def check_figures(loaded: LoadedOffers, guides: Mapping[str, Guide], table: RateTable) -> LoadedOffers:
    """The loaded offers whose figures can be computed with `table`; the others become failures."""
    offers: list[Offer] = []
    failures = list(loaded.failures)
    for offer in loaded.offers:
        try:
            offer_figures(offer, guides[offer.guide_id], table)
        except SegxlsxError as error:
            failed = OfferError(error.message, error.location)
            failures.append(failed.at(**offer.source.place, candidate=offer.candidate))
            continue
        offers.append(offer)
    return LoadedOffers(tuple(offers), tuple(failures))


def input_notes(
    guides: Mapping[str, Guide], wording: Wording, table: RateTable, offers: Iterable[str | Path]
) -> list[str]:
    """What `validate` and `build` tell of their inputs before any offer: what reading the guides
    changed, templates taken from the shipped wording, the rates' notes, files not read."""
    notes = [note for guide in guides.values() for note in guide.notes]
    return notes + list(wording.notes) + list(table.notes) + skipped_files(offers)
