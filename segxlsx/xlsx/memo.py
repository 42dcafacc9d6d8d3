"""What a process works out once and reuses for every workbook of the same kind."""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")


class Memo(dict):  # type: ignore[type-arg]
    """Parts built once per shape (a guide, a currency, a number of competing offers): a few
    dozen in a usual batch. Emptied when it reaches `size`, a bound against an unusual one."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def keep(self, key: Hashable, value: object) -> object:
        if len(self) >= self.size:
            self.clear()
        self[key] = value
        return value


SHORT = 1_000  # characters: labels, names, headings, formulas; longer text is an offer's own


def for_short_text(function: Callable[..., T]) -> Callable[..., T]:
    """`function` of text (its last argument; any before it short, such as a name), worked out
    once per process for text up to `SHORT` characters.

    Offers of one shape write the same labels and formulas: each is escaped once. Longer text
    (a note, a guide's paragraph) is worked out each time, so that the cache, bounded in
    entries, stays bounded in memory too: 4,096 texts of at most 1,000 characters."""
    cached = lru_cache(maxsize=4096)(function)

    def text_of(*args: str) -> T:
        return cached(*args) if len(args[-1]) <= SHORT else function(*args)

    text_of.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return functools.update_wrapper(text_of, function)
