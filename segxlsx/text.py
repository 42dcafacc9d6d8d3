"""Text an .xlsx file can hold: XML 1.0's `Char` rule, written once.

An .xlsx file is XML, and XML 1.0 has no way to write U+FFFE, U+FFFF, a lone surrogate or a
C0 control other than tab, line feed and carriage return. openpyxl writes them anyway and
Excel then calls the whole file corrupt. So every piece of text is checked here as it enters
(offers, guides, templates, rate files, file names): refused with its code point, or, for a
guide's prose, replaced with a visible U+FFFD and reported. Nothing here imports the rest of
segxlsx, so the error family can use it too.
"""

from __future__ import annotations

import re

# The complement of XML 1.0's Char production (https://www.w3.org/TR/xml/#charsets) within what
# a Python string holds (up to U+10FFFF), spelled out: a class of the few characters left out
# compiles in a fraction of a millisecond, the negated class of all the others in ~8 ms of start-up.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"  # the character fonts draw as a visible "?" in a diamond


def first_unwritable(text: str) -> str | None:
    """The first character of `text` that an .xlsx file cannot hold, or None."""
    found = _UNWRITABLE.search(text)
    return found.group() if found else None


def code_point(char: str) -> str:
    """A character as a reader can look it up: "U+FFFE" (none of these has a name to show)."""
    return f"U+{ord(char):04X}"


def visible(text: str) -> str:
    """`text` with every character an .xlsx file cannot hold replaced by U+FFFD."""
    if text.isprintable():  # most text, at once: no printable character is one of those
        return text
    return _UNWRITABLE.sub(REPLACEMENT, text)
