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

#ifndef AFZC_GSO_H
#define AFZC_GSO_H 1

/* Cutting the TCP super-packets that a local sender left to the hardware.
 *
 * A Linux sender whose device offers TSO (a veth, by default) hands it TCP
 * packets of up to 64 kB for the device to cut to the MTU.  In native XDP
 * mode the kernel turns that offload off on a veth's far end; in generic
 * mode it does not, and such a super-packet reaches the AF_XDP socket
 * whole, as a multi-buffer packet, with nothing to say how it was meant to
 * be cut.  No port can send it as it is.  TCP is a byte stream, so it can
 * be cut anywhere: this module cuts it into segments that each fit the
 * receiving port's MTU, as the device would have, and gives each a
 * complete checksum.  (UDP GSO packets cannot be cut without knowing the
 * sender's datagram size, which AF_XDP does not pass on; they are left
 * alone.)
 *
 * The segments of a batch's super-packets may not all fit back in the
 * batch; the rest wait, in order, in a queue for the next receive.
 *
 * Errors: none; the functions report what they did. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dp_packet;
struct dp_packet_batch;

/* Packets waiting to be received, in order: the segments of super-packets,
 * and the packets that followed them, that did not fit in a batch. */
struct afzc_gso_queue {
    struct dp_packet **packets;
    size_t head;                /* Index of the next packet to receive. */
    size_t n;                   /* Packets in 'packets', 'head' included. */
    size_t allocated;           /* Room in 'packets'. */
};

void afzc_gso_queue_init(struct afzc_gso_queue *);
void afzc_gso_queue_destroy(struct afzc_gso_queue *);

/* Returns true if no packet waits in 'q'. */
static inline bool
afzc_gso_queue_is_empty(const struct afzc_gso_queue *q)
{
    return q->head >= q->n;
}

void afzc_gso_queue_drain(struct afzc_gso_queue *, struct dp_packet_batch *);

size_t afzc_gso_segment(const struct dp_packet *, int mtu,
                        struct afzc_gso_queue *);
uint64_t afzc_gso_segment_batch(struct dp_packet_batch *, int mtu,
                                struct afzc_gso_queue *);

#endif /* afzc-gso.h */
