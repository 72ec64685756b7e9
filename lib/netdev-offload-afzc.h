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

#ifndef NETDEV_OFFLOAD_AFZC_H
#define NETDEV_OFFLOAD_AFZC_H 1

/* The "afzc" flow offload provider: with other_config:hw-offload=true,
 * dpif-netdev's megaflows whose in_port is an afzc port are translated into
 * the maps of that port's XDP program, which then forwards matching packets
 * in the kernel without waking user space.
 *
 * Errors: the translation functions return 0, or EOPNOTSUPP with a static
 * string in '*reason' that says why a flow stays in user space; the
 * provider's functions return 0 or a positive errno value, as
 * lib/netdev-offload-provider.h asks. */

#include "openvswitch/types.h"

struct afzc_flow_action;
struct afzc_flow_key;
struct match;
struct netdev;
struct nlattr;

void netdev_offload_afzc_register(void);
void netdev_offload_afzc_run(void);

int afzc_offload_translate_match(const struct match *,
                                 struct afzc_flow_key *key,
                                 struct afzc_flow_key *mask,
                                 const char **reason);
int afzc_offload_translate_actions(const struct netdev *in,
                                   const struct nlattr *actions,
                                   size_t actions_len,
                                   struct afzc_flow_action *out,
                                   size_t *n_out, const char **reason);

#endif /* netdev-offload-afzc.h */
