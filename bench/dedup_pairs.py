"""Labelled duplicate / non-duplicate pairs built from the corpus bodies, for ``bench/dedup.py``.

True duplicates of an article body: the same text with another site's leftovers
around it (byline, share line, copyright), with an update paragraph added, with
its first sentence rewritten (a changed headline and lede), and its opening
paragraphs alone (a teaser of the full text). True non-duplicates: two different
articles from the same site (same template), the most similar pairs of different
articles in the corpus (same topic), and a follow-up story that quotes a
paragraph of the original. The project's own fixture pages (tests/crawler/pages,
34 articles in five languages, several on the same topics) add their syndicated
copies as duplicates and every pair of different fixture articles as non-duplicates.
"""

from __future__ import annotations

import itertools
import json
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.corpus import CorpusPage
from crawler.fingerprint import fingerprint, similarity
from crawler.normalize import normalize

MIN_WORDS = 120
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "crawler" / "pages"


@dataclass(frozen=True)
class Pair:
    kind: str
    first: str
    second: str
    duplicate: bool


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n") if p.strip()]


def build_pairs(pages: Sequence[CorpusPage], seed: int = 7) -> list[Pair]:
    rng = random.Random(seed)
    usable = [p for p in pages if len(p.true_body.split()) >= MIN_WORDS and len(_paragraphs(p.true_body)) >= 4]
    pairs: list[Pair] = []
    for page in usable:
        body = page.true_body
        paragraphs = _paragraphs(body)
        pairs.append(Pair("other site's leftovers", body,
                          "By Staff Reporter\n" + body + "\nShare this article\nCopyright 2026 Partner Media", True))
        pairs.append(Pair("update paragraph added", body, body + "\nUpdate: officials confirmed the figures on "
                          "Thursday and said further details would be published next week.", True))
        first, _, rest = paragraphs[0].partition(". ")
        rewritten = "In a development reported on Tuesday, " + (rest or first)
        pairs.append(Pair("lede rewritten", body, "\n".join([rewritten, *paragraphs[1:]]), True))
        teaser = "\n".join(paragraphs[:2]) if len(" ".join(paragraphs[:2]).split()) >= 40 else "\n".join(paragraphs[:3])
        pairs.append(Pair("teaser vs full text", teaser, body, True))
    by_site: dict[str, list[CorpusPage]] = defaultdict(list)
    for page in usable:
        by_site[urlsplit(page.url).hostname or ""].append(page)
    for site_pages in by_site.values():
        for a, b in itertools.pairwise(site_pages):
            pairs.append(Pair("same site, different story", a.true_body, b.true_body, False))
    prints = [(page, fingerprint(page.true_body).shingles) for page in usable]
    closest = sorted(
        ((similarity(sa, sb), a.true_body, b.true_body)
         for i, (a, sa) in enumerate(prints) for (b, sb) in prints[i + 1 :]),
        reverse=True,
    )[:100]
    pairs += [Pair("most similar different stories", a, b, False) for _, a, b in closest]
    for page in usable:
        other = rng.choice([p for p in usable if p is not page])
        quote = _paragraphs(page.true_body)[1]
        follow_up = "\n".join([*_paragraphs(other.true_body)[:2], f'As reported earlier: "{quote}"',
                               *_paragraphs(other.true_body)[2:]])
        pairs.append(Pair("follow-up quoting a paragraph", page.true_body, follow_up, False))
    return pairs + fixture_pairs()


def fixture_pairs(folder: Path = FIXTURES) -> list[Pair]:
    """Pairs from the fixture pages' extracted bodies (empty when the folder is absent)."""
    bodies = [normalize(json.loads(spec.read_text(encoding="utf-8"))["url"],
                        spec.with_suffix(".html").read_bytes()).body for spec in sorted(folder.glob("*.json"))]
    pairs = [Pair("fixture syndicated copy", body, f"{body}\nThis article first appeared on a partner site.", True)
             for body in bodies]
    pairs += [Pair("fixture different stories", a, b, False)
              for i, a in enumerate(bodies) for b in bodies[i + 1 :]]
    return pairs
