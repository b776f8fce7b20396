"""What a comparison gives: claim groups with their mentions, statuses, conflicts and updates,
and each article's sentences as a report shows them. `as_dict` is the JSON of `compare --json`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..records import Article, Story
from ..text.evidence import ClaimEvidence, Quantity
from ..vocabulary import DISPLAY_LANGUAGE, Status

__all__ = ["STATUSES", "Mention", "ConflictValue", "Conflict", "Candidate", "ClaimGroup", "SentenceView", "Comparison"]

STATUSES: tuple[Status, ...] = tuple(Status)


@dataclass
class Mention:
    """One claim as one article states it."""

    article: Article
    sentence_rowid: int
    position: int
    text: str
    attributed_to: str | None
    numbers: tuple[Quantity, ...]
    evidence: ClaimEvidence | None = None
    origin: str = ""            # the outlet this mention goes back to
    via: list[str] = field(default_factory=list)  # outlets passed on the way there

    def as_dict(self) -> dict[str, Any]:
        a = self.article
        return {
            "article_id": a.id, "url": a.url, "outlet": a.outlet, "camp": a.camp, "language": a.language,
            "text": self.text, "attributed_to": self.attributed_to,
            "numbers": [{"value": _plain(n.value), "kind": n.kind, "text": n.text} for n in self.numbers],
            "origin_outlet": self.origin,
        }


@dataclass
class ConflictValue:
    """One value given for a disputed fact, and who gives it."""

    value: float
    text: str                  # as first written ("12", "двенадцати", "15 Nisan")
    outlets: list[str]
    origins: list[str]         # the independent sources behind those outlets

    def as_dict(self) -> dict[str, Any]:
        return {"value": _plain(self.value), "text": self.text, "outlets": self.outlets, "origins": self.origins}


@dataclass
class Conflict:
    """Different values for one fact: a count, a date, a year ... (`kind`, evidence.Quantity)."""

    kind: str
    values: list[ConflictValue]

    @property
    def numbers(self) -> list[float]:
        return [v.value for v in self.values]

    def describe(self) -> str:
        """"12 (Izvestia, TASS) vs 15 (Anadolu Ajansı, Reuters)"."""
        return " vs ".join(f"{v.text} ({', '.join(v.outlets)})" for v in self.values)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "values": [v.as_dict() for v in self.values]}


@dataclass
class Candidate:
    """The claim of another camp closest to a one-camp or single-source group: where to look for a
    possible split ("closest in ru: TASS 0.44")."""

    camp: str           # the camp of its source
    outlet: str         # the outlet that states it
    probability: float  # the pair model's, for its closest pair with the group
    text: str
    claim_id: str       # the group it is in

    def as_dict(self) -> dict[str, Any]:
        return {"camp": self.camp, "outlet": self.outlet, "probability": round(self.probability, 3),
                "text": self.text, "claim_id": self.claim_id}


@dataclass
class ClaimGroup:
    id: str
    status: Status
    mentions: list[Mention]
    origin_camps: dict[str, str]  # origin outlet -> its camp
    conflicts: list[Conflict] = field(default_factory=list)
    updates: list[Conflict] = field(default_factory=list)  # an outlet revising its own figure
    # How sure the grouping is, 0-1: the lower of the average pair probability among its mentions
    # (1 for one mention) and one minus its strongest pair with a mention outside it.
    confidence: float = 1.0
    closest: list[Candidate] = field(default_factory=list)  # one per camp it is not in, for one-camp claims

    @property
    def text(self) -> str:
        """The wording shown for the group: a mention in the display language if there is one,
        else the first."""
        shown = [m for m in self.mentions if m.article.language == DISPLAY_LANGUAGE]
        return (shown or self.mentions)[0].text

    @property
    def camps(self) -> list[str]:
        """The camps of its independent sources: a TASS report relayed by Hürriyet is one ru source."""
        return sorted(set(self.origin_camps.values())) or sorted({m.article.camp for m in self.mentions})

    @property
    def outlet_camps(self) -> list[str]:
        """The camps of the outlets that state it, relays included."""
        return sorted({m.article.camp for m in self.mentions})

    @property
    def relays(self) -> list[str]:
        """Outlets that state it only by passing on another outlet's report."""
        return sorted({m.article.outlet for m in self.mentions if m.origin and m.origin != m.article.outlet})

    @property
    def outlets(self) -> list[str]:
        return sorted({m.article.outlet for m in self.mentions})

    @property
    def origin_outlets(self) -> list[str]:
        return sorted(self.origin_camps)

    @property
    def independent_sources(self) -> int:
        return len(self.origin_camps)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "status": str(self.status), "text": self.text, "camps": self.camps,
            "outlets": self.outlets, "outlet_camps": self.outlet_camps, "relayed_by": self.relays,
            "independent_sources": self.independent_sources, "origin_outlets": self.origin_outlets,
            "confidence": round(self.confidence, 3), "closest_in_other_camps": [c.as_dict() for c in self.closest],
            "mentions": [m.as_dict() for m in self.mentions],
            "conflicts": [c.as_dict() for c in self.conflicts],
            "updates": [c.as_dict() for c in self.updates],
        }


@dataclass
class SentenceView:
    """A sentence of an article as the report shows it: its claim group, if it was kept as a claim."""

    text: str
    start: int
    end: int
    paragraph: int
    claim_id: str | None
    sentence_rowid: int = 0


@dataclass
class Comparison:
    story: Story
    groups: list[ClaimGroup]
    sentences: dict[str, list[SentenceView]]  # article id -> its sentences in order
    reprints: dict[str, str]                  # article id -> the article it copies

    def by_status(self, status: str) -> list[ClaimGroup]:
        return [g for g in self.groups if g.status == status]

    def written_in(self, language: str) -> bool:
        """Every claim is stated in `language` only: nothing to translate for its reader."""
        return all(m.article.language == language for g in self.groups for m in g.mentions)

    @property
    def conflicts(self) -> list[ClaimGroup]:
        return [g for g in self.groups if g.conflicts]

    def as_dict(self) -> dict[str, Any]:
        return {"story": self.story.as_dict(), "claims": [g.as_dict() for g in self.groups]}


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value
