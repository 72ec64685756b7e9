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

/* ovs-afzc-bench: the UDP frame that gen sends and xsk's txpush mode
 * transmits, built from a struct gen_config. */

#include "bench.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

/* Adds the 'len' bytes at 'data' to the one's complement sum 'sum', as
 * big-endian 16-bit words, and returns the new sum. */
static uint32_t
gen_csum_add(uint32_t sum, const void *data, size_t len)
{
    const uint8_t *p = data;

    while (len > 1) {
        sum += (uint32_t) p[0] << 8 | p[1];
        p += 2;
        len -= 2;
    }
    if (len) {
        sum += (uint32_t) p[0] << 8;
    }
    return sum;
}

/* Folds 'sum' and returns its complement, in network byte order: an
 * Internet checksum. */
static uint16_t
gen_csum_finish(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return htons(~sum & 0xffff);
}

/* Writes into 'frame' an Ethernet/IPv4/UDP packet of 'len' bytes (no FCS)
 * with correct IP and UDP checksums, or no UDP checksum (zero) if the XDP
 * program is to rewrite the source port for many flows. */
void
gen_build_frame(const struct gen_config *c, uint8_t *frame, size_t len)
{
    size_t ip_len = len - 14, udp_len = ip_len - 20;
    uint8_t *ip = frame + 14, *udp = ip + 20;
    uint8_t pseudo[12];
    uint32_t sum;
    uint16_t v;

    memset(frame, 0, len);
    memcpy(frame, c->dst_mac, 6);
    memcpy(frame + 6, c->src_mac, 6);
    frame[12] = 0x08;                   /* IPv4. */
    frame[13] = 0x00;

    ip[0] = 0x45;                       /* Version 4, 20-byte header. */
    v = htons(ip_len);
    memcpy(ip + 2, &v, 2);
    ip[6] = 0x40;                       /* Don't fragment. */
    ip[8] = 64;                         /* TTL. */
    ip[9] = IPPROTO_UDP;
    memcpy(ip + 12, &c->src_ip, 4);
    memcpy(ip + 16, &c->dst_ip, 4);
    v = gen_csum_finish(gen_csum_add(0, ip, 20));
    memcpy(ip + 10, &v, 2);

    v = htons(c->src_port);
    memcpy(udp, &v, 2);
    v = htons(c->dst_port);
    memcpy(udp + 2, &v, 2);
    v = htons(udp_len);
    memcpy(udp + 4, &v, 2);
    for (size_t i = 8; i < udp_len; i++) {
        udp[i] = i;
    }

    memcpy(pseudo, &c->src_ip, 4);
    memcpy(pseudo + 4, &c->dst_ip, 4);
    pseudo[8] = 0;
    pseudo[9] = IPPROTO_UDP;
    v = htons(udp_len);
    memcpy(pseudo + 10, &v, 2);
    sum = gen_csum_add(gen_csum_add(0, pseudo, sizeof pseudo), udp, udp_len);
    v = gen_csum_finish(sum);
    if (!v) {
        v = 0xffff;
    }
    if (c->flows > 1) {
        v = 0;
    }
    memcpy(udp + 6, &v, 2);
}

