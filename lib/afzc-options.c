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

#include "afzc-options.h"

#include <errno.h>
#include <string.h>

#include "afzc-xdp-shared.h"
#include "smap.h"
#include "util.h"

static const char *const afzc_mode_names[] = {
    [AFZC_MODE_BEST_EFFORT] = "best-effort",
    [AFZC_MODE_NATIVE_ZC] = "native-with-zerocopy",
    [AFZC_MODE_NATIVE] = "native",
    [AFZC_MODE_GENERIC] = "generic",
};

static const char *const afzc_csum_fixup_names[] = {
    [AFZC_CSUM_FIXUP_AUTO] = "auto",
    [AFZC_CSUM_FIXUP_ON] = "on",
    [AFZC_CSUM_FIXUP_OFF] = "off",
};

/* Returns the option value that names 'mode'. */
const char *
afzc_xdp_mode_name(enum afzc_xdp_mode mode)
{
    return mode < ARRAY_SIZE(afzc_mode_names) ? afzc_mode_names[mode] : "?";
}

/* Returns the option value that names 'fixup'. */
const char *
afzc_csum_fixup_name(enum afzc_csum_fixup fixup)
{
    return (fixup < ARRAY_SIZE(afzc_csum_fixup_names)
            ? afzc_csum_fixup_names[fixup] : "?");
}

/* Looks 'value' up in the 'n' 'names'.  Returns its index, or -1 if it is
 * not there. */
static int
afzc_options_lookup(const char *value, const char *const names[], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(value, names[i])) {
            return i;
        }
    }
    return -1;
}

/* Sets '*options' to the defaults of a port with an empty options column. */
static void
afzc_options_init(struct afzc_options *options)
{
    options->n_rxq = 1;
    options->start_qid = 0;
    options->mode = AFZC_MODE_BEST_EFFORT;
    options->need_wakeup = true;
    options->busy_poll = 0;
    options->hook = NULL;
    options->csum_fixup = AFZC_CSUM_FIXUP_AUTO;
}

/* Parses the integer option 'key' of port 'name', 'value', into '*out',
 * which must lie between 'min' and 'max'.  'range' says so in the error
 * message.  Returns 0 or EINVAL with a message in '*errp'. */
static int
afzc_options_int(const char *name, const char *key, const char *value,
                 int min, int max, const char *range, int *out, char **errp)
{
    if (!str_to_int(value, 10, out) || *out < min || *out > max) {
        *errp = xasprintf("%s: options:%s=%s is not a number between %s",
                          name, key, value, range);
        return EINVAL;
    }
    return 0;
}

/* Parses option 'node' of port 'name' into 'o'.  Returns 0 or EINVAL with a
 * message in '*errp'. */
static int
afzc_options_parse_one(const struct smap_node *node, const char *name,
                       struct afzc_options *o, char **errp)
{
    const char *key = node->key, *value = node->value;
    char range[32];
    int i;

    if (!strcmp(key, "n_rxq")) {
        snprintf(range, sizeof range, "1 and %d", AFZC_MAX_QUEUES);
        return afzc_options_int(name, key, value, 1, AFZC_MAX_QUEUES, range,
                                &o->n_rxq, errp);
    } else if (!strcmp(key, "start-qid")) {
        snprintf(range, sizeof range, "0 and %d", AFZC_MAX_QUEUES - 1);
        return afzc_options_int(name, key, value, 0, AFZC_MAX_QUEUES - 1,
                                range, &o->start_qid, errp);
    } else if (!strcmp(key, "busy-poll")) {
        snprintf(range, sizeof range, "0 (off) and %d", AFZC_MAX_BUSY_POLL);
        return afzc_options_int(name, key, value, 0, AFZC_MAX_BUSY_POLL,
                                range, &o->busy_poll, errp);
    } else if (!strcmp(key, "xdp-mode")) {
        i = afzc_options_lookup(value, afzc_mode_names,
                                ARRAY_SIZE(afzc_mode_names));
        if (i < 0) {
            *errp = xasprintf("%s: options:xdp-mode=%s is unknown "
                              "(best-effort, native-with-zerocopy, "
                              "native or generic)", name, value);
            return EINVAL;
        }
        o->mode = i;
    } else if (!strcmp(key, "use-need-wakeup")) {
        if (strcmp(value, "true") && strcmp(value, "false")) {
            *errp = xasprintf("%s: options:use-need-wakeup=%s is not "
                              "true or false", name, value);
            return EINVAL;
        }
        o->need_wakeup = !strcmp(value, "true");
    } else if (!strcmp(key, "xdp-hook")) {
        o->hook = value[0] ? value : NULL;
    } else if (!strcmp(key, "rx-csum-fixup")) {
        i = afzc_options_lookup(value, afzc_csum_fixup_names,
                                ARRAY_SIZE(afzc_csum_fixup_names));
        if (i < 0) {
            *errp = xasprintf("%s: options:rx-csum-fixup=%s is not "
                              "auto, on or off", name, value);
            return EINVAL;
        }
        o->csum_fixup = i;
    } else {
        *errp = xasprintf("%s: unknown option '%s' (afzc ports take "
                          "n_rxq, start-qid, xdp-mode, use-need-wakeup, "
                          "busy-poll, xdp-hook and rx-csum-fixup)", name,
                          key);
        return EINVAL;
    }
    return 0;
}

/* Parses the options column 'args' of afzc port 'name' into '*options',
 * starting from the defaults.  Checks each value and that the queues fit
 * in what afzc can use; what the device itself allows is not checked here.
 * Returns 0 or EINVAL with a message in '*errp'. */
int
afzc_options_parse(const struct smap *args, const char *name,
                   struct afzc_options *options, char **errp)
{
    const struct smap_node *node;

    afzc_options_init(options);
    SMAP_FOR_EACH (node, args) {
        int error = afzc_options_parse_one(node, name, options, errp);

        if (error) {
            return error;
        }
    }
    if (options->start_qid + options->n_rxq > AFZC_MAX_QUEUES) {
        *errp = xasprintf("%s: options:start-qid=%d with n_rxq=%d goes past "
                          "queue %d, the last afzc can use", name,
                          options->start_qid, options->n_rxq,
                          AFZC_MAX_QUEUES - 1);
        return EINVAL;
    }
    return 0;
}
