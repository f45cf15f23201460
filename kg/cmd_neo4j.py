"""`kg neo4j start|stop|status`: the project's local Neo4j (see graph/local_neo4j.py)."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from graph import local_neo4j


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `neo4j` group to the `kg` parser."""
    parser = subparsers.add_parser(
        "neo4j", help="run the local Neo4j 5.26 (Java, no Docker) on 127.0.0.1",
        description="The local Neo4j test engine: Neo4j 5.26 community embedded, Bolt on 127.0.0.1, "
                    "no auth. Port from --port, else KG_NEO4J_PORT, else 7687. Files under .neo4j/.")
    actions = parser.add_subparsers(dest="neo4j_command", metavar="ACTION", required=True)

    start = actions.add_parser("start", help="start in the background (reuses a running one), print the bolt URI")
    _port_arg(start)
    start.add_argument("--data-dir", help="DBMS home directory (default .neo4j/instances/<port>/db)")
    start.add_argument("--timeout", type=float, default=local_neo4j.START_TIMEOUT_S,
                       help="seconds to wait for Bolt to answer (default %(default)s)")
    start.set_defaults(func=_start)

    stop = actions.add_parser("stop", help="stop the engine on the port (no process left behind)")
    _port_arg(stop)
    stop.add_argument("--all", action="store_true", help="stop every local engine, whatever its port")
    stop.set_defaults(func=_stop)

    status = actions.add_parser("status", help="say whether it runs and answers (exit 0) or not (exit 1)")
    _port_arg(status)
    status.add_argument("--all", action="store_true", help="list every running local engine")
    status.set_defaults(func=_status)


def _port_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", help="Bolt port (default: KG_NEO4J_PORT, else 7687)")


def _start(args: argparse.Namespace) -> int:
    began = time.monotonic()
    st = local_neo4j.start(args.port, data_dir=args.data_dir, timeout=args.timeout)
    if st.reused:
        print(f"already running (pid {st.pid}): {st.uri}")
        if args.data_dir and Path(args.data_dir).expanduser().resolve() != Path(str(st.data_dir)):
            print(f"note: it uses {st.data_dir}, not --data-dir {args.data_dir}; "
                  f"stop it first to switch", file=sys.stderr)
    else:
        print(f"started in {time.monotonic() - began:.1f} s (pid {st.pid}, log {st.log})")
    print(st.uri)
    return 0


def _stop(args: argparse.Namespace) -> int:
    ports = [st.port for st in local_neo4j.running_instances()] if args.all else [args.port]
    if args.all and not ports:
        print("no local Neo4j running")
    for port in ports:
        st = local_neo4j.status(port)
        print(f"stopped ({st.uri})" if local_neo4j.stop(port) else f"not running (port {st.port})")
    return 0


def _status(args: argparse.Namespace) -> int:
    if args.all:
        found = local_neo4j.running_instances()
        for st in found:
            print(st.describe())
        if not found:
            print("no local Neo4j running")
        return 0 if found and all(st.ready for st in found) else 1
    st = local_neo4j.status(args.port)
    print(st.describe())
    return 0 if st.ready else 1
