"""Keeping pages (``keep_html``): compressing the raw HTML, zlib-ng against the standard library's zlib.

What it measures: over the 181 real article pages of the article-extraction-benchmark corpus, the CPU
milliseconds per page to compress each page at ``storage.pages.COMPRESSION_LEVEL`` and at a few other
levels, with the standard library's ``zlib`` (the baseline) and with ``zlib_ng`` (what
``storage.pages.page_row`` uses), the compression ratio, and that the standard library reads every
page zlib-ng wrote. Best of ``--repeat`` passes. The crawl compresses on its database thread, in the
crawl process, so this is CPU every kept page costs the crawl.

Run: ``.venv/bin/python -m bench.pages [--corpus PATH] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

from zlib_ng import zlib_ng

from bench.corpus import DEFAULT_CORPUS, load_corpus
from storage.pages import COMPRESSION_LEVEL


def best_ms_per_page(compress: Callable[[bytes, int], bytes], pages: Sequence[bytes], level: int,
                     repeat: int) -> tuple[float, list[bytes]]:
    best, out = float("inf"), []
    for _ in range(repeat):
        started = time.process_time()
        out = [compress(page, level) for page in pages]
        best = min(best, time.process_time() - started)
    return best / len(pages) * 1000, out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    pages = [page.html for page in load_corpus(args.corpus)]
    total = sum(map(len, pages))
    print(f"{len(pages)} pages, {total / len(pages) / 1024:.0f} KiB each on average; "
          f"the crawl's level: {COMPRESSION_LEVEL}")
    print(f"{'level':>5} {'zlib ms/page':>12} {'ratio':>5} {'zlib-ng ms/page':>15} {'ratio':>5} {'speed-up':>8}")
    for level in sorted({1, 3, 4, COMPRESSION_LEVEL, 9}):
        standard_ms, standard = best_ms_per_page(zlib.compress, pages, level, args.repeat)
        ng_ms, ng = best_ms_per_page(zlib_ng.compress, pages, level, args.repeat)
        if any(zlib.decompress(packed) != page for packed, page in zip(ng, pages, strict=True)):
            raise SystemExit(f"the standard library's zlib misread a page zlib-ng compressed at level {level}")
        print(f"{level:>5} {standard_ms:12.2f} {total / sum(map(len, standard)):5.2f} "
              f"{ng_ms:15.2f} {total / sum(map(len, ng)):5.2f} {standard_ms / ng_ms:7.2f}x")


if __name__ == "__main__":
    main()
