"""Ingest benchmark: a news corpus into a fresh DuckDB store with 1 and 2 workers.

Each configuration runs in its own child process so that peak memory (getrusage of the process
and of its worker children) belongs to that run alone. Writes `bench/results/ingest_bench.json`
and `.md`. Usage: `python bench/ingest_bench.py [--corpus PATH] [--workers 1 2] [--limit N]`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "bench" / "news-articles.jsonl"


def child(corpus: Path, workers: int, db: Path, limit: int | None) -> dict:
    """One measured ingest run (in this process and its workers)."""
    from eventwire.ingest import Ingester, IngestOptions, iter_inputs
    from eventwire.pipeline import Pipeline
    from eventwire.store import Store

    inputs = iter_inputs([str(corpus)])
    if limit:
        import itertools

        inputs = itertools.islice(inputs, limit)
    t_load = time.perf_counter()
    pipe = Pipeline()
    if workers == 1:  # load the model outside the timed part; worker processes load their own inside it
        pipe.resources.nlp  # noqa: B018
    load_s = time.perf_counter() - t_load
    with Store(db) as st:
        t0 = time.perf_counter()
        stats = Ingester(st, pipe, IngestOptions(workers=workers)).run(inputs, command="bench")
        wall = time.perf_counter() - t0
        counts = st.counts()
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    size = db.stat().st_size + (db.with_suffix(db.suffix + ".wal").stat().st_size
                                if db.with_suffix(db.suffix + ".wal").exists() else 0)
    return {
        "workers": workers, "articles_read": stats.seen, "articles_stored": counts["articles"],
        "near_duplicates": counts["duplicates"], "rejected": counts["rejected"],
        "mentions": counts["mentions"], "merged_events": counts["events"], "seconds": round(wall, 2),
        "model_load_seconds": round(load_s, 2),
        "articles_per_s": round(stats.done / wall, 2), "events_per_s": round(counts["mentions"] / wall, 2),
        "peak_rss_mb_parent": round(self_kb / 1024, 1),
        "peak_rss_mb_largest_worker": round(kids_kb / 1024, 1),
        "db_bytes": size, "db_mb": round(size / 1e6, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles (smoke runs)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "ingest_bench")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.corpus, args.workers[0], args.db, args.limit)))
        return
    if not args.corpus.exists():
        sys.exit(f"corpus not found: {args.corpus}")
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for w in args.workers:
            db = Path(tmp) / f"bench-{w}.duckdb"
            cmd = [sys.executable, __file__, "--child", "--corpus", str(args.corpus), "--workers", str(w),
                   "--db", str(db)] + (["--limit", str(args.limit)] if args.limit else [])
            out = subprocess.run(cmd, capture_output=True, text=True, check=True)
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(json.dumps(runs[-1]), file=sys.stderr)
    result = {
        "corpus": str(args.corpus), "limit": args.limit, "runs": runs,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "load_avg_at_end": os.getloadavg()},
        "note": "shared 2-core machine with other jobs running; timings exclude model loading",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    lines = [
        "# Ingest benchmark", "",
        f"Corpus: `{args.corpus.name}`" + (f" (first {args.limit})" if args.limit else "") +
        f"; machine: {os.cpu_count()} CPUs shared with other jobs (load average at end "
        f"{os.getloadavg()[0]:.1f}). Model loading is excluded from the timings.", "",
        "| workers | articles | stored | near-dup | rejected | mentions | merged events | seconds | "
        "articles/s | events/s | peak RSS parent MB | peak RSS worker MB | DB MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(f"| {r['workers']} | {r['articles_read']} | {r['articles_stored']} | "
                     f"{r['near_duplicates']} | {r['rejected']} | {r['mentions']} | {r['merged_events']} | "
                     f"{r['seconds']} | "
                     f"{r['articles_per_s']} | {r['events_per_s']} | {r['peak_rss_mb_parent']} | "
                     f"{r['peak_rss_mb_largest_worker']} | {r['db_mb']} |")
    args.out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
