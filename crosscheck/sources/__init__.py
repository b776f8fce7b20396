"""sources: where articles come from. Readers of files (files.py), of feeds and article pages
(feeds.py) over a polite HTTP client (http.py), outlets and their camps (outlets.py), and an
article's identity (identity.py). Readers yield `ArticleRecord`s or `Problem`s and store
nothing.

May import: records, errors, vocabulary, limits, languages. Nothing of ingest, index or above.
"""
