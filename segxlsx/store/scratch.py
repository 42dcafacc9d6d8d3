"""A build's scratch databases: what it keeps while it runs on disk rather than in memory."""

from __future__ import annotations

import sqlite3

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
