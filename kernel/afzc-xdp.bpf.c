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

/* Counts one frame of rx queue 'queue' under 'verdict'. */
static __always_inline void
afzc_count(__u32 queue, enum afzc_xdp_verdict verdict)
{
    struct afzc_xdp_qstats *qs = bpf_map_lookup_elem(&afzc_qstats, &queue);

    if (qs) {
        qs->packets[verdict]++;
    }
}

SEC("xdp")
int
afzc_xdp_prog(struct xdp_md *ctx)
{
    __u32 queue = ctx->rx_queue_index;
    int action;

    action = bpf_redirect_map(&afzc_xsks, queue, XDP_PASS);
    afzc_count(queue, action == XDP_REDIRECT ? AFZC_XDP_TO_USER
                                             : AFZC_XDP_PASSED);
    return action;
}

char _license[] SEC("license") = "GPL";
