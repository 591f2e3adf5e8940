"""Writing export records as Parquet, in row groups, so memory stays flat however many rows.

Column types: integers as int64, ``relevance_score`` as float64, ``relevant`` as
bool, times as ``timestamp[us, UTC]``, lists (authors, tags, outlets,
canonical_urls) as ``list<string>``, objects (matched_terms, field_sources,
countries) as JSON text, everything else as string.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ROW_GROUP = 2000
INTEGERS = frozenset({"id", "word_count", "story_id", "articles", "copies"})
TIMES = frozenset({"published_at", "modified_at", "first_seen_at", "fetched_at"})
LISTS = frozenset({"authors", "tags", "outlets", "canonical_urls"})
OBJECTS = frozenset({"matched_terms", "field_sources", "countries"})


def arrow_type(name: str) -> pa.DataType:
    if name in INTEGERS:
        return pa.int64()
    if name == "relevance_score":
        return pa.float64()
    if name == "relevant":
        return pa.bool_()
    if name in TIMES:
        return pa.timestamp("us", tz="UTC")
    if name in LISTS:
        return pa.list_(pa.string())
    return pa.string()


def write_parquet(records: Iterable[dict[str, Any]], names: Sequence[str], path: Path) -> int:
    schema = pa.schema([(name, arrow_type(name)) for name in names])
    count = 0
    batch: list[dict[str, Any]] = []
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for record in records:
            batch.append({name: _value(name, record[name]) for name in names})
            count += 1
            if len(batch) >= ROW_GROUP:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        if batch or not count:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    return count


def _value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in TIMES:
        return datetime.fromisoformat(value)
    if name in OBJECTS:
        return json.dumps(value, ensure_ascii=False)
    return value
