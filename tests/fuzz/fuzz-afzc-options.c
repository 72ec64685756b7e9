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

/* libFuzzer harness: an afzc Interface's options (afzc_options_parse(),
 * what the netdev class's set_config calls) and other_config
 * (afzc_umem_set_config()), from a random smap.  The input is lines of
 * KEY=VALUE (a line without '=' is a key with an empty value). */

#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "afzc-options.h"
#include "afzc-umem.h"
#include "afzc-xdp-shared.h"
#include "openvswitch/vlog.h"
#include "smap.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fills 'smap' from the lines of the 'size' bytes at 'data'. */
static void
afzc_fuzz_smap(const uint8_t *data, size_t size, struct smap *smap)
{
    const char *p = (const char *) data, *end = p + size;

    while (p < end) {
        const char *nl = memchr(p, '\n', end - p);
        const char *line_end = nl ? nl : end;
        const char *eq = memchr(p, '=', line_end - p);
        char *key = xmemdup0(p, (eq ? eq : line_end) - p);

        /* smap_replace_nocopy() takes the value, not the key. */
        smap_replace_nocopy(smap, key,
                            eq ? xmemdup0(eq + 1, line_end - eq - 1)
                               : xstrdup(""));
        free(key);
        p = line_end + 1;
    }
}

/* Parses one input as options and as other_config, and checks what a
 * successful parse returns. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct smap smap = SMAP_INITIALIZER(&smap);
    struct afzc_options o;
    char *err = NULL;
    static bool init;

    if (!init) {
        vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
        init = true;
    }
    afzc_fuzz_smap(data, size, &smap);
    if (!afzc_options_parse(&smap, "p0", &o, &err)) {
        ovs_assert(!err);
        ovs_assert(o.n_rxq >= 1 && o.start_qid >= 0);
        ovs_assert(o.start_qid + o.n_rxq <= AFZC_MAX_QUEUES);
        ovs_assert(o.busy_poll >= 0 && o.busy_poll <= AFZC_MAX_BUSY_POLL);
        ovs_assert(afzc_xdp_mode_name(o.mode) != NULL);
        ovs_assert(afzc_csum_fixup_name(o.csum_fixup) != NULL);
    } else {
        ovs_assert(err && *err);
        free(err);
    }
    afzc_umem_set_config(&smap);
    smap_destroy(&smap);
    return 0;
}
