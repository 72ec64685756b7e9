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

/* libFuzzer harness: an AF_XDP queue's receive and transmit paths
 * (lib/afzc-xsk.c) against a kernel that the input drives.
 *
 * The harness plays the kernel's side of the four rings of a socketless
 * afzc_xsk (afzc_xsk_open_rings()) on the real shared UMEM: it takes frames
 * from the fill ring, writes rx descriptors, consumes the tx ring and
 * completes its frames.  The input decides what and when, including rx
 * descriptors that name frames the kernel never had, lengths beyond their
 * frame, chains of multi-buffer descriptors of any length, chains left
 * open, and what user space does with the packets it receives (drops them,
 * sends them back by address, empties them, or sends copies as large as a
 * jumbo frame).
 *
 * What must hold, besides no access out of bounds (AddressSanitizer):
 *
 *   - once the input is spent and receive is called until it finds
 *     nothing, the rx ring is empty, unless it ends with a multi-buffer
 *     packet whose last descriptor never came;
 *
 *   - then, with every completion reaped, no frame is unaccounted for
 *     (afzc_xsk_get_umem_counts()); and
 *
 *   - after afzc_xsk_close(), every frame of the UMEM is back in its
 *     pool. */

#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "afzc-ring.h"
#include "afzc-umem.h"
#include "afzc-xsk.h"
#include "dp-packet.h"
#include "openvswitch/vlog.h"
#include "smap.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Entries per ring; small, so that full rings are reached. */
#define FUZZ_RING_SIZE 64

/* One ring: the memory the kernel would share, and the afzc_ring over it
 * that the queue gets a copy of. */
struct fuzz_ring {
    uint32_t producer;
    uint32_t consumer;
    uint32_t flags;
    struct xdp_desc descs[FUZZ_RING_SIZE]; /* Or uint64_t addresses. */
    struct afzc_ring r;
};

/* The input, read a byte at a time; zeros once it is spent. */
struct fuzz_input {
    const uint8_t *p;
    size_t left;
};

/* The kernel's side of one queue. */
struct fuzz_kernel {
    struct fuzz_ring rx, tx, fill, comp;
    uint64_t held[FUZZ_RING_SIZE * 2]; /* Frames taken from 'fill', FIFO. */
    uint32_t held_head, n_held;
    uint32_t rx_prod;           /* Next rx entry to write. */
    bool chain_open;            /* The last rx descriptor has CONTD. */
    uint32_t chain_start;       /* Its packet's first entry, if so. */
};

static struct afzc_umem *fuzz_umem;

/* Returns the next byte of 'in'. */
static uint8_t
fuzz_byte(struct fuzz_input *in)
{
    if (!in->left) {
        return 0;
    }
    in->left--;
    return *in->p++;
}

/* Returns the next two bytes of 'in', little-endian. */
static uint16_t
fuzz_u16(struct fuzz_input *in)
{
    uint16_t lo = fuzz_byte(in);

    return lo | (uint16_t) fuzz_byte(in) << 8;
}

/* Sets up 'fr' as an empty ring of 'entry_size'-byte entries. */
static void
fuzz_ring_init(struct fuzz_ring *fr, size_t entry_size)
{
    memset(fr, 0, sizeof *fr);
    ovs_assert(entry_size <= sizeof fr->descs[0]);
    fr->r.producer = &fr->producer;
    fr->r.consumer = &fr->consumer;
    fr->r.flags = &fr->flags;
    fr->r.descs = fr->descs;
    fr->r.size = FUZZ_RING_SIZE;
    fr->r.mask = FUZZ_RING_SIZE - 1;
}

/* Returns entry 'idx' of address ring 'fr' (fill or completion). */
static uint64_t *
fuzz_ring_addr(struct fuzz_ring *fr, uint32_t idx)
{
    return &((uint64_t *) fr->descs)[idx & (FUZZ_RING_SIZE - 1)];
}

/* The kernel takes up to 'max' frames from the fill ring. */
static void
fuzz_take_fill(struct fuzz_kernel *k, uint32_t max)
{
    while (max-- && k->fill.consumer != k->fill.producer
           && k->n_held < ARRAY_SIZE(k->held)) {
        uint32_t tail = (k->held_head + k->n_held) % ARRAY_SIZE(k->held);

        k->held[tail] = *fuzz_ring_addr(&k->fill, k->fill.consumer++);
        k->n_held++;
    }
}

/* Returns the address of a frame that the kernel takes from those it
 * holds, or an address that names no frame the queue gave the kernel if
 * it holds none or the input says so. */
static uint64_t
fuzz_rx_addr(struct fuzz_kernel *k, struct fuzz_input *in)
{
    uint8_t mode = fuzz_byte(in);
    uint64_t addr;

    if (mode % 8 < 6 && k->n_held) {
        addr = k->held[k->held_head];
        k->held_head = (k->held_head + 1) % ARRAY_SIZE(k->held);
        k->n_held--;
        /* Anywhere in the frame, usually where a copy-mode kernel puts
         * the data (after the headroom it was posted with). */
        return mode & 0x80 ? addr + fuzz_u16(in) % AFZC_FRAME_SIZE : addr;
    }

    /* Any offset in or beyond the UMEM, except a frame that the queue
     * gave the kernel: a kernel that hands back a frame it still has in
     * its fill ring is not one afzc can defend against. */
    addr = (uint64_t) fuzz_u16(in) << 12 | fuzz_u16(in) % AFZC_FRAME_SIZE;
    if (afzc_umem_get_owner(fuzz_umem, addr) > 0) {
        addr += (uint64_t) afzc_umem_n_frames(fuzz_umem) * AFZC_FRAME_SIZE;
    }
    return addr;
}

/* The kernel delivers one packet of one or more descriptors to the rx
 * ring, as far as it has room. */
static void
fuzz_rx_packet(struct fuzz_kernel *k, struct fuzz_input *in)
{
    uint8_t shape = fuzz_byte(in);
    uint32_t n = shape & 0x80 ? 20 + shape % 48 : 1 + shape % 4;

    for (uint32_t i = 0; i < n; i++) {
        struct xdp_desc *d;
        uint8_t opt;

        if (k->rx_prod - k->rx.consumer >= FUZZ_RING_SIZE) {
            break;
        }
        d = &k->rx.descs[k->rx_prod & (FUZZ_RING_SIZE - 1)];
        d->addr = fuzz_rx_addr(k, in);
        d->len = fuzz_u16(in) % (AFZC_FRAME_SIZE + 256);
        opt = fuzz_byte(in);
        /* The last descriptor ends the packet, unless the input leaves it
         * open; any other one may end it early. */
        d->options = (i + 1 < n ? (opt % 16 ? XDP_PKT_CONTD : 0)
                      : (opt == 0xff ? XDP_PKT_CONTD : 0));
        if (!k->chain_open) {
            k->chain_start = k->rx_prod;
        }
        k->chain_open = (d->options & XDP_PKT_CONTD) != 0;
        k->rx_prod++;
    }
    __atomic_store_n(&k->rx.producer, k->rx_prod, __ATOMIC_RELEASE);
}

/* The kernel transmits up to 'max' tx descriptors and completes their
 * frames, as far as the completion ring has room. */
static void
fuzz_tx_complete(struct fuzz_kernel *k, uint32_t max)
{
    while (max-- && k->tx.consumer != k->tx.producer
           && k->comp.producer - k->comp.consumer < FUZZ_RING_SIZE) {
        const struct xdp_desc *d
            = &k->tx.descs[k->tx.consumer & (FUZZ_RING_SIZE - 1)];

        ovs_assert(d->len > 0 && d->len <= AFZC_FRAME_SIZE);
        ovs_assert(afzc_umem_get_owner(fuzz_umem, d->addr) > 0);
        *fuzz_ring_addr(&k->comp, k->comp.producer) = d->addr;
        k->comp.producer++;
        k->tx.consumer++;
    }
}

/* User space receives a batch from 'xsk', and, as the input says, drops
 * each packet or sends it back out of 'xsk': as it is (by address),
 * emptied, or as a copy of up to 9000 bytes that no frame holds.  Returns
 * the number of packets received. */
static int
fuzz_recv(struct afzc_xsk *xsk, struct fuzz_input *in)
{
    struct dp_packet_batch batch, out;
    struct dp_packet *p;
    int n;

    dp_packet_batch_init(&batch);
    dp_packet_batch_init(&out);
    if (afzc_xsk_recv(xsk, &batch)) {
        ovs_assert(!batch.count);
        return 0;
    }
    n = batch.count;
    DP_PACKET_BATCH_FOR_EACH (i, p, &batch) {
        uint8_t what = fuzz_byte(in);

        if (what % 4 == 0) {
            dp_packet_delete(p);
            continue;
        }
        if (what % 4 == 2) {
            dp_packet_set_size(p, 0);
        } else if (what % 4 == 3) {
            uint32_t len = fuzz_u16(in) % 9001;
            struct dp_packet *copy = dp_packet_new(len);

            dp_packet_put_zeros(copy, len);
            dp_packet_delete(p);
            p = copy;
        }
        dp_packet_batch_add(&out, p);
    }
    if (out.count) {
        int error = afzc_xsk_send(xsk, &out);

        ovs_assert(!error || error == EAGAIN || error == ENOBUFS
                   || error == EMSGSIZE || error == EINVAL);
    }
    return n;
}

/* Runs one input: see the comment at the top. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = { .p = data, .left = size };
    struct afzc_frame_counts c;
    struct afzc_xsk *xsk;
    struct fuzz_kernel *k;
    char *err = NULL;
    bool sg;

    if (!fuzz_umem) {
        struct smap cfg = SMAP_INITIALIZER(&cfg);

        vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
        smap_add_format(&cfg, "afzc-umem-frames", "%d", AFZC_UMEM_MIN_FRAMES);
        afzc_umem_set_config(&cfg);
        smap_destroy(&cfg);
        if (afzc_umem_ref(&fuzz_umem, &err)) {
            ovs_fatal(0, "cannot create the UMEM: %s", err);
        }
    }

    k = xzalloc(sizeof *k);
    fuzz_ring_init(&k->rx, sizeof(struct xdp_desc));
    fuzz_ring_init(&k->tx, sizeof(struct xdp_desc));
    fuzz_ring_init(&k->fill, sizeof(uint64_t));
    fuzz_ring_init(&k->comp, sizeof(uint64_t));
    sg = fuzz_byte(&in) & 1;
    if (afzc_xsk_open_rings(fuzz_umem, 0, sg, &k->rx.r, &k->tx.r, &k->fill.r,
                            &k->comp.r, &xsk, &err)) {
        ovs_fatal(0, "cannot open the queue: %s", err);
    }

    while (in.left) {
        uint8_t op = fuzz_byte(&in);

        switch (op % 5) {
        case 0:
            fuzz_take_fill(k, fuzz_byte(&in));
            break;
        case 1:
            fuzz_rx_packet(k, &in);
            break;
        case 2:
            fuzz_recv(xsk, &in);
            break;
        case 3:
            fuzz_tx_complete(k, fuzz_byte(&in));
            break;
        case 4:
            afzc_xsk_reap_idle(xsk);
            break;
        }
    }

    /* Drain the rx ring; each receive takes at least one entry (or drops
     * it) unless the ring is empty or holds only an unfinished packet. */
    for (int i = 0; i < 4 * FUZZ_RING_SIZE; i++) {
        fuzz_recv(xsk, &in);
        fuzz_tx_complete(k, FUZZ_RING_SIZE);
        afzc_xsk_reap_idle(xsk);
    }
    if (k->rx.consumer != k->rx_prod) {
        ovs_assert(k->chain_open);
        ovs_assert(k->rx_prod - k->rx.consumer < NETDEV_MAX_BURST);
        ovs_assert(k->rx.consumer == k->chain_start);
    } else {
        /* Every frame is in the pool, a stash, the fill ring, the kernel
         * or a ring in flight: none is held by user space. */
        afzc_xsk_get_umem_counts(fuzz_umem, &c);
        ovs_assert(!c.held);
    }
    ovs_assert(k->tx.consumer == k->tx.producer);

    afzc_xsk_close(xsk);
    ovs_assert(afzc_umem_n_free(fuzz_umem) == afzc_umem_n_frames(fuzz_umem));
    free(k);
    return 0;
}
