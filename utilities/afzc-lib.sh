# afzc-lib.sh -- shell functions shared by the afzc utilities that run a
# private Open vSwitch (afzc-sandbox.sh, afzc-ovn-sandbox.sh,
# afzc-bench.sh).  Sourced, not run.
#
# The sourcing script sets $ovs (the Open vSwitch build tree) and $run (the
# run directory, absolute) first, and defines warn().
#
# Licensed under the Apache License, Version 2.0.

# The private Open vSwitch finds everything of its own in the run directory.
export OVS_RUNDIR=$run OVS_LOGDIR=$run OVS_DBDIR=$run
export OVS_SYSCONFDIR=$run/etc

vsctl() { "$ovs/utilities/ovs-vsctl" --db="unix:$run/db.sock" --timeout=30 "$@"; }
ofctl() { "$ovs/utilities/ovs-ofctl" "$@"; }
appctl() { "$ovs/utilities/ovs-appctl" --timeout=30 "$@"; }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# The EXIT trap of a script that runs a private Open vSwitch.  The script
# defines say() and teardown(), and may define keep_message() (what to print
# when --keep leaves things running) and finish_hook() (run first, for the
# script's own cleanup: a sampler to stop, a sysctl to put back).  It sets
# $keep, and may set $status, which makes the exit a failure while it is not
# 0 (so a script can set it to 1 at the start and to 0 when all went well).
# Leaves everything running with --keep, and otherwise tears it down, then
# exits with the script's status.
afzc_sandbox_finish() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "${status:-}" ] && [ "$status" != 0 ] && [ "$rc" = 0 ]; then
        rc=1
    fi
    if declare -F finish_hook > /dev/null; then
        finish_hook || true
    fi
    if [ "$keep" = yes ]; then
        if declare -F keep_message > /dev/null; then
            keep_message
        else
            say "left running (--keep); remove with: $0 --teardown --dir=$run"
        fi
    else
        say "tearing down..."
        teardown
        say "removed the daemons and namespaces; logs are in $run"
    fi
    exit "$rc"
}

# Prints the pid recorded in pidfile $1 if that process is alive and was
# started with that pidfile, which rules out a recycled pid.
pid_from_file() {
    local pidfile=$1 pid
    [ -f "$pidfile" ] || return 1
    pid=$(cat "$pidfile" 2>/dev/null) || return 1
    case $pid in ''|*[!0-9]*) return 1 ;; esac
    [ -r "/proc/$pid/cmdline" ] || return 1
    tr '\0' '\n' < "/proc/$pid/cmdline" | grep -qxF -- "--pidfile=$pidfile" \
        || return 1
    echo "$pid"
}

# Stops the daemon whose pidfile is $1: SIGTERM, then, if it is still there
# after $2 tenths of a second (default 50), SIGKILL.
stop_daemon() {
    local pidfile=$1 tenths=${2:-50} pid i
    pid=$(pid_from_file "$pidfile") || { rm -f "$pidfile"; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq "$tenths"); do
        [ -d "/proc/$pid" ] || break
        sleep 0.1
    done
    if [ -d "/proc/$pid" ]; then
        warn "pid $pid ($pidfile) ignored SIGTERM; killing it"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
    fi
    rm -f "$pidfile"
}
