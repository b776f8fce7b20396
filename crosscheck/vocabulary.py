"""One vocabulary, typed: the statuses of claim groups and the camps of outlets, with the one
label table that the CLI, the JSON and the HTML report share.

Statuses follow the annotation conventions the claim diff is measured against
(benchmarks/annotated.py):

- `shared`: independent sources in two or more of the camps ru, tr, west;
- `camp_only`: two or more independent sources, all in one camp. In a story that only one
  camp covers (a blindspot) every corroborated claim is one-camp; the story says so itself;
- `single_source`: one independent source, however many outlets repeat or cite it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import InvalidInput

__all__ = ["Status", "Camp", "CAMPS", "KNOWN_CAMPS", "UNNAMED_OUTLET", "StatusInfo", "STATUS_INFO", "CAMP_LABELS",
           "DISPLAY_LANGUAGE", "as_camp", "parse_camp", "plural"]


class Status(StrEnum):
    SHARED = "shared"
    CAMP_ONLY = "camp_only"
    SINGLE_SOURCE = "single_source"


class Camp(StrEnum):
    RU = "ru"
    TR = "tr"
    WEST = "west"
    UNKNOWN = "unknown"


CAMPS: tuple[Camp, ...] = tuple(Camp)
KNOWN_CAMPS: tuple[Camp, ...] = (Camp.RU, Camp.TR, Camp.WEST)
# The outlet of an article that names none and has no URL to tell one by.
UNNAMED_OUTLET = "unknown"


@dataclass(frozen=True)
class StatusInfo:
    key: str
    label: str
    icon: str
    description: str


STATUS_INFO: dict[str, StatusInfo] = {
    Status.SHARED: StatusInfo(Status.SHARED, "Shared", "⇄", "independent sources in two or more camps"),
    Status.CAMP_ONLY: StatusInfo(Status.CAMP_ONLY, "One camp only", "◐",
                                 "two or more independent sources, all in one camp"),
    Status.SINGLE_SOURCE: StatusInfo(Status.SINGLE_SOURCE, "Single source", "①",
                                     "one independent source, however many outlets repeat it"),
}

# The language crosscheck's pages and tables are written in: a claim group is shown in a
# mention in it when there is one, a story is titled and named after an article in it, and
# reports translate other languages into it by default.
DISPLAY_LANGUAGE = "en"

CAMP_LABELS: dict[str, str] = {Camp.RU: "Russia", Camp.TR: "Turkey", Camp.WEST: "West", Camp.UNKNOWN: "Unknown"}


def parse_camp(value: str) -> Camp:
    """`value` as a Camp; InvalidInput naming the camps there are if it is none of them."""
    try:
        return Camp(value.strip().lower())
    except ValueError:
        raise InvalidInput(f"unknown camp {value!r}: use one of {', '.join(Camp)}") from None


def as_camp(value: str | None) -> Camp:
    """A stored or given camp as a Camp; Camp.UNKNOWN for anything that is none of them."""
    try:
        return Camp(value) if value else Camp.UNKNOWN
    except ValueError:
        return Camp.UNKNOWN


def plural(n: int, word: str, plural: str | None = None) -> str:
    """"1 article", "2 articles"; `plural` where adding an s will not do ("stories")."""
    return f"{n} {word if n == 1 else (plural or word + 's')}"
