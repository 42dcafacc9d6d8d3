"""The names of files in the output folder: readable, safe, and each offer's own.

A workbook's name comes from the candidate's name in any script (王小明 → wang-xiao-ming),
reduced to `[a-z0-9-]` so that no name can lead outside the folder, made unique in input order
("ada-park-2"), and never one of the names the folder keeps for itself or Windows reserves.
Pure: no file system; which names are taken is the caller's to say.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

SUMMARY = "summary.xlsx"
MAX_SLUG = 60
_WORKBOOK_STEM = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # what slug() makes, "-2" and all
# Names a candidate's file may not take: the summary, and names Windows reserves.
_RESERVED = (
    {"summary", "con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)


def slug(name: str) -> str:
    """A file name from a candidate's name in any script (王小明 → wang-xiao-ming): lower-case
    ASCII letters, digits and hyphens, so no name can lead outside the output folder."""
    return slug_words(name)[:MAX_SLUG].strip("-") or "offer"


def unique_slugs(names: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Slugs made unique in input order: the second "ada" becomes "ada-2"; `taken` are never given."""
    given = set(taken)
    result = []
    for name in names:
        result.append(unique_slug(name, given.__contains__))
        given.add(result[-1])
    return result


def unique_slug(name: str, is_taken: Callable[[str], bool]) -> str:
    """The slug of `name`, numbered ("ada-2", "ada-3") past those `is_taken` and those reserved."""
    base = slug(name)
    candidate, number = base, 1
    while candidate in _RESERVED or is_taken(candidate):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def is_workbook_name(name: str) -> bool:
    """Whether `name` is one a workbook of ours can have (and so one a manifest may give back)."""
    stem = name.removesuffix(".xlsx")
    return name.endswith(".xlsx") and stem not in _RESERVED and _WORKBOOK_STEM.fullmatch(stem) is not None


def slug_words(name: str) -> str:
    """A name as lower-case ASCII words joined by hyphens: only `[a-z0-9-]`, no leading hyphen.

    Empty only when the name has no letter or digit at all (e.g. "—" or ""); the caller picks
    the fallback file name then.
    """
    spelled = "".join(_spelled(char) for char in unicodedata.normalize("NFC", name))
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in spelled.lower()).split()
    return "-".join(words)


def _spelled(char: str) -> str:
    """One character in ASCII letters, as a reader of the name would say it."""
    if char.isascii():
        return char
    from anyascii import anyascii  # its ~2 ms import, for names that are not all ASCII

    spelled = anyascii(char)
    if not any(c.isalnum() for c in spelled):
        # A letter the table does not know yet (a new CJK extension, say): its code point still
        # tells two such names apart, and the name never reduces to nothing.
        return f" u{ord(char):04x} " if unicodedata.category(char).startswith(("L", "N")) else " "
    # A Han character or a Hangul block is a whole syllable, which anyascii capitalises and runs
    # together ("WangXiaoMing"); each becomes its own word. Kana and Indic letters spell
    # syllables in lower case and stay joined ("sakura"), as do accented letters ("é" → "e").
    if unicodedata.category(char) == "Lo" and spelled[:1].isupper():
        return f" {spelled} "
    return spelled
