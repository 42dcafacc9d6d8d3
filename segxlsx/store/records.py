"""The folder's own records (manifest, journal, lock), opened as the untrusted files they are.

They sit in a folder anyone may write to: a record replaced by a FIFO would hang a build that
opens it, a link to /dev/zero would never end, and a link could lead elsewhere. So a record is
opened without following links and without blocking, and used only if it is a regular file of
a sensible size; anything else is said by name, never waited on.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import BinaryIO


def open_record(path: Path, max_bytes: int) -> BinaryIO:
    """`path` opened to read, if it is a regular file of at most `max_bytes`; else an OSError
    (missing: FileNotFoundError) or a ValueError saying what is there instead."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{what_is(info.st_mode)}, not a file")
        if info.st_size > max_bytes:
            raise ValueError(f"{info.st_size:,} bytes, more than a record of segxlsx's can hold")
    except BaseException:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "rb")


def is_regular(descriptor: int) -> bool:
    return stat.S_ISREG(os.fstat(descriptor).st_mode)


def what_is(mode: int) -> str:
    """What a file that is not a regular one is, in words."""
    kinds = [
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "a device")


def record_problem(error: BaseException) -> str:
    """An error met reading a record, in a few words."""
    if isinstance(error, OSError):
        if error.errno == errno.ELOOP:
            return "a symbolic link, not a file"
        return error.strerror or str(error)
    if isinstance(error, json.JSONDecodeError):
        return f"not JSON ({error.msg.lower()})"
    text = str(error) or type(error).__name__
    return text if len(text) <= 120 else text[:119] + "…"
