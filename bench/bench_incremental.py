"""Time an unchanged rerun against the full build it follows, on N synthetic offers.

    python bench/bench_incremental.py [--offers 2000 10000] [--runs 3] [--workers 2]

For each N: a full build into an empty folder (median of --full-runs), then --runs reruns of
the same inputs, which skip every offer. Prints each median beside the target: an unchanged
rerun costs <= 10% of the full build. The first rerun also rewrites the summary (its rows turn
from "written" to "unchanged"); the later ones find it made from the same rows and leave it,
so the first is printed on its own too. The machine is shared and noisy: read medians.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_build import GUIDE, synthetic_offers  # noqa: E402

from segxlsx.batch import build  # noqa: E402

TARGET = 0.10  # an unchanged rerun, as a share of the full build


def timed(offers: Path, out: Path, workers: int, skipped: int | None = None) -> float:
    start = time.perf_counter()
    report = build([offers], [GUIDE], out, workers=workers)
    elapsed = time.perf_counter() - start
    assert report.exit_code == 0, report.failures[:3]
    if skipped is not None:
        assert report.skipped == skipped, f"{report.skipped} skipped of {skipped}"
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--runs", type=int, default=3, help="unchanged reruns per size")
    parser.add_argument("--full-runs", type=int, default=1, help="full builds per size")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for count in args.offers:
            offers = synthetic_offers(Path(folder), count)
            out = Path(folder) / "out"
            full = []
            for _ in range(args.full_runs):
                shutil.rmtree(out, ignore_errors=True)
                full.append(timed(offers, out, args.workers))
            reruns = [timed(offers, out, args.workers, skipped=count) for _ in range(args.runs)]
            full_s, rerun_s = statistics.median(full), statistics.median(reruns)
            share = rerun_s / full_s
            verdict = "met" if share <= TARGET else "NOT met"
            print(
                f"{count:>6} offers, {args.workers} workers: full build {full_s:7.1f} s "
                f"({full_s / count * 1000:.1f} ms/offer), unchanged rerun {rerun_s:6.2f} s "
                f"({rerun_s / count * 1000:.2f} ms/offer) = {share:.1%} of the full build "
                f"[target <= {TARGET:.0%}: {verdict}]; the first rerun {reruns[0]:.2f} s "
                f"= {reruns[0] / full_s:.1%}",
                flush=True,
            )


if __name__ == "__main__":
    main()
