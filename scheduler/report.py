"""``accords report``: one self-contained HTML file of coverage charts and tables.

Charts (matplotlib, embedded as inline SVG: no script, no network): relevant
articles per day by source, by country and by language, the top stories by
number of outlets (with a table of them, linked) and the sources' health
(articles in 7 days, stale or failing in red, with the ``accords status`` table).
"""

from __future__ import annotations

import html
import io
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from crawler.config import AccordsConfig
from scheduler.health import SourceStatus, source_statuses
from storage.query import DailyCount, StoryOverview, daily_counts, read_session, top_stories

TOP_KEYS = 8
TOP_STORIES = 10
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }
h1 { margin-bottom: .2rem; } .meta { color: #666; margin-top: 0; }
section { margin: 2rem 0; } svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left; }
.stale { color: #b00020; font-weight: bold; } .empty { color: #888; font-style: italic; }
"""


def build_report(config: AccordsConfig, since: date | None = None) -> str:
    with read_session(config.database.url) as session:
        per_day = {"source": daily_counts(session, "source", since), "country": daily_counts(session, "country", since),
                   "language": daily_counts(session, "language", since)}
        stories = top_stories(session, TOP_STORIES,
                              datetime.combine(since, datetime.min.time(), UTC) if since else None)
    statuses = source_statuses(config)
    total = sum(c.articles for c in per_day["source"])
    period = f"since {since.isoformat()}" if since else "all time"
    sections = [
        _section("Articles per day by source", _daily_chart(per_day["source"], "source")),
        _section("Articles per day by country mentioned", _daily_chart(per_day["country"], "country")),
        _section("Articles per day by language", _daily_chart(per_day["language"], "language")),
        _section("Top stories by number of outlets", _stories_chart(stories) + _stories_table(stories)),
        _section("Sources' health", _health_chart(statuses) + _health_table(statuses)),
    ]
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(config.topic.name)} coverage</title><style>{_STYLE}</style></head><body>"
        f"<h1>{html.escape(config.topic.name)}: coverage report</h1>"
        f"<p class='meta'>{total} relevant article(s), {period}; generated "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC</p>" + "".join(sections) + "</body></html>"
    )


def _section(title: str, content: str) -> str:
    return f"<section><h2>{html.escape(title)}</h2>{content}</section>"


def _svg(figure: plt.Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]


def _daily_chart(counts: Sequence[DailyCount], label: str) -> str:
    if not counts:
        return "<p class='empty'>No articles in this period.</p>"
    totals: dict[str, int] = defaultdict(int)
    for count in counts:
        totals[count.key] += count.articles
    keys = sorted(totals, key=lambda k: (-totals[k], k))[:TOP_KEYS]
    days = sorted({c.day for c in counts})
    series = {key: [0] * len(days) for key in [*keys, "other"]}
    for count in counts:
        series[count.key if count.key in keys else "other"][days.index(count.day)] += count.articles
    figure, axes = plt.subplots(figsize=(10, 3.6))
    bottom = [0] * len(days)
    for key, values in series.items():
        if any(values):
            axes.bar([d.isoformat() for d in days], values, bottom=bottom, label=key)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_ylabel("articles")
    axes.legend(title=label, fontsize="small", ncols=3)
    axes.tick_params(axis="x", labelrotation=45, labelsize="small")
    return _svg(figure)


def _stories_chart(stories: Sequence[StoryOverview]) -> str:
    if not stories:
        return "<p class='empty'>No stories in this period.</p>"
    figure, axes = plt.subplots(figsize=(10, 0.45 * len(stories) + 1))
    labels = [s.title if len(s.title) <= 70 else s.title[:69] + "…" for s in stories][::-1]
    axes.barh(labels, [s.outlet_count for s in stories][::-1])
    axes.set_xlabel("outlets")
    return _svg(figure)


def _stories_table(stories: Sequence[StoryOverview]) -> str:
    rows = "".join(
        "<tr>"
        f"<td><a href='{html.escape(s.origin_url)}'>{html.escape(s.title)}</a></td>"
        f"<td>{s.published_at.strftime('%Y-%m-%d') if s.published_at else 'undated'}</td>"
        f"<td>{s.outlet_count}</td><td>{s.copies}</td><td>{html.escape(', '.join(s.outlets))}</td>"
        "</tr>"
        for s in stories
    )
    return ("<table><tr><th>story</th><th>published</th><th>outlets</th><th>copies</th><th>carried by</th></tr>"
            f"{rows}</table>")


def _health_chart(statuses: Sequence[SourceStatus]) -> str:
    """Articles of the last 7 days per source; stale or failing sources in red."""
    if not statuses:
        return "<p class='empty'>No sources configured.</p>"
    figure, axes = plt.subplots(figsize=(10, 0.4 * len(statuses) + 1))
    names = [s.source.name for s in statuses][::-1]
    colours = ["#c62828" if s.stale or s.failing else "#2e7d32" for s in statuses][::-1]
    axes.barh(names, [s.health.articles_7d for s in statuses][::-1], color=colours)
    axes.set_xlabel("articles in the last 7 days (red: stale or failing)")
    return _svg(figure)


def _health_table(statuses: Sequence[SourceStatus]) -> str:
    rows = []
    for status in statuses:
        health = status.health
        last = health.recent_runs[0] if health.recent_runs else None
        stale = f"<span class='stale'>stale: {html.escape(status.stale_reason or '')}</span>" if status.stale else "no"
        rows.append(
            f"<tr><td>{html.escape(status.source.name)}</td><td>{html.escape(status.schedule)}</td>"
            f"<td>{last.started_at.strftime('%Y-%m-%d %H:%M') if last else '-'}</td>"
            f"<td>{last.status.value if last else '-'}</td><td>{health.articles_24h}</td>"
            f"<td>{health.articles_7d}</td><td>{stale}</td></tr>"
        )
    return ("<table><tr><th>source</th><th>schedule</th><th>last run (UTC)</th><th>status</th><th>24 h</th>"
            f"<th>7 days</th><th>stale</th></tr>{''.join(rows)}</table>")
