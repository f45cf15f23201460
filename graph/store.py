"""The store contract: one interface, two backends (embedded networkx, Neo4j).

Every query the CLI and the app ask is a method here, and both backends must give the same
answers for the same graph (tests/test_store_contract.py runs one suite over both).
Result types are plain dataclasses so pages and the CLI never see backend objects.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from graph.model import DocumentGraph


@dataclass
class NodeView:
    """A node as returned by queries: id, labels (schema label first), name and properties."""
    id: str
    label: str
    name: str
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass
class EdgeView:
    """A relationship as returned by queries, with its accumulated provenance.

    `evidence` is one dict per supporting sentence: {doc_id, text, start, end, rule}.
    """
    source: str
    type: str
    target: str
    properties: dict[str, Any] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Subgraph:
    """A set of nodes and edges (neighbourhood, path, filter result, export input)."""
    nodes: list[NodeView] = field(default_factory=list)
    edges: list[EdgeView] = field(default_factory=list)
    truncated: bool = False          # True when a node cap cut the result
    node_cap: int | None = None


@dataclass
class SearchHit:
    id: str
    label: str
    name: str
    aliases: list[str]
    score: float


@dataclass
class Responsibility:
    """One (agency, role, measure) row of a who-leads answer, with document and evidence."""
    agency_id: str
    agency: str
    role: str                 # one of ROLE_TYPES
    measure_id: str
    measure: str              # clause/task title
    measure_label: str        # Clause or Task
    number: int | None
    doc_id: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)


@dataclass
class MergeReport:
    documents: int = 0
    nodes_created: int = 0
    relationships_created: int = 0


@dataclass
class Stats:
    nodes: dict[str, int]
    relationships: dict[str, int]
    total_nodes: int
    total_relationships: int

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": self.nodes, "relationships": self.relationships,
                "total_nodes": self.total_nodes, "total_relationships": self.total_relationships}


Progress = Callable[[int], None]


class GraphStore(ABC):
    """Storage and queries. Implementations: `graph.memory_store.MemoryStore`,
    `graph.neo4j_store.Neo4jStore`. Obtain one with `graph.open_store()`."""

    backend: str = ""

    # -- lifecycle and writes ---------------------------------------------------------------
    @abstractmethod
    def describe(self) -> dict[str, Any]:
        """{backend, address, total_nodes, total_relationships} for the sidebar / `kg stats`."""

    @abstractmethod
    def merge(self, graphs: Iterable[DocumentGraph], progress: Progress | None = None) -> MergeReport:
        """Idempotent, all-or-nothing merge of extracted documents; provenance accumulates."""

    @abstractmethod
    def reset(self) -> None:
        """Remove everything."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    # -- reads --------------------------------------------------------------------------------
    @abstractmethod
    def stats(self) -> Stats: ...

    @abstractmethod
    def documents(self) -> list[NodeView]:
        """Document nodes with title, date, kind and `clauses` (clause count)."""

    @abstractmethod
    def search(self, query: str, labels: Sequence[str] | None = None, limit: int = 20) -> list[SearchHit]:
        """Name/alias search: exact > prefix > substring > fuzzy, Chinese-aware."""

    @abstractmethod
    def resolve(self, name_or_id: str) -> str:
        """Id of the entity with this id, canonical name or alias; raises EntityNotFound."""

    @abstractmethod
    def entity(self, entity_id: str) -> tuple[NodeView, list[EdgeView]]:
        """A node and all its relationships (both directions) with evidence."""

    @abstractmethod
    def who_leads(self, entity_id: str, documents: Sequence[str] | None = None,
                  roles: Sequence[str] | None = None,
                  areas: Sequence[str] | None = None) -> list[Responsibility]:
        """For an actor: the measures it leads/co-leads/is responsible for/supports.
        For a Clause or Task: its actors by role. Sorted by role strength, document, number."""

    @abstractmethod
    def neighbourhood(self, entity_ids: Sequence[str], depth: int = 1,
                      labels: Sequence[str] | None = None, rel_types: Sequence[str] | None = None,
                      documents: Sequence[str] | None = None, node_cap: int = 300) -> Subgraph: ...

    @abstractmethod
    def paths(self, source_id: str, target_id: str, rel_types: Sequence[str] | None = None,
              max_length: int = 6, limit: int = 5) -> list[Subgraph]:
        """Shortest paths (undirected), each as a Subgraph with ordered nodes."""

    @abstractmethod
    def subgraph(self, labels: Sequence[str] | None = None, rel_types: Sequence[str] | None = None,
                 documents: Sequence[str] | None = None, areas: Sequence[str] | None = None) -> Subgraph:
        """Filter result (or whole graph when no filter) for export and overview."""

    def cypher(self, query: str, params: dict[str, Any] | None = None,
               timeout_s: float = 10.0, row_cap: int = 1000) -> tuple[list[str], list[list[Any]]]:
        """Read-only Cypher (Neo4j backend only)."""
        from graph.errors import QueryRefused
        raise QueryRefused(f"the Cypher console needs the Neo4j backend (this is {self.backend})")
