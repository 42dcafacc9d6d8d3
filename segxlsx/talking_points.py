"""The candidate's copy: what they may say, with its amounts, as a plain Markdown file.

The Scripts sheet has two voices; this file has one. It holds the candidate's lines only (the
negotiate-up ask or thanks, the first-year sign-on, the counter with their own competing
offers), each as the workbook's "What to say" shows it for this offer, amounts written the
one way prose writes money (`rules.short_money`). Never the walk-away, a coach's note, the
guide's own prose beyond what passed the claim rule (`claims`), or the offer's notes.
Markdown, because the guides are Markdown and it pastes into any email. Pure: no I/O.
"""

from __future__ import annotations

import re

from .figures import OfferFigures
from .model import Guide, Offer
from .wording import NOTHING_TO_SAY, OfferScripts

SUFFIX = ".md"
# The lines a candidate may say, as the Scripts sheet names them; any other line (the walk-away)
# is the coach's, whatever it holds.
CANDIDATE_LINES = ("Negotiate up", "Close the first-year gap", "Counter with competing offers")
# Characters that would make Markdown of untrusted text (a name, a company): links, emphasis,
# HTML, code. Escaped, so a renderer shows them as typed; a plain-text email shows a backslash.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|])")


def talking_points(offer: Offer, guide: Guide, figures: OfferFigures, scripts: OfferScripts) -> str:
    """The Markdown file for `offer`: a title, a line saying whose and in what currency, and a
    section per line the candidate has something to say on (none once the offer is settled,
    which it says)."""
    said = dict(
        zip((line.lever for line in scripts.lines), scripts.texts(figures, offer.currency), strict=True)
    )
    parts = [
        f"# What to say: {_plain(offer.candidate)}",
        f"{_plain(guide.role)} at {_plain(guide.company)}, {_plain(offer.region)}. "
        f"Amounts in {offer.currency}, rounded as you would say them.",
    ]
    if not scripts.open:
        parts.append(f"This offer is {offer.stage}: there is nothing left to ask for.")
    for lever in CANDIDATE_LINES:
        say = said.get(lever, (NOTHING_TO_SAY, ""))[0]
        if say and say != NOTHING_TO_SAY:
            parts += [f"## {lever}", _plain(say)]
    return "\n\n".join(parts) + "\n"


def _plain(text: str) -> str:
    """Untrusted text as Markdown shows it: one line, its markup characters escaped; a line
    that would start a heading, a list or a quote begins with a backslash."""
    line = _MARKDOWN.sub(r"\\\1", " ".join(text.split()))
    numbered = re.match(r"\d+(?=[.)]\s)", line)  # "1. " would start a list: "1\. "
    if numbered:
        return f"{numbered.group(0)}\\{line[numbered.end() :]}"
    return "\\" + line if re.match(r"[#>+-]", line) else line


def points_name(workbook: str) -> str:
    """The talking points' file name beside a workbook: ada-park.xlsx → ada-park.md."""
    return workbook.removesuffix(".xlsx") + SUFFIX
