"""Ingest: formats, ids, duplicates, bad input, outlets and camps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crosscheck import Index, OutletDirectory
from crosscheck.errors import OutletsFileError
from crosscheck.ingest.writer import ingest_paths

RU = ("Россия начала обмен разведывательными данными с турецкой армией, сообщил сенатор. "
      "По его словам, Турция присоединилась к пулу по обмену разведданными.")
TR = ("Rusya, Türk ordusu ile istihbarat paylaşmaya başladı. Rus senatör, Türkiye'nin "
      "istihbarat havuzuna katıldığını söyledi.")
EN = ("Russia has begun exchanging intelligence with the Turkish army, a senator said. "
      "Turkey joined the intelligence sharing pool, he added.")


def write_jsonl(path: Path, lines: list[object]) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)
                              for x in lines) + "\n", encoding="utf-8")
    return path


def article(**kw: str) -> dict[str, str]:
    base = {"url": "https://tass.ru/politika/1", "outlet": "TASS", "title": "Разведданные",
            "text": RU, "published": "2016-09-12T10:00:00+03:00"}
    base.update(kw)
    return base


def test_bad_jsonl_lines_are_reported_and_good_ones_kept(tmp_index: Index, tmp_path: Path) -> None:
    f = write_jsonl(tmp_path / "in.jsonl", [
        article(),
        '{"url": "https://x", "text": ',                      # line 2: broken JSON
        article(url="https://tass.ru/2", text=""),            # line 3: empty text
        "[1, 2]",                                             # line 4: not an object
        article(url="https://aa.com.tr/3", outlet="Anadolu Ajansı", text=TR),
    ])
    report = ingest_paths(tmp_index, [f])
    assert report.added == 2
    assert report.skipped == 3
    where = [p.where for p in report.problems]
    assert where == [f"{f}:2", f"{f}:3", f"{f}:4"]
    assert "broken JSON" in report.problems[0].reason
    assert tmp_index.store.totals()["articles"] == 2
    assert len(tmp_index.article_vectors) == 2


def test_reingest_changes_nothing(tmp_index: Index, tmp_path: Path) -> None:
    f = write_jsonl(tmp_path / "in.jsonl", [article(), article(url="https://aa.com.tr/3", text=TR)])
    first = ingest_paths(tmp_index, [f])
    db_before = tmp_index.store.db.execute("SELECT * FROM articles ORDER BY rowid").fetchall()
    sentences_before = tmp_index.store.totals()["sentences"]
    again = ingest_paths(tmp_index, [f])
    assert (first.added, again.added, again.unchanged) == (2, 0, 2)
    assert again.embedded_articles == 0
    after = tmp_index.store.db.execute("SELECT * FROM articles ORDER BY rowid").fetchall()
    assert after == db_before
    assert tmp_index.store.totals()["sentences"] == sentences_before
    assert len(tmp_index.article_vectors) == 2


def test_same_text_under_another_url_is_a_linked_duplicate(tmp_index: Index, tmp_path: Path) -> None:
    f = write_jsonl(tmp_path / "in.jsonl", [
        article(id="orig"),
        article(id="copy", url="https://ria.ru/copy", outlet="RIA Novosti", text="  " + RU.upper() + " "),
    ])
    report = ingest_paths(tmp_index, [f])
    assert (report.added, report.duplicates) == (2, 1)
    copy = tmp_index.store.article_by_id("copy")
    assert copy is not None and copy.duplicate_of == "orig" and copy.outlet == "RIA Novosti"


def test_ids_from_record_url_or_content(tmp_index: Index, tmp_path: Path) -> None:
    f = write_jsonl(tmp_path / "in.jsonl", [
        article(id="given"),
        article(url="https://www.tass.ru/b/", text=EN),
        {"title": "No URL", "text": TR},
    ])
    ingest_paths(tmp_index, [f])
    ids = [a.id for a in tmp_index.store.iter_articles()]
    assert ids[0] == "given"
    assert ids[1].startswith("tass.ru-")
    assert ids[2].startswith("text-")
    # the same URL written differently gives the same id
    g = write_jsonl(tmp_path / "again.jsonl", [article(url="https://tass.ru/b", text=EN)])
    assert ingest_paths(tmp_index, [g]).unchanged == 1


def test_csv_txt_and_html_inputs(tmp_index: Index, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.csv").write_text(
        "url,outlet,title,text,published\n"
        f'https://hurriyet.com.tr/1,Hürriyet,"Başlık, virgüllü","{TR}",2016-09-13\n', encoding="utf-8")
    (folder / "sub" / "b.txt").write_text(f"Intelligence pool\n\n{EN}\n", encoding="utf-8")
    (folder / "c.html").write_text(
        "<html><head><title>Intel | The Guardian</title>"
        '<link rel="canonical" href="https://www.theguardian.com/world/intel"></head><body>'
        "<nav>Home World Sport</nav><article><h1>Russia shares intelligence with Turkey</h1>"
        + "".join(f"<p>{EN} Paragraph {i} adds more context about the talks in Moscow.</p>" for i in range(4))
        + "</article><footer>Subscribe</footer></body></html>", encoding="utf-8")
    (folder / "notes.md").write_text("ignored", encoding="utf-8")
    report = ingest_paths(tmp_index, [folder])
    assert report.added == 3, report.problems
    by_title = {a.title: a for a in tmp_index.store.iter_articles()}
    assert by_title["Başlık, virgüllü"].camp == "tr"
    assert by_title["Intelligence pool"].text.startswith("Russia has begun")
    html = next(a for a in by_title.values() if a.url and "theguardian" in a.url)
    assert html.camp == "west" and "Paragraph 3" in html.text and "Home World Sport" not in html.text


def test_unreadable_and_non_utf8_files_are_reported(tmp_index: Index, tmp_path: Path) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", [article()])
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(json.dumps({"title": "x", "text": "café"}, ensure_ascii=False).encode("latin-1"))
    (tmp_path / "x.docx").write_bytes(b"PK")
    report = ingest_paths(tmp_index, [good, latin, tmp_path / "missing.jsonl", tmp_path / "x.docx"])
    assert report.added == 1
    reasons = " | ".join(str(p) for p in report.problems)
    assert "not UTF-8" in reasons and "no such file" in reasons and "unsupported file type .docx" in reasons


def test_outlets_by_name_alias_accent_and_domain() -> None:
    d = OutletDirectory()
    assert d.lookup("hurriyet").name == "Hürriyet"  # type: ignore[union-attr]
    assert d.lookup("ANADOLU AJANSI").camp == "tr"  # type: ignore[union-attr]
    assert d.lookup("ТАСС").name == "TASS"  # type: ignore[union-attr]
    assert d.lookup(None, "https://www.reuters.com/world/x").name == "Reuters"  # type: ignore[union-attr]
    assert d.lookup("Some Blog", "https://en.aa.com.tr/x").name == "Anadolu Ajansı"  # type: ignore[union-attr]
    assert d.lookup("Some Blog", "https://blog.example.org") is None
    names = {o.name for o in d}
    for required in ("TASS", "RIA Novosti", "RT", "Sputnik", "Izvestia", "Interfax", "Kommersant",
                     "Anadolu Ajansı", "TRT Haber", "Hürriyet", "Sabah", "Daily Sabah", "Yeni Şafak",
                     "Milliyet", "Cumhuriyet", "Reuters", "AP", "AFP", "BBC News", "The Guardian",
                     "The New York Times", "AMN"):
        assert required in names


def test_outlets_file_overrides_and_record_camp_wins(tmp_index: Index, tmp_path: Path) -> None:
    outlets = tmp_path / "outlets.json"
    outlets.write_text(json.dumps({
        "Meduza": {"camp": "west", "country": "LV", "domain": "meduza.io"},
        "TASS": {"camp": "unknown", "country": "RU", "domain": "tass.ru"},
    }), encoding="utf-8")
    f = write_jsonl(tmp_path / "in.jsonl", [
        article(id="m", outlet="", url="https://meduza.io/news/1"),
        article(id="t"),
        article(id="own", url="https://tass.ru/9", camp="ru", text=EN),
        article(id="nobody", outlet="Nowhere Gazette", url="https://nowhere.example/1", text=TR),
    ])
    report = ingest_paths(tmp_index, [f], OutletDirectory.with_file(outlets))
    camps = {a.id: (a.outlet, a.camp, a.country) for a in tmp_index.store.iter_articles()}
    assert camps["m"] == ("Meduza", "west", "LV")
    assert camps["t"] == ("TASS", "unknown", "RU")
    assert camps["own"][1] == "ru"
    assert camps["nobody"] == ("Nowhere Gazette", "unknown", None)
    assert report.unknown_outlets == ["Nowhere Gazette"]
    # the index remembers the outlets file, for comparing stories later without it
    later = OutletDirectory.including(tmp_index.store.outlets())
    assert later.lookup("Meduza").camp == "west"  # type: ignore[union-attr]
    assert later.lookup("TASS").camp == "unknown"  # type: ignore[union-attr]
    assert later.lookup("Reuters").camp == "west"  # type: ignore[union-attr]


def test_bad_outlets_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "o.toml"
    bad.write_text('["X"]\ncamp = "martian"\n', encoding="utf-8")
    with pytest.raises(OutletsFileError, match="camp 'martian'"):
        OutletDirectory.with_file(bad)
    with pytest.raises(OutletsFileError, match="cannot read"):
        OutletDirectory.with_file(tmp_path / "none.toml")


def test_a_bad_encoding_on_one_line_keeps_the_other_lines(tmp_index: Index, tmp_path: Path) -> None:
    f = tmp_path / "mixed.jsonl"
    f.write_bytes(json.dumps(article(id="good1"), ensure_ascii=False).encode("utf-8") + b"\n"
                  + json.dumps({"id": "bad", "title": "x", "text": "café"}, ensure_ascii=False).encode("latin-1")
                  + b"\n" + json.dumps(article(id="good2", text=TR), ensure_ascii=False).encode("utf-8") + b"\n")
    report = ingest_paths(tmp_index, [f])
    assert report.added == 2 and report.skipped == 1
    assert str(report.problems[0]).startswith(f"{f}:2: not UTF-8")
