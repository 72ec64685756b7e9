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

/* ovs-afzc-bench redirect: forwards one device to another with
 * bench_redirect and bpf_redirect_map(), the bare XDP baseline. */

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

/* Prints the usage of 'redirect'. */
static void
redirect_usage(void)
{
    printf("\
usage: %s redirect --in DEV1 --out DEV2 [OPTION]...\n\
Forwards every frame received on DEV1 out of DEV2 with an XDP program.\n\
  --in DEV1          device to receive on\n\
  --out DEV2         device to send from\n\
  --mode MODE        XDP attach mode on DEV1, native or generic\n\
                     (default native)\n\
  --seconds S        how long to run (default 0: until a signal)\n\
  --quiet            print only the KEY=VALUE lines\n\
Prints 'ready' once the program is attached and, at the end,\n\
fwd_packets=N fwd_failed=N seconds=S fwd_pps=R.\n",
           bench_program_name);
}

/* ovs-afzc-bench redirect: parses its options and runs it.  Returns the exit
 * status. */
int
redirect_main(int argc, char *argv[])
{
    static const struct option options[] = {
        { "in", required_argument, NULL, 'i' },
        { "out", required_argument, NULL, 'o' },
        { "mode", required_argument, NULL, 'm' },
        { "seconds", required_argument, NULL, 't' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t c0[BENCH_N_COUNTERS], c1[BENCH_N_COUNTERS];
    const char *in = NULL, *out = NULL;
    __u32 mode = XDP_FLAGS_DRV_MODE;
    struct afzc_bench_skel *skel;
    int in_ifindex, opt;
    __u32 out_ifindex, slot = 0;
    double seconds = 0, t0, t1;
    bool quiet = false;

    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'i': in = optarg; break;
        case 'o': out = optarg; break;
        case 'm': mode = bench_parse_xdp_mode("--mode", optarg); break;
        case 't': seconds = bench_parse_seconds("--seconds", optarg); break;
        case 'q': quiet = true; break;
        case 'h': redirect_usage(); return 0;
        default: bench_fatal("try '%s redirect --help'", bench_program_name);
        }
    }
    if (optind < argc) {
        bench_fatal("redirect: unexpected argument '%s'", argv[optind]);
    }
    in_ifindex = bench_ifindex("--in", in);
    out_ifindex = bench_ifindex("--out", out);

    skel = bench_skel_load("bench_redirect", NULL);
    if (bpf_map_update_elem(bpf_map__fd(skel->maps.bench_out), &slot,
                            &out_ifindex, BPF_ANY)) {
        bench_fatal("cannot put %s in the device map: %s", out,
                    strerror(errno));
    }
    bench_catch_signals();
    bench_attach(in, in_ifindex, skel->progs.bench_redirect, mode);
    if (!quiet) {
        printf("redirect: forwarding %s -> %s (%s mode)\n",
               in, out, bench_xdp_mode_name(mode));
    }
    printf("ready\n");
    fflush(stdout);

    bench_read_counters(skel, c0);
    t0 = bench_now();
    if (seconds) {
        bench_nap(seconds);
    } else {
        while (bench_nap(3600)) {
            continue;
        }
    }
    bench_read_counters(skel, c1);
    t1 = bench_now();
    bench_cleanup();

    if (!quiet) {
        printf("redirect: %s -> %s: %"PRIu64" packets in %.2f s: %.3f Mpps "
               "(%"PRIu64" failed)\n", in, out,
               c1[BENCH_PACKETS] - c0[BENCH_PACKETS], t1 - t0,
               (c1[BENCH_PACKETS] - c0[BENCH_PACKETS]) / (t1 - t0) / 1e6,
               c1[BENCH_FAILED] - c0[BENCH_FAILED]);
    }
    printf("fwd_packets=%"PRIu64" fwd_failed=%"PRIu64" seconds=%.3f "
           "fwd_pps=%.0f\n",
           c1[BENCH_PACKETS] - c0[BENCH_PACKETS],
           c1[BENCH_FAILED] - c0[BENCH_FAILED], t1 - t0,
           (c1[BENCH_PACKETS] - c0[BENCH_PACKETS]) / (t1 - t0));
    afzc_bench_skel__destroy(skel);
    return 0;
}

