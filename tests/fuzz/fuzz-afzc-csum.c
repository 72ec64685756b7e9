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

/* libFuzzer harness: the completion of partial checksums on received
 * frames (lib/afzc-csum.c), on random frames.  Besides reading and writing
 * only within the frame, a completed checksum must verify: a second pass
 * over the same frame completes nothing, and changes no byte. */

#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "afzc-csum.h"
#include "dp-packet.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Completes the checksum of one frame, twice. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dp_packet_batch batch;
    struct dp_packet *p;
    uint64_t n;

    /* A buffer of exactly the frame's size, so that any read beyond it is
     * caught. */
    p = dp_packet_new(0);
    free(dp_packet_base(p));
    dp_packet_set_base(p, xmemdup(data, size ? size : 1));
    dp_packet_set_allocated(p, size);
    dp_packet_set_data(p, dp_packet_base(p));
    dp_packet_set_size(p, size);
    dp_packet_batch_init_packet(&batch, p);

    n = afzc_csum_fixup_batch(&batch, false);
    ovs_assert(n <= 1);

    uint8_t *once = xmemdup(dp_packet_data(p), size ? size : 1);

    ovs_assert(afzc_csum_fixup_batch(&batch, false) == 0);
    ovs_assert(!memcmp(once, dp_packet_data(p), size));
    if (!n) {
        ovs_assert(!memcmp(data, dp_packet_data(p), size));
    }
    free(once);
    dp_packet_delete(p);
    return 0;
}
