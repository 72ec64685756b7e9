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
#include "dp-packet.h"
#include "socket-util.h"
#include "openvswitch/list.h"
#include "openvswitch/thread.h"
#include "openvswitch/vlog.h"
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

/* An AF_XDP socket for one port queue. */
struct afzc_xsk {
    struct ovs_list node;       /* In 'afzc_xsks'. */
    struct afzc_umem *umem;
    int fd;
    int ifindex;
    uint32_t queue;
    bool zerocopy;              /* Bound in zero-copy mode. */
    bool use_need_wakeup;
    uint16_t owner_id;          /* Marks the frames the kernel holds. */

    /* Rx side: owned by the thread that polls the rx queue. */
    struct afzc_ring rx;
    struct afzc_ring fill;
    struct afzc_stash rx_stash;
    uint32_t fill_target;       /* Most frames in fill + rx rings. */
    uint32_t fill_max;          /* Most that 'fill_target' may become. */
    uint32_t fill_min;          /* Least, above the UMEM's floor (see
                                 * afzc_xsk_zerocopy_min()). */
    uint32_t fill_share;        /* Fill budget held in the UMEM. */
    bool fill_demand;           /* Ran short since the last maintenance. */
    uint32_t idle_polls;        /* Empty polls since the last clock look. */
    long long int next_maintain; /* When to look at the demand next. */
    uint64_t fill_posted;       /* Frames ever put in the fill ring. */
    uint64_t rx_taken;          /* Frames ever taken from the rx ring. */

    /* Tx side: owned by the sender (under the port's tx queue lock). */
    struct afzc_ring tx;
    struct afzc_ring comp;
    struct afzc_stash tx_stash;
    uint64_t tx_posted;         /* Frames ever put in the tx ring. */
    uint64_t comp_taken;        /* Frames ever taken from the comp ring. */
    uint64_t tx_posted_seen;    /* 'tx_posted' at the last idle reap. */

    struct afzc_xsk_stats stats;
};

/* Every open socket, for afzc_umem_get_counts(). */
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

/* Tops up the fill ring of 'xsk' with free frames, at most a stash batch at
 * a time, within the queue's 'fill_target'.  Returns the number of frames
 * added. */
static uint32_t
afzc_xsk_refill(struct afzc_xsk *xsk)
{
    uint64_t addrs[AFZC_STASH_BATCH];
    uint32_t in_flight = xsk->fill_posted - xsk->rx_taken;
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
        xsk->stats.fill_empty++;
        /* Give back the unused reservation. */
        afzc_ring_prod_cancel(&xsk->fill, want - got);
    }
    for (uint32_t i = 0; i < got; i++) {
        *afzc_ring_fill_addr(&xsk->fill, idx + i) = addrs[i];
        afzc_umem_set_owner(xsk->umem, addrs[i], xsk->owner_id);
    }
    afzc_ring_prod_submit(&xsk->fill, got);
    xsk->fill_posted += got;
    return got;
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
    struct xdp_mmap_offsets off;
    struct afzc_xsk *xsk;
    int error;

    xsk = xzalloc(sizeof *xsk);
    xsk->umem = umem;
    xsk->ifindex = ifindex;
    xsk->queue = queue;
    xsk->use_need_wakeup = use_need_wakeup;
    xsk->fill_min = zerocopy ? afzc_xsk_zerocopy_min(umem, ifindex) : 0;
    error = afzc_umem_fill_join(umem, xsk->fill_min, &xsk->fill_target,
                                errp);
    if (error) {
        free(xsk);
        return error;
    }
    xsk->fill_share = afzc_umem_queue_share(xsk->fill_target);
    /* No queue may take more than an eighth of the UMEM, however busy. */
    xsk->fill_max = MAX(xsk->fill_target,
                        MIN(AFZC_FILL_TARGET_MAX,
                            afzc_umem_n_frames(umem) / 8));
    xsk->next_maintain = time_msec() + AFZC_XSK_MAINTAIN_MS;
    xsk->owner_id = afzc_umem_new_owner_id(umem);
    xsk->fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (xsk->fd < 0) {
        error = errno;
        *errp = xasprintf("cannot create AF_XDP socket (%s)",
                          ovs_strerror(error));
        afzc_umem_fill_leave(umem, xsk->fill_share);
        free(xsk);
        return error;
    }

    error = afzc_ring_set_sizes(xsk->fd, AFZC_RING_SIZE, AFZC_RING_SIZE,
                                AFZC_RING_SIZE, AFZC_RING_SIZE);
    error = error ? error : afzc_ring_get_offsets(xsk->fd, &off);
    if (error) {
        *errp = xasprintf("cannot set up AF_XDP rings (%s)",
                          ovs_strerror(error));
        goto error;
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

    while (afzc_xsk_refill(xsk)) {
        continue;
    }

    ovs_mutex_lock(&afzc_xsks_mutex);
    ovs_list_push_back(&afzc_xsks, &xsk->node);
    ovs_mutex_unlock(&afzc_xsks_mutex);
    *xskp = xsk;
    return 0;

error:
    afzc_xsk_unmap_rings(xsk);
    close(xsk->fd);
    afzc_umem_fill_leave(umem, xsk->fill_share);
    free(xsk);
    return error;
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

/* Counts and logs, rate-limited, a descriptor of ring 'ring' of 'xsk' that
 * afzc_umem_check_owner() refused: 'len' bytes at UMEM offset 'addr'.
 * Nothing is done with the frame it names. */
static void
afzc_xsk_bad_desc(struct afzc_xsk *xsk, const char *ring, uint64_t addr,
                  uint32_t len)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

    xsk->stats.bad_descs++;
    VLOG_WARN_RL(&rl, "AF_XDP queue %"PRIu32" (owner %#x): ignored a %s "
                 "descriptor (offset %#"PRIx64", %"PRIu32" bytes, frame "
                 "marked %#x) that names no frame the kernel held for this "
                 "socket", xsk->queue, xsk->owner_id, ring, addr, len,
                 afzc_umem_get_owner(xsk->umem, addr));
}

/* Takes completed transmissions off the completion ring of 'xsk' and keeps
 * their frames in the tx stash. */
static void
afzc_xsk_reap(struct afzc_xsk *xsk)
{
    uint32_t idx, n;

    while ((n = afzc_ring_cons_peek(&xsk->comp, AFZC_STASH_BATCH, &idx))) {
        uint64_t addrs[AFZC_STASH_BATCH];

        uint32_t k = 0;

        for (uint32_t i = 0; i < n; i++) {
            uint64_t addr = afzc_ring_comp_addr(&xsk->comp, idx + i);

            if (OVS_UNLIKELY(!afzc_umem_check_owner(xsk->umem, addr, 0,
                                                    xsk->owner_id
                                                    | AFZC_OWNER_TX))) {
                afzc_xsk_bad_desc(xsk, "completion", addr, 0);
                continue;
            }
            afzc_umem_set_owner(xsk->umem, addr, 0);
            addrs[k++] = addr;
        }
        afzc_ring_cons_release(&xsk->comp, n);
        xsk->comp_taken += k;
        afzc_stash_give(xsk->umem, &xsk->tx_stash, addrs, k);
    }
}

/* Asks the kernel to transmit what the tx ring of 'xsk' holds.  In copy
 * mode each call sends a bounded batch, so this repeats while the kernel
 * says there is more. */
static void
afzc_xsk_kick(struct afzc_xsk *xsk)
{
    for (int i = 0; i < 8; i++) {
        xsk->stats.tx_kicks++;
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

/* Returns true if the tx ring of 'xsk' holds frames the kernel has not
 * taken yet. */
bool
afzc_xsk_tx_pending(const struct afzc_xsk *xsk)
{
    return afzc_ring_prod_unconsumed(&xsk->tx) != 0;
}

/* Returns true if 'xsk' has transmitted frames whose completions have not
 * been reaped.  Read without the tx lock, as a hint for idle moments. */
bool
afzc_xsk_tx_outstanding(const struct afzc_xsk *xsk)
{
    return xsk->tx_posted != xsk->comp_taken;
}

/* Reaps completions of 'xsk' and, if nothing was sent since the previous
 * call, pushes out whatever its tx ring still holds: while packets keep
 * coming, the sends themselves kick the kernel, and a kick on every idle
 * poll would cost a system call each.  For idle moments: the caller must
 * own the tx side. */
void
afzc_xsk_tx_reap(struct afzc_xsk *xsk)
{
    if (xsk->tx_posted != xsk->comp_taken) {
        if (xsk->tx_posted == xsk->tx_posted_seen
            && afzc_xsk_tx_pending(xsk)) {
            afzc_xsk_kick(xsk);
        }
        xsk->tx_posted_seen = xsk->tx_posted;
        afzc_xsk_reap(xsk);
    }
}

/* Called after a full batch was received on 'xsk': if the kernel has used
 * up most of the fill ring meanwhile, so that a burst would find it empty,
 * doubles the queue's fill target, as far as the UMEM's fill budget lets
 * it. */
static void
afzc_xsk_check_demand(struct afzc_xsk *xsk)
{
    uint32_t in_flight = xsk->fill_posted - xsk->rx_taken;
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
            xsk->stats.fill_starved++;
            return;
        }
        xsk->fill_share += need;
    }
    xsk->fill_target += more;
}

/* Looks back at the demand on 'xsk' once in a while, from its idle polls:
 * a queue that did not run short of fill frames for a whole period halves
 * its fill target, down to the UMEM's floor, and gives back to the fill
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
        xsk->fill_target = MAX(xsk->fill_target / 2, keep);
    }
    xsk->fill_demand = false;

    /* The frames already in the rings stay there until packets arrive in
     * them: the share shrinks only as they are used. */
    in_flight = xsk->fill_posted - xsk->rx_taken;
    keep = afzc_umem_queue_share(MAX(xsk->fill_target, in_flight));
    if (xsk->fill_share > keep) {
        afzc_umem_fill_shrink(xsk->umem, xsk->fill_share - keep);
        xsk->fill_share = keep;
    }
}

/* Receives up to a batch of packets from 'xsk' into 'batch'.  The packets
 * are the UMEM frames themselves.  Returns 0 or EAGAIN if there was
 * nothing to receive. */
int
afzc_xsk_recv(struct afzc_xsk *xsk, struct dp_packet_batch *batch)
{
    uint32_t idx, n;

    n = afzc_ring_cons_peek(&xsk->rx, NETDEV_MAX_BURST, &idx);
    if (!n) {
        if (OVS_UNLIKELY(++xsk->idle_polls >= AFZC_XSK_MAINTAIN_POLLS)) {
            xsk->idle_polls = 0;
            afzc_xsk_maintain(xsk);
        }
        afzc_xsk_refill(xsk);
        if (!xsk->use_need_wakeup
            || afzc_ring_needs_wakeup(&xsk->fill)) {
            struct pollfd pfd = { .fd = xsk->fd, .events = POLLIN };

            xsk->stats.rx_wakeups++;
            ignore(poll(&pfd, 1, 0));
        }
        return EAGAIN;
    }

    for (uint32_t i = 0; i < n; i++) {
        const struct xdp_desc *desc = afzc_ring_rx_desc(&xsk->rx, idx + i);

        if (OVS_UNLIKELY(!afzc_umem_check_owner(xsk->umem, desc->addr,
                                                desc->len, xsk->owner_id))) {
            afzc_xsk_bad_desc(xsk, "rx", desc->addr, desc->len);
            continue;
        }
        afzc_umem_set_owner(xsk->umem, desc->addr, 0);
        dp_packet_batch_add(batch, afzc_umem_packet(xsk->umem, desc->addr,
                                                    desc->len));
        xsk->stats.rx_bytes += desc->len;
        xsk->rx_taken++;
        xsk->stats.rx_packets++;
    }
    afzc_ring_cons_release(&xsk->rx, n);
    if (OVS_UNLIKELY(dp_packet_batch_is_empty(batch))) {
        return EAGAIN;
    }

    if (n == NETDEV_MAX_BURST) {
        afzc_xsk_check_demand(xsk);
    }
    afzc_xsk_refill(xsk);
    return 0;
}

/* Brings the 'size' bytes at 'data' into this CPU's cache.
 *
 * In copy mode the kernel copies every transmitted frame into a socket
 * buffer, right after the kick.  A forwarded frame was last written by the
 * CPU that received it, so that copy takes a cache miss on every line, one
 * after the other.  Prefetching the frame's lines here lets those misses
 * overlap, and the kernel then copies from this CPU's cache.  (OVS's afxdp
 * ports get the same effect from their own copy of the packet.) */
static void
afzc_xsk_prefetch(const void *data, uint32_t size)
{
    uintptr_t line = (uintptr_t) data & ~(uintptr_t) (CACHE_LINE_SIZE - 1);
    uintptr_t end = (uintptr_t) data + size;

    for (; line < end; line += CACHE_LINE_SIZE) {
        OVS_PREFETCH((const void *) line);
    }
}

/* Transmits the packets in 'batch' on 'xsk' and takes ownership of them.
 * A packet whose data lies in the shared UMEM is posted by address; any
 * other packet is copied into a free frame first. */
void
afzc_xsk_send(struct afzc_xsk *xsk, struct dp_packet_batch *batch)
{
    struct dp_packet *packet;
    uint32_t n_room, idx = 0, n = 0;

    dp_packet_batch_apply_cutlen(batch);
    afzc_xsk_reap(xsk);

    n_room = afzc_ring_prod_free(&xsk->tx, dp_packet_batch_size(batch));
    n_room = MIN(n_room, dp_packet_batch_size(batch));
    if (n_room) {
        afzc_ring_prod_reserve(&xsk->tx, n_room, &idx);
    }

    DP_PACKET_BATCH_FOR_EACH (i, packet, batch) {
        const void *data = dp_packet_data(packet);
        uint32_t size = dp_packet_size(packet);
        struct xdp_desc *desc;
        uint64_t addr;

        if (n >= n_room) {
            xsk->stats.tx_dropped++;
            dp_packet_delete(packet);
            continue;
        }

        if (packet->source == DPBUF_AFXDP
            && afzc_umem_contains(xsk->umem, data, size)) {
            /* Zero copy: the frame itself goes to the tx ring and comes
             * back through the completion ring; the dp_packet, which lives
             * outside the frame, is simply forgotten. */
            addr = afzc_umem_offset(xsk->umem, data);
            if (!xsk->zerocopy) {
                afzc_xsk_prefetch(data, size);
            }
            xsk->stats.tx_zerocopy++;
        } else {
            if (size > AFZC_FRAME_SIZE - AFZC_TX_OFFSET
                || !afzc_stash_take(xsk->umem, &xsk->tx_stash, &addr, 1)) {
                xsk->stats.tx_dropped++;
                dp_packet_delete(packet);
                continue;
            }
            addr += AFZC_TX_OFFSET;
            memcpy(afzc_umem_data(xsk->umem, addr), data, size);
            dp_packet_delete(packet);
            xsk->stats.tx_copied++;
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
        desc = afzc_ring_tx_desc(&xsk->tx, idx + n);
        desc->addr = addr;
        desc->len = size;
        desc->options = 0;
        xsk->stats.tx_bytes += size;
        n++;
    }
    dp_packet_batch_init(batch);

    if (n < n_room) {
        /* Some packets were dropped after the reservation. */
        afzc_ring_prod_cancel(&xsk->tx, n_room - n);
    }
    if (n) {
        afzc_ring_prod_submit(&xsk->tx, n);
        xsk->tx_posted += n;
        xsk->stats.tx_packets += n;
    }
    if (n || afzc_xsk_tx_pending(xsk)) {
        if (!xsk->use_need_wakeup || afzc_ring_needs_wakeup(&xsk->tx)) {
            afzc_xsk_kick(xsk);
        }
    }
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
        if (xsk->tx_posted == xsk->comp_taken || time_msec() > deadline) {
            break;
        }
        xnanosleep(1000 * 1000);
    }

    uncompleted = xsk->tx_posted - xsk->comp_taken;
    afzc_stash_drain(xsk->umem, &xsk->rx_stash);
    afzc_stash_drain(xsk->umem, &xsk->tx_stash);
    afzc_xsk_unmap_rings(xsk);
    afzc_umem_unbind(xsk->umem, xsk->fd);
    close(xsk->fd);

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
    free(xsk);
}

/* Copies the counters of 'xsk' into '*stats'. */
void
afzc_xsk_get_stats(const struct afzc_xsk *xsk, struct afzc_xsk_stats *stats)
{
    *stats = xsk->stats;
}

/* Returns the fill target of 'xsk': the most frames its fill and rx rings
 * hold together now.  Read without locking, as a gauge. */
uint32_t
afzc_xsk_fill_target(const struct afzc_xsk *xsk)
{
    return xsk->fill_target;
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

/* Adds where the frames of 'xsk' are to '*c'.  Racy by nature: the rings
 * move while they are read. */
void
afzc_xsk_get_counts(const struct afzc_xsk *xsk, struct afzc_frame_counts *c)
{
    uint32_t rx_ring = (afzc_ring_load_prod(&xsk->rx)
                        - afzc_ring_load_cons(&xsk->rx));
    uint32_t tx_ring = afzc_ring_prod_unconsumed(&xsk->tx);
    uint64_t rx_flight = xsk->fill_posted - xsk->rx_taken;
    uint64_t tx_flight = xsk->tx_posted - xsk->comp_taken;

    c->stashed += xsk->rx_stash.n + xsk->tx_stash.n;
    c->rx += MIN(rx_ring, rx_flight);
    c->fill += rx_flight - MIN(rx_ring, rx_flight);
    c->tx += MIN(tx_ring, tx_flight);
    c->completion += tx_flight - MIN(tx_ring, tx_flight);
}

/* Fills '*c' with where every frame of 'umem' is. */
void
afzc_umem_get_counts(struct afzc_umem *umem, struct afzc_frame_counts *c)
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
