"""A synthetic policy corpus for the graph benchmarks, as `DocumentGraph`s (no extraction involved).

Real geography (every province, prefecture city and county of China from the adcode table shipped by
`cpca`), real department names, policy documents with numbered clauses whose responsibility notes
name 1–6 agencies with roles (LEADS, CO_LEADS, RESPONSIBLE_FOR, SUPPORTS), named tasks, policy areas,
evidence sentences, ISSUED_BY, HAS_CLAUSE, APPLIES_TO and MENTIONS. Deterministic for a given seed.

    python -m bench.synthetic --scale 1     # ≈ 105k nodes, ≈ 365k relationships
"""
from __future__ import annotations

import argparse
import csv
import importlib.util
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from graph.model import DocumentGraph, Entity, Evidence, Relation, clause_id, document_id, entity_id

PROVINCE_DEPTS = ["发展改革委", "财政厅", "教育厅", "科技厅", "工业和信息化厅", "公安厅", "民政厅", "司法厅",
                  "人力资源社会保障厅", "自然资源厅", "生态环境厅", "住房城乡建设厅", "交通运输厅", "水利厅",
                  "农业农村厅", "商务厅", "文化和旅游厅", "卫生健康委", "应急管理厅", "市场监管局", "医保局",
                  "地方金融监管局", "大数据局", "税务局", "人民银行分行"]
CITY_DEPTS = ["发展改革委", "财政局", "教育局", "科技局", "工业和信息化局", "公安局", "民政局", "人力资源社会保障局",
              "自然资源和规划局", "生态环境局", "住房城乡建设局", "交通运输局", "农业农村局", "商务局",
              "文化广电旅游局", "卫生健康委", "市场监管局", "医保局", "数据局", "税务局"]
COUNTY_DEPTS = ["发展改革局", "财政局", "教育局", "商务局", "生态环境分局", "交通运输局", "市场监管局", "人社局"]
AREAS = ["财政", "金融", "土地规划", "教育", "医疗医保", "人才人社", "科技创新", "数字基础设施", "海关贸易",
         "生态环境", "文旅体育", "营商环境", "交通", "能源", "公共服务", "体制机制"]
VERBS = ["推进", "加快", "支持", "完善", "深化", "建立", "优化", "强化", "探索", "健全"]
OBJECTS = ["跨区域协同机制", "产业链供应链", "公共服务共享", "生态环境联保共治", "营商环境一体化", "人才互认",
           "交通基础设施互联互通", "数据共享开放", "科技创新券通用", "医保异地结算", "跨境电商监管",
           "重大项目审批", "财政转移支付", "绿色金融改革", "土地指标统筹", "教育资源共享"]
ROLE_WEIGHTS = (("LEADS", 1), ("CO_LEADS", 0.3), ("RESPONSIBLE_FOR", 2.5), ("SUPPORTS", 1.5))
KINDS = ("policy", "plan", "news", "transcript")


@dataclass
class Place:
    id: str
    label: str
    name: str
    parent: str | None
    adcode: str


def _adcode_rows() -> list[tuple[str, str]]:
    spec = importlib.util.find_spec("cpca")
    if spec and spec.submodule_search_locations:
        path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
        if path.exists():
            with open(path, encoding="utf-8") as fh:
                return [(r["adcode"], r["name"]) for r in csv.DictReader(fh)]
    # fallback: invented but well-formed names
    rows = []
    for p in range(31):
        rows.append((f"{11 + p:02d}0000000000", f"第{p + 1}省"))
        for c in range(10):
            rows.append((f"{11 + p:02d}{c + 1:02d}00000000", f"第{p + 1}省{c + 1}市"))
            for k in range(9):
                rows.append((f"{11 + p:02d}{c + 1:02d}{k + 1:02d}000000", f"第{p + 1}省{c + 1}市{k + 1}县"))
    return rows


def geography() -> list[Place]:
    """Provinces, cities and counties with their parents (adcode hierarchy)."""
    rows = sorted(set(_adcode_rows()))
    by_code: dict[str, Place] = {}
    names: set[tuple[str, str]] = set()
    for code, name in rows:
        code = code[:6]
        if code.endswith("0000"):
            label, parent = "Province", None
        elif code.endswith("00"):
            label, parent = "City", code[:2] + "0000"
        else:
            label, parent = "County", code[:4] + "00"
        if (label, name) in names:           # duplicate county names across provinces: qualify
            parent_name = by_code.get(parent or "", Place("", "", "", None, "")).name
            name = f"{parent_name}{name}"
        names.add((label, name))
        by_code[code] = Place(entity_id(label, name), label, name, parent, code)
    for p in by_code.values():               # municipalities: counties directly under the province
        if p.parent and p.parent not in by_code:
            p.parent = p.adcode[:2] + "0000"
    return sorted(by_code.values(), key=lambda p: p.adcode)


def agencies(places: list[Place]) -> list[tuple[Entity, Place]]:
    out = []
    for p in places:
        depts = {"Province": PROVINCE_DEPTS, "City": CITY_DEPTS, "County": COUNTY_DEPTS}[p.label]
        for d in depts:
            name = f"{p.name}{d}"
            out.append((Entity(id=entity_id("Agency", name), type="Agency", name=name, aliases=[d]), p))
    return out


def _ev(text: str, pos: int, doc: str) -> Evidence:
    return Evidence(text=text, start=pos, end=pos + len(text), doc_id=doc)


def corpus(scale: float = 1.0, seed: int = 7) -> Iterator[DocumentGraph]:
    """Yield synthetic documents; scale 1 ≈ 105k nodes and ≈ 365k relationships in total."""
    rng = random.Random(seed)
    places = geography()
    place_by_code = {p.adcode: p for p in places}
    agency_pool = agencies(places)
    by_province: dict[str, list[Entity]] = {}
    for a, p in agency_pool:
        by_province.setdefault(p.adcode[:2], []).append(a)
    provinces = [p for p in places if p.label == "Province"]
    n_docs = max(2, int(2200 * scale))
    located_done: set[str] = set()
    for i in range(n_docs):
        stem = f"syn{i:05d}"
        prov = rng.choice(provinces)
        issuer_pool = by_province.get(prov.adcode[:2]) or [a for a, _ in agency_pool[:50]]
        local = issuer_pool + rng.sample([a for a, _ in agency_pool], 40)
        kind = rng.choice(KINDS)
        title = f"{prov.name}关于{rng.choice(VERBS)}{rng.choice(OBJECTS)}的若干措施（第{i % 9 + 1}批）"
        doc = Entity(id=document_id(stem), type="Document", name=title,
                     properties={"title": title, "date": f"20{18 + i % 7}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                                 "kind": kind, "source": "synthetic"})
        ents: dict[str, Entity] = {}
        rels: list[Relation] = []
        pos = 0

        def add(e: Entity) -> Entity:
            ents.setdefault(e.id, e)
            return e

        def place(p: Place) -> None:
            add(Entity(id=p.id, type=p.label, name=p.name, properties={"adcode": p.adcode}))
            if p.parent and p.id not in located_done:
                parent = place_by_code.get(p.parent)
                if parent:
                    place(parent)
                    rels.append(Relation("LOCATED_IN", p.id, parent.id, _ev(f"{parent.name}{p.name}", 0, stem),
                                         "gazetteer"))
                    located_done.add(p.id)

        place(prov)
        rels.append(Relation("ISSUED_BY", doc.id, prov.id, _ev(f"{prov.name}人民政府印发", 0, stem), "issuer"))
        n_clauses = rng.randint(20, 40)
        for n in range(1, n_clauses + 1):
            ctitle = f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}"
            areas = sorted(rng.sample(AREAS, rng.randint(1, 2)))
            is_task = rng.random() < 0.15
            if is_task:
                mname = f"{ctitle}{rng.choice(['试点', '工程', '机制', '平台'])}{rng.randint(1, 40000)}"
                measure = add(Entity(id=entity_id("Task", mname), type="Task", name=mname,
                                     properties={"title": mname, "areas": areas}))
                rels.append(Relation("MENTIONS", doc.id, measure.id, _ev(mname, pos, stem), "co-occurrence"))
            else:
                measure = add(Entity(id=clause_id(stem, n), type="Clause", name=ctitle,
                                     properties={"number": n, "title": ctitle, "areas": areas,
                                                 "text": f"{ctitle}。{'、'.join(areas)}领域。"}))
                rels.append(Relation("HAS_CLAUSE", doc.id, measure.id, _ev(ctitle, pos, stem), "numbering"))
            who = rng.sample(local, rng.randint(1, 6))
            note = "（责任单位：" + "、".join(a.name for a in who) + "）"
            pos += 60
            for j, a in enumerate(who):
                agency = add(Entity(id=a.id, type="Agency", name=a.name, aliases=list(a.aliases)))
                role = "LEADS" if j == 0 and rng.random() < 0.4 else rng.choices(
                    [r for r, _ in ROLE_WEIGHTS], [w for _, w in ROLE_WEIGHTS])[0]
                rels.append(Relation(role, agency.id, measure.id, _ev(note, pos, stem), "responsibility-note"))
            if rng.random() < 0.3:
                target = rng.choice(provinces)
                place(target)
                rels.append(Relation("APPLIES_TO", measure.id, target.id, _ev(f"适用范围：{target.name}", pos, stem),
                                     "scope"))
            pos += len(note)
        for a in rng.sample(local, 5):
            add(Entity(id=a.id, type="Agency", name=a.name, aliases=list(a.aliases)))
            rels.append(Relation("MENTIONS", doc.id, a.id, _ev(a.name, pos, stem), "co-occurrence"))
        yield DocumentGraph(document=doc, entities=list(ents.values()), relations=rels)
    # agencies' locations, once, as a last "gazetteer" document
    gaz = Entity(id=document_id("syn_gazetteer"), type="Document", name="行政区划与机构名录",
                 properties={"title": "行政区划与机构名录", "kind": "plan", "source": "synthetic"})
    ents = {}
    rels = []
    for a, p in agency_pool:
        ents[a.id] = a
        ents[p.id] = Entity(id=p.id, type=p.label, name=p.name, properties={"adcode": p.adcode})
        rels.append(Relation("LOCATED_IN", a.id, p.id, _ev(a.name, 0, "syn_gazetteer"), "gazetteer"))
    for p in places:
        ents.setdefault(p.id, Entity(id=p.id, type=p.label, name=p.name, properties={"adcode": p.adcode}))
        parent = place_by_code.get(p.parent or "")
        if parent:
            rels.append(Relation("LOCATED_IN", p.id, parent.id, _ev(f"{parent.name}{p.name}", 0, "syn_gazetteer"),
                                 "gazetteer"))
    yield DocumentGraph(document=gaz, entities=list(ents.values()), relations=rels)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--stats", action="store_true", help="print node/relationship counts")
    args = ap.parse_args()
    from graph.records import prepare
    batch = prepare(corpus(args.scale, args.seed))
    print(f"{batch.documents} documents, {len(batch.nodes)} nodes, {len(batch.edges)} relationships")


if __name__ == "__main__":
    main()
