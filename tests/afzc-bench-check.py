#! /usr/bin/env python3
# Licensed under the Apache License, Version 2.0.
"""Checks the JSON that utilities/afzc-bench.sh --json wrote.

Usage: afzc-bench-check.py FILE SIZE FLOWS CONFIG...

Exits with status 0 if FILE has, for every CONFIG and every number of
flows in FLOWS (comma-separated), one row at SIZE bytes with a measured
rate above zero; ratios to afxdp for the afzc rows; for every row but the
afxdp ones, a round-by-round ratio to afxdp equal to the median of the
ratios recomputed from the runs, with the number of those rounds and of
the rounds it was ahead in (and, with an xdp row, the median against xdp
for the afzc-offload rows); CPU-seconds per million packets that are the
inverse of the packets per CPU-second; and, for
afzc-offload rows, at least as many offloaded datapath flows as generator
flows.
Otherwise prints what is wrong and exits with status 1."""

import json
import sys


def round_ratios(runs, *others):
    """Returns each run in 'runs' divided by the best of the runs of the
    same round in 'others', for the rounds that have both."""
    ratios = []
    for i, pps in enumerate(runs):
        best = max((o[i] for o in others if i < len(o) and o[i]),
                   default=None)
        if pps and best:
            ratios.append(pps / best)
    return ratios


def round_median(runs, *others):
    """Returns the median, rounded to 2 places, of round_ratios(), or None
    if no round has both."""
    ratios = sorted(round_ratios(runs, *others))
    if not ratios:
        return None
    m = len(ratios)
    med = (ratios[m // 2] if m % 2
           else (ratios[m // 2 - 1] + ratios[m // 2]) / 2)
    return round(med, 2)


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
            afxdp = [rows[(c, flows, size)]["runs_pps"]
                     for c in ("afxdp-native", "afxdp-generic")
                     if (c, flows, size) in rows]
            xdp = rows.get(("xdp", flows, size))
            wanted = {"round_median_afxdp": None, "round_median_xdp": None}
            if not config.startswith("afxdp") and afxdp:
                wanted["round_median_afxdp"] = round_median(r["runs_pps"],
                                                            *afxdp)
            if config.startswith("afzc-offload") and xdp:
                wanted["round_median_xdp"] = round_median(r["runs_pps"],
                                                          xdp["runs_pps"])
            for key, value in wanted.items():
                got = r.get(key)
                if (got is None) != (value is None) or (
                        value is not None and abs(got - value) > 0.011):
                    problems.append("%s, %d flows: %s %s, expected %s"
                                    % (config, flows, key, got, value))
            counts = {"rounds_afxdp": None, "rounds_ahead_afxdp": None}
            if wanted["round_median_afxdp"] is not None:
                ratios = round_ratios(r["runs_pps"], *afxdp)
                counts["rounds_afxdp"] = len(ratios)
                counts["rounds_ahead_afxdp"] = sum(x > 1 for x in ratios)
            for key, value in counts.items():
                if r.get(key) != value:
                    problems.append("%s, %d flows: %s %s, expected %s"
                                    % (config, flows, key, r.get(key), value))
            eff = r.get("pps_per_cpu_second")
            cost = r.get("cpu_seconds_per_mpkt")
            if (eff is None) != (cost is None) or (
                    eff and abs(cost * eff / 1e6 - 1) > 0.01):
                problems.append("%s, %d flows: %s CPU-seconds per million "
                                "packets against %s packets per CPU-second"
                                % (config, flows, cost, eff))
            if (config.startswith("afzc-offload")
                    and (r.get("offloaded_flows") or 0) < flows):
                problems.append("%s, %d flows: %s offloaded"
                                % (config, flows, r.get("offloaded_flows")))
            # A setup rate is measured for the offload rows with 1000
            # flows or more, and is a positive number of flows a second.
            setup = r.get("setup_flows_per_s", "missing")
            if setup == "missing" or (
                    setup is not None
                    and not (config.startswith("afzc-offload")
                             and flows >= 1000 and setup > 0)):
                problems.append("%s, %d flows: setup_flows_per_s %s"
                                % (config, flows, setup))
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
