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

/* ovstest-afzc xdp-csum-diff: differential test of the two places that
 * complete partial checksums.
 *
 * On a port in native mode, afzc's XDP program completes the partial TCP
 * and UDP checksums of single-buffer frames (afzc_csum_complete() in
 * kernel/afzc-xdp.bpf.c), and netdev-afzc.c then leaves those frames alone:
 * it runs afzc_csum_fixup_frame() (lib/afzc-csum.c) only on packets copied
 * out of several frames.  That is right only if the program completes every
 * checksum that afzc_csum_fixup_frame() would, and the same way.
 *
 * Random frames (TCP and UDP over IPv4 and IPv6, zero to three VLAN tags,
 * partial, complete and random checksums, bad versions, lengths, header
 * lengths and fragments, cuts and trailing bytes) go through the real
 * program with BPF_PROG_TEST_RUN, and a copy of each through
 * afzc_csum_fixup_frame().  The test fails if the program's output still
 * has a checksum that afzc_csum_fixup_frame() would complete, if the two
 * completed a checksum differently, if the program changed anything else
 * in a frame, or if its xdp_csum_fixed counter differs from the number of
 * frames whose checksum it changed (a complete checksum that happens to
 * look partial is no completion). */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "afzc-csum.h"
#include "afzc-test.h"
#include "afzc-xdp.h"
#include "openvswitch/dynamic-string.h"
#include "ovstest.h"
#include "timeval.h"
#include "util.h"

/* The longest generated frame: less than what BPF_PROG_TEST_RUN takes as
 * one buffer (a page without the XDP headroom and the shared info). */
#define AFZC_CSD_MAX_FRAME 3000

/* Mismatches printed in full. */
#define AFZC_CSD_MAX_REPORTS 10

/* A xorshift64* random number generator, so that a seed gives the same run
 * on every machine. */
struct afzc_csd_rng {
    uint64_t s;
};

/* Returns the next 64 random bits of 'r'. */
static uint64_t
afzc_csd_rand64(struct afzc_csd_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dULL;
}

/* Returns a random number in [0, n). */
static uint32_t
afzc_csd_rand(struct afzc_csd_rng *r, uint32_t n)
{
    return (afzc_csd_rand64(r) >> 32) % n;
}

/* Returns true with probability 'pct' percent. */
static bool
afzc_csd_chance(struct afzc_csd_rng *r, int pct)
{
    return afzc_csd_rand(r, 100) < pct;
}

/* A generated frame, and where its checksum field is (0 if it has none). */
struct afzc_csd_frame {
    uint8_t data[AFZC_CSD_MAX_FRAME];
    size_t len;
    size_t field_ofs;
};

/* Stores 16-bit 'x' at 'p' in network byte order. */
static void
afzc_csd_put16(uint8_t *p, uint16_t x)
{
    p[0] = x >> 8;
    p[1] = x;
}

/* Returns the ones' complement sum of the 'n' bytes at 'p' added to 'sum',
 * the bytes taken as big-endian words (an odd last byte padded with 0),
 * folded to 16 bits. */
static uint32_t
afzc_csd_sum(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i += 2) {
        sum += (uint32_t) p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

/* Fills the 'n' bytes at 'p' with random bytes. */
static void
afzc_csd_random(struct afzc_csd_rng *r, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = afzc_csd_rand64(r);
    }
}

/* Makes a random frame in 'f'. */
static void
afzc_csd_make(struct afzc_csd_frame *f, struct afzc_csd_rng *r)
{
    static const uint16_t tpids[] = { 0x8100, 0x8100, 0x88a8, 0x9100 };
    uint8_t *p = f->data, *l3, *l4;
    size_t ofs = 12, l3_hdr, l4_hdr, payload, l4_len, csum_ofs;
    bool ipv6 = afzc_csd_chance(r, 45);
    uint8_t proto;
    uint32_t sum;
    int n_tags;

    memset(f, 0, sizeof *f);
    afzc_csd_random(r, p, 12);
    n_tags = (afzc_csd_chance(r, 60) ? 0 : afzc_csd_chance(r, 70) ? 1
              : afzc_csd_chance(r, 85) ? 2 : 3);
    for (int i = 0; i < n_tags; i++) {
        afzc_csd_put16(p + ofs, tpids[afzc_csd_rand(r, ARRAY_SIZE(tpids))]);
        afzc_csd_put16(p + ofs + 2, afzc_csd_rand(r, 65536));
        ofs += 4;
    }
    afzc_csd_put16(p + ofs, (afzc_csd_chance(r, 3) ? afzc_csd_rand(r, 65536)
                             : ipv6 ? 0x86dd : 0x0800));
    ofs += 2;

    proto = (afzc_csd_chance(r, 5) ? afzc_csd_rand(r, 256)
             : afzc_csd_chance(r, 50) ? 6 : 17);
    l3 = p + ofs;
    l3_hdr = ipv6 ? 40 : 20;
    if (!ipv6 && afzc_csd_chance(r, 10)) {
        l3_hdr = 4 * (5 + afzc_csd_rand(r, 11));
    }
    l4_hdr = proto == 6 ? 20 : 8;
    payload = afzc_csd_rand(r, AFZC_CSD_MAX_FRAME - 64 - 64 - ofs);
    if (afzc_csd_chance(r, 30)) {
        payload = afzc_csd_rand(r, 64);
    }
    l4_len = l4_hdr + payload;
    afzc_csd_random(r, l3, l3_hdr + l4_len);
    l4 = l3 + l3_hdr;
    f->len = ofs + l3_hdr + l4_len;

    if (ipv6) {
        l3[0] = 0x60 | (l3[0] & 0xf);
        afzc_csd_put16(l3 + 4, l4_len);
        l3[6] = proto;
        sum = afzc_csd_sum(0, l3 + 8, 32);
    } else {
        l3[0] = 0x40 | l3_hdr / 4;
        afzc_csd_put16(l3 + 2, l3_hdr + l4_len);
        /* Mostly not a fragment; at times DF set, at times a fragment. */
        afzc_csd_put16(l3 + 6, (afzc_csd_chance(r, 80) ? 0
                                : afzc_csd_chance(r, 50) ? 0x4000
                                : afzc_csd_rand(r, 65536)));
        l3[9] = proto;
        sum = afzc_csd_sum(0, l3 + 12, 8);
    }
    if (proto == 17) {
        afzc_csd_put16(l4 + 4, l4_len);
    }

    /* The checksum: mostly the pseudo-header sum that a sender leaves to
     * the hardware, at times complete, at times random. */
    csum_ofs = proto == 6 ? 16 : 6;
    sum += proto;
    sum = (sum & 0xffff) + (sum >> 16);
    sum += l4_len;
    sum = (sum & 0xffff) + (sum >> 16);
    afzc_csd_put16(l4 + csum_ofs, sum);
    if (afzc_csd_chance(r, 20)) {
        uint16_t check;

        afzc_csd_put16(l4 + csum_ofs, 0);
        check = ~afzc_csd_sum(sum, l4, l4_len);
        afzc_csd_put16(l4 + csum_ofs, proto == 17 && !check ? 0xffff
                                                            : check);
    } else if (afzc_csd_chance(r, 10)) {
        afzc_csd_random(r, l4 + csum_ofs, 2);
    } else if (payload >= 2 && sum != 0xffff && afzc_csd_chance(r, 4)) {
        /* A complete checksum that looks partial: the field keeps the
         * pseudo-header sum, and the first payload word makes the whole
         * verify.  Neither may count it as completed.  (Not with a
         * pseudo-header sum of 0xffff, where the program may write the
         * other zero, 0x0000: the "verifying sum rewritten" case.) */
        afzc_csd_put16(l4 + l4_hdr, 0);
        afzc_csd_put16(l4 + l4_hdr,
                       ~afzc_csd_sum(sum, l4, l4_len) & 0xffff);
    }
    f->field_ofs = l4 + csum_ofs - p;

    /* Damage. */
    if (afzc_csd_chance(r, 5)) {
        /* A wrong version or header length. */
        l3[0] = afzc_csd_rand(r, 256);
    }
    if (afzc_csd_chance(r, 5)) {
        /* A wrong IP length, short or long. */
        uint16_t len = afzc_csd_rand(r, l3_hdr + l4_len + 64);

        afzc_csd_put16(l3 + (ipv6 ? 4 : 2), len);
    }
    if (afzc_csd_chance(r, 10)) {
        /* Bytes after the packet, as in a padded frame. */
        size_t n = afzc_csd_rand(r, 64);

        n = MIN(n, sizeof f->data - f->len);

        afzc_csd_random(r, p + f->len, n);
        f->len += n;
    }
    if (afzc_csd_chance(r, 5)) {
        /* Cut short, to at least an Ethernet header. */
        f->len = 14 + afzc_csd_rand(r, f->len - 14);
    }
    if (afzc_csd_chance(r, 3)) {
        f->data[afzc_csd_rand(r, f->len)] ^= 1 << afzc_csd_rand(r, 8);
    }
}

/* The state of one run. */
struct afzc_csd {
    struct afzc_csd_rng rng;
    int prog_fd;
    uint64_t n_frames;
    uint64_t n_fixed;           /* Completed by both. */
    uint64_t n_complete;        /* Left alone by both, a checksum seen. */
    uint64_t n_other;           /* Not TCP or UDP as both parse it. */
    uint64_t n_rewritten;       /* A verifying pseudo-header sum that the
                                 * program rewrote as the same checksum. */
    uint64_t n_mismatch;
};

/* Prints what went wrong with frame 'f' (the first few times). */
static void
afzc_csd_report(struct afzc_csd *d, const char *what,
                const struct afzc_csd_frame *f, const uint8_t *xdp,
                size_t xdp_len, const uint8_t *user)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    d->n_mismatch++;
    if (d->n_mismatch > AFZC_CSD_MAX_REPORTS) {
        return;
    }
    ds_put_format(&s, "frame %"PRIu64": %s\n  in   (%"PRIuSIZE" bytes, "
                  "checksum at %"PRIuSIZE"): ", d->n_frames, what, f->len,
                  f->field_ofs);
    for (size_t i = 0; i < f->len; i++) {
        ds_put_format(&s, "%02x", f->data[i]);
    }
    ds_put_format(&s, "\n  xdp  (%"PRIuSIZE" bytes): ", xdp_len);
    for (size_t i = 0; i < xdp_len; i++) {
        ds_put_format(&s, "%02x", xdp[i]);
    }
    ds_put_cstr(&s, "\n  user: ");
    for (size_t i = 0; i < f->len; i++) {
        ds_put_format(&s, "%02x", user[i]);
    }
    printf("%s\n", ds_cstr(&s));
    ds_destroy(&s);
}

/* Runs frame 'f' through the program and through afzc_csum_fixup_frame()
 * and compares. */
static void
afzc_csd_one(struct afzc_csd *d, const struct afzc_csd_frame *f)
{
    uint8_t xdp[AFZC_CSD_MAX_FRAME + 64], user[AFZC_CSD_MAX_FRAME];
    uint8_t again[AFZC_CSD_MAX_FRAME + 64];
    LIBBPF_OPTS(bpf_test_run_opts, opts);
    enum afzc_csum_result res;
    struct xdp_md ctx;
    int error;

    d->n_frames++;

    memset(&ctx, 0, sizeof ctx);
    ctx.data_end = f->len;
    opts.data_in = f->data;
    opts.data_size_in = f->len;
    opts.data_out = xdp;
    opts.data_size_out = sizeof xdp;
    opts.ctx_in = &ctx;
    opts.ctx_size_in = sizeof ctx;
    opts.repeat = 1;
    error = bpf_prog_test_run_opts(d->prog_fd, &opts);
    if (error) {
        ovs_fatal(-error, "BPF_PROG_TEST_RUN of a %"PRIuSIZE"-byte frame",
                  f->len);
    }

    memcpy(user, f->data, f->len);
    res = afzc_csum_fixup_frame(user, f->len);

    if (opts.data_size_out != f->len) {
        afzc_csd_report(d, "the program changed the frame's length", f, xdp,
                        opts.data_size_out, user);
        return;
    }
    memcpy(again, xdp, f->len);
    if (afzc_csum_fixup_frame(again, f->len) == AFZC_CSUM_FIXED) {
        afzc_csd_report(d, "the program left a checksum that user space "
                        "completes", f, xdp, opts.data_size_out, user);
    } else if (res == AFZC_CSUM_FIXED) {
        if (memcmp(xdp, user, f->len)) {
            afzc_csd_report(d, "the program and user space completed the "
                            "checksum differently", f, xdp,
                            opts.data_size_out, user);
        } else {
            d->n_fixed++;
        }
    } else if (!memcmp(xdp, f->data, f->len)) {
        if (res == AFZC_CSUM_COMPLETE) {
            d->n_complete++;
        } else {
            d->n_other++;
        }
    } else {
        /* The one change allowed: a pseudo-header sum that happens to
         * verify, which user space leaves as it is, rewritten by the
         * program as the checksum it equals. */
        bool only_field = res == AFZC_CSUM_COMPLETE && f->field_ofs;

        for (size_t i = 0; only_field && i < f->len; i++) {
            only_field = (xdp[i] == f->data[i]
                          || i == f->field_ofs || i == f->field_ofs + 1);
        }
        if (only_field) {
            d->n_rewritten++;
        } else {
            afzc_csd_report(d, "the program changed a frame that user space "
                            "leaves alone", f, xdp, opts.data_size_out,
                            user);
        }
    }
}

/* Prints the usage of the command and exits. */
static void
afzc_csd_usage(void)
{
    printf("usage: ovstest-afzc xdp-csum-diff [-n FRAMES] [-s SEED] DEV\n"
           "Runs FRAMES random frames (default 100000) through afzc's XDP\n"
           "program, attached to DEV in generic mode with partial checksums\n"
           "completed, and through afzc's user-space completion, and exits\n"
           "1 if the program leaves a checksum that user space completes,\n"
           "completes one differently, or changes anything else.  Needs\n"
           "root.\n");
    exit(EXIT_SUCCESS);
}

/* ovstest-afzc xdp-csum-diff: see afzc_csd_usage(). */
static void
afzc_test_xdp_csum_diff_main(int argc, char *argv[])
{
    uint64_t n_frames = 100000, seed = 1;
    long long int start = time_msec();
    struct afzc_xdp_qstats qstats;
    struct afzc_csd d;
    struct afzc_xdp *xdp;
    char *err = NULL;
    int c, error, ifindex;

    optind = 1;
    while ((c = getopt(argc, argv, "n:s:h")) != -1) {
        switch (c) {
        case 'n':
            n_frames = strtoull(optarg, NULL, 10);
            break;
        case 's':
            seed = strtoull(optarg, NULL, 10);
            break;
        default:
            afzc_csd_usage();
        }
    }
    if (optind != argc - 1) {
        afzc_csd_usage();
    }

    memset(&d, 0, sizeof d);
    d.rng.s = seed * 0x9e3779b97f4a7c15ULL + 1;
    ifindex = if_nametoindex(argv[optind]);
    if (!ifindex) {
        ovs_fatal(errno, "%s", argv[optind]);
    }
    afzc_xdp_init();
    error = afzc_xdp_attach(argv[optind], ifindex, false, false, &xdp, &err);
    if (error) {
        ovs_fatal(error, "%s", err);
    }
    afzc_xdp_set_queues(xdp, 0, 1);
    afzc_xdp_set_csum_fixup(xdp, true);
    d.prog_fd = bpf_prog_get_fd_by_id(afzc_xdp_prog_id(xdp));
    if (d.prog_fd < 0) {
        ovs_fatal(errno, "cannot open the program");
    }

    for (uint64_t i = 0; i < n_frames; i++) {
        struct afzc_csd_frame f;

        afzc_csd_make(&f, &d.rng);
        afzc_csd_one(&d, &f);
    }

    /* The program's own count of the checksums it completed: every frame
     * whose checksum field it changed, and no other.  (The device is down:
     * only the test runs above ran the program.) */
    error = afzc_xdp_get_qstats(xdp, 0, &qstats);
    if (error) {
        ovs_fatal(error, "cannot read the program's counters");
    }
    if (qstats.csum_fixed != d.n_fixed + d.n_rewritten) {
        printf("the program counted %"PRIu64" checksums completed, but "
               "changed %"PRIu64"\n", (uint64_t) qstats.csum_fixed,
               d.n_fixed + d.n_rewritten);
        d.n_mismatch++;
    }

    printf("frames %"PRIu64": completed by both %"PRIu64", checksum left "
           "alone %"PRIu64", no checksum %"PRIu64", verifying sum "
           "rewritten %"PRIu64", mismatches %"PRIu64"; %lld ms\n",
           d.n_frames, d.n_fixed, d.n_complete, d.n_other, d.n_rewritten,
           d.n_mismatch, time_msec() - start);
    close(d.prog_fd);
    afzc_xdp_detach(xdp);
    exit(d.n_mismatch ? EXIT_FAILURE : EXIT_SUCCESS);
}

OVSTEST_REGISTER("xdp-csum-diff", afzc_test_xdp_csum_diff_main);
