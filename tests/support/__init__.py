"""Helpers shared by the tests (never a test module importing another): paths, CI, skipping.

Modules: `samples` (hand-built DocumentGraphs), `stores` (an empty store per backend), `extracted`
(graphs of the real seeds/corpus), `nasties` (hostile input files), `fuzz` (Hypothesis budgets and
strategies), `synthetic` (big generated graphs), `kg` (the CLI in-process or as a process), `neo4j`
(test-database settings and emptying), `server` (`streamlit run app.py` on a free port), `apptest`
(an AppTest of app.py), `browser` (Chromium through Playwright).
"""
from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def in_ci() -> bool:
    """True when the CI variable is set to anything but an empty/false value."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_or_fail(reason: str) -> None:
    """Skip with `reason` locally; fail in CI, where a missing dependency is a broken setup."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    """A loopback port nothing listens on (bound and released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
