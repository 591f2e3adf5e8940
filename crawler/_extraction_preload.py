"""Imported once by the extraction forkserver, before it forks the workers (crawler/extraction.py).

Loads here what every worker would otherwise load on its first pages, each a private copy (the
language model, about 75 MiB; justext's stop words; the country gazetteer), so that the workers
share one copy with the forkserver. ``gc.freeze()`` then keeps the collector from writing to those
objects in the workers, which would copy their memory pages into each worker. Nothing it imports
loads Scrapy, Twisted or SQLAlchemy (the crawl process's own, about 45 MiB and half a second here).
"""

from __future__ import annotations

import gc
import os
import sys

from crawler.analysis import load_models
from crawler.extraction import MAIN_SCRIPT_VARIABLE, trim_heap

# The workers run only crawler.analysis: marking the crawl process's main script as this process's
# __main__ makes multiprocessing skip running it in each worker (spawn._fixup_main_from_path).
if main_script := os.environ.get(MAIN_SCRIPT_VARIABLE):
    sys.modules["__main__"].__file__ = main_script

load_models()
gc.collect()
trim_heap()  # what the imports and the model loading left free, before the workers are forked
gc.freeze()
