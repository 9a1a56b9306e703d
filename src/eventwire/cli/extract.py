"""`eventwire extract`: files or stdin to events."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config import Config
from ..io import InputProblem, iter_paths, read_path, read_stdin
from ..model import STATUSES, Article
from ..nlp import ModelNotInstalled
from ..output import event_json, render_table

EXIT_SKIPPED = 3


def _articles(paths: tuple[str, ...], published: str | None, problems: list[InputProblem]):
    if not paths or paths == ("-",):
        items = read_stdin(sys.stdin.buffer, published)
        for it in items:
            if isinstance(it, InputProblem):
                problems.append(it)
                click.echo(f"eventwire: skipped {it}", err=True)
            else:
                yield it
        return
    for p in iter_paths([Path(x) for x in paths]):
        if isinstance(p, InputProblem):
            problems.append(p)
            click.echo(f"eventwire: skipped {p}", err=True)
            continue
        for it in read_path(p, published):
            if isinstance(it, InputProblem):
                problems.append(it)
                click.echo(f"eventwire: skipped {it}", err=True)
            else:
                yield it


def _status_list(value: str | None) -> tuple[str, ...] | None:
    if not value:
        return None
    items = tuple(s.strip() for s in value.split(",") if s.strip())
    bad = [s for s in items if s not in STATUSES]
    if bad:
        raise click.BadParameter(f"unknown status {', '.join(bad)}; choose from {', '.join(STATUSES)}")
    return items


@click.command("extract")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "table"]), default="jsonl",
              show_default=True, help="Output format.")
@click.option("--status", "status", default=None, help="Keep only these statuses, e.g. asserted,claimed.")
@click.option("--published", default=None, help="Publication date for .txt/.html/stdin input (YYYY-MM-DD).")
@click.option("--workers", default=1, show_default=True, help="Worker processes.")
@click.option("--actors", "actors_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Extra actor dictionary (YAML, CSV or PETRARCH format); repeatable.")
@click.option("--no-prefilter", is_flag=True, help="Parse every sentence (slower; for comparison).")
@click.option("--stages", default=None, help="Comma-separated stage list (default: all).")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal).")
def extract_cmd(paths: tuple[str, ...], fmt: str, status: str | None, published: str | None, workers: int,
                actors_files: tuple[str, ...], no_prefilter: bool, stages: str | None,
                progress: bool | None) -> None:
    """Extract coded events from .txt, .html, .jsonl files, directories, or stdin."""
    from ..pipeline import Pipeline

    opts: dict[str, object] = {"statuses": _status_list(status), "prefilter": not no_prefilter,
                               "actors_files": actors_files}
    if stages:
        opts["stages"] = tuple(s.strip() for s in stages.split(",") if s.strip())
    config = Config().with_options(**opts)
    problems: list[InputProblem] = []
    try:
        pipe = Pipeline(config)
        pipe.resources.nlp  # noqa: B018 - fail early, with the install hint, before reading input
    except ModelNotInstalled as exc:
        raise click.ClickException(str(exc)) from None
    show = sys.stderr.isatty() if progress is None else progress
    out = sys.stdout
    collected = []
    n_articles = 0
    n_events = 0
    articles = _articles(paths, published, problems)
    with _progress(show) as bar:
        for art in pipe.pipe(articles, n_process=max(1, workers)):
            n_articles += 1
            if art.meta.get("error"):
                problems.append(InputProblem(art.id, None, f"extraction failed: {art.meta['error']}"))
                click.echo(f"eventwire: skipped {art.id}: extraction failed: {art.meta['error']}", err=True)
            for ev in art.events or []:
                n_events += 1
                if fmt == "jsonl":
                    out.write(event_json(ev) + "\n")
                else:
                    collected.append(ev.to_dict())
            bar(n_articles, n_events)
    if fmt == "json":
        import json

        json.dump(collected, out, ensure_ascii=False, indent=1)
        out.write("\n")
    elif fmt == "table":
        render_table(collected, out, title=f"{n_events} events from {n_articles} articles")
    out.flush()
    if problems:
        click.echo(f"eventwire: {len(problems)} input(s) skipped; {n_articles} article(s) processed", err=True)
        sys.exit(EXIT_SKIPPED)


class _progress:
    """A rich progress line on stderr (articles, events, rate); a no-op when disabled."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __enter__(self):  # type: ignore[no-untyped-def]
        if not self.enabled:
            return lambda a, e: None
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.p = Progress(SpinnerColumn(), TextColumn("{task.fields[articles]} articles"),
                          TextColumn("{task.fields[events]} events"), TextColumn("{task.fields[rate]} art/s"),
                          TimeElapsedColumn(), transient=True, console=_stderr_console())
        self.p.__enter__()
        self.task = self.p.add_task("extract", total=None, articles=0, events=0, rate="-")
        import time

        t0 = time.monotonic()

        def update(a: int, e: int) -> None:
            dt = max(time.monotonic() - t0, 1e-6)
            self.p.update(self.task, articles=a, events=e, rate=f"{a / dt:.1f}")

        return update

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.p.__exit__(None, None, None)


def _stderr_console():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(stderr=True)


def register(group: click.Group) -> None:
    group.add_command(extract_cmd)


__all__ = ["Article", "register"]
