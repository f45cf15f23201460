"""Export a Subgraph: GraphML, node-link JSON, CSV (neo4j-admin import), a Cypher script, xlsx.

Names follow networkx (`write_graphml`, `node_link_data`). Chinese stays readable (UTF-8, never `\\u`
escapes). Formats that need scalars get flattened lists (`; `-joined, evidence as JSON text).
The Cypher script is the one place where values are written as literals: it is a file to replay, so
every literal is escaped (`cypher_literal`) and labels/types come only from the schema.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import networkx as nx

from graph import cypher as cy
from common.errors import ConfigError
from graph.model import ENTITY_LABEL, check_label, check_rel_type
from graph.records import evidence_key
from graph.search_rank import search_keys, search_text
from graph.store import EdgeView, NodeView, Subgraph



@dataclass(frozen=True)
class ExportFormat:
    """One export format: its name (`kg export --format`), label (the app's button), file suffix, MIME
    type and writer (`to_bytes`); `write` writes files itself (csv: a folder of two files), else the
    bytes go to the named file."""
    name: str
    label: str
    suffix: str
    mime: str
    to_bytes: Callable[[Subgraph], bytes]
    write: Callable[[Subgraph, Path], list[Path]] | None = None


# The one registry, filled below (graph formats) and by ui.exporting (the pictures: svg, png).
FORMATS: dict[str, ExportFormat] = {}


def register_format(fmt: ExportFormat) -> ExportFormat:
    FORMATS[fmt.name] = fmt
    return fmt

ARRAY_DELIMITER = ";"
EXCEL_CELL_MAX = 32767
# Characters XML 1.0 cannot hold (GraphML and xlsx are XML).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# -- safety -----------------------------------------------------------------------------------------

def safe_join(folder: str | os.PathLike[str], filename: str) -> Path:
    """`folder/filename`, refusing names that would land outside `folder` (.., absolute, separators)."""
    name = str(filename)
    if (not name or name in (".", "..") or "\x00" in name or "/" in name or "\\" in name
            or os.path.isabs(name)):
        raise ConfigError(f"export file name {name[:80]!r} is not a plain file name")
    base = Path(folder).resolve()
    target = (base / name).resolve()
    if target.parent != base:
        raise ConfigError(f"export file name {name[:80]!r} would leave the folder {base}")
    return target


def check_format(fmt: str) -> str:
    """The format's registered name; ConfigError naming the choices if there is none."""
    f = (fmt or "").strip().lower()
    if f not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return f


def xml_safe(text: str) -> str:
    """Characters XML cannot hold written as visible `\\uXXXX` text (ids stay distinct)."""
    return _XML_ILLEGAL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _flat(value: Any) -> Any:
    """A scalar for formats without lists: lists `; `-joined, dicts as JSON text."""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


# -- networkx view ---------------------------------------------------------------------------------

def to_networkx(sub: Subgraph, flatten: bool = False) -> nx.MultiDiGraph:
    """The subgraph as a MultiDiGraph (edge key = type). With `flatten`, every attribute is a scalar
    with one type per attribute name (GraphML needs that), strings XML-safe."""
    g = nx.MultiDiGraph()
    ident = xml_safe if flatten else (lambda x: x)
    for n in sub.nodes:
        attrs = {**n.properties, "type": n.label, "name": n.name}
        if flatten:
            attrs["label"] = n.name          # what Gephi and yEd show
        g.add_node(ident(n.id), **attrs)
    for e in sub.edges:
        attrs = {**e.properties, "type": e.type}
        if flatten:
            attrs["label"] = e.type
            attrs["documents"] = e.documents
            attrs["evidence_count"] = len(e.evidence)
            attrs["evidence"] = json.dumps(e.evidence, ensure_ascii=False)
        else:
            attrs["evidence"] = e.evidence
        g.add_edge(ident(e.source), ident(e.target), key=e.type, **attrs)
    if flatten:
        _flatten_attrs([d for _n, d in g.nodes(data=True)])
        _flatten_attrs([d for _s, _t, d in g.edges(data=True)])
    return g


def _flatten_attrs(dicts: list[dict[str, Any]]) -> None:
    for d in dicts:
        for k, v in list(d.items()):
            d[k] = _flat(v)
    kinds: dict[str, set[type]] = {}
    for d in dicts:
        for k, v in d.items():
            kinds.setdefault(k, set()).add(type(v))
    for d in dicts:
        for k, v in list(d.items()):
            if len(kinds[k]) > 1 and not kinds[k] <= {int, float}:
                v = str(v)
            elif kinds[k] == {int, float}:
                v = float(v)
            d[k] = xml_safe(v) if isinstance(v, str) else v


def write_graphml(sub: Subgraph, path: str | os.PathLike[str]) -> Path:
    """GraphML for Gephi and yEd (node attribute `label` = name, edge `label` = type)."""
    path = Path(path)
    nx.write_graphml(to_networkx(sub, flatten=True), path, encoding="utf-8", named_key_ids=True)
    return path


def node_link_data(sub: Subgraph) -> dict[str, Any]:
    """networkx node-link data (`nodes`, `edges`); read back with `nx.node_link_graph(d, edges="edges")`."""
    return nx.node_link_data(to_networkx(sub), edges="edges")


def write_node_link(sub: Subgraph, path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    path.write_text(json.dumps(node_link_data(sub), ensure_ascii=False, indent=1), encoding="utf-8")
    return path


# -- CSV for neo4j-admin database import ----------------------------------------------------------

def _node_record(n: NodeView) -> dict[str, Any]:
    """A node in the Neo4j store's property layout."""
    props = {k: v for k, v in n.properties.items() if k not in ("aliases", "documents")}
    keys = search_keys(n.name, n.aliases)
    return {"name": n.name, "aliases": n.aliases, "docs": n.documents, "search_keys": keys,
            "search_text": search_text(keys), **props}


def _edge_record(e: EdgeView) -> dict[str, Any]:
    ev = e.evidence
    return {"ev_keys": [evidence_key(x["doc_id"], x["start"], x["end"], x["rule"]) for x in ev],
            "ev_docs": [x["doc_id"] for x in ev], "ev_text": [x["text"] for x in ev],
            "ev_start": [x["start"] for x in ev], "ev_end": [x["end"] for x in ev],
            "ev_rule": [x["rule"] for x in ev], **e.properties}


def _csv_type(values: list[Any]) -> str:
    """neo4j-admin header type of a column."""
    vals = [v for v in values if v is not None]
    if vals and all(isinstance(v, list) for v in vals):
        items = [x for v in vals for x in v]
        if items and all(isinstance(x, bool) for x in items):
            return "boolean[]"
        if items and all(isinstance(x, int) and not isinstance(x, bool) for x in items):
            return "long[]"
        if items and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in items):
            return "double[]"
        return "string[]"
    if vals and all(isinstance(v, bool) for v in vals):
        return "boolean"
    if vals and all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
        return "long"
    if vals and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
        return "double"
    return "string"


def _csv_cell(value: Any, kind: str) -> str:
    if value is None or value == []:
        return ""
    if kind.endswith("[]"):
        items = value if isinstance(value, list) else [value]
        # The array delimiter cannot be escaped in neo4j-admin: an ASCII ';' inside an element
        # becomes the full-width '；'.
        return ARRAY_DELIMITER.join(_csv_scalar(x).replace(ARRAY_DELIMITER, "；") for x in items)
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return _csv_scalar(value)


def _csv_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _columns(records: list[dict[str, Any]], fixed: list[str]) -> list[tuple[str, str]]:
    keys = list(fixed) + sorted({k for r in records for k in r} - set(fixed))
    return [(k, _csv_type([r.get(k) for r in records])) for k in keys]


def csv_tables(sub: Subgraph) -> tuple[list[list[str]], list[list[str]]]:
    """(nodes.csv rows, relationships.csv rows), headers first."""
    nrec = [_node_record(n) for n in sub.nodes]
    ncols = _columns(nrec, ["name", "aliases", "docs", "search_keys", "search_text"])
    nodes = [["id:ID", ":LABEL", *[f"{k}:{t}" for k, t in ncols]]]
    for n, r in zip(sub.nodes, nrec):
        nodes.append([n.id, f"{ENTITY_LABEL};{n.label}", *[_csv_cell(r.get(k), t) for k, t in ncols]])
    erec = [_edge_record(e) for e in sub.edges]
    ecols = _columns(erec, ["ev_keys", "ev_docs", "ev_text", "ev_start", "ev_end", "ev_rule"])
    rels = [[":START_ID", ":END_ID", ":TYPE", *[f"{k}:{t}" for k, t in ecols]]]
    for e, r in zip(sub.edges, erec):
        rels.append([e.source, e.target, e.type, *[_csv_cell(r.get(k), t) for k, t in ecols]])
    return nodes, rels


def write_csv(sub: Subgraph, folder: str | os.PathLike[str]) -> list[Path]:
    """`nodes.csv` and `relationships.csv` in `folder`, for
    `neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv
    --array-delimiter=';' --multiline-fields=true`."""
    base = Path(folder)
    base.mkdir(parents=True, exist_ok=True)
    out = []
    for name, rows in zip(("nodes.csv", "relationships.csv"), csv_tables(sub)):
        target = safe_join(base, name)
        with open(target, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
        out.append(target)
    return out


# -- Cypher script ---------------------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def cypher_string(text: str) -> str:
    """A single-quoted Cypher string literal: backslash, quote and control characters escaped."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or 0x7f <= ord(ch) < 0xa0 or ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def cypher_name(name: str) -> str:
    """A backtick-quoted property key (backticks doubled)."""
    return "`" + name.replace("`", "``") + "`"


def cypher_literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return cypher_string(json.dumps(value, ensure_ascii=False, sort_keys=True))
    return cypher_string(str(value))


def _map(record: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{cypher_name(k)}: {cypher_literal(v)}" for k, v in record.items()
                           if v is not None) + "}"


SCRIPT_BATCH = 500   # rows per UNWIND statement: one transaction and one plan each, not one per element


def _batches(rows: list[tuple[str, str]], size: int) -> Iterator[tuple[str, list[str]]]:
    """(key, literal maps) runs of at most `size` rows sharing a key, keys in first-seen order."""
    groups: dict[str, list[str]] = {}
    for key, literal in rows:
        groups.setdefault(key, []).append(literal)
    for key, literals in groups.items():
        for i in range(0, len(literals), size):
            yield key, literals[i:i + size]


def cypher_statements(sub: Subgraph, schema: bool = True, batch: int = SCRIPT_BATCH) -> Iterator[str]:
    """Parameter-free statements, one per line, each ending with ';': the schema, then the nodes of
    each label and the relationships of each type in `UNWIND [literal maps]` batches of `batch` rows.
    Replaying them into an empty Neo4j gives the Neo4j store's layout (so the store can query the
    result); replaying them again changes nothing."""
    if schema:
        for stmt in cy.schema_statements():
            yield stmt + ";"
    nodes = [(check_label(n.label), f"{{id: {cypher_string(n.id)}, p: {_map(_node_record(n))}}}")
             for n in sub.nodes]
    for label, maps in _batches(nodes, batch):
        yield (f"UNWIND [{', '.join(maps)}] AS row MERGE (n:{ENTITY_LABEL} {{id: row.id}}) "
               f"SET n:{label} SET n += row.p;")
    edges = [(check_rel_type(e.type),
              f"{{a: {cypher_string(e.source)}, b: {cypher_string(e.target)}, p: {_map(_edge_record(e))}}}")
             for e in sub.edges]
    for rel_type, maps in _batches(edges, batch):
        yield (f"UNWIND [{', '.join(maps)}] AS row MATCH (a:{ENTITY_LABEL} {{id: row.a}}) "
               f"MATCH (b:{ENTITY_LABEL} {{id: row.b}}) MERGE (a)-[r:{rel_type}]->(b) SET r += row.p;")


def cypher_script(sub: Subgraph) -> str:
    head = ("// YRD Policy Graph export: replay with `cypher-shell -f <file>` into an empty database.\n"
            f"// {len(sub.nodes)} nodes, {len(sub.edges)} relationships.\n")
    return head + "\n".join(cypher_statements(sub)) + "\n"


def write_cypher(sub: Subgraph, path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    path.write_text(cypher_script(sub), encoding="utf-8")
    return path


def iter_script_statements(script: str) -> Iterator[str]:
    """The statements of a script written by `cypher_script` (one per line; comments skipped)."""
    for line in script.splitlines():
        line = line.strip()
        if line and not line.startswith("//"):
            yield line[:-1] if line.endswith(";") else line


# -- xlsx ------------------------------------------------------------------------------------------

def _excel(value: Any) -> Any:
    value = _flat(value)
    if isinstance(value, str):
        value = xml_safe(value)
        if len(value) > EXCEL_CELL_MAX:          # Excel's own cell limit
            value = value[:EXCEL_CELL_MAX - 1] + "…"
    return value


def _sheet(ws: Any, rows: Iterable[list[Any]]) -> None:
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=_excel(value))
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"          # text, never a formula
    ws.freeze_panes = "A2"


def xlsx_tables(sub: Subgraph) -> dict[str, list[list[Any]]]:
    keys = sorted({k for n in sub.nodes for k in n.properties} - {"aliases", "documents"})
    nodes = [["id", "label", "name", "aliases", "documents", *keys]]
    nodes += [[n.id, n.label, n.name, n.aliases, n.documents, *[n.properties.get(k) for k in keys]]
              for n in sub.nodes]
    ekeys = sorted({k for e in sub.edges for k in e.properties})
    rels = [["source", "source_name", "type", "target", "target_name", "documents", "evidence_count", *ekeys]]
    rels += [[e.source, e.source_name, e.type, e.target, e.target_name, e.documents, len(e.evidence),
              *[e.properties.get(k) for k in ekeys]] for e in sub.edges]
    evidence = [["source", "type", "target", "doc_id", "start", "end", "rule", "text"]]
    evidence += [[e.source, e.type, e.target, x.get("doc_id"), x.get("start"), x.get("end"), x.get("rule"),
                  x.get("text")] for e in sub.edges for x in e.evidence]
    return {"nodes": nodes, "relationships": rels, "evidence": evidence}


def write_xlsx(sub: Subgraph, path: str | os.PathLike[str] | io.BytesIO,
               extra: dict[str, list[list[Any]]] | None = None) -> Any:
    """Sheets `nodes`, `relationships`, `evidence` (plus any `extra` tables, e.g. a matrix)."""
    from openpyxl import Workbook
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in {**xlsx_tables(sub), **(extra or {})}.items():
        _sheet(wb.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "_", title)[:31]), rows)
    wb.save(path)
    return path


# -- the graph formats and one entry point ---------------------------------------------------------

def graphml_bytes(sub: Subgraph) -> bytes:
    buf = io.BytesIO()
    nx.write_graphml(to_networkx(sub, flatten=True), buf, encoding="utf-8", named_key_ids=True)
    return buf.getvalue()


def node_link_bytes(sub: Subgraph) -> bytes:
    return json.dumps(node_link_data(sub), ensure_ascii=False, indent=1).encode("utf-8")


def csv_zip_bytes(sub: Subgraph) -> bytes:
    """nodes.csv and relationships.csv (neo4j-admin import headers) in one zip."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for fname, rows in zip(("nodes.csv", "relationships.csv"), csv_tables(sub)):
            s = io.StringIO()
            csv.writer(s).writerows(rows)
            zf.writestr(fname, s.getvalue().encode("utf-8"))
    return buf.getvalue()


def xlsx_bytes(sub: Subgraph) -> bytes:
    buf = io.BytesIO()
    write_xlsx(sub, buf)
    return buf.getvalue()


register_format(ExportFormat("graphml", "GraphML (Gephi, yEd)", ".graphml", "application/graphml+xml",
                             graphml_bytes))
register_format(ExportFormat("json", "node-link JSON", ".json", "application/json", node_link_bytes))
register_format(ExportFormat("csv", "CSV (zip: nodes.csv, relationships.csv)", ".zip", "application/zip",
                             csv_zip_bytes, write=lambda sub, out: write_csv(sub, out)))
register_format(ExportFormat("cypher", "Cypher script", ".cypher", "text/plain",
                             lambda sub: cypher_script(sub).encode("utf-8")))
register_format(ExportFormat("xlsx", "Excel xlsx", ".xlsx",
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx_bytes))


def export(sub: Subgraph, fmt: str, out: str | os.PathLike[str]) -> list[Path]:
    """Write `sub` as `fmt` to `out` (a file; a folder for csv). Returns the files written."""
    spec = FORMATS[check_format(fmt)]
    out = Path(out)
    if spec.write is not None:
        return spec.write(sub, out)
    if out.is_dir():
        raise ConfigError(f"--out {out} is a folder: give a file name for {spec.name}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(spec.to_bytes(sub))
    return [out]


def to_bytes(sub: Subgraph, fmt: str, stem: str = "graph") -> tuple[bytes, str, str]:
    """(content, MIME type, file name) for a download button; csv comes as a zip of both files."""
    spec = FORMATS[check_format(fmt)]
    return spec.to_bytes(sub), spec.mime, f"{stem}{spec.suffix}"
