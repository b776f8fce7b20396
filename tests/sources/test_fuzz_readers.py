"""Property-based fuzzing of the readers (hypothesis, bounded): broken records next to good ones.

Properties: nothing raises out of `Index.ingest`; every well-formed record is stored, whatever
broken lines surround it; every broken line is reported once, as `file:line: reason`.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosscheck import Index
from crosscheck.ingest.writer import ingest_paths

# bounded: each example builds an index; this keeps the file to a few seconds
FUZZ = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                derandomize=True)

valid_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=0, max_size=80)
words = st.text(st.characters(whitelist_categories=("Ll", "Lu", "Nd")), min_size=1, max_size=12)
dates = st.one_of(st.none(), st.just("2016-09-12"), st.just("0001-01-01"), st.just("9999-12-31T23:59:59"),
                  st.just("[/]"), valid_text)


@st.composite
def good_record(draw: st.DrawFn, number: int) -> dict[str, object]:
    text = " ".join(draw(st.lists(words, min_size=1, max_size=12))) + f" {number}."
    rec: dict[str, object] = {"id": f"good-{number}", "text": text}
    for key, values in (("title", valid_text), ("outlet", valid_text), ("published", dates),
                        ("url", st.one_of(st.none(), st.just("https://tass.ru/x"), st.just("http://[::1"),
                                          valid_text)),
                        ("camp", st.one_of(st.none(), st.just("ru"), st.just("[/]"), valid_text)),
                        ("language", st.one_of(st.none(), st.just("en"), valid_text))):
        if draw(st.booleans()):
            rec[key] = draw(values)
    return rec


BROKEN = st.one_of(
    st.just('{"text": ' + "[" * 5000 + "]" * 5000 + "}"),                       # nested too deeply
    st.just('{"text": "x", "n": ' + "7" * 4400 + "}"),                         # integer too long
    st.just('{"text": "lone \\ud800 surrogate"}'),                              # not valid Unicode
    st.just('{"text": "no id", "url": "http://[::1"}').map(lambda s: s),     # a URL urllib refuses
    st.just('{"text": ""}'), st.just("[1, 2]"), st.just("null"), st.just('"text"'),
    st.just('{"title": "no text"}'),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
            min_size=1, max_size=40).filter(lambda s: s.strip() and not _is_json(s)),
)


def _is_json(line: str) -> bool:
    try:
        json.loads(line)
    except (ValueError, RecursionError):
        return False
    return True


@st.composite
def jsonl_file(draw: st.DrawFn) -> tuple[list[str], set[str], set[int]]:
    """Lines of a JSONL file, the ids of its good records, and the line numbers of broken ones."""
    lines: list[str] = []
    good: set[str] = set()
    broken: set[int] = set()
    for number in range(draw(st.integers(1, 12))):
        if draw(st.booleans()):
            rec = draw(good_record(number))
            lines.append(json.dumps(rec, ensure_ascii=draw(st.booleans())))
            good.add(str(rec["id"]))
        else:
            lines.append(draw(BROKEN))
            broken.add(len(lines))
    return lines, good, broken


def _ingest(files: dict[str, bytes]) -> tuple[Index, object, Path]:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    for name, data in files.items():
        (folder / name).write_bytes(data)
    ix = Index.open(folder / "ix", model="hash-test", create=True)
    return ix, ingest_paths(ix, [folder / name for name in files]), folder


@FUZZ
@given(jsonl_file())
def test_jsonl_no_good_record_lost_next_to_a_broken_one(case: tuple[list[str], set[str], set[int]]) -> None:
    lines, good, broken = case
    ix, report, folder = _ingest({"in.jsonl": ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")})
    try:
        stored = {r[0] for r in ix.store.db.execute("SELECT id FROM articles")}
        assert good <= stored, ([str(p) for p in report.problems], good - stored)  # type: ignore[attr-defined]
        skipped = [p for p in report.problems if p.skipped]  # type: ignore[attr-defined]
        where = sorted(int(p.where.rsplit(":", 1)[1]) for p in skipped)
        assert where == sorted(broken), [str(p) for p in skipped]
        assert ix.store.count_unembedded() == 0
    finally:
        ix.close()
        shutil.rmtree(folder)


@st.composite
def csv_file(draw: st.DrawFn) -> tuple[str, set[str]]:
    """A CSV file: good rows (some with a cell over the csv module's default limit) and rows with
    too many cells or no text, and the ids of the good rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "title", "text", "published", "outlet"])
    good: set[str] = set()
    for number in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["good", "long", "extra", "empty"]))
        if kind == "extra":
            writer.writerow([f"x{number}", "t", "text", "2016", "o", "one cell too many"])
            continue
        if kind == "empty":
            writer.writerow([f"e{number}", "t", "", "", ""])
            continue
        text = " ".join(draw(st.lists(words, min_size=1, max_size=8))) + f" {number}."
        if kind == "long":
            text += " filler" * 30_000  # over 131,072 characters
        writer.writerow([f"good-{number}", draw(valid_text).replace("\x00", ""), text, draw(dates) or "",
                         draw(valid_text).replace("\x00", "")])
        good.add(f"good-{number}")
    return buffer.getvalue(), good


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(csv_file())
def test_csv_no_good_row_lost(case: tuple[str, set[str]]) -> None:
    content, good = case
    ix, report, folder = _ingest({"in.csv": content.encode("utf-8")})
    try:
        stored = {r[0] for r in ix.store.db.execute("SELECT id FROM articles")}
        assert good <= stored, [str(p) for p in report.problems]  # type: ignore[attr-defined]
    finally:
        ix.close()
        shutil.rmtree(folder)
