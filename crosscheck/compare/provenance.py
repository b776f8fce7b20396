"""Where a claim comes from: reprints ("near-verbatim" copies of an earlier article) and
citations ("citing TASS", "ссылаясь на ТАСС", "TASS'ın haberine göre") followed back through
the story to the outlet a mention goes back to, its origin. A claim group's independent
sources are its distinct origins."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np

from ..records import Article, time_order
from ..sources.outlets import OutletDirectory, normalise_name
from ..text.citations import cited_outlets
from ..text.evidence import is_institution_speaker, is_media_speaker
from ..text.rules import TextRules, rules_for
from ..text.sentences import paragraphs
from ..vocabulary import Camp
from .results import Mention

__all__ = ["REPRINT_SIMILARITY", "REPRINT_SHARE", "Sources", "find_reprints"]

REPRINT_SIMILARITY = 0.9    # a sentence this close to an earlier article's is copied


REPRINT_SHARE = 0.6         # an article whose claims are this much copied is a reprint


LEAD_PARAGRAPHS = 1         # a citation in the title or the first paragraph covers the article


class Sources:
    """Follows reprints and citations back to the outlet a mention comes from."""

    def __init__(self, articles: list[Article], directory: OutletDirectory,
                 reprints: dict[str, str]) -> None:
        self.articles = {a.id: a for a in articles}
        self.directory = directory
        self.reprints = reprints
        names: list[str] = []
        for outlet in directory:
            names += [outlet.name, *outlet.aliases]
        names += sorted({a.outlet for a in articles})
        self.names = sorted(set(names))
        self._cited: dict[tuple[str, TextRules], list[str]] = {}
        self.rules: dict[str, TextRules] = {}  # article id -> its language's rules
        self.lead_citations: dict[str, list[str]] = {}
        self.all_citations: dict[str, list[str]] = {}
        for a in articles:
            lead = a.title + "\n\n" + "\n\n".join(p for _, p in list(paragraphs(a.text))[:LEAD_PARAGRAPHS])
            rules = self.rules[a.id] = rules_for(a.language)
            self.lead_citations[a.id] = self._canonical(self.cited(lead, rules), a)
            self.all_citations[a.id] = self._canonical(self.cited(a.title + "\n\n" + a.text, rules), a)

    def cited(self, text: str, language: TextRules) -> list[str]:
        """cited_outlets, remembered: resolving a story asks about the same sentences many times."""
        key = (text, language)
        if key not in self._cited:
            self._cited[key] = cited_outlets(text, self.names, language)
        return self._cited[key]

    def _canonical(self, names: list[str], article: Article) -> list[str]:
        out: list[str] = []
        for name in names:
            outlet = self.directory.lookup(name)
            canonical = outlet.name if outlet else name
            if normalise_name(canonical) != normalise_name(article.outlet) and canonical not in out:
                out.append(canonical)
        return out

    def relays(self, articles: Sequence[Article]) -> set[frozenset[str]]:
        """Pairs of `articles` (their ids) of which one cites the other's outlet anywhere in its
        text or reprints it: a relay and its source, whose claims the pair model weighs as such."""
        return {frozenset((a.id, b.id)) for a in articles for b in articles
                if a.id != b.id and (b.outlet in self.all_citations[a.id] or self.reprints.get(a.id) == b.id)}

    def camp_of(self, outlet_name: str) -> str:
        for a in self.articles.values():
            if a.outlet == outlet_name:
                return a.camp
        found = self.directory.lookup(outlet_name)
        return found.camp if found else Camp.UNKNOWN

    def _self_sourced(self, mention: Mention) -> bool:
        """"told Reuters", "рассказал «Коммерсанту»": the outlet's own reporting."""
        outlet = self.directory.lookup(mention.article.outlet)
        keys = {normalise_name(mention.article.outlet)}
        if outlet:
            keys |= {normalise_name(x) for x in (outlet.name, *outlet.aliases)}
        words = {normalise_name(w) for w in _unquoted(mention.text).split()}
        return any(k and any(w.startswith(k) for w in words) for k in keys if len(k) > 1)

    def resolve(self, mention: Mention, group: list[Mention]) -> None:
        """Set mention.origin (and .via) by following reprints and citations within the group."""
        seen: set[str] = set()
        current = mention
        via: list[str] = []
        while True:
            article = current.article
            seen.add(article.id)
            nxt, origin = self._step(current, group, seen)
            if nxt is None:
                mention.origin = origin or article.outlet
                mention.via = via
                return
            via.append(article.outlet)
            current = nxt

    def _step(self, mention: Mention, group: list[Mention], seen: set[str]) -> tuple[Mention | None, str | None]:
        article = mention.article
        by_article = {m.article.id: m for m in group}
        source_id = self.reprints.get(article.id)
        if source_id and source_id not in seen and source_id in self.articles:
            if source_id in by_article:
                return by_article[source_id], None
            source = self.articles[source_id]
            return None, (self.lead_citations[source_id] or [source.outlet])[0]
        rules = self.rules[article.id]
        sentence_cites = self._canonical(self.cited(mention.text, rules), article)
        if not sentence_cites and self._self_sourced(mention):
            return None, article.outlet
        for cited in sentence_cites:  # "citing TASS", "ссылаясь на ТАСС": this sentence is relayed
            for m in group:
                if m.article.outlet == cited and m.article.id not in seen:
                    return m, None
        if sentence_cites:
            return None, sentence_cites[0]
        # An outlet the article cites elsewhere ("TASS'ın haberine göre" in its second paragraph)
        # is the source of a sentence that names no source of its own ("..., it was reported",
        # "..., the agency said"), and of one quoting the person that outlet's report quotes
        # ("Klintsevich said", "the senator said"): a person's words come from the outlet that
        # had them. A sentence quoting an institution ("the ministry said", "the Foreign Ministry
        # said in a statement"), or a named speaker other than the cited report's, is the
        # outlet's own reporting: two outlets that each had the statement count twice. A
        # citation in the title or lead also covers the claims the cited report is not found
        # stating, unless that outlet's report is in the story: then what it does not state is the
        # relay's own (Hürriyet adding the Russian toll to AA's report, DW the Ukrainian denial).
        speaker = mention.attributed_to or ""
        if self.directory.lookup(speaker) is not None or is_media_speaker(speaker, rules):
            speaker = ""  # "the agency said": the outlet, not a speaker of its own
        own_names = mention.evidence.speaker if speaker and mention.evidence else frozenset()
        institution = bool(speaker) and is_institution_speaker(speaker, rules)
        for cited in self.all_citations[article.id]:
            original = next((m for m in group if m.article.outlet == cited and m.article.id not in seen), None)
            if original is None:
                continue
            theirs = original.evidence.speaker if original.evidence else frozenset()
            if own_names and theirs:
                return (original, None) if own_names & theirs else (None, article.outlet)
            return (None, article.outlet) if institution else (original, None)
        if not speaker:
            for cited in self.lead_citations[article.id]:
                if any(a.outlet == cited for a in self.articles.values()):
                    continue  # its report is here, and this group holds no mention of it
                return None, cited
        return None, article.outlet


def find_reprints(articles: list[Article], vectors: dict[str, np.ndarray]) -> dict[str, str]:
    """article id -> the earlier article it copies (the same text, or most sentences near-verbatim)."""
    order = sorted(articles, key=time_order)  # instants, not text in each outlet's own offset
    out: dict[str, str] = {}
    for i, a in enumerate(order):
        if a.duplicate_of:
            out[a.id] = a.duplicate_of
            continue
        va = vectors.get(a.id)
        if va is None or len(va) == 0:
            continue
        best, best_share = None, 0.0
        for b in order[:i]:
            vb = vectors.get(b.id)
            if vb is None or len(vb) == 0:
                continue
            share = float(((va @ vb.T).max(axis=1) >= REPRINT_SIMILARITY).mean())
            if share > best_share:
                best, best_share = b, share
        if best is not None and best_share >= REPRINT_SHARE:
            out[a.id] = best.id
    return out


def _unquoted(text: str) -> str:
    """`text` with its quotation marks (Unicode's opening and closing quotes: « » “ ” ‘ ’) made
    spaces, so that a name in quotes is a word of its own ("рассказал «Коммерсанту»")."""
    return "".join(" " if unicodedata.category(c) in ("Pi", "Pf") else c for c in text)
