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

#include <config.h>

#include "afzc-dev.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/if_xdp.h>
#include <linux/sockios.h>
#include <net/if.h>

#include "afzc-ring.h"
#include "afzc-umem.h"
#include "netlink.h"
#include "netlink-socket.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(afzc_dev);

/* Returns the name of the driver of device 'name' in 'driver' (of 'size'
 * bytes), or an empty string if it cannot be found. */
void
afzc_dev_driver(const char *name, char *driver, size_t size)
{
    struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
    struct ifreq ifr;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    driver[0] = '\0';
    if (fd < 0) {
        return;
    }
    memset(&ifr, 0, sizeof ifr);
    ovs_strlcpy(ifr.ifr_name, name, sizeof ifr.ifr_name);
    ifr.ifr_data = (void *) &info;
    if (!ioctl(fd, SIOCETHTOOL, &ifr)) {
        ovs_strlcpy(driver, info.driver, size);
    }
    close(fd);
}

/* Returns false if the device with 'ifindex' drops the frames that XDP
 * redirects to it from a queue in zero-copy mode, true otherwise (also if
 * the device or its driver cannot be told).
 *
 * The kernel cannot hand a zero-copy frame itself to another device: it
 * copies it into a page of its own, with no headroom in front of the data
 * (xdp_convert_zc_to_xdp_frame()).  virtio-net's XDP transmit needs room
 * there for the virtio-net header and drops a frame without it (seen on
 * Linux 7.3: every such frame counted in the device's tx_xdp_tx_drops, and
 * the xdp_devmap_xmit tracepoint showing sent=0 drops=1), while igb and veth
 * take it as it is. */
bool
afzc_dev_takes_zc_redirects(int ifindex)
{
    static const char *const needs_headroom[] = { "virtio_net" };
    char name[IF_NAMESIZE];
    char driver[32];

    if (ifindex <= 0 || !if_indextoname(ifindex, name)) {
        return true;
    }
    afzc_dev_driver(name, driver, sizeof driver);
    for (size_t i = 0; i < ARRAY_SIZE(needs_headroom); i++) {
        if (!strcmp(driver, needs_headroom[i])) {
            return false;
        }
    }
    return true;
}

/* Returns the number of rx queues device 'name' has, as sysfs shows them, or
 * 0 if that cannot be told. */
int
afzc_dev_n_rx_queues(const char *name)
{
    char *path = xasprintf("/sys/class/net/%s/queues", name);
    DIR *dir = opendir(path);
    struct dirent *de;
    int n = 0;

    free(path);
    if (!dir) {
        return 0;
    }
    while ((de = readdir(dir))) {
        if (!strncmp(de->d_name, "rx-", 3)) {
            n++;
        }
    }
    closedir(dir);
    return n;
}

/* The kernel's "netdev" generic netlink family (Linux 6.3 and later), as
 * far as afzc needs it: the XDP features of a device. */
#define AFZC_NETDEV_CMD_DEV_GET 1
#define AFZC_NETDEV_A_DEV_IFINDEX 1
#define AFZC_NETDEV_A_DEV_XDP_FEATURES 3
#define AFZC_NETDEV_XDP_ACT_XSK_ZEROCOPY 8

/* Asks the kernel whether the driver of the device with 'ifindex' supports
 * AF_XDP zero-copy.  Returns 0 if it does, EOPNOTSUPP if it does not, or
 * another positive errno value if the kernel cannot tell (before Linux
 * 6.3). */
int
afzc_dev_query_zerocopy(int ifindex)
{
    static const struct nl_policy policy[] = {
        [AFZC_NETDEV_A_DEV_XDP_FEATURES] = { .type = NL_A_U64 },
    };
    struct nlattr *attrs[ARRAY_SIZE(policy)];
    static int family;          /* Looked up once, then cached. */
    struct ofpbuf request, *reply;
    uint64_t features;
    int error;

    error = nl_lookup_genl_family("netdev", &family);
    if (error) {
        return error;
    }
    ofpbuf_init(&request, 0);
    nl_msg_put_genlmsghdr(&request, 0, family, NLM_F_REQUEST,
                          AFZC_NETDEV_CMD_DEV_GET, 1);
    nl_msg_put_u32(&request, AFZC_NETDEV_A_DEV_IFINDEX, ifindex);
    error = nl_transact(NETLINK_GENERIC, &request, &reply);
    ofpbuf_uninit(&request);
    if (error) {
        return error;
    }
    if (!nl_policy_parse(reply, NLMSG_HDRLEN + GENL_HDRLEN, policy, attrs,
                         ARRAY_SIZE(policy))) {
        ofpbuf_delete(reply);
        return EPROTO;
    }
    features = nl_attr_get_u64(attrs[AFZC_NETDEV_A_DEV_XDP_FEATURES]);
    ofpbuf_delete(reply);
    return features & AFZC_NETDEV_XDP_ACT_XSK_ZEROCOPY ? 0 : EOPNOTSUPP;
}

/* Returns 0 if the driver of device 'name' supports AF_XDP zero-copy on its
 * queue 0, EOPNOTSUPP if it does not, or another positive errno value if it
 * cannot be told.  Asks the kernel where it can tell; otherwise binds a
 * throwaway UMEM in zero-copy mode to find out, which fails with EBUSY
 * while another socket (this port's own, say) holds queue 0. */
int
afzc_dev_probe_zerocopy(const char *name, int ifindex)
{
    enum { N_FRAMES = 64 };
    size_t size = N_FRAMES * AFZC_FRAME_SIZE;
    int fd, error;
    void *area;

    error = afzc_dev_query_zerocopy(ifindex);
    if (error == 0 || error == EOPNOTSUPP) {
        VLOG_DBG("%s: the kernel says the driver %s AF_XDP zero-copy", name,
                 error ? "lacks" : "has");
        return error;
    }

    area = mmap(NULL, size, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED) {
        return errno;
    }
    fd = afzc_umem_register_socket(area, N_FRAMES, N_FRAMES);
    if (fd < 0) {
        error = -fd;
    } else {
        error = afzc_ring_bind(fd, ifindex, 0, XDP_ZEROCOPY, -1);
        close(fd);
    }
    munmap(area, size);
    VLOG_DBG("%s: zero-copy probe: %s", name, ovs_strerror(error));
    return error;
}

/* Returns the NUMA node of device 'name', from sysfs; 0 when the device
 * has none (veth). */
int
afzc_dev_numa_id(const char *name)
{
    char *path = xasprintf("/sys/class/net/%s/device/numa_node", name);
    FILE *f = fopen(path, "r");
    int numa = 0;

    free(path);
    if (f) {
        if (fscanf(f, "%d", &numa) != 1 || numa < 0) {
            numa = 0;
        }
        fclose(f);
    }
    return numa;
}
