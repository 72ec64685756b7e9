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
#include "openvswitch/match.h"
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
    if (!afzc_fuzz_part(&data, &size, &key, &key_len)
        || !afzc_fuzz_part(&data, &size, &mask, &mask_len)
        || !afzc_fuzz_part(&data, &size, &actions, &actions_len)) {
        return 0;
    }

    /* Parsed in copies of their own, so that a read beyond a part is
     * caught. */
    void *key_copy = xmemdup(key, key_len);
    void *mask_copy = xmemdup(mask, mask_len);
    void *actions_copy = xmemdup(actions, actions_len);

    if (!parse_key_and_mask_to_match(key_copy, key_len, mask_copy, mask_len,
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
    return 0;
}
