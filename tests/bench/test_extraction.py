"""Body quality on the shared real-page corpus: fails below the agreed floor."""

from __future__ import annotations

import pytest

from bench.corpus import DEFAULT_CORPUS, load_corpus
from bench.extraction import project_normalize, score
from tests.support.environment import in_ci

BODY_F1_FLOOR = 0.955


@pytest.mark.corpus
def test_body_f1_on_the_shared_corpus() -> None:
    if not (DEFAULT_CORPUS / "ground-truth.json").is_file():
        reason = f"corpus not found at {DEFAULT_CORPUS}"
        if in_ci():
            pytest.fail(f"CI=true: {reason}")
        pytest.skip(reason)
    pages = load_corpus(DEFAULT_CORPUS)
    assert len(pages) == 181
    quality = score(pages, project_normalize)
    assert quality.f1 >= BODY_F1_FLOOR, f"body F1 {quality.f1:.4f} below {BODY_F1_FLOOR}"
