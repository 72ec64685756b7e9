#!/bin/bash
# afzc-test.sh -- builds afzc and runs its test suites.
#
# Runs utilities/afzc-build.sh, then "make check" (the unit suite,
# tests/testsuite), "make check-afzc" (the system suite,
# tests/system-afzc-testsuite, which needs root), "make check-afzc-ovn"
# (the OVN suite, tests/system-afzc-ovn-testsuite: OVN chassis with afzc
# ports; root too, and it installs Debian's OVN packages on first use, see
# utilities/afzc-ovn-deps.sh) and "make check-afzc-zerocopy" (the zero-copy
# suite, in a QEMU guest with virtio-net and igb NICs; root too, and it
# installs QEMU and fetches the guest's kernel on first use, see
# utilities/afzc-vm.sh; AFZC_ZEROCOPY=no or --no-zerocopy skips it).
# Between the system and OVN suites, "make check-afzc-fuzz" runs each
# libFuzzer harness of tests/fuzz/ for AFZC_FUZZ_TIME seconds (default
# 20); AFZC_FUZZ=no or --no-fuzz skips it.  (The differential test of the
# XDP classifier is in the system suite.)
# Every suite runs even when an earlier one fails; the exit status is
# non-zero when any failed.
#
# A suite in which at most $AFZC_RECHECK_MAX tests (default 3) failed runs
# those tests once more, as Open vSwitch's own CI does with RECHECK=yes.
# A test that passes then counts as passed but is reported by name, at the
# end and with why it failed the first time, as flaky (the first run's log
# is kept as deps/logs/SUITE.first.log); one that fails again fails the
# suite.  AFZC_RECHECK=no or --no-recheck turns this off.
#
# Usage: utilities/afzc-test.sh [--unit|--system|--fuzz|--ovn|--zerocopy]
#                               [--with-zerocopy|--no-zerocopy] [--no-ovn]
#                               [--no-fuzz] [--no-build] [FLAG]...
#   --unit           run only the unit suite
#   --system         run only the system suite
#   --fuzz           run only the fuzzers' smoke run
#   --no-fuzz        do not run the fuzzers
#   --ovn            run only the OVN suite
#   --no-ovn         do not run the OVN suite
#   --zerocopy       run only the zero-copy suite
#   --with-zerocopy  run the zero-copy suite after the others (the default)
#   --no-zerocopy    do not run the zero-copy suite
#   --no-build     do not run utilities/afzc-build.sh first
#   --no-recheck   do not run a suite's failed tests a second time
#   FLAG...        passed to every suite, after $TESTSUITEFLAGS; for
#                  example "-k umem" or "-v 3" or "-j2"
#
# Example: TESTSUITEFLAGS=-j2 utilities/afzc-test.sh --unit
#
# Licensed under the Apache License, Version 2.0.

set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
run_unit=yes
run_system=yes
run_ovn=${AFZC_OVN:-yes}
run_zerocopy=${AFZC_ZEROCOPY:-yes}
run_fuzz=${AFZC_FUZZ:-yes}
recheck=${AFZC_RECHECK:-yes}
recheck_max=${AFZC_RECHECK_MAX:-3}
fuzz_time=${AFZC_FUZZ_TIME:-20}
build=yes
flags=${TESTSUITEFLAGS:-}

say() { echo "afzc: $*"; }
die() { echo "afzc: error: $*" >&2; exit 1; }

for arg in "$@"; do
    case $arg in
        --unit) run_system=no run_fuzz=no run_ovn=no run_zerocopy=no ;;
        --system) run_unit=no run_fuzz=no run_ovn=no run_zerocopy=no ;;
        --fuzz) run_unit=no run_system=no run_fuzz=yes run_ovn=no
                run_zerocopy=no ;;
        --no-fuzz) run_fuzz=no ;;
        --ovn) run_unit=no run_system=no run_fuzz=no run_ovn=yes
               run_zerocopy=no ;;
        --no-ovn) run_ovn=no ;;
        --zerocopy) run_unit=no run_system=no run_fuzz=no run_ovn=no
                    run_zerocopy=yes ;;
        --with-zerocopy) run_zerocopy=yes ;;
        --no-zerocopy) run_zerocopy=no ;;
        --no-build) build=no ;;
        --no-recheck) recheck=no ;;
        -h|--help)
            sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
            exit 0 ;;
        *) flags="$flags $arg" ;;
    esac
done
if [ "$run_unit" = no ] && [ "$run_system" = no ] && [ "$run_fuzz" = no ] &&
   [ "$run_ovn" = no ] && [ "$run_zerocopy" = no ]; then
    die "--unit, --system, --fuzz, --ovn and --zerocopy exclude each other"
fi

if [ "$build" = yes ]; then
    "$top/utilities/afzc-build.sh" || die "the build failed"
fi
cd "$top" || exit 1
logs=$top/deps/logs
mkdir -p "$logs"

total_pass=0 total_fail=0 total_skip=0
failed_suites=()
failed_logs=()
flaky=()

# Counts the results an Autotest suite printed, one line per test, in the
# make output file $1: sets pass, fail and skip.
count_results() {
    local out=$1
    pass=$(grep -E -c '^ *[0-9]+: .* (ok|expected failure.*)$' "$out")
    fail=$(grep -E -c '^ *[0-9]+: .* (FAILED|UNEXPECTED PASS).*$' "$out")
    skip=$(grep -E -c '^ *[0-9]+: .* skipped.*$' "$out")
}

# Runs once more the tests that failed in the run of "make $1" (the suite
# described by $2, log tests/$3.log) whose output is in $4.  If they all
# pass, counts them as passed and sets rc to 0, and adds them to 'flaky',
# with the first run's log (kept as $logs/$3.first.log) for
# show_failures(); otherwise leaves rc, pass and fail as they were.
recheck_suite() {
    local target=$1 what=$2 base=$3 out=$4 nums first=$logs/$3.first.log
    local rc2
    nums=$(grep -E '^ *[0-9]+: .* (FAILED|UNEXPECTED PASS)' "$out" |
           sed 's/^ *\([0-9]*\):.*/\1/' | tr '\n' ' ')
    nums=${nums% }
    cp "$top/tests/$base.log" "$first"
    say "$what: test(s) $nums failed; running them once more (make $target TESTSUITEFLAGS='$nums')..."
    make "$target" TESTSUITEFLAGS="$nums" 2>&1 | tee "$out.recheck"
    rc2=${PIPESTATUS[0]}
    if [ "$rc2" = 0 ] && grep -E -q '^ *[0-9]+: .* ok$' "$out.recheck" &&
       ! grep -E -q '^ *[0-9]+: .* (FAILED|UNEXPECTED PASS)' "$out.recheck"; then
        say "$what: test(s) $nums passed the second time: FLAKY"
        flaky+=("$what: test(s) $nums|$first")
        pass=$((pass + fail))
        fail=0
        rc=0
    else
        say "$what: test(s) $nums failed again"
        failed_logs+=("$first")
    fi
}

# Runs "make $1" for the suite described by $2, whose log and directory
# are tests/$3.log and tests/$3.dir.
run_suite() {
    local target=$1 what=$2 base=$3 out=$logs/$1.out rc
    say "running the $what (make $target${flags:+ TESTSUITEFLAGS='${flags# }'})..."
    make "$target" TESTSUITEFLAGS="${flags# }" 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    count_results "$out"
    if [ "$rc" != 0 ] && [ "$fail" = 0 ]; then
        # make failed before or around the suite (a build error, or the
        # suite could not start): count it as one failure.
        fail=1
    elif [ "$rc" != 0 ] && [ "$recheck" = yes ] &&
         [ "$fail" -le "$recheck_max" ]; then
        recheck_suite "$target" "$what" "$base" "$out"
    fi
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
    total_skip=$((total_skip + skip))
    say "$what: $pass passed, $fail failed, $skip skipped (make $target exited $rc)"
    if [ "$rc" != 0 ]; then
        failed_suites+=("$what")
        failed_logs+=("$top/tests/$base.log")
        say "  details: $top/tests/$base.log; failed tests keep their files in $top/tests/$base.dir/"
    else
        say "  log: $top/tests/$base.log"
    fi
    say "  output of make: $out"
}

# Runs "make check-afzc-fuzz": each libFuzzer harness for $fuzz_time
# seconds.  A harness that ran its time out counts as passed; a crash, a
# leak or a sanitizer report fails the stage.
run_fuzz() {
    local out=$logs/check-afzc-fuzz.out rc
    say "running the fuzzers (make check-afzc-fuzz AFZC_FUZZ_TIME=$fuzz_time)..."
    make check-afzc-fuzz AFZC_FUZZ_TIME="$fuzz_time" 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    pass=$(grep -c 'DONE  *cov:' "$out")
    fail=$([ "$rc" = 0 ] && echo 0 || echo 1)
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
    say "fuzzers: $pass ran clean, $fail failed (make check-afzc-fuzz exited $rc)"
    if [ "$rc" != 0 ]; then
        failed_suites+=("fuzzers")
        say "  crashing inputs and logs: $top/tests/fuzz/work/"
    fi
    say "  output of make: $out"
}

if [ "$run_unit" = yes ]; then
    run_suite check "unit suite" testsuite
fi
if [ "$run_system" = yes ]; then
    if [ "$(id -u)" != 0 ]; then
        say "the system suite needs root (network namespaces, XDP)"
        failed_suites+=("system suite (not root)")
        total_fail=$((total_fail + 1))
    else
        run_suite check-afzc "system suite" system-afzc-testsuite
    fi
fi
if [ "$run_fuzz" = yes ]; then
    run_fuzz
fi
if [ "$run_ovn" = yes ]; then
    if [ "$(id -u)" != 0 ]; then
        say "the OVN suite needs root (network namespaces, XDP, packages)"
        failed_suites+=("OVN suite (not root)")
        total_fail=$((total_fail + 1))
    else
        run_suite check-afzc-ovn "OVN suite" system-afzc-ovn-testsuite
    fi
fi
if [ "$run_zerocopy" = yes ]; then
    if [ "$(id -u)" != 0 ]; then
        say "the zero-copy suite needs root (QEMU's network namespace, packages)"
        failed_suites+=("zero-copy suite (not root)")
        total_fail=$((total_fail + 1))
    else
        run_suite check-afzc-zerocopy "zero-copy suite" \
            system-afzc-zerocopy-testsuite
    fi
fi

# Prints, for each test that failed in the Autotest log $1 (at most 6),
# the commands around the check that failed and the first warnings and
# errors logged after it, so that the end of a CI run says why it failed
# even when its files are gone.
show_failures() {
    local log=$1 end loc at from n=0
    [ -f "$log" ] || return 0
    grep -n ': FAILED (' "$log" | while IFS= read -r line; do
        n=$((n + 1))
        [ $n -le 6 ] || break
        end=${line%%:*}
        loc=$(echo "$line" | sed -n 's/.*: FAILED (\(.*\))$/\1/p')
        echo "---- ${line#*:}"
        at=$(grep -n -F "$loc: " "$log" | cut -d: -f1 |
             awk -v end="$end" '$1 < end' | tail -1)
        [ -n "$at" ] || continue
        from=$((at > 12 ? at - 12 : 1))
        sed -n "${from},$((at + 20))p" "$log" | sed '/^ovsdb-server.log:$/,$d' |
            cut -c1-300
        sed -n "${at},${end}p" "$log" | grep -E '\|(WARN|ERR|EMER)\|' |
            head -8 | cut -c1-300
    done
}

echo
for f in ${flaky[@]+"${flaky[@]}"}; do
    say "FLAKY, failed and then passed on recheck: ${f%%|*}; the first time:"
    show_failures "${f#*|}"
done
for log in ${failed_logs[@]+"${failed_logs[@]}"}; do
    say "why tests failed, from $log:"
    show_failures "$log"
done
if [ ${#failed_suites[@]} -gt 0 ]; then
    say "FAILED: $(IFS=,; echo "${failed_suites[*]}" | sed 's/,/, /g')"
else
    say "all suites passed"
fi
echo "total: $total_pass passed, $total_fail failed, $total_skip skipped${flaky[0]+, ${#flaky[@]} suite(s) with flaky tests}"
[ ${#failed_suites[@]} -eq 0 ]
