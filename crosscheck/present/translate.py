"""Translations of non-English claims for reports, through deep-translator, cached in the index.

A report shows each claim in its own language with a translation beneath. Translations are
for reading only: nothing in the comparison depends on them, so a missing one never stops a
report. The design follows from that:

- **Providers.** Only deep-translator backends that need no paid key and translate whole
  sentences: `google` (the default; Google Translate's free web endpoint), `libre`
  (LibreTranslate, self-hostable: `url` points it at your own server, `LIBRE_API_KEY` or
  `api_key` for servers that want a key) and `mymemory` (free, 500 characters a request).
  Linguee and Pons are word dictionaries, the others need a paid key.
- **Cache.** Every translation received is stored in the index's `translations` table, keyed by
  (provider, source language, target language, text), and committed batch by batch, so no
  text is sent twice and an interrupted run keeps what it got. The source language is ''
  when the provider detected it.
- **Batching.** deep-translator's `translate_batch` is a loop with one request per text, which
  is what trips the free endpoints' rate limits. Instead, texts of one source language are
  joined one per line into requests of at most `batch_chars` characters (less when the
  provider has a lower limit, and at most about 7 KB once URL-encoded, because all three
  providers put the text in the URL and nginx and Apache refuse longer request lines).
  Translators keep line breaks, so the answer splits back line by line; if a provider returns
  another number of lines, that batch is sent again one text per request, and so is every
  later batch of the same Translator (a translation is never attached to the wrong claim).
- **Failures.** The first failure of any kind (connection refused, DNS, timeout, HTTP 429 or
  5xx, a deep-translator exception, an answer that cannot be parsed) stops all sending: no
  retries, no storm. What arrived is kept; the rest is counted in `missing`, and `error` says
  in one line what happened. A Translator that failed once sends nothing more (a report over
  many stories waits for a dead network once, not once per story).
- **Timeouts.** deep-translator calls `requests.get`/`requests.post` without a timeout and has
  no parameter for one, and requests has no global default. Each request therefore runs in a
  daemon thread that is given `timeout` seconds; past that the request is abandoned (its
  thread ends with the socket, and never delays the interpreter's exit). This bounds DNS
  lookups too, which a socket timeout would not.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..errors import CrosscheckError
from ..vocabulary import DISPLAY_LANGUAGE

if TYPE_CHECKING:
    from deep_translator.base import BaseTranslator

    from ..compare.results import Comparison
    from ..index.store import Store

__all__ = [
    "TranslationOptions",
    "ReportTranslations",
    "report_translations",
    "DEFAULT_PROVIDER",
    "DEFAULT_TARGET",
    "PROVIDERS",
    "TranslationConfigError",
    "TranslationResult",
    "Translator",
    "translate_comparison",
]

log = logging.getLogger("crosscheck")

DEFAULT_PROVIDER = "google"
DEFAULT_TARGET = DISPLAY_LANGUAGE
MAX_QUERY_BYTES = 7000  # URL-encoded text per request; nginx/Apache refuse request lines past ~8 KB


@dataclass(frozen=True)
class _Provider:
    factory: Callable[..., BaseTranslator]
    languages: dict[str, str]       # deep-translator's name -> code table for the provider
    max_chars: int | None           # deep-translator refuses texts this long or longer
    auto_source: bool               # accepts source "auto" (detects the language itself)
    custom_url: bool                # can be pointed at another server


# deep-translator and requests take a while to import, and every command (even --help) imports
# this module for the names below: they are imported when a Translator is first made.
PROVIDERS: tuple[str, ...] = ("google", "libre", "mymemory")
LIBRE_ENV_VAR = "LIBRE_API_KEY"  # deep_translator.constants.LIBRE_ENV_VAR (checked by _providers)


@functools.cache
def _providers() -> dict[str, _Provider]:
    from deep_translator import GoogleTranslator, LibreTranslator, MyMemoryTranslator
    from deep_translator.constants import (
        GOOGLE_LANGUAGES_TO_CODES,
        LIBRE_ENV_VAR as LIBRE_VARIABLE,
        LIBRE_LANGUAGES_TO_CODES,
        MY_MEMORY_LANGUAGES_TO_CODES,
    )

    table = {
        "google": _Provider(GoogleTranslator, GOOGLE_LANGUAGES_TO_CODES, 5000, True, False),
        "libre": _Provider(LibreTranslator, LIBRE_LANGUAGES_TO_CODES, None, True, True),
        "mymemory": _Provider(MyMemoryTranslator, MY_MEMORY_LANGUAGES_TO_CODES, 500, False, False),
    }
    assert tuple(table) == PROVIDERS and LIBRE_VARIABLE == LIBRE_ENV_VAR
    return table


class TranslationConfigError(CrosscheckError):
    """An unknown provider or target language, or an option the provider does not take."""


@dataclass
class TranslationResult:
    """What a translation run produced. `translations` holds only the texts that have one."""

    translations: dict[str, str]    # original text -> translation
    missing: int                    # texts that needed a translation and got none
    error: str | None               # one readable line when `missing` > 0, else None
    provider: str
    target: str
    cached: int = 0                 # how many of `translations` came from the cache
    sent: int = 0                   # how many texts were translated by the provider this time

    @property
    def complete(self) -> bool:
        return self.missing == 0


class _Deadline(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"no answer within {seconds:g} s")
        self.seconds = seconds


@dataclass
class _Pending:
    """Texts of one source language still to translate."""

    source_key: str                 # as cached: the article's language code, '' for detected
    source_code: str                # as the provider wants it ('auto' when detected)
    texts: list[str] = field(default_factory=list)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _base(language: str) -> str:
    return language.strip().lower().replace("_", "-").split("-")[0]


def _provider_code(languages: dict[str, str], language: str) -> str | None:
    """The provider's code for a language code or name ("ru" -> "ru-RU" for MyMemory), or None."""
    want = language.strip().lower().replace("_", "-")
    if not want:
        return None
    codes = list(languages.values())
    for code in codes:
        if code.lower() == want:
            return code
    for name, code in languages.items():
        if name.lower() == want:
            return code
    for code in codes:
        if _base(code) == _base(want):
            return code
    return None


def _one_line(text: str) -> str:
    """The text as one request line (claims rarely hold line breaks; translations don't need them)."""
    return " ".join(text.split())


def _call_with_deadline(fn: Callable[[], Any], seconds: float) -> Any:
    """fn() in a daemon thread; raises _Deadline when it takes longer than `seconds`, or what fn raised."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except Exception as exc:  # noqa: BLE001 - handed to the caller, which decides
            box["error"] = exc

    worker = threading.Thread(target=run, name="crosscheck-translate", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise _Deadline(seconds)
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _os_reason(exc: BaseException) -> str:
    """"Connection refused", "Name or service not known", ... out of requests' long messages."""
    found = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", str(exc))
    if found:
        return found.group(1).strip()
    inner = exc.__cause__ or exc.__context__
    return type(inner or exc).__name__


def _redact(text: str) -> str:
    """requests' messages quote the URL, which carries LibreTranslate's API key."""
    return re.sub(r"(api_key=)[^&\s'\"]+", r"\1***", text)


def _describe(exc: BaseException) -> str:
    """What went wrong, to follow 'translation provider NAME '."""
    import requests
    from deep_translator.exceptions import (
        AuthorizationException,
        RequestError,
        ServerException,
        TooManyRequests,
        TranslationNotFound,
    )

    if isinstance(exc, _Deadline):
        return f"did not answer within {exc.seconds:g} s"
    if isinstance(exc, requests.exceptions.ProxyError):
        return f"unreachable: cannot connect to the proxy ({_os_reason(exc)})"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return f"unreachable: {_os_reason(exc)}"
    if isinstance(exc, requests.exceptions.Timeout):
        return "timed out"
    if isinstance(exc, TooManyRequests) or (isinstance(exc, ServerException) and "TOO_MANY" in str(exc)):
        return "is rate-limiting requests (HTTP 429): try again later"
    if isinstance(exc, ServerException):
        return f"answered with an error ({exc})"
    if isinstance(exc, RequestError):
        return "answered with an HTTP error"
    if isinstance(exc, AuthorizationException):  # its message holds the key: never show it
        return f"refused the API key (HTTP 403): set {LIBRE_ENV_VAR}"
    if isinstance(exc, TranslationNotFound):
        return "returned no translation"
    if isinstance(exc, _ProviderRefusal):
        return str(exc)
    first = (str(exc).strip().splitlines() or [""])[0][:160]
    return f"failed: {type(exc).__name__}" + (f": {first}" if first else "")


class _ProviderRefusal(Exception):
    """An answer that is a provider's message in place of a translation (MyMemory's quota notice)."""


class Translator:
    """Translates texts into `target` with one deep-translator provider, through the index's cache.

    `url` points a provider that can be self-hosted (`libre`) at another server; `timeout` bounds
    each request in seconds; `batch_chars` caps the characters joined into one request;
    `api_key` is for LibreTranslate servers that want one (default: the `LIBRE_API_KEY`
    environment variable). Raises TranslationConfigError for an unknown provider or target
    language, or a `url` for a provider that takes none. Nothing is sent before `translate`.
    """

    def __init__(self, store: Store, provider: str = DEFAULT_PROVIDER, target: str = DEFAULT_TARGET,
                 url: str | None = None, timeout: float = 10.0, batch_chars: int = 4500,
                 *, api_key: str | None = None) -> None:
        spec = _providers().get(provider)
        if spec is None:
            raise TranslationConfigError(
                f"unknown translation provider {provider!r}: choose one of {', '.join(PROVIDERS)}")
        if url is not None and not spec.custom_url:
            hosted = ", ".join(name for name, p in _providers().items() if p.custom_url)
            raise TranslationConfigError(
                f"a translation server URL only applies to a self-hostable provider ({hosted}), not {provider!r}")
        code = _provider_code(spec.languages, target)
        if code is None:
            raise TranslationConfigError(
                f"{provider} cannot translate into {target!r}: give a language code it knows, "
                "such as en, de or fr")
        if timeout <= 0 or batch_chars <= 0:
            raise TranslationConfigError("timeout and batch_chars must be positive")
        self.store = store
        self.provider = provider
        self.target = target
        self.target_code = code
        self.url = url if url is None or url.endswith("/") else url + "/"
        self.timeout = timeout
        limit = spec.max_chars - 1 if spec.max_chars else batch_chars
        self.batch_chars = min(batch_chars, limit)
        self.api_key = api_key if api_key is not None else os.environ.get(LIBRE_ENV_VAR)
        self.failed: str | None = None   # set at the first failure: nothing is sent after it
        self._spec = spec
        self._joined = True               # False once the provider has merged or split lines
        self._clients: dict[str, BaseTranslator] = {}

    # -- the provider -----------------------------------------------------------------------
    @property
    def _where(self) -> str:
        return f"{self.provider} at {self.url}" if self.url else self.provider

    def _client(self, source_code: str) -> BaseTranslator:
        client = self._clients.get(source_code)
        if client is None:
            if self.provider == "libre":
                # deep-translator refuses to build a LibreTranslator without a key; servers
                # without keys ignore one, but keyed servers reject a wrong one, so a
                # placeholder gets it built and is then dropped (no api_key parameter is sent).
                from deep_translator import LibreTranslator

                client = LibreTranslator(source=source_code, target=self.target_code,
                                         api_key=self.api_key or "none", custom_url=self.url,
                                         use_free_api=not self.api_key)
                if not self.api_key:
                    client.api_key = None
            else:
                client = self._spec.factory(source=source_code, target=self.target_code)
            self._clients[source_code] = client
        return client

    def _request(self, source_code: str, text: str) -> str | None:
        """One request: the translation of `text`, None when the answer holds none. Raises on failure."""
        client = self._client(source_code)
        out = _call_with_deadline(lambda: client.translate(text), self.timeout)
        if not isinstance(out, str) or not out.strip():
            return None
        if self.provider == "mymemory" and out.lstrip().upper().startswith("MYMEMORY WARNING"):
            raise _ProviderRefusal(f"refused: {out.strip()[:120]}")
        return out

    # -- the cache --------------------------------------------------------------------------
    def _cached(self, source_key: str, texts: list[str]) -> dict[str, str]:
        return self.store.translations(self.provider, source_key, self.target_code, texts)

    def _save(self, source_key: str, pairs: dict[str, str]) -> None:
        if not pairs or self.store.readonly:  # an index opened read-only keeps no cache
            return
        self.store.save_translations(self.provider, source_key, self.target_code, pairs)

    # -- batches ----------------------------------------------------------------------------
    def _fits(self, texts: list[str]) -> bool:
        joined = "\n".join(_one_line(t) for t in texts)
        return len(joined) <= self.batch_chars and len(urllib.parse.quote(joined)) <= MAX_QUERY_BYTES

    def _batches(self, texts: list[str]) -> list[list[str]]:
        batches: list[list[str]] = []
        for text in texts:
            if batches and self._fits(batches[-1] + [text]):
                batches[-1].append(text)
            else:
                batches.append([text])
        return batches

    def _send(self, pending: _Pending, batch: list[str], got: dict[str, str]) -> None:
        """Translate one batch into `got` (joined, or one text per request once the provider is
        known to merge lines); each answer is cached as it arrives. Raises at the first failed
        request, with what arrived before it in `got` and in the cache."""
        if self._joined and len(batch) > 1:
            answer = self._request(pending.source_code, "\n".join(_one_line(t) for t in batch))
            lines = [line.strip() for line in (answer or "").split("\n") if line.strip()]
            if len(lines) == len(batch):
                self._save(pending.source_key, dict(zip(batch, lines)))
                got.update(zip(batch, lines))
                return
            log.info("translation provider %s returned %d lines for %d texts: "
                     "sending one text per request", self.provider, len(lines), len(batch))
            self._joined = False
        for text in batch:
            answer = self._request(pending.source_code, _one_line(text))
            if answer is not None:
                self._save(pending.source_key, {text: answer.strip()})
                got[text] = answer.strip()

    # -- the public call --------------------------------------------------------------------
    def _group(self, items: Iterable[tuple[str, str | None]]) -> tuple[dict[str, _Pending], list[str]]:
        """Texts that need translating, by source language; and texts no request can carry."""
        groups: dict[str, _Pending] = {}
        seen: set[tuple[str, str]] = set()
        unsendable: list[str] = []
        target_base = _base(self.target_code)
        for text, language in items:
            if not text or not text.strip():
                continue
            if language and _base(language) == target_base:
                continue
            code = _provider_code(self._spec.languages, language) if language else None
            key = language.strip().lower() if code and language else ""
            if code is None:
                code = "auto" if self._spec.auto_source else ""
            if (text, key) in seen:
                continue
            seen.add((text, key))
            if not code or len(_one_line(text)) > self.batch_chars:
                unsendable.append(text)
                continue
            groups.setdefault(key, _Pending(key, code)).texts.append(text)
        return groups, unsendable

    def translate(self, items: Iterable[tuple[str, str | None]]) -> TranslationResult:
        """Translations of `items`, (text, source language or None), into the target language.

        Texts already in the target language are skipped; cached translations are used;
        the rest are sent in batches and cached. Never raises for a network or provider
        failure: see the module docstring.
        """
        groups, unsendable = self._group(items)
        translations: dict[str, str] = {}
        cached = sent = missing = 0
        todo: list[tuple[_Pending, list[str]]] = []
        for pending in groups.values():
            hits = self._cached(pending.source_key, pending.texts)
            translations.update(hits)
            cached += len(hits)
            rest = [t for t in pending.texts if t not in hits]
            if rest:
                todo.append((pending, rest))
        failure = self.failed
        for pending, rest in todo:
            for batch in self._batches(rest):
                if failure is None:
                    got: dict[str, str] = {}
                    try:
                        self._send(pending, batch, got)
                    except Exception as exc:  # noqa: BLE001 - deep-translator raises many unrelated types
                        failure = self.failed = _describe(exc)
                        log.info("translation provider %s %s", self._where, failure)
                        log.debug("translation failure: %s", _redact(repr(exc)))
                    else:
                        log.debug("translated %d of %d texts with %s", len(got), len(batch), self.provider)
                    translations.update(got)
                    sent += len(got)
                    missing += len(batch) - len(got)
                else:
                    missing += len(batch)
        missing += len(unsendable)
        error = None
        if failure is not None and missing:
            error = (f"translation provider {self._where} {failure}; "
                     f"{missing} text(s) untranslated (showing originals)")
        elif missing:
            error = (f"{missing} text(s) untranslated: too long for {self.provider} (over {self.batch_chars} "
                     "characters), in a language it does not know, or answered without a translation "
                     "(showing originals)")
        if sent:
            log.info("translated %d text(s) with %s, %d from the cache", sent, self.provider, cached)
        return TranslationResult(translations, missing, error, self.provider, self.target, cached, sent)


def translate_comparison(comparison: Comparison, store: Store, provider: str = DEFAULT_PROVIDER,
                         target: str = DEFAULT_TARGET, url: str | None = None,
                         timeout: float = 10.0) -> TranslationResult:
    """Translations of every claim of `comparison` whose article is not in `target` language."""
    return Translator(store, provider, target, url, timeout).translate(_claim_texts(comparison))


def _claim_texts(comparison: Comparison) -> list[tuple[str, str | None]]:
    return [(m.text, m.article.language) for group in comparison.groups for m in group.mentions]


@dataclass(frozen=True)
class TranslationOptions:
    """How reports translate claims: `enabled=False` is --no-translate."""

    enabled: bool = True
    provider: str = DEFAULT_PROVIDER
    target: str = DEFAULT_TARGET
    url: str | None = None


TRANSLATION_OFF_NOTE = "Translation was turned off (--no-translate): claims are shown in their original language."


@dataclass
class ReportTranslations:
    """Gives each story's (translations, note to show when some are missing), for
    `report.write_reports`, and keeps the count over all the stories for the one line a report
    ends with (`summary`): that line once quoted the first story's note, "3 text(s) untranslated",
    where one page alone said 17. One Translator serves every story, so a provider that failed
    once is not asked again for the next story. Without a translator: --no-translate."""

    translator: Translator | None
    missing: int = 0          # texts left untranslated, over every story so far
    stories_missing: int = 0  # stories with any

    def __call__(self, comparison: Comparison) -> tuple[dict[str, str], str | None]:
        if self.translator is None:
            return {}, TRANSLATION_OFF_NOTE
        result = self.translator.translate(_claim_texts(comparison))
        if result.missing:
            self.missing += result.missing
            self.stories_missing += 1
        return result.translations, result.error

    def summary(self) -> str | None:
        """"translations missing in 4 story reports: 87 text(s) untranslated in all (translation
        provider google unreachable: ...; showing originals)", or None when nothing is missing."""
        if not self.missing or self.translator is None:
            return None
        t = self.translator
        why = (f"translation provider {t._where} {t.failed}" if t.failed else
               f"too long for {t.provider}, in a language it does not know, or answered without a translation")
        stories = f"{self.stories_missing} story report{'' if self.stories_missing == 1 else 's'}"
        return f"translations missing in {stories}: {self.missing} text(s) untranslated in all ({why}; showing originals)"


def report_translations(store: Store, options: TranslationOptions) -> ReportTranslations:
    """Each story's translations for `report.write_reports` (ReportTranslations), with the total."""
    if not options.enabled:
        return ReportTranslations(None)
    return ReportTranslations(Translator(store, options.provider, options.target, options.url))
