"""OPA itself judges `pmth authorize` (BUNDLE.md §5): the same bundle gives the
same decisions through OPA as through regorus.

examples/support-fleet, with a workspace runtime rule added (a package under
`pmth.runtime.ext.`), is built signed with `--opa`. OPA (the Go engine, through
`opa-golib-python-bindings`) loads the bundle's `data.json` and every policy in
it; `pmth authorize DIST --key PUB` reads the same requests as JSON Lines. Over
1,200 generated requests (every action; valid params and params broken every
way the schemas allow; unknown and bare ids; approvals; missing and mistyped
fields; values that are not objects), OPA's `data.pmth.runtime.decision` must
equal pmth's on every one.

Run with PMTH_BIN (default target/debug/pmth) from the repository root;
`.ci/run` does.
"""

from __future__ import annotations

import copy
import io
import json
import os
import random
import shutil
import subprocess
import tarfile
from pathlib import Path

from opa_bindings import OpaEngine

ROOT = Path(__file__).resolve().parents[2]
PMTH = Path(os.environ.get("PMTH_BIN", ROOT / "target/debug/pmth"))
ACTIONS = ["tool.call", "model.invoke", "service.call", "agent.delegate", "step.run"]

EXT_RULE = """package pmth.runtime.ext.refund_cap

import rego.v1

deny contains "refunds above 100 USD need approval" if {
	input.action == "tool.call"
	startswith(input.tool, "refund_issue")
	input.params.amount_usd > 100
	not input.approved == true
}
"""

FORMAT_SAMPLES = {
    "email": (["a@b.io", "x.y@example.com"], ["nope", "a b@c.io"]),
    "uri": (["https://x.io/a"], ["not a uri"]),
    "date-time": (["2024-01-01T12:00:00Z"], ["2024-01-01 12:00"]),
    "date": (["2024-02-29"], ["2023-02-29"]),
}
PATTERN_SAMPLES = {
    "^C[0-9]{6}$": "C123456",
    "^[a-z_]+$": "router_x",
    "^O-[0-9]{8}$": "O-12345678",
    "^T[0-9]+$": "T42",
}


def valid(schema: dict, rng: random.Random):
    if "anyOf" in schema:
        return valid(rng.choice(schema["anyOf"]), rng)
    if "enum" in schema:
        return rng.choice(schema["enum"])
    ty = schema.get("type", "string")
    if isinstance(ty, list):
        ty = rng.choice(ty)
    if ty == "string":
        if "format" in schema:
            return rng.choice(FORMAT_SAMPLES.get(schema["format"], (["x"], []))[0])
        if "pattern" in schema:
            return PATTERN_SAMPLES.get(schema["pattern"], "")
        lo = schema.get("minLength", 0)
        return "é" * (lo + rng.randint(0, 4))
    if ty in ("integer", "number"):
        lo = schema.get("minimum", 0)
        hi = schema.get("maximum", lo + 50)
        v = rng.randint(int(-(-lo // 1)), int(hi))
        return v if ty == "integer" or rng.random() < 0.5 else min(hi, v + 0.25)
    if ty == "boolean":
        return rng.random() < 0.5
    if ty == "null":
        return None
    if ty == "array":
        n = rng.randint(schema.get("minItems", 0), min(schema.get("maxItems", 3), 3))
        items = [valid(schema.get("items", {}), rng) for _ in range(n)]
        if schema.get("uniqueItems"):
            items = [f"{x}{i}" if isinstance(x, str) else x for i, x in enumerate(items)]
        return items
    props = schema.get("properties", {})
    required = schema.get("required", [])
    out = {k: valid(s, rng) for k, s in props.items() if k in required or rng.random() < 0.5}
    for k, needs in schema.get("dependentRequired", {}).items():
        if k in out:
            for n in needs:
                out[n] = valid(props[n], rng)
    return out


def broken(params: dict, schema: dict, rng: random.Random):
    params = copy.deepcopy(params)
    props = list(schema.get("properties", {}))
    if not props:
        params["zz"] = 1
        return params
    k = rng.choice(props)
    sub = schema["properties"][k]
    choice = rng.randrange(10)
    if choice == 0:
        params.pop(k, None)
        for r in schema.get("required", []):
            params.pop(r, None) if rng.random() < 0.5 else None
    elif choice == 1:
        params["zz_extra"] = [1, 2]
    elif choice == 2:
        params[k] = 3 if sub.get("type") == "string" else "3"
    elif choice == 3:
        params[k] = sub.get("maximum", 10) + 1 if rng.random() < 0.5 else sub.get("minimum", 0) - 1
    elif choice == 4:
        params[k] = "x" * (sub.get("maxLength", 4) + 1)
    elif choice == 5:
        params[k] = rng.choice(FORMAT_SAMPLES.get(sub.get("format", "email"), ([], ["bad"]))[1] or ["bad"])
    elif choice == 6:
        params[k] = "!! no match"
    elif choice == 7:
        params[k] = ["dup", "dup"] if rng.random() < 0.5 else list("abcdefghijkl")
    elif choice == 8:
        params[k] = None
    else:
        params[k] = {"deep": [[[[[[[[[[1]]]]]]]]]]}
    return params


def bare(i: str) -> str:
    return i.split("@")[0]


def requests(reg: dict, n: int, rng: random.Random) -> list:
    agents = list(reg["agents"])
    tools = list(reg["tools"])
    models = list(reg["models"])
    services = list(reg["services"])
    steps = [(w, s) for w, wf in reg["workflows"].items() for s in wf.get("steps", {})]
    out = [5, "x", [], None, {}, {"agent": "billing"}, {"action": 3, "agent": "billing"}]
    while len(out) < n:
        action = rng.choice(ACTIONS + ["fly"])
        agent = rng.choice(agents)
        a = reg["agents"][agent]
        req = {"action": action, "agent": bare(agent) if rng.random() < 0.4 else agent}
        if action == "tool.call":
            tool = rng.choice(a.get("tools") or tools) if rng.random() < 0.7 else rng.choice(tools)
            schema = reg["tools"][tool]["input_schema"]
            params = valid(schema, rng)
            if rng.random() < 0.55:
                params = broken(params, schema, rng)
            req["tool"] = bare(tool) if rng.random() < 0.4 else tool
            req["params"] = params
            if rng.random() < 0.2:
                w, s = rng.choice(steps)
                req["workflow"], req["step"] = w, s
        elif action == "model.invoke":
            own = [a.get("model")] + a.get("fallback_models", [])
            m = rng.choice([x for x in own if x] or models) if rng.random() < 0.6 else rng.choice(models)
            req["model"] = bare(m) if rng.random() < 0.4 else m
        elif action == "service.call":
            req["service"] = rng.choice(services)
        elif action == "agent.delegate":
            req["to"] = rng.choice(a.get("delegates", []) + agents)
        elif action == "step.run":
            w, s = rng.choice(steps)
            req["workflow"], req["step"] = (bare(w) if rng.random() < 0.3 else w), s
        # Damage: unknown ids, missing and mistyped fields.
        roll = rng.random()
        if roll < 0.06:
            key = rng.choice([k for k in req if k != "action"])
            req[key] = req[key] + "_nope" if isinstance(req[key], str) else req[key]
        elif roll < 0.1:
            req.pop(rng.choice(list(req)))
        elif roll < 0.12:
            req["agent"] = 7
        if rng.random() < 0.4:
            req["approved"] = rng.random() < 0.8 or "yes"
        out.append(req)
    return out


def test_opa_and_pmth_authorize_agree(tmp_path: Path):
    ws = tmp_path / "fleet"
    shutil.copytree(ROOT / "examples/support-fleet", ws, ignore=shutil.ignore_patterns("dist", "pmth.lock"))
    (ws / "policies" / "refund_cap.rego").write_text(EXT_RULE)
    subprocess.run([str(PMTH), "keygen", str(tmp_path / "key.pem")], check=True, capture_output=True)
    b = subprocess.run(
        [str(PMTH), "build", str(ws), "-o", str(tmp_path / "dist"), "--opa", "--sign", str(tmp_path / "key.pem")],
        capture_output=True,
        text=True,
    )
    assert b.returncode == 0, b.stdout + b.stderr
    dist = tmp_path / "dist"

    engine = OpaEngine()
    policies = 0
    with tarfile.open(dist / "bundle.tar.gz") as tar:
        for member in tar.getmembers():
            data = tar.extractfile(member).read()
            name = member.name.lstrip("/")
            if name == "data.json":
                engine.add_data(json.loads(data))
            elif name.endswith(".rego"):
                engine.add_policy(name, data.decode())
                policies += 1
    assert policies >= 3

    reg = json.loads((dist / "registry.json").read_text())
    reqs = requests(reg, 1200, random.Random(14))
    lines = "\n".join(json.dumps(r) for r in reqs) + "\n"
    p = subprocess.run(
        [str(PMTH), "authorize", str(dist), "--key", str(tmp_path / "key.pem.pub")],
        input=lines,
        capture_output=True,
        text=True,
    )
    assert p.returncode == 1, p.stderr
    ours = [json.loads(line) for line in p.stdout.splitlines()]
    assert len(ours) == len(reqs)

    allowed = denied_params = ext = 0
    for req, mine in zip(reqs, ours):
        theirs = engine.eval_document("pmth.runtime.decision", req)
        assert theirs == mine, f"request {json.dumps(req)}\nOPA  {json.dumps(theirs)}\npmth {json.dumps(mine)}"
        allowed += mine["allow"]
        denied_params += any(r.startswith("params") for r in mine["reasons"])
        ext += "refunds above 100 USD need approval" in mine["reasons"]
    # The requests reach every kind of answer.
    assert allowed > 150 and denied_params > 60 and ext > 0, (allowed, denied_params, ext)
    print(f"\nruntime: OPA and pmth authorize agree on {len(reqs)} requests "
          f"({allowed} allowed, {denied_params} with params errors, {ext} by the runtime rule)")
