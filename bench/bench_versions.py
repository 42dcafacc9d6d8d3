"""Two versions of segxlsx side by side: an earlier commit against the working tree, by turns.

    python bench/bench_versions.py COMMIT [--rounds 5] [--offers 300] [--runs 5]

On a shared machine one run differs from the next by 10% or more, and a figure measured today
cannot be set against one measured yesterday. So the commit is exported (`git archive`) into a
temporary folder, and each round runs every measurement on both versions, one after the other
(the order alternating), each in fresh processes with its own code first on the path:
- a one-worker build of 100 offers, CPU per offer, and zipping its own parts from memory (the
  floor, bench_build.py's), and their ratio;
- start-up: a one-offer `segxlsx build` over a bare interpreter, run back to back, the median
  of `--runs` such pairs (one pair moves by ±40% with the load);
- a no-op rerun of `--offers` offers over the one-offer build, per offer;
- read-back of every workbook of a build (one in five edited by hand, bench_export.py's) and
  `export` of the folder, CPU per workbook.
Each figure is printed as median (min-max) for each version, and the ratio of the two taken
round by round.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from bench_build import GUIDE, ONE_OFFER, synthetic_offers  # noqa: E402
from bench_export import edit_by_hand  # noqa: E402

_CLI = "import sys; from segxlsx.program import main; sys.argv[0] = 'segxlsx'; sys.exit(main())"
_FLOOR = """
import sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[1] + "/bench")
from bench_build import GUIDE, floor_seconds, synthetic_offers
from segxlsx.batch import build
folder = Path(tempfile.mkdtemp())
offers = synthetic_offers(folder, 100)
build([offers], [GUIDE], folder / "warm", workers=1)
began = time.process_time()
build([offers], [GUIDE], folder / "out", workers=1)
print((time.process_time() - began) / 100, floor_seconds(folder / "out"))
"""
_READ = """
import sys, time
from pathlib import Path
from segxlsx.export import export
from segxlsx.sources.guides import load_guides
from segxlsx.sources.workbooks import read_back
folder, guide, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
books = sorted(folder.glob("candidate-*.xlsx"))
guides = load_guides([guide])
for path in books[:5]:
    read_back(path, guides)
began = time.process_time()
for path in books:
    read_back(path, guides)
each = (time.process_time() - began) / len(books)
began = time.process_time()
export(folder, out, [guide])
print(each, (time.process_time() - began) / len(books))
"""
FIGURES = {
    "build": "full build, CPU per offer (ms)",
    "floor": "zipping its own parts from memory (ms)",
    "ratio": "build / zip floor (x)",
    "start-up": "start-up over a bare interpreter (s)",
    "rerun": "no-op rerun over a one-offer build, per offer (ms)",
    "read-back": "read-back, CPU per workbook (ms)",
    "export": "export, CPU per workbook (ms)",
}


class Version:
    """One version's code, run in fresh processes from outside any source tree (a `python -c`
    puts the current folder first on the path)."""

    def __init__(self, name: str, tree: Path, work: Path) -> None:
        self.name, self.tree, self.work = name, tree, work
        environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self.environment = environment | {
            "PYTHONPATH": str(tree),
            "PYTHONPYCACHEPREFIX": str(work / f"pycache-{name}"),
        }

    def run(self, *arguments: str) -> str:
        done = subprocess.run(
            [sys.executable, *arguments],
            env=self.environment,
            cwd=self.work,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def timed(self, *arguments: str) -> float:
        began = time.perf_counter()
        self.run(*arguments)
        return time.perf_counter() - began

    def build(self, offers: Path, out: Path, *more: str) -> float:
        return self.timed(
            "-c", _CLI, "build", str(offers), "--guide", str(GUIDE), "-o", str(out), "-q", *more
        )


def measure(
    version: Version, offers: Path, one: Path, built: Path, readable: Path, round_: int, runs: int
) -> dict:
    work, count = version.work, int(offers.read_text().count("\n")) - 1
    cpu, floor = map(float, version.run("-c", _FLOOR, str(version.tree)).split())
    pairs = [start_up(version, one, work / f"one-{version.name}-{round_}-{run}") for run in range(runs)]
    bare, one_offer = (statistics.median(pair[i] for pair in pairs) for i in (0, 1))
    rerun = version.build(offers, built)
    out = work / f"export-{version.name}-{round_}.yaml"
    read, exported = map(float, version.run("-c", _READ, str(readable), str(GUIDE), str(out)).split())
    return {
        "build": cpu * 1000,
        "floor": floor * 1000,
        "ratio": cpu / floor,
        "start-up": one_offer - bare,
        "rerun": (rerun - one_offer) / count * 1000,
        "read-back": read * 1000,
        "export": exported * 1000,
    }


def start_up(version: Version, one: Path, out: Path) -> tuple[float, float]:
    """A bare interpreter, then a one-offer build into a fresh folder, back to back."""
    return version.timed("-c", "pass"), version.build(one, out, "-w", "1")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("commit")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--offers", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5, help="start-up pairs a round, their median taken")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        earlier = work / "earlier"
        earlier.mkdir()
        archive = subprocess.run(["git", "archive", args.commit], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(earlier)], input=archive.stdout, check=True)
        versions = [Version(args.commit[:10], earlier, work), Version("this tree", ROOT, work)]
        offers = synthetic_offers(work, args.offers)
        one = work / "one.yaml"
        one.write_text(ONE_OFFER, encoding="utf-8")
        folders = {}
        for version in versions:  # a folder to rerun, and one to read back with edits by hand
            built, readable = work / f"built-{version.name}", work / f"readable-{version.name}"
            for _ in range(2):  # the build, then the first rerun, which rewrites the summary
                version.build(offers, built)
            version.build(offers, readable)
            for path in sorted(readable.glob("candidate-*.xlsx"))[::5]:
                edit_by_hand(path)
            folders[version.name] = built, readable
        figures: dict[str, dict[str, list[float]]] = {v.name: {k: [] for k in FIGURES} for v in versions}
        for round_ in range(args.rounds):
            for version in versions if round_ % 2 == 0 else versions[::-1]:
                measured = measure(version, offers, one, *folders[version.name], round_, args.runs)
                for key, value in measured.items():
                    figures[version.name][key].append(value)
    first, second = (figures[v.name] for v in versions)
    print(
        f"median (min-max) of {args.rounds} rounds; last column: {versions[1].name} / {versions[0].name}, round by round"
    )
    for key, label in FIGURES.items():
        ratios = [b / a for a, b in zip(first[key], second[key], strict=True)]
        print(
            f"{label:<52} {versions[0].name:>10}: {spread(first[key])}   {versions[1].name}: "
            f"{spread(second[key])}   {spread(ratios)}"
        )


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3g} ({min(values):.3g}-{max(values):.3g})"


if __name__ == "__main__":
    main()
