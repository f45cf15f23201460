"""The document model shared by the reading/normalising front end and the entity/relation back end.

`RawDocument` is what `extract.reader.read_document` decodes from a file; `NormalisedDocument` is what
`extract.normalise.normalise` makes of it: one clean text that every offset (blocks, sentences, and the
mentions/evidence found later) points into, plus metadata and the document structure.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field



@dataclass
class RawDocument:
    """A decoded input file, before normalisation."""
    doc_id: str          # file stem, stable
    text: str            # decoded text (before normalisation)
    fmt: str             # txt|md|html|pdf|docx
    path: str


@dataclass
class Block:
    """A structural unit of the normalised text.

    kind: "heading" (a numbered item or 章/节 that contains other items or carries no measure),
    "clause" (innermost numbered item carrying a measure), "turn" (a speaker's turn in a Q&A
    transcript) or "paragraph" (one line of the normalised text).
    level: the numbering rank — 章=1, 节=2, 一、=3, （一）=4, 1．/table row=5, （1）=6, ①=7, 一是=8;
    for turns 1 = question (by a newspaper/reporter), 2 = answer; paragraphs 0.
    number: the printed number as an int; for turns their order in the transcript (1, 2, …).
    section: the enclosing item's number where numbering restarts in each section (节 → 章,
    1． → （一） task, 一是 in a Q&A answer → the turn's number); None where numbering runs on.
    parent: index into `NormalisedDocument.blocks` of the enclosing heading/turn (None at top level).
    """
    kind: str
    start: int
    end: int
    level: int = 0
    number: int | None = None
    section: int | None = None
    title: str = ""
    speaker: str = ""
    marker: str = ""
    parent: int | None = None


@dataclass
class NormalisedText:
    """What `extract.normalise.normalise` makes of a RawDocument, before structure: the clean text and
    its metadata, the front matter it came with (news hints) and where a fragment that continues an
    earlier page starts (`（上接…）`), for `extract.structure.structure_document`."""
    doc_id: str
    text: str
    meta: dict
    front_matter: dict = field(default_factory=dict)
    fragment_start: int | None = None


@dataclass
class NormalisedDocument:
    """Normalised text + metadata + structure; every offset points into `text`.

    text: one paragraph per line ("\n"), no blank lines, lines stripped.
    meta: title (str, "" if unknown), date / effective_date (ISO yyyy-mm-dd or None), issuers
    (list of issuing bodies named in the header/signature), source, author, kind
    (policy|news|transcript|plan), format (txt|md|html|pdf|docx); where found also doc_number
    (文号, e.g. 国发〔2018〕38号), note (corpus NOTE: line), categories (front matter).
    """
    doc_id: str
    text: str
    meta: dict
    blocks: list[Block] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._index()

    def _index(self) -> None:
        self._sent_starts = [s for s, _ in self.sentences]
        self._clauses = sorted((b for b in self.blocks if b.kind == "clause"), key=lambda b: b.start)
        self._turns = sorted((b for b in self.blocks if b.kind == "turn"), key=lambda b: b.start)
        self._clause_starts = [b.start for b in self._clauses]
        self._turn_starts = [b.start for b in self._turns]
        # structural blocks by start, for blocks_at (a scan of every paragraph per call was quadratic)
        self._structural = sorted((b for b in self.blocks if b.kind != "paragraph"), key=lambda b: (b.start, -b.end))
        self._structural_starts = [b.start for b in self._structural]

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """The sentence span containing `offset`; between sentences, the next one (else the last)."""
        if not self.sentences:
            return (0, len(self.text))
        i = bisect_right(self._sent_starts, offset) - 1
        if i >= 0 and self.sentences[i][0] <= offset < self.sentences[i][1]:
            return self.sentences[i]
        if i + 1 < len(self.sentences):
            return self.sentences[i + 1]
        return self.sentences[-1]

    def block_at(self, offset: int) -> Block | None:
        """The innermost clause (else turn) containing `offset`, or None."""
        for starts, blocks in ((self._clause_starts, self._clauses), (self._turn_starts, self._turns)):
            i = bisect_right(starts, offset) - 1
            if i >= 0 and blocks[i].start <= offset < blocks[i].end:
                return blocks[i]
        return None

    def blocks_at(self, offset: int) -> list[Block]:
        """All non-paragraph blocks containing `offset`, outermost first."""
        upto = bisect_right(self._structural_starts, offset)
        return [b for b in self._structural[:upto] if offset < b.end]

    def clauses(self) -> list[Block]:
        """Clause blocks in document order."""
        return list(self._clauses)

    def turns(self) -> list[Block]:
        """Turn blocks in document order."""
        return list(self._turns)

    def block_text(self, block: Block) -> str:
        return self.text[block.start:block.end]
