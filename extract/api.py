"""The extraction API behind `extract.__init__` (see there)."""
from __future__ import annotations

import gc
from pathlib import Path
from typing import Callable, Iterable, Iterator

from graph.errors import InputError, KGError
from graph.model import DocumentGraph

from extract.document import NormalisedDocument, load_document, normalise_text
from extract.pipeline import CHUNK_ABOVE, load_nlp

BATCH = 16


def _make_doc(nlp, nd: NormalisedDocument):
    if len(nd.text) > CHUNK_ABOVE:
        # a stub doc carries the text; kg_phrases matches it in windows (bounded memory)
        doc = nlp.make_doc("")
        doc.user_data["kg_text"] = nd.text
        doc.user_data["kg_chunked"] = True
    else:
        doc = nlp.make_doc(nd.text)
    doc.user_data["kg_nd"] = nd
    doc.user_data["kg_doc_id"] = nd.doc_id
    return doc


def _graph(doc) -> DocumentGraph:
    g = doc.user_data["kg_graph"]
    doc.user_data.clear()
    return g


def extract_document(nd: NormalisedDocument, nlp=None) -> DocumentGraph:
    """One normalised document → its DocumentGraph (offsets point into `nd.text`)."""
    nlp = nlp or load_nlp()
    return _graph(nlp(_make_doc(nlp, nd)))


def extract_path(path: str | Path) -> DocumentGraph:
    """Read, normalise and extract one file (raises graph.errors.InputError on bad input)."""
    return extract_document(load_document(path))


def extract_text(text: str, doc_id: str, fmt: str = "txt") -> DocumentGraph:
    """Extract from text given directly (uploads, tests)."""
    if not text or not text.strip():
        raise InputError(f"{doc_id}: empty text")
    return extract_document(normalise_text(text, doc_id, fmt))


def _load_all(paths: list[str]) -> Iterator[tuple[str, NormalisedDocument | KGError]]:
    for p in paths:
        try:
            yield p, load_document(p)
        except KGError as err:
            yield p, err
        except (OSError, UnicodeError, ValueError) as err:  # unexpected reader failure → one line
            yield p, InputError(f"{Path(p).name}: cannot read ({type(err).__name__}: {err})")


class _FewerCollections:
    """Batch runs allocate many short-lived objects: collect the young generation less often."""

    def __enter__(self):
        self.saved = gc.get_threshold()
        gc.set_threshold(max(self.saved[0], 50_000), self.saved[1], self.saved[2])

    def __exit__(self, *exc):
        gc.set_threshold(*self.saved)


def _run_serial(paths: list[str]) -> Iterator[tuple[str, DocumentGraph | KGError]]:
    with _FewerCollections():
        yield from _run_serial_inner(paths)


def _run_serial_inner(paths: list[str]) -> Iterator[tuple[str, DocumentGraph | KGError]]:
    nlp = load_nlp()
    loaded = list(_load_all(paths)) if len(paths) <= BATCH else None
    source = loaded if loaded is not None else _load_all(paths)
    pending: list[tuple[str, NormalisedDocument | KGError]] = []

    def flush():
        docs = [(p, x) for p, x in pending if not isinstance(x, KGError)]
        out = iter(nlp.pipe((_make_doc(nlp, nd) for _, nd in docs), batch_size=BATCH))
        for p, x in pending:
            yield p, (x if isinstance(x, KGError) else _graph(next(out)))
        pending.clear()

    for item in source:
        pending.append(item)
        if len(pending) >= BATCH:
            yield from flush()
    if pending:
        yield from flush()


def _worker(paths: list[str]) -> list[tuple[str, str | KGError]]:
    return [(p, g if isinstance(g, KGError) else g.to_json()) for p, g in _run_serial(paths)]


def extract_many(paths: Iterable[str | Path], n_process: int = 1,
                 progress: Callable[[int, int], None] | None = None
                 ) -> Iterator[tuple[str, DocumentGraph | KGError]]:
    """Extract many files; yields (path, graph or error) in input order. Bad files do not stop the run.

    n_process > 1 splits the files into chunks handled by worker processes (each loads the pipeline
    once and batches with nlp.pipe); graphs come back as JSON and are rebuilt here.
    """
    paths = [str(p) for p in paths]
    total = len(paths)
    done = 0
    if n_process <= 1 or total < 2:
        for item in _run_serial(paths):
            done += 1
            if progress:
                progress(done, total)
            yield item
        return
    import multiprocessing as mp
    chunk = max(1, min(BATCH, (total + n_process - 1) // n_process))
    chunks = [paths[i:i + chunk] for i in range(0, total, chunk)]
    ctx = mp.get_context("fork") if hasattr(mp, "get_context") else mp
    with ctx.Pool(n_process) as pool:
        for result in pool.imap(_worker, chunks):
            for p, g in result:
                done += 1
                if progress:
                    progress(done, total)
                yield p, (g if isinstance(g, KGError) else DocumentGraph.from_json(g))
