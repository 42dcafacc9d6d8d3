"""Peak memory of a build's main process as the number of offers grows.

    python bench/bench_memory.py [--offers 500 5000 20000 50000] [--workers 2]

Each build (a full build into an empty folder, then an unchanged rerun) runs in a fresh
subprocess that reports its own `ru_maxrss` (the main process alone: workers are children and
not counted). Prints each peak, its growth over the smallest size and the growth per offer.
The target (issue 15) is the peak at 50,000 offers within 30 MB of the peak at 500: measured
directly when both sizes are given (`--offers 500 50000`: ~12 min for the full build on 2
workers, ~1 min for the rerun), else the slope is extrapolated to 50,000.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_build import GUIDE, synthetic_offers  # noqa: E402

TARGET_MB = 30  # peak at 50,000 offers minus peak at 500
CHILD = """
import json, resource, sys, time
from segxlsx.batch import build
offers, guide, out, workers = sys.argv[1:5]
start = time.perf_counter()
report = build([offers], [guide], out, workers=int(workers))
assert report.exit_code == 0, report.failures[:3]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
print(json.dumps({"peak_kib": peak, "seconds": time.perf_counter() - start, "skipped": report.skipped}))
"""


def measured(offers: Path, out: Path, workers: int) -> dict[str, float]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", CHILD, str(offers), str(GUIDE), str(out), str(workers)]
    done = subprocess.run(command, capture_output=True, text=True, env=environment, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, nargs="+", default=[500, 2000, 5000])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    results: dict[str, list[tuple[int, float]]] = {"full build": [], "unchanged rerun": []}
    with tempfile.TemporaryDirectory() as folder:
        for count in sorted(args.offers):
            offers = synthetic_offers(Path(folder), count)
            out = Path(folder) / f"out-{count}"
            for kind in results:
                figures = measured(offers, out, args.workers)
                mib = figures["peak_kib"] / 1024
                results[kind].append((count, mib))
                print(
                    f"{kind:>15}: {count:>6} offers  peak RSS {mib:7.1f} MiB  ({figures['seconds']:.1f} s)",
                    flush=True,
                )
    for kind, points in results.items():
        print(f"{kind:>15}: {verdict(dict(points))}")


def verdict(peaks: dict[int, float]) -> str:
    """The growth from the smallest size, per offer, and the target at 50,000: measured or extrapolated."""
    (first, low), (last, high) = min(peaks.items()), max(peaks.items())
    per_offer = (high - low) / (last - first) if last > first else 0.0
    text = f"+{high - low:.1f} MiB from {first} to {last} offers = {per_offer * 1024:.2f} KiB/offer; "
    if first == 500 and last == 50_000:
        growth, how = high - low, "measured"
    else:
        growth, how = per_offer * (50_000 - 500), "extrapolated"
    met = "met" if growth * 1.048576 <= TARGET_MB else "NOT met"  # MiB to MB
    return text + f"{how} 500 -> 50,000: +{growth:.1f} MiB [target <= {TARGET_MB} MB: {met}]"


if __name__ == "__main__":
    main()
