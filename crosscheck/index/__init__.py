"""index: the index folder. `Index` (folder.py) opens, locks (lock.py), migrates and reconciles
it; store.py holds every SQL statement, vectors.py the faiss files, embed.py the embedding
models, query.py search, check.py `crosscheck check`, paths.py where an index lives.

May import: text, languages, records, errors, vocabulary, limits. folder.py imports nothing
outside index/ but errors, records and limits. Reads never write: a command that only shows
something opens the index read-only.
"""
