"""REST API tests, in-process through the ASGI app, over a small store written in the documented schema.

Expected values are computed from the fixture records themselves (brute force), not typed in.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from eventwire.model import Actor, Place  # noqa: E402
from eventwire.web import synthetic as S  # noqa: E402
from eventwire.web.app import create_app  # noqa: E402

ALPHA = Actor("Alpha army", "Alpha army", "ALPHA", "IRQ", "MIL", "state")
BETA = Actor("Beta front", "Beta front", "BETA", "IRQ", "REB", "armed_group")
GAMMA = Actor("police", "Gamma police", None, "SYR", "COP", "group")
KIRKUK = Place("Kirkuk", "IRQ", "Kirkuk", 35.468, 44.392, None, "city")
ALEPPO = Place("Aleppo", "SYR", "Aleppo", 36.202, 37.134, None, "city")
REF = dt.date(2024, 3, 31)  # last day with events
XSS = '<script>window.__xss=1</script> and <img src=x onerror="window.__xss=1">'


def _spec(
    typ: str,
    src: Actor,
    tgt: Actor,
    day: dt.date,
    place: Place | None,
    gold: float,
    fat: int | None = None,
    status: str = "asserted",
) -> dict[str, Any]:
    return {
        "type_": typ,
        "source": [src],
        "target": [tgt],
        "date": day,
        "place": place,
        "fatalities": fat,
        "status": status,
        "cameo": "190" if typ == "ASSAULT" else "112",
        "goldstein": gold,
    }


def scenario() -> list[S.SynthArticle]:
    """Alpha/Beta: one accusation a week, then two weeks of attacks; Gamma/Alpha: steady accusations.

    Plus a tit-for-tat pair (3 days apart), a slow answer (20 days), an unlocated event, and an
    article whose text carries script tags and an event handler.
    """
    arts: list[S.SynthArticle] = []
    k = 0

    def add(
        sents: list[tuple[str, dict[str, Any] | None]], published: dt.date, url: str | None = None
    ) -> None:
        nonlocal k
        k += 1
        head = (f"Dispatch {k} filed on {published:%B %d}.", None)  # keeps every article text distinct
        arts.append(
            S.build_article(f"t{k:03d}", published, [head, *sents], title=f"Test report {k}", url=url)
        )

    for w in range(12, 2, -1):  # weeks 12..3 before REF: background accusations
        day = REF - dt.timedelta(days=7 * w)
        add(
            [
                (
                    "Alpha army accused Beta front of breaking the truce.",
                    _spec("ACCUSE", ALPHA, BETA, day, KIRKUK, -2.0),
                ),
                ("Police accused Alpha army of abuses.", _spec("ACCUSE", GAMMA, ALPHA, day, ALEPPO, -2.0)),
            ],
            day,
        )
    for w in (1, 0):  # last two weeks: attacks both ways, every other day
        for d in range(0, 7, 2):
            day = REF - dt.timedelta(days=7 * w + d)
            add(
                [
                    (
                        "Alpha army attacked Beta front positions, killing 4 fighters.",
                        _spec("ASSAULT", ALPHA, BETA, day, KIRKUK, -10.0, 4),
                    ),
                    (
                        "Beta front shelled an Alpha army base, killing 2 soldiers, the army claimed.",
                        _spec(
                            "ASSAULT", BETA, ALPHA, day - dt.timedelta(days=1), KIRKUK, -10.0, 2, "claimed"
                        ),
                    ),
                ],
                day,
            )
    d0 = REF - dt.timedelta(days=60)
    add(
        [
            ("Police raided a Beta front safe house.", _spec("COERCE", GAMMA, BETA, d0, ALEPPO, -5.0)),
            (
                "Beta front threatened police officers.",
                _spec("THREATEN", BETA, GAMMA, d0 + dt.timedelta(days=20), None, -4.0, status="future"),
            ),
        ],
        d0,
    )
    add(
        [
            (
                f"Protesters in Aleppo carried banners reading {XSS}, organisers said.",
                _spec("PROTEST", GAMMA, ALPHA, REF - dt.timedelta(days=40), ALEPPO, -6.5, 0, "uncertain"),
            ),
            ("The rally ended peacefully.", None),
        ],
        REF - dt.timedelta(days=40),
        url="https://example.org/xss",
    )
    return arts


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    path = tmp_path_factory.mktemp("web") / "events.duckdb"
    arts = scenario()
    conn = duckdb.connect(str(path))
    S.create_schema(conn)
    S.write_articles(conn, arts)
    conn.close()
    return path, [r for a in arts for r in a.records]


@pytest.fixture(scope="module")
def client(fixture_db: tuple[Path, list[dict[str, Any]]]) -> TestClient:
    with TestClient(create_app(fixture_db[0])) as c:
        yield c


def _all_events(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    offset = 0
    while True:
        r = client.get("/api/events", params={**params, "limit": 7, "offset": offset})
        assert r.status_code == 200, r.text
        page = r.json()["events"]
        out += page
        if len(page) < 7:
            return out
        offset += 7


def _names(r: dict[str, Any], role: str) -> list[str]:
    return [a["name"] for a in r[role]]


# ---------------------------------------------------------------- events


def test_health_counts_match_the_store(client: TestClient, fixture_db: Any) -> None:
    h = client.get("/api/health").json()
    assert h["status"] == "ok"
    assert h["events"] == len(fixture_db[1])
    assert h["articles"] == len(scenario())
    assert h["ingest"] is False


def test_events_pages_are_disjoint_and_complete_newest_first(client: TestClient, fixture_db: Any) -> None:
    first = client.get("/api/events", params={"limit": 5}).json()
    assert first["total"] == len(fixture_db[1]) and len(first["events"]) == 5
    evs = _all_events(client)
    keys = [e["event_key"] for e in evs]
    assert len(keys) == len(set(keys)) == len(fixture_db[1])
    dates = [e["date"] for e in evs if e["date"]]
    assert dates == sorted(dates, reverse=True)
    assert {e["event_id"] for e in evs} == {r["event_id"] for r in fixture_db[1]}
    assert all(e["n_mentions"] >= 1 and e["schema_version"] == "1" for e in evs)


@pytest.mark.parametrize(
    "params,pred",
    [
        ({"country": "SYR"}, lambda r: (r["location"] or {}).get("country") == "SYR"),
        ({"country": "irq,syr"}, lambda r: (r["location"] or {}).get("country") in ("IRQ", "SYR")),
        ({"type": "ASSAULT"}, lambda r: r["type"] == "ASSAULT"),
        ({"type": "accuse,threaten"}, lambda r: r["type"] in ("ACCUSE", "THREATEN")),
        ({"status": "claimed,future"}, lambda r: r["status"] in ("claimed", "future")),
        (
            {"since": "2024-03-20", "until": "2024-03-28"},
            lambda r: "2024-03-20" <= (r["date"] or "") <= "2024-03-28",
        ),
        ({"min_fatalities": 3}, lambda r: (r["fatalities"] or 0) >= 3),
        ({"actor": "BETA"}, lambda r: "Beta front" in _names(r, "source") + _names(r, "target")),
        ({"actor": "gamma"}, lambda r: "Gamma police" in _names(r, "source") + _names(r, "target")),
        ({"actor": "Beta", "type": "THREATEN"}, lambda r: r["type"] == "THREATEN"),
    ],
)
def test_event_filters_match_brute_force(
    client: TestClient, fixture_db: Any, params: dict[str, Any], pred: Any
) -> None:
    want = {r["event_id"] for r in fixture_db[1] if pred(r)}
    assert want, "the scenario must exercise this filter"
    got = {e["event_id"] for e in _all_events(client, **params)}
    assert got == want
    assert client.get("/api/events", params={**params, "limit": 1}).json()["total"] == len(want)


def test_geojson_holds_only_located_events_with_lon_lat(client: TestClient, fixture_db: Any) -> None:
    r = client.get("/api/events", params={"format": "geojson", "limit": 1000})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    fc = r.json()
    located = [x for x in fixture_db[1] if x["location"] and x["location"]["lat"] is not None]
    assert fc["type"] == "FeatureCollection" and fc["total"] == len(located) < len(fixture_db[1])
    by_key = {f["properties"]["event_key"]: f for f in fc["features"]}
    assert len(by_key) == len(located)
    for f in fc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert (lat, lon) in {(p.lat, p.lon) for p in (KIRKUK, ALEPPO)}


def test_event_detail_has_article_and_evidence_offsets(client: TestClient) -> None:
    ev = _all_events(client, type="PROTEST")[0]
    d = client.get(f"/api/events/{ev['event_key']}").json()
    assert d["record"]["event_id"] == ev["event_id"] and len(d["mentions"]) == 1
    m = d["mentions"][0]
    text, e = m["article"]["text"], m["evidence"]
    assert text[e["start"] : e["end"]] == m["record"]["evidence"]["text"]
    assert XSS in text  # served verbatim as JSON data; the page renders it as text
    assert m["article"]["url"] == "https://example.org/xss"
    by_id = client.get(f"/api/events/{ev['event_id']}").json()  # contract id also resolves
    assert by_id["event_key"] == ev["event_key"]
    assert client.get("/api/events/no-such-event").status_code == 404


# ---------------------------------------------------------------- actors, aggregates


def test_actor_counts_match_brute_force(client: TestClient, fixture_db: Any) -> None:
    acts = {a["name"]: a for a in client.get("/api/actors").json()["actors"]}
    for name in ("Alpha army", "Beta front", "Gamma police"):
        as_src = sum(name in _names(r, "source") for r in fixture_db[1])
        as_tgt = sum(name in _names(r, "target") for r in fixture_db[1])
        assert (acts[name]["n_as_source"], acts[name]["n_as_target"]) == (as_src, as_tgt)
    only_syr = client.get("/api/actors", params={"country": "SYR", "q": "alpha"}).json()["actors"]
    assert [a["name"] for a in only_syr] == ["Alpha army"]
    want = sum(
        1
        for r in fixture_db[1]
        if (r["location"] or {}).get("country") == "SYR"
        and "Alpha army" in _names(r, "source") + _names(r, "target")
    )
    assert only_syr[0]["n_events"] == want


def test_timeline_and_map_aggregate_the_filtered_events(client: TestClient, fixture_db: Any) -> None:
    tl = client.get("/api/timeline", params={"type": "ASSAULT"}).json()["series"]
    assert sum(x["n"] for x in tl) == sum(r["type"] == "ASSAULT" for r in fixture_db[1])
    assert {x["type"] for x in tl} == {"ASSAULT"}
    pts = {p["name"]: p for p in client.get("/api/map").json()["points"]}
    kirkuk = [r for r in fixture_db[1] if r["location"] and r["location"]["name"] == "Kirkuk"]
    assert pts["Kirkuk"]["n"] == len(kirkuk)
    assert pts["Kirkuk"]["fatalities"] == sum(r["fatalities"] or 0 for r in kirkuk)


def test_network_edges_count_directed_events_by_quad_class(client: TestClient, fixture_db: Any) -> None:
    net = client.get("/api/network").json()
    names = {n["actor_key"]: n["name"] for n in net["nodes"]}
    got = {(names[e["source"]], names[e["target"]], e["quad_class"]): e["n"] for e in net["edges"]}
    want: dict[tuple[str, str, str], int] = {}
    for r in fixture_db[1]:
        key = (r["source"][0]["name"], r["target"][0]["name"], r["quad_class"])
        want[key] = want.get(key, 0) + 1
    assert got == want
    small = client.get("/api/network", params={"max_nodes": 2}).json()
    assert len(small["nodes"]) == 2 and small["n_actors_total"] == 3


# ---------------------------------------------------------------- dyads and escalation


def test_dyad_series_both_directions(client: TestClient, fixture_db: Any) -> None:
    r = client.get("/api/dyads", params={"a": "ALPHA", "b": "Beta front", "interval": "week"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["a"]["name"] == "Alpha army" and d["b"]["name"] == "Beta front"
    ab = [
        x
        for x in fixture_db[1]
        if _names(x, "source") == ["Alpha army"] and _names(x, "target") == ["Beta front"]
    ]
    ba = [
        x
        for x in fixture_db[1]
        if _names(x, "source") == ["Beta front"] and _names(x, "target") == ["Alpha army"]
    ]
    assert sum(p["a_to_b"]["n"] for p in d["series"]) == len(ab)
    assert sum(p["b_to_a"]["n"] for p in d["series"]) == len(ba)
    assert sum(p["a_to_b"]["goldstein"] for p in d["series"]) == pytest.approx(
        sum(x["goldstein"] for x in ab)
    )
    periods = [dt.date.fromisoformat(p["period"]) for p in d["series"]]
    assert all((b - a).days == 7 for a, b in zip(periods, periods[1:], strict=False))  # dense weeks
    daily = client.get(
        "/api/dyads", params={"a": "ALPHA", "b": "BETA", "interval": "day", "since": "2024-03-25"}
    ).json()["series"]
    assert sum(p["a_to_b"]["n"] + p["b_to_a"]["n"] for p in daily) == sum(
        1 for x in ab + ba if x["date"] >= "2024-03-25"
    )


def test_dyad_errors(client: TestClient) -> None:
    assert client.get("/api/dyads", params={"a": "ALPHA", "b": "nobody"}).status_code == 404
    assert client.get("/api/dyads", params={"a": "ALPHA", "b": "alpha army"}).status_code == 422
    assert client.get("/api/dyads", params={"a": "ALPHA"}).status_code == 422
    assert client.get("/api/dyads", params={"a": "ALPHA", "b": "BETA", "interval": "year"}).status_code == 422


def test_escalation_finds_the_rising_dyad_and_tit_for_tat(client: TestClient) -> None:
    esc = client.get("/api/escalation", params={"within_days": 7}).json()
    pairs = [{x["a_actor"]["name"], x["b_actor"]["name"]} for x in esc["rising"]]
    assert {"Alpha army", "Beta front"} in pairs
    assert {"Alpha army", "Gamma police"} not in pairs  # steady, no rise
    top = esc["rising"][0]
    assert top["recent_mean"] > top["history_mean"] and top["z"] >= 2
    ar = esc["action_reaction"]
    assert ar and all(0 <= p["lag_days"] <= 7 for p in ar)
    assert all(p["action"]["source"] == p["reaction"]["target"] for p in ar)
    assert all(p["reaction"]["date"] >= p["action"]["date"] for p in ar)
    # the police raid answered 20 days later is outside a 7-day window, inside a 30-day one
    raid = {"Gamma police", "Beta front"}
    assert not any({p["action"]["source"]["name"], p["action"]["target"]["name"]} == raid for p in ar)
    wide = client.get("/api/escalation", params={"within_days": 30, "limit": 500}).json()["action_reaction"]
    slow = [p for p in wide if {p["action"]["source"]["name"], p["action"]["target"]["name"]} == raid]
    assert [p["lag_days"] for p in slow] == [20]
    # a history window that ends before the attacks sees no rise
    calm = client.get("/api/escalation", params={"until": "2024-03-10"}).json()["rising"]
    assert not any({x["a_actor"]["name"], x["b_actor"]["name"]} == {"Alpha army", "Beta front"} for x in calm)


# ---------------------------------------------------------------- validation and safety


@pytest.mark.parametrize(
    "path,params",
    [
        ("/api/events", {"since": "2024-13-01"}),
        ("/api/events", {"since": "2024-03-10", "until": "2024-03-01"}),
        ("/api/events", {"country": "IRAQ"}),
        ("/api/events", {"country": "IRQ'; DROP TABLE events; --"}),
        ("/api/events", {"type": "BOMBING"}),
        ("/api/events", {"status": "rumoured"}),
        ("/api/events", {"limit": 0}),
        ("/api/events", {"limit": 5000}),
        ("/api/events", {"offset": -1}),
        ("/api/events", {"min_fatalities": "many"}),
        ("/api/events", {"format": "xml"}),
        ("/api/escalation", {"within_days": -1}),
        ("/api/network", {"max_nodes": 1}),
    ],
)
def test_bad_parameters_are_422_with_a_message(client: TestClient, path: str, params: dict[str, Any]) -> None:
    r = client.get(path, params=params)
    assert r.status_code == 422
    assert r.json()["detail"]


def test_sql_in_parameters_is_data(client: TestClient, fixture_db: Any) -> None:
    for evil in ("x' OR '1'='1", "%", "_", "'); DROP TABLE events; --"):
        r = client.get("/api/events", params={"actor": evil})
        assert r.status_code == 200 and r.json()["total"] == 0, evil
    assert client.get("/api/health").json()["events"] == len(fixture_db[1])


def test_server_connection_is_read_only_without_external_access(fixture_db: Any) -> None:
    app = create_app(fixture_db[0])
    with app.state.db.cursor() as cur:
        with pytest.raises(duckdb.Error):
            cur.execute("SELECT * FROM read_csv('/etc/hostname')").fetchall()
        with pytest.raises(duckdb.Error):
            cur.execute("DELETE FROM events")
        with pytest.raises(duckdb.Error):
            cur.execute("SET enable_external_access = true")
    app.state.db.close()


def test_missing_store_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        create_app(tmp_path / "nope.duckdb")


def test_pages_docs_and_offline_assets(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "<script>" not in r.text  # no inline script: everything comes from /static
    assert "http://" not in r.text and "https://" not in r.text  # nothing from the network
    js = client.get("/static/vendor/plotly.min.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"] and len(js.content) > 100_000
    topo = client.get("/static/countries-110m.json").json()
    assert topo["type"] == "Topology" and len(topo["objects"]["countries"]["geometries"]) > 150
    dash = client.get("/static/dashboard.js").text
    assert "innerHTML" not in dash and "insertAdjacentHTML" not in dash and "eval(" not in dash
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    for p in (
        "/api/events",
        "/api/events/{event_id}",
        "/api/actors",
        "/api/dyads",
        "/api/escalation",
        "/api/health",
        "/api/ingest",
    ):
        assert p in paths
    body = paths["/api/ingest"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"text", "url", "published"} <= set(body["properties"])


# ---------------------------------------------------------------- ingest


def test_ingest_is_off_by_default(client: TestClient) -> None:
    r = client.post("/api/ingest", json={"text": "Alpha army attacked Beta front."})
    assert r.status_code == 403


def test_ingest_needs_a_configured_token(fixture_db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVENTWIRE_TOKEN", raising=False)
    with pytest.raises(ValueError, match="EVENTWIRE_TOKEN"):
        create_app(fixture_db[0], allow_ingest=True)


@pytest.fixture()
def ingest_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    store = pytest.importorskip("eventwire.store")
    path = tmp_path / "ingest.duckdb"
    store.Store(str(path)).close()  # an empty store, migrated by its owner
    monkeypatch.setenv("EVENTWIRE_TOKEN", "s3cret-token")
    with TestClient(create_app(path, allow_ingest=True, max_ingest_bytes=2000)) as c:
        yield c


def test_ingest_auth_size_and_validation(ingest_client: TestClient) -> None:
    body = {"text": "Alpha army attacked Beta front near Kirkuk on Monday."}
    assert ingest_client.post("/api/ingest", json=body).status_code == 401
    assert (
        ingest_client.post("/api/ingest", json=body, headers={"Authorization": "Bearer wrong"}).status_code
        == 401
    )
    ok = {"Authorization": "Bearer s3cret-token"}
    big = ingest_client.post("/api/ingest", json={"text": "x" * 5000}, headers=ok)
    assert big.status_code == 413
    assert ingest_client.post("/api/ingest", content=b"{not json", headers=ok).status_code == 422
    assert ingest_client.post("/api/ingest", json={"text": ""}, headers=ok).status_code == 422
    assert ingest_client.post("/api/ingest", json={"title": "no text"}, headers=ok).status_code == 422
    assert (
        ingest_client.post("/api/ingest", json={"url": "file:///etc/passwd"}, headers=ok).status_code == 422
    )
    assert ingest_client.get("/api/health").json()["articles"] == 0


def _post_or_skip(client: TestClient, body: dict[str, Any]) -> Any:
    from eventwire.nlp import ModelNotInstalled

    try:
        return client.post("/api/ingest", json=body, headers={"Authorization": "Bearer s3cret-token"})
    except ModelNotInstalled:
        pytest.skip("spaCy model not installed")


INGEST_TEXT = (
    "Soldiers killed three gunmen in an ambush near Kirkuk on Monday, the army said. "
    "Hundreds of people protested in the capital on Tuesday against rising prices."
)


@pytest.mark.slow
def test_ingest_runs_the_pipeline_and_writes_the_store(ingest_client: TestClient) -> None:
    pytest.importorskip("eventwire.ingest")
    r = _post_or_skip(ingest_client, {"text": INGEST_TEXT, "id": "api-1", "published": "2024-03-06"})
    assert r.status_code == 201, r.text
    res = r.json()
    (art,) = res["articles"]
    assert art["stored"] and res["stats"]["articles"] == 1 and not res["problems"]
    health = ingest_client.get("/api/health").json()
    assert health["articles"] == 1 and health["events"] == len(art["event_keys"])
    for key in art["event_keys"]:
        d = ingest_client.get(f"/api/events/{key}").json()
        assert d["mentions"][0]["article"]["id"] == "api-1"
    again = _post_or_skip(ingest_client, {"text": INGEST_TEXT, "id": "api-1b"}).json()
    assert again["stats"]["skipped"] == 1 and ingest_client.get("/api/health").json()["articles"] == 1


@pytest.mark.slow
def test_ingest_fetches_a_url_on_loopback(ingest_client: TestClient) -> None:
    pytest.importorskip("eventwire.fetch")
    import http.server
    import threading

    page = f"<html><head><title>Ambush report</title></head><body><p>{INGEST_TEXT}</p></body></html>".encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            code = 200 if self.path == "/story.html" else 404
            self.send_response(code)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page if code == 200 else b"")

        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        r = _post_or_skip(ingest_client, {"url": base + "/story.html", "published": "2024-03-06"})
        assert r.status_code == 201, r.text
        (art,) = r.json()["articles"]
        assert art["stored"]
        missing = _post_or_skip(ingest_client, {"url": base + "/gone.html"})
        assert missing.status_code == 502 and "404" in missing.json()["detail"]
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert ingest_client.get("/api/health").json()["articles"] == 1


# ---------------------------------------------------------------- the store's own writer


def _write_with_store(path: Path, arts: list[S.SynthArticle]) -> None:
    """Write articles (with their already-extracted events) through the store module's writer."""
    store = pytest.importorskip("eventwire.store")
    ingest = pytest.importorskip("eventwire.ingest")
    from eventwire.model import Article, Event, Sentence

    with store.Store(str(path)) as st:
        run = st.begin_run("test")
        items = []
        for sa in arts:
            a = Article(id=sa.id, text=sa.text, published=sa.published, title=sa.title, url=sa.url)
            a.sentences = [Sentence(i, s, e, t) for i, (s, e, t) in enumerate(sa.sentences)]
            a.events = [Event.from_dict(r) for r in sa.records]
            key, h = ingest.article_key(a.text, a.url)
            items.append(store.StoredArticle(a, key, h))
        st.write_batch(items, run)


def test_reads_a_store_written_by_the_store_module(tmp_path: Path) -> None:
    arts = scenario()[-3:]
    path = tmp_path / "real.duckdb"
    _write_with_store(path, arts)
    records = [r for sa in arts for r in sa.records]
    with TestClient(create_app(path)) as c:
        evs = _all_events(c)
        assert {e["event_id"] for e in evs} <= {r["event_id"] for r in records} and evs
        n_merged = c.get("/api/health").json()["events"]
        assert n_merged == len(evs)
        d = c.get(f"/api/events/{evs[0]['event_key']}").json()
        for m in d["mentions"]:
            ev = m["evidence"]
            assert m["article"]["text"][ev["start"] : ev["end"]] == m["record"]["evidence"]["text"]
        assert c.get("/api/actors").json()["actors"]
        assert c.get("/api/escalation", params={"within_days": 30}).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"country": "SYR"},
        {"type": "ASSAULT", "min_fatalities": 3},
        {"min_fatalities": 0},
        {"status": "claimed,denied"},
        {"since": "2024-02-01", "until": "2024-02-20"},
        {"actor": "militia"},
        {"actor": "HREB", "type": "PROTEST"},
    ],
)
def test_filters_agree_with_the_store_module(
    tmp_path_factory: pytest.TempPathFactory, params: dict[str, Any]
) -> None:
    """The API and `Store.query_events` (the CLI's reader) select the same merged events."""
    store = pytest.importorskip("eventwire.store")
    path = tmp_path_factory.getbasetemp() / "agree.duckdb"
    if not path.exists():
        _write_with_store(path, S.generate(240, seed=3, days=60))
    ef = store.EventFilter(
        since=params.get("since"),
        until=params.get("until"),
        country=params.get("country"),
        type=params.get("type"),
        actor=params.get("actor"),
        status=params["status"].split(",") if "status" in params else None,
        min_fatalities=params.get("min_fatalities"),
    )
    with store.Store(str(path), read_only=True) as st:
        want = {e["event_key"] for e in st.query_events(ef)}
    with TestClient(create_app(path)) as c:
        got = {e["event_key"] for e in _all_events(c, **params)}
    assert want and got == want


def test_serve_command_is_registered() -> None:
    from click.testing import CliRunner

    from eventwire.cli import main

    r = CliRunner().invoke(main, ["serve", "--help"])
    assert r.exit_code == 0 and "--allow-ingest" in r.output and "--db" in r.output
    r = CliRunner().invoke(main, ["serve", "--db", "/nonexistent/x.duckdb"])
    assert r.exit_code != 0 and "no event store" in r.output
    r = CliRunner().invoke(main, ["serve", "--db", __file__, "--workers", "2", "--allow-ingest"])
    assert r.exit_code != 0 and "single worker" in r.output
