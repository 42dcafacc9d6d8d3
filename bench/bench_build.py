"""Time `segxlsx build` on N synthetic offers, against bare openpyxl writing as many cells.

    python bench/bench_build.py [--offers 400] [--workers N] [--rounds 3]

Prints, each beside its target (issue 15, a 2-core machine), the median of `--rounds` runs:
- start-up: a one-offer `segxlsx build` in a fresh process, <= 0.3 s;
- the full build's cost against bare openpyxl writing the same number of cells (a third each
  text, numbers, formulas) in the same run, <= 1.2x: in wall time, and in CPU time (a one-worker
  build runs in this process), which other work on a shared machine disturbs far less;
- the speed-up of `--workers` workers over one, >= 1.8x; and, in fresh processes, the same
  beside the most these cores give: `--workers` independent builds of a share of the offers
  each, started together (see `scaling`);
Then where one offer's time goes (cProfile), which is what a missed target is measured by.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook, load_workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from segxlsx.batch import build  # noqa: E402

GUIDE = ROOT / "data" / "guides" / "segment-data-engineer.yaml"
REGIONS = [("San Francisco", "USD"), ("New York", "USD"), ("London", "GBP"), ("London", "EUR")]


def synthetic_offers(folder: Path, count: int) -> Path:
    """`count` offers across the guide's regions, some paid in another currency, some competing."""
    rng = random.Random(42)
    lines = ["candidate,region,currency,base,stock,bonus,sign_on,competing"]
    for number in range(count):
        region, currency = REGIONS[number % len(REGIONS)]
        competing = (
            '"[{company: Snowflake, base: 200000, stock: 300000, bonus: 10%, currency: USD}]"'
            if number % 5 == 0
            else ""
        )
        lines.append(
            f"Candidate {number:05d},{region},{currency},{rng.randrange(110, 210) * 1000},"
            f"{rng.randrange(70, 220) * 1000},{rng.choice([8, 10, 12, 15])}%,{rng.choice([0, 10000, 25000])},{competing}"
        )
    path = folder / "offers.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


ONE_OFFER = """\
candidate: Ada Lovelace
guide: segment-data-engineer
region: London
currency: GBP
base: 125000
stock: 100000
bonus: 12%
"""
# What the installed `segxlsx` script runs.
_CLI = "import sys; from segxlsx.cli import main; sys.argv[0] = 'segxlsx'; sys.exit(main())"


def start_up(folder: Path, runs: int) -> float:
    """Median wall time of `segxlsx build one.yaml --guide … -o … -w 1` in a fresh process.

    A fresh output folder each time: the build writes its workbook and summary. Compiled
    bytecode is cached as an installed package has it (pip compiles on install), even where
    PYTHONDONTWRITEBYTECODE is set, and one run warms that cache first.
    """
    offer = folder / "one.yaml"
    offer.write_text(ONE_OFFER, encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    environment |= {"PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": str(folder / "pycache")}
    times = []
    for run in range(runs + 1):
        command = [sys.executable, "-c", _CLI, "build", str(offer), "--guide", str(GUIDE)]
        command += ["-o", str(folder / f"start-{run}"), "-w", "1", "-q"]
        start = time.perf_counter()
        subprocess.run(command, env=environment, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def timed_build(offers: Path, out: Path, workers: int) -> tuple[float, float]:
    """Wall seconds, and CPU seconds of this process (all of a one-worker build's work)."""
    start, cpu = time.perf_counter(), time.process_time()
    report = build([offers], [GUIDE], out, workers=workers)
    elapsed = time.perf_counter() - start, time.process_time() - cpu
    assert report.exit_code == 0, report.failures[:3]
    return elapsed


# One build in a fresh process, warmed by a small build first (imports, the parts built once per
# guide and currency); it says when it is ready, starts when told, and prints its wall seconds.
_TIMED_BUILD = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from segxlsx.batch import build
offers, warm, out, workers = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
build([warm], [Path({guide!r})], out.with_name(out.name + "-warm"), workers=1)
print("ready", flush=True)
sys.stdin.readline()
began = time.perf_counter()
report = build([offers], [Path({guide!r})], out, workers=workers)
assert report.exit_code == 0, report.failures[:3]
print(time.perf_counter() - began)
"""


def scaling(folder: Path, count: int, workers: int, rounds: int) -> tuple[list[float], list[float]]:
    """What `workers` workers gain over one, against what this machine's cores can give at most.

    Each round, in fresh processes: one build of `count` offers on one worker, the same on
    `workers` workers, and `workers` independent one-worker builds of `count / workers` offers
    each, started together. The last shares nothing and waits for nothing (no planning, landing
    or summary in series), so its speed-up is the ceiling for any way of dividing the work; on
    a machine whose cores slow each other down (shared caches, memory, a virtual machine's
    host) it is well under `workers`. Returns the speed-ups of the build and of the ceiling.
    """
    warm = synthetic_offers(_folder(folder / "scaling-warm"), 40)  # every shape the offers have
    whole = synthetic_offers(_folder(folder / "scaling-whole"), count)
    parts = [
        synthetic_offers(_folder(folder / f"scaling-part-{n}"), count // workers) for n in range(workers)
    ]
    code = _TIMED_BUILD.format(root=str(ROOT), guide=str(GUIDE))
    speed_ups, ceilings = [], []
    for round_ in range(rounds):
        runs = [(whole, 1)], [(whole, workers)], [(part, 1) for part in parts]
        out = folder / f"scaling-{round_}"
        one, many, apart = (max(_at_once(code, warm, out / str(i), run)) for i, run in enumerate(runs))
        speed_ups.append(one / many)
        ceilings.append(one / apart)
    return speed_ups, ceilings


def _at_once(code: str, warm: Path, out: Path, runs: list[tuple[Path, int]]) -> list[float]:
    """Wall seconds of each build in `runs` (offers, workers), each in its own process warmed
    up on `warm`, all started together once every one is ready."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(offers), str(warm), str(out / str(n)), str(workers)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n, (offers, workers) in enumerate(runs)
    ]
    for process in processes:
        assert process.stdout is not None and process.stdout.readline() == "ready\n"
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    return [float(process.communicate()[0]) for process in processes]


def _folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def cell_mix(path: Path) -> list[tuple[str, int]]:
    """The sheets of a built workbook and how many cells each holds."""
    workbook = load_workbook(path)
    return [
        (sheet.title, sum(1 for row in sheet.iter_rows() for c in row if c.value is not None))
        for sheet in workbook
    ]


def bare_openpyxl(count: int, mix: list[tuple[str, int]], out: Path) -> tuple[float, float]:
    """Write `count` workbooks with the same sheets and cell counts, a third each text, number,
    formula; wall and CPU seconds."""
    start, cpu = time.perf_counter(), time.process_time()
    for number in range(count):
        (out / f"bare-{number}.xlsx").write_bytes(bare_workbook(mix))
    return time.perf_counter() - start, time.process_time() - cpu


def bare_workbook(mix: list[tuple[str, int]]) -> bytes:
    """The yardstick: one workbook with the sheets and cell counts of `mix`, a third each text,
    number, formula, no styles, written by openpyxl's public API (bench_writers.py uses it too)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, cells in mix:
        sheet = workbook.create_sheet(title)
        for index in range(cells):
            row, column = divmod(index, 8)
            kind = index % 3
            value = f"label {index}" if kind == 0 else index * 1.5 if kind == 1 else f"=A{row + 1}*2"
            sheet.cell(row=row + 1, column=column + 1, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_PEAK_RSS = """
import resource, sys, tempfile
from pathlib import Path
sys.path.insert(0, {bench!r})
from bench_build import GUIDE, synthetic_offers
from segxlsx.batch import build
folder = Path(tempfile.mkdtemp())
build([synthetic_offers(folder, {count})], [GUIDE], folder / "out", workers=1)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def peak_memory_mb(count: int) -> int:
    """Peak resident memory of a fresh process building `count` offers on one worker."""
    import subprocess

    code = _PEAK_RSS.format(bench=str(Path(__file__).parent), count=count)
    return int(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    )


def time_by_library(offers: Path, out: Path) -> dict[str, float]:
    """Where a one-worker build's time goes: cProfile's own time per function, summed by library."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(build, [offers], [GUIDE], out, workers=1)
    shares: dict[str, float] = {}
    for (file, _, function), timing in pstats.Stats(profiler).stats.items():
        library = _library(file, function)
        shares[library] = shares.get(library, 0.0) + timing[2]
    total = sum(shares.values())
    return {library: seconds / total for library, seconds in sorted(shares.items(), key=lambda s: -s[1])}


def _library(file: str, function: str) -> str:
    if file.startswith(str(ROOT / "segxlsx")):
        return "segxlsx"
    for library in ("openpyxl", "yaml", "lxml", "zlib"):
        if f"/{library}/" in file or library in function:
            return library
    return "Python and I/O"


def split(count: int) -> tuple[float, float]:
    """Seconds per offer spent building the workbook in memory, and in writing its file."""
    from decimal import Decimal

    from segxlsx.model import Offer
    from segxlsx.sheets import render_offer, workbook_bytes
    from segxlsx.sources.guides import load_guide
    from segxlsx.sources.rates import load_rates
    from segxlsx.wording import load_wording

    guide, table, wording = load_guide(GUIDE), load_rates(), load_wording()
    offer = Offer("Candidate", guide.id, "London", "EUR", Decimal(125000), Decimal(100000), Decimal("0.12"))
    start = time.perf_counter()
    workbooks = [render_offer(offer, guide, table, wording)[0] for _ in range(count)]
    rendered = time.perf_counter()
    for workbook in workbooks:
        workbook_bytes(workbook, table.as_of)
    return (rendered - start) / count, (time.perf_counter() - rendered) / count


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--offers", type=int, default=400)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each timing; medians are shown")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        offers = synthetic_offers(folder, args.offers)
        started = start_up(folder, 2 * args.rounds + 1)
        build([offers], [GUIDE], folder / "warm-up", workers=1)  # imports and the ECB table, once
        ones, manys, bares, one_cpus, bare_cpus = [], [], [], [], []
        for round_ in range(args.rounds):  # interleaved, so that a busy spell hits all three alike
            wall, cpu = timed_build(offers, folder / f"one-{round_}", 1)
            ones.append(wall)
            one_cpus.append(cpu)
            manys.append(timed_build(offers, folder / f"many-{round_}", args.workers)[0])
            mix = cell_mix(next((folder / "one-0").glob("candidate-*.xlsx")))
            (folder / f"bare-{round_}").mkdir()
            wall, cpu = bare_openpyxl(args.offers, mix, folder / f"bare-{round_}")
            bares.append(wall)
            bare_cpus.append(cpu)
        libraries = time_by_library(offers, folder / "profiled")
        speed_ups_apart, ceilings = scaling(folder, args.offers, args.workers, args.rounds)
    one, many, bare = (statistics.median(times) for times in (ones, manys, bares))
    ratios = [o / b for o, b in zip(ones, bares, strict=True)]
    cpu_ratios = [o / b for o, b in zip(one_cpus, bare_cpus, strict=True)]
    speed_ups = [o / m for o, m in zip(ones, manys, strict=True)]
    cells = sum(count for _, count in mix)
    per_offer = 1000 * one / args.offers
    print(f"offers: {args.offers}, cells per workbook: {cells} ({', '.join(f'{t} {c}' for t, c in mix)})")
    print(f"medians of {args.rounds} rounds; each figure beside its target")
    print(f"start-up, one-offer build in a fresh process: {started:.2f} s   (target <= 0.3 s)")
    print(f"1 worker:  {per_offer:6.1f} ms/offer")
    print(
        f"{args.workers} workers: {1000 * many / args.offers:6.1f} ms/offer   speed-up "
        f"{statistics.median(speed_ups):.2f}x (target >= 1.8x; rounds: {_listed(speed_ups)})"
    )
    reached = [s / c for s, c in zip(speed_ups_apart, ceilings, strict=True)]
    print(
        f"the same in fresh processes: {statistics.median(speed_ups_apart):.2f}x (rounds: {_listed(speed_ups_apart)}); "
        f"{args.workers} independent builds of 1/{args.workers} of the offers each, at once: "
        f"{statistics.median(ceilings):.2f}x (rounds: {_listed(ceilings)}), the most these cores give; "
        f"{args.workers} workers reach {statistics.median(reached):.0%} of it (rounds: "
        f"{' '.join(f'{r:.0%}' for r in reached)})"
    )
    print(
        f"bare openpyxl, same cells: {1000 * bare / args.offers:6.1f} ms/offer   tool / bare = "
        f"{statistics.median(ratios):.2f}x (target <= 1.2x; rounds: {_listed(ratios)})"
    )
    print(
        f"the same in CPU time (what other work on the machine disturbs least): tool / bare = "
        f"{statistics.median(cpu_ratios):.2f}x (rounds: {_listed(cpu_ratios)})"
    )
    render, save = split(min(args.offers, 100))
    print(
        f"where one offer's time goes: building sheets {1000 * render:.1f} ms, writing them "
        f"{1000 * save:.1f} ms, the rest (loading, figures, hashing, renaming) {per_offer - 1000 * (render + save):.1f} ms"
    )
    shares = ", ".join(f"{library} {share:.0%}" for library, share in libraries.items())
    print(f"a one-worker build's time by library (cProfile, own time): {shares}")
    small = min(args.offers, 100)
    print(
        f"peak memory, one worker: {peak_memory_mb(small)} MB for {small} offers, {peak_memory_mb(4 * small)} MB for {4 * small}"
    )


def _listed(ratios: list[float]) -> str:
    return " ".join(f"{ratio:.2f}" for ratio in ratios)


if __name__ == "__main__":
    main()
