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

#include "afzc-xdp-flow.h"

#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "afzc-dev.h"
#include "afzc-xdp-private.h"
#include "bitmap.h"
#include "coverage.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/types.h"
#include "timeval.h"
#include "util.h"
#include "uuid.h"

/* Batched reads of every offloaded flow's counters (see
 * afzc_xdp_flow_get_recent()). */
COVERAGE_DEFINE(afzc_offload_stats_batch);

/* The least age of a snapshot of the counters that afzc_xdp_flow_get_recent()
 * reads again once it has answered as many reads as there are flows. */
#define AFZC_XDP_SNAP_MIN_MS 10

/* Sets up the empty flow table of 'xdp'. */
void
afzc_xdp_flow_init(struct afzc_xdp *xdp)
{
    hmap_init(&xdp->flows);
    xdp->ids = bitmap_allocate(xdp->max_flows);
}

/* Frees the flow table of 'xdp', whose program is unloaded: the offloaded
 * flows die with it. */
void
afzc_xdp_flow_destroy(struct afzc_xdp *xdp)
{
    struct afzc_xdp_flow *flow;

    HMAP_FOR_EACH_POP (flow, node, &xdp->flows) {
        free(flow);
    }
    hmap_destroy(&xdp->flows);
    bitmap_free(xdp->ids);
    free(xdp->snap);
    free(xdp->snap_keys);
}

/* Returns a flow table generation that no port has had yet in this
 * process (short of 2**32 changes), never 0, which marks an empty cache
 * entry.  Being unique, it also tells one port's cache entries from
 * another's, in the cache that all ports share. */
uint32_t
afzc_xdp_flow_new_gen(void)
{
    static uint32_t last_gen;
    uint32_t gen;

    do {
        gen = __atomic_add_fetch(&last_gen, 1, __ATOMIC_RELAXED);
    } while (!gen);
    return gen;
}

/* Returns the offloaded flow 'ufid' of 'xdp', or NULL. */
static struct afzc_xdp_flow *
afzc_xdp_flow_find(const struct afzc_xdp *xdp, const ovs_u128 *ufid)
{
    struct afzc_xdp_flow *flow;

    HMAP_FOR_EACH_WITH_HASH (flow, node, hash_bytes(ufid, sizeof *ufid, 0),
                             &xdp->flows) {
        if (ovs_u128_equals(flow->ufid, *ufid)) {
            return flow;
        }
    }
    return NULL;
}

/* Finds the slot of 'mask' in 'xdp''s mask array, or a free slot for it
 * among the first 'xdp->max_masks'.  Returns the slot, or -1 if those are
 * full. */
static int
afzc_xdp_mask_slot(const struct afzc_xdp *xdp,
                   const struct afzc_flow_key *mask)
{
    int free_slot = -1;

    for (int i = 0; i < xdp->max_masks; i++) {
        if (xdp->masks[i].n_flows) {
            if (!memcmp(&xdp->masks[i].mask, mask, sizeof *mask)) {
                return i;
            }
        } else if (free_slot < 0) {
            free_slot = i;
        }
    }
    return free_slot;
}

/* Adds 'delta' to the flow count of mask slot 'slot' (holding 'mask') and
 * writes the slot to the program's map.  Returns 0 or a positive errno
 * value. */
static int
afzc_xdp_mask_ref(struct afzc_xdp *xdp, int slot,
                  const struct afzc_flow_key *mask, int delta)
{
    uint32_t key = slot;

    uint32_t limit = 0;

    xdp->masks[slot].mask = *mask;
    xdp->masks[slot].n_flows += delta;
    if (bpf_map_update_elem(bpf_map__fd(xdp->skel->maps.afzc_masks), &key,
                            &xdp->masks[slot], BPF_ANY)) {
        xdp->masks[slot].n_flows -= delta;
        return errno;
    }

    /* Tell the program how far to look, after the slot is in place. */
    for (int i = 0; i < xdp->max_masks; i++) {
        if (xdp->masks[i].n_flows) {
            limit = i + 1;
        }
    }
    __atomic_store_n(&xdp->skel->bss->afzc_mask_limit, limit,
                     __ATOMIC_RELEASE);
    return 0;
}

/* Makes '*stats' the counters of 'flow', whose slot counts 'n[0]' packets
 * and 'n[1]' bytes over all CPUs.  The program does not stamp hits with a
 * time, which would cost every packet a helper call: a flow was last used
 * when its packet count was last seen to grow, which is as precise as the
 * revalidators, who read it every few hundred milliseconds, need. */
static void
afzc_xdp_flow_fill(struct afzc_xdp_flow *flow, const uint64_t n[2],
                   struct afzc_xdp_flow_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    stats->packets = flow->base_packets + n[0];
    stats->bytes = flow->base_bytes + n[1];
    if (stats->packets != flow->last_packets) {
        flow->last_packets = stats->packets;
        flow->used_ms = time_msec();
    }
    stats->used_ms = flow->used_ms;
    stats->in_user = flow->in_user;
}

/* Reads the counters of 'flow' from the counter map into '*stats' (see
 * afzc_xdp_flow_fill()).  Returns 0 or a positive errno value, with
 * '*stats' zeroed. */
static int
afzc_xdp_flow_read(const struct afzc_xdp *xdp, struct afzc_xdp_flow *flow,
                   struct afzc_xdp_flow_stats *stats)
{
    uint64_t n[2];              /* struct afzc_flow_stats, summed. */
    int error;

    BUILD_ASSERT(sizeof(struct afzc_flow_stats) == sizeof n);
    error = afzc_xdp_sum_percpu(xdp->skel->maps.afzc_flow_stats, flow->id,
                                n, ARRAY_SIZE(n));
    if (error) {
        memset(stats, 0, sizeof *stats);
        return error;
    }
    afzc_xdp_flow_fill(flow, n, stats);
    return 0;
}

/* Zeroes the counters in slot 'id' on every CPU.  Returns 0 or a positive
 * errno value. */
static int
afzc_xdp_stats_clear(const struct afzc_xdp *xdp, uint32_t id)
{
    struct afzc_flow_stats *zeros;
    int n_cpus, error = 0;

    zeros = afzc_xdp_percpu_buf(sizeof *zeros, &n_cpus);
    if (!zeros) {
        return EINVAL;
    }
    if (bpf_map_update_elem(bpf_map__fd(xdp->skel->maps.afzc_flow_stats),
                            &id, zeros, BPF_ANY)) {
        error = errno;
    }
    free(zeros);
    return error;
}

/* Takes a free slot of 'xdp', writes 'actions' into it and zeroes its
 * counters, and stores its index in '*idp'.  Slots are handed out round
 * robin, so that a slot just freed, which a packet in flight may still
 * use, is the last to be reused.  Returns 0, ENOSPC, or another positive
 * errno value. */
static int
afzc_xdp_id_alloc(struct afzc_xdp *xdp, const struct afzc_flow_actions
                  *actions, uint32_t *idp)
{
    uint32_t key;
    size_t id = bitmap_scan(xdp->ids, 0, xdp->next_id, xdp->max_flows);
    int error;

    if (id == xdp->max_flows) {
        id = bitmap_scan(xdp->ids, 0, 0, xdp->next_id);
        if (id == xdp->next_id) {
            return ENOSPC;
        }
    }
    key = id;
    if (bpf_map_update_elem(bpf_map__fd(xdp->skel->maps.afzc_actions), &key,
                            actions, BPF_ANY)) {
        return errno;
    }
    error = afzc_xdp_stats_clear(xdp, id);
    if (error) {
        return error;
    }
    bitmap_set1(xdp->ids, id);
    xdp->next_id = (id + 1) % xdp->max_flows;
    *idp = id;
    return 0;
}

/* Tells the program that the flow table of 'xdp' changed, which makes its
 * exact-match cache entries stale.  Called after each change is in the
 * maps. */
static void
afzc_xdp_flows_changed(struct afzc_xdp *xdp)
{
    __atomic_store_n(&xdp->skel->bss->afzc_flow_gen, afzc_xdp_flow_new_gen(),
                     __ATOMIC_RELEASE);
}

/* Gives offloaded flow 'flow' the actions 'acts', whose output port (0 if
 * none) is 'out_ifindex'.  The actions go to a new slot, which the flow
 * table entry then points to, so that a packet sees either the old actions
 * or the new ones, never a mix; the counters of the old slot are carried
 * over.  Returns 0 or a positive errno value. */
static int
afzc_xdp_flow_modify(struct afzc_xdp *xdp, struct afzc_xdp_flow *flow,
                     const struct afzc_flow_actions *acts,
                     uint32_t out_ifindex)
{
    int flows_fd = bpf_map__fd(xdp->skel->maps.afzc_flows);
    bool in_user = acts->actions[0].type == AFZC_ACT_USERSPACE;
    struct afzc_xdp_flow_stats old_stats;
    struct afzc_flow_value value;
    int error;

    error = afzc_xdp_id_alloc(xdp, acts, &value.id);
    if (error) {
        return error;
    }
    if (bpf_map_update_elem(flows_fd, &flow->lookup, &value, BPF_EXIST)) {
        error = errno;
        bitmap_set0(xdp->ids, value.id);
        return error;
    }
    afzc_xdp_flows_changed(xdp);
    if (!afzc_xdp_flow_read(xdp, flow, &old_stats)) {
        flow->base_packets = old_stats.packets;
        flow->base_bytes = old_stats.bytes;
    }
    bitmap_set0(xdp->ids, flow->id);
    flow->id = value.id;
    flow->epoch = ++xdp->epoch;
    flow->out_ifindex = out_ifindex;
    xdp->n_in_user += (int) in_user - (int) flow->in_user;
    flow->in_user = in_user;
    return 0;
}

/* Makes offloaded flow 'ufid' hand its frames to user space, as if it were
 * not offloaded, and stop counting them, while keeping its entry and the
 * counters of its time in XDP: for a flow whose actions were changed to
 * ones the program cannot execute.  Open vSwitch then counts its packets
 * in user space and adds the kept counters to them.  Returns 0, ENOENT if
 * 'ufid' is not offloaded, or another positive errno value. */
int
afzc_xdp_flow_to_user(struct afzc_xdp *xdp, const ovs_u128 *ufid)
{
    struct afzc_xdp_flow *flow = afzc_xdp_flow_find(xdp, ufid);
    struct afzc_flow_actions acts;

    if (!flow) {
        return ENOENT;
    }
    if (flow->in_user) {
        return 0;
    }
    memset(&acts, 0, sizeof acts);
    acts.actions[0].type = AFZC_ACT_USERSPACE;
    return afzc_xdp_flow_modify(xdp, flow, &acts, 0);
}

/* Offloads flow 'ufid', matching packets whose parsed key, masked by
 * 'mask', equals 'key' (already masked), with 'actions'.  An existing flow
 * 'ufid' is modified and keeps its counters.  Returns 0, ENOSPC when the
 * flow or mask table is full, or another positive errno value. */
int
afzc_xdp_flow_put(struct afzc_xdp *xdp, const ovs_u128 *ufid,
                  const struct afzc_flow_key *key,
                  const struct afzc_flow_key *mask,
                  const struct afzc_flow_action *actions, size_t n_actions)
{
    int flows_fd = bpf_map__fd(xdp->skel->maps.afzc_flows);
    struct afzc_xdp_flow *old = afzc_xdp_flow_find(xdp, ufid);
    struct afzc_flow_actions acts;
    struct afzc_flow_lookup lookup;
    struct afzc_flow_value value;
    uint32_t out_ifindex = 0;
    int slot, error;

    ovs_assert(n_actions <= AFZC_MAX_ACTIONS);
    memset(&acts, 0, sizeof acts);
    memcpy(acts.actions, actions, n_actions * sizeof *actions);
    for (size_t i = 0; i < n_actions; i++) {
        if (actions[i].type == AFZC_ACT_OUTPUT) {
            out_ifindex = actions[i].ifindex;
        }
    }

    if (out_ifindex
        && bpf_map_update_elem(bpf_map__fd(xdp->skel->maps.afzc_ports),
                               &out_ifindex, &out_ifindex, BPF_ANY)) {
        return errno;
    }

    if (old) {
        return afzc_xdp_flow_modify(xdp, old, &acts, out_ifindex);
    }

    slot = afzc_xdp_mask_slot(xdp, mask);
    if (slot < 0) {
        xdp->n_masks_full++;
        return ENOSPC;
    }
    error = afzc_xdp_id_alloc(xdp, &acts, &value.id);
    if (error) {
        xdp->n_flows_full += error == ENOSPC;
        return error;
    }

    memset(&lookup, 0, sizeof lookup);
    lookup.mask_idx = slot;
    lookup.key = *key;
    if (bpf_map_update_elem(flows_fd, &lookup, &value, BPF_NOEXIST)) {
        /* EEXIST: another megaflow with the same masked key, which can only
         * have the same actions; leave it to user space. */
        error = errno;
        bitmap_set0(xdp->ids, value.id);
        return error;
    }
    error = afzc_xdp_mask_ref(xdp, slot, mask, 1);
    if (error) {
        bpf_map_delete_elem(flows_fd, &lookup);
        bitmap_set0(xdp->ids, value.id);
        return error;
    }

    struct afzc_xdp_flow *flow = xzalloc(sizeof *flow);
    flow->ufid = *ufid;
    flow->lookup = lookup;
    flow->out_ifindex = out_ifindex;
    flow->id = value.id;
    flow->epoch = ++xdp->epoch;
    hmap_insert(&xdp->flows, &flow->node, hash_bytes(ufid, sizeof *ufid, 0));
    afzc_xdp_flows_changed(xdp);
    return 0;
}

/* Reads the counters of offloaded flow 'ufid'.  Returns 0 or ENOENT. */
int
afzc_xdp_flow_get(struct afzc_xdp *xdp, const ovs_u128 *ufid,
                  struct afzc_xdp_flow_stats *stats)
{
    struct afzc_xdp_flow *flow = afzc_xdp_flow_find(xdp, ufid);

    return flow ? afzc_xdp_flow_read(xdp, flow, stats) : ENOENT;
}

/* Reads every slot's counters of 'xdp' into its snapshot, with as few
 * batched lookups of the counter map as the kernel needs, if the snapshot
 * is 'max_age_ms' old or more, or if it has answered as many reads as
 * there are flows and is AFZC_XDP_SNAP_MIN_MS old or more: a pass over all
 * the flows (a revalidator's dump) is then over, and the next one should
 * see counters of its own time.  Either way a snapshot costs at most one
 * batched read per flow read, in bulk.  Returns 0 or a positive errno
 * value (then the snapshot is invalid). */
static int
afzc_xdp_snap_refresh(struct afzc_xdp *xdp, long long int max_age_ms)
{
    LIBBPF_OPTS(bpf_map_batch_opts, opts);
    int fd = bpf_map__fd(xdp->skel->maps.afzc_flow_stats);
    long long int now = time_msec();
    long long int age = now - xdp->snap_ms;
    size_t stride;
    uint32_t done = 0, next;

    if (xdp->snap_n && age < max_age_ms
        && (xdp->snap_reads < hmap_count(&xdp->flows)
            || age < AFZC_XDP_SNAP_MIN_MS)) {
        return 0;
    }
    xdp->snap_n = 0;
    xdp->snap_reads = 0;
    if (!xdp->snap) {
        xdp->snap_cpus = libbpf_num_possible_cpus();
        if (xdp->snap_cpus <= 0) {
            return EINVAL;
        }
        xdp->snap = xcalloc((size_t) xdp->max_flows * xdp->snap_cpus,
                            sizeof(struct afzc_flow_stats));
        xdp->snap_keys = xcalloc(xdp->max_flows, sizeof *xdp->snap_keys);
    }
    stride = xdp->snap_cpus * 2;     /* Counters per slot. */

    while (done < xdp->max_flows) {
        uint32_t n = xdp->max_flows - done;
        int error;

        error = bpf_map_lookup_batch(fd, done ? &next : NULL, &next,
                                     xdp->snap_keys + done,
                                     xdp->snap + done * stride, &n, &opts);
        done += n;
        if (error) {
            if (errno != ENOENT) {
                return errno;
            }
            break;              /* The end of the map. */
        }
    }
    COVERAGE_INC(afzc_offload_stats_batch);
    xdp->snap_n = done;
    xdp->snap_ms = now;
    xdp->snap_epoch = ++xdp->epoch;
    return 0;
}

/* Reads the counters of offloaded flow 'ufid' into '*stats', as they were
 * at most 'max_age_ms' milliseconds ago: from a snapshot of every flow's
 * counters, taken in one go, when the table holds enough flows for that to
 * cost less than reading each on its own (a sixteenth of its slots, and at
 * least 64).  For the revalidators, who read each flow in turn every few
 * hundred milliseconds: each of their passes over the flows costs about
 * one batched read (see afzc_xdp_snap_refresh()), where it used to take a
 * system call per flow.  Returns 0 or ENOENT. */
int
afzc_xdp_flow_get_recent(struct afzc_xdp *xdp, const ovs_u128 *ufid,
                         long long int max_age_ms,
                         struct afzc_xdp_flow_stats *stats)
{
    struct afzc_xdp_flow *flow = afzc_xdp_flow_find(xdp, ufid);
    size_t n_flows = hmap_count(&xdp->flows);
    uint64_t n[2] = { 0, 0 };
    const uint64_t *v;

    if (!flow) {
        return ENOENT;
    }
    if (n_flows < 64 || n_flows < xdp->max_flows / 16
        || afzc_xdp_snap_refresh(xdp, max_age_ms)
        || flow->epoch > xdp->snap_epoch
        || flow->id >= xdp->snap_n || xdp->snap_keys[flow->id] != flow->id) {
        return afzc_xdp_flow_read(xdp, flow, stats);
    }

    v = xdp->snap + (size_t) flow->id * xdp->snap_cpus * 2;
    for (int cpu = 0; cpu < xdp->snap_cpus; cpu++) {
        n[0] += v[cpu * 2];
        n[1] += v[cpu * 2 + 1];
    }
    xdp->snap_reads++;
    afzc_xdp_flow_fill(flow, n, stats);
    return 0;
}

/* Removes offloaded flow 'flow' from 'xdp'. */
static void
afzc_xdp_flow_remove(struct afzc_xdp *xdp, struct afzc_xdp_flow *flow)
{
    int slot = flow->lookup.mask_idx;

    bpf_map_delete_elem(bpf_map__fd(xdp->skel->maps.afzc_flows),
                        &flow->lookup);
    afzc_xdp_mask_ref(xdp, slot, &xdp->masks[slot].mask, -1);
    afzc_xdp_flows_changed(xdp);
    bitmap_set0(xdp->ids, flow->id);
    xdp->n_in_user -= flow->in_user;
    hmap_remove(&xdp->flows, &flow->node);
    free(flow);
}

/* Removes offloaded flow 'ufid', storing its last counters in '*stats' if
 * nonnull.  Returns 0 or ENOENT. */
int
afzc_xdp_flow_del(struct afzc_xdp *xdp, const ovs_u128 *ufid,
                  struct afzc_xdp_flow_stats *stats)
{
    struct afzc_xdp_flow *flow = afzc_xdp_flow_find(xdp, ufid);

    if (!flow) {
        return ENOENT;
    }
    if (stats) {
        afzc_xdp_flow_read(xdp, flow, stats);
    }
    afzc_xdp_flow_remove(xdp, flow);
    return 0;
}

/* Removes every offloaded flow of 'xdp'. */
void
afzc_xdp_flow_flush(struct afzc_xdp *xdp)
{
    struct afzc_xdp_flow *flow;

    HMAP_FOR_EACH_SAFE (flow, node, &xdp->flows) {
        afzc_xdp_flow_remove(xdp, flow);
    }
}

/* Returns the number of flows whose actions 'xdp' executes: its flow table
 * entries, less those that hand their frames to user space. */
size_t
afzc_xdp_n_flows(const struct afzc_xdp *xdp)
{
    return hmap_count(&xdp->flows) - xdp->n_in_user;
}

/* Returns the number of mask slots in use in 'xdp'. */
size_t
afzc_xdp_n_masks(const struct afzc_xdp *xdp)
{
    size_t n = 0;

    for (int i = 0; i < AFZC_MAX_MASKS; i++) {
        n += xdp->masks[i].n_flows > 0;
    }
    return n;
}

/* Returns the size of the flow table of 'xdp'. */
size_t
afzc_xdp_max_flows(const struct afzc_xdp *xdp)
{
    return xdp->max_flows;
}

/* Returns the number of mask slots 'xdp' may use. */
size_t
afzc_xdp_max_masks(const struct afzc_xdp *xdp)
{
    return xdp->max_masks;
}

/* Stores in '*flows_full' and '*masks_full' how many flows 'xdp' refused,
 * and left to user space, because its flow table or its mask table was
 * full. */
void
afzc_xdp_n_full(const struct afzc_xdp *xdp, uint64_t *flows_full,
                uint64_t *masks_full)
{
    *flows_full = xdp->n_flows_full;
    *masks_full = xdp->n_masks_full;
}

/* Appends the UFID of each flow whose actions 'xdp' executes (not those
 * handed to user space) to 'out', one per line, in no particular order. */
void
afzc_xdp_flow_dump_ufids(const struct afzc_xdp *xdp, struct ds *out)
{
    const struct afzc_xdp_flow *flow;

    HMAP_FOR_EACH (flow, node, &xdp->flows) {
        if (!flow->in_user) {
            ds_put_format(out, "ufid:"UUID_FMT"\n",
                          UUID_ARGS((const struct uuid *) &flow->ufid));
        }
    }
}

/* One offloaded flow as afzc_xdp_flows_save() copied it. */
struct afzc_xdp_saved_flow {
    ovs_u128 ufid;
    struct afzc_flow_key key, mask;
    struct afzc_flow_actions acts;
    struct afzc_xdp_flow_stats stats;
};

struct afzc_xdp_saved_flows {
    size_t n;
    struct afzc_xdp_saved_flow *flows;
};

/* Copies the offloaded flows of 'xdp', their matches, actions and counters,
 * for afzc_xdp_flows_restore() to put into the program that replaces it
 * when its port is set up again (a new XDP mode, number of queues and so
 * on).  Open vSwitch does not offload its datapath flows again when a port
 * is reconfigured: without this, they would run in user space until
 * something changed them.  Returns NULL if 'xdp' is NULL or has no
 * flows. */
struct afzc_xdp_saved_flows *
afzc_xdp_flows_save(struct afzc_xdp *xdp)
{
    int actions_fd;
    struct afzc_xdp_saved_flows *saved;
    struct afzc_xdp_flow *flow;

    if (!xdp || hmap_is_empty(&xdp->flows)) {
        return NULL;
    }
    actions_fd = bpf_map__fd(xdp->skel->maps.afzc_actions);
    saved = xzalloc(sizeof *saved);
    saved->flows = xcalloc(hmap_count(&xdp->flows), sizeof *saved->flows);
    HMAP_FOR_EACH (flow, node, &xdp->flows) {
        struct afzc_xdp_saved_flow *sf = &saved->flows[saved->n];
        uint32_t id = flow->id;

        if (bpf_map_lookup_elem(actions_fd, &id, &sf->acts)
            || afzc_xdp_flow_read(xdp, flow, &sf->stats)) {
            continue;
        }
        sf->ufid = flow->ufid;
        sf->key = flow->lookup.key;
        sf->mask = xdp->masks[flow->lookup.mask_idx].mask;
        saved->n++;
    }
    return saved;
}

/* Puts the flows of 'saved' into 'xdp', a new program on the same port,
 * with the counters they had (a flow handed to user space stays so), and
 * frees 'saved'.  A flow that does not fit, or whose output port is gone,
 * is left out: its packets take the user path.  If 'zerocopy' (the new
 * program's queues are in zero-copy mode), a flow whose output device drops
 * the frames redirected from zero-copy queues (see
 * afzc_dev_takes_zc_redirects()) is put as handed to user space, as
 * afzc_xdp_flow_to_user() does, with the counters of its time in XDP.  With
 * 'xdp' NULL, only frees 'saved'.  Returns the number of flows put. */
size_t
afzc_xdp_flows_restore(struct afzc_xdp *xdp,
                       struct afzc_xdp_saved_flows *saved, bool zerocopy)
{
    size_t n = 0;

    if (!saved) {
        return 0;
    }
    for (size_t i = 0; xdp && i < saved->n; i++) {
        struct afzc_xdp_saved_flow *sf = &saved->flows[i];
        struct afzc_xdp_flow *flow;
        size_t n_acts = 0;

        while (n_acts < AFZC_MAX_ACTIONS
               && sf->acts.actions[n_acts].type != AFZC_ACT_NONE) {
            const struct afzc_flow_action *a = &sf->acts.actions[n_acts++];

            if (zerocopy && a->type == AFZC_ACT_OUTPUT
                && !afzc_dev_takes_zc_redirects(a->ifindex)) {
                memset(&sf->acts, 0, sizeof sf->acts);
                sf->acts.actions[0].type = AFZC_ACT_USERSPACE;
                sf->stats.in_user = true;
                n_acts = 1;
                break;
            }
        }
        if (afzc_xdp_flow_put(xdp, &sf->ufid, &sf->key, &sf->mask,
                              sf->acts.actions, n_acts)) {
            continue;
        }
        flow = afzc_xdp_flow_find(xdp, &sf->ufid);
        flow->base_packets = sf->stats.packets;
        flow->base_bytes = sf->stats.bytes;
        flow->last_packets = sf->stats.packets;
        flow->used_ms = sf->stats.used_ms;
        if (sf->stats.in_user) {
            flow->in_user = true;
            xdp->n_in_user++;
        }
        n++;
    }
    free(saved->flows);
    free(saved);
    return n;
}
