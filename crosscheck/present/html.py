"""What every page shares: the Jinja2 environment (autoescaped), the inline CSS and JS with the
Content-Security-Policy that allows only them, safe links, and the small formatters templates
use. Used by the static report (present/) and the server's pages (web/).

Everything shown comes from untrusted input (article text, titles, outlet names, URLs), so:
- templates are rendered by Jinja2 with `autoescape=True`, and no data is ever marked safe;
- only http and https URLs become links, anything else is shown as plain text;
- a page's Content-Security-Policy allows nothing external and only its own inline stylesheet
  and script (by hash), so even a missed escape could not run a script;
- every value a template shows passes `page_text` on its way out (the environment's `finalize`):
  control characters but newline and tab are dropped, and bidi controls are balanced, so that a
  right-to-left override (U+202E) or a stray "pop directional isolate" (U+2069) in a title ends
  with the title. The templates put each untrusted string in its own isolate (`<bdi>`, or
  `dir="auto"`, which Chromium and the HTML standard style `unicode-bidi: isolate`): a
  right-to-left name sets its own direction and never reorders the template text around it.
  Where markup cannot go (a page's title), the untrusted part is balanced before the rest is
  added (`balance_bidi`);
- pages are written through `write_page`: a temporary file of its own, created exclusively in the
  target's folder and renamed over the target, so a planted symlink is replaced, never written through.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import ipaddress
import os
import re
import secrets
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..errors import ReportWriteFailed
from ..records import Story, parse_datetime
from ..vocabulary import Camp, as_camp, plural  # plural: the pages' templates use it

__all__ = ["LANGUAGE_CODE", "safe_url", "safe_href", "camp_key", "language_code", "fmt_date", "fmt_datetime",
           "date_span", "plural", "story_file_name", "environment", "page_context", "page_text", "balance_bidi",
           "write_page"]

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


def zone_label(dt: datetime) -> str:
    """ "UTC" for an offset of zero, else "UTC+03:00" or "UTC-05:00"."""
    offset = dt.utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    sign, minutes = ("+" if offset > timedelta(0) else "-"), abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def fmt_datetime(value: str | None) -> str:
    """A stored `published` as shown: the day and time in the outlet's own zone, which it names
    ("3 Mar 2025, 14:10 UTC+03:00"; "13:45 UTC"), so that times in several zones are not read as
    one. A date alone, or a midnight without a zone (how a date-only input is stored), is the day;
    another time without a zone says it has none (crosscheck orders it as UTC)."""
    dt = parse_datetime(value)
    if dt is None or value is None:
        return value or "undated"
    zoned = datetime.fromisoformat(value).tzinfo is not None
    if len(value) <= 10 or (not zoned and dt.time() == time(0)):
        return fmt_date(value)
    return f"{dt.day} {dt:%b %Y}, {dt:%H:%M} " + (zone_label(dt) if zoned else "(no time zone given)")


def date_span(story: Story) -> str:
    start, end = fmt_date(story.start), fmt_date(story.end)
    if not story.start:
        return "undated"
    return start if start == end else f"{start} – {end}"


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def story_file_name(story_id: str) -> str:
    """The story's file name: its id + .html, made safe if the id holds anything unusual."""
    if _FILE_NAME.fullmatch(story_id) and ".." not in story_id:
        return story_id + ".html"
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", story_id).strip("._")[:80] or "story"
    return f"{cleaned}-{hashlib.sha1(story_id.encode('utf-8')).hexdigest()[:8]}.html"


# C0 and C1 control characters but tab and newline: never shown on a page (a NUL, an ESC).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# Bidi controls: the embeddings and overrides that U+202C (PDF) closes, and the isolates that
# U+2069 (PDI) closes (Unicode's bidi algorithm, UAX #9, rules X1-X8).
_EMBEDDINGS = "\u202a\u202b\u202d\u202e"   # LRE, RLE, LRO, RLO
_ISOLATES = "\u2066\u2067\u2068"            # LRI, RLI, FSI
_PDF, _PDI = "\u202c", "\u2069"
_BIDI = re.compile(f"[{_EMBEDDINGS}{_ISOLATES}{_PDF}{_PDI}]")


def balance_bidi(text: str) -> str:
    """`text` with its bidi controls balanced: a pop that closes nothing of the text's own is
    dropped (it would close the isolate the page put around the text), and whatever the text
    opens is closed at its end. Text without bidi controls comes back as it is."""
    if not _BIDI.search(text):
        return text
    out: list[str] = []
    opened: list[str] = []  # "e" (embedding or override) or "i" (isolate), innermost last
    for ch in text:
        if ch in _EMBEDDINGS or ch in _ISOLATES:
            opened.append("e" if ch in _EMBEDDINGS else "i")
        elif ch == _PDF:
            if not opened or opened[-1] != "e":
                continue  # closes nothing inside the innermost isolate of the text's own
            opened.pop()
        elif ch == _PDI:
            if "i" not in opened:
                continue
            while opened.pop() != "i":  # a PDI also closes the embeddings opened inside its isolate
                pass
        out.append(ch)
    out.extend(_PDF if kind == "e" else _PDI for kind in reversed(opened))
    return "".join(out)


def page_text(value: Any) -> Any:
    """A value as a template shows it: strings without control characters and with their bidi
    controls balanced; markup of the package's own (CSS, JS) and other values as they are."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return balance_bidi(_CONTROL.sub("", value))
    return value


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("crosscheck.present", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True, finalize=page_text)
    return env


def _exclusive_temp(folder: Path, name: str) -> tuple[int, Path]:
    """A new temporary file in `folder`, created exclusively: O_EXCL fails on any existing name,
    a symlink included, and O_NOFOLLOW refuses to open one. Returns (descriptor, path)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = folder / f".{name}.{secrets.token_hex(8)}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp  # the umask applies, as to any file written
        except FileExistsError:
            continue


def write_page(path: str | os.PathLike[str], text: str) -> Path:
    """Write a page to `path` through a temporary file of its own in the same folder, renamed
    over `path`: an existing `path`, a symlink included, is replaced, never written through, and
    a reader sees the old page or the new one, whole. ReportWriteFailed names the reason (a full
    disk, a folder in the way, no permission)."""
    target = Path(path)
    data = text.encode("utf-8")
    try:
        fd, tmp = _exclusive_temp(target.parent, target.name)
    except OSError as e:
        raise ReportWriteFailed(target, e.strerror or str(e)) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            written = os.fstat(f.fileno())
        entry = os.lstat(tmp)
        if (entry.st_dev, entry.st_ino) != (written.st_dev, written.st_ino):
            raise ReportWriteFailed(target, f"its temporary file {tmp.name} was replaced while it was written")
        os.replace(tmp, target)
    except BaseException as e:
        try:
            os.unlink(tmp)  # the name only: a symlink put there is removed, not followed
        except OSError:
            pass
        if isinstance(e, OSError):
            raise ReportWriteFailed(target, e.strerror or str(e)) from None
        raise
    return target


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
