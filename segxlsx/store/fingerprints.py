"""What a file in the output folder is made from, in a few bytes, as the manifest keeps it.

A build skips an offer whose fingerprint and file are what the manifest recorded, and does not
write a summary made from the same rows again; so a fingerprint must change whenever the bytes
could, and only then.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from ..errors import Location, SegxlsxError
from ..model import Guide, Offer
from ..sources.rates import RateTable
from ..wording import Wording


def offer_fingerprint(offer: Offer) -> str:
    """What an offer's inputs are: the same offer read again gives the same, wherever it was read."""
    return hashlib.sha256(repr(replace(offer, source=Location())).encode()).hexdigest()[:16]


def workbook_fingerprints(
    guides: Mapping[str, Guide], wording: Wording, table: RateTable
) -> Callable[[Offer, str, str, str], str]:
    """Each offer's build fingerprint: a hash of everything its workbook's bytes are made from.

    The offer's fields (`inputs`, its `offer_fingerprint`, which the plan keeps too), its
    guide (by id), the wording, what every file depends on (`made_with`), the offer it belongs to as
    the workbook records it (`owner`: its file's name, candidate and occurrence), and its rounds
    as its Offer history lists them (`history`, a digest). What all
    offers share is hashed once here; per offer it is one more hash.
    """
    shared = repr((made_with(table), wording))
    by_guide = {name: _digest(shared + repr(guide)) for name, guide in guides.items()}

    def fingerprint(guide_id: str, inputs: str, owner: str, history: str) -> str:
        return _digest(by_guide[guide_id] + inputs + owner + history)

    return fingerprint


def offer_file_keys(guides: Mapping[str, Guide], wording: Wording, table: RateTable) -> Callable[[str], str]:
    """The key a build keeps an offer file's offers under (`Manifest.offer_file`), from its
    digest (`sources.offers.open_offer_file`: its suffix and bytes).

    The same key means the same offers, read the same way: what reading depends on beyond the
    bytes (the guides they are checked against, the version of segxlsx that reads them) is in
    it, and so is everything else a build is made from (the wording, the rates), so that
    nothing a build is made from can change and leave a file's offers unread.
    """
    shared = _digest(repr((made_with(table), wording, tuple(guides.items()))))
    return lambda digest: hashlib.sha256(f"{shared}\0{digest}".encode()).hexdigest()


def summary_fingerprint(
    rows_digest: str,
    table: RateTable,
    guides: Sequence[str],
    report_currency: str,
    failures: Sequence[SegxlsxError],
    today: date | None = None,
) -> str:
    """Everything a summary's bytes are made from: its rows in order (`rows_digest`, as the
    ledger keeps them), what its title block says (guides, rates, currency, failures, the
    summary's date, which its days left count from), the failures listed, and what every file
    depends on."""
    heading_and_failures = (
        made_with(table),
        tuple(guides),
        report_currency,
        today,
        len(failures),
        [(str(failure), failure.location) for failure in failures],
    )
    return _digest(repr(heading_and_failures) + rows_digest)


def made_with(table: RateTable) -> tuple[object, ...]:
    """What every file's bytes depend on beyond its own inputs: the version of segxlsx, and the
    whole rate table (values, date, source), not only the currencies a workbook shows: a few
    more rebuilds on a new rate day, never a stale file.

    segxlsx writes every byte of its files itself (`segxlsx.xlsx`), so its own version is the
    writer's: no other library's version can change them.
    """
    from .. import __version__

    return (
        __version__,
        table.base,
        table.as_of,
        table.source,
        sorted(table.per_base.items()),
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]
