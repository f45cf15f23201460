"""Hand-built DocumentGraphs for the graph-layer tests (independent of the extractor).

Two documents in the shape of the seeds: a first-batch policy with clauses and responsibility notes,
and a news article naming the customs task led by 上海海关, which shares agencies with the first, so
merging both exercises provenance accumulation.
"""
from __future__ import annotations

from graph.model import DocumentGraph, Entity, Evidence, Relation, clause_id, document_id, entity_id

HOSTILE = [
    "O'Brien \"quoted\" 部门",
    "`backtick` 委员会",
    "x'}) DETACH DELETE n //",
    "$param {name: $x}",
    "back\\slash\\n 办公室",
    "line\nbreak\ttab 局",
    "nul\x00char 处",
    "长" * 900 + "中心",
]
LONG_TEXT = "很长的证据句子'`}) DETACH DELETE n //" * 2000


def _ent(label: str, name: str, aliases: list[str] | None = None, **props) -> Entity:
    return Entity(id=entity_id(label, name), type=label, name=name, aliases=aliases or [], properties=props)


def _rel(rtype: str, src: Entity | str, dst: Entity | str, text: str, start: int, rule: str, **props) -> Relation:
    s = src if isinstance(src, str) else src.id
    t = dst if isinstance(dst, str) else dst.id
    return Relation(type=rtype, source=s, target=t, evidence=Evidence(text=text, start=start, end=start + len(text)),
                    rule=rule, properties=props)


def policy_doc() -> DocumentGraph:
    """A first-batch-like policy: three clauses, expanded responsibility notes, geography."""
    stem = "002_sample_policy"
    doc = Entity(id=document_id(stem), type="Document", name="关于支持示范区高质量发展的若干政策措施",
                 properties={"title": "关于支持示范区高质量发展的若干政策措施", "date": "2020-06-10",
                             "effective_date": "2020-07-01", "kind": "policy"})
    sh, js, zj = (_ent("Province", "上海市", ["沪", "上海"]), _ent("Province", "江苏省", ["苏", "江苏"]),
                  _ent("Province", "浙江省", ["浙", "浙江"]))
    zone = _ent("Zone", "长三角生态绿色一体化发展示范区", ["示范区", "一体化示范区"])
    exec_ = _ent("Agency", "长三角生态绿色一体化发展示范区执行委员会", ["示范区执委会", "执委会"])
    fin = [_ent("Agency", f"{p}财政部门") for p in ("上海市", "江苏省", "浙江省")]
    dev = [_ent("Agency", f"{p}发展改革部门", ["发展改革部门"]) for p in ("上海市", "江苏省", "浙江省")]
    qp = _ent("County", "青浦区", ["青浦"])
    clauses = []
    for n, title, areas in ((1, "推进重大改革系统集成", ["体制机制"]), (2, "赋予示范区执委会相关管理权限", ["体制机制"]),
                            (3, "加大财政支持力度", ["财政"])):
        clauses.append(Entity(id=clause_id(stem, n), type="Clause", name=title,
                              properties={"number": n, "title": title, "text": f"{title}……", "areas": areas}))
    note1 = "(责任单位:两省一市发展改革部门、示范区执委会)"
    note3 = "(责任单位:两省一市财政部门、示范区执委会)"
    rels = [_rel("HAS_CLAUSE", doc, c, c.name, 100 * c.properties["number"], "numbering") for c in clauses]
    rels += [_rel("RESPONSIBLE_FOR", a, clauses[0], note1, 180, "responsibility-note") for a in dev + [exec_]]
    rels += [_rel("LEADS", exec_, clauses[1], "示范区执委会牵头", 260, "lead-cue")]
    rels += [_rel("SUPPORTS", a, clauses[1], "两省一市发展改革部门配合", 275, "support-cue") for a in dev]
    rels += [_rel("RESPONSIBLE_FOR", a, clauses[2], note3, 380, "responsibility-note") for a in fin + [exec_]]
    rels += [_rel("LOCATED_IN", qp, sh, "上海市青浦区", 20, "gazetteer"),
             _rel("PART_OF", qp, zone, "两区一县", 30, "collective-term"),
             _rel("APPLIES_TO", clauses[2], zone, "在示范区内", 390, "scope"),
             _rel("ISSUED_BY", doc, sh, "上海市人民政府", 0, "issuer"),
             _rel("ISSUED_BY", doc, zj, "浙江省人民政府", 8, "issuer"),
             _rel("MENTIONS", doc, js, "江苏省", 40, "co-occurrence")]
    ents = [sh, js, zj, zone, exec_, *fin, *dev, qp, *clauses]
    return DocumentGraph(document=doc, entities=ents, relations=rels)


def news_doc() -> DocumentGraph:
    """A news article: the customs task, a person with a post, and a repeated responsibility."""
    stem = "000_sample_news"
    doc = Entity(id=document_id(stem), type="Document", name="示范区第二批支持政策发布",
                 properties={"title": "示范区第二批支持政策发布", "date": "2022-09-15", "kind": "news"})
    sh_customs = _ent("Customs", "上海海关")
    nj, hz = _ent("Customs", "南京海关"), _ent("Customs", "杭州海关")
    gacc = _ent("Customs", "海关总署")
    task = _ent("Task", "建立三地海关跨境电商协同监管机制", areas=["海关贸易"])
    person = _ent("Person", "叶建")
    exec_ = _ent("Agency", "长三角生态绿色一体化发展示范区执行委员会", ["执委会"])
    sh = _ent("Province", "上海市", ["上海"])
    sh_dev = _ent("Agency", "上海市发展改革部门", ["发展改革委"])
    first = "clause:002_sample_policy#1"
    rels = [_rel("LEADS", sh_customs, task, "上海海关牵头建立三地海关跨境电商协同监管机制", 500, "lead-cue"),
            _rel("SUPPORTS", nj, task, "南京海关、杭州海关配合", 540, "support-cue"),
            _rel("SUPPORTS", hz, task, "南京海关、杭州海关配合", 540, "support-cue"),
            _rel("SUBORDINATE_TO", sh_customs, gacc, "海关总署上海海关", 480, "hierarchy"),
            _rel("HOLDS_POSITION", person, sh_customs, "上海海关副关长叶建", 470, "title-person", title="副关长"),
            # the same responsibility as in the policy, read again from the news: provenance accumulates
            _rel("RESPONSIBLE_FOR", exec_, first, "执委会负责推进重大改革系统集成", 600, "responsibility-note"),
            _rel("RESPONSIBLE_FOR", sh_dev, first, "上海市发展改革委负责", 640, "responsibility-note"),
            _rel("MENTIONS", doc, sh, "上海", 10, "co-occurrence")]
    return DocumentGraph(document=doc, entities=[sh_customs, nj, hz, gacc, task, person, exec_, sh, sh_dev],
                         relations=rels)


def hostile_doc() -> DocumentGraph:
    """Entities whose names and evidence are injection attempts and awkward strings."""
    stem = "999_hostile"
    doc = Entity(id=document_id(stem), type="Document", name="hostile ' \" ` }) DETACH DELETE n //",
                 properties={"title": "x'}) DETACH DELETE n //", "kind": "news"})
    ents, rels = [], []
    task = _ent("Task", "任务 `MATCH (n) DETACH DELETE n`", areas=["体制机制", "a'b"])
    ents.append(task)
    for i, name in enumerate(HOSTILE):
        e = _ent("Agency", name, [name + " alias'`", "$x"], note=name, long_note=LONG_TEXT)
        ents.append(e)
        rels.append(_rel("LEADS", e, task, name + LONG_TEXT, i * 10, "rule'`}) DETACH DELETE n //"))
    too_long = _ent("Agency", "超" * 1200 + "委员会")
    ents.append(too_long)
    rels.append(_rel("SUPPORTS", too_long, task, "skipped with its entity", 9999, "x"))
    return DocumentGraph(document=doc, entities=ents, relations=rels)


def sample_graphs() -> list[DocumentGraph]:
    return [policy_doc(), news_doc()]
