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

/* Unit tests of lib/afzc-gso.h: random TCP super-packets (IPv4 with and
 * without options, IPv6, zero to two VLAN tags, TCP options, any flags)
 * cut at random MTUs, each segment checked against the super-packet with
 * a checksum routine of the test's own; packets that must not be cut;
 * and the order of a batch whose segments overflow into the queue. */

#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afzc-gso.h"
#include "afzc-test.h"
#include "dp-packet.h"
#include "ovstest.h"
#include "util.h"

/* A generated super-packet and where its parts are. */
struct afzc_test_gso_pkt {
    uint8_t buf[65535 + 64];
    size_t len;                 /* Bytes in 'buf'. */
    size_t l3;                  /* Offset of the IP header. */
    size_t l3_len;              /* Its length. */
    size_t l4;                  /* Offset of the TCP header. */
    size_t thl;                 /* Its length. */
    size_t payload;             /* TCP payload bytes. */
    bool ipv6;
};

/* The test's random numbers: xorshift64, from a fixed seed. */
static uint64_t afzc_test_gso_state = 0x9e3779b97f4a7c15ULL;

/* Returns a random number in [0, 'n'). */
static uint32_t
afzc_test_gso_rand(uint32_t n)
{
    afzc_test_gso_state ^= afzc_test_gso_state << 13;
    afzc_test_gso_state ^= afzc_test_gso_state >> 7;
    afzc_test_gso_state ^= afzc_test_gso_state << 17;
    return n ? afzc_test_gso_state % n : 0;
}

/* Reads the 16-bit big-endian value at 'p'. */
static uint16_t
afzc_test_gso_be16(const uint8_t *p)
{
    return (uint16_t) p[0] << 8 | p[1];
}

/* Reads the 32-bit big-endian value at 'p'. */
static uint32_t
afzc_test_gso_be32(const uint8_t *p)
{
    return (uint32_t) afzc_test_gso_be16(p) << 16 | afzc_test_gso_be16(p + 2);
}

/* Adds the 'n' bytes at 'p' to 'sum' as big-endian 16-bit words, the way
 * RFC 1071 describes it, a byte at a time. */
static uint32_t
afzc_test_gso_sum(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sum += i % 2 ? p[i] : (uint32_t) p[i] << 8;
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

/* Returns true if the TCP segment of 'l4_len' bytes at 'l4', behind the IP
 * header at 'l3', has a checksum that verifies. */
static bool
afzc_test_gso_tcp_ok(const uint8_t *l3, bool ipv6, const uint8_t *l4,
                     size_t l4_len)
{
    uint32_t sum = ipv6 ? afzc_test_gso_sum(0, l3 + 8, 32)
                        : afzc_test_gso_sum(0, l3 + 12, 8);

    sum += 6 + l4_len;
    sum = (sum & 0xffff) + (sum >> 16);
    sum = afzc_test_gso_sum(sum, l4, l4_len);
    return sum == 0xffff;
}

/* Fills 'p' with a random TCP super-packet of 'payload' payload bytes. */
static void
afzc_test_gso_make(struct afzc_test_gso_pkt *p, size_t payload)
{
    uint8_t *b = p->buf;
    int n_tags = afzc_test_gso_rand(3);
    size_t ofs = 12;

    memset(p->buf, 0, sizeof p->buf);
    for (int i = 0; i < 12; i++) {
        b[i] = afzc_test_gso_rand(256);
    }
    for (int i = 0; i < n_tags; i++) {
        b[ofs] = i || afzc_test_gso_rand(2) ? 0x81 : 0x88;
        b[ofs + 1] = b[ofs] == 0x81 ? 0x00 : 0xa8;
        b[ofs + 2] = afzc_test_gso_rand(16);
        b[ofs + 3] = afzc_test_gso_rand(256);
        ofs += 4;
    }
    p->ipv6 = afzc_test_gso_rand(2);
    p->l3 = ofs + 2;
    if (p->ipv6) {
        b[ofs] = 0x86;
        b[ofs + 1] = 0xdd;
        p->l3_len = 40;
    } else {
        b[ofs] = 0x08;
        b[ofs + 1] = 0x00;
        p->l3_len = 20 + 4 * afzc_test_gso_rand(3);
    }
    p->l4 = p->l3 + p->l3_len;
    p->thl = 20 + 4 * afzc_test_gso_rand(4);
    p->payload = payload;
    p->len = p->l4 + p->thl + payload;

    uint8_t *l3 = b + p->l3, *l4 = b + p->l4;
    size_t ip_len = p->l3_len + p->thl + payload;

    for (size_t i = 0; i < p->l3_len; i++) {
        l3[i] = afzc_test_gso_rand(256);
    }
    if (p->ipv6) {
        l3[0] = 0x60 | (l3[0] & 0xf);
        l3[4] = (ip_len - 40) >> 8;
        l3[5] = ip_len - 40;
        l3[6] = 6;
    } else {
        l3[0] = 0x40 | p->l3_len / 4;
        l3[2] = ip_len >> 8;
        l3[3] = ip_len;
        l3[6] = afzc_test_gso_rand(2) ? 0x40 : 0;   /* DF or not. */
        l3[7] = 0;
        l3[9] = 6;
        for (size_t i = 20; i < p->l3_len; i++) {
            l3[i] = 1;                                /* NOP options. */
        }
    }
    for (size_t i = 0; i < p->thl + payload; i++) {
        l4[i] = afzc_test_gso_rand(256);
    }
    l4[12] = (p->thl / 4) << 4;
    l4[13] = afzc_test_gso_rand(256);
}

/* Checks the 'n' segments in 'q' from 'first' on against super-packet 'p'
 * cut at 'mtu'. */
static void
afzc_test_gso_check(const struct afzc_test_gso_pkt *p, int mtu,
                    const struct afzc_gso_queue *q, size_t first, size_t n)
{
    size_t mss = mtu - p->l3_len - p->thl;
    const uint8_t *ol3 = p->buf + p->l3, *ol4 = p->buf + p->l4;
    uint32_t seq = afzc_test_gso_be32(ol4 + 4);
    size_t done = 0;

    AFZC_TEST_ASSERT(n == DIV_ROUND_UP(p->payload, mss));
    for (size_t k = 0; k < n; k++) {
        const struct dp_packet *seg = q->packets[first + k];
        const uint8_t *s = dp_packet_data(seg);
        const uint8_t *l3 = s + p->l3, *l4 = s + p->l4;
        size_t size = dp_packet_size(seg);
        size_t seg_payload = size - p->l4 - p->thl;
        uint8_t flags = ol4[13];

        /* Sizes: every segment full but the last, none over the MTU. */
        AFZC_TEST_ASSERT(size > p->l4 + p->thl);
        AFZC_TEST_ASSERT(size - p->l3 <= (size_t) mtu);
        AFZC_TEST_ASSERT(k == n - 1 ? seg_payload <= mss
                                    : seg_payload == mss);

        /* Ethernet header and tags as they were. */
        AFZC_TEST_ASSERT(!memcmp(s, p->buf, p->l3));

        /* IP header: lengths, identification, header checksum. */
        if (p->ipv6) {
            AFZC_TEST_ASSERT(afzc_test_gso_be16(l3 + 4)
                             == p->thl + seg_payload);
            AFZC_TEST_ASSERT(!memcmp(l3, ol3, 4));
            AFZC_TEST_ASSERT(!memcmp(l3 + 6, ol3 + 6, 34));
        } else {
            AFZC_TEST_ASSERT(afzc_test_gso_be16(l3 + 2)
                             == p->l3_len + p->thl + seg_payload);
            AFZC_TEST_ASSERT(afzc_test_gso_be16(l3 + 4)
                             == (uint16_t) (afzc_test_gso_be16(ol3 + 4) + k));
            AFZC_TEST_ASSERT(afzc_test_gso_sum(0, l3, p->l3_len) == 0xffff);
            AFZC_TEST_ASSERT(!memcmp(l3, ol3, 2));
            AFZC_TEST_ASSERT(!memcmp(l3 + 6, ol3 + 6, 4));
            AFZC_TEST_ASSERT(!memcmp(l3 + 12, ol3 + 12, p->l3_len - 12));
        }

        /* TCP header: sequence number, flags, the rest as it was. */
        AFZC_TEST_ASSERT(afzc_test_gso_be32(l4 + 4) == seq + done);
        if (k) {
            flags &= ~0x80;
        }
        if (k != n - 1) {
            flags &= ~0x09;
        }
        AFZC_TEST_ASSERT(l4[13] == flags);
        AFZC_TEST_ASSERT(!memcmp(l4, ol4, 4));
        AFZC_TEST_ASSERT(!memcmp(l4 + 8, ol4 + 8, 5));
        AFZC_TEST_ASSERT(!memcmp(l4 + 14, ol4 + 14, 2));
        AFZC_TEST_ASSERT(!memcmp(l4 + 18, ol4 + 18, p->thl - 18));
        AFZC_TEST_ASSERT(afzc_test_gso_tcp_ok(l3, p->ipv6, l4,
                                              p->thl + seg_payload));

        /* The payload, in order. */
        AFZC_TEST_ASSERT(!memcmp(l4 + p->thl, ol4 + p->thl + done,
                                 seg_payload));
        done += seg_payload;
    }
    AFZC_TEST_ASSERT(done == p->payload);
}

/* Returns a packet holding a copy of 'p'. */
static struct dp_packet *
afzc_test_gso_packet(const struct afzc_test_gso_pkt *p)
{
    return dp_packet_clone_data(p->buf, p->len);
}

/* Cuts 'n' random super-packets at random MTUs and checks the segments. */
static void
afzc_test_gso_random(int n)
{
    struct afzc_test_gso_pkt *p = xmalloc(sizeof *p);
    struct afzc_gso_queue q;
    size_t max_payload = 65535 - 60 - 60;

    afzc_gso_queue_init(&q);
    for (int i = 0; i < n; i++) {
        int mtu = 576 + afzc_test_gso_rand(9216 - 576 + 1);
        size_t payload = 1 + afzc_test_gso_rand(max_payload);
        struct dp_packet *packet;
        size_t ip_len, got;

        afzc_test_gso_make(p, payload);
        packet = afzc_test_gso_packet(p);
        ip_len = p->len - p->l3;
        got = afzc_gso_segment(packet, mtu, &q);
        if (ip_len <= (size_t) mtu) {
            AFZC_TEST_ASSERT(got == 0);
        } else {
            afzc_test_gso_check(p, mtu, &q, 0, got);
        }
        /* The super-packet itself is left as it was. */
        AFZC_TEST_ASSERT(dp_packet_size(packet) == p->len);
        AFZC_TEST_ASSERT(!memcmp(dp_packet_data(packet), p->buf, p->len));
        dp_packet_delete(packet);
        afzc_gso_queue_destroy(&q);
    }
    free(p);
}

/* Packets that must not be cut: UDP, an IPv4 fragment, an IPv6 extension
 * header, a truncated packet, an MTU with no room for payload. */
static void
afzc_test_gso_refusals(void)
{
    struct afzc_test_gso_pkt *p = xmalloc(sizeof *p);
    struct afzc_gso_queue q;
    struct dp_packet *packet;

    afzc_gso_queue_init(&q);
    for (int i = 0; i < 200; i++) {
        afzc_test_gso_make(p, 20000);
        uint8_t *l3 = p->buf + p->l3;
        int what = i % 5;
        int mtu = 1500;

        if (what == 0) {
            l3[p->ipv6 ? 6 : 9] = 17;           /* UDP. */
        } else if (what == 1) {
            if (p->ipv6) {
                l3[6] = 0;                      /* Hop-by-hop options. */
            } else {
                l3[6] |= 0x20;                  /* More fragments. */
            }
        } else if (what == 2) {
            p->len -= 1 + afzc_test_gso_rand(1000);
        } else if (what == 3) {
            mtu = p->l3_len + p->thl;
        } else {
            l3[0] = (l3[0] & 0xf) | 0x50;       /* IP version 5. */
        }
        packet = afzc_test_gso_packet(p);
        AFZC_TEST_ASSERT(afzc_gso_segment(packet, mtu, &q) == 0);
        AFZC_TEST_ASSERT(afzc_gso_queue_is_empty(&q));
        dp_packet_delete(packet);
    }
    afzc_gso_queue_destroy(&q);
    free(p);
}

/* A batch of a small packet, a super-packet of 40 segments and another
 * small packet: the batch gets the first packet and 31 segments, the queue
 * keeps the other 9 and the last packet, in that order. */
static void
afzc_test_gso_batch(void)
{
    struct afzc_test_gso_pkt *p = xmalloc(sizeof *p);
    struct dp_packet *small1, *small2;
    struct dp_packet_batch batch;
    struct afzc_gso_queue q;
    uint8_t buf[100];
    int mtu = 1500;
    size_t mss;

    memset(buf, 0xab, sizeof buf);
    small1 = dp_packet_clone_data(buf, sizeof buf);
    small2 = dp_packet_clone_data(buf, sizeof buf - 1);

    /* The headers are drawn before the payload: the same state draws the
     * same headers again. */
    uint64_t state = afzc_test_gso_state;

    afzc_test_gso_make(p, 1);
    mss = mtu - p->l3_len - p->thl;
    afzc_test_gso_state = state;
    afzc_test_gso_make(p, 39 * mss + 7);
    AFZC_TEST_ASSERT(mss == mtu - p->l3_len - p->thl);

    afzc_gso_queue_init(&q);
    dp_packet_batch_init(&batch);
    dp_packet_batch_add(&batch, small1);
    dp_packet_batch_add(&batch, afzc_test_gso_packet(p));
    dp_packet_batch_add(&batch, small2);
    AFZC_TEST_ASSERT(afzc_gso_segment_batch(&batch, mtu, &q) == 1);
    AFZC_TEST_ASSERT(batch.count == NETDEV_MAX_BURST);
    AFZC_TEST_ASSERT(batch.packets[0] == small1);
    AFZC_TEST_ASSERT(q.n - q.head == 40 + 2 - NETDEV_MAX_BURST);
    AFZC_TEST_ASSERT(q.packets[q.n - 1] == small2);

    /* The segments in batch order, checked as one run: put the batch's
     * segments back in front of the queue's to check them together. */
    struct afzc_gso_queue all;

    afzc_gso_queue_init(&all);
    all.allocated = 40;
    all.packets = xmalloc(40 * sizeof *all.packets);
    for (int i = 1; i < NETDEV_MAX_BURST; i++) {
        all.packets[all.n++] = batch.packets[i];
    }
    for (size_t i = q.head; i < q.n - 1; i++) {
        all.packets[all.n++] = q.packets[i];
    }
    afzc_test_gso_check(p, mtu, &all, 0, 40);
    free(all.packets);

    /* Draining gives the rest, in order. */
    dp_packet_delete_batch(&batch, false);
    dp_packet_batch_init(&batch);
    afzc_gso_queue_drain(&q, &batch);
    AFZC_TEST_ASSERT(batch.count == 40 + 2 - NETDEV_MAX_BURST);
    AFZC_TEST_ASSERT(batch.packets[batch.count - 1] == small2);
    AFZC_TEST_ASSERT(afzc_gso_queue_is_empty(&q));
    dp_packet_delete_batch(&batch, false);
    afzc_gso_queue_destroy(&q);
    free(p);
}

/* ovstest-afzc gso [N]: N random super-packets (default 20000), the
 * refusals, and a batch that overflows into the queue. */
static void
afzc_test_gso_main(int argc, char *argv[])
{
    int n = argc > 1 ? atoi(argv[1]) : 20000;

    afzc_test_gso_random(n);
    afzc_test_gso_refusals();
    afzc_test_gso_batch();
    printf("gso: ok\n");
}

OVSTEST_REGISTER("gso", afzc_test_gso_main);
