"""Feeds and web pages as article sources: the only module that touches the network.

`Fetcher` wraps one `httpx.Client` (timeouts, redirects, a byte limit read as a stream). Pages
become article text with `trafilatura` (falling back to the plain HTML reader when it finds
nothing); RSS/Atom is parsed with `feedparser`. Every failure is an `InputProblem` naming the
URL or the feed entry, never an exception, so one dead link does not stop a run.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .io import InputProblem, html_to_text
from .io import _decode as _decode_file_bytes
from .model import Article

FEED_SUFFIXES = (".rss", ".atom", ".xml")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml",
               "application/rdf+xml", "application/feed+json")
_TEXT_TYPES = ("text/", "application/xhtml+xml") + _FEED_TYPES


def is_url(s: str) -> bool:
    return s.startswith(("http://", "https://"))


@dataclass
class Fetched:
    url: str
    content_type: str
    body: bytes


@dataclass
class Fetcher:
    """HTTP GET with limits; `get` returns the page or the reason it could not be had."""

    timeout: float = 15.0
    max_bytes: int = 10 * 1024 * 1024
    user_agent: str = "eventwire (+https://example.invalid/eventwire)"

    def __post_init__(self) -> None:
        import httpx

        self._httpx = httpx
        self.client = httpx.Client(timeout=self.timeout, follow_redirects=True,
                                   headers={"User-Agent": self.user_agent})

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str) -> Fetched | InputProblem:
        try:
            with self.client.stream("GET", url) as resp:
                if resp.status_code >= 400:
                    return InputProblem(url, None, f"fetch failed: HTTP {resp.status_code}")
                ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
                declared = resp.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    return InputProblem(url, None,
                                        f"over size limit ({int(declared)} bytes > {self.max_bytes})")
                chunks, size = [], 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        return InputProblem(url, None, f"over size limit (more than {self.max_bytes} bytes)")
                    chunks.append(chunk)
                return Fetched(str(resp.url), ctype, b"".join(chunks))
        except self._httpx.HTTPError as exc:
            return InputProblem(url, None, f"fetch failed: {type(exc).__name__}: {exc}")


def _decode(body: bytes, source: str) -> str | InputProblem:
    """Like file input, but web pages that are not UTF-8 get a second chance as Windows-1252."""
    text = _decode_file_bytes(body, source)
    if isinstance(text, InputProblem) and text.reason.startswith("invalid UTF-8"):
        try:
            return body.decode("cp1252")
        except UnicodeDecodeError:
            return InputProblem(source, None, f"undecodable text ({text.reason})")
    return text


def page_article(markup: str, url: str, article_id: str | None = None) -> Article | InputProblem:
    """The main text of an HTML page, via trafilatura, else the plain visible text."""
    text, title, published = None, None, None
    try:
        import trafilatura

        raw = trafilatura.extract(markup, output_format="json", with_metadata=True, include_comments=False,
                                  favor_recall=True, url=url)
    except ImportError:  # trafilatura needs lxml_html_clean with lxml >= 5.2; fall back to the plain reader
        raw = None
    if raw:
        meta = json.loads(raw)
        text = meta.get("text") or meta.get("raw_text")
        title = meta.get("title")
        published = _iso_date(meta.get("date"))
    if not text or not text.strip():
        text, title = html_to_text(markup)
    if not text.strip():
        return InputProblem(url, None, "page has no article text")
    return Article(id=article_id or url, text=text, title=title, url=url, published=published)


def _iso_date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def looks_like_feed(ctype: str, body: bytes) -> bool:
    if ctype in _FEED_TYPES:
        return True
    head = body[:1024].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in body[:4096].lower() or b"<feed" in body[:4096].lower())


def read_url(url: str, fetcher: Fetcher) -> Iterator[Article | InputProblem]:
    """One page as an article, or every entry of a feed when the URL is a feed."""
    got = fetcher.get(url)
    if isinstance(got, InputProblem):
        yield got
        return
    if got.content_type and not got.content_type.startswith(_TEXT_TYPES):
        yield InputProblem(url, None, f"binary content ({got.content_type}), not text")
        return
    if looks_like_feed(got.content_type, got.body):
        yield from read_feed(got.body, url, fetcher)
        return
    text = _decode(got.body, url)
    if isinstance(text, InputProblem):
        yield text
        return
    yield page_article(text, got.url)


def read_feed_file(path: Path, fetcher: Fetcher) -> Iterator[Article | InputProblem]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield InputProblem(str(path), None, f"cannot read: {exc.strerror or exc}")
        return
    yield from read_feed(data, str(path), fetcher)


def read_feed(data: bytes, source: str, fetcher: Fetcher) -> Iterator[Article | InputProblem]:
    """Articles of an RSS/Atom feed; entries carrying full content are used as is, others fetched."""
    import feedparser

    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        why = (f"malformed feed ({parsed.get('bozo_exception')})" if parsed.get("bozo")
               else "feed has no entries")
        yield InputProblem(source, None, why)
        return
    for n, entry in enumerate(entries, 1):
        link = entry.get("link")
        published = _entry_date(entry)
        content = entry.get("content") or []
        body = "".join(c.get("value", "") for c in content if isinstance(c, dict))
        if body.strip():
            text, _ = html_to_text(body) if "<" in body else (body, None)
            if text.strip():
                yield Article(id=entry.get("id") or link or f"{source}#{n}", text=text,
                              title=entry.get("title"), url=link, published=published,
                              source=parsed.feed.get("title"))
                continue
        if not link:
            yield InputProblem(source, n, "malformed feed entry: no link and no content")
            continue
        got = fetcher.get(link)
        if isinstance(got, InputProblem):
            yield InputProblem(source, n, f"{link}: {got.reason}")
            continue
        if got.content_type and not got.content_type.startswith(_TEXT_TYPES):
            yield InputProblem(source, n, f"{link}: binary content ({got.content_type}), not text")
            continue
        markup = _decode(got.body, link)
        if isinstance(markup, InputProblem):
            yield InputProblem(source, n, f"{link}: {markup.reason}")
            continue
        art = page_article(markup, link, article_id=entry.get("id") or link)
        if isinstance(art, InputProblem):
            yield InputProblem(source, n, f"{link}: {art.reason}")
            continue
        art.title = entry.get("title") or art.title
        art.published = published or art.published
        art.source = parsed.feed.get("title")
        yield art


def _entry_date(entry: Any) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed"):
        t = entry.get(key)
        if t:
            return dt.date(*time.struct_time(t)[:3])
    return None
