#!/bin/bash
# afzc-ovn-deps.sh -- installs Debian's OVN 23.03 packages for the OVN suite
# and the sandbox's --ovn mode, without letting them start anything.
#
# ovn-central, ovn-host and ovn-common are installed when one of them is
# missing (apt-get update first).  ovn-host pulls in Debian's
# openvswitch-switch; afzc never uses that package's ovs-vswitchd (the suite
# and the sandbox run the one built in this tree), so:
#
#   - during the install, /usr/sbin/policy-rc.d exits 101, which tells the
#     packages' maintainer scripts not to start their services (a
#     policy-rc.d that is already there is left as it is; one this script
#     made is removed afterwards);
#   - afterwards, the Debian services of Open vSwitch and OVN are stopped if
#     they run, and disabled (and masked where systemd is there to do it),
#     so that no boot starts them either.
#
# Usage: utilities/afzc-ovn-deps.sh [--check]
#   --check   only tell whether the packages are installed (exit 0 if so)
#
# Licensed under the Apache License, Version 2.0.

set -euo pipefail

packages=(ovn-central ovn-host ovn-common)
services=(ovn-central ovn-host ovn-northd ovn-controller ovn-ovsdb-server-nb
          ovn-ovsdb-server-sb openvswitch-switch ovs-vswitchd ovsdb-server
          ovs-record-hostname)
policy=/usr/sbin/policy-rc.d

say() { echo "afzc: $*"; }
die() { echo "afzc: error: $*" >&2; exit 1; }

# Prints the packages of $packages that are not installed.
missing_packages() {
    local p
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null \
            | grep -q '^install ok installed$' || echo "$p"
    done
}

# Stops and disables the Debian services that the packages brought, in
# whatever way this machine runs services (systemd or SysV scripts).
quiet_services() {
    local s
    for s in "${services[@]}"; do
        if [ -d /run/systemd/system ]; then
            systemctl stop "$s" >/dev/null 2>&1 || true
            systemctl disable "$s" >/dev/null 2>&1 || true
            systemctl mask "$s" >/dev/null 2>&1 || true
        elif [ -f "/lib/systemd/system/$s.service" ]; then
            # No systemd running here, but a later boot may have one: what
            # "systemctl disable" and "mask" would do, by hand.  Links in
            # /etc/systemd/system that point to the unit (its .wants
            # entries, its aliases) go, and the unit is masked.
            find /etc/systemd/system -type l \
                 -lname "/lib/systemd/system/$s.service" -delete
            ln -sfn /dev/null "/etc/systemd/system/$s.service"
        fi
        if [ -x "/etc/init.d/$s" ]; then
            "/etc/init.d/$s" stop >/dev/null 2>&1 || true
            update-rc.d "$s" disable >/dev/null 2>&1 || true
        fi
    done
    # Debian's /usr/share/openvswitch/scripts/ovs-ctl keeps its pid files in
    # /run/openvswitch and OVN's in /run/ovn: nothing may be left there.
    local pidfile pid
    for pidfile in /run/openvswitch/*.pid /run/ovn/*.pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile" 2>/dev/null) || continue
        case $pid in ''|*[!0-9]*) continue ;; esac
        if [ -d "/proc/$pid" ]; then
            say "stopping Debian's $(basename "$pidfile" .pid) (pid $pid)"
            kill -TERM "$pid" 2>/dev/null || true
        fi
    done
}

check_only=no
for arg in "$@"; do
    case $arg in
        --check) check_only=yes ;;
        -h|--help)
            sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
            exit 0 ;;
        *) die "unknown argument '$arg' (try --help)" ;;
    esac
done

missing=$(missing_packages)
if [ "$check_only" = yes ]; then
    [ -z "$missing" ]
    exit
fi
if [ -z "$missing" ]; then
    say "OVN packages are installed ($(dpkg-query -W -f='${Version}' ovn-common))"
    quiet_services
    exit 0
fi
[ "$(id -u)" = 0 ] || die "missing packages ($missing); run as root to install them"

say "installing $(echo $missing) without starting services..."
made_policy=no
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# Made by afzc-ovn-deps.sh for one install.\nexit 101\n' \
        > "$policy"
    chmod 755 "$policy"
    made_policy=yes
fi
rc=0
export DEBIAN_FRONTEND=noninteractive
apt-get update -q || rc=$?
[ "$rc" = 0 ] && { apt-get install -y -q --no-install-recommends $missing || rc=$?; }
[ "$made_policy" = no ] || rm -f "$policy"
quiet_services
[ "$rc" = 0 ] || die "apt-get failed (exit $rc)"
missing=$(missing_packages)
[ -z "$missing" ] || die "still missing after the install: $missing"
say "OVN packages are installed ($(dpkg-query -W -f='${Version}' ovn-common))"
