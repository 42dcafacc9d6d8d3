"""Guides as YAML: the importer's output and `build --guide`'s other input form.

Dumping is deterministic (same guide, same bytes), so a committed guide can be checked against
a fresh import. Loading names the key path of anything wrong ("bands[2].base.min").
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import yaml

from ...errors import InvalidValue, Location, located
from ...model import Band, Guide, Lever, LeverSection, Range, Strategy, unknown_choice
from ...money import parse_amount, parse_percent
from ..files import check_text, mend_prose, yaml_reads_as_text

T = TypeVar("T")


class _Dumper(yaml.SafeDumper):
    """Writes `Decimal` as a plain YAML number, and long text as readable blocks."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    if value == value.to_integral_value():
        return dumper.represent_int(int(value))
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # The dumper quotes what YAML 1.1 would read as another type; guides are read as YAML 1.2,
    # which also reads e.g. 1e3 unquoted as a number: quote that too, so text reads back as text.
    if not yaml_reads_as_text(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    return dumper.represent_str(value)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(str, _represent_text)


def dump_guide(guide: Guide, source: str | None = None) -> str:
    """The guide as YAML text; `source` is named in a header comment."""
    header = f"# Imported by segxlsx import-guide from {source}; edit freely.\n" if source else ""
    return header + yaml_text(guide_to_dict(guide))


def yaml_text(data: Any) -> str:
    """Plain data (and Decimals) as YAML that our YAML 1.2 reader reads back the same."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def guide_to_dict(guide: Guide) -> dict[str, Any]:
    s = guide.strategy
    return {
        "title": guide.title,
        "role": guide.role,
        "company": guide.company,
        "parent_company": guide.parent_company,
        "tagline": guide.tagline,
        "bands": [
            {
                "region": b.region,
                "currency": b.currency,
                "base": _range(b.base),
                "stock": _range(b.stock),
                "vesting_years": b.vesting_years,
                "bonus_pct": _range(b.bonus_pct),
                "total_comp_stated": _range(b.total_comp_stated),
            }
            for b in guide.bands
        ],
        "narrative": list(guide.narrative),
        "level_mapping": list(guide.level_mapping),
        "lever_sections": [
            {"heading": section.heading, "paragraphs": list(section.paragraphs)}
            for section in guide.lever_sections
        ],
        "levers": [{"number": v.number, "name": v.name, "script": v.script} for v in guide.levers],
        "negotiate_up": {
            "script": s.script,
            "walk_away_line": s.walk_away_line,
            "reference_region": s.reference_region,
            "currency": s.currency,
            "target_base": s.target_base,
            "target_stock": s.target_stock,
            "target_bonus_pct": s.target_bonus_pct,
            "walk_away_stock": s.walk_away_stock,
        },
        "sources": list(guide.sources),
    }


def _range(r: Range) -> dict[str, Decimal]:
    return {"min": r.min, "max": r.max}


def guide_from_dict(data: Any, guide_id: str, file: str | None = None) -> Guide:
    """Build a `Guide` from parsed YAML; errors name the key path ("bands[2].base.min").

    Names (title, role, company, regions) holding a character an Excel file cannot hold are
    refused; in prose it is replaced with U+FFFD and the guide's `notes` say where.
    """
    doc = _Mapping(data, file)
    guide = Guide(
        id=guide_id,
        title=doc.text("title"),
        role=doc.text("role"),
        company=doc.text("company"),
        parent_company=doc.text("parent_company"),
        tagline=doc.prose("tagline", required=False),
        bands=doc.each("bands", _band),
        narrative=doc.texts("narrative"),
        level_mapping=doc.texts("level_mapping"),
        lever_sections=doc.each(
            "lever_sections", lambda item: LeverSection(item.prose("heading"), item.texts("paragraphs"))
        ),
        levers=doc.each(
            "levers", lambda item: Lever(item.whole("number"), item.prose("name"), item.prose("script"))
        ),
        strategy=doc.one("negotiate_up", _strategy),
        sources=doc.texts("sources"),
        notes=tuple(doc.notes),
    )
    doc.only_known()
    return guide


def _band(item: _Mapping) -> Band:
    return Band(
        region=item.text("region"),
        currency=item.text("currency"),
        base=item.range("base"),
        stock=item.range("stock"),
        vesting_years=item.whole("vesting_years"),
        bonus_pct=item.range("bonus_pct", percent=True),
        total_comp_stated=item.range("total_comp_stated"),
    )


def _strategy(item: _Mapping) -> Strategy:
    return Strategy(
        script=item.prose("script"),
        walk_away_line=item.prose("walk_away_line", required=False),
        reference_region=item.text("reference_region"),
        currency=item.text("currency"),
        target_base=item.amount("target_base"),
        target_stock=item.amount("target_stock"),
        target_bonus_pct=item.percent("target_bonus_pct"),
        walk_away_stock=item.amount("walk_away_stock"),
    )


class _Mapping:
    """A YAML mapping with typed getters. Errors name the key; nesting adds the outer keys.

    Mappings inside it share its `notes` and know their own key path, to say where prose was mended.
    """

    def __init__(
        self, data: Any, file: str | None = None, path: str = "", notes: list[str] | None = None
    ) -> None:
        if not isinstance(data, dict):
            raise InvalidValue(f"expected a mapping, got {type(data).__name__}")
        self.data = data
        self.file = file
        self.path = path
        self.notes: list[str] = [] if notes is None else notes
        self.asked: set[str] = set()  # every key read, given or not

    def only_known(self) -> None:
        """Refuse a key nothing reads: a typo ("level_maping") would drop what it holds, as an
        offer's unknown field is refused for the same reason."""
        for key in self.data:
            if key not in self.asked:
                raise InvalidValue(unknown_choice("key", str(key), sorted(self.asked)))

    def _inside(self, key: str, data: Any) -> _Mapping:
        return _Mapping(data, self.file, f"{self.path}.{key}" if self.path else key, self.notes)

    def get(self, key: str, required: bool = True) -> Any:
        self.asked.add(key)
        value = self.data.get(key)
        if value is None and required:
            raise InvalidValue("missing", field=key)
        return value

    def text(self, key: str, required: bool = True) -> str:
        """A name (title, company, region): refused when an Excel file could not hold it."""
        return check_text(self._text(key, required), field=key)

    def prose(self, key: str, required: bool = True) -> str:
        """Prose: a character an Excel file cannot hold becomes a visible U+FFFD, with a note."""
        return self._mended(self._text(key, required), key)

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of prose paragraphs."""
        value = self.get(key, required=False) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InvalidValue("expected a list of text", field=key)
        return tuple(self._mended(text, f"{key}[{index}]") for index, text in enumerate(value))

    def _text(self, key: str, required: bool) -> str:
        value = self.get(key, required)
        if value is None:
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise InvalidValue(f"expected text, got {type(value).__name__}", field=key)
        return str(value)

    def _mended(self, text: str, key: str) -> str:
        where = Location(file=self.file, field=f"{self.path}.{key}" if self.path else key)
        return mend_prose(text, where, self.notes)

    def one(self, key: str, build: Callable[[_Mapping], T]) -> T:
        value = self.get(key)  # named by `get` itself when missing: not "key.key"
        with located(field=key):
            inside = self._inside(key, value)
            built = build(inside)
            inside.only_known()
            return built

    def each(self, key: str, build: Callable[[_Mapping], T]) -> tuple[T, ...]:
        value = self.get(key, required=False) or []
        if not isinstance(value, list):
            raise InvalidValue("expected a list", field=key)
        built = []
        for index, item in enumerate(value):
            with located(field=f"{key}[{index}]"):
                inside = self._inside(f"{key}[{index}]", item)
                built.append(build(inside))
                inside.only_known()
        return tuple(built)

    def amount(self, key: str) -> Decimal:
        value = self.get(key)
        with located(field=key):
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                shown = repr(value) if isinstance(value, bool) else f"a {type(value).__name__}"
                raise InvalidValue(f"expected a number, got {shown}")
            if isinstance(value, str) and len(value) > 40:  # parse_amount would quote it whole
                raise InvalidValue(f"expected a number, got {value[:40]!r}…")
            # A YAML float is read back through its shortest text, which is what was written.
            number = parse_amount(str(value) if isinstance(value, float) else value)
            return number if isinstance(number, Decimal) else number.amount

    def whole(self, key: str) -> int:
        number = self.amount(key)
        if number != number.to_integral_value():
            raise InvalidValue(f"expected a whole number, got {number}", field=key)
        return int(number)

    def percent(self, key: str) -> Decimal:
        """A percentage written 0.12 or "12%"."""
        value = self.get(key)
        if isinstance(value, str) and value.strip().endswith("%"):
            with located(field=key):
                return parse_percent(value)
        return self.amount(key)

    def range(self, key: str, percent: bool = False) -> Range:
        def build(item: _Mapping) -> Range:
            read = item.percent if percent else item.amount
            return Range(read("min"), read("max"))

        return self.one(key, build)
