"""Recalculate workbooks in LibreOffice, headless: many files per call (each call costs ~3 s)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.fail("LibreOffice (soffice) is not installed; .ci/run installs it")
    return path


# LibreOffice's own default is to trust an .xlsx file's cached values and never recalculate on
# load; our files carry cached values, so the profile must say "always", or a test would compare
# our cached values with themselves.
ALWAYS_RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def in_locale(locale: str) -> str:
    """A profile's settings that make `locale` (e.g. "de-DE") LibreOffice's own, as a German
    desktop's would: its day and month names, its number formats' letters."""
    items = "".join(
        f'<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{locale}</value></prop></item>\n"
        for name in ("ooSetupSystemLocale", "ooLocale")
    )
    return ALWAYS_RECALCULATE.replace("</oor:items>", items + "</oor:items>")


def convert(files: list[Path], out: Path, to: str = "xlsx", locale: str | None = None) -> list[Path]:
    """Open each file in LibreOffice, recalculate every formula, and save it as `to`; in
    `locale` when given (LibreOffice's own settings otherwise)."""
    out.mkdir(parents=True, exist_ok=True)
    profile = out / ".profile"  # its own profile: no clash with a desktop LibreOffice or a parallel run
    (profile / "user").mkdir(parents=True, exist_ok=True)
    settings = in_locale(locale) if locale else ALWAYS_RECALCULATE
    (profile / "user" / "registrymodifications.xcu").write_text(settings)
    command = [soffice(), "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
               "--convert-to", to, "--outdir", str(out), *map(str, files)]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    results = [out / f"{file.stem}.{to}" for file in files]
    missing = [r.name for r in results if not r.exists()]
    assert not missing, f"LibreOffice did not convert {missing}"
    return results


def named_values(path: Path) -> dict[str, object]:
    """Every workbook-scope defined name of a recalculated file, with its cell's value."""
    workbook = load_workbook(path, data_only=True)
    values = {}
    for name, definition in workbook.defined_names.items():
        ((sheet, ref),) = list(definition.destinations)
        cells = workbook[sheet][ref.replace("$", "")]
        # A figure's name is one cell; an input by year (a schedule, sign-on) names a column of them.
        values[name] = tuple(row[0].value for row in cells) if isinstance(cells, tuple) else cells.value
    return values


def printed_pages(pdf: Path, sheets: list[str]) -> Counter:
    """How many pages each sheet printed on, read from each page's header (the sheet's name
    on its right) with poppler's pdftotext, which .ci/run installs."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is not installed; .ci/run installs poppler-utils")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True)
    pages = text.stdout.split("\f")[:-1]  # every page ends with a form feed
    counts: Counter = Counter()
    for page in pages:
        # A line ending in a sheet's name after a gap: the header (a chart's text may come first).
        names = (
            n for line in page.splitlines() for n in sheets if re.search(rf"\s{{2,}}{re.escape(n)}$", line)
        )
        counts[next(names, "?")] += 1
    return counts


# pdftotext's box around a word of Liberation Sans (LibreOffice's Arial) is its ascent plus its
# descent: 1.13 times the size it is printed at, scaling included.
BOX_PER_POINT = 1.1316


@dataclass(frozen=True)
class Word:
    """A printed word and its box, in points from the page's top left corner."""

    text: str
    left: float
    top: float
    right: float
    bottom: float

    @property
    def size(self) -> float:
        """The size it is printed at, in points, page scaling included."""
        return (self.bottom - self.top) / BOX_PER_POINT


@dataclass(frozen=True)
class PrintedPage:
    """A page of a printed workbook: its size, its sheet (the header's right) and its lines,
    top to bottom, each a list of words left to right; `body` leaves out the header and footer."""

    number: int
    width: float
    height: float
    sheet: str
    lines: list[list[Word]]

    @property
    def body(self) -> list[list[Word]]:
        return self.lines[1:-1]

    @property
    def footer_top(self) -> float:
        return min(word.top for word in self.lines[-1])


def printed_words(pdf: Path, sheets: list[str]) -> list[PrintedPage]:
    """Every page of a printed workbook, word by word with positions (poppler's
    `pdftotext -bbox`), its words grouped into lines."""
    xhtml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True)
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xhtml.stdout))
    pages = []
    for number, page in enumerate(root.iter(f"{_XHTML}page"), start=1):
        words = [
            Word(w.text or "", *(float(w.get(edge)) for edge in ("xMin", "yMin", "xMax", "yMax")))
            for w in page.iter(f"{_XHTML}word")
        ]
        lines = _lines(words)
        header = " ".join(word.text for word in lines[0]) if lines else ""
        sheet = next((name for name in sheets if header.endswith(f" {name}") or header == name), "?")
        pages.append(PrintedPage(number, float(page.get("width")), float(page.get("height")), sheet, lines))
    return pages


_XHTML = "{http://www.w3.org/1999/xhtml}"


def _lines(words: list[Word]) -> list[list[Word]]:
    """Words whose middles lie within 3 points of each other's, as lines, top to bottom."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.left)):
        middle = (word.top + word.bottom) / 2
        if lines and abs(middle - (lines[-1][0].top + lines[-1][0].bottom) / 2) <= 3:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.left) for line in lines]
