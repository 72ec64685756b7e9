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

#ifndef AFZC_UMEM_PRIVATE_H
#define AFZC_UMEM_PRIVATE_H 1

/* The inside of the shared UMEM, for lib/afzc-umem.c and lib/afzc-xsk.c
 * only: the structure itself and the per-frame helpers that the data path
 * calls for every packet, inline so that they cost no call.  Nothing else
 * may include this header; the rest of afzc uses afzc-umem.h. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "afzc-umem.h"
#include "dp-packet.h"
#include "netdev-afxdp-pool.h"
#include "ovs-atomic.h"

/* Kernel registrations of the UMEM's area in one mode.
 *
 * A socket that shares a UMEM with XDP_SHARED_UMEM takes the mode (copy or
 * zero-copy) of the socket that registered it, so the area is registered
 * once per mode in use: on the first socket bound in that mode, which then
 * carries traffic like any other.  Later sockets of that mode bind with
 * XDP_SHARED_UMEM to any socket of the registration that is still bound;
 * the kernel keeps the registration as long as one of them is open.  Both
 * registrations map the same frames at the same offsets, so a frame
 * received in one mode is sent by address in the other. */
struct afzc_umem_reg {
    int *fds;                   /* Bound sockets sharing the registration. */
    size_t n_fds;
    size_t allocated_fds;
    bool sg;                    /* Registered with XDP_USE_SG: its sockets
                                 * take and give multi-buffer packets. */
};

/* The shared UMEM. */
struct afzc_umem {
    void *area;                 /* AFZC_FRAME_SIZE * 'n_frames' bytes. */
    uint32_t n_frames;
    int n_refs;                 /* Ports using it. */
    struct afzc_umem_reg regs[2];       /* Copy [0] and zero-copy [1]. */

    struct umem_pool pool;      /* Free frames, as frame pointers. */
    struct dp_packet_afxdp *xpackets;   /* One per frame. */

    /* Per frame: the id of the socket that holds the frame on the kernel's
     * side, or 0 while user space has it.  A frame is marked when it is
     * given to a socket's fill ring or tx ring, and unmarked when it comes
     * back through the rx ring or the completion ring.  The kernel may
     * keep a marked frame outside every ring (in a zero-copy driver's own
     * rx or tx descriptors; in copy mode, a frame taken from the fill ring
     * while the rx ring was full waits in the socket's free list), and it
     * may move one from the tx ring to the completion ring at any moment
     * until the socket is gone.  The marks are how a closed socket's
     * frames are found, each exactly once. */
    uint16_t *kernel_owner;
    uint16_t next_owner_id;     /* Guarded by afzc_umem_mutex. */

    /* The fill budget (see afzc-umem.h).  'fill_held' and 'n_queues' are
     * changed by PMD threads as their queues grow and shrink. */
    uint32_t reserve;
    uint32_t fill_budget;
    uint32_t fill_floor;
    atomic_uint32_t fill_held;
    atomic_uint32_t n_queues;
};

/* Returns true if the 'size' bytes at 'p' lie in one frame of 'umem', so
 * that they can be posted to a tx ring by address. */
static inline bool
afzc_umem_contains(const struct afzc_umem *umem, const void *p, size_t size)
{
    uintptr_t start = (uintptr_t) umem->area;
    uintptr_t addr = (uintptr_t) p;
    uintptr_t end = start + (uintptr_t) umem->n_frames * AFZC_FRAME_SIZE;

    return (addr >= start && addr < end && size > 0
            && size <= AFZC_FRAME_SIZE
            && (addr - start) >> AFZC_FRAME_SHIFT
               == (addr - start + size - 1) >> AFZC_FRAME_SHIFT);
}

/* Returns the UMEM offset of 'p', which must lie in 'umem'. */
static inline uint64_t
afzc_umem_offset(const struct afzc_umem *umem, const void *p)
{
    return (const char *) p - (const char *) umem->area;
}

/* Returns a pointer to UMEM offset 'addr'. */
static inline void *
afzc_umem_data(const struct afzc_umem *umem, uint64_t addr)
{
    return (char *) umem->area + addr;
}

/* Returns the dp_packet of the frame that holds UMEM offset 'addr', set up to
 * hold the 'len' bytes received at 'addr'.  The bytes before 'addr' in the
 * frame are the packet's headroom.  Deleting the packet returns the frame to
 * the shared pool. */
static inline struct dp_packet *
afzc_umem_packet(struct afzc_umem *umem, uint64_t addr, uint32_t len)
{
    struct dp_packet *packet
        = &umem->xpackets[addr >> AFZC_FRAME_SHIFT].packet;
    uint32_t headroom = addr & (AFZC_FRAME_SIZE - 1);

    dp_packet_use_afxdp(packet, afzc_umem_data(umem, addr),
                        AFZC_FRAME_SIZE, headroom);
    dp_packet_set_size(packet, len);
    return packet;
}

/* Records that the frame at UMEM offset 'addr' is held by the kernel for
 * the socket with owner id 'owner', or with 'owner' 0, that it is back in
 * user space. */
static inline void
afzc_umem_set_owner(struct afzc_umem *umem, uint64_t addr, uint16_t owner)
{
    umem->kernel_owner[addr >> AFZC_FRAME_SHIFT] = owner;
}

/* Returns true if 'len' bytes at UMEM offset 'addr' lie within one frame
 * of 'umem' and that frame is marked 'owner', that is, if a descriptor that
 * the kernel returned for the socket with that mark names a frame the
 * socket gave it.  A descriptor that fails this must be ignored: the frame
 * it names, if any, is somewhere else already. */
static inline bool
afzc_umem_check_owner(const struct afzc_umem *umem, uint64_t addr,
                      uint32_t len, uint16_t owner)
{
    uint64_t frame = addr >> AFZC_FRAME_SHIFT;

    return (frame < umem->n_frames
            && (addr & (AFZC_FRAME_SIZE - 1)) + len <= AFZC_FRAME_SIZE
            && umem->kernel_owner[frame] == owner);
}

#endif /* afzc-umem-private.h */
