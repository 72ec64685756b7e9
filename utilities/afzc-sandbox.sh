#!/bin/bash
# afzc-sandbox.sh -- builds afzc and shows it switching real traffic.
#
# Starts a private Open vSwitch (its own ovsdb-server and database, and
# afzc's ovs-vswitchd) in a network namespace of its own, connects two host
# namespaces to bridge br0 through veth pairs whose switch ends are afzc
# ports, installs OpenFlow rules, pings, runs a short burst of traffic,
# prints the per-port and per-queue counters and tears everything down.
#
#   afzc-sb-h1 (192.0.2.1) eth0 --veth-- p1 [afzc] \
#                                                   br0 (netdev datapath)
#   afzc-sb-h2 (192.0.2.2) eth0 --veth-- p2 [afzc] /      in netns afzc-sb-sw
#
# Nothing of the machine's own Open vSwitch, if any, is used or touched, and
# no traffic leaves the three namespaces.  Leftovers of an earlier run that
# was killed are cleaned up first.
#
# With --ovn, runs utilities/afzc-ovn-sandbox.sh instead: two OVN chassis
# whose bridges have afzc ports, a logical router between two logical
# switches, Geneve in user space (see that script for what it shows).
#
# Usage: utilities/afzc-sandbox.sh [OPTION]...
#   --ovn         the OVN sandbox (takes the other options below too; its
#                 default run directory is sandbox-ovn/)
#   --keep        leave the sandbox running at the end (also after a
#                 failure) and print how to use and remove it
#   --teardown    only remove a sandbox left by --keep or by a killed run
#   --no-build    do not run utilities/afzc-build.sh first
#   --dir=DIR     run directory (default: sandbox/ of this checkout)
#   --seconds=N   how long the TCP transfer runs (default: 3)
#   -h, --help    show this help
#
# Environment: AFZC_SANDBOX_DIR sets the run directory, AFZC_OVS_DIR the
# Open vSwitch tree (as for afzc-build.sh).
#
# Licensed under the Apache License, Version 2.0.

set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ovs=${AFZC_OVS_DIR:-$top/deps/ovs}
run=${AFZC_SANDBOX_DIR:-$top/sandbox}
keep=no
teardown_only=no
build=yes
tcp_seconds=3

# Namespaces, addresses and names used by the sandbox.
ns_sw=afzc-sb-sw
ns_h1=afzc-sb-h1
ns_h2=afzc-sb-h2
ip_h1=192.0.2.1
ip_h2=192.0.2.2
tcp_port=5201

say() { echo "afzc: $*"; }
warn() { echo "afzc: warning: $*" >&2; }
die() { echo "afzc: error: $*" >&2; exit 1; }

for arg in "$@"; do
    if [ "$arg" = --ovn ]; then
        exec "$top/utilities/afzc-ovn-sandbox.sh" "$@"
    fi
done
for arg in "$@"; do
    case $arg in
        --keep) keep=yes ;;
        --teardown) teardown_only=yes ;;
        --no-build) build=no ;;
        --dir=*) run=${arg#--dir=} ;;
        --seconds=*) tcp_seconds=${arg#--seconds=} ;;
        -h|--help)
            sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
            exit 0 ;;
        *) die "unknown argument '$arg' (try --help)" ;;
    esac
done
case $tcp_seconds in
    ''|*[!0-9]*|0) die "--seconds wants a positive number of seconds" ;;
esac
[ "$(id -u)" = 0 ] || die "the sandbox needs root (network namespaces, XDP)"
mkdir -p "$run"
run=$(cd "$run" && pwd)

. "$top/utilities/afzc-lib.sh"

# Removes every part of a sandbox: daemons (found by their pidfiles in the
# run directory), whatever still runs in the sandbox's namespaces, and the
# namespaces, which takes their veths and XDP programs with them.  Logs stay
# in the run directory until the next run.
teardown() {
    local ns pid
    stop_daemon "$run/ovs-vswitchd.pid"
    stop_daemon "$run/ovsdb-server.pid"
    for ns in "$ns_h1" "$ns_h2" "$ns_sw"; do
        if [ -e "/run/netns/$ns" ]; then
            for pid in $(ip netns pids "$ns" 2>/dev/null); do
                kill -KILL "$pid" 2>/dev/null || true
            done
            ip netns del "$ns" 2>/dev/null || warn "cannot delete netns $ns"
        fi
    done
    rm -f "$run"/*.ctl "$run/db.sock" "$run/env.sh"
}

if [ "$teardown_only" = yes ]; then
    say "tearing down the sandbox in $run..."
    teardown
    say "sandbox removed"
    exit 0
fi

if [ "$build" = yes ]; then
    "$top/utilities/afzc-build.sh"
fi
for f in "$top/vswitchd/ovs-vswitchd" "$ovs/ovsdb/ovsdb-server" \
         "$ovs/ovsdb/ovsdb-tool" "$ovs/utilities/ovs-vsctl" \
         "$ovs/utilities/ovs-ofctl" "$ovs/utilities/ovs-appctl"; do
    [ -x "$f" ] || die "$f is missing; run utilities/afzc-build.sh"
done
for cmd in ip ethtool ping nc timeout; do
    command -v "$cmd" > /dev/null || die "$cmd not found; run utilities/afzc-build.sh"
done

# A run killed earlier may have left daemons and namespaces behind.
teardown
rm -f "$run"/*.log "$run"/*.pid "$run/conf.db" "$run/.conf.db.~lock~"
mkdir -p "$OVS_SYSCONFDIR"
cat > "$run/env.sh" <<EOF
# Sourced by a shell to use the afzc sandbox's Open vSwitch.
export OVS_RUNDIR=$run OVS_LOGDIR=$run OVS_DBDIR=$run
export OVS_SYSCONFDIR=$run/etc
export PATH=$ovs/utilities:$ovs/ovsdb:\$PATH
EOF

status=1
keep_message() {
    local dir_arg=
    [ "$run" = "$top/sandbox" ] || dir_arg=" --dir=$run"
    cat <<EOF
afzc: the sandbox is still running.  To look around:
    . $run/env.sh
    ovs-vsctl show; ovs-appctl afzc/show; ovs-ofctl dump-ports br0
    ip netns exec $ns_h1 ping $ip_h2
afzc: logs are in $run.  To remove the sandbox:
    $top/utilities/afzc-sandbox.sh --teardown$dir_arg
EOF
}
trap afzc_sandbox_finish EXIT
trap 'exit 130' INT TERM

# --- Open vSwitch ---------------------------------------------------------
say "starting ovsdb-server in $run..."
"$ovs/ovsdb/ovsdb-tool" create "$run/conf.db" "$ovs/vswitchd/vswitch.ovsschema"
"$ovs/ovsdb/ovsdb-server" "$run/conf.db" -vconsole:off \
    --remote="punix:$run/db.sock" \
    --pidfile="$run/ovsdb-server.pid" \
    --unixctl="$run/ovsdb-server.ctl" \
    --log-file="$run/ovsdb-server.log" \
    --detach --no-chdir
vsctl --no-wait init

say "creating namespaces $ns_sw, $ns_h1 and $ns_h2..."
for ns in "$ns_sw" "$ns_h1" "$ns_h2"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
done
# Each host's eth0 is the peer of an afzc port in the switch namespace.
ip -n "$ns_sw" link add p1 type veth peer name eth0 netns "$ns_h1"
ip -n "$ns_sw" link add p2 type veth peer name eth0 netns "$ns_h2"
for h in 1 2; do
    ns=afzc-sb-h$h
    ip=192.0.2.$h
    ip -n "$ns" addr add "$ip/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns_sw" link set "p$h" up
    # AF_XDP transmits in copy mode do not complete partial checksums, so
    # the hosts must send packets with complete ones.
    in_ns "$ns" ethtool -K eth0 tx off > /dev/null
done

say "starting afzc's ovs-vswitchd in $ns_sw..."
in_ns "$ns_sw" "$top/vswitchd/ovs-vswitchd" "unix:$run/db.sock" \
    -vconsole:off \
    --pidfile="$run/ovs-vswitchd.pid" \
    --log-file="$run/ovs-vswitchd.log" \
    --detach --no-chdir
pid_from_file "$run/ovs-vswitchd.pid" > /dev/null \
    || die "ovs-vswitchd did not start; see $run/ovs-vswitchd.log"
"$top/vswitchd/ovs-vswitchd" --version | sed 's/^/afzc:   /'

# Stops the run when ovs-vswitchd failed while doing $1, saying whether it
# died.
vswitchd_failed() {
    if ! pid_from_file "$run/ovs-vswitchd.pid" > /dev/null; then
        {
            echo "---- last lines of $run/ovs-vswitchd.log"
            tail -n 15 "$run/ovs-vswitchd.log" || true
            echo "----"
            echo "afzc: ovs-vswitchd died.  What it wrote to stderr (a failed lock,"
            echo "afzc: for example) is not in its log.  To see it, rerun with --keep"
            echo "afzc: and start ovs-vswitchd in the foreground:"
            echo "    . $run/env.sh"
            echo "    ip netns exec $ns_sw $top/vswitchd/ovs-vswitchd unix:$run/db.sock"
        } >&2
        die "ovs-vswitchd died while $1"
    fi
    die "ovs-vswitchd did not finish $1 in time; see $run/ovs-vswitchd.log"
}

say "adding bridge br0 with afzc ports p1 and p2..."
vsctl --no-wait add-br br0 \
    -- set bridge br0 datapath_type=netdev fail_mode=secure \
    -- add-port br0 p1 -- set Interface p1 type=afzc ofport_request=1 \
    -- add-port br0 p2 -- set Interface p2 type=afzc ofport_request=2

# The ports are ready when the status column shows their XDP mode.  A port
# that failed shows why in its error column.
ports_ready() {
    local p err
    for p in p1 p2; do
        err=$(vsctl get Interface "$p" error 2>/dev/null || true)
        if [ -n "$err" ] && [ "$err" != '[]' ]; then
            echo "$p: $err"
            return 2
        fi
        vsctl get Interface "$p" status:xdp_mode > /dev/null 2>&1 || return 1
    done
}
ready=no
for i in $(seq 200); do
    pid_from_file "$run/ovs-vswitchd.pid" > /dev/null \
        || vswitchd_failed "adding bridge br0 and its afzc ports"
    rc=0; msg=$(ports_ready) || rc=$?
    if [ "$rc" = 0 ]; then ready=yes; break; fi
    [ "$rc" = 2 ] && die "an afzc port failed: $msg (see $run/ovs-vswitchd.log)"
    sleep 0.1
done
[ "$ready" = yes ] || vswitchd_failed "adding bridge br0 and its afzc ports"
for p in p1 p2; do
    say "  $p: $(vsctl get Interface "$p" status | tr -d '{}')"
done

say "installing OpenFlow rules (p1 <-> p2)..."
ofctl del-flows br0
ofctl add-flow br0 "priority=10,in_port=1,actions=output:2"
ofctl add-flow br0 "priority=10,in_port=2,actions=output:1"

# Prints what helps to find out why traffic did not pass.
diagnose() {
    echo "---- ovs-appctl afzc/show"; appctl afzc/show || true
    echo "---- ovs-ofctl dump-flows br0"; ofctl dump-flows br0 || true
    echo "---- ovs-ofctl dump-ports br0"; ofctl dump-ports br0 || true
    echo "---- last lines of $run/ovs-vswitchd.log"
    tail -n 20 "$run/ovs-vswitchd.log" || true
}

# --- Traffic -------------------------------------------------------------
say "ping $ns_h1 -> $ns_h2..."
if ! in_ns "$ns_h1" ping -c 3 -i 0.2 -W 2 "$ip_h2"; then
    diagnose
    die "ping from $ns_h1 to $ns_h2 failed"
fi

say "flood ping: 2000 packets $ns_h2 -> $ns_h1..."
in_ns "$ns_h2" ping -f -c 2000 -w 10 -q "$ip_h1" \
    || warn "the flood ping lost packets"

say "TCP: $ns_h1 -> $ns_h2 for $tcp_seconds s..."
rm -f "$run/tcp-received"
in_ns "$ns_h2" bash -c "timeout $((tcp_seconds + 10)) nc -d -l $tcp_port \
                        | wc -c > '$run/tcp-received'" &
server=$!
for i in $(seq 50); do
    in_ns "$ns_h2" ss -Hltn "sport = :$tcp_port" | grep -q . && break
    sleep 0.1
done
# The sender runs until timeout stops it (exit status 124); stopping any
# earlier means that the connection failed.
start=$(date +%s%N)
rc=0
in_ns "$ns_h1" timeout "$tcp_seconds" \
    bash -c "nc $ip_h2 $tcp_port < /dev/zero" || rc=$?
end=$(date +%s%N)
wait "$server" || true
bytes=$(cat "$run/tcp-received" 2>/dev/null || echo 0)
if [ "$rc" != 124 ] || [ "${bytes:-0}" -eq 0 ]; then
    diagnose
    die "the TCP transfer failed (nc exit status $rc, $bytes bytes received)"
fi
ms=$(( (end - start) / 1000000 ))
say "  received $(( bytes >> 20 )) MiB in $ms ms: $(( bytes * 8 / 1000 / ms )) Mbit/s"

# --- Counters ------------------------------------------------------------
echo
say "---- ovs-appctl afzc/show (per port and per queue)"
appctl afzc/show
say "---- ovs-appctl afzc/umem-show (where the shared UMEM's frames are)"
appctl afzc/umem-show
# ovs-vswitchd copies statistics into the database every 5 seconds.
for i in $(seq 80); do
    rx=$(vsctl get Interface p2 statistics:afzc_q0_rx_packets 2>/dev/null \
         || echo 0)
    [ "$rx" -gt 0 ] && break
    sleep 0.1
done
for p in p1 p2; do
    say "---- ovs-vsctl get Interface $p statistics"
    vsctl get Interface "$p" statistics | tr -d '{}' | tr ',' '\n' \
        | sed 's/^ *//; s/=/: /; s/^/    /'
done
say "---- ovs-ofctl dump-ports br0"
ofctl dump-ports br0
say "---- ovs-ofctl dump-flows br0"
ofctl --no-stats dump-flows br0 2>/dev/null || ofctl dump-flows br0

# The per-queue counters must have seen the traffic that went through.
for p in p1 p2; do
    rx=$(vsctl get Interface "$p" statistics:afzc_q0_rx_packets 2>/dev/null \
         || echo 0)
    [ "$rx" -ge 3 ] \
        || die "$p counted only $rx received packets on queue 0"
done

echo
say "sandbox run succeeded"
status=0
