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

#ifndef AFZC_STATS_H
#define AFZC_STATS_H 1

/* The counters of afzc port queues, as custom statistics and as afzc/show
 * reports them, and the baselines that afzc/clear-stats sets.
 *
 * A port's counters come from its sockets (afzc-xsk), its XDP program
 * (afzc-xdp) and a few that the netdev class keeps itself in a
 * 'struct afzc_stats'.  The netdev class lends what it has to this module
 * as a 'struct afzc_port_view' under the port's mutex (see
 * netdev_afzc_lock_view()), so this module knows nothing of the class and
 * the class knows nothing of how counters are shown.
 *
 * Errors: none of these functions fails. */

#include <stdbool.h>
#include <stdint.h>

struct afzc_xdp;
struct afzc_xsk;
struct ds;
struct json;
struct netdev_custom_stats;

struct afzc_stats;

/* One afzc port as the counter code sees it, valid while the port's mutex
 * is held.  When 'configured' is false, only 'name' is meaningful. */
struct afzc_port_view {
    const char *name;
    bool configured;
    int ifindex;
    const char *xdp_mode;           /* The XDP mode in use. */
    int n_rxq;
    int start_qid;                  /* Device queue of socket 0. */
    struct afzc_xdp *xdp;
    struct afzc_xsk *const *xsks;   /* 'n_rxq' sockets. */
    struct afzc_stats *stats;
};

struct afzc_stats *afzc_stats_create(int n_rxq);
void afzc_stats_destroy(struct afzc_stats *);
void afzc_stats_add_csum_fixed(struct afzc_stats *, int queue, uint32_t n);
void afzc_stats_add_gso_cut(struct afzc_stats *, int queue, uint32_t n);

void afzc_stats_get_custom(const struct afzc_port_view *,
                           struct netdev_custom_stats *);
void afzc_stats_show(const struct afzc_port_view *, struct ds *,
                     struct json *);
void afzc_stats_clear(const struct afzc_port_view *);

#endif /* afzc-stats.h */
