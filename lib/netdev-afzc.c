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

#include "netdev-afzc.h"

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/ethtool.h>
#include <linux/if_xdp.h>
#include <linux/sockios.h>

#include "afzc-appctl.h"
#include "afzc-csum.h"
#include "afzc-ring.h"
#include "afzc-umem.h"
#include "afzc-xdp.h"
#include "afzc-xsk.h"
#include "dp-packet.h"
#include "netdev-linux-private.h"
#include "netdev-offload.h"
#include "netlink.h"
#include "netlink-socket.h"
#include "netdev-provider.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "packets.h"
#include "smap.h"
#include "socket-util.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(netdev_afzc);

/* Largest frame a UMEM frame holds after the kernel's XDP headroom, and the
 * largest MTU that leaves room for an Ethernet header and one VLAN tag. */
#define AFZC_MAX_FRAME_LEN (AFZC_FRAME_SIZE - XDP_PACKET_HEADROOM)
#define AFZC_MAX_MTU (AFZC_MAX_FRAME_LEN - ETH_HEADER_LEN - VLAN_HEADER_LEN)

/* How often the main thread reaps an afzc-nonpmd port's transmit
 * completions while some are outstanding, in milliseconds. */
#define AFZC_NONPMD_REAP_MS 100

/* Largest options:busy-poll: the kernel caps SO_BUSY_POLL_BUDGET there. */
#define AFZC_MAX_BUSY_POLL 65535
/* options:rx-csum-fixup. */
enum afzc_csum_fixup {
    AFZC_CSUM_FIXUP_AUTO,       /* On for virtual devices (veth). */
    AFZC_CSUM_FIXUP_ON,
    AFZC_CSUM_FIXUP_OFF,
};

static const char *const afzc_csum_fixup_names[] = {
    [AFZC_CSUM_FIXUP_AUTO] = "auto",
    [AFZC_CSUM_FIXUP_ON] = "on",
    [AFZC_CSUM_FIXUP_OFF] = "off",
};

/* Receive-side counters of one port queue that the socket does not keep,
 * alone on a cache line: written by the thread that polls the queue, read
 * by the main thread. */
struct afzc_rxq_counters {
    PADDED_MEMBERS(CACHE_LINE_SIZE,
        uint64_t csum_fixed;    /* Partial checksums completed. */
    );
};

/* A tx queue lock, alone on its cache line. */
struct afzc_tx_lock {
    PADDED_MEMBERS(CACHE_LINE_SIZE, struct ovs_spin lock;);
};

/* An afzc port.  It is a 'struct netdev_linux' first, so that everything a
 * Linux device has (MAC, MTU, carrier, flags, link notifications, QoS) is
 * handled by Open vSwitch's own code for system ports. */
struct netdev_afzc {
    struct netdev_linux lx;     /* Must be first. */

    /* Protected by 'lx.mutex'. */
    int requested_n_rxq;
    enum afzc_xdp_mode requested_mode;
    bool requested_need_wakeup;
    int requested_start_qid;
    int requested_busy_poll;
    char *requested_hook;           /* options:xdp-hook, or NULL. */
    enum afzc_csum_fixup requested_csum_fixup;

    /* Set by reconfigure; stable while PMD threads run. */
    int n_rxq;
    int start_qid;                  /* Device queue of socket 0. */
    int busy_poll;                  /* Busy-poll budget, 0 if off. */
    char *hook;                     /* XDP hook file in use, or NULL. */
    enum afzc_xdp_mode mode;        /* As requested. */
    enum afzc_xdp_mode mode_in_use; /* What actually runs. */
    bool use_need_wakeup;
    enum afzc_csum_fixup csum_fixup_opt; /* As requested. */
    bool csum_fixup;                /* Partial checksums are completed. */
    char *csum_fixup_status;        /* How that was decided, for status;
                                     * kept across teardowns, which the
                                     * modes best-effort tries go through. */
    struct afzc_rxq_counters *rxq_counters; /* 'n_rxq' of them. */
    bool flow_api;                  /* Flow offload was on at setup. */
    bool configured;                /* Sockets and program are set up. */
    bool vanished;                  /* The device is gone: reconfigure. */
    int ifindex;
    struct afzc_umem *umem;
    struct afzc_xdp *xdp;
    struct afzc_xsk **xsks;         /* 'n_rxq' sockets. */
    struct afzc_tx_lock *tx_locks;  /* 'n_rxq' locks. */
    uint64_t *baselines;            /* afzc/clear-stats snapshot, or NULL:
                                     * AFZC_MAX_COUNTERS per queue. */
};

/* An rx queue of an afzc port. */
struct netdev_rxq_afzc {
    struct netdev_rxq up;
};

/* The two afzc classes: "afzc", polled by PMD threads, and "afzc-nonpmd",
 * polled by the main thread when its sockets have packets. */
static struct netdev_class netdev_afzc_class;
static struct netdev_class netdev_afzc_nonpmd_class;

static const char *const afzc_mode_names[] = {
    [AFZC_MODE_BEST_EFFORT] = "best-effort",
    [AFZC_MODE_NATIVE_ZC] = "native-with-zerocopy",
    [AFZC_MODE_NATIVE] = "native",
    [AFZC_MODE_GENERIC] = "generic",
};

/* Returns the option value that names 'mode'. */
const char *
afzc_xdp_mode_name(enum afzc_xdp_mode mode)
{
    return mode < ARRAY_SIZE(afzc_mode_names) ? afzc_mode_names[mode] : "?";
}

/* Returns true if 'netdev' is an afzc port. */
bool
netdev_afzc_is_afzc(const struct netdev *netdev)
{
    const struct netdev_class *class = netdev_get_class(netdev);

    return class == &netdev_afzc_class || class == &netdev_afzc_nonpmd_class;
}

/* Returns the afzc netdev class, or the afzc-nonpmd one if 'nonpmd'. */
const struct netdev_class *
netdev_afzc_get_class(bool nonpmd)
{
    return nonpmd ? &netdev_afzc_nonpmd_class : &netdev_afzc_class;
}

/* Returns the afzc port that 'netdev' is. */
static struct netdev_afzc *
netdev_afzc_cast(const struct netdev *netdev)
{
    ovs_assert(netdev_afzc_is_afzc(netdev));
    return CONTAINER_OF(netdev, struct netdev_afzc, lx.up);
}

/* Returns true if afzc port 'netdev' runs its sockets in zero-copy mode. */
bool
netdev_afzc_is_zerocopy(const struct netdev *netdev)
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);
    bool zerocopy;

    ovs_mutex_lock(&dev->lx.mutex);
    zerocopy = dev->configured && dev->mode_in_use == AFZC_MODE_NATIVE_ZC;
    ovs_mutex_unlock(&dev->lx.mutex);
    return zerocopy;
}

/* Returns the name of the driver of device 'name' in 'driver' (of 'size'
 * bytes), or an empty string if it cannot be found. */
static void
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

/* Returns the number of rx queues device 'name' has, as sysfs shows them, or
 * 0 if that cannot be told. */
static int
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
static int
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
static int
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

/* netdev class: allocates an afzc port. */
static struct netdev *
netdev_afzc_alloc(void)
{
    struct netdev_afzc *dev = xzalloc(sizeof *dev);

    return &dev->lx.up;
}

/* netdev class: frees an afzc port. */
static void
netdev_afzc_dealloc(struct netdev *netdev)
{
    free(netdev_afzc_cast(netdev));
}

/* netdev class: one-time setup of the class. */
static int
netdev_afzc_init(void)
{
    /* Runs from a constructor, in unspecified order against other
     * constructors: nothing here may log or depend on other modules. */
    return 0;
}

/* Sets up what afzc needs in the main thread: libbpf's logging and the
 * afzc/... commands.  Idempotent; called when the bridge first runs and
 * before the first afzc port is constructed. */
void
netdev_afzc_main_init(void)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;

    if (ovsthread_once_start(&once)) {
        afzc_xdp_init();
        afzc_appctl_register();
        ovsthread_once_done(&once);
    }
}

/* netdev class: constructs an afzc port for an existing Linux device. */
static int
netdev_afzc_construct(struct netdev *netdev)
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);
    int error;

    netdev_afzc_main_init();

    error = netdev_linux_construct(netdev);
    if (error) {
        return error;
    }
    dev->requested_n_rxq = 1;
    dev->requested_mode = AFZC_MODE_BEST_EFFORT;
    dev->requested_need_wakeup = true;
    dev->requested_csum_fixup = AFZC_CSUM_FIXUP_AUTO;
    dev->n_rxq = 0;
    netdev_request_reconfigure(netdev);
    return 0;
}

/* Removes 'dev''s sockets from its XDP program, closes them, detaches the
 * program and drops the UMEM reference.  Caller holds 'dev->lx.mutex'
 * and no thread uses the port. */
static void
netdev_afzc_teardown(struct netdev_afzc *dev)
{
    for (int i = 0; i < dev->n_rxq; i++) {
        if (dev->xsks[i]) {
            afzc_xdp_clear_xsk(dev->xdp, dev->start_qid + i);
        }
    }
    afzc_xdp_detach(dev->xdp);
    dev->xdp = NULL;
    for (int i = 0; i < dev->n_rxq; i++) {
        afzc_xsk_close(dev->xsks[i]);
        ovs_spin_destroy(&dev->tx_locks[i].lock);
    }
    free(dev->xsks);
    dev->xsks = NULL;
    free(dev->baselines);
    dev->baselines = NULL;
    free_cacheline(dev->tx_locks);
    dev->tx_locks = NULL;
    free_cacheline(dev->rxq_counters);
    dev->rxq_counters = NULL;
    if (dev->umem) {
        afzc_umem_unref(dev->umem);
        dev->umem = NULL;
    }
    free(dev->hook);
    dev->hook = NULL;
    dev->n_rxq = 0;
    dev->configured = false;
    dev->vanished = false;
}

/* netdev class: destroys an afzc port. */
static void
netdev_afzc_destruct(struct netdev *netdev)
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);

    ovs_mutex_lock(&dev->lx.mutex);
    netdev_afzc_teardown(dev);
    free(dev->requested_hook);
    dev->requested_hook = NULL;
    free(dev->csum_fixup_status);
    dev->csum_fixup_status = NULL;
    ovs_mutex_unlock(&dev->lx.mutex);
    netdev_linux_class.destruct(netdev);
}

/* Parses 'mode' into '*modep'.  Returns true if it is a known mode. */
static bool
afzc_parse_mode(const char *mode, enum afzc_xdp_mode *modep)
{
    for (int i = 0; i < ARRAY_SIZE(afzc_mode_names); i++) {
        if (!strcmp(mode, afzc_mode_names[i])) {
            *modep = i;
            return true;
        }
    }
    return false;
}

/* Parses 'value' into '*fixupp'.  Returns true if it is a known value of
 * options:rx-csum-fixup. */
static bool
afzc_parse_csum_fixup(const char *value, enum afzc_csum_fixup *fixupp)
{
    for (int i = 0; i < ARRAY_SIZE(afzc_csum_fixup_names); i++) {
        if (!strcmp(value, afzc_csum_fixup_names[i])) {
            *fixupp = i;
            return true;
        }
    }
    return false;
}

/* netdev class: applies options:n_rxq, options:xdp-mode,
 * options:use-need-wakeup and options:rx-csum-fixup.  Everything that can
 * be checked without touching the data path is checked here, so that a bad
 * option shows up in the Interface's error column and the port is not
 * added. */
static int
netdev_afzc_set_config(struct netdev *netdev, const struct smap *args,
                       char **errp)
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);
    const char *name = netdev_get_name(netdev);
    enum afzc_xdp_mode mode = AFZC_MODE_BEST_EFFORT;
    const struct smap_node *node;
    enum afzc_csum_fixup fixup = AFZC_CSUM_FIXUP_AUTO;
    bool need_wakeup = true;
    int start_qid = 0, busy_poll = 0;
    const char *hook = NULL;
    bool configured;
    int n_rxq = 1;
    int n_more, error;

    SMAP_FOR_EACH (node, args) {
        if (!strcmp(node->key, "n_rxq")) {
            if (!str_to_int(node->value, 10, &n_rxq)
                || n_rxq < 1 || n_rxq > AFZC_MAX_QUEUES) {
                *errp = xasprintf("%s: options:n_rxq=%s is not a number "
                                  "between 1 and %d", name, node->value,
                                  AFZC_MAX_QUEUES);
                return EINVAL;
            }
        } else if (!strcmp(node->key, "xdp-mode")) {
            if (!afzc_parse_mode(node->value, &mode)) {
                *errp = xasprintf("%s: options:xdp-mode=%s is unknown "
                                  "(best-effort, native-with-zerocopy, "
                                  "native or generic)", name, node->value);
                return EINVAL;
            }
        } else if (!strcmp(node->key, "use-need-wakeup")) {
            if (!strcmp(node->value, "true")) {
                need_wakeup = true;
            } else if (!strcmp(node->value, "false")) {
                need_wakeup = false;
            } else {
                *errp = xasprintf("%s: options:use-need-wakeup=%s is not "
                                  "true or false", name, node->value);
                return EINVAL;
            }
        } else if (!strcmp(node->key, "start-qid")) {
            if (!str_to_int(node->value, 10, &start_qid)
                || start_qid < 0 || start_qid >= AFZC_MAX_QUEUES) {
                *errp = xasprintf("%s: options:start-qid=%s is not a number "
                                  "between 0 and %d", name, node->value,
                                  AFZC_MAX_QUEUES - 1);
                return EINVAL;
            }
        } else if (!strcmp(node->key, "busy-poll")) {
            if (!str_to_int(node->value, 10, &busy_poll)
                || busy_poll < 0 || busy_poll > AFZC_MAX_BUSY_POLL) {
                *errp = xasprintf("%s: options:busy-poll=%s is not a number "
                                  "between 0 (off) and %d", name,
                                  node->value, AFZC_MAX_BUSY_POLL);
                return EINVAL;
            }
        } else if (!strcmp(node->key, "xdp-hook")) {
            hook = node->value[0] ? node->value : NULL;
        } else if (!strcmp(node->key, "rx-csum-fixup")) {
            if (!afzc_parse_csum_fixup(node->value, &fixup)) {
                *errp = xasprintf("%s: options:rx-csum-fixup=%s is not "
                                  "auto, on or off", name, node->value);
                return EINVAL;
            }
        } else {
            *errp = xasprintf("%s: unknown option '%s' (afzc ports take "
                              "n_rxq, start-qid, xdp-mode, use-need-wakeup, "
                              "busy-poll, xdp-hook and rx-csum-fixup)", name,
                              node->key);
            return EINVAL;
        }
    }
    if (start_qid + n_rxq > AFZC_MAX_QUEUES) {
        *errp = xasprintf("%s: options:start-qid=%d with n_rxq=%d goes past "
                          "queue %d, the last afzc can use", name, start_qid,
                          n_rxq, AFZC_MAX_QUEUES - 1);
        return EINVAL;
    }

    /* Checks of the device for a port that is not running yet.  They run
     * without the mutex: netdev_linux functions take it themselves. */
    ovs_mutex_lock(&dev->lx.mutex);
    configured = dev->configured;
    ovs_mutex_unlock(&dev->lx.mutex);
    {
        /* Checked for a running port too: a reconfiguration with more
         * queues than the device has would fail to bind and take the port
         * out of the datapath. */
        int n_dev_rxq = afzc_dev_n_rx_queues(name);

        if (n_dev_rxq && n_rxq > n_dev_rxq) {
            *errp = xasprintf("%s: options:n_rxq=%d exceeds the %d rx "
                              "queue%s of the device", name, n_rxq,
                              n_dev_rxq, n_dev_rxq == 1 ? "" : "s");
            return EINVAL;
        }
        if (n_dev_rxq && start_qid + n_rxq > n_dev_rxq) {
            *errp = xasprintf("%s: options:start-qid=%d with n_rxq=%d needs "
                              "rx queues %d to %d, but the device has %d",
                              name, start_qid, n_rxq, start_qid,
                              start_qid + n_rxq - 1, n_dev_rxq);
            return EINVAL;
        }
    }
    if (!configured) {
        int ifindex = if_nametoindex(name);
        int mtu = 0;
        uint32_t prog_id;
        bool ours;

        if (!ifindex) {
            *errp = xasprintf("%s: no such device", name);
            return ENODEV;
        }
        if (!afzc_xdp_query(ifindex, &prog_id, &ours) && prog_id && !ours) {
            *errp = xasprintf("%s: the device already has an XDP program "
                              "(id %"PRIu32") that is not afzc's; detach it "
                              "first", name, prog_id);
            return EBUSY;
        }
        if (!netdev_linux_class.get_mtu(netdev, &mtu) && mtu > AFZC_MAX_MTU) {
            *errp = xasprintf("%s: MTU %d is too large for afzc: a %d-byte "
                              "UMEM frame holds an MTU of at most %d",
                              name, mtu, AFZC_FRAME_SIZE, AFZC_MAX_MTU);
            return EINVAL;
        }
    }

    /* A hook that is not there, of the wrong type, or that the kernel
     * refuses, is refused here, before the port is touched. */
    if (hook) {
        char *msg;

        error = afzc_xdp_check_hook(hook, &msg);
        if (error) {
            *errp = xasprintf("%s: %s", name, msg);
            free(msg);
            return error;
        }
    }

    /* Every queue needs its share of the shared UMEM's fill budget. */
    ovs_mutex_lock(&dev->lx.mutex);
    n_more = n_rxq - (dev->configured ? dev->n_rxq : 0);
    ovs_mutex_unlock(&dev->lx.mutex);
    if (n_more > 0) {
        char *msg;

        error = afzc_umem_check_room(n_more, 0, &msg);
        if (error) {
            *errp = xasprintf("%s: %s", name, msg);
            free(msg);
            return error;
        }
    }

    /* A driver without zero-copy gets a clear error here, also for a
     * running port that is asked to switch to zero-copy.  Any other probe
     * failure is left to the bind in netdev_afzc_setup(). */
    if (mode == AFZC_MODE_NATIVE_ZC) {
        int ifindex = if_nametoindex(name);

        if (ifindex && afzc_dev_probe_zerocopy(name, ifindex) == EOPNOTSUPP) {
            char driver[32];

            afzc_dev_driver(name, driver, sizeof driver);
            *errp = xasprintf("%s: xdp-mode=native-with-zerocopy: driver %s "
                              "lacks AF_XDP zero-copy support; use "
                              "best-effort", name,
                              driver[0] ? driver : "(unknown)");
            return EOPNOTSUPP;
        }
    }

    ovs_mutex_lock(&dev->lx.mutex);
    /* Flow offload, once turned on, changes the mode best-effort picks on
     * veth (see netdev_afzc_reconfigure()). */
    if (n_rxq != dev->requested_n_rxq || mode != dev->requested_mode
        || need_wakeup != dev->requested_need_wakeup
        || start_qid != dev->requested_start_qid
        || busy_poll != dev->requested_busy_poll
        || !nullable_string_is_equal(hook, dev->requested_hook)
        || fixup != dev->requested_csum_fixup || !dev->configured
        || dev->flow_api != netdev_is_flow_api_enabled()) {
        free(dev->requested_hook);
        dev->requested_hook = nullable_xstrdup(hook);
        dev->requested_n_rxq = n_rxq;
        dev->requested_mode = mode;
        dev->requested_need_wakeup = need_wakeup;
        dev->requested_start_qid = start_qid;
        dev->requested_busy_poll = busy_poll;
        dev->requested_csum_fixup = fixup;
        netdev_request_reconfigure(netdev);
    }
    ovs_mutex_unlock(&dev->lx.mutex);
    return 0;
}

/* netdev class: reports the options in effect. */
static int
netdev_afzc_get_config(const struct netdev *netdev, struct smap *args)
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);

    ovs_mutex_lock(&dev->lx.mutex);
    smap_add_format(args, "n_rxq", "%d", dev->requested_n_rxq);
    smap_add(args, "xdp-mode", afzc_xdp_mode_name(dev->requested_mode));
    smap_add(args, "use-need-wakeup",
             dev->requested_need_wakeup ? "true" : "false");
    if (dev->requested_start_qid) {
        smap_add_format(args, "start-qid", "%d", dev->requested_start_qid);
    }
    if (dev->requested_busy_poll) {
        smap_add_format(args, "busy-poll", "%d", dev->requested_busy_poll);
    }
    if (dev->requested_hook) {
        smap_add(args, "xdp-hook", dev->requested_hook);
    }
    smap_add(args, "rx-csum-fixup",
             afzc_csum_fixup_names[dev->requested_csum_fixup]);
    ovs_mutex_unlock(&dev->lx.mutex);
    return 0;
}

/* Sets up 'dev' in XDP mode 'mode', which is not AFZC_MODE_BEST_EFFORT.
 * Caller holds the mutex and 'dev' is torn down.  Returns 0 or a positive
 * errno value with a message in '*errp'. */
static int
netdev_afzc_setup(struct netdev_afzc *dev, enum afzc_xdp_mode mode,
                  char **errp)
{
    bool native = mode != AFZC_MODE_GENERIC;
    bool zerocopy = mode == AFZC_MODE_NATIVE_ZC;
    const char *name = netdev_get_name(&dev->lx.up);
    int start_qid = dev->requested_start_qid;
    int n_rxq = dev->requested_n_rxq;
    int error;

    error = afzc_umem_ref(&dev->umem, errp);
    if (error) {
        return error;
    }
    error = afzc_xdp_attach(name, dev->ifindex, native, &dev->xdp, errp);
    if (error) {
        return error;
    }
    afzc_xdp_set_queues(dev->xdp, start_qid, n_rxq);
    dev->start_qid = start_qid;
    if (dev->requested_hook) {
        error = afzc_xdp_set_hook(dev->xdp, dev->requested_hook, errp);
        if (error) {
            return error;
        }
    }
    /* Generic mode's redirect keeps the packet's checksum state. */
    afzc_xdp_set_csum_fixup(dev->xdp, dev->csum_fixup && native);

    dev->xsks = xcalloc(n_rxq, sizeof *dev->xsks);
    dev->tx_locks = xmalloc_cacheline(n_rxq * sizeof *dev->tx_locks);
    dev->n_rxq = n_rxq;
    for (int i = 0; i < n_rxq; i++) {
        ovs_spin_init(&dev->tx_locks[i].lock);
    }
    for (int i = 0; i < n_rxq; i++) {
        char *msg = NULL;

        int qid = start_qid + i;

        error = afzc_xsk_open(dev->umem, dev->ifindex, qid, zerocopy,
                              dev->requested_need_wakeup, &dev->xsks[i],
                              &msg);
        if (!error && dev->requested_busy_poll) {
            error = afzc_xsk_set_busy_poll(dev->xsks[i],
                                           dev->requested_busy_poll);
            if (error) {
                msg = xasprintf("cannot turn on busy polling on queue %d "
                                "(%s)", qid, ovs_strerror(error));
            }
        }
        if (!error) {
            error = afzc_xdp_set_xsk(dev->xdp, qid,
                                     afzc_xsk_fd(dev->xsks[i]));
            if (error) {
                msg = xasprintf("cannot add queue %d's socket to the XSKMAP "
                                "(%s)", qid, ovs_strerror(error));
            }
        }
        if (error) {
            *errp = xasprintf("%s: %s", name, msg);
            free(msg);
            return error;
        }
    }
    return 0;
}

/* Decides whether 'dev', whose driver is 'driver' (empty if unknown),
 * completes partial checksums, from its options:rx-csum-fixup.  'auto'
 * means yes for veth only: its far end is a local sender, which leaves
 * partial checksums by default, and whose packets nothing else can have
 * altered.  A physical device's packets come from the wire with complete
 * checksums, or wrong ones that must not be made right.  Caller holds the
 * mutex and 'dev' is torn down. */
static void
afzc_decide_csum_fixup(struct netdev_afzc *dev, const char *driver)
    OVS_REQUIRES(dev->lx.mutex)
{
    const char *drv = driver[0] ? driver : "unknown";

    dev->csum_fixup_opt = dev->requested_csum_fixup;
    free(dev->csum_fixup_status);
    switch (dev->csum_fixup_opt) {
    case AFZC_CSUM_FIXUP_ON:
        dev->csum_fixup = true;
        dev->csum_fixup_status = xstrdup("on");
        break;
    case AFZC_CSUM_FIXUP_OFF:
        dev->csum_fixup = false;
        dev->csum_fixup_status = xstrdup("off");
        break;
    case AFZC_CSUM_FIXUP_AUTO:
    default:
        dev->csum_fixup = !strcmp(driver, "veth");
        dev->csum_fixup_status = xasprintf("%s (auto, driver %s)",
                                           dev->csum_fixup ? "on" : "off",
                                           drv);
        break;
    }
}

/* netdev class: applies the requested configuration.  No thread sends or
 * receives on the port meanwhile. */
static int
netdev_afzc_reconfigure(struct netdev *netdev)
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);
    const char *name = netdev_get_name(netdev);
    enum afzc_xdp_mode mode;
    char driver[32];
    char *msg = NULL;
    int error = 0;

    ovs_mutex_lock(&dev->lx.mutex);
    if (dev->configured && !dev->vanished
        && dev->n_rxq == dev->requested_n_rxq
        && dev->start_qid == dev->requested_start_qid
        && dev->busy_poll == dev->requested_busy_poll
        && nullable_string_is_equal(dev->hook, dev->requested_hook)
        && dev->mode == dev->requested_mode
        && dev->use_need_wakeup == dev->requested_need_wakeup
        && dev->csum_fixup_opt == dev->requested_csum_fixup
        && dev->flow_api == netdev_is_flow_api_enabled()) {
        goto out;
    }

    netdev_afzc_teardown(dev);
    dev->ifindex = if_nametoindex(name);
    if (!dev->ifindex) {
        /* Open vSwitch logs the failure and reports the missing device. */
        VLOG_INFO("%s: device has gone", name);
        error = ENODEV;
        goto out_quiet;
    }

    afzc_dev_driver(name, driver, sizeof driver);
    afzc_decide_csum_fixup(dev, driver);

    mode = dev->requested_mode;
    if (mode == AFZC_MODE_BEST_EFFORT) {
        static const enum afzc_xdp_mode modes[] = {
            AFZC_MODE_NATIVE_ZC, AFZC_MODE_NATIVE, AFZC_MODE_GENERIC,
        };
        size_t i = 0;

        /* veth cannot do zero-copy.  Its generic mode outruns its native
         * mode for AF_XDP, but in generic mode the far end keeps building
         * TSO super-packets, which no frame holds and the socket drops:
         * where partial checksums are completed, which is what a far end
         * with its default offloads needs, native mode it is (see
         * Documentation/topics/afzc.rst).  Not with flow offload, though:
         * a flow's redirect from native mode would need NAPI on the far
         * end of the output veth, while generic mode's redirect hands the
         * kernel's own packet, offloads and all, to the output.  Elsewhere,
         * the first mode that works, fastest first, but not zero-copy where
         * the kernel says the driver lacks it. */
        if (!strcmp(driver, "veth")) {
            i = (dev->csum_fixup && !netdev_is_flow_api_enabled()
                 ? 1 : ARRAY_SIZE(modes) - 1);
        } else if (afzc_dev_query_zerocopy(dev->ifindex) == EOPNOTSUPP) {
            i = 1;
        }
        for (;; i++) {
            mode = modes[i];
            error = netdev_afzc_setup(dev, mode, &msg);
            if (!error || i == ARRAY_SIZE(modes) - 1) {
                break;
            }
            VLOG_INFO("%s: %s XDP mode failed (%s); trying %s", name,
                      afzc_xdp_mode_name(mode), msg,
                      afzc_xdp_mode_name(modes[i + 1]));
            free(msg);
            msg = NULL;
            netdev_afzc_teardown(dev);
        }
    } else {
        error = netdev_afzc_setup(dev, mode, &msg);
    }

    if (error) {
        netdev_afzc_teardown(dev);
        goto out;
    }

    dev->mode = dev->requested_mode;
    dev->mode_in_use = mode;
    dev->use_need_wakeup = dev->requested_need_wakeup;
    dev->busy_poll = dev->requested_busy_poll;
    free(dev->hook);
    dev->hook = nullable_xstrdup(dev->requested_hook);
    dev->flow_api = netdev_is_flow_api_enabled();
    dev->rxq_counters = xzalloc_cacheline(dev->n_rxq
                                          * sizeof *dev->rxq_counters);
    dev->configured = true;
    netdev->n_rxq = dev->n_rxq;
    netdev->n_txq = dev->n_rxq;
    VLOG_INFO("%s: %d queue%s in %s XDP mode, program id %"PRIu32,
              name, dev->n_rxq, dev->n_rxq == 1 ? "" : "s",
              afzc_xdp_mode_name(mode), afzc_xdp_prog_id(dev->xdp));
    netdev_change_seq_changed(netdev);

out:
    if (error) {
        VLOG_ERR("%s", msg ? msg : ovs_strerror(error));
    }
out_quiet:
    free(msg);
    ovs_mutex_unlock(&dev->lx.mutex);
    return error;
}

/* netdev class: reports the port's AF_XDP state in the Interface's status
 * column, after what Linux reports of the device. */
static int
netdev_afzc_get_status(const struct netdev *netdev, struct smap *smap)
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);

    netdev_linux_class.get_status(netdev, smap);
    ovs_mutex_lock(&dev->lx.mutex);
    if (dev->configured) {
        smap_add(smap, "xdp_mode", afzc_xdp_mode_name(dev->mode_in_use));
        smap_add(smap, "umem_mode", (dev->mode_in_use == AFZC_MODE_NATIVE_ZC
                                     ? "zero-copy" : "copy"));
        smap_add_format(smap, "n_rxq", "%d", dev->n_rxq);
        smap_add_format(smap, "xdp_prog_id", "%"PRIu32,
                        afzc_xdp_prog_id(dev->xdp));
        smap_add(smap, "use_need_wakeup",
                 dev->use_need_wakeup ? "true" : "false");
        smap_add_format(smap, "start_qid", "%d", dev->start_qid);
        if (dev->hook) {
            smap_add(smap, "xdp_hook", dev->hook);
        }
        if (dev->n_rxq) {
            /* The budget set, if the socket says busy polling is on. */
            smap_add_format(smap, "busy_poll", "%d",
                            (afzc_xsk_busy_polls(dev->xsks[0])
                             ? dev->busy_poll : 0));
        }
        smap_add(smap, "rx_csum_fixup", dev->csum_fixup_status);
    }
    ovs_mutex_unlock(&dev->lx.mutex);
    return 0;
}

/* netdev class: the NUMA node of the device, from sysfs; 0 when the device
 * has none (veth). */
static int
netdev_afzc_get_numa_id(const struct netdev *netdev)
{
    char *path = xasprintf("/sys/class/net/%s/device/numa_node",
                           netdev_get_name(netdev));
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

/* netdev class: refuses an MTU that a UMEM frame cannot hold, then lets
 * Linux set it. */
static int
netdev_afzc_set_mtu(struct netdev *netdev, int mtu)
{
    if (mtu > AFZC_MAX_MTU) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

        VLOG_WARN_RL(&rl, "%s: MTU %d is too large for afzc (at most %d)",
                     netdev_get_name(netdev), mtu, AFZC_MAX_MTU);
        return EINVAL;
    }
    return netdev_linux_class.set_mtu(netdev, mtu);
}

/* netdev class: statistics.  Packet and byte counts are the AF_XDP
 * sockets'; errors and drops add the kernel's ring counters to the device's
 * own. */
static int
netdev_afzc_get_stats(const struct netdev *netdev, struct netdev_stats *st)
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);
    int error;

    error = get_stats_via_netlink(netdev, st);
    if (error) {
        memset(st, 0xff, sizeof *st);
    }
    ovs_mutex_lock(&dev->lx.mutex);
    if (dev->configured) {
        char ifname[IF_NAMESIZE];
        struct netdev_stats sum;

        if (!if_indextoname(dev->ifindex, ifname)) {
            /* The device has vanished.  Reconfiguring fails, which takes
             * the port out of the datapath; the bridge then reports the
             * missing device in the Interface's error column and adds the
             * port back when the device returns.  (Statistics are read from
             * the main thread every few seconds.) */
            dev->vanished = true;
            netdev_request_reconfigure(CONST_CAST(struct netdev *, netdev));
        }

        memset(&sum, 0, sizeof sum);
        for (int i = 0; i < dev->n_rxq; i++) {
            struct afzc_xsk_kstats ks;
            struct afzc_xsk_stats xs;

            afzc_xsk_get_stats(dev->xsks[i], &xs);
            sum.rx_packets += xs.rx_packets;
            sum.rx_bytes += xs.rx_bytes;
            sum.tx_packets += xs.tx_packets;
            sum.tx_bytes += xs.tx_bytes;
            sum.tx_dropped += xs.tx_dropped;
            if (!afzc_xsk_get_kstats(dev->xsks[i], &ks)) {
                sum.rx_dropped += ks.rx_dropped + ks.rx_ring_full;
                sum.rx_errors += ks.rx_invalid_descs;
                sum.tx_errors += ks.tx_invalid_descs;
            }
        }
        st->rx_packets = sum.rx_packets;
        st->rx_bytes = sum.rx_bytes;
        st->tx_packets = sum.tx_packets;
        st->tx_bytes = sum.tx_bytes;
        st->rx_dropped = (error ? 0 : st->rx_dropped) + sum.rx_dropped;
        st->tx_dropped = (error ? 0 : st->tx_dropped) + sum.tx_dropped;
        st->rx_errors = (error ? 0 : st->rx_errors) + sum.rx_errors;
        st->tx_errors = (error ? 0 : st->tx_errors) + sum.tx_errors;
        error = 0;
    }
    ovs_mutex_unlock(&dev->lx.mutex);
    return error;
}

/* One counter of a port queue, for custom statistics and afzc/show. */
struct afzc_counter {
    const char *name;
    uint64_t value;
    bool valid;                 /* False if the kernel does not report it. */
    bool gauge;                 /* A level, not a count: never cleared. */
};

/* Most counters afzc_queue_counters() reports. */
#define AFZC_MAX_COUNTERS 40

/* Appends counter 'name' with 'value' to 'c', of which '*n' are in use. */
static void
afzc_counter_add(struct afzc_counter *c, size_t *n, const char *name,
                 uint64_t value, bool valid, bool gauge)
{
    ovs_assert(*n < AFZC_MAX_COUNTERS);
    c[*n].name = name;
    c[*n].value = valid ? value : 0;
    c[*n].valid = valid;
    c[*n].gauge = gauge;
    (*n)++;
}

/* Stores the counters of queue 'q' of 'dev' in 'c', which has room for
 * AFZC_MAX_COUNTERS, and returns how many there are.  The names and their
 * order are part of afzc/show's documented output; do not reorder. */
static size_t
afzc_queue_counters(const struct netdev_afzc *dev, int q,
                    struct afzc_counter *c)
    OVS_REQUIRES(dev->lx.mutex)
{
    struct afzc_frame_counts fc;
    struct afzc_xdp_qstats qs;
    struct afzc_xsk_kstats ks;
    uint64_t hs[AFZC_HOOK_N_OUTCOMES];
    struct afzc_xsk_stats xs;
    bool ks_ok, qs_ok, hs_ok;
    size_t n = 0;

    memset(&fc, 0, sizeof fc);
    afzc_xsk_get_stats(dev->xsks[q], &xs);
    afzc_xsk_get_counts(dev->xsks[q], &fc);
    ks_ok = !afzc_xsk_get_kstats(dev->xsks[q], &ks);
    qs_ok = !afzc_xdp_get_qstats(dev->xdp, dev->start_qid + q, &qs);

    afzc_counter_add(c, &n, "rx_packets", xs.rx_packets, true, false);
    afzc_counter_add(c, &n, "rx_bytes", xs.rx_bytes, true, false);
    afzc_counter_add(c, &n, "tx_packets", xs.tx_packets, true, false);
    afzc_counter_add(c, &n, "tx_bytes", xs.tx_bytes, true, false);
    afzc_counter_add(c, &n, "tx_zerocopy", xs.tx_zerocopy, true, false);
    afzc_counter_add(c, &n, "tx_copied", xs.tx_copied, true, false);
    afzc_counter_add(c, &n, "tx_dropped", xs.tx_dropped, true, false);
    afzc_counter_add(c, &n, "rx_wakeups", xs.rx_wakeups, true, false);
    afzc_counter_add(c, &n, "tx_kicks", xs.tx_kicks, true, false);
    afzc_counter_add(c, &n, "fill_empty", xs.fill_empty, true, false);
    afzc_counter_add(c, &n, "rx_dropped", ks.rx_dropped, ks_ok, false);
    afzc_counter_add(c, &n, "rx_invalid_descs", ks.rx_invalid_descs, ks_ok,
                     false);
    afzc_counter_add(c, &n, "tx_invalid_descs", ks.tx_invalid_descs, ks_ok,
                     false);
    afzc_counter_add(c, &n, "rx_ring_full", ks.rx_ring_full,
                     ks_ok && ks.has_v2, false);
    afzc_counter_add(c, &n, "rx_fill_ring_empty_descs",
                     ks.rx_fill_ring_empty_descs, ks_ok && ks.has_v2, false);
    afzc_counter_add(c, &n, "tx_ring_empty_descs", ks.tx_ring_empty_descs,
                     ks_ok && ks.has_v2, false);
    afzc_counter_add(c, &n, "xdp_to_user", qs.packets[AFZC_XDP_TO_USER],
                     qs_ok, false);
    afzc_counter_add(c, &n, "xdp_passed", qs.packets[AFZC_XDP_PASSED],
                     qs_ok, false);
    afzc_counter_add(c, &n, "xdp_offloaded", qs.packets[AFZC_XDP_OFFLOADED],
                     qs_ok, false);
    afzc_counter_add(c, &n, "xdp_dropped", qs.packets[AFZC_XDP_DROPPED],
                     qs_ok, false);
    afzc_counter_add(c, &n, "xdp_cache_hits", qs.cache_hits, qs_ok, false);
    afzc_counter_add(c, &n, "xdp_csum_to_user", qs.csum_to_user, qs_ok,
                     false);
    afzc_counter_add(c, &n, "rx_csum_fixed",
                     dev->rxq_counters[q].csum_fixed, true, false);
    afzc_counter_add(c, &n, "frames_fill", fc.fill, true, true);
    afzc_counter_add(c, &n, "frames_rx", fc.rx, true, true);
    afzc_counter_add(c, &n, "frames_tx", fc.tx, true, true);
    afzc_counter_add(c, &n, "frames_completion", fc.completion, true, true);
    afzc_counter_add(c, &n, "frames_stashed", fc.stashed, true, true);
    afzc_counter_add(c, &n, "fill_starved", xs.fill_starved, true, false);
    afzc_counter_add(c, &n, "bad_descs", xs.bad_descs, true, false);
    afzc_counter_add(c, &n, "fill_target",
                     afzc_xsk_fill_target(dev->xsks[q]), true, true);
    hs_ok = !afzc_xdp_get_hook_stats(dev->xdp, dev->start_qid + q, hs);
    afzc_counter_add(c, &n, "hook_passed", hs[AFZC_HOOK_PASSED], hs_ok,
                     false);
    afzc_counter_add(c, &n, "hook_dropped", hs[AFZC_HOOK_DROPPED], hs_ok,
                     false);
    afzc_counter_add(c, &n, "hook_continued", hs[AFZC_HOOK_CONTINUED],
                     hs_ok, false);
    return n;
}

/* netdev class: per-queue counters as custom statistics, named
 * afzc_q<N>_<counter>.  These never go backwards (afzc/clear-stats does not
 * touch them); a counter the kernel does not report is left out. */
static int
netdev_afzc_get_custom_stats(const struct netdev *netdev,
                             struct netdev_custom_stats *cs)
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);

    ovs_mutex_lock(&dev->lx.mutex);
    cs->size = 0;
    cs->counters = xcalloc(MAX(dev->n_rxq, 1) * AFZC_MAX_COUNTERS,
                           sizeof *cs->counters);
    for (int q = 0; dev->configured && q < dev->n_rxq; q++) {
        struct afzc_counter c[AFZC_MAX_COUNTERS];
        size_t n = afzc_queue_counters(dev, q, c);

        for (size_t i = 0; i < n; i++) {
            if (c[i].valid && !c[i].gauge) {
                struct netdev_custom_counter *cc = &cs->counters[cs->size++];

                snprintf(cc->name, sizeof cc->name, "afzc_q%d_%s",
                         q, c[i].name);
                cc->value = c[i].value;
            }
        }
    }
    ovs_mutex_unlock(&dev->lx.mutex);
    return 0;
}

/* Returns counter 'i' of queue 'q' of 'dev' as afzc/show reports it: since
 * the last afzc/clear-stats, unless it is a gauge. */
static uint64_t
afzc_shown_value(const struct netdev_afzc *dev, int q, size_t i,
                 const struct afzc_counter *c)
    OVS_REQUIRES(dev->lx.mutex)
{
    if (c->gauge || !dev->baselines) {
        return c->value;
    }
    return c->value - dev->baselines[q * AFZC_MAX_COUNTERS + i];
}

/* Appends a description of afzc port 'netdev' and its queues to 'out' for
 * afzc/show: as text in the documented "key: value" layout, or as a JSON
 * object added to the array 'json' if that is nonnull.  A counter the
 * running kernel does not report is shown as "unavailable" (JSON null),
 * never as 0. */
void
netdev_afzc_show(const struct netdev *netdev, struct ds *out,
                 struct json *json)
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);
    struct json *port = NULL, *queues = NULL;

    ovs_mutex_lock(&dev->lx.mutex);
    if (json) {
        port = json_object_create();
        json_object_put_string(port, "port", netdev_get_name(netdev));
        json_object_put(port, "configured",
                        json_boolean_create(dev->configured));
        json_array_add(json, port);
    } else {
        ds_put_format(out, "port %s:\n", netdev_get_name(netdev));
    }
    if (!dev->configured) {
        if (!json) {
            ds_put_cstr(out, "  configured: false\n");
        }
        goto exit;
    }

    if (json) {
        json_object_put(port, "ifindex", json_integer_create(dev->ifindex));
        json_object_put_string(port, "xdp_mode",
                               afzc_xdp_mode_name(dev->mode_in_use));
        json_object_put(port, "xdp_prog_id",
                        json_integer_create(afzc_xdp_prog_id(dev->xdp)));
        json_object_put(port, "n_rxq", json_integer_create(dev->n_rxq));
        json_object_put(port, "start_qid",
                        json_integer_create(dev->start_qid));
        json_object_put(port, "offloaded_flows",
                        json_integer_create(afzc_xdp_n_flows(dev->xdp)));
        json_object_put(port, "offload_masks",
                        json_integer_create(afzc_xdp_n_masks(dev->xdp)));
        queues = json_array_create_empty();
        json_object_put(port, "queues", queues);
    } else {
        ds_put_format(out, "  configured: true\n  ifindex: %d\n"
                      "  xdp_mode: %s\n  xdp_prog_id: %"PRIu32"\n"
                      "  n_rxq: %d\n  start_qid: %d\n"
                      "  offloaded_flows: %"PRIuSIZE"\n"
                      "  offload_masks: %"PRIuSIZE"\n", dev->ifindex,
                      afzc_xdp_mode_name(dev->mode_in_use),
                      afzc_xdp_prog_id(dev->xdp), dev->n_rxq, dev->start_qid,
                      afzc_xdp_n_flows(dev->xdp),
                      afzc_xdp_n_masks(dev->xdp));
    }
    for (int q = 0; q < dev->n_rxq; q++) {
        struct afzc_counter c[AFZC_MAX_COUNTERS];
        size_t n = afzc_queue_counters(dev, q, c);
        struct json *jq = NULL;

        if (json) {
            jq = json_object_create();
            json_object_put(jq, "queue", json_integer_create(q));
            json_array_add(queues, jq);
        } else {
            ds_put_format(out, "  queue %d:\n", q);
        }
        for (size_t i = 0; i < n; i++) {
            uint64_t v = afzc_shown_value(dev, q, i, &c[i]);

            if (json) {
                json_object_put(jq, c[i].name, (c[i].valid
                                                ? json_integer_create(v)
                                                : json_null_create()));
            } else if (c[i].valid) {
                ds_put_format(out, "    %s: %"PRIu64"\n", c[i].name, v);
            } else {
                ds_put_format(out, "    %s: unavailable\n", c[i].name);
            }
        }
    }
exit:
    ovs_mutex_unlock(&dev->lx.mutex);
}

/* Makes afzc/show count the counters of 'netdev' from now on.  The
 * Interface statistics are not affected. */
void
netdev_afzc_clear_stats(const struct netdev *netdev)
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);

    ovs_mutex_lock(&dev->lx.mutex);
    if (dev->configured) {
        if (!dev->baselines) {
            dev->baselines = xcalloc(dev->n_rxq * AFZC_MAX_COUNTERS,
                                     sizeof *dev->baselines);
        }
        for (int q = 0; q < dev->n_rxq; q++) {
            struct afzc_counter c[AFZC_MAX_COUNTERS];
            size_t n = afzc_queue_counters(dev, q, c);

            for (size_t i = 0; i < n; i++) {
                dev->baselines[q * AFZC_MAX_COUNTERS + i] = c[i].value;
            }
        }
    }
    ovs_mutex_unlock(&dev->lx.mutex);
}

/* Adds the frames held by the queues of 'netdev' to '*c', for
 * afzc/umem-show. */
void
netdev_afzc_get_frame_counts(const struct netdev *netdev,
                             struct afzc_frame_counts *c)
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);

    ovs_mutex_lock(&dev->lx.mutex);
    for (int q = 0; dev->configured && q < dev->n_rxq; q++) {
        afzc_xsk_get_counts(dev->xsks[q], c);
    }
    ovs_mutex_unlock(&dev->lx.mutex);
}

/* Stores in '*targetsp' a new array of the fill targets of the queues of
 * 'netdev', for afzc/umem-show, and returns how many there are. */
size_t
netdev_afzc_get_fill_targets(const struct netdev *netdev,
                             uint32_t **targetsp)
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);
    size_t n;

    ovs_mutex_lock(&dev->lx.mutex);
    n = dev->configured ? dev->n_rxq : 0;
    *targetsp = xmalloc(MAX(n, 1) * sizeof **targetsp);
    for (size_t q = 0; q < n; q++) {
        (*targetsp)[q] = afzc_xsk_fill_target(dev->xsks[q]);
    }
    ovs_mutex_unlock(&dev->lx.mutex);
    return n;
}

/* Locks 'netdev' and returns its XDP program, or NULL if it has none (the
 * lock is held either way).  For the flow offload provider, which must
 * call netdev_afzc_unlock() when done. */
struct afzc_xdp *
netdev_afzc_lock_xdp(const struct netdev *netdev)
    OVS_NO_THREAD_SAFETY_ANALYSIS
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);

    ovs_mutex_lock(&dev->lx.mutex);
    return dev->configured ? dev->xdp : NULL;
}

/* Releases the lock taken by netdev_afzc_lock_xdp(). */
void
netdev_afzc_unlock(const struct netdev *netdev)
    OVS_NO_THREAD_SAFETY_ANALYSIS
{
    ovs_mutex_unlock(&netdev_afzc_cast(netdev)->lx.mutex);
}

/* netdev class: sends 'batch' on tx queue 'qid' and takes ownership of its
 * packets. */
static int
netdev_afzc_send(struct netdev *netdev, int qid,
                 struct dp_packet_batch *batch,
                 bool concurrent_txq OVS_UNUSED)
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);
    struct afzc_xsk *xsk;

    if (OVS_UNLIKELY(!dev->configured || !dev->n_rxq)) {
        dp_packet_delete_batch(batch, true);
        return 0;
    }
    /* The lock is taken even when 'concurrent_txq' is false: the thread
     * that polls the queue's rx side reaps its completions when idle. */
    qid %= dev->n_rxq;
    xsk = dev->xsks[qid];
    ovs_spin_lock(&dev->tx_locks[qid].lock);
    afzc_xsk_send(xsk, batch);
    ovs_spin_unlock(&dev->tx_locks[qid].lock);
    return 0;
}

/* netdev class: allocates an rx queue. */
static struct netdev_rxq *
netdev_afzc_rxq_alloc(void)
{
    struct netdev_rxq_afzc *rx = xzalloc(sizeof *rx);

    return &rx->up;
}

/* netdev class: sets up an rx queue; its socket already exists. */
static int
netdev_afzc_rxq_construct(struct netdev_rxq *rxq OVS_UNUSED)
{
    return 0;
}

/* netdev class: tears down an rx queue; its socket stays with the port. */
static void
netdev_afzc_rxq_destruct(struct netdev_rxq *rxq OVS_UNUSED)
{
}

/* netdev class: frees an rx queue. */
static void
netdev_afzc_rxq_dealloc(struct netdev_rxq *rxq)
{
    free(CONTAINER_OF(rxq, struct netdev_rxq_afzc, up));
}

/* netdev class: receives a batch of packets from rx queue 'rxq'.  When there
 * is nothing to receive, the idle moment is used to collect the queue's
 * transmit completions, if no sender holds its lock. */
static int
netdev_afzc_rxq_recv(struct netdev_rxq *rxq, struct dp_packet_batch *batch,
                     int *qfill)
{
    struct netdev_afzc *dev = netdev_afzc_cast(rxq->netdev);
    int qid = rxq->queue_id;
    int error;

    if (OVS_UNLIKELY(!dev->configured || qid >= dev->n_rxq)) {
        return EAGAIN;
    }
    error = afzc_xsk_recv(dev->xsks[qid], batch);
    if (!error && dev->csum_fixup) {
        dev->rxq_counters[qid].csum_fixed += afzc_csum_fixup_batch(batch);
    }
    if (error == EAGAIN && afzc_xsk_tx_outstanding(dev->xsks[qid])
        && !ovs_spin_trylock(&dev->tx_locks[qid].lock)) {
        afzc_xsk_tx_reap(dev->xsks[qid]);
        ovs_spin_unlock(&dev->tx_locks[qid].lock);
    }
    if (qfill) {
        *qfill = 0;
    }
    return error;
}

/* netdev class: arranges for the main loop to wake up for what Linux
 * devices need, and checks, once a second, that the shared UMEM keeps its
 * transmit reserve free.  (The check is here and not in 'run' because
 * Open vSwitch knows a Linux device's class by its 'run' function.) */
static void
netdev_afzc_wait(const struct netdev_class *class)
{
    static long long int next_check;
    struct afzc_umem *umem;

    netdev_linux_class.wait(class);
    umem = afzc_umem_get();
    if (!umem) {
        return;
    }
    if (time_msec() >= next_check) {
        struct afzc_frame_counts c;

        next_check = time_msec() + 1000;
        afzc_umem_get_counts(umem, &c);
        afzc_umem_check_free(umem, c.free + c.stashed);
    }
    poll_timer_wait_until(next_check);
}

/* netdev class: arranges for the main thread to wake up when the socket of
 * an afzc-nonpmd rx queue has packets, or needs to be kicked to take more
 * from the fill ring. */
static void
netdev_afzc_rxq_wait(struct netdev_rxq *rxq)
{
    struct netdev_afzc *dev = netdev_afzc_cast(rxq->netdev);
    int qid = rxq->queue_id;

    if (dev->configured && qid < dev->n_rxq) {
        struct afzc_xsk *xsk = dev->xsks[qid];

        poll_fd_wait(afzc_xsk_fd(xsk), POLLIN);
        if (afzc_xsk_tx_outstanding(xsk)) {
            /* Completions to reap: look again soon, as a PMD thread's idle
             * polls would. */
            poll_timer_wait(AFZC_NONPMD_REAP_MS);
        }
    }
}

/* Registers the afzc netdev classes with Open vSwitch.  Returns 0 or a
 * positive errno value. */
int
netdev_afzc_register(void)
{
    int error;

    /* Start from Open vSwitch's class for Linux devices, whose functions
     * work on our ports because a netdev_afzc is a netdev_linux, then
     * replace what AF_XDP does differently. */
    netdev_afzc_class = netdev_linux_class;
    netdev_afzc_class.type = "afzc";
    netdev_afzc_class.is_pmd = true;
    netdev_afzc_class.init = netdev_afzc_init;
    netdev_afzc_class.wait = netdev_afzc_wait;
    netdev_afzc_class.alloc = netdev_afzc_alloc;
    netdev_afzc_class.construct = netdev_afzc_construct;
    netdev_afzc_class.destruct = netdev_afzc_destruct;
    netdev_afzc_class.dealloc = netdev_afzc_dealloc;
    netdev_afzc_class.set_config = netdev_afzc_set_config;
    netdev_afzc_class.get_config = netdev_afzc_get_config;
    netdev_afzc_class.reconfigure = netdev_afzc_reconfigure;
    netdev_afzc_class.get_status = netdev_afzc_get_status;
    netdev_afzc_class.get_numa_id = netdev_afzc_get_numa_id;
    netdev_afzc_class.set_mtu = netdev_afzc_set_mtu;
    netdev_afzc_class.get_stats = netdev_afzc_get_stats;
    netdev_afzc_class.get_custom_stats = netdev_afzc_get_custom_stats;
    netdev_afzc_class.send = netdev_afzc_send;
    netdev_afzc_class.send_wait = NULL;
    netdev_afzc_class.rxq_alloc = netdev_afzc_rxq_alloc;
    netdev_afzc_class.rxq_construct = netdev_afzc_rxq_construct;
    netdev_afzc_class.rxq_destruct = netdev_afzc_rxq_destruct;
    netdev_afzc_class.rxq_dealloc = netdev_afzc_rxq_dealloc;
    netdev_afzc_class.rxq_recv = netdev_afzc_rxq_recv;
    netdev_afzc_class.rxq_wait = NULL;
    netdev_afzc_class.rxq_drain = NULL;
    netdev_afzc_class.get_block_id = NULL;

    /* The same port, polled by the main thread: no PMD thread spins on it,
     * and its sockets wake the main thread through their descriptors. */
    netdev_afzc_nonpmd_class = netdev_afzc_class;
    netdev_afzc_nonpmd_class.type = "afzc-nonpmd";
    netdev_afzc_nonpmd_class.is_pmd = false;
    netdev_afzc_nonpmd_class.rxq_wait = netdev_afzc_rxq_wait;

    error = netdev_register_provider(&netdev_afzc_class);
    return error ? error : netdev_register_provider(&netdev_afzc_nonpmd_class);
}
