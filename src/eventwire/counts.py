"""Stage `counts`: fatalities, injured, arrested and crowd size from the event's clause."""

from __future__ import annotations

from .model import Article
from .resources import Resources
from .stages import stage


@stage("counts", reads=("events", "sentences.doc"), adds=("events.counts",))
def extract_counts(article: Article, resources: Resources) -> None:
    """Baseline: no counts."""
