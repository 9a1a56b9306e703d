"""eventwire as a spaCy pipeline component (factory name "eventwire").

    nlp = spacy.load("en_core_web_sm"); nlp.add_pipe("eventwire")
    doc = nlp(text); doc._.events  # list[eventwire.Event]

The component reuses the user's own parse: each eventwire sentence becomes a
`Span.as_doc()` of the parsed Doc, so nothing is parsed twice.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc


class EventwireComponent:
    def __init__(self, nlp: Language, name: str, published: str | None = None,
                 statuses: list[str] | None = None) -> None:
        from .config import Config
        from .pipeline import Pipeline

        opts: dict[str, Any] = {"prefilter": False}
        if statuses:
            opts["statuses"] = tuple(statuses)
        self.pipeline = Pipeline(Config().with_options(**opts))
        self.published = published
        if not Doc.has_extension("events"):
            Doc.set_extension("events", default=None)
        if not Doc.has_extension("published"):
            Doc.set_extension("published", default=None)

    def __call__(self, doc: Doc) -> Doc:
        from .model import Article, parse_published
        from .stages import run_stage

        article = Article(id=str(doc.user_data.get("id", "doc")), text=doc.text,
                          published=parse_published(doc._.published or self.published))
        specs = self.pipeline.specs
        for spec in specs:
            if spec.name == "parse":
                for s in article.sentences or []:
                    span = doc.char_span(s.start, s.end, alignment_mode="expand")
                    s.doc = span.as_doc() if span is not None else None
                    s.candidate = s.doc is not None
                article.provided.add("sentences.doc")
                continue
            run_stage(spec, article, self.pipeline.resources)
        self.pipeline._finish(article)
        doc._.events = article.events
        return doc


@Language.factory("eventwire", default_config={"published": None, "statuses": None})
def make_eventwire(nlp: Language, name: str, published: str | None,
                   statuses: list[str] | None) -> EventwireComponent:
    return EventwireComponent(nlp, name, published, statuses)
