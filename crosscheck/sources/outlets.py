"""Outlets and their camps: the default list shipped in the package, plus the user's --outlets file.

Names are matched by a key that ignores case, accents, compatibility forms and invisible
characters (`normalise_name`), and kept as `clean_name` gives them. A name whose written form
differs from its clean one only by invisible or compatibility characters ("T\u200bASS",
"ＴＡＳＳ") never takes over an outlet already known under its key: it is left out, with a
warning. A plain name that meets another outlet's key replaces it, as a later entry does, and
is warned about unless it is the same name.
"""

from __future__ import annotations

import json
import logging
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import OutletsFileError
from ..languages import fold_char
from ..records import Outlet
from ..vocabulary import CAMPS, Camp

__all__ = ["OutletDirectory", "load_outlets_file", "normalise_name", "clean_name", "url_domain"]

log = logging.getLogger("crosscheck")

# Unicode categories never part of an outlet's name: format characters (zero-width spaces and
# joiners, bidi controls, soft hyphens) and control characters.
_INVISIBLE = frozenset({"Cf", "Cc"})


def clean_name(name: str) -> str:
    """An outlet's name as shown and stored: NFKC ("ＴＡＳＳ" is "TASS"), without format or
    control characters ("T\u200bASS" is "TASS"), spaces collapsed."""
    text = unicodedata.normalize("NFKC", name)
    return " ".join("".join(c for c in text if unicodedata.category(c) not in _INVISIBLE).split())


def normalise_name(name: str) -> str:
    """Case- and accent-insensitive key: 'Hürriyet' == 'hurriyet', 'Anadolu Ajansı' == 'ANADOLU AJANSI'
    (letters folded by every language's rules, scripts kept: 'ТАСС' is not 'TASS'), of the name
    as `clean_name` gives it."""
    return "".join(c for ch in clean_name(name) for c in fold_char(ch, transliterate=False) if c.isalnum())


def site_name(name: str | None, *urls: str | None) -> str | None:
    """A page's site name as an extractor gives it, or None where that is only the host of one of
    the page's `urls` (trafilatura falls back to the host of the page or of its canonical link):
    such a page names no site, and `ingest --outlet` names it."""
    if not name or not name.strip():
        return None
    hosts: set[str] = set()
    for url in filter(None, urls):
        try:
            parts = urlsplit(url if "//" in url else f"//{url}")
        except ValueError:  # "http://[::1": no host to compare with
            continue
        hosts |= {h.lower().removeprefix("www.") for h in (parts.netloc, parts.hostname or "") if h}
    return None if name.strip().lower().removeprefix("www.") in hosts else name


def url_domain(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.")


def _strings(value: Any, origin: str, name: str, key: str) -> list[str]:
    """A list of strings from a string or a list of strings; OutletsFileError naming the entry else."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise OutletsFileError(f"{origin}: outlet {name!r}: {key!r} must be a string or a list of strings, "
                           f"not {type(value).__name__}")


def _parse_entries(data: Mapping[str, Any], origin: str) -> list[Outlet]:
    outlets = []
    for name, spec in data.items():
        if not isinstance(spec, Mapping):
            raise OutletsFileError(f"{origin}: entry {name!r} must be a table like "
                                   '{"camp": "ru", "country": "RU", "domain": "tass.ru"}')
        camp = spec.get("camp", Camp.UNKNOWN)
        if not isinstance(camp, str) or camp not in CAMPS:
            raise OutletsFileError(f"{origin}: outlet {name!r} has camp {camp!r}; use one of {', '.join(CAMPS)}")
        country = spec.get("country")
        if country is not None and not isinstance(country, str):
            raise OutletsFileError(f"{origin}: outlet {name!r}: 'country' must be a string such as \"RU\", "
                                   f"not {type(country).__name__}")
        domain = spec.get("domain")
        if domain is not None and not isinstance(domain, str):
            raise OutletsFileError(f"{origin}: outlet {name!r}: 'domain' must be a string such as \"tass.ru\", "
                                   f"not {type(domain).__name__}")
        domains = _strings(spec.get("domains"), origin, name, "domains")
        if domain:
            domains.insert(0, domain)
        outlets.append(Outlet(
            name=name, camp=Camp(camp), country=country,
            domains=tuple(d.lower().removeprefix("www.") for d in domains),
            aliases=tuple(_strings(spec.get("aliases"), origin, name, "aliases")),
        ))
    return outlets


def load_outlets_file(path: str | Path) -> list[Outlet]:
    """Read a JSON or TOML outlets file: {"Outlet Name": {"camp": "ru", "country": "RU", "domain": "tass.ru"}}."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise OutletsFileError(f"cannot read outlets file {p}: {e.strerror}; check the --outlets path") from e
    try:
        if p.suffix.lower() == ".json":
            data = json.loads(raw.decode("utf-8"))
        else:
            data = tomllib.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise OutletsFileError(f"outlets file {p} is not valid {'JSON' if p.suffix.lower() == '.json' else 'TOML'}: {e}") from e
    if not isinstance(data, Mapping):
        raise OutletsFileError(f"outlets file {p} must map outlet names to their camp, country and domain")
    return _parse_entries(data, str(p))


def _default_outlets() -> list[Outlet]:
    text = resources.files("crosscheck").joinpath("data/outlets.toml").read_text("utf-8")
    return _parse_entries(tomllib.loads(text), "crosscheck/data/outlets.toml")


class OutletDirectory:
    """Finds an article's outlet by name or alias, else by the URL's domain (or a parent domain)."""

    def __init__(self, outlets: list[Outlet] | None = None) -> None:
        self._by_name: dict[str, Outlet] = {}
        self._by_domain: dict[str, Outlet] = {}
        for outlet in _default_outlets() if outlets is None else outlets:
            self.add(outlet)

    @classmethod
    def with_file(cls, path: str | Path | None) -> "OutletDirectory":
        directory = cls()
        if path is not None:
            for outlet in load_outlets_file(path):
                directory.add(outlet, origin=str(path))
        return directory

    @classmethod
    def including(cls, outlets: Iterable[Outlet]) -> "OutletDirectory":
        """The default list with `outlets` on top: an index's own (`Store.outlets`), so that an
        --outlets file given at ingest still holds when stories are compared later."""
        directory = cls()
        for outlet in outlets:
            directory.add(outlet)
        return directory

    def add(self, outlet: Outlet, origin: str | None = None) -> None:
        """Add an outlet, its name and aliases cleaned (`clean_name`); a later one with the same
        name, alias or domain overrides the earlier. A name or alias written with invisible or
        compatibility characters never takes over another outlet's key: an entry whose name
        would is left out, such an alias is dropped, each with a warning naming `origin` (the file
        it came from; None for the default list and an index's own outlets). An entry of a file
        that replaces another outlet under another name is warned about too."""
        clean = replace(outlet, name=clean_name(outlet.name), aliases=tuple(clean_name(a) for a in outlet.aliases))
        where = f"{origin}: " if origin else ""
        keys = []
        for written, name in zip((outlet.name, *outlet.aliases), (clean.name, *clean.aliases)):
            key = normalise_name(name)
            known = self._by_name.get(key)
            if known is not None and written != name:  # disguised: it could pass for `known`
                if name == clean.name:
                    log.warning("%soutlet %s reads %r once its invisible characters are removed: that is %r, "
                                "already known; the entry is left out (write %r plainly to change it)",
                                where, ascii(written), name, known.name, known.name)
                    return
                log.warning("%salias %s of %r reads %r, which is %r: the alias is left out",
                            where, ascii(written), clean.name, name, known.name)
                continue
            if known is not None and origin and name not in (known.name, *known.aliases):
                log.warning("%soutlet %r is %r once case, accents and invisible characters are ignored: "
                            "it replaces it", where, name, known.name)
            keys.append(key)
        for key in keys:
            self._by_name[key] = clean
        for domain in clean.domains:
            self._by_domain[domain] = clean

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter({o.name: o for o in self._by_name.values()}.values())

    def lookup(self, name: str | None, url: str | None = None) -> Outlet | None:
        if name:
            found = self._by_name.get(normalise_name(name))
            if found:
                return found
        host = url_domain(url)
        while host and "." in host:
            if host in self._by_domain:
                return self._by_domain[host]
            host = host.split(".", 1)[1]
        return None
