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
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from eventwire.web import synthetic

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = tempfile.TemporaryDirectory()
    db = args.db or os.path.join(tmp.name, "load.duckdb")
    t0 = time.perf_counter()
    if not os.path.exists(db):
        synthetic.build_db(db, args.events, seed=args.seed)
    build_s = time.perf_counter() - t0
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "eventwire",
            "serve",
            "--db",
            db,
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(base + "/api/health", timeout=2).json()
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.2)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        counter = iter(range(args.requests))

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
                    dt = time.perf_counter() - t
                    with lock:
                        latencies.append(dt)
                        if not ok:
                            errors.append(why)

        load_before = round(os.getloadavg()[0], 2)
        threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
        start = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - start
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        tmp.cleanup()
    ms = [x * 1000 for x in latencies]
    return {
        "events_in_store": health["events"],
        "articles_in_store": health["articles"],
        "build_seconds": round(build_s, 1),
        "requests": len(latencies),
        "concurrency": args.concurrency,
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
        "mix": MIX,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_avg_1m_before": load_before,
            "platform": platform.platform(),
        },
        "server": "eventwire serve (uvicorn, 1 process), DuckDB read-only",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=12_000)
    ap.add_argument("--requests", type=int, default=4_000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--db", default=None, help="reuse (or create) this store instead of a temporary one")
    ap.add_argument("--out", default=str(RESULTS / "web_load.json"))
    args = ap.parse_args()
    res = run(args)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    lat = res["latency_ms"]
    md = (
        f"# /api/events load test\n\n{res['events_in_store']} events, {res['requests']} requests, "
        f"{res['concurrency']} concurrent clients, {res['machine']['cpus']} CPUs shared with other work "
        f"(1-min load average {res['machine']['load_avg_1m_before']} at start)\n\n"
        f"| requests/s | p50 ms | p90 ms | p99 ms | max ms | errors |\n|---|---|---|---|---|---|\n"
        f"| {res['requests_per_second']} | {lat['p50']} | {lat['p90']} | {lat['p99']} | {lat['max']} | "
        f"{res['errors']} |\n"
    )
    out.with_suffix(".md").write_text(md, encoding="utf-8")
    print(json.dumps(res, indent=1))
    if res["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
