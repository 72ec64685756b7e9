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

#ifndef AFZC_UMEM_H
#define AFZC_UMEM_H 1

/* The one UMEM that every afzc port queue of an ovs-vswitchd shares.
 *
 * The UMEM is a page-aligned area of AFZC_FRAME_SIZE frames.  Every port
 * queue socket has fill and completion rings of its own and shares the
 * area's kernel registration with XDP_SHARED_UMEM.  The kernel makes every
 * socket of a registration use the mode (copy or zero-copy) of the socket
 * that made it, so the area is registered once per mode in use, on the
 * first socket bound in that mode; no socket exists only to hold the
 * registration.  Both registrations map the same frames at the same
 * offsets: a frame is a frame, whichever mode received it, and goes out on
 * any port by address.
 *
 * Free frames live in an OVS 'struct umem_pool', because that is where
 * dp_packet_delete() puts a DPBUF_AFXDP buffer back (free_afxdp_buf() rounds
 * the buffer down to its 4096-byte frame and pushes it on the dp_packet's
 * pool).  In front of the pool, each queue keeps a small stash of frames
 * (struct afzc_stash) that is owned by whoever owns that queue's ring, so the
 * pool's spinlock is taken once per batch, not once per packet.
 *
 * Each frame has a preallocated 'struct dp_packet_afxdp', so a received
 * frame becomes a dp_packet without allocation and without copying.
 *
 * Every frame is always in exactly one place: the pool, a stash, a fill
 * ring, an rx ring, a dp_packet, a tx ring or a completion ring.
 * afzc_xsk_get_umem_counts() reports how many are where.
 *
 * The fill budget.  A frame posted to a fill ring belongs to the kernel
 * until a packet arrives in it: user space cannot take it back short of
 * closing the socket.  So the UMEM hands out fill frames against a budget:
 *
 *   - A reserve of 'reserve' frames is never given to fill rings, so that
 *     packets copied for transmission (from ports of other types, flood
 *     clones) always find frames.  The rest, 'fill_budget' frames, is what
 *     all fill and rx rings, and the queues' stashes, may hold together.
 *
 *   - Every queue holds a share of the budget: its fill target (the most
 *     frames its fill and rx rings may hold), plus what its two stashes
 *     may keep.  A new
 *     queue starts at the floor ('fill_floor'), which is enough for bursts
 *     of several batches; a queue that the kernel runs short of frames
 *     doubles its target, up to AFZC_FILL_TARGET_MAX, while the budget
 *     allows; a queue that needs less gives its share back as the kernel
 *     uses up the frames it already has.
 *
 *   - Growth may not take the last quarter of the budget, which is kept
 *     for the floors of queues that are yet to be added; a queue whose
 *     floor does not fit is refused with a clear error.
 *
 * So however many ports and queues there are, the fill rings never hold
 * more than 'fill_budget' frames, every queue that exists can receive, and
 * a port that cannot be served says so instead of stopping the switch.
 *
 * Errors: functions that return int return 0 or a positive errno value,
 * with a message in '*errp' where they take one, except
 * afzc_umem_register_socket(), which returns a socket or a negative errno
 * value.  The frame and stash functions cannot fail: they return how many
 * frames they moved. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/list.h"

struct dp_packet;
struct smap;

/* Frame size.  It must be 4096: OVS's free_afxdp_buf() finds a frame by
 * rounding a buffer address down to a multiple of 4096. */
#define AFZC_FRAME_SIZE 4096
#define AFZC_FRAME_SHIFT 12

/* Default number of frames in the UMEM (128 MiB: eight queues with full
 * fill rings and backed-up rx rings fit), and the bounds of
 * other_config:afzc-umem-frames. */
#define AFZC_UMEM_DEFAULT_FRAMES 32768
#define AFZC_UMEM_MIN_FRAMES 1024
#define AFZC_UMEM_MAX_FRAMES (1u << 20)

/* Fill targets: the most frames a queue's fill and rx rings hold together,
 * at most (a busy queue), and the largest floor (an idle queue's).  A
 * small UMEM gets a smaller floor, down to AFZC_FILL_FLOOR_MIN. */
#define AFZC_FILL_TARGET_MAX 3072
#define AFZC_FILL_FLOOR_MAX 128
#define AFZC_FILL_FLOOR_MIN 32

/* Capacity of a per-queue stash, and how many frames move between a stash
 * and the shared pool at a time. */
#define AFZC_STASH_SIZE 64
#define AFZC_STASH_BATCH 32

/* A per-queue cache of free frames, stored as UMEM offsets.  Not locked:
 * only the owner of the ring it feeds (or drains) touches it. */
struct afzc_stash {
    uint32_t n;                         /* Frames in 'addrs'. */
    uint64_t addrs[AFZC_STASH_SIZE];
};

/* Where the frames of one port queue are, as afzc_xsk_get_counts() sees
 * them.  Also used for the whole UMEM. */
struct afzc_frame_counts {
    uint64_t free;              /* In the shared pool. */
    uint64_t stashed;           /* In per-queue stashes. */
    uint64_t fill;              /* In fill rings, not yet used. */
    uint64_t rx;                /* Received, in rx rings, not yet read. */
    uint64_t held;              /* Held by dp_packets in OVS. */
    uint64_t tx;                /* In tx rings, not yet sent. */
    uint64_t completion;        /* Sent, in completion rings, not yet read. */
};

struct afzc_umem;

int afzc_umem_ref(struct afzc_umem **, char **errp);
void afzc_umem_unref(struct afzc_umem *);
struct afzc_umem *afzc_umem_get(void);

void afzc_umem_set_config(const struct smap *other_config);
uint32_t afzc_umem_configured_frames(void);
int afzc_umem_register_socket(void *area, uint32_t n_frames, int ring_size);

int afzc_umem_bind(struct afzc_umem *, int fd, int ifindex, uint32_t queue,
                   bool zerocopy);
void afzc_umem_unbind(struct afzc_umem *, int fd);
size_t afzc_umem_n_sockets(const struct afzc_umem *, bool zerocopy);
bool afzc_umem_sg(const struct afzc_umem *, bool zerocopy);
uint32_t afzc_umem_n_frames(const struct afzc_umem *);


uint32_t afzc_stash_take(struct afzc_umem *, struct afzc_stash *,
                         uint64_t *addrs, uint32_t n);
void afzc_stash_give(struct afzc_umem *, struct afzc_stash *,
                     const uint64_t *addrs, uint32_t n);
void afzc_stash_drain(struct afzc_umem *, struct afzc_stash *);
void afzc_umem_free_frames(struct afzc_umem *, const uint64_t *addrs,
                           uint32_t n);

uint64_t afzc_umem_n_free(struct afzc_umem *);

/* The fill budget (see above). */
struct afzc_umem_budget {
    uint32_t reserve;           /* Frames fill rings may never hold. */
    uint32_t fill_budget;       /* Frames all fill rings may hold. */
    uint32_t fill_floor;        /* A new queue's fill target. */
    uint32_t fill_held;         /* Budget held by the queues now. */
    uint32_t n_queues;          /* Queues holding a share. */
};

void afzc_umem_get_budget(struct afzc_umem *, struct afzc_umem_budget *);
uint32_t afzc_umem_queue_share(uint32_t target);
int afzc_umem_check_room(int n_queues, uint32_t min, char **errp);
int afzc_umem_fill_join(struct afzc_umem *, uint32_t min, uint32_t *target,
                        char **errp);
bool afzc_umem_fill_grow(struct afzc_umem *, uint32_t n);
void afzc_umem_fill_shrink(struct afzc_umem *, uint32_t n);
void afzc_umem_fill_leave(struct afzc_umem *, uint32_t n);
void afzc_umem_check_free(struct afzc_umem *, uint64_t n_free);

/* Owner marks (see afzc_umem_set_owner()): a socket's owner id, below
 * AFZC_OWNER_TX, marks the frames in its fill ring; the id with
 * AFZC_OWNER_TX added marks those it was given to transmit. */
#define AFZC_OWNER_TX 0x8000
uint16_t afzc_umem_new_owner_id(struct afzc_umem *);
int afzc_umem_get_owner(const struct afzc_umem *, uint64_t addr);
uint32_t afzc_umem_reclaim_owner(struct afzc_umem *, uint16_t owner);

#endif /* afzc-umem.h */
