# The afzc library: everything but the registration hook that has to be
# linked directly into ovs-vswitchd.

noinst_LTLIBRARIES += lib/libafzc.la
lib_libafzc_la_SOURCES = \
	lib/afzc-appctl.c \
	lib/afzc-appctl.h \
	lib/afzc-csum.c \
	lib/afzc-csum.h \
	lib/afzc-dev.c \
	lib/afzc-dev.h \
	lib/afzc-gso.c \
	lib/afzc-gso.h \
	lib/afzc-options.c \
	lib/afzc-options.h \
	lib/afzc-ring.c \
	lib/afzc-ring.h \
	lib/afzc-stats.c \
	lib/afzc-stats.h \
	lib/afzc-umem.c \
	lib/afzc-umem.h \
	lib/afzc-umem-private.h \
	lib/afzc-xdp.c \
	lib/afzc-xdp.h \
	lib/afzc-xdp-flow.c \
	lib/afzc-xdp-flow.h \
	lib/afzc-xdp-private.h \
	lib/afzc-xdp-shared.h \
	lib/afzc-xsk.c \
	lib/afzc-xsk.h \
	lib/netdev-afzc.c \
	lib/netdev-afzc.h \
	lib/netdev-offload-afzc.c \
	lib/netdev-offload-afzc.h
nodist_lib_libafzc_la_SOURCES = $(BPF_SKELS)
DISTCLEANFILES += lib/afzc-ovs-config.h

# The skeleton headers are generated: objects that include them must wait
# for them even when a single target, not "all", is made.
$(lib_libafzc_la_OBJECTS): $(BPF_SKELS)

# With --enable-sanitizers, each program of ours is linked with this object
# (not through libafzc.la, whose unreferenced members the linker would
# drop): its constructor sends each sanitizer's reports to the file its
# options name (see the file).
if AFZC_SANITIZERS
AFZC_SANITIZER_SOURCES = lib/afzc-sanitizers.c
else
AFZC_SANITIZER_SOURCES =
endif
EXTRA_DIST += lib/afzc-sanitizers.c
