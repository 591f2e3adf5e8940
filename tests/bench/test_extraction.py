"""Body quality on the shared real-page corpus: fails below the agreed floor."""

from __future__ import annotations

import pytest

from bench.extraction import project_normalize, score
from tests.support.corpus import corpus_pages

BODY_F1_FLOOR = 0.955


@pytest.mark.corpus
def test_body_f1_on_the_shared_corpus() -> None:
    pages = corpus_pages()
    assert len(pages) == 181
    quality = score(pages, project_normalize)
    assert quality.f1 >= BODY_F1_FLOOR, f"body F1 {quality.f1:.4f} below {BODY_F1_FLOOR}"
