#!/bin/bash
# afzc-soak.sh -- a fault-injection soak of afzc: traffic at full rate
# through four afzc ports while a schedule of faults is applied, the
# recovery from each measured, and at the end checks that nothing leaked.
#
#   afzcs-n1       afzcs-sw (ovsdb-server, ovs-vswitchd, br0)       afzcs-n4
#   eth0 --veth-- p1 \                                   / p4 --veth-- eth0
#   eth0 --veth-- p2 -+--- afzc ports, hw-offload=true ---+- p3 --veth-- eth0
#   afzcs-n2                                                     afzcs-n3
#
# Three generators (ovs-afzc-bench gen, pinned to CPU 0, 64-byte UDP frames
# in 16 flows each) send at --rate packets a second each (100000 by
# default, in bursts of a millisecond's worth), and a sink (ovs-afzc-bench
# sink, native XDP) counts what arrives on each eth0:
#
#   user     n1 -> p1 -> p2 -> n2, rule in_port=1,ip,actions=mod_nw_ttl:33,
#            output:2: a set action the XDP program does not run, so the
#            flow stays in user space (AF_XDP sockets, zero-copy between
#            the ports)
#   offload  n3 -> p3 -> p4 -> n4, rule in_port=3,actions=output:4: the
#            flow runs in p3's XDP program (bpf_redirect_map to p4)
#   flood    n2 -> p2 -> FLOOD -> p1 and p3 (p4 is no-flood), broadcast
#            frames, counted in n1 (flood1) and n3 (flood3); floods stay in
#            user space
#
# The four sinks are the four streams the script watches.  Every port has
# options:xdp-mode=generic (what best-effort picks with hw-offload on).
# OVS runs in afzcs-sw with one PMD thread on CPU 1
# (other_config:pmd-cpu-mask=0x2).
#
# The faults, one after the other, in this order, repeated until
# --duration has passed (at least once):
#
#   vswitchd-kill   kill -9 of ovs-vswitchd, started again (only in the
#                   first half of the run, so that one ovs-vswitchd runs
#                   through the second half for the memory check); the
#                   OpenFlow rules, which live in ovs-vswitchd, are added
#                   again as a controller would
#   ovsdb-restart   ovsdb-server stopped and started again on its database
#   link-down       n1's eth0 down for 1 s, then up
#   del-add-port    ovs-vsctl del-port p2, then add-port p2 again
#   n_rxq=2         p1 to options:n_rxq=2 (the veths have 2 queues) ...
#   n_rxq=1         ... and back
#   xdp-mode=native p3 and p4 to options:xdp-mode=native ...
#   xdp-mode=generic ... and back: new XDP programs, whose maps the
#                   offloaded flow must be put into again
#   flow-churn      5 s of ovs-ofctl add-flows, every second, of 500 rules
#                   added and 500 deleted (1000 changes a second), at a
#                   priority above the offloaded rule: in_port=3,udp,
#                   tp_src=1000-1999, which the traffic does not match but
#                   which make its megaflows match on tp_src, so that the
#                   offloaded datapath flows are replaced over and over
#   veth-recreate   p4's veth deleted and created again under the port
#                   (n4's sink is started again on the new device, and p4
#                   made no-flood again once it has its new program: Open
#                   vSwitch may have added it back as a new OpenFlow port)
#   umem-min        other_config:afzc-umem-frames=1024, the minimum, and
#                   every port deleted and added again so that the UMEM is
#                   created at that size: the pool runs dry (fill_empty) ...
#   umem-restore    ... and the setting removed, the ports again
#
# For each fault: the level of each stream before it (the median of its
# quarter-second rates over the 4 s before; for the steps back, n_rxq=1,
# xdp-mode=generic and umem-restore, the level before the step there), the
# recovery time (from the moment the fault's last step is done until every
# stream's mean rate over a 1 s window is back above 90% of its level, 50%
# for umem-min, whose 1024 frames do not carry all of the user stream, the
# notes say how much: the start of that window), the frames lost
# (the four levels times the time from the fault's start to the recovery,
# less what the sinks counted then: an estimate, 0 if negative), for the
# faults that replace p3's program the time until p3's XDP program has an
# offloaded flow again (afzc/offload-flows p3), and the leaks: the
# file descriptors, BPF programs and BPF maps that ovs-vswitchd holds
# against the baseline (taken after ovs-vswitchd last started, with the
# configuration the faults return to, and again after the first
# del-add-port since then, which makes the offload thread create the pipe
# of a latch that it keeps; not for n_rxq=2, xdp-mode=native and
# umem-min, whose configuration differs).
#
# At the end (exit status 1 if one fails):
#   - every stream recovered from every fault;
#   - afzc/umem-show: the frames in the pool, stashes, rings and packets
#     add up to the UMEM's size, and with the generators stopped nothing is
#     held by a packet or left in a receive or transmit ring;
#   - the fds, BPF programs and maps of ovs-vswitchd (from
#     /proc/PID/fdinfo, named by bpftool prog/map show) as at the baseline;
#   - each port's device has the XDP program its Interface status names,
#     and once ovs-vswitchd and the sinks have stopped, no device in any of
#     the namespaces has an XDP program, and no veth of the soak is left
#     in the initial namespace;
#   - ovs-vswitchd's RSS grew less than 5% over the second half of the run
#     (sampled after each fault whose configuration is the baseline one);
#   - every WARN, ERR or EMER line in the logs of ovs-vswitchd and
#     ovsdb-server falls in the window of a fault that explains it (listed
#     in the output); any other is a failure.
#
# Other work: everything the soak starts runs at nice 19, so other work on
# the machine can starve it, and its rates drop for reasons of no fault's.
# A background sampler records the CPU time the soak's processes (ovs-
# vswitchd, ovsdb-server, the generators and sinks) get.  A level is
# measured with the CPU they had then; a 1 s window of rates in which they
# had less than --cpu-share of that counts neither as recovered nor against
# the 60 s a fault has to recover in (up to 180 s in all).  The table's
# "others CPU" column gives the mean CPUs that other processes took while
# each fault ran, and its notes the seconds the soak was short of CPU
# during the recovery.
#
# Why paced and not at full rate: at full rate, on two CPUs shared by the
# generators, the PMD thread and the kernel's XDP, each stream's rate
# drifts by 10 to 15% over tens of seconds for reasons of no fault's (how
# the scheduler shares the CPUs), so that "back at 90% of the level
# before" measured the drift: recoveries of 5 to 50 s, or none, where a
# paced run of the same tree recovers in 0.6 to 1.9 s.  With each stream
# well below what the switch forwards, its level is the rate offered, and
# a recovery is the switch forwarding all of it again.  --rate=0 sends at
# full rate, as before.
#
# Usage: utilities/afzc-soak.sh [OPTION]...
#   --duration=S    seconds to run the schedule for (default: 600); the
#                   last round of faults is finished, and at least one runs
#   --rate=PPS      packets a second each generator sends (default:
#                   100000); 0 for as fast as the kernel takes them
#   --json FILE     also write the results as JSON to FILE
#   --dir=DIR       run directory for databases, logs and raw samples
#                   (default: /tmp/afzc-soak)
#   --cpu-share=F   share of the CPU time the soak's own processes had
#                   while a level was measured that they must have for a
#                   1 s window of rates to count (default: 0.8); see
#                   "Other work" above
#   --keep          leave the topology and Open vSwitch running at the end
#   --teardown      only remove what a --keep or killed run left behind
#   -h, --help      show this help
#
# The script lowers its own priority to nice 19 (everything it starts
# inherits it).  Build first (make in the top directory): it uses
# vswitchd/ovs-vswitchd and utilities/ovs-afzc-bench from this tree and
# the Open vSwitch tools from the tree afzc was configured against
# (AFZC_OVS_DIR, default deps/ovs).  No traffic leaves the five
# namespaces, which are removed at the end, also after a failure or Ctrl-C.
#
# See Documentation/topics/afzc-testing.rst.
#
# Licensed under the Apache License, Version 2.0.

set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ovs=${AFZC_OVS_DIR:-$top/deps/ovs}
bench=$top/utilities/ovs-afzc-bench
vswitchd_bin=$top/vswitchd/ovs-vswitchd
run=/tmp/afzc-soak
duration=600
rate=100000
json=
keep=no
teardown_only=no

ns_sw=afzcs-sw
ns_far="afzcs-n1 afzcs-n2 afzcs-n3 afzcs-n4"
streams="flood1 user flood3 offload"      # the sinks of n1, n2, n3, n4
gen_cpu=0
pmd_mask=0x2
umem_min=1024
recover_timeout=60
# Seconds of samples a stream's level is the median of.
level_window=4
# A window of rates counts only if the soak's own processes had at least
# this share of the CPU time they had when the level was measured.
cpu_share=0.8
# Every Interface of the baseline configuration has these.
port_opts="type=afzc options:xdp-mode=generic"

say() { echo "afzc-soak: $*"; }
warn() { echo "afzc-soak: warning: $*" >&2; }
die() { echo "afzc-soak: error: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    arg=$1
    shift
    case $arg in
        --duration=*) duration=${arg#--duration=} ;;
        --duration)
            [ $# -gt 0 ] || die "--duration wants a number of seconds"
            duration=$1
            shift ;;
        --json=*) json=${arg#--json=} ;;
        --json)
            [ $# -gt 0 ] || die "--json wants a file name"
            json=$1
            shift ;;
        --dir=*) run=${arg#--dir=} ;;
        --rate=*) rate=${arg#--rate=} ;;
        --cpu-share=*) cpu_share=${arg#--cpu-share=} ;;
        --keep) keep=yes ;;
        --teardown) teardown_only=yes ;;
        -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) die "unknown argument '$arg' (try --help)" ;;
    esac
done
case $duration in
    ''|*[!0-9]*) die "--duration: '$duration' is not a whole number" ;;
esac
case $rate in
    ''|*[!0-9]*) die "--rate: '$rate' is not a whole number" ;;
esac
if [ -n "$json" ]; then
    case $json in /*) ;; *) json=$PWD/$json ;; esac
fi
[ "$(id -u)" = 0 ] || die "needs root (network namespaces, XDP)"
mkdir -p "$run" || die "cannot create $run"
run=$(cd "$run" && pwd)
renice -n 19 -p $$ > /dev/null 2>&1 || true

. "$top/utilities/afzc-lib.sh"
# Nothing may hang: every database and control call gives up after 10 s.
vsctl() { "$ovs/utilities/ovs-vsctl" --db="unix:$run/db.sock" --timeout=10 "$@"; }
appctl() { "$ovs/utilities/ovs-appctl" --timeout=10 "$@"; }
ofctl() { timeout 30 "$ovs/utilities/ovs-ofctl" "$@"; }

# --- Teardown ------------------------------------------------------------

teardown() {
    local ns pid
    stop_daemon "$run/ovs-vswitchd.pid" 100
    stop_daemon "$run/ovsdb-server.pid" 100
    for ns in $ns_far "$ns_sw"; do
        if ip netns list 2> /dev/null | grep -qw -- "^$ns"; then
            for pid in $(ip netns pids "$ns" 2> /dev/null); do
                kill -KILL "$pid" 2> /dev/null || true
            done
            ip netns del "$ns" 2> /dev/null || warn "cannot delete netns $ns"
        fi
    done
    rm -f "$run"/*.ctl "$run/db.sock"
}

if [ "$teardown_only" = yes ]; then
    teardown
    say "removed"
    exit 0
fi

for f in "$bench" "$vswitchd_bin" "$ovs/ovsdb/ovsdb-server" \
         "$ovs/ovsdb/ovsdb-tool" "$ovs/utilities/ovs-vsctl" \
         "$ovs/utilities/ovs-ofctl" "$ovs/utilities/ovs-appctl"; do
    [ -x "$f" ] || die "$f is missing: build first (make)"
done
for cmd in ip ethtool taskset timeout awk bpftool python3; do
    command -v "$cmd" > /dev/null || die "$cmd not found"
done

teardown
rm -rf "$run"/*.log "$run"/*.pid "$run"/*.out "$run"/*.txt "$run"/*.of \
       "$run"/*.tsv "$run/conf.db" "$run/.conf.db.~lock~" "$run/snap"
mkdir -p "$OVS_SYSCONFDIR" "$run/snap"

sampler_pid=
# The soak's own part of the EXIT trap: the sampler stops first.
finish_hook() {
    [ -z "$sampler_pid" ] || kill "$sampler_pid" 2> /dev/null || true
}
trap afzc_sandbox_finish EXIT
trap 'exit 130' INT TERM

now() { echo "$EPOCHREALTIME"; }
hz=$(getconf CLK_TCK)
t0=$(now)
elapsed() { awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%d", b - a }'; }

# --- Topology ------------------------------------------------------------

mac_of() { echo "02:af:2c:00:01:0$1"; }

# Sets up the far end (eth0 of afzcs-nN) and the switch end (pN) of veth N,
# which has two queues each way.
veth_create() {
    local n=$1 ns=afzcs-n$1
    ip -n "$ns_sw" link add "p$n" numtxqueues 2 numrxqueues 2 type veth \
        peer name eth0 netns "$ns" numtxqueues 2 numrxqueues 2
    ip -n "$ns" link set eth0 address "$(mac_of "$n")"
    ip -n "$ns" addr add "198.18.1.$n/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns_sw" link set "p$n" up
    ip netns exec "$ns" ethtool -K eth0 tx off > /dev/null 2>&1 || true
    ip netns exec "$ns_sw" ethtool -K "p$n" tx off > /dev/null 2>&1 || true
    # The generators' XDP frames reach pN only if it runs NAPI.
    ip netns exec "$ns_sw" ethtool -K "p$n" gro on > /dev/null
}

say "creating namespaces $ns_sw and $ns_far..."
for ns in "$ns_sw" $ns_far; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1 > /dev/null
done
for n in 1 2 3 4; do
    veth_create "$n"
done

# --- Open vSwitch --------------------------------------------------------

cp "$vswitchd_bin" "$run/ovs-vswitchd"

start_ovsdb() {
    ip netns exec "$ns_sw" "$ovs/ovsdb/ovsdb-server" "$run/conf.db" \
        -vconsole:off --remote="punix:$run/db.sock" \
        --pidfile="$run/ovsdb-server.pid" \
        --log-file="$run/ovsdb-server.log" --detach --no-chdir \
        || die "ovsdb-server did not start"
}

vswitchd_pid() { pid_from_file "$run/ovs-vswitchd.pid"; }

start_vswitchd() {
    ip netns exec "$ns_sw" "$run/ovs-vswitchd" "unix:$run/db.sock" \
        -vconsole:off --pidfile="$run/ovs-vswitchd.pid" \
        --log-file="$run/ovs-vswitchd.log" --detach --no-chdir \
        || die "ovs-vswitchd did not start"
    vswitchd_pid > /dev/null \
        || die "ovs-vswitchd did not start; see $run/ovs-vswitchd.log"
}

add_port_args() {
    local n=$1
    echo "add-port br0 p$n -- set Interface p$n $port_opts ofport_request=$n"
}

# Adds ports $@ (numbers) in one transaction.
add_ports() {
    local args=() n
    for n in "$@"; do
        # shellcheck disable=SC2206
        args+=(-- $(add_port_args "$n"))
    done
    vsctl "${args[@]}"
}

del_ports() {
    local args=() n
    for n in "$@"; do
        args+=(-- del-port br0 "p$n")
    done
    vsctl "${args[@]}"
}

# The OpenFlow side, which ovs-vswitchd does not keep across a restart:
# the rules, and p4 out of floods.
cat > "$run/flows.of" << 'EOF'
priority=10,in_port=1,ip,actions=mod_nw_ttl:33,output:2
priority=10,in_port=3,actions=output:4
priority=10,in_port=2,actions=FLOOD
priority=0,actions=drop
EOF
setup_openflow() {
    local i
    for i in $(seq 100); do
        [ "$(vsctl get Interface p4 ofport 2> /dev/null)" = 4 ] && break
        sleep 0.1
    done
    ofctl replace-flows br0 "$run/flows.of"
    no_flood_p4
}
no_flood_p4() {
    local i
    for i in $(seq 50); do
        ofctl mod-port br0 p4 no-flood 2> /dev/null && return 0
        sleep 0.1
    done
    warn "cannot make p4 no-flood"
    return 1
}

say "starting ovsdb-server and ovs-vswitchd in $ns_sw (logs in $run)..."
"$ovs/ovsdb/ovsdb-tool" create "$run/conf.db" "$ovs/vswitchd/vswitch.ovsschema"
start_ovsdb
vsctl --no-wait init
vsctl --no-wait set Open_vSwitch . other_config:pmd-cpu-mask="$pmd_mask" \
    other_config:hw-offload=true
start_vswitchd
vsctl add-br br0 -- set Bridge br0 datapath_type=netdev fail_mode=secure
add_ports 1 2 3 4
setup_openflow

# --- Traffic ---------------------------------------------------------------

# Starts the sink of namespace afzcs-nN, which appends one line a quarter
# of a second, "TIME interval_packets=N interval_pps=R", to sink-N.txt.
start_sink() {
    local n=$1 i out=$run/sink-$1.txt
    local marker
    marker=0
    [ -f "$out" ] && marker=$(wc -l < "$out")
    ( ip netns exec "afzcs-n$n" "$bench" sink --dev eth0 --wait 0 \
          --warmup 0 --seconds 0 --interval 0.25 --quiet 2>&1 \
          | while IFS= read -r line; do
                printf '%s %s\n' "$EPOCHREALTIME" "$line"
            done >> "$out" ) &
    disown
    for i in $(seq 300); do
        tail -n +"$((marker + 1))" "$out" 2> /dev/null | grep -q ' ready$' \
            && return 0
        sleep 0.1
    done
    die "the sink of afzcs-n$n did not start"
}

stop_sink() {
    local pid
    for pid in $(ip netns pids "afzcs-n$1" 2> /dev/null); do
        if tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null \
                | grep -q ' sink '; then
            kill -TERM "$pid" 2> /dev/null || true
        fi
    done
}

# Starts the generator of afzcs-nN to destination MAC $2.
start_gen() {
    local n=$1 dst=$2 dst_ip=$3
    local paced=
    [ "$rate" = 0 ] || paced="--rate $rate"
    # shellcheck disable=SC2086
    ip netns exec "afzcs-n$n" taskset -c "$gen_cpu" "$bench" gen --dev eth0 \
        --size 64 --flows 16 --seconds $((duration * 3 + 3600)) $paced \
        --src-mac "$(mac_of "$n")" --dst-mac "$dst" \
        --src-ip "198.18.1.$n" --dst-ip "$dst_ip" \
        > "$run/gen-$n.out" 2>&1 &
    disown
}

stop_gens() {
    local n pid
    for n in 1 2 3; do
        for pid in $(ip netns pids "afzcs-n$n" 2> /dev/null); do
            if tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null \
                    | grep -q ' gen '; then
                kill -TERM "$pid" 2> /dev/null || true
            fi
        done
    done
}

# The CPU sampler: every quarter of a second, "TIME TICKS" to cpu.txt,
# TICKS being the CPU time so far of the processes of the soak's namespaces
# (found by their network namespace, every 2 s).  Few processes, so that it
# keeps up on a busy machine.
cpu_sampler() {
    local i=0 pids= ns inodes=
    set +e      # A process that goes away must not end the sampler.
    for ns in "$ns_sw" $ns_far; do
        inodes="$inodes -o -lname net:\[$(stat -L -c %i "/run/netns/$ns")\]"
    done
    inodes=${inodes# -o }
    while :; do
        if [ $((i % 8)) = 0 ]; then
            # shellcheck disable=SC2086
            pids=$(find /proc -mindepth 3 -maxdepth 3 -path '/proc/[0-9]*/ns/net' \
                       \( $inodes \) 2> /dev/null | cut -d/ -f3)
        fi
        i=$((i + 1))
        # shellcheck disable=SC2086
        (cd /proc && cat $(printf '%s/stat ' $pids) 2> /dev/null) \
            | awk -v t="$EPOCHREALTIME" '
                { sub(/^.*\) /, ""); s += $12 + $13 }
                END { printf "%s %d\n", t, s }' >> "$run/cpu.txt"
        sleep 0.25
    done
}
cpu_sampler &
sampler_pid=$!

say "starting the sinks and generators..."
for n in 1 2 3 4; do
    start_sink "$n"
done
start_gen 1 "$(mac_of 2)" 198.18.1.2
start_gen 2 ff:ff:ff:ff:ff:ff 198.18.1.255
start_gen 3 "$(mac_of 4)" 198.18.1.4

# Prints, for each stream in the order of $streams, "NAME PPS PACKETS
# SAMPLES MEDIAN": the mean rate, the packets, the number and the median
# rate of the samples that ended in (T1, T2].
window() {
    awk -v t1="$1" -v t2="$2" -v names="$streams" '
        FNR == 1 { f++ }
        $2 ~ /^interval_packets=/ && $1 > t1 && $1 <= t2 {
            split($2, a, "="); split($3, b, "=")
            pk[f] += a[2]; pps[f] += b[2]; n[f]++; r[f, n[f]] = b[2] + 0
        }
        END {
            split(names, nm, " ")
            for (i = 1; i <= 4; i++) {
                # Insertion sort: a few dozen samples at most.
                for (j = 2; j <= n[i]; j++) {
                    v = r[i, j]
                    for (k = j - 1; k >= 1 && r[i, k] > v; k--)
                        r[i, k + 1] = r[i, k]
                    r[i, k + 1] = v
                }
                m = 0
                if (n[i] % 2) m = r[i, (n[i] + 1) / 2]
                else if (n[i]) m = (r[i, n[i] / 2] + r[i, n[i] / 2 + 1]) / 2
                printf "%s %.0f %d %d %.0f\n", nm[i],
                    n[i] ? pps[i] / n[i] : 0, pk[i], n[i], m
            }
        }' "$run"/sink-1.txt "$run"/sink-2.txt "$run"/sink-3.txt \
           "$run"/sink-4.txt
}

# Prints the levels of the streams, one line "L1 L2 L3 L4 CPUS": the
# median of each stream's quarter-second rates over the $level_window
# seconds before now, and the CPUs the soak had over the last 2 s.  A
# median, not a mean: at full rate single samples strayed by up to 35%,
# and the mean of a 2 s window took levels 10 to 15% above what the
# streams ran at for minutes, which a recovery then had to reach.
levels() {
    local t
    t=$(now)
    window "$(awk -v t="$t" -v w="$level_window" 'BEGIN { printf "%.6f", t - w }')" "$t" \
        | awk -v c="$(cpu_recent)" '
            { printf "%s%s", (NR > 1 ? " " : ""), $5 }
            END { print " " c }'
}

# Prints the start of the first 1 s window after T (which starts at or
# after T) in which every stream's mean rate is at least the share $3
# (0.9 but for umem-min) of its level "$2", or nothing.  Windows start on
# the samples of the first sink.
recovered_at() {
    awk -v t="$1" -v lv="$2" -v frac="$3" -v share="$cpu_share" -v hz="$hz" '
        FNR == 1 { f++ }
        f == 5 {
            if ($1 > t - 1) { nc++; ct[nc] = $1; cv[nc] = $2 }
            next
        }
        $2 ~ /^interval_packets=/ && $1 > t {
            split($3, b, "="); n[f]++; ts[f, n[f]] = $1; r[f, n[f]] = b[2]
        }
        END {
            split(lv, L, " ")
            q = share * L[5]
            for (k = 1; k <= n[1]; k++) {
                start = ts[1, k] - 0.25
                if (start < t) start = t
                end = start + 1
                # The CPUs the soak had over the window, from the samples
                # around it; unknown (the window counts) if they are too
                # sparse or a process died.
                j0 = 0; j1 = 0
                for (j = 1; j <= nc; j++) {
                    if (!j0 && ct[j] >= start - 0.3) j0 = j
                    if (ct[j] <= end + 0.3) j1 = j
                }
                if (nc && ct[nc] < end && ct[nc] > start) exit
                if (j0 && j1 > j0 && ct[j1] - ct[j0] >= 0.5 \
                    && cv[j1] >= cv[j0] \
                    && (cv[j1] - cv[j0]) / hz / (ct[j1] - ct[j0]) < q)
                    continue
                ok = 1; complete = 1
                for (i = 1; i <= 4 && ok; i++) {
                    s = 0; c = 0; last = 0
                    for (j = 1; j <= n[i]; j++) {
                        if (ts[i, j] > start && ts[i, j] <= end + 0.05) {
                            s += r[i, j]; c++
                        }
                        if (ts[i, j] > last) last = ts[i, j]
                    }
                    if (last < end) complete = 0
                    if (c < 3 || s / c < frac * L[i]) ok = 0
                }
                if (!complete) exit
                if (ok) { printf "%.3f\n", start; exit }
            }
        }' "$run"/sink-1.txt "$run"/sink-2.txt "$run"/sink-3.txt \
           "$run"/sink-4.txt "$run/cpu.txt"
}

# Prints the seconds from $1 to $2 in which the soak's processes had less
# than --cpu-share of the CPUs of levels "$3" (by the sampler's samples).
short_of_cpu() {
    awk -v a="$1" -v b="$2" -v q="$(echo "$3" | awk -v s="$cpu_share" '{ print s * $5 }')" -v hz="$hz" '
        $1 > a && $1 <= b && pt && $2 >= pv && ($2 - pv) / hz / ($1 - pt) < q {
            s += $1 - pt
        }
        { pt = $1; pv = $2 }
        END { printf "%.1f\n", s }' "$run/cpu.txt"
}

# Prints the CPUs the soak's processes had over the last 2 s.
cpu_recent() {
    [ -f "$run/cpu.txt" ] || { echo 0; return 0; }
    awk -v t="$(now)" -v hz="$hz" '
        $1 > t - 2 { if (!t0) { t0 = $1; v0 = $2 } t1 = $1; v1 = $2 }
        END { printf "%.2f\n", (t1 > t0 ? (v1 - v0) / hz / (t1 - t0) : 0) }
    ' "$run/cpu.txt"
}

# Waits for the streams to be back at share $3 of levels "$2" after time
# $1, for at most $recover_timeout seconds; prints the time they were, or
# nothing.
wait_recovery() {
    local t=$1 lv=$2 frac=$3 r deadline
    while :; do
        r=$(recovered_at "$t" "$lv" "$frac")
        if [ -n "$r" ]; then
            echo "$r"
            return 0
        fi
        # Time short of CPU does not count against the fault.
        deadline=$(awk -v t="$t" -v d="$recover_timeout" \
                       -v s="$(short_of_cpu "$t" "$(now)" "$lv")" \
                       'BEGIN { if (s > 120) s = 120; printf "%.6f", t + d + s }')
        if awk -v a="$(now)" -v b="$deadline" 'BEGIN { exit !(a > b) }'; then
            return 0
        fi
        sleep 0.25
    done
}

# Prints the estimated frames lost from $1 to $2 against levels "$3".
frames_lost() {
    window "$1" "$2" | awk -v t1="$1" -v t2="$2" -v lv="$3" '
        BEGIN { split(lv, L, " ") }
        { exp_ += L[NR] * (t2 - t1); got += $3 }
        END { d = exp_ - got; printf "%.0f\n", (d > 0 ? d : 0) }'
}

# Waits until p3's XDP program executes an offloaded flow; prints the
# seconds since $1 it took (after at most 30 s, nothing).
wait_offload() {
    local t=$1 deadline
    deadline=$(awk -v t="$t" 'BEGIN { printf "%.6f", t + 30 }')
    while awk -v a="$(now)" -v b="$deadline" 'BEGIN { exit !(a < b) }'; do
        if [ -n "$(appctl afzc/offload-flows p3 2> /dev/null)" ]; then
            awk -v a="$t" -v b="$(now)" 'BEGIN { printf "%.1f\n", b - a }'
            return 0
        fi
        sleep 0.2
    done
}

# Prints "TIME BUSY OURS": the CPU time, in clock ticks, that all CPUs
# spent busy and that the processes of the soak's namespaces got.
cpu_mark() {
    local pids
    pids=$(for ns in "$ns_sw" $ns_far; do ip netns pids "$ns" 2> /dev/null; done)
    {
        head -n 1 /proc/stat
        for pid in $pids; do cat "/proc/$pid/stat" 2> /dev/null || true; done
    } | awk -v t="$(now)" '
        NR == 1 { busy = $2 + $3 + $4 + $7 + $8 + $9; next }
        { sub(/^.*\) /, ""); ours += $12 + $13 }
        END { printf "%s %d %d\n", t, busy, ours }'
}

# Prints how many CPUs, on average, processes other than the soak's kept
# busy between cpu_mark outputs "$1" and "$2".
others_cpu() {
    awk -v a="$1" -v b="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN {
        split(a, x, " "); split(b, y, " ")
        d = (y[2] - x[2]) - (y[3] - x[3]); dt = y[1] - x[1]
        printf "%.2f", (d > 0 && dt > 0 ? d / hz / dt : 0)
    }'
}

# --- Snapshots of ovs-vswitchd ---------------------------------------------

# Writes what ovs-vswitchd holds to $run/snap/$1: one line per kind of fd
# ("fd KIND COUNT"), one per BPF program and map by name ("prog NAME
# COUNT", "map NAME COUNT"; the ids from /proc/PID/fdinfo, the names from
# bpftool prog/map show) and its RSS ("rss kb N").
snapshot() {
    local pid out=$run/snap/$1
    pid=$(vswitchd_pid) || { : > "$out"; return 0; }
    python3 - "$pid" > "$out" << 'EOF'
import collections, json, os, subprocess, sys

pid = sys.argv[1]
fds, prog_ids, map_ids = collections.Counter(), set(), set()
for fd in os.listdir("/proc/%s/fd" % pid):
    try:
        link = os.readlink("/proc/%s/fd/%s" % (pid, fd))
        info = open("/proc/%s/fdinfo/%s" % (pid, fd)).read().split("\n")
    except OSError:
        continue
    kv = dict((l.split(":", 1)[0], l.split(":", 1)[1].strip())
              for l in info if ":" in l)
    if link.startswith("socket:"):
        kind = "socket"
    elif link.startswith("pipe:"):
        kind = "pipe"
    elif link.startswith("anon_inode:"):
        kind = link[len("anon_inode:"):]
    elif link.startswith("/dev/"):
        kind = link
    elif link.startswith("/"):
        kind = "file"
    else:
        kind = "other"
    fds[kind.replace(" ", "_")] += 1
    if kind == "bpf-prog" and "prog_id" in kv:
        prog_ids.add(int(kv["prog_id"]))
    if kind == "bpf-map" and "map_id" in kv:
        map_ids.add(int(kv["map_id"]))


def names(what, ids):
    out = subprocess.run(["bpftool", "-j", what, "show"], capture_output=True,
                         text=True).stdout
    by_id = {o["id"]: o.get("name", "?") for o in json.loads(out or "[]")}
    return collections.Counter(by_id.get(i, "gone") for i in ids)


for k, v in sorted(fds.items()):
    print("fd", k, v)
for k, v in sorted(names("prog", prog_ids).items()):
    print("prog", k, v)
for k, v in sorted(names("map", map_ids).items()):
    print("map", k, v)
for l in open("/proc/%s/status" % pid):
    if l.startswith("VmRSS:"):
        print("rss kb", l.split()[1])
EOF
}

# Prints how snapshot $2 differs from snapshot $1 (fds, programs and
# maps; not the RSS), as "fd:socket+1 prog:afzc_xdp-1", or "none".
snap_diff() {
    awk '
        FNR == 1 { f++ }
        $1 == "rss" { next }
        { k = $1 ":" $2; v[f, k] = $3; keys[k] = 1 }
        END {
            out = ""
            for (k in keys) {
                d = v[2, k] - v[1, k]
                if (d) out = out (out ? " " : "") k (d > 0 ? "+" : "") d
            }
            print out ? out : "none"
        }' "$run/snap/$1" "$run/snap/$2"
}

snap_total() {
    awk -v k="$2" '$1 == k { s += $3 } END { print s + 0 }' "$run/snap/$1"
}

# --- Faults ----------------------------------------------------------------

# Each fault_NAME applies the fault; its last step done, it calls
# restored, which records the time recovery is measured from.
restored() { t_restore=$(now); }

fault_vswitchd_kill() {
    local pid
    pid=$(vswitchd_pid)
    kill -KILL "$pid"
    while [ -d "/proc/$pid" ]; do sleep 0.05; done
    rm -f "$run/ovs-vswitchd.pid"
    start_vswitchd
    setup_openflow
    restored
}
fault_ovsdb_restart() {
    stop_daemon "$run/ovsdb-server.pid" 50
    start_ovsdb
    vsctl get Open_vSwitch . ovs_version > /dev/null
    restored
}
fault_link_down() {
    ip -n afzcs-n1 link set eth0 down
    sleep 1
    ip -n afzcs-n1 link set eth0 up
    restored
}
fault_del_add_port() {
    del_ports 2
    sleep 0.5
    add_ports 2
    restored
}
fault_n_rxq_2() { vsctl set Interface p1 options:n_rxq=2; restored; }
fault_n_rxq_1() { vsctl set Interface p1 options:n_rxq=1; restored; }
fault_xdp_native() {
    vsctl set Interface p3 options:xdp-mode=native \
       -- set Interface p4 options:xdp-mode=native
    restored
}
fault_xdp_generic() {
    vsctl set Interface p3 options:xdp-mode=generic \
       -- set Interface p4 options:xdp-mode=generic
    restored
}
fault_flow_churn() {
    local s half lo
    # churn-H.of adds half H (500 rules) and deletes the other half.
    for half in 0 1; do
        awk -v h="$half" 'BEGIN {
            for (p = 1000 + h * 500; p < 1500 + h * 500; p++)
                print "add cookie=0x50a,priority=20,in_port=3,udp,tp_src=" p ",actions=output:4"
            for (p = 1500 - h * 500; p < 2000 - h * 500; p++)
                print "delete_strict priority=20,in_port=3,udp,tp_src=" p
        }' > "$run/churn-$half.of"
    done
    local t0 done=0
    t0=$(now)
    for s in $(seq 5); do
        # Every second, 1000 changes; a busy ovs-vswitchd may take longer,
        # which the rate in the notes shows.
        if timeout 60 "$ovs/utilities/ovs-ofctl" add-flows br0 \
                "$run/churn-$((s % 2)).of"; then
            done=$((done + 1))
        else
            warn "flow-churn: add-flows failed or timed out"
        fi
        sleep 0.8
    done
    churn_rate=$(awk -v n="$done" -v a="$t0" -v b="$(now)" \
                     'BEGIN { printf "%.0f", n * 1000 / (b - a) }')
    timeout 60 "$ovs/utilities/ovs-ofctl" del-flows br0 cookie=0x50a/-1 \
        || warn "flow-churn: del-flows failed or timed out"
    restored
}

fault_veth_recreate() {
    local prog i
    prog=$(vsctl get Interface p4 status:xdp_prog_id 2> /dev/null || true)
    stop_sink 4
    ip -n "$ns_sw" link del p4
    sleep 0.5
    veth_create 4
    start_sink 4
    # Open vSwitch may take the port out and add it back, as a new
    # OpenFlow port without no-flood; a controller sets it again, once the
    # port has its new program.
    for i in $(seq 100); do
        local now_prog
        now_prog=$(vsctl get Interface p4 status:xdp_prog_id 2> /dev/null || true)
        [ -n "$now_prog" ] && [ "$now_prog" != "$prog" ] && break
        sleep 0.1
    done
    no_flood_p4
    restored
}
fault_umem_min() {
    vsctl set Open_vSwitch . other_config:afzc-umem-frames="$umem_min"
    del_ports 1 2 3 4
    add_ports 1 2 3 4
    no_flood_p4
    restored
}
fault_umem_restore() {
    vsctl remove Open_vSwitch . other_config afzc-umem-frames
    del_ports 1 2 3 4
    add_ports 1 2 3 4
    no_flood_p4
    restored
}

# Sums counter $1 over the queues of every afzc port (afzc/show).
afzc_sum() {
    appctl afzc/show 2> /dev/null \
        | awk -v k="$1:" '$1 == k { s += $2 } END { print s + 0 }'
}

run_log=$run/faults.tsv
churn_rate=0
fwd_lv=
: > "$run_log"
round=0
t_restore=

# Runs fault $1 (name) with function $2; appends a row to $run_log:
# round, name, level, recovery time, frames lost, offload time, leaks,
# notes, log offsets.
run_fault() {
    local name=$1 fn=$2 lv t_start t_from t_rec rec lost off leaks note cfg
    local logo0 dblo0 fe0 fe1 fs0 fs1 cpu0 cpu1 short
    logo0=$(stat -c %s "$run/ovs-vswitchd.log" 2> /dev/null || echo 0)
    dblo0=$(stat -c %s "$run/ovsdb-server.log" 2> /dev/null || echo 0)
    # A level of nothing (a stream starved by other work) measures nothing:
    # wait, up to 60 s, for every stream to flow.
    local i waited=0
    for i in $(seq 120); do
        lv=$(levels)
        echo "$lv" | awk '{ exit !($1 > 0 && $2 > 0 && $3 > 0 && $4 > 0) }' \
            && break
        waited=$((waited + 1))
        sleep 0.5
    done
    # A step back (n_rxq=1, xdp-mode=generic, umem-restore) is measured
    # against the level before the step there: the configuration it leaves
    # forwards at a rate of its own (native XDP redirects faster than
    # generic), which says nothing of the recovery.
    case $name in
        n_rxq=2|xdp-mode=native|umem-min) fwd_lv=$lv ;;
        n_rxq=1|xdp-mode=generic|umem-restore) lv=${fwd_lv:-$lv} ;;
    esac
    t_start=$(now)
    cpu0=$(cpu_mark)
    fe0=0 fs0=0
    if [ "$name" = umem-min ]; then
        fe0=$(afzc_sum fill_empty)
        fs0=$(afzc_sum fill_starved)
    fi
    "$fn"
    # Recovery counts from the fault's start, but for the churn, which
    # lasts 5 s, from its end; the window of rates must start after the
    # fault's last step either way.
    t_from=$t_start
    [ "$name" = flow-churn ] && t_from=$t_restore
    # How long p3's offloaded flow takes to come back, where the fault
    # replaced its program or its flows.
    off=-
    case $name in
        vswitchd-kill|xdp-mode=*|umem-*|veth-recreate|flow-churn)
            off=$(wait_offload "$t_from")
            [ -n "$off" ] || off=-1 ;;
    esac
    # With the UMEM at its minimum the pool runs short on purpose, and the
    # user stream gets about 60% through (with 32 times as many frames, all
    # of it): there, recovery is every stream at half its level again, and
    # the notes give the share reached.
    local frac=0.9
    [ "$name" = umem-min ] && frac=0.5
    t_rec=$(wait_recovery "$t_restore" "$lv" "$frac")
    if [ -n "$t_rec" ]; then
        # The window may start at t_from itself, which the rounding of
        # t_rec can put a hair before it.
        rec=$(awk -v a="$t_from" -v b="$t_rec" 'BEGIN { d = b - a; printf "%.2f", (d > 0 ? d : 0) }')
        lost=$(frames_lost "$t_start" "$t_rec" "$lv")
    else
        rec=-1
        lost=$(frames_lost "$t_start" "$(now)" "$lv")
    fi
    cpu1=$(cpu_mark)
    note=
    if [ "$name" = umem-min ]; then
        fe1=$(afzc_sum fill_empty)
        fs1=$(afzc_sum fill_starved)
        note="fill_empty+$((fe1 - fe0)) fill_starved+$((fs1 - fs0))"
        if [ -n "$t_rec" ]; then
            sleep 1
            note="$note, at $(window "$t_rec" "$(now)" | awk -v lv="$lv" '
                BEGIN { split(lv, L, " ") }
                { printf "%s%s %.0f%%", (NR > 1 ? " " : ""), $1,
                      L[NR] ? 100 * $5 / L[NR] : 0 }') of the levels"
        fi
    fi
    short=$(short_of_cpu "$t_start" "${t_rec:-$(now)}" "$lv")
    [ "$waited" = 0 ] \
        || note="${note:+$note, }waited $(awk -v w="$waited" 'BEGIN { printf "%.1f", w / 2 }')s for every stream to flow"
    [ "$name" != flow-churn ] \
        || note="${note:+$note, }$churn_rate changes/s"
    awk -v s="$short" 'BEGIN { exit !(s >= 0.5) }' \
        && note="${note:+$note, }short of CPU ${short}s"
    sleep 1
    snapshot "r$round-$name"
    case $name in
        vswitchd-kill)
            cp "$run/snap/r$round-$name" "$run/snap/baseline"
            baseline_pending=yes
            leaks=none ;;
        n_rxq=2|xdp-mode=native|umem-min) leaks=- ;;
        *) leaks=$(snap_diff baseline "r$round-$name") ;;
    esac
    # The first port removed after ovs-vswitchd starts makes its offload
    # thread wait on a barrier, and so create the latch (a pipe) that a
    # thread keeps for its waits from then on: the baseline is taken again
    # after that, once.
    if [ "$name" = del-add-port ] && [ "$baseline_pending" = yes ]; then
        case $leaks in
            none|fd:pipe+2)
                note="${note:+$note, }baseline taken again (against the last: $leaks)"
                cp "$run/snap/r$round-$name" "$run/snap/baseline"
                baseline_pending=no
                leaks=none ;;
        esac
    fi
    cfg=no
    [ "$leaks" = - ] || cfg=yes
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$round" "$name" "$lv" "$rec" "$lost" "$off" "$leaks" \
        "${note:--}" "$logo0" "$dblo0" "$(elapsed)" "$cfg" \
        "$(awk '$1 == "rss" { print $3 }' "$run/snap/r$round-$name")" \
        "$(others_cpu "$cpu0" "$cpu1")" >> "$run_log"
    printf 'afzc-soak: %4ss round %d %-17s recovery %6s s, lost %9s, offload %4s s, others %s CPU, leaks %s %s\n' \
        "$(elapsed)" "$round" "$name" "$rec" "$lost" "$off" \
        "$(others_cpu "$cpu0" "$cpu1")" "$leaks" "$note"
    # Settle before the next fault measures its level, over samples that
    # all come after this one's end.
    sleep "$level_window"
}

say "warming up..."
sleep 3
snapshot start
cp "$run/snap/start" "$run/snap/baseline"
baseline_pending=yes
echo "$(elapsed)" > "$run/t-start"
half=$((duration / 2))
while :; do
    round=$((round + 1))
    if [ "$round" = 1 ] || [ "$(elapsed)" -lt "$half" ]; then
        run_fault vswitchd-kill fault_vswitchd_kill
    fi
    run_fault ovsdb-restart fault_ovsdb_restart
    run_fault link-down fault_link_down
    run_fault del-add-port fault_del_add_port
    run_fault n_rxq=2 fault_n_rxq_2
    run_fault n_rxq=1 fault_n_rxq_1
    run_fault xdp-mode=native fault_xdp_native
    run_fault xdp-mode=generic fault_xdp_generic
    run_fault flow-churn fault_flow_churn
    run_fault veth-recreate fault_veth_recreate
    run_fault umem-min fault_umem_min
    run_fault umem-restore fault_umem_restore
    [ "$(elapsed)" -lt "$duration" ] || break
done
t_end=$(elapsed)

# --- End checks ------------------------------------------------------------

say "schedule done after ${t_end}s; checking for leaks..."
stat -c %s "$run/ovs-vswitchd.log" > "$run/ovs-vswitchd.log.end"
stat -c %s "$run/ovsdb-server.log" > "$run/ovsdb-server.log.end"
sleep 2
snapshot final
# Each port's device runs the program its Interface status names.
: > "$run/end-xdp.txt"
for n in 1 2 3 4; do
    echo "p$n $(ip -n "$ns_sw" -d link show dev "p$n" 2> /dev/null \
                | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' | head -n 1) \
$(vsctl get Interface "p$n" status:xdp_prog_id 2> /dev/null | tr -d '"')" \
        >> "$run/end-xdp.txt"
done
appctl afzc/show --json > "$run/afzc-show-running.json" 2> /dev/null || true
appctl afzc/umem-show --json > "$run/umem-running.json" 2> /dev/null || true
stop_gens
# With the generators stopped, the frames come back from packets and
# rings (a sink-bound frame may take a moment).
for i in $(seq 20); do
    sleep 0.5
    appctl afzc/umem-show --json > "$run/umem-end.json" 2> /dev/null || continue
    python3 -c '
import json, sys
u = json.load(open(sys.argv[1]))
sys.exit(0 if u.get("held") == 0 and u.get("rx") == 0 and u.get("tx") == 0
         else 1)' "$run/umem-end.json" && break
done
appctl afzc/show --json > "$run/afzc-show-end.json" 2> /dev/null || true
# ovs-vswitchd removes its ports, and with them their programs, on the way
# out; then the sinks stop, and no device should have a program left.
appctl exit --cleanup > /dev/null 2>&1 || true
for i in $(seq 100); do
    vswitchd_pid > /dev/null || break
    sleep 0.1
done
stop_daemon "$run/ovs-vswitchd.pid" 50
for n in 1 2 3 4; do
    stop_sink "$n"
done
sleep 1
: > "$run/end-stale.txt"
for ns in "$ns_sw" $ns_far; do
    ip -n "$ns" -d -o link show 2> /dev/null \
        | awk -v ns="$ns" '/prog\/xdp/ { sub(/:$/, "", $2); print ns, $2 }' \
        >> "$run/end-stale.txt"
done
# No veth of the soak in the initial namespace.
ip -o link show 2> /dev/null | grep -E '02:af:2c:00:01:0[1-4]' \
    | awk '{ sub(/:$/, "", $2); print "host", $2 }' >> "$run/end-stale.txt" \
    || true

python3 - "$run" "$duration" "$t_end" "$json" << 'EOF'
import json, os, re, sys

run, duration, t_end, json_out = sys.argv[1], int(sys.argv[2]), \
    int(sys.argv[3]), sys.argv[4]
problems = []

# The WARN/ERR/EMER lines each fault explains: (regular expression over the
# text after the time and sequence number, explanation).
LONG_POLL = (r"timeval\|WARN\|(Unreasonably long \d+ms poll interval|faults: "
             r"|disk: |context switches: )",
             "the main thread set up ports or the UMEM (AF_XDP sockets, XDP "
             "programs, a 128 MiB area) on a loaded machine")
DB_GONE = (r"(reconnect|jsonrpc|stream_unix|ovsdb_idl)\|(WARN|ERR)\|.*"
           r"(db\.sock|connection|Connection|EOF)",
           "ovs-vswitchd lost its connection to ovsdb-server while it "
           "restarted")
NO_DEV = (r"(bridge|netdev_linux|netdev|dpif_netdev|dpif|netdev_afzc|"
          r"ofproto_dpif)\|(WARN|ERR)\|.*(p4|No such device|device has gone"
          r"|Failed to set interface)",
          "p4's device was deleted under the port")
UKEY = (r"ofproto_dpif_upcall\|WARN\|upcall_cb failure: ukey installation "
        r"fails",
        "a revalidator deleted a megaflow the churn changed while a handler "
        "installed it again for the next packet: the new ukey met the old "
        "one, not yet gone; the packet is dropped and the next one sets the "
        "flow up")
SIGTERM = (r"fatal_signal\|WARN\|terminating with signal 15",
           "ovsdb-server stopped with SIGTERM by the fault")
RCU = (r"ovs_rcu(\(urcu\d+\))?\|WARN\|blocked \d+ ms waiting for "
       r"(pmd-|main|handler|revalidator|hw_offload)",
       "RCU waited for a thread busy with the fault (the main thread setting "
       "up ports, the PMD thread reloading its queues), at nice 19 and "
       "short of CPU")
OFFLOAD_POLL = (r"timeval\(hw_offload\d+\)\|WARN\|(Unreasonably long \d+ms "
                r"poll interval|faults: |disk: |context switches: )",
                "a port was removed: the offload thread waits in poll only "
                "for the flush barrier of a port's removal, and timeval "
                "counts from its last such wait")
UMEM_LOW = (r"afzc_umem\|WARN\|(shared UMEM low: |Dropped \d+ log messages)",
            "other_config:afzc-umem-frames at its minimum, as the fault "
            "wants: the pool ran low (and the warning is rate-limited)")
EXPLAINED = {
    "startup": [LONG_POLL, RCU],
    "vswitchd-kill": [LONG_POLL, RCU],
    "ovsdb-restart": [LONG_POLL, DB_GONE, SIGTERM],
    "link-down": [LONG_POLL, RCU],
    "del-add-port": [LONG_POLL, RCU, OFFLOAD_POLL],
    "n_rxq=2": [LONG_POLL, RCU],
    "n_rxq=1": [LONG_POLL, RCU],
    "xdp-mode=native": [LONG_POLL, RCU],
    "xdp-mode=generic": [LONG_POLL, RCU],
    "flow-churn": [LONG_POLL, UKEY],
    "veth-recreate": [LONG_POLL, RCU, NO_DEV],
    "umem-min": [LONG_POLL, RCU, OFFLOAD_POLL, UMEM_LOW],
    "umem-restore": [LONG_POLL, RCU, OFFLOAD_POLL, UMEM_LOW],
    "end": [LONG_POLL, RCU, OFFLOAD_POLL,
            (r"fatal_signal\|WARN\|terminating with signal 15",
             "stopped by the script")],
}

rows = []
for line in open(os.path.join(run, "faults.tsv")):
    f = line.rstrip("\n").split("\t")
    rows.append({
        "round": int(f[0]), "fault": f[1],
        "levels_pps": [int(x) for x in f[2].split()[:4]],
        "level_cpu": float(f[2].split()[4]),
        "recovery_s": None if f[3] == "-1" else float(f[3]),
        "frames_lost": int(f[4]),
        "offload_s": (None if f[5] == "-1" else
                      float(f[5]) if f[5] != "-" else "-"),
        "leaks": f[6], "note": "" if f[7] == "-" else f[7],
        "log_offset": int(f[8]), "db_log_offset": int(f[9]),
        "elapsed_s": int(f[10]), "baseline_config": f[11] == "yes",
        "rss_kb": int(f[12]) if f[12] else None,
        "others_cpu": float(f[13]),
    })
for r in rows:
    if r["recovery_s"] is None:
        problems.append("round %d %s: not recovered in 60 s"
                        % (r["round"], r["fault"]))
    if r["offload_s"] is None:
        problems.append("round %d %s: p3's flow not offloaded again in 30 s"
                        % (r["round"], r["fault"]))
    if r["leaks"] not in ("none", "-"):
        problems.append("round %d %s: leaks %s" % (r["round"], r["fault"],
                                                   r["leaks"]))
    if min(r["levels_pps"]) <= 0:
        problems.append("round %d %s: a stream had no traffic before it"
                        % (r["round"], r["fault"]))


def attribute(path, key):
    """Returns [(window, line)] for the WARN/ERR/EMER lines of log 'path',
    the window being the fault in whose span (by file offset) it was
    written."""
    out = []
    if not os.path.exists(path):
        return out
    pos = 0
    for raw in open(path, "rb").read().split(b"\n"):
        line = raw.decode(errors="replace")
        if re.search(r"\|(WARN|ERR|EMER)\|", line):
            window = "startup"
            for r in rows:
                if pos >= r[key]:
                    window = r["fault"]
            if rows and pos >= end_offsets[key]:
                window = "end"
            out.append((window, line))
        pos += len(raw) + 1
    return out


end_offsets = {}
for key, name in (("log_offset", "ovs-vswitchd.log.end"),
                  ("db_log_offset", "ovsdb-server.log.end")):
    try:
        end_offsets[key] = int(open(os.path.join(run, name)).read())
    except (OSError, ValueError):
        end_offsets[key] = 1 << 62
explained, unexplained = {}, []
for log, key in (("ovs-vswitchd.log", "log_offset"),
                 ("ovsdb-server.log", "db_log_offset")):
    for window, line in attribute(os.path.join(run, log), key):
        text = line.split("|", 2)[2] if line.count("|") >= 2 else line
        for rx, why in EXPLAINED.get(window, []):
            if re.search(rx, text):
                k = (window, re.sub(r"\d+", "N", text), why)
                explained[k] = explained.get(k, 0) + 1
                break
        else:
            unexplained.append("%s: %s: %s" % (log, window, line))
for u in unexplained:
    problems.append("unexplained log line: " + u)

# UMEM frames.
umem = {}
try:
    umem = json.load(open(os.path.join(run, "umem-end.json")))
except (OSError, ValueError):
    problems.append("no afzc/umem-show at the end")
places = ("free", "stashed", "fill", "rx", "held", "tx", "completion")
accounted = sum(umem.get(k, 0) for k in places)
unaccounted = umem.get("frames", 0) - accounted
if umem and unaccounted != 0:
    problems.append("UMEM: %d frames, %d accounted for"
                    % (umem.get("frames", 0), accounted))
for k in ("held", "rx", "tx"):
    if umem and umem.get(k):
        problems.append("UMEM: %d frames still %s with traffic stopped"
                        % (umem[k], k))


def snap(name):
    d = {}
    try:
        for line in open(os.path.join(run, "snap", name)):
            a, b, c = line.split()
            d[(a, b)] = int(c)
    except OSError:
        pass
    return d


base, final = snap("baseline"), snap("final")
diff = {}
for k in set(base) | set(final):
    if k[0] != "rss" and base.get(k, 0) != final.get(k, 0):
        diff["%s:%s" % k] = final.get(k, 0) - base.get(k, 0)
if diff:
    problems.append("ovs-vswitchd at the end against the baseline: %s"
                    % " ".join("%s%+d" % kv for kv in sorted(diff.items())))
totals = {}
for what in ("fd", "prog", "map"):
    totals[what] = {"baseline": sum(v for k, v in base.items()
                                    if k[0] == what),
                    "final": sum(v for k, v in final.items()
                                 if k[0] == what)}

xdp_ports = {}
for line in open(os.path.join(run, "end-xdp.txt")):
    f = line.split()
    port, link_id = f[0], f[1] if len(f) > 1 else ""
    status_id = f[2] if len(f) > 2 else ""
    xdp_ports[port] = {"attached": link_id, "status": status_id}
    if not link_id or link_id != status_id:
        problems.append("%s: XDP program %s attached, status says %s"
                        % (port, link_id or "none", status_id or "none"))
stale = [l.strip() for l in open(os.path.join(run, "end-stale.txt"))
         if l.strip()]
for s in stale:
    problems.append("left behind: " + s)

# RSS over the second half, one ovs-vswitchd.
last_kill = max([i for i, r in enumerate(rows)
                 if r["fault"] == "vswitchd-kill"], default=-1)
samples = [(r["elapsed_s"], r["rss_kb"]) for r in rows[last_kill + 1:]
           if r["baseline_config"] and r["rss_kb"]]
second = [s for s in samples if s[0] >= t_end / 2] or samples
rss = {"samples": second, "growth_pct": None}
if len(second) >= 2:
    rss["growth_pct"] = round(100.0 * (second[-1][1] - second[0][1])
                              / second[0][1], 2)
    if rss["growth_pct"] >= 5:
        problems.append("RSS grew %.1f%% over the second half"
                        % rss["growth_pct"])
else:
    problems.append("too few RSS samples in the second half")

# The table.
print()
print("%-5s %-17s %12s %12s %11s %10s  %s" % (
    "round", "fault", "recovery (s)", "frames lost", "offload (s)",
    "others CPU", "leaks"))
for r in rows:
    rec = "%.2f" % r["recovery_s"] if r["recovery_s"] is not None else "NO"
    off = (r["offload_s"] if r["offload_s"] == "-" else
           "%.1f" % r["offload_s"] if r["offload_s"] is not None else "NO")
    print("%-5d %-17s %12s %12d %11s %10.2f  %s%s" % (
        r["round"], r["fault"], rec, r["frames_lost"], off, r["others_cpu"],
        r["leaks"],
        "  (" + r["note"] + ")" if r["note"] else ""))
print()
by = {}
for r in rows:
    if r["recovery_s"] is not None:
        by.setdefault(r["fault"], []).append(r["recovery_s"])
for f, v in by.items():
    print("%-17s recovery %.2f-%.2f s over %d round(s)"
          % (f, min(v), max(v), len(v)))
print()
print("UMEM: %s frames, %s accounted for (%s)" % (
    umem.get("frames"), accounted,
    ", ".join("%s %s" % (k, umem.get(k)) for k in places)))
print("ovs-vswitchd fds %d -> %d, BPF programs %d -> %d, maps %d -> %d "
      "(baseline after its last start -> end)" % (
          totals["fd"]["baseline"], totals["fd"]["final"],
          totals["prog"]["baseline"], totals["prog"]["final"],
          totals["map"]["baseline"], totals["map"]["final"]))
print("XDP programs: %s; left behind: %s" % (
    ", ".join("%s id %s" % (p, v["attached"]) for p, v in
              sorted(xdp_ports.items())), ", ".join(stale) or "none"))
print("RSS over the second half: %s%% (%s)" % (
    rss["growth_pct"], ", ".join("%d s %d kB" % s for s in second)))
print("log lines explained by a fault: %d" % sum(explained.values()))
for (window, text, why), n in sorted(explained.items()):
    print("  %s: %dx %s\n      (%s)" % (window, n, text[:110], why))
if problems:
    print()
    for p in problems:
        print("FAILED: " + p)

if json_out:
    doc = {
        "duration_s": duration, "elapsed_s": t_end,
        "faults": [{k: v for k, v in r.items()
                    if k not in ("log_offset", "db_log_offset")}
                   for r in rows],
        "umem": {"frames": umem.get("frames"), "accounted": accounted,
                 "unaccounted": unaccounted,
                 **{k: umem.get(k) for k in places}},
        "vswitchd": {"baseline": {"%s:%s" % k: v for k, v in base.items()},
                     "final": {"%s:%s" % k: v for k, v in final.items()},
                     "diff": diff, "totals": totals},
        "xdp_ports": xdp_ports, "stale_xdp": stale, "rss": rss,
        "log_explained": [{"window": w, "line": t, "why": y, "count": n}
                          for (w, t, y), n in sorted(explained.items())],
        "log_unexplained": unexplained,
        "problems": problems, "passed": not problems,
    }
    with open(json_out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
sys.exit(1 if problems else 0)
EOF
