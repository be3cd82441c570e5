"""`pmth graph --format svg` is well-formed XML that an XML parser reads as
SVG, with one node group per node and one arrow per edge (tests/graph_query.rs
has Graphviz judge the DOT output).

Run with PMTH_BIN (default target/debug/pmth) from the repository root;
`.ci/run` does.
"""

from __future__ import annotations

import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PMTH = Path(os.environ.get("PMTH_BIN", ROOT / "target/debug/pmth"))
SVG = "{http://www.w3.org/2000/svg}"


def graph(*args: str) -> str:
    out = subprocess.run(
        [str(PMTH), "graph", *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return out.stdout


@pytest.mark.parametrize(
    "example,workflow",
    [("support-fleet", None), ("support-fleet", "resolve_ticket"), ("research-mcp", None)],
)
def test_svg_is_well_formed_and_complete(example: str, workflow: str | None) -> None:
    path = f"examples/{example}"
    extra = ["--workflow", workflow] if workflow else []
    svg = graph(path, "--format", "svg", *extra)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert int(root.get("width")) > 0 and int(root.get("height")) > 0
    nodes = [g for g in root.iter(f"{SVG}g") if (g.get("class") or "").startswith("node ")]
    edges = [p for p in root.iter(f"{SVG}path") if p.get("marker-end")]
    # The same graph as Mermaid text: one line per node, one per edge.
    mermaid = graph(path, *extra).splitlines()[1:]
    def is_edge(line: str) -> bool:
        return "-->" in line or "-.->" in line

    assert len(nodes) == sum(1 for l in mermaid if not is_edge(l))
    assert len(edges) == sum(1 for l in mermaid if is_edge(l))
    assert nodes, "an empty drawing"
    for g in nodes:
        assert g.find(f"{SVG}text") is not None
