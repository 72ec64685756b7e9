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

/* ovs-afzc-bench sink: counts and drops what a device receives, with
 * bench_sink, and reports the rate over a measurement window. */

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

/* Prints the usage of 'sink'. */
static void
sink_usage(void)
{
    printf("\
usage: %s sink --dev DEV [OPTION]...\n\
Counts and drops everything DEV receives and reports the receive rate.\n\
  --dev DEV          device to receive on (run in its network namespace)\n\
  --mode MODE        XDP attach mode, native or generic (default native;\n\
                     on veth, native mode is what makes the device take\n\
                     frames redirected to its peer)\n\
  --wait S           wait up to S seconds for the first packet before the\n\
                     warmup starts; 0 starts at once (default 10)\n\
  --warmup S         seconds of traffic not measured (default 1)\n\
  --seconds S        length of the measurement (default 5; 0: until a\n\
                     signal)\n\
  --interval S       also print the rate every S seconds (default: never)\n\
  --quiet            print only the KEY=VALUE lines\n\
Prints 'ready' once the program is attached and, at the end,\n\
rx_packets=N rx_bytes=N seconds=S rx_pps=R total_packets=N.\n",
           bench_program_name);
}

/* Waits up to 'wait' seconds, or until a signal, for the first packet to
 * reach the program of 'skel' on 'dev', and warns if none does. */
static void
sink_wait_first(const struct afzc_bench_skel *skel, const char *dev,
                double wait)
{
    uint64_t c[BENCH_N_COUNTERS];
    double give_up = bench_now() + wait;

    do {
        bench_read_counters(skel, c);
    } while (!c[BENCH_PACKETS] && bench_now() < give_up && bench_nap(0.01));
    if (!c[BENCH_PACKETS] && !bench_stop_requested) {
        bench_warning("no packet arrived on %s in %.1f s", dev, wait);
    }
}

/* Lets the program of 'skel' count until time 'end' (0: until a signal),
 * printing the packets of each 'interval' seconds if that is nonzero. */
static void
sink_measure(const struct afzc_bench_skel *skel, double end, double interval)
{
    uint64_t c1[BENCH_N_COUNTERS];

    while (!bench_stop_requested) {
        double step = interval ? interval : 0.1;
        uint64_t before = 0;
        double ts = bench_now();

        if (end && ts >= end) {
            break;
        }
        if (end && ts + step > end) {
            step = end - ts;
        }
        if (interval) {
            bench_read_counters(skel, c1);
            before = c1[BENCH_PACKETS];
        }
        if (!bench_nap(step)) {
            break;
        }
        if (interval) {
            bench_read_counters(skel, c1);
            printf("interval_packets=%"PRIu64" interval_pps=%.0f\n",
                   c1[BENCH_PACKETS] - before,
                   (c1[BENCH_PACKETS] - before) / (bench_now() - ts));
            fflush(stdout);
        }
    }
}

/* ovs-afzc-bench sink: parses its options and runs it.  Returns the exit
 * status. */
int
sink_main(int argc, char *argv[])
{
    static const struct option options[] = {
        { "dev", required_argument, NULL, 'd' },
        { "mode", required_argument, NULL, 'm' },
        { "wait", required_argument, NULL, 'w' },
        { "warmup", required_argument, NULL, 'u' },
        { "seconds", required_argument, NULL, 't' },
        { "interval", required_argument, NULL, 'i' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    double wait = 10, warmup = 1, seconds = 5, interval = 0;
    uint64_t c0[BENCH_N_COUNTERS], c1[BENCH_N_COUNTERS];
    __u32 mode = XDP_FLAGS_DRV_MODE;
    struct afzc_bench_skel *skel;
    const char *dev = NULL;
    double t0, t1;
    bool quiet = false;
    uint64_t packets;
    int ifindex, opt;

    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'd': dev = optarg; break;
        case 'm': mode = bench_parse_xdp_mode("--mode", optarg); break;
        case 'w': wait = bench_parse_seconds("--wait", optarg); break;
        case 'u': warmup = bench_parse_seconds("--warmup", optarg); break;
        case 't': seconds = bench_parse_seconds("--seconds", optarg); break;
        case 'i': interval = bench_parse_seconds("--interval", optarg); break;
        case 'q': quiet = true; break;
        case 'h': sink_usage(); return 0;
        default: bench_fatal("try '%s sink --help'", bench_program_name);
        }
    }
    if (optind < argc) {
        bench_fatal("sink: unexpected argument '%s'", argv[optind]);
    }
    ifindex = bench_ifindex("--dev", dev);

    skel = bench_skel_load("bench_sink", NULL);
    bench_catch_signals();
    bench_attach(dev, ifindex, skel->progs.bench_sink, mode);
    if (!quiet) {
        printf("sink: counting and dropping on %s (%s mode)\n",
               dev, bench_xdp_mode_name(mode));
    }
    printf("ready\n");
    fflush(stdout);

    if (wait > 0) {
        sink_wait_first(skel, dev, wait);
    }
    if (!bench_stop_requested) {
        bench_nap(warmup);
    }

    bench_read_counters(skel, c0);
    t0 = bench_now();
    sink_measure(skel, seconds ? t0 + seconds : 0, interval);
    bench_read_counters(skel, c1);
    t1 = bench_now();
    bench_cleanup();

    packets = c1[BENCH_PACKETS] - c0[BENCH_PACKETS];
    if (!quiet) {
        printf("sink: %s: received %"PRIu64" packets in %.2f s: %.3f Mpps, "
               "%.3f Gbit/s\n", dev, packets, t1 - t0,
               packets / (t1 - t0) / 1e6,
               (c1[BENCH_BYTES] - c0[BENCH_BYTES] + 4.0 * packets) * 8
               / (t1 - t0) / 1e9);
    }
    printf("rx_packets=%"PRIu64" rx_bytes=%"PRIu64" seconds=%.3f "
           "rx_pps=%.0f total_packets=%"PRIu64"\n",
           packets, c1[BENCH_BYTES] - c0[BENCH_BYTES], t1 - t0,
           packets / (t1 - t0), c1[BENCH_PACKETS]);
    afzc_bench_skel__destroy(skel);
    return 0;
}

