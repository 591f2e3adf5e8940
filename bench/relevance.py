"""Topic relevance on a labelled set: precision, recall and F1 per language and overall.

What it measures: ``crawler.relevance.TopicMatcher`` with the ``[topic]`` of a
config file (the shipped ``accords.toml`` by default) against the hand-labelled
articles in ``bench/data/relevance/*.jsonl`` (one file per language; see the
README there for the labelling rules). For comparison it also scores the plain
keyword baseline of the same config: ``terms`` only, any single match anywhere.

Needs: nothing beyond the project's venv.

``--data bench/data/relevance-holdout`` scores the held-out set instead (70 articles
written after the rules were chosen, by someone who had not seen them).

Run: ``.venv/bin/python -m bench.relevance [--config accords.toml] [--data FOLDER] [--errors]``
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from crawler.config import TopicConfig, load_config
from crawler.relevance import TopicMatcher

DATA = Path(__file__).with_name("data") / "relevance"
DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "accords.toml"


@dataclass(frozen=True)
class Labelled:
    id: str
    language: str
    relevant: bool
    title: str
    description: str
    body: str
    kind: str


@dataclass(frozen=True)
class Scores:
    articles: int
    positives: int
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def load_labelled(folder: Path = DATA) -> list[Labelled]:
    articles = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                raw = json.loads(line)
                articles.append(Labelled(raw["id"], raw["language"], raw["relevant"], raw["title"],
                                         raw.get("description") or "", raw["body"], raw.get("kind", "")))
    return articles


def predictions(topic: TopicConfig, articles: Iterable[Labelled]) -> dict[str, bool]:
    matcher = TopicMatcher(topic)
    return {a.id: matcher.judge(a.title, a.description, a.body, a.language).relevant for a in articles}


def scores(articles: list[Labelled], predicted: dict[str, bool]) -> Scores:
    true_positive = sum(1 for a in articles if a.relevant and predicted[a.id])
    predicted_positive = sum(1 for a in articles if predicted[a.id])
    positives = sum(1 for a in articles if a.relevant)
    precision = true_positive / predicted_positive if predicted_positive else 1.0
    recall = true_positive / positives if positives else 1.0
    return Scores(len(articles), positives, precision, recall)


def keyword_baseline(topic: TopicConfig) -> TopicConfig:
    """The config's ``terms`` alone: one match anywhere is enough, no context, no exclusions."""
    return TopicConfig(name=topic.name, terms=topic.terms, min_score=0.5)


def report(articles: list[Labelled], predicted: dict[str, bool]) -> dict[str, Scores]:
    languages = sorted({a.language for a in articles})
    table = {language: scores([a for a in articles if a.language == language], predicted) for language in languages}
    table["all"] = scores(articles, predicted)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    parser.add_argument("--data", type=Path, default=DATA,
                        help="folder of labelled *.jsonl (default bench/data/relevance; held out: "
                        "bench/data/relevance-holdout)")
    parser.add_argument("--errors", action="store_true", help="list the misjudged articles")
    args = parser.parse_args()
    topic = load_config(args.config).topic
    articles = load_labelled(args.data)
    ours = predictions(topic, articles)
    baseline = predictions(keyword_baseline(topic), articles)
    print(f"{len(articles)} labelled articles, {sum(a.relevant for a in articles)} about the topic")
    print(f"{'language':<9} {'n':>4} {'pos':>4} {'precision':>9} {'recall':>7} {'F1':>6}   "
          f"{'baseline P':>10} {'R':>6} {'F1':>6}")
    ours_table, base_table = report(articles, ours), report(articles, baseline)
    for language, row in ours_table.items():
        base = base_table[language]
        print(f"{language:<9} {row.articles:>4} {row.positives:>4} {row.precision:>9.3f} {row.recall:>7.3f} "
              f"{row.f1:>6.3f}   {base.precision:>10.3f} {base.recall:>6.3f} {base.f1:>6.3f}")
    if args.errors:
        for article in articles:
            if ours[article.id] != article.relevant:
                verdict = TopicMatcher(topic).judge(article.title, article.description, article.body,
                                                    article.language)
                print(f"{article.id} labelled {article.relevant} ({article.kind}): {verdict.rule}, "
                      f"score {verdict.score}, {sorted(verdict.matched_terms)} | {article.title}")


if __name__ == "__main__":
    main()
