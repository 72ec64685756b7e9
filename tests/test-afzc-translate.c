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

/* Unit tests of what needs no running ovs-vswitchd: the parsing of an afzc
 * port's options (lib/afzc-options.h) and the translation of datapath
 * flows into the XDP program's flow table (lib/netdev-offload-afzc.h).
 * Each command prints what it made of its arguments, for the test suite to
 * compare. */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afzc-options.h"
#include "afzc-xdp-shared.h"
#include "netdev-offload-afzc.h"
#include "netdev.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "ovstest.h"
#include "packets.h"
#include "smap.h"
#include "dummy.h"
#include "util.h"

/* ovstest-afzc options [KEY=VALUE]...: parses the options of a port named
 * "p0" and prints them, or the error. */
static void
afzc_test_options_main(int argc, char *argv[])
{
    struct smap args = SMAP_INITIALIZER(&args);
    struct afzc_options o;
    char *err = NULL;
    int error;

    for (int i = 1; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');

        if (!eq) {
            ovs_fatal(0, "%s: not KEY=VALUE", argv[i]);
        }
        smap_add_nocopy(&args, xmemdup0(argv[i], eq - argv[i]),
                        xstrdup(eq + 1));
    }
    error = afzc_options_parse(&args, "p0", &o, &err);
    if (error) {
        printf("error %s: %s\n", ovs_strerror(error), err);
        free(err);
    } else {
        printf("n_rxq=%d start-qid=%d xdp-mode=%s use-need-wakeup=%s "
               "busy-poll=%d xdp-hook=%s rx-csum-fixup=%s\n", o.n_rxq,
               o.start_qid, afzc_xdp_mode_name(o.mode),
               o.need_wakeup ? "true" : "false", o.busy_poll,
               o.hook ? o.hook : "(none)",
               afzc_csum_fixup_name(o.csum_fixup));
    }
    smap_destroy(&args);
}

OVSTEST_REGISTER("options", afzc_test_options_main);

/* Appends the 'n' bytes at 'p' to 's' in hex, or "-" if they are all 0. */
static void
afzc_test_put_hex(struct ds *s, const char *name, const void *p, size_t n)
{
    const uint8_t *b = p;
    bool zero = true;

    for (size_t i = 0; i < n; i++) {
        zero = zero && !b[i];
    }
    if (!zero) {
        ds_put_format(s, " %s=", name);
        for (size_t i = 0; i < n; i++) {
            ds_put_format(s, "%02x", b[i]);
        }
    }
}

/* Appends the nonzero fields of 'k' to 's'. */
static void
afzc_test_put_key(struct ds *s, const struct afzc_flow_key *k)
{
#define AFZC_PUT(FIELD) afzc_test_put_hex(s, #FIELD, &k->FIELD, \
                                          sizeof k->FIELD)
    AFZC_PUT(eth_dst); AFZC_PUT(eth_src); AFZC_PUT(eth_type);
    AFZC_PUT(vlan_tci); AFZC_PUT(nw_proto); AFZC_PUT(nw_tos);
    AFZC_PUT(nw_ttl); AFZC_PUT(nw_frag); AFZC_PUT(ipv4_src);
    AFZC_PUT(ipv4_dst); AFZC_PUT(ipv6_src); AFZC_PUT(ipv6_dst);
    AFZC_PUT(tp_src); AFZC_PUT(tp_dst);
#undef AFZC_PUT
}

/* ovstest-afzc offload-match FLOW: translates datapath flow FLOW (as
 * ovs-dpctl shows one, with masks) and prints the key and the mask that
 * the XDP program would match on, in network byte order, or why the flow
 * cannot be offloaded. */
static void
afzc_test_match_main(int argc OVS_UNUSED, char *argv[])
{
    struct ofpbuf key, mask;
    struct afzc_flow_key k, m;
    struct ds s = DS_EMPTY_INITIALIZER;
    const char *reason = NULL;
    struct match match;
    char *err = NULL;

    ofpbuf_init(&key, 0);
    ofpbuf_init(&mask, 0);
    if (odp_flow_from_string(argv[1], NULL, &key, &mask, &err)) {
        ovs_fatal(0, "%s: %s", argv[1], err);
    }
    if (parse_key_and_mask_to_match(key.data, key.size, mask.data, mask.size,
                                    &match)) {
        ovs_fatal(0, "%s: not a valid flow", argv[1]);
    }
    if (afzc_offload_translate_match(&match, &k, &m, &reason)) {
        printf("refused: %s\n", reason);
    } else {
        ds_put_cstr(&s, "key:");
        afzc_test_put_key(&s, &k);
        ds_put_cstr(&s, "\nmask:");
        afzc_test_put_key(&s, &m);
        printf("%s\n", ds_cstr(&s));
    }
    ds_destroy(&s);
    ofpbuf_uninit(&key);
    ofpbuf_uninit(&mask);
}

OVSTEST_REGISTER("offload-match", afzc_test_match_main);

/* Appends a description of 'a' to 's'. */
static void
afzc_test_put_action(struct ds *s, const struct afzc_flow_action *a)
{
    switch (a->type) {
    case AFZC_ACT_OUTPUT:
        ds_put_format(s, "output:%u", a->ifindex);
        break;
    case AFZC_ACT_SET_ETH_SRC:
    case AFZC_ACT_SET_ETH_DST:
        ds_put_format(s, "set_eth_%s:"ETH_ADDR_FMT,
                      a->type == AFZC_ACT_SET_ETH_SRC ? "src" : "dst",
                      ETH_ADDR_BYTES_ARGS(a->mac));
        break;
    case AFZC_ACT_PUSH_VLAN:
        ds_put_format(s, "push_vlan:tpid=0x%04x,tci=0x%04x",
                      ntohs(a->tpid), ntohs(a->tci));
        break;
    case AFZC_ACT_POP_VLAN:
        ds_put_cstr(s, "pop_vlan");
        break;
    case AFZC_ACT_USERSPACE:
        ds_put_cstr(s, "userspace");
        break;
    case AFZC_ACT_NONE:
    default:
        ds_put_format(s, "type%u", a->type);
        break;
    }
}

/* ovstest-afzc offload-actions ACTIONS: translates datapath actions
 * ACTIONS (ovs-dpctl syntax) of a flow received on a dummy port and prints
 * the XDP program's actions, "drop" for none, or why they cannot be
 * offloaded.  No port is in a datapath, so an output is always to an
 * unknown port. */
static void
afzc_test_actions_main(int argc OVS_UNUSED, char *argv[])
{
    struct afzc_flow_action out[AFZC_MAX_ACTIONS];
    struct ds s = DS_EMPTY_INITIALIZER;
    const char *reason = NULL;
    struct ofpbuf actions;
    struct netdev *in;
    size_t n;
    int error;

    netdev_dummy_register(DUMMY_OVERRIDE_NONE);
    error = netdev_open("p0", "dummy", &in);
    if (error) {
        ovs_fatal(error, "cannot open a dummy port");
    }
    ofpbuf_init(&actions, 0);
    if (odp_actions_from_string(argv[1], NULL, &actions)) {
        ovs_fatal(0, "%s: cannot parse the actions", argv[1]);
    }
    if (afzc_offload_translate_actions(in, actions.data, actions.size, out,
                                       &n, &reason)) {
        printf("refused: %s\n", reason);
    } else {
        for (size_t i = 0; i < n; i++) {
            if (i) {
                ds_put_char(&s, ',');
            }
            afzc_test_put_action(&s, &out[i]);
        }
        printf("%s\n", n ? ds_cstr(&s) : "drop");
    }
    ds_destroy(&s);
    ofpbuf_uninit(&actions);
    netdev_close(in);
}

OVSTEST_REGISTER("offload-actions", afzc_test_actions_main);
