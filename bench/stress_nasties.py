"""Stress the reader/normaliser/extractor with big nasty inputs (beyond what CI runs), one subprocess
per case so that peak RSS (ru_maxrss) belongs to that case alone.

    .venv/bin/python bench/stress_nasties.py                 # default sizes
    .venv/bin/python bench/stress_nasties.py --text-mb 50 --clauses 100000 --line-mb 20

Cases: a `--text-mb` MB text read with the size limit raised to fit (normalise + extract), a document
with `--clauses` clauses (chapters of 100), a `--line-mb` MB single line, and the whole catalogue of
tests/nasties. Prints a table (seconds, peak RSS MB, outcome) and writes bench/results/stress_nasties.json.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _case(kind: str, size: float, folder: str) -> dict:
    """Runs inside the child process."""
    from tests.support import nasties
    from extract.loader import load_document
    from common.errors import KGError
    folder_p = Path(folder)
    began = time.perf_counter()
    outcome = ""
    try:
        if kind == "text":
            p = nasties.make_big_text(folder_p, mb=int(size))
            nd = load_document(p, max_bytes=int((size + 1) * 1_000_000))
            outcome = f"{len(nd.text):,} chars, {len(nd.sentences):,} sentences"
            import extract
            g = extract.extract_document(nd)
            outcome += f", {len(g.entities):,} entities, {len(g.relations):,} relations"
        elif kind == "clauses":
            chapters = max(1, int(size) // 100)
            p = nasties.make_many_clauses(folder_p, chapters=chapters, per_chapter=100)
            import extract
            g = extract.extract_path(p)
            outcome = f"{sum(1 for e in g.entities if e.type == 'Clause'):,} clauses, {len(g.relations):,} relations"
        elif kind == "line":
            p = nasties.make_one_line(folder_p, mb=size)
            import extract
            g = extract.extract_path(p)
            outcome = f"{len(g.text or ''):,} chars on one line, {len(g.relations):,} relations"
        elif kind == "catalogue":
            results = []
            for n in nasties.CATALOGUE:
                try:
                    load_document(n.make(folder_p))
                    results.append(f"{n.name}: ok")
                except KGError as err:
                    results.append(f"{n.name}: {type(err).__name__}")
            outcome = "; ".join(results)
    except KGError as err:
        outcome = f"{type(err).__name__}: {err}"
    return {"case": kind, "size": size, "seconds": round(time.perf_counter() - began, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1), "outcome": outcome}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--text-mb", type=float, default=15)
    ap.add_argument("--clauses", type=int, default=30000)
    ap.add_argument("--line-mb", type=float, default=5)
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_case(args.child[0], float(args.child[1]), args.child[2]), ensure_ascii=False))
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind, size in (("catalogue", 0), ("text", args.text_mb), ("clauses", args.clauses), ("line", args.line_mb)):
            folder = Path(tmp) / kind
            folder.mkdir()
            out = subprocess.run([sys.executable, __file__, "--child", kind, str(size), str(folder)],
                                 capture_output=True, text=True, cwd=ROOT)
            row = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else \
                {"case": kind, "size": size, "error": out.stderr.strip().splitlines()[-1:]}
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    res = ROOT / "bench" / "results"
    res.mkdir(parents=True, exist_ok=True)
    (res / "stress_nasties.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
