"""Loading the article-extraction-benchmark corpus (gzipped pages and their true article bodies)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

#: ``../shared/corpus/article-extraction-benchmark`` beside the repository.
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "article-extraction-benchmark"


@dataclass(frozen=True)
class CorpusPage:
    key: str
    url: str
    html: bytes
    true_body: str


def load_corpus(folder: Path = DEFAULT_CORPUS) -> list[CorpusPage]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        CorpusPage(key=key, url=entry["url"], true_body=entry.get("articleBody", ""),
                   html=gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes()))
        for key, entry in sorted(truth.items())
    ]
