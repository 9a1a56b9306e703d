"""Corpus ingest: inputs to the store, idempotent and resumable.

Every article is keyed by a hash of its normalised text (and URL when given). Keys already in
the store are skipped, so ingesting the same input twice changes nothing, and a run killed at
any moment resumes where its last committed batch ended: the articles come back in the same
order, find the same store state, and so are linked and merged exactly as in an uninterrupted
run. Inputs that cannot be used (binary, empty, undecodable, not English, too long, fetch errors,
malformed feed entries) become rejections recorded in the store; they never stop the run.
Near-duplicate articles are linked to their original before extraction and not extracted again.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .corpus_dedup import LSHIndex, MinHasher
from .fetch import FEED_SUFFIXES, Fetcher, is_url, read_feed_file, read_url
from .io import InputProblem, iter_paths, read_path
from .model import Article
from .pipeline import Pipeline
from .store import Store, StoredArticle

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class IngestOptions:
    """Settings of one ingest run (kept out of `Config`, which is about extraction)."""

    workers: int = 1
    batch_size: int = 16  # articles per pipeline batch and per committed transaction
    max_chars: int = 2_000_000
    min_stopword_ratio: float = 0.2  # below this share of English function words: not English
    min_words_for_language: int = 12  # shorter texts are not language-checked
    near_duplicate_threshold: float = 0.8  # estimated Jaccard of 3-word shingles
    detect_near_duplicates: bool = True


@dataclass
class IngestStats:
    """Running totals; `seen` counts every input item read."""

    seen: int = 0
    articles: int = 0
    duplicates: int = 0
    skipped: int = 0
    rejected: int = 0
    events: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def done(self) -> int:
        """Inputs fully handled: stored, linked, skipped or rejected (`seen` runs ahead with workers)."""
        return self.articles + self.duplicates + self.skipped + self.rejected

    @property
    def rate(self) -> float:
        """Articles stored or linked per second since the run started."""
        return (self.articles + self.duplicates) / max(time.monotonic() - self.started, 1e-6)


def normalize_text(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed: trivial re-encodings hash the same."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def article_key(text: str, url: str | None = None) -> tuple[str, str]:
    """(article_key, text_hash): the key adds the URL, so one text at two URLs is two articles."""
    text_hash = hashlib.sha256(normalize_text(text).encode()).hexdigest()
    if not url:
        return text_hash[:32], text_hash
    return hashlib.sha256(f"{text_hash}\n{url.strip()}".encode()).hexdigest()[:32], text_hash


def _stopwords() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def stopword_ratio(text: str, stopwords: frozenset[str] | None = None,
                   sample: int = 4000) -> tuple[float, int]:
    """Share of English function words among the first words of `text`, and how many words were read."""
    sw = stopwords if stopwords is not None else _stopwords()
    words = [w.lower() for w in _WORD.findall(text[:sample])]
    if not words:
        return 0.0, 0
    return sum(w in sw for w in words) / len(words), len(words)


def article_problem(art: Article, opts: IngestOptions, stopwords: frozenset[str]) -> str | None:
    """Why an article read without error still cannot be ingested, or None."""
    text = art.text or ""
    if not text.strip():
        return "empty text"
    if len(text) > opts.max_chars:
        return f"over size limit ({len(text)} chars > {opts.max_chars})"
    if "\x00" in text[:8192]:
        return "binary content, not text"
    ratio, n = stopword_ratio(text, stopwords)
    if n >= opts.min_words_for_language and ratio < opts.min_stopword_ratio:
        return f"not English (function-word ratio {ratio:.2f} < {opts.min_stopword_ratio})"
    if n == 0:
        return "no words in text"
    return None


def iter_inputs(paths: Iterable[str], fetcher: Fetcher | None = None) -> Iterator[Article | InputProblem]:
    """Articles from files, directories, .jsonl(.gz), feed files, URLs and feed URLs, in argument order."""
    for p in paths:
        if is_url(p):
            if fetcher is None:
                yield InputProblem(p, None, "URL given but fetching is disabled")
                continue
            for it in read_url(p, fetcher):
                _origin(it, p)
                yield it
            continue
        for f in iter_paths([Path(p)]):
            if isinstance(f, InputProblem):
                yield f
                continue
            if f.suffix.lower() in FEED_SUFFIXES:
                if fetcher is None:
                    yield InputProblem(str(f), None, "feed given but fetching is disabled")
                    continue
                items: Iterable[Article | InputProblem] = read_feed_file(f, fetcher)
            else:
                items = read_path(f)
            for it in items:
                _origin(it, str(f))
                yield it


def _origin(it: Article | InputProblem, origin: str) -> None:
    if isinstance(it, Article):
        it.meta.setdefault("origin", origin)


def estimate_total(paths: Iterable[str]) -> int | None:
    """How many articles the inputs hold (JSONL lines, other files), or None when URLs make it unknowable."""
    import gzip

    total = 0
    for p in paths:
        if is_url(p):
            return None
        for f in iter_paths([Path(p)]):
            if isinstance(f, InputProblem):
                continue
            name = f.name.lower()
            if name.endswith(FEED_SUFFIXES):
                return None
            if name.endswith((".jsonl", ".ndjson", ".jsonl.gz")):
                opener = gzip.open if name.endswith(".gz") else open
                try:
                    with opener(f, "rb") as fh:
                        total += sum(1 for line in fh if line.strip())
                except OSError:
                    continue
            else:
                total += 1
    return total


Progress = Callable[[IngestStats], None]


class Ingester:
    """Runs inputs through the pipeline into a store (the store's single writer)."""

    def __init__(self, store: Store, pipeline: Pipeline, options: IngestOptions | None = None) -> None:
        self.store = store
        self.pipeline = pipeline
        self.opts = options or IngestOptions()
        self.hasher = MinHasher()
        self.index = LSHIndex(threshold=self.opts.near_duplicate_threshold)
        self.stopwords = _stopwords()
        # article keys and MinHash signatures already stored: read once, then kept current by this
        # ingester (the store's only writer), so a long-lived ingester (the web API's) does not
        # re-read the whole corpus on every request
        self._known: set[str] | None = None

    def _load_known(self) -> set[str]:
        if self._known is None:
            self._known = self.store.article_keys()
            self.index = LSHIndex(threshold=self.opts.near_duplicate_threshold)
            if self.opts.detect_near_duplicates:
                self.store.load_minhash(self.index)
        return self._known

    def run(self, inputs: Iterable[Article | InputProblem], command: str = "ingest",
            progress: Progress | None = None) -> IngestStats:
        """Ingest everything; returns the totals of this run (rows already stored count as skipped)."""
        try:
            return self._run(inputs, command, progress)
        except BaseException:
            self._known = None  # what was noted as seen may not have been stored: re-read next time
            raise

    def _run(self, inputs: Iterable[Article | InputProblem], command: str,
             progress: Progress | None) -> IngestStats:
        stats = IngestStats()
        run_id = self.store.begin_run(command)
        known = self._load_known()
        pending: deque[StoredArticle | InputProblem] = deque()
        workers = max(1, self.opts.workers)
        # with worker processes the pool reads input in its own thread and would read it all at once;
        # this bounds the articles in flight (results release slots), keeping memory flat on big corpora
        slots = threading.Semaphore(self.opts.batch_size * (workers + 2)) if workers > 1 else None

        def feed() -> Iterator[Article]:
            # may run in the pool's feeder thread: it touches only in-memory state, never the store
            for it in inputs:
                stats.seen += 1
                if isinstance(it, InputProblem):
                    pending.append(it)
                    continue
                why = article_problem(it, self.opts, self.stopwords)
                if why:
                    pending.append(InputProblem(str(it.meta.get("origin") or it.id), None, f"{it.id}: {why}"))
                    continue
                key, text_hash = article_key(it.text, it.url)
                if key in known:
                    stats.skipped += 1
                    continue
                known.add(key)
                sig = self.hasher.signature(it.text) if self.opts.detect_near_duplicates else None
                dup = self.index.query(sig) if sig is not None else None
                if dup is not None:
                    pending.append(StoredArticle(it, key, text_hash, duplicate_of=dup))
                    continue
                if sig is not None:
                    self.index.add(key, sig)
                pending.append(StoredArticle(it, key, text_hash, signature=sig))
                if slots is not None:
                    slots.acquire()
                yield it

        batch: list[StoredArticle | InputProblem] = []

        def flush() -> None:
            if not batch:
                return
            res = self.store.write_batch(batch, run_id)
            stats.articles += res.articles
            stats.duplicates += res.duplicates
            stats.rejected += res.rejected
            stats.events += res.mentions
            batch.clear()
            if progress:
                progress(stats)

        for done in self.pipeline.pipe(feed(), n_process=workers, batch_size=self.opts.batch_size):
            if slots is not None:
                slots.release()
            while True:  # results come back in input order: match them to the pending queue
                item = pending.popleft()
                if isinstance(item, StoredArticle) and item.duplicate_of is None:
                    if item.article.id != done.id:
                        raise RuntimeError(f"pipeline returned {done.id!r} where {item.article.id!r} was due")
                    origin = item.article.meta.get("origin") or done.id
                    item.article = done
                    batch.append(item)
                    if done.meta.get("error"):
                        batch.append(InputProblem(str(origin), None,
                                                  f"{done.id}: extraction failed: {done.meta['error']}"))
                    break
                batch.append(item)
            if len(batch) >= self.opts.batch_size:
                flush()
        while pending:
            batch.append(pending.popleft())
            if len(batch) >= self.opts.batch_size:
                flush()
        flush()
        self.store.finish_run(run_id, stats.articles + stats.duplicates, stats.events, stats.rejected)
        return stats
