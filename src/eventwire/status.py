"""Stage `status`: factuality of each event (asserted, claimed, future, historical...)."""

from __future__ import annotations

from .model import Article
from .resources import Resources
from .stages import stage


@stage("status", reads=("events", "sentences.doc", "events.date"), adds=("events.status",))
def assign_status(article: Article, resources: Resources) -> None:
    """Baseline: everything asserted."""
