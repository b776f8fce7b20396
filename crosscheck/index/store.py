"""The SQLite half of an index: articles, sentences, outlets and metadata, with named migrations."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..errors import CrosscheckError, IndexDamaged, IndexReadOnly, IndexWriteFailed
from ..records import Article, Feed, Outlet, utc_sort_key

__all__ = ["Store", "MIGRATIONS", "database_error", "database_state", "copy_database", "salvage_database",
           "Salvage", "CROSSCHECK_TABLES"]

log = logging.getLogger("crosscheck")

def _record_missing_anchors(db: sqlite3.Connection) -> None:
    """Record the anchors of every article that has none (an index made before anchors, or whose
    anchors 0007 cleared), as ingest records them for new articles."""
    from ..text.anchors import extract_anchors

    rows = db.execute("SELECT rowid, title, text, language FROM articles "
                      "WHERE rowid NOT IN (SELECT article_rowid FROM article_anchors)").fetchall()
    _save_anchors(db, {rowid: extract_anchors(title, text, language) for rowid, title, text, language in rows})


def _rebuild_anchors(db: sqlite3.Connection) -> None:
    """Extract every article's anchors again (their keys changed)."""
    db.execute("DELETE FROM article_anchors")
    db.execute("DELETE FROM anchor_counts")
    _record_missing_anchors(db)


def _add_published_utc(db: sqlite3.Connection) -> None:
    """Give every article `published_utc`, its date as the UTC instant (records.utc_sort_key), and
    index it: `published` keeps each outlet's own offset, so ordering by it as text put a Reuters
    report of 13:45 UTC before a TASS one of 11:10 UTC (14:10+03:00). Safe to apply again."""
    columns = {r[1] for r in db.execute("PRAGMA table_info(articles)")}
    if "published_utc" not in columns:
        db.execute("ALTER TABLE articles ADD COLUMN published_utc TEXT")
    rows = db.execute("SELECT rowid, published FROM articles WHERE published IS NOT NULL").fetchall()
    db.executemany("UPDATE articles SET published_utc = ? WHERE rowid = ?",
                   [(utc_sort_key(published), rowid) for rowid, published in rows])
    db.execute("CREATE INDEX IF NOT EXISTS articles_published_utc ON articles(published_utc)")


# Named migrations, applied in order when a store is opened: SQL, or a function of the connection
# for a backfill that needs crosscheck's own code. Append; never edit a shipped one.
MIGRATIONS: list[tuple[str, str | Callable[[sqlite3.Connection], None]]] = [
    ("0001_initial", """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE outlets (
            name TEXT PRIMARY KEY, camp TEXT NOT NULL, country TEXT, domains TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE articles (
            rowid INTEGER PRIMARY KEY,           -- also the id of the article's faiss vector
            id TEXT NOT NULL UNIQUE,
            url TEXT,
            outlet TEXT NOT NULL,
            camp TEXT NOT NULL,
            country TEXT,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            published TEXT,                      -- ISO 8601 as given, NULL when unknown
            language TEXT,
            language_prob REAL,                  -- NULL when the record gave the language
            content_hash TEXT NOT NULL,
            duplicate_of TEXT REFERENCES articles(id),
            source TEXT NOT NULL,                -- file:line it was read from
            ingested_at TEXT NOT NULL,
            embedded INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX articles_hash ON articles(content_hash);
        CREATE INDEX articles_url ON articles(url);
        CREATE INDEX articles_published ON articles(published);
        CREATE INDEX articles_unembedded ON articles(embedded) WHERE embedded = 0;
        CREATE TABLE sentences (
            rowid INTEGER PRIMARY KEY,           -- also the id of the sentence's faiss vector
            article_rowid INTEGER NOT NULL REFERENCES articles(rowid) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            paragraph INTEGER NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL
        );
        CREATE INDEX sentences_article ON sentences(article_rowid, position);
    """),
    ("0002_stories", """
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL
        );
        CREATE TABLE story_articles (
            article_rowid INTEGER PRIMARY KEY REFERENCES articles(rowid) ON DELETE CASCADE,
            story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE
        );
        CREATE INDEX story_articles_story ON story_articles(story_id);
    """),
    ("0003_translations", """
        CREATE TABLE translations (
            provider TEXT NOT NULL,
            source_language TEXT NOT NULL,       -- '' when the provider detected it
            target_language TEXT NOT NULL,
            text TEXT NOT NULL,
            translation TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (provider, source_language, target_language, text)
        );
    """),
    ("0004_anchors", """
        -- names and numbers of each article (crosscheck/anchors.py), recorded at ingest
        CREATE TABLE article_anchors (
            article_rowid INTEGER PRIMARY KEY REFERENCES articles(rowid) ON DELETE CASCADE,
            anchors TEXT NOT NULL                -- space-separated keys
        );
        CREATE TABLE anchor_counts (anchor TEXT PRIMARY KEY, articles INTEGER NOT NULL);
    """),
    ("0005_feeds", """
        -- followed RSS/Atom feeds (crosscheck/feeds.py) and the items seen in them
        CREATE TABLE feeds (
            url TEXT PRIMARY KEY,
            outlet TEXT NOT NULL,
            camp TEXT NOT NULL,
            language TEXT,                       -- given by the user; NULL: detected per article
            title TEXT,                          -- the feed's own title
            etag TEXT,                           -- validators for the next conditional GET
            last_modified TEXT,
            added_at TEXT NOT NULL,
            last_fetch TEXT,
            last_status TEXT,                    -- '200', '304' or 'failed'
            last_error TEXT,
            errors INTEGER NOT NULL DEFAULT 0,   -- failed fetches in a row
            articles INTEGER NOT NULL DEFAULT 0  -- articles ingested through the feed
        );
        CREATE TABLE feed_items (
            feed_url TEXT NOT NULL REFERENCES feeds(url) ON DELETE CASCADE,
            link TEXT NOT NULL,                  -- the item's link, tracking parameters removed
            article_id TEXT,                     -- NULL until its page is ingested
            title TEXT,                          -- the feed's title and date for the item, used
            published TEXT,                      --   when its page has none (and for retries)
            attempts INTEGER NOT NULL DEFAULT 0, -- failed fetches of the page
            last_error TEXT,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (feed_url, link)
        );
        CREATE INDEX feed_items_pending ON feed_items(feed_url) WHERE article_id IS NULL;
    """),
    ("0006_published_given", """
        -- a `published` that is not ISO 8601 or lies outside 1900 .. a day after now is kept here
        -- as given and not used (models.plausible_date); such dates stored earlier move here
        ALTER TABLE articles ADD COLUMN published_given TEXT;
        UPDATE articles SET published_given = published, published = NULL
         WHERE published IS NOT NULL
           AND (published < '1900' OR published > strftime('%Y-%m-%dT%H:%M:%S', 'now', '+1 day'));
    """),
    ("0007_anchor_places", """
        -- anchors now give places one key in every language ("@TR") and follow each article's
        -- language (crosscheck/languages/): the keys recorded before are extracted again, by
        -- the next migration
        DELETE FROM article_anchors;
        DELETE FROM anchor_counts;
    """),
    ("0008_anchors_of_every_article", _record_missing_anchors),
    # names now key by their skeleton, which survives transliteration ("Karlıova", "Карлыова":
    # "krlv"; crosscheck/text/anchors.py)
    ("0009_name_skeletons", _rebuild_anchors),
    # dates ordered as instants, not as text with each outlet's own offset (issue 23)
    ("0010_published_utc", _add_published_utc),
]

_FEED_COLUMNS = ("url", "outlet", "camp", "language", "title", "etag", "last_modified", "added_at",
                 "last_fetch", "last_status", "last_error", "errors", "articles")

_ARTICLE_COLUMNS = ("rowid, id, url, outlet, camp, country, title, text, published, "
                    "language, language_prob, duplicate_of")
_ARTICLE_COLUMNS_NO_TEXT = _ARTICLE_COLUMNS.replace(" text,", " '' AS text,")  # an empty text in its place


# How long a write waits for SQLite's own lock (another connection's transaction) before failing.
# Writers of an index are serialised by its write lock (locking.py); this covers the short
# writes of readers, such as the translation cache.
BUSY_TIMEOUT_SECONDS = 60.0


def database_error(path: object, error: sqlite3.DatabaseError) -> CrosscheckError | None:
    """The domain error for an SQLite error that says the file or the disk is at fault, else None."""
    text = str(error)
    if "disk is full" in text or "disk I/O error" in text:
        return IndexWriteFailed(path, text)
    if isinstance(error, sqlite3.OperationalError) and "readonly" in text:
        return IndexReadOnly(path)
    if not isinstance(error, sqlite3.OperationalError) or "malformed" in text or "not a database" in text:
        return IndexDamaged(path, f"SQLite: {text}")
    return None


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection. SQLite's `mode=ro` still needs to create the WAL index file next
    to the database; in a folder nobody may write to (so nobody is writing the database either)
    it is opened `immutable` instead."""
    if not path.exists():
        raise FileNotFoundError(path)
    uri = "file:" + quote(str(path.resolve()))
    db = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError:
        db.close()
        if os.access(path.parent, os.W_OK):
            raise
    return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True)


# The tables that say a database holds an index (of any version of crosscheck).
CROSSCHECK_TABLES = frozenset({"migrations", "meta", "articles"})


def _tables(db: sqlite3.Connection) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def database_state(path: Path) -> tuple[str, str]:
    """What a database file is, read only: ("index", "") for a whole index, ("empty", why) for a
    file without crosscheck's tables (0 bytes, or a new SQLite file), ("damaged", why) for one
    SQLite cannot read, or in which integrity_check finds damage (its first finding is `why`)."""
    size = path.stat().st_size
    try:
        db = _connect_readonly(path)
    except sqlite3.DatabaseError as e:
        return "damaged", f"SQLite: {e}"
    try:
        if not _tables(db) & CROSSCHECK_TABLES:
            return "empty", f"{size:,} bytes and no crosscheck tables"
        findings = [" ".join(r[0].split()) for r in db.execute("PRAGMA integrity_check(1)") if r[0] != "ok"]
        return ("damaged", f"SQLite: {findings[0]}") if findings else ("index", "")
    except sqlite3.DatabaseError as e:
        return "damaged", f"SQLite: {e}"
    finally:
        db.close()


def _same_file(name: str | Path, fd: int) -> bool:
    """True when the directory entry `name` is still the file open as `fd` (not a link put there)."""
    try:
        return os.path.samestat(os.lstat(name), os.fstat(fd))
    except OSError:
        return False


def copy_database(db: sqlite3.Connection, dest: Path) -> None:
    """A whole, consistent copy of `db` at `dest` through SQLite's online backup API (writers may
    go on meanwhile), written to a temp file created exclusively and then linked to `dest`, which
    must not exist: FileExistsError if it does (a planted symlink included, never written through).
    IndexWriteFailed for a full disk or a folder that cannot be written."""
    try:
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    except OSError as e:
        raise IndexWriteFailed(dest, e.strerror or str(e)) from None
    try:
        copy = sqlite3.connect(tmp)
        try:
            db.backup(copy)
        finally:
            copy.close()
        if not _same_file(tmp, fd):
            raise OSError(f"its temp file {Path(tmp).name} was replaced while it was written")
        os.link(tmp, dest, follow_symlinks=False)
    except sqlite3.DatabaseError as e:
        raise (database_error(dest, e) or IndexWriteFailed(dest, str(e))) from None
    except FileExistsError:
        raise
    except OSError as e:
        raise IndexWriteFailed(dest, e.strerror or str(e)) from None
    finally:
        os.close(fd)
        for leftover in (tmp, f"{tmp}-journal"):
            with contextlib.suppress(OSError):
                os.unlink(leftover)


# -- salvage: the rows a damaged database still gives (check --repair) ----------------------------
# Copied parents first; rowids are kept (they are the vectors' ids).
_SALVAGE_ORDER = ("meta", "outlets", "articles", "sentences", "stories", "story_articles", "translations",
                  "article_anchors", "anchor_counts", "feeds", "feed_items")

# A damaged page stops a scan; reading resumes at the first rowid past it that SQLite can seek
# to, found by doubling the step and then halving back. Never more steps than this per damage.
_MAX_SKIP_STEPS = 64


@dataclass
class Salvage:
    """What `salvage_database` read from a damaged database."""

    rows: dict[str, int] = field(default_factory=dict)       # table -> rows recovered
    damaged: list[str] = field(default_factory=list)         # tables not read whole (damage met)
    invalid: dict[str, int] = field(default_factory=dict)    # rows read but unusable (garbled values)
    orphans: dict[str, int] = field(default_factory=dict)    # rows dropped: what they belong to was lost
    migrations: list[str] | None = None                      # what the damaged database had applied
    schema: bool = True                                      # False: its list of tables is unreadable


# Rowids are signed 64-bit integers.
_ROWID_LIMIT = 2 ** 63


def _seekable(db: sqlite3.Connection, sql: str, rowid: int) -> tuple[bool, Any]:
    """(True, first row from `rowid` on or None) when SQLite can seek there, (False, None) if not."""
    if rowid >= _ROWID_LIMIT:
        return True, None
    try:
        return True, db.execute(sql + " LIMIT 1", (rowid,)).fetchone()
    except sqlite3.DatabaseError:
        return False, None


def _past_damage(db: sqlite3.Connection, sql: str, start: int) -> int | None:
    """The first rowid from `start` on where reading works again, None if there is none."""
    step, bad = 1, start
    for _ in range(_MAX_SKIP_STEPS):
        ok, row = _seekable(db, sql, start + step)
        if ok:
            if row is None:
                return None
            good = start + step
            while good - bad > 1:  # halve back: the damage may end well before `good`
                middle = (good + bad) // 2
                if _seekable(db, sql, middle)[0]:
                    good = middle
                else:
                    bad = middle
            return good
        bad, step = start + step, step * 2
    return None


def _read_table(db: sqlite3.Connection, table: str, columns: Sequence[str],
                keep: Callable[[int, tuple[Any, ...]], None]) -> bool:
    """Give `keep(rowid, values)` every row of `table` SQLite can still read, in rowid order;
    True when the whole table was read."""
    sql = f"SELECT rowid, {', '.join(columns)} FROM {table} WHERE rowid >= ? ORDER BY rowid"
    start: int | None = -_ROWID_LIMIT
    whole = True
    while start is not None and start < _ROWID_LIMIT:
        try:
            for row in db.execute(sql, (start,)):
                keep(row[0], tuple(row[1:]))
                start = row[0] + 1
            break
        except sqlite3.DatabaseError:
            whole = False
            start = _past_damage(db, sql, start)
    return whole


def _valid(values: tuple[Any, ...], types: Sequence[str]) -> tuple[Any, ...] | None:
    """A row as read (text as bytes) with each value checked against its column's type; None
    for a row a damaged page garbled (text that is not UTF-8, a number that is text)."""
    out = []
    for value, kind in zip(values, types):
        if isinstance(value, bytes) and "TEXT" in kind:
            try:
                value = value.decode("utf-8")
            except UnicodeDecodeError:
                return None
        elif value is not None and (("INT" in kind and not isinstance(value, int))
                                    or ("REAL" in kind and not isinstance(value, (int, float)))
                                    or ("TEXT" in kind and not isinstance(value, str))):
            return None
        out.append(value)
    return tuple(out)


def _copy_table(src: sqlite3.Connection, dst: sqlite3.Connection, table: str, found: Salvage) -> None:
    info = [(r[1], (r[2] or "").upper()) for r in dst.execute(f"PRAGMA table_info({table})")]
    try:
        have = {r[1].decode() if isinstance(r[1], bytes) else r[1] for r in src.execute(f"PRAGMA table_info({table})")}
    except sqlite3.DatabaseError:
        found.damaged.append(table)
        return
    columns = [(name, kind) for name, kind in info if name in have and name != "rowid"]
    if not columns:
        return
    kinds = [kind for _, kind in columns]
    names = ", ".join(["rowid", *(name for name, _ in columns)])
    insert = f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({', '.join('?' * (len(columns) + 1))})"
    counts = {"kept": 0, "invalid": 0}

    def keep(rowid: int, values: tuple[Any, ...]) -> None:
        row = _valid(values, kinds)
        try:
            if row is None:
                raise sqlite3.IntegrityError("garbled")
            dst.execute(insert, (rowid, *row))
            counts["kept"] += 1
        except (sqlite3.IntegrityError, sqlite3.InterfaceError):
            counts["invalid"] += 1

    if not _read_table(src, table, [name for name, _ in columns], keep):
        found.damaged.append(table)
    found.rows[table] = counts["kept"]
    if counts["invalid"]:
        found.invalid[table] = counts["invalid"]


def _drop_orphans(db: sqlite3.Connection, found: Salvage) -> None:
    """Rows whose parent was lost: a duplicate's link to a lost original is cut, anything else goes."""
    for table, rowid, _parent, _fk in db.execute("PRAGMA foreign_key_check").fetchall():
        if table == "articles":
            db.execute("UPDATE articles SET duplicate_of = NULL WHERE rowid = ?", (rowid,))
            continue
        db.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))
        found.orphans[table] = found.orphans.get(table, 0) + 1
        found.rows[table] = found.rows.get(table, 1) - 1
    tables = _tables(db)
    if "stories" in tables:
        emptied = db.execute("DELETE FROM stories WHERE id NOT IN (SELECT story_id FROM story_articles)").rowcount
        if emptied > 0:
            found.orphans["stories"] = found.orphans.get("stories", 0) + emptied
            found.rows["stories"] = found.rows.get("stories", 0) - emptied
    if "anchor_counts" in tables:  # counted again from the anchors that survived
        db.execute("DELETE FROM anchor_counts")
        per_key: dict[str, int] = {}
        for (keys,) in db.execute("SELECT anchors FROM article_anchors"):
            for k in keys.split():
                per_key[k] = per_key.get(k, 0) + 1
        db.executemany("INSERT INTO anchor_counts VALUES (?, ?)", per_key.items())


def readable_articles(source: Path) -> int | None:
    """How many article rows `salvage_database` could still read from the damaged database (at
    most: it also drops rows a damaged page garbled), or None when not even its list of tables
    can be read. Never writes `source`, and copies nothing."""
    count = 0

    def keep(rowid: int, values: tuple[Any, ...]) -> None:
        nonlocal count
        count += 1

    try:
        src = sqlite3.connect(f"file:{quote(str(source.resolve()))}?mode=ro", uri=True)
    except sqlite3.DatabaseError:
        return None
    try:
        try:
            src.execute("PRAGMA writable_schema = ON")  # as salvage_database reads it (a truncated file)
            if "articles" not in _tables(src):
                return 0
        except sqlite3.DatabaseError:
            return None
        _read_table(src, "articles", ["id"], keep)
        return count
    finally:
        src.close()


def salvage_database(source: Path, dest: Path) -> Salvage:
    """Copy every row SQLite can still read from the damaged database `source` into a new
    database at `dest` (an empty file), with the schema `source` had, table by table and row
    by row: a scan that meets a damaged page goes on past it. Rows whose parent was lost go
    too (a sentence without its article), and anchors are counted again. Never writes `source`."""
    src = sqlite3.connect(f"file:{quote(str(source.resolve()))}?mode=ro", uri=True)
    src.text_factory = bytes
    # A truncated file is shorter than its header says; SQLite refuses to read it at all unless
    # told to read the schema regardless (the connection is read-only: nothing is written).
    src.execute("PRAGMA writable_schema = ON")
    found = Salvage()
    try:
        try:
            _tables(src)
        except sqlite3.DatabaseError:
            found.schema = False
            return found
        with contextlib.suppress(sqlite3.DatabaseError):
            found.migrations = [r[0].decode("utf-8", "replace") for r in src.execute("SELECT name FROM migrations")]
        dst = Store(dest, migrate=False)
        try:
            dst.db.execute("PRAGMA foreign_keys = OFF")
            known = {name for name, _ in MIGRATIONS}
            dst._apply(known & set(found.migrations) if found.migrations else known)
            with dst.db:
                for table in _SALVAGE_ORDER:
                    if table in _tables(dst.db):
                        _copy_table(src, dst.db, table, found)
                _drop_orphans(dst.db, found)
            if "0008_anchors_of_every_article" in dst.applied_migrations():
                with dst.db:
                    _record_missing_anchors(dst.db)
            dst.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # all of it in `dest` itself, to be renamed
        finally:
            dst.close()
    finally:
        src.close()
    return found


def _day(timestamp: float, beyond: str) -> str:
    """YYYY-MM-DD of a Unix time, or `beyond` when it lies outside what datetime can hold."""
    try:
        return datetime.fromtimestamp(timestamp, timezone.utc).isoformat()[:10]
    except (OverflowError, ValueError, OSError):
        return beyond


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _article(row: Sequence[Any]) -> Article:
    return Article(*row)


def _save_anchors(db: sqlite3.Connection, anchors: dict[int, list[str]]) -> None:
    db.executemany("INSERT INTO article_anchors VALUES (?, ?)", [(rowid, " ".join(keys)) for rowid, keys in anchors.items()])
    per_key: dict[str, int] = {}
    for keys in anchors.values():
        for k in keys:
            per_key[k] = per_key.get(k, 0) + 1
    db.executemany("INSERT INTO anchor_counts VALUES (?, ?) "
                   "ON CONFLICT(anchor) DO UPDATE SET articles = articles + excluded.articles", per_key.items())


# Values bound in one `IN (...)`: SQLite builds before 3.32 refuse more than 999 parameters.
IN_CHUNK = 500


def _in_chunks(values: Iterable[Any], size: int = IN_CHUNK) -> Iterator[tuple[list[Any], str]]:
    """`values` in chunks small enough for one `IN (...)` each, with the chunk's placeholders."""
    items = list(values)
    for i in range(0, len(items), size):
        chunk = items[i:i + size]
        yield chunk, ",".join("?" * len(chunk))


class Store:
    """An index folder's database. Opening it read-write applies any pending migration (unless
    `migrate` is off: `Index.open` applies them under the index's write lock). Opened with
    `readonly`, it never writes: SQLite's read-only mode, no WAL switch, no migration."""

    def __init__(self, path: str | Path, readonly: bool = False, migrate: bool = True) -> None:
        self.path = Path(path)
        self.readonly = readonly
        if readonly:
            self.db = _connect_readonly(self.path)
        else:
            self.db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS)
            self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        if migrate and not readonly:
            self.migrate()

    def close(self) -> None:
        self.db.close()

    # -- schema ---------------------------------------------------------------------------
    def pending_migrations(self) -> list[str]:
        """Names of the migrations not applied yet."""
        has_table = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'").fetchone()
        done = {r[0] for r in self.db.execute("SELECT name FROM migrations")} if has_table else set()
        return [name for name, _ in MIGRATIONS if name not in done]

    def migrate(self) -> None:
        """Apply pending migrations, each in its own transaction. A database that holds an index
        is first copied beside itself through SQLite's backup API, named after the first migration
        to apply (`crosscheck.db.before-0009_name`): an upgrade that goes wrong loses nothing."""
        pending = set(self.pending_migrations())
        if pending and self.has_schema():
            self.backup_before(next(name for name, _ in MIGRATIONS if name in pending))
        self._apply(pending)

    def _apply(self, names: set[str]) -> None:
        """Apply the migrations named, in their order, each in its own transaction."""
        self.db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        pending = names & set(self.pending_migrations())
        for name, step in MIGRATIONS:
            if name not in pending:
                continue
            if callable(step):
                with self.db:
                    step(self.db)
                    self.db.execute("INSERT INTO migrations VALUES (?, ?)", (name, _now()))
                continue
            with self.db:
                self.db.executescript(f"BEGIN; {step}; INSERT INTO migrations VALUES ('{name}', '{_now()}'); COMMIT;")

    def applied_migrations(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM migrations ORDER BY name")]

    def has_schema(self) -> bool:
        """True when the database holds crosscheck's tables (an index, of any version); False for
        a new or empty file, and for a 0-byte one."""
        return bool(_tables(self.db) & CROSSCHECK_TABLES)

    def backup_before(self, migration: str) -> Path | None:
        """Copy the database to `<name>.before-<migration>` beside it (kept, never overwritten: a
        copy left by an earlier attempt is the same state). Returns the copy's path."""
        dest = self.path.with_name(f"{self.path.name}.before-{migration}")
        if os.path.lexists(dest):
            log.info("%s: %s is kept from an earlier attempt", self.path, dest.name)
            return None
        copy_database(self.db, dest)
        log.info("%s: copied to %s before applying %s", self.path, dest.name, migration)
        return dest

    def quick_check(self) -> list[str]:
        """SQLite's quick_check (the structure of every page, not the indexes' contents); empty
        when the file is whole. Stops at the first finding."""
        return [r[0] for r in self.db.execute("PRAGMA quick_check(1)") if r[0] != "ok"]

    def rowids(self, table: str) -> set[int]:
        """Every rowid of `articles` or `sentences` (which are the ids of their vectors)."""
        if table not in {"articles", "sentences"}:
            raise ValueError(table)
        return {r[0] for r in self.db.execute(f"SELECT rowid FROM {table}")}

    def replace_sentences(self, article_rowid: int, sentences: Sequence[tuple[int, int, int, str]]) -> None:
        """Give an article new sentences (paragraph, start, end, text) and mark it for embedding
        again (committed): `check --repair` splits again an article whose sentences were lost."""
        with self.db:
            self.db.execute("DELETE FROM sentences WHERE article_rowid = ?", (article_rowid,))
            self.db.executemany(
                "INSERT INTO sentences (article_rowid, position, paragraph, start, end, text) VALUES (?, ?, ?, ?, ?, ?)",
                [(article_rowid, pos, para, start, end, text) for pos, (para, start, end, text) in enumerate(sentences)])
            self.db.execute("UPDATE articles SET embedded = 0 WHERE rowid = ?", (article_rowid,))

    # -- metadata -------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- outlets --------------------------------------------------------------------------
    def save_outlet(self, outlet: Outlet) -> None:
        """Remember an outlet as ingest saw it (an --outlets file's entry included)."""
        self.db.execute(
            "INSERT OR REPLACE INTO outlets VALUES (?, ?, ?, ?)",
            (outlet.name, outlet.camp, outlet.country, " ".join(outlet.domains)),
        )

    def outlets(self) -> list[Outlet]:
        return [Outlet(name, camp, country, tuple(domains.split()))
                for name, camp, country, domains in self.db.execute("SELECT * FROM outlets ORDER BY name")]

    # -- articles -------------------------------------------------------------------------
    def article_by_id(self, article_id: str) -> Article | None:
        row = self.db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _article(row) if row else None

    def revisions_of(self, article_id: str) -> list[tuple[str, str]]:
        """(id, content hash) of the article stored under `article_id` and of its revisions
        (`article_id@r2`, `@r3` ...), oldest first."""
        rows = self.db.execute(
            "SELECT id, content_hash FROM articles WHERE id = ? OR (id > ? AND id < ?) ORDER BY rowid",
            (article_id, article_id + "@r", article_id + "@r\uffff")).fetchall()
        return [(i, h) for i, h in rows if i == article_id or i[len(article_id) + 2:].isdigit()]

    def first_id_with_url(self, url: str) -> str | None:
        """The id of the first article stored with this URL, or None."""
        row = self.db.execute("SELECT id FROM articles WHERE url = ? ORDER BY rowid LIMIT 1", (url,)).fetchone()
        return None if row is None else str(row[0])

    def articles_by_rowid(self, rowids: Iterable[int], with_text: bool = True) -> dict[int, Article]:
        """rowid -> article, of those stored; without `with_text`, each with an empty text (not read)."""
        columns = _ARTICLE_COLUMNS if with_text else _ARTICLE_COLUMNS_NO_TEXT
        out: dict[int, Article] = {}
        for chunk, marks in _in_chunks(rowids):
            for row in self.db.execute(f"SELECT {columns} FROM articles WHERE rowid IN ({marks})", chunk):
                out[row[0]] = _article(row)
        return out

    def first_with_hash(self, content_hash: str) -> str | None:
        row = self.db.execute(
            "SELECT id FROM articles WHERE content_hash = ? ORDER BY rowid LIMIT 1", (content_hash,)
        ).fetchone()
        return row[0] if row else None

    def insert_article(self, values: dict[str, Any], sentences: Sequence[tuple[int, int, int, str]]) -> int:
        """Insert an article and its sentences (paragraph, start, end, text); returns its rowid."""
        values = {**values, "ingested_at": _now(), "published_utc": utc_sort_key(values.get("published"))}
        cols = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        cur = self.db.execute(f"INSERT INTO articles ({cols}) VALUES ({marks})", values)
        rowid = int(cur.lastrowid or 0)
        self.db.executemany(
            "INSERT INTO sentences (article_rowid, position, paragraph, start, end, text) VALUES (?, ?, ?, ?, ?, ?)",
            [(rowid, pos, para, start, end, text) for pos, (para, start, end, text) in enumerate(sentences)],
        )
        return rowid

    def commit(self) -> None:
        """Commit the open transaction; a full disk or a damaged file is this database's one-line error."""
        try:
            self.db.commit()
        except sqlite3.DatabaseError as e:
            raise (database_error(self.path, e) or e) from None

    @contextlib.contextmanager
    def savepoint(self) -> Iterator[None]:
        """Everything inside happens, or (on an exception) none of it, within the open transaction."""
        if not self.db.in_transaction:
            self.db.execute("BEGIN")
        self.db.execute("SAVEPOINT record")
        try:
            yield
        except BaseException as e:
            # SQLite rolls the whole transaction back itself on some errors (a full disk, out of
            # memory): the savepoint is gone then, and the error that matters is `e`
            if self.db.in_transaction:
                with contextlib.suppress(sqlite3.OperationalError):
                    self.db.execute("ROLLBACK TO record")
                    self.db.execute("RELEASE record")
            error = database_error(self.path, e) if isinstance(e, sqlite3.DatabaseError) else None
            if isinstance(error, IndexWriteFailed):
                raise error from None
            raise
        self.db.execute("RELEASE record")

    def unembedded(self, after: int, limit: int) -> list[tuple[int, str, list[tuple[int, str]]]]:
        """Up to `limit` articles past rowid `after` still without vectors:
        (rowid, title, [(sentence rowid, text)])."""
        rows = self.db.execute(
            "SELECT rowid, title FROM articles WHERE embedded = 0 AND rowid > ? ORDER BY rowid LIMIT ?",
            (after, limit),
        ).fetchall()
        out = []
        for rowid, title in rows:
            sents = self.db.execute(
                "SELECT rowid, text FROM sentences WHERE article_rowid = ? ORDER BY position", (rowid,)
            ).fetchall()
            out.append((rowid, title, [(int(s), str(t)) for s, t in sents]))
        return out

    def embedded_counts(self) -> tuple[int, int]:
        """(articles marked embedded, sentences of those articles): how many vectors the files
        should hold. Counted as all rows less those of unembedded articles (`embedded` is 0 or 1;
        sentences go with their article, ON DELETE CASCADE), through indexes: joining every
        sentence to its article took 0.28 s at 100,000 articles (this: 7 ms), and every command
        that reads vectors counts them."""
        articles, unembedded, sentences, unembedded_sentences = self.db.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM articles WHERE embedded = 0), "
            "(SELECT count(*) FROM sentences), (SELECT count(*) FROM sentences WHERE article_rowid IN "
            "(SELECT rowid FROM articles WHERE embedded = 0))").fetchone()
        return int(articles - unembedded), int(sentences - unembedded_sentences)

    def embedded_sentence_owners(self) -> dict[int, int]:
        """sentence rowid -> article rowid, for the sentences of embedded articles."""
        return dict(self.db.execute("SELECT s.rowid, s.article_rowid FROM sentences s "
                                    "JOIN articles a ON a.rowid = s.article_rowid WHERE a.embedded = 1"))

    def mark_unembedded(self, rowids: Sequence[int]) -> None:
        """Mark articles for embedding again (committed)."""
        with self.db:
            self.db.executemany("UPDATE articles SET embedded = 0 WHERE rowid = ?", [(r,) for r in rowids])

    def count_unembedded(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles WHERE embedded = 0").fetchone()[0])

    def mark_embedded(self, rowids: Sequence[int]) -> None:
        with self.db:
            self.db.executemany("UPDATE articles SET embedded = 1 WHERE rowid = ?", [(r,) for r in rowids])

    def embedded_rowids(self, language: str | None = None, camp: str | None = None) -> list[int]:
        sql, args = "SELECT rowid FROM articles WHERE embedded = 1", []
        if language:
            sql += " AND language = ?"
            args.append(language)
        if camp:
            sql += " AND camp = ?"
            args.append(camp)
        return [r[0] for r in self.db.execute(sql, args)]

    def embedded_published_between(self, start: float, end: float) -> list[tuple[int, str]]:
        """(rowid, published) of embedded articles published from `start` to `end` (Unix times,
        with a day of slack either side for UTC offsets: callers compare exactly)."""
        low = _day(start - 86400, "0000")
        high = _day(end + 86400, "9999") + "\uffff"
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT rowid, published FROM articles WHERE embedded = 1 AND published >= ? AND published <= ?",
            (low, high))]

    def embedded_undated(self) -> list[int]:
        """Rowids of embedded articles with no publication date."""
        return [r[0] for r in self.db.execute("SELECT rowid FROM articles WHERE embedded = 1 AND published IS NULL")]

    def sentence_rowids(self, article_rowids: Sequence[int]) -> list[int]:
        out: list[int] = []
        for chunk, marks in _in_chunks(article_rowids):
            out += [r[0] for r in self.db.execute(
                f"SELECT rowid FROM sentences WHERE article_rowid IN ({marks})", chunk)]
        return out

    def sentence_rowids_of(self, article_rowid: int) -> list[int]:
        """The rowids of one article's sentences, in their order in the text."""
        return [r[0] for r in self.db.execute(
            "SELECT rowid FROM sentences WHERE article_rowid = ? ORDER BY position", (article_rowid,))]

    def sentences_by_rowid(self, rowids: Sequence[int]) -> dict[int, tuple[int, str]]:
        """sentence rowid -> (article rowid, text)."""
        out: dict[int, tuple[int, str]] = {}
        for chunk, marks in _in_chunks(rowids):
            for rowid, art, text in self.db.execute(
                f"SELECT rowid, article_rowid, text FROM sentences WHERE rowid IN ({marks})", chunk
            ):
                out[rowid] = (art, text)
        return out

    # -- statistics -----------------------------------------------------------------------
    def counts(self, column: str) -> list[tuple[str, int]]:
        if column not in {"language", "camp", "outlet"}:
            raise ValueError(column)
        return [(r[0] or "?", r[1]) for r in self.db.execute(
            f"SELECT {column}, count(*) FROM articles GROUP BY {column} ORDER BY count(*) DESC, {column}")]

    def languages(self) -> list[str]:
        """The languages of the stored articles, sorted (articles of unknown language left out)."""
        return sorted(k for k, _ in self.counts("language") if k != "?")

    def integrity_check(self) -> list[str]:
        """SQLite's findings about the database file; empty when it is whole."""
        return [r[0] for r in self.db.execute("PRAGMA integrity_check") if r[0] != "ok"]

    def data_version(self) -> tuple[Any, ...]:
        """What the rows say changed: the newest article, the articles and those not embedded
        yet, story memberships and stories (a reader's cache key, beside the files' own state).
        Counted through indexes: counting the embedded articles read the whole table, 90 ms at
        100,000 articles, on every page of `crosscheck serve`."""
        return tuple(self.db.execute(
            "SELECT (SELECT max(rowid) FROM articles), (SELECT count(*) FROM articles), "
            "(SELECT count(*) FROM articles WHERE embedded = 0), "
            "(SELECT count(*) FROM story_articles), (SELECT count(*) FROM stories)").fetchone())

    def totals(self) -> dict[str, int]:
        q = self.db.execute
        return {
            "articles": q("SELECT count(*) FROM articles").fetchone()[0],
            "duplicates": q("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[0],
            "sentences": q("SELECT count(*) FROM sentences").fetchone()[0],
            "unembedded": self.count_unembedded(),
        }

    def ingested_from_day(self, day: str) -> list[tuple[int, str]]:
        """(rowid, ingested_at) of the articles ingested on or after `day` (YYYY-MM-DD, UTC, as
        ingested_at is written): the digest's candidates, which it compares as instants itself."""
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT rowid, ingested_at FROM articles WHERE ingested_at >= ? ORDER BY rowid", (day,))]

    def iter_articles(self) -> Iterator[Article]:
        for row in self.db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY rowid"):
            yield _article(row)

    # -- stories --------------------------------------------------------------------------
    def story_assignments(self) -> dict[int, str]:
        """article rowid -> story id."""
        return {r[0]: r[1] for r in self.db.execute("SELECT article_rowid, story_id FROM story_articles")}

    def unassigned_articles(self) -> list[Article]:
        """Embedded articles in no story yet, oldest first."""
        return [_article(r) for r in self.db.execute(
            f"SELECT {_ARTICLE_COLUMNS.replace('rowid', 'a.rowid', 1)} FROM articles a "
            "WHERE a.embedded = 1 AND a.rowid NOT IN (SELECT article_rowid FROM story_articles) "
            "ORDER BY a.published_utc IS NULL, a.published_utc, a.id")]

    def stories_of(self, article_rowids: Iterable[int]) -> dict[int, str]:
        """article rowid -> story id, for those of the articles that are in a story."""
        out: dict[int, str] = {}
        for chunk, marks in _in_chunks(article_rowids):
            out.update(self.db.execute(
                f"SELECT article_rowid, story_id FROM story_articles WHERE article_rowid IN ({marks})", chunk))
        return out

    def story_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM stories ORDER BY id")]

    def story_ids_sharing(self, prefixes: Sequence[str], parts: Sequence[str], limit: int) -> list[str]:
        """At most `limit` story ids that start with one of `prefixes` or contain one of `parts`,
        those that share most of them first: the candidates for "closest ids" when an id is not
        found, found by SQLite in one pass instead of by comparing every id in Python."""
        terms = [("substr(id, 1, ?) = ?", (len(p), p)) for p in prefixes] + [("instr(id, ?) > 0", (p,)) for p in parts]
        if not terms:
            return []
        shared = " + ".join(f"({sql})" for sql, _ in terms)
        values = [v for _, args in terms for v in args]
        return [r[0] for r in self.db.execute(
            f"SELECT id, {shared} AS shared FROM stories WHERE shared > 0 ORDER BY shared DESC, id LIMIT ?",
            (*values, limit))]

    def assign(self, story_id: str, article_rowids: Sequence[int], new: bool) -> None:
        if new:
            self.db.execute("INSERT INTO stories VALUES (?, ?)", (story_id, _now()))
        self.db.executemany("INSERT OR REPLACE INTO story_articles VALUES (?, ?)",
                            [(r, story_id) for r in article_rowids])

    def clear_stories(self) -> None:
        with self.db:
            self.db.execute("DELETE FROM story_articles")
            self.db.execute("DELETE FROM stories")

    def story_members(self, story_id: str) -> list[Article]:
        return [_article(r) for r in self.db.execute(
            f"SELECT {_ARTICLE_COLUMNS.replace('rowid', 'a.rowid', 1)} FROM articles a "
            "JOIN story_articles s ON s.article_rowid = a.rowid WHERE s.story_id = ? "
            "ORDER BY a.published_utc IS NULL, a.published_utc, a.id", (story_id,))]

    def story_summaries(self) -> list[tuple[str, int, list[str], str | None]]:
        """(story id, articles, camps, published_utc of its latest article) of every story: what
        choosing the newest stories of a listing needs, summed up by SQLite (a row per article
        summed in Python took 0.74 s of `crosscheck stories` at 100,000 articles, this 0.25 s, under cProfile)."""
        rows = self.db.execute("SELECT s.story_id, count(*), group_concat(DISTINCT a.camp), max(a.published_utc) "
                               "FROM story_articles s JOIN articles a ON a.rowid = s.article_rowid "
                               "GROUP BY s.story_id").fetchall()
        return [(story_id, size, camps.split(","), end) for story_id, size, camps, end in rows]  # camps hold no comma

    def all_story_members(self, with_text: bool = True) -> dict[str, list[Article]]:
        """Every story's articles, in the order story_members gives them, in one query: a listing
        of all stories (story_members once per story took most of `crosscheck stories` on large
        indexes). Without `with_text`, each article's text is "" (a listing shows no text, and
        reading every text is most of the query's time): get_story for a story's whole articles."""
        columns = (_ARTICLE_COLUMNS if with_text else _ARTICLE_COLUMNS_NO_TEXT).replace("rowid", "a.rowid", 1)
        out: dict[str, list[Article]] = {}
        for story_id, *row in self.db.execute(
                f"SELECT s.story_id, {columns} FROM articles a JOIN story_articles s ON s.article_rowid = a.rowid "
                "ORDER BY s.story_id, a.published_utc IS NULL, a.published_utc, a.id"):
            out.setdefault(story_id, []).append(_article(row))
        return out

    def remove_articles(self, rowids: Sequence[int]) -> list[str]:
        """Delete articles with their sentences, anchors and story memberships (not committed).
        A duplicate of a removed article becomes the original of its remaining copies. Returns
        the ids of the stories left empty, which are deleted too."""
        removed = set(rowids)
        ids = {r: i for r, i in self.articles_ids(removed).items()}
        per_key: dict[str, int] = {}
        for keys in self.anchors_of(list(removed)).values():
            for k in keys:
                per_key[k] = per_key.get(k, 0) + 1
        self.db.executemany("UPDATE anchor_counts SET articles = articles - ? WHERE anchor = ?",
                            [(n, k) for k, n in per_key.items()])
        self.db.execute("DELETE FROM anchor_counts WHERE articles <= 0")
        for article_id in ids.values():
            copies = [r for r, in self.db.execute(
                "SELECT rowid FROM articles WHERE duplicate_of = ? ORDER BY rowid", (article_id,)) if r not in removed]
            if copies:
                original = self.db.execute("SELECT id FROM articles WHERE rowid = ?", (copies[0],)).fetchone()[0]
                self.db.execute("UPDATE articles SET duplicate_of = NULL WHERE rowid = ?", (copies[0],))
                self.db.executemany("UPDATE articles SET duplicate_of = ? WHERE rowid = ?",
                                    [(original, r) for r in copies[1:]])
        stories: set[str] = set()
        for chunk, marks in _in_chunks(removed):
            stories.update(r[0] for r in self.db.execute(
                f"SELECT story_id FROM story_articles WHERE article_rowid IN ({marks})", chunk))
            self.db.execute(f"DELETE FROM articles WHERE rowid IN ({marks})", chunk)  # cascades
        emptied = sorted(s for s in stories if self.db.execute(
            "SELECT 1 FROM story_articles WHERE story_id = ? LIMIT 1", (s,)).fetchone() is None)
        self.db.executemany("DELETE FROM stories WHERE id = ?", [(s,) for s in emptied])
        return emptied

    def articles_ids(self, rowids: Iterable[int]) -> dict[int, str]:
        """article rowid -> article id."""
        out: dict[int, str] = {}
        for chunk, marks in _in_chunks(rowids):
            out.update(self.db.execute(f"SELECT rowid, id FROM articles WHERE rowid IN ({marks})", chunk).fetchall())
        return out

    # -- anchors --------------------------------------------------------------------------
    def anchors_of(self, article_rowids: Sequence[int]) -> dict[int, list[str]]:
        """article rowid -> its anchor keys, for the articles that have them recorded."""
        out: dict[int, list[str]] = {}
        for chunk, marks in _in_chunks(article_rowids):
            for rowid, keys in self.db.execute(
                f"SELECT article_rowid, anchors FROM article_anchors WHERE article_rowid IN ({marks})", chunk
            ):
                out[rowid] = keys.split()
        return out

    def save_anchors(self, anchors: dict[int, list[str]]) -> None:
        """Record articles' anchor keys and count each key once per article (not committed)."""
        _save_anchors(self.db, anchors)

    def anchor_counts(self, keys: Iterable[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for chunk, marks in _in_chunks(set(keys)):
            out.update(self.db.execute(
                f"SELECT anchor, articles FROM anchor_counts WHERE anchor IN ({marks})", chunk).fetchall())
        return out

    def anchored_articles(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM article_anchors").fetchone()[0])

    def article_sentences(self, article_rowid: int) -> list[tuple[int, int, int, int, int, str]]:
        """(rowid, position, paragraph, start, end, text) of an article's sentences, in order."""
        return [tuple(r) for r in self.db.execute(  # type: ignore[misc]
            "SELECT rowid, position, paragraph, start, end, text FROM sentences "
            "WHERE article_rowid = ? ORDER BY position", (article_rowid,))]

    # -- feeds ----------------------------------------------------------------------------
    def save_feed(self, feed: Feed) -> None:
        """Add a feed, or change an existing one's outlet, camp and language (its state is kept)."""
        with self.db:
            self.db.execute(
                "INSERT INTO feeds (url, outlet, camp, language, added_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(url) DO UPDATE SET outlet = excluded.outlet, camp = excluded.camp, "
                "language = excluded.language", (feed.url, feed.outlet, feed.camp, feed.language, _now()))

    def feeds(self, url: str | None = None) -> list[Feed]:
        """Every feed (or the one with `url`), in the order they were added."""
        cols = ", ".join(f"f.{c}" for c in _FEED_COLUMNS)
        sql = (f"SELECT {cols}, (SELECT count(*) FROM feed_items i WHERE i.feed_url = f.url "
               "AND i.article_id IS NULL AND i.attempts > 0) FROM feeds f")
        args: tuple[str, ...] = ()
        if url is not None:
            sql, args = sql + " WHERE f.url = ?", (url,)
        return [Feed(*row) for row in self.db.execute(sql + " ORDER BY f.added_at, f.rowid", args)]

    def remove_feed(self, url: str) -> bool:
        with self.db:
            self.db.execute("DELETE FROM feed_items WHERE feed_url = ?", (url,))
            return self.db.execute("DELETE FROM feeds WHERE url = ?", (url,)).rowcount > 0

    def update_feed(self, url: str, **values: Any) -> None:
        """Set some of a feed's state columns (not committed)."""
        unknown = set(values) - set(_FEED_COLUMNS)
        if unknown:
            raise ValueError(f"not feed columns: {sorted(unknown)}")
        sets = ", ".join(f"{k} = :{k}" for k in values)
        self.db.execute(f"UPDATE feeds SET {sets} WHERE url = :url", {**values, "url": url})

    def add_feed_articles(self, url: str, count: int) -> None:
        self.db.execute("UPDATE feeds SET articles = articles + ? WHERE url = ?", (count, url))

    def feed_item(self, feed_url: str, link: str) -> tuple[str | None, int] | None:
        """(article id or None, failed attempts) of an item seen before; None for a new item."""
        row = self.db.execute("SELECT article_id, attempts FROM feed_items WHERE feed_url = ? AND link = ?",
                              (feed_url, link)).fetchone()
        return (row[0], int(row[1])) if row else None

    def pending_feed_items(self, feed_url: str, max_attempts: int) -> list[tuple[str, str | None, str | None]]:
        """(link, title, published) of items whose page failed fewer than `max_attempts` times."""
        return [(r[0], r[1], r[2]) for r in self.db.execute(
            "SELECT link, title, published FROM feed_items WHERE feed_url = ? AND article_id IS NULL "
            "AND attempts > 0 AND attempts < ? ORDER BY seen_at, link", (feed_url, max_attempts))]

    def save_feed_item(self, feed_url: str, link: str, title: str | None, published: str | None,
                       article_id: str | None = None, error: str | None = None) -> int:
        """Record an item's outcome: ingested as `article_id`, or failed with `error`. Returns the
        failed attempts so far (not committed)."""
        self.db.execute(
            "INSERT INTO feed_items (feed_url, link, title, published, article_id, attempts, last_error, seen_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(feed_url, link) DO UPDATE SET "
            "article_id = excluded.article_id, attempts = attempts + excluded.attempts, "
            "last_error = excluded.last_error",
            (feed_url, link, title, published, article_id, 1 if error else 0, error, _now()))
        row = self.db.execute("SELECT attempts FROM feed_items WHERE feed_url = ? AND link = ?",
                              (feed_url, link)).fetchone()
        return int(row[0])

    # -- translations ---------------------------------------------------------------------
    def translations(self, provider: str, source_language: str, target_language: str,
                     texts: Sequence[str]) -> dict[str, str]:
        """text -> its cached translation, for the texts translated before."""
        out: dict[str, str] = {}
        for chunk, marks in _in_chunks(texts):
            out.update(self.db.execute(
                "SELECT text, translation FROM translations WHERE provider = ? AND source_language = ? "
                f"AND target_language = ? AND text IN ({marks})",
                [provider, source_language, target_language, *chunk]).fetchall())
        return out

    def save_translations(self, provider: str, source_language: str, target_language: str,
                          pairs: Mapping[str, str]) -> None:
        """Cache translations (committed)."""
        now = _now()
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?)",
                                [(provider, source_language, target_language, text, translation, now)
                                 for text, translation in pairs.items()])
