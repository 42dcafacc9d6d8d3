"""A build's scratch databases: what it keeps while it runs on disk rather than in memory."""

from __future__ import annotations

import os
import sqlite3

from ..errors import SegxlsxError

_SCRATCH = """
PRAGMA journal_mode = OFF;  -- scratch: the output folder's manifest and journal are what last
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1024;  -- KiB of pages in memory: the rest is in the file
"""


def scratch_database(schema: str) -> sqlite3.Connection:
    """A private SQLite database in SQLite's own temporary file (deleted when it is closed),
    with `schema`; of it, only a bounded page cache sits in memory."""
    database = sqlite3.connect("", isolation_level=None)  # "": a temporary file, gone on close
    database.executescript(_SCRATCH + schema)
    return database


def scratch_problem(error: sqlite3.Error) -> SegxlsxError:
    """A build's working files (the ledger, the manifest's entries) could not be kept: say where.

    What landed is in the folder's journal, so the next build carries on from it.
    """
    where = os.environ.get("SQLITE_TMPDIR") or os.environ.get("TMPDIR") or "/tmp"
    return SegxlsxError(
        f"cannot keep the build's working files in the temporary folder ({where}): {error}; "
        "free some space there or set TMPDIR, and build again"
    )
