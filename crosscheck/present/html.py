"""What every page shares: the Jinja2 environment (autoescaped), the inline CSS and JS with the
Content-Security-Policy that allows only them, safe links, and the small formatters templates
use. Used by the static report (present/) and the server's pages (web/).

Everything shown comes from untrusted input (article text, titles, outlet names, URLs), so:
- templates are rendered by Jinja2 with `autoescape=True`, and no data is ever marked safe;
- only http and https URLs become links, anything else is shown as plain text;
- a page's Content-Security-Policy allows nothing external and only its own inline stylesheet
  and script (by hash), so even a missed escape could not run a script.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import ipaddress
import re
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..records import Story, parse_datetime
from ..vocabulary import Camp, as_camp

__all__ = ["LANGUAGE_CODE", "safe_url", "safe_href", "camp_key", "language_code", "fmt_date", "fmt_datetime",
           "date_span", "plural", "story_file_name", "environment", "page_context"]

# A language code as a page may use it in `lang="..."` (anything else is left out).
LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?")


_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}")


_HOST_LABELS = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)*\.?")


_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+")  # makes the browser read the host as IPv4


_DOTTED_QUAD = re.compile(r"((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])")


def safe_url(url: str | None) -> str | None:
    """`url` as a browser reads it, or None when it is not a plain absolute http(s) link.

    Parsed by the WHATWG URL rules browsers follow for http and https, not by `urlsplit`: the
    slashes after the scheme may be missing or backslashes, a backslash ends the host and is a
    slash in the path, and `user@` before the host is credentials. So
    `http://evil.example\\@good.example/` goes to evil.example (and is returned as
    `http://evil.example/@good.example/`, which every parser reads alike). Refused: other
    schemes, spaces and control characters, credentials, percent signs in the host, numeric
    hosts the browser would rewrite (`0x7f.1`), hosts IDNA cannot encode. A non-ASCII host is
    returned in its ASCII (punycode) form, the form the browser shows for a lookalike.
    """
    if not url or any(c.isspace() or ord(c) < 32 or 127 <= ord(c) < 160 for c in url):
        return None
    scheme, colon, rest = url.partition(":")
    if not colon or scheme.lower() not in ("http", "https"):
        return None
    rest = rest.lstrip("/\\")
    end = min([i for i in (rest.find(c) for c in "/\\?#") if i >= 0], default=len(rest))
    authority, tail = rest[:end], rest[end:]
    if not authority or "@" in authority:
        return None
    if authority.startswith("["):
        host, bracket, port = authority.partition("]")
        host += bracket
        if not bracket or (port and not port.startswith(":")):
            return None
        port = port[1:]
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return None
        host = host.lower()
    else:
        host, _, port = authority.partition(":")
        if "%" in host or not host:
            return None
        try:
            host = host.encode("idna").decode("ascii").lower() if not host.isascii() else host.lower()
        except UnicodeError:
            return None
        if not _HOST_LABELS.fullmatch(host):
            return None
        if _NUMERIC_LABEL.fullmatch(host.rstrip(".").rsplit(".", 1)[-1]) and not _DOTTED_QUAD.fullmatch(host):
            return None
    if port and (not port.isdigit() or int(port) > 65535):
        return None
    cut = min([i for i in (tail.find(c) for c in "?#") if i >= 0], default=len(tail))
    path = tail[:cut].replace("\\", "/") or "/"
    return f"{scheme.lower()}://{host}{':' + port if port else ''}{path}{tail[cut:]}"


def safe_href(href: str) -> str | None:
    """A link target for the index: an http(s) URL, or a relative path without a scheme."""
    if safe_url(href):
        return href
    if not href or any(c.isspace() or ord(c) < 32 for c in href) or href.startswith("//"):
        return None
    if ":" in href.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        return None  # javascript:, data:, ...
    return href


def camp_key(camp: str | None) -> Camp:
    return as_camp(camp)


def language_code(code: str | None) -> str | None:
    return code if code and LANGUAGE_CODE.fullmatch(code) else None


def fmt_date(value: str | None) -> str:
    dt = parse_datetime(value)
    if dt is None:
        return value or "undated"
    return f"{dt.day} {dt:%b %Y}"


def fmt_datetime(value: str | None) -> str:
    dt = parse_datetime(value)
    if dt is None:
        return value or "undated"
    if value and len(value) <= 10:
        return fmt_date(value)
    return f"{dt.day} {dt:%b %Y}, {dt:%H:%M}"


def date_span(story: Story) -> str:
    start, end = fmt_date(story.start), fmt_date(story.end)
    if not story.start:
        return "undated"
    return start if start == end else f"{start} – {end}"


def plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def story_file_name(story_id: str) -> str:
    """The story's file name: its id + .html, made safe if the id holds anything unusual."""
    if _FILE_NAME.fullmatch(story_id) and ".." not in story_id:
        return story_id + ".html"
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", story_id).strip("._")[:80] or "story"
    return f"{cleaned}-{hashlib.sha1(story_id.encode('utf-8')).hexdigest()[:8]}.html"


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("crosscheck.present", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    return env


@functools.lru_cache(maxsize=4)
def _asset(name: str) -> tuple[Markup, str]:
    """An inline asset (our own CSS or JS, never data) and its CSP hash."""
    env = environment()
    assert env.loader is not None
    source, _filename, _uptodate = env.loader.get_source(env, name)
    return Markup(source), _sha256(source)


def page_context(title: str, script: bool, forms: bool = False) -> dict[str, Any]:
    """The frame of a page: its inline CSS and JS and its Content-Security-Policy. `forms`
    lets the page's forms submit to its own origin (the pages `crosscheck serve` answers)."""
    css, css_hash = _asset("report.css")
    context: dict[str, Any] = {"page_title": title, "css": css, "script": None}
    script_src = "'none'"
    if script:
        js, js_hash = _asset("report.js")
        context["script"] = js
        script_src = f"'{js_hash}'"
    form_action = "'self'" if forms else "'none'"
    context["csp"] = (f"default-src 'none'; style-src '{css_hash}'; script-src {script_src}; "
                      f"img-src 'none'; base-uri 'none'; form-action {form_action}")
    return context
