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

/* libFuzzer harness: the translation of datapath flows into the XDP
 * program's flow table (lib/netdev-offload-afzc.c), from random netlink
 * attribute streams.  The input is three parts, a key, a mask and
 * actions, each behind a 16-bit little-endian length.  The key and mask
 * go through Open vSwitch's parser first, as dpif-netdev's do, and only
 * what it accepts is translated; the actions are translated when their
 * attributes have the lengths Open vSwitch gives them, as those that
 * reach a flow put do.  A translated flow is then checked: its key has no
 * bit outside its mask, and its actions are of known types. */

#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "afzc-xdp-shared.h"
#include "dummy.h"
#include "netdev-offload-afzc.h"
#include "netdev.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "odp-util.h"
#include "flow.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "openvswitch/vlog.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Takes the next part of the input at '*data' (of '*size' bytes) into
 * '*part' and '*part_len'.  Returns false if the input ends early. */
static bool
afzc_fuzz_part(const uint8_t **data, size_t *size, const void **part,
               size_t *part_len)
{
    size_t n;

    if (*size < 2) {
        return false;
    }
    n = (*data)[0] | (*data)[1] << 8;
    if (n > *size - 2) {
        return false;
    }
    *part = *data + 2;
    *part_len = n;
    *data += 2 + n;
    *size -= 2 + n;
    return true;
}

/* Returns the payload size Open vSwitch gives datapath action 'type', -1
 * for a set (nested), -2 for any other type, whose payload the translation
 * does not read. */
static int
afzc_fuzz_action_len(int type)
{
    switch (type) {
    case OVS_ACTION_ATTR_OUTPUT:
    case OVS_ACTION_ATTR_DROP:
        return 4;
    case OVS_ACTION_ATTR_PUSH_VLAN:
        return sizeof(struct ovs_action_push_vlan);
    case OVS_ACTION_ATTR_POP_VLAN:
        return 0;
    case OVS_ACTION_ATTR_SET:
    case OVS_ACTION_ATTR_SET_MASKED:
        return -1;
    default:
        return -2;
    }
}

/* Returns false if the 'len' bytes of flow key or mask attributes at 'key'
 * hold a tunnel attribute.  Open vSwitch 3.1's parser trusts the sizes of
 * the attributes nested in one (odp_tun_key_from_attr__() asserts on some
 * it does not expect), which it may, since dpif-netdev gets keys only from
 * Open vSwitch itself; and afzc offloads no tunnel match. */
static bool
afzc_fuzz_key_ok(const struct nlattr *key, size_t len)
{
    const struct nlattr *a;
    size_t left;

    NL_ATTR_FOR_EACH (a, left, key, len) {
        if (nl_attr_type(a) == OVS_KEY_ATTR_TUNNEL) {
            return false;
        }
    }
    return true;
}

/* Returns true if the 'len' bytes of datapath actions at 'actions' are
 * well formed as Open vSwitch makes them: the stream is whole, each action
 * that the translation reads has the size Open vSwitch gives it, and a set
 * or masked set of the Ethernet addresses holds one key attribute of the
 * size of its key (twice it, masked). */
static bool
afzc_fuzz_actions_ok(const struct nlattr *actions, size_t len)
{
    const struct nlattr *a;
    size_t left;

    NL_ATTR_FOR_EACH (a, left, actions, len) {
        int type = nl_attr_type(a);
        int expected = afzc_fuzz_action_len(type);

        if (expected >= 0 && nl_attr_get_size(a) != expected) {
            return false;
        }
        if (expected == -1) {
            const struct nlattr *k = nl_attr_get(a);
            size_t k_size = nl_attr_get_size(a);

            if (k_size < NLA_HDRLEN || k->nla_len < NLA_HDRLEN
                || NLA_ALIGN(k->nla_len) != k_size) {
                return false;
            }
            if (nl_attr_type(k) == OVS_KEY_ATTR_ETHERNET
                && nl_attr_get_size(k)
                   != (type == OVS_ACTION_ATTR_SET_MASKED ? 2 : 1)
                      * sizeof(struct ovs_key_ethernet)) {
                return false;
            }
        }
    }
    return !left;
}

/* Checks that the key of a translated flow has no bit outside its mask. */
static void
afzc_fuzz_check_key(const struct afzc_flow_key *key,
                    const struct afzc_flow_key *mask)
{
    const uint8_t *k = (const uint8_t *) key, *m = (const uint8_t *) mask;

    for (size_t i = 0; i < sizeof *key; i++) {
        ovs_assert(!(k[i] & ~m[i]));
    }
}

/* Copies up to 'n' bytes of the input at '*data' (of '*size' bytes) to
 * 'dst', zero-filling what the input lacks. */
static void
afzc_fuzz_take(const uint8_t **data, size_t *size, void *dst, size_t n)
{
    size_t k = MIN(n, *size);

    memset(dst, 0, n);
    memcpy(dst, *data, k);
    *data += k;
    *size -= k;
}

/* Makes a datapath key and mask in 'key' and 'mask' from the input at
 * '*data': a flow of one of the EtherTypes the program parses (or another)
 * with the fields the program parses, and their masks, taken from the
 * input's bytes. */
static void
afzc_fuzz_make_flow(const uint8_t **data, size_t *size, struct ofpbuf *key,
                    struct ofpbuf *mask)
{
    static const ovs_be16 types[] = {
        CONSTANT_HTONS(ETH_TYPE_IP), CONSTANT_HTONS(ETH_TYPE_IPV6),
        CONSTANT_HTONS(ETH_TYPE_ARP), CONSTANT_HTONS(0x88cc),
    };
    static const uint8_t protos[] = { 6, 17, 132, 1, 58, 47, 2, 0 };
    struct odp_flow_key_parms parms;
    struct flow flow, m;
    uint8_t sel[4];

    memset(&flow, 0, sizeof flow);
    memset(&m, 0, sizeof m);
    afzc_fuzz_take(data, size, sel, sizeof sel);
    flow.in_port.odp_port = u32_to_odp(1);
    m.in_port.odp_port = u32_to_odp(UINT32_MAX);
    flow.packet_type = htonl(PT_ETH);
    m.packet_type = OVS_BE32_MAX;
    flow.dl_type = types[sel[0] % ARRAY_SIZE(types)];
    m.dl_type = sel[0] & 0x80 ? 0 : OVS_BE16_MAX;
    afzc_fuzz_take(data, size, &flow.dl_dst, 12);
    afzc_fuzz_take(data, size, &m.dl_dst, 12);
    afzc_fuzz_take(data, size, &flow.vlans[0].tci, 2);
    afzc_fuzz_take(data, size, &m.vlans[0].tci, 2);
    if (flow.vlans[0].tci & htons(VLAN_CFI)) {
        flow.vlans[0].tpid = htons(sel[1] & 1 ? ETH_TYPE_VLAN_8021AD
                                              : ETH_TYPE_VLAN_8021Q);
    }
    if (is_ip_any(&flow)) {
        flow.nw_proto = protos[sel[2] % ARRAY_SIZE(protos)];
        m.nw_proto = sel[2] & 0x80 ? 0 : 0xff;
        flow.nw_frag = sel[3] & FLOW_NW_FRAG_MASK;
        m.nw_frag = sel[3] >> 6;
        afzc_fuzz_take(data, size, &flow.nw_tos, 2);
        afzc_fuzz_take(data, size, &m.nw_tos, 2);
        if (flow.dl_type == htons(ETH_TYPE_IP)) {
            afzc_fuzz_take(data, size, &flow.nw_src, 8);
            afzc_fuzz_take(data, size, &m.nw_src, 8);
        } else {
            afzc_fuzz_take(data, size, &flow.ipv6_src, 32);
            afzc_fuzz_take(data, size, &m.ipv6_src, 32);
            afzc_fuzz_take(data, size, &m.ipv6_label, sel[1] & 2 ? 4 : 0);
        }
        afzc_fuzz_take(data, size, &flow.tp_src, 4);
        afzc_fuzz_take(data, size, &m.tp_src, 4);
    }
    if (sel[1] & 4) {
        m.pkt_mark = UINT32_MAX;
        flow.pkt_mark = sel[1] & 8;
    }

    struct match match;
    struct flow_wildcards wc = { .masks = m };

    match_init(&match, &flow, &wc);
    memset(&parms, 0, sizeof parms);
    parms.flow = &match.flow;
    parms.mask = &match.wc.masks;
    parms.support.max_vlan_headers = 2;
    parms.support.recirc = true;
    odp_flow_key_from_flow(&parms, key);
    parms.key_buf = key;
    odp_flow_key_from_mask(&parms, mask);
}

/* Translates one input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct netdev *in;
    const void *key, *mask, *actions;
    size_t key_len, mask_len, actions_len;
    struct afzc_flow_action out[AFZC_MAX_ACTIONS];
    struct afzc_flow_key k, m;
    const char *reason;
    struct match match;
    size_t n;

    if (!in) {
        vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
        netdev_dummy_register(DUMMY_OVERRIDE_NONE);
        ovs_assert(!netdev_open("p0", "dummy", &in));
    }
    struct ofpbuf kbuf, mbuf;

    ofpbuf_init(&kbuf, 0);
    ofpbuf_init(&mbuf, 0);
    if (size && data[0] == '!') {
        data++;
        size--;
        afzc_fuzz_make_flow(&data, &size, &kbuf, &mbuf);
        key = kbuf.data;
        key_len = kbuf.size;
        mask = mbuf.data;
        mask_len = mbuf.size;
        actions = data;
        actions_len = size;
    } else if (!afzc_fuzz_part(&data, &size, &key, &key_len)
               || !afzc_fuzz_part(&data, &size, &mask, &mask_len)
               || !afzc_fuzz_part(&data, &size, &actions, &actions_len)) {
        ofpbuf_uninit(&kbuf);
        ofpbuf_uninit(&mbuf);
        return 0;
    }

    /* Parsed in copies of their own, so that a read beyond a part is
     * caught. */
    void *key_copy = xmemdup(key, key_len);
    void *mask_copy = xmemdup(mask, mask_len);
    void *actions_copy = xmemdup(actions, actions_len);

    if (afzc_fuzz_key_ok(key_copy, key_len)
        && afzc_fuzz_key_ok(mask_copy, mask_len)
        && !parse_key_and_mask_to_match(key_copy, key_len, mask_copy, mask_len,
                                        &match)) {
        reason = NULL;
        if (!afzc_offload_translate_match(&match, &k, &m, &reason)) {
            afzc_fuzz_check_key(&k, &m);
        } else {
            ovs_assert(reason);
        }
    }
    if (afzc_fuzz_actions_ok(actions_copy, actions_len)) {
        reason = NULL;
        if (!afzc_offload_translate_actions(in, actions_copy, actions_len,
                                            out, &n, &reason)) {
            ovs_assert(n <= AFZC_MAX_ACTIONS);
            for (size_t i = 0; i < n; i++) {
                ovs_assert(out[i].type > AFZC_ACT_NONE
                           && out[i].type < AFZC_ACT_USERSPACE);
            }
        } else {
            ovs_assert(reason);
        }
    }
    free(key_copy);
    free(mask_copy);
    free(actions_copy);
    ofpbuf_uninit(&kbuf);
    ofpbuf_uninit(&mbuf);
    return 0;
}
