"""What a build did: each offer's outcome as it lands, and the report the CLI shows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import SegxlsxError
from ..history import Round
from ..summary.row import SummaryRow

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class PointsOutcome:
    """What happened to one offer's talking points: written, unchanged, or kept (edited by hand,
    or never segxlsx's); `problem` when they could not be written at all."""

    file: str
    action: str
    sha256: str | None = None
    problem: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What happened to one offer."""

    file: str
    action: str  # written, unchanged (same bytes already there), kept (edited by hand)
    sha256: str | None
    row: SummaryRow | None  # None for an offer skipped as unchanged, until its manifest row is taken
    # For a workbook kept because edited by hand: what its inputs change in the offer file, or
    # why they cannot be read (`problem`); either needs the recruiter's attention.
    differences: tuple[str, ...] = ()
    problem: SegxlsxError | None = None
    rates_day: date | None = None  # a kept workbook's: the rates it was built on, when known
    taken_back: bool = False  # kept before; its inputs match its offer file again, so rebuilt
    points: PointsOutcome | None = None  # with --talking-points
    # The offer's rounds once this build saw it (`history`): None when they stay as kept (a
    # skipped offer, a kept workbook whose inputs cannot be read).
    rounds: tuple[Round, ...] | None = None

    @property
    def needs_attention(self) -> bool:
        return bool(self.differences or self.problem)


@dataclass
class BuildReport:
    """What a build did, for the CLI's report and for tests.

    Counts, and only the outcomes that need the recruiter: a build of 50,000 offers does not
    keep 50,000 of them. What each workbook is now, the summary lists.
    """

    out: Path
    counts: Counter[str] = field(default_factory=Counter)  # workbooks by action: written, unchanged, kept
    points: Counter[str] | None = None  # with --talking-points: the .md files by action
    kept: list[Outcome] = field(default_factory=list)  # workbooks kept, edited by hand, in input order
    skipped: int = 0  # offers not rendered at all: inputs and file as the manifest recorded them
    failures: list[SegxlsxError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. live rates fell back to offline
    summary: Path | None = None
    stopped_early: bool = False  # --fail-fast stopped at the first bad offer
    interrupted: int | None = None  # the signal (SIGINT, SIGTERM) that stopped the build
    report_currency: str | None = None  # the summary's common currency
    replaced: set[str] = field(default_factory=set)  # workbooks named by `replace` that were rebuilt
    rates_day: date | None = None  # the day of the rates this build used

    def count(self, action: str) -> int:
        return self.counts[action]

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 128 + self.interrupted  # the shell's own convention: 130 for Ctrl-C, 143 for SIGTERM
        edited = any(outcome.needs_attention for outcome in self.kept)
        return 1 if self.failures or edited else 0
