"""Repair guides whose UTF-8 was read as cp1252 ("â€“" for "–", "Â£" for "£").

ftfy does most of the work. What it cannot do is handled here on purpose:

- cp1252 has no character for the bytes 81, 8D, 8F, 90 and 9D, so a decoder that ignored errors
  lost them ("”" is E2 80 9D and arrives as "â€"; "🏗️" arrives as "ðŸ—ï¸"). A lost 9D after
  E2 80 can only have been "”"; any other sequence with a lost byte is ambiguous (🏗, 🍗 and 🐗
  differ only in that byte), so it is dropped and reported, never guessed.
- ftfy leaves a few sequences it finds plausible ("Â¥"); any complete UTF-8 sequence still
  spelled in cp1252 characters after ftfy is decoded here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any


@cache
def _ftfy() -> tuple[Any, Any]:
    """ftfy and how we configure it, imported only for a guide that may need repair (~45 ms)."""
    import ftfy

    config = ftfy.TextFixerConfig(
        unescape_html=False,  # Markdown may mean "&amp;" literally
        uncurl_quotes=False,  # keep the guide's typography
        fix_latin_ligatures=False,
        fix_character_width=False,
        explain=False,
        # ftfy would drop control characters and U+FFFE/U+FFFF without a word; guides.markdown
        # replaces the ones an Excel file cannot hold with a visible U+FFFD and reports each.
        remove_control_chars=False,
    )
    return ftfy, config


# In plain ASCII, the only characters the fixes configured above touch are the escape (terminal
# colour codes) and the carriage return (line breaks): text without either has nothing to repair.
_ASCII_FTFY_CHANGES = frozenset("\x1b\r")


def needs_repair(text: str) -> bool:
    """Whether `text` could hold anything `repair` would change."""
    return not text.isascii() or not _ASCII_FTFY_CHANGES.isdisjoint(text)


def _cp1252_chars(low: int, high: int) -> str:
    return "".join(bytes([b]).decode("cp1252", errors="ignore") for b in range(low, high + 1))


# A UTF-8 lead byte (C2–F4) followed by continuation bytes (80–BF), all spelled in cp1252.
_LEADS = _cp1252_chars(0xC2, 0xF4)
_CONTINUATIONS = _cp1252_chars(0x80, 0xBF)
_SEQUENCE = re.compile(f"[{re.escape(_LEADS)}][{re.escape(_CONTINUATIONS)}]+")
_RIGHT_QUOTE_LOST = b"\xe2\x80"  # "”" less its lost 9D


@dataclass(frozen=True)
class Dropped:
    """A sequence that lost bytes and could not be restored without guessing."""

    line: int
    text: str


def repair(text: str) -> tuple[str, list[Dropped]]:
    """Return `text` repaired, and what had to be dropped (by line) because bytes were lost."""
    dropped: list[Dropped] = []
    if not needs_repair(text):
        return text, dropped
    ftfy, config = _ftfy()
    lines = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = _restore_lost_bytes(line, lambda bad, n=number: dropped.append(Dropped(n, bad)))
        line = ftfy.fix_text(line, config)
        lines.append(_SEQUENCE.sub(_decode_complete, line))
    return "\n".join(lines), dropped


def find_mojibake(text: str) -> list[str]:
    """Sequences in `text` that are still UTF-8 spelled in cp1252 (what a test asserts is empty)."""
    return [m.group() for m in _SEQUENCE.finditer(text) if _decodes(m.group().encode("cp1252"))]


def _sequence_length(lead: int) -> int:
    return 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def _restore_lost_bytes(line: str, report) -> str:
    def fix(match: re.Match[str]) -> str:
        raw = match.group().encode("cp1252")
        out, i = [], 0
        while i < len(raw):
            size = _sequence_length(raw[i])
            present = 1 + sum(1 for _ in _continuations(raw, i + 1, size - 1))
            chunk = raw[i : i + present]
            if present == size:
                out.append(chunk.decode("cp1252"))  # complete: ftfy's to fix
            elif chunk == _RIGHT_QUOTE_LOST:
                out.append("\u201d")
            else:
                report(chunk.decode("cp1252"))
            i += present
        return "".join(out)

    return _SEQUENCE.sub(fix, line)


def _continuations(raw: bytes, start: int, limit: int):
    for byte in raw[start : start + limit]:
        if not 0x80 <= byte <= 0xBF:
            return
        yield byte


def _decodes(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_complete(match: re.Match[str]) -> str:
    raw = match.group().encode("cp1252")
    return raw.decode("utf-8") if _decodes(raw) else match.group()
