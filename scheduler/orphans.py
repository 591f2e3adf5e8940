"""A crawl child that must not outlive the worker that started it (``accords worker``).

The worker sets ``ACCORDS_PARENT_PID`` in the child's environment; the child asks Linux to SIGKILL it
when that parent dies (``PR_SET_PDEATHSIG``). A worker killed with SIGKILL thus takes its crawl with
it, its connections close, its source lock is freed, and the task, delivered again, crawls afresh
instead of racing a leftover crawl.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

PARENT_PID_ENV = "ACCORDS_PARENT_PID"
_PR_SET_PDEATHSIG = 1


def die_with_parent_if_asked() -> None:
    """In a crawl child: be killed with the parent named in ``$ACCORDS_PARENT_PID`` (Linux only)."""
    parent = os.environ.get(PARENT_PID_ENV)
    if not parent or not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != int(parent):  # the parent died before the request was made
        os.kill(os.getpid(), signal.SIGKILL)


def child_environment() -> dict[str, str]:
    """The environment for a crawl child that dies with this process."""
    return {**os.environ, PARENT_PID_ENV: str(os.getpid())}
