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

#include "bench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "afzc-bench.skel.h"

/* The name the program reports itself by. */
const char *bench_program_name = "ovs-afzc-bench";

/* Set by SIGINT, SIGTERM and SIGHUP: every loop checks it and winds down. */
volatile sig_atomic_t bench_stop_requested;

/* XDP programs attached by this process, detached by bench_cleanup(). */
struct bench_attachment {
    int ifindex;
    int prog_fd;
    __u32 flags;
    char name[IF_NAMESIZE];
};
static struct bench_attachment bench_attachments[2];
static int bench_n_attachments;

/* Prints an error message made of 'format' and what follows, detaches the
 * XDP programs this process attached and exits with a failure status. */
void
bench_fatal(const char *format, ...)
{
    va_list args;

    fprintf(stderr, "%s: ", bench_program_name);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    bench_cleanup();
    exit(EXIT_FAILURE);
}

/* Prints a warning message made of 'format' and what follows. */
void
bench_warning(const char *format, ...)
{
    va_list args;

    fprintf(stderr, "%s: warning: ", bench_program_name);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
}

/* Signal handler: asks every loop to wind down. */
static void
bench_on_signal(int signo)
{
    (void) signo;
    bench_stop_requested = 1;
}

/* Installs bench_on_signal() without SA_RESTART, so that a blocking call
 * returns EINTR and the loop around it notices 'bench_stop_requested'. */
void
bench_catch_signals(void)
{
    static const int signals[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = bench_on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        sigaction(signals[i], &sa, NULL);
    }
}

/* Returns the monotonic time in seconds. */
double
bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleeps for 'seconds' or until a signal asks us to stop.  Returns false if
 * it was cut short. */
bool
bench_nap(double seconds)
{
    double end = bench_now() + seconds;

    while (!bench_stop_requested) {
        double left = end - bench_now();
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

/* Parses 's', the value of 'option', as a number of seconds from 0 to
 * 86400, or exits with an error. */
double
bench_parse_seconds(const char *option, const char *s)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || v < 0 || v > 86400) {
        bench_fatal("%s: '%s' is not a number of seconds from 0 to 86400",
                    option, s);
    }
    return v;
}

/* Parses 's', the value of 'option', as an integer from 'min' to 'max',
 * or exits with an error. */
unsigned long long
bench_parse_uint(const char *option, const char *s, unsigned long long min,
                 unsigned long long max)
{
    unsigned long long v;
    char *end;

    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
        bench_fatal("%s: '%s' is not an integer from %llu to %llu",
                    option, s, min, max);
    }
    return v;
}

/* Parses 's', the value of 'option', as an Ethernet address into 'mac',
 * or exits with an error. */
void
bench_parse_mac(const char *option, const char *s, uint8_t mac[6])
{
    unsigned int b[6];
    char extra;

    if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
               &b[5], &extra) != 6) {
        bench_fatal("%s: '%s' is not an Ethernet address", option, s);
    }
    for (int i = 0; i < 6; i++) {
        if (b[i] > 0xff) {
            bench_fatal("%s: '%s' is not an Ethernet address", option, s);
        }
        mac[i] = b[i];
    }
}

/* Parses 's', the value of 'option', as an IPv4 address into '*ip', or
 * exits with an error. */
void
bench_parse_ip(const char *option, const char *s, struct in_addr *ip)
{
    if (inet_pton(AF_INET, s, ip) != 1) {
        bench_fatal("%s: '%s' is not an IPv4 address", option, s);
    }
}

/* Parses 's', the value of 'option', as an XDP mode and returns its
 * XDP_FLAGS_* flag, or exits with an error. */
int
bench_parse_xdp_mode(const char *option, const char *s)
{
    if (!strcmp(s, "native")) {
        return XDP_FLAGS_DRV_MODE;
    } else if (!strcmp(s, "generic")) {
        return XDP_FLAGS_SKB_MODE;
    }
    bench_fatal("%s: '%s' is not an XDP mode (native or generic)", option, s);
}

/* Returns the name of the XDP mode of XDP_FLAGS_* 'flags'. */
const char *
bench_xdp_mode_name(__u32 flags)
{
    return flags & XDP_FLAGS_SKB_MODE ? "generic" : "native";
}

/* Returns the ifindex of device 'name', the value of 'option', or exits
 * with an error if it is missing or not there. */
int
bench_ifindex(const char *option, const char *name)
{
    int ifindex;

    if (!name) {
        bench_fatal("%s is required", option);
    }
    ifindex = if_nametoindex(name);
    if (!ifindex) {
        bench_fatal("%s: no device '%s' in this network namespace", option,
                    name);
    }
    return ifindex;
}

/* libbpf print callback: everything but debug output, to stderr. */
static int
bench_libbpf_print(enum libbpf_print_level level, const char *format,
                   va_list args)
{
    if (level == LIBBPF_DEBUG) {
        return 0;
    }
    return vfprintf(stderr, format, args);
}

/* Opens and loads the skeleton with only program 'which' of it.  'gen', for
 * bench_gen, is the generator's device and flows, or NULL for the other
 * programs. */
struct afzc_bench_skel *
bench_skel_load(const char *which, const struct bench_gen_params *gen)
{
    struct afzc_bench_skel *skel;
    struct bpf_program *prog;
    int error;

    libbpf_set_print(bench_libbpf_print);
    skel = afzc_bench_skel__open();
    if (!skel) {
        bench_fatal("cannot open the XDP programs: %s", strerror(errno));
    }
    if (gen) {
        skel->rodata->bench_gen_ifindex = gen->ifindex;
        skel->rodata->bench_gen_flows = gen->flows;
        skel->rodata->bench_gen_port_base = gen->port_base;
    }
    bpf_object__for_each_program(prog, skel->obj) {
        bpf_program__set_autoload(prog,
                                  !strcmp(bpf_program__name(prog), which));
    }
    error = afzc_bench_skel__load(skel);
    if (error) {
        bench_fatal("cannot load XDP program %s: %s (are you root?)",
                    which, strerror(-error));
    }
    return skel;
}

/* Sums the per-CPU counters of 'skel' into 'out'. */
void
bench_read_counters(const struct afzc_bench_skel *skel,
                    uint64_t out[BENCH_N_COUNTERS])
{
    int n_cpus = libbpf_num_possible_cpus();
    int fd = bpf_map__fd(skel->maps.bench_counts);
    uint64_t *values;

    if (n_cpus < 1) {
        bench_fatal("cannot count the CPUs: %s", strerror(-n_cpus));
    }
    values = calloc(n_cpus, sizeof *values);
    if (!values) {
        bench_fatal("out of memory");
    }
    for (__u32 slot = 0; slot < BENCH_N_COUNTERS; slot++) {
        out[slot] = 0;
        if (bpf_map_lookup_elem(fd, &slot, values)) {
            bench_fatal("cannot read the XDP counters: %s", strerror(errno));
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
void
bench_attach(const char *name, int ifindex, struct bpf_program *prog,
             __u32 mode)
{
    __u32 flags = mode | XDP_FLAGS_UPDATE_IF_NOEXIST;
    int prog_fd = bpf_program__fd(prog);
    struct bench_attachment *a;
    int error;

    if (bench_n_attachments >= (int) (sizeof bench_attachments
                                      / sizeof bench_attachments[0])) {
        bench_fatal("too many XDP attachments");
    }
    error = bpf_xdp_attach(ifindex, prog_fd, flags, NULL);
    if (error == -EBUSY || error == -EEXIST) {
        bench_fatal("%s already has an XDP program in %s mode; remove it "
                    "with 'ip link set dev %s %s off'", name,
                    bench_xdp_mode_name(mode), name,
                    mode == XDP_FLAGS_SKB_MODE ? "xdpgeneric" : "xdpdrv");
    } else if (error) {
        bench_fatal("cannot attach XDP program to %s in %s mode: %s",
                    name, bench_xdp_mode_name(mode), strerror(-error));
    }
    a = &bench_attachments[bench_n_attachments++];
    a->ifindex = ifindex;
    a->prog_fd = prog_fd;
    a->flags = mode;
    snprintf(a->name, sizeof a->name, "%s", name);
}

/* Detaches every program attached by bench_attach(), if it is still the
 * one attached. */
void
bench_cleanup(void)
{
    while (bench_n_attachments > 0) {
        struct bench_attachment *a = &bench_attachments[--bench_n_attachments];
        LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = a->prog_fd);
        int error;

        error = bpf_xdp_attach(a->ifindex, -1, a->flags | XDP_FLAGS_REPLACE,
                               &opts);
        if (error && error != -ENODEV) {
            bench_warning("cannot detach XDP program from %s: %s",
                          a->name, strerror(-error));
        }
    }
}

/* Prints the program's usage. */
static void
bench_usage(void)
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
           bench_program_name, bench_program_name);
}

/* Runs the command named by the first argument. */
int
main(int argc, char *argv[])
{
    const char *cmd;
    int status;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) {
        bench_usage();
        return EXIT_FAILURE;
    }
    cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        bench_usage();
        return 0;
    }
    argc--;
    argv++;
    if (!strcmp(cmd, "gen")) {
        status = gen_main(argc, argv);
    } else if (!strcmp(cmd, "sink")) {
        status = sink_main(argc, argv);
    } else if (!strcmp(cmd, "redirect")) {
        status = redirect_main(argc, argv);
    } else if (!strcmp(cmd, "xsk")) {
        status = xsk_main(argc, argv);
    } else {
        bench_fatal("unknown command '%s' (try --help)", cmd);
    }
    bench_cleanup();
    return status;
}
