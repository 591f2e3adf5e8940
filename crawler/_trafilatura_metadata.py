"""trafilatura's metadata heuristics, one field at a time: the last resort for a title, a byline or a date.

``trafilatura.extract_metadata`` computes every field (title, author, URL, date, site name,
categories, tags, licence) and copies the whole page twice on the way: once for its byline search
and once inside htmldate. A page reaches this module only for the fields it declares nowhere else,
and at most three of them, so ``TrafilaturaMetadata.get`` computes just the field asked for, with
the same value ``extract_metadata`` gives it (tests/crawler/test_trafilatura_metadata.py compares
them on every fixture page and on the shared corpus). Averaged over the throughput bench's pages,
that took the byline from 4.8 to 1.4 ms per page (about half the pages need it) and the date from
2.6 to 0.7 ms (about one in six).
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable
from typing import Any

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura import metadata
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.json_metadata import normalize_authors
from trafilatura.settings import Document
from trafilatura.utils import trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS

from crawler._author_xpaths import author_candidates, discarded

#: the longest byline ``extract_author`` accepts (its ``len_limit``), in characters, exclusive
_BYLINE_LIMIT = 120


class TrafilaturaMetadata:
    """The page's ``title``, ``author`` and ``date`` as ``trafilatura.extract_metadata`` finds them,
    each computed on first use only. ``tree`` is read, never changed."""

    def __init__(self, tree: HtmlElement, url: str) -> None:
        self._tree = tree
        self._url = url
        self._declared: Document | None = None
        self._values: dict[str, Any] = {}
        self._fields: dict[str, Callable[[], Any]] = {
            "title": self._title, "author": self._author, "date": self._date}

    def get(self, key: str) -> Any:
        if key not in self._values:
            self._values[key] = _trimmed(self._fields[key]())
        return self._values[key]

    def _declared_metadata(self) -> Document:
        """What ``extract_metadata`` takes from meta tags and JSON-LD, before its heuristics."""
        if self._declared is None:
            document = metadata.examine_meta(self._tree)
            if document.author and " " not in document.author:
                document.author = None
            # as in extract_metadata: a bug in trafilatura's JSON-LD reader costs only those values
            with contextlib.suppress(Exception):
                document = metadata.extract_meta_json(self._tree, document)
            self._declared = document
        return self._declared

    def _title(self) -> str | None:
        return self._declared_metadata().title or metadata.extract_title(self._tree)

    def _author(self) -> str | None:
        return self._declared_metadata().author or byline(self._tree)

    def _date(self) -> str | None:
        """htmldate's date, given the page's URL as ``extract_metadata`` gives it (htmldate works on a
        copy of a tree it is given)."""
        url = self._declared_metadata().url or metadata.extract_url(self._tree, self._url)
        # without htmldate's "extensive" guessing: it reads a footer's copyright year as a date
        return find_date(self._tree, url=url, extensive_search=False, original_date=True)


def byline(tree: HtmlElement) -> str | None:
    """``trafilatura.metadata.extract_author(tree)``, without copying and pruning the whole page.

    ``extract_author`` copies the page, prunes the copy of what ``AUTHOR_DISCARD_XPATHS`` match
    (comments, dates, figures, sidebars…), and takes the first element ``AUTHOR_XPATHS`` match whose
    text looks like a byline. Both lists test only an element's own name and attributes (and, once, a
    child), so pruning never makes a new candidate: a candidate survives unless it or an ancestor is
    discarded, and its text is that of its own subtree, pruned. So only the surviving candidates are
    copied and pruned: a few small subtrees instead of the page, none on a page without a candidate.
    The expressions themselves are evaluated in one pass (crawler/_author_xpaths.py).
    """
    for candidates in author_candidates(tree):
        for candidate in candidates:
            if any(discarded(element, tree) for element in (candidate, *candidate.iterancestors())):
                continue
            pruned = prune_unwanted_nodes(copy.deepcopy(candidate), AUTHOR_DISCARD_XPATHS)
            text = trim(" ".join(pruned.itertext()))
            if text and 2 < len(text) < _BYLINE_LIMIT:
                return normalize_authors(None, text)
    return None


def _trimmed(value: Any) -> Any:
    """``value`` as ``Document.clean_and_trim`` leaves a text field (``extract_metadata``'s last step)."""
    if not isinstance(value, str):
        return value
    document = Document()
    document.title = value
    document.clean_and_trim()
    return document.title
