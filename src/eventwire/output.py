"""Rendering events: contract JSONL, a JSON array, or a readable table."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import IO, Any

from .model import Event


def event_json(event: Event | dict[str, Any]) -> str:
    d = event.to_dict() if isinstance(event, Event) else event
    return json.dumps(d, ensure_ascii=False)


def write_jsonl(events: Iterable[Event], out: IO[str]) -> int:
    n = 0
    for e in events:
        out.write(event_json(e) + "\n")
        n += 1
    return n


def _actors(actors: list[dict[str, Any]]) -> str:
    """Names with their ISO3, unless the name already carries a country ("Protesters (Iraq)")."""
    def one(a: dict[str, Any]) -> str:
        name, iso = str(a["name"]), a.get("country")
        return name if not iso or re.search(r"\([^()]+\)$", name) else f"{name} ({iso})"

    return "; ".join(one(a) for a in actors)


def table_rows(events: Iterable[Event | dict[str, Any]]) -> list[list[str]]:
    rows = []
    for e in events:
        d = e.to_dict() if isinstance(e, Event) else e
        loc = d.get("location") or {}
        kind = d["type"] + (f"/{d['mode']}" if d.get("mode") else "")
        if d.get("acled"):
            kind += f"\n{d['acled']['sub_event_type']}"
        rows.append([
            d.get("date") or "?", kind, _actors(d["source"]), _actors(d["target"]),
            (loc.get("name") or "") + (f", {loc['country']}" if loc.get("country") else ""),
            "" if d.get("fatalities") is None else str(d["fatalities"]),
            d["status"], d["evidence"]["text"],
        ])
    return rows


def render_table(events: Iterable[Event | dict[str, Any]], out: IO[str], title: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title, show_lines=True, expand=True)
    narrow = {"max_width": 20, "overflow": "fold"}
    for col, kw in (("date", {"no_wrap": True, "min_width": 10}), ("type", narrow), ("source", narrow),
                    ("target", narrow), ("place", {"max_width": 18, "overflow": "fold"}),
                    ("killed", {"justify": "right"}), ("status", {"max_width": 12}),
                    ("evidence", {"ratio": 1, "min_width": 40, "overflow": "fold"})):
        t.add_column(col, **kw)  # type: ignore[arg-type]
    for row in table_rows(events):
        t.add_row(*row)
    width = Console().width if out.isatty() else 200
    Console(file=out, width=max(100, width)).print(t)
