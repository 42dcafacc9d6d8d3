"""One offer's workbook, in a worker process: rendered, compared, written under a temporary name.

What every job of a worker shares (guides, wording, rates) is sent to it once (`start_worker`);
each job then carries only its offer and where its file goes. The build's own process renames
the file into place (`landing.py`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from ..errors import OfferError, SegxlsxError
from ..model import Guide
from ..sources.rates import RateTable
from ..store.folder import write_new_file
from ..store.signatures import OWNER_PROPERTY, owner_label
from ..summary.edited import read_hand_edits
from ..summary.row import KEPT, UNCHANGED, WRITTEN, SummaryRow
from ..wording import Wording
from .plan import Job
from .report import Outcome

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
        if job.found.state == "foreign" and not job.force:
            edits = read_hand_edits(job.temporary.parent / job.name, guides, table, job.offer)
            return Outcome(job.name, KEPT, None, edits.row, edits.differences, edits.problem)
        workbook, figures = render_offer(job.offer, guides[job.offer.guide_id], table, _context["wording"])
        workbook.properties[OWNER_PROPERTY] = owner_label(job.owner)  # found again without the manifest
        data = workbook_bytes(workbook, table.as_of)
        digest = hashlib.sha256(data).hexdigest()
        if job.found.state == "ours" and job.found.sha256 == digest:
            action = UNCHANGED
        else:
            write_new_file(job.temporary, data)
            action = WRITTEN
    except SegxlsxError as error:
        return OfferError(error.message, error.location)
    except OSError as error:
        return OfferError(f"cannot write {job.name}: {error.strerror or error}")
    except Exception as error:  # a bug of ours must not cost the rest of the batch
        return OfferError(f"could not build this offer ({type(error).__name__}: {error}); please report it")
    return Outcome(job.name, action, digest, SummaryRow.of(job.offer, figures, job.name))
