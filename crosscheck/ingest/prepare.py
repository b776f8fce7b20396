"""The pure step of ingest: records in, prepared articles with vectors out.

Sentence splitting, language detection, outlets, anchors and embedding need nothing from an
index, so they can run anywhere: in the writing process or in worker processes on this machine
(crosscheck/ingest/workers.py), or on the workers of a Ray cluster
(crosscheck/ingest/ray_workers.py). All call the same `prepare_batch`, the workers through a
`Preparer` each. Storing the results is the other step (crosscheck/ingest/writer.py).

    from crosscheck.ingest.prepare import prepare_batch
    prepared = prepare_batch(records, OutletDirectory(), get_embedder())
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from collections.abc import Sequence

from ..errors import CrosscheckError
from ..index.embed import Embedder, embed_articles, get_embedder
from ..limits import MAX_ARTICLE_CHARS, MAX_OUTLET_CHARS, MAX_TITLE_CHARS
from ..records import EARLIEST_YEAR, ArticleRecord, Outlet, Problem, plausible_date
from ..sources.identity import encodable, record_key
from ..sources.outlets import OutletDirectory, url_domain
from ..text.anchors import extract_anchors
from ..text.sentences import Span, split_sentences
from ..vocabulary import CAMPS, UNNAMED_OUTLET, Camp

if TYPE_CHECKING:
    import numpy as np

__all__ = ["DETECT_PREFIX", "DEFAULT_BATCH", "PREPARE_ERRORS", "Prepared", "PreparedArticle",
           "Preparer", "StepTimes", "detect_language", "error_reason", "prepare", "prepare_records",
           "embed_prepared", "prepare_batch"]

# langdetect reads the title and the first characters only: the language of a news article
# is settled by then, and detection time grows with the length of the text (with 2,000
# characters it took a quarter of the ingest time; benchmarks/perf.py ingest).
DETECT_PREFIX = 600




# -- preparing a record for the store ------------------------------------------------------
def detect_language(text: str) -> tuple[str | None, float | None]:
    """(language code, probability) by langdetect's algorithm, seeded so that results repeat
    (detection.py: the same answers as langdetect itself, at less cost), on the first
    DETECT_PREFIX characters."""
    from ..languages.detection import NoFeatures, detect_langs

    try:
        found = detect_langs(text[:DETECT_PREFIX])
    except NoFeatures:
        return None, None
    except Exception as e:
        # langdetect loads its profiles (on the first call) under a bare `except:` that turns any
        # exception into a "profile format error", Ctrl-C included: a stop is a stop
        if isinstance(e.__context__, KeyboardInterrupt):
            raise e.__context__ from None
        raise
    if not found:  # no language above langdetect's threshold of 0.1
        return None, None
    return found[0].lang, round(found[0].prob, 4)


def _iso_date(value: str | None) -> str | None:
    """ISO 8601 as stored; raises ValueError for anything else, and for a date outside
    EARLIEST_YEAR .. a day after now (models.plausible_date)."""
    if value is None:
        return None
    dt = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    if not plausible_date(dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)):
        raise ValueError(f"{value!r} is outside {EARLIEST_YEAR}..tomorrow")
    return dt.isoformat()


@dataclass
class PreparedArticle:
    """A record ready for the store: what `prepare` makes of it, and (after `prepare.embed_prepared`)
    its vectors. Nothing here depends on an index, so it can be made in any process."""

    values: dict[str, Any]  # columns of the articles table
    sentences: list[Span]
    problems: list[Problem]  # caveats about data that was kept
    outlet: Outlet | None    # the outlets-list entry it matched, None for an unknown outlet
    anchors: list[str]       # names and numbers that survive translation (anchors.py)
    unused_date: str | None = None  # a `published` kept as given but not used (not ISO, implausible)
    no_outlet: bool = False  # the record named no outlet and had no URL to tell one (camp unknown)
    model: str | None = None  # the model of the vectors below; None before embedding
    article_vector: np.ndarray | None = None    # shape (dimension,), unit length (prepare.article_vector)
    sentence_vectors: np.ndarray | None = None  # shape (len(sentences), dimension), one row per sentence


def _capped(record: ArticleRecord, problems: list[Problem]) -> tuple[ArticleRecord, str]:
    """The record with its title and outlet cut to their limits, and the part of its text that
    is split, searched and embedded (limits.py); a warning for each cut."""
    changes: dict[str, Any] = {}
    if len(record.title) > MAX_TITLE_CHARS:
        changes["title"] = record.title[:MAX_TITLE_CHARS]
        problems.append(Problem(record.source, f"title of {len(record.title):,} characters cut to "
                                f"{MAX_TITLE_CHARS:,}", skipped=False))
    if record.outlet and len(record.outlet) > MAX_OUTLET_CHARS:
        changes["outlet"] = record.outlet[:MAX_OUTLET_CHARS]
        problems.append(Problem(record.source, f"outlet name of {len(record.outlet):,} characters cut to "
                                f"{MAX_OUTLET_CHARS:,}", skipped=False))
    used = record.text
    if len(used) > MAX_ARTICLE_CHARS:
        used = used[:MAX_ARTICLE_CHARS]
        problems.append(Problem(record.source, f"text of {len(record.text):,} characters: only the first "
                                f"{MAX_ARTICLE_CHARS:,} are split into sentences and embedded (all of it is stored)",
                                skipped=False))
    return (replace(record, **changes) if changes else record), used


# C0 and C1 control characters but tab and newline (a NUL, an ESC, a bell): dropped from what
# an article says at ingest, so that no page or terminal shows them. Line ends become "\n".
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_END = re.compile(r"\r\n?")
# The fields cleaned: what the article says. Its id, URL and outlet are kept as given (they
# name it, and are matched as written); pages and the terminal show them inert.
_CLEANED = ("text", "title", "published", "language", "camp", "country")


def _without_controls(record: ArticleRecord, problems: list[Problem]) -> ArticleRecord:
    """The record with control characters dropped from the fields it says things in (_CLEANED),
    and one warning naming how many went (line ends made "\n" are not counted)."""
    changes: dict[str, str] = {}
    dropped = 0
    for name in _CLEANED:
        value = getattr(record, name)
        if isinstance(value, str) and _CONTROL.search(value):
            lines = _LINE_END.sub("\n", value)
            changes[name] = _CONTROL.sub("", lines)
            dropped += len(lines) - len(changes[name])
    if dropped:
        problems.append(Problem(record.source, f"{dropped} control character(s) (NUL, ESC ...) dropped from "
                                f"{', '.join(n for n in changes)}", skipped=False))
    return replace(record, **changes) if changes else record


def prepare(record: ArticleRecord, outlets: OutletDirectory) -> PreparedArticle:
    """The columns, sentences and anchors of a record. Raises ValueError for a record that cannot
    be stored (a field that is not valid Unicode, a URL that cannot be parsed). Control characters
    (NUL, ESC ...; not newline and tab) are dropped from its text, title and the like first."""
    for name in ("text", "title", "url", "outlet", "published", "id", "language", "camp", "country"):
        value = getattr(record, name)
        if isinstance(value, str) and not encodable(value):
            raise ValueError(f"'{name}' is not valid Unicode (a lone surrogate such as \\ud800)")
    problems: list[Problem] = []
    record = _without_controls(record, problems)
    record, used_text = _capped(record, problems)
    unused_date: str | None = None
    try:
        published = _iso_date(record.published)
    except (ValueError, OverflowError):  # reported once per file by the writer
        published, unused_date = None, str(record.published)

    language: str | None
    prob: float | None
    if record.language:
        language, prob = record.language.lower(), None
    else:
        language, prob = detect_language(f"{record.title[:DETECT_PREFIX]}\n{used_text[:DETECT_PREFIX]}")

    outlet = outlets.lookup(record.outlet, record.url)
    name = outlet.name if outlet else (record.outlet or url_domain(record.url) or UNNAMED_OUTLET)
    camp = outlet.camp if outlet else Camp.UNKNOWN
    if record.camp:
        if record.camp in CAMPS:
            camp = Camp(record.camp)
        else:
            problems.append(Problem(record.source, f"camp {record.camp!r} is not one of {', '.join(CAMPS)} "
                                    f"(used {camp!r} from the outlet)", skipped=False))
    country = record.country or (outlet.country if outlet else None)

    key, digest = record_key(record)
    values = {
        "id": key, "url": record.url, "outlet": name, "camp": camp, "country": country,
        "title": record.title, "text": record.text, "published": published, "published_given": unused_date,
        "language": language, "language_prob": prob,
        "content_hash": digest, "source": record.source,
    }
    return PreparedArticle(values, split_sentences(used_text, language), problems, outlet,
                           extract_anchors(record.title, used_text, language), unused_date,
                           no_outlet=outlet is None and name == UNNAMED_OUTLET and not record.outlet)


# Records per batch of the pure step. 64 articles are about 1,000 texts for the model, enough
# for its batches of 256 to be full; small enough that a stopped run loses little and a Ray
# batch crosses the network in well under a second.
DEFAULT_BATCH = 64


# What one bad record can raise while it is prepared: it is reported and skipped.
PREPARE_ERRORS: tuple[type[Exception], ...] = (
    ValueError, TypeError, LookupError, AttributeError, RecursionError, OverflowError)


# One record's outcome: the article ready for the store, or why it could not be read.
Prepared = PreparedArticle | Problem


def error_reason(error: Exception) -> str:
    """An exception as one short line: its type and the start of its message."""
    text = str(error).splitlines()[0] if str(error) else ""
    text = text if len(text) <= 160 else text[:160] + "…"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def prepare_records(records: Sequence[ArticleRecord], outlets: OutletDirectory) -> list[Prepared]:
    """`ingest.prepare` for each record (split, detect the language, match the outlet, anchors);
    a Problem in its place for a record that cannot be read. Same length and order as `records`."""
    out: list[Prepared] = []
    for record in records:
        try:
            out.append(prepare(record, outlets))
        except PREPARE_ERRORS as e:
            out.append(Problem(record.source, f"cannot be read: {error_reason(e)}"))
    return out


def embed_prepared(prepared: Sequence[Prepared], embedder: Embedder) -> None:
    """Give each prepared article its vectors, in place: its title and sentences embedded in one
    call to the model, the article vector made from them (index/embed.py). Problems are passed over."""
    articles = [p for p in prepared if isinstance(p, PreparedArticle)]
    embedded = embed_articles(embedder, [(a.values["title"], [s.text for s in a.sentences]) for a in articles])
    for article, (vector, block) in zip(articles, embedded):
        article.model = embedder.model_id
        article.sentence_vectors = block  # its own array: sent alone across processes
        article.article_vector = vector


def prepare_batch(records: Sequence[ArticleRecord], outlets: OutletDirectory, embedder: Embedder) -> list[Prepared]:
    """The pure step for a batch of records: prepared articles with vectors (or Problems), in order."""
    return _prepare_timed(records, outlets, embedder)[0]


class Preparer:
    """The pure step in one worker (a Ray actor, a LocalExecutor process): the model loaded once,
    then batch after batch. A model that cannot be loaded is raised by the first batch: an error
    raised while a worker starts (an actor's __init__, a pool's initializer) is lost."""

    def __init__(self, model: str, outlets: OutletDirectory) -> None:
        self.outlets = outlets
        self.embedder: Embedder | None = None
        self.failed: CrosscheckError | None = None
        try:
            self.embedder = get_embedder(model)
        except CrosscheckError as e:
            self.failed = e

    def prepare(self, batch: Sequence[ArticleRecord]) -> list[Prepared]:
        return self.prepare_timed(batch)[0]

    def prepare_timed(self, batch: Sequence[ArticleRecord]) -> tuple[list[Prepared], StepTimes]:
        if self.embedder is None:
            assert self.failed is not None
            raise self.failed
        return _prepare_timed(batch, self.outlets, self.embedder)


@dataclass
class StepTimes:
    """Where the pure step's time went, summed over batches (and over worker processes)."""

    batches: int = 0
    records: int = 0
    texts: int = 0  # titles and sentences embedded
    prepare_seconds: float = 0.0  # splitting, detection, outlets, anchors
    embed_seconds: float = 0.0    # the model and the article vectors

    def add(self, other: StepTimes) -> None:
        self.batches += other.batches
        self.records += other.records
        self.texts += other.texts
        self.prepare_seconds += other.prepare_seconds
        self.embed_seconds += other.embed_seconds


def _prepare_timed(batch: Sequence[ArticleRecord], outlets: OutletDirectory, embedder: Embedder
                   ) -> tuple[list[Prepared], StepTimes]:
    """`prepare_batch`, timed."""
    began = time.perf_counter()
    prepared = prepare_records(batch, outlets)
    between = time.perf_counter()
    embed_prepared(prepared, embedder)
    texts = sum(1 + len(p.sentences) for p in prepared if isinstance(p, PreparedArticle))
    return prepared, StepTimes(1, len(batch), texts, between - began, time.perf_counter() - between)
