"""Print workbooks the way a recruiter would, and say how many pages each sheet takes.

    python bench/render_pages.py [WORKBOOK.xlsx ...] [--out DIR] [--png]

Without workbooks it builds the shipped examples first. Every workbook is printed to PDF by
LibreOffice, headless, in one call for all of them; each page's header names its sheet, which
poppler's pdftotext reads back (tests/libreoffice.py, as the page tests do). `--png` turns every
page into a picture (pdftoppm) to look at. Needs the test extra and poppler-utils (.ci/run).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.libreoffice import convert, printed_pages  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workbooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--png", action="store_true")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="segxlsx-pages-"))
    out.mkdir(parents=True, exist_ok=True)
    workbooks = args.workbooks
    if not workbooks:
        import segxlsx

        built = out / "built"
        segxlsx.build([ROOT / "data" / "offers"], [ROOT / "data" / "guides"], built, workers=1)
        workbooks = sorted(built.glob("*.xlsx"))
    for workbook, pdf in zip(workbooks, convert(workbooks, out, to="pdf"), strict=True):
        sheets = load_workbook(workbook, read_only=True).sheetnames
        counts = printed_pages(pdf, sheets)
        print(
            f"{workbook.stem}: " + ", ".join(f"{sheet} {counts[sheet]}" for sheet in sheets if counts[sheet])
        )
        if args.png:
            subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(out / pdf.stem)], check=True)
    if args.png:
        print(f"pictures in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
