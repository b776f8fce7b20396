"""Hostile input and damaged indexes: nothing lost, nothing crashes, one clear line (issue 11)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crosscheck import Index
from crosscheck.cli import app
from crosscheck.index.paths import DB_NAME
from crosscheck.ingest.writer import add_records
from crosscheck.index.query import search

runner = CliRunner()


def record(i: int, **fields: str) -> dict[str, str]:
    base = {"id": f"a{i}", "outlet": "TASS", "published": "2016-09-12",
            "title": f"Pipeline talks {i}", "text": f"Energy ministers discussed the gas pipeline {i}. "
                                                    f"They met in Moscow on Monday {i}."}
    return {**base, **fields}


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def ok(result: object) -> None:
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]


# -- 1. extreme dates ------------------------------------------------------------------------------
def test_extreme_dates_are_kept_as_text_not_used_and_no_command_crashes(tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    first = write_jsonl(tmp_path / "first.jsonl", [
        record(1, published="0001-01-01"), record(2, published="9999-12-31T23:59:59"),
        record(3), record(4, published="1899-12-31"), record(5, published="next Tuesday")])
    second = write_jsonl(tmp_path / "second.jsonl", [record(6, published="0001-01-01T00:00:00+00:00"), record(7)])
    result = runner.invoke(app, ["ingest", str(first), str(second), "--index", ix, "--model", "hash-test", "-q"])
    ok(result)
    assert "ingested 7 new articles" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if "not used" in line]
    assert len(warnings) == 2, result.stderr  # one per file
    assert warnings[0].startswith(f"{first}:") and "4 dates" in warnings[0] and "'0001-01-01'" in warnings[0]
    assert warnings[1].startswith(f"{second}:") and "1 date" in warnings[1]
    db = sqlite3.connect(Path(ix) / DB_NAME)
    rows = dict(db.execute("SELECT id, published FROM articles").fetchall())
    given = dict(db.execute("SELECT id, published_given FROM articles").fetchall())
    assert rows["a1"] is None and given["a1"] == "0001-01-01"
    assert rows["a2"] is None and given["a2"] == "9999-12-31T23:59:59"
    assert rows["a5"] is None and given["a5"] == "next Tuesday"
    assert rows["a3"] == "2016-09-12T00:00:00" and given["a3"] is None
    db.close()
    for args in (["stories"], ["stories", "--json"], ["report", "--out", str(tmp_path / "out"), "--no-translate"],
                 ["compare", "--articles", "a1,a2,a3", "--html", str(tmp_path / "c.html"), "--no-translate"],
                 ["query", "pipeline"], ["info"]):
        ok(runner.invoke(app, [*args, "--index", ix]))


def test_extreme_dates_already_in_an_index_are_moved_aside(tmp_path: Path) -> None:
    """An index written before this check: its extreme dates break nothing, and the upgrade
    moves them to `published_given`."""
    ix = tmp_path / "ix"
    write_jsonl(tmp_path / "a.jsonl", [record(1), record(2), record(3)])
    ok(runner.invoke(app, ["ingest", str(tmp_path / "a.jsonl"), "--index", str(ix), "--model", "hash-test", "-q"]))
    db = sqlite3.connect(ix / DB_NAME)
    with db:
        db.execute("UPDATE articles SET published = '0001-01-01', published_given = NULL WHERE id = 'a1'")
        db.execute("UPDATE articles SET published = '9999-12-31T23:59:59', published_given = NULL WHERE id = 'a2'")
    # as read by a crosscheck that does not know better (no migration): no crash either
    for args in (["stories", "--rebuild", "--threshold", "0.3"], ["report", "--out", str(tmp_path / "out"),
                                                                  "--no-translate"]):
        ok(runner.invoke(app, [*args, "--index", str(ix)]))
    with db:
        db.execute("DELETE FROM migrations WHERE name = '0006_published_given'")
        db.execute("ALTER TABLE articles DROP COLUMN published_given")
    db.close()
    with Index.open(ix) as index:
        rows = index.store.db.execute("SELECT id, published, published_given FROM articles ORDER BY id").fetchall()
    assert rows == [("a1", None, "0001-01-01"), ("a2", None, "9999-12-31T23:59:59"),
                    ("a3", "2016-09-12T00:00:00", None)]


# -- remove ------------------------------------------------------------------------------------------
def test_remove_takes_articles_with_their_vectors_and_story_memberships(tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    records = [record(i) for i in range(1, 6)]
    records.append({**record(6), "id": "copy-of-a1", "text": records[0]["text"]})  # a duplicate of a1
    write_jsonl(tmp_path / "a.jsonl", records)
    ok(runner.invoke(app, ["ingest", str(tmp_path / "a.jsonl"), "--index", str(ix), "--model", "hash-test", "-q"]))
    ok(runner.invoke(app, ["stories", "--index", str(ix)]))
    with Index.open(ix, readonly=True) as index:
        rowids = {r[1]: r[0] for r in index.store.db.execute("SELECT rowid, id FROM articles")}
        sentences_of_a1 = index.store.sentence_rowids([rowids["a1"]])
        anchors_before = index.store.db.execute("SELECT sum(articles) FROM anchor_counts").fetchone()[0]
    result = runner.invoke(app, ["remove", "a1", "a2", "nope", "--index", str(ix)])
    ok(result)
    assert "removed 2 articles" in result.stdout and "nope" in result.stderr
    with Index.open(ix, readonly=True) as index:
        db = index.store.db
        assert sorted(r[0] for r in db.execute("SELECT id FROM articles")) == ["a3", "a4", "a5", "copy-of-a1"]
        assert db.execute("SELECT duplicate_of FROM articles WHERE id = 'copy-of-a1'").fetchone()[0] is None
        vector_ids = set(index.article_vectors.ids().tolist())
        assert rowids["a1"] not in vector_ids and rowids["a2"] not in vector_ids and len(vector_ids) == 4
        assert not set(sentences_of_a1) & set(index.sentence_vectors.ids().tolist())
        assert len(index.sentence_vectors) == db.execute("SELECT count(*) FROM sentences").fetchone()[0]
        members = {r[0] for r in db.execute("SELECT article_rowid FROM story_articles")}
        assert members == {rowids[i] for i in ("a3", "a4", "a5", "copy-of-a1")}
        assert db.execute("SELECT count(*) FROM stories WHERE id NOT IN "
                          "(SELECT story_id FROM story_articles)").fetchone()[0] == 0
        assert db.execute("SELECT sum(articles) FROM anchor_counts").fetchone()[0] < anchors_before
    ok(runner.invoke(app, ["check", "--index", str(ix)]))
    result = runner.invoke(app, ["remove", "nope", "--index", str(ix)])
    assert result.exit_code == 1 and "nope" in result.stderr and "Traceback" not in result.output


# -- 2. memory: what reaches the model is capped ---------------------------------------------------
def test_a_sentence_without_punctuation_is_cut_into_pieces_of_bounded_length() -> None:
    from crosscheck.limits import MAX_SENTENCE_CHARS
    from crosscheck.text.sentences import split_sentences

    text = "pipeline " * 30_000 + "x" * 5000  # 275,000 characters, no full stop; a 5,000-character word
    spans = split_sentences(text, "en")
    assert len(spans) > 200 and max(len(s.text) for s in spans) <= MAX_SENTENCE_CHARS
    assert "".join(s.text for s in spans).replace(" ", "") == text.replace(" ", "")  # nothing lost
    assert all(text[s.start:s.end] == s.text for s in spans)


def test_huge_fields_are_capped_with_a_warning_and_the_good_article_beside_is_embedded(tmp_path: Path) -> None:
    from crosscheck.index.embed import register
    from crosscheck.limits import MAX_ARTICLE_CHARS, MAX_OUTLET_CHARS, MAX_SENTENCE_CHARS, MAX_TITLE_CHARS

    from ..conftest import HashEmbedder

    longest: list[int] = []

    class Spy(HashEmbedder):
        model_id = "hash-spy"

        def embed_batch(self, texts):  # type: ignore[no-untyped-def]
            longest.append(max(len(t) for t in texts))
            return super().embed_batch(texts)

    register("hash-spy", lambda _arg: Spy())
    huge = ("word " * 400_000).strip()  # 1,999,999 characters, no punctuation
    records = [{"id": "huge", "outlet": "Evil" * 1000, "title": "T" * 50_000, "text": huge, "published": "2016-09-12"},
               record(1)]
    with Index.open(tmp_path / "ix", model="hash-spy", create=True) as ix:
        report = add_records(ix, records)
        assert report.added == 2 and report.embedded_articles == 2
        warnings = [str(p) for p in report.problems]
        assert any("1,999,999 characters" in w and f"{MAX_ARTICLE_CHARS:,}" in w for w in warnings), warnings
        assert any("title" in w for w in warnings) and any("outlet" in w for w in warnings), warnings
        assert max(longest) <= MAX_SENTENCE_CHARS
        stored = ix.store.article_by_id("huge")
        assert stored is not None and stored.text == huge  # the text is kept whole
        assert len(stored.title) <= MAX_TITLE_CHARS and len(stored.outlet) <= MAX_OUTLET_CHARS
        last = ix.store.db.execute("SELECT max(end) FROM sentences s JOIN articles a ON a.rowid = s.article_rowid "
                                   "WHERE a.id = 'huge'").fetchone()[0]
        assert last <= MAX_ARTICLE_CHARS
        assert search(ix, "gas pipeline Moscow", k=1)[0].article.id == "a1"


# -- 4. one bad record never costs the others ------------------------------------------------------
BAD_LINES = {
    "deep nesting": '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "huge integer": '{"id": "big", "text": "Some text.", "views": ' + "9" * 5000 + "}",
    "lone surrogate": '{"id": "sur", "text": "Broken \\ud800 text."}',
    "bad IPv6 URL": '{"url": "http://[::1", "text": "A text with a broken address."}',
}


@pytest.mark.parametrize("reason", sorted(BAD_LINES))
def test_one_bad_jsonl_line_is_reported_and_the_rest_of_the_file_is_kept(tmp_path: Path, reason: str) -> None:
    lines = [json.dumps(record(i)) for i in range(1, 4)] + [BAD_LINES[reason]] + \
            [json.dumps(record(i)) for i in range(4, 7)]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(path), "--index", str(tmp_path / "ix"), "--model", "hash-test", "-q"])
    ok(result)
    assert "ingested 6 new articles" in result.stdout and "1 skipped" in result.stdout
    assert f"{path}:4: " in result.stderr, result.stderr
    assert len([line for line in result.stderr.splitlines() if line.startswith(f"{path}:4:")]) == 1


def test_a_csv_field_over_the_csv_module_limit_costs_nothing_else(tmp_path: Path) -> None:
    import csv

    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "outlet", "title", "text"])
        writer.writerow(["c1", "TASS", "First", "A short text about gas."])
        writer.writerow(["c2", "TASS", "Long", "word " * 40_000])  # 200,000 characters
        writer.writerow(["c3", "TASS", "Third", "Another short text about grain."])
    result = runner.invoke(app, ["ingest", str(path), "--index", str(tmp_path / "ix"), "--model", "hash-test", "-q"])
    ok(result)
    assert "ingested 3 new articles" in result.stdout


def test_records_given_to_add_with_bad_values_are_problems_not_exceptions(tmp_index: Index) -> None:
    report = add_records(tmp_index, [
        {"id": "s", "text": "Lone \ud800 surrogate."}, {"url": "http://[::1", "text": "Bad address."},
        {"id": "t", "title": "T\udfff", "text": "ok"}, record(1), "not a mapping",  # type: ignore[list-item]
    ])
    assert report.added == 1 and report.skipped == 4, [str(p) for p in report.problems]
    assert tmp_index.store.article_by_id("a1") is not None


# -- 5. markup and terminal escapes in data ---------------------------------------------------------
EVIL_OUTLET = "Evil\x1b[2J\x1b]0;PWNED\x07 [bold]x[/]"


def test_rich_markup_and_terminal_escapes_in_data_are_printed_inert(tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    data = write_jsonl(tmp_path / "evil.jsonl", [
        record(1, title="[/] closing tag [bold]first", outlet=EVIL_OUTLET, published="[/]", camp="[/]"),
        record(2, title="Title with \x1b[31mred\x1b[0m and \x9b2J and a bell\x07", outlet="[/]"),
        record(3, id="[/]\x1b[2J", outlet="TASS")])
    runs = [["ingest", str(data), "--model", "hash-test", "-q"], ["query", "pipeline"],
            ["query", "pipeline", "--sentences"], ["stories"], ["stories", "--rebuild", "--threshold", "0.1"],
            ["info"], ["compare", "--articles", "a1,a2,[/]\x1b[2J", "--no-translate"],
            ["remove", "no\x1b[2Jsuch", "a2"], ["check"]]
    seen = ""
    for args in runs:
        result = runner.invoke(app, [*args, "--index", ix])
        assert result.exit_code == 0, (args, result.output)
        assert "Traceback" not in result.output and "MarkupError" not in result.output
        assert not any(ch in result.output for ch in "\x1b\x07\x9b"), (args, repr(result.output))
        seen += result.output
    assert "[/] closing tag [bold]first" in seen  # shown literally
    assert "Evil?[2J?]0;PWNED? [bold]x[/]" in seen


# -- 7. report links: the host shown is the host the browser goes to ---------------------------------
SPOOFS = ["http://evil.example\\@good.example/", "http://good.example@evil.example/",
          "http://user:pass@evil.example/", "https:\\\\evil.example\\path", "http:evil.example/x",
          "http:/\\evil.example/", "HTTP://Good.Example:8080/a\\b?q=\\x#f", "http://evil%2Eexample/",
          "http://0x7f.1/", "http://2130706433/", "http://127.0.0.1/ok", "http://gооgle.example/",
          "http://[::1]:8000/x", "http://evil.example#@good.example", "http://evil.example?@good.example/"]


def test_safe_url_refuses_credentials_and_reads_urls_as_the_browser_does() -> None:
    from crosscheck.present.html import safe_url

    assert safe_url("http://good.example@evil.example/") is None
    assert safe_url("http://user:pass@evil.example/") is None
    assert safe_url("http://evil.example\\@good.example/") == "http://evil.example/@good.example/"
    assert safe_url("https:\\\\evil.example\\path") == "https://evil.example/path"
    assert safe_url("http:evil.example/x") == "http://evil.example/x"
    assert safe_url("http://gооgle.example/") == "http://xn--ggle-55da.example/"  # Cyrillic о, shown as punycode
    assert safe_url("https://tass.ru/politika/1") == "https://tass.ru/politika/1"


def test_the_host_a_report_shows_is_the_host_chromium_opens(tab: object) -> None:
    from urllib.parse import urlsplit

    from crosscheck.present.html import safe_url

    page = tab.page  # type: ignore[attr-defined]
    for raw in SPOOFS:
        href = safe_url(raw)
        if href is None:
            continue
        shown = urlsplit(href).hostname
        page.set_content("<a id=l></a>")
        page.evaluate("h => document.getElementById('l').setAttribute('href', h)", raw)
        chromium_raw = page.evaluate("() => new URL(document.getElementById('l').href).hostname")
        page.evaluate("h => document.getElementById('l').setAttribute('href', h)", href)
        chromium_href = page.evaluate("() => new URL(document.getElementById('l').href).hostname")
        assert shown == chromium_href.strip("[]") == chromium_raw.strip("[]"), (raw, href, shown, chromium_raw)


# -- 6. damaged indexes and bad files: one line each, no traceback -----------------------------------
def _built(tmp_path: Path) -> Path:
    ix = tmp_path / "ix"
    write_jsonl(tmp_path / "a.jsonl", [record(i) for i in range(1, 6)])
    ok(runner.invoke(app, ["ingest", str(tmp_path / "a.jsonl"), "--index", str(ix), "--model", "hash-test", "-q"]))
    return ix


def one_line_error(result: object, *words: str) -> None:
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    lines = [line for line in result.stderr.splitlines() if line.strip()]  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in result.output and all(w in lines[0] for w in words), lines  # type: ignore[attr-defined]


def test_a_garbage_vector_file_is_named_and_check_repair_rebuilds_it(tmp_path: Path) -> None:
    from crosscheck.index.paths import ARTICLE_VECTORS, SENTENCE_VECTORS

    ix = _built(tmp_path)
    (ix / SENTENCE_VECTORS).write_bytes(b"\x00garbage" * 100)
    one_line_error(runner.invoke(app, ["query", "gas", "--sentences", "--index", str(ix)]),
                   SENTENCE_VECTORS, "crosscheck check --repair")
    result = runner.invoke(app, ["check", "--index", str(ix)])
    assert result.exit_code == 1 and SENTENCE_VECTORS in result.stdout and "Traceback" not in result.output
    result = runner.invoke(app, ["check", "--repair", "--index", str(ix)])
    ok(result)
    assert "embedded 5 articles" in result.stdout
    (ix / ARTICLE_VECTORS).write_bytes(b"junk")
    ok(runner.invoke(app, ["ingest", str(tmp_path / "a.jsonl"), "--index", str(ix), "-q"]))  # a writer rebuilds
    with Index.open(ix, readonly=True) as index:
        assert len(index.article_vectors) == 5 and len(index.sentence_vectors) == 10
        assert sorted(index.sentence_vectors.ids().tolist()) == sorted(
            r[0] for r in index.store.db.execute("SELECT rowid FROM sentences"))  # no sentence twice


def test_a_lost_article_file_does_not_double_the_sentence_vectors(tmp_path: Path) -> None:
    from crosscheck.index.paths import ARTICLE_VECTORS

    ix = _built(tmp_path)
    (ix / ARTICLE_VECTORS).unlink()
    ok(runner.invoke(app, ["stories", "--index", str(ix)]))
    with Index.open(ix, readonly=True) as index:
        ids = index.sentence_vectors.ids().tolist()
        assert len(ids) == len(set(ids)) == 10 and len(index.article_vectors) == 5


def test_a_truncated_database_is_one_line(tmp_path: Path) -> None:
    ix = _built(tmp_path)
    db = ix / DB_NAME
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    for args in (["info"], ["query", "gas"], ["stories"], ["check"]):
        result = runner.invoke(app, [*args, "--index", str(ix)])
        assert result.exit_code == 1, (args, result.output)
        assert "Traceback" not in result.output and "damaged" in result.output, (args, result.output)


def test_a_full_disk_is_one_line_and_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import faiss

    ix = _built(tmp_path)

    def full(index: object, name: str) -> None:
        Path(name).write_bytes(b"partial")
        raise RuntimeError(f"Error in faiss::FileIOWriter: {errno.ENOSPC} No space left on device")

    monkeypatch.setattr(faiss, "write_index", full)
    write_jsonl(tmp_path / "b.jsonl", [record(9)])
    one_line_error(runner.invoke(app, ["ingest", str(tmp_path / "b.jsonl"), "--index", str(ix), "-q"]),
                   "No space left on device")
    assert not [p.name for p in ix.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.undo()
    ok(runner.invoke(app, ["check", "--repair", "--index", str(ix)]))  # the stored article gets embedded


@pytest.mark.parametrize("entry, words", [
    ({"Evil": {"camp": "ru", "domains": 5}}, ["Evil", "domains"]),
    ({"Evil": {"camp": "ru", "country": {"a": 1}}}, ["Evil", "country"]),
    ({"Evil": {"camp": "ru", "aliases": [5]}}, ["Evil", "aliases"]),
    ({"Evil": {"camp": ["ru"]}}, ["Evil", "camp"]),
    ({"Evil": {"camp": "ru", "domain": 7}}, ["Evil", "domain"]),
])
def test_a_bad_outlets_entry_is_named(tmp_path: Path, entry: dict[str, object], words: list[str]) -> None:
    outlets = tmp_path / "outlets.json"
    outlets.write_text(json.dumps(entry), encoding="utf-8")
    write_jsonl(tmp_path / "a.jsonl", [record(1)])
    result = runner.invoke(app, ["ingest", str(tmp_path / "a.jsonl"), "--outlets", str(outlets),
                                 "--index", str(tmp_path / "ix"), "--model", "hash-test", "-q"])
    one_line_error(result, str(outlets), *words)


# -- 8. revisions, and a query before re-embedding has ended ------------------------------------------
def test_a_different_text_under_a_stored_id_or_url_is_a_new_revision(tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    first = write_jsonl(tmp_path / "1.jsonl", [record(1), {"url": "https://tass.ru/x", "outlet": "TASS",
                                                           "title": "Old", "text": "The old text of the page."}])
    ok(runner.invoke(app, ["ingest", str(first), "--index", ix, "--model", "hash-test", "-q"]))
    second = write_jsonl(tmp_path / "2.jsonl", [
        record(1, text="A corrected text: the ministers met on Tuesday."),
        {"url": "https://tass.ru/x", "outlet": "TASS", "title": "New", "text": "The updated text of the page."},
        record(1)])  # the first text again: unchanged
    result = runner.invoke(app, ["ingest", str(second), "--index", ix, "-q"])
    ok(result)
    assert "2 new revisions" in result.stdout and "1 unchanged" in result.stdout, result.stdout
    result = runner.invoke(app, ["ingest", str(second), "--index", ix, "-q", "--json"])
    data = json.loads(result.stdout)
    assert data["unchanged"] == 3 and data["revisions"] == 0 and data["added"] == 0
    with Index.open(Path(ix), readonly=True) as index:
        texts = {r[0]: r[1] for r in index.store.db.execute("SELECT id, text FROM articles")}
    assert texts["a1"].startswith("Energy ministers") and texts["a1@r2"].startswith("A corrected text")
    revised = [i for i in texts if i.endswith("@r2") and i != "a1@r2"]
    assert len(revised) == 1 and texts[revised[0]] == "The updated text of the page."


def test_a_record_without_id_at_a_stored_url_is_a_revision_of_the_article_there(tmp_path: Path) -> None:
    # the first record gave the page an id of its own; a later one (a fetched page, a feed item) has
    # only the URL: README's "a different text under an id or URL already stored" (a new article
    # with an id derived from the URL before)
    ix = str(tmp_path / "ix")
    page = {"url": "https://tass.ru/sorokin", "outlet": "TASS", "title": "Sorokin"}
    first = write_jsonl(tmp_path / "1.jsonl", [{**page, "id": "tass-sorokin", "text": "The first text of the page."}])
    ok(runner.invoke(app, ["ingest", str(first), "--index", ix, "--model", "hash-test", "-q"]))
    second = write_jsonl(tmp_path / "2.jsonl", [{**page, "text": "The updated text of the page."},
                                                {**page, "text": "The first text of the page."}])
    result = runner.invoke(app, ["ingest", str(second), "--index", ix, "-q", "--json"])
    ok(result)
    data = json.loads(result.stdout)
    assert data["revisions"] == 1 and data["unchanged"] == 1 and data["added"] == 1, data
    with Index.open(Path(ix), readonly=True) as index:
        ids = [r[0] for r in index.store.db.execute("SELECT id FROM articles ORDER BY rowid")]
    assert ids == ["tass-sorokin", "tass-sorokin@r2"]


def test_a_record_with_an_id_and_an_unreadable_url_is_stored(tmp_path: Path) -> None:
    # found by the fuzz test of the readers: the lookup of a stored URL parsed "http://[::1" and raised
    corpus = write_jsonl(tmp_path / "a.jsonl", [{"id": "good-0", "text": "Ships sailed on.", "url": "http://[::1"}])
    result = runner.invoke(app, ["ingest", str(corpus), "--index", str(tmp_path / "ix"), "--model", "hash-test",
                                 "-q", "--json"])
    ok(result)
    assert json.loads(result.stdout)["added"] == 1


def test_query_says_how_many_articles_are_not_embedded_yet(tmp_path: Path) -> None:
    ix = _built(tmp_path)
    db = sqlite3.connect(ix / DB_NAME)
    with db:  # as after a crash: rows stored, not embedded
        db.execute("UPDATE articles SET embedded = 0")
    db.close()
    from crosscheck.index.paths import ARTICLE_VECTORS, SENTENCE_VECTORS
    (ix / ARTICLE_VECTORS).unlink()
    (ix / SENTENCE_VECTORS).unlink()
    result = runner.invoke(app, ["query", "gas pipeline", "--index", str(ix)])
    assert result.exit_code == 0
    assert "no results" in result.stdout and "5 articles are not embedded yet" in result.stderr
    assert "crosscheck check --repair" in result.stderr
