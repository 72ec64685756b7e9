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
#include <bpf/bpf_helpers.h>

#include "afzc-xdp-common.h"

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
    __type(value, struct afzc_xdp_qstats);
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
    __uint(max_entries, AFZC_MAX_FLOWS);
    __type(key, struct afzc_flow_lookup);
    __type(value, struct afzc_flow_value);
} afzc_flows SEC(".maps");

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

/* Scratch space for the lookup key, too big for the BPF stack together with
 * the parsed key. */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct afzc_flow_lookup);
} afzc_scratch SEC(".maps");

#define AFZC_ETH_P_8021Q 0x0081     /* htons(0x8100) */
#define AFZC_ETH_P_IP 0x0008        /* htons(0x0800) */
#define AFZC_ETH_P_IPV6 0xdd86      /* htons(0x86dd) */
#define AFZC_VLAN_CFI 0x0010        /* htons(0x1000) */
#define AFZC_FRAG_ANY 1
#define AFZC_FRAG_LATER 2

/* Counts one frame of rx queue 'queue' under 'verdict'. */
static __always_inline void
afzc_count(__u32 queue, enum afzc_xdp_verdict verdict)
{
    struct afzc_xdp_qstats *qs = bpf_map_lookup_elem(&afzc_qstats, &queue);

    if (qs) {
        qs->packets[verdict]++;
    }
}

/* Parses the frame between 'data' and 'end' into 'k', which is zeroed.
 * Returns 0, or -1 if the frame is too short to be Ethernet. */
static __always_inline int
afzc_parse(void *data, void *end, struct afzc_flow_key *k)
{
    unsigned char *p = data;
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
    }
    k->eth_type = type;

    if (type == AFZC_ETH_P_IP) {
        unsigned char ihl;
        __u16 frag;

        if (p + 20 > (unsigned char *) end) {
            return 0;
        }
        ihl = (p[0] & 0xf) * 4;
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
        if (ihl < 20) {
            return 0;
        }
        p += ihl;
    } else if (type == AFZC_ETH_P_IPV6) {
        if (p + 40 > (unsigned char *) end) {
            return 0;
        }
        k->nw_tos = (p[0] << 4) | (p[1] >> 4);
        k->nw_ttl = p[7];
        k->nw_proto = p[6];
        __builtin_memcpy(k->ipv6_src, p + 8, 16);
        __builtin_memcpy(k->ipv6_dst, p + 24, 16);
        p += 40;
    } else {
        return 0;
    }

    if (k->nw_proto == 6 || k->nw_proto == 17 || k->nw_proto == 132) {
        if (p + 4 <= (unsigned char *) end) {
            k->tp_src = *(__u16 *) p;
            k->tp_dst = *(__u16 *) (p + 2);
        }
    } else if (k->nw_proto == 1 || k->nw_proto == 58) {
        if (p + 2 <= (unsigned char *) end) {
            k->tp_src = (__u16) p[0] << 8;
            k->tp_dst = (__u16) p[1] << 8;
        }
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

/* Executes the actions of 'v' on the frame in 'ctx'.  Returns the XDP
 * action for the frame. */
static __always_inline int
afzc_execute(struct xdp_md *ctx, struct afzc_flow_value *v)
{
#pragma clang loop unroll(full)
    for (int i = 0; i < AFZC_MAX_ACTIONS; i++) {
        struct afzc_flow_action *a = &v->actions[i];
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

SEC("xdp")
int
afzc_xdp_prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *end = (void *) (long) ctx->data_end;
    __u32 queue = ctx->rx_queue_index;
    struct afzc_flow_key k = {};
    struct afzc_flow_value *v;
    int action;

    if (afzc_mask_limit && !afzc_parse(data, end, &k)
        && (v = afzc_lookup(&k))) {
        __sync_fetch_and_add(&v->packets, 1);
        __sync_fetch_and_add(&v->bytes, (__u64) (end - data));
        v->used_ns = bpf_ktime_get_coarse_ns();
        action = afzc_execute(ctx, v);
        afzc_count(queue, action == XDP_REDIRECT ? AFZC_XDP_OFFLOADED
                                                 : AFZC_XDP_DROPPED);
        return action;
    }

    action = bpf_redirect_map(&afzc_xsks, queue, XDP_PASS);
    afzc_count(queue, action == XDP_REDIRECT ? AFZC_XDP_TO_USER
                                             : AFZC_XDP_PASSED);
    return action;
}

char _license[] SEC("license") = "GPL";
