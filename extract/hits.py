"""What name recognition produces: `Target` (an entity a span names) and `Hit` (a span and its targets),
and `Scan`, the hits of one text while the name rules run (extract.recognise)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from extract.gazetteer import Entry

PLACE_TYPES = ("Province", "City", "County")
CJK = "\u4e00-\u9fff"


@dataclass
class Target:
    """One entity a hit names: label, canonical name, alias written, properties, parent link."""
    type: str
    name: str
    alias: str = ""
    props: dict = field(default_factory=dict)
    parent: str | None = None
    parent_rel: str | None = None
    parts: tuple = ()


@dataclass
class Hit:
    """A span of the normalised text and the entities it names (several for a collective term or a
    distributive list).

    rule: the id of the rule that found it (the constants of extract.name_rules, org_rules,
      person_rules, and extract.bodies' own).
    kind: how the span takes part in settling overlaps (Recogniser._settle) —
      "place"   a province, city or county; may sit inside a longer name (宁波舟山港 names 宁波市);
      "name"    a body, zone or organisation;
      "generic" a generic unit or a feature name (国务院相关部门, 黄浦江): blocks names inside it;
      "person"  a person's name.
    collective: the collective term as written (两省一市) when the hit names its members, else "".
    place: the place a `<place><department>` or `市…` agency is built on (for 、-chains of posts), else None.
    title, title_start: a person's title as written (主任, 院士) and its offset (title-name; title only for
      name-honorific), else "" and -1.
    qualified: the name was qualified by the document's jurisdiction (extract.bodies).
    """
    start: int
    end: int
    text: str
    targets: list[Target]
    rule: str
    kind: str = "name"
    collective: str = ""
    place: Target | None = None
    title: str = ""
    title_start: int = -1
    qualified: bool = False

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class Scan:
    """One text while the name rules run: the inputs and the hits found so far (in the order found)."""
    text: str
    gaz_spans: Iterable[tuple[int, int]]     # (start, end) of phrase-matcher matches (read once)
    doc_place: Target | None                 # the issuing city/province (for `市…`/`省…` agencies)
    speakers: list[tuple[int, int, str, int]]   # (start, end, name, level) of Q&A turns
    hits: list[Hit] = field(default_factory=list)
    place_hits: list[Hit] = field(default_factory=list)   # the places among them


_TARGETS: dict[tuple[int, str], Target] = {}


def target_of(e: Entry, alias: str = "") -> Target:
    """The (shared, never mutated) Target of a gazetteer entry written as `alias`."""
    key = (id(e), alias)
    t = _TARGETS.get(key)
    if t is None:
        t = _TARGETS[key] = Target(e.type, e.name, alias if alias != e.name else "", dict(e.props),
                                   e.parent, e.parent_rel, tuple(e.parts))
    return t
