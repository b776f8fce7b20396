"""Real text nobody on the project wrote: NTREX-128 (../shared/eval), news documents in English
with professional Russian and Turkish translations. Opt-in by path: skipped where the eval
data is not beside the project. Each document becomes three articles, one per language, from
outlets given in an --outlets file, as a user's own corpus would be."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from crosscheck import Index, OutletDirectory
from crosscheck.stories.catalog import list_stories
from crosscheck.stories.clustering import update_stories
from crosscheck.ingest.writer import ingest_paths
from crosscheck.index.query import search

from ..conftest import SHARED

NTREX = SHARED / "eval" / "ntrex128_en_ru_tr"
SKIP_REASON = (f"NTREX-128 not found at {NTREX}: put there the NTREX-128 test set (news documents in English "
               "with professional Russian and Turkish translations, CC BY-SA 4.0, from the "
               "MicrosoftTranslator/NTREX repository on GitHub): newstest2019-src.eng.txt, "
               "newstest2019-ref.rus.txt, newstest2019-ref.tur.txt and DOCUMENT_IDS.tsv")
pytestmark = pytest.mark.skipif(not NTREX.exists(), reason=SKIP_REASON)

OUTLETS = {"en": ("Wire Service", "west"), "ru": ("Московский вестник", "ru"), "tr": ("Ankara Postası", "tr")}
FILES = {"en": "newstest2019-src.eng.txt", "ru": "newstest2019-ref.rus.txt", "tr": "newstest2019-ref.tur.txt"}


@pytest.fixture(scope="module")
def ntrex_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("ntrex")
    lines = {lang: (NTREX / name).read_text(encoding="utf-8").splitlines() for lang, name in FILES.items()}
    docs: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate((NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()):
        docs[doc.split("\t")[0]].append(i)
    corpus = folder / "corpus.jsonl"
    doc_of: dict[str, str] = {}
    with corpus.open("w", encoding="utf-8") as out:
        for n, (doc, rows) in enumerate(sorted(docs.items())):
            if len(rows) < 4:
                continue
            for lang, (outlet, _camp) in OUTLETS.items():
                article_id = f"{doc}-{lang}"
                doc_of[article_id] = doc
                out.write(json.dumps({
                    "id": article_id, "url": f"https://{lang}.example.org/{doc}", "outlet": outlet,
                    "published": f"2019-{1 + n % 12:02d}-{1 + n % 27:02d}T12:00:00Z",
                    "title": lines[lang][rows[0]], "text": "\n\n".join(lines[lang][i] for i in rows[1:]),
                }, ensure_ascii=False) + "\n")
    outlets = folder / "outlets.json"
    outlets.write_text(json.dumps({name: {"camp": camp, "domain": f"{lang}.example.org"}
                                   for lang, (name, camp) in OUTLETS.items()}, ensure_ascii=False))
    with Index.open(folder / "ix", create=True) as ix:
        report = ingest_paths(ix, [corpus], OutletDirectory.with_file(outlets))
    assert report.problems == [] and report.skipped == 0 and report.unknown_outlets == []
    assert report.added == len(doc_of)
    return folder / "ix", doc_of


def test_languages_and_camps_are_right(ntrex_index: tuple[Path, dict[str, str]]) -> None:
    path, doc_of = ntrex_index
    with Index.open(path) as ix:
        articles = list(ix.store.iter_articles())
    wrong = [(a.id, a.language) for a in articles if a.language != a.id.rsplit("-", 1)[1]]
    assert len(wrong) <= len(articles) // 100, wrong
    assert all(a.camp == OUTLETS[a.id.rsplit("-", 1)[1]][1] for a in articles)


def test_query_in_one_language_finds_the_other_two(ntrex_index: tuple[Path, dict[str, str]]) -> None:
    path, doc_of = ntrex_index
    found = total = 0
    with Index.open(path) as ix:
        for a in ix.store.iter_articles():
            if not a.id.endswith("-en"):
                continue
            doc = doc_of[a.id]
            hits = {h.article.id for h in search(ix, a.title, k=10)}
            found += f"{doc}-ru" in hits
            found += f"{doc}-tr" in hits
            total += 2
    assert found / total >= 0.9, f"{found} of {total}"


def test_each_document_forms_one_story_in_three_languages(ntrex_index: tuple[Path, dict[str, str]]) -> None:
    path, doc_of = ntrex_index
    with Index.open(path) as ix:
        update_stories(ix)
        story_of = {a.id: s.id for s in list_stories(ix) for a in s.articles}
    by_doc: dict[str, set[str]] = defaultdict(set)
    for article_id, doc in doc_of.items():
        by_doc[doc].add(story_of[article_id])
    whole = sum(len(stories) == 1 for stories in by_doc.values())
    assert whole / len(by_doc) >= 0.9, f"{whole} of {len(by_doc)} documents in one story"
    members: dict[str, set[str]] = defaultdict(set)
    for article_id, story in story_of.items():
        members[story].add(doc_of[article_id])
    mixed = sum(len(docs) > 1 for docs in members.values())
    assert mixed / len(members) <= 0.1, f"{mixed} of {len(members)} stories mix documents"
