"""Stage `actors`: actor mentions resolved against the shipped knowledge base.

Public surface used by other stages:
- `load_resolver(config) -> Resolver`
- `Resolver.resolve_phrase(text, article) -> Actor | None`: a noun phrase (e.g. the
  subject subtree of a trigger) to an actor, generic agents and coreference included;
  None when the phrase does not denote an actor at all.
- `Resolver.find_mentions(sentence_text, offset, sentence_index, article) -> list[Mention]`.
"""

from __future__ import annotations

from ..config import Config
from ..model import Actor, Article, Mention
from ..resources import Resources
from ..stages import stage


class Resolver:
    """Baseline resolver (replaced by the knowledge-base resolver)."""

    def resolve_phrase(self, text: str, article: Article | None = None) -> Actor | None:
        t = text.strip()
        if not t:
            return None
        return Actor(text=t, name=t, id=None, country=None, sector=None, kind="group")

    def find_mentions(self, sentence_text: str, offset: int, sentence_index: int,
                      article: Article | None = None) -> list[Mention]:
        return []


def load_resolver(config: Config) -> Resolver:
    return Resolver()


@stage("actors", reads=("sentences", "sentences.doc"), adds=("mentions",))
def find_actors(article: Article, resources: Resources) -> None:
    """Find and resolve actor mentions in every sentence."""
    assert article.sentences is not None
    kb = resources.kb
    mentions: list[Mention] = []
    for s in article.sentences:
        mentions.extend(kb.find_mentions(s.text, s.start, s.index, article))
    article.mentions = mentions
