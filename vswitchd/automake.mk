# Our ovs-vswitchd: Open vSwitch's own vswitchd objects, linked with the
# afzc library and afzc-vswitchd.o, whose constructor registers the afzc
# netdev class before main() runs.

sbin_PROGRAMS += vswitchd/ovs-vswitchd
vswitchd_ovs_vswitchd_SOURCES = vswitchd/afzc-vswitchd.c $(AFZC_SANITIZER_SOURCES)
vswitchd_ovs_vswitchd_LDADD = \
	lib/libafzc.la \
	$(OVS_BUILDDIR)/vswitchd/ovs-vswitchd.o \
	$(OVS_BUILDDIR)/vswitchd/bridge.o \
	$(OVS_BUILDDIR)/vswitchd/system-stats.o \
	$(OVS_LIBS)
# ovs_print_version() is wrapped so that --version names afzc as well, and
# dpdk_init() and netdev_set_flow_api_enabled() so that afzc sees the
# Open_vSwitch other_config and registers its flow offload provider (see
# afzc-vswitchd.c).
vswitchd_ovs_vswitchd_LDFLAGS = $(AM_LDFLAGS) \
	-Wl,--wrap=ovs_print_version -Wl,--wrap=dpdk_init \
	-Wl,--wrap=netdev_set_flow_api_enabled
