"""The suite's own set-up for the processes its tests start."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_a_started_process_keeps_its_temporary_files_in_pytests_folder(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    printed = subprocess.run([sys.executable, "-c", "import tempfile; print(tempfile.gettempdir())"],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert printed.startswith(str(tmp_path_factory.getbasetemp()) + "/")
    assert printed.rsplit("/", 1)[-1].startswith("started-processes-tmp")
