"""``run_crawls``: the crawl process's own settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.scheduler.test_cli import write_config

SCRIPT = """
import gc, sys
from crawler.config import load_config
from scheduler.crawl import GC_THRESHOLD, run_crawls
from storage.migrate import upgrade
from storage.session import database
config = load_config(sys.argv[1])
upgrade(database(config.database.url).engine)
before = gc.get_threshold()
during = []
results = run_crawls(config, list(config.sources), lambda result: during.append(gc.get_threshold()))
print(before[0], [threshold == (GC_THRESHOLD, *before[1:]) for threshold in during], [r.source for r in results])
"""


def test_a_crawl_process_collects_its_young_garbage_less_often(tmp_path: Path) -> None:
    config = write_config(tmp_path, f"sqlite:///{tmp_path}/accords.db")  # one source, its feed unreachable
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(config)], capture_output=True, text=True,
                            cwd=REPO_ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "700 [True] ['site']"
