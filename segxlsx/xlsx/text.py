"""Text as Excel counts and stores it.

Excel measures text in UTF-16 code units, not characters: an emoji such as 🏗 counts 2. Its
limits (32,767 per cell, 255 per string constant inside a formula, 8,192 per formula) are
in those units, so every cut here is made in them, never inside a surrogate pair.
"""

from __future__ import annotations

from ..text import visible
from .memo import for_short_text

MAX_CELL_TEXT = 32_767  # one cell
MAX_LITERAL = 255  # one string constant inside a formula
MAX_FORMULA = 8_192  # one formula
# What Excel takes as the start of a formula when a cell's text is typed in again (F2, Enter):
# = + - @, their full-width forms (an East Asian keyboard types those), and the control
# characters a spreadsheet formula injection hides in front of them (OWASP: tab, carriage
# return; a line feed likewise).
FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20\t\r\n")


def excel_length(text: str) -> int:
    """The length Excel sees: characters outside the Basic Multilingual Plane count twice."""
    if text.isascii():
        return len(text)
    # UTF-16 units, counted by the codec: two bytes each, a surrogate (never in our text) one unit.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def cut(text: str, limit: int) -> str:
    """The longest start of `text` within `limit` UTF-16 units."""
    if len(text) * 2 <= limit or excel_length(text) <= limit:
        return text
    used = 0
    for index, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            return text[:index]
    return text


def chunks(text: str, limit: int) -> list[str]:
    """`text` in consecutive pieces of at most `limit` UTF-16 units each."""
    pieces = []
    while text:
        piece = cut(text, limit)
        pieces.append(piece)
        text = text[len(piece) :]
    return pieces


def starts_like_formula(text: str) -> bool:
    """Text that Excel's editor would turn into a formula: its cell carries a quote prefix, the
    `'` a user types in front, so it stays text however it is edited."""
    return bool(text) and text[0] in FORMULA_STARTS


def xml_text(text: str) -> str:
    """`text` escaped for an XML element's content; a carriage return kept as itself.

    Inputs are checked where they enter (`segxlsx.text`); `visible` here is the last guard, so
    that no path can ever write a file Excel cannot open.
    """
    if text.isprintable() and "&" not in text and "<" not in text and ">" not in text:
        return text  # most text: printable excludes every character `visible` would replace
    text = visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;")


def xml_attribute(text: str) -> str:
    """`text` escaped for an XML attribute's value (in double quotes); line breaks and tabs kept
    as character references, so that a reader gets them back rather than spaces."""
    text = visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


@for_short_text  # a guide's and the wording's words, the same in every offer
def excel_literal(text: str) -> str:
    """`text` as an Excel string expression: quotes doubled, long text cut into pieces Excel takes.

    Excel refuses a string constant over 255 UTF-16 units inside a formula.
    """
    if not text:
        return '""'
    return "&".join('"' + piece.replace('"', '""') + '"' for piece in chunks(text, MAX_LITERAL))
