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

#ifndef AFZC_XDP_FLOW_H
#define AFZC_XDP_FLOW_H 1

/* The offloaded flow table of an afzc XDP program (see afzc-xdp.h): the
 * megaflows that the program executes itself, in its classifier's maps.
 * The flows live and die with the program.  The caller serializes the
 * calls for one program (the flow offload provider does, under the port's
 * mutex).
 *
 * Errors: functions that return int return 0 or a positive errno value. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "afzc-xdp-shared.h"
#include "openvswitch/types.h"

struct afzc_xdp;
struct ds;

/* Counters of an offloaded flow. */
struct afzc_xdp_flow_stats {
    uint64_t packets;
    uint64_t bytes;
    long long int used_ms;      /* time_msec() of the last hit, 0 if none. */
    bool in_user;               /* Set by afzc_xdp_flow_to_user(). */
};

int afzc_xdp_flow_put(struct afzc_xdp *, const ovs_u128 *ufid,
                      const struct afzc_flow_key *key,
                      const struct afzc_flow_key *mask,
                      const struct afzc_flow_action *actions,
                      size_t n_actions);
int afzc_xdp_flow_get(struct afzc_xdp *, const ovs_u128 *ufid,
                      struct afzc_xdp_flow_stats *);
int afzc_xdp_flow_get_recent(struct afzc_xdp *, const ovs_u128 *ufid,
                             long long int max_age_ms,
                             struct afzc_xdp_flow_stats *);
int afzc_xdp_flow_del(struct afzc_xdp *, const ovs_u128 *ufid,
                      struct afzc_xdp_flow_stats *);
int afzc_xdp_flow_to_user(struct afzc_xdp *, const ovs_u128 *ufid);
void afzc_xdp_flow_flush(struct afzc_xdp *);
size_t afzc_xdp_n_flows(const struct afzc_xdp *);
size_t afzc_xdp_n_masks(const struct afzc_xdp *);
size_t afzc_xdp_max_flows(const struct afzc_xdp *);
size_t afzc_xdp_max_masks(const struct afzc_xdp *);
void afzc_xdp_n_full(const struct afzc_xdp *, uint64_t *flows_full,
                     uint64_t *masks_full);
void afzc_xdp_flow_dump_ufids(const struct afzc_xdp *, struct ds *);

/* The offloaded flows of a program that is about to be replaced, to be put
 * into its successor. */
struct afzc_xdp_saved_flows;
struct afzc_xdp_saved_flows *afzc_xdp_flows_save(struct afzc_xdp *);
size_t afzc_xdp_flows_restore(struct afzc_xdp *,
                              struct afzc_xdp_saved_flows *, bool zerocopy);

#endif /* afzc-xdp-flow.h */
