"""The project's documented errors. Each carries a one-line message meant for the user.

Every layer (`extract`, `graph`, `kg`, `ui`) raises or reports these; the CLI and the app print `str(err)` and never a traceback.

Exit codes of `kg` (`EXIT_CODES` maps the error classes to theirs):

    code  meaning                                             raised as / printed by
    0     success
    1     no result (e.g. `kg search` found nothing), other   KGError
    2     an input document cannot be read                    InputError
    3     a name or id matches no entity                      EntityNotFound
    4     the store cannot be reached                         StoreUnavailable
    5     a console query was refused                         QueryRefused
    6     bad arguments (argparse usage errors) or config     ConfigError, kg.cli.KGArgumentParser
    7     the store ran out of a resource (transaction        StoreResourceError
          memory, heap, concurrent transactions)
    130   interrupted (Ctrl-C)                                kg.cli.main
"""
from __future__ import annotations


class KGError(Exception):
    """Base class: a clear one-line problem the user can act on."""
    exit_code = 1


class InputError(KGError):
    """A document cannot be read: missing, empty, binary, encrypted, unsupported, too large."""
    exit_code = 2


class EntityNotFound(KGError):
    """A name or id given by the user matches no entity."""
    exit_code = 3


class StoreUnavailable(KGError):
    """The store cannot be reached (e.g. Neo4j down); the message names the URI tried."""
    exit_code = 4


class QueryRefused(KGError):
    """A console query tried to write, timed out, or is not supported on this backend."""
    exit_code = 5


class ConfigError(KGError):
    """Bad configuration or arguments (unknown backend, bad export format, Java missing, …)."""
    exit_code = 6


class SchemaError(ConfigError, ValueError):
    """A label or relationship type outside the schema's closed sets (graph.model.LABELS / REL_TYPES)."""


class StoreResourceError(KGError):
    """The store is there but ran out of a resource for the request (Neo4j transaction memory,
    heap, concurrent transactions); the request was rolled back. Not StoreUnavailable: retrying
    the same request as is fails the same way."""
    exit_code = 7


EXIT_CODES = {c.__name__: c.exit_code for c in (KGError, InputError, EntityNotFound,
                                                StoreUnavailable, QueryRefused, ConfigError,
                                                StoreResourceError)}
