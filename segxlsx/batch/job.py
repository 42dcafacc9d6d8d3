"""One offer's workbook, in a worker process: rendered, compared, written under a temporary name.

What every job of a worker shares (guides, wording, rates) is sent to it once (`start_worker`);
each job then carries only its offer and where its file goes. The build's own process renames
the file into place (`landing.py`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from ..errors import OfferError, SegxlsxError
from ..figures import OfferFigures, offer_figures
from ..history import Round, with_round
from ..model import Guide, Offer
from ..sources.rates import RateTable
from ..store.folder import write_new_file
from ..store.signatures import OWNER_PROPERTY, owner_label, rounds_properties
from ..summary.edited import HandEdits, read_hand_edits
from ..summary.row import FAILED, KEPT, UNCHANGED, WRITTEN, SummaryRow
from ..talking_points import talking_points
from ..wording import Wording, offer_scripts
from .plan import Job
from .report import Outcome, PointsOutcome

_context: dict[str, object] = {}  # what every job in a worker process shares, sent once


def start_worker(guides: Mapping[str, Guide], wording: Wording, table: RateTable) -> None:
    _context.update(guides=guides, table=table, wording=wording)


def build_one(job: Job) -> Outcome | SegxlsxError:
    """Render and compare one offer's workbook, and write it under its temporary name.

    A bad offer is returned, not raised. A workbook edited by hand is read back instead, unless
    the build forces it.
    """
    from ..sheets import render_offer, workbook_bytes

    assert job.offer is not None  # skipped and stale jobs never come here (`plan.known`)
    if job.found.state == "blocked":
        return OfferError(job.found.problem or f"cannot write {job.name}")
    guides: Mapping[str, Guide] = _context["guides"]  # type: ignore[assignment]
    table: RateTable = _context["table"]  # type: ignore[assignment]
    try:
        taken_back = False
        if job.found.state == "foreign" and not job.force:
            edits = read_hand_edits(job.temporary.parent / job.name, guides, table, job.offer)
            # Kept before because its inputs differed, and the offer file now says what it says:
            # it is the offer file's again, and built from it. Otherwise it stays kept.
            taken_back = job.differed and not edits.needs_attention
            if not taken_back:
                # The workbook is the truth about its offer now: its talking points say what it
                # says, and its inputs are a round of the offer's (a hand edit counts), first
                # seen the day the file changed.
                points = _points(job, edits.offer, guides, table, edits.figures) if edits.offer else None
                rounds = _rounds(job, edits, guides, job.found.changed_on or job.day)
                return Outcome(job.name, KEPT, None, edits.row, edits.differences, edits.problem,
                               rates_day=edits.rates_day, points=points, rounds=rounds)  # fmt: skip
        guide = guides[job.offer.guide_id]
        workbook, figures = render_offer(job.offer, guide, table, _context["wording"], job.rounds, job.day)
        workbook.properties[OWNER_PROPERTY] = owner_label(job.owner)  # found again without the manifest
        rounds = with_round(job.rounds, Round.of(job.offer, guide, figures, job.day))
        workbook.properties.update(rounds_properties(rounds))  # and its rounds with it
        data = workbook_bytes(workbook, table.as_of)
        digest = hashlib.sha256(data).hexdigest()
        if job.found.state == "ours" and job.found.sha256 == digest:
            action = UNCHANGED
        else:
            write_new_file(job.temporary, data)
            action = WRITTEN
        points = _points(job, job.offer, guides, table, figures)
    except SegxlsxError as error:
        return OfferError(error.message, error.location)
    except OSError as error:
        return OfferError(f"cannot write {job.name}: {error.strerror or error}")
    except Exception as error:  # a bug of ours must not cost the rest of the batch
        return OfferError(f"could not build this offer ({type(error).__name__}: {error}); please report it")
    row = SummaryRow.of(job.offer, figures, job.name)
    return Outcome(job.name, action, digest, row, points=points, taken_back=taken_back, rounds=rounds)


def _rounds(job: Job, edits: HandEdits, guides: Mapping[str, Guide], day: str) -> tuple[Round, ...] | None:
    """The offer's rounds with the one its workbook's cells (`edits`) make, seen on `day`; None
    when its cells do not make an offer."""
    if edits.offer is None or edits.figures is None:
        return None
    return with_round(job.rounds, Round.of(edits.offer, guides[edits.offer.guide_id], edits.figures, day))


def _points(
    job: Job, offer: Offer, guides: Mapping[str, Guide], table: RateTable, figures: OfferFigures | None = None
) -> PointsOutcome | None:
    """The offer's talking points (`talking_points.py`), written under a temporary name beside
    the workbook's when they changed; kept when edited by hand since (unless the build forces)."""
    if job.points is None:
        return None
    name, found = job.points.name, job.points.found
    if found.state == "blocked":
        return PointsOutcome(name, FAILED, problem=found.problem)
    guide = guides[offer.guide_id]
    figures = figures or offer_figures(offer, guide, table)
    text = talking_points(offer, guide, figures, offer_scripts(offer, guide, _context["wording"]))
    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    # Ours, or the very bytes we would write though the manifest lost them (talking points carry
    # no signature: the text is the candidate's to paste): unchanged either way.
    if found.sha256 == digest:
        return PointsOutcome(name, UNCHANGED, digest)
    if found.state == "foreign" and not job.force:
        return PointsOutcome(name, KEPT, found.sha256)
    try:
        write_new_file(job.points.temporary, data)
    except OSError as error:
        return PointsOutcome(name, FAILED, problem=f"cannot write {name}: {error.strerror or error}")
    return PointsOutcome(name, WRITTEN, digest)
