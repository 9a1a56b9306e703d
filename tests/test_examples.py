"""The bundled example articles (examples/articles.jsonl) through the real command line.

This is what the README's first set-up command runs, so it must work end to end: every output
line follows the contract, every article yields events, and the "typical article" (rocket
attack, blame and threat, retaliatory air strikes, embassy stormed) comes out with its key
facts. Properties are chosen to be robust to tuning of the rules, not to pin exact output.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles.jsonl"
SCHEMA = ROOT.parent / "shared" / "contract" / "event.schema.json"
TYPICAL = "irq-embassy-2024-01-09"
ARTICLES = [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]


def _command() -> list[str]:
    """The installed `eventwire` console script next to this interpreter, else `python -m eventwire`."""
    script = Path(sys.executable).with_name("eventwire")
    return [str(script)] if script.exists() else [sys.executable, "-m", "eventwire"]


def run_cli(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*_command(), *args], capture_output=True, text=True, timeout=600, cwd=ROOT,
                          check=False)


@cache
def _bundle_output() -> tuple[int, str, str]:
    proc = run_cli(["extract", str(EXAMPLES), "--format", "jsonl", "--no-progress"])
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture(scope="module")
def events() -> list[dict[str, Any]]:
    rc, out, err = _bundle_output()
    if rc != 0 and "spacy" in err.lower() and "install" in err.lower():
        pytest.skip(f"no spaCy model: {err.strip()[:200]}")
    assert rc == 0, f"exit {rc}: {err[-2000:]}"
    return [json.loads(line) for line in out.splitlines() if line.strip()]


# ---------------------------------------------------------------- the bundle itself


def test_examples_are_well_formed_wire_articles() -> None:
    assert 10 <= len(ARTICLES) <= 12
    ids = [a["id"] for a in ARTICLES]
    assert len(set(ids)) == len(ids)
    for a in ARTICLES:
        assert set(a) == {"id", "published", "title", "source", "text"}, a["id"]
        words = len(a["text"].split())
        assert 150 <= words <= 400, f"{a['id']}: {words} words"
        assert a["text"].count("\n\n") >= 3, f"{a['id']}: not multi-paragraph"
    assert TYPICAL in ids


# ---------------------------------------------------------------- output of the command line


def test_every_line_validates_against_the_contract(events: list[dict[str, Any]]) -> None:
    if not SCHEMA.exists():
        pytest.skip("shared contract not present")
    import jsonschema

    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    bad = [f"{e.get('event_id')}: {err.message}" for e in events for err in validator.iter_errors(e)]
    assert events and not bad, "\n".join(bad[:20])


def test_every_article_yields_events_in_article_order(events: list[dict[str, Any]]) -> None:
    order = [a["id"] for a in ARTICLES]
    seen = [e["article_id"] for e in events]
    assert set(seen) == set(order), f"articles without events: {sorted(set(order) - set(seen))}"
    positions = [order.index(i) for i in seen]
    assert positions == sorted(positions), "events are not in article order"
    assert len({e["event_id"] for e in events}) == len(events), "event ids are not unique"


def test_evidence_points_into_the_article_text(events: list[dict[str, Any]]) -> None:
    texts = {a["id"]: a["text"] for a in ARTICLES}
    for e in events:
        ev = e["evidence"]
        assert texts[e["article_id"]][ev["start"]:ev["end"]] == ev["text"], e["event_id"]
        assert ev["trigger"].lower() in ev["text"].lower(), e["event_id"]


def test_the_bundle_covers_every_acled_event_type_and_many_plover_types(events: list[dict[str, Any]]) -> None:
    acled = {e["acled"]["event_type"] for e in events if e["acled"]}
    assert acled == {"Battles", "Violence against civilians", "Explosions/Remote violence", "Protests",
                     "Riots", "Strategic developments"}
    assert len({e["type"] for e in events}) >= 10


def _typical(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e["article_id"] == TYPICAL]


def test_typical_article_has_the_retaliatory_air_strikes(events: list[dict[str, Any]]) -> None:
    strikes = [e for e in _typical(events) if e["type"] == "ASSAULT" and e["acled"]
               and e["acled"]["sub_event_type"] == "Air/drone strike" and (e["fatalities"] or 0) >= 25]
    assert strikes, "no air strike with at least 25 killed"
    assert any(a["country"] == "USA" for e in strikes for a in e["source"]), "strike not attributed to the US"
    assert any(e["date"] == "2024-01-07" for e in strikes), "air strike not dated 'on Sunday' (2024-01-07)"


def test_typical_article_has_the_rocket_attack_blame_and_threat(events: list[dict[str, Any]]) -> None:
    typ = _typical(events)
    assert any(e["type"] == "ASSAULT" and e["date"] == "2024-01-05" for e in typ), "no attack on last Friday"
    blame = [e for e in typ if e["type"] == "ACCUSE"]
    assert any("kataib" in (a["name"] + a["text"]).lower() for e in blame for a in e["target"]), \
        "the militia is not the target of the blame"
    assert any(e["type"] == "THREATEN" for e in typ)


def test_casualty_counts_come_through(events: list[dict[str, Any]]) -> None:
    by_article: dict[str, int] = {}
    for e in events:
        by_article[e["article_id"]] = max(by_article.get(e["article_id"], 0), e["fatalities"] or 0)
    # articles that state a death toll of ten or more in their first paragraph
    for art_id in ("pak-peshawar-2024-02-02", "mmr-sagaing-2024-04-16", "ukr-kharkiv-2024-05-26"):
        assert by_article.get(art_id, 0) >= 10, f"{art_id}: largest death toll {by_article.get(art_id)}"


# ---------------------------------------------------------------- stability and the table format


def test_event_ids_do_not_depend_on_the_batch(tmp_path: Path, events: list[dict[str, Any]]) -> None:
    subset = [a for a in ARTICLES if a["id"] in (TYPICAL, "ken-finance-protests-2024-06-26")][::-1]
    path = tmp_path / "two.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in subset), encoding="utf-8")
    proc = run_cli(["extract", str(path), "--format", "jsonl", "--no-progress"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    again = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    want = {e["event_id"]: e for e in events if e["article_id"] in {a["id"] for a in subset}}
    assert again and {e["event_id"] for e in again} == set(want)
    for e in again:
        assert (e["type"], e["evidence"]["start"]) == (want[e["event_id"]]["type"],
                                                       want[e["event_id"]]["evidence"]["start"])


def test_table_format_prints_readable_rows(tmp_path: Path, events: list[dict[str, Any]]) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(next(a for a in ARTICLES if a["id"] == TYPICAL)) + "\n", encoding="utf-8")
    proc = run_cli(["extract", str(path), "--format", "table", "--no-progress"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "ASSAULT" in proc.stdout and "2024-01-07" in proc.stdout
