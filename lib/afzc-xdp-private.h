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

#ifndef AFZC_XDP_PRIVATE_H
#define AFZC_XDP_PRIVATE_H 1

/* The inside of an afzc XDP program, for lib/afzc-xdp.c (the loader) and
 * lib/afzc-xdp-flow.c (the offloaded flow table) only.  afzc-xdp.c calls
 * afzc-xdp-flow.c to set up and tear down a program's flow table, never
 * the other way round; what both need of the maps is inline here. */

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "afzc-xdp-shared.h"
#include "afzc-xdp.skel.h"
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/types.h"
#include "util.h"

/* A flow offloaded into the program's maps. */
struct afzc_xdp_flow {
    struct hmap_node node;      /* In 'flows', by hash of 'ufid'. */
    ovs_u128 ufid;
    struct afzc_flow_lookup lookup;     /* Its key in 'afzc_flows'. */
    uint32_t out_ifindex;       /* Output port, 0 if it drops. */
    uint32_t id;                /* Its actions and counters' slot. */
    uint64_t base_packets;      /* Counts of the slots it had before, */
    uint64_t base_bytes;        /* when its actions were modified. */
    uint64_t last_packets;      /* Packet count at the last read... */
    long long int used_ms;      /* ...and when it last grew, 0 if never. */
    bool in_user;               /* Its actions are AFZC_ACT_USERSPACE. */
    uint64_t epoch;             /* 'epoch' of 'xdp' when it took slot 'id'. */
};

/* An XDP program of ours, loaded and attached to one device, with the flows
 * offloaded into it.  The offloaded flows live and die with the program. */
struct afzc_xdp {
    struct ovs_list node;           /* In 'afzc_xdps'. */
    struct afzc_xdp_skel *skel;     /* Program and maps. */
    int ifindex;
    uint32_t flags;             /* XDP_FLAGS_DRV_MODE or XDP_FLAGS_SKB_MODE. */
    uint32_t prog_id;
    struct bpf_object *hook;    /* options:xdp-hook, or NULL. */
    bool frags;                 /* Takes multi-buffer frames (jumbo). */

    /* Offloaded flows.  The caller serializes access. */
    uint32_t max_flows;         /* Size of the flow table, set at load. */
    uint32_t max_masks;         /* Mask slots it may use, at most
                                 * AFZC_MAX_MASKS. */
    struct hmap flows;
    size_t n_in_user;           /* Flows in 'flows' with 'in_user'. */
    struct afzc_flow_mask masks[AFZC_MAX_MASKS];  /* Copy of the map. */
    unsigned long *ids;         /* Bitmap of the action slots in use. */
    uint32_t next_id;           /* Where to look for a free slot first. */
    uint64_t n_flows_full;      /* Flows refused: flow table full. */
    uint64_t n_masks_full;      /* Flows refused: mask table full. */

    /* Every slot's counters as one batched read of the counter map found
     * them, for afzc_xdp_flow_get_recent(): the revalidators read every
     * flow in turn, and one system call per flow is most of what tens of
     * thousands of offloaded flows cost them. */
    uint64_t epoch;             /* Counts slot allocations and reads. */
    uint64_t *snap;             /* 2 counters per CPU per slot, or NULL. */
    uint32_t *snap_keys;        /* The slot each value came from. */
    uint32_t snap_n;            /* Slots read. */
    int snap_cpus;
    long long int snap_ms;      /* When they were read. */
    size_t snap_reads;          /* Flow reads answered from them. */
    uint64_t snap_epoch;        /* 'epoch' when they were read: flows that
                                 * took their slot later are not in it. */
};

/* Returns a zeroed buffer for one value of a per-CPU map whose values are
 * 'size' bytes (a multiple of 8, as the kernel lays them out) and stores
 * the number of possible CPUs in '*n_cpusp', or returns NULL if that number
 * cannot be told. */
static inline void *
afzc_xdp_percpu_buf(size_t size, int *n_cpusp)
{
    int n_cpus = libbpf_num_possible_cpus();

    *n_cpusp = n_cpus;
    return n_cpus > 0 ? xcalloc(n_cpus, size) : NULL;
}

/* Sums, over the CPUs, the 'n' 64-bit counters that are the value of 'key'
 * in per-CPU array map 'map' into 'sums'.  Returns 0 or a positive errno
 * value, with 'sums' zeroed. */
static inline int
afzc_xdp_sum_percpu(const struct bpf_map *map, uint32_t key, uint64_t *sums,
                    size_t n)
{
    unsigned long long *percpu;
    int n_cpus, error = 0;

    memset(sums, 0, n * sizeof *sums);
    percpu = afzc_xdp_percpu_buf(n * sizeof *percpu, &n_cpus);
    if (!percpu) {
        return EINVAL;
    }
    if (bpf_map_lookup_elem(bpf_map__fd(map), &key, percpu)) {
        error = errno;
    } else {
        for (int cpu = 0; cpu < n_cpus; cpu++) {
            for (size_t i = 0; i < n; i++) {
                sums[i] += percpu[cpu * n + i];
            }
        }
    }
    free(percpu);
    return error;
}

/* Flow table set-up and teardown, in afzc-xdp-flow.c. */
void afzc_xdp_flow_init(struct afzc_xdp *);
void afzc_xdp_flow_destroy(struct afzc_xdp *);
uint32_t afzc_xdp_flow_new_gen(void);

#endif /* afzc-xdp-private.h */
