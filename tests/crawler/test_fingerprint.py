from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from crawler.fingerprint import BodySimilarity, content_hash, fingerprint, similarity

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
