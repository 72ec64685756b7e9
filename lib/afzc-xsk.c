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

#include "afzc-xsk.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/if_xdp.h>

#include <net/if.h>
#include <sys/ioctl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "afzc-ring.h"
#include "afzc-umem-private.h"
#include "dp-packet.h"
#include "socket-util.h"
#include "openvswitch/list.h"
#include "openvswitch/thread.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(afzc_xsk);

/* How often, at most, a queue looks back at its demand (see
 * afzc_xsk_maintain()), in milliseconds, and how many empty polls pass
 * between two looks at the clock. */
#define AFZC_XSK_MAINTAIN_MS 1000
#define AFZC_XSK_MAINTAIN_POLLS 1024

/* How long one busy poll may spin, in microseconds (SO_BUSY_POLL). */
#define AFZC_XSK_BUSY_POLL_USECS 20

/* Where the kernel puts received data in a frame, and where copied packets
 * are put for transmission: after the XDP headroom, like received ones. */
#define AFZC_TX_OFFSET XDP_PACKET_HEADROOM

/* Headroom of the buffer a multi-buffer packet is copied into on receipt,
 * for the headers that actions push (a VLAN tag, a tunnel header). */
#define AFZC_XSK_COPY_HEADROOM 128

/* An AF_XDP socket for one port queue, in three parts on cache lines of
 * their own: what is set when it is opened, the rx half and the tx half,
 * which different threads write.
 *
 * Counters that the main thread reads while the data path runs (the
 * AFZC_XSK_COUNT members below, and the frame positions that
 * afzc_xsk_get_counts() reads) are relaxed atomics with one writer each:
 * the owner of their half adds to them with afzc_xsk_count(), with a
 * relaxed load and store and no read-modify-write, and readers see each
 * one whole, if not all of them at the same instant. */
struct afzc_xsk {
    /* Set by afzc_xsk_open(), then only read.  ('node' is changed under
     * 'afzc_xsks_mutex' at open and close.) */
    PADDED_MEMBERS(CACHE_LINE_SIZE,
        struct ovs_list node;       /* In 'afzc_xsks'. */
        struct afzc_umem *umem;
        int fd;
        int ifindex;
        uint32_t queue;
        bool zerocopy;              /* Bound in zero-copy mode. */
        bool sg;                    /* Takes multi-buffer packets. */
        bool use_need_wakeup;
        uint16_t owner_id;          /* Marks the frames the kernel holds. */
    );

    /* Rx half: owned by the thread that polls the rx queue. */
    PADDED_MEMBERS(CACHE_LINE_SIZE,
        struct afzc_ring rx;
        struct afzc_ring fill;
        uint32_t fill_target;       /* Most frames in fill + rx rings. */
        uint32_t fill_max;          /* Most that 'fill_target' may become. */
        uint32_t fill_min;          /* Least, above the UMEM's floor (see
                                     * afzc_xsk_zerocopy_min()). */
        uint32_t fill_share;        /* Fill budget held in the UMEM. */
        bool fill_demand;           /* Ran short since the last look. */
        bool rx_skip_contd;         /* Dropping the rest of a packet whose
                                     * descriptors did not fit a batch. */
        uint32_t idle_polls;        /* Empty polls since the last look at
                                     * the clock. */
        long long int next_maintain; /* When to look at the demand next. */
        atomic_uint32_t fill_target_gauge; /* 'fill_target', for readers. */
        atomic_uint64_t fill_posted; /* Frames ever put in the fill ring. */
        atomic_uint64_t rx_taken;   /* Frames ever taken from the rx ring. */
        atomic_uint64_t rx_packets;
        atomic_uint64_t rx_bytes;
        atomic_uint64_t rx_wakeups;
        atomic_uint64_t fill_empty;
        atomic_uint64_t fill_starved;
        atomic_uint64_t rx_bad_descs;
        atomic_uint64_t rx_multi_buffer;
        atomic_uint64_t rx_oversized;
        struct afzc_stash rx_stash;
    );

    /* Tx half: owned by whoever holds 'tx_lock'. */
    PADDED_MEMBERS(CACHE_LINE_SIZE,
        struct ovs_spin tx_lock;
        struct afzc_ring tx;
        struct afzc_ring comp;
        uint64_t tx_posted_seen;    /* 'tx_posted' at the last idle reap. */
        atomic_uint64_t tx_posted;  /* Frames ever put in the tx ring. */
        atomic_uint64_t comp_taken; /* Frames ever taken from the comp
                                     * ring. */
        atomic_uint64_t tx_packets;
        atomic_uint64_t tx_bytes;
        atomic_uint64_t tx_zerocopy;
        atomic_uint64_t tx_copied;
        atomic_uint64_t tx_dropped;
        atomic_uint64_t tx_kicks;
        atomic_uint64_t comp_bad_descs;
        atomic_uint64_t tx_multi_buffer;
        struct afzc_stash tx_stash;
    );
};

/* Adds 'n' to counter 'c', which only the caller's thread writes. */
static inline void
afzc_xsk_count(atomic_uint64_t *c, uint64_t n)
{
    uint64_t v;

    atomic_read_relaxed(c, &v);
    atomic_store_relaxed(c, v + n);
}

/* Returns the value of counter 'c'. */
static inline uint64_t
afzc_xsk_read(const atomic_uint64_t *c)
{
    uint64_t v;

    atomic_read_relaxed(CONST_CAST(atomic_uint64_t *, c), &v);
    return v;
}

/* Returns how many frames 'xsk' has in its fill and rx rings. */
static inline uint32_t
afzc_xsk_rx_in_flight(const struct afzc_xsk *xsk)
{
    return afzc_xsk_read(&xsk->fill_posted) - afzc_xsk_read(&xsk->rx_taken);
}

/* Returns how many transmitted frames of 'xsk' have not been reaped. */
static inline uint64_t
afzc_xsk_tx_in_flight(const struct afzc_xsk *xsk)
{
    return afzc_xsk_read(&xsk->tx_posted) - afzc_xsk_read(&xsk->comp_taken);
}

/* Sets the fill target of 'xsk' to 'target'.  Rx half only. */
static void
afzc_xsk_set_fill_target(struct afzc_xsk *xsk, uint32_t target)
{
    xsk->fill_target = target;
    atomic_store_relaxed(&xsk->fill_target_gauge, target);
}

/* Every open socket, for afzc_xsk_get_umem_counts(). */
static struct ovs_mutex afzc_xsks_mutex = OVS_MUTEX_INITIALIZER;
static struct ovs_list afzc_xsks OVS_GUARDED_BY(afzc_xsks_mutex)
    = OVS_LIST_INITIALIZER(&afzc_xsks);

/* Unmaps whichever rings of 'xsk' are mapped. */
static void
afzc_xsk_unmap_rings(struct afzc_xsk *xsk)
{
    afzc_ring_unmap(&xsk->rx);
    afzc_ring_unmap(&xsk->tx);
    afzc_ring_unmap(&xsk->fill);
    afzc_ring_unmap(&xsk->comp);
}

/* Frees the memory of 'xsk', whose socket is closed. */
static void
afzc_xsk_free(struct afzc_xsk *xsk)
{
    ovs_spin_destroy(&xsk->tx_lock);
    free_cacheline(xsk);
}

/* Tops up the fill ring of 'xsk' with free frames, at most a stash batch at
 * a time, within the queue's 'fill_target'.  Returns the number of frames
 * added. */
static uint32_t
afzc_xsk_refill(struct afzc_xsk *xsk)
{
    uint64_t addrs[AFZC_STASH_BATCH];
    uint32_t in_flight = afzc_xsk_rx_in_flight(xsk);
    uint32_t want, room, got, idx;

    if (in_flight + NETDEV_MAX_BURST / 2 > xsk->fill_target) {
        return 0;
    }
    want = MIN(xsk->fill_target - in_flight, AFZC_STASH_BATCH);
    /* Evaluated once: the kernel moves the ring's consumer meanwhile. */
    room = afzc_ring_prod_free(&xsk->fill, want);
    want = MIN(want, room);
    if (want < NETDEV_MAX_BURST / 2
        || afzc_ring_prod_reserve(&xsk->fill, want, &idx) != want) {
        return 0;
    }
    got = afzc_stash_take(xsk->umem, &xsk->rx_stash, addrs, want);
    if (got < want) {
        afzc_xsk_count(&xsk->fill_empty, 1);
        /* Give back the unused reservation. */
        afzc_ring_prod_cancel(&xsk->fill, want - got);
    }
    for (uint32_t i = 0; i < got; i++) {
        *afzc_ring_fill_addr(&xsk->fill, idx + i) = addrs[i];
        afzc_umem_set_owner(xsk->umem, addrs[i], xsk->owner_id);
    }
    afzc_ring_prod_submit(&xsk->fill, got);
    afzc_xsk_count(&xsk->fill_posted, got);
    return got;
}

/* Sizes and maps the four rings of the socket of 'xsk'.  Returns 0 or a
 * positive errno value with a message in '*errp'; the rings that were
 * mapped stay mapped either way. */
static int
afzc_xsk_map_rings(struct afzc_xsk *xsk, char **errp)
{
    struct xdp_mmap_offsets off;
    int error;

    error = afzc_ring_set_sizes(xsk->fd, AFZC_RING_SIZE, AFZC_RING_SIZE,
                                AFZC_RING_SIZE, AFZC_RING_SIZE);
    error = error ? error : afzc_ring_get_offsets(xsk->fd, &off);
    if (error) {
        *errp = xasprintf("cannot set up AF_XDP rings (%s)",
                          ovs_strerror(error));
        return error;
    }

    error = afzc_ring_map(&xsk->rx, xsk->fd, &off, AFZC_RING_RX,
                          AFZC_RING_SIZE);
    error = error ? error : afzc_ring_map(&xsk->tx, xsk->fd, &off,
                                          AFZC_RING_TX, AFZC_RING_SIZE);
    error = error ? error : afzc_ring_map(&xsk->fill, xsk->fd, &off,
                                          AFZC_RING_FILL, AFZC_RING_SIZE);
    error = error ? error : afzc_ring_map(&xsk->comp, xsk->fd, &off,
                                          AFZC_RING_COMP, AFZC_RING_SIZE);
    if (error) {
        *errp = xasprintf("cannot map AF_XDP rings (%s)",
                          ovs_strerror(error));
    }
    return error;
}

/* Returns the least fill target for a zero-copy socket on the device with
 * 'ifindex' sharing 'umem'.
 *
 * A zero-copy driver moves frames from the fill ring into its own receive
 * descriptors, and some must never find the fill ring short.  Intel's igb
 * (Linux 6.14 to at least 7.3, in igb_alloc_rx_buffers_zc()) does not
 * terminate its descriptor ring when a refill that wraps around its end
 * comes up short, and then hands user space stale descriptors: frames it
 * delivered before, which are elsewhere by now.  afzc refuses those
 * (bad_descs), but the device's ring stays broken.  i40e, ixgbe and ice
 * share that refill code.  So a zero-copy queue keeps, at least, frames for
 * all of the device's receive descriptors, plus a full rx ring of
 * delivered frames waiting for user space, plus two stash batches: what
 * its fill ring then holds covers anything the driver asks for.  The
 * device's ring size comes from ETHTOOL_GRINGPARAM; 1024 if that fails.
 * No more than a quarter of the UMEM, however. */
static uint32_t
afzc_xsk_zerocopy_min(const struct afzc_umem *umem, int ifindex)
{
    struct ethtool_ringparam ring = { .cmd = ETHTOOL_GRINGPARAM };
    uint32_t driver_descs = 1024;
    struct ifreq ifr;

    memset(&ifr, 0, sizeof ifr);
    if (if_indextoname(ifindex, ifr.ifr_name)) {
        ifr.ifr_data = (void *) &ring;
        if (!af_inet_ioctl(SIOCETHTOOL, &ifr) && ring.rx_pending) {
            driver_descs = ring.rx_pending;
        }
    }
    return MIN(driver_descs + AFZC_RING_SIZE + 2 * AFZC_STASH_BATCH,
               afzc_umem_n_frames(umem) / 4);
}

/* Allocates an afzc_xsk for queue 'queue' sharing 'umem', with no socket
 * or rings yet, and joins the UMEM's fill budget with at least 'fill_min'
 * frames.  Returns 0 or a positive errno value, with a message in '*errp'. */
static int
afzc_xsk_create(struct afzc_umem *umem, int ifindex, uint32_t queue,
                uint32_t fill_min, bool use_need_wakeup,
                struct afzc_xsk **xskp, char **errp)
{
    struct afzc_xsk *xsk;
    int error;

    xsk = xzalloc_cacheline(sizeof *xsk);
    xsk->umem = umem;
    xsk->fd = -1;
    xsk->ifindex = ifindex;
    xsk->queue = queue;
    xsk->use_need_wakeup = use_need_wakeup;
    ovs_spin_init(&xsk->tx_lock);
    xsk->fill_min = fill_min;
    error = afzc_umem_fill_join(umem, xsk->fill_min, &xsk->fill_target,
                                errp);
    if (error) {
        afzc_xsk_free(xsk);
        return error;
    }
    atomic_store_relaxed(&xsk->fill_target_gauge, xsk->fill_target);
    xsk->fill_share = afzc_umem_queue_share(xsk->fill_target);
    /* No queue may take more than an eighth of the UMEM, however busy. */
    xsk->fill_max = MAX(xsk->fill_target,
                        MIN(AFZC_FILL_TARGET_MAX,
                            afzc_umem_n_frames(umem) / 8));
    xsk->next_maintain = time_msec() + AFZC_XSK_MAINTAIN_MS;
    xsk->owner_id = afzc_umem_new_owner_id(umem);
    *xskp = xsk;
    return 0;
}

/* Frees 'xsk', which afzc_xsk_create() made, before afzc_xsk_start(): its
 * rings, its socket if it has one, and its share of the fill budget. */
static void
afzc_xsk_destroy(struct afzc_xsk *xsk)
{
    afzc_xsk_unmap_rings(xsk);
    if (xsk->fd >= 0) {
        close(xsk->fd);
    }
    afzc_umem_fill_leave(xsk->umem, xsk->fill_share);
    afzc_xsk_free(xsk);
}

/* Stocks the fill ring of 'xsk', whose rings are set up, and makes it one
 * of the sockets that afzc_xsk_get_umem_counts() sees. */
static void
afzc_xsk_start(struct afzc_xsk *xsk)
{
    while (afzc_xsk_refill(xsk)) {
        continue;
    }

    ovs_mutex_lock(&afzc_xsks_mutex);
    ovs_list_push_back(&afzc_xsks, &xsk->node);
    ovs_mutex_unlock(&afzc_xsks_mutex);
}

/* Opens an AF_XDP socket on queue 'queue' of the device with 'ifindex',
 * sharing 'umem' in zero-copy mode if 'zerocopy' is true and in copy mode
 * otherwise, stocks its fill ring and stores it in '*xskp'.  The socket
 * receives nothing until it is put in the XDP program's XSKMAP.  Returns 0
 * or a positive errno value, with a message in '*errp'. */
int
afzc_xsk_open(struct afzc_umem *umem, int ifindex, uint32_t queue,
              bool zerocopy, bool use_need_wakeup, struct afzc_xsk **xskp,
              char **errp)
{
    struct afzc_xsk *xsk;
    int error;

    error = afzc_xsk_create(umem, ifindex, queue,
                            (zerocopy
                             ? afzc_xsk_zerocopy_min(umem, ifindex) : 0),
                            use_need_wakeup, &xsk, errp);
    if (error) {
        return error;
    }
    xsk->fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (xsk->fd < 0) {
        error = errno;
        *errp = xasprintf("cannot create AF_XDP socket (%s)",
                          ovs_strerror(error));
        goto error;
    }

    error = afzc_xsk_map_rings(xsk, errp);
    if (error) {
        goto error;
    }

    error = afzc_umem_bind(umem, xsk->fd, ifindex, queue, zerocopy);
    if (error) {
        *errp = xasprintf("cannot bind AF_XDP socket to queue %"PRIu32
                          " in %s mode (%s)%s", queue,
                          zerocopy ? "zero-copy" : "copy",
                          ovs_strerror(error),
                          error == EBUSY
                          ? ": another AF_XDP socket uses this queue" : "");
        goto error;
    }
    xsk->zerocopy = zerocopy;
    xsk->sg = afzc_umem_sg(umem, zerocopy);
    afzc_xsk_start(xsk);
    *xskp = xsk;
    return 0;

error:
    afzc_xsk_destroy(xsk);
    return error;
}

/* For test harnesses that play the kernel's part: makes in '*xskp' a copy
 * mode afzc_xsk sharing 'umem' that has no socket and uses the caller's
 * rings 'rx', 'tx', 'fill' and 'comp' (struct afzc_ring set up by hand over
 * memory of the caller's, not mapped), with need_wakeup and with
 * multi-buffer packets if 'sg' is true, and stocks its fill ring.  The
 * caller keeps the rings' memory until afzc_xsk_close(), and should leave
 * XDP_RING_NEED_WAKEUP clear in the tx ring's flags, since there is no
 * socket to kick.  Returns 0 or a positive errno value, with a message in
 * '*errp'. */
int
afzc_xsk_open_rings(struct afzc_umem *umem, uint32_t queue, bool sg,
                    const struct afzc_ring *rx, const struct afzc_ring *tx,
                    const struct afzc_ring *fill,
                    const struct afzc_ring *comp, struct afzc_xsk **xskp,
                    char **errp)
{
    struct afzc_xsk *xsk;
    int error;

    error = afzc_xsk_create(umem, 0, queue, 0, true, &xsk, errp);
    if (error) {
        return error;
    }
    xsk->rx = *rx;
    xsk->tx = *tx;
    xsk->fill = *fill;
    xsk->comp = *comp;
    xsk->rx.map = xsk->tx.map = xsk->fill.map = xsk->comp.map = NULL;
    xsk->sg = sg;
    afzc_xsk_start(xsk);
    *xskp = xsk;
    return 0;
}

/* Turns on busy polling for 'xsk': the kernel then runs the device's NAPI
 * loop from the system calls that kick the socket, up to 'budget' packets
 * at a time, instead of from interrupts (SO_PREFER_BUSY_POLL, SO_BUSY_POLL,
 * SO_BUSY_POLL_BUDGET; Linux 5.11 and later).  Returns 0 or a positive
 * errno value. */
int
afzc_xsk_set_busy_poll(struct afzc_xsk *xsk, int budget)
{
    int one = 1, usecs = AFZC_XSK_BUSY_POLL_USECS;

    if (setsockopt(xsk->fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, &one, sizeof one)
        || setsockopt(xsk->fd, SOL_SOCKET, SO_BUSY_POLL, &usecs, sizeof usecs)
        || setsockopt(xsk->fd, SOL_SOCKET, SO_BUSY_POLL_BUDGET, &budget,
                      sizeof budget)) {
        return errno;
    }
    return 0;
}

/* Returns true if the kernel has busy polling on for 'xsk''s socket, as
 * afzc_xsk_set_busy_poll() sets it.  (The kernel does not report the
 * budget back.) */
bool
afzc_xsk_busy_polls(const struct afzc_xsk *xsk)
{
    int prefer = 0, usecs = 0;
    socklen_t len = sizeof prefer;

    if (getsockopt(xsk->fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, &prefer, &len)) {
        return false;
    }
    len = sizeof usecs;
    if (getsockopt(xsk->fd, SOL_SOCKET, SO_BUSY_POLL, &usecs, &len)) {
        return false;
    }
    return prefer && usecs > 0;
}

/* Returns the socket's file descriptor, for the XSKMAP. */
int
afzc_xsk_fd(const struct afzc_xsk *xsk)
{
    return xsk->fd;
}

/* Counts in 'counter' of 'xsk', and logs, a descriptor of its 'ring' ("rx"
 * or "completion") that names no frame the kernel held for it: 'len' bytes
 * at UMEM offset 'addr'.  The caller ignores the descriptor. */
static void
afzc_xsk_bad_desc(struct afzc_xsk *xsk, atomic_uint64_t *counter,
                  const char *ring, uint64_t addr, uint32_t len)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

    afzc_xsk_count(counter, 1);
    VLOG_WARN_RL(&rl, "AF_XDP queue %"PRIu32" (owner %#x): ignored a %s "
                 "descriptor (offset %#"PRIx64", %"PRIu32" bytes, frame "
                 "marked %#x) that names no frame the kernel held for this "
                 "socket", xsk->queue, xsk->owner_id, ring, addr, len,
                 afzc_umem_get_owner(xsk->umem, addr));
}

/* Takes completed transmissions off the completion ring of 'xsk' and keeps
 * their frames in the tx stash.  A completion that names no frame 'xsk'
 * was given to transmit is ignored and counted. */
static void
afzc_xsk_reap(struct afzc_xsk *xsk)
{
    uint16_t mark = xsk->owner_id | AFZC_OWNER_TX;
    uint32_t idx, n;

    while ((n = afzc_ring_cons_peek(&xsk->comp, AFZC_STASH_BATCH, &idx))) {
        uint64_t addrs[AFZC_STASH_BATCH];
        uint32_t k = 0;

        for (uint32_t i = 0; i < n; i++) {
            uint64_t addr = afzc_ring_comp_addr(&xsk->comp, idx + i);

            if (OVS_UNLIKELY(!afzc_umem_check_owner(xsk->umem, addr, 0,
                                                    mark))) {
                afzc_xsk_bad_desc(xsk, &xsk->comp_bad_descs, "completion",
                                  addr, 0);
                continue;
            }
            afzc_umem_set_owner(xsk->umem, addr, 0);
            addrs[k++] = addr;
        }
        afzc_ring_cons_release(&xsk->comp, n);
        afzc_xsk_count(&xsk->comp_taken, k);
        afzc_stash_give(xsk->umem, &xsk->tx_stash, addrs, k);
    }
}

/* Returns true if the tx ring of 'xsk' holds frames the kernel has not
 * taken yet. */
static bool
afzc_xsk_tx_pending(const struct afzc_xsk *xsk)
{
    return afzc_ring_prod_unconsumed(&xsk->tx) != 0;
}

/* Asks the kernel to transmit what the tx ring of 'xsk' holds.  In copy
 * mode each call sends a bounded batch, so this repeats while the kernel
 * says there is more. */
static void
afzc_xsk_kick(struct afzc_xsk *xsk)
{
    for (int i = 0; i < 8; i++) {
        afzc_xsk_count(&xsk->tx_kicks, 1);
        if (sendto(xsk->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0) {
            return;
        }
        if (errno == ENXIO || errno == ENETDOWN || errno == ENODEV) {
            /* The device went away or down: what is in the ring stays
             * there until the port is reconfigured or removed. */
            return;
        }
        if (errno != EAGAIN && errno != EBUSY && errno != ENOBUFS) {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

            VLOG_WARN_RL(&rl, "sendto on AF_XDP queue %"PRIu32" failed: %s",
                         xsk->queue, ovs_strerror(errno));
            return;
        }
        if (!afzc_xsk_tx_pending(xsk)) {
            return;
        }
    }
}

/* Returns true if 'xsk' has transmitted frames whose completions have not
 * been reaped.  Read without the tx lock, as a hint for idle moments. */
bool
afzc_xsk_tx_outstanding(const struct afzc_xsk *xsk)
{
    return afzc_xsk_tx_in_flight(xsk) != 0;
}

/* Reaps completions of 'xsk' and, if nothing was sent since the previous
 * call, pushes out whatever its tx ring still holds: while packets keep
 * coming, the sends themselves kick the kernel, and a kick on every idle
 * poll would cost a system call each.  The caller owns the tx half. */
static void
afzc_xsk_tx_reap(struct afzc_xsk *xsk)
{
    uint64_t posted = afzc_xsk_read(&xsk->tx_posted);

    if (posted != afzc_xsk_read(&xsk->comp_taken)) {
        if (posted == xsk->tx_posted_seen && afzc_xsk_tx_pending(xsk)) {
            afzc_xsk_kick(xsk);
        }
        xsk->tx_posted_seen = posted;
        afzc_xsk_reap(xsk);
    }
}

/* For an idle moment of the thread that polls the rx queue of 'xsk': reaps
 * the queue's transmit completions (see afzc_xsk_tx_reap()) if some are
 * outstanding and no sender holds the tx half.  Never waits. */
void
afzc_xsk_reap_idle(struct afzc_xsk *xsk)
{
    if (afzc_xsk_tx_outstanding(xsk) && !ovs_spin_trylock(&xsk->tx_lock)) {
        afzc_xsk_tx_reap(xsk);
        ovs_spin_unlock(&xsk->tx_lock);
    }
}

/* Called after a full batch was received on 'xsk': if the kernel has used
 * up most of the fill ring meanwhile, so that a burst would find it empty,
 * doubles the queue's fill target, as far as the UMEM's fill budget lets
 * it. */
static void
afzc_xsk_check_demand(struct afzc_xsk *xsk)
{
    uint32_t in_flight = afzc_xsk_rx_in_flight(xsk);
    /* Received entries known to wait in the rx ring: at least that many of
     * the frames in flight are no longer in the fill ring. */
    uint32_t backlog = xsk->rx.cached_prod - xsk->rx.cached_cons;
    uint32_t fill_level = in_flight - MIN(backlog, in_flight);
    uint32_t more;

    if (fill_level >= xsk->fill_target / 4) {
        return;
    }
    xsk->fill_demand = true;
    if (xsk->fill_target >= xsk->fill_max) {
        return;
    }
    more = MIN(xsk->fill_target, xsk->fill_max - xsk->fill_target);
    if (xsk->fill_share < afzc_umem_queue_share(xsk->fill_target + more)) {
        uint32_t need = (afzc_umem_queue_share(xsk->fill_target + more)
                         - xsk->fill_share);

        if (!afzc_umem_fill_grow(xsk->umem, need)) {
            afzc_xsk_count(&xsk->fill_starved, 1);
            return;
        }
        xsk->fill_share += need;
    }
    afzc_xsk_set_fill_target(xsk, xsk->fill_target + more);
}

/* Looks back at the demand on 'xsk' once in a while, from its idle polls:
 * a queue that did not run short of fill frames for a whole period halves
 * its fill target, down to the UMEM's floor (or the queue's own minimum),
 * and gives back to the fill
 * budget whatever it holds beyond what its rings still have in flight. */
static void
afzc_xsk_maintain(struct afzc_xsk *xsk)
{
    long long int now = time_msec();
    struct afzc_umem_budget b;
    uint32_t in_flight, keep;

    if (now < xsk->next_maintain) {
        return;
    }
    xsk->next_maintain = now + AFZC_XSK_MAINTAIN_MS;

    afzc_umem_get_budget(xsk->umem, &b);
    keep = MAX(b.fill_floor, xsk->fill_min);
    if (!xsk->fill_demand && xsk->fill_target > keep) {
        afzc_xsk_set_fill_target(xsk, MAX(xsk->fill_target / 2, keep));
    }
    xsk->fill_demand = false;

    /* The frames already in the rings stay there until packets arrive in
     * them: the share shrinks only as they are used. */
    in_flight = afzc_xsk_rx_in_flight(xsk);
    keep = afzc_umem_queue_share(MAX(xsk->fill_target, in_flight));
    if (xsk->fill_share > keep) {
        afzc_umem_fill_shrink(xsk->umem, xsk->fill_share - keep);
        xsk->fill_share = keep;
    }
}

/* Takes the frame that rx descriptor 'desc' of 'xsk' names from the
 * kernel: returns true, with the frame marked as no longer the kernel's,
 * if it is a frame that this queue posted, or false, counted and logged
 * (afzc_xsk_bad_desc()), if it is not, and then it must not be read. */
static inline bool
afzc_xsk_take_rx_desc(struct afzc_xsk *xsk, const struct xdp_desc *desc)
{
    if (OVS_UNLIKELY(!afzc_umem_check_owner(xsk->umem, desc->addr,
                                            desc->len, xsk->owner_id))) {
        afzc_xsk_bad_desc(xsk, &xsk->rx_bad_descs, "rx", desc->addr,
                          desc->len);
        return false;
    }
    afzc_umem_set_owner(xsk->umem, desc->addr, 0);
    return true;
}

/* Receives into 'batch' the packet that the 'n' descriptors of the rx ring
 * of 'xsk' from 'idx' on hold, a multi-buffer packet, by copying it into a
 * buffer of its own, and gives its frames back to the rx stash.  Adds the
 * frames taken to '*taken' and the packet's length to '*bytes'.  A packet
 * longer than AFZC_XSK_MAX_RX_PACKET is dropped and counted, and so is one
 * with a descriptor that names no frame of 'xsk' (afzc_xsk_bad_desc()). */
static void
afzc_xsk_recv_multi(struct afzc_xsk *xsk, uint32_t idx, uint32_t n,
                    struct dp_packet_batch *batch, uint32_t *taken,
                    uint64_t *bytes)
{
    uint64_t addrs[NETDEV_MAX_BURST];
    uint32_t n_own = 0, len = 0;

    for (uint32_t i = 0; i < n; i++) {
        const struct xdp_desc *desc = afzc_ring_rx_desc(&xsk->rx, idx + i);

        if (OVS_UNLIKELY(!afzc_xsk_take_rx_desc(xsk, desc))) {
            continue;
        }
        addrs[n_own++] = desc->addr;
        len += desc->len;
    }

    if (n_own < n) {
        /* Dropped: part of it is not ours to read. */
    } else if (len > AFZC_XSK_MAX_RX_PACKET) {
        afzc_xsk_count(&xsk->rx_oversized, 1);
    } else {
        /* Less headroom for a packet that would not fit with all of it
         * (see AFZC_XSK_MAX_RX_PACKET). */
        struct dp_packet *packet = dp_packet_new_with_headroom(
            len, MIN(AFZC_XSK_COPY_HEADROOM, AFZC_XSK_MAX_RX_PACKET - len));

        for (uint32_t i = 0; i < n; i++) {
            const struct xdp_desc *desc = afzc_ring_rx_desc(&xsk->rx,
                                                            idx + i);

            dp_packet_put(packet, afzc_umem_data(xsk->umem, desc->addr),
                          desc->len);
        }
        batch->packets[batch->count++] = packet;
        afzc_xsk_count(&xsk->rx_multi_buffer, 1);
        *bytes += len;
    }
    afzc_stash_give(xsk->umem, &xsk->rx_stash, addrs, n_own);
    *taken += n_own;
}

/* Takes the frame of rx descriptor 'desc' of 'xsk', which belongs to a
 * packet being dropped, and gives it back to the rx stash.  Adds it to
 * '*taken' if it was a frame of this queue. */
static void
afzc_xsk_drop_rx_desc(struct afzc_xsk *xsk, const struct xdp_desc *desc,
                      uint32_t *taken)
{
    if (afzc_xsk_take_rx_desc(xsk, desc)) {
        uint64_t addr = desc->addr;

        afzc_stash_give(xsk->umem, &xsk->rx_stash, &addr, 1);
        (*taken)++;
    }
}

/* Called when all the 'n' descriptors of the rx ring of 'xsk' from 'idx'
 * on continue one packet.  If 'n' is a whole batch, the packet can never
 * be received: drops these descriptors, counts the packet as oversized,
 * makes the following receives drop the rest of it, and returns true.
 * Otherwise returns false, and the caller waits for the rest. */
static bool
afzc_xsk_drop_long_chain(struct afzc_xsk *xsk, uint32_t idx, uint32_t n,
                         uint32_t *taken)
{
    if (n < NETDEV_MAX_BURST) {
        return false;
    }
    for (uint32_t i = 0; i < n; i++) {
        afzc_xsk_drop_rx_desc(xsk, afzc_ring_rx_desc(&xsk->rx, idx + i),
                              taken);
    }
    afzc_xsk_count(&xsk->rx_oversized, 1);
    xsk->rx_skip_contd = true;
    return true;
}

/* Brings the 'size' bytes at 'data' into this CPU's cache.
 *
 * In copy mode the kernel copies every transmitted frame into a socket
 * buffer, right after the kick.  A forwarded frame was last written by the
 * CPU that received it, so that copy takes a cache miss on every line, one
 * after the other.  Prefetching the frame's lines lets those misses
 * overlap, and the kernel then copies from this CPU's cache.  (OVS's afxdp
 * ports get the same effect from their own copy of the packet.)
 *
 * A frame received in copy mode is prefetched as it is received, so that
 * the misses also overlap with the classification of the batch;
 * afzc_xsk_post() prefetches again what comes from elsewhere (a zero-copy
 * port's frame), and costs little for a frame that is already here. */
static void
afzc_xsk_prefetch(const void *data, uint32_t size)
{
    uintptr_t line = (uintptr_t) data & ~(uintptr_t) (CACHE_LINE_SIZE - 1);
    uintptr_t end = (uintptr_t) data + size;

    for (; line < end; line += CACHE_LINE_SIZE) {
        OVS_PREFETCH((const void *) line);
    }
}

/* Receives up to a batch of packets from 'xsk' into 'batch'.  The packets
 * are the UMEM frames themselves.  Returns 0 or EAGAIN if there was
 * nothing to receive. */
int
afzc_xsk_recv(struct afzc_xsk *xsk, struct dp_packet_batch *batch)
{
    uint32_t count = batch->count;
    uint32_t idx, n, taken = 0;
    uint64_t bytes = 0;

    /* The batch comes empty from dpif-netdev; never take more than it has
     * room for, so that every packet is simply stored in it below. */
    n = afzc_ring_cons_peek(&xsk->rx, NETDEV_MAX_BURST - batch->count, &idx);
    if (!n) {
        if (OVS_UNLIKELY(++xsk->idle_polls >= AFZC_XSK_MAINTAIN_POLLS)) {
            xsk->idle_polls = 0;
            afzc_xsk_maintain(xsk);
        }
        afzc_xsk_refill(xsk);
        if (!xsk->use_need_wakeup
            || afzc_ring_needs_wakeup(&xsk->fill)) {
            struct pollfd pfd = { .fd = xsk->fd, .events = POLLIN };

            afzc_xsk_count(&xsk->rx_wakeups, 1);
            ignore(poll(&pfd, 1, 0));
        }
        return EAGAIN;
    }

    for (uint32_t i = 0; i < n; i++) {
        const struct xdp_desc *desc = afzc_ring_rx_desc(&xsk->rx, idx + i);

        if (OVS_UNLIKELY(xsk->rx_skip_contd)) {
            /* The tail of a packet that afzc_xsk_drop_long_chain() began
             * to drop: up to and including its last descriptor. */
            xsk->rx_skip_contd = (desc->options & XDP_PKT_CONTD) != 0;
            afzc_xsk_drop_rx_desc(xsk, desc, &taken);
            continue;
        }
        if (OVS_UNLIKELY(desc->options & XDP_PKT_CONTD)) {
            uint32_t last = i;

            while (last < n
                   && afzc_ring_rx_desc(&xsk->rx, idx + last)->options
                      & XDP_PKT_CONTD) {
                last++;
            }
            if (last == n) {
                if (i || !afzc_xsk_drop_long_chain(xsk, idx, n, &taken)) {
                    /* The packet's last descriptor is beyond this batch:
                     * leave the packet, unreleased, for the next one. */
                    afzc_ring_cons_cancel(&xsk->rx, n - i);
                    n = i;
                }
                break;
            }
            afzc_xsk_recv_multi(xsk, idx + i, last - i + 1, batch, &taken,
                                &bytes);
            i = last;
            continue;
        }
        if (OVS_UNLIKELY(!afzc_xsk_take_rx_desc(xsk, desc))) {
            continue;
        }
        if (!xsk->zerocopy) {
            /* Written by the CPU that ran the kernel's receive path. */
            afzc_xsk_prefetch(afzc_umem_data(xsk->umem, desc->addr),
                              desc->len);
        }
        batch->packets[batch->count++] = afzc_umem_packet(xsk->umem,
                                                          desc->addr,
                                                          desc->len);
        bytes += desc->len;
        taken++;
    }
    afzc_ring_cons_release(&xsk->rx, n);
    afzc_xsk_count(&xsk->rx_taken, taken);
    afzc_xsk_count(&xsk->rx_packets, batch->count - count);
    afzc_xsk_count(&xsk->rx_bytes, bytes);
    if (OVS_UNLIKELY(batch->count == count)) {
        afzc_xsk_refill(xsk);
        return EAGAIN;
    }

    if (n == NETDEV_MAX_BURST) {
        afzc_xsk_check_demand(xsk);
    }
    afzc_xsk_refill(xsk);
    return 0;
}

/* What one afzc_xsk_send() call did, added to the counters at its end. */
struct afzc_xsk_tx_tally {
    uint64_t packets;
    uint64_t bytes;
    uint64_t zerocopy;
    uint64_t copied;
    uint64_t multi_buffer;
    uint64_t dropped;
    int error;                  /* The first drop's errno, or 0. */
};

/* Counts a packet dropped by a send for 'error' in 't'. */
static void
afzc_xsk_tally_drop(struct afzc_xsk_tx_tally *t, int error)
{
    t->dropped++;
    if (!t->error) {
        t->error = error;
    }
}

/* Returns how many tx descriptors of 'xsk' 'packet' takes: more than one
 * for a packet that no frame holds, on a socket that sends multi-buffer
 * packets. */
static inline uint32_t
afzc_xsk_n_descs(const struct afzc_xsk *xsk, const struct dp_packet *packet)
{
    uint32_t size = dp_packet_size(packet);

    return (OVS_LIKELY(size <= AFZC_XSK_FRAME_ROOM) || !xsk->sg
            ? 1 : DIV_ROUND_UP(size, AFZC_XSK_FRAME_ROOM));
}

/* Writes the 'room' or fewer tx descriptors of 'xsk' from 'idx' on for
 * 'packet', which no frame holds, as a multi-buffer packet copied into
 * frames of the tx stash, and takes ownership of the packet.  Returns the
 * number of descriptors written, or 0 if the packet was dropped (and
 * counted so in 't'). */
static uint32_t
afzc_xsk_post_multi(struct afzc_xsk *xsk, struct dp_packet *packet,
                    uint32_t idx, uint32_t room, struct afzc_xsk_tx_tally *t)
{
    uint64_t addrs[DIV_ROUND_UP(AFZC_XSK_MAX_PACKET, AFZC_XSK_FRAME_ROOM)];
    const char *data = dp_packet_data(packet);
    uint32_t size = dp_packet_size(packet);
    uint32_t n = DIV_ROUND_UP(size, AFZC_XSK_FRAME_ROOM);
    uint32_t got;

    if (!xsk->sg || size > AFZC_XSK_MAX_PACKET) {
        afzc_xsk_tally_drop(t, EMSGSIZE);
        dp_packet_delete(packet);
        return 0;
    }
    if (n > room) {
        afzc_xsk_tally_drop(t, EAGAIN);
        dp_packet_delete(packet);
        return 0;
    }
    got = afzc_stash_take(xsk->umem, &xsk->tx_stash, addrs, n);
    if (got < n) {
        afzc_stash_give(xsk->umem, &xsk->tx_stash, addrs, got);
        afzc_xsk_tally_drop(t, ENOBUFS);
        dp_packet_delete(packet);
        return 0;
    }

    for (uint32_t i = 0, ofs = 0; i < n; i++, ofs += AFZC_XSK_FRAME_ROOM) {
        struct xdp_desc *desc = afzc_ring_tx_desc(&xsk->tx, idx + i);
        uint32_t len = MIN(AFZC_XSK_FRAME_ROOM, size - ofs);
        uint64_t addr = addrs[i] + AFZC_TX_OFFSET;

        memcpy(afzc_umem_data(xsk->umem, addr), data + ofs, len);
        afzc_umem_set_owner(xsk->umem, addr, xsk->owner_id | AFZC_OWNER_TX);
        desc->addr = addr;
        desc->len = len;
        desc->options = i + 1 < n ? XDP_PKT_CONTD : 0;
    }
    dp_packet_delete(packet);
    t->packets++;
    t->copied++;
    t->multi_buffer++;
    t->bytes += size;
    return n;
}

/* Writes tx descriptor 'desc' of 'xsk' for 'packet' and takes ownership of
 * the packet.  A packet whose data lies in the shared UMEM is posted by
 * address; any other packet is copied into a free frame first.  Returns
 * true if 'desc' was written, false if the packet was dropped (and counted
 * so in 't'). */
static bool
afzc_xsk_post(struct afzc_xsk *xsk, struct dp_packet *packet,
              struct xdp_desc *desc, struct afzc_xsk_tx_tally *t)
{
    const void *data = dp_packet_data(packet);
    uint32_t size = dp_packet_size(packet);
    uint64_t addr;

    if (packet->source == DPBUF_AFXDP
        && afzc_umem_contains(xsk->umem, data, size)) {
        /* Zero copy: the frame itself goes to the tx ring and comes back
         * through the completion ring; the dp_packet, which lives outside
         * the frame, is simply forgotten. */
        addr = afzc_umem_offset(xsk->umem, data);
        if (!xsk->zerocopy) {
            afzc_xsk_prefetch(data, size);
        }
        t->zerocopy++;
    } else {
        if (size > AFZC_FRAME_SIZE - AFZC_TX_OFFSET) {
            afzc_xsk_tally_drop(t, EMSGSIZE);
            dp_packet_delete(packet);
            return false;
        }
        if (!afzc_stash_take(xsk->umem, &xsk->tx_stash, &addr, 1)) {
            afzc_xsk_tally_drop(t, ENOBUFS);
            dp_packet_delete(packet);
            return false;
        }
        addr += AFZC_TX_OFFSET;
        memcpy(afzc_umem_data(xsk->umem, addr), data, size);
        dp_packet_delete(packet);
        t->copied++;
    }

    if (xsk->zerocopy && size < ETH_TOTAL_MIN
        && addr % AFZC_FRAME_SIZE + ETH_TOTAL_MIN <= AFZC_FRAME_SIZE) {
        /* A zero-copy driver hands the frame to the NIC as it is, and
         * leaves padding a runt to the hardware, which not every NIC
         * (QEMU's igb) does: pad it here, in its own frame. */
        memset((char *) afzc_umem_data(xsk->umem, addr) + size, 0,
               ETH_TOTAL_MIN - size);
        size = ETH_TOTAL_MIN;
    }

    afzc_umem_set_owner(xsk->umem, addr, xsk->owner_id | AFZC_OWNER_TX);
    desc->addr = addr;
    desc->len = size;
    desc->options = 0;
    t->packets++;
    t->bytes += size;
    return true;
}

/* Transmits the packets in 'batch' on 'xsk' and takes ownership of them.
 * The caller holds the tx lock.  Returns as afzc_xsk_send() does. */
static int
afzc_xsk_send__(struct afzc_xsk *xsk, struct dp_packet_batch *batch)
{
    struct afzc_xsk_tx_tally t = { .error = 0 };
    struct dp_packet *packet;
    uint32_t need = 0, n_room, idx = 0, n = 0;

    dp_packet_batch_apply_cutlen(batch);
    afzc_xsk_reap(xsk);

    DP_PACKET_BATCH_FOR_EACH (i, packet, batch) {
        need += afzc_xsk_n_descs(xsk, packet);
    }
    n_room = MIN(afzc_ring_prod_free(&xsk->tx, need), need);
    if (n_room) {
        afzc_ring_prod_reserve(&xsk->tx, n_room, &idx);
    }

    DP_PACKET_BATCH_FOR_EACH (i, packet, batch) {
        if (n >= n_room) {
            afzc_xsk_tally_drop(&t, EAGAIN);
            dp_packet_delete(packet);
        } else if (OVS_UNLIKELY(!dp_packet_size(packet))) {
            /* Nothing to send (a packet truncated to nothing, say), and a
             * zero-length descriptor is one the kernel refuses. */
            afzc_xsk_tally_drop(&t, EINVAL);
            dp_packet_delete(packet);
        } else if (OVS_UNLIKELY(dp_packet_size(packet) > AFZC_XSK_FRAME_ROOM)
                   && (packet->source != DPBUF_AFXDP
                       || !afzc_umem_contains(xsk->umem,
                                              dp_packet_data(packet),
                                              dp_packet_size(packet)))) {
            n += afzc_xsk_post_multi(xsk, packet, idx + n, n_room - n, &t);
        } else if (afzc_xsk_post(xsk, packet,
                                 afzc_ring_tx_desc(&xsk->tx, idx + n), &t)) {
            n++;
        }
    }
    dp_packet_batch_init(batch);

    if (n < n_room) {
        /* Some packets were dropped after the reservation. */
        afzc_ring_prod_cancel(&xsk->tx, n_room - n);
    }
    if (n) {
        afzc_ring_prod_submit(&xsk->tx, n);
        afzc_xsk_count(&xsk->tx_posted, n);
        afzc_xsk_count(&xsk->tx_packets, t.packets);
    }
    afzc_xsk_count(&xsk->tx_bytes, t.bytes);
    afzc_xsk_count(&xsk->tx_zerocopy, t.zerocopy);
    afzc_xsk_count(&xsk->tx_copied, t.copied);
    afzc_xsk_count(&xsk->tx_multi_buffer, t.multi_buffer);
    afzc_xsk_count(&xsk->tx_dropped, t.dropped);
    if (n || afzc_xsk_tx_pending(xsk)) {
        if (!xsk->use_need_wakeup || afzc_ring_needs_wakeup(&xsk->tx)) {
            afzc_xsk_kick(xsk);
        }
    }
    return t.error;
}

/* Transmits the packets in 'batch' on 'xsk' and takes ownership of them,
 * under the tx lock of 'xsk', which any number of threads may call this
 * for at once.  Returns 0 if every packet was put in the tx ring, otherwise
 * the reason the first dropped packet was dropped: EAGAIN if the ring was
 * full, ENOBUFS if the UMEM had no frame to copy it into, EMSGSIZE if it
 * did not fit in a frame, EINVAL if it was empty. */
int
afzc_xsk_send(struct afzc_xsk *xsk, struct dp_packet_batch *batch)
{
    int error;

    ovs_spin_lock(&xsk->tx_lock);
    error = afzc_xsk_send__(xsk, batch);
    ovs_spin_unlock(&xsk->tx_lock);
    return error;
}

/* Closes 'xsk' and returns every frame it had to the shared pool.  The
 * socket must already be out of the XSKMAP and nothing may use it any
 * more. */
void
afzc_xsk_close(struct afzc_xsk *xsk)
{
    uint32_t uncompleted, reclaimed;
    long long int deadline;

    if (!xsk) {
        return;
    }

    ovs_mutex_lock(&afzc_xsks_mutex);
    ovs_list_remove(&xsk->node);
    ovs_mutex_unlock(&afzc_xsks_mutex);

    /* Let transmissions in flight complete, for at most half a second. */
    deadline = time_msec() + 500;
    for (;;) {
        afzc_xsk_tx_reap(xsk);
        if (!afzc_xsk_tx_in_flight(xsk) || time_msec() > deadline) {
            break;
        }
        xnanosleep(1000 * 1000);
    }

    uncompleted = afzc_xsk_tx_in_flight(xsk);
    afzc_stash_drain(xsk->umem, &xsk->rx_stash);
    afzc_stash_drain(xsk->umem, &xsk->tx_stash);
    afzc_xsk_unmap_rings(xsk);
    if (xsk->fd >= 0) {
        afzc_umem_unbind(xsk->umem, xsk->fd);
        close(xsk->fd);
    }

    /* With its rings unmapped and its descriptor closed, the socket is
     * gone and the kernel has let go of every frame it held for it: in
     * the fill, rx, tx or completion ring, in a zero-copy driver's
     * descriptors, or in the socket's free list.  Each of those frames is
     * still marked with the socket's owner id (afzc_umem_set_owner()), so
     * they are found here, each once.  Reading the rings instead, while the
     * socket is open, races with a driver that moves a frame from the tx
     * ring to the completion ring between the two reads. */
    reclaimed = afzc_umem_reclaim_owner(xsk->umem, xsk->owner_id);
    VLOG_DBG("AF_XDP queue %"PRIu32" closed: %"PRIu32" frames back from "
             "the kernel, %"PRIu32" of them transmitted and not completed",
             xsk->queue, reclaimed, uncompleted);
    afzc_umem_fill_leave(xsk->umem, xsk->fill_share);
    afzc_xsk_free(xsk);
}

/* Copies the counters of 'xsk' into '*stats'.  Any thread may call it
 * while the data path runs: each counter is read whole. */
void
afzc_xsk_get_stats(const struct afzc_xsk *xsk, struct afzc_xsk_stats *stats)
{
    stats->rx_packets = afzc_xsk_read(&xsk->rx_packets);
    stats->rx_bytes = afzc_xsk_read(&xsk->rx_bytes);
    stats->rx_wakeups = afzc_xsk_read(&xsk->rx_wakeups);
    stats->fill_empty = afzc_xsk_read(&xsk->fill_empty);
    stats->fill_starved = afzc_xsk_read(&xsk->fill_starved);
    stats->rx_multi_buffer = afzc_xsk_read(&xsk->rx_multi_buffer);
    stats->rx_oversized = afzc_xsk_read(&xsk->rx_oversized);
    stats->tx_multi_buffer = afzc_xsk_read(&xsk->tx_multi_buffer);
    stats->bad_descs = (afzc_xsk_read(&xsk->rx_bad_descs)
                        + afzc_xsk_read(&xsk->comp_bad_descs));
    stats->tx_packets = afzc_xsk_read(&xsk->tx_packets);
    stats->tx_bytes = afzc_xsk_read(&xsk->tx_bytes);
    stats->tx_zerocopy = afzc_xsk_read(&xsk->tx_zerocopy);
    stats->tx_copied = afzc_xsk_read(&xsk->tx_copied);
    stats->tx_dropped = afzc_xsk_read(&xsk->tx_dropped);
    stats->tx_kicks = afzc_xsk_read(&xsk->tx_kicks);
}

/* Returns the fill target of 'xsk': the most frames its fill and rx rings
 * hold together now.  Any thread may call it, as a gauge. */
uint32_t
afzc_xsk_fill_target(const struct afzc_xsk *xsk)
{
    uint32_t target;

    atomic_read_relaxed(CONST_CAST(atomic_uint32_t *,
                                   &xsk->fill_target_gauge), &target);
    return target;
}

/* Reads the kernel's XDP_STATISTICS of 'xsk' into '*ks'.  Returns 0 or a
 * positive errno value. */
int
afzc_xsk_get_kstats(const struct afzc_xsk *xsk, struct afzc_xsk_kstats *ks)
{
    struct xdp_statistics st;
    socklen_t len = sizeof st;

    memset(&st, 0, sizeof st);
    memset(ks, 0, sizeof *ks);
    if (getsockopt(xsk->fd, SOL_XDP, XDP_STATISTICS, &st, &len)) {
        return errno;
    }
    ks->rx_dropped = st.rx_dropped;
    ks->rx_invalid_descs = st.rx_invalid_descs;
    ks->tx_invalid_descs = st.tx_invalid_descs;
#ifdef AFZC_HAVE_XDP_STATS_V2
    if (len >= sizeof st) {
        ks->rx_ring_full = st.rx_ring_full;
        ks->rx_fill_ring_empty_descs = st.rx_fill_ring_empty_descs;
        ks->tx_ring_empty_descs = st.tx_ring_empty_descs;
        ks->has_v2 = true;
    }
#endif
    return 0;
}

/* Adds where the frames of 'xsk' are to '*c'.  Any thread may call it
 * while the data path runs, for an estimate: the rings and the stashes
 * move while they are read.  Each value is read whole (the stash sizes,
 * plain fields of their owners, with a relaxed atomic load), but the
 * values are not of the same instant. */
void
afzc_xsk_get_counts(const struct afzc_xsk *xsk, struct afzc_frame_counts *c)
{
    uint32_t rx_ring = (afzc_ring_load_prod(&xsk->rx)
                        - afzc_ring_load_cons(&xsk->rx));
    uint32_t tx_ring = afzc_ring_prod_unconsumed(&xsk->tx);
    uint64_t rx_flight = afzc_xsk_rx_in_flight(xsk);
    uint64_t tx_flight = afzc_xsk_tx_in_flight(xsk);

    c->stashed += (__atomic_load_n(&xsk->rx_stash.n, __ATOMIC_RELAXED)
                   + __atomic_load_n(&xsk->tx_stash.n, __ATOMIC_RELAXED));
    c->rx += MIN(rx_ring, rx_flight);
    c->fill += rx_flight - MIN(rx_ring, rx_flight);
    c->tx += MIN(tx_ring, tx_flight);
    c->completion += tx_flight - MIN(tx_ring, tx_flight);
}

/* Fills '*c' with where every frame of 'umem' is. */
void
afzc_xsk_get_umem_counts(struct afzc_umem *umem,
                         struct afzc_frame_counts *c)
{
    const struct afzc_xsk *xsk;
    uint64_t accounted;

    memset(c, 0, sizeof *c);
    c->free = afzc_umem_n_free(umem);

    ovs_mutex_lock(&afzc_xsks_mutex);
    LIST_FOR_EACH (xsk, node, &afzc_xsks) {
        if (xsk->umem == umem) {
            afzc_xsk_get_counts(xsk, c);
        }
    }
    ovs_mutex_unlock(&afzc_xsks_mutex);

    accounted = c->free + c->stashed + c->fill + c->rx + c->tx
                + c->completion;
    c->held = (accounted < afzc_umem_n_frames(umem)
               ? afzc_umem_n_frames(umem) - accounted : 0);
}
