"""URL rules: the canonical form an article is stored under, site scope and non-HTML links.

``canonical_url`` = courlan's normalisation (lower-case host, default port
dropped, tracking parameters such as ``utm_*``, ``fbclid``, ``gclid``,
``mc_cid``/``mc_eid`` removed, query sorted) followed by w3lib's
``canonicalize_url`` (fragment dropped, percent-encoding made uniform).
A source can keep parameters that identify an article (``keep_query_params``)
and drop more (``drop_query_params``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import normalize_url
from w3lib.url import add_or_replace_parameters, canonicalize_url, url_query_cleaner

_DEFAULT_PORTS = {"http": 80, "https": 443}
_MORE_NON_HTML_EXTENSIONS = frozenset({
    ".json", ".xml", ".rss", ".atom", ".gz", ".webp", ".avif", ".svg", ".m3u8", ".vtt",
})


@dataclass(frozen=True)
class QueryRules:
    """A source's overrides: query parameters that identify an article, and more to drop."""

    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()


def canonical_url(url: str, rules: QueryRules = QueryRules()) -> str:
    """The key an article is stored under; equal for every variant of one page's URL."""
    keep = set(rules.keep)
    kept = {k: v for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True) if k in keep}
    if rules.drop:
        url = url_query_cleaner(url, list(rules.drop), remove=True, keep_fragments=True)
    normalized = normalize_url(url, strict=False)
    if kept:
        normalized = add_or_replace_parameters(normalized, kept)
    return canonicalize_url(normalized, keep_fragments=False)


_AMP_PARAMS = ("amp", "outputType", "output", "amp_js_v")
_MOBILE_HOSTS = ("m.", "mobile.", "amp.")


def desktop_url(url: str) -> str:
    """The regular page of an AMP or mobile URL, for pages that do not name their canonical URL.

    Drops an ``amp``/``mobile`` host prefix, an ``/amp`` path segment or ``.amp``
    suffix, and ``amp``/``outputType=amp`` query parameters.
    """
    parts = urlsplit(url)
    host = parts.netloc
    for prefix in _MOBILE_HOSTS:
        if host.lower().startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
            break
    segments = [s for s in parts.path.split("/") if s.lower() != "amp"]
    path = "/".join(segments) or "/"
    if path.endswith((".amp", ".amp.html")):
        path = path.removesuffix(".html").removesuffix(".amp") + (".html" if path.endswith(".amp.html") else "")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not (k in _AMP_PARAMS and (k == "amp" or v.lower() == "amp"))]
    return urlunsplit((parts.scheme, host, path, urlencode(query), parts.fragment))


def host_and_port(url: str) -> tuple[str, int | None]:
    """Lower-case host and the explicit port when it is not the scheme's default."""
    parts = urlsplit(url)
    port = parts.port
    if port == _DEFAULT_PORTS.get(parts.scheme):
        port = None
    return (parts.hostname or "").lower(), port


def default_domain(url: str) -> str:
    """The scope a configured URL implies: its host without ``www.``, with a non-default port."""
    host, port = host_and_port(url)
    host = host.removeprefix("www.")
    return f"{host}:{port}" if port else host


def in_scope(url: str, domains: Iterable[str]) -> bool:
    """Whether ``url`` is on one of ``domains`` (a domain admits its subdomains).

    A domain written with a port (``127.0.0.1:8080``) admits only that port;
    one without a port admits any port.
    """
    host, port = host_and_port(url)
    for domain in domains:
        name, _, wanted_port = domain.partition(":")
        if wanted_port and port != int(wanted_port):
            continue
        if host == name or host.endswith(f".{name}"):
            return True
    return False


def same_site(url: str, other: str) -> bool:
    """Whether two URLs are on the same host (ignoring ``www.``) and port."""
    return default_domain(url) == default_domain(other)


def looks_like_html(url: str) -> bool:
    """False for links to images, documents, media and archives, judged by the path."""
    extension = posixpath.splitext(urlsplit(url).path)[1].lower()
    return extension not in _non_html_extensions()


@cache
def _non_html_extensions() -> frozenset[str]:
    """Scrapy's list of the extensions its link extractors skip, and a few more. Scrapy is imported on
    first use, not with this module: the extraction workers use this module and never need Scrapy."""
    from scrapy.linkextractors import IGNORED_EXTENSIONS

    return frozenset(f".{ext}" for ext in IGNORED_EXTENSIONS) | _MORE_NON_HTML_EXTENSIONS
