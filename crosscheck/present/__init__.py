"""present: what people read. report.py renders a story's page and writes a report folder,
listing.py its index page, views.py the records the templates show, html.py the escaping,
links and Content-Security-Policy every page shares, shapes.py the JSON of every `--json`,
translate.py the cached translations; templates/ are Jinja2, autoescaped.

May import: compare, stories, index, records, errors, vocabulary, languages. Not web.
"""
