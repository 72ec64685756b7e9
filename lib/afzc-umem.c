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

#include "afzc-umem.h"
#include "afzc-umem-private.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_xdp.h>

#include "afzc-ring.h"
#include "dp-packet.h"
#include "netdev-afxdp-pool.h"
#include "ovs-atomic.h"
#include "openvswitch/thread.h"
#include "openvswitch/util.h"
#include "openvswitch/vlog.h"
#include "smap.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(afzc_umem);

/* The smallest transmit reserve: a UMEM keeps at least a sixteenth of its
 * frames, and at least this many, out of the fill rings. */
#define AFZC_UMEM_RESERVE_MIN 256

static struct ovs_mutex afzc_umem_mutex = OVS_MUTEX_INITIALIZER;
static struct afzc_umem *afzc_umem_global OVS_GUARDED_BY(afzc_umem_mutex);

/* Frames the next UMEM will have: other_config:afzc-umem-frames. */
static uint32_t afzc_umem_frames_cfg = AFZC_UMEM_DEFAULT_FRAMES;

/* Reads other_config:afzc-umem-frames from the Open_vSwitch table.  The
 * value applies to the next UMEM that is created, which happens when the
 * first afzc port is added (after a restart, or once every afzc port has
 * been removed). */
void
afzc_umem_set_config(const struct smap *other_config)
{
    static bool reported;
    unsigned int frames = smap_get_uint(other_config, "afzc-umem-frames",
                                        AFZC_UMEM_DEFAULT_FRAMES);

    if (frames < AFZC_UMEM_MIN_FRAMES || frames > AFZC_UMEM_MAX_FRAMES
        || (frames & (frames - 1))) {
        if (!reported) {
            VLOG_ERR("other_config:afzc-umem-frames=%u is not a power of 2 "
                     "between %u and %u; using %u", frames,
                     AFZC_UMEM_MIN_FRAMES, AFZC_UMEM_MAX_FRAMES,
                     AFZC_UMEM_DEFAULT_FRAMES);
            reported = true;
        }
        frames = AFZC_UMEM_DEFAULT_FRAMES;
    } else {
        reported = false;
    }
    if (frames != afzc_umem_frames_cfg) {
        VLOG_INFO("afzc UMEM size set to %u frames (%u MiB); it applies "
                  "when the UMEM is next created", frames,
                  frames / (1024 * 1024 / AFZC_FRAME_SIZE));
        afzc_umem_frames_cfg = frames;
    }
}

/* Returns the configured number of frames for the next UMEM. */
uint32_t
afzc_umem_configured_frames(void)
{
    return afzc_umem_frames_cfg;
}

/* Transparent huge pages are 2 MiB on the architectures AF_XDP runs on. */
#define AFZC_HUGE_SIZE ((size_t) 2 << 20)

/* Maps 'size' bytes of zeroed anonymous memory for the frames or their
 * metadata, aligned on and advised into transparent huge pages, so that
 * touching a frame or its dp_packet costs no TLB miss of its own (4 KiB
 * pages give every frame a page; 2 MiB pages cover 512 frames).  Where the
 * kernel has no huge page to give, the memory is in normal pages.  Returns
 * the memory, populated, or MAP_FAILED with errno set.  Free it with
 * afzc_umem_unmap(). */
static void *
afzc_umem_map(size_t size)
{
    size_t len = ROUND_UP(size, AFZC_HUGE_SIZE);
    char *raw, *p;

    raw = mmap(NULL, len + AFZC_HUGE_SIZE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) {
        return MAP_FAILED;
    }
    p = (char *) ROUND_UP((uintptr_t) raw, AFZC_HUGE_SIZE);
    if (p > raw) {
        munmap(raw, p - raw);
    }
    if (p + len < raw + len + AFZC_HUGE_SIZE) {
        munmap(p + len, raw + len + AFZC_HUGE_SIZE - (p + len));
    }
#ifdef MADV_HUGEPAGE
    madvise(p, len, MADV_HUGEPAGE);
#endif
    /* Populate now, as MAP_POPULATE would have, so that the data path
     * never takes a page fault. */
    memset(p, 0, len);
    return p;
}

/* Unmaps memory of 'size' bytes from afzc_umem_map(). */
static void
afzc_umem_unmap(void *p, size_t size)
{
    munmap(p, ROUND_UP(size, AFZC_HUGE_SIZE));
}

/* Creates an AF_XDP socket that registers the 'n_frames' frames at 'area'
 * as its UMEM, with fill, completion and rx rings of 'ring_size' entries:
 * the first socket of a UMEM, not yet bound.  Returns the socket, or a
 * negative errno value. */
int
afzc_umem_register_socket(void *area, uint32_t n_frames, int ring_size)
{
    int fd, error;

    fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    error = afzc_ring_register_umem(fd, area,
                                    (uint64_t) n_frames * AFZC_FRAME_SIZE,
                                    AFZC_FRAME_SIZE, 0);
    error = error ? error : afzc_ring_set_sizes(fd, ring_size, 0, ring_size,
                                                ring_size);
    if (error) {
        close(fd);
        return -error;
    }
    return fd;
}

/* Computes the transmit reserve, the fill budget and the fill floor of a
 * UMEM of 'n_frames' frames. */
static void
afzc_umem_plan(uint32_t n_frames, uint32_t *reserve, uint32_t *budget,
               uint32_t *floor)
{
    *reserve = MAX(n_frames / 16, AFZC_UMEM_RESERVE_MIN);
    *budget = n_frames - *reserve;
    *floor = *budget / 64 / AFZC_FILL_FLOOR_MIN * AFZC_FILL_FLOOR_MIN;
    *floor = MIN(MAX(*floor, AFZC_FILL_FLOOR_MIN), AFZC_FILL_FLOOR_MAX);
}

/* Creates a UMEM of 'n_frames' frames.  Returns 0 or a positive errno
 * value, with a message in '*errp'. */
static int
afzc_umem_create(uint32_t n_frames, struct afzc_umem **umemp, char **errp)
{
    struct afzc_umem *umem = xzalloc(sizeof *umem);
    size_t size = (size_t) n_frames * AFZC_FRAME_SIZE;
    int error;

    umem->n_frames = n_frames;
    umem->area = afzc_umem_map(size);
    if (umem->area == MAP_FAILED) {
        error = errno;
        *errp = xasprintf("cannot allocate a %"PRIuSIZE"-byte UMEM (%s)",
                          size, ovs_strerror(error));
        free(umem);
        return error;
    }

    afzc_umem_plan(n_frames, &umem->reserve, &umem->fill_budget,
                   &umem->fill_floor);
    atomic_init(&umem->fill_held, 0);
    atomic_init(&umem->n_queues, 0);
    umem_pool_init(&umem->pool, n_frames);
    umem->xpackets = afzc_umem_map(n_frames * sizeof *umem->xpackets);
    if (umem->xpackets == MAP_FAILED) {
        out_of_memory();
    }
    umem->kernel_owner = xcalloc(n_frames, sizeof *umem->kernel_owner);
    for (uint32_t i = 0; i < n_frames; i++) {
        umem->xpackets[i].mpool = &umem->pool;
        /* Pushed in reverse so that the LIFO hands out low frames first. */
        umem_elem_push(&umem->pool, (char *) umem->area
                       + (size_t) (n_frames - 1 - i) * AFZC_FRAME_SIZE);
    }

    VLOG_INFO("created shared UMEM: %u frames of %d bytes (%"PRIuSIZE" MiB), "
              "%u reserved for transmit copies, fill floor %u",
              n_frames, AFZC_FRAME_SIZE, size >> 20, umem->reserve,
              umem->fill_floor);
    *umemp = umem;
    return 0;
}

/* Destroys 'umem', whose frames must all be free. */
static void
afzc_umem_destroy(struct afzc_umem *umem)
{
    for (int i = 0; i < ARRAY_SIZE(umem->regs); i++) {
        ovs_assert(!umem->regs[i].n_fds);
        free(umem->regs[i].fds);
    }
    afzc_umem_unmap(umem->area, (size_t) umem->n_frames * AFZC_FRAME_SIZE);
    umem_pool_cleanup(&umem->pool);
    afzc_umem_unmap(umem->xpackets,
                    umem->n_frames * sizeof *umem->xpackets);
    free(umem->kernel_owner);
    free(umem);
    VLOG_INFO("destroyed shared UMEM");
}

/* Takes a reference to the shared UMEM, creating it if there is none, and
 * stores it in '*umemp'.  Returns 0 or a positive errno value, with a
 * message in '*errp' that the caller must free. */
int
afzc_umem_ref(struct afzc_umem **umemp, char **errp)
{
    struct afzc_umem *umem;
    int error = 0;

    ovs_mutex_lock(&afzc_umem_mutex);
    umem = afzc_umem_global;
    if (umem && !umem->n_refs
        && umem->n_frames != afzc_umem_frames_cfg
        && umem_pool_count(&umem->pool) == umem->n_frames) {
        /* Unused, and another size is configured: start afresh. */
        afzc_umem_destroy(umem);
        umem = afzc_umem_global = NULL;
    }
    if (!umem) {
        error = afzc_umem_create(afzc_umem_frames_cfg, &umem, errp);
        if (!error) {
            afzc_umem_global = umem;
        }
    }
    if (!error) {
        umem->n_refs++;
        *umemp = umem;
    }
    ovs_mutex_unlock(&afzc_umem_mutex);
    return error;
}

/* Releases a reference taken by afzc_umem_ref().  The UMEM is destroyed
 * with its last reference once every frame is back in the pool. */
void
afzc_umem_unref(struct afzc_umem *umem)
{
    if (!umem) {
        return;
    }
    ovs_mutex_lock(&afzc_umem_mutex);
    ovs_assert(umem == afzc_umem_global && umem->n_refs > 0);
    if (!--umem->n_refs) {
        unsigned int n_free = umem_pool_count(&umem->pool);

        if (n_free == umem->n_frames) {
            afzc_umem_destroy(umem);
            afzc_umem_global = NULL;
        } else {
            VLOG_ERR("last afzc port removed with %u of %u UMEM frames "
                     "not returned; keeping the UMEM",
                     umem->n_frames - n_free, umem->n_frames);
        }
    }
    ovs_mutex_unlock(&afzc_umem_mutex);
}

/* Returns the shared UMEM if it exists, otherwise NULL.  For queries from
 * the main thread (appctl, statistics). */
struct afzc_umem *
afzc_umem_get(void)
{
    struct afzc_umem *umem;

    ovs_mutex_lock(&afzc_umem_mutex);
    umem = afzc_umem_global;
    ovs_mutex_unlock(&afzc_umem_mutex);
    return umem;
}

/* Tries to bind 'fd' with XDP_SHARED_UMEM to each bound socket of 'reg'
 * in turn.  Returns 0 on success, EBADF if 'reg' has no socket that is
 * still bound (the kernel unbinds the sockets of a device that goes away),
 * or another positive errno value from the bind. */
static int
afzc_umem_bind_shared(const struct afzc_umem_reg *reg, int fd, int ifindex,
                      uint32_t queue)
    OVS_REQUIRES(afzc_umem_mutex)
{
    int error = EBADF;

    for (size_t i = 0; i < reg->n_fds && error == EBADF; i++) {
        error = afzc_ring_bind(fd, ifindex, queue, 0, reg->fds[i]);
    }
    return error;
}

/* Binds AF_XDP socket 'fd', which has just registered the UMEM, as the
 * first socket of registration 'reg': to queue 'queue' of the device with
 * 'ifindex', in zero-copy mode if 'zerocopy' is true and in copy mode
 * otherwise, with need_wakeup.  Every later socket of the registration
 * inherits its flags.  Copy mode asks for multi-buffer packets
 * (XDP_USE_SG), which cost nothing for a packet that fits in one frame, so
 * that jumbo frames can cross any copy-mode port; a kernel older than 6.6
 * refuses the flag with EINVAL, and the registration then does without.
 * Zero-copy mode does without: the zero-copy drivers afzc is tested on
 * take no multi-buffer packets.  Returns 0 or a positive errno value. */
static int
afzc_umem_bind_first(struct afzc_umem_reg *reg, int fd, int ifindex,
                     uint32_t queue, bool zerocopy)
{
    uint16_t flags = (zerocopy ? XDP_ZEROCOPY : XDP_COPY)
                     | XDP_USE_NEED_WAKEUP;
    int error = EINVAL;

    if (!zerocopy) {
        error = afzc_ring_bind(fd, ifindex, queue, flags | XDP_USE_SG, -1);
    }
    reg->sg = !error;
    if (error == EINVAL) {
        error = afzc_ring_bind(fd, ifindex, queue, flags, -1);
    }
    return error;
}

/* Binds AF_XDP socket 'fd', whose fill, completion, rx and tx rings are set
 * up, to queue 'queue' of the device with 'ifindex', in zero-copy mode if
 * 'zerocopy' is true and in copy mode otherwise.  The socket shares the
 * kernel registration of 'umem' in that mode if there is one, and otherwise
 * registers 'umem' itself (see struct afzc_umem_reg).  Either way it uses
 * need_wakeup.  A queue that a socket closed an instant ago may still hold
 * while the kernel releases it, so EBUSY is retried for up to a second.
 * Returns 0 or a positive errno value. */
int
afzc_umem_bind(struct afzc_umem *umem, int fd, int ifindex, uint32_t queue,
               bool zerocopy)
{
    struct afzc_umem_reg *reg = &umem->regs[zerocopy];
    bool registered = false;
    int error;

    for (int i = 0; ; i++) {
        ovs_mutex_lock(&afzc_umem_mutex);
        error = registered ? EBADF : afzc_umem_bind_shared(reg, fd, ifindex,
                                                           queue);
        if (error == EBADF) {
            if (!registered) {
                error = afzc_ring_register_umem(
                    fd, umem->area,
                    (uint64_t) umem->n_frames * AFZC_FRAME_SIZE,
                    AFZC_FRAME_SIZE, 0);
                registered = !error;
            }
            if (registered) {
                error = afzc_umem_bind_first(reg, fd, ifindex, queue,
                                             zerocopy);
            }
        }
        if (!error) {
            if (reg->n_fds >= reg->allocated_fds) {
                reg->fds = x2nrealloc(reg->fds, &reg->allocated_fds,
                                      sizeof *reg->fds);
            }
            reg->fds[reg->n_fds++] = fd;
            if (registered) {
                VLOG_INFO("registered the shared UMEM in %s mode on the "
                          "socket of ifindex %d queue %"PRIu32"%s",
                          zerocopy ? "zero-copy" : "copy", ifindex, queue,
                          reg->sg ? ", with multi-buffer packets" : "");
            }
        }
        ovs_mutex_unlock(&afzc_umem_mutex);

        if (error != EBUSY || i >= 100) {
            return error;
        }
        xnanosleep(10 * 1000 * 1000);
    }
}

/* Forgets socket 'fd', bound by afzc_umem_bind(), which the caller is about
 * to close: no socket binds to it from now on. */
void
afzc_umem_unbind(struct afzc_umem *umem, int fd)
{
    ovs_mutex_lock(&afzc_umem_mutex);
    for (int i = 0; i < ARRAY_SIZE(umem->regs); i++) {
        struct afzc_umem_reg *reg = &umem->regs[i];

        for (size_t j = 0; j < reg->n_fds; j++) {
            if (reg->fds[j] == fd) {
                reg->fds[j] = reg->fds[--reg->n_fds];
                break;
            }
        }
    }
    ovs_mutex_unlock(&afzc_umem_mutex);
}

/* Returns the number of sockets bound to 'umem' in zero-copy mode if
 * 'zerocopy' is true, in copy mode otherwise. */
size_t
afzc_umem_n_sockets(const struct afzc_umem *umem, bool zerocopy)
{
    size_t n;

    ovs_mutex_lock(&afzc_umem_mutex);
    n = umem->regs[zerocopy].n_fds;
    ovs_mutex_unlock(&afzc_umem_mutex);
    return n;
}

/* Returns true if the sockets bound to 'umem' in zero-copy mode, if
 * 'zerocopy' is true, or else in copy mode, take and give multi-buffer
 * packets.  Meaningful once a socket of that mode is bound. */
bool
afzc_umem_sg(const struct afzc_umem *umem, bool zerocopy)
{
    bool sg;

    ovs_mutex_lock(&afzc_umem_mutex);
    sg = umem->regs[zerocopy].sg;
    ovs_mutex_unlock(&afzc_umem_mutex);
    return sg;
}

/* Returns the number of frames in 'umem'. */
uint32_t
afzc_umem_n_frames(const struct afzc_umem *umem)
{
    return umem->n_frames;
}

/* Moves up to 'n' free frames from 'stash' (refilled from the shared pool as
 * needed) to 'addrs'.  Returns the number of frames moved, fewer than 'n'
 * only when the UMEM has no more free frames. */
uint32_t
afzc_stash_take(struct afzc_umem *umem, struct afzc_stash *stash,
                uint64_t *addrs, uint32_t n)
{
    uint32_t done = 0;

    while (done < n) {
        uint32_t k;

        if (!stash->n) {
            void *frames[AFZC_STASH_BATCH];
            int want = AFZC_STASH_BATCH;

            /* umem_elem_pop_n() is all or nothing: ask for less as the pool
             * runs dry. */
            while (want > 0 && umem_elem_pop_n(&umem->pool, want, frames)) {
                want = want > 8 ? want / 2 : want - 1;
            }
            if (!want) {
                break;
            }
            for (int i = 0; i < want; i++) {
                stash->addrs[stash->n++] = afzc_umem_offset(umem, frames[i]);
            }
        }
        k = MIN(n - done, stash->n);
        stash->n -= k;
        memcpy(&addrs[done], &stash->addrs[stash->n], k * sizeof *addrs);
        done += k;
    }
    return done;
}

/* Returns the 'n' frames in 'addrs' to 'stash', spilling to the shared pool
 * in batches when the stash is full. */
void
afzc_stash_give(struct afzc_umem *umem, struct afzc_stash *stash,
                const uint64_t *addrs, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (stash->n == AFZC_STASH_SIZE) {
            stash->n -= AFZC_STASH_BATCH;
            afzc_umem_free_frames(umem, &stash->addrs[stash->n],
                                  AFZC_STASH_BATCH);
        }
        stash->addrs[stash->n++] = addrs[i] & ~(uint64_t) (AFZC_FRAME_SIZE
                                                           - 1);
    }
}

/* Returns every frame of 'stash' to the shared pool. */
void
afzc_stash_drain(struct afzc_umem *umem, struct afzc_stash *stash)
{
    afzc_umem_free_frames(umem, stash->addrs, stash->n);
    stash->n = 0;
}

/* Returns the 'n' frames that hold the UMEM offsets in 'addrs' to the shared
 * pool. */
void
afzc_umem_free_frames(struct afzc_umem *umem, const uint64_t *addrs,
                      uint32_t n)
{
    void *frames[AFZC_STASH_BATCH];

    while (n > 0) {
        uint32_t k = MIN(n, AFZC_STASH_BATCH);

        for (uint32_t i = 0; i < k; i++) {
            frames[i] = afzc_umem_data(umem, addrs[i]
                                       & ~(uint64_t) (AFZC_FRAME_SIZE - 1));
        }
        umem_elem_push_n(&umem->pool, k, frames);
        addrs += k;
        n -= k;
    }
}

/* Returns the number of frames in the shared pool. */
uint64_t
afzc_umem_n_free(struct afzc_umem *umem)
{
    uint64_t n;

    ovs_spin_lock(&umem->pool.lock);
    n = umem_pool_count(&umem->pool);
    ovs_spin_unlock(&umem->pool.lock);
    return n;
}

/* Returns an owner id for a new socket on 'umem': nonzero, below
 * AFZC_OWNER_TX, and not the id of another open socket as long as fewer
 * than 32767 are open. */
uint16_t
afzc_umem_new_owner_id(struct afzc_umem *umem)
{
    uint16_t id;

    ovs_mutex_lock(&afzc_umem_mutex);
    id = ++umem->next_owner_id;
    if (id >= AFZC_OWNER_TX) {
        id = umem->next_owner_id = 1;
    }
    ovs_mutex_unlock(&afzc_umem_mutex);
    return id;
}

/* Returns the owner mark of the frame at UMEM offset 'addr', or -1 if there
 * is no such frame. */
int
afzc_umem_get_owner(const struct afzc_umem *umem, uint64_t addr)
{
    uint64_t frame = addr >> AFZC_FRAME_SHIFT;

    return frame < umem->n_frames ? umem->kernel_owner[frame] : -1;
}

/* Returns to the pool every frame still marked as held by the kernel for
 * the socket with 'owner' (in its fill ring, or given to it to transmit),
 * which must be closed (so that the kernel no longer touches them), and
 * returns how many there were. */
uint32_t
afzc_umem_reclaim_owner(struct afzc_umem *umem, uint16_t owner)
{
    uint32_t n = 0;

    for (uint32_t i = 0; i < umem->n_frames; i++) {
        if ((umem->kernel_owner[i] & ~AFZC_OWNER_TX) == owner) {
            uint64_t addr = (uint64_t) i << AFZC_FRAME_SHIFT;

            umem->kernel_owner[i] = 0;
            afzc_umem_free_frames(umem, &addr, 1);
            n++;
        }
    }
    return n;
}

/* Fills '*b' with the fill budget of 'umem' and how much of it is held. */
void
afzc_umem_get_budget(struct afzc_umem *umem, struct afzc_umem_budget *b)
{
    b->reserve = umem->reserve;
    b->fill_budget = umem->fill_budget;
    b->fill_floor = umem->fill_floor;
    atomic_read_relaxed(&umem->fill_held, &b->fill_held);
    atomic_read_relaxed(&umem->n_queues, &b->n_queues);
}

/* Returns the share of the fill budget that a queue with fill target
 * 'target' holds: the target, plus the most frames its stashes keep.  The
 * rx-side stash takes frames from the pool a batch at a time, only when it
 * is empty; the tx-side stash keeps the frames of completed transmissions
 * up to its capacity.  Frames in a stash are free, but only for the queue
 * that has them, so a queue's stashes must not be counted on by others. */
uint32_t
afzc_umem_queue_share(uint32_t target)
{
    return target + AFZC_STASH_BATCH + AFZC_STASH_SIZE;
}

/* Adds 'n' to the budget 'umem' has handed out, if that leaves at most
 * 'limit' handed out.  Returns true if it did. */
static bool
afzc_umem_fill_take(struct afzc_umem *umem, uint32_t n, uint32_t limit)
{
    uint32_t held;

    atomic_read_relaxed(&umem->fill_held, &held);
    do {
        if (held > limit || n > limit - held) {
            return false;
        }
    } while (!atomic_compare_exchange_weak(&umem->fill_held, &held,
                                           held + n));
    return true;
}

/* Checks whether the shared UMEM (the one that exists, or else the one
 * the first afzc port would create) has room in its fill budget for
 * 'n_queues' more queues at the floor, or at 'min' frames each if that is
 * more (zero-copy queues, see afzc-xsk.c).  Returns 0 if it has, otherwise
 * ENOBUFS with a message in '*errp' that says what to change. */
int
afzc_umem_check_room(int n_queues, uint32_t min, char **errp)
{
    uint32_t n_frames, reserve, budget, floor, held = 0, have = 0;
    struct afzc_umem *umem;

    ovs_mutex_lock(&afzc_umem_mutex);
    umem = afzc_umem_global;
    if (umem && (umem->n_refs || umem->n_frames == afzc_umem_frames_cfg)) {
        n_frames = umem->n_frames;
        reserve = umem->reserve;
        budget = umem->fill_budget;
        floor = umem->fill_floor;
        atomic_read_relaxed(&umem->fill_held, &held);
        atomic_read_relaxed(&umem->n_queues, &have);
    } else {
        n_frames = afzc_umem_frames_cfg;
        afzc_umem_plan(n_frames, &reserve, &budget, &floor);
    }
    ovs_mutex_unlock(&afzc_umem_mutex);

    if (held <= budget
        && (uint64_t) n_queues * afzc_umem_queue_share(MAX(floor, min))
           <= budget - held) {
        return 0;
    }
    *errp = xasprintf("the shared UMEM has no fill frames left for %d more "
                      "queue%s: %"PRIu32" queues hold %"PRIu32" of the "
                      "%"PRIu32" frames that fill rings may have (of "
                      "%"PRIu32", %"PRIu32" are kept for transmit copies); "
                      "raise other_config:afzc-umem-frames, which applies "
                      "when the UMEM is next created", n_queues,
                      n_queues == 1 ? "" : "s", have, held, budget, n_frames,
                      reserve);
    return ENOBUFS;
}

/* Gives a new queue of 'umem' its share of the fill budget, at the floor or
 * at 'min' if that is more, and stores its fill target in '*target'.
 * Returns 0, or ENOBUFS with a message in '*errp' if the budget has no room
 * for another queue. */
int
afzc_umem_fill_join(struct afzc_umem *umem, uint32_t min, uint32_t *target,
                    char **errp)
{
    uint32_t start = MAX(min, umem->fill_floor);
    uint32_t share = afzc_umem_queue_share(start);
    uint32_t orig;

    if (!afzc_umem_fill_take(umem, share, umem->fill_budget)) {
        if (!afzc_umem_check_room(1, min, errp)) {
            /* Another queue took the last share meanwhile. */
            *errp = xstrdup("the shared UMEM's fill budget was taken by "
                            "another queue while this one was set up");
        }
        return ENOBUFS;
    }
    atomic_add_relaxed(&umem->n_queues, 1, &orig);
    *target = start;
    return 0;
}

/* Tries to give a queue of 'umem' 'n' more frames of the fill budget, for a
 * larger fill target.  Growth leaves a quarter of the budget for the floors
 * of queues still to come.  Returns true if the queue may grow. */
bool
afzc_umem_fill_grow(struct afzc_umem *umem, uint32_t n)
{
    return afzc_umem_fill_take(umem, n,
                               umem->fill_budget - umem->fill_budget / 4);
}

/* Returns 'n' frames of the fill budget of 'umem' that a queue held and
 * no longer needs. */
void
afzc_umem_fill_shrink(struct afzc_umem *umem, uint32_t n)
{
    uint32_t orig;

    atomic_sub_relaxed(&umem->fill_held, n, &orig);
    ovs_assert(orig >= n);
}

/* Returns the whole share 'n' of a queue of 'umem' that is closing. */
void
afzc_umem_fill_leave(struct afzc_umem *umem, uint32_t n)
{
    uint32_t orig;

    afzc_umem_fill_shrink(umem, n);
    atomic_sub_relaxed(&umem->n_queues, 1, &orig);
}

/* Logs a rate-limited warning if 'n_free', the number of frames of 'umem'
 * in the pool and the stashes, is below the transmit reserve: the fill
 * rings cannot have taken those frames, so packets in flight (in tx rings,
 * or held by Open vSwitch) have, and transmit copies may fail. */
void
afzc_umem_check_free(struct afzc_umem *umem, uint64_t n_free)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 1);

    if (n_free < umem->reserve) {
        VLOG_WARN_RL(&rl, "shared UMEM low: %"PRIu64" of %"PRIu32" frames "
                     "free, below the reserve of %"PRIu32" for transmit "
                     "copies; raise other_config:afzc-umem-frames",
                     n_free, umem->n_frames, umem->reserve);
    }
}
