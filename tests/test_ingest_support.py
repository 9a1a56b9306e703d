"""Helpers for the ingest tests: an invented wire-style corpus, a loopback HTTP server, DB snapshots.

All article text here is written for these tests (generic wire phrasing, invented incidents).
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from eventwire.store import Store

PLACES = [("Maiduguri", "Nigeria"), ("Kirkuk", "Iraq"), ("Mogadishu", "Somalia"), ("Peshawar", "Pakistan"),
          ("Goma", "Congo"), ("Bamako", "Mali")]
VICTIMS = ["villagers", "farmers", "traders", "worshippers", "passengers"]
SITES = ["market", "village", "checkpoint", "bus station", "mosque"]
GROUPS = ["teachers", "students", "taxi drivers", "nurses", "market traders"]
ISSUES = ["rising fuel prices", "unpaid salaries", "a new sales tax", "power cuts"]
NUMBERS = ["three", "four", "five", "six", "seven", "eight", "nine", "eleven", "twelve"]
FILLER = [
    "Residents said security in the area had worsened in recent months.",
    "Local officials appealed for calm and promised an investigation.",
    "No group immediately claimed responsibility.",
    "The area has seen repeated incidents this year, according to aid workers.",
    "Shops in the district stayed closed for much of the following day.",
    "A spokesman for the regional government declined to comment further.",
    "Humanitarian groups said they were sending medical supplies to the nearest hospital.",
    "Several families were reported to have left their homes for safer parts of the province.",
    "The national government has promised to send more troops to the region before the end of the year.",
    "Opposition politicians criticised the response of the authorities and called for a public inquiry.",
]
NOT_ENGLISH = (
    "Los vecinos del barrio se reunieron en la plaza mayor para hablar sobre el precio del agua y la falta "
    "de transporte durante las últimas semanas. Según los organizadores, la próxima reunión será el jueves "
    "por la tarde en el mismo lugar, y esperan que asistan también los representantes del ayuntamiento."
)


def _story(rng: random.Random) -> dict:
    place, country = rng.choice(PLACES)
    day = dt.date(2024, 5, 1) + dt.timedelta(days=rng.randrange(25))
    return {"kind": rng.choice(["attack", "attack", "protest"]), "place": place, "country": country,
            "day": day, "n": rng.choice(NUMBERS), "victims": rng.choice(VICTIMS), "site": rng.choice(SITES),
            "group": rng.choice(GROUPS), "issue": rng.choice(ISSUES)}


def _lead(s: dict, variant: int) -> tuple[str, str]:
    wd = s["day"].strftime("%A")
    if s["kind"] == "attack":
        if variant == 0:
            return (f"{s['n'].title()} {s['victims']} killed near {s['place']}",
                    f"Gunmen killed {s['n']} {s['victims']} in an attack on a {s['site']} near {s['place']} "
                    f"on {wd}, police said.")
        return (f"Attack on {s['site']} near {s['place']} leaves {s['n']} dead",
                f"Armed men shot dead {s['n']} {s['victims']} at a {s['site']} outside {s['place']} on {wd}, "
                f"a local official said.")
    if variant == 0:
        return (f"{s['group'].title()} protest in {s['place']}",
                f"Thousands of {s['group']} marched through {s['place']} on {wd} to protest against "
                f"{s['issue']}, organisers said.")
    return (f"Rally in {s['place']} over {s['issue']}",
            f"Hundreds of {s['group']} rallied in central {s['place']} on {wd} against {s['issue']}.")


def article(s: dict, variant: int, rng: random.Random, ident: str, outlet: str) -> dict:
    title, lead = _lead(s, variant)
    body = [lead] + rng.sample(FILLER, 6)
    published = s["day"] + dt.timedelta(days=1)
    return {"id": ident, "title": title, "source": outlet, "published": published.isoformat(),
            "text": title + "\n\n" + "\n\n".join(body)}


def near_copy(a: dict, ident: str, outlet: str) -> dict:
    """A republished copy: new headline and the attribution reworded (these articles are short, so
    dropping a whole paragraph would be a large edit)."""
    paras = a["text"].split("\n\n")
    body = paras[1:]
    body[0] = body[0].replace(" said.", " told reporters.")
    return {**a, "id": ident, "source": outlet, "title": "UPDATE: " + a["title"],
            "text": "UPDATE: " + a["title"] + "\n\n" + "\n\n".join(body)}


def wire_corpus(n: int, seed: int = 0) -> list[dict]:
    """`n` JSONL records: stories, second-outlet rewrites, near-copies, and two unusable inputs."""
    rng = random.Random(seed)
    out: list[dict] = []
    stories: list[tuple[dict, dict]] = []
    while len(out) < n:
        i = len(out)
        roll = rng.random()
        if i == 7:
            out.append({"id": f"w{i}", "text": NOT_ENGLISH, "published": "2024-05-03"})
        elif i == 11:
            out.append({"id": f"w{i}", "text": "   \n  "})
        elif stories and roll < 0.25:
            s, first = rng.choice(stories)
            out.append(article(s, 1, rng, f"w{i}", "Second Wire"))
        elif stories and roll < 0.35:
            out.append(near_copy(rng.choice(stories)[1], f"w{i}", "Reprint Daily"))
        else:
            s = _story(rng)
            a = article(s, 0, rng, f"w{i}", "First Wire")
            stories.append((s, a))
            out.append(a)
    return out


def write_jsonl(records: list[dict], path: Path) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every stored row except run ids and timestamps, order-independent."""
    out = {}
    with Store(path, read_only=True) as st:
        for t in ("articles", "sentences", "mentions", "events", "actors", "event_actors", "rejected",
                  "article_minhash", "places"):
            cols = [r[0] for r in st.conn.execute(f"DESCRIBE {t}").fetchall()
                    if r[0] not in ("run_id", "ingested_at", "at")]
            sel = ", ".join(f'"{c}"' for c in cols)
            out[t] = sorted(st.conn.execute(f"SELECT {sel} FROM {t}").fetchall(), key=repr)
    return out


@contextmanager
def serve(pages: dict[str, tuple[str, bytes]]) -> Iterator[str]:
    """Serve `{path: (content_type, body)}` on a loopback port; yields the base URL. Other paths 404."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server API
            page = pages.get(self.path)
            if page is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", page[0])
            self.send_header("Content-Length", str(len(page[1])))
            self.end_headers()
            self.wfile.write(page[1])

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
