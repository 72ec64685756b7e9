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

#ifndef AFZC_XDP_COMMON_H
#define AFZC_XDP_COMMON_H 1

/* Definitions shared by the XDP program (kernel/afzc-xdp.bpf.c) and the
 * user-space code that loads it.  Plain C only: this header is compiled both
 * for the host and for -target bpf. */

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
    AFZC_XDP_N_VERDICTS
};

/* Per-CPU counters of the XDP program for one rx queue of one port. */
struct afzc_xdp_qstats {
    unsigned long long packets[AFZC_XDP_N_VERDICTS];
};

#endif /* afzc-xdp-common.h */
