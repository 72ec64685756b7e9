# libFuzzer harnesses (tests/fuzz/fuzz-afzc-*.c), built with clang by
# "make afzc-fuzzers" and run by "make check-afzc-fuzz".
#
# Each harness is compiled, with the afzc source files it tests, by clang
# with -fsanitize=fuzzer,address,undefined, so that libFuzzer's coverage
# and the sanitizers see afzc's code; the rest (the other afzc objects and
# Open vSwitch's library) is linked as built, with gcc.  clang's libFuzzer
# is in Debian's libclang-rt-dev.
#
#   make check-afzc-fuzz                    each harness 20 s
#   make check-afzc-fuzz AFZC_FUZZ_TIME=600 each harness 10 minutes
#
# A harness runs from its seed corpus, tests/fuzz/corpus/NAME/, into a
# scratch copy (tests/fuzz/work/NAME/); a crash leaves its input in
# tests/fuzz/work/ and fails the run.
#
# Licensed under the Apache License, Version 2.0.

AFZC_FUZZERS = \
	tests/fuzz/fuzz-afzc-options \
	tests/fuzz/fuzz-afzc-translate \
	tests/fuzz/fuzz-afzc-csum \
	tests/fuzz/fuzz-afzc-gso \
	tests/fuzz/fuzz-afzc-rxdesc

AFZC_FUZZ_TIME = 20
AFZC_FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
AFZC_FUZZ_LIBS = \
	lib/.libs/libafzc.a \
	$(OVS_BUILDDIR)/ofproto/.libs/libofproto.a \
	$(OVS_BUILDDIR)/lib/.libs/libsflow.a \
	$(OVS_BUILDDIR)/lib/.libs/libopenvswitch.a \
	$(OVS_BUILDDIR)/lib/.libs/libopenvswitchavx512.a \
	-lssl -lcrypto -lcap-ng -latomic -lnuma -lxdp -lbpf -lm -lpthread
AFZC_FUZZ_BUILD = $(CLANG) $(AFZC_FUZZ_CFLAGS) $(AM_CPPFLAGS) -o $@

EXTRA_DIST += \
	$(AFZC_FUZZERS:=.c) \
	tests/fuzz/corpus
CLEANFILES += $(AFZC_FUZZERS)

tests/fuzz/fuzz-afzc-options: tests/fuzz/fuzz-afzc-options.c \
		lib/afzc-options.c lib/libafzc.la
	$(AM_V_CCLD)$(AFZC_FUZZ_BUILD) $(srcdir)/tests/fuzz/fuzz-afzc-options.c \
	  $(srcdir)/lib/afzc-options.c $(AFZC_FUZZ_LIBS)

tests/fuzz/fuzz-afzc-translate: tests/fuzz/fuzz-afzc-translate.c \
		lib/netdev-offload-afzc.c lib/libafzc.la
	$(AM_V_CCLD)$(AFZC_FUZZ_BUILD) \
	  $(srcdir)/tests/fuzz/fuzz-afzc-translate.c \
	  $(srcdir)/lib/netdev-offload-afzc.c $(AFZC_FUZZ_LIBS)

tests/fuzz/fuzz-afzc-csum: tests/fuzz/fuzz-afzc-csum.c lib/afzc-csum.c \
		lib/libafzc.la
	$(AM_V_CCLD)$(AFZC_FUZZ_BUILD) $(srcdir)/tests/fuzz/fuzz-afzc-csum.c \
	  $(srcdir)/lib/afzc-csum.c $(AFZC_FUZZ_LIBS)

tests/fuzz/fuzz-afzc-gso: tests/fuzz/fuzz-afzc-gso.c lib/afzc-gso.c \
		lib/afzc-csum.c lib/libafzc.la
	$(AM_V_CCLD)$(AFZC_FUZZ_BUILD) $(srcdir)/tests/fuzz/fuzz-afzc-gso.c \
	  $(srcdir)/lib/afzc-gso.c $(srcdir)/lib/afzc-csum.c $(AFZC_FUZZ_LIBS)

tests/fuzz/fuzz-afzc-rxdesc: tests/fuzz/fuzz-afzc-rxdesc.c lib/afzc-xsk.c \
		lib/libafzc.la
	$(AM_V_CCLD)$(AFZC_FUZZ_BUILD) $(srcdir)/tests/fuzz/fuzz-afzc-rxdesc.c \
	  $(srcdir)/lib/afzc-xsk.c $(AFZC_FUZZ_LIBS)

afzc-fuzzers: $(AFZC_FUZZERS)

# Runs each harness for AFZC_FUZZ_TIME seconds; fails on the first crash,
# leak or sanitizer report.  The last "#N DONE" line of each run, with its
# executions and coverage, is printed.
check-afzc-fuzz: afzc-fuzzers
	@set -e; for f in $(AFZC_FUZZERS); do \
	  name=`basename $$f`; \
	  work=tests/fuzz/work/$$name; \
	  rm -rf "$$work"; $(MKDIR_P) "$$work"; \
	  cp $(srcdir)/tests/fuzz/corpus/$$name/* "$$work"/; \
	  echo "$$name: $(AFZC_FUZZ_TIME) s"; \
	  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	       $$f -max_total_time=$(AFZC_FUZZ_TIME) -print_final_stats=1 \
	         -artifact_prefix=tests/fuzz/work/$$name- "$$work" \
	         > tests/fuzz/work/$$name.log 2>&1; then \
	    tail -40 tests/fuzz/work/$$name.log; \
	    echo "$$name: FAILED (input in tests/fuzz/work/$$name-*)"; \
	    exit 1; \
	  fi; \
	  grep 'DONE' tests/fuzz/work/$$name.log | tail -1; \
	  grep 'stat::number_of_executed_units' tests/fuzz/work/$$name.log; \
	done

clean-local: clean-afzc-fuzz
clean-afzc-fuzz:
	rm -rf tests/fuzz/work
.PHONY: afzc-fuzzers check-afzc-fuzz clean-afzc-fuzz
