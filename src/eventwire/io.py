"""Reading articles from files and stdin, with per-input errors instead of crashes.

Readers yield either an `Article` or an `InputProblem`; the caller reports problems
(naming the file and line) and carries on with the rest of the batch.
"""

from __future__ import annotations

import gzip
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import IO

from .model import Article, parse_published

MAX_FILE_BYTES = 10 * 1024 * 1024  # one .txt/.html article; JSONL limits each record instead
MAX_TEXT_CHARS = 2_000_000


@dataclass
class InputProblem:
    """Why one input (file, or line of a file) was skipped."""

    source: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    ctrl = sum(1 for b in head if b < 9 or 13 < b < 32)
    return bool(head) and ctrl / len(head) > 0.1


class _TextExtractor(HTMLParser):
    _SKIP = {"script", "style", "noscript", "template", "svg", "head", "nav", "footer", "aside"}
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
              "blockquote", "header"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title: str | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in self._SKIP:
            self.skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in self._SKIP and self.skip:
            self.skip -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data
        if not self.skip:
            self.parts.append(data)


def html_to_text(markup: str) -> tuple[str, str | None]:
    """Visible article text (paragraphs separated by blank lines) and the title of an HTML page."""
    p = _TextExtractor()
    p.feed(markup)
    p.close()
    raw = "".join(p.parts)
    paras = [re.sub(r"[ \t\r\f\v\n]+", " ", x).strip() for x in re.split(r"\n\s*\n", raw)]
    text = "\n\n".join(x for x in paras if x)
    title = html.unescape(p.title.strip()) if p.title else None
    return text, title


def _decode(data: bytes, source: str) -> str | InputProblem:
    if not data.strip():
        return InputProblem(source, None, "empty input")
    if _looks_binary(data):
        return InputProblem(source, None, "binary content, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return InputProblem(source, None, f"invalid UTF-8 at byte {exc.start}")


def read_path(path: Path, default_published: str | None = None) -> Iterator[Article | InputProblem]:
    """Yield the articles in one file (.txt, .html/.htm, .jsonl, .jsonl.gz)."""
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield InputProblem(name, None, f"cannot read: {exc.strerror or exc}")
        return
    suffixes = "".join(path.suffixes[-2:]).lower()
    if suffixes.endswith(".jsonl") or suffixes.endswith(".jsonl.gz") or suffixes.endswith(".ndjson"):
        opener = gzip.open if suffixes.endswith(".gz") else open
        try:
            with opener(path, "rb") as fh:
                yield from read_jsonl(fh, name)  # type: ignore[arg-type]
        except OSError as exc:
            yield InputProblem(name, None, f"cannot read: {exc}")
        return
    if size > MAX_FILE_BYTES:
        yield InputProblem(name, None, f"file too large ({size / 1e6:.1f} MB > {MAX_FILE_BYTES / 1e6:.0f} MB limit)")
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield InputProblem(name, None, f"cannot read: {exc.strerror or exc}")
        return
    text = _decode(data, name)
    if isinstance(text, InputProblem):
        yield text
        return
    title = None
    if suffixes.endswith((".html", ".htm")) or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        text, title = html_to_text(text)
        if not text.strip():
            yield InputProblem(name, None, "HTML page has no visible text")
            return
    yield Article(id=path.name, text=text, published=parse_published(default_published), title=title)


def read_jsonl(fh: IO[bytes], name: str) -> Iterator[Article | InputProblem]:
    """One article per line; bad lines become problems naming the line number."""
    seen_any = False
    for lineno, raw in enumerate(fh, 1):
        if not raw.strip():
            continue
        seen_any = True
        try:
            line = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            yield InputProblem(name, lineno, f"invalid UTF-8 at byte {exc.start}")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputProblem(name, lineno, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield InputProblem(name, lineno, "a JSONL article must be an object")
            continue
        if not isinstance(obj.get("text"), str) or not obj["text"].strip():
            yield InputProblem(name, lineno, "missing or empty 'text'")
            continue
        if len(obj["text"]) > MAX_TEXT_CHARS:
            yield InputProblem(name, lineno, f"text too long ({len(obj['text'])} chars > {MAX_TEXT_CHARS})")
            continue
        if obj.get("id") is None:
            obj["id"] = f"{Path(name).name}:{lineno}"
        try:
            published = parse_published(obj.get("published"))
        except ValueError as exc:
            yield InputProblem(name, lineno, str(exc))
            continue
        yield Article(id=str(obj["id"]), text=obj["text"], published=published, title=obj.get("title"),
                      url=obj.get("url"), source=obj.get("source"))
    if not seen_any:
        yield InputProblem(name, None, "empty input")


def read_stdin(stream: IO[bytes], default_published: str | None = None) -> Iterator[Article | InputProblem]:
    """Stdin is JSONL when its first non-blank character is '{', else one plain-text article."""
    data = stream.read()
    stripped = data.lstrip()
    if stripped.startswith(b"{"):
        yield from read_jsonl(iter(data.splitlines(keepends=True)), "<stdin>")  # type: ignore[arg-type]
        return
    text = _decode(data, "<stdin>")
    if isinstance(text, InputProblem):
        yield text
        return
    if stripped[:15].lower().startswith((b"<!doctype html", b"<html")):
        text, _ = html_to_text(text)
    yield Article(id="stdin", text=text, published=parse_published(default_published))


def iter_paths(paths: list[Path]) -> Iterator[Path | InputProblem]:
    """Expand directories recursively (sorted, hidden files skipped)."""
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts):
                    yield f
        elif p.exists():
            yield p
        else:
            yield InputProblem(str(p), None, "no such file or directory")
