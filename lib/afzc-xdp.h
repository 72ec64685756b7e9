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

#ifndef AFZC_XDP_H
#define AFZC_XDP_H 1

/* Loading, attaching and detaching the XDP program of an afzc port
 * (kernel/afzc-xdp.bpf.c, embedded as a libbpf skeleton), its XSKMAP, its
 * XDP hook and its per-queue counters.  Its offloaded flow table is
 * afzc-xdp-flow.h's.
 *
 * Errors: functions that return int return 0 or a positive errno value;
 * those with an 'errp' also put a message there, which the caller frees. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "afzc-hook.h"
#include "afzc-xdp-shared.h"
#include "openvswitch/types.h"

struct afzc_xdp;
struct smap;

void afzc_xdp_init(void);
void afzc_xdp_set_config(const struct smap *other_config);
unsigned int afzc_xdp_cache_entries(bool *in_use);
int afzc_xdp_attach(const char *devname, int ifindex, bool native,
                    bool frags, struct afzc_xdp **, char **errp);
void afzc_xdp_detach(struct afzc_xdp *);
void afzc_xdp_output_moved(uint32_t old_ifindex, uint32_t new_ifindex);
int afzc_xdp_check_hook(const char *file, char **errp);
int afzc_xdp_set_hook(struct afzc_xdp *, const char *file, char **errp);
int afzc_xdp_get_hook_stats(const struct afzc_xdp *, uint32_t queue,
                            uint64_t n[AFZC_HOOK_N_OUTCOMES]);
void afzc_xdp_set_queues(struct afzc_xdp *, uint32_t first, uint32_t n);
int afzc_xdp_set_xsk(struct afzc_xdp *, uint32_t queue, int xsk_fd);
void afzc_xdp_clear_xsk(struct afzc_xdp *, uint32_t queue);
uint32_t afzc_xdp_prog_id(const struct afzc_xdp *);
void afzc_xdp_set_csum_fixup(struct afzc_xdp *, bool on);
void afzc_xdp_set_gso_to_user(struct afzc_xdp *, bool on);
int afzc_xdp_get_qstats(const struct afzc_xdp *, uint32_t queue,
                        struct afzc_xdp_qstats *);
int afzc_xdp_query(int ifindex, uint32_t *prog_id, bool *ours);

#endif /* afzc-xdp.h */
