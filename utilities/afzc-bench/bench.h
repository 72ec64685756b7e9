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

#ifndef BENCH_H
#define BENCH_H 1

/* What the commands of ovs-afzc-bench (gen.c, sink.c, redirect.c, xsk.c,
 * one file each) share, from bench.c: messages and exit, signals, time,
 * option parsing, and loading, attaching and reading the XDP programs of
 * kernel/afzc-bench.bpf.c.
 *
 * Errors: the helpers here do not return them; on an error they print a
 * message and exit (bench_fatal()), after detaching what was attached. */

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/types.h>

#include "afzc-bench.h"

struct afzc_bench_skel;
struct bpf_program;

/* The program's name, for messages and usage. */
extern const char *bench_program_name;

/* Set by SIGINT, SIGTERM and SIGHUP (see bench_catch_signals()): every
 * loop checks it and winds down. */
extern volatile sig_atomic_t bench_stop_requested;

void bench_fatal(const char *format, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void bench_warning(const char *format, ...)
    __attribute__((format(printf, 1, 2)));
void bench_catch_signals(void);
double bench_now(void);
bool bench_nap(double seconds);

double bench_parse_seconds(const char *option, const char *s);
unsigned long long bench_parse_uint(const char *option, const char *s,
                                    unsigned long long min,
                                    unsigned long long max);
void bench_parse_mac(const char *option, const char *s, uint8_t mac[6]);
void bench_parse_ip(const char *option, const char *s, struct in_addr *);
int bench_parse_xdp_mode(const char *option, const char *s);
const char *bench_xdp_mode_name(__u32 flags);
int bench_ifindex(const char *option, const char *name);

/* What bench_gen is loaded with: see bench_gen_ifindex, bench_gen_flows
 * and bench_gen_port_base in kernel/afzc-bench.bpf.c. */
struct bench_gen_params {
    int ifindex;                /* The generator's device. */
    unsigned int flows;         /* UDP source ports to vary over. */
    unsigned int port_base;     /* The first of them. */
};

struct afzc_bench_skel *bench_skel_load(const char *which,
                                        const struct bench_gen_params *);
void bench_read_counters(const struct afzc_bench_skel *,
                         uint64_t out[BENCH_N_COUNTERS]);
void bench_attach(const char *name, int ifindex, struct bpf_program *,
                  __u32 mode);
void bench_cleanup(void);

/* What the generator sends: its options, also used by xsk's txpush. */
struct gen_config {
    const char *dev;
    unsigned int size;          /* Frame size with the 4-byte FCS. */
    double seconds;
    unsigned long long count;   /* 0: no limit. */
    unsigned long long rate;    /* Packets per second; 0: no limit. */
    unsigned int batch;
    uint8_t src_mac[6], dst_mac[6];
    struct in_addr src_ip, dst_ip;
    uint16_t src_port, dst_port;
    unsigned int flows;         /* Source ports src_port...+flows-1. */
    const char *hold_dev;       /* Where to keep the program attached. */
    bool quiet;
};

void gen_build_frame(const struct gen_config *, uint8_t *frame, size_t len);

/* The commands.  Each returns the program's exit status. */
int gen_main(int argc, char *argv[]);
int sink_main(int argc, char *argv[]);
int redirect_main(int argc, char *argv[]);
int xsk_main(int argc, char *argv[]);

#endif /* bench.h */
