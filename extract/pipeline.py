"""The spaCy pipeline: a blank `zh` language with a linear character tokenizer and our components.

Components (registered with `@Language.factory`, with declared config, `assigns` and `requires`,
run in this order) fill one typed per-document state, `doc._.kg` (a `DocState`):
- `kg_phrases`  – PhraseMatcher over every gazetteer surface and collective term, and the policy-area
  keywords (config `match_areas`) → `gaz_spans`, `area_spans`;
- `kg_entities` – the issuing jurisdiction (extract.jurisdiction), name patterns (extract.recognise),
  responsibility notes, flattened tables (config `tables`) and bare lists (config `bare_lists`;
  extract.notes, extract.tables), and the body grammar that qualifies relative names (extract.bodies)
  → `jurisdiction`, `notes`, `tables`, `hits`;
- `kg_relations` – relations, clauses, tasks, areas (extract.relations) → `graph`.

The document's structure (`NormalisedDocument`) comes in `doc._.kg.nd` (`extract.api` puts it there);
a Doc made from plain text gets the plain-text structure on first use.

spaCy's own Chinese char segmentation aligns words to the text with a quadratic slice loop
(`util.get_words_and_spaces`), so a 3 MB one-line document would never finish; `CharTokenizer`
builds the same one-token-per-character Doc directly, so token i is character i.
"""
from __future__ import annotations

import gc
from dataclasses import dataclass, field
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from graph.model import DocumentGraph

from extract.areas import load_areas
from extract.bodies import load_body_grammar
from extract.document import NormalisedDocument
from extract.gazetteer import Gazetteer, load_gazetteer
from extract.jurisdiction import Jurisdiction, load_jurisdiction_reader
from extract.notes import Note, bare_list_notes, load_note_reader
from extract.recognise import Hit, load_recogniser, target_of
from extract.relations import RelationExtractor
from extract.structure import parse_structure, split_sentences
from extract.table_model import Table
from extract.tables import flattened_tables, table_notes


# Texts longer than this are matched window by window (a Doc costs ~200 bytes per character).
CHUNK_ABOVE = 1_000_000
CHUNK = 200_000
OVERLAP = 256


@dataclass
class DocState:
    """Everything the components know about one document, on `doc._.kg`.

    `text` is the document's text (Doc.text rebuilds the string token by token: keep it); `chunked`
    marks a stub Doc for a text longer than CHUNK_ABOVE, matched window by window."""
    text: str
    nd: NormalisedDocument | None = None
    chunked: bool = False
    gaz_spans: list[tuple[int, int]] = field(default_factory=list)
    area_spans: list[tuple[int, int]] | None = None
    jurisdiction: Jurisdiction | None = None
    notes: list[Note] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    graph: DocumentGraph | None = None


if not Doc.has_extension("kg"):
    Doc.set_extension("kg", default=None)


def doc_state(doc: Doc) -> DocState:
    """The Doc's state; a Doc made without one gets it here, with the plain-text structure."""
    state = doc._.kg
    if state is None:
        state = doc._.kg = DocState(text=doc.text)
    if state.nd is None:
        state.nd = NormalisedDocument(doc_id="doc", text=state.text, meta={}, blocks=parse_structure(state.text),
                                      sentences=split_sentences(state.text))
    return state


class CharTokenizer:
    """One token per character (whitespace included), linear time; `doc.text == text`."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        doc = Doc(self.vocab, words=list(text), spaces=[False] * len(text))
        doc._.kg = DocState(text=text)
        return doc

    def pipe(self, texts, batch_size: int = 1000):
        for t in texts:
            yield self(t)

    def to_bytes(self, **_) -> bytes:
        return b""

    def from_bytes(self, _data: bytes, **_) -> "CharTokenizer":
        return self

    def to_disk(self, _path, **_) -> None:
        return None

    def from_disk(self, _path, **_) -> "CharTokenizer":
        return self


class PhraseComponent:
    """Gazetteer phrase matching on characters, and area keywords; stores (start, end) char spans."""

    def __init__(self, nlp: Language, gaz: Gazetteer, match_areas: bool = True) -> None:
        self.matcher = PhraseMatcher(nlp.vocab)
        make = self.tokenizer = nlp.tokenizer
        forms = sorted(set(gaz.surfaces) | set(gaz.collective))
        self.matcher.add("KG", [make(f) for f in forms])
        self.match_areas = match_areas
        if match_areas:
            self.matcher.add("AREA", [make(k) for k in sorted(load_areas().kw)])
        self.area_key = nlp.vocab.strings["AREA"]

    def __call__(self, doc: Doc) -> Doc:
        state = doc_state(doc)
        gaz, area = [], []
        for key, s, e in self._matches(doc, state):
            (area if key == self.area_key else gaz).append((s, e))
        state.gaz_spans = sorted(gaz)
        if not self.match_areas:
            state.area_spans = None   # relations then find area keywords with their own regex
            return doc
        kept, cover = [], -1
        for s, e in sorted(area, key=lambda x: (x[0], -x[1])):
            if e > cover:  # a keyword inside a longer one (支付 in 转移支付) does not count
                kept.append((s, e))
                cover = e
        state.area_spans = kept
        return doc

    def _matches(self, doc: Doc, state: DocState):
        """Matches over the doc, or — for a very long text on a stub doc — over windows of CHUNK
        characters that overlap by more than the longest name."""
        if not state.chunked:
            yield from self.matcher(doc)
            return
        make, text = self.tokenizer, state.text
        for i in range(0, len(text), CHUNK):
            window = make(text[i:i + CHUNK + OVERLAP])
            for key, s, e in self.matcher(window):
                if s < CHUNK:  # matches starting in the overlap belong to the next window
                    yield key, s + i, e + i


class EntityComponent:
    """Jurisdiction, names, notes, tables and bare lists, then the body grammar over all of them."""

    def __init__(self, tables: bool = True, bare_lists: bool = True) -> None:
        self.rec = load_recogniser()
        self.jr = load_jurisdiction_reader()
        self.grammar = load_body_grammar()
        self.notes = load_note_reader()
        self.read_tables = tables
        self.read_bare_lists = bare_lists

    def __call__(self, doc: Doc) -> Doc:
        state = doc_state(doc)
        nd = state.nd
        meta = nd.meta or {}
        jur = self.jr.read(meta, nd.text, meta.get("jurisdiction_override"))
        speakers = [(b.start, b.end, b.speaker, b.level) for b in nd.turns() if b.speaker]
        hits = self.rec.find(nd.text, state.gaz_spans, nd_place(nd, self.rec), speakers)
        notes = self.notes.find_notes(nd.text)

        def actor_line(s: int, e: int, named: bool = False) -> bool:
            return self.grammar.is_actor_line(nd.text, s, e, jur, named)

        tables = flattened_tables(nd.text, actor_line) if self.read_tables else []
        noted = {n.start for n in notes}
        bare = [n for n in bare_list_notes(nd.text, lambda s, e: actor_line(s, e, True),
                                           lambda e: _ends_item(nd.text, e)) if n.start not in noted] \
            if self.read_bare_lists else []
        state.jurisdiction = jur
        state.notes = sorted(notes + table_notes(tables) + bare, key=lambda n: n.start)
        state.tables = tables
        state.hits = self.grammar.augment(nd.text, hits, jur, state.notes, meta.get("kind", "policy"))
        return doc


def _ends_item(text: str, end: int) -> bool:
    """Does a bracket closing at `end` close its line or sentence (a list that ends a measure)?"""
    rest = text[end:end + 2]
    return rest == "" or rest[0] in "\n。；;" or rest.startswith(("。", "\n"))


def nd_place(nd: NormalisedDocument, rec) -> object | None:
    """The city/province whose own document this is (issuer or title 上海市人民政府关于…)."""
    gaz = rec.gaz
    names = list(nd.meta.get("issuers") or []) + [nd.meta.get("title") or "", nd.meta.get("source") or ""]
    for n in names:
        for suffix in ("人民政府", "政府"):
            i = n.find(suffix)
            if i > 0:
                head = n[:i]
                for k in range(len(head)):
                    pe = gaz.place(head[k:])
                    if pe:
                        return target_of(pe)
    return None


class RelationComponent:
    """Relations, clauses, tasks and areas of the document → its DocumentGraph."""

    def __init__(self, gaz: Gazetteer) -> None:
        self.rx = RelationExtractor(gaz)

    def __call__(self, doc: Doc) -> Doc:
        state = doc_state(doc)
        state.graph = self.rx.build(state.nd, state.hits, state.area_spans, state.jurisdiction,
                                    state.notes, state.tables)
        return doc


@Language.factory("kg_phrases", default_config={"match_areas": True},
                  assigns=["doc._.kg"], requires=[])
def make_phrases(nlp: Language, name: str, match_areas: bool) -> PhraseComponent:
    """Gazetteer surfaces and collective terms (and area keywords unless `match_areas` is false)."""
    return PhraseComponent(nlp, load_gazetteer(), match_areas)


@Language.factory("kg_entities", default_config={"tables": True, "bare_lists": True},
                  assigns=["doc._.kg"], requires=["doc._.kg"])
def make_entities(nlp: Language, name: str, tables: bool, bare_lists: bool) -> EntityComponent:
    """Names and roles; `tables` reads flattened task tables, `bare_lists` the lists closing measures."""
    return EntityComponent(tables, bare_lists)


@Language.factory("kg_relations", default_config={}, assigns=["doc._.kg"], requires=["doc._.kg"])
def make_relations(nlp: Language, name: str) -> RelationComponent:
    return RelationComponent(load_gazetteer())


def build_nlp(config: dict[str, dict] | None = None) -> Language:
    """A fresh pipeline: blank zh + char tokenizer + kg_phrases, kg_entities, kg_relations; `config`
    gives a component's settings by name (`{"kg_entities": {"tables": False}}`)."""
    config = config or {}
    nlp = spacy.blank("zh")
    nlp.tokenizer = CharTokenizer(nlp.vocab)
    nlp.max_length = 100_000_000
    for name in ("kg_phrases", "kg_entities", "kg_relations"):
        nlp.add_pipe(name, config=config.get(name, {}))
    return nlp


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The process-wide pipeline (built once; data files read once). Batch runs then call
    `freeze_permanent_objects()`; a long-lived process holding other big data (the app) does not."""
    return build_nlp()


@lru_cache(maxsize=1)
def freeze_permanent_objects() -> None:
    """Move everything alive now (the pipeline, gazetteer, compiled patterns) out of the cyclic
    garbage collector's sight, once per process, so collections during a batch extraction do not
    rescan tens of thousands of permanent objects. Not for the app: a graph loaded there would be
    frozen too and never freed on reload."""
    gc.collect()
    gc.freeze()
