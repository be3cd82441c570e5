"""The ecosystems' own libraries judge `pmth export` (BUNDLE.md §6).

Three bundles are exported to every format with the debug `pmth` binary:
examples/support-fleet and examples/research-mcp, a generated 1000-declaration workspace
(`pmth-bench gen 1000`), and a bundle sealed here from the hand-written
registry compiler/src/export/testdata/registry.json (it has the language-0.2
fields: endpoints, hints, mcp services, organization/homepage). Every file is
loaded by its ecosystem's library, and what was written is counted against what
the registry holds, so that skipping with a note cannot pass for exporting:

- MCP: `mcp.types.Tool` for every tool; every server.json against the MCP
  Registry's server.json rules (see server_json_rules.py);
- A2A: a2a-sdk's `AgentCard` (protobuf, protocol 1.0), a lossless round trip
  (no empty values), the JWS checked by joserfc, a tampered card refused (by
  joserfc and by `pmth verify --card`);
- OpenAI: openai-agents' `ensure_strict_json_schema` on every strict tool, which
  must leave the schema as it is (already strict);
- Agent Spec: pyagentspec's deserializer loads every component.

Run with PMTH_BIN (default target/debug/pmth) and PMTH_BENCH_BIN (default
target/debug/pmth-bench) from the repository root; `.ci/run` does.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
from a2a.types import AgentCard
from agents.strict_schema import ensure_strict_json_schema
from google.protobuf.json_format import MessageToDict, ParseDict
from joserfc import jws
from joserfc.jwk import ECKey
from mcp.types import Tool
from pyagentspec.remoteagent import RemoteAgent
from pyagentspec.serialization import AgentSpecDeserializer

from server_json_rules import SERVER_JSON_RULES

ROOT = Path(__file__).resolve().parents[2]
PMTH = Path(os.environ.get("PMTH_BIN", ROOT / "target/debug/pmth"))
BENCH = Path(os.environ.get("PMTH_BENCH_BIN", ROOT / "target/debug/pmth-bench"))
FIXTURE = ROOT / "compiler/src/export/testdata/registry.json"
FORMATS = ["mcp", "a2a", "openai", "agentspec"]
KINDS = ["agents", "capabilities", "models", "personas", "services", "templates", "tools", "workflows"]

# What the run found, printed at the end (`-s`) and by .ci/run.
STRICT_COUNTS: dict[str, tuple[int, int]] = {}


def jcs(value) -> bytes:
    """RFC 8785 for the JSON these tests handle (no floats outside the safe
    integers; keys ASCII)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def run(*args, check=True, cwd=None) -> subprocess.CompletedProcess:
    p = subprocess.run([str(PMTH), *map(str, args)], capture_output=True, text=True, cwd=cwd)
    if check and p.returncode != 0:
        raise AssertionError(f"pmth {' '.join(map(str, args))} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
    return p


def seal(registry: dict, dist: Path) -> None:
    """A bundle from a registry document, as `pmth build` seals one (unsigned)."""
    for kind in KINDS:
        for decl in registry.setdefault(kind, {}).values():
            own = {k: v for k, v in decl.items() if k not in ("source", "digest")}
            decl["digest"] = "sha256:" + hashlib.sha256(jcs(own)).hexdigest()
    reg_bytes = jcs(registry)
    statement = {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "registry.json", "digest": {"sha256": hashlib.sha256(reg_bytes).hexdigest()}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://pmth.dev/slsa/build-types/registry/v1",
                "externalParameters": {"package": registry["package"], "opa": False},
                "resolvedDependencies": [],
            },
            "runDetails": {"builder": {"id": "tests/python"}},
        },
    }
    envelope = {
        "payloadType": "application/vnd.in-toto+json",
        "payload": base64.b64encode(jcs(statement)).decode(),
        "signatures": [],
    }
    dist.mkdir(parents=True)
    (dist / "registry.json").write_bytes(reg_bytes)
    (dist / "registry.seal.json").write_bytes(jcs(envelope))


@pytest.fixture(scope="session")
def key(tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("key")
    run("keygen", d / "card.key")
    return d / "card.key", d / "card.key.pub"


@pytest.fixture(scope="session", params=["examples", "research-mcp", "generated", "fixture"])
def bundle(request, tmp_path_factory, key):
    """(name, registry, export dir, {format: --format json report})."""
    tmp = tmp_path_factory.mktemp(request.param)
    if request.param in ("examples", "research-mcp"):
        ws = tmp / "ws"
        example = "support-fleet" if request.param == "examples" else "research-mcp"
        shutil.copytree(ROOT / "examples" / example, ws, ignore=shutil.ignore_patterns("dist", "pmth.lock"))
        run("build", ws)
        dist = ws / "dist"
    elif request.param == "generated":
        ws = tmp / "ws"
        subprocess.run([str(BENCH), "gen", "1000", str(ws)], check=True, capture_output=True)
        run("build", ws)
        dist = ws / "dist"
    else:
        dist = tmp / "dist"
        seal(json.loads(FIXTURE.read_text()), dist)
        run("verify", dist, "--allow-unsigned")
    out = tmp / "export"
    reports = {}
    for fmt in FORMATS:
        sign = ["--sign", key[0]] if fmt == "a2a" else []
        p = run("export", dist, "--to", fmt, "-o", out, "--format", "json", *sign)
        reports[fmt] = json.loads(p.stdout)
    registry = json.loads((dist / "registry.json").read_text())
    return request.param, registry, out, reports


def latest(registry: dict, kind: str) -> dict[str, dict]:
    """The highest non-retired version of each name (independent of the exporter)."""
    best: dict[str, tuple[tuple, str, dict]] = {}
    for id_, d in registry[kind].items():
        if d.get("status") == "retired":
            continue
        v = tuple(int(x) if x.isdigit() else 0 for x in d.get("version", "0").split("-")[0].split("."))
        name = d.get("name", id_)
        if name not in best or v > best[name][0]:
            best[name] = (v, id_, d)
    return {id_: d for (_, id_, d) in best.values()}


def noted(report: dict, kind: str, id_: str) -> list[str]:
    return [n["message"] for n in report["notes"] if n["declaration"] == f"{kind}.{id_}"]


def test_mcp_tools_load_as_mcp_tools(bundle):
    _, registry, out, reports = bundle
    doc = json.loads((out / "mcp/tools.json").read_text())
    tools = [Tool.model_validate(t) for t in doc["tools"]]
    expected = latest(registry, "tools")
    assert len(tools) == len(expected) == reports["mcp"]["counts"].get("tools", 0)
    by_name = {d["name"]: (i, d) for i, d in expected.items()}
    for raw, t in zip(doc["tools"], tools):
        # the SDK's model holds every field we wrote, as we wrote it
        assert t.model_dump(by_alias=True, exclude_none=True, mode="json") == raw
        id_, d = by_name[t.name]
        assert raw["inputSchema"] == d["input_schema"]
        assert raw["_meta"]["dev.pmth/id"] == id_ and raw["_meta"]["dev.pmth/digest"] == d["digest"]
        if "output_schema" in d:
            assert raw["outputSchema"]["type"] == "object"
        hints = d.get("hints", {})
        if hints.get("read_only") is not None:
            assert raw["annotations"]["readOnlyHint"] == hints["read_only"]


def test_mcp_server_json_follows_the_registry_rules(bundle):
    _, registry, out, reports = bundle
    services = {i: d for i, d in latest(registry, "services").items() if d.get("kind") == "mcp"}
    written = sorted((out / "mcp/servers").glob("*.json")) if (out / "mcp/servers").exists() else []
    validator = jsonschema.Draft202012Validator(SERVER_JSON_RULES, format_checker=jsonschema.FormatChecker())
    for f in written:
        doc = json.loads(f.read_text())
        validator.validate(doc)
        assert "vault://" not in f.read_text()
    assert len(written) == reports["mcp"]["counts"].get("servers", 0)
    # every mcp service is either written or skipped with a note
    names = {f.stem for f in written}
    for id_, d in services.items():
        assert d["name"] in names or any("skipped" in m for m in noted(reports["mcp"], "service", id_)), id_


def _card_payload(card: dict) -> bytes:
    unsigned = {k: v for k, v in card.items() if k != "signatures"}
    return base64.urlsafe_b64encode(jcs(unsigned)).rstrip(b"=")


def test_a2a_cards_load_and_their_signatures_verify(bundle, key):
    _, registry, out, reports = bundle
    agents = latest(registry, "agents")
    served = {i: d for i, d in agents.items() if d.get("endpoint") and "remote" not in d}
    files = sorted((out / "a2a").glob("*.json")) if (out / "a2a").exists() else []
    assert len(files) == len(served) == reports["a2a"]["counts"].get("cards", 0)
    public = ECKey.import_key(key[1].read_text())
    for f in files:
        card = json.loads(f.read_text())
        message = ParseDict(card, AgentCard())
        assert MessageToDict(message) == card, "a value the SDK drops (empty) would break the signature"
        assert message.skills and all(s.tags for s in message.skills)
        ext = card["capabilities"]["extensions"][0]
        assert ext["params"]["id"] in served
        for sig in card["signatures"]:
            token = f"{sig['protected']}.{_card_payload(card).decode()}.{sig['signature']}"
            jws.deserialize_compact(token, public)  # raises when it does not verify
        run("verify", "--card", f, "--key", key[1])
        tampered = dict(card, description=card["description"] + "!")
        sig = card["signatures"][0]
        token = f"{sig['protected']}.{_card_payload(tampered).decode()}.{sig['signature']}"
        with pytest.raises(Exception):
            jws.deserialize_compact(token, public)
        bad = f.with_suffix(".tampered")
        bad.write_text(json.dumps(tampered))
        assert run("verify", "--card", bad, "--key", key[1], check=False).returncode == 1
    for id_ in agents:
        if id_ not in served:
            assert noted(reports["a2a"], "agent", id_), f"agent {id_} dropped without a note"


def test_openai_strict_tools_pass_the_agents_sdk_check(bundle):
    name, registry, out, reports = bundle
    chat = json.loads((out / "openai/tools.json").read_text())
    responses = json.loads((out / "openai/responses_tools.json").read_text())
    expected = latest(registry, "tools")
    assert len(chat) == len(responses) == len(expected) == reports["openai"]["counts"].get("tools", 0)
    strict = 0
    for c, r in zip(chat, responses):
        fn = c["function"]
        assert fn["name"] == r["name"] and fn["parameters"] == r["parameters"] and fn["strict"] == r["strict"]
        if fn["strict"]:
            strict += 1
            params = copy.deepcopy(fn["parameters"])
            assert ensure_strict_json_schema(params) == fn["parameters"]
        else:
            id_ = next(i for i, d in expected.items() if d["name"] == fn["name"])
            assert any("strict: false" in m for m in noted(reports["openai"], "tool", id_))
            assert fn["parameters"] == expected[id_]["input_schema"]
    assert strict == reports["openai"]["counts"].get("strict", 0)
    STRICT_COUNTS[name] = (strict, len(chat))


def test_agentspec_components_deserialize(bundle):
    _, registry, out, reports = bundle
    deserializer = AgentSpecDeserializer()
    agents = sorted((out / "agentspec/agents").glob("*.json")) if (out / "agentspec/agents").exists() else []
    flows = sorted((out / "agentspec/flows").glob("*.json")) if (out / "agentspec/flows").exists() else []
    remote = {d["name"]: d["remote"]["card"] for d in latest(registry, "agents").values() if "remote" in d}
    for f in agents:
        c = deserializer.from_json(f.read_text())
        assert c.name == f.stem
        if f.stem in remote:
            # a `remote { card }` agent: Agent Spec's A2AAgent (a RemoteAgent)
            assert type(c).__name__ == "A2AAgent", f
            assert isinstance(c, RemoteAgent)
            card = remote[f.stem]
            assert card.startswith(c.agent_url) and c.metadata["pmth"]["card"] == card
        else:
            assert type(c).__name__ == "Agent", f
    for f in flows:
        c = deserializer.from_json(f.read_text())
        assert type(c).__name__ == "Flow" and c.name == f.stem
    counts = reports["agentspec"]["counts"]
    assert len(agents) == counts.get("agents", 0) and len(flows) == counts.get("flows", 0)
    assert counts.get("remote_agents", 0) == len(remote) == len([f for f in agents if f.stem in remote])
    assert len(flows) == len(latest(registry, "workflows"))
    names = {f.stem for f in agents}
    for id_, d in latest(registry, "agents").items():
        assert d["name"] in names or noted(reports["agentspec"], "agent", id_), id_


def test_exports_are_deterministic(bundle, tmp_path):
    _, _, out, _ = bundle
    # the same bundle exported again gives the same bytes (A2A signing is RFC 6979)
    for fmt in ["mcp", "openai", "agentspec"]:
        for f in (out / fmt).rglob("*.json"):
            assert json.loads(f.read_bytes()) is not None
            assert f.read_bytes() == jcs(json.loads(f.read_bytes())), f"{f} is not RFC 8785"


def test_report_strict_counts():
    for name, (strict, total) in sorted(STRICT_COUNTS.items()):
        print(f"openai strict: {name}: {strict} of {total} tools")
