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

/* Unit tests of the shared UMEM's frame pool and the per-queue stashes in
 * front of it (lib/afzc-umem.h), on a real UMEM: afzc_umem_ref() maps the
 * frames and fills the pool, which needs no socket. */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afzc-test.h"
#include "afzc-umem.h"
#include "ovs-atomic.h"
#include "ovs-thread.h"
#include "ovstest.h"
#include "smap.h"
#include "util.h"

/* Frames in the test UMEM: the smallest that afzc allows. */
#define AFZC_TEST_FRAMES AFZC_UMEM_MIN_FRAMES

/* Creates the shared UMEM with AFZC_TEST_FRAMES frames. */
static struct afzc_umem *
afzc_test_umem_create(void)
{
    struct smap cfg = SMAP_INITIALIZER(&cfg);
    struct afzc_umem *umem;
    char *err = NULL;

    smap_add_format(&cfg, "afzc-umem-frames", "%d", AFZC_TEST_FRAMES);
    afzc_umem_set_config(&cfg);
    smap_destroy(&cfg);
    if (afzc_umem_ref(&umem, &err)) {
        ovs_fatal(0, "cannot create the UMEM: %s", err);
    }
    AFZC_TEST_ASSERT(afzc_umem_n_frames(umem) == AFZC_TEST_FRAMES);
    AFZC_TEST_ASSERT(afzc_umem_n_free(umem) == AFZC_TEST_FRAMES);
    return umem;
}

/* Checks that 'addr' is the offset of the start of a frame of the test
 * UMEM and returns the frame's number. */
static uint32_t
afzc_test_frame(uint64_t addr)
{
    AFZC_TEST_ASSERT(addr % AFZC_FRAME_SIZE == 0);
    AFZC_TEST_ASSERT(addr / AFZC_FRAME_SIZE < AFZC_TEST_FRAMES);
    return addr / AFZC_FRAME_SIZE;
}

/* One thread: a stash fills from the pool a batch at a time, hands out
 * every frame once when the pool runs dry, and gives everything back. */
static void
afzc_test_stash_single(struct afzc_umem *umem)
{
    static uint64_t addrs[AFZC_TEST_FRAMES + 10];
    static bool held[AFZC_TEST_FRAMES];
    struct afzc_stash stash = { .n = 0 };
    uint32_t n;

    AFZC_TEST_ASSERT(afzc_stash_take(umem, &stash, addrs, 10) == 10);
    AFZC_TEST_ASSERT(stash.n == AFZC_STASH_BATCH - 10);
    AFZC_TEST_ASSERT(afzc_umem_n_free(umem)
                     == AFZC_TEST_FRAMES - AFZC_STASH_BATCH);
    afzc_stash_give(umem, &stash, addrs, 10);
    AFZC_TEST_ASSERT(stash.n == AFZC_STASH_BATCH);
    afzc_stash_drain(umem, &stash);
    AFZC_TEST_ASSERT(stash.n == 0);
    AFZC_TEST_ASSERT(afzc_umem_n_free(umem) == AFZC_TEST_FRAMES);

    /* Taking more than there is gets every frame, each once. */
    n = afzc_stash_take(umem, &stash, addrs, ARRAY_SIZE(addrs));
    AFZC_TEST_ASSERT(n == AFZC_TEST_FRAMES);
    AFZC_TEST_ASSERT(afzc_umem_n_free(umem) == 0);
    AFZC_TEST_ASSERT(afzc_stash_take(umem, &stash, addrs, 1) == 0);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t frame = afzc_test_frame(addrs[i]);

        AFZC_TEST_ASSERT(!held[frame]);
        held[frame] = true;
    }

    /* Giving them back, by any address inside the frame, spills the stash
     * into the pool; draining it returns the rest. */
    for (uint32_t i = 0; i < n; i++) {
        addrs[i] += i % AFZC_FRAME_SIZE;
    }
    afzc_stash_give(umem, &stash, addrs, n);
    AFZC_TEST_ASSERT(stash.n <= AFZC_STASH_SIZE);
    afzc_stash_drain(umem, &stash);
    AFZC_TEST_ASSERT(afzc_umem_n_free(umem) == AFZC_TEST_FRAMES);
}

/* What the threads of afzc_test_stash_threads() share. */
struct afzc_test_stash_shared {
    struct afzc_umem *umem;
    int n_rounds;                           /* Per thread. */
    atomic_bool held[AFZC_TEST_FRAMES];     /* Frame is held by a thread. */
    atomic_uint64_t n_taken;                /* Frames taken, in total. */
};

/* Marks the 'n' frames at 'addrs' held in 's', failing if one already was:
 * two threads were given the same frame. */
static void
afzc_test_stash_hold(struct afzc_test_stash_shared *s, const uint64_t *addrs,
                     uint32_t n)
{
    uint64_t orig;

    for (uint32_t i = 0; i < n; i++) {
        uint32_t frame = afzc_test_frame(addrs[i]);

        if (atomic_exchange(&s->held[frame], true)) {
            ovs_fatal(0, "frame %"PRIu32" handed out twice", frame);
        }
    }
    atomic_add_relaxed(&s->n_taken, n, &orig);
}

/* Marks the 'n' frames at 'addrs', held by the caller, free in 's'. */
static void
afzc_test_stash_release(struct afzc_test_stash_shared *s,
                        const uint64_t *addrs, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        atomic_store(&s->held[afzc_test_frame(addrs[i])], false);
    }
}

/* A thread with a stash of its own: takes frames in batches of changing
 * sizes, keeps up to about a hundred for a while, and gives them back, so
 * that its stash keeps spilling to and refilling from the shared pool. */
static void *
afzc_test_stash_thread(void *s_)
{
    struct afzc_test_stash_shared *s = s_;
    struct afzc_stash stash = { .n = 0 };
    uint64_t addrs[128];
    uint32_t n_held = 0;

    for (int round = 0; round < s->n_rounds; round++) {
        uint32_t want = 1 + (round * 7) % 40;
        uint32_t got;

        want = MIN(want, ARRAY_SIZE(addrs) - n_held);
        got = afzc_stash_take(s->umem, &stash, &addrs[n_held], want);
        afzc_test_stash_hold(s, &addrs[n_held], got);
        n_held += got;
        if (n_held > 90 || round % 3 == 0) {
            /* Give back the oldest ones. */
            uint32_t k = n_held / 2 + 1;

            k = MIN(k, n_held);
            afzc_test_stash_release(s, addrs, k);
            afzc_stash_give(s->umem, &stash, addrs, k);
            memmove(addrs, &addrs[k], (n_held - k) * sizeof *addrs);
            n_held -= k;
        }
    }
    afzc_test_stash_release(s, addrs, n_held);
    afzc_stash_give(s->umem, &stash, addrs, n_held);
    afzc_stash_drain(s->umem, &stash);
    return NULL;
}

/* Several threads take and give frames at once through stashes of their
 * own: no frame may be handed to two holders, and every frame must be back
 * in the pool at the end. */
static void
afzc_test_stash_threads(struct afzc_umem *umem, int n_threads, int n_rounds)
{
    struct afzc_test_stash_shared *s = xzalloc(sizeof *s);
    pthread_t *threads = xmalloc(n_threads * sizeof *threads);
    uint64_t n_taken;

    s->umem = umem;
    s->n_rounds = n_rounds;
    for (int i = 0; i < AFZC_TEST_FRAMES; i++) {
        atomic_init(&s->held[i], false);
    }
    atomic_init(&s->n_taken, 0);
    for (int i = 0; i < n_threads; i++) {
        threads[i] = ovs_thread_create("afzc-stash", afzc_test_stash_thread,
                                       s);
    }
    for (int i = 0; i < n_threads; i++) {
        xpthread_join(threads[i], NULL);
    }
    atomic_read_relaxed(&s->n_taken, &n_taken);
    AFZC_TEST_ASSERT(n_taken >= (uint64_t) n_threads * n_rounds);
    AFZC_TEST_ASSERT(afzc_umem_n_free(umem) == AFZC_TEST_FRAMES);
    for (int i = 0; i < AFZC_TEST_FRAMES; i++) {
        bool held;

        atomic_read_relaxed(&s->held[i], &held);
        AFZC_TEST_ASSERT(!held);
    }
    free(threads);
    free(s);
}

/* The fill budget: queues join at the floor until the budget is used up,
 * growth stops short of the last quarter, and leaving gives it all back. */
static void
afzc_test_fill_budget(struct afzc_umem *umem)
{
    struct afzc_umem_budget b;
    uint32_t targets[AFZC_TEST_FRAMES];
    uint32_t share, min, n = 0;
    char *err = NULL;

    afzc_umem_get_budget(umem, &b);
    AFZC_TEST_ASSERT(b.fill_held == 0 && b.n_queues == 0);
    AFZC_TEST_ASSERT(b.reserve + b.fill_budget == AFZC_TEST_FRAMES);
    share = afzc_umem_queue_share(b.fill_floor);
    while (!afzc_umem_fill_join(umem, 0, &targets[n], &err)) {
        AFZC_TEST_ASSERT(targets[n] == b.fill_floor);
        n++;
    }
    AFZC_TEST_ASSERT(err != NULL);
    free(err);
    AFZC_TEST_ASSERT(n == b.fill_budget / share);
    AFZC_TEST_ASSERT(!afzc_umem_fill_grow(umem, 1));
    for (uint32_t i = 0; i < n; i++) {
        afzc_umem_fill_leave(umem, share);
    }
    afzc_umem_get_budget(umem, &b);
    AFZC_TEST_ASSERT(b.fill_held == 0 && b.n_queues == 0);

    /* One queue grows up to three quarters of the budget, no further. */
    AFZC_TEST_ASSERT(!afzc_umem_fill_join(umem, 0, &targets[0], &err));
    AFZC_TEST_ASSERT(afzc_umem_fill_grow(umem, b.fill_budget * 3 / 4
                                         - share));
    AFZC_TEST_ASSERT(!afzc_umem_fill_grow(umem, 1));
    afzc_umem_fill_shrink(umem, b.fill_budget * 3 / 4 - share);
    afzc_umem_fill_leave(umem, share);
    afzc_umem_get_budget(umem, &b);
    AFZC_TEST_ASSERT(b.fill_held == 0 && b.n_queues == 0);

    /* A queue with a minimum above the floor (a zero-copy queue) starts at
     * its minimum and holds that share; the room check counts it. */
    min = b.fill_floor * 4;
    AFZC_TEST_ASSERT(!afzc_umem_fill_join(umem, min, &targets[0], &err));
    AFZC_TEST_ASSERT(targets[0] == min);
    afzc_umem_get_budget(umem, &b);
    AFZC_TEST_ASSERT(b.fill_held == afzc_umem_queue_share(min));
    AFZC_TEST_ASSERT(!afzc_umem_check_room(1, min, &err));
    AFZC_TEST_ASSERT(afzc_umem_check_room(b.fill_budget / min + 1, min,
                                          &err) == ENOBUFS);
    AFZC_TEST_ASSERT(err != NULL);
    free(err);
    err = NULL;
    afzc_umem_fill_leave(umem, afzc_umem_queue_share(min));
    afzc_umem_get_budget(umem, &b);
    AFZC_TEST_ASSERT(b.fill_held == 0 && b.n_queues == 0);
}

/* ovstest-afzc umem [THREADS [ROUNDS]]: the frame pool, the stashes and
 * the fill budget. */
static void
afzc_test_umem_main(int argc, char *argv[])
{
    int n_threads = argc > 1 ? atoi(argv[1]) : 4;
    int n_rounds = argc > 2 ? atoi(argv[2]) : 100000;
    struct afzc_umem *umem = afzc_test_umem_create();

    afzc_test_stash_single(umem);
    afzc_test_stash_threads(umem, n_threads, n_rounds);
    afzc_test_fill_budget(umem);
    afzc_umem_unref(umem);
    AFZC_TEST_ASSERT(afzc_umem_get() == NULL);
    printf("umem: ok\n");
}

OVSTEST_REGISTER("umem", afzc_test_umem_main);
