"""Content fingerprints for duplicate detection.

- ``content_hash``: SHA-256 of the body with case, punctuation and whitespace
  folded; equal hashes are exact duplicates.
- ``band_keys``: MinHash (datasketch, 128 permutations) over word shingles,
  cut into 32 bands of 4 rows, each band hashed to one 63-bit key: articles
  sharing a key are near-duplicate candidates (the keys live in an indexed
  table, so finding candidates costs the same with 1,000 or 1,000,000 stored
  articles). The article's lead (its first 40 and 80 words) is banded too, so
  a teaser and the full story meet.
- ``similarity``: the exact check of a candidate, the larger of the shingle
  sets' Jaccard index and the share of the shorter text found in the longer one
  (a teaser inside its full story).
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from dataclasses import dataclass
from functools import cache
from hashlib import blake2b, sha1, sha256
from struct import Struct
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasketch import MinHash

from crawler._phrases import fold

SHINGLE_WORDS = 4
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
#: the lead is banded at these lengths too, so a teaser meets its full story
LEAD_WORDS = (40, 80)
#: datasketch's permutation scheme (its default since 2.0); stored band keys depend on it
MINHASH_SCHEME = "affine32"
#: below this many shingles the shorter text is too small to be called "contained"
MIN_CONTAINED_SHINGLES = 15
_WORD = re.compile(r"\w+")
_UINT64 = Struct("<Q")
_UINT32 = Struct("<I")


@dataclass(frozen=True)
class Fingerprint:
    content_hash: str
    band_keys: tuple[int, ...]
    shingles: frozenset[int]


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def content_hash(body: str) -> str:
    return _words_hash(words(body))


def _words_hash(tokens: list[str]) -> str:
    return sha256(" ".join(tokens).encode("utf-8")).hexdigest()


def shingles(tokens: list[str]) -> frozenset[int]:
    """Hashed word shingles (a text shorter than one shingle is one shingle)."""
    return frozenset(_shingle_hashes(tokens))


def _shingle_hashes(tokens: list[str]) -> list[int]:
    """The hash of the shingle starting at each word, in text order (``_hash64``, written out: a call per
    shingle was a fifth of the fingerprint's time)."""
    size = min(SHINGLE_WORDS, len(tokens)) or 1
    return [int.from_bytes(blake2b(" ".join(tokens[i : i + size]).encode(), digest_size=8).digest(), "big") >> 1
            for i in range(max(1, len(tokens) - size + 1))]


def _minhash_inputs(hashes: list[int]) -> list[int]:
    """Each shingle hash packed in 8 bytes and hashed by datasketch's default ``hashfunc`` (``sha1_hash32``,
    written out), as ``MinHash.update_batch`` would hash it."""
    return [_UINT32.unpack_from(sha1(_UINT64.pack(value)).digest())[0] for value in hashes]


def fingerprint(body: str) -> Fingerprint:
    tokens = words(body)
    hashes = _shingle_hashes(tokens)
    # Each shingle is hashed for the MinHash once, not once per banded text: the lead's shingles are
    # the first ones of the whole text's, and a MinHash is the minimum over its values, repeats or not.
    minhash_inputs = _minhash_inputs(hashes)
    keys = set(_band_keys(minhash_inputs))
    for lead in LEAD_WORDS:
        if len(tokens) > lead:
            keys.update(_band_keys(minhash_inputs[: lead - SHINGLE_WORDS + 1]))
    return Fingerprint(_words_hash(tokens), tuple(sorted(keys)), frozenset(hashes))


def similarity(a: frozenset[int], b: frozenset[int]) -> float:
    """max(Jaccard, containment of the smaller set in the larger)."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    jaccard = common / len(a | b)
    smaller = min(len(a), len(b))
    contained = common / smaller if smaller >= MIN_CONTAINED_SHINGLES else 0.0
    return max(jaccard, contained)


@dataclass(frozen=True)
class BodySimilarity:
    """``storage.stories.DuplicateCheck``: bodies at or above ``threshold`` are copies."""

    threshold: float

    def similarity(self, body: str, other: str) -> float:
        return similarity(shingles(words(body)), shingles(words(other)))


def _minhash_class() -> type[MinHash]:
    """datasketch's ``MinHash`` without the rest of the package.

    ``import datasketch`` also imports its LSH indexes, and with them SciPy: 60 MiB more in every
    crawl and extraction process, for classes this module never uses. The package's ``__init__`` is
    skipped by importing ``datasketch.minhash`` under a bare package module; the modules this loaded
    are then forgotten, so that a later ``import datasketch`` anywhere runs as usual.
    """
    if "datasketch" in sys.modules:
        return sys.modules["datasketch"].MinHash
    spec = importlib.util.find_spec("datasketch")
    assert spec is not None, "datasketch is a dependency"
    before = set(sys.modules)
    sys.modules["datasketch"] = importlib.util.module_from_spec(spec)
    try:
        return importlib.import_module("datasketch.minhash").MinHash
    finally:
        for name in set(sys.modules) - before:
            if name == "datasketch" or name.startswith("datasketch."):
                del sys.modules[name]


@cache
def _template() -> MinHash:
    """A MinHash of ``NUM_PERM`` permutations, the default seed and ``MINHASH_SCHEME``: its permutations are drawn once
    (and datasketch, with NumPy, is loaded on the first fingerprint, not by importing this module)."""
    return _minhash_class()(num_perm=NUM_PERM, scheme=MINHASH_SCHEME)


def _band_keys(minhash_inputs: list[int]) -> list[int]:
    """The band keys of a shingle set, given each shingle's MinHash input: its hash packed in 8 bytes
    and hashed by datasketch's default ``hashfunc``, as ``MinHash.update_batch`` would."""
    template = _template()
    minhash = type(template)(num_perm=NUM_PERM, permutations=template.permutations, scheme=template.scheme,
                             hashfunc=_already_hashed)
    minhash.update_batch(minhash_inputs)
    values = minhash.hashvalues.tolist()
    return [
        _hash64(f"{band}:" + ",".join(map(str, values[band * ROWS : (band + 1) * ROWS])))
        for band in range(BANDS)
    ]


def _already_hashed(value: int) -> int:
    return value


def _hash64(text: str) -> int:
    """A signed 63-bit hash, storable in a BIGINT column."""
    return int.from_bytes(blake2b(text.encode("utf-8"), digest_size=8).digest(), "big") >> 1
