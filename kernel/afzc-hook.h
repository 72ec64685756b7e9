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

#ifndef AFZC_HOOK_H
#define AFZC_HOOK_H 1

/* The interface between an afzc port's XDP program and an XDP hook: a BPF
 * object that options:xdp-hook=FILE names, and that runs before afzc's own
 * processing, on every frame of the port's queues.
 *
 * A hook is one XDP program (SEC("xdp")) in an object compiled with
 * "clang -O2 -target bpf".  It includes this header, which declares the two
 * maps it shares with the port's program (afzc loads the hook with the
 * port's own maps in their place), and ends each frame with one of:
 *
 *   return afzc_hook_pass(ctx);       the frame goes to Linux's stack;
 *   return afzc_hook_drop(ctx);       the frame is dropped;
 *   return afzc_hook_continue(ctx);   afzc switches the frame as usual.
 *
 * afzc counts each outcome per queue (hook_passed, hook_dropped,
 * hook_continued in afzc/show and the Interface statistics).  A hook that
 * returns a verdict in any other way is not counted, and anything but
 * XDP_PASS or XDP_DROP is not supported.
 *
 * The chaining is a tail call: the port's program calls slot
 * AFZC_HOOK_SLOT of 'afzc_hook_progs', which holds the hook, and
 * afzc_hook_continue() calls slot AFZC_HOOK_CONTINUE_SLOT, which holds the
 * rest of afzc's program.  Tail calls need no privilege beyond loading an
 * XDP program, unlike freplace (BPF_PROG_TYPE_EXT), so this works wherever
 * afzc does.  A hook must not change the frame's size or headers that
 * afzc's flows match on unless it means to, and it has the usual tail-call
 * budget minus two. */

/* Slots of 'afzc_hook_progs'. */
#define AFZC_HOOK_SLOT 0
#define AFZC_HOOK_CONTINUE_SLOT 1

/* Most queues of a port, as in lib/afzc-xdp-shared.h. */
#define AFZC_HOOK_MAX_QUEUES 64

/* Indexes of struct afzc_hook_counters. */
enum afzc_hook_outcome {
    AFZC_HOOK_PASSED,
    AFZC_HOOK_DROPPED,
    AFZC_HOOK_CONTINUED,
    AFZC_HOOK_N_OUTCOMES
};

/* What the hook did with the frames of one queue, on one CPU. */
struct afzc_hook_counters {
    unsigned long long n[AFZC_HOOK_N_OUTCOMES];
};

/* The rest is for BPF programs only; ovs-vswitchd uses the definitions
 * above. */
#ifdef __bpf__
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* The hook, and the rest of the port's program. */
struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u32);
} afzc_hook_progs SEC(".maps");

/* Rx queue index -> outcomes of the hook, per CPU. */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, AFZC_HOOK_MAX_QUEUES);
    __type(key, __u32);
    __type(value, struct afzc_hook_counters);
} afzc_hook_counts SEC(".maps");

/* Counts outcome 'outcome' on the queue of 'ctx'. */
static __always_inline void
afzc_hook_count(struct xdp_md *ctx, enum afzc_hook_outcome outcome)
{
    __u32 queue = ctx->rx_queue_index;
    struct afzc_hook_counters *c = bpf_map_lookup_elem(&afzc_hook_counts,
                                                       &queue);

    if (c && outcome < AFZC_HOOK_N_OUTCOMES) {
        c->n[outcome]++;
    }
}

/* Gives the frame of 'ctx' to Linux. */
static __always_inline int
afzc_hook_pass(struct xdp_md *ctx)
{
    afzc_hook_count(ctx, AFZC_HOOK_PASSED);
    return XDP_PASS;
}

/* Drops the frame of 'ctx'. */
static __always_inline int
afzc_hook_drop(struct xdp_md *ctx)
{
    afzc_hook_count(ctx, AFZC_HOOK_DROPPED);
    return XDP_DROP;
}

/* Hands the frame of 'ctx' on to afzc.  Does not return, unless afzc's
 * program is gone from the slot, when the frame goes to Linux. */
static __always_inline int
afzc_hook_continue(struct xdp_md *ctx)
{
    bpf_tail_call(ctx, &afzc_hook_progs, AFZC_HOOK_CONTINUE_SLOT);
    return XDP_PASS;
}
#endif /* __bpf__ */

#endif /* afzc-hook.h */
