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

/* ovs-afzc-bench xsk: a plain AF_XDP data plane on afzc's ring code. */

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
#include "afzc-ring.h"
#include "openvswitch/json.h"

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
        bench_fatal("sending on %s: %s", p->name, strerror(errno));
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
    double deadline = bench_now() + 0.5;

    while (b->out->tx_in_flight && bench_now() < deadline) {
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
        bench_fatal("--busy-poll: setsockopt(%s) on the socket of %s failed: "
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
            bench_fatal("%scannot %s an AF_XDP socket on %s queue %"PRIu32
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
        bench_fatal("cannot %s an AF_XDP socket on %s queue %"PRIu32" in copy "
                    "mode: %s%s", step, failed->name, cfg->queue,
                    strerror(error),
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
            bench_fatal("out of memory");
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

/* Returns a new JSON string of 's', or null if 's' is null. */
static struct json *
xsk_json_string(const char *s)
{
    return s ? json_string_create(s) : json_null_create();
}

/* Puts the counters 'c' over 'seconds', and the rates they make, into JSON
 * object 'o', and returns 'o'. */
static struct json *
xsk_json_counts(struct json *o, const struct xsk_counts *c, double seconds)
{
    double s = seconds > 0 ? seconds : 1;

    json_object_put(o, "seconds", json_real_create(seconds));
#define XSK_PUT(FIELD) \
    json_object_put(o, #FIELD, json_integer_create(c->FIELD))
    XSK_PUT(rx_packets); XSK_PUT(rx_bytes); XSK_PUT(tx_packets);
    XSK_PUT(tx_bytes); XSK_PUT(tx_dropped); XSK_PUT(tx_kicks);
    XSK_PUT(rx_wakeups);
#undef XSK_PUT
    json_object_put(o, "rx_pps", json_real_create(c->rx_packets / s));
    json_object_put(o, "tx_pps", json_real_create(c->tx_packets / s));
    json_object_put(o, "rx_mpps", json_real_create(c->rx_packets / s / 1e6));
    json_object_put(o, "tx_mpps", json_real_create(c->tx_packets / s / 1e6));
    json_object_put(o, "rx_gbps",
                    json_real_create(xsk_gbps(c->rx_packets, c->rx_bytes,
                                              s)));
    json_object_put(o, "tx_gbps",
                    json_real_create(xsk_gbps(c->tx_packets, c->tx_bytes,
                                              s)));
    return o;
}

/* Returns the name of copy choice 'copy', as the options spell it. */
static const char *
xsk_copy_name(enum xsk_copy copy)
{
    return (copy == XSK_COPY_FORCE ? "copy"
            : copy == XSK_ZEROCOPY_FORCE ? "zero-copy"
            : "auto");
}

/* Returns the configuration of 'b' as a new JSON object. */
static struct json *
xsk_json_config(const struct xsk_bench *b)
{
    const struct xsk_config *cfg = b->cfg;
    struct json *o = json_object_create();

    json_object_put(o, "mode", xsk_json_string(cfg->mode_name));
    json_object_put(o, "dev", xsk_json_string(cfg->dev));
    json_object_put(o, "out", xsk_json_string(cfg->out));
    json_object_put(o, "queue", json_integer_create(cfg->queue));
    json_object_put_string(o, "copy", xsk_copy_name(cfg->copy));
    json_object_put_string(o, "umem_mode",
                           b->zero_copy ? "zero-copy" : "copy");
    json_object_put(o, "zero_copy_refused", xsk_json_string(b->zc_refusal));
    json_object_put(o, "xdp_mode",
                    xsk_json_string(cfg->mode == XSK_TXPUSH ? NULL
                                    : bench_xdp_mode_name(cfg->xdp_mode)));
    json_object_put(o, "need_wakeup", json_boolean_create(cfg->need_wakeup));
    json_object_put(o, "busy_poll", json_boolean_create(cfg->busy_poll));
    json_object_put(o, "batch", json_integer_create(cfg->batch));
    json_object_put(o, "frame_size", json_integer_create(cfg->frame_size));
    json_object_put(o, "frames", json_integer_create(cfg->n_frames));
    json_object_put(o, "ring_size", json_integer_create(cfg->ring_size));
    json_object_put(o, "size", json_integer_create(cfg->gen.size));
    json_object_put(o, "flows", json_integer_create(cfg->gen.flows));
    json_object_put(o, "seconds", json_real_create(cfg->seconds));
    return o;
}

/* Writes the configuration, the samples and the summary of 'b', whose run
 * took 'seconds', as a JSON document to the --json file, with Open
 * vSwitch's JSON library. */
static void
xsk_write_json(const struct xsk_bench *b, double seconds)
{
    struct json *doc = json_object_create();
    struct json *samples = json_array_create_empty();
    const char *name = b->cfg->json;
    FILE *f = fopen(name, "w");
    char *text;

    if (!f) {
        bench_fatal("--json: cannot create %s: %s", name, strerror(errno));
    }
    json_object_put_string(doc, "command", "xsk");
    json_object_put(doc, "config", xsk_json_config(b));
    for (size_t i = 0; i < b->n_samples; i++) {
        const struct xsk_sample *s = &b->samples[i];
        struct json *o = json_object_create();

        json_object_put(o, "time", json_real_create(s->time));
        json_array_add(samples, xsk_json_counts(o, &s->delta, s->seconds));
    }
    json_object_put(doc, "samples", samples);
    json_object_put(doc, "summary",
                    xsk_json_counts(json_object_create(), &b->c, seconds));
    text = json_to_string(doc, JSSF_PRETTY | JSSF_SORT);
    fprintf(f, "%s\n", text);
    free(text);
    json_destroy(doc);
    if (ferror(f) | fclose(f)) {
        bench_fatal("--json: cannot write %s", name);
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
           bench_program_name, XSK_MIN_FRAMES, XSK_MAX_FRAMES,
           XSK_DEFAULT_FRAMES, XSK_MIN_RING_SIZE, XSK_MAX_RING_SIZE,
           XSK_DEFAULT_RING_SIZE, XSK_BUSY_POLL_USECS);
}

/* Checks the options in 'cfg' against each other, with whether --copy,
 * --zero-copy and --flows were given, and sets 'cfg->mode' and
 * 'cfg->copy' from them; exits with an error if they do not go together. */
static void
xsk_check_options(struct xsk_config *cfg, bool copy, bool zero_copy,
                  bool flows_given)
{
    if (!cfg->mode_name) {
        bench_fatal("--mode is required (rxdrop, txpush or l2fwd)");
    } else if (!strcmp(cfg->mode_name, "rxdrop")) {
        cfg->mode = XSK_RXDROP;
    } else if (!strcmp(cfg->mode_name, "txpush")) {
        cfg->mode = XSK_TXPUSH;
    } else if (!strcmp(cfg->mode_name, "l2fwd")) {
        cfg->mode = XSK_L2FWD;
    } else {
        bench_fatal("--mode: '%s' is not rxdrop, txpush or l2fwd",
                    cfg->mode_name);
    }
    if (copy && zero_copy) {
        bench_fatal("--copy and --zero-copy exclude each other");
    }
    cfg->copy = (copy ? XSK_COPY_FORCE
                 : zero_copy ? XSK_ZEROCOPY_FORCE
                 : XSK_COPY_AUTO);
    if (cfg->out && cfg->mode != XSK_L2FWD) {
        bench_fatal("--out goes with --mode l2fwd only");
    }
    if (flows_given && cfg->mode != XSK_TXPUSH) {
        bench_fatal("--flows goes with --mode txpush only");
    }
    if (cfg->gen.src_port + cfg->gen.flows - 1 > 65535) {
        bench_fatal("--flows %u from --src-port %u goes past port 65535",
                    cfg->gen.flows, (unsigned int) cfg->gen.src_port);
    }
    if (cfg->batch > cfg->ring_size) {
        bench_fatal("--batch %u is larger than the rings (--ring-size "
                    "%"PRIu32")", cfg->batch, cfg->ring_size);
    }
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
        case 'Q':
            cfg->queue = bench_parse_uint("--queue", optarg, 0, 63);
            break;
        case 'c': copy = true; break;
        case 'z': zero_copy = true; break;
        case 'x': cfg->xdp_mode = bench_parse_xdp_mode("--xdp-mode", optarg);
            break;
        case 'b': cfg->batch = bench_parse_uint("--batch", optarg, 1,
                                                XSK_MAX_BATCH);
            break;
        case 'F': cfg->frame_size = bench_parse_uint("--frame-size", optarg,
                                                     2048, 4096);
            if (cfg->frame_size != 2048 && cfg->frame_size != 4096) {
                bench_fatal("--frame-size: '%s' is not 2048 or 4096", optarg);
            }
            break;
        case 'N': cfg->n_frames = bench_parse_uint("--frames", optarg,
                                                   XSK_MIN_FRAMES,
                                                   XSK_MAX_FRAMES);
            break;
        case 'R': cfg->ring_size = bench_parse_uint("--ring-size", optarg,
                                                    XSK_MIN_RING_SIZE,
                                                    XSK_MAX_RING_SIZE);
            if (!afzc_ring_is_pow2(cfg->ring_size)) {
                bench_fatal("--ring-size: %s is not a power of two", optarg);
            }
            break;
        case 'W': cfg->need_wakeup = false; break;
        case 'B': cfg->busy_poll = true; break;
        case 't':
            cfg->seconds = bench_parse_seconds("--seconds", optarg);
            break;
        case 's':
            g->size = bench_parse_uint("--size", optarg, 64, 1518);
            break;
        case 'f': g->flows = bench_parse_uint("--flows", optarg, 1, 65536);
            flows_given = true;
            break;
        case 'M': bench_parse_mac("--src-mac", optarg, g->src_mac); break;
        case 'A': bench_parse_mac("--dst-mac", optarg, g->dst_mac); break;
        case 'I': bench_parse_ip("--src-ip", optarg, &g->src_ip); break;
        case 'i': bench_parse_ip("--dst-ip", optarg, &g->dst_ip); break;
        case 'P':
            g->src_port = bench_parse_uint("--src-port", optarg, 0, 65535);
            break;
        case 'p':
            g->dst_port = bench_parse_uint("--dst-port", optarg, 0, 65535);
            break;
        case 'j': cfg->json = optarg; break;
        case 'q': cfg->quiet = true; break;
        case 'h': xsk_usage(); return false;
        default: bench_fatal("try '%s xsk --help'", bench_program_name);
        }
    }
    if (optind < argc) {
        bench_fatal("xsk: unexpected argument '%s'", argv[optind]);
    }
    xsk_check_options(cfg, copy, zero_copy, flows_given);
    return true;
}

/* Creates the benchmark state for 'cfg': its devices, its UMEM and its
 * free frames, which in txpush mode all hold the frame to send. */
static struct xsk_bench *
xsk_bench_create(const struct xsk_config *cfg)
{
    struct xsk_bench *b = calloc(1, sizeof *b);

    if (!b) {
        bench_fatal("out of memory");
    }
    b->cfg = cfg;
    b->ports[0].fd = b->ports[1].fd = -1;
    b->in = &b->ports[0];
    b->out = &b->ports[1];
    b->in->name = cfg->dev;
    b->in->ifindex = bench_ifindex("--dev", cfg->dev);
    b->two_ports = cfg->out != NULL;
    if (b->two_ports) {
        b->out->name = cfg->out;
        b->out->ifindex = bench_ifindex("--out", cfg->out);
        if (b->out->ifindex == b->in->ifindex) {
            bench_fatal("--out names the same device as --dev");
        }
    } else {
        b->out = b->in;
    }

    b->area_size = (size_t) cfg->n_frames * cfg->frame_size;
    b->area = mmap(NULL, b->area_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (b->area == MAP_FAILED) {
        bench_fatal("cannot allocate a %zu-byte UMEM: %s", b->area_size,
                    strerror(errno));
    }
    b->free = calloc(cfg->n_frames, sizeof *b->free);
    b->frame_len = calloc(cfg->n_frames, sizeof *b->frame_len);
    if (!b->free || !b->frame_len) {
        bench_fatal("out of memory");
    }
    for (uint32_t i = cfg->n_frames; i-- > 0;) {
        xsk_frame_put(b, (uint64_t) i * cfg->frame_size);
    }
    if (cfg->mode == XSK_TXPUSH) {
        /* Every frame holds the packet, so sending one flow takes no
         * writes, and many flows one port number each. */
        b->tx_len = cfg->gen.size - 4;
        for (uint32_t i = 0; i < b->n_free; i++) {
            gen_build_frame(&cfg->gen, b->area + b->free[i], b->tx_len);
        }
    }
    return b;
}

/* Loads bench_xsk, puts the receiving socket of 'b' in its XSKMAP and
 * attaches it to the receiving device.  Returns the skeleton. */
static struct afzc_bench_skel *
xsk_attach_program(struct xsk_bench *b)
{
    const struct xsk_config *cfg = b->cfg;
    struct afzc_bench_skel *skel;
    __u32 key = cfg->queue;
    int fd = b->in->fd;

    xsk_refill(b, b->in);
    skel = bench_skel_load("bench_xsk", NULL);
    if (bpf_map_update_elem(bpf_map__fd(skel->maps.bench_xsks), &key,
                            &fd, BPF_ANY)) {
        bench_fatal("cannot put the socket of %s in the XSKMAP: %s",
                    b->in->name, strerror(errno));
    }
    bench_attach(b->in->name, b->in->ifindex, skel->progs.bench_xsk,
                 cfg->xdp_mode);
    return skel;
}

/* Prints what 'b' is about to do, unless it is to be quiet, and "ready". */
static void
xsk_print_start(const struct xsk_bench *b)
{
    const struct xsk_config *cfg = b->cfg;

    if (!cfg->quiet) {
        printf("xsk: %s on %s%s%s queue %"PRIu32", %s mode", cfg->mode_name,
               b->in->name, b->two_ports ? " -> " : "",
               b->two_ports ? cfg->out : "", cfg->queue,
               b->zero_copy ? "zero-copy" : "copy");
        if (cfg->mode != XSK_TXPUSH) {
            printf(", %s XDP", bench_xdp_mode_name(cfg->xdp_mode));
        }
        printf("%s%s\n", cfg->need_wakeup ? ", need_wakeup" : "",
               cfg->busy_poll ? ", busy polling" : "");
    }
    printf("ready\n");
    fflush(stdout);
}

/* Busy-polls the sockets of 'b' until --seconds or a signal, taking a
 * sample every second.  Returns how long it ran, in seconds, with the
 * final drain. */
static double
xsk_run(struct xsk_bench *b)
{
    double t0 = bench_now(), next_sample = t0 + 1;
    struct xsk_counts prev = b->c;

    for (unsigned long i = 0; !bench_stop_requested; i++) {
        if (b->cfg->mode == XSK_TXPUSH) {
            xsk_poll_txpush(b);
        } else {
            xsk_poll_rx(b);
        }
        if (!(i & 63)) {
            double now = bench_now();

            if (now >= next_sample) {
                xsk_add_sample(b, &prev, now - t0, now - (next_sample - 1));
                prev = b->c;
                next_sample = now + 1;
            }
            if (b->cfg->seconds && now - t0 >= b->cfg->seconds) {
                break;
            }
        }
    }
    bench_cleanup();
    xsk_drain(b);
    return bench_now() - t0;
}

/* Prints the totals of 'b' over 'seconds', and writes them as JSON if
 * --json says so. */
static void
xsk_report(const struct xsk_bench *b, double seconds)
{
    const struct xsk_counts *c = &b->c;

    if (!b->cfg->quiet) {
        printf("xsk: received %"PRIu64" (%.3f Mpps, %.3f Gbps), sent "
               "%"PRIu64" (%.3f Mpps, %.3f Gbps, %"PRIu64" dropped) in "
               "%.2f s, %s mode; %"PRIu64" tx kicks, %"PRIu64" rx wakeups\n",
               c->rx_packets, c->rx_packets / seconds / 1e6,
               xsk_gbps(c->rx_packets, c->rx_bytes, seconds),
               c->tx_packets, c->tx_packets / seconds / 1e6,
               xsk_gbps(c->tx_packets, c->tx_bytes, seconds),
               c->tx_dropped, seconds,
               b->zero_copy ? "zero-copy" : "copy",
               c->tx_kicks, c->rx_wakeups);
    }
    printf("rx_packets=%"PRIu64" tx_packets=%"PRIu64" tx_dropped=%"PRIu64" "
           "seconds=%.3f rx_pps=%.0f tx_pps=%.0f rx_bytes=%"PRIu64" "
           "tx_bytes=%"PRIu64" rx_gbps=%.3f tx_gbps=%.3f umem_mode=%s\n",
           c->rx_packets, c->tx_packets, c->tx_dropped, seconds,
           c->rx_packets / seconds, c->tx_packets / seconds,
           c->rx_bytes, c->tx_bytes,
           xsk_gbps(c->rx_packets, c->rx_bytes, seconds),
           xsk_gbps(c->tx_packets, c->tx_bytes, seconds),
           b->zero_copy ? "zero-copy" : "copy");
    if (b->cfg->json) {
        xsk_write_json(b, seconds);
    }
}

/* Closes the sockets of 'b', frees it and destroys 'skel' (if nonnull). */
static void
xsk_bench_destroy(struct xsk_bench *b, struct afzc_bench_skel *skel)
{
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
}

/* The xsk command: sets up the sockets, busy-polls them until --seconds
 * or a signal, printing a sample every second, and reports. */
int
xsk_main(int argc, char *argv[])
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
    struct xsk_bench *b;

    bench_parse_ip("--src-ip", "198.18.0.1", &cfg.gen.src_ip);
    bench_parse_ip("--dst-ip", "198.18.0.2", &cfg.gen.dst_ip);
    if (!xsk_parse_options(argc, argv, &cfg)) {
        return 0;
    }

    b = xsk_bench_create(&cfg);
    bench_catch_signals();
    xsk_open_sockets(b);
    if (cfg.mode != XSK_TXPUSH) {
        skel = xsk_attach_program(b);
    }
    xsk_print_start(b);
    xsk_report(b, xsk_run(b));
    xsk_bench_destroy(b, skel);
    return 0;
}

