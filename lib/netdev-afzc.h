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
 * AF_XDP socket on the one UMEM that all afzc ports share. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct afzc_frame_counts;
struct afzc_xdp;
struct ds;
struct json;
struct netdev;
struct netdev_class;

/* XDP modes a port can be asked for (options:xdp-mode). */
enum afzc_xdp_mode {
    AFZC_MODE_BEST_EFFORT,      /* The fastest mode that works. */
    AFZC_MODE_NATIVE_ZC,        /* Driver mode with AF_XDP zero-copy. */
    AFZC_MODE_NATIVE,           /* Driver mode, copy. */
    AFZC_MODE_GENERIC,          /* Generic (skb) mode, copy. */
};

int netdev_afzc_register(void);
void netdev_afzc_main_init(void);
bool netdev_afzc_is_afzc(const struct netdev *);
bool netdev_afzc_is_zerocopy(const struct netdev *);
const struct netdev_class *netdev_afzc_get_class(bool nonpmd);
void netdev_afzc_show(const struct netdev *, struct ds *, struct json *);
void netdev_afzc_clear_stats(const struct netdev *);
size_t netdev_afzc_get_fill_targets(const struct netdev *, uint32_t **);
void netdev_afzc_get_frame_counts(const struct netdev *,
                                  struct afzc_frame_counts *);
const char *afzc_xdp_mode_name(enum afzc_xdp_mode);
struct afzc_xdp *netdev_afzc_lock_xdp(const struct netdev *);
void netdev_afzc_unlock(const struct netdev *);

#endif /* netdev-afzc.h */
