"""Resumability: `kill -9` an ingest mid-run, run it again, and get the database of an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventwire.ingest import article_key
from eventwire.store import Store
from test_ingest_support import snapshot, wire_corpus, write_jsonl  # noqa: I001

pytestmark = pytest.mark.slow


def _cmd(corpus: Path, db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "eventwire", "ingest", str(corpus), "--db", str(db), "--batch-size", "2",
            "--no-progress", *extra]


def _run(corpus: Path, db: Path, *extra: str) -> None:
    out = subprocess.run(_cmd(corpus, db, *extra), capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-2000:]


def test_kill_9_then_rerun_equals_uninterrupted_run(tmp_path: Path) -> None:
    records = wire_corpus(40, seed=21)
    corpus = write_jsonl(records, tmp_path / "corpus.jsonl")
    ref_db, db = tmp_path / "ref.duckdb", tmp_path / "killed.duckdb"
    _run(corpus, ref_db)
    ref = snapshot(ref_db)
    usable = {article_key(r["text"])[0] for r in records if r["id"] not in ("w7", "w11")}
    assert len(ref["articles"]) == len(usable) and len(ref["rejected"]) == 2  # two planted unusable records
    assert any(r for r in ref["articles"] if r[8] is not None), "corpus should hold near-duplicates"
    with Store(ref_db, read_only=True) as st:  # the merge state a resumed run must rebuild exactly
        assert st.conn.execute("SELECT max(n_sources) FROM events").fetchone()[0] >= 2

    proc = subprocess.Popen(_cmd(corpus, db, "--verbose"), stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    committed = 0
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        if line.startswith("eventwire: committed"):
            committed += 1
            if committed == 3:  # a few batches in, with more to come
                os.kill(proc.pid, signal.SIGKILL)
                break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    with Store(db, read_only=True) as st:
        partial = st.counts()["articles"]
        assert 0 < partial < len(usable)
        unfinished = st.conn.execute("SELECT count(*) FROM runs WHERE finished_at IS NULL").fetchone()[0]
        assert unfinished == 1

    _run(corpus, db, "--workers", "2")  # resuming with worker processes gives the same result too
    assert snapshot(db) == ref
    _run(corpus, db)  # and once more: nothing changes
    assert snapshot(db) == ref
