"""Reading untrusted files safely: a size cap, safe YAML only, no alias bombs.

Guides, offers and rate files all come through here, so the same limits hold for every input.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .errors import InvalidValue

MAX_FILE_BYTES = 5 * 1024 * 1024  # far above any real guide or offer file
MAX_YAML_ALIASES = 100  # real files use a handful; a "billion laughs" bomb needs many


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 file, refusing one over `limit` bytes before reading it."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise InvalidValue(f"the file is {size:,} bytes, over the {limit:,}-byte limit")
        return path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise InvalidValue(f"cannot read the file: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise InvalidValue(
            f"not UTF-8 text (byte {error.start:,} is {error.object[error.start]:#04x})"
        ) from None


class _GuardedLoader(yaml.SafeLoader):
    """`SafeLoader` that stops at `MAX_YAML_ALIASES` aliases, before any expansion costs memory."""

    aliases_seen = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            self.aliases_seen += 1
            if self.aliases_seen > MAX_YAML_ALIASES:
                mark = self.peek_event().start_mark
                raise InvalidValue(
                    f"more than {MAX_YAML_ALIASES} YAML aliases (a YAML bomb?); refusing to read on",
                    line=mark.line + 1,
                )
        return super().compose_node(parent, index)

    def construct_yaml_timestamp(self, node):  # type: ignore[no-untyped-def]
        # A date-shaped value that is no date (2026-13-01) raises a bare ValueError in PyYAML,
        # which would escape as a traceback; name the line and the value instead.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            raise InvalidValue(
                f"{node.value!r} is not a date ({error})", line=node.start_mark.line + 1
            ) from None


# PyYAML dispatches on the constructor registered per tag, not on the method: register ours.
_GuardedLoader.add_constructor("tag:yaml.org,2002:timestamp", _GuardedLoader.construct_yaml_timestamp)


def load_yaml(text: str) -> Any:
    """Parse YAML with the safe loader; a syntax error names its line."""
    loader = _GuardedLoader(text)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        raise InvalidValue(f"invalid YAML: {problem}", line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as error:
        raise InvalidValue(f"invalid YAML: {error}") from None
    except RecursionError:  # PyYAML composes nested values recursively: "[[[[…" exhausts the stack
        raise InvalidValue("invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()


def load_json(text: str) -> Any:
    """Parse JSON; a syntax error names its line. Numbers with a fraction stay exact."""
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise InvalidValue(f"invalid JSON: {error.msg}", line=error.lineno) from None
    except RecursionError:
        raise InvalidValue("invalid JSON: nested too deeply") from None
