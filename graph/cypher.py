"""Every Cypher statement of the project, in one place.

Values always travel as parameters. The only text ever interpolated is a label or relationship type
from the schema's closed sets (checked by `_label`/`_rel_type` before use) and a validated integer
path length (variable-length bounds cannot be parameters in Cypher).
"""
from __future__ import annotations

from graph.model import ENTITY_LABEL, LABELS, check_label, check_rel_type

FULLTEXT_INDEX = "entity_names_fulltext"
SEARCH_TEXT_INDEX = "entity_search_text"


# Labels and types are interpolated only after this check against the schema's closed sets.
_label = check_label
_rel_type = check_rel_type


# -- schema ---------------------------------------------------------------------------------------

def schema_statements() -> list[str]:
    """Constraint, name indexes, a text index for substring search, the cjk full-text index."""
    return [f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ENTITY_LABEL}) REQUIRE n.id IS UNIQUE",
            *search_index_statements()]


def _name_index(label: str) -> str:
    return "entity_name" if label == ENTITY_LABEL else f"{label.lower()}_name"


def search_index_statements() -> list[str]:
    """Every index except the id constraint: name indexes (Entity and each label), the text index
    for substring search, the cjk full-text index. A bulk load drops them and rebuilds them after
    (one population pass is much cheaper than maintaining them row by row)."""
    stmts = [f"CREATE INDEX {_name_index(lab)} IF NOT EXISTS FOR (n:{lab}) ON (n.name)"
             for lab in (ENTITY_LABEL, *(_label(x) for x in LABELS))]
    return stmts + [
        f"CREATE TEXT INDEX {SEARCH_TEXT_INDEX} IF NOT EXISTS FOR (n:{ENTITY_LABEL}) ON (n.search_text)",
        (f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{ENTITY_LABEL}) "
         "ON EACH [n.name, n.aliases] OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}"),
    ]


DROP_SEARCH_INDEXES = [f"DROP INDEX {name} IF EXISTS" for name in
                       (*(_name_index(lab) for lab in (ENTITY_LABEL, *LABELS)), SEARCH_TEXT_INDEX, FULLTEXT_INDEX)]
AWAIT_INDEXES = "CALL db.awaitIndexes($timeout)"

# -- writes ---------------------------------------------------------------------------------------


def merge_nodes(label: str) -> str:
    """Batched MERGE of entity nodes of one label. A new node takes the row as is; an existing one
    gets the union of aliases, documents and search keys (never a duplicate)."""
    return (
        "UNWIND $rows AS row\n"
        f"MERGE (n:{ENTITY_LABEL} {{id: row.id}})\n"
        f"ON CREATE SET n:{_label(label)}, n += row.props, n.name = row.name, n.aliases = row.aliases,\n"
        "    n.docs = row.docs, n.search_keys = row.keys, n.search_text = row.text\n"
        f"ON MATCH SET n:{_label(label)}, n += row.props, n.name = row.name,\n"
        "    n.aliases = coalesce(n.aliases, []) + [a IN row.aliases WHERE NOT a IN coalesce(n.aliases, [])],\n"
        "    n.docs = coalesce(n.docs, []) + [d IN row.docs WHERE NOT d IN coalesce(n.docs, [])],\n"
        "    n.search_keys = coalesce(n.search_keys, [])\n"
        "        + [k IN row.keys WHERE NOT k IN coalesce(n.search_keys, [])]\n"
        "WITH n, row WHERE n.search_keys <> row.keys\n"
        "SET n.search_text = reduce(s = '\\n', k IN n.search_keys | s + k + '\\n')"
    )


_FRESH = "[i IN range(0, size(row.ev_keys) - 1) WHERE NOT row.ev_keys[i] IN r.ev_keys | row.{f}[i]]"


def merge_relationships(rel_type: str) -> str:
    """Batched MERGE of relationships of one type. A new relationship takes the row's evidence; an
    existing one appends only evidence whose key it does not hold yet (ev_keys is updated last, so
    every list is filtered against the old keys)."""
    appends = ",\n    ".join(f"r.{f} = r.{f} + " + _FRESH.format(f=f)
                              for f in ("ev_docs", "ev_text", "ev_start", "ev_end", "ev_rule", "ev_keys"))
    return (
        "UNWIND $rows AS row\n"
        f"MATCH (a:{ENTITY_LABEL} {{id: row.source}})\n"
        f"MATCH (b:{ENTITY_LABEL} {{id: row.target}})\n"
        f"MERGE (a)-[r:{_rel_type(rel_type)}]->(b)\n"
        "ON CREATE SET r += row.props, r.ev_keys = row.ev_keys, r.ev_docs = row.ev_docs,\n"
        "    r.ev_text = row.ev_text, r.ev_start = row.ev_start, r.ev_end = row.ev_end, r.ev_rule = row.ev_rule\n"
        f"ON MATCH SET r += row.props,\n    {appends}"
    )


EXISTING_IDS = f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}}) RETURN n.id AS id"

DELETE_ALL_BATCH = "MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"

# -- reads ----------------------------------------------------------------------------------------

_NODE = "{id: n.id, labels: labels(n), props: properties(n)}"
_EDGE = ("{source: a.id, target: b.id, type: type(r), props: properties(r)}")

COUNT_NODES = (f"MATCH (n:{ENTITY_LABEL}) "
               f"RETURN [l IN labels(n) WHERE l <> '{ENTITY_LABEL}'][0] AS label, count(*) AS n")
COUNT_RELATIONSHIPS = (f"MATCH (:{ENTITY_LABEL})-[r]->(:{ENTITY_LABEL}) "
                       "RETURN type(r) AS type, count(*) AS n")
COUNT_ALL_NODES = f"MATCH (n:{ENTITY_LABEL}) RETURN count(n) AS n"
COUNT_ALL_RELATIONSHIPS = f"MATCH (:{ENTITY_LABEL})-[r]->(:{ENTITY_LABEL}) RETURN count(r) AS n"

NODES_BY_ID = f"UNWIND $ids AS id MATCH (n:{ENTITY_LABEL} {{id: id}}) RETURN {_NODE} AS node"

DOCUMENTS = (f"MATCH (n:Document:{ENTITY_LABEL}) "
             "RETURN {id: n.id, labels: labels(n), props: properties(n)} AS node, "
             "COUNT { (n)-[:HAS_CLAUSE]->(:Clause) } AS clauses")

def incident_edges(direction: str) -> str:
    """Edges at node $id: direction 'out', 'in' or 'both' (a self-loop counted once)."""
    head = {"out": f"MATCH (a:{ENTITY_LABEL} {{id: $id}})-[r]->(b:{ENTITY_LABEL})\n",
            "in": f"MATCH (a:{ENTITY_LABEL})-[r]->(b:{ENTITY_LABEL} {{id: $id}})\n",
            "both": (f"MATCH (:{ENTITY_LABEL} {{id: $id}})-[r]-(:{ENTITY_LABEL})\n"
                     "WITH DISTINCT r WITH r, startNode(r) AS a, endNode(r) AS b\n")}[direction]
    return (head + "WHERE $types IS NULL OR type(r) IN $types\n"
            f"RETURN {_EDGE} AS edge, "
            "{id: a.id, labels: labels(a), name: a.name} AS a, "
            "{id: b.id, labels: labels(b), name: b.name} AS b")


EXPAND = (f"UNWIND $frontier AS fid\n"
          f"MATCH (n:{ENTITY_LABEL} {{id: fid}})-[r]-(m:{ENTITY_LABEL})\n"
          "WHERE ($types IS NULL OR type(r) IN $types)\n"
          "  AND ($docs IS NULL OR any(d IN r.ev_docs WHERE d IN $docs))\n"
          "  AND ($labels IS NULL OR any(l IN labels(m) WHERE l IN $labels))\n"
          "  AND NOT m.id IN $exclude\n"
          "RETURN DISTINCT m.id AS id ORDER BY id LIMIT $limit")

EDGES_AMONG = (f"UNWIND $ids AS sid\n"
               f"MATCH (a:{ENTITY_LABEL} {{id: sid}})-[r]->(b:{ENTITY_LABEL})\n"
               "WHERE b.id IN $ids AND ($types IS NULL OR type(r) IN $types)\n"
               "  AND ($docs IS NULL OR any(d IN r.ev_docs WHERE d IN $docs))\n"
               f"RETURN {_EDGE} AS edge")


def shortest_paths(max_length: int) -> str:
    """All undirected shortest paths of at most `max_length` hops (an int, validated here)."""
    n = int(max_length)
    if not 1 <= n <= 15:
        raise ValueError("path length out of range")
    return (f"MATCH (s:{ENTITY_LABEL} {{id: $source}}), (t:{ENTITY_LABEL} {{id: $target}})\n"
            f"MATCH p = allShortestPaths((s)-[*..{n}]-(t))\n"
            "WHERE $types IS NULL OR all(r IN relationships(p) WHERE type(r) IN $types)\n"
            "RETURN [x IN nodes(p) | x.id] AS ids LIMIT $cap")


# Substring candidates in the order of search_rank.score: a prefix key beats a substring key, then
# the shorter matching key, then the shorter name, name, id. Only the best $cap travel.
SEARCH_CONTAINS = (f"MATCH (n:{ENTITY_LABEL}) WHERE n.search_text CONTAINS $needle\n"
                   "  AND ($labels IS NULL OR any(l IN labels(n) WHERE l IN $labels))\n"
                   "WITH n, reduce(best = 0, k IN n.search_keys | CASE WHEN k CONTAINS $needle AND\n"
                   "  (CASE WHEN k STARTS WITH $needle THEN 2000000 ELSE 1000000 END) - size(k) > best\n"
                   "  THEN (CASE WHEN k STARTS WITH $needle THEN 2000000 ELSE 1000000 END) - size(k)\n"
                   "  ELSE best END) AS rank\n"
                   "ORDER BY rank DESC, size(n.name), n.name, n.id LIMIT $cap\n"
                   "RETURN n.id AS id, labels(n) AS labels, n.name AS name, n.aliases AS aliases")

SEARCH_FULLTEXT = (f"CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $lucene, {{limit: $cap}}) "
                   "YIELD node AS n\n"
                   "WHERE $labels IS NULL OR any(l IN labels(n) WHERE l IN $labels)\n"
                   "RETURN n.id AS id, labels(n) AS labels, n.name AS name, n.aliases AS aliases")

# resolve(): by id, by name, by normalised key (name or alias); the caller unions the three.
_LOOKUP_RETURN = "RETURN n.id AS id, labels(n) AS labels, n.name AS name, n.aliases AS aliases"
LOOKUP_BY_ID = f"MATCH (n:{ENTITY_LABEL} {{id: $raw}}) " + _LOOKUP_RETURN
LOOKUP_BY_NAME = f"MATCH (n:{ENTITY_LABEL}) WHERE n.name = $raw " + _LOOKUP_RETURN
LOOKUP_BY_KEY = (f"MATCH (n:{ENTITY_LABEL}) WHERE n.search_text CONTAINS $needle\n"
                 "  AND ($raw IN n.aliases OR $norm IN n.search_keys) " + _LOOKUP_RETURN)

# Subgraph filters: the same node predicate for every end.
_NODE_OK = ("($labels IS NULL OR any(l IN labels({v}) WHERE l IN $labels))"
            " AND ($docs IS NULL OR any(d IN {v}.docs WHERE d IN $docs))"
            " AND ($areas IS NULL OR NOT any(l IN labels({v}) WHERE l IN ['Clause', 'Task'])"
            " OR any(x IN coalesce({v}.areas, []) WHERE toString(x) IN $areas))")

SUBGRAPH_NODES = (f"MATCH (n:{ENTITY_LABEL}) WHERE " + _NODE_OK.format(v="n") +
                  f"\nRETURN {_NODE} AS node")
SUBGRAPH_EDGES = (f"MATCH (a:{ENTITY_LABEL})-[r]->(b:{ENTITY_LABEL})\n"
                  "WHERE ($types IS NULL OR type(r) IN $types)"
                  " AND ($docs IS NULL OR any(d IN r.ev_docs WHERE d IN $docs))\n"
                  "  AND " + _NODE_OK.format(v="a") + "\n  AND " + _NODE_OK.format(v="b") +
                  f"\nRETURN {_EDGE} AS edge")

# -- aggregations (the store contract's; graph.analytics computes the same for the embedded store) --
# A role relation to a measure, with the documents filter on its evidence and the areas filter on
# the measure: the one pattern of every aggregation below.
_ROLE_MATCH = (f"MATCH (a:{ENTITY_LABEL})-[r:LEADS|CO_LEADS|RESPONSIBLE_FOR|SUPPORTS]->(m:{ENTITY_LABEL})\n"
               "WHERE (m:Clause OR m:Task)\n"
               "  AND ($docs IS NULL OR any(d IN r.ev_docs WHERE d IN $docs))\n"
               "  AND ($areas IS NULL OR any(x IN coalesce(m.areas, []) WHERE toString(x) IN $areas))\n")

ROLE_LOAD = (_ROLE_MATCH +
             "WITH a, type(r) AS role, count(*) AS n\n"
             "RETURN a.id AS id, a.name AS name, labels(a) AS labels, collect([role, n]) AS by_role")

CO_RESPONSIBLE = (_ROLE_MATCH +
                  "WITH DISTINCT a, m\n"
                  "WITH m, collect(a) AS actors WHERE size(actors) > 1\n"
                  "UNWIND actors AS a UNWIND actors AS b\n"
                  "WITH a, b, m WHERE a.id < b.id\n"
                  "WITH a, b, count(m) AS weight\n"
                  "ORDER BY weight DESC, a.id, b.id LIMIT $limit\n"
                  "RETURN a.id AS a, a.name AS a_name, b.id AS b, b.name AS b_name, weight")

AREA_LOAD = (_ROLE_MATCH +
             "  AND size(coalesce(m.areas, [])) > 0\n"
             "WITH DISTINCT a, m\n"
             "WITH a, collect(m) AS ms\n"
             "ORDER BY size(ms) DESC, a.name, a.id LIMIT $top\n"
             "UNWIND ms AS m UNWIND m.areas AS area\n"
             "RETURN a.id AS actor_id, a.name AS actor, toString(area) AS area, count(DISTINCT m) AS measures")

DOCUMENT_LOAD = (f"MATCH (:{ENTITY_LABEL})-[r:LEADS|CO_LEADS|RESPONSIBLE_FOR|SUPPORTS]->(m:{ENTITY_LABEL})\n"
                 "WHERE m:Clause OR m:Task\n"
                 "UNWIND r.ev_docs AS d WITH DISTINCT d, r\n"
                 "RETURN d AS doc, count(r) AS n ORDER BY doc")

# Maintained aggregates: the unfiltered answers, recomputed after each write by the store that wrote
# and kept as JSON on one node outside the schema (`:KgAggregates`, not an :Entity: no query of the
# graph sees it). Dropped before a write starts, so a write that fails leaves live queries, never stale ones.
AGGREGATES_LABEL = "KgAggregates"
READ_AGGREGATE = f"MATCH (m:{AGGREGATES_LABEL} {{id: 'graph'}}) RETURN m[$name] AS value"
SAVE_AGGREGATES = f"MERGE (m:{AGGREGATES_LABEL} {{id: 'graph'}}) SET m += $values"
# Cleared, not deleted: a reader matching the node while a write starts must never meet a deleted node.
DROP_AGGREGATES = f"MATCH (m:{AGGREGATES_LABEL}) SET m = {{id: m.id}}"
# reset(): the graph in batches, the aggregates node kept (cleared first; see DROP_AGGREGATES)
DELETE_GRAPH_BATCH = (f"MATCH (n) WHERE NOT n:{AGGREGATES_LABEL} WITH n LIMIT $limit DETACH DELETE n "
                      "RETURN count(*) AS deleted")

ROLE_LOAD_TOP = (_ROLE_MATCH +
                 "WITH a, type(r) AS role, count(*) AS n\n"
                 "WITH a, collect([role, n]) AS by_role, sum(n) AS total\n"
                 "ORDER BY total DESC, a.name, a.id LIMIT $limit\n"
                 "RETURN a.id AS id, a.name AS name, labels(a) AS labels, by_role")

PLACES = (f"MATCH (n:{ENTITY_LABEL}) WHERE n:Province OR n:City OR n:County OR n:Zone\n"
          f"RETURN {_NODE} AS node")
PLACE_LINKS = (f"MATCH (a:{ENTITY_LABEL})-[r:LOCATED_IN|SUBORDINATE_TO|PART_OF]->(b:{ENTITY_LABEL})\n"
               "RETURN a.id AS source, type(r) AS type, b.id AS target")
AREAS = (f"MATCH (m:{ENTITY_LABEL}) WHERE m:Clause OR m:Task\n"
         "UNWIND coalesce(m.areas, []) AS x RETURN DISTINCT toString(x) AS area ORDER BY area")

COUNT_SUBGRAPH_NODES = f"MATCH (n:{ENTITY_LABEL}) WHERE " + _NODE_OK.format(v="n") + "\nRETURN count(n) AS n"
COUNT_SUBGRAPH_EDGES = (f"MATCH (a:{ENTITY_LABEL})-[r]->(b:{ENTITY_LABEL})\n"
                        "WHERE ($types IS NULL OR type(r) IN $types)"
                        " AND ($docs IS NULL OR any(d IN r.ev_docs WHERE d IN $docs))\n"
                        "  AND " + _NODE_OK.format(v="a") + "\n  AND " + _NODE_OK.format(v="b") +
                        "\nRETURN count(r) AS n")
