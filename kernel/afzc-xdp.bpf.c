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

/* The XDP program of an afzc port.  One instance is loaded per port, with
 * maps of its own.  Every frame goes to the AF_XDP socket bound to the queue
 * it arrived on; a queue without a socket passes its frames to Linux. */

#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "afzc-hook.h"
#include "afzc-xdp-shared.h"

/* Rx queue index -> AF_XDP socket of that queue. */
struct {
    __uint(type, BPF_MAP_TYPE_XSKMAP);
    __uint(max_entries, AFZC_MAX_QUEUES);
    __type(key, __u32);
    __type(value, __u32);
} afzc_xsks SEC(".maps");

/* Rx queue index -> what the program did on that queue, per CPU. */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, AFZC_MAX_QUEUES);
    __type(key, __u32);
    __type(value, struct afzc_xdp_qcounters);
} afzc_qstats SEC(".maps");

/* Megaflow masks of the port's offloaded flows. */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, AFZC_MAX_MASKS);
    __type(key, __u32);
    __type(value, struct afzc_flow_mask);
} afzc_masks SEC(".maps");

/* Offloaded flows: masked key -> actions and counters. */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, AFZC_DEFAULT_FLOWS);
    __type(key, struct afzc_flow_lookup);
    __type(value, struct afzc_flow_value);
} afzc_flows SEC(".maps");

/* Actions of offloaded flows, by the 'id' of their afzc_flow_value. */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, AFZC_DEFAULT_FLOWS);
    __type(key, __u32);
    __type(value, struct afzc_flow_actions);
} afzc_actions SEC(".maps");

/* Counters of offloaded flows, by the same 'id'. */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, AFZC_DEFAULT_FLOWS);
    __type(key, __u32);
    __type(value, struct afzc_flow_stats);
} afzc_flow_stats SEC(".maps");

/* The exact-match cache: 2**afzc_emc_bits entries for each CPU, one CPU's
 * after another, indexed by a hash of the words within its CPU's (see
 * afzc_emc_entry()).  User space sizes it for the CPUs there can be and
 * gives every port's program the same map.  A plain array rather than a
 * per-CPU one: its lookup is an index computation, where a per-CPU
 * array's also loads the address of the CPU's copy of the entry from a
 * table as large as the cache. */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1 << AFZC_EMC_DEFAULT_BITS);
    __type(key, __u32);
    __type(value, struct afzc_emc_entry);
} afzc_emc SEC(".maps");

/* The slot of the port's last hit in the exact-match cache on this CPU,
 * tried first by the fast path. */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u32);
} afzc_emc_last SEC(".maps");

/* Output ports of offloaded flows, by ifindex. */
struct {
    __uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
    __uint(max_entries, 256);
    __type(key, __u32);
    __type(value, __u32);
} afzc_ports SEC(".maps");

/* One more than the highest mask slot in use, written by user space: 0
 * while the port has no offloaded flow, so that the program then neither
 * parses the frame nor walks the mask array. */
volatile __u32 afzc_mask_limit = 0;

/* Generation of the port's flow table, changed by user space after every
 * change to it; cache entries of another generation are stale.  Set before
 * the program is loaded; never 0.  No two ports ever have the same
 * generation, so a cache entry of this generation is this port's.  Next to
 * 'afzc_mask_limit', in the same cache line. */
volatile __u32 afzc_flow_gen;

/* The rx queues the port uses (options:start-qid and n_rxq), written by
 * user space: frames of any other queue go to Linux as they are.  0 queues
 * until the port's sockets are set up.  In the cache line of the two
 * above. */
volatile __u32 afzc_qid_first;
volatile __u32 afzc_qid_count;

/* Nonzero while the port has an XDP hook (options:xdp-hook) in slot
 * AFZC_HOOK_SLOT of 'afzc_hook_progs' (see afzc-hook.h). */
volatile __u32 afzc_hook_on;
/* Set by user space: 1 on a port in native mode that completes partial
 * checksums (options:rx-csum-fixup).  The program then completes them
 * itself (afzc_csum_complete()), and sends those it cannot to user space
 * rather than through offloaded flows. */
volatile __u32 afzc_csum_fixup = 0;
/* Set by user space: 1 on a port in generic mode that cuts TCP
 * super-packets (options:rx-csum-fixup; see afzc-gso.h).  A frame longer
 * than the device's MTU allows, with an Ethernet header and two VLAN tags,
 * can only be a super-packet; the kernel cannot redirect one from generic
 * mode, so it goes to user space, whatever its flow. */
volatile __u32 afzc_gso_to_user = 0;
/* Set before the program is loaded: 1 on a jumbo port, whose program is
 * loaded with BPF_F_XDP_HAS_FRAGS and takes multi-buffer frames.  Only
 * user space handles those: offloaded flows read and rewrite the first
 * buffer only. */
const volatile __u32 afzc_frags = 0;

/* Scratch space for the lookup key, too big for the BPF stack together with
 * the parsed key. */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct afzc_flow_lookup);
} afzc_scratch SEC(".maps");

/* In network byte order, as the frame has them. */
#define AFZC_ETH_P_8021Q bpf_htons(0x8100)
#define AFZC_ETH_P_8021AD bpf_htons(0x88a8)
#define AFZC_ETH_P_IP bpf_htons(0x0800)
#define AFZC_ETH_P_IPV6 bpf_htons(0x86dd)
#define AFZC_VLAN_CFI bpf_htons(0x1000)
#define AFZC_FRAG_ANY 1
#define AFZC_FRAG_LATER 2

/* log2 of the number of cache entries per CPU, set by user space before
 * the program is loaded, the same for every port (they share the cache):
 * a constant to the verifier. */
const volatile __u32 afzc_emc_bits = AFZC_EMC_DEFAULT_BITS;

/* The bits of a 64-bit word, loaded from memory in host order, that hold
 * its bytes FIRST to LAST - 1 (0 <= FIRST < LAST <= 8). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define AFZC_BYTES(FIRST, LAST) \
    ((~0ULL >> (64 - 8 * ((LAST) - (FIRST)))) << (8 * (FIRST)))
#else
#define AFZC_BYTES(FIRST, LAST) \
    ((~0ULL >> (64 - 8 * ((LAST) - (FIRST)))) << (8 * (8 - (LAST))))
#endif

/* The cache words of an untagged IPv4 frame without options at 'P' (see
 * afzc_emc_words()): bytes 0-15, Ethernet header and version to TOS; 16-23
 * less length and id; 24-31 less checksum; 32-37, destination, ports or
 * ICMP type and code (less the ICMP checksum).  AFZC_EMC_IPV4_WORDS(P, OP)
 * combines all five with OP. */
#define AFZC_EMC_IPV4_WORD0(P) (*(__u64 *) (P))
#define AFZC_EMC_IPV4_WORD1(P) (*(__u64 *) ((P) + 8))
#define AFZC_EMC_IPV4_WORD2(P) (*(__u64 *) ((P) + 16) & AFZC_BYTES(4, 8))
#define AFZC_EMC_IPV4_WORD3(P) (*(__u64 *) ((P) + 24) & AFZC_BYTES(2, 8))
#define AFZC_EMC_IPV4_WORD4(P)                                          \
    (*(__u64 *) ((P) + 32)                                              \
     & (AFZC_BYTES(0, 4) | (AFZC_BYTES(4, 6) & -(__u64) ((P)[23] != 1))))
#define AFZC_EMC_IPV4_WORDS(P, OP)                                      \
    (AFZC_EMC_IPV4_WORD0(P) OP AFZC_EMC_IPV4_WORD1(P)                   \
     OP AFZC_EMC_IPV4_WORD2(P) OP AFZC_EMC_IPV4_WORD3(P)                \
     OP AFZC_EMC_IPV4_WORD4(P))

/* Returns 1 if the IP packet at 'l3', 'ip_len' bytes long by its header
 * (IPv4 total length, or 40 plus the IPv6 payload length) of which 'hlen'
 * are its IP header, lies within the frame that ends at 'end', as Open
 * vSwitch's parser requires before it looks at any IP field. */
static __always_inline int
afzc_ip_len_ok(const unsigned char *l3, const void *end, __u32 ip_len,
               __u32 hlen)
{
    return ip_len >= hlen && l3 + ip_len <= (const unsigned char *) end;
}

/* Returns 1 if the 'l4_len' bytes at 'l4' (within the frame that ends at
 * 'end') hold the whole header that Open vSwitch's parser needs to read
 * the ports (or ICMP type and code) of IP protocol 'proto': 20 bytes and a
 * valid data offset for TCP, 12 for SCTP, 8 for UDP and ICMP.  Open
 * vSwitch leaves the ports of a packet whose header is shorter zero,
 * which the program does not mimic: such frames go to user space.  Any
 * other protocol has no ports to read. */
static __always_inline int
afzc_l4_len_ok(const unsigned char *l4, const void *end, __u32 l4_len,
               __u8 proto)
{
    if (proto == 6) {
        __u32 doff;

        if (l4_len < 20 || l4 + 13 > (const unsigned char *) end) {
            return 0;
        }
        doff = (l4[12] >> 4) * 4;
        return doff >= 20 && doff <= l4_len;
    } else if (proto == 17 || proto == 1 || proto == 58) {
        return l4_len >= 8;
    } else if (proto == 132) {
        return l4_len >= 12;
    }
    return 1;
}

/* Returns 1 if the cache may stand for the IP packet at 'l3' (see
 * afzc_ip_len_ok(); 'hlen' bytes of header, protocol 'proto'): the cache
 * words leave its lengths out, so an entry made for one frame would also
 * be found for another one that differs only in lengths that make Open
 * vSwitch parse it differently. */
static __always_inline int
afzc_emc_lengths_ok(const unsigned char *l3, const void *end, __u32 ip_len,
                    __u32 hlen, __u8 proto)
{
    return (afzc_ip_len_ok(l3, end, ip_len, hlen)
            && afzc_l4_len_ok(l3 + hlen, end, ip_len - hlen, proto));
}

/* Reads the cache words of the frame between 'data' and 'end' into 'w':
 * the frame's first bytes as 64-bit words, without the bytes that are no
 * part of its flow key and change from packet to packet (IP lengths, IPv4
 * identification and checksum, UDP length, ICMP checksum).  The first two
 * words hold the Ethernet type, or the 802.1Q tag and so the offset of
 * everything after it, so entries of different kinds never match.  The
 * L4 ports (or ICMP type and code) are kept whatever the protocol, which
 * can only make an entry more specific than its flow.  Returns 0, or -1 if
 * the cache does not cover the frame: IPv4 with a 20-byte header or IPv6,
 * untagged or with one 802.1Q tag, long enough to hold the L4 ports. */
static __always_inline int
afzc_emc_words(void *data, void *end, __u64 w[AFZC_EMC_WORDS])
{
    unsigned char *p = data;
    __u16 type;

    /* 42 bytes: the ports of a tagged IPv4 frame, or the end of the
     * smallest untagged UDP, TCP or ICMP frame's L4 header. */
    if (p + 42 > (unsigned char *) end) {
        return -1;
    }
    w[0] = *(__u64 *) p;
    w[1] = *(__u64 *) (p + 8);
    type = *(__u16 *) (p + 12);
    if (type == AFZC_ETH_P_IP && p[14] == 0x45) {
        if (!afzc_emc_lengths_ok(p + 14, end, bpf_ntohs(*(__u16 *) (p + 16)),
                                 20, p[23])) {
            return -1;
        }
        /* Bytes 16-23: length and id (out), frag, TTL, protocol (23);
         * 24-31: checksum (out), source, destination; 32-37: destination,
         * ports or ICMP type and code (and checksum, out). */
        w[2] = AFZC_EMC_IPV4_WORD2(p);
        w[3] = AFZC_EMC_IPV4_WORD3(p);
        w[4] = AFZC_EMC_IPV4_WORD4(p);
        w[5] = w[6] = w[7] = 0;
    } else if (type == AFZC_ETH_P_8021Q
               && *(__u16 *) (p + 16) == AFZC_ETH_P_IP && p[18] == 0x45) {
        if (!afzc_emc_lengths_ok(p + 18, end, bpf_ntohs(*(__u16 *) (p + 20)),
                                 20, p[27])) {
            return -1;
        }
        /* Bytes 16-23: type, version to TOS, length and id (out); 24-31:
         * frag, TTL, protocol (27), checksum (out), source; 32-39: source,
         * destination, source port or ICMP type and code; 40-41:
         * destination port, or ICMP checksum (out). */
        w[2] = *(__u64 *) (p + 16) & AFZC_BYTES(0, 4);
        w[3] = *(__u64 *) (p + 24) & (AFZC_BYTES(0, 4) | AFZC_BYTES(6, 8));
        w[4] = *(__u64 *) (p + 32);
        w[5] = p[27] == 1 ? 0 : *(__u16 *) (p + 40);
        w[6] = w[7] = 0;
    } else if (type == AFZC_ETH_P_IPV6) {
        /* Bytes 16-23: flow label, payload length (out), next header
         * (20), hop limit; 24-53: addresses; 54-57: ports, or ICMPv6 type,
         * code and checksum (out). */
        if (p + 58 > (unsigned char *) end
            || !afzc_emc_lengths_ok(p + 14, end,
                                    40 + bpf_ntohs(*(__u16 *) (p + 18)), 40,
                                    p[20])) {
            return -1;
        }
        w[2] = *(__u64 *) (p + 16) & (AFZC_BYTES(0, 2) | AFZC_BYTES(4, 8));
        w[3] = *(__u64 *) (p + 24);
        w[4] = *(__u64 *) (p + 32);
        w[5] = *(__u64 *) (p + 40);
        w[6] = *(__u64 *) (p + 48);
        w[7] = p[20] == 58 ? 0 : *(__u16 *) (p + 56);
    } else if (type == AFZC_ETH_P_8021Q
               && *(__u16 *) (p + 16) == AFZC_ETH_P_IPV6) {
        /* Bytes 16-23: type, version to flow label, payload length (out);
         * 24-57: next header (24), hop limit, addresses; 58-61: ports,
         * or ICMPv6 type, code and checksum (out). */
        if (p + 64 > (unsigned char *) end
            || !afzc_emc_lengths_ok(p + 18, end,
                                    40 + bpf_ntohs(*(__u16 *) (p + 22)), 40,
                                    p[24])) {
            return -1;
        }
        w[2] = *(__u64 *) (p + 16) & AFZC_BYTES(0, 6);
        w[3] = *(__u64 *) (p + 24);
        w[4] = *(__u64 *) (p + 32);
        w[5] = *(__u64 *) (p + 40);
        w[6] = *(__u64 *) (p + 48);
        w[7] = *(__u64 *) (p + 56)
               & (p[24] == 58 ? AFZC_BYTES(0, 4) : AFZC_BYTES(0, 6));
    } else {
        return -1;
    }
    return 0;
}

/* Returns this CPU's cache entry in slot 'slot', or NULL if the cache
 * has no entries for this CPU. */
static __always_inline struct afzc_emc_entry *
afzc_emc_entry(__u32 slot)
{
    __u32 idx = (bpf_get_smp_processor_id() << afzc_emc_bits) + slot;

    return bpf_map_lookup_elem(&afzc_emc, &idx);
}

/* Returns the cache slot of words whose exclusive or is 'x'. */
static __always_inline __u32
afzc_emc_hash(__u64 x)
{
    __u32 h = (__u32) x ^ (__u32) (x >> 32);

    return (h * 0x9e3779b1U) >> (32 - afzc_emc_bits);
}

/* Returns the cache slot of words 'w'. */
static __always_inline __u32
afzc_emc_slot(const __u64 w[AFZC_EMC_WORDS])
{
    return afzc_emc_hash(w[0] ^ w[1] ^ w[2] ^ w[3] ^ w[4] ^ w[5] ^ w[6]
                         ^ w[7]);
}

/* Counts a frame of 'bytes' bytes against offloaded flow 'id'. */
static __always_inline void
afzc_flow_count(__u32 id, __u64 bytes)
{
    struct afzc_flow_stats *st = bpf_map_lookup_elem(&afzc_flow_stats, &id);

    if (st) {
        st->packets++;
        st->bytes += bytes;
    }
}

/* Counts one frame of rx queue 'queue' in counter 'counter' (an enum
 * afzc_xdp_verdict, or AFZC_XDP_HIT_OFFLOADED or AFZC_XDP_HIT_DROPPED). */
static __always_inline void
afzc_count(__u32 queue, __u32 counter)
{
    struct afzc_xdp_qcounters *qc = bpf_map_lookup_elem(&afzc_qstats,
                                                        &queue);

    if (qc && counter < AFZC_XDP_N_QCOUNTERS) {
        qc->n[counter]++;
    }
}

/* Returns 1 if 'nh' is an IPv6 extension header that Open vSwitch's
 * parser skips to find the L4 protocol (and, for a fragment header, the
 * fragment bits), which the program does not do. */
static __always_inline int
afzc_ipv6_ext_hdr(__u8 nh)
{
    return nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 60;
}

/* Parses the frame between 'data' and 'end' into 'k', which is zeroed, as
 * Open vSwitch's flow_extract() (with the default vlan-limit of 1) would
 * parse the same frame.  Returns 0, or -1 if the frame goes to user space
 * unclassified: too short to be Ethernet, or parsed by Open vSwitch in a
 * way the program does not mimic (an 802.1ad outer tag, an 802.3 length
 * instead of an EtherType, IP lengths beyond the frame or below the
 * header, IPv6 extension headers, L4 headers cut short, ND). */
static __always_inline int
afzc_parse(void *data, void *end, struct afzc_flow_key *k)
{
    unsigned char *p = data;
    __u32 ip_len, hlen;
    __u16 type;

    if (p + 14 > (unsigned char *) end) {
        return -1;
    }
    __builtin_memcpy(k->eth_dst, p, 6);
    __builtin_memcpy(k->eth_src, p + 6, 6);
    type = *(__u16 *) (p + 12);
    p += 14;
    if (type == AFZC_ETH_P_8021Q) {
        if (p + 4 > (unsigned char *) end) {
            return -1;
        }
        k->vlan_tci = *(__u16 *) p | AFZC_VLAN_CFI;
        type = *(__u16 *) (p + 2);
        p += 4;
    } else if (type == AFZC_ETH_P_8021AD) {
        return -1;
    }
    if (bpf_ntohs(type) < 0x600) {
        return -1;
    }
    k->eth_type = type;

    if (type == AFZC_ETH_P_IP) {
        __u16 frag;

        if (p + 20 > (unsigned char *) end) {
            /* Open vSwitch does not parse it either. */
            return 0;
        }
        hlen = (p[0] & 0xf) * 4;
        ip_len = bpf_ntohs(*(__u16 *) (p + 2));
        if (hlen < 20 || !afzc_ip_len_ok(p, end, ip_len, hlen)) {
            return -1;
        }
        k->nw_tos = p[1];
        k->nw_ttl = p[8];
        k->nw_proto = p[9];
        __builtin_memcpy(&k->ipv4_src, p + 12, 4);
        __builtin_memcpy(&k->ipv4_dst, p + 16, 4);
        frag = (__u16) p[6] << 8 | p[7];
        if (frag & 0x3fff) {
            k->nw_frag = AFZC_FRAG_ANY;
            if (frag & 0x1fff) {
                k->nw_frag |= AFZC_FRAG_LATER;
                return 0;
            }
        }
    } else if (type == AFZC_ETH_P_IPV6) {
        if (p + 40 > (unsigned char *) end) {
            return 0;
        }
        hlen = 40;
        ip_len = 40 + bpf_ntohs(*(__u16 *) (p + 4));
        if (!afzc_ip_len_ok(p, end, ip_len, hlen)
            || afzc_ipv6_ext_hdr(p[6])) {
            return -1;
        }
        k->nw_tos = (p[0] << 4) | (p[1] >> 4);
        k->nw_ttl = p[7];
        k->nw_proto = p[6];
        __builtin_memcpy(k->ipv6_src, p + 8, 16);
        __builtin_memcpy(k->ipv6_dst, p + 24, 16);
    } else {
        return 0;
    }

    if (!afzc_l4_len_ok(p + hlen, end, ip_len - hlen, k->nw_proto)) {
        return -1;
    }
    p += hlen;
    if (k->nw_proto == 6 || k->nw_proto == 17 || k->nw_proto == 132) {
        if (p + 4 > (unsigned char *) end) {
            return -1;
        }
        k->tp_src = *(__u16 *) p;
        k->tp_dst = *(__u16 *) (p + 2);
    } else if (k->nw_proto == 1 || k->nw_proto == 58) {
        if (p + 2 > (unsigned char *) end) {
            return -1;
        }
        /* Neighbor discovery: Open vSwitch parses its target and options
         * too, and may refuse them. */
        if (k->nw_proto == 58 && (p[0] == 135 || p[0] == 136)) {
            return -1;
        }
        k->tp_src = (__u16) p[0] << 8;
        k->tp_dst = (__u16) p[1] << 8;
    }
    return 0;
}

/* Looks 'k' up under every mask in use.  Returns the flow or NULL. */
static __always_inline struct afzc_flow_value *
afzc_lookup(const struct afzc_flow_key *k)
{
    __u32 zero = 0;
    struct afzc_flow_lookup *l = bpf_map_lookup_elem(&afzc_scratch, &zero);

    if (!l) {
        return NULL;
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < AFZC_MAX_MASKS; i++) {
        __u32 idx = i;
        struct afzc_flow_mask *m = bpf_map_lookup_elem(&afzc_masks, &idx);
        const __u32 *kw = (const __u32 *) k;
        __u32 *lw = (__u32 *) &l->key;
        struct afzc_flow_value *v;

        if (i >= afzc_mask_limit) {
            break;
        }
        if (!m || !m->n_flows) {
            continue;
        }
        const __u32 *mw = (const __u32 *) &m->mask;
#pragma clang loop unroll(full)
        for (int w = 0; w < sizeof *k / 4; w++) {
            lw[w] = kw[w] & mw[w];
        }
        l->mask_idx = i;
        v = bpf_map_lookup_elem(&afzc_flows, l);
        if (v) {
            return v;
        }
    }
    return NULL;
}

/* Executes 'actions' on the frame in 'ctx'.  Returns the XDP
 * action for the frame. */
static __always_inline int
afzc_execute(struct xdp_md *ctx, const struct afzc_flow_action *actions)
{
#pragma clang loop unroll(full)
    for (int i = 0; i < AFZC_MAX_ACTIONS; i++) {
        const struct afzc_flow_action *a = &actions[i];
        void *data = (void *) (long) ctx->data;
        void *end = (void *) (long) ctx->data_end;
        unsigned char *p = data;

        switch (a->type) {
        case AFZC_ACT_OUTPUT:
            return bpf_redirect_map(&afzc_ports, a->ifindex, XDP_DROP);
        case AFZC_ACT_SET_ETH_DST:
        case AFZC_ACT_SET_ETH_SRC:
            if (p + 12 > (unsigned char *) end) {
                return XDP_DROP;
            }
            __builtin_memcpy(p + (a->type == AFZC_ACT_SET_ETH_SRC ? 6 : 0),
                             a->mac, 6);
            break;
        case AFZC_ACT_PUSH_VLAN: {
            unsigned char macs[12];

            if (p + 12 > (unsigned char *) end) {
                return XDP_DROP;
            }
            __builtin_memcpy(macs, p, 12);
            if (bpf_xdp_adjust_head(ctx, -4)) {
                return XDP_DROP;
            }
            p = (void *) (long) ctx->data;
            if (p + 16 > (unsigned char *) (long) ctx->data_end) {
                return XDP_DROP;
            }
            __builtin_memcpy(p, macs, 12);
            *(__u16 *) (p + 12) = a->tpid;
            *(__u16 *) (p + 14) = a->tci;
            break;
        }
        case AFZC_ACT_POP_VLAN: {
            unsigned char macs[12];

            if (p + 18 > (unsigned char *) end
                || *(__u16 *) (p + 12) != AFZC_ETH_P_8021Q) {
                return XDP_DROP;
            }
            __builtin_memcpy(macs, p, 12);
            if (bpf_xdp_adjust_head(ctx, 4)) {
                return XDP_DROP;
            }
            p = (void *) (long) ctx->data;
            if (p + 12 > (unsigned char *) (long) ctx->data_end) {
                return XDP_DROP;
            }
            __builtin_memcpy(p, macs, 12);
            break;
        }
        default:
            return XDP_DROP;
        }
    }
    return XDP_DROP;
}

/* Where afzc_csum_find() found a frame's TCP or UDP checksum. */
struct afzc_csum_loc {
    __u32 l4_ofs;               /* Offset of the TCP or UDP header. */
    __u32 l4_len;               /* Its length with the payload, from IP. */
    __u32 field_ofs;            /* Offset of the checksum field. */
    __u32 udp;                  /* 1 for UDP, 0 for TCP. */
};

/* Returns 1 if the frame between 'data' and 'end' is TCP or UDP over IPv4
 * (not a fragment) or IPv6 (no extension header), untagged or behind up to
 * two VLAN tags (802.1Q or 802.1ad), whose checksum field holds just the
 * sum of its pseudo-header: a checksum that its sender left to the
 * hardware to complete, with '*loc' saying where it is.  Redirected to
 * another device as it is, such a frame would reach a kernel that takes
 * the checksum as complete and drops the packet.
 *
 * The frames it finds are exactly those whose checksum user space's
 * afzc_csum_fixup_frame() (lib/afzc-csum.c) would look at, so that user
 * space can leave the single-buffer frames of a port in native mode alone
 * (ovstest-afzc xdp-csum-diff checks that the two agree). */
static __always_inline int
afzc_csum_find(void *data, void *end, struct afzc_csum_loc *loc)
{
    unsigned char *p = data, *l4;
    __u32 sum, ihl, csum_ofs;
    __u16 type, l4_len;
    __u8 proto;

    if (p + 14 > (unsigned char *) end) {
        return 0;
    }
    type = *(__u16 *) (p + 12);
    p += 14;
#pragma clang loop unroll(full)
    for (int i = 0; i < 2; i++) {
        if (type != AFZC_ETH_P_8021Q && type != AFZC_ETH_P_8021AD) {
            break;
        }
        if (p + 4 > (unsigned char *) end) {
            return 0;
        }
        type = *(__u16 *) (p + 2);
        p += 4;
    }
    if (type == AFZC_ETH_P_IP) {
        __u16 tot_len;

        if (p + 20 > (unsigned char *) end || (p[0] >> 4) != 4) {
            return 0;
        }
        ihl = (p[0] & 0xf) * 4;
        tot_len = bpf_ntohs(*(__u16 *) (p + 2));
        if (ihl < 20 || tot_len < ihl
            || *(__u16 *) (p + 6) & bpf_htons(0x3fff)) {
            return 0;
        }
        proto = p[9];
        l4_len = tot_len - ihl;
        sum = ((__u32) *(__u16 *) (p + 12) + *(__u16 *) (p + 14)
               + *(__u16 *) (p + 16) + *(__u16 *) (p + 18));
        l4 = p + ihl;
    } else if (type == AFZC_ETH_P_IPV6) {
        if (p + 40 > (unsigned char *) end || (p[0] >> 4) != 6) {
            return 0;
        }
        proto = p[6];
        l4_len = bpf_ntohs(*(__u16 *) (p + 4));
        sum = 0;
#pragma clang loop unroll(full)
        for (int i = 8; i < 40; i += 2) {
            sum += *(__u16 *) (p + i);
        }
        l4 = p + 40;
    } else {
        return 0;
    }

    if (proto == 6 && l4_len >= 20) {
        csum_ofs = 16;
    } else if (proto == 17 && l4_len >= 8) {
        csum_ofs = 6;
    } else {
        return 0;
    }
    loc->l4_ofs = l4 - (unsigned char *) data;
    loc->l4_len = l4_len;
    loc->udp = proto == 17;
    l4 += csum_ofs;
    if (l4 + 2 > (unsigned char *) end) {
        return 0;
    }
    loc->field_ofs = l4 - (unsigned char *) data;
    sum += bpf_htons((__u16) proto) + bpf_htons(l4_len);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return *(__u16 *) l4 == sum;
}

/* The longest TCP or UDP packet whose partial checksum
 * afzc_csum_complete() completes, header included. */
#define AFZC_CSUM_XDP_MAX 4096

/* Completes the partial checksum of the frame of 'ctx', if it has one (see
 * afzc_csum_find()), on the CPU that runs the program: the sender's, where
 * the frame was just written, instead of the PMD thread's, which would read
 * every line of it from another CPU's cache.  Returns 1 if it did, 0 if the
 * frame has no partial checksum (a checksum that verifies is complete,
 * whatever it looks like), or -1 if it has one that is too long
 * (AFZC_CSUM_XDP_MAX) or not all in the frame's first buffer.
 *
 * A global function, so that the verifier checks its loops once, not once
 * for every path that leads to it.  Only for native mode: a frame of
 * generic mode is a socket buffer whose checksum state would still say
 * "partial", and whoever completed it later would sum it wrong. */
__attribute__((noinline)) int
afzc_csum_complete(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *end = (void *) (long) ctx->data_end;
    struct afzc_csum_loc loc;
    unsigned char *p, *field;
    __u32 left, ofs, pos;
    __u64 sum = 0;

    if (!afzc_csum_find(data, end, &loc)) {
        return 0;
    }
    /* The headers before the checksum take at most 14 + 8 + 60 + 16
     * bytes: the masks change nothing but tell the verifier so. */
    ofs = loc.l4_ofs & 0xff;
    left = loc.l4_len;
    if (left > AFZC_CSUM_XDP_MAX) {
        return -1;
    }
    p = (unsigned char *) data + ofs;
    pos = ofs;
    for (int i = 0; i < AFZC_CSUM_XDP_MAX / 64; i++) {
        if (left < 64) {
            break;
        }
        if (p + 64 > (unsigned char *) end) {
            return -1;
        }
        sum += (__u32) bpf_csum_diff(NULL, 0, (__be32 *) p, 64, 0);
        p += 64;
        pos += 64;
        left -= 64;
    }
    if (left) {
        /* The last 63 bytes or less, copied into a buffer of zeros: a
         * last odd byte is then the first of a word whose second is 0.
         * (Summed in place, they would need a loop whose every exit the
         * verifier follows through the rest of the function.) */
        __u8 buf[64] = { 0 };

        if (bpf_xdp_load_bytes(ctx, pos, buf, ((left - 1) & 63) + 1)) {
            return -1;
        }
        sum += (__u32) bpf_csum_diff(NULL, 0, (__be32 *) buf, sizeof buf, 0);
    }

    /* The sum includes the checksum field, which holds the pseudo-header's
     * sum: what the complete checksum adds up. */
    sum = (sum & 0xffffffff) + (sum >> 32);
    sum = (sum & 0xffffffff) + (sum >> 32);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = ~sum & 0xffff;
    if (!sum && loc.udp) {
        sum = 0xffff;           /* 0 means "no checksum" in UDP. */
    }
    ofs = loc.field_ofs & 0xff;
    field = (unsigned char *) data + ofs;
    if (field + 2 > (unsigned char *) end) {
        return -1;
    }
    if (*(__u16 *) field == sum) {
        /* The checksum verifies: it was complete and only looked partial,
         * as about one complete checksum in 65536 does.  User space's
         * afzc_csum_fixup_frame() takes it as complete too. */
        return 0;
    }
    *(__u16 *) field = sum;
    return 1;
}

/* Returns 1 if cache entry 'e' is of generation 'gen' and holds the
 * words of the untagged IPv4 frame without options at 'p'.  An entry whose
 * second word, which holds the Ethernet type and the IPv4 version and
 * header length, equals the frame's is one of such a frame, whose last
 * three words are zero, so the first five are enough. */
static __always_inline int
afzc_emc_match_ipv4(const struct afzc_emc_entry *e, const unsigned char *p,
                    __u32 gen)
{
    return (e->gen == gen
            && !((e->words[0] ^ AFZC_EMC_IPV4_WORD0(p))
                 | (e->words[1] ^ AFZC_EMC_IPV4_WORD1(p))
                 | (e->words[2] ^ AFZC_EMC_IPV4_WORD2(p))
                 | (e->words[3] ^ AFZC_EMC_IPV4_WORD3(p))
                 | (e->words[4] ^ AFZC_EMC_IPV4_WORD4(p))));
}

/* The exact-match cache's fast path, for the frames most traffic is made
 * of: IPv4 without options, untagged, whose cache words are the first five
 * of afzc_emc_words() (the rest are zero, so the slot is the same).
 * Returns the entry if the frame between 'data' and 'end' hits one of
 * generation 'gen', else NULL.
 *
 * The entry the port's last hit on this CPU used is tried first: frames
 * come in bursts of one flow, and that entry's address does not depend on
 * the frame, whose first bytes are often not in the CPU's cache yet, so
 * the two are fetched at once instead of one after the other.  The words
 * are read again for each compare rather than kept across lookups, which
 * would spill them. */
static __always_inline struct afzc_emc_entry *
afzc_emc_fast(void *data, void *end, __u32 gen)
{
    unsigned char *p = data;
    struct afzc_emc_entry *e;
    __u32 zero = 0, slot;
    __u32 *last;

    if (p + 42 > (unsigned char *) end
        || *(__u16 *) (p + 12) != AFZC_ETH_P_IP || p[14] != 0x45
        || !afzc_emc_lengths_ok(p + 14, end, bpf_ntohs(*(__u16 *) (p + 16)),
                                20, p[23])) {
        return NULL;
    }
    last = bpf_map_lookup_elem(&afzc_emc_last, &zero);
    if (!last) {
        return NULL;
    }
    e = afzc_emc_entry(*last);
    /* The L4 ports tell most flows apart: comparing them first makes a
     * miss here cheap. */
    if (e && e->words[4] == AFZC_EMC_IPV4_WORD4(p)
        && afzc_emc_match_ipv4(e, p, gen)) {
        return e;
    }
    slot = afzc_emc_hash(AFZC_EMC_IPV4_WORDS(p, ^));
    e = afzc_emc_entry(slot);
    if (e && afzc_emc_match_ipv4(e, p, gen)) {
        *last = slot;
        return e;
    }
    return NULL;
}

/* Counts a frame of 'bytes' bytes, received on rx queue 'queue' and found
 * in the cache, against flow 'id', whose only action is an output to
 * 'out', and redirects it there.  Returns the XDP action for the frame. */
static __always_inline int
afzc_output_hit(__u32 queue, __u32 id, __u32 out, __u64 bytes)
{
    int action;

    afzc_flow_count(id, bytes);
    action = bpf_redirect_map(&afzc_ports, out, XDP_DROP);
    afzc_count(queue, action == XDP_REDIRECT ? AFZC_XDP_HIT_OFFLOADED
                                             : AFZC_XDP_HIT_DROPPED);
    return action;
}

/* Everything but afzc_xdp_prog()'s fast path: the general cache, the
 * classifier, actions other than one output, and frames for user space.
 * 'hit' is the cache entry the fast path found for the frame, whose flow
 * has other actions than one output, or NULL.  Not inlined, so that the
 * fast path is a small function of its own, with few registers to save
 * and no words to spill. */
static __attribute__((noinline)) int
afzc_xdp_slow(struct xdp_md *ctx, struct afzc_emc_entry *hit)
{
    void *data = (void *) (long) ctx->data;
    void *end = (void *) (long) ctx->data_end;
    __u32 queue = ctx->rx_queue_index;
    __u64 bytes = end - data;
    /* Zeroed although only read once written: the compiler may spill
     * words on a path that never wrote them, which the verifier refuses. */
    __u64 w[AFZC_EMC_WORDS] = { 0 };
    struct afzc_emc_entry *e = NULL;
    struct afzc_flow_actions *acts;
    struct afzc_flow_value *v;
    struct afzc_flow_key k;
    __u32 gen, id, cache_hit = 0;
    int action;

    if (!afzc_mask_limit) {
        goto to_user;
    }

    /* Read the generation before looking anything up, so that an entry
     * made from a flow that is being deleted is stale at once. */
    gen = afzc_flow_gen;
    if (hit) {
        id = hit->id;
        cache_hit = 1;
        goto found;
    }
    if (!afzc_emc_words(data, end, w)) {
        __u32 slot = afzc_emc_slot(w);

        e = afzc_emc_entry(slot);
        if (e && e->gen == gen
            && !((e->words[0] ^ w[0]) | (e->words[1] ^ w[1])
                 | (e->words[2] ^ w[2]) | (e->words[3] ^ w[3])
                 | (e->words[4] ^ w[4]) | (e->words[5] ^ w[5])
                 | (e->words[6] ^ w[6]) | (e->words[7] ^ w[7]))) {
            if (e->out_ifindex) {
                return afzc_output_hit(queue, e->id, e->out_ifindex, bytes);
            }
            id = e->id;
            cache_hit = 1;
            goto found;
        }
    }

    __builtin_memset(&k, 0, sizeof k);
    if (afzc_parse(data, end, &k) || !(v = afzc_lookup(&k))) {
        goto to_user;
    }
    id = v->id;

found:
    acts = bpf_map_lookup_elem(&afzc_actions, &id);
    if (!acts || acts->actions[0].type == AFZC_ACT_USERSPACE) {
        goto to_user;
    }
    if (e && !cache_hit) {
        e->gen = gen;
        e->id = id;
        e->out_ifindex = (acts->actions[0].type == AFZC_ACT_OUTPUT
                          ? acts->actions[0].ifindex : 0);
        __builtin_memcpy(e->words, w, sizeof e->words);
    }
    afzc_flow_count(id, bytes);
    action = afzc_execute(ctx, acts->actions);
    afzc_count(queue, (action == XDP_REDIRECT
                       ? (cache_hit ? AFZC_XDP_HIT_OFFLOADED
                                    : AFZC_XDP_OFFLOADED)
                       : (cache_hit ? AFZC_XDP_HIT_DROPPED
                                    : AFZC_XDP_DROPPED)));
    return action;

to_user:
    action = bpf_redirect_map(&afzc_xsks, queue, XDP_PASS);
    afzc_count(queue, action == XDP_REDIRECT ? AFZC_XDP_TO_USER
                                             : AFZC_XDP_PASSED);
    return action;
}

/* Switches the frame of 'ctx', on one of the port's queues. */
static __always_inline int
afzc_xdp_switch(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *end = (void *) (long) ctx->data_end;
    struct afzc_emc_entry *e = NULL;

    if (afzc_frags && bpf_xdp_get_buff_len(ctx) > (__u64) (end - data)) {
        __u32 queue = ctx->rx_queue_index;
        int action = bpf_redirect_map(&afzc_xsks, queue, XDP_PASS);

        afzc_count(queue, (action == XDP_REDIRECT ? AFZC_XDP_TO_USER
                           : AFZC_XDP_PASSED));
        return action;
    }

    if (afzc_gso_to_user && afzc_mask_limit) {
        __u32 mtu_len = 0;

        /* Checks the frame's length, less two tags, against the MTU. */
        if (bpf_check_mtu(ctx, 0, &mtu_len, -8, 0)) {
            __u32 queue = ctx->rx_queue_index;
            int action = bpf_redirect_map(&afzc_xsks, queue, XDP_PASS);

            afzc_count(queue, (action == XDP_REDIRECT ? AFZC_XDP_GSO_TO_USER
                               : AFZC_XDP_PASSED));
            return action;
        }
    }

    /* The fast path: an untagged IPv4 frame of a flow whose only action
     * is an output, found in the cache.  A frame found there with other
     * actions goes on with its entry, not looked up again.  On a port that
     * completes partial checksums (native mode), the program completes
     * them first. */
    if (afzc_csum_fixup) {
        int done = afzc_csum_complete(ctx);

        data = (void *) (long) ctx->data;
        end = (void *) (long) ctx->data_end;
        if (done > 0) {
            afzc_count(ctx->rx_queue_index, AFZC_XDP_CSUM_FIXED);
        } else if (done < 0 && afzc_mask_limit) {
            /* Not completed here: user space completes it, whatever the
             * frame's flow. */
            __u32 queue = ctx->rx_queue_index;
            int action = bpf_redirect_map(&afzc_xsks, queue, XDP_PASS);

            afzc_count(queue, (action == XDP_REDIRECT ? AFZC_XDP_CSUM_TO_USER
                               : AFZC_XDP_PASSED));
            return action;
        }
    }
    if (afzc_mask_limit) {
        e = afzc_emc_fast(data, end, afzc_flow_gen);
        if (e && e->out_ifindex) {
            return afzc_output_hit(ctx->rx_queue_index, e->id,
                                   e->out_ifindex, end - data);
        }
    }
    return afzc_xdp_slow(ctx, e);
}

/* The port's program: frames of other queues go to Linux; the others go to
 * the port's hook first, if it has one, and are switched. */
SEC("xdp")
int
afzc_xdp_prog(struct xdp_md *ctx)
{
    if (ctx->rx_queue_index - afzc_qid_first >= afzc_qid_count) {
        afzc_count(ctx->rx_queue_index, AFZC_XDP_PASSED);
        return XDP_PASS;
    }
    if (afzc_hook_on) {
        /* Does not return while the hook is in its slot. */
        bpf_tail_call(ctx, &afzc_hook_progs, AFZC_HOOK_SLOT);
    }
    return afzc_xdp_switch(ctx);
}

/* Where a hook's afzc_hook_continue() goes on: slot
 * AFZC_HOOK_CONTINUE_SLOT of 'afzc_hook_progs'. */
SEC("xdp")
int
afzc_xdp_cont(struct xdp_md *ctx)
{
    afzc_hook_count(ctx, AFZC_HOOK_CONTINUED);
    return afzc_xdp_switch(ctx);
}

char _license[] SEC("license") = "GPL";
