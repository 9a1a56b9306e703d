"""Exports of merged events, and an importer for the lossless formats.

Formats:
- ``jsonl``: one contract record per line, plus ``event_key``, ``n_mentions``, ``n_sources``.
- ``parquet``: the same records as typed columns (nested actors/place/evidence as STRUCTs),
  written by DuckDB's COPY; no pyarrow needed.
- ``acled-csv``: ACLED's column names and conventions (see `acled_row`); only events with an
  ACLED coding are exported, as ACLED would not code the others.
- ``cameo-tsv``: a dyadic CAMEO table (date YYYYMMDD, actor codes country+sector, event code,
  root code, quad class 1-4, Goldstein); events without a CAMEO code are left out.
- ``plover-json``: a JSON array in PLOVER's field naming (event, mode, context, src_actor ...).
- ``geojson``: a FeatureCollection of Point features for events with coordinates.
`read_events` reads ``jsonl`` and ``parquet`` back into `Event` objects.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .model import Event
from .store import EventFilter, Store

FORMATS = ("acled-csv", "cameo-tsv", "plover-json", "parquet", "geojson", "jsonl")

_ACTOR_T = ('STRUCT("text" VARCHAR, "name" VARCHAR, "id" VARCHAR, "country" VARCHAR, "sector" VARCHAR, '
            '"kind" VARCHAR)')
PARQUET_COLUMNS: tuple[tuple[str, str], ...] = (
    ("schema_version", "VARCHAR"), ("event_id", "VARCHAR"), ("article_id", "VARCHAR"), ("type", "VARCHAR"),
    ("mode", "VARCHAR"), ("contexts", "VARCHAR[]"), ("quad_class", "VARCHAR"), ("cameo", "VARCHAR"),
    ("goldstein", "DOUBLE"), ("acled", 'STRUCT("event_type" VARCHAR, "sub_event_type" VARCHAR)'),
    ("source", _ACTOR_T + "[]"), ("target", _ACTOR_T + "[]"), ("date", "DATE"),
    ("date_precision", "VARCHAR"), ("date_text", "VARCHAR"),
    ("location", 'STRUCT("name" VARCHAR, "country" VARCHAR, "admin1" VARCHAR, "lat" DOUBLE, "lon" DOUBLE, '
                 '"geonames_id" BIGINT, "precision" VARCHAR)'),
    ("fatalities", "BIGINT"), ("fatalities_qualifier", "VARCHAR"), ("injured", "BIGINT"),
    ("arrested", "BIGINT"), ("size", "BIGINT"), ("status", "VARCHAR"), ("attributed_to", _ACTOR_T),
    ("evidence", 'STRUCT("text" VARCHAR, "sentence_index" BIGINT, "start" BIGINT, "end" BIGINT, '
                 '"trigger" VARCHAR)'),
    ("confidence", "DOUBLE"), ("event_key", "VARCHAR"), ("n_mentions", "BIGINT"), ("n_sources", "BIGINT"),
)
EXTRA_FIELDS = ("event_key", "n_mentions", "n_sources")

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)
CAMEO_COLUMNS = (
    "event_key", "date", "source_code", "target_code", "cameo", "root_code", "quad_class", "goldstein",
    "source_name", "target_name", "country", "location", "lat", "lon", "status", "n_sources", "evidence",
)
QUAD_NUMBER = {"verbal_cooperation": 1, "material_cooperation": 2, "verbal_conflict": 3,
               "material_conflict": 4}
_STATE_SECTORS = {"GOV", "MIL", "COP", "SPY", "JUD", "LEG"}
_MILITIA_SECTORS = {"PRM", "UAF", "CRM"}
_CIVILIAN_SECTORS = {"CVL", "JRN", "MED", "EDU", "REF", "REL", "AGR", "BUS", "LAB", "SOC", "OPP", "PTY",
                     "ELI"}


# ---------------------------------------------------------------------------- ACLED conventions
def inter_code(actor: dict[str, Any] | None, acled_event_type: str | None) -> int:
    """ACLED actor-type number from PLOVER sector/kind; 0 when there is no actor.

    1 state forces, 2 rebels, 3 political militias (incl. unidentified armed groups), 4 identity
    militias, 5 rioters, 6 protesters, 7 civilians, 8 external/other.
    """
    if not actor:
        return 0
    sector, kind = actor.get("sector"), actor.get("kind")
    state = sector in _STATE_SECTORS or kind == "state"
    if not state and acled_event_type == "Protests":
        return 6
    if not state and acled_event_type == "Riots":
        return 5
    if state:
        return 1
    if sector == "REB":
        return 2
    if sector in _MILITIA_SECTORS:
        return 3
    if kind == "armed_group":
        return 4 if sector in ("REL", "SOC") else 3
    if sector in _CIVILIAN_SECTORS and kind in ("person", "group"):
        return 7
    return 8


def interaction_code(inter1: int, inter2: int) -> int:
    """ACLED's two-digit interaction: lower actor type first; a sole actor is inter1*10."""
    if not inter2:
        return inter1 * 10
    lo, hi = sorted((inter1, inter2))
    return lo * 10 + hi


def disorder_type(event_type: str, sub_event_type: str) -> str:
    if event_type == "Strategic developments":
        return "Strategic developments"
    if event_type == "Protests":
        if sub_event_type == "Excessive force against protesters":
            return "Political violence; Demonstrations"
        return "Demonstrations"
    if event_type == "Riots":
        return "Demonstrations" if sub_event_type == "Violent demonstration" else "Political violence"
    return "Political violence"


TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3, "unknown": 3}
GEO_PRECISION = {"point": 1, "city": 1, "admin1": 2, "country": 3, "region": 3}


def _country(iso3: str | None) -> tuple[str, str]:
    """(numeric ISO code, English short name) of an alpha-3 code; blanks when unknown."""
    if not iso3:
        return "", ""
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3)
    if c is None:
        return "", ""
    return str(int(c.numeric)), c.name


def acled_row(rec: dict[str, Any], event_id_cnty: str, sources: Sequence[str] = (),
              timestamp: int | None = None) -> dict[str, Any]:
    """One ACLED-style row. Conventions: ISO dates (YYYY-MM-DD), fatalities 0 when none reported,
    `notes` is the evidence sentence, `source` the reporting outlets joined by '; ', `iso` numeric,
    `region` left blank (eventwire has no ACLED region table), actor names from the merged record."""
    acled = rec.get("acled") or {}
    et, st = acled.get("event_type", ""), acled.get("sub_event_type", "")
    src, tgt = rec.get("source") or [], rec.get("target") or []
    if et == "Protests":  # ACLED leaves actor 2 of a protest blank unless someone intervened; eventwire's
        # implied target (the government, no words in the text) is PLOVER's reading, not ACLED's
        tgt = [a for a in tgt if a.get("text") or a.get("sector") != "GOV"]
    a1, a2 = (src[0] if src else None), (tgt[0] if tgt else None)
    i1, i2 = inter_code(a1, et), inter_code(a2, et)
    loc = rec.get("location") or {}
    iso_num, cname = _country(loc.get("country"))
    date = rec.get("date") or ""
    targets_civilians = i2 == 7 and et in ("Violence against civilians", "Explosions/Remote violence")
    civ = "Civilian targeting" if targets_civilians else ""
    tags = f"crowd size={rec['size']}" if rec.get("size") is not None and et in ("Protests", "Riots") else ""
    return {
        "event_id_cnty": event_id_cnty, "event_date": date, "year": date[:4],
        "time_precision": TIME_PRECISION.get(rec.get("date_precision") or "unknown", 3),
        "disorder_type": disorder_type(et, st), "event_type": et, "sub_event_type": st,
        "actor1": a1["name"] if a1 else "", "assoc_actor_1": "; ".join(a["name"] for a in src[1:]),
        "inter1": i1, "actor2": a2["name"] if a2 else "",
        "assoc_actor_2": "; ".join(a["name"] for a in tgt[1:]),
        "inter2": i2, "interaction": interaction_code(i1, i2), "civilian_targeting": civ,
        "iso": iso_num, "region": "", "country": cname, "admin1": loc.get("admin1") or "",
        "admin2": "", "admin3": "", "location": loc.get("name") or "",
        "latitude": "" if loc.get("lat") is None else loc["lat"],
        "longitude": "" if loc.get("lon") is None else loc["lon"],
        "geo_precision": GEO_PRECISION.get(loc.get("precision") or "", 3) if loc else "",
        "source": "; ".join(sources), "source_scale": "",
        "notes": (rec.get("evidence") or {}).get("text", ""),
        "fatalities": rec.get("fatalities") or 0, "tags": tags,
        "timestamp": "" if timestamp is None else timestamp,
    }


def write_acled_csv(records: Iterable[dict[str, Any]], path: Path) -> int:
    """Write ACLED-coded records; ids are ISO3 + a sequence per country in date order."""
    coded = [r for r in records if r.get("acled")]
    coded.sort(key=lambda r: (r.get("date") or "9999", r.get("event_key") or r.get("event_id", "")))
    seq: dict[str, int] = {}
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=ACLED_COLUMNS)
        w.writeheader()
        for r in coded:
            iso3 = (r.get("location") or {}).get("country") or "XXX"
            seq[iso3] = seq.get(iso3, 0) + 1
            w.writerow(acled_row(r, f"{iso3}{seq[iso3]}", r.get("_sources") or (), r.get("_timestamp")))
    return len(coded)


# ---------------------------------------------------------------------------- other formats
def _actor_code(a: dict[str, Any] | None) -> str:
    if not a:
        return ""
    return f"{a.get('country') or ''}{a.get('sector') or ''}"


def write_cameo_tsv(records: Iterable[dict[str, Any]], path: Path) -> int:
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(CAMEO_COLUMNS)
        for r in records:
            if not r.get("cameo"):
                continue
            src, tgt = r.get("source") or [], r.get("target") or []
            loc = r.get("location") or {}
            w.writerow([
                r.get("event_key", r.get("event_id")), (r.get("date") or "").replace("-", ""),
                _actor_code(src[0] if src else None), _actor_code(tgt[0] if tgt else None), r["cameo"],
                r["cameo"][:2], QUAD_NUMBER.get(r.get("quad_class", ""), ""),
                "" if r.get("goldstein") is None else r["goldstein"],
                src[0]["name"] if src else "", tgt[0]["name"] if tgt else "", loc.get("country") or "",
                loc.get("name") or "", "" if loc.get("lat") is None else loc["lat"],
                "" if loc.get("lon") is None else loc["lon"], r.get("status", ""), r.get("n_sources", ""),
                " ".join(((r.get("evidence") or {}).get("text") or "").split()),
            ])
            n += 1
    return n


def plover_record(r: dict[str, Any]) -> dict[str, Any]:
    src, tgt = r.get("source") or [], r.get("target") or []
    s0, t0 = (src[0] if src else {}), (tgt[0] if tgt else {})
    return {
        "id": r.get("event_key") or r.get("event_id"), "date": r.get("date"),
        "date_precision": r.get("date_precision"), "event": r["type"], "mode": r.get("mode"),
        "context": list(r.get("contexts") or []), "quad_class": r.get("quad_class"),
        "source": s0.get("country"), "src_actor": s0.get("name"), "src_agent": s0.get("sector"),
        "src_other_actors": [a["name"] for a in src[1:]],
        "target": t0.get("country"), "tgt_actor": t0.get("name"), "tgt_agent": t0.get("sector"),
        "tgt_other_actors": [a["name"] for a in tgt[1:]],
        "location": r.get("location"), "fatalities": r.get("fatalities"), "injured": r.get("injured"),
        "arrested": r.get("arrested"), "size": r.get("size"), "status": r.get("status"),
        "text": (r.get("evidence") or {}).get("text"), "cameo": r.get("cameo"),
        "n_sources": r.get("n_sources"), "confidence": r.get("confidence"),
    }


def write_plover_json(records: Iterable[dict[str, Any]], path: Path) -> int:
    out = [plover_record(r) for r in records]
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(out, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    return len(out)


def _public(r: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in r.items() if not k.startswith("_")}


def write_geojson(records: Iterable[dict[str, Any]], path: Path) -> int:
    feats = []
    for r in records:
        loc = r.get("location") or {}
        if loc.get("lat") is None or loc.get("lon") is None:
            continue
        geometry = {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]}
        feats.append({"type": "Feature", "geometry": geometry, "properties": _public(r)})
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"type": "FeatureCollection", "features": feats}, fh, ensure_ascii=False)
        fh.write("\n")
    return len(feats)


def write_jsonl(records: Iterable[dict[str, Any]], path: Path) -> int:
    n = 0
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as fh:  # type: ignore[operator]
        for r in records:
            fh.write(json.dumps(_public(r), ensure_ascii=False) + "\n")
            n += 1
    return n


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def write_parquet(records: Iterable[dict[str, Any]], path: Path) -> int:
    """Typed Parquet through DuckDB: records go through a temporary JSONL file and `read_json`."""
    import duckdb

    cols = "{" + ", ".join(f"{_sql_str(n)}: {_sql_str(t)}" for n, t in PARQUET_COLUMNS) + "}"
    fd, tmp = tempfile.mkstemp(suffix=".jsonl")
    os.close(fd)
    try:
        n = write_jsonl(records, Path(tmp))
        con = duckdb.connect()
        try:
            if n == 0:
                types = ", ".join(f'NULL::{t} AS "{c}"' for c, t in PARQUET_COLUMNS)
                src = f"SELECT {types} LIMIT 0"
            else:
                src = (f"SELECT * FROM read_json({_sql_str(tmp)}, format='newline_delimited', "
                       f"columns={cols}, maximum_object_size=268435456)")
            con.execute(f"COPY ({src}) TO {_sql_str(str(path))} (FORMAT parquet)")
        finally:
            con.close()
    finally:
        os.unlink(tmp)
    return n


WRITERS = {
    "acled-csv": write_acled_csv, "cameo-tsv": write_cameo_tsv, "plover-json": write_plover_json,
    "parquet": write_parquet, "geojson": write_geojson, "jsonl": write_jsonl,
}


def _event_provenance(store: Store) -> dict[str, tuple[list[str], int | None]]:
    """Per event: the outlets (or article ids) reporting it and the epoch of its latest article."""
    rows = store.conn.execute(
        """WITH src AS (
             SELECT m.event_key, coalesce(a.source, a.id) AS name, a.ingested_at FROM mentions m
             JOIN articles a ON a.article_key = m.article_key
             UNION ALL
             SELECT m.event_key, coalesce(d.source, d.id), d.ingested_at FROM mentions m
             JOIN articles d ON d.duplicate_of = m.article_key)
           SELECT event_key, list_sort(list(DISTINCT name)), epoch(max(ingested_at))::BIGINT
           FROM src GROUP BY event_key""").fetchall()
    return {k: ([x for x in names if x], ts) for k, names, ts in rows}


def export_events(store: Store, fmt: str, output: str | os.PathLike[str],
                  filters: EventFilter | None = None) -> int:
    """Write the merged events of `store` (optionally filtered) in `fmt`; returns how many were written."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    records = store.query_events(filters)
    if fmt == "acled-csv":
        prov = _event_provenance(store)
        for r in records:
            r["_sources"], r["_timestamp"] = prov.get(r["event_key"], ([], None))
    return WRITERS[fmt](records, Path(output))


# ---------------------------------------------------------------------------- import
def _plain(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def read_records(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Records from a `jsonl` (optionally .gz) or `parquet` export, extras (event_key ...) included."""
    p = Path(path)
    name = p.name.lower()
    if name.endswith(".parquet"):
        import duckdb

        con = duckdb.connect()
        try:
            cur = con.execute(f"SELECT * FROM read_parquet({_sql_str(str(p))})")
            names = [d[0] for d in cur.description]
            return [{k: _plain(v) for k, v in zip(names, row, strict=True)} for row in cur.fetchall()]
        finally:
            con.close()
    opener = gzip.open if name.endswith(".gz") else open
    with opener(p, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        return [json.loads(line) for line in fh if line.strip()]


def read_events(path: str | os.PathLike[str]) -> list[Event]:
    """Events from a `jsonl` or `parquet` export (the inverse of those writers)."""
    return [Event.from_dict(r) for r in read_records(path)]
