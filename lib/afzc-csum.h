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

#ifndef AFZC_CSUM_H
#define AFZC_CSUM_H 1

/* Completing the checksums that a local sender left to the hardware.
 *
 * A Linux sender whose device offers transmit checksum offload (a veth, by
 * default) sends TCP and UDP packets whose checksum field holds only the
 * sum of the pseudo-header (CHECKSUM_PARTIAL), for the device to finish.
 * XDP and AF_XDP pass such packets on as they are, and nothing downstream
 * finishes them: a receiving kernel drops them.  The packet itself does not
 * tell that its checksum is partial, so this module goes by its content: a
 * TCP or UDP checksum field that equals the pseudo-header sum and does not
 * verify is taken to be partial and completed.  That is only safe for
 * packets of a local sender, so it is applied on virtual devices (see
 * netdev-afzc.c).
 *
 * Errors: none; the functions report what they found and did. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dp_packet;
struct dp_packet_batch;

/* What afzc_csum_fixup_frame() found in a packet. */
enum afzc_csum_result {
    AFZC_CSUM_OTHER,            /* Not TCP or UDP over IP, or not parsed. */
    AFZC_CSUM_COMPLETE,         /* A checksum that is not partial. */
    AFZC_CSUM_FIXED,            /* A partial checksum, now completed. */
};

enum afzc_csum_result afzc_csum_fixup_frame(void *frame, size_t len);
uint64_t afzc_csum_fixup_batch(struct dp_packet_batch *, bool copied_only);
void afzc_csum_set_l4(const void *l3, bool ipv6, void *l4, size_t l4_len,
                      uint8_t proto);

#endif /* afzc-csum.h */
