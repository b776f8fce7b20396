"""Translations: the real deep-translator code against HTTP servers on 127.0.0.1, a real SQLite cache.

Nothing here leaves the machine: LibreTranslate is served locally, MyMemory (plain HTTP) and
Google are reached only through proxy settings that point at 127.0.0.1.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from crosscheck import Index, OutletDirectory
from crosscheck.compare.diff import compare_articles
from crosscheck.errors import CrosscheckError
from crosscheck.index.store import Store
from crosscheck.stories.catalog import adhoc_story
from crosscheck.present.translate import PROVIDERS, TranslationConfigError, Translator, translate_comparison
from crosscheck.ingest.writer import ingest_paths

RU = [
    "Сенатор Франц Клинцевич заявил, что Турция присоединилась к пулу по обмену разведданными.",
    "По данным ТАСС, в результате удара погибли 12 человек.",
    "Россия начала обмен разведывательными данными с турецкой армией.",
]
TR = ["Rus senatör, Türkiye'nin istihbarat havuzuna katıldığını söyledi."]
EN = ["Turkey joined the intelligence sharing pool, a Russian senator said."]
PROXY_VARS = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")


@dataclass
class FakeProvider:
    """A LibreTranslate (POST /translate) and MyMemory (GET .../get) look-alike that records requests.

    `statuses` are answered in turn (then 200); `mode` is "ok", "merge" (joins lines into one,
    as a translator that ignores line breaks would), "quota" (MyMemory's notice in place of a
    translation) or "stall" (answers only when released).
    """

    url: str = ""
    requests: list[dict[str, list[str]]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    mode: str = "ok"
    release: threading.Event = field(default_factory=threading.Event)
    connects: list[str] = field(default_factory=list)

    def texts(self) -> list[str]:
        return [line for r in self.requests for line in r["q"][0].split("\n")]


def _handler(state: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def _answer(self, status: int, body: dict[str, object]) -> None:
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _translate(self, params: dict[str, list[str]]) -> str | None:
            state.requests.append(params)
            if state.mode == "stall":
                state.release.wait(10)
                return None
            if state.statuses:
                status = state.statuses.pop(0)
                if status != 200:
                    self._answer(status, {"error": "Slowdown: too many requests" if status == 429 else "boom"})
                    return None
            q = params["q"][0]
            if state.mode == "quota":
                return "MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE TRANSLATIONS FOR TODAY."
            if state.mode == "merge":
                return "[en] " + q.replace("\n", " ")
            return "\n".join("[en] " + line for line in q.split("\n"))

        def do_POST(self) -> None:  # LibreTranslate: deep-translator sends the fields in the query string
            params = parse_qs(urlsplit(self.path).query)
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                params.update(parse_qs(self.rfile.read(length).decode()))
            if urlsplit(self.path).path != "/translate":
                self._answer(404, {"error": "not found"})
                return
            out = self._translate(params)
            if out is not None:
                self._answer(200, {"translatedText": out})

        def do_GET(self) -> None:  # MyMemory, reached through HTTP_PROXY (so the path is a full URL)
            parts = urlsplit(self.path)
            if parts.netloc != "api.mymemory.translated.net" or parts.path != "/get":
                self._answer(404, {"error": "not found"})
                return
            params = parse_qs(parts.query)
            out = self._translate(params)
            if out is not None:
                self._answer(200, {"responseData": {"translatedText": out}, "responseStatus": 200})

        def do_CONNECT(self) -> None:  # an HTTPS request sent to us as a proxy: refuse the tunnel
            state.connects.append(self.path)
            self.send_response(502)
            self.end_headers()

    return Handler


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    state = FakeProvider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "index.sqlite")
    yield s
    s.close()


@pytest.fixture
def no_proxy_bypass(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def libre(store: Store, provider: FakeProvider, **kw: float) -> Translator:
    return Translator(store, "libre", "en", url=provider.url, **kw)  # type: ignore[arg-type]


# -- translations and the cache --------------------------------------------------------------
def test_translations_arrive_are_cached_and_never_sent_twice(provider: FakeProvider, tmp_path: Path) -> None:
    items = [(t, "ru") for t in RU] + [(TR[0], "tr")]
    first = Store(tmp_path / "index.sqlite")
    result = libre(first, provider).translate(items)
    first.close()
    assert result.error is None and result.missing == 0 and result.complete
    assert result.translations == {t: "[en] " + t for t in RU + TR}
    assert (result.sent, result.cached, result.provider, result.target) == (4, 0, "libre", "en")
    # one request per source language: the texts of one language are joined line by line
    assert len(provider.requests) == 2
    assert sorted(r["source"][0] for r in provider.requests) == ["ru", "tr"]
    assert all(r["target"] == ["en"] and "api_key" not in r for r in provider.requests)

    again = Store(tmp_path / "index.sqlite")  # the cache is in the database, not in memory
    second = libre(again, provider).translate(items)
    rows = again.db.execute("SELECT provider, source_language, target_language, count(*) FROM translations "
                            "GROUP BY 1, 2, 3 ORDER BY 2").fetchall()
    again.close()
    assert len(provider.requests) == 2
    assert second.translations == result.translations
    assert (second.sent, second.cached, second.missing) == (0, 4, 0)
    assert rows == [("libre", "ru", "en", 3), ("libre", "tr", "en", 1)]


def test_texts_in_the_target_language_and_repeats_are_not_sent(provider: FakeProvider, store: Store) -> None:
    items = [(EN[0], "en"), ("Britain said so.", "en-GB"), (RU[0], "ru"), (RU[0], "ru"), ("", "ru"), ("  ", None)]
    result = libre(store, provider).translate(items)
    assert provider.texts() == [RU[0]]
    assert result.translations == {RU[0]: "[en] " + RU[0]}
    assert result.missing == 0 and result.error is None
    assert libre(store, provider).translate([(EN[0], "en")]).translations == {}
    assert len(provider.requests) == 1


def test_unknown_language_is_left_to_the_provider_and_cached_as_detected(provider: FakeProvider,
                                                                          store: Store) -> None:
    result = libre(store, provider).translate([(RU[1], None), (RU[2], "xx")])
    assert result.complete
    assert {r["source"][0] for r in provider.requests} == {"auto"}
    assert {r[0] for r in store.db.execute("SELECT source_language FROM translations")} == {""}


def test_batches_respect_batch_chars(provider: FakeProvider, store: Store) -> None:
    result = libre(store, provider, batch_chars=120).translate([(t, "ru") for t in RU])
    assert result.complete
    # 89, 53 and 64 characters: the first alone, the other two joined (53 + 1 + 64 = 118)
    assert [len(r["q"][0].split("\n")) for r in provider.requests] == [1, 2]
    assert all(len(r["q"][0]) <= 120 for r in provider.requests)


def test_a_provider_that_merges_lines_gets_one_text_per_request(provider: FakeProvider, store: Store) -> None:
    provider.mode = "merge"
    translator = libre(store, provider)
    result = translator.translate([(t, "ru") for t in RU])
    assert result.complete
    assert result.translations == {t: "[en] " + t for t in RU}  # each under its own original
    assert len(provider.requests) == 1 + len(RU)
    translator.translate([(TR[0], "tr"), ("Başka bir cümle.", "tr")])
    assert len(provider.requests) == 1 + len(RU) + 2  # no joined attempt any more


def test_a_failure_between_single_requests_keeps_the_ones_before(provider: FakeProvider, store: Store) -> None:
    provider.mode = "merge"
    provider.statuses = [200, 200, 429]  # joined (merged, so unusable), first text, then rate-limited
    result = libre(store, provider).translate([(t, "ru") for t in RU])
    assert len(provider.requests) == 3
    assert result.translations == {RU[0]: "[en] " + RU[0]}
    assert result.missing == 2 and result.error and "rate-limiting" in result.error
    assert store.db.execute("SELECT text FROM translations").fetchall() == [(RU[0],)]


# -- failures --------------------------------------------------------------------------------
@pytest.mark.parametrize("status, words", [(429, "rate-limiting"), (500, "ERR_INTERNAL_SERVER_ERROR"),
                                           (503, "ERR_SERVICE_NOT_AVAIBLE")])
def test_an_error_status_stops_sending_and_keeps_what_arrived(provider: FakeProvider, store: Store,
                                                              status: int, words: str) -> None:
    provider.statuses = [200, status]
    texts = [f"Предложение номер {i}, в котором говорится о многом." for i in range(8)]
    result = libre(store, provider, batch_chars=120).translate([(t, "ru") for t in texts])
    assert len(provider.requests) == 2  # the failed request is the last one: no retries
    sent = provider.requests[0]["q"][0].split("\n")
    assert result.translations == {t: "[en] " + t for t in sent}
    assert result.missing == len(texts) - len(sent) > 0
    assert result.error is not None and words in result.error and "(showing originals)" in result.error
    assert f"{result.missing} text(s) untranslated" in result.error
    assert store.db.execute("SELECT count(*) FROM translations").fetchone()[0] == len(sent)
    # the next run sends only what is missing
    provider.statuses = []
    rerun = libre(store, provider, batch_chars=120).translate([(t, "ru") for t in texts])
    assert rerun.complete and rerun.cached == len(sent) and rerun.sent == result.missing


def test_a_failed_translator_sends_nothing_more(provider: FakeProvider, store: Store) -> None:
    provider.statuses = [429]
    translator = libre(store, provider)
    assert translator.translate([(RU[0], "ru")]).error
    later = translator.translate([(RU[1], "ru"), (RU[2], "ru")])
    assert len(provider.requests) == 1
    assert later.missing == 2 and later.error and "rate-limiting" in later.error


def test_connection_refused_fails_fast(store: Store) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    result = Translator(store, "libre", url=url).translate([(t, "ru") for t in RU])
    assert time.monotonic() - started < 3
    assert result.translations == {} and result.missing == len(RU)
    assert result.error == (f"translation provider libre at {url}/ unreachable: Connection refused; "
                            "3 text(s) untranslated (showing originals)")


def test_a_server_that_never_answers_times_out(provider: FakeProvider, store: Store) -> None:
    provider.mode = "stall"
    started = time.monotonic()
    result = libre(store, provider, timeout=0.5).translate([(t, "ru") for t in RU])
    assert time.monotonic() - started < 3
    assert len(provider.requests) == 1
    assert result.missing == len(RU) and result.error and "did not answer within 0.5 s" in result.error


def test_google_without_network_fails_fast(store: Store, monkeypatch: pytest.MonkeyPatch,
                                           no_proxy_bypass: None) -> None:
    # GoogleTranslator cannot be pointed at another server; a proxy on a closed local port keeps
    # its request on this machine and refuses it at once.
    for name in PROXY_VARS:
        monkeypatch.setenv(name, f"http://127.0.0.1:{closed_port()}")
    started = time.monotonic()
    result = Translator(store, timeout=5).translate([(RU[0], "ru"), (TR[0], "tr"), (EN[0], "en")])
    assert time.monotonic() - started < 5
    assert (result.provider, result.translations, result.missing) == ("google", {}, 1 + 1)
    assert result.error and result.error.startswith("translation provider google unreachable")
    assert store.db.execute("SELECT count(*) FROM translations").fetchone()[0] == 0


def test_google_requests_go_only_to_the_configured_proxy(provider: FakeProvider, store: Store,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         no_proxy_bypass: None) -> None:
    for name in PROXY_VARS:
        monkeypatch.setenv(name, provider.url)
    result = Translator(store, "google", timeout=5).translate([(RU[0], "ru")])
    assert provider.connects == ["translate.google.com:443"]  # the tunnel was asked of us, and refused
    assert result.missing == 1 and result.error and "unreachable" in result.error


def test_mymemory_through_a_local_proxy(provider: FakeProvider, store: Store,
                                        monkeypatch: pytest.MonkeyPatch, no_proxy_bypass: None) -> None:
    for name in PROXY_VARS:
        monkeypatch.setenv(name, provider.url)
    result = Translator(store, "mymemory").translate([(RU[0], "ru"), (TR[0], "tr"), (RU[1], None)])
    assert result.translations == {RU[0]: "[en] " + RU[0], TR[0]: "[en] " + TR[0]}
    assert sorted(r["langpair"][0] for r in provider.requests) == ["ru-RU|en-GB", "tr-TR|en-GB"]
    # MyMemory cannot detect a language: the text without one is reported, not sent
    assert result.missing == 1 and result.error and "untranslated" in result.error


def test_mymemory_quota_notice_is_a_failure_not_a_translation(provider: FakeProvider, store: Store,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               no_proxy_bypass: None) -> None:
    for name in PROXY_VARS:
        monkeypatch.setenv(name, provider.url)
    provider.mode = "quota"
    result = Translator(store, "mymemory").translate([(RU[0], "ru"), (RU[1], "ru")])
    assert len(provider.requests) == 1
    assert result.translations == {} and result.missing == 2
    assert result.error and result.error.startswith("translation provider mymemory refused: MYMEMORY WARNING")
    assert store.db.execute("SELECT count(*) FROM translations").fetchone()[0] == 0


# -- configuration ---------------------------------------------------------------------------
def test_configuration_errors_name_the_fix(store: Store) -> None:
    assert {"google", "libre", "mymemory"} <= set(PROVIDERS)
    with pytest.raises(TranslationConfigError, match="choose one of google, libre, mymemory"):
        Translator(store, "babelfish")
    with pytest.raises(CrosscheckError, match="self-hostable provider \\(libre\\)"):
        Translator(store, "google", url="http://127.0.0.1:5000")
    with pytest.raises(TranslationConfigError, match="cannot translate into 'klingon'"):
        Translator(store, "libre", "klingon")
    assert Translator(store, "google", "english").target_code == "en"
    assert Translator(store, "mymemory", "en").target_code == "en-GB"


# -- a comparison ----------------------------------------------------------------------------
def test_translate_comparison_sends_the_non_english_claims(provider: FakeProvider, tmp_path: Path) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in [
        {"id": "tass-1", "outlet": "TASS", "url": "https://tass.ru/1", "language": "ru",
         "published": "2016-09-12T10:00:00+03:00", "title": "Турция присоединилась к пулу",
         "text": " ".join(RU)},
        {"id": "reuters-1", "outlet": "Reuters", "url": "https://reuters.com/1", "language": "en",
         "published": "2016-09-12T12:00:00+00:00", "title": "Turkey joins intelligence pool",
         "text": "Turkey joined the intelligence sharing pool, senator Frants Klintsevich said. "
                 "The strike killed 15 people, according to TASS."},
    ]) + "\n", encoding="utf-8")
    with Index.open(tmp_path / "ix", model="hash-test", create=True) as ix:
        ingest_paths(ix, [src], OutletDirectory())
        comparison = compare_articles(ix, adhoc_story(ix, ["tass-1", "reuters-1"]))
        mentions = [m for g in comparison.groups for m in g.mentions]
        russian = {m.text for m in mentions if m.article.language == "ru"}
        english = {m.text for m in mentions if m.article.language == "en"}
        assert russian and english
        result = translate_comparison(comparison, ix.store, provider="libre", url=provider.url)
        again = translate_comparison(comparison, ix.store, provider="libre", url=provider.url)
    assert set(provider.texts()) == russian
    assert result.translations == {t: "[en] " + t for t in russian}
    assert result.complete and again.cached == len(russian) and again.sent == 0


# -- the report's summary ----------------------------------------------------------------------
def test_the_report_summary_counts_the_untranslated_texts_of_every_story(tmp_path: Path) -> None:
    """Issue 23: `report` ended with "13 text(s) untranslated", the first story's count, where one
    story page alone said 45 (samples/, no translator reachable)."""
    import re

    from typer.testing import CliRunner

    from crosscheck.cli import app

    from ..conftest import SAMPLES

    runner = CliRunner()
    ix = str(tmp_path / "ix")
    assert runner.invoke(app, ["ingest", str(SAMPLES), "--index", ix, "-q"]).exit_code == 0
    result = runner.invoke(app, ["report", "--out", str(tmp_path / "out"), "--index", ix, "--translator", "libre",
                                 "--translator-url", f"http://127.0.0.1:{closed_port()}/"])
    assert result.exit_code == 0, result.output
    pages = [p for p in (tmp_path / "out").glob("*.html") if p.name != "index.html"]
    per_page = [int(m) for p in pages for m in re.findall(r"(\d+) text\(s\) untranslated", p.read_text(encoding="utf-8"))]
    assert len(per_page) == len(pages) >= 4 and max(per_page) > min(per_page)
    summary = re.findall(r"translations missing in (\d+) story reports: (\d+) text\(s\) untranslated in all", result.stderr)
    assert summary == [(str(len(pages)), str(sum(per_page)))], result.stderr
