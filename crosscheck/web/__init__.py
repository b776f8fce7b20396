"""web: `crosscheck serve`. server.py builds the application, views.py holds one handler per
route, pages.py the pages the server adds to the report's, reader.py the index as many
threads read it.

May import: present, compare, stories, index, records, errors, vocabulary, languages.
"""
