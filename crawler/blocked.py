"""Is a fetched page a bot challenge, a consent wall or a paywall stub rather than an article?

``blocked_reason(url, status, headers, html, body_text_chars=None)`` answers with a short reason, e.g.
``"bot challenge (Cloudflare)"``, ``"consent wall (consent.yahoo.com)"``, ``"paywall stub (subscribers only)"``,
or None for a page that may be an article. Only 200, 202, 403, 405, 429 and 503 responses are looked at
(AWS WAF answers a challenge with 202 and a CAPTCHA with 405); other statuses never hold an article.

Rules, in order; the first that holds decides:

1. The final URL's host is a consent host (``consent.yahoo.com``, ``guce.yahoo.com``, ``guce.oath.com``,
   ``consent.google.com``, ``consent.youtube.com``…): ``consent wall (<host>)``.
2. A header only challenge responses carry: ``cf-mitigated: challenge`` (Cloudflare),
   ``x-amzn-waf-action: challenge|captcha`` (AWS WAF), ``x-vercel-mitigated: challenge`` (Vercel).
3. A decisive marker, found only on challenge and block pages: Cloudflare's ``_cf_chl_opt`` and its
   "Attention Required! | Cloudflare" page, Imperva's "Incapsula incident ID", Sucuri's firewall page.
4. Weak markers also occur on ordinary pages (a vendor's script or captcha widget, a consent manager's
   container, paywall wording, ``isAccessibleForFree: false``), so they count only when the page has
   little text. Checked in this order, the first confirmed one wins:

   - bot challenge: visible text under ``CHALLENGE_PAGE_CHARS`` (``CAPTCHA_ONLY_CHARS`` for a bare
     reCAPTCHA/hCaptcha widget, which comment forms also carry). Vendor-neutral wording ("Verify you are
     human", "Access Denied") is named after the vendor the headers show (``server: cloudflare``,
     ``x-datadome``, ``x-px-*``, ``x-iinfo``, ``AkamaiGHost``, ``x-sucuri-id``), else "unknown vendor".
   - paywall stub: article text under ``ARTICLE_MIN_CHARS`` for wording only a cut-off page shows
     ("Subscribe to continue reading", "This article is for subscribers only", "La suite est réservée aux
     abonnés") and for a Piano modal; under ``TINY_PAGE_CHARS`` for JSON-LD ``isAccessibleForFree: false``
     alone, which premium articles served in full declare too. Article text is ``body_text_chars`` when
     the caller has extracted the body, else the page's visible text.
   - consent wall: visible text, once the consent manager's own elements are dropped, under
     ``TINY_PAGE_CHARS``.

   ``body_text_chars`` of ``ARTICLE_MIN_CHARS`` or more vetoes every weak marker: the page is an article
   whatever its footer, cookie banner or JSON-LD says.

"Visible text" is the body's whitespace-collapsed text without scripts, styles, ``noscript``, templates,
SVG, and without ``nav``/``header``/``footer``/``aside`` elements and consent-manager containers, except
those that hold an ``<article>``, a ``<main>`` or more than ``MAX_DROPPED_CHARS`` of text (page wrappers).

False positives cost more than misses: a blocked page that slips through is one bad row the relevance
filter usually drops anyway, while a dropped article is lost for good. So nothing an ordinary page can
carry decides alone. The weak markers that real articles do carry (a comment form's reCAPTCHA, a cookie
banner, ``isAccessibleForFree: false`` on a premium story served in full) need less text than a short
news brief of ~800 characters; paywall wording, which only a cut-off page shows, needs less than
``ARTICLE_MIN_CHARS``. The price: a challenge page padded with more text, a consent form in a container
this module does not know, paywall wording in another language than English or French, or a teaser of
1,500 characters or more is not caught.

Speed: markers are literal substrings of the raw HTML (``in`` is many times faster than a regex
alternation, and lower-casing a large page costs more than the search), confirmed by a precompiled
regex where the literal alone is too loose; the ``<title>`` is read once with a regex. Vendor templates
and tokens have a fixed case; publishers' wording is searched without its first letter ("ubscribe to
continue reading") to match sentence case and lower case. lxml parses the page only when a weak marker
hits, at most once per call. With ``body_text_chars`` of ``ARTICLE_MIN_CHARS`` or more the weak markers
are not searched at all, the cheapest call: pass it when the body is at hand.
"""

from __future__ import annotations

import html as html_entities
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

INSPECTED_STATUSES = frozenset({200, 202, 403, 405, 429, 503})
CHALLENGE_PAGE_CHARS = 1_000
CAPTCHA_ONLY_CHARS = 300
TINY_PAGE_CHARS = 600
ARTICLE_MIN_CHARS = 1_500
#: a page this long is parsed no further: its visible text is taken to be as long as its HTML
MAX_PARSED_CHARS = 5_000_000
#: chrome and consent elements with more text than this are kept: they are probably a page wrapper
MAX_DROPPED_CHARS = 3_000


class _Kind(Enum):
    CHALLENGE = "bot challenge"
    PAYWALL = "paywall stub"
    CONSENT = "consent wall"


@dataclass(frozen=True)
class _Marker:
    kind: _Kind
    #: what the reason names in parentheses; None: the vendor the response headers show
    label: str | None
    #: the page's text must be shorter than this for the marker to count; None: decisive whatever the size
    below: int | None
    #: literal substrings of the raw HTML, any of which is a hit …
    needles: tuple[str, ...] = ()
    #: … that this regex, when given, confirms
    confirm: re.Pattern[str] | None = None
    #: a pattern the whole lower-cased ``<title>`` matches
    title: re.Pattern[str] | None = None

    def found(self, html: str, title: str) -> bool:
        if self.title is not None and self.title.fullmatch(title):
            return True
        if not any(needle in html for needle in self.needles):
            return False
        return self.confirm is None or self.confirm.search(html) is not None

    def reason(self, header_lines: str) -> str:
        return f"{self.kind.value} ({self.label or _vendor(header_lines)})"


def _challenge(label: str | None, *needles: str, title: str | None = None,
               below: int | None = CHALLENGE_PAGE_CHARS) -> _Marker:
    return _Marker(_Kind.CHALLENGE, label, below, needles, title=re.compile(title) if title else None)


def _paywall(label: str, *needles: str, confirm: str | None = None, below: int = ARTICLE_MIN_CHARS) -> _Marker:
    return _Marker(_Kind.PAYWALL, label, below, needles, re.compile(confirm) if confirm else None)


def _consent(label: str, *needles: str) -> _Marker:
    return _Marker(_Kind.CONSENT, label, TINY_PAGE_CHARS, needles)


_CONSENT_HOST = re.compile(
    r"consent\.(?:yahoo|google|youtube|aol)\.(?:com|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})|guce\.(?:yahoo|oath|aol)\.com"
)
#: (reason, pattern over the lower-cased "name: value" header lines)
_DECISIVE_HEADERS = (
    ("bot challenge (Cloudflare)", re.compile(r"^cf-mitigated: *challenge\b", re.MULTILINE)),
    ("bot challenge (AWS WAF)", re.compile(r"^x-amzn-waf-action: *(?:challenge|captcha)\b", re.MULTILINE)),
    ("bot challenge (Vercel)", re.compile(r"^x-vercel-mitigated: *challenge\b", re.MULTILINE)),
)
_VENDOR_HEADERS = (
    ("Cloudflare", re.compile(r"^(?:server: *cloudflare|cf-ray:|cf-mitigated:)", re.MULTILINE)),
    ("DataDome", re.compile(r"^(?:x-datadome|x-dd-b:|set-cookie: *datadome=)", re.MULTILINE)),
    ("PerimeterX", re.compile(r"^(?:x-px|set-cookie: *_px)", re.MULTILINE)),
    ("Imperva", re.compile(r"^(?:x-iinfo:|x-cdn: *(?:incapsula|imperva)|set-cookie: *(?:incap_ses|visid_incap))",
                           re.MULTILINE)),
    ("Akamai", re.compile(r"^(?:server: *akamaighost|akamai-grn:)", re.MULTILINE)),
    ("Sucuri", re.compile(r"^(?:server: *sucuri|x-sucuri-)", re.MULTILINE)),
    ("AWS WAF", re.compile(r"^x-amzn-waf-", re.MULTILINE)),
)
_TITLE = re.compile(r"<title\b[^>]*>([^<]*)</title", re.IGNORECASE)

_DECISIVE_MARKERS = (
    _challenge("Cloudflare", "_cf_chl_opt", title=r"attention required! \| cloudflare", below=None),
    _challenge("Imperva", "Incapsula incident ID", below=None),
    _challenge("Sucuri", "cloudproxy@sucuri.net", title=r"sucuri website firewall\b.*", below=None),
)
#: In the order they are confirmed: challenges, then paywalls, then consent walls.
_WEAK_MARKERS = (
    _challenge("Cloudflare", "/cdn-cgi/challenge-platform/h/", "__cf_chl_", "cf-browser-verification",
               "hecking your browser before accessing", title=r"just a moment(?:\.\.\.|…)?"),
    _challenge("DataDome", "captcha-delivery.com"),
    _challenge("PerimeterX", "px-captcha", "ress &amp; Hold", "ress & Hold",
               title=r"access to this page has been denied\.?"),
    _challenge("Imperva", "_Incapsula_Resource", title=r"pardon our interruption(?:\.\.\.|…)?"),
    _challenge("Akamai", "eference&#32;&#35;", "errors.edgesuite.net"),
    _challenge("AWS WAF", "awswaf.com", "gokuProps"),
    _challenge(None, "erify you are human", "erify you are a human", "re you a robot?",
               title=r"access denied|robot or human\??"),
    _challenge("hCaptcha", "h-captcha", "hcaptcha.com", below=CAPTCHA_ONLY_CHARS),
    _challenge("reCAPTCHA", "g-recaptcha", "/recaptcha/", below=CAPTCHA_ONLY_CHARS),
    _paywall("subscribers only", "ubscribe to continue reading", "ubscribe now to continue reading",
             "ubscribe to keep reading", "or subscribers only", "is for subscribers", "nly available to subscribers",
             "réservée aux abonnés"),
    _paywall("subscribers only", "l vous reste ", confirm=r"[Ii]l vous reste \d+(?:[.,]\d+)?\s?%"),
    _paywall("Piano", "tp-modal", "tp-backdrop", confirm=r"class=[\"']?[^\"'>]*\btp-(?:modal|backdrop)\b"),
    _paywall("isAccessibleForFree: false", "isAccessibleForFree", below=TINY_PAGE_CHARS,
             confirm=r"\"isAccessibleForFree\"\s*:\s*\"?(?:false|False|FALSE)\b|itemprop=[\"']?isAccessibleForFree"
             r"[\"']?\s+content=[\"']?(?:false|False)\b"),
    _consent("Sourcepoint", "sp_message_", "privacy-mgmt.com"),
    _consent("OneTrust", "onetrust-consent-sdk", "cdn.cookielaw.org"),
    _consent("Quantcast", "qc-cmp2", "cmp.quantcast.com"),
    _consent("Didomi", "didomi"),
    _consent("Google Funding Choices", "fc-consent-root", "fundingchoicesmessages.google.com"),
    _consent("Cookiebot", "ookiebot"),
    _consent("Usercentrics", "usercentrics"),
    _consent("consent form", "e value your privacy", "efore you continue to Google", "efore you continue to YouTube"),
)

_INVISIBLE = ("script", "style", "noscript", "template", "svg")
_CHROME = frozenset({"nav", "header", "footer", "aside"})
#: an id or class token that starts like this names a consent manager's element
_CONSENT_TOKEN = re.compile(
    r"onetrust|optanon|sp_message|qc-cmp|didomi|fc-consent|fc-dialog|cybotcookiebot|usercentrics|cmpbox|"
    r"(?:cookie|consent|gdpr|privacy)[-_]?(?:banner|consent|notice|wall|dialog|modal|overlay|form|page|popup|"
    r"bar|container|root|manager)"
)
_PARSER = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def blocked_reason(
    url: str, status: int, headers: Mapping[str, str], html: str, body_text_chars: int | None = None
) -> str | None:
    """Why the page at ``url`` (the final URL) is not an article but a block, or None when it may be one.

    ``headers`` are the response headers (any case, one value each); ``body_text_chars`` is the length of
    the extracted article body when the caller has it: it spares work and decides the paywall rule.
    """
    if status not in INSPECTED_STATUSES:
        return None
    host = (urlsplit(url).hostname or "").rstrip(".")
    if _CONSENT_HOST.fullmatch(host):
        return f"consent wall ({host})"
    header_lines = "\n".join(f"{name.strip().lower()}: {value.strip().lower()}" for name, value in headers.items())
    for reason, pattern in _DECISIVE_HEADERS:
        if pattern.search(header_lines):
            return reason
    title = _title(html)
    for marker in _DECISIVE_MARKERS:
        if marker.found(html, title):
            return marker.reason(header_lines)
    if body_text_chars is not None and body_text_chars >= ARTICLE_MIN_CHARS:
        return None
    visible: int | None = None
    for marker in _WEAK_MARKERS:
        if marker.below is None or not marker.found(html, title):
            continue
        if marker.kind is _Kind.PAYWALL and body_text_chars is not None:
            chars = body_text_chars
        else:
            visible = _visible_chars(html) if visible is None else visible
            chars = visible
        if chars < marker.below:
            return marker.reason(header_lines)
    return None


def _vendor(header_lines: str) -> str:
    return next((vendor for vendor, pattern in _VENDOR_HEADERS if pattern.search(header_lines)), "unknown vendor")


def _title(html: str) -> str:
    """The page's ``<title>``, entities decoded, whitespace collapsed, lower-cased."""
    match = _TITLE.search(html)
    return " ".join(html_entities.unescape(match.group(1)).split()).lower() if match else ""


def _visible_chars(html: str) -> int:
    """How many characters of text a reader sees in the page's body, outside page chrome and consent dialogs."""
    if len(html) > MAX_PARSED_CHARS:
        return len(html)
    try:
        root = lxml_html.document_fromstring(html.encode("utf-8", "replace"), parser=_PARSER)
    except (etree.ParserError, ValueError):
        return 0
    body = root.find("body")
    if body is None:
        return 0
    etree.strip_elements(body, *_INVISIBLE, with_tail=False)
    dropped = [element for element in body.iterdescendants() if element.tag in _CHROME or _is_consent(element)]
    for element in dropped:
        if _is_aside(element):
            element.drop_tree()
    return _text_length(body)


def _is_consent(element: lxml_html.HtmlElement) -> bool:
    tokens = f"{element.get('id', '')} {element.get('class', '')}".lower().split()
    return any(_CONSENT_TOKEN.match(token) for token in tokens)


def _is_aside(element: lxml_html.HtmlElement) -> bool:
    """Whether a chrome or consent element is really beside the content, not a wrapper around it."""
    if element.find(".//article") is not None or element.find(".//main") is not None:
        return False
    return _text_length(element) <= MAX_DROPPED_CHARS


def _text_length(element: lxml_html.HtmlElement) -> int:
    return len(" ".join(element.text_content().split()))
