"""Outlet names with invisible characters (issue 24, item 5): "T\\u200bASS" in an outlets file
must not take over TASS. Names are matched after NFKC and without format characters, and an
entry that meets another once normalised is named in a warning. Real files, the real samples,
a real index (the test embedder)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from crosscheck import Index, OutletDirectory
from crosscheck.ingest.writer import ingest_paths
from crosscheck.sources.outlets import clean_name, normalise_name

from ..conftest import SAMPLES


def outlets_file(tmp_path: Path, entries: dict[str, dict[str, object]]) -> Path:
    path = tmp_path / "outlets.json"
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    return path


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING and r.name == "crosscheck"]


@pytest.mark.parametrize("disguised", ["T\u200bASS", "TA\u200dSS", "\u202eTASS", "ＴＡＳＳ", "T\u00adASS"])
def test_a_disguised_name_in_an_outlets_file_does_not_take_over_tass(tmp_path: Path, disguised: str,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    """The issue's case, on the samples: the TASS article stays Russian, and the entry is named."""
    path = outlets_file(tmp_path, {disguised: {"camp": "west", "domain": "tass.ru"}})
    caplog.set_level(logging.WARNING, logger="crosscheck")
    directory = OutletDirectory.with_file(path)
    said = warnings(caplog)
    assert len(said) == 1 and str(path) in said[0] and "'TASS'" in said[0] and "left out" in said[0], said
    assert ascii(disguised) in said[0]  # the invisible character is shown, escaped
    with Index.open(tmp_path / "ix", model="hash-test", create=True) as ix:
        report = ingest_paths(ix, [SAMPLES / "articles.jsonl"], directory)
        assert report.added >= 15
        tass = ix.store.article_by_id("tass-intel-ru")
    assert tass is not None and (tass.outlet, tass.camp) == ("TASS", "ru")
    assert directory.lookup(None, "https://tass.ru/x").camp == "ru"  # type: ignore[union-attr]


def test_a_plain_override_still_overrides_and_a_new_outlet_gets_its_clean_name(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="crosscheck")
    directory = OutletDirectory.with_file(outlets_file(tmp_path, {
        "TASS": {"camp": "unknown", "domain": "tass.ru"},              # the documented override: silent
        "Medu\u200bza\u202e": {"camp": "west", "domain": "meduza.io"},  # new: kept as "Meduza"
    }))
    assert warnings(caplog) == []
    assert directory.lookup("TASS").camp == "unknown"  # type: ignore[union-attr]
    meduza = directory.lookup("meduza")
    assert meduza is not None and meduza.name == "Meduza" and meduza.camp == "west"
    assert directory.lookup(None, "https://meduza.io/feature/1") is meduza


def test_entries_that_collide_once_normalised_are_named(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="crosscheck")
    path = outlets_file(tmp_path, {
        "Meduza": {"camp": "west"},
        "MEDUZA": {"camp": "ru"},                                  # a plain name: replaces, and is named
        "Medu\u200bza": {"camp": "tr"},                            # disguised: left out, and named
        "Echo": {"camp": "west", "aliases": ["T\u200bASS", "Ekho"]},  # a disguised alias: dropped, named
    })
    directory = OutletDirectory.with_file(path)
    said = warnings(caplog)
    assert len(said) == 3, said
    assert "'MEDUZA' is 'Meduza'" in said[0] and "replaces" in said[0]
    assert ascii("Medu\u200bza") in said[1] and "left out" in said[1]
    assert ascii("T\u200bASS") in said[2] and "alias" in said[2] and "'TASS'" in said[2]
    assert directory.lookup("meduza").camp == "ru"  # type: ignore[union-attr]
    assert directory.lookup("TASS").name == "TASS" and directory.lookup("ekho").name == "Echo"  # type: ignore[union-attr]


def test_names_are_compared_after_nfkc_without_format_characters() -> None:
    assert clean_name("  T\u200bA\u2060S\u00adS \u202e ") == "TASS"
    assert clean_name("ＴＡＳＳ") == "TASS" and clean_name("Anadolu  Ajansı") == "Anadolu Ajansı"
    for name in ("T\u200bASS", "ＴＡＳＳ", "tass", "T A S S", "\u202eTASS\u202c"):
        assert normalise_name(name) == normalise_name("TASS"), name
    assert normalise_name("ТАСС") != normalise_name("TASS")  # scripts are kept apart
    directory = OutletDirectory()
    assert directory.lookup("T\u200bASS").name == "TASS"  # type: ignore[union-attr]  # an article's own name
