"""`eventwire extract` end to end: formats, stdin, and bad input that must not stop a batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "contract" / "event.schema.json"
GOOD = "Police arrested 14 protesters outside the parliament in Nairobi on Tuesday, a police spokesman said."


def run(args: list[str], stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.run([sys.executable, "-m", "eventwire", "extract", *args], input=stdin,
                          capture_output=True, cwd=cwd, env=env, timeout=600)


def test_bad_inputs_are_reported_by_name_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "latin1.txt").write_bytes("Des manifestants ont d\xe9fil\xe9 \xe0 Paris.".encode("latin-1"))
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:  # 50 MB of text: refused by size, without being read into memory
        fh.write((GOOD + "\n").encode() * (50 * 1024 * 1024 // (len(GOOD) + 1) + 1))
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    lines = [json.dumps({"id": "ok1", "text": GOOD, "published": "2024-05-14"}), "{not json", "[1, 2]",
             json.dumps({"id": "notext"}), json.dumps({"id": "baddate", "text": GOOD, "published": "Tuesday"})]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run([str(tmp_path)])
    err = proc.stderr.decode()
    assert proc.returncode == 3, err
    for needle in ("empty.txt: empty input", "binary.txt: binary content", "latin1.txt: invalid UTF-8",
                   "huge.txt: file too large", "batch.jsonl:2: invalid JSON", "batch.jsonl:3:",
                   "batch.jsonl:4: missing or empty 'text'", "batch.jsonl:5: published is not an ISO"):
        assert needle in err, f"{needle!r} not in stderr:\n{err}"
    events = [json.loads(x) for x in proc.stdout.decode().splitlines()]
    assert {e["article_id"] for e in events} == {"good.txt", "ok1"}
    assert all(e["type"] == "COERCE" for e in events if e["evidence"]["trigger"] == "arrested")


def test_stdin_text_and_formats_validate() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    proc = run(["--published", "2024-05-15"], stdin=GOOD.encode())
    assert proc.returncode == 0, proc.stderr.decode()
    events = [json.loads(x) for x in proc.stdout.decode().splitlines()]
    assert events and events[0]["article_id"] == "stdin"
    arrest = next(e for e in events if e["acled"] and e["acled"]["sub_event_type"] in ("Arrests",
                                                                                       "Protest with intervention"))
    assert arrest["date"] == "2024-05-14" and arrest["date_precision"] == "day"
    if SCHEMA.exists():
        validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
        for e in events:
            assert not list(validator.iter_errors(e))
    as_json = run(["--format", "json", "--published", "2024-05-15"], stdin=GOOD.encode())
    assert json.loads(as_json.stdout) == events
    table = run(["--format", "table", "--published", "2024-05-15"], stdin=GOOD.encode()).stdout.decode()
    assert "Nairobi" in table and "COERCE" in table


def test_status_filter_and_unknown_status() -> None:
    text = (b"Rebels attacked a convoy near Goma on Monday. The militia threatened to strike the airport "
            b"if talks fail.")
    every = [json.loads(x) for x in run(["--published", "2024-05-15"], stdin=text).stdout.decode().splitlines()]
    kept = [json.loads(x) for x in run(["--published", "2024-05-15", "--status", "asserted"],
                                       stdin=text).stdout.decode().splitlines()]
    assert {e["status"] for e in kept} <= {"asserted"}
    assert len(kept) < len(every)
    bad = run(["--status", "rumoured"], stdin=text)
    assert bad.returncode != 0 and b"unknown status" in bad.stderr
