"""The one translation of Neo4j driver errors into the project's errors, one wording per kind.

Every place that talks to Neo4j through the driver (the store, its schema and console calls, the
app) wraps the call in `neo4j_errors(uri, database)` or calls `translate(exc, uri)`:

    kind                               error               message (one line)
    credentials refused                StoreUnavailable    Neo4j at URI refused the credentials (…)
    server not there / connection lost StoreUnavailable    Neo4j unreachable at URI (reason)
    database missing                   StoreUnavailable    Neo4j at URI has no database 'x'
    memory / transaction limits        StoreResourceError  Neo4j at URI ran out of … (setting): …
    console: write refused             QueryRefused        read-only console: writes are refused (…)
    console: timeout                   QueryRefused        query stopped at the N s timeout
    console: any other Cypher error    QueryRefused        Cypher error: …
    any other server error             StoreUnavailable    Neo4j at URI failed the request (code: …)
    text that is not valid Unicode     ConfigError         the text is not valid Unicode (…)

URIs are always shown without credentials (`redact`).
"""
from __future__ import annotations

import contextlib
import re
from typing import Iterator

from neo4j import exceptions as nx_exc

from common.errors import ConfigError, KGError, QueryRefused, StoreResourceError, StoreUnavailable

BAD_TEXT = "the text is not valid Unicode (a lone surrogate, e.g. from non-UTF-8 bytes); nothing was run"
# Errors that mean "the server is not there (now)".
UNAVAILABLE = (nx_exc.ServiceUnavailable, nx_exc.SessionExpired, OSError)
# Server status codes (and GQL statuses) of exhausted resources, with the setting that bounds each.
RESOURCE_CODES = {
    "MemoryPoolOutOfMemoryError": "the transaction memory pool",       # 51N72: *.memory.transaction.total.max
    "TransactionOutOfMemoryError": "the transaction memory limit",      # 51N73: db.memory.transaction.max
    "TransactionMemoryLimit": "the transaction memory limit",
    "OutOfMemoryError": "heap memory",                                  # the JVM heap (server.memory.heap.max_size)
    "MaximumTransactionLimitReached": "concurrent transactions",         # 51N74: db.transaction.concurrent.maximum
    "StackOverFlowError": "stack",
}
RESOURCE_GQL = {"51N72": "the transaction memory pool", "51N73": "the transaction memory limit",
                "51N74": "concurrent transactions"}
_SETTING = re.compile(r"\b((?:dbms|db|server)\.[a-z_.]+)\b")


def redact(uri: str) -> str:
    """The URI without any user:password@ part (never show credentials)."""
    return re.sub(r"//[^/@]*@", "//", uri)


def _first_line(exc: BaseException, limit: int = 200) -> str:
    text = (getattr(exc, "message", None) or str(exc)).strip()
    return text.splitlines()[0][:limit] if text else type(exc).__name__


def resource_kind(exc: BaseException) -> str | None:
    """What ran out, when `exc` is a server error about memory or transaction limits; else None."""
    if not isinstance(exc, nx_exc.Neo4jError):
        return None
    code = exc.code or ""
    for key, what in RESOURCE_CODES.items():
        if code.endswith("." + key):
            return what
    gql = getattr(exc, "gql_status", None) or ""
    return RESOURCE_GQL.get(gql)


def _at(uri: str | None) -> str:
    return f" at {redact(uri)}" if uri else ""


def translate(exc: BaseException, uri: str | None = None, database: str | None = None,
              console_timeout_s: float | None = None) -> KGError:
    """The project's error for a driver/server error. `console_timeout_s` is set for console
    queries, whose server errors are the user's query's (QueryRefused)."""
    if isinstance(exc, KGError):
        return exc
    if isinstance(exc, UnicodeEncodeError):
        return QueryRefused(BAD_TEXT) if console_timeout_s is not None else ConfigError(BAD_TEXT)
    if isinstance(exc, nx_exc.AuthError):
        return StoreUnavailable(f"Neo4j{_at(uri)} refused the credentials (check NEO4J_USER/NEO4J_PASSWORD)")
    if isinstance(exc, UNAVAILABLE):
        reason = re.search(r"reason \[Errno \d+\] ([^)\]]+)", str(exc))
        detail = reason.group(1) if reason else _first_line(exc).rstrip(":")
        return StoreUnavailable(f"Neo4j unreachable{_at(uri)} ({detail})")
    what = resource_kind(exc)
    if what:
        msg = _first_line(exc, 300)
        setting = _SETTING.search(msg)
        hint = f" ({setting.group(1)})" if setting else ""
        return StoreResourceError(
            f"Neo4j{_at(uri)} ran out of {what}{hint}: the transaction was rolled back "
            f"({msg.rstrip('.')}); give the server more memory (KG_NEO4J_HEAP for the local engine) "
            f"or ask for less")
    if isinstance(exc, nx_exc.Neo4jError):
        code = exc.code or ""
        msg = _first_line(exc, 300 if console_timeout_s is not None else 200)
        if "DatabaseNotFound" in code:
            return StoreUnavailable(f"Neo4j{_at(uri)} has no database {database!r}")
        if console_timeout_s is not None:
            low = msg.lower()
            if "AccessMode" in code or "Forbidden" in code or ("write" in low and "read" in low):
                return QueryRefused(f"read-only console: writes are refused ({msg})")
            if "Timeout" in code or "TimedOut" in code or "terminated" in low:
                return QueryRefused(f"query stopped at the {console_timeout_s:g} s timeout")
            return QueryRefused(f"Cypher error: {msg}")
        return StoreUnavailable(f"Neo4j{_at(uri)} failed the request ({code}: {msg})")
    if isinstance(exc, nx_exc.DriverError):
        return StoreUnavailable(f"Neo4j{_at(uri)} failed the request ({type(exc).__name__}: {_first_line(exc)})")
    raise TypeError(f"not a Neo4j error: {type(exc).__name__}")


@contextlib.contextmanager
def neo4j_errors(uri: str | None = None, database: str | None = None,
                 console_timeout_s: float | None = None) -> Iterator[None]:
    """Run a block of driver calls; driver and server errors leave it as the project's errors."""
    try:
        yield
    except (nx_exc.Neo4jError, nx_exc.DriverError, OSError, UnicodeEncodeError) as exc:
        raise translate(exc, uri, database, console_timeout_s) from exc


def is_driver_error(exc: BaseException) -> bool:
    """True for the errors `translate` knows (the app uses it to word an unexpected failure)."""
    return isinstance(exc, (nx_exc.Neo4jError, nx_exc.DriverError))
