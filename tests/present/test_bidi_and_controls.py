"""Right-to-left overrides and control characters in article data (issue 24, item 4).

Every untrusted value here (titles, outlets, countries, ids, sentences, a raw URL) ends with a
stray POP DIRECTIONAL ISOLATE and a RIGHT-TO-LEFT OVERRIDE (U+2069 U+202E), and some carry NUL,
BEL and C1 controls. Without isolation, the override reverses whatever template text follows
in the same paragraph ("c3 · BBC News" read "sweN CBB · 3c"). The pages are opened in real
headless Chromium, and the rendered order of every word of the page is read from the DOM: each
word's first letter must lie left of its second. Control characters are dropped at ingest and
appear on no page. Screenshots: test-artifacts/bidi-*.png.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
import pytest

from crosscheck import Index, OutletDirectory
from crosscheck.compare.diff import compare_story
from crosscheck.ingest.writer import ingest_paths
from crosscheck.present.html import balance_bidi, page_text
from crosscheck.present.report import render_story, write_reports
from crosscheck.stories.catalog import list_stories

from ..conftest import ARTIFACTS, Tab
from .test_safe_writes import one_story

RLO = "\u202e"
END = "\u2069" + RLO  # a stray pop (it would close the page's own isolate), then an override
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
BIDI = "\u202a-\u202e\u2066-\u2069"

SENTENCES = ["Turkey and Russia began sharing military intelligence about northern Syria on Monday, officials said.",
             "Turkish forces took 12 villages since the operation began, the military said.",
             "An analyst said the arrangement between Ankara and Moscow is pragmatic."]


def _text(extra: str = "") -> str:
    return " ".join(s[:-1] + END + "." for s in SENTENCES) + extra


HOSTILE = [
    {"id": "bidi-1" + END, "outlet": "BBC\x00 News" + END, "country": "GB" + END, "url": "ftp://example.org/x" + END,
     "published": "2016-09-12T10:00:00+00:00", "language": "en",
     "title": "Turkey and\x00 Russia share\x07 military intelligence in Syria" + END, "text": _text()},
    # first in a list of outlets ("Arrow Gazette, BBC News"): its override must end with its name
    {"id": "bidi-2", "outlet": "Arrow Gazette\x00" + END, "published": "2016-09-12T12:00:00+00:00", "language": "en",
     "url": "https://example.org/2",
     "title": "Evil news of Russia " + RLO + "TITLE",  # the one word the data reverses itself
     "text": _text(" The Gazette\x9b adds\x1b that talks go on" + END + ".")},
    {"id": "bidi-3", "outlet": "TASS", "published": "2016-09-12T15:00:00+00:00", "language": "en",
     "url": "https://tass.ru/3", "title": "Russia and Turkey share intelligence" + END,
     "text": "Turkey and Russia began sharing military intelligence about northern Syria on Monday, "
             "officials told TASS" + END + ". Turkish forces took 15 villages since the operation began, the "
             "military said" + END + "."},
]

# The rendered order of every word of a page, read from the DOM: a word's first letter must lie
# left of its second on the same line. Every untrusted value ends with its override, so no word
# may be reversed, within one text node or across nodes, but the one the data reverses itself
# ("TITLE", after an override in the middle of a title and of a query). Hidden text and the
# timeline's SVG are left out.
REVERSED_WORDS = r"""() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const bad = []; let checked = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode()); ) {
    const el = node.parentElement;
    if (!el || el.closest('script, style, svg, .vh, option')) continue;
    const text = node.textContent;
    const words = /[A-Za-z]{2,}/g;
    for (let w, n = 0; (w = words.exec(text)) && n < 8; ) {
      if (w[0] === 'TITLE') continue;
      n++;
      const r = document.createRange();
      r.setStart(node, w.index); r.setEnd(node, w.index + 1);
      const a = r.getBoundingClientRect();
      r.setStart(node, w.index + 1); r.setEnd(node, w.index + 2);
      const b = r.getBoundingClientRect();
      if (a.width === 0 || b.width === 0 || Math.abs(a.top - b.top) > 2) continue;
      checked++;
      if (!(a.left < b.left)) bad.push(`${w[0]} in ${JSON.stringify(text.slice(0, 80))} (${el.tagName}.${el.className})`);
    }
  }
  return {checked, bad};
}"""

# In the summary, "c1 · BBC News": the claim id, the middle dot and the outlets, left to right
# (the first letter after the dot may start the next line).
DETAIL_ORDER = r"""() => {
  const charRect = (root, index) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode()); ) {
      if (index < node.textContent.length) {
        const r = document.createRange(); r.setStart(node, index); r.setEnd(node, index + 1);
        return r.getBoundingClientRect();
      }
      index -= node.textContent.length;
    }
    return null;
  };
  return [...document.querySelectorAll('.detail')].map(d => {
    const text = d.textContent, at = text.indexOf('·');
    const id = charRect(d, 0), dot = charRect(d, at), rest = charRect(d, at + 2);
    const sameLine = Math.abs(rest.top - dot.top) < 3;
    return [text.slice(0, 40), id.left < dot.left && (!sameLine || dot.left < rest.left)];
  });
}"""


def assert_reads_left_to_right(tab: Tab, name: str) -> None:
    page = tab.page
    found = page.evaluate(REVERSED_WORDS)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"bidi-{name}.png"), full_page=True)
    print(f"{name}: {found['checked']} words read, {len(found['bad'])} reversed")  # pytest -s shows it
    assert found["checked"] >= 10, found  # the check read the page
    assert found["bad"] == [], found["bad"][:20]


def assert_no_controls(html: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in CONTROL.findall(html)})
    assert found == [], found


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """An index (the test embedder) of the hostile articles, in one story; (folder, story id)."""
    base = tmp_path_factory.mktemp("bidi")
    corpus = base / "hostile.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in HOSTILE), encoding="utf-8")
    with Index.open(base / "ix", model="hash-test", create=True) as ix:
        report = ingest_paths(ix, [corpus], OutletDirectory())
        assert report.added == 3, report
        assert any("control character" in str(p) for p in report.problems), report.problems
        one_story(ix, "160912-one-story")  # formed by hand: these tests are about the pages
        stories = list_stories(ix)
    assert len(stories) == 1 and len(stories[0].articles) == 3, stories
    return base / "ix", stories[0].id


def test_control_characters_are_dropped_at_ingest(hostile: tuple[Path, str]) -> None:
    folder, _ = hostile
    with Index.open(folder, readonly=True) as ix:
        articles = list(ix.store.iter_articles())
        for a in articles:
            for value in (a.title, a.text, a.country or "", a.published or "", a.language or ""):
                assert not CONTROL.search(value), (a.id, value)
            sentences = ix.store.article_sentences(a.rowid)
            assert sentences and all(not CONTROL.search(s[-1]) for s in sentences)
        assert {a.title for a in articles} >= {"Turkey and Russia share military intelligence in Syria" + END}
        # an outlet matched by its clean name takes the known name; the id and an unknown outlet's
        # name keep what they were given (they are names, matched as written); pages drop it
        assert {a.outlet for a in articles} == {"BBC News", "Arrow Gazette\x00" + END, "TASS"}
        assert {a.id for a in articles} == {"bidi-1" + END, "bidi-2", "bidi-3"}


def test_bidi_controls_are_balanced_for_every_value() -> None:
    assert balance_bidi("plain") == "plain"
    assert balance_bidi("a" + END) == "a" + RLO + "\u202c"  # the stray pop goes, the override is closed
    assert balance_bidi("\u2066x\u202ey\u2069z") == "\u2066x\u202ey\u2069z"  # a pop closes its own isolate
    assert balance_bidi("\u202c\u2069a\u2067b") == "a\u2067b\u2069"
    assert page_text("a\x00b\x1b[2J" + END) == "ab[2J" + RLO + "\u202c"


def test_report_pages_read_left_to_right_in_chromium(hostile: tuple[Path, str], tmp_path: Path, tab: Tab) -> None:
    folder, story_id = hostile
    with Index.open(folder, readonly=True) as ix:
        written = write_reports(ix, tmp_path / "out", generated_at="now")
        comparison = compare_story(ix, story_id)
    assert comparison.reprints, "the test wants a reprint line: its title is followed by template text"
    story_page = tmp_path / "out" / f"{story_id}.html"
    for path in written:
        assert_no_controls(path.read_text(encoding="utf-8"))
    tab.open(story_page)
    assert tab.page.title().endswith("· crosscheck")
    assert tab.visible("p.reprint") >= 1
    details = tab.page.evaluate(DETAIL_ORDER)
    assert details and all(ok for _, ok in details), details
    # the template text around the titles, in the DOM: "Reprint of OUTLET: “TITLE”. It adds no independent source."
    reprint = tab.page.inner_text("p.reprint")
    assert reprint.startswith("⎘ Reprint of") and reprint.endswith("It adds no independent source."), reprint
    assert_reads_left_to_right(tab, "story")
    tab.page.locator("#articles").screenshot(path=str(ARTIFACTS / "bidi-story-articles.png"))
    tab.open(tmp_path / "out" / "index.html")
    assert_reads_left_to_right(tab, "index")
    assert tab.errors == [] and tab.dialogs == []


def test_render_story_isolates_every_untrusted_string(hostile: tuple[Path, str]) -> None:
    """Outlet names, titles, sentences and notes each sit in their own isolate (<bdi> or
    dir="auto"), never sharing one with the template's words."""
    folder, story_id = hostile
    with Index.open(folder, readonly=True) as ix:
        html = render_story(compare_story(ix, story_id))
    assert_no_controls(html)
    assert "<bdi>Turkey and Russia share military intelligence in Syria" in html
    assert '<span class="outlet-name" dir="auto">Arrow Gazette' in html
    assert re.search(rf'<bdi>[^<{BIDI}]*[{BIDI}]+</bdi>', html)  # a closed override, inside its isolate
    # no override is left open at the end of any value
    for value in re.findall(rf">([^<]*[{BIDI}][^<]*)<", html):
        assert balance_bidi(value) == value, value

