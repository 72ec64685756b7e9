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

/* XDP programs of utilities/ovs-afzc-bench, the afzc benchmark tool.
 *
 *   bench_gen       runs under BPF_PROG_TEST_RUN in live-frames mode and
 *                   sends every frame it is given back out of the device
 *                   named in the test run's context: the packet generator.
 *                   It is also attached, for as long as the generator
 *                   runs, to a device where it does nothing (see
 *                   bench_gen_ifindex).
 *   bench_sink      counts and drops everything: the receiver.
 *   bench_redirect  sends every frame to the device in slot 0 of
 *                   bench_out: the bare XDP forwarding baseline.
 *   bench_xsk       hands every frame to the AF_XDP socket of the queue it
 *                   arrived on, or to Linux if there is none.
 *
 * All four count what they did in bench_counts, a per-CPU array indexed by
 * enum bench_counter; the user-space side adds up the CPUs. */

#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "afzc-bench.h"


struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, BENCH_N_COUNTERS);
    __type(key, __u32);
    __type(value, __u64);
} bench_counts SEC(".maps");

/* Slot 0: ifindex of the device bench_redirect forwards to. */
struct {
    __uint(type, BPF_MAP_TYPE_DEVMAP);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u32);
} bench_out SEC(".maps");

/* Rx queue -> AF_XDP socket, for bench_xsk. */
struct {
    __uint(type, BPF_MAP_TYPE_XSKMAP);
    __uint(max_entries, 64);
    __type(key, __u32);
    __type(value, __u32);
} bench_xsks SEC(".maps");

/* Ifindex of the generator's device, set before loading.  bench_gen sends
 * only frames that claim to come from that device, that is, those of the
 * test run; on any other device it passes everything on untouched.
 *
 * Why it is ever attached elsewhere: each BPF_PROG_TEST_RUN of an XDP
 * program adds the program to the kernel's XDP dispatcher and removes it
 * afterwards, and each change waits for an RCU grace period, which makes a
 * test run take milliseconds whatever it sends.  A program that is already
 * attached to a device stays in the dispatcher, so the generator keeps it
 * attached (to lo, in generic mode) while it runs. */
const volatile __u32 bench_gen_ifindex = 0;

/* Number of flows bench_gen sends, set before loading.  With more than one,
 * frame i of a CPU gets UDP source port bench_gen_port_base + i % flows and
 * a zero UDP checksum (none, valid for IPv4), so that the switch sees that
 * many flows.  The generator builds an Ethernet/IPv4/UDP frame with a
 * 20-byte IP header, whose checksum does not cover the ports.
 *
 * A live-frames test run hands the program the same few pages again and
 * again, keeping what it wrote into them, so the port is written whole for
 * every frame, never adjusted. */
const volatile __u32 bench_gen_flows = 1;
const volatile __u32 bench_gen_port_base = 9;

#define BENCH_UDP_OFS (14 + 20)  /* Ethernet header, IPv4 header. */

static __always_inline void
bench_add(__u32 slot, __u64 n)
{
    __u64 *value = bpf_map_lookup_elem(&bench_counts, &slot);

    if (value) {
        *value += n;
    }
}

/* Counts one frame of 'ctx'. */
static __always_inline void
bench_count_frame(struct xdp_md *ctx)
{
    bench_add(BENCH_PACKETS, 1);
    bench_add(BENCH_BYTES, ctx->data_end - ctx->data);
}

SEC("xdp")
int
bench_gen(struct xdp_md *ctx)
{
    if (ctx->ingress_ifindex != bench_gen_ifindex) {
        return XDP_PASS;
    }
    if (bench_gen_flows > 1) {
        void *data = (void *) (long) ctx->data;
        void *data_end = (void *) (long) ctx->data_end;
        __u16 *udp = data + BENCH_UDP_OFS;
        __u32 slot = BENCH_PACKETS;
        __u64 *seq;

        if ((void *) (udp + 4) > data_end) {
            return XDP_ABORTED;
        }
        /* This CPU's frame count so far numbers the frame. */
        seq = bpf_map_lookup_elem(&bench_counts, &slot);
        if (seq) {
            udp[0] = bpf_htons(bench_gen_port_base
                               + (__u32) (*seq % bench_gen_flows));
            udp[3] = 0;
        }
    }
    bench_count_frame(ctx);
    return XDP_TX;
}

SEC("xdp")
int
bench_sink(struct xdp_md *ctx)
{
    bench_count_frame(ctx);
    return XDP_DROP;
}

SEC("xdp")
int
bench_redirect(struct xdp_md *ctx)
{
    long verdict;

    bench_count_frame(ctx);
    verdict = bpf_redirect_map(&bench_out, 0, XDP_ABORTED);
    if (verdict != XDP_REDIRECT) {
        bench_add(BENCH_FAILED, 1);
    }
    return verdict;
}

SEC("xdp")
int
bench_xsk(struct xdp_md *ctx)
{
    long verdict;

    bench_count_frame(ctx);
    verdict = bpf_redirect_map(&bench_xsks, ctx->rx_queue_index, XDP_PASS);
    if (verdict != XDP_REDIRECT) {
        bench_add(BENCH_FAILED, 1);
    }
    return verdict;
}

char _license[] SEC("license") = "GPL";
