"""The `crosscheck` command: thin wrappers that parse options, call the library, format results."""

from __future__ import annotations

import dataclasses
import functools
import json
import json as _json  # in _InertConsole, whose print_json has an argument named json
import logging
import os
import re
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional, TypeVar

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

try:  # typer 0.2x carries its own copy of click
    from typer._click import exceptions as _click_errors
except ImportError:  # pragma: no cover - older typer over click
    from click import exceptions as _click_errors  # type: ignore[no-redef]
from rich.console import Console
from rich.segment import Segment
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .index.paths import DEFAULT_MODEL
from .errors import (CrosscheckError, InvalidInput, NothingFetched, NothingIngested, check_folder,
                     check_output_file)
from .index.paths import DEFAULT_INDEX, ENV_VAR, index_dir
from .present.shapes import comparison_json, hits_json, info_json, stories_json
from .stories.params import StoryParams, shipped_threshold
from .present.translate import DEFAULT_PROVIDER, DEFAULT_TARGET, PROVIDERS
from .vocabulary import Camp, plural
from .web.address import DEFAULT_HOST, DEFAULT_PORT, is_loopback

if TYPE_CHECKING:
    from .compare.results import Comparison
    from .stories.catalog import StoryPage
    from .present.translate import TranslationOptions
    from .index.folder import Index, ProgressFn
    from .records import Hit, IngestReport, Story
    from .ingest.workers import Executor

class _Argument(TyperArgument):
    """An argument shown by its metavar alone: no Python type in the help, PATH... in the usage."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name + ("..." if self.nargs != 1 else "")


class _Command(TyperCommand):
    """A command whose help names values (DIR, DATE, or the option's name) instead of Python
    types such as <str> or <list[Path]>."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, TyperArgument):
                param.__class__ = _Argument
            elif isinstance(param, TyperOption) and not param.is_flag and param.metavar is None and param.name:
                param.metavar = param.name.upper()


class _Commands(TyperGroup):
    """The command group, whose usage errors (a bad option, a missing value, a value out of
    range) print as one line naming the fix, exit code 2, like the errors the commands raise."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, windows_expand_args: bool = True,
             **extra: Any) -> Any:
        args = _optional_ray_address(list(sys.argv[1:] if args is None else args))
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except _click_errors.NoArgsIsHelpError as e:
            e.show()
            sys.exit(e.exit_code)
        except _click_errors.ClickException as e:
            hint = ""
            if isinstance(e, _click_errors.UsageError) and e.ctx is not None:
                hint = f" (see `{e.ctx.command_path} --help`)"
            err.print(f"error: {e.format_message()}{hint}", markup=False, highlight=False)
            sys.exit(e.exit_code)
        except typer.Abort:
            err.print("aborted", markup=False)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

def _optional_ray_address(args: list[str]) -> list[str]:
    """`ingest --ray [ADDRESS]`: an option whose value may be left out, which click cannot declare.
    A `--ray` not followed by a Ray address (HOST:PORT, ray://HOST:PORT, auto, local) is read as
    `--ray=local`, so `ingest corpus.jsonl --ray` and `ingest --ray corpus.jsonl` both start a
    local cluster and `ingest corpus.jsonl --ray 10.0.0.5:6379` joins one."""
    if "--ray" not in args:
        return args
    from .ingest.ray_workers import is_address

    end = args.index("--") if "--" in args else len(args)
    return [("--ray=local" if arg == "--ray" and i < end and (i + 1 == end or not is_address(args[i + 1]))
             else arg) for i, arg in enumerate(args)]


# C0 and C1 control characters but tab and newline: ESC starts terminal escape sequences.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(text: object) -> str:
    """Data for the terminal: control characters (escape sequences included) shown as `?`."""
    return _CONTROL.sub("?", str(text))


def _t(value: object, style: str = "") -> Text:
    """Data as rich Text: never parsed as markup ("[/]" in a title prints as it is)."""
    return Text(_clean("" if value is None else value), style=style)

app = typer.Typer(
    cls=_Commands,
    help="Compare how Russian, Turkish and Western outlets cover the same news, claim by claim.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: option help is shown as written ("[default: ...]" is not read as markup)
    # and flags carry no type.
    rich_markup_mode=None,
)


class _InertConsole(Console):
    """A console that shows control characters in what it prints as `?`: an outlet named
    "Evil\\x1b[2J" cannot clear the screen or retitle the terminal. Rich's own styling is
    emitted as control segments, which pass untouched. Markup in data is the callers' part:
    they print data as `Text` (see `_t`) or with markup off."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment if segment.control else Segment(_clean(segment.text), segment.style, segment.control)
            for segment in buffer)

    def print_json(self, json: str | None = None, **options: Any) -> None:  # type: ignore[override]
        """Piped (not a terminal), the text rich's print_json gives (indented by 2, control
        characters as `?`), written at once: rich highlights and renders it character by
        character, which took 89.5 s of `crosscheck stories --json` on 100,000 articles (32 MB;
        docs/performance.md). On a terminal, rich's own, in colour."""
        if self.is_terminal or json is None or options:
            super().print_json(json, **options)
            return
        self.file.write(_clean(_json.dumps(_json.loads(json), indent=2, ensure_ascii=False)) + "\n")


# Piped output is not cut to 80 columns: tables stay one row per line.
out = _InertConsole(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 180)
err = _InertConsole(stderr=True, highlight=False, soft_wrap=True)

IndexOpt = Annotated[Optional[Path], typer.Option(
    "--index", metavar="DIR", help=f"Index folder [default: ${ENV_VAR}, else {DEFAULT_INDEX}].",
    show_default=False)]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]
NoWaitOpt = Annotated[bool, typer.Option(
    "--no-wait", help="If another crosscheck is writing to the index, exit 1 at once instead of waiting.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ModelOpt = Annotated[Optional[str], typer.Option(
    "--model", metavar="NAME", help="Embedding model: use-multilingual or sentence-transformers:NAME_OR_PATH. "
    f"Fixed when the index is created [default: {DEFAULT_MODEL}].", show_default=False)]
SinceOpt = Annotated[Optional[str], typer.Option(
    "--since", metavar="DATE", help="Only stories that run on or after this date (YYYY-MM-DD).",
    show_default=False)]
CampOpt = Annotated[Optional[str], typer.Option(
    "--camp", metavar="CAMP", help=f"Only articles of this camp: {', '.join(Camp)}.", show_default=False)]
StoryCampOpt = Annotated[Optional[str], typer.Option(
    "--camp", metavar="CAMP", help=f"Only stories this camp covers: {', '.join(Camp)}.", show_default=False)]

DEMO_QUERY = "Russia and Turkey exchange military intelligence in Syria"
_STORY = StoryParams()

TranslateToOpt = Annotated[Optional[str], typer.Option(
    "--translate-to", metavar="LANG", help=f"Language to translate claims into in HTML reports [default: {DEFAULT_TARGET}].",
    show_default=False)]
NoTranslateOpt = Annotated[bool, typer.Option("--no-translate", help="Show claims untranslated in HTML reports.")]
TranslatorOpt = Annotated[Optional[str], typer.Option(
    "--translator", metavar="NAME", help=f"Translation provider: {', '.join(PROVIDERS)} (libre is "
    f"LibreTranslate, self-hostable: see --translator-url) [default: {DEFAULT_PROVIDER}].", show_default=False)]
TranslatorUrlOpt = Annotated[Optional[str], typer.Option(
    "--translator-url", metavar="URL", help="Address of your own LibreTranslate server (with --translator libre).",
    show_default=False)]


def _translation_options(translate_to: str | None, no_translate: bool, translator: str | None,
                         translator_url: str | None) -> TranslationOptions:
    """Check the translation options together, before any work."""
    from .present.translate import TranslationOptions

    if no_translate and (translate_to or translator or translator_url):
        raise typer.BadParameter("--no-translate cannot go with --translate-to, --translator or --translator-url")
    if translator and translator not in PROVIDERS:
        raise typer.BadParameter(f"--translator must be one of {', '.join(PROVIDERS)}")
    if translator_url and (translator or "libre") != "libre":
        raise typer.BadParameter("--translator-url is for --translator libre")
    if translator == "libre" and not translator_url and not os.environ.get("LIBRE_API_KEY"):
        # LibreTranslate's own public server wants a paid key: without a server or a key nothing is translated
        raise typer.BadParameter("--translator libre needs --translator-url URL (your own LibreTranslate server), "
                                 "or LIBRE_API_KEY set for the public one")
    return TranslationOptions(
        enabled=not no_translate, provider=translator or ("libre" if translator_url else DEFAULT_PROVIDER),
        target=translate_to or DEFAULT_TARGET, url=translator_url)


def _write_story_report(ix: Index, comparison: Comparison, path: Path, options: TranslationOptions) -> str | None:
    """Write one story's HTML report; returns the note about missing translations, if any."""
    from .present.html import write_page
    from .present.report import render_story
    from .present.translate import report_translations

    translations, note = report_translations(ix.store, options)(comparison)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_page(path, render_story(comparison, translations, note))  # never through a planted symlink
    return note

F = TypeVar("F", bound=Callable[..., Any])


def _one_line_errors(fn: F) -> F:
    """Domain errors print as one line (exit 1), without a traceback."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CrosscheckError as e:
            err.print(f"error: {e}", markup=False, highlight=False)
            raise typer.Exit(2 if isinstance(e, InvalidInput) else 1) from None
        except sqlite3.DatabaseError as e:  # a damaged database or a full disk met after opening
            from .index.store import database_error

            error = database_error("the index database", e)
            if error is None:
                raise
            err.print(f"error: {error}", markup=False, highlight=False)
            raise typer.Exit(1) from None
    return wrapper  # type: ignore[return-value]


def command(fn: F) -> F:
    """Register a command whose domain errors print as one line (exit 1), without a traceback."""
    app.command(cls=_Command)(_one_line_errors(fn))
    return fn


@contextmanager
def _progress(quiet: bool) -> Iterator[ProgressFn | None]:
    """A rich progress bar per stage; the library only calls progress(stage, advance, total)."""
    if quiet or not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    tasks: dict[str, Any] = {}
    with Progress(TextColumn("{task.description:<8}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=err, transient=True) as bar:
        def update(stage: str, advance: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or None)
            bar.update(tasks[stage], advance=advance, total=total or None)
        yield update


def _say_waiting(pid: int | None) -> None:
    err.print(f"waiting for another crosscheck writing to this index, pid {pid or '?'}", markup=False)


def _open(index: Path | None, model: str | None = None, create: bool = False, readonly: bool = False,
          wait: bool = True) -> Index:
    """Commands that only show things open the index read-only; writers wait for each other."""
    from .index.folder import Index

    if readonly:
        return Index.open(index, model=model, readonly=True)
    return Index.open(index, model=model, create=create, wait=wait, on_wait=_say_waiting)


def _open_for_cache(index: Path | None) -> Index:
    """compare and report only read, but cache translations in the index when it is writable."""
    from .errors import IndexReadOnly
    from .index.folder import Index

    try:
        return Index.open(index, on_wait=_say_waiting)
    except IndexReadOnly:
        return Index.open(index, readonly=True)


def _read(index: Path | None) -> Index:
    """Open the index to read it only (query, info): reads never write."""
    from .index.folder import Index

    return Index.open(index, readonly=True)


def _print_report(report: IngestReport) -> None:
    for problem in report.problems:
        err.print(Text(_clean(problem), style="yellow" if not problem.skipped else "red"), highlight=False)
    if report.unknown_outlets:
        err.print(f"warning: camp {Camp.UNKNOWN.value!r} for outlets not in the outlets list: "
                  f"{', '.join(report.unknown_outlets)} (add them with --outlets FILE)", markup=False)
    if report.unnamed_outlets:
        n = report.unnamed_outlets
        err.print(f"warning: {plural(n, 'article')} {'names' if n == 1 else 'name'} no outlet (camp unknown): "
                  "give one with --outlet NAME (.txt, .html) or an 'outlet' field (JSONL, CSV)", markup=False)
    revisions = (f"{plural(report.revisions, 'new revision')} of stored articles (stored as ID@rN), "
                 if report.revisions else "")
    out.print(f"ingested {plural(report.added, 'new article')} ({revisions}{report.unchanged} unchanged, "
              f"{plural(report.duplicates, 'duplicate')} of earlier ones, {report.skipped} skipped); "
              f"embedded {plural(report.embedded_articles, 'article')}, "
              f"{plural(report.embedded_sentences, 'sentence')}", markup=False)


def _hits_table(hits: list[Hit], sentences: bool) -> Table:
    table = Table(show_lines=False)
    for col in ("score", "lang", "camp", "outlet", "published"):
        table.add_column(col, no_wrap=True)
    table.add_column("sentence" if sentences else "title", overflow="fold", ratio=3)
    table.add_column("id", no_wrap=True)
    for h in hits:
        a = h.article
        table.add_row(f"{h.score:.3f}", _t(a.language or "?"), _t(a.camp), _t(a.outlet), _t((a.published or "")[:10]),
                      _t(h.sentence if sentences else a.title), _t(a.id))
    return table


def _first_missing(folder: Path) -> Path | None:
    """The outermost of `folder` and its parents that does not exist yet (None if it exists)."""
    missing = None
    for path in (folder, *folder.parents):
        if path.exists():
            break
        missing = path
    return missing


def _ingest(paths: list[Path] | list[str], index: Path | None, model: str | None, outlets: Path | None,
            quiet: bool, outlet: str | None = None, wait: bool = True, executor: Executor | None = None,
            allow_private: bool = False) -> IngestReport:
    from .ingest.writer import add_records, ingest_paths
    from .sources.outlets import OutletDirectory
    from .stories.clustering import update_stories

    directory = OutletDirectory.with_file(outlets)
    urls = [str(p) for p in paths if str(p).startswith(("http://", "https://"))]
    files = [Path(p) for p in paths if str(p) not in urls]
    new_folder = _first_missing(index_dir(index))
    began_with: int | None = None  # the index's articles when this run began
    try:
        with _open(index, model, create=True, wait=wait) as ix, _progress(quiet) as progress:
            began_with = ix.store.totals()["articles"]
            if urls:  # article pages: fetched politely, then stored like the files' records
                from itertools import chain

                from .sources.feeds import read_pages
                from .sources.files import read_paths

                pages = read_pages(urls, allow_private=allow_private or None,  # None: CROSSCHECK_ALLOW_PRIVATE decides
                                   outlet=outlet)
                report = add_records(ix, chain(read_paths(files, outlet), pages), directory, progress, executor)
            else:
                report = ingest_paths(ix, files, directory, progress, outlet=outlet, executor=executor)
            update_stories(ix)  # new articles join stories here, so that reads never have to write
    except KeyboardInterrupt:  # Ctrl-C: say what was kept and what to run next
        from .ingest.writer import stopped_ingest

        err.print(stopped_ingest(index_dir(index), began_with, new_folder).message(), markup=False)
        raise typer.Exit(130) from None
    except BaseException:
        if new_folder is not None:  # a first ingest that failed before storing anything leaves no index
            from .index.folder import remove_if_empty

            remove_if_empty(index_dir(index), new_folder)
        raise
    if report.added + report.unchanged == 0:
        if new_folder is not None:  # made by this run, and nothing went in: leave no empty index
            shutil.rmtree(new_folder, ignore_errors=True)
        _print_report(report)
        if report.problems and all(p.reason == "no such file or folder" for p in report.problems):
            raise NothingIngested("nothing could be ingested: no file or folder at the path given "
                                  "(check its spelling, or the folder you run this from)")
        if report.problems:
            raise NothingIngested("nothing could be ingested: fix the problems above "
                                  "(JSONL/CSV need a 'text' field; see README.md for the formats)")
        raise NothingIngested(f"nothing could be ingested: no articles in {', '.join(map(str, paths))}")
    return report


@command
def ingest(
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH", help="Files or folders (JSONL, CSV, .txt, .html), or http(s) URLs of article pages.",
        show_default=False)],
    index: IndexOpt = None,
    model: ModelOpt = None,
    outlets: Annotated[Optional[Path], typer.Option(
        metavar="FILE", help="JSON or TOML file of outlets: {\"Name\": {\"camp\": \"ru\", \"country\": \"RU\", "
        "\"domain\": \"tass.ru\"}}; adds to and overrides the default list.", show_default=False)] = None,
    outlet: Annotated[Optional[str], typer.Option(
        metavar="NAME", help="The outlet of articles that name none (.txt files, HTML pages without a site "
        "name, records without an 'outlet' field), such as TASS or \"Daily Sabah\".", show_default=False)] = None,
    ray: Annotated[Optional[str], typer.Option(
        "--ray", metavar="[ADDRESS]", help="Split, detect and embed on a Ray cluster (needs `pip install "
        "'crosscheck[ray]'`): alone, it starts one on this machine for this run; with HOST:PORT of a head "
        "node started by `ray start --head`, it joins that cluster (docs/scale.md).", show_default=False)] = None,
    workers: Annotated[Optional[int], typer.Option(
        "--workers", metavar="N", min=0, help="Processes that split, detect and embed, one model each: on "
        "this machine (0: all in this process) [default: one per core past 512 articles], or with --ray "
        "on the cluster [default: one per CPU of the cluster].", show_default=False)] = None,
    batch_size: Annotated[Optional[int], typer.Option(
        "--batch-size", metavar="N", min=1, help="Articles prepared and embedded together, and sent to a "
        "worker at a time [default: 64].", show_default=False)] = None,
    quiet: QuietOpt = False,
    no_wait: NoWaitOpt = False,
    as_json: JsonOpt = False,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Fetch the article URLs given even on a loopback or private address (an "
        "intranet); links and redirects to any other such address stay refused [also: CROSSCHECK_ALLOW_PRIVATE=1].")
    ] = False,
) -> None:
    """Add articles (files, folders or article URLs) to the index and embed them. Bad records are reported and skipped."""
    if workers == 0 and ray is not None:
        raise typer.BadParameter("--workers 0 is for ingest without --ray: a Ray cluster needs at least one worker")
    from .ingest.prepare import DEFAULT_BATCH
    from .ingest.workers import LocalExecutor

    executor: Executor
    if ray is not None:
        from .ingest.ray_workers import RayExecutor

        executor = RayExecutor(ray, workers=workers, batch_size=batch_size or DEFAULT_BATCH)
    else:
        executor = LocalExecutor(batch_size or DEFAULT_BATCH, workers=workers)  # None: one per core past POOL_FROM
    report = _ingest(paths, index, model, outlets, quiet, outlet, wait=not no_wait, executor=executor,
                     allow_private=allow_private)
    if as_json:
        out.print_json(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        _print_report(report)


@command
def query(
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What to search for, in any language.",
                                        show_default=False)],
    k: Annotated[int, typer.Option("-k", metavar="N", min=1, help="How many results.")] = 10,
    lang: Annotated[Optional[str], typer.Option(
        metavar="LANG", help="Only articles in this language: a code the index holds (ru, tr, en ...; see "
        "`crosscheck info`).", show_default=False)] = None,
    camp: CampOpt = None,
    sentences: Annotated[bool, typer.Option("--sentences", help="Search sentences, not articles.")] = False,
    index: IndexOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Cross-language semantic search over the index."""
    from .index.query import search

    with _read(index) as ix:
        hits = search(ix, text, k=k, language=lang, camp=camp, sentences=sentences)
        pending = ix.store.count_unembedded()
    if as_json:
        out.print_json(json.dumps(hits_json(hits), ensure_ascii=False))
    elif not hits:
        out.print("no results", markup=False)
    else:
        out.print(_hits_table(hits, sentences))
    if pending:
        err.print(f"note: {pending} articles are not embedded yet, so no query finds them: "
                  "run `crosscheck check --repair` (or wait for the running ingest) to embed them", markup=False)


@command
def info(index: IndexOpt = None, as_json: JsonOpt = False) -> None:
    """Model, counts by language, camp and outlet, sizes on disk."""
    with _read(index) as ix:
        data = info_json(ix)
    if as_json:
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    out.print(f"index      {data['index']}\nmodel      {data['model']} ({data['dimension']} dimensions, "
              f"faiss {data['vector_index']})\narticles   {data['articles']} ({data['duplicates']} duplicates, "
              f"{data['unembedded']} not embedded)\nsentences  {data['sentences']}", markup=False)
    for key in ("languages", "camps", "outlets"):
        out.print(f"{key:<10} " + ", ".join(f"{k} {v}" for k, v in data[key].items()), markup=False)
    out.print("on disk    " + ", ".join(f"{k} {v / 1024:.0f} KiB" for k, v in data["bytes"].items()),
              markup=False)


STORIES_SHOWN = 50  # stories `crosscheck stories` lists in its table unless --limit says otherwise


@command
def stories(
    since: SinceOpt = None,
    camp: StoryCampOpt = None,
    min_articles: Annotated[Optional[int], typer.Option(
        "--min-articles", metavar="N", min=1, help="Only stories with this many articles [default: 2 in the table, "
        "which counts the one-article stories it leaves out; 1 with --json].", show_default=False)] = None,
    limit: Annotated[Optional[int], typer.Option(
        "--limit", metavar="N", min=0, help=f"Only the N newest stories [default: {STORIES_SHOWN} in the table, "
        "which says how many more there are; all with --json]; 0 for all.", show_default=False)] = None,
    threshold: Annotated[Optional[float], typer.Option(
        metavar="X", min=0.0, max=1.0, help="Average probability, by the story pair model, that two groups of articles report one "
        f"event, for them to form one story [default: the model's, {shipped_threshold():g}].",
        show_default=False)] = None,
    window_days: Annotated[Optional[float], typer.Option(
        "--window-days", metavar="DAYS", help=f"Largest gap in days between a story and an article joining it [default: {_STORY.window_days:g}].", show_default=False)] = None,
    max_span_days: Annotated[Optional[float], typer.Option(
        "--max-span-days", metavar="DAYS", help=f"Longest a story may run, in days [default: {_STORY.max_span_days:g}].", show_default=False)] = None,
    event_span_days: Annotated[Optional[float], typer.Option(
        "--event-span-days", metavar="DAYS", help="Longest a story may run while its reports keep sharing a name "
        f"that few other articles of the same days hold [default: {_STORY.event_span_days:g}].",
        show_default=False)] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Forget all stories and cluster again (ids may change).")] = False,
    index: IndexOpt = None,
    no_wait: NoWaitOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Group articles about the same event into stories, across languages, and list them (the newest first)."""
    from .stories.params import StoryParams
    from .stories.catalog import newest_stories
    from .stories.clustering import update_stories

    options = {"threshold": threshold, "window_days": window_days, "max_span_days": max_span_days,
               "event_span_days": event_span_days}
    given: dict[str, Any] = {name: value for name, value in options.items() if value is not None}
    if given and not rebuild:
        raise typer.BadParameter("--threshold, --window-days, --max-span-days and --event-span-days change how "
                                 "stories form: add --rebuild (existing story ids may change)")
    params = dataclasses.replace(StoryParams(), **given) if rebuild else None
    if params and params.event_span_days < params.max_span_days:
        raise typer.BadParameter(f"--event-span-days ({params.event_span_days:g}) is shorter than --max-span-days "
                                 f"({params.max_span_days:g}): give at least as many days (equal turns long events off)")
    with _open(index, wait=not no_wait) as ix:
        with ix.writing():  # one hold of the lock for both: the vector files are loaded (and checked) once
            ix.embed_pending()  # articles a stopped ingest (or a lost vector file) left without vectors
            update_stories(ix, params, rebuild=rebuild)
        shown = limit if limit is not None else 0 if as_json else STORIES_SHOWN  # 0: all
        page = newest_stories(ix, since=since, camp=camp, min_articles=min_articles or (1 if as_json else 2),
                              limit=shown or None)
    if as_json:
        out.print_json(json.dumps(stories_json(page.stories), ensure_ascii=False))
        return
    if page.stories:
        out.print(_stories_table(page.stories))
    _print_stories_left_out(page, min_articles or 2)



def _stories_table(found: list[Story]) -> Table:
    from .stories.catalog import untranslated_title_note

    table = Table()
    blindspots = any(s.blindspot for s in found)  # the column only when it says something
    for col in ("id", "title", "dates", "articles by camp", "outlets", *(("blindspot",) if blindspots else ())):
        table.add_column(col, overflow="fold")
    for s in found:
        dates = (s.start or "")[:10] + (f" – {(s.end or '')[:10]}" if (s.end or "")[:10] != (s.start or "")[:10] else "")
        note = untranslated_title_note(s)
        title = Text.assemble(_t(s.title), _t(f" ({note})", style="dim") if note else "")
        table.add_row(_t(s.id), title, _t(dates), _t(" ".join(f"{k} {v}" for k, v in s.camps.items())),
                      _t(", ".join(s.outlets)), *(("yes" if s.blindspot else "",) if blindspots else ()))
    return table


def _print_stories_left_out(page: StoryPage, min_articles: int) -> None:
    """One line each for what the table leaves out: older stories, and smaller ones."""
    size = f" of {min_articles} or more articles" if min_articles > 1 else ""
    if not page.stories:
        out.print(f"no stories{size}", markup=False)
    elif len(page.stories) < page.matching:
        out.print(f"the {len(page.stories):,} newest of {page.matching:,} stories{size}: --limit 0 lists them all",
                  markup=False)
    if page.smaller:
        smaller = "one-article" if min_articles == 2 else "smaller"
        out.print(f"{page.smaller:,} {smaller} {'story' if page.smaller == 1 else 'stories'} not listed: "
                  "--min-articles 1 lists them", markup=False)




@command
def remove(
    article_ids: Annotated[list[str], typer.Argument(help="Article ids (as `query --json` and `stories --json` list them).")],
    index: IndexOpt = None,
    no_wait: NoWaitOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Remove articles with their sentences, vectors and story memberships."""
    from .errors import ArticleNotFound

    with _open(index, wait=not no_wait) as ix:
        report = ix.remove(article_ids)
    if as_json:
        out.print_json(json.dumps(report.as_dict(), ensure_ascii=False))
    named = report.not_found[:1] if not report.removed else []  # the error names it: no warning saying the same
    for article_id in report.not_found[len(named):]:
        err.print(f"warning: no article {_clean(article_id)!r} in the index", markup=False)
    if named:
        raise ArticleNotFound(named[0])
    if not as_json:
        out.print(f"removed {plural(len(report.removed), 'article')}" + (
            f" and {plural(len(report.stories_removed), 'story', 'stories')} left empty" if report.stories_removed
            else ""), markup=False)


@command
def check(
    repair: Annotated[bool, typer.Option("--repair", help="Apply upgrades, drop stray vectors and embed "
                                         "again what has none (writes to the index).")] = False,
    index: IndexOpt = None,
    no_wait: NoWaitOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Check the index: SQLite integrity, upgrades, vectors against articles. Exit 1 if not whole."""
    from .index.check import check_index

    report = check_index(index, repair=repair, wait=not no_wait, on_wait=_say_waiting)
    if as_json:
        out.print_json(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        for line in report.repaired:
            out.print(f"repaired: {line}", markup=False)
        out.print(f"{report.index}: {report.articles} articles ({report.embedded_articles} embedded), "
                  f"{report.article_vectors} article vectors, {report.sentence_vectors} sentence vectors "
                  f"for {report.sentences} sentences", markup=False)
        for line in report.problems():
            out.print(f"problem: {line}", markup=False)
        out.print("ok" if report.ok else "not ok: run `crosscheck check --repair`" if not repair
                  else "not ok after repair: rebuild the index from your files with `crosscheck ingest`",
                  markup=False)
    if not report.ok:
        raise typer.Exit(1)


@command
def backup(
    dest: Annotated[Path, typer.Argument(metavar="DEST", help="A new or empty folder for the copy.",
                                         show_default=False)],
    index: IndexOpt = None,
    no_wait: NoWaitOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Copy the index (database and vector files, consistently) into a new folder; --index DEST reads the copy."""
    from .index.check import backup_index

    report = backup_index(index, dest, wait=not no_wait, on_wait=_say_waiting)
    if as_json:
        out.print_json(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    out.print(f"copied {report.index} ({plural(report.articles, 'article')}) to {report.dest}: "
              + ", ".join(f"{name} {size / 1024:.0f} KiB" for name, size in report.files.items()), markup=False)


def _shortened(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _print_comparison(comparison: Comparison) -> None:
    story = comparison.story
    out.print(f"[bold]{escape(story.id)}[/bold]  {escape(story.title)}")
    out.print(escape(f"{(story.start or '')[:10]} – {(story.end or '')[:10]}   ")
              + "  ".join(escape(f"{k} {v}") for k, v in story.camps.items())
              + f"   {len(story.articles)} articles, outlets: {escape(', '.join(story.outlets))}", highlight=False)
    from .vocabulary import STATUS_INFO, Status

    for status in Status:
        groups = comparison.by_status(status)
        if not groups:
            continue
        out.print(f"\n[bold]{status}[/bold] ({len(groups)}): {STATUS_INFO[status].description}")
        for g in groups:
            flag = "  [red]numbers conflict[/red]" if g.conflicts else ""
            relays = f" · relayed by {escape(', '.join(g.relays))}" if g.relays else ""
            out.print(f"  [bold]{escape(g.id)}[/bold] camps {escape(','.join(g.camps))} · {g.independent_sources} source(s): "
                      f"{escape(', '.join(g.origin_outlets))}{relays} · confidence {g.confidence:.2f}{flag}")
            for near in g.closest:
                out.print(f"    [dim]closest in {escape(near.camp)}: {escape(near.outlet)} {near.probability:.2f} "
                          f"({escape(near.claim_id)}) “{escape(_shortened(near.text))}”[/dim]")
            wordings: dict[str, list[str]] = {}  # each wording with the outlets that use it
            for m in g.mentions:
                wordings.setdefault(m.text, []).append(m.article.outlet)
            language_of = {m.text: m.article.language or "?" for m in g.mentions}
            for text, outlets in wordings.items():
                out.print(f"    {escape(', '.join(dict.fromkeys(outlets)))} ({escape(language_of[text])}): {escape(text)}")
            for c in g.conflicts:
                out.print(f"    [red]conflict ({escape(str(c.kind))}): {escape(c.describe())}[/red]")
            for c in g.updates:
                out.print(f"    [dim]update ({escape(str(c.kind))}): {escape(c.describe())}[/dim]")


@command
def compare(
    story_id: Annotated[Optional[str], typer.Argument(metavar="STORY_ID", help="A story id from `crosscheck stories`.",
                                                      show_default=False)] = None,
    articles: Annotated[Optional[str], typer.Option(
        metavar="ID,ID,...", help="Compare these articles instead of a story.", show_default=False)] = None,
    html: Annotated[Optional[Path], typer.Option(
        metavar="FILE", help="Also write the comparison as a self-contained HTML report to this file.", show_default=False)] = None,
    translate_to: TranslateToOpt = None,
    no_translate: NoTranslateOpt = False,
    translator: TranslatorOpt = None,
    translator_url: TranslatorUrlOpt = None,
    index: IndexOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Align a story's claims across languages: shared, one-camp, single-source, conflicting numbers."""
    from .compare.diff import compare_articles, compare_story
    from .stories.catalog import adhoc_story

    if (story_id is None) == (articles is None):
        raise typer.BadParameter("give a STORY_ID or --articles ID,ID,..., not both and not neither")
    options = _translation_options(translate_to, no_translate, translator, translator_url)
    if html:
        check_output_file(html, "--html")
    with _open_for_cache(index) as ix:
        if articles is not None:
            comparison = compare_articles(ix, adhoc_story(ix, [a.strip() for a in articles.split(",") if a.strip()]))
        else:
            comparison = compare_story(ix, story_id or "")
        note = _write_story_report(ix, comparison, html, options) if html else None
    if html:
        err.print(f"report written to {html}" + (f" ({note})" if note else ""), markup=False)
    if as_json:
        out.print_json(json.dumps(comparison_json(comparison), ensure_ascii=False))
    else:
        _print_comparison(comparison)


@command
def report(
    out_dir: Annotated[Path, typer.Option("--out", metavar="DIR", help="Folder for index.html and one page per story.",
                                          show_default=False)],
    since: SinceOpt = None,
    translate_to: TranslateToOpt = None,
    no_translate: NoTranslateOpt = False,
    translator: TranslatorOpt = None,
    translator_url: TranslatorUrlOpt = None,
    index: IndexOpt = None,
) -> None:
    """Write HTML reports: an index of all stories and one claim-diff page per story."""
    from .present.report import write_reports
    from .present.translate import report_translations

    options = _translation_options(translate_to, no_translate, translator, translator_url)
    with _open_for_cache(index) as ix:
        translate = report_translations(ix.store, options)
        written = write_reports(ix, out_dir, since=since, translations_for=translate)
    out.print(f"wrote {plural(len(written) - 1, 'story report')} and {written[0]}", markup=False)
    missing = translate.summary()  # counted over every story; the pages carry their own notes too
    if missing:
        err.print(missing, markup=False)


@command
def speakers(
    story: Annotated[Optional[str], typer.Option(
        "--story", metavar="ID", help="Only this story's speakers (an id as `stories` lists it).",
        show_default=False)] = None,
    since: SinceOpt = None,
    index: IndexOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Who is quoted, by whom: each speaker (one across scripts: Лавров = Lavrov) with, per camp, the outlets that quote them and the claims."""
    from .compare.speakers import index_speakers, speakers_json

    if story is not None and since is not None:
        raise typer.BadParameter("--story gives one story's speakers and --since the stories from a date: give one of them")
    with _read(index) as ix:
        found = index_speakers(ix, since=since, story_id=story)
    if as_json:
        out.print_json(json.dumps(speakers_json(found), ensure_ascii=False))
        return
    if not found:
        out.print("no speakers: no claim names who said it", markup=False)
        return
    table = Table()
    for col in ("speaker", "outlets", "quoted in each camp by"):
        table.add_column(col, overflow="fold")
    for s in found:
        camps = "; ".join(f"{camp} {len(v['outlets'])}: {', '.join(v['outlets'])} ({plural(len(v['quotes']), 'claim')})"
                          for camp, v in s.camps.items())
        table.add_row(_t(s.name), str(len(s.outlets)), _t(camps))
    out.print(table)


@command
def digest(
    since: Annotated[str, typer.Option(
        "--since", metavar="WHEN", help="What arrived since: a duration back from now (24h, 90m, 2d) or a date "
        "or time (2026-12-01, 2026-12-01T08:00+03:00).")] = "24h",
    out_file: Annotated[Optional[Path], typer.Option(
        "--out", metavar="FILE.html", help="Write the digest as one HTML page; its links go to the story pages "
        "`crosscheck report` writes, in the same folder.", show_default=False)] = None,
    index: IndexOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What is new since a time: new stories (blindspots first), new single-source and one-camp claims, new conflicts and updates of figures."""
    from .present.digest import digest_lines, make_digest, parse_since_instant, render_digest, report_href
    from .present.html import write_page

    if out_file is not None:
        check_output_file(out_file, "--out")
    start = parse_since_instant(since)
    with _read(index) as ix:
        found = make_digest(ix, start, report_href)
    if out_file is not None:
        write_page(out_file, render_digest(found))
        err.print(f"digest written to {out_file}", markup=False)
    if as_json:
        out.print_json(json.dumps(found.as_dict(), ensure_ascii=False))
    elif out_file is None:
        for line in digest_lines(found):
            out.print(line, markup=False, highlight=False)


@command
def demo(
    samples: Annotated[Path, typer.Option(metavar="DIR", help="The sample corpus to ingest.")] = Path("samples"),
    index: IndexOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Ingest samples/ with the default model, query it, form stories and compare the seed story; its HTML
    report goes into the index's folder (indexes/default/reports/ by default)."""
    from .compare.diff import compare_story
    from .stories.catalog import list_stories
    from .stories.clustering import update_stories
    from .index.query import search

    if not samples.exists():
        raise NothingIngested(f"no sample corpus at {samples}: run this from the crosscheck checkout, "
                              "or pass --samples DIR")
    check_folder(index_dir(index), "--index")
    check_folder(index_dir(index) / "reports", "the demo's report folder")  # inside the index's own folder
    report = _ingest([samples], index, None, None, quiet)
    _print_report(report)
    out.print(f"\n[bold]query[/bold] {escape(DEMO_QUERY)!r}")
    with _open(index) as ix:
        hits = search(ix, DEMO_QUERY, k=8)
        out.print(_hits_table(hits, sentences=False))
        update_stories(ix)
        found = list_stories(ix)
        out.print(f"\n[bold]stories[/bold] ({len(found)})")
        for s in found:
            out.print(escape(f"  {s.id:<36} {' '.join(f'{k} {v}' for k, v in s.camps.items()):<26} "
                             f"{'blindspot ' if s.blindspot else ''}{s.title}"), highlight=False)
        top = next((s for s in found if hits and any(a.id == hits[0].article.id for a in s.articles)), None)
        if top is None:
            return
        out.print(f"\n[bold]compare[/bold] {escape(top.id)}\n")
        comparison = compare_story(ix, top.id)
        _print_comparison(comparison)
        path = (ix.path / "reports" / f"{top.id}.html").resolve()
        note = _write_story_report(ix, comparison, path, _translation_options(None, False, None, None))
    out.print(f"\nHTML report of the story: {path}" + (f"\n({note})" if note else ""), markup=False)

# -- feeds ------------------------------------------------------------------------------------
feeds_app = typer.Typer(help="Follow outlets' RSS/Atom feeds: add, list, remove, import (then `crosscheck fetch`).",
                        no_args_is_help=True, rich_markup_mode=None)
app.add_typer(feeds_app, name="feeds")


def feeds_command(name: str) -> Callable[[F], F]:
    """Register `crosscheck feeds NAME`, with one-line domain errors."""
    def register(fn: F) -> F:
        feeds_app.command(name, cls=_Command)(_one_line_errors(fn))
        return fn
    return register


AllowPrivateFeedsOpt = Annotated[bool, typer.Option(
    "--allow-private", help="Follow feeds on a loopback or private address (an intranet); `fetch` and `watch` "
    "need --allow-private too [also: CROSSCHECK_ALLOW_PRIVATE=1].")]


def _print_added(added: list[Any]) -> None:
    for a in added:
        if a.warning:
            err.print(f"warning: {a.warning}", markup=False)
        out.print(f"following {a.feed.url} ({a.feed.outlet}, camp {a.feed.camp}"
                  + (f", language {a.feed.language}" if a.feed.language else "") + ")", markup=False)


@feeds_command("add")
def feeds_add(
    url: Annotated[str, typer.Argument(help="The feed's http(s) address (RSS or Atom).")],
    outlet: Annotated[Optional[str], typer.Option(
        help="Outlet name [default: the outlet whose domain the feed is on].", show_default=False)] = None,
    camp: Annotated[Optional[str], typer.Option(
        help="Camp: ru, tr or west [default: the outlet's].", show_default=False)] = None,
    language: Annotated[Optional[str], typer.Option(
        help="Language of the feed's articles (ru, tr, en ...) [default: detected per article].",
        show_default=False)] = None,
    index: IndexOpt = None,
    allow_private: AllowPrivateFeedsOpt = False,
) -> None:
    """Follow a feed (creates the index if needed). Its outlet comes from its domain unless given."""
    from .ingest.follow import add_feed

    with _open(index, create=True) as ix:
        added = add_feed(ix, url, outlet=outlet, camp=camp, language=language, allow_private=allow_private or None)
    _print_added([added])


@feeds_command("list")
def feeds_list(index: IndexOpt = None, as_json: JsonOpt = False) -> None:
    """The feeds followed: outlet, camp, last fetch and status, articles and errors."""
    from .ingest.follow import list_feeds

    with _read(index) as ix:
        feeds = list_feeds(ix)
    if as_json:
        out.print_json(json.dumps([f.as_dict() for f in feeds], ensure_ascii=False))
        return
    if not feeds:
        out.print("no feeds: add one with `crosscheck feeds add URL`", markup=False)
        return
    table = Table()
    for col in ("url", "outlet", "camp", "last fetch", "status", "articles", "errors"):
        table.add_column(col, overflow="fold")
    for f in feeds:
        status = f.last_status or "never fetched"
        if f.last_error:
            status += f": {f.last_error}"
        errors = str(f.errors) + (f" (+{f.failing_items} pages)" if f.failing_items else "")
        table.add_row(_t(f.url), _t(f.outlet), _t(f.camp), _t((f.last_fetch or "")[:19].replace("T", " ")),
                      _t(status), str(f.articles), errors)
    out.print(table)


@feeds_command("remove")
def feeds_remove(url: Annotated[str, typer.Argument(help="The feed's address as listed.")], index: IndexOpt = None) -> None:
    """Stop following a feed (its articles stay in the index)."""
    from .ingest.follow import remove_feed

    with _open(index) as ix:
        remove_feed(ix, url)
    out.print(f"removed {url}", markup=False)


@feeds_command("import")
def feeds_import(
    file: Annotated[Path, typer.Argument(help="An OPML file, or a text file with one feed URL a line.")],
    index: IndexOpt = None,
    allow_private: AllowPrivateFeedsOpt = False,
) -> None:
    """Follow every feed in an OPML file or a plain list of URLs."""
    from .ingest.follow import import_feeds

    with _open(index, create=True) as ix:
        report = import_feeds(ix, file, allow_private=allow_private or None)
    for problem in report.problems:
        err.print(str(problem), markup=False)
    _print_added(report.added)
    if not report.added:
        raise NothingFetched(f"no feed in {file} could be added: fix the problems above")


def _print_fetch(report: Any, as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    table = Table(show_header=True)
    for col in ("feeds", "items", "new", "unchanged", "not modified", "duplicates", "failed"):
        table.add_column(col, justify="right")
    table.add_row(str(report.feeds), str(report.items), str(report.new), str(report.unchanged),
                  str(report.not_modified), str(report.duplicates), str(len(report.failed)))
    out.print(table)
    if report.failed:
        failed = Table(title="failed", title_justify="left")
        failed.add_column("url", overflow="fold")
        failed.add_column("reason", overflow="fold")
        for f in report.failed:
            failed.add_row(_t(f.url), _t(f.reason))
        out.print(failed)
    for problem in report.problems:
        err.print(str(problem), markup=False)
    for url in report.failing_feeds:
        err.print(f"warning: {url} keeps failing (see `crosscheck feeds list`)", markup=False)


SinceFetchOpt = Annotated[Optional[str], typer.Option(
    help="Only items published on or after this date (YYYY-MM-DD); undated items are kept [default: all].",
    show_default=False)]
MaxPerFeedOpt = Annotated[Optional[int], typer.Option(
    "--max-per-feed", min=1, help="Only the newest N items of each feed.", show_default=False)]
TimeoutOpt = Annotated[Optional[float], typer.Option(
    min=0.01, help="Seconds to wait for a server before giving up on it [default: 20].", show_default=False)]
DelayOpt = Annotated[Optional[float], typer.Option(
    min=0, help="Seconds between two requests to the same host; a robots.txt Crawl-delay may ask for "
    "more [default: 1].", show_default=False)]
AllowPrivateFetchOpt = Annotated[bool, typer.Option(
    "--allow-private", help="Fetch the feeds you added even on a loopback or private address (an intranet); "
    "links and redirects to any other such address stay refused [also: CROSSCHECK_ALLOW_PRIVATE=1].")]


def _fetcher(timeout: float | None, delay: float | None) -> Any:
    from dataclasses import replace

    from .sources.http import Fetcher, FetchPolicy

    policy = FetchPolicy()
    if timeout is not None:
        policy = replace(policy, timeout=timeout)
    if delay is not None:
        policy = replace(policy, host_delay=delay)
    return Fetcher(policy)


@command
def fetch(
    since: SinceFetchOpt = None,
    max_per_feed: MaxPerFeedOpt = None,
    timeout: TimeoutOpt = None,
    delay: DelayOpt = None,
    budget: Annotated[Optional[str], typer.Option(
        metavar="DURATION", help="Longest time on the network: 90s, 15m, 1h ... [default: 30m]; what it leaves unfetched is listed "
        "under failed and fetched next time.", show_default=False)] = None,
    allow_private: AllowPrivateFetchOpt = False,
    index: IndexOpt = None,
    no_wait: NoWaitOpt = False,
    quiet: QuietOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Fetch every feed, then each new item's page; extract, ingest and embed the articles.

    Exit code 0 when anything was fetched or nothing was new, 1 when every feed failed."""
    from .ingest.follow import DEFAULT_BUDGET, fetch_feeds, parse_interval
    from .stories.clustering import update_stories

    seconds = parse_interval(budget) if budget is not None else DEFAULT_BUDGET
    with _open(index, wait=not no_wait) as ix, _progress(quiet) as progress, _fetcher(timeout, delay) as fetcher:
        report = fetch_feeds(ix, since=since, max_per_feed=max_per_feed, fetcher=fetcher, progress=progress,
                             allow_private=allow_private or None, budget=seconds)
        update_stories(ix)  # new articles join stories here, as after `ingest`
    _print_fetch(report, as_json)
    if report.all_failed:
        raise NothingFetched("every feed failed: see the reasons above (and `crosscheck feeds list`)")


@command
def watch(
    every: Annotated[str, typer.Option(help="Time between two fetches: 90s, 15m, 1h ...")] = "15m",
    rounds: Annotated[Optional[int], typer.Option(
        min=1, help="Stop after this many rounds [default: run until interrupted].", show_default=False)] = None,
    since: SinceFetchOpt = None,
    max_per_feed: MaxPerFeedOpt = None,
    timeout: TimeoutOpt = None,
    delay: DelayOpt = None,
    budget: Annotated[Optional[str], typer.Option(
        metavar="DURATION", help="Longest time on the network per round: 90s, 15m, 1h ... [default: --every]; what a round "
        "leaves unfetched is listed and fetched the next round.", show_default=False)] = None,
    allow_private: AllowPrivateFetchOpt = False,
    digest_dir: Annotated[Optional[Path], typer.Option(
        "--digest", metavar="DIR", help="Write a digest of what is new (`crosscheck digest`) into DIR once a day, "
        "with the pages of the stories it lists.", show_default=False)] = None,
    index: IndexOpt = None,
    no_wait: NoWaitOpt = False,
) -> None:
    """Fetch, ingest and update the stories every --every, until interrupted (Ctrl-C)."""
    from datetime import datetime

    from .ingest.follow import parse_interval
    from .ingest.follow import watch as watch_feeds
    from .stories.clustering import update_stories

    seconds = parse_interval(every)
    round_budget = parse_interval(budget) if budget is not None else None
    daily = None
    if digest_dir is not None:
        from .present.digest import DailyDigests

        check_folder(digest_dir, "--digest")
        daily = DailyDigests(digest_dir)
    try:
        with _open(index, wait=not no_wait) as ix, _fetcher(timeout, delay) as fetcher:
            for report, clusters in watch_feeds(ix, seconds, update_stories, rounds=rounds, since=since,
                                                max_per_feed=max_per_feed, fetcher=fetcher, budget=round_budget,
                                                allow_private=allow_private or None):
                out.print(f"{datetime.now():%H:%M:%S} {report.feeds} feeds: {report.new} new articles, "
                          f"{report.unchanged} unchanged, {report.not_modified} feeds not modified, "
                          f"{len(report.failed)} failed; stories: {clusters.new_stories} new, "
                          f"{clusters.joined_existing} joined, {clusters.stories} in all", markup=False)
                for f in report.failed:
                    err.print(f"  failed {f.url}: {f.reason}", markup=False)
                written = daily.maybe_write(ix) if daily is not None else None
                if written is not None:
                    out.print(f"digest written to {written}", markup=False)
    except KeyboardInterrupt:
        err.print("stopped", markup=False)


@command
def serve(
    index: IndexOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on. Anything but a loopback address lets "
                                      "other machines in: there is no authentication.")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = DEFAULT_PORT,
    update_every: Annotated[Optional[str], typer.Option(
        "--update-every", help="Form stories for newly ingested articles this often (15m, 1h, 90s); "
        "without it, stories change only through `crosscheck ingest` or `crosscheck stories`.",
        show_default=False)] = None,
) -> None:
    """Browse the index in a web browser (stories, search, story and article pages) with a JSON API."""
    import signal

    from .ingest.follow import parse_interval
    from .web.server import Terminated, run

    every = parse_interval(update_every) if update_every is not None else None  # as `watch --every`
    if not is_loopback(host):
        err.print(f"warning: listening on {host}: anyone who can reach this address can read the index "
                  "(there is no authentication); use the default 127.0.0.1 to keep it to this machine",
                  markup=False)
    served = False

    def loading() -> None:  # the port is ours (else PortInUse, one line)
        err.print("loading the model and the index ...", markup=False)

    def ready(reader: Any, port: int) -> None:  # the port listened on: the system's choice for --port 0
        nonlocal served
        served = True
        shown = f"[{host}]" if ":" in host else host
        out.print(f"serving {reader.path} at http://{shown}:{port}/ (API under /api/); "
                  + (f"stories updated every {update_every}; " if every else "")
                  + "Ctrl-C to stop", markup=False)

    try:
        run(index, host=host, port=port, update_every=every, on_ready=ready, on_loading=loading)
    except KeyboardInterrupt as e:  # Ctrl-C, or `kill` (Terminated): the server has stopped, workers and all
        err.print("stopped" if served else "stopped before the server started", markup=False)
        raise typer.Exit(128 + (signal.SIGTERM if isinstance(e, Terminated) else signal.SIGINT)) from None


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    app()
