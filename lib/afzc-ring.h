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

#ifndef AFZC_RING_H
#define AFZC_RING_H 1

/* The rings and UMEM of AF_XDP sockets, without libxdp.
 *
 * This module depends on nothing but the C library and <linux/if_xdp.h>, so
 * that both ovs-vswitchd (lib/afzc-xsk.c, lib/afzc-umem.c) and the
 * standalone benchmark (utilities/ovs-afzc-bench) can use it.
 *
 * An AF_XDP socket has up to four single-producer, single-consumer rings
 * that it shares with the kernel through mmap(): rx and completion, which
 * the kernel fills and user space empties, and fill and tx, which user
 * space fills and the kernel empties.  Each ring is a power-of-two array of
 * entries (struct xdp_desc for rx and tx, a 64-bit UMEM address for fill and
 * completion) with two free-running 32-bit indexes: the producer's, which
 * counts entries ever written, and the consumer's, which counts entries
 * ever taken.  Entry i lives at slot i & mask.
 *
 * Ordering, as the kernel's side of the protocol expects:
 *
 *   - a producer reads the consumer index with acquire semantics before it
 *     overwrites slots the consumer has given back, and publishes new
 *     entries by storing its producer index with release semantics, after
 *     the entries themselves;
 *
 *   - a consumer reads the producer index with acquire semantics before it
 *     reads the entries, and gives slots back by storing its consumer index
 *     with release semantics, after it has read them.
 *
 * Each side keeps a private copy of the other side's index
 * ('cached_cons' for a producer, 'cached_prod' for a consumer) and reads the
 * shared one only when the copy says the ring is full or empty, so that a
 * busy ring costs one shared read per batch, not per entry.  Its own index
 * is kept privately too and only stored when a batch is submitted or
 * released.
 *
 * Typical use on a producer ring:
 *
 *     uint32_t idx;
 *
 *     if (afzc_ring_prod_reserve(&fill, n, &idx) == n) {
 *         for (i = 0; i < n; i++) {
 *             *afzc_ring_fill_addr(&fill, idx + i) = addrs[i];
 *         }
 *         afzc_ring_prod_submit(&fill, n);
 *     }
 *
 * and on a consumer ring:
 *
 *     n = afzc_ring_cons_peek(&rx, max, &idx);
 *     for (i = 0; i < n; i++) {
 *         const struct xdp_desc *d = afzc_ring_rx_desc(&rx, idx + i);
 *         ...
 *     }
 *     afzc_ring_cons_release(&rx, n);
 *
 * Nothing here locks: each ring has one user-space owner at a time.
 *
 * Errors: the set-up functions return 0 or a positive errno value; the ring
 * operations cannot fail and return entry counts. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <linux/if_xdp.h>

/* Older C libraries lack these. */
#ifndef SOL_XDP
#define SOL_XDP 283
#endif
#ifndef AF_XDP
#define AF_XDP 44
#endif
/* Busy polling of AF_XDP sockets, Linux 5.11. */
#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70
#endif

/* One mmap()ed ring of an AF_XDP socket, producer or consumer side. */
struct afzc_ring {
    /* Private indexes.  On a producer ring, 'cached_prod' is the next entry
     * to reserve (reserved entries count even before they are submitted)
     * and 'cached_cons' the consumer index last read.  On a consumer ring,
     * 'cached_cons' is the next entry to peek and 'cached_prod' the
     * producer index last read. */
    uint32_t cached_prod;
    uint32_t cached_cons;
    uint32_t mask;              /* 'size' - 1. */
    uint32_t size;              /* Entries; a power of two. */

    /* In the shared mapping. */
    uint32_t *producer;
    uint32_t *consumer;
    uint32_t *flags;            /* XDP_RING_NEED_WAKEUP. */
    void *descs;                /* struct xdp_desc or uint64_t entries. */

    /* The mapping itself, for afzc_ring_unmap(). */
    void *map;
    size_t map_size;
};

/* The four rings of an AF_XDP socket. */
enum afzc_ring_type {
    AFZC_RING_RX,               /* Kernel to user: received descriptors. */
    AFZC_RING_TX,               /* User to kernel: descriptors to send. */
    AFZC_RING_FILL,             /* User to kernel: frames to receive into. */
    AFZC_RING_COMP,             /* Kernel to user: frames sent. */
};

/* Socket and UMEM set-up.  Each returns 0 or a positive errno value. */
int afzc_ring_set_sizes(int fd, uint32_t rx, uint32_t tx, uint32_t fill,
                        uint32_t comp);
int afzc_ring_get_offsets(int fd, struct xdp_mmap_offsets *);
int afzc_ring_map(struct afzc_ring *, int fd, const struct xdp_mmap_offsets *,
                  enum afzc_ring_type, uint32_t size);
void afzc_ring_unmap(struct afzc_ring *);
int afzc_ring_register_umem(int fd, void *area, uint64_t len,
                            uint32_t frame_size, uint32_t headroom);
/* AF_XDP multi-buffer (Linux 6.6), which older headers lack: a socket bound
 * with XDP_USE_SG takes a packet in more than one descriptor, each but the
 * last with XDP_PKT_CONTD in its options. */
#ifndef XDP_USE_SG
#define XDP_USE_SG (1 << 4)
#endif
#ifndef XDP_PKT_CONTD
#define XDP_PKT_CONTD (1 << 0)
#endif

int afzc_ring_bind(int fd, int ifindex, uint32_t queue, uint16_t flags,
                   int shared_umem_fd);
bool afzc_ring_is_pow2(uint32_t);

/* Producer side. */

/* Returns how many entries producer ring 'r' has room for.  Reads the
 * consumer index only if the cached one leaves fewer than 'want' free
 * entries, so the result may be less than the true room but never more. */
static inline uint32_t
afzc_ring_prod_free(struct afzc_ring *r, uint32_t want)
{
    uint32_t n_free = r->size - (r->cached_prod - r->cached_cons);

    if (n_free >= want) {
        return n_free;
    }
    r->cached_cons = __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE);
    return r->size - (r->cached_prod - r->cached_cons);
}

/* Reserves 'n' entries of producer ring 'r', all or none.  On success,
 * stores the index of the first one in '*idx' and returns 'n'; returns 0 if
 * the ring has no room for 'n'. */
static inline uint32_t
afzc_ring_prod_reserve(struct afzc_ring *r, uint32_t n, uint32_t *idx)
{
    if (afzc_ring_prod_free(r, n) < n) {
        return 0;
    }
    *idx = r->cached_prod;
    r->cached_prod += n;
    return n;
}

/* Gives back the last 'n' entries reserved on producer ring 'r' and not
 * submitted. */
static inline void
afzc_ring_prod_cancel(struct afzc_ring *r, uint32_t n)
{
    r->cached_prod -= n;
}

/* Hands the next 'n' reserved entries of producer ring 'r', which must be
 * written already, to the kernel. */
static inline void
afzc_ring_prod_submit(struct afzc_ring *r, uint32_t n)
{
    /* Only this side writes the producer index: a relaxed read is exact. */
    uint32_t prod = __atomic_load_n(r->producer, __ATOMIC_RELAXED);

    __atomic_store_n(r->producer, prod + n, __ATOMIC_RELEASE);
}

/* Returns how many entries of producer ring 'r' the kernel has not taken
 * yet, counting those reserved and not submitted. */
static inline uint32_t
afzc_ring_prod_unconsumed(const struct afzc_ring *r)
{
    return r->cached_prod - __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE);
}

/* Consumer side. */

/* Looks for up to 'max' entries on consumer ring 'r'.  Returns how many
 * there are, with the index of the first in '*idx' (untouched if none).
 * The entries stay the caller's until afzc_ring_cons_release(). */
static inline uint32_t
afzc_ring_cons_peek(struct afzc_ring *r, uint32_t max, uint32_t *idx)
{
    uint32_t n = r->cached_prod - r->cached_cons;

    if (!n) {
        r->cached_prod = __atomic_load_n(r->producer, __ATOMIC_ACQUIRE);
        n = r->cached_prod - r->cached_cons;
    }
    if (n > max) {
        n = max;
    }
    if (n) {
        *idx = r->cached_cons;
        r->cached_cons += n;
    }
    return n;
}

/* Gives back the last 'n' entries peeked on consumer ring 'r' and not
 * released, so that the next afzc_ring_cons_peek() finds them again, and
 * whatever the producer has added since the last look: a consumer that
 * gives back entries because it needs the ones after them would otherwise
 * be shown only those entries again and again. */
static inline void
afzc_ring_cons_cancel(struct afzc_ring *r, uint32_t n)
{
    r->cached_cons -= n;
    r->cached_prod = __atomic_load_n(r->producer, __ATOMIC_ACQUIRE);
}

/* Gives the next 'n' peeked entries of consumer ring 'r', which the caller
 * has finished reading, back to the kernel. */
static inline void
afzc_ring_cons_release(struct afzc_ring *r, uint32_t n)
{
    /* Only this side writes the consumer index. */
    uint32_t cons = __atomic_load_n(r->consumer, __ATOMIC_RELAXED);

    __atomic_store_n(r->consumer, cons + n, __ATOMIC_RELEASE);
}

/* Either side. */

/* Returns true if the kernel asks to be woken up (with sendto() for a tx
 * ring, poll() or recvfrom() for a fill ring) to process ring 'r'.  Only
 * meaningful for a socket bound with XDP_USE_NEED_WAKEUP. */
static inline bool
afzc_ring_needs_wakeup(const struct afzc_ring *r)
{
    return __atomic_load_n(r->flags, __ATOMIC_RELAXED) & XDP_RING_NEED_WAKEUP;
}

/* Returns the shared producer index of 'r', read with acquire semantics. */
static inline uint32_t
afzc_ring_load_prod(const struct afzc_ring *r)
{
    return __atomic_load_n(r->producer, __ATOMIC_ACQUIRE);
}

/* Returns the shared consumer index of 'r', read with acquire semantics. */
static inline uint32_t
afzc_ring_load_cons(const struct afzc_ring *r)
{
    return __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE);
}

/* Entry accessors.  'idx' is a free-running index, as returned by
 * afzc_ring_prod_reserve() or afzc_ring_cons_peek() plus an offset. */

/* Returns the address slot of entry 'idx' of fill ring 'r'. */
static inline uint64_t *
afzc_ring_fill_addr(struct afzc_ring *r, uint32_t idx)
{
    return &((uint64_t *) r->descs)[idx & r->mask];
}

/* Returns the address in entry 'idx' of completion ring 'r'. */
static inline uint64_t
afzc_ring_comp_addr(const struct afzc_ring *r, uint32_t idx)
{
    return ((const uint64_t *) r->descs)[idx & r->mask];
}

/* Returns the descriptor of entry 'idx' of rx ring 'r'. */
static inline const struct xdp_desc *
afzc_ring_rx_desc(const struct afzc_ring *r, uint32_t idx)
{
    return &((const struct xdp_desc *) r->descs)[idx & r->mask];
}

/* Returns the descriptor slot of entry 'idx' of tx ring 'r'. */
static inline struct xdp_desc *
afzc_ring_tx_desc(struct afzc_ring *r, uint32_t idx)
{
    return &((struct xdp_desc *) r->descs)[idx & r->mask];
}

#endif /* afzc-ring.h */
