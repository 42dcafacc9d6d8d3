"""Readable file names from people's names in any script: 王小明 → wang-xiao-ming.

Pure: no file system. The batch adds its own rules on top (reserved names, length, uniqueness,
never outside the output folder); this module only turns a name into lower-case ASCII words.
"""

from __future__ import annotations

import unicodedata

from anyascii import anyascii


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
