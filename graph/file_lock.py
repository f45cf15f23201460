"""One exclusive `fcntl` file lock, shared by the embedded store's writers and the local Neo4j's starts."""
from __future__ import annotations

import contextlib
import fcntl
from pathlib import Path
from typing import IO, Iterator


def open_lock(path: Path) -> IO[str]:
    """Open (creating it and its folder) the lock file; raises OSError when it cannot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return open(path, "a")


@contextlib.contextmanager
def held(handle: IO[str]) -> Iterator[None]:
    """Hold the exclusive lock on an open lock file for the block (waits for other holders)."""
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Open `path` and hold its exclusive lock for the block."""
    with open_lock(path) as handle, held(handle):
        yield
