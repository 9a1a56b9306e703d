"""Heavy shared resources (spaCy model, lexicons, knowledge base, gazetteer).

Loaded lazily, once per `Resources` object, so a worker process pays for each at
most once and stages that are switched off cost nothing.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from .config import Config


class Resources:
    """Lazily loaded resources shared by the stages of one pipeline."""

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()

    @cached_property
    def nlp(self) -> Any:
        """The spaCy pipeline, with its rule components swapped for output-identical faster ones."""
        from .nlp import load_model, speed_up

        nlp = load_model(self.config.model)
        speed_up(nlp)
        return nlp

    @cached_property
    def lexicon(self) -> Any:
        from .lexicon import load_lexicon

        return load_lexicon()

    @cached_property
    def cameo(self) -> Any:
        from .cameo import load_cameo

        return load_cameo()

    @cached_property
    def kb(self) -> Any:
        from .actors import load_resolver

        return load_resolver(self.config)

    @cached_property
    def gazetteer(self) -> Any:
        from .places import load_gazetteer

        return load_gazetteer(self.config)

    @cached_property
    def prefilter(self) -> Any:
        from .prefilter import Prefilter

        return Prefilter.build(self.lexicon, self.kb, nlp=self.nlp)
