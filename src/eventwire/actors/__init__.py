"""Stage `actors`: actor mentions resolved against the shipped knowledge base.

Public surface used by other stages:
- `load_resolver(config) -> Resolver`: the shipped KB (`data/kb/*.yaml`) plus `config.actors_files`
  (YAML in the organizations format, CSV `id,name,aliases,country,kind,sector` with `|`-separated
  aliases, or a PETRARCH/Phoenix dictionary).
- `Resolver.resolve_phrase(text, article, head=None, start=None) -> Actor | None`: a noun phrase
  (e.g. the subject subtree of a trigger) to an actor, generic agents and coreference included;
  None when the phrase does not denote an actor at all. Pass `start` (the phrase's article offset)
  so that "the group" / "he" resolve to what came before the phrase.
- `Resolver.find_mentions(sentence_text, offset, sentence_index, article, doc=None) -> list[Mention]`.

Ids are stable across releases: `state:ISO3`, `state:ISO3:SECTOR` (state organs), `org:<slug>`,
`person:<slug>`, `agent:<slug>`. A renamed entry keeps its id; a retired id is never reused.
"""

from __future__ import annotations

from ..config import Config
from ..model import Article, Mention
from ..resources import Resources
from ..stages import stage
from .kb import Entry, default_cache_dir, load_entries
from .resolver import ArticleContext, Resolver, fold, guess_kind_sector

__all__ = ["ArticleContext", "Entry", "Resolver", "find_actors", "fold", "guess_kind_sector", "load_resolver"]


def load_resolver(config: Config | None = None, cache: bool = True) -> Resolver:
    """Load the knowledge base (shipped files plus the config's user files) and index it.

    The parsed files are cached in `config.cache_dir` when the config has that field, else in the
    user cache directory; `cache=False` always parses.
    """
    files = tuple(config.actors_files) if config is not None else ()
    cache_dir = getattr(config, "cache_dir", None) or default_cache_dir() if cache else None
    return Resolver(load_entries(files, cache_dir=cache_dir))


@stage("actors", reads=("sentences", "sentences.doc"), adds=("mentions",))
def find_actors(article: Article, resources: Resources) -> None:
    """Find and resolve actor mentions in every sentence, in order (coreference looks back)."""
    assert article.sentences is not None
    kb = resources.kb
    mentions: list[Mention] = []
    for s in article.sentences:
        mentions.extend(kb.find_mentions(s.text, s.start, s.index, article, doc=s.doc))
    article.mentions = mentions
