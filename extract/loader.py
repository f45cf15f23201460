"""The first three stages in one call: read → normalise → structure (no spaCy is loaded here)."""
from __future__ import annotations

from pathlib import Path

from extract.document import NormalisedDocument, RawDocument
from extract.normalise import normalise
from extract.reader import read_document
from extract.structure import structure_document


def load_document(path: str | Path, max_bytes: int = 20_000_000) -> NormalisedDocument:
    """Read, normalise and structure one file (raises errors.InputError on unreadable input)."""
    return structure_document(normalise(read_document(path, max_bytes=max_bytes)))


def normalise_text(text: str, doc_id: str, fmt: str = "txt") -> NormalisedDocument:
    """The same for text that comes without a file (uploads, tests)."""
    return structure_document(normalise(RawDocument(doc_id=doc_id, text=text, fmt=fmt, path="")))
