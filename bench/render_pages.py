"""Print workbooks the way a recruiter would, and say how many pages each sheet takes.

    python bench/render_pages.py [WORKBOOK.xlsx ...] [--out DIR] [--png]

Without workbooks it builds the shipped examples first. Each sheet is printed on its own (the
others hidden) through LibreOffice, headless, in one call for all of them; `--png` also turns
every page into a picture with pdftoppm (Debian's poppler-utils) so you can look at them.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")


def sheet_copies(workbook: Path, folder: Path) -> list[Path]:
    """One copy of `workbook` per sheet, the others removed, so each prints alone.

    Read as values (the cached values every formula carries), so a sheet printed without the
    sheets its formulas read still shows its figures. (Hiding the other sheets instead makes
    LibreOffice 7's PDF export abort on some of them.)
    """
    copies = []
    titles = load_workbook(workbook, read_only=True).sheetnames
    for title in titles:
        book = load_workbook(workbook, data_only=True)
        for sheet in list(book.worksheets):
            if sheet.title != title:
                book.remove(sheet)
        copy = folder / f"{workbook.stem}--{title}.xlsx"
        book.save(copy)
        copies.append(copy)
    return copies


def to_pdf(files: list[Path], folder: Path) -> list[Path]:
    profile = folder / ".profile"
    command = ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
               "--convert-to", "pdf", "--outdir", str(folder), *map(str, files)]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    return [folder / f"{file.stem}.pdf" for file in files]


def pages(pdf: Path) -> int:
    return len(PAGE.findall(pdf.read_bytes()))


def page_counts(workbooks: list[Path], folder: Path) -> dict[str, dict[str, int]]:
    """workbook name → sheet title → pages, printing every sheet of every workbook once."""
    copies = [copy for workbook in workbooks for copy in sheet_copies(workbook, folder)]
    counts: dict[str, dict[str, int]] = {}
    for pdf in to_pdf(copies, folder):
        book, sheet = pdf.stem.split("--", 1)
        counts.setdefault(book, {})[sheet] = pages(pdf)
    return counts


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
        sys.path.insert(0, str(ROOT))
        import segxlsx

        built = out / "built"
        segxlsx.build([ROOT / "data" / "offers"], [ROOT / "data" / "guides"], built, workers=1)
        workbooks = sorted(built.glob("*.xlsx"))
    for book, sheets in page_counts(workbooks, out).items():
        print(f"{book}: " + ", ".join(f"{sheet} {n}" for sheet, n in sheets.items()))
    if args.png:
        if not shutil.which("pdftoppm"):
            print("pdftoppm is missing: apt-get install poppler-utils", file=sys.stderr)
            return 1
        for pdf in sorted(out.glob("*.pdf")):
            subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(out / pdf.stem)], check=True)
        print(f"pictures in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
