"""Throughput benchmark: eventwire (1 and 2 workers), a parse-everything spaCy baseline, and Spark local[2].

One command measures every corpus and every run and writes bench/results/throughput.json and .md:

    python bench/throughput.py                 # full corpora (several minutes)
    python bench/throughput.py --limit 200     # quick run while developing

Runs (each in a fresh child process, so model loads and peak memory do not leak between runs):
  a  eventwire, 1 process        Pipeline.pipe(n_process=1)
  b  eventwire, 2 processes      Pipeline.pipe(n_process=2)
  c  baseline                    the same spaCy model, as installed (nlp.pipe), over every sentence of every
                                article; eventwire itself runs it with nlp.speed_up's output-identical
                                attribute ruler and lemmatizer
  d  spark local[2]              eventwire.spark.run_job (extraction + cross-article dedup)

Timings exclude loading the model in the measuring process (a, c) and the Spark session start (d);
worker start-up (model load in each worker or executor) is included in b and d, because a user pays it.
CPU seconds of the whole child tree are reported beside wall-clock rates: on a shared machine they
show what the code costs when the wall clock mostly shows what the neighbours did.
Peak memory is sampled from outside (psutil, every 0.2 s) over the child's whole process tree and
reported per process: the largest Python process, and the JVM separately.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "bench"
CORPORA = {"news": SHARED / "news-articles.jsonl", "muc": SHARED / "muc-articles.jsonl"}
RUNS = {"a": "eventwire, 1 worker", "b": "eventwire, 2 workers", "c": "spaCy over every sentence",
        "d": "Spark local[2]"}


def _load(path: Path, limit: int | None) -> list[dict[str, Any]]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                out.append(json.loads(line))
                if limit and len(out) >= limit:
                    break
    return out


# ------------------------------------------------------------------------------------------ child side

def _child(run: str, corpus: Path, limit: int | None, batch_size: int,
           profile: Path | None) -> dict[str, Any]:
    from eventwire.config import Config

    arts = _load(corpus, limit)
    tokens = sum(len(a["text"].split()) for a in arts)
    res: dict[str, Any] = {"articles": len(arts), "tokens": tokens}
    if run in ("a", "b"):
        from eventwire.pipeline import Pipeline

        pipe = Pipeline(Config())
        pipe.process({"id": "warm", "text": "Police arrested two men in the capital on Monday."})
        prof = None
        if profile is not None:
            import cProfile

            prof = cProfile.Profile()
            prof.enable()
        t0 = time.perf_counter()
        n_events = n_sent = n_cand = errors = 0
        for a in pipe.pipe(arts, n_process=1 if run == "a" else 2, batch_size=batch_size):
            n_events += len(a.events or [])
            n_sent += len(a.sentences or [])
            n_cand += sum(1 for s in a.sentences or [] if s.candidate)
            errors += bool(a.meta.get("error"))
        res["seconds"] = time.perf_counter() - t0
        if prof is not None:
            import io
            import pstats

            prof.disable()
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(40)
            buf2 = io.StringIO()
            pstats.Stats(prof, stream=buf2).sort_stats("tottime").print_stats(25)
            profile.write_text(buf.getvalue() + "\n\n" + buf2.getvalue(), encoding="utf-8")
        res.update(events=n_events, sentences=n_sent, parsed_sentences=n_cand, errors=errors)
    elif run == "c":
        from eventwire.nlp import load_model
        from eventwire.segment import split_paragraphs, split_sentences

        nlp = load_model()
        nlp("warm up")
        t0 = time.perf_counter()
        sents = [a["text"][s:e] for a in arts for ps, pe in split_paragraphs(a["text"])
                 for s, e in split_sentences(a["text"], ps, pe)]
        for _ in nlp.pipe(sents, batch_size=Config().batch_size):
            pass
        res["seconds"] = time.perf_counter() - t0
        res.update(events=None, sentences=len(sents), parsed_sentences=len(sents))
    elif run == "d":
        from eventwire import spark as sj

        with tempfile.TemporaryDirectory(prefix="ew-bench-") as tmp:
            src = Path(tmp) / "articles.jsonl"
            src.write_text("".join(json.dumps(a) + "\n" for a in arts), encoding="utf-8")
            session = sj.make_session("local[2]", app_name="eventwire-bench",
                                      conf={"spark.sql.shuffle.partitions": "2"})
            t0 = time.perf_counter()
            stats = sj.run_job(session, str(src), str(Path(tmp) / "out"), Config())
            res["seconds"] = time.perf_counter() - t0
            session.stop()
        res.update(events=stats["events"], deduplicated_events=stats.get("deduplicated_events"),
                   extract_seconds=stats["extract_seconds"], dedup_seconds=stats.get("dedup_seconds"))
    else:
        raise SystemExit(f"unknown run {run!r}")
    return res


# ------------------------------------------------------------------------------------------ parent side

class _TreeMemory:
    """Samples RSS of a process and all its descendants; keeps each process's peak."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        import psutil

        self.root = psutil.Process(pid)
        self.every = every
        self.peaks: dict[int, tuple[str, int]] = {}
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._loop, daemon=True)
        self._t.start()

    def _loop(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self.root] + self.root.children(recursive=True)
            except psutil.Error:
                break
            for p in procs:
                try:
                    rss = p.memory_info().rss
                    name = "jvm" if "java" in p.name() else "python"
                except psutil.Error:
                    continue
                if rss > self.peaks.get(p.pid, ("", 0))[1]:
                    self.peaks[p.pid] = (name, rss)
            self._stop.wait(self.every)

    def stop(self) -> dict[str, Any]:
        self._stop.set()
        self._t.join()
        py = [r for n, r in self.peaks.values() if n == "python"]
        jvm = [r for n, r in self.peaks.values() if n == "jvm"]
        mb = 1024 * 1024
        return {"peak_rss_mb_per_process": round(max(py, default=0) / mb, 1),
                "peak_rss_mb_jvm": round(max(jvm) / mb, 1) if jvm else None,
                "processes": len(self.peaks)}


def _measure(run: str, corpus: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", run, "--corpus", corpus,
           "--batch-size", str(args.batch_size)]
    if args.limit:
        cmd += ["--limit", str(args.limit)]
    if args.profile and run == "a":
        cmd += ["--profile-out", str(args.out / f"profile-a-{corpus}.txt")]
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
        mem = _TreeMemory(proc.pid)
        rc = proc.wait()
        memory = mem.stop()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.seek(0)
        lines = out.read().decode().strip().splitlines()
    if rc != 0 or not lines:
        return {"run": run, "corpus": corpus, "error": f"child exited {rc}"}
    res = json.loads(lines[-1])
    res.update(memory)
    # CPU seconds of the whole child tree (model loads included), which the other users' load
    # disturbs far less than wall-clock time: the fair comparison on a shared machine
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    res["cpu_seconds_tree"] = round(cpu, 1)
    res["articles_per_cpu_s"] = round(res["articles"] / cpu, 2) if cpu > 0 else None
    s = res["seconds"]
    res["articles_per_s"] = round(res["articles"] / s, 2)
    res["tokens_per_s"] = round(res["tokens"] / s, 1)
    res["events_per_s"] = round(res["events"] / s, 2) if res.get("events") is not None else None
    res["seconds"] = round(s, 2)
    return {"run": run, "label": RUNS[run], "corpus": corpus, **res}


def _markdown(report: dict[str, Any]) -> str:
    lines = [f"# Throughput ({report['when']}, {report['machine']})", "",
             f"limit: {report['limit'] or 'none (full corpora)'}; "
             f"load average at start {report['loadavg_start']}, at end {report.get('loadavg_end')}; "
             "the machine was shared with other work, so absolute numbers are noisy.", "",
             "| corpus | run | articles | seconds | articles/s | tokens/s | events/s | sentences parsed "
             "| CPU s (tree) | peak RSS per process (MB) | JVM peak (MB) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in report["results"]:
        if "error" in r:
            lines.append(f"| {r['corpus']} | {r['run']} | error: {r['error']} | | | | | | | | |")
            continue
        parsed = f"{r['parsed_sentences']}/{r['sentences']}" if r.get("sentences") is not None else "-"
        eps = r["events_per_s"] if r["events_per_s"] is not None else "-"
        lines.append(
            f"| {r['corpus']} | {r['run']} {r['label']} | {r['articles']} | {r['seconds']} "
            f"| {r['articles_per_s']} | {r['tokens_per_s']} | {eps} | {parsed} "
            f"| {r.get('cpu_seconds_tree', '-')} | {r['peak_rss_mb_per_process']} "
            f"| {r['peak_rss_mb_jvm'] or '-'} |")
    lines += ["", "| corpus | a/c | b/c | d/c | b/a |", "|---|---:|---:|---:|---:|"]
    for corpus, ratios in report["ratios"].items():
        cells = " | ".join(str(ratios.get(k, "-")) for k in ("a/c", "b/c", "d/c", "b/a"))
        lines.append(f"| {corpus} | {cells} |")
    return "\n".join(lines) + "\n"


def _write(report: dict[str, Any], out: Path) -> None:
    report["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    report["ratios"] = {}
    for corpus in dict.fromkeys(r["corpus"] for r in report["results"]):
        rate = {r["run"]: r["articles_per_s"] for r in report["results"]
                if r["corpus"] == corpus and "error" not in r}
        report["ratios"][corpus] = {f"{x}/{y}": round(rate[x] / rate[y], 2)
                                    for x, y in (("a", "c"), ("b", "c"), ("d", "c"), ("b", "a"))
                                    if x in rate and y in rate}
    (out / "throughput.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    (out / "throughput.md").write_text(_markdown(report), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=None, help="Use only the first N articles of each corpus.")
    ap.add_argument("--corpora", default="news,muc", help="Comma-separated: news, muc.")
    ap.add_argument("--runs", default="a,b,c,d", help="Comma-separated subset of a,b,c,d.")
    ap.add_argument("--batch-size", type=int, default=16, help="Articles per Pipeline.pipe batch.")
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--profile", action="store_true", help="cProfile run a; writes profile-a-<corpus>.txt.")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--profile-out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        res = _child(args.child, CORPORA[args.corpus], args.limit, args.batch_size, args.profile_out)
        print(json.dumps(res))
        return
    missing = [str(p) for c, p in CORPORA.items() if c in args.corpora.split(",") and not p.exists()]
    if missing:
        raise SystemExit(f"benchmark corpora not found: {', '.join(missing)}")
    args.out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M"), "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "limit": args.limit, "loadavg_start": [round(x, 2) for x in os.getloadavg()], "results": [],
    }
    for corpus in args.corpora.split(","):
        for run in args.runs.split(","):
            r = _measure(run, corpus, args)
            report["results"].append(r)
            print(json.dumps(r), file=sys.stderr)
            _write(report, args.out)  # after every run, so an interrupted benchmark still leaves numbers
    print(_markdown(report))


if __name__ == "__main__":
    main()
