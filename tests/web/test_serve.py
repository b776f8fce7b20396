"""`crosscheck serve`: a real uvicorn server on a free loopback port, asked with httpx and
opened in real headless Chromium (Playwright), on the samples with the real model.

- the API answers what the command line prints, byte for byte in JSON terms;
- errors are JSON (or a page) with their status code, never a traceback;
- the pages work from the keyboard: search, filters, the story page, an article;
- hostile article text is inert on every page;
- `crosscheck ingest` writing while the server answers leaves both working;
- reads never write: compare and report leave the stories as they are.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from typer.testing import CliRunner

from crosscheck import Index, OutletDirectory
from crosscheck.cli import app as cli_app
from crosscheck.compare.diff import compare_story
from crosscheck.errors import StoryNotFound
from crosscheck.web.address import is_loopback
from crosscheck.web.server import create_app
from crosscheck.stories.clustering import update_stories
from crosscheck.ingest.writer import add_records, ingest_paths

from ..conftest import ARTIFACTS, ROOT, SAMPLES, Tab
from ..present.test_report import PAYLOAD, XSS_ARTICLES

runner = CliRunner()
SEED = "160912-turkey-russia-exchanging"
STARTUP_SECONDS = 120  # loading the model on a busy 2-core machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(app: Any) -> Iterator[str]:
    """Serve `app` with uvicorn in a thread on a free loopback port; yields its base URL."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning",
                                           access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def wait_for_comparisons(url: str, seconds: float = 120) -> httpx.Response:
    """The index page at `url` once no story on it is still being compared (in the background)."""
    deadline = time.monotonic() + seconds
    while "being compared" in (page := httpx.get(url, timeout=30)).text:
        assert time.monotonic() < deadline, "the stories of the page were not compared in time"
        time.sleep(0.2)
    return page


def cli_json(*args: str) -> Any:
    result = runner.invoke(cli_app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- after `crosscheck demo`, `crosscheck serve` ------------------------------------------------
@pytest.fixture(scope="module")
def demo_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "ix"
    result = runner.invoke(cli_app, ["demo", "--samples", str(SAMPLES), "--index", str(path), "-q"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def server(demo_index: Path) -> Iterator[str]:
    """`crosscheck serve` itself, in a subprocess, on the index `crosscheck demo` built."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-c", "from crosscheck.cli import main; main()", "serve",
                             "--index", str(demo_index), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            try:
                if httpx.get(base + "/api/info", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "crosscheck serve did not answer"
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
        assert f"serving {demo_index} at {base}/" in out, (out, err)
        assert "Traceback" not in err, err
        assert "warning" not in err  # 127.0.0.1: no warning about authentication


def test_serve_shows_the_seed_story_after_demo(server: str) -> None:
    # a story's first page compares it, while the index page's stories are compared in the
    # background: seconds on a busy machine (httpx's default timeout is 5 s)
    home = httpx.get(server + "/", timeout=60)
    assert home.status_code == 200 and home.headers["content-type"].startswith("text/html")
    assert f'href="/stories/{SEED}"' in home.text
    assert "Russia, Turkey exchange military intelligence in Syria" in home.text
    page = httpx.get(f"{server}/stories/{SEED}", timeout=60)
    assert page.status_code == 200 and 'id="matrix"' in page.text
    assert 'href="/"' in page.text  # back to all stories
    assert "Content-Security-Policy" in page.text and "form-action &#39;none&#39;" in page.text


def test_api_mirrors_the_command_line_json(server: str, demo_index: Path) -> None:
    ix = str(demo_index)
    assert httpx.get(server + "/api/stories").json() == cli_json("stories", "--index", ix)
    filtered = httpx.get(server + "/api/stories", params={"camp": "tr", "min_articles": 3, "since": "2016-09-13"})
    expected = cli_json("stories", "--index", ix, "--camp", "tr", "--min-articles", "3", "--since", "2016-09-13")
    assert filtered.json() == expected and expected and all(s["camps"].get("tr") for s in expected)
    seed = httpx.get(f"{server}/api/stories/{SEED}").json()
    assert seed == next(s for s in cli_json("stories", "--index", ix) if s["id"] == SEED)
    compared = httpx.get(f"{server}/api/stories/{SEED}/compare").json()
    assert compared == cli_json("compare", SEED, "--index", ix)
    assert {c["status"] for c in compared["claims"]} == {"shared", "camp_only", "single_source"}
    query = "Russia and Turkey exchange military intelligence in Syria"
    hits = httpx.get(server + "/api/query", params={"q": query, "k": 5, "camp": "tr", "sentences": "true"}).json()
    assert hits == cli_json("query", query, "--index", ix, "-k", "5", "--camp", "tr", "--sentences")
    assert len(hits) == 5 and all(h["camp"] == "tr" and h["sentence"] for h in hits)
    # across languages: an English query finds the Russian reports
    russian = httpx.get(server + "/api/query", params={"q": query, "lang": "ru"}).json()
    assert russian == cli_json("query", query, "--index", ix, "--lang", "ru")
    assert {h["article_id"] for h in russian[:3]} & {"izvestia-intel-ru", "tass-intel-ru", "ria-intel-reprint-ru"}
    info, cli_info = httpx.get(server + "/api/info").json(), cli_json("info", "--index", ix)
    info.pop("bytes"), cli_info.pop("bytes")  # the WAL file's size moves as connections come and go
    assert info == cli_info and info["articles"] == 20


def test_api_errors_are_json_with_status_codes(server: str) -> None:
    cases = {
        "/api/query": (400, "missing parameter 'q'"),
        "/api/query?q=%20": (400, "missing parameter 'q'"),
        "/api/query?q=x&k=abc": (400, "k must be a whole number"),
        "/api/query?q=x&k=0": (400, "k must be from 1"),
        "/api/query?q=x&k=100000": (400, "k must be from 1"),
        "/api/query?q=x&camp=mars": (400, "camp must be one of"),
        "/api/query?q=x&lang=%3Cscript%3E": (400, "lang must be a language code"),
        "/api/query?q=x&lang=xx": (400, "no article in language 'xx' in this index"),
        "/api/query?q=x&sentences=maybe": (400, "sentences must be true or false"),
        "/api/stories?since=yesterday": (400, "since must be a date"),
        "/api/stories?min_articles=-1": (400, "min_articles must be at least 1"),
        "/api/stories/nothing-like-it": (404, "no story 'nothing-like-it'"),
        "/api/stories/nothing-like-it/compare": (404, "no story 'nothing-like-it'"),
        "/api/nowhere": (404, "nothing at /api/nowhere"),
    }
    for path, (status, words) in cases.items():
        r = httpx.get(server + path)
        assert r.status_code == status, (path, r.status_code, r.text)
        assert r.headers["content-type"] == "application/json", path
        assert words in r.json()["error"] and r.json()["status"] == status, (path, r.json())
        assert "Traceback" not in r.text
    r = httpx.post(server + "/api/query?q=x")
    assert r.status_code == 405 and r.headers["content-type"] == "application/json"
    for path in ("/stories/nothing-like-it", "/articles/nothing-like-it", "/nowhere", "/?page=99"):
        r = httpx.get(server + path)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html"), path
        assert 'id="error-message"' in r.text and "Traceback" not in r.text
    r = httpx.get(server + "/?camp=mars")
    assert r.status_code == 400 and "camp must be one of" in r.text


def same_hits(got: list[dict[str, Any]], expected: list[dict[str, Any]], tolerance: float = 1e-5) -> bool:
    """The same hits in the same order, scores equal to float32 rounding: a query embedded in a
    batch with others (web/embedding.py) gets its vector to within 1e-6, so a score may differ
    in its last digits, and hits whose scores tie that closely may come in either order."""
    def runs(hits: list[dict[str, Any]]) -> list[tuple[float, set[str]]]:
        out: list[tuple[float, set[str]]] = []
        for h in hits:
            body = json.dumps({**h, "score": None}, sort_keys=True)
            if out and abs(out[-1][0] - h["score"]) <= tolerance:
                out[-1][1].add(body)
            else:
                out.append((h["score"], {body}))
        return out

    a, b = runs(got), runs(expected)
    return len(a) == len(b) and all(abs(x[0] - y[0]) <= tolerance and x[1] == y[1] for x, y in zip(a, b))


def test_concurrent_queries_give_the_same_answers(server: str) -> None:
    """8 clients at once: every answer is the one given alone (one SQLite connection per thread,
    faiss shared, the queries embedded in worker processes, together when they wait together)."""
    queries = [("Russia Turkey intelligence", "false"), ("Türk Akımı doğalgaz boru hattı", "true"),
               ("перемирие в Сирии", "false"), ("warships Bosphorus", "true")]
    alone = {q: httpx.get(server + "/api/query", params={"q": q[0], "sentences": q[1]}).json() for q in queries}
    results: list[tuple[tuple[str, str], int, Any]] = []

    def client(n: int) -> None:
        with httpx.Client(base_url=server, timeout=60) as c:
            for i in range(6):
                q = queries[(n + i) % len(queries)]
                r = c.get("/api/query", params={"q": q[0], "sentences": q[1]})
                results.append((q, r.status_code, r.json()))
                c.get("/api/stories")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 48
    for q, status, data in results:
        assert status == 200 and same_hits(data, alone[q]), q


# -- the pages in Chromium ---------------------------------------------------------------------
def test_pages_in_chromium_search_filters_story_and_article_from_the_keyboard(server: str, tab: Tab) -> None:
    page = tab.page
    stories = httpx.get(server + "/api/stories").json()
    page.goto(server + "/")
    assert tab.visible("#stories tbody tr") == len(stories)
    titles = page.eval_on_selector_all("#stories tbody .story-link", "as => as.map(a => a.textContent)")
    assert titles == [s["title"] for s in stories]  # newest first, as the API
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "serve-index.png"), full_page=True)

    # search from the keyboard: focus the box, type, Enter
    page.focus("#q")
    page.keyboard.type("разведданные Турция Сирия")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/search?q=" in page.url
    assert tab.visible("#results li") >= 5
    first = page.eval_on_selector("#results .result-title a", "a => a.getAttribute('href')")
    assert first.startswith("/articles/")
    # across languages: Russian words find Turkish and English reports too
    camps = set(page.eval_on_selector_all("#results .camp-tag", "ts => ts.map(t => t.textContent)"))
    assert {"Russia", "Turkey"} <= camps
    page.screenshot(path=str(ARTIFACTS / "serve-search.png"), full_page=True)

    # narrow the search to Turkish sentences from the keyboard: the camp select, the checkbox, Enter
    page.focus("#search-camp")
    page.keyboard.press("End")  # the last option; then up to Turkey
    page.select_option("#search-camp", "tr")
    page.focus("#search-sentences")
    page.keyboard.press(" ")
    assert page.is_checked("#search-sentences")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "camp=tr" in page.url and "sentences=1" in page.url
    assert tab.visible("#results li") >= 1 and tab.visible("#results li:not(.camp-tr)") == 0
    assert tab.visible("#results .result-sentence") == tab.visible("#results li")

    # open an article from the results: its claims are marked, and link into its story
    with page.expect_navigation():
        tab.press_on("#results .result-title a", "Enter")
    assert "/articles/" in page.url
    assert tab.visible("article.doc") == 1 and tab.visible(".doc-body .s") >= 1
    refs = page.eval_on_selector_all(".doc-body a.ref", "as => as.map(a => a.getAttribute('href'))")
    assert refs and all(r.startswith("/stories/") and "#claim-c" in r for r in refs)
    page.screenshot(path=str(ARTIFACTS / "serve-article.png"), full_page=True)

    # filters on the index: camp and language from a form, submitted with Enter
    page.goto(server + "/")
    page.select_option("#filter-camp", "ru")
    page.select_option("#filter-lang", "tr")
    with page.expect_navigation():
        tab.press_on("#filters button[type=submit]", "Enter")
    expected = [s for s in httpx.get(server + "/api/stories", params={"camp": "ru"}).json()
                if any(a["language"] == "tr" for a in s["articles"])]
    assert expected and tab.visible("#stories tbody tr") == len(expected) < len(stories)
    assert "Clear filters" in page.inner_text("#filters")
    page.goto(server + "/?since=2016-09-14")
    after = httpx.get(server + "/api/stories", params={"since": "2016-09-14"}).json()
    assert tab.visible("#stories tbody tr") == len(after) < len(stories)
    page.goto(server + "/?camp=unknown&lang=de")
    assert page.is_visible("#no-stories")

    # the story page, reached from the index with the keyboard: the static report's page
    page.goto(server + "/")
    with page.expect_navigation():
        tab.press_on(f'a[href="/stories/{SEED}"]', "Enter")
    comparison = httpx.get(f"{server}/api/stories/{SEED}/compare").json()
    # single-source claims that fewer than 3 outlets state are folded by camp until asked
    folded = sum(c["status"] == "single_source" and len(c["outlets"]) < 3 for c in comparison["claims"])
    assert tab.visible("#matrix tbody tr.row") == len(comparison["claims"]) - folded
    single = sum(c["status"] == "single_source" for c in comparison["claims"])
    tab.press_on('button[data-filter="single_source"]', "Enter")
    assert tab.visible("#matrix tbody tr.row") == single
    assert tab.visible("article.doc") == 10
    page.screenshot(path=str(ARTIFACTS / "serve-story.png"))
    with page.expect_navigation():
        tab.press_on(".crumbs a", "Enter")
    assert page.url == server + "/"
    assert tab.errors == [] and tab.dialogs == []  # no CSP violation, no script error


# -- hostile text --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def evil_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("evil")
    corpus = base / "evil.jsonl"
    corpus.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in XSS_ARTICLES) + "\n", encoding="utf-8")
    with Index.open(base / "ix", model="hash-test", create=True) as ix:
        assert ingest_paths(ix, [corpus], OutletDirectory()).added == 3
        update_stories(ix)
    with running(create_app(base / "ix")) as url:
        yield url


def test_hostile_text_is_inert_on_every_page(evil_server: str, tab: Tab) -> None:
    page = tab.page
    stories = httpx.get(evil_server + "/api/stories").json()
    assert len(stories) == 1
    story_id = stories[0]["id"]
    pages = ["/", "/search?q=Turkey+Russia+intelligence", "/search?q=Turkey&sentences=1",
             f"/stories/{quote(story_id, safe='')}", f"/search?q={quote('<script>' + PAYLOAD + '</script>')}",
             "/stories/" + quote(f"<script>{PAYLOAD}</script>", safe="")]
    pages += ["/articles/" + quote(a["id"], safe="") for a in XSS_ARTICLES]
    for path in pages:
        r = httpx.get(evil_server + path)
        assert r.status_code in (200, 404), (path, r.status_code)
        assert "<img" not in r.text and "<svg onload" not in r.text and "</style><script" not in r.text, path
        page.goto(evil_server + path)
        page.evaluate("() => document.querySelectorAll('a, button, input, select').forEach(e => { e.focus(); "
                      "e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); })")
        assert page.evaluate("() => window.__pwned") is None, path
        assert page.title() != "pwned" and page.title().endswith("· crosscheck"), path
        assert page.evaluate("() => document.querySelectorAll('img, iframe, object, embed, svg script').length") == 0
        assert page.evaluate("() => document.scripts.length") <= 1  # at most the report's own script
        handlers = page.evaluate("() => [...document.querySelectorAll('*')].flatMap(e => "
                                 "[...e.attributes].map(a => a.name)).filter(n => n.startsWith('on'))")
        assert handlers == [], path
        hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
        assert all(h.startswith(("#", "/", "https://", "http://")) and not h.startswith("//") for h in hrefs), hrefs
        assert page.evaluate("() => document.styleSheets.length") == 1, path
        assert page.is_visible(".page-footer"), path
    page.goto(evil_server + "/articles/evil-1")
    assert "<script>" in page.inner_text("main") and "JaVaScRiPt" not in page.inner_text("main")
    assert page.eval_on_selector_all("a.source-link", "as => as.length") == 0  # javascript: is no link
    page.goto(evil_server + "/articles/evil-3")
    assert "JaVaScRiPt:window.__pwned=1" in page.inner_text("main")  # shown as text
    page.screenshot(path=str(ARTIFACTS / "serve-xss-article.png"), full_page=True)
    # the API gives the same text as JSON, which no browser runs
    r = httpx.get(evil_server + "/api/query", params={"q": "Turkey"})
    assert r.headers["content-type"] == "application/json" and r.headers["x-content-type-options"] == "nosniff"
    assert any("<img src=x onerror" in h["title"] for h in r.json())
    assert tab.dialogs == []
    assert all("Content Security Policy" not in e for e in tab.errors), tab.errors


def test_an_internal_error_is_a_500_without_traceback(tmp_path: Path) -> None:
    with Index.open(tmp_path / "ix", model="hash-test", create=True) as ix:
        add_records(ix, [{"id": "a", "title": "T", "text": "Some text about Ankara."}])
    app = create_app(tmp_path / "ix")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    app.state.reader.query = broken
    with running(app) as url:
        r = httpx.get(url + "/api/query?q=x")
        assert r.status_code == 500 and r.json()["status"] == 500
        assert "secret" not in r.text and "Traceback" not in r.text
        r = httpx.get(url + "/search?q=x")
        assert r.status_code == 500 and "secret" not in r.text and "Traceback" not in r.text
        assert httpx.get(url + "/api/info").status_code == 200  # the server goes on


# -- writing while the server reads ------------------------------------------------------------
NEW_ARTICLES = [
    {"id": "tass-quake-ru", "outlet": "TASS", "url": "https://tass.ru/proisshestviya/quake-test",
     "published": "2016-09-20T08:00:00+03:00", "title": "Землетрясение магнитудой 5,1 произошло у берегов Крита",
     "text": "Землетрясение магнитудой 5,1 произошло у берегов греческого острова Крит, сообщает Европейско-"
             "Средиземноморский сейсмологический центр. Очаг залегал на глубине 10 километров.\n\n"
             "Сообщений о жертвах и разрушениях не поступало."},
    {"id": "hurriyet-quake-tr", "outlet": "Hürriyet", "url": "https://www.hurriyet.com.tr/dunya/girit-deprem-test",
     "published": "2016-09-20T09:00:00+03:00", "title": "Girit açıklarında 5,1 büyüklüğünde deprem",
     "text": "Yunanistan'ın Girit adası açıklarında 5,1 büyüklüğünde deprem meydana geldi. Deprem 10 kilometre "
             "derinlikte kaydedildi.\n\nCan kaybı ya da hasar bildirilmedi."},
    {"id": "reuters-quake-en", "outlet": "Reuters", "url": "https://www.reuters.com/article/crete-quake-test",
     "published": "2016-09-20T07:30:00+00:00", "title": "Magnitude 5.1 earthquake strikes off Crete",
     "text": "A magnitude 5.1 earthquake struck off the Greek island of Crete on Tuesday, the European-Mediterranean "
             "Seismological Centre said. The quake was 10 km deep.\n\nThere were no immediate reports of damage."},
]


def test_ingest_while_the_server_answers(demo_index: Path, tmp_path: Path) -> None:
    path = tmp_path / "ix"
    shutil.copytree(demo_index, path)
    corpus = tmp_path / "new.jsonl"
    corpus.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in NEW_ARTICLES) + "\n", encoding="utf-8")
    with running(create_app(path)) as url:
        before = httpx.get(url + "/api/stories").json()
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        ingest = subprocess.Popen([sys.executable, "-c", "from crosscheck.cli import main; main()", "ingest",
                                   str(corpus), "--index", str(path), "-q"], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env)
        answers: list[int] = []
        with httpx.Client(base_url=url, timeout=60) as client:
            while ingest.poll() is None:
                for p in ("/api/query?q=earthquake%20Crete", "/api/stories", "/api/info", f"/stories/{SEED}", "/"):
                    answers.append(client.get(p).status_code)
            out, err = ingest.communicate()
            assert ingest.returncode == 0 and "ingested 3 new articles" in out, (out, err)
            assert answers and set(answers) == {200}, answers
            # the server sees the new vectors and the stories ingest formed
            hits = client.get("/api/query", params={"q": "earthquake off Crete", "k": 3}).json()
            assert {h["article_id"] for h in hits} == {a["id"] for a in NEW_ARTICLES}
            after = client.get("/api/stories").json()
            assert len(after) == len(before) + 1
            quake = next(s for s in after if {a["article_id"] for a in s["articles"]} == {a["id"] for a in NEW_ARTICLES})
            assert client.get(f"/stories/{quake['id']}").status_code == 200
            assert client.get("/articles/reuters-quake-en").status_code == 200
    # the index is whole for the command line too
    assert len(cli_json("stories", "--index", str(path))) == len(before) + 1


def test_update_every_forms_stories_in_the_server(demo_index: Path, tmp_path: Path) -> None:
    path = tmp_path / "ix"
    shutil.copytree(demo_index, path)
    with Index.open(path) as ix:  # the library's ingest forms no stories by itself
        add_records(ix, NEW_ARTICLES)
    app = create_app(path, update_every=0.5)
    with running(app) as url:
        deadline = time.monotonic() + 60
        while len(httpx.get(url + "/api/stories").json()) < 5:
            assert time.monotonic() < deadline, app.state.updater.last_error
            time.sleep(0.2)
        assert app.state.updater.last_error is None


def test_the_updater_leaves_a_busy_index_to_its_writer(tmp_path: Path) -> None:
    from crosscheck.index.lock import WriteLock
    from crosscheck.web.server import StoryUpdater

    with Index.open(tmp_path / "ix", model="hash-test", create=True) as ix:
        add_records(ix, [{"id": "a", "title": "Wheat harvest", "text": "Farmers brought in the wheat harvest."}])
    updater = StoryUpdater(tmp_path / "ix", every=3600)
    lock = WriteLock(tmp_path / "ix")
    lock.acquire()  # an ingest is writing
    try:
        started = time.monotonic()
        updater.update_once()
        assert time.monotonic() - started < 10  # it does not wait for the writer
        assert updater.last_error and "IndexLocked" in updater.last_error
    finally:
        lock.release()
    updater.update_once()
    assert updater.last_error is None and updater.runs == 2
    with Index.open(tmp_path / "ix", readonly=True) as ix:
        assert len(ix.store.story_ids()) == 1


# -- options and reads that never write ----------------------------------------------------------
def test_hosts() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1") and is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.org")


def test_serve_cli_checks_options_and_warns_off_loopback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import crosscheck.web.server

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(crosscheck.web.server, "run", lambda index, **kw: calls.append(kw))
    for bad in ("soon", "15 minutes", "0m", "-5m", "m15"):
        result = runner.invoke(cli_app, ["serve", "--update-every", bad])
        said = "is no time at all" if bad == "0m" else "is not like 90s, 15m"
        assert result.exit_code == 2 and said in result.stderr and not calls, bad
    result = runner.invoke(cli_app, ["serve", "--host", "0.0.0.0", "--update-every", "15m", "--port", "9999"])
    assert result.exit_code == 0, result.output
    assert "no authentication" in result.stderr
    assert calls == [{"host": "0.0.0.0", "port": 9999, "update_every": 900.0, "on_ready": calls[0]["on_ready"],
                      "on_loading": calls[0]["on_loading"]}]
    result = runner.invoke(cli_app, ["serve"])
    assert "no authentication" not in result.stderr and calls[-1]["host"] == "127.0.0.1"
    monkeypatch.undo()
    result = runner.invoke(cli_app, ["serve", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1 and "no index at" in result.stderr and "Traceback" not in result.output


def test_compare_and_report_do_not_form_stories(demo_index: Path, tmp_path: Path) -> None:
    path = tmp_path / "ix"
    shutil.copytree(demo_index, path)
    with Index.open(path) as ix:
        add_records(ix, NEW_ARTICLES)  # embedded, in no story yet
        assignments = ix.store.story_assignments()
        compare_story(ix, SEED)
        with pytest.raises(StoryNotFound):
            compare_story(ix, "160920-magnitude-earthquake-strikes")
    result = runner.invoke(cli_app, ["report", "--out", str(tmp_path / "out"), "--index", str(path), "--no-translate"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli_app, ["compare", SEED, "--index", str(path), "--json"]).exit_code == 0
    with Index.open(path) as ix:
        assert ix.store.story_assignments() == assignments
        assert len(ix.store.unassigned_articles()) == 3


def test_index_pages_through_many_stories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import crosscheck.web.pages
    import crosscheck.web.reader
    import crosscheck.web.views

    monkeypatch.setattr(crosscheck.web.views, "STORIES_PER_PAGE", 2)
    monkeypatch.setattr(crosscheck.web.pages, "STORIES_PER_PAGE", 2)
    topics = ["harvest wheat farmers", "football final stadium", "volcano ash flights", "election ballots count",
              "museum painting stolen"]
    with Index.open(tmp_path / "ix", model="hash-test", create=True) as ix:
        add_records(ix, [{"id": f"a{i}", "outlet": "Reuters", "published": f"2016-09-{10 + i:02d}T10:00:00+00:00",
                 "title": t.title(), "text": f"Reports on {t} came in. The {t} figures were confirmed."}
                for i, t in enumerate(topics)])
        update_stories(ix)
        assert len(ix.store.story_ids()) == 5
    with running(create_app(tmp_path / "ix")) as url:
        # one-article stories are counted, not listed, unless asked for (min_articles=1)
        default = httpx.get(url + "/")
        assert default.text.count('class="story-row') == 0
        assert "5 stories of fewer than 2 articles are not listed." in default.text
        assert 'href="/?min_articles=1">List them too</a>' in default.text
        first = httpx.get(url + "/?min_articles=1")
        assert first.text.count('class="story-row') == 2 and "Showing stories 1–2 of 5." in first.text
        assert "<span>5 stories</span>" in first.text and 'rel="next" href="/?min_articles=1&amp;page=2"' in first.text
        last = httpx.get(url + "/?min_articles=1&page=3")
        assert last.text.count('class="story-row') == 1 and 'rel="prev" href="/?min_articles=1&amp;page=2"' in last.text
        assert "Museum Painting Stolen" not in last.text and "Harvest Wheat Farmers" in last.text  # oldest last
        assert httpx.get(url + "/?min_articles=1&page=4").status_code == 404
        assert httpx.get(url + "/?page=0").status_code == 400
        narrowed = httpx.get(url + "/", params={"since": "2016-09-13", "min_articles": 1})
        assert narrowed.text.count('class="story-row') == 2 and "matching the filters" in narrowed.text

    # a story whose comparison fails: its page is a 500, the index leaves it out and says so
    real = crosscheck.web.reader.compare_articles

    def failing(ix: Any, story: Any, *args: Any) -> Any:
        if "Volcano" in story.title:
            raise KeyError("some-article")
        return real(ix, story, *args)

    monkeypatch.setattr(crosscheck.web.reader, "compare_articles", failing)
    with running(create_app(tmp_path / "ix")) as url:
        stories = httpx.get(url + "/api/stories").json()
        volcano = next(s["id"] for s in stories if "Volcano" in s["title"])
        page = wait_for_comparisons(url + "/?min_articles=1&page=2")  # compared in the background
        assert page.status_code == 200 and page.text.count('class="story-row') == 1
        assert f"could not be compared (the server&#39;s log has the error): {volcano}" in page.text
        for _ in range(2):  # computed once, the failure served from the cache after
            r = httpx.get(f"{url}/stories/{volcano}")
            assert r.status_code == 500 and "KeyError" not in r.text and "Traceback" not in r.text
        assert httpx.get(f"{url}/api/stories/{volcano}/compare").json()["status"] == 500
