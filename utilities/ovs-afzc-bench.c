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
 *             returns XDP_TX.
 *   sink      counts and drops everything a device receives, with an XDP
 *             program, and reports the rate over a measurement window.
 *   redirect  forwards everything from one device to another with an XDP
 *             program and bpf_redirect_map(): the fastest Linux can do.
 *   xsk       an AF_XDP socket on one device queue: receive and drop,
 *             transmit only, or forward to a second device.
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

#ifndef SOL_XDP
#define SOL_XDP 283
#endif
#ifndef AF_XDP
#define AF_XDP 44
#endif

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

/* Reads /sys/class/net/DEV/statistics/NAME, or returns 0. */
static unsigned long long
device_stat(const char *dev, const char *name)
{
    unsigned long long v = 0;
    char path[256];
    FILE *f;

    snprintf(path, sizeof path, "/sys/class/net/%s/statistics/%s", dev, name);
    f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%llu", &v) != 1) {
            v = 0;
        }
        fclose(f);
    }
    return v;
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
 * with correct IP and UDP checksums. */
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
  --dst-mac MAC      destination Ethernet address (default 02:af:2c:00:00:02)\n\
  --src-ip IP        source IPv4 address (default 198.18.0.1)\n\
  --dst-ip IP        destination IPv4 address (default 198.18.0.2)\n\
  --src-port PORT    UDP source port (default 9)\n\
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
        .src_port = 9, .dst_port = 9,
    };
    uint64_t before[BENCH_N_COUNTERS], after[BENCH_N_COUNTERS];
    unsigned long long drops_before, drops_after, sent;
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
        case 'H': c.hold_dev = optarg; break;
        case 'q': c.quiet = true; break;
        case 'h': gen_usage(); return 0;
        default: fatal("try '%s gen --help'", program_name);
        }
    }
    if (optind < argc) {
        fatal("gen: unexpected argument '%s'", argv[optind]);
    }

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
    drops_before = device_stat(c.dev, "tx_dropped");
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
    drops_after = device_stat(c.dev, "tx_dropped");
    bench_cleanup();
    afzc_bench_skel__destroy(skel);

    /* The program's own count is exact even when a signal cut a run
     * short. */
    sent = after[BENCH_PACKETS] - before[BENCH_PACKETS];
    if (!c.quiet) {
        printf("gen: %s: sent %llu packets of %u bytes in %.2f s: %.3f Mpps, "
               "%.3f Gbit/s (%llu dropped by the device)\n",
               c.dev, sent, c.size, elapsed, sent / elapsed / 1e6,
               sent * (double) c.size * 8 / elapsed / 1e9,
               drops_after - drops_before);
    }
    printf("tx_packets=%llu tx_bytes=%"PRIu64" seconds=%.3f tx_pps=%.0f "
           "tx_dropped=%llu size=%u\n",
           sent, after[BENCH_BYTES] - before[BENCH_BYTES], elapsed,
           sent / elapsed, drops_after - drops_before, c.size);
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

static int
cmd_xsk(int argc, char *argv[])
{
    (void) argc;
    (void) argv;
    fatal("xsk: not implemented yet");
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
