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

#ifndef AFZC_XDP_SHARED_H
#define AFZC_XDP_SHARED_H 1

/* The ABI between the XDP program (kernel/afzc-xdp.bpf.c) and the user-space
 * code that loads it and fills its maps: limits, the layouts of map keys and
 * values, and counter indexes.  Compiled both for the host and for -target
 * bpf, so it uses only the kernel's fixed-size types (<linux/types.h>):
 * __beNN for fields in network byte order, __uNN for the others. */

#include <linux/types.h>

/* Most queues one afzc port can have, hence the size of the per-port XSKMAP
 * and of the per-queue counter array. */
#define AFZC_MAX_QUEUES 64

/* Name of the XDP program, as the kernel reports it (at most 15 characters).
 * A program of this name on a device is one of ours, possibly left behind by
 * an ovs-vswitchd that was killed, and may be replaced. */
#define AFZC_XDP_PROG_NAME "afzc_xdp_prog"

/* What the XDP program did with a frame; indexes struct afzc_xdp_qstats. */
enum afzc_xdp_verdict {
    AFZC_XDP_TO_USER,           /* Redirected to the queue's AF_XDP socket. */
    AFZC_XDP_PASSED,            /* No socket on the queue: passed to Linux. */
    AFZC_XDP_OFFLOADED,         /* An offloaded flow redirected it. */
    AFZC_XDP_DROPPED,           /* An offloaded flow dropped it. */
    AFZC_XDP_N_VERDICTS
};

/* Flow offload limits, per port.  The program walks at most
 * AFZC_MAX_MASKS masks (its loop is unrolled that far); user space may use
 * fewer (other_config:afzc-offload-masks).  The flow table's size is set
 * by user space before the program is loaded (other_config:
 * afzc-offload-flows); AFZC_DEFAULT_FLOWS is only what the map
 * declarations say. */
#define AFZC_MAX_MASKS 16       /* Distinct megaflow masks, at most. */
#define AFZC_DEFAULT_FLOWS 65536        /* Offloaded megaflows, default. */
#define AFZC_MIN_FLOWS 16               /* ...and bounds. */
#define AFZC_MAX_FLOWS 1048576
#define AFZC_MAX_ACTIONS 6      /* Actions per flow. */

/* The packet fields the XDP program parses, in network byte order, and the
 * layout of both an offloaded flow's key and its mask.  Fields the packet
 * does not have are zero.  'vlan_tci' has the 0x1000 (CFI) bit set when the
 * frame carries an 802.1Q tag, as Open vSwitch's flow does; 'eth_type' is
 * the type after that tag.  'nw_frag' uses OVS's FLOW_NW_FRAG_* bits.  For
 * ICMP, 'tp_src' and 'tp_dst' are the type and code. */
struct afzc_flow_key {
    __u8 eth_dst[6];
    __u8 eth_src[6];
    __be16 eth_type;
    __be16 vlan_tci;
    __u8 nw_proto;
    __u8 nw_tos;
    __u8 nw_ttl;
    __u8 nw_frag;
    __be32 ipv4_src;
    __be32 ipv4_dst;
    __u8 ipv6_src[16];
    __u8 ipv6_dst[16];
    __be16 tp_src;
    __be16 tp_dst;
};

/* Key of the flow table: a packet's key masked by mask 'mask_idx'. */
struct afzc_flow_lookup {
    __u32 mask_idx;
    struct afzc_flow_key key;
};

/* A megaflow mask.  'n_flows' is maintained by user space; the program only
 * tests it for zero, to skip unused slots. */
struct afzc_flow_mask {
    __u32 n_flows;
    struct afzc_flow_key mask;
};

/* One action of an offloaded flow. */
enum afzc_flow_action_type {
    AFZC_ACT_NONE,              /* Ends the list. */
    AFZC_ACT_OUTPUT,            /* Redirect to 'ifindex'. */
    AFZC_ACT_SET_ETH_SRC,       /* Set the Ethernet source to 'mac'. */
    AFZC_ACT_SET_ETH_DST,       /* Set the Ethernet destination to 'mac'. */
    AFZC_ACT_PUSH_VLAN,         /* Push a tag of 'tpid' and 'tci'. */
    AFZC_ACT_POP_VLAN,          /* Pop the outer 802.1Q tag. */
    AFZC_ACT_USERSPACE,         /* Only as the first action: hand the frame
                                 * to user space, as a miss, and count it
                                 * not against the flow.  For a flow whose
                                 * actions were changed to ones the program
                                 * cannot execute, so that the counters of
                                 * its time in XDP stay with it. */
};

/* An action.  A list that ends without AFZC_ACT_OUTPUT drops the packet. */
struct afzc_flow_action {
    __u32 type;                 /* enum afzc_flow_action_type. */
    __u32 ifindex;              /* AFZC_ACT_OUTPUT. */
    __be16 tpid;                /* AFZC_ACT_PUSH_VLAN, network order. */
    __be16 tci;                 /* AFZC_ACT_PUSH_VLAN, network order. */
    __u8 mac[6];                /* AFZC_ACT_SET_ETH_*. */
    __u8 pad[2];
};

/* Value of the flow table: where the flow's actions and counters are. */
struct afzc_flow_value {
    __u32 id;                   /* Index in the action and counter arrays,
                                 * below the flow table's size. */
};

/* The actions of an offloaded flow. */
struct afzc_flow_actions {
    struct afzc_flow_action actions[AFZC_MAX_ACTIONS];
};

/* Counters of one offloaded flow on one CPU.  They are per CPU, so that the
 * program updates them without atomic operations; user space sums them and
 * tells when a flow was last used from their growth. */
struct afzc_flow_stats {
    __u64 packets;
    __u64 bytes;
};

/* The exact-match cache in front of the classifier.  For the frames it
 * covers (IPv4 without options and IPv6, untagged or with one 802.1Q tag,
 * which is most traffic), the program compares a few masked 64-bit words
 * of the headers with a cache entry rather than parsing the frame, masking
 * the key under every mask and hashing it.  One cache serves every afzc
 * port; it has 2**afzc_emc_bits entries of 80 bytes per CPU, set by user
 * space before the program is loaded (other_config:afzc-offload-cache,
 * a power of 2 from 2**AFZC_EMC_MIN_BITS to 2**AFZC_EMC_MAX_BITS, default
 * 2**AFZC_EMC_DEFAULT_BITS).  An entry
 * names the generation of the flow table it was made in; user space moves
 * a port to a new generation, unique in the process, on every change of
 * its flow table, which makes its entries stale at once. */
#define AFZC_EMC_DEFAULT_BITS 13
#define AFZC_EMC_MIN_BITS 10
#define AFZC_EMC_MAX_BITS 20
#define AFZC_EMC_WORDS 8        /* Ethernet, 802.1Q, IPv6, L4 ports. */

/* An entry of the exact-match cache: the masked header words of the frames
 * it stands for and their flow.  The generation, unique to a port, also
 * tells which port's entry it is. */
struct afzc_emc_entry {
    __u32 gen;                  /* Flow table generation, 0 if empty. */
    __u32 id;                   /* Flow: index in the action array. */
    __u32 out_ifindex;          /* If the flow's only action is an output,
                                 * its port, else 0. */
    __u32 pad;
    __u64 words[AFZC_EMC_WORDS];
};

/* Counters of the XDP program for one rx queue of one port. */
struct afzc_xdp_qstats {
    __u64 packets[AFZC_XDP_N_VERDICTS];
    __u64 cache_hits;           /* Of the AFZC_XDP_OFFLOADED and
                                 * AFZC_XDP_DROPPED frames, those the
                                 * exact-match cache served. */
    __u64 csum_to_user;         /* Of the AFZC_XDP_TO_USER frames, those of
                                 * offloaded flows sent to user space for
                                 * their partial checksum. */
    __u64 csum_fixed;           /* Frames whose partial checksum the
                                 * program completed (native mode). */
    __u64 gso_to_user;          /* Of the AFZC_XDP_TO_USER frames, those
                                 * sent to user space for being longer than
                                 * the MTU (generic mode; afzc-gso.h). */
};

/* How the program keeps them, per CPU: one counter per verdict, two
 * more for the AFZC_XDP_OFFLOADED and AFZC_XDP_DROPPED frames that the
 * cache served, which the first two leave out, one for the frames of
 * offloaded flows sent to user space for their partial checksum, which
 * AFZC_XDP_TO_USER leaves out, one for the partial checksums the
 * program completed, and one for the frames sent to user space for being
 * longer than the MTU, which AFZC_XDP_TO_USER leaves out too.  A frame
 * costs the program one counter update, whatever it did with it, and one
 * more if it completed its checksum; user space adds them up into a struct
 * afzc_xdp_qstats. */
#define AFZC_XDP_HIT_OFFLOADED AFZC_XDP_N_VERDICTS
#define AFZC_XDP_HIT_DROPPED (AFZC_XDP_N_VERDICTS + 1)
#define AFZC_XDP_CSUM_TO_USER (AFZC_XDP_N_VERDICTS + 2)
#define AFZC_XDP_CSUM_FIXED (AFZC_XDP_N_VERDICTS + 3)
#define AFZC_XDP_GSO_TO_USER (AFZC_XDP_N_VERDICTS + 4)
#define AFZC_XDP_N_QCOUNTERS (AFZC_XDP_N_VERDICTS + 5)
struct afzc_xdp_qcounters {
    __u64 n[AFZC_XDP_N_QCOUNTERS];
};

#endif /* afzc-xdp-shared.h */
