"""The DuckDB store with events built by hand: schema, migrations, merging, queries, read-only access."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from eventwire.io import InputProblem
from eventwire.model import Actor, Article, Event, Place
from eventwire.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    EventFilter,
    Store,
    StoredArticle,
    StoreError,
    check_read_sql,
    run_read_sql,
)

GUNMEN = Actor("gunmen", "Unidentified gunmen", None, None, "UAF", "group")
VILLAGERS = Actor("villagers", "Villagers", None, "NGA", "CVL", "group")
ARMY = Actor("the army", "Nigerian Army", "army:NGA", "NGA", "MIL", "organization")
MAIDUGURI = Place("Maiduguri", "NGA", "Borno", 11.846, 13.160)
KIRKUK = Place("Kirkuk", "IRQ", "Kirkuk", 35.468, 44.392)


def ev(**kw: object) -> Event:
    base: dict = dict(type="ASSAULT", cameo="190", goldstein=-10.0,
                      acled={"event_type": "Violence against civilians", "sub_event_type": "Attack"},
                      source=[GUNMEN], target=[VILLAGERS], date="2024-05-04", date_precision="day",
                      location=MAIDUGURI, fatalities=5, status="asserted", confidence=0.7,
                      evidence_text="Gunmen killed five villagers near Maiduguri on Saturday.",
                      sentence_start=0, sentence_end=56, trigger="killed")
    base.update(kw)
    return Event(**base)


def art(key: str, *events: Event, dup: str | None = None) -> StoredArticle:
    a = Article(id=f"id-{key}", text=f"text of {key}", title=f"Title {key}", source=f"Outlet {key}",
                url=f"http://news.invalid/{key}")
    a.events = list(events)
    for i, e in enumerate(a.events):
        e.article_id, e.event_id = a.id, f"{a.id}:{e.sentence_index}:{i}"
    return StoredArticle(a, key, "h" + key, duplicate_of=dup)


def corpus() -> list[StoredArticle | InputProblem]:
    return [
        art("k1", ev()),
        art("k2", ev(fatalities=9, status="claimed", date="2024-05-05", confidence=0.9,
                     location=Place("Jere", "NGA", "Borno", 11.88, 13.11))),
        art("k3", ev(location=KIRKUK, target=[Actor("police", "Police", None, "IRQ", "COP", "group")],
                     source=[ARMY], fatalities=2)),
        InputProblem("feed.xml", 3, "malformed feed entry: no link and no content"),
        art("k4", dup="k1"),
        art("k5", ev(type="PROTEST", cameo="141", acled={"event_type": "Protests",
                                                          "sub_event_type": "Peaceful protest"},
                     source=[Actor("traders", "Traders", None, "NGA", "BUS", "group")], target=[],
                     fatalities=None, size=300, date="2024-06-01"),
             ev(sentence_index=1, fatalities=1, date="2024-05-04")),
    ]


def table_rows(st: Store, table: str, drop: tuple[str, ...] = ()) -> list[tuple]:
    cols = [r[0] for r in st.conn.execute(f"DESCRIBE {table}").fetchall() if r[0] not in drop]
    return sorted(st.conn.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM {table}')
                  .fetchall(), key=repr)


def snapshot(st: Store) -> dict[str, list[tuple]]:
    return {t: table_rows(st, t, ("run_id", "ingested_at", "at")) for t in
            ("articles", "sentences", "mentions", "events", "actors", "event_actors", "rejected",
             "article_minhash", "places")}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    st = Store(tmp_path / "t.duckdb")
    run = st.begin_run("test")
    st.write_batch(corpus(), run)
    yield st
    st.close()


def test_migrations_are_recorded_and_applied_once(tmp_path: Path) -> None:
    path = tmp_path / "m.duckdb"
    with Store(path) as st:
        assert st.schema_version() == SCHEMA_VERSION
        rows = st.conn.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
        versions = [r[0] for r in rows]
        assert versions == [v for v, _ in MIGRATIONS]
    with Store(path) as st:
        assert st.migrate() == []
        assert st.conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)


def test_old_database_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations(version INTEGER, applied_at TIMESTAMP)")
    for sql in MIGRATIONS[0][1]:
        con.execute(sql)
    con.execute("INSERT INTO schema_migrations VALUES (1, current_timestamp)")
    con.execute("INSERT INTO articles (article_key, id) VALUES ('old', 'kept')")
    con.close()
    with Store(path) as st:
        assert st.schema_version() == SCHEMA_VERSION
        assert "seq" in [r[0] for r in st.conn.execute("DESCRIBE mentions").fetchall()]
        assert st.conn.execute("SELECT id FROM articles").fetchall() == [("kept",)]


def test_contract_columns_exist(store: Store) -> None:
    expected = {
        "articles": "article_key id url title source published text text_hash duplicate_of run_id "
                    "ingested_at",
        "sentences": "article_key sentence_index start end text",
        "mentions": "mention_id article_key event_key record type date country status fatalities "
                    "sentence_index evidence",
        "events": "event_key type mode quad_class cameo goldstein acled_event_type acled_sub_event_type "
                  "source_name source_id source_country target_name target_id target_country date "
                  "date_precision location_name country admin1 lat lon fatalities injured arrested size "
                  "status n_mentions n_sources evidence record",
        "actors": "actor_key id name country sector kind",
        "event_actors": "event_key actor_key role",
        "runs": "run_id started_at finished_at command n_articles n_events n_rejected",
        "rejected": "source line reason run_id at",
        "schema_migrations": "version applied_at",
        "places": "place_key name country admin1 lat lon geonames_id precision",
    }
    for table, cols in expected.items():
        have = {r[0] for r in store.conn.execute(f"DESCRIBE {table}").fetchall()}
        assert set(cols.split()) <= have, (table, set(cols.split()) - have)


def test_reports_of_one_event_merge_and_keep_every_mention(store: Store) -> None:
    c = store.counts()
    assert c["articles"] == 5 and c["duplicates"] == 1 and c["mentions"] == 5 and c["rejected"] == 1
    events = store.query_events(EventFilter(type="ASSAULT", country="NGA"))
    assert len(events) == 1
    e = events[0]
    # k1 + k2 (+ its near-duplicate k4) + the second event of k5
    assert e["n_mentions"] == 3 and e["n_sources"] == 4
    assert e["fatalities"] == 9  # highest credible figure (claimed 9 beats asserted 5)
    assert e["evidence"]["text"].startswith("Gunmen killed")
    mentions = store.query_mentions(EventFilter(type="ASSAULT", country="NGA"))
    assert sorted(m["fatalities"] for m in mentions) == [1, 5, 9]
    assert {m["event_key"] for m in mentions} == {e["event_key"]}
    row = store.conn.execute("SELECT source_name, target_name, n_sources, p.name FROM events "
                             "JOIN places p USING (place_key) WHERE event_key = ?",
                             [e["event_key"]]).fetchone()
    assert row == ("Unidentified gunmen", "Villagers", 4, "Maiduguri")


def test_event_detail_lists_mentions_with_articles(store: Store) -> None:
    key = store.query_events(EventFilter(country="NGA", type="ASSAULT"))[0]["event_key"]
    d = store.event_detail(key)
    assert d is not None and d["event_key"] == key
    assert [m["article_id"] for m in d["mentions"]] == ["id-k1", "id-k2", "id-k5"]
    assert all(m["text"].startswith("text of") and m["url"].startswith("http://") for m in d["mentions"])
    assert d["mentions"][0]["evidence"]["end"] == 56
    assert [x["article_id"] for x in d["duplicates"]] == ["id-k4"]
    assert store.event_detail("ev-missing") is None


@pytest.mark.parametrize("flt,expected", [
    (EventFilter(), 3),
    (EventFilter(since="2024-05-10"), 1),
    (EventFilter(until="2024-05-04"), 2),
    (EventFilter(country="irq"), 1),
    (EventFilter(type="PROTEST"), 1),
    (EventFilter(actor="villag"), 1),
    (EventFilter(actor="army:NGA"), 1),
    (EventFilter(status=["claimed"]), 0),  # the merged status is the strongest: asserted
    (EventFilter(status=["asserted", "claimed"]), 3),
    (EventFilter(min_fatalities=3), 1),
])
def test_filters(store: Store, flt: EventFilter, expected: int) -> None:
    assert len(store.query_events(flt)) == expected
    assert store.count_events(flt) == expected


def test_limit_offset_and_order(store: Store) -> None:
    all_ = store.query_events()
    dates = [e["date"] for e in all_]
    assert dates == sorted(dates)
    assert store.query_events(limit=1, offset=1) == all_[1:2]


def test_writing_again_changes_nothing(store: Store) -> None:
    before = snapshot(store)
    res = store.write_batch(corpus(), store.begin_run("again"))
    assert (res.articles, res.duplicates, res.mentions, res.rejected) == (0, 0, 0, 0)
    assert snapshot(store) == before


def test_batch_boundaries_do_not_change_the_result(tmp_path: Path, store: Store) -> None:
    with Store(tmp_path / "one-by-one.duckdb") as other:
        run = other.begin_run("test")
        for item in corpus():
            other.write_batch([item], run)
        assert snapshot(other) == snapshot(store)


def test_failed_batch_leaves_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "f.duckdb") as st:
        bad = art("kx", ev(date="2024-13-45"))  # not a date: the insert fails
        with pytest.raises(Exception):  # noqa: B017 - any failure must roll back
            st.write_batch([art("ok", ev()), bad], st.begin_run("t"))
        assert st.counts()["articles"] == 0 and st.counts()["mentions"] == 0


def test_read_only_readers(store: Store, tmp_path: Path) -> None:
    path = store.path
    store.close()
    with Store(path, read_only=True) as ro:
        assert len(ro.query_events()) == 3
        with pytest.raises(duckdb.Error):
            ro.conn.execute("DELETE FROM events")
    with pytest.raises(StoreError):
        Store(tmp_path / "missing.duckdb", read_only=True)
    store.conn = duckdb.connect(str(path))  # let the fixture close something


def test_one_writer_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with Store(path):
        code = ("import sys\nfrom eventwire.store import Store, StoreError\n"
                "try:\n    Store(sys.argv[1])\nexcept StoreError as e:\n    print('locked', e)\n")
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                             timeout=120)
        assert out.stdout.startswith("locked"), out.stderr


def test_sql_accepts_only_one_select(store: Store) -> None:
    path = store.path
    store.close()
    cols, rows = run_read_sql(path, "SELECT type, count(*) AS n FROM events GROUP BY type ORDER BY type")
    assert cols == ["type", "n"] and rows == [("ASSAULT", 2), ("PROTEST", 1)]
    for bad in ("DELETE FROM events", "SELECT 1; DROP TABLE events", "CREATE TABLE x AS SELECT 1",
                "COPY events TO 'x.csv'", "ATTACH 'other.duckdb'", "PRAGMA version", "not sql at all"):
        with pytest.raises(StoreError):
            check_read_sql(bad)
    with pytest.raises(StoreError):  # file access is off for user SQL even inside a SELECT
        run_read_sql(path, f"SELECT * FROM read_text('{path}')")
    store.conn = duckdb.connect(str(path))


def test_records_in_store_are_contract_records(store: Store) -> None:
    schema_keys = set(Event(type="AGREE").to_dict())
    for rec in store.query_events():
        assert schema_keys <= set(rec)
        assert Event.from_dict(rec).to_dict() == {k: rec[k] for k in schema_keys}
    for (raw,) in store.conn.execute("SELECT record FROM mentions").fetchall():
        assert set(json.loads(raw)) == schema_keys


def test_cli_events_filters_mentions_and_export(store: Store, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from eventwire.cli import main

    db = str(store.path)
    store.close()
    runner = CliRunner()
    r = runner.invoke(main, ["events", "--db", db, "--format", "jsonl", "--country", "NGA"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in r.output.splitlines()]
    assert sorted((e["type"], e["n_sources"]) for e in rows) == [("ASSAULT", 4), ("PROTEST", 1)]
    r = runner.invoke(main, ["events", "--db", db, "--format", "jsonl", "--mentions", "--type", "assault",
                             "--status", "claimed"])
    assert [json.loads(x)["fatalities"] for x in r.output.splitlines()] == [9]
    r = runner.invoke(main, ["events", "--db", db, "--min-fatalities", "3"])
    nga = next(e["event_key"] for e in rows if e["type"] == "ASSAULT")
    assert r.exit_code == 0 and "1 events" in r.output and nga[:11] in r.output
    r = runner.invoke(main, ["events", "--db", db, "--status", "bogus"])
    assert r.exit_code != 0
    out = tmp_path / "a.csv"
    r = runner.invoke(main, ["export", "--db", db, "--format", "acled-csv", "--output", str(out),
                             "--type", "ASSAULT"])
    assert r.exit_code == 0 and "wrote 2 event(s)" in r.output
    assert out.read_text().count("\n") == 3
    r = runner.invoke(main, ["rejected", "--db", db])
    assert r.exit_code == 0 and "malformed feed entry" in r.output
    store.conn = duckdb.connect(db)
