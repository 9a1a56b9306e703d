"""Synthetic-but-valid event databases for tests, demos and the web load benchmark.

Why: the web layer must be testable (and benchmarkable at 10k+ events) without running
the NLP pipeline and without any third-party text. Articles here are generated from a
handful of invented wire-style sentence templates; every event record is built with the
package's own model classes, so it satisfies the output contract.

Rows are written in the documented store schema (see `SCHEMA_SQL`); when the store
module is present its own schema is the authority, and this module only mirrors it for
the tables the web layer reads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..cameo import QUAD_BY_TYPE
from ..model import Actor, Event, Place

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS articles(article_key VARCHAR PRIMARY KEY, id VARCHAR, url VARCHAR, title VARCHAR,
  source VARCHAR, published DATE, text VARCHAR, text_hash VARCHAR, duplicate_of VARCHAR, run_id INTEGER,
  ingested_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS sentences(article_key VARCHAR, sentence_index INTEGER, start INTEGER,
  "end" INTEGER,
  text VARCHAR);
CREATE TABLE IF NOT EXISTS mentions(mention_id VARCHAR PRIMARY KEY, article_key VARCHAR, event_key VARCHAR,
  record JSON, type VARCHAR, date DATE, country VARCHAR, status VARCHAR, fatalities INTEGER,
  sentence_index INTEGER, evidence VARCHAR);
CREATE TABLE IF NOT EXISTS events(event_key VARCHAR PRIMARY KEY, type VARCHAR, mode VARCHAR,
  quad_class VARCHAR,
  cameo VARCHAR, goldstein DOUBLE, acled_event_type VARCHAR, acled_sub_event_type VARCHAR,
  source_name VARCHAR, source_id VARCHAR, source_country VARCHAR, target_name VARCHAR, target_id VARCHAR,
  target_country VARCHAR, date DATE, date_precision VARCHAR, location_name VARCHAR, country VARCHAR,
  admin1 VARCHAR, lat DOUBLE, lon DOUBLE, fatalities INTEGER, injured INTEGER, arrested INTEGER, size INTEGER,
  status VARCHAR, n_mentions INTEGER, n_sources INTEGER, evidence VARCHAR, record JSON);
CREATE TABLE IF NOT EXISTS actors(actor_key VARCHAR PRIMARY KEY, id VARCHAR, name VARCHAR, country VARCHAR,
  sector VARCHAR, kind VARCHAR);
CREATE TABLE IF NOT EXISTS event_actors(event_key VARCHAR, actor_key VARCHAR, role VARCHAR);
CREATE TABLE IF NOT EXISTS runs(run_id INTEGER PRIMARY KEY, started_at TIMESTAMP, finished_at TIMESTAMP,
  command VARCHAR, n_articles INTEGER, n_events INTEGER, n_rejected INTEGER);
CREATE TABLE IF NOT EXISTS rejected(source VARCHAR, line INTEGER, reason VARCHAR, run_id INTEGER,
  "at" TIMESTAMP);
CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER, applied_at TIMESTAMP);
"""

# Invented-but-plausible generic participants (names are descriptions, not quotations).
_ACTORS: tuple[tuple[str, str | None, str | None, str | None, str], ...] = (
    # name, id, country, sector, kind
    ("Government forces", "GOV-NRL", "IRQ", "MIL", "state"),
    ("Northern militia", "NMIL", "IRQ", "REB", "armed_group"),
    ("Police", None, "IRQ", "COP", "group"),
    ("Border guards", "BG-SYR", "SYR", "MIL", "state"),
    ("Highland rebels", "HREB", "SYR", "REB", "armed_group"),
    ("Protesters", None, "SDN", "CVL", "group"),
    ("Security forces", "SEC-SDN", "SDN", "COP", "state"),
    ("Coastal brigade", "CBRG", "YEM", "MIL", "armed_group"),
    ("Ministry of Interior", "MOI-YEM", "YEM", "GOV", "state"),
    ("Aid agency", "AIDORG", None, "ELI", "organization"),
    ("River front", "RFRONT", "SOM", "REB", "armed_group"),
    ("Federal army", "FARMY", "SOM", "MIL", "state"),
)
# Real places (coordinates are facts).
_PLACES: tuple[tuple[str, str, str, float, float], ...] = (
    ("Kirkuk", "IRQ", "Kirkuk", 35.468, 44.392),
    ("Mosul", "IRQ", "Nineveh", 36.335, 43.119),
    ("Aleppo", "SYR", "Aleppo", 36.202, 37.134),
    ("Idlib", "SYR", "Idlib", 35.931, 36.634),
    ("Khartoum", "SDN", "Khartoum", 15.501, 32.559),
    ("El Obeid", "SDN", "North Kordofan", 13.184, 30.217),
    ("Aden", "YEM", "Aden", 12.785, 45.018),
    ("Taiz", "YEM", "Taiz", 13.579, 44.021),
    ("Mogadishu", "SOM", "Banaadir", 2.037, 45.344),
    ("Kismayo", "SOM", "Lower Juba", -0.358, 42.545),
)
# type -> (trigger, cameo, goldstein, template). Templates are this module's own wording.
_TEMPLATES: dict[str, tuple[str, str, float, str]] = {
    "ASSAULT": (
        "attacked",
        "190",
        -10.0,
        "{src} attacked {tgt} near {place} on {day}, killing {n} people, officials said.",
    ),
    "PROTEST": ("marched", "141", -6.5, "{src} marched against {tgt} in {place} on {day}, witnesses said."),
    "ACCUSE": ("accused", "112", -2.0, "{src} accused {tgt} of violating the truce around {place} on {day}."),
    "THREATEN": (
        "warned",
        "138",
        -7.0,
        "{src} warned {tgt} of reprisals over the fighting near {place} on {day}.",
    ),
    "CONSULT": ("held talks", "040", 1.0, "{src} held talks with {tgt} in {place} on {day}."),
    "AGREE": ("signed", "057", 8.0, "{src} and {tgt} signed a local ceasefire in {place} on {day}."),
    "AID": ("delivered", "070", 7.0, "{src} delivered food aid to {tgt} in {place} on {day}."),
    "COERCE": ("detained", "173", -5.0, "{src} detained {n} members of {tgt} in {place} on {day}."),
    "MOBILIZE": ("massed", "150", -7.2, "{src} massed troops facing {tgt} outside {place} on {day}."),
    "SANCTION": ("imposed", "163", -8.0, "{src} imposed a blockade on {tgt} around {place} on {day}."),
}
_STATUSES = ("asserted", "asserted", "asserted", "claimed", "denied", "future", "uncertain")


@dataclass
class SynthArticle:
    """One generated article and the contract records extracted from it."""

    id: str
    text: str
    published: dt.date
    title: str
    url: str | None = None
    source: str | None = "Synthetic Wire"
    records: list[dict[str, Any]] = field(default_factory=list)
    sentences: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, text)


def _key(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def actor_key(a: dict[str, Any]) -> str:
    """Stable key for an actor record: its id when resolved, else name+country."""
    return a.get("id") or f"{a.get('name', '')}|{a.get('country') or ''}"


def make_record(
    type_: str,
    source: Sequence[Actor],
    target: Sequence[Actor],
    date: dt.date | None,
    place: Place | None,
    evidence: str,
    start: int,
    sentence_index: int,
    article_id: str,
    fatalities: int | None = None,
    status: str = "asserted",
    cameo: str | None = None,
    goldstein: float | None = None,
    trigger: str = "",
) -> dict[str, Any]:
    """A contract record built through `model.Event`, so tests exercise real shapes."""
    ev = Event(
        type=type_,
        quad_class=QUAD_BY_TYPE[type_],
        cameo=cameo,
        goldstein=goldstein,
        source=list(source),
        target=list(target),
        date=date.isoformat() if date else None,
        date_precision="day" if date else "unknown",
        location=place,
        fatalities=fatalities,
        fatalities_qualifier="exact" if fatalities is not None else None,
        status=status,
        evidence_text=evidence,
        sentence_index=sentence_index,
        sentence_start=start,
        sentence_end=start + len(evidence),
        trigger=trigger,
        confidence=0.7,
        event_id=f"{article_id}:{sentence_index}:0",
        article_id=article_id,
    )
    return ev.to_dict()


def build_article(
    article_id: str,
    published: dt.date,
    sentences: Sequence[tuple[str, dict[str, Any] | None]],
    title: str | None = None,
    url: str | None = None,
) -> SynthArticle:
    """Join sentences into an article; each (text, spec) with a spec becomes an event.

    A spec holds `make_record` keyword arguments except the evidence/offset ones.
    """
    text_parts: list[str] = []
    art = SynthArticle(id=article_id, text="", published=published, title=title or article_id, url=url)
    pos = 0
    for i, (sent, spec) in enumerate(sentences):
        if i:
            text_parts.append(" ")
            pos += 1
        art.sentences.append((pos, pos + len(sent), sent))
        if spec is not None:
            art.records.append(
                make_record(evidence=sent, start=pos, sentence_index=i, article_id=article_id, **spec)
            )
        text_parts.append(sent)
        pos += len(sent)
    art.text = "".join(text_parts)
    return art


def create_schema(conn: Any) -> None:
    """Create the documented tables (used only where the store module is not available)."""
    for stmt in SCHEMA_SQL.split(";"):
        if stmt.strip():
            conn.execute(stmt)


def write_articles(conn: Any, articles: Iterable[SynthArticle]) -> int:
    """Insert articles with one merged event per record (no cross-article merging). Returns #events."""
    a_rows, s_rows, m_rows, e_rows, ea_rows = [], [], [], [], []
    actor_rows: dict[str, tuple[Any, ...]] = {}
    now = dt.datetime(2024, 1, 1)
    for art in articles:
        akey = _key("article", art.id, art.text, art.url or "")
        a_rows.append(
            (
                akey,
                art.id,
                art.url,
                art.title,
                art.source,
                art.published,
                art.text,
                _key(art.text),
                None,
                1,
                now,
            )
        )
        for i, (st, en, tx) in enumerate(art.sentences):
            s_rows.append((akey, i, st, en, tx))
        for r in art.records:
            ekey = _key("event", akey, r["event_id"])
            rec = json.dumps(r, ensure_ascii=False)
            loc = r["location"] or {}
            m_rows.append(
                (
                    _key("mention", ekey),
                    akey,
                    ekey,
                    rec,
                    r["type"],
                    r["date"],
                    loc.get("country"),
                    r["status"],
                    r["fatalities"],
                    r["evidence"]["sentence_index"],
                    r["evidence"]["text"],
                )
            )
            src = r["source"][0] if r["source"] else {}
            tgt = r["target"][0] if r["target"] else {}
            ac = r["acled"] or {}
            e_rows.append(
                (
                    ekey,
                    r["type"],
                    r["mode"],
                    r["quad_class"],
                    r["cameo"],
                    r["goldstein"],
                    ac.get("event_type"),
                    ac.get("sub_event_type"),
                    src.get("name", ""),
                    src.get("id") or "",
                    src.get("country") or "",
                    tgt.get("name", ""),
                    tgt.get("id") or "",
                    tgt.get("country") or "",
                    r["date"],
                    r["date_precision"],
                    loc.get("name"),
                    loc.get("country"),
                    loc.get("admin1"),
                    loc.get("lat"),
                    loc.get("lon"),
                    r["fatalities"],
                    r["injured"],
                    r["arrested"],
                    r["size"],
                    r["status"],
                    1,
                    1,
                    r["evidence"]["text"],
                    rec,
                )
            )
            for role in ("source", "target"):
                for a in r[role]:
                    k = actor_key(a)
                    actor_rows.setdefault(
                        k, (k, a.get("id"), a["name"], a.get("country"), a.get("sector"), a.get("kind"))
                    )
                    ea_rows.append((ekey, k, role))
    existing = {row[0] for row in conn.execute("SELECT actor_key FROM actors").fetchall()}
    new_actors = [v for k, v in actor_rows.items() if k not in existing]
    conn.execute("BEGIN TRANSACTION")
    try:
        for table, rows in (
            ("articles", a_rows),
            ("sentences", s_rows),
            ("mentions", m_rows),
            ("events", e_rows),
            ("actors", new_actors),
            ("event_actors", ea_rows),
        ):
            _insert(conn, table, rows)
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise
    return len(e_rows)


def _insert(conn: Any, table: str, rows: list[tuple[Any, ...]]) -> None:
    """Insert positional rows into the first columns of `table` (a name from this module only).

    Through an Arrow table when pyarrow is installed (DuckDB's executemany is slow: minutes
    for the 10k-event benchmark store), else row by row.
    """
    if not rows:
        return
    cols = [r[0] for r in conn.execute(f"DESCRIBE {table}").fetchall()][: len(rows[0])]
    names = ", ".join(f'"{c}"' for c in cols)
    try:
        import pyarrow as pa
    except ImportError:
        conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(cols))})", rows)
        return
    data = pa.table({c: [r[i] for r in rows] for i, c in enumerate(cols)})
    conn.register("_synthetic_rows", data)
    try:
        conn.execute(f"INSERT INTO {table} ({names}) SELECT * FROM _synthetic_rows")
    finally:
        conn.unregister("_synthetic_rows")


def _actor(t: tuple[str, str | None, str | None, str | None, str]) -> Actor:
    return Actor(
        text=t[0].lower() if t[4] == "group" else t[0],
        name=t[0],
        id=t[1],
        country=t[2],
        sector=t[3],
        kind=t[4],
    )


def generate(
    n_events: int, seed: int = 7, start: dt.date = dt.date(2024, 1, 1), days: int = 120, per_article: int = 3
) -> list[SynthArticle]:
    """Generate about `n_events` events over `days` days, `per_article` events per article.

    The last three weeks add a sharp rise in attacks between the first two actors and
    tit-for-tat answers, so escalation views have something real to find.
    """
    rng = random.Random(seed)
    weekdays = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    types = list(_TEMPLATES)
    weights = [30, 12, 10, 6, 8, 4, 5, 8, 4, 3]
    out: list[SynthArticle] = []
    made = 0
    k = 0
    while made < n_events:
        k += 1
        published = start + dt.timedelta(days=rng.randrange(days))
        sents: list[tuple[str, dict[str, Any] | None]] = []
        for _ in range(min(per_article, n_events - made)):
            escalate = published >= start + dt.timedelta(days=days - 14) and rng.random() < 0.35
            if escalate:
                pair = (_ACTORS[0], _ACTORS[1]) if rng.random() < 0.5 else (_ACTORS[1], _ACTORS[0])
                typ = "ASSAULT"
            else:
                i, j = rng.sample(range(len(_ACTORS)), 2)
                pair = (_ACTORS[i], _ACTORS[j])
                typ = rng.choices(types, weights)[0]
            trig, cameo, gold, tmpl = _TEMPLATES[typ]
            pl = rng.choice(_PLACES)
            day = published - dt.timedelta(days=rng.randrange(3))
            n = rng.choice((0, 1, 2, 3, 5, 8, 12, 20)) if typ in ("ASSAULT", "COERCE") else 0
            sent = tmpl.format(
                src=pair[0][0],
                tgt=pair[1][0].lower() if pair[1][4] == "group" else pair[1][0],
                place=pl[0],
                day=weekdays[day.weekday()],
                n=n,
            )
            spec = {
                "type_": typ,
                "source": [_actor(pair[0])],
                "target": [_actor(pair[1])],
                "date": day,
                "place": Place(pl[0], pl[1], pl[2], pl[3], pl[4], None, "city"),
                "fatalities": n if typ == "ASSAULT" else None,
                "status": rng.choice(_STATUSES),
                "cameo": cameo,
                "goldstein": gold,
                "trigger": trig,
            }
            sents.append((sent, spec))
            made += 1
        sents.append(("Further details were not immediately available.", None))
        out.append(build_article(f"syn-{k:06d}", published, sents, title=f"Synthetic report {k}"))
    return out


def build_db(path: str, n_events: int, seed: int = 7, extra: Iterable[SynthArticle] = ()) -> int:
    """Create a DuckDB file at `path` holding generated events (plus `extra` articles)."""
    import duckdb

    conn = duckdb.connect(path)
    try:
        create_schema(conn)
        n = write_articles(conn, list(extra) + generate(n_events, seed))
    finally:
        conn.close()
    return n
