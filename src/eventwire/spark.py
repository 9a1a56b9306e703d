"""The Spark job: the same library extraction, partitioned over a cluster.

Stage 1 reads JSONL or Parquet articles, spreads them over `partitions` tasks and
runs `Pipeline.pipe` inside `mapInArrow`, so every executor codes exactly what
`eventwire extract` codes. Events are written as Parquet with one column per
contract field; nested contract objects are Spark structs (actors are arrays of
structs), so `row.asDict(recursive=True)` is the contract dict again
(`row_to_event`).

Stage 2 (cross-article deduplication) re-reads those events, co-locates them by
country and merges mentions of one real-world event with the same coreference
rules the DuckDB store applies on ingest (`corpus_dedup.Clusterer`).

pyspark and pyarrow are imported lazily: they are the optional `[spark]` extra.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .config import Config
from .corpus_dedup import Clusterer, CorefRules

if TYPE_CHECKING:
    from .pipeline import Pipeline

# ---------------------------------------------------------------- schema

# one neutral description of the contract record, turned into both Arrow and Spark types
_S, _F, _I = "string", "double", "long"
_ACTOR: list[tuple[str, Any]] = [("text", _S), ("name", _S), ("id", _S), ("country", _S), ("sector", _S),
                                 ("kind", _S)]
_PLACE: list[tuple[str, Any]] = [("name", _S), ("country", _S), ("admin1", _S), ("lat", _F), ("lon", _F),
                                 ("geonames_id", _I), ("precision", _S)]
EVENT_FIELDS: list[tuple[str, Any]] = [
    ("schema_version", _S), ("event_id", _S), ("article_id", _S), ("type", _S), ("mode", _S),
    ("contexts", ("array", _S)), ("quad_class", _S), ("cameo", _S), ("goldstein", _F),
    ("acled", ("struct", [("event_type", _S), ("sub_event_type", _S)])),
    ("source", ("array", ("struct", _ACTOR))), ("target", ("array", ("struct", _ACTOR))),
    ("date", _S), ("date_precision", _S), ("date_text", _S), ("location", ("struct", _PLACE)),
    ("fatalities", _I), ("fatalities_qualifier", _S), ("injured", _I), ("arrested", _I), ("size", _I),
    ("status", _S), ("attributed_to", ("struct", _ACTOR)),
    ("evidence", ("struct", [("text", _S), ("sentence_index", _I), ("start", _I), ("end", _I),
                             ("trigger", _S)])),
    ("confidence", _F),
]
# stage 2 adds how many event records (across articles) were merged into this one, and which
DEDUP_FIELDS: list[tuple[str, Any]] = EVENT_FIELDS + [
    ("mentions", _I), ("mention_ids", ("array", _S)), ("article_ids", ("array", _S)),
]
ARTICLE_DDL = "id string, text string, published string, title string, url string, source string"


def _arrow_type(spec: Any) -> Any:
    import pyarrow as pa

    if spec == _S:
        return pa.string()
    if spec == _F:
        return pa.float64()
    if spec == _I:
        return pa.int64()
    kind, inner = spec
    if kind == "array":
        return pa.list_(_arrow_type(inner))
    return pa.struct([pa.field(n, _arrow_type(t)) for n, t in inner])


def _spark_type(spec: Any) -> Any:
    from pyspark.sql import types as T

    if spec == _S:
        return T.StringType()
    if spec == _F:
        return T.DoubleType()
    if spec == _I:
        return T.LongType()
    kind, inner = spec
    if kind == "array":
        return T.ArrayType(_spark_type(inner))
    return T.StructType([T.StructField(n, _spark_type(t)) for n, t in inner])


def arrow_schema(fields: list[tuple[str, Any]] = EVENT_FIELDS) -> Any:
    """The Arrow schema of the event table (or of the deduplicated table with `DEDUP_FIELDS`)."""
    import pyarrow as pa

    return pa.schema([pa.field(n, _arrow_type(t)) for n, t in fields])


def spark_schema(fields: list[tuple[str, Any]] = EVENT_FIELDS) -> Any:
    """The Spark schema matching `arrow_schema`."""
    from pyspark.sql import types as T

    return T.StructType([T.StructField(n, _spark_type(t)) for n, t in fields])


def row_to_event(row: Any) -> dict[str, Any]:
    """A Spark `Row` (or its dict) of the event table back to the contract dict."""
    d = row.asDict(recursive=True) if hasattr(row, "asDict") else dict(row)
    return {n: d[n] for n, _ in EVENT_FIELDS}


# ---------------------------------------------------------------- stage 1: extraction

# The one module global: a per-process cache of pipelines. Spark runs the function below in
# long-lived Python worker processes (spark.python.worker.reuse), one task after another; keeping
# the Pipeline here means the spaCy model and lexicons load once per worker process instead of
# once per task or batch. It is keyed by Config, so settings still travel explicitly.
_EXECUTOR_PIPELINES: dict[Config, Pipeline] = {}


def executor_pipeline(config: Config) -> Pipeline:
    """This process's pipeline for `config`, created on first use."""
    pipe = _EXECUTOR_PIPELINES.get(config)
    if pipe is None:
        from .pipeline import Pipeline

        pipe = _EXECUTOR_PIPELINES[config] = Pipeline(config)
    return pipe


def extract_batches(batches: Iterator[Any], config: Config, errors: Any = None) -> Iterator[Any]:
    """`mapInArrow` body: article record batches in, contract event record batches out.

    An article whose extraction fails yields no events; `(article id, error)` goes to the
    `errors` accumulator (when given) so the driver can report it.
    """
    import pyarrow as pa

    pipe = executor_pipeline(config)
    schema = arrow_schema()
    for rb in batches:
        rows = rb.to_pylist()
        out: list[dict[str, Any]] = []
        failed: list[tuple[str, str]] = []
        for art in pipe.pipe(rows, n_process=1, batch_size=config.batch_size):
            out.extend(e.to_dict() for e in art.events or [])
            if art.meta.get("error"):
                failed.append((art.id, str(art.meta["error"])))
        if failed and errors is not None:
            errors.add(failed)
        if out:
            yield pa.RecordBatch.from_pylist(out, schema=schema)


def read_articles(spark: Any, path: str, fmt: str = "auto") -> Any:
    """Articles as a DataFrame with the contract input columns; rows without text are dropped.

    A row without an id gets one derived from its text, so ids (and so event ids) are stable
    whatever the partitioning.
    """
    from pyspark.sql import functions as F

    if fmt == "auto":
        fmt = "parquet" if path.rstrip("/").endswith(".parquet") or _is_parquet_dir(path) else "jsonl"
    if fmt == "parquet":
        df = spark.read.parquet(path)
        cols = []
        for name in ("id", "text", "published", "title", "url", "source"):
            cols.append(F.col(name).cast("string").alias(name) if name in df.columns
                        else F.lit(None).cast("string").alias(name))
        df = df.select(*cols)
    elif fmt == "jsonl":
        df = spark.read.schema(ARTICLE_DDL).json(path)
    else:
        raise ValueError(f"unknown article format {fmt!r} (jsonl or parquet)")
    df = df.where(F.col("text").isNotNull() & (F.length(F.trim(F.col("text"))) > 0))
    derived = F.concat(F.lit("sha1-"), F.substring(F.sha1(F.col("text")), 1, 16))
    return df.withColumn("id", F.coalesce(F.col("id"), derived))


def _is_parquet_dir(path: str) -> bool:
    return os.path.isdir(path) and any(f.endswith(".parquet") for f in os.listdir(path))


def _list_param() -> Any:
    from pyspark.accumulators import AccumulatorParam

    class ListParam(AccumulatorParam):  # type: ignore[misc,type-arg]
        def zero(self, value: list[Any]) -> list[Any]:
            return []

        def addInPlace(self, a: list[Any], b: list[Any]) -> list[Any]:  # noqa: N802 - Spark's name
            return a + b

    return ListParam()


def extract_events(articles: Any, config: Config | None = None, partitions: int | None = None,
                   errors: Any = None) -> Any:
    """Stage 1 as a lazy DataFrame of contract events (one row per event).

    `errors`: an accumulator from `error_accumulator(spark)` that collects failed articles.
    """
    config = config or Config()
    spark = articles.sparkSession
    n = partitions or max(2, spark.sparkContext.defaultParallelism * 4)
    func = functools.partial(extract_batches, config=config, errors=errors)
    return articles.repartition(n).mapInArrow(func, spark_schema())


def error_accumulator(spark: Any) -> Any:
    """A list accumulator of (article id, error message) pairs."""
    return spark.sparkContext.accumulator([], _list_param())


# ---------------------------------------------------------------- stage 2: cross-article dedup

def _arrival(d: dict[str, Any]) -> tuple[str, int, int]:
    """Article by article, then in text order: the order an ingest of the same articles files them."""
    parts = str(d["event_id"]).rsplit(":", 2)
    try:
        return str(d.get("article_id") or parts[0]), int(parts[1]), int(parts[2])
    except (IndexError, ValueError):
        return str(d.get("article_id") or d["event_id"]), 0, 0


def cluster_events(events: list[dict[str, Any]], rules: CorefRules | None = None) -> list[dict[str, Any]]:
    """Merge reports of one event with the store's coreference rules (`corpus_dedup.Clusterer`).

    Mentions are filed in arrival order (articles by id, then text order). Each merged event is
    the store's merged record (strongest mention first, counts/date/place/actors combined) plus
    `mentions` (how many event records were merged), `mention_ids` and `article_ids`.
    """
    clusterer = Clusterer(rules)
    for d in sorted(events, key=_arrival):
        clusterer.add(str(d.get("article_id") or ""), str(d["event_id"]), d)
    out = []
    for ek, members in clusterer.mentions.items():
        merged_rec = clusterer.merged(ek)
        merged = {n: merged_rec.get(n) for n, _ in EVENT_FIELDS}
        merged["mentions"] = len(members)
        merged["mention_ids"] = sorted(mid for mid, _ in members)
        merged["article_ids"] = sorted({str(r.get("article_id")) for _, r in members})
        out.append(merged)
    out.sort(key=lambda d: str(d["event_id"]))
    return out


def dedup_batches(batches: Iterator[Any]) -> Iterator[Any]:
    """`mapInArrow` body for stage 2: a whole partition's events in, merged events out."""
    import pyarrow as pa

    rows: list[dict[str, Any]] = []
    for rb in batches:
        rows.extend(rb.to_pylist())
    merged = cluster_events(rows)
    if merged:
        yield pa.RecordBatch.from_pylist(merged, schema=arrow_schema(DEDUP_FIELDS))


def dedup_events(events: Any, partitions: int | None = None) -> Any:
    """Stage 2: co-locate each country's events in one partition, then cluster them there.

    Coreference never merges events placed in two different countries, so a country is a safe
    partition key. Events with no country at all share one partition and merge only among
    themselves (the store would also let them join an event in some country through a shared actor).
    """
    from pyspark.sql import functions as F

    spark = events.sparkSession
    n = partitions or max(2, spark.sparkContext.defaultParallelism)
    keyed = events.repartition(n, F.col("location.country"))
    return keyed.mapInArrow(dedup_batches, spark_schema(DEDUP_FIELDS))


# ---------------------------------------------------------------- session and job

def make_session(master: str = "local[*]", app_name: str = "eventwire",
                 conf: dict[str, str] | None = None) -> Any:
    """A SparkSession. Local masters bind to loopback only and run without the web UI."""
    from pyspark.sql import SparkSession

    # executors must run this interpreter (the one with eventwire and its model installed)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    b = SparkSession.builder.master(master).appName(app_name)
    settings = {"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "8",
                "spark.sql.execution.arrow.maxRecordsPerBatch": "256"}
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # stay on loopback
        settings.update({"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"})
    settings.update(conf or {})
    for k, v in settings.items():
        b = b.config(k, v)
    return b.getOrCreate()


def run_job(spark: Any, input_path: str, output_path: str, config: Config | None = None, fmt: str = "auto",
            partitions: int | None = None, dedup: bool = True) -> dict[str, Any]:
    """Both stages: `output_path/events` (contract events) and `output_path/deduplicated`.

    Returns counts and timings. Stage 2 re-reads stage 1's Parquet rather than reusing the
    DataFrame, so extraction is never recomputed.
    """
    config = config or Config()
    out = output_path.rstrip("/")
    t0 = time.perf_counter()
    articles = read_articles(spark, input_path, fmt)
    errors = error_accumulator(spark)
    extract_events(articles, config, partitions, errors).write.mode("overwrite").parquet(f"{out}/events")
    t1 = time.perf_counter()
    events = spark.read.parquet(f"{out}/events")
    failed = sorted(errors.value)
    stats: dict[str, Any] = {"articles": articles.count(), "events": events.count(),
                             "failed_articles": len(failed), "errors": failed[:20],
                             "extract_seconds": round(t1 - t0, 3)}
    if dedup:
        dedup_events(events, partitions).write.mode("overwrite").parquet(f"{out}/deduplicated")
        stats["deduplicated_events"] = spark.read.parquet(f"{out}/deduplicated").count()
        stats["dedup_seconds"] = round(time.perf_counter() - t1, 3)
    return stats
