#!/bin/bash
# afzc-ovn-sandbox.sh -- the OVN mode of afzc-sandbox.sh: two OVN chassis
# with afzc ports, tunnelling Geneve in user space, and traffic between
# them.  Run it as "utilities/afzc-sandbox.sh --ovn [OPTION]...".
#
# Starts, all in the run directory:
#   central/  the OVN northbound and southbound ovsdb-servers and
#             ovn-northd (Debian's OVN, installed by afzc-ovn-deps.sh);
#   hv1/ hv2/ two chassis, each in network namespace afzc-ovn-hvN with its
#             own ovsdb-server, afzc's ovs-vswitchd and ovn-controller:
#             br-int for the VMs, br-phy for the underlay, whose afzc
#             uplink is a veth to the other chassis and which holds the
#             chassis' Geneve tunnel address (172.31.1.N).
# and the logical topology
#
#   afzc-ovn-vm1 (10.0.1.1) -- ls1 -- lr1 -- ls2 -- afzc-ovn-vm2 (10.0.2.2)
#        on hv1, afzc port vm1-o                   on hv2, afzc port vm2-o
#
# then pings, runs a TCP transfer, prints the logical flows that the
# traffic hit (from the OpenFlow counters of br-int, whose cookies name the
# logical flows) and the afzc per-port and per-queue counters of both
# chassis, and tears it all down.  Nothing of the machine's own Open
# vSwitch or OVN is used, and no traffic leaves the sandbox's namespaces.
#
# Usage: utilities/afzc-sandbox.sh --ovn [OPTION]...
#   --keep        leave the sandbox running at the end (also after a
#                 failure) and print how to use and remove it
#   --teardown    only remove a sandbox left by --keep or by a killed run
#   --no-build    do not run utilities/afzc-build.sh first
#   --dir=DIR     run directory (default: sandbox-ovn/ of this checkout)
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
run=${AFZC_SANDBOX_DIR:-$top/sandbox-ovn}
keep=no
teardown_only=no
build=yes
tcp_seconds=3
tcp_port=5201

say() { echo "afzc: $*"; }
warn() { echo "afzc: warning: $*" >&2; }
die() { echo "afzc: error: $*" >&2; exit 1; }

for arg in "$@"; do
    case $arg in
        --ovn) ;;
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

# The OVS programs of the build tree come first; OVN's are Debian's.
export PATH=$top/vswitchd:$ovs/utilities:$ovs/ovsdb:$PATH
export OVN_NB_DB=unix:$run/central/nb.sock OVN_SB_DB=unix:$run/central/sb.sock

# Runs a command in chassis $1's namespace with that chassis' run
# directory, where its Open vSwitch and OVN programs find its daemons.
on_hv() {
    local d=$run/hv$1 ns=afzc-ovn-hv$1
    shift
    OVS_RUNDIR=$d OVS_LOGDIR=$d OVS_DBDIR=$d OVS_SYSCONFDIR=$d \
    OVN_RUNDIR=$d OVN_LOGDIR=$d OVN_DBDIR=$d OVN_SYSCONFDIR=$d \
        ip netns exec "$ns" "$@"
}

# Removes every part of the sandbox: the daemons of both chassis and of
# central (found by their pidfiles), whatever still runs in the sandbox's
# namespaces, and the namespaces with their veths and XDP programs.  Logs
# stay in the run directory until the next run.
teardown() {
    local ns pid h
    for h in 1 2; do
        stop_daemon "$run/hv$h/ovn-controller.pid"
        stop_daemon "$run/hv$h/ovs-vswitchd.pid"
        stop_daemon "$run/hv$h/ovsdb-server.pid"
    done
    stop_daemon "$run/central/ovn-northd.pid"
    stop_daemon "$run/central/ovsdb-nb.pid"
    stop_daemon "$run/central/ovsdb-sb.pid"
    for ns in afzc-ovn-vm1 afzc-ovn-vm2 afzc-ovn-hv1 afzc-ovn-hv2; do
        if [ -e "/run/netns/$ns" ]; then
            for pid in $(ip netns pids "$ns" 2>/dev/null); do
                kill -KILL "$pid" 2>/dev/null || true
            done
            ip netns del "$ns" 2>/dev/null || warn "cannot delete netns $ns"
        fi
    done
    rm -f "$run"/*/*.ctl "$run"/*/*.sock "$run/env.sh"
}

if [ "$teardown_only" = yes ]; then
    say "tearing down the OVN sandbox in $run..."
    teardown
    say "sandbox removed"
    exit 0
fi

if [ "$build" = yes ]; then
    "$top/utilities/afzc-build.sh"
fi
"$top/utilities/afzc-ovn-deps.sh"
for f in "$top/vswitchd/ovs-vswitchd" "$ovs/ovsdb/ovsdb-server" \
         "$ovs/ovsdb/ovsdb-tool" "$ovs/utilities/ovs-vsctl" \
         "$ovs/utilities/ovs-ofctl" "$ovs/utilities/ovs-appctl"; do
    [ -x "$f" ] || die "$f is missing; run utilities/afzc-build.sh"
done
for cmd in ip ethtool ping nc timeout ovn-northd ovn-controller ovn-nbctl \
           ovn-sbctl; do
    command -v "$cmd" > /dev/null || die "$cmd not found"
done

# A run killed earlier may have left daemons and namespaces behind.
teardown
rm -rf "$run/central" "$run/hv1" "$run/hv2"
mkdir -p "$run/central" "$run/hv1" "$run/hv2"
cat > "$run/env.sh" <<EOF
# Sourced by a shell to use the afzc OVN sandbox: ovn-nbctl and ovn-sbctl
# reach its central databases; "hv N COMMAND" runs COMMAND on chassis N.
export PATH=$top/vswitchd:$ovs/utilities:$ovs/ovsdb:\$PATH
export OVN_NB_DB=$OVN_NB_DB OVN_SB_DB=$OVN_SB_DB
hv() { local d=$run/hv\$1 ns=afzc-ovn-hv\$1; shift
       OVS_RUNDIR=\$d OVS_LOGDIR=\$d OVS_DBDIR=\$d OVS_SYSCONFDIR=\$d \\
       OVN_RUNDIR=\$d OVN_LOGDIR=\$d OVN_DBDIR=\$d OVN_SYSCONFDIR=\$d \\
       ip netns exec "\$ns" "\$@"; }
EOF

status=1
keep_message() {
    local dir_arg=
    [ "$run" = "$top/sandbox-ovn" ] || dir_arg=" --dir=$run"
    cat <<EOF
afzc: the OVN sandbox is still running.  To look around:
    . $run/env.sh
    ovn-nbctl show; ovn-sbctl show; hv 1 ovs-vsctl show
    hv 1 ovs-appctl afzc/show; hv 2 ovs-ofctl dump-flows br-int
    ip netns exec afzc-ovn-vm1 ping 10.0.2.2
afzc: logs are in $run/*/.  To remove the sandbox:
    $top/utilities/afzc-sandbox.sh --ovn --teardown$dir_arg
EOF
}
trap afzc_sandbox_finish EXIT
trap 'exit 130' INT TERM

# Waits up to $1 tenths of a second for the command that follows to
# succeed.
wait_for() {
    local tenths=$1 i
    shift
    for i in $(seq "$tenths"); do
        "$@" > /dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

# --- Central --------------------------------------------------------------
say "starting the OVN central daemons in $run/central..."
for db in nb sb; do
    ovsdb-tool create "$run/central/ovn$db.db" "/usr/share/ovn/ovn-$db.ovsschema"
    ovsdb-server "$run/central/ovn$db.db" -vconsole:off \
        --remote="punix:$run/central/$db.sock" \
        --pidfile="$run/central/ovsdb-$db.pid" \
        --unixctl="$run/central/ovsdb-$db.ctl" \
        --log-file="$run/central/ovsdb-$db.log" --detach --no-chdir
done
ovn-northd -vconsole:off --ovnnb-db="$OVN_NB_DB" --ovnsb-db="$OVN_SB_DB" \
    --pidfile="$run/central/ovn-northd.pid" \
    --unixctl="$run/central/ovn-northd.ctl" \
    --log-file="$run/central/ovn-northd.log" --detach --no-chdir

# --- Chassis --------------------------------------------------------------
for h in 1 2; do
    say "starting chassis hv$h in namespace afzc-ovn-hv$h..."
    ip netns add "afzc-ovn-hv$h"
    on_hv $h ip link set lo up
    ovsdb-tool create "$run/hv$h/conf.db" "$ovs/vswitchd/vswitch.ovsschema"
    # Explicit pidfiles: pid_from_file() recognises a daemon by them.
    on_hv $h ovsdb-server "$run/hv$h/conf.db" -vconsole:off \
        --remote="punix:$run/hv$h/db.sock" \
        --pidfile="$run/hv$h/ovsdb-server.pid" \
        --log-file="$run/hv$h/ovsdb-server.log" --detach --no-chdir
    on_hv $h ovs-vsctl --no-wait init
    on_hv $h ovs-vswitchd -vconsole:off \
        --pidfile="$run/hv$h/ovs-vswitchd.pid" \
        --log-file="$run/hv$h/ovs-vswitchd.log" --detach --no-chdir \
        --disable-system
    pid_from_file "$run/hv$h/ovs-vswitchd.pid" > /dev/null \
        || die "ovs-vswitchd of hv$h did not start; see $run/hv$h/ovs-vswitchd.log"
    on_hv $h ovs-vsctl \
        -- add-br br-int -- set Bridge br-int datapath_type=netdev \
             fail-mode=secure other_config:disable-in-band=true \
        -- add-br br-phy -- set Bridge br-phy datapath_type=netdev \
             other_config:hwaddr=02:00:ac:1f:01:0$h
    on_hv $h ip addr add "172.31.1.$h/24" dev br-phy
    on_hv $h ip link set br-phy up
    on_hv $h ovs-vsctl set Open_vSwitch . external_ids:system-id=hv$h \
        external_ids:ovn-remote="$OVN_SB_DB" \
        external_ids:ovn-encap-type=geneve \
        external_ids:ovn-encap-ip=172.31.1.$h \
        external_ids:ovn-bridge=br-int \
        external_ids:ovn-bridge-datapath-type=netdev
    on_hv $h ovn-controller -vconsole:off \
        --pidfile="$run/hv$h/ovn-controller.pid" \
        --log-file="$run/hv$h/ovn-controller.log" --detach --no-chdir
done

# The ports are ready when the status column shows their XDP mode; a port
# that failed shows why in its error column.
port_ready() {
    local h=$1 p=$2 err
    err=$(on_hv $h ovs-vsctl get Interface "$p" error 2>/dev/null || true)
    if [ -n "$err" ] && [ "$err" != '[]' ]; then
        die "afzc port $p of hv$h failed: $err"
    fi
    on_hv $h ovs-vsctl get Interface "$p" status:xdp_mode > /dev/null 2>&1
}

say "connecting the chassis: afzc uplinks ovnul1 and ovnul2 on br-phy, MTU 1600..."
ip link add ovnul1 netns afzc-ovn-hv1 type veth peer name ovnul2 netns afzc-ovn-hv2
for h in 1 2; do
    on_hv $h ip link set ovnul$h mtu 1600 up
    on_hv $h ovs-vsctl add-port br-phy ovnul$h \
        -- set Interface ovnul$h type=afzc mtu_request=1600
    wait_for 200 port_ready $h ovnul$h || die "uplink ovnul$h not ready"
done
on_hv 1 ovs-appctl ovs/route/add 172.31.1.2/32 br-phy > /dev/null
on_hv 2 ovs-appctl ovs/route/add 172.31.1.1/32 br-phy > /dev/null

say "creating the logical topology: ls1 -- lr1 -- ls2..."
ovn-nbctl lr-add lr1
ovn-nbctl lrp-add lr1 lr1-ls1 00:00:00:00:ff:01 10.0.1.254/24
ovn-nbctl lrp-add lr1 lr1-ls2 00:00:00:00:ff:02 10.0.2.254/24
for n in 1 2; do
    ovn-nbctl ls-add ls$n \
        -- lsp-add ls$n ls$n-lr1 -- lsp-set-type ls$n-lr1 router \
        -- lsp-set-addresses ls$n-lr1 router \
        -- lsp-set-options ls$n-lr1 router-port=lr1-ls$n \
        -- lsp-add ls$n vm$n \
        -- lsp-set-addresses vm$n "f0:00:00:01:0$n:0$n 10.0.$n.$n"
done

say "attaching VM namespaces: afzc-ovn-vm1 on hv1, afzc-ovn-vm2 on hv2..."
for n in 1 2; do
    ns=afzc-ovn-vm$n
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$ns" link add eth0 type veth peer name vm$n-o netns afzc-ovn-hv$n
    # AF_XDP transmits in copy mode do not complete partial checksums, so
    # the VMs send packets with complete ones.
    in_ns "$ns" ethtool -K eth0 tx off > /dev/null
    ip -n "$ns" link set eth0 address "f0:00:00:01:0$n:0$n"
    ip -n "$ns" addr add "10.0.$n.$n/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add default via "10.0.$n.254"
    on_hv $n ip link set vm$n-o up
    on_hv $n ovs-vsctl add-port br-int vm$n-o \
        -- set Interface vm$n-o type=afzc external_ids:iface-id=vm$n
    wait_for 200 port_ready $n vm$n-o || die "port vm$n-o not ready"
done
for n in 1 2; do
    ovn-nbctl --timeout=30 wait-until Logical_Switch_Port vm$n up=true \
        || die "vm$n was not bound"
done
ovn-nbctl --timeout=30 --wait=hv sync
ovn-sbctl show | sed 's/^/afzc:   /'

# Prints what helps to find out why traffic did not pass.
diagnose() {
    local h
    for h in 1 2; do
        echo "---- hv$h: ovs-vsctl show"; on_hv $h ovs-vsctl show || true
        echo "---- hv$h: ovs-appctl dpctl/dump-flows"
        on_hv $h ovs-appctl dpctl/dump-flows || true
        echo "---- hv$h: last lines of ovn-controller.log"
        tail -n 10 "$run/hv$h/ovn-controller.log" || true
    done
    echo "---- ovn-sbctl show"; ovn-sbctl show || true
}

# --- Traffic --------------------------------------------------------------
say "ping afzc-ovn-vm1 -> afzc-ovn-vm2, through lr1 and the Geneve tunnel..."
wait_for 100 in_ns afzc-ovn-vm1 ping -c 1 -W 1 10.0.2.2 || true
if ! in_ns afzc-ovn-vm1 ping -c 3 -i 0.2 -W 2 10.0.2.2; then
    diagnose
    die "ping from afzc-ovn-vm1 to afzc-ovn-vm2 failed"
fi

say "TCP: afzc-ovn-vm1 -> afzc-ovn-vm2 for $tcp_seconds s..."
rm -f "$run/tcp-received"
in_ns afzc-ovn-vm2 bash -c "timeout $((tcp_seconds + 10)) nc -d -l $tcp_port \
                            | wc -c > '$run/tcp-received'" &
server=$!
wait_for 50 sh -c "ip netns exec afzc-ovn-vm2 ss -Hltn 'sport = :$tcp_port' | grep -q ." || true
# The sender runs until timeout stops it (exit status 124); stopping any
# earlier means that the connection failed.
start=$(date +%s%N)
rc=0
in_ns afzc-ovn-vm1 timeout "$tcp_seconds" \
    bash -c "nc 10.0.2.2 $tcp_port < /dev/zero" || rc=$?
end=$(date +%s%N)
wait "$server" || true
bytes=$(cat "$run/tcp-received" 2>/dev/null || echo 0)
if [ "$rc" != 124 ] || [ "${bytes:-0}" -eq 0 ]; then
    diagnose
    die "the TCP transfer failed (nc exit status $rc, $bytes bytes received)"
fi
ms=$(( (end - start) / 1000000 ))
say "  received $(( bytes >> 20 )) MiB in $ms ms: $(( bytes * 8 / 1000 / ms )) Mbit/s"

# --- Counters -------------------------------------------------------------
# Prints the logical flows that chassis $1's traffic hit, most packets
# first: ovn-controller gives each OpenFlow flow it makes from a logical
# flow a cookie of the logical flow's UUID's first 32 bits, so br-int's
# per-flow packet counts, summed by cookie, are the logical flows' hits.
lflow_hits() {
    local h=$1
    on_hv $h ovs-ofctl dump-flows br-int > "$run/hv$h/br-int-flows.txt"
    ovn-sbctl --uuid lflow-list > "$run/lflows.txt"
    awk '
        FNR == NR {
            if (match($0, /cookie=0x[0-9a-f]+/)) {
                c = substr($0, RSTART + 9, RLENGTH - 9)
                if (match($0, /n_packets=[0-9]+/)) {
                    n = substr($0, RSTART + 10, RLENGTH - 10) + 0
                    # The cookie is printed without leading zeros.
                    c = sprintf("%8s", c)
                    gsub(/ /, "0", c)
                    if (n > 0 && c != "00000000") {
                        hits[c] += n
                    }
                }
            }
            next
        }
        /^Datapath:/ { dp = $2 }
        match($0, /uuid=0x[0-9a-f]+/) {
            u = substr($0, RSTART + 7, RLENGTH - 7)
            if (u in hits) {
                line = $0
                sub(/^ *uuid=0x[0-9a-f]+, */, "", line)
                printf "%10d  %s %s\n", hits[u], dp, line
            }
        }' "$run/hv$h/br-int-flows.txt" "$run/lflows.txt" \
        | sort -rn | awk 'NR <= 25'
}

echo
for h in 1 2; do
    say "---- hv$h: logical flows hit (packets, datapath, stage, match, actions; top 25)"
    lflow_hits $h | cut -c1-200
done
for h in 1 2; do
    say "---- hv$h: ovs-appctl afzc/show (per port and per queue)"
    on_hv $h ovs-appctl afzc/show
    say "---- hv$h: ovs-appctl afzc/umem-show"
    on_hv $h ovs-appctl afzc/umem-show
done

# The afzc counters must have seen the traffic: the VM ports and the
# uplinks received packets on their queues.
for h in 1 2; do
    for p in vm$h-o ovnul$h; do
        rx=$(on_hv $h ovs-appctl afzc/show "$p" \
             | awk '$1 == "rx_packets:" { s += $2 } END { print s + 0 }')
        [ "$rx" -ge 3 ] || die "$p of hv$h counted only $rx received packets"
    done
done
[ -n "$(lflow_hits 1)" ] || die "no logical flow counted a packet on hv1"

echo
say "OVN sandbox run succeeded"
status=0
