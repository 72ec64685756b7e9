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

#include "afzc-appctl.h"

#include "afzc-stats.h"
#include "afzc-umem.h"
#include "afzc-xdp-flow.h"
#include "afzc-xsk.h"
#include "netdev-afzc.h"
#include "netdev-provider.h"
#include "netdev.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "sset.h"
#include "unixctl.h"
#include "util.h"

/* Collects the afzc ports into 'devices' (sorted by name, each with a
 * reference the caller releases with afzc_appctl_put_ports()).  With
 * 'name', only that port.  Returns the number of ports. */
static size_t
afzc_appctl_get_ports(const char *name, struct netdev ***devicesp)
{
    struct shash devices = SHASH_INITIALIZER(&devices);
    const struct shash_node **sorted;
    struct netdev **out;
    size_t n = 0;

    netdev_get_devices(netdev_afzc_get_class(false), &devices);
    netdev_get_devices(netdev_afzc_get_class(true), &devices);
    sorted = shash_sort(&devices);
    out = xmalloc((shash_count(&devices) + 1) * sizeof *out);
    for (size_t i = 0; i < shash_count(&devices); i++) {
        struct netdev *netdev = sorted[i]->data;

        if (!name || !strcmp(name, netdev_get_name(netdev))) {
            out[n++] = netdev;
        } else {
            netdev_close(netdev);
        }
    }
    free(sorted);
    shash_destroy(&devices);
    *devicesp = out;
    return n;
}

/* Releases what afzc_appctl_get_ports() returned. */
static void
afzc_appctl_put_ports(struct netdev **devices, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        netdev_close(devices[i]);
    }
    free(devices);
}

/* Parses "[--json] [PORT]" from 'argv'.  Returns the PORT or NULL. */
static const char *
afzc_appctl_parse(int argc, const char *argv[], bool *json)
{
    const char *port = NULL;

    *json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            *json = true;
        } else {
            port = argv[i];
        }
    }
    return port;
}

/* Replies to 'conn' with 'json', which it frees. */
static void
afzc_appctl_reply_json(struct unixctl_conn *conn, struct json *json)
{
    char *s = json_to_string(json, JSSF_SORT);

    unixctl_command_reply(conn, s);
    free(s);
    json_destroy(json);
}

/* Replies to 'conn' for afzc/umem-show when there is no UMEM. */
static void
afzc_appctl_umem_none(struct unixctl_conn *conn, bool as_json)
{
    if (as_json) {
        struct json *json = json_object_create();

        json_object_put(json, "umem", json_null_create());
        json_object_put(json, "next_frames",
                        json_integer_create(afzc_umem_configured_frames()));
        afzc_appctl_reply_json(conn, json);
    } else {
        char *s = xasprintf("no UMEM (no afzc port); next size: %"PRIu32
                            " frames\n", afzc_umem_configured_frames());

        unixctl_command_reply(conn, s);
        free(s);
    }
}

/* Puts the totals of 'umem' into JSON object 'json' for afzc/umem-show. */
static void
afzc_appctl_umem_json(struct afzc_umem *umem,
                      const struct afzc_frame_counts *c,
                      const struct afzc_umem_budget *b, struct json *json)
{
    json_object_put(json, "frame_size", json_integer_create(AFZC_FRAME_SIZE));
    json_object_put(json, "frames",
                    json_integer_create(afzc_umem_n_frames(umem)));
#define AFZC_PUT(S, FIELD) \
    json_object_put(json, #FIELD, json_integer_create((S)->FIELD))
    AFZC_PUT(c, free); AFZC_PUT(c, stashed); AFZC_PUT(c, fill);
    AFZC_PUT(c, rx); AFZC_PUT(c, held); AFZC_PUT(c, tx);
    AFZC_PUT(c, completion);
    json_object_put(json, "sockets_copy",
                    json_integer_create(afzc_umem_n_sockets(umem, false)));
    json_object_put(json, "sockets_zerocopy",
                    json_integer_create(afzc_umem_n_sockets(umem, true)));
    AFZC_PUT(b, reserve); AFZC_PUT(b, fill_budget); AFZC_PUT(b, fill_floor);
    AFZC_PUT(b, fill_held);
#undef AFZC_PUT
    json_object_put(json, "fill_queues", json_integer_create(b->n_queues));
}

/* Appends the totals of 'umem' to 'out' as text for afzc/umem-show. */
static void
afzc_appctl_umem_text(struct afzc_umem *umem,
                      const struct afzc_frame_counts *c,
                      const struct afzc_umem_budget *b, struct ds *out)
{
    ds_put_format(out,
                  "frame_size: %d\nframes: %"PRIu32"\n"
                  "size_bytes: %"PRIu64"\nfree: %"PRIu64"\n"
                  "stashed: %"PRIu64"\nfill: %"PRIu64"\nrx: %"PRIu64"\n"
                  "held: %"PRIu64"\ntx: %"PRIu64"\n"
                  "completion: %"PRIu64"\n"
                  "sockets_copy: %"PRIuSIZE"\n"
                  "sockets_zerocopy: %"PRIuSIZE"\n",
                  AFZC_FRAME_SIZE, afzc_umem_n_frames(umem),
                  (uint64_t) afzc_umem_n_frames(umem) * AFZC_FRAME_SIZE,
                  c->free, c->stashed, c->fill, c->rx, c->held, c->tx,
                  c->completion, afzc_umem_n_sockets(umem, false),
                  afzc_umem_n_sockets(umem, true));
    ds_put_format(out,
                  "reserve: %"PRIu32"\nfill_budget: %"PRIu32"\n"
                  "fill_floor: %"PRIu32"\nfill_held: %"PRIu32"\n"
                  "fill_queues: %"PRIu32"\n", b->reserve, b->fill_budget,
                  b->fill_floor, b->fill_held, b->n_queues);
}

/* Describes the frames that the queues of afzc port 'netdev' hold, for
 * afzc/umem-show: as a member of JSON object 'ports' if that is nonnull,
 * otherwise as a line of text in 'out'. */
static void
afzc_appctl_umem_port(const struct netdev *netdev, struct ds *out,
                      struct json *ports)
{
    struct afzc_frame_counts pc;
    struct afzc_port_view v;
    struct json *p = NULL, *t = NULL;

    memset(&pc, 0, sizeof pc);
    netdev_afzc_lock_view(netdev, &v);
    for (int q = 0; q < v.n_rxq; q++) {
        afzc_xsk_get_counts(v.xsks[q], &pc);
    }
    if (ports) {
        p = json_object_create();
        t = json_array_create_empty();
        json_object_put(p, "fill_targets", t);
    } else {
        ds_put_format(out, "port %s: stashed %"PRIu64" fill %"PRIu64
                      " rx %"PRIu64" tx %"PRIu64" completion %"PRIu64
                      " fill_targets", v.name, pc.stashed, pc.fill, pc.rx,
                      pc.tx, pc.completion);
    }
    for (int q = 0; q < v.n_rxq; q++) {
        uint32_t target = afzc_xsk_fill_target(v.xsks[q]);

        if (t) {
            json_array_add(t, json_integer_create(target));
        } else {
            ds_put_format(out, "%c%"PRIu32, q ? ',' : ' ', target);
        }
    }
    if (p) {
        json_object_put(p, "stashed", json_integer_create(pc.stashed));
        json_object_put(p, "fill", json_integer_create(pc.fill));
        json_object_put(p, "rx", json_integer_create(pc.rx));
        json_object_put(p, "tx", json_integer_create(pc.tx));
        json_object_put(p, "completion", json_integer_create(pc.completion));
        json_object_put(ports, v.name, p);
    } else {
        ds_put_char(out, '\n');
    }
    netdev_afzc_unlock(netdev);
}

/* afzc/umem-show [--json]: where every frame of the shared UMEM is, in
 * total and per port. */
static void
afzc_appctl_umem_show(struct unixctl_conn *conn, int argc,
                      const char *argv[], void *aux OVS_UNUSED)
{
    struct afzc_umem *umem = afzc_umem_get();
    struct ds out = DS_EMPTY_INITIALIZER;
    struct json *json = NULL, *ports = NULL;
    struct afzc_umem_budget b;
    struct afzc_frame_counts c;
    struct netdev **devices;
    bool as_json;
    size_t n;

    afzc_appctl_parse(argc, argv, &as_json);
    if (!umem) {
        afzc_appctl_umem_none(conn, as_json);
        return;
    }

    afzc_xsk_get_umem_counts(umem, &c);
    afzc_umem_get_budget(umem, &b);
    if (as_json) {
        json = json_object_create();
        afzc_appctl_umem_json(umem, &c, &b, json);
        ports = json_object_create();
        json_object_put(json, "ports", ports);
    } else {
        afzc_appctl_umem_text(umem, &c, &b, &out);
    }

    n = afzc_appctl_get_ports(NULL, &devices);
    for (size_t i = 0; i < n; i++) {
        afzc_appctl_umem_port(devices[i], &out, ports);
    }
    afzc_appctl_put_ports(devices, n);

    if (as_json) {
        afzc_appctl_reply_json(conn, json);
    } else {
        unixctl_command_reply(conn, ds_cstr(&out));
    }
    ds_destroy(&out);
}

/* afzc/show [--json] [PORT]: every afzc port, or one, with its queues. */
static void
afzc_appctl_show(struct unixctl_conn *conn, int argc, const char *argv[],
                 void *aux OVS_UNUSED)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    struct json *json = NULL;
    struct netdev **devices;
    const char *port;
    bool as_json;
    size_t n;

    port = afzc_appctl_parse(argc, argv, &as_json);
    n = afzc_appctl_get_ports(port, &devices);
    if (port && !n) {
        unixctl_command_reply_error(conn, "no such afzc port");
        afzc_appctl_put_ports(devices, n);
        return;
    }
    if (as_json) {
        json = json_array_create_empty();
    }
    for (size_t i = 0; i < n; i++) {
        struct afzc_port_view v;

        netdev_afzc_lock_view(devices[i], &v);
        afzc_stats_show(&v, &out, json);
        netdev_afzc_unlock(devices[i]);
    }
    afzc_appctl_put_ports(devices, n);

    if (as_json) {
        afzc_appctl_reply_json(conn, json);
    } else {
        unixctl_command_reply(conn, ds_cstr(&out));
    }
    ds_destroy(&out);
}

/* afzc/clear-stats [PORT]: afzc/show counts from zero again. */
static void
afzc_appctl_clear_stats(struct unixctl_conn *conn, int argc,
                        const char *argv[], void *aux OVS_UNUSED)
{
    const char *port = argc > 1 ? argv[1] : NULL;
    struct netdev **devices;
    size_t n;

    n = afzc_appctl_get_ports(port, &devices);
    if (port && !n) {
        unixctl_command_reply_error(conn, "no such afzc port");
    } else {
        for (size_t i = 0; i < n; i++) {
            struct afzc_port_view v;

            netdev_afzc_lock_view(devices[i], &v);
            afzc_stats_clear(&v);
            netdev_afzc_unlock(devices[i]);
        }
        unixctl_command_reply(conn, NULL);
    }
    afzc_appctl_put_ports(devices, n);
}

/* afzc/offload-flows PORT: the UFIDs of the flows that PORT's XDP program
 * executes, one per line, sorted: the megaflow UFIDs that dpif-netdev gives
 * offload providers. */
static void
afzc_appctl_offload_flows(struct unixctl_conn *conn, int argc OVS_UNUSED,
                          const char *argv[], void *aux OVS_UNUSED)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    struct afzc_port_view v;
    struct netdev **devices;
    struct sset ufids;
    const char **sorted;
    size_t n;

    n = afzc_appctl_get_ports(argv[1], &devices);
    if (!n) {
        unixctl_command_reply_error(conn, "no such afzc port");
        afzc_appctl_put_ports(devices, n);
        return;
    }
    netdev_afzc_lock_view(devices[0], &v);
    if (v.configured && v.xdp) {
        afzc_xdp_flow_dump_ufids(v.xdp, &out);
    }
    netdev_afzc_unlock(devices[0]);
    afzc_appctl_put_ports(devices, n);

    sset_init(&ufids);
    for (char *save = NULL, *line = strtok_r(ds_cstr(&out), "\n", &save);
         line; line = strtok_r(NULL, "\n", &save)) {
        sset_add(&ufids, line);
    }
    ds_clear(&out);
    sorted = sset_sort(&ufids);
    for (size_t i = 0; i < sset_count(&ufids); i++) {
        ds_put_format(&out, "%s\n", sorted[i]);
    }
    free(sorted);
    sset_destroy(&ufids);
    unixctl_command_reply(conn, ds_cstr(&out));
    ds_destroy(&out);
}

/* Registers the afzc/... commands.  Called once, from vswitchd/, in the
 * main thread. */
void
afzc_appctl_register(void)
{
    unixctl_command_register("afzc/show", "[--json] [PORT]", 0, 2,
                             afzc_appctl_show, NULL);
    unixctl_command_register("afzc/umem-show", "[--json]", 0, 1,
                             afzc_appctl_umem_show, NULL);
    unixctl_command_register("afzc/clear-stats", "[PORT]", 0, 1,
                             afzc_appctl_clear_stats, NULL);
    unixctl_command_register("afzc/offload-flows", "PORT", 1, 1,
                             afzc_appctl_offload_flows, NULL);
}
