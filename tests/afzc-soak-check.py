#! /usr/bin/env python3
# Licensed under the Apache License, Version 2.0.
"""Checks the JSON that utilities/afzc-soak.sh --json wrote.

Usage: afzc-soak-check.py FILE

Exits with status 0 if FILE shows that every fault of the schedule ran at
least once and the traffic recovered from each (and p3's flow was
offloaded again where the fault replaced its program); that the UMEM's
frames all add up, with none held by a packet or left in a receive or
transmit ring once the traffic stopped; that ovs-vswitchd held the same
file descriptors, BPF programs and maps at the end as at its baseline, and
after each fault that returned to the baseline configuration; that each
port's device ran the program its status named and that nothing was left
attached; that the RSS grew less than 5% over the second half; that every
WARN or ERR log line was explained by a fault; and that the script's own
verdict agrees.  Otherwise prints what is wrong and exits with status 1."""

import json
import sys

FAULTS = ("vswitchd-kill", "ovsdb-restart", "link-down", "del-add-port",
          "n_rxq=2", "n_rxq=1", "xdp-mode=native", "xdp-mode=generic",
          "flow-churn", "veth-recreate", "umem-min", "umem-restore")
REOFFLOAD = ("vswitchd-kill", "xdp-mode=native", "xdp-mode=generic",
             "umem-min", "umem-restore", "veth-recreate", "flow-churn")
PLACES = ("free", "stashed", "fill", "rx", "held", "tx", "completion")


def check(doc):
    """Returns a list of problems with the soak results 'doc'."""
    problems = []
    faults = doc.get("faults", [])
    seen = set(r["fault"] for r in faults)
    for f in FAULTS:
        if f not in seen:
            problems.append("fault %s never ran" % f)
    for r in faults:
        what = "round %d %s" % (r["round"], r["fault"])
        if r.get("recovery_s") is None or r["recovery_s"] < 0:
            problems.append("%s: not recovered" % what)
        if min(r.get("levels_pps") or [0]) <= 0:
            problems.append("%s: a stream had no traffic before it" % what)
        if r["fault"] in REOFFLOAD:
            off = r.get("offload_s")
            if not isinstance(off, (int, float)) or off < 0:
                problems.append("%s: p3's flow not offloaded again (%s)"
                                % (what, off))
        if r.get("baseline_config"):
            if r.get("leaks") != "none":
                problems.append("%s: leaks %s" % (what, r.get("leaks")))
        elif r.get("leaks") != "-":
            problems.append("%s: leaks %s in a changed configuration"
                            % (what, r.get("leaks")))
        if r["fault"] == "umem-min" and not r.get("note", "").startswith(
                "fill_empty+"):
            problems.append("%s: no fill_empty count" % what)

    u = doc.get("umem", {})
    frames = u.get("frames") or 0
    accounted = sum(u.get(k) or 0 for k in PLACES)
    if frames <= 0 or accounted != frames or u.get("unaccounted") != 0:
        problems.append("UMEM: %s frames, %d accounted for, %s unaccounted"
                        % (frames, accounted, u.get("unaccounted")))
    for k in ("held", "rx", "tx"):
        if u.get(k):
            problems.append("UMEM: %s frames %s at the end" % (u[k], k))

    v = doc.get("vswitchd", {})
    base, final = v.get("baseline", {}), v.get("final", {})
    if not base or not final:
        problems.append("no ovs-vswitchd snapshots")
    for k in sorted(set(base) | set(final)):
        if not k.startswith("rss:") and base.get(k, 0) != final.get(k, 0):
            problems.append("ovs-vswitchd %s: %s at the baseline, %s at the "
                            "end" % (k, base.get(k, 0), final.get(k, 0)))
    for k in ("prog:afzc_xdp_prog",):
        if not base.get(k):
            problems.append("ovs-vswitchd holds no %s at the baseline" % k)

    ports = doc.get("xdp_ports", {})
    for p in ("p1", "p2", "p3", "p4"):
        x = ports.get(p, {})
        if not x.get("attached") or x.get("attached") != x.get("status"):
            problems.append("%s: program %s attached, status %s"
                            % (p, x.get("attached"), x.get("status")))
    for s in doc.get("stale_xdp", ["?"]):
        problems.append("left behind: %s" % s)

    g = doc.get("rss", {}).get("growth_pct")
    if g is None or g >= 5:
        problems.append("RSS growth over the second half: %s%%" % g)
    for line in doc.get("log_unexplained", ["?"]):
        problems.append("unexplained log line: %s" % line)
    for e in doc.get("log_explained", []):
        if not e.get("why") or not e.get("window"):
            problems.append("log line without an explanation: %s" % e)

    if doc.get("passed") != (not problems):
        problems.append("the script says passed=%s, its problems %s"
                        % (doc.get("passed"), doc.get("problems")))
    return problems


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        return 1
    problems = check(json.load(open(sys.argv[1])))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
