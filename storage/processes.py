"""Whether a process of this machine still runs: for crawl runs whose process is gone (``storage.runs``)
and for extraction workers watching their crawl process (``crawler.extraction``).

Kept apart from ``storage.runs`` so that importing it does not load SQLAlchemy: the extraction workers
import it and never touch the database.
"""

from __future__ import annotations

import os
from pathlib import Path


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` of this machine is running (a zombie, killed but not yet reaped, is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        state = stat.read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")
