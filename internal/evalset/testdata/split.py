#!/usr/bin/env python3
"""Split helpers' raw corpus files into the dev and holdout halves, once.

    python3 split.py NAME RAW.jsonl [RAW.jsonl ...]

writes NAME.dev.jsonl and NAME.holdout.jsonl beside this script: a row goes
to the holdout half when the first byte of sha256(id) is odd. Rows keep
their order; ids must be unique.
"""
import hashlib, json, os, sys

name, raws = sys.argv[1], sys.argv[2:]
here = os.path.dirname(os.path.abspath(__file__))
seen, halves = set(), {"dev": [], "holdout": []}
for raw in raws:
    for n, line in enumerate(open(raw, encoding="utf-8"), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row["id"] in seen:
            sys.exit(f"{raw}:{n}: duplicate id {row['id']}")
        seen.add(row["id"])
        half = "holdout" if hashlib.sha256(row["id"].encode()).digest()[0] % 2 else "dev"
        halves[half].append(json.dumps(row, ensure_ascii=False))
for half, rows in halves.items():
    with open(os.path.join(here, f"{name}.{half}.jsonl"), "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")
    print(f"{name}.{half}.jsonl: {len(rows)} rows")
