"""Extraction: policy documents → typed, evidence-carrying graphs (`graph.model.DocumentGraph`).

Public API (imported lazily, so `import extract.document` does not load spaCy):
- `load_document(path)` / `normalise_text(text, doc_id, fmt="txt")` – read → normalise → structure
  (extract.loader, no spaCy);
- `load_nlp()` – the cached spaCy pipeline (blank zh + our components, see extract.pipeline);
- `extract_document(nd, nlp=None)` – one NormalisedDocument → DocumentGraph;
- `extract_path(path)` / `extract_text(text, doc_id, fmt="txt")`;
- `extract_many(paths, n_process=1, progress=None)` – batched with `nlp.pipe`, optionally in
  several processes; yields `(path, DocumentGraph | KGError)` in input order.
"""
from __future__ import annotations

__all__ = ["load_document", "normalise_text", "load_nlp", "extract_document", "extract_path", "extract_text",
           "extract_many"]


def __getattr__(name: str):
    if name in ("load_document", "normalise_text"):
        from extract import loader
        return getattr(loader, name)
    if name in __all__:
        from extract import api
        return getattr(api, name)
    raise AttributeError(f"module 'extract' has no attribute {name!r}")
