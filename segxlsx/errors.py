"""One exception family for everything a user can get wrong.

Each error carries where it happened (file, line or row or index, offer, field) and a human
sentence. Loaders raise them; the CLI turns them into one-line messages and exit codes in one
place, so no layer below it ever prints.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .text import visible


@dataclass(frozen=True)
class Location:
    """Where in the inputs a problem sits; every part is optional."""

    file: str | None = None
    sheet: str | None = None  # a sheet of an .xlsx offers file
    cell: str | None = None  # a cell of a workbook read back, as "Offer!B9"
    line: int | None = None  # a line of a Markdown, YAML or JSON file
    row: int | None = None  # a CSV data row, 1-based, header not counted; an .xlsx sheet's own row number
    index: int | None = None  # an offer's position in a YAML/JSON list, 1-based
    candidate: str | None = None
    field: str | None = None

    def __post_init__(self) -> None:
        # A location is shown in messages and written to the summary's Errors sheet: a file name,
        # candidate or key holding a character an .xlsx cannot hold must not corrupt that sheet.
        for part in ("file", "sheet", "candidate", "field"):
            value = getattr(self, part)
            if isinstance(value, str):
                object.__setattr__(self, part, visible(value))

    @property
    def place(self) -> dict[str, object]:
        """Where an offer stands in its input (its file, sheet, row or index), as `SegxlsxError.at`
        takes it: so that every step that reports on an offer names its place alike."""
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "index": self.index}

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}"
        parts = [where] if where else []
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet!r}")
        if self.cell is not None:
            parts.append(f"cell {self.cell}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.index is not None:
            parts.append(f"offer {self.index}")
        if self.candidate:
            parts.append(f"candidate {self.candidate!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts)


class SegxlsxError(Exception):
    """A problem with the user's input or set-up, shown as one line, never a traceback."""

    exit_code = 2  # nothing could run; per-offer problems lower this to 1

    def __init__(self, message: str, location: Location | None = None, **where: object) -> None:
        message = visible(message)  # the message may quote the input; see Location.__post_init__
        super().__init__(message)
        self.message = message
        self.location = replace(location or Location(), **where)  # type: ignore[arg-type]

    def at(self, **where: object) -> SegxlsxError:
        """Return a copy of this error with more of its location filled in.

        Inner code knows the field, outer code knows the file and line; each adds what it knows.
        Parts already set are kept, so the innermost (most precise) answer wins; a field path
        grows outward instead ("base" inside "bands[2]" becomes "bands[2].base").
        """
        known = {k: v for k, v in where.items() if getattr(self.location, k) is None}
        if where.get("field") and self.location.field:
            known["field"] = f"{where['field']}.{self.location.field}"
        return type(self)(self.message, replace(self.location, **known))  # type: ignore[arg-type]

    def plain(self) -> SegxlsxError:
        """This error alone, without the traceback and chain it was raised with: what a report
        keeps of it. A batch keeps one per bad offer, and a traceback keeps its frames' locals
        alive: ~8 KB an offer, gigabytes for a million bad rows."""
        return type(self)(self.message, self.location)

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message


class InvalidValue(SegxlsxError):
    """A value that breaks a rule of the model or of money parsing; loaders add the location."""


class GuideError(SegxlsxError):
    """A guide the tool cannot read or that breaks the model's rules."""


class OfferError(SegxlsxError):
    """One offer that cannot be used; the rest of the batch goes on."""

    exit_code = 1


class RatesError(SegxlsxError):
    """Exchange rates that cannot be had for the requested currencies or date."""


def display_path(path: str | Path) -> str:
    """A path as the user would recognise it: relative to the working directory when inside it."""
    path = Path(path)
    try:
        here = os.getcwd()
        # The folder is resolved, not the name: the name may be a link that loops, or dangles.
        folder = _resolved(os.path.join(here, path.parent))
        return str((folder / path.name).relative_to(_resolved(here)))
    except (ValueError, OSError, RuntimeError):
        return str(path)


@lru_cache(maxsize=256)
def _resolved(folder: str) -> Path:
    """An absolute folder with its links followed: once per folder, not for each of its files
    (a name shown only, so a link changed since shows the folder as it was)."""
    return Path(folder).resolve()


@contextmanager
def located(kind: type[SegxlsxError] | None = None, **where: object) -> Iterator[None]:
    """Re-raise any `SegxlsxError` from the block with `where` added (and as `kind`, if given)."""
    try:
        yield
    except SegxlsxError as error:
        error = error.at(**where)
        if kind is not None and not isinstance(error, kind):
            error = kind(error.message, error.location)
        raise error from None
