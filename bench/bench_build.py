"""Time `segxlsx build` against the targets of issue 24, each figure printed beside its target.

    python bench/bench_build.py [--offers 300] [--workers N] [--rounds 5] [--runs 10]

Every figure is the median of interleaved rounds, with its spread (min-max); on a shared
machine one run differs from the next by 10% or more, so only ratios and differences taken
within a round (or a pair of runs) are held to a target:
- the floor: a full one-worker build in this process, CPU per offer, against zipping the parts
  of the very files it wrote from memory (`zipped`), timed in the same round: <= 3x;
- `--offers` offers on `--workers` workers against one, wall time, in this process once warm:
  >= 1.7x; and in fresh processes, beside the most these cores give (see `scaling`);
- start-up: a one-offer `segxlsx build` in a fresh process against a bare interpreter
  (`python -c pass`), run by turns, the difference of each pair: <= 0.25 s;
- a no-op rerun of the `--offers` offers in a fresh process against the one-offer build,
  run by turns: <= 0.5 ms an offer more;
then where one offer's time goes, which is what a missed target is measured by.
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
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from openpyxl import Workbook, load_workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from segxlsx.batch import build  # noqa: E402

GUIDE = ROOT / "data" / "guides" / "segment-data-engineer.yaml"
REGIONS = [("San Francisco", "USD"), ("New York", "USD"), ("London", "GBP"), ("London", "EUR")]
FLOOR_TARGET = 3.0  # a full build, CPU per offer, against the zip floor of its own output
SCALING_TARGET = 1.7  # --workers workers against one
START_UP_TARGET = 0.25  # seconds a one-offer build takes over a bare interpreter
RERUN_TARGET = 0.5  # milliseconds per offer a no-op rerun takes over a one-offer build


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
_CLI = "import sys; from segxlsx.program import main; sys.argv[0] = 'segxlsx'; sys.exit(main())"


# -- the floor ------------------------------------------------------------------------------------


def timed_build(offers: Path, out: Path, workers: int) -> tuple[float, float]:
    """Wall seconds, and CPU seconds of this process (all of a one-worker build's work)."""
    start, cpu = time.perf_counter(), time.process_time()
    report = build([offers], [GUIDE], out, workers=workers)
    elapsed = time.perf_counter() - start, time.process_time() - cpu
    assert report.exit_code == 0, report.failures[:3]
    return elapsed


_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def zipped(parts: Sequence[tuple[str, bytes]]) -> bytes:
    """The floor: a workbook's XML parts, already written, deflated into a zip from memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            entry = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)
    return out.getvalue()


def parts_of(folder: Path) -> list[list[tuple[str, bytes]]]:
    """The parts of every offer's workbook a build wrote into `folder`, in their order."""
    books = []
    for path in sorted(folder.glob("*.xlsx")):
        if path.name != "summary.xlsx":
            with zipfile.ZipFile(path) as archive:
                books.append([(item.filename, archive.read(item)) for item in archive.infolist()])
    return books


def floor_seconds(folder: Path) -> float:
    """CPU seconds per workbook of zipping the parts of the workbooks in `folder` from memory."""
    books = parts_of(folder)
    cpu = time.process_time()
    for parts in books:
        zipped(parts)
    return (time.process_time() - cpu) / len(books)


# -- fresh processes ------------------------------------------------------------------------------


def fresh_environment(folder: Path) -> dict[str, str]:
    """Compiled bytecode cached as an installed package has it (pip compiles on install), even
    where PYTHONDONTWRITEBYTECODE is set; a warm-up run fills that cache."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return environment | {"PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": str(folder / "pycache")}


def paired(
    a: Callable[[int], list[str]], b: Callable[[int], list[str]], runs: int, environment
) -> list[float]:  # type: ignore[no-untyped-def]
    """Wall seconds of A minus B, run by turns (A B A B …) after one warm-up pair, each pair's own."""
    differences = []
    for run in range(runs + 1):
        took = []
        for command in (a(run), b(run)):
            start = time.perf_counter()
            subprocess.run(command, env=environment, check=True, capture_output=True)
            took.append(time.perf_counter() - start)
        if run:
            differences.append(took[0] - took[1])
    return differences


def one_offer_build(folder: Path) -> Callable[[int], list[str]]:
    """`segxlsx build one.yaml -w 1` into a fresh output folder each time."""
    offer = folder / "one.yaml"
    offer.write_text(ONE_OFFER, encoding="utf-8")

    def command(run: int) -> list[str]:
        out = folder / f"start-{run}-{time.monotonic_ns()}"
        return [
            sys.executable,
            "-c",
            _CLI,
            "build",
            str(offer),
            "--guide",
            str(GUIDE),
            "-o",
            str(out),
            "-w",
            "1",
            "-q",
        ]

    return command


def start_up(folder: Path, runs: int) -> list[float]:
    """A one-offer build's wall seconds over a bare interpreter's (`python -c pass`), pair by pair."""
    environment = fresh_environment(folder)
    return paired(one_offer_build(folder), lambda run: [sys.executable, "-c", "pass"], runs, environment)


def no_op_rerun(folder: Path, offers: Path, runs: int) -> list[float]:
    """A rerun of a built folder whose inputs did not change, over a one-offer build, pair by pair."""
    environment = fresh_environment(folder)
    out = folder / "rerun"
    rerun = [sys.executable, "-c", _CLI, "build", str(offers), "--guide", str(GUIDE), "-o", str(out), "-q"]
    for _ in range(2):  # the build, then the first rerun, which rewrites the summary's "This run"
        subprocess.run(rerun, env=environment, check=True, capture_output=True)
    return paired(lambda run: rerun, one_offer_build(folder), runs, environment)


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


# -- where the time goes --------------------------------------------------------------------------


def cell_mix(path: Path) -> list[tuple[str, int]]:
    """The sheets of a built workbook and how many cells each holds."""
    workbook = load_workbook(path)
    return [
        (sheet.title, sum(1 for row in sheet.iter_rows() for c in row if c.value is not None))
        for sheet in workbook
    ]


def bare_workbook(mix: list[tuple[str, int]]) -> bytes:
    """One workbook with the sheets and cell counts of `mix`, a third each text, number,
    formula, no styles, written by openpyxl's public API: issue 15's yardstick, which
    bench_writers.py still prints beside the writers it weighs."""
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


def stages(count: int) -> dict[str, float]:
    """CPU seconds per offer of each stage of one workbook, apart from the batch around it."""
    from segxlsx.figures import offer_figures
    from segxlsx.sheets import render_offer, workbook_bytes
    from segxlsx.sources.guides import load_guide
    from segxlsx.sources.offers import load_offers
    from segxlsx.sources.rates import load_rates
    from segxlsx.wording import load_wording

    guide, table, wording = load_guide(GUIDE), load_rates(), load_wording()
    with tempfile.TemporaryDirectory() as folder:
        path = synthetic_offers(Path(folder), count)
        began = time.process_time()
        offers = load_offers([path], {guide.id: guide}).offers
        reading = time.process_time() - began
    for offer in offers[:20]:  # the parts built once per shape, built
        workbook_bytes(render_offer(offer, guide, table, wording)[0], table.as_of)
    loaded = time.process_time()
    for offer in offers:
        offer_figures(offer, guide, table)
    figured = time.process_time()
    workbooks = [render_offer(offer, guide, table, wording)[0] for offer in offers]
    rendered = time.process_time()
    datas = [workbook_bytes(workbook, table.as_of) for workbook in workbooks]
    written = time.process_time()
    return {
        "reading the offers": reading / count,
        "figures": (figured - loaded) / count,
        "sheets (figures included)": (rendered - figured) / count,
        "writing the parts and the zip": (written - rendered) / count,
        "size": sum(map(len, datas)) / count,
    }


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
    for library in ("yaml", "zlib", "sqlite3", "hashlib", "fsync"):
        if f"/{library}/" in file or library in function:
            return library
    return "Python and I/O"


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
    code = _PEAK_RSS.format(bench=str(Path(__file__).parent), count=count)
    return int(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    )


# -- the report -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--offers", type=int, default=300)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the in-process timings")
    parser.add_argument(
        "--runs", type=int, default=10, help="pairs of fresh processes, for start-up and reruns"
    )
    parser.add_argument("--profile", action="store_true", help="also the time by library (cProfile)")
    args = parser.parse_args()
    count = args.offers
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        offers = synthetic_offers(folder, count)
        build([offers], [GUIDE], folder / "warm-up", workers=1)  # imports and the parts built once
        builds, floors, ones, manys = [], [], [], []
        for round_ in range(args.rounds):  # interleaved, so that a busy spell hits each alike
            wall, cpu = timed_build(offers, folder / f"one-{round_}", 1)
            ones.append(wall)
            builds.append(cpu / count)
            floors.append(floor_seconds(folder / f"one-{round_}"))
            manys.append(timed_build(offers, folder / f"many-{round_}", args.workers)[0])
        mix = cell_mix(next((folder / "one-0").glob("candidate-*.xlsx")))
        started = start_up(folder, args.runs)
        reruns = no_op_rerun(folder, offers, args.runs)
        speed_ups_apart, ceilings = scaling(folder, count, args.workers, args.rounds)
        libraries = time_by_library(offers, folder / "profiled") if args.profile else {}
    ratios = [b / f for b, f in zip(builds, floors, strict=True)]
    speed_ups = [o / m for o, m in zip(ones, manys, strict=True)]
    reached = [s / c for s, c in zip(speed_ups_apart, ceilings, strict=True)]
    per_offer = [1000 * seconds / count for seconds in reruns]
    cells = sum(n for _, n in mix)
    print(f"offers: {count}, cells per workbook: {cells} ({', '.join(f'{t} {n}' for t, n in mix)})")
    print(f"each figure: median (min-max) of {args.rounds} rounds, or of {args.runs} pairs of runs")
    print(
        f"full build, one worker, CPU per offer: {spread(builds, 1000, '.2f')} ms; zipping its own parts "
        f"from memory: {spread(floors, 1000, '.2f')} ms\n"
        f"  build / zip floor = {spread(ratios)}x {verdict(ratios, FLOOR_TARGET, 'x', below=True)}"
    )
    print(
        f"{count} offers, {args.workers} workers against 1, wall, in this process once warm: "
        f"{spread(speed_ups)}x {verdict(speed_ups, SCALING_TARGET, 'x', below=False)}\n"
        f"  in fresh processes (after a warm-up build): {spread(speed_ups_apart)}x; {args.workers} independent "
        f"builds of 1/{args.workers} of the offers each, at once: {spread(ceilings)}x, the most these cores "
        f"give; the build reaches {statistics.median(reached):.0%} of it"
    )
    print(
        f"start-up: a one-offer build in a fresh process, over a bare interpreter: "
        f"+{spread(started, 1, '.3f')} s {verdict(started, START_UP_TARGET, ' s', below=True)}"
    )
    print(
        f"no-op rerun of {count} offers in a fresh process, over a one-offer build: "
        f"+{spread(reruns, 1, '.3f')} s = {spread(per_offer, 1, '.2f')} ms an offer "
        f"{verdict(per_offer, RERUN_TARGET, ' ms', below=True)}"
    )
    where = stages(min(count, 100))
    size = where.pop("size")
    print(
        "where one workbook's time goes (CPU, one pass): "
        + ", ".join(f"{what} {1000 * seconds:.2f} ms" for what, seconds in where.items())
        + f"; {size / 1024:.1f} KiB a workbook"
    )
    if libraries:
        shares = ", ".join(f"{library} {share:.0%}" for library, share in libraries.items())
        print(f"a one-worker build's time by library (cProfile, own time): {shares}")
    small = min(count, 100)
    print(
        f"peak memory, one worker: {peak_memory_mb(small)} MB for {small} offers, {peak_memory_mb(4 * small)} MB for {4 * small}"
    )


def spread(values: Sequence[float], scale: float = 1, spec: str = ".2f") -> str:
    """The median, then (min-max)."""
    scaled = [value * scale for value in values]
    return f"{statistics.median(scaled):{spec}} ({min(scaled):{spec}}-{max(scaled):{spec}})"


def verdict(values: Sequence[float], target: float, unit: str, *, below: bool) -> str:
    median = statistics.median(values)
    met = median <= target if below else median >= target
    return f"[target {'<=' if below else '>='} {target:g}{unit}: {'met' if met else 'NOT met'}]"


if __name__ == "__main__":
    main()
