# Scripts that take a fresh Debian 12 checkout to a built, demonstrated and
# tested afzc.  They run from the source tree and are not installed.
#
#   utilities/afzc-build.sh     Debian packages, Open vSwitch 3.1 in deps/ovs,
#                               ./boot.sh, ./configure, make.
#   utilities/afzc-sandbox.sh   a private OVS with two afzc ports, traffic
#                               between two namespaces, counters, teardown.
#   utilities/afzc-ovn-sandbox.sh  afzc-sandbox.sh --ovn: two OVN chassis
#                               with afzc ports, Geneve in user space.
#   utilities/afzc-ovn-deps.sh  Debian's OVN packages, no service started.
#   utilities/afzc-test.sh      make check, make check-afzc and make
#                               check-afzc-zerocopy.
#   utilities/afzc-vm.sh        the QEMU guest of make check-afzc-zerocopy.
#   utilities/afzc-memory.sh    ovs-vswitchd's memory with N afzc or afxdp
#                               ports.

dist_noinst_SCRIPTS = \
	utilities/afzc-build.sh \
	utilities/afzc-lib.sh \
	utilities/afzc-memory.sh \
	utilities/afzc-ovn-deps.sh \
	utilities/afzc-ovn-sandbox.sh \
	utilities/afzc-sandbox.sh \
	utilities/afzc-test.sh \
	utilities/afzc-vm.sh
