"""`kg --help`: the entry point lists the subcommand groups that are installed."""
from __future__ import annotations

import importlib.util
import subprocess
import sys

from conftest import PROJECT_ROOT
from kg.cli import COMMAND_MODULES, build_parser


def _installed_groups() -> list[str]:
    return [name for name in COMMAND_MODULES if importlib.util.find_spec(name) is not None]


def test_cli_help_lists_subcommands():
    result = subprocess.run([sys.executable, "-m", "kg.cli", "--help"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    commands = set(build_parser()._subparsers._group_actions[0].choices)  # what the groups registered
    assert "neo4j" in commands and len(commands) >= len(_installed_groups())
    for command in commands:
        assert command in result.stdout, f"`kg --help` does not list {command}"


def test_cli_neo4j_help_lists_actions():
    result = subprocess.run([sys.executable, "-m", "kg.cli", "neo4j", "--help"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    for action in ("start", "stop", "status"):
        assert action in result.stdout
