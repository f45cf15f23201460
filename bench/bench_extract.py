"""Extraction throughput and peak memory over ≥ 10 M characters of real text (seeds + corpus, repeated).

Modes, each run in its own subprocess so that peak memory (ru_maxrss) belongs to that mode alone:
- `bare`       – the reference: spaCy's stock blank `zh` tokenizer + a PhraseMatcher holding every
                 gazetteer surface, over the same file texts;
- `extract`    – our pipeline from normalised documents (NormalisedDocument → DocumentGraph) via nlp.pipe;
                 (all modes count the characters of the input files, so the rates compare directly)
- `end2end`    – read + normalise + extract + JSON, as `kg extract` does (`--processes N` for workers);
- `bigline`    – one 3 MB document on a single line (no quadratic step may hide anywhere).

Usage: .venv/bin/python bench/bench_extract.py [--chars 10000000] [--processes 1] [--modes bare,extract,end2end,bigline]
       [--sources all|national] [--repeat N]
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


SOURCES = os.environ.get("KG_BENCH_SOURCES", "all")


def source_files() -> list[str]:
    """The seeds and every corpus document (national, city, district and town documents); with
    `--sources national`, the seeds and corpus 01–06 only (the mix of the first measurements)."""
    if SOURCES == "national":
        return sorted(glob.glob(str(ROOT / "seeds" / "*.txt")) + glob.glob(str(ROOT / "corpus" / "0*.txt")))
    corpus = [p for p in glob.glob(str(ROOT / "corpus" / "*")) if p.endswith((".txt", ".md"))
              and not p.endswith("README.md")]
    return sorted(glob.glob(str(ROOT / "seeds" / "*.txt")) + corpus)


def repeated(paths: list[str], chars: int, sizes: dict[str, int]) -> list[str]:
    out, total = [], 0
    while total < chars:
        for p in paths:
            out.append(p)
            total += sizes[p]
    return out


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_mode(mode: str, chars: int, processes: int) -> dict:
    paths = source_files()
    raw = {p: Path(p).read_text(encoding="utf-8") for p in paths}
    sizes = {p: len(t) for p, t in raw.items()}
    work = repeated(paths, chars, sizes)
    if mode == "bare":
        import spacy
        from spacy.matcher import PhraseMatcher
        from extract.gazetteer import load_gazetteer
        nlp = spacy.blank("zh")
        nlp.max_length = 100_000_000
        gaz = load_gazetteer()
        pm = PhraseMatcher(nlp.vocab)
        pm.add("KG", [nlp.make_doc(f) for f in sorted(gaz.surfaces)])
        t0, c0 = time.perf_counter(), time.process_time()
        n = matches = 0
        for p in work:
            doc = nlp.make_doc(raw[p])
            matches += len(pm(doc))
            n += len(raw[p])
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        return {"mode": mode, "chars": n, "seconds": dt, "cpu_s": cpu, "cpu_chars_per_s": n / cpu if cpu else 0.0, "chars_per_s": n / dt, "peak_mb": peak_mb(),
                "matches": matches}
    if mode == "extract":
        from extract import load_nlp
        from extract.api import _graph, _make_doc
        from extract.loader import load_document
        nds = {p: load_document(p) for p in paths}
        nlp = load_nlp()
        order, k = work, 0
        t0, c0 = time.perf_counter(), time.process_time()
        n = rels = 0
        for doc in nlp.pipe((_make_doc(nlp, nds[p]) for p in work), batch_size=16):
            g = _graph(doc)
            rels += len(g.relations)
            n += sizes[order[k]]
            k += 1
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        return {"mode": mode, "chars": n, "seconds": dt, "cpu_s": cpu, "cpu_chars_per_s": n / cpu if cpu else 0.0, "chars_per_s": n / dt, "peak_mb": peak_mb(),
                "relations": rels}
    if mode == "end2end":
        from extract import extract_many, load_nlp
        load_nlp()
        t0, c0 = time.perf_counter(), time.process_time()
        n = rels = 0
        for p, g in extract_many(work, n_process=processes):
            g.to_json()          # the JSON contract is part of end to end
            rels += len(g.relations)
            n += sizes[p]
            del js
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        return {"mode": f"end2end x{processes}", "chars": n, "seconds": dt, "cpu_s": cpu, "cpu_chars_per_s": n / cpu if cpu else 0.0, "chars_per_s": n / dt,
                "peak_mb": peak_mb(), "relations": rels}
    if mode == "bigline":
        from extract import extract_text, load_nlp
        load_nlp()
        base = raw[str(ROOT / "seeds" / "002_5c908e72577d78e6.txt")].replace("\n", "")
        text = (base * (3_000_000 // len(base) + 1))[:3_000_000]
        t0, c0 = time.perf_counter(), time.process_time()
        g = extract_text(text, "bigline")
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        return {"mode": mode, "chars": len(text), "seconds": dt, "cpu_s": cpu,
                "cpu_chars_per_s": len(text) / cpu if cpu else 0.0, "chars_per_s": len(text) / dt,
                "peak_mb": peak_mb(), "relations": len(g.relations)}
    raise SystemExit(f"unknown mode {mode}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chars", type=int, default=10_000_000)
    ap.add_argument("--processes", type=int, default=1)
    ap.add_argument("--modes", default="bare,extract,end2end,bigline")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each mode, interleaved; the median is shown")
    ap.add_argument("--sources", choices=("all", "national"), default="all",
                    help="all: seeds + every corpus document; national: seeds + corpus 01–06")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    os.environ["KG_BENCH_SOURCES"] = args.sources
    if args.child:
        print(json.dumps(run_mode(args.child, args.chars, args.processes)))
        return 0
    runs: dict[str, list[dict]] = {}
    for _ in range(args.repeat):        # modes interleaved, so a slow spell of the host hits all of them
        for mode in args.modes.split(","):
            cmd = [sys.executable, __file__, "--child", mode, "--chars", str(args.chars),
                   "--processes", str(args.processes), "--sources", args.sources]
            res = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
            if res.returncode != 0:
                print(res.stderr, file=sys.stderr)
                return 1
            runs.setdefault(mode, []).append(json.loads(res.stdout.strip().splitlines()[-1]))
    # the median run of each mode (by CPU throughput)
    rows = [sorted(rs, key=lambda r: r["cpu_chars_per_s"])[len(rs) // 2] for rs in runs.values()]
    print(f"{'mode':<14} {'chars':>11} {'wall s':>8} {'chars/s':>11} {'CPU s':>8} {'chars/CPU-s':>12} {'peak MB':>8}")
    for r in rows:
        print(f"{r['mode']:<14} {r['chars']:>11,} {r['seconds']:>8.2f} {r['chars_per_s']:>11,.0f} "
              f"{r['cpu_s']:>8.2f} {r['cpu_chars_per_s']:>12,.0f} {r['peak_mb']:>8.0f}")
    print("chars/CPU-s: throughput per core measured by process CPU time (the machine is shared; wall"
          " time includes waiting for a core). end2end xN: CPU of the parent only.")
    by_mode = {r["mode"].split()[0]: r for r in rows}
    if "bare" in by_mode:
        base = by_mode["bare"]["cpu_chars_per_s"]
        for m in ("extract", "end2end"):
            if m in by_mode and base:
                print(f"ratio {m}/bare (chars per CPU-second, same run): {by_mode[m]['cpu_chars_per_s'] / base:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
