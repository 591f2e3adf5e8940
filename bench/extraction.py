"""Body-text quality and speed: ``crawler.normalize`` against trafilatura alone, in one run.

What it measures: over the 181 real article pages of the article-extraction-benchmark
corpus, the body text's precision, recall and F1 with the benchmark's metric
(4-token shingles, per-page normalised counts, mean precision and recall, F1 of
the means) and the milliseconds per page, for

- ``trafilatura``: ``trafilatura.extract(html, url=url)`` with its defaults (the baseline);
- ``normalize``: ``crawler.normalize.normalize(url, html)``, the project's whole
  normalization (all metadata fields included, not just the body).

Timing takes the best of ``--repeat`` passes over the corpus for each extractor.

Needs: the corpus folder (``html/*.html.gz`` and ``ground-truth.json``), by default
``../shared/corpus/article-extraction-benchmark`` beside the repository.

Run: ``.venv/bin/python -m bench.extraction [--corpus PATH] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import trafilatura

from bench.corpus import DEFAULT_CORPUS, CorpusPage, load_corpus
from bench.shingles import BodyScore, body_score, page_score
from crawler.normalize import normalize

Extractor = Callable[[CorpusPage], str]


def trafilatura_alone(page: CorpusPage) -> str:
    return trafilatura.extract(page.html, url=page.url) or ""


def project_normalize(page: CorpusPage) -> str:
    return normalize(page.url, page.html).body


def score(pages: Sequence[CorpusPage], extractor: Extractor) -> BodyScore:
    return body_score([page_score(page.true_body, extractor(page)) for page in pages])


def milliseconds_per_page(pages: Sequence[CorpusPage], extractor: Extractor, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for page in pages:
            extractor(page)
        best = min(best, time.perf_counter() - start)
    return best / len(pages) * 1000


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    pages = load_corpus(args.corpus)
    extractors = {"trafilatura": trafilatura_alone, "normalize": project_normalize}
    for extractor in extractors.values():  # warm caches (models, lxml) before timing
        extractor(pages[0])
    results = {name: (score(pages, fn), milliseconds_per_page(pages, fn, args.repeat))
               for name, fn in extractors.items()}
    print(f"corpus: {args.corpus} ({len(pages)} pages)")
    print(f"{'extractor':<12} {'precision':>9} {'recall':>7} {'F1':>6} {'ms/page':>8}")
    for name, (quality, ms) in results.items():
        print(f"{name:<12} {quality.precision:9.4f} {quality.recall:7.4f} {quality.f1:6.4f} {ms:8.1f}")
    base_ms, ours_ms = results["trafilatura"][1], results["normalize"][1]
    print(f"normalize / trafilatura time: {ours_ms / base_ms:.2f}x; "
          f"F1 gain: {results['normalize'][0].f1 - results['trafilatura'][0].f1:+.4f}")


if __name__ == "__main__":
    main()
