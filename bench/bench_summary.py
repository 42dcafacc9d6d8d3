"""Time and memory of rendering summary.xlsx for N rows (default 10,000): python bench/bench_summary.py [N].

TRACE=1 also reports tracemalloc's peak (and runs several times slower).
"""

import io
import json
import os
import sys
import time
import tracemalloc
from decimal import Decimal

from segxlsx.sources.rates import load_rates
from segxlsx.summary.row import SummaryRow
from segxlsx.summary.sheet import SummaryHeading, render_summary, save_summary

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
table = load_rates("offline")
rows = [
    SummaryRow(
        f"candidate-{i}.xlsx",
        {
            "candidate": f"Candidate {i}",
            "guide": "segment-data-engineer",
            "region": "London",
            "currency": ["USD", "GBP", "EUR"][i % 3],
            "base": Decimal("123456.78"),
            "stock": Decimal("123456.78"),
            "bonus": Decimal("0.15"),
        },
        Decimal("123456.78"),
        *(Decimal("0.4567"),) * 5,
        Decimal(150000),
        Decimal(200000),
        True,
        "within",
        "within",
        "below",
        "within",
        Decimal(26544),
        Decimal(76544),
        Decimal(48900),
        action="unchanged",
        inputs_changed="2026-11-23",
    )
    for i in range(n)
]
manifest_bytes = len(
    json.dumps(
        {
            r.file: {
                "sha256": "0" * 64,
                "source": "offers.csv",
                "candidate": r.candidate,
                "row": r.as_json(),
                "inputs": "0" * 16,
                "changed": "2026-11-23",
            }
            for r in rows
        },
        indent=2,
    )
)
if os.environ.get("TRACE"):
    tracemalloc.start()
t = time.perf_counter()
out = io.BytesIO()  # the build streams it to a file; the bytes are the same
save_summary(render_summary(rows, [], SummaryHeading(("g",), table, "USD", 0)), table.as_of, out)
data = out.getvalue()
took = time.perf_counter() - t
peak = tracemalloc.get_traced_memory()[1]
print(
    f"{n} rows: {took:.2f} s, peak {peak / 1e6:.0f} MB traced, file {len(data) / 1e6:.1f} MB, manifest ~{manifest_bytes / 1e6:.1f} MB"
)
