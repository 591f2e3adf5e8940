"""Pages for the duplicates tests, under ``/__extra/`` on every site.

- israel-daily ``/__extra/water-summit.html``: a wire story (published B−3h);
  ``/__extra/amp/water-summit.html`` its AMP copy (rel=canonical to it);
  ``/__extra/live/accords-talks.html`` an article that changes: each
  ``GET /__extra/revise`` switches its title and adds an update paragraph
  (``GET /__extra/revision`` tells how many revisions there were).
- global-wire ``/__extra/water-summit.html``: the same story syndicated (same
  body, other template and title suffix, B−2h); ``/__extra/water-summit-analysis.html``
  a near copy: another headline and one more paragraph (B−1h30).
- ``/__extra/feed.xml`` on each site lists its pages (israel-daily's with
  ``utm_*`` parameters on the wire story and its AMP URL too).
"""

from __future__ import annotations

import html
import json
import threading
from datetime import datetime, timedelta

from tests.newsroom.routes import HTML, RSS, Response

PREFIX = "/__extra/"
WIRE_TITLE = "Abraham Accords partners agree regional water summit in Abu Dhabi"
WIRE_PARAGRAPHS = (
    "Ministers from Israel, the United Arab Emirates, Bahrain and Morocco agreed on Monday to hold a regional "
    "water summit in Abu Dhabi next spring, the first ministerial meeting of its kind under the Abraham Accords.",
    "The summit will focus on desalination, the reuse of treated wastewater and shared early-warning systems "
    "for drought, officials said in a joint statement released after a video conference of the four ministers.",
    "Emirati officials said the meeting would also review a joint research fund set up last year, which has "
    "so far financed eleven projects in universities and start-up companies across the four countries.",
    "Israel's water authority said it would present results from pilot plants in the Negev, while Moroccan "
    "delegates are expected to describe irrigation schemes that cut water use on farms near Marrakech.",
    "Diplomats described the agreement as a sign that cooperation under the accords continues despite "
    "regional tensions, and said Kazakhstan, which joined the accords last year, had been invited to attend.",
)
ANALYSIS_TITLE = "Why the Abraham Accords water summit matters for a thirsty region"
ANALYSIS_EXTRA = ("Analysts at regional think tanks said the summit could become an annual fixture if the "
                  "research fund delivers results, and that private investors were watching closely.")
LIVE_TITLES = ("Abraham Accords envoys open talks on a joint aviation authority",
               "Abraham Accords envoys reach outline deal on a joint aviation authority")
LIVE_PARAGRAPHS = (
    "Envoys of the Abraham Accords states opened two days of talks in Manama on Tuesday about a joint aviation "
    "authority that would coordinate flight routes, safety rules and airport slots among the member states.",
    "Bahraini officials said the talks would also cover a common passenger data system, which airlines have "
    "requested since direct flights between Israel and the Gulf began five years ago.",
    "Delegates from Morocco and Kazakhstan are attending as full members, and observers from Saudi Arabia "
    "were invited to the opening session, according to the Bahraini foreign ministry.",
)
LIVE_UPDATE = ("Update {n}: on Wednesday evening the envoys announced an outline deal, to be signed by "
               "transport ministers in Rabat next month.")

_revision = 0
_lock = threading.Lock()


def syndication_response(site: str, base_url: str, now: datetime, target: str) -> Response | None:
    """The response of a ``/__extra/`` page of ``site``, or None when ``target`` is not one."""
    path = target.split("?", 1)[0]
    if not path.startswith(PREFIX):
        return None
    page = path.removeprefix(PREFIX)
    if page == "revise":
        return Response(200, HTML, str(_revise()).encode())
    if page == "revision":
        return Response(200, HTML, str(_revision).encode())
    pages = _pages(site, base_url, now)
    if page == "feed.xml":
        return Response(200, RSS, _feed(site, base_url, pages).encode("utf-8"))
    if page in pages:
        return Response(200, HTML, pages[page].encode("utf-8"))
    return None


def _revise() -> int:
    global _revision
    with _lock:
        _revision += 1
        return _revision


def _pages(site: str, base: str, now: datetime) -> dict[str, str]:
    if site == "israel-daily":
        wire = _article("Israel Daily", WIRE_TITLE, WIRE_PARAGRAPHS, now - timedelta(hours=3), base + PREFIX
                        + "water-summit.html", "Noa Friedman")
        updates = tuple(LIVE_UPDATE.format(n=n) for n in range(1, _revision + 1))
        live = _article("Israel Daily", LIVE_TITLES[_revision % 2], LIVE_PARAGRAPHS + updates, now - timedelta(hours=1),
                        base + PREFIX + "live/accords-talks.html", "Avi Cohen")
        return {"water-summit.html": wire, "amp/water-summit.html": wire, "live/accords-talks.html": live}
    if site == "global-wire":
        copy = _article("Global Wire", WIRE_TITLE, WIRE_PARAGRAPHS, now - timedelta(hours=2),
                        base + PREFIX + "water-summit.html", "Noa Friedman", template="wire")
        analysis = _article("Global Wire", ANALYSIS_TITLE, (*WIRE_PARAGRAPHS, ANALYSIS_EXTRA),
                            now - timedelta(minutes=90), base + PREFIX + "water-summit-analysis.html",
                            "Sam Carter", template="wire")
        return {"water-summit.html": copy, "water-summit-analysis.html": analysis}
    return {}


def _feed(site: str, base: str, pages: dict[str, str]) -> str:
    links = [base + PREFIX + page for page in pages]
    if site == "israel-daily":
        links.append(base + PREFIX + "water-summit.html?utm_source=rss&utm_medium=feed")
    items = "".join(f"<item><title>{html.escape(link)}</title><link>{html.escape(link)}</link></item>"
                    for link in links)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{site} extra</title>'
            f"<link>{base}/</link><description>extra</description>{items}</channel></rss>")


def _article(site_name: str, title: str, paragraphs: tuple[str, ...], published: datetime, canonical: str,
             author: str, template: str = "daily") -> str:
    jsonld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                         "datePublished": published.isoformat(), "author": {"@type": "Person", "name": author},
                         "publisher": {"@type": "Organization", "name": site_name}})
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    chrome = ("<nav>Home | Politics | Business | World</nav>" if template == "daily"
              else "<div class='ticker'>Markets: oil steady</div><nav>World | Wire | Opinion</nav>")
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | '
            f'{site_name}</title><link rel="canonical" href="{canonical}"><meta property="og:type" content="article">'
            f'<meta property="og:site_name" content="{site_name}">'
            f'<meta property="article:published_time" content="{published.isoformat()}">'
            f'<script type="application/ld+json">{jsonld}</script></head><body>{chrome}'
            f"<article><h1>{html.escape(title)}</h1>{body}</article>"
            f"<footer>© {site_name}. Share: Facebook, X.</footer></body></html>")



