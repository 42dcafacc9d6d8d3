"""What a process works out once and reuses for every workbook of the same kind."""

from __future__ import annotations

from collections.abc import Hashable


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
