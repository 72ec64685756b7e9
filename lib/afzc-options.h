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

#ifndef AFZC_OPTIONS_H
#define AFZC_OPTIONS_H 1

/* The options column of an afzc Interface: parsing and the names of the
 * values it takes.  Pure functions of their arguments: nothing here touches
 * a device, so that a port's options can be checked (and unit tested)
 * before anything is set up.
 *
 * Errors: functions that can fail return 0 or a positive errno value and
 * put a message for the Interface's error column in '*errp', which the
 * caller frees. */

#include <stdbool.h>

struct smap;

/* XDP modes a port can be asked for (options:xdp-mode). */
enum afzc_xdp_mode {
    AFZC_MODE_BEST_EFFORT,      /* The fastest mode that works. */
    AFZC_MODE_NATIVE_ZC,        /* Driver mode with AF_XDP zero-copy. */
    AFZC_MODE_NATIVE,           /* Driver mode, copy. */
    AFZC_MODE_GENERIC,          /* Generic (skb) mode, copy. */
};

/* options:rx-csum-fixup. */
enum afzc_csum_fixup {
    AFZC_CSUM_FIXUP_AUTO,       /* On for virtual devices (veth). */
    AFZC_CSUM_FIXUP_ON,
    AFZC_CSUM_FIXUP_OFF,
};

/* Largest options:busy-poll: the kernel caps SO_BUSY_POLL_BUDGET there. */
#define AFZC_MAX_BUSY_POLL 65535

/* The options of one afzc port, as parsed by afzc_options_parse(). */
struct afzc_options {
    int n_rxq;                  /* options:n_rxq. */
    int start_qid;              /* options:start-qid. */
    enum afzc_xdp_mode mode;    /* options:xdp-mode. */
    bool need_wakeup;           /* options:use-need-wakeup. */
    int busy_poll;              /* options:busy-poll, 0 for off. */
    const char *hook;           /* options:xdp-hook, or NULL; points into
                                 * the parsed smap. */
    enum afzc_csum_fixup csum_fixup; /* options:rx-csum-fixup. */
};

int afzc_options_parse(const struct smap *args, const char *name,
                       struct afzc_options *, char **errp);

const char *afzc_xdp_mode_name(enum afzc_xdp_mode);
const char *afzc_csum_fixup_name(enum afzc_csum_fixup);

#endif /* afzc-options.h */
