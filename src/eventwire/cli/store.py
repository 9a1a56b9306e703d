"""`eventwire ingest | events | sql | export | rejected`: the corpus store from the command line."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..model import STATUSES
from ..store import DEFAULT_DB, EventFilter, Store, StoreError

_db_option = click.option("--db", "db", default=DEFAULT_DB, envvar="EVENTWIRE_DB", show_default=True,
                          type=click.Path(dir_okay=False), help="DuckDB database file (or $EVENTWIRE_DB).")


def _statuses(value: str | None) -> list[str] | None:
    if not value:
        return None
    items = [s.strip() for s in value.split(",") if s.strip()]
    bad = [s for s in items if s not in STATUSES]
    if bad:
        raise click.BadParameter(f"unknown status {', '.join(bad)}; choose from {', '.join(STATUSES)}")
    return items


def _filter_options(f):  # type: ignore[no-untyped-def]
    for opt in reversed((
        click.option("--since", default=None, help="Events on or after this date (YYYY-MM-DD)."),
        click.option("--until", default=None, help="Events on or before this date (YYYY-MM-DD)."),
        click.option("--country", default=None, help="ISO 3166 alpha-3 country of the event place."),
        click.option("--type", "etype", default=None, help="PLOVER event type, e.g. ASSAULT."),
        click.option("--actor", default=None, help="Actor id, or part of an actor name."),
        click.option("--status", default=None, help="Comma-separated statuses, e.g. asserted,claimed."),
        click.option("--min-fatalities", type=int, default=None, help="At least this many killed."),
    )):
        f = opt(f)
    return f


def _event_filter(since: str | None, until: str | None, country: str | None, etype: str | None,
                  actor: str | None, status: str | None, min_fatalities: int | None) -> EventFilter:
    return EventFilter(since=since, until=until, country=country, type=etype, actor=actor,
                       status=_statuses(status), min_fatalities=min_fatalities)


def _open_ro(db: str) -> Store:
    try:
        return Store(db, read_only=True)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@_db_option
@click.option("--workers", default=1, show_default=True, help="Worker processes for extraction.")
@click.option("--batch-size", default=16, show_default=True, help="Articles per committed transaction.")
@click.option("--stages", default=None, help="Comma-separated stage list (default: all).")
@click.option("--actors", "actors_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Extra actor dictionary; repeatable.")
@click.option("--no-near-duplicates", is_flag=True,
              help="Extract near-duplicate articles instead of linking.")
@click.option("--timeout", default=15.0, show_default=True, help="Seconds per HTTP request (URLs, feeds).")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr (default: when a terminal).")
@click.option("--verbose", "-v", is_flag=True, help="Log every committed batch on stderr.")
def ingest_cmd(paths: tuple[str, ...], db: str, workers: int, batch_size: int, stages: str | None,
               actors_files: tuple[str, ...], no_near_duplicates: bool, timeout: float,
               progress: bool | None, verbose: bool) -> None:
    """Ingest files, directories, .jsonl(.gz), RSS/Atom feeds and URLs into the store."""
    from ..config import Config
    from ..fetch import Fetcher
    from ..ingest import Ingester, IngestOptions, IngestStats, estimate_total, iter_inputs
    from ..nlp import ModelNotInstalled
    from ..pipeline import Pipeline

    opts: dict[str, Any] = {"actors_files": actors_files}
    if stages:
        opts["stages"] = tuple(s.strip() for s in stages.split(",") if s.strip())
    config = Config().with_options(**opts)
    try:
        pipe = Pipeline(config)
        if "parse" in config.stages and workers <= 1:  # (workers load their own copy)
            pipe.resources.nlp  # noqa: B018 - fail early, with the install hint, before reading input
    except ModelNotInstalled as exc:
        raise click.ClickException(str(exc)) from None
    options = IngestOptions(workers=max(1, workers), batch_size=max(1, batch_size),
                            max_chars=config.max_article_chars, detect_near_duplicates=not no_near_duplicates)
    try:
        store = Store(db)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    show = sys.stderr.isatty() if progress is None else progress
    total = estimate_total(paths) if show else None
    with store, Fetcher(timeout=timeout) as fetcher, _Progress(show, total) as bar:
        def on_commit(s: IngestStats) -> None:
            bar(s)
            if verbose:
                click.echo(f"eventwire: committed {s.articles} article(s), {s.duplicates} duplicate(s), "
                           f"{s.events} event mention(s), {s.rejected} rejected", err=True)

        stats = Ingester(store, pipe, options).run(iter_inputs(paths, fetcher), command=" ".join(sys.argv),
                                                   progress=on_commit)
        counts = store.counts()
    click.echo(f"eventwire: {stats.articles} new article(s), {stats.duplicates} near-duplicate(s) linked, "
               f"{stats.skipped} already stored, {stats.rejected} rejected, {stats.events} event mention(s); "
               f"{db} now holds {counts['articles']} articles and {counts['events']} merged events", err=True)


@click.command("events")
@_db_option
@_filter_options
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@click.option("--mentions", is_flag=True, help="List the un-merged mentions instead of merged events.")
@click.option("--limit", type=int, default=None, help="At most this many rows.")
def events_cmd(db: str, since: str | None, until: str | None, country: str | None, etype: str | None,
               actor: str | None, status: str | None, min_fatalities: int | None, fmt: str, mentions: bool,
               limit: int | None) -> None:
    """List merged events (with their number of sources) or the un-merged mentions."""
    from ..output import render_table

    f = _event_filter(since, until, country, etype, actor, status, min_fatalities)
    with _open_ro(db) as st:
        rows = st.query_mentions(f, limit=limit) if mentions else st.query_events(f, limit=limit)
    if fmt == "jsonl":
        for r in rows:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
        return
    _render_events(rows, mentions, render_table)


def _render_events(rows: list[dict[str, Any]], mentions: bool, render_table: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    from ..output import table_rows

    t = Table(title=f"{len(rows)} {'mentions' if mentions else 'events'}", show_lines=True, expand=True)
    cols = ["date", "type", "source", "target", "place", "killed", "status", "evidence"]
    cols.insert(0, "event" if not mentions else "mention")
    cols.append("event" if mentions else "sources")
    for c in cols:
        if c in ("date", "event", "mention", "killed", "sources"):
            t.add_column(c, no_wrap=True)
        else:
            t.add_column(c, ratio=3 if c == "evidence" else 1, overflow="fold")
    for r, cells in zip(rows, table_rows(rows), strict=True):
        key = str(r.get("mention_id") if mentions else r["event_key"])
        extra = r["event_key"] if mentions else str(r["n_sources"])
        t.add_row(key[:11], *cells, extra[:11])
    Console(file=sys.stdout, width=max(120, Console().width)).print(t)


@click.command("sql")
@click.argument("query")
@_db_option
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "csv"]), default="table",
              show_default=True)
def sql_cmd(query: str, db: str, fmt: str) -> None:
    """Run one read-only SELECT on the store (no writes, no file or network access)."""
    from ..store import run_read_sql

    try:
        cols, rows = run_read_sql(db, query)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "jsonl":
        for row in rows:
            rec = dict(zip(cols, row, strict=True))
            sys.stdout.write(json.dumps(rec, default=str, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        import csv

        w = csv.writer(sys.stdout)
        w.writerow(cols)
        w.writerows(rows)
    else:
        from rich.console import Console
        from rich.table import Table

        t = Table(*cols, title=f"{len(rows)} row(s)")
        for row in rows:
            t.add_row(*("" if v is None else str(v) for v in row))
        Console(file=sys.stdout, width=max(120, Console().width)).print(t)


@click.command("export")
@_db_option
@click.option("--format", "fmt", required=True,
              type=click.Choice(["acled-csv", "cameo-tsv", "plover-json", "parquet", "geojson", "jsonl"]))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help="File to write.")
@_filter_options
def export_cmd(db: str, fmt: str, output: str, since: str | None, until: str | None, country: str | None,
               etype: str | None, actor: str | None, status: str | None, min_fatalities: int | None) -> None:
    """Export merged events as ACLED CSV, CAMEO TSV, PLOVER JSON, Parquet, GeoJSON or JSONL."""
    from ..export import export_events

    f = _event_filter(since, until, country, etype, actor, status, min_fatalities)
    with _open_ro(db) as st:
        total = st.count_events(f)
        n = export_events(st, fmt, output, f)
    left = f" ({total - n} without the fields {fmt} needs left out)" if n < total else ""
    click.echo(f"eventwire: wrote {n} event(s) to {output}{left}", err=True)


@click.command("rejected")
@_db_option
@click.option("--run", "run_id", type=int, default=None, help="Only this ingest run.")
@click.option("--limit", type=int, default=None)
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def rejected_cmd(db: str, run_id: int | None, limit: int | None, fmt: str) -> None:
    """Inputs the ingest could not use, with the reason."""
    with _open_ro(db) as st:
        rows = st.rejected(run_id, limit)
    if fmt == "jsonl":
        for r in rows:
            sys.stdout.write(json.dumps(r, default=str, ensure_ascii=False) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    t = Table("source", "line", "reason", "run", title=f"{len(rows)} rejected input(s)")
    for r in rows:
        t.add_row(r["source"], "" if r["line"] is None else str(r["line"]), r["reason"], str(r["run_id"]))
    Console(file=sys.stdout, width=max(120, Console().width)).print(t)


class _Progress:
    """Rich progress on stderr: inputs done, articles/s, events, rejected, ETA; a no-op when disabled."""

    def __init__(self, enabled: bool, total: int | None) -> None:
        self.enabled, self.total = enabled, total

    def __enter__(self):  # type: ignore[no-untyped-def]
        if not self.enabled:
            return lambda s: None
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.p = Progress(SpinnerColumn(), BarColumn(), MofNCompleteColumn(),
                          TextColumn("{task.fields[rate]} art/s"), TextColumn("{task.fields[events]} events"),
                          TextColumn("{task.fields[rejected]} rejected"), TimeElapsedColumn(),
                          TextColumn("ETA"), TimeRemainingColumn(), console=Console(stderr=True))
        self.p.__enter__()
        self.task = self.p.add_task("ingest", total=self.total, rate="-", events=0, rejected=0)

        def update(s) -> None:  # type: ignore[no-untyped-def]
            self.p.update(self.task, completed=s.done, rate=f"{s.rate:.1f}", events=s.events,
                          rejected=s.rejected)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.p.__exit__(None, None, None)


def register(group: click.Group) -> None:
    for cmd in (ingest_cmd, events_cmd, sql_cmd, export_cmd, rejected_cmd):
        group.add_command(cmd)
