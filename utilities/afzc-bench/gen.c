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

/* ovs-afzc-bench gen: sends one UDP frame over and over out of a device,
 * with BPF_PROG_TEST_RUN in live-frames mode on bench_gen. */

#include "bench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "afzc-bench.skel.h"

/* Keeps bench_gen in the kernel's XDP dispatcher while the generator runs
 * by attaching it, in generic mode, to device 'c->hold_dev', where it passes
 * every frame on (see bench_gen_ifindex in kernel/afzc-bench.bpf.c).
 * Without that, every test run waits for two RCU grace periods and the
 * generator is slowed down by a factor of ten or more. */
static void
gen_hold(const struct gen_config *c, struct afzc_bench_skel *skel)
{
    LIBBPF_OPTS(bpf_xdp_query_opts, query);
    int ifindex;

    if (!c->hold_dev || !c->hold_dev[0]) {
        return;
    }
    ifindex = if_nametoindex(c->hold_dev);
    if (!ifindex) {
        bench_warning("--hold-dev: no device '%s'; sending will be slow",
                      c->hold_dev);
        return;
    }
    if (!bpf_xdp_query(ifindex, XDP_FLAGS_SKB_MODE, &query)
        && query.attach_mode != XDP_ATTACHED_NONE) {
        bench_warning("%s already has an XDP program; not holding the "
                      "generator there, sending will be slow", c->hold_dev);
        return;
    }
    bench_attach(c->hold_dev, ifindex, skel->progs.bench_gen,
                 XDP_FLAGS_SKB_MODE);
}

/* Prints the usage of 'gen'. */
static void
gen_usage(void)
{
    printf("\
usage: %s gen --dev DEV [OPTION]...\n\
Sends UDP packets out of DEV as fast as the kernel takes them.\n\
  --dev DEV          device to send from (run in its network namespace)\n\
  --size BYTES       frame size including the FCS, 64 to 1518 (default 64)\n\
  --seconds S        how long to send (default 10)\n\
  --count N          stop after N packets (default: no limit)\n\
  --rate PPS         send at most PPS packets a second, in bursts of a\n\
                     millisecond's worth (default: as fast as the kernel\n\
                     takes them)\n\
  --batch N          frames per kernel batch, 1 to 256 (default 64)\n\
  --src-mac MAC      source Ethernet address (default 02:af:2c:00:00:01)\n\
  --dst-mac MAC      destination Ethernet address\n\
                     (default 02:af:2c:00:00:02)\n\
  --src-ip IP        source IPv4 address (default 198.18.0.1)\n\
  --dst-ip IP        destination IPv4 address (default 198.18.0.2)\n\
  --src-port PORT    UDP source port (default 9)\n\
  --flows N          send N flows: packet i gets source port PORT + i %% N,\n\
                     and no UDP checksum if N > 1 (default 1)\n\
  --dst-port PORT    UDP destination port (default 9)\n\
  --hold-dev DEV     device where the program is kept attached in generic\n\
                     mode while sending, passing all its traffic; ''\n\
                     for none, which is much slower (default lo)\n\
  --quiet            print only the KEY=VALUE result line\n",
           bench_program_name);
}

/* Parses the options of "gen" in 'argc' and 'argv' into '*c', which has
 * the defaults.  Returns false if the usage was asked for and printed. */
static bool
gen_parse_options(int argc, char *argv[], struct gen_config *c)
{
    static const struct option options[] = {
        { "dev", required_argument, NULL, 'd' },
        { "size", required_argument, NULL, 's' },
        { "seconds", required_argument, NULL, 't' },
        { "count", required_argument, NULL, 'n' },
        { "rate", required_argument, NULL, 'r' },
        { "batch", required_argument, NULL, 'b' },
        { "src-mac", required_argument, NULL, 'M' },
        { "dst-mac", required_argument, NULL, 'm' },
        { "src-ip", required_argument, NULL, 'I' },
        { "dst-ip", required_argument, NULL, 'i' },
        { "src-port", required_argument, NULL, 'P' },
        { "dst-port", required_argument, NULL, 'p' },
        { "flows", required_argument, NULL, 'f' },
        { "hold-dev", required_argument, NULL, 'H' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt;

    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'd': c->dev = optarg; break;
        case 's': c->size = bench_parse_uint("--size", optarg, 64, 1518);
            break;
        case 't': c->seconds = bench_parse_seconds("--seconds", optarg);
            break;
        case 'n': c->count = bench_parse_uint("--count", optarg, 1,
                                              ULLONG_MAX);
            break;
        case 'r': c->rate = bench_parse_uint("--rate", optarg, 1,
                                             100000000);
            break;
        case 'b': c->batch = bench_parse_uint("--batch", optarg, 1, 256);
            break;
        case 'M': bench_parse_mac("--src-mac", optarg, c->src_mac); break;
        case 'm': bench_parse_mac("--dst-mac", optarg, c->dst_mac); break;
        case 'I': bench_parse_ip("--src-ip", optarg, &c->src_ip); break;
        case 'i': bench_parse_ip("--dst-ip", optarg, &c->dst_ip); break;
        case 'P':
            c->src_port = bench_parse_uint("--src-port", optarg, 0, 65535);
            break;
        case 'p':
            c->dst_port = bench_parse_uint("--dst-port", optarg, 0, 65535);
            break;
        case 'f':
            c->flows = bench_parse_uint("--flows", optarg, 1, 65536);
            break;
        case 'H': c->hold_dev = optarg; break;
        case 'q': c->quiet = true; break;
        case 'h': gen_usage(); return false;
        default: bench_fatal("try '%s gen --help'", bench_program_name);
        }
    }
    if (optind < argc) {
        bench_fatal("gen: unexpected argument '%s'", argv[optind]);
    }
    if (c->src_port + c->flows - 1 > 65535) {
        bench_fatal("--flows %u from --src-port %u goes past port 65535",
                    c->flows, (unsigned int) c->src_port);
    }
    return true;
}

/* Sends the 'len'-byte 'frame' with program 'prog_fd', as the test run
 * context 'ctx' says, until 'c' or a signal says to stop. */
static void
gen_send(const struct gen_config *c, int prog_fd, uint8_t *frame,
         size_t len, struct xdp_md *ctx)
{
    /* Each test run sends 'chunk' frames and cannot be interrupted except
     * by a signal, so 'chunk' is adjusted to keep one run near 20 ms. */
    unsigned int chunk = 4096;
    unsigned long long sent = 0;
    double start = bench_now();

    for (;;) {
        LIBBPF_OPTS(bpf_test_run_opts, opts,
                    .data_in = frame,
                    .data_size_in = len,
                    .ctx_in = ctx,
                    .ctx_size_in = sizeof *ctx,
                    .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
                    .batch_size = c->batch);
        double t0, dt;

        if (bench_stop_requested
            || (c->seconds && bench_now() - start >= c->seconds)
            || (c->count && sent >= c->count)) {
            break;
        }
        opts.repeat = chunk;
        if (c->rate) {
            /* Paced: wait until the next burst is due, then send a
             * millisecond's worth, at least one batch. */
            double ahead = sent / (double) c->rate - (bench_now() - start);
            unsigned long long burst = c->rate / 1000;

            if (ahead > 0 && !bench_nap(ahead)) {
                break;
            }
            if (burst < c->batch) {
                burst = c->batch;
            }
            opts.repeat = burst < chunk ? burst : chunk;
        }
        if (c->count && c->count - sent < opts.repeat) {
            opts.repeat = c->count - sent;
        }
        t0 = bench_now();
        if (bpf_prog_test_run_opts(prog_fd, &opts)) {
            if (errno == EINTR) {
                continue;
            }
            bench_fatal("sending on %s failed: %s", c->dev, strerror(errno));
        }
        sent += opts.repeat;
        dt = bench_now() - t0;
        if (dt < 0.01 && chunk < (1u << 22)) {
            chunk *= 2;
        } else if (dt > 0.04 && chunk > 64) {
            chunk /= 2;
        }
    }
}

/* ovs-afzc-bench gen: parses its options and runs it.  Returns the exit
 * status. */
int
gen_main(int argc, char *argv[])
{
    struct gen_config c = {
        .hold_dev = "lo",
        .size = 64, .seconds = 10, .batch = 64,
        .src_mac = { 0x02, 0xaf, 0x2c, 0, 0, 1 },
        .dst_mac = { 0x02, 0xaf, 0x2c, 0, 0, 2 },
        .src_port = 9, .dst_port = 9, .flows = 1,
    };
    uint64_t before[BENCH_N_COUNTERS], after[BENCH_N_COUNTERS];
    unsigned long long sent;
    struct bench_gen_params gen;
    struct afzc_bench_skel *skel;
    uint8_t frame[1514];
    double start, elapsed;
    struct xdp_md ctx;
    size_t len;

    bench_parse_ip("--src-ip", "198.18.0.1", &c.src_ip);
    bench_parse_ip("--dst-ip", "198.18.0.2", &c.dst_ip);
    if (!gen_parse_options(argc, argv, &c)) {
        return 0;
    }

    memset(&ctx, 0, sizeof ctx);
    ctx.ingress_ifindex = bench_ifindex("--dev", c.dev);
    len = c.size - 4;
    gen_build_frame(&c, frame, len);
    ctx.data_end = len;         /* The kernel wants the frame's length. */

    gen.ifindex = ctx.ingress_ifindex;
    gen.flows = c.flows;
    gen.port_base = c.src_port;
    skel = bench_skel_load("bench_gen", &gen);
    bench_catch_signals();
    gen_hold(&c, skel);

    bench_read_counters(skel, before);
    start = bench_now();
    gen_send(&c, bpf_program__fd(skel->progs.bench_gen), frame, len, &ctx);
    elapsed = bench_now() - start;
    bench_read_counters(skel, after);
    bench_cleanup();
    afzc_bench_skel__destroy(skel);

    /* The program's own count is exact even when a signal cut a run
     * short.  It is what was offered to the device: frames that the peer
     * had no room for are dropped by the kernel without a trace in any
     * counter of the device. */
    sent = after[BENCH_PACKETS] - before[BENCH_PACKETS];
    if (!c.quiet) {
        printf("gen: %s: sent %llu packets of %u bytes in %u flow%s in "
               "%.2f s: %.3f Mpps, %.3f Gbit/s\n", c.dev, sent, c.size,
               c.flows, c.flows == 1 ? "" : "s", elapsed,
               sent / elapsed / 1e6,
               sent * (double) c.size * 8 / elapsed / 1e9);
    }
    printf("tx_packets=%llu tx_bytes=%"PRIu64" seconds=%.3f tx_pps=%.0f "
           "size=%u flows=%u\n",
           sent, after[BENCH_BYTES] - before[BENCH_BYTES], elapsed,
           sent / elapsed, c.size, c.flows);
    return 0;
}

