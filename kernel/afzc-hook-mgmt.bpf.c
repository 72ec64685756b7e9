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

/* An example XDP hook for afzc ports (options:xdp-hook=FILE): it keeps the
 * host's management traffic in the kernel and lets afzc switch the rest.
 *
 * Kept in the kernel: ARP, and TCP to port 22 (SSH) over IPv4 or IPv6,
 * untagged.  Meant for a port on which the host itself has an address and
 * whose ARP the host answers: ARP is not switched on such a port.
 *
 * Built with the project (kernel/afzc-hook-mgmt.bpf.o); or by hand:
 *
 *     clang -O2 -g -target bpf -I kernel -c afzc-hook-mgmt.bpf.c \
 *           -o afzc-hook-mgmt.bpf.o
 */

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "afzc-hook.h"

/* The SSH port. */
#define AFZC_MGMT_SSH_PORT 22

/* Returns true if the TCP header at 'l4' (before 'end') goes to port 22. */
static __always_inline int
afzc_mgmt_is_ssh(void *l4, void *end)
{
    struct tcphdr *tcp = l4;

    return (void *) (tcp + 1) <= end
           && tcp->dest == bpf_htons(AFZC_MGMT_SSH_PORT);
}

SEC("xdp")
int
afzc_hook_mgmt(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;

    if ((void *) (eth + 1) > end) {
        return afzc_hook_continue(ctx);
    }
    if (eth->h_proto == bpf_htons(ETH_P_ARP)) {
        return afzc_hook_pass(ctx);
    }
    if (eth->h_proto == bpf_htons(ETH_P_IP)) {
        struct iphdr *ip = (void *) (eth + 1);

        if ((void *) (ip + 1) <= end && ip->protocol == IPPROTO_TCP
            && ip->ihl >= 5
            && !(ip->frag_off & bpf_htons(0x1fff))
            && afzc_mgmt_is_ssh((char *) ip + ip->ihl * 4, end)) {
            return afzc_hook_pass(ctx);
        }
    } else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
        struct ipv6hdr *ip6 = (void *) (eth + 1);

        if ((void *) (ip6 + 1) <= end && ip6->nexthdr == IPPROTO_TCP
            && afzc_mgmt_is_ssh(ip6 + 1, end)) {
            return afzc_hook_pass(ctx);
        }
    }
    return afzc_hook_continue(ctx);
}

char _license[] SEC("license") = "GPL";
