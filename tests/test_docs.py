"""The README documents every command, option, config key, export field and setting."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from crawler.config import AccordsConfig, SourceConfig
from scheduler.cli import build_parser
from storage.export import EXPORT_FIELDS, STORY_FIELDS
from storage.models import Base

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("command", sorted(_subcommands()))
def test_every_command_and_option_is_documented(command: str) -> None:
    assert f"`accords {command}" in README
    for action in _subcommands()[command]._actions:
        for option in action.option_strings:
            if option not in ("-h", "--help"):
                assert option in README, f"{command} {option} is not in the README"


def test_global_options_are_documented() -> None:
    for option in ("--config PATH", "--verbose", "ACCORDS_CONFIG", "ACCORDS_DATABASE_URL"):
        assert option in README


def _config_tables() -> list[tuple[str, type[BaseModel]]]:
    tables = [("[[sources]]", SourceConfig)]
    for name, info in AccordsConfig.model_fields.items():
        if name not in ("path", "sources"):
            assert isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel), name
            tables.append((f"[{name}]", info.annotation))
    return tables


@pytest.mark.parametrize(("table", "model"), _config_tables(), ids=lambda value: str(value))
def test_every_config_key_is_documented(table: str, model: type[BaseModel]) -> None:
    section = README.split(f"### `{table}`", 1)[1].split("\n### ", 1)[0]
    for key in model.model_fields:
        assert re.search(rf"^\| `{key}` \|", section, re.MULTILINE), f"{table} {key} is not documented"


def test_every_export_field_is_documented() -> None:
    section = README.split("## Export fields", 1)[1].split("\n## ", 1)[0]
    articles, stories = section.split("With `--story-level`", 1)
    assert re.findall(r"^\| `(\w+)` \|", articles, re.MULTILINE) == list(EXPORT_FIELDS)
    assert re.findall(r"^\| `(\w+)` \|", stories, re.MULTILINE) == list(STORY_FIELDS)


def test_every_table_and_column_is_documented() -> None:
    section = README.split("## Database schema", 1)[1].split("\n## ", 1)[0]
    for table in Base.metadata.sorted_tables:
        assert f"**`{table.name}`**" in section
        for column in table.columns:
            assert f"`{column.name}`" in section, f"{table.name}.{column.name} is not documented"


def test_project_settings_are_documented() -> None:
    from crawler import settings

    for name in dir(settings):
        if name.startswith("ACCORDS_"):
            assert f"`{name}`" in README
