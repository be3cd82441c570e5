"""OPA's side of `pmth-bench authorize --python PY`: loads DIST/bundle.tar.gz
(data.json and every policy) into OPA through `opa-golib-python-bindings`,
decides each request of REQUESTS (JSON Lines) one at a time, and prints the
figures as one JSON object, with how many decisions equal pmth-runtime's (read
from `pmth authorize` when PMTH_BIN is set, else not compared).

    python bench/opa_runtime.py DIST REQUESTS
"""

import json
import os
import subprocess
import sys
import tarfile
import time
from importlib.metadata import version

from opa_bindings import OpaEngine


def main() -> None:
    dist, requests = sys.argv[1], sys.argv[2]
    reqs = [json.loads(line) for line in open(requests) if line.strip()]
    t = time.perf_counter()
    engine = OpaEngine()
    with tarfile.open(f"{dist}/bundle.tar.gz") as tar:
        for m in tar.getmembers():
            data = tar.extractfile(m).read()
            name = m.name.lstrip("/")
            if name == "data.json":
                engine.add_data(json.loads(data))
            elif name.endswith(".rego"):
                engine.add_policy(name, data.decode())
    engine.eval_document("pmth.runtime.decision", {})
    load_ms = (time.perf_counter() - t) * 1e3
    for r in reqs[:200]:
        engine.eval_document("pmth.runtime.decision", r)
    lat, decisions = [], []
    start = time.perf_counter()
    for r in reqs:
        t = time.perf_counter()
        decisions.append(engine.eval_document("pmth.runtime.decision", r))
        lat.append((time.perf_counter() - t) * 1e6)
    total = time.perf_counter() - start
    lat.sort()
    agree = None
    pmth = os.environ.get("PMTH_BIN")
    if pmth:
        p = subprocess.run([pmth, "authorize", dist, "--allow-unsigned", "--input", requests],
                           capture_output=True, text=True)
        ours = [json.loads(line) for line in p.stdout.splitlines()]
        agree = sum(a == b for a, b in zip(ours, decisions))
    print(json.dumps({
        "version": version("opa-golib-python-bindings"),
        "load_ms": load_ms,
        "p50_us": lat[len(lat) // 2],
        "p99_us": lat[min(len(lat) - 1, int(len(lat) * 0.99))],
        "max_us": lat[-1],
        "per_second": len(reqs) / total,
        "agree": agree,
    }))


if __name__ == "__main__":
    main()
