"""Writes stay in their folder (issue 24, item 3): `report --out`, `compare --html` and the index's
vector files write through temporary files of their own, created exclusively, and never through
a symlink planted where they write. Real files and real symlinks in a temporary folder; the
commands run in-process."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from crosscheck import Index
from crosscheck.cli import app
from crosscheck.errors import IndexWriteFailed, ReportWriteFailed
from crosscheck.index.paths import ARTICLE_VECTORS
from crosscheck.index.vectors import VectorIndex
from crosscheck.ingest.writer import add_records
from crosscheck.present.html import write_page
from crosscheck.present.report import write_reports
from crosscheck.stories.catalog import list_stories

runner = CliRunner()

ARTICLES = [{"id": f"x{i}", "outlet": outlet, "published": f"2016-09-12T1{i}:00:00+00:00",
             "title": "Turkey and Russia share military intelligence in Syria",
             "text": "Turkey and Russia began sharing military intelligence about northern Syria on Monday, "
                     f"officials said. Turkish forces took {12 + i} villages since the operation began, the "
                     "military said."}
            for i, outlet in enumerate(["TASS", "BBC News", "Anadolu Ajansı"])]


def one_story(ix: Index, story_id: str) -> None:
    """Every article of `ix` in one story, formed by hand (not by clustering): for the tests of
    what is done with a story once it exists."""
    with ix.writing():
        ix.store.assign(story_id, sorted(ix.store.rowids("articles")), new=True)
        ix.store.commit()


@pytest.fixture(scope="module")
def story_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """An index (the test embedder) with one story of three articles; yields (folder, story id)."""
    folder = tmp_path_factory.mktemp("safe") / "ix"
    with Index.open(folder, model="hash-test", create=True) as ix:
        add_records(ix, ARTICLES)
        one_story(ix, "160912-one-story")  # formed by hand: these tests are about the pages
        stories = list_stories(ix)
    assert len(stories) == 1, stories
    yield folder, stories[0].id


class Victims:
    """Files outside the output folder, each the target of a symlink planted inside it."""

    def __init__(self, outside: Path) -> None:
        outside.mkdir()
        self.folder = outside
        self.files: dict[Path, tuple[bytes, int]] = {}

    def plant(self, link: Path) -> None:
        victim = self.folder / f"victim-{len(self.files)}.txt"
        victim.write_bytes(f"precious {len(self.files)}\n".encode())
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(victim)
        self.files[victim] = (victim.read_bytes(), victim.stat().st_mtime_ns)

    def untouched(self) -> None:
        for victim, (data, mtime) in self.files.items():
            assert victim.read_bytes() == data and victim.stat().st_mtime_ns == mtime, victim
        assert sorted(p.name for p in self.folder.iterdir()) == sorted(v.name for v in self.files)


def _page(path: Path) -> str:
    assert path.is_file() and not path.is_symlink(), path
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>"), text[:80]
    return text


def test_report_out_never_writes_through_planted_symlinks(story_index: tuple[Path, str], tmp_path: Path) -> None:
    folder, story_id = story_index
    out, victims = tmp_path / "out", Victims(tmp_path / "outside")
    for name in ("index.html.tmp", "index.html", f"{story_id}.html", f"{story_id}.html.tmp"):
        victims.plant(out / name)  # the names the report writes, and the temp names it once used
    with Index.open(folder, readonly=True) as ix:
        written = write_reports(ix, out, generated_at="now")
    victims.untouched()
    assert [p.name for p in written] == ["index.html", f"{story_id}.html"]
    assert f'href="{story_id}.html"' in _page(out / "index.html")
    assert "Turkey and Russia" in _page(out / f"{story_id}.html")
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no temp file left behind
    # the same through the command
    result = runner.invoke(app, ["report", "--out", str(out), "--index", str(folder), "--no-translate"])
    assert result.exit_code == 0, result.output
    victims.untouched()
    _page(out / "index.html")


def test_compare_html_never_writes_through_a_planted_symlink(story_index: tuple[Path, str], tmp_path: Path) -> None:
    folder, story_id = story_index
    out, victims = tmp_path / "out", Victims(tmp_path / "outside")
    victims.plant(out / "story.html")
    victims.plant(out / "story.html.tmp")
    result = runner.invoke(app, ["compare", story_id, "--html", str(out / "story.html"), "--index", str(folder),
                                 "--no-translate", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["story"]["id"] == story_id
    victims.untouched()
    assert "Turkey and Russia" in _page(out / "story.html")


def test_a_folder_in_the_way_of_a_page_is_one_line(story_index: tuple[Path, str], tmp_path: Path) -> None:
    folder, _ = story_index
    (tmp_path / "out" / "index.html").mkdir(parents=True)
    result = runner.invoke(app, ["report", "--out", str(tmp_path / "out"), "--index", str(folder), "--no-translate"])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: could not write") and "index.html" in lines[0], lines
    assert "Traceback" not in result.output
    with pytest.raises(ReportWriteFailed, match="index.html"):
        write_page(tmp_path / "out" / "index.html", "<!DOCTYPE html>")


def test_a_page_swapped_for_a_symlink_while_written_is_not_installed(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process replacing the page's temporary file by a symlink while it is written:
    the symlink is removed, never renamed into place, and its target is untouched."""
    victims = Victims(tmp_path / "outside")
    victims.plant(tmp_path / "decoy")
    decoy_target = os.readlink(tmp_path / "decoy")
    real_fdopen = os.fdopen

    def swapping_fdopen(fd: int, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        for tmp in tmp_path.glob(".page.html.*.tmp"):
            tmp.unlink()
            tmp.symlink_to(decoy_target)
        return real_fdopen(fd, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "fdopen", swapping_fdopen)
    with pytest.raises(ReportWriteFailed, match="replaced while it was written"):
        write_page(tmp_path / "page.html", "<!DOCTYPE html>new")
    monkeypatch.undo()
    victims.untouched()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["decoy", "outside"]


def test_vector_temp_file_swapped_for_a_symlink_is_never_installed(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The vector file's temp file replaced by a symlink after faiss wrote it (another process
    in the folder): the save fails with one clear error, the vector file stays the old one, a
    regular file, and the symlink's target is untouched."""
    import faiss

    victims = Victims(tmp_path / "outside")
    victims.plant(tmp_path / "decoy")
    target = os.readlink(tmp_path / "decoy")
    (tmp_path / "decoy").unlink()
    vectors = VectorIndex(tmp_path / ARTICLE_VECTORS, 4)
    vectors.add([1], np.eye(4, dtype=np.float32)[:1])
    vectors.save()
    before = (tmp_path / ARTICLE_VECTORS).read_bytes()
    real_write = faiss.write_index

    def write_then_swap(index: object, name: str) -> None:
        real_write(index, name)
        os.unlink(name)
        os.symlink(target, name)

    monkeypatch.setattr(faiss, "write_index", write_then_swap)
    vectors.add([2], np.eye(4, dtype=np.float32)[1:2])
    with pytest.raises(IndexWriteFailed, match="replaced while it was written"):
        vectors.save()
    monkeypatch.undo()
    victims.untouched()
    path = tmp_path / ARTICLE_VECTORS
    assert path.is_file() and not path.is_symlink() and path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [ARTICLE_VECTORS, "outside"]
    vectors.save()  # the next save, undisturbed, writes both vectors
    assert len(VectorIndex(path, 4, readonly=True)) == 2
