"""The pipeline: runs the registered stages over articles, alone or in batches/processes."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
from collections.abc import Iterable, Iterator
from typing import Any

from .config import Config
from .model import Article, Event, parse_published
from .resources import Resources
from .stages import check_order, get_stage, run_stage, run_stage_batch

ArticleLike = Article | dict[str, Any] | str


def to_article(obj: ArticleLike, index: int = 0) -> Article:
    """Coerce a dict (contract input shape), a string or an Article into an Article."""
    if isinstance(obj, Article):
        return obj
    if isinstance(obj, str):
        return Article(id=f"text-{index}", text=obj)
    if isinstance(obj, dict):
        if not isinstance(obj.get("text"), str):
            raise ValueError("article has no 'text' string")
        return Article(
            id=str(obj.get("id") if obj.get("id") is not None else f"article-{index}"),
            text=obj["text"],
            published=parse_published(obj.get("published")),
            title=obj.get("title"), url=obj.get("url"), source=obj.get("source"),
        )
    raise TypeError(f"cannot make an article from {type(obj).__name__}")


class Pipeline:
    """Named stages over `Article` objects. Thread-unsafe; one per process."""

    def __init__(self, config: Config | None = None, **options: Any) -> None:
        self.config = (config or Config()).with_options(**options) if options else (config or Config())
        check_order(self.config.stages)
        self.specs = [get_stage(n) for n in self.config.stages]
        self.resources = Resources(self.config)

    def process(self, article: ArticleLike) -> Article:
        """Run every stage on one article and return it with `events` filled."""
        a = to_article(article)
        for spec in self.specs:
            run_stage(spec, a, self.resources)
        self._finish(a)
        return a

    def process_batch(self, articles: list[Article]) -> list[Article]:
        """Run the stages over a batch; batch-capable stages (parsing) see all articles at once."""
        for spec in self.specs:
            run_stage_batch(spec, articles, self.resources)
        for a in articles:
            self._finish(a)
        return articles

    def _finish(self, a: Article) -> None:
        if a.events is None:
            a.events = []
        keep = self.config.statuses
        if keep:
            a.events = [e for e in a.events if e.status in keep]
        if self.config.min_confidence:
            a.events = [e for e in a.events if e.confidence >= self.config.min_confidence]

    def pipe(self, articles: Iterable[ArticleLike], n_process: int = 1,
             batch_size: int = 16) -> Iterator[Article]:
        """Process many articles in order, batching the parser and optionally using worker processes.

        With `n_process > 1` the articles come back without parses (`sentences[i].doc` is None)
        but with all events; errors in one article are recorded in `article.meta["error"]`.
        """
        arts = (to_article(a, i) for i, a in enumerate(articles))
        if n_process <= 1:
            for batch in _chunks(arts, batch_size):
                yield from self._safe_batch(batch)
            return
        ctx: Any
        init: Any
        args: tuple[Any, ...]
        if "fork" in mp.get_all_start_methods():
            # load once in the parent; forked workers share the model's memory pages copy-on-write
            self.warm()
            ctx = mp.get_context("fork")
            init, args = _worker_adopt, (self,)
        else:
            ctx = mp.get_context("spawn")
            init, args = _worker_init, (self.config,)
        with ctx.Pool(n_process, initializer=init, initargs=args) as pool:
            chunks = (list(c) for c in _chunks(arts, batch_size))
            for result in pool.imap(_worker_run, chunks):
                yield from result

    def warm(self) -> None:
        """Load every resource the configured stages use (before forking workers)."""
        r = self.resources
        names = set(self.config.stages)
        if names & {"parse", "counts", "place", "status"}:
            r.nlp  # noqa: B018
        if "parse" in names and self.config.prefilter:
            r.prefilter  # noqa: B018
        if names & {"actors", "events", "status"}:
            r.kb  # noqa: B018
        if "events" in names:
            r.lexicon  # noqa: B018
        if names & {"place", "dedup"}:
            r.gazetteer  # noqa: B018

    def _safe_batch(self, batch: list[Article]) -> list[Article]:
        try:
            return self.process_batch(batch)
        except Exception:  # isolate the failing article(s) so the rest of the batch survives
            out = []
            for a in batch:
                fresh = Article(id=a.id, text=a.text, published=a.published, title=a.title,
                                url=a.url, source=a.source, meta=dict(a.meta))
                try:
                    out.append(self.process(fresh))
                except Exception as exc:  # noqa: BLE001 - reported per article by the caller
                    fresh.events = []
                    fresh.meta["error"] = f"{type(exc).__name__}: {exc}"
                    out.append(fresh)
            return out

    def extract(self, text: str, published: str | dt.date | None = None,
                article_id: str = "text") -> list[Event]:
        """Events of one text."""
        a = Article(id=article_id, text=text, published=parse_published(published))
        return self.process(a).events or []


def _chunks(it: Iterable[Article], n: int) -> Iterator[list[Article]]:
    buf: list[Article] = []
    for x in it:
        buf.append(x)
        if len(buf) >= n:
            yield buf
            buf = []
    if buf:
        yield buf


_WORKER: Pipeline | None = None


def _worker_init(config: Config) -> None:
    global _WORKER
    _WORKER = Pipeline(config)


def _worker_adopt(pipeline: Pipeline) -> None:
    """Forked worker: use the parent's already-loaded pipeline (inherited, not pickled)."""
    global _WORKER
    _WORKER = pipeline


def _worker_run(batch: list[Article]) -> list[Article]:
    assert _WORKER is not None
    done = _WORKER._safe_batch(batch)
    for a in done:  # spaCy docs do not need to travel back to the parent
        for s in a.sentences or []:
            s.doc = None
        for e in a.events or []:
            e._entry = None
            e._notes = {}
    return done


_DEFAULT: dict[Config, Pipeline] = {}


def extract(text: str, published: str | dt.date | None = None, **options: Any) -> list[Event]:
    """Extract coded events from one text. Options are `Config` fields (e.g. `statuses="asserted"`)."""
    config = Config().with_options(**options)
    pipe = _DEFAULT.get(config)
    if pipe is None:
        pipe = _DEFAULT[config] = Pipeline(config)
    return pipe.extract(text, published)
