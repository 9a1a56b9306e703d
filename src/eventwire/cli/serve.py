"""`eventwire serve`: the REST API and dashboard over a store (thin layer over eventwire.web)."""

from __future__ import annotations

import os

import click


@click.command("serve")
@click.option(
    "--db",
    "db_path",
    default=lambda: os.environ.get("EVENTWIRE_DB", "events.duckdb"),
    show_default="$EVENTWIRE_DB or events.duckdb",
    type=click.Path(dir_okay=False),
    help="The event store (DuckDB file) to serve; opened read-only.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@click.option(
    "--allow-ingest",
    is_flag=True,
    help="Enable POST /api/ingest (needs a bearer token in $EVENTWIRE_TOKEN; opens the store for writing).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes, each with its own read-only connection (read-only serving only).",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
)
def serve_cmd(db_path: str, host: str, port: int, allow_ingest: bool, workers: int, log_level: str) -> None:
    """Serve the dashboard and REST API (OpenAPI docs at /docs)."""
    try:
        import uvicorn

        from ..web.app import DB_ENV, create_app
    except ImportError as exc:
        raise click.ClickException(f"{exc}; install the web extra: pip install 'eventwire[web]'") from None
    if not os.path.exists(db_path):
        raise click.ClickException(f"no event store at {db_path} (build one with `eventwire ingest`)")
    if workers > 1:
        if allow_ingest:
            raise click.ClickException("--allow-ingest needs a single worker (the store has one writer)")
        # worker processes build their own app from the environment (uvicorn imports the factory)
        os.environ[DB_ENV] = os.path.abspath(db_path)
        uvicorn.run(
            "eventwire.web.app:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
        )
        return
    try:
        app = create_app(db_path, allow_ingest=allow_ingest)
    except (ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    uvicorn.run(app, host=host, port=port, log_level=log_level)


def register(group: click.Group) -> None:
    group.add_command(serve_cmd)
