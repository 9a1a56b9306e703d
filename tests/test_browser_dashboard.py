"""The dashboard in a real headless Chromium against a uvicorn server on loopback.

Skipped when the system Chromium (`/usr/bin/chromium`, Debian package) or Playwright is
absent. The server is the real `eventwire serve` command in a subprocess; the store holds
generated events plus articles whose text, title and actor names carry markup and
event handlers, which must show up as text and never run.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = os.environ.get("EVENTWIRE_CHROMIUM", "/usr/bin/chromium")
if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
    pytest.skip("system chromium not installed", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from eventwire.model import Actor, Place  # noqa: E402
from eventwire.web import synthetic as S  # noqa: E402
from eventwire.web.testing import serve_subprocess  # noqa: E402

pytestmark = pytest.mark.slow

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOT = Path(__file__).resolve().parents[1] / "docs" / "dashboard.png"
EVIL_TEXT = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
EVIL_ACTOR = Actor(
    "marshals", '<b onmouseover="window.__xss=3">Rally marshals</b>', "MARSHALS", "SDN", "CVL", "group"
)


def _evil_articles() -> list[S.SynthArticle]:
    day = dt.date(2024, 4, 20)
    khartoum = Place("Khartoum", "SDN", "Khartoum", 15.501, 32.559, None, "city")
    police = Actor("police", "Police", None, "SDN", "COP", "group")
    sent = f"Crowds in Khartoum held placards reading {EVIL_TEXT} as police watched, organisers said."
    spec = {
        "type_": "PROTEST",
        "source": [EVIL_ACTOR],
        "target": [police],
        "date": day,
        "place": khartoum,
        "fatalities": None,
        "status": "asserted",
        "cameo": "141",
        "goldstein": -6.5,
        "trigger": "held",
    }
    art = S.build_article(
        "evil-1",
        day,
        [("Dispatch from the capital.", None), (sent, spec)],
        title='Rally <img src=x onerror="window.__xss=4"> report',
    )
    return [art]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("browser") / "events.duckdb"
    S.build_db(str(db), 900, seed=11, extra=_evil_articles())
    with serve_subprocess(db) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    exe = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=ARGS)
        yield b
        b.close()


class Page:
    """A page that records console errors, page errors and requests leaving loopback."""

    def __init__(self, browser: Any, base: str) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 1700})
        self.errors: list[str] = []
        self.offsite: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on(
            "request", lambda r: None if r.url.startswith((base, "data:")) else self.offsite.append(r.url)
        )
        self.base = base

    def ready(self) -> None:
        self.page.wait_for_selector("body[data-ready=true]", timeout=60_000)

    def data(self, selector: str, key: str) -> str | None:
        return self.page.eval_on_selector(selector, f"e => e.dataset.{key}")


def _api(base: str, path: str, **params: Any) -> Any:
    r = httpx.get(base + path, params=params, timeout=30)
    r.raise_for_status()
    return r.json()


def test_dashboard_loads_filters_and_keeps_state_in_url(server: str, browser: Any, tmp_path: Path) -> None:
    pg = Page(browser, server)
    pg.page.goto(server + "/")
    pg.ready()
    total = _api(server, "/api/events", limit=1)["total"]
    assert pg.data("#events", "total") == str(total)
    assert pg.data("#timeline", "n") == str(total)  # every generated event is dated
    n_points = int(pg.data("#map", "points") or 0)
    assert n_points == len(_api(server, "/api/map")["points"]) > 1
    assert int(pg.data("#network", "nodes") or 0) > 2 and int(pg.data("#network", "edges") or 0) > 0
    assert int(pg.data("#dyad", "periods") or 0) > 0
    assert pg.page.locator("#map path.land").count() > 150  # country outlines drawn from the TopoJSON
    assert pg.page.locator("#rising li").count() >= 1
    pg.page.screenshot(path=str(tmp_path / "synthetic.png"), full_page=True)

    # apply a filter through the form: every panel must follow it
    pg.page.select_option("select[name=country]", "SYR")
    pg.page.select_option("select[name=type]", "ASSAULT")
    pg.page.click("#apply")
    pg.ready()
    assert "country=SYR" in pg.page.url and "type=ASSAULT" in pg.page.url
    want = _api(server, "/api/events", country="SYR", type="ASSAULT", limit=1)["total"]
    assert 0 < want < total
    assert pg.data("#events", "total") == str(want)
    assert pg.data("#timeline", "n") == str(want)
    places = pg.page.locator("#events tbody td:nth-child(5)").all_inner_texts()
    assert places and all(p.endswith("(SYR)") for p in places)
    types = set(pg.page.locator("#events tbody td:nth-child(2)").all_inner_texts())
    assert types == {"ASSAULT"}
    pts = int(pg.data("#map", "points") or 0)
    assert 0 < pts < n_points
    assert all("(SYR)" in t for t in pg.page.locator("#map circle title").all_text_contents())
    net = _api(server, "/api/network", country="SYR", type="ASSAULT", max_nodes=30)
    assert pg.data("#network", "edges") == str(len(net["edges"]))

    # the URL alone restores the filter state
    pg.page.goto(pg.page.url)
    pg.ready()
    assert pg.page.input_value("select[name=country]") == "SYR"
    assert pg.page.input_value("select[name=type]") == "ASSAULT"
    assert pg.data("#events", "total") == str(want)

    # a status filter through the checkboxes, then back (history) to the previous state
    pg.page.check("input[name=status][value=claimed]")
    pg.page.click("#apply")
    pg.ready()
    claimed = _api(server, "/api/events", country="SYR", type="ASSAULT", status="claimed", limit=1)["total"]
    assert pg.data("#events", "total") == str(claimed) and claimed < want
    pg.page.go_back()
    pg.ready()
    assert pg.data("#events", "total") == str(want)
    assert pg.errors == [] and pg.offsite == []
    pg.page.close()


def test_article_view_highlights_evidence_and_never_runs_article_markup(server: str, browser: Any) -> None:
    pg = Page(browser, server)
    pg.page.goto(server + "/?actor=MARSHALS")
    pg.ready()
    assert pg.data("#events", "total") == "1"
    row = pg.page.locator("#events tbody tr").first
    assert EVIL_TEXT in row.inner_text()  # the evidence cell shows the markup as text
    assert EVIL_ACTOR.name in row.inner_text()
    row.click()
    mark = pg.page.wait_for_selector("#article mark.evidence", timeout=30_000)
    assert EVIL_TEXT in mark.inner_text()
    assert mark.query_selector("strong").inner_text() == "held"  # the trigger inside the evidence
    body = pg.page.locator("#article-body")
    assert 'Rally <img src=x onerror="window.__xss=4"> report' in body.inner_text()
    assert body.locator("script, img, b").count() == 0
    assert pg.page.locator("#network text").all_text_contents().count(EVIL_ACTOR.name) == 1
    pg.page.hover("#events tbody tr")
    assert pg.page.evaluate("() => window.__xss") is None
    assert pg.errors == [] and pg.offsite == []
    pg.page.close()


def test_openapi_docs_render_offline(server: str, browser: Any) -> None:
    pytest.importorskip("fastapi_offline")
    pg = Page(browser, server)
    pg.page.goto(server + "/docs")
    pg.page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    assert pg.page.locator(".opblock").count() >= 8
    assert "/api/escalation" in pg.page.locator(".opblock-summary-path").all_text_contents()
    assert pg.offsite == []
    pg.page.close()


def test_empty_store_renders_without_errors(tmp_path: Path, browser: Any) -> None:
    import duckdb

    db = tmp_path / "empty.duckdb"
    conn = duckdb.connect(str(db))
    S.create_schema(conn)
    conn.close()
    with serve_subprocess(db) as base:
        pg = Page(browser, base)
        pg.page.goto(base + "/?country=IRQ")
        pg.ready()
        assert pg.data("#events", "total") == "0"
        assert pg.data("#map", "points") == "0" and pg.data("#network", "nodes") == "0"
        assert pg.data("#dyad", "periods") == "0"
        assert pg.page.locator("#map path.land").count() > 150
        assert pg.errors == [] and pg.offsite == []
        pg.page.close()


EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles.jsonl"


def test_dashboard_on_the_bundled_examples(tmp_path: Path, browser: Any) -> None:
    """Ingest the bundled example articles with the real pipeline, serve them, and screenshot the dashboard."""
    import subprocess
    import sys

    db = tmp_path / "examples.duckdb"
    proc = subprocess.run([sys.executable, "-m", "eventwire", "ingest", str(EXAMPLES), "--db", str(db)],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    with serve_subprocess(db) as base:
        pg = Page(browser, base)
        pg.page.goto(base + "/")
        pg.ready()
        total = _api(base, "/api/events", limit=1)["total"]
        assert total >= 40  # twelve multi-paragraph articles
        assert pg.data("#events", "total") == str(total)
        assert int(pg.data("#map", "points") or 0) >= 8  # the articles cover a dozen countries
        assert int(pg.data("#network", "edges") or 0) > 0
        SHOT.parent.mkdir(parents=True, exist_ok=True)
        pg.page.screenshot(path=str(SHOT), full_page=True)
        assert not pg.errors, pg.errors
        assert not pg.offsite, pg.offsite
