/*
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at:
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/* What turns Open vSwitch's ovs-vswitchd into afzc's.
 *
 * This object is linked directly into the program (not through an archive,
 * whose unreferenced members the linker would drop), so its constructor
 * runs before main() and registers the afzc netdev class before the bridge
 * opens any port.  Two OVS functions that ovs-vswitchd.o and bridge.o call
 * are wrapped at link time (-Wl,--wrap): the version printer, so that
 * --version names afzc too; dpdk_init(), which bridge_run() calls with the
 * Open_vSwitch table's other_config on every run, which is how afzc reads
 * its global settings without changing OVS; and
 * netdev_set_flow_api_enabled(), called just before it, where the afzc
 * flow offload provider is registered. */

#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#include "afzc-appctl.h"
#include "afzc-umem.h"
#include "afzc-xdp.h"
#include "dpdk.h"
#include "netdev-afzc.h"
#include "netdev-offload-afzc.h"
#include "openvswitch/compiler.h"
#include "util.h"

void __real_ovs_print_version(uint8_t min_ofp, uint8_t max_ofp);
void __wrap_ovs_print_version(uint8_t min_ofp, uint8_t max_ofp);
void __real_dpdk_init(const struct smap *ovs_other_config);
void __wrap_dpdk_init(const struct smap *ovs_other_config);
void __real_netdev_set_flow_api_enabled(const struct smap *ovs_other_config);
void __wrap_netdev_set_flow_api_enabled(const struct smap *ovs_other_config);

/* Prints Open vSwitch's version lines, then afzc's. */
void
__wrap_ovs_print_version(uint8_t min_ofp, uint8_t max_ofp)
{
    __real_ovs_print_version(min_ofp, max_ofp);
    printf("afzc %s (zero-copy AF_XDP netdev provider, built with Open "
           "vSwitch %s)\n", PACKAGE_VERSION, AFZC_OVS_VERSION);
}

/* Passes the Open_vSwitch other_config to afzc, then to OVS.  Also, in the
 * main thread on every run of the bridge, moves the offload thread's counts
 * into afzc's coverage counters. */
void
__wrap_dpdk_init(const struct smap *ovs_other_config)
{
    afzc_umem_set_config(ovs_other_config);
    afzc_xdp_set_config(ovs_other_config);
    netdev_offload_afzc_run();
    __real_dpdk_init(ovs_other_config);
}

/* The first time the bridge runs (in the main thread, before any port is
 * opened): registers the afzc/... commands and the afzc flow offload
 * provider.  Then lets OVS apply other_config:hw-offload. */
void
__wrap_netdev_set_flow_api_enabled(const struct smap *ovs_other_config)
{
    static bool registered;

    if (!registered) {
        netdev_afzc_main_init();
        afzc_appctl_register();
        netdev_offload_afzc_register();
        registered = true;
    }
    __real_netdev_set_flow_api_enabled(ovs_other_config);
}

/* Registers the afzc netdev class before main() runs. */
OVS_CONSTRUCTOR(afzc_vswitchd_register)
{
    int error = netdev_afzc_register();

    if (error) {
        /* Logging is not set up yet; this can only be a build error. */
        ovs_abort(error, "afzc: cannot register the afzc netdev class");
    }
}
