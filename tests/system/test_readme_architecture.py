"""The README's architecture section names the code as it is: every module of extract/, graph/, kg/
and ui/ appears there, and every `graph/x.py`-style name it cites exists."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _architecture() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text[text.index("## Architecture"):text.index("**Libraries chosen.**")]


def test_every_module_is_named_in_the_architecture():
    section = _architecture()
    missing = [f"{pkg}/{f.name}" for pkg in ("common", "extract", "graph", "kg", "ui") for f in sorted((ROOT / pkg).glob("*.py"))
               if f.stem != "__init__" and not re.search(rf"\b{re.escape(f.stem)}(\.py)?\b", section)]
    assert not missing, missing


def test_every_cited_file_exists():
    cited = set(re.findall(r"`((?:common|extract|graph|kg|ui|tests/extract)/[\w/]+\.py)`", _architecture()))
    cited |= {f"{pkg}/{name}.py" for pkg, name in re.findall(r"\b(graph|ui)\.(\w+)\b", _architecture())
              if (ROOT / pkg / f"{name}.py").exists() or name.islower() and name not in {"model"}}
    assert cited and all((ROOT / c).exists() for c in cited), sorted(c for c in cited if not (ROOT / c).exists())
