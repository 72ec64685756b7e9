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

#ifndef NETDEV_AFZC_H
#define NETDEV_AFZC_H 1

/* The "afzc" netdev class: an Open vSwitch port whose every queue is an
 * AF_XDP socket on the one UMEM that all afzc ports share.  It sets a port
 * up from its options and runs its data path; the counters it shows are
 * afzc-stats', which reads the port through netdev_afzc_lock_view().
 *
 * Errors: functions that return int return 0 or a positive errno value,
 * as lib/netdev-provider.h asks of a netdev class. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct afzc_port_view;
struct afzc_xdp;
struct netdev;
struct netdev_class;

int netdev_afzc_register(void);
void netdev_afzc_main_init(void);
bool netdev_afzc_is_afzc(const struct netdev *);
bool netdev_afzc_is_zerocopy(const struct netdev *);
const struct netdev_class *netdev_afzc_get_class(bool nonpmd);
void netdev_afzc_lock_view(const struct netdev *, struct afzc_port_view *);
struct afzc_xdp *netdev_afzc_lock_xdp(const struct netdev *);
void netdev_afzc_unlock(const struct netdev *);

#endif /* netdev-afzc.h */
