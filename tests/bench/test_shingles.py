from __future__ import annotations

import pytest

from bench.shingles import PageScore, body_score, page_score


def test_identical_text_scores_one() -> None:
    assert page_score("one two three four five", "one two three four five") == PageScore(1.0, 0.0, 0.0)


def test_counts_are_normalised_per_page() -> None:
    # true: 2 shingles, predicted: 3 shingles of which 2 true
    score = page_score("a b c d e", "a b c d e f")
    assert score == PageScore(2 / 3, 1 / 3, 0.0)


def test_empty_prediction_has_no_precision_but_zero_recall() -> None:
    result = body_score([page_score("a b c d", ""), page_score("a b c d", "a b c d")])
    assert (result.precision, result.recall) == (1.0, 0.5)
    assert result.f1 == pytest.approx(2 * 0.5 / 1.5)
