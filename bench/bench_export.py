"""Time reading workbooks back: `export`, and read-back of workbooks edited by hand.

    python bench/bench_export.py [--offers 300] [--edited 100] [--rounds 5]

Builds `--offers` synthetic offers (bench_build.py's), then edits `--edited` of the workbooks
by hand the way another program saves them (openpyxl opens each, changes the base and saves it:
shared strings, its own styles, no cached values of ours). Then, in interleaved rounds, CPU per
workbook, each figure the median (min-max) beside issue 24's target of 2 ms a workbook:
- `export` of the whole folder to YAML (every workbook read back, the file written);
- `read_back` of a workbook edited by hand, and of one as segxlsx wrote it;
- `read_back` of workbooks saved again by LibreOffice (when `soffice` is installed), as a
  recruiter's edit in Calc or Excel saves them: every text a shared string, every row and cell
  with all its attributes written out;
- `read_hand_edits`: what a build and its summary do with a workbook kept because edited by
  hand (read back, the rates' day, figures and differences from the offer file).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build import GUIDE, spread, synthetic_offers  # noqa: E402

from segxlsx.batch import build  # noqa: E402
from segxlsx.export import export  # noqa: E402
from segxlsx.sources.guides import load_guides  # noqa: E402
from segxlsx.sources.offers import load_offers  # noqa: E402
from segxlsx.sources.rates import load_rates  # noqa: E402
from segxlsx.sources.workbooks import read_back  # noqa: E402
from segxlsx.summary.edited import read_hand_edits  # noqa: E402

TARGET_MS = 2.0


def edit_by_hand(path: Path) -> None:
    """Change the offer's base as someone would in a spreadsheet program, and save."""
    workbook = load_workbook(path)
    target = workbook.defined_names["offer_base"].attr_text
    sheet, _, ref = target.partition("!")
    cell = workbook[sheet.strip("'")][ref.replace("$", "")]
    cell.value = (cell.value or 0) + 1000
    workbook.save(path)


def saved_by_libreoffice(workbooks: Sequence[Path], folder: Path) -> list[Path]:
    """The workbooks opened and saved again by LibreOffice Calc, into `folder`; none without it."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return []
    folder.mkdir()
    profile = folder.parent / "libreoffice-profile"
    subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}", "--calc",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(folder), *map(str, workbooks)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    return sorted(folder.glob("*.xlsx"))


def cpu_per(items: Sequence[object], work: Callable[[object], object]) -> float:
    began = time.process_time()
    for item in items:
        work(item)
    return (time.process_time() - began) / len(items)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--offers", type=int, default=300)
    parser.add_argument("--edited", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    guides = load_guides([GUIDE])
    table = load_rates("offline")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        offers_file = synthetic_offers(folder, args.offers)
        out = folder / "out"
        assert build([offers_file], [GUIDE], out, workers=2).exit_code == 0
        workbooks = sorted(path for path in out.glob("candidate-*.xlsx"))
        step = max(1, len(workbooks) // max(1, args.edited))
        edited = workbooks[::step][: args.edited]
        for path in edited:
            edit_by_hand(path)
        untouched = [path for path in workbooks if path not in edited]
        offers = {offer.candidate: offer for offer in load_offers([offers_file], guides).offers}
        resaved = saved_by_libreoffice(untouched[:30], folder / "saved-by-libreoffice")

        def hand_edits(path: object) -> object:
            assert isinstance(path, Path)
            offer = offers[f"Candidate {int(path.stem.rsplit('-', 1)[1]):05d}"]
            return read_hand_edits(path, guides, table, offer)

        timings: dict[str, list[float]] = {
            "export": [],
            "read_back, edited by hand": [],
            "read_back, as segxlsx wrote it": [],
            "read_hand_edits (a build's kept workbook)": [],
        }
        export(out, folder / "warm.yaml", [GUIDE])
        for round_ in range(args.rounds):
            began = time.process_time()
            done = export(out, folder / f"export-{round_}.yaml", [GUIDE])
            timings["export"].append((time.process_time() - began) / len(workbooks))
            assert len(done.offers) == len(workbooks), done.failures[:3]
            timings["read_back, edited by hand"].append(cpu_per(edited, lambda p: read_back(p, guides)))
            timings["read_back, as segxlsx wrote it"].append(
                cpu_per(untouched, lambda p: read_back(p, guides))
            )
            timings["read_hand_edits (a build's kept workbook)"].append(cpu_per(edited, hand_edits))
            if resaved:
                timings.setdefault("read_back, saved again by LibreOffice", []).append(
                    cpu_per(resaved, lambda p: read_back(p, guides))
                )
    print(
        f"{len(workbooks)} workbooks, {len(edited)} of them edited by hand, {len(resaved)} saved again by "
        f"LibreOffice; CPU per workbook, median (min-max) of {args.rounds} rounds"
    )
    for what, seconds in timings.items():
        median = statistics.median(seconds) * 1000
        met = "met" if median <= TARGET_MS else "NOT met"
        print(f"  {what:<44} {spread(seconds, 1000, '.2f')} ms [target <= {TARGET_MS:g} ms: {met}]")


if __name__ == "__main__":
    main()
