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

#include "netdev-offload-afzc.h"

#include <errno.h>
#include <string.h>

#include "afzc-dev.h"
#include "afzc-xdp.h"
#include "afzc-xdp-flow.h"
#include "coverage.h"
#include "dpif.h"
#include "flow.h"
#include "netdev-afzc.h"
#include "netdev-offload-provider.h"
#include "netdev-provider.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "openvswitch/match.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "util.h"
#include "uuid.h"

/* Why a flow from a zero-copy port to a virtio-net port stays in user space,
 * where it forwards by address: see afzc_dev_takes_zc_redirects(). */
#define AFZC_OFFLOAD_ZEROCOPY_REASON \
    "output from a zero-copy port to a virtio-net port, which drops the " \
    "frames that XDP redirects from zero-copy queues"

/* How old, in milliseconds, the counters that flow_get reports may be, at
 * most.  With many flows, afzc reads all their counters at once
 * (afzc_xdp_flow_get_recent()) about once per pass over the flows (a
 * revalidator's dump, "ovs-appctl dpctl/dump-flows"), so that they are
 * about as old as one pass, and never older than this: like the counters
 * of flows offloaded to NICs, which drivers refresh about once a
 * second. */
#define AFZC_OFFLOAD_STATS_MAX_AGE 1000

VLOG_DEFINE_THIS_MODULE(netdev_offload_afzc);

COVERAGE_DEFINE(afzc_offload_put);
COVERAGE_DEFINE(afzc_offload_rejected);
COVERAGE_DEFINE(afzc_offload_full);

/* The counts behind those coverage counters.  Flows are put by dpif-netdev's
 * offload thread, whose own coverage counts nobody adds to the totals (a
 * thread's counts are folded only when that thread runs the coverage
 * code), so that thread counts here, atomically, and the main thread moves
 * the counts into the coverage counters in netdev_offload_afzc_run(). */
enum {
    AFZC_OFFLOAD_N_PUT,
    AFZC_OFFLOAD_N_REJECTED,
    AFZC_OFFLOAD_N_FULL,
    AFZC_OFFLOAD_N_COUNTS
};
static uint64_t afzc_offload_counts[AFZC_OFFLOAD_N_COUNTS];

/* Counts one event 'idx' (AFZC_OFFLOAD_N_*). */
static void
afzc_offload_count(int idx)
{
    __atomic_add_fetch(&afzc_offload_counts[idx], 1, __ATOMIC_RELAXED);
}

/* Adds what the offload thread counted since the last call to the coverage
 * counters afzc_offload_put, afzc_offload_rejected and afzc_offload_full.
 * Called by the main thread, which folds its coverage counts. */
void
netdev_offload_afzc_run(void)
{
    static uint64_t folded[AFZC_OFFLOAD_N_COUNTS];
    uint64_t n[AFZC_OFFLOAD_N_COUNTS];

    for (int i = 0; i < AFZC_OFFLOAD_N_COUNTS; i++) {
        n[i] = __atomic_load_n(&afzc_offload_counts[i], __ATOMIC_RELAXED);
    }
    COVERAGE_ADD(afzc_offload_put, n[AFZC_OFFLOAD_N_PUT]
                                   - folded[AFZC_OFFLOAD_N_PUT]);
    COVERAGE_ADD(afzc_offload_rejected, n[AFZC_OFFLOAD_N_REJECTED]
                                        - folded[AFZC_OFFLOAD_N_REJECTED]);
    COVERAGE_ADD(afzc_offload_full, n[AFZC_OFFLOAD_N_FULL]
                                    - folded[AFZC_OFFLOAD_N_FULL]);
    memcpy(folded, n, sizeof folded);
}

/* Offload decisions, one debug line per flow put: declined flows under 'rl',
 * offloaded ones under 'rl_put', so that many offloaded flows do not hide
 * why another one was declined. */
static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(20, 20);
static struct vlog_rate_limit rl_put = VLOG_RATE_LIMIT_INIT(20, 20);

/* A full flow or mask table: one line a minute at most. */
static struct vlog_rate_limit rl_full = VLOG_RATE_LIMIT_INIT(1, 1);

/* Returns true if every bit that 'mask' sets in the 'n' bytes of 'value' is
 * zero, i.e. the field matches a packet fresh off the wire. */
static bool
afzc_masked_is_zero(const void *value_, const void *mask_, size_t n)
{
    const uint8_t *value = value_, *mask = mask_;

    for (size_t i = 0; i < n; i++) {
        if (value[i] & mask[i]) {
            return false;
        }
    }
    return true;
}

/* Accepts a masked metadata FIELD of the flow only if it asks for the value
 * a packet received from the wire has (zero), then forgets its mask. */
#define AFZC_ZERO_META(FIELD)                                           \
    do {                                                                \
        if (!afzc_masked_is_zero(&f->FIELD, &m->FIELD, sizeof f->FIELD)) { \
            *reason = "matches metadata " #FIELD;                       \
            return EOPNOTSUPP;                                          \
        }                                                               \
        memset(&m->FIELD, 0, sizeof m->FIELD);                          \
    } while (0)

/* Moves FIELD of the flow and its mask into KFIELD of 'key' and 'mask' (the
 * value masked), then forgets the mask. */
#define AFZC_TAKE(FIELD, KFIELD)                                        \
    do {                                                                \
        BUILD_ASSERT(sizeof f->FIELD == sizeof key->KFIELD);            \
        const uint8_t *v_ = (const uint8_t *) &f->FIELD;                \
        const uint8_t *m_ = (const uint8_t *) &m->FIELD;                \
        uint8_t *kv_ = (uint8_t *) &key->KFIELD;                        \
        uint8_t *km_ = (uint8_t *) &mask->KFIELD;                       \
        for (size_t i_ = 0; i_ < sizeof f->FIELD; i_++) {               \
            kv_[i_] = v_[i_] & m_[i_];                                  \
            km_[i_] = m_[i_];                                           \
        }                                                               \
        memset(&m->FIELD, 0, sizeof m->FIELD);                          \
    } while (0)

/* Translates the megaflow 'match' into the key and mask of the XDP
 * program's classifier.  Returns 0, or EOPNOTSUPP with a reason in
 * '*reason' if the megaflow matches on something the program does not
 * parse. */
int
afzc_offload_translate_match(const struct match *match,
                             struct afzc_flow_key *key,
                             struct afzc_flow_key *mask, const char **reason)
{
    struct flow_wildcards wc = match->wc;
    const struct flow *f = &match->flow;
    struct flow *m = &wc.masks;
    bool is_ip4, is_ip6;

    memset(key, 0, sizeof *key);
    memset(mask, 0, sizeof *mask);

    /* The program runs on the in_port's own device: in_port is implied. */
    memset(&m->in_port, 0, sizeof m->in_port);
    if (m->packet_type && f->packet_type != htonl(PT_ETH)) {
        *reason = "not an Ethernet packet type";
        return EOPNOTSUPP;
    }
    m->packet_type = 0;

    AFZC_ZERO_META(recirc_id);
    AFZC_ZERO_META(dp_hash);
    AFZC_ZERO_META(skb_priority);
    AFZC_ZERO_META(pkt_mark);
    AFZC_ZERO_META(ct_state);
    AFZC_ZERO_META(ct_nw_proto);
    AFZC_ZERO_META(ct_zone);
    AFZC_ZERO_META(ct_mark);
    AFZC_ZERO_META(ct_label);
    AFZC_ZERO_META(ct_nw_src);
    AFZC_ZERO_META(ct_nw_dst);
    AFZC_ZERO_META(ct_ipv6_src);
    AFZC_ZERO_META(ct_ipv6_dst);
    AFZC_ZERO_META(ct_tp_src);
    AFZC_ZERO_META(ct_tp_dst);
    AFZC_ZERO_META(tunnel);
    AFZC_ZERO_META(metadata);
    AFZC_ZERO_META(regs);
    AFZC_ZERO_META(conj_id);
    AFZC_ZERO_META(actset_output);
    /* With the default vlan-limit of 1, OVS parses one tag, as we do. */
    AFZC_ZERO_META(vlans[1]);

    AFZC_TAKE(dl_dst, eth_dst);
    AFZC_TAKE(dl_src, eth_src);
    AFZC_TAKE(dl_type, eth_type);
    if (m->vlans[0].tpid && f->vlans[0].tpid != htons(ETH_TYPE_VLAN_8021Q)
        && f->vlans[0].tci & htons(VLAN_CFI)) {
        *reason = "matches an 802.1ad tag";
        return EOPNOTSUPP;
    }
    m->vlans[0].tpid = 0;
    AFZC_TAKE(vlans[0].tci, vlan_tci);

    is_ip4 = (mask->eth_type == OVS_BE16_MAX
              && f->dl_type == htons(ETH_TYPE_IP));
    is_ip6 = (mask->eth_type == OVS_BE16_MAX
              && f->dl_type == htons(ETH_TYPE_IPV6));
    if (is_ip4 || is_ip6) {
        if (is_ip4) {
            AFZC_TAKE(nw_src, ipv4_src);
            AFZC_TAKE(nw_dst, ipv4_dst);
        } else {
            AFZC_TAKE(ipv6_src, ipv6_src);
            AFZC_TAKE(ipv6_dst, ipv6_dst);
        }
        AFZC_TAKE(nw_proto, nw_proto);
        AFZC_TAKE(nw_tos, nw_tos);
        AFZC_TAKE(nw_ttl, nw_ttl);
        AFZC_TAKE(nw_frag, nw_frag);
        if (mask->nw_proto == 0xff
            && (f->nw_proto == IPPROTO_TCP || f->nw_proto == IPPROTO_UDP
                || f->nw_proto == IPPROTO_SCTP
                || f->nw_proto == IPPROTO_ICMP
                || f->nw_proto == IPPROTO_ICMPV6)) {
            AFZC_TAKE(tp_src, tp_src);
            AFZC_TAKE(tp_dst, tp_dst);
        }
    }

    if (!flow_wildcards_is_catchall(&wc)) {
        *reason = "matches a field the XDP program does not parse";
        return EOPNOTSUPP;
    }
    return 0;
}

/* Appends 'a' to 'out', of which '*n' are used.  Returns false if the list
 * is full. */
static bool
afzc_action_add(struct afzc_flow_action *out, size_t *n,
                const struct afzc_flow_action *a)
{
    if (*n >= AFZC_MAX_ACTIONS) {
        return false;
    }
    out[(*n)++] = *a;
    return true;
}

/* Translates a set(ethernet(...)) with 'key' and, for set_masked, 'mask'
 * (NULL for a plain set).  Returns 0 or EOPNOTSUPP. */
static int
afzc_translate_set_eth(const struct ovs_key_ethernet *key,
                       const struct ovs_key_ethernet *mask,
                       struct afzc_flow_action *out, size_t *n,
                       const char **reason)
{
    static const struct eth_addr zero = ETH_ADDR_C(00,00,00,00,00,00);
    const struct eth_addr *addrs[2] = { &key->eth_src, &key->eth_dst };
    const struct eth_addr *masks[2] = {
        mask ? &mask->eth_src : &eth_addr_exact,
        mask ? &mask->eth_dst : &eth_addr_exact,
    };

    for (int i = 0; i < 2; i++) {
        struct afzc_flow_action a;

        if (eth_addr_equals(*masks[i], zero)) {
            continue;
        }
        if (!eth_addr_equals(*masks[i], eth_addr_exact)) {
            *reason = "sets part of an Ethernet address";
            return EOPNOTSUPP;
        }
        memset(&a, 0, sizeof a);
        a.type = i ? AFZC_ACT_SET_ETH_DST : AFZC_ACT_SET_ETH_SRC;
        memcpy(a.mac, addrs[i]->ea, 6);
        if (!afzc_action_add(out, n, &a)) {
            *reason = "too many actions";
            return EOPNOTSUPP;
        }
    }
    return 0;
}

/* Translates the datapath 'actions' of a flow received on 'in' into actions
 * the XDP program executes.  Returns 0, or EOPNOTSUPP with a reason. */
int
afzc_offload_translate_actions(const struct netdev *in,
                               const struct nlattr *actions,
                               size_t actions_len,
                               struct afzc_flow_action *out, size_t *n_out,
                               const char **reason)
{
    const struct nlattr *a;
    bool output = false;
    size_t left;

    *n_out = 0;
    NL_ATTR_FOR_EACH_UNSAFE (a, left, actions, actions_len) {
        struct afzc_flow_action act;
        int type = nl_attr_type(a);

        memset(&act, 0, sizeof act);
        if (output) {
            *reason = "an action follows the output";
            return EOPNOTSUPP;
        }
        switch (type) {
        case OVS_ACTION_ATTR_OUTPUT: {
            odp_port_t port = nl_attr_get_odp_port(a);
            struct netdev *outdev = netdev_ports_get(port,
                                                     netdev_get_dpif_type(in));
            int ifindex;

            if (!outdev) {
                *reason = "output to an unknown port";
                return EOPNOTSUPP;
            }
            ifindex = netdev_get_ifindex(outdev);
            if (!netdev_afzc_is_afzc(outdev) || ifindex <= 0 || outdev == in) {
                netdev_close(outdev);
                *reason = "output to a port that is not another afzc port";
                return EOPNOTSUPP;
            }
            if (netdev_afzc_is_afzc(in) && netdev_afzc_is_zerocopy(in)
                && !afzc_dev_takes_zc_redirects(ifindex)) {
                netdev_close(outdev);
                *reason = AFZC_OFFLOAD_ZEROCOPY_REASON;
                return EOPNOTSUPP;
            }
            netdev_close(outdev);
            act.type = AFZC_ACT_OUTPUT;
            act.ifindex = ifindex;
            output = true;
            break;
        }
        case OVS_ACTION_ATTR_SET:
        case OVS_ACTION_ATTR_SET_MASKED: {
            const struct nlattr *k = nl_attr_get(a);

            if (nl_attr_type(k) != OVS_KEY_ATTR_ETHERNET) {
                *reason = "sets a field other than Ethernet addresses";
                return EOPNOTSUPP;
            }
            if (afzc_translate_set_eth(nl_attr_get(k),
                                       (type == OVS_ACTION_ATTR_SET_MASKED
                                        ? (const struct ovs_key_ethernet *)
                                          nl_attr_get(k) + 1
                                        : NULL),
                                       out, n_out, reason)) {
                return EOPNOTSUPP;
            }
            continue;
        }
        case OVS_ACTION_ATTR_PUSH_VLAN: {
            const struct ovs_action_push_vlan *pv = nl_attr_get(a);

            if (pv->vlan_tpid != htons(ETH_TYPE_VLAN_8021Q)) {
                *reason = "pushes an 802.1ad tag";
                return EOPNOTSUPP;
            }
            act.type = AFZC_ACT_PUSH_VLAN;
            act.tpid = pv->vlan_tpid;
            act.tci = pv->vlan_tci & ~htons(VLAN_CFI);
            break;
        }
        case OVS_ACTION_ATTR_POP_VLAN:
            act.type = AFZC_ACT_POP_VLAN;
            break;
        case OVS_ACTION_ATTR_DROP:
            /* An explicit drop ends the list; a list without an output
             * drops the packet in XDP. */
            output = true;
            continue;
        default:
            *reason = "has an action the XDP program does not execute";
            return EOPNOTSUPP;
        }
        if (!afzc_action_add(out, n_out, &act)) {
            *reason = "too many actions";
            return EOPNOTSUPP;
        }
    }
    return 0;
}

/* Flow API: accepts afzc ports only. */
static int
netdev_offload_afzc_init_flow_api(struct netdev *netdev)
{
    return netdev_afzc_is_afzc(netdev) ? 0 : EOPNOTSUPP;
}

/* Removes offloaded flow 'ufid' of 'netdev' from its XDP program, if it is
 * there: a flow that is no longer offloaded must not keep forwarding in the
 * kernel with what it used to do. */
static void
afzc_offload_forget(struct netdev *netdev, const ovs_u128 *ufid)
{
    struct afzc_xdp *xdp = netdev_afzc_lock_xdp(netdev);

    if (xdp) {
        afzc_xdp_flow_del(xdp, ufid, NULL);
    }
    netdev_afzc_unlock(netdev);
}

/* Makes offloaded flow 'ufid' of 'netdev', whose actions changed to ones
 * the XDP program cannot execute, hand its frames to user space while its
 * entry keeps the counters of its time in XDP.  Returns true if it did,
 * false if 'ufid' was not offloaded (or could not be changed, in which
 * case it is removed: it must not keep forwarding with its old actions).
 *
 * Declining the modification instead would make Open vSwitch delete the
 * offloaded flow without asking for its counters, and the packets it
 * forwarded in XDP would vanish from the datapath flow's statistics. */
static bool
afzc_offload_to_user(struct netdev *netdev, const ovs_u128 *ufid)
{
    struct afzc_xdp *xdp = netdev_afzc_lock_xdp(netdev);
    int error = xdp ? afzc_xdp_flow_to_user(xdp, ufid) : ENOENT;

    if (error && error != ENOENT) {
        afzc_xdp_flow_del(xdp, ufid, NULL);
    }
    netdev_afzc_unlock(netdev);
    return !error;
}

/* Flow API: offloads the megaflow 'match' -> 'actions' received on
 * 'netdev', or declines it with EOPNOTSUPP so that it stays in user
 * space.  An offloaded flow modified to actions that cannot be offloaded
 * goes back to user space through afzc_offload_to_user(). */
static int
netdev_offload_afzc_flow_put(struct netdev *netdev, struct match *match,
                             struct nlattr *actions, size_t actions_len,
                             const ovs_u128 *ufid,
                             struct offload_info *info OVS_UNUSED,
                             struct dpif_flow_stats *stats)
{
    struct afzc_flow_action acts[AFZC_MAX_ACTIONS];
    struct afzc_flow_key key, mask;
    const char *reason = NULL;
    struct afzc_xdp *xdp;
    size_t n_acts;
    int error;

    error = afzc_offload_translate_match(match, &key, &mask, &reason);
    if (!error) {
        error = afzc_offload_translate_actions(netdev, actions, actions_len,
                                               acts, &n_acts, &reason);
    }
    if (error) {
        afzc_offload_count(AFZC_OFFLOAD_N_REJECTED);
        if (afzc_offload_to_user(netdev, ufid)) {
            VLOG_DBG_RL(&rl, "%s: flow "UUID_FMT" goes back to user space: "
                        "%s", netdev_get_name(netdev),
                        UUID_ARGS((const struct uuid *) ufid), reason);
            return 0;
        }
        VLOG_DBG_RL(&rl, "%s: flow "UUID_FMT" stays in user space: %s",
                    netdev_get_name(netdev),
                    UUID_ARGS((const struct uuid *) ufid), reason);
        return error;
    }

    xdp = netdev_afzc_lock_xdp(netdev);
    if (xdp) {
        uint64_t flows_full0, masks_full0, flows_full, masks_full;

        afzc_xdp_n_full(xdp, &flows_full0, &masks_full0);
        error = afzc_xdp_flow_put(xdp, ufid, &key, &mask, acts, n_acts);
        afzc_xdp_n_full(xdp, &flows_full, &masks_full);
        if (error == ENOSPC) {
            bool flows = flows_full != flows_full0;

            afzc_offload_count(AFZC_OFFLOAD_N_FULL);
            VLOG_INFO_RL(&rl_full, "%s: %s table full (%"PRIuSIZE" %s): "
                         "new flows stay in user space, %"PRIu64" so far "
                         "(see other_config:afzc-offload-%s)",
                         netdev_get_name(netdev), flows ? "flow" : "mask",
                         (flows ? afzc_xdp_max_flows(xdp)
                          : afzc_xdp_max_masks(xdp)),
                         flows ? "flows" : "masks",
                         flows_full + masks_full, flows ? "flows" : "masks");
        }
    } else {
        error = ENODEV;
    }
    netdev_afzc_unlock(netdev);
    if (error) {
        afzc_offload_forget(netdev, ufid);
        VLOG_DBG_RL(&rl, "%s: flow "UUID_FMT" stays in user space: %s",
                    netdev_get_name(netdev),
                    UUID_ARGS((const struct uuid *) ufid),
                    error == ENOSPC ? "flow or mask table full"
                                    : ovs_strerror(error));
        return EOPNOTSUPP;
    }
    afzc_offload_count(AFZC_OFFLOAD_N_PUT);
    VLOG_DBG_RL(&rl_put, "%s: flow "UUID_FMT" offloaded to XDP, %"PRIuSIZE
                " action(s)", netdev_get_name(netdev),
                UUID_ARGS((const struct uuid *) ufid), n_acts);
    if (stats) {
        memset(stats, 0, sizeof *stats);
    }
    return 0;
}

/* Converts XDP flow counters into OVS flow statistics. */
static void
afzc_offload_stats(const struct afzc_xdp_flow_stats *xs,
                   struct dpif_flow_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    stats->n_packets = xs->packets;
    stats->n_bytes = xs->bytes;
    stats->used = xs->used_ms;
}

/* Flow API: the counters of an offloaded flow. */
static int
netdev_offload_afzc_flow_get(struct netdev *netdev,
                             struct match *match OVS_UNUSED,
                             struct nlattr **actions OVS_UNUSED,
                             const ovs_u128 *ufid,
                             struct dpif_flow_stats *stats,
                             struct dpif_flow_attrs *attrs,
                             struct ofpbuf *buf OVS_UNUSED)
{
    struct afzc_xdp_flow_stats xs;
    struct afzc_xdp *xdp;
    int error;

    xdp = netdev_afzc_lock_xdp(netdev);
    error = (xdp
             ? afzc_xdp_flow_get_recent(xdp, ufid, AFZC_OFFLOAD_STATS_MAX_AGE,
                                        &xs)
             : ENOENT);
    netdev_afzc_unlock(netdev);
    if (error) {
        return error;
    }
    afzc_offload_stats(&xs, stats);
    attrs->offloaded = !xs.in_user;
    attrs->dp_layer = xs.in_user ? "ovs" : "xdp";
    attrs->dp_extra_info = NULL;
    return 0;
}

/* Flow API: removes an offloaded flow. */
static int
netdev_offload_afzc_flow_del(struct netdev *netdev, const ovs_u128 *ufid,
                             struct dpif_flow_stats *stats)
{
    struct afzc_xdp_flow_stats xs;
    struct afzc_xdp *xdp;
    int error;

    xdp = netdev_afzc_lock_xdp(netdev);
    error = xdp ? afzc_xdp_flow_del(xdp, ufid, &xs) : ENOENT;
    netdev_afzc_unlock(netdev);
    if (!error && stats) {
        afzc_offload_stats(&xs, stats);
    }
    return error;
}

/* Flow API: removes every offloaded flow of 'netdev'. */
static int
netdev_offload_afzc_flow_flush(struct netdev *netdev)
{
    struct afzc_xdp *xdp = netdev_afzc_lock_xdp(netdev);

    if (xdp) {
        afzc_xdp_flow_flush(xdp);
    }
    netdev_afzc_unlock(netdev);
    return 0;
}

/* Flow API: how many flows 'netdev' has offloaded. */
static int
netdev_offload_afzc_flow_get_n_flows(struct netdev *netdev,
                                     uint64_t *n_flows)
{
    struct afzc_xdp *xdp = netdev_afzc_lock_xdp(netdev);

    *n_flows = xdp ? afzc_xdp_n_flows(xdp) : 0;
    netdev_afzc_unlock(netdev);
    return 0;
}

static const struct netdev_flow_api netdev_offload_afzc = {
    .type = "afzc_xdp",
    .flow_put = netdev_offload_afzc_flow_put,
    .flow_get = netdev_offload_afzc_flow_get,
    .flow_del = netdev_offload_afzc_flow_del,
    .flow_flush = netdev_offload_afzc_flow_flush,
    .flow_get_n_flows = netdev_offload_afzc_flow_get_n_flows,
    .init_flow_api = netdev_offload_afzc_init_flow_api,
};

/* Registers the afzc flow API.  Open vSwitch offers a port to the
 * registered providers in no particular order and its "linux_tc" provider
 * accepts any device with an ifindex, afzc ports included; TC offload is
 * for the kernel datapath, which this ovs-vswitchd never runs, so
 * linux_tc is unregistered first. */
void
netdev_offload_afzc_register(void)
{
    netdev_unregister_flow_api_provider("linux_tc");
    netdev_register_flow_api_provider(&netdev_offload_afzc);
}
