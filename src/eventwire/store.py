"""The corpus store: one DuckDB file holding articles, sentences, event mentions and merged events.

One `Store` opened read-write is the only writer (DuckDB locks the file for it); readers open
with ``read_only=True`` and never run migrations. The schema is built by numbered migrations,
each recorded in ``schema_migrations``, so an old file is upgraded in place when a writer opens
it. `write_batch` stores a batch of articles (article, sentences, mentions, merged events,
actors) and rejected inputs in one transaction, so a killed run never leaves half an article.
Event coreference rules live in `eventwire.corpus_dedup`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from .corpus_dedup import (
    DATE_TOLERANCE_DAYS,
    MAX_TOLERANCE_DAYS,
    CorefRules,
    LSHIndex,
    compatible,
    merge_records,
    new_event_key,
)
from .io import InputProblem
from .model import Article

DEFAULT_DB = "events.duckdb"


def default_db_path() -> str:
    """`$EVENTWIRE_DB` when set, else `events.duckdb` in the current directory."""
    return os.environ.get("EVENTWIRE_DB") or DEFAULT_DB


class StoreError(RuntimeError):
    """The database is missing, locked, or from a newer version of eventwire."""


MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (1, (
        """CREATE TABLE articles(article_key VARCHAR PRIMARY KEY, id VARCHAR, url VARCHAR, title VARCHAR,
            source VARCHAR, published DATE, text VARCHAR, text_hash VARCHAR, duplicate_of VARCHAR,
            run_id INTEGER, ingested_at TIMESTAMP)""",
        """CREATE TABLE sentences(article_key VARCHAR, sentence_index INTEGER, start INTEGER, "end" INTEGER,
            text VARCHAR)""",
        """CREATE TABLE mentions(mention_id VARCHAR PRIMARY KEY, article_key VARCHAR, event_key VARCHAR,
            record JSON, type VARCHAR, date DATE, country VARCHAR, status VARCHAR, fatalities INTEGER,
            sentence_index INTEGER, evidence VARCHAR)""",
        """CREATE TABLE events(event_key VARCHAR PRIMARY KEY, type VARCHAR, mode VARCHAR, quad_class VARCHAR,
            cameo VARCHAR, goldstein DOUBLE, acled_event_type VARCHAR, acled_sub_event_type VARCHAR,
            source_name VARCHAR, source_id VARCHAR, source_country VARCHAR, target_name VARCHAR,
            target_id VARCHAR, target_country VARCHAR, date DATE, date_precision VARCHAR,
            location_name VARCHAR, country VARCHAR, admin1 VARCHAR, lat DOUBLE, lon DOUBLE,
            fatalities INTEGER, injured INTEGER, arrested INTEGER, size INTEGER, status VARCHAR,
            n_mentions INTEGER, n_sources INTEGER, evidence VARCHAR, record JSON)""",
        """CREATE TABLE actors(actor_key VARCHAR PRIMARY KEY, id VARCHAR, name VARCHAR, country VARCHAR,
            sector VARCHAR, kind VARCHAR)""",
        "CREATE TABLE event_actors(event_key VARCHAR, actor_key VARCHAR, role VARCHAR)",
        """CREATE TABLE runs(run_id INTEGER PRIMARY KEY, started_at TIMESTAMP, finished_at TIMESTAMP,
            command VARCHAR, n_articles INTEGER, n_events INTEGER, n_rejected INTEGER)""",
        'CREATE TABLE rejected(source VARCHAR, line INTEGER, reason VARCHAR, run_id INTEGER, "at" TIMESTAMP)',
    )),
    (2, (
        # near-duplicate detection state, and the arrival order of mentions (merge rules depend on it)
        "CREATE TABLE article_minhash(article_key VARCHAR PRIMARY KEY, signature BLOB)",
        "ALTER TABLE mentions ADD COLUMN seq BIGINT",
    )),
    (3, (
        # geocoded places of merged events, so maps and place filters need no JSON
        """CREATE TABLE places(place_key VARCHAR PRIMARY KEY, name VARCHAR, country VARCHAR, admin1 VARCHAR,
            lat DOUBLE, lon DOUBLE, geonames_id BIGINT, precision VARCHAR)""",
        "ALTER TABLE events ADD COLUMN place_key VARCHAR",
    )),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


@dataclass
class EventFilter:
    """Filters of `Store.query_events`; None means no filter."""

    since: str | dt.date | None = None
    until: str | dt.date | None = None
    country: str | None = None
    type: str | None = None
    actor: str | None = None  # case-insensitive substring of an actor name, or an exact actor id
    status: Sequence[str] | None = None
    min_fatalities: int | None = None


@dataclass
class StoredArticle:
    """An article ready to store: extracted (`duplicate_of` None) or linked to its near-duplicate."""

    article: Article
    key: str
    text_hash: str
    duplicate_of: str | None = None
    signature: np.ndarray | None = None


@dataclass
class BatchResult:
    articles: int = 0
    duplicates: int = 0
    mentions: int = 0
    rejected: int = 0


def actor_key(actor: dict[str, Any]) -> str:
    """Resolved actors are keyed by id; unresolved ones by name and country."""
    if actor.get("id"):
        return str(actor["id"])
    return f"~{str(actor.get('name', '')).casefold()}|{actor.get('country') or ''}"


def place_key(place: dict[str, Any]) -> str:
    """GeoNames places by id; others by name, country, admin1 and rounded coordinates."""
    if place.get("geonames_id") is not None:
        return f"gn:{place['geonames_id']}"
    coords = "" if place.get("lat") is None or place.get("lon") is None else \
        f"{float(place['lat']):.3f},{float(place['lon']):.3f}"
    return (f"~{str(place.get('name', '')).casefold()}|{place.get('country') or ''}|"
            f"{place.get('admin1') or ''}|{coords}")


def _precision_days_sql(col: str) -> str:
    whens = " ".join(f"WHEN '{p}' THEN {d}" for p, d in DATE_TOLERANCE_DAYS.items())
    return f"CASE {col} {whens} ELSE {MAX_TOLERANCE_DAYS} END"


class Store:
    """Owns one DuckDB database file. Use as a context manager; `.conn` is the connection."""

    def __init__(self, path: str | os.PathLike[str] | None = None, read_only: bool = False,
                 rules: CorefRules | None = None, allow_external_access: bool = True) -> None:
        self.path = Path(path or default_db_path())
        self.read_only = read_only
        self.rules = rules or CorefRules()
        config: dict[str, Any] = {} if allow_external_access else {"enable_external_access": False}
        if read_only and not self.path.exists():
            raise StoreError(f"no database at {self.path}; create one with `eventwire ingest`")
        try:
            self.conn = duckdb.connect(str(self.path), read_only=read_only, config=config)
        except duckdb.IOException as exc:
            raise StoreError(f"cannot open {self.path}: {exc}") from None
        if read_only:
            if self.schema_version() == 0:
                self.conn.close()
                raise StoreError(f"{self.path} is not an eventwire database")
        else:
            self.migrate()

    # ------------------------------------------------------------------ lifecycle and schema
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        has = self.conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        ).fetchone()
        if not has or not has[0]:
            return 0
        row = self.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0) if row else 0

    def migrate(self) -> list[int]:
        """Apply the migrations this file has not seen, each in its own transaction."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER, applied_at TIMESTAMP)")
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {current}; this eventwire knows {SCHEMA_VERSION}")
        applied = []
        for version, statements in MIGRATIONS:
            if version <= current:
                continue
            self.conn.execute("BEGIN TRANSACTION")
            try:
                for sql in statements:
                    self.conn.execute(sql)
                self.conn.execute("INSERT INTO schema_migrations VALUES (?, current_timestamp)", [version])
                self.conn.execute("COMMIT")
            except Exception:
                self.conn.execute("ROLLBACK")
                raise
            applied.append(version)
        return applied

    # ------------------------------------------------------------------ runs
    def begin_run(self, command: str) -> int:
        row = self.conn.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchone()
        run_id = int(row[0]) if row else 1
        self.conn.execute("INSERT INTO runs VALUES (?, current_timestamp, NULL, ?, 0, 0, 0)",
                          [run_id, command])
        return run_id

    def finish_run(self, run_id: int, n_articles: int, n_events: int, n_rejected: int) -> None:
        self.conn.execute("UPDATE runs SET finished_at = current_timestamp, n_articles = ?, n_events = ?, "
                          "n_rejected = ? WHERE run_id = ?", [n_articles, n_events, n_rejected, run_id])

    # ------------------------------------------------------------------ state a writer resumes from
    def article_keys(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT article_key FROM articles").fetchall()}

    def load_minhash(self, index: LSHIndex) -> None:
        """Index the signatures of every stored original, in the order they were stored."""
        rows = self.conn.execute(
            "SELECT m.article_key, m.signature FROM article_minhash m JOIN articles a USING (article_key) "
            "ORDER BY a.ingested_at, m.article_key").fetchall()
        for key, blob in rows:
            index.add(key, np.frombuffer(blob, dtype=np.uint32))

    # ------------------------------------------------------------------ writing
    def write_batch(self, items: Iterable[StoredArticle | InputProblem], run_id: int) -> BatchResult:
        """Store articles (with their events) and rejections in one transaction, in order.

        Merging is computed in memory for the whole batch (reading the stored events it touches)
        and written with a few bulk statements; the result equals writing the items one by one.
        """
        self.conn.execute("BEGIN TRANSACTION")
        try:
            res = _BatchWriter(self, run_id).write(list(items))
            self.conn.execute("COMMIT")
        except Exception:
            self.conn.execute("ROLLBACK")
            raise
        return res

    def _insert_rows(self, table: str, rows: Sequence[Sequence[Any]], suffix: str = "") -> None:
        """Multi-row INSERT in chunks (much faster than executemany in DuckDB)."""
        if not rows:
            return
        width = len(rows[0])
        one = "(" + ", ".join("?" * width) + ")"
        step = max(1, 2000 // width)
        for i in range(0, len(rows), step):
            chunk = rows[i:i + step]
            self.conn.execute(f"INSERT INTO {table} VALUES {', '.join([one] * len(chunk))} {suffix}",
                              [v for r in chunk for v in r])

    def _candidate_rows(self, record: dict[str, Any]) -> list[tuple[str, str]]:
        """Stored events that may be reported by `record` (a cheap SQL prefilter of `compatible`).

        Only dated mentions can match stored events: an undated one merges only within its own
        article, and an article is always written in a single batch.
        """
        if not record.get("date"):
            return []
        acled = record.get("acled") or {}
        loc = record.get("location") or {}
        prec = record.get("date_precision") or "unknown"
        tol = DATE_TOLERANCE_DAYS.get(prec, MAX_TOLERANCE_DAYS) + self.rules.date_slack_days
        sql = f"""
            SELECT e.event_key, e.record FROM events e
            WHERE (e.type = $type OR ($acled IS NOT NULL AND e.acled_event_type = $acled))
              AND (e.country IS NULL OR $country IS NULL OR e.country = $country)
              AND e.date IS NOT NULL
              AND abs(date_diff('day', e.date, $date::DATE))
                  <= greatest($tol, {_precision_days_sql('e.date_precision')} + $slack)"""
        return self.conn.execute(sql, {
            "type": record["type"], "acled": acled.get("event_type"), "country": loc.get("country"),
            "date": record["date"], "tol": tol, "slack": self.rules.date_slack_days}).fetchall()


    # ------------------------------------------------------------------ reading
    def _where(self, f: EventFilter, table: str = "e") -> tuple[str, dict[str, Any]]:
        conds: list[str] = []
        params: dict[str, Any] = {}
        if f.since:
            conds.append(f"{table}.date >= $since::DATE")
            params["since"] = str(f.since)
        if f.until:
            conds.append(f"{table}.date <= $until::DATE")
            params["until"] = str(f.until)
        if f.country:
            conds.append(f"{table}.country = $country")
            params["country"] = f.country.upper()
        if f.type:
            conds.append(f"{table}.type = $type")
            params["type"] = f.type.upper()
        if f.status:
            conds.append(f"list_contains($status, {table}.status)")
            params["status"] = list(f.status)
        if f.min_fatalities is not None:
            conds.append(f"{table}.fatalities >= $minf")
            params["minf"] = int(f.min_fatalities)
        if f.actor:
            if table == "e":
                conds.append("""e.event_key IN (SELECT ea.event_key FROM event_actors ea
                    JOIN actors ac USING (actor_key) WHERE ac.id = $actor OR ac.name ILIKE $actor_like)""")
            else:
                names = ("list_concat(json_extract_string(m.record, '$.source[*].name'), "
                         "json_extract_string(m.record, '$.target[*].name'))")
                ids = ("list_concat(json_extract_string(m.record, '$.source[*].id'), "
                       "json_extract_string(m.record, '$.target[*].id'))")
                conds.append(f"(len(list_filter({names}, lambda x: x ILIKE $actor_like)) > 0 "
                             f"OR list_contains({ids}, $actor))")
            params["actor"] = f.actor
            params["actor_like"] = f"%{f.actor}%"
        return (" WHERE " + " AND ".join(conds)) if conds else "", params

    def _records(self, sql: str, params: dict[str, Any], extras: tuple[str, ...], limit: int | None,
                 offset: int) -> list[dict[str, Any]]:
        """Rows of (*extras, record JSON) as records with the extras added as keys."""
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        if offset:
            sql += f" OFFSET {int(offset)}"
        out = []
        for *vals, rec in self.conn.execute(sql, params).fetchall():
            d = json.loads(rec)
            d.update(zip(extras, vals, strict=True))
            out.append(d)
        return out

    def query_events(self, filters: EventFilter | None = None, limit: int | None = None,
                     offset: int = 0) -> list[dict[str, Any]]:
        """Merged events as contract records plus `event_key`, `n_mentions`, `n_sources`."""
        where, params = self._where(filters or EventFilter())
        sql = (f"SELECT e.event_key, e.n_mentions, e.n_sources, e.record FROM events e{where} "
               f"ORDER BY e.date NULLS LAST, e.event_key")
        return self._records(sql, params, ("event_key", "n_mentions", "n_sources"), limit, offset)

    def count_events(self, filters: EventFilter | None = None) -> int:
        where, params = self._where(filters or EventFilter())
        row = self.conn.execute(f"SELECT count(*) FROM events e{where}", params).fetchone()
        return int(row[0]) if row else 0

    def query_mentions(self, filters: EventFilter | None = None, limit: int | None = None,
                       offset: int = 0) -> list[dict[str, Any]]:
        """Un-merged mentions (one per extraction) as contract records plus `mention_id`, `event_key`."""
        where, params = self._where(filters or EventFilter(), table="m")
        sql = (f"SELECT m.mention_id, m.event_key, m.article_key, m.record FROM mentions m{where} "
               f"ORDER BY m.seq")
        return self._records(sql, params, ("mention_id", "event_key", "article_key"), limit, offset)

    def event_detail(self, event_key: str) -> dict[str, Any] | None:
        """Merged record plus every mention with its article (id, title, url, text) and evidence offsets."""
        row = self.conn.execute("SELECT record, n_mentions, n_sources FROM events WHERE event_key = ?",
                                [event_key]).fetchone()
        if not row:
            return None
        detail = json.loads(row[0])
        detail.update(event_key=event_key, n_mentions=row[1], n_sources=row[2])
        mentions = []
        for mid, rec, ak, aid, title, url, text, source, published in self.conn.execute(
                """SELECT m.mention_id, m.record, a.article_key, a.id, a.title, a.url, a.text, a.source,
                          a.published
                   FROM mentions m JOIN articles a USING (article_key) WHERE m.event_key = ?
                   ORDER BY m.seq""", [event_key]).fetchall():
            r = json.loads(rec)
            ev = r.get("evidence") or {}
            mentions.append({
                "mention_id": mid, "record": r, "article_key": ak, "article_id": aid, "title": title,
                "url": url, "text": text, "source": source,
                "published": published.isoformat() if published else None,
                "evidence": {"text": ev.get("text"), "sentence_index": ev.get("sentence_index"),
                             "start": ev.get("start"), "end": ev.get("end"), "trigger": ev.get("trigger")},
            })
        detail["mentions"] = mentions
        detail["duplicates"] = [
            {"article_key": k, "article_id": i, "title": t, "url": u, "source": s, "duplicate_of": d}
            for k, i, t, u, s, d in self.conn.execute(
                """SELECT article_key, id, title, url, source, duplicate_of FROM articles
                   WHERE duplicate_of IN (SELECT article_key FROM mentions WHERE event_key = ?)
                   ORDER BY article_key""", [event_key]).fetchall()]
        return detail

    def rejected(self, run_id: int | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        sql = 'SELECT source, line, reason, run_id, "at" FROM rejected'
        params: list[Any] = []
        if run_id is not None:
            sql += " WHERE run_id = ?"
            params.append(run_id)
        sql += ' ORDER BY "at", source, line'
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [{"source": s, "line": ln, "reason": r, "run_id": rid, "at": at}
                for s, ln, r, rid, at in self.conn.execute(sql, params).fetchall()]

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables (and of near-duplicate articles)."""
        out = {}
        for t in ("articles", "sentences", "mentions", "events", "actors", "rejected", "runs"):
            row = self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()
            out[t] = int(row[0]) if row else 0
        row = self.conn.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()
        out["duplicates"] = int(row[0]) if row else 0
        return out


def check_read_sql(sql: str) -> str:
    """The one SELECT statement in `sql`, or StoreError: `eventwire sql` runs nothing else."""
    try:
        stmts = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise StoreError(f"cannot parse SQL: {exc}") from None
    if len(stmts) != 1:
        raise StoreError(f"expected exactly one statement, got {len(stmts)}")
    if stmts[0].type != duckdb.StatementType.SELECT:
        raise StoreError(f"only SELECT statements are allowed, not {stmts[0].type.name}")
    return sql


def run_read_sql(path: str | os.PathLike[str], sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one SELECT on a read-only connection without file or network access; (columns, rows)."""
    check_read_sql(sql)
    with Store(path, read_only=True, allow_external_access=False) as st:
        try:
            cur = st.conn.execute(sql)
        except duckdb.Error as exc:
            raise StoreError(str(exc)) from None
        return [d[0] for d in cur.description or []], cur.fetchall()


class _BatchWriter:
    """One transaction's worth of writes: merges in memory, then a few bulk INSERTs."""

    def __init__(self, store: Store, run_id: int) -> None:
        self.st = store
        self.conn = store.conn
        self.run_id = run_id
        self.res = BatchResult()
        self.now = dt.datetime.now()
        row = self.conn.execute("SELECT coalesce(max(seq), 0) FROM mentions").fetchone()
        self.seq = int(row[0]) if row else 0
        self.articles: list[list[Any]] = []
        self.article_keys: set[str] = set()
        self.sentences: list[list[Any]] = []
        self.minhash: list[list[Any]] = []
        self.mentions: list[list[Any]] = []
        self.rejected: list[list[Any]] = []
        self.rejected_seen: set[tuple[str, int | None, str]] = set()
        # event_key -> mention records in arrival order (stored ones first), for touched events
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.new_events: set[str] = set()
        self.merged: dict[str, dict[str, Any]] = {}  # cache of merge_records per touched event
        self.article_events: dict[str, set[str]] = {}  # events of articles written in this batch

    def write(self, items: list[StoredArticle | InputProblem]) -> BatchResult:
        for it in items:
            if isinstance(it, InputProblem):
                self._rejected(it)
            else:
                self._article(it)
        st = self.st
        st._insert_rows("articles", self.articles)
        st._insert_rows("sentences", self.sentences)
        st._insert_rows("article_minhash", self.minhash)
        st._insert_rows("mentions", self.mentions)
        st._insert_rows("rejected", self.rejected)
        self._write_events()
        return self.res

    def _rejected(self, p: InputProblem) -> None:
        key = (p.source, p.line, p.reason)
        if key in self.rejected_seen or self.conn.execute(
                "SELECT 1 FROM rejected WHERE source = ? AND line IS NOT DISTINCT FROM ? AND reason = ?",
                [p.source, p.line, p.reason]).fetchone():
            return
        self.rejected_seen.add(key)
        self.rejected.append([p.source, p.line, p.reason, self.run_id, self.now])
        self.res.rejected += 1

    def _article(self, sa: StoredArticle) -> None:
        a = sa.article
        if sa.key in self.article_keys or self.conn.execute(
                "SELECT 1 FROM articles WHERE article_key = ?", [sa.key]).fetchone():
            return
        self.article_keys.add(sa.key)
        self.articles.append([sa.key, a.id, a.url, a.title, a.source, a.published, a.text, sa.text_hash,
                              sa.duplicate_of, self.run_id, self.now])
        if sa.duplicate_of:
            self.res.duplicates += 1
            for ek in self._events_of_article(sa.duplicate_of):
                self._touch(ek)
            return
        self.res.articles += 1
        if sa.signature is not None:
            self.minhash.append([sa.key, sa.signature.tobytes()])
        self.sentences.extend([sa.key, s.index, s.start, s.end, s.text] for s in a.sentences or [])
        for i, ev in enumerate(a.events or []):
            self._mention(sa.key, f"{sa.key}:{i}", ev.to_dict())
            self.res.mentions += 1

    def _events_of_article(self, article_key: str) -> set[str]:
        if article_key in self.article_events:
            return self.article_events[article_key]
        return {r[0] for r in self.conn.execute(
            "SELECT DISTINCT event_key FROM mentions WHERE article_key = ?", [article_key]).fetchall()}

    def _touch(self, event_key: str) -> list[dict[str, Any]]:
        if event_key not in self.events:
            self.events[event_key] = [json.loads(r[0]) for r in self.conn.execute(
                "SELECT record FROM mentions WHERE event_key = ? ORDER BY seq", [event_key]).fetchall()]
        return self.events[event_key]

    def _mention(self, article_key: str, mention_id: str, record: dict[str, Any]) -> None:
        matches = []
        for ek, rec in self.st._candidate_rows(record):
            if ek in self.events:  # changed earlier in this batch: judge its current form below
                continue
            m = compatible(record, json.loads(rec), ek, rules=self.st.rules)
            if m is not None:
                matches.append(m)
        for ek, records in self.events.items():
            if not records:
                continue
            if ek not in self.merged:
                self.merged[ek] = merge_records(records)
            same = ek in self.article_events.get(article_key, ())
            m = compatible(record, self.merged[ek], ek, same_article=same, rules=self.st.rules)
            if m is not None:
                matches.append(m)
        if matches:
            event_key = min(matches, key=lambda m: m.sort_key()).event_key
            self._touch(event_key)
        else:
            event_key = new_event_key(mention_id)
            self.events[event_key] = []
            self.new_events.add(event_key)
        self.events[event_key].append(record)
        self.merged.pop(event_key, None)
        self.article_events.setdefault(article_key, set()).add(event_key)
        self.seq += 1
        loc = record.get("location") or {}
        ev = record.get("evidence") or {}
        self.mentions.append([
            mention_id, article_key, event_key, json.dumps(record, ensure_ascii=False), record["type"],
            record.get("date"), loc.get("country"), record.get("status"), record.get("fatalities"),
            ev.get("sentence_index"), ev.get("text"), self.seq])

    def _write_events(self) -> None:
        touched = sorted(self.events)
        if not touched:
            return
        rows: list[Any] = []
        link_rows: list[Any] = []
        actor_rows: dict[Any, Any] = {}
        place_rows: dict[Any, Any] = {}
        for ek in touched:
            records = self.events[ek]
            merged = self.merged.get(ek) or merge_records(records)
            src, tgt = merged.get("source") or [], merged.get("target") or []
            loc = merged.get("location") or {}
            acled = merged.get("acled") or {}
            s0 = src[0] if src else {}
            t0 = tgt[0] if tgt else {}
            rows.append([
                ek, merged["type"], merged.get("mode"), merged.get("quad_class"), merged.get("cameo"),
                merged.get("goldstein"), acled.get("event_type"), acled.get("sub_event_type"),
                s0.get("name", ""), s0.get("id") or "", s0.get("country") or "",
                t0.get("name", ""), t0.get("id") or "", t0.get("country") or "",
                merged.get("date"), merged.get("date_precision"), loc.get("name"), loc.get("country"),
                loc.get("admin1"), loc.get("lat"), loc.get("lon"), merged.get("fatalities"),
                merged.get("injured"), merged.get("arrested"), merged.get("size"), merged.get("status"),
                len(records), 0, (merged.get("evidence") or {}).get("text"),
                json.dumps(merged, ensure_ascii=False), place_key(loc) if loc else None,
            ])
            if loc:
                place_rows.setdefault(place_key(loc), [
                    place_key(loc), loc.get("name"), loc.get("country"), loc.get("admin1"), loc.get("lat"),
                    loc.get("lon"), loc.get("geonames_id"), loc.get("precision")])
            seen: set[tuple[str, str]] = set()
            for role, actors in (("source", src), ("target", tgt)):
                for act in actors:
                    ak = actor_key(act)
                    actor_rows.setdefault(ak, [ak, act.get("id"), act.get("name"), act.get("country"),
                                               act.get("sector"), act.get("kind")])
                    if (ak, role) not in seen:
                        seen.add((ak, role))
                        link_rows.append([ek, ak, role])
        keys = [ek for ek in touched if ek not in self.new_events]
        if keys:
            self.conn.execute("DELETE FROM events WHERE list_contains($k, event_key)", {"k": keys})
        self.conn.execute("DELETE FROM event_actors WHERE list_contains($k, event_key)", {"k": touched})
        self.st._insert_rows("events", rows)
        self.st._insert_rows("actors", list(actor_rows.values()), "ON CONFLICT DO NOTHING")
        self.st._insert_rows("event_actors", link_rows)
        self.st._insert_rows("places", list(place_rows.values()), "ON CONFLICT DO NOTHING")
        # sources: the articles with a mention, plus the near-duplicates linked to them
        self.conn.execute(
            """UPDATE events SET n_sources = s.n FROM (
                 SELECT event_key, count(DISTINCT k) AS n FROM (
                   SELECT m.event_key, m.article_key AS k FROM mentions m WHERE list_contains($k, m.event_key)
                   UNION ALL
                   SELECT m.event_key, a.article_key FROM mentions m JOIN articles a
                     ON a.duplicate_of = m.article_key WHERE list_contains($k, m.event_key))
                 GROUP BY event_key) s
               WHERE events.event_key = s.event_key""", {"k": touched})
