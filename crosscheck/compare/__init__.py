"""compare: a story claim by claim. pairs.py scores two claims as one fact, grouping.py forms the
claim groups, provenance.py follows reprints and citations back to each mention's source,
diff.py puts a comparison together (statuses, conflicts, updates), results.py holds what it
gives.

May import: stories, index, sources (outlets), text, languages, linkage, records, errors,
vocabulary.
"""
