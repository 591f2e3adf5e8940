from __future__ import annotations

import hashlib
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.fingerprint import (
    BANDS,
    LEAD_WORDS,
    NUM_PERM,
    ROWS,
    SHINGLE_WORDS,
    BodySimilarity,
    _hash64,
    content_hash,
    fingerprint,
    similarity,
    words,
)

STORY = " ".join(
    f"Sentence number {i} describes the water summit agreed by ministers of the accords states." for i in range(30)
)


def test_content_hash_folds_case_punctuation_and_whitespace() -> None:
    assert content_hash("Hello,  World!\n\nSecond line.") == content_hash("hello world second line")
    assert content_hash("Hello world") != content_hash("Hello there world")


def test_copies_share_band_keys_and_are_similar() -> None:
    original, copy = fingerprint(STORY), fingerprint("By Staff. " + STORY + " Share this article.")
    assert set(original.band_keys) & set(copy.band_keys)
    assert similarity(original.shingles, copy.shingles) > 0.9


def test_a_teaser_is_contained_in_its_story() -> None:
    teaser = " ".join(STORY.split()[:60])
    assert set(fingerprint(teaser).band_keys) & set(fingerprint(STORY).band_keys)
    assert BodySimilarity(0.5).similarity(teaser, STORY) == 1.0


def test_different_stories_are_not_similar() -> None:
    other = " ".join(f"Match report {i}: the home side scored twice in the second half." for i in range(30))
    assert similarity(fingerprint(STORY).shingles, fingerprint(other).shingles) < 0.05
    assert not set(fingerprint(STORY).band_keys) & set(fingerprint(other).band_keys)


def test_fingerprints_load_minhash_without_scipy_and_leave_datasketch_importable() -> None:
    script = ("import sys\n"
              "from crawler.fingerprint import fingerprint\n"
              "assert fingerprint('one two three four five six').band_keys\n"
              "assert 'scipy' not in sys.modules and 'datasketch' not in sys.modules\n"
              "from datasketch import MinHash, MinHashLSH\n"
              "import datasketch.minhash\n"
              "print(MinHashLSH.__name__, 'scipy' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["MinHashLSH", "True"]


def reference_band_keys(body: str) -> tuple[int, ...]:
    """Band keys as datasketch computes them, each text's shingles hashed by ``update_batch`` itself."""
    from datasketch import MinHash

    tokens = words(body)
    hashes = [_hash64(" ".join(tokens[i : i + SHINGLE_WORDS])) for i in range(len(tokens) - SHINGLE_WORDS + 1)]
    keys: set[int] = set()
    for shingle_set in [set(hashes)] + [set(hashes[: lead - SHINGLE_WORDS + 1]) for lead in LEAD_WORDS
                                        if len(tokens) > lead]:
        minhash = MinHash(num_perm=NUM_PERM, scheme="affine32")
        minhash.update_batch([struct.pack("<Q", value) for value in shingle_set])
        values = [int(v) for v in minhash.hashvalues]
        keys.update(_hash64(f"{band}:" + ",".join(map(str, values[band * ROWS : (band + 1) * ROWS])))
                    for band in range(BANDS))
    return tuple(sorted(keys))


@pytest.mark.parametrize("body", [
    STORY,
    " ".join(STORY.split()[:60]),
    "Les accords d'Abraham ont été signés le 15 septembre 2020 à Washington. " * 12,
    "اتفاقيات أبراهام للسلام بين الإمارات وإسرائيل والبحرين " * 20,
    " ".join(f"word{number}" for number in range(150)),  # every shingle distinct
])
def test_band_keys_are_datasketchs_minhash_of_each_banded_text(body: str) -> None:
    assert fingerprint(body).band_keys == reference_band_keys(body)


def test_band_keys_are_those_stored_by_earlier_versions() -> None:
    """Stored articles' keys must keep meeting new ones: a change of hashing or of datasketch's scheme fails here."""
    keys = fingerprint(STORY).band_keys
    assert len(keys) == 90
    assert hashlib.sha256(repr(keys).encode()).hexdigest()[:16] == "9ca66f69a8f5b302"
