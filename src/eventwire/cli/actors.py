"""`eventwire actors`: look up knowledge-base entries and import PETRARCH/Phoenix dictionaries."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click
import yaml

from ..config import Config


def _entry_dict(resolver: Any, entry: Any) -> dict[str, Any]:
    def named(i: str) -> str | None:
        other = resolver.by_id.get(i)
        return other.name if other is not None else None

    d: dict[str, Any] = {
        "id": entry.id, "name": entry.name, "type": entry.type, "country": entry.country,
        "sector": entry.sector, "kind": entry.kind, "category": entry.category,
        "aliases": list(entry.aliases), "source": entry.source,
    }
    if entry.type == "country":
        d.update(adjectives=entry.adjectives, demonyms=entry.demonyms, capitals=entry.capitals,
                 organs=[{"id": o.id, "name": o.name, "sector": o.sector} for o in resolver.entries
                         if o.type == "organ" and o.country == entry.country])
    d["affiliations"] = [{"relation": a.get("relation"), "id": a.get("id"), "name": named(str(a.get("id")))}
                         for a in entry.affiliations]
    d["designations"] = list(entry.designations)
    d["roles"] = [{"title": r.title, "of": r.of, "of_name": named(r.of) if r.of else None, "sector": r.sector,
                   "start": r.start.isoformat() if r.start else None,
                   "end": r.end.isoformat() if r.end else None} for r in entry.roles]
    return d


def _print_rich(d: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    t = Table(show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold cyan")
    t.add_column()
    for key in ("id", "name", "type", "kind", "country", "sector", "category", "source"):
        if d.get(key):
            t.add_row(key, str(d[key]))
    if d.get("aliases"):
        t.add_row("aliases", ", ".join(d["aliases"]))
    for key in ("adjectives", "demonyms", "capitals"):
        if d.get(key):
            t.add_row(key, ", ".join(d[key]))
    if d.get("resolved"):
        r = d["resolved"]
        t.add_row("resolved", escape(f"{r['name']} [{r['id'] or 'no id'}] {r['country'] or '-'} "
                                     f"{r['sector'] or '-'} {r['kind']}"))
    console.print(t)
    if d.get("affiliations"):
        a = Table(title="affiliations", title_justify="left")
        for col in ("relation", "id", "name"):
            a.add_column(col)
        for x in d["affiliations"]:
            a.add_row(str(x["relation"]), str(x["id"]), x["name"] or "(not in KB)")
        console.print(a)
    if d.get("designations"):
        console.print(f"[bold]designated terrorist by:[/bold] {', '.join(d['designations'])}")
    if d.get("organs"):
        o = Table(title="state organs", title_justify="left")
        for col in ("id", "name", "sector"):
            o.add_column(col)
        for x in d["organs"]:
            o.add_row(x["id"], x["name"], x["sector"])
        console.print(o)
    if d.get("roles"):
        r = Table(title="roles", title_justify="left")
        for col in ("title", "of", "sector", "start", "end"):
            r.add_column(col)
        for x in d["roles"]:
            r.add_row(x["title"], x["of_name"] or str(x["of"]), str(x["sector"]), str(x["start"] or ""),
                      str(x["end"] or ""))
        console.print(r)


def register(group: click.Group) -> None:
    """Add the `actors` command group to the main CLI."""

    @group.group("actors")
    def actors() -> None:
        """The actor knowledge base."""

    @actors.command("lookup")
    @click.argument("name")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
    @click.option("--date", "date", default=None, help="Resolve titles as of this date (YYYY-MM-DD).")
    @click.option("--actors", "actors_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
                  help="Extra actor dictionary (YAML, CSV or PETRARCH format); repeatable.")
    def lookup(name: str, as_json: bool, date: str | None, actors_files: tuple[str, ...]) -> None:
        """Show the entry NAME (a name, alias or id) resolves to, with affiliations and designations."""
        from ..actors import load_resolver
        from ..model import Article

        resolver = load_resolver(Config().with_options(actors_files=actors_files))
        when = dt.date.fromisoformat(date) if date else dt.date.today()
        article = Article(id="lookup", text=name, published=when)
        entry = resolver.lookup(name)
        actor = resolver.resolve_phrase(name, article)
        if entry is None and (actor is None or actor.id is None):
            guess = f" (best guess: kind {actor.kind}, sector {actor.sector})" if actor is not None else ""
            raise click.ClickException(f"{name!r} is not in the actor knowledge base{guess}")
        d: dict[str, Any] = _entry_dict(resolver, entry) if entry is not None else {"name": name}
        if actor is not None:
            d["resolved"] = actor.to_dict()
            if entry is None and actor.id in resolver.by_id:
                d = {**_entry_dict(resolver, resolver.by_id[actor.id]), "resolved": actor.to_dict()}
        if as_json:
            click.echo(json.dumps(d, ensure_ascii=False, indent=2))
        else:
            _print_rich(d)

    @actors.command("import-petrarch")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--output", "output", required=True, type=click.Path(dir_okay=False),
                  help="YAML file to write (our user actor format, usable with --actors).")
    def import_petrarch(path: str, output: str) -> None:
        """Convert a PETRARCH/Phoenix actor dictionary at PATH to the eventwire YAML user format."""
        from ..actors.petrarch import parse_petrarch

        rows = parse_petrarch(Path(path).read_text(encoding="utf-8", errors="replace"))
        Path(output).write_text(yaml.safe_dump(rows, sort_keys=False, allow_unicode=True), encoding="utf-8")
        click.echo(f"wrote {len(rows)} actors to {output}", err=True)
