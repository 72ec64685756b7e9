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

#ifndef AFZC_XSK_H
#define AFZC_XSK_H 1

/* One AF_XDP socket: one queue of one afzc port, both its halves.
 *
 * The socket shares the UMEM (see afzc_umem_bind()) and has four rings of
 * its own: rx and fill, the rx half, used only by the thread that polls
 * the rx queue (afzc_xsk_recv(), afzc_xsk_reap_idle()), and tx and
 * completion, the tx half, used under the socket's own tx lock by whoever
 * sends (afzc_xsk_send()) and by the rx thread's idle reaping.  Each half
 * has a frame stash in front of the shared pool and is on cache lines of
 * its own.  The counters may be read from any thread.
 *
 * Errors: functions that return int return 0 or a positive errno value;
 * afzc_xsk_open() also puts a message in '*errp'. */

#include <stdbool.h>
#include <stdint.h>
#include <linux/bpf.h>

#include "afzc-umem.h"

struct dp_packet;
struct dp_packet_batch;
struct ds;

/* Ring sizes (entries) of every port queue. */
#define AFZC_RING_SIZE 2048

/* The most packet bytes one frame holds: what follows the kernel's XDP
 * headroom. */
#define AFZC_XSK_FRAME_ROOM (AFZC_FRAME_SIZE - XDP_PACKET_HEADROOM)

/* The largest MTU of a jumbo port, whose packets span up to three frames
 * as multi-buffer packets (copy mode only), and the largest packet such a
 * port sends: the MTU with an Ethernet header and two VLAN tags. */
#define AFZC_XSK_JUMBO_MTU 9216
#define AFZC_XSK_MAX_PACKET (AFZC_XSK_JUMBO_MTU + 14 + 2 * 4)

/* The largest packet a port receives: as much as one dp_packet holds,
 * headroom included, since Open vSwitch keeps the size of a packet's
 * buffer in 16 bits.  Only a TSO super-packet that generic XDP hands over
 * whole is longer than AFZC_XSK_MAX_PACKET (afzc-gso.h cuts it to the MTU),
 * and Linux builds those a few hundred bytes short of 64 kB; a longer
 * packet is dropped and counted as rx_oversized. */
#define AFZC_XSK_MAX_RX_PACKET UINT16_MAX

/* Counters of one port queue, as afzc_xsk_get_stats() copies them out.
 * (The socket keeps them as relaxed atomics, each written only by the
 * owner of the half it describes.) */
struct afzc_xsk_stats {
    uint64_t rx_packets;
    uint64_t rx_bytes;
    uint64_t rx_wakeups;        /* recvfrom() kicks for the fill ring. */
    uint64_t tx_packets;        /* Posted to the tx ring. */
    uint64_t tx_bytes;
    uint64_t tx_zerocopy;       /* Posted by address, no copy. */
    uint64_t tx_copied;         /* Copied into a frame first. */
    uint64_t tx_dropped;        /* No room in the tx ring or no frame. */
    uint64_t tx_kicks;          /* sendto() kicks. */
    uint64_t fill_empty;        /* Times the fill ring could not be refilled
                                 * because the UMEM had no free frame. */
    uint64_t fill_starved;      /* Times the fill target could not grow
                                 * because the fill budget was used up. */
    uint64_t rx_multi_buffer;   /* Packets received in more than one frame,
                                 * copied into one buffer. */
    uint64_t rx_oversized;      /* Multi-buffer packets dropped for being
                                 * longer than AFZC_XSK_MAX_RX_PACKET. */
    uint64_t tx_multi_buffer;   /* Packets sent in more than one frame. */
    uint64_t bad_descs;         /* Rx or completion descriptors ignored:
                                 * they named a frame outside the UMEM or
                                 * one the socket had not given the kernel
                                 * (see afzc_umem_check_owner()). */
};

/* The kernel's XDP_STATISTICS for a socket.  'valid' is false for a field
 * the running kernel does not report. */
struct afzc_xsk_kstats {
    uint64_t rx_dropped;
    uint64_t rx_invalid_descs;
    uint64_t tx_invalid_descs;
    uint64_t rx_ring_full;
    uint64_t rx_fill_ring_empty_descs;
    uint64_t tx_ring_empty_descs;
    bool has_v2;                /* The last three fields are valid. */
};

struct afzc_ring;
struct afzc_xsk;

int afzc_xsk_open(struct afzc_umem *, int ifindex, uint32_t queue,
                  bool zerocopy, bool use_need_wakeup, struct afzc_xsk **,
                  char **errp);
int afzc_xsk_open_rings(struct afzc_umem *, uint32_t queue, bool sg,
                        const struct afzc_ring *rx,
                        const struct afzc_ring *tx,
                        const struct afzc_ring *fill,
                        const struct afzc_ring *comp, struct afzc_xsk **,
                        char **errp);
void afzc_xsk_close(struct afzc_xsk *);
int afzc_xsk_fd(const struct afzc_xsk *);
int afzc_xsk_set_busy_poll(struct afzc_xsk *, int budget);
bool afzc_xsk_busy_polls(const struct afzc_xsk *);

int afzc_xsk_recv(struct afzc_xsk *, struct dp_packet_batch *);
int afzc_xsk_send(struct afzc_xsk *, struct dp_packet_batch *);
bool afzc_xsk_tx_outstanding(const struct afzc_xsk *);
void afzc_xsk_reap_idle(struct afzc_xsk *);

void afzc_xsk_get_stats(const struct afzc_xsk *, struct afzc_xsk_stats *);
uint32_t afzc_xsk_fill_target(const struct afzc_xsk *);
int afzc_xsk_get_kstats(const struct afzc_xsk *, struct afzc_xsk_kstats *);
void afzc_xsk_get_counts(const struct afzc_xsk *, struct afzc_frame_counts *);
void afzc_xsk_get_umem_counts(struct afzc_umem *,
                              struct afzc_frame_counts *);

#endif /* afzc-xsk.h */
