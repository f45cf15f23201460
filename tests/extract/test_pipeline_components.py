"""The spaCy pipeline: blank zh with our registered components, one token per character, linear."""
from __future__ import annotations

import time

import pytest
from spacy.language import Language

from extract import load_nlp
from extract.loader import load_document
from tests.support.extracted import SEEDS


def test_pipeline_is_blank_zh_with_registered_components():
    nlp = load_nlp()
    assert nlp.lang == "zh"
    assert nlp.pipe_names == ["kg_phrases", "kg_entities", "kg_relations"]
    for name in nlp.pipe_names:
        assert Language.has_factory(name)
    assert load_nlp() is nlp  # cached


def test_char_tokenizer_keeps_offsets_of_real_text():
    nd = load_document(SEEDS["002"])
    doc = load_nlp().make_doc(nd.text)
    assert len(doc) == len(nd.text)
    assert doc[100].idx == 100 and doc[100].text == nd.text[100]
    assert doc.text == nd.text


def test_phrase_matcher_finds_gazetteer_names_in_seed_text():
    nlp = load_nlp()
    nd = load_document(SEEDS["000"])
    doc = nlp.make_doc(nd.text)
    doc = nlp.get_pipe("kg_phrases")(doc)
    found = {nd.text[s:e] for s, e in doc._.kg.gaz_spans}
    assert {"上海海关", "南京海关", "杭州海关", "海关总署", "两省一市"} <= found


@pytest.mark.slow
def test_a_long_single_line_is_processed_in_linear_time():
    """Doubling a one-line document must not much more than double the time (no quadratic step)."""
    from extract import extract_text
    base = SEEDS["002"].read_text(encoding="utf-8").replace("\n", "")

    def cost(n: int) -> float:
        text = (base * (n // len(base) + 1))[:n]
        t0 = time.process_time()  # CPU time: the machine is shared, wall time is noisy
        g = extract_text(text, "oneline")
        assert g.relations
        return time.process_time() - t0

    cost(20_000)  # warm up
    small, large = cost(100_000), cost(400_000)
    assert large < small * 4 * 2.5, (small, large)


def test_pipe_batches_give_the_same_graphs_as_single_calls():
    from extract import extract_document, extract_many
    paths = [SEEDS["002"], SEEDS["003"]]
    batched = [g.to_json() for _, g in extract_many(paths)]
    single = [extract_document(load_document(p)).to_json() for p in paths]
    assert batched == single


@pytest.mark.slow
def test_extract_many_keeps_order_reports_bad_files_and_runs_in_worker_processes(tmp_path):
    from extract import extract_many
    from common.errors import InputError
    missing = tmp_path / "missing.txt"
    paths = [SEEDS["003"], missing, SEEDS["002"]]
    for n_process in (1, 2):
        out = list(extract_many(paths, n_process=n_process))
        assert [p for p, _ in out] == [str(p) for p in paths]
        assert isinstance(out[1][1], InputError) and "missing.txt" in str(out[1][1])
        assert out[0][1].doc_id == SEEDS["003"].stem and out[2][1].doc_id == SEEDS["002"].stem
    serial = [g.to_json() for _, g in extract_many([SEEDS["002"]])]
    parallel = [g.to_json() for _, g in extract_many([SEEDS["002"], SEEDS["003"]], n_process=2)][:1]
    assert serial == parallel


def test_very_long_texts_are_matched_in_windows_with_the_same_result(monkeypatch):
    """Above CHUNK_ABOVE characters the phrase matcher runs window by window (bounded memory);
    names across a window boundary are still found once."""
    import extract.api as api
    import extract.pipeline as pipeline
    from extract import extract_document
    nds = [load_document(SEEDS[k]) for k in ("002", "004")]
    whole = [extract_document(nd).to_json() for nd in nds]
    monkeypatch.setattr(api, "CHUNK_ABOVE", 1000)
    monkeypatch.setattr(pipeline, "CHUNK", 997)   # odd size: windows cut names in two
    chunked = [extract_document(nd).to_json() for nd in nds]
    assert chunked == whole
