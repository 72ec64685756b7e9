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

/* ovs-afzc-bench: the packet generator, receiver and bare XDP forwarder
 * that utilities/afzc-bench.sh uses to measure afzc against other ways of
 * moving packets between two veth devices.
 *
 *   gen       sends one UDP packet over and over out of a device, using
 *             BPF_PROG_TEST_RUN in live-frames mode on an XDP program that
 *             returns XDP_TX; with --flows N, the program varies the UDP
 *             source port over N values.
 *   sink      counts and drops everything a device receives, with an XDP
 *             program, and reports the rate over a measurement window.
 *   redirect  forwards everything from one device to another with an XDP
 *             program and bpf_redirect_map(): the fastest Linux can do.
 *   xsk       an AF_XDP socket on one device queue, with afzc's own ring
 *             and UMEM code (lib/afzc-ring.c): receive and drop, transmit
 *             only, or forward to a second device, printing the rates
 *             every second.
 *
 * The XDP programs are in kernel/afzc-bench.bpf.c and are embedded here as
 * a libbpf skeleton.  Every line meant for a script is KEY=VALUE pairs
 * separated by spaces. */

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
#include "afzc-ring.h"

/* Slots of the bench_counts map, as in kernel/afzc-bench.bpf.c. */
enum {
    BENCH_PACKETS,
    BENCH_BYTES,
    BENCH_FAILED,
    BENCH_N_COUNTERS
};

static const char *program_name = "ovs-afzc-bench";

/* Set by SIGINT, SIGTERM and SIGHUP: every loop checks it and winds down. */
static volatile sig_atomic_t stop_requested;

/* XDP programs attached by this process, detached by bench_cleanup(). */
struct attachment {
    int ifindex;
    int prog_fd;
    __u32 flags;
    char name[IF_NAMESIZE];
};
static struct attachment attachments[2];
static int n_attachments;

static void bench_cleanup(void);

static void __attribute__((format(printf, 1, 2), noreturn))
fatal(const char *format, ...)
{
    va_list args;

    fprintf(stderr, "%s: ", program_name);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    bench_cleanup();
    exit(EXIT_FAILURE);
}

static void __attribute__((format(printf, 1, 2)))
warning(const char *format, ...)
{
    va_list args;

    fprintf(stderr, "%s: warning: ", program_name);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
}

static void
on_signal(int signo)
{
    (void) signo;
    stop_requested = 1;
}

/* Installs on_signal() without SA_RESTART, so that a blocking call returns
 * EINTR and the loop around it notices 'stop_requested'. */
static void
catch_signals(void)
{
    static const int signals[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        sigaction(signals[i], &sa, NULL);
    }
}

static double
now_sec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleeps for 'seconds' or until a signal asks us to stop.  Returns false if
 * it was cut short. */
static bool
nap(double seconds)
{
    double end = now_sec() + seconds;

    while (!stop_requested) {
        double left = end - now_sec();
        struct timespec ts;

        if (left <= 0) {
            return true;
        }
        if (left > 0.05) {
            left = 0.05;
        }
        ts.tv_sec = 0;
        ts.tv_nsec = left * 1e9;
        nanosleep(&ts, NULL);
    }
    return false;
}

/* --- Argument parsing helpers. ------------------------------------------ */

static double
parse_seconds(const char *option, const char *s)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || v < 0 || v > 86400) {
        fatal("%s: '%s' is not a number of seconds from 0 to 86400",
              option, s);
    }
    return v;
}

static unsigned long long
parse_uint(const char *option, const char *s, unsigned long long min,
           unsigned long long max)
{
    unsigned long long v;
    char *end;

    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
        fatal("%s: '%s' is not an integer from %llu to %llu",
              option, s, min, max);
    }
    return v;
}

static void
parse_mac(const char *option, const char *s, uint8_t mac[6])
{
    unsigned int b[6];
    char extra;

    if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
               &b[5], &extra) != 6) {
        fatal("%s: '%s' is not an Ethernet address", option, s);
    }
    for (int i = 0; i < 6; i++) {
        if (b[i] > 0xff) {
            fatal("%s: '%s' is not an Ethernet address", option, s);
        }
        mac[i] = b[i];
    }
}

static void
parse_ip(const char *option, const char *s, struct in_addr *ip)
{
    if (inet_pton(AF_INET, s, ip) != 1) {
        fatal("%s: '%s' is not an IPv4 address", option, s);
    }
}

static int
parse_xdp_mode(const char *option, const char *s)
{
    if (!strcmp(s, "native")) {
        return XDP_FLAGS_DRV_MODE;
    } else if (!strcmp(s, "generic")) {
        return XDP_FLAGS_SKB_MODE;
    }
    fatal("%s: '%s' is not an XDP mode (native or generic)", option, s);
}

static const char *
xdp_mode_name(__u32 flags)
{
    return flags & XDP_FLAGS_SKB_MODE ? "generic" : "native";
}

static int
device_ifindex(const char *option, const char *name)
{
    int ifindex;

    if (!name) {
        fatal("%s is required", option);
    }
    ifindex = if_nametoindex(name);
    if (!ifindex) {
        fatal("%s: no device '%s' in this network namespace", option, name);
    }
    return ifindex;
}

/* --- BPF side. ----------------------------------------------------------- */

static int
libbpf_print_quiet(enum libbpf_print_level level, const char *format,
                   va_list args)
{
    if (level == LIBBPF_DEBUG) {
        return 0;
    }
    return vfprintf(stderr, format, args);
}

/* Flows and first UDP source port of bench_gen; see bench_gen_flows in
 * kernel/afzc-bench.bpf.c.  Set by "gen" before loading. */
static unsigned int gen_flows = 1;
static unsigned int gen_port_base = 9;

/* Opens and loads the skeleton with only program 'which' of it.
 * 'gen_ifindex' is the generator's device, for bench_gen. */
static struct afzc_bench_skel *
bench_skel_load(const char *which, int gen_ifindex)
{
    struct afzc_bench_skel *skel;
    struct bpf_program *prog;
    int error;

    libbpf_set_print(libbpf_print_quiet);
    skel = afzc_bench_skel__open();
    if (!skel) {
        fatal("cannot open the XDP programs: %s", strerror(errno));
    }
    skel->rodata->bench_gen_ifindex = gen_ifindex;
    skel->rodata->bench_gen_flows = gen_flows;
    skel->rodata->bench_gen_port_base = gen_port_base;
    bpf_object__for_each_program(prog, skel->obj) {
        bpf_program__set_autoload(prog,
                                  !strcmp(bpf_program__name(prog), which));
    }
    error = afzc_bench_skel__load(skel);
    if (error) {
        fatal("cannot load XDP program %s: %s (are you root?)",
              which, strerror(-error));
    }
    return skel;
}

/* Sums the per-CPU counters of 'skel' into 'out'. */
static void
bench_read_counters(const struct afzc_bench_skel *skel,
                    uint64_t out[BENCH_N_COUNTERS])
{
    int n_cpus = libbpf_num_possible_cpus();
    int fd = bpf_map__fd(skel->maps.bench_counts);
    uint64_t *values;

    if (n_cpus < 1) {
        fatal("cannot count the CPUs: %s", strerror(-n_cpus));
    }
    values = calloc(n_cpus, sizeof *values);
    if (!values) {
        fatal("out of memory");
    }
    for (__u32 slot = 0; slot < BENCH_N_COUNTERS; slot++) {
        out[slot] = 0;
        if (bpf_map_lookup_elem(fd, &slot, values)) {
            fatal("cannot read the XDP counters: %s", strerror(errno));
        }
        for (int cpu = 0; cpu < n_cpus; cpu++) {
            out[slot] += values[cpu];
        }
    }
    free(values);
}

/* Attaches 'prog' to device 'name' in the mode given by XDP_FLAGS_* 'mode'
 * (refusing to replace another program), remembering it for
 * bench_cleanup(). */
static void
bench_attach(const char *name, int ifindex, struct bpf_program *prog,
             __u32 mode)
{
    __u32 flags = mode | XDP_FLAGS_UPDATE_IF_NOEXIST;
    int prog_fd = bpf_program__fd(prog);
    struct attachment *a;
    int error;

    if (n_attachments >= (int) (sizeof attachments / sizeof attachments[0])) {
        fatal("too many XDP attachments");
    }
    error = bpf_xdp_attach(ifindex, prog_fd, flags, NULL);
    if (error == -EBUSY || error == -EEXIST) {
        fatal("%s already has an XDP program in %s mode; remove it with "
              "'ip link set dev %s %s off'", name, xdp_mode_name(mode), name,
              mode == XDP_FLAGS_SKB_MODE ? "xdpgeneric" : "xdpdrv");
    } else if (error) {
        fatal("cannot attach XDP program to %s in %s mode: %s",
              name, xdp_mode_name(mode), strerror(-error));
    }
    a = &attachments[n_attachments++];
    a->ifindex = ifindex;
    a->prog_fd = prog_fd;
    a->flags = mode;
    snprintf(a->name, sizeof a->name, "%s", name);
}

/* Detaches every program attached by bench_attach(), if it is still the
 * one attached. */
static void
bench_cleanup(void)
{
    while (n_attachments > 0) {
        struct attachment *a = &attachments[--n_attachments];
        LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = a->prog_fd);
        int error;

        error = bpf_xdp_attach(a->ifindex, -1, a->flags | XDP_FLAGS_REPLACE,
                               &opts);
        if (error && error != -ENODEV) {
            warning("cannot detach XDP program from %s: %s",
                    a->name, strerror(-error));
        }
    }
}

/* --- gen. ---------------------------------------------------------------- */

struct gen_config {
    const char *dev;
    unsigned int size;          /* Frame size with the 4-byte FCS. */
    double seconds;
    unsigned long long count;   /* 0: no limit. */
    unsigned int batch;
    uint8_t src_mac[6], dst_mac[6];
    struct in_addr src_ip, dst_ip;
    uint16_t src_port, dst_port;
    unsigned int flows;         /* Source ports src_port...+flows-1. */
    const char *hold_dev;       /* Where to keep the program attached. */
    bool quiet;
};

static uint32_t
csum_add(uint32_t sum, const void *data, size_t len)
{
    const uint8_t *p = data;

    while (len > 1) {
        sum += (uint32_t) p[0] << 8 | p[1];
        p += 2;
        len -= 2;
    }
    if (len) {
        sum += (uint32_t) p[0] << 8;
    }
    return sum;
}

static uint16_t
csum_finish(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return htons(~sum & 0xffff);
}

/* Writes into 'frame' an Ethernet/IPv4/UDP packet of 'len' bytes (no FCS)
 * with correct IP and UDP checksums, or no UDP checksum (zero) if the XDP
 * program is to rewrite the source port for many flows. */
static void
gen_build_frame(const struct gen_config *c, uint8_t *frame, size_t len)
{
    size_t ip_len = len - 14, udp_len = ip_len - 20;
    uint8_t *ip = frame + 14, *udp = ip + 20;
    uint8_t pseudo[12];
    uint32_t sum;
    uint16_t v;

    memset(frame, 0, len);
    memcpy(frame, c->dst_mac, 6);
    memcpy(frame + 6, c->src_mac, 6);
    frame[12] = 0x08;                   /* IPv4. */
    frame[13] = 0x00;

    ip[0] = 0x45;                       /* Version 4, 20-byte header. */
    v = htons(ip_len);
    memcpy(ip + 2, &v, 2);
    ip[6] = 0x40;                       /* Don't fragment. */
    ip[8] = 64;                         /* TTL. */
    ip[9] = IPPROTO_UDP;
    memcpy(ip + 12, &c->src_ip, 4);
    memcpy(ip + 16, &c->dst_ip, 4);
    v = csum_finish(csum_add(0, ip, 20));
    memcpy(ip + 10, &v, 2);

    v = htons(c->src_port);
    memcpy(udp, &v, 2);
    v = htons(c->dst_port);
    memcpy(udp + 2, &v, 2);
    v = htons(udp_len);
    memcpy(udp + 4, &v, 2);
    for (size_t i = 8; i < udp_len; i++) {
        udp[i] = i;
    }

    memcpy(pseudo, &c->src_ip, 4);
    memcpy(pseudo + 4, &c->dst_ip, 4);
    pseudo[8] = 0;
    pseudo[9] = IPPROTO_UDP;
    v = htons(udp_len);
    memcpy(pseudo + 10, &v, 2);
    sum = csum_add(csum_add(0, pseudo, sizeof pseudo), udp, udp_len);
    v = csum_finish(sum);
    if (!v) {
        v = 0xffff;
    }
    if (c->flows > 1) {
        v = 0;
    }
    memcpy(udp + 6, &v, 2);
}

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
        warning("--hold-dev: no device '%s'; sending will be slow",
                c->hold_dev);
        return;
    }
    if (!bpf_xdp_query(ifindex, XDP_FLAGS_SKB_MODE, &query)
        && query.attach_mode != XDP_ATTACHED_NONE) {
        warning("%s already has an XDP program; not holding the generator "
                "there, sending will be slow", c->hold_dev);
        return;
    }
    bench_attach(c->hold_dev, ifindex, skel->progs.bench_gen,
                 XDP_FLAGS_SKB_MODE);
}

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
           program_name);
}

static int
cmd_gen(int argc, char *argv[])
{
    static const struct option options[] = {
        { "dev", required_argument, NULL, 'd' },
        { "size", required_argument, NULL, 's' },
        { "seconds", required_argument, NULL, 't' },
        { "count", required_argument, NULL, 'n' },
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
    struct gen_config c = {
        .hold_dev = "lo",
        .size = 64, .seconds = 10, .batch = 64,
        .src_mac = { 0x02, 0xaf, 0x2c, 0, 0, 1 },
        .dst_mac = { 0x02, 0xaf, 0x2c, 0, 0, 2 },
        .src_port = 9, .dst_port = 9, .flows = 1,
    };
    uint64_t before[BENCH_N_COUNTERS], after[BENCH_N_COUNTERS];
    unsigned long long sent;
    struct afzc_bench_skel *skel;
    uint8_t frame[1514];
    double start, elapsed;
    struct xdp_md ctx;
    unsigned int chunk;
    int prog_fd, opt;
    size_t len;

    parse_ip("--src-ip", "198.18.0.1", &c.src_ip);
    parse_ip("--dst-ip", "198.18.0.2", &c.dst_ip);
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'd': c.dev = optarg; break;
        case 's': c.size = parse_uint("--size", optarg, 64, 1518); break;
        case 't': c.seconds = parse_seconds("--seconds", optarg); break;
        case 'n': c.count = parse_uint("--count", optarg, 1, ULLONG_MAX);
            break;
        case 'b': c.batch = parse_uint("--batch", optarg, 1, 256); break;
        case 'M': parse_mac("--src-mac", optarg, c.src_mac); break;
        case 'm': parse_mac("--dst-mac", optarg, c.dst_mac); break;
        case 'I': parse_ip("--src-ip", optarg, &c.src_ip); break;
        case 'i': parse_ip("--dst-ip", optarg, &c.dst_ip); break;
        case 'P': c.src_port = parse_uint("--src-port", optarg, 0, 65535);
            break;
        case 'p': c.dst_port = parse_uint("--dst-port", optarg, 0, 65535);
            break;
        case 'f': c.flows = parse_uint("--flows", optarg, 1, 65536); break;
        case 'H': c.hold_dev = optarg; break;
        case 'q': c.quiet = true; break;
        case 'h': gen_usage(); return 0;
        default: fatal("try '%s gen --help'", program_name);
        }
    }
    if (optind < argc) {
        fatal("gen: unexpected argument '%s'", argv[optind]);
    }
    if (c.src_port + c.flows - 1 > 65535) {
        fatal("--flows %u from --src-port %u goes past port 65535",
              c.flows, (unsigned int) c.src_port);
    }
    gen_flows = c.flows;
    gen_port_base = c.src_port;

    memset(&ctx, 0, sizeof ctx);
    ctx.ingress_ifindex = device_ifindex("--dev", c.dev);
    len = c.size - 4;
    gen_build_frame(&c, frame, len);
    ctx.data_end = len;         /* The kernel wants the frame's length. */

    skel = bench_skel_load("bench_gen", ctx.ingress_ifindex);
    prog_fd = bpf_program__fd(skel->progs.bench_gen);
    catch_signals();
    gen_hold(&c, skel);

    /* Each test run sends 'chunk' frames and cannot be interrupted except
     * by a signal, so 'chunk' is adjusted to keep one run near 20 ms. */
    chunk = 4096;
    bench_read_counters(skel, before);
    start = now_sec();
    sent = 0;
    for (;;) {
        LIBBPF_OPTS(bpf_test_run_opts, opts,
                    .data_in = frame,
                    .data_size_in = len,
                    .ctx_in = &ctx,
                    .ctx_size_in = sizeof ctx,
                    .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
                    .batch_size = c.batch);
        double t0, dt;

        if (stop_requested || (c.seconds && now_sec() - start >= c.seconds)
            || (c.count && sent >= c.count)) {
            break;
        }
        opts.repeat = chunk;
        if (c.count && c.count - sent < chunk) {
            opts.repeat = c.count - sent;
        }
        t0 = now_sec();
        if (bpf_prog_test_run_opts(prog_fd, &opts)) {
            if (errno == EINTR) {
                continue;
            }
            fatal("sending on %s failed: %s", c.dev, strerror(errno));
        }
        sent += opts.repeat;
        dt = now_sec() - t0;
        if (dt < 0.01 && chunk < (1u << 22)) {
            chunk *= 2;
        } else if (dt > 0.04 && chunk > 64) {
            chunk /= 2;
        }
    }
    elapsed = now_sec() - start;
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

/* --- sink. --------------------------------------------------------------- */

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
           program_name);
}

static int
cmd_sink(int argc, char *argv[])
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
    double t0, t1, end;
    bool quiet = false;
    uint64_t packets;
    int ifindex, opt;

    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'd': dev = optarg; break;
        case 'm': mode = parse_xdp_mode("--mode", optarg); break;
        case 'w': wait = parse_seconds("--wait", optarg); break;
        case 'u': warmup = parse_seconds("--warmup", optarg); break;
        case 't': seconds = parse_seconds("--seconds", optarg); break;
        case 'i': interval = parse_seconds("--interval", optarg); break;
        case 'q': quiet = true; break;
        case 'h': sink_usage(); return 0;
        default: fatal("try '%s sink --help'", program_name);
        }
    }
    if (optind < argc) {
        fatal("sink: unexpected argument '%s'", argv[optind]);
    }
    ifindex = device_ifindex("--dev", dev);

    skel = bench_skel_load("bench_sink", 0);
    catch_signals();
    bench_attach(dev, ifindex, skel->progs.bench_sink, mode);
    if (!quiet) {
        printf("sink: counting and dropping on %s (%s mode)\n",
               dev, xdp_mode_name(mode));
    }
    printf("ready\n");
    fflush(stdout);

    if (wait > 0) {
        double give_up = now_sec() + wait;

        do {
            bench_read_counters(skel, c0);
        } while (!c0[BENCH_PACKETS] && now_sec() < give_up && nap(0.01));
        if (!c0[BENCH_PACKETS] && !stop_requested) {
            warning("no packet arrived on %s in %.1f s", dev, wait);
        }
    }
    if (!stop_requested) {
        nap(warmup);
    }

    bench_read_counters(skel, c0);
    t0 = now_sec();
    end = seconds ? t0 + seconds : 0;
    while (!stop_requested) {
        double step = interval ? interval : 0.1;
        uint64_t before = 0;
        double ts = now_sec();

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
        if (!nap(step)) {
            break;
        }
        if (interval) {
            bench_read_counters(skel, c1);
            printf("interval_packets=%"PRIu64" interval_pps=%.0f\n",
                   c1[BENCH_PACKETS] - before,
                   (c1[BENCH_PACKETS] - before) / (now_sec() - ts));
            fflush(stdout);
        }
    }
    bench_read_counters(skel, c1);
    t1 = now_sec();
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

/* --- redirect. ----------------------------------------------------------- */

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
           program_name);
}

static int
cmd_redirect(int argc, char *argv[])
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
        case 'm': mode = parse_xdp_mode("--mode", optarg); break;
        case 't': seconds = parse_seconds("--seconds", optarg); break;
        case 'q': quiet = true; break;
        case 'h': redirect_usage(); return 0;
        default: fatal("try '%s redirect --help'", program_name);
        }
    }
    if (optind < argc) {
        fatal("redirect: unexpected argument '%s'", argv[optind]);
    }
    in_ifindex = device_ifindex("--in", in);
    out_ifindex = device_ifindex("--out", out);

    skel = bench_skel_load("bench_redirect", 0);
    if (bpf_map_update_elem(bpf_map__fd(skel->maps.bench_out), &slot,
                            &out_ifindex, BPF_ANY)) {
        fatal("cannot put %s in the device map: %s", out, strerror(errno));
    }
    catch_signals();
    bench_attach(in, in_ifindex, skel->progs.bench_redirect, mode);
    if (!quiet) {
        printf("redirect: forwarding %s -> %s (%s mode)\n",
               in, out, xdp_mode_name(mode));
    }
    printf("ready\n");
    fflush(stdout);

    bench_read_counters(skel, c0);
    t0 = now_sec();
    if (seconds) {
        nap(seconds);
    } else {
        while (nap(3600)) {
            continue;
        }
    }
    bench_read_counters(skel, c1);
    t1 = now_sec();
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

/* --- xsk. ---------------------------------------------------------------- */

/* A plain AF_XDP program, for comparison with Open vSwitch: one UMEM, one
 * socket on a queue of a device and, for forwarding to a second device, a
 * second socket on the same queue of that device sharing the UMEM, so that
 * forwarding copies nothing in user space.  It busy-polls its rings like a
 * PMD thread.  The rings and the UMEM are afzc's own (lib/afzc-ring.c), as
 * in ovs-vswitchd; the XDP program is bench_xsk of kernel/afzc-bench.bpf.c.
 *
 * Frames are recycled through a stack of free frame addresses.  Every frame
 * is always in one place: that stack, a fill ring, an rx ring, the current
 * batch, a tx ring or a completion ring. */

#define XSK_DEFAULT_FRAME_SIZE 4096
#define XSK_DEFAULT_FRAMES 8192
#define XSK_MIN_FRAMES 64
#define XSK_MAX_FRAMES (1u << 18)
#define XSK_DEFAULT_RING_SIZE 2048
#define XSK_MIN_RING_SIZE 64
#define XSK_MAX_RING_SIZE 32768
#define XSK_MAX_BATCH 256
#define XSK_BUSY_POLL_USECS 20

/* What the socket does with packets. */
enum xsk_mode { XSK_RXDROP, XSK_TXPUSH, XSK_L2FWD };

/* How the sockets are bound: --copy, --zero-copy or neither. */
enum xsk_copy { XSK_COPY_AUTO, XSK_COPY_FORCE, XSK_ZEROCOPY_FORCE };

/* The options of the xsk command. */
struct xsk_config {
    enum xsk_mode mode;
    const char *mode_name;
    const char *dev, *out;      /* 'out' is null unless forwarding. */
    uint32_t queue;
    enum xsk_copy copy;
    __u32 xdp_mode;             /* XDP_FLAGS_SKB_MODE or _DRV_MODE. */
    unsigned int batch;
    uint32_t frame_size;
    uint32_t n_frames;
    uint32_t ring_size;
    bool need_wakeup;
    bool busy_poll;
    double seconds;             /* 0: until a signal. */
    struct gen_config gen;      /* txpush: the packet; its size, flows. */
    const char *json;           /* File for --json, or null. */
    bool quiet;
};

/* One socket. */
struct xsk_port {
    const char *name;
    int ifindex;
    int fd;                     /* -1 if not open. */
    struct afzc_ring rx, tx, fill, comp;
    uint64_t tx_in_flight;      /* Frames on the tx or completion ring. */
};

/* Counters, all since the start. */
struct xsk_counts {
    uint64_t rx_packets, rx_bytes;
    uint64_t tx_packets, tx_bytes;      /* Completed transmissions. */
    uint64_t tx_dropped;                /* No room in the tx ring. */
    uint64_t tx_kicks, rx_wakeups;      /* sendto() and recvfrom() calls. */
};

/* One per-second sample: what the counters did over 'seconds', ending
 * 'time' seconds after the start. */
struct xsk_sample {
    double time, seconds;
    struct xsk_counts delta;
};

/* The state of the xsk command. */
struct xsk_bench {
    const struct xsk_config *cfg;
    uint8_t *area;              /* The UMEM. */
    size_t area_size;
    uint64_t *free;             /* Stack of free frame addresses. */
    uint32_t n_free;
    uint32_t *frame_len;        /* Per frame: length while in a tx ring. */
    struct xsk_port ports[2];
    struct xsk_port *in, *out;  /* 'out' is 'in' unless forwarding. */
    bool two_ports;
    bool zero_copy;             /* The mode the kernel uses. */
    const char *zc_refusal;     /* Why zero-copy was not used, or null. */
    uint32_t tx_len;            /* txpush: frame length without the FCS. */
    uint32_t flow_next;         /* txpush: next source port - base. */
    struct xsk_counts c;
    struct xsk_sample *samples;
    size_t n_samples, allocated_samples;
};

/* Returns the rate in Gbit/s of 'packets' frames of 'bytes' bytes, each
 * counted with its 4-byte FCS as --size counts it, over 'seconds'. */
static double
xsk_gbps(uint64_t packets, uint64_t bytes, double seconds)
{
    return seconds > 0 ? (bytes + 4.0 * packets) * 8 / seconds / 1e9 : 0;
}

/* Takes a frame from the free stack of 'b', which must not be empty. */
static uint64_t
xsk_frame_get(struct xsk_bench *b)
{
    return b->free[--b->n_free];
}

/* Returns the frame that holds UMEM address 'addr' to the free stack. */
static void
xsk_frame_put(struct xsk_bench *b, uint64_t addr)
{
    b->free[b->n_free++] = addr & ~(uint64_t) (b->cfg->frame_size - 1);
}

/* Returns the index of the frame that holds UMEM address 'addr'. */
static uint32_t
xsk_frame_index(const struct xsk_bench *b, uint64_t addr)
{
    return addr / b->cfg->frame_size;
}

/* Asks the kernel to receive on 'p' (busy polling, or taking frames from
 * a fill ring that was empty). */
static void
xsk_wakeup_rx(struct xsk_bench *b, struct xsk_port *p)
{
    b->c.rx_wakeups++;
    recvfrom(p->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

/* Gives the kernel as many free frames to receive into as the fill ring of
 * 'p' takes. */
static void
xsk_refill(struct xsk_bench *b, struct xsk_port *p)
{
    uint32_t n = afzc_ring_prod_free(&p->fill, b->n_free), idx;

    if (n > b->n_free) {
        n = b->n_free;
    }
    if (n && afzc_ring_prod_reserve(&p->fill, n, &idx) == n) {
        for (uint32_t i = 0; i < n; i++) {
            *afzc_ring_fill_addr(&p->fill, idx + i) = xsk_frame_get(b);
        }
        afzc_ring_prod_submit(&p->fill, n);
    }
}

/* Tells the kernel to transmit what the tx ring of 'p' holds, when it needs
 * telling. */
static void
xsk_kick_tx(struct xsk_bench *b, struct xsk_port *p)
{
    const struct xsk_config *cfg = b->cfg;

    if (cfg->need_wakeup && !cfg->busy_poll
        && !afzc_ring_needs_wakeup(&p->tx)) {
        return;
    }
    b->c.tx_kicks++;
    if (sendto(p->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0
        && errno != EAGAIN && errno != EBUSY && errno != ENOBUFS
        && errno != EINTR && errno != ENETDOWN) {
        fatal("sending on %s: %s", p->name, strerror(errno));
    }
}

/* Pushes out what the tx ring of 'p' holds and takes back the frames the
 * kernel has sent. */
static void
xsk_complete(struct xsk_bench *b, struct xsk_port *p)
{
    uint32_t idx, n;

    if (!p->tx_in_flight) {
        return;
    }
    xsk_kick_tx(b, p);
    n = afzc_ring_cons_peek(&p->comp, b->cfg->ring_size, &idx);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t addr = afzc_ring_comp_addr(&p->comp, idx + i);

        b->c.tx_bytes += b->frame_len[xsk_frame_index(b, addr)];
        xsk_frame_put(b, addr);
    }
    afzc_ring_cons_release(&p->comp, n);
    p->tx_in_flight -= n;
    b->c.tx_packets += n;
}

/* Puts 'n' frames, addresses 'addrs' and lengths 'lens', on the tx ring of
 * 'p'; those that do not fit are dropped. */
static void
xsk_transmit(struct xsk_bench *b, struct xsk_port *p, const uint64_t *addrs,
             const uint32_t *lens, uint32_t n)
{
    uint32_t idx, room = afzc_ring_prod_free(&p->tx, n);

    if (room > n) {
        room = n;
    }
    if (room && afzc_ring_prod_reserve(&p->tx, room, &idx) == room) {
        for (uint32_t i = 0; i < room; i++) {
            struct xdp_desc *d = afzc_ring_tx_desc(&p->tx, idx + i);

            d->addr = addrs[i];
            d->len = lens[i];
            d->options = 0;
            b->frame_len[xsk_frame_index(b, addrs[i])] = lens[i];
        }
        afzc_ring_prod_submit(&p->tx, room);
    } else {
        room = 0;
    }
    p->tx_in_flight += room;
    for (uint32_t i = room; i < n; i++) {
        xsk_frame_put(b, addrs[i]);
        b->c.tx_dropped++;
    }
}

/* One round of receiving on b->in and, unless dropping, sending on
 * b->out. */
static void
xsk_poll_rx(struct xsk_bench *b)
{
    uint64_t addrs[XSK_MAX_BATCH];
    uint32_t lens[XSK_MAX_BATCH];
    uint32_t idx, n;

    n = afzc_ring_cons_peek(&b->in->rx, b->cfg->batch, &idx);
    for (uint32_t i = 0; i < n; i++) {
        const struct xdp_desc *d = afzc_ring_rx_desc(&b->in->rx, idx + i);

        addrs[i] = d->addr;
        lens[i] = d->len;
        b->c.rx_bytes += d->len;
    }
    if (n) {
        afzc_ring_cons_release(&b->in->rx, n);
        b->c.rx_packets += n;
    } else if (b->cfg->busy_poll || afzc_ring_needs_wakeup(&b->in->fill)) {
        xsk_wakeup_rx(b, b->in);
    }

    if (b->cfg->mode == XSK_RXDROP) {
        for (uint32_t i = 0; i < n; i++) {
            xsk_frame_put(b, addrs[i]);
        }
    } else {
        if (n && !b->two_ports) {
            /* Back where it came from: swap the Ethernet addresses. */
            for (uint32_t i = 0; i < n; i++) {
                uint8_t *eth = b->area + addrs[i];
                uint8_t tmp[6];

                memcpy(tmp, eth, 6);
                memcpy(eth, eth + 6, 6);
                memcpy(eth + 6, tmp, 6);
            }
        }
        if (n) {
            xsk_transmit(b, b->out, addrs, lens, n);
        }
        xsk_complete(b, b->out);
    }
    xsk_refill(b, b->in);
}

/* Waits, for at most half a second, until every frame put on a tx ring of
 * 'b' has been sent and its completion taken back, so that the final
 * counts are exact. */
static void
xsk_drain(struct xsk_bench *b)
{
    double deadline = now_sec() + 0.5;

    while (b->out->tx_in_flight && now_sec() < deadline) {
        struct timespec ts = { .tv_nsec = 1000 * 1000 };

        xsk_complete(b, b->out);
        nanosleep(&ts, NULL);
    }
}

/* One round of sending copies of the packet that every frame holds.  With
 * several flows, each packet gets the next UDP source port first. */
static void
xsk_poll_txpush(struct xsk_bench *b)
{
    const struct gen_config *g = &b->cfg->gen;
    uint32_t n = 0, room = afzc_ring_prod_free(&b->out->tx, b->cfg->batch);
    uint64_t addrs[XSK_MAX_BATCH];
    uint32_t lens[XSK_MAX_BATCH];

    while (n < b->cfg->batch && n < room && b->n_free) {
        addrs[n] = xsk_frame_get(b);
        lens[n] = b->tx_len;
        if (g->flows > 1) {
            uint16_t port = htons(g->src_port + b->flow_next);

            memcpy(b->area + addrs[n] + 14 + 20, &port, sizeof port);
            if (++b->flow_next >= g->flows) {
                b->flow_next = 0;
            }
        }
        n++;
    }
    if (n) {
        xsk_transmit(b, b->out, addrs, lens, n);
    }
    xsk_complete(b, b->out);
}

/* Sets the busy-polling socket options of 'p' for --busy-poll. */
static void
xsk_set_busy_poll(const struct xsk_config *cfg, const struct xsk_port *p)
{
    static const struct {
        int opt;
        const char *name;
    } opts[] = {
        { SO_PREFER_BUSY_POLL, "SO_PREFER_BUSY_POLL" },
        { SO_BUSY_POLL, "SO_BUSY_POLL" },
        { SO_BUSY_POLL_BUDGET, "SO_BUSY_POLL_BUDGET" },
    };
    const int values[] = { 1, XSK_BUSY_POLL_USECS, cfg->batch };

    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        int error;

        if (!setsockopt(p->fd, SOL_SOCKET, opts[i].opt, &values[i],
                        sizeof values[i])) {
            continue;
        }
        error = errno;
        fatal("--busy-poll: setsockopt(%s) on the socket of %s failed: "
              "%s%s", opts[i].name, p->name, strerror(error),
              error == EPERM
              ? " (setting it above the system's default needs "
                "CAP_NET_ADMIN)"
              : error == ENOPROTOOPT
              ? " (this kernel does not have it: preferred busy polling "
                "needs Linux 5.11 or later)"
              : "");
    }
}

/* Closes the socket of 'p', if open, and unmaps its rings. */
static void
xsk_port_close(struct xsk_port *p)
{
    afzc_ring_unmap(&p->rx);
    afzc_ring_unmap(&p->tx);
    afzc_ring_unmap(&p->fill);
    afzc_ring_unmap(&p->comp);
    if (p->fd >= 0) {
        close(p->fd);
        p->fd = -1;
    }
    p->tx_in_flight = 0;
}

/* Opens the socket of 'p' with an rx ring if 'rx', a tx ring if 'tx', and
 * fill and completion rings, and binds it with 'bind_flags' to the
 * configured queue.  The first socket ('shared_fd' < 0) registers the
 * UMEM; the other one shares it.  Returns 0 or a positive errno value, with
 * the step that failed in '*step'; the socket is closed on failure. */
static int
xsk_port_open(struct xsk_bench *b, struct xsk_port *p, bool rx, bool tx,
              int shared_fd, uint16_t bind_flags, const char **step)
{
    const struct xsk_config *cfg = b->cfg;
    uint32_t rs = cfg->ring_size;
    struct xdp_mmap_offsets off;
    int error;

    p->fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (p->fd < 0) {
        *step = "create an AF_XDP socket";
        return errno;
    }
    if (shared_fd < 0) {
        *step = "register the UMEM";
        error = afzc_ring_register_umem(p->fd, b->area, b->area_size,
                                        cfg->frame_size, 0);
        if (error) {
            goto error;
        }
    }
    *step = "set up the rings";
    error = afzc_ring_set_sizes(p->fd, rx ? rs : 0, tx ? rs : 0, rs, rs);
    error = error ? error : afzc_ring_get_offsets(p->fd, &off);
    if (error) {
        goto error;
    }
    *step = "map the rings";
    error = (rx ? afzc_ring_map(&p->rx, p->fd, &off, AFZC_RING_RX, rs) : 0);
    error = (error ? error
             : tx ? afzc_ring_map(&p->tx, p->fd, &off, AFZC_RING_TX, rs)
             : 0);
    error = error ? error : afzc_ring_map(&p->fill, p->fd, &off,
                                          AFZC_RING_FILL, rs);
    error = error ? error : afzc_ring_map(&p->comp, p->fd, &off,
                                          AFZC_RING_COMP, rs);
    if (error) {
        goto error;
    }
    if (cfg->busy_poll) {
        xsk_set_busy_poll(cfg, p);
    }
    /* The kernel releases the queue of a socket closed an instant ago (by
     * an earlier run, or by the zero-copy attempt) asynchronously: retry
     * EBUSY for up to a second. */
    *step = "bind";
    for (int i = 0; ; i++) {
        struct timespec ts = { .tv_nsec = 10 * 1000 * 1000 };

        error = afzc_ring_bind(p->fd, p->ifindex, cfg->queue, bind_flags,
                               shared_fd);
        if (error != EBUSY || i >= 100) {
            break;
        }
        nanosleep(&ts, NULL);
    }
    if (error) {
        goto error;
    }
    return 0;

error:
    xsk_port_close(p);
    return error;
}

/* Opens the socket or sockets of 'b', binding the first with 'copy_flag'
 * (XDP_COPY or XDP_ZEROCOPY).  Returns 0 or a positive errno value, with
 * the port and the step that failed in '*failed' and '*step'. */
static int
xsk_open_all(struct xsk_bench *b, uint16_t copy_flag,
             const struct xsk_port **failed, const char **step)
{
    enum xsk_mode mode = b->cfg->mode;
    uint16_t flags = copy_flag;
    int error;

    if (b->cfg->need_wakeup) {
        flags |= XDP_USE_NEED_WAKEUP;
    }
    /* A socket that shares the UMEM takes its mode and need_wakeup from
     * the first one and may not be given any of these flags. */
    *failed = b->in;
    error = xsk_port_open(b, b->in, mode != XSK_TXPUSH,
                          mode != XSK_RXDROP && !b->two_ports, -1, flags,
                          step);
    if (!error && b->two_ports) {
        *failed = b->out;
        error = xsk_port_open(b, b->out, false, true, b->in->fd, 0, step);
        if (error) {
            xsk_port_close(b->in);
        }
    }
    return error;
}

/* Returns true if the kernel says the socket of 'p' runs in zero-copy
 * mode. */
static bool
xsk_port_is_zero_copy(const struct xsk_port *p)
{
    struct xdp_options opts;
    socklen_t len = sizeof opts;

    memset(&opts, 0, sizeof opts);
    return (!getsockopt(p->fd, SOL_XDP, XDP_OPTIONS, &opts, &len)
            && opts.flags & XDP_OPTIONS_ZEROCOPY);
}

/* Returns a hint on why binding failed with 'error', or "". */
static const char *
xsk_bind_hint(const struct xsk_config *cfg, int error)
{
    switch (error) {
    case EBUSY:
        return " (another AF_XDP socket uses this queue)";
    case EINVAL:
        return " (does the device have that many queues?)";
    case EOPNOTSUPP:
        return (cfg->copy == XSK_ZEROCOPY_FORCE
                ? " (the device's driver has no AF_XDP zero-copy support, "
                  "and veth never has; use --copy, or leave both options "
                  "out to fall back to copy mode)"
                : "");
    default:
        return "";
    }
}

/* Opens the sockets of 'b' in the mode the configuration asks for: with
 * neither --copy nor --zero-copy, zero-copy if the kernel takes it and
 * copy mode otherwise.  Exits with a message on failure. */
static void
xsk_open_sockets(struct xsk_bench *b)
{
    const struct xsk_config *cfg = b->cfg;
    const struct xsk_port *failed;
    const char *step;
    int error;

    if (cfg->copy != XSK_COPY_FORCE) {
        error = xsk_open_all(b, XDP_ZEROCOPY, &failed, &step);
        if (!error) {
            b->zero_copy = xsk_port_is_zero_copy(b->in);
            return;
        }
        if (cfg->copy == XSK_ZEROCOPY_FORCE || strcmp(step, "bind")
            || error == EBUSY) {
            fatal("%scannot %s an AF_XDP socket on %s queue %"PRIu32
                  " in zero-copy mode: %s%s",
                  cfg->copy == XSK_ZEROCOPY_FORCE ? "--zero-copy: " : "",
                  step, failed->name, cfg->queue, strerror(error),
                  xsk_bind_hint(cfg, error));
        }
        b->zc_refusal = strerror(error);
        if (!cfg->quiet) {
            printf("xsk: zero-copy refused on %s queue %"PRIu32" (%s); "
                   "falling back to copy mode\n",
                   failed->name, cfg->queue, b->zc_refusal);
        }
    }
    error = xsk_open_all(b, XDP_COPY, &failed, &step);
    if (error) {
        fatal("cannot %s an AF_XDP socket on %s queue %"PRIu32" in copy "
              "mode: %s%s", step, failed->name, cfg->queue, strerror(error),
              !strcmp(step, "bind") ? xsk_bind_hint(cfg, error) : "");
    }
    b->zero_copy = false;
}

/* Adds what the counters did since 'prev' to the samples of 'b' as one
 * sample of 'seconds' ending at 'time', and prints it unless quiet. */
static void
xsk_add_sample(struct xsk_bench *b, const struct xsk_counts *prev,
               double time, double seconds)
{
    struct xsk_sample *s;

    if (b->n_samples >= b->allocated_samples) {
        b->allocated_samples = b->allocated_samples * 2 + 16;
        b->samples = realloc(b->samples,
                             b->allocated_samples * sizeof *b->samples);
        if (!b->samples) {
            fatal("out of memory");
        }
    }
    s = &b->samples[b->n_samples++];
    s->time = time;
    s->seconds = seconds;
    s->delta.rx_packets = b->c.rx_packets - prev->rx_packets;
    s->delta.rx_bytes = b->c.rx_bytes - prev->rx_bytes;
    s->delta.tx_packets = b->c.tx_packets - prev->tx_packets;
    s->delta.tx_bytes = b->c.tx_bytes - prev->tx_bytes;
    s->delta.tx_dropped = b->c.tx_dropped - prev->tx_dropped;
    s->delta.tx_kicks = b->c.tx_kicks - prev->tx_kicks;
    s->delta.rx_wakeups = b->c.rx_wakeups - prev->rx_wakeups;
    if (!b->cfg->quiet) {
        printf("xsk: %6.1f s: rx %.3f Mpps %.3f Gbps, tx %.3f Mpps "
               "%.3f Gbps\n", time,
               s->delta.rx_packets / seconds / 1e6,
               xsk_gbps(s->delta.rx_packets, s->delta.rx_bytes, seconds),
               s->delta.tx_packets / seconds / 1e6,
               xsk_gbps(s->delta.tx_packets, s->delta.tx_bytes, seconds));
        fflush(stdout);
    }
}

/* Writes 's' to 'f' as a JSON string, or null if 's' is null. */
static void
json_put_string(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = *s;

        if (c == '"' || c == '\\') {
            fprintf(f, "\\%c", c);
        } else if (c < 0x20) {
            fprintf(f, "\\u%04x", c);
        } else {
            fputc(c, f);
        }
    }
    fputc('"', f);
}

/* Writes the counters 'c' over 'seconds', and the rates they make, to 'f'
 * as members of a JSON object. */
static void
xsk_json_counts(FILE *f, const struct xsk_counts *c, double seconds)
{
    double s = seconds > 0 ? seconds : 1;

    fprintf(f, "\"seconds\": %.3f, "
            "\"rx_packets\": %"PRIu64", \"rx_bytes\": %"PRIu64", "
            "\"tx_packets\": %"PRIu64", \"tx_bytes\": %"PRIu64", "
            "\"tx_dropped\": %"PRIu64", \"tx_kicks\": %"PRIu64", "
            "\"rx_wakeups\": %"PRIu64", "
            "\"rx_pps\": %.0f, \"tx_pps\": %.0f, "
            "\"rx_mpps\": %.6f, \"tx_mpps\": %.6f, "
            "\"rx_gbps\": %.6f, \"tx_gbps\": %.6f",
            seconds, c->rx_packets, c->rx_bytes, c->tx_packets, c->tx_bytes,
            c->tx_dropped, c->tx_kicks, c->rx_wakeups,
            c->rx_packets / s, c->tx_packets / s,
            c->rx_packets / s / 1e6, c->tx_packets / s / 1e6,
            xsk_gbps(c->rx_packets, c->rx_bytes, s),
            xsk_gbps(c->tx_packets, c->tx_bytes, s));
}

/* Returns the name of copy choice 'copy', as the options spell it. */
static const char *
xsk_copy_name(enum xsk_copy copy)
{
    return (copy == XSK_COPY_FORCE ? "copy"
            : copy == XSK_ZEROCOPY_FORCE ? "zero-copy"
            : "auto");
}

/* Writes the configuration, the samples and the summary of 'b', whose run
 * took 'seconds', as a JSON document to the --json file. */
static void
xsk_write_json(const struct xsk_bench *b, double seconds)
{
    const struct xsk_config *cfg = b->cfg;
    FILE *f = fopen(cfg->json, "w");

    if (!f) {
        fatal("--json: cannot create %s: %s", cfg->json, strerror(errno));
    }
    fputs("{\n  \"command\": \"xsk\",\n  \"config\": {\"mode\": ", f);
    json_put_string(f, cfg->mode_name);
    fputs(", \"dev\": ", f);
    json_put_string(f, cfg->dev);
    fputs(", \"out\": ", f);
    json_put_string(f, cfg->out);
    fprintf(f, ", \"queue\": %"PRIu32", \"copy\": \"%s\", "
            "\"umem_mode\": \"%s\", \"zero_copy_refused\": ",
            cfg->queue, xsk_copy_name(cfg->copy),
            b->zero_copy ? "zero-copy" : "copy");
    json_put_string(f, b->zc_refusal);
    fputs(", \"xdp_mode\": ", f);
    json_put_string(f, (cfg->mode == XSK_TXPUSH ? NULL
                        : xdp_mode_name(cfg->xdp_mode)));
    fprintf(f, ", \"need_wakeup\": %s, \"busy_poll\": %s, \"batch\": %u, "
            "\"frame_size\": %"PRIu32", \"frames\": %"PRIu32", "
            "\"ring_size\": %"PRIu32", \"size\": %u, \"flows\": %u, "
            "\"seconds\": %.3f},\n  \"samples\": [",
            cfg->need_wakeup ? "true" : "false",
            cfg->busy_poll ? "true" : "false", cfg->batch, cfg->frame_size,
            cfg->n_frames, cfg->ring_size, cfg->gen.size, cfg->gen.flows,
            cfg->seconds);
    for (size_t i = 0; i < b->n_samples; i++) {
        const struct xsk_sample *s = &b->samples[i];

        fprintf(f, "%s\n    {\"time\": %.3f, ", i ? "," : "", s->time);
        xsk_json_counts(f, &s->delta, s->seconds);
        fputc('}', f);
    }
    fputs("\n  ],\n  \"summary\": {", f);
    xsk_json_counts(f, &b->c, seconds);
    fputs("}\n}\n", f);
    if (ferror(f) | fclose(f)) {
        fatal("--json: cannot write %s", cfg->json);
    }
}

/* Prints the options of the xsk command. */
static void
xsk_usage(void)
{
    printf("\
usage: %s xsk --dev DEV --mode MODE [OPTION]...\n\
A plain AF_XDP socket on one queue of DEV, busy-polling its rings.\n\
  --dev DEV          device of the socket\n\
  --mode MODE        rxdrop:  receive and drop\n\
                     txpush:  send one UDP packet over and over\n\
                     l2fwd:   receive and send back out of DEV with the\n\
                              Ethernet addresses swapped, or with --out,\n\
                              send out of DEV2 unchanged\n\
  --out DEV2         l2fwd: forward to DEV2 through a second socket, on\n\
                     the same queue, that shares the UMEM (nothing is\n\
                     copied in user space)\n\
  --queue Q          queue of DEV (and DEV2) to bind to, 0 to 63\n\
                     (default 0)\n\
  --copy             bind in copy mode\n\
  --zero-copy        bind in zero-copy mode, or fail if the driver cannot\n\
                     (veth cannot); default: try zero-copy, fall back to\n\
                     copy mode and say so\n\
  --xdp-mode MODE    attach mode of the XDP program on DEV, native or\n\
                     generic (default generic; txpush attaches none)\n\
  --batch N          descriptors per ring operation, 1 to 256, at most\n\
                     the ring size (default 64)\n\
  --frame-size N     UMEM frame size, 2048 or 4096 (default 4096)\n\
  --frames N         UMEM frames, %u to %u (default %u)\n\
  --ring-size N      entries of the rx, tx, fill and completion rings, a\n\
                     power of two from %u to %u (default %u)\n\
  --no-wakeup        do not use the need_wakeup ring flags: kick the\n\
                     kernel after every transmission\n\
  --busy-poll        preferred busy polling: SO_PREFER_BUSY_POLL,\n\
                     SO_BUSY_POLL (%d us) and SO_BUSY_POLL_BUDGET (the\n\
                     batch); the kernel is then kicked on every empty poll\n\
  --seconds S        how long to run (default 0: until a signal)\n\
  --size BYTES       txpush: frame size including the FCS, 64 to 1518\n\
                     (default 64)\n\
  --flows N          txpush: vary the UDP source port over N values, from\n\
                     --src-port; the UDP checksum is then zero (default 1)\n\
  --src-mac, --dst-mac, --src-ip, --dst-ip, --src-port, --dst-port\n\
                     txpush: addresses and ports, as for 'gen'\n\
  --json FILE        write the configuration, the per-second samples and\n\
                     the summary to FILE as JSON\n\
  --quiet            print only 'ready' and the KEY=VALUE line\n\
Prints 'ready' once the sockets are set up, then the receive and transmit\n\
rates every second (Mpps, and Gbps counting each frame with its FCS), a\n\
summary and, last, rx_packets=N tx_packets=N tx_dropped=N seconds=S\n\
rx_pps=R tx_pps=R rx_bytes=N tx_bytes=N rx_gbps=G tx_gbps=G\n\
umem_mode=copy|zero-copy.  tx counts frames whose transmission completed.\n",
           program_name, XSK_MIN_FRAMES, XSK_MAX_FRAMES, XSK_DEFAULT_FRAMES,
           XSK_MIN_RING_SIZE, XSK_MAX_RING_SIZE, XSK_DEFAULT_RING_SIZE,
           XSK_BUSY_POLL_USECS);
}

/* Parses the options of the xsk command into '*cfg'.  Returns false if
 * --help was given. */
static bool
xsk_parse_options(int argc, char *argv[], struct xsk_config *cfg)
{
    static const struct option options[] = {
        { "dev", required_argument, NULL, 'd' },
        { "out", required_argument, NULL, 'o' },
        { "mode", required_argument, NULL, 'm' },
        { "queue", required_argument, NULL, 'Q' },
        { "copy", no_argument, NULL, 'c' },
        { "zero-copy", no_argument, NULL, 'z' },
        { "xdp-mode", required_argument, NULL, 'x' },
        { "batch", required_argument, NULL, 'b' },
        { "frame-size", required_argument, NULL, 'F' },
        { "frames", required_argument, NULL, 'N' },
        { "ring-size", required_argument, NULL, 'R' },
        { "no-wakeup", no_argument, NULL, 'W' },
        { "busy-poll", no_argument, NULL, 'B' },
        { "seconds", required_argument, NULL, 't' },
        { "size", required_argument, NULL, 's' },
        { "flows", required_argument, NULL, 'f' },
        { "src-mac", required_argument, NULL, 'M' },
        { "dst-mac", required_argument, NULL, 'A' },
        { "src-ip", required_argument, NULL, 'I' },
        { "dst-ip", required_argument, NULL, 'i' },
        { "src-port", required_argument, NULL, 'P' },
        { "dst-port", required_argument, NULL, 'p' },
        { "json", required_argument, NULL, 'j' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool copy = false, zero_copy = false, flows_given = false;
    struct gen_config *g = &cfg->gen;
    int opt;

    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'd': cfg->dev = optarg; break;
        case 'o': cfg->out = optarg; break;
        case 'm': cfg->mode_name = optarg; break;
        case 'Q': cfg->queue = parse_uint("--queue", optarg, 0, 63); break;
        case 'c': copy = true; break;
        case 'z': zero_copy = true; break;
        case 'x': cfg->xdp_mode = parse_xdp_mode("--xdp-mode", optarg);
            break;
        case 'b': cfg->batch = parse_uint("--batch", optarg, 1,
                                          XSK_MAX_BATCH);
            break;
        case 'F': cfg->frame_size = parse_uint("--frame-size", optarg,
                                               2048, 4096);
            if (cfg->frame_size != 2048 && cfg->frame_size != 4096) {
                fatal("--frame-size: '%s' is not 2048 or 4096", optarg);
            }
            break;
        case 'N': cfg->n_frames = parse_uint("--frames", optarg,
                                             XSK_MIN_FRAMES, XSK_MAX_FRAMES);
            break;
        case 'R': cfg->ring_size = parse_uint("--ring-size", optarg,
                                              XSK_MIN_RING_SIZE,
                                              XSK_MAX_RING_SIZE);
            if (!afzc_ring_is_pow2(cfg->ring_size)) {
                fatal("--ring-size: %s is not a power of two", optarg);
            }
            break;
        case 'W': cfg->need_wakeup = false; break;
        case 'B': cfg->busy_poll = true; break;
        case 't': cfg->seconds = parse_seconds("--seconds", optarg); break;
        case 's': g->size = parse_uint("--size", optarg, 64, 1518); break;
        case 'f': g->flows = parse_uint("--flows", optarg, 1, 65536);
            flows_given = true;
            break;
        case 'M': parse_mac("--src-mac", optarg, g->src_mac); break;
        case 'A': parse_mac("--dst-mac", optarg, g->dst_mac); break;
        case 'I': parse_ip("--src-ip", optarg, &g->src_ip); break;
        case 'i': parse_ip("--dst-ip", optarg, &g->dst_ip); break;
        case 'P': g->src_port = parse_uint("--src-port", optarg, 0, 65535);
            break;
        case 'p': g->dst_port = parse_uint("--dst-port", optarg, 0, 65535);
            break;
        case 'j': cfg->json = optarg; break;
        case 'q': cfg->quiet = true; break;
        case 'h': xsk_usage(); return false;
        default: fatal("try '%s xsk --help'", program_name);
        }
    }
    if (optind < argc) {
        fatal("xsk: unexpected argument '%s'", argv[optind]);
    }
    if (!cfg->mode_name) {
        fatal("--mode is required (rxdrop, txpush or l2fwd)");
    } else if (!strcmp(cfg->mode_name, "rxdrop")) {
        cfg->mode = XSK_RXDROP;
    } else if (!strcmp(cfg->mode_name, "txpush")) {
        cfg->mode = XSK_TXPUSH;
    } else if (!strcmp(cfg->mode_name, "l2fwd")) {
        cfg->mode = XSK_L2FWD;
    } else {
        fatal("--mode: '%s' is not rxdrop, txpush or l2fwd", cfg->mode_name);
    }
    if (copy && zero_copy) {
        fatal("--copy and --zero-copy exclude each other");
    }
    cfg->copy = (copy ? XSK_COPY_FORCE
                 : zero_copy ? XSK_ZEROCOPY_FORCE
                 : XSK_COPY_AUTO);
    if (cfg->out && cfg->mode != XSK_L2FWD) {
        fatal("--out goes with --mode l2fwd only");
    }
    if (flows_given && cfg->mode != XSK_TXPUSH) {
        fatal("--flows goes with --mode txpush only");
    }
    if (g->src_port + g->flows - 1 > 65535) {
        fatal("--flows %u from --src-port %u goes past port 65535",
              g->flows, (unsigned int) g->src_port);
    }
    if (cfg->batch > cfg->ring_size) {
        fatal("--batch %u is larger than the rings (--ring-size %"PRIu32")",
              cfg->batch, cfg->ring_size);
    }
    return true;
}

/* The xsk command: sets up the sockets, busy-polls them until --seconds
 * or a signal, printing a sample every second, and reports. */
static int
cmd_xsk(int argc, char *argv[])
{
    struct xsk_config cfg = {
        .xdp_mode = XDP_FLAGS_SKB_MODE,
        .batch = 64,
        .frame_size = XSK_DEFAULT_FRAME_SIZE,
        .n_frames = XSK_DEFAULT_FRAMES,
        .ring_size = XSK_DEFAULT_RING_SIZE,
        .need_wakeup = true,
        .gen = {
            .size = 64,
            .src_mac = { 0x02, 0xaf, 0x2c, 0, 0, 1 },
            .dst_mac = { 0x02, 0xaf, 0x2c, 0, 0, 2 },
            .src_port = 9, .dst_port = 9, .flows = 1,
        },
    };
    struct afzc_bench_skel *skel = NULL;
    struct xsk_counts prev;
    struct xsk_bench *b;
    double t0, t1, next_sample;

    parse_ip("--src-ip", "198.18.0.1", &cfg.gen.src_ip);
    parse_ip("--dst-ip", "198.18.0.2", &cfg.gen.dst_ip);
    if (!xsk_parse_options(argc, argv, &cfg)) {
        return 0;
    }

    b = calloc(1, sizeof *b);
    if (!b) {
        fatal("out of memory");
    }
    b->cfg = &cfg;
    b->ports[0].fd = b->ports[1].fd = -1;
    b->in = &b->ports[0];
    b->out = &b->ports[1];
    b->in->name = cfg.dev;
    b->in->ifindex = device_ifindex("--dev", cfg.dev);
    b->two_ports = cfg.out != NULL;
    if (b->two_ports) {
        b->out->name = cfg.out;
        b->out->ifindex = device_ifindex("--out", cfg.out);
        if (b->out->ifindex == b->in->ifindex) {
            fatal("--out names the same device as --dev");
        }
    } else {
        b->out = b->in;
    }

    b->area_size = (size_t) cfg.n_frames * cfg.frame_size;
    b->area = mmap(NULL, b->area_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (b->area == MAP_FAILED) {
        fatal("cannot allocate a %zu-byte UMEM: %s", b->area_size,
              strerror(errno));
    }
    b->free = calloc(cfg.n_frames, sizeof *b->free);
    b->frame_len = calloc(cfg.n_frames, sizeof *b->frame_len);
    if (!b->free || !b->frame_len) {
        fatal("out of memory");
    }
    for (uint32_t i = cfg.n_frames; i-- > 0;) {
        xsk_frame_put(b, (uint64_t) i * cfg.frame_size);
    }
    if (cfg.mode == XSK_TXPUSH) {
        /* Every frame holds the packet, so sending one flow takes no
         * writes, and many flows one port number each. */
        b->tx_len = cfg.gen.size - 4;
        for (uint32_t i = 0; i < b->n_free; i++) {
            gen_build_frame(&cfg.gen, b->area + b->free[i], b->tx_len);
        }
    }

    catch_signals();
    xsk_open_sockets(b);
    if (cfg.mode != XSK_TXPUSH) {
        __u32 key = cfg.queue;
        int fd = b->in->fd;

        xsk_refill(b, b->in);
        skel = bench_skel_load("bench_xsk", 0);
        if (bpf_map_update_elem(bpf_map__fd(skel->maps.bench_xsks), &key,
                                &fd, BPF_ANY)) {
            fatal("cannot put the socket of %s in the XSKMAP: %s",
                  b->in->name, strerror(errno));
        }
        bench_attach(b->in->name, b->in->ifindex, skel->progs.bench_xsk,
                     cfg.xdp_mode);
    }
    if (!cfg.quiet) {
        printf("xsk: %s on %s%s%s queue %"PRIu32", %s mode", cfg.mode_name,
               b->in->name, b->two_ports ? " -> " : "",
               b->two_ports ? cfg.out : "", cfg.queue,
               b->zero_copy ? "zero-copy" : "copy");
        if (cfg.mode != XSK_TXPUSH) {
            printf(", %s XDP", xdp_mode_name(cfg.xdp_mode));
        }
        printf("%s%s\n", cfg.need_wakeup ? ", need_wakeup" : "",
               cfg.busy_poll ? ", busy polling" : "");
    }
    printf("ready\n");
    fflush(stdout);

    t0 = now_sec();
    next_sample = t0 + 1;
    prev = b->c;
    for (unsigned long i = 0; !stop_requested; i++) {
        if (cfg.mode == XSK_TXPUSH) {
            xsk_poll_txpush(b);
        } else {
            xsk_poll_rx(b);
        }
        if (!(i & 63)) {
            double now = now_sec();

            if (now >= next_sample) {
                xsk_add_sample(b, &prev, now - t0, now - (next_sample - 1));
                prev = b->c;
                next_sample = now + 1;
            }
            if (cfg.seconds && now - t0 >= cfg.seconds) {
                break;
            }
        }
    }
    bench_cleanup();
    xsk_drain(b);
    t1 = now_sec();

    if (!cfg.quiet) {
        printf("xsk: received %"PRIu64" (%.3f Mpps, %.3f Gbps), sent "
               "%"PRIu64" (%.3f Mpps, %.3f Gbps, %"PRIu64" dropped) in "
               "%.2f s, %s mode; %"PRIu64" tx kicks, %"PRIu64" rx wakeups\n",
               b->c.rx_packets, b->c.rx_packets / (t1 - t0) / 1e6,
               xsk_gbps(b->c.rx_packets, b->c.rx_bytes, t1 - t0),
               b->c.tx_packets, b->c.tx_packets / (t1 - t0) / 1e6,
               xsk_gbps(b->c.tx_packets, b->c.tx_bytes, t1 - t0),
               b->c.tx_dropped, t1 - t0,
               b->zero_copy ? "zero-copy" : "copy",
               b->c.tx_kicks, b->c.rx_wakeups);
    }
    printf("rx_packets=%"PRIu64" tx_packets=%"PRIu64" tx_dropped=%"PRIu64" "
           "seconds=%.3f rx_pps=%.0f tx_pps=%.0f rx_bytes=%"PRIu64" "
           "tx_bytes=%"PRIu64" rx_gbps=%.3f tx_gbps=%.3f umem_mode=%s\n",
           b->c.rx_packets, b->c.tx_packets, b->c.tx_dropped, t1 - t0,
           b->c.rx_packets / (t1 - t0), b->c.tx_packets / (t1 - t0),
           b->c.rx_bytes, b->c.tx_bytes,
           xsk_gbps(b->c.rx_packets, b->c.rx_bytes, t1 - t0),
           xsk_gbps(b->c.tx_packets, b->c.tx_bytes, t1 - t0),
           b->zero_copy ? "zero-copy" : "copy");
    if (cfg.json) {
        xsk_write_json(b, t1 - t0);
    }

    if (b->two_ports) {
        xsk_port_close(b->out);
    }
    xsk_port_close(b->in);
    munmap(b->area, b->area_size);
    if (skel) {
        afzc_bench_skel__destroy(skel);
    }
    free(b->samples);
    free(b->free);
    free(b->frame_len);
    free(b);
    return 0;
}

/* --- main. --------------------------------------------------------------- */

static void
usage(void)
{
    printf("\
usage: %s COMMAND [OPTION]...\n\
Traffic generator, receiver and XDP forwarder for benchmarking afzc on veth.\n\
\n\
Commands:\n\
  gen --dev DEV        send UDP packets out of DEV (XDP live frames)\n\
  sink --dev DEV       count and drop what DEV receives, report the rate\n\
  redirect --in DEV1 --out DEV2\n\
                       forward DEV1 to DEV2 with XDP (bare XDP baseline)\n\
  xsk --dev DEV --mode rxdrop|txpush|l2fwd [--out DEV2]\n\
                       a plain AF_XDP socket, for comparison\n\
\n\
'%s COMMAND --help' describes the options of COMMAND.\n\
Every command needs root, and the devices must be in the network namespace\n\
the command runs in.\n",
           program_name, program_name);
}

int
main(int argc, char *argv[])
{
    const char *cmd;
    int status;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) {
        usage();
        return EXIT_FAILURE;
    }
    cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage();
        return 0;
    }
    argc--;
    argv++;
    if (!strcmp(cmd, "gen")) {
        status = cmd_gen(argc, argv);
    } else if (!strcmp(cmd, "sink")) {
        status = cmd_sink(argc, argv);
    } else if (!strcmp(cmd, "redirect")) {
        status = cmd_redirect(argc, argv);
    } else if (!strcmp(cmd, "xsk")) {
        status = cmd_xsk(argc, argv);
    } else {
        fatal("unknown command '%s' (try --help)", cmd);
    }
    bench_cleanup();
    return status;
}
