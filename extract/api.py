"""The extraction API behind `extract.__init__` (see there)."""
from __future__ import annotations

import gc
from pathlib import Path
from typing import Callable, Iterable, Iterator

from common.errors import InputError, KGError
from graph.model import DocumentGraph

from extract.document import NormalisedDocument
from extract.loader import load_document, normalise_text
from extract.pipeline import CHUNK_ABOVE, DocState, freeze_permanent_objects, load_nlp

BATCH = 16


def _make_doc(nlp, nd: NormalisedDocument):
    chunked = len(nd.text) > CHUNK_ABOVE
    # a stub doc carries a very long text; kg_phrases matches it in windows (bounded memory)
    doc = nlp.make_doc("" if chunked else nd.text)
    doc._.kg = DocState(text=nd.text, nd=nd, chunked=chunked)
    return doc


def _graph(doc) -> DocumentGraph:
    g = doc._.kg.graph
    doc._.kg = None
    return g


def check_jurisdiction(name: str | None) -> str | None:
    """A user's `--jurisdiction` (上海市青浦区, 广州市, 国家), checked; raises ConfigError if unknown."""
    if name:
        from extract.jurisdiction import load_jurisdiction_reader
        load_jurisdiction_reader().from_name(name)
    return name or None


def _with_jurisdiction(nd: NormalisedDocument, jurisdiction: str | None) -> NormalisedDocument:
    if jurisdiction:
        nd.meta["jurisdiction_override"] = jurisdiction
    return nd


def extract_document(nd: NormalisedDocument, nlp=None, jurisdiction: str | None = None) -> DocumentGraph:
    """One normalised document → its DocumentGraph (offsets point into `nd.text`). `jurisdiction`
    overrides the issuing jurisdiction read from the document."""
    nlp = nlp or load_nlp()
    return _graph(nlp(_make_doc(nlp, _with_jurisdiction(nd, check_jurisdiction(jurisdiction)))))


def extract_path(path: str | Path, jurisdiction: str | None = None) -> DocumentGraph:
    """Read, normalise and extract one file (raises common.errors.InputError on bad input)."""
    return extract_document(load_document(path), jurisdiction=jurisdiction)


def extract_text(text: str, doc_id: str, fmt: str = "txt", jurisdiction: str | None = None) -> DocumentGraph:
    """Extract from text given directly (uploads, tests)."""
    if not text or not text.strip():
        raise InputError(f"{doc_id}: empty text")
    return extract_document(normalise_text(text, doc_id, fmt), jurisdiction=jurisdiction)


def _load_all(paths: list[str], jurisdiction: str | None = None
              ) -> Iterator[tuple[str, NormalisedDocument | KGError]]:
    for p in paths:
        try:
            yield p, _with_jurisdiction(load_document(p), jurisdiction)
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


def _run_serial(paths: list[str], jurisdiction: str | None = None
                ) -> Iterator[tuple[str, DocumentGraph | KGError]]:
    with _FewerCollections():
        yield from _run_serial_inner(paths, jurisdiction)


def _run_serial_inner(paths: list[str], jurisdiction: str | None = None
                      ) -> Iterator[tuple[str, DocumentGraph | KGError]]:
    nlp = load_nlp()
    freeze_permanent_objects()
    loaded = list(_load_all(paths, jurisdiction)) if len(paths) <= BATCH else None
    source = loaded if loaded is not None else _load_all(paths, jurisdiction)
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


def _worker(job: tuple[list[str], str | None]) -> list[tuple[str, str | KGError]]:
    paths, jurisdiction = job
    return [(p, g if isinstance(g, KGError) else g.to_json()) for p, g in _run_serial(paths, jurisdiction)]


def extract_many(paths: Iterable[str | Path], n_process: int = 1,
                 progress: Callable[[int, int], None] | None = None, jurisdiction: str | None = None
                 ) -> Iterator[tuple[str, DocumentGraph | KGError]]:
    """Extract many files; yields (path, graph or error) in input order. Bad files do not stop the run.
    `jurisdiction` (checked first: ConfigError if unknown) overrides every document's own.

    n_process > 1 splits the files into chunks handled by worker processes (each loads the pipeline
    once and batches with nlp.pipe); graphs come back as JSON and are rebuilt here.
    """
    paths = [str(p) for p in paths]
    jurisdiction = check_jurisdiction(jurisdiction)
    total = len(paths)
    done = 0
    if n_process <= 1 or total < 2:
        for item in _run_serial(paths, jurisdiction):
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
        for result in pool.imap(_worker, [(c, jurisdiction) for c in chunks]):
            for p, g in result:
                done += 1
                if progress:
                    progress(done, total)
                yield p, (g if isinstance(g, KGError) else DocumentGraph.from_json(g))
