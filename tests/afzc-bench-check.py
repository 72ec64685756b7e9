#! /usr/bin/env python3
# Licensed under the Apache License, Version 2.0.
"""Checks the JSON that utilities/afzc-bench.sh --json wrote.

Usage: afzc-bench-check.py FILE SIZE FLOWS CONFIG...

Exits with status 0 if FILE has, for every CONFIG and every number of
flows in FLOWS (comma-separated), one row at SIZE bytes with a measured
rate above zero; ratios to afxdp for the afzc rows; and, for afzc-offload
rows, at least as many offloaded datapath flows as generator flows.
Otherwise prints what is wrong and exits with status 1."""

import json
import sys


def check(path, size, flows_list, configs):
    """Returns a list of problems with the results in 'path'."""
    doc = json.load(open(path))
    problems = []
    if doc.get("sizes") != [size] or doc.get("flows") != flows_list:
        problems.append("sizes %s, flows %s" % (doc.get("sizes"),
                                                doc.get("flows")))
    rows = {}
    for r in doc.get("results", []):
        rows[(r["config"], r["flows"], r["size"])] = r
    for config in configs:
        for flows in flows_list:
            r = rows.get((config, flows, size))
            if r is None:
                problems.append("no row for %s, %d flows" % (config, flows))
                continue
            if not r.get("pps") or r["pps"] <= 0:
                problems.append("%s, %d flows: no rate" % (config, flows))
            if config == "afzc" and not r.get("ratio_afxdp"):
                problems.append("%s, %d flows: no ratio" % (config, flows))
            if (config.startswith("afzc-offload")
                    and (r.get("offloaded_flows") or 0) < flows):
                problems.append("%s, %d flows: %s offloaded"
                                % (config, flows, r.get("offloaded_flows")))
    return problems


def main():
    if len(sys.argv) < 5:
        sys.stderr.write(__doc__)
        return 1
    flows_list = [int(f) for f in sys.argv[3].split(",")]
    problems = check(sys.argv[1], int(sys.argv[2]), flows_list, sys.argv[4:])
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
