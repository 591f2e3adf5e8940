"""Imported once by the extraction forkserver, before it forks the workers (crawler/extraction.py).

Loads here what every worker would otherwise load on its first pages, each a private copy (the
language model, about 75 MiB; justext's stop words; the country gazetteer), so that the workers
share one copy with the forkserver. ``gc.freeze()`` then keeps the collector from writing to those
objects in the workers, which would copy their memory pages into each worker.
"""

from __future__ import annotations

import gc

from crawler.analysis import load_models
from crawler.extraction import trim_heap

load_models()
gc.collect()
trim_heap()  # what the imports and the model loading left free, before the workers are forked
gc.freeze()
