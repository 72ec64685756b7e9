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

#include "afzc-gso.h"

#include <string.h>
#include <arpa/inet.h>

#include "afzc-csum.h"
#include "csum.h"
#include "dp-packet.h"
#include "util.h"

/* Ethernet types and IP protocol that afzc_gso_segment() knows. */
#define AFZC_GSO_ETH_IPV4 0x0800
#define AFZC_GSO_ETH_IPV6 0x86dd
#define AFZC_GSO_ETH_VLAN 0x8100
#define AFZC_GSO_ETH_QINQ 0x88a8
#define AFZC_GSO_PROTO_TCP 6

/* Most VLAN tags looked through, as afzc-csum.c does. */
#define AFZC_GSO_MAX_TAGS 2

/* TCP flags that only the first (CWR) or the last (FIN, PSH) segment of a
 * super-packet keeps. */
#define AFZC_GSO_TCP_FIN 0x01
#define AFZC_GSO_TCP_PSH 0x08
#define AFZC_GSO_TCP_CWR 0x80

/* Headroom of each segment, as for packets copied out of the UMEM. */
#define AFZC_GSO_HEADROOM 128

/* Reads the 16-bit big-endian value at 'p'. */
static inline uint16_t
afzc_gso_get_be16(const uint8_t *p)
{
    return (uint16_t) p[0] << 8 | p[1];
}

/* Writes 16-bit value 'v' at 'p', big-endian. */
static inline void
afzc_gso_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

/* Initializes 'q' as an empty queue. */
void
afzc_gso_queue_init(struct afzc_gso_queue *q)
{
    memset(q, 0, sizeof *q);
}

/* Frees the packets that wait in 'q', and 'q''s memory. */
void
afzc_gso_queue_destroy(struct afzc_gso_queue *q)
{
    for (size_t i = q->head; i < q->n; i++) {
        dp_packet_delete(q->packets[i]);
    }
    free(q->packets);
    afzc_gso_queue_init(q);
}

/* Appends 'packet' to 'q'. */
static void
afzc_gso_queue_push(struct afzc_gso_queue *q, struct dp_packet *packet)
{
    if (q->head && q->head == q->n) {
        q->head = q->n = 0;
    }
    if (q->n >= q->allocated) {
        q->packets = x2nrealloc(q->packets, &q->allocated,
                                sizeof *q->packets);
    }
    q->packets[q->n++] = packet;
}

/* Moves packets from the head of 'q' to 'batch', as many as it has room
 * for. */
void
afzc_gso_queue_drain(struct afzc_gso_queue *q, struct dp_packet_batch *batch)
{
    while (q->head < q->n && batch->count < NETDEV_MAX_BURST) {
        batch->packets[batch->count++] = q->packets[q->head++];
    }
    if (q->head == q->n) {
        q->head = q->n = 0;
    }
}

/* If 'packet' is a TCP packet over IPv4 or IPv6 (untagged or behind up to
 * two VLAN tags; not an IP fragment; no IPv6 extension headers, while IPv4
 * options are repeated in every segment, as a device does) whose IP packet
 * is longer than 'mtu', appends to 'q' the segments
 * it cuts it into, each with an IP packet of at most 'mtu' bytes, and
 * returns how many.  Otherwise, or if 'mtu' leaves no room for payload,
 * returns 0 and appends nothing.  'packet' itself is left as it is. */
size_t
afzc_gso_segment(const struct dp_packet *packet, int mtu,
                 struct afzc_gso_queue *q)
{
    const uint8_t *p = dp_packet_data(packet);
    size_t len = dp_packet_size(packet);
    size_t ofs = 14, l3_len, ip_len, thl, hdr_len, payload, mss, n;
    uint16_t type, ip_id = 0;
    uint32_t seq;
    uint8_t flags;
    bool ipv6;

    if (len < ofs || mtu <= 0) {
        return 0;
    }
    type = afzc_gso_get_be16(p + 12);
    for (int i = 0; i < AFZC_GSO_MAX_TAGS
         && (type == AFZC_GSO_ETH_VLAN || type == AFZC_GSO_ETH_QINQ); i++) {
        if (len < ofs + 4) {
            return 0;
        }
        type = afzc_gso_get_be16(p + ofs + 2);
        ofs += 4;
    }

    if (type == AFZC_GSO_ETH_IPV4) {
        const uint8_t *l3 = p + ofs;

        if (len < ofs + 20 || (l3[0] >> 4) != 4) {
            return 0;
        }
        l3_len = (l3[0] & 0xf) * 4;
        ip_len = afzc_gso_get_be16(l3 + 2);
        if (l3_len < 20 || ip_len < l3_len || len < ofs + ip_len
            || afzc_gso_get_be16(l3 + 6) & 0x3fff
            || l3[9] != AFZC_GSO_PROTO_TCP) {
            return 0;
        }
        ip_id = afzc_gso_get_be16(l3 + 4);
        ipv6 = false;
    } else if (type == AFZC_GSO_ETH_IPV6) {
        const uint8_t *l3 = p + ofs;

        if (len < ofs + 40 || (l3[0] >> 4) != 6
            || l3[6] != AFZC_GSO_PROTO_TCP) {
            return 0;
        }
        l3_len = 40;
        ip_len = 40 + afzc_gso_get_be16(l3 + 4);
        if (len < ofs + ip_len) {
            return 0;
        }
        ipv6 = true;
    } else {
        return 0;
    }

    if (ip_len <= (size_t) mtu || ip_len < l3_len + 20) {
        return 0;
    }
    thl = (p[ofs + l3_len + 12] >> 4) * 4;
    if (thl < 20 || ip_len < l3_len + thl || l3_len + thl >= (size_t) mtu) {
        return 0;
    }
    hdr_len = ofs + l3_len + thl;
    payload = ofs + ip_len - hdr_len;
    mss = mtu - l3_len - thl;
    memcpy(&seq, p + ofs + l3_len + 4, sizeof seq);
    seq = ntohl(seq);
    flags = p[ofs + l3_len + 13];

    n = 0;
    for (size_t done = 0; done < payload; done += mss, n++) {
        size_t seg_len = MIN(mss, payload - done);
        bool last = done + seg_len >= payload;
        struct dp_packet *seg;
        uint8_t *s, *l3, *l4;
        uint32_t seg_seq;

        seg = dp_packet_new_with_headroom(hdr_len + seg_len,
                                          AFZC_GSO_HEADROOM);
        dp_packet_put(seg, p, hdr_len);
        dp_packet_put(seg, p + hdr_len + done, seg_len);
        s = dp_packet_data(seg);
        l3 = s + ofs;
        l4 = l3 + l3_len;

        if (ipv6) {
            afzc_gso_put_be16(l3 + 4, thl + seg_len);
        } else {
            ovs_be16 check;

            afzc_gso_put_be16(l3 + 2, l3_len + thl + seg_len);
            afzc_gso_put_be16(l3 + 4, ip_id + n);
            memset(l3 + 10, 0, 2);
            check = csum(l3, l3_len);
            memcpy(l3 + 10, &check, sizeof check);
        }

        seg_seq = htonl(seq + done);
        memcpy(l4 + 4, &seg_seq, sizeof seg_seq);
        l4[13] = flags & ~((n ? AFZC_GSO_TCP_CWR : 0)
                           | (last ? 0 : AFZC_GSO_TCP_FIN | AFZC_GSO_TCP_PSH));
        afzc_csum_set_l4(l3, ipv6, l4, thl + seg_len, AFZC_GSO_PROTO_TCP);
        afzc_gso_queue_push(q, seg);
    }
    return n;
}

/* Cuts the TCP super-packets in 'batch' whose IP packets are longer than
 * 'mtu' into segments (see afzc_gso_segment()), and deletes them.  Their
 * segments take their places, in order; what no longer fits in the batch
 * (the segments, and the packets that followed them) goes, in order, to
 * 'q', which must be empty, for afzc_gso_queue_drain() to give out later.
 * Returns how many super-packets were cut. */
uint64_t
afzc_gso_segment_batch(struct dp_packet_batch *batch, int mtu,
                       struct afzc_gso_queue *q)
{
    size_t n_in = dp_packet_batch_size(batch);
    uint64_t n_cut = 0;
    size_t n_out = 0;

    ovs_assert(afzc_gso_queue_is_empty(q));
    for (size_t i = 0; i < n_in; i++) {
        struct dp_packet *packet = batch->packets[i];

        if (dp_packet_size(packet) > (size_t) mtu + ETH_HEADER_LEN
            && afzc_gso_segment(packet, mtu, q)) {
            dp_packet_delete(packet);
            n_cut++;
        } else if (!afzc_gso_queue_is_empty(q)) {
            /* Behind a super-packet's segments: wait with them. */
            afzc_gso_queue_push(q, packet);
        } else {
            batch->packets[n_out++] = packet;
        }
    }
    batch->count = n_out;
    afzc_gso_queue_drain(q, batch);
    return n_cut;
}
