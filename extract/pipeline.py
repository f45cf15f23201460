"""The spaCy pipeline: a blank `zh` language with a linear character tokenizer and our components.

Components (registered with `@Language.factory`, run in this order):
- `kg_phrases`  – PhraseMatcher over every gazetteer surface and collective term;
- `kg_entities` – the issuing jurisdiction (extract.jurisdiction), name patterns (extract.recognise),
  responsibility notes, flattened tables and bare lists (extract.notes, extract.tables), and the
  body grammar that qualifies relative names (extract.bodies) → `doc.user_data["kg_hits"]`,
  `["kg_jurisdiction"]`, `["kg_notes"]`, `["kg_tables"]`;
- `kg_relations` – relations, clauses, tasks, areas (extract.relations) → `doc.user_data["kg_graph"]`.

The document's structure (`NormalisedDocument`) travels in `doc.user_data["kg_nd"]`; without it the
components normalise the doc text as plain text.

spaCy's own Chinese char segmentation aligns words to the text with a quadratic slice loop
(`util.get_words_and_spaces`), so a 3 MB one-line document would never finish; `CharTokenizer`
builds the same one-token-per-character Doc directly, so token i is character i.
"""
from __future__ import annotations

import gc
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from extract.gazetteer import Gazetteer, load_gazetteer
from extract.notes import bare_list_notes
from extract.tables import flattened_tables, table_notes


# Texts longer than this are matched window by window (a Doc costs ~200 bytes per character).
CHUNK_ABOVE = 1_000_000
CHUNK = 200_000
OVERLAP = 256


class CharTokenizer:
    """One token per character (whitespace included), linear time; `doc.text == text`."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        doc = Doc(self.vocab, words=list(text), spaces=[False] * len(text))
        doc.user_data["kg_text"] = text  # Doc.text rebuilds the string token by token: keep it
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
    """Gazetteer phrase matching on characters; stores (start, end) char spans."""

    def __init__(self, nlp: Language, gaz: Gazetteer) -> None:
        self.matcher = PhraseMatcher(nlp.vocab)
        make = self.tokenizer = nlp.tokenizer
        forms = sorted(set(gaz.surfaces) | set(gaz.collective))
        self.matcher.add("KG", [make(f) for f in forms])
        from extract.relations import load_areas
        self.matcher.add("AREA", [make(k) for k in sorted(load_areas().kw)])
        self.area_key = nlp.vocab.strings["AREA"]

    def __call__(self, doc: Doc) -> Doc:
        gaz, area = [], []
        for key, s, e in self._matches(doc):
            (area if key == self.area_key else gaz).append((s, e))
        doc.user_data["kg_gaz_spans"] = sorted(gaz)
        kept, cover = [], -1
        for s, e in sorted(area, key=lambda x: (x[0], -x[1])):
            if e > cover:  # a keyword inside a longer one (支付 in 转移支付) does not count
                kept.append((s, e))
                cover = e
        doc.user_data["kg_area_spans"] = kept
        return doc


    def _matches(self, doc: Doc):
        """Matches over the doc, or — for a very long text carried in `kg_text` with a stub doc —
        over windows of CHUNK characters that overlap by more than the longest name."""
        text = doc.user_data.get("kg_text")
        if not doc.user_data.get("kg_chunked") or text is None:
            yield from self.matcher(doc)
            return
        make = self.tokenizer
        for i in range(0, len(text), CHUNK):
            window = make(text[i:i + CHUNK + OVERLAP])
            for key, s, e in self.matcher(window):
                if s < CHUNK:  # matches starting in the overlap belong to the next window
                    yield key, s + i, e + i


class EntityComponent:
    def __init__(self, gaz: Gazetteer) -> None:
        from extract.bodies import load_body_grammar
        from extract.jurisdiction import load_jurisdiction_reader
        from extract.notes import load_note_reader
        from extract.recognise import load_recogniser
        self.rec = load_recogniser()
        self.jr = load_jurisdiction_reader()
        self.grammar = load_body_grammar()
        self.notes = load_note_reader()

    def __call__(self, doc: Doc) -> Doc:
        from extract.relations import doc_context
        nd = doc_context(doc)
        jur = self.jr.read(nd.meta or {}, nd.text, (nd.meta or {}).get("jurisdiction_override"))
        doc.user_data["kg_jurisdiction"] = jur
        ctx = nd_place(nd, self.rec)
        speakers = [(b.start, b.end, b.speaker, b.level) for b in nd.turns() if b.speaker]
        hits = self.rec.find(nd.text, doc.user_data.get("kg_gaz_spans", []), ctx, speakers)
        notes = self.notes.find_notes(nd.text)
        def actor_line(s: int, e: int, named: bool = False) -> bool:
            return self.grammar.is_actor_line(nd.text, s, e, jur, named)

        tables = flattened_tables(nd.text, actor_line)
        noted = {n.start for n in notes}
        bare = [n for n in bare_list_notes(nd.text, lambda s, e: actor_line(s, e, True),
                                           lambda e: _ends_item(nd.text, e)) if n.start not in noted]
        notes = sorted(notes + table_notes(tables) + bare, key=lambda n: n.start)
        doc.user_data["kg_notes"] = notes
        doc.user_data["kg_tables"] = tables
        doc.user_data["kg_hits"] = self.grammar.augment(nd.text, hits, jur, notes, (nd.meta or {}).get("kind", "policy"))
        return doc


def _ends_item(text: str, end: int) -> bool:
    """Does a bracket closing at `end` close its line or sentence (a list that ends a measure)?"""
    rest = text[end:end + 2]
    return rest == "" or rest[0] in "\n。；;" or rest.startswith(("。", "\n"))


def nd_place(nd, rec) -> object | None:
    """The city/province whose own document this is (issuer or title 上海市人民政府关于…)."""
    from extract.recognise import target_of
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
    def __init__(self, gaz: Gazetteer) -> None:
        from extract.relations import RelationExtractor
        self.rx = RelationExtractor(gaz)

    def __call__(self, doc: Doc) -> Doc:
        from extract.relations import doc_context
        doc.user_data["kg_graph"] = self.rx.build(doc_context(doc), doc.user_data.get("kg_hits", []),
                                                  doc.user_data.get("kg_area_spans"),
                                                  doc.user_data.get("kg_jurisdiction"),
                                                  doc.user_data.get("kg_notes"),
                                                  doc.user_data.get("kg_tables"))
        return doc


@Language.factory("kg_phrases")
def make_phrases(nlp: Language, name: str) -> PhraseComponent:
    return PhraseComponent(nlp, load_gazetteer())


@Language.factory("kg_entities")
def make_entities(nlp: Language, name: str) -> EntityComponent:
    return EntityComponent(load_gazetteer())


@Language.factory("kg_relations")
def make_relations(nlp: Language, name: str) -> RelationComponent:
    return RelationComponent(load_gazetteer())


def build_nlp() -> Language:
    """A fresh pipeline: blank zh + char tokenizer + kg_phrases, kg_entities, kg_relations."""
    nlp = spacy.blank("zh")
    nlp.tokenizer = CharTokenizer(nlp.vocab)
    nlp.max_length = 100_000_000
    nlp.add_pipe("kg_phrases")
    nlp.add_pipe("kg_entities")
    nlp.add_pipe("kg_relations")
    return nlp


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The process-wide pipeline (built once; data files read once).

    The gazetteer and compiled patterns live as long as the process: they are moved out of the
    cyclic garbage collector's sight (gc.freeze), so collections during extraction do not rescan
    tens of thousands of permanent objects.
    """
    nlp = build_nlp()
    gc.collect()
    gc.freeze()
    return nlp
