"""The Spark job codes exactly what the local pipeline codes, and its tables round-trip to the contract."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from eventwire.config import Config
from eventwire.model import Actor, Article, Event, Place

pa = pytest.importorskip("pyarrow")

from eventwire import spark as sj  # noqa: E402 - after the pyarrow skip

_ARTICLES = [
    {"id": "sp-1", "published": "2023-09-03", "title": "Clashes in the north", "text":
        "Government troops attacked rebel positions near the northern town of Kafr Deir on Saturday, "
        "the defence ministry said. At least six fighters were killed.\n\n"
        "Rebel commanders accused the army of shelling residential areas. The ministry denied the claim."},
    {"id": "sp-2", "published": "2023-09-04", "text":
        "Police arrested 14 protesters in the capital on Sunday after a march against rising fuel prices "
        "turned violent, a police spokesman said.\n\nThe opposition called for a general strike next week."},
    {"id": "sp-3", "published": "2023-09-05", "text":
        "the foreign ministers of the two countries met on monday and agreed to reopen their embassies. "
        "talks on a trade agreement will resume in october, a joint statement said."},
    {"id": "sp-4", "published": None, "text":
        "The central bank left interest rates unchanged. Analysts had expected a small cut."},
    {"id": "sp-5", "published": "2023-09-06", "text":
        "Gunmen on motorcycles opened fire on a bus carrying workers, wounding nine, local officials said. "
        "The army sent reinforcements to the area and imposed a curfew."},
]


def _full_event(i: int = 0) -> Event:
    """An event with every contract field set, to exercise every column type."""
    army = Actor("the army", "Military", "MIL-X", "XYZ", "MIL", "organization")
    rebels = Actor("rebels", "Rebels", None, None, "REB", "armed_group")
    return Event(
        type="ASSAULT", mode="firearms", contexts=["military", "terrorism"], quad_class="material_conflict",
        cameo="190", goldstein=-10.0, acled={"event_type": "Battles", "sub_event_type": "Armed clash"},
        source=[army], target=[rebels, Actor("villagers", "Civilians", None, "XYZ", "CVL", "group")],
        date="2023-09-02", date_precision="day", date_text="on Saturday",
        location=Place("Kafr Deir", "XYZ", "North", 35.25, 36.5, 1234567, "city"),
        fatalities=6, fatalities_qualifier="at_least", injured=2, arrested=0, size=300, status="claimed",
        attributed_to=Actor("the ministry", "Ministry of Defence", None, "XYZ", "GOV", "organization"),
        evidence_text="Government troops attacked rebel positions.", sentence_index=i, sentence_start=10 * i,
        sentence_end=10 * i + 44, trigger="attacked", confidence=0.812, event_id=f"a{i}:{i}:0",
        article_id=f"a{i}")


def _sparse_event() -> Event:
    """An event with every optional field empty (nulls and empty lists must survive too)."""
    return Event(type="CONSULT", quad_class="verbal_cooperation", evidence_text="They met.",
                 trigger="met", event_id="b:0:0", article_id="b")


def test_arrow_schema_round_trips_the_contract() -> None:
    dicts = [_full_event(1).to_dict(), _sparse_event().to_dict()]
    back = pa.RecordBatch.from_pylist(dicts, schema=sj.arrow_schema()).to_pylist()
    assert back == dicts
    assert [n for n, _ in sj.EVENT_FIELDS] == list(dicts[0])  # contract order, no field missing
    assert Event.from_dict(back[0]).to_dict() == dicts[0]


class _FakePipeline:
    """Stands in for the NLP pipeline: one known event per article."""

    def __init__(self) -> None:
        self.calls = 0

    def pipe(self, rows, n_process: int = 1, batch_size: int = 16):
        self.calls += 1
        for i, row in enumerate(rows):
            e = _full_event(i)
            e.article_id = row["id"]
            a = Article(id=row["id"], text=row["text"])
            a.events = [e]
            yield a


def test_extract_batches_uses_the_cached_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    config = Config(batch_size=7)
    fake = _FakePipeline()
    monkeypatch.setitem(sj._EXECUTOR_PIPELINES, config, fake)
    rows = [{"id": a["id"], "text": a["text"]} for a in _ARTICLES]
    batches = [pa.RecordBatch.from_pylist(rows[:2]), pa.RecordBatch.from_pylist(rows[2:])]
    out = [r for rb in sj.extract_batches(iter(batches), config) for r in rb.to_pylist()]
    assert [r["article_id"] for r in out] == [a["id"] for a in _ARTICLES]
    assert fake.calls == 2
    assert sj.executor_pipeline(config) is fake


def _mention(eid: str, *, type_: str = "ASSAULT", date: str | None = "2023-09-02",
             place: str | None = "Kafr Deir", country: str | None = "XYZ",
             names: tuple[str, ...] = ("Military",), conf: float = 0.5) -> dict:
    e = _sparse_event()
    e.type, e.date, e.confidence, e.event_id, e.article_id = type_, date, conf, eid, eid.split(":")[0]
    e.date_precision = "day" if date else "unknown"
    e.source = [Actor(n, n) for n in names]
    e.location = Place(place, country) if place else None
    return e.to_dict()


def test_cluster_events_applies_the_store_rules() -> None:
    rows = [
        _mention("a:0:0", names=("Military",), conf=0.6),
        _mention("b:3:0", names=("military", "Rebels"), conf=0.9),  # case-folded overlap with a
        _mention("c:1:0", names=("Rebels", "Police")),  # shares Rebels with the merged a+b event
        _mention("d:0:0", names=("Police",), date="2023-11-20"),  # months later
        _mention("e:0:0", names=("Military",), place="Other Town"),  # other place, no coordinates
        _mention("f:0:0", names=("Military",), type_="PROTEST"),  # other type
        _mention("g:0:0", names=("Military",), date=None),  # undated: only within its own article
        _mention("h:0:0", names=("Military",), date=None),
    ]
    merged = sj.cluster_events(rows)
    by_ids = {tuple(m["mention_ids"]): m for m in merged}
    assert ("a:0:0", "b:3:0", "c:1:0") in by_ids
    big = by_ids[("a:0:0", "b:3:0", "c:1:0")]
    assert big["mentions"] == 3 and big["event_id"] == "b:3:0"  # the most confident report represents it
    assert big["article_ids"] == ["a", "b", "c"]
    assert {a["name"].casefold() for a in big["source"]} >= {"military", "police"}  # actors combined
    assert len(merged) == len(rows) - 2
    assert sum(m["mentions"] for m in merged) == len(rows)
    assert all(m["mentions"] == 1 for m in merged if m is not big)
    # the same grouping as the library clusterer the store's rules live in
    from eventwire.corpus_dedup import Clusterer

    cl = Clusterer()
    for r in sorted(rows, key=lambda d: d["event_id"]):
        cl.add(r["article_id"], r["event_id"], r)
    assert {frozenset(m for m, _ in v) for v in cl.mentions.values()} == {frozenset(m["mention_ids"]) for m in merged}


# ---------------------------------------------------------------- on Spark, local[2]

def _have_java() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java") or (home and os.path.exists(os.path.join(home, "bin", "java"))))


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    if not _have_java():
        pytest.skip("no Java runtime (needed by Spark)")
    session = sj.make_session("local[2]", app_name="eventwire-test",
                              conf={"spark.sql.shuffle.partitions": "2"})
    yield session
    session.stop()


def _local_events(articles: list[dict]) -> list[dict]:
    from eventwire.pipeline import Pipeline

    pipe = Pipeline(Config())
    out = [e.to_dict() for a in pipe.pipe([dict(x) for x in articles]) for e in a.events or []]
    return sorted(out, key=lambda d: d["event_id"])


def _spark_events(spark, path: str) -> list[dict]:
    rows = spark.read.parquet(path).collect()
    return sorted((sj.row_to_event(r) for r in rows), key=lambda d: d["event_id"])


@pytest.mark.slow
def test_spark_job_equals_local_pipeline(spark, tmp_path) -> None:
    src = tmp_path / "articles.jsonl"
    src.write_text("".join(json.dumps(a) + "\n" for a in _ARTICLES), encoding="utf-8")
    stats = sj.run_job(spark, str(src), str(tmp_path / "out"), Config(), partitions=3)
    got = _spark_events(spark, str(tmp_path / "out" / "events"))
    assert stats["articles"] == len(_ARTICLES)
    assert stats["failed_articles"] == 0, stats["errors"]
    assert stats["events"] == len(got)
    assert got == _local_events(_ARTICLES)
    deduped = [r.asDict(recursive=True)
               for r in spark.read.parquet(str(tmp_path / "out" / "deduplicated")).collect()]
    assert sum(d["mentions"] for d in deduped) == len(got)
    assert sorted(deduped, key=lambda d: d["event_id"]) == sj.cluster_events(got)


@pytest.mark.slow
def test_parquet_input_gives_the_same_events(spark, tmp_path) -> None:
    import datetime as dt

    import pyarrow.parquet as pq

    table = pa.table({
        "id": [a["id"] for a in _ARTICLES],
        "text": [a["text"] for a in _ARTICLES],
        "published": [dt.date.fromisoformat(a["published"]) if a["published"] else None for a in _ARTICLES],
    })
    src = tmp_path / "articles.parquet"
    pq.write_table(table, src)
    sj.run_job(spark, str(src), str(tmp_path / "out"), Config(), partitions=2, dedup=False)
    assert _spark_events(spark, str(tmp_path / "out" / "events")) == _local_events(_ARTICLES)


@pytest.mark.slow
def test_event_table_round_trips_through_parquet_and_dedup_matches_local(spark, tmp_path) -> None:
    rows = [_full_event(i).to_dict() for i in range(3)] + [_sparse_event().to_dict()]
    rows += [_mention("m:0:0", names=("Military",)), _mention("n:2:0", names=("Military", "Police"))]
    df = spark.createDataFrame(rows, schema=sj.spark_schema())
    df.write.parquet(str(tmp_path / "ev"))
    back = _spark_events(spark, str(tmp_path / "ev"))
    assert back == sorted(rows, key=lambda d: d["event_id"])
    merged_df = sj.dedup_events(spark.read.parquet(str(tmp_path / "ev")), 2)
    merged = [r.asDict(recursive=True) for r in merged_df.collect()]
    assert sorted(merged, key=lambda d: d["event_id"]) == sj.cluster_events(back)
    assert any(m["mentions"] > 1 for m in merged)
