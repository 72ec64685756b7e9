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

#include "afzc-csum.h"

#include <string.h>
#include <arpa/inet.h>

#include "dp-packet.h"

/* Ethernet types and IP protocols that afzc_csum_fixup_frame() knows. */
#define AFZC_CSUM_ETH_IPV4 0x0800
#define AFZC_CSUM_ETH_IPV6 0x86dd
#define AFZC_CSUM_ETH_VLAN 0x8100
#define AFZC_CSUM_ETH_QINQ 0x88a8
#define AFZC_CSUM_PROTO_TCP 6
#define AFZC_CSUM_PROTO_UDP 17

/* Most VLAN tags looked through. */
#define AFZC_CSUM_MAX_TAGS 2

/* Reads the 16-bit word at 'p', in network byte order, as a host value. */
static inline uint16_t
afzc_csum_get_be16(const uint8_t *p)
{
    return (uint16_t) p[0] << 8 | p[1];
}

/* Returns 'sum' plus the 16-bit words of the 'n' bytes at 'p', as they lie
 * in memory: a one's-complement sum not yet folded (see afzc_csum_fold()).
 * The words are read four bytes at a time into two accumulators, which
 * cannot overflow for any packet (each takes at most 2**30 words). */
static uint64_t
afzc_csum_add_bytes(uint64_t sum, const uint8_t *p, size_t n)
{
    uint64_t a = 0, b = 0;

    for (; n >= 16; p += 16, n -= 16) {
        uint32_t w[4];

        memcpy(w, p, sizeof w);
        a += (uint64_t) w[0] + w[1];
        b += (uint64_t) w[2] + w[3];
    }
    for (; n >= 4; p += 4, n -= 4) {
        uint32_t w;

        memcpy(&w, p, sizeof w);
        a += w;
    }
    if (n >= 2) {
        uint16_t w;

        memcpy(&w, p, sizeof w);
        b += w;
        p += 2;
        n -= 2;
    }
    if (n) {
        /* The last byte is the first of a word whose second is zero. */
        uint16_t w = 0;

        memcpy(&w, p, 1);
        b += w;
    }
    sum += a;
    sum += sum < a;
    sum += b;
    sum += sum < b;
    return sum;
}

/* Folds the unfolded one's-complement sum 'sum' into 16 bits.  The result
 * is 0 only if 'sum' is. */
static inline uint16_t
afzc_csum_fold(uint64_t sum)
{
    sum = (sum & 0xffffffff) + (sum >> 32);
    sum = (sum & 0xffffffff) + (sum >> 32);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}

/* Returns 'value', a 16-bit host-order value, as the word that holds it in
 * a packet reads in memory. */
static inline uint64_t
afzc_csum_word(uint16_t value)
{
    return htons(value);
}

/* Looks at the Ethernet frame of 'len' bytes at 'frame' and, if it is a TCP
 * or UDP packet over IPv4 or IPv6 (untagged or behind up to two VLAN tags;
 * not an IP fragment, no IPv6 extension headers) whose checksum field holds
 * the pseudo-header sum and does not verify, completes its checksum.
 *
 * A correct checksum equal to the pseudo-header sum is left alone, because
 * it verifies.  Any other checksum, right or wrong, is left alone too. */
enum afzc_csum_result
afzc_csum_fixup_frame(void *frame, size_t len)
{
    uint8_t *p = frame, *l3, *l4;
    size_t l4_len, ofs = 14, csum_ofs;
    uint16_t type, field, pseudo, check;
    uint64_t sum;
    uint8_t proto;

    if (len < 14) {
        return AFZC_CSUM_OTHER;
    }
    type = afzc_csum_get_be16(p + 12);
    for (int i = 0; i < AFZC_CSUM_MAX_TAGS
         && (type == AFZC_CSUM_ETH_VLAN || type == AFZC_CSUM_ETH_QINQ); i++) {
        if (len < ofs + 4) {
            return AFZC_CSUM_OTHER;
        }
        type = afzc_csum_get_be16(p + ofs + 2);
        ofs += 4;
    }

    l3 = p + ofs;
    if (type == AFZC_CSUM_ETH_IPV4) {
        size_t ihl, tot_len;

        if (len < ofs + 20 || (l3[0] >> 4) != 4) {
            return AFZC_CSUM_OTHER;
        }
        ihl = (l3[0] & 0xf) * 4;
        tot_len = afzc_csum_get_be16(l3 + 2);
        if (ihl < 20 || tot_len < ihl || len < ofs + tot_len
            || afzc_csum_get_be16(l3 + 6) & 0x3fff) {
            /* Bad lengths, or a fragment: the kernel completes the checksum
             * of a packet before it fragments it. */
            return AFZC_CSUM_OTHER;
        }
        proto = l3[9];
        l4 = l3 + ihl;
        l4_len = tot_len - ihl;
        sum = afzc_csum_add_bytes(0, l3 + 12, 8);
    } else if (type == AFZC_CSUM_ETH_IPV6) {
        if (len < ofs + 40 || (l3[0] >> 4) != 6) {
            return AFZC_CSUM_OTHER;
        }
        l4_len = afzc_csum_get_be16(l3 + 4);
        if (len < ofs + 40 + l4_len) {
            return AFZC_CSUM_OTHER;
        }
        proto = l3[6];
        l4 = l3 + 40;
        sum = afzc_csum_add_bytes(0, l3 + 8, 32);
    } else {
        return AFZC_CSUM_OTHER;
    }

    if (proto == AFZC_CSUM_PROTO_TCP && l4_len >= 20) {
        csum_ofs = 16;
    } else if (proto == AFZC_CSUM_PROTO_UDP && l4_len >= 8) {
        csum_ofs = 6;
    } else {
        return AFZC_CSUM_OTHER;
    }

    /* The pseudo-header sum, and the cheap test that rules out almost every
     * complete checksum. */
    sum += afzc_csum_word(proto) + afzc_csum_word(l4_len);
    pseudo = afzc_csum_fold(sum);
    memcpy(&field, l4 + csum_ofs, sizeof field);
    if (field != pseudo) {
        return AFZC_CSUM_COMPLETE;
    }

    /* 'sum' now covers the whole packet, checksum field included.  A
     * checksum that verifies is complete, however it looks. */
    sum = afzc_csum_add_bytes(sum, l4, l4_len);
    if (afzc_csum_fold(sum) == 0xffff) {
        return AFZC_CSUM_COMPLETE;
    }

    /* Take the field out of the sum (add its complement) and store the
     * complement of the rest.  UDP sends 0 as all ones: 0 means "no
     * checksum". */
    sum += (uint16_t) ~field;
    check = ~afzc_csum_fold(sum);
    if (proto == AFZC_CSUM_PROTO_UDP && !check) {
        check = 0xffff;
    }
    memcpy(l4 + csum_ofs, &check, sizeof check);
    return AFZC_CSUM_FIXED;
}

/* Computes the TCP or UDP checksum (protocol 'proto') of the 'l4_len' bytes
 * at 'l4', which follow the IPv4 header at 'l3', or the IPv6 header there if
 * 'ipv6' is true, and stores it in their checksum field. */
void
afzc_csum_set_l4(const void *l3_, bool ipv6, void *l4_, size_t l4_len,
                 uint8_t proto)
{
    const uint8_t *l3 = l3_;
    uint8_t *l4 = l4_;
    size_t csum_ofs = proto == AFZC_CSUM_PROTO_TCP ? 16 : 6;
    uint16_t check = 0;
    uint64_t sum;

    sum = ipv6 ? afzc_csum_add_bytes(0, l3 + 8, 32)
               : afzc_csum_add_bytes(0, l3 + 12, 8);
    sum += afzc_csum_word(proto) + afzc_csum_word(l4_len);
    memcpy(l4 + csum_ofs, &check, sizeof check);
    sum = afzc_csum_add_bytes(sum, l4, l4_len);
    check = ~afzc_csum_fold(sum);
    if (proto == AFZC_CSUM_PROTO_UDP && !check) {
        check = 0xffff;
    }
    memcpy(l4 + csum_ofs, &check, sizeof check);
}

/* Completes the partial checksums of the packets in 'batch' (see
 * afzc_csum_fixup_frame()).  If 'copied_only' is true, only of those that
 * are not single UMEM frames, but were copied out of several: the port's
 * XDP program completed the others (it looks at just the frames that
 * afzc_csum_fixup_frame() does).  Returns how many were completed. */
uint64_t
afzc_csum_fixup_batch(struct dp_packet_batch *batch, bool copied_only)
{
    struct dp_packet *packet;
    uint64_t n = 0;

    DP_PACKET_BATCH_FOR_EACH (i, packet, batch) {
        if (copied_only && packet->source == DPBUF_AFXDP) {
            continue;
        }
        n += afzc_csum_fixup_frame(dp_packet_data(packet),
                                   dp_packet_size(packet)) == AFZC_CSUM_FIXED;
    }
    return n;
}
