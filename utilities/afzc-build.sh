#!/bin/bash
# afzc-build.sh -- gets a Debian 12 machine from nothing to a built afzc.
#
# Steps, each skipped when already done, so running this twice is cheap:
#   1. installs the Debian packages afzc and Open vSwitch need (apt-get
#      update runs only when a package is missing);
#   2. unpacks Open vSwitch 3.1 from the openvswitch-source package into
#      deps/ovs of this checkout, configures it with --enable-afxdp and
#      builds it;
#   3. runs ./boot.sh and ./configure --with-ovs-source=deps/ovs in this
#      checkout when there is no configured tree yet, then make.
#
# Usage: utilities/afzc-build.sh [--no-packages] [--jobs=N]
#
# Environment: AFZC_OVS_DIR overrides where the Open vSwitch tree goes
# (default: deps/ovs of this checkout).
#
# Licensed under the Apache License, Version 2.0.

set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ovs=${AFZC_OVS_DIR:-$top/deps/ovs}
ovs_tarball=/usr/src/openvswitch/openvswitch.tar.gz
jobs=$(nproc 2>/dev/null || echo 2)
install_packages=yes
# Build logs go to deps/, which git ignores.
logs=$top/deps/logs

say() { echo "afzc: $*"; }
die() { echo "afzc: error: $*" >&2; exit 1; }

for arg in "$@"; do
    case $arg in
        --no-packages) install_packages=no ;;
        --jobs=*) jobs=${arg#--jobs=} ;;
        -h|--help)
            sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
            exit 0 ;;
        *) die "unknown argument '$arg' (try --help)" ;;
    esac
done

# Everything needed to build Open vSwitch with AF_XDP and afzc, to run the
# test suites (autom4te, python3) and the sandbox and system tests
# (iproute2, ping, nc, ethtool, tcpdump, ps), and clang's libFuzzer for the
# fuzzers (libclang-rt-dev).
packages=(
    openvswitch-source
    autoconf automake libtool make gcc libc6-dev linux-libc-dev pkg-config
    python3
    clang llvm bpftool libclang-rt-dev
    libbpf-dev libxdp-dev libnuma-dev libcap-ng-dev libssl-dev
    iproute2 iputils-ping netcat-openbsd ethtool tcpdump procps
)

# --- 1. Debian packages ----------------------------------------------------
if [ "$install_packages" = yes ]; then
    missing=()
    for p in "${packages[@]}"; do
        if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null \
                | grep -q '^install ok installed$'; then
            missing+=("$p")
        fi
    done
    if [ ${#missing[@]} -gt 0 ]; then
        [ "$(id -u)" = 0 ] \
            || die "missing packages (${missing[*]}); run as root to install them"
        say "installing packages: ${missing[*]}..."
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q --no-install-recommends "${missing[@]}"
    else
        say "all needed Debian packages are installed"
    fi
fi

# --- 2. Open vSwitch -------------------------------------------------------
# The tree counts as built when it was configured with AF_XDP and has what
# afzc links with and the tools the sandbox and the tests run.  A tree built
# by hand that passes this check is used as it is, never rebuilt.
ovs_products=(
    lib/libopenvswitch.la lib/libsflow.la ofproto/libofproto.la
    vswitchd/bridge.o vswitchd/ovs-vswitchd.o vswitchd/system-stats.o
    vswitchd/vswitch.ovsschema
    ovsdb/ovsdb-server ovsdb/ovsdb-tool ovsdb/ovsdb-client
    utilities/ovs-vsctl utilities/ovs-ofctl utilities/ovs-appctl
    utilities/ovs-dpctl
)
ovs_is_built() {
    [ -f "$ovs/config.h" ] || return 1
    grep -q '^#define HAVE_AF_XDP 1' "$ovs/config.h" || return 1
    for f in "${ovs_products[@]}"; do
        [ -e "$ovs/$f" ] || return 1
    done
}

if [ -f "$ovs/.afzc-built" ] && ovs_is_built; then
    say "Open vSwitch is already built in $ovs"
elif [ -d "$ovs" ] && [ ! -f "$ovs/.afzc-built" ] && ovs_is_built; then
    say "using the Open vSwitch tree already built in $ovs"
    touch "$ovs/.afzc-built"
else
    if [ ! -f "$ovs/configure" ]; then
        [ -f "$ovs_tarball" ] \
            || die "$ovs_tarball not found; install openvswitch-source"
        say "unpacking $ovs_tarball into $ovs..."
        rm -rf "$ovs.tmp"
        mkdir -p "$ovs.tmp"
        tar -xzf "$ovs_tarball" -C "$ovs.tmp"
        [ -f "$ovs.tmp/openvswitch/configure" ] \
            || die "$ovs_tarball does not hold openvswitch/configure"
        rm -rf "$ovs"
        mv "$ovs.tmp/openvswitch" "$ovs"
        rmdir "$ovs.tmp"
    fi
    version=$(sed -n 's/^AC_INIT(openvswitch, *\([^,)]*\).*/\1/p' \
                  "$ovs/configure.ac")
    case $version in
        3.1.*) ;;
        *) die "$ovs holds Open vSwitch '$version', afzc needs 3.1" ;;
    esac
    if [ ! -f "$ovs/config.status" ] \
        || ! grep -q '^#define HAVE_AF_XDP 1' "$ovs/config.h" 2>/dev/null; then
        # Every default directory of this private build lies inside it, so
        # its tools never reach a system Open vSwitch by accident.
        say "configuring Open vSwitch $version with AF_XDP..."
        (cd "$ovs" && PYTHON3=/usr/bin/python3 ./configure \
            --enable-afxdp \
            --with-rundir="$ovs/_var/run" \
            --with-logdir="$ovs/_var/log" \
            --with-dbdir="$ovs/_var/db" \
            > afzc-configure.log 2>&1) \
            || { tail -n 30 "$ovs/afzc-configure.log" >&2;
                 die "configuring Open vSwitch failed; see $ovs/afzc-configure.log"; }
    fi
    say "building Open vSwitch $version (about 2 minutes)..."
    (cd "$ovs" && make -j$((jobs + 1)) > afzc-make.log 2>&1) \
        || { tail -n 30 "$ovs/afzc-make.log" >&2;
             die "building Open vSwitch failed; see $ovs/afzc-make.log"; }
    ovs_is_built || die "Open vSwitch built, but something afzc needs is missing in $ovs"
    touch "$ovs/.afzc-built"
    say "Open vSwitch $version is built in $ovs"
fi

# --- 3. afzc ---------------------------------------------------------------
cd "$top"
mkdir -p "$logs"
if [ ! -x configure ]; then
    say "running ./boot.sh..."
    ./boot.sh > /dev/null 2>&1 || { ./boot.sh; die "./boot.sh failed"; }
fi

# Reconfigure when there is no configured tree, or when it was configured
# against another Open vSwitch tree.
need_configure=no
if [ ! -f config.status ] || [ ! -f Makefile ]; then
    need_configure=yes
else
    # config.status --config prints the arguments shell-quoted.
    eval "set -- $(./config.status --config 2>/dev/null)"
    need_configure=yes
    for a in "$@"; do
        [ "$a" = "--with-ovs-source=$ovs" ] && need_configure=no
    done
fi
if [ "$need_configure" = yes ]; then
    say "configuring afzc against $ovs..."
    ./configure --with-ovs-source="$ovs" > "$logs/configure.log" 2>&1 \
        || { tail -n 30 "$logs/configure.log" >&2;
             die "./configure failed; see $logs/configure.log and config.log"; }
fi

say "building afzc..."
make -j"$jobs" > "$logs/make.log" 2>&1 \
    || { tail -n 40 "$logs/make.log" >&2;
         die "make failed; see $logs/make.log"; }
[ -x vswitchd/ovs-vswitchd ] || die "make did not produce vswitchd/ovs-vswitchd"
say "built $top/vswitchd/ovs-vswitchd: $(vswitchd/ovs-vswitchd --version | sed -n 2p)"
