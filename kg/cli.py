"""`kg`: one command line for extraction, graph building, queries, export and the local Neo4j.

Each group of subcommands lives in its own module with `register(subparsers)`; errors derived from
`common.errors.KGError` are printed as one line (`kg: error: …`) with their exit code, never a traceback.
Bad arguments print the usage and one line, and exit with ConfigError's code (6); see common/errors.py.
"""
from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from common.errors import ConfigError, KGError

# Modules that add subcommands; each defines register(subparsers) and sets args.func.
COMMAND_MODULES = ("kg.cmd_extract", "kg.cmd_graph", "kg.cmd_neo4j")


class KGArgumentParser(argparse.ArgumentParser):
    """argparse whose usage errors exit with ConfigError's code (6) instead of argparse's 2, which
    this project gives to InputError (a document that cannot be read). Subparsers inherit it."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(ConfigError.exit_code, f"{self.prog}: error: {message.replace(chr(10), ' ')}\n")


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = KGArgumentParser(
        prog="kg", description="YRD Policy Graph (长三角政策知识图谱): extract, build, query, export.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # group not installed yet
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except KGError as err:
        print(f"kg: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
