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

#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/if_xdp.h>

#include "afzc-csum.h"
#include "afzc-dev.h"
#include "afzc-gso.h"
#include "afzc-options.h"
#include "afzc-stats.h"
#include "afzc-umem.h"
#include "afzc-xdp.h"
#include "afzc-xdp-flow.h"
#include "afzc-xsk.h"
#include "dp-packet.h"
#include "netdev-linux-private.h"
#include "netdev-offload.h"
#include "netdev-provider.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "packets.h"
#include "smap.h"
#include "socket-util.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(netdev_afzc);

/* The largest MTU whose packets one UMEM frame holds, with room for an
 * Ethernet header and one VLAN tag.  A port with a larger MTU, up to
 * AFZC_XSK_JUMBO_MTU, is a jumbo port: its packets may span frames, as
 * multi-buffer packets, which only copy mode carries. */
#define AFZC_MAX_MTU (AFZC_XSK_FRAME_ROOM - ETH_HEADER_LEN - VLAN_HEADER_LEN)

/* How often the main thread reaps an afzc-nonpmd port's transmit
 * completions while some are outstanding, in milliseconds. */
#define AFZC_NONPMD_REAP_MS 100

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
    char *mtu_error;                /* Why the last mtu_request was refused,
                                     * or NULL if it was not. */

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
    bool rx_gso;                    /* TCP super-packets are cut to the MTU
                                     * (csum_fixup in generic mode). */
    bool xdp_csum_fixup;            /* By the XDP program, but for packets
                                     * of several frames (native mode). */
    char *csum_fixup_status;        /* How that was decided, for status;
                                     * kept across teardowns, which the
                                     * modes best-effort tries go through. */
    struct afzc_stats *stats;       /* Counters of our own. */
    bool flow_api;                  /* Flow offload was on at setup. */
    bool jumbo;                     /* Set up for multi-buffer packets. */
    bool configured;                /* Sockets and program are set up. */
    bool vanished;                  /* The device is gone: reconfigure. */
    int set_up_ifindex;             /* ifindex at the last successful
                                     * setup, 0 if none. */
    int ifindex;
    struct afzc_umem *umem;
    struct afzc_xdp *xdp;
    struct afzc_xsk **xsks;         /* 'n_rxq' sockets. */
};

/* An rx queue of an afzc port. */
struct netdev_rxq_afzc {
    struct netdev_rxq up;
    struct afzc_gso_queue gso;      /* Segments of super-packets, and the
                                     * packets behind them, to receive. */
};

/* The two afzc classes: "afzc", polled by PMD threads, and "afzc-nonpmd",
 * polled by the main thread when its sockets have packets. */
static struct netdev_class netdev_afzc_class;
static struct netdev_class netdev_afzc_nonpmd_class;

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

/* Sets up what afzc needs in the main thread: libbpf's logging.
 * Idempotent; called when the bridge first runs and before the first afzc
 * port is constructed. */
void
netdev_afzc_main_init(void)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;

    if (ovsthread_once_start(&once)) {
        afzc_xdp_init();
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
    }
    free(dev->xsks);
    dev->xsks = NULL;
    afzc_stats_destroy(dev->stats);
    dev->stats = NULL;
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
    free(dev->mtu_error);
    dev->mtu_error = NULL;
    ovs_mutex_unlock(&dev->lx.mutex);
    netdev_linux_class.destruct(netdev);
}

/* Checks that afzc can carry MTU 'mtu' of device 'name' in XDP mode
 * 'mode': up to AFZC_MAX_MTU in any mode, up to AFZC_XSK_JUMBO_MTU as a
 * jumbo port in a copy mode.  Returns 0, or EINVAL with a message in
 * '*errp'. */
static int
netdev_afzc_check_mtu(const char *name, int mtu, enum afzc_xdp_mode mode,
                      char **errp)
{
    if (mtu > AFZC_XSK_JUMBO_MTU) {
        *errp = xasprintf("%s: MTU %d is too large for afzc, which takes "
                          "an MTU of at most %d", name, mtu,
                          AFZC_XSK_JUMBO_MTU);
        return EINVAL;
    }
    if (mtu > AFZC_MAX_MTU && mode == AFZC_MODE_NATIVE_ZC) {
        *errp = xasprintf("%s: MTU %d needs packets of more than one "
                          "%d-byte UMEM frame, which afzc carries in copy "
                          "mode only; xdp-mode=native-with-zerocopy takes "
                          "an MTU of at most %d", name, mtu,
                          AFZC_FRAME_SIZE, AFZC_MAX_MTU);
        return EINVAL;
    }
    return 0;
}

/* Checks device 'name', behind afzc port 'dev', against options 'o':
 * enough queues, and, for a port that is not running yet, that the device
 * exists, has no XDP program of someone else's and an MTU a frame holds.
 * Returns 0 or a positive errno value with a message in '*errp'. */
static int
netdev_afzc_check_device(struct netdev_afzc *dev, const char *name,
                         const struct afzc_options *o, char **errp)
{
    /* Checked for a running port too: a reconfiguration with more queues
     * than the device has would fail to bind and take the port out of the
     * datapath. */
    int n_dev_rxq = afzc_dev_n_rx_queues(name);
    bool configured;
    int error, mtu;

    if (n_dev_rxq && o->n_rxq > n_dev_rxq) {
        *errp = xasprintf("%s: options:n_rxq=%d exceeds the %d rx "
                          "queue%s of the device", name, o->n_rxq,
                          n_dev_rxq, n_dev_rxq == 1 ? "" : "s");
        return EINVAL;
    }
    if (n_dev_rxq && o->start_qid + o->n_rxq > n_dev_rxq) {
        *errp = xasprintf("%s: options:start-qid=%d with n_rxq=%d needs "
                          "rx queues %d to %d, but the device has %d",
                          name, o->start_qid, o->n_rxq, o->start_qid,
                          o->start_qid + o->n_rxq - 1, n_dev_rxq);
        return EINVAL;
    }

    /* The rest runs without the mutex: netdev_linux functions take it
     * themselves. */
    ovs_mutex_lock(&dev->lx.mutex);
    configured = dev->configured;
    ovs_mutex_unlock(&dev->lx.mutex);
    if (!configured) {
        int ifindex = if_nametoindex(name);
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
    }
    /* For a running port too, which may be asked for zero-copy. */
    if (!netdev_linux_class.get_mtu(&dev->lx.up, &mtu)) {
        error = netdev_afzc_check_mtu(name, mtu, o->mode, errp);
        if (error) {
            return error;
        }
    }
    return 0;
}

/* Checks what options 'o' of afzc port 'dev', on device 'name', need
 * beyond the device itself: a hook the kernel takes, room in the shared
 * UMEM's fill budget for more queues, and zero-copy support in the driver
 * if zero-copy is asked for.  Returns 0 or a positive errno value with a
 * message in '*errp'. */
static int
netdev_afzc_check_resources(struct netdev_afzc *dev, const char *name,
                            const struct afzc_options *o, char **errp)
{
    char *msg = NULL;
    int n_more, error = 0;

    /* A hook that is not there, of the wrong type, or that the kernel
     * refuses, is refused here, before the port is touched. */
    if (o->hook) {
        error = afzc_xdp_check_hook(o->hook, &msg);
    }

    /* Every queue needs its share of the shared UMEM's fill budget. */
    ovs_mutex_lock(&dev->lx.mutex);
    n_more = o->n_rxq - (dev->configured ? dev->n_rxq : 0);
    ovs_mutex_unlock(&dev->lx.mutex);
    if (!error && n_more > 0) {
        error = afzc_umem_check_room(n_more, 0, &msg);
    }
    if (error) {
        *errp = xasprintf("%s: %s", name, msg);
        free(msg);
        return error;
    }

    /* A driver without zero-copy gets a clear error here, also for a
     * running port that is asked to switch to zero-copy.  Any other probe
     * failure is left to the bind in netdev_afzc_setup(). */
    if (o->mode == AFZC_MODE_NATIVE_ZC) {
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
    return 0;
}

/* netdev class: applies options:n_rxq, options:xdp-mode,
 * options:use-need-wakeup and the other options afzc_options_parse()
 * knows.  Everything that can be checked without touching the data path is
 * checked here, so that a bad option shows up in the Interface's error
 * column and the port is not added. */
static int
netdev_afzc_set_config(struct netdev *netdev, const struct smap *args,
                       char **errp)
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);
    const char *name = netdev_get_name(netdev);
    struct afzc_options o;
    int error;

    error = afzc_options_parse(args, name, &o, errp);
    error = error ? error : netdev_afzc_check_device(dev, name, &o, errp);
    error = error ? error : netdev_afzc_check_resources(dev, name, &o, errp);
    if (error) {
        return error;
    }

    ovs_mutex_lock(&dev->lx.mutex);
    /* Flow offload, once turned on, changes the mode best-effort picks on
     * veth (see netdev_afzc_reconfigure()). */
    if (o.n_rxq != dev->requested_n_rxq || o.mode != dev->requested_mode
        || o.need_wakeup != dev->requested_need_wakeup
        || o.start_qid != dev->requested_start_qid
        || o.busy_poll != dev->requested_busy_poll
        || !nullable_string_is_equal(o.hook, dev->requested_hook)
        || o.csum_fixup != dev->requested_csum_fixup || !dev->configured
        || dev->flow_api != netdev_is_flow_api_enabled()) {
        free(dev->requested_hook);
        dev->requested_hook = nullable_xstrdup(o.hook);
        dev->requested_n_rxq = o.n_rxq;
        dev->requested_mode = o.mode;
        dev->requested_need_wakeup = o.need_wakeup;
        dev->requested_start_qid = o.start_qid;
        dev->requested_busy_poll = o.busy_poll;
        dev->requested_csum_fixup = o.csum_fixup;
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
             afzc_csum_fixup_name(dev->requested_csum_fixup));
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
    if (dev->jumbo && zerocopy) {
        *errp = xasprintf("%s: a jumbo MTU (above %d) cannot run in "
                          "zero-copy mode", name, AFZC_MAX_MTU);
        return EINVAL;
    }
    error = afzc_xdp_attach(name, dev->ifindex, native, dev->jumbo,
                            &dev->xdp, errp);
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
    dev->xdp_csum_fixup = dev->csum_fixup && native;
    dev->rx_gso = dev->csum_fixup && !native;
    afzc_xdp_set_csum_fixup(dev->xdp, dev->xdp_csum_fixup);
    afzc_xdp_set_gso_to_user(dev->xdp, dev->rx_gso);

    dev->xsks = xcalloc(n_rxq, sizeof *dev->xsks);
    dev->n_rxq = n_rxq;
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
    if (dev->jumbo && n_rxq && !afzc_umem_sg(dev->umem, zerocopy)) {
        *errp = xasprintf("%s: a jumbo MTU (above %d) needs AF_XDP "
                          "multi-buffer sockets (Linux 6.6 or later)", name,
                          AFZC_MAX_MTU);
        return EOPNOTSUPP;
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

/* Sets up 'dev', whose driver is 'driver' (empty if unknown), in the best
 * XDP mode that works, and stores that mode in '*modep'.  Caller holds the
 * mutex and 'dev' is torn down.  Returns 0 or a positive errno value with a
 * message in '*errp', as netdev_afzc_setup() does for the last mode tried. */
static int
netdev_afzc_setup_best_effort(struct netdev_afzc *dev, const char *driver,
                              enum afzc_xdp_mode *modep, char **errp)
    OVS_REQUIRES(dev->lx.mutex)
{
    static const enum afzc_xdp_mode modes[] = {
        AFZC_MODE_NATIVE_ZC, AFZC_MODE_NATIVE, AFZC_MODE_GENERIC,
    };
    const char *name = netdev_get_name(&dev->lx.up);
    size_t i = 0;
    int error;

    /* veth cannot do zero-copy.  Its generic mode outruns its native mode
     * for AF_XDP, but in generic mode the far end keeps building TSO
     * super-packets, which no frame holds and the socket drops: where
     * partial checksums are completed, which is what a far end with its
     * default offloads needs, native mode it is (see
     * Documentation/topics/afzc.rst).  Not with flow offload, though: a
     * flow's redirect from native mode would need NAPI on the far end of
     * the output veth, while generic mode's redirect hands the kernel's own
     * packet, offloads and all, to the output.  Elsewhere, the first mode
     * that works, fastest first, but not zero-copy where the kernel says
     * the driver lacks it, nor on a jumbo port. */
    if (!strcmp(driver, "veth")) {
        i = (dev->csum_fixup && !netdev_is_flow_api_enabled()
             ? 1 : ARRAY_SIZE(modes) - 1);
    } else if (dev->jumbo
               || afzc_dev_query_zerocopy(dev->ifindex) == EOPNOTSUPP) {
        i = 1;
    }
    for (;; i++) {
        *modep = modes[i];
        error = netdev_afzc_setup(dev, modes[i], errp);
        if (!error || i == ARRAY_SIZE(modes) - 1) {
            return error;
        }
        VLOG_INFO("%s: %s XDP mode failed (%s); trying %s", name,
                  afzc_xdp_mode_name(modes[i]), *errp,
                  afzc_xdp_mode_name(modes[i + 1]));
        free(*errp);
        *errp = NULL;
        netdev_afzc_teardown(dev);
    }
}

/* netdev class: applies the requested configuration.  No thread sends or
 * receives on the port meanwhile. */
static int
netdev_afzc_reconfigure(struct netdev *netdev)
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);
    const char *name = netdev_get_name(netdev);
    struct afzc_xdp_saved_flows *saved = NULL;
    size_t n_restored = 0;
    enum afzc_xdp_mode mode;
    char driver[32];
    char *msg = NULL;
    int error = 0;
    bool jumbo;
    int mtu;

    /* netdev_linux takes the mutex itself. */
    if (netdev_linux_class.get_mtu(netdev, &mtu)) {
        mtu = 0;
    }
    jumbo = mtu > AFZC_MAX_MTU;

    ovs_mutex_lock(&dev->lx.mutex);
    if (dev->configured && !dev->vanished && dev->jumbo == jumbo
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

    /* The offloaded flows go over to the new program (see
     * afzc_xdp_flows_save()). */
    saved = afzc_xdp_flows_save(dev->xdp);
    netdev_afzc_teardown(dev);
    dev->ifindex = if_nametoindex(name);
    if (!dev->ifindex) {
        /* Open vSwitch logs the failure and reports the missing device. */
        VLOG_INFO("%s: device has gone", name);
        error = ENODEV;
        goto out_quiet;
    }

    error = netdev_afzc_check_mtu(name, mtu, dev->requested_mode, &msg);
    if (error) {
        goto out;
    }
    dev->jumbo = jumbo;

    afzc_dev_driver(name, driver, sizeof driver);
    afzc_decide_csum_fixup(dev, driver);

    mode = dev->requested_mode;
    if (mode == AFZC_MODE_BEST_EFFORT) {
        error = netdev_afzc_setup_best_effort(dev, driver, &mode, &msg);
    } else {
        error = netdev_afzc_setup(dev, mode, &msg);
    }

    if (error) {
        netdev_afzc_teardown(dev);
        goto out;
    }

    dev->mode = dev->requested_mode;
    dev->mode_in_use = mode;
    if (netdev_is_flow_api_enabled()) {
        n_restored = afzc_xdp_flows_restore(dev->xdp, saved,
                                            mode == AFZC_MODE_NATIVE_ZC);
        saved = NULL;
    }
    /* The ifindex of the last setup, not the one before this call: an
     * attempt while the device was gone leaves 0 there. */
    if (dev->set_up_ifindex && dev->set_up_ifindex != dev->ifindex) {
        afzc_xdp_output_moved(dev->set_up_ifindex, dev->ifindex);
    }
    dev->set_up_ifindex = dev->ifindex;
    dev->use_need_wakeup = dev->requested_need_wakeup;
    dev->busy_poll = dev->requested_busy_poll;
    free(dev->hook);
    dev->hook = nullable_xstrdup(dev->requested_hook);
    dev->flow_api = netdev_is_flow_api_enabled();
    dev->stats = afzc_stats_create(dev->n_rxq);
    dev->configured = true;
    netdev->n_rxq = dev->n_rxq;
    netdev->n_txq = dev->n_rxq;
    VLOG_INFO("%s: %d queue%s in %s XDP mode, program id %"PRIu32,
              name, dev->n_rxq, dev->n_rxq == 1 ? "" : "s",
              afzc_xdp_mode_name(mode), afzc_xdp_prog_id(dev->xdp));
    if (n_restored) {
        VLOG_INFO("%s: %"PRIuSIZE" offloaded flow%s carried over to the new "
                  "program", name, n_restored, n_restored == 1 ? "" : "s");
    }
    netdev_change_seq_changed(netdev);

out:
    if (error) {
        VLOG_ERR("%s", msg ? msg : ovs_strerror(error));
    }
out_quiet:
    afzc_xdp_flows_restore(NULL, saved, false);  /* Frees what is left. */
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
    if (dev->mtu_error) {
        smap_add(smap, "mtu_error", dev->mtu_error);
    }
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
        smap_add(smap, "multi_buffer", dev->jumbo ? "true" : "false");
    }
    ovs_mutex_unlock(&dev->lx.mutex);
    return 0;
}

/* netdev class: the NUMA node of the device, from sysfs; 0 when the device
 * has none (veth). */
static int
netdev_afzc_get_numa_id(const struct netdev *netdev)
{
    return afzc_dev_numa_id(netdev_get_name(netdev));
}

/* netdev class: changes the device's flags as netdev_linux does, but from
 * the flags the device has now.  netdev_linux computes the new flags from
 * the ones it last saw, which its link notifications keep up to date only
 * when its run function gets to them.  When a device is deleted and
 * created again under an afzc port, Open vSwitch removes the port and adds
 * it back (its reconfiguration fails while the device is gone), turning
 * PROMISC on; with flags seen before the new device was set up, that
 * write set it down again (the soak's veth-recreate, 1 time in 6 on an
 * idle machine).  Reading the flags first closes that window. */
static int
netdev_afzc_update_flags(struct netdev *netdev, enum netdev_flags off,
                         enum netdev_flags on, enum netdev_flags *old_flagsp)
{
    struct netdev_linux *lx = netdev_linux_cast(netdev);

    if (on || off) {
        struct ifreq ifr;

        ovs_mutex_lock(&lx->mutex);
        if (!af_inet_ifreq_ioctl(netdev_get_name(netdev), &ifr,
                                 SIOCGIFFLAGS, "SIOCGIFFLAGS")) {
            lx->ifi_flags = (uint16_t) ifr.ifr_flags;
        }
        ovs_mutex_unlock(&lx->mutex);
    }
    return netdev_linux_class.update_flags(netdev, off, on, old_flagsp);
}

/* Records 'msg' (taken over; NULL to clear) as why the last MTU asked of
 * 'dev' was refused, for the status column's "mtu_error".  Open vSwitch's
 * bridge clears the Interface's error column on every reconfiguration and
 * keeps MTU failures out of it, so that is where operators find it. */
static void
netdev_afzc_set_mtu_error(struct netdev_afzc *dev, char *msg)
{
    ovs_mutex_lock(&dev->lx.mutex);
    free(dev->mtu_error);
    dev->mtu_error = msg;
    ovs_mutex_unlock(&dev->lx.mutex);
}

/* netdev class: refuses an MTU that afzc cannot carry in the port's XDP
 * mode (see netdev_afzc_check_mtu()), then lets Linux set it.  An MTU that
 * makes the port a jumbo port, or one no more, sets the port up again.
 * Either refusal, afzc's or the driver's, is shown as the status key
 * "mtu_error" until an MTU is set. */
static int
netdev_afzc_set_mtu(struct netdev *netdev, int mtu)
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);
    enum afzc_xdp_mode mode;
    char *msg = NULL;
    bool jumbo;
    int error;

    ovs_mutex_lock(&dev->lx.mutex);
    mode = dev->requested_mode;
    jumbo = dev->jumbo;
    ovs_mutex_unlock(&dev->lx.mutex);

    error = netdev_afzc_check_mtu(netdev_get_name(netdev), mtu, mode, &msg);
    if (error) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

        VLOG_WARN_RL(&rl, "%s", msg);
        netdev_afzc_set_mtu_error(dev, msg);
        return error;
    }
    error = netdev_linux_class.set_mtu(netdev, mtu);
    if (error) {
        /* Open vSwitch logs the failure itself. */
        netdev_afzc_set_mtu_error(
            dev, xasprintf("the device refused MTU %d (%s)", mtu,
                           ovs_strerror(error)));
        return error;
    }
    netdev_afzc_set_mtu_error(dev, NULL);
    if (jumbo != (mtu > AFZC_MAX_MTU)) {
        netdev_request_reconfigure(netdev);
    }
    return 0;
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

/* Fills '*v' with what afzc-stats needs of 'dev'. */
static void
netdev_afzc_view(const struct netdev_afzc *dev, struct afzc_port_view *v)
    OVS_REQUIRES(dev->lx.mutex)
{
    memset(v, 0, sizeof *v);
    v->name = netdev_get_name(&dev->lx.up);
    v->configured = dev->configured;
    if (dev->configured) {
        v->ifindex = dev->ifindex;
        v->xdp_mode = afzc_xdp_mode_name(dev->mode_in_use);
        v->n_rxq = dev->n_rxq;
        v->start_qid = dev->start_qid;
        v->xdp = dev->xdp;
        v->xsks = dev->xsks;
        v->stats = dev->stats;
    }
}

/* netdev class: per-queue counters as custom statistics (see
 * afzc_stats_get_custom()). */
static int
netdev_afzc_get_custom_stats(const struct netdev *netdev,
                             struct netdev_custom_stats *cs)
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);
    struct afzc_port_view v;

    ovs_mutex_lock(&dev->lx.mutex);
    netdev_afzc_view(dev, &v);
    afzc_stats_get_custom(&v, cs);
    ovs_mutex_unlock(&dev->lx.mutex);
    return 0;
}

/* Locks 'netdev' and fills '*v' with what the counter code (afzc-stats)
 * and the afzc/... commands read of it: the one way into a port's
 * internals from outside the netdev class.  '*v' is valid until the caller
 * releases the lock with netdev_afzc_unlock(). */
void
netdev_afzc_lock_view(const struct netdev *netdev, struct afzc_port_view *v)
    OVS_NO_THREAD_SAFETY_ANALYSIS
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);

    ovs_mutex_lock(&dev->lx.mutex);
    netdev_afzc_view(dev, v);
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

/* Releases the lock taken by netdev_afzc_lock_xdp() or
 * netdev_afzc_lock_view(). */
void
netdev_afzc_unlock(const struct netdev *netdev)
    OVS_NO_THREAD_SAFETY_ANALYSIS
{
    ovs_mutex_unlock(&netdev_afzc_cast(netdev)->lx.mutex);
}

/* netdev class: sends 'batch' on tx queue 'qid' and takes ownership of its
 * packets.  Returns 0 if every packet was queued for transmission,
 * otherwise a positive errno value (see afzc_xsk_send()); ENODEV if the
 * port is not set up. */
static int
netdev_afzc_send(struct netdev *netdev, int qid,
                 struct dp_packet_batch *batch,
                 bool concurrent_txq OVS_UNUSED)
{
    struct netdev_afzc *dev = netdev_afzc_cast(netdev);

    if (OVS_UNLIKELY(!dev->configured || !dev->n_rxq)) {
        dp_packet_delete_batch(batch, true);
        return ENODEV;
    }
    /* The socket locks its tx half even when 'concurrent_txq' is false:
     * the thread that polls the queue's rx side reaps its completions when
     * idle. */
    return afzc_xsk_send(dev->xsks[qid % dev->n_rxq], batch);
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
netdev_afzc_rxq_construct(struct netdev_rxq *rxq)
{
    afzc_gso_queue_init(&CONTAINER_OF(rxq, struct netdev_rxq_afzc, up)->gso);
    return 0;
}

/* netdev class: tears down an rx queue; its socket stays with the port.
 * The packets still waiting in it are dropped. */
static void
netdev_afzc_rxq_destruct(struct netdev_rxq *rxq)
{
    afzc_gso_queue_destroy(
        &CONTAINER_OF(rxq, struct netdev_rxq_afzc, up)->gso);
}

/* Cuts the TCP super-packets in 'batch', received on queue 'qid' of 'dev',
 * to the port's MTU (see afzc-gso.h); what does not fit in 'batch' waits
 * in 'rx'.  Looks the MTU up only if a packet is longer than the smallest
 * MTU that IPv6 allows would let it be. */
static void
netdev_afzc_rx_gso(struct netdev_afzc *dev, struct netdev_rxq_afzc *rx,
                   int qid, struct dp_packet_batch *batch)
{
    struct dp_packet *packet;
    uint64_t n;
    int mtu;

    DP_PACKET_BATCH_FOR_EACH (i, packet, batch) {
        if (dp_packet_size(packet) > ETH_HEADER_LEN + 1280) {
            goto cut;
        }
    }
    return;

cut:
    if (netdev_linux_class.get_mtu(&dev->lx.up, &mtu)) {
        return;
    }
    n = afzc_gso_segment_batch(batch, mtu, &rx->gso);
    if (n) {
        afzc_stats_add_gso_cut(dev->stats, qid, n);
    }
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
    struct netdev_rxq_afzc *rx = CONTAINER_OF(rxq, struct netdev_rxq_afzc,
                                              up);
    int qid = rxq->queue_id;
    int error;

    if (OVS_UNLIKELY(!dev->configured || qid >= dev->n_rxq)) {
        return EAGAIN;
    }
    if (OVS_UNLIKELY(!afzc_gso_queue_is_empty(&rx->gso))) {
        /* What the last receive cut and could not hand over comes first. */
        afzc_gso_queue_drain(&rx->gso, batch);
        error = 0;
    } else {
        error = afzc_xsk_recv(dev->xsks[qid], batch);
        if (!error && dev->rx_gso) {
            netdev_afzc_rx_gso(dev, rx, qid, batch);
        }
    }
    if (!error && dev->csum_fixup) {
        afzc_stats_add_csum_fixed(dev->stats, qid,
                                  afzc_csum_fixup_batch(batch,
                                                        dev->xdp_csum_fixup));
    }
    if (error == EAGAIN) {
        afzc_xsk_reap_idle(dev->xsks[qid]);
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
        afzc_xsk_get_umem_counts(umem, &c);
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
    netdev_afzc_class.update_flags = netdev_afzc_update_flags;
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
