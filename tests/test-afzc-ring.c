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

/* Unit tests of the AF_XDP ring protocol of lib/afzc-ring.h, on rings in
 * plain memory: one afzc_ring plays the user-space side and another, over
 * the same indexes and entries, plays the kernel's side, which follows the
 * same single-producer, single-consumer protocol. */

#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afzc-ring.h"
#include "afzc-test.h"
#include "ovs-thread.h"
#include "ovstest.h"
#include "util.h"

/* The memory that the two sides of one test ring share, as the kernel's
 * mapping would hold it. */
struct afzc_test_ring_mem {
    uint32_t producer;
    uint32_t consumer;
    uint32_t flags;
    uint64_t *descs;
};

/* Sets up 'mem' for a ring of 'size' address entries whose indexes both
 * start at 'start', and 'prod' and 'cons' as the producer's and the
 * consumer's views of it. */
static void
afzc_test_ring_init(struct afzc_test_ring_mem *mem, uint32_t size,
                    uint32_t start, struct afzc_ring *prod,
                    struct afzc_ring *cons)
{
    mem->producer = mem->consumer = start;
    mem->flags = 0;
    mem->descs = xcalloc(size, sizeof *mem->descs);
    for (int i = 0; i < 2; i++) {
        struct afzc_ring *r = i ? cons : prod;

        memset(r, 0, sizeof *r);
        r->producer = &mem->producer;
        r->consumer = &mem->consumer;
        r->flags = &mem->flags;
        r->descs = mem->descs;
        r->size = size;
        r->mask = size - 1;
        r->cached_prod = r->cached_cons = start;
    }
}

/* Produces the 'n' addresses 'first'...'first + n - 1' on 'prod', all or
 * none.  Returns true if there was room. */
static bool
afzc_test_ring_push(struct afzc_ring *prod, uint64_t first, uint32_t n)
{
    uint32_t idx;

    if (afzc_ring_prod_reserve(prod, n, &idx) != n) {
        return false;
    }
    for (uint32_t i = 0; i < n; i++) {
        *afzc_ring_fill_addr(prod, idx + i) = first + i;
    }
    afzc_ring_prod_submit(prod, n);
    return true;
}

/* Consumes up to 'max' addresses from 'cons', checks that they are
 * '*next', '*next + 1', ..., advances '*next' past them and returns how
 * many there were. */
static uint32_t
afzc_test_ring_pop(struct afzc_ring *cons, uint32_t max, uint64_t *next)
{
    uint32_t idx, n;

    n = afzc_ring_cons_peek(cons, max, &idx);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t addr = afzc_ring_comp_addr(cons, idx + i);

        if (addr != *next) {
            ovs_fatal(0, "ring entry %"PRIu32": expected %"PRIu64", got "
                      "%"PRIu64, idx + i, *next, addr);
        }
        (*next)++;
    }
    afzc_ring_cons_release(cons, n);
    return n;
}

/* Checks an empty ring, a full one, cancellation on either side, and the
 * free-running indexes wrapping past 2**32, starting at 'start'. */
static void
afzc_test_ring_basics(uint32_t start)
{
    enum { SIZE = 8 };
    struct afzc_test_ring_mem mem;
    struct afzc_ring prod, cons;
    uint64_t next_in = 0, next_out = 0;
    uint32_t idx;

    afzc_test_ring_init(&mem, SIZE, start, &prod, &cons);

    /* Empty: nothing to consume, everything free, nothing unconsumed. */
    AFZC_TEST_ASSERT(afzc_ring_cons_peek(&cons, SIZE, &idx) == 0);
    AFZC_TEST_ASSERT(afzc_ring_prod_free(&prod, SIZE) == SIZE);
    AFZC_TEST_ASSERT(afzc_ring_prod_unconsumed(&prod) == 0);

    /* Full: SIZE entries fit, one more does not, all or nothing. */
    AFZC_TEST_ASSERT(afzc_test_ring_push(&prod, next_in, SIZE - 3));
    next_in += SIZE - 3;
    AFZC_TEST_ASSERT(!afzc_test_ring_push(&prod, next_in, 4));
    AFZC_TEST_ASSERT(afzc_test_ring_push(&prod, next_in, 3));
    next_in += 3;
    AFZC_TEST_ASSERT(afzc_ring_prod_free(&prod, 1) == 0);
    AFZC_TEST_ASSERT(!afzc_test_ring_push(&prod, next_in, 1));
    AFZC_TEST_ASSERT(afzc_ring_prod_unconsumed(&prod) == SIZE);

    /* The consumer sees at most what it asks for, in order. */
    AFZC_TEST_ASSERT(afzc_test_ring_pop(&cons, 3, &next_out) == 3);
    AFZC_TEST_ASSERT(afzc_test_ring_pop(&cons, SIZE, &next_out) == SIZE - 3);
    AFZC_TEST_ASSERT(afzc_test_ring_pop(&cons, SIZE, &next_out) == 0);

    /* A cancelled reservation is neither seen nor does it take room. */
    AFZC_TEST_ASSERT(afzc_ring_prod_reserve(&prod, 2, &idx) == 2);
    afzc_ring_prod_cancel(&prod, 2);
    AFZC_TEST_ASSERT(afzc_ring_prod_free(&prod, SIZE) == SIZE);
    AFZC_TEST_ASSERT(afzc_test_ring_pop(&cons, SIZE, &next_out) == 0);

    /* A consumer that gives back the tail of what it peeked finds that
     * tail again, followed by whatever was produced by then, and the
     * producer's room counts the tail as unconsumed, as afzc_xsk_recv()
     * relies on for a packet cut by the batch end. */
    AFZC_TEST_ASSERT(afzc_test_ring_push(&prod, next_in, 5));
    next_in += 5;
    AFZC_TEST_ASSERT(afzc_ring_cons_peek(&cons, 5, &idx) == 5);
    AFZC_TEST_ASSERT(afzc_ring_comp_addr(&cons, idx) == next_out);
    afzc_ring_cons_cancel(&cons, 3);
    afzc_ring_cons_release(&cons, 2);
    next_out += 2;
    AFZC_TEST_ASSERT(afzc_ring_prod_free(&prod, SIZE) == SIZE - 3);
    AFZC_TEST_ASSERT(afzc_test_ring_push(&prod, next_in, 2));
    next_in += 2;
    /* A peek made before the push was seen shows the tail alone; giving it
     * back once more brings in the rest. */
    AFZC_TEST_ASSERT(afzc_ring_cons_peek(&cons, SIZE, &idx) == 3);
    afzc_ring_cons_cancel(&cons, 3);
    AFZC_TEST_ASSERT(afzc_test_ring_pop(&cons, SIZE, &next_out) == 5);
    AFZC_TEST_ASSERT(afzc_ring_prod_free(&prod, SIZE) == SIZE);

    /* Many laps, in odd batch sizes, so that both the slot index and the
     * free-running indexes wrap. */
    for (int lap = 0; lap < 100; lap++) {
        uint32_t n = 1 + lap % (SIZE - 1);

        AFZC_TEST_ASSERT(afzc_test_ring_push(&prod, next_in, n));
        next_in += n;
        while (next_out < next_in) {
            AFZC_TEST_ASSERT(afzc_test_ring_pop(&cons, 3, &next_out) > 0);
        }
    }
    AFZC_TEST_ASSERT(mem.producer == start + (uint32_t) next_in);
    AFZC_TEST_ASSERT(mem.consumer == mem.producer);
    free(mem.descs);
}

/* One producer thread and one consumer thread on the same ring. */
struct afzc_test_ring_spsc {
    struct afzc_test_ring_mem mem;
    struct afzc_ring prod;
    struct afzc_ring cons;
    uint64_t n;                 /* Entries to pass through. */
};

/* The producer thread: pushes 0...n-1 in batches of varying sizes. */
static void *
afzc_test_ring_producer(void *t_)
{
    struct afzc_test_ring_spsc *t = t_;
    uint64_t next = 0;

    while (next < t->n) {
        uint32_t n = MIN(1 + next % 31, t->n - next);

        if (afzc_test_ring_push(&t->prod, next, n)) {
            next += n;
        }
    }
    return NULL;
}

/* Passes 'n' entries from a producer thread to this thread, through a
 * ring whose indexes start just before they wrap, checking each. */
static void
afzc_test_ring_threads(uint64_t n)
{
    struct afzc_test_ring_spsc t;
    uint64_t next = 0;
    pthread_t thread;

    afzc_test_ring_init(&t.mem, 64, UINT32_MAX - 1000, &t.prod, &t.cons);
    t.n = n;
    thread = ovs_thread_create("afzc-ring-producer", afzc_test_ring_producer,
                               &t);
    while (next < n) {
        afzc_test_ring_pop(&t.cons, 17, &next);
    }
    xpthread_join(thread, NULL);
    AFZC_TEST_ASSERT(afzc_ring_prod_unconsumed(&t.prod) == 0);
    free(t.mem.descs);
}

/* ovstest-afzc ring: the ring protocol. */
static void
afzc_test_ring_main(int argc OVS_UNUSED, char *argv[] OVS_UNUSED)
{
    afzc_test_ring_basics(0);
    afzc_test_ring_basics(UINT32_MAX - 5);
    afzc_test_ring_threads(1000000);
    printf("ring: ok\n");
}

OVSTEST_REGISTER("ring", afzc_test_ring_main);
