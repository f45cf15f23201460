"""`kg extract FILE… [--out DIR] [--processes N]`: documents → one JSON object per document.

JSON Lines on stdout, or `<id>.json` per document in DIR (the contract of docs/domain.md §5).
A bad file prints one line on stderr (`kg: error: …`) and makes the exit status non-zero; the other
files are still extracted. With many files, progress goes to stderr.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from common.errors import ConfigError, KGError

EXIT_SOME_FAILED = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `extract` to the `kg` parser."""
    p = subparsers.add_parser(
        "extract", help="extract entities and relations from documents (JSON per document)",
        description="Read .txt/.md/.html/.pdf/.docx policy documents and print one JSON object per "
                    "document (JSON Lines), or write <id>.json files into --out DIR.")
    p.add_argument("files", nargs="+", metavar="FILE", help="documents to extract")
    p.add_argument("--out", metavar="DIR", help="write <id>.json per document into DIR instead of stdout")
    p.add_argument("--processes", type=int, default=1, metavar="N",
                   help="worker processes (default 1)")
    p.add_argument("--indent", type=int, default=None, help="pretty-print JSON with this indent")
    p.add_argument("--with-text", action="store_true", help="include the normalised text in the JSON")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("--jurisdiction", metavar="PLACE",
                   help="the issuing jurisdiction when you know better than the document "
                        "(上海市青浦区, 广州市, 国家): relative names (区X, 市X) are qualified by it")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from extract import extract_many

    if args.processes < 1:
        raise ConfigError("--processes must be at least 1")
    out_dir = Path(args.out) if args.out else None
    if out_dir is not None:
        if out_dir.exists() and not out_dir.is_dir():
            raise ConfigError(f"--out {out_dir}: not a directory")
        out_dir.mkdir(parents=True, exist_ok=True)
    total = len(args.files)
    show = total >= 5 and not args.quiet

    def progress(done: int, n: int) -> None:
        if show and (done == n or done % max(1, n // 20) == 0):
            print(f"kg extract: {done}/{n} documents", file=sys.stderr, flush=True)

    failed = 0
    for path, result in extract_many(args.files, n_process=args.processes, progress=progress,
                                     jurisdiction=args.jurisdiction):
        if isinstance(result, KGError):
            failed += 1
            print(f"kg: error: {result}", file=sys.stderr, flush=True)
            continue
        js = result.to_json(include_text=args.with_text, indent=args.indent)
        if out_dir is None:
            sys.stdout.write(js + "\n")
        else:
            (out_dir / f"{result.doc_id}.json").write_text(js + "\n", encoding="utf-8")
    sys.stdout.flush()
    return EXIT_SOME_FAILED if failed else 0
