"""Compare a story claim by claim: align claims across articles and languages into groups,
one group per fact, count the independent sources behind each, and list the values that
sources disagree on.

Steps, for the articles of one story (or any set of articles):
1. claims: the story's sentences that state something checkable (crosscheck/text/claims.py), with their
   vectors from the sentence index (nothing is embedded again) and their evidence
   (crosscheck/text/evidence.py: numbers and what they count, dates, names, speaker, negation);
2. pairs: for every two claims of different articles, a calibrated probability that they state
   the same fact (`PairModel`, a logistic regression over the cosine, how much closer the two
   are than to their other neighbours, the language pair, and the evidence; its weights are
   crosscheck/data/claim_pairs.json, fitted by benchmarks/protocol.py; pairs.py);
3. groups: agglomeration while the claims of two groups have matches in the other, on average
   at least the model's threshold both ways (best-match linkage), never putting two claims of
   one article into one group;
   then groups that are each other's best match join at a lower threshold, and a claim left
   alone joins the group of two or more it matches best on average, at the model's
   `attach_threshold`, and two groups that each give a toll of one kind (the dead, the injured,
   the missing) join when each is the other's closest such group, at CANDIDATE_FLOOR, as do two
   groups that are each other's best match where a claim of each gives the same figure, and the
   two share a name or one relays the other (grouping.py).
   Precision first: when the evidence is weak, claims stay apart;
4. conflicts: mentions of one fact whose numbers or dates of the same kind differ stay in one
   group; the group lists each value with the outlets that give it. An outlet that changes its
   own figure in a later article made an update, listed as such, not a conflict;
5. sources: a mention's origin is the outlet it comes from once reprints ("near-verbatim"
   copies) and citations ("citing TASS", "ссылаясь на ТАСС", "TASS'ın haberine göre") are
   followed back through the story; a group's independent sources are its distinct origins
   (provenance.py);
6. status (crosscheck/vocabulary.py): `single_source` (one origin), `shared` (origins in two or
   more of ru, tr, west), `camp_only` (two or more origins, all in one camp).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from ..records import Article, Story, time_order
from ..sources.outlets import OutletDirectory
from ..stories.catalog import get_story
from ..text.attribution import attribution
from ..text.claims import analyse, dateline_end, says_only_who
from ..text.anchors import extract_anchors
from ..text.evidence import ClaimEvidence, Quantity, evidence
from ..text.rules import rules_for
from ..vocabulary import KNOWN_CAMPS, Status
from .grouping import groups_from_probabilities, join_confirmed, join_rival_tolls, probabilities
from .pairs import PAIR_FEATURES, PairModel, pair_features, places_in_articles
from .provenance import Sources, find_reprints
from .things import assign_things, group_things
from .results import STATUSES, Candidate, ClaimGroup, Comparison, Conflict, ConflictValue, Mention, SentenceView

if TYPE_CHECKING:
    from ..index.folder import Index

__all__ = ["CANDIDATE_FLOOR", "Prepared", "claim_mentions", "prepare", "finish", "compare_articles", "compare_story"]

log = logging.getLogger("crosscheck")
TOLL_KINDS = frozenset({"dead", "injured", "missing"})  # one event has one toll of each: rival figures are one fact


# -- conflicts -------------------------------------------------------------------------------
def _disputes(mentions: list[Mention]) -> tuple[list[Conflict], list[Conflict]]:
    """Values of one kind that the group's mentions disagree on: (conflicts between sources,
    updates of one source's own figure). `mentions` are in time order: a source's figure that it
    later replaced is its update, and only its latest figure stands against the other sources'
    (Reuters revising 8 dead to 9, which TASS reports, is an update and no conflict). A source's
    latest figure is that of the latest mention going back to it, a relay's too: a relay may carry
    a later figure than the source's own article in the story, or an older one (taking the source's
    own article's instead gave one false conflict more over benchmarks/protocol.py's directions)."""
    conflicts: list[Conflict] = []
    updates: list[Conflict] = []
    kind_of = _quantity_kinds(mentions)
    together = _stated_apart(mentions, kind_of) | _rounded_alike(mentions, kind_of)
    stated = {id(q) for m in mentions for q in _disputing(m)}

    def rivals(va: frozenset[float], vb: frozenset[float]) -> bool:
        return not va & vb and any(frozenset((p, q)) not in together for p in va for q in vb)

    for kind in sorted(set(kind_of.values())):
        giving = [(m, frozenset(q.value for q in m.numbers if kind_of.get(id(q)) == kind and id(q) in stated))
                  for m in mentions]
        by_source: dict[str, list[tuple[Mention, frozenset[float]]]] = {}
        for m, v in giving:
            if v:
                by_source.setdefault(m.origin or m.article.outlet, []).append((m, v))
        for told in by_source.values():
            if any(rivals(va, vb) for x, (_, va) in enumerate(told) for _, vb in told[x + 1:]):
                updates.append(_dispute(kind, told, kind_of))
        latest = [told[-1] for told in by_source.values()]
        if any(rivals(va, vb) for x, (_, va) in enumerate(latest) for _, vb in latest[x + 1:]):
            conflicts.append(_dispute(kind, latest, kind_of))
    return conflicts, updates


def _dispute(kind: str, giving: list[tuple[Mention, frozenset[float]]], kind_of: dict[int, str]) -> Conflict:
    """The values of `kind` the mentions give (`giving`: each mention with its values of that
    kind), each with the outlets and sources that give it, smallest first."""
    values: dict[float, ConflictValue] = {}
    for m, vs in giving:
        for q in m.numbers:
            if kind_of.get(id(q)) != kind or q.value not in vs:
                continue
            cv = values.setdefault(q.value, ConflictValue(q.value, q.text, [], []))
            if m.article.outlet not in cv.outlets:
                cv.outlets.append(m.article.outlet)
            if m.origin and m.origin not in cv.origins:
                cv.origins.append(m.origin)
    return Conflict(kind.split("/")[0], sorted(values.values(), key=lambda v: v.value))


def _stated_apart(mentions: list[Mention], kind_of: dict[int, str]) -> set[frozenset[float]]:
    """Pairs of values that one mention states side by side as figures of different kinds or
    things: that sentence tells them apart ("312 passengers and 24 crew"; "14 injured, three of
    them in hospital"), so they are never rivals, even where another mention's reading puts them
    under one kind ("Three of the injured"). Two values of one kind in one sentence stay rivals: a
    sentence may report the disagreement itself ("Ankara says 2027, Moscow 2028")."""
    return {frozenset((p.value, q.value)) for m in mentions for p in m.numbers for q in m.numbers
            if p.value != q.value and kind_of.get(id(p)) != kind_of.get(id(q))}


def _disputing(m: Mention) -> list[Quantity]:
    """The numbers of a mention that may dispute another's: not a person's age ("the 46-year-old
    relative", "the doctor, 31," are no rival tolls), not a wire dateline's date ("MARMARIS, Sept 15
    (Reuters) -": when the report was filed), and not a date no report wrote, a weekday or
    "yesterday" counted back from the article's own day (text/evidence.py `_relative_dates`),
    which a report of a coming day ("declared Tuesday a day of mourning") reads wrong. All still
    join claims; they dispute none."""
    opening = dateline_end(m.text)
    return [q for q in m.numbers if not q.age
            and not (q.kind == "date" and (q.start < opening or not any(c.isdigit() for c in q.text)))]


# a figure written with a scale word: "38 million", "38,2 млн", "4,5 milyar", "1.2 Mrd.", "$1.2 billion"
_SCALED = re.compile(r"[$€£₺₽]?\s*(\d+)(?:[.,](\d+))?\s*[^\W\d_]+\.?\s*[$€£₺₽]?")
ROUNDED_AT_MOST = 0.1  # a rounded figure's step, as a share of it: two significant digits or more


def _rounding(q: Quantity) -> float | None:
    """The step a figure written with a scale word and two or more significant digits is rounded
    to ("38 million": a million, "38,2 млн": 100,000); None for one written out in digits (whose
    zeros may be exact) and for one of a single digit ("1 million", "2 bin": which any figure
    from half to one and a half of it would round to)."""
    m = _SCALED.fullmatch(q.text.strip())
    if m is None or not q.value:
        return None
    decimals = m.group(2) or ""
    mantissa = float(f"{m.group(1)}.{decimals or '0'}")
    power = round(math.log10(q.value / mantissa)) if mantissa else 0
    if power < 3 or not math.isclose(q.value / mantissa, 10.0 ** power, rel_tol=1e-6):
        return None
    step = 10.0 ** (power - len(decimals))
    return step if step <= ROUNDED_AT_MOST * q.value else None


def _rounded_alike(mentions: list[Mention], kind_of: dict[int, str]) -> set[frozenset[float]]:
    """Pairs of values of one kind where one is the other rounded as it is written: "about 38
    million tonnes" and "38,2 млн тонн" are one figure, told to another precision, not a dispute
    (38.7 million would be: it rounds to 39)."""
    numbers = [q for m in mentions for q in m.numbers]
    out: set[frozenset[float]] = set()
    for p in numbers:
        step = _rounding(p)
        if step is None:
            continue
        for q in numbers:
            if q.value != p.value and kind_of.get(id(q)) == kind_of.get(id(p)) \
                    and abs(q.value - p.value) <= step / 2 * (1 + 1e-9):
                out.add(frozenset((p.value, q.value)))
    return out


def _quantity_kinds(mentions: list[Mention]) -> dict[int, str]:
    """Each number's kind for telling disputes apart (keyed by the number's identity): its kind,
    for a count what it counts ("count/provinces"), for a sum its currency ("money/RUB": roubles
    and liras are never one disputed sum), as `things.group_things` reads them."""
    things = group_things(mentions)
    out: dict[int, str] = {}
    for m in mentions:
        for q in m.numbers:
            thing = things.get(id(q))
            out[id(q)] = f"{q.kind}/{thing}" if thing else q.kind
    return out


# -- the comparison ------------------------------------------------------------------------
def _status(origin_camps: dict[str, str]) -> Status:
    if len(origin_camps) <= 1:
        return Status.SINGLE_SOURCE
    camps = set(origin_camps.values()) & set(KNOWN_CAMPS)
    return Status.SHARED if len(camps) >= 2 else Status.CAMP_ONLY


def claim_mentions(index: Index, articles: Sequence[Article]
                   ) -> tuple[list[Mention], np.ndarray, dict[str, list[SentenceView]], dict[str, np.ndarray]]:
    """The claims of `articles` with their evidence: (mentions, their vectors as rows, each
    article's sentences as the report shows them, each article's claim vectors)."""
    mentions: list[Mention] = []
    claim_vectors: list[np.ndarray] = []
    views: dict[str, list[SentenceView]] = {}
    vectors_by_article: dict[str, np.ndarray] = {}
    named = _named_mid_sentence(index, articles)
    for a in articles:
        rows = index.store.article_sentences(a.rowid)
        vecs = index.sentence_vectors.reconstruct([r[0] for r in rows])
        views[a.id] = []
        kept = []
        rules = rules_for(a.language)
        previous: Mention | None = None  # the article's last claim, while nothing else came after it
        for (rowid, position, paragraph, start, end, text), vec in zip(rows, vecs):
            views[a.id].append(SentenceView(text, start, end, paragraph, None, rowid))
            info = analyse(text, rules)
            if info is None:
                if previous is not None and previous.attributed_to is None and says_only_who(text, rules):
                    previous.attributed_to = attribution(text, rules)  # "Об этом сообщил ТАСС": who said it
                previous = None
                continue
            found = _names_kept(evidence(text, rules, a.published), named)
            previous = Mention(a, rowid, position, text, info.attributed_to, found.quantities, found)
            mentions.append(previous)
            claim_vectors.append(vec)
            kept.append(vec)
        vectors_by_article[a.id] = np.vstack(kept) if kept else np.zeros((0, vecs.shape[1] if len(vecs) else 1))
    matrix = np.vstack(claim_vectors) if claim_vectors else np.zeros((0, 1), dtype=np.float32)
    return mentions, matrix, views, vectors_by_article


def _named_mid_sentence(index: Index, articles: Sequence[Article]) -> frozenset[str]:
    """The anchor keys of `articles` (crosscheck/text/anchors.py): their places, acronyms and the
    capitalised words they write somewhere mid-sentence, as ingest recorded them."""
    recorded = index.store.anchors_of([a.rowid for a in articles])
    keys: set[str] = set()
    for a in articles:
        keys.update(recorded[a.rowid] if a.rowid in recorded else extract_anchors(a.title, a.text, a.language))
    return frozenset(keys)


def _names_kept(found: ClaimEvidence, named: frozenset[str]) -> ClaimEvidence:
    """A claim's names less the capitalised words no article of the story writes mid-sentence: a
    word that only opens sentences ("Serbest bırakma ...", "Leur libération ...") is no name."""
    order = tuple(k for k in found.name_order if k in named)
    return replace(found, names=frozenset(order), name_order=order)


@dataclass
class Prepared:
    """A story's claims read and their sources set up: everything of a comparison that does not
    depend on the pair model (`prepare`), so that several models can finish it (`finish`)."""

    story: Story
    mentions: list[Mention]
    pairs: list[tuple[int, int]]   # candidate pairs of mentions
    features: np.ndarray           # their PAIR_FEATURES rows
    views: dict[str, list[SentenceView]]
    reprints: dict[str, str]
    sources: Sources


def prepare(index: Index, story: Story, directory: OutletDirectory | None = None) -> Prepared:
    """The claims of `story`'s articles with their evidence, the things their counts count, the
    reprints among them, and the features of every candidate pair."""
    directory = directory or OutletDirectory.including(index.store.outlets())
    articles = story.articles
    mentions, matrix, views, vectors_by_article = claim_mentions(index, articles)
    assign_things(mentions, index.embedder.embed)
    reprints = find_reprints(articles, vectors_by_article)
    # a duplicate of an article outside this story goes back to that article's outlet
    inside = {a.id for a in articles}
    originals = [o for o in (index.store.article_by_id(d) for d in {a.duplicate_of for a in articles
                                                                    if a.duplicate_of and a.duplicate_of not in inside})
                 if o is not None]
    owners = [m.article.id for m in mentions]  # each article's claims in their order (claim_mentions)
    sources = Sources([*articles, *originals], directory, reprints)
    pairs, features = pair_features((matrix @ matrix.T).astype(np.float64), owners,
                                    [m.article.language for m in mentions], [m.evidence for m in mentions],
                                    places_in_articles(owners), sources.relays(articles))
    return Prepared(story, mentions, pairs, features, views, reprints, sources)


def _confirmed(prepared: Prepared) -> set[tuple[int, int]]:
    """The candidate pairs whose claims give one value of a kind that agrees (a count, a sum, a
    date or a year: `same_number`) and either name something in common (`shared_names`) or stand
    in a relay and the report it relays (`relayed`), whatever the wording
    (`grouping.join_confirmed`). A value alone confirms too little (a probe over the ten corpora:
    10 pairs of groups of one fact against 5 of two), and so does a name alone (68 against 76);
    a value and a name, 11 against none. Leaving years and dates out lost six of the seven
    held-out directions this pass raises (docs/accuracy.md, "Confirmed best matches")."""
    if not prepared.pairs:
        return set()
    number, name, relay = (prepared.features[:, PAIR_FEATURES.index(f)]
                           for f in ("same_number", "shared_names", "relayed"))
    return {pair for pair, n, k, r in zip(prepared.pairs, number, name, relay) if n > 0 and (k > 0 or r > 0)}


def finish(prepared: Prepared, model: PairModel | None = None) -> Comparison:
    """The claim groups of a prepared story under `model` (the shipped pair model by default):
    grouped, each mention followed back to its source, statuses, conflicts and updates, ids."""
    model = model or PairModel.default()
    mentions, sources = prepared.mentions, prepared.sources
    owners = [m.article.id for m in mentions]
    prob = probabilities(prepared.pairs, prepared.features, len(mentions), model)
    parts = groups_from_probabilities(prob, owners, model)
    tolls = [frozenset(q.kind for q in m.numbers if q.kind in TOLL_KINDS and not q.age) for m in mentions]
    parts = join_rival_tolls(parts, prob, owners, tolls, CANDIDATE_FLOOR)
    parts = join_confirmed(parts, prob, owners, _confirmed(prepared), CANDIDATE_FLOOR)
    groups: list[ClaimGroup] = []
    for p in parts:
        group_mentions = sorted((mentions[i] for i in p), key=lambda m: time_order(m.article))
        for m in group_mentions:
            sources.resolve(m, group_mentions)
        origin_camps = {m.origin: sources.camp_of(m.origin) for m in group_mentions}
        conflicts, updates = _disputes(group_mentions)
        groups.append(ClaimGroup("", _status(origin_camps), group_mentions, origin_camps, conflicts, updates))
    in_order_of_parts = list(groups)
    _number(groups, prepared.views)  # sorts `groups` by their new ids
    _uncertainty(in_order_of_parts, parts, prob, mentions, [sources.camp_of(m.origin) for m in mentions])
    return Comparison(prepared.story, groups, prepared.views, prepared.reprints)


# A candidate in another camp is listed from this probability up: below it, it is no near miss worth a look.
# Two groups of rival tolls, or two linked by a confirmed pair, join from this average probability up,
# for the same reason.
CANDIDATE_FLOOR = 0.2


def _uncertainty(groups: list[ClaimGroup], parts: list[list[int]], prob: np.ndarray, mentions: list[Mention],
                 camp_of: list[str]) -> None:
    """Each group's confidence, and for a one-camp or single-source group the closest claim of each
    known camp it is not in (`ClaimGroup.closest`), in place. `parts[k]` are the indexes in
    `mentions` (and in `prob`) of `groups[k]`'s mentions; `camp_of` is each mention's source camp."""
    group_of = {i: k for k, part in enumerate(parts) for i in part}
    for k, (part, group) in enumerate(zip(parts, groups)):
        inside = prob[np.ix_(part, part)]
        within = float(inside[np.triu_indices(len(part), 1)].mean()) if len(part) > 1 else 1.0
        outside = np.delete(prob[part], part, axis=1)
        group.confidence = min(within, 1.0 - (float(outside.max()) if outside.size else 0.0))
        if group.status == Status.SHARED:
            continue
        best = prob[part].max(axis=0)  # each mention's strongest pair with the group
        for camp in KNOWN_CAMPS:
            others = [j for j, c in enumerate(camp_of) if c == camp and group_of[j] != k]
            if camp in group.camps or not others:
                continue
            j = max(others, key=lambda x: float(best[x]))
            if best[j] >= CANDIDATE_FLOOR:
                group.closest.append(Candidate(str(camp), mentions[j].article.outlet, float(best[j]), mentions[j].text,
                                               groups[group_of[j]].id))


def _number(groups: list[ClaimGroup], views: dict[str, list[SentenceView]]) -> None:
    """Stable ids, in place: by status, then by where the claim first appears; each sentence's
    view learns its group."""
    view_of = {v.sentence_rowid: v for vs in views.values() for v in vs}
    for v in view_of.values():
        v.claim_id = None
    order = sorted(range(len(groups)), key=lambda g: (
        STATUSES.index(groups[g].status), -groups[g].independent_sources,
        min((*time_order(m.article), m.position) for m in groups[g].mentions)))
    width = len(str(len(groups)))
    for rank, g in enumerate(order, start=1):
        groups[g].id = f"c{rank:0{width}d}"
    for group in groups:
        for m in group.mentions:
            view_of[m.sentence_rowid].claim_id = group.id
    groups.sort(key=lambda g: g.id)


def compare_articles(index: Index, story: Story, directory: OutletDirectory | None = None,
                     model: PairModel | None = None) -> Comparison:
    """Claim groups for the articles of `story` (a real story, or any set of articles)."""
    return finish(prepare(index, story, directory), model)


def compare_story(index: Index, story_id: str, directory: OutletDirectory | None = None,
                  model: PairModel | None = None) -> Comparison:
    """Claim groups for the story `story_id` as the index holds it: reading only, stories are
    formed by `ingest`, `stories` or `serve --update-every` (StoryNotFound if there is none)."""
    return compare_articles(index, get_story(index, story_id), directory, model)
