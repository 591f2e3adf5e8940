"""The shared real-page corpus for the tests that need it."""

from __future__ import annotations

import pytest

from bench.corpus import DEFAULT_CORPUS, CorpusPage, load_corpus
from tests.support.environment import in_ci


def corpus_pages() -> list[CorpusPage]:
    """The corpus's pages; the test skips when it is absent, and fails under ``CI=true``."""
    if not (DEFAULT_CORPUS / "ground-truth.json").is_file():
        reason = f"corpus not found at {DEFAULT_CORPUS}"
        if in_ci():
            pytest.fail(f"CI=true: {reason}")
        pytest.skip(reason)
    return load_corpus(DEFAULT_CORPUS)
