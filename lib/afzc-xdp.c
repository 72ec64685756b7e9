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

#include "afzc-xdp.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "afzc-xdp-private.h"
#include "openvswitch/list.h"
#include "openvswitch/thread.h"
#include "openvswitch/types.h"
#include "timeval.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "smap.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(afzc_xdp);

/* Every attached program, so that a port going away can be removed from the
 * others' output maps. */
static struct ovs_mutex afzc_xdps_mutex = OVS_MUTEX_INITIALIZER;
static struct ovs_list afzc_xdps OVS_GUARDED_BY(afzc_xdps_mutex)
    = OVS_LIST_INITIALIZER(&afzc_xdps);

/* The exact-match cache that every program shares (see afzc-xdp-shared.h),
 * while there is one; otherwise -1.  'afzc_emc_bits' is log2 of its
 * number of entries per CPU. */
static int afzc_emc_fd OVS_GUARDED_BY(afzc_xdps_mutex) = -1;
static unsigned int afzc_emc_bits OVS_GUARDED_BY(afzc_xdps_mutex);

/* One other_config setting of the offload tables' sizes. */
struct afzc_xdp_setting {
    const char *key;            /* other_config key. */
    unsigned int dflt;          /* Value without the key. */
    unsigned int min, max;      /* Bounds, inclusive. */
    bool pow2;                  /* Must be a power of 2. */
    const char *applies;        /* When a new value takes effect. */
    unsigned int value;         /* Value in use for new programs. */
    char *refused;              /* Last value refused, to log it once. */
};

/* other_config:afzc-offload-flows, afzc-offload-masks and
 * afzc-offload-cache, in this order. */
enum { AFZC_SET_FLOWS, AFZC_SET_MASKS, AFZC_SET_CACHE, AFZC_N_SETTINGS };
static struct afzc_xdp_setting afzc_xdp_settings[AFZC_N_SETTINGS]
    OVS_GUARDED_BY(afzc_xdps_mutex) = {
    { "afzc-offload-flows", AFZC_DEFAULT_FLOWS, AFZC_MIN_FLOWS,
      AFZC_MAX_FLOWS, false, "to ports set up from now on",
      AFZC_DEFAULT_FLOWS, NULL },
    { "afzc-offload-masks", AFZC_MAX_MASKS, 1, AFZC_MAX_MASKS, false,
      "to ports set up from now on", AFZC_MAX_MASKS, NULL },
    { "afzc-offload-cache", 1u << AFZC_EMC_DEFAULT_BITS,
      1u << AFZC_EMC_MIN_BITS, 1u << AFZC_EMC_MAX_BITS, true,
      "when the cache is next created, with the first afzc port set up "
      "while there is none", 1u << AFZC_EMC_DEFAULT_BITS, NULL },
};

/* Reads setting 's' from 'other_config'.  A value that is not a number
 * within the bounds (or not a power of 2, where one is needed) is logged,
 * once, and the value in use kept; no key means the default. */
static void
afzc_xdp_read_setting(struct afzc_xdp_setting *s,
                      const struct smap *other_config)
    OVS_REQUIRES(afzc_xdps_mutex)
{
    const char *str = smap_get(other_config, s->key);
    unsigned int value = s->dflt;

    if (str && (!str_to_uint(str, 10, &value)
                || value < s->min || value > s->max
                || (s->pow2 && (value & (value - 1))))) {
        if (!s->refused || strcmp(s->refused, str)) {
            VLOG_WARN("other_config:%s=%s refused: it must be %s from %u "
                      "to %u; %u stays in use", s->key, str,
                      s->pow2 ? "a power of 2" : "a number", s->min, s->max,
                      s->value);
            free(s->refused);
            s->refused = xstrdup(str);
        }
        return;
    }
    free(s->refused);
    s->refused = NULL;
    if (value != s->value) {
        VLOG_INFO("other_config:%s set to %u; it applies %s", s->key, value,
                  s->applies);
        s->value = value;
    }
}

/* Reads the sizes of the offload tables, other_config:afzc-offload-flows,
 * afzc-offload-masks and afzc-offload-cache, from the Open_vSwitch table.
 * A port's flow and mask tables are sized when its program is loaded, so a
 * new size applies to the ports set up afterwards; the cache, which every
 * port shares, when it is next created. */
void
afzc_xdp_set_config(const struct smap *other_config)
{
    ovs_mutex_lock(&afzc_xdps_mutex);
    for (int i = 0; i < AFZC_N_SETTINGS; i++) {
        afzc_xdp_read_setting(&afzc_xdp_settings[i], other_config);
    }
    ovs_mutex_unlock(&afzc_xdps_mutex);
}

/* Returns the number of exact-match cache entries per CPU: of the cache in
 * use if there is one ('*in_use' true), else of the next one. */
unsigned int
afzc_xdp_cache_entries(bool *in_use)
{
    unsigned int n;

    ovs_mutex_lock(&afzc_xdps_mutex);
    *in_use = afzc_emc_fd >= 0;
    n = (*in_use ? 1u << afzc_emc_bits
         : afzc_xdp_settings[AFZC_SET_CACHE].value);
    ovs_mutex_unlock(&afzc_xdps_mutex);
    return n;
}

/* Marks 'prog', not loaded yet, as one that takes multi-buffer frames
 * (BPF_F_XDP_HAS_FRAGS). */
static void
afzc_xdp_set_frags(struct bpf_program *prog)
{
    bpf_program__set_flags(prog, bpf_program__flags(prog)
                                 | BPF_F_XDP_HAS_FRAGS);
}

/* Opens and loads a new instance of the program and its maps, with the
 * process's exact-match cache, a flow table of 'xdp->max_flows' flows, and
 * as one that takes multi-buffer frames if 'xdp->frags'.  Returns the
 * skeleton, or NULL with errno set. */
static struct afzc_xdp_skel *
afzc_xdp_load(const struct afzc_xdp *xdp)
{
    struct afzc_xdp_skel *skel = afzc_xdp_skel__open();
    int error = 0;

    if (!skel) {
        return NULL;
    }
    if (xdp->frags) {
        /* Every program of a tail call's program array must agree. */
        afzc_xdp_set_frags(skel->progs.afzc_xdp_prog);
        afzc_xdp_set_frags(skel->progs.afzc_xdp_cont);
        skel->rodata->afzc_frags = 1;
    }
    skel->bss->afzc_flow_gen = afzc_xdp_flow_new_gen();
    error = -bpf_map__set_max_entries(skel->maps.afzc_flows, xdp->max_flows);
    if (!error) {
        error = -bpf_map__set_max_entries(skel->maps.afzc_actions,
                                          xdp->max_flows);
    }
    if (!error) {
        error = -bpf_map__set_max_entries(skel->maps.afzc_flow_stats,
                                          xdp->max_flows);
    }
    ovs_mutex_lock(&afzc_xdps_mutex);
    if (error) {
        /* Reported below. */
    } else if (afzc_emc_fd >= 0) {
        error = -bpf_map__reuse_fd(skel->maps.afzc_emc, afzc_emc_fd);
    } else {
        /* The configured number of entries for each CPU that can run the
         * program. */
        unsigned int entries = afzc_xdp_settings[AFZC_SET_CACHE].value;
        int n_cpus = libbpf_num_possible_cpus();

        afzc_emc_bits = 0;
        while ((1u << afzc_emc_bits) < entries) {
            afzc_emc_bits++;
        }
        error = (n_cpus <= 0 ? EINVAL
                 : -bpf_map__set_max_entries(skel->maps.afzc_emc,
                                             entries * n_cpus));
    }
    skel->rodata->afzc_emc_bits = afzc_emc_bits;
    if (!error) {
        error = -afzc_xdp_skel__load(skel);
    }
    if (!error && afzc_emc_fd < 0) {
        afzc_emc_fd = dup(bpf_map__fd(skel->maps.afzc_emc));
        if (afzc_emc_fd < 0) {
            error = errno;
        }
    }
    ovs_mutex_unlock(&afzc_xdps_mutex);
    if (error) {
        afzc_xdp_skel__destroy(skel);
        errno = error;
        return NULL;
    }
    return skel;
}

/* Destroys 'skel', loaded by afzc_xdp_load() and not (or no longer) in
 * 'afzc_xdps', and the process's exact-match cache with the last program
 * that uses it. */
static void
afzc_xdp_unload(struct afzc_xdp_skel *skel)
{
    afzc_xdp_skel__destroy(skel);
    ovs_mutex_lock(&afzc_xdps_mutex);
    if (ovs_list_is_empty(&afzc_xdps) && afzc_emc_fd >= 0) {
        close(afzc_emc_fd);
        afzc_emc_fd = -1;
    }
    ovs_mutex_unlock(&afzc_xdps_mutex);
}

/* The last "Kernel error message" (netlink extended ack) that libbpf
 * reported on this thread, or "" if none since afzc_xdp_kernel_msg_clear().
 * Attach failures quote it, since the errno alone (often EINVAL) does not
 * say which of a driver's limits was hit. */
DEFINE_STATIC_PER_THREAD_DATA(struct ds, afzc_xdp_kernel_msg,
                              DS_EMPTY_INITIALIZER);

/* Forgets the kernel message afzc_xdp_libbpf_print() kept for this
 * thread. */
static void
afzc_xdp_kernel_msg_clear(void)
{
    ds_clear(afzc_xdp_kernel_msg_get());
}

/* libbpf print callback: libbpf's chatter goes to our log at debug level,
 * never to stderr, and never as a warning that would fail check_logs.  The
 * kernel's own explanation of a failed netlink request is also kept for
 * afzc_xdp_attach() to quote. */
static int
afzc_xdp_libbpf_print(enum libbpf_print_level level OVS_UNUSED,
                      const char *format, va_list args)
{
    static const char tag[] = "Kernel error message: ";
    struct ds s = DS_EMPTY_INITIALIZER;
    const char *kmsg;

    ds_put_format_valist(&s, format, args);
    ds_chomp(&s, '\n');
    /* libbpf prefixes its lines with "libbpf: ". */
    kmsg = strstr(ds_cstr(&s), tag);
    if (kmsg) {
        struct ds *msg = afzc_xdp_kernel_msg_get();

        ds_clear(msg);
        ds_put_cstr(msg, kmsg + sizeof tag - 1);
    }
    VLOG_DBG("libbpf: %s", ds_cstr(&s));
    ds_destroy(&s);
    return 0;
}

/* Sets up libbpf for our use.  Idempotent. */
void
afzc_xdp_init(void)
{
    libbpf_set_print(afzc_xdp_libbpf_print);
}

/* Reports the XDP program attached to the device with 'ifindex': its id in
 * '*prog_id' (0 if none) and whether it is one of ours in '*ours'.  Returns
 * 0 or a positive errno value. */
int
afzc_xdp_query(int ifindex, uint32_t *prog_id, bool *ours)
{
    LIBBPF_OPTS(bpf_xdp_query_opts, q);
    struct bpf_prog_info info;
    uint32_t len = sizeof info;
    int fd, error;

    *prog_id = 0;
    *ours = false;
    error = bpf_xdp_query(ifindex, 0, &q);
    if (error) {
        return -error;
    }
    *prog_id = q.prog_id ? q.prog_id : q.drv_prog_id ? q.drv_prog_id
               : q.skb_prog_id;
    if (!*prog_id) {
        return 0;
    }
    fd = bpf_prog_get_fd_by_id(*prog_id);
    if (fd < 0) {
        return -fd;
    }
    memset(&info, 0, sizeof info);
    error = bpf_obj_get_info_by_fd(fd, &info, &len);
    close(fd);
    if (error) {
        return -error;
    }
    *ours = !strncmp(info.name, AFZC_XDP_PROG_NAME, sizeof info.name);
    return 0;
}

/* Loads a fresh instance of our XDP program and attaches it to 'devname'
 * (with 'ifindex') in native (driver) mode if 'native', otherwise in generic
 * mode; one that takes multi-buffer frames if 'frags'.  A program of ours that is already there (left by an ovs-vswitchd
 * that was killed) is replaced; anyone else's program is left alone and
 * makes this fail with EBUSY.  Returns 0 or a positive errno value, with a
 * message in '*errp'. */
int
afzc_xdp_attach(const char *devname, int ifindex, bool native, bool frags,
                struct afzc_xdp **xdpp, char **errp)
{
    uint32_t mode = native ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
    struct afzc_xdp *xdp;
    uint32_t old_id;
    bool ours;
    int error;

    error = afzc_xdp_query(ifindex, &old_id, &ours);
    if (error) {
        *errp = xasprintf("cannot query XDP programs of %s (%s)", devname,
                          ovs_strerror(error));
        return error;
    }
    if (old_id && !ours) {
        *errp = xasprintf("%s already has an XDP program attached "
                          "(id %"PRIu32") that is not afzc's; detach it "
                          "first", devname, old_id);
        return EBUSY;
    }
    if (old_id) {
        /* Ours, but no port owns it: a leftover.  Detach it in whichever
         * mode it was attached. */
        VLOG_INFO("%s: replacing stale afzc XDP program (id %"PRIu32")",
                  devname, old_id);
        bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
        bpf_xdp_detach(ifindex, XDP_FLAGS_SKB_MODE, NULL);
    }

    xdp = xzalloc(sizeof *xdp);
    ovs_mutex_lock(&afzc_xdps_mutex);
    xdp->max_flows = afzc_xdp_settings[AFZC_SET_FLOWS].value;
    xdp->max_masks = afzc_xdp_settings[AFZC_SET_MASKS].value;
    ovs_mutex_unlock(&afzc_xdps_mutex);
    afzc_xdp_flow_init(xdp);
    xdp->ifindex = ifindex;
    xdp->flags = mode;
    xdp->frags = frags;
    xdp->skel = afzc_xdp_load(xdp);
    if (!xdp->skel) {
        error = errno ? errno : EINVAL;
        *errp = xasprintf("cannot load the afzc XDP program (%s)",
                          ovs_strerror(error));
        afzc_xdp_flow_destroy(xdp);
        free(xdp);
        return error;
    }

    afzc_xdp_kernel_msg_clear();
    error = -bpf_xdp_attach(ifindex,
                            bpf_program__fd(xdp->skel->progs.afzc_xdp_prog),
                            XDP_FLAGS_UPDATE_IF_NOEXIST | mode, NULL);
    if (error) {
        const char *kmsg = ds_cstr(afzc_xdp_kernel_msg_get());

        *errp = xasprintf("cannot attach the afzc XDP program to %s in %s "
                          "mode (%s%s%s)", devname,
                          native ? "native" : "generic",
                          ovs_strerror(error), *kmsg ? ": " : "", kmsg);
        afzc_xdp_unload(xdp->skel);
        afzc_xdp_flow_destroy(xdp);
        free(xdp);
        return error;
    }

    afzc_xdp_query(ifindex, &xdp->prog_id, &ours);
    ovs_mutex_lock(&afzc_xdps_mutex);
    /* afzc_xdp_detach() took this device out of the other programs' output
     * maps; a port set up again (a new XDP mode, say) is an output again
     * for the offloaded flows of other ports that still send to it, which
     * Open vSwitch does not offload again. */
    struct afzc_xdp *other;
    uint32_t key = ifindex;
    LIST_FOR_EACH (other, node, &afzc_xdps) {
        bpf_map_update_elem(bpf_map__fd(other->skel->maps.afzc_ports),
                            &key, &key, BPF_ANY);
    }
    ovs_list_push_back(&afzc_xdps, &xdp->node);
    ovs_mutex_unlock(&afzc_xdps_mutex);
    *xdpp = xdp;
    return 0;
}

/* Tells every program that the output port whose device had 'old_ifindex'
 * now has a new device, 'new_ifindex' (a veth deleted and created again
 * under its port): the offloaded flows that output to it name the old
 * ifindex, which Open vSwitch does not change in flows whose actions stay
 * the same, so the old ifindex is made to redirect to the new device. */
void
afzc_xdp_output_moved(uint32_t old_ifindex, uint32_t new_ifindex)
{
    struct afzc_xdp *xdp;

    ovs_mutex_lock(&afzc_xdps_mutex);
    LIST_FOR_EACH (xdp, node, &afzc_xdps) {
        if ((uint32_t) xdp->ifindex != new_ifindex) {
            bpf_map_update_elem(bpf_map__fd(xdp->skel->maps.afzc_ports),
                                &old_ifindex, &new_ifindex, BPF_ANY);
        }
    }
    ovs_mutex_unlock(&afzc_xdps_mutex);
}

/* Detaches and unloads 'xdp', if it is still the program on its device. */
void
afzc_xdp_detach(struct afzc_xdp *xdp)
{
    LIBBPF_OPTS(bpf_xdp_attach_opts, opts);

    if (!xdp) {
        return;
    }

    /* No other port's offloaded flow may send to this device any more: a
     * redirect to a missing output drops the packet until the revalidators
     * catch up with the port's removal. */
    struct afzc_xdp *other;
    uint32_t key = xdp->ifindex;
    ovs_mutex_lock(&afzc_xdps_mutex);
    ovs_list_remove(&xdp->node);
    LIST_FOR_EACH (other, node, &afzc_xdps) {
        bpf_map_delete_elem(bpf_map__fd(other->skel->maps.afzc_ports), &key);
    }
    ovs_mutex_unlock(&afzc_xdps_mutex);

    opts.old_prog_fd = bpf_program__fd(xdp->skel->progs.afzc_xdp_prog);
    /* XDP_FLAGS_REPLACE with -1 detaches only if our program is the one
     * attached; a device that is gone already has nothing to detach. */
    bpf_xdp_attach(xdp->ifindex, -1, XDP_FLAGS_REPLACE | xdp->flags, &opts);
    afzc_xdp_unload(xdp->skel);
    bpf_object__close(xdp->hook);
    afzc_xdp_flow_destroy(xdp);
    free(xdp);
}

/* Directs the frames of rx queue 'queue' to the AF_XDP socket 'xsk_fd'.
 * Returns 0 or a positive errno value. */
int
afzc_xdp_set_xsk(struct afzc_xdp *xdp, uint32_t queue, int xsk_fd)
{
    int map_fd = bpf_map__fd(xdp->skel->maps.afzc_xsks);

    return bpf_map_update_elem(map_fd, &queue, &xsk_fd, BPF_ANY) ? errno : 0;
}

/* Makes 'xdp' handle the frames of rx queues 'first' to 'first + n - 1'
 * and pass those of any other queue to Linux, unexamined. */
void
afzc_xdp_set_queues(struct afzc_xdp *xdp, uint32_t first, uint32_t n)
{
    __atomic_store_n(&xdp->skel->bss->afzc_qid_first, first,
                     __ATOMIC_RELAXED);
    __atomic_store_n(&xdp->skel->bss->afzc_qid_count, n, __ATOMIC_RELEASE);
}

/* Opens the BPF object 'file' as an XDP hook (see kernel/afzc-hook.h):
 * checks that it holds exactly one program, of type XDP, which it stores in
 * '*progp', and that the maps it shares with the port's program are
 * declared as afzc declares them.  Returns the object, or NULL with a
 * message in '*errp'. */
static struct bpf_object *
afzc_xdp_open_hook(const char *file, struct bpf_program **progp,
                   char **errp)
{
    struct bpf_program *prog, *found = NULL;
    struct bpf_object *obj;
    struct bpf_map *map;
    int n = 0;

    obj = bpf_object__open_file(file, NULL);
    if (!obj) {
        *errp = xasprintf("xdp-hook %s: cannot open it as a BPF object (%s)",
                          file, ovs_strerror(errno));
        return NULL;
    }
    bpf_object__for_each_program (prog, obj) {
        found = prog;
        n++;
    }
    if (n != 1 || bpf_program__type(found) != BPF_PROG_TYPE_XDP) {
        *errp = xasprintf("xdp-hook %s: must hold exactly one XDP program "
                          "(SEC(\"xdp\")), not %d program%s%s", file, n,
                          n == 1 ? "" : "s",
                          n == 1 ? " of another type" : "");
        bpf_object__close(obj);
        return NULL;
    }
    bpf_object__for_each_map (map, obj) {
        const char *name = bpf_map__name(map);
        enum bpf_map_type type = (!strcmp(name, "afzc_hook_progs")
                                  ? BPF_MAP_TYPE_PROG_ARRAY
                                  : !strcmp(name, "afzc_hook_counts")
                                  ? BPF_MAP_TYPE_PERCPU_ARRAY
                                  : BPF_MAP_TYPE_UNSPEC);

        if (type != BPF_MAP_TYPE_UNSPEC && bpf_map__type(map) != type) {
            *errp = xasprintf("xdp-hook %s: map %s is not declared as in "
                              "afzc-hook.h", file, name);
            bpf_object__close(obj);
            return NULL;
        }
    }
    *progp = found;
    return obj;
}

/* Checks that the BPF object 'file' can be an XDP hook: that it opens,
 * holds one XDP program and that the kernel accepts it.  Loads it once, on
 * its own, and unloads it.  Returns 0 or a positive errno value, with a
 * message in '*errp'. */
int
afzc_xdp_check_hook(const char *file, char **errp)
{
    struct bpf_program *prog;
    struct bpf_object *obj;
    int error;

    obj = afzc_xdp_open_hook(file, &prog, errp);
    if (!obj) {
        return EINVAL;
    }
    error = -bpf_object__load(obj);
    if (error) {
        *errp = xasprintf("xdp-hook %s: the kernel refused it (%s; the "
                          "verifier's log is in the debug log of module "
                          "afzc_xdp)", file, ovs_strerror(error));
    }
    bpf_object__close(obj);
    return error;
}

/* Loads the XDP hook in 'file', with the maps it shares with the port's
 * program replaced by those of 'xdp', and makes 'xdp' run it first on every
 * frame of the port's queues.  Returns 0 or a positive errno value, with a
 * message in '*errp'; 'xdp' then runs without a hook. */
int
afzc_xdp_set_hook(struct afzc_xdp *xdp, const char *file, char **errp)
{
    struct afzc_xdp_skel *skel = xdp->skel;
    int progs_fd = bpf_map__fd(skel->maps.afzc_hook_progs);
    struct bpf_program *prog;
    struct bpf_object *obj;
    struct bpf_map *map;
    uint32_t slot;
    int fd, error = 0;

    obj = afzc_xdp_open_hook(file, &prog, errp);
    if (!obj) {
        return EINVAL;
    }
    if (xdp->frags) {
        afzc_xdp_set_frags(prog);
    }
    bpf_object__for_each_map (map, obj) {
        if (!strcmp(bpf_map__name(map), "afzc_hook_progs")) {
            error = -bpf_map__reuse_fd(map, progs_fd);
        } else if (!strcmp(bpf_map__name(map), "afzc_hook_counts")) {
            error = -bpf_map__reuse_fd(
                map, bpf_map__fd(skel->maps.afzc_hook_counts));
        }
        if (error) {
            break;
        }
    }
    error = error ? error : -bpf_object__load(obj);
    if (error) {
        *errp = xasprintf("xdp-hook %s: cannot load it with the port's maps "
                          "(%s)", file, ovs_strerror(error));
        bpf_object__close(obj);
        return error;
    }

    slot = AFZC_HOOK_CONTINUE_SLOT;
    fd = bpf_program__fd(skel->progs.afzc_xdp_cont);
    error = bpf_map_update_elem(progs_fd, &slot, &fd, BPF_ANY) ? errno : 0;
    if (!error) {
        slot = AFZC_HOOK_SLOT;
        fd = bpf_program__fd(prog);
        error = bpf_map_update_elem(progs_fd, &slot, &fd, BPF_ANY)
                ? errno : 0;
    }
    if (error) {
        *errp = xasprintf("xdp-hook %s: cannot chain it to the port's "
                          "program (%s)", file, ovs_strerror(error));
        bpf_object__close(obj);
        return error;
    }
    __atomic_store_n(&skel->bss->afzc_hook_on, 1, __ATOMIC_RELEASE);
    xdp->hook = obj;
    return 0;
}

/* Stores in 'n' what the XDP hook of 'xdp' did with the frames of rx queue
 * 'queue': AFZC_HOOK_N_OUTCOMES counters, summed over the CPUs.  Returns 0
 * or a positive errno value. */
int
afzc_xdp_get_hook_stats(const struct afzc_xdp *xdp, uint32_t queue,
                        uint64_t n[AFZC_HOOK_N_OUTCOMES])
{
    BUILD_ASSERT(sizeof(struct afzc_hook_counters)
                 == AFZC_HOOK_N_OUTCOMES * sizeof(uint64_t));
    return afzc_xdp_sum_percpu(xdp->skel->maps.afzc_hook_counts, queue, n,
                               AFZC_HOOK_N_OUTCOMES);
}

/* Stops directing the frames of rx queue 'queue' to a socket. */
void
afzc_xdp_clear_xsk(struct afzc_xdp *xdp, uint32_t queue)
{
    int map_fd = bpf_map__fd(xdp->skel->maps.afzc_xsks);

    bpf_map_delete_elem(map_fd, &queue);
}

/* Tells the program of 'xdp' whether frames with a partial checksum must
 * go to user space, which completes them, instead of through offloaded
 * flows ('on'): so it must for a port that completes partial checksums in
 * native mode, whose redirects lose the packet's checksum state. */
void
afzc_xdp_set_csum_fixup(struct afzc_xdp *xdp, bool on)
{
    __atomic_store_n(&xdp->skel->bss->afzc_csum_fixup, on ? 1 : 0,
                     __ATOMIC_RELEASE);
}

/* Makes the program of 'xdp' send the frames longer than its device's MTU
 * to user space, whatever their flows, if 'on' is true (see
 * afzc_gso_to_user in afzc-xdp.bpf.c). */
void
afzc_xdp_set_gso_to_user(struct afzc_xdp *xdp, bool on)
{
    __atomic_store_n(&xdp->skel->bss->afzc_gso_to_user, on ? 1 : 0,
                     __ATOMIC_RELEASE);
}

/* Returns the kernel's id of the program 'xdp' attached. */
uint32_t
afzc_xdp_prog_id(const struct afzc_xdp *xdp)
{
    return xdp->prog_id;
}

/* Sums the per-CPU counters of rx queue 'queue' into '*qs'.  Returns 0 or a
 * positive errno value. */
int
afzc_xdp_get_qstats(const struct afzc_xdp *xdp, uint32_t queue,
                    struct afzc_xdp_qstats *qs)
{
    uint64_t n[AFZC_XDP_N_QCOUNTERS];
    int error;

    BUILD_ASSERT(sizeof(struct afzc_xdp_qcounters) == sizeof n);
    memset(qs, 0, sizeof *qs);
    error = afzc_xdp_sum_percpu(xdp->skel->maps.afzc_qstats, queue, n,
                                ARRAY_SIZE(n));
    if (error) {
        return error;
    }
    for (int v = 0; v < AFZC_XDP_N_VERDICTS; v++) {
        qs->packets[v] = n[v];
    }
    qs->packets[AFZC_XDP_OFFLOADED] += n[AFZC_XDP_HIT_OFFLOADED];
    qs->packets[AFZC_XDP_DROPPED] += n[AFZC_XDP_HIT_DROPPED];
    qs->cache_hits = n[AFZC_XDP_HIT_OFFLOADED] + n[AFZC_XDP_HIT_DROPPED];
    qs->packets[AFZC_XDP_TO_USER] += n[AFZC_XDP_CSUM_TO_USER];
    qs->csum_to_user = n[AFZC_XDP_CSUM_TO_USER];
    qs->csum_fixed = n[AFZC_XDP_CSUM_FIXED];
    qs->packets[AFZC_XDP_TO_USER] += n[AFZC_XDP_GSO_TO_USER];
    qs->gso_to_user = n[AFZC_XDP_GSO_TO_USER];
    return 0;
}
