"""Every export format read back by an independent reader (networkx, csv, openpyxl, a fresh Neo4j)."""
from __future__ import annotations

import csv
import io
import json
import zipfile

import networkx as nx
import openpyxl
import pytest

from graph import export
from common.errors import ConfigError
from graph.memory_store import MemoryStore
from graph.store import Subgraph
from tests.support.samples import HOSTILE, LONG_TEXT, hostile_doc, sample_graphs
from tests.support.stores import make_store


@pytest.fixture
def sub(tmp_path) -> Subgraph:
    store = MemoryStore(tmp_path / "g.json")
    store.merge(sample_graphs() + [hostile_doc()])
    return store.subgraph()


def test_graphml_reads_back_with_networkx(sub, tmp_path):
    path = export.export(sub, "graphml", tmp_path / "g.graphml")[0]
    g = nx.read_graphml(path, force_multigraph=True)
    assert (g.number_of_nodes(), g.number_of_edges()) == (len(sub.nodes), len(sub.edges))
    attrs = g.nodes["agency:长三角生态绿色一体化发展示范区执行委员会"]
    assert attrs["label"] == attrs["name"] == "长三角生态绿色一体化发展示范区执行委员会"
    assert attrs["type"] == "Agency" and attrs["aliases"] == "示范区执委会; 执委会"
    clause = g.nodes["clause:002_sample_policy#3"]
    assert clause["number"] == 3 and clause["areas"] == "财政"
    edge = next(d for s, t, d in g.edges(data=True) if d["label"] == "HOLDS_POSITION")
    assert edge["title"] == "副关长" and json.loads(edge["evidence"])[0]["text"] == "上海海关副关长叶建"
    names = {d["name"] for _n, d in g.nodes(data=True)}
    for h in HOSTILE:
        assert export.xml_safe(h) in names       # verbatim, except characters XML cannot hold
    assert "上海海关" in path.read_text(encoding="utf-8")


def test_node_link_json_reads_back_with_networkx(sub, tmp_path):
    path = export.export(sub, "json", tmp_path / "g.json")[0]
    text = path.read_text(encoding="utf-8")
    assert "上海海关" in text
    g = nx.node_link_graph(json.loads(text), edges="edges")
    assert (g.number_of_nodes(), g.number_of_edges()) == (len(sub.nodes), len(sub.edges))
    node = g.nodes["agency:长三角生态绿色一体化发展示范区执行委员会"]
    assert node["aliases"] == ["示范区执委会", "执委会"]
    assert {d["name"] for _n, d in g.nodes(data=True)} >= set(HOSTILE)
    ev = g.edges["agency:" + HOSTILE[2], "task:任务 `MATCH (n) DETACH DELETE n`", "LEADS"]["evidence"]
    assert ev[0]["text"] == HOSTILE[2] + LONG_TEXT


def test_csv_has_neo4j_admin_headers_and_reads_back(sub, tmp_path):
    files = export.export(sub, "csv", tmp_path / "csv")
    assert [f.name for f in files] == ["nodes.csv", "relationships.csv"]
    with open(files[0], encoding="utf-8", newline="") as fh:
        nodes = list(csv.DictReader(fh))
    with open(files[1], encoding="utf-8", newline="") as fh:
        rels = list(csv.DictReader(fh))
    assert len(nodes) == len(sub.nodes) and len(rels) == len(sub.edges)
    header = list(nodes[0])
    assert header[:4] == ["id:ID", ":LABEL", "name:string", "aliases:string[]"]
    assert "number:long" in header and "areas:string[]" in header
    assert list(rels[0])[:3] == [":START_ID", ":END_ID", ":TYPE"] and "ev_start:long[]" in rels[0]
    by_id = {r["id:ID"]: r for r in nodes}
    ex = by_id["agency:长三角生态绿色一体化发展示范区执行委员会"]
    assert ex[":LABEL"] == "Entity;Agency" and ex["aliases:string[]"].split(";") == ["示范区执委会", "执委会"]
    assert {r["name:string"] for r in nodes} >= set(HOSTILE)
    ids = set(by_id)
    assert all(r[":START_ID"] in ids and r[":END_ID"] in ids for r in rels)


def test_xlsx_reads_back_with_openpyxl(sub, tmp_path):
    path = export.export(sub, "xlsx", tmp_path / "g.xlsx")[0]
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["nodes", "relationships", "evidence"]
    rows = list(wb["nodes"].iter_rows(values_only=True))
    assert rows[0][:3] == ("id", "label", "name") and len(rows) - 1 == len(sub.nodes)
    assert len(list(wb["relationships"].iter_rows())) - 1 == len(sub.edges)
    names = {r[2] for r in rows[1:]}
    assert {h for h in HOSTILE if "\x00" not in h} <= names
    # a value that looks like a formula stays text
    formula = Subgraph(nodes=[type(sub.nodes[0])(id="x", label="Agency", name="=1+1", properties={})])
    export.write_xlsx(formula, tmp_path / "f.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "f.xlsx")["nodes"]["C2"]
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_to_bytes_gives_every_format(sub):
    for fmt in export.FORMATS:
        data, mime, name = export.to_bytes(sub, fmt, stem="导出")
        assert data and name.startswith("导出") and mime
    data, _, _ = export.to_bytes(sub, "csv")
    assert sorted(zipfile.ZipFile(io.BytesIO(data)).namelist()) == ["nodes.csv", "relationships.csv"]


def test_bad_format_and_escaping_file_names_are_refused(sub, tmp_path):
    with pytest.raises(ConfigError, match="unknown export format"):
        export.export(sub, "pdf", tmp_path / "x.pdf")
    for bad in ("../x.csv", "/etc/passwd", "a/b.csv", "..", "", "x\x00.csv", "..\\x"):
        with pytest.raises(ConfigError):
            export.safe_join(tmp_path, bad)
    assert export.safe_join(tmp_path, "nodes.csv") == (tmp_path / "nodes.csv").resolve()


def test_cypher_literals_survive_hostile_strings():
    lit = export.cypher_string("a'b\\c`d\n}) DETACH DELETE n //\x00\u2028")
    assert "\n" not in lit and lit.startswith("'") and lit.endswith("'")
    assert lit == "'a\\'b\\\\c`d\\n}) DETACH DELETE n //\\u0000\\u2028'"
    assert export.cypher_name("we`ird") == "`we``ird`"


@pytest.mark.parametrize("batch", [1, 2, 7, export.SCRIPT_BATCH])
def test_cypher_script_batches_each_label_and_type(sub, batch):
    """Every node and relationship is in exactly one UNWIND statement of its own label or type, at
    most `batch` rows to a statement."""
    import math
    from collections import Counter
    statements = list(export.cypher_statements(sub, schema=False, batch=batch))
    labels, types = Counter(n.label for n in sub.nodes), Counter(e.type for e in sub.edges)
    assert len(statements) == sum(math.ceil(c / batch) for c in [*labels.values(), *types.values()])
    for n in sub.nodes:
        holding = [s for s in statements if f"{{id: {export.cypher_string(n.id)}, p:" in s]
        assert len(holding) == 1 and f"SET n:{n.label} " in holding[0], n.id
    for e in sub.edges:
        key = f"{{a: {export.cypher_string(e.source)}, b: {export.cypher_string(e.target)}, p:"
        holding = [s for s in statements if key in s and f"[r:{e.type}]" in s]
        assert len(holding) == 1, (e.source, e.type, e.target)
    assert all(s.count(", p: {") <= batch for s in statements)


@pytest.mark.neo4j
def test_cypher_script_replays_into_a_fresh_neo4j(request, tmp_path):
    source = MemoryStore(tmp_path / "g.json")
    source.merge(sample_graphs() + [hostile_doc()])
    sub = source.subgraph()
    script = export.cypher_script(sub)
    assert "$" not in "".join(line for line in script.splitlines() if line.startswith("CREATE"))
    neo = make_store("neo4j", tmp_path, request)              # empty database
    driver, db = neo._driver, neo.database
    statements = list(export.iter_script_statements(script))
    labels, types = {n.label for n in sub.nodes}, {e.type for e in sub.edges}
    # one UNWIND batch per label and per type here (each holds up to export.SCRIPT_BATCH rows)
    assert len(statements) == len(export.cy.schema_statements()) + len(labels) + len(types)
    for stmt in statements:
        driver.execute_query(stmt, database_=db)
    assert neo.stats() == source.stats()
    assert neo.subgraph() == sub                              # every value came back verbatim
    for h in HOSTILE:
        assert neo.search(h, limit=1)[0].name == h
    for stmt in statements:                                    # replaying again changes nothing
        driver.execute_query(stmt, database_=db)
    assert neo.subgraph() == sub
