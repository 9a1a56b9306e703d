"""Load test of the REST API: `/api/events` on a loopback `eventwire serve` over >= 10,000 events.

Builds a store of generated (template-based, synthetic) events, starts the real server in a
subprocess, then hammers `/api/events` with a mix of filtered, paginated and GeoJSON requests
from concurrent threads (one keep-alive HTTP client each). Reports requests/s, latency
percentiles and errors (any non-200 or transport failure), and writes JSON + Markdown under
bench/results/.

    python bench/web_load.py --events 12000 --requests 4000 --concurrency 16
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from eventwire.web import synthetic
from eventwire.web.testing import serve_subprocess

RESULTS = Path(__file__).resolve().parent / "results"

# the request mix: what an analyst's dashboard and scripts ask for
MIX: list[dict[str, Any]] = [
    {"limit": 50},
    {"limit": 50, "offset": 500},
    {"country": "IRQ", "limit": 100},
    {"type": "ASSAULT", "min_fatalities": 5, "limit": 50},
    {"since": "2024-03-01", "until": "2024-03-31", "status": "asserted,claimed", "limit": 100},
    {"actor": "militia", "limit": 50},
    {"country": "SYR,SDN", "type": "ASSAULT,PROTEST", "limit": 20},
    {"format": "geojson", "limit": 500},
]


def _percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def hammer(base: str, n_requests: int, concurrency: int) -> dict[str, Any]:
    """Send `n_requests` from `concurrency` threads; latency of each, errors counted."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(n_requests))

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            client.get("/api/events", params={"limit": 1})  # connect outside the measurement
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                params = MIX[i % len(MIX)]
                t = time.perf_counter()
                try:
                    r = client.get("/api/events", params=params)
                    ok = r.status_code == 200 and len(r.content) > 0
                    why = f"HTTP {r.status_code} for {params}"
                except httpx.HTTPError as exc:
                    ok, why = False, f"{type(exc).__name__} for {params}"
                took = time.perf_counter() - t
                with lock:
                    latencies.append(took)
                    if not ok:
                        errors.append(why)

    load_before = round(os.getloadavg()[0], 2)
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - start
    ms = [x * 1000 for x in latencies]
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "wall_seconds": round(wall, 2),
        "requests_per_second": round(len(latencies) / wall, 1),
        "latency_ms": {
            "p50": round(_percentile(ms, 0.50), 1),
            "p90": round(_percentile(ms, 0.90), 1),
            "p99": round(_percentile(ms, 0.99), 1),
            "max": round(max(ms), 1),
            "mean": round(statistics.fmean(ms), 1),
        },
        "errors": len(errors),
        "error_samples": errors[:5],
        "load_avg_1m_before": load_before,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or os.path.join(tmp, "load.duckdb")
        t0 = time.perf_counter()
        built = not os.path.exists(db)
        if built:
            synthetic.build_db(db, args.events, seed=args.seed)
        build_s = time.perf_counter() - t0
        with serve_subprocess(db, workers=args.server_workers) as base:
            health = httpx.get(base + "/api/health", timeout=10).json()
            runs = [hammer(base, args.requests, c) for c in args.concurrency]
    return {
        "events_in_store": health["events"],
        "articles_in_store": health["articles"],
        "build_seconds": round(build_s, 1) if built else None,
        "runs": runs,
        "mix": MIX,
        "errors": sum(r["errors"] for r in runs),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "server": f"eventwire serve --workers {args.server_workers} (uvicorn), DuckDB read-only",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=12_000)
    ap.add_argument("--requests", type=int, default=2_000, help="requests per concurrency level")
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--server-workers", type=int, default=1, help="eventwire serve --workers")
    ap.add_argument("--db", default=None, help="reuse (or create) this store instead of a temporary one")
    ap.add_argument("--out", default=str(RESULTS / "web_load.json"))
    args = ap.parse_args()
    res = run(args)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    lines = [
        f"# /api/events load test\n\n{res['events_in_store']} events in the store; request mix in the "
        f"JSON file; {res['machine']['cpus']} CPUs shared with other work.\n",
        "| clients | requests | requests/s | p50 ms | p90 ms | p99 ms | max ms | errors | load avg |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in res["runs"]:
        lat = r["latency_ms"]
        lines.append(
            f"| {r['concurrency']} | {r['requests']} | {r['requests_per_second']} | {lat['p50']} | "
            f"{lat['p90']} | {lat['p99']} | {lat['max']} | {r['errors']} | {r['load_avg_1m_before']} |"
        )
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(json.dumps(res, indent=1))
    if res["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
