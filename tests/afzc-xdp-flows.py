#! /usr/bin/env python3
# Licensed under the Apache License, Version 2.0.
#
# afzc-xdp-flows.py PROG-ID
#
# Prints how many entries the "afzc_flows" map of the XDP program with
# PROG-ID holds, as the kernel reports them through bpftool: the flows
# offloaded into one afzc port.

import json
import subprocess
import sys


def bpftool(*args):
    """Runs bpftool with JSON output and returns the parsed result."""
    out = subprocess.run(["bpftool", "-j"] + list(args), check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    prog = bpftool("prog", "show", "id", sys.argv[1])
    for map_id in prog.get("map_ids", []):
        if bpftool("map", "show", "id", str(map_id))["name"] == "afzc_flows":
            print(len(bpftool("map", "dump", "id", str(map_id))))
            return 0
    sys.stderr.write("program %s has no afzc_flows map\n" % sys.argv[1])
    return 1


if __name__ == "__main__":
    sys.exit(main())
