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

/* libFuzzer harness: cutting TCP super-packets to the MTU
 * (lib/afzc-gso.c), on random frames.  The input's first two bytes are
 * the MTU, the rest the frame.  Besides reading only within the frame and
 * leaving it as it was, each segment must be no longer than the frame,
 * carry at most the MTU behind its Ethernet header and tags, and have
 * checksums that verify: afzc_csum_fixup_frame() completes nothing in it.
 * A frame is cut into two segments or more, or not at all. */

#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "afzc-csum.h"
#include "afzc-gso.h"
#include "dp-packet.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Cuts one frame, then checks the segments. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct afzc_gso_queue q;
    struct dp_packet *p;
    size_t n;
    int mtu;

    if (size < 3) {
        return 0;
    }
    mtu = data[0] << 8 | data[1];
    data += 2;
    size -= 2;

    /* A buffer of exactly the frame's size, so that any read beyond it is
     * caught. */
    p = dp_packet_new(0);
    free(dp_packet_base(p));
    dp_packet_set_base(p, xmemdup(data, size));
    dp_packet_set_allocated(p, size);
    dp_packet_set_data(p, dp_packet_base(p));
    dp_packet_set_size(p, size);

    afzc_gso_queue_init(&q);
    n = afzc_gso_segment(p, mtu, &q);
    ovs_assert(n == q.n);
    ovs_assert(!memcmp(data, dp_packet_data(p), size));
    for (size_t i = 0; i < n; i++) {
        struct dp_packet *seg = q.packets[i];
        size_t len = dp_packet_size(seg);

        ovs_assert(len <= size);
        ovs_assert(len <= (size_t) mtu + 14 + 2 * 4);
        ovs_assert(afzc_csum_fixup_frame(dp_packet_data(seg), len)
                   != AFZC_CSUM_FIXED);
    }
    ovs_assert(n != 1);
    afzc_gso_queue_destroy(&q);
    dp_packet_delete(p);
    return 0;
}
