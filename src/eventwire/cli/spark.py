"""`eventwire spark`: the extraction job on Apache Spark (the `[spark]` extra)."""

from __future__ import annotations

import json

import click

from ..config import Config

SPARK_HINT = "pip install 'eventwire[spark]'  (pyspark, pyarrow; needs Java 17+)"


@click.command("spark")
@click.option("--input", "input_path", required=True,
              help="JSONL or Parquet articles (file, directory or glob).")
@click.option("--output", "output_path", required=True,
              help="Output directory: events/ and deduplicated/ are written as Parquet.")
@click.option("--master", default="local[*]", show_default=True,
              help="Spark master: local[N] or spark://host:port.")
@click.option("--format", "fmt", type=click.Choice(["auto", "jsonl", "parquet"]), default="auto",
              show_default=True,
              help="Input format (auto: Parquet for *.parquet or a folder of them, else JSONL).")
@click.option("--partitions", type=int, default=None,
              help="Extraction tasks (default: 4 x the cluster's cores).")
@click.option("--no-dedup", is_flag=True, help="Skip the cross-article deduplication stage.")
@click.option("--no-prefilter", is_flag=True, help="Parse every sentence (slower; for comparison).")
def spark_cmd(input_path: str, output_path: str, master: str, fmt: str, partitions: int | None,
              no_dedup: bool, no_prefilter: bool) -> None:
    """Extract events from articles with Spark; prints a JSON summary on stdout."""
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise click.ClickException(f"Spark is not installed ({exc}); {SPARK_HINT}") from None
    from ..spark import make_session, run_job

    try:
        session = make_session(master)
    except Exception as exc:  # noqa: BLE001 - typically no Java, or an unreachable master
        raise click.ClickException(f"cannot start Spark on {master}: {exc}") from None
    try:
        stats = run_job(session, input_path, output_path, Config(prefilter=not no_prefilter), fmt=fmt,
                        partitions=partitions, dedup=not no_dedup)
    finally:
        session.stop()
    click.echo(json.dumps({"output": output_path, **stats}))


def register(group: click.Group) -> None:
    group.add_command(spark_cmd)
