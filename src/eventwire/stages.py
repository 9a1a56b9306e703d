"""Stage registry and runner.

A stage is a function `(article, resources) -> None` registered under a name with
the article products it reads and the products it adds. The runner refuses to run
a stage whose inputs are missing and checks afterwards that it added what it
declared, so a reordered or broken pipeline fails loudly instead of silently
producing thin events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import Article

if TYPE_CHECKING:
    from .resources import Resources

StageFunc = Callable[[Article, "Resources"], None]
BatchFunc = Callable[[list[Article], "Resources"], None]


class PipelineError(RuntimeError):
    """A stage ran without its inputs, or did not produce what it declared."""


@dataclass(frozen=True)
class StageSpec:
    name: str
    reads: tuple[str, ...]
    adds: tuple[str, ...]
    func: StageFunc
    batch: BatchFunc | None = None  # optional whole-batch implementation (e.g. parsing)


_REGISTRY: dict[str, StageSpec] = {}


def stage(name: str, reads: Iterable[str], adds: Iterable[str],
          batch: BatchFunc | None = None) -> Callable[[StageFunc], StageFunc]:
    """Register a stage function under `name` (with an optional batch form)."""

    def deco(func: StageFunc) -> StageFunc:
        _REGISTRY[name] = StageSpec(name, tuple(reads), tuple(adds), func, batch)
        return func

    return deco


def get_stage(name: str) -> StageSpec:
    _load_builtin_stages()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise PipelineError(f"unknown stage {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None


def registered() -> dict[str, StageSpec]:
    _load_builtin_stages()
    return dict(_REGISTRY)


def check_order(names: Iterable[str], initial: Iterable[str] = ("text", "published")) -> None:
    """Fail before any work is done if a stage list cannot satisfy its own reads."""
    have = set(initial)
    for n in names:
        spec = get_stage(n)
        missing = [r for r in spec.reads if r not in have]
        if missing:
            raise PipelineError(f"stage {n!r} reads {missing} which no earlier stage adds")
        have.update(spec.adds)


def _check_reads(spec: StageSpec, article: Article) -> None:
    missing = [r for r in spec.reads if r not in article.provided]
    if missing:
        raise PipelineError(f"stage {spec.name!r} needs {missing} on article {article.id!r}")


def run_stage(spec: StageSpec, article: Article, resources: Resources) -> None:
    """Run one stage on one article, checking its declared reads and adds."""
    _check_reads(spec, article)
    spec.func(article, resources)
    _check_adds(spec, article)


def run_stage_batch(spec: StageSpec, articles: list[Article], resources: Resources) -> None:
    """Run one stage over a batch, using its batch form when it has one."""
    if spec.batch is None:
        for a in articles:
            run_stage(spec, a, resources)
        return
    for a in articles:
        _check_reads(spec, a)
    spec.batch(articles, resources)
    for a in articles:
        _check_adds(spec, a)


def _check_adds(spec: StageSpec, article: Article) -> None:
    for product in spec.adds:
        attr = product.split(".", 1)[0]
        if hasattr(article, attr) and getattr(article, attr) is None:
            raise PipelineError(f"stage {spec.name!r} declared {product!r} but left it unset")
        article.provided.add(product)


_loaded = False


def _load_builtin_stages() -> None:
    """Import the modules that register the built-in stages (once)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    from . import actors, counts, dedup, events, parse, places, segment, status, timex  # noqa: F401
