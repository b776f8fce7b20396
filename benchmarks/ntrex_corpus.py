"""NTREX-128 as a user's own corpus: each document becomes three articles (en, ru, tr) from
outlets given in an --outlets file, ingested like any JSONL (the same construction as
tests/test_real_data.py, which holds these results as a floor).

    python benchmarks/ntrex_corpus.py

Prints: languages detected right; for each English title used as a query, whether the Russian
and Turkish versions of its document are in the top 10 (and top 3); and how many documents
form exactly one story across the three languages, and how many stories mix documents.
"""

from __future__ import annotations

import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crosscheck import Index
from crosscheck.stories import list_stories, update_stories
from tests.test_real_data import NTREX, ntrex_index


class _Folders:
    def __init__(self, root: Path) -> None:
        self.root = root

    def mktemp(self, name: str) -> Path:
        path = self.root / name
        path.mkdir()
        return path


def main() -> None:
    if not NTREX.exists():
        sys.exit(f"no NTREX data at {NTREX}")
    with tempfile.TemporaryDirectory() as tmp:
        path, doc_of = ntrex_index.__wrapped__(_Folders(Path(tmp)))  # type: ignore[attr-defined]
        found = top3 = total = 0
        with Index.open(path) as ix:
            articles = list(ix.store.iter_articles())
            right = sum(a.language == a.id.rsplit("-", 1)[1] for a in articles)
            for a in articles:
                if not a.id.endswith("-en"):
                    continue
                hits = [h.article.id for h in ix.query(a.title, k=10)]
                for lang in ("ru", "tr"):
                    target = f"{doc_of[a.id]}-{lang}"
                    total += 1
                    found += target in hits
                    top3 += target in hits[:3]
            update_stories(ix)
            stories = list_stories(ix)
    story_of = {a.id: s.id for s in stories for a in s.articles}
    by_doc: dict[str, set[str]] = defaultdict(set)
    docs_in: dict[str, set[str]] = defaultdict(set)
    for article_id, doc in doc_of.items():
        by_doc[doc].add(story_of[article_id])
        docs_in[story_of[article_id]].add(doc)
    print(f"articles: {len(articles)} ({len(by_doc)} documents x en, ru, tr)")
    print(f"languages detected right: {right} of {len(articles)}")
    print(f"English title as query, ru/tr version in top 10: {found} of {total}; in top 3: {top3} of {total}")
    print(f"documents forming exactly one story: {sum(len(s) == 1 for s in by_doc.values())} of {len(by_doc)}; "
          f"stories mixing documents: {sum(len(d) > 1 for d in docs_in.values())} of {len(docs_in)}")


if __name__ == "__main__":
    main()
