"""stories: articles about one event, across languages and days. clustering.py forms them
incrementally (average linkage over the article vectors and shared names), vetting.py takes
same-topic reports of other events out again, ids.py names them, catalog.py lists and reads
them, params.py holds their parameters (light: the command's --help reads it).

May import: index, text, languages, linkage, records, errors, vocabulary.
"""
