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

/* ovstest-afzc xdp-diff: differential test of the XDP classifier.
 *
 * Random megaflow tables are made the way dpif-netdev receives them (a
 * struct flow and its wildcards, serialized to datapath netlink attributes
 * and parsed back), translated by netdev-offload-afzc.c and installed by
 * afzc-xdp-flow.c into a real afzc XDP program, attached in generic mode to
 * a device given on the command line.  Random and malformed frames then go
 * through the program with BPF_PROG_TEST_RUN and through Open vSwitch
 * (flow_extract(), a first-match lookup over the same megaflows in the
 * order of the program's mask slots, odp_execute_actions()).
 *
 * The program may always hand a frame to user space (it then goes through
 * Open vSwitch itself): that is a "decline" and is only counted.  Any
 * other disagreement (it forwards or drops a frame that Open vSwitch would
 * not match, matches another flow, outputs where Open vSwitch drops or the
 * other way round, or rewrites the bytes differently) fails the test, with
 * the frame and the flow printed. */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "afzc-test.h"
#include "afzc-xdp.h"
#include "afzc-xdp-flow.h"
#include "afzc-xdp-shared.h"
#include "dp-packet.h"
#include "dummy.h"
#include "flow.h"
#include "netdev-offload-afzc.h"
#include "netdev.h"
#include "netlink.h"
#include "odp-execute.h"
#include "odp-netlink.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "ovstest.h"
#include "packets.h"
#include "timeval.h"
#include "util.h"

/* Limits of one test. */
#define AFZC_DIFF_MAX_PORTS 8           /* Output devices. */
#define AFZC_DIFF_MAX_FLOWS 64          /* Megaflows per table. */
#define AFZC_DIFF_MAX_FRAME 256         /* Bytes of a generated frame. */
#define AFZC_DIFF_MAX_REPORTS 10        /* Mismatches printed in full. */
#define AFZC_DIFF_IN_PORT 1             /* The datapath port of the frames;
                                         * outputs are 2, 3, ... */

/* A xorshift64* random number generator, so that a seed gives the same
 * run on every machine. */
struct afzc_diff_rng {
    uint64_t s;
};

/* Returns the next 64 random bits of 'r'. */
static uint64_t
afzc_diff_rand64(struct afzc_diff_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dULL;
}

/* Returns a random number in [0, n). */
static uint32_t
afzc_diff_rand(struct afzc_diff_rng *r, uint32_t n)
{
    return (afzc_diff_rand64(r) >> 32) % n;
}

/* Returns true with probability 'pct' percent. */
static bool
afzc_diff_chance(struct afzc_diff_rng *r, int pct)
{
    return afzc_diff_rand(r, 100) < pct;
}

/* A generated frame.  A clean one is well formed, as far as Open
 * vSwitch's parser can tell: the program must not decline it. */
struct afzc_diff_frame {
    uint8_t data[AFZC_DIFF_MAX_FRAME];
    size_t len;
    bool clean;
};

/* Appends the 'n' bytes at 'p' to 'f'. */
static void
afzc_diff_put(struct afzc_diff_frame *f, const void *p, size_t n)
{
    ovs_assert(f->len + n <= sizeof f->data);
    memcpy(&f->data[f->len], p, n);
    f->len += n;
}

/* Appends 16-bit 'x' to 'f' in network byte order. */
static void
afzc_diff_put16(struct afzc_diff_frame *f, uint16_t x)
{
    ovs_be16 be = htons(x);

    afzc_diff_put(f, &be, 2);
}

/* Cuts frame 'f' short, to a random length of at least an Ethernet
 * header, which is as short as a frame the kernel hands XDP can be (and
 * BPF_PROG_TEST_RUN takes). */
static void
afzc_diff_cut(struct afzc_diff_frame *f, struct afzc_diff_rng *r)
{
    if (f->len > ETH_HEADER_LEN) {
        f->len = ETH_HEADER_LEN + afzc_diff_rand(r, f->len - ETH_HEADER_LEN);
    }
}

/* Appends 'n' random bytes to 'f'. */
static void
afzc_diff_put_random(struct afzc_diff_frame *f, struct afzc_diff_rng *r,
                     size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t b = afzc_diff_rand64(r);

        afzc_diff_put(f, &b, 1);
    }
}

/* Appends an address of 'n' bytes to 'f', one of a small pool (so that
 * frames hit flows), or random. */
static void
afzc_diff_put_addr(struct afzc_diff_frame *f, struct afzc_diff_rng *r,
                   size_t n)
{
    uint8_t a[16];

    ovs_assert(n <= sizeof a);
    if (afzc_diff_chance(r, 85)) {
        memset(a, 0, n);
        a[0] = n == 6 ? 0x02 : n == 4 ? 10 : 0xfd;
        a[n - 1] = 1 + afzc_diff_rand(r, 4);
        if (n == 6 && afzc_diff_chance(r, 10)) {
            memset(a, 0xff, n);         /* Broadcast. */
        }
        afzc_diff_put(f, a, n);
    } else {
        afzc_diff_put_random(f, r, n);
    }
}

/* Returns a port number, one of a small pool, or random. */
static uint16_t
afzc_diff_port(struct afzc_diff_rng *r)
{
    static const uint16_t pool[] = { 53, 80, 443, 4789 };

    return (afzc_diff_chance(r, 85) ? pool[afzc_diff_rand(r, 4)]
            : afzc_diff_rand(r, 65536));
}

/* Appends an L4 header of IP protocol 'proto' and some payload to 'f'. */
static void
afzc_diff_put_l4(struct afzc_diff_frame *f, struct afzc_diff_rng *r,
                 uint8_t proto)
{
    if (proto == IPPROTO_TCP) {
        afzc_diff_put16(f, afzc_diff_port(r));
        afzc_diff_put16(f, afzc_diff_port(r));
        afzc_diff_put_random(f, r, 8);
        /* Data offset 5 words, or an odd one. */
        int doff = afzc_diff_chance(r, 90) ? 5 : afzc_diff_rand(r, 16);

        f->clean &= doff == 5;
        afzc_diff_put16(f, doff << 12 | 0x10);
        afzc_diff_put_random(f, r, 6);
    } else if (proto == IPPROTO_UDP) {
        afzc_diff_put16(f, afzc_diff_port(r));
        afzc_diff_put16(f, afzc_diff_port(r));
        afzc_diff_put16(f, 8);
        afzc_diff_put16(f, 0);
    } else if (proto == IPPROTO_SCTP) {
        afzc_diff_put16(f, afzc_diff_port(r));
        afzc_diff_put16(f, afzc_diff_port(r));
        afzc_diff_put_random(f, r, 8);
    } else if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) {
        uint8_t tc[2] = { afzc_diff_rand(r, 4) * (proto == 1 ? 3 : 64),
                          afzc_diff_rand(r, 3) };

        afzc_diff_put(f, tc, 2);
        afzc_diff_put_random(f, r, 6);
    }
    afzc_diff_put_random(f, r, afzc_diff_rand(r, 24));
}

/* Returns an IP protocol for a generated frame. */
static uint8_t
afzc_diff_proto(struct afzc_diff_rng *r, bool ipv6)
{
    static const uint8_t pool[] = { IPPROTO_TCP, IPPROTO_TCP, IPPROTO_UDP,
                                    IPPROTO_UDP, IPPROTO_UDP, IPPROTO_SCTP,
                                    IPPROTO_ICMP, IPPROTO_ICMP, 47, 0 };
    uint8_t p = pool[afzc_diff_rand(r, ARRAY_SIZE(pool))];

    if (p == 0) {
        p = afzc_diff_rand(r, 256);
    } else if (ipv6 && p == IPPROTO_ICMP) {
        p = IPPROTO_ICMPV6;
    }
    return p;
}

/* Appends an IPv4 header and its payload to 'f': mostly well formed, at
 * times with options, fragmented, or with bad lengths or version. */
static void
afzc_diff_put_ipv4(struct afzc_diff_frame *f, struct afzc_diff_rng *r)
{
    static const uint8_t tos[] = { 0, 0x10, 0xb8, 0x03 };
    size_t start = f->len;
    int ihl = 5, version = 4;
    uint8_t proto = afzc_diff_proto(r, false);
    uint16_t frag = 0, tot_len;

    if (afzc_diff_chance(r, 8)) {
        ihl = 6 + afzc_diff_rand(r, 10);
    } else if (afzc_diff_chance(r, 2)) {
        ihl = afzc_diff_rand(r, 5);
        f->clean = false;
    }
    if (afzc_diff_chance(r, 2)) {
        version = afzc_diff_rand(r, 16);
    }
    if (afzc_diff_chance(r, 15)) {
        static const uint16_t frags[] = { 0x4000, 0x2000, 0x2010, 0x0010,
                                          0x1fff, 0x8000 };

        frag = frags[afzc_diff_rand(r, ARRAY_SIZE(frags))];
    }
    uint8_t h[12] = {
        version << 4 | ihl,
        afzc_diff_chance(r, 80) ? 0 : tos[afzc_diff_rand(r, 4)],
        0, 0,                                   /* Total length, below. */
        afzc_diff_rand(r, 256), afzc_diff_rand(r, 256),
        frag >> 8, frag & 0xff,
        afzc_diff_chance(r, 80) ? 64 : afzc_diff_rand(r, 256),
        proto,
        0, 0,
    };
    afzc_diff_put(f, h, sizeof h);
    afzc_diff_put_addr(f, r, 4);
    afzc_diff_put_addr(f, r, 4);
    if (ihl > 5) {
        afzc_diff_put_random(f, r, (ihl - 5) * 4);
    }
    afzc_diff_put_l4(f, r, proto);
    tot_len = f->len - start;
    if (afzc_diff_chance(r, 5)) {
        tot_len = afzc_diff_rand(r, tot_len + 40);
        f->clean = false;
    }
    f->data[start + 2] = tot_len >> 8;
    f->data[start + 3] = tot_len;
}

/* Appends an IPv6 header and its payload to 'f': at times behind an
 * extension header, or with a bad payload length. */
static void
afzc_diff_put_ipv6(struct afzc_diff_frame *f, struct afzc_diff_rng *r)
{
    static const uint8_t exts[] = { 0, 43, 44, 60 };
    uint8_t proto = afzc_diff_proto(r, true);
    uint8_t next = proto;
    uint8_t tc = afzc_diff_chance(r, 80) ? 0 : afzc_diff_rand(r, 256);
    uint32_t label = afzc_diff_chance(r, 80) ? 0 : afzc_diff_rand(r, 1 << 20);
    bool ext = afzc_diff_chance(r, 10);
    size_t start = f->len;
    uint16_t plen;

    if (ext) {
        next = exts[afzc_diff_rand(r, ARRAY_SIZE(exts))];
    }
    /* Open vSwitch parses extension headers, the program declines them;
     * a random protocol may be one. */
    f->clean &= !(next == 0 || next == 43 || next == 44 || next == 51
                  || next == 60);
    uint8_t h[8] = {
        0x60 | tc >> 4, (tc & 0xf) << 4 | label >> 16, label >> 8, label,
        0, 0,                                   /* Payload length, below. */
        next,
        afzc_diff_chance(r, 80) ? 64 : afzc_diff_rand(r, 256),
    };
    afzc_diff_put(f, h, sizeof h);
    afzc_diff_put_addr(f, r, 16);
    afzc_diff_put_addr(f, r, 16);
    if (ext) {
        /* An extension header of 8 bytes; a fragment header for a first
         * or a later fragment. */
        uint8_t e[8] = { proto, 0, 0, 0, 0, 0, 0, 1 };

        if (next == 44 && afzc_diff_chance(r, 50)) {
            e[3] = 0x08;
        } else if (next == 44) {
            e[3] = 0x01;
        }
        afzc_diff_put(f, e, sizeof e);
    }
    afzc_diff_put_l4(f, r, proto);
    plen = f->len - start - 40;
    if (afzc_diff_chance(r, 5)) {
        plen = afzc_diff_rand(r, plen + 40);
        f->clean = false;
    }
    f->data[start + 4] = plen >> 8;
    f->data[start + 5] = plen;
}

/* Makes a random frame in 'f': Ethernet, zero to two VLAN tags, then IPv4,
 * IPv6, ARP, LLC or another EtherType, at times cut short or with a byte
 * changed. */
static void
afzc_diff_frame_make(struct afzc_diff_frame *f, struct afzc_diff_rng *r)
{
    uint32_t kind = afzc_diff_rand(r, 100);

    f->len = 0;
    f->clean = true;
    afzc_diff_put_addr(f, r, 6);
    afzc_diff_put_addr(f, r, 6);
    if (kind < 35) {
        int n_tags = afzc_diff_chance(r, 85) ? 1 : 2;

        for (int i = 0; i < n_tags; i++) {
            static const uint16_t vids[] = { 0, 1, 10, 4095 };

            uint16_t tpid = afzc_diff_chance(r, 85) ? 0x8100 : 0x88a8;

            f->clean &= tpid == 0x8100;
            afzc_diff_put16(f, tpid);
            afzc_diff_put16(f, (afzc_diff_rand(r, 8) << 13
                                | vids[afzc_diff_rand(r, 4)]));
        }
    }
    kind = afzc_diff_rand(r, 100);
    if (kind < 50) {
        afzc_diff_put16(f, ETH_TYPE_IP);
        afzc_diff_put_ipv4(f, r);
    } else if (kind < 85) {
        afzc_diff_put16(f, ETH_TYPE_IPV6);
        afzc_diff_put_ipv6(f, r);
    } else if (kind < 90) {
        afzc_diff_put16(f, ETH_TYPE_ARP);
        afzc_diff_put_random(f, r, 28);
    } else if (kind < 95) {
        /* 802.3 with a length; an LLC/SNAP header for IPv4 at times. */
        f->clean = false;
        afzc_diff_put16(f, afzc_diff_chance(r, 50) ? 0x05ff
                           : afzc_diff_rand(r, 0x600));
        if (afzc_diff_chance(r, 50)) {
            static const uint8_t snap[] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };

            afzc_diff_put(f, snap, sizeof snap);
            afzc_diff_put16(f, ETH_TYPE_IP);
            afzc_diff_put_ipv4(f, r);
        } else {
            afzc_diff_put_random(f, r, 20);
        }
    } else {
        afzc_diff_put16(f, afzc_diff_rand(r, 65536));
        afzc_diff_put_random(f, r, 40);
        f->clean = false;
    }

    if (afzc_diff_chance(r, 8)) {
        afzc_diff_cut(f, r);
        f->clean = false;
    }
    if (afzc_diff_chance(r, 4) && f->len) {
        f->data[afzc_diff_rand(r, f->len)] = afzc_diff_rand64(r);
        f->clean = false;
    }
}

/* Formats the frame 'f' into 's' in hex. */
static void
afzc_diff_put_frame(struct ds *s, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "%02x", p[i]);
    }
}

/* Fills 'p' with the frame 'f' received on the test's in_port and extracts
 * its flow into 'flow', as dpif-netdev does with a received packet. */
static struct dp_packet *
afzc_diff_packet(const struct afzc_diff_frame *f, struct flow *flow)
{
    struct dp_packet *p = dp_packet_new_with_headroom(f->len, 64);

    dp_packet_put(p, f->data, f->len);
    pkt_metadata_init(&p->md, u32_to_odp(AFZC_DIFF_IN_PORT));
    flow_extract(p, flow);
    return p;
}

/* One megaflow of a table. */
struct afzc_diff_flow {
    struct match match;         /* As dpif-netdev has it. */
    struct ofpbuf key;          /* Its netlink key and mask, to print. */
    struct ofpbuf mask;
    struct ofpbuf actions;      /* Datapath actions. */
    struct afzc_diff_frame frame;   /* The frame it was made for. */
    ovs_u128 ufid;
    int slot;                   /* Mask slot in the program, -1 if the
                                 * flow is not offloaded. */
    uint64_t packets;           /* Packets the program counted. */
};

/* A test: the program, its ports and the current flow table. */
struct afzc_diff {
    struct afzc_diff_rng rng;
    struct afzc_xdp *xdp;
    int prog_fd;
    int ifindex;                /* Of the device the program is on. */
    int port_ifindex[AFZC_DIFF_MAX_PORTS];
    int n_ports;
    struct netdev *in;          /* A dummy, for action translation. */
    struct odp_support support;

    struct afzc_diff_flow flows[AFZC_DIFF_MAX_FLOWS];
    int n_flows;
    struct afzc_flow_key masks[AFZC_MAX_MASKS];  /* In slot order. */
    int n_masks;
    struct afzc_xdp_qstats qs;  /* The program's counters so far. */

    /* Outcomes. */
    uint64_t n_frames;
    uint64_t n_agree;           /* Same verdict and bytes. */
    uint64_t n_agree_offloaded; /* ...of which the program executed. */
    uint64_t n_declined;        /* Program: to user space; OVS: a flow. */
    uint64_t n_clean;           /* Well-formed frames with a flow. */
    uint64_t n_mismatch;
    uint64_t n_flows_made, n_flows_refused, n_flows_failed;
};

/* Sets a random mask on the bytes of 'field' of 'n' bytes: all, a
 * prefix, or (at 'pct_none' percent) none. */
static void
afzc_diff_mask_field(struct afzc_diff_rng *r, void *field, size_t n,
                     int pct_none)
{
    uint8_t *m = field;

    if (afzc_diff_chance(r, pct_none)) {
        return;
    }
    memset(m, 0xff, n);
    if (afzc_diff_chance(r, 25)) {
        size_t bits = 1 + afzc_diff_rand(r, n * 8);

        for (size_t i = bits; i < n * 8; i++) {
            m[i / 8] &= ~(0x80 >> (i % 8));
        }
    }
}

/* Chooses the wildcards of a megaflow for a packet with flow 'f', in
 * 'wc': always in_port, dl_type and, for IP, the fragment bits (as
 * Open vSwitch's translation always does), then a random choice of the
 * fields the XDP program parses, and at times one it does not. */
static void
afzc_diff_wildcards(struct afzc_diff_rng *r, const struct flow *f,
                    struct flow_wildcards *wc)
{
    struct flow *m = &wc->masks;

    flow_wildcards_init_catchall(wc);
    m->in_port.odp_port = u32_to_odp(UINT32_MAX);
    m->packet_type = OVS_BE32_MAX;
    m->dl_type = OVS_BE16_MAX;
    afzc_diff_mask_field(r, &m->dl_dst, sizeof m->dl_dst, 50);
    afzc_diff_mask_field(r, &m->dl_src, sizeof m->dl_src, 70);
    if (afzc_diff_chance(r, 50)) {
        static const ovs_be16 tci[] = { OVS_BE16_MAX, CONSTANT_HTONS(0x1fff),
                                        CONSTANT_HTONS(VLAN_CFI) };

        m->vlans[0].tci = tci[afzc_diff_rand(r, ARRAY_SIZE(tci))];
    }
    if (is_ip_any(f)) {
        m->nw_frag = FLOW_NW_FRAG_MASK;
        if (f->dl_type == htons(ETH_TYPE_IP)) {
            afzc_diff_mask_field(r, &m->nw_src, sizeof m->nw_src, 50);
            afzc_diff_mask_field(r, &m->nw_dst, sizeof m->nw_dst, 40);
        } else {
            afzc_diff_mask_field(r, &m->ipv6_src, sizeof m->ipv6_src, 60);
            afzc_diff_mask_field(r, &m->ipv6_dst, sizeof m->ipv6_dst, 50);
        }
        if (afzc_diff_chance(r, 60)) {
            m->nw_proto = 0xff;
        }
        if (afzc_diff_chance(r, 10)) {
            m->nw_tos = afzc_diff_chance(r, 50) ? 0xff : IP_DSCP_MASK;
        }
        if (afzc_diff_chance(r, 10)) {
            m->nw_ttl = 0xff;
        }
        if (m->nw_proto && (f->nw_proto == IPPROTO_TCP
                            || f->nw_proto == IPPROTO_UDP
                            || f->nw_proto == IPPROTO_SCTP
                            || f->nw_proto == IPPROTO_ICMP
                            || f->nw_proto == IPPROTO_ICMPV6)) {
            afzc_diff_mask_field(r, &m->tp_src, sizeof m->tp_src, 60);
            afzc_diff_mask_field(r, &m->tp_dst, sizeof m->tp_dst, 40);
        }
    }
    if (afzc_diff_chance(r, 4)) {
        /* Something the program does not parse: translation must refuse
         * the flow. */
        switch (afzc_diff_rand(r, 3)) {
        case 0:
            m->ipv6_label = OVS_BE32_MAX;
            break;
        case 1:
            m->tcp_flags = OVS_BE16_MAX;
            break;
        default:
            m->pkt_mark = UINT32_MAX;
            break;
        }
    }
}

/* Appends a set of the Ethernet addresses to datapath actions 'b': a
 * plain set, or a masked one of one or both addresses, in part at
 * times. */
static void
afzc_diff_put_set_eth(struct afzc_diff_rng *r, struct ofpbuf *b)
{
    struct ovs_key_ethernet key[2];
    bool masked = afzc_diff_chance(r, 60);
    size_t ofs;

    memset(key, 0, sizeof key);
    for (int i = 0; i < 6; i++) {
        key[0].eth_src.ea[i] = afzc_diff_rand64(r);
        key[0].eth_dst.ea[i] = afzc_diff_rand64(r);
    }
    key[0].eth_src.ea[0] &= ~1;
    if (masked) {
        if (afzc_diff_chance(r, 70)) {
            key[1].eth_src = eth_addr_exact;
        }
        if (afzc_diff_chance(r, 70)) {
            key[1].eth_dst = eth_addr_exact;
        }
        if (afzc_diff_chance(r, 5)) {
            key[1].eth_dst.ea[0] = 0xf0;
        }
        for (int i = 0; i < 6; i++) {
            key[0].eth_src.ea[i] &= key[1].eth_src.ea[i];
            key[0].eth_dst.ea[i] &= key[1].eth_dst.ea[i];
        }
    }
    ofs = nl_msg_start_nested(b, masked ? OVS_ACTION_ATTR_SET_MASKED
                                        : OVS_ACTION_ATTR_SET);
    nl_msg_put_unspec(b, OVS_KEY_ATTR_ETHERNET, key,
                      (masked ? 2 : 1) * sizeof key[0]);
    nl_msg_end_nested(b, ofs);
}

/* Makes random datapath actions for a megaflow 'match' in 'b': a few
 * Ethernet sets and VLAN pushes and pops (a pop only of a tag the match
 * requires), then an output to one of the 'n_ports' output ports, or a
 * drop. */
static void
afzc_diff_actions(struct afzc_diff_rng *r, const struct match *match,
                  int n_ports, struct ofpbuf *b)
{
    bool tagged = (match->wc.masks.vlans[0].tci & htons(VLAN_CFI)
                   && match->flow.vlans[0].tci & htons(VLAN_CFI));
    int n = afzc_diff_rand(r, 4);

    for (int i = 0; i < n; i++) {
        switch (afzc_diff_rand(r, 3)) {
        case 0:
            afzc_diff_put_set_eth(r, b);
            break;
        case 1: {
            struct ovs_action_push_vlan pv;

            pv.vlan_tpid = htons(afzc_diff_chance(r, 95) ? ETH_TYPE_VLAN_8021Q
                                 : ETH_TYPE_VLAN_8021AD);
            pv.vlan_tci = htons(afzc_diff_rand(r, 0x10000) | VLAN_CFI);
            nl_msg_put_unspec(b, OVS_ACTION_ATTR_PUSH_VLAN, &pv, sizeof pv);
            tagged = pv.vlan_tpid == htons(ETH_TYPE_VLAN_8021Q);
            break;
        }
        default:
            if (tagged) {
                nl_msg_put_flag(b, OVS_ACTION_ATTR_POP_VLAN);
                tagged = false;
            }
            break;
        }
    }
    if (afzc_diff_chance(r, 85)) {
        nl_msg_put_odp_port(b, OVS_ACTION_ATTR_OUTPUT,
                            u32_to_odp(AFZC_DIFF_IN_PORT + 1
                                       + afzc_diff_rand(r, n_ports)));
    } else if (afzc_diff_chance(r, 50)) {
        nl_msg_put_u32(b, OVS_ACTION_ATTR_DROP, 0);
    }
}

/* Translates the actions of 'df' for the program into 'out' and '*n':
 * all but the output through afzc_offload_translate_actions(), whose
 * port lookup needs afzc ports in a datapath, the output by the test's
 * own map of datapath ports to devices.  Returns 0 or EOPNOTSUPP. */
static int
afzc_diff_translate_actions(struct afzc_diff *d, const struct ofpbuf *acts,
                            struct afzc_flow_action *out, size_t *n)
{
    const struct nlattr *a, *output = NULL;
    const char *reason;
    size_t left;
    int error;

    NL_ATTR_FOR_EACH (a, left, acts->data, acts->size) {
        if (nl_attr_type(a) == OVS_ACTION_ATTR_OUTPUT) {
            output = a;
        }
    }
    error = afzc_offload_translate_actions(
        d->in, acts->data,
        output ? (const uint8_t *) output - (const uint8_t *) acts->data
               : acts->size, out, n, &reason);
    if (error || !output) {
        return error;
    }
    if (*n >= AFZC_MAX_ACTIONS) {
        return EOPNOTSUPP;
    }
    struct afzc_flow_action *o = &out[(*n)++];
    uint32_t port = odp_to_u32(nl_attr_get_odp_port(output));

    memset(o, 0, sizeof *o);
    o->type = AFZC_ACT_OUTPUT;
    o->ifindex = d->port_ifindex[port - AFZC_DIFF_IN_PORT - 1];
    return 0;
}

/* Returns the mask slot the program gave 'mask', which afzc-xdp-flow.c
 * hands out in the order masks first appear in a fresh table, adding it if
 * it is new. */
static int
afzc_diff_mask_slot(struct afzc_diff *d, const struct afzc_flow_key *mask)
{
    for (int i = 0; i < d->n_masks; i++) {
        if (!memcmp(&d->masks[i], mask, sizeof *mask)) {
            return i;
        }
    }
    ovs_assert(d->n_masks < AFZC_MAX_MASKS);
    d->masks[d->n_masks] = *mask;
    return d->n_masks++;
}

/* Frees the flows of 'd''s table and removes them from the program. */
static void
afzc_diff_table_clear(struct afzc_diff *d)
{
    afzc_xdp_flow_flush(d->xdp);
    for (int i = 0; i < d->n_flows; i++) {
        ofpbuf_uninit(&d->flows[i].key);
        ofpbuf_uninit(&d->flows[i].mask);
        ofpbuf_uninit(&d->flows[i].actions);
    }
    d->n_flows = 0;
    d->n_masks = 0;
}

/* Makes megaflow 'df' for a random frame, the way dpif-netdev receives
 * one: wildcards chosen for the frame's flow, serialized to a netlink key
 * and mask and parsed back.  Returns false if Open vSwitch does not take
 * the result back. */
static bool
afzc_diff_flow_make(struct afzc_diff *d, struct afzc_diff_flow *df)
{
    struct odp_flow_key_parms parms;
    struct afzc_diff_frame *f = &df->frame;
    struct flow_wildcards wc;
    struct match match;
    struct dp_packet *p;
    struct flow flow;

    afzc_diff_frame_make(f, &d->rng);
    p = afzc_diff_packet(f, &flow);
    dp_packet_delete(p);
    afzc_diff_wildcards(&d->rng, &flow, &wc);
    match_init(&match, &flow, &wc);

    memset(&parms, 0, sizeof parms);
    parms.flow = &match.flow;
    parms.mask = &match.wc.masks;
    parms.support = d->support;
    ofpbuf_init(&df->key, 0);
    ofpbuf_init(&df->mask, 0);
    ofpbuf_init(&df->actions, 0);
    odp_flow_key_from_flow(&parms, &df->key);
    parms.key_buf = &df->key;
    odp_flow_key_from_mask(&parms, &df->mask);
    if (parse_key_and_mask_to_match(df->key.data, df->key.size,
                                    df->mask.data, df->mask.size,
                                    &df->match)) {
        return false;
    }
    afzc_diff_actions(&d->rng, &df->match, d->n_ports, &df->actions);
    df->ufid.u64.hi = afzc_diff_rand64(&d->rng);
    df->ufid.u64.lo = afzc_diff_rand64(&d->rng);
    df->slot = -1;
    df->packets = 0;
    return true;
}

/* Replaces the flow table of 'd' by 'n' random megaflows, offloading those
 * that translation accepts, as the offload provider's flow_put does. */
static void
afzc_diff_table_make(struct afzc_diff *d, int n)
{
    afzc_diff_table_clear(d);
    for (int i = 0; i < n; i++) {
        struct afzc_diff_flow *df = &d->flows[d->n_flows];
        struct afzc_flow_action acts[AFZC_MAX_ACTIONS];
        struct afzc_flow_key key, mask;
        const char *reason;
        size_t n_acts;
        int error;

        if (!afzc_diff_flow_make(d, df)) {
            ofpbuf_uninit(&df->key);
            ofpbuf_uninit(&df->mask);
            ofpbuf_uninit(&df->actions);
            continue;
        }
        d->n_flows++;
        d->n_flows_made++;
        if (afzc_offload_translate_match(&df->match, &key, &mask, &reason)
            || afzc_diff_translate_actions(d, &df->actions, acts, &n_acts)) {
            d->n_flows_refused++;
            continue;
        }
        error = afzc_xdp_flow_put(d->xdp, &df->ufid, &key, &mask, acts,
                                  n_acts);
        if (error) {
            /* EEXIST: the same masked key as an earlier flow; ENOSPC: no
             * mask slot left.  The flow stays in user space. */
            d->n_flows_failed++;
            continue;
        }
        df->slot = afzc_diff_mask_slot(d, &mask);
    }
}

/* Returns true if 'flow' matches 'match'. */
static bool
afzc_diff_matches(const struct match *match, const struct flow *flow)
{
    const uint64_t *f = (const uint64_t *) flow;
    const uint64_t *v = (const uint64_t *) &match->flow;
    const uint64_t *m = (const uint64_t *) &match->wc.masks;

    for (size_t i = 0; i < FLOW_U64S; i++) {
        if ((f[i] ^ v[i]) & m[i]) {
            return false;
        }
    }
    return true;
}

/* Returns the megaflow of 'd''s table that the program should match
 * 'flow' with: the first offloaded flow that matches it, in the order of
 * its mask slot, or NULL. */
static struct afzc_diff_flow *
afzc_diff_lookup(struct afzc_diff *d, const struct flow *flow)
{
    for (int slot = 0; slot < d->n_masks; slot++) {
        for (int i = 0; i < d->n_flows; i++) {
            struct afzc_diff_flow *df = &d->flows[i];

            if (df->slot == slot && afzc_diff_matches(&df->match, flow)) {
                return df;
            }
        }
    }
    return NULL;
}

/* What Open vSwitch did with a packet in odp_execute_actions(). */
struct afzc_diff_result {
    int port;                   /* Datapath output port, or -1: dropped. */
    uint8_t data[AFZC_DIFF_MAX_FRAME + 64];
    size_t len;
};

/* odp_execute_actions() callback: records an output of the packet. */
static void
afzc_diff_execute_cb(void *res_, struct dp_packet_batch *batch,
                     const struct nlattr *a, bool should_steal)
{
    struct afzc_diff_result *res = res_;
    struct dp_packet *p;

    AFZC_TEST_ASSERT(nl_attr_type(a) == OVS_ACTION_ATTR_OUTPUT);
    AFZC_TEST_ASSERT(dp_packet_batch_size(batch) == 1);
    p = batch->packets[0];
    AFZC_TEST_ASSERT(dp_packet_size(p) <= sizeof res->data);
    res->port = odp_to_u32(nl_attr_get_odp_port(a));
    res->len = dp_packet_size(p);
    memcpy(res->data, dp_packet_data(p), res->len);
    dp_packet_delete_batch(batch, should_steal);
}

/* Prints a disagreement on frame 'f' between the program, which returned
 * 'action' with 'out' of 'out_len' bytes having counted flow 'xflow'
 * (NULL if none), and Open vSwitch, which matched megaflow 'df' (NULL if
 * none) and did 'res'. */
static void
afzc_diff_report(struct afzc_diff *d, const char *what,
                 const struct afzc_diff_frame *f, int action,
                 const uint8_t *out, size_t out_len,
                 const struct afzc_diff_flow *xflow,
                 const struct afzc_diff_flow *df,
                 const struct afzc_diff_result *res)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    const struct afzc_diff_flow *flows[2] = { df, xflow };
    static const char *names[2] = { "ovs flow", "xdp flow" };

    d->n_mismatch++;
    if (d->n_mismatch > AFZC_DIFF_MAX_REPORTS) {
        return;
    }
    ds_put_format(&s, "MISMATCH (frame %"PRIu64"): %s\n  frame: ",
                  d->n_frames, what);
    afzc_diff_put_frame(&s, f->data, f->len);
    for (int i = 0; i < 2; i++) {
        if (!flows[i] || (i && flows[1] == flows[0])) {
            continue;
        }
        ds_put_format(&s, "\n  %s: ", names[i]);
        odp_flow_format(flows[i]->key.data, flows[i]->key.size,
                        flows[i]->mask.data, flows[i]->mask.size, NULL, &s,
                        false);
        ds_put_cstr(&s, " actions:");
        format_odp_actions(&s, flows[i]->actions.data, flows[i]->actions.size,
                           NULL);
    }
    ds_put_format(&s, "\n  xdp: action %d, %"PRIuSIZE" bytes: ", action,
                  out_len);
    afzc_diff_put_frame(&s, out, out_len);
    if (res) {
        ds_put_format(&s, "\n  ovs: port %d, %"PRIuSIZE" bytes: ", res->port,
                      res->len);
        afzc_diff_put_frame(&s, res->data, res->port < 0 ? 0 : res->len);
    }
    printf("%s\n", ds_cstr(&s));
    ds_destroy(&s);
}

/* Returns the flow of 'd''s table whose counter in the program grew since
 * it was last read, updating all counters, or NULL. */
static struct afzc_diff_flow *
afzc_diff_counted_flow(struct afzc_diff *d)
{
    struct afzc_diff_flow *found = NULL;

    for (int i = 0; i < d->n_flows; i++) {
        struct afzc_diff_flow *df = &d->flows[i];
        struct afzc_xdp_flow_stats st;

        if (df->slot >= 0 && !afzc_xdp_flow_get(d->xdp, &df->ufid, &st)
            && st.packets != df->packets) {
            df->packets = st.packets;
            found = df;
        }
    }
    return found;
}

/* Runs frame 'f' through the program and through Open vSwitch, compares,
 * and counts the outcome. */
static void
afzc_diff_one(struct afzc_diff *d, const struct afzc_diff_frame *f)
{
    uint8_t out[AFZC_DIFF_MAX_FRAME + 64];
    LIBBPF_OPTS(bpf_test_run_opts, opts);
    struct afzc_diff_result res;
    struct afzc_diff_flow *df, *xflow;
    struct afzc_xdp_qstats qs;
    struct dp_packet_batch batch;
    struct xdp_md ctx;
    struct dp_packet *p;
    struct flow flow;
    uint64_t offloaded, dropped, to_user;
    int error;

    d->n_frames++;

    /* The program. */
    memset(&ctx, 0, sizeof ctx);
    ctx.data_end = f->len;
    ctx.ingress_ifindex = d->ifindex;
    ctx.rx_queue_index = 0;
    opts.data_in = f->data;
    opts.data_size_in = f->len;
    opts.data_out = out;
    opts.data_size_out = sizeof out;
    opts.ctx_in = &ctx;
    opts.ctx_size_in = sizeof ctx;
    opts.repeat = 1;
    error = bpf_prog_test_run_opts(d->prog_fd, &opts);
    if (error) {
        ovs_fatal(-error, "BPF_PROG_TEST_RUN of a %"PRIuSIZE"-byte frame",
                  f->len);
    }
    AFZC_TEST_ASSERT(!afzc_xdp_get_qstats(d->xdp, 0, &qs));
    offloaded = qs.packets[AFZC_XDP_OFFLOADED]
                - d->qs.packets[AFZC_XDP_OFFLOADED];
    dropped = qs.packets[AFZC_XDP_DROPPED] - d->qs.packets[AFZC_XDP_DROPPED];
    to_user = (qs.packets[AFZC_XDP_TO_USER] - d->qs.packets[AFZC_XDP_TO_USER]
               + qs.packets[AFZC_XDP_PASSED]
               - d->qs.packets[AFZC_XDP_PASSED]);
    d->qs = qs;
    if (offloaded + dropped + to_user != 1) {
        ovs_fatal(0, "frame %"PRIu64": the program counted %"PRIu64" frames "
                  "(returned %u)", d->n_frames, offloaded + dropped + to_user,
                  opts.retval);
    }

    /* Open vSwitch. */
    p = afzc_diff_packet(f, &flow);
    df = afzc_diff_lookup(d, &flow);
    res.port = -1;
    res.len = 0;
    if (df) {
        dp_packet_batch_init_packet(&batch, p);
        odp_execute_actions(&res, &batch, true, df->actions.data,
                            df->actions.size, afzc_diff_execute_cb);
    } else {
        dp_packet_delete(p);
    }

    d->n_clean += df && f->clean;

    /* The flow the program counted the frame against, if any. */
    xflow = to_user ? NULL : afzc_diff_counted_flow(d);

    if (to_user) {
        AFZC_TEST_ASSERT(opts.retval == XDP_PASS);
        if (!df) {
            d->n_agree++;
        } else if (f->clean) {
            /* Safe, but a well-formed frame of an offloaded flow belongs
             * in XDP. */
            afzc_diff_report(d, "xdp declined a well-formed frame", f,
                             opts.retval, out, opts.data_size_out, NULL, df,
                             &res);
        } else {
            d->n_declined++;
        }
        return;
    }
    if (!df) {
        afzc_diff_report(d, "xdp executed a flow, ovs matches none", f,
                         opts.retval, out, opts.data_size_out, xflow, NULL,
                         NULL);
    } else if (xflow != df) {
        afzc_diff_report(d, "xdp and ovs matched different flows", f,
                         opts.retval, out, opts.data_size_out, xflow, df,
                         &res);
    } else if (res.port < 0
               ? opts.retval != XDP_DROP
               : (opts.retval != XDP_REDIRECT || !offloaded
                  || opts.data_size_out != res.len
                  || memcmp(out, res.data, res.len))) {
        afzc_diff_report(d, "xdp and ovs did different things", f,
                         opts.retval, out, opts.data_size_out, xflow, df,
                         &res);
    } else {
        d->n_agree++;
        d->n_agree_offloaded++;
    }
}

/* Prints the usage of the command and exits. */
static void
afzc_diff_usage(void)
{
    printf("usage: ovstest-afzc xdp-diff [-n FRAMES] [-s SEED] "
           "[-f FLOWS] [-t FRAMES_PER_TABLE] DEV [OUTDEV...]\n"
           "Runs FRAMES random frames (default 100000) through afzc's XDP\n"
           "program, attached in generic mode to DEV, and through Open\n"
           "vSwitch, with tables of up to FLOWS (default 48) random\n"
           "megaflows that output to OUTDEVs (default DEV), a new table\n"
           "every FRAMES_PER_TABLE (default 500) frames.  Exits 1 on any\n"
           "disagreement.  Needs root.\n");
    exit(EXIT_SUCCESS);
}

/* ovstest-afzc xdp-diff: see afzc_diff_usage(). */
static void
afzc_test_xdp_diff_main(int argc, char *argv[])
{
    uint64_t n_frames = 100000, seed = 1;
    int max_flows = 48, per_table = 500;
    struct afzc_diff *d = xzalloc(sizeof *d);
    long long int start = time_msec();
    char *err = NULL;
    int c, error;

    optind = 1;
    while ((c = getopt(argc, argv, "n:s:f:t:h")) != -1) {
        switch (c) {
        case 'n':
            n_frames = strtoull(optarg, NULL, 10);
            break;
        case 's':
            seed = strtoull(optarg, NULL, 10);
            break;
        case 'f':
            max_flows = MIN(atoi(optarg), AFZC_DIFF_MAX_FLOWS);
            break;
        case 't':
            per_table = MAX(atoi(optarg), 1);
            break;
        default:
            afzc_diff_usage();
        }
    }
    if (optind >= argc || argc - optind > AFZC_DIFF_MAX_PORTS + 1
        || max_flows < 1) {
        afzc_diff_usage();
    }

    d->rng.s = seed * 0x9e3779b97f4a7c15ULL + 1;
    d->support.max_vlan_headers = 2;
    d->support.max_mpls_depth = 3;
    d->support.recirc = true;
    /* Flows that Open vSwitch's netlink parser refuses are skipped; its
     * complaints about them are no failure. */
    vlog_set_levels(vlog_module_from_name("odp_util"), VLF_ANY_DESTINATION,
                    VLL_OFF);
    /* ovs-vswitchd's default other_config:vlan-limit. */
    flow_limit_vlans(1);
    odp_execute_init();
    netdev_dummy_register(DUMMY_OVERRIDE_NONE);
    error = netdev_open("afzc-diff-in", "dummy", &d->in);
    if (error) {
        ovs_fatal(error, "cannot open a dummy port");
    }

    for (int i = optind; i < argc; i++) {
        int ifindex = if_nametoindex(argv[i]);

        if (!ifindex) {
            ovs_fatal(errno, "%s", argv[i]);
        }
        if (i == optind) {
            d->ifindex = ifindex;
        }
        if (i > optind || argc - optind == 1) {
            d->port_ifindex[d->n_ports++] = ifindex;
        }
    }
    afzc_xdp_init();
    error = afzc_xdp_attach(argv[optind], d->ifindex, false, false, &d->xdp,
                            &err);
    if (error) {
        ovs_fatal(error, "%s", err);
    }
    afzc_xdp_set_queues(d->xdp, 0, 1);
    d->prog_fd = bpf_prog_get_fd_by_id(afzc_xdp_prog_id(d->xdp));
    if (d->prog_fd < 0) {
        ovs_fatal(errno, "cannot open the program");
    }

    for (uint64_t i = 0; i < n_frames; i++) {
        struct afzc_diff_frame f;

        if (i % per_table == 0) {
            afzc_diff_table_make(d, 1 + afzc_diff_rand(&d->rng, max_flows));
        }
        if (d->n_flows && afzc_diff_chance(&d->rng, 60)) {
            /* The frame a flow was made for, at times with a byte
             * changed or cut short. */
            f = d->flows[afzc_diff_rand(&d->rng, d->n_flows)].frame;
            if (afzc_diff_chance(&d->rng, 30) && f.len) {
                f.data[afzc_diff_rand(&d->rng, f.len)] ^=
                    1 << afzc_diff_rand(&d->rng, 8);
                f.clean = false;
            }
            if (afzc_diff_chance(&d->rng, 5)) {
                afzc_diff_cut(&f, &d->rng);
                f.clean = false;
            }
        } else {
            afzc_diff_frame_make(&f, &d->rng);
        }
        afzc_diff_one(d, &f);
    }

    printf("frames %"PRIu64": agree %"PRIu64" (executed in xdp %"PRIu64"), "
           "declined to user space %"PRIu64", mismatches %"PRIu64"\n"
           "flows %"PRIu64": refused by translation %"PRIu64", not "
           "installed %"PRIu64"; %lld ms\n"
           "well-formed frames with a flow %"PRIu64", none may be "
           "declined\n",
           d->n_frames, d->n_agree, d->n_agree_offloaded, d->n_declined,
           d->n_mismatch, d->n_flows_made, d->n_flows_refused,
           d->n_flows_failed, time_msec() - start, d->n_clean);
    afzc_diff_table_clear(d);
    close(d->prog_fd);
    afzc_xdp_detach(d->xdp);
    netdev_close(d->in);
    exit(d->n_mismatch ? EXIT_FAILURE : EXIT_SUCCESS);
}

OVSTEST_REGISTER("xdp-diff", afzc_test_xdp_diff_main);
