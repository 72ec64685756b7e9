#!/bin/bash
# afzc-vm.sh -- runs a command of this checkout in a Linux 7.3 guest under
# QEMU whose NICs have AF_XDP zero-copy drivers (virtio-net and igb).
#
# Usage:
#   utilities/afzc-vm.sh prepare
#       Installs or fetches what is missing, saying what it does:
#         - qemu-system-x86 from bookworm-backports (added to the host's apt
#           sources if absent) and busybox-static, from Debian;
#         - the guest kernel, trixie-backports' linux-binary-VERSION and
#           linux-modules-VERSION, fetched with "apt-get download" through a
#           private sources list and lists directory under deps/vm/apt (no
#           trixie package is installed on the host and trixie is never added
#           to its apt sources) and unpacked into deps/vm/kernel;
#       then builds deps/vm/initramfs.cpio.gz (busybox and the modules the
#       guest needs, decompressed).
#   utilities/afzc-vm.sh check SUITE AUTOTEST-PATH [FLAG]...
#       What "make check-afzc-zerocopy" runs: prepares, then runs the Autotest
#       suite SUITE in the guest (from the build tree's top, which must be
#       the current directory), copies its log and directory back into
#       tests/ and prints the pass/fail/skip counts.  A guest that hangs
#       (AFZC_VM_TIMEOUT seconds, default 1500) or stops early is a failed
#       run, its console log kept in tests/system-afzc-zerocopy-vm/.
#   utilities/afzc-vm.sh bench [virtio|igb|mixed] [BENCH-OPTION]...
#       Runs utilities/afzc-bench.sh in the guest on two of its NIC pairs
#       (--nics): virtio-net (zv0a:zv0b:zv1b:zv1a, the default), igb
#       (zi0a:zi0b:zi1b:zi1a), or mixed (virtio in, igb out), so that afzc
#       and OVS's afxdp ports are compared in zero-copy mode.  Without
#       BENCH-OPTIONs: the configurations afzc, afxdp-zc, afxdp-native and
#       xdp, 64- and 1500-byte frames, one flow, 3 rounds of 3 s (about ten
#       minutes under TCG).  Output and JSON (bench.json) in
#       deps/vm/bench-DRIVER.  Rates under QEMU/TCG emulation are no
#       hardware figures: only the ratios within one run mean something.
#   utilities/afzc-vm.sh run [--timeout=SECONDS] [--results=DIR] -- CMD...
#       Prepares, then boots the guest and runs CMD as root in the guest, in
#       the current directory, with the host's / read-only over 9p under a
#       tmpfs overlay (so the guest runs this checkout's own build) and DIR
#       (default deps/vm/run) shared writable at the same path.  The output
#       of CMD and the guest's console go to DIR/console.log, which is also
#       shown as it grows; CMD's exit status to DIR/rc.  Exits with CMD's
#       status, or 124 if the guest did not finish within SECONDS (default
#       1500), or 125 if it stopped (panic, crash) before CMD ended; the
#       console log is kept in both cases.
#
# The guest's NICs, renamed from their MAC addresses before CMD runs, each
# pair wired back to back through a QEMU hub of its own:
#   zv0a, zv0b   virtio-net, modern only, iommu_platform=on, one queue pair;
#   zv1a, zv1b   the same with mq=on and 2 queue pairs;
#   zi0a, zi0b   igb (Intel 82576), each on its own PCIe root port;
#   zi1a, zi1b   igb, the same.
# CMD sees AFZC_VM=yes in its environment.
#
# Environment: AFZC_VM_KERNEL (default 7.3.4+deb13-amd64), AFZC_VM_SMP
# (default 2), AFZC_VM_MEM (MiB, default 3072), AFZC_VM_DIR (default
# deps/vm of this checkout).
#
# Licensed under the Apache License, Version 2.0.

set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
vm=${AFZC_VM_DIR:-$top/deps/vm}
kver=${AFZC_VM_KERNEL:-7.3.4+deb13-amd64}
smp=${AFZC_VM_SMP:-2}
mem=${AFZC_VM_MEM:-3072}
mirror=http://deb.debian.org/debian

say() { echo "afzc-vm: $*"; }
die() { echo "afzc-vm: error: $*" >&2; exit 1; }

# The guest's modules: 9p root and overlay, the NIC drivers, and the
# devices the tests create (veth, and tun for the userspace datapath's own
# ports), and their dependencies.
guest_modules=(9p 9pnet_virtio overlay virtio_net igb veth tun)

# Whether Debian package $1 is installed on the host.
installed() {
    dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null \
        | grep -q '^install ok installed$'
}

# Installs qemu-system-x86 (10.0 or later, for igb, from bookworm-backports)
# and busybox-static on the host.
prepare_host_packages() {
    local qemu_ok=no
    if command -v qemu-system-x86_64 >/dev/null &&
       qemu-system-x86_64 -device help 2>/dev/null | grep -q '"igb"'; then
        qemu_ok=yes
    fi
    if [ "$qemu_ok" = yes ] && installed busybox-static; then
        return 0
    fi
    [ "$(id -u)" = 0 ] || die "qemu-system-x86 with igb and busybox-static are missing; run as root to install them"
    export DEBIAN_FRONTEND=noninteractive
    if [ "$qemu_ok" = no ]; then
        if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list \
                /etc/apt/sources.list.d/; then
            say "adding bookworm-backports to the host's apt sources (/etc/apt/sources.list.d/afzc-bookworm-backports.list)"
            echo "deb $mirror bookworm-backports main" \
                > /etc/apt/sources.list.d/afzc-bookworm-backports.list
        fi
        say "installing qemu-system-x86 from bookworm-backports (QEMU 10, which emulates igb)..."
        apt-get update -q
        apt-get install -y -q --no-install-recommends \
            -t bookworm-backports qemu-system-x86
    fi
    if ! installed busybox-static; then
        say "installing busybox-static..."
        apt-get install -y -q --no-install-recommends busybox-static \
            || { apt-get update -q &&
                 apt-get install -y -q --no-install-recommends busybox-static; }
    fi
}

# apt-get with a private configuration that knows trixie-backports only:
# its own sources list, lists, cache and status, nothing of the host's.
private_apt() {
    apt-get \
        -o Dir::Etc::SourceList="$vm/apt/sources.list" \
        -o Dir::Etc::SourceParts=/dev/null \
        -o Dir::Etc::Preferences=/dev/null \
        -o Dir::Etc::PreferencesParts=/dev/null \
        -o Dir::State::Lists="$vm/apt/lists" \
        -o Dir::State::status="$vm/apt/status" \
        -o Dir::Cache="$vm/apt/cache" \
        -o APT::Get::List-Cleanup=false \
        "$@"
}

# Fetches and unpacks the guest kernel into $vm/kernel.
prepare_kernel() {
    local kdir=$vm/kernel pkg deb
    if [ -d "$kdir/usr/lib/modules/$kver/kernel" ] && kernel_image >/dev/null; then
        return 0
    fi
    mkdir -p "$vm/apt/lists/partial" "$vm/apt/cache/archives/partial" \
        "$vm/debs"
    : > "$vm/apt/status"
    echo "deb $mirror trixie-backports main" > "$vm/apt/sources.list"
    say "fetching the guest kernel $kver from trixie-backports through a private apt configuration in $vm/apt (nothing is installed on the host)..."
    private_apt update -q >"$vm/apt/update.log" 2>&1 \
        || { cat "$vm/apt/update.log" >&2; die "apt-get update of the private trixie-backports list failed"; }
    rm -rf "$kdir.tmp"
    mkdir -p "$kdir.tmp"
    for pkg in "linux-binary-$kver" "linux-modules-$kver"; do
        (cd "$vm/debs" && private_apt download -q "$pkg") \
            || die "could not download $pkg (apt-cache of the private list: $(private_apt -q search "^linux-(binary|modules)-7" 2>/dev/null | head -5 | tr '\n' ';'))"
        deb=$(ls -t "$vm/debs/${pkg}"_*.deb | head -1)
        say "unpacking $(basename "$deb")"
        dpkg-deb -x "$deb" "$kdir.tmp"
    done
    rm -rf "$kdir"
    mv "$kdir.tmp" "$kdir"
    [ -d "$kdir/usr/lib/modules/$kver/kernel" ] \
        || die "no modules for $kver in the unpacked packages"
    kernel_image >/dev/null || die "no vmlinuz in the unpacked packages"
}

# Prints the path of the guest kernel's image.
kernel_image() {
    local f
    for f in "$vm/kernel/usr/lib/modules/$kver/vmlinuz" \
             "$vm/kernel/boot/vmlinuz-$kver"; do
        [ -f "$f" ] && { echo "$f"; return 0; }
    done
    return 1
}

# Prints the modules (paths relative to the modules directory) that the
# modules named as arguments need, dependencies first, each once.  The
# packages ship no modules.dep (depmod makes it on installation), so the
# dependencies are read from each module's .modinfo section.
module_closure() {
    python3 - "$vm/kernel/usr/lib/modules/$kver" "$@" <<'EOF'
import lzma, os, struct, sys
top = sys.argv[1]
path = {}
for d, _, files in os.walk(os.path.join(top, 'kernel')):
    for f in files:
        if '.ko' in f:
            path[f.split('.ko')[0].replace('-', '_')] = \
                os.path.relpath(os.path.join(d, f), top)
def depends(rel):
    data = open(os.path.join(top, rel), 'rb').read()
    if rel.endswith('.xz'):
        data = lzma.decompress(data)
    shoff, = struct.unpack_from('<Q', data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3a)
    def sh(i):
        return struct.unpack_from('<IIQQQQ', data, shoff + i * shentsize)
    stroff = sh(shstrndx)[4]
    for i in range(shnum):
        name, _, _, _, off, size = sh(i)
        n = data[stroff + name:data.index(b'\0', stroff + name)]
        if n == b'.modinfo':
            for kv in data[off:off + size].split(b'\0'):
                if kv.startswith(b'depends='):
                    return [x for x in kv[8:].decode().split(',') if x]
    return []
out = []
def visit(m):
    m = m.replace('-', '_')
    if m not in path:
        sys.exit("module %s not found" % m)
    if path[m] in out:
        return
    for d in depends(path[m]):
        visit(d)
    if path[m] not in out:
        out.append(path[m])
for m in sys.argv[2:]:
    visit(m)
print('\n'.join(out))
EOF
}

# Builds $vm/initramfs.cpio.gz: busybox, the modules and the init script.
prepare_initramfs() {
    local out=$vm/initramfs.cpio.gz dir=$vm/initramfs mdir m
    if [ -f "$out" ] && [ "$out" -nt "$0" ] &&
       [ "$out" -nt "$(kernel_image)" ]; then
        return 0
    fi
    say "building the guest's initramfs ($out)"
    rm -rf "$dir"
    mkdir -p "$dir/bin" "$dir/modules" "$dir/proc" "$dir/sys" "$dir/dev" \
        "$dir/lower" "$dir/upper" "$dir/root"
    cp /bin/busybox "$dir/bin/busybox"
    mdir=$vm/kernel/usr/lib/modules/$kver
    : > "$dir/modules/order"
    for m in $(module_closure "${guest_modules[@]}"); do
        case $m in
            *.xz) xz -dc "$mdir/$m" > "$dir/modules/$(basename "${m%.xz}")" ;;
            *.zst) zstd -qdc "$mdir/$m" > "$dir/modules/$(basename "${m%.zst}")" ;;
            *.gz) gzip -dc "$mdir/$m" > "$dir/modules/$(basename "${m%.gz}")" ;;
            *) cp "$mdir/$m" "$dir/modules/" ;;
        esac
        m=$(basename "$m"); m=${m%.xz}; m=${m%.zst}; m=${m%.gz}
        echo "$m" >> "$dir/modules/order"
    done
    cat > "$dir/init" <<'EOF'
#!/bin/busybox sh
# The guest's first stage: modules, the host's root over 9p under a tmpfs
# overlay, the results directory, then the second stage in the new root.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /modules/order); do
    insmod /modules/$m || echo "afzc-vm init: insmod $m failed"
done
results=$(sed -n 's/.*afzc.results=\([^ ]*\).*/\1/p' /proc/cmdline)
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose \
    hostroot /lower || { echo "afzc-vm init: no 9p root"; poweroff -f; }
mount -t tmpfs -o size=1536m,mode=0755 upper /upper
mkdir -p /upper/u /upper/w
mount -t overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w \
    overlay /root || { echo "afzc-vm init: no overlay"; poweroff -f; }
mkdir -p /root$results
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 \
    results /root$results || { echo "afzc-vm init: no results dir"; poweroff -f; }
for d in proc sys dev; do mount --move /$d /root/$d; done
exec switch_root /root /bin/bash $results/guest.sh
EOF
    chmod +x "$dir/init"
    (cd "$dir" && find . | /bin/busybox cpio -o -H newc 2>/dev/null | gzip -1) > "$out.tmp"
    mv "$out.tmp" "$out"
}

prepare() {
    mkdir -p "$vm"
    prepare_host_packages
    prepare_kernel
    prepare_initramfs
}

# Writes the guest's second stage, $1/guest.sh, which runs "$@" (after $1)
# in directory $PWD.
write_guest_script() {
    local results=$1 q
    shift
    q=$(printf '%q ' "$@")
    cat > "$results/guest.sh" <<EOF
#!/bin/bash
# The guest's second stage (PID 1), written by afzc-vm.sh.
results='$results'
EOF
    cat >> "$results/guest.sh" <<'EOF'
mount -t tmpfs -o mode=0755 run /run
# /tmp stays the host's, under the overlay: a checkout there (a CI clone)
# and the results directory in it must stay visible.
mkdir -p /dev/pts /dev/shm /sys/fs/bpf
mount -t devpts devpts /dev/pts
mount -t tmpfs shm /dev/shm
mount -t bpf bpffs /sys/fs/bpf
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
ulimit -l unlimited
hostname afzc-vm
ip link set lo up
# Stable names for the NICs, from the MAC addresses the host gave them.
for dev in /sys/class/net/*; do
    mac=$(cat $dev/address)
    case $mac in
        52:54:00:af:0[0-9a-f]:*) ;;
        *) continue ;;
    esac
    case ${mac##*:} in
        00) name=zv0a ;; 01) name=zv0b ;; 02) name=zv1a ;; 03) name=zv1b ;;
        04) name=zi0a ;; 05) name=zi0b ;; 06) name=zi1a ;; 07) name=zi1b ;;
        *) continue ;;
    esac
    ip link set dev ${dev##*/} name $name
done
echo "afzc-vm: guest up: $(uname -r), $(nproc) CPUs; NICs:"
for dev in /sys/class/net/z*; do
    echo "  ${dev##*/}: $(basename $(readlink $dev/device/driver)) $(cat $dev/address)"
done
export AFZC_VM=yes PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb
EOF
    cat >> "$results/guest.sh" <<EOF
cd $(printf '%q' "$PWD") && $q
EOF
    cat >> "$results/guest.sh" <<'EOF'
rc=$?
echo $rc > $results/rc
echo "afzc-vm: guest command exited $rc"
sync
umount $results 2>/dev/null
echo o > /proc/sysrq-trigger
while :; do :; done
EOF
}

# Boots the guest; see the usage above.
run() {
    local timeout=1500 results=$vm/run qemu_pid tail_pid rc i
    while [ $# -gt 0 ]; do
        case $1 in
            --timeout=*) timeout=${1#--timeout=} ;;
            --results=*) results=${1#--results=} ;;
            --) shift; break ;;
            *) die "unknown argument '$1' (try --help)" ;;
        esac
        shift
    done
    [ $# -gt 0 ] || die "no command to run in the guest"
    prepare
    mkdir -p "$results"
    results=$(cd "$results" && pwd)
    rm -f "$results/rc" "$results/console.log" "$results/guest.sh"
    write_guest_script "$results" "$@"

    # Each pair of NICs on a hub of its own; MAC 52:54:00:af:0P:0N names
    # NIC N (0-7, see the guest script).
    local nics=() n=0 hub mac
    nics+=(-device pcie-root-port,id=rp0,chassis=1,slot=1
           -device pcie-root-port,id=rp1,chassis=2,slot=2
           -device pcie-root-port,id=rp2,chassis=3,slot=3
           -device pcie-root-port,id=rp3,chassis=4,slot=4)
    for n in 0 1 2 3 4 5 6 7; do
        hub=$((n / 2 + 1))
        mac=52:54:00:af:0$((n / 2)):0$n
        case $n in
            0|1) nics+=(-netdev hubport,id=n$n,hubid=$hub
                        -device virtio-net-pci,netdev=n$n,mac=$mac,disable-legacy=on,iommu_platform=on) ;;
            2|3) nics+=(-netdev tap,id=n$n,ifname=zvq$n,script=no,downscript=no,vhost=off,queues=2
                        -device virtio-net-pci,netdev=n$n,mac=$mac,disable-legacy=on,iommu_platform=on,mq=on,vectors=6) ;;
            *) nics+=(-netdev hubport,id=n$n,hubid=$hub
                      -device igb,netdev=n$n,mac=$mac,bus=rp$((n - 4))) ;;
        esac
    done
    # A hub port has one queue only, so the multi-queue pair is wired
    # through two multi-queue taps on a bridge instead, in a network
    # namespace of QEMU's own (unshare below), away from the host's.
    say "booting the guest (QEMU/TCG, $smp CPUs, ${mem} MiB; console in $results/console.log; at most ${timeout}s)"
    : > "$results/console.log"
    unshare --net -- /bin/sh -c '
        set -e
        ip link set lo up
        sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
        ip link add zvqbr mtu 9000 type bridge
        for t in zvq2 zvq3; do
            ip tuntap add dev $t mode tap multi_queue
            ip link set $t mtu 9000 master zvqbr up
        done
        ip link set zvqbr up
        exec "$@"' afzc-vm-netns \
    qemu-system-x86_64 -machine q35,accel=tcg -cpu max -smp "$smp" -m "$mem" \
        -nodefaults -display none -no-reboot -monitor none \
        -chardev file,id=con,path="$results/console.log" -serial chardev:con \
        -kernel "$(kernel_image)" -initrd "$vm/initramfs.cpio.gz" \
        -append "console=ttyS0 panic=-1 oops=panic loglevel=4 afzc.results=$results" \
        -fsdev local,id=root,path=/,readonly=on,security_model=none,multidevs=remap \
        -device virtio-9p-pci,fsdev=root,mount_tag=hostroot \
        -fsdev local,id=res,path="$results",security_model=none \
        -device virtio-9p-pci,fsdev=res,mount_tag=results \
        "${nics[@]}" &
    qemu_pid=$!
    tail -n +1 -f --pid=$qemu_pid "$results/console.log" | tr -d '\r' &
    tail_pid=$!
    for ((i = 0; i < timeout; i++)); do
        kill -0 $qemu_pid 2>/dev/null || break
        sleep 1
    done
    if kill -0 $qemu_pid 2>/dev/null; then
        say "the guest did not finish within ${timeout}s: stopping it; console log kept in $results/console.log"
        kill $qemu_pid 2>/dev/null || true
        sleep 2
        kill -9 $qemu_pid 2>/dev/null || true
        wait $qemu_pid 2>/dev/null || true
        wait $tail_pid 2>/dev/null || true
        return 124
    fi
    wait $qemu_pid 2>/dev/null || true
    wait $tail_pid 2>/dev/null || true
    if [ ! -f "$results/rc" ]; then
        say "the guest stopped before its command ended (panic or crash?); console log kept in $results/console.log"
        return 125
    fi
    rc=$(cat "$results/rc")
    return "$rc"
}

# Runs the zero-copy suite SUITE in the guest, for "make
# check-afzc-zerocopy", from the build tree's top: check SUITE
# AUTOTEST-PATH [TESTSUITEFLAG]...  Its log and directory end up in tests/
# as for the other suites; the guest's console in
# tests/system-afzc-zerocopy-vm/console.log.
check() {
    local suite=$1 path=$2 name results rc pass fail skip
    shift 2
    suite=$(cd "$(dirname "$suite")" && pwd)/$(basename "$suite")
    name=$(basename "$suite")
    results=$PWD/tests/system-afzc-zerocopy-vm
    [ -x "$suite" ] || [ -f "$suite" ] || die "no suite $suite"
    mkdir -p "$results"
    rm -rf "$results/$name.log" "$results/$name.dir" "$results/suite.out" \
        "$results/running"
    set +e
    run --timeout="${AFZC_VM_TIMEOUT:-1500}" --results="$results" -- \
        /bin/bash -c '
            results=$1 suite=$2 name=$3 path=$4
            shift 4
            cd tests || exit 1
            # The log reaches the host as the suite goes, in case the guest
            # never finishes.
            (while sleep 10; do
                 cp $name.log $results/ 2>/dev/null
                 for f in $name.dir/*/$name.log; do
                     [ -f "$f" ] || continue
                     mkdir -p $results/running/${f%/*}
                     cp $f $results/running/$f
                 done
             done) &
            copier=$!
            /bin/sh "$suite" -C . AUTOTEST_PATH="$path" "$@" -j1 \
                2>&1 | tee $results/suite.out
            rc=${PIPESTATUS[0]}
            kill $copier
            cp $name.log $results/ 2>/dev/null
            cp -r $name.dir $results/ 2>/dev/null
            exit $rc' afzc-vm-check "$results" "$suite" "$name" "$path" "$@"
    rc=$?
    set -e
    if [ -f "$results/$name.log" ]; then
        rm -rf "tests/$name.log" "tests/$name.dir"
        cp "$results/$name.log" tests/
        [ ! -d "$results/$name.dir" ] || cp -r "$results/$name.dir" tests/
    fi
    # The result lines of the suite, as the console showed them (a serial
    # console ends its lines with CR LF).
    tr -d '\r' < "$results/console.log" > "$results/console.txt"
    pass=$(grep -E -c '^ *[0-9]+: .* (ok|expected failure.*)$' "$results/console.txt" || true)
    fail=$(grep -E -c '^ *[0-9]+: .* (FAILED|UNEXPECTED PASS).*$' "$results/console.txt" || true)
    skip=$(grep -E -c '^ *[0-9]+: .* skipped.*$' "$results/console.txt" || true)
    case $rc in
        0) ;;
        124|125) fail=$((fail + 1)) ;;
        *) [ "$fail" -gt 0 ] || fail=1 ;;
    esac
    say "zero-copy suite: $pass passed, $fail failed, $skip skipped (guest exit status $rc)"
    say "  log: $PWD/tests/$name.log; guest console: $results/console.log"
    return "$rc"
}

# Runs afzc-bench.sh in the guest on the NIC pairs of driver $1 (see the
# usage text), with afzc-bench.sh options $2....
bench() {
    local which=${1:-virtio} nics results
    [ $# -eq 0 ] || shift
    case $which in
        virtio) nics=zv0a:zv0b:zv1b:zv1a ;;
        igb) nics=zi0a:zi0b:zi1b:zi1a ;;
        mixed) nics=zv0a:zv0b:zi1b:zi1a ;;
        -*) set -- "$which" "$@"; which=virtio nics=zv0a:zv0b:zv1b:zv1a ;;
        *) die "bench: unknown NIC set '$which' (virtio, igb or mixed)" ;;
    esac
    [ $# -gt 0 ] || set -- --configs=afzc,afxdp-zc,afxdp-native,xdp \
        --sizes=64,1500 --flows=1 --repeat=3 --seconds=3
    results=$vm/bench-$which
    mkdir -p "$results"
    rm -rf "$results/run"
    # The run directory (with ovsdb-server's unix socket) stays on the
    # guest's own file system, and is copied out at the end.
    run --timeout="${AFZC_VM_TIMEOUT:-1500}" --results="$results" -- \
        /bin/bash -c '
            results=$1 nics=$2
            shift 2
            utilities/afzc-bench.sh --nics="$nics" --dir=/run/afzc-vm-bench \
                --json="$results/bench.json" "$@"
            rc=$?
            cp -r /run/afzc-vm-bench "$results/run"
            exit $rc' afzc-vm-bench "$results" "$nics" "$@"
}

case ${1:-} in
    prepare) shift; prepare ;;
    bench) shift; bench "$@" ;;
    check) shift; check "$@" ;;
    run) shift; run "$@" ;;
    -h|--help|'') sed -n '2,/^$/s/^# \{0,1\}//p' "$0" ;;
    *) die "unknown command '$1' (try --help)" ;;
esac
