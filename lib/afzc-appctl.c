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

#include <config.h>

#include "afzc-appctl.h"

#include "afzc-umem.h"
#include "afzc-xsk.h"
#include "netdev-afzc.h"
#include "netdev-provider.h"
#include "netdev.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "sset.h"
#include "unixctl.h"
#include "util.h"

/* afzc/umem-show: where every frame of the shared UMEM is. */
static void
afzc_appctl_umem_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
                      const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct afzc_umem *umem = afzc_umem_get();
    struct ds out = DS_EMPTY_INITIALIZER;
    struct afzc_frame_counts c;

    if (!umem) {
        ds_put_format(&out, "no UMEM (no afzc port); next size: %"PRIu32
                      " frames\n", afzc_umem_configured_frames());
        unixctl_command_reply(conn, ds_cstr(&out));
        ds_destroy(&out);
        return;
    }
    afzc_umem_get_counts(umem, &c);
    ds_put_format(&out,
                  "frame_size: %d\n"
                  "frames: %"PRIu32"\n"
                  "size_bytes: %"PRIu64"\n"
                  "free: %"PRIu64"\n"
                  "stashed: %"PRIu64"\n"
                  "fill: %"PRIu64"\n"
                  "rx: %"PRIu64"\n"
                  "held: %"PRIu64"\n"
                  "tx: %"PRIu64"\n"
                  "completion: %"PRIu64"\n",
                  AFZC_FRAME_SIZE, afzc_umem_n_frames(umem),
                  (uint64_t) afzc_umem_n_frames(umem) * AFZC_FRAME_SIZE,
                  c.free, c.stashed, c.fill, c.rx, c.held, c.tx,
                  c.completion);
    unixctl_command_reply(conn, ds_cstr(&out));
    ds_destroy(&out);
}

/* afzc/show [PORT]: every afzc port, or one, with its queues. */
static void
afzc_appctl_show(struct unixctl_conn *conn, int argc, const char *argv[],
                 void *aux OVS_UNUSED)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    struct shash devices = SHASH_INITIALIZER(&devices);
    const struct shash_node **sorted;
    bool found = false;

    netdev_get_devices(netdev_afzc_get_class(), &devices);
    sorted = shash_sort(&devices);
    for (size_t i = 0; i < shash_count(&devices); i++) {
        struct netdev *netdev = sorted[i]->data;

        if (argc < 2 || !strcmp(argv[1], netdev_get_name(netdev))) {
            netdev_afzc_show(netdev, &out);
            found = true;
        }
    }
    for (size_t i = 0; i < shash_count(&devices); i++) {
        netdev_close(sorted[i]->data);
    }
    free(sorted);
    shash_destroy(&devices);

    if (argc >= 2 && !found) {
        unixctl_command_reply_error(conn, "no such afzc port");
    } else {
        unixctl_command_reply(conn, ds_cstr(&out));
    }
    ds_destroy(&out);
}

/* Registers the afzc/... commands.  Runs once, in the main thread. */
void
afzc_appctl_register(void)
{
    unixctl_command_register("afzc/show", "[PORT]", 0, 1,
                             afzc_appctl_show, NULL);
    unixctl_command_register("afzc/umem-show", "", 0, 0,
                             afzc_appctl_umem_show, NULL);
}
