"""A sheet's Excel table (`xl/tables/tableN.xml`): a named range with a header row, a filter
and banded rows, which Excel lets a reader sort and filter (the summary's `Offers`)."""

from __future__ import annotations

from dataclasses import dataclass

from .text import xml_attribute

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@dataclass(frozen=True)
class Table:
    """`ref` spans the header row and the data rows below it; `columns` are the headers' texts,
    which must be what the header cells say."""

    name: str
    ref: str
    columns: tuple[str, ...]
    style: str = "TableStyleMedium2"

    def xml(self, number: int) -> bytes:
        """The table part; `number` is the table's among the workbook's, from 1."""
        name, ref = xml_attribute(self.name), xml_attribute(self.ref)
        columns = "".join(
            f'<tableColumn id="{index}" name="{xml_attribute(column)}"/>'
            for index, column in enumerate(self.columns, start=1)
        )
        return (
            f'<table id="{number}" name="{name}" displayName="{name}" ref="{ref}" headerRowCount="1" '
            f'xmlns="{_MAIN}"><autoFilter ref="{ref}"/><tableColumns count="{len(self.columns)}">{columns}'
            f'</tableColumns><tableStyleInfo name="{xml_attribute(self.style)}" showRowStripes="1"/></table>'
        ).encode()
