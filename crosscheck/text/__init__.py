"""text: what crosscheck reads in a text, one sentence or article at a time, by each language's
rules (rules.py compiles them once). sentences.py splits, numbers.py reads numbers,
attribution.py finds who a sentence comes from, citations.py which outlets a text cites,
claims.py which sentences are claims, anchors.py the names and numbers that survive
translation, evidence.py what a claim's numbers count and who and what it names.

Pure functions. May import: languages, records, limits. Nothing of the stages above.
"""
