"""`kg build|stats|search|show|leads|neighbors|path|export|cypher` end to end (in-process)."""
from __future__ import annotations

import csv
import json
import subprocess
import sys

import networkx as nx
import pytest

from kg.cli import main
from store_fixtures import PROJECT, seed_graphs
from store_samples import news_doc, policy_doc


@pytest.fixture
def built(tmp_path, monkeypatch, capsys):
    """An embedded store built by `kg build` from extraction JSON (independent of the extractor)."""
    monkeypatch.setenv("KG_DATA", str(tmp_path / "graph.json"))
    monkeypatch.delenv("KG_BACKEND", raising=False)
    files = []
    for g in (policy_doc(), news_doc()):
        f = tmp_path / f"{g.doc_id}.json"
        f.write_text(g.to_json(), encoding="utf-8")
        files.append(str(f))
    assert main(["build", *files]) == 0
    capsys.readouterr()
    return files


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_build_is_idempotent_and_stats_json_has_the_documented_shape(built, capsys):
    first = _json(capsys, ["stats", "--json"])
    assert set(first) == {"nodes", "relationships", "total_nodes", "total_relationships"}
    assert first["total_nodes"] == sum(first["nodes"].values()) == 23
    assert main(["build", *built]) == 0
    assert "0 nodes and 0 relationships created" in capsys.readouterr().out
    assert _json(capsys, ["stats", "--json"]) == first
    assert main(["build", "--reset", built[0]]) == 0
    capsys.readouterr()
    assert _json(capsys, ["stats", "--json"])["nodes"]["Document"] == 1


def test_search_show_leads(built, capsys):
    hits = _json(capsys, ["search", "执委会", "--json"])
    assert hits[0]["name"] == "长三角生态绿色一体化发展示范区执行委员会"
    assert main(["search", "海关", "--label", "Task"]) == 0
    assert "建立三地海关跨境电商协同监管机制" in capsys.readouterr().out
    assert main(["show", "上海海关"]) == 0
    out = capsys.readouterr().out
    assert "-[LEADS]->" in out and "上海海关副关长叶建" in out
    rows = _json(capsys, ["leads", "执委会", "--json"])
    assert [(r["role"], r["number"]) for r in rows] == [("LEADS", 2), ("RESPONSIBLE_FOR", 1), ("RESPONSIBLE_FOR", 3)]
    assert main(["leads", "建立三地海关跨境电商协同监管机制", "--role", "LEADS"]) == 0
    assert "牵头" in capsys.readouterr().out


def test_neighbors_and_path(built, capsys):
    sub = _json(capsys, ["neighbors", "上海海关", "--depth", "2", "--json"])
    assert {"南京海关", "杭州海关"} <= {n["name"] for n in sub["nodes"]}
    assert main(["neighbors", "执委会", "--depth", "3", "--cap", "4"]) == 0
    assert "node cap (4)" in capsys.readouterr().err
    assert main(["path", "南京海关", "海关总署"]) == 0
    assert "-[SUBORDINATE_TO]- 海关总署" in capsys.readouterr().out


def test_export_formats(built, capsys, tmp_path):
    out = tmp_path / "out"
    assert main(["export", "--format", "graphml", "--out", str(out / "all.graphml")]) == 0
    g = nx.read_graphml(out / "all.graphml")
    assert g.number_of_nodes() == 23
    assert main(["export", "--format", "json", "--out", str(out / "c.json"), "--center", "上海海关",
                 "--depth", "1"]) == 0
    data = json.loads((out / "c.json").read_text(encoding="utf-8"))
    assert len(data["nodes"]) == 4
    assert main(["export", "--format", "csv", "--out", str(out / "csv"), "--label", "Agency", "Clause"]) == 0
    with open(out / "csv" / "nodes.csv", encoding="utf-8", newline="") as fh:
        assert len(list(csv.reader(fh))) == 1 + 7 + 3
    assert main(["export", "--format", "cypher", "--out", str(out / "g.cypher"), "--type", "LEADS"]) == 0
    assert main(["export", "--format", "xlsx", "--out", str(out / "g.xlsx"), "--document", "000_sample_news"]) == 0
    capsys.readouterr()


def test_errors_are_one_line_with_exit_codes(built, capsys, monkeypatch):
    assert main(["show", "不存在的部门"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("kg: error: no entity named") and err.count("\n") == 1
    assert main(["export", "--format", "pdf", "--out", "x.pdf"]) == 6
    assert "unknown export format" in capsys.readouterr().err
    assert main(["cypher", "MATCH (n) RETURN n"]) == 5
    assert "needs the Neo4j backend" in capsys.readouterr().err
    assert main(["build", "no/such/dir"]) == 2
    capsys.readouterr()
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")
    monkeypatch.setenv("KG_NEO4J_RETRY_S", "0")           # Neo4j is down: fail fast
    assert main(["stats", "--backend", "neo4j"]) == 4
    err = capsys.readouterr().err
    assert "bolt://127.0.0.1:9" in err and err.count("\n") == 1 and "Traceback" not in err


def test_kg_help_lists_the_graph_commands():
    out = subprocess.run([sys.executable, "-m", "kg.cli", "--help"], capture_output=True, text=True,
                         cwd=PROJECT, check=True).stdout
    for cmd in ("build", "stats", "search", "show", "leads", "neighbors", "path", "export", "cypher"):
        assert cmd in out


@pytest.mark.neo4j
def test_neo4j_build_matches_the_embedded_store(built, capsys, neo4j_settings, clean_neo4j, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.uri)
    mem = _json(capsys, ["stats", "--json"])
    assert main(["build", "--backend", "neo4j", *built]) == 0
    assert main(["build", "--backend", "neo4j", *built]) == 0
    capsys.readouterr()
    assert _json(capsys, ["stats", "--json", "--backend", "neo4j"]) == mem
    cols_rows = _json(capsys, ["cypher", "--backend", "neo4j", "--json",
                               "MATCH (n:Customs) RETURN n.name AS name ORDER BY name"])
    assert [r[0] for r in cols_rows["rows"]] == ["上海海关", "南京海关", "杭州海关", "海关总署"]
    assert main(["cypher", "--backend", "neo4j", "MATCH (n) DETACH DELETE n"]) == 5
    assert "writes are refused" in capsys.readouterr().err


@pytest.mark.neo4j
def test_seed_build_on_both_backends(tmp_path, capsys, neo4j_settings, clean_neo4j, monkeypatch):
    seed_graphs()                                     # skips until the extractor reads the seeds
    monkeypatch.setenv("KG_DATA", str(tmp_path / "seeds.json"))
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.uri)
    assert main(["build"]) == 0
    assert main(["build", "--backend", "neo4j"]) == 0
    assert main(["build", "--backend", "neo4j"]) == 0
    capsys.readouterr()
    mem = _json(capsys, ["stats", "--json"])
    assert mem["total_nodes"] > 0
    assert _json(capsys, ["stats", "--json", "--backend", "neo4j"]) == mem


def test_documents_and_search_by_jurisdiction(tmp_path, monkeypatch, capsys):
    """`kg build` of real local documents, then `kg documents/search --jurisdiction`; a user's
    `--jurisdiction` overrides the document's own."""
    monkeypatch.setenv("KG_DATA", str(tmp_path / "graph.json"))
    monkeypatch.delenv("KG_BACKEND", raising=False)
    songjiang = str(PROJECT / "corpus" / "30_songjiang_urban_renewal_plan_2025.md")
    jiading = str(PROJECT / "corpus" / "31_jiading_sponge_city_plan_2024.md")
    assert main(["build", songjiang, jiading]) == 0
    capsys.readouterr()
    docs = _json(capsys, ["documents", "--jurisdiction", "上海市松江区", "--json"])
    assert [d["jurisdiction"] for d in docs] == ["上海市松江区"]
    assert len(_json(capsys, ["documents", "--jurisdiction", "上海市", "--json"])) == 2
    hits = _json(capsys, ["search", "建设和管理委员会", "--jurisdiction", "上海市嘉定区", "--json"])
    assert [h["name"] for h in hits] == ["上海市嘉定区建设和管理委员会"]
    assert main(["documents", "--jurisdiction", "广州市"]) == 1
    # the override: the same file read as a 青浦区 document
    assert main(["build", "--reset", "--jurisdiction", "上海市青浦区", songjiang]) == 0
    capsys.readouterr()
    assert [d["jurisdiction"] for d in _json(capsys, ["documents", "--json"])] == ["上海市青浦区"]
    assert main(["build", "--jurisdiction", "不存在区", songjiang]) == 6
    assert "unknown jurisdiction" in capsys.readouterr().err
