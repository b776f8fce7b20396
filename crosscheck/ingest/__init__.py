"""ingest: records into the index. The pure step (prepare.py: split, detect, anchors, embed)
runs in this process or in worker processes (workers.py) or on Ray (ray_workers.py); the writer
(writer.py) stores its results in input order under the index's write lock. follow.py keeps
the followed feeds and runs a fetch.

May import: sources, index, text, languages, records, errors, vocabulary, limits. Not stories,
compare, present or web.
"""
