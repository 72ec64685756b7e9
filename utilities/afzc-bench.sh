#!/bin/bash
# afzc-bench.sh -- measures how fast afzc forwards between two veth devices,
# next to Open vSwitch's own AF_XDP ports, its system ports, a Linux bridge
# and a bare XDP redirect, on the same topology and in the same run.
#
#   afzcb-gen                afzcb-sw                       afzcb-sink
#   eth0 ----veth---- b1 -> [switch under test] -> b2 ----veth---- eth0
#   ovs-afzc-bench gen                                   ovs-afzc-bench sink
#
# The generator sends 64- or 1500-byte UDP frames out of afzcb-gen's eth0
# as fast as the kernel takes them (XDP live frames), in 1 or 1000 flows
# (UDP source ports 9, 10, ...); the sink counts and drops them with an XDP
# program on afzcb-sink's eth0.  The switch under test forwards b1 to b2,
# and is in turn:
#
#   afzc           OVS userspace datapath, afzc ports, default options
#   afzc-native    same, options:xdp-mode=native
#   afzc-generic   same, options:xdp-mode=generic (what best-effort picks
#                  on veth with rx-csum-fixup=off)
#   afzc-busy-poll same, options:busy-poll=64 (SO_PREFER_BUSY_POLL; not by
#                  default)
#   afzc-b         afzc ports, default options, in the ovs-vswitchd binary
#                  that --vswitchd-b names (an A/B of two builds, paired
#                  round by round with the afzc row; not by default)
#   afzc-offload   afzc ports, default options, other_config:hw-offload=true:
#                  the flow runs in the ports' XDP programs
#   afzc-offload-native  same, options:xdp-mode=native
#   afzc-offload-megaflow, afzc-offload-native-megaflow
#                  the same two, but br0 has only the catch-all rule (see
#                  below), so that the N flows of traffic are N 5-tuples
#                  under one megaflow, which only the XDP program's
#                  exact-match cache tells apart
#   afxdp-native   OVS userspace datapath, OVS afxdp ports, xdp-mode=native
#   afxdp-generic  OVS userspace datapath, OVS afxdp ports, xdp-mode=generic
#   afxdp-zc       OVS userspace datapath, OVS afxdp ports,
#                  xdp-mode=native-with-zerocopy (only with --nics, on
#                  devices whose drivers have zero-copy; not by default)
#   system         OVS userspace datapath, plain (system) ports
#   xsk            a bare AF_XDP forwarder (ovs-afzc-bench xsk): sockets on
#                  b1 and b2 sharing one UMEM, copy mode, generic XDP,
#                  busy-polling on the PMD's CPU; what any AF_XDP switch
#                  has to pay
#   bridge         a Linux bridge
#   xdp            an XDP program on b1 redirecting to b2 (bare XDP)
#
# and, for TCP (one iperf3 stream from afzcb-gen to afzcb-sink, both
# pinned to the generator's CPU, its throughput in Gbit/s; flows 1 -> 2 and
# 2 -> 1), with the two namespace ends' transmit offloads (checksum, TSO)
# either left on, as Linux sets up a veth, or turned off:
#
#   tcp-afzc             afzc ports, default options, offloads on
#   tcp-afzc-txoff       same, offloads off
#   tcp-afzc-generic-txoff  afzc ports, xdp-mode=generic, offloads off
#                        (what best-effort chose on veth before afzc
#                        completed partial checksums)
#   tcp-afzc-generic     same, offloads on: the far ends keep TSO, and
#                        afzc cuts their super-packets to the MTU
#   tcp-afxdp-txoff      OVS afxdp ports, xdp-mode=generic, offloads off
#                        (OVS afxdp cannot take them on)
#   tcp-bridge           a Linux bridge, offloads on
#   tcp-afzc-jumbo       afzc ports, MTU 9000 on the ports and every veth
#                        end, offloads off: jumbo frames as multi-buffer
#                        packets (OVS afxdp stops at MTU 3694)
#   tcp-bridge-jumbo     a Linux bridge, MTU 9000, offloads off
#
# br0's OpenFlow table has one rule per UDP source port the generator may
# use (in_port=1,udp,tp_src=P -> output:2), so that N flows of traffic make
# N datapath flows, and a catch-all in_port=1 -> output:2 below them.
# Source ports start at 9, or at 0 for more than 65527 flows.  With more
# than 5000 flows, the datapath flow limit is raised to 200000 at once
# (upcall/set-flow-limit); use a --warmup long enough for the flows to be
# set up and offloaded (the notes say how many were).  For the afzc-offload
# rows with 1000 flows or more, the notes and the JSON
# (setup_flows_per_s) also give the flow setup rate: b1's offloaded flows
# are read every 0.2 s from the generator's start, and the rate is 90% of
# the most seen over the time to reach them, misses arriving meanwhile at
# the generator's full rate.  Sampled every 0.2 s and counted from the
# generator's start, it is a lower bound when the flows are all set up
# within a second or so (1000 flows, typically).
# With 10000 flows or more, the notes also give the CPU that ovs-vswitchd
# spends outside its PMD threads, and in its revalidators, in the 4 s after
# the traffic stops, while the flows are idle but still offloaded.
#
# Every measurement of an XDP program (the afzc-offload* rows and xdp)
# is followed by a second, one-second window of the same traffic, without
# the sink, that reads the kernel's own account of the program on b1 with
# sysctl kernel.bpf_stats_enabled=1: its run_time_ns / run_cnt is the
# program's cost per frame, whatever the generator and the sink cost.
# The rates are measured with bpf_stats off: the kernel's accounting reads
# the clock twice per program run, which on this kind of virtual machine
# costs more than the program itself (7.8 Mpps offloaded fell to 3.1).
#
# Open vSwitch (its own ovsdb-server and afzc's ovs-vswitchd) runs inside
# afzcb-sw, so it never meets another afzc ovs-vswitchd, with one PMD thread
# on CPU 1 (other_config:pmd-cpu-mask=0x2); the generator is pinned to CPU 0.
# Everything is created at the start and removed at the end, also after a
# failure or Ctrl-C.  No traffic leaves the three namespaces.
#
# Usage: utilities/afzc-bench.sh [OPTION]...
#   --configs=LIST  space- or comma-separated configurations to run
#                   (default: all of the above, in that order)
#   --sizes=LIST    frame sizes in bytes, FCS included (default: 64 1500)
#   --flows=LIST    numbers of UDP flows to send, 1 to 65536 (default:
#                   1 1000); more than 65536 flows need
#                   other_config:afzc-offload-flows raised, which the
#                   script does for the afzc-offload rows
#   --json FILE     also write the results as JSON to FILE
#   --seconds=N     length of each measurement (default: 5)
#   --warmup=N      traffic before each measurement starts (default: 1)
#   --repeat=N      rounds: each round measures every configuration and
#                   size once; the best round is reported (default: 2)
#   --afxdp-compare the user-path comparison with Open vSwitch's afxdp
#                   ports: --configs=afzc,afxdp-native,afxdp-generic and,
#                   unless --repeat says otherwise, 8 rounds; the round by
#                   round table gives each round's ratio, their median and
#                   in how many rounds afzc was ahead
#   --pmd-mask=MASK other_config:pmd-cpu-mask (default: 0x2)
#   --other-config=KEY=VALUE,...
#                   more other_config settings of the Open_vSwitch table,
#                   such as afzc-offload-cache=65536
#   --gen-cpu=N     CPU the generator is pinned to (default: 0)
#   --vswitchd-b=FILE
#                   the ovs-vswitchd of the afzc-b row: another build of
#                   afzc, to compare with this tree's in the same rounds
#                   (--ab is short for --configs=afzc,afzc-b and, unless
#                   --repeat says otherwise, 8 rounds)
#   --nics=GEN:B1:B2:SINK
#                   instead of creating veth pairs, use these four existing
#                   devices, GEN wired to B1 and B2 to SINK (as in the
#                   zero-copy guest of utilities/afzc-vm.sh, e.g.
#                   zv0a:zv0b:zv1b:zv1a): they are renamed eth0, b1, b2 and
#                   eth0 in the namespaces and given back under their own
#                   names at the end.  Drivers other than veth transmit
#                   XDP_TX and redirected frames only with an XDP program of
#                   their own, so GEN, and B2 in the xdp row, get a dropping
#                   one (ovs-afzc-bench sink) while they send.
#   --dir=DIR       run directory for databases, logs and raw results
#                   (default: /tmp/afzc-bench)
#   --perf          also profile both CPUs during each measurement (perf
#                   record -e cpu-clock -a), one report per measurement in
#                   the run directory (perf-CONFIG-SIZE-FLOWS-ROUND.txt, or
#                   perf-tcp-CONFIG-ROUND.txt for the TCP rows, by CPU,
#                   command and symbol); the profiler's own cost
#                   lowers the rates of such a run
#   --keep          leave the topology and Open vSwitch running at the end
#   --teardown      only remove what a --keep or killed run left behind
#   -h, --help      show this help
#
# Build first (make in the top directory): the script uses
# vswitchd/ovs-vswitchd and utilities/ovs-afzc-bench from this tree and the
# Open vSwitch tools from the tree afzc was configured against
# (AFZC_OVS_DIR, default deps/ovs).
#
# See Documentation/topics/afzc-performance.rst.
#
# Licensed under the Apache License, Version 2.0.

set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ovs=${AFZC_OVS_DIR:-$top/deps/ovs}
bench=$top/utilities/ovs-afzc-bench
vswitchd=$top/vswitchd/ovs-vswitchd
run=/tmp/afzc-bench
all_configs="afzc afzc-native afzc-generic afzc-offload afzc-offload-native \
afzc-offload-megaflow afzc-offload-native-megaflow afxdp-native afxdp-generic system xsk bridge xdp \
tcp-afzc tcp-afzc-txoff tcp-afzc-generic-txoff tcp-afzc-generic \
tcp-afxdp-txoff tcp-bridge \
tcp-afzc-jumbo tcp-bridge-jumbo"
configs=$all_configs
# Not run by default: zero-copy needs a driver that has it, and busy
# polling shows its effect only where a NAPI loop runs the device.
all_configs="$all_configs afxdp-zc afzc-busy-poll afzc-b"
vswitchd_b=
ab=no
nics=
sizes="64 1500"
flows_list="1 1000"
json=
seconds=5
warmup=1
repeat=2
repeat_set=no
afxdp_compare=no
pmd_mask=0x2
other_config=
gen_cpu=0
keep=no
perf=no
teardown_only=no

ns_gen=afzcb-gen
ns_sink=afzcb-sink
ns_sw=afzcb-sw
mac_gen=02:af:2c:00:00:01
mac_sink=02:af:2c:00:00:02
ip_gen=198.18.0.1
ip_sink=198.18.0.2
linux_br=afzcbr

say() { echo "afzc-bench: $*"; }
warn() { echo "afzc-bench: warning: $*" >&2; }
die() { echo "afzc-bench: error: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    arg=$1
    shift
    case $arg in
        --configs=*) configs=${arg#--configs=}; configs=${configs//,/ } ;;
        --sizes=*) sizes=${arg#--sizes=}; sizes=${sizes//,/ } ;;
        --flows=*) flows_list=${arg#--flows=}; flows_list=${flows_list//,/ } ;;
        --json=*) json=${arg#--json=} ;;
        --json)
            [ $# -gt 0 ] || die "--json wants a file name"
            json=$1
            shift ;;
        --seconds=*) seconds=${arg#--seconds=} ;;
        --warmup=*) warmup=${arg#--warmup=} ;;
        --repeat=*) repeat=${arg#--repeat=}; repeat_set=yes ;;
        --afxdp-compare) afxdp_compare=yes ;;
        --pmd-mask=*) pmd_mask=${arg#--pmd-mask=} ;;
        --other-config=*) other_config=${arg#--other-config=}
                          other_config=${other_config//,/ } ;;
        --gen-cpu=*) gen_cpu=${arg#--gen-cpu=} ;;
        --vswitchd-b=*) vswitchd_b=${arg#--vswitchd-b=} ;;
        --ab) ab=yes ;;
        --dir=*) run=${arg#--dir=} ;;
        --nics=*) nics=${arg#--nics=} ;;
        --keep) keep=yes ;;
        --perf) perf=yes ;;
        --teardown) teardown_only=yes ;;
        -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) die "unknown argument '$arg' (try --help)" ;;
    esac
done
if [ "$afxdp_compare" = yes ]; then
    configs="afzc afxdp-native afxdp-generic"
    [ "$repeat_set" = yes ] || repeat=8
fi
if [ "$ab" = yes ]; then
    configs="afzc afzc-b"
    [ "$repeat_set" = yes ] || repeat=8
fi
case " $configs " in
    *" afzc-b "*)
        [ -n "$vswitchd_b" ] || die "the afzc-b row needs --vswitchd-b=FILE"
        [ -x "$vswitchd_b" ] || die "--vswitchd-b: $vswitchd_b is not an executable" ;;
esac
for c in $configs; do
    case " $all_configs " in
        *" $c "*) ;;
        *) die "unknown configuration '$c' (known: $all_configs)" ;;
    esac
done
for s in $sizes; do
    case $s in
        ''|*[!0-9]*) die "--sizes: '$s' is not a number" ;;
    esac
    [ "$s" -ge 64 ] && [ "$s" -le 1518 ] || die "--sizes: $s is not in 64..1518"
done
[ -n "$flows_list" ] || die "--flows: empty list"
max_flows=1
for f in $flows_list; do
    case $f in
        ''|*[!0-9]*) die "--flows: '$f' is not a number" ;;
    esac
    [ "$f" -ge 1 ] && [ "$f" -le 65536 ] || die "--flows: $f is not in 1..65536"
    [ "$f" -gt "$max_flows" ] && max_flows=$f
done
# The generator's first UDP source port: 9, unless that leaves too few.
src_base=9
[ "$max_flows" -gt $((65536 - 9)) ] && src_base=0
# Rules per source port (exact) or only the catch-all (one): set per row.
rule_shape=exact
if [ -n "$json" ]; then
    case $json in /*) ;; *) json=$PWD/$json ;; esac
fi
for v in "$seconds" "$warmup" "$gen_cpu" "$repeat"; do
    case $v in
        ''|*[!0-9]*) die "--seconds, --warmup, --repeat and --gen-cpu want whole numbers" ;;
    esac
done
[ "$seconds" -ge 1 ] || die "--seconds must be at least 1"
[ "$repeat" -ge 1 ] || die "--repeat must be at least 1"
[ "$(id -u)" = 0 ] || die "needs root (network namespaces, XDP)"
nic_gen= nic_b1= nic_b2= nic_sink=
if [ -n "$nics" ]; then
    IFS=: read -r nic_gen nic_b1 nic_b2 nic_sink extra <<< "$nics"
    [ -n "$nic_sink" ] && [ -z "${extra:-}" ] \
        || die "--nics wants four device names, GEN:B1:B2:SINK"
    for d in "$nic_gen" "$nic_b1" "$nic_b2" "$nic_sink"; do
        [ "$d" != eth0 ] || die "--nics: eth0 is not to be used"
    done
fi
mkdir -p "$run" || die "cannot create $run"
run=$(cd "$run" && pwd)

. "$top/utilities/afzc-lib.sh"

# Removes everything: the daemons (by their pidfiles), any process still in
# one of the namespaces (only ours: they are named afzcb-*), and the
# namespaces, which takes the veths, the bridge and XDP programs along.
teardown() {
    local ns pid
    stop_daemon "$run/ovs-vswitchd.pid" 300
    stop_daemon "$run/ovsdb-server.pid" 300
    for ns in "$ns_gen" "$ns_sink" "$ns_sw"; do
        if ip netns list 2> /dev/null | grep -qw -- "^$ns"; then
            for pid in $(ip netns pids "$ns" 2>/dev/null); do
                kill -KILL "$pid" 2>/dev/null || true
            done
            [ -n "$nics" ] && give_back_nics "$ns"
            ip netns del "$ns" 2>/dev/null || warn "cannot delete netns $ns"
        fi
    done
    rm -f "$run"/*.ctl "$run/db.sock"
}

# Moves the --nics devices of namespace $1 back to the initial namespace
# under their own names, without XDP programs.
give_back_nics() {
    local ns=$1 pair here name
    for pair in "$ns_gen:eth0:$nic_gen" "$ns_sw:b1:$nic_b1" \
                "$ns_sw:b2:$nic_b2" "$ns_sink:eth0:$nic_sink"; do
        IFS=: read -r here dev name <<< "$pair"
        [ "$here" = "$ns" ] || continue
        ip -n "$ns" link show dev "$dev" > /dev/null 2>&1 || continue
        ip -n "$ns" link set dev "$dev" xdp off 2> /dev/null
        ip -n "$ns" link set dev "$dev" down
        ip -n "$ns" link set dev "$dev" name "$name" &&
            ip -n "$ns" link set dev "$name" netns 1 \
            || warn "cannot give $dev in $ns back as $name"
    done
}

# Moves --nics device $1 into namespace $2 as $3.
take_nic() {
    ip link show dev "$1" > /dev/null 2>&1 || die "--nics: no device $1"
    ip link set dev "$1" down &&
        ip link set dev "$1" netns "$2" &&
        ip -n "$2" link set dev "$1" name "$3" \
        || die "cannot move $1 into $2 as $3"
}

if [ "$teardown_only" = yes ]; then
    teardown
    say "removed"
    exit 0
fi

for f in "$bench" "$vswitchd" "$ovs/ovsdb/ovsdb-server" "$ovs/ovsdb/ovsdb-tool" \
         "$ovs/utilities/ovs-vsctl" "$ovs/utilities/ovs-ofctl" \
         "$ovs/utilities/ovs-appctl"; do
    [ -x "$f" ] || die "$f is missing: build first (make)"
done
for cmd in ip ethtool taskset timeout awk; do
    command -v "$cmd" > /dev/null || die "$cmd not found"
done
# The TCP rows need iperf3, which neither afzc nor Open vSwitch builds with.
case " $configs " in
    *" tcp-"*)
        command -v iperf3 > /dev/null \
            || die "the TCP rows need iperf3 (apt-get install iperf3)" ;;
esac
[ -d "/sys/devices/system/cpu/cpu$gen_cpu" ] || die "there is no CPU $gen_cpu"
# The bare AF_XDP forwarder runs on the first CPU of the PMD mask.
fwd_cpu=
for i in $(seq 0 63); do
    if (( (pmd_mask >> i) & 1 )); then fwd_cpu=$i; break; fi
done 2> /dev/null
[ -n "$fwd_cpu" ] || die "--pmd-mask: '$pmd_mask' names no CPU"

teardown
rm -f "$run"/*.log "$run"/*.pid "$run"/*.out "$run"/*.txt "$run"/eff-* \
      "$run/table.json" "$run/flows.of" \
      "$run/conf.db" \
      "$run/.conf.db.~lock~" "$run/results" "$run/notes" "$run"/bpf-*
mkdir -p "$OVS_SYSCONFDIR"

# kernel.bpf_stats_enabled as it was, put back at the end.
bpf_stats_was=$(sysctl -n kernel.bpf_stats_enabled 2> /dev/null)

# The benchmark's own part of the EXIT trap: kernel.bpf_stats_enabled as
# it was.
finish_hook() {
    [ -z "$bpf_stats_was" ] \
        || sysctl -qw kernel.bpf_stats_enabled="$bpf_stats_was" 2> /dev/null
}
trap afzc_sandbox_finish EXIT
trap 'exit 130' INT TERM

# --- Topology ----------------------------------------------------------
say "creating namespaces $ns_gen, $ns_sw and $ns_sink..."
for ns in "$ns_gen" "$ns_sw" "$ns_sink"; do
    ip netns add "$ns" || die "cannot create netns $ns"
    ip -n "$ns" link set lo up
done
if [ -n "$nics" ]; then
    take_nic "$nic_gen" "$ns_gen" eth0
    take_nic "$nic_b1" "$ns_sw" b1
    take_nic "$nic_b2" "$ns_sw" b2
    take_nic "$nic_sink" "$ns_sink" eth0
else
    ip -n "$ns_sw" link add b1 type veth peer name eth0 netns "$ns_gen" \
        || exit 1
    ip -n "$ns_sw" link add b2 type veth peer name eth0 netns "$ns_sink" \
        || exit 1
fi
ip -n "$ns_gen" link set eth0 address "$mac_gen"
ip -n "$ns_sink" link set eth0 address "$mac_sink"
ip -n "$ns_gen" addr add "$ip_gen/24" dev eth0
ip -n "$ns_sink" addr add "$ip_sink/24" dev eth0
for ns in "$ns_gen" "$ns_sink"; do
    ip -n "$ns" link set eth0 up
    in_ns "$ns" ethtool -K eth0 tx off > /dev/null 2>&1
done
for p in b1 b2; do
    ip -n "$ns_sw" link set "$p" up
    in_ns "$ns_sw" ethtool -K "$p" tx off > /dev/null 2>&1
done
# Frames the generator sends with XDP_TX arrive at b1 as XDP frames, which
# a veth only takes when it runs NAPI: with an XDP program attached in
# native mode, or with GRO on.  GRO on b1 covers every configuration.
if [ -z "$nics" ]; then
    in_ns "$ns_sw" ethtool -K b1 gro on > /dev/null \
        || die "cannot enable GRO on b1"
fi

# Starts a dropping XDP program on device $2 of namespace $1 (see --nics)
# and prints its pid.
start_holder() {
    local out=$run/holder-$1-$2.out i
    ip netns exec "$1" "$bench" sink --dev "$2" --wait 0 --warmup 0 \
        --seconds 0 --quiet > "$out" 2>&1 &
    for i in $(seq 100); do
        grep -q '^ready' "$out" 2> /dev/null && break
        sleep 0.1
    done
    echo $!
}
if [ -n "$nics" ]; then
    start_holder "$ns_gen" eth0 > /dev/null
fi

# --- Open vSwitch ------------------------------------------------------
ovs_needed=no
for c in $configs; do
    case $c in afzc*|afxdp*|system|tcp-afzc*|tcp-afxdp*) ovs_needed=yes ;; esac
done

start_ovs() {
    say "starting ovsdb-server and ovs-vswitchd in $ns_sw (logs in $run)..."
    # A copy, so that a rebuild during the run changes nothing and profilers
    # find the symbols of the binary that runs.
    cp "$vswitchd" "$run/ovs-vswitchd.a" || exit 1
    ln -sf ovs-vswitchd.a "$run/ovs-vswitchd"
    if [ -n "$vswitchd_b" ]; then
        cp "$vswitchd_b" "$run/ovs-vswitchd.b" || exit 1
    fi
    "$ovs/ovsdb/ovsdb-tool" create "$run/conf.db" \
        "$ovs/vswitchd/vswitch.ovsschema" || exit 1
    in_ns "$ns_sw" "$ovs/ovsdb/ovsdb-server" "$run/conf.db" -vconsole:off \
        --remote="punix:$run/db.sock" \
        --pidfile="$run/ovsdb-server.pid" \
        --log-file="$run/ovsdb-server.log" \
        --detach --no-chdir || die "ovsdb-server did not start"
    vsctl --no-wait init
    vsctl --no-wait set Open_vSwitch . other_config:pmd-cpu-mask="$pmd_mask"
    for kv in $other_config; do
        vsctl --no-wait set Open_vSwitch . "other_config:$kv" \
            || die "--other-config: cannot set $kv"
    done
    start_vswitchd
}

start_vswitchd() {
    in_ns "$ns_sw" "$run/ovs-vswitchd" "unix:$run/db.sock" -vconsole:off \
        --pidfile="$run/ovs-vswitchd.pid" \
        --log-file="$run/ovs-vswitchd.log" \
        --detach --no-chdir || die "ovs-vswitchd did not start"
    pid_from_file "$run/ovs-vswitchd.pid" > /dev/null \
        || die "ovs-vswitchd did not start; see $run/ovs-vswitchd.log"
}

# Restarts ovs-vswitchd with other_config:hw-offload set to $1 (true or
# false), which it reads only when it starts.  The afzc-offload rows need
# it on; the others run without it, as they would by default.
offload=false
set_offload() {
    [ "$offload" = "$1" ] && return 0
    reset_switch
    stop_daemon "$run/ovs-vswitchd.pid" 300
    if [ "$1" = true ]; then
        vsctl --no-wait set Open_vSwitch . other_config:hw-offload=true
    else
        vsctl --no-wait remove Open_vSwitch . other_config hw-offload
    fi
    start_vswitchd
    offload=$1
}

# Restarts ovs-vswitchd from binary $1 (a: this tree's, b: --vswitchd-b's)
# unless it already runs that one.
binary=a
set_binary() {
    [ "$binary" = "$1" ] && return 0
    reset_switch
    stop_daemon "$run/ovs-vswitchd.pid" 300
    ln -sf "ovs-vswitchd.$1" "$run/ovs-vswitchd"
    start_vswitchd
    binary=$1
}

vswitchd_alive() {
    pid_from_file "$run/ovs-vswitchd.pid" > /dev/null
}

# Returns the switch namespace to b1 and b2 alone: no OVS bridge, no Linux
# bridge, no XDP program.
reset_switch() {
    if [ "$ovs_needed" = yes ] && vswitchd_alive; then
        vsctl --if-exists del-br br0
    fi
    ip -n "$ns_sw" link del "$linux_br" 2> /dev/null || true
    for p in b1 b2; do
        ip -n "$ns_sw" link set dev "$p" xdpgeneric off 2> /dev/null || true
        ip -n "$ns_sw" link set dev "$p" xdpdrv off 2> /dev/null || true
    done
}

# Sets up br0 with ports b1 (OpenFlow 1) and b2 (2) of type $1 with
# Interface options "$2..." and flows 1 -> 2: one per UDP source port the
# generator uses, so that each of its flows gets a datapath flow of its own,
# and a catch-all for anything else.
setup_ovs() {
    local type=$1 p err ofport
    shift
    local opts=("$@")
    vsctl add-br br0 -- set Bridge br0 datapath_type=netdev \
        fail_mode=secure || return 1
    for p in 1 2; do
        vsctl add-port br0 "b$p" -- set Interface "b$p" type="$type" \
            ofport_request="$p" ${opts[@]+"${opts[@]}"} || return 1
    done
    for p in 1 2; do
        ofport=$(vsctl get Interface "b$p" ofport)
        err=$(vsctl get Interface "b$p" error 2> /dev/null)
        if [ "$ofport" != "$p" ]; then
            echo "b$p: ofport $ofport, error $err"
            return 1
        fi
    done
    ofctl del-flows br0 || return 1
    awk -v n="$max_flows" -v base="$src_base" -v shape="$rule_shape" 'BEGIN {
        print "priority=0,in_port=1,actions=output:2"
        if (shape == "exact")
            for (p = base; p < base + n; p++)
                print "priority=10,in_port=1,udp,tp_src=" p ",actions=output:2"
    }' > "$run/flows.of"
    ofctl add-flows br0 "$run/flows.of" || return 1
    # ovs-vswitchd starts with a datapath flow limit of 10000 and raises it
    # by 1000 a revalidator round; past it, flows get no datapath flow and
    # hence no offload.  Start at other_config:flow-limit's default.
    if [ "$max_flows" -gt 5000 ]; then
        appctl upcall/set-flow-limit 200000 > /dev/null || return 1
    fi
}

# Prints counter $2 of queue 0 of afzc port $1 as afzc/show reports it.
afzc_counter() {
    appctl afzc/show "$1" 2> /dev/null \
        | awk -v k="$2:" '$1 == k { print $2; exit }'
}

afzc_counters="rx_packets tx_packets tx_zerocopy tx_copied tx_dropped
rx_dropped rx_ring_full rx_fill_ring_empty_descs fill_empty"

# Records the afzc counters of b1 and b2 in $run/afzc-$1.txt.
afzc_snapshot() {
    local out=$run/afzc-$1.txt p k
    : > "$out"
    for p in b1 b2; do
        for k in $afzc_counters; do
            echo "$p $k $(afzc_counter "$p" "$k")" >> "$out"
        done
    done
}

# Prints counter $3 of port $2 from snapshot "after" $1 minus "before" $1.
afzc_delta() {
    awk -v p="$2" -v k="$3" '
        FNR == 1 { f++ }
        $1 == p && $2 == k { v[f] = $3 }
        END { if (v[1] == "" || v[2] == "") print "?"; else print v[2] - v[1] }
    ' "$run/afzc-$1-before.txt" "$run/afzc-$1-after.txt"
}

# --- Measurement ---------------------------------------------------------

# Starts the generator in the background, pinned to $gen_cpu, sending
# $1-byte frames in $2 flows for at most $3 seconds, its output in $4; sets
# gen_pid.
start_gen() {
    ip netns exec "$ns_gen" taskset -c "$gen_cpu" "$bench" gen --dev eth0 \
        --size "$1" --seconds "$3" --flows "$2" \
        --src-port "$src_base" \
        --src-mac "$mac_gen" --dst-mac "$mac_sink" \
        --src-ip "$ip_gen" --dst-ip "$ip_sink" > "$4" 2>&1 &
    gen_pid=$!
}

# Runs one measurement of config $1 at size $2 with $3 flows and prints the
# sink's rate in packets per second (empty on failure).
measure() {
    local cfg=$1 size=$2 nflows=$3 tag=$1-$2-$3 sink_pid i perf_pid
    local setup_pid=
    local sink_out=$run/sink-$tag.out gen_out=$run/gen-$tag.out
    ip netns exec "$ns_sink" "$bench" sink --dev eth0 --wait 5 \
        --warmup "$warmup" \
        --seconds "$seconds" > "$sink_out" 2>&1 &
    sink_pid=$!
    # Attaching takes a fraction of a second on an idle machine, but can take
    # seconds when other work keeps RCU grace periods long.
    for i in $(seq 300); do
        grep -q '^ready' "$sink_out" 2> /dev/null && break
        sleep 0.1
    done
    if ! grep -q '^ready' "$sink_out"; then
        kill "$sink_pid" 2> /dev/null
        wait "$sink_pid" 2> /dev/null
        warn "$tag: the sink did not start in 30 s: $(cat "$sink_out")"
        return
    fi
    # The generator is stopped as soon as the sink is done; --seconds only
    # bounds it in case the sink never finishes.
    start_gen "$size" "$nflows" $((5 + warmup + seconds + 5)) "$gen_out"
    case $cfg in
        afzc-offload*)
            if [ "$nflows" -ge 1000 ]; then
                setup_probe "$tag-$round" "$nflows" &
                setup_pid=$!
            fi ;;
    esac
    if [ "$perf" = yes ]; then
        perf_probe "$tag-$round" &
        perf_pid=$!
    fi
    case $cfg in
        afzc-offload*) ;;       # Offloaded packets bypass the sockets.
        afzc*|afxdp*|system) cpu_probe "$tag" ;;
    esac
    wait "$sink_pid"
    [ "$perf" = yes ] && wait "$perf_pid"
    if [ -n "$setup_pid" ]; then
        wait "$setup_pid"
    fi
    kill -TERM "$gen_pid" 2> /dev/null
    wait "$gen_pid" || warn "$tag: the generator failed: $(cat "$gen_out")"
    sed -n 's/.*rx_pps=\([0-9]*\).*/\1/p' "$sink_out" | tail -n 1
}

# Prints "RUN_TIME_NS RUN_CNT" of the XDP program attached to b1 in the
# switch's namespace, as the kernel counts them with
# kernel.bpf_stats_enabled=1, or nothing.
bpf_prog_stats() {
    local id
    id=$(ip -n "$ns_sw" -d link show dev b1 2> /dev/null \
         | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' | head -n 1)
    [ -n "$id" ] || return 0
    bpftool -j prog show id "$id" 2> /dev/null | python3 -c '
import json, sys
p = json.load(sys.stdin)
print(p.get("run_time_ns", 0), p.get("run_cnt", 0))'
}

# Prints the mean cost per frame, in ns, of b1's XDP program under the
# traffic of measurement $1 ($2-byte frames in $3 flows), from the
# kernel's statistics over a window of one second of its own, with
# kernel.bpf_stats_enabled=1 only for that window (empty if unknown).
bpf_cost() {
    local tag=$1-cost size=$2 nflows=$3
    sysctl -qw kernel.bpf_stats_enabled=1 2> /dev/null || return 0
    start_gen "$size" "$nflows" 10 "$run/gen-$tag.out"
    sleep 0.5
    bpf_prog_stats > "$run/bpf-$tag-before"
    sleep 1
    bpf_prog_stats > "$run/bpf-$tag-after"
    sysctl -qw kernel.bpf_stats_enabled=0 2> /dev/null
    kill -TERM "$gen_pid" 2> /dev/null
    wait "$gen_pid" 2> /dev/null
    awk 'FNR == 1 { t[++f] = $1; c[f] = $2 }
         END { if (f == 2 && c[2] > c[1])
                   printf "%.1f\n", (t[2] - t[1]) / (c[2] - c[1]) }' \
        "$run/bpf-$tag-before" "$run/bpf-$tag-after"
}

# CPU time, in clock ticks, of ovs-vswitchd: all its threads, including
# the kernel work they do in system calls (for AF_XDP ports, transmitting).
vswitchd_ticks() {
    local pid
    pid=$(pid_from_file "$run/ovs-vswitchd.pid") || return 1
    awk '{ print $14 + $15 }' "/proc/$pid/stat"
}

# Packets that OpenFlow port 2 (b2) has transmitted.
b2_tx_packets() {
    ofctl dump-ports br0 2 2> /dev/null \
        | sed -n 's/.*tx pkts=\([0-9]*\).*/\1/p' | head -n 1
}

# While traffic runs, measures how many packets ovs-vswitchd forwards per
# second of CPU time it gets, which holds up better than the packet rate
# when other work competes for the CPUs.  Writes packets per CPU-second to
# $run/eff-$1; the window lies within the sink's measurement.  Writes
# nothing when b2's transmit counter did not move, as with OVS's afxdp in
# zero-copy mode on virtio-net, whose port statistics leave out what its
# socket sends.
cpu_probe() {
    local out=$run/eff-$1 t0 t1 n0 n1 hz
    rm -f "$out"
    [ "$seconds" -ge 2 ] || return 0
    hz=$(getconf CLK_TCK)
    sleep "$warmup"
    sleep 0.5
    t0=$(vswitchd_ticks) && n0=$(b2_tx_packets) || return 0
    sleep $((seconds - 1))
    t1=$(vswitchd_ticks) && n1=$(b2_tx_packets) || return 0
    [ -n "$n0" ] && [ -n "$n1" ] && [ "$t1" -gt "$t0" ] \
        && [ "$n1" -gt "$n0" ] || return 0
    echo $(( (n1 - n0) * hz / (t1 - t0) )) > "$out"
}

# With --perf: profiles both CPUs over measurement $1 (the seconds after
# the warmup, less one), into $run/perf-$1.data, and writes the samples by
# CPU, command and symbol, 0.5% and more, to $run/perf-$1.txt.
perf_probe() {
    local data=$run/perf-$1.data
    sleep "$warmup"
    sleep 0.5
    perf record -q -e cpu-clock -a -o "$data" -- sleep $((seconds - 1)) \
        > /dev/null 2>&1 || return 0
    perf report -q -i "$data" --no-children --sort cpu,comm,sym --stdio \
        --percent-limit 0.5 > "$run/perf-$1.txt" 2> /dev/null
}

# For an afzc-offload row: from the moment the generator starts, reads
# b1's offloaded_flows (afzc/show) every 0.2 s until it reaches $2 flows or
# the warmup and the measurement are over, into $run/setup-flows-$1 as
# "SECONDS FLOWS" lines.  Each measurement starts with no datapath flow
# (revalidator/purge), so these are the flows of its own traffic being
# set up and offloaded.
setup_probe() {
    local out=$run/setup-flows-$1 want=$2 t0 now n
    t0=$(date +%s%N)
    : > "$out"
    while :; do
        now=$(date +%s%N)
        [ $(( (now - t0) / 1000000 )) -gt $(( (warmup + seconds) * 1000 )) ] \
            && break
        n=$(afzc_counter b1 offloaded_flows)
        echo "$(( (now - t0) / 1000000 )) ${n:-0}" >> "$out"
        [ "${n:-0}" -ge "$want" ] && break
        sleep 0.2
    done
}

# Prints the flow setup rate, in flows per second, that setup_probe()
# measured for $1: 90% of the most flows it saw, over the time it took to
# get there ("-" if it saw fewer than 100).
setup_rate() {
    awk '{ t[NR] = $1; n[NR] = $2; if ($2 > max) max = $2 }
         END {
             if (max < 100) { print "-"; exit }
             for (i = 1; i <= NR; i++)
                 if (n[i] >= 0.9 * max) {
                     printf "%.0f\n", n[i] * 1000 / (t[i] > 0 ? t[i] : 1)
                     exit
                 }
         }' "$run/setup-flows-$1" 2> /dev/null || echo -
}

# CPU time, in clock ticks, of the threads of ovs-vswitchd other than the
# PMD threads (which poll whether or not there is traffic), and of its
# revalidator threads alone: "ALL REVALIDATORS".
vswitchd_nonpmd_ticks() {
    local pid t
    pid=$(pid_from_file "$run/ovs-vswitchd.pid") || return 1
    for t in /proc/"$pid"/task/*; do
        echo "$(cat "$t/comm" 2> /dev/null) $(awk '{ print $14 + $15 }' \
              "$t/stat" 2> /dev/null)"
    done | awk '$1 !~ /^pmd/ { all += $2 }
                $1 ~ /^revalidator/ { rev += $2 }
                END { print all + 0, rev + 0 }'
}

# For an afzc-offload row with many flows, once its traffic has stopped:
# how much CPU ovs-vswitchd spends on the flows alone, idle but still
# offloaded (they expire after other_config:max-idle, 10 s by default),
# over 4 s.  Prints "FLOWS ALL% REVALIDATORS%" (percent of one CPU).
idle_cpu_probe() {
    local hz t0 t1 n
    hz=$(getconf CLK_TCK)
    n=$(afzc_counter b1 offloaded_flows)
    t0=$(vswitchd_nonpmd_ticks) || return 0
    sleep 4
    t1=$(vswitchd_nonpmd_ticks) || return 0
    echo "${n:-0} $t0 $t1" | awk -v hz="$hz" '{
        printf "%d %.1f %.1f\n", $1, 100 * ($4 - $2) / hz / 4,
               100 * ($5 - $3) / hz / 4 }'
}

# Sets the transmit offloads (checksum, TSO, UDP segmentation) of the
# namespace ends of both veths to $1 (on or off).
far_end_offloads() {
    local ns
    for ns in "$ns_gen" "$ns_sink"; do
        if [ "$1" = on ]; then
            in_ns "$ns" ethtool -K eth0 tx on tso on gso on > /dev/null 2>&1
        else
            in_ns "$ns" ethtool -K eth0 tx off > /dev/null 2>&1
        fi
    done
}

# Sets the MTU of both veths, all four ends, to $1.
veth_mtus() {
    ip -n "$ns_gen" link set eth0 mtu "$1"
    ip -n "$ns_sink" link set eth0 mtu "$1"
    ip -n "$ns_sw" link set b1 mtu "$1"
    ip -n "$ns_sw" link set b2 mtu "$1"
}

# Runs one TCP measurement of config $1 (round $2) and prints the
# receiver's throughput in bits per second (empty on failure).
measure_tcp() {
    local tag=$1-$2 out=$run/iperf-$1-$2.json srv_pid perf_pid
    in_ns "$ns_sink" taskset -c "$gen_cpu" iperf3 -s -1 -B "$ip_sink" \
        > "$run/iperf-server-$tag.out" 2>&1 &
    srv_pid=$!
    for i in $(seq 50); do
        in_ns "$ns_sink" ss -Htln 'sport = :5201' | grep -q LISTEN && break
        sleep 0.1
    done
    if [ "$perf" = yes ]; then
        perf_probe "tcp-$tag" &
        perf_pid=$!
    fi
    in_ns "$ns_gen" taskset -c "$gen_cpu" timeout $((seconds + warmup + 20)) \
        iperf3 -c "$ip_sink" -t "$seconds" -O "$warmup" -J > "$out" 2>&1
    wait "$srv_pid" 2> /dev/null
    [ "$perf" = yes ] && wait "$perf_pid"
    python3 -c '
import json, sys
try:
    print("%.0f" % json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"])
except Exception:
    pass' "$out"
}

# Formats packets per second $1 as Mpps.
mpps() {
    awk -v p="$1" 'BEGIN { if (p == "") print "-"; else printf "%.3f", p / 1e6 }'
}

describe() {
    case $1 in
        afzc) echo "OVS netdev, afzc ports (default: xdp-mode=best-effort)" ;;
        afzc-native) echo "OVS netdev, afzc ports, xdp-mode=native" ;;
        afzc-generic) echo "OVS netdev, afzc ports, xdp-mode=generic" ;;
        afzc-busy-poll) echo "OVS netdev, afzc ports, busy-poll=64" ;;
        afzc-b) echo "OVS netdev, afzc ports, default options, ovs-vswitchd of --vswitchd-b" ;;
        afzc-offload) echo "afzc ports, hw-offload=true: flow runs in XDP" ;;
        afzc-offload-native) echo "same, xdp-mode=native" ;;
        afzc-offload-megaflow) echo "afzc-offload, N 5-tuples under one megaflow" ;;
        afzc-offload-native-megaflow) echo "same, xdp-mode=native" ;;
        afxdp-native) echo "OVS netdev, OVS afxdp ports, xdp-mode=native" ;;
        afxdp-generic) echo "OVS netdev, OVS afxdp ports, xdp-mode=generic" ;;
        afxdp-zc) echo "OVS netdev, OVS afxdp ports, xdp-mode=native-with-zerocopy" ;;
        system) echo "OVS netdev, system (AF_PACKET) ports" ;;
        bridge) echo "Linux bridge" ;;
        xsk) echo "bare AF_XDP forwarder b1 -> b2, shared UMEM, generic XDP" ;;
        xdp) echo "bare XDP redirect b1 -> b2 (native)" ;;
        tcp-afzc) echo "TCP, afzc ports, default options, far-end offloads on" ;;
        tcp-afzc-txoff) echo "TCP, afzc ports, default options, offloads off" ;;
        tcp-afzc-generic-txoff) echo "TCP, afzc ports, xdp-mode=generic, offloads off" ;;
        tcp-afzc-generic) echo "TCP, afzc ports, xdp-mode=generic, far-end offloads on" ;;
        tcp-afxdp-txoff) echo "TCP, OVS afxdp ports, xdp-mode=generic, offloads off" ;;
        tcp-bridge) echo "TCP, Linux bridge, far-end offloads on" ;;
        tcp-afzc-jumbo) echo "TCP, afzc ports, MTU 9000, offloads off" ;;
        tcp-bridge-jumbo) echo "TCP, Linux bridge, MTU 9000, offloads off" ;;
    esac
}

[ "$ovs_needed" = yes ] && start_ovs
"$vswitchd" --version | head -n 1 | sed 's/^/afzc-bench: /'
if rev=$(git -C "$top" describe --always --dirty 2> /dev/null); then
    say "afzc tree at $rev"
fi
say "generator on CPU $gen_cpu, PMD mask $pmd_mask, ${warmup}s warmup +" \
    "${seconds}s per measurement, best of $repeat, sizes: $sizes"
# The numbers only mean something on an otherwise idle machine.
load=$(cut -d ' ' -f 1 /proc/loadavg)
if awk -v l="$load" 'BEGIN { exit !(l > 1.0) }'; then
    warn "load average is $load: other work is running on this machine," \
         "expect noisy numbers"
    echo "load average $load at the start: other work was running" \
        >> "$run/notes"
fi

results=$run/results
: > "$results"
: > "$run/bpf-ns"
# Off while rates are measured (see bpf_cost()).
sysctl -qw kernel.bpf_stats_enabled=0 2> /dev/null \
    || warn "cannot set kernel.bpf_stats_enabled: no cost per frame"
tcp_results=$run/tcp-results
: > "$tcp_results"

# Sets up and measures TCP config $1 in round $2; appends "CONFIG BPS" to
# $tcp_results ("-" on failure).
run_tcp() {
    local cfg=$1 round=$2 bps= ok=0 setup=$run/setup-$1.out
    case $cfg in
        tcp-afzc|tcp-afzc-generic|tcp-bridge) far_end_offloads on ;;
        *) far_end_offloads off ;;
    esac
    case $cfg in
        tcp-afzc*|tcp-afxdp*) set_offload false ;;
    esac
    case $cfg in
        *-jumbo) veth_mtus 9000 ;;
    esac
    case $cfg in
        tcp-afzc|tcp-afzc-txoff) setup_ovs afzc > "$setup" 2>&1 ;;
        tcp-afzc-jumbo)
            setup_ovs afzc mtu_request=9000 > "$setup" 2>&1 ;;
        tcp-afzc-generic-txoff|tcp-afzc-generic)
            setup_ovs afzc options:xdp-mode=generic > "$setup" 2>&1 ;;
        tcp-afxdp-txoff)
            setup_ovs afxdp options:xdp-mode=generic > "$setup" 2>&1 ;;
        tcp-bridge|tcp-bridge-jumbo)
            {
                # The bridge's own ports keep their offloads too, as they
                # would by default.
                in_ns "$ns_sw" ethtool -K b1 tx on tso on gso on &&
                in_ns "$ns_sw" ethtool -K b2 tx on tso on gso on &&
                ip -n "$ns_sw" link add "$linux_br" type bridge &&
                ip -n "$ns_sw" link set b1 master "$linux_br" &&
                ip -n "$ns_sw" link set b2 master "$linux_br" &&
                ip -n "$ns_sw" link set "$linux_br" up
            } > "$setup" 2>&1 ;;
    esac
    if [ $? = 0 ]; then
        case $cfg in
            tcp-afzc*|tcp-afxdp*)
                ofctl add-flow br0 "priority=0,in_port=2,actions=output:1" \
                    >> "$setup" 2>&1 ;;
        esac
        ok=$?
    else
        ok=1
    fi
    if [ "$ok" = 0 ]; then
        case $cfg in
            tcp-afzc*)
                appctl afzc/clear-stats > /dev/null 2>&1
                mode=$(vsctl get Interface b1 status:xdp_mode 2> /dev/null)
                [ "$round" = 1 ] && echo "$cfg: b1 and b2 use XDP in" \
                    "${mode:-unknown} mode, rx-csum-fixup" \
                    "$(vsctl get Interface b1 status:rx_csum_fixup 2> /dev/null)" \
                    >> "$notes" ;;
        esac
        bps=$(measure_tcp "$cfg" "$round")
        case $cfg in
            tcp-afzc*)
                echo "$cfg run $round: b1 rx_packets=$(afzc_counter b1 rx_packets)" \
                     "xdp_csum_fixed=$(afzc_counter b1 xdp_csum_fixed)" \
                     "rx_csum_fixed=$(afzc_counter b1 rx_csum_fixed)" \
                     "rx_dropped=$(afzc_counter b1 rx_dropped);" \
                     "b2 xdp_csum_fixed=$(afzc_counter b2 xdp_csum_fixed)" \
                     "b2 rx_csum_fixed=$(afzc_counter b2 rx_csum_fixed)" \
                     "b1 rx_multi_buffer=$(afzc_counter b1 rx_multi_buffer)" \
                     "b2 tx_multi_buffer=$(afzc_counter b2 tx_multi_buffer)" \
                     >> "$notes" ;;
        esac
    else
        warn "$cfg: setup failed: $(tail -n 3 "$setup")"
        echo "$cfg: setup failed, see $setup" >> "$notes"
    fi
    echo "$cfg ${bps:--}" >> "$tcp_results"
    say "$(printf 'run %s: %-24s TCP: %s Gbit/s' "$round" "$cfg" \
           "$(awk -v b="$bps" 'BEGIN { if (b == "") print "-"; else printf "%.2f", b / 1e9 }')")"
    reset_switch
    far_end_offloads off
    case $cfg in *-jumbo) veth_mtus 1500 ;; esac
    for p in b1 b2; do
        in_ns "$ns_sw" ethtool -K "$p" tx off > /dev/null 2>&1
    done
}
notes=$run/notes
# Each round runs every configuration once, so that whatever else the
# machine does at some moment hits all of them alike; every second round
# runs them in the reverse order, so that no row always runs first.
for round in $(seq "$repeat"); do
    order=$configs
    if [ $((round % 2)) -eq 0 ]; then
        order=$(echo $configs | tr ' ' '\n' | tac | tr '\n' ' ')
    fi
    for cfg in $order; do
        reset_switch
        case $cfg in
            tcp-*)
                run_tcp "$cfg" "$round"
                continue ;;
        esac
        case $cfg in
            afzc-offload*) set_offload true ;;
            afzc*|afxdp*|system) set_offload false ;;
        esac
        case $cfg in
            afzc-b) set_binary b ;;
            afzc*|afxdp*|system) set_binary a ;;
        esac
        redirect_pid= holder_pid=
        case $cfg in
            *-megaflow) rule_shape=one ;;
            *) rule_shape=exact ;;
        esac
        case $cfg in
            afzc-offload|afzc-offload-megaflow)
                setup_ovs afzc > "$run/setup-$cfg.out" 2>&1 ;;
            afzc-offload-native|afzc-offload-native-megaflow)
                setup_ovs afzc options:xdp-mode=native \
                    > "$run/setup-$cfg.out" 2>&1 ;;
            afzc|afzc-b) setup_ovs afzc > "$run/setup-$cfg.out" 2>&1 ;;
            afzc-native) setup_ovs afzc options:xdp-mode=native \
                             > "$run/setup-$cfg.out" 2>&1 ;;
            afzc-generic) setup_ovs afzc options:xdp-mode=generic \
                              > "$run/setup-$cfg.out" 2>&1 ;;
            afzc-busy-poll) setup_ovs afzc options:busy-poll=64 \
                                > "$run/setup-$cfg.out" 2>&1 ;;
            afxdp-native) setup_ovs afxdp options:xdp-mode=native \
                              > "$run/setup-$cfg.out" 2>&1 ;;
            afxdp-generic) setup_ovs afxdp options:xdp-mode=generic \
                               > "$run/setup-$cfg.out" 2>&1 ;;
            afxdp-zc) setup_ovs afxdp options:xdp-mode=native-with-zerocopy \
                          > "$run/setup-$cfg.out" 2>&1 ;;
            system) setup_ovs system > "$run/setup-$cfg.out" 2>&1 ;;
            bridge)
                {
                    ip -n "$ns_sw" link add "$linux_br" type bridge &&
                    ip -n "$ns_sw" link set b1 master "$linux_br" &&
                    ip -n "$ns_sw" link set b2 master "$linux_br" &&
                    bridge -n "$ns_sw" fdb add "$mac_sink" dev b2 master static &&
                    ip -n "$ns_sw" link set "$linux_br" up
                } > "$run/setup-$cfg.out" 2>&1 ;;
            xdp|xsk)
                # Started without in_ns so that $! is the tool itself (ip
                # netns exec and taskset exec it), which SIGTERM stops cleanly.
                if [ "$cfg" = xdp ]; then
                    [ -n "$nics" ] && holder_pid=$(start_holder "$ns_sw" b2)
                    ip netns exec "$ns_sw" "$bench" redirect --in b1 --out b2 \
                        > "$run/redirect.out" 2>&1 &
                else
                    ip netns exec "$ns_sw" taskset -c "$fwd_cpu" "$bench" xsk \
                        --mode l2fwd --dev b1 --out b2 --xdp-mode generic \
                        --copy \
                        > "$run/redirect.out" 2>&1 &
                fi
                redirect_pid=$!
                t0=$SECONDS
                for i in $(seq 300); do
                    grep -q '^ready' "$run/redirect.out" && break
                    sleep 0.1
                done
                if [ $((SECONDS - t0)) -gt 3 ]; then
                    echo "$cfg run $round: the forwarder took" \
                         "$((SECONDS - t0)) s to start" >> "$notes"
                fi
                grep -q '^ready' "$run/redirect.out"
                ;;
        esac
        if [ $? != 0 ]; then
            warn "$cfg: setup failed: $(cat "$run/setup-$cfg.out" \
                  "$run/redirect.out" 2> /dev/null | tail -n 3)"
            for size in $sizes; do
                for nflows in $flows_list; do
                    echo "$cfg $size $nflows - - -" >> "$results"
                done
            done
            echo "$cfg: setup failed, see $run/setup-$cfg.out" >> "$notes"
            if [ -n "$redirect_pid" ]; then
                kill -TERM "$redirect_pid" $holder_pid 2> /dev/null
                wait "$redirect_pid" $holder_pid
            fi
            continue
        fi
        case $round-$cfg in
            1-afzc*)
                # The mode best-effort resolved to.
                mode=$(vsctl get Interface b1 status:xdp_mode 2> /dev/null)
                echo "$cfg: b1 and b2 use XDP in ${mode:-unknown} mode" \
                    >> "$notes" ;;
        esac
        for size in $sizes; do
          for nflows in $flows_list; do
            tag=$cfg-$size-$nflows-$round
            # Each measurement starts from an empty datapath flow table, so
            # that the flows counted below are those of its own traffic.
            # (Through the revalidators: dpctl/del-flows behind their back
            # leaves them with stale flow keys, and then upcalls for those
            # flows are handled without installing a datapath flow.)
            case $cfg in
                afzc*|afxdp*|system)
                    appctl revalidator/purge > /dev/null 2>&1 ;;
            esac
            case $cfg in afzc*) afzc_snapshot "$tag-before" ;; esac
            pps=$(measure "$cfg" "$size" "$nflows")
            case $cfg in
                afzc-offload*|xdp)
                    ns=$(bpf_cost "$tag" "$size" "$nflows")
                    echo "$cfg $size $nflows $round ${ns:--}" \
                        >> "$run/bpf-ns"
                    echo "$cfg $size $nflows flows run $round: XDP program" \
                         "${ns:-?} ns per frame (bpf_stats)" >> "$notes"
                    case $cfg in
                        afzc-offload*)
                            if [ "$nflows" -ge 10000 ]; then
                                idle=$(idle_cpu_probe)
                                [ -n "$idle" ] && echo "$idle" | awk \
                                    -v h="$cfg $size $nflows flows run $round:" '{
                                    printf "%s %d offloaded flows idle: %s%% of" \
                                           " a CPU in ovs-vswitchd outside the" \
                                           " PMD threads, %s%% in its" \
                                           " revalidators\n", h, $1, $2, $3 }' \
                                    >> "$notes"
                            fi ;;
                    esac
                    ;;
            esac
            eff=$(cat "$run/eff-$cfg-$size-$nflows" 2> /dev/null)
            offl= setup=
            case $cfg in
                afzc*)
                    afzc_snapshot "$tag-after"
                    case $cfg in
                        afzc-offload*)
                            appctl dpctl/dump-flows -m \
                                > "$run/dpflows-$tag.txt" 2> /dev/null
                            offl=$(grep -c 'offloaded:yes' \
                                   "$run/dpflows-$tag.txt")
                            dpfl=$(grep -c 'in_port' "$run/dpflows-$tag.txt")
                            echo "$cfg $size $nflows flows run $round:" \
                                 "${offl:-0} of ${dpfl:-0} datapath flows" \
                                 "offloaded to XDP" >> "$notes"
                            if [ "$nflows" -ge 1000 ]; then
                                setup=$(setup_rate "$tag")
                                echo "$cfg $size $nflows flows run $round:" \
                                     "flow setup ${setup} flows/s to 90%" \
                                     "($(tail -n 1 "$run/setup-flows-$tag" \
                                         2> /dev/null | awk '{ printf "%d flows after %.1f s", $2, $1 / 1000 }'))" \
                                     >> "$notes"
                            fi
                            ;;
                    esac
                    extra="b2 tx_zerocopy=$(afzc_delta "$tag" b2 tx_zerocopy)"
                    extra+=" tx_copied=$(afzc_delta "$tag" b2 tx_copied)"
                    extra+=" tx_dropped=$(afzc_delta "$tag" b2 tx_dropped)"
                    extra+="; b1 rx_packets=$(afzc_delta "$tag" b1 rx_packets)"
                    extra+=" rx_dropped=$(afzc_delta "$tag" b1 rx_dropped)"
                    extra+=" (no fill: $(afzc_delta "$tag" b1 \
                                         rx_fill_ring_empty_descs))"
                    echo "$cfg $size $nflows flows run $round: $extra" \
                        >> "$notes"
                    ;;
            esac
            echo "$cfg $size $nflows ${pps:--} ${eff:--} ${offl:--}" \
                 "${setup:--}" >> "$results"
            say "$(printf 'run %s: %-20s %5s bytes %5s flows: %s Mpps' \
                   "$round" "$cfg" "$size" "$nflows" "$(mpps "$pps")")${eff:+ ($(mpps "$eff") Mpps per CPU-second)}${offl:+, $offl flows offloaded}"
            if [ "$ovs_needed" = yes ] && ! vswitchd_alive; then
                warn "ovs-vswitchd died; see $run/ovs-vswitchd.log"
                echo "ovs-vswitchd died during $cfg $size $nflows" >> "$notes"
                break 4
            fi
          done
        done
        case $cfg in
            afzc*)
                # Frames still held inside the switch once traffic stopped.
                sleep 0.5
                appctl afzc/umem-show > "$run/umem-$cfg.txt" 2>&1
                held=$(awk '$1 == "held:" { print $2 }' "$run/umem-$cfg.txt")
                [ -n "$held" ] && [ "$held" != 0 ] \
                    && echo "$cfg run $round: $held UMEM frames still held" \
                            "after the traffic stopped" >> "$notes"
                vsctl get Interface b2 statistics > "$run/stats-$cfg-b2.txt" 2>&1
                vsctl get Interface b1 statistics > "$run/stats-$cfg-b1.txt" 2>&1
                appctl afzc/show > "$run/afzc-show-$cfg-$round.txt" 2>&1
                ;;
        esac
        if [ -n "$redirect_pid" ]; then
            kill -TERM "$redirect_pid" $holder_pid 2> /dev/null
            wait "$redirect_pid" $holder_pid
            cp "$run/redirect.out" "$run/$cfg.out"
        fi
    done
done
reset_switch

# --- Report ------------------------------------------------------------
echo
echo "Receive rate at the sink, Mpps (UDP flows, b1 -> b2, best of $repeat" \
     "runs of ${seconds}s after ${warmup}s warmup)"
echo
# $run/results has one line per measurement:
#   CONFIG SIZE FLOWS PPS PPS-PER-CPU-SECOND OFFLOADED-FLOWS SETUP-RATE
# ("-" where there is none).  The table has a row per configuration and
# number of flows; ratios compare rows with the same number of flows.  The
# same numbers go to $run/table.json.
awk -v sizes="$sizes" -v flows="$flows_list" -v repeat="$repeat" \
    -v seconds="$seconds" -v warmup="$warmup" -v jf="$run/table.json" '
    {
        key = $1 " " $3 " " $2
        if (!(key in pps)) pps[key] = ""
        if ($4 != "-" && (pps[key] == "" || $4 + 0 > pps[key] + 0)) pps[key] = $4
        if ($5 != "-") { effsum[key] += $5; effn[key]++ }
        if ($6 != "-" && (offl[key] == "" || $6 + 0 > offl[key] + 0)) offl[key] = $6
        if ($7 != "" && $7 != "-") setups[key] = setups[key] " " $7
        runs[key] = runs[key] " " ($4 == "-" ? "-" : sprintf("%.3f", $4 / 1e6))
        # The same in packets per second, for the round-by-round ratios:
        # at 0.001 Mpps, the rates of a slow run (of a sanitizer build, of
        # a few ten thousand packets per second) are off by percents.
        ppsruns[key] = ppsruns[key] " " $4
        jruns[key] = jruns[key] (jruns[key] == "" ? "" : ", ") \
                     ($4 == "-" ? "null" : sprintf("%.0f", $4))
        if (!seen[$1]++) order[n++] = $1
    }
    function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "-" : sprintf("%.2f", a / b) }
    # Pairs the runs of row key k with those of the same rounds of row
    # keys d1, d2 and d3 (the best of them in each round; any may be
    # missing) and sets med, lo and hi to the median, lowest and highest of
    # the per-round ratios.  Returns how many rounds had both.
    function paired(k, d1, d2, d3,    na, n1, n2, n3, a, b1, b2, b3, v, m, x, y, t) {
        na = split(ppsruns[k], a, " ")
        n1 = (d1 in ppsruns) ? split(ppsruns[d1], b1, " ") : 0
        n2 = (d2 in ppsruns) ? split(ppsruns[d2], b2, " ") : 0
        n3 = (d3 in ppsruns) ? split(ppsruns[d3], b3, " ") : 0
        m = 0
        for (x = 1; x <= na; x++) {
            t = "-"
            if (x <= n1 && b1[x] != "-") t = b1[x]
            if (x <= n2 && b2[x] != "-" && (t == "-" || b2[x] + 0 > t + 0)) t = b2[x]
            if (x <= n3 && b3[x] != "-" && (t == "-" || b3[x] + 0 > t + 0)) t = b3[x]
            if (a[x] == "-" || t == "-" || t + 0 == 0) continue
            v[++m] = a[x] / t
        }
        ahead = 0
        for (x = 1; x <= m; x++) ahead += v[x] > 1
        for (x = 2; x <= m; x++)
            for (y = x; y > 1 && v[y - 1] > v[y]; y--) { t = v[y]; v[y] = v[y - 1]; v[y - 1] = t }
        if (m) {
            med = (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
            lo = v[1]; hi = v[m]
        }
        return m
    }
    function jnum(v) { return (v == "" || v == "-") ? "null" : v }
    END {
        ns = split(sizes, sz, " ")
        nf = split(flows, fl, " ")
        printf "%-20s %6s", "config", "flows"
        for (i = 1; i <= ns; i++) printf " %8s", sz[i] "B"
        for (i = 1; i <= ns; i++) printf " %9s", "/afzc@" sz[i]
        for (i = 1; i <= ns; i++) printf " %10s", "/afxdp@" sz[i]
        printf " %9s\n", "offloaded"
        for (f = 1; f <= nf; f++)
            for (i = 1; i <= ns; i++) {
                a = pps["afxdp-native " fl[f] " " sz[i]]
                b = pps["afxdp-generic " fl[f] " " sz[i]]
                z = pps["afxdp-zc " fl[f] " " sz[i]]
                best[fl[f] " " sz[i]] = (a == "" && b == "") ? "" : (a + 0 > b + 0) ? a : b
                if (z != "" && (best[fl[f] " " sz[i]] == "" || z + 0 > best[fl[f] " " sz[i]] + 0))
                    best[fl[f] " " sz[i]] = z
            }
        for (r = 0; r < n; r++) {
            c = order[r]
            for (f = 1; f <= nf; f++) {
                printf "%-20s %6s", c, fl[f]
                o = ""
                for (i = 1; i <= ns; i++) {
                    p = pps[c " " fl[f] " " sz[i]]
                    printf " %8s", p == "" ? "-" : sprintf("%.3f", p / 1e6)
                    if (offl[c " " fl[f] " " sz[i]] != "")
                        o = o (o == "" ? "" : "/") offl[c " " fl[f] " " sz[i]]
                }
                for (i = 1; i <= ns; i++)
                    printf " %9s", ratio(pps[c " " fl[f] " " sz[i]], pps["afzc " fl[f] " " sz[i]])
                for (i = 1; i <= ns; i++)
                    printf " %10s", ratio(pps[c " " fl[f] " " sz[i]], best[fl[f] " " sz[i]])
                printf " %9s\n", o == "" ? "-" : o
            }
        }
        header = 0
        for (r = 0; r < n; r++) {
            c = order[r]
            for (f = 1; f <= nf; f++) {
                line = sprintf("%-20s %6s", c, fl[f]); any = 0
                for (i = 1; i <= ns; i++) {
                    k = c " " fl[f] " " sz[i]
                    if (effn[k]) { any = 1; line = line sprintf(" %8.3f", effsum[k] / effn[k] / 1e6) }
                    else line = line sprintf(" %8s", "-")
                }
                if (!any) continue
                if (!header++) {
                    printf "\nMpps per CPU-second of ovs-vswitchd (mean of the runs), and its inverse,\nCPU-seconds per million packets:\n"
                    printf "%-20s %6s", "config", "flows"
                    for (i = 1; i <= ns; i++) printf " %8s", sz[i] "B"
                    for (i = 1; i <= ns; i++) printf " %9s", "s/M@" sz[i]
                    printf "\n"
                }
                for (i = 1; i <= ns; i++) {
                    k = c " " fl[f] " " sz[i]
                    line = line (effn[k] && effsum[k] ? sprintf(" %9.3f", 1e6 * effn[k] / effsum[k]) : sprintf(" %9s", "-"))
                }
                print line
            }
        }
        printf "\nEvery run, Mpps:\n"
        for (r = 0; r < n; r++)
            for (f = 1; f <= nf; f++)
                for (i = 1; i <= ns; i++)
                    printf "  %-20s %5s flows %5s:%s\n", order[r], fl[f], sz[i], runs[order[r] " " fl[f] " " sz[i]]

        # Ratios round by round: less at the mercy of one lucky or unlucky
        # round than the ratios of best rounds above.
        header = 0
        for (r = 0; r < n; r++) {
            c = order[r]
            for (f = 1; f <= nf; f++)
                for (i = 1; i <= ns; i++) {
                    k = c " " fl[f] " " sz[i]
                    for (d = 1; d <= 3; d++) {
                        if (d == 1 && c ~ /^afxdp/) continue
                        if (d == 2 && c !~ /^afzc-offload/) continue
                        if (d == 3 && c != "afzc-busy-poll" && c != "afzc-b") continue
                        if (d == 1) m = paired(k, "afxdp-native " fl[f] " " sz[i], "afxdp-generic " fl[f] " " sz[i], "afxdp-zc " fl[f] " " sz[i])
                        else if (d == 2) m = paired(k, "xdp " fl[f] " " sz[i], "", "")
                        else m = paired(k, "afzc " fl[f] " " sz[i], "", "")
                        if (!m) continue
                        if (!header++) printf "\nRound by round (median of the rounds, [lowest-highest], rounds, rounds ahead):\n"
                        printf "  %-20s %5s flows %5s: %-7s %.2f [%.2f-%.2f] %d, ahead in %d\n", c, fl[f], sz[i], d == 1 ? "/afxdp" : d == 2 ? "/xdp" : "/afzc", med, lo, hi, m, ahead
                        if (d == 1) { rmed_afxdp[k] = sprintf("%.2f", med); rahead_afxdp[k] = ahead; rn_afxdp[k] = m }
                        else if (d == 2) rmed_xdp[k] = sprintf("%.2f", med)
                    }
                }
        }

        # The same as JSON: rates in packets per second, ratios as above.
        printf "{\n  \"seconds\": %d,\n  \"warmup\": %d,\n  \"repeat\": %d,\n", seconds, warmup, repeat > jf
        printf "  \"sizes\": [%s],\n", join(sz, ns) > jf
        printf "  \"flows\": [%s],\n", join(fl, nf) > jf
        printf "  \"results\": [" > jf
        sep = "\n"
        for (r = 0; r < n; r++) {
            c = order[r]
            for (f = 1; f <= nf; f++)
                for (i = 1; i <= ns; i++) {
                    k = c " " fl[f] " " sz[i]
                    ra = ratio(pps[k], pps["afzc " fl[f] " " sz[i]])
                    rb = ratio(pps[k], best[fl[f] " " sz[i]])
                    printf "%s    {\"config\": \"%s\", \"flows\": %d, \"size\": %d, ", sep, c, fl[f], sz[i] > jf
                    printf "\"pps\": %s, \"runs_pps\": [%s], ", jnum(pps[k]), jruns[k] > jf
                    printf "\"pps_per_cpu_second\": %s, ", (effn[k] ? sprintf("%.0f", effsum[k] / effn[k]) : "null") > jf
                    printf "\"cpu_seconds_per_mpkt\": %s, ", (effn[k] && effsum[k] ? sprintf("%.4f", 1e6 * effn[k] / effsum[k]) : "null") > jf
                    printf "\"rounds_afxdp\": %s, \"rounds_ahead_afxdp\": %s, ", jnum(rn_afxdp[k]), jnum(rahead_afxdp[k]) > jf
                    printf "\"ratio_afzc\": %s, \"ratio_afxdp\": %s, ", jnum(ra), jnum(rb) > jf
                    printf "\"round_median_afxdp\": %s, \"round_median_xdp\": %s, ", jnum(rmed_afxdp[k]), jnum(rmed_xdp[k]) > jf
                    printf "\"offloaded_flows\": %s, ", jnum(offl[k]) > jf
                    printf "\"setup_flows_per_s\": %s}", jnum(median(setups[k])) > jf
                    sep = ",\n"
                }
        }
        printf "\n  ]\n}\n" > jf
        close(jf)
    }
    # The median of the space-separated numbers in string l ("" if none).
    function median(l,    v, m, x, y, t) {
        m = split(l, v, " ")
        if (!m) return ""
        for (x = 1; x <= m; x++)
            for (y = x + 1; y <= m; y++)
                if (v[y] + 0 < v[x] + 0) { t = v[x]; v[x] = v[y]; v[y] = t }
        return m % 2 ? v[(m + 1) / 2] : sprintf("%.0f", (v[m / 2] + v[m / 2 + 1]) / 2)
    }
    function join(a, m,    s, x) {
        s = ""
        for (x = 1; x <= m; x++) s = s (x > 1 ? ", " : "") a[x]
        return s
    }' "$results" | tee "$run/table.txt"
if [ -s "$tcp_results" ]; then
    echo
    echo "TCP throughput, Gbit/s (one iperf3 stream afzcb-gen -> afzcb-sink," \
         "${seconds}s after ${warmup}s, median of $repeat rounds), and the"
    echo "median over the rounds of each round's ratio to the same round's"
    echo "tcp-afzc-txoff and tcp-afxdp-txoff rows:"
    echo
    # $tcp_results has one line per measurement: CONFIG BITS-PER-SECOND.
    awk '
        {
            r[$1] = r[$1] " " $2
            if (!seen[$1]++) order[n++] = $1
        }
        function median(list,    a, m, x, y, t, v) {
            m = 0
            na = split(list, a, " ")
            for (x = 1; x <= na; x++) if (a[x] != "-" && a[x] != "") v[++m] = a[x] + 0
            if (!m) return ""
            for (x = 2; x <= m; x++)
                for (y = x; y > 1 && v[y - 1] > v[y]; y--) { t = v[y]; v[y] = v[y - 1]; v[y - 1] = t }
            return (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
        }
        function pairmed(c, d,    a, b, na, nb, x, q) {
            if (!(d in r)) return "-"
            na = split(r[c], a, " "); nb = split(r[d], b, " ")
            q = ""
            for (x = 1; x <= na && x <= nb; x++)
                if (a[x] != "-" && b[x] != "-" && b[x] + 0 > 0) q = q " " (a[x] / b[x])
            q = median(q)
            return q == "" ? "-" : sprintf("%.2f", q)
        }
        END {
            printf "%-24s %8s %10s %10s   %s\n", "config", "Gbit/s", "/afzc-off", "/afxdp", "rounds (Gbit/s)"
            for (i = 0; i < n; i++) {
                c = order[i]; m = median(r[c]); all = ""
                na = split(r[c], a, " ")
                for (x = 1; x <= na; x++) all = all " " (a[x] == "-" ? "-" : sprintf("%.2f", a[x] / 1e9))
                printf "%-24s %8s %10s %10s  %s\n", c, m == "" ? "-" : sprintf("%.2f", m / 1e9),
                       pairmed(c, "tcp-afzc-txoff"), pairmed(c, "tcp-afxdp-txoff"), all
            }
        }' "$tcp_results" | tee "$run/tcp-table.txt"
fi
if [ -s "$run/bpf-ns" ]; then
    echo
    echo "XDP program on b1, ns per frame (kernel.bpf_stats_enabled:" \
         "run_time_ns / run_cnt), median of the rounds [lowest-highest] rounds:"
    sort -k1,1 -k3,3n -k2,2n "$run/bpf-ns" | awk '
        function flush(    x, y, t, med) {
            if (key == "") return
            for (x = 2; x <= m; x++)
                for (y = x; y > 1 && v[y - 1] > v[y]; y--) { t = v[y]; v[y] = v[y - 1]; v[y - 1] = t }
            if (m) {
                med = (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
                printf "  %-30s %6.1f [%.1f-%.1f] %d\n", key, med, v[1], v[m], m
            } else
                printf "  %-30s      -\n", key
        }
        { k = sprintf("%s %s flows %sB", $1, $3, $2)
          if (k != key) { flush(); key = k; m = 0 }
          if ($5 != "-") v[++m] = $5 }
        END { flush() }' | tee "$run/bpf-table.txt"
fi
if [ -n "$json" ]; then
    cp "$run/table.json" "$json" && say "results written as JSON to $json" \
        || warn "cannot write $json"
fi
echo
echo "/afzc: ratio to the afzc row; /afxdp: ratio to the best OVS afxdp row"
echo "at that size (native, generic, and zc if run; same number of flows)."
echo "Round by round: each run's rate against the best OVS afxdp row of"
echo "the same round (and, for the offload rows, against the xdp row)."
echo "offloaded: datapath flows offloaded to XDP after the measurement at"
echo "each size.  Mpps per CPU-second: packets ovs-vswitchd sent on b2 per"
echo "second of CPU time it got, system calls included; less sensitive than"
echo "Mpps to other work competing for the CPUs."
for cfg in $configs; do
    printf '  %-20s %s\n' "$cfg" "$(describe "$cfg")"
done
if [ -s "$notes" ]; then
    echo
    echo "afzc counters (deltas over each measurement, queue 0) and notes:"
    sed 's/^/  /' "$notes"
fi
echo
say "raw results, logs and counters are in $run"
