"""accords report: a self-contained HTML file whose charts Chromium draws (both databases)."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from crawler.fingerprint import BodySimilarity, fingerprint
from scheduler.cli import main
from storage.articles import ArticleRow, store_articles
from storage.migrate import upgrade
from storage.models import RunStatus
from storage.runs import RunCounts, ensure_source, finish_run, start_run
from storage.session import make_engine
from tests.support.environment import in_ci

DAY = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0) - timedelta(days=3)
BODY = " ".join(f"Sentence {i} on the Abraham Accords water summit in Abu Dhabi." for i in range(20))


@pytest.fixture
def report(database_url: str, tmp_path: Path) -> str:
    engine = make_engine(database_url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        check = BodySimilarity(0.5)
        for index, (source, language, countries) in enumerate(
                [("wire", "en", {"AE": 2}), ("daily", "fr", {"AE": 1, "IL": 1}), ("gazette", "ar", {"MA": 1})]):
            source_id = ensure_source(session, source, language)
            body = BODY if index < 2 else "قصة مختلفة عن المغرب واتفاقيات أبراهام. " * 20
            prints = fingerprint(body)
            store_articles(session, source_id, None, [ArticleRow(
                canonical_url=f"https://{source}/story", url=f"https://{source}/story", title=f"Story <{source}>",
                body=body, word_count=len(body.split()), relevance_score=2.0, fetched_at=DAY,
                published_at=DAY + timedelta(days=index), language=language, countries=countries,
                content_hash=prints.content_hash, band_keys=prints.band_keys)], check)
            finish_run(session, start_run(session, source_id), RunStatus.OK, RunCounts(4, 1, 0, 0), {})
    engine.dispose()
    config = tmp_path / "accords.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[topic]\nname = "Accords"\nterms = ["x"]\n'
                      + "".join(f'[[sources]]\nname = "{s}"\nfeeds = ["https://{s}/feed"]\n'
                                for s in ("wire", "daily", "gazette")), encoding="utf-8")
    output = tmp_path / "report.html"
    assert main(["--config", str(config), "report", "--output", str(output)]) == 0
    return output.read_text(encoding="utf-8")


def test_report_content(report: str) -> None:
    assert report.count("<svg") == 5
    assert "<h1>Accords: coverage report</h1>" in report
    assert "3 relevant article(s), all time" in report
    assert "<a href='https://wire/story'>Story &lt;wire&gt;</a>" in report  # the story of two outlets leads
    assert "<td>2</td><td>1</td><td>daily, wire</td>" in report
    for source in ("wire", "daily", "gazette"):
        assert f"<tr><td>{source}</td><td>every 1h</td>" in report
    assert not re.search(r"<(script|link|img)\b", report)  # nothing to fetch: renders offline


def test_report_renders_in_headless_chromium(report: str, tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if in_ci():
            pytest.fail("CI=true: chromium is not installed (make test installs Debian's chromium)")
        pytest.skip("chromium is not installed (make test installs it with apt-get when it can)")
    page = tmp_path / "report.html"
    page.write_text(report, encoding="utf-8")
    shot = tmp_path / "report.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--window-size=1200,3400", f"--screenshot={shot}", page.as_uri()],
            capture_output=True, timeout=120, check=True,
        )
    width, height, pixels = _read_png(shot.read_bytes())
    # each chart draws coloured bars: count clearly coloured (non-grey) pixels
    coloured = sum(1 for r, g, b in pixels if max(r, g, b) - min(r, g, b) > 60)
    assert (width, height) == (1200, 3400)
    assert coloured > 5000, f"only {coloured} coloured pixels: charts not drawn"


def _read_png(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Decode an 8-bit RGB/RGBA PNG (what Chromium writes) into pixels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, [], b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6)
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    previous = bytearray(stride)
    pixels: list[tuple[int, int, int]] = []
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, up_left = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else up_left)) & 255
        pixels += [tuple(line[i:i + 3]) for i in range(0, stride, channels)]  # type: ignore[misc]
        previous = line
    return width, height, pixels
