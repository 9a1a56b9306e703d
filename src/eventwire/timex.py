"""Stage `time`: resolve each event's own date against the publication date."""

from __future__ import annotations

from .model import Article
from .resources import Resources
from .stages import stage


@stage("time", reads=("events", "sentences.doc", "published"), adds=("events.date",))
def resolve_dates(article: Article, resources: Resources) -> None:
    """Baseline: fall back to the publication date with day precision."""
    for ev in article.events or []:
        if article.published is not None:
            ev.date = article.published.isoformat()
            ev.date_precision = "day"
        ev.date_text = None
