"""Block pages every site serves under ``/__blocked/``, for the block-detection tests (crawler/blocked.py).

- ``challenge.html``: 200, a Cloudflare "Just a moment..." challenge with ``cf-mitigated: challenge``.
- ``consent.html``: 200, a page that is only a Sourcepoint-style consent form.
- ``paywall.html``: 200, a paywall stub whose title, teaser and JSON-LD name the Abraham Accords: the
  relevance filter passes it, only the block detector keeps it out.
- ``ok.html``: 200, a relevant article on the Abraham Accords, the one page of the four to store.
- ``feed.xml``: an RSS feed listing the four pages (absolute links); every item's title names the
  Abraham Accords, so a pre-fetch filter on feed titles lets them all through.

Any other path under the prefix is None (the site's 404).
"""

from __future__ import annotations

import html
import json
from urllib.parse import urlsplit

from tests.newsroom.routes import HTML, RSS, Response

BLOCKED_PREFIX = "/__blocked/"
#: page → the title its feed item gives it
FEED_TITLES = {
    "challenge.html": "Abraham Accords envoys open talks on a regional shipping registry",
    "consent.html": "Abraham Accords partners agree a joint fund for desalination research",
    "paywall.html": "Abraham Accords partners weigh a joint shipping registry",
    "ok.html": "Abraham Accords states open a shared trade office in Manama",
}
CHALLENGE_HEADERS = (("cf-mitigated", "challenge"), ("cf-ray", "8e1f2a3b4c5d6e7f-TLV"),
                     ("Cache-Control", "private, max-age=0, no-store, no-cache, must-revalidate"))

_CHALLENGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta name="robots" content="noindex,nofollow"><meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{display:flex;flex-direction:column;height:100vh}.main-content{margin:8rem auto;max-width:60rem}</style>
</head><body class="no-js"><div class="main-wrapper" role="main"><div class="main-content">
<noscript><div class="h2"><span id="challenge-error-text">Enable JavaScript and cookies to continue</span></div>
</noscript></div></div>
<script>(function(){window._cf_chl_opt={cvId: '3',cZone: "newsroom.example",cType: 'managed',
cRay: '8e1f2a3b4c5d6e7f',cUPMDTk: "\\/__blocked\\/challenge.html?__cf_chl_tk=Ab12Cd34-1764331200-1.0.1.1-Kl12"};
var cpo = document.createElement('script');
cpo.src = '/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=8e1f2a3b4c5d6e7f';
document.getElementsByTagName('head')[0].appendChild(cpo);}());</script></body></html>
"""
_CONSENT = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>The Daily Ledger</title>
<script src="https://cdn.privacy-mgmt.com/unified/wrapperMessagingWithoutDetection.js" async></script>
</head><body>
<div class="masthead"><a href="/"><img src="/static/logo.svg" alt="The Daily Ledger"></a></div>
<div id="sp_message_container_1090391" class="sp-message-open" role="dialog" aria-modal="true">
<div class="message-container"><h2>We value your privacy</h2>
<p>We and our partners store and access information on your device, such as cookies, and process personal data
such as unique identifiers for personalised advertising and content, measurement, audience research and
service development.</p>
<p>You can accept, reject, or change your choices at any time from the Privacy link at the foot of every page.
Your choices apply to this site only.</p>
<button class="sp_choice_type_11">Accept all</button><button class="sp_choice_type_13">Reject all</button>
<button class="sp_choice_type_12">Settings</button></div></div>
</body></html>
"""
_PAYWALL_TEASER = (
    "Officials from the Abraham Accords states met in Manama on Tuesday to discuss a joint registry for merchant "
    "ships, which would let vessels flagged in any member state use the ports of the others without new "
    "inspections. Port authorities from Israel, the United Arab Emirates, Bahrain and Morocco attended the "
    "first session, and shipping companies were invited to send written comments before the next round."
)
_ARTICLE_PARAGRAPHS = (
    "The Abraham Accords states opened a shared trade office in Manama on Monday, the first of its kind, to help "
    "small companies from Israel, the United Arab Emirates, Bahrain and Morocco find partners and navigate "
    "customs rules in each other's markets.",
    "The office will be staffed by officials from all four countries and will run a register of exporters, a "
    "help desk on certificates of origin and a calendar of trade fairs, Bahrain's trade ministry said in a "
    "statement released after the opening ceremony.",
    "Business groups welcomed the move. A chamber of commerce representative from Casablanca said members had "
    "struggled to find reliable information about import rules in the Gulf, and that a single office would save "
    "them time and money.",
    "Officials said a second office could open in Abu Dhabi next year if demand is strong, and that Kazakhstan, "
    "which joined the accords last year, had asked to take part in the programme.",
)


def blocked_response(target: str, base_url: str) -> Response | None:
    """The response of a ``/__blocked/`` page, or None when ``target`` is not one."""
    path = urlsplit(target).path
    if not path.startswith(BLOCKED_PREFIX):
        return None
    page = path.removeprefix(BLOCKED_PREFIX)
    if page == "challenge.html":
        return Response(200, HTML, _CHALLENGE.encode(), CHALLENGE_HEADERS)
    if page == "consent.html":
        return Response(200, HTML, _CONSENT.encode())
    if page == "paywall.html":
        return Response(200, HTML, _paywall(base_url).encode())
    if page == "ok.html":
        return Response(200, HTML, _article(base_url).encode())
    if page == "feed.xml":
        return Response(200, RSS, _feed(base_url).encode())
    return None


def _feed(base_url: str) -> str:
    items = "".join(f"<item><title>{html.escape(title)}</title>"
                    f"<link>{html.escape(base_url + BLOCKED_PREFIX + page)}</link></item>"
                    for page, title in FEED_TITLES.items())
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>blocked</title>'
            f"<link>{html.escape(base_url)}/</link><description>block pages</description>{items}</channel></rss>")


def _head(title: str, canonical: str, free: bool) -> str:
    jsonld: dict[str, object] = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                                 "author": {"@type": "Person", "name": "Noa Friedman"},
                                 "publisher": {"@type": "Organization", "name": "The Daily Ledger"}}
    if not free:
        jsonld |= {"isAccessibleForFree": False, "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False,
                                                             "cssSelector": ".article-body__locked"}}
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | The Daily '
            f'Ledger</title><link rel="canonical" href="{html.escape(canonical)}"><meta property="og:type" '
            f'content="article"><meta property="og:site_name" content="The Daily Ledger">'
            f'<script type="application/ld+json">{json.dumps(jsonld)}</script></head>')


def _paywall(base_url: str) -> str:
    title = FEED_TITLES["paywall.html"]
    return (_head(title, base_url + BLOCKED_PREFIX + "paywall.html", free=False)
            + f"<body><nav>Home | Politics | Business | World</nav><article><h1>{html.escape(title)}</h1>"
            f"<p>{html.escape(_PAYWALL_TEASER)}</p><div class=\"article-body__locked\"></div>"
            '<div class="paywall-prompt"><h2>This article is for subscribers only</h2><p>Subscribe to continue '
            "reading: unlimited access for $1 a week for the first six months.</p>"
            '<p>Already a subscriber? <a href="/account/login/">Sign in</a></p></div></article>'
            "<footer>© The Daily Ledger</footer></body></html>")


def _article(base_url: str) -> str:
    title = FEED_TITLES["ok.html"]
    body = "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in _ARTICLE_PARAGRAPHS)
    return (_head(title, base_url + BLOCKED_PREFIX + "ok.html", free=True)
            + f"<body><nav>Home | Politics | Business | World</nav><article><h1>{html.escape(title)}</h1>{body}"
            "</article><footer><p>Subscribe to our newsletter for the day's top stories.</p>"
            "<p>© The Daily Ledger</p></footer></body></html>")
