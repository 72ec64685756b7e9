#!/bin/bash
# afzc-memory.sh -- measures the memory ovs-vswitchd uses for N ports of
# type afzc and of Open vSwitch's own type afxdp, side by side.
#
# For each port type and each port count, a private Open vSwitch (its own
# ovsdb-server and this tree's ovs-vswitchd) is started in a network
# namespace of its own, N veth pairs are made there and their first ends
# added to one netdev bridge, all at once, with default options.  Once every
# port is set up, the script reads:
#
#   rss_mib     ovs-vswitchd's resident memory (VmRSS), which includes every
#               UMEM: the kernel pins a UMEM's pages when it is registered,
#               and both port types register theirs when a port is added;
#   pin_mib     what the kernel reports as pinned (VmPin): it does not
#               count UMEM pages there, so this is 0 unless something else
#               pins memory;
#   umem_mib    for afzc, the shared UMEM's size (afzc/umem-show); afxdp
#               has one UMEM per queue and reports none.
#
# Then it prints a table with the afzc/afxdp ratios.  Nothing leaves the
# namespace, which is removed at the end.
#
# Usage: utilities/afzc-memory.sh [--ports="8 32 64"] [--types="afzc afxdp"]
#                                 [--dir=DIR]
#
# Build first (make in the top directory).
#
# Licensed under the Apache License, Version 2.0.

set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ovs=${AFZC_OVS_DIR:-$top/deps/ovs}
counts="8 32 64"
types="afzc afxdp"
run=/tmp/afzc-memory
ns=afzcm-sw

say() { echo "afzc-memory: $*"; }
warn() { echo "afzc-memory: warning: $*" >&2; }
die() { echo "afzc-memory: error: $*" >&2; exit 1; }

for arg in "$@"; do
    case $arg in
        --ports=*) counts=${arg#--ports=} ;;
        --types=*) types=${arg#--types=} ;;
        --dir=*) run=${arg#--dir=} ;;
        -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) die "unknown argument '$arg' (try --help)" ;;
    esac
done
counts=${counts//,/ }
types=${types//,/ }
[ "$(id -u)" = 0 ] || die "needs root (namespaces, XDP)"
[ -x "$top/vswitchd/ovs-vswitchd" ] || die "build first: no vswitchd/ovs-vswitchd"
mkdir -p "$run"
run=$(cd "$run" && pwd)

# shellcheck source=afzc-lib.sh
. "$top/utilities/afzc-lib.sh"

# Stops the private Open vSwitch and removes the namespace.
teardown() {
    stop_daemon "$run/ovs-vswitchd.pid" 100
    stop_daemon "$run/ovsdb-server.pid"
    ip netns del "$ns" 2>/dev/null || true
}
trap teardown EXIT

# Starts the private Open vSwitch in the namespace, with one PMD thread.
start_ovs() {
    rm -f "$run"/conf.db "$run"/*.log
    ip netns add "$ns"
    in_ns "$ns" ip link set lo up
    "$ovs/ovsdb/ovsdb-tool" create "$run/conf.db" \
        "$ovs/vswitchd/vswitch.ovsschema"
    in_ns "$ns" "$ovs/ovsdb/ovsdb-server" --detach --no-chdir \
        --pidfile="$run/ovsdb-server.pid" --log-file="$run/ovsdb-server.log" \
        --remote="punix:$run/db.sock" "$run/conf.db"
    vsctl --no-wait init
    vsctl --no-wait set Open_vSwitch . other_config:pmd-cpu-mask=0x2
    in_ns "$ns" "$top/vswitchd/ovs-vswitchd" --detach --no-chdir \
        --pidfile="$run/ovs-vswitchd.pid" \
        --log-file="$run/ovs-vswitchd.log" -vconsole:off "unix:$run/db.sock"
    vsctl add-br br0 -- set bridge br0 datapath_type=netdev
}

# Adds $2 veth ports of type $1 to br0 and waits until each has an OpenFlow
# port number and no error.
add_ports() {
    local type=$1 n=$2 args=() i
    for i in $(seq "$n"); do
        in_ns "$ns" ip link add "m$i" type veth peer name "m${i}p"
        in_ns "$ns" ip link set "m${i}p" up
        in_ns "$ns" ip link set "m$i" up
        args+=(-- add-port br0 "m$i" -- set Interface "m$i" type="$type")
    done
    # Open vSwitch sets up the ports one by one, afxdp's slowly: do not wait
    # for the transaction, wait for the ports (up to 5 minutes).
    vsctl --no-wait "${args[@]}"
    for i in $(seq 3000); do
        if [ "$(vsctl --bare --columns=ofport find Interface type="$type" \
                | grep -c '^[1-9]')" = "$n" ]; then
            break
        fi
        sleep 0.1
    done
    [ "$(vsctl --bare --columns=ofport find Interface type="$type" \
         | grep -c '^[1-9]')" = "$n" ] \
        || die "not all $n $type ports came up: $(vsctl --bare --columns=name,error find Interface type="$type" | tr '\n' ' ')"
}

# Prints the MiB of afzc's shared UMEM, or "-" if there is none.
afzc_umem_mib() {
    appctl -t "$run/ovs-vswitchd.$(cat "$run/ovs-vswitchd.pid").ctl" \
        afzc/umem-show 2>/dev/null \
        | awk '$1 == "size_bytes:" { printf "%.0f\n", $2 / 1048576; found = 1 }
               END { if (!found) print "-" }'
}

results=$run/results.txt
: > "$results"
for n in $counts; do
    for type in $types; do
        say "$n ports of type $type..."
        start_ovs
        add_ports "$type" "$n"
        sleep 2
        pid=$(pid_from_file "$run/ovs-vswitchd.pid") || die "ovs-vswitchd died"
        rss=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
        pin=$(awk '/^VmPin:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
        umem=$(afzc_umem_mib)
        echo "$type $n $rss $pin $umem" >> "$results"
        teardown
    done
done

printf '%-6s %5s %10s %10s %10s\n' type ports rss_mib pin_mib umem_mib
while read -r type n rss pin umem; do
    printf '%-6s %5s %10s %10s %10s\n' "$type" "$n" "$rss" "$pin" "$umem"
done < "$results"
echo
printf '%5s %16s\n' ports "rss afzc/afxdp"
for n in $counts; do
    a=$(awk -v n="$n" '$1 == "afzc" && $2 == n { print $3 }' "$results")
    x=$(awk -v n="$n" '$1 == "afxdp" && $2 == n { print $3 }' "$results")
    [ -n "$a" ] && [ -n "$x" ] || continue
    awk -v n="$n" -v a="$a" -v x="$x" 'BEGIN { printf "%5s %16.3f\n", n, a / x }'
done
