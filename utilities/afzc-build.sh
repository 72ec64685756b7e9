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
#      checkout when there is no configured tree yet, then make;
#   4. with --sanitizers only: builds a second Open vSwitch tree, in
#      deps/ovs-asan, with AddressSanitizer and UBSan (about 15 minutes on
#      2 CPUs), and a sanitizer build of afzc against it in build-asan/
#      (a tree of symbolic links to this checkout's files, configured with
#      --enable-sanitizers), for "make check-afzc-sanitizers".
#
# Usage: utilities/afzc-build.sh [--no-packages] [--jobs=N] [--sanitizers]
#
# Environment: AFZC_OVS_DIR overrides where the Open vSwitch tree goes
# (default: deps/ovs of this checkout), AFZC_OVS_ASAN_DIR where the
# sanitizer one goes (default: deps/ovs-asan).
#
# Licensed under the Apache License, Version 2.0.

set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ovs=${AFZC_OVS_DIR:-$top/deps/ovs}
ovs_tarball=/usr/src/openvswitch/openvswitch.tar.gz
jobs=$(nproc 2>/dev/null || echo 2)
install_packages=yes
sanitizers=no
ovs_asan=${AFZC_OVS_ASAN_DIR:-$top/deps/ovs-asan}
asan_build=$top/build-asan
# The sanitizers of the Open vSwitch tree of --sanitizers, as afzc's own
# (m4/afzc-sanitizers.m4), less what Open vSwitch 3.1 itself trips over in
# the tests, which is not afzc's to fix:
#   -fno-sanitize=nonnull-attribute: queue_netdev_flow_put() in
#   lib/dpif-netdev.c (line 3047) calls memcpy() with a NULL source and a
#   zero length for a flow without actions whenever flow offload is on
#   (other_config:hw-offload=true), which every offload test sets.
ovs_asan_cflags='-g -O1 -fsanitize=address,undefined -fno-sanitize=nonnull-attribute -fno-omit-frame-pointer'
# Build logs go to deps/, which git ignores.
logs=$top/deps/logs

say() { echo "afzc: $*"; }
die() { echo "afzc: error: $*" >&2; exit 1; }

for arg in "$@"; do
    case $arg in
        --no-packages) install_packages=no ;;
        --jobs=*) jobs=${arg#--jobs=} ;;
        --sanitizers) sanitizers=yes ;;
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
# ovs_is_built DIR: whether DIR holds an Open vSwitch tree built as above.
ovs_is_built() {
    local dir=$1 f
    [ -f "$dir/config.h" ] || return 1
    grep -q '^#define HAVE_AF_XDP 1' "$dir/config.h" || return 1
    for f in "${ovs_products[@]}"; do
        [ -e "$dir/$f" ] || return 1
    done
}

# build_ovs DIR [CFLAGS]: unpacks, configures and builds Open vSwitch 3.1
# in DIR, compiled with CFLAGS if given (then at the lowest CPU priority,
# and never reusing a tree configured with other CFLAGS), unless it is
# already built there.
build_ovs() {
    local dir=$1 cflags=${2:-} version minutes=2 nice_cmd=()
    if [ -n "$cflags" ]; then
        nice_cmd=(nice -n 19)
        minutes=15
        if [ -f "$dir/config.status" ] \
            && ! grep -qxF "CFLAGS = $cflags" "$dir/Makefile" 2>/dev/null; then
            die "$dir was configured with other CFLAGS than '$cflags'; remove it"
        fi
    fi
    if [ -f "$dir/.afzc-built" ] && ovs_is_built "$dir"; then
        say "Open vSwitch is already built in $dir"
        return 0
    elif [ -d "$dir" ] && [ ! -f "$dir/.afzc-built" ] && ovs_is_built "$dir"; then
        say "using the Open vSwitch tree already built in $dir"
        touch "$dir/.afzc-built"
        return 0
    fi
    if [ ! -f "$dir/configure" ]; then
        [ -f "$ovs_tarball" ] \
            || die "$ovs_tarball not found; install openvswitch-source"
        say "unpacking $ovs_tarball into $dir..."
        rm -rf "$dir.tmp"
        mkdir -p "$dir.tmp"
        tar -xzf "$ovs_tarball" -C "$dir.tmp"
        [ -f "$dir.tmp/openvswitch/configure" ] \
            || die "$ovs_tarball does not hold openvswitch/configure"
        rm -rf "$dir"
        mv "$dir.tmp/openvswitch" "$dir"
        rmdir "$dir.tmp"
    fi
    version=$(sed -n 's/^AC_INIT(openvswitch, *\([^,)]*\).*/\1/p' \
                  "$dir/configure.ac")
    case $version in
        3.1.*) ;;
        *) die "$dir holds Open vSwitch '$version', afzc needs 3.1" ;;
    esac
    if [ ! -f "$dir/config.status" ] \
        || ! grep -q '^#define HAVE_AF_XDP 1' "$dir/config.h" 2>/dev/null; then
        # Every default directory of this private build lies inside it, so
        # its tools never reach a system Open vSwitch by accident.
        say "configuring Open vSwitch $version with AF_XDP${cflags:+, CFLAGS='$cflags'}..."
        (cd "$dir" && PYTHON3=/usr/bin/python3 ./configure \
            --enable-afxdp \
            --with-rundir="$dir/_var/run" \
            --with-logdir="$dir/_var/log" \
            --with-dbdir="$dir/_var/db" \
            ${cflags:+CFLAGS="$cflags"} \
            > afzc-configure.log 2>&1) \
            || { tail -n 30 "$dir/afzc-configure.log" >&2;
                 die "configuring Open vSwitch failed; see $dir/afzc-configure.log"; }
    fi
    say "building Open vSwitch $version in $dir (about $minutes minutes)..."
    (cd "$dir" && "${nice_cmd[@]}" make -j$((jobs + 1)) > afzc-make.log 2>&1) \
        || { tail -n 30 "$dir/afzc-make.log" >&2;
             die "building Open vSwitch failed; see $dir/afzc-make.log"; }
    ovs_is_built "$dir" \
        || die "Open vSwitch built, but something afzc needs is missing in $dir"
    touch "$dir/.afzc-built"
    say "Open vSwitch $version is built in $dir"
}

build_ovs "$ovs"

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

# --- 4. the sanitizer build (--sanitizers) ---------------------------------
[ "$sanitizers" = yes ] || exit 0

build_ovs "$ovs_asan" "$ovs_asan_cflags"

# build-asan/ mirrors this checkout with a symbolic link for every file git
# knows of (committed, or new and not ignored), so that it builds whatever
# the checkout holds, edits included, while its own configure, objects and
# test suites stay apart: automake refuses a VPATH build from a source tree
# that is itself configured.  Links to files that are gone are removed, and
# links to new files added, on every run.
say "linking $asan_build to the files of $top..."
git -C "$top" rev-parse --git-dir > /dev/null 2>&1 \
    || die "--sanitizers needs a git checkout (it links build-asan/ to git's list of files)"
mkdir -p "$asan_build"
find "$asan_build" -xtype l -delete
git -C "$top" ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' f; do
        [ -f "$top/$f" ] || continue
        if [ ! -L "$asan_build/$f" ]; then
            mkdir -p "$asan_build/$(dirname "$f")"
            ln -sf "$top/$f" "$asan_build/$f"
        fi
    done

cd "$asan_build"
if [ ! -x configure ] || [ configure -ot configure.ac ]; then
    say "running ./boot.sh in $asan_build..."
    ./boot.sh > /dev/null 2>&1 || { ./boot.sh; die "./boot.sh failed in $asan_build"; }
fi
need_configure=yes
if [ -f config.status ] && [ -f Makefile ]; then
    eval "set -- $(./config.status --config 2>/dev/null)"
    have_ovs=no have_san=no
    for a in "$@"; do
        [ "$a" = "--with-ovs-source=$ovs_asan" ] && have_ovs=yes
        [ "$a" = --enable-sanitizers ] && have_san=yes
    done
    [ $have_ovs = yes ] && [ $have_san = yes ] && need_configure=no
fi
if [ "$need_configure" = yes ]; then
    say "configuring $asan_build with --enable-sanitizers against $ovs_asan..."
    ./configure --enable-sanitizers --with-ovs-source="$ovs_asan" \
        > "$logs/configure-asan.log" 2>&1 \
        || { tail -n 30 "$logs/configure-asan.log" >&2;
             die "./configure failed in $asan_build; see $logs/configure-asan.log"; }
fi
say "building afzc with sanitizers in $asan_build..."
nice -n 19 make -j"$jobs" > "$logs/make-asan.log" 2>&1 \
    || { tail -n 40 "$logs/make-asan.log" >&2;
         die "make failed in $asan_build; see $logs/make-asan.log"; }
say "built $asan_build/vswitchd/ovs-vswitchd with sanitizers; run 'make check-afzc-sanitizers'"
