#!/bin/sh
# afzc-isolate.sh COMMAND [ARG...]
#
# Runs COMMAND, a system test suite, in network and mount namespaces of its
# own, so that:
#
#   - the netdev datapath's ovs-netdev and br0 devices and the veths of the
#     tests do not meet those of any other Open vSwitch on the host (a
#     sandbox, another run of a suite), and the host's uplinks are out of
#     the tests' reach;
#
#   - the named network namespaces the tests create (at_ns0, at_ns1...)
#     live in a /run/netns of their own, so that two suites running at the
#     same time do not delete each other's;
#
#   - whatever a failed test leaves behind disappears with the namespaces.
#
# Falls back to running COMMAND as it is when not root, when unshare(1)
# cannot create the namespaces, or when AFZC_ISOLATE=no.
#
# Licensed under the Apache License, Version 2.0.

if test "`id -u`" != 0 || test "${AFZC_ISOLATE:-yes}" = no ||
   ! unshare --mount --net --propagation private true 2>/dev/null; then
    exec "$@"
fi

exec unshare --mount --net --propagation private -- /bin/sh -c '
    # sysfs shows the network devices of the namespace that mounts it.
    mount -t sysfs afzc-sysfs /sys || exit 1
    # The new sysfs hides the BPF file system that "ip" loads programs
    # with (tests attach programs of their own); mount one again.
    mount -t bpf afzc-bpffs /sys/fs/bpf 2>/dev/null
    mkdir -p /run/netns || exit 1
    mount -t tmpfs -o mode=0755 afzc-netns /run/netns || exit 1
    ip link set dev lo up || exit 1
    echo "afzc-isolate.sh: running in new network and mount namespaces"
    exec "$@"' afzc-isolate.sh "$@"
