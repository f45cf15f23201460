"""Relation rule families for everything but roles: where bodies and zones sit (LOCATED_IN,
SUBORDINATE_TO, PART_OF), MEMBER_OF, HOLDS_POSITION, APPLIES_TO, ISSUED_BY and MENTIONS. Each family
is a function `(build) -> None`; extract.relations runs them in the order of its `RELATION_RULES`. The
rule ids below are the `rule` of the relations each family makes."""
from __future__ import annotations

import re
from bisect import bisect_right

from graph.model import document_id, entity_id

from extract.bodies import load_body_grammar
from extract.graph_builder import Build, GraphBuilder
from extract.hits import PLACE_TYPES, Target
from extract.jurisdiction import load_jurisdiction_reader
from extract.name_rules import GAZETTEER, LOCAL_AGENCY, PLACE_DEPARTMENT
from extract.person_rules import TITLE_NAME
from extract.recognise import load_recogniser

ZONE_PROVINCE = "zone-province"
GAZETTEER_PARENT = "gazetteer-parent"
GAZETTEER_PARTS = "gazetteer-parts"
STATED_SUBORDINATION = "stated-subordination"
JURISDICTION_PARENT = "jurisdiction-parent"
FOUNDING_MEMBERS = "founding-members"
TITLE_CHAIN = "title-chain"
IN_ZONE = "in-zone"
ISSUER = "issuer"
ISSUER_METADATA = "issuer-metadata"
CO_OCCURRENCE = "co-occurrence"


def parents(b: Build) -> None:
    """Gazetteer and pattern parents (浦东新区 → 上海市), zone parts and zones' provinces, both ends named."""
    g, gaz = b.g, b.cues.gaz
    present = g.entities
    first_pos: dict[str, int] = {eid: e.mentions[0].start for eid, e in present.items() if e.mentions}
    built: dict[tuple[str, str], tuple[str, str]] = {}
    inner_place: dict[str, str] = {}   # zone id → first place written inside its name
    last_zone: list = []
    for h in b.hits:  # hits are in text order; places inside a zone's span follow the zone
        if h.kind == "name" and h.targets and h.targets[0].type == "Zone":
            last_zone = [h]
        elif h.kind == "place" and last_zone and h.start < last_zone[0].end:
            for t in last_zone[0].targets:
                inner_place.setdefault(entity_id("Zone", t.name), h.targets[0].name)
    for h in b.hits:
        for t in h.targets:
            if t.parent and (t.type, t.name) not in built:
                built[(t.type, t.name)] = (t.parent, t.parent_rel)
    for eid, ent in list(present.items()):
        if ent.type in ("Clause", "Task", "Person"):
            continue
        src_entry = gaz.get(ent.name, ent.type)
        parent, prel, parts = None, None, []
        if src_entry is not None:
            parent, prel, parts = src_entry.parent, src_entry.parent_rel, src_entry.parts
        if parent is None:  # names built by patterns carry their parent on the target
            parent, prel = built.get((ent.type, ent.name), (None, None))
        if ent.type in ("Zone", "FTZ"):
            # zones are placed in their province (docs/domain.md §4: FTZ/Zone → Province)
            prov = _zone_province(b, parent, inner_place.get(eid))
            pid = entity_id("Province", prov) if prov else None
            if pid and pid in g.entities:
                g.rel("LOCATED_IN", eid, pid, g.sentence(first_pos.get(eid, 0)), ZONE_PROVINCE)
            if prel == "LOCATED_IN":
                prel = None
        if parent and prel:
            pent = _present(g, parent)
            if pent:
                g.rel(prel, eid, pent, g.sentence(first_pos.get(eid, 0)), GAZETTEER_PARENT)
        for part in parts:
            pid = _present(g, part)
            if pid:
                g.rel("PART_OF", pid, eid, g.sentence(first_pos.get(pid, 0)), GAZETTEER_PARTS)


def _zone_province(b: Build, parent: str | None, inner: str | None) -> str | None:
    gaz = b.cues.gaz
    for name in (parent, inner):
        seen = 0
        while name and seen < 5:
            pe = gaz.place(name)
            if pe is not None:
                if pe.type == "Province":
                    return pe.name
                name = pe.parent
            else:
                other = gaz.get(name)
                name = other.parent if other is not None else None
            seen += 1
    return None


def _present(g: GraphBuilder, name: str) -> str | None:
    for typ in ("Province", "City", "County", "Zone", "FTZ", "Customs", "Agency", "Organization"):
        eid = entity_id(typ, name)
        if eid in g.entities:
            return eid
    return None


def stated_subordination(b: Build) -> None:
    """`上海海关隶属浦东机场海关` (B under A), `A隶属于B`: SUBORDINATE_TO between customs or agencies."""
    g = b.g
    ends = {h.end: h for h in b.top}
    starts = {h.start: h for h in b.top}
    for m in b.cues.subord_re.finditer(b.text):
        x, y = ends.get(m.start()), starts.get(m.end())
        if not x or not y:
            continue
        tx, ty = x.targets[0], y.targets[0]
        if tx.type not in ("Customs", "Agency") or ty.type not in ("Customs", "Agency"):
            continue
        src, dst = (tx, ty) if m.group(1) else (ty, tx)
        g.rel("SUBORDINATE_TO", g.entity(src), g.entity(dst), g.sentence(m.start()), STATED_SUBORDINATION)


def jurisdiction_parent(b: Build) -> None:
    """A body qualified by the jurisdiction (上海市松江区财政局) is LOCATED_IN its place when it is named."""
    g = b.g
    jr = load_jurisdiction_reader()
    places: dict[str, str | None] = {}
    for eid, ent in list(g.entities.items()):
        prefix = ent.properties.get("jurisdiction_name")
        if not prefix or ent.type in PLACE_TYPES:
            continue
        if prefix not in places:
            chain, used = jr.parse_chain(prefix)
            last = chain[-1] if chain and used == len(prefix) else None
            pid = entity_id(last.level, last.name) if last and last.level in PLACE_TYPES else None
            places[prefix] = pid if pid in g.entities else None
        pid = places[prefix]
        if pid:
            m = ent.mentions[0] if ent.mentions else None
            g.rel("LOCATED_IN", eid, pid, g.sentence(m.start) if m else None, JURISDICTION_PARENT)


def founding_members(b: Build) -> None:
    """`<organisation>由A、B和C联合发起设立`: A, B and C are MEMBER_OF the organisation."""
    g = b.g
    for m in b.cues.member_re.finditer(b.text):
        org = b.actor_before(m.start())
        if org is None or org.targets[0].type != "Organization":
            continue
        oid = g.entity(org.targets[0])
        ev = g.sentence(m.start())
        for t in b.actors(m.start("list"), m.end("list")):
            g.rel("MEMBER_OF", g.entity(t), oid, ev, FOUNDING_MEMBERS)


def title_chain(b: Build) -> None:
    """`上海市政府副秘书长、发展改革委主任华源`: HOLDS_POSITION in each body of the posts before the name."""
    g, text = b.g, b.text
    for h in b.hits:
        if h.rule != TITLE_NAME:
            continue
        pid = entity_id("Person", h.targets[0].name)
        tstart, title = h.title_start, h.title
        lo = max(0, tstart - 120)
        chunk = text[lo:tstart]
        cut = max(chunk.rfind(c) for c in "，。；：:\n“”\"！？")
        cstart = lo + cut + 1
        chain_end = tstart + len(title)
        last_place: Target | None = None
        segs = [m.start() for m in re.finditer("、", text[cstart:chain_end])]
        bounds = [cstart] + [cstart + i + 1 for i in segs] + [chain_end + 1]
        for k in range(len(bounds) - 1):
            s, e = bounds[k], bounds[k + 1] - 1
            tm = b.cues.title_end_re.search(text[s:e])
            if not tm:
                continue
            post = tm.group(1)
            org_end = s + tm.start()
            orgs = b.actors(s, org_end)
            if not orgs:
                continue
            org = orgs[-1]
            hit = b.hit_covering(s, org_end, org)
            if org.type == "Agency" and hit is not None and hit.rule == GAZETTEER and last_place \
                    and hit.text != org.name:
                org = load_recogniser().local_agency(last_place, hit.text) or org
            if hit is not None and hit.rule in (PLACE_DEPARTMENT, LOCAL_AGENCY):
                last_place = _place_of(b, org)
            elif org.type in PLACE_TYPES:
                last_place = org
            g.rel("HOLDS_POSITION", pid, g.entity(org), g.sentence(h.start), TITLE_CHAIN, title=post)


def _place_of(b: Build, org: Target) -> Target | None:
    """The place an agency's name starts with (上海市 of 上海市发展和改革委员会)."""
    for k in range(2, len(org.name)):
        pe = b.cues.gaz.place(org.name[:k])
        if pe:
            return Target(pe.type, pe.name)
    return None


def in_zone(b: Build) -> None:
    """`在<zone>…` / `<zone>内` / `<zone>范围内` inside a clause: the clause APPLIES_TO the zone."""
    g, text = b.g, b.text
    for h in b.top:
        t = h.targets[0] if h.targets else None
        if t is None or t.type not in ("Zone", "FTZ"):
            continue
        before = h.start > 0 and text[h.start - 1] == "在"
        inside = text.startswith(("内", "范围内"), h.end)
        if not (before or inside):
            continue
        cid = b.clause_at(h.start)
        if cid:
            g.rel("APPLIES_TO", cid, g.entity(t), g.sentence(h.start), IN_ZONE)


def issuers(b: Build) -> None:
    """ISSUED_BY the metadata's issuers (else the title's `X关于…`, a transcript's source), localised."""
    # the publishing medium named by author/source is an entity too
    g, nd, gaz = b.g, b.g.nd, b.cues.gaz
    meta = nd.meta or {}
    did = document_id(nd.doc_id)
    title = meta.get("title") or ""
    names = list(meta.get("issuers") or [])
    if not names and meta.get("kind") == "transcript" and meta.get("source"):
        src = str(meta["source"])
        if gaz.get(src) or src.endswith(("办公室", "人民政府", "政府")):
            names.append(src)
    for key in ("author", "source"):  # the publishing medium is named by the document
        v = meta.get(key)
        if isinstance(v, str) and v:
            ent = gaz.get(v)
            if ent is not None and ent.type == "Organization":
                g.entity(Target(ent.type, ent.name, v if v != ent.name else ""))
    if not names and meta.get("kind") == "policy" and "关于" in title:
        head = title.split("关于", 1)[0]
        if head and gaz.get(head):
            names.append(head)
    grammar = load_body_grammar()
    jur = b.jurisdiction
    for name in names:
        ent = gaz.get(name)
        t = Target(ent.type, ent.name) if ent else Target("Agency", name)
        if jur is not None and not jur.national:
            res = grammar.resolve(name, jur, None, t if ent else None)
            if isinstance(res, Target):
                t = res
        eid = g.entity(t)
        i = nd.text.find(name)
        if i >= 0:
            g.mention(eid, i, i + len(name))
            ev = g.sentence(i)
        else:
            ev = None  # named only in the metadata
        g.rel("ISSUED_BY", did, eid, ev, ISSUER_METADATA if ev is None else ISSUER)


def co_occurrence(b: Build) -> None:
    """The document MENTIONS every named entity, and each clause the entities named inside it."""
    g, clauses = b.g, b.clauses
    did = document_id(g.nd.doc_id)
    starts = b.cstarts
    for eid, ent in list(g.entities.items()):
        if ent.type in ("Clause", "Task") or not ent.mentions:
            continue
        g.rel("MENTIONS", did, eid, g.sentence(ent.mentions[0].start), CO_OCCURRENCE)
        seen: set = set()
        for m in ent.mentions:
            i = bisect_right(starts, m.start) - 1
            if i >= 0 and clauses[i][0].start <= m.start < clauses[i][0].end:
                cid = clauses[i][1]
                if cid not in seen:
                    seen.add(cid)
                    g.rel("MENTIONS", cid, eid, g.sentence(m.start), CO_OCCURRENCE)

