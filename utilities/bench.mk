# The afzc benchmark: utilities/ovs-afzc-bench (generator, sink, bare XDP
# forwarder and AF_XDP baseline, one file per command in utilities/afzc-bench/
# around bench.c, with its XDP programs in kernel/afzc-bench.bpf.c embedded
# as a libbpf skeleton) and utilities/afzc-bench.sh, which runs it against afzc,
# Open vSwitch's afxdp and system ports, a Linux bridge and bare XDP.  See
# Documentation/topics/afzc-performance.rst.
#
# Included from the top-level Makefile.am after kernel/automake.mk, whose
# pattern rules build kernel/afzc-bench.bpf.o and kernel/afzc-bench.skel.h
# (struct afzc_bench_skel).  The skeleton is kept out of BPF_SKELS, which
# lib/libafzc.la lists as its sources: ovs-vswitchd does not need it.

BENCH_BPF_PROGS = kernel/afzc-bench.bpf.c
BENCH_BPF_SKELS = $(BENCH_BPF_PROGS:.bpf.c=.skel.h)
EXTRA_DIST += $(BENCH_BPF_PROGS) Documentation/topics/afzc-performance.rst
BUILT_SOURCES += $(BENCH_BPF_SKELS)
CLEANFILES += $(BENCH_BPF_SKELS) $(BENCH_BPF_PROGS:.bpf.c=.bpf.o)

# An installed program: libbpf for its XDP programs, afzc's own AF_XDP ring
# code (lib/afzc-ring.c, which has no Open vSwitch header) for its sockets,
# and Open vSwitch's library only for its JSON output.  Its own CPPFLAGS
# replace AM_CPPFLAGS, whose Open vSwitch include directories carry
# <linux/...> replacements that clash with the system's: Open vSwitch's
# public headers come after the system's (-idirafter).
bin_PROGRAMS += utilities/ovs-afzc-bench
utilities_ovs_afzc_bench_SOURCES = \
	utilities/afzc-bench/bench.c \
	utilities/afzc-bench/bench.h \
	utilities/afzc-bench/frame.c \
	utilities/afzc-bench/gen.c \
	utilities/afzc-bench/redirect.c \
	utilities/afzc-bench/sink.c \
	utilities/afzc-bench/xsk.c \
	kernel/afzc-bench.h \
	lib/afzc-ring.c \
	lib/afzc-ring.h \
	$(AFZC_SANITIZER_SOURCES)
nodist_utilities_ovs_afzc_bench_SOURCES = $(BENCH_BPF_SKELS)
utilities_ovs_afzc_bench_CPPFLAGS = \
	-I $(top_builddir)/kernel -I $(top_srcdir)/kernel -I $(top_srcdir)/lib \
	-idirafter $(OVS_SRCDIR)/include -idirafter $(OVS_BUILDDIR)/include
utilities_ovs_afzc_bench_LDADD = \
	$(OVS_BUILDDIR)/lib/libopenvswitch.la -lbpf -lelf -lz
# So that "make utilities/ovs-afzc-bench" alone, which does not build
# BUILT_SOURCES, generates the skeleton first.
$(utilities_ovs_afzc_bench_OBJECTS): $(BENCH_BPF_SKELS)

dist_noinst_SCRIPTS += utilities/afzc-bench.sh
# The fault-injection soak, which drives the same generator and sink.
dist_noinst_SCRIPTS += utilities/afzc-soak.sh
