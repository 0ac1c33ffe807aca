"""Stage 2, extract: skill mentions in a ``Document``'s visible text.

``nlp.py`` builds the blank English spaCy pipeline with phrase and token matchers from the
taxonomy's names and aliases; ``phrases.py`` is the table of methods described in verbs
("trained ... models"); ``mentions.py`` runs them over the document's lines and keeps each hit
with its section, offsets and context.
"""

from __future__ import annotations

from matcher.extract.mentions import find_mentions
from matcher.extract.nlp import SkillNLP, build_nlp

__all__ = ["SkillNLP", "build_nlp", "find_mentions"]
