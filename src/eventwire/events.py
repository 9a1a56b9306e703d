"""Stage `events`: triggers (verbal and nominal) to coded events with source and target."""

from __future__ import annotations

from .model import Article
from .resources import Resources
from .stages import stage


@stage("events", reads=("sentences.doc", "mentions"), adds=("events",))
def find_events(article: Article, resources: Resources) -> None:
    article.events = []
