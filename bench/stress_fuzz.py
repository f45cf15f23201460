"""The fuzz tests at a larger scale than CI (tests/extract/test_*fuzz*.py, budgets in tests/support/fuzz.py).

    .venv/bin/python bench/stress_fuzz.py --scale 10      # ≈ 109,000 generated inputs
    .venv/bin/python bench/stress_fuzz.py --scale 1 --random   # the CI budget, not derandomised

Runs pytest with KG_FUZZ_SCALE set (and CI unset with --random, so hypothesis explores new inputs
each run and keeps failures in its example database); prints hypothesis' statistics.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=10.0)
    ap.add_argument("--random", action="store_true", help="do not derandomise (explore new inputs)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.support.fuzz import FUZZ_BUDGET_CI
    env = {**os.environ, "KG_FUZZ_SCALE": str(args.scale)}
    if args.random:
        env.pop("CI", None)
    else:
        env["CI"] = "true"
    print(f"fuzzing ≈ {int(FUZZ_BUDGET_CI * args.scale):,} inputs", flush=True)
    return subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "--hypothesis-show-statistics", *sorted(map(str, (ROOT / "tests" / "extract").glob("test_*fuzz*.py")))],
                           cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
