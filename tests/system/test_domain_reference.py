"""docs/domain.md, the reference the code cites, names exactly the schema's closed sets of graph.model."""
from __future__ import annotations

import re
from pathlib import Path

from graph.model import LABELS, REL_TYPES

DOMAIN = Path(__file__).resolve().parents[2] / "docs" / "domain.md"


def test_domain_reference_lists_the_schema_of_the_code():
    text = DOMAIN.read_text(encoding="utf-8")
    schema = text[text.index("## 4. Graph schema"):text.index("## 5.")]
    labels_line = next(line for line in schema.splitlines() if line.startswith("Province, "))
    assert [x.strip(" .") for x in labels_line.split(",")] == list(LABELS)
    assert re.findall(r"^\| ([A-Z_]+) \|", schema, re.M) == list(REL_TYPES)


def test_every_cited_section_exists():
    sections = set(re.findall(r"^## (\d+)\.", DOMAIN.read_text(encoding="utf-8"), re.M))
    root = DOMAIN.parents[1]
    cited = set()
    for path in [*root.glob("*/*.py"), *root.glob("*.md"), *root.glob("*/*.md"), *root.glob("*/*/*.md")]:
        if ".venv" in path.parts:
            continue
        cited |= set(re.findall(r"domain\.md §(\d+)", path.read_text(encoding="utf-8", errors="replace")))
    assert cited and cited <= sections, cited - sections
