"""Generate a benchmark corpus of N pseudo-articles from real news sentences (no network).

    python benchmarks/corpus.py N OUT.jsonl [--eval DIR] [--seed 0]

Writes JSONL in crosscheck's input format (id, url, outlet, title, text, published; no
language field, so ingest detects it as it would for real input), streaming: memory stays
constant whatever N. The same N, seed and eval data give the same file.

Where the text comes from (read at run time from DIR, default <repo>/../shared/eval; nothing
is copied into the repository):
- stories (about 75% of the articles, 2-6 per story): one NTREX-128 document (an English news story with
  line-aligned Russian and Turkish translations) reported by 2-3 languages, one or two outlets
  per language from crosscheck/data/outlets.toml (en: west, ru: ru, tr: tr camp), published
  over 1-3 days. Each article takes the document's headline as its title and 6-14 of its
  lines as text, some dropped and some adjacent ones swapped per article; a document too
  short for 6 is padded with sentences of one SemEval article in the same language;
- singletons (the rest): a SemEval-2022 article in en, ru or tr (split by crosscheck's own
  segmenter), its title and 6-14 of its sentences.
Articles are grouped in paragraphs of 1-3 sentences and spread over max(7, N/400) days, in
roughly chronological order. With 123 NTREX documents, a large corpus reports each document
many times; reports of one document further apart than the story window are separate stories.
Ids tell the source: `ntrex-<document>-<n>` or `semeval-<k>-<n>`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    DEFAULT_EVAL,
    LANGUAGES,
    REPO,
    NtrexDocument,
    Result,
    SemevalArticle,
    check_eval,
    machine_info,
    ntrex_documents,
    print_machine,
    semeval_articles,
    table,
)

OUTLETS_FILE = REPO / "crosscheck" / "data" / "outlets.toml"
CAMP_OF_LANGUAGE = {"en": "west", "ru": "ru", "tr": "tr"}
START = datetime(2024, 1, 1, tzinfo=UTC)
ARTICLES_PER_DAY = 400
STORY_SHARE = 0.5          # draws that make an NTREX story (2-6 articles) rather than a SemEval singleton
MIN_SENTENCES, MAX_SENTENCES = 6, 14
DROP = 0.15                # chance a line of the document is left out of one article
SWAP = 0.15                # chance two adjacent lines trade places in one article
SECOND_OUTLET = 0.3        # chance a language of a story has a second outlet


@dataclass(frozen=True)
class Outlet:
    name: str
    domain: str


def outlets_by_camp(path: Path = OUTLETS_FILE) -> dict[str, list[Outlet]]:
    with open(path, "rb") as f:
        data = tomllib.load(f)
    out: dict[str, list[Outlet]] = {}
    for name, entry in data.items():
        domains = entry.get("domains") or [name.lower().replace(" ", "") + ".example"]
        out.setdefault(entry["camp"], []).append(Outlet(name, domains[0]))
    return out


class CorpusGenerator:
    """Deterministic for a seed; holds only the eval data (a few MB), never the corpus."""

    def __init__(self, eval_dir: Path, seed: int = 0) -> None:
        check_eval(eval_dir)
        self.seed = seed
        self.documents: list[NtrexDocument] = ntrex_documents(eval_dir)
        articles = semeval_articles(eval_dir, LANGUAGES)
        self.singles: list[SemevalArticle] = [a for a in articles if len(a.sentences) >= MIN_SENTENCES]
        self.background: dict[str, list[SemevalArticle]] = {
            lang: [a for a in articles if a.language == lang] for lang in LANGUAGES}
        camps = outlets_by_camp()
        self.outlets = {lang: camps[camp] for lang, camp in CAMP_OF_LANGUAGE.items()}

    def articles(self, n: int) -> Iterator[dict[str, str]]:
        """n article records, stories kept together, in roughly chronological order."""
        rng = random.Random(self.seed)
        days = max(7, math.ceil(n / ARTICLES_PER_DAY))
        written = 0
        while written < n:
            day = written * days / n
            if rng.random() < STORY_SHARE:
                batch = self._story(rng, day, written)
            else:
                batch = [self._single(rng, day, written)]
            for record in batch[:n - written]:
                yield record
                written += 1

    # -- pieces ---------------------------------------------------------------------------------
    @staticmethod
    def _when(day: float) -> datetime:
        return (START + timedelta(days=day)).replace(microsecond=0)

    @staticmethod
    def _paragraphs(rng: random.Random, sentences: list[str]) -> str:
        out, i = [], 0
        while i < len(sentences):
            step = rng.randint(1, 3)
            out.append(" ".join(sentences[i:i + step]))
            i += step
        return "\n\n".join(out)

    def _record(self, kind: str, number: int, outlet: Outlet, title: str, text: str, when: datetime
                ) -> dict[str, str]:
        return {"id": f"{kind}-{number:07d}", "url": f"https://{outlet.domain}/news/{when:%Y/%m/%d}/{number:07d}",
                "outlet": outlet.name, "title": title, "text": text, "published": when.isoformat()}

    def _story(self, rng: random.Random, day: float, number: int) -> list[dict[str, str]]:
        doc = rng.choice(self.documents)
        languages = rng.sample(LANGUAGES, rng.choice((2, 2, 3)))
        start, span = day + rng.random(), rng.choice((1, 2, 3))
        records = []
        for lang in languages:
            outlets = rng.sample(self.outlets[lang], 2 if rng.random() < SECOND_OUTLET else 1)
            background = rng.choice(self.background[lang])
            for outlet in outlets:
                when = self._when(start + rng.uniform(0, span))
                title, body = doc.lines[lang][0], [s for s in doc.lines[lang][1:] if s]
                sentences = self._pick(rng, body)
                if len(sentences) < MIN_SENTENCES:  # a short document: a related paragraph at the end
                    sentences += background.sentences[:MIN_SENTENCES - len(sentences)]
                records.append((when, outlet, title, sentences))
        records.sort(key=lambda r: r[0])
        out: list[dict[str, str]] = []
        for when, outlet, title, sentences in records:
            out.append(self._record(f"ntrex-{doc.id}", number + len(out), outlet, title,
                                    self._paragraphs(rng, sentences), when))
        return out

    def _single(self, rng: random.Random, day: float, number: int) -> dict[str, str]:
        k = rng.randrange(len(self.singles))
        art = self.singles[k]
        sentences = self._pick(rng, art.sentences)
        if len(sentences) < MIN_SENTENCES:
            sentences = art.sentences[:MIN_SENTENCES]
        outlet = rng.choice(self.outlets[art.language])
        return self._record(f"semeval-{k:04d}", number, outlet, art.title, self._paragraphs(rng, sentences),
                            self._when(day + rng.random()))

    @staticmethod
    def _pick(rng: random.Random, lines: list[str]) -> list[str]:
        """6-14 of `lines` in order, some dropped, some adjacent pairs swapped."""
        kept = [s for s in lines if rng.random() >= DROP]
        target = rng.randint(MIN_SENTENCES, MAX_SENTENCES)
        if len(kept) > target:
            kept = [kept[i] for i in sorted(rng.sample(range(len(kept)), target))]
        for i in range(len(kept) - 1):
            if rng.random() < SWAP:
                kept[i], kept[i + 1] = kept[i + 1], kept[i]
        return kept


def write_corpus(n: int, out: Path, eval_dir: Path = DEFAULT_EVAL, seed: int = 0) -> Result:
    """Write n articles to `out` (via a temporary file, so a cached corpus is never half-written)."""
    started = time.perf_counter()
    generator = CorpusGenerator(eval_dir, seed)
    languages: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    first = last = ""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for record in generator.articles(n):
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            kinds["story" if record["id"].startswith("ntrex-") else "singleton"] += 1
            languages[_language_of(record["outlet"], generator)] += 1
            first = min(first or record["published"], record["published"])
            last = max(last, record["published"])
    os.replace(tmp, out)
    return {"articles": n, "file": str(out), "bytes": out.stat().st_size, "seed": seed,
            "story_articles": kinds["story"], "singleton_articles": kinds["singleton"],
            "languages": dict(sorted(languages.items())), "first_published": first, "last_published": last,
            "seconds": time.perf_counter() - started}


def _language_of(outlet: str, generator: CorpusGenerator) -> str:
    for lang, outlets in generator.outlets.items():
        if any(o.name == outlet for o in outlets):
            return lang
    return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("out", type=Path, help="output .jsonl file")
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help=f"eval data folder [{DEFAULT_EVAL}]")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    print_machine(machine_info())
    r = write_corpus(args.n, args.out, args.eval, args.seed)
    table("corpus", ["articles", "story articles", "singletons", "en", "ru", "tr", "MB", "first day", "last day",
                     "seconds"],
          [[r["articles"], r["story_articles"], r["singleton_articles"], r["languages"].get("en", 0),
            r["languages"].get("ru", 0), r["languages"].get("tr", 0), r["bytes"] / 1e6,
            r["first_published"][:10], r["last_published"][:10], r["seconds"]]])
    print(f"\nwrote {r['file']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
