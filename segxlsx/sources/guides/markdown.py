"""Read the Markdown negotiation guides of the seed's family into a `Guide`.

The family's shape, as the seed shows it:

    ### Role | Company Global Negotiation Guide
    **Negotiation DNA:** tagline naming the Parent RSU package
    | Region | Base Salary | Stock (RSU/4yr) | Bonus | Total Comp |     one row per region
    **Negotiation DNA**                  narrative paragraphs
    **Level Mapping:** A = B = C
    ### <emoji> Something Lever         a lever section: heading + paragraphs
    **Global Levers**                    1. **Name:** "script"
    > **Negotiate Up Strategy:** "script with targets" Accept if above $180K RSUs.
    #### Evidence & Sources              - [source]

Anything the parser cannot place is an error naming the line: nothing is dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ...errors import GuideError, InvalidValue, Location, located
from ...model import Band, Guide, Lever, LeverSection, Range, Strategy
from ...money import Money, parse_money_range, parse_percent_range
from ...scripts import strategy_targets, walk_away
from ...text import first_unwritable
from ..files import check_text, mend_prose
from .mojibake import Dropped, repair


@dataclass
class Block:
    """A run of Markdown lines that belong together, and the line it starts on."""

    kind: str  # heading, row, item, bullet, quote, paragraph
    line: int
    text: str
    level: int = 0  # heading level, or a numbered item's number


def blocks(text: str) -> list[Block]:
    """Split Markdown into headings, table rows, list items, quotes and paragraphs."""
    out: list[Block] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = " ".join(raw.split())  # collapse the gaps left by dropped emoji
        previous = out[-1] if out else None
        if not line:
            out.append(Block("blank", number, ""))
        elif heading := re.match(r"(#{1,6}) (.*)", line):
            out.append(Block("heading", number, heading[2].strip(" #"), len(heading[1])))
        elif line.startswith("|"):
            if not re.fullmatch(r"\|(\s*:?-{2,}:?\s*\|)+", line):  # not the |---| separator
                out.append(Block("row", number, line))
        elif item := re.match(r"(\d+)[.)] (.*)", line):
            out.append(Block("item", number, item[2], int(item[1])))
        elif bullet := re.match(r"[-*+] (.*)", line):
            out.append(Block("bullet", number, bullet[1]))
        elif line.startswith(">"):
            quoted = line.lstrip("> ").strip()
            if previous and previous.kind == "quote":
                previous.text += " " + quoted
            else:
                out.append(Block("quote", number, quoted))
        elif previous and previous.kind in ("paragraph", "item", "bullet"):
            previous.text += " " + line  # a wrapped line continues its paragraph or item
        else:
            out.append(Block("paragraph", number, line))
    return [b for b in out if b.kind != "blank"]


_TITLE = re.compile(r"(?P<role>.+?)\s*\|\s*(?P<company>.+?)\s+(?:Global\s+)?Negotiation\s+Guide\s*$", re.I)
_LABELLED = re.compile(r"\*\*(?P<label>[^*]+?):\*\*\s*(?P<rest>.*)$")
_BOLD_ONLY = re.compile(r"\*\*(?P<label>[^*]+?)\*\*$")
_LEVER = re.compile(r"\*\*(?P<name>[^*]+?):?\*\*:?\s*(?P<script>.*)$")
_QUOTED = re.compile(r"^[\"“](?P<script>.*)[\"”]\s*(?P<after>.*)$")


@dataclass
class _Draft:
    """What has been read so far; turned into a `Guide` once the whole file is read."""

    guide_id: str
    title: str = ""
    role: str = ""
    company: str = ""
    tagline: str = ""
    vesting_header_line: int = 0
    bands: list[Band] = field(default_factory=list)
    band_lines: list[int] = field(default_factory=list)
    narrative: list[str] = field(default_factory=list)
    level_mapping: tuple[str, ...] = ()
    lever_sections: list[LeverSection] = field(default_factory=list)
    levers: list[Lever] = field(default_factory=list)
    strategy: Strategy | None = None
    strategy_line: int = 0
    sources: list[str] = field(default_factory=list)


def parse_guide(text: str, guide_id: str, file: str) -> tuple[Guide, list[Dropped]]:
    """Parse one guide; returns it and any text dropped as unrepairable mojibake."""
    text, dropped = repair(text)
    with located(GuideError, file=file):
        text, notes = _replace_unwritable(text, file)
        return replace(_Reader(guide_id).read(blocks(text)), notes=tuple(notes)), dropped


def _replace_unwritable(text: str, file: str) -> tuple[str, list[str]]:
    """The guide with characters an Excel file cannot hold replaced by U+FFFD, and a note for each line.

    Only prose may be mended so: the title (the role and company) and the band table (region
    names, amounts) are refused instead, since a region or company is matched and shown by name.
    """
    lines = text.split("\n")
    title = next((number for number, line in enumerate(lines) if line.strip()), 0)
    notes: list[str] = []
    for number, line in enumerate(lines):
        if first_unwritable(line) is None:
            continue
        if number == title or line.lstrip().startswith("|"):
            with located(line=number + 1):
                check_text(line)
        lines[number] = mend_prose(line, Location(file=file, line=number + 1), notes)
    return "\n".join(lines), notes


class _Reader:
    """Walks the blocks in order, keeping track of the section each one belongs to."""

    def __init__(self, guide_id: str) -> None:
        self.draft = _Draft(guide_id)
        self.section = "start"  # start, narrative, levers, sources, or a lever section's index
        self.table_header: list[str] | None = None

    def read(self, items: list[Block]) -> Guide:
        if not items or items[0].kind != "heading":
            raise InvalidValue(
                "expected the guide's title as its first line, e.g. '### Role | Company Global Negotiation Guide'",
                line=1,
            )
        self._title(items[0])
        for block in items[1:]:
            with located(line=block.line):
                getattr(self, "_" + block.kind)(block)
        return self._finish(items[-1].line)

    # -- blocks ------------------------------------------------------------------------------

    def _title(self, block: Block) -> None:
        match = _TITLE.match(block.text)
        if not match:
            raise InvalidValue(
                f"expected a title like 'Role | Company Global Negotiation Guide', got {block.text!r}",
                line=block.line,
            )
        self.draft.title = block.text
        self.draft.role, self.draft.company = match["role"], match["company"]

    def _heading(self, block: Block) -> None:
        self._open_section(block.text)

    def _paragraph(self, block: Block) -> None:
        labelled = _LABELLED.match(block.text)
        if bold := _BOLD_ONLY.match(block.text):
            self._open_section(bold["label"])
        elif labelled and self._labelled(labelled["label"], labelled["rest"]):
            return
        elif self.section in ("start", "narrative"):
            self.draft.narrative.append(block.text)
        elif isinstance(self.section, int):
            self._add_to_lever_section(block.text)
        else:
            raise InvalidValue(
                f"a paragraph in the {self.section} section that the guide format has no place for: {block.text[:60]!r}"
            )

    def _labelled(self, label: str, rest: str) -> bool:
        key = label.strip().casefold()
        if key == "negotiation dna" and not self.draft.tagline:
            self.draft.tagline = rest
        elif key == "level mapping":
            self.draft.level_mapping = tuple(
                part.strip() for part in re.split(r"\s+=\s+", rest) if part.strip()
            )
        else:
            return False
        return True

    def _open_section(self, heading: str) -> None:
        key = heading.casefold()
        if key == "negotiation dna":
            self.section = "narrative"
        elif "global levers" in key:
            self.section = "levers"
        elif "source" in key or "evidence" in key:
            self.section = "sources"
        else:
            self.draft.lever_sections.append(LeverSection(heading, ()))
            self.section = len(self.draft.lever_sections) - 1

    def _add_to_lever_section(self, text: str) -> None:
        section = self.draft.lever_sections[self.section]
        self.draft.lever_sections[self.section] = LeverSection(section.heading, (*section.paragraphs, text))

    def _item(self, block: Block) -> None:
        if self.section != "levers":
            if isinstance(self.section, int):
                return self._add_to_lever_section(f"{block.level}. {block.text}")
            raise InvalidValue("a numbered item outside the Global Levers section")
        match = _LEVER.match(block.text)
        if not match:
            raise InvalidValue(f"expected a lever like '1. **Name:** \"script\"', got {block.text[:60]!r}")
        self.draft.levers.append(Lever(block.level, match["name"].strip(), _unquote(match["script"])))

    def _bullet(self, block: Block) -> None:
        if self.section == "sources":
            self.draft.sources.append(block.text.strip().removeprefix("[").removesuffix("]"))
        elif isinstance(self.section, int):
            self._add_to_lever_section(f"- {block.text}")
        else:
            raise InvalidValue(f"a bullet outside the sources or a lever section: {block.text[:60]!r}")

    def _quote(self, block: Block) -> None:
        labelled = _LABELLED.match(block.text)
        if not labelled or "negotiate" not in labelled["label"].casefold():
            raise InvalidValue(f"expected '> **Negotiate Up Strategy:** \"…\"', got {block.text[:60]!r}")
        self.draft.strategy_line = block.line
        self.draft.strategy = self._strategy(labelled["rest"])

    def _row(self, block: Block) -> None:
        cells = [cell.strip() for cell in block.text.strip().strip("|").split("|")]
        if self.table_header is None:
            self.table_header = cells
            self.draft.vesting_header_line = block.line
            return
        self.draft.bands.append(self._band(cells))
        self.draft.band_lines.append(block.line)

    # -- the band table ----------------------------------------------------------------------

    _COLUMNS = {
        "region": ("region", "location", "city", "market"),
        "base": ("base",),
        "stock": ("stock", "rsu", "equity"),
        "bonus": ("bonus",),
        "total": ("total",),
    }

    def _column_indexes(self) -> dict[str, int]:
        header = [h.casefold() for h in self.table_header or []]
        found = {}
        for column, words in self._COLUMNS.items():
            matches = [i for i, h in enumerate(header) if any(w in h for w in words)]
            if not matches:
                raise InvalidValue(
                    f"the band table has no {column} column (header: {' | '.join(self.table_header or [])})",
                    line=self.draft.vesting_header_line,
                )
            found[column] = matches[0]
        return found

    def _vesting_years(self, header: str) -> int:
        match = re.search(r"(\d+)\s*-?\s*(?:yr|year)", header, re.I)
        if not match:
            raise InvalidValue(
                f"cannot tell the vesting years from the stock column {header!r}; write e.g. 'Stock (RSU/4yr)'",
                line=self.draft.vesting_header_line,
            )
        return int(match[1])

    def _band(self, cells: list[str]) -> Band:
        columns = self._column_indexes()
        if len(cells) != len(self.table_header or []):
            raise InvalidValue(f"expected {len(self.table_header or [])} cells, got {len(cells)}")
        region = cells[columns["region"]].strip("* ")
        with located(field=region):
            base, currency = self._money_cell(cells, columns, "base", None)
            stock, _ = self._money_cell(cells, columns, "stock", currency)
            stated, _ = self._money_cell(cells, columns, "total", currency)
            with located(field="bonus"):
                bonus = Range(*parse_percent_range(cells[columns["bonus"]]))
            return Band(
                region=region,
                currency=currency,
                base=base,
                stock=stock,
                vesting_years=self._vesting_years(self.table_header[columns["stock"]]),
                bonus_pct=bonus,
                total_comp_stated=stated,
            )

    def _money_cell(
        self, cells: list[str], columns: dict[str, int], column: str, currency: str | None
    ) -> tuple[Range, str]:
        with located(field=column):
            low, high = parse_money_range(cells[columns[column]], currency)
            if not isinstance(low, Money):
                raise InvalidValue(
                    f"{cells[columns[column]]!r} does not say its currency (write e.g. '$168K–$202K' or 'CHF 140K–180K')"
                )
            return Range(low.amount, high.amount), low.currency

    # -- the strategy ------------------------------------------------------------------------

    def _strategy(self, text: str) -> Strategy:
        quoted = _QUOTED.match(text)
        script, after = (quoted["script"], quoted["after"]) if quoted else (text, "")
        targets = strategy_targets(script)
        base, stock = targets["base"].value, targets["stock"].value
        walk_away_stock = walk_away(after or script).value
        currencies = {m.currency for m in (base, stock, walk_away_stock)}
        if len(currencies) > 1:
            raise InvalidValue(
                f"the targets and walk-away are in different currencies ({', '.join(sorted(currencies))})",
                field="strategy",
            )
        currency = currencies.pop()
        reference = next((b.region for b in self.draft.bands if b.currency == currency), None)
        if reference is None:
            raise InvalidValue(
                f"the targets are in {currency} but no band is; cannot tell the reference region",
                field="strategy",
            )
        return Strategy(
            script=script.strip(),
            walk_away_line=after.strip(),
            reference_region=reference,
            currency=currency,
            target_base=base.amount,
            target_stock=stock.amount,
            target_bonus_pct=targets["bonus_pct"].value,
            walk_away_stock=walk_away_stock.amount,
        )

    # -- the end -----------------------------------------------------------------------------

    def _finish(self, last_line: int) -> Guide:
        draft = self.draft
        missing = [
            what
            for what, present in (
                ("the band table", draft.bands),
                ("the '**Negotiation DNA:**' tagline", draft.tagline),
                ("the Global Levers", draft.levers),
                ("the '> **Negotiate Up Strategy:**' quote", draft.strategy),
            )
            if not present
        ]
        if missing:
            raise InvalidValue(f"the guide ends without {', '.join(missing)}", line=last_line)
        try:
            return Guide(
                id=draft.guide_id,
                title=draft.title,
                role=draft.role,
                company=draft.company,
                parent_company=_parent_company(draft.tagline, draft.strategy.script, draft.company),
                tagline=draft.tagline,
                bands=tuple(draft.bands),
                narrative=tuple(draft.narrative),
                level_mapping=draft.level_mapping,
                lever_sections=tuple(draft.lever_sections),
                levers=tuple(draft.levers),
                strategy=draft.strategy,
                sources=tuple(draft.sources),
            )
        except InvalidValue as error:
            raise error.at(line=self._line_of(error.location.field)) from None

    def _line_of(self, field: str | None) -> int:
        """The line a whole-guide rule points at: the band's row ("bands[2].region"), else the strategy."""
        band = re.match(r"bands\[(\d+)\]", field or "")
        return self.draft.band_lines[int(band[1])] if band else self.draft.strategy_line


def _unquote(text: str) -> str:
    match = _QUOTED.match(text.strip())
    return match["script"] if match and not match["after"] else text.strip()


def _parent_company(tagline: str, script: str, company: str) -> str:
    """Whose RSUs are granted: "Twilio RSU Package" in the tagline, else "Twilio RSUs" in the script."""
    for text in (tagline, script):
        match = re.search(r"([A-Z][\w&.-]*)\s+RSUs?\b", text)
        if match and match[1].casefold() not in {"in", "the", "of", "my"}:
            return match[1]
    return company
