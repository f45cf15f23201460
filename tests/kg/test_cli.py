"""`kg --help`: the entry point lists the subcommand groups that are installed."""
from __future__ import annotations

import importlib.util

import pytest

from kg.cli import COMMAND_MODULES, build_parser
from tests.support.kg import run_kg_process


def _installed_groups() -> list[str]:
    return [name for name in COMMAND_MODULES if importlib.util.find_spec(name) is not None]


def test_cli_help_lists_subcommands(kg):
    result = kg("--help")
    assert result.returncode == 0, result.stderr
    commands = set(build_parser()._subparsers._group_actions[0].choices)  # what the groups registered
    assert "neo4j" in commands and len(commands) >= len(_installed_groups())
    for command in commands:
        assert command in result.stdout, f"`kg --help` does not list {command}"


def test_cli_neo4j_help_lists_actions(kg):
    result = kg("neo4j", "--help")
    assert result.returncode == 0
    for action in ("start", "stop", "status"):
        assert action in result.stdout


def test_cli_usage_errors_exit_with_the_config_error_code(kg, tmp_path):
    """argparse's own code 2 is InputError's; a bad command line is ConfigError (6): usage, one line."""
    from common.errors import ConfigError, InputError

    data = str(tmp_path / "graph.json")
    for args in (["no-such-command"], ["search"], ["stats", "--backend", "sqlite"], ["search", "x", "--limit", "many"]):
        res = kg(*args, env={"KG_DATA": data, "KG_BACKEND": "memory"})
        assert res.returncode == ConfigError.exit_code != InputError.exit_code, (args, res.stderr)
        lines = res.stderr.strip().splitlines()
        assert lines[0].startswith("usage: kg") and lines[-1].startswith("kg") and ": error: " in lines[-1]
        assert sum(": error: " in ln for ln in lines) == 1 and "Traceback" not in res.stderr
    with pytest.raises(SystemExit) as exc:       # in-process too, for subcommand parsers
        build_parser().parse_args(["search", "x", "--limit", "many"])
    assert exc.value.code == ConfigError.exit_code
    assert kg("--help").returncode == 0


def test_cli_search_without_a_match_says_so_on_one_line(kg, tmp_path):
    res = kg("search", "不存在的机构", env={"KG_DATA": str(tmp_path / "graph.json"), "KG_BACKEND": "memory"})
    assert res.returncode == 1 and res.stdout == ""
    assert res.stderr.strip().splitlines() == [res.stderr.strip()] and "no match for" in res.stderr
    assert "不存在的机构" in res.stderr


@pytest.mark.slow
def test_the_real_process_exits_with_the_codes_main_returns(tmp_path):
    """`python -m kg.cli` (what the `kg` console script runs): main's return value and argparse's
    exit become the process's exit status; stdout and stderr are the process's own."""
    from common.errors import ConfigError

    env = {"KG_DATA": str(tmp_path / "graph.json"), "KG_BACKEND": "memory"}
    assert run_kg_process("--help", env=env, timeout=120).returncode == 0
    usage = run_kg_process("search", "x", "--limit", "many", env=env, timeout=120)
    assert usage.returncode == ConfigError.exit_code and usage.stderr.startswith("usage: kg")
    miss = run_kg_process("search", "不存在的机构", env=env, timeout=120)
    assert miss.returncode == 1 and miss.stdout == "" and "不存在的机构" in miss.stderr
