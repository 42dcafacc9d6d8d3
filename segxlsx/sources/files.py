"""Reading untrusted files safely: regular files only, a size cap, YAML 1.2, no alias bombs.

Guides, offers, rate files and templates all come through here, so the same limits hold for
every input:
- only regular files are read (a FIFO would hang the run, `/dev/zero` never ends), and the
  size cap counts the bytes actually read, not what `stat` claims;
- YAML is read as the YAML 1.2 core schema, as SPEC.md promises: decimal integers only
  (`0130000` is 130000, never octal), `true`/`false` only (`NO` is Norway), no sexagesimal
  (`1:20:00` is text), no timestamps; a key given twice in one mapping is an error;
- YAML aliases are allowed (sharing defaults with `<<: *defaults` is how people write long
  files) but the value they expand to is bounded: every composed node counts, an alias as
  many nodes as the value it stands for, so a "billion laughs" stops within a few aliases;
- text is checked against XML 1.0 (see `text.py`) where it enters, by `check_text`.
"""

from __future__ import annotations

import json
import os
import re
import stat
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..errors import InvalidValue, Location
from ..text import REPLACEMENT, code_point, first_unwritable, visible

MAX_FILE_BYTES = 5 * 1024 * 1024  # far above any real guide or offer file
# Nodes a YAML file may stand for once its aliases are expanded. A real offer is ~40 nodes, so
# this is 25,000 offers; a bomb passes it after a handful of aliases, in milliseconds.
MAX_YAML_NODES = 1_000_000
MAX_YAML_DEPTH = 64  # an offer file nests 6 deep (list, offer, competing, list, offer, value)


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 regular file of at most `limit` bytes; anything else is `InvalidValue`."""
    return decode_text(read_bytes(path, limit))


def decode_text(data: bytes) -> str:
    """A file's bytes as UTF-8 text (a byte-order mark dropped); anything else is `InvalidValue`."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidValue(
            f"not UTF-8 text (byte {error.start:,} is {error.object[error.start]:#04x})"
        ) from None


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """Read a regular file of at most `limit` bytes; anything else is `InvalidValue`."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise InvalidValue(f"cannot read the file: {error.strerror or error}") from None
    kind = _file_kind(os.fstat(descriptor).st_mode)
    if kind:
        os.close(descriptor)
        raise InvalidValue(f"expected a file, but this is {kind}")
    with os.fdopen(descriptor, "rb") as handle:
        try:
            data = _read_at_most(handle, limit + 1)  # one byte more tells a file over the cap
        except OSError as error:
            raise InvalidValue(f"cannot read the file: {error.strerror or error}") from None
    if len(data) > limit:
        raise InvalidValue(f"the file is over the {limit:,}-byte limit")
    return data


def _read_at_most(handle: Any, size: int) -> bytes:
    """Up to `size` bytes, in chunks: `read(size)` would set aside all `size` bytes up front."""
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = handle.read(min(remaining, 1 << 16))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _file_kind(mode: int) -> str | None:
    """What a path is when it is not a regular file ("a folder"), else None."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def check_text(text: str, field: str | None = None) -> str:
    """`text` as read, refused when it holds a character an .xlsx file cannot hold."""
    char = first_unwritable(text)
    if char is not None:
        raise InvalidValue(f"contains {_unwritable(text, char)}", field=field)
    return text


def mend_prose(text: str, where: Location, notes: list[str]) -> str:
    """`text` with each character an .xlsx file cannot hold replaced by a visible U+FFFD.

    For a guide's prose only, where one stray character should not cost the whole guide; a
    note saying where goes to `notes`, so the change is never silent.
    """
    char = first_unwritable(text)
    if char is None:
        return text
    notes.append(
        f"{where}: replaced {code_point(char)} with {code_point(REPLACEMENT)} (an Excel file cannot hold it)"
    )
    return visible(text)


def check_file_name(path: Path) -> Path:
    """`path`, refused when its name holds a character an .xlsx file cannot hold.

    A file's name is shown in workbooks (where an offer or a rate came from) and a guide's
    names its id; a name from a foreign file system can hold anything.
    """
    char = first_unwritable(path.name)
    if char is not None:
        raise InvalidValue(f"the file's name contains {_unwritable(path.name, char)}")
    return path


def _unwritable(text: str, char: str) -> str:
    return f"{code_point(char)} at character {text.index(char) + 1:,}, which an Excel file cannot hold"


def shorten(text: str, limit: int = 60) -> str:
    """Untrusted text cut short for a one-line message."""
    return text if len(text) <= limit else text[:limit] + "…"


# --- YAML ------------------------------------------------------------------------------------------


class _PythonEvents(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """YAML's events from PyYAML's pure-Python scanner and parser."""

    def start_events(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)

    @staticmethod
    def line_at(text: str, position: int) -> int:
        """The line of a reader error's position, counted in characters."""
        return text.count("\n", 0, position) + 1


try:  # PyYAML's wheels carry libyaml; a build from source may not
    from yaml.cyaml import CParser

    class _LibyamlEvents(CParser):
        """The same events from libyaml's scanner and parser, in C: ~10x faster."""

        def start_events(self, text: str) -> None:
            CParser.__init__(self, text)

        @staticmethod
        def line_at(text: str, position: int) -> int:
            """The line of a reader error's position, which libyaml counts in UTF-8 bytes."""
            return text.encode("utf-8", "surrogatepass")[:position].count(b"\n") + 1

    _Events: type = _LibyamlEvents
except ImportError:  # pragma: no cover
    _Events = _PythonEvents


class _Yaml12Composer(yaml.composer.Composer, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """PyYAML's safe loading with the YAML 1.2 core schema and bounds on nesting and expansion.

    Events come from the class it is mixed with (`_Events`): it is `yaml.CSafeLoader` but for
    one thing, the document is composed from the events in Python, by PyYAML's own composer,
    so that the bounds below see every node (CSafeLoader composes in C, out of their reach).
    Scanning and parsing, most of the time, stay in C: the guide and wording a build reads at
    start-up, and each offer file, take a fraction of the time.
    """

    yaml_implicit_resolvers: dict = {}  # start empty: none of YAML 1.1's, only those added below

    def __init__(self, text: str) -> None:
        self.start_events(text)  # type: ignore[attr-defined]
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self.nodes = 0  # nodes composed so far, an alias counting as the nodes it stands for
        self.depth = 0
        self.sizes: dict[yaml.Node, int] = {}  # each finished node: the nodes it stands for

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            target = self.anchors.get(event.anchor)
            if target is not None:  # an unknown alias is PyYAML's own error, with its line
                if target not in self.sizes:
                    raise InvalidValue("a YAML alias inside the value it names", line=_line(event))
                self._count(self.sizes[target], event)
            return super().compose_node(parent, index)
        self.depth += 1
        if self.depth > MAX_YAML_DEPTH:
            raise InvalidValue("invalid YAML: nested too deeply", line=_line(event))
        before = self.nodes
        self._count(1, event)
        node = super().compose_node(parent, index)
        self.sizes[node] = self.nodes - before
        self.depth -= 1
        return node

    def _count(self, nodes: int, event: yaml.Event) -> None:
        self.nodes += nodes
        if self.nodes > MAX_YAML_NODES:
            raise InvalidValue(
                f"the YAML stands for more than {MAX_YAML_NODES:,} values once its aliases are expanded "
                "(a YAML bomb?); refusing to read on",
                line=_line(event),
            )

    def compose_mapping_node(self, anchor):  # type: ignore[no-untyped-def]
        node = super().compose_mapping_node(anchor)
        seen: dict[object, int] = {}
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue  # the constructor refuses a list or mapping as a key
            identity = _key_identity(key)
            if identity in seen:
                raise InvalidValue(
                    f"the key {shorten(key.value, 40)!r} is given twice (first on line {seen[identity]})",
                    line=_line(key),
                )
            seen[identity] = _line(key)
        return node

    def construct_yaml_int(self, node):  # type: ignore[no-untyped-def]
        # Decimal only: YAML 1.1 read 0130000 as octal 45056 and 1:20:00 as 4800.
        return int(self.construct_scalar(node))


class _Yaml12Loader(_Yaml12Composer, _Events):  # composer first: CParser composes too, in C
    pass


class _PythonYaml12Loader(_Yaml12Composer, _PythonEvents):
    pass


def _line(mark_holder: yaml.Event | yaml.Node) -> int:
    return mark_holder.start_mark.line + 1


def _key_identity(key: yaml.ScalarNode) -> object:
    """What a key is once read, so `1` and `01`, or `true` and `True`, count as the same key."""
    if key.tag == "tag:yaml.org,2002:int":
        return ("int", key.value.lstrip("+").lstrip("0") or "0")
    if key.tag in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"):
        return (key.tag, key.value.lower())
    return (key.tag, key.value)


# The YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution), integers in
# decimal only as SPEC.md says (the schema's 0o17 and 0x1F stay text), and the `<<` merge key.
_RESOLVERS = [  # tag, pattern, the characters a value of it can start with ("" for empty)
    ("tag:yaml.org,2002:null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"true|True|TRUE|false|False|FALSE", list("tTfF")),
    ("tag:yaml.org,2002:int", r"[-+]?[0-9]+", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        list("-+0123456789."),
    ),
    ("tag:yaml.org,2002:merge", r"<<", ["<"]),
]
_PLAIN_TYPES = [(tag, re.compile(f"^(?:{pattern})$")) for tag, pattern, _ in _RESOLVERS]
for (_tag, _regex), (*_, _first) in zip(_PLAIN_TYPES, _RESOLVERS, strict=True):
    _Yaml12Composer.add_implicit_resolver(_tag, _regex, _first)


def yaml_reads_as_text(plain: str) -> bool:
    """Whether `plain`, written unquoted, reads back as text here (`1e3` does not: it is a number).

    For writers: PyYAML's dumper quotes only what YAML 1.1 would read as something else.
    """
    return not any(regex.match(plain) for _, regex in _PLAIN_TYPES)


# PyYAML dispatches on the constructor registered per tag, not on the method: register ours.
_Yaml12Composer.add_constructor("tag:yaml.org,2002:int", _Yaml12Composer.construct_yaml_int)


def load_yaml(text: str) -> Any:
    """Parse YAML 1.2 (core schema) with the safe loader; a problem names its line."""
    return _load_yaml(text, _Yaml12Loader)


def _load_yaml(text: str, reading: type) -> Any:
    """`load_yaml` with the events from `reading` (a test compares libyaml's with PyYAML's)."""
    loader = None
    try:
        loader = reading(text)
        return loader.get_single_data()
    except yaml.reader.ReaderError as error:  # a character YAML refuses in a file, e.g. a NUL
        char = chr(error.character) if isinstance(error.character, int) else str(error.character)
        raise InvalidValue(
            f"invalid YAML: {code_point(char)} is not allowed in a YAML file",
            line=reading.line_at(text, error.position),
        ) from None
    except UnicodeEncodeError as error:  # a lone surrogate, which libyaml is never handed
        char = error.object[error.start]
        raise InvalidValue(
            f"invalid YAML: {code_point(char)} is not allowed in a YAML file",
            line=text.count("\n", 0, error.start) + 1,
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = " ".join(str(error.problem or error.context or "invalid YAML").split())
        if problem == "exceeded maximum nesting depth":  # libyaml's own bound, 1,000 deep
            problem = "nested too deeply"
        raise InvalidValue(f"invalid YAML: {problem}", line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as error:
        raise InvalidValue(f"invalid YAML: {' '.join(str(error).split())}") from None
    except RecursionError:  # a last guard; MAX_YAML_DEPTH stops real nesting long before
        raise InvalidValue("invalid YAML: nested too deeply") from None
    except (ValueError, TypeError, KeyError, OverflowError) as error:
        # An explicit tag on a value it cannot read (`!!int 1:20:00`, `!!bool maybe`): PyYAML's
        # constructors raise plain Python errors for those.
        raise InvalidValue(f"invalid YAML: a value cannot be read ({type(error).__name__})") from None
    finally:
        if loader is not None:
            loader.dispose()


# --- JSON ------------------------------------------------------------------------------------------


def load_json(text: str) -> Any:
    """Parse JSON; a syntax error names its line. Numbers with a fraction stay exact."""
    try:
        return json.loads(text, parse_float=Decimal, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise InvalidValue(f"invalid JSON: {error.msg}", line=error.lineno) from None
    except RecursionError:
        raise InvalidValue("invalid JSON: nested too deeply") from None
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        raise InvalidValue("invalid JSON: a number too long to be one") from None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused when it gives a key twice (json keeps the last one silently)."""
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise InvalidValue(f"the key {shorten(key, 40)!r} is given twice")
        mapping[key] = value
    return mapping
