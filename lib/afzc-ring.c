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

/* No <config.h>: this file is also built into utilities/ovs-afzc-bench,
 * which has nothing of Open vSwitch.  See afzc-ring.h. */

#include "afzc-ring.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

/* Returns true if 'x' is a nonzero power of two. */
bool
afzc_ring_is_pow2(uint32_t x)
{
    return x && !(x & (x - 1));
}

/* Sets the number of entries of the rx, tx, fill and completion rings of
 * AF_XDP socket 'fd'.  A size of 0 leaves that ring out; the others must be
 * powers of two.  A ring's size can be set only once, before binding.
 * Returns 0 or a positive errno value. */
int
afzc_ring_set_sizes(int fd, uint32_t rx, uint32_t tx, uint32_t fill,
                    uint32_t comp)
{
    static const int opts[4] = {
        XDP_RX_RING, XDP_TX_RING, XDP_UMEM_FILL_RING,
        XDP_UMEM_COMPLETION_RING,
    };
    const uint32_t sizes[4] = { rx, tx, fill, comp };

    for (int i = 0; i < 4; i++) {
        int size = sizes[i];

        if (!sizes[i]) {
            continue;
        }
        if (!afzc_ring_is_pow2(sizes[i])) {
            return EINVAL;
        }
        if (setsockopt(fd, SOL_XDP, opts[i], &size, sizeof size)) {
            return errno;
        }
    }
    return 0;
}

/* Reads where each ring's indexes, flags and entries lie in its mapping, for
 * AF_XDP socket 'fd', into '*off'.  Returns 0 or a positive errno value.
 *
 * Kernels before Linux 5.4 report offsets without the flags word; they do
 * not have need_wakeup either and are not supported. */
int
afzc_ring_get_offsets(int fd, struct xdp_mmap_offsets *off)
{
    socklen_t len = sizeof *off;

    memset(off, 0, sizeof *off);
    if (getsockopt(fd, SOL_XDP, XDP_MMAP_OFFSETS, off, &len)) {
        return errno;
    }
    return len == sizeof *off ? 0 : EOPNOTSUPP;
}

/* Maps ring 'type' of AF_XDP socket 'fd', whose size was set to 'size'
 * entries with afzc_ring_set_sizes(), and sets up '*r' for it, with 'off'
 * from afzc_ring_get_offsets().  The private indexes start from where the
 * shared ones are.  Returns 0 or a positive errno value; on failure '*r'
 * is left unmapped, so that afzc_ring_unmap() on it does nothing. */
int
afzc_ring_map(struct afzc_ring *r, int fd, const struct xdp_mmap_offsets *off,
              enum afzc_ring_type type, uint32_t size)
{
    const struct xdp_ring_offset *ro;
    size_t entry_size;
    off_t pgoff;
    char *base;

    memset(r, 0, sizeof *r);
    if (!afzc_ring_is_pow2(size)) {
        return EINVAL;
    }
    switch (type) {
    case AFZC_RING_RX:
        ro = &off->rx;
        pgoff = XDP_PGOFF_RX_RING;
        entry_size = sizeof(struct xdp_desc);
        break;
    case AFZC_RING_TX:
        ro = &off->tx;
        pgoff = XDP_PGOFF_TX_RING;
        entry_size = sizeof(struct xdp_desc);
        break;
    case AFZC_RING_FILL:
        ro = &off->fr;
        pgoff = XDP_UMEM_PGOFF_FILL_RING;
        entry_size = sizeof(uint64_t);
        break;
    case AFZC_RING_COMP:
        ro = &off->cr;
        pgoff = XDP_UMEM_PGOFF_COMPLETION_RING;
        entry_size = sizeof(uint64_t);
        break;
    default:
        return EINVAL;
    }

    r->map_size = ro->desc + (size_t) size * entry_size;
    base = mmap(NULL, r->map_size, PROT_READ | PROT_WRITE,
                MAP_SHARED | MAP_POPULATE, fd, pgoff);
    if (base == MAP_FAILED) {
        int error = errno;

        memset(r, 0, sizeof *r);
        return error;
    }
    r->map = base;
    r->producer = (uint32_t *) (base + ro->producer);
    r->consumer = (uint32_t *) (base + ro->consumer);
    r->flags = (uint32_t *) (base + ro->flags);
    r->descs = base + ro->desc;
    r->size = size;
    r->mask = size - 1;
    r->cached_prod = __atomic_load_n(r->producer, __ATOMIC_ACQUIRE);
    r->cached_cons = __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE);
    return 0;
}

/* Unmaps the ring of 'r', if it is mapped, and clears 'r'. */
void
afzc_ring_unmap(struct afzc_ring *r)
{
    if (r->map) {
        munmap(r->map, r->map_size);
    }
    memset(r, 0, sizeof *r);
}

/* Registers the 'len' bytes at 'area', which must be page-aligned, as the
 * UMEM of AF_XDP socket 'fd', cut into frames of 'frame_size' bytes (a power
 * of two from 2048 to the page size) whose first 'headroom' bytes the
 * kernel leaves alone on receive.  Returns 0 or a positive errno value. */
int
afzc_ring_register_umem(int fd, void *area, uint64_t len, uint32_t frame_size,
                        uint32_t headroom)
{
    struct xdp_umem_reg reg;

    memset(&reg, 0, sizeof reg);
    reg.addr = (uintptr_t) area;
    reg.len = len;
    reg.chunk_size = frame_size;
    reg.headroom = headroom;
    return setsockopt(fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof reg) ? errno : 0;
}

/* Binds AF_XDP socket 'fd' to queue 'queue' of the device with 'ifindex'.
 * With 'shared_umem_fd' >= 0, the socket uses the UMEM of that socket
 * (XDP_SHARED_UMEM), whose mode it inherits: 'flags' must then be 0.
 * Otherwise it uses its own UMEM, and 'flags' may hold XDP_COPY or
 * XDP_ZEROCOPY (neither: the kernel tries zero-copy and falls back to copy)
 * and XDP_USE_NEED_WAKEUP.  Returns 0 or a positive errno value. */
int
afzc_ring_bind(int fd, int ifindex, uint32_t queue, uint16_t flags,
               int shared_umem_fd)
{
    struct sockaddr_xdp sxdp;

    memset(&sxdp, 0, sizeof sxdp);
    sxdp.sxdp_family = AF_XDP;
    sxdp.sxdp_ifindex = ifindex;
    sxdp.sxdp_queue_id = queue;
    sxdp.sxdp_flags = flags;
    if (shared_umem_fd >= 0) {
        sxdp.sxdp_flags |= XDP_SHARED_UMEM;
        sxdp.sxdp_shared_umem_fd = shared_umem_fd;
    }
    return bind(fd, (struct sockaddr *) &sxdp, sizeof sxdp) ? errno : 0;
}
