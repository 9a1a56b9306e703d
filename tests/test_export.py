"""Exports: lossless JSONL/Parquet round trips (property test) and the ACLED/CAMEO/PLOVER/GeoJSON shapes."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventwire.export import (
    ACLED_COLUMNS,
    CAMEO_COLUMNS,
    export_events,
    inter_code,
    interaction_code,
    read_events,
    read_records,
    write_jsonl,
    write_parquet,
)
from eventwire.model import (
    ACTOR_KINDS,
    DATE_PRECISIONS,
    PLOVER_TYPES,
    PRECISIONS,
    SECTORS,
    STATUSES,
    Actor,
    Event,
    Place,
)
from eventwire.store import Store
from test_store import corpus  # noqa: I001 - shared hand-built corpus

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
opt_text = st.none() | text
count = st.none() | st.integers(0, 2**62)
actors = st.builds(Actor, text=text, name=text, id=opt_text,
                   country=st.none() | st.sampled_from(["IRQ", "NGA"]),
                   sector=st.none() | st.sampled_from(SECTORS), kind=st.sampled_from(ACTOR_KINDS))
places = st.builds(Place, name=text, country=st.none() | st.sampled_from(["SOM", "PAK"]), admin1=opt_text,
                   lat=st.none() | st.floats(-90, 90), lon=st.none() | st.floats(-180, 180),
                   geonames_id=count, precision=st.sampled_from(PRECISIONS))
events = st.builds(
    Event, type=st.sampled_from(PLOVER_TYPES), mode=opt_text, contexts=st.lists(text, max_size=3),
    quad_class=st.sampled_from(["verbal_cooperation", "material_cooperation", "verbal_conflict",
                                "material_conflict"]),
    cameo=st.none() | st.from_regex(r"[0-9]{2,4}", fullmatch=True),
    goldstein=st.none() | st.floats(-10, 10),
    acled=st.none() | st.fixed_dictionaries({"event_type": text, "sub_event_type": text}),
    source=st.lists(actors, max_size=3), target=st.lists(actors, max_size=3),
    date=st.none() | st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat),
    date_precision=st.sampled_from(DATE_PRECISIONS), date_text=opt_text, location=st.none() | places,
    fatalities=count, fatalities_qualifier=st.none() | st.sampled_from(["exact", "at_least", "about"]),
    injured=count, arrested=count, size=count, status=st.sampled_from(STATUSES),
    attributed_to=st.none() | actors, evidence_text=text, sentence_index=st.integers(0, 10**6),
    sentence_start=st.integers(0, 10**9), sentence_end=st.integers(0, 10**9), trigger=text,
    confidence=st.floats(0, 1), event_id=text.filter(bool), article_id=text.filter(bool),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(evs=st.lists(events, max_size=6))
def test_jsonl_and_parquet_round_trip_every_field(tmp_path: Path, evs: list[Event]) -> None:
    records = [e.to_dict() for e in evs]
    writers = (("out.jsonl", write_jsonl), ("out.jsonl.gz", write_jsonl), ("out.parquet", write_parquet))
    for name, writer in writers:
        path = tmp_path / name
        assert writer(records, path) == len(records)
        back = [e.to_dict() for e in read_events(path)]
        assert back == records, name


def test_parquet_columns_are_typed(tmp_path: Path) -> None:
    import duckdb

    e = Event(type="ASSAULT", source=[Actor("a", "A", None, "IRQ", "MIL", "state")], date="2020-02-29",
              location=Place("Mosul", "IRQ", None, 36.34, 43.13), fatalities=3)
    write_parquet([e.to_dict()], tmp_path / "t.parquet")
    types = dict(duckdb.connect().execute(
        f"SELECT name, type FROM parquet_schema('{tmp_path / 't.parquet'}')").fetchall())
    assert types["fatalities"] == "INT64" and types["date"] == "INT32" and types["confidence"] == "DOUBLE"
    rows = duckdb.connect().execute(
        f"SELECT source[1].name, location.lat, date FROM '{tmp_path / 't.parquet'}'").fetchall()
    assert rows == [("A", 36.34, dt.date(2020, 2, 29))]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "s.duckdb"
    with Store(path) as s:
        s.write_batch(corpus(), s.begin_run("test"))
    return path


def test_store_exports_round_trip_with_keys(db: Path, tmp_path: Path) -> None:
    with Store(db, read_only=True) as s:
        stored = s.query_events()
        for fmt, name in (("jsonl", "e.jsonl"), ("parquet", "e.parquet")):
            assert export_events(s, fmt, tmp_path / name) == len(stored) == 3
            assert read_records(tmp_path / name) == stored


def test_acled_csv_columns_and_conventions(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "acled.csv"
    with Store(db, read_only=True) as s:
        n = export_events(s, "acled-csv", out)
    with open(out, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == ACLED_COLUMNS
        rows = list(reader)
    assert len(rows) == n == 3
    by_country = {r["country"]: r for r in rows if r["event_type"] != "Protests"}
    ng = by_country["Nigeria"]
    assert ng["event_id_cnty"].startswith("NGA") and ng["iso"] == "566"
    assert (ng["event_date"], ng["year"], ng["time_precision"]) == ("2024-05-04", "2024", "1")
    assert (ng["inter1"], ng["inter2"], ng["interaction"]) == ("3", "7", "37")
    assert ng["civilian_targeting"] == "Civilian targeting"
    assert ng["disorder_type"] == "Political violence" and ng["fatalities"] == "9"
    assert ng["source"] == "Outlet k1; Outlet k2; Outlet k4; Outlet k5"
    assert ng["notes"].startswith("Gunmen killed") and ng["geo_precision"] == "1"
    iq = by_country["Iraq"]
    assert (iq["actor1"], iq["inter1"], iq["actor2"], iq["inter2"], iq["interaction"]) == \
        ("Nigerian Army", "1", "Police", "1", "11")
    protest = next(r for r in rows if r["event_type"] == "Protests")
    assert (protest["inter1"], protest["inter2"], protest["interaction"]) == ("6", "0", "60")
    assert protest["fatalities"] == "0" and protest["tags"] == "crowd size=300"
    assert protest["disorder_type"] == "Demonstrations"


@pytest.mark.parametrize("actor,etype,code", [
    ({"sector": "MIL", "kind": "organization"}, "Battles", 1),
    ({"sector": None, "kind": "state"}, "Battles", 1),
    ({"sector": "REB", "kind": "armed_group"}, "Battles", 2),
    ({"sector": "UAF", "kind": "group"}, "Battles", 3),
    ({"sector": "REL", "kind": "armed_group"}, "Battles", 4),
    ({"sector": "CVL", "kind": "group"}, "Riots", 5),
    ({"sector": "LAB", "kind": "group"}, "Protests", 6),
    ({"sector": "COP", "kind": "group"}, "Protests", 1),
    ({"sector": "JRN", "kind": "person"}, "Violence against civilians", 7),
    ({"sector": None, "kind": "organization"}, "Strategic developments", 8),
    (None, "Battles", 0),
])
def test_inter_codes(actor: dict | None, etype: str, code: int) -> None:
    assert inter_code(actor, etype) == code


def test_interaction_codes() -> None:
    assert interaction_code(7, 1) == 17 and interaction_code(2, 0) == 20 and interaction_code(3, 3) == 33


def test_cameo_plover_and_geojson(db: Path, tmp_path: Path) -> None:
    with Store(db, read_only=True) as s:
        assert export_events(s, "cameo-tsv", tmp_path / "c.tsv") == 3
        assert export_events(s, "plover-json", tmp_path / "p.json") == 3
        assert export_events(s, "geojson", tmp_path / "g.geojson") == 3
    with open(tmp_path / "c.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert tuple(rows[0]) == CAMEO_COLUMNS
    iraq = next(r for r in rows if r["country"] == "IRQ")
    codes = (iraq["source_code"], iraq["target_code"], iraq["cameo"], iraq["root_code"], iraq["quad_class"])
    assert codes == ("NGAMIL", "IRQCOP", "190", "19", "4")
    assert iraq["date"] == "20240504"
    plover = json.loads((tmp_path / "p.json").read_text())
    assert {p["event"] for p in plover} == {"ASSAULT", "PROTEST"}
    assert any(p["src_actor"] == "Nigerian Army" and p["src_agent"] == "MIL" for p in plover)
    gj = json.loads((tmp_path / "g.geojson").read_text())
    assert gj["type"] == "FeatureCollection"
    lonlat = sorted(tuple(f["geometry"]["coordinates"]) for f in gj["features"])
    assert (44.392, 35.468) in lonlat and all(f["properties"]["event_key"] for f in gj["features"])


def test_acled_row_leaves_a_protests_implied_government_target_out() -> None:
    from eventwire.export import acled_row

    gov = {"text": "", "name": "Government of Kenya", "id": "state:KEN:GOV", "country": "KEN", "sector": "GOV",
           "kind": "state"}
    police = {"text": "riot police", "name": "Police Forces of Kenya", "id": "state:KEN:COP", "country": "KEN",
              "sector": "COP", "kind": "state"}
    crowd = {"text": "traders", "name": "Protesters (Kenya)", "id": "agent:protesters", "country": "KEN",
             "sector": "CVL", "kind": "group"}
    base = {"type": "PROTEST", "acled": {"event_type": "Protests", "sub_event_type": "Peaceful protest"},
            "source": [crowd], "target": [gov], "date": "2024-03-04", "location": {"country": "KEN"}}
    assert acled_row(base, "KEN1")["actor2"] == ""
    named = {**base, "target": [{**gov, "text": "the government"}]}
    assert acled_row(named, "KEN2")["actor2"] == "Government of Kenya"
    stopped = {**base, "acled": {"event_type": "Protests", "sub_event_type": "Protest with intervention"},
               "target": [gov, police]}
    assert acled_row(stopped, "KEN3")["actor2"] == "Police Forces of Kenya"
