"""stories: articles about one event, across languages and days. clustering.py forms them
incrementally (average linkage over the probabilities of the story pair model of pairs.py),
identifiers.py says which names can carry a story past its usual span, ids.py names them,
catalog.py lists and reads them, params.py holds their parameters (light: the command's --help
reads it).

May import: index, text, languages, linkage, records, errors, vocabulary.
"""
