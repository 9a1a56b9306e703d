"""Stage `parse`: spaCy parses of the candidate sentences only, batched across articles."""

from __future__ import annotations

from .model import Article
from .resources import Resources
from .stages import stage


def parse_batch(articles: list[Article], resources: Resources) -> None:
    """Mark candidates with the prefilter, then parse every candidate of the batch in one `nlp.pipe`."""
    todo = []
    pf = resources.prefilter if resources.config.prefilter else None
    for article in articles:
        assert article.sentences is not None
        for s in article.sentences:
            if pf is not None:
                s.candidate = pf.is_candidate(s.text)
            if s.candidate and s.doc is None:
                todo.append(s)
    if not todo:
        return
    nlp = resources.nlp
    for s, doc in zip(todo, nlp.pipe([s.text for s in todo], batch_size=resources.config.batch_size), strict=True):
        s.doc = doc


@stage("parse", reads=("sentences",), adds=("sentences.doc",), batch=parse_batch)
def parse(article: Article, resources: Resources) -> None:
    """Parse one article's candidate sentences."""
    parse_batch([article], resources)
