"""FastAPI app: a read-only REST API over the event store plus the offline dashboard.

Why this shape: the server holds one read-only DuckDB connection with external file
access switched off, hands each worker thread its own cursor, and sends every client
value to the database as a bound parameter (see `queries`). The dashboard is static
files from this package; its charting library is served from the installed `plotly`
package, so nothing is fetched from the network.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import os
import queue
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

import duckdb
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field, ValidationError, model_validator

from .. import __version__
from ..model import PLOVER_TYPES, STATUSES
from . import queries as Q

STATIC_DIR = Path(__file__).parent / "static"
TOKEN_ENV = "EVENTWIRE_TOKEN"
DB_ENV = "EVENTWIRE_DB"
MAX_INGEST_BYTES = 1_000_000

_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


class Database:
    """The server's DuckDB connection: read-only, no external access, pooled cursors."""

    def __init__(self, path: str | os.PathLike[str], writable: bool = False) -> None:
        p = Path(path)
        if not p.exists():
            raise FileNotFoundError(f"no event store at {p}")
        self.path = p
        self.store: Any = None
        if writable:  # ingest needs the store's writer; reads still go through cursors of it
            from ..store import Store

            self.store = Store(str(p), allow_external_access=False)
            self.conn = self.store.conn
        else:
            self.conn = duckdb.connect(str(p), read_only=True, config={"enable_external_access": False})
        # belt and braces: the setting cannot be switched back on while the database is open
        self.conn.execute("SET enable_external_access = false")
        self._idle: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._cursors: list[Any] = []
        self._lock = threading.Lock()
        self.write_lock = threading.Lock()

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        """Lend a cursor to one request at a time.

        Why a pool and not a thread-local: FastAPI may run a request's dependencies and
        its endpoint on different worker threads, and a DuckDB cursor refuses a second
        concurrent call.
        """
        try:
            cur = self._idle.get_nowait()
        except queue.Empty:
            cur = self.conn.cursor()
            with self._lock:
                self._cursors.append(cur)
        try:
            yield cur
        finally:
            self._idle.put(cur)

    def close(self) -> None:
        with self._lock:
            for c in self._cursors:
                try:
                    c.close()
                except duckdb.Error:
                    pass
            self._cursors.clear()
        if self.store is not None:
            self.store.close()
        else:
            self.conn.close()


def _csv(
    value: str | None, allowed: tuple[str, ...] | None, what: str, upper: bool = True
) -> tuple[str, ...]:
    if not value:
        return ()
    items = tuple(
        dict.fromkeys(s.strip().upper() if upper else s.strip() for s in value.split(",") if s.strip())
    )
    if allowed is not None:
        bad = [s for s in items if s not in allowed]
        if bad:
            raise HTTPException(422, f"unknown {what} {', '.join(bad)}; choose from {', '.join(allowed)}")
    return items


def get_filters(
    since: Annotated[dt.date | None, Query(description="Events on or after this day (YYYY-MM-DD).")] = None,
    until: Annotated[dt.date | None, Query(description="Events on or before this day (YYYY-MM-DD).")] = None,
    country: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z]{3}(,[A-Za-z]{3})*$",
            description="ISO3 code(s) of the event location, comma-separated.",
        ),
    ] = None,
    type: Annotated[str | None, Query(max_length=200, description="PLOVER type(s), comma-separated.")] = None,
    actor: Annotated[
        str | None,
        Query(min_length=1, max_length=200, description="Actor key, id, or part of a name (either side)."),
    ] = None,
    status: Annotated[str | None, Query(max_length=200, description="Status(es), comma-separated.")] = None,
    min_fatalities: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
) -> Q.Filters:
    """The CLI's event filters, validated (unknown types/statuses and reversed ranges are 422)."""
    if since and until and since > until:
        raise HTTPException(422, "since is after until")
    return Q.Filters(
        since=since,
        until=until,
        country=_csv(country, None, "country"),
        type=_csv(type, PLOVER_TYPES, "type"),
        status=_csv(status, STATUSES, "status", upper=False),
        actor=actor.strip() or None if actor else None,
        min_fatalities=min_fatalities,
    )


def _cursor(request: Request) -> Iterator[Any]:
    with request.app.state.db.cursor() as cur:
        yield cur


Cur = Annotated[Any, Depends(_cursor)]
Flt = Annotated[Q.Filters, Depends(get_filters)]


class IngestRequest(BaseModel):
    """One article to run through the pipeline and store: its text, or only a URL to fetch it from."""

    text: str | None = Field(None, min_length=1)
    id: str | None = Field(None, max_length=500)
    published: dt.date | None = None
    title: str | None = Field(None, max_length=2000)
    url: str | None = Field(None, max_length=4000)
    source: str | None = Field(None, max_length=500)

    @model_validator(mode="after")
    def _text_or_url(self) -> IngestRequest:
        if self.text is None and not (self.url and self.url.startswith(("http://", "https://"))):
            raise ValueError("give the article text, or an http(s) url to fetch it from")
        return self


class _SecurityHeaders:
    """Pure ASGI middleware adding CSP and related headers to every response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope.get("path", "").startswith(("/docs", "/redoc"))

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                if not docs:  # the Swagger page loads its own assets; keep the strict policy elsewhere
                    headers.append((b"content-security-policy", _CSP.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _plotly_js() -> Path | None:
    try:
        import plotly
    except ImportError:
        return None
    p = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return p if p.exists() else None


def _swagger_dir() -> Path | None:
    """Swagger UI assets shipped by the `fastapi-offline` package, so /docs works offline too."""
    try:
        import fastapi_offline
    except ImportError:
        return None
    p = Path(fastapi_offline.__file__).parent / "static"
    return p if (p / "swagger-ui-bundle.js").exists() else None


def create_app(
    db_path: str | os.PathLike[str],
    allow_ingest: bool = False,
    token: str | None = None,
    max_ingest_bytes: int = MAX_INGEST_BYTES,
) -> FastAPI:
    """Build the app over the store at `db_path`.

    With `allow_ingest`, `POST /api/ingest` is enabled and requires `Authorization: Bearer
    <token>`; the token is `token` or the `EVENTWIRE_TOKEN` environment variable, and the
    app refuses to start without one.
    """
    if allow_ingest:
        token = token or os.environ.get(TOKEN_ENV)
        if not token:
            raise ValueError(f"--allow-ingest needs a token in ${TOKEN_ENV}")
    db = Database(db_path, writable=allow_ingest)
    state: dict[str, Any] = {"ingester": None}

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        db.close()

    swagger = _swagger_dir()
    app = FastAPI(
        title="eventwire",
        version=__version__,
        lifespan=lifespan,
        description="Coded political events from news text: read-only API over an eventwire store.",
        docs_url=None if swagger else "/docs",
        redoc_url=None,
    )
    app.add_middleware(_SecurityHeaders)
    app.state.db = db

    @app.get("/api/health", tags=["meta"])
    def health(c: Cur) -> dict[str, Any]:
        """Liveness and store size."""
        return {**Q.health(c), "version": __version__, "ingest": allow_ingest}

    @app.get("/api/facets", tags=["meta"])
    def facets(c: Cur) -> dict[str, Any]:
        """Values for filter controls: date range, countries, types, statuses present in the store."""
        return Q.facets(c)

    @app.get("/api/events", tags=["events"], responses={200: {"content": {"application/geo+json": {}}}})
    def events(
        f: Flt,
        c: Cur,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
        format: Literal["json", "geojson"] = "json",
    ) -> Response:
        """Merged events matching the filters, newest first, as contract records (or GeoJSON points)."""
        if format == "geojson":
            total = Q.count_events(c, f, located=True)
            feats = Q.list_events_geo(c, f, limit, offset)
            body = {
                "type": "FeatureCollection",
                "features": feats,
                "total": total,
                "limit": limit,
                "offset": offset,
            }
            return Response(json.dumps(body, ensure_ascii=False), media_type="application/geo+json")
        total = Q.count_events(c, f)
        rows = Q.list_events_json(c, f, limit, offset)
        body_s = f'{{"total":{total},"limit":{limit},"offset":{offset},"events":[' + ",".join(rows) + "]}"
        return Response(body_s, media_type="application/json")

    @app.get("/api/events/{event_id}", tags=["events"])
    def event(event_id: Annotated[str, PathParam(max_length=300)], c: Cur) -> dict[str, Any]:
        """One event with all its mentions and their source articles (evidence offsets for highlighting)."""
        d = Q.event_detail(c, event_id)
        if d is None:
            raise HTTPException(404, f"no event {event_id!r}")
        return d

    @app.get("/api/actors", tags=["actors"])
    def actors(
        f: Flt,
        c: Cur,
        q: Annotated[str | None, Query(max_length=200)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> dict[str, Any]:
        """Actors with counts of matching events (`q` searches names)."""
        return {"actors": Q.actors(c, f, q, limit, offset)}

    @app.get("/api/network", tags=["actors"])
    def network(f: Flt, c: Cur, max_nodes: Annotated[int, Query(ge=2, le=300)] = 40) -> dict[str, Any]:
        """Actor graph for the dashboard: the busiest actors and the events between them by quad class."""
        return Q.network(c, f, max_nodes)

    @app.get("/api/timeline", tags=["aggregates"])
    def timeline(f: Flt, c: Cur) -> dict[str, Any]:
        """Events per day and type."""
        return {"series": Q.timeline(c, f)}

    @app.get("/api/map", tags=["aggregates"])
    def map_(f: Flt, c: Cur, limit: Annotated[int, Query(ge=1, le=20000)] = 2000) -> dict[str, Any]:
        """Events per place with summed fatalities."""
        return {"points": Q.map_points(c, f, limit)}

    @app.get("/api/dyads", tags=["dyads"])
    def dyads(
        a: Annotated[str, Query(min_length=1, max_length=200, description="Actor key, id or name.")],
        b: Annotated[str, Query(min_length=1, max_length=200, description="Actor key, id or name.")],
        f: Flt,
        c: Cur,
        interval: Literal["day", "week", "month"] = "week",
    ) -> dict[str, Any]:
        """Time series for an actor pair in both directions: events and summed Goldstein per period."""
        aa, bb = Q.resolve_actor(c, a), Q.resolve_actor(c, b)
        if aa is None or bb is None:
            raise HTTPException(404, f"unknown actor {a if aa is None else b!r}")
        if aa["actor_key"] == bb["actor_key"]:
            raise HTTPException(422, "a and b name the same actor")
        return {
            "a": aa,
            "b": bb,
            "interval": interval,
            "series": Q.dyad_series(c, f, aa["actor_key"], bb["actor_key"], interval),
        }

    @app.get("/api/escalation", tags=["dyads"])
    def escalation(
        f: Flt,
        c: Cur,
        recent_weeks: Annotated[int, Query(ge=1, le=26, description="Weeks compared with the history.")] = 2,
        min_history_weeks: Annotated[int, Query(ge=1, le=520)] = 4,
        z: Annotated[float, Query(ge=0, le=100, description="Minimum rise in history std units.")] = 2.0,
        min_score: Annotated[float, Query(ge=0, description="Minimum recent weekly conflict score.")] = 5.0,
        within_days: Annotated[int, Query(ge=0, le=365, description="Action-reaction window (days).")] = 7,
        conflict_only: bool = True,
        limit: Annotated[int, Query(ge=1, le=500)] = 20,
    ) -> dict[str, Any]:
        """Rising dyads (conflict score against their own history) and action-reaction pairs."""
        return {
            "rising": Q.rising_dyads(c, f, recent_weeks, min_history_weeks, z, min_score, limit),
            "action_reaction": Q.action_reaction(c, f, within_days, conflict_only, limit),
        }

    @app.post(
        "/api/ingest",
        tags=["ingest"],
        status_code=201,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": IngestRequest.model_json_schema()}},
            }
        },
    )
    async def ingest(request: Request) -> JSONResponse:
        """Extract events from one posted article (or the page at `url`) into the store.

        Needs `--allow-ingest` and `Authorization: Bearer $EVENTWIRE_TOKEN`; bodies over the size
        limit are refused with 413.
        """
        if not allow_ingest:
            raise HTTPException(403, "ingest is disabled; start the server with --allow-ingest")
        auth = request.headers.get("authorization", "")
        given = auth[7:] if auth.lower().startswith("bearer ") else ""
        if not given or not hmac.compare_digest(given.encode(), str(token).encode()):
            raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > max_ingest_bytes):
            raise HTTPException(413, f"request body over {max_ingest_bytes} bytes")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_ingest_bytes:
                raise HTTPException(413, f"request body over {max_ingest_bytes} bytes")
        try:
            item = IngestRequest.model_validate_json(bytes(body))
        except ValidationError as exc:
            raise HTTPException(422, json.loads(exc.json(include_url=False))) from None
        from starlette.concurrency import run_in_threadpool

        result = await run_in_threadpool(_ingest, db, state, item)
        return JSONResponse(result, status_code=201)

    plotly_path = _plotly_js()

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        if plotly_path is None:
            raise HTTPException(404, "the plotly package is not installed (pip install 'eventwire[web]')")
        return FileResponse(plotly_path, media_type="text/javascript")

    if swagger is not None:
        from fastapi.openapi.docs import get_swagger_ui_html

        app.mount("/static/vendor/swagger", StaticFiles(directory=swagger), name="swagger")

        @app.get("/docs", include_in_schema=False)
        def docs() -> Response:
            return get_swagger_ui_html(
                openapi_url="/openapi.json",
                title="eventwire API",
                swagger_js_url="/static/vendor/swagger/swagger-ui-bundle.js",
                swagger_css_url="/static/vendor/swagger/swagger-ui.css",
                swagger_favicon_url="/static/vendor/swagger/favicon.png",
            )

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    return app


def _ingest(db: Database, state: dict[str, Any], item: IngestRequest) -> dict[str, Any]:
    """Run the pipeline on the posted (or fetched) article(s); write through the store's ingester.

    One writer at a time. A URL may name a feed, which yields several articles.
    """
    from ..fetch import Fetcher, read_url
    from ..ingest import Ingester, article_key
    from ..io import InputProblem
    from ..model import Article
    from ..pipeline import Pipeline

    items: list[Article | InputProblem]
    if item.text is not None:
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        items = [
            Article(
                id=item.id or f"api-{stamp}",
                text=item.text,
                published=item.published,
                title=item.title,
                url=item.url,
                source=item.source,
            )
        ]
    else:
        assert item.url is not None
        with Fetcher() as fetcher:
            items = list(read_url(item.url, fetcher))
        problems = [str(p) for p in items if isinstance(p, InputProblem)]
        if problems and len(problems) == len(items):
            raise HTTPException(502, f"could not use {item.url}: {'; '.join(problems)[:1000]}")
    for it in items:
        if isinstance(it, Article):
            it.meta.setdefault("origin", "api")
            if item.published and it.published is None:
                it.published = item.published
    with db.write_lock:
        if state.get("ingester") is None:  # one ingester for the server's life: keys are read once
            state["ingester"] = Ingester(db.store, Pipeline())
        stats = state["ingester"].run(items, command="serve --allow-ingest")
        articles = []
        with db.cursor() as c:
            for art in items:
                if not isinstance(art, Article):
                    continue
                key = article_key(art.text, art.url)[0]
                row = c.execute("SELECT duplicate_of FROM articles WHERE article_key = ?", [key]).fetchone()
                events = [
                    r[0]
                    for r in c.execute(
                        "SELECT DISTINCT event_key FROM mentions WHERE article_key = ? ORDER BY 1", [key]
                    ).fetchall()
                ]
                articles.append(
                    {
                        "article_id": art.id,
                        "article_key": key,
                        "stored": row is not None,
                        "duplicate_of": row[0] if row else None,
                        "event_keys": events,
                    }
                )
    return {
        "articles": articles,
        "problems": [str(p) for p in items if isinstance(p, InputProblem)],
        "stats": {
            "articles": stats.articles,
            "duplicates": stats.duplicates,
            "skipped": stats.skipped,
            "rejected": stats.rejected,
            "events": stats.events,
        },
    }


def app_from_env() -> FastAPI:
    """Read-only app over `$EVENTWIRE_DB`: the factory `eventwire serve --workers N` hands to uvicorn."""
    return create_app(os.environ[DB_ENV])
