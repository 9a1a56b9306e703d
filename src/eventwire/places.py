"""Stage `place`: toponyms resolved offline and attached to the event they belong to."""

from __future__ import annotations

from typing import Any

from .config import Config
from .model import Article
from .resources import Resources
from .stages import stage


def load_gazetteer(config: Config) -> Any:
    return None


@stage("place", reads=("events", "sentences.doc"), adds=("events.location",))
def resolve_places(article: Article, resources: Resources) -> None:
    """Baseline: no places."""
