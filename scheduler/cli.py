"""The ``accords`` command line.

    accords [--config PATH] [--verbose] COMMAND [OPTIONS]

Commands: ``init-db``, ``crawl``, ``serve``, ``worker``, ``status``, ``sources``, ``articles``,
``export``, ``extract``, ``reprocess``, ``rescore``.
The config file is ``--config``, else ``$ACCORDS_CONFIG``, else ./accords.toml.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError

from crawler.config import AccordsConfig, ConfigError, load_config
from scheduler._tables import render_table, shorten
from scheduler.extract import ExtractError, as_json, as_table, extract
from scheduler.history import NotStored, history
from scheduler.orphans import die_with_parent_if_asked
from scheduler.warm_up import start_extraction_early
from storage.articles import iter_articles, iter_articles_by_story, recent_articles
from storage.export import EXPORT_FORMATS, export_fields, export_record, export_rows, story_records, write_records
from storage.migrate import upgrade
from storage.models import RunStatus
from storage.query import SearchFilters, search
from storage.search import SearchError
from storage.session import Database, database, masked
from storage.sources import source_summaries

if TYPE_CHECKING:
    from scheduler.crawl import SourceResult
    from scheduler.reprocess import ReprocessReport


class UsageError(Exception):
    """A command-line argument is wrong; the message names it."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accords",
        description="Accords Monitor: crawl news sources for one topic into a SQL database.",
    )
    parser.add_argument("--config", metavar="PATH",
                        help="config file (default: $ACCORDS_CONFIG or ./accords.toml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    commands.add_parser("init-db", help="create or migrate the database to the newest schema")

    crawl = commands.add_parser("crawl", help="crawl sources now (all enabled sources by default)")
    crawl.add_argument("sources", nargs="*", metavar="SOURCE", help="source names to crawl")
    crawl.add_argument("--run-id", type=_positive_int, metavar="N",
                       help="record the crawl in this crawl_runs row (used by the service; one SOURCE)")

    commands.add_parser("sources", help="configured sources with their last run and article count")

    articles = commands.add_parser("articles", help="the most recently stored articles")
    articles.add_argument("--limit", type=_positive_int, default=20, help="how many (default 20)")
    articles.add_argument("--json", action="store_true", help="print JSON instead of a table")
    articles.add_argument("--story-level", action="store_true",
                          help="one row per story: its origin, copy count and outlets")

    export = commands.add_parser("export", help="write stored articles as JSON Lines, CSV or Parquet")
    export.add_argument("--format", choices=EXPORT_FORMATS, default="jsonl",
                        help="output format (default jsonl)")
    export.add_argument("--since", type=_date, metavar="DATE",
                        help="only articles published (or, undated, first seen) on or after DATE")
    export.add_argument("--until", type=_date, metavar="DATE", help="only articles published before DATE")
    export.add_argument("--source", metavar="NAME", help="only this source's articles")
    export.add_argument("--country", metavar="CODE", help="only articles mentioning this country (ISO 3166-1)")
    export.add_argument("--fields", type=_field_list, metavar="A,B,…",
                        help="only these fields, in this order (names as in the README's field tables)")
    export.add_argument("--output", type=Path, metavar="FILE", help="write here instead of stdout")
    export.add_argument("--story-level", action="store_true",
                        help="one row per story (origin, copies, outlets) instead of one per article")

    report = commands.add_parser("report", help="write a self-contained HTML coverage report with charts")
    report.add_argument("--since", type=_date, metavar="DATE", help="only articles published on or after DATE")
    report.add_argument("--output", type=Path, metavar="FILE", required=True, help="the HTML file to write")

    search = commands.add_parser("search", help="full-text search of stored articles, ranked, with snippets")
    search.add_argument("query", metavar="QUERY",
                        help='words (all required), "a phrase", OR between alternatives, -word to exclude')
    search.add_argument("--source", metavar="NAME", help="only this source's articles")
    search.add_argument("--since", type=_date, metavar="DATE", help="published on or after DATE")
    search.add_argument("--until", type=_date, metavar="DATE", help="published before DATE")
    search.add_argument("--lang", metavar="CODE", help="only articles in this language (ISO 639-1)")
    search.add_argument("--country", metavar="CODE", help="only articles mentioning this country (ISO 3166-1)")
    search.add_argument("--limit", type=_positive_int, default=20, help="how many results (default 20)")
    search.add_argument("--json", action="store_true", help="print JSON instead of text")

    history = commands.add_parser("history", help="an article's versions, each as a diff of the one before")
    history.add_argument("url", metavar="URL", help="the article's URL (any URL it was reached at)")

    extract = commands.add_parser(
        "extract", help="normalize one saved page or URL and show each field with its source")
    extract.add_argument("target", metavar="FILE_OR_URL", help="an HTML file (.gz too) or an http(s) URL")
    extract.add_argument("--url", help="the URL the saved page was served at")
    extract.add_argument("--json", action="store_true", help="print JSON instead of a table")

    reprocess = commands.add_parser(
        "reprocess", help="re-extract stored articles from their kept HTML and update them in place")
    reprocess.add_argument("--source", metavar="NAME", help="only this source's articles")
    reprocess.add_argument("--since", type=_date, metavar="DATE",
                           help="only articles published (or, undated, first seen) on or after DATE")

    serve = commands.add_parser("serve", help="run the background service: scheduled crawls, /metrics, /healthz")
    serve.add_argument("--listen", type=_listen, metavar="HOST:PORT", help="address of /metrics and /healthz "
                       "(default: [service] listen, 127.0.0.1:9310)")

    worker = commands.add_parser("worker", help="run crawl tasks sent by the scheduler ([distributed] mode)")
    worker.add_argument("--concurrency", type=_positive_int, default=2, metavar="N",
                        help="crawls this worker runs at once (default 2)")

    commands.add_parser("status", help="sources' schedule, runs, recent articles and health; "
                        "exits 1 when a source is stale or failing")

    rescore = commands.add_parser(
        "rescore", help="re-apply the current [topic] rules to stored articles (off-topic ones are marked)")
    rescore.add_argument("--source", metavar="NAME", help="only this source's articles")
    rescore.add_argument("--since", type=_date, metavar="DATE",
                         help="only articles published (or, undated, first seen) on or after DATE")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "extract":
            return cmd_extract(args)
        config = load_config(args.config)
        handler = {
            "init-db": cmd_init_db,
            "crawl": cmd_crawl,
            "sources": cmd_sources,
            "articles": cmd_articles,
            "export": cmd_export,
            "reprocess": cmd_reprocess,
            "history": cmd_history,
            "search": cmd_search,
            "report": cmd_report,
            "rescore": cmd_rescore,
            "serve": cmd_serve,
            "status": cmd_status,
            "worker": cmd_worker,
        }[args.command]
        return handler(config, args)
    except (ConfigError, UsageError, ExtractError, NotStored, SearchError) as exc:
        print(f"accords: {exc}", file=sys.stderr)
        return 2
    except (DBAPIError, OSError) as exc:
        if args.debug:
            traceback.print_exc()
        where = masked(config.database.url) if "config" in locals() else "the database"
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"accords: cannot use the database at {where}: {reason} (--debug shows the traceback)",
              file=sys.stderr)
        return 2


def cmd_init_db(config: AccordsConfig, args: argparse.Namespace) -> int:
    db = database(config.database.url)
    upgrade(db.engine)
    print(f"database ready: {db.url}")
    return 0


def cmd_crawl(config: AccordsConfig, args: argparse.Namespace) -> int:
    sources = [config.source(name) for name in args.sources] if args.sources else list(
        config.enabled_sources
    )
    if not sources:
        raise UsageError(f"{config.path}: no enabled sources to crawl")
    if args.run_id is not None and len(sources) != 1:
        raise UsageError("--run-id needs exactly one SOURCE")
    die_with_parent_if_asked()
    db = database(config.database.url)
    upgrade(db.engine)
    start_extraction_early(config, db, sources)
    print(f"crawling {len(sources)} source(s): {', '.join(s.name for s in sources)}", flush=True)
    done: list[SourceResult] = []

    def progress(result: SourceResult) -> None:
        done.append(result)
        print(_progress_line(len(done), len(sources), result), flush=True)

    from scheduler.crawl import run_crawls  # Scrapy and the extraction code: only the crawl needs them

    results = run_crawls(config, sources, progress, log_level="INFO" if args.verbose else "ERROR",
                         run_id=args.run_id)
    print()
    print(render_table(
        ["source", "status", "pages", "stored", "duplicates", "errors"],
        [(r.source, r.status.value, r.counts.pages_fetched, r.counts.articles_stored,
          r.counts.duplicates_skipped, r.counts.errors) for r in results],
    ))
    stored = sum(r.counts.articles_stored for r in results)
    failed = [r.source for r in results if r.status is not RunStatus.OK]
    print(f"\n{stored} new article(s) stored; {len(failed)} of {len(results)} source(s) failed"
          + (f": {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


def _progress_line(index: int, total: int, result: SourceResult) -> str:
    c = result.counts
    line = (f"[{index}/{total}] {result.source}: {result.status.value} - {c.pages_fetched} pages, "
            f"{c.articles_stored} stored, {c.duplicates_skipped} duplicates, {c.errors} errors")
    if result.status is not RunStatus.OK and result.error_text:
        details = result.error_text.splitlines()
        line += "".join(f"\n    {detail}" for detail in details[:4])
        if len(details) > 4:
            line += f"\n    ({len(details) - 4} more in crawl_runs.error_text)"
    return line


def cmd_sources(config: AccordsConfig, args: argparse.Namespace) -> int:
    db = database(config.database.url)
    upgrade(db.engine)
    with db.Session() as session:
        summaries = source_summaries(session)
    rows = []
    for source in config.sources:
        summary = summaries.get(source.name)
        last_run = summary.last_run_at if summary else None
        rows.append((
            source.name,
            "yes" if source.enabled else "no",
            source.language,
            source.schedule,
            last_run.strftime("%Y-%m-%d %H:%M UTC") if last_run else None,
            summary.last_status.value if summary and summary.last_status else None,
            summary.article_count if summary else 0,
        ))
    print(render_table(["source", "enabled", "lang", "schedule", "last run", "status", "articles"],
                       rows))
    return 0


def cmd_report(config: AccordsConfig, args: argparse.Namespace) -> int:
    from scheduler.report import build_report

    upgrade(database(config.database.url).engine)
    args.output.write_text(build_report(config, args.since.date() if args.since else None), encoding="utf-8")
    print(f"report written to {args.output}")
    return 0


def cmd_search(config: AccordsConfig, args: argparse.Namespace) -> int:
    db = database(config.database.url)
    upgrade(db.engine)
    filters = SearchFilters(source=args.source, since=args.since, until=args.until, language=args.lang,
                            country=args.country, limit=args.limit)
    with db.Session() as session:
        hits = search(session, args.query, filters)
    if args.json:
        print(json.dumps([{**asdict(hit), "published_at": hit.published_at.isoformat() if hit.published_at else None}
                          for hit in hits], ensure_ascii=False, indent=2))
        return 0
    for hit in hits:
        published = hit.published_at.strftime("%Y-%m-%d") if hit.published_at else "undated"
        print(f"{hit.score:8.3f}  {published}  {hit.source}  {hit.title}\n          {hit.canonical_url}\n"
              f"          {hit.snippet}\n")
    print(f"{len(hits)} result(s)")
    return 0


def cmd_history(config: AccordsConfig, args: argparse.Namespace) -> int:
    upgrade(database(config.database.url).engine)
    print(history(config, args.url), end="")
    return 0


def cmd_articles(config: AccordsConfig, args: argparse.Namespace) -> int:
    db = database(config.database.url)
    upgrade(db.engine)
    if args.story_level:
        return _print_stories(db, args)
    with db.Session() as session:
        articles = recent_articles(session, args.limit)
        if args.json:
            print(json.dumps([export_record(a) for a in articles], ensure_ascii=False, indent=2))
            return 0
        rows = [
            (a.published_at.strftime("%Y-%m-%d %H:%M") if a.published_at else None,
             a.source.name, a.language, shorten(a.title, 70), a.canonical_url)
            for a in articles
        ]
    print(render_table(["published (UTC)", "source", "lang", "title", "url"], rows))
    return 0


def _print_stories(db: Database, args: argparse.Namespace) -> int:
    with db.Session() as session:
        stories = list(story_records(iter_articles_by_story(session)))[-args.limit:][::-1]
    if args.json:
        print(json.dumps(stories, ensure_ascii=False, indent=2))
        return 0
    rows = [(s["story_id"], s["published_at"][:16] if s["published_at"] else None, s["copies"],
             ", ".join(s["outlets"]), shorten(s["title"], 60)) for s in stories]
    print(render_table(["story", "published (UTC)", "copies", "outlets", "title"], rows))
    return 0


def cmd_export(config: AccordsConfig, args: argparse.Namespace) -> int:
    db = database(config.database.url)
    upgrade(db.engine)
    try:
        fields = export_fields(args.fields, args.story_level)
    except ValueError as exc:
        raise UsageError(f"--fields: {exc}") from None
    if args.format == "parquet" and not args.output:
        raise UsageError("--format parquet writes a file: give --output FILE")
    filters = {"since": args.since, "until": args.until, "source": args.source, "country": args.country}
    with db.Session() as session:
        articles = (iter_articles_by_story if args.story_level else iter_articles)(session, **filters)
        if args.format == "parquet":
            from storage.parquet import write_parquet  # pyarrow: only parquet exports need it

            count = write_parquet(export_rows(articles, args.story_level), fields, args.output)
        else:
            target = args.output.open("w", encoding="utf-8", newline="") if args.output else nullcontext(sys.stdout)
            with target as output:
                count = write_records(export_rows(articles, args.story_level), fields, output, args.format)
    if args.output:
        print(f"{count} {'story row(s)' if args.story_level else 'article(s)'} written to {args.output}",
              file=sys.stderr)
    return 0


def cmd_serve(config: AccordsConfig, args: argparse.Namespace) -> int:
    from scheduler.service import serve

    return serve(config, listen=args.listen)


def cmd_worker(config: AccordsConfig, args: argparse.Namespace) -> int:
    if not config.distributed.enabled:
        raise UsageError(f"{config.path}: accords worker needs [distributed] enabled = true")
    from scheduler.distributed.worker import run_worker

    return run_worker(config, args.concurrency)


def cmd_status(config: AccordsConfig, args: argparse.Namespace) -> int:
    from scheduler.status import print_status

    upgrade(database(config.database.url).engine)
    return print_status(config)


def cmd_extract(args: argparse.Namespace) -> int:
    article = extract(args.target, args.url)
    print(as_json(article) if args.json else as_table(article))
    return 0


def cmd_reprocess(config: AccordsConfig, args: argparse.Namespace) -> int:
    from scheduler.reprocess import reprocess

    return _rederive(config, args, reprocess, "reprocessed")


def cmd_rescore(config: AccordsConfig, args: argparse.Namespace) -> int:
    from scheduler.reprocess import rescore

    return _rederive(config, args, rescore, "rescored")


def _rederive(config: AccordsConfig, args: argparse.Namespace,
              job: Callable[..., ReprocessReport], verb: str) -> int:
    if args.source:
        config.source(args.source)
    upgrade(database(config.database.url).engine)
    report = job(config, source=args.source, since=args.since)
    print(f"{verb} {report.articles} article(s): {report.changed_articles} changed, "
          f"{sum(report.field_changes.values())} field(s) changed")
    for name, count in sorted(report.field_changes.items()):
        print(f"  {name}: {count}")
    if report.now_off_topic or report.now_relevant:
        print(f"{report.now_off_topic} article(s) no longer match the topic (kept, marked relevant = false); "
              f"{report.now_relevant} match it again")
    return 0


def _field_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"expected comma-separated field names, got {text!r}")
    return names


def _listen(text: str) -> str:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT such as 127.0.0.1:9310, got {text!r}")
    return text


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _date(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an ISO date such as 2026-11-01 or 2026-11-01T12:00+02:00, got {text!r}"
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


if __name__ == "__main__":
    sys.exit(main())
