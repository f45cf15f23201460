"""The embedded store's file format: `yrd-policy-graph/2`, JSON lines written and read with orjson.

    {"format":"yrd-policy-graph/2","nodes":N,"edges":M}      the header
    [[id,label,name,aliases,docs,props],…]                    node rows, up to 5,000 per line
    [[source,target,type,props,evidence],…]                   edge rows; source/target are node row numbers

- UTF-8 as is (no `\\u` escapes). The header's counts make a truncated file an error, never a smaller graph.
- A line holding an integer beyond 64 bits (orjson's range) is written by the stdlib `json` and starts
  with a space; such lines are read back by the stdlib too, so every value round-trips exactly.
- Files of format `yrd-policy-graph/1` (one JSON object, "nodes" and "edges" lists of objects) are
  read too, decoded once by the stdlib as they are read; the store writes format 2 on its next save.
- Reading fills networkx's adjacency dicts directly (the graph is new: nothing else holds it) with the
  garbage collector paused, and shares repeated strings (labels, types, document ids, rules): several
  times faster than `add_node`/`add_edge` one by one, and about 15 % less memory.
  (`bench/bench_store_file.py` compares this with the old JSON, msgpack and SQLite.)
"""
from __future__ import annotations

import contextlib
import gc
import io
import json
from typing import Any, BinaryIO, Iterable, Iterator

import networkx as nx
import orjson

FORMAT = "yrd-policy-graph/2"
LEGACY_FORMAT = "yrd-policy-graph/1"
CHUNK_ROWS = 5000
_MAX_HEADER = 4096       # a header line is far shorter; a format-1 file is one long line


class NotAStoreFile(ValueError):
    """The file is readable but is not a graph file of this tool (or of a format it cannot read)."""


class CorruptStoreFile(ValueError):
    """The file is a graph file but truncated or damaged."""


@contextlib.contextmanager
def gc_paused(collect: bool = False) -> Iterator[None]:
    """No cyclic garbage collection during the block: building millions of containers otherwise
    triggers collections whose cost grows with everything already built. With `collect`, one full
    collection at the end moves what was built to the oldest generation in a single pass (left to
    itself, the collector would walk it three times, through each generation)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collect:
            gc.collect()
        if was:
            gc.enable()


# -- writing ------------------------------------------------------------------------------------------
def encode_line(obj: Any) -> bytes:
    """One line of the file: orjson; the stdlib (with a leading space) for integers beyond 64 bits."""
    try:
        return orjson.dumps(obj) + b"\n"
    except TypeError:
        return b" " + json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def node_rows(g: nx.MultiDiGraph) -> Iterator[tuple]:
    return ((n, a["label"], a["name"], a["aliases"], a["docs"], a["props"]) for n, a in g.nodes(data=True))


def edge_rows(g: nx.MultiDiGraph, index: dict[str, int]) -> Iterator[tuple]:
    return ((index[s], index[t], k, a["props"], a["evidence"]) for s, t, k, a in g.edges(keys=True, data=True))


def chunks(rows: Iterable[tuple], size: int = CHUNK_ROWS) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_graph(g: nx.MultiDiGraph, fh: BinaryIO) -> None:
    """Write the graph in format 2 to a binary file (the caller makes it atomic)."""
    with gc_paused():
        index = {n: i for i, n in enumerate(g)}
        fh.write(encode_line({"format": FORMAT, "nodes": len(index), "edges": g.number_of_edges()}))
        for chunk in chunks(node_rows(g)):
            fh.write(encode_line(chunk))
        for chunk in chunks(edge_rows(g, index)):
            fh.write(encode_line(chunk))


# -- reading ------------------------------------------------------------------------------------------
class GraphBuilder:
    """Builds a MultiDiGraph from node rows then edge rows (the file's row shapes), sharing strings."""

    def __init__(self) -> None:
        self.graph = nx.MultiDiGraph()
        self.ids: list[str] = []
        self.edges = 0
        self._memo: dict[str, str] = {}

    def add_nodes(self, rows: Iterable[Any]) -> None:
        node, succ, pred = self.graph._node, self.graph._succ, self.graph._pred
        ids, memo = self.ids, self._memo
        for nid, label, name, aliases, docs, props in rows:
            if nid in node or type(aliases) is not list or type(docs) is not list or type(props) is not dict:
                raise ValueError(f"bad node row {str(nid)[:80]!r}")
            ids.append(nid)
            node[nid] = {"label": memo.setdefault(label, label), "name": name, "aliases": aliases,
                         "docs": [memo.setdefault(d, d) for d in docs], "props": props}
            succ[nid] = {}
            pred[nid] = {}

    def add_edges(self, rows: Iterable[Any]) -> None:
        succ, pred = self.graph._succ, self.graph._pred
        ids, memo = self.ids, self._memo
        n = 0
        for s, t, k, props, evidence in rows:
            if s < 0 or t < 0 or type(props) is not dict or type(evidence) is not list:
                raise ValueError(f"bad relationship row {s}-{k}->{t}")
            u, v = ids[s], ids[t]
            for e in evidence:
                d, r = e["doc_id"], e["rule"]
                e["doc_id"], e["rule"] = memo.setdefault(d, d), memo.setdefault(r, r)
            keys = succ[u].get(v)
            if keys is None:
                keys = succ[u][v] = {}
                pred[v][u] = keys
            keys[memo.setdefault(k, k)] = {"props": props, "evidence": evidence}
            n += 1
        self.edges += n


def _decode(line: bytes, lineno: int) -> Any:
    try:
        return json.loads(line) if line[:1] == b" " else orjson.loads(line)
    except ValueError as exc:
        raise CorruptStoreFile(f"line {lineno} is not valid JSON ({_first_line(exc)})") from None


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


def read_graph(fh: BinaryIO) -> nx.MultiDiGraph:
    """Read a store file of format 2 (or 1) from a binary file positioned at its start, with the
    collector paused and no collection after (the store freezes the result at once: a collection
    would only walk the new graph)."""
    start = fh.read(64)
    fh.seek(0)
    if not start.strip():
        raise CorruptStoreFile("the file is empty")
    if not start.lstrip().startswith(b"{"):
        raise NotAStoreFile("")
    with gc_paused():
        try:
            meta = orjson.loads(fh.readline(_MAX_HEADER))
        except ValueError:
            meta = None                                  # format 1 is one long line
        fmt = meta.get("format") if isinstance(meta, dict) else None
        if fmt == FORMAT:
            return _read_v2(fh, meta)
        if fmt is None or fmt == LEGACY_FORMAT:
            fh.seek(0)
            data = _decode_text(fh)
            fmt = data.get("format") if isinstance(data, dict) else None
            if fmt == LEGACY_FORMAT:
                return _read_v1(data)
    if isinstance(fmt, str) and fmt.startswith("yrd-policy-graph/"):
        raise NotAStoreFile(f"it has format {fmt[:40]}, which this version cannot read")
    raise NotAStoreFile("")


def _decode_text(fh: BinaryIO) -> Any:
    """A whole one-object JSON file through the stdlib, decoded as it is read: its peak memory is the
    text and the objects, not the bytes and orjson's document tree as well (≈ 270 MB less on 127 MB)."""
    text = io.TextIOWrapper(fh, encoding="utf-8")
    try:
        return json.load(text)
    except ValueError as exc:
        raise CorruptStoreFile(f"it is not valid JSON ({_first_line(exc)})") from None
    finally:
        text.detach()                                    # the caller closes the file


def _read_v2(fh: BinaryIO, meta: dict[str, Any]) -> nx.MultiDiGraph:
    want_nodes, want_edges = meta.get("nodes"), meta.get("edges")
    if type(want_nodes) is not int or type(want_edges) is not int:
        raise CorruptStoreFile("its header has no node and relationship counts")
    b = GraphBuilder()
    for lineno, line in enumerate(fh, start=2):
        rows = _decode(line, lineno)
        try:
            if len(b.ids) < want_nodes:
                b.add_nodes(rows)
            else:
                b.add_edges(rows)
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise CorruptStoreFile(f"line {lineno} is damaged ({_first_line(exc)})") from None
    if (len(b.ids), b.edges) != (want_nodes, want_edges):
        raise CorruptStoreFile(f"truncated: {len(b.ids):,} of {want_nodes:,} nodes and {b.edges:,} of "
                               f"{want_edges:,} relationships")
    return b.graph


def _read_v1(data: dict[str, Any]) -> nx.MultiDiGraph:
    b = GraphBuilder()
    try:
        b.add_nodes((n["id"], n["label"], n["name"], n.get("aliases", []), n.get("docs", []), n.get("props", {}))
                    for n in data.get("nodes", []))
        index = {n: i for i, n in enumerate(b.ids)}
        b.add_edges((index[e["source"]], index[e["target"]], e["type"], e.get("props", {}), e.get("evidence", []))
                    for e in data.get("edges", []))
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise CorruptStoreFile(f"a node or relationship is damaged ({_first_line(exc)})") from None
    return b.graph
