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

#include "afzc-stats.h"

#include <string.h>

#include "afzc-umem.h"
#include "afzc-xdp.h"
#include "afzc-xdp-flow.h"
#include "afzc-xsk.h"
#include "netdev.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "ovs-atomic.h"
#include "util.h"

/* Most counters afzc_stats_queue() reports. */
#define AFZC_MAX_COUNTERS 48

/* Receive-side counters of one port queue that the socket does not keep,
 * alone on a cache line: written by the thread that polls the queue, read
 * by the main thread, with relaxed atomics. */
struct afzc_rxq_counters {
    PADDED_MEMBERS(CACHE_LINE_SIZE,
        atomic_uint64_t csum_fixed; /* Partial checksums completed. */
        atomic_uint64_t gso_cut;    /* TCP super-packets cut to the MTU. */
    );
};

/* The counters a port keeps beside its sockets' and its program's. */
struct afzc_stats {
    int n_rxq;
    struct afzc_rxq_counters *rxq;  /* 'n_rxq' of them. */
    uint64_t *baselines;            /* afzc/clear-stats snapshot, or NULL:
                                     * AFZC_MAX_COUNTERS per queue.  Main
                                     * thread only, under the port's
                                     * mutex. */
};

/* One counter of a port queue, for custom statistics and afzc/show. */
struct afzc_counter {
    const char *name;
    uint64_t value;
    bool valid;                 /* False if the kernel does not report it. */
    bool gauge;                 /* A level, not a count: never cleared. */
};

/* Creates the counters of a port with 'n_rxq' queues, all zero. */
struct afzc_stats *
afzc_stats_create(int n_rxq)
{
    struct afzc_stats *stats = xzalloc(sizeof *stats);

    stats->n_rxq = n_rxq;
    stats->rxq = xzalloc_cacheline(MAX(n_rxq, 1) * sizeof *stats->rxq);
    for (int q = 0; q < n_rxq; q++) {
        atomic_init(&stats->rxq[q].csum_fixed, 0);
        atomic_init(&stats->rxq[q].gso_cut, 0);
    }
    return stats;
}

/* Frees 'stats' (which may be NULL). */
void
afzc_stats_destroy(struct afzc_stats *stats)
{
    if (stats) {
        free_cacheline(stats->rxq);
        free(stats->baselines);
        free(stats);
    }
}

/* Adds 'n' to counter 'c', which only the calling thread writes: a relaxed
 * read and store, no read-modify-write. */
static void
afzc_stats_add(atomic_uint64_t *c, uint32_t n)
{
    uint64_t v;

    atomic_read_relaxed(c, &v);
    atomic_store_relaxed(c, v + n);
}

/* Counts 'n' partial checksums completed on queue 'queue'.  Called only by
 * the thread that polls the queue. */
void
afzc_stats_add_csum_fixed(struct afzc_stats *stats, int queue, uint32_t n)
{
    afzc_stats_add(&stats->rxq[queue].csum_fixed, n);
}

/* Counts 'n' TCP super-packets cut to the MTU on queue 'queue'.  Called
 * only by the thread that polls the queue. */
void
afzc_stats_add_gso_cut(struct afzc_stats *stats, int queue, uint32_t n)
{
    afzc_stats_add(&stats->rxq[queue].gso_cut, n);
}

/* Appends counter 'name' with 'value' to 'c', of which '*n' are in use. */
static void
afzc_counter_add(struct afzc_counter *c, size_t *n, const char *name,
                 uint64_t value, bool valid, bool gauge)
{
    ovs_assert(*n < AFZC_MAX_COUNTERS);
    c[*n].name = name;
    c[*n].value = valid ? value : 0;
    c[*n].valid = valid;
    c[*n].gauge = gauge;
    (*n)++;
}

/* Appends the counters of socket 'xsk' (and the kernel's for it) to 'c'. */
static void
afzc_stats_add_xsk(const struct afzc_xsk *xsk, struct afzc_counter *c,
                   size_t *n)
{
    struct afzc_xsk_kstats ks;
    struct afzc_xsk_stats xs;
    bool ks_ok, v2;

    afzc_xsk_get_stats(xsk, &xs);
    ks_ok = !afzc_xsk_get_kstats(xsk, &ks);
    v2 = ks_ok && ks.has_v2;
    afzc_counter_add(c, n, "rx_packets", xs.rx_packets, true, false);
    afzc_counter_add(c, n, "rx_bytes", xs.rx_bytes, true, false);
    afzc_counter_add(c, n, "tx_packets", xs.tx_packets, true, false);
    afzc_counter_add(c, n, "tx_bytes", xs.tx_bytes, true, false);
    afzc_counter_add(c, n, "tx_zerocopy", xs.tx_zerocopy, true, false);
    afzc_counter_add(c, n, "tx_copied", xs.tx_copied, true, false);
    afzc_counter_add(c, n, "tx_dropped", xs.tx_dropped, true, false);
    afzc_counter_add(c, n, "rx_wakeups", xs.rx_wakeups, true, false);
    afzc_counter_add(c, n, "tx_kicks", xs.tx_kicks, true, false);
    afzc_counter_add(c, n, "fill_empty", xs.fill_empty, true, false);
    afzc_counter_add(c, n, "rx_dropped", ks.rx_dropped, ks_ok, false);
    afzc_counter_add(c, n, "rx_invalid_descs", ks.rx_invalid_descs, ks_ok,
                     false);
    afzc_counter_add(c, n, "tx_invalid_descs", ks.tx_invalid_descs, ks_ok,
                     false);
    afzc_counter_add(c, n, "rx_ring_full", ks.rx_ring_full, v2, false);
    afzc_counter_add(c, n, "rx_fill_ring_empty_descs",
                     ks.rx_fill_ring_empty_descs, v2, false);
    afzc_counter_add(c, n, "tx_ring_empty_descs", ks.tx_ring_empty_descs, v2,
                     false);
}

/* Stores the counters of queue 'q' of port 'v' in 'c', which has room for
 * AFZC_MAX_COUNTERS, and returns how many there are.  The names and their
 * order are part of afzc/show's documented output; do not reorder. */
static size_t
afzc_stats_queue(const struct afzc_port_view *v, int q,
                 struct afzc_counter *c)
{
    const struct afzc_xsk *xsk = v->xsks[q];
    uint64_t hs[AFZC_HOOK_N_OUTCOMES];
    struct afzc_frame_counts fc;
    struct afzc_xdp_qstats qs;
    struct afzc_xsk_stats xs;
    uint64_t csum_fixed, gso_cut;
    bool qs_ok, hs_ok;
    size_t n = 0;

    memset(&fc, 0, sizeof fc);
    afzc_xsk_get_stats(xsk, &xs);
    afzc_xsk_get_counts(xsk, &fc);
    qs_ok = !afzc_xdp_get_qstats(v->xdp, v->start_qid + q, &qs);
    atomic_read_relaxed(&v->stats->rxq[q].csum_fixed, &csum_fixed);
    atomic_read_relaxed(&v->stats->rxq[q].gso_cut, &gso_cut);

    afzc_stats_add_xsk(xsk, c, &n);
    afzc_counter_add(c, &n, "xdp_to_user", qs.packets[AFZC_XDP_TO_USER],
                     qs_ok, false);
    afzc_counter_add(c, &n, "xdp_passed", qs.packets[AFZC_XDP_PASSED],
                     qs_ok, false);
    afzc_counter_add(c, &n, "xdp_offloaded", qs.packets[AFZC_XDP_OFFLOADED],
                     qs_ok, false);
    afzc_counter_add(c, &n, "xdp_dropped", qs.packets[AFZC_XDP_DROPPED],
                     qs_ok, false);
    afzc_counter_add(c, &n, "xdp_cache_hits", qs.cache_hits, qs_ok, false);
    afzc_counter_add(c, &n, "xdp_csum_to_user", qs.csum_to_user, qs_ok,
                     false);
    afzc_counter_add(c, &n, "xdp_csum_fixed", qs.csum_fixed, qs_ok, false);
    afzc_counter_add(c, &n, "xdp_gso_to_user", qs.gso_to_user, qs_ok, false);
    afzc_counter_add(c, &n, "rx_csum_fixed", csum_fixed, true, false);
    afzc_counter_add(c, &n, "rx_gso_cut", gso_cut, true, false);
    afzc_counter_add(c, &n, "frames_fill", fc.fill, true, true);
    afzc_counter_add(c, &n, "frames_rx", fc.rx, true, true);
    afzc_counter_add(c, &n, "frames_tx", fc.tx, true, true);
    afzc_counter_add(c, &n, "frames_completion", fc.completion, true, true);
    afzc_counter_add(c, &n, "frames_stashed", fc.stashed, true, true);
    afzc_counter_add(c, &n, "fill_starved", xs.fill_starved, true, false);
    afzc_counter_add(c, &n, "bad_descs", xs.bad_descs, true, false);
    afzc_counter_add(c, &n, "rx_multi_buffer", xs.rx_multi_buffer, true,
                     false);
    afzc_counter_add(c, &n, "rx_oversized", xs.rx_oversized, true, false);
    afzc_counter_add(c, &n, "tx_multi_buffer", xs.tx_multi_buffer, true,
                     false);
    afzc_counter_add(c, &n, "fill_target", afzc_xsk_fill_target(xsk), true,
                     true);
    hs_ok = !afzc_xdp_get_hook_stats(v->xdp, v->start_qid + q, hs);
    afzc_counter_add(c, &n, "hook_passed", hs[AFZC_HOOK_PASSED], hs_ok,
                     false);
    afzc_counter_add(c, &n, "hook_dropped", hs[AFZC_HOOK_DROPPED], hs_ok,
                     false);
    afzc_counter_add(c, &n, "hook_continued", hs[AFZC_HOOK_CONTINUED],
                     hs_ok, false);
    return n;
}

/* Stores in 'cs' the per-queue counters of port 'v' as custom statistics,
 * named afzc_q<N>_<counter>.  These never go backwards (afzc/clear-stats
 * does not touch them); a counter the kernel does not report, and a gauge,
 * is left out. */
void
afzc_stats_get_custom(const struct afzc_port_view *v,
                      struct netdev_custom_stats *cs)
{
    cs->size = 0;
    cs->counters = xcalloc(MAX(v->n_rxq, 1) * AFZC_MAX_COUNTERS,
                           sizeof *cs->counters);
    for (int q = 0; v->configured && q < v->n_rxq; q++) {
        struct afzc_counter c[AFZC_MAX_COUNTERS];
        size_t n = afzc_stats_queue(v, q, c);

        for (size_t i = 0; i < n; i++) {
            if (c[i].valid && !c[i].gauge) {
                struct netdev_custom_counter *cc = &cs->counters[cs->size++];

                snprintf(cc->name, sizeof cc->name, "afzc_q%d_%s",
                         q, c[i].name);
                cc->value = c[i].value;
            }
        }
    }
}

/* Returns counter 'i', 'c', of queue 'q' of port 'v' as afzc/show reports
 * it: since the last afzc/clear-stats, unless it is a gauge. */
static uint64_t
afzc_stats_shown(const struct afzc_port_view *v, int q, size_t i,
                 const struct afzc_counter *c)
{
    const uint64_t *baselines = v->stats->baselines;

    if (c->gauge || !baselines) {
        return c->value;
    }
    return c->value - baselines[q * AFZC_MAX_COUNTERS + i];
}

/* Describes configured port 'v' (not its queues) as members of JSON object
 * 'port', or as text in 'out' if 'port' is NULL. */
static void
afzc_stats_show_port(const struct afzc_port_view *v, struct ds *out,
                     struct json *port)
{
    uint64_t flows_full, masks_full;
    unsigned int cache;
    bool in_use;

    afzc_xdp_n_full(v->xdp, &flows_full, &masks_full);
    cache = afzc_xdp_cache_entries(&in_use);
    if (port) {
        json_object_put(port, "ifindex", json_integer_create(v->ifindex));
        json_object_put_string(port, "xdp_mode", v->xdp_mode);
        json_object_put(port, "xdp_prog_id",
                        json_integer_create(afzc_xdp_prog_id(v->xdp)));
        json_object_put(port, "n_rxq", json_integer_create(v->n_rxq));
        json_object_put(port, "start_qid", json_integer_create(v->start_qid));
        json_object_put(port, "offloaded_flows",
                        json_integer_create(afzc_xdp_n_flows(v->xdp)));
        json_object_put(port, "offload_masks",
                        json_integer_create(afzc_xdp_n_masks(v->xdp)));
        json_object_put(port, "offload_flows_max",
                        json_integer_create(afzc_xdp_max_flows(v->xdp)));
        json_object_put(port, "offload_masks_max",
                        json_integer_create(afzc_xdp_max_masks(v->xdp)));
        json_object_put(port, "offload_flows_full",
                        json_integer_create(flows_full));
        json_object_put(port, "offload_masks_full",
                        json_integer_create(masks_full));
        json_object_put(port, "offload_cache_entries",
                        json_integer_create(cache));
    } else {
        ds_put_format(out, "  configured: true\n  ifindex: %d\n"
                      "  xdp_mode: %s\n  xdp_prog_id: %"PRIu32"\n"
                      "  n_rxq: %d\n  start_qid: %d\n"
                      "  offloaded_flows: %"PRIuSIZE"\n"
                      "  offload_masks: %"PRIuSIZE"\n", v->ifindex,
                      v->xdp_mode, afzc_xdp_prog_id(v->xdp), v->n_rxq,
                      v->start_qid, afzc_xdp_n_flows(v->xdp),
                      afzc_xdp_n_masks(v->xdp));
        ds_put_format(out, "  offload_flows_max: %"PRIuSIZE"\n"
                      "  offload_masks_max: %"PRIuSIZE"\n"
                      "  offload_flows_full: %"PRIu64"\n"
                      "  offload_masks_full: %"PRIu64"\n"
                      "  offload_cache_entries: %u\n",
                      afzc_xdp_max_flows(v->xdp), afzc_xdp_max_masks(v->xdp),
                      flows_full, masks_full, cache);
    }
}

/* Describes queue 'q' of port 'v' as a JSON object appended to array
 * 'queues', or as text in 'out' if 'queues' is NULL. */
static void
afzc_stats_show_queue(const struct afzc_port_view *v, int q, struct ds *out,
                      struct json *queues)
{
    struct afzc_counter c[AFZC_MAX_COUNTERS];
    size_t n = afzc_stats_queue(v, q, c);
    struct json *jq = NULL;

    if (queues) {
        jq = json_object_create();
        json_object_put(jq, "queue", json_integer_create(q));
        json_array_add(queues, jq);
    } else {
        ds_put_format(out, "  queue %d:\n", q);
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t value = afzc_stats_shown(v, q, i, &c[i]);

        if (jq) {
            json_object_put(jq, c[i].name, (c[i].valid
                                            ? json_integer_create(value)
                                            : json_null_create()));
        } else if (c[i].valid) {
            ds_put_format(out, "    %s: %"PRIu64"\n", c[i].name, value);
        } else {
            ds_put_format(out, "    %s: unavailable\n", c[i].name);
        }
    }
}

/* Appends a description of port 'v' and its queues to 'out' for afzc/show:
 * as text in the documented "key: value" layout, or as a JSON object added
 * to the array 'json' if that is nonnull.  A counter the running kernel
 * does not report is shown as "unavailable" (JSON null), never as 0. */
void
afzc_stats_show(const struct afzc_port_view *v, struct ds *out,
                struct json *json)
{
    struct json *port = NULL, *queues = NULL;

    if (json) {
        port = json_object_create();
        json_object_put_string(port, "port", v->name);
        json_object_put(port, "configured",
                        json_boolean_create(v->configured));
        json_array_add(json, port);
    } else {
        ds_put_format(out, "port %s:\n", v->name);
    }
    if (!v->configured) {
        if (!json) {
            ds_put_cstr(out, "  configured: false\n");
        }
        return;
    }

    afzc_stats_show_port(v, out, port);
    if (json) {
        queues = json_array_create_empty();
        json_object_put(port, "queues", queues);
    }
    for (int q = 0; q < v->n_rxq; q++) {
        afzc_stats_show_queue(v, q, out, queues);
    }
}

/* Makes afzc/show count the counters of port 'v' from now on.  The
 * Interface statistics are not affected. */
void
afzc_stats_clear(const struct afzc_port_view *v)
{
    struct afzc_stats *stats = v->stats;

    if (!v->configured) {
        return;
    }
    if (!stats->baselines) {
        stats->baselines = xcalloc(v->n_rxq * AFZC_MAX_COUNTERS,
                                   sizeof *stats->baselines);
    }
    for (int q = 0; q < v->n_rxq; q++) {
        struct afzc_counter c[AFZC_MAX_COUNTERS];
        size_t n = afzc_stats_queue(v, q, c);

        for (size_t i = 0; i < n; i++) {
            stats->baselines[q * AFZC_MAX_COUNTERS + i] = c[i].value;
        }
    }
}
