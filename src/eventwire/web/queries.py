"""Parameterised read queries over the store's tables for the REST API and dashboard.

Why a module of its own: every value that comes from a client is bound as a `?`
parameter here; the only SQL text that varies is chosen from fixed fragments in this
file, so no client string can reach the SQL parser. Functions take a DuckDB
connection (or cursor) and return plain Python values ready to serialise.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any

CONFLICT_QUADS = ("verbal_conflict", "material_conflict")


@dataclass(frozen=True)
class Filters:
    """Event filters shared by every endpoint (the CLI's filters)."""

    since: dt.date | None = None
    until: dt.date | None = None
    country: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    actor: str | None = None
    status: tuple[str, ...] = ()
    min_fatalities: int | None = None


def _like(s: str) -> str:
    """Escape LIKE wildcards so an actor search for `50%` means the characters, not a pattern."""
    return "%" + s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# matches one actor row `a` against an identifier: key, id, or (case-insensitive) exact name
_ACTOR_EXACT = "(a.actor_key = ? OR a.id = ? OR lower(a.name) = lower(?))"


def where(f: Filters, alias: str = "e") -> tuple[str, list[Any]]:
    """SQL condition (always valid, 'TRUE' when empty) and its parameters for `f`."""
    parts: list[str] = []
    params: list[Any] = []
    if f.since is not None:
        parts.append(f"{alias}.date >= ?")
        params.append(f.since)
    if f.until is not None:
        parts.append(f"{alias}.date <= ?")
        params.append(f.until)
    if f.country:
        parts.append(f"{alias}.country IN ({','.join('?' * len(f.country))})")
        params.extend(f.country)
    if f.type:
        parts.append(f"{alias}.type IN ({','.join('?' * len(f.type))})")
        params.extend(f.type)
    if f.status:
        parts.append(f"{alias}.status IN ({','.join('?' * len(f.status))})")
        params.extend(f.status)
    if f.min_fatalities is not None:
        parts.append(f"{alias}.fatalities >= ?")  # as the store's reader: unknown counts never qualify
        params.append(f.min_fatalities)
    if f.actor:  # an uncorrelated semi-join: DuckDB hashes the matching keys once
        parts.append(
            f"{alias}.event_key IN (SELECT ea.event_key FROM event_actors ea JOIN actors a "
            "ON a.actor_key = ea.actor_key WHERE a.actor_key = ? OR a.id = ? OR a.name ILIKE ? ESCAPE '\\')"
        )
        params.extend([f.actor, f.actor, _like(f.actor)])
    return (" AND ".join(parts) or "TRUE"), params


# ---------------------------------------------------------------- events


def count_events(conn: Any, f: Filters, located: bool = False) -> int:
    w, p = where(f)
    loc = " AND e.lat IS NOT NULL AND e.lon IS NOT NULL" if located else ""
    return int(conn.execute(f"SELECT count(*) FROM events e WHERE {w}{loc}", p).fetchone()[0])


def list_events_json(conn: Any, f: Filters, limit: int, offset: int) -> list[str]:
    """Matching events as JSON texts: the merged contract record plus store bookkeeping.

    Newest first; the JSON is assembled by DuckDB so large pages cost no Python re-encoding.
    """
    w, p = where(f)
    # pick the page's keys first, so the JSON is built for the page only
    sql = (
        "WITH page AS (SELECT e.event_key, e.date FROM events e "
        f"WHERE {w} ORDER BY e.date DESC NULLS LAST, e.event_key LIMIT ? OFFSET ?) "
        "SELECT json_merge_patch(e.record, json_object('event_key', e.event_key, 'n_mentions', e.n_mentions, "
        "'n_sources', e.n_sources))::VARCHAR FROM page JOIN events e ON e.event_key = page.event_key "
        "ORDER BY page.date DESC NULLS LAST, page.event_key"
    )
    return [r[0] for r in conn.execute(sql, [*p, limit, offset]).fetchall()]


def list_events_geo(conn: Any, f: Filters, limit: int, offset: int) -> list[dict[str, Any]]:
    """Located matching events as GeoJSON Point features (events without coordinates are left out)."""
    w, p = where(f)
    sql = (
        "SELECT e.event_key, e.type, e.quad_class, e.date, e.status, e.fatalities, e.location_name, "
        "e.country, "
        "e.source_name, e.target_name, e.goldstein, e.lat, e.lon FROM events e "
        f"WHERE {w} AND e.lat IS NOT NULL AND e.lon IS NOT NULL "
        "ORDER BY e.date DESC NULLS LAST, e.event_key LIMIT ? OFFSET ?"
    )
    feats = []
    for r in conn.execute(sql, [*p, limit, offset]).fetchall():
        props = {
            "event_key": r[0],
            "type": r[1],
            "quad_class": r[2],
            "date": _iso(r[3]),
            "status": r[4],
            "fatalities": r[5],
            "location": r[6],
            "country": r[7],
            "source": r[8],
            "target": r[9],
            "goldstein": r[10],
        }
        feats.append(
            {
                "type": "Feature",
                "id": r[0],
                "geometry": {"type": "Point", "coordinates": [r[12], r[11]]},
                "properties": props,
            }
        )
    return feats


def _iso(d: Any) -> str | None:
    return d.isoformat() if d is not None else None


def event_detail(conn: Any, key: str) -> dict[str, Any] | None:
    """One merged event with every mention and its source article (full text, evidence offsets).

    `key` is an event_key, or a contract `event_id` of one of its mentions.
    """
    row = conn.execute(
        "SELECT event_key, record, n_mentions, n_sources FROM events WHERE event_key = ?", [key]
    ).fetchone()
    if row is None:
        alt = conn.execute(
            "SELECT event_key FROM mentions WHERE json_extract_string(record, '$.event_id') = ? LIMIT 1",
            [key],
        ).fetchone()
        if alt is None:
            return None
        row = conn.execute(
            "SELECT event_key, record, n_mentions, n_sources FROM events WHERE event_key = ?", [alt[0]]
        ).fetchone()
        if row is None:
            return None
    out = {
        "event_key": row[0],
        "record": json.loads(row[1]),
        "n_mentions": row[2],
        "n_sources": row[3],
        "mentions": [],
    }
    ms = conn.execute(
        "SELECT m.mention_id, m.record, a.article_key, a.id, a.title, a.url, a.source, a.published, a.text, "
        "a.duplicate_of FROM mentions m LEFT JOIN articles a ON a.article_key = m.article_key "
        "WHERE m.event_key = ? ORDER BY a.published NULLS LAST, m.mention_id",
        [row[0]],
    ).fetchall()
    for m in ms:
        rec = json.loads(m[1]) if m[1] else {}
        evd = rec.get("evidence") or {}
        text = m[8] or ""
        start, end = int(evd.get("start") or 0), int(evd.get("end") or 0)
        if not (0 <= start <= end <= len(text)):  # offsets must index the stored text; else no highlight
            start = end = 0
        trig = evd.get("trigger") or ""
        t_at = text.find(trig, start, end) if trig and end > start else -1
        out["mentions"].append(
            {
                "mention_id": m[0],
                "record": rec,
                "article": {
                    "article_key": m[2],
                    "id": m[3],
                    "title": m[4],
                    "url": m[5],
                    "source": m[6],
                    "published": _iso(m[7]),
                    "text": text,
                    "duplicate_of": m[9],
                },
                "evidence": {
                    "start": start,
                    "end": end,
                    "text": evd.get("text", ""),
                    "trigger": trig,
                    "trigger_start": t_at if t_at >= 0 else None,
                    "trigger_end": t_at + len(trig) if t_at >= 0 else None,
                },
            }
        )
    return out


# ---------------------------------------------------------------- actors, network


def actors(conn: Any, f: Filters, q: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
    """Actors with counts of the matching events they take part in (as source, as target)."""
    w, p = where(f)
    qsql, qp = ("", [])
    if q:
        qsql, qp = " AND (ac.name ILIKE ? ESCAPE '\\' OR ac.id = ?)", [_like(q), q]
    sql = (
        "SELECT ac.actor_key, ac.id, ac.name, ac.country, ac.sector, ac.kind, "
        "count(DISTINCT x.event_key) AS n, "
        "count(DISTINCT x.event_key) FILTER (WHERE x.role = 'source') AS ns, "
        "count(DISTINCT x.event_key) FILTER (WHERE x.role = 'target') AS nt "
        "FROM actors ac JOIN event_actors x ON x.actor_key = ac.actor_key "
        f"JOIN events e ON e.event_key = x.event_key WHERE {w}{qsql} "
        "GROUP BY ac.actor_key, ac.id, ac.name, ac.country, ac.sector, ac.kind "
        "ORDER BY n DESC, ac.name LIMIT ? OFFSET ?"
    )
    return [
        {
            "actor_key": r[0],
            "id": r[1],
            "name": r[2],
            "country": r[3],
            "sector": r[4],
            "kind": r[5],
            "n_events": r[6],
            "n_as_source": r[7],
            "n_as_target": r[8],
        }
        for r in conn.execute(sql, [*p, *qp, limit, offset]).fetchall()
    ]


_DIRECTED = (
    "FROM events e JOIN event_actors s ON s.event_key = e.event_key AND s.role = 'source' "
    "JOIN event_actors t ON t.event_key = e.event_key AND t.role = 'target' "
)


def network(conn: Any, f: Filters, max_nodes: int) -> dict[str, Any]:
    """Actor graph: nodes are actors, edges are (source -> target, quad class) with event counts."""
    w, p = where(f)
    rows = conn.execute(
        "SELECT s.actor_key, t.actor_key, e.quad_class, count(DISTINCT e.event_key), "
        "sum(coalesce(e.goldstein, 0)) "
        f"{_DIRECTED} WHERE {w} AND s.actor_key <> t.actor_key GROUP BY ALL",
        p,
    ).fetchall()
    degree: dict[str, int] = {}
    for s, t, _q, n, _g in rows:
        degree[s] = degree.get(s, 0) + n
        degree[t] = degree.get(t, 0) + n
    keep = set(sorted(degree, key=lambda k: (-degree[k], k))[:max_nodes])
    edges = [
        {"source": s, "target": t, "quad_class": q, "n": n, "goldstein": round(g, 2)}
        for s, t, q, n, g in rows
        if s in keep and t in keep
    ]
    info = _actor_info(conn, keep)
    nodes = [
        {
            "actor_key": k,
            "name": info.get(k, {}).get("name", k),
            "country": info.get(k, {}).get("country"),
            "sector": info.get(k, {}).get("sector"),
            "degree": degree[k],
        }
        for k in sorted(keep)
    ]
    return {"nodes": nodes, "edges": edges, "n_actors_total": len(degree)}


def _actor_info(conn: Any, keys: set[str] | list[str]) -> dict[str, dict[str, Any]]:
    keys = list(keys)
    if not keys:
        return {}
    rows = conn.execute(
        "SELECT actor_key, id, name, country, sector, kind FROM actors WHERE actor_key IN "
        f"({','.join('?' * len(keys))})",
        keys,
    ).fetchall()
    return {
        r[0]: {"actor_key": r[0], "id": r[1], "name": r[2], "country": r[3], "sector": r[4], "kind": r[5]}
        for r in rows
    }


def resolve_actor(conn: Any, ident: str) -> dict[str, Any] | None:
    """The actor an identifier (key, id or exact name) names; the busiest one if several match."""
    r = conn.execute(
        "SELECT a.actor_key, a.id, a.name, a.country, a.sector, a.kind FROM actors a "
        "LEFT JOIN event_actors x ON x.actor_key = a.actor_key "
        f"WHERE {_ACTOR_EXACT} GROUP BY ALL ORDER BY count(x.event_key) DESC LIMIT 1",
        [ident, ident, ident],
    ).fetchone()
    if r is None:
        return None
    return {"actor_key": r[0], "id": r[1], "name": r[2], "country": r[3], "sector": r[4], "kind": r[5]}


# ---------------------------------------------------------------- aggregates for panels


def timeline(conn: Any, f: Filters) -> list[dict[str, Any]]:
    """Events per day and PLOVER type."""
    w, p = where(f)
    rows = conn.execute(
        f"SELECT e.date, e.type, count(*) FROM events e WHERE {w} AND e.date IS NOT NULL "
        "GROUP BY ALL ORDER BY 1, 2",
        p,
    ).fetchall()
    return [{"date": _iso(d), "type": t, "n": n} for d, t, n in rows]


def map_points(conn: Any, f: Filters, limit: int) -> list[dict[str, Any]]:
    """Events aggregated by place: count and summed fatalities (the map's circles)."""
    w, p = where(f)
    rows = conn.execute(
        "SELECT e.lat, e.lon, any_value(e.location_name), e.country, count(*), "
        "sum(coalesce(e.fatalities, 0)), "
        "mode(e.type) "
        f"FROM events e WHERE {w} AND e.lat IS NOT NULL AND e.lon IS NOT NULL "
        "GROUP BY e.lat, e.lon, e.country ORDER BY 5 DESC LIMIT ?",
        [*p, limit],
    ).fetchall()
    return [
        {
            "lat": r[0],
            "lon": r[1],
            "name": r[2],
            "country": r[3],
            "n": r[4],
            "fatalities": int(r[5]),
            "top_type": r[6],
        }
        for r in rows
    ]


def facets(conn: Any) -> dict[str, Any]:
    """Values the dashboard's filter controls offer (whole store, unfiltered)."""
    d = conn.execute("SELECT min(date), max(date), count(*) FROM events").fetchone()
    countries = [
        r[0]
        for r in conn.execute(
            "SELECT country FROM events WHERE country IS NOT NULL AND country <> '' GROUP BY 1 ORDER BY 1"
        ).fetchall()
    ]
    types = [r[0] for r in conn.execute("SELECT type FROM events GROUP BY 1 ORDER BY 1").fetchall()]
    statuses = [r[0] for r in conn.execute("SELECT status FROM events GROUP BY 1 ORDER BY 1").fetchall()]
    return {
        "min_date": _iso(d[0]),
        "max_date": _iso(d[1]),
        "n_events": d[2],
        "countries": countries,
        "types": types,
        "statuses": statuses,
    }


# ---------------------------------------------------------------- dyads and escalation


def dyad_series(conn: Any, f: Filters, a_key: str, b_key: str, interval: str) -> list[dict[str, Any]]:
    """Per-period events and summed Goldstein score for A->B and B->A (dense: empty periods are zeros)."""
    if interval not in ("day", "week", "month"):
        raise ValueError(f"bad interval {interval!r}")
    w, p = where(f)
    side = (
        "EXISTS (SELECT 1 FROM event_actors x WHERE x.event_key = e.event_key AND x.role = '{role}' "
        "AND x.actor_key = ?)"
    )
    src, tgt = side.format(role="source"), side.format(role="target")
    sql = (
        f"WITH ev AS (SELECT e.event_key, e.date, coalesce(e.goldstein, 0) AS g, e.quad_class, "
        f"{src} AS a_src, {tgt} AS b_tgt, {src} AS b_src, {tgt} AS a_tgt "
        f"FROM events e WHERE {w} AND e.date IS NOT NULL), "
        "d AS (SELECT *, 'a_to_b' AS dir FROM ev WHERE a_src AND b_tgt "
        "UNION ALL SELECT *, 'b_to_a' AS dir FROM ev WHERE b_src AND a_tgt) "
        "SELECT CAST(date_trunc(?, date) AS DATE) AS period, dir, count(*), sum(g), "
        "count(*) FILTER (WHERE quad_class IN ('verbal_conflict', 'material_conflict')) "
        "FROM d GROUP BY ALL ORDER BY 1, 2"
    )
    rows = conn.execute(sql, [a_key, b_key, b_key, a_key, *p, interval]).fetchall()
    by: dict[dt.date, dict[str, Any]] = {}
    for period, direction, n, g, nc in rows:
        slot = by.setdefault(period, _empty_period(period))
        slot[direction] = {"n": n, "goldstein": round(float(g), 2), "n_conflict": nc}
    if not by:
        return []
    out = []
    cur, last = min(by), max(by)
    while cur <= last:
        out.append(by.get(cur, _empty_period(cur)))
        cur = _next_period(cur, interval)
    return out


def _empty_period(d: dt.date) -> dict[str, Any]:
    z = {"n": 0, "goldstein": 0.0, "n_conflict": 0}
    return {"period": d.isoformat(), "a_to_b": dict(z), "b_to_a": dict(z)}


def _next_period(d: dt.date, interval: str) -> dt.date:
    if interval == "day":
        return d + dt.timedelta(days=1)
    if interval == "week":
        return d + dt.timedelta(days=7)
    return (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def conflict_weeks(conn: Any, f: Filters, ref: dt.date) -> list[tuple[str, str, int, float, int]]:
    """Undirected dyad, weeks before `ref` (0 = the 7 days ending at `ref`), conflict score, events.

    The conflict score is the sum of negative Goldstein scores, as a positive number.
    Rolling 7-day windows ending at `ref` avoid a half-filled calendar week at the end.
    """
    w, p = where(f)
    return conn.execute(
        "SELECT least(s.actor_key, t.actor_key), greatest(s.actor_key, t.actor_key), "
        "CAST((CAST(? AS DATE) - e.date) // 7 AS INTEGER) AS ago, "
        "sum(greatest(-coalesce(e.goldstein, 0), 0)), "
        f"count(DISTINCT e.event_key) {_DIRECTED} WHERE {w} AND e.date IS NOT NULL AND e.date <= ? "
        "AND s.actor_key <> t.actor_key GROUP BY ALL",
        [ref, *p, ref],
    ).fetchall()


def rising_dyads(
    conn: Any,
    f: Filters,
    recent_weeks: int,
    min_history_weeks: int,
    z_threshold: float,
    min_recent_score: float,
    limit: int,
) -> list[dict[str, Any]]:
    """Dyads whose weekly conflict score in the last `recent_weeks` rises sharply against their own history.

    The reference day is the filter's `until`, else the latest matching event. The score
    series is dense from the dyad's first week, so quiet weeks count as zeros. Rise is
    z = (recent mean - history mean) / max(history std, 1); the floor keeps a dyad with a
    perfectly flat history from producing an infinite z on one event.
    """
    w, p = where(f)
    ref = f.until or conn.execute(f"SELECT max(e.date) FROM events e WHERE {w}", p).fetchone()[0]
    if ref is None:
        return []
    series: dict[tuple[str, str], dict[int, float]] = {}
    for a, b, ago, score, _n in conflict_weeks(conn, f, ref):
        series.setdefault((a, b), {})[int(ago)] = float(score)
    found: list[dict[str, Any]] = []
    for pair, weeks in series.items():
        n_weeks = max(weeks) + 1
        if n_weeks < recent_weeks + min_history_weeks:
            continue
        dense = [weeks.get(ago, 0.0) for ago in range(n_weeks - 1, -1, -1)]  # oldest first
        hist, recent = dense[:-recent_weeks], dense[-recent_weeks:]
        hm = sum(hist) / len(hist)
        hs = math.sqrt(sum((x - hm) ** 2 for x in hist) / len(hist))
        rm = sum(recent) / len(recent)
        z = (rm - hm) / max(hs, 1.0)
        if z >= z_threshold and rm >= min_recent_score:
            found.append(
                {
                    "a": pair[0],
                    "b": pair[1],
                    "z": round(z, 2),
                    "recent_mean": round(rm, 2),
                    "history_mean": round(hm, 2),
                    "history_std": round(hs, 2),
                    "weeks": [
                        {
                            "week_ending": (ref - dt.timedelta(days=7 * (n_weeks - 1 - i))).isoformat(),
                            "score": round(v, 2),
                        }
                        for i, v in enumerate(dense)
                    ],
                }
            )
    found.sort(key=lambda d: (-d["z"], d["a"], d["b"]))
    found = found[:limit]
    info = _actor_info(conn, {d["a"] for d in found} | {d["b"] for d in found})
    for d in found:
        d["a_actor"], d["b_actor"] = info.get(d["a"]), info.get(d["b"])
    return found


def action_reaction(
    conn: Any, f: Filters, within_days: int, conflict_only: bool, limit: int
) -> list[dict[str, Any]]:
    """Pairs of events: A acts on B, then B acts on A within `within_days` days (most recent first)."""
    w, p = where(f)
    quad = " AND e.quad_class IN ('verbal_conflict', 'material_conflict')" if conflict_only else ""
    sql = (
        "WITH d AS (SELECT DISTINCT e.event_key, e.date, e.type, e.goldstein, e.quad_class, "
        "s.actor_key AS src, t.actor_key AS tgt "
        f"{_DIRECTED} WHERE {w}{quad} AND e.date IS NOT NULL AND s.actor_key <> t.actor_key) "
        "SELECT x.event_key, x.date, x.type, x.goldstein, x.src, x.tgt, "
        "y.event_key, y.date, y.type, y.goldstein, "
        "y.date - x.date AS lag FROM d x JOIN d y ON y.src = x.tgt AND y.tgt = x.src "
        "AND y.date - x.date BETWEEN 0 AND ? "
        "AND (y.date > x.date OR y.event_key > x.event_key) "
        "ORDER BY y.date DESC, lag, x.event_key, y.event_key LIMIT ?"
    )
    rows = conn.execute(sql, [*p, within_days, limit]).fetchall()
    info = _actor_info(conn, {r[4] for r in rows} | {r[5] for r in rows})
    def side(key: str, d: Any, typ: str, g: Any, src: str, tgt: str) -> dict[str, Any]:
        return {"event_key": key, "date": _iso(d), "type": typ, "goldstein": g,
                "source": info.get(src), "target": info.get(tgt)}

    out = [{"action": side(r[0], r[1], r[2], r[3], r[4], r[5]),
            "reaction": side(r[6], r[7], r[8], r[9], r[5], r[4]),
            "lag_days": int(r[10])} for r in rows]
    return out


def health(conn: Any) -> dict[str, Any]:
    """Cheap liveness facts: the store answers and how much it holds."""
    n_events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    n_articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    try:
        version = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
    except Exception:  # noqa: BLE001 - an older store without the table still serves
        version = None
    return {"status": "ok", "events": n_events, "articles": n_articles, "schema_version": version}
