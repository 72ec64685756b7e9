# XDP programs.  Each kernel/NAME.bpf.c is compiled with clang -target bpf and
# turned into kernel/NAME.skel.h by bpftool, which embeds the object in the
# code that loads it: nothing is looked up on disk at run time.

BPF_PROGS = kernel/afzc-xdp.bpf.c
EXTRA_DIST += $(BPF_PROGS)

# XDP hooks (options:xdp-hook=FILE): BPF objects that ovs-vswitchd loads
# from where the user puts them, by design.  kernel/afzc-hook.h is their
# interface; the example is built for the tests and as a model.
BPF_HOOKS = kernel/afzc-hook-mgmt.bpf.c
EXTRA_DIST += $(BPF_HOOKS) kernel/afzc-hook.h
noinst_DATA += $(BPF_HOOKS:.bpf.c=.bpf.o)
CLEANFILES += $(BPF_HOOKS:.bpf.c=.bpf.o)
BPF_SKELS = $(BPF_PROGS:.bpf.c=.skel.h)
BUILT_SOURCES += $(BPF_SKELS)
CLEANFILES += $(BPF_SKELS) $(BPF_PROGS:.bpf.c=.bpf.o)

BPF_CLANG_FLAGS = -O2 -g -Wall -target bpf $(BPF_CFLAGS) -I $(top_srcdir)/lib

kernel/%.bpf.o: kernel/%.bpf.c lib/afzc-xdp-shared.h kernel/afzc-hook.h \
		kernel/afzc-bench.h
	$(AM_V_CC)$(MKDIR_P) kernel && \
	$(CLANG) $(BPF_CLANG_FLAGS) -c $< -o $@

kernel/%.skel.h: kernel/%.bpf.o
	$(AM_V_GEN)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_skel > $@.tmp && \
	mv $@.tmp $@
